//! `clinic sync …`: enroll this workstation with the sync server, sync now, and see where
//! things stand.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::Session;

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Enroll with a sync server using a one-time code from IT (administrators).
    Join {
        /// The server's address, e.g. https://sync.clinic.example:8443
        #[arg(long)]
        server: String,
        /// The one-time code `sync-server enroll --branch …` printed.
        #[arg(long)]
        code: String,
        /// A certificate to trust for this server (PEM), e.g. from `sync-server dev-cert`.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Push what is waiting and pull everything new. Safe to repeat at any time.
    Now,
    /// Server, last success, pending changes, refused changes and conflicts.
    Status,
    /// Pulled changes that could not be applied here, for a person to resolve.
    Conflicts,
    /// Make the sync server check this workstation's password for you (after
    /// `clinic passwd` or `clinic recover` while offline). Asks for the password the
    /// server still knows (CLINIC_SERVER_PASSWORD).
    Password,
}

pub fn run(session: &mut Session, command: SyncCommand) -> anyhow::Result<()> {
    match command {
        SyncCommand::Join {
            server,
            code,
            ca_cert,
        } => {
            let pem = ca_cert
                .map(|path| {
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))
                })
                .transpose()?;
            let state = session.sync_join(&server, &code, pem.as_deref())?;
            println!(
                "Enrolled with {} as a workstation of branch {}. Run `clinic sync now` to send and receive.",
                state.server_url, state.branch_code
            );
        }
        SyncCommand::Password => {
            let current = crate::secret(
                "CLINIC_SERVER_PASSWORD",
                "The password the sync server still knows",
            )?;
            let new = crate::secret("CLINIC_PASSWORD", "Your password on this workstation")?;
            session.sync_change_password(&current, &new)?;
            println!("The sync server now checks the same password as this workstation.");
        }
        SyncCommand::Now => {
            let report = session.sync_now()?;
            println!(
                "Sync done: {} changes sent, {} refused, {} received.",
                report.pushed, report.rejected, report.pulled
            );
            if report.attachments_sent > 0 {
                println!("{} attachment(s) uploaded whole.", report.attachments_sent);
            }
            if report.rejected > 0 {
                println!("Refused changes stay here with their reason: see `clinic sync status`.");
            }
        }
        SyncCommand::Status => {
            let status = session.sync_status()?;
            match &status.configured {
                None => println!("Not enrolled with a sync server (clinic sync join)."),
                Some(state) => {
                    println!(
                        "Server:           {} (branch {})",
                        state.server_url, state.branch_code
                    );
                    println!(
                        "Last success:     {}",
                        state.last_success_at.as_deref().unwrap_or("never")
                    );
                    println!(
                        "Last attempt:     {}",
                        state.last_attempt_at.as_deref().unwrap_or("never")
                    );
                    if let Some(error) = &state.last_error {
                        println!("Last error:       {error}");
                    }
                }
            }
            println!("Pending changes:  {}", status.pending_changes);
            println!("Refused changes:  {}", status.refused_changes);
            println!("Conflicts:        {}", status.conflicts);
            println!(
                "Attachments:      {} waiting to upload",
                status.attachments_waiting
            );
            if let Some(error) = &status.attachment_error {
                println!("Attachment error: {error}");
            }
        }
        SyncCommand::Conflicts => {
            let conflicts = session.sync_conflicts()?;
            if conflicts.is_empty() {
                println!("No unresolved conflicts.");
            }
            for c in conflicts {
                println!("{}  {} {}  {}", c.received_at, c.table, c.row_id, c.reason);
            }
        }
    }
    Ok(())
}
