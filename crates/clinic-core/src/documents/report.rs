//! Billing's reports as printed: the cash-up and the summary over a period, filled from
//! [`Session::cash_up`] and [`Session::summary`] (themselves authorized, `BillingRead`,
//! and audited) and laid out by `clinic_pdf::report`.
//!
//! Invariants:
//! - The figures are the ones the screen and the CSV show for the same period and
//!   branch: this file only formats them (amounts with the clinic currency's digits,
//!   days in words), it adds nothing up that the report did not.
//! - A report's number names what it covers (`CASH-UP 2026-12-01 ALL`), and its
//!   verification code is derived from the figures, so two papers with the same number
//!   and code showed the same figures.

use serde::{Deserialize, Serialize};

use super::invoice::{Amounts, method_words};
use super::{Document, DocumentRef, long_date, pdf_error, verification_code};
use crate::billing::reports::{CashUp, Period, Summary};
use crate::error::Result;
use crate::money::Currency;
use crate::session::Session;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// What each cashier took, by method.
    CashUp,
    /// Visits, revenue, money received, outstanding, claims and stock.
    Summary,
}

/// A report to print or save: which, over which clinic days, at every branch or one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRef {
    pub kind: ReportKind,
    pub period: Period,
    /// A branch's code, or none for every branch.
    pub branch: Option<String>,
}

impl ReportRef {
    /// What the report covers, as its number and the audit name it: `CASH-UP 2026-12-01
    /// ALL`, `SUMMARY 2026-12 BR01`.
    pub fn number(&self) -> String {
        let kind = match self.kind {
            ReportKind::CashUp => "CASH-UP",
            ReportKind::Summary => "SUMMARY",
        };
        let branch = self
            .branch
            .as_deref()
            .map_or_else(|| "ALL".to_owned(), |b| b.trim().to_ascii_uppercase());
        format!("{kind} {} {branch}", self.period.label())
    }
}

/// The period in words: "1 December 2026", or "1 December 2026 – 15 December 2026".
fn period_words(period: &Period) -> String {
    if period.from == period.to {
        long_date(period.from)
    } else {
        format!("{} – {}", long_date(period.from), long_date(period.to))
    }
}

fn branch_words(branch: Option<&str>) -> String {
    branch.map_or_else(|| "all branches".to_owned(), |b| format!("branch {b}"))
}

