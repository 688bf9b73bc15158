//! The administrator's dashboard over a clinic of N patients (default 1,000,000),
//! recorded in BENCHMARKS.md as a ratio against a baseline measured in the same run
//! (never as an assertion: these machines are noisy).
//!
//! The encrypted store is seeded with raw SQL (seeding through the core would take most
//! of an hour at a million patients) with two years of a busy clinic: per patient two
//! appointments, a completed visit with a diagnosis, an issued invoice of two lines and,
//! for most, a payment. The dashboard (12 weeks: appointments per day, revenue per week,
//! no-show rate, top diagnoses, stock alerts, outstanding invoices) is then read through
//! `Session::dashboard` (policy check, audited read, encrypted):
//!
//! 1. cold: the first read after the seeding, which brings every invoice's cached balance
//!    up to date (what the first dashboard after upgrading to the cache costs once);
//! 2. warm: 20 reads, median and p95;
//! 3. after a day's work: 300 new invoices and 400 payments, then one read (only they
//!    are brought up to date).
//!
//! Baseline: the same figures by one plain pass over the tables on the same connection
//! (`NOT INDEXED`, invoices' totals added up from their lines in SQL, no cache): what a
//! report written without the indexes and the cache would cost.
//!
//! Run: `cargo bench -p clinic-core --bench dashboard` (BENCH_PATIENTS=N to change the
//! size; the seeded database is kept in ~/.cache/clinic-bench and reused).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, Utc};
use clinic_core::frontdesk::doctors::DoctorInput;
use clinic_core::{Clock as _, KdfParams, ManualClock, NewUser, Role, Session, Setup, Workstation};
use rusqlite::params;

