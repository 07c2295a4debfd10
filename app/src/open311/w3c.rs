//! Open311's dates: the W3C profile of ISO 8601 with a mandatory time zone
//! (`2026-11-27T21:05:00+08:00`, `2026-11-27T13:05:00Z`, fractions of a second allowed).
//! Written in China time, read in any zone.

use crate::domain::Millis;
use crate::domain::time::{CST_OFFSET_MS, DAY_MS, HOUR_MS};

/// `2026-11-27T21:05:07+08:00`.
pub fn format(m: Millis) -> String {
    let t = m.to_cst();
    let second = (m.0 + CST_OFFSET_MS).rem_euclid(60_000) / 1000;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year, t.month, t.day, t.hour, t.minute, second
    )
}

/// A W3C date-time with its zone; None for anything else (a date alone, no zone, a day
/// that does not exist, a year outside 1970–2200).
pub fn parse(raw: &str) -> Option<Millis> {
    let s = raw.trim();
    let b = s.as_bytes();
    if b.len() < 17 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = s.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute) = (num(11, 13)?, num(14, 16)?);
    let mut rest = &s[16..];
    let mut second = 0;
    if let Some(r) = rest.strip_prefix(':') {
        second = r
            .get(..2)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()?;
        rest = &r[2..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &frac[digits..];
        }
    }
    let offset_ms = match rest.as_bytes() {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let d = |c: u8| i64::from(c - b'0');
            let ms = (d(digits[0]) * 10 + d(digits[1])) * HOUR_MS
                + (d(digits[2]) * 10 + d(digits[3])) * 60_000;
            if *sign == b'-' { -ms } else { ms }
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Midnight China time of that calendar date, moved to UTC midnight, then the clock time.
    let midnight_utc =
        Millis::cst_midnight(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)?.0
            + CST_OFFSET_MS;
    debug_assert_eq!(midnight_utc.rem_euclid(DAY_MS), 0);
    Some(Millis(
        midnight_utc + hour * HOUR_MS + minute * 60_000 + second * 1000 - offset_ms,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_china_time_and_reads_any_zone() {
        let m = parse("2026-11-27T21:05:07+08:00").unwrap();
        assert_eq!(format(m), "2026-11-27T21:05:07+08:00");
        assert_eq!(parse("2026-11-27T13:05:07Z"), Some(m));
        assert_eq!(parse("2026-11-27T08:05:07.250-05:00"), Some(m));
        assert_eq!(parse("2026-11-27T13:05Z"), Some(Millis(m.0 - 7000)));
        assert_eq!(format(Millis(0)), "1970-01-01T08:00:00+08:00");
    }

    #[test]
    fn refuses_what_is_not_a_zoned_w3c_datetime() {
        for bad in [
            "",
            "2026-11-27",
            "2026-11-27T21:05:07",
            "2026-02-30T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T21:05:07+8:00",
            "2026-11-27T21:05:07.Z",
            "２０２６-11-27T21:05:07Z",
            "2026-11-27 21:05:07Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