/// A category or status as stored (`mobile_money`, `partly_approved`), in words.
fn words(code: &str) -> String {
    let text = code.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn section(
    heading: &str,
    columns: &[&str],
    rows: Vec<Vec<String>>,
    total: Vec<String>,
    empty: &str,
) -> clinic_pdf::ReportSection {
    clinic_pdf::ReportSection {
        heading: heading.to_owned(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
        total,
        empty: empty.to_owned(),
    }
}

fn cash_up_sections(c: &CashUp, a: &Amounts) -> Vec<clinic_pdf::ReportSection> {
    let amount = format!("Amount ({})", c.currency);
    let payments: i64 = c.rows.iter().map(|r| r.payments).sum();
    vec![
        section(
            "Takings by cashier",
            &["Cashier", "Branch", "Method", "Payments", &amount],
            c.rows
                .iter()
                .map(|r| {
                    vec![
                        r.user_name.clone(),
                        r.branch_code.clone(),
                        method_words(&r.method),
                        r.payments.to_string(),
                        a.plain(r.amount_minor),
                    ]
                })
                .collect(),
            vec![
                "Total".into(),
                String::new(),
                String::new(),
                payments.to_string(),
                a.plain(c.total_minor),
            ],
            "No payments were taken in this period.",
        ),
        section(
            "By method",
            &["Method", &amount],
            c.by_method
                .iter()
                .map(|(m, v)| vec![method_words(m), a.plain(*v)])
                .collect(),
            vec!["Total".into(), a.plain(c.total_minor)],
            "No payments were taken in this period.",
        ),
    ]
}

fn summary_sections(s: &Summary, a: &Amounts) -> Vec<clinic_pdf::ReportSection> {
    let amount = format!("Amount ({})", s.currency);
    let named = |map: &std::collections::BTreeMap<String, i64>, word: fn(&str) -> String| {
        map.iter()
            .map(|(k, v)| vec![word(k), a.plain(*v)])
            .collect::<Vec<_>>()
    };
    let o = &s.outstanding;
    vec![
        section(
            "Overview",
            &["Figure", "Value"],
            vec![
                vec!["Visits completed".into(), s.visits.to_string()],
                vec![
                    format!("Revenue invoiced ({})", s.currency),
                    a.plain(s.revenue_minor),
                ],
                vec![
                    format!("Money received, less refunds ({})", s.currency),
                    a.plain(s.received_minor),
                ],
                vec![
                    format!("Stock at cost, every branch, now ({})", s.currency),
                    a.plain(s.stock_value_minor),
                ],
            ],
            Vec::new(),
            "",
        ),
        section(
            "Revenue by doctor",
            &["Doctor", &amount],
            named(&s.revenue_by_doctor, str::to_owned),
            vec!["Total".into(), a.plain(s.revenue_minor)],
            "No invoices were issued in this period.",
        ),
        section(
            "Revenue by service",
            &["Category", &amount],
            named(&s.revenue_by_category, words),
            vec!["Total".into(), a.plain(s.revenue_minor)],
            "No invoices were issued in this period.",
        ),
        section(
            "Revenue by branch",
            &["Branch", &amount],
            named(&s.revenue_by_branch, str::to_owned),
            vec!["Total".into(), a.plain(s.revenue_minor)],
            "No invoices were issued in this period.",
        ),
        section(
            &format!(
                "Outstanding on {} ({} invoices)",
                long_date(s.period.to),
                o.invoices
            ),
            &["Age since issued", &amount],
            vec![
                vec!["0–30 days".into(), a.plain(o.days_0_30)],
                vec!["31–60 days".into(), a.plain(o.days_31_60)],
                vec!["61–90 days".into(), a.plain(o.days_61_90)],
                vec!["Over 90 days".into(), a.plain(o.over_90)],
            ],
            vec![
                "Total".into(),
                a.plain(o.days_0_30 + o.days_31_60 + o.days_61_90 + o.over_90),
            ],
            "",
        ),
        section(
            "Insurance claims made in the period",
            &["Status", "Claims", &amount],
            s.claims_by_status
                .iter()
                .map(|(k, (n, v))| vec![words(k), n.to_string(), a.plain(*v)])
                .collect(),
            Vec::new(),
            "No claims were made in this period.",
        ),
    ]
}

impl Session {
    /// A report laid out: its figures are read (authorized and audited) as the screen
    /// reads them.
    pub(crate) fn report_document(&mut self, report: &ReportRef) -> Result<Document> {
        let currency = Currency::parse(&self.clinic().currency)?;
        let amounts = Amounts(currency);
        let branch = report.branch.as_deref();
        let (title, sections, figures) = match report.kind {
            ReportKind::CashUp => {
                let c = self.cash_up(report.period, branch)?;
                let figures = serde_json::to_string(&c).unwrap_or_default();
                ("Cash-up", cash_up_sections(&c, &amounts), figures)
            }
            ReportKind::Summary => {
                let s = self.summary(report.period, branch)?;
                let figures = serde_json::to_string(&s).unwrap_or_default();
                ("Summary", summary_sections(&s, &amounts), figures)
            }
        };
        let number = report.number();
        let letterhead = self.print_letterhead()?;
        let today = self.today()?;
        let printed = format!("Printed {} by {}", long_date(today), self.actor().username);
        let view = clinic_pdf::ReportView {
            letterhead,
            title: title.to_owned(),
            subtitle: format!(
                "{} · {}",
                period_words(&report.period),
                branch_words(report.branch.as_deref())
            ),
            verification_code: verification_code("report", &number, &figures),
            number: number.clone(),
            printed,
            sections,
        };
        let pdf = clinic_pdf::report(&view).map_err(pdf_error)?;
        Ok(Document {
            reference: DocumentRef::Report(report.clone()),
            patient: None,
            title: format!("{title} {}", report.period.label()),
            file_name: format!("{}.pdf", number.to_lowercase().replace([' ', '.'], "-")),
            pdf,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reports_number_names_its_kind_period_and_branch() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let r = ReportRef {
            kind: ReportKind::CashUp,
            period: Period::day(day),
            branch: None,
        };
        assert_eq!(r.number(), "CASH-UP 2026-12-01 ALL");
        let s = ReportRef {
            kind: ReportKind::Summary,
            period: Period::month(2026, 12).unwrap(),
            branch: Some(" br01".into()),
        };
        assert_eq!(s.number(), "SUMMARY 2026-12 BR01");
        assert_eq!(words("partly_approved"), "Partly approved");
        assert_eq!(
            period_words(&s.period),
            "1 December 2026 – 31 December 2026"
        );
    }
}
