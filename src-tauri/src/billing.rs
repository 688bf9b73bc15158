//! Billing: the price list, invoices and credit notes with their lines, figures and
//! payments; drafts (a completed visit's, or a walk-in's), lines from the price list,
//! written out or what the pharmacy gave, accountants' discounts, issuing, voids, credit
//! notes, payments with change due and refunds; the daily cash-up and the monthly
//! summary, shown and saved as CSV; the dashboard; insurance payers, patients' policies
//! and claims.
//!
//! The core decides everything here: who may, the arithmetic (every figure the UI shows
//! is the core's, in minor units of the clinic's currency), the numbers, the states and
//! what is audited; these steps only parse and map.

use std::collections::BTreeMap;
use std::sync::Arc;

use clinic_core::billing::insurance as ins;
use clinic_core::billing::invoices as icore;
use clinic_core::billing::reports as rcore;
use clinic_core::documents::{self as core_docs, ReportKind};
use clinic_core::ids::PatientId;
use serde::{Deserialize, Serialize};

use crate::dto::CommandError;
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn price_list(shell: Shared<'_>) -> Reply<Vec<PriceItem>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.price_list()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_price(shell: Shared<'_>, input: PriceItemInput) -> Reply<PriceItem> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_price(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn invoice(shell: Shared<'_>, id: String) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.invoice(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_invoices(shell: Shared<'_>, patient_id: String) -> Reply<Vec<Invoice>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_invoices(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_invoices(shell: Shared<'_>) -> Reply<Vec<Invoice>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.open_invoices()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn new_invoice(shell: Shared<'_>, patient_id: Option<String>) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.new_invoice(patient_id.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_invoice_line(
    shell: Shared<'_>,
    invoice_id: String,
    line: InvoiceLineInput,
) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_invoice_line(&invoice_id, line)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_dispensed_lines(
    shell: Shared<'_>,
    invoice_id: String,
    sale: Option<String>,
) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_dispensed_lines(&invoice_id, sale.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn remove_invoice_line(shell: Shared<'_>, line_id: String) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.remove_invoice_line(&line_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn discount_line(
    shell: Shared<'_>,
    line_id: String,
    discount_bp: i64,
    reason: String,
) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.discount_line(&line_id, discount_bp, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn issue_invoice(shell: Shared<'_>, id: String) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.issue_invoice(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn void_invoice(shell: Shared<'_>, id: String, reason: String) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.void_invoice(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn credit_invoice(shell: Shared<'_>, id: String, reason: String) -> Reply<Invoice> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.credit_invoice(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn record_payment(
    shell: Shared<'_>,
    invoice_id: String,
    payment: PaymentInput,
) -> Reply<PaymentRecorded> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.record_payment(&invoice_id, payment)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cash_up(shell: Shared<'_>, period: String, branch: Option<String>) -> Reply<CashUp> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cash_up(&period, branch.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn billing_summary(
    shell: Shared<'_>,
    period: String,
    branch: Option<String>,
) -> Reply<BillingSummary> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.billing_summary(&period, branch.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_billing_report(
    shell: Shared<'_>,
    report: ReportRef,
    folder: String,
    file_name: String,
    replace: bool,
) -> Reply<SavedReport> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.save_billing_report(&report, &folder, &file_name, replace)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn payers(shell: Shared<'_>) -> Reply<Vec<Payer>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.payers()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_payer(
    shell: Shared<'_>,
    code: String,
    name: String,
    active: bool,
) -> Reply<Payer> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_payer(&code, &name, active)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_policies(
    shell: Shared<'_>,
    patient_id: String,
) -> Reply<Vec<InsurancePolicy>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_policies(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_policy(
    shell: Shared<'_>,
    patient_id: String,
    input: PolicyInput,
) -> Reply<InsurancePolicy> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_policy(&patient_id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_claim(
    shell: Shared<'_>,
    invoice_id: String,
    policy_id: String,
) -> Reply<InsuranceClaim> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.create_claim(&invoice_id, &policy_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn submit_claim(shell: Shared<'_>, id: String) -> Reply<InsuranceClaim> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.submit_claim(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn decide_claim(
    shell: Shared<'_>,
    id: String,
    approved_minor: i64,
    note: Option<String>,
) -> Reply<InsuranceClaim> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.decide_claim(&id, approved_minor, note.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn claim_paid(
    shell: Shared<'_>,
    id: String,
    reference: Option<String>,
) -> Reply<InsuranceClaim> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.claim_paid(&id, reference.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn invoice_shares(shell: Shared<'_>, invoice_id: String) -> Reply<InvoiceShares> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.invoice_shares(&invoice_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn claims(shell: Shared<'_>, status: Option<String>) -> Reply<Vec<InsuranceClaim>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.claims(status.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn billing_dashboard(shell: Shared<'_>, weeks: u32) -> Reply<Dashboard> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.billing_dashboard(weeks)).await
}

// ---- the shell's steps ----------------------------------------------------------------

/// The invoices as the window shows them, each naming its patient as the core did (one
/// remembered, audited read per patient per session).
fn named(views: Vec<icore::InvoiceView>) -> Vec<Invoice> {
    views
        .into_iter()
        .map(|view| {
            let label = view.patient.clone().map(|p| (p.name, p.mrn));
            Invoice::from_view(view, label)
        })
        .collect()
}

fn optional_patient(text: Option<&str>) -> Result<Option<PatientId>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_id("patient", t).map(Some),
        None => Ok(None),
    }
}

/// `YYYY-MM` as a year and month.
/// A report's period as typed: a day, a month or a range of days (the core's words
/// when it is none of these).
fn parse_period(text: &str) -> Result<rcore::Period> {
    Ok(rcore::Period::parse(text)?)
}

fn optional_branch(branch: Option<&str>) -> Option<&str> {
    branch.map(str::trim).filter(|b| !b.is_empty())
}

impl Shell {
    pub fn price_list(&self) -> Result<Vec<PriceItem>> {
        self.with_open(|open| {
            Ok(open
                .session
                .price_list()?
                .into_iter()
                .map(PriceItem::from)
                .collect())
        })
    }

    pub fn set_price(&self, input: PriceItemInput) -> Result<PriceItem> {
        let item = icore::PriceItem {
            id: String::new(),
            code: input.code,
            name: input.name,
            category: input.category,
            price_minor: input.price_minor,
            tax_bp: input.tax_bp,
            active: input.active,
        };
        self.with_open(|open| Ok(open.session.set_price(&item)?.into()))
    }

    /// An invoice by its id or its number.
    pub fn invoice(&self, id: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.invoice(id)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn patient_invoices(&self, patient: &str) -> Result<Vec<Invoice>> {
        let patient: PatientId = parse_id("patient", patient)?;
        self.with_open(|open| {
            let views = open.session.invoices_of(patient)?;
            Ok(named(views))
        })
    }

    pub fn open_invoices(&self) -> Result<Vec<Invoice>> {
        self.with_open(|open| {
            let views = open.session.open_invoices()?;
            Ok(named(views))
        })
    }

    pub fn new_invoice(&self, patient: Option<&str>) -> Result<Invoice> {
        let patient = optional_patient(patient)?;
        self.with_open(|open| {
            let view = open.session.new_invoice(patient)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn add_invoice_line(&self, invoice: &str, line: InvoiceLineInput) -> Result<Invoice> {
        let input = icore::LineInput {
            code: line.code,
            category: line.category,
            description: line.description,
            unit_price_minor: line.unit_price_minor,
            tax_bp: line.tax_bp,
            quantity: line.quantity,
        };
        self.with_open(|open| {
            let view = open.session.add_invoice_line(invoice, &input)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    /// Adds what the pharmacy gave the draft's patient (or, with `sale`, one
    /// over-the-counter sale by its number) and has not been billed yet.
    pub fn add_dispensed_lines(&self, invoice: &str, sale: Option<&str>) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.add_dispensed_lines(invoice, sale)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn remove_invoice_line(&self, line: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.remove_invoice_line(line)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn discount_line(&self, line: &str, discount_bp: i64, reason: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.discount_line(line, discount_bp, reason)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn issue_invoice(&self, id: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.issue_invoice(id)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    pub fn void_invoice(&self, id: &str, reason: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.void_invoice(id, reason)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    /// Credits an issued invoice in full; answers the credit note.
    pub fn credit_invoice(&self, id: &str, reason: &str) -> Result<Invoice> {
        self.with_open(|open| {
            let view = open.session.credit_invoice(id, reason)?;
            Ok(named(vec![view]).remove(0))
        })
    }

    /// Takes a payment or gives a refund; answers it with the invoice as it now stands.
    pub fn record_payment(&self, invoice: &str, payment: PaymentInput) -> Result<PaymentRecorded> {
        let input = icore::PaymentInput {
            method: payment.method,
            amount_minor: payment.amount_minor,
            tendered_minor: payment.tendered_minor,
            reference: payment.reference,
            reason: payment.reason,
        };
        self.with_open(|open| {
            let taken = open.session.record_payment(invoice, &input)?;
            let view = open.session.invoice(&taken.invoice_id)?;
            Ok(PaymentRecorded {
                payment: taken.into(),
                invoice: named(vec![view]).remove(0),
            })
        })
    }

    /// What each cashier took over `period` (a day `YYYY-MM-DD`, a month `YYYY-MM` or a
    /// range `YYYY-MM-DD..YYYY-MM-DD` of clinic days), at every branch or one (its code).
    pub fn cash_up(&self, period: &str, branch: Option<&str>) -> Result<CashUp> {
        let period = parse_period(period)?;
        self.with_open(|open| {
            Ok(open
                .session
                .cash_up(period, optional_branch(branch))?
                .into())
        })
    }

    /// A period (a month, a day or a range) at a glance, at every branch or one.
    pub fn billing_summary(&self, period: &str, branch: Option<&str>) -> Result<BillingSummary> {
        let period = parse_period(period)?;
        self.with_open(|open| {
            Ok(open
                .session
                .summary(period, optional_branch(branch))?
                .into())
        })
    }

    /// Writes a report's CSV (the core's, audited as an export) into `folder` (empty: the
    /// user's Documents folder, as for a PDF), never replacing a file unasked; written
    /// beside its name, then renamed, so a reader never sees half of it.
    pub fn save_billing_report(
        &self,
        report: &ReportRef,
        folder: &str,
        file_name: &str,
        replace: bool,
    ) -> Result<SavedReport> {
        let path = crate::documents::save_path(folder, file_name, "csv", replace)?;
        let report = report.parse()?;
        let branch = report.branch.as_deref();
        let csv = match report.kind {
            ReportKind::CashUp => {
                self.with_open(|open| Ok(open.session.cash_up_csv(report.period, branch)?))?
            }
            ReportKind::Summary => {
                self.with_open(|open| Ok(open.session.summary_csv(report.period, branch)?))?
            }
        };
        crate::documents::write_whole(&path, csv.as_bytes())?;
        Ok(SavedReport {
            path: path.display().to_string(),
        })
    }

    pub fn payers(&self) -> Result<Vec<Payer>> {
        self.with_open(|open| {
            Ok(open
                .session
                .payers()?
                .into_iter()
                .map(Payer::from)
                .collect())
        })
    }

    /// Adds or changes a payer by its code (billing staff).
    pub fn set_payer(&self, code: &str, name: &str, active: bool) -> Result<Payer> {
        self.with_open(|open| Ok(open.session.set_payer(code, name, active)?.into()))
    }

    pub fn patient_policies(&self, patient: &str) -> Result<Vec<InsurancePolicy>> {
        let patient: PatientId = parse_id("patient", patient)?;
        self.with_open(|open| {
            Ok(open
                .session
                .policies_of(patient)?
                .into_iter()
                .map(InsurancePolicy::from)
                .collect())
        })
    }

    pub fn add_policy(&self, patient: &str, input: PolicyInput) -> Result<InsurancePolicy> {
        let patient: PatientId = parse_id("patient", patient)?;
        let input = ins::PolicyInput {
            payer: input.payer,
            policy_number: input.policy_number,
            coverage_bp: input.coverage_bp,
            valid_until: input.valid_until,
        };
        self.with_open(|open| Ok(open.session.add_policy(patient, &input)?.into()))
    }

    /// A claim on an issued invoice for the policy's share.
    pub fn create_claim(&self, invoice: &str, policy: &str) -> Result<InsuranceClaim> {
        self.with_open(|open| Ok(open.session.create_claim(invoice, policy)?.into()))
    }

    pub fn submit_claim(&self, id: &str) -> Result<InsuranceClaim> {
        self.with_open(|open| Ok(open.session.submit_claim(id)?.into()))
    }

    /// The payer's decision: what it approved (0 denies), with its note.
    pub fn decide_claim(
        &self,
        id: &str,
        approved_minor: i64,
        note: Option<&str>,
    ) -> Result<InsuranceClaim> {
        self.with_open(|open| Ok(open.session.decide_claim(id, approved_minor, note)?.into()))
    }

    /// The payer paid what it approved: an insurance payment on the invoice.
    pub fn claim_paid(&self, id: &str, reference: Option<&str>) -> Result<InsuranceClaim> {
        self.with_open(|open| Ok(open.session.claim_paid(id, reference)?.into()))
    }

    /// An invoice's split between its payer (the standing claim) and its patient.
    pub fn invoice_shares(&self, invoice: &str) -> Result<InvoiceShares> {
        self.with_open(|open| Ok(open.session.shares(invoice)?.into()))
    }

    /// Claims, all or with one status.
    pub fn claims(&self, status: Option<&str>) -> Result<Vec<InsuranceClaim>> {
        let status = status.map(str::trim).filter(|s| !s.is_empty());
        self.with_open(|open| {
            Ok(open
                .session
                .claims(status)?
                .into_iter()
                .map(InsuranceClaim::from)
                .collect())
        })
    }

    /// The last `weeks` weeks at a glance, from this workstation's data.
    pub fn billing_dashboard(&self, weeks: u32) -> Result<Dashboard> {
        self.with_open(|open| Ok(open.session.dashboard(weeks)?.into()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// An item of the clinic's price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PriceItem {
    pub id: String,
    pub code: String,
    pub name: String,
    /// `consultation`, `lab`, `pharmacy`, … (the core's categories).
    pub category: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub price_minor: i64,
    /// Basis points: 1600 is 16 %.
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_bp: i64,
    pub active: bool,
}

impl From<icore::PriceItem> for PriceItem {
    fn from(p: icore::PriceItem) -> Self {
        Self {
            id: p.id,
            code: p.code,
            name: p.name,
            category: p.category,
            price_minor: p.price_minor,
            tax_bp: p.tax_bp,
            active: p.active,
        }
    }
}

/// A price to add or change, by its code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PriceItemInput {
    pub code: String,
    pub name: String,
    pub category: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub price_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_bp: i64,
    pub active: bool,
}

/// One line of an invoice with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceLine {
    pub id: String,
    pub category: String,
    pub code: Option<String>,
    pub description: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub unit_price_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_bp: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub discount_bp: i64,
    pub discount_reason: Option<String>,
    /// What made it: `visit-fee`, `lab:<order>:<code>`, `price:<code>`, `credit:<line>`.
    pub source: Option<String>,
    /// Quantity × unit price.
    #[cfg_attr(test, ts(type = "number"))]
    pub gross_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub discount_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_minor: i64,
}

impl From<icore::LineView> for InvoiceLine {
    fn from(v: icore::LineView) -> Self {
        let l = v.line;
        Self {
            id: l.id,
            category: l.category,
            code: l.code,
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            tax_bp: l.tax_bp,
            discount_bp: l.discount_bp,
            discount_reason: l.discount_reason,
            source: l.source,
            gross_minor: v.totals.gross_minor,
            discount_minor: v.totals.discount_minor,
            tax_minor: v.totals.tax_minor,
            total_minor: v.totals.total_minor,
        }
    }
}

/// A line taken off a draft (kept, shown struck through).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RemovedInvoiceLine {
    pub id: String,
    pub description: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub unit_price_minor: i64,
}

impl From<icore::Line> for RemovedInvoiceLine {
    fn from(l: icore::Line) -> Self {
        Self {
            id: l.id,
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
        }
    }
}

/// The tax at one rate, for the invoice's tax summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceTaxRate {
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_bp: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_minor: i64,
}

/// An invoice's figures: the sums of its lines'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceTotals {
    #[cfg_attr(test, ts(type = "number"))]
    pub subtotal_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub discount_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub tax_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_minor: i64,
    /// By rate, lowest first.
    pub tax_by_rate: Vec<InvoiceTaxRate>,
}

impl From<icore::totals::Totals> for InvoiceTotals {
    fn from(t: icore::totals::Totals) -> Self {
        Self {
            subtotal_minor: t.subtotal_minor,
            discount_minor: t.discount_minor,
            tax_minor: t.tax_minor,
            total_minor: t.total_minor,
            tax_by_rate: t
                .tax_by_rate
                .into_iter()
                .map(|(tax_bp, tax_minor)| InvoiceTaxRate { tax_bp, tax_minor })
                .collect(),
        }
    }
}

/// A payment, or a refund (negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoicePayment {
    pub id: String,
    pub invoice_id: String,
    /// `cash`, `card`, `mobile_money`, `bank_transfer` or `insurance`.
    pub method: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub amount_minor: i64,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub tendered_minor: Option<i64>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub change_minor: Option<i64>,
    pub reference: Option<String>,
    pub reason: Option<String>,
    /// What the receipt prints.
    pub receipt_number: String,
    pub received_by_name: String,
    pub received_at: String,
}

impl From<icore::Payment> for InvoicePayment {
    fn from(p: icore::Payment) -> Self {
        Self {
            id: p.id,
            invoice_id: p.invoice_id,
            method: p.method,
            amount_minor: p.amount_minor,
            tendered_minor: p.tendered_minor,
            change_minor: p.change_minor,
            reference: p.reference,
            reason: p.reason,
            receipt_number: p.receipt_number,
            received_by_name: p.received_by_name,
            received_at: p.received_at,
        }
    }
}

/// An invoice or credit note with its lines, figures, payments and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Invoice {
    pub id: String,
    /// `None` while a draft.
    pub number: Option<String>,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub credit_of: Option<String>,
    pub patient_id: Option<String>,
    /// The patient's name and record number (`None` for a walk-in without a patient).
    pub patient_name: Option<String>,
    pub patient_mrn: Option<String>,
    /// The visit whose completion made it.
    pub encounter_id: Option<String>,
    pub branch_code: String,
    pub currency: String,
    pub created_at: String,
    pub issued_at: Option<String>,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub removed: Vec<RemovedInvoiceLine>,
    pub totals: InvoiceTotals,
    pub payments: Vec<InvoicePayment>,
    #[cfg_attr(test, ts(type = "number"))]
    pub paid_minor: i64,
    /// Total − paid: negative when overpaid.
    #[cfg_attr(test, ts(type = "number"))]
    pub balance_minor: i64,
    /// `draft`, `issued`, `partially_paid`, `paid`, `overpaid` or `void`.
    pub state: String,
}

impl Invoice {
    fn from_view(v: icore::InvoiceView, patient: Option<(String, String)>) -> Self {
        let i = v.invoice;
        let (patient_name, patient_mrn) = patient.unzip();
        Self {
            id: i.id,
            number: i.number,
            kind: i.kind,
            credit_of: i.credit_of,
            patient_id: i.patient_id.map(|p| p.to_string()),
            patient_name,
            patient_mrn,
            encounter_id: i.encounter_id.map(|e| e.to_string()),
            branch_code: i.branch_code,
            currency: i.currency,
            created_at: i.created_at,
            issued_at: i.issued_at,
            voided_at: i.voided_at,
            void_reason: i.void_reason,
            lines: v.lines.into_iter().map(InvoiceLine::from).collect(),
            removed: v
                .removed
                .into_iter()
                .map(RemovedInvoiceLine::from)
                .collect(),
            totals: v.totals.into(),
            payments: v.payments.into_iter().map(InvoicePayment::from).collect(),
            paid_minor: v.paid_minor,
            balance_minor: v.balance_minor,
            state: v.state,
        }
    }
}

/// A line to add to a draft: a price list item by its `code`, or written out
/// (description, category, unit price and tax).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceLineInput {
    pub code: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub unit_price_minor: Option<i64>,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub tax_bp: Option<i64>,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
}

/// A payment to take (positive) or a refund to give (negative, with its reason).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PaymentInput {
    pub method: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub amount_minor: i64,
    /// Cash handed over; the core works out the change.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub tendered_minor: Option<i64>,
    pub reference: Option<String>,
    pub reason: Option<String>,
}

/// A payment taken, and its invoice as it now stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PaymentRecorded {
    pub payment: InvoicePayment,
    pub invoice: Invoice,
}

/// One cashier's takings by one method on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CashUpRow {
    pub branch_code: String,
    pub user_name: String,
    pub method: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub payments: i64,
    /// Payments less refunds.
    #[cfg_attr(test, ts(type = "number"))]
    pub amount_minor: i64,
}

/// An amount under a name (a method, a doctor, a category, a branch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NamedAmount {
    pub name: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub amount_minor: i64,
}

fn named_amounts(map: BTreeMap<String, i64>) -> Vec<NamedAmount> {
    map.into_iter()
        .map(|(name, amount_minor)| NamedAmount { name, amount_minor })
        .collect()
}

/// What each cashier should hand over for a period (usually a day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CashUp {
    /// The period as the core writes it back: `2026-03-14`, `2026-03` or
    /// `2026-03-01..2026-03-15`.
    pub period: String,
    /// Its first and last clinic days, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// The branch's code, or none for every branch.
    pub branch: Option<String>,
    pub currency: String,
    pub rows: Vec<CashUpRow>,
    pub by_method: Vec<NamedAmount>,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_minor: i64,
}

impl From<rcore::CashUp> for CashUp {
    fn from(c: rcore::CashUp) -> Self {
        Self {
            period: c.label,
            from: c.period.from.to_string(),
            to: c.period.to.to_string(),
            branch: c.branch,
            currency: c.currency,
            rows: c
                .rows
                .into_iter()
                .map(|r| CashUpRow {
                    branch_code: r.branch_code,
                    user_name: r.user_name,
                    method: r.method,
                    payments: r.payments,
                    amount_minor: r.amount_minor,
                })
                .collect(),
            by_method: named_amounts(c.by_method),
            total_minor: c.total_minor,
        }
    }
}

/// Invoices with something left to pay, by how long since they were issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Outstanding {
    #[cfg_attr(test, ts(type = "number"))]
    pub days_0_30: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub days_31_60: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub days_61_90: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub over_90: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub invoices: i64,
}

/// Claims made in the period with one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClaimCount {
    pub status: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub claims: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub claimed_minor: i64,
}

/// A period (usually a month) at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSummary {
    /// The period as the core writes it back: `2026-03`, `2026-03-14` or
    /// `2026-03-01..2026-03-15`.
    pub period: String,
    /// Its first and last clinic days, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// The branch's code, or none for every branch.
    pub branch: Option<String>,
    pub currency: String,
    /// Visits completed in the period.
    #[cfg_attr(test, ts(type = "number"))]
    pub visits: i64,
    /// Issued invoices' totals (credit notes subtract) by the visit's doctor ("walk-in"
    /// without a visit).
    pub revenue_by_doctor: Vec<NamedAmount>,
    pub revenue_by_category: Vec<NamedAmount>,
    pub revenue_by_branch: Vec<NamedAmount>,
    #[cfg_attr(test, ts(type = "number"))]
    pub revenue_minor: i64,
    /// Payments received in the period, less refunds.
    #[cfg_attr(test, ts(type = "number"))]
    pub received_minor: i64,
    /// As of the period's last day.
    pub outstanding: Outstanding,
    /// Every branch's stock at cost, now.
    #[cfg_attr(test, ts(type = "number"))]
    pub stock_value_minor: i64,
    pub claims_by_status: Vec<ClaimCount>,
}

impl From<rcore::Summary> for BillingSummary {
    fn from(m: rcore::Summary) -> Self {
        let o = m.outstanding;
        Self {
            period: m.label,
            from: m.period.from.to_string(),
            to: m.period.to.to_string(),
            branch: m.branch,
            currency: m.currency,
            visits: m.visits,
            revenue_by_doctor: named_amounts(m.revenue_by_doctor),
            revenue_by_category: named_amounts(m.revenue_by_category),
            revenue_by_branch: named_amounts(m.revenue_by_branch),
            revenue_minor: m.revenue_minor,
            received_minor: m.received_minor,
            outstanding: Outstanding {
                days_0_30: o.days_0_30,
                days_31_60: o.days_31_60,
                days_61_90: o.days_61_90,
                over_90: o.over_90,
                invoices: o.invoices,
            },
            stock_value_minor: m.stock_value_minor,
            claims_by_status: m
                .claims_by_status
                .into_iter()
                .map(|(status, (claims, claimed_minor))| ClaimCount {
                    status,
                    claims,
                    claimed_minor,
                })
                .collect(),
        }
    }
}

/// A report to save as CSV or to print: `cash_up` or `summary`, over a period (a day
/// `YYYY-MM-DD`, a month `YYYY-MM` or a range `YYYY-MM-DD..YYYY-MM-DD`), at every branch
/// or one (its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportRef {
    pub kind: String,
    pub period: String,
    pub branch: Option<String>,
}

impl ReportRef {
    /// The core's report, or which field is wrong and why.
    pub(crate) fn parse(&self) -> Result<core_docs::ReportRef> {
        let kind = match self.kind.as_str() {
            "cash_up" => ReportKind::CashUp,
            "summary" => ReportKind::Summary,
            other => {
                return Err(CommandError::invalid(
                    "report",
                    format!("\"{other}\" is not a report: cash_up or summary"),
                ));
            }
        };
        Ok(core_docs::ReportRef {
            kind,
            period: parse_period(&self.period)?,
            branch: optional_branch(self.branch.as_deref()).map(str::to_owned),
        })
    }
}

/// Where a report was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedReport {
    pub path: String,
}

/// An insurer or scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Payer {
    pub id: String,
    pub code: String,
    pub name: String,
    pub active: bool,
}

impl From<ins::Payer> for Payer {
    fn from(p: ins::Payer) -> Self {
        Self {
            id: p.id,
            code: p.code,
            name: p.name,
            active: p.active,
        }
    }
}

/// A patient's cover with a payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InsurancePolicy {
    pub id: String,
    pub patient_id: String,
    pub payer_id: String,
    pub payer_name: String,
    pub policy_number: String,
    /// The share of an invoice the payer covers, basis points (8000 = 80 %).
    #[cfg_attr(test, ts(type = "number"))]
    pub coverage_bp: i64,
    /// `YYYY-MM-DD`; `None`: open-ended.
    pub valid_until: Option<String>,
    pub active: bool,
}

impl From<ins::Policy> for InsurancePolicy {
    fn from(p: ins::Policy) -> Self {
        Self {
            id: p.id,
            patient_id: p.patient_id.to_string(),
            payer_id: p.payer_id,
            payer_name: p.payer_name,
            policy_number: p.policy_number,
            coverage_bp: p.coverage_bp,
            valid_until: p.valid_until,
            active: p.active,
        }
    }
}

/// A new policy: the payer by its code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PolicyInput {
    pub payer: String,
    pub policy_number: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub coverage_bp: i64,
    pub valid_until: Option<String>,
}

/// A claim on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InsuranceClaim {
    pub id: String,
    pub invoice_id: String,
    pub policy_id: String,
    pub payer_id: String,
    /// `draft`, `submitted`, `approved`, `partly_approved`, `denied` or `paid`.
    pub status: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub claimed_minor: i64,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub approved_minor: Option<i64>,
    pub note: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub paid_at: Option<String>,
}

impl From<ins::Claim> for InsuranceClaim {
    fn from(c: ins::Claim) -> Self {
        Self {
            id: c.id,
            invoice_id: c.invoice_id,
            policy_id: c.policy_id,
            payer_id: c.payer_id,
            status: c.status,
            claimed_minor: c.claimed_minor,
            approved_minor: c.approved_minor,
            note: c.note,
            created_at: c.created_at,
            submitted_at: c.submitted_at,
            decided_at: c.decided_at,
            paid_at: c.paid_at,
        }
    }
}

/// An invoice's split between its payer and its patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceShares {
    #[cfg_attr(test, ts(type = "number"))]
    pub total_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub insurer_minor: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub patient_minor: i64,
    /// The standing claim (not a denied one), if any.
    pub claim: Option<InsuranceClaim>,
}

impl From<ins::Shares> for InvoiceShares {
    fn from(s: ins::Shares) -> Self {
        Self {
            total_minor: s.total_minor,
            insurer_minor: s.insurer_minor,
            patient_minor: s.patient_minor,
            claim: s.claim.map(InsuranceClaim::from),
        }
    }
}

/// A count on one clinic day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub count: i64,
}

/// An amount in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WeekAmount {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub amount_minor: i64,
}

