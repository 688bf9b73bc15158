//! Insurance: payers, a patient's policies, and a claim per invoice.
//!
//! Invariants:
//! - A claim asks the payer for the policy's coverage of an issued invoice's total
//!   (rounded half away from zero, like tax); the patient's share is the rest, and once
//!   the payer decides, the rest of what it approved.
//! - A claim moves forward only: draft → submitted → approved / partly approved /
//!   denied → paid; a payer approves at most what was claimed; the payer's money is a
//!   payment of method `insurance` on the invoice, which marks the claim paid.
//! - One claim per invoice stands (a denied one may be followed by another, on another
//!   policy). Billing staff manage payers, policies and claims; every step is audited.

pub(crate) mod store;

use serde::{Deserialize, Serialize};

use crate::billing::invoices::totals::of_bp;
use crate::billing::invoices::{PaymentInput, derived_id};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{PatientId, UserId};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::validate;

/// An insurer or scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payer {
    pub id: String,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// A patient's cover with a payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub id: String,
    pub patient_id: PatientId,
    pub payer_id: String,
    pub payer_name: String,
    pub policy_number: String,
    /// Share of an invoice the payer covers, basis points (8000 = 80 %).
    pub coverage_bp: i64,
    /// `YYYY-MM-DD`; `None`: open-ended.
    pub valid_until: Option<String>,
    pub active: bool,
}

/// A new policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PolicyInput {
    /// The payer by its code.
    pub payer: String,
    pub policy_number: String,
    pub coverage_bp: i64,
    pub valid_until: Option<String>,
}

/// A claim on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub id: String,
    pub invoice_id: String,
    pub policy_id: String,
    pub payer_id: String,
    /// `draft`, `submitted`, `approved`, `partly_approved`, `denied`, `paid`.
    pub status: String,
    pub claimed_minor: i64,
    pub approved_minor: Option<i64>,
    pub note: Option<String>,
    pub created_by: UserId,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub paid_at: Option<String>,
}

impl Claim {
    /// What the payer is expected to pay: the claim until decided, then what it
    /// approved (nothing when denied).
    pub fn insurer_share(&self) -> i64 {
        match self.status.as_str() {
            "denied" => 0,
            "draft" | "submitted" => self.claimed_minor,
            _ => self.approved_minor.unwrap_or(0),
        }
    }
}

/// An invoice's split between its payer and its patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shares {
    pub total_minor: i64,
    pub insurer_minor: i64,
    pub patient_minor: i64,
    pub claim: Option<Claim>,
}

