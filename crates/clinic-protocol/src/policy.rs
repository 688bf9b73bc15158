//! The permission table, shared by the workstation core (which asks it before every
//! operation, adding ownership rules) and the sync server (which re-checks every pushed
//! change against the role the server knows for its user). One table, so the two can
//! never disagree. Anything not granted is denied.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        write!(
            f,
            "\"{}\" is not a role; use one of {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

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
    /// Record, correct or archive a patient's allergy.
    AllergyRecord,
    /// Clinical data is never deleted: nobody holds this.
    NoteDelete,
    /// Add a scan, photo or PDF to a patient's record (and archive one's own).
    AttachmentAdd,
    PrescriptionRead,
    PrescriptionWrite,
    PrescriptionDispense,
    LabOrderRead,
    LabOrderCreate,
    LabResultEnter,
    /// See the branch's stock, its movements, alerts and discrepancies.
    StockRead,
    /// Receive, dispense, sell, return, transfer and expire stock (pharmacists).
    StockMove,
    /// Correct the books to a count, resolving a discrepancy.
    StockAdjust,
    BillingRead,
    BillingWrite,
    /// Take a payment or give a refund on an issued invoice.
    PaymentRecord,
    /// Give a discount on an invoice line (with a reason).
    BillingDiscount,
    UserManage,
    AuditRead,
    SettingsManage,
    EmergencyAccountManage,
}

impl Action {
    pub const ALL: [Action; 38] = [
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
        Action::AllergyRecord,
        Action::NoteDelete,
        Action::AttachmentAdd,
        Action::PrescriptionRead,
        Action::PrescriptionWrite,
        Action::PrescriptionDispense,
        Action::LabOrderRead,
        Action::LabOrderCreate,
        Action::LabResultEnter,
        Action::StockRead,
        Action::StockMove,
        Action::StockAdjust,
        Action::BillingRead,
        Action::BillingWrite,
        Action::PaymentRecord,
        Action::BillingDiscount,
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
            Action::AllergyRecord => "allergy_record",
            Action::NoteDelete => "note_delete",
            Action::AttachmentAdd => "attachment_add",
            Action::PrescriptionRead => "prescription_read",
            Action::PrescriptionWrite => "prescription_write",
            Action::PrescriptionDispense => "prescription_dispense",
            Action::LabOrderRead => "lab_order_read",
            Action::LabOrderCreate => "lab_order_create",
            Action::LabResultEnter => "lab_result_enter",
            Action::StockRead => "stock_read",
            Action::StockMove => "stock_move",
            Action::StockAdjust => "stock_adjust",
            Action::BillingRead => "billing_read",
            Action::BillingWrite => "billing_write",
            Action::PaymentRecord => "payment_record",
            Action::BillingDiscount => "billing_discount",
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

    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::PatientView
                | Action::DoctorView
                | Action::AppointmentView
                | Action::RecordRead
                | Action::PrescriptionRead
                | Action::LabOrderRead
                | Action::StockRead
                | Action::BillingRead
        )
    }
}

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anything of this kind.
    All,
    /// Only the actor's own: a patient's own record, a doctor's own notes.
    Own,
}

use Action as A;
use Scope::{All, Own};

/// The clinic's rules. Each role's grants; everything else is denied.
pub const RULES: &[(Role, &[(Action, Scope)])] = &[
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
            (A::StockRead, All),
            (A::StockAdjust, All),
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
            (A::AllergyRecord, All),
            (A::AttachmentAdd, All),
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
            (A::AllergyRecord, All),
            (A::AttachmentAdd, All),
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
            (A::PaymentRecord, All),
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
            (A::StockRead, All),
            (A::StockMove, All),
            (A::StockAdjust, All),
        ],
    ),
    (
        Role::Accountant,
        &[
            (A::PatientView, All),
            (A::BillingRead, All),
            (A::BillingWrite, All),
            (A::PaymentRecord, All),
            (A::BillingDiscount, All),
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

/// The scope in which `role` may perform `action`; `None` means denied.
pub fn grant(role: Role, action: Action) -> Option<Scope> {
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
    fn only_doctors_and_nurses_add_attachments() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Doctor | Role::Nurse);
            assert_eq!(
                grant(role, Action::AttachmentAdd).is_some(),
                expected,
                "{role}: scans and photos are added by the clinical staff who took them"
            );
        }
    }

    #[test]
    fn nobody_may_delete_a_note() {
        for role in Role::ALL {
            assert_eq!(grant(role, Action::NoteDelete), None, "{role}");
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_names_and_unknown_ones_list_the_choices() {
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

    #[test]
    fn action_names_are_unique() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