const ADMIN_PASSWORD: &str = "benchmark owner phrase";
const DOCTORS: usize = 20;
const DAYS: i64 = 730;
const CHUNK: usize = 25_000;
/// ICD-10-CM codes a general practice records most, with a skew: the first are common.
const CODES: &[(&str, &str)] = &[
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("I10", "Essential (primary) hypertension"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("B54", "Unspecified malaria"),
    ("A09", "Infectious gastroenteritis and colitis, unspecified"),
    ("N39.0", "Urinary tract infection, site not specified"),
    ("J20.9", "Acute bronchitis, unspecified"),
    ("M54.50", "Low back pain, unspecified"),
    ("K29.70", "Gastritis, unspecified, without bleeding"),
    ("L30.9", "Dermatitis, unspecified"),
    ("R51.9", "Headache, unspecified"),
    ("H10.9", "Unspecified conjunctivitis"),
];

fn main() {
    let patients: usize = std::env::var("BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let cache = PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()))
        .join(".cache/clinic-bench");
    std::fs::create_dir_all(&cache).unwrap();
    println!("# clinic-core dashboard benchmark ({patients} patients)\n");
    let clock = Arc::new(ManualClock::monday_morning());
    let dir = cache.join(format!("dashboard-{patients}"));
    let fresh = !dir.join("keys.json").exists();
    if fresh {
        let _ = std::fs::remove_dir_all(&dir);
        seed(&dir, clock.clone(), patients);
    }
    let ws = Workstation::open(&dir, clock.clone(), KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
    let mut admin = ws.unlock("admin", ADMIN_PASSWORD).unwrap();
    let stale: i64 = admin
        .raw_connection()
        .unwrap()
        .query_row("SELECT count(*) FROM invoice_balances_stale", [], |r| {
            r.get(0)
        })
        .unwrap();

    let started = Instant::now();
    let first = admin.dashboard(12).unwrap();
    let cold = started.elapsed();
    println!(
        "cold (brings {stale} stale invoices' balances up to date): {:.1} ms",
        ms(cold)
    );

    let mut warm = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let d = admin.dashboard(12).unwrap();
        warm.push(t.elapsed());
        assert_eq!(d, first, "the same figures every time");
    }
    let (warm_p50, warm_p95) = stats(warm);

    let started = Instant::now();
    let base = baseline(&mut admin, &clock.now());
    let baseline_time = started.elapsed();
    assert_eq!(
        (base.outstanding_invoices, base.outstanding_minor),
        (first.outstanding_invoices, first.outstanding_minor),
        "the baseline computes the same outstanding figures"
    );
    assert_eq!(
        base.revenue_12_weeks,
        first.revenue_per_week.iter().map(|(_, v)| v).sum::<i64>(),
        "and the same revenue"
    );
    assert_eq!(
        base.appointments_12_weeks,
        first
            .appointments_per_day
            .iter()
            .map(|(_, n)| n)
            .sum::<i64>(),
        "and the same appointments"
    );

    day_of_work(&mut admin, &clock.now(), patients);
    let t = Instant::now();
    let after = admin.dashboard(12).unwrap();
    let incremental = t.elapsed();
    assert_ne!(after.outstanding_minor, first.outstanding_minor);

    println!("\n| read | time |");
    println!("|---|---|");
    println!(
        "| cold: first dashboard, {stale} invoices' balances cached | {:.0} ms |",
        ms(cold)
    );
    println!(
        "| warm dashboard, median / p95 of 20 | {:.1} ms / {:.1} ms |",
        ms(warm_p50),
        ms(warm_p95)
    );
    println!(
        "| after 300 new invoices and 400 payments | {:.1} ms |",
        ms(incremental)
    );
    println!(
        "| baseline: the same figures by one plain pass over the tables | {:.0} ms |",
        ms(baseline_time)
    );
    println!(
        "\n**Warm dashboard / baseline: {:.4}x median ({:.0}x faster); after a day's work {:.4}x; cold {:.2}x.**",
        ms(warm_p50) / ms(baseline_time),
        ms(baseline_time) / ms(warm_p50),
        ms(incremental) / ms(baseline_time),
        ms(cold) / ms(baseline_time),
    );
    println!(
        "Figures: {} appointments and {} no-show bp in 12 weeks, top diagnosis {:?}, {} outstanding invoices.",
        first
            .appointments_per_day
            .iter()
            .map(|(_, n)| n)
            .sum::<i64>(),
        first.no_show_rate_bp,
        first.top_diagnoses.first().map(|d| &d.0),
        first.outstanding_invoices
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[(samples.len() * 95 / 100).min(samples.len() - 1)],
    )
}

fn db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A small deterministic generator (xorshift), so every run seeds the same clinic.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn seed(dir: &Path, clock: Arc<ManualClock>, patients: usize) {
    let started = Instant::now();
    let made = Workstation::init(
        dir,
        &Setup::new("Bench Clinic", "admin", ADMIN_PASSWORD),
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    let mut admin = made.session;
    for i in 0..DOCTORS {
        let name = format!("dr.bench{i}");
        admin
            .create_user(&NewUser::new(&name, Role::Doctor, "stethoscope phrase"))
            .unwrap();
        admin
            .add_doctor(&DoctorInput {
                username: name,
                specialization: "General practice".into(),
                licence_number: format!("B-{i}"),
                fee_minor: 150_000,
                ..DoctorInput::default()
            })
            .unwrap();
    }
    let now = clock.now();
    let conn = admin.raw_connection().unwrap();
    // Seeding only: a page cache that holds the indexes being filled, no fsync per chunk,
    // and the rows written the way a pull writes them (`sync_applying`: the local overlap
    // and frozen-invoice triggers stand aside, as they do for a pulled page). The
    // measured reads run on a freshly opened store with the defaults.
    conn.execute_batch(
        "PRAGMA cache_size = -2000000; PRAGMA synchronous = OFF;
         INSERT INTO sync_applying (singleton) VALUES (1);",
    )
    .unwrap();
    let branch: String = conn
        .query_row("SELECT id FROM branches WHERE code = 'BR01'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let admin_id: String = conn
        .query_row("SELECT id FROM users WHERE username = 'admin'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let doctors: Vec<(String, String)> = conn
        .prepare("SELECT id, user_id FROM doctors ORDER BY licence_number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let given = [
        "Amani", "Wanjiku", "Otieno", "Achieng", "Kamau", "Njeri", "Mutua", "Auma",
    ];
    let family = [
        "Mwangi", "Odhiambo", "Kariuki", "Wafula", "Chebet", "Kiprop", "Mutiso",
    ];
    let statuses = [
        "completed",
        "completed",
        "completed",
        "completed",
        "completed",
        "completed",
        "completed",
        "no_show",
        "cancelled",
        "checked_in",
    ];
    let mut done = 0;
    while done < patients {
        let n = CHUNK.min(patients - done);
        conn.execute_batch("BEGIN").unwrap();
        {
            let mut patient = conn
                .prepare_cached(
                    "INSERT INTO patients (id, mrn, given_name, family_name, date_of_birth, sex,
                         phone, branch_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                )
                .unwrap();
            let mut appointment = conn
                .prepare_cached(
                    "INSERT INTO appointments (id, number, patient_id, doctor_id, branch_id,
                         starts_at, ends_at, status, provisional, created_by, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?6, ?6)",
                )
                .unwrap();
            let mut encounter = conn
                .prepare_cached(
                    "INSERT INTO encounters (id, patient_id, appointment_id, branch_id,
                         doctor_user_id, reason, status, opened_at, completed_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'Review', 'completed', ?6, ?7, ?7)",
                )
                .unwrap();
            let mut diagnosis = conn
                .prepare_cached(
                    "INSERT INTO diagnoses (id, patient_id, encounter_id, code, title, rank,
                         status, recorded_by, recorded_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'primary', 'active', ?6, ?7, ?7)",
                )
                .unwrap();
            let mut invoice = conn
                .prepare_cached(
                    "INSERT INTO invoices (id, number, kind, patient_id, encounter_id, branch_code,
                         currency, status, created_by, created_at, issued_by, issued_at,
                         voided_by, voided_at, void_reason, updated_at)
                     VALUES (?1, ?2, 'invoice', ?3, ?4, 'BR01', 'KES', ?5, ?6, ?7, ?6, ?7,
                             ?8, ?9, ?10, ?7)",
                )
                .unwrap();
            let mut line = conn
                .prepare_cached(
                    "INSERT INTO invoice_lines (id, invoice_id, category, code, description,
                         quantity, unit_price_minor, tax_bp, discount_bp, source, added_by,
                         added_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 'bench', ?9, ?10, ?10)",
                )
                .unwrap();
            let mut payment = conn
                .prepare_cached(
                    "INSERT INTO payments (id, invoice_id, method, amount_minor, receipt_number,
                         received_by, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .unwrap();
            for i in done..done + n {
                let pid = format!("p-{i:08}");
                let created =
                    now - Span::days(DAYS) + Span::minutes(rng.below(60 * 24 * 30) as i64);
                patient
                    .execute(params![
                        pid,
                        format!("BR01-{i:08}"),
                        given[i % given.len()],
                        family[(i / 7) % family.len()],
                        format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28),
                        if i % 2 == 0 { "female" } else { "male" },
                        format!("+2547{:08}", i),
                        branch,
                        db_time(created),
                    ])
                    .unwrap();
                // Two appointments in the last two years (or the next two weeks), each in
                // its own doctor's 10-minute slot, spread evenly: no two overlap, and a
                // patient's two are a year apart.
                for k in 0..2usize {
                    let slot = i + k * patients;
                    let doctor = &doctors[slot % DOCTORS];
                    let per_doctor = (patients * 2).div_ceil(DOCTORS) as i64;
                    let available = DAYS * 24 * 6;
                    let step = (slot / DOCTORS) as i64 * available / per_doctor.max(1);
                    let start = now - Span::days(DAYS - 14) + Span::minutes(step * 10);
                    let status = if start > now {
                        "confirmed"
                    } else {
                        statuses[rng.below(statuses.len() as u64) as usize]
                    };
                    let aid = format!("a-{slot:09}");
                    appointment
                        .execute(params![
                            aid,
                            format!("A-{slot:09}"),
                            pid,
                            doctor.0,
                            branch,
                            db_time(start),
                            db_time(start + Span::minutes(10)),
                            status,
                            admin_id,
                        ])
                        .unwrap();
                    if status != "completed" {
                        continue;
                    }
                    let eid = format!("e-{slot:09}");
                    let done_at = db_time(start + Span::minutes(15));
                    encounter
                        .execute(params![
                            eid,
                            pid,
                            aid,
                            branch,
                            doctor.1,
                            db_time(start),
                            done_at
                        ])
                        .unwrap();
                    let (code, title) = if rng.below(20) == 0 {
                        (None, "Follow-up, no diagnosis")
                    } else {
                        let c = CODES[(rng.below(CODES.len() as u64)
                            * rng.below(CODES.len() as u64)
                            / CODES.len() as u64) as usize];
                        (Some(c.0), c.1)
                    };
                    diagnosis
                        .execute(params![
                            format!("d-{slot:09}"),
                            pid,
                            eid,
                            code,
                            title,
                            doctor.1,
                            done_at
                        ])
                        .unwrap();
                    let vid = format!("i-{slot:09}");
                    let void = rng.below(100) == 0;
                    let lab = 20_000 + 5_000 * rng.below(8) as i64;
                    line.execute(params![
                        format!("l-{slot:09}-1"),
                        vid,
                        "consultation",
                        "CONSULT",
                        "Consultation",
                        1,
                        150_000,
                        0,
                        admin_id,
                        done_at
                    ])
                    .unwrap();
                    line.execute(params![
                        format!("l-{slot:09}-2"),
                        vid,
                        "lab",
                        "FBC",
                        "Full blood count",
                        1,
                        lab,
                        1600,
                        admin_id,
                        done_at
                    ])
                    .unwrap();
                    // The lines first: an issued invoice takes no more lines.
                    invoice
                        .execute(params![
                            vid,
                            format!("BR01-BENCH-{slot:09}"),
                            pid,
                            eid,
                            if void { "void" } else { "issued" },
                            admin_id,
                            done_at,
                            void.then_some(admin_id.as_str()),
                            void.then_some(done_at.as_str()),
                            void.then_some("issued in error"),
                        ])
                        .unwrap();
                    let total = 150_000 + lab + (lab * 1600 + 5_000) / 10_000;
                    let paid = match rng.below(20) {
                        0 | 1 => 0,
                        2 => total / 2,
                        _ => total,
                    };
                    if paid > 0 && !void {
                        payment
                            .execute(params![
                                format!("y-{slot:09}"),
                                vid,
                                ["cash", "mobile_money", "card"][i % 3],
                                paid,
                                format!("R-BENCH-{slot:09}"),
                                admin_id,
                                done_at
                            ])
                            .unwrap();
                    }
                }
            }
        }
        conn.execute_batch("COMMIT").unwrap();
        done += n;
        eprint!("\rseeding {done}/{patients}");
    }
    conn.execute_batch("DELETE FROM sync_applying").unwrap();
    eprintln!("\nseeded in {:.0?}", started.elapsed());
}

