//! `clinic encounter|vitals|diagnosis|allergy|chart|attach …`: the clinical record from a
//! terminal, for scripts and for a doctor at a console. Every read goes through the core,
//! which audits it.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::clinical::allergies::AllergyInput;
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::notes::{NoteContent, NoteKind};
use clinic_core::clinical::vitals::{Units, VitalsInput, VitalsReading};
use clinic_core::ids::{AttachmentId, EncounterId, NoteId, PatientId};

#[derive(Subcommand)]
pub enum EncounterCommand {
    /// Open a visit: from a checked-in appointment (by its number) or as a walk-in (by
    /// the patient's record number and a reason). Prints the visit id.
    Open {
        /// The checked-in appointment's number.
        #[arg(long, conflicts_with_all = ["mrn", "reason"])]
        appointment: Option<String>,
        /// A walk-in's record number.
        #[arg(long, requires = "reason")]
        mrn: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Write a note on an open visit (doctors: SOAP sections; nurses: --body), or, with
    /// --note, a new version of your own unsigned note. Prints the note id and version.
    Note {
        /// The visit (for a new note).
        #[arg(long, required_unless_present = "note")]
        encounter: Option<String>,
        /// Your unsigned note to revise.
        #[arg(long)]
        note: Option<String>,
        #[arg(long, default_value = "")]
        subjective: String,
        #[arg(long, default_value = "")]
        objective: String,
        #[arg(long, default_value = "")]
        assessment: String,
        #[arg(long, default_value = "")]
        plan: String,
        /// A nursing note's text.
        #[arg(long, default_value = "")]
        body: String,
    },
    /// Sign your own note: it is frozen from then on.
    Sign { note: String },
    /// Correct a signed note with an addendum (signed as it is written).
    Addendum {
        note: String,
        #[arg(long)]
        text: String,
    },
    /// Show a note and, with --history, every version of it.
    ShowNote {
        note: String,
        #[arg(long)]
        history: bool,
    },
    /// Complete a visit (and its appointment).
    Close { encounter: String },
    /// Today's checked-in patients for you (doctors).
    Day,
}

#[derive(Subcommand)]
pub enum VitalsCommand {
    /// Record vitals for a patient (metric units); at least one value.
    Add {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        encounter: Option<String>,
        /// Blood pressure as systolic/diastolic, e.g. 120/80.
        #[arg(long)]
        bp: Option<String>,
        #[arg(long)]
        pulse: Option<i64>,
        /// Degrees Celsius.
        #[arg(long)]
        temp: Option<f64>,
        #[arg(long)]
        resp: Option<i64>,
        #[arg(long)]
        spo2: Option<i64>,
        /// Kilograms.
        #[arg(long)]
        weight: Option<f64>,
        /// Centimetres.
        #[arg(long)]
        height: Option<f64>,
        /// 0 to 10.
        #[arg(long)]
        pain: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// A patient's vitals, oldest first, in the clinic's units; flags mark values
    /// outside the normal range.
    List { mrn: String },
}

#[derive(Subcommand)]
pub enum DiagnosisCommand {
    /// Record a diagnosis: an ICD-10-CM --code, or free --title text.
    Add {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        encounter: Option<String>,
        #[arg(long, required_unless_present = "title")]
        code: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// Free text beside the code.
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        primary: bool,
        /// Put it on the problem list.
        #[arg(long)]
        chronic: bool,
        /// YYYY-MM-DD.
        #[arg(long)]
        onset: Option<String>,
    },
    /// Search the ICD-10-CM list by code prefix or words of the title.
    Search {
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A patient's diagnoses, newest first.
    List { mrn: String },
}

#[derive(Subcommand)]
pub enum AllergyCommand {
    /// Record an allergy (doctors and nurses).
    Add {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        substance: String,
        #[arg(long)]
        reaction: Option<String>,
        /// mild, moderate, severe or unknown.
        #[arg(long)]
        severity: Option<String>,
        /// A drug or class code, when known.
        #[arg(long)]
        coded: Option<String>,
    },
    /// A patient's allergies, current ones first.
    List { mrn: String },
    /// Archive an allergy entered in error (it stays in the history).
    Archive {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum ChartCommand {
    /// A patient's chart: problems, diagnoses, latest vitals, visits (audited).
    Show { mrn: String },
    /// Who opened a patient's record (administrators, and the patient).
    Access {
        mrn: String,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

#[derive(Subcommand)]
pub enum AttachCommand {
    /// Attach a scan, photo or PDF (PDF, PNG, JPEG, TIFF or WebP, at most 25 MB) to a
    /// patient's record, or to one of their visits (doctors and nurses). It is sealed on
    /// this workstation at once and goes to the sync server at the next sync.
    Add {
        #[arg(long)]
        mrn: String,
        /// The visit it belongs to.
        #[arg(long)]
        encounter: Option<String>,
        /// A short description shown in the list.
        #[arg(long)]
        title: Option<String>,
        /// The file to attach.
        file: PathBuf,
    },
    /// Save an attachment's file (fetched from the sync server first if it is not on this
    /// workstation yet). Opening it is recorded in the patient's access history.
    Get {
        id: String,
        /// Where to write it; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// A patient's attachments, newest first, archived ones marked.
    List {
        #[arg(long)]
        mrn: String,
    },
    /// Archive an attachment added in error (its author, or a doctor); it stays in the
    /// record, marked, with the reason.
    Archive {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

fn patient_id(session: &mut Session, mrn: &str) -> anyhow::Result<PatientId> {
    Ok(session.patient_by_mrn(mrn.trim())?.id)
}

fn id<T: std::str::FromStr>(what: &str, text: &str) -> anyhow::Result<T> {
    text.trim().parse().ok().with_context(|| {
        format!("{what} \"{text}\" is not an id; copy it from the line that printed it")
    })
}

pub fn encounter(session: &mut Session, command: EncounterCommand) -> anyhow::Result<()> {
    match command {
        EncounterCommand::Open {
            appointment,
            mrn,
            reason,
        } => {
            let visit = match (appointment, mrn) {
                (Some(number), _) => {
                    let a = session.appointment_by_number(&number)?;
                    session.open_encounter_for(a.id)?
                }
                (None, Some(mrn)) => {
                    let p = patient_id(session, &mrn)?;
                    session.open_walk_in(p, reason.as_deref().unwrap_or_default())?
                }
                (None, None) => {
                    anyhow::bail!("name the --appointment, or the --mrn and --reason of a walk-in")
                }
            };
            out!("{} open: {}", visit.id, visit.reason);
        }
        EncounterCommand::Note {
            encounter,
            note,
            subjective,
            objective,
            assessment,
            plan,
            body,
        } => {
            let content = NoteContent {
                subjective,
                objective,
                assessment,
                plan,
                body,
            };
            let written = match note {
                Some(note) => session.revise_note(id::<NoteId>("note", &note)?, &content)?,
                None => {
                    let visit =
                        id::<EncounterId>("visit", encounter.as_deref().unwrap_or_default())?;
                    let kind = NoteKind::for_role(session.actor().role);
                    session.write_note(visit, kind, &content)?
                }
            };
            out!("{} version {}", written.id, written.version);
        }
        EncounterCommand::Sign { note } => {
            let n = session.sign_note(id("note", &note)?)?;
            out!("{} signed at {}", n.id, n.signed_at.unwrap_or_default());
        }
        EncounterCommand::Addendum { note, text } => {
            let n = session.add_addendum(id("note", &note)?, &text)?;
            out!("{} addendum to {note}, signed", n.id);
        }
        EncounterCommand::ShowNote { note, history } => {
            let note_id = id("note", &note)?;
            let n = session.note(note_id)?;
            out!(
                "{} {} by {} ({}), version {}{}",
                n.id,
                n.kind,
                n.author_name,
                n.author_role,
                n.version,
                n.signed_at
                    .as_deref()
                    .map(|s| format!(", signed {s}"))
                    .unwrap_or_default()
            );
            out!("{}", n.content.as_text());
            if history {
                for v in session.note_history(note_id)? {
                    out!(
                        "[version {} by {} at {}]",
                        v.version,
                        v.author_name,
                        v.written_at
                    );
                    out!("{}", v.content.as_text());
                }
            }
        }
        EncounterCommand::Close { encounter } => {
            let (e, invoice) = session.complete_visit(id("visit", &encounter)?)?;
            out!(
                "{} completed at {}; draft invoice {invoice}",
                e.id,
                e.completed_at.unwrap_or_default()
            );
        }
        EncounterCommand::Day => {
            for w in session.doctors_day()? {
                out!(
                    "{} {} {} {}{}",
                    w.appointment.starts_at,
                    w.appointment.number,
                    w.mrn,
                    w.patient_name,
                    w.encounter
                        .map(|e| format!(" (visit {} open)", e.id))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

fn vitals_line(r: &VitalsReading, units: Units) -> String {
    let v = &r.vitals;
    let mut parts = Vec::new();
    if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
        parts.push(format!("BP {s}/{d} mmHg"));
    }
    if let Some(p) = v.pulse {
        parts.push(format!("pulse {p}/min"));
    }
    if let Some(t) = v.temperature_dc {
        parts.push(format!("temp {}", units.temperature(t)));
    }
    if let Some(r) = v.respiratory_rate {
        parts.push(format!("resp {r}/min"));
    }
    if let Some(s) = v.spo2 {
        parts.push(format!("SpO2 {s}%"));
    }
    if let Some(w) = v.weight_g {
        parts.push(format!("weight {}", units.weight(w)));
    }
    if let Some(h) = v.height_mm {
        parts.push(format!("height {}", units.height(h)));
    }
    if let Some(b) = r.bmi {
        parts.push(format!("BMI {b:.1}"));
    }
    if let Some(p) = v.pain {
        parts.push(format!("pain {p}/10"));
    }
    let flags: Vec<String> = r
        .flags
        .iter()
        .map(|f| format!("{} {}", f.measure, f.level))
        .collect();
    format!(
        "{} {}{}",
        v.taken_at,
        parts.join(", "),
        if flags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", flags.join(", "))
        }
    )
}

pub fn vitals(session: &mut Session, command: VitalsCommand) -> anyhow::Result<()> {
    match command {
        VitalsCommand::Add {
            mrn,
            encounter,
            bp,
            pulse,
            temp,
            resp,
            spo2,
            weight,
            height,
            pain,
            note,
        } => {
            let (systolic, diastolic) =
                match bp.as_deref() {
                    Some(text) => {
                        let (s, d) = text.split_once('/').with_context(|| {
                            format!("--bp \"{text}\" is not systolic/diastolic, e.g. 120/80")
                        })?;
                        (
                            Some(s.trim().parse().with_context(|| {
                                format!("--bp \"{text}\": {s} is not a number")
                            })?),
                            Some(d.trim().parse().with_context(|| {
                                format!("--bp \"{text}\": {d} is not a number")
                            })?),
                        )
                    }
                    None => (None, None),
                };
            let patient = patient_id(session, &mrn)?;
            let visit = encounter
                .map(|e| id::<EncounterId>("visit", &e))
                .transpose()?;
            let reading = session.record_vitals(
                patient,
                visit,
                &VitalsInput {
                    systolic,
                    diastolic,
                    pulse,
                    temperature_c: temp,
                    respiratory_rate: resp,
                    spo2,
                    weight_kg: weight,
                    height_cm: height,
                    pain,
                    note,
                    ..VitalsInput::default()
                },
            )?;
            let units = session.display_units()?;
            out!("{}", vitals_line(&reading, units));
        }
        VitalsCommand::List { mrn } => {
            let patient = patient_id(session, &mrn)?;
            let units = session.display_units()?;
            for r in session.vitals_history(patient)? {
                out!("{}", vitals_line(&r, units));
            }
        }
    }
    Ok(())
}

pub fn diagnosis(session: &mut Session, command: DiagnosisCommand) -> anyhow::Result<()> {
    match command {
        DiagnosisCommand::Add {
            mrn,
            encounter,
            code,
            title,
            note,
            primary,
            chronic,
            onset,
        } => {
            let patient = patient_id(session, &mrn)?;
            let visit = encounter
                .map(|e| id::<EncounterId>("visit", &e))
                .transpose()?;
            let d = session.add_diagnosis(
                patient,
                visit,
                &DiagnosisInput {
                    code,
                    title,
                    note,
                    primary,
                    onset,
                    chronic,
                },
            )?;
            out!("{} {} {}", d.id, d.code.as_deref().unwrap_or("-"), d.title);
        }
        DiagnosisCommand::Search { words, limit } => {
            for e in session.search_icd10(&words.join(" "), limit)? {
                out!("{:<8} {}", e.code, e.title);
            }
        }
        DiagnosisCommand::List { mrn } => {
            let patient = patient_id(session, &mrn)?;
            for d in session.diagnoses_of(patient)? {
                out!(
                    "{} {:<8} {} ({}, {}{}{})",
                    d.recorded_at,
                    d.code.as_deref().unwrap_or("-"),
                    d.title,
                    d.rank,
                    d.status,
                    if d.chronic { ", chronic" } else { "" },
                    if d.active { "" } else { ", archived" }
                );
            }
        }
    }
    Ok(())
}

pub fn allergy(session: &mut Session, command: AllergyCommand) -> anyhow::Result<()> {
    match command {
        AllergyCommand::Add {
            mrn,
            substance,
            reaction,
            severity,
            coded,
        } => {
            let patient = patient_id(session, &mrn)?;
            let a = session.add_allergy(
                patient,
                &AllergyInput {
                    substance,
                    coded,
                    reaction,
                    severity,
                },
            )?;
            out!("{} {} ({})", a.id, a.substance, a.severity);
        }
        AllergyCommand::List { mrn } => {
            let patient = patient_id(session, &mrn)?;
            for a in session.allergies_of(patient)? {
                out!(
                    "{} {} ({}{}){}",
                    a.id,
                    a.substance,
                    a.severity,
                    a.reaction
                        .as_deref()
                        .map(|r| format!(", {r}"))
                        .unwrap_or_default(),
                    if !a.active {
                        " archived"
                    } else if a.status != "active" {
                        " inactive"
                    } else {
                        ""
                    }
                );
            }
        }
        AllergyCommand::Archive { id, reason } => {
            let a = session.archive_allergy(&id, &reason)?;
            out!("{} archived", a.id);
        }
    }
    Ok(())
}

pub fn chart(session: &mut Session, command: ChartCommand) -> anyhow::Result<()> {
    match command {
        ChartCommand::Show { mrn } => {
            let patient = patient_id(session, &mrn)?;
            let units = session.display_units()?;
            let c = session.chart(patient)?;
            out!(
                "{} {} born {} {}{}",
                c.patient.mrn,
                c.patient.name,
                c.patient.date_of_birth,
                c.patient.sex,
                c.patient
                    .blood_group
                    .map(|b| format!(" {b}"))
                    .unwrap_or_default()
            );
            out!("Allergies:");
            for a in &c.allergies {
                out!("  {} ({})", a.substance, a.severity);
            }
            out!("Problems:");
            for p in &c.problems {
                out!("  {:<8} {}", p.code.as_deref().unwrap_or("-"), p.title);
            }
            out!("Diagnoses:");
            for d in &c.diagnoses {
                out!(
                    "  {:<8} {} ({})",
                    d.code.as_deref().unwrap_or("-"),
                    d.title,
                    d.rank
                );
            }
            out!("Latest vitals:");
            if let Some(v) = &c.last_vitals {
                out!("  {}", vitals_line(v, units));
            }
            out!("Visits:");
            for v in &c.visits {
                out!(
                    "  {} {} {} ({} notes, {} signed) {}",
                    v.encounter.opened_at,
                    v.encounter.status,
                    v.encounter.reason,
                    v.notes,
                    v.signed,
                    v.encounter.id
                );
            }
        }
        ChartCommand::Access { mrn, limit } => {
            let patient = patient_id(session, &mrn)?;
            for a in session.access_history(patient, limit)? {
                out!(
                    "{} {} ({}) {}{}{}",
                    a.at,
                    a.username.unwrap_or_default(),
                    a.role.unwrap_or_default(),
                    a.what,
                    if a.allowed { "" } else { " REFUSED" },
                    a.emergency_reason
                        .map(|r| format!(" break-glass: {r}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

pub fn attach(session: &mut Session, command: AttachCommand) -> anyhow::Result<()> {
    match command {
        AttachCommand::Add {
            mrn,
            encounter,
            title,
            file,
        } => {
            let patient = patient_id(session, &mrn)?;
            let encounter = encounter
                .map(|e| id::<EncounterId>("visit", &e))
                .transpose()?;
            let limit = clinic_core::clinical::attachments::MAX_BYTES;
            let mut bytes = Vec::new();
            std::fs::File::open(&file)
                .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let added =
                session.add_attachment(patient, encounter, &name, title.as_deref(), &bytes)?;
            out!(
                "{} added to {mrn}: {} ({}, {} bytes); it goes to the sync server at the next sync",
                added.id,
                added.file_name,
                added.mime,
                added.size
            );
        }
        AttachCommand::Get { id: text, out } => {
            let attachment = id::<AttachmentId>("attachment", &text)?;
            if out.exists() {
                anyhow::bail!(
                    "{} already exists; choose another --out (nothing is overwritten)",
                    out.display()
                );
            }
            let (mime, bytes) = session.attachment_bytes(attachment)?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options
                .open(&out)
                .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
                .with_context(|| format!("cannot write {}", out.display()))?;
            out!("Wrote {} ({mime}, {} bytes).", out.display(), bytes.len());
        }
        AttachCommand::List { mrn } => {
            let patient = patient_id(session, &mrn)?;
            let list = session.attachments_of(patient)?;
            if list.is_empty() {
                out!("No attachments.");
            }
            for a in list {
                let mut flags = Vec::new();
                if a.archived {
                    flags.push(format!(
                        "archived: {}",
                        a.archive_reason.as_deref().unwrap_or_default()
                    ));
                }
                if !a.here {
                    flags.push("not on this workstation yet".to_owned());
                }
                out!(
                    "{}  {}  {:<15}  {:>9}  {}{}{}",
                    a.id,
                    a.added_at,
                    a.mime,
                    a.size,
                    a.file_name,
                    a.title.map(|t| format!(" - {t}")).unwrap_or_default(),
                    if flags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", flags.join("; "))
                    }
                );
            }
        }
        AttachCommand::Archive { id: text, reason } => {
            let attachment = id::<AttachmentId>("attachment", &text)?;
            let a = session.archive_attachment(attachment, &reason)?;
            out!("{} archived: {}", a.id, a.file_name);
        }
    }
    Ok(())
}
