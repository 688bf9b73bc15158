//! `clinic patient …`: register, find, show, archive and merge patient records.

use clap::{Args, Subcommand};
use clinic_core::Session;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::frontdesk::patients::{Patient, PatientSummary};

#[derive(Subcommand)]
pub enum PatientCommand {
    /// Register a patient and print the new record number (MRN).
    ///
    /// Refused (exit 1, naming the record) when someone with the same name and birth
    /// date, or the same phone number, is already on file: open that record first, and
    /// pass --not-duplicate only if it is a different person.
    Add(Box<AddArgs>),
    /// Search: name words in any order (case and accents ignored, prefixes match, small
    /// typos forgiven), phone digits, record number or birth date.
    Find {
        /// What to look for, e.g. `jose alv`, `0712 345`, `1984-07-23`.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Every record, oldest first, one line each as in `find` (archived ones for
    /// administrators). The listing is audited.
    List,
    /// Register generated demo patients (`--seed` as in demo-seed), one transaction
    /// each, printing each record number as soon as it is committed: for load and crash
    /// tests, where a printed line means the record must survive.
    AddDemo {
        #[arg(long)]
        count: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Index of the first generated patient (to continue an earlier run).
        #[arg(long, default_value_t = 0)]
        from: u64,
    },
    /// Show a patient's full demographics (the look-up is audited).
    Show { mrn: String },
    /// Archive a record (administrators): nothing is deleted; it leaves the search.
    Archive {
        mrn: String,
        #[arg(long)]
        reason: String,
    },
    /// Bring an archived record back (administrators).
    Restore { mrn: String },
    /// Merge a duplicate record into the survivor (administrators); prints the merge id.
    Merge {
        /// The record to keep.
        #[arg(long)]
        survivor: String,
        /// The record to fold into it (archived, pointing at the survivor).
        #[arg(long)]
        duplicate: String,
    },
    /// Undo a merge by its id: everything moved goes back, the duplicate is active again.
    Unmerge { merge_id: String },
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    given: String,
    #[arg(long)]
    family: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    dob: String,
    /// female, male, other or unknown.
    #[arg(long)]
    sex: String,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    address: Option<String>,
    /// A+, A-, B+, B-, AB+, AB-, O+ or O-.
    #[arg(long)]
    blood_group: Option<String>,
    #[arg(long)]
    insurance_provider: Option<String>,
    #[arg(long)]
    insurance_number: Option<String>,
    #[arg(long)]
    emergency_name: Option<String>,
    #[arg(long)]
    emergency_phone: Option<String>,
    /// Register even though a similar record exists: you checked, it is someone else.
    #[arg(long)]
    not_duplicate: bool,
}

pub fn run(session: &mut Session, command: PatientCommand) -> anyhow::Result<()> {
    match command {
        PatientCommand::Add(args) => {
            let input = PatientInput {
                given_name: args.given,
                family_name: args.family,
                date_of_birth: args.dob,
                sex: args.sex,
                phone: args.phone,
                email: args.email,
                address: args.address,
                blood_group: args.blood_group,
                emergency_contact_name: args.emergency_name,
                emergency_contact_phone: args.emergency_phone,
                insurance_provider: args.insurance_provider,
                insurance_number: args.insurance_number,
            };
            let p = session.register_patient(&input, args.not_duplicate)?;
            out!("{}", registered_line(&p));
        }
        PatientCommand::Find { text, limit } => {
            for p in session.search_patients(&text.join(" "), limit)? {
                out!("{}", summary_line(&p));
            }
        }
        PatientCommand::List => {
            for p in session.list_patients()? {
                out!("{}", summary_line(&p));
            }
        }
        PatientCommand::AddDemo { count, seed, from } => {
            for index in from..from.saturating_add(count) {
                let input = clinic_core::demo::patient(seed, index);
                for p in session.import_patients(std::slice::from_ref(&input))? {
                    // stdout is line-buffered: the line is out once this returns.
                    out!("{}", registered_line(&p));
                }
            }
        }
        PatientCommand::Show { mrn } => {
            let p = session.patient_by_mrn(&mrn)?;
            print_patient(session, &p)?;
        }
        PatientCommand::Archive { mrn, reason } => {
            let p = session.patient_by_mrn(&mrn)?;
            let p = session.archive_patient(p.id, &reason)?;
            out!(
                "Archived {} ({} {}); restore with `clinic patient restore {}`.",
                p.mrn,
                p.given_name,
                p.family_name,
                p.mrn
            );
        }
        PatientCommand::Restore { mrn } => {
            let p = session.patient_by_mrn(&mrn)?;
            let p = session.restore_patient(p.id)?;
            out!("Restored {} ({} {}).", p.mrn, p.given_name, p.family_name);
        }
        PatientCommand::Merge {
            survivor,
            duplicate,
        } => {
            let keep = session.patient_by_mrn(&survivor)?;
            let gone = session.patient_by_mrn(&duplicate)?;
            let merge = session.merge_patients(keep.id, gone.id)?;
            out!(
                "Merged {} into {}: merge {} (undo with `clinic patient unmerge {}`)",
                gone.mrn,
                keep.mrn,
                merge.id,
                merge.id
            );
        }
        PatientCommand::Unmerge { merge_id } => {
            let merge = session.undo_merge(merge_id.trim())?;
            let back = session.patient(merge.merged_id)?;
            out!(
                "Undid merge {}: {} ({} {}) is a record of its own again.",
                merge.id,
                back.mrn,
                back.given_name,
                back.family_name
            );
        }
    }
    Ok(())
}

/// What a registration prints: the crash test reads these lines as acknowledged writes.
fn registered_line(p: &Patient) -> String {
    format!(
        "Registered {}: {} {} (id {})",
        p.mrn, p.given_name, p.family_name, p.id
    )
}

/// One search hit: record number, name, birth date, sex, phone, and whether archived.
pub fn summary_line(p: &PatientSummary) -> String {
    format!(
        "{:<20} {:<36} {} {:<7} {:<18}{}",
        p.mrn,
        format!("{} {}", p.given_name, p.family_name),
        p.date_of_birth,
        p.sex,
        p.phone.as_deref().unwrap_or("-"),
        if p.active { "" } else { " (archived)" }
    )
    .trim_end()
    .to_owned()
}

fn print_patient(session: &Session, p: &Patient) -> anyhow::Result<()> {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let today = session.today()?;
    let age = chrono::NaiveDate::parse_from_str(&p.date_of_birth, "%Y-%m-%d")
        .ok()
        .and_then(|dob| today.years_since(dob))
        .map(|years| format!(" (age {years})"))
        .unwrap_or_default();
    let status = match (p.active, p.merged_into) {
        (_, Some(into)) => format!("merged into patient {into}"),
        (true, None) => "active".to_owned(),
        (false, None) => "archived".to_owned(),
    };
    let emergency = match (&p.emergency_contact_name, &p.emergency_contact_phone) {
        (None, None) => "-".to_owned(),
        (name, phone) => format!("{} {}", or_dash(name), or_dash(phone)),
    };
    let insurance = match (&p.insurance_provider, &p.insurance_number) {
        (None, None) => "-".to_owned(),
        (provider, number) => format!("{} {}", or_dash(provider), or_dash(number)),
    };
    let rows = [
        ("Record number", p.mrn.clone()),
        ("Name", format!("{} {}", p.given_name, p.family_name)),
        ("Date of birth", format!("{}{age}", p.date_of_birth)),
        ("Sex", p.sex.clone()),
        ("Phone", or_dash(&p.phone)),
        ("E-mail", or_dash(&p.email)),
        ("Address", or_dash(&p.address)),
        ("Blood group", or_dash(&p.blood_group)),
        ("Insurance", insurance),
        ("Emergency contact", emergency),
        ("Status", status),
        ("Id", p.id.to_string()),
    ];
    for (label, value) in rows {
        out!("{:<18} {value}", format!("{label}:"));
    }
    Ok(())
}
