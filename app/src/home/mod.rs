//! The home page: the entry points for residents, the public and staff.

pub mod pages;
pub mod strings;
