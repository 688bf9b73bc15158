//! Vitals: recording a set (metric, as typed; the core refuses impossible values naming
//! the field), a patient's history with BMI and out-of-range flags (the trend plots'
//! data), and the clinic's display units (metric or imperial, set by administrators).

use std::sync::Arc;

use clinic_core::ids::{EncounterId, PatientId};
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id, parse_time};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn record_vitals(
    shell: Shared<'_>,
    patient_id: String,
    encounter_id: Option<String>,
    input: VitalsInput,
) -> Reply<VitalsReading> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.record_vitals(&patient_id, encounter_id.as_deref(), input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vitals_history(shell: Shared<'_>, patient_id: String) -> Reply<Vec<VitalsReading>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.vitals_history(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn display_units(shell: Shared<'_>) -> Reply<Units> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.display_units()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_display_units(shell: Shared<'_>, units: Units) -> Reply<Units> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_display_units(units)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Records a set of vitals for a patient, on a visit (`encounter_id`) or not.
    pub fn record_vitals(
        &self,
        patient_id: &str,
        encounter_id: Option<&str>,
        input: VitalsInput,
    ) -> Result<VitalsReading> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let encounter: Option<EncounterId> = encounter_id
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| parse_id("encounter", e))
            .transpose()?;
        let input = input.parse()?;
        self.with_open(|open| {
            Ok(open
                .session
                .record_vitals(patient, encounter, &input)?
                .into())
        })
    }

    /// Every set of a patient's vitals, oldest first (an audited read).
    pub fn vitals_history(&self, patient_id: &str) -> Result<Vec<VitalsReading>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let history = open.session.vitals_history(patient)?;
            Ok(history.into_iter().map(VitalsReading::from).collect())
        })
    }

    pub fn display_units(&self) -> Result<Units> {
        self.with_open(|open| Ok(open.session.display_units()?.into()))
    }

    /// Sets how the clinic reads vitals (administrators); answers with the setting.
    pub fn set_display_units(&self, units: Units) -> Result<Units> {
        self.with_open(|open| {
            open.session.set_display_units(units.into())?;
            Ok(open.session.display_units()?.into())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// A set of vitals as typed, in metric units; null means not measured.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VitalsInput {
    /// When they were taken (RFC 3339); now when null.
    pub taken_at: Option<String>,
    /// mmHg.
    pub systolic: Option<i64>,
    /// mmHg.
    pub diastolic: Option<i64>,
    /// Beats per minute.
    pub pulse: Option<i64>,
    /// Degrees Celsius.
    pub temperature_c: Option<f64>,
    /// Breaths per minute.
    pub respiratory_rate: Option<i64>,
    /// Percent.
    pub spo2: Option<i64>,
    /// Kilograms.
    pub weight_kg: Option<f64>,
    /// Centimetres.
    pub height_cm: Option<f64>,
    /// 0 (none) to 10 (worst imaginable).
    pub pain: Option<i64>,
    pub note: Option<String>,
}

impl VitalsInput {
    fn parse(self) -> Result<clinic_core::clinical::vitals::VitalsInput> {
        let taken_at = self
            .taken_at
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| parse_time("taken_at", t))
            .transpose()?;
        Ok(clinic_core::clinical::vitals::VitalsInput {
            taken_at,
            systolic: self.systolic,
            diastolic: self.diastolic,
            pulse: self.pulse,
            temperature_c: self.temperature_c,
            respiratory_rate: self.respiratory_rate,
            spo2: self.spo2,
            weight_kg: self.weight_kg,
            height_cm: self.height_cm,
            pain: self.pain,
            note: self.note,
        })
    }
}

/// A value outside its adult normal range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VitalsFlag {
    /// `systolic`, `diastolic`, `pulse`, `temperature`, `respiratory_rate`, `spo2`,
    /// `bmi` or `pain`.
    pub measure: String,
    /// `low` or `high`.
    pub level: String,
}

/// One recorded set in stored units, with its BMI and flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VitalsReading {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub taken_at: String,
    pub recorded_by_name: String,
    pub recorded_at: String,
    /// mmHg.
    pub systolic: Option<i64>,
    /// mmHg.
    pub diastolic: Option<i64>,
    /// Beats per minute.
    pub pulse: Option<i64>,
    /// Tenths of a degree Celsius (`385` is 38.5 °C).
    pub temperature_dc: Option<i64>,
    /// Breaths per minute.
    pub respiratory_rate: Option<i64>,
    /// Percent.
    pub spo2: Option<i64>,
    /// Grams.
    pub weight_g: Option<i64>,
    /// Millimetres.
    pub height_mm: Option<i64>,
    /// 0 to 10.
    pub pain: Option<i64>,
    pub note: Option<String>,
    /// Body-mass index, one decimal (the latest height known at the time).
    pub bmi: Option<f64>,
    pub flags: Vec<VitalsFlag>,
}

impl From<clinic_core::clinical::vitals::VitalsReading> for VitalsReading {
    fn from(r: clinic_core::clinical::vitals::VitalsReading) -> Self {
        let v = r.vitals;
        Self {
            id: v.id.to_string(),
            patient_id: v.patient_id.to_string(),
            encounter_id: v.encounter_id.map(|e| e.to_string()),
            taken_at: v.taken_at,
            recorded_by_name: v.recorded_by_name,
            recorded_at: v.recorded_at,
            systolic: v.systolic,
            diastolic: v.diastolic,
            pulse: v.pulse,
            temperature_dc: v.temperature_dc,
            respiratory_rate: v.respiratory_rate,
            spo2: v.spo2,
            weight_g: v.weight_g,
            height_mm: v.height_mm,
            pain: v.pain,
            note: v.note,
            bmi: r.bmi,
            flags: r
                .flags
                .into_iter()
                .map(|f| VitalsFlag {
                    measure: f.measure.to_owned(),
                    level: f.level.to_owned(),
                })
                .collect(),
        }
    }
}

/// How the clinic reads vitals: temperature, weight and height in metric or imperial
/// units (entry is always metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Units {
    Metric,
    Imperial,
}

impl From<clinic_core::clinical::vitals::Units> for Units {
    fn from(u: clinic_core::clinical::vitals::Units) -> Self {
        match u {
            clinic_core::clinical::vitals::Units::Metric => Units::Metric,
            clinic_core::clinical::vitals::Units::Imperial => Units::Imperial,
        }
    }
}

impl From<Units> for clinic_core::clinical::vitals::Units {
    fn from(u: Units) -> Self {
        match u {
            Units::Metric => Self::Metric,
            Units::Imperial => Self::Imperial,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    VitalsInput::export_all(cfg)?;
    VitalsReading::export_all(cfg)?;
    Units::export_all(cfg)?;
    Ok(())
}
