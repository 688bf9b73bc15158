//! Vitals: blood pressure, pulse, temperature, respiratory rate, SpO2, weight, height,
//! pain score, with BMI computed. Stored in exact integer units (mmHg, per minute,
//! tenths of a degree Celsius, percent, grams, millimetres); shown metric or imperial as
//! the clinic chooses ([`Units`]).
//!
//! Invariants: a value no living patient can have is refused with the field and the
//! accepted range named ([`LIMITS`]); a value outside the adult normal range is flagged
//! on every read, never refused; a set of vitals is never changed or deleted (record it
//! again); reading them is an audited read of the patient's record.

pub(crate) mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{EncounterId, PatientId, UserId, VitalsId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::settings;

/// What a person types, in metric units; absent means not measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VitalsInput {
    /// When they were taken (now when absent); never in the future.
    pub taken_at: Option<DateTime<Utc>>,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub pulse: Option<i64>,
    /// Degrees Celsius, one decimal kept.
    pub temperature_c: Option<f64>,
    pub respiratory_rate: Option<i64>,
    pub spo2: Option<i64>,
    /// Kilograms, grams kept.
    pub weight_kg: Option<f64>,
    /// Centimetres, millimetres kept.
    pub height_cm: Option<f64>,
    /// 0 (none) to 10 (worst imaginable).
    pub pain: Option<i64>,
    pub note: Option<String>,
}

/// One recorded set, in stored units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vitals {
    pub id: VitalsId,
    pub patient_id: PatientId,
    pub encounter_id: Option<EncounterId>,
    pub taken_at: String,
    pub recorded_by: UserId,
    pub recorded_by_name: String,
    pub recorded_at: String,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub pulse: Option<i64>,
    pub temperature_dc: Option<i64>,
    pub respiratory_rate: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_g: Option<i64>,
    pub height_mm: Option<i64>,
    pub pain: Option<i64>,
    pub note: Option<String>,
}

/// A measure outside its normal range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The measure: `systolic`, `diastolic`, `pulse`, `temperature`, `respiratory_rate`,
    /// `spo2`, `bmi`, `pain`.
    pub measure: &'static str,
    /// `low` or `high`.
    pub level: &'static str,
}

/// A set with what is derived from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VitalsReading {
    #[serde(flatten)]
    pub vitals: Vitals,
    /// Body-mass index from this set's weight and height (or the latest height before
    /// it), one decimal.
    pub bmi: Option<f64>,
    pub flags: Vec<Flag>,
}

/// How a clinic reads vitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    Metric,
    Imperial,
}

impl Units {
    pub fn as_str(self) -> &'static str {
        match self {
            Units::Metric => "metric",
            Units::Imperial => "imperial",
        }
    }

    pub fn parse(text: &str) -> Result<Units> {
        match text.trim() {
            "metric" => Ok(Units::Metric),
            "imperial" => Ok(Units::Imperial),
            other => Err(Error::validation(
                "units",
                format!("\"{other}\" is not a unit system; use metric or imperial"),
            )),
        }
    }

    /// A temperature as shown, with its unit.
    pub fn temperature(self, tenths_c: i64) -> String {
        let c = tenths_c as f64 / 10.0;
        match self {
            Units::Metric => format!("{c:.1} °C"),
            Units::Imperial => format!("{:.1} °F", c * 9.0 / 5.0 + 32.0),
        }
    }

    /// A weight as shown, with its unit.
    pub fn weight(self, grams: i64) -> String {
        match self {
            Units::Metric => format!("{:.1} kg", grams as f64 / 1000.0),
            Units::Imperial => format!("{:.1} lb", grams as f64 / 453.592_37),
        }
    }

    /// A height as shown, with its unit.
    pub fn height(self, mm: i64) -> String {
        match self {
            Units::Metric => format!("{:.1} cm", mm as f64 / 10.0),
            Units::Imperial => {
                let inches = mm as f64 / 25.4;
                let feet = (inches / 12.0).floor();
                format!("{feet:.0} ft {:.1} in", inches - feet * 12.0)
            }
        }
    }
}

