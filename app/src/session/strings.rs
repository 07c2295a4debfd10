//! zh-CN text about accounts and signing in, in one place (a second locale goes next to it).
//! The login page's own labels are the staff area's (staff/strings.rs).

pub const ROLE_ADMIN: &str = "区管理员";
pub const ROLE_STAFF: &str = "办事处工作人员";
pub const ROLE_SUPERVISOR: &str = "督导组";
pub const SUPERVISORS_ONLY: &str = "仅督导组可以进行此操作";

// ---- signing in ----
pub const LOGIN_FAILED: &str = "用户名或密码不正确";
pub const LOGIN_MISSING: &str = "请输入用户名和密码";
pub const ACCOUNT_DISABLED: &str = "该账号已停用，请联系区管理员";

/// A throttled login, for a person: how long to wait.
pub fn login_throttled(secs: u64) -> String {
    if secs < 60 {
        format!("登录尝试过于频繁，请{secs}秒后再试")
    } else {
        format!("登录尝试过于频繁，请{}分钟后再试", secs.div_ceil(60))
    }
}

// ---- accounts ----
pub const PASSWORD_TOO_SHORT: &str = "密码至少8个字符";
pub const PASSWORD_TOO_LONG: &str = "密码过长";
pub const USERNAME_INVALID: &str = "用户名须为3至32位字母、数字、下划线或短横线";
pub const USERNAME_TAKEN: &str = "用户名已存在";
pub const DISPLAY_NAME_INVALID: &str = "姓名须为1至32个字符";
pub const STAFF_NEEDS_OFFICE: &str = "办事处工作人员必须指定办事处";
pub const OFFICE_UNKNOWN: &str = "办事处不存在";
pub const USER_UNKNOWN: &str = "用户不存在";
