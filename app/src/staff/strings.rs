//! zh-CN text of the staff and admin pages, in one place (a second locale goes next to it).

// ---- login ----
pub const LOGIN_TITLE: &str = "工作人员登录";
pub const USERNAME: &str = "用户名";
pub const PASSWORD: &str = "密码";
pub const LOGIN_BUTTON: &str = "登录";
pub use crate::shell::strings::LOGOUT_BUTTON;

// ---- actions ----
pub const ACT_ACCEPT: &str = "受理立案";
pub const ACT_REJECT: &str = "不予受理";
pub const ACT_DUPLICATE: &str = "标记重复";
pub const ACT_TRANSFER: &str = "转办";
pub const ACT_DISPATCH: &str = "派遣";
pub const ACT_RECTIFY: &str = "整改完成";
pub const ACT_CLOSE: &str = "核查结案";
pub const ACT_SEND_BACK: &str = "退回";
pub const ACT_REOPEN: &str = "重新打开";
pub const ACT_RESIDENT_REOPEN: &str = "居民回访：不满意（仍未解决）";
pub const ACT_RESIDENT_SATISFIED: &str = "居民回访：满意";
pub const ACT_RESIDENT_BASIC: &str = "居民回访：基本满意";
pub const ACT_SUBMIT_CREATE: &str = "新建";

// ---- action errors ----
pub const INVALID_TRANSITION: &str = "当前状态下不能进行此操作，请刷新后查看最新状态";
pub const VERSION_CONFLICT: &str = "该报告刚刚已被其他工作人员处理，请刷新后查看最新状态再操作";
pub const NOTE_REQUIRED: &str = "请填写原因";
pub const NOTE_TOO_LONG: &str = "备注不能超过500字";
pub const UNKNOWN_ACTION: &str = "未知的操作";
pub const DUPLICATE_TARGET_REQUIRED: &str = "请选择或填写重复的原报告编号";
pub const DUPLICATE_TARGET_INVALID: &str = "原报告不存在、不属于本办事处或本身已是重复件";
pub const TRANSFER_TARGET_REQUIRED: &str = "请选择转办的办事处";
pub const TRANSFER_TARGET_SAME: &str = "不能转办给本办事处";
pub const DISPATCH_UNIT_REQUIRED: &str = "请填写派遣的居委会或处置单位";
pub const CATEGORY_INVALID: &str = "所选类别不存在或已停用";
pub const AFTER_PHOTO_REQUIRED: &str = "请上传整改后的照片";
pub const FEEDBACK_NOT_CLOSED: &str = "报告结案后才能反馈";
pub const FEEDBACK_ALREADY: &str = "本次结案已收到您的反馈，谢谢";

// ---- queue ----
pub const QUEUE_TITLE: &str = "报告处置队列";
pub const QUEUE_EMPTY: &str = "没有符合条件的报告";
pub const FILTER_STATUS: &str = "状态";
pub const FILTER_OPEN: &str = "全部未办结";
pub const FILTER_ALL_STATUS: &str = "全部状态";
pub const FILTER_CATEGORY: &str = "类别";
pub const FILTER_COMMUNITY: &str = "居委会";
pub const FILTER_STREET: &str = "街巷";
pub const FILTER_OFFICE: &str = "办事处";
pub const FILTER_ANY: &str = "不限";
pub const FILTER_OVERDUE: &str = "只看超期";
pub const FILTER_LEVEL: &str = "催办督办";
/// The escalation rules, as the actor of their steps in a timeline.
pub const SYSTEM: &str = "系统（催办督办规则）";
pub const SUPERVISE_NOTICE_FOR_REPORT: &str = "群众上报";
pub const FILTER_FROM: &str = "上报日期从";
pub const FILTER_UNTIL: &str = "至";
pub const FILTER_APPLY: &str = "筛选";
pub const FILTER_RESET: &str = "清除筛选";
pub const SEARCH_CODE: &str = "查询码";
pub const SEARCH_CODE_HINT: &str = "居民报出的8位查询码";
pub const SEARCH_BUTTON: &str = "查找";
pub const NEXT_PAGE: &str = "下一页";
pub const FIRST_PAGE: &str = "回到第一页";
pub const OVERDUE: &str = "超期";
pub use crate::shell::strings::OVERDUE_BY;
pub use crate::shell::strings::REMAINING;
pub use crate::shell::strings::UNDER_A_MINUTE;
pub const REOPENED_TIMES: &str = "被居民退回";
pub const COUNTS_TITLE: &str = "各状态数量";
pub const AGE: &str = "已过";

// ---- nav ----
pub use crate::shell::strings::NAV_DASHBOARD;
pub use crate::shell::strings::NAV_INBOX;
pub use crate::shell::strings::NAV_QUEUE;
pub const INBOX_TITLE: &str = "待办事项";
pub const INBOX_OVERDUE: &str = "已超期";
pub const INBOX_PRESSED: &str = "被催办、督办";
pub const INBOX_DUE_SOON: &str = "24小时内到期";
pub const INBOX_NEW: &str = "待受理";
pub const INBOX_TO_CHECK: &str = "已整改，待核查结案";
pub const INBOX_EMPTY: &str = "眼下没有待办事项。";
pub const INBOX_SEE_ALL: &str = "查看全部";
pub use crate::shell::strings::NAV_ADMIN;