/// What no living patient has, per measure (in stored units): anything outside is a
/// typing mistake and is refused.
pub const LIMITS: &[(&str, i64, i64, &str)] = &[
    ("systolic", 40, 300, "mmHg"),
    ("diastolic", 20, 200, "mmHg"),
    ("pulse", 20, 300, "beats per minute"),
    ("temperature_c", 250, 450, "tenths of a degree Celsius"),
    ("respiratory_rate", 4, 80, "breaths per minute"),
    ("spo2", 50, 100, "percent"),
    ("weight_kg", 300, 400_000, "grams"),
    ("height_cm", 200, 2_500, "millimetres"),
    ("pain", 0, 10, "on the 0 to 10 scale"),
];

/// The adult normal ranges, inclusive (stored units): outside them a value is flagged.
const NORMAL: &[(&str, i64, i64)] = &[
    ("systolic", 90, 139),
    ("diastolic", 60, 89),
    ("pulse", 60, 100),
    ("temperature", 361, 378),
    ("respiratory_rate", 12, 20),
    ("spo2", 95, 100),
    ("pain", 0, 6),
];

fn within(field: &'static str, value: i64, shown: String) -> Result<i64> {
    let (_, lo, hi, _) = LIMITS
        .iter()
        .find(|(f, ..)| *f == field)
        .copied()
        .unwrap_or((field, i64::MIN, i64::MAX, ""));
    if value < lo || value > hi {
        return Err(Error::validation(
            field,
            format!("{shown} is not possible; check the reading and type it again"),
        ));
    }
    Ok(value)
}

impl VitalsInput {
    /// Checks every value and converts to stored units.
    fn checked(&self, now: DateTime<Utc>) -> Result<Vitals> {
        let int = |field: &'static str, v: Option<i64>, unit: &str| -> Result<Option<i64>> {
            v.map(|v| within(field, v, format!("{v} {unit}")))
                .transpose()
        };
        let scaled =
            |field: &'static str, v: Option<f64>, factor: f64, unit: &str| -> Result<Option<i64>> {
                v.map(|v| {
                    if !v.is_finite() {
                        return Err(Error::validation(field, "is not a number"));
                    }
                    within(field, (v * factor).round() as i64, format!("{v} {unit}"))
                })
                .transpose()
            };
        let systolic = int("systolic", self.systolic, "mmHg")?;
        let diastolic = int("diastolic", self.diastolic, "mmHg")?;
        if let (Some(s), Some(d)) = (systolic, diastolic)
            && d >= s
        {
            return Err(Error::validation(
                "diastolic",
                format!("{d} mmHg is not below the systolic {s} mmHg; check the order"),
            ));
        }
        if systolic.is_some() != diastolic.is_some() {
            return Err(Error::validation(
                if systolic.is_some() {
                    "diastolic"
                } else {
                    "systolic"
                },
                "a blood pressure needs both numbers",
            ));
        }
        let taken_at = self.taken_at.unwrap_or(now);
        if taken_at > now + chrono::Duration::minutes(5) {
            return Err(Error::validation("taken_at", "is in the future"));
        }
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| crate::validate::text("note", n, 500))
            .transpose()?;
        let v = Vitals {
            id: VitalsId(new_v7_at(now)),
            patient_id: PatientId(uuid::Uuid::nil()),
            encounter_id: None,
            taken_at: to_db_time(taken_at),
            recorded_by: UserId(uuid::Uuid::nil()),
            recorded_by_name: String::new(),
            recorded_at: to_db_time(now),
            systolic,
            diastolic,
            pulse: int("pulse", self.pulse, "beats per minute")?,
            temperature_dc: scaled("temperature_c", self.temperature_c, 10.0, "°C")?,
            respiratory_rate: int(
                "respiratory_rate",
                self.respiratory_rate,
                "breaths per minute",
            )?,
            spo2: int("spo2", self.spo2, "%")?,
            weight_g: scaled("weight_kg", self.weight_kg, 1000.0, "kg")?,
            height_mm: scaled("height_cm", self.height_cm, 10.0, "cm")?,
            pain: int("pain", self.pain, "")?,
            note,
        };
        let measured = [
            v.systolic,
            v.pulse,
            v.temperature_dc,
            v.respiratory_rate,
            v.spo2,
            v.weight_g,
            v.height_mm,
            v.pain,
        ]
        .iter()
        .any(Option::is_some);
        if !measured {
            return Err(Error::validation(
                "vitals",
                "nothing was measured; fill in at least one value",
            ));
        }
        Ok(v)
    }
}

