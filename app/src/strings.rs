//! zh-CN text of the application shell (every page).

pub const APP_NAME: &str = "街巷随手拍";
pub const APP_DESCRIPTION: &str = "背街小巷问题随手拍、随手报，办事处限时处置";
pub const HOME: &str = "首页";
pub const NOT_FOUND_TITLE: &str = "页面不存在";
pub const NOT_FOUND_BODY: &str = "您访问的页面不存在或尚未开放。";
pub const BACK_HOME: &str = "返回首页";
/// Shown while `public/photo-shrink.js` makes a form's photos small before sending them.
pub const SHRINKING_PHOTOS: &str = "正在压缩照片，请稍候…";

/// A number of hours (a category's 处置时限, shown on the admin page and in Open311's service
/// definitions).
pub fn hours(h: i64) -> String {
    format!("{h}小时")
}
