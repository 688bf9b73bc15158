//! What the commands exchange with the UI: wire types, mapped from clinic-core's own types
//! so that a change in the core's structs never silently changes what the UI receives.
//!
//! TypeScript declarations for every type here are generated (ts-rs, in test builds only)
//! into `ui/src/lib/generated/`; `ui/src/lib/api.ts` uses them. The test
//! `generated_types_are_up_to_date` fails when the committed files drift from this module;
//! `cargo test -p clinic-desktop -- --ignored export_types` rewrites them.
//!
//! Ids travel as UUID strings, times as RFC 3339 UTC strings (`2026-01-05T09:00:00.000Z`),
//! days as `YYYY-MM-DD` in the clinic's time zone, and money as integer minor units of the
//! clinic's currency.

use clinic_core::clock::to_db_time;
use clinic_core::{Code, Session};
use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroizing;

/// Roles as the core names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    LabTechnician,
    Pharmacist,
    Accountant,
    Patient,
}

impl From<clinic_core::Role> for Role {
    fn from(role: clinic_core::Role) -> Self {
        match role {
            clinic_core::Role::Admin => Role::Admin,
            clinic_core::Role::Doctor => Role::Doctor,
            clinic_core::Role::Nurse => Role::Nurse,
            clinic_core::Role::Receptionist => Role::Receptionist,
            clinic_core::Role::LabTechnician => Role::LabTechnician,
            clinic_core::Role::Pharmacist => Role::Pharmacist,
            clinic_core::Role::Accountant => Role::Accountant,
            clinic_core::Role::Patient => Role::Patient,
        }
    }
}

impl From<Role> for clinic_core::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => clinic_core::Role::Admin,
            Role::Doctor => clinic_core::Role::Doctor,
            Role::Nurse => clinic_core::Role::Nurse,
            Role::Receptionist => clinic_core::Role::Receptionist,
            Role::LabTechnician => clinic_core::Role::LabTechnician,
            Role::Pharmacist => clinic_core::Role::Pharmacist,
            Role::Accountant => clinic_core::Role::Accountant,
            Role::Patient => clinic_core::Role::Patient,
        }
    }
}

/// A demo account the sign-in screen lists (demo mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
}

/// `app_state`: what the first screen needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppState {
    pub initialized: bool,
    pub demo: bool,
    /// Empty unless in demo mode.
    pub demo_accounts: Vec<DemoAccount>,
    /// Only known while a session is open or locked: the name is inside the encrypted
    /// database.
    pub clinic_name: Option<String>,
}

/// The clinic and branch this workstation belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Clinic {
    pub name: String,
    /// ISO 4217 code, e.g. `KES`.
    pub currency: String,
    /// IANA time zone, e.g. `Africa/Nairobi`; every day and time is shown in it.
    pub time_zone: String,
    pub branch_id: String,
    pub branch_code: String,
    pub branch_name: String,
    /// This workstation's device id, as the sync server knows it.
    pub device_id: String,
}

impl From<&clinic_core::ClinicInfo> for Clinic {
    fn from(c: &clinic_core::ClinicInfo) -> Self {
        Self {
            name: c.name.clone(),
            currency: c.currency.clone(),
            time_zone: c.time_zone.clone(),
            branch_id: c.branch_id.to_string(),
            branch_code: c.branch_code.clone(),
            branch_name: c.branch_name.clone(),
            device_id: c.device_id.to_string(),
        }
    }
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    /// Set for break-glass sessions: when the emergency access ends.
    pub emergency_until: Option<String>,
    /// The role requires a second factor this user has not set up yet; until they do,
    /// the core refuses everything else.
    pub must_enrol_totp: bool,
}

impl From<&clinic_core::Actor> for Actor {
    fn from(a: &clinic_core::Actor) -> Self {
        Self {
            user_id: a.user.to_string(),
            username: a.username.clone(),
            role: a.role.into(),
            emergency_until: a.emergency_until.map(to_db_time),
            must_enrol_totp: a.must_enrol_totp,
        }
    }
}

