//! The laboratory: the test catalogue, a doctor's orders (tests or panels, a priority, a
//! note), a patient's orders with their samples and results, the branch lab's worklist,
//! collecting or rejecting a sample, opening one by its scanned number, entering a result
//! (flagged by the core) and a second person's verification.
//!
//! The core decides everything here: who may order, read, enter or verify, the flags, the
//! numbers and what is audited; these steps only parse and map.

use std::sync::Arc;

use clinic_core::clinical::lab as core;
use clinic_core::clinical::lab::catalogue::{self, Flag, ResultType};
use clinic_core::ids::{EncounterId, LabOrderId, LabResultId, PatientId, SampleId};
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn lab_catalogue(shell: Shared<'_>) -> Reply<LabCatalogue> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.lab_catalogue()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn order_lab(
    shell: Shared<'_>,
    patient_id: String,
    input: LabOrderInput,
) -> Reply<LabOrder> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.order_lab(&patient_id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_lab_orders(shell: Shared<'_>, patient_id: String) -> Reply<Vec<LabOrder>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_lab_orders(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn lab_worklist(shell: Shared<'_>) -> Reply<Vec<LabWorklistRow>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.lab_worklist()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_lab_order(shell: Shared<'_>, id: String, reason: String) -> Reply<LabOrder> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_lab_order(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn collect_sample(
    shell: Shared<'_>,
    order_id: String,
    specimen: Option<String>,
) -> Reply<LabSample> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.collect_sample(&order_id, specimen.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reject_sample(shell: Shared<'_>, id: String, reason: String) -> Reply<LabSample> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.reject_sample(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sample_by_number(shell: Shared<'_>, number: String) -> Reply<ScannedSample> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sample_by_number(&number)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn enter_lab_result(
    shell: Shared<'_>,
    sample_id: String,
    code: String,
    value: String,
    comment: Option<String>,
) -> Reply<LabResult> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.enter_lab_result(&sample_id, &code, &value, comment.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn verify_lab_result(shell: Shared<'_>, id: String) -> Reply<LabResult> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.verify_lab_result(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn import_lab_catalogue(
    shell: Shared<'_>,
    tests: Option<String>,
    ranges: Option<String>,
    panels: Option<String>,
    dry_run: bool,
) -> Reply<LabImportReport> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.import_lab_catalogue(
            tests.as_deref(),
            ranges.as_deref(),
            panels.as_deref(),
            dry_run,
        )
    })
    .await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Checks (`dry_run`) or imports the clinic's own tests, ranges and panels from the
    /// CSV texts the UI read (administrators).
    pub fn import_lab_catalogue(
        &self,
        tests: Option<&str>,
        ranges: Option<&str>,
        panels: Option<&str>,
        dry_run: bool,
    ) -> Result<LabImportReport> {
        fn given(t: Option<&str>) -> Option<&str> {
            t.filter(|t| !t.trim().is_empty())
        }
        self.with_open(|open| {
            let r = open.session.import_lab_catalogue(
                given(tests),
                given(ranges),
                given(panels),
                dry_run,
            )?;
            let lines = |file: &str, rejected: Vec<clinic_core::clinical::drugs::Rejected>| {
                rejected
                    .into_iter()
                    .map(|x| RejectedLine {
                        file: file.to_owned(),
                        line: x.line,
                        reason: x.reason,
                    })
                    .collect::<Vec<_>>()
            };
            let mut rejected = lines("tests", r.rejected_tests);
            rejected.extend(lines("ranges", r.rejected_ranges));
            rejected.extend(lines("panels", r.rejected_panels));
            Ok(LabImportReport {
                dry_run: r.dry_run,
                tests: r.tests,
                ranges: r.ranges,
                panels: r.panels,
                rejected,
            })
        })
    }

    /// The tests and panels a doctor may order.
    pub fn lab_catalogue(&self) -> Result<LabCatalogue> {
        self.with_open(|open| {
            let (tests, panels) = open.session.lab_catalogue()?;
            Ok(LabCatalogue {
                tests: tests.into_iter().map(LabTest::from).collect(),
                panels: panels.into_iter().map(LabPanel::from).collect(),
            })
        })
    }

    pub fn order_lab(&self, patient_id: &str, input: LabOrderInput) -> Result<LabOrder> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let encounter = match input.encounter_id.as_deref().map(str::trim) {
            Some(e) if !e.is_empty() => Some(parse_id::<EncounterId>("encounter", e)?),
            _ => None,
        };
        let input = core::LabOrderInput {
            encounter,
            codes: input.codes,
            priority: input.priority,
            note: input.note,
        };
        self.with_open(|open| Ok(open.session.order_lab(patient, &input)?.into()))
    }

    /// A patient's orders with their samples and results, newest first (an audited read).
    pub fn patient_lab_orders(&self, patient_id: &str) -> Result<Vec<LabOrder>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let list = open.session.lab_orders_of(patient)?;
            Ok(list.into_iter().map(LabOrder::from).collect())
        })
    }

    /// The branch lab's standing orders, urgent first, each with whose it is.
    pub fn lab_worklist(&self) -> Result<Vec<LabWorklistRow>> {
        self.with_open(|open| {
            let list = open.session.lab_worklist()?;
            Ok(list
                .into_iter()
                .map(|row| LabWorklistRow {
                    order: row.order.into(),
                    patient_name: row.patient.name,
                    mrn: row.patient.mrn,
                })
                .collect())
        })
    }

    /// Cancels an order that has no result yet (doctors), with a reason.
    pub fn cancel_lab_order(&self, id: &str, reason: &str) -> Result<LabOrder> {
        let id: LabOrderId = parse_id("order", id)?;
        self.with_open(|open| Ok(open.session.cancel_lab_order(id, reason)?.into()))
    }

    pub fn collect_sample(&self, order_id: &str, specimen: Option<&str>) -> Result<LabSample> {
        let order: LabOrderId = parse_id("order", order_id)?;
        self.with_open(|open| Ok(open.session.collect_sample(order, specimen)?.into()))
    }

    pub fn reject_sample(&self, id: &str, reason: &str) -> Result<LabSample> {
        let id: SampleId = parse_id("sample", id)?;
        self.with_open(|open| Ok(open.session.reject_sample(id, reason)?.into()))
    }

    /// The sample a scanned label names, with its order.
    pub fn sample_by_number(&self, number: &str) -> Result<ScannedSample> {
        self.with_open(|open| {
            let (sample, order) = open.session.sample_by_number(number)?;
            Ok(ScannedSample {
                sample: sample.into(),
                order: order.into(),
            })
        })
    }

    pub fn enter_lab_result(
        &self,
        sample_id: &str,
        code: &str,
        value: &str,
        comment: Option<&str>,
    ) -> Result<LabResult> {
        let sample: SampleId = parse_id("sample", sample_id)?;
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        self.with_open(|open| {
            Ok(open
                .session
                .enter_lab_result(sample, code, value, comment)?
                .into())
        })
    }

    pub fn verify_lab_result(&self, id: &str) -> Result<LabResult> {
        let id: LabResultId = parse_id("result", id)?;
        self.with_open(|open| Ok(open.session.verify_lab_result(id)?.into()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// How a test's result is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LabResultType {
    Numeric,
    Text,
    Choice,
}

impl From<ResultType> for LabResultType {
    fn from(t: ResultType) -> Self {
        match t {
            ResultType::Numeric => LabResultType::Numeric,
            ResultType::Text => LabResultType::Text,
            ResultType::Choice => LabResultType::Choice,
        }
    }
}

/// A numeric result against its range, as the core flagged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LabFlag {
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

impl From<Flag> for LabFlag {
    fn from(f: Flag) -> Self {
        match f {
            Flag::Normal => LabFlag::Normal,
            Flag::Low => LabFlag::Low,
            Flag::High => LabFlag::High,
            Flag::CriticalLow => LabFlag::CriticalLow,
            Flag::CriticalHigh => LabFlag::CriticalHigh,
        }
    }
}

/// One test of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabTest {
    /// The LOINC code where the project assigned one.
    pub code: String,
    pub name: String,
    pub specimen: String,
    pub unit: String,
    pub result_type: LabResultType,
    /// The allowed answers of a `choice` test.
    pub choices: Vec<String>,
}

impl From<catalogue::LabTest> for LabTest {
    fn from(t: catalogue::LabTest) -> Self {
        Self {
            code: t.code,
            name: t.name,
            specimen: t.specimen,
            unit: t.unit,
            result_type: t.result_type.into(),
            choices: t.choices,
        }
    }
}

impl From<core::OrderedTest> for LabTest {
    fn from(t: core::OrderedTest) -> Self {
        Self {
            code: t.code,
            name: t.name,
            specimen: t.specimen,
            unit: t.unit,
            result_type: t.result_type.into(),
            choices: t.choices,
        }
    }
}

/// Tests ordered together under one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabPanel {
    pub code: String,
    pub name: String,
    /// The codes of its tests.
    pub tests: Vec<String>,
}