/// The dashboard's figures the plain way.
struct Baseline {
    appointments_12_weeks: i64,
    revenue_12_weeks: i64,
    outstanding_invoices: i64,
    outstanding_minor: i64,
}

fn baseline(admin: &mut Session, now: &DateTime<Utc>) -> Baseline {
    let time = admin.clinic_time().unwrap();
    let today = time.date_of(*now);
    let monday = today
        - Span::days(i64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let first = monday - Span::weeks(11);
    let from = db_time(time.day_start(first));
    let to = db_time(time.day_start(today + Span::days(1)));
    let conn = admin.raw_connection().unwrap();
    let appointments_12_weeks: i64 = conn
        .query_row(
            "SELECT count(*) FROM appointments NOT INDEXED
             WHERE starts_at >= ?1 AND starts_at < ?2
               AND status NOT IN ('cancelled', 'rescheduled', 'conflict')",
            params![from, to],
            |r| r.get(0),
        )
        .unwrap();
    let _: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT SUM(status = 'no_show'), count(*) FROM appointments NOT INDEXED
             WHERE starts_at >= ?1 AND starts_at < ?2",
        )
        .unwrap()
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let _: Vec<(Option<String>, i64)> = conn
        .prepare(
            "SELECT code, count(*) AS n FROM diagnoses NOT INDEXED
             WHERE recorded_at >= ?1 AND recorded_at < ?2 AND active = 1
             GROUP BY COALESCE(code, lower(title)) ORDER BY n DESC LIMIT 10",
        )
        .unwrap()
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // Each line's total by the core's rule (discount, then tax, each rounded half away
    // from zero; every seeded amount is positive, so half up), in SQL.
    let net = "(l.quantity * l.unit_price_minor
                - (l.quantity * l.unit_price_minor * l.discount_bp + 5000) / 10000)";
    let line_total = format!("({net} + ({net} * l.tax_bp + 5000) / 10000)");
    let revenue_12_weeks: i64 = conn
        .query_row(
            &format!(
                "SELECT COALESCE(SUM({line_total}), 0)
                 FROM invoices v NOT INDEXED
                 JOIN invoice_lines l ON l.invoice_id = v.id AND l.removed = 0
                 WHERE v.status = 'issued' AND v.issued_at >= ?1 AND v.issued_at < ?2"
            ),
            params![from, to],
            |r| r.get(0),
        )
        .unwrap();
    let (outstanding_invoices, outstanding_minor): (i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(*), COALESCE(SUM(total - paid), 0) FROM (
                     SELECT (SELECT SUM({line_total}) FROM invoice_lines l
                             WHERE l.invoice_id = v.id AND l.removed = 0) AS total,
                            COALESCE((SELECT SUM(amount_minor) FROM payments p
                                      WHERE p.invoice_id = v.id), 0) AS paid
                     FROM invoices v NOT INDEXED
                     WHERE v.status = 'issued' AND v.kind = 'invoice')
                 WHERE total > paid"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    Baseline {
        appointments_12_weeks,
        revenue_12_weeks,
        outstanding_invoices,
        outstanding_minor,
    }
}

