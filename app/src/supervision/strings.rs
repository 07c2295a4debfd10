//! zh-CN text of 督导 and findings, in one place (a second locale goes next to it).

// ---- states and steps ----
pub const STATUS_OPEN: &str = "整改中";
pub const STATUS_RECTIFIED: &str = "待复查";
pub const STATUS_PASSED: &str = "复查通过";
pub const STATUS_WITHDRAWN: &str = "已撤销";

pub const ACT_RECORD: &str = "现场记录";
pub const ACT_RECTIFY: &str = "整改完成";
pub const ACT_PASS: &str = "复查通过";
pub const ACT_FAIL: &str = "复查不通过";
pub const ACT_SET_DEADLINE: &str = "调整时限";
pub const ACT_PRESS: &str = "催办";
pub const ACT_WITHDRAW: &str = "撤销";
pub const ACT_REASSIGN: &str = "改派";
pub const FIELD_REASSIGN_TO: &str = "改派至";
pub const REASSIGN_TARGET_INVALID: &str = "请选择另一个办事处";
pub const CHOOSE_OFFICE: &str = "请选择办事处";
pub const REASSIGNED_FROM: &str = "原责任单位";

pub const KIND_OPEN: &str = "督导";
pub const KIND_COVERT: &str = "暗访";

// ---- pages ----
pub const HOME_TITLE: &str = "督导检查";
pub const FINDINGS_TITLE: &str = "整改通知";
pub const FINDING_TITLE: &str = "整改通知详情";
pub const ROUND_TITLE: &str = "检查轮次";
pub const CAPTURE_TITLE: &str = "现场记录问题";
pub use crate::shell::strings::NAV_FINDINGS;
pub use crate::shell::strings::NAV_ROUNDS;

pub const OPEN_ROUND: &str = "进行中的检查";
pub const NO_OPEN_ROUND: &str = "当前没有进行中的检查。开始一轮检查后，现场记录的问题都记入该轮。";
pub const START_ROUND: &str = "开始一轮检查";
pub const START_BUTTON: &str = "开始检查";
pub const END_ROUND: &str = "结束本轮检查";
pub const ROUND_ENDED: &str = "已结束";
pub const ROUND_RUNNING: &str = "进行中";
pub const RECENT_ROUNDS: &str = "检查记录";
pub const NO_ROUNDS: &str = "还没有检查记录";
pub const FIELD_KIND: &str = "检查方式";
pub const FIELD_DATE: &str = "检查日期";
pub const FIELD_POINTS: &str = "检查点位数";
pub const FIELD_NOTE: &str = "备注";
pub const FIELD_PLACES: &str = "覆盖社区和街巷";
pub const FIELD_STREETS_OF: &str = "其中的街巷（可选）";
pub const FIELD_FINDINGS: &str = "发现问题";
pub const FIELD_SUPERVISOR: &str = "督导人员";
pub const CAPTURE_BUTTON: &str = "现场记录问题";
pub const CAPTURE_HINT: &str = "用随手拍表单拍照、选类别和地点即可；没有信号时先存在手机上，恢复网络后自动发送，记入本轮检查。";
pub const CAPTURE_BANNER: &str = "督导模式：提交的问题作为督导发现，直接派给责任办事处整改";
pub const CAPTURE_NO_ROUND: &str = "请先开始一轮检查，再现场记录问题";

pub const FIELD_CODE: &str = "编号";
pub const FIELD_STATUS: &str = "状态";
pub const FIELD_OFFICE: &str = "责任单位";
pub const FIELD_CATEGORY: &str = "问题类别";
pub const FIELD_PLACE: &str = "地点";
pub const FIELD_DEADLINE: &str = "整改期限";
pub const FIELD_RECEIVED: &str = "发现时间";
pub const FIELD_REWORK: &str = "返工";
pub const FIELD_PRESSED: &str = "催办";
pub const FIELD_ROUND: &str = "检查轮次";
pub const FIELD_DESCRIPTION: &str = "问题描述";
pub const FIELD_REASON: &str = "原因";
pub const FIELD_NEW_DEADLINE_HOURS: &str = "新的整改时限（小时）";
pub const FIELD_AFTER_PHOTOS: &str = "整改后照片（1至3张）";
pub const FIELD_RECTIFY_NOTE: &str = "整改说明（可选）";
pub const PHOTOS_BEFORE: &str = "发现时照片";
pub const PHOTOS_AFTER: &str = "整改后照片";
pub const TIMELINE: &str = "处理记录";
pub const NONE_YET: &str = "暂无";
pub const OVERDUE: &str = "已超期";
pub const MARK_FINDING: &str = "督导发现";
pub const COUNT_OPEN: &str = "整改中";
pub const COUNT_RECTIFIED: &str = "待复查";
pub const COUNT_OVERDUE: &str = "超期";
pub const FILTER_STATUS: &str = "状态";
pub const FILTER_OFFICE: &str = "办事处";
pub const FILTER_ALL_OPEN: &str = "未办结";
pub const FILTER_EVERY: &str = "全部";
pub const FILTER_APPLY: &str = "筛选";
pub const LIST_EMPTY: &str = "没有符合条件的整改通知";
pub const ROUND_EMPTY: &str = "本轮还没有记录问题";
pub const DISTRICT_OVERDUE: &str = "全区超期未整改";
pub const REWORK_TIMES: &str = "次";
pub const ACTOR_SYSTEM: &str = "系统";

