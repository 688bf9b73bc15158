//! Opening a chart with a long history, recorded in BENCHMARKS.md as a ratio against a
//! baseline measured in the same run (never as an assertion: these machines are noisy).
//!
//! One patient with 200 visits (each a signed SOAP note and a diagnosis) and 2,000 sets
//! of vitals. Measured: `Session::chart` and `Session::vitals_history` through the core
//! (policy check, audited read: one audit event written and fsynced per call, encrypted
//! store); baseline: the same chart queries on a plaintext copy of the same database
//! (`sqlcipher_export`), with no policy and no audit.
//!
//! Run: `cargo bench -p clinic-core --bench chart`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use clinic_core::clinical::chart::chart_baseline;
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::notes::{NoteContent, NoteKind};
use clinic_core::clinical::vitals::VitalsInput;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{KdfParams, ManualClock, NewUser, Role, Setup, Workstation};

const VISITS: usize = 200;
const VITALS_PER_VISIT: usize = 10;
const ROUNDS: usize = 30;

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
    )
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::monday_morning());
    // Start far enough back that every visit is in the past; visits follow each other a
    // few minutes apart, so no session idles out while seeding.
    clock.advance(-Span::days(30));
    let made = Workstation::init(
        dir.path(),
        &Setup::new("Bench Clinic", "admin", "benchmark owner phrase"),
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    let mut admin = made.session;
    for (name, role) in [
        ("desk", Role::Receptionist),
        ("doc", Role::Doctor),
        ("nurse", Role::Nurse),
    ] {
        admin
            .create_user(&NewUser::new(name, role, "benchmark staff phrase"))
            .unwrap();
    }
    let ws = made.workstation;
    let mut desk = ws.unlock("desk", "benchmark staff phrase").unwrap();
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Long".into(),
                family_name: "History".into(),
                date_of_birth: "1950-05-05".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    drop(desk);
    let started = Instant::now();
    let mut doc = ws.unlock("doc", "benchmark staff phrase").unwrap();
    let mut nurse = ws.unlock("nurse", "benchmark staff phrase").unwrap();
    for v in 0..VISITS {
        clock.advance(Span::minutes(1));
        let visit = doc.open_walk_in(patient, "Review").unwrap();
        for k in 0..VITALS_PER_VISIT {
            clock.advance(Span::seconds(20));
            nurse
                .record_vitals(
                    patient,
                    Some(visit.id),
                    &VitalsInput {
                        systolic: Some(120 + (v % 30) as i64),
                        diastolic: Some(70 + (k % 15) as i64),
                        pulse: Some(60 + (k * 3 % 40) as i64),
                        temperature_c: Some(36.5),
                        weight_kg: Some(70.0 + (v % 10) as f64),
                        height_cm: Some(165.0),
                        ..VitalsInput::default()
                    },
                )
                .unwrap();
        }
        let note = doc
            .write_note(
                visit.id,
                NoteKind::Soap,
                &NoteContent {
                    subjective: format!("Visit {v}: feeling well."),
                    assessment: "Stable.".into(),
                    plan: "Continue.".into(),
                    ..NoteContent::default()
                },
            )
            .unwrap();
        doc.sign_note(note.id).unwrap();
        doc.add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                code: Some(if v % 2 == 0 { "I10" } else { "E11.9" }.into()),
                chronic: true,
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
        doc.complete_encounter(visit.id).unwrap();
    }
    eprintln!(
        "seeded {VISITS} visits and {} vitals in {:.1?}",
        VISITS * VITALS_PER_VISIT,
        started.elapsed()
    );

    let plain_path = dir.path().join("plain.db");
    rusqlite::Connection::open(&plain_path)
        .unwrap()
        .execute_batch("CREATE TABLE bench_placeholder (x); DROP TABLE bench_placeholder;")
        .unwrap();
    let mut admin = ws.unlock("admin", "benchmark owner phrase").unwrap();
    admin
        .raw_connection()
        .unwrap()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
            plain_path.display()
        ))
        .unwrap();
    let plain = rusqlite::Connection::open(&plain_path).unwrap();
    plain
        .execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;")
        .unwrap();

    // Warm both, then alternate so both share the machine's noise.
    let chart = doc.chart(patient).unwrap();
    let (base, base_vitals) = chart_baseline(&plain, patient).unwrap();
    assert_eq!(chart.visits.len(), VISITS);
    assert_eq!(base.visits.len(), VISITS);
    assert_eq!(doc.vitals_history(patient).unwrap().len(), base_vitals);
    let (mut core, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        clock.advance(Span::seconds(1));
        let t = Instant::now();
        let c = doc.chart(patient).unwrap();
        let v = doc.vitals_history(patient).unwrap();
        core.push(t.elapsed());
        assert_eq!(
            (c.visits.len(), v.len()),
            (VISITS, VISITS * VITALS_PER_VISIT)
        );
        let t = Instant::now();
        let (b, n) = chart_baseline(&plain, patient).unwrap();
        baseline.push(t.elapsed());
        assert_eq!((b.visits.len(), n), (VISITS, VISITS * VITALS_PER_VISIT));
    }
    let (cm, cp) = stats(core);
    let (bm, bp) = stats(baseline);
    println!(
        "# Opening a chart: {VISITS} visits, {} vitals ({ROUNDS} rounds)\n",
        VISITS * VITALS_PER_VISIT
    );
    println!("| path | median | p95 |");
    println!("|---|---|---|");
    println!(
        "| core: chart + vitals history (policy, 2 audited reads, encrypted) | {cm:.2?} | {cp:.2?} |"
    );
    println!(
        "| baseline: same queries, plain SQLite copy, no policy or audit | {bm:.2?} | {bp:.2?} |"
    );
    println!(
        "\n**Core / baseline: {:.2}x median, {:.2}x p95**",
        cm.as_secs_f64() / bm.as_secs_f64(),
        cp.as_secs_f64() / bp.as_secs_f64()
    );
}
