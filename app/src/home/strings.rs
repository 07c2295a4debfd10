//! zh-CN text of the home page.

pub const TAGLINE: &str = "发现背街小巷的问题，随手一拍就上报";
pub const REPORT: &str = "我要上报";
pub const REPORT_HINT: &str = "拍照上报，没信号也能先存着";
pub const MY_REPORTS: &str = "我的上报";
pub const TRACK: &str = "进度查询";
pub const HONOURS: &str = "示范户公示";
pub const STAFF_LOGIN: &str = "工作人员登录";
pub const QUICK_TRACK_LABEL: &str = "输入查询码查看办理进度";
pub const QUICK_TRACK_PLACEHOLDER: &str = "8位查询码";
pub const QUICK_TRACK_BUTTON: &str = "查询";
pub const CODE_OK: &str = "格式正确，点击查询";
pub const SUMMARY_LOADING: &str = "正在加载统计…";
pub const SUMMARY_ERROR: &str = "统计暂时无法加载";

pub fn code_remaining(n: usize) -> String {
    format!("还差 {n} 位")
}

pub fn summary_line(received: i64, closed: i64) -> String {
    format!("已收到上报 {received} 件，已结案 {closed} 件")
}

pub fn coverage_line(offices: i64, communities: i64, streets: i64) -> String {
    format!("覆盖 {offices} 个办事处、{communities} 个居委会、{streets} 条街巷")
}
