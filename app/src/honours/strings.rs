//! Every zh-CN string of 示范户 (public page, staff page, messages), in one place so an
//! English locale can be added beside it.

// ---- kinds and actions ----
pub const KIND_HOUSEHOLD: &str = "家庭";
pub const KIND_SHOP: &str = "商户";
pub const KIND_STREET: &str = "街道";

pub const ACT_PUBLISH: &str = "公示";
pub const ACT_WITHDRAW: &str = "撤回公示";
pub const ACT_AWARD: &str = "挂牌";
pub const ACT_REINSPECT: &str = "复查";
pub const ACT_KEEP: &str = "复查保持";
pub const ACT_REVOKE: &str = "摘牌";
pub const ACT_CREATE: &str = "申报";
pub const ACT_IMPORT: &str = "批量导入";

// ---- public page ----
pub const PUBLIC_TITLE: &str = "示范户公示";
pub const PUBLIC_INTRO: &str =
    "卫生家庭、创卫示范户、文明商户、示范街评选结果。公示期内对名单有异议的，可在下方提出。";
pub const SEARCH_LABEL: &str = "按居委会或街巷查找";
pub const SEARCH_PLACEHOLDER: &str = "例如 韩营";
pub const SEARCH_BUTTON: &str = "查找";
pub const SEARCH_CLEAR: &str = "全部";
pub const NOTHING_FOUND: &str = "没有找到相关的示范户";
pub const NOTHING_YET: &str = "暂无公示或挂牌的示范户";
pub const COUNTS_TITLE: &str = "统计";
pub const COUNT_TOTAL: &str = "合计";
pub const NOTICE_UNTIL_PREFIX: &str = "公示中 至 ";
pub const AWARDED_ON: &str = "挂牌";
pub const REVOKED_ON: &str = "摘牌";
pub const REINSPECTING: &str = "复查中";
pub const HOUSE_NUMBER: &str = "门牌";
pub const OBJECTION_SUMMARY: &str = "提出异议";
pub const OBJECTION_CONTENT: &str = "异议内容（必填，500字以内）";
pub const OBJECTION_CONTACT: &str = "联系电话（选填，仅工作人员可见）";
pub const OBJECTION_SUBMIT: &str = "提交异议";
pub const OBJECTION_THANKS: &str = "异议已提交，办事处将核实处理。";
pub const LOADING: &str = "正在加载…";
pub const BACK_HOME: &str = "返回首页";

