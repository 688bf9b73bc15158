//! Invoices, credit notes and receipts as printed: the print views filled from
//! [`Session::invoice`] (itself authorized, `BillingRead`, and audited).
//!
//! Invariants:
//! - A draft invoice has no document (it has no number and its lines still change);
//!   an issued one prints, a void one prints marked VOID with why, a credit note names
//!   the invoice it credits.
//! - Every amount is formatted here from integer minor units with the invoice's
//!   currency's digits; `clinic-pdf` receives text and adds nothing up.
//! - A receipt's "balance after" counts the payments up to and including it, in the
//!   order they were received, so a reprint of an early receipt says what it said then.

use chrono::DateTime;
use rusqlite::OptionalExtension as _;

use super::{Document, DocumentRef, long_date, patient, pdf_error, stored_day, verification_code};
use crate::billing::invoices::{InvoiceView, Payment};
use crate::clinic_time::ClinicTime;
use crate::error::{Error, Result};
use crate::ids::{InvoiceId, PaymentId};
use crate::money::{Currency, Money};
use crate::session::Session;

/// The invoice a payment was taken on (its id as stored), if the payment exists.
pub(crate) fn invoice_of_payment(
    conn: &rusqlite::Connection,
    payment: PaymentId,
) -> Result<Option<String>> {
    conn.query_row(
        "SELECT invoice_id FROM payments WHERE id = ?1",
        [payment.to_string()],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// Amounts in one currency, as printed (invoices, receipts and reports).
pub(crate) struct Amounts(pub(crate) Currency);

impl Amounts {
    /// "KES 1234.50".
    fn money(&self, minor: i64) -> String {
        Money::new(minor, self.0).to_string()
    }

    /// "1234.50": a table's cells, under a heading that names the currency.
    pub(crate) fn plain(&self, minor: i64) -> String {
        let text = self.money(minor);
        match text.split_once(' ') {
            Some((_, number)) => number.to_owned(),
            None => text,
        }
    }
}

/// A rate in basis points as printed: 1600 → "16 %", 1650 → "16.5 %", 1625 → "16.25 %".
pub(crate) fn rate(bp: i64) -> String {
    let (whole, hundredths) = (bp / 100, (bp % 100).abs());
    if hundredths == 0 {
        format!("{whole} %")
    } else {
        let decimals = format!("{hundredths:02}");
        format!("{whole}.{} %", decimals.trim_end_matches('0'))
    }
}

/// How a payment was made, in words.
pub(crate) fn method_words(method: &str) -> String {
    match method {
        "cash" => "Cash",
        "card" => "Card",
        "mobile_money" => "Mobile money",
        "bank_transfer" => "Bank transfer",
        "insurance" => "Insurance",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A stored time on the clinic's wall clock, in words: "2 December 2026 09:14".
fn long_time(time: &ClinicTime, stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t
            .with_timezone(&time.zone())
            .format("%-d %B %Y %H:%M")
            .to_string(),
        Err(_) => stored.to_owned(),
    }
}

/// The letterhead's registration line that names the clinic's tax number (a KRA PIN, a
/// VAT or GST number, a TIN), or "".
pub(crate) fn tax_line(registration: &[String]) -> String {
    registration
        .iter()
        .find(|line| {
            line.split(|c: char| !c.is_alphanumeric())
                .any(|w| ["tax", "vat", "pin", "tin", "gst"].contains(&w.to_lowercase().as_str()))
        })
        .cloned()
        .unwrap_or_default()
}

/// Where an invoice stands, in words.
fn status_words(view: &InvoiceView) -> String {
    match (view.invoice.kind.as_str(), view.state.as_str()) {
        (_, "void") => "Void",
        ("credit_note", _) => "Issued",
        (_, "issued") => "Unpaid",
        (_, "partially_paid") => "Partially paid",
        (_, "paid") => "Paid",
        (_, "overpaid") => "Overpaid",
        (_, other) => return other.to_owned(),
    }
    .to_owned()
}

/// A payment's receipt number, reference and (for a refund) reason, as one text.
fn payment_reference(p: &Payment) -> String {
    let mut parts = vec![p.receipt_number.clone()];
    parts.extend(p.reference.iter().filter(|r| !r.trim().is_empty()).cloned());
    if let Some(reason) = p.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        parts.push(format!("refund: {reason}"));
    }
    parts.join(" · ")
}

/// The invoice's number, refusing a draft (which has none to print).
fn printable_number(view: &InvoiceView) -> Result<String> {
    match (view.invoice.status.as_str(), view.invoice.number.as_deref()) {
        ("issued" | "void", Some(n)) => Ok(n.to_owned()),
        _ => Err(Error::validation(
            "invoice",
            "a draft invoice is not printed; issue it first",
        )),
    }
}

impl Session {
    /// The letterhead, the patient on `day` and the clinic's tax line for a billing paper.
    fn billing_heading(
        &mut self,
        view: &InvoiceView,
        day: chrono::NaiveDate,
    ) -> Result<(clinic_pdf::Letterhead, clinic_pdf::Patient, String)> {
        let letterhead = self.print_letterhead()?;
        let tax_id = tax_line(&letterhead.registration_numbers);
        let patient = match view.invoice.patient_id {
            Some(id) => clinic_pdf::Patient {
                sex: String::new(),
                ..patient(self.live()?.store.conn(), id, day)?
            },
            None => clinic_pdf::Patient::default(),
        };
        Ok((letterhead, patient, tax_id))
    }

    /// The print view of an issued, void or credit-note invoice.
    fn invoice_view(&mut self, view: &InvoiceView) -> Result<clinic_pdf::InvoiceView> {
        let number = printable_number(view)?;
        let inv = &view.invoice;
        let amounts = Amounts(Currency::parse(&inv.currency)?);
        let time = self.clinic_time()?;
        let today = self.today()?;
        let issued_day = inv
            .issued_at
            .as_deref()
            .and_then(|t| stored_day(&time, t))
            .unwrap_or(today);
        let (letterhead, patient, tax_id) = self.billing_heading(view, issued_day)?;
        let credit_of = match inv.credit_of.as_deref() {
            Some(original) => {
                crate::billing::invoices::store::invoice(self.live()?.store.conn(), original)?
                    .and_then(|o| o.number)
                    .unwrap_or_else(|| original.to_owned())
            }
            None => String::new(),
        };
        let void = (inv.status == "void").then(|| {
            let when = inv
                .voided_at
                .as_deref()
                .and_then(|t| stored_day(&time, t))
                .map(|d| format!("Voided {}", long_date(d)))
                .unwrap_or_else(|| "Voided".to_owned());
            match inv.void_reason.as_deref().filter(|r| !r.trim().is_empty()) {
                Some(reason) => format!("{when}: {reason}"),
                None => when,
            }
        });
        let lines = view
            .lines
            .iter()
            .map(|l| clinic_pdf::InvoiceLineView {
                description: l.line.description.clone(),
                note: match l.line.discount_reason.as_deref() {
                    Some(r) if l.line.discount_bp > 0 && !r.trim().is_empty() => {
                        format!("Discount: {r}")
                    }
                    _ => String::new(),
                },
                quantity: l.line.quantity.to_string(),
                unit_price: amounts.plain(l.line.unit_price_minor),
                discount: if l.line.discount_bp > 0 {
                    rate(l.line.discount_bp)
                } else {
                    String::new()
                },
                tax_rate: rate(l.line.tax_bp),
                total: amounts.plain(l.totals.total_minor),
            })
            .collect();
        let t = &view.totals;
        Ok(clinic_pdf::InvoiceView {
            letterhead,
            title: if inv.kind == "credit_note" {
                "Credit note"
            } else {
                "Invoice"
            }
            .into(),
            void,
            verification_code: verification_code("invoice", &number, &inv.id),
            number,
            credit_of,
            issued: long_date(issued_day),
            printed: long_date(today),
            tax_id,
            patient,
            currency: amounts.0.code().to_owned(),
            lines,
            subtotal: amounts.money(t.subtotal_minor),
            discount: if t.discount_minor == 0 {
                String::new()
            } else {
                amounts.money(-t.discount_minor)
            },
            tax_by_rate: t
                .tax_by_rate
                .iter()
                .filter(|(bp, _)| **bp != 0)
                .map(|(bp, tax)| (format!("Tax {}", rate(*bp)), amounts.money(*tax)))
                .collect(),
            total: amounts.money(t.total_minor),
            payments: view
                .payments
                .iter()
                .map(|p| clinic_pdf::InvoicePaymentView {
                    date: long_time(&time, &p.received_at),
                    method: method_words(&p.method),
                    reference: payment_reference(p),
                    amount: amounts.money(p.amount_minor),
                })
                .collect(),
            paid: amounts.money(view.paid_minor),
            balance: if view.balance_minor < 0 {
                format!("{} overpaid", amounts.money(-view.balance_minor))
            } else {
                amounts.money(view.balance_minor)
            },
            status: status_words(view),
        })
    }

    /// The print view of one payment's receipt (or a refund's).
    fn receipt_view(
        &mut self,
        view: &InvoiceView,
        payment: &Payment,
    ) -> Result<clinic_pdf::ReceiptView> {
        let invoice_number = printable_number(view)?;
        let amounts = Amounts(Currency::parse(&view.invoice.currency)?);
        let time = self.clinic_time()?;
        let today = self.today()?;
        let day = stored_day(&time, &payment.received_at).unwrap_or(today);
        let (letterhead, patient, tax_id) = self.billing_heading(view, day)?;
        // Payments are listed in the order received; this one and those before it.
        let paid_then: i64 = view
            .payments
            .iter()
            .take_while(|p| p.id != payment.id)
            .map(|p| p.amount_minor)
            .sum::<i64>()
            + payment.amount_minor;
        let balance = view.totals.total_minor - paid_then;
        let refund = payment.amount_minor < 0;
        Ok(clinic_pdf::ReceiptView {
            letterhead,
            title: if refund { "Refund" } else { "Receipt" }.into(),
            verification_code: verification_code("receipt", &payment.receipt_number, &payment.id),
            number: payment.receipt_number.clone(),
            invoice_number,
            date: long_time(&time, &payment.received_at),
            printed: long_date(today),
            tax_id,
            patient,
            method: method_words(&payment.method),
            reference: payment.reference.clone().unwrap_or_default(),
            amount: amounts.money(payment.amount_minor.abs()),
            tendered: payment
                .tendered_minor
                .map(|m| amounts.money(m))
                .unwrap_or_default(),
            change: payment
                .change_minor
                .map(|m| amounts.money(m))
                .unwrap_or_default(),
            reason: payment.reason.clone().unwrap_or_default(),
            balance_after: if balance < 0 {
                format!("{} overpaid", amounts.money(-balance))
            } else {
                amounts.money(balance)
            },
            received_by: payment.received_by_name.clone(),
        })
    }

    /// An invoice or credit note laid out (an audited read of the invoice).
    pub(crate) fn invoice_document(&mut self, id: InvoiceId) -> Result<Document> {
        let view = self.invoice(&id.to_string())?;
        let print = self.invoice_view(&view)?;
        let pdf = clinic_pdf::invoice(&print).map_err(pdf_error)?;
        let file = if view.invoice.kind == "credit_note" {
            "credit-note"
        } else {
            "invoice"
        };
        Ok(Document {
            reference: DocumentRef::Invoice(id),
            patient: view.invoice.patient_id,
            title: format!("{} {}", print.title, print.number),
            file_name: format!("{file}-{}.pdf", print.number),
            pdf,
        })
    }

    /// A payment's receipt laid out (an audited read of its invoice).
    pub(crate) fn receipt_document(&mut self, id: PaymentId) -> Result<Document> {
        // Asked first, so who may not read invoices learns nothing of which payments exist.
        self.authorize(
            crate::policy::Action::BillingRead,
            crate::policy::Target::Any,
        )?;
        let invoice = invoice_of_payment(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("payment", format!("there is no payment {id}")))?;
        let view = self.invoice(&invoice)?;
        let payment = view
            .payments
            .iter()
            .find(|p| p.id == id.to_string())
            .cloned()
            .ok_or_else(|| Error::Internal(format!("payment {id} is not on its invoice")))?;
        let print = self.receipt_view(&view, &payment)?;
        let pdf = clinic_pdf::receipt(&print).map_err(pdf_error)?;
        Ok(Document {
            reference: DocumentRef::Receipt(id),
            patient: view.invoice.patient_id,
            title: format!("{} {}", print.title, print.number),
            file_name: format!("receipt-{}.pdf", print.number),
            pdf,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_print_as_percent_without_trailing_zeros() {
        assert_eq!(rate(1600), "16 %");
        assert_eq!(rate(1650), "16.5 %");
        assert_eq!(rate(1625), "16.25 %");
        assert_eq!(rate(5), "0.05 %");
        assert_eq!(rate(0), "0 %");
    }

    #[test]
    fn amounts_keep_the_currencys_digits_and_table_cells_drop_the_code() {
        let kes = Amounts(Currency::parse("KES").unwrap());
        assert_eq!(kes.money(2506), "KES 25.06");
        assert_eq!(kes.plain(-240), "-2.40");
        let jpy = Amounts(Currency::parse("JPY").unwrap());
        assert_eq!(jpy.plain(1500), "1500");
    }

    #[test]
    fn the_tax_line_is_the_registration_that_names_a_tax_number() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            tax_line(&lines(&[
                "KMPDC facility reg. no. F-2041",
                "KRA PIN P051234567X"
            ])),
            "KRA PIN P051234567X"
        );
        assert_eq!(tax_line(&lines(&["VAT no. GB123"])), "VAT no. GB123");
        assert_eq!(
            tax_line(&lines(&["Facility reg. no. KMPDC/123", "Pinewood branch"])),
            "",
            "a word containing pin is not a tax number"
        );
    }
}