// ---- errors ----
pub const NO_ROUND_FOR_FINDING: &str =
    "没有进行中的检查轮次：请先在“督导检查”页开始一轮检查，这条记录仍保存在手机上";
pub const ROUND_ALREADY_OPEN: &str = "已有一轮检查正在进行，请先结束它";
pub const ROUND_NOT_YOURS: &str = "只能结束自己开始的检查";
pub const ROUND_KIND_INVALID: &str = "请选择检查方式";
pub const POINTS_INVALID: &str = "检查点位数须为0至100000的整数";
pub const PLACES_REQUIRED: &str = "请至少选择一个覆盖的社区";
pub const PLACE_UNKNOWN: &str = "所选社区或街巷不存在";
pub const NOTE_TOO_LONG: &str = "备注过长（最多500字）";
pub const REASON_REQUIRED: &str = "请填写原因";
pub const DEADLINE_REQUIRED: &str = "请填写新的整改时限";
pub const AFTER_PHOTO_REQUIRED: &str = "整改完成须上传至少一张整改后照片";
pub const NOT_ALLOWED: &str = "当前状态下不能进行此操作";
pub const CHANGED_MEANWHILE: &str = "这条整改通知刚被其他人处理过，请刷新后再试";
pub const ACTION_UNKNOWN: &str = "未知的操作";
pub const DATE_INVALID: &str = "日期格式不正确";

// ---- 通报 ----
pub const BULLETIN_TITLE: &str = "督导通报";
pub const PUBLIC_BULLETINS_TITLE: &str = "督导通报";
pub use crate::shell::strings::NAV_BULLETIN;
pub const PERIOD_WEEK: &str = "周";
pub const PERIOD_MONTH: &str = "月";
pub const FIELD_PERIOD: &str = "通报周期";
pub const FIELD_PERIOD_DATE: &str = "周期内任一天";
pub const SHOW_BULLETIN: &str = "生成通报";
pub const PRINT: &str = "打印（A4）";
pub const DOWNLOAD_XLSX: &str = "下载 Excel";
pub const PUBLISH: &str = "发布到公开页面";
pub const PUBLISH_HINT: &str = "发布后，本期通报（仅含各办事处数据，不含人员姓名和内部备注）显示在公开的“督导通报”页面；再次发布同一周期将替换原通报。";
pub const PUBLISHED_AT: &str = "发布时间";
pub const MADE_AT: &str = "生成时间";
pub const NO_BULLETINS: &str = "还没有发布的通报";
pub const RANKING_NOTE: &str =
    "排名依次按：督导发现按期整改率（高者在前）、返工率（低者在前）、群众上报按期结案率、满意率。";
pub const COL_RANK: &str = "排名";
pub const COL_OFFICE: &str = "办事处";
pub const COL_FINDINGS: &str = "督导发现";
pub const COL_RECTIFIED: &str = "整改完成";
pub const COL_ON_TIME: &str = "按期整改率";
pub const COL_REWORK: &str = "返工";
pub const COL_PRESSED: &str = "催办";
pub const COL_SUPERVISED: &str = "督办";
pub const COL_ESCALATED: &str = "提级";
pub const COL_PASSED: &str = "复查通过";
pub const COL_OPEN: &str = "未办结";
pub const COL_RECEIVED: &str = "群众上报";
pub const COL_REPORT_PRESSED: &str = "诉求催办";
pub const COL_REPORT_SUPERVISED: &str = "诉求督办";
pub const COL_REPORT_ESCALATED: &str = "诉求提级";
pub const COL_CLOSE_RATE: &str = "结案率";
pub const COL_RES_ON_TIME: &str = "按期结案率";
pub const COL_SATISFACTION: &str = "满意率";
pub const BULLETIN_COLUMNS: [&str; 18] = [
    COL_RANK,
    COL_OFFICE,
    COL_FINDINGS,
    COL_RECTIFIED,
    COL_ON_TIME,
    COL_REWORK,
    COL_PRESSED,
    COL_SUPERVISED,
    COL_ESCALATED,
    COL_PASSED,
    COL_OPEN,
    COL_RECEIVED,
    COL_REPORT_PRESSED,
    COL_REPORT_SUPERVISED,
    COL_REPORT_ESCALATED,
    COL_CLOSE_RATE,
    COL_RES_ON_TIME,
    COL_SATISFACTION,
];
pub const SHEET_BULLETIN: &str = "通报";
pub const FILE_BULLETIN: &str = "督导通报";
pub const PERIOD_INVALID: &str = "通报周期只能是周或月";

