//! Notes: write, revise (a version each), sign, addendum, history
//! (`src/clinical/notes.rs`).

use clinic_desktop::clinical::notes::{NoteContent, NoteKind};

use super::*;

fn soap(assessment: &str) -> NoteContent {
    NoteContent {
        subjective: "Thirsty, tired for a month.".into(),
        objective: "Looks well.".into(),
        assessment: assessment.into(),
        plan: "HbA1c, review in a week.".into(),
        ..NoteContent::default()
    }
}

#[test]
fn a_doctor_writes_revises_signs_and_corrects_a_note_with_an_addendum() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let appointment = shell.doctors_day().unwrap().waiting[0]
        .appointment
        .id
        .clone();
    let visit = shell.open_visit(&appointment).unwrap();

    invalid(
        shell
            .write_note(&visit.id, NoteContent::default())
            .unwrap_err(),
        "note",
    );
    let note = shell
        .write_note(&visit.id, soap("Possible diabetes."))
        .unwrap();
    assert_eq!((note.kind, note.version), (NoteKind::Soap, 1));
    assert!(note.signed_at.is_none());
    invalid(
        shell
            .revise_note(&note.id, soap("Possible diabetes."))
            .unwrap_err(),
        "note",
    );
    let revised = shell
        .revise_note(&note.id, soap("Type 2 diabetes, new."))
        .unwrap();
    assert_eq!(revised.version, 2, "a save is a new version");
    let history = shell.note_history(&note.id).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.version, v.content.assessment.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "Possible diabetes."), (2, "Type 2 diabetes, new.")],
        "the old version stays whole"
    );

    let signed = shell.sign_note(&note.id).unwrap();
    assert!(signed.signed_at.is_some());
    invalid(
        shell.revise_note(&note.id, soap("changed")).unwrap_err(),
        "note",
    );
    invalid(shell.sign_note(&note.id).unwrap_err(), "note");
    let addendum = shell
        .add_addendum(&note.id, "HbA1c 8.1%: confirms it.")
        .unwrap();
    assert_eq!(addendum.kind, NoteKind::Addendum);
    assert_eq!(addendum.addendum_to.as_deref(), Some(note.id.as_str()));
    assert!(
        addendum.signed_at.is_some(),
        "an addendum is signed as written"
    );

    // Written in the same millisecond on the test's stopped clock: compare as a set.
    let mut notes: Vec<String> = shell
        .visit_notes(&visit.id)
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    notes.sort();
    let mut want = vec![note.id.clone(), addendum.id.clone()];
    want.sort();
    assert_eq!(
        notes, want,
        "the note and its addendum are the visit's notes"
    );
}

#[test]
fn a_nurse_writes_a_nursing_note_but_never_signs_or_revises_a_doctors_note() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let appointment = shell.doctors_day().unwrap().waiting[0]
        .appointment
        .id
        .clone();
    let visit = shell.open_visit(&appointment).unwrap();
    let note = shell.write_note(&visit.id, soap("Viral illness.")).unwrap();

    sign_in_as(&shell, NURSE);
    forbidden(shell.sign_note(&note.id).unwrap_err());
    forbidden(
        shell
            .revise_note(&note.id, soap("Nurse's words"))
            .unwrap_err(),
    );
    let nursing = shell
        .write_note(
            &visit.id,
            NoteContent {
                body: "Observations taken, patient comfortable.".into(),
                ..NoteContent::default()
            },
        )
        .unwrap();
    assert_eq!(
        nursing.kind,
        NoteKind::Nursing,
        "the core picks the kind from the role"
    );
    assert_eq!(shell.visit_notes(&visit.id).unwrap().len(), 2);

    sign_in_as(&shell, DOCTOR);
    assert!(
        shell.sign_note(&note.id).unwrap().signed_at.is_some(),
        "the nurse's refusals left the note unsigned for its author"
    );
    sign_in_as(&shell, DESK);
    forbidden(shell.visit_notes(&visit.id).unwrap_err());
    forbidden(shell.note_history(&note.id).unwrap_err());
}
