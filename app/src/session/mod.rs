//! Who is calling: staff and admin accounts, their sessions and cookies, the login and its
//! throttle, and the signed-in caller every server function asks for
//! ([`auth::require_staff`], [`auth::require_admin`]). Shared by every area with staff pages
//! (staff, honours, admin); the types here also reach the pages.

pub mod strings;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod throttle;

use crate::domain::{OfficeId, UserId};
use serde::{Deserialize, Serialize};

/// Where the login form posts (staff/api.rs); the device cookie is scoped to it.
pub const LOGIN_API_PATH: &str = "/api/staff/login";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 区 admin (创卫办): every office, the admin pages.
    Admin,
    /// 办事处 staff: one office.
    Staff,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Self::Admin),
            "staff" => Some(Self::Staff),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => strings::ROLE_ADMIN,
            Self::Staff => strings::ROLE_STAFF,
        }
    }
}

/// The signed-in account, as every staff server function sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// `None` for an admin.
    pub office_id: Option<OfficeId>,
    pub office_name: Option<String>,
}

impl StaffUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this account may see and change a report of `office`.
    pub fn may_act_in(&self, office: OfficeId) -> bool {
        self.is_admin() || self.office_id == Some(office)
    }
}

/// An account as the admin page and the CLI list it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office_name: Option<String>,
    pub active: bool,
}
