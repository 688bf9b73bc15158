//! The chart and who opened it (`src/clinical/chart.rs`), and what each role is told it
//! may do with records (`src/signin.rs`'s capabilities, from the core's policy).

use clinic_desktop::dto;

use super::*;

#[test]
fn doctors_and_nurses_open_a_chart_and_a_receptionist_is_refused() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let amani = patient_named(&shell, "amani njoroge");
    let chart = shell.chart(&amani).unwrap();
    assert_eq!(chart.patient.name, "Amani Njoroge");
    assert_eq!(
        chart
            .allergies
            .iter()
            .map(|a| a.substance.as_str())
            .collect::<Vec<_>>(),
        vec!["Penicillin"],
        "the demo's nurse recorded Amani's penicillin allergy"
    );
    assert!(!chart.visits.is_empty(), "past visits");
    assert!(
        chart
            .visits
            .iter()
            .all(|v| v.signed == v.notes && v.notes > 0)
    );
    assert!(chart.last_vitals.is_some());
    assert!(!chart.diagnoses.is_empty());

    sign_in_as(&shell, NURSE);
    assert_eq!(shell.chart(&amani).unwrap().patient.id, amani);

    let desk = shell.sign_in(DESK, demo::PASSWORD, None).unwrap();
    let caps = desk.capabilities;
    assert!(
        !caps.read_records && !caps.write_records && !caps.add_vitals && !caps.read_access_history,
        "the front desk is shown no chart link: {caps:?}"
    );
    forbidden(shell.chart(&amani).unwrap_err());
    forbidden(shell.access_history(&amani, 50).unwrap_err());
}

#[test]
fn each_role_is_told_what_it_may_do_with_records() {
    let (_dir, shell) = demo_clinic();
    let caps = |who: &str| {
        shell
            .sign_in(who, demo::PASSWORD, None)
            .unwrap()
            .capabilities
    };
    let doctor = caps(DOCTOR);
    assert!(doctor.read_records && doctor.write_records && doctor.add_vitals);
    assert!(doctor.record_allergies && !doctor.read_access_history && !doctor.read_own_record);
    let nurse = caps(NURSE);
    assert!(nurse.read_records && nurse.add_notes && nurse.add_vitals && nurse.record_allergies);
    assert!(
        !nurse.write_records,
        "nurses open no visit and sign no SOAP note"
    );
    assert!(
        doctor.read_prescriptions && doctor.write_prescriptions,
        "doctors prescribe"
    );
    assert!(
        !nurse.read_prescriptions && !nurse.write_prescriptions,
        "the policy gives nurses no prescription_read: {nurse:?}"
    );
    let desk = caps(DESK);
    assert!(!desk.read_prescriptions && !desk.write_prescriptions);
    assert!(
        !desk.read_lab && !desk.order_lab && !desk.enter_lab_results,
        "the front desk has no lab action in the policy"
    );
    assert!(
        doctor.read_lab && doctor.order_lab && !doctor.enter_lab_results,
        "doctors order and read; the lab enters"
    );
    let lab = caps("lab.chen");
    assert!(
        lab.read_lab && lab.enter_lab_results && !lab.order_lab,
        "lab technicians work the worklist and order nothing"
    );
    let admin = caps(ADMIN);
    assert!(admin.read_access_history && !admin.read_records);
}

#[test]
fn administrators_and_the_patient_see_who_opened_the_record_refusals_included() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let amani = patient_named(&shell, "amani njoroge");
    let wanjiku = patient_named(&shell, "wanjiku mwangi");
    shell.chart(&amani).unwrap();
    sign_in_as(&shell, DESK);
    forbidden(shell.chart(&amani).unwrap_err());

    sign_in_as(&shell, ADMIN);
    forbidden(shell.chart(&amani).unwrap_err());
    let history = shell.access_history(&amani, 100).unwrap();
    let refused: Vec<_> = history
        .iter()
        .filter(|a| !a.allowed)
        .map(|a| (a.username.as_deref(), a.role))
        .collect();
    assert_eq!(
        refused,
        vec![
            (Some(ADMIN), Some(dto::Role::Admin)),
            (Some(DESK), Some(dto::Role::Receptionist)),
        ],
        "newest first: the administrator's and the receptionist's refused attempts"
    );
    assert!(
        history.iter().any(|a| a.allowed
            && a.what == "chart"
            && a.username.as_deref() == Some(DOCTOR)
            && a.role == Some(dto::Role::Doctor)),
        "{history:?}"
    );

    // A patient's own account: their chart and its access history, nobody else's.
    shell
        .with_session(|s| {
            let mut new =
                clinic_core::NewUser::new("amani", clinic_core::Role::Patient, "river stones 1985");
            new.patient = Some(amani.parse().unwrap());
            s.create_user(&new)?;
            Ok(())
        })
        .unwrap();
    let me = shell.sign_in("amani", "river stones 1985", None).unwrap();
    assert_eq!(me.actor.patient_id.as_deref(), Some(amani.as_str()));
    assert!(me.capabilities.read_own_record && me.capabilities.read_access_history);
    assert!(!me.capabilities.read_records);
    assert_eq!(shell.chart(&amani).unwrap().patient.id, amani);
    assert!(!shell.access_history(&amani, 10).unwrap().is_empty());
    forbidden(shell.chart(&wanjiku).unwrap_err());
    forbidden(shell.access_history(&wanjiku, 10).unwrap_err());
}
