//! Billing's reports and their CSV and PDF exports: the cash-up (what each cashier
//! should hand over, by method) and the summary (visits, revenue by doctor, category and
//! branch, outstanding invoices by age, claims, stock value), each over a [`Period`] of
//! clinic days (a day, a month or any range) at every branch or one.
//!
//! Invariants:
//! - Figures come from the records as they stand (invoices' lines through
//!   [`crate::billing::invoices::totals`], payments as recorded), in minor units; days
//!   are the clinic's days in its time zone.
//! - Every export is audited; a CSV is RFC 4180 in UTF-8, and a cell a spreadsheet
//!   would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
//!   is written with a leading apostrophe.
//! - Reading a report needs billing's read right (front desk, accountants,
//!   administrators).

pub(crate) mod store;

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};
use serde::Serialize;

use crate::billing::invoices::totals;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{Event, Outcome};

/// Clinic days from `from` to `to`, both included: what a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest period a report covers: five years of clinic days.
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

impl Period {
    /// `from` to `to`, both included; refused when backwards or longer than five years.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self> {
        if to < from {
            return Err(Error::validation(
                "period",
                format!("ends ({to}) before it starts ({from}); swap the dates"),
            ));
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(Error::validation(
                "period",
                "is longer than five years; report on a shorter period",
            ));
        }
        Ok(Period { from, to })
    }

    /// One clinic day.
    pub fn day(day: NaiveDate) -> Self {
        Period { from: day, to: day }
    }

    /// The calendar month `year`-`month`.
    pub fn month(year: i32, month: u32) -> Result<Self> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| Error::validation("period", "is a month from 1 to 12 of a year"))?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .ok_or_else(|| Error::validation("period", "is out of range"))?;
        Ok(Period {
            from,
            to: next - chrono::Duration::days(1),
        })
    }

    /// A period as typed: a day `2026-03-14`, a month `2026-03`, or a range
    /// `2026-03-01..2026-03-15` (both days included).
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
        if let Some((a, b)) = text.split_once("..") {
            return match (date(a), date(b)) {
                (Some(from), Some(to)) => Period::new(from, to),
                _ => Err(Error::validation(
                    "period",
                    format!("\"{text}\" is not a range of days such as 2026-03-01..2026-03-15"),
                )),
            };
        }
        if let Some(day) = date(text) {
            return Ok(Period::day(day));
        }
        let month = text
            .split_once('-')
            .filter(|(y, m)| y.len() == 4 && (1..=2).contains(&m.len()))
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
        match month {
            Some((y, m)) => Period::month(y, m),
            None => Err(Error::validation(
                "period",
                format!(
                    "\"{text}\" is not a day (2026-03-14), a month (2026-03) or a range (2026-03-01..2026-03-15)"
                ),
            )),
        }
    }

    /// How the period is written back: `2026-03-14`, `2026-03`, or `2026-03-01..2026-03-15`.
    pub fn label(&self) -> String {
        if self.from == self.to {
            return self.from.to_string();
        }
        if let Ok(m) = Period::month(self.from.year(), self.from.month())
            && m == *self
        {
            return self.from.format("%Y-%m").to_string();
        }
        format!("{}..{}", self.from, self.to)
    }

    /// The day after the last: the period is `[from, end)`.
    fn end(&self) -> NaiveDate {
        self.to + chrono::Duration::days(1)
    }
}

/// One cashier's takings by one method in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashUpRow {
    pub branch_code: String,
    pub user_name: String,
    pub method: String,
    pub payments: i64,
    /// Payments less refunds, minor units.
    pub amount_minor: i64,
}

/// What each cashier should hand over for a period (usually a day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashUp {
    pub period: Period,
    /// The period as written back ([`Period::label`]).
    pub label: String,
    /// The branch's code, or none for every branch.
    pub branch: Option<String>,
    pub currency: String,
    pub rows: Vec<CashUpRow>,
    pub by_method: BTreeMap<String, i64>,
    pub total_minor: i64,
}

