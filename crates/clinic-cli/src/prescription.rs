//! `clinic rx new|add-item|check|issue|cancel|show|repeat|print|verify`, `clinic drugs
//! search|import`, `clinic interactions import`: prescribing from a terminal. The core
//! checks, numbers, freezes and audits; this file parses and prints.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::clinical::drugs::ImportReport;
use clinic_core::clinical::prescriptions::{DraftInput, ItemInput, Prescription};
use clinic_core::documents::DocumentRef;
use clinic_core::ids::{DiagnosisId, EncounterId, PrescriptionId};

#[derive(Subcommand)]
pub enum RxCommand {
    /// Start a draft for a patient (by record number). Prints the draft's id.
    New {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        encounter: Option<String>,
        /// One of the patient's recorded diagnoses (its id, from `clinic diagnosis list`).
        #[arg(long)]
        diagnosis: Option<String>,
        /// Follow-up date, YYYY-MM-DD.
        #[arg(long)]
        follow_up: Option<String>,
    },
    /// Add an item to your draft: a catalogue drug (--drug) or free text (--free-text).
    AddItem {
        id: String,
        #[arg(long, conflicts_with = "free_text")]
        drug: Option<String>,
        #[arg(long)]
        free_text: Option<String>,
        #[arg(long)]
        strength: Option<String>,
        #[arg(long)]
        form: Option<String>,
        /// Per dose, e.g. "1 tablet", "5 mL".
        #[arg(long)]
        dose: String,
        #[arg(long)]
        route: Option<String>,
        /// od, bd, tds, qds, q4h, q6h, q8h, q12h, mane, nocte, stat, or free text.
        #[arg(long)]
        frequency: String,
        #[arg(long)]
        days: Option<i64>,
        /// Computed from dose × frequency × days when left out.
        #[arg(long)]
        quantity: Option<String>,
        #[arg(long, default_value_t = 0)]
        refills: i64,
        #[arg(long)]
        no_substitution: bool,
        #[arg(long)]
        instructions: Option<String>,
    },
    /// Show the allergy, duplicate and interaction warnings for a prescription.
    Check { id: String },
    /// Issue your draft; a serious warning needs --override-reason.
    Issue {
        id: String,
        #[arg(long)]
        override_reason: Option<String>,
    },
    /// Cancel an issued prescription.
    Cancel {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Show a prescription, or with --mrn a patient's prescriptions.
    Show {
        #[arg(required_unless_present = "mrn")]
        id: Option<String>,
        #[arg(long)]
        mrn: Option<String>,
    },
    /// Copy a prescription into a new draft (a repeat, or the reissue of a cancelled one).
    Repeat { id: String },
    /// Lay out an issued prescription as PDF and save it (--out) or print it through
    /// CUPS (--printer, a queue `lpstat -e` lists); audited either way.
    Print {
        id: String,
        /// Where to write the PDF.
        #[arg(long, required_unless_present = "printer")]
        out: Option<PathBuf>,
        #[arg(long, conflicts_with = "out")]
        printer: Option<String>,
        #[arg(long, default_value_t = 1)]
        copies: u32,
    },
    /// Check a paper prescription: its number and the verification code printed under
    /// the QR code (pharmacists and doctors).
    Verify {
        number: String,
        #[arg(long)]
        code: String,
    },
}

#[derive(Subcommand)]
pub enum DrugsCommand {
    /// Search the catalogue by name, ingredient or class.
    Search {
        words: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Import the clinic's formulary (administrators). CSV header:
    /// name,strengths,forms,routes,ingredients,classes (lists separated by |).
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum InteractionsCommand {
    /// Import interaction pairs (administrators). CSV header: a,b,severity,advice,source;
    /// a and b are ingredients or classes of the catalogue, severity serious, moderate or
    /// minor.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
}

fn rx_id(text: &str) -> anyhow::Result<PrescriptionId> {
    text.trim().parse().ok().with_context(|| {
        format!("prescription \"{text}\" is not an id; copy it from the line that printed it")
    })
}

fn print(rx: &Prescription) -> anyhow::Result<()> {
    out!(
        "{} {} {} by {} {}",
        rx.id,
        rx.number.as_deref().unwrap_or("(draft)"),
        rx.status,
        rx.prescriber_name,
        rx.issued_at.as_deref().unwrap_or(&rx.created_at)
    );
    if let Some(title) = &rx.diagnosis_title {
        out!(
            "  diagnosis: {} {title}",
            rx.diagnosis_code.as_deref().unwrap_or("-")
        );
    }
    if let Some(day) = &rx.follow_up {
        out!("  follow-up: {day}");
    }
    for i in &rx.items {
        out!(
            "  {}. {}{} {} {} {} {}{} qty {} refills {}{}{}",
            i.position,
            i.drug_name,
            if i.free_text { " (free text)" } else { "" },
            i.strength.as_deref().unwrap_or(""),
            i.dose,
            i.route.as_deref().unwrap_or(""),
            i.frequency,
            i.duration_days
                .map(|d| format!(" for {d} days"))
                .unwrap_or_default(),
            i.quantity.as_deref().unwrap_or("-"),
            i.refills,
            if i.substitution_allowed {
                ""
            } else {
                ", no substitution"
            },
            i.instructions
                .as_deref()
                .map(|t| format!(" — {t}"))
                .unwrap_or_default(),
        );
    }
    for w in &rx.warnings {
        out!("  warning ({} {}): {}", w.severity, w.kind, w.message);
        if !w.advice.is_empty() {
            out!("    {} [{}]", w.advice, w.source);
        }
    }
    if let Some(reason) = &rx.override_reason {
        out!("  override: {reason}");
    }
    if let Some(reason) = &rx.cancel_reason {
        out!("  cancelled: {reason}");
    }
    Ok(())
}

fn report(r: &ImportReport) -> anyhow::Result<()> {
    for x in &r.rejected {
        out!("line {}: {}", x.line, x.reason);
    }
    out!(
        "{} accepted, {} rejected{}",
        r.accepted,
        r.rejected.len(),
        if r.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(())
}

pub fn rx(session: &mut Session, command: RxCommand) -> anyhow::Result<()> {
    match command {
        RxCommand::New {
            mrn,
            encounter,
            diagnosis,
            follow_up,
        } => {
            let patient = session.patient_by_mrn(mrn.trim())?.id;
            let encounter = encounter
                .map(|e| {
                    e.trim()
                        .parse::<EncounterId>()
                        .context("--encounter is not a visit id")
                })
                .transpose()?;
            let diagnosis = diagnosis
                .map(|d| {
                    d.trim()
                        .parse::<DiagnosisId>()
                        .context("--diagnosis is not a diagnosis id")
                })
                .transpose()?;
            let rx = session.new_prescription(
                patient,
                &DraftInput {
                    encounter,
                    diagnosis,
                    follow_up,
                },
            )?;
            out!("{}", rx.id);
        }
        RxCommand::AddItem {
            id,
            drug,
            free_text,
            strength,
            form,
            dose,
            route,
            frequency,
            days,
            quantity,
            refills,
            no_substitution,
            instructions,
        } => {
            let rx = session.add_prescription_item(
                rx_id(&id)?,
                &ItemInput {
                    drug,
                    free_text,
                    strength,
                    form,
                    dose,
                    route,
                    frequency,
                    duration_days: days,
                    quantity,
                    refills,
                    substitution_allowed: Some(!no_substitution),
                    instructions,
                },
            )?;
            print(&rx)?;
        }
        RxCommand::Check { id } => {
            let warnings = session.check_prescription(rx_id(&id)?)?;
            for w in &warnings {
                out!("{} {}: {}", w.severity, w.kind, w.message);
                if !w.advice.is_empty() {
                    out!("  {} [{}]", w.advice, w.source);
                }
            }
            out!("{} warning(s)", warnings.len());
        }
        RxCommand::Issue {
            id,
            override_reason,
        } => {
            let rx = session.issue_prescription(rx_id(&id)?, override_reason.as_deref())?;
            print(&rx)?;
        }
        RxCommand::Cancel { id, reason } => {
            let rx = session.cancel_prescription(rx_id(&id)?, &reason)?;
            print(&rx)?;
        }
        RxCommand::Show { id, mrn } => match (id, mrn) {
            (Some(id), _) => print(&session.prescription(rx_id(&id)?)?)?,
            (None, Some(mrn)) => {
                let patient = session.patient_by_mrn(mrn.trim())?.id;
                for rx in session.prescriptions_of(patient)? {
                    print(&rx)?;
                }
            }
            (None, None) => unreachable!("clap requires one"),
        },
        RxCommand::Repeat { id } => {
            let rx = session.repeat_prescription(rx_id(&id)?)?;
            out!("{}", rx.id);
            print(&rx)?;
        }
        RxCommand::Print {
            id,
            out,
            printer,
            copies,
        } => {
            let reference = DocumentRef::Prescription(rx_id(&id)?);
            match (out, printer) {
                (Some(out), _) => {
                    let doc = session.export_document(reference, &out)?;
                    out!(
                        "{} saved to {} ({} bytes)",
                        doc.title,
                        out.display(),
                        doc.pdf.len()
                    );
                }
                (None, Some(printer)) => {
                    let (doc, job) = session.print_document(
                        reference,
                        &printer,
                        copies,
                        &clinic_core::printing::Cups::default(),
                    )?;
                    out!("{} sent to {printer} as job {job}", doc.title);
                }
                (None, None) => anyhow::bail!("say where: --out FILE or --printer QUEUE"),
            }
        }
        RxCommand::Verify { number, code } => {
            let rx = session.verify_prescription(&number, &code)?;
            out!("genuine: prescription {number} as issued:");
            print(&rx)?;
        }
    }
    Ok(())
}

pub fn drugs(session: &mut Session, command: DrugsCommand) -> anyhow::Result<()> {
    match command {
        DrugsCommand::Search { words, limit } => {
            for d in session.search_drugs(&words, limit)? {
                out!(
                    "{} | {} | {} | ingredients: {} | classes: {}",
                    d.name,
                    d.strengths.join(", "),
                    d.forms.join(", "),
                    d.ingredients.join(", "),
                    d.classes.join(", ")
                );
            }
        }
        DrugsCommand::Import { file, dry_run } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            report(&session.import_drugs(&text, dry_run)?)?;
        }
    }
    Ok(())
}

pub fn interactions(session: &mut Session, command: InteractionsCommand) -> anyhow::Result<()> {
    match command {
        InteractionsCommand::Import { file, dry_run } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            report(&session.import_interactions(&text, dry_run)?)?;
        }
    }
    Ok(())
}
