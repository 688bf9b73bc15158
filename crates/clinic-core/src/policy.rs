//! The permission policy: the one place that decides who may do what. A table from
//! (role, action) to a scope, plus ownership rules; anything not in the table is denied.
//! Services never look at roles themselves: they call [`crate::Session::authorize`],
//! which asks [`decide`] and audits a denial.

use crate::actor::Actor;
use crate::ids::{PatientId, UserId};

pub use clinic_protocol::policy::{Action, Scope, grant};

/// What an action is applied to, for the ownership rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Not about one patient or author (lists, settings, new records).
    Any,
    /// Something belonging to one patient (their chart, prescriptions, invoices).
    Patient(PatientId),
    /// A clinical note written by this user.
    NoteBy(UserId),
}

/// The outcome of asking the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(DenyReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// The role does not hold the action.
    NotGranted,
    /// The role holds it only for its own records, and this one is someone else's.
    NotOwner,
    /// Break-glass access is read-only and time-limited.
    EmergencyReadOnly,
    /// The user must enrol a second factor before doing anything else.
    TotpEnrolmentRequired,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotGranted => "not_granted",
            DenyReason::NotOwner => "not_owner",
            DenyReason::EmergencyReadOnly => "emergency_read_only",
            DenyReason::TotpEnrolmentRequired => "totp_enrolment_required",
        }
    }
}

/// Decides whether `actor` may perform `action` on `target`.
pub fn decide(actor: &Actor, action: Action, target: Target) -> Decision {
    if actor.must_enrol_totp {
        return Decision::Deny(DenyReason::TotpEnrolmentRequired);
    }
    if actor.emergency_until.is_some() && !(action.is_read() && action != Action::BillingRead) {
        // Break-glass grants a doctor's clinical reading, nothing else.
        return Decision::Deny(DenyReason::EmergencyReadOnly);
    }
    let Some(scope) = grant(actor.role, action) else {
        return Decision::Deny(DenyReason::NotGranted);
    };
    match scope {
        Scope::All => Decision::Allow,
        Scope::Own => {
            let owns = match target {
                Target::Any => false,
                Target::Patient(patient) => actor.patient == Some(patient),
                Target::NoteBy(author) => author == actor.user,
            };
            if owns {
                Decision::Allow
            } else {
                Decision::Deny(DenyReason::NotOwner)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Role;
    use crate::clock::{Clock as _, ManualClock};
    use crate::ids::{DeviceId, SessionId};

    fn actor(role: Role) -> Actor {
        let clock = crate::clock::ManualClock::monday_morning();
        Actor {
            user: UserId::new(&clock),
            username: "x".into(),
            role,
            device: DeviceId::new(&clock),
            session: SessionId::new(&clock),
            patient: None,
            emergency_until: None,
            must_enrol_totp: false,
        }
    }

    #[test]
    fn a_pending_second_factor_or_break_glass_narrows_what_a_role_may_do() {
        let mut admin = actor(Role::Admin);
        assert_eq!(
            decide(&admin, Action::UserManage, Target::Any),
            Decision::Allow
        );
        admin.must_enrol_totp = true;
        assert_eq!(
            decide(&admin, Action::UserManage, Target::Any),
            Decision::Deny(DenyReason::TotpEnrolmentRequired)
        );
        let mut glass = actor(Role::Doctor);
        glass.emergency_until = Some(ManualClock::monday_morning().now());
        assert_eq!(
            decide(&glass, Action::RecordRead, Target::Any),
            Decision::Allow
        );
        assert_eq!(
            decide(&glass, Action::RecordWrite, Target::Any),
            Decision::Deny(DenyReason::EmergencyReadOnly)
        );
    }
}
