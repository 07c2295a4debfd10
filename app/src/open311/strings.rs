//! zh-CN text of the Open311 API's answers and of its admin section, in one place.

// ---- errors (the `description` of an Open311 error) ----
pub const BAD_FORMAT: &str = "不支持的格式：请以 .json 或 .xml 结尾";
pub const NOT_FOUND: &str = "未找到该资源";
pub const UNKNOWN_SERVICE: &str = "未知的 service_code（问题类别代码），可用的见 services 列表";
pub const SERVICE_CODE_REQUIRED: &str = "缺少 service_code（问题类别代码）";
pub const API_KEY_INVALID: &str = "api_key 无效或已停用";
pub const BAD_DATE: &str = "日期格式有误：请用带时区的 W3C 格式，如 2026-11-27T08:00:00+08:00";
pub const DATE_ORDER: &str = "end_date 不能早于 start_date";
pub const DATE_SPAN: &str = "start_date 与 end_date 之间不能超过 90 天";
pub const BAD_STATUS: &str = "status 只能是 open 或 closed";
pub const TOO_MANY_IDS: &str = "service_request_id 一次最多 100 个";
pub const BAD_PAGE: &str = "page 和 page_size 须为正整数，page_size 不超过 1000";
pub const LOCATION_REQUIRED: &str =
    "缺少地点：请提供 lat 和 long，或 address_string（写明街巷名称），或 address_id";
pub const LAT_LONG_PAIR: &str = "lat 和 long 须同时提供，且为有效的经纬度";
/// A point outside every 单元网格 of the district.
pub const OUTSIDE_GRIDS: &str =
    "lat/long 不在本区任何网格内：请检查坐标（WGS-84 经纬度），或在 address_string 中写明街巷名称";
pub const PLACE_UNKNOWN: &str =
    "无法确定地点所属街巷：请在 address_string 中写明街巷名称（如“韩营一巷”），或提供 address_id";
pub const ADDRESS_ID_UNKNOWN: &str = "address_id 不是已知的街巷编号";
pub const EMAIL_INVALID: &str = "email 格式有误";
pub const NAME_TOO_LONG: &str = "first_name 与 last_name 合计不能超过 64 字";
pub const MEDIA_URL_INVALID: &str = "media_url 须为 http(s) 链接，且不超过 2048 字符";
pub const FIELD_TOO_LONG: &str = "字段过长";
pub const TOO_LARGE: &str = "请求过大：照片不超过 5 MB，其余字段合计不超过 64 KB";
pub const TOKEN_TOO_LONG: &str = "token 不能超过 64 个字符";
pub const BODY_UNREADABLE: &str =
    "请求体无法读取：请用 application/x-www-form-urlencoded 或 multipart/form-data";
pub const TOKEN_REUSED: &str = "该 token 已用于另一条内容不同的上报";

// ---- answers ----
pub const SERVICE_NOTICE: &str = "已收到，将由所在办事处受理；可凭查询码在“进度查询”页查看进度";
pub const SERVICE_DESCRIPTION_HOURS: &str = "处置时限";
pub const DISCOVERY_CONTACT: &str = "街巷随手拍 · 区创卫办";
pub const DISCOVERY_KEY_SERVICE: &str = "提交上报需要 api_key：请向区创卫办（系统管理员）申请";

// ---- admin ----
pub const SEC_API: &str = "开放接口（Open311）";
pub const API_HINT: &str = "其他系统（12345 热线、城市管理平台等）可通过 Open311 GeoReport v2 接口读取上报、提交上报。读取公开；提交需要密钥。接口地址：";
pub const API_KEYS_NONE: &str = "还没有密钥";
pub const API_KEY_NAME: &str = "客户端名称";
pub const API_KEY_ADD: &str = "生成新密钥";
pub const API_KEY_REVOKE: &str = "停用";
pub const API_KEY_REVOKED: &str = "已停用";
pub const API_KEY_ACTIVE: &str = "使用中";
pub const API_KEY_CREATED: &str = "创建于";
pub const API_KEY_LAST_USED: &str = "最近使用";
pub const API_KEY_NEVER_USED: &str = "未使用";
pub const API_KEY_NEW: &str = "新密钥（只显示这一次，请立即复制并交给对方系统）：";
pub const API_KEY_NAME_REQUIRED: &str = "请填写客户端名称（不超过 40 字）";
pub const API_KEY_ADDED: &str = "密钥已生成";
pub const API_KEY_REVOKED_OK: &str = "密钥已停用";
pub const SOURCE_API: &str = "来源：开放接口";
pub const CONTACT_NAME: &str = "联系人（仅工作人员可见）";
pub const CONTACT_EMAIL: &str = "电子邮箱（仅工作人员可见）";
pub const MEDIA_URL: &str = "对方系统提供的图片链接";
