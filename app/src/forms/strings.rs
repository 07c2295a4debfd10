//! zh-CN text of form errors every area shares, in one place (a second locale goes next to it).

pub const FORM_BAD: &str = "表单内容有误，请刷新页面后重试";
pub const BAD_DATE: &str = "日期格式应为 年-月-日";
