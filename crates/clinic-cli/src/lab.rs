//! `clinic lab …`: the laboratory from a terminal. The catalogue (list, import), orders
//! (doctors), the branch's worklist, samples, labels, results and verification (lab
//! technicians), and the report. The core checks, flags, numbers and audits; this file
//! parses and prints.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::clinical::lab::{LabOrder, LabOrderInput};
use clinic_core::documents::DocumentRef;
use clinic_core::ids::LabResultId;

#[derive(Subcommand)]
pub enum LabCommand {
    /// The test catalogue: list it, or import the clinic's tests, ranges and panels.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Order tests or panels for a patient (doctors). Prints the order's number.
    Order {
        #[arg(long)]
        mrn: String,
        /// Test or panel codes, comma-separated (e.g. 58410-2,2823-3).
        #[arg(long, value_delimiter = ',')]
        tests: Vec<String>,
        #[arg(long)]
        urgent: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// This branch's standing orders, urgent first (lab technicians).
    Worklist,
    /// Record a sample collected for an order (by its number). Prints the sample number.
    Collect {
        order: String,
        #[arg(long)]
        specimen: Option<String>,
    },
    /// Reject a sample (by its number), keeping the reason.
    Reject {
        sample: String,
        #[arg(long)]
        reason: String,
    },
    /// Save a sample's label (50 × 25 mm PDF with its QR code).
    Label {
        sample: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Enter a result on a sample (by its number); again for a correction.
    Result {
        sample: String,
        #[arg(long)]
        test: String,
        #[arg(long)]
        value: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Verify a result (by its id, from `clinic lab show`): a second person.
    Verify { result: String },
    /// An order (by its number), or with --mrn a patient's orders, with results.
    Show {
        #[arg(required_unless_present = "mrn")]
        order: Option<String>,
        #[arg(long)]
        mrn: Option<String>,
    },
    /// Save an order's report (PDF).
    Report {
        order: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum CatalogueCommand {
    /// Every test (code, name, unit, kind) and panel.
    List,
    /// Import CSV files (administrators): tests (code,name,specimen,unit,type,choices,
    /// price_minor), ranges (code,sex,age_from,age_to,low,high,critical_low,
    /// critical_high) and panels (code,name,tests). --dry-run lists every rejected line.
    Import {
        #[arg(long)]
        tests: Option<PathBuf>,
        #[arg(long)]
        ranges: Option<PathBuf>,
        #[arg(long)]
        panels: Option<PathBuf>,
        #[arg(long)]
        dry_run: bool,
    },
}

fn read(path: Option<PathBuf>) -> anyhow::Result<Option<String>> {
    path.map(|p| {
        std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))
    })
    .transpose()
}

fn print(order: &LabOrder) -> anyhow::Result<()> {
    out!(
        "{} {} {} for patient {} by {} ({}{})",
        order.number,
        order.status,
        order.priority,
        order.patient_id,
        order.ordered_by_name,
        order.ordered_at,
        order
            .cancel_reason
            .as_deref()
            .map(|r| format!("; cancelled: {r}"))
            .unwrap_or_default()
    );
    for s in &order.samples {
        out!(
            "  sample {} {} {}{}",
            s.number,
            s.specimen,
            s.status,
            s.reject_reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
    }
    for t in &order.tests {
        let results: Vec<_> = order
            .results
            .iter()
            .filter(|r| r.test_code == t.code)
            .collect();
        if results.is_empty() {
            out!("  {} {}: pending", t.code, t.name);
        }
        for r in results {
            out!(
                "  {} {}: {} {} [{}] {}{} v{} {} {}",
                t.code,
                t.name,
                r.value,
                r.unit,
                r.range_text,
                r.flag.map(|f| f.as_str()).unwrap_or("-"),
                if r.superseded { " superseded" } else { "" },
                r.version,
                if r.is_final() {
                    "final".to_owned()
                } else if r.verified_by.is_some() {
                    "verified".to_owned()
                } else {
                    "preliminary".to_owned()
                },
                r.id
            );
        }
    }
    Ok(())
}

pub fn lab(session: &mut Session, command: LabCommand) -> anyhow::Result<()> {
    match command {
        LabCommand::Catalogue(CatalogueCommand::List) => {
            let (tests, panels) = session.lab_catalogue()?;
            for t in tests {
                out!("{}\t{}\t{}\t{:?}", t.code, t.name, t.unit, t.result_type);
            }
            for p in panels {
                out!("{}\t{} (panel: {})", p.code, p.name, p.tests.join(" "));
            }
        }
        LabCommand::Catalogue(CatalogueCommand::Import {
            tests,
            ranges,
            panels,
            dry_run,
        }) => {
            let report = session.import_lab_catalogue(
                read(tests)?.as_deref(),
                read(ranges)?.as_deref(),
                read(panels)?.as_deref(),
                dry_run,
            )?;
            out!(
                "{}: {} tests, {} ranges, {} panels",
                if dry_run { "dry run" } else { "imported" },
                report.tests,
                report.ranges,
                report.panels
            );
            for (file, rejected) in [
                ("tests", &report.rejected_tests),
                ("ranges", &report.rejected_ranges),
                ("panels", &report.rejected_panels),
            ] {
                for r in rejected {
                    out!("  {file} line {}: {}", r.line, r.reason);
                }
            }
        }
        LabCommand::Order {
            mrn,
            tests,
            urgent,
            note,
        } => {
            let patient = session.patient_by_mrn(mrn.trim())?.id;
            let order = session.order_lab(
                patient,
                &LabOrderInput {
                    encounter: None,
                    codes: tests,
                    priority: Some(if urgent { "urgent" } else { "routine" }.into()),
                    note,
                },
            )?;
            out!("{}", order.number);
        }
        LabCommand::Worklist => {
            for row in session.lab_worklist()? {
                out!("{} · {}", row.patient.name, row.patient.mrn);
                print(&row.order)?;
            }
        }
        LabCommand::Collect { order, specimen } => {
            let order = session.lab_order_by_number(&order)?;
            let sample = session.collect_sample(order.id, specimen.as_deref())?;
            out!("{}", sample.number);
        }
        LabCommand::Reject { sample, reason } => {
            let (sample, _) = session.sample_by_number(&sample)?;
            let s = session.reject_sample(sample.id, &reason)?;
            out!("{} rejected: {}", s.number, reason);
        }
        LabCommand::Label { sample, out } => {
            let (sample, _) = session.sample_by_number(&sample)?;
            let doc = session.export_document(DocumentRef::LabLabel(sample.id), &out)?;
            out!("{} saved to {}", doc.title, out.display());
        }
        LabCommand::Result {
            sample,
            test,
            value,
            comment,
        } => {
            let (sample, _) = session.sample_by_number(&sample)?;
            let r = session.enter_lab_result(sample.id, &test, &value, comment.as_deref())?;
            out!(
                "{} {} {} {} [{}] {} v{}",
                r.id,
                r.test_code,
                r.value,
                r.unit,
                r.range_text,
                r.flag.map(|f| f.as_str()).unwrap_or("-"),
                r.version
            );
        }
        LabCommand::Verify { result } => {
            let id: LabResultId = result
                .trim()
                .parse()
                .ok()
                .context("that is not a result id; copy it from `clinic lab show`")?;
            let r = session.verify_lab_result(id)?;
            out!("{} {} {} verified", r.id, r.test_code, r.value);
        }
        LabCommand::Show { order, mrn } => match (order, mrn) {
            (Some(number), _) => print(&session.lab_order_by_number(&number)?)?,
            (None, Some(mrn)) => {
                let patient = session.patient_by_mrn(mrn.trim())?.id;
                for order in session.lab_orders_of(patient)? {
                    print(&order)?;
                }
            }
            (None, None) => anyhow::bail!("name an order number or --mrn"),
        },
        LabCommand::Report { order, out } => {
            let order = session.lab_order_by_number(&order)?;
            let doc = session.export_document(DocumentRef::LabReport(order.id), &out)?;
            out!("{} saved to {}", doc.title, out.display());
        }
    }
    Ok(())
}