/// What the signed-in actor may do, screen by screen, as the core's policy decides it
/// (`clinic_core::policy::decide`). The UI shows or hides screens and buttons with these;
/// the core still checks every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Capabilities {
    pub search_patients: bool,
    pub register_patients: bool,
    pub edit_patients: bool,
    pub archive_patients: bool,
    pub view_doctors: bool,
    pub view_appointments: bool,
    pub book_appointments: bool,
    pub cancel_appointments: bool,
    pub reschedule_appointments: bool,
    pub check_in: bool,
    /// Joining this workstation to a sync server (administrators).
    pub manage_sync: bool,
    /// Adding users, changing their roles and branches, deactivating them.
    pub manage_users: bool,
    /// Creating break-glass emergency accounts.
    pub manage_emergency_accounts: bool,
    /// Clinic-wide sign-in settings (second factor per role, idle lock).
    pub manage_settings: bool,
    /// Reading and verifying the audit log.
    pub read_audit: bool,
    /// Adding doctors, their weekly hours and time off.
    pub manage_doctors: bool,
    /// Merging duplicate patient records, undoing merges, restoring archived records.
    pub merge_patients: bool,
}

/// A successful sign-in or unlock, and what `session_state` reports while open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignedIn {
    pub clinic: Clinic,
    pub actor: Actor,
    pub capabilities: Capabilities,
    /// The session locks itself after this many seconds without activity; the UI locks
    /// itself after as long without input.
    pub idle_lock_seconds: u32,
}

impl SignedIn {
    pub fn of(session: &Session) -> Self {
        Self {
            clinic: session.clinic().into(),
            actor: session.actor().into(),
            capabilities: crate::shell::capabilities(session.actor()),
            idle_lock_seconds: u32::try_from(session.idle_limit().num_seconds().max(0))
                .unwrap_or(u32::MAX),
        }
    }
}

/// Where the session stands: the UI asks after a `session_locked` error, and on start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionState {
    SignedOut,
    /// Locked (by the person or after idle): the same user unlocks with their password.
    Locked {
        username: String,
        clinic_name: String,
    },
    Open {
        // Boxed: the open state is much larger than the others.
        session: Box<SignedIn>,
    },
}

/// A successful set-up: the admin is signed in and the recovery code is shown once.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SetUpDone {
    #[cfg_attr(test, ts(type = "string"))]
    pub recovery_code: ShownOnce,
    pub session: SignedIn,
}

/// A secret the UI shows once: sent as a plain string, wiped from memory when dropped,
/// never printed by `Debug`.
pub struct ShownOnce(pub Zeroizing<String>);