/// Invoices with something left to pay, by how long since they were issued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outstanding {
    pub days_0_30: i64,
    pub days_31_60: i64,
    pub days_61_90: i64,
    pub over_90: i64,
    pub invoices: i64,
}

/// A period (usually a month) at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub period: Period,
    /// The period as written back ([`Period::label`]).
    pub label: String,
    /// The branch's code, or none for every branch.
    pub branch: Option<String>,
    pub currency: String,
    /// Visits completed in the period.
    pub visits: i64,
    /// Issued invoices' totals (credit notes subtract), by the visit's doctor
    /// ("walk-in" for invoices without a visit).
    pub revenue_by_doctor: BTreeMap<String, i64>,
    /// By line category (consultation, lab, pharmacy, …).
    pub revenue_by_category: BTreeMap<String, i64>,
    pub revenue_by_branch: BTreeMap<String, i64>,
    pub revenue_minor: i64,
    /// Payments received in the period, less refunds.
    pub received_minor: i64,
    /// As of the period's last day.
    pub outstanding: Outstanding,
    /// Every branch's stock at cost, now.
    pub stock_value_minor: i64,
    /// Claims made in the period, by where they stand: (count, claimed).
    pub claims_by_status: BTreeMap<String, (i64, i64)>,
}

/// The administrator's dashboard: the last weeks at a glance, each series ready for a
/// chart (oldest first, every day or week present, zero when nothing happened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub currency: String,
    /// (clinic day `YYYY-MM-DD`, appointments starting that day, not cancelled).
    pub appointments_per_day: Vec<(String, i64)>,
    /// (Monday of the week, issued invoices' totals that week, credit notes subtracted).
    pub revenue_per_week: Vec<(String, i64)>,
    /// No-shows over appointments that were kept or missed in the period, basis points.
    pub no_show_rate_bp: i64,
    /// (ICD-10-CM code or empty, title, diagnoses recorded in the period), most first.
    pub top_diagnoses: Vec<(String, String, i64)>,
    /// Low, expiring and expired stock at this branch.
    pub stock_alerts: usize,
    /// Invoices with a balance left, and how much.
    pub outstanding_invoices: i64,
    pub outstanding_minor: i64,
}

/// A cell that a spreadsheet would run as a formula, made inert. A plain number (an
/// amount, possibly negative) is left as it is: it is data, not a formula.
pub fn csv_cell(text: &str) -> String {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let number = !digits.is_empty()
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if !number && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A report's branch filter as typed: none (or empty) for every branch, otherwise a
/// branch code such as `BR01` (any case), refused when it could not be one.
pub fn branch_filter(branch: Option<&str>) -> Result<Option<String>> {
    let Some(code) = branch.map(str::trim).filter(|b| !b.is_empty()) else {
        return Ok(None);
    };
    let code = code.to_ascii_uppercase();
    let valid = code.len() <= 16
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if valid {
        Ok(Some(code))
    } else {
        Err(Error::validation(
            "branch",
            format!(
                "\"{code}\" is not a branch code such as BR01; leave it empty for every branch"
            ),
        ))
    }
}

/// Money in minor units as a plain decimal for a CSV cell (`1234.50`).
pub fn decimal(minor: i64, digits: u8) -> String {
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(u32::from(digits));
    let sign = if minor < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:0width$}",
        minor.unsigned_abs() / scale.unsigned_abs(),
        minor.unsigned_abs() % scale.unsigned_abs(),
        width = usize::from(digits)
    )
}

