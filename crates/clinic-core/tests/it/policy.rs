//! The policy matrix, checked for every (role, action) pair through a real signed-in
//! session. The expected table is written out here from the clinic's rules, separately
//! from the policy module, so a change to either shows up as a failure.

use clinic_core::ids::{PatientId, UserId};
use clinic_core::{Action, Code, Role, Target};

use crate::support::Clinic;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allow,
    /// Allowed only on the actor's own patient record or own note.
    Own,
    Deny,
}

fn expected(role: Role, action: Action) -> Expect {
    use Action as A;
    use Expect::{Allow, Deny, Own};
    match role {
        // Receptionist: registers patients, edits demographics, books, cancels,
        // reschedules and checks in; views doctors; bills and takes payments.
        Role::Receptionist => match action {
            A::PatientCreate
            | A::PatientUpdate
            | A::PatientView
            | A::DoctorView
            | A::AppointmentBook
            | A::AppointmentCancel
            | A::AppointmentReschedule
            | A::AppointmentCheckIn
            | A::AppointmentView
            | A::BillingRead
            | A::BillingWrite
            | A::PaymentRecord => Allow,
            _ => Deny,
        },
        // Doctor: updates patients, views doctors, reads and writes the record (and adds
        // attachments), revises only their own notes, prescribes, orders labs.
        Role::Doctor => match action {
            A::PatientUpdate
            | A::PatientView
            | A::DoctorView
            | A::AppointmentView
            | A::AppointmentComplete
            | A::RecordRead
            | A::RecordWrite
            | A::NoteAdd
            | A::VitalsAdd
            | A::AllergyRecord
            | A::AttachmentAdd
            | A::PrescriptionRead
            | A::PrescriptionWrite
            | A::LabOrderRead
            | A::LabOrderCreate => Allow,
            A::NoteRevise => Own,
            _ => Deny,
        },
        // Nurse: updates patients, adds notes, vitals, allergies and attachments, never
        // deletes or rewrites.
        Role::Nurse => match action {
            A::PatientUpdate
            | A::PatientView
            | A::AppointmentView
            | A::AppointmentCheckIn
            | A::RecordRead
            | A::NoteAdd
            | A::VitalsAdd
            | A::AllergyRecord => Allow,
            A::AttachmentAdd => Allow,
            _ => Deny,
        },
        // Admin: archives and merges patients, manages doctors, users, settings, audit;
        // reads billing and stock and corrects stock to a count; no clinical notes (only
        // through break-glass).
        Role::Admin => match action {
            A::PatientView
            | A::PatientArchive
            | A::PatientMerge
            | A::DoctorManage
            | A::DoctorView
            | A::AppointmentView
            | A::BillingRead
            | A::StockRead
            | A::StockAdjust
            | A::UserManage
            | A::AuditRead
            | A::SettingsManage
            | A::EmergencyAccountManage => Allow,
            _ => Deny,
        },
        Role::LabTechnician => match action {
            A::PatientView | A::LabOrderRead | A::LabResultEnter => Allow,
            _ => Deny,
        },
        // Pharmacist: dispenses prescriptions and keeps the stock (moves and counts).
        Role::Pharmacist => match action {
            A::PatientView
            | A::PrescriptionRead
            | A::PrescriptionDispense
            | A::StockRead
            | A::StockMove
            | A::StockAdjust => Allow,
            _ => Deny,
        },
        // Accountant: billing with payments and discounts, never clinical notes.
        Role::Accountant => match action {
            A::PatientView
            | A::BillingRead
            | A::BillingWrite
            | A::PaymentRecord
            | A::BillingDiscount => Allow,
            _ => Deny,
        },
        // Patient: their own record, prescriptions, results, appointments and invoices.
        Role::Patient => match action {
            A::PatientView
            | A::AppointmentView
            | A::RecordRead
            | A::PrescriptionRead
            | A::LabOrderRead
            | A::BillingRead => Own,
            _ => Deny,
        },
    }
}

