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
use clap::{Parser, Subcommand};
use clinic_core::{KdfParams, Session, Setup, SystemClock, Workstation};
use zeroize::Zeroizing;

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
    /// Check that a user can unlock the workstation, and say who and where.
    UnlockCheck {
        #[command(flatten)]
        who: Who,
    },
    /// Change a user's password (re-seals that user's key envelope only).
    Passwd {
        #[command(flatten)]
        who: Who,
    },
    /// Use the recovery code printed at set-up to set a new password.
    Recover {
        #[command(flatten)]
        who: Who,
    },
    /// Verify every page of the encrypted database (authentication tags and structure).
    Check {
        #[command(flatten)]
        who: Who,
    },
}

#[derive(clap::Args)]
struct Who {
    /// The user to act as; defaults to the administrator made at set-up.
    #[arg(long, env = "CLINIC_USER")]
    user: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
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
        Command::UnlockCheck { who } => {
            let (_, session) = sign_in(&dir, &who)?;
            describe(&session);
        }
        Command::Passwd { who } => {
            let ws = Workstation::open(&dir, clock, KdfParams::DEFAULT)?;
            let user = who.user.unwrap_or_else(|| ws.default_user());
            let old = secret("CLINIC_PASSWORD", &format!("Current password for {user}"))?;
            let new = new_secret("CLINIC_NEW_PASSWORD", &format!("New password for {user}"))?;
            ws.change_password(&user, &old, &new)?;
            println!("Password changed for {user}.");
        }
        Command::Recover { who } => {
            let ws = Workstation::open(&dir, clock, KdfParams::DEFAULT)?;
            let user = who.user.unwrap_or_else(|| ws.default_user());
            let code = secret("CLINIC_RECOVERY_CODE", "Recovery code")?;
            let new = new_secret("CLINIC_NEW_PASSWORD", &format!("New password for {user}"))?;
            ws.recover(&code, &user, &new)?;
            println!("New password set for {user}. Sign in with it now.");
        }
        Command::Check { who } => {
            let (_, session) = sign_in(&dir, &who)?;
            let problems = session.store().integrity_check()?;
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
    }
    Ok(())
}

fn sign_in(dir: &std::path::Path, who: &Who) -> anyhow::Result<(Workstation, Session)> {
    let ws = Workstation::open(dir, Arc::new(SystemClock), KdfParams::DEFAULT)?;
    let user = who.user.clone().unwrap_or_else(|| ws.default_user());
    let password = secret("CLINIC_PASSWORD", &format!("Password for {user}"))?;
    let session = ws.unlock(&user, &password)?;
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
