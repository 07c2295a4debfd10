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

// ---- 单元网格 and their import ----
pub const GRID_CODE_KEY_REQUIRED: &str = "请选择哪个属性是网格编码";
pub const GRID_OFFICE_MISSING: &str =
    "没有所属办事处：请选择办事处属性，或指定全部网格所属的办事处";

pub fn grid_code_missing(key: &str) -> String {
    format!("没有网格编码（属性“{key}”为空或不存在）")
}

pub fn grid_code_invalid(code: &str, max: usize) -> String {
    format!("网格编码“{code}”无效：只能由字母、数字、- 和 _ 组成，至多 {max} 个字符")
}

pub fn grid_code_repeated(code: &str, first: usize) -> String {
    format!("网格编码“{code}”与第 {first} 个要素重复")
}

pub fn grid_office_unknown(name: &str) -> String {
    format!("办事处“{name}”不存在（请先在“区域”中添加，或检查名称）")
}

pub fn grid_community_unknown(name: &str) -> String {
    format!("社区“{name}”在所属办事处下不存在")
}

pub fn grid_community_ambiguous(name: &str) -> String {
    format!("社区“{name}”在几个办事处下都有：请同时选择办事处属性")
}
