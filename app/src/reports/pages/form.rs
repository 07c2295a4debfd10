//! The pure part of the report form: what the resident entered, checked like the server
//! checks it, turned into the [`ReportDraft`](crate::reports::ReportDraft) that is sent (or queued).

use crate::domain::{CategoryId, Millis, OfficeId, PhoneNumber, StreetId};
use crate::reports::strings::ui as t;
use crate::reports::strings::validation as v;
use crate::reports::{GeoPoint, MAX_DESCRIPTION_CHARS, MAX_PHOTOS, ReportDraft};
use uuid::Uuid;

/// How many tracking codes a device keeps (newest first).
pub const MAX_SAVED_CODES: usize = 200;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormInput {
    pub photo_count: usize,
    pub category: Option<CategoryId>,
    pub office: Option<OfficeId>,
    pub street: Option<StreetId>,
    pub location: Option<GeoPoint>,
    pub description: String,
    pub phone: String,
}

/// The draft to send, or every problem in the order of the form (zh-CN).
pub fn draft(
    input: &FormInput,
    report_id: Uuid,
    created_on_device: Millis,
) -> Result<ReportDraft, Vec<String>> {
    let mut problems = Vec::new();
    if input.photo_count == 0 {
        problems.push(v::NO_PHOTOS.to_string());
    } else if input.photo_count > MAX_PHOTOS {
        problems.push(v::too_many_photos(MAX_PHOTOS));
    }
    if input.category.is_none() {
        problems.push(t::NEED_CATEGORY.to_string());
    }
    if input.street.is_none() {
        if input.location.is_none() {
            problems.push(v::PLACE_REQUIRED.to_string());
        } else if input.office.is_none() {
            problems.push(v::OFFICE_REQUIRED.to_string());
        }
    }
    let description = input.description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        problems.push(v::description_too_long(MAX_DESCRIPTION_CHARS));
    }
    let phone = match input.phone.trim() {
        "" => String::new(),
        raw => match PhoneNumber::parse(raw) {
            Ok(p) => p.as_str().to_string(),
            Err(e) => {
                problems.push(e.to_string());
                String::new()
            }
        },
    };
    match (problems.is_empty(), input.category) {
        (true, Some(category_id)) => Ok(ReportDraft {
            report_id,
            category_id,
            office_id: input.office,
            street_id: input.street,
            location: input.location,
            description: description.to_string(),
            contact_phone: phone,
            created_on_device,
        }),
        _ => Err(problems),
    }
}

/// Whether two drafts say the same thing (id and device time aside): a retry of an
/// unchanged report must reuse its id, a changed one must not.
pub fn same_content(a: &ReportDraft, b: &ReportDraft) -> bool {
    let strip = |d: &ReportDraft| ReportDraft {
        report_id: Uuid::nil(),
        created_on_device: Millis(0),
        ..d.clone()
    };
    strip(a) == strip(b)
}

/// Scales (width, height) so the long edge is at most `max`, keeping the aspect ratio;
/// never enlarges, never returns a zero side.
pub fn fit_long_edge(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(width), scale(height))
}

/// The device's code list with `code` first: deduplicated, capped.
pub fn with_code(mut codes: Vec<String>, code: &str) -> Vec<String> {
    codes.retain(|c| c != code);
    codes.insert(0, code.to_string());
    codes.truncate(MAX_SAVED_CODES);
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CategoryId, Millis, OfficeId, StreetId};
    use crate::reports::GeoPoint;
    use crate::reports::strings::{ui, validation as v};
    use uuid::Uuid;

    fn complete() -> FormInput {
        FormInput {
            photo_count: 1,
            category: Some(CategoryId(1)),
            office: Some(OfficeId(1)),
            street: Some(StreetId(3)),
            location: None,
            description: "  巷口垃圾  ".into(),
            phone: "138-1234-5678".into(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_normalised_draft() {
        let id = Uuid::from_u128(7);
        let d = draft(&complete(), id, Millis(5)).unwrap();
        assert_eq!(d.report_id, id);
        assert_eq!(d.created_on_device, Millis(5));
        assert_eq!(d.street_id, Some(StreetId(3)));
        assert_eq!(d.description, "巷口垃圾");
        assert_eq!(d.contact_phone, "13812345678");
    }

    #[test]
    fn every_problem_is_listed_in_form_order() {
        let problems = draft(&FormInput::default(), Uuid::nil(), Millis(0)).unwrap_err();
        assert_eq!(
            problems,
            vec![v::NO_PHOTOS, ui::NEED_CATEGORY, v::PLACE_REQUIRED]
        );
        let too_many = FormInput {
            photo_count: 4,
            description: "字".repeat(501),
            phone: "12345".into(),
            ..complete()
        };
        let problems = draft(&too_many, Uuid::nil(), Millis(0)).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[2].contains("手机号码"));
    }

    #[test]
    fn gps_alone_needs_an_office() {
        let gps = GeoPoint {
            lat: 33.6,
            lon: 114.6,
            accuracy_m: Some(12.0),
        };
        let input = FormInput {
            street: None,
            office: None,
            location: Some(gps),
            ..complete()
        };
        assert_eq!(
            draft(&input, Uuid::nil(), Millis(0)).unwrap_err(),
            vec![v::OFFICE_REQUIRED]
        );
        let input = FormInput {
            office: Some(OfficeId(2)),
            ..input
        };
        let d = draft(&input, Uuid::nil(), Millis(0)).unwrap();
        assert_eq!(
            (d.office_id, d.street_id, d.location),
            (Some(OfficeId(2)), None, Some(gps))
        );
    }

    #[test]
    fn exactly_500_characters_are_allowed() {
        let input = FormInput {
            description: "字".repeat(500),
            phone: String::new(),
            ..complete()
        };
        let d = draft(&input, Uuid::nil(), Millis(0)).unwrap();
        assert_eq!(d.contact_phone, "");
    }

    #[test]
    fn same_content_ignores_only_id_and_time() {
        let a = draft(&complete(), Uuid::from_u128(1), Millis(1)).unwrap();
        let b = draft(&complete(), Uuid::from_u128(2), Millis(2)).unwrap();
        assert!(same_content(&a, &b));
        let c = draft(
            &FormInput {
                category: Some(CategoryId(2)),
                ..complete()
            },
            Uuid::from_u128(1),
            Millis(1),
        )
        .unwrap();
        assert!(!same_content(&a, &c));
    }

    #[test]
    fn long_edge_is_fitted_without_enlarging() {
        assert_eq!(fit_long_edge(6000, 4000, 1600), (1600, 1067));
        assert_eq!(fit_long_edge(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit_long_edge(800, 600, 1600), (800, 600));
        assert_eq!(fit_long_edge(10_000, 1, 1600), (1600, 1));
        assert_eq!(fit_long_edge(0, 0, 1600), (1, 1));
    }

    #[test]
    fn codes_are_newest_first_unique_and_capped() {
        let list = with_code(vec!["A".into(), "B".into()], "B");
        assert_eq!(list, vec!["B", "A"]);
        let many: Vec<String> = (0..MAX_SAVED_CODES).map(|i| i.to_string()).collect();
        let list = with_code(many, "new");
        assert_eq!(list.len(), MAX_SAVED_CODES);
        assert_eq!(list[0], "new");
        assert_eq!(list.last().map(String::as_str), Some("198"));
    }
}
