//! Instants as Unix milliseconds (portable across SQLite, PostgreSQL and the browser),
//! shown in China Standard Time (UTC+8, no daylight saving).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct Millis(pub i64);

pub const CST_OFFSET_MS: i64 = 8 * 3_600_000;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// A calendar date and time in China Standard Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Millis {
    #[cfg(not(target_family = "wasm"))]
    pub fn now() -> Self {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self(d.as_millis() as i64)
    }

    pub fn plus_hours(self, hours: i64) -> Self {
        Self(self.0.saturating_add(hours.saturating_mul(HOUR_MS)))
    }

    pub fn to_cst(self) -> CivilTime {
        let local = self.0 + CST_OFFSET_MS;
        let days = local.div_euclid(DAY_MS);
        let ms_of_day = local.rem_euclid(DAY_MS);
        let (year, month, day) = civil_from_days(days);
        CivilTime {
            year,
            month,
            day,
            hour: (ms_of_day / HOUR_MS) as u32,
            minute: ((ms_of_day % HOUR_MS) / 60_000) as u32,
        }
    }

    /// 2026年11月27日 21:05
    pub fn format_datetime(self) -> String {
        let t = self.to_cst();
        format!(
            "{}年{}月{}日 {:02}:{:02}",
            t.year, t.month, t.day, t.hour, t.minute
        )
    }

    /// 11月27日
    pub fn format_month_day(self) -> String {
        let t = self.to_cst();
        format!("{}月{}日", t.month, t.day)
    }

    /// "2026-11-28", as a date input's value (China time).
    pub fn format_date(self) -> String {
        let t = self.to_cst();
        format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
    }

    /// Midnight China time starting `year-month-day` (None for a day that does not exist or
    /// lies outside 1970–2200).
    pub fn cst_midnight(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1970..=2200).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Self(
            days_from_civil(year, month, day) * DAY_MS - CST_OFFSET_MS,
        ))
    }

    /// The China-time day number (days since 1970-01-01 in Beijing) of this instant.
    pub fn cst_day(self) -> i64 {
        (self.0 + CST_OFFSET_MS).div_euclid(DAY_MS)
    }

    /// Midnight China time starting day number `day`.
    pub fn from_cst_day(day: i64) -> Self {
        Self(day * DAY_MS - CST_OFFSET_MS)
    }

    /// "2026-11-28" (what a date input sends) → midnight China time; None if not such a date.
    pub fn parse_cst_date(raw: &str) -> Option<Self> {
        let mut it = raw.trim().splitn(3, '-');
        let y = it.next()?.parse::<i64>().ok()?;
        let m = it.next()?.parse::<u32>().ok()?;
        let d = it.next()?.parse::<u32>().ok()?;
        Self::cst_midnight(y, m, d)
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); the
/// inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_china_midnight() {
        // 2026-11-28 00:00 CST = 2026-11-27 16:00 UTC
        let d = Millis::parse_cst_date("2026-11-28").unwrap();
        assert_eq!(d.0, 1_795_824_000_000 - 8 * HOUR_MS);
        assert_eq!(d.format_datetime(), "2026年11月28日 00:00");
        assert_eq!(d.format_date(), "2026-11-28");
        for bad in [
            "",
            "2026-02-30",
            "2026/11/28",
            "2026-13-01",
            "1969-12-31",
            "x-1-1",
        ] {
            assert_eq!(Millis::parse_cst_date(bad), None, "{bad}");
        }
        assert_eq!(
            Millis::parse_cst_date("2024-02-29")
                .unwrap()
                .format_datetime(),
            "2024年2月29日 00:00"
        );
        // The two directions agree on every day of four centuries' worth of leap rules.
        let mut day = Millis::cst_midnight(1970, 1, 1).unwrap();
        while day.0 < Millis::cst_midnight(2200, 12, 31).unwrap().0 {
            assert_eq!(Millis::parse_cst_date(&day.format_date()), Some(day));
            day = Millis(day.0 + DAY_MS);
        }
    }

    #[test]
    fn epoch_is_8am_in_beijing() {
        assert_eq!(Millis(0).format_datetime(), "1970年1月1日 08:00");
    }

    #[test]
    fn known_instants() {
        // 2026-11-27T13:33:00Z is 21:33 in Beijing.
        assert_eq!(
            Millis(1_795_786_380_000).format_datetime(),
            "2026年11月27日 21:33"
        );
        // 2024-02-29T16:30:00Z crosses midnight into March 1st in Beijing.
        assert_eq!(
            Millis(1_709_224_200_000).format_datetime(),
            "2024年3月1日 00:30"
        );
        assert_eq!(Millis(1_709_224_200_000).format_month_day(), "3月1日");
    }

    #[test]
    fn before_epoch() {
        // 1969-12-31T15:59:00Z is 23:59 in Beijing.
        assert_eq!(
            Millis(-60_000 - 8 * HOUR_MS).format_datetime(),
            "1969年12月31日 23:59"
        );
    }

    #[test]
    fn plus_hours_adds() {
        assert_eq!(Millis(0).plus_hours(48), Millis(2 * DAY_MS));
    }
}
