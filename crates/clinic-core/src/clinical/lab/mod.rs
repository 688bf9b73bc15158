//! The laboratory: a doctor orders tests or panels from the catalogue (`catalogue.rs`);
//! the order shows in the worklist of the branch's lab; a lab technician collects a
//! sample (numbered, for its label and barcode) or rejects it with a reason; results are
//! entered per test and flagged against the range for the patient's sex and age on the
//! collection day; a second person verifies each; a critical value notifies the ordering
//! doctor at once (the notification stays until read).
//!
//! Invariants:
//! - Doctors order (`lab_order_create`); lab technicians collect, reject, enter and
//!   verify (`lab_result_enter`); doctors, lab technicians and the patient (their own)
//!   read (`lab_order_read`), every read of a patient's results audited.
//! - An order copies its tests from the catalogue and never changes but by cancelling,
//!   which only an order with no result may be.
//! - A result is never changed: a correction is the next version of the same test on
//!   the same sample, the earlier ones kept and marked superseded. A result keeps the
//!   range and flag it was given.
//! - Nobody verifies a result they entered, and only the latest version is verified.
//! - Numbers (`L-…` orders, `S-…` samples) are per device like prescriptions', so two
//!   offline workstations never collide.

pub mod catalogue;
pub(crate) mod store;

use std::collections::HashSet;

use chrono::DateTime;
use serde::{Deserialize, Serialize};

use self::catalogue::{Decimal, Flag, LabTest, Panel, RefRange, ResultType};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::frontdesk::patients;
use crate::ids::{
    BranchId, EncounterId, LabOrderId, LabResultId, LabVerificationId, PatientId, SampleId, UserId,
    new_v7_at,
};
use crate::policy::{Action, Target};
use crate::session::{PatientLabel, Session};
use crate::store::audit::{self, Event, Outcome};
use crate::store::{notifications, sequences};
use crate::validate;

/// A test as an order carries it (copied from the catalogue when ordered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderedTest {
    pub code: String,
    pub name: String,
    pub specimen: String,
    pub unit: String,
    pub result_type: ResultType,
    #[serde(default)]
    pub choices: Vec<String>,
}

/// What a doctor orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LabOrderInput {
    pub encounter: Option<EncounterId>,
    /// Test or panel codes of the catalogue.
    pub codes: Vec<String>,
    /// `routine` (the default) or `urgent`.
    pub priority: Option<String>,
    pub note: Option<String>,
}

/// What a catalogue import found, and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabImportReport {
    pub dry_run: bool,
    pub tests: usize,
    pub ranges: usize,
    pub panels: usize,
    pub rejected_tests: Vec<crate::clinical::drugs::Rejected>,
    pub rejected_ranges: Vec<crate::clinical::drugs::Rejected>,
    pub rejected_panels: Vec<crate::clinical::drugs::Rejected>,
}

/// A sample collected for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    pub id: SampleId,
    /// On the label and in its barcode: `S-BR01-7KQ3M-000042`.
    pub number: String,
    pub order_id: LabOrderId,
    pub patient_id: PatientId,
    pub specimen: String,
    /// `collected` or `rejected`.
    pub status: String,
    pub collected_by: UserId,
    pub collected_at: String,
    pub rejected_by: Option<UserId>,
    pub rejected_at: Option<String>,
    pub reject_reason: Option<String>,
}

/// One version of one test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabResult {
    pub id: LabResultId,
    pub sample_id: SampleId,
    pub order_id: LabOrderId,
    pub patient_id: PatientId,
    pub test_code: String,
    pub version: i64,
    /// As entered: the number, the choice or the text.
    pub value: String,
    /// The number of a numeric test.
    pub number: Option<Decimal>,
    pub unit: String,
    /// The range it was flagged against ("3.5–5.1"), empty when none applied.
    pub range_text: String,
    pub flag: Option<Flag>,
    pub comment: Option<String>,
    pub entered_by: UserId,
    pub entered_by_name: String,
    pub entered_at: String,
    pub verified_by: Option<UserId>,
    pub verified_by_name: Option<String>,
    pub verified_at: Option<String>,
    /// A later version of this test on this sample exists.
    pub superseded: bool,
}

impl LabResult {
    /// Verified and not superseded: what the doctor reads as final.
    pub fn is_final(&self) -> bool {
        self.verified_by.is_some() && !self.superseded
    }
}

/// A worklist line: the order and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabWorklistRow {
    pub order: LabOrder,
    pub patient: PatientLabel,
}

