//! zh-CN text about places and categories, in one place (a second locale goes next to it).

/// A 处置时限 outside the bounds.
pub fn deadline_hours_invalid() -> String {
    format!(
        "处置时限须为{}至{}小时之间的整数",
        super::MIN_DEADLINE_HOURS,
        super::MAX_DEADLINE_HOURS
    )
}

// ---- the admin's edits of the area tree and categories ----
pub const OFFICE_EXISTS: &str = "办事处名称已存在";
pub const COMMUNITY_EXISTS: &str = "该办事处下已存在同名居委会";
pub const STREET_EXISTS: &str = "该居委会下已存在同名街巷";
pub const CATEGORY_CODE_EXISTS: &str = "类别代码已存在";
pub const CATEGORY_NAME_EXISTS: &str = "类别名称已存在";
pub const OFFICE_UNKNOWN: &str = "所选办事处不存在，请刷新页面后重试";
pub const COMMUNITY_UNKNOWN: &str = "所选居委会不存在，请刷新页面后重试";

// ---- category groups of the demo (Open311's service groups) ----
pub const GROUP_SANITATION: &str = "环境卫生";
pub const GROUP_ORDER: &str = "市容秩序";
pub const GROUP_OTHER: &str = "其他";
