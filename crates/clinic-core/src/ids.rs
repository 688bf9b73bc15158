//! UUIDv7 identifier newtypes. One type per entity, so a patient id can never be passed
//! where a user id is expected. v7 ids sort by creation time, which keeps indexes compact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::{NoContext, Timestamp, Uuid};

use crate::clock::Clock;

/// Makes a UUIDv7 stamped with the injected clock's time.
pub fn new_v7(clock: &dyn Clock) -> Uuid {
    new_v7_at(clock.now())
}

/// Makes a UUIDv7 stamped with `at`.
pub fn new_v7_at(at: chrono::DateTime<chrono::Utc>) -> Uuid {
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        secs,
        at.timestamp_subsec_nanos(),
    ))
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new(clock: &dyn Clock) -> Self {
                Self(new_v7(clock))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                Uuid::parse_str(text)
                    .map(Self)
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    )*};
}

id_type!(
    /// One workstation database; binds key envelopes to their database.
    DatabaseId,
    /// An enrolled workstation (device).
    DeviceId,
    OrganisationId,
    BranchId,
    UserId,
    /// A signed-in session on one workstation.
    SessionId,
    /// One row of the change log (idempotency key for sync).
    ChangeId,
    PatientId,
    DoctorId,
    AppointmentId,
    AuditEventId,
    NotificationId,
    /// A visit (clinical::encounters).
    EncounterId,
    NoteId,
    NoteVersionId,
    VitalsId,
    DiagnosisId,
    AllergyId,
    AttachmentId,
    /// A prescription (clinical::prescriptions).
    PrescriptionId,
    /// A lab order, a sample collected for it, a result, its verification
    /// (clinical::lab).
    LabOrderId,
    SampleId,
    LabResultId,
    LabVerificationId,
    /// A drug as a branch stocks it, one of its batches, a movement of a batch, a
    /// transfer between branches, a discrepancy the sync server raised (pharmacy).
    StockItemId,
    BatchId,
    MovementId,
    TransferId,
    DiscrepancyId,
    /// An invoice or credit note, and a payment (billing). Their rows keep the id as
    /// text (a visit's draft has an id derived from the visit's); these name them in
    /// documents.
    InvoiceId,
    PaymentId,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn ids_are_version_7_and_sort_by_clock_time() {
        let clock = ManualClock::monday_morning();
        let a = UserId::new(&clock);
        clock.advance(chrono::Duration::milliseconds(2));
        let b = UserId::new(&clock);
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b, "a later clock gives a later id");
        assert_eq!(
            a.to_string().parse::<UserId>().unwrap(),
            a,
            "round-trips as text"
        );
    }
}