/// A lab order with its samples and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabOrder {
    pub id: LabOrderId,
    /// `L-BR01-7KQ3M-000042`.
    pub number: String,
    pub patient_id: PatientId,
    pub encounter_id: Option<EncounterId>,
    pub branch_id: BranchId,
    pub ordered_by: UserId,
    pub ordered_by_name: String,
    /// `routine` or `urgent`.
    pub priority: String,
    pub note: Option<String>,
    pub tests: Vec<OrderedTest>,
    /// `ordered` or `cancelled`.
    pub status: String,
    pub ordered_at: String,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<UserId>,
    pub cancel_reason: Option<String>,
    pub samples: Vec<Sample>,
    pub results: Vec<LabResult>,
}

impl LabOrder {
    /// Every ordered test has a final result.
    pub fn is_complete(&self) -> bool {
        self.tests.iter().all(|t| {
            self.results
                .iter()
                .any(|r| r.test_code == t.code && r.is_final())
        })
    }
}

pub(crate) fn flag_from_str(text: &str) -> Option<Flag> {
    Some(match text {
        "normal" => Flag::Normal,
        "low" => Flag::Low,
        "high" => Flag::High,
        "critical_low" => Flag::CriticalLow,
        "critical_high" => Flag::CriticalHigh,
        _ => return None,
    })
}

/// A range as printed beside a result: "3.5–5.1", "≥ 40", "≤ 200".
pub fn range_text(range: &RefRange) -> String {
    match (range.low, range.high) {
        (Some(l), Some(h)) => format!("{l}–{h}"),
        (Some(l), None) => format!("≥ {l}"),
        (None, Some(h)) => format!("≤ {h}"),
        (None, None) => String::new(),
    }
}

impl Session {
    /// Loads the starter catalogue into this workstation the first time it is needed.
    fn lab_catalogue_ready(&mut self) -> Result<()> {
        if store::seeded(self.live()?.store.conn())? {
            return Ok(());
        }
        let (tests, ranges, panels) = catalogue::starter()?;
        let now = self.now();
        let unlocked = self.live()?;
        let tx = unlocked.store.transaction()?;
        store::replace_catalogue(&tx, &tests, &ranges, &panels, now)?;
        tx.commit().map_err(Error::from_sqlite)
    }

    /// The test catalogue and its panels (anyone who orders or runs tests).
    pub fn lab_catalogue(&mut self) -> Result<(Vec<LabTest>, Vec<Panel>)> {
        self.authorize(Action::LabOrderRead, Target::Any)?;
        self.lab_catalogue_ready()?;
        let conn = self.live()?.store.conn();
        Ok((store::tests(conn)?, store::panels(conn)?))
    }

