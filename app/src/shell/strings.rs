//! zh-CN text of the signed-in pages' frame (the navigation, the outcome banner, the time left).

pub const LOGOUT_BUTTON: &str = "退出登录";
pub const NAV_QUEUE: &str = "处置队列";
pub const NAV_DASHBOARD: &str = "统计看板";
pub const NAV_INBOX: &str = "待办";
pub const NAV_ADMIN: &str = "系统管理";
pub const NAV_HONOURS: &str = "示范户管理";
pub const NAV_ROUNDS: &str = "督导检查";
pub const NAV_FINDINGS: &str = "整改通知";
pub const NAV_BULLETIN: &str = "通报";
pub const NAV_OVERDUE_REPORTS: &str = "超期诉求";
pub const DONE: &str = "操作成功";
pub const OVERDUE_BY: &str = "超期";
pub const REMAINING: &str = "剩余";
pub const UNDER_A_MINUTE: &str = "不足1分钟";
