//! The laboratory's test catalogue: tests (a LOINC code where the project assigned one,
//! else a `CLN-` code of its own), panels of tests, and reference ranges by sex and age
//! band with critical limits. The starter files in `data/` (`lab_tests.csv`,
//! `lab_ranges.csv`, `lab_panels.csv`, with `LOINC-NOTICE`) are parsed here; ranges are
//! the clinic's own, the starter values only defaults.
//!
//! Invariants:
//! - Numbers are exact decimals ([`Decimal`], thousandths): a flag never depends on a
//!   binary rounding.
//! - An age band is `[from, to)`: a patient is in it from the day they reach `from` (a
//!   birthday, or a number of days or months after birth) until the day before they
//!   reach `to`. Boundaries are calendar ones: "1y" is the first birthday, not 365 days.
//! - The range that applies is the most specific one for the patient's sex (`female`
//!   or `male` before `any`) whose band holds their age on the collection day; none is
//!   a valid answer (the result is shown without a flag), never a guess.
//! - A critical limit is outside its normal range, and a band's `to` is after its
//!   `from`; files breaking either are refused line by line.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::clinical::drugs::{Rejected, records};
use crate::error::{Error, Result};

/// The starter catalogue written by the project.
pub const STARTER_TESTS: &str = include_str!("../../../data/lab_tests.csv");
pub const STARTER_RANGES: &str = include_str!("../../../data/lab_ranges.csv");
pub const STARTER_PANELS: &str = include_str!("../../../data/lab_panels.csv");
/// LOINC's notice, shipped with the codes.
pub const LOINC_NOTICE: &str = include_str!("../../../data/LOINC-NOTICE");

/// An exact decimal number, in thousandths: "4.25" is 4250.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Decimal(pub i64);

impl Decimal {
    /// Parses "12", "-3.5", "0.040" (at most three decimals).
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || frac.len() > 3
            || !whole
                .chars()
                .chain(frac.chars())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let frac: i64 = format!("{frac:0<3}").parse().ok()?;
        let value = whole.checked_mul(1000)?.checked_add(frac)?;
        Some(Decimal(if negative { -value } else { value }))
    }
}

impl fmt::Display for Decimal {
    /// The shortest exact form: 4250 → "4.25", 12000 → "12".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        let (whole, frac) = (v / 1000, v % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let frac = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", frac.trim_end_matches('0'))
        }
    }
}

/// An age boundary: days, months or years after birth ("29d", "6m", "18y").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Age {
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Age {
    pub fn parse(text: &str) -> Option<Age> {
        let text = text.trim();
        let (number, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: u32 = number.parse().ok()?;
        match unit {
            "d" => Some(Age::Days(n)),
            "m" => Some(Age::Months(n)),
            "y" => Some(Age::Years(n)),
            _ => None,
        }
    }

    /// The day someone born on `birth` reaches this age (a 29 February birthday falls
    /// on 28 February in other years, as chrono counts months).
    pub fn reached_on(self, birth: NaiveDate) -> Option<NaiveDate> {
        match self {
            Age::Days(d) => birth.checked_add_days(chrono::Days::new(u64::from(d))),
            Age::Months(m) => birth.checked_add_months(Months::new(m)),
            Age::Years(y) => birth.checked_add_months(Months::new(y.checked_mul(12)?)),
        }
    }

    /// Comparable size, for ordering bands in one file.
    fn approx_days(self) -> u64 {
        match self {
            Age::Days(d) => u64::from(d),
            Age::Months(m) => u64::from(m) * 30,
            Age::Years(y) => u64::from(y) * 365,
        }
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Age::Days(n) => write!(f, "{n}d"),
            Age::Months(n) => write!(f, "{n}m"),
            Age::Years(n) => write!(f, "{n}y"),
        }
    }
}

/// How a test's result is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    Numeric,
    Text,
    Choice,
}

/// One test of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabTest {
    pub code: String,
    pub name: String,
    pub specimen: String,
    pub unit: String,
    pub result_type: ResultType,
    /// The allowed answers of a `choice` test.
    pub choices: Vec<String>,
    /// In minor units of the clinic's currency (0: the clinic has not priced it).
    pub price_minor: i64,
}

/// Tests ordered together under one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Panel {
    pub code: String,
    pub name: String,
    pub tests: Vec<String>,
}

/// Whom a range is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeSex {
    Any,
    Female,
    Male,
}

