//! `clinic export fhir --patient MRN [--out FILE]`: a patient's record as a FHIR R4
//! Bundle (JSON), from the core's `Session::fhir_patient_bundle`, which authorizes and
//! audits it. Printed, or written to FILE beside it first and then renamed over it, so a
//! reader never sees half a bundle.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::Session;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A patient's record as a FHIR R4 `collection` Bundle in JSON (doctors, nurses; the
    /// patient themselves). Audited as `record.fhir_export`, listed in the record's
    /// access history.
    Fhir {
        /// The patient's record number.
        #[arg(long)]
        patient: String,
        /// Write the bundle to this file (replacing it) instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn export(session: &mut Session, command: ExportCommand) -> anyhow::Result<()> {
    match command {
        ExportCommand::Fhir { patient, out } => {
            let id = session.patient_by_mrn(patient.trim())?.id;
            let bundle = session.fhir_patient_bundle(id)?;
            // `Value`'s alternate form is serde_json's pretty printing: the CLI needs no
            // JSON crate of its own.
            let text = format!("{bundle:#}\n");
            match out {
                Some(path) => {
                    write_atomically(&path, text.as_bytes())?;
                    let entries = bundle["entry"].as_array().map_or(0, Vec::len);
                    out!("wrote {entries} resources to {}", path.display());
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to a temporary file in `path`'s folder, flushes it to disk, then
/// renames it over `path`: the file is either the old one or the whole new one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let mut part_name = std::ffi::OsString::from(".");
    part_name.push(name);
    part_name.push(format!(".{}.part", std::process::id()));
    let part = path.with_file_name(part_name);
    let written = (|| {
        let mut f = std::fs::File::create(&part)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&part, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&part);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