#[test]
fn every_role_and_action_is_allowed_or_denied_as_the_clinic_rules_say() {
    let mut clinic = Clinic::new();
    let stranger = PatientId::new(clinic.clock.as_ref());
    let other_author = UserId::new(clinic.clock.as_ref());
    let mut checked = 0;
    for role in Role::ALL {
        let username = format!("u.{}", role.as_str().replace('_', "."));
        let user = if role == Role::Admin {
            None
        } else {
            Some(clinic.add_user(&username, role))
        };
        let mut session = match &user {
            Some(_) => clinic.sign_in(&username),
            None => clinic
                .workstation
                .unlock("admin", crate::support::ADMIN_PASSWORD)
                .unwrap(),
        };
        let me = session.actor().user;
        let my_patient = session.actor().patient;
        for action in Action::ALL {
            let rule = expected(role, action);
            let own_target = match (action, my_patient) {
                (Action::NoteRevise, _) => Target::NoteBy(me),
                (_, Some(patient)) => Target::Patient(patient),
                (_, None) => Target::Any,
            };
            let other_target = match action {
                Action::NoteRevise => Target::NoteBy(other_author),
                _ => Target::Patient(stranger),
            };
            let cases = [
                (own_target, rule != Expect::Deny),
                (other_target, rule == Expect::Allow),
            ];
            for (target, allowed) in cases {
                let denied_before = clinic.count_audit("outcome = 'denied'");
                let result = session.authorize(action, target);
                assert_eq!(
                    result.is_ok(),
                    allowed,
                    "{role} {action:?} on {target:?}: expected {}",
                    if allowed { "allow" } else { "deny" }
                );
                let denied_after = clinic.count_audit("outcome = 'denied'");
                if allowed {
                    assert_eq!(
                        denied_after, denied_before,
                        "an allowed check writes no denial"
                    );
                } else {
                    let err = result.unwrap_err();
                    assert_eq!(err.code(), Code::Forbidden);
                    assert_eq!(
                        denied_after,
                        denied_before + 1,
                        "each denial is audited once"
                    );
                    let recorded = clinic.count_audit(&format!(
                        "outcome = 'denied' AND action = '{}' AND user_id = '{me}'",
                        action.as_str()
                    ));
                    assert!(recorded >= 1, "the denial names the action and the actor");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Role::ALL.len() * Action::ALL.len() * 2);
}

#[test]
fn a_denied_operation_changes_nothing_but_the_audit_log() {
    let mut clinic = Clinic::new();
    clinic.add_user("nurse.ada", Role::Nurse);
    let mut nurse = clinic.sign_in("nurse.ada");
    let changes_before: Vec<String> = nurse
        .pending_changes(1000)
        .unwrap()
        .into_iter()
        .map(|c| c.table)
        .collect();

    let err = nurse
        .create_user(&clinic_core::NewUser::new(
            "intruder",
            Role::Admin,
            "intruder password",
        ))
        .unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
    let err = nurse.set_role("nurse.ada", Role::Admin).unwrap_err();
    assert_eq!(err.code(), Code::Forbidden, "nobody promotes themselves");
    assert_eq!(
        nurse.audit_list(&Default::default()).unwrap_err().code(),
        Code::Forbidden
    );

    let changes_after: Vec<String> = nurse
        .pending_changes(1000)
        .unwrap()
        .into_iter()
        .map(|c| c.table)
        .collect();
    let new: Vec<_> = changes_after[changes_before.len()..].to_vec();
    assert_eq!(
        new,
        ["audit_log", "audit_log", "audit_log"],
        "three denials, nothing else"
    );
    assert!(
        clinic
            .workstation
            .unlock("intruder", "intruder password")
            .is_err(),
        "the refused user does not exist"
    );
    assert_eq!(
        clinic.count_audit(
            "outcome = 'denied' AND action = 'user_manage' AND username = 'nurse.ada'"
        ),
        2
    );
}
