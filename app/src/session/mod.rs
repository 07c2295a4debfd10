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
    /// 督导组 (district supervisor): every office's findings and rounds; no triage.
    Supervisor,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
            Self::Supervisor => "supervisor",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Self::Admin),
            "staff" => Some(Self::Staff),
            "supervisor" => Some(Self::Supervisor),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => strings::ROLE_ADMIN,
            Self::Staff => strings::ROLE_STAFF,
            Self::Supervisor => strings::ROLE_SUPERVISOR,
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
    /// `None` for an admin and a supervisor.
    pub office_id: Option<OfficeId>,
    pub office_name: Option<String>,
}

impl StaffUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_supervisor(&self) -> bool {
        self.role == Role::Supervisor
    }

    /// Whether this account may see and change a report of `office` (never a supervisor:
    /// the 督导组 does not triage residents' reports).
    pub fn may_act_in(&self, office: OfficeId) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Staff => self.office_id == Some(office),
            Role::Supervisor => false,
        }
    }

    /// Where this account's pages start.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::Supervisor => "/dudao",
            _ => "/staff",
        }
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