/// How often one diagnosis was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiagnosisCount {
    /// ICD-10-CM code, empty for free text.
    pub code: String,
    pub title: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub count: i64,
}

/// The last weeks at a glance, each series oldest first with every day or week present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Dashboard {
    pub currency: String,
    pub appointments_per_day: Vec<DayCount>,
    /// Issued invoices' totals by week, credit notes subtracted.
    pub revenue_per_week: Vec<WeekAmount>,
    /// No-shows over appointments kept or missed, basis points.
    #[cfg_attr(test, ts(type = "number"))]
    pub no_show_rate_bp: i64,
    /// Most recorded first.
    pub top_diagnoses: Vec<DiagnosisCount>,
    /// Low, expiring and expired stock at this branch.
    #[cfg_attr(test, ts(type = "number"))]
    pub stock_alerts: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub outstanding_invoices: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub outstanding_minor: i64,
}

impl From<rcore::Dashboard> for Dashboard {
    fn from(d: rcore::Dashboard) -> Self {
        Self {
            currency: d.currency,
            appointments_per_day: d
                .appointments_per_day
                .into_iter()
                .map(|(day, count)| DayCount { day, count })
                .collect(),
            revenue_per_week: d
                .revenue_per_week
                .into_iter()
                .map(|(week, amount_minor)| WeekAmount { week, amount_minor })
                .collect(),
            no_show_rate_bp: d.no_show_rate_bp,
            top_diagnoses: d
                .top_diagnoses
                .into_iter()
                .map(|(code, title, count)| DiagnosisCount { code, title, count })
                .collect(),
            stock_alerts: u64::try_from(d.stock_alerts).unwrap_or(u64::MAX),
            outstanding_invoices: d.outstanding_invoices,
            outstanding_minor: d.outstanding_minor,
        }
    }
}

#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    PriceItem::export_all(cfg)?;
    PriceItemInput::export_all(cfg)?;
    Invoice::export_all(cfg)?;
    InvoiceLineInput::export_all(cfg)?;
    PaymentInput::export_all(cfg)?;
    PaymentRecorded::export_all(cfg)?;
    CashUp::export_all(cfg)?;
    BillingSummary::export_all(cfg)?;
    ReportRef::export_all(cfg)?;
    SavedReport::export_all(cfg)?;
    Payer::export_all(cfg)?;
    InsurancePolicy::export_all(cfg)?;
    PolicyInput::export_all(cfg)?;
    InvoiceShares::export_all(cfg)?;
    Dashboard::export_all(cfg)?;
    Ok(())
}