impl Serialize for ShownOnce {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

impl std::fmt::Debug for ShownOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A second factor being set up: the secret to type into an authenticator app (or the
/// `otpauth://` link it encodes, also as a QR code to scan).
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TotpSetup {
    pub secret: String,
    pub uri: String,
    pub qr: QrMatrix,
}

/// A QR code as its square of modules, for the UI to draw (no quiet zone included: leave
/// four modules of light margin around it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QrMatrix {
    /// Modules per side (21 for version 1, 4 more per version).
    pub size: u32,
    /// Row by row, `size * size` entries; true is dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` with medium error correction (what authenticator apps expect).
    pub fn encode(text: &str) -> Result<Self, CommandError> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .map_err(|err| CommandError::internal(format!("could not make a QR code: {err}")))?;
        Ok(Self {
            size: u32::try_from(code.width()).unwrap_or(u32::MAX),
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup(<redacted>)")
    }
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Notification {
    pub id: String,
    /// e.g. `appointment_booked`, `appointment_cancelled`, `break_glass`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: String,
    pub read: bool,
}

impl From<clinic_core::Notification> for Notification {
    fn from(n: clinic_core::Notification) -> Self {
        Self {
            id: n.id.to_string(),
            kind: n.kind,
            title: n.title,
            body: n.body,
            entity: n.entity,
            entity_id: n.entity_id,
            created_at: n.created_at,
            read: n.read,
        }
    }
}

/// The registration and edit form. Optional fields may be empty strings or null.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub blood_group: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub allergies: Vec<String>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
}

impl From<PatientInput> for clinic_core::frontdesk::patients::PatientInput {
    fn from(p: PatientInput) -> Self {
        Self {
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            email: p.email,
            address: p.address,
            blood_group: p.blood_group,
            emergency_contact_name: p.emergency_contact_name,
            emergency_contact_phone: p.emergency_contact_phone,
            allergies: p.allergies,
            insurance_provider: p.insurance_provider,
            insurance_number: p.insurance_number,
        }
    }
}

/// One row of a search result or duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientSummary {
    pub id: String,
    /// Medical record number, e.g. `BR01-7KQ3M-000042`.
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    /// False for an archived record (only administrators see those in searches).
    pub active: bool,
}

impl From<clinic_core::frontdesk::patients::PatientSummary> for PatientSummary {
    fn from(p: clinic_core::frontdesk::patients::PatientSummary) -> Self {
        Self {
            id: p.id.to_string(),
            mrn: p.mrn,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            active: p.active,
        }
    }
}

/// A patient's full demographic record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Patient {
    pub id: String,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub blood_group: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub allergies: Vec<String>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
    pub active: bool,
    /// Set when this record was merged into another (the survivor's id).
    pub merged_into: Option<String>,
}