fn write_csv(header: &[&str], rows: Vec<Vec<String>>) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let internal = |e: csv::Error| Error::Internal(format!("csv: {e}"));
    w.write_record(header).map_err(internal)?;
    for row in rows {
        w.write_record(row.iter().map(|c| csv_cell(c)))
            .map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

impl Session {
    fn currency_digits(&self) -> Result<u8> {
        Ok(crate::money::Currency::parse(&self.clinic().currency)?.minor_digits)
    }

    /// What each cashier took over the clinic days of `period`, by method, at every
    /// branch or one (`branch`, a code).
    pub fn cash_up(&mut self, period: Period, branch: Option<&str>) -> Result<CashUp> {
        self.authorize(Action::BillingRead, Target::Any)?;
        let time = self.clinic_time()?;
        let from = to_db_time(time.day_start(period.from));
        let to = to_db_time(time.day_start(period.end()));
        let branch = branch_filter(branch)?;
        let rows = store::takings(self.live()?.store.conn(), &from, &to, branch.as_deref())?;
        let mut by_method: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            *by_method.entry(r.method.clone()).or_default() += r.amount_minor;
        }
        self.write_event(
            Event::new("billing.cash_up", Outcome::Success)
                .details(serde_json::json!({ "period": period.label(), "branch": branch })),
        )?;
        Ok(CashUp {
            period,
            label: period.label(),
            branch,
            currency: self.clinic().currency.clone(),
            total_minor: rows.iter().map(|r| r.amount_minor).sum(),
            rows,
            by_method,
        })
    }

    /// The clinic days of `period` at every branch or one.
    pub fn summary(&mut self, period: Period, branch: Option<&str>) -> Result<Summary> {
        self.authorize(Action::BillingRead, Target::Any)?;
        let last = period.to;
        let time = self.clinic_time()?;
        let from = to_db_time(time.day_start(period.from));
        let to = to_db_time(time.day_start(period.end()));
        let branch = branch_filter(branch)?;
        store::refresh_balances(&mut self.live()?.store)?;
        let conn = self.live()?.store.conn();
        let visits = store::visits_completed(conn, &from, &to, branch.as_deref())?;
        let mut revenue_by_doctor: BTreeMap<String, i64> = BTreeMap::new();
        let mut revenue_by_category: BTreeMap<String, i64> = BTreeMap::new();
        let mut revenue_by_branch: BTreeMap<String, i64> = BTreeMap::new();
        let mut revenue_minor = 0i64;
        for (invoice_branch, doctor, lines) in
            store::issued_lines(conn, &from, &to, branch.as_deref())?
        {
            for (category, amounts) in lines {
                let t = totals::line(amounts)?.total_minor;
                *revenue_by_category.entry(category).or_default() += t;
                *revenue_by_doctor
                    .entry(doctor.clone().unwrap_or_else(|| "walk-in".into()))
                    .or_default() += t;
                *revenue_by_branch.entry(invoice_branch.clone()).or_default() += t;
                revenue_minor += t;
            }
        }
        let received_minor = store::received(conn, &from, &to, branch.as_deref())?;
        let mut outstanding = Outstanding::default();
        for (issued_at, total, paid) in store::balances_as_of(conn, &to, branch.as_deref())? {
            let balance = total - paid;
            if balance <= 0 {
                continue;
            }
            let issued = chrono::DateTime::parse_from_rfc3339(&issued_at)
                .map(|t| time.date_of(t.with_timezone(&chrono::Utc)))
                .unwrap_or(last);
            let age = (last - issued).num_days();
            outstanding.invoices += 1;
            match age {
                ..=30 => outstanding.days_0_30 += balance,
                31..=60 => outstanding.days_31_60 += balance,
                61..=90 => outstanding.days_61_90 += balance,
                _ => outstanding.over_90 += balance,
            }
        }
        let stock_value_minor = store::stock_value(conn, &last.format("%Y-%m-%d").to_string())?;
        let claims_by_status = store::claims_by_status(conn, &from, &to)?;
        self.write_event(
            Event::new("billing.summary", Outcome::Success)
                .details(serde_json::json!({ "period": period.label(), "branch": branch })),
        )?;
        Ok(Summary {
            period,
            label: period.label(),
            branch,
            currency: self.clinic().currency.clone(),
            visits,
            revenue_by_doctor,
            revenue_by_category,
            revenue_by_branch,
            revenue_minor,
            received_minor,
            outstanding,
            stock_value_minor,
            claims_by_status,
        })
    }

    /// The dashboard over the `weeks` weeks up to today (administrators and billing
    /// staff), from this workstation's data.
    pub fn dashboard(&mut self, weeks: u32) -> Result<Dashboard> {
        self.authorize(Action::BillingRead, Target::Any)?;
        let weeks = weeks.clamp(1, 52);
        let today = self.today()?;
        let monday =
            today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let first = monday - chrono::Duration::weeks(i64::from(weeks) - 1);
        let time = self.clinic_time()?;
        let from = to_db_time(time.day_start(first));
        let to = to_db_time(time.day_start(today + chrono::Duration::days(1)));
        store::refresh_balances(&mut self.live()?.store)?;
        let conn = self.live()?.store.conn();
        // Each clinic day and week is its own range of stored instants, counted from the
        // indexes: nothing is read row by row, however many patients there are.
        let instant = |d: NaiveDate| to_db_time(time.day_start(d));
        let mut appointments_per_day = Vec::new();
        let mut day = first;
        while day <= today {
            let next = day + chrono::Duration::days(1);
            let n = store::appointments_held(conn, &instant(day), &instant(next))?;
            appointments_per_day.push((day.to_string(), n));
            day = next;
        }
        let (kept, missed) = store::kept_and_missed(conn, &from, &to)?;
        let mut revenue_per_week = Vec::new();
        for w in 0..weeks {
            let start = first + chrono::Duration::weeks(i64::from(w));
            let end = (start + chrono::Duration::weeks(1)).min(today + chrono::Duration::days(1));
            let total = store::revenue_between(conn, &instant(start), &instant(end))?;
            revenue_per_week.push((start.to_string(), total));
        }
        let top_diagnoses = store::top_diagnoses(conn, &from, &to, 10)?;
        let (outstanding_invoices, outstanding_minor) = store::outstanding_now(conn)?;
        let stock_alerts = if self.authorize(Action::StockRead, Target::Any).is_ok() {
            self.stock_alerts(crate::pharmacy::stock::EXPIRY_ALERT_DAYS)?
                .len()
        } else {
            0
        };
        self.write_event(Event::new("billing.dashboard", Outcome::Success))?;
        Ok(Dashboard {
            currency: self.clinic().currency.clone(),
            appointments_per_day,
            revenue_per_week,
            no_show_rate_bp: if kept + missed == 0 {
                0
            } else {
                missed * 10_000 / (kept + missed)
            },
            top_diagnoses,
            stock_alerts,
            outstanding_invoices,
            outstanding_minor,
        })
    }

    /// The cash-up as CSV (audited as an export).
    pub fn cash_up_csv(&mut self, period: Period, branch: Option<&str>) -> Result<String> {
        let c = self.cash_up(period, branch)?;
        let digits = self.currency_digits()?;
        let mut rows: Vec<Vec<String>> = c
            .rows
            .iter()
            .map(|r| {
                vec![
                    c.label.clone(),
                    r.branch_code.clone(),
                    r.user_name.clone(),
                    r.method.clone(),
                    r.payments.to_string(),
                    decimal(r.amount_minor, digits),
                ]
            })
            .collect();
        rows.push(vec![
            c.label.clone(),
            String::new(),
            "total".into(),
            String::new(),
            c.rows.iter().map(|r| r.payments).sum::<i64>().to_string(),
            decimal(c.total_minor, digits),
        ]);
        let text = write_csv(
            &[
                "period",
                "branch",
                "cashier",
                "method",
                "payments",
                &format!("amount_{}", c.currency),
            ],
            rows,
        )?;
        self.write_event(
            Event::new("billing.export", Outcome::Success)
                .details(serde_json::json!({ "report": "cash_up", "period": c.label })),
        )?;
        Ok(text)
    }

    /// The summary as CSV, one `section,key,value` row per figure (audited).
    pub fn summary_csv(&mut self, period: Period, branch: Option<&str>) -> Result<String> {
        let m = self.summary(period, branch)?;
        let digits = self.currency_digits()?;
        let money = |v: i64| decimal(v, digits);
        let mut rows = vec![
            vec!["period".into(), "from".into(), m.period.from.to_string()],
            vec!["period".into(), "to".into(), m.period.to.to_string()],
            vec!["visits".into(), "completed".into(), m.visits.to_string()],
            vec!["revenue".into(), "total".into(), money(m.revenue_minor)],
            vec!["received".into(), "total".into(), money(m.received_minor)],
        ];
        for (section, map) in [
            ("revenue_by_doctor", &m.revenue_by_doctor),
            ("revenue_by_category", &m.revenue_by_category),
            ("revenue_by_branch", &m.revenue_by_branch),
        ] {
            for (k, v) in map {
                rows.push(vec![section.into(), k.clone(), money(*v)]);
            }
        }
        let o = &m.outstanding;
        for (k, v) in [
            ("0-30 days", o.days_0_30),
            ("31-60 days", o.days_31_60),
            ("61-90 days", o.days_61_90),
            ("over 90 days", o.over_90),
        ] {
            rows.push(vec!["outstanding".into(), k.into(), money(v)]);
        }
        rows.push(vec![
            "outstanding".into(),
            "invoices".into(),
            o.invoices.to_string(),
        ]);
        rows.push(vec![
            "stock".into(),
            "value at cost".into(),
            money(m.stock_value_minor),
        ]);
        let text = write_csv(&["section", "key", &format!("value_{}", m.currency)], rows)?;
        self.write_event(
            Event::new("billing.export", Outcome::Success)
                .details(serde_json::json!({ "report": "summary", "period": m.label })),
        )?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_cell_is_made_inert_and_money_is_a_plain_decimal() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-5"), "-5", "a negative amount stays a number");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Mwangi"), "Mwangi");
        assert_eq!(decimal(123_450, 2), "1234.50");
        assert_eq!(decimal(-5, 2), "-0.05");
        assert_eq!(decimal(1500, 0), "1500");
        assert_eq!(decimal(1_234_567, 3), "1234.567");
        assert_eq!(branch_filter(Some(" br01 ")).unwrap(), Some("BR01".into()));
        assert_eq!(branch_filter(Some("")).unwrap(), None);
        assert_eq!(branch_filter(None).unwrap(), None);
        for bad in ["../ETC", "BR 01", "1BR", "BR-01"] {
            assert_eq!(
                branch_filter(Some(bad)).unwrap_err().field(),
                Some("branch"),
                "{bad}"
            );
        }
        let text = write_csv(&["a", "b"], vec![vec!["=1+1".into(), "x,\"y\"".into()]]).unwrap();
        assert_eq!(text, "a,b\r\n'=1+1,\"x,\"\"y\"\"\"\r\n");
    }

    #[test]
    fn a_period_is_a_day_a_month_or_a_range_and_reads_back_as_typed() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let day = Period::parse("2026-03-14").unwrap();
        assert_eq!((day.from, day.to), (d("2026-03-14"), d("2026-03-14")));
        assert_eq!(day.label(), "2026-03-14");
        let feb = Period::parse("2028-02").unwrap();
        assert_eq!(
            (feb.from, feb.to),
            (d("2028-02-01"), d("2028-02-29")),
            "a leap February"
        );
        assert_eq!(feb.label(), "2028-02");
        let dec = Period::parse("2026-12").unwrap();
        assert_eq!(dec.to, d("2026-12-31"), "December ends the year");
        let range = Period::parse(" 2026-03-01..2026-03-15 ").unwrap();
        assert_eq!((range.from, range.to), (d("2026-03-01"), d("2026-03-15")));
        assert_eq!(range.label(), "2026-03-01..2026-03-15");
        assert_eq!(
            Period::parse("2026-03-01..2026-03-31").unwrap().label(),
            "2026-03",
            "a whole month reads back as the month"
        );
        for bad in [
            "2026-13",
            "March",
            "2026-03-15..2026-03-01",
            "2020-01-01..2026-01-01",
            "14/03/2026",
            "",
        ] {
            let e = Period::parse(bad).unwrap_err();
            assert_eq!(e.field(), Some("period"), "{bad:?}: {e}");
        }
    }
}
