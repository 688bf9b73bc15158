//! `clinic`: set up and look after a workstation from a shell. Every subcommand
//! authenticates and goes through the same core functions as the desktop app.
//!
//! Secrets come from the environment when set (`CLINIC_PASSWORD`, `CLINIC_NEW_PASSWORD`,
//! `CLINIC_RECOVERY_CODE`), so scripts need no terminal; otherwise they are prompted for
//! without echo. Errors go to stderr as `error[code]: message` with exit status 1.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use clinic_core::{
    AuditFilter, Code, KdfParams, NewUser, Role, Session, Setup, SystemClock, Workstation,
};
use zeroize::Zeroizing;

/// `println!` for listings: a reader that goes away (`clinic … | head -1`) ends the
/// command quietly instead of with a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod appointment;
mod billing;
mod clinical;
mod demo_seed;
mod doctor;
mod documents;
mod export;
mod lab;
mod local_time;
mod patient;
mod pharmacy;
mod prescription;
mod sync;

#[derive(Parser)]
#[command(
    name = "clinic",
    version,
    about = "Set up and look after a clinic workstation"
)]
struct Cli {
    /// The workstation's data directory (database and key file).
    #[arg(long, env = "CLINIC_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,

    /// The user to act as; defaults to the administrator made at set-up.
    #[arg(long, env = "CLINIC_USER", global = true)]
    user: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new workstation: encrypted database, key file and first administrator.
    /// Prints the recovery code once.
    Init {
        #[arg(long)]
        clinic_name: String,
        #[arg(long)]
        admin_user: String,
        /// Short code of this branch, used to prefix record and invoice numbers.
        #[arg(long, default_value = "BR01")]
        branch_code: String,
        #[arg(long, default_value = "Main branch")]
        branch_name: String,
        /// ISO 4217 currency code.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// IANA time zone of the clinic, e.g. Africa/Nairobi.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// Set up this workstation for a branch that already syncs: enroll with the code IT
    /// made, sign in as an existing user of the group (`--user`, password from a prompt or
    /// CLINIC_PASSWORD), and pull the branch's data from the server.
    Join {
        /// The sync server, e.g. https://sync.example:8443
        #[arg(long)]
        server: String,
        /// The one-time enrollment code (`sync-server enroll --branch BR01`).
        #[arg(long)]
        code: String,
        /// A PEM certificate to trust, for a server with a self-signed certificate.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Check that a user can unlock the workstation, and say who and where.
    UnlockCheck,
    /// Change a user's password (re-seals that user's key envelope only).
    Passwd,
    /// Use the recovery code printed at set-up to set a new password.
    Recover,
    /// Verify every page of the encrypted database (authentication tags and structure).
    Check,
    /// Change the database key (administrators): re-encrypts the database under a new
    /// random key, so no earlier copy of keys.json opens it (do this after deactivating
    /// someone). Keeps only you and a NEW recovery code, printed once; every other user
    /// of this workstation must be sealed again (`clinic user seal`). Close the app first.
    Rekey,
    /// Write an encrypted, checked backup of this workstation to one file
    /// (administrators). The app may stay open. Any user's password of this workstation
    /// or the recovery code restores it (`clinic restore`).
    Backup {
        /// The backup file to write (replaced if it exists), e.g. /media/usb/clinic.clinicbak
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty (or new) --data-dir. Proves first that the file is
    /// intact and that your password (--user, CLINIC_PASSWORD) or the recovery code
    /// (--recovery-code or CLINIC_RECOVERY_CODE) opens it. With a password, a workstation
    /// that synced first catches up with its sync server.
    Restore {
        /// The backup file (`clinic backup --out`).
        #[arg(long)]
        from: PathBuf,
        /// Use the recovery code instead of a user's password.
        #[arg(long)]
        recovery_code: bool,
        /// Do not contact the sync server now (it is then caught up at the next sync).
        #[arg(long)]
        offline: bool,
    },
    /// Manage user accounts (administrators).
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the tamper-evident audit log (administrators).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Clinic-wide sign-in settings (administrators).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// The clinic group's branches: list them; add one (administrators) before its first
    /// workstation joins from the sync server.
    #[command(subcommand)]
    Branch(BranchCommand),
    /// Register, find and show patients (front desk); archive and merge (administrators).
    #[command(subcommand)]
    Patient(patient::PatientCommand),
    /// Doctor profiles, weekly hours and time off (changes: administrators).
    #[command(subcommand)]
    Doctor(doctor::DoctorCommand),
    /// Free slots, booking, check-in and the rest of an appointment's life (front desk).
    #[command(subcommand)]
    Appointment(appointment::AppointmentCommand),
    /// Visits and their notes: open, write, revise, sign, add an addendum, complete
    /// (doctors; nurses write nursing notes).
    #[command(subcommand)]
    Encounter(clinical::EncounterCommand),
    /// Record and list a patient's vitals (doctors and nurses).
    #[command(subcommand)]
    Vitals(clinical::VitalsCommand),
    /// Record diagnoses (doctors) and search the ICD-10-CM list.
    #[command(subcommand)]
    Diagnosis(clinical::DiagnosisCommand),
    /// Record and list a patient's allergies (doctors and nurses).
    #[command(subcommand)]
    Allergy(clinical::AllergyCommand),
    /// A patient's chart, and who opened it (every look is audited).
    #[command(subcommand)]
    Chart(clinical::ChartCommand),
    /// Scans, photos and PDFs of a patient: add (doctors and nurses), get, list, archive.
    #[command(subcommand)]
    Attach(clinical::AttachCommand),
    /// Prescriptions: draft, add items, check, issue (doctors), cancel, show, repeat.
    #[command(subcommand)]
    Rx(prescription::RxCommand),
    /// The drug catalogue: search it, import the clinic's formulary (administrators).
    #[command(subcommand)]
    Drugs(prescription::DrugsCommand),
    /// The interaction table: import pairs (administrators).
    #[command(subcommand)]
    Interactions(prescription::InteractionsCommand),
    /// The laboratory: catalogue, orders (doctors), worklist, samples and labels,
    /// results and verification (lab technicians), reports.
    #[command(subcommand)]
    Lab(lab::LabCommand),
    /// Export a patient's record for another system: `export fhir` (a FHIR R4 Bundle).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Invoices: list, show, draft, lines, dispensed items, discounts, issue, payments,
    /// void, credit notes (front desk, accountants).
    #[command(subcommand)]
    Invoice(billing::InvoiceCommand),
    /// The price list (administrators set it).
    #[command(subcommand)]
    Price(billing::PriceCommand),
    /// Insurance: payers, policies and claims.
    #[command(subcommand)]
    Claim(billing::ClaimCommand),
    /// Billing reports: the daily cash-up and the monthly summary, as text or CSV.
    #[command(subcommand)]
    Report(billing::ReportCommand),
    /// The pharmacy's stock: items, deliveries, counts, expiry, transfers, reports
    /// (pharmacists; administrators read and count).
    #[command(subcommand)]
    Stock(pharmacy::StockCommand),
    /// The dispensing queue, a prescription at the pharmacy, and giving its items
    /// (pharmacists).
    Dispense(pharmacy::DispenseArgs),
    /// Sick notes and fitness-to-work certificates from a visit (doctors).
    #[command(subcommand)]
    Certificate(documents::CertificateCommand),
    /// The letterhead on every printed document: show, set, logo (administrators).
    #[command(subcommand)]
    Letterhead(documents::LetterheadCommand),
    /// Fill a new workstation with a realistic demo clinic (run as the administrator).
    ///
    /// The demo clinic the desktop app's demo mode also shows (one seeder in the core):
    /// staff accounts (receptionist `frontdesk`, nurse, pharmacist, lab technician,
    /// accountant) and seven doctors with profiles and office hours; --patients people
    /// (the demo's hand-written few, then generated ones with varied names, accents
    /// included, birth dates, phones, some allergies and blood groups) in batches; and,
    /// as the receptionist, today's queue and --days days ahead of bookings through the
    /// normal booking services: mostly confirmed, some cancelled or moved.
    ///
    /// The core only books slots that start after now: there is no past visit history.
    ///
    /// The same --seed gives the same patients on any workstation (record numbers
    /// differ: they carry the device). The demo passwords are printed at the end.
    DemoSeed(demo_seed::DemoSeedArgs),
    /// Enroll with the sync server, sync now, see the sync status and conflicts.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; their password comes from CLINIC_NEW_PASSWORD or a prompt.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        display_name: Option<String>,
        /// Branch code the user may work at (repeat for several; none: every branch).
        #[arg(long = "branch")]
        branches: Vec<String>,
        /// For a patient user: the id of their patient record.
        #[arg(long)]
        patient_id: Option<String>,
    },
    /// Add a disabled break-glass account (opened only with a reason, for a few hours).
    AddEmergency {
        #[arg(long)]
        username: String,
    },
    /// List every user, active or not.
    List,
    /// Stop a user from signing in (users are never deleted): their key envelope leaves
    /// this workstation's key file; an emergency account can no longer break the glass.
    Deactivate {
        #[arg(long)]
        username: String,
    },
    /// Let a deactivated user sign in again (then seal them here: `clinic user seal`).
    Reactivate {
        #[arg(long)]
        username: String,
    },
    /// Seal the database key for a user who cannot sign in here (after a reactivation
    /// or `clinic rekey`), under a password you give them (CLINIC_NEW_PASSWORD or a
    /// prompt); they should change it with `clinic passwd`.
    Seal {
        #[arg(long)]
        username: String,
    },
    /// Let a user made on another workstation of the group sign in here, with their own
    /// password (CLINIC_USER_PASSWORD or a prompt; the sync server confirms it).
    Admit {
        #[arg(long)]
        username: String,
    },
    /// Change a user's role.
    Role {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk every device's hash chain and report the first broken link (exit 1 if any).
    Verify,
    /// List events, oldest first.
    List {
        /// Only events by this user name.
        #[arg(long = "by")]
        by_user: Option<String>,
        /// Only events about this patient id.
        #[arg(long)]
        patient: Option<String>,
        /// Only this action (e.g. sign_in), or a prefix ending in a dot (e.g. user.).
        #[arg(long)]
        action: Option<String>,
        /// From this date (YYYY-MM-DD, UTC) or time (RFC 3339), inclusive.
        #[arg(long, value_parser = parse_time)]
        from: Option<DateTime<Utc>>,
        /// Up to this date or time, exclusive.
        #[arg(long, value_parser = parse_time)]
        to: Option<DateTime<Utc>>,
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum BranchCommand {
    /// Every branch this workstation knows.
    List,
    /// Add a branch; then sync, make an enrollment code for it on the sync server and set
    /// up its first workstation with `clinic join`.
    Add {
        /// 2 to 8 letters and digits starting with a letter, e.g. BR02.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Require (or stop requiring) a TOTP second factor for a role.
    TotpRequired {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long, action = clap::ArgAction::Set)]
        required: bool,
    },
    /// Minutes of inactivity before a session locks itself.
    IdleLock {
        #[arg(long)]
        minutes: u32,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse::<Role>().map_err(|e| e.to_string())
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .map_err(|_| format!("\"{text}\" is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            match err.downcast_ref::<clinic_core::Error>() {
                Some(core) => eprintln!("error[{}]: {core}", core.code().as_str()),
                None => eprintln!("error: {err:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = cli
        .data_dir
        .context("say which workstation: pass --data-dir DIR or set CLINIC_DATA_DIR")?;
    let clock = Arc::new(SystemClock);
    match cli.command {
        Command::Init {
            clinic_name,
            admin_user,
            branch_code,
            branch_name,
            currency,
            time_zone,
        } => {
            if Workstation::exists(&dir) {
                return Err(clinic_core::Error::AlreadyInitialized(dir).into());
            }
            let password = new_secret("CLINIC_PASSWORD", &format!("Password for {admin_user}"))?;
            let setup = Setup {
                clinic_name,
                branch_code,
                branch_name,
                currency,
                time_zone,
                admin_display_name: admin_user.clone(),
                admin_username: admin_user,
                admin_password: password,
            };
            let made = Workstation::init(&dir, &setup, clock, KdfParams::DEFAULT)?;
            let clinic = made.session.clinic();
            println!(
                "Created workstation for {} (branch {}) in {}",
                clinic.name,
                clinic.branch_code,
                dir.display()
            );
            println!("Administrator: {}", made.session.actor().username);
            println!();
            println!(
                "RECOVERY CODE (shown only this once; print it or write it down and keep it locked away):"
            );
            println!("    {}", made.recovery_code.as_str());
            println!(
                "With it, `clinic recover` sets a new administrator password if every password is lost."
            );
        }
        Command::Join {
            server,
            code,
            ca_cert,
        } => {
            if Workstation::exists(&dir) {
                return Err(clinic_core::Error::AlreadyInitialized(dir).into());
            }
            let Some(username) = cli.user.clone() else {
                bail!("say who you are with --user NAME: an existing user of the clinic group");
            };
            let ca_cert = ca_cert
                .map(|path| {
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))
                })
                .transpose()?;
            let password = secret("CLINIC_PASSWORD", &format!("Password for {username}"))?;
            let join = clinic_core::Join {
                server,
                code,
                ca_cert,
                username,
                password,
            };
            let made = Workstation::join(&dir, &join, clock, KdfParams::DEFAULT)?;
            let clinic = made.session.clinic();
            println!(
                "Joined {} (branch {}) in {}",
                clinic.name,
                clinic.branch_code,
                dir.display()
            );
            println!("Signed in as: {}", made.session.actor().username);
            println!();
            println!(
                "RECOVERY CODE for this workstation (shown only this once; print it or write it down and keep it locked away):"
            );
            println!("    {}", made.recovery_code.as_str());
        }
        Command::UnlockCheck => {
            let (_, session) = sign_in(&dir, cli.user.as_deref())?;
            describe(&session);
        }
        Command::Passwd => {
            let ws = Workstation::open(&dir, clock, KdfParams::DEFAULT)?;
            let user = cli.user.unwrap_or_else(|| ws.default_user());
            let old = secret("CLINIC_PASSWORD", &format!("Current password for {user}"))?;
            let new = new_secret("CLINIC_NEW_PASSWORD", &format!("New password for {user}"))?;
            ws.change_password(&user, &old, &new)?;
            println!("Password changed for {user}.");
            // An enrolled workstation tells the sync server too, or says how to later.
            let mut session =
                ws.sign_in(&user, &new, std::env::var("CLINIC_TOTP").ok().as_deref())?;
            if session.sync_status()?.configured.is_some() {
                match session.sync_change_password(&old, &new) {
                    Ok(()) => println!("The sync server checks the new password too."),
                    Err(e) => println!(
                        "The sync server still knows the old password ({e}). When it can be reached, run `clinic sync password`."
                    ),
                }
            }
        }
        Command::Recover => {
            let ws = Workstation::open(&dir, clock, KdfParams::DEFAULT)?;
            let user = cli.user.unwrap_or_else(|| ws.default_user());
            let code = secret("CLINIC_RECOVERY_CODE", "Recovery code")?;
            let new = new_secret("CLINIC_NEW_PASSWORD", &format!("New password for {user}"))?;
            ws.recover(&code, &user, &new)?;
            println!("New password set for {user}. Sign in with it now.");
        }
        Command::Backup { out } => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            let written = session.backup(&out)?;
            println!(
                "Backup written and checked: {} ({} bytes). Your password or the recovery code restores it (clinic restore).",
                written.path.display(),
                written.bytes
            );
        }
        Command::Restore {
            from,
            recovery_code,
            offline,
        } => {
            // Damaged, foreign and occupied are refused before any secret is asked for.
            let backup = clinic_core::BackupFile::read(&from)?;
            clinic_core::maintenance::backup::check_target(&dir)?;
            let use_code = recovery_code || std::env::var_os("CLINIC_RECOVERY_CODE").is_some();
            let (code, password, user);
            let secret = if use_code {
                code = secret("CLINIC_RECOVERY_CODE", "Recovery code")?;
                clinic_core::Secret::RecoveryCode(&code)
            } else {
                user = cli.user.clone().unwrap_or_else(|| backup.default_user());
                password = secret("CLINIC_PASSWORD", &format!("Password for {user}"))?;
                clinic_core::Secret::Password {
                    username: &user,
                    password: &password,
                }
            };
            backup.check_secret(secret)?;
            let restored = backup.restore(&dir, secret, clock, KdfParams::DEFAULT, !offline)?;
            println!(
                "Restored the backup of {} into {}.",
                restored.created_at.format("%Y-%m-%d %H:%M UTC"),
                dir.display()
            );
            match restored.caught_up {
                Some(pulled) => {
                    println!("Caught up with the sync server: {pulled} changes pulled.")
                }
                None if use_code || offline => println!(
                    "If this workstation synced, sign in and sync before changing anything."
                ),
                None => {}
            }
            println!("Sign in to use it; the restore is written to the audit log then.");
        }
        Command::Check => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            let problems = session.integrity_check()?;
            if !problems.is_empty() {
                for problem in &problems {
                    eprintln!("  {problem}");
                }
                bail!(
                    "the database failed its integrity check ({} problems); restore it from a backup",
                    problems.len()
                );
            }
            println!("Database is sound: every page authenticated, structure intact.");
        }
        Command::Rekey => {
            let ws = Workstation::open(&dir, clock, KdfParams::DEFAULT)?;
            let user = cli.user.unwrap_or_else(|| ws.default_user());
            // The password typed to sign in is the one the new key is sealed under.
            let password = secret("CLINIC_PASSWORD", &format!("Password for {user}"))?;
            let code = match std::env::var("CLINIC_TOTP") {
                Ok(code) => Some(Zeroizing::new(code)),
                Err(_) => None,
            };
            let mut session =
                match ws.sign_in(&user, &password, code.as_deref().map(|c| c.as_str())) {
                    Err(err) if err.code() == Code::TotpRequired => {
                        let code = secret("CLINIC_TOTP", "Authenticator code")?;
                        ws.sign_in(&user, &password, Some(&code))?
                    }
                    other => other?,
                };
            let rekeyed = session.rekey(&password)?;
            println!(
                "The database in {} is now encrypted under a new key; earlier copies of keys.json no longer open it.",
                ws.dir().display()
            );
            println!("{user} signs in as before.");
            if rekeyed.readmit.is_empty() {
                println!("No other user had a key here.");
            } else {
                println!(
                    "These users can no longer sign in here until you seal them again (`clinic user seal --username NAME`, or admit them from the app): {}",
                    rekeyed.readmit.join(", ")
                );
            }
            println!();
            println!(
                "NEW RECOVERY CODE (the old one no longer works; shown only this once, keep it locked away):"
            );
            println!("    {}", rekeyed.recovery_code.as_str());
        }
        Command::User(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            user_command(&mut session, command)?;
        }
        Command::Audit(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            audit_command(&mut session, command)?;
        }
        Command::Patient(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            patient::run(&mut session, command)?;
        }
        Command::Doctor(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            doctor::run(&mut session, command)?;
        }
        Command::Appointment(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            appointment::run(&mut session, command)?;
        }
        Command::Encounter(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::encounter(&mut session, command)?;
        }
        Command::Vitals(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::vitals(&mut session, command)?;
        }
        Command::Diagnosis(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::diagnosis(&mut session, command)?;
        }
        Command::Allergy(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::allergy(&mut session, command)?;
        }
        Command::Chart(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::chart(&mut session, command)?;
        }
        Command::Attach(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            clinical::attach(&mut session, command)?;
        }
        Command::Rx(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            prescription::rx(&mut session, command)?;
        }
        Command::Drugs(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            prescription::drugs(&mut session, command)?;
        }
        Command::Interactions(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            prescription::interactions(&mut session, command)?;
        }
        Command::Lab(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            lab::lab(&mut session, command)?;
        }
        Command::Export(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            export::export(&mut session, command)?;
        }
        Command::Invoice(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            billing::invoice(&mut session, command)?;
        }
        Command::Price(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            billing::price(&mut session, command)?;
        }
        Command::Claim(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            billing::claim(&mut session, command)?;
        }
        Command::Report(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            billing::report(&mut session, command)?;
        }
        Command::Stock(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            pharmacy::stock(&mut session, command)?;
        }
        Command::Dispense(args) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            pharmacy::dispense(&mut session, args)?;
        }
        Command::Certificate(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            documents::certificate(&mut session, command)?;
        }
        Command::Letterhead(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            documents::letterhead(&mut session, command)?;
        }
        Command::DemoSeed(args) => {
            let (ws, session) = sign_in(&dir, cli.user.as_deref())?;
            demo_seed::run(&ws, session, &args)?;
        }
        Command::Sync(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            sync::run(&mut session, command)?;
        }
        Command::Branch(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            match command {
                BranchCommand::List => {
                    for b in session.branches()? {
                        println!(
                            "{:<8} {}{}",
                            b.code,
                            b.name,
                            if b.active { "" } else { " (closed)" }
                        );
                    }
                }
                BranchCommand::Add { code, name } => {
                    let branch = session.add_branch(&code, &name)?;
                    println!(
                        "Added branch {} ({}). Sync, then set up its first workstation with `clinic join` and an enrollment code for {}.",
                        branch.code, branch.name, branch.code
                    );
                }
            }
        }
        Command::Settings(command) => {
            let (_, mut session) = sign_in(&dir, cli.user.as_deref())?;
            match command {
                SettingsCommand::TotpRequired { role, required } => {
                    session.set_totp_required(role, required)?;
                    println!(
                        "A second factor is {} for {role}.",
                        if required {
                            "now required"
                        } else {
                            "no longer required"
                        }
                    );
                }
                SettingsCommand::IdleLock { minutes } => {
                    session.set_idle_lock_minutes(minutes)?;
                    println!(
                        "Sessions now lock after {minutes} idle minutes (from the next sign-in)."
                    );
                }
            }
        }
    }
    Ok(())
}

fn user_command(session: &mut Session, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            display_name,
            branches,
            patient_id,
        } => {
            let password = new_secret("CLINIC_NEW_PASSWORD", &format!("Password for {username}"))?;
            let patient = patient_id
                .map(|id| id.parse())
                .transpose()
                .context("--patient-id is not a valid id")?;
            let user = session.create_user(&NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                password,
                patient,
                branches,
                ..NewUser::new(&username, role, "")
            })?;
            println!("Added {} [{}] ({})", user.username, user.role, user.id);
        }
        UserCommand::AddEmergency { username } => {
            let password = new_secret("CLINIC_NEW_PASSWORD", &format!("Password for {username}"))?;
            let user = session.create_emergency_account(&username, &password)?;
            println!(
                "Added emergency account {} (disabled until someone opens emergency access with a reason)",
                user.username
            );
        }
        UserCommand::List => {
            println!(
                "{:<24} {:<16} {:<10} {:<6} NAME",
                "USERNAME", "ROLE", "STATUS", "2FA"
            );
            for user in session.list_users()? {
                let status = match (user.active, user.emergency) {
                    (_, true) if user.emergency_disabled => "disabled",
                    (_, true) if user.emergency_until.is_some() => "emergency",
                    (_, true) => "sealed",
                    (true, false) => "active",
                    (false, false) => "inactive",
                };
                println!(
                    "{:<24} {:<16} {:<10} {:<6} {}",
                    user.username,
                    user.role.as_str(),
                    status,
                    if user.totp_enrolled { "yes" } else { "no" },
                    user.display_name
                );
            }
        }
        UserCommand::Deactivate { username } => {
            session.deactivate_user(&username)?;
            println!(
                "Deactivated {username}; they can no longer sign in, and their key envelope is gone from this workstation."
            );
            println!(
                "A copy of keys.json taken earlier still opens the database with their old password: run `clinic rekey` to change the database key."
            );
        }
        UserCommand::Reactivate { username } => {
            session.reactivate_user(&username)?;
            println!(
                "Reactivated {username}. To let them sign in on this workstation, seal them again: clinic user seal --username {username}"
            );
        }
        UserCommand::Seal { username } => {
            let password = new_secret(
                "CLINIC_NEW_PASSWORD",
                &format!("New password for {username} on this workstation"),
            )?;
            let user = session.seal_user_here(&username, &password)?;
            println!(
                "{} can sign in here with the password you gave; they should change it (clinic passwd).",
                user.username
            );
        }
        UserCommand::Admit { username } => {
            let password = secret(
                "CLINIC_USER_PASSWORD",
                &format!("{username}, type your password"),
            )?;
            session.admit_user_here(&username, &password)?;
            println!("{username} can now sign in on this workstation.");
        }
        UserCommand::Role { username, role } => {
            session.set_role(&username, role)?;
            println!("{username} is now {role}.");
        }
    }
    Ok(())
}

