//! Front-desk benchmarks, recorded in BENCHMARKS.md as ratios against baselines measured
//! in the same run (never as assertions: these machines are noisy).
//!
//! 1. Patient search over N demo patients (default 1,000,000) in the encrypted store,
//!    against the same search code on a plaintext copy of the same database
//!    (`sqlcipher_export`): the cost of encryption on the search workload.
//! 2. Booking throughput through the core (policy, triggers, audit, outbox, fsync per
//!    booking) against a bare INSERT of the same rows into plain SQLite, one transaction
//!    each with the same durability.
//!
//! Run: `cargo bench -p clinic-core --bench frontdesk` (BENCH_PATIENTS=N to change the
//! size; the seeded database is kept in ~/.cache/clinic-bench and reused).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveDate};
use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
use clinic_core::{KdfParams, ManualClock, NewUser, Role, Session, Setup, Workstation};

const ADMIN_PASSWORD: &str = "benchmark owner phrase";
const DESK_PASSWORD: &str = "benchmark front phrase";

fn main() {
    let patients: usize = std::env::var("BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let cache = PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()))
        .join(".cache/clinic-bench");
    std::fs::create_dir_all(&cache).unwrap();
    println!("# clinic-core front-desk benchmark ({patients} patients)\n");
    search_benchmark(&cache, patients);
    booking_benchmark();
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::monday_morning())
}

