//! zh-CN text of the 区 admin pages (/admin and the street posters), in one place.

// ---- page ----
pub const ADMIN_TITLE: &str = "系统管理";
pub const FORBIDDEN_TITLE: &str = "没有权限";
pub const FORBIDDEN_BODY: &str =
    "系统管理仅限区管理员使用。如需调整街巷、类别或账号，请联系区创卫办。";
pub const BACK_TO_QUEUE: &str = "返回处置队列";
pub const LOADING: &str = "正在加载…";
pub const SECTIONS: &str = "管理项目";

// ---- section titles ----
pub const SEC_OFFICES: &str = "办事处";
pub const SEC_COMMUNITIES: &str = "居委会";
pub const SEC_STREETS: &str = "街巷";
pub const SEC_CATEGORIES: &str = "问题类别";
pub const SEC_USERS: &str = "用户";

// ---- common ----
pub const RENAME: &str = "改名";
pub const SAVE: &str = "保存";
pub const ADD: &str = "添加";
pub const ACTIVE: &str = "启用中";
pub const INACTIVE: &str = "已停用";
pub const DEACTIVATE: &str = "停用";
pub const ACTIVATE: &str = "启用";
pub const NONE_YET: &str = "暂无";
pub const STATUS: &str = "状态";

// ---- offices ----
pub const OFFICE_NAME: &str = "办事处名称";
pub const OFFICE_ADD: &str = "添加办事处";
pub const OFFICE_COUNTS_COMMUNITIES: &str = "个居委会";
pub const OFFICE_COUNTS_STREETS: &str = "条街巷";

// ---- communities ----
pub const COMMUNITY_NAME: &str = "居委会名称";
pub const COMMUNITY_ADD: &str = "添加居委会";
pub const COMMUNITY_NEEDS_OFFICE: &str = "请先添加办事处";

// ---- streets ----
pub const STREET_NAME: &str = "街巷名称";
pub const STREET_ADD: &str = "添加街巷";
pub const STREET_POSTER: &str = "打印二维码海报";
pub const STREET_NEEDS_COMMUNITY: &str = "请先添加居委会";

// ---- categories ----
pub const CATEGORY_CODE: &str = "代码";
pub const CATEGORY_CODE_HINT: &str = "英文小写，如 exposed_garbage，添加后不能修改";
pub const CATEGORY_NAME: &str = "类别名称";
pub const CATEGORY_ICON: &str = "图标";
pub const CATEGORY_HOURS: &str = "处置时限（小时）";
pub const CATEGORY_HOURS_HINT: &str = "从派遣起计算；修改只影响之后派遣的报告";
pub const CATEGORY_ADD: &str = "添加类别";
pub const CATEGORY_INACTIVE_HINT: &str = "停用后居民上报时不再显示此类别，已有报告不受影响";

// ---- users ----
pub const USER_USERNAME: &str = "用户名";
pub const USER_DISPLAY_NAME: &str = "姓名";
pub const USER_ROLE: &str = "角色";
pub const USER_OFFICE: &str = "办事处";
pub const USER_OFFICE_NONE: &str = "（区管理员不需要）";
pub const USER_PASSWORD: &str = "初始密码（至少8个字符）";
pub const USER_NEW_PASSWORD: &str = "新密码（至少8个字符）";
pub const USER_RESET_PASSWORD: &str = "重置密码";
pub const USER_RESET_HINT: &str = "重置后该账号在所有设备上需重新登录";
pub const USER_ADD: &str = "添加用户";
pub const USER_SELF: &str = "（当前账号）";

// ---- poster ----
pub const POSTER_TITLE: &str = "二维码海报";
pub const POSTER_APP: &str = "街巷随手拍";
pub const POSTER_INSTRUCTION: &str = "扫码上报本街巷的问题";
pub const POSTER_STEPS: &str = "用手机扫一扫 · 拍照 · 提交，无需下载App，无需注册";
pub const POSTER_PRINT: &str = "打印海报";
pub const POSTER_BACK: &str = "返回系统管理";
pub const POSTER_PRINT_HINT: &str = "打印时请选择A4纸、纵向、100%缩放";
pub const POSTER_NOT_FOUND: &str = "街巷不存在";
pub const POSTER_FORBIDDEN: &str = "只能打印本办事处街巷的海报";

// ---- validation and outcomes ----
pub const CATEGORY_CODE_INVALID: &str =
    "类别代码须为2至40位小写英文字母、数字或下划线，并以字母开头";
pub const CATEGORY_ICON_INVALID: &str = "图标须为1至8个字符（一般为一个表情符号），不含空格";
pub const ROLE_INVALID: &str = "请选择角色";
pub const ACTIVE_INVALID: &str = "请选择启用或停用";
pub const CANNOT_DEACTIVATE_SELF: &str = "不能停用自己正在使用的账号";

