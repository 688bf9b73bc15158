//! The checks shown before a prescription is issued, all offline: the patient's recorded
//! allergies (by ingredient, by class, by the drug's name), the same ingredient or class
//! twice (within the prescription and against the patient's other active prescriptions),
//! and the interaction table. Pure: the caller gathers the facts.
//!
//! Invariants: an allergy match and a duplicated ingredient are always serious; a shared
//! class is moderate; an interaction has the table's severity; a drug is never paired
//! with itself; every warning names the items it is about.

use serde::{Deserialize, Serialize};

use crate::clinical::drugs::{Interaction, fold};

/// What the checks know of one drug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The item's position, or `None` for an item of another active prescription.
    pub position: Option<i64>,
    /// For a warning's text: the drug's name (and the other prescription's number).
    pub label: String,
    pub name: String,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// `allergy`, `duplicate` or `interaction`.
    pub kind: String,
    /// `serious`, `moderate` or `minor`.
    pub severity: String,
    /// What was found: the drugs (and the allergy) it is about.
    pub message: String,
    /// What to do about it. Empty in warnings kept before it had its own field (the
    /// advice was then at the end of the message).
    #[serde(default)]
    pub advice: String,
    /// Where the rule comes from: the recorded allergies, the prescriptions, or the
    /// interaction table's source. Empty in warnings kept before it had its own field.
    #[serde(default)]
    pub source: String,
    /// The positions of this prescription's items it is about.
    pub items: Vec<i64>,
}

impl Warning {
    pub fn is_serious(&self) -> bool {
        self.severity == "serious"
    }
}

/// Classes that describe a property handled by the interaction table, not a therapeutic
/// group: sharing one is no duplication.
const PROPERTY_CLASSES: [&str; 4] = [
    "qt-prolonging drugs",
    "serotonergic drugs",
    "strong cyp3a4 inhibitors",
    "cyp3a4-metabolised statins",
];

const ALLERGY_ADVICE: &str =
    "Choose another drug; override only if the allergy record is known to be wrong";
const DUPLICATE_ADVICE: &str = "Keep one of them unless both are meant";
const DUPLICATE_SOURCE: &str = "this prescription and the patient's active prescriptions";

/// A name compared without a plural `s`: a "penicillin" allergy meets the `penicillins`
/// class.
fn stem(text: &str) -> String {
    let f = fold(text);
    f.strip_suffix('s').map(str::to_owned).unwrap_or(f)
}

fn positions(a: &Facts, b: Option<&Facts>) -> Vec<i64> {
    a.position
        .into_iter()
        .chain(b.and_then(|b| b.position))
        .collect()
}

