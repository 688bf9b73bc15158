//! Exchange with other systems: a patient's record saved as a FHIR R4 Bundle (JSON) into
//! a folder the user chooses. The core builds the bundle (its permission, its audit:
//! `record.fhir_export`, listed in the record's access history); this file only writes
//! it, beside its name and then renamed, never over a file unasked.

use std::sync::Arc;

use clinic_core::ids::PatientId;
use serde::Serialize;

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

#[tauri::command(rename_all = "snake_case")]
pub async fn export_patient_fhir(
    shell: Shared<'_>,
    patient_id: String,
    folder: String,
    file_name: String,
    replace: bool,
) -> Reply<SavedExport> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.export_patient_fhir(&patient_id, &folder, &file_name, replace)).await
}

impl Shell {
    /// Saves `patient_id`'s record as a FHIR R4 Bundle into `folder` (empty: the user's
    /// Documents folder) as `file_name` (`.json` added when missing).
    pub fn export_patient_fhir(
        &self,
        patient_id: &str,
        folder: &str,
        file_name: &str,
        replace: bool,
    ) -> Result<SavedExport> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let path = crate::documents::save_path(folder, file_name, "json", replace)?;
        let bundle = self.with_open(|open| Ok(open.session.fhir_patient_bundle(patient)?))?;
        let resources = bundle
            .get("entry")
            .and_then(|e| e.as_array())
            .map_or(0, Vec::len);
        let text = format!("{bundle:#}\n");
        crate::documents::write_whole(&path, text.as_bytes())?;
        Ok(SavedExport {
            path: path.display().to_string(),
            resources: u32::try_from(resources).unwrap_or(u32::MAX),
        })
    }
}

/// Where a record was saved, and how many resources the bundle holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedExport {
    pub path: String,
    pub resources: u32,
}

#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    SavedExport::export_all(cfg)?;
    Ok(())
}