/// "请填写办事处名称"
pub fn name_required(what: &str) -> String {
    format!("请填写{what}")
}

/// "办事处名称不能超过32个字"
pub fn name_too_long(what: &str, max: usize) -> String {
    format!("{what}不能超过{max}个字")
}

/// "办事处名称不能包含换行等控制字符"
pub fn name_bad_chars(what: &str) -> String {
    format!("{what}不能包含换行等控制字符")
}

/// "太昊路办事处：4个居委会，10条街巷"
pub fn office_counts(communities: i64, streets: i64) -> String {
    format!("{communities}{OFFICE_COUNTS_COMMUNITIES}，{streets}{OFFICE_COUNTS_STREETS}")
}

/// Accessible label of a rename box, e.g. "韩营一巷 的新名称".
pub fn rename_label(current: &str) -> String {
    format!("{current} 的新名称")
}

/// "添加居委会到 太昊路办事处"
pub fn add_under(action: &str, parent: &str) -> String {
    format!("{action}到 {parent}")
}

/// Accessible label of a password box: "admin2 的新密码".
pub fn new_password_label(username: &str) -> String {
    format!("{username} 的新密码")
}

pub const CATEGORY_GROUP: &str = "分组（开放接口的服务分组，如 环境卫生）";
pub const GROUP_TOO_LONG: &str = "分组名称不能超过20字";

pub use crate::strings::hours;

// ---- 单元网格 ----
pub const SEC_GRIDS: &str = "单元网格";
pub const GRIDS_HINT: &str = "导入本区的单元网格边界（GeoJSON 的 FeatureCollection，Polygon 或 MultiPolygon，WGS-84 或 CGCS2000 经纬度；数字城管或测绘部门可导出）。上传后先预览：选择哪个属性是网格编码、名称、社区和办事处，看清新增、移动、改名和撤销的网格，再确认导入。再次导入按编码替换；文件中没有的网格标为撤销，不会删除。";
pub const GRIDS_NONE: &str = "尚未导入网格。上报的位置暂时只按所选街巷归属。";
pub const GRIDS_ACTIVE: &str = "个在用";
pub const GRIDS_RETIRED: &str = "个已撤销";
pub const GRIDS_FILE: &str = "GeoJSON 文件";
pub const GRIDS_UPLOAD: &str = "上传并预览";
pub const GRIDS_DOWNLOAD: &str = "下载现有网格（GeoJSON）";
pub const GRID_FILE_TOO_LARGE: &str = "文件超过 64 MB：请按办事处分批导入";
pub const GRID_NO_FILE: &str = "请选择要导入的 GeoJSON 文件";
pub const GRID_IMPORT_DONE: &str = "这个文件已经导入过了";
pub const GRID_PREVIEW_TITLE: &str = "导入单元网格";
pub const GRID_PREVIEW_FILE: &str = "文件";
pub const GRID_UPLOADED: &str = "文件已读取，尚未导入：请核对属性对应和导入后的变化，再确认导入。";

pub fn grid_counts(features: i64, vertices: i64) -> String {
    format!("{features} 个要素 · {vertices} 个顶点")
}
pub const GRID_MAPPING: &str = "属性对应";
pub const GRID_MAP_CODE: &str = "网格编码";
pub const GRID_MAP_NAME: &str = "网格名称";
pub const GRID_MAP_COMMUNITY: &str = "社区";
pub const GRID_MAP_OFFICE: &str = "办事处";
pub const GRID_MAP_OFFICE_FOR_ALL: &str = "文件未写办事处时，全部归属";
pub const GRID_MAP_NONE: &str = "（无）";
pub const GRID_MAP_APPLY: &str = "按此对应重新预览";
pub const GRID_PLAN: &str = "导入后";
pub const GRID_ADDED: &str = "新增";
pub const GRID_MOVED: &str = "边界变动";
pub const GRID_CHANGED: &str = "名称或归属变动";
pub const GRID_REVIVED: &str = "恢复使用";
pub const GRID_RETIRED: &str = "撤销（文件中没有）";
pub const GRID_UNCHANGED: &str = "不变";
pub const GRID_MORE: &str = "……以及另外";
pub const GRID_CONFIRM: &str = "确认导入";
pub const GRID_NOTHING: &str = "与现有网格完全相同，无需导入";
pub const GRID_CANNOT: &str = "按当前对应无法导入：";
pub const GRID_IMPORTED: &str = "已导入。新的上报将按网格归属；地图和网格筛选随之更新。";
pub const GRID_BACK: &str = "返回系统管理";
pub const GRID_SAMPLES: &str = "示例值";