impl From<clinic_core::frontdesk::patients::Patient> for Patient {
    fn from(p: clinic_core::frontdesk::patients::Patient) -> Self {
        Self {
            id: p.id.to_string(),
            mrn: p.mrn,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            email: p.email,
            address: p.address,
            blood_group: p.blood_group,
            emergency_contact_name: p.emergency_contact_name,
            emergency_contact_phone: p.emergency_contact_phone,
            allergies: p.allergies,
            insurance_provider: p.insurance_provider,
            insurance_number: p.insurance_number,
            active: p.active,
            merged_into: p.merged_into.map(|id| id.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Doctor {
    pub id: String,
    /// The doctor's user account.
    pub user_id: String,
    pub name: String,
    pub specialization: String,
    /// Unique, upper case, e.g. `MP-1001`.
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units of the clinic's currency.
    pub fee_minor: i64,
    pub active: bool,
}

impl From<clinic_core::frontdesk::doctors::Doctor> for Doctor {
    fn from(d: clinic_core::frontdesk::doctors::Doctor) -> Self {
        Self {
            id: d.id.to_string(),
            user_id: d.user_id.to_string(),
            name: d.name,
            specialization: d.specialization,
            licence_number: d.licence_number,
            phone: d.phone,
            email: d.email,
            fee_minor: d.fee_minor,
            active: d.active,
        }
    }
}

/// A new doctor profile, for an existing user account with the doctor role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DoctorInput {
    pub username: String,
    pub specialization: String,
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units of the clinic's currency.
    pub fee_minor: i64,
}

impl From<DoctorInput> for clinic_core::frontdesk::doctors::DoctorInput {
    fn from(d: DoctorInput) -> Self {
        let optional = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            username: d.username.trim().to_owned(),
            specialization: d.specialization,
            licence_number: d.licence_number,
            phone: optional(d.phone),
            email: optional(d.email),
            fee_minor: d.fee_minor,
        }
    }
}

/// One block of a doctor's weekly hours, in the clinic's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WeeklyHours {
    /// e.g. `BR01`.
    pub branch_code: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM` (`24:00` for midnight at the end of the day).
    pub end: String,
    /// Length of one appointment slot.
    pub slot_minutes: u32,
}

/// A doctor's time off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimeOff {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

impl From<clinic_core::frontdesk::doctors::TimeOff> for TimeOff {
    fn from(t: clinic_core::frontdesk::doctors::TimeOff) -> Self {
        Self {
            id: t.id,
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            reason: t.reason,
        }
    }
}

/// A free appointment slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Slot {
    pub starts_at: String,
    pub ends_at: String,
}

impl From<clinic_core::frontdesk::doctors::schedule::Slot> for Slot {
    fn from(s: clinic_core::frontdesk::doctors::schedule::Slot) -> Self {
        Self {
            starts_at: to_db_time(s.starts_at),
            ends_at: to_db_time(s.ends_at),
        }
    }
}

/// Rows of one table that a merge moved from the duplicate to the survivor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MovedRows {
    /// e.g. `appointments`.
    pub table: String,
    pub ids: Vec<String>,
}

/// A recorded patient merge: who survived, who was merged, what moved, and whether it
/// has been undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientMerge {
    pub id: String,
    pub survivor_id: String,
    pub merged_id: String,
    /// Tables with rows that moved (empty tables left out), by table name.
    pub moved: Vec<MovedRows>,
    pub merged_at: String,
    pub undone_at: Option<String>,
}

impl From<clinic_core::frontdesk::patients::Merge> for PatientMerge {
    fn from(m: clinic_core::frontdesk::patients::Merge) -> Self {
        let mut moved: Vec<MovedRows> = m
            .moved
            .as_object()
            .map(|tables| {
                tables
                    .iter()
                    .map(|(table, ids)| MovedRows {
                        table: table.clone(),
                        ids: ids
                            .as_array()
                            .map(|ids| {
                                ids.iter()
                                    .filter_map(|id| id.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .filter(|rows| !rows.ids.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        moved.sort_by(|a, b| a.table.cmp(&b.table));
        Self {
            id: m.id,
            survivor_id: m.survivor_id.to_string(),
            merged_id: m.merged_id.to_string(),
            moved,
            merged_at: m.merged_at,
            undone_at: m.undone_at,
        }
    }
}

/// A doctor with their first free slot, for the booking flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Availability {
    pub doctor: Doctor,
    pub first_free: Slot,
}

impl From<clinic_core::frontdesk::appointments::Availability> for Availability {
    fn from(a: clinic_core::frontdesk::appointments::Availability) -> Self {
        Self {
            doctor: a.doctor.into(),
            first_free: a.first_free.into(),
        }
    }
}

/// An appointment's status, as the core's state machine names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Held,
    Confirmed,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
    Rescheduled,
    /// Two branches booked the slot offline; the front desk must resolve it.
    Conflict,
    /// A status this version of the app does not know (from a newer workstation).
    Unknown,
}

impl AppointmentStatus {
    pub fn parse(status: &str) -> Self {
        match status {
            "held" => Self::Held,
            "confirmed" => Self::Confirmed,
            "checked_in" => Self::CheckedIn,
            "completed" => Self::Completed,
            "cancelled" => Self::Cancelled,
            "no_show" => Self::NoShow,
            "rescheduled" => Self::Rescheduled,
            "conflict" => Self::Conflict,
            _ => Self::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Appointment {
    pub id: String,
    /// The number printed on slips, e.g. `BR01-7KQ3M-000007`.
    pub number: String,
    pub patient_id: String,
    pub doctor_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: AppointmentStatus,
    /// While `held`: when the hold runs out and the slot is free again.
    pub hold_expires_at: Option<String>,
    /// True until the sync server has accepted the booking ("not yet synced").
    pub provisional: bool,
    pub reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub rescheduled_from: Option<String>,
}

impl From<clinic_core::frontdesk::appointments::Appointment> for Appointment {
    fn from(a: clinic_core::frontdesk::appointments::Appointment) -> Self {
        Self {
            id: a.id.to_string(),
            number: a.number,
            patient_id: a.patient_id.to_string(),
            doctor_id: a.doctor_id.to_string(),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            status: AppointmentStatus::parse(&a.status),
            hold_expires_at: a.hold_expires_at,
            provisional: a.provisional,
            reason: a.reason,
            cancel_reason: a.cancel_reason,
            rescheduled_from: a.rescheduled_from.map(|id| id.to_string()),
        }
    }
}

/// An appointment with the names a list needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppointmentRow {
    pub appointment: Appointment,
    pub patient_name: String,
    pub patient_mrn: String,
    pub doctor_name: String,
}

impl From<clinic_core::frontdesk::appointments::AppointmentRow> for AppointmentRow {
    fn from(row: clinic_core::frontdesk::appointments::AppointmentRow) -> Self {
        Self {
            appointment: row.appointment.into(),
            patient_name: row.patient.name,
            patient_mrn: row.patient.mrn,
            doctor_name: row.doctor_name,
        }
    }
}

/// One clinic day's appointments at this branch (the check-in queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DayAppointments {
    /// `YYYY-MM-DD` in the clinic's time zone.
    pub day: String,
    pub rows: Vec<AppointmentRow>,
}

/// Appointments over one or more clinic days, for the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CalendarAppointments {
    /// The days shown, `YYYY-MM-DD` in the clinic's time zone, first to last.
    pub days: Vec<String>,
    /// The branch shown (code), or null for every branch.
    pub branch_code: Option<String>,
    /// The doctor shown, or null for every doctor.
    pub doctor_id: Option<String>,
    /// In time order.
    pub rows: Vec<AppointmentRow>,
}

/// The header's sync indicator: whether this workstation has joined a sync server, and
/// what is waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncStatus {
    pub configured: bool,
    /// The last sync attempt reached the server and succeeded.
    pub online: bool,
    pub server_url: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    /// Changes made here that the server has not accepted yet.
    pub pending_changes: i64,
    /// Changes the server refused, for a person to look at.
    pub refused_changes: i64,
    /// Pulled changes that could not be applied here.
    pub conflicts: i64,
}

impl From<clinic_core::sync::SyncStatus> for SyncStatus {
    fn from(s: clinic_core::sync::SyncStatus) -> Self {
        let (server_url, last_attempt_at, last_success_at, last_error) = match s.configured {
            Some(state) => (
                Some(state.server_url),
                state.last_attempt_at,
                state.last_success_at,
                state.last_error,
            ),
            None => (None, None, None, None),
        };
        Self {
            configured: server_url.is_some(),
            online: last_error.is_none() && last_success_at.is_some(),
            server_url,
            last_attempt_at,
            last_success_at,
            last_error,
            pending_changes: s.pending_changes,
            refused_changes: s.refused_changes,
            conflicts: s.conflicts,
        }
    }
}

/// A workstation of the clinic group, as the sync server knows it (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GroupDevice {
    pub device_id: String,
    pub name: String,
    pub branch_code: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// When the server last received a change from it.
    pub last_push_at: Option<String>,
    /// The workstation this app runs on.
    pub this_workstation: bool,
}

/// A pulled change that could not be applied on this workstation, kept for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncConflict {
    pub change_id: String,
    /// The table the change was for, e.g. `appointments`.
    pub table: String,
    pub row_id: String,
    /// Why it could not be applied.
    pub reason: String,
    pub received_at: String,
}

impl From<clinic_core::sync::Conflict> for SyncConflict {
    fn from(c: clinic_core::sync::Conflict) -> Self {
        Self {
            change_id: c.change_id,
            table: c.table,
            row_id: c.row_id,
            reason: c.reason,
            received_at: c.received_at,
        }
    }
}

/// What one sync round did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    pub cursor: i64,
}

impl From<clinic_core::sync::SyncReport> for SyncReport {
    fn from(r: clinic_core::sync::SyncReport) -> Self {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Self {
            pushed: count(r.pushed),
            rejected: count(r.rejected),
            pulled: count(r.pulled),
            cursor: r.cursor,
        }
    }
}

/// A branch of the clinic, for pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Branch {
    pub id: String,
    /// e.g. `BR01`.
    pub code: String,
    pub name: String,
    pub active: bool,
}

impl From<clinic_core::identity::Branch> for Branch {
    fn from(b: clinic_core::identity::Branch) -> Self {
        Self {
            id: b.id.to_string(),
            code: b.code,
            name: b.name,
            active: b.active,
        }
    }
}

/// A user account, as the users screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UserAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// A break-glass account: disabled until someone opens emergency access.
    pub emergency: bool,
    /// While emergency access is open: when it closes.
    pub emergency_until: Option<String>,
    pub totp_enrolled: bool,
    /// Codes of the branches the user may work at; empty means every branch.
    pub branches: Vec<String>,
}

impl UserAccount {
    /// `codes` names the branches by id (ids the workstation does not know are shown as
    /// they are, so that nothing is hidden).
    pub fn of(
        u: clinic_core::User,
        codes: &std::collections::HashMap<clinic_core::ids::BranchId, String>,
    ) -> Self {
        let mut branches: Vec<String> = u
            .branches
            .iter()
            .map(|id| codes.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect();
        branches.sort();
        Self {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            role: u.role.into(),
            active: u.active,
            emergency: u.emergency,
            emergency_until: u.emergency_until,
            totp_enrolled: u.totp_enrolled,
            branches,
        }
    }
}

/// The clinic-wide sign-in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignInSettings {
    /// Idle minutes before a session locks itself (1 to 240; from the next sign-in).
    pub idle_lock_minutes: u32,
    /// The roles that must use a second factor.
    pub totp_required: Vec<Role>,
}

impl From<clinic_core::SignInSettings> for SignInSettings {
    fn from(s: clinic_core::SignInSettings) -> Self {
        Self {
            idle_lock_minutes: s.idle_lock_minutes,
            totp_required: s.totp_required.into_iter().map(Role::from).collect(),
        }
    }
}

/// This workstation's scheduled backups and how the last backup went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupSchedule {
    /// Full path of the folder; empty until an administrator saves one.
    pub folder: String,
    pub daily: bool,
    /// How many scheduled backups are kept (the newest).
    pub keep: u32,
    /// RFC 3339 UTC.
    pub last_success_at: Option<String>,
    pub last: Option<LastBackup>,
}

/// The last backup attempted: the file written, or the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LastBackup {
    /// RFC 3339 UTC.
    pub at: String,
    pub ok: bool,
    pub file: Option<String>,
    pub error: Option<String>,
}

/// What an administrator saves on the backup form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupScheduleInput {
    pub folder: String,
    pub daily: bool,
    pub keep: u32,
}

impl From<clinic_core::maintenance::backup_schedule::BackupSchedule> for BackupSchedule {
    fn from(s: clinic_core::maintenance::backup_schedule::BackupSchedule) -> Self {
        Self {
            folder: s.folder,
            daily: s.daily,
            keep: s.keep,
            last_success_at: s.last_success_at.map(to_db_time),
            last: s.last.map(|last| LastBackup {
                at: to_db_time(last.at),
                ok: last.result.is_ok(),
                file: last.result.as_ref().ok().cloned(),
                error: last.result.err(),
            }),
        }
    }
}

/// What the audit log viewer asks for. Empty strings count as "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditQuery {
    pub username: Option<String>,
    /// An exact action (`user.create`) or a prefix ending in a dot (`user.`).
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` in the clinic's time zone.
    pub from: Option<String>,
    /// Last day (included), `YYYY-MM-DD` in the clinic's time zone.
    pub to: Option<String>,
    /// At most this many events (newest first); 0 means the core's default.
    pub limit: u32,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditEntry {
    pub id: String,
    pub device_id: String,
    /// Position in its device's hash chain (from 1).
    pub device_seq: i64,
    pub at: String,
    pub username: Option<String>,
    pub role: Option<String>,
    /// e.g. `sign_in`, `user.create`, `patient.view`.
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// JSON text.
    pub details: String,
}

impl From<clinic_core::AuditEntry> for AuditEntry {
    fn from(e: clinic_core::AuditEntry) -> Self {
        Self {
            id: e.id,
            device_id: e.device_id,
            device_seq: e.device_seq,
            at: e.at,
            username: e.username,
            role: e.role,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            patient_id: e.patient_id,
            outcome: e.outcome,
            details: e.details,
        }
    }
}

/// The first broken link in a device's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditBreak {
    pub device_id: String,
    pub device_seq: i64,
    pub event_id: String,
    pub reason: String,
}

/// The result of walking every device's audit hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditVerification {
    pub events: u64,
    pub devices: u64,
    /// Null when every chain is whole.
    pub first_break: Option<AuditBreak>,
}