/// Runs every check. `items` are this prescription's; `others` the patient's other
/// active prescriptions' items; `allergies` the substances (and codes) of current
/// allergies.
pub fn run(
    items: &[Facts],
    others: &[Facts],
    allergies: &[(String, Option<String>)],
    table: &[Interaction],
) -> Vec<Warning> {
    let mut out = Vec::new();
    for item in items {
        let terms: Vec<String> = std::iter::once(&item.name)
            .chain(&item.ingredients)
            .chain(&item.classes)
            .map(|t| stem(t))
            .collect();
        for (substance, coded) in allergies {
            let hit = [Some(substance), coded.as_ref()]
                .into_iter()
                .flatten()
                .map(|s| stem(s))
                .find(|s| !s.is_empty() && terms.contains(s));
            if hit.is_some() {
                out.push(Warning {
                    kind: "allergy".into(),
                    severity: "serious".into(),
                    message: format!(
                        "{} and the recorded allergy to {}",
                        item.label,
                        substance.trim()
                    ),
                    advice: ALLERGY_ADVICE.into(),
                    source: "the patient's recorded allergies".into(),
                    items: positions(item, None),
                });
            }
        }
    }
    let mut pairs: Vec<(&Facts, &Facts)> = Vec::new();
    for (i, a) in items.iter().enumerate() {
        for b in items[i + 1..].iter().chain(others) {
            pairs.push((a, b));
        }
    }
    for (a, b) in pairs {
        let same_ingredient: Vec<&String> = a
            .ingredients
            .iter()
            .filter(|i| b.ingredients.contains(i))
            .collect();
        if let Some(i) = same_ingredient.first() {
            out.push(Warning {
                kind: "duplicate".into(),
                severity: "serious".into(),
                message: format!("{} and {} both contain {i}", a.label, b.label),
                advice: DUPLICATE_ADVICE.into(),
                source: DUPLICATE_SOURCE.into(),
                items: positions(a, Some(b)),
            });
        } else if let Some(c) = a
            .classes
            .iter()
            .find(|c| b.classes.contains(c) && !PROPERTY_CLASSES.contains(&c.as_str()))
        {
            out.push(Warning {
                kind: "duplicate".into(),
                severity: "moderate".into(),
                message: format!("{} and {} are both {c}", a.label, b.label),
                advice: DUPLICATE_ADVICE.into(),
                source: DUPLICATE_SOURCE.into(),
                items: positions(a, Some(b)),
            });
        }
        let terms_a: Vec<&String> = a.ingredients.iter().chain(&a.classes).collect();
        let terms_b: Vec<&String> = b.ingredients.iter().chain(&b.classes).collect();
        for pair in table {
            let hit = (terms_a.contains(&&pair.a) && terms_b.contains(&&pair.b))
                || (terms_a.contains(&&pair.b) && terms_b.contains(&&pair.a));
            if hit {
                out.push(Warning {
                    kind: "interaction".into(),
                    severity: pair.severity.clone(),
                    message: format!("{} with {} ({} + {})", a.label, b.label, pair.a, pair.b),
                    advice: pair.advice.clone(),
                    source: pair.source.clone(),
                    items: positions(a, Some(b)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pos: i64, name: &str, ingredients: &[&str], classes: &[&str]) -> Facts {
        Facts {
            position: Some(pos),
            label: name.into(),
            name: name.into(),
            ingredients: ingredients.iter().map(|s| (*s).into()).collect(),
            classes: classes.iter().map(|s| (*s).into()).collect(),
        }
    }

    fn pair(a: &str, b: &str) -> Interaction {
        let (a, b) = crate::clinical::drugs::sorted(a, b);
        Interaction {
            a,
            b,
            severity: "serious".into(),
            advice: "avoid".into(),
            source: "test".into(),
        }
    }

    #[test]
    fn a_penicillin_allergy_meets_amoxicillin_by_its_class() {
        let amox = facts(
            1,
            "amoxicillin",
            &["amoxicillin"],
            &["penicillins", "beta-lactams"],
        );
        let w = run(&[amox], &[], &[("Penicillin".into(), None)], &[]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].is_serious() && w[0].kind == "allergy");
        let none = run(
            &[facts(1, "azithromycin", &["azithromycin"], &["macrolides"])],
            &[],
            &[("Penicillin".into(), None)],
            &[],
        );
        assert!(none.is_empty(), "a macrolide is no penicillin");
    }

    #[test]
    fn duplicates_and_interactions_fire_at_class_level_never_with_itself() {
        let qt1 = facts(
            1,
            "clarithromycin",
            &["clarithromycin"],
            &[
                "macrolides",
                "qt-prolonging drugs",
                "strong cyp3a4 inhibitors",
            ],
        );
        let simva = facts(
            2,
            "simvastatin",
            &["simvastatin"],
            &["statins", "cyp3a4-metabolised statins"],
        );
        let table = [
            pair("cyp3a4-metabolised statins", "strong cyp3a4 inhibitors"),
            pair("qt-prolonging drugs", "qt-prolonging drugs"),
        ];
        let w = run(&[qt1.clone(), simva], &[], &[], &table);
        assert_eq!(w.len(), 1, "only the statin pair: {w:?}");
        assert_eq!(w[0].items, vec![1, 2]);
        assert_eq!(
            (w[0].advice.as_str(), w[0].source.as_str()),
            ("avoid", "test"),
            "the table's advice and source travel beside the message, not inside it"
        );
        assert!(!w[0].message.contains("avoid"), "{}", w[0].message);
        let para = facts(3, "paracetamol", &["paracetamol"], &["analgesics"]);
        let mut para2 = facts(4, "paracetamol", &["paracetamol"], &["analgesics"]);
        para2.label = "co-something".into();
        let w = run(&[para, para2], &[], &[], &[]);
        assert!(w.iter().any(|w| w.kind == "duplicate" && w.is_serious()));
    }
}
