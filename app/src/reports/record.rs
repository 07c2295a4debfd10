//! An office's record for a period (the figures of the office dashboard and of `/stats`, which
//! `figures` keeps current), and how its figures read.

use super::strings::ui as s;
use serde::{Deserialize, Serialize};

/// An office's record for a period: the figures of the dashboard and of `/stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OfficeRecord {
    /// Reports received in the period (transferred-in ones included).
    pub received: i64,
    /// Of those, closed by now.
    pub closed: i64,
    /// Closed in the period.
    pub closed_in_period: i64,
    /// Closed in the period and rectified by the deadline.
    pub closed_on_time: i64,
    /// Median time from receipt to close of the reports closed in the period, in ms,
    /// estimated from a histogram (see `reports::db::figures`).
    pub median_close_ms: Option<i64>,
    /// The most the median can be off by, in ms (None: no median, or past 400 days).
    pub median_error_ms: Option<i64>,
    /// 回访 不满意: times residents said a closed report was not fixed (it was reopened), in
    /// the period.
    pub reopened_by_residents: i64,
    /// 回访 满意 answers in the period.
    pub satisfied: i64,
    /// 回访 基本满意 answers in the period.
    pub basically_satisfied: i64,
}

impl OfficeRecord {
    /// 结案率: closed ÷ received, in per mille (None without reports).
    pub fn close_rate_permille(&self) -> Option<i64> {
        (self.received > 0).then(|| self.closed * 1000 / self.received)
    }

    /// 满意率: (满意 + 基本满意) ÷ every 回访 answer, in per mille (None without answers).
    pub fn satisfaction_permille(&self) -> Option<i64> {
        let answers = self.satisfied + self.basically_satisfied + self.reopened_by_residents;
        (answers > 0).then(|| (self.satisfied + self.basically_satisfied) * 1000 / answers)
    }

    /// 按期结案率: closed on time ÷ closed, in per mille.
    pub fn on_time_rate_permille(&self) -> Option<i64> {
        (self.closed_in_period > 0).then(|| self.closed_on_time * 1000 / self.closed_in_period)
    }
}

/// "87.5%" from per mille; "—" for none.
pub fn format_permille(p: Option<i64>) -> String {
    match p {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".to_string(),
    }
}

/// The median of a record with its stated error: "1天0小时 ±3小时0分", "—".
pub fn format_median(r: &OfficeRecord) -> String {
    match (r.median_close_ms, r.median_error_ms) {
        (None, _) => format_duration(None),
        (Some(m), Some(e)) => format!("{} ±{}", format_duration(Some(m)), format_duration(Some(e))),
        (Some(m), None) => format!("{}{}", s::AT_LEAST, format_duration(Some(m))),
    }
}

/// "2天3小时" / "5小时12分" / "—".
pub fn format_duration(ms: Option<i64>) -> String {
    match ms {
        None => "—".to_string(),
        Some(ms) => {
            let minutes = ms.max(0) / 60_000;
            let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
            if d > 0 {
                format!("{d}天{h}小时")
            } else if h > 0 {
                format!("{h}小时{m}分")
            } else {
                format!("{m}分钟")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::HOUR_MS;

    #[test]
    fn record_rates() {
        let r = OfficeRecord {
            received: 8,
            closed: 7,
            closed_in_period: 8,
            closed_on_time: 7,
            median_close_ms: None,
            median_error_ms: None,
            reopened_by_residents: 1,
            satisfied: 5,
            basically_satisfied: 2,
        };
        assert_eq!(format_permille(r.close_rate_permille()), "87.5%");
        assert_eq!(format_permille(r.satisfaction_permille()), "87.5%");
        assert_eq!(OfficeRecord::default().satisfaction_permille(), None);
        assert_eq!(format_permille(r.on_time_rate_permille()), "87.5%");
        assert_eq!(
            format_permille(OfficeRecord::default().close_rate_permille()),
            "—"
        );
        assert_eq!(format_duration(Some(26 * HOUR_MS)), "1天2小时");
        let r = OfficeRecord {
            median_close_ms: Some(26 * HOUR_MS),
            median_error_ms: Some(30 * 60_000),
            ..Default::default()
        };
        assert_eq!(format_median(&r), "1天2小时 ±30分钟");
        assert_eq!(format_median(&OfficeRecord::default()), "—");
    }
}
