//! zh-CN text of resident reporting, in one place: `ui` for the pages, `validation` for the
//! messages the server sends back when a submission is refused.

pub mod sync;
pub mod ui;
pub mod validation;