impl Session {
    /// Adds or changes a payer by its code (billing staff).
    pub fn set_payer(&mut self, code: &str, name: &str, active: bool) -> Result<Payer> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let code = validate::text("code", code, 30)?.to_ascii_uppercase();
        let payer = Payer {
            id: derived_id(&format!("payer:{code}")),
            name: validate::text("name", name, 120)?,
            code,
            active,
        };
        self.transact(|tx, ctx, actor| {
            store::upsert_payer(tx, ctx, &payer)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.payer", Outcome::Success)
                    .details(serde_json::json!({ "code": payer.code, "active": active })),
            )?;
            Ok(())
        })?;
        Ok(payer)
    }

    /// Every payer (billing staff).
    pub fn payers(&mut self) -> Result<Vec<Payer>> {
        self.authorize(Action::BillingRead, Target::Any)?;
        store::payers(self.live()?.store.conn())
    }

    /// Records a patient's policy (billing staff).
    pub fn add_policy(&mut self, patient: PatientId, input: &PolicyInput) -> Result<Policy> {
        self.authorize(Action::BillingWrite, Target::Patient(patient))?;
        self.patient_label(patient)?;
        let code = input.payer.trim().to_ascii_uppercase();
        let payer = store::payers(self.live()?.store.conn())?
            .into_iter()
            .find(|p| p.code == code && p.active)
            .ok_or_else(|| Error::validation("payer", format!("there is no payer {code}")))?;
        let number = validate::text("policy_number", &input.policy_number, 60)?;
        if !(0..=10_000).contains(&input.coverage_bp) {
            return Err(Error::validation(
                "coverage_bp",
                "is 0 to 10000 basis points (100 = 1 %)",
            ));
        }
        let valid_until = match input
            .valid_until
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(
                validate::parse_date(v)
                    .ok_or_else(|| Error::validation("valid_until", "is a date YYYY-MM-DD"))?
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            None => None,
        };
        let policy = self.transact(|tx, ctx, actor| {
            let policy = Policy {
                id: crate::ids::new_v7_at(ctx.now).hyphenated().to_string(),
                patient_id: patient,
                payer_id: payer.id.clone(),
                payer_name: payer.name.clone(),
                policy_number: number.clone(),
                coverage_bp: input.coverage_bp,
                valid_until: valid_until.clone(),
                active: true,
            };
            store::insert_policy(tx, ctx, &policy, actor.user)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.policy", Outcome::Success)
                    .patient(patient)
                    .details(serde_json::json!({ "payer": payer.code, "number": number })),
            )?;
            Ok(policy)
        })?;
        Ok(policy)
    }

    /// A patient's policies.
    pub fn policies_of(&mut self, patient: PatientId) -> Result<Vec<Policy>> {
        self.authorize(Action::BillingRead, Target::Patient(patient))?;
        store::policies_of(self.live()?.store.conn(), patient)
    }

    /// Drafts a claim for an issued invoice on one of its patient's policies, for the
    /// policy's share of the total (billing staff).
    pub fn create_claim(&mut self, invoice: &str, policy: &str) -> Result<Claim> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let view = self.invoice(invoice)?;
        let inv = &view.invoice;
        if inv.status != "issued" || inv.kind != "invoice" {
            return Err(Error::validation(
                "invoice",
                "a claim is made on an issued invoice",
            ));
        }
        let conn = self.live()?.store.conn();
        let policy = store::policy(conn, policy)?
            .ok_or_else(|| Error::validation("policy", format!("there is no policy {policy}")))?;
        if Some(policy.patient_id) != inv.patient_id || !policy.active {
            return Err(Error::validation(
                "policy",
                "that is not an active policy of this invoice's patient",
            ));
        }
        let today = self.today()?;
        if policy
            .valid_until
            .as_deref()
            .and_then(validate::parse_date)
            .is_some_and(|d| d < today)
        {
            return Err(Error::validation(
                "policy",
                format!(
                    "the policy ended on {}",
                    policy.valid_until.unwrap_or_default()
                ),
            ));
        }
        let conn = self.live()?.store.conn();
        if store::claims_of_invoice(conn, &inv.id)?
            .iter()
            .any(|c| c.status != "denied")
        {
            return Err(Error::validation(
                "invoice",
                "a claim already stands on this invoice",
            ));
        }
        let claimed = of_bp(view.totals.total_minor, policy.coverage_bp)?;
        let inv_id = inv.id.clone();
        self.transact(|tx, ctx, actor| {
            let claim = Claim {
                id: crate::ids::new_v7_at(ctx.now).hyphenated().to_string(),
                invoice_id: inv_id.clone(),
                policy_id: policy.id.clone(),
                payer_id: policy.payer_id.clone(),
                status: "draft".into(),
                claimed_minor: claimed,
                approved_minor: None,
                note: None,
                created_by: actor.user,
                created_at: to_db_time(ctx.now),
                submitted_at: None,
                decided_at: None,
                paid_at: None,
            };
            store::insert_claim(tx, ctx, &claim)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.claim", Outcome::Success)
                    .entity("invoice", &inv_id)
                    .details(
                        serde_json::json!({ "claimed_minor": claimed, "payer": policy.payer_name }),
                    ),
            )?;
            Ok(claim)
        })
    }

    fn claim_step(
        &mut self,
        id: &str,
        to: &str,
        approved: Option<i64>,
        note: Option<&str>,
    ) -> Result<Claim> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let claim = store::claim(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("claim", format!("there is no claim {id}")))?;
        let allowed = matches!(
            (claim.status.as_str(), to),
            ("draft", "submitted")
                | ("submitted", "approved" | "partly_approved" | "denied")
                | ("approved" | "partly_approved", "paid")
        );
        if !allowed {
            return Err(Error::validation(
                "claim",
                format!(
                    "a {} claim does not become {to}",
                    claim.status.replace('_', " ")
                ),
            ));
        }
        let note = validate::optional_text("note", note, 300)?;
        self.transact(|tx, ctx, actor| {
            store::step_claim(
                tx,
                ctx,
                &claim.id,
                to,
                approved,
                note.as_deref(),
                &to_db_time(ctx.now),
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.claim", Outcome::Success)
                    .entity("invoice", &claim.invoice_id)
                    .details(serde_json::json!({ "status": to, "approved_minor": approved })),
            )?;
            Ok(())
        })?;
        store::claim(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::Internal("claim vanished".into()))
    }

    /// Sends a drafted claim to its payer.
    pub fn submit_claim(&mut self, id: &str) -> Result<Claim> {
        self.claim_step(id, "submitted", None, None)
    }

    /// Records the payer's decision on a submitted claim: what it approved (all,
    /// part, or 0 for a denial), with its note.
    pub fn decide_claim(
        &mut self,
        id: &str,
        approved_minor: i64,
        note: Option<&str>,
    ) -> Result<Claim> {
        let claim = store::claim(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("claim", format!("there is no claim {id}")))?;
        if !(0..=claim.claimed_minor).contains(&approved_minor) {
            return Err(Error::validation(
                "approved_minor",
                format!("is 0 to the {} claimed", claim.claimed_minor),
            ));
        }
        let to = if approved_minor == 0 {
            "denied"
        } else if approved_minor == claim.claimed_minor {
            "approved"
        } else {
            "partly_approved"
        };
        self.claim_step(id, to, Some(approved_minor), note)
    }

    /// Records the payer's payment of an approved claim: a payment of method
    /// `insurance` for what it approved, and the claim marked paid.
    pub fn claim_paid(&mut self, id: &str, reference: Option<&str>) -> Result<Claim> {
        self.authorize(Action::PaymentRecord, Target::Any)?;
        let claim = store::claim(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("claim", format!("there is no claim {id}")))?;
        if !matches!(claim.status.as_str(), "approved" | "partly_approved") {
            return Err(Error::validation("claim", "only an approved claim is paid"));
        }
        self.record_payment(
            &claim.invoice_id,
            &PaymentInput {
                method: "insurance".into(),
                amount_minor: claim.approved_minor.unwrap_or(0),
                reference: reference.map(str::to_owned),
                ..PaymentInput::default()
            },
        )?;
        self.claim_step(id, "paid", claim.approved_minor, None)
    }

    /// An invoice's split between its payer (the standing claim) and its patient.
    pub fn shares(&mut self, invoice: &str) -> Result<Shares> {
        let view = self.invoice(invoice)?;
        let claims = store::claims_of_invoice(self.live()?.store.conn(), &view.invoice.id)?;
        let claim = claims.into_iter().rev().find(|c| c.status != "denied");
        let insurer = claim.as_ref().map_or(0, Claim::insurer_share);
        Ok(Shares {
            total_minor: view.totals.total_minor,
            insurer_minor: insurer,
            patient_minor: view.totals.total_minor - insurer,
            claim,
        })
    }

    /// Claims by status (the month's report and the claims list).
    pub fn claims(&mut self, status: Option<&str>) -> Result<Vec<Claim>> {
        self.authorize(Action::BillingRead, Target::Any)?;
        store::claims(self.live()?.store.conn(), status)
    }
}
