//! The drug catalogue and the interaction table: reference data kept on each workstation,
//! never synced. The starter catalogue (`data/drugs.csv`: common primary-care generics,
//! their strengths, forms, routes, ingredients and classes) and the starter interaction
//! pairs (`data/interactions.csv`: the ONC high-priority pairs, Phansalkar et al., JAMIA
//! 2012, written by the project as facts) are compiled in and loaded at first use; an
//! administrator imports the clinic's formulary and further pairs from CSV.
//!
//! Invariants: ingredient and class names are folded (trimmed, lower case, single
//! spaces) wherever they are stored or compared; an import checks every line before it
//! writes any, a dry run writes nothing (not even an audit event) and lists every
//! rejected line with its number and why; a real import writes the accepted lines in one
//! transaction with its audit event; an interaction names ingredients or classes the
//! catalogue knows; a pair is stored once, in sorted order.

pub(crate) mod store;

use std::collections::HashSet;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};

/// The starter catalogue written by the project.
pub const STARTER_DRUGS: &str = include_str!("../../../data/drugs.csv");
/// The starter interaction pairs (ONC high-priority list, Phansalkar 2012).
pub const STARTER_INTERACTIONS: &str = include_str!("../../../data/interactions.csv");

/// The severities of an interaction; `serious` needs an override with a reason.
pub const SEVERITIES: [&str; 3] = ["serious", "moderate", "minor"];

/// One drug of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drug {
    /// The folded generic name.
    pub id: String,
    pub name: String,
    pub strengths: Vec<String>,
    pub forms: Vec<String>,
    pub routes: Vec<String>,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
    /// `starter` or `formulary`.
    pub source: String,
}

/// One interaction pair: each side an ingredient or a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interaction {
    pub a: String,
    pub b: String,
    pub severity: String,
    pub advice: String,
    pub source: String,
}

/// A line an import refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    pub reason: String,
}

/// What an import found, and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Lines that are (or, in a dry run, would be) written.
    pub accepted: usize,
    pub rejected: Vec<Rejected>,
}

/// Trims, lower-cases and collapses spaces: how names are stored and compared.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn list(text: &str, folded: bool) -> Vec<String> {
    text.split('|')
        .map(|p| if folded { fold(p) } else { p.trim().to_owned() })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits CSV text into numbered records (quoted fields with `""` escapes; no newline
/// inside a field). Blank lines are skipped.
pub(crate) fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        fields.push(field);
        out.push((i + 1, fields));
    }
    out
}