impl From<clinic_core::Verification> for AuditVerification {
    fn from(v: clinic_core::Verification) -> Self {
        Self {
            events: v.events,
            devices: v.devices,
            first_break: v.first_break.map(|b| AuditBreak {
                device_id: b.device_id,
                device_seq: b.device_seq,
                event_id: b.event_id,
                reason: b.reason,
            }),
        }
    }
}

/// The closed set of error codes, mirrored from clinic-core's `Code` (an exhaustive
/// match, so a new core code does not compile until it is added here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadCredentials,
    BadRecoveryCode,
    UserInactive,
    LockedOut,
    TotpRequired,
    BadTotpCode,
    EmergencyAccount,
    SessionLocked,
    EmergencyExpired,
    NotInitialized,
    AlreadyInitialized,
    KeyFileMissing,
    KeyFileCorrupt,
    DatabaseMissing,
    NotOurDatabase,
    DatabaseCorrupt,
    NotABackup,
    BackupDamaged,
    Forbidden,
    PossibleDuplicate,
    SlotTaken,
    InvalidTransition,
    Offline,
    UpdateRequired,
    SyncRefused,
    Sync,
    Validation,
    Internal,
}

impl From<Code> for ErrorCode {
    fn from(code: Code) -> Self {
        match code {
            Code::BadCredentials => Self::BadCredentials,
            Code::BadRecoveryCode => Self::BadRecoveryCode,
            Code::UserInactive => Self::UserInactive,
            Code::LockedOut => Self::LockedOut,
            Code::TotpRequired => Self::TotpRequired,
            Code::BadTotpCode => Self::BadTotpCode,
            Code::EmergencyAccount => Self::EmergencyAccount,
            Code::SessionLocked => Self::SessionLocked,
            Code::EmergencyExpired => Self::EmergencyExpired,
            Code::NotInitialized => Self::NotInitialized,
            Code::AlreadyInitialized => Self::AlreadyInitialized,
            Code::KeyFileMissing => Self::KeyFileMissing,
            Code::KeyFileCorrupt => Self::KeyFileCorrupt,
            Code::DatabaseMissing => Self::DatabaseMissing,
            Code::NotOurDatabase => Self::NotOurDatabase,
            Code::DatabaseCorrupt => Self::DatabaseCorrupt,
            Code::NotABackup => Self::NotABackup,
            Code::BackupDamaged => Self::BackupDamaged,
            Code::Forbidden => Self::Forbidden,
            Code::PossibleDuplicate => Self::PossibleDuplicate,
            Code::SlotTaken => Self::SlotTaken,
            Code::InvalidTransition => Self::InvalidTransition,
            Code::Offline => Self::Offline,
            Code::UpdateRequired => Self::UpdateRequired,
            Code::SyncRefused => Self::SyncRefused,
            Code::Sync => Self::Sync,
            Code::Validation => Self::Validation,
            Code::Internal => Self::Internal,
        }
    }
}