fn seeded(cache: &std::path::Path, patients: usize) -> (Workstation, PathBuf) {
    let dir = cache.join(format!("search-{patients}"));
    if !dir.join("keys.json").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let started = Instant::now();
        let made = Workstation::init(
            &dir,
            &Setup::new("Bench Clinic", "admin", ADMIN_PASSWORD),
            clock(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        let mut admin = made.session;
        admin
            .create_user(&NewUser::new("desk", Role::Receptionist, DESK_PASSWORD))
            .unwrap();
        let mut desk = made.workstation.unlock("desk", DESK_PASSWORD).unwrap();
        let chunk = 20_000;
        let mut done = 0;
        while done < patients {
            let n = chunk.min(patients - done);
            let batch = clinic_core::demo::patients_range(42, done as u64..(done + n) as u64);
            desk.import_patients(&batch).unwrap();
            done += n;
            eprint!("\rseeding {done}/{patients}");
        }
        eprintln!("\nseeded in {:.0?}", started.elapsed());
    }
    let plain = dir.join("plain.db");
    let ws = Workstation::open(&dir, clock(), KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
    if !plain.exists() {
        // The store opens files without the right to create them; make an empty one.
        rusqlite::Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE bench_placeholder (x); DROP TABLE bench_placeholder;")
            .unwrap();
        let mut admin = ws.unlock("admin", ADMIN_PASSWORD).unwrap();
        admin
            .raw_connection()
            .unwrap()
            .execute_batch(&format!(
                "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
                plain.display()
            ))
            .unwrap();
    }
    (ws, plain)
}

/// Queries a front desk types: name prefixes in any order, a typo, phone digits, record
/// numbers and birth dates of patients known to exist.
fn queries(desk: &mut Session, patients: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rng = clinic_core::demo::Rng::new(7);
    for i in 0..200u64 {
        let p = clinic_core::demo::patient(42, rng.below(patients as u64));
        let given = p.given_name.to_lowercase();
        let family = p.family_name.to_lowercase();
        let take = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        out.push(match i % 6 {
            0 => format!("{} {}", take(&given, 4), take(&family, 3)),
            1 => format!("{} {}", take(&family, 5), take(&given, 2)),
            2 => family.clone(),
            3 => p
                .phone
                .clone()
                .unwrap_or_else(|| family.clone())
                .chars()
                .rev()
                .take(7)
                .collect::<String>()
                .chars()
                .rev()
                .collect(),
            4 => p.date_of_birth.clone(),
            _ => {
                // A swapped pair of letters in the family name.
                let mut chars: Vec<char> = family.chars().collect();
                if chars.len() > 4 {
                    chars.swap(2, 3);
                }
                format!(
                    "{} {}",
                    take(&given, 3),
                    chars.into_iter().collect::<String>()
                )
            }
        });
    }
    let mrns = desk.search_patients("a", 20).unwrap();
    out.extend(mrns.into_iter().map(|p| p.mrn));
    out
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    (median, p95)
}

fn search_benchmark(cache: &std::path::Path, patients: usize) {
    let (ws, plain_path) = seeded(cache, patients);
    let mut desk = ws.unlock("desk", DESK_PASSWORD).unwrap();
    let queries = queries(&mut desk, patients);
    let plain = rusqlite::Connection::open(&plain_path).unwrap();
    // The same page cache as the store's own connections.
    plain
        .execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;")
        .unwrap();
    // Warm both page caches the same way, then alternate to share any machine noise.
    for q in &queries {
        desk.search_patients(q, 20).unwrap();
        clinic_core::frontdesk::patients::search_baseline(&plain, q, 20).unwrap();
    }
    let (mut enc, mut pln) = (Vec::new(), Vec::new());
    let mut found = 0usize;
    for _ in 0..3 {
        for q in &queries {
            let t = Instant::now();
            found += desk.search_patients(q, 20).unwrap().len();
            enc.push(t.elapsed());
            let t = Instant::now();
            clinic_core::frontdesk::patients::search_baseline(&plain, q, 20).unwrap();
            pln.push(t.elapsed());
        }
    }
    let (em, e95) = stats(enc);
    let (pm, p95) = stats(pln);
    println!(
        "## Patient search ({} queries × 3, {patients} patients, {} results)\n",
        queries.len(),
        found
    );
    println!("| store | median | p95 |");
    println!("|---|---|---|");
    println!("| encrypted (SQLCipher, through Session) | {em:.2?} | {e95:.2?} |");
    println!("| plain SQLite copy (baseline, same search code) | {pm:.2?} | {p95:.2?} |");
    println!(
        "\nratio encrypted/plain: median {:.2}x, p95 {:.2}x\n",
        em.as_secs_f64() / pm.as_secs_f64(),
        e95.as_secs_f64() / p95.as_secs_f64()
    );
}

fn booking_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let made = Workstation::init(
        dir.path(),
        &Setup::new("Bench Clinic", "admin", ADMIN_PASSWORD),
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    let mut admin = made.session;
    admin
        .create_user(&NewUser::new("desk", Role::Receptionist, DESK_PASSWORD))
        .unwrap();
    let mut doctors = Vec::new();
    for i in 0..10 {
        let name = format!("dr.bench{i}");
        admin
            .create_user(&NewUser::new(&name, Role::Doctor, "stethoscope phrase"))
            .unwrap();
        let d = admin
            .add_doctor(&DoctorInput {
                username: name,
                specialization: "General practice".into(),
                licence_number: format!("B-{i}"),
                fee_minor: 1000,
                ..DoctorInput::default()
            })
            .unwrap();
        let hours: Vec<HoursInput> = (1..=7)
            .map(|weekday| HoursInput {
                branch_code: "BR01".into(),
                weekday,
                start: "00:00".into(),
                end: "24:00".into(),
                slot_minutes: 10,
            })
            .collect();
        admin.set_doctor_hours(d.id, &hours).unwrap();
        doctors.push(d.id);
    }
    let mut desk = made.workstation.unlock("desk", DESK_PASSWORD).unwrap();
    let people = desk
        .import_patients(&clinic_core::demo::patients(9, 500))
        .unwrap();
    let bookings = 500;
    let monday = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut slots = Vec::new();
    for (i, _) in (0..bookings).enumerate() {
        let day = monday + Span::days(1 + (i / 1000) as i64);
        let doctor = doctors[i % doctors.len()];
        let minute = ((i / doctors.len()) % 144) as i64 * 10;
        let at = day.and_hms_opt(0, 0, 0).unwrap().and_utc() + Span::minutes(minute);
        slots.push((people[i % people.len()].id, doctor, at));
    }
    let started = Instant::now();
    for (patient, doctor, at) in &slots {
        desk.book_appointment(*patient, *doctor, *at, None).unwrap();
    }
    let core = started.elapsed();

    let plain_dir = tempfile::tempdir().unwrap();
    let plain = rusqlite::Connection::open(plain_dir.path().join("plain.db")).unwrap();
    plain
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE appointments (id TEXT PRIMARY KEY, patient_id TEXT, doctor_id TEXT, starts_at TEXT, ends_at TEXT, status TEXT);",
        )
        .unwrap();
    let started = Instant::now();
    for (i, (patient, doctor, at)) in slots.iter().enumerate() {
        let tx = plain.unchecked_transaction().unwrap();
        tx.execute(
            "INSERT INTO appointments VALUES (?1, ?2, ?3, ?4, ?5, 'confirmed')",
            rusqlite::params![
                i.to_string(),
                patient.to_string(),
                doctor.to_string(),
                at.to_rfc3339(),
                (*at + Span::minutes(10)).to_rfc3339()
            ],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let bare = started.elapsed();
    let per_s = |d: Duration| bookings as f64 / d.as_secs_f64();
    println!("## Booking throughput ({bookings} bookings, hold + confirm each)\n");
    println!("| path | bookings/s |");
    println!("|---|---|");
    println!(
        "| core: policy, overlap triggers, audit chain, outbox, encrypted, fsync | {:.0} |",
        per_s(core)
    );
    println!(
        "| baseline: bare INSERT into plain SQLite, one transaction each, fsync | {:.0} |",
        per_s(bare)
    );
    println!(
        "\nratio core/baseline throughput: {:.2}x",
        per_s(core) / per_s(bare)
    );
}