// ---- staff page ----
pub const STAFF_TITLE: &str = "示范户管理";
pub const STAFF_ALL_OFFICES: &str = "全部办事处";
pub const FILTER_STATUS: &str = "状态";
pub const FILTER_ALL: &str = "全部";
pub const FILTER_BUTTON: &str = "筛选";
pub const LIST_TITLE: &str = "示范户名单";
pub const LIST_EMPTY: &str = "暂无记录";
pub const COL_NAME: &str = "名称";
pub const COL_PUBLIC_NAME: &str = "公示名称";
pub const COL_COMMUNITY: &str = "居委会";
pub const COL_STREET: &str = "街巷";
pub const COL_TITLE: &str = "称号";
pub const COL_STATUS: &str = "状态";
pub const COL_KIND: &str = "类型";
pub const COL_HOUSE_NUMBER: &str = "门牌号";
pub const COL_SHOW_HOUSE_NUMBER: &str = "公开门牌";
pub const COL_OFFICE: &str = "办事处";
pub const COL_LINE: &str = "行";
pub const COL_ERRORS: &str = "问题";
pub const HOUSE_NUMBER_PUBLIC: &str = "门牌号公开（住户已同意）";
pub const HOUSE_NUMBER_SHOWN: &str = "公开";
pub const HOUSE_NUMBER_NOT_SHOWN: &str = "不公开";
pub const CREATE_TITLE: &str = "新增申报";
pub const CREATE_FULL_NAME: &str = "名称（户主姓名、店名或街巷名，仅工作人员可见）";
pub const CREATE_PUBLIC_NAME: &str = "公示名称（商户、街道选填；家庭自动隐去名字，如 王**家）";
pub const CREATE_NOTE: &str = "备注";
pub const CREATE_BUTTON: &str = "提交申报";
pub const NO_STREET: &str = "（不指定）";
pub const EVENTS_TITLE: &str = "记录";
pub const ACT_TITLE: &str = "办理";
pub const ACT_ACTION: &str = "操作";
pub const ACT_DATE: &str = "日期（公示截止日或挂牌日）";
pub const ACT_NOTE: &str = "说明（撤回、摘牌须填写原因）";
pub const ACT_PHOTO: &str = "照片（选填，如牌匾）";
pub const ACT_BUTTON: &str = "确定";
pub const NO_ACTIONS: &str = "当前状态无可办理事项";
pub const SYSTEM_ACTOR: &str = "系统";
pub const OBJECTIONS_TITLE: &str = "公示异议";
pub const OBJECTIONS_EMPTY: &str = "暂无异议";
pub const OBJECTION_HANDLED: &str = "已处理";
pub const OBJECTION_OPEN: &str = "待处理";
pub const OBJECTION_HANDLE_NOTE: &str = "处理意见";
pub const OBJECTION_HANDLE_BUTTON: &str = "标记已处理";
pub const OBJECTION_CONTACT_LABEL: &str = "联系电话";
pub const IMPORT_TITLE: &str = "批量导入（CSV 或 Excel）";
pub const IMPORT_HINT: &str = "第一行为表头：类型、名称、公示名称、办事处、居委会、街巷、门牌号、公开门牌、称号。\
    类型填 家庭、商户 或 街道；公开门牌填 是 或 否。导入的记录状态为“申报”。任何一行有误则整个文件都不导入。";
pub const IMPORT_FILE: &str = "选择文件（.csv / .xlsx）";
pub const IMPORT_PREVIEW_BUTTON: &str = "上传并预览";
pub const IMPORT_PREVIEW_TITLE: &str = "导入预览";
pub const IMPORT_CONFIRM_BUTTON: &str = "确认导入";
pub const IMPORT_HAS_ERRORS: &str = "文件中有错误，请修改后重新上传；本文件不会导入任何记录。";
pub const IMPORT_DONE: &str = "已导入";
pub const IMPORT_READY: &str = "检查通过，可以导入";
pub const ROWS_UNIT: &str = "行";

// ---- messages (errors) ----
pub const UNKNOWN_ACTION: &str = "未知的操作";
pub const INVALID_TRANSITION: &str = "当前状态不能进行此操作";
pub const VERSION_CONFLICT: &str = "该记录已被他人修改，请刷新后重试";
pub const NOTE_TOO_LONG: &str = "说明不能超过500字";
pub const REASON_REQUIRED: &str = "请填写原因";
pub const NOTICE_UNTIL_REQUIRED: &str = "请填写公示截止日期（须晚于今天）";
pub const AWARD_DATE_INVALID: &str = "挂牌日期不能晚于今天";
pub const NAME_REQUIRED: &str = "请填写名称";
pub const NAME_TOO_LONG: &str = "名称不能超过40个字";
pub const PUBLIC_NAME_TOO_LONG: &str = "公示名称不能超过40个字";
pub const HOUSE_NUMBER_TOO_LONG: &str = "门牌号不能超过40个字";
pub const KIND_INVALID: &str = "类型须为 家庭、商户 或 街道";
pub const TITLE_INVALID: &str = "称号须为 卫生家庭、创卫示范户、文明商户 或 示范街";
pub const COMMUNITY_REQUIRED: &str = "请选择居委会";
pub const COMMUNITY_UNKNOWN: &str = "居委会不存在";
pub const STREET_UNKNOWN: &str = "街巷不存在或不属于该居委会";
pub const STREET_REQUIRED: &str = "示范街须指定街巷";
pub const OBJECTION_REQUIRED: &str = "请填写异议内容";
pub const OBJECTION_TOO_LONG: &str = "异议内容不能超过500字";
pub const OBJECTION_CLOSED: &str = "该记录不在公示期内，不能提出异议";
pub const OBJECTION_ALREADY_HANDLED: &str = "该异议已处理";
pub const IMPORT_NO_FILE: &str = "请选择要导入的文件";
pub const IMPORT_TOO_LARGE: &str = "文件过大（不超过2MB）";
pub const IMPORT_UNKNOWN_FORMAT: &str = "只支持 .csv 和 .xlsx 文件";
pub const IMPORT_NOT_UTF8: &str =
    "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接上传 .xlsx";