/// A reference range for one test, sex and age band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefRange {
    pub code: String,
    pub sex: RangeSex,
    pub age_from: Age,
    /// `None`: no upper bound.
    pub age_to: Option<Age>,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    pub critical_low: Option<Decimal>,
    pub critical_high: Option<Decimal>,
}

impl RefRange {
    /// Whether someone born on `birth` is in this band on `day`.
    pub fn holds_age(&self, birth: NaiveDate, day: NaiveDate) -> bool {
        let from = self.age_from.reached_on(birth).is_some_and(|d| d <= day);
        let before_to = match self.age_to {
            None => true,
            Some(to) => to.reached_on(birth).is_some_and(|d| day < d),
        };
        from && before_to
    }

    fn fits_sex(&self, sex: &str) -> Option<u8> {
        match (self.sex, sex) {
            (RangeSex::Female, "female" | "F" | "f") | (RangeSex::Male, "male" | "M" | "m") => {
                Some(0)
            }
            (RangeSex::Any, _) => Some(1),
            _ => None,
        }
    }
}

/// A numeric result against its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

impl Flag {
    pub fn is_critical(self) -> bool {
        matches!(self, Flag::CriticalLow | Flag::CriticalHigh)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Normal => "normal",
            Flag::Low => "low",
            Flag::High => "high",
            Flag::CriticalLow => "critical_low",
            Flag::CriticalHigh => "critical_high",
        }
    }
}

/// The range for a patient of `sex` born on `birth`, on the collection `day`: the
/// sex-specific one before the one for anyone.
pub fn select_range<'a>(
    ranges: &'a [RefRange],
    code: &str,
    sex: &str,
    birth: NaiveDate,
    day: NaiveDate,
) -> Option<&'a RefRange> {
    ranges
        .iter()
        .filter(|r| r.code == code && r.holds_age(birth, day))
        .filter_map(|r| r.fits_sex(sex).map(|rank| (rank, r)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, r)| r)
}

/// The flag of a value against a range: critical limits first (inclusive), then the
/// normal range (its bounds are normal).
pub fn flag(value: Decimal, range: &RefRange) -> Flag {
    if range.critical_low.is_some_and(|c| value <= c) {
        Flag::CriticalLow
    } else if range.critical_high.is_some_and(|c| value >= c) {
        Flag::CriticalHigh
    } else if range.low.is_some_and(|l| value < l) {
        Flag::Low
    } else if range.high.is_some_and(|h| value > h) {
        Flag::High
    } else {
        Flag::Normal
    }
}

fn header(recs: &[(usize, Vec<String>)], expected: &[&str]) -> Result<()> {
    let ok = recs.first().is_some_and(|(_, h)| {
        h.len() == expected.len()
            && h.iter()
                .zip(expected)
                .all(|(a, b)| a.trim().eq_ignore_ascii_case(b))
    });
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            "file",
            format!("the first line must be the header {}", expected.join(",")),
        ))
    }
}

