//! `clinic certificate print` and `clinic letterhead show|set|logo`: the printed papers
//! that are not prescriptions, and what heads them all. The core numbers, lays out, files
//! and audits; this file parses and prints.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Subcommand, ValueEnum};
use clinic_core::Session;
use clinic_core::documents::{CertificateInput, CertificateKind, LetterheadInput, PaperSize};
use clinic_core::ids::EncounterId;

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    SickNote,
    FitnessToWork,
}

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Issue a sick note or fitness-to-work certificate from a visit (doctors): it is
    /// numbered, filed in the patient's attachments on that visit, and saved to --out.
    Print {
        /// The visit's id (from `clinic encounter list`).
        #[arg(long)]
        encounter: String,
        #[arg(long, value_enum, default_value = "sick-note")]
        kind: Kind,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD (sick notes).
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value = "")]
        recommendation: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum LetterheadCommand {
    /// Show the letterhead every document prints.
    Show,
    /// Change it (administrators). Separate lines with "\n" or repeat the option.
    Set {
        #[arg(long)]
        address: Vec<String>,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long)]
        registration: Vec<String>,
        /// A4 or Letter.
        #[arg(long, default_value = "A4")]
        paper: String,
    },
    /// Set the logo from a PNG file, or remove it with --remove (administrators).
    Logo {
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        #[arg(long)]
        remove: bool,
    },
}

pub fn certificate(session: &mut Session, command: CertificateCommand) -> anyhow::Result<()> {
    let CertificateCommand::Print {
        encounter,
        kind,
        from,
        until,
        recommendation,
        out,
    } = command;
    let encounter: EncounterId = encounter
        .trim()
        .parse()
        .ok()
        .context("--encounter is not a visit id; copy it from `clinic encounter list`")?;
    let (attachment, doc) = session.issue_certificate(
        encounter,
        &CertificateInput {
            kind: match kind {
                Kind::SickNote => CertificateKind::SickNote,
                Kind::FitnessToWork => CertificateKind::FitnessToWork,
            },
            from,
            until,
            recommendation,
        },
    )?;
    let written = session.export_document(doc.reference, &out)?;
    out!(
        "{} filed as attachment {} and saved to {} ({} bytes)",
        doc.title,
        attachment.id,
        out.display(),
        written.pdf.len()
    );
    Ok(())
}

pub fn letterhead(session: &mut Session, command: LetterheadCommand) -> anyhow::Result<()> {
    let lh = match command {
        LetterheadCommand::Show => session.letterhead()?,
        LetterheadCommand::Set {
            address,
            phone,
            registration,
            paper,
        } => session.set_letterhead(&LetterheadInput {
            address: address.join("\n").replace("\\n", "\n"),
            phone,
            registration: registration.join("\n").replace("\\n", "\n"),
            page_size: PaperSize::parse(&paper)?,
        })?,
        LetterheadCommand::Logo { file, remove } => {
            if remove {
                session.set_letterhead_logo(None)?
            } else {
                let path = file.context("name the PNG file, or pass --remove")?;
                let png = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                session.set_letterhead_logo(Some(&png))?
            }
        }
    };
    out!("{}", lh.name);
    for line in lh.address.lines() {
        out!("  {line}");
    }
    if !lh.phone.is_empty() {
        out!("  Tel. {}", lh.phone);
    }
    for line in lh.registration.lines() {
        out!("  {line}");
    }
    out!(
        "  paper: {}; logo: {}",
        lh.page_size.as_str(),
        if lh.has_logo { "set" } else { "none" }
    );
    Ok(())
}
