//! The laboratory across branches: a doctor at one branch orders, that branch's lab
//! collects the sample, a lab at another branch enters a critical result and a second
//! technician there verifies it; the server takes each step from the right person, and
//! the ordering doctor is told and sees the verified result.

use clinic_core::clinical::lab::LabOrderInput;
use clinic_core::clinical::lab::catalogue::Flag;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{Role, Session};

use crate::harness::{Server, Station};

fn sync(sessions: &mut [&mut Session]) {
    for s in sessions.iter_mut() {
        s.sync_now().unwrap();
    }
}

#[test]
fn a_critical_result_entered_at_another_branch_reaches_the_ordering_doctor_verified() {
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    let mut desk = north.staff("desk.n", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Zoë".into(),
                family_name: "Wambui".into(),
                date_of_birth: "1975-05-20".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let mut doctor = north.staff("dr.n", Role::Doctor);
    let mut tech_n = north.staff("tech.n", Role::LabTechnician);
    let mut south = Station::new("BR02", &server);
    south.admin().sync_now().unwrap();
    let mut tech_s1 = south.staff("tech.s1", Role::LabTechnician);
    let mut tech_s2 = south.staff("tech.s2", Role::LabTechnician);
    sync(&mut [&mut doctor, &mut tech_n, &mut tech_s1, &mut tech_s2]);

    let order = doctor
        .order_lab(
            patient,
            &LabOrderInput {
                codes: vec!["2823-3".into()],
                ..LabOrderInput::default()
            },
        )
        .unwrap();
    doctor.sync_now().unwrap();
    tech_n.sync_now().unwrap();
    assert_eq!(
        tech_n.lab_worklist().unwrap().len(),
        1,
        "north's lab sees the order"
    );
    let sample = tech_n.collect_sample(order.id, None).unwrap();
    tech_n.sync_now().unwrap();

    // The sample travels south; its label is scanned there.
    tech_s1.sync_now().unwrap();
    let (found, _) = tech_s1.sample_by_number(&sample.number).unwrap();
    let result = tech_s1
        .enter_lab_result(found.id, "2823-3", "7.1", None)
        .unwrap();
    assert_eq!(result.flag, Some(Flag::CriticalHigh));
    assert!(
        tech_s1.sync_now().unwrap().rejected == 0,
        "the result and its notification for the doctor travel together"
    );
    tech_s2.sync_now().unwrap();
    tech_s2.verify_lab_result(result.id).unwrap();
    tech_s2.sync_now().unwrap();

    doctor.sync_now().unwrap();
    let told = doctor.notifications(true).unwrap();
    assert!(
        told.iter()
            .any(|n| n.kind == "lab_critical" && n.title.contains("Potassium 7.1")),
        "the ordering doctor is told: {told:?}"
    );
    let seen = doctor.lab_results_of(patient).unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].is_final(),
        "verified by the second technician: {:?}",
        seen[0]
    );
}
