//! The permission policy: the one place that decides who may do what. A table from
//! (role, action) to a scope, plus ownership rules; anything not in the table is denied.
//! Services never look at roles themselves: they call [`crate::Session::authorize`],
//! which asks [`decide`] and audits a denial.

use serde::Serialize;

use crate::actor::{Actor, Role};
use crate::ids::{PatientId, UserId};

/// Everything a user can ask the core to do, named by resource and verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    PatientCreate,
    PatientUpdate,
    PatientView,
    PatientArchive,
    PatientMerge,
    DoctorManage,
    DoctorView,
    AppointmentBook,
    AppointmentCancel,
    AppointmentReschedule,
    AppointmentCheckIn,
    AppointmentComplete,
    AppointmentView,
    /// Open a chart: encounters, notes, vitals, diagnoses, allergies.
    RecordRead,
    /// Write an encounter note or diagnosis as its author.
    RecordWrite,
    NoteAdd,
    VitalsAdd,
    /// Make a new version of an existing note.
    NoteRevise,
    /// Clinical data is never deleted: nobody holds this.
    NoteDelete,
    PrescriptionRead,
    PrescriptionWrite,
    PrescriptionDispense,
    LabOrderRead,
    LabOrderCreate,
    LabResultEnter,
    BillingRead,
    BillingWrite,
    UserManage,
    AuditRead,
    SettingsManage,
    EmergencyAccountManage,
}

impl Action {
    pub const ALL: [Action; 31] = [
        Action::PatientCreate,
        Action::PatientUpdate,
        Action::PatientView,
        Action::PatientArchive,
        Action::PatientMerge,
        Action::DoctorManage,
        Action::DoctorView,
        Action::AppointmentBook,
        Action::AppointmentCancel,
        Action::AppointmentReschedule,
        Action::AppointmentCheckIn,
        Action::AppointmentComplete,
        Action::AppointmentView,
        Action::RecordRead,
        Action::RecordWrite,
        Action::NoteAdd,
        Action::VitalsAdd,
        Action::NoteRevise,
        Action::NoteDelete,
        Action::PrescriptionRead,
        Action::PrescriptionWrite,
        Action::PrescriptionDispense,
        Action::LabOrderRead,
        Action::LabOrderCreate,
        Action::LabResultEnter,
        Action::BillingRead,
        Action::BillingWrite,
        Action::UserManage,
        Action::AuditRead,
        Action::SettingsManage,
        Action::EmergencyAccountManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::PatientCreate => "patient_create",
            Action::PatientUpdate => "patient_update",
            Action::PatientView => "patient_view",
            Action::PatientArchive => "patient_archive",
            Action::PatientMerge => "patient_merge",
            Action::DoctorManage => "doctor_manage",
            Action::DoctorView => "doctor_view",
            Action::AppointmentBook => "appointment_book",
            Action::AppointmentCancel => "appointment_cancel",
            Action::AppointmentReschedule => "appointment_reschedule",
            Action::AppointmentCheckIn => "appointment_check_in",
            Action::AppointmentComplete => "appointment_complete",
            Action::AppointmentView => "appointment_view",
            Action::RecordRead => "record_read",
            Action::RecordWrite => "record_write",
            Action::NoteAdd => "note_add",
            Action::VitalsAdd => "vitals_add",
            Action::NoteRevise => "note_revise",
            Action::NoteDelete => "note_delete",
            Action::PrescriptionRead => "prescription_read",
            Action::PrescriptionWrite => "prescription_write",
            Action::PrescriptionDispense => "prescription_dispense",
            Action::LabOrderRead => "lab_order_read",
            Action::LabOrderCreate => "lab_order_create",
            Action::LabResultEnter => "lab_result_enter",
            Action::BillingRead => "billing_read",
            Action::BillingWrite => "billing_write",
            Action::UserManage => "user_manage",
            Action::AuditRead => "audit_read",
            Action::SettingsManage => "settings_manage",
            Action::EmergencyAccountManage => "emergency_account_manage",
        }
    }

    /// Reading clinical data, which break-glass access grants and which is audited on
    /// every use.
    pub fn is_clinical_read(self) -> bool {
        matches!(
            self,
            Action::RecordRead | Action::PrescriptionRead | Action::LabOrderRead
        )
    }

    fn is_read(self) -> bool {
        matches!(
            self,
            Action::PatientView
                | Action::DoctorView
                | Action::AppointmentView
                | Action::RecordRead
                | Action::PrescriptionRead
                | Action::LabOrderRead
                | Action::BillingRead
        )
    }
}

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

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Anything of this kind.
    All,
    /// Only the actor's own: a patient's own record, a doctor's own notes.
    Own,
}

