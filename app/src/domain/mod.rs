//! Types shared by the browser and the server. Requests are parsed into these at the API
//! boundary, so nothing downstream handles a raw `String` from a request.

pub mod ids;
pub mod phone;
pub mod status;
pub mod strings;
pub mod time;
pub mod tracking;

pub use ids::*;
pub use phone::PhoneNumber;
pub use status::{HonourStatus, HonourTitle, ReportStatus};
pub use time::Millis;
pub use tracking::TrackingCode;