// ---- escalation ----
pub const LEVEL_PRESSED: &str = "催办";
pub const LEVEL_SUPERVISED: &str = "督办";
pub const LEVEL_ESCALATED: &str = "提级";
pub const OR_ABOVE: &str = "及以上";
pub const FILTER_LEVEL: &str = "催办督办";
pub const FILTER_LEVEL_ANY: &str = "不限";
pub const FILTER_LEVEL_PRESSED: &str = "已催办及以上";
pub const FILTER_LEVEL_SUPERVISED: &str = "已督办及以上";
pub const FILTER_LEVEL_ESCALATED: &str = "已提级（报区领导）";
pub const COUNT_PRESSED: &str = "催办";
pub const COUNT_SUPERVISED: &str = "督办";
pub const COUNT_ESCALATED: &str = "提级";
pub const NOTICE_TITLE: &str = "督办通知";
pub const NOTICE_TO: &str = "致";
pub const NOTICE_BODY: &str = "以下督导发现的问题已超过整改期限，经催办仍未整改到位，现予督办。请立即组织整改，整改完成后在系统中上传整改后照片，报督导组复查。";
pub const NOTICE_BODY_REPORT: &str = "以下群众上报的问题已超过处置时限，经催办仍未处置到位，现予督办。请立即组织处置，处置完成后在系统中上传整改后照片并核查结案。";
pub const FIELD_REPORT_NO: &str = "诉求编号";
pub const FIELD_DISPATCHED_TO: &str = "派遣至";
pub const FIELD_SENT_BACK: &str = "退回";
pub const NOTICE_PRINT: &str = "打印督办通知";
pub const NOTICE_ISSUED: &str = "督办时间";
pub const RULES_TITLE: &str = "催办、督办、提级规则";
pub const RULES_HINT: &str = "适用于督导整改通知和群众上报（已派遣）的问题。";
pub const RULES_PRESS: &str = "超过整改期限后几小时催办";
pub const RULES_SUPERVISE: &str = "催办后几小时仍未整改则督办";
pub const RULES_ESCALATE: &str = "督办后几小时仍未整改则提级";
pub const RULES_REWORK: &str = "返工（群众上报为退回）几次即督办（0 为不启用）";
pub const RULES_SAVE: &str = "保存规则";
pub const RULES_INVALID: &str = "时限须为0至8784小时的整数，返工次数须为0至100";
pub const INBOX_FINDINGS: &str = "督导整改通知";
pub const INBOX_FINDINGS_LINE: &str = "整改中";

// ---- residents' reports past their deadline (/dudao/reports) ----
pub use crate::shell::strings::NAV_OVERDUE_REPORTS;
pub const OVERDUE_REPORTS_TITLE: &str = "超期未处置的群众诉求";
pub const OVERDUE_REPORTS_HINT: &str =
    "已派遣、超过处置时限仍未整改的群众上报。催办会记入该诉求的处理记录，并显示在办事处的待办中。";
pub const NO_OVERDUE_REPORTS: &str = "没有超期的群众诉求。";
pub const PRESS_NOTE: &str = "催办说明（可不填）";
pub const PRESS_BUTTON: &str = "催办";
pub const NEXT_PAGE: &str = "下一页";
pub const FILTER_SHOW: &str = "筛选";
pub const ONLY_OVERDUE: &str = "全部超期";
pub const REPORT_NOT_OVERDUE: &str = "这件诉求已不在超期派遣中（可能刚刚整改或结案），无需催办";

// ---- the words of escalation (the levels' badges, a step's line in a timeline) ----

use crate::escalation::{ESCALATED, PRESS, PRESSED, SUPERVISED, level_of};

/// An escalation step's word in a timeline.
pub fn event_label(action: &str) -> &'static str {
    if action == PRESS {
        ACT_PRESS
    } else {
        label(level_of(action))
    }
}

/// The level's word, for badges and the timeline.
pub fn label(level: i64) -> &'static str {
    match level {
        PRESSED => LEVEL_PRESSED,
        SUPERVISED => LEVEL_SUPERVISED,
        ESCALATED => LEVEL_ESCALATED,
        _ => "",
    }
}