/// BMI from grams and millimetres, one decimal.
pub fn bmi(weight_g: i64, height_mm: i64) -> Option<f64> {
    if weight_g <= 0 || height_mm <= 0 {
        return None;
    }
    let m = height_mm as f64 / 1000.0;
    Some(((weight_g as f64 / 1000.0) / (m * m) * 10.0).round() / 10.0)
}

/// Reads each set with its BMI (the latest height known at that time) and its flags.
pub fn readings(sets: Vec<Vitals>) -> Vec<VitalsReading> {
    let mut height = None;
    sets.into_iter()
        .map(|v| {
            height = v.height_mm.or(height);
            let bmi = v.weight_g.zip(height).and_then(|(w, h)| bmi(w, h));
            let mut flags = Vec::new();
            let mut check = |measure: &'static str, value: Option<i64>| {
                if let (Some(value), Some((_, lo, hi))) =
                    (value, NORMAL.iter().find(|(m, ..)| *m == measure))
                {
                    if value < *lo {
                        flags.push(Flag {
                            measure,
                            level: "low",
                        });
                    } else if value > *hi {
                        flags.push(Flag {
                            measure,
                            level: "high",
                        });
                    }
                }
            };
            check("systolic", v.systolic);
            check("diastolic", v.diastolic);
            check("pulse", v.pulse);
            check("temperature", v.temperature_dc);
            check("respiratory_rate", v.respiratory_rate);
            check("spo2", v.spo2);
            check("pain", v.pain);
            if let Some(b) = bmi {
                if b < 18.5 {
                    flags.push(Flag {
                        measure: "bmi",
                        level: "low",
                    });
                } else if b >= 25.0 {
                    flags.push(Flag {
                        measure: "bmi",
                        level: "high",
                    });
                }
            }
            VitalsReading {
                vitals: v,
                bmi,
                flags,
            }
        })
        .collect()
}