/// Every command error reaches the UI as `{ code, message, field }`; `field` names the
/// form field a validation error is about and is `null` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: message.into(),
            field: None,
        }
    }

    /// A value the UI sent that the shell cannot even parse (an id or a date): shown next
    /// to `field` like the core's own validation errors.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// No open session: the UI asks `session_state` and shows the lock or sign-in screen.
    pub fn no_session(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::SessionLocked,
            message: message.into(),
            field: None,
        }
    }
}

impl From<clinic_core::Error> for CommandError {
    fn from(err: clinic_core::Error) -> Self {
        let field = err.field();
        let mut message = err.to_string();
        // A validation error displays as "field: message"; the UI shows the message next
        // to the field itself, so the prefix would only repeat the field's (internal) name.
        if let Some(field) = field
            && let Some(rest) = message.strip_prefix(&format!("{field}: "))
        {
            message = rest.to_owned();
        }
        Self {
            code: err.code().into(),
            message,
            field: field.map(str::to_owned),
        }
    }
}

/// The types the UI sees, for exporting their TypeScript declarations.
#[cfg(test)]
pub(crate) mod typescript {
    use std::path::Path;

    use ts_rs::{Config, TS};

    use super::*;

    /// Writes one `.ts` file per wire type (and the types they use) into `dir`.
    pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
        // Money and counts stay well inside 2^53: plain numbers, not bigint.
        let cfg = Config::new().with_out_dir(dir).with_large_int("number");
        AppState::export_all(&cfg)?;
        SignedIn::export_all(&cfg)?;
        SessionState::export_all(&cfg)?;
        SetUpDone::export_all(&cfg)?;
        TotpSetup::export_all(&cfg)?;
        Notification::export_all(&cfg)?;
        PatientInput::export_all(&cfg)?;
        PatientSummary::export_all(&cfg)?;
        Patient::export_all(&cfg)?;
        Doctor::export_all(&cfg)?;
        Availability::export_all(&cfg)?;
        DayAppointments::export_all(&cfg)?;
        SyncStatus::export_all(&cfg)?;
        SyncReport::export_all(&cfg)?;
        CommandError::export_all(&cfg)?;
        Branch::export_all(&cfg)?;
        UserAccount::export_all(&cfg)?;
        SignInSettings::export_all(&cfg)?;
        BackupSchedule::export_all(&cfg)?;
        BackupScheduleInput::export_all(&cfg)?;
        AuditQuery::export_all(&cfg)?;
        AuditEntry::export_all(&cfg)?;
        AuditVerification::export_all(&cfg)?;
        DoctorInput::export_all(&cfg)?;
        WeeklyHours::export_all(&cfg)?;
        TimeOff::export_all(&cfg)?;
        CalendarAppointments::export_all(&cfg)?;
        PatientMerge::export_all(&cfg)?;
        SyncConflict::export_all(&cfg)?;
        GroupDevice::export_all(&cfg)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::typescript;

