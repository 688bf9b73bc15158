//! `clinic demo-seed`: fills a new workstation with the demo clinic
//! (`clinic_core::demo`, the seeder the desktop app's demo uses too) and prints its
//! accounts. This file only reads the arguments and shows progress and results.

use std::time::{Duration, Instant};

use clap::Args;
use clinic_core::demo::{self, Plan};
use clinic_core::{Session, Workstation};

#[derive(Args)]
pub struct DemoSeedArgs {
    /// How many patients to register in all (the demo's hand-written few, then generated
    /// people; imported in batches, one transaction each).
    #[arg(long)]
    patients: u64,
    /// Seed of the generator: the same seed gives the same patients on any workstation.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// How many days ahead (from tomorrow) to fill with appointments (0: none).
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Patients per import transaction.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
}

pub fn run(ws: &Workstation, admin: Session, args: &DemoSeedArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let admin_name = admin.actor().username.clone();
    let plan = Plan {
        batch: args.batch,
        ..Plan::office(args.patients, args.seed, args.days)
    };
    let mut last = Instant::now();
    let seeded = demo::seed(ws, admin, &plan, &mut |line| {
        if last.elapsed() >= Duration::from_secs(2) {
            eprintln!("{line}");
            last = Instant::now();
        }
    })?;
    out!(
        "Demo clinic ready in {:.1} s: {} patients, {} doctors, {} past visits with signed notes, {} appointments from today to {} days ahead ({} confirmed, {} of them moved to a later day; {} checked in; {} cancelled).",
        started.elapsed().as_secs_f64(),
        seeded.patients,
        seeded.doctors,
        seeded.past_visits,
        seeded.booked,
        args.days,
        seeded.confirmed,
        seeded.rescheduled,
        seeded.checked_in,
        seeded.cancelled
    );
    out!("");
    out!(
        "Demo accounts, all with the password {} (demo data only: change these before any real use):",
        demo::PASSWORD
    );
    out!("  {:<14} {:<24} ROLE", "USERNAME", "NAME");
    out!(
        "  {:<14} {:<24} admin (your own password, unchanged)",
        admin_name,
        "administrator"
    );
    for s in demo::accounts(&plan) {
        out!("  {:<14} {:<24} {}", s.username, s.name, s.role.as_str());
    }
    Ok(())
}
