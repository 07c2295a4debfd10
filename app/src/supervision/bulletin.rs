//! 通报: a week's or a month's record of every office — the supervisors' findings (recorded,
//! rectified on time, 返工, 催办, passed) from the findings' events, and the residents' reports
//! (结案率, 按期结案率, 满意率) from the kept daily figures — ranked, printable, as XLSX, and
//! once published, on a public page. A published bulletin is a frozen copy: it names offices
//! only, never staff, and carries no notes.

use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// A week (Monday to Sunday) or a calendar month, China time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
}

impl PeriodKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Week => super::strings::PERIOD_WEEK,
            Self::Month => super::strings::PERIOD_MONTH,
        }
    }

    /// The China-time days `[from, until)` of the period that holds `day`.
    pub fn days_around(self, day: i64) -> (i64, i64) {
        match self {
            // Day 0 (1970-01-01) was a Thursday: Monday is 3 days before.
            Self::Week => {
                let from = day - (day + 3).rem_euclid(7);
                (from, from + 7)
            }
            Self::Month => {
                let t = Millis::from_cst_day(day).to_cst();
                let start =
                    |y: i64, m: u32| Millis::cst_midnight(y, m, 1).map_or(day, |d| d.cst_day());
                let (ny, nm) = if t.month == 12 {
                    (t.year + 1, 1)
                } else {
                    (t.year, t.month + 1)
                };
                (start(t.year, t.month), start(ny, nm))
            }
        }
    }
}

/// One office's line of a bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinRow {
    /// 1 = best. Offices with equal figures share a rank.
    pub rank: i64,
    pub office: String,
    /// Findings recorded in the period and not withdrawn, counted for the office responsible
    /// now (after a 改派).
    pub findings: i64,
    /// 整改完成 in the period, and of those by the deadline then in force.
    pub rectified: i64,
    pub rectified_on_time: i64,
    /// 复查不通过 in the period.
    pub rework: i64,
    /// 催办 in the period (by hand and by the rules), 督办 and 提级.
    pub pressed: i64,
    pub supervised: i64,
    pub escalated: i64,
    /// 复查通过 in the period.
    pub passed: i64,
    /// The office's findings open (整改中 or 待复查) when the bulletin was made.
    pub open_now: i64,
    /// Residents' reports received, 结案率, 按期结案率 and 满意率 (per mille) in the period.
    pub received: i64,
    /// Residents' reports: 催办 (by hand and by the rules), 督办 and 提级 in the period.
    /// (Absent from bulletins published before these were counted: 0.)
    #[serde(default)]
    pub report_pressed: i64,
    #[serde(default)]
    pub report_supervised: i64,
    #[serde(default)]
    pub report_escalated: i64,
    pub close_rate: Option<i64>,
    pub on_time_rate: Option<i64>,
    pub satisfaction: Option<i64>,
}

impl BulletinRow {
    /// 按期整改率: rectified by the deadline ÷ rectified, per mille.
    pub fn rectify_on_time_rate(&self) -> Option<i64> {
        (self.rectified > 0).then(|| self.rectified_on_time * 1000 / self.rectified)
    }
}

/// A bulletin: its period, when it was made (and published), and the ranked lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bulletin {
    pub kind: PeriodKind,
    pub from_day: i64,
    pub until_day: i64,
    pub made_at: Millis,
    /// Set on a published copy.
    pub published_at: Option<Millis>,
    pub rows: Vec<BulletinRow>,
}

impl Bulletin {
    /// "2026-11-30 — 2026-12-06"
    pub fn period_text(&self) -> String {
        format!(
            "{} — {}",
            Millis::from_cst_day(self.from_day).format_date(),
            Millis::from_cst_day(self.until_day - 1).format_date()
        )
    }

    pub fn title(&self) -> String {
        format!(
            "{}{}（{}）",
            self.kind.label(),
            super::strings::BULLETIN_TITLE,
            self.period_text()
        )
    }
}

/// A published bulletin in the public list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedBulletin {
    pub id: i64,
    pub kind: PeriodKind,
    pub from_day: i64,
    pub until_day: i64,
    pub published_at: Millis,
}

/// The ranking key, best first: more of the findings rectified on time, then fewer 返工 per
/// finding, then the residents' 按期结案率, then the 满意率 (no figure ranks below any figure).
fn key(r: &BulletinRow) -> (i64, i64, i64, i64) {
    let rework_per_mille = if r.findings > 0 {
        r.rework * 1000 / r.findings
    } else {
        0
    };
    (
        -r.rectify_on_time_rate().unwrap_or(-1),
        rework_per_mille,
        -r.on_time_rate.unwrap_or(-1),
        -r.satisfaction.unwrap_or(-1),
    )
}

/// Sorts best first and numbers the ranks (equal keys share a rank: 1, 2, 2, 4).
pub fn rank(rows: &mut [BulletinRow]) {
    rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.office.cmp(&b.office)));
    let mut last: Option<(i64, i64, i64, i64)> = None;
    let mut rank = 0;
    for (i, r) in rows.iter_mut().enumerate() {
        let k = key(r);
        if last != Some(k) {
            rank = i as i64 + 1;
            last = Some(k);
        }
        r.rank = rank;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(office: &str, rectified: i64, on_time: i64, findings: i64, rework: i64) -> BulletinRow {
        BulletinRow {
            rank: 0,
            office: office.into(),
            findings,
            rectified,
            rectified_on_time: on_time,
            rework,
            pressed: 0,
            supervised: 0,
            escalated: 0,
            passed: 0,
            open_now: 0,
            received: 0,
            report_pressed: 0,
            report_supervised: 0,
            report_escalated: 0,
            close_rate: None,
            on_time_rate: None,
            satisfaction: None,
        }
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2026-12-02 is a Wednesday.
        let day = Millis::parse_cst_date("2026-12-02").unwrap().cst_day();
        let (from, until) = PeriodKind::Week.days_around(day);
        assert_eq!(Millis::from_cst_day(from).format_date(), "2026-11-30");
        assert_eq!(until - from, 7);
        for d in from..until {
            assert_eq!(PeriodKind::Week.days_around(d), (from, until));
        }
        let (from, until) = PeriodKind::Month.days_around(day);
        assert_eq!(Millis::from_cst_day(from).format_date(), "2026-12-01");
        assert_eq!(Millis::from_cst_day(until).format_date(), "2027-01-01");
        let feb = Millis::parse_cst_date("2028-02-29").unwrap().cst_day();
        let (from, until) = PeriodKind::Month.days_around(feb);
        assert_eq!(until - from, 29);
    }

    #[test]
    fn ranks_put_on_time_rectification_first_and_share_ties() {
        let mut rows = vec![
            row("乙", 4, 2, 4, 0),
            row("甲", 4, 4, 4, 2),
            row("丙", 4, 4, 4, 0),
            row("丁", 0, 0, 0, 0),
            row("戊", 4, 2, 4, 0),
        ];
        rank(&mut rows);
        let order: Vec<(&str, i64)> = rows.iter().map(|r| (r.office.as_str(), r.rank)).collect();
        assert_eq!(
            order,
            [("丙", 1), ("甲", 2), ("乙", 3), ("戊", 3), ("丁", 5)]
        );
    }
}