impl Session {
    /// Records a set of vitals for a patient, on a visit or not.
    pub fn record_vitals(
        &mut self,
        patient: PatientId,
        encounter: Option<EncounterId>,
        input: &VitalsInput,
    ) -> Result<VitalsReading> {
        self.authorize(Action::VitalsAdd, Target::Patient(patient))?;
        if let Some(e) = encounter {
            let e = self.encounter_unaudited(e)?;
            if e.patient_id != patient {
                return Err(Error::validation(
                    "encounter",
                    "this visit is another patient's",
                ));
            }
        }
        let mut v = input.checked(self.now())?;
        v.patient_id = patient;
        v.encounter_id = encounter;
        v.recorded_by = self.actor().user;
        v.recorded_by_name = self.actor().username.clone();
        let stored = v.clone();
        self.transact(|tx, ctx, actor| {
            store::insert(tx, ctx, &stored)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("vitals.record", Outcome::Success)
                    .entity("vitals", stored.id)
                    .patient(patient),
            )
            .map(|_| ())
        })?;
        let history = store::for_patient(self.live()?.store.conn(), patient)?;
        let all = readings(history);
        all.into_iter()
            .find(|r| r.vitals.id == v.id)
            .ok_or_else(|| Error::Internal("recorded vitals vanished".into()))
    }

    /// Every set of a patient's vitals, oldest first, with BMI and flags (an audited
    /// read): the data of the trend plots.
    pub fn vitals_history(&mut self, patient: PatientId) -> Result<Vec<VitalsReading>> {
        self.read_record(patient, "vitals", None)?;
        Ok(readings(store::for_patient(
            self.live()?.store.conn(),
            patient,
        )?))
    }

    /// How this clinic reads vitals.
    pub fn display_units(&mut self) -> Result<Units> {
        let text = settings::units(self.live()?.store.conn())?;
        Units::parse(&text)
    }

    /// Sets how this clinic reads vitals (administrators).
    pub fn set_display_units(&mut self, units: Units) -> Result<()> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let organisation = self.clinic().organisation_id;
        self.transact(|tx, ctx, actor| {
            settings::set_units(tx, ctx, organisation, units.as_str())?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.units", Outcome::Success)
                    .details(serde_json::json!({ "units": units.as_str() })),
            )
            .map(|_| ())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock as _, ManualClock};

    fn now() -> DateTime<Utc> {
        ManualClock::monday_morning().now()
    }

    #[test]
    fn impossible_values_are_refused_naming_the_field() {
        for (input, field) in [
            (
                VitalsInput {
                    pulse: Some(400),
                    ..Default::default()
                },
                "pulse",
            ),
            (
                VitalsInput {
                    temperature_c: Some(52.0),
                    ..Default::default()
                },
                "temperature_c",
            ),
            (
                VitalsInput {
                    spo2: Some(101),
                    ..Default::default()
                },
                "spo2",
            ),
            (
                VitalsInput {
                    systolic: Some(80),
                    diastolic: Some(120),
                    ..Default::default()
                },
                "diastolic",
            ),
            (
                VitalsInput {
                    systolic: Some(120),
                    ..Default::default()
                },
                "diastolic",
            ),
            (
                VitalsInput {
                    weight_kg: Some(-3.0),
                    ..Default::default()
                },
                "weight_kg",
            ),
            (
                VitalsInput {
                    pain: Some(11),
                    ..Default::default()
                },
                "pain",
            ),
            (VitalsInput::default(), "vitals"),
        ] {
            let err = input.checked(now()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{input:?}: {err}");
        }
    }

    #[test]
    fn values_are_stored_in_exact_units_and_flagged_outside_normal_ranges() {
        let v = VitalsInput {
            systolic: Some(150),
            diastolic: Some(95),
            temperature_c: Some(38.46),
            weight_kg: Some(82.35),
            height_cm: Some(175.0),
            spo2: Some(97),
            ..Default::default()
        }
        .checked(now())
        .unwrap();
        assert_eq!(
            (v.temperature_dc, v.weight_g, v.height_mm),
            (Some(385), Some(82_350), Some(1750))
        );
        let r = &readings(vec![v])[0];
        assert_eq!(r.bmi, Some(26.9));
        let flagged: Vec<_> = r.flags.iter().map(|f| (f.measure, f.level)).collect();
        assert_eq!(
            flagged,
            vec![
                ("systolic", "high"),
                ("diastolic", "high"),
                ("temperature", "high"),
                ("bmi", "high")
            ]
        );
    }

    #[test]
    fn a_later_weight_takes_the_last_known_height_for_bmi() {
        let first = VitalsInput {
            height_cm: Some(160.0),
            weight_kg: Some(50.0),
            ..Default::default()
        }
        .checked(now())
        .unwrap();
        let later = VitalsInput {
            weight_kg: Some(64.0),
            ..Default::default()
        }
        .checked(now())
        .unwrap();
        let r = readings(vec![first, later]);
        assert_eq!(r[1].bmi, Some(25.0));
    }

    #[test]
    fn imperial_display_converts_and_names_its_units() {
        assert_eq!(Units::Imperial.temperature(370), "98.6 °F");
        assert_eq!(Units::Metric.temperature(370), "37.0 °C");
        assert_eq!(Units::Imperial.weight(70_000), "154.3 lb");
        assert_eq!(Units::Imperial.height(1800), "5 ft 10.9 in");
        assert!(Units::parse("furlongs").is_err());
    }
}
