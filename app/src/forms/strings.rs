//! zh-CN text of form errors every area shares, in one place (a second locale goes next to it).

pub const FORM_BAD: &str = "表单内容有误，请刷新页面后重试";
pub const BAD_DATE: &str = "日期格式应为 年-月-日";

// ---- uploads (every form with photos: the report, 整改, plaques, answers) ----

pub const MALFORMED_MULTIPART: &str = "请求格式有误：上传的数据不完整或已损坏，请重试";

pub fn too_many_photos(max: usize) -> String {
    format!("最多只能上传 {max} 张照片")
}

pub fn photo_too_large(max_bytes: usize) -> String {
    let mb = max_bytes as f64 / (1024.0 * 1024.0);
    format!("每张照片不能超过 {} MB，请压缩后重试", format_mb(mb))
}

fn format_mb(mb: f64) -> String {
    if (mb - mb.round()).abs() < 0.05 {
        format!("{}", mb.round() as i64)
    } else {
        format!("{mb:.1}")
    }
}
