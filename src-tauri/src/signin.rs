//! Setting a workstation up (a new clinic, or joining a branch that already syncs),
//! signing in, break-glass, locking and unlocking, signing out, the session's state and
//! what its actor may do, and enrolling a second factor.

use std::sync::Arc;

use clinic_core::clock::to_db_time;
use clinic_core::policy::{Decision, decide};
use clinic_core::{Action, Session, Setup, Target, Workstation};
use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

use crate::dto::{CommandError, Role};
use crate::shell::{Reply, Result, Shared, Shell, State, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub fn session_state(shell: Shared<'_>) -> SessionState {
    shell.session_state()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_up_workstation(
    shell: Shared<'_>,
    clinic_name: String,
    admin_username: String,
    password: String,
) -> Reply<SetUpDone> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.set_up(&clinic_name, &admin_username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn join_workstation(
    shell: Shared<'_>,
    server: String,
    code: String,
    ca_cert_pem: Option<String>,
    username: String,
    password: String,
) -> Reply<SetUpDone> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.join(&server, &code, ca_cert_pem.as_deref(), &username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(
    shell: Shared<'_>,
    username: String,
    password: String,
    totp_code: Option<String>,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.sign_in(&username, &password, totp_code.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn break_glass(
    shell: Shared<'_>,
    username: String,
    password: String,
    totp_code: Option<String>,
    reason: String,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.break_glass(&username, &password, totp_code.as_deref(), &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unlock(
    shell: Shared<'_>,
    password: String,
    totp_code: Option<String>,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.unlock(&password, totp_code.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(shell: Shared<'_>) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.sign_out();
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn lock(shell: Shared<'_>) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.lock();
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn begin_totp_enrolment(shell: Shared<'_>) -> Reply<TotpSetup> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.begin_totp_enrolment()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn enrol_totp(shell: Shared<'_>, secret: String, code: String) -> Reply<SignedIn> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.enrol_totp(&secret, &code)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Where the session stands. An open session the core has already locked (idle) is
    /// reported, and kept, as locked.
    pub fn session_state(&self) -> SessionState {
        let mut state = self.state();
        if let State::Open(open) = &*state
            && open.session.is_locked()
        {
            Self::to_locked(&mut state);
        }
        match &*state {
            State::SignedOut => SessionState::SignedOut,
            State::Open(open) => SessionState::Open {
                session: Box::new(SignedIn::of(&open.session)),
            },
            State::Locked {
                username,
                clinic_name,
            } => SessionState::Locked {
                username: username.clone(),
                clinic_name: clinic_name.clone(),
            },
        }
    }

    /// First-run set-up; signs the new admin in.
    pub fn set_up(
        &self,
        clinic_name: &str,
        admin_username: &str,
        password: &str,
    ) -> Result<SetUpDone> {
        let setup = Setup::new(clinic_name, admin_username, password);
        let init = Workstation::init(&self.data_dir, &setup, self.clock.clone(), self.kdf)?;
        let done = SetUpDone {
            recovery_code: ShownOnce(Zeroizing::new(init.recovery_code.as_str().to_owned())),
            session: SignedIn::of(&init.session),
        };
        self.open(init.session, None);
        Ok(done)
    }

    /// Sets this workstation up for a branch that already syncs: enrolls with the code,
    /// signs the user in on the server, pulls the branch's data, and opens the session
    /// (syncing in the background from now on).
    pub fn join(
        &self,
        server: &str,
        code: &str,
        ca_cert_pem: Option<&str>,
        username: &str,
        password: &str,
    ) -> Result<SetUpDone> {
        let join = clinic_core::Join {
            server: server.trim().to_owned(),
            code: code.trim().to_owned(),
            ca_cert: ca_cert_pem
                .map(str::trim)
                .filter(|pem| !pem.is_empty())
                .map(str::to_owned),
            username: username.trim().to_owned(),
            password: Zeroizing::new(password.to_owned()),
        };
        let mut joined = Workstation::join(&self.data_dir, &join, self.clock.clone(), self.kdf)?;
        let done = SetUpDone {
            recovery_code: ShownOnce(Zeroizing::new(joined.recovery_code.as_str().to_owned())),
            session: SignedIn::of(&joined.session),
        };
        let background = joined.session.sync_companion().ok();
        self.open(joined.session, background);
        Ok(done)
    }

    /// Signs in; `totp_code` is needed when the core answers `totp_required`.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<SignedIn> {
        let workstation = Workstation::open(&self.data_dir, self.clock.clone(), self.kdf)?;
        let mut session = workstation.sign_in(username, password, totp_code)?;
        let signed_in = SignedIn::of(&session);
        // A workstation that has joined a sync server syncs in the background, on a second
        // connection of this sign-in (which takes over its sign-in on the server).
        let enrolled = session.sync_configured().unwrap_or(false);
        let background = if enrolled {
            session.sync_companion().ok()
        } else {
            None
        };
        self.open(session, background);
        Ok(signed_in)
    }

    /// Break-glass: opens a pre-created emergency account, read-only and time-limited; the
    /// core records the reason and tells every administrator.
    pub fn break_glass(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        reason: &str,
    ) -> Result<SignedIn> {
        let workstation = Workstation::open(&self.data_dir, self.clock.clone(), self.kdf)?;
        let session = workstation.break_glass(username, password, totp_code, reason)?;
        let signed_in = SignedIn::of(&session);
        self.open(session, None);
        Ok(signed_in)
    }

    /// Unlocks a locked workstation as the same user who locked it.
    pub fn unlock(&self, password: &str, totp_code: Option<&str>) -> Result<SignedIn> {
        let username = match &*self.state() {
            State::Locked { username, .. } => username.clone(),
            State::Open(open) if !open.session.is_locked() => {
                return Ok(SignedIn::of(&open.session));
            }
            State::Open(open) => open.session.actor().username.clone(),
            State::SignedOut => {
                return Err(CommandError::no_session(
                    "nobody is signed in on this workstation; sign in",
                ));
            }
        };
        self.sign_in(&username, password, totp_code)
    }

    pub fn begin_totp_enrolment(&self) -> Result<TotpSetup> {
        self.with_open(|open| {
            let e = open.session.begin_totp_enrolment()?;
            let qr = QrMatrix::encode(&e.uri)?;
            Ok(TotpSetup {
                secret: e.secret,
                uri: e.uri,
                qr,
            })
        })
    }

    /// Turns on the signed-in user's second factor; answers with the session as it now
    /// stands (the core lifts the "enrol first" restriction).
    pub fn enrol_totp(&self, secret: &str, code: &str) -> Result<SignedIn> {
        self.with_open(|open| {
            open.session.enrol_totp(secret.trim(), code.trim())?;
            Ok(SignedIn::of(&open.session))
        })
    }
}

/// What the signed-in actor may do, screen by screen. `decide` is the core's pure policy
/// function: asking it writes nothing (unlike `Session::authorize`, which audits a
/// refusal), so the UI can ask on every sign-in without filling the audit log.
pub fn capabilities(actor: &clinic_core::Actor) -> Capabilities {
    let may = |action| decide(actor, action, Target::Any) == Decision::Allow;
    // A patient's account reads its own record only (the policy's `Own` scope).
    let own_record = actor.patient.is_some_and(|patient| {
        decide(actor, Action::RecordRead, Target::Patient(patient)) == Decision::Allow
    });
    Capabilities {
        search_patients: may(Action::PatientView),
        register_patients: may(Action::PatientCreate),
        edit_patients: may(Action::PatientUpdate),
        archive_patients: may(Action::PatientArchive),
        view_doctors: may(Action::DoctorView),
        view_appointments: may(Action::AppointmentView),
        book_appointments: may(Action::AppointmentBook),
        cancel_appointments: may(Action::AppointmentCancel),
        reschedule_appointments: may(Action::AppointmentReschedule),
        check_in: may(Action::AppointmentCheckIn),
        manage_sync: may(Action::SettingsManage),
        manage_users: may(Action::UserManage),
        manage_emergency_accounts: may(Action::EmergencyAccountManage),
        manage_settings: may(Action::SettingsManage),
        read_audit: may(Action::AuditRead),
        manage_doctors: may(Action::DoctorManage),
        merge_patients: may(Action::PatientMerge),
        read_records: may(Action::RecordRead),
        read_own_record: own_record,
        write_records: may(Action::RecordWrite),
        add_notes: may(Action::NoteAdd),
        add_vitals: may(Action::VitalsAdd),
        record_allergies: may(Action::AllergyRecord),
        add_attachments: may(Action::AttachmentAdd),
        read_access_history: may(Action::AuditRead) || own_record,
        read_prescriptions: may(Action::PrescriptionRead)
            || actor.patient.is_some_and(|patient| {
                decide(actor, Action::PrescriptionRead, Target::Patient(patient)) == Decision::Allow
            }),
        write_prescriptions: may(Action::PrescriptionWrite),
        read_lab: may(Action::LabOrderRead)
            || actor.patient.is_some_and(|patient| {
                decide(actor, Action::LabOrderRead, Target::Patient(patient)) == Decision::Allow
            }),
        order_lab: may(Action::LabOrderCreate),
        enter_lab_results: may(Action::LabResultEnter),
        read_stock: may(Action::StockRead),
        move_stock: may(Action::StockMove),
        adjust_stock: may(Action::StockAdjust),
        dispense: may(Action::PrescriptionDispense),
        read_billing: may(Action::BillingRead),
        write_billing: may(Action::BillingWrite),
        take_payments: may(Action::PaymentRecord),
        give_discounts: may(Action::BillingDiscount),
        manage_prices: may(Action::SettingsManage),
    }
}

// ---- wire types -----------------------------------------------------------------------

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
    /// A patient's account: the patient record it belongs to.
    pub patient_id: Option<String>,
}

impl From<&clinic_core::Actor> for Actor {
    fn from(a: &clinic_core::Actor) -> Self {
        Self {
            user_id: a.user.to_string(),
            username: a.username.clone(),
            role: a.role.into(),
            emergency_until: a.emergency_until.map(to_db_time),
            must_enrol_totp: a.must_enrol_totp,
            patient_id: a.patient.map(|p| p.to_string()),
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
    /// Opening any patient's chart: notes, vitals, diagnoses, allergies (doctors, nurses).
    pub read_records: bool,
    /// Opening one's own chart (a patient's account; `Actor::patient_id` names it).
    pub read_own_record: bool,
    /// Opening visits, writing SOAP notes, recording diagnoses (doctors).
    pub write_records: bool,
    /// Writing a nursing note on an open visit.
    pub add_notes: bool,
    pub add_vitals: bool,
    /// Recording, correcting and archiving allergies.
    pub record_allergies: bool,
    /// Add scans, photos and PDFs to a record.
    pub add_attachments: bool,
    /// Who opened a patient's record (administrators; a patient for their own).
    pub read_access_history: bool,
    /// A patient's prescriptions (doctors, pharmacists; a patient for their own).
    pub read_prescriptions: bool,
    /// Writing, issuing, cancelling and repeating prescriptions (doctors).
    pub write_prescriptions: bool,
    /// A patient's lab orders and results (doctors, lab technicians; a patient for their
    /// own).
    pub read_lab: bool,
    /// Ordering lab tests (doctors).
    pub order_lab: bool,
    /// The lab's worklist: collecting, rejecting, entering and verifying (lab
    /// technicians).
    pub enter_lab_results: bool,
    /// The branch's stock, movements, alerts, discrepancies and reports (pharmacists,
    /// administrators).
    pub read_stock: bool,
    /// Receiving, expiring, transferring and selling stock (pharmacists).
    pub move_stock: bool,
    /// Correcting stock to a count, resolving a discrepancy (pharmacists, administrators).
    pub adjust_stock: bool,
    /// The pharmacy's queue and dispensing against prescriptions (pharmacists).
    pub dispense: bool,
    /// The branch's open invoices and any invoice (front desk, accountants,
    /// administrators).
    pub read_billing: bool,
    /// Drafting, adding and removing lines, issuing, voiding and crediting invoices (front
    /// desk, accountants).
    pub write_billing: bool,
    /// Taking payments and giving refunds (front desk, accountants).
    pub take_payments: bool,
    /// Discounting a draft's line, with a reason (accountants).
    pub give_discounts: bool,
    /// Keeping the price list (administrators).
    pub manage_prices: bool,
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
            capabilities: capabilities(session.actor()),
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

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup(<redacted>)")
    }
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

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Clinic::export_all(cfg)?;
    Actor::export_all(cfg)?;
    Capabilities::export_all(cfg)?;
    SignedIn::export_all(cfg)?;
    SessionState::export_all(cfg)?;
    SetUpDone::export_all(cfg)?;
    TotpSetup::export_all(cfg)?;
    QrMatrix::export_all(cfg)?;
    Ok(())
}
