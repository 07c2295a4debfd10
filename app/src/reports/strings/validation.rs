//! Messages for refused submissions (shown to the resident as they are).

// Shared by every upload form (`crate::forms`), said the same way here.
pub use crate::forms::strings::{MALFORMED_MULTIPART, photo_too_large, too_many_photos};

pub const NOT_MULTIPART: &str = "请求格式有误：需要 multipart/form-data";
pub const TOO_MANY_CODES: &str = "一次查询的查询码过多";

// ---- the multipart body ----
pub const MISSING_REPORT: &str = "请求格式有误：缺少上报内容";
pub const DUPLICATE_REPORT_PART: &str = "请求格式有误：上报内容重复";
pub const REPORT_PART_TOO_LARGE: &str = "请求格式有误：上报内容过大";
pub const MALFORMED_REPORT: &str = "请求格式有误：上报内容无法解析";
pub const NO_PHOTOS: &str = "请至少拍摄或选择1张照片";
pub const UPLOAD_TOO_LARGE: &str = "上传的数据过大，请减少照片数量或压缩后重试";

pub fn unknown_part(name: &str) -> String {
    // The name comes from the request: keep it short in the message.
    let shown: String = name.chars().take(32).collect();
    format!("请求格式有误：未知的数据项“{shown}”")
}

// ---- photos (checked by content) ----
pub const PHOTO_NOT_IMAGE: &str = "上传的文件不是图片，请拍摄或选择 JPEG、PNG 或 WebP 照片";
pub const PHOTO_UNREADABLE: &str = "照片已损坏或无法读取，请重新拍摄";
pub const PHOTO_TOO_BIG_DIMENSIONS: &str = "照片尺寸过大，无法处理，请重新拍摄";
pub const PHOTO_TOO_SMALL: &str = "照片太小，看不清问题，请重新拍摄";

// ---- the report fields ----
pub fn description_too_long(max: usize) -> String {
    format!("问题描述不能超过 {max} 个字")
}
pub const LOCATION_INVALID: &str = "定位数据无效，请重新定位或选择街巷";
pub const PLACE_REQUIRED: &str = "请选择街巷或使用当前位置";
pub const OFFICE_REQUIRED: &str = "仅使用定位时，请选择所在的办事处";
pub const UNKNOWN_STREET: &str = "所选街巷不存在，请刷新后重新选择";
pub const UNKNOWN_OFFICE: &str = "所选办事处不存在，请刷新后重新选择";
pub const UNKNOWN_CATEGORY: &str = "所选问题类别不存在或已停用，请刷新后重新选择";

// ---- idempotency ----
pub const REPORT_ID_REUSED: &str = "该上报编号已用于另一条内容不同的上报，请重新提交";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(
            photo_too_large(5 * 1024 * 1024),
            "每张照片不能超过 5 MB，请压缩后重试"
        );
        assert_eq!(
            photo_too_large(1536 * 1024),
            "每张照片不能超过 1.5 MB，请压缩后重试"
        );
    }

    #[test]
    fn unknown_part_names_are_cut_short() {
        let long = "x".repeat(1000);
        assert!(unknown_part(&long).chars().count() < 60);
    }
}
