//! Vitals and the clinic's units (`src/clinical/vitals.rs`).

use clinic_desktop::clinical::vitals::{Units, VitalsInput};

use super::*;

#[test]
fn vitals_are_recorded_on_a_visit_refused_when_impossible_and_read_back_flagged() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, NURSE);
    let amani = patient_named(&shell, "amani njoroge");
    let before = shell.vitals_history(&amani).unwrap();
    assert!(
        !before.is_empty(),
        "the demo's past visits recorded vitals for Amani"
    );
    let impossible = shell
        .record_vitals(
            &amani,
            None,
            VitalsInput {
                pulse: Some(400),
                ..VitalsInput::default()
            },
        )
        .unwrap_err();
    invalid(impossible, "pulse");
    invalid(
        shell
            .record_vitals(
                &amani,
                None,
                VitalsInput {
                    taken_at: Some("yesterday".into()),
                    pulse: Some(70),
                    ..VitalsInput::default()
                },
            )
            .unwrap_err(),
        "taken_at",
    );
    let reading = shell
        .record_vitals(
            &amani,
            None,
            VitalsInput {
                systolic: Some(150),
                diastolic: Some(95),
                temperature_c: Some(36.8),
                weight_kg: Some(82.4),
                ..VitalsInput::default()
            },
        )
        .unwrap();
    assert_eq!(
        (reading.temperature_dc, reading.weight_g),
        (Some(368), Some(82_400)),
        "stored in exact units"
    );
    assert!(reading.bmi.is_some(), "BMI from the last height known");
    let flagged: Vec<_> = reading
        .flags
        .iter()
        .map(|f| (f.measure.as_str(), f.level.as_str()))
        .collect();
    assert!(flagged.contains(&("systolic", "high")), "{flagged:?}");
    let after = shell.vitals_history(&amani).unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().unwrap().id, reading.id, "oldest first");

    sign_in_as(&shell, DESK);
    forbidden(shell.vitals_history(&amani).unwrap_err());
    forbidden(
        shell
            .record_vitals(
                &amani,
                None,
                VitalsInput {
                    pulse: Some(70),
                    ..VitalsInput::default()
                },
            )
            .unwrap_err(),
    );
}

#[test]
fn administrators_set_the_clinics_units_and_everyone_reads_them() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    assert_eq!(shell.display_units().unwrap(), Units::Metric);
    forbidden(shell.set_display_units(Units::Imperial).unwrap_err());
    sign_in_as(&shell, ADMIN);
    assert_eq!(
        shell.set_display_units(Units::Imperial).unwrap(),
        Units::Imperial
    );
    sign_in_as(&shell, NURSE);
    assert_eq!(shell.display_units().unwrap(), Units::Imperial);
}
