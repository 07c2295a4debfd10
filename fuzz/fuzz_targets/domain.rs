//! The parsers of what people type or send: 查询码, phone, dates, status codes, ids,
//! Retry-After. Each gets the input as text; a value that parses must parse again to itself.
#![no_main]

use app::domain::{
    CategoryId, HonourStatus, HonourTitle, OfficeId, PhoneNumber, ReportStatus, TrackingCode,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(code) = TrackingCode::parse(s) {
        assert_eq!(TrackingCode::parse(code.as_str()).as_ref(), Ok(&code));
        assert_eq!(code.as_str().len(), app::domain::tracking::LEN);
    }

    if let Ok(phone) = PhoneNumber::parse(s) {
        assert!(PhoneNumber::parse(phone.as_str()) == Ok(phone.clone()));
        assert_eq!(phone.masked().chars().count(), 11);
    }

    if let Ok(Some(at)) = app::forms::parse_date(s) {
        let shown = at.format_date();
        assert_eq!(
            app::forms::parse_date(&shown).ok(),
            Some(Some(at)),
            "{s:?} → {shown}"
        );
        let _ = at.format_datetime();
    }

    if let Ok(st) = ReportStatus::parse(s) {
        assert_eq!(st.code(), s);
    }
    if let Ok(st) = HonourStatus::parse(s) {
        assert_eq!(st.code(), s);
    }
    if let Ok(t) = HonourTitle::parse(s) {
        assert_eq!(t.code(), s);
    }
    let _ = app::honours::parse_title_label(s);

    let _ = s.parse::<CategoryId>();
    let _ = app::forms::parse_opt::<OfficeId>(s);
    let _ = app::reports::queue::parse_retry_after(s);
});