impl From<catalogue::Panel> for LabPanel {
    fn from(p: catalogue::Panel) -> Self {
        Self {
            code: p.code,
            name: p.name,
            tests: p.tests,
        }
    }
}

/// What may be ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabCatalogue {
    pub tests: Vec<LabTest>,
    pub panels: Vec<LabPanel>,
}

/// What a doctor orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabOrderInput {
    /// The visit it is ordered in, if any (it must be this patient's).
    pub encounter_id: Option<String>,
    /// Test or panel codes (a panel is expanded into its tests).
    pub codes: Vec<String>,
    /// `routine` (the default) or `urgent`.
    pub priority: Option<String>,
    pub note: Option<String>,
}

/// A sample collected for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabSample {
    pub id: String,
    /// `S-…`: what its label prints and a scanner types.
    pub number: String,
    pub order_id: String,
    pub specimen: String,
    /// `collected` or `rejected`.
    pub status: String,
    pub collected_at: String,
    pub reject_reason: Option<String>,
}

impl From<core::Sample> for LabSample {
    fn from(s: core::Sample) -> Self {
        Self {
            id: s.id.to_string(),
            number: s.number,
            order_id: s.order_id.to_string(),
            specimen: s.specimen,
            status: s.status,
            collected_at: s.collected_at,
            reject_reason: s.reject_reason,
        }
    }
}