// ---- detail ----
pub const DETAIL_TITLE: &str = "报告详情";
pub const FIELD_CODE: &str = "查询码";
pub const FIELD_STATUS: &str = "状态";
pub const FIELD_CATEGORY: &str = "类别";
pub const FIELD_OFFICE: &str = "办事处";
pub const FIELD_PLACE: &str = "位置";
pub const FIELD_GPS: &str = "定位";
pub const FIELD_DESCRIPTION: &str = "描述";
pub const FIELD_PHONE: &str = "联系电话（仅工作人员可见）";
pub const FIELD_RECEIVED: &str = "收到时间";
pub const FIELD_DEVICE_TIME: &str = "手机上提交时间";
pub const FIELD_DISPATCHED_TO: &str = "派遣至";
pub const FIELD_DEADLINE: &str = "处置期限";
pub const FIELD_DUPLICATE_OF: &str = "重复于";
pub const NO_PHONE: &str = "未留";
pub const NO_PLACE: &str = "未选街巷（仅定位）";
pub const FIELD_GRID: &str = "网格";
pub const FILTER_GRID: &str = "网格";

/// The report's point lies in another office's grid than the street it names.
pub fn grid_in_other_office(office: &str) -> String {
    format!("定位所在网格属于{office}，与所选街巷的办事处不同：请核实位置，必要时转办。")
}
pub const PHOTOS_BEFORE: &str = "居民照片";
pub const PHOTOS_AFTER: &str = "整改后照片";
pub const TIMELINE: &str = "处置记录";
pub const RESIDENT: &str = "居民";
pub const INTERNAL_NOTE: &str = "内部备注";
pub const PUBLIC_NOTE: &str = "公开说明";
pub const ACTIONS_TITLE: &str = "办理";
pub const NO_ACTIONS: &str = "该报告已办结，无可用操作";
pub const NOTE_LABEL: &str = "备注";
pub const REASON_LABEL: &str = "原因（必填）";
pub const NOTE_PUBLIC_LABEL: &str = "在进度查询页公开此备注";
pub const CATEGORY_CORRECT: &str = "类别（可更正）";
pub const DUPLICATE_OF_LABEL: &str = "原报告";
pub const DUPLICATE_SUGGESTIONS: &str = "近7天同街巷同类别的报告";
pub const NO_SUGGESTIONS: &str = "没有近7天同街巷同类别的报告";
pub const TRANSFER_TO: &str = "转办至";
pub const DISPATCH_TO: &str = "派遣至（居委会或处置单位）";
pub const DEADLINE_HOURS: &str = "处置时限（小时）";
pub const AFTER_PHOTO: &str = "整改后照片（必传，最多3张）";
pub const BACK_TO_QUEUE: &str = "返回队列";
pub use crate::shell::strings::DONE;
pub const NOT_FOUND: &str = "报告不存在，或不属于您的办事处";

// ---- dashboard ----
pub const DASH_TITLE: &str = "统计看板";
pub const DASH_PERIOD: &str = "统计期间";
pub const DASH_RECEIVED: &str = "收到报告";
pub const DASH_CLOSED: &str = "已结案";
pub const DASH_OPEN: &str = "未办结（当前）";
pub const DASH_OVERDUE: &str = "超期（当前）";
pub const DASH_CLOSE_RATE: &str = "结案率";
pub const DASH_ON_TIME_RATE: &str = "按期结案率";
pub const DASH_MEDIAN: &str = "结案用时中位数";
pub const DASH_MEDIAN_NOTE: &str = "中位数由分段统计估算，“±”后为最大误差。";
pub const DASH_REOPENED: &str = "回访不满意";
pub const DASH_SATISFACTION: &str = "满意率";
pub const DASH_ALL_OFFICES: &str = "全区";
pub const DASH_APPLY: &str = "查看";

// ---- exports ----
pub const EXPORT_XLSX: &str = "导出 Excel";
pub const EXPORT_CSV: &str = "导出 CSV";
pub const EXPORT_HINT: &str = "按当前筛选条件导出全部结果（不分页）";
pub const EXPORT_DASHBOARD: &str = "导出本期报表（Excel）";
pub const EXPORT_DASHBOARD_REPORTS: &str = "导出本期收到的全部报告（Excel）";
/// File names (the date range or the day is appended).
pub const EXPORT_FILE_REPORTS: &str = "报告明细";
pub const EXPORT_FILE_DASHBOARD: &str = "统计报表";
/// The reports sheet's name; a second one (past Excel's 1,048,576 rows) gets "（2）".
pub const EXPORT_SHEET_REPORTS: &str = "报告明细";
pub const EXPORT_SHEET_DASHBOARD: &str = "统计报表";
pub const EXPORT_COLUMNS: [&str; 20] = [
    "查询码",
    "办事处",
    "类别",
    "居委会",
    "街巷",
    "网格编码",
    "网格名称",
    "状态",
    "收到时间",
    "处置期限",
    "整改时间",
    "结案时间",
    "是否超期",
    "超期时长",
    "派遣至",
    "问题描述",
    "公开说明",
    "内部备注",
    "照片链接",
    "居民反馈未解决次数",
];
pub const EXPORT_YES: &str = "是";
pub const EXPORT_NO: &str = "否";
pub const EXPORT_DASH_COLUMNS: [&str; 10] = [
    "办事处",
    DASH_OPEN,
    DASH_OVERDUE,
    DASH_RECEIVED,
    DASH_CLOSED,
    DASH_CLOSE_RATE,
    DASH_ON_TIME_RATE,
    DASH_MEDIAN,
    DASH_REOPENED,
    DASH_SATISFACTION,
];
pub const EXPORT_DASH_TITLE: &str = "上报问题处置情况";
pub const EXPORT_DASH_TOTAL: &str = "全区合计";
pub const EXPORT_MADE_AT: &str = "导出时间";