    /// Where the UI keeps the generated declarations (committed, so the UI builds without
    /// Rust).
    fn generated_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/generated")
    }

    fn read_ts_files(dir: &Path) -> BTreeMap<String, String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return BTreeMap::new();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ts"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    #[test]
    fn generated_types_are_up_to_date() {
        let tmp = tempfile::tempdir().unwrap();
        typescript::export_all(tmp.path()).unwrap();
        let fresh = read_ts_files(tmp.path());
        let committed = read_ts_files(&generated_dir());
        assert!(fresh.contains_key("AppState.ts"), "the export wrote files");
        let drifted: Vec<&String> = fresh
            .keys()
            .chain(committed.keys())
            .filter(|name| fresh.get(*name) != committed.get(*name))
            .collect();
        assert!(
            drifted.is_empty(),
            "types drifted: ui/src/lib/generated/ no longer matches src-tauri/src/dto.rs \
             ({drifted:?}); run `cargo test -p clinic-desktop -- --ignored export_types` \
             and commit the result"
        );
    }

    /// Rewrites `ui/src/lib/generated/` from the wire types.
    #[test]
    #[ignore = "writes into ui/src/lib/generated; run it after changing dto.rs"]
    fn export_types() {
        let dir = generated_dir();
        std::fs::create_dir_all(&dir).unwrap();
        for name in read_ts_files(&dir).keys() {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        typescript::export_all(&dir).unwrap();
    }
}
