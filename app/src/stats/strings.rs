//! zh-CN text of the public statistics page (公开统计).

pub const TITLE: &str = "公开统计";
pub const INTRO: &str = "各办事处办理居民上报问题的情况，每5分钟更新。";
pub const LOADING: &str = "正在加载统计…";
pub const ERROR: &str = "统计暂时无法加载，请稍后再试";
pub const BACK_HOME: &str = "返回首页";

pub const RECENT: &str = "近30天";
pub const ALL_TIME: &str = "累计";
pub const DISTRICT: &str = "全区";
pub const DISTRICT_RECENT: &str = "全区 · 近30天";
pub const NO_OFFICES: &str = "暂无办事处";

pub const RECEIVED: &str = "收到";
pub const CLOSED: &str = "结案";
pub const CLOSE_RATE: &str = "结案率";
pub const ON_TIME_RATE: &str = "按期结案率";
pub const MEDIAN: &str = "结案用时中位数";
pub const MEDIAN_SHORT: &str = "用时中位数";
pub const REOPENED: &str = "回访不满意";
pub const SATISFACTION: &str = "满意率";
pub const OFFICE: &str = "办事处";
pub const PLACE: &str = "名次";
pub const UNRANKED: &str = "—";

pub const RANKING_TITLE: &str = "近30天排名";
pub const RANKING_NOTE: &str =
    "按“按期结案率”从高到低排列，相同时比较“结案率”；期间没有结案的办事处不参与排名。";
pub const ALL_TIME_TITLE: &str = "累计情况";
pub const CHART_COUNTS_TITLE: &str = "近30天 收到与结案（件）";
pub const CHART_ON_TIME_TITLE: &str = "近30天 按期结案率";
pub const NO_CLOSED: &str = "无结案";

pub const DEFINITIONS_TITLE: &str = "指标说明";
pub const DEF_RECEIVED: &str = "期间收到的上报件数（含其他办事处转来的）。";
pub const DEF_CLOSED: &str = "期间收到的上报中，目前已核查结案的件数。";
pub const DEF_CLOSE_RATE: &str = "结案 ÷ 收到。";
pub const DEF_ON_TIME_RATE: &str = "期间结案的问题中，在处置时限内完成整改的比例。";
pub const DEF_MEDIAN: &str = "期间结案的问题从收到到结案所用时间的中位数，由分段统计估算，“±”后为最大误差（2天以内不超过30分钟，14天以内不超过3小时，其后不超过1天）。";
pub const DEF_REOPENED: &str =
    "期间居民回访答“不满意”（问题仍未解决）的次数：报告退回办事处重新处理，计入办事处考核。";
pub const DEF_SATISFACTION: &str =
    "期间居民回访中答“满意”或“基本满意”的比例（结案后由居民凭查询码回答）。";

/// "统计截至 2026年11月28日 12:05"
pub fn as_of(at: &str) -> String {
    format!("统计截至 {at}")
}

/// "太昊路办事处：收到 3 件，结案 2 件" (the text alternative of the counts chart)
pub fn counts_desc(office: &str, received: i64, closed: i64) -> String {
    format!("{office}：{RECEIVED} {received} 件，{CLOSED} {closed} 件")
}

/// "太昊路办事处：按期结案率 50.0%"
pub fn rate_desc(office: &str, rate: &str) -> String {
    format!("{office}：{ON_TIME_RATE} {rate}")
}

/// "第1名"
pub fn place(n: usize) -> String {
    format!("第{n}名")
}