fn code_ok(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Parses a tests CSV (`code,name,specimen,unit,type,choices,price_minor`).
pub fn parse_tests(text: &str) -> Result<(Vec<LabTest>, Vec<Rejected>)> {
    let recs = records(text);
    header(
        &recs,
        &[
            "code",
            "name",
            "specimen",
            "unit",
            "type",
            "choices",
            "price_minor",
        ],
    )?;
    let (mut tests, mut rejected, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (line, f) in recs.into_iter().skip(1) {
        let refuse = |reason: String| Rejected { line, reason };
        if f.len() != 7 {
            rejected.push(refuse(format!("has {} fields, not 7", f.len())));
            continue;
        }
        let code = f[0].trim().to_ascii_uppercase();
        let result_type = match f[4].trim().to_ascii_lowercase().as_str() {
            "numeric" => Some(ResultType::Numeric),
            "text" => Some(ResultType::Text),
            "choice" => Some(ResultType::Choice),
            _ => None,
        };
        let choices: Vec<String> = f[5]
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let price: Option<i64> = if f[6].trim().is_empty() {
            Some(0)
        } else {
            f[6].trim().parse().ok().filter(|p| *p >= 0)
        };
        let reason = if !code_ok(&code) {
            Some(format!(
                "\"{}\" is not a test code (letters, digits, - and . only, at most 20)",
                f[0].trim()
            ))
        } else if f[1].trim().is_empty() {
            Some("the name is empty".to_owned())
        } else if f.iter().any(|x| x.chars().any(char::is_control)) {
            Some("contains a control character".to_owned())
        } else if result_type.is_none() {
            Some(format!(
                "\"{}\" is not a result type: numeric, text or choice",
                f[4].trim()
            ))
        } else if result_type == Some(ResultType::Choice) && choices.len() < 2 {
            Some("a choice test lists at least two answers, separated by |".to_owned())
        } else if price.is_none() {
            Some(format!(
                "\"{}\" is not a price in minor units (a whole number, 0 or more)",
                f[6].trim()
            ))
        } else if !seen.insert(code.clone()) {
            Some(format!("{code} appears twice in the file"))
        } else {
            None
        };
        match (reason, result_type, price) {
            (None, Some(result_type), Some(price_minor)) => tests.push(LabTest {
                code,
                name: f[1].trim().to_owned(),
                specimen: f[2].trim().to_owned(),
                unit: f[3].trim().to_owned(),
                result_type,
                choices,
                price_minor,
            }),
            (reason, _, _) => rejected.push(refuse(reason.unwrap_or_default())),
        }
    }
    Ok((tests, rejected))
}

/// Parses a ranges CSV against the numeric tests known
/// (`code,sex,age_from,age_to,low,high,critical_low,critical_high`).
pub fn parse_ranges(
    text: &str,
    numeric: &HashSet<String>,
) -> Result<(Vec<RefRange>, Vec<Rejected>)> {
    let recs = records(text);
    header(
        &recs,
        &[
            "code",
            "sex",
            "age_from",
            "age_to",
            "low",
            "high",
            "critical_low",
            "critical_high",
        ],
    )?;
    let (mut ranges, mut rejected) = (Vec::new(), Vec::new());
    for (line, f) in recs.into_iter().skip(1) {
        match parse_range(&f, numeric) {
            Ok(range) => ranges.push(range),
            Err(reason) => rejected.push(Rejected { line, reason }),
        }
    }
    // Two bands of one test and sex may not overlap: the range that applies must be one.
    let mut by_key: HashMap<(String, RangeSex), Vec<&RefRange>> = HashMap::new();
    for r in &ranges {
        by_key.entry((r.code.clone(), r.sex)).or_default().push(r);
    }
    for ((code, _), mut bands) in by_key {
        bands.sort_by_key(|r| r.age_from.approx_days());
        for pair in bands.windows(2) {
            let ends = pair[0].age_to.map_or(u64::MAX, Age::approx_days);
            if ends > pair[1].age_from.approx_days() {
                return Err(Error::validation(
                    "file",
                    format!(
                        "{code} has overlapping age bands ({}–{} and {}–): make each band end where the next begins",
                        pair[0].age_from,
                        pair[0].age_to.map(|a| a.to_string()).unwrap_or_default(),
                        pair[1].age_from
                    ),
                ));
            }
        }
    }
    Ok((ranges, rejected))
}

fn parse_range(f: &[String], numeric: &HashSet<String>) -> std::result::Result<RefRange, String> {
    if f.len() != 8 {
        return Err(format!("has {} fields, not 8", f.len()));
    }
    let code = f[0].trim().to_ascii_uppercase();
    if !numeric.contains(&code) {
        return Err(format!(
            "{code} is not a numeric test of the catalogue (only numeric results have ranges)"
        ));
    }
    let sex = match f[1].trim().to_ascii_lowercase().as_str() {
        "any" | "" => RangeSex::Any,
        "female" => RangeSex::Female,
        "male" => RangeSex::Male,
        other => return Err(format!("\"{other}\" is not a sex: any, female or male")),
    };
    let age = |text: &str| {
        Age::parse(text).ok_or_else(|| {
            format!("\"{text}\" is not an age: a number and d, m or y (29d, 6m, 18y)")
        })
    };
    let age_from = age(f[2].trim())?;
    let age_to = match f[3].trim() {
        "" => None,
        t => Some(age(t)?),
    };
    if age_to.is_some_and(|to| to.approx_days() <= age_from.approx_days()) {
        return Err("the band ends before it begins".to_owned());
    }
    let number = |text: &str| -> std::result::Result<Option<Decimal>, String> {
        match text.trim() {
            "" => Ok(None),
            t => Decimal::parse(t)
                .map(Some)
                .ok_or_else(|| format!("\"{t}\" is not a number (at most three decimals)")),
        }
    };
    let (low, high) = (number(&f[4])?, number(&f[5])?);
    let (critical_low, critical_high) = (number(&f[6])?, number(&f[7])?);
    if low.zip(high).is_some_and(|(l, h)| l > h) {
        return Err("low is above high".to_owned());
    }
    if critical_low.zip(low.or(high)).is_some_and(|(c, l)| c >= l) {
        return Err("the critical low limit must be below the normal range".to_owned());
    }
    if critical_high.zip(high.or(low)).is_some_and(|(c, h)| c <= h) {
        return Err("the critical high limit must be above the normal range".to_owned());
    }
    Ok(RefRange {
        code,
        sex,
        age_from,
        age_to,
        low,
        high,
        critical_low,
        critical_high,
    })
}

/// Parses a panels CSV (`code,name,tests`) against the tests known.
pub fn parse_panels(text: &str, tests: &HashSet<String>) -> Result<(Vec<Panel>, Vec<Rejected>)> {
    let recs = records(text);
    header(&recs, &["code", "name", "tests"])?;
    let (mut panels, mut rejected) = (Vec::new(), Vec::new());
    for (line, f) in recs.into_iter().skip(1) {
        let members: Vec<String> = f
            .get(2)
            .map(|t| {
                t.split('|')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let reason = if f.len() != 3 {
            Some(format!("has {} fields, not 3", f.len()))
        } else if !code_ok(f[0].trim()) || f[1].trim().is_empty() {
            Some("a panel needs a code and a name".to_owned())
        } else if members.is_empty() {
            Some("a panel lists its tests' codes, separated by |".to_owned())
        } else {
            members
                .iter()
                .find(|m| !tests.contains(*m))
                .map(|m| format!("{m} is not a test of the catalogue"))
        };
        match reason {
            Some(reason) => rejected.push(Rejected { line, reason }),
            None => panels.push(Panel {
                code: f[0].trim().to_ascii_uppercase(),
                name: f[1].trim().to_owned(),
                tests: members,
            }),
        }
    }
    Ok((panels, rejected))
}

/// The starter catalogue, parsed (a broken starter file is a broken build).
pub fn starter() -> Result<(Vec<LabTest>, Vec<RefRange>, Vec<Panel>)> {
    let (tests, bad) = parse_tests(STARTER_TESTS)?;
    let numeric: HashSet<String> = tests
        .iter()
        .filter(|t| t.result_type == ResultType::Numeric)
        .map(|t| t.code.clone())
        .collect();
    let (ranges, bad_ranges) = parse_ranges(STARTER_RANGES, &numeric)?;
    let codes: HashSet<String> = tests.iter().map(|t| t.code.clone()).collect();
    let (panels, bad_panels) = parse_panels(STARTER_PANELS, &codes)?;
    if let Some(r) = bad.iter().chain(&bad_ranges).chain(&bad_panels).next() {
        return Err(Error::Internal(format!(
            "the starter lab catalogue has a bad line {}: {}",
            r.line, r.reason
        )));
    }
    Ok((tests, ranges, panels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_are_exact_and_print_in_their_shortest_form() {
        assert_eq!(d("4.25"), Decimal(4250));
        assert_eq!(d("-0.5"), Decimal(-500));
        assert_eq!(d(".040"), Decimal(40));
        assert_eq!(d("1.030").to_string(), "1.03");
        assert_eq!(d("12").to_string(), "12");
        assert_eq!(d("-0.5").to_string(), "-0.5");
        for bad in ["", "1.2345", "1,5", "abc", "1e3", "-", "."] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_starter_catalogue_parses_whole_with_about_fifty_tests_and_its_panels() {
        let (tests, ranges, panels) = starter().unwrap();
        assert!(tests.len() >= 50, "{} tests", tests.len());
        assert!(
            ranges
                .iter()
                .all(|r| tests.iter().any(|t| t.code == r.code))
        );
        let fbc = panels.iter().find(|p| p.code == "58410-2").unwrap();
        assert!(fbc.tests.contains(&"718-7".to_owned()));
        assert!(LOINC_NOTICE.contains("Regenstrief"));
    }

    #[test]
    fn the_range_is_chosen_by_sex_and_age_with_birthdays_as_boundaries() {
        let (_, ranges, _) = starter().unwrap();
        let hb = |sex: &str, birth: &str, on: &str| {
            select_range(&ranges, "718-7", sex, day(birth), day(on)).map(|r| (r.low, r.high))
        };
        // A newborn: the first 28 days, then to the first birthday.
        assert_eq!(
            hb("female", "2026-01-01", "2026-01-01"),
            Some((Some(d("13.5")), Some(d("21.5"))))
        );
        assert_eq!(
            hb("female", "2026-01-01", "2026-01-29"),
            Some((Some(d("13.5")), Some(d("21.5"))))
        );
        assert_eq!(
            hb("female", "2026-01-01", "2026-01-30"),
            Some((Some(d("9.5")), Some(d("13.5"))))
        );
        // The 12th birthday starts the women's range (a band's `from` day is in it).
        assert_eq!(
            hb("female", "2014-06-15", "2026-06-14"),
            Some((Some(d("11.0")), Some(d("14.5"))))
        );
        assert_eq!(
            hb("female", "2014-06-15", "2026-06-15"),
            Some((Some(d("12.0")), Some(d("15.5"))))
        );
        // Boys have a band of their own from 12 to 18; men from the 18th birthday.
        assert_eq!(
            hb("male", "2008-06-15", "2026-06-14"),
            Some((Some(d("12.5")), Some(d("16.5"))))
        );
        assert_eq!(
            hb("male", "2008-06-15", "2026-06-15"),
            Some((Some(d("13.5")), Some(d("17.5"))))
        );
        // A sex with no specific band for the age falls back to "any"; none is none.
        assert_eq!(
            hb("other", "2020-01-01", "2026-01-01"),
            Some((Some(d("11.0")), Some(d("14.5"))))
        );
        assert_eq!(hb("other", "1990-01-01", "2026-01-01"), None);
        // A 29 February birth reaches 18 on 28 February in a common year.
        let adult_from = select_range(
            &ranges,
            "4544-3",
            "female",
            day("2008-02-29"),
            day("2026-02-28"),
        );
        assert!(adult_from.is_some());
        assert!(
            select_range(
                &ranges,
                "4544-3",
                "female",
                day("2008-02-29"),
                day("2026-02-27")
            )
            .is_none()
        );
    }

    #[test]
    fn flags_put_critical_limits_first_and_keep_the_bounds_normal() {
        let (_, ranges, _) = starter().unwrap();
        let k = select_range(
            &ranges,
            "2823-3",
            "male",
            day("1980-01-01"),
            day("2026-01-01"),
        )
        .unwrap();
        assert_eq!(flag(d("3.5"), k), Flag::Normal);
        assert_eq!(flag(d("5.1"), k), Flag::Normal);
        assert_eq!(flag(d("3.4"), k), Flag::Low);
        assert_eq!(flag(d("5.2"), k), Flag::High);
        assert_eq!(flag(d("2.8"), k), Flag::CriticalLow);
        assert_eq!(flag(d("6.2"), k), Flag::CriticalHigh);
        assert!(flag(d("7"), k).is_critical() && !flag(d("5.5"), k).is_critical());
    }

    #[test]
    fn bad_lines_are_refused_one_by_one_with_their_reason() {
        let text = "code,name,specimen,unit,type,choices,price_minor\n\
                    718-7,Haemoglobin,blood,g/dL,numeric,,0\n\
                    X Y,Bad code,blood,,numeric,,0\n\
                    1-1,Choice of one,urine,,choice,negative,0\n\
                    2-2,Priced wrong,urine,,text,,-5\n\
                    718-7,Twice,blood,g/dL,numeric,,0\n";
        let (tests, rejected) = parse_tests(text).unwrap();
        assert_eq!(tests.len(), 1);
        let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert!(rejected[0].reason.contains("not a test code"));
        let numeric: HashSet<String> = ["718-7".to_owned()].into();
        let ranges = "code,sex,age_from,age_to,low,high,critical_low,critical_high\n\
                      718-7,any,18y,,12,15,13,\n\
                      718-7,any,18y,1y,12,15,,\n\
                      999-9,any,0d,,1,2,,\n\
                      718-7,female,0d,,15,12,,\n";
        let (ok, rejected) = parse_ranges(ranges, &numeric).unwrap();
        assert!(ok.is_empty());
        assert!(rejected[0].reason.contains("critical low"));
        assert!(rejected[1].reason.contains("ends before"));
        assert!(rejected[2].reason.contains("not a numeric test"));
        assert!(rejected[3].reason.contains("low is above high"));
        let overlapping = "code,sex,age_from,age_to,low,high,critical_low,critical_high\n\
                           718-7,any,0d,2y,10,14,,\n\
                           718-7,any,1y,,12,15,,\n";
        let e = parse_ranges(overlapping, &numeric).unwrap_err();
        assert!(e.to_string().contains("overlapping"), "{e}");
    }
}
