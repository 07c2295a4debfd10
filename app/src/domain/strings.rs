//! zh-CN labels of the shared domain vocabulary. A second locale adds a sibling module.

pub const STATUS_PENDING: &str = "待受理";
pub const STATUS_ACCEPTED: &str = "已立案";
pub const STATUS_DISPATCHED: &str = "已派遣";
pub const STATUS_RECTIFIED: &str = "已整改";
pub const STATUS_CLOSED: &str = "已结案";
pub const STATUS_REJECTED: &str = "不予受理";
pub const STATUS_DUPLICATE: &str = "重复";
pub const STATUS_TRANSFERRED: &str = "转办";

pub const HONOUR_NOMINATED: &str = "申报";
pub const HONOUR_NOTICE: &str = "公示";
pub const HONOUR_AWARDED: &str = "已挂牌";
pub const HONOUR_REINSPECTION: &str = "复查";
pub const HONOUR_REVOKED: &str = "已摘牌";

pub const TITLE_HYGIENIC_FAMILY: &str = "卫生家庭";
pub const TITLE_MODEL_HOUSEHOLD: &str = "创卫示范户";
pub const TITLE_CIVILIZED_SHOP: &str = "文明商户";
pub const TITLE_MODEL_STREET: &str = "示范街";

pub const UNKNOWN_CODE: &str = "未知的代码";