use Action as A;
use Scope::{All, Own};

/// The clinic's rules. Each role's grants; everything else is denied.
const RULES: &[(Role, &[(Action, Scope)])] = &[
    (
        Role::Admin,
        &[
            (A::PatientView, All),
            (A::PatientArchive, All),
            (A::PatientMerge, All),
            (A::DoctorManage, All),
            (A::DoctorView, All),
            (A::AppointmentView, All),
            (A::BillingRead, All),
            (A::UserManage, All),
            (A::AuditRead, All),
            (A::SettingsManage, All),
            (A::EmergencyAccountManage, All),
        ],
    ),
    (
        Role::Doctor,
        &[
            (A::PatientUpdate, All),
            (A::PatientView, All),
            (A::DoctorView, All),
            (A::AppointmentView, All),
            (A::AppointmentComplete, All),
            (A::RecordRead, All),
            (A::RecordWrite, All),
            (A::NoteAdd, All),
            (A::VitalsAdd, All),
            (A::NoteRevise, Own),
            (A::PrescriptionRead, All),
            (A::PrescriptionWrite, All),
            (A::LabOrderRead, All),
            (A::LabOrderCreate, All),
        ],
    ),
    (
        Role::Nurse,
        &[
            (A::PatientUpdate, All),
            (A::PatientView, All),
            (A::AppointmentView, All),
            (A::AppointmentCheckIn, All),
            (A::RecordRead, All),
            (A::NoteAdd, All),
            (A::VitalsAdd, All),
        ],
    ),
    (
        Role::Receptionist,
        &[
            (A::PatientCreate, All),
            (A::PatientUpdate, All),
            (A::PatientView, All),
            (A::DoctorView, All),
            (A::AppointmentBook, All),
            (A::AppointmentCancel, All),
            (A::AppointmentReschedule, All),
            (A::AppointmentCheckIn, All),
            (A::AppointmentView, All),
            (A::BillingRead, All),
            (A::BillingWrite, All),
        ],
    ),
    (
        Role::LabTechnician,
        &[
            (A::PatientView, All),
            (A::LabOrderRead, All),
            (A::LabResultEnter, All),
        ],
    ),
    (
        Role::Pharmacist,
        &[
            (A::PatientView, All),
            (A::PrescriptionRead, All),
            (A::PrescriptionDispense, All),
        ],
    ),
    (
        Role::Accountant,
        &[
            (A::PatientView, All),
            (A::BillingRead, All),
            (A::BillingWrite, All),
        ],
    ),
    (
        Role::Patient,
        &[
            (A::PatientView, Own),
            (A::AppointmentView, Own),
            (A::RecordRead, Own),
            (A::PrescriptionRead, Own),
            (A::LabOrderRead, Own),
            (A::BillingRead, Own),
        ],
    ),
];

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
        All => Decision::Allow,
        Own => {
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

fn grant(role: Role, action: Action) -> Option<Scope> {
    RULES
        .iter()
        .find(|(r, _)| *r == role)
        .and_then(|(_, grants)| grants.iter().find(|(a, _)| *a == action))
        .map(|(_, scope)| *scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_exactly_one_rule_row_and_no_action_is_granted_twice() {
        for role in Role::ALL {
            let rows: Vec<_> = RULES.iter().filter(|(r, _)| *r == role).collect();
            assert_eq!(rows.len(), 1, "{role} must have one row");
            let grants = rows[0].1;
            for (i, (a, _)) in grants.iter().enumerate() {
                assert!(
                    !grants[i + 1..].iter().any(|(b, _)| a == b),
                    "{role} grants {a:?} twice"
                );
            }
        }
    }

    #[test]
    fn nobody_may_delete_a_note() {
        for role in Role::ALL {
            assert_eq!(grant(role, Action::NoteDelete), None, "{role}");
        }
    }

    #[test]
    fn action_names_are_unique() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
