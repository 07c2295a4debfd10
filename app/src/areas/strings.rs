//! zh-CN text about places and categories, in one place (a second locale goes next to it).

/// A 处置时限 outside the bounds.
pub fn deadline_hours_invalid() -> String {
    format!(
        "处置时限须为{}至{}小时之间的整数",
        super::MIN_DEADLINE_HOURS,
        super::MAX_DEADLINE_HOURS
    )
}