fn audit_command(session: &mut Session, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify => {
            // Enrolled workstations also check their chain against the head the sync
            // server acknowledged; offline, the local chain is checked and that is said.
            let (result, anchored) = match session.audit_verify_with_server() {
                Ok((result, anchored)) => (result, anchored.map(Ok)),
                Err(e) if e.code() == clinic_core::Code::Offline => {
                    (session.audit_verify()?, Some(Err(e)))
                }
                Err(e) => return Err(e.into()),
            };
            match result.first_break {
                None => {
                    println!(
                        "Audit log intact: {} events from {} devices, every link verified.",
                        result.events, result.devices
                    );
                    match anchored {
                        Some(Ok(seq)) => println!(
                            "It agrees with the sync server, which holds this device's events up to #{seq}."
                        ),
                        Some(Err(e)) => println!("Not compared with the sync server: {e}"),
                        None => {}
                    }
                }
                Some(found) => bail!(
                    "audit log tampered with: device {} event #{} ({}): {}",
                    found.device_id,
                    found.device_seq,
                    found.event_id,
                    found.reason
                ),
            }
        }
        AuditCommand::List {
            by_user,
            patient,
            action,
            from,
            to,
            limit,
        } => {
            let filter = AuditFilter {
                username: by_user,
                patient: patient
                    .map(|p| p.parse())
                    .transpose()
                    .context("--patient is not a valid id")?,
                action,
                from,
                to,
                limit,
                newest_first: false,
            };
            for e in session.audit_list(&filter)? {
                println!(
                    "{}  {:<16} {:<22} {:<8} {}{}",
                    e.at,
                    e.username.as_deref().unwrap_or("-"),
                    e.action,
                    e.outcome,
                    e.entity
                        .as_deref()
                        .map(|entity| format!("{entity}:{} ", e.entity_id.as_deref().unwrap_or("")))
                        .unwrap_or_default(),
                    e.details
                );
            }
        }
    }
    Ok(())
}