    /// Imports the clinic's own tests, ranges and panels from CSV (administrators). Every
    /// line is checked first (ranges against the numeric tests, panels against the
    /// tests, the new and those already here); a dry run only reports. A test's ranges
    /// in the file replace all of that test's ranges here.
    pub fn import_lab_catalogue(
        &mut self,
        tests_csv: Option<&str>,
        ranges_csv: Option<&str>,
        panels_csv: Option<&str>,
        dry_run: bool,
    ) -> Result<LabImportReport> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        self.lab_catalogue_ready()?;
        let mut known = store::tests(self.live()?.store.conn())?;
        let (tests, rejected_tests) = match tests_csv {
            Some(text) => catalogue::parse_tests(text)?,
            None => (Vec::new(), Vec::new()),
        };
        for t in &tests {
            known.retain(|k| k.code != t.code);
            known.push(t.clone());
        }
        let numeric: HashSet<String> = known
            .iter()
            .filter(|t| t.result_type == ResultType::Numeric)
            .map(|t| t.code.clone())
            .collect();
        let codes: HashSet<String> = known.iter().map(|t| t.code.clone()).collect();
        let (ranges, rejected_ranges) = match ranges_csv {
            Some(text) => catalogue::parse_ranges(text, &numeric)?,
            None => (Vec::new(), Vec::new()),
        };
        let (panels, rejected_panels) = match panels_csv {
            Some(text) => catalogue::parse_panels(text, &codes)?,
            None => (Vec::new(), Vec::new()),
        };
        let report = LabImportReport {
            dry_run,
            tests: tests.len(),
            ranges: ranges.len(),
            panels: panels.len(),
            rejected_tests,
            rejected_ranges,
            rejected_panels,
        };
        if dry_run {
            return Ok(report);
        }
        let details = serde_json::json!({
            "tests": report.tests, "ranges": report.ranges, "panels": report.panels,
            "rejected": report.rejected_tests.len() + report.rejected_ranges.len() + report.rejected_panels.len(),
        });
        self.transact(|tx, ctx, actor| {
            store::replace_catalogue(tx, &tests, &ranges, &panels, ctx.now)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.catalogue_import", Outcome::Success).details(details.clone()),
            )
            .map(|_| ())
        })?;
        Ok(report)
    }

    /// A lab order by its number, as printed (`L-…`).
    pub fn lab_order_by_number(&mut self, number: &str) -> Result<LabOrder> {
        let number = number.trim().to_ascii_uppercase();
        let id = store::order_by_number(self.live()?.store.conn(), &number)?;
        match id {
            Some(id) => self.lab_order(id),
            None => {
                self.authorize(Action::LabOrderRead, Target::Any)?;
                Err(Error::validation(
                    "order",
                    format!("no lab order {number} here; check the number, or sync"),
                ))
            }
        }
    }

    /// Orders tests or panels for a patient (doctors); the order shows in this branch's
    /// lab worklist.
    pub fn order_lab(&mut self, patient: PatientId, input: &LabOrderInput) -> Result<LabOrder> {
        self.authorize(Action::LabOrderCreate, Target::Patient(patient))?;
        if let Some(e) = input.encounter
            && self.encounter_unaudited(e)?.patient_id != patient
        {
            return Err(Error::validation(
                "encounter",
                "this visit is another patient's",
            ));
        }
        self.lab_catalogue_ready()?;
        let (tests, panels) = {
            let conn = self.live()?.store.conn();
            (store::tests(conn)?, store::panels(conn)?)
        };
        let mut ordered: Vec<OrderedTest> = Vec::new();
        let mut seen = HashSet::new();
        for code in &input.codes {
            let code = code.trim().to_ascii_uppercase();
            let members: Vec<String> = match panels.iter().find(|p| p.code == code) {
                Some(panel) => panel.tests.clone(),
                None => vec![code.clone()],
            };
            for member in members {
                let test = tests.iter().find(|t| t.code == member).ok_or_else(|| {
                    Error::validation(
                        "codes",
                        format!("{member} is not a test or panel of the lab catalogue"),
                    )
                })?;
                if seen.insert(test.code.clone()) {
                    ordered.push(OrderedTest {
                        code: test.code.clone(),
                        name: test.name.clone(),
                        specimen: test.specimen.clone(),
                        unit: test.unit.clone(),
                        result_type: test.result_type,
                        choices: test.choices.clone(),
                    });
                }
            }
        }
        if ordered.is_empty() {
            return Err(Error::validation(
                "codes",
                "choose at least one test or panel",
            ));
        }
        let max = usize::try_from(clinic_protocol::tables::MAX_LAB_TESTS).unwrap_or(60);
        if ordered.len() > max {
            return Err(Error::validation(
                "codes",
                format!("an order holds at most {max} tests; split it in two"),
            ));
        }
        let priority = match input.priority.as_deref().map(str::trim) {
            None | Some("") | Some("routine") => "routine",
            Some("urgent") => "urgent",
            Some(other) => {
                return Err(Error::validation(
                    "priority",
                    format!("\"{other}\" is not a priority: routine or urgent"),
                ));
            }
        };
        let note = validate::optional_text("note", input.note.as_deref(), 500)?;
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        self.transact(|tx, ctx, actor| {
            let number = format!(
                "L-{}",
                sequences::number(
                    &clinic.branch_code,
                    device,
                    sequences::next(tx, "lab_order")?
                )
            );
            let order = LabOrder {
                id: LabOrderId(new_v7_at(ctx.now)),
                number,
                patient_id: patient,
                encounter_id: input.encounter,
                branch_id: clinic.branch_id,
                ordered_by: actor.user,
                ordered_by_name: actor.username.clone(),
                priority: priority.to_owned(),
                note: note.clone(),
                tests: ordered.clone(),
                status: "ordered".into(),
                ordered_at: to_db_time(ctx.now),
                cancelled_at: None,
                cancelled_by: None,
                cancel_reason: None,
                samples: Vec::new(),
                results: Vec::new(),
            };
            store::insert_order(tx, ctx, &order)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.order", Outcome::Success)
                    .entity("lab_order", order.id)
                    .patient(patient)
                    .details(serde_json::json!({
                        "number": order.number, "priority": priority,
                        "tests": ordered.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(),
                    })),
            )?;
            Ok(order)
        })
    }

    /// An order with its samples and results, without an audit of its own.
    fn lab_order_unaudited(&mut self, id: LabOrderId) -> Result<LabOrder> {
        let conn = self.live()?.store.conn();
        let mut order = store::order(conn, id)?
            .ok_or_else(|| Error::validation("order", format!("there is no lab order {id}")))?;
        order.samples = store::samples_of_order(conn, id)?;
        order.results = store::results_of_order(conn, id)?;
        Ok(order)
    }

    /// One order (an audited read of the patient's results).
    pub fn lab_order(&mut self, id: LabOrderId) -> Result<LabOrder> {
        let order = self.lab_order_unaudited(id)?;
        self.read_lab(order.patient_id, Some(("lab_order", id.to_string())))?;
        Ok(order)
    }

    /// A patient's orders with their samples and results, newest first (an audited read).
    pub fn lab_orders_of(&mut self, patient: PatientId) -> Result<Vec<LabOrder>> {
        self.read_lab(patient, None)?;
        let conn = self.live()?.store.conn();
        let mut orders = store::orders_of_patient(conn, patient)?;
        for o in &mut orders {
            o.samples = store::samples_of_order(conn, o.id)?;
            o.results = store::results_of_order(conn, o.id)?;
        }
        Ok(orders)
    }

    /// Every result of a patient, oldest first: each numeric test's history.
    pub fn lab_results_of(&mut self, patient: PatientId) -> Result<Vec<LabResult>> {
        self.read_lab(patient, None)?;
        store::results_of_patient(self.live()?.store.conn(), patient)
    }

    fn read_lab(
        &mut self,
        patient: PatientId,
        entity: Option<(&'static str, String)>,
    ) -> Result<()> {
        self.authorize(Action::LabOrderRead, Target::Patient(patient))?;
        let mut event = Event::new(
            format!("{}lab", crate::clinical::access::READ_PREFIX),
            Outcome::Success,
        )
        .patient(patient);
        if let Some((kind, id)) = entity {
            event = event.entity(kind, id);
        }
        self.write_event(event)
    }

    /// The standing orders of this branch's lab, urgent first then oldest first, with
    /// their samples and results and the patient's name and record number (what a
    /// technician checks against the tube); complete ones (every test verified) are left
    /// out.
    pub fn lab_worklist(&mut self) -> Result<Vec<LabWorklistRow>> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let branch = self.clinic().branch_id.to_string();
        let conn = self.live()?.store.conn();
        let mut orders = store::standing_orders(conn, &branch)?;
        for o in &mut orders {
            o.samples = store::samples_of_order(conn, o.id)?;
            o.results = store::results_of_order(conn, o.id)?;
        }
        orders.retain(|o| !o.is_complete());
        orders.sort_by(|a, b| {
            (a.priority != "urgent", &a.ordered_at).cmp(&(b.priority != "urgent", &b.ordered_at))
        });
        self.write_event(Event::new("lab.worklist", Outcome::Success))?;
        orders
            .into_iter()
            .map(|order| {
                let patient = self.patient_label(order.patient_id)?;
                Ok(LabWorklistRow { order, patient })
            })
            .collect()
    }

    /// Cancels an order that has no result yet (doctors), with a reason.
    pub fn cancel_lab_order(&mut self, id: LabOrderId, reason: &str) -> Result<LabOrder> {
        let order = self.lab_order_unaudited(id)?;
        self.authorize(Action::LabOrderCreate, Target::Patient(order.patient_id))?;
        let reason = validate::text("reason", reason, 500)?;
        if order.status != "ordered" {
            return Err(Error::validation(
                "order",
                format!("{} is already cancelled", order.number),
            ));
        }
        if !order.results.is_empty() {
            return Err(Error::validation(
                "order",
                format!(
                    "{} has results; a resulted order is kept as it is",
                    order.number
                ),
            ));
        }
        self.transact(|tx, ctx, actor| {
            store::cancel_order(tx, ctx, id, actor.user, &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.cancel", Outcome::Success)
                    .entity("lab_order", id)
                    .patient(order.patient_id)
                    .details(serde_json::json!({ "reason": reason })),
            )
            .map(|_| ())
        })?;
        self.lab_order_unaudited(id)
    }

    /// Records a sample collected for an order (lab technicians): numbered for its label.
    pub fn collect_sample(&mut self, order: LabOrderId, specimen: Option<&str>) -> Result<Sample> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let o = self.lab_order_unaudited(order)?;
        if o.status != "ordered" {
            return Err(Error::validation(
                "order",
                format!("{} was cancelled; no sample is taken for it", o.number),
            ));
        }
        let specimen = match specimen.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => validate::text("specimen", s, 100)?,
            None => o
                .tests
                .first()
                .map(|t| t.specimen.clone())
                .unwrap_or_default(),
        };
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        self.transact(|tx, ctx, actor| {
            let sample = Sample {
                id: SampleId(new_v7_at(ctx.now)),
                number: format!(
                    "S-{}",
                    sequences::number(
                        &clinic.branch_code,
                        device,
                        sequences::next(tx, "lab_sample")?
                    )
                ),
                order_id: order,
                patient_id: o.patient_id,
                specimen: specimen.clone(),
                status: "collected".into(),
                collected_by: actor.user,
                collected_at: to_db_time(ctx.now),
                rejected_by: None,
                rejected_at: None,
                reject_reason: None,
            };
            store::insert_sample(tx, ctx, &sample)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.collect", Outcome::Success)
                    .entity("lab_sample", sample.id)
                    .patient(o.patient_id)
                    .details(serde_json::json!({ "number": sample.number, "order": o.number })),
            )?;
            Ok(sample)
        })
    }

    /// Rejects a collected sample, keeping the reason (lab technicians).
    pub fn reject_sample(&mut self, id: SampleId, reason: &str) -> Result<Sample> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let sample = store::sample(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("sample", format!("there is no sample {id}")))?;
        if sample.status != "collected" {
            return Err(Error::validation(
                "sample",
                format!("sample {} is already rejected", sample.number),
            ));
        }
        let reason = validate::text("reason", reason, 500)?;
        self.transact(|tx, ctx, actor| {
            store::reject_sample(tx, ctx, id, actor.user, &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.reject", Outcome::Success)
                    .entity("lab_sample", id)
                    .patient(sample.patient_id)
                    .details(serde_json::json!({ "reason": reason })),
            )
            .map(|_| ())
        })?;
        store::sample(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::Internal("the sample vanished".into()))
    }

    /// The sample a scanned label names (its number, as a barcode scanner types it),
    /// with its order (lab technicians; an audited read).
    pub fn sample_by_number(&mut self, number: &str) -> Result<(Sample, LabOrder)> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let number = number.trim().to_ascii_uppercase();
        let sample = store::sample_by_number(self.live()?.store.conn(), &number)?
            .ok_or_else(|| {
                Error::validation(
                    "number",
                    format!("no sample {number} here; check the label, or sync if it was taken at another branch"),
                )
            })?;
        let order = self.lab_order(sample.order_id)?;
        Ok((sample, order))
    }

    /// Enters a test's result on a sample (lab technicians), flagged against the range
    /// for the patient's sex and age on the collection day. A second entry for the same
    /// test is a correction: the next version. A critical value notifies the ordering
    /// doctor in the same transaction.
    pub fn enter_lab_result(
        &mut self,
        sample: SampleId,
        code: &str,
        value: &str,
        comment: Option<&str>,
    ) -> Result<LabResult> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let s = store::sample(self.live()?.store.conn(), sample)?
            .ok_or_else(|| Error::validation("sample", format!("there is no sample {sample}")))?;
        if s.status != "collected" {
            return Err(Error::validation(
                "sample",
                format!("sample {} was rejected; collect a new one", s.number),
            ));
        }
        let order = self.lab_order_unaudited(s.order_id)?;
        let code = code.trim().to_ascii_uppercase();
        let test = order
            .tests
            .iter()
            .find(|t| t.code == code)
            .cloned()
            .ok_or_else(|| {
                Error::validation(
                    "code",
                    format!("{code} was not ordered on {}", order.number),
                )
            })?;
        let comment = validate::optional_text("comment", comment, 500)?;
        let value = value.trim();
        let (value, number) = match test.result_type {
            ResultType::Numeric => {
                let n = Decimal::parse(value).ok_or_else(|| {
                    Error::validation(
                        "value",
                        format!("\"{value}\" is not a number for {} (use a dot for decimals, at most three)", test.name),
                    )
                })?;
                (n.to_string(), Some(n))
            }
            ResultType::Choice => {
                let chosen = test
                    .choices
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(value))
                    .ok_or_else(|| {
                        Error::validation(
                            "value",
                            format!("choose one of: {}", test.choices.join(", ")),
                        )
                    })?;
                (chosen.clone(), None)
            }
            ResultType::Text => (validate::text("value", value, 2000)?, None),
        };
        let (range, flag) = match number {
            None => (String::new(), None),
            Some(n) => {
                let p = patients::store::get(self.live()?.store.conn(), s.patient_id)?.ok_or_else(
                    || Error::Internal("the sample's patient is not on record".into()),
                )?;
                let birth = crate::clinic_time::parse_date("date_of_birth", &p.date_of_birth)?;
                let time = self.clinic_time()?;
                let day = DateTime::parse_from_rfc3339(&s.collected_at)
                    .map(|t| time.date_of(t.to_utc()))
                    .map_err(|_| {
                        Error::Internal("a sample's collection time is not a time".into())
                    })?;
                // This workstation's ranges (a lab at another branch may never have
                // opened its catalogue before).
                self.lab_catalogue_ready()?;
                let ranges = store::ranges(self.live()?.store.conn(), &code)?;
                match catalogue::select_range(&ranges, &code, &p.sex, birth, day) {
                    Some(r) => (range_text(r), Some(catalogue::flag(n, r))),
                    None => (String::new(), None),
                }
            }
        };
        let version = store::latest_version(self.live()?.store.conn(), sample, &code)? + 1;
        let patient_label = {
            let p = patients::store::get(self.live()?.store.conn(), s.patient_id)?;
            p.map(|p| format!("{} {} ({})", p.given_name, p.family_name, p.mrn))
                .unwrap_or_default()
        };
        self.transact(|tx, ctx, actor| {
            let result = LabResult {
                id: LabResultId(new_v7_at(ctx.now)),
                sample_id: sample,
                order_id: order.id,
                patient_id: s.patient_id,
                test_code: code.clone(),
                version,
                value: value.clone(),
                number,
                unit: test.unit.clone(),
                range_text: range.clone(),
                flag,
                comment: comment.clone(),
                entered_by: actor.user,
                entered_by_name: actor.username.clone(),
                entered_at: to_db_time(ctx.now),
                verified_by: None,
                verified_by_name: None,
                verified_at: None,
                superseded: false,
            };
            store::insert_result(tx, ctx, &result)?;
            let critical = flag.is_some_and(Flag::is_critical);
            if critical {
                notifications::insert(
                    tx,
                    ctx,
                    order.ordered_by,
                    &notifications::New {
                        kind: "lab_critical",
                        title: format!(
                            "Critical result: {} {} {}",
                            test.name, result.value, test.unit
                        )
                        .trim_end()
                        .to_owned(),
                        body: format!(
                            "{patient_label}, sample {} (order {}); range {}. Act on it, then mark this read.",
                            s.number,
                            order.number,
                            if range.is_empty() { "none" } else { &range }
                        ),
                        entity: Some("lab_result"),
                        entity_id: Some(result.id.to_string()),
                    },
                )?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.result", Outcome::Success)
                    .entity("lab_result", result.id)
                    .patient(s.patient_id)
                    .details(serde_json::json!({
                        "test": code, "version": version, "flag": flag.map(Flag::as_str),
                        "critical": critical,
                    })),
            )?;
            Ok(result)
        })
    }

    /// Verifies a result (a lab technician other than the one who entered it); only the
    /// latest version is verified, once.
    pub fn verify_lab_result(&mut self, id: LabResultId) -> Result<LabResult> {
        self.authorize(Action::LabResultEnter, Target::Any)?;
        let result = store::result(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("result", format!("there is no lab result {id}")))?;
        if result.entered_by == self.actor().user {
            return Err(Error::validation(
                "result",
                "you entered this result: a second person verifies it",
            ));
        }
        if result.superseded {
            return Err(Error::validation(
                "result",
                "a correction replaced this result; verify the latest version",
            ));
        }
        if result.verified_by.is_some() {
            return Err(Error::validation(
                "result",
                "this result is already verified",
            ));
        }
        self.transact(|tx, ctx, actor| {
            store::insert_verification(
                tx,
                ctx,
                LabVerificationId(new_v7_at(ctx.now)),
                id,
                actor.user,
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("lab.verify", Outcome::Success)
                    .entity("lab_result", id)
                    .patient(result.patient_id),
            )
            .map(|_| ())
        })?;
        store::result(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::Internal("the result vanished".into()))
    }
}
