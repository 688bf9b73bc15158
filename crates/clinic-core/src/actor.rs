//! Who is acting: every core operation takes an [`Actor`], made only by a successful
//! unlock, so no operation can run on behalf of nobody.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{DeviceId, PatientId, SessionId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    LabTechnician,
    Pharmacist,
    Accountant,
    Patient,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Doctor,
        Role::Nurse,
        Role::Receptionist,
        Role::LabTechnician,
        Role::Pharmacist,
        Role::Accountant,
        Role::Patient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Receptionist => "receptionist",
            Role::LabTechnician => "lab_technician",
            Role::Pharmacist => "pharmacist",
            Role::Accountant => "accountant",
            Role::Patient => "patient",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                Error::validation(
                    "role",
                    format!("\"{s}\" is not a role; use one of {}", known.join(", ")),
                )
            })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::Value::String(role.as_str().into()),
                "the database and the wire use the same spelling"
            );
        }
        let err = "superuser".parse::<Role>().unwrap_err();
        assert!(
            err.to_string().contains("lab_technician"),
            "the message lists the roles"
        );
    }
}
