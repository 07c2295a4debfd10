//! Text of the report form, receipt, 我的上报 and 进度查询 pages.

// ---- /report ----
pub const REPORT_TITLE: &str = "上报问题";
pub const REPORT_INTRO: &str = "拍下问题，选好类别和位置，提交即可。";
pub const LOADING_FORM: &str = "正在加载…";
pub const REFERENCE_ERROR: &str = "无法加载类别和街巷，请检查网络后刷新页面";
pub const NEEDS_JAVASCRIPT: &str = "上报需要浏览器启用 JavaScript。";

pub const PHOTOS_LEGEND: &str = "照片（1至3张）";
pub const TAKE_PHOTO: &str = "拍照";
pub const PICK_PHOTOS: &str = "从相册选择";
pub const PHOTO_PROCESSING: &str = "正在处理照片…";
pub const REMOVE_PHOTO: &str = "删除这张照片";
pub const PHOTO_ALT: &str = "待上传的照片";
pub const PHOTO_NOT_IMAGE: &str = "所选文件不是图片，请重新选择";
pub const PHOTO_UNREADABLE: &str = "无法读取这张图片，请换一张或重新拍摄";

pub fn photos_full(max: usize) -> String {
    format!("最多只能添加 {max} 张照片")
}

pub const CATEGORY_LEGEND: &str = "问题类别";

pub const PLACE_LEGEND: &str = "位置";
pub const OFFICE_LABEL: &str = "办事处";
pub const COMMUNITY_LABEL: &str = "居委会";
pub const STREET_LABEL: &str = "街巷";
pub const CHOOSE_OFFICE: &str = "请选择办事处";
pub const CHOOSE_COMMUNITY: &str = "请选择居委会";
pub const CHOOSE_STREET: &str = "请选择街巷";
pub const PLACE_HINT: &str = "选择街巷或使用当前位置（至少一项）";
pub const USE_LOCATION: &str = "使用当前位置";
pub const LOCATING: &str = "正在定位…";
pub const CLEAR_LOCATION: &str = "清除定位";
pub const GEO_UNSUPPORTED: &str = "此浏览器不支持定位，请选择街巷";
pub const GEO_DENIED: &str = "未获得定位权限，请在浏览器设置中允许定位，或直接选择街巷";
pub const GEO_UNAVAILABLE: &str = "暂时无法定位，请稍后重试或选择街巷";
pub const GEO_TIMEOUT: &str = "定位超时，请重试或选择街巷";

pub fn accuracy(metres: f64) -> String {
    format!("定位精度约 {} 米", metres.round().max(1.0) as i64)
}
pub const LOCATED_NO_ACCURACY: &str = "已获取当前位置";

pub const DESCRIPTION_LABEL: &str = "问题描述（选填）";
pub const DESCRIPTION_PLACEHOLDER: &str = "例如：巷口垃圾堆了三天没人清理";

pub fn char_counter(used: usize, max: usize) -> String {
    format!("{used}/{max}")
}

pub const PHONE_LABEL: &str = "联系电话（选填，仅工作人员可见）";
pub const PHONE_PLACEHOLDER: &str = "11位手机号码";

pub const SUBMIT: &str = "提交";
pub const SUBMITTING: &str = "上传中…";

// Client-side checks mirror the server's rules and, where the server has a message for the
// same rule, reuse it (`validation`), so the resident reads the same words either way.
pub const NEED_CATEGORY: &str = "请选择问题类别";

// ---- receipt ----
pub const RECEIPT_TITLE: &str = "已提交";
pub const RECEIPT_BODY: &str = "感谢您的上报！请记下查询码，可随时查看办理进度：";
pub const RECEIPT_SAVED: &str = "查询码已保存在本机的「我的上报」中。";
pub const COPY_CODE: &str = "复制查询码";
pub const COPIED: &str = "已复制";
pub const COPY_FAILED: &str = "复制失败，请手动记下查询码";
pub const VIEW_PROGRESS: &str = "查看进度";
pub const REPORT_ANOTHER: &str = "再报一件";

// ---- /my ----
pub const MY_TITLE: &str = "我的上报";
pub const MY_LOADING: &str = "正在读取本机保存的上报…";
pub const MY_EMPTY: &str = "这台设备上还没有上报记录。";
pub const MY_EMPTY_ACTION: &str = "去上报问题";
pub const MY_NOTE: &str = "记录保存在本机浏览器中；换手机或清除浏览器数据后，可用查询码重新添加。";
pub const ADD_CODE_LABEL: &str = "添加查询码";
pub const ADD_CODE_BUTTON: &str = "添加";
pub const CODE_ADDED: &str = "已添加";

pub fn codes_not_found(n: usize) -> String {
    format!("另有 {n} 个查询码未查到对应的上报")
}

// ---- /track ----
pub const TRACK_TITLE: &str = "进度查询";
pub const TRACK_LABEL: &str = "查询码";
pub const TRACK_PLACEHOLDER: &str = "8位查询码";
pub const TRACK_BUTTON: &str = "查询";
pub const TRACK_LOADING: &str = "正在查询…";
pub const TRACK_NOT_FOUND: &str = "未找到该查询码对应的上报";
pub const FIELD_CATEGORY: &str = "类别";
pub const FIELD_PLACE: &str = "位置";
pub const FIELD_OFFICE: &str = "办事处";
pub const FIELD_RECEIVED: &str = "上报时间";
pub const FIELD_STATUS: &str = "状态";
pub const FIELD_DESCRIPTION: &str = "描述";
pub const FIELD_LOCATION: &str = "大致位置";
pub const PHOTOS_BEFORE: &str = "上报照片";
pub const PHOTOS_AFTER: &str = "整改后照片";
pub const TIMELINE: &str = "办理进度";
pub const FEEDBACK_TITLE: &str = "回访：您对处理结果满意吗？";
pub const FEEDBACK_HINT: &str =
    "办事处已结案。如果问题仍在，请点“不满意”，报告会退回办事处重新处理。";
pub const FEEDBACK_NOTE: &str = "补充说明（可选）";
pub const FEEDBACK_PHOTO: &str = "现场照片（可选）";
pub const FEEDBACK_SATISFIED: &str = "满意";
pub const FEEDBACK_BASIC: &str = "基本满意";
pub const FEEDBACK_UNSATISFIED: &str = "不满意";
pub const FEEDBACK_THANKS: &str = "感谢您的反馈！";
pub const PHOTO_LINK_LABEL: &str = "查看大图";
pub const NO_PLACE: &str = "（仅定位）";

pub fn coarse_location(lat: f64, lon: f64) -> String {
    format!("北纬 {lat:.3}，东经 {lon:.3}（约百米范围）")
}

// ---- an office's record (office dashboard, /stats) ----
/// Before a median past the histogram's last bound (400 days).
pub const AT_LEAST: &str = "不少于";