fn header(records: &[(usize, Vec<String>)], expected: &[&str]) -> Result<()> {
    let ok = records.first().is_some_and(|(_, h)| {
        h.len() == expected.len() && h.iter().zip(expected).all(|(a, b)| fold(a) == *b)
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

const DRUG_HEADER: [&str; 6] = [
    "name",
    "strengths",
    "forms",
    "routes",
    "ingredients",
    "classes",
];
const INTERACTION_HEADER: [&str; 5] = ["a", "b", "severity", "advice", "source"];

/// Parses a catalogue CSV: the drugs to write and the lines refused.
pub fn parse_drugs(text: &str, source: &str) -> Result<(Vec<Drug>, Vec<Rejected>)> {
    let recs = records(text);
    header(&recs, &DRUG_HEADER)?;
    let (mut drugs, mut rejected, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (line, f) in recs.into_iter().skip(1) {
        let reason = if f.len() != 6 {
            Some(format!("has {} fields, not 6", f.len()))
        } else if fold(&f[0]).is_empty() {
            Some("the name is empty".to_owned())
        } else if f[0].chars().count() > 200 {
            Some("the name is longer than 200 characters".to_owned())
        } else if list(&f[4], true).is_empty() {
            Some("no ingredient: name at least one (separate several with |)".to_owned())
        } else if f.iter().any(|x| x.chars().any(char::is_control)) {
            Some("contains a control character".to_owned())
        } else if !seen.insert(fold(&f[0])) {
            Some(format!("{} appears twice in the file", f[0].trim()))
        } else {
            None
        };
        match reason {
            Some(reason) => rejected.push(Rejected { line, reason }),
            None => drugs.push(Drug {
                id: fold(&f[0]),
                name: f[0].trim().to_owned(),
                strengths: list(&f[1], false),
                forms: list(&f[2], false),
                routes: list(&f[3], false),
                ingredients: list(&f[4], true),
                classes: list(&f[5], true),
                source: source.to_owned(),
            }),
        }
    }
    Ok((drugs, rejected))
}

/// Parses an interaction CSV against the ingredient and class names known.
pub fn parse_interactions(
    text: &str,
    known: &HashSet<String>,
) -> Result<(Vec<Interaction>, Vec<Rejected>)> {
    let recs = records(text);
    header(&recs, &INTERACTION_HEADER)?;
    let (mut pairs, mut rejected, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (line, f) in recs.into_iter().skip(1) {
        let reason = if f.len() != 5 {
            Some(format!("has {} fields, not 5", f.len()))
        } else if let Some(unknown) = [&f[0], &f[1]]
            .into_iter()
            .find(|t| !known.contains(&fold(t)))
        {
            Some(format!(
                "\"{}\" is neither an ingredient nor a class of the catalogue",
                unknown.trim()
            ))
        } else if !SEVERITIES.contains(&fold(&f[2]).as_str()) {
            Some(format!(
                "severity \"{}\" is not one of {}",
                f[2].trim(),
                SEVERITIES.join(", ")
            ))
        } else if f[3].trim().is_empty() {
            Some("the advice is empty".to_owned())
        } else if f[4].trim().is_empty() {
            Some("the source is empty: say where the pair comes from".to_owned())
        } else {
            let (a, b) = sorted(&f[0], &f[1]);
            if seen.insert((a.clone(), b.clone())) {
                pairs.push(Interaction {
                    a,
                    b,
                    severity: fold(&f[2]),
                    advice: f[3].trim().to_owned(),
                    source: f[4].trim().to_owned(),
                });
                None
            } else {
                Some("this pair appears twice in the file".to_owned())
            }
        };
        if let Some(reason) = reason {
            rejected.push(Rejected { line, reason });
        }
    }
    Ok((pairs, rejected))
}

/// A pair in the order it is stored.
pub fn sorted(a: &str, b: &str) -> (String, String) {
    let (a, b) = (fold(a), fold(b));
    if a <= b { (a, b) } else { (b, a) }
}

impl Session {
    /// Loads the starter catalogue and interaction pairs the first time they are needed.
    pub(crate) fn ensure_reference_data(&mut self) -> Result<()> {
        if store::seeded(self.live()?.store.conn())? {
            return Ok(());
        }
        let (drugs, rejected) = parse_drugs(STARTER_DRUGS, "starter")?;
        if let Some(r) = rejected.first() {
            return Err(Error::Internal(format!(
                "the starter catalogue's line {} is refused: {}",
                r.line, r.reason
            )));
        }
        self.transact(|tx, ctx, _| {
            for d in &drugs {
                store::upsert_drug(tx, d, ctx.now)?;
            }
            let known = store::terms(tx)?;
            let (pairs, rejected) = parse_interactions(STARTER_INTERACTIONS, &known)?;
            if let Some(r) = rejected.first() {
                return Err(Error::Internal(format!(
                    "the starter interaction table's line {} is refused: {}",
                    r.line, r.reason
                )));
            }
            for p in &pairs {
                store::upsert_interaction(tx, p, ctx.now)?;
            }
            Ok(())
        })
    }

    /// Searches the catalogue by the start of the name, an ingredient or a class.
    pub fn search_drugs(&mut self, query: &str, limit: usize) -> Result<Vec<Drug>> {
        self.authorize(Action::PrescriptionRead, Target::Any)?;
        self.ensure_reference_data()?;
        store::search(self.live()?.store.conn(), &fold(query), limit.clamp(1, 200))
    }

    /// One drug by its name (folded).
    pub fn drug(&mut self, name: &str) -> Result<Option<Drug>> {
        self.authorize(Action::PrescriptionRead, Target::Any)?;
        self.ensure_reference_data()?;
        store::get(self.live()?.store.conn(), &fold(name))
    }

    /// The interaction table.
    pub fn interactions(&mut self) -> Result<Vec<Interaction>> {
        self.authorize(Action::PrescriptionRead, Target::Any)?;
        self.ensure_reference_data()?;
        store::all_interactions(self.live()?.store.conn())
    }

    /// Imports the clinic's formulary: each accepted line adds a drug or replaces the one
    /// of the same name. A dry run writes nothing.
    pub fn import_drugs(&mut self, csv: &str, dry_run: bool) -> Result<ImportReport> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        self.ensure_reference_data()?;
        let (drugs, rejected) = parse_drugs(csv, "formulary")?;
        let report = ImportReport {
            dry_run,
            accepted: drugs.len(),
            rejected,
        };
        if dry_run {
            return Ok(report);
        }
        self.transact(|tx, ctx, actor| {
            for d in &drugs {
                store::upsert_drug(tx, d, ctx.now)?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("drugs.import", Outcome::Success).details(serde_json::json!({
                    "accepted": report.accepted, "rejected": report.rejected.len(),
                })),
            )?;
            Ok(())
        })?;
        Ok(report)
    }

    /// Imports interaction pairs: each accepted line adds a pair or replaces the same
    /// pair. A dry run writes nothing.
    pub fn import_interactions(&mut self, csv: &str, dry_run: bool) -> Result<ImportReport> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        self.ensure_reference_data()?;
        let known = store::terms(self.live()?.store.conn())?;
        let (pairs, rejected) = parse_interactions(csv, &known)?;
        let report = ImportReport {
            dry_run,
            accepted: pairs.len(),
            rejected,
        };
        if dry_run {
            return Ok(report);
        }
        self.transact(|tx, ctx, actor| {
            for p in &pairs {
                store::upsert_interaction(tx, p, ctx.now)?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("interactions.import", Outcome::Success).details(serde_json::json!({
                    "accepted": report.accepted, "rejected": report.rejected.len(),
                })),
            )?;
            Ok(())
        })?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_catalogue_and_pairs_parse_whole() {
        let (drugs, rejected) = parse_drugs(STARTER_DRUGS, "starter").unwrap();
        assert!(rejected.is_empty(), "{rejected:?}");
        assert!(drugs.len() >= 60, "a useful starter catalogue");
        let known: HashSet<String> = drugs
            .iter()
            .flat_map(|d| d.ingredients.iter().chain(&d.classes).cloned())
            .collect();
        let (pairs, rejected) = parse_interactions(STARTER_INTERACTIONS, &known).unwrap();
        assert!(
            rejected.is_empty(),
            "every starter pair names known terms: {rejected:?}"
        );
        assert!(pairs.len() >= 10);
    }

    #[test]
    fn csv_fields_may_be_quoted() {
        let r = records("a,\"b, c\",\"say \"\"hi\"\"\"\n\n x ,y");
        assert_eq!(
            r[0],
            (1, vec!["a".into(), "b, c".into(), "say \"hi\"".into()])
        );
        assert_eq!(r[1].0, 3, "line numbers count blank lines");
    }
}
