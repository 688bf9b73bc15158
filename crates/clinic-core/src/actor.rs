//! Who is acting: every core operation takes an [`Actor`], made only by a successful
//! unlock, so no operation can run on behalf of nobody.

use serde::Serialize;

use crate::ids::{DeviceId, PatientId, SessionId, UserId};

pub use clinic_protocol::policy::{Role, UnknownRole as UnknownRoleError};

/// An authenticated user acting on one workstation in one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user: UserId,
    pub username: String,
    pub role: Role,
    pub device: DeviceId,
    pub session: SessionId,
    /// For a patient user: the one patient record they may see.
    pub patient: Option<PatientId>,
    /// Set for break-glass sessions: read-only doctor access until then.
    pub emergency_until: Option<chrono::DateTime<chrono::Utc>>,
    /// The role requires a second factor this user has not enrolled yet: until they
    /// do, the policy refuses everything else.
    pub must_enrol_totp: bool,
}