/// A day at the desk, written straight into the tables the way a pull writes them: new
/// issued invoices and payments on old ones.
fn day_of_work(admin: &mut Session, now: &DateTime<Utc>, patients: usize) {
    let conn = admin.raw_connection().unwrap();
    let at = db_time(*now - Span::hours(1));
    // Each run of the benchmark over a kept database adds its own day.
    let run: i64 = conn
        .query_row(
            "SELECT count(*) FROM invoices WHERE id LIKE 'i-new-%-00000'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch("BEGIN").unwrap();
    for k in 0..300 {
        let vid = format!("i-new-{run}-{k:05}");
        conn.execute(
            "INSERT INTO invoice_lines (id, invoice_id, category, description, quantity,
                 unit_price_minor, added_by, added_at, updated_at)
             VALUES (?1, ?2, 'service', 'Dressing', 1, 80000, 'bench', ?3, ?3)",
            params![format!("{vid}-1"), vid, at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO invoices (id, number, kind, patient_id, branch_code, currency, status,
                 created_by, created_at, issued_by, issued_at, updated_at)
             VALUES (?1, ?2, 'invoice', ?3, 'BR01', 'KES', 'issued', 'bench', ?4, 'bench', ?4, ?4)",
            params![
                vid,
                format!("BR01-NEW-{run}-{k:05}"),
                format!("p-{:08}", k),
                at
            ],
        )
        .unwrap();
    }
    for k in 0..400 {
        let target = if k < 100 {
            format!("i-new-{run}-{k:05}")
        } else {
            format!("i-{:09}", (k * 7_919) % (patients * 2))
        };
        conn.execute(
            "INSERT INTO payments (id, invoice_id, method, amount_minor, receipt_number,
                 received_by, received_at)
             SELECT ?1, ?2, 'cash', 1000, ?3, 'bench', ?4 WHERE EXISTS
                 (SELECT 1 FROM invoices WHERE id = ?2)",
            params![
                format!("y-new-{run}-{k:05}"),
                target,
                format!("R-NEW-{run}-{k:05}"),
                at
            ],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
}