/// One version of one test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabResult {
    pub id: String,
    pub sample_id: String,
    pub order_id: String,
    pub test_code: String,
    pub version: i64,
    pub value: String,
    pub unit: String,
    /// The range it was flagged against, as printed ("3.5–5.1"); empty without one.
    pub range_text: String,
    pub flag: Option<LabFlag>,
    pub comment: Option<String>,
    /// The user who entered it (a second person verifies).
    pub entered_by: String,
    pub entered_by_name: String,
    pub entered_at: String,
    pub verified_by_name: Option<String>,
    pub verified_at: Option<String>,
    /// A later version corrected it.
    pub superseded: bool,
}

impl From<core::LabResult> for LabResult {
    fn from(r: core::LabResult) -> Self {
        Self {
            id: r.id.to_string(),
            sample_id: r.sample_id.to_string(),
            order_id: r.order_id.to_string(),
            test_code: r.test_code,
            version: r.version,
            value: r.value,
            unit: r.unit,
            range_text: r.range_text,
            flag: r.flag.map(LabFlag::from),
            comment: r.comment,
            entered_by: r.entered_by.to_string(),
            entered_by_name: r.entered_by_name,
            entered_at: r.entered_at,
            verified_by_name: r.verified_by_name,
            verified_at: r.verified_at,
            superseded: r.superseded,
        }
    }
}

/// A lab order with its tests, samples and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabOrder {
    pub id: String,
    /// `L-…`.
    pub number: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub ordered_by_name: String,
    /// `routine` or `urgent`.
    pub priority: String,
    pub note: Option<String>,
    pub tests: Vec<LabTest>,
    /// `ordered` or `cancelled`.
    pub status: String,
    pub ordered_at: String,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub samples: Vec<LabSample>,
    /// Every version, oldest first (corrected ones marked `superseded`).
    pub results: Vec<LabResult>,
    /// Every test has a verified result (the core's rule).
    pub complete: bool,
}

impl From<core::LabOrder> for LabOrder {
    fn from(o: core::LabOrder) -> Self {
        let complete = o.is_complete();
        Self {
            id: o.id.to_string(),
            number: o.number,
            patient_id: o.patient_id.to_string(),
            encounter_id: o.encounter_id.map(|e| e.to_string()),
            ordered_by_name: o.ordered_by_name,
            priority: o.priority,
            note: o.note,
            tests: o.tests.into_iter().map(LabTest::from).collect(),
            status: o.status,
            ordered_at: o.ordered_at,
            cancelled_at: o.cancelled_at,
            cancel_reason: o.cancel_reason,
            samples: o.samples.into_iter().map(LabSample::from).collect(),
            results: o.results.into_iter().map(LabResult::from).collect(),
            complete,
        }
    }
}

/// A line of an imported file that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RejectedLine {
    /// `tests`, `ranges` or `panels`.
    pub file: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub line: usize,
    pub reason: String,
}

/// What a catalogue import found (and, unless a dry run, wrote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabImportReport {
    pub dry_run: bool,
    #[cfg_attr(test, ts(type = "number"))]
    pub tests: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub ranges: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub panels: usize,
    pub rejected: Vec<RejectedLine>,
}

/// A worklist line: the order, and the name and record number the technician checks
/// against the tube.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LabWorklistRow {
    pub order: LabOrder,
    pub patient_name: String,
    pub mrn: String,
}

/// A scanned sample with its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ScannedSample {
    pub sample: LabSample,
    pub order: LabOrder,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    LabCatalogue::export_all(cfg)?;
    LabOrderInput::export_all(cfg)?;
    LabOrder::export_all(cfg)?;
    ScannedSample::export_all(cfg)?;
    LabWorklistRow::export_all(cfg)?;
    LabImportReport::export_all(cfg)?;
    Ok(())
}