fn sign_in(dir: &std::path::Path, user: Option<&str>) -> anyhow::Result<(Workstation, Session)> {
    let ws = Workstation::open(dir, Arc::new(SystemClock), KdfParams::DEFAULT)?;
    let user = user.map_or_else(|| ws.default_user(), str::to_owned);
    let password = secret("CLINIC_PASSWORD", &format!("Password for {user}"))?;
    let code = std::env::var("CLINIC_TOTP").ok();
    let session = match ws.sign_in(&user, &password, code.as_deref()) {
        Err(err) if err.code() == Code::TotpRequired => {
            let code = secret("CLINIC_TOTP", "Authenticator code")?;
            ws.sign_in(&user, &password, Some(&code))?
        }
        other => other?,
    };
    Ok((ws, session))
}

fn describe(session: &Session) {
    let clinic = session.clinic();
    let actor = session.actor();
    println!(
        "Unlocked: {} ({} {}) as {} [{}]",
        clinic.name, clinic.branch_code, clinic.branch_name, actor.username, actor.role
    );
}

/// A secret from the environment, or typed at a prompt without echo.
fn secret(var: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    rpassword::prompt_password(format!("{prompt}: "))
        .map(Zeroizing::new)
        .with_context(|| format!("no terminal to ask for it: set {var}"))
}

/// A new secret: from the environment, or typed twice at a prompt.
fn new_secret(var: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    let first = secret(var, prompt)?;
    let again = secret(var, &format!("{prompt} (again)"))?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}
