//! `clinic invoice …`, `clinic price …`, `clinic claim …` and `clinic report …`: billing
//! from a terminal. Invoices are named by their number (or a draft by its id); the core
//! computes, numbers, checks who may and audits; this file parses and prints. Amounts
//! are typed and printed in the currency's units (`12.50`), kept in minor units.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::billing::insurance::PolicyInput;
use clinic_core::billing::invoices::{InvoiceView, LineInput, PaymentInput, PriceItem};
use clinic_core::billing::reports::Period;
use clinic_core::documents::{DocumentRef, ReportKind, ReportRef};
use clinic_core::money::Currency;

#[derive(Subcommand)]
pub enum InvoiceCommand {
    /// This branch's drafts and issued invoices.
    List,
    /// An invoice by its number (or id), with lines, totals and payments.
    Show { invoice: String },
    /// A walk-in draft, for a patient (--mrn) or none. Prints its id.
    New {
        #[arg(long)]
        mrn: Option<String>,
    },
    /// Add a line to a draft: a price-list code, or --description with --price.
    Add {
        invoice: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long, default_value = "other")]
        category: String,
        /// Unit price in the currency's units (e.g. 12.50).
        #[arg(long)]
        price: Option<String>,
        /// Tax in percent (e.g. 16).
        #[arg(long, default_value = "0")]
        tax: String,
        #[arg(long, default_value_t = 1)]
        quantity: i64,
    },
    /// Add what the pharmacy gave the draft's patient (or --sale, one over-the-counter sale).
    Dispensed {
        invoice: String,
        #[arg(long)]
        sale: Option<String>,
    },
    /// Take a line off a draft (by its id from `show`).
    Remove { line: String },
    /// Discount a draft's line by a percentage, with the reason (accountants).
    Discount {
        line: String,
        #[arg(long)]
        percent: String,
        #[arg(long)]
        reason: String,
    },
    /// Issue a draft: it gets its number and is frozen.
    Issue { invoice: String },
    /// Take a payment (or, negative with --reason, a refund).
    Pay {
        invoice: String,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "cash")]
        method: String,
        /// Cash handed over (the change is printed).
        #[arg(long)]
        tendered: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Void an issued invoice, with the reason.
    Void {
        invoice: String,
        #[arg(long)]
        reason: String,
    },
    /// Credit an issued invoice in full with a credit note, with the reason.
    Credit {
        invoice: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum PriceCommand {
    /// The price list.
    List,
    /// Add or change a price (administrators).
    Set {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        category: String,
        #[arg(long)]
        price: String,
        #[arg(long, default_value = "0")]
        tax: String,
        #[arg(long)]
        inactive: bool,
    },
}

#[derive(Subcommand)]
pub enum ClaimCommand {
    /// Add or change a payer.
    Payer {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Record a patient's policy.
    Policy {
        #[arg(long)]
        mrn: String,
        #[arg(long)]
        payer: String,
        #[arg(long)]
        number: String,
        /// Coverage in percent.
        #[arg(long)]
        coverage: String,
        #[arg(long)]
        valid_until: Option<String>,
    },
    /// Draft a claim for an issued invoice on a policy (by its id). Prints the claim id.
    New {
        invoice: String,
        #[arg(long)]
        policy: String,
    },
    Submit {
        claim: String,
    },
    /// Record the payer's decision: what it approved (0 denies).
    Decide {
        claim: String,
        #[arg(long)]
        approved: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record the payer's payment of an approved claim.
    Paid {
        claim: String,
        #[arg(long)]
        reference: Option<String>,
    },
    /// Claims, optionally of one status.
    List {
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// What each cashier took over a period, by method (--csv writes the CSV, --pdf the
    /// printable report).
    CashUp {
        /// A day (YYYY-MM-DD), a month (YYYY-MM) or a range (YYYY-MM-DD..YYYY-MM-DD).
        #[arg(long, alias = "day")]
        period: String,
        #[arg(long)]
        branch: Option<String>,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// A period's summary: visits, revenue, received, outstanding, claims, stock (--csv
    /// writes the CSV, --pdf the printable report).
    #[command(alias = "month")]
    Summary {
        /// A month (YYYY-MM), a day or a range (YYYY-MM-DD..YYYY-MM-DD).
        #[arg(long, alias = "month")]
        period: String,
        #[arg(long)]
        branch: Option<String>,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
}

/// Parses an amount typed in the currency's units into minor units, exactly.
pub fn parse_amount(text: &str, digits: u8) -> anyhow::Result<i64> {
    let t = text.trim();
    let (negative, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = usize::from(digits);
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > digits
    {
        bail!("{text:?} is not an amount with at most {digits} decimals");
    }
    let scale = 10i64.pow(u32::try_from(digits).unwrap_or(0));
    let whole: i64 = whole.parse().context("the amount is too large")?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<digits$}").parse()?
    };
    let minor = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .context("the amount is too large")?;
    Ok(if negative { -minor } else { minor })
}

/// A percentage ("16", "7.5") as basis points.
fn percent_bp(text: &str) -> anyhow::Result<i64> {
    parse_amount(text, 2).with_context(|| format!("{text:?} is not a percentage"))
}

fn money(minor: i64, digits: u8) -> String {
    clinic_core::billing::reports::decimal(minor, digits)
}

fn digits(session: &Session) -> anyhow::Result<u8> {
    Ok(Currency::parse(&session.clinic().currency)?.minor_digits)
}

fn print_invoice(v: &InvoiceView, d: u8) -> anyhow::Result<()> {
    out!(
        "{} {} {} [{}] total {} paid {} balance {}",
        v.invoice.number.as_deref().unwrap_or("draft"),
        v.invoice.id,
        v.invoice.kind,
        v.state,
        money(v.totals.total_minor, d),
        money(v.paid_minor, d),
        money(v.balance_minor, d)
    );
    for l in &v.lines {
        out!(
            "  {} {} × {} {}{} = {} ({})",
            l.line.id,
            l.line.quantity,
            money(l.line.unit_price_minor, d),
            l.line.description,
            if l.line.discount_bp > 0 {
                format!(" less {}%", money(l.line.discount_bp, 2))
            } else {
                String::new()
            },
            money(l.totals.total_minor, d),
            l.line.category
        );
    }
    for p in &v.payments {
        out!(
            "  payment {} {} {} by {}{}",
            p.receipt_number,
            p.method,
            money(p.amount_minor, d),
            p.received_by_name,
            p.change_minor
                .map(|c| format!(", change {}", money(c, d)))
                .unwrap_or_default()
        );
    }
    Ok(())
}

pub fn invoice(session: &mut Session, command: InvoiceCommand) -> anyhow::Result<()> {
    let d = digits(session)?;
    match command {
        InvoiceCommand::List => {
            for v in session.open_invoices()? {
                print_invoice(&v, d)?;
            }
        }
        InvoiceCommand::Show { invoice } => print_invoice(&session.invoice(&invoice)?, d)?,
        InvoiceCommand::New { mrn } => {
            let patient = mrn
                .map(|m| session.patient_by_mrn(m.trim()).map(|p| p.id))
                .transpose()?;
            out!("{}", session.new_invoice(patient)?.invoice.id);
        }
        InvoiceCommand::Add {
            invoice,
            code,
            description,
            category,
            price,
            tax,
            quantity,
        } => {
            let input = LineInput {
                code,
                category: Some(category),
                description,
                unit_price_minor: price.map(|p| parse_amount(&p, d)).transpose()?,
                tax_bp: Some(percent_bp(&tax)?),
                quantity,
            };
            print_invoice(&session.add_invoice_line(&invoice, &input)?, d)?;
        }
        InvoiceCommand::Dispensed { invoice, sale } => {
            print_invoice(&session.add_dispensed_lines(&invoice, sale.as_deref())?, d)?;
        }
        InvoiceCommand::Remove { line } => print_invoice(&session.remove_invoice_line(&line)?, d)?,
        InvoiceCommand::Discount {
            line,
            percent,
            reason,
        } => print_invoice(
            &session.discount_line(&line, percent_bp(&percent)?, &reason)?,
            d,
        )?,
        InvoiceCommand::Issue { invoice } => print_invoice(&session.issue_invoice(&invoice)?, d)?,
        InvoiceCommand::Pay {
            invoice,
            amount,
            method,
            tendered,
            reference,
            reason,
        } => {
            let p = session.record_payment(
                &invoice,
                &PaymentInput {
                    method,
                    amount_minor: parse_amount(&amount, d)?,
                    tendered_minor: tendered.map(|t| parse_amount(&t, d)).transpose()?,
                    reference,
                    reason,
                },
            )?;
            out!(
                "receipt {} {} {}{}",
                p.receipt_number,
                p.method,
                money(p.amount_minor, d),
                p.change_minor
                    .map(|c| format!(", change {}", money(c, d)))
                    .unwrap_or_default()
            );
        }
        InvoiceCommand::Void { invoice, reason } => {
            print_invoice(&session.void_invoice(&invoice, &reason)?, d)?;
        }
        InvoiceCommand::Credit { invoice, reason } => {
            print_invoice(&session.credit_invoice(&invoice, &reason)?, d)?;
        }
    }
    Ok(())
}

pub fn price(session: &mut Session, command: PriceCommand) -> anyhow::Result<()> {
    let d = digits(session)?;
    match command {
        PriceCommand::List => {
            for p in session.price_list()? {
                out!(
                    "{} {} ({}) {} tax {}%{}",
                    p.code,
                    p.name,
                    p.category,
                    money(p.price_minor, d),
                    money(p.tax_bp, 2),
                    if p.active { "" } else { " inactive" }
                );
            }
        }
        PriceCommand::Set {
            code,
            name,
            category,
            price,
            tax,
            inactive,
        } => {
            let p = session.set_price(&PriceItem {
                id: String::new(),
                code,
                name,
                category,
                price_minor: parse_amount(&price, d)?,
                tax_bp: percent_bp(&tax)?,
                active: !inactive,
            })?;
            out!("{} {} {}", p.code, p.name, money(p.price_minor, d));
        }
    }
    Ok(())
}

pub fn claim(session: &mut Session, command: ClaimCommand) -> anyhow::Result<()> {
    let d = digits(session)?;
    let show = |c: &clinic_core::billing::insurance::Claim| -> anyhow::Result<()> {
        out!(
            "{} {} claimed {}{}",
            c.id,
            c.status,
            money(c.claimed_minor, d),
            c.approved_minor
                .map(|a| format!(", approved {}", money(a, d)))
                .unwrap_or_default()
        );
        Ok(())
    };
    match command {
        ClaimCommand::Payer { code, name } => {
            let p = session.set_payer(&code, &name, true)?;
            out!("{} {}", p.code, p.name);
        }
        ClaimCommand::Policy {
            mrn,
            payer,
            number,
            coverage,
            valid_until,
        } => {
            let patient = session.patient_by_mrn(mrn.trim())?.id;
            let p = session.add_policy(
                patient,
                &PolicyInput {
                    payer,
                    policy_number: number,
                    coverage_bp: percent_bp(&coverage)?,
                    valid_until,
                },
            )?;
            out!("{}", p.id);
        }
        ClaimCommand::New { invoice, policy } => show(&session.create_claim(&invoice, &policy)?)?,
        ClaimCommand::Submit { claim } => show(&session.submit_claim(&claim)?)?,
        ClaimCommand::Decide {
            claim,
            approved,
            note,
        } => show(&session.decide_claim(&claim, parse_amount(&approved, d)?, note.as_deref())?)?,
        ClaimCommand::Paid { claim, reference } => {
            show(&session.claim_paid(&claim, reference.as_deref())?)?;
        }
        ClaimCommand::List { status } => {
            for c in session.claims(status.as_deref())? {
                show(&c)?;
            }
        }
    }
    Ok(())
}

fn write_file(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    crate::export::write_atomically(path, text.as_bytes())
}

/// Writes a report's PDF (audited as an export by the core).
fn report_pdf(
    session: &mut Session,
    kind: ReportKind,
    period: Period,
    branch: Option<String>,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let report = ReportRef {
        kind,
        period,
        branch,
    };
    let doc = session.export_document(DocumentRef::Report(report), path)?;
    out!("wrote {} to {}", doc.title, path.display());
    Ok(())
}

pub fn report(session: &mut Session, command: ReportCommand) -> anyhow::Result<()> {
    let d = digits(session)?;
    match command {
        ReportCommand::CashUp {
            period,
            branch,
            csv,
            pdf,
        } => {
            let period = Period::parse(&period)?;
            if let Some(path) = csv {
                write_file(&path, &session.cash_up_csv(period, branch.as_deref())?)?;
                out!("wrote {}", path.display());
                return Ok(());
            }
            if let Some(path) = pdf {
                return report_pdf(session, ReportKind::CashUp, period, branch, &path);
            }
            let c = session.cash_up(period, branch.as_deref())?;
            for r in &c.rows {
                out!(
                    "{} {} {}: {} payment(s), {}",
                    r.branch_code,
                    r.user_name,
                    r.method,
                    r.payments,
                    money(r.amount_minor, d)
                );
            }
            out!("total {} {}", money(c.total_minor, d), c.currency);
        }
        ReportCommand::Summary {
            period,
            branch,
            csv,
            pdf,
        } => {
            let period = Period::parse(&period)?;
            if let Some(path) = csv {
                write_file(&path, &session.summary_csv(period, branch.as_deref())?)?;
                out!("wrote {}", path.display());
                return Ok(());
            }
            if let Some(path) = pdf {
                return report_pdf(session, ReportKind::Summary, period, branch, &path);
            }
            let s = session.summary(period, branch.as_deref())?;
            out!(
                "{}: {} visits, revenue {}, received {}",
                s.label,
                s.visits,
                money(s.revenue_minor, d),
                money(s.received_minor, d)
            );
            for (k, v) in &s.revenue_by_category {
                out!("  {k}: {}", money(*v, d));
            }
            out!(
                "  outstanding: {} invoices, {} over 90 days",
                s.outstanding.invoices,
                money(s.outstanding.over_90, d)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_typed_in_units_and_kept_exactly_in_minor_units() {
        assert_eq!(parse_amount("12.5", 2).unwrap(), 1250);
        assert_eq!(parse_amount("-0.05", 2).unwrap(), -5);
        assert_eq!(parse_amount("1500", 0).unwrap(), 1500);
        assert_eq!(parse_amount("1.234", 3).unwrap(), 1234);
        assert!(parse_amount("1.234", 2).is_err(), "too many decimals");
        assert!(parse_amount("1e3", 2).is_err());
        assert!(parse_amount("", 2).is_err());
        assert_eq!(percent_bp("7.5").unwrap(), 750);
    }
}
