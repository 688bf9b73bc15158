//! Sick notes and fitness-to-work certificates, written from a visit by a doctor. Issuing
//! one numbers it (per device, like prescriptions: `C-<branch>-<device>-<counter>`),
//! lays it out, and files the PDF in the patient's attachments on that visit, so the
//! record keeps exactly the paper the patient took away, it syncs like every
//! attachment, and it prints again from the chart.
//!
//! Invariants: only a doctor (`record_write`) issues one, for an existing visit of the
//! patient, with the dates in order (a sick note from the visit's day at the earliest
//! minus seven days: a doctor may cover the days just before the visit, no more); the
//! certificate is issued by the signed-in doctor, whoever the visit was with. Its
//! verification code is drawn from a random id that is never stored: the filed copy is
//! the record, so checking a paper is comparing it with the copy in the chart.

use serde::{Deserialize, Serialize};

use super::{Document, DocumentRef, doctor, long_date, patient, pdf_error, verification_code};
use crate::clinical::attachments::Attachment;
use crate::error::{Error, Result};
use crate::ids::{EncounterId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::sequences;
use crate::validate;

/// How far before the visit a sick note may start.
const MAX_BACKDATE_DAYS: i64 = 7;

/// Which certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// Unfit for work from `from` to `until`.
    #[default]
    SickNote,
    /// Fit to (return to) work from `from`.
    FitnessToWork,
}

impl CertificateKind {
    fn title(self) -> &'static str {
        match self {
            CertificateKind::SickNote => "Sick note",
            CertificateKind::FitnessToWork => "Fitness to work",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            CertificateKind::SickNote => "sick-note",
            CertificateKind::FitnessToWork => "fitness-to-work",
        }
    }
}

/// What the doctor writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertificateInput {
    pub kind: CertificateKind,
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`; required for a sick note, none for fitness to work.
    pub until: Option<String>,
    /// E.g. "Rest at home; light duties for a week after".
    pub recommendation: String,
}

impl Session {
    /// Issues a certificate from a visit: numbers it, lays it out and files the PDF in
    /// the patient's attachments on that visit. Returns the attachment and the document.
    pub fn issue_certificate(
        &mut self,
        encounter: EncounterId,
        input: &CertificateInput,
    ) -> Result<(Attachment, Document)> {
        let visit = self.encounter_unaudited(encounter)?;
        self.authorize(Action::RecordWrite, Target::Patient(visit.patient_id))?;
        let time = self.clinic_time()?;
        let examined = super::stored_day(&time, &visit.opened_at).unwrap_or(self.today()?);
        let from = crate::clinic_time::parse_date("from", &input.from)?;
        if (examined - from).num_days() > MAX_BACKDATE_DAYS {
            return Err(Error::validation(
                "from",
                format!(
                    "is more than {MAX_BACKDATE_DAYS} days before the visit ({}); a certificate covers the days around the visit",
                    long_date(examined)
                ),
            ));
        }
        let until = match (input.kind, input.until.as_deref().map(str::trim)) {
            (CertificateKind::SickNote, None | Some("")) => {
                return Err(Error::validation(
                    "until",
                    "a sick note needs its last day (YYYY-MM-DD)",
                ));
            }
            (CertificateKind::SickNote, Some(u)) => {
                let until = crate::clinic_time::parse_date("until", u)?;
                if until < from {
                    return Err(Error::validation("until", "is before the first day"));
                }
                if (until - from).num_days() > 365 {
                    return Err(Error::validation(
                        "until",
                        "is more than a year after the first day; issue a new certificate at review",
                    ));
                }
                long_date(until)
            }
            (CertificateKind::FitnessToWork, _) => String::new(),
        };
        let recommendation = match input.recommendation.trim() {
            "" => String::new(),
            r => validate::text("recommendation", r, 600)?,
        };
        let today = self.today()?;
        let letterhead = self.print_letterhead()?;
        let (doctor, patient) = {
            let me = self.actor().user;
            let conn = self.live()?.store.conn();
            (doctor(conn, me)?, patient(conn, visit.patient_id, today)?)
        };
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        // The number is taken in its own transaction: a number skipped by a failure
        // later is harmless, a number given twice is not.
        let number = self.transact(|tx, _, _| {
            Ok(format!(
                "C-{}",
                sequences::number(
                    &clinic.branch_code,
                    device,
                    sequences::next(tx, "certificate")?
                )
            ))
        })?;
        let secret = new_v7_at(self.now()).to_string();
        let view = clinic_pdf::CertificateView {
            letterhead,
            doctor,
            patient,
            kind: match input.kind {
                CertificateKind::SickNote => clinic_pdf::CertificateKind::SickNote,
                CertificateKind::FitnessToWork => clinic_pdf::CertificateKind::FitnessToWork,
            },
            verification_code: verification_code(input.kind.slug(), &number, &secret),
            number: number.clone(),
            date: long_date(today),
            examined_on: long_date(examined),
            from: long_date(from),
            until,
            recommendation,
        };
        let pdf = clinic_pdf::certificate(&view).map_err(pdf_error)?;
        let title = format!("{} {number}", input.kind.title());
        let file_name = format!("{}-{number}.pdf", input.kind.slug());
        let attachment = self.add_attachment(
            visit.patient_id,
            Some(encounter),
            &file_name,
            Some(&title),
            &pdf,
        )?;
        Ok((
            attachment.clone(),
            Document {
                reference: DocumentRef::Attachment(attachment.id),
                patient: Some(visit.patient_id),
                title,
                file_name,
                pdf,
            },
        ))
    }
}