pub const IMPORT_BAD_CSV: &str = "CSV 格式有误：引号未闭合";
pub const IMPORT_BAD_XLSX: &str = "无法读取 Excel 文件，请确认是 .xlsx 格式";
pub const IMPORT_XLSX_EXPANDS_TOO_MUCH: &str =
    "Excel 文件解压后过大，请只保留示范户名单这一张表后重新上传";
pub const IMPORT_EMPTY: &str = "文件中没有数据行";
pub const IMPORT_TOO_MANY_ROWS: &str = "一次最多导入1000行";
pub const IMPORT_OUT_OF_RANGE: &str = "表格超出导入范围：最多1000行、32列，请删除多余的内容后重试";
pub const IMPORT_CELL_TOO_LONG: &str = "表格中有内容过长的单元格（每格不超过500字）";
pub const IMPORT_ALREADY_DONE: &str = "该文件已经导入过了";
pub const IMPORT_HAS_ERRORS_REFUSED: &str = "文件中有错误，未导入任何记录";

/// 缺少列：名称、居委会
pub fn missing_columns(cols: &[&str]) -> String {
    format!("缺少列：{}", cols.join("、"))
}

/// 第3行：居委会“某某”不存在
pub fn row_error(line: usize, msg: &str) -> String {
    format!("第{line}行：{msg}")
}

pub fn community_not_found(name: &str) -> String {
    format!("居委会“{name}”不存在")
}

pub fn community_other_office(name: &str) -> String {
    format!("居委会“{name}”不属于本办事处")
}

pub fn community_ambiguous(name: &str) -> String {
    format!("多个办事处都有居委会“{name}”，请填写办事处")
}

pub fn office_not_found(name: &str) -> String {
    format!("办事处“{name}”不存在")
}

pub fn street_not_found(name: &str, community: &str) -> String {
    format!("街巷“{name}”不在居委会“{community}”")
}

pub fn kind_invalid(v: &str) -> String {
    format!("类型“{v}”无效，应为 家庭、商户 或 街道")
}

pub fn title_invalid(v: &str) -> String {
    format!("称号“{v}”无效，应为 卫生家庭、创卫示范户、文明商户 或 示范街")
}

pub fn title_kind_mismatch(title: &str, kind: &str) -> String {
    format!("“{title}”不能授予{kind}")
}

pub fn flag_invalid(v: &str) -> String {
    format!("公开门牌“{v}”无效，应填 是 或 否")
}

pub fn duplicate_in_file(line: usize) -> String {
    format!("与第{line}行重复")
}

/// 公示中 至 12月5日
pub fn notice_until(month_day: &str) -> String {
    format!("{NOTICE_UNTIL_PREFIX}{month_day}")
}

/// 3 件待处理异议
pub fn open_objections(n: usize) -> String {
    format!("{n} 件待处理")
}

pub fn imported(n: usize) -> String {
    format!("{IMPORT_DONE} {n} 条记录")
}

/// 公示期满（12月5日）
pub fn notice_ended(month_day: &str) -> String {
    format!("公示期满（{month_day}）")
}
