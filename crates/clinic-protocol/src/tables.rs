//! Every synced table, declared once: its name, how its rows merge, who receives them,
//! which field holds a group-unique number, whether rows may ever be removed, which
//! fields are secrets that never leave the workstation, and who may write it.
//!
//! Invariants:
//! - A table without a [`TableSpec`] here is not synced: the server refuses every change
//!   to it, and a workstation keeps a pulled one as a conflict. Nothing is writable by
//!   default; open access ([`Need::AnySignedIn`]) is written out per table.
//! - The action a change needs is decided from the row's transition (no row yet, or
//!   which fields change from what to what), never from which fields a change happens
//!   to carry: a field sent with the value it already has changes nothing.
//! - Rows of tables with `tombstones: false` (patients, users, doctors, appointments,
//!   clinical records, history) are never removed: they are archived by a field.
//! - Fields named in `secret_fields` are never recorded in a change, never accepted by
//!   the server and never returned by a pull.

use serde_json::{Map, Value};

use crate::ChangeKind;
pub use crate::billing::{
    CLAIMS, INVOICE_LINES, INVOICES, PAYERS, PAYMENTS, POLICIES, PRICE_ITEMS,
};
use crate::merge::Rule;
use crate::policy::Action;
pub use crate::stock::{
    STOCK_BATCHES, STOCK_DISCREPANCIES, STOCK_ITEMS, STOCK_MOVEMENTS, STOCK_TRANSFERS,
};

/// Which workstations receive a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every workstation of the group (patients visit any branch; bookings are checked
    /// across branches).
    Group,
    /// Only the workstations of the branch whose workstation wrote the row.
    Branch,
}

/// What a change to a row needs from its author, decided from its transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The author's role (as the server holds it) must be granted this action.
    Action(Action),
    /// Any known, signed-in user may make it (it grants nothing and is attributed).
    AnySignedIn,
    /// Nobody may make it from a workstation; the reason says why.
    Refused(String),
}

/// Who may write a table.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Rows belong to the device that writes them (the audit chain): `device_field` must
    /// name the pushing device, and the change may be pushed by any user signed in on it.
    DeviceOwn { device_field: &'static str },
    /// The need follows from the row's transition.
    ByTransition(fn(&Transition<'_>) -> Need),
}

/// One synced table.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub name: &'static str,
    pub rule: Rule,
    pub scope: Scope,
    /// The field holding a human-readable number that must be unique across the group
    /// (a hard rule the server decides).
    pub unique_number: Option<&'static str>,
    /// Whether a row may be removed (configuration rows only).
    pub tombstones: bool,
    /// Fields that stay on the workstation that wrote them.
    pub secret_fields: &'static [&'static str],
    /// The row each row of this table belongs to (`field` names its id in `table`), which
    /// the server reads before judging a change: a note's version is judged by its note.
    pub parent: Option<Parent>,
    pub access: Access,
}

/// A row's parent: the field holding its id, and its table.
#[derive(Debug, Clone, Copy)]
pub struct Parent {
    pub field: &'static str,
    pub table: &'static str,
}

impl TableSpec {
    /// Whether a change of `kind` fits this table.
    pub fn kind_allowed(&self, kind: ChangeKind) -> bool {
        match (self.rule, kind) {
            (Rule::FieldLww, ChangeKind::Upsert) | (Rule::AppendOnly, ChangeKind::Append) => true,
            (Rule::FieldLww, ChangeKind::Tombstone) => self.tombstones,
            _ => false,
        }
    }

    /// The reason a change of `kind` does not fit, for a per-change refusal.
    pub fn kind_refusal(&self, kind: ChangeKind) -> Option<String> {
        if self.kind_allowed(kind) {
            return None;
        }
        Some(match (self.rule, kind) {
            (Rule::FieldLww, ChangeKind::Tombstone) => format!(
                "rows of {} are never deleted; archive or deactivate them instead",
                self.name
            ),
            (Rule::AppendOnly, _) => {
                format!("{} is append-only: its rows are never changed", self.name)
            }
            _ => format!("{kind:?} changes are not allowed for {}", self.name),
        })
    }

    /// Removes the fields that never leave the workstation; true if any was there.
    pub fn strip_secrets(&self, fields: &mut Map<String, Value>) -> bool {
        let before = fields.len();
        fields.retain(|k, _| !self.secret_fields.contains(&k.as_str()));
        fields.len() != before
    }
}

/// A change seen against the row it applies to.
pub struct Transition<'a> {
    /// The signed-in user making the change.
    pub author: &'a str,
    /// The branch code of the device pushing it (as the server registered the device).
    pub branch: &'a str,
    pub row_id: &'a str,
    /// The row as it stands, `None` when the change makes a new row.
    pub old: Option<&'a Map<String, Value>>,
    /// The fields the change sends.
    pub fields: &'a Map<String, Value>,
    /// The parent row as it stands (tables with a [`Parent`]), `None` when there is none.
    pub parent: Option<&'a Map<String, Value>>,
    /// Whether the same push also changes this (table, row): a notification about an
    /// appointment travels with the booking it is about.
    pub same_push: &'a dyn Fn(&str, &str) -> bool,
}

impl Transition<'_> {
    pub fn is_new(&self) -> bool {
        self.old.is_none()
    }

    /// Whether the change gives `field` a value other than the one on record.
    pub fn changes(&self, field: &str) -> bool {
        match (self.fields.get(field), self.old) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(new), Some(old)) => old.get(field).unwrap_or(&Value::Null) != new,
        }
    }

    /// The fields whose value changes.
    pub fn changed_fields(&self) -> impl Iterator<Item = &str> {
        self.fields
            .keys()
            .map(String::as_str)
            .filter(|f| self.changes(f))
    }

    /// The value of `field` before the change.
    pub fn before(&self, field: &str) -> Option<&str> {
        self.old.and_then(|o| o.get(field)).and_then(Value::as_str)
    }

    /// The value of `field` after the change.
    pub fn after(&self, field: &str) -> Option<&str> {
        self.fields
            .get(field)
            .or_else(|| self.old.and_then(|o| o.get(field)))
            .and_then(Value::as_str)
    }
}

pub(crate) const fn lww(name: &'static str, access: Access) -> TableSpec {
    TableSpec {
        name,
        rule: Rule::FieldLww,
        scope: Scope::Group,
        unique_number: None,
        tombstones: false,
        secret_fields: &[],
        parent: None,
        access,
    }
}

pub(crate) const fn append(name: &'static str, access: Access) -> TableSpec {
    TableSpec {
        rule: Rule::AppendOnly,
        ..lww(name, access)
    }
}

fn settings(_: &Transition<'_>) -> Need {
    Need::Action(Action::SettingsManage)
}

fn user_manage(_: &Transition<'_>) -> Need {
    Need::Action(Action::UserManage)
}

fn doctor_manage(_: &Transition<'_>) -> Need {
    Need::Action(Action::DoctorManage)
}

fn patient_merge(_: &Transition<'_>) -> Need {
    Need::Action(Action::PatientMerge)
}

/// The largest letterhead logo (a PNG), so that its base64 fits one change's field
/// ([`crate::limits::MAX_FIELD_BYTES`]): a few hundred pixels wide is plenty on paper.
pub const MAX_LOGO_BYTES: usize = 45 * 1024;
/// The largest letterhead logo a change may carry, base64.
pub const MAX_LOGO_BASE64: usize = MAX_LOGO_BYTES.div_ceil(3) * 4;
// The build fails if the largest logo (with its JSON quotes) would not fit one field.
const _: () = assert!(MAX_LOGO_BASE64 + 2 <= crate::limits::MAX_FIELD_BYTES);

/// The organisation row: administrators only; the letterhead's paper size and logo are
/// checked here too, so no workstation can make every other one fail to print.
fn organisation_need(t: &Transition<'_>) -> Need {
    if t.changes("page_size") && !matches!(t.after("page_size"), Some("A4" | "Letter")) {
        return Need::Refused("the paper size is A4 or Letter".into());
    }
    if t.changes("logo_png")
        && let Some(logo) = t.fields.get("logo_png")
    {
        let fits = match logo {
            Value::Null => true,
            Value::String(b64) => b64.len() <= MAX_LOGO_BASE64 && b64.starts_with("iVBORw0KGgo"),
            _ => false,
        };
        if !fits {
            return Need::Refused(
                "a letterhead logo is a base64 PNG of at most 45 KB, or null".into(),
            );
        }
    }
    Need::Action(Action::SettingsManage)
}

pub const ORGANISATION: TableSpec = lww("organisation", Access::ByTransition(organisation_need));
pub const BRANCHES: TableSpec = lww("branches", Access::ByTransition(settings));
pub const USERS: TableSpec = TableSpec {
    // TOTP seeds stay on the workstation where the user enrolled them.
    secret_fields: &["totp_secret"],
    ..lww("users", Access::ByTransition(users_need))
};
pub const USER_BRANCHES: TableSpec = TableSpec {
    tombstones: true,
    ..lww("user_branches", Access::ByTransition(user_manage))
};
pub const ROLE_SETTINGS: TableSpec = lww("role_settings", Access::ByTransition(settings));
pub const NOTIFICATIONS: TableSpec = lww("notifications", Access::ByTransition(notifications_need));
pub const AUDIT_LOG: TableSpec = TableSpec {
    // The largest table; each device's chain is checked where it was written.
    scope: Scope::Branch,
    ..append(
        "audit_log",
        Access::DeviceOwn {
            device_field: "device_id",
        },
    )
};
pub const PATIENTS: TableSpec = TableSpec {
    unique_number: Some("mrn"),
    ..lww("patients", Access::ByTransition(patients_need))
};
pub const PATIENT_MERGES: TableSpec = lww("patient_merges", Access::ByTransition(patient_merge));
pub const DOCTORS: TableSpec = lww("doctors", Access::ByTransition(doctor_manage));
pub const DOCTOR_HOURS: TableSpec = TableSpec {
    tombstones: true,
    ..lww("doctor_hours", Access::ByTransition(doctor_manage))
};
pub const DOCTOR_TIME_OFF: TableSpec = lww("doctor_time_off", Access::ByTransition(doctor_manage));
pub const APPOINTMENTS: TableSpec = TableSpec {
    unique_number: Some("number"),
    ..lww("appointments", Access::ByTransition(appointments_need))
};
pub const APPOINTMENT_EVENTS: TableSpec = append(
    "appointment_events",
    Access::ByTransition(appointment_events_need),
);

// The clinical record. Notes, their versions and vitals are never lost: versions and
// vitals are append-only, and a note's header only ever gains a later version or its
// signature. Diagnoses are corrected in place (per-field, last writer wins) and archived,
// never removed.
pub const ENCOUNTERS: TableSpec = lww("encounters", Access::ByTransition(encounters_need));
pub const NOTES: TableSpec = lww("notes", Access::ByTransition(notes_need));
pub const NOTE_VERSIONS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "note_id",
        table: "notes",
    }),
    ..append("note_versions", Access::ByTransition(note_versions_need))
};
pub const VITALS: TableSpec = append("vitals", Access::ByTransition(vitals_need));
pub const DIAGNOSES: TableSpec = lww("diagnoses", Access::ByTransition(diagnoses_need));
pub const ALLERGIES: TableSpec = lww("allergies", Access::ByTransition(allergies_need));
// Scans, photos and PDFs: a record is never removed and keeps what it was born with (its
// file, key and author); archiving is a flag. The bytes travel separately
// (`crate::attachments`).
pub const ATTACHMENTS: TableSpec = lww("attachments", Access::ByTransition(attachments_need));
// Prescriptions travel once issued (a draft stays on its workstation), numbered like
// records and bookings, and are then frozen but for cancelling. Their items are appended
// once each, with ids `<prescription id>-<position>` up to the prescription's
// `item_count`, so nothing can be added to an issued prescription later.
pub const PRESCRIPTIONS: TableSpec = TableSpec {
    unique_number: Some("number"),
    ..lww("prescriptions", Access::ByTransition(prescriptions_need))
};
pub const PRESCRIPTION_ITEMS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "prescription_id",
        table: "prescriptions",
    }),
    ..append(
        "prescription_items",
        Access::ByTransition(prescription_items_need),
    )
};
// The laboratory. An order names its tests (copied from the orderer's catalogue) and
// is frozen but for cancelling; a sample is collected against an order and may only be
// rejected afterwards; results are appended, a correction being a later version of the
// same test on the same sample; a verification is appended by someone other than the
// result's author. Numbers (orders and samples) are unique across the group.
pub const LAB_ORDERS: TableSpec = TableSpec {
    unique_number: Some("number"),
    ..lww("lab_orders", Access::ByTransition(lab_orders_need))
};
pub const LAB_SAMPLES: TableSpec = TableSpec {
    unique_number: Some("number"),
    parent: Some(Parent {
        field: "order_id",
        table: "lab_orders",
    }),
    ..lww("lab_samples", Access::ByTransition(lab_samples_need))
};
pub const LAB_RESULTS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "sample_id",
        table: "lab_samples",
    }),
    ..append("lab_results", Access::ByTransition(lab_results_need))
};
pub const LAB_VERIFICATIONS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "result_id",
        table: "lab_results",
    }),
    ..append(
        "lab_verifications",
        Access::ByTransition(lab_verifications_need),
    )
};

/// Every synced table.
pub const TABLES: &[&TableSpec] = &[
    &ORGANISATION,
    &BRANCHES,
    &USERS,
    &USER_BRANCHES,
    &ROLE_SETTINGS,
    &NOTIFICATIONS,
    &AUDIT_LOG,
    &PATIENTS,
    &PATIENT_MERGES,
    &DOCTORS,
    &DOCTOR_HOURS,
    &DOCTOR_TIME_OFF,
    &APPOINTMENTS,
    &APPOINTMENT_EVENTS,
    &ENCOUNTERS,
    &NOTES,
    &NOTE_VERSIONS,
    &VITALS,
    &DIAGNOSES,
    &ALLERGIES,
    &ATTACHMENTS,
    &PRESCRIPTIONS,
    &PRESCRIPTION_ITEMS,
    &LAB_ORDERS,
    &LAB_SAMPLES,
    &LAB_RESULTS,
    &LAB_VERIFICATIONS,
    &STOCK_ITEMS,
    &STOCK_BATCHES,
    &STOCK_MOVEMENTS,
    &STOCK_TRANSFERS,
    &STOCK_DISCREPANCIES,
    &PRICE_ITEMS,
    &INVOICES,
    &INVOICE_LINES,
    &PAYMENTS,
    &PAYERS,
    &POLICIES,
    &CLAIMS,
];

/// Workstation tables that never sync, each with why: the schema test checks that every
/// table is either here or in [`TABLES`].
pub const LOCAL_TABLES: &[(&str, &str)] = &[
    ("refinery_schema_history", "migration bookkeeping"),
    ("workstation", "this workstation's own identity"),
    ("hlc_state", "this device's clock"),
    ("change_log", "the outbox itself"),
    ("number_sequences", "per-device number series"),
    ("patient_search", "a search index rebuilt from patients"),
    ("sync_applying", "a flag while a pulled page is applied"),
    ("sync_state", "this workstation's enrollment and cursor"),
    ("field_clocks", "merge bookkeeping beside each row"),
    ("sync_conflicts", "pulled changes kept for a person"),
    (
        "backup_schedule",
        "where and how often this workstation backs up",
    ),
    (
        "drugs",
        "reference data: the starter catalogue and this workstation's imported formulary",
    ),
    (
        "drug_interactions",
        "reference data: the starter interaction pairs and this workstation's imports",
    ),
    (
        "attachment_uploads",
        "attachment files made here whose bytes the sync server does not hold yet",
    ),
    (
        "lab_tests",
        "reference data: the starter lab catalogue and this workstation's imports",
    ),
    (
        "lab_ranges",
        "reference data: the lab catalogue's reference ranges",
    ),
    ("lab_panels", "reference data: the lab catalogue's panels"),
    (
        "invoice_balances",
        "a cache of issued invoices' totals and payments, rebuilt from the synced rows",
    ),
    (
        "invoice_balances_owed",
        "the cache's running total of what is owed",
    ),
    (
        "invoice_balances_stale",
        "the invoices whose cached balance must be brought up to date",
    ),
];

/// The declaration of a synced table, or `None` for a table that does not sync.
pub fn spec(table: &str) -> Option<&'static TableSpec> {
    TABLES.iter().copied().find(|t| t.name == table)
}

/// The transitions of an appointment's status that people make. `conflict` is only ever
/// set by the server's verdict.
pub fn appointment_transition_allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("held", "confirmed")
            | ("held", "cancelled")
            | ("confirmed", "checked_in")
            | ("confirmed", "cancelled")
            | ("confirmed", "no_show")
            | ("confirmed", "rescheduled")
            | ("held", "rescheduled")
            | ("checked_in", "completed")
            | ("conflict", "cancelled")
            | ("conflict", "rescheduled")
    )
}

fn users_need(t: &Transition<'_>) -> Need {
    // Opening break-glass access stamps the emergency account's own row; nothing else
    // about a user is theirs to change.
    let own_emergency_stamp =
        !t.is_new() && t.row_id == t.author && t.changed_fields().all(|f| f == "emergency_until");
    if own_emergency_stamp {
        Need::AnySignedIn
    } else {
        Need::Action(Action::UserManage)
    }
}

fn notifications_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if t.after("user_id") == Some(t.author) {
            return Need::AnySignedIn;
        }
        // Telling a colleague about something: only together with the change it is
        // about (a booking tells its doctor; break-glass tells the administrators).
        let about = match (t.after("entity"), t.after("entity_id")) {
            (Some("appointment"), Some(id)) => (t.same_push)("appointments", id),
            (Some("user"), Some(id)) => (t.same_push)("users", id),
            // A critical lab result tells the doctor who ordered the test.
            (Some("lab_result"), Some(id)) => (t.same_push)("lab_results", id),
            // A movement that leaves an item low tells the branch's pharmacists.
            (Some("stock_movement"), Some(id)) => (t.same_push)("stock_movements", id),
            _ => false,
        };
        return if about {
            Need::AnySignedIn
        } else {
            Need::Refused(
                "a notification for another user must travel with the change it is about".into(),
            )
        };
    }
    let addressee = t.before("user_id") == Some(t.author);
    if addressee && t.changed_fields().all(|f| f == "read_at") {
        Need::AnySignedIn
    } else {
        Need::Refused("only its addressee may mark a notification read; nothing else of a notification changes".into())
    }
}

fn patients_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        return Need::Action(Action::PatientCreate);
    }
    if t.changes("mrn") {
        return Need::Refused(
            "a record number is given once; only the sync server renumbers".into(),
        );
    }
    if t.changes("merged_into") {
        Need::Action(Action::PatientMerge)
    } else if t.changes("active") {
        Need::Action(Action::PatientArchive)
    } else {
        Need::Action(Action::PatientUpdate)
    }
}

fn appointments_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        // A new appointment is a booking whatever its status says.
        return match t.after("status") {
            Some("conflict") => {
                Need::Refused("only the sync server marks a booking as a conflict".into())
            }
            _ if t.after("rescheduled_from").is_some() => {
                Need::Action(Action::AppointmentReschedule)
            }
            _ => Need::Action(Action::AppointmentBook),
        };
    }
    if t.changes("number") {
        return Need::Refused(
            "an appointment number is given once; only the sync server renumbers".into(),
        );
    }
    if t.changes("status") {
        let from = t.before("status").unwrap_or_default();
        let to = t.after("status").unwrap_or_default();
        // A booking the server marked as a conflict may still receive the moves its
        // workstation made before the verdict reached it (confirming, checking in): they
        // are judged by where they go, and the server's verdict is applied again after.
        if from != "conflict" && !appointment_transition_allowed(from, to) {
            return Need::Refused(format!("an appointment cannot go from {from} to {to}"));
        }
        return match to {
            "confirmed" => Need::Action(Action::AppointmentBook),
            "checked_in" | "no_show" => Need::Action(Action::AppointmentCheckIn),
            "completed" => Need::Action(Action::AppointmentComplete),
            "cancelled" => Need::Action(Action::AppointmentCancel),
            "rescheduled" => Need::Action(Action::AppointmentReschedule),
            _ => Need::Refused(format!("an appointment cannot go from {from} to {to}")),
        };
    }
    if t.changes("patient_id") {
        // Merging two records moves the duplicate's bookings to the survivor.
        return Need::Action(Action::PatientMerge);
    }
    if ["doctor_id", "branch_id", "starts_at", "ends_at"]
        .iter()
        .any(|f| t.changes(f))
    {
        return Need::Action(Action::AppointmentReschedule);
    }
    Need::Action(Action::AppointmentBook)
}

fn appointment_events_need(t: &Transition<'_>) -> Need {
    if t.after("by_user") == Some(t.author) {
        Need::AnySignedIn
    } else {
        Need::Refused("an appointment's history names the user who pushes it".into())
    }
}

/// The author a clinical row names must be the user who pushes it.
pub(crate) fn authored(t: &Transition<'_>, field: &str, need: Need) -> Need {
    if t.after(field) == Some(t.author) {
        need
    } else {
        Need::Refused(format!(
            "a clinical record names its author ({field}), and that must be the user who pushes it"
        ))
    }
}

/// Fields a row is born with and keeps.
pub(crate) fn fixed(t: &Transition<'_>, fields: &[&str]) -> Option<Need> {
    fields.iter().find(|f| t.changes(f)).map(|f| {
        Need::Refused(format!(
            "{f} is set when the record is made and never changes"
        ))
    })
}

fn encounters_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        return authored(t, "doctor_user_id", Need::Action(Action::RecordWrite));
    }
    if let Some(refused) = fixed(
        t,
        &["doctor_user_id", "appointment_id", "branch_id", "opened_at"],
    ) {
        return refused;
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    if t.before("status") == Some("completed") {
        // Its doctor completed it on a second workstation while offline: the same
        // completion again, only its time differs (the later one stands).
        if t.before("doctor_user_id") == Some(t.author)
            && t.changed_fields().all(|f| f == "completed_at")
        {
            return Need::Action(Action::RecordWrite);
        }
        return Need::Refused(
            "a completed encounter is closed; add an addendum to its notes".into(),
        );
    }
    if t.before("doctor_user_id") != Some(t.author) {
        return Need::Refused("only the encounter's doctor changes or completes it".into());
    }
    Need::Action(Action::RecordWrite)
}

/// What writing a note of `kind` needs: a doctor's note or addendum is the record, a
/// nurse's note is a nursing note.
fn note_action(kind: Option<&str>, revising: bool) -> Need {
    match kind {
        Some("nursing") => Need::Action(Action::NoteAdd),
        Some("soap" | "addendum") if revising => Need::Action(Action::NoteRevise),
        Some("soap" | "addendum") => Need::Action(Action::RecordWrite),
        other => Need::Refused(format!(
            "a note is soap, nursing or addendum, not {}",
            other.unwrap_or("nothing")
        )),
    }
}

fn notes_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        return authored(t, "author_id", note_action(t.after("kind"), false));
    }
    if let Some(refused) = fixed(
        t,
        &[
            "author_id",
            "author_role",
            "kind",
            "encounter_id",
            "addendum_to",
            "created_at",
        ],
    ) {
        return refused;
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    if t.before("signed_at").is_some() {
        return Need::Refused("a signed note is frozen; correct it with an addendum".into());
    }
    if t.before("author_id") != Some(t.author) {
        return Need::Refused("only a note's author revises or signs it".into());
    }
    note_action(t.before("kind"), !t.changes("signed_at"))
}

fn note_versions_need(t: &Transition<'_>) -> Need {
    let Some(note) = t.parent else {
        return Need::Refused("a note's version travels with or after its note".into());
    };
    let author = note.get("author_id").and_then(Value::as_str);
    if author != Some(t.author) || t.after("author_id") != Some(t.author) {
        return Need::Refused("only a note's author writes its versions".into());
    }
    if note.get("signed_at").is_some_and(|v| !v.is_null()) {
        return Need::Refused("a signed note is frozen; correct it with an addendum".into());
    }
    let first = t.fields.get("version").and_then(Value::as_i64) == Some(1);
    note_action(note.get("kind").and_then(Value::as_str), !first)
}

fn vitals_need(t: &Transition<'_>) -> Need {
    authored(t, "recorded_by", Need::Action(Action::VitalsAdd))
}

fn allergies_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        // An allergy moved from the patient row's old list (workstation V13) is first
        // seen by the server when someone corrects it; it names no author.
        if t.row_id.starts_with("legacy-") && t.after("noted_by").is_none() {
            return Need::Action(Action::AllergyRecord);
        }
        return authored(t, "noted_by", Need::Action(Action::AllergyRecord));
    }
    if let Some(refused) = fixed(t, &["noted_by", "noted_at"]) {
        return refused;
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    Need::Action(Action::AllergyRecord)
}

fn diagnoses_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        return authored(t, "recorded_by", Need::Action(Action::RecordWrite));
    }
    if let Some(refused) = fixed(t, &["recorded_by", "recorded_at"]) {
        return refused;
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    Need::Action(Action::RecordWrite)
}

fn attachments_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if let Err(reason) = crate::attachments::check_new_record(t.fields) {
            return Need::Refused(reason);
        }
        return authored(t, "added_by", Need::Action(Action::AttachmentAdd));
    }
    if let Some(refused) = fixed(
        t,
        &[
            "added_by",
            "added_at",
            "encounter_id",
            "file_name",
            "title",
            "mime",
            "size",
            "sha256",
            "file_key",
        ],
    ) {
        return refused;
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    let archived = |row: Option<&Map<String, Value>>| {
        row.and_then(|r| r.get("archived")).and_then(Value::as_bool) == Some(true)
    };
    if archived(t.old) && t.changed_fields().next().is_some() {
        return Need::Refused(
            "an archived attachment stays archived; add the file again if it is needed".into(),
        );
    }
    if t.changes("archived") && !archived(Some(t.fields)) {
        return Need::Refused("archived is true or false".into());
    }
    if t.changes("archived_by") && t.after("archived_by") != Some(t.author) {
        return Need::Refused(
            "an archived attachment names who archived it (archived_by), and that must be the user who pushes it".into(),
        );
    }
    // Whoever added the file may archive it (added in error); otherwise a doctor.
    if t.before("added_by") == Some(t.author) {
        Need::Action(Action::AttachmentAdd)
    } else {
        Need::Action(Action::RecordWrite)
    }
}

/// The fields of an issued prescription that cancelling changes; every other is frozen.
const CANCEL_FIELDS: [&str; 5] = [
    "status",
    "cancelled_at",
    "cancelled_by",
    "cancel_reason",
    "updated_at",
];

fn prescriptions_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if t.after("status") != Some("issued") {
            return Need::Refused(
                "a prescription travels once issued; drafts stay on their workstation".into(),
            );
        }
        if t.after("number").is_none_or(str::is_empty) || t.after("issued_at").is_none() {
            return Need::Refused("an issued prescription carries its number and issued_at".into());
        }
        let count = t.fields.get("item_count").and_then(Value::as_i64);
        if !count.is_some_and(|n| (1..=50).contains(&n)) {
            return Need::Refused("an issued prescription has 1 to 50 items (item_count)".into());
        }
        if t.fields.get("cancelled_at").is_some_and(|v| !v.is_null()) {
            return Need::Refused("a prescription is issued before it is cancelled".into());
        }
        return authored(t, "prescriber_id", Need::Action(Action::PrescriptionWrite));
    }
    if t.changes("number") {
        return Need::Refused(
            "a prescription number is given once; only the sync server renumbers".into(),
        );
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    if let Some(f) = t.changed_fields().find(|f| !CANCEL_FIELDS.contains(f)) {
        return Need::Refused(format!(
            "an issued prescription is immutable ({f}); cancel it and issue a new one"
        ));
    }
    if t.before("status") != Some("issued") {
        return Need::Refused("a cancelled prescription stays cancelled".into());
    }
    if t.after("status") != Some("cancelled") {
        return Need::Refused(
            "an issued prescription is immutable; cancel it and issue a new one".into(),
        );
    }
    if t.after("cancelled_by") != Some(t.author)
        || t.after("cancel_reason").is_none_or(|r| r.trim().is_empty())
        || t.after("cancelled_at").is_none()
    {
        return Need::Refused(
            "a cancelled prescription names who cancelled it (the user who pushes it), when and why".into(),
        );
    }
    Need::Action(Action::PrescriptionWrite)
}

fn prescription_items_need(t: &Transition<'_>) -> Need {
    if !t.is_new() {
        return Need::Refused("a prescription's items never change".into());
    }
    let Some(rx) = t.parent else {
        return Need::Refused(
            "a prescription's item travels with or after its prescription".into(),
        );
    };
    let field = |f: &str| rx.get(f).and_then(Value::as_str);
    if field("prescriber_id") != Some(t.author) {
        return Need::Refused("only the prescriber sends a prescription's items".into());
    }
    if field("status") != Some("issued") {
        return Need::Refused("items are sent with an issued prescription only".into());
    }
    let position = t.fields.get("position").and_then(Value::as_i64);
    let count = rx.get("item_count").and_then(Value::as_i64).unwrap_or(0);
    let rx_id = t.after("prescription_id").unwrap_or_default();
    match position {
        Some(p) if (1..=count).contains(&p) && t.row_id == format!("{rx_id}-{p}") => {
            Need::Action(Action::PrescriptionWrite)
        }
        _ => Need::Refused(
            "an item's id is <prescription id>-<position>, its position within the prescription's item_count".into(),
        ),
    }
}

/// The most tests one lab order may carry.
pub const MAX_LAB_TESTS: i64 = 60;

const LAB_CANCEL_FIELDS: [&str; 4] = ["status", "cancelled_at", "cancelled_by", "cancel_reason"];

fn lab_orders_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if t.after("status") != Some("ordered") {
            return Need::Refused("a lab order is made with status ordered".into());
        }
        if t.after("number").is_none_or(str::is_empty) {
            return Need::Refused("a lab order carries its number".into());
        }
        let count = t
            .fields
            .get("tests")
            .and_then(Value::as_str)
            .and_then(|text| serde_json::from_str::<Vec<Value>>(text).ok())
            .map(|tests| tests.len() as i64);
        if !count.is_some_and(|n| (1..=MAX_LAB_TESTS).contains(&n)) {
            return Need::Refused(format!(
                "a lab order names 1 to {MAX_LAB_TESTS} tests (tests, a JSON list)"
            ));
        }
        return authored(t, "ordered_by", Need::Action(Action::LabOrderCreate));
    }
    if t.changes("number") {
        return Need::Refused(
            "a lab order's number is given once; only the sync server renumbers".into(),
        );
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    if let Some(f) = t.changed_fields().find(|f| !LAB_CANCEL_FIELDS.contains(f)) {
        return Need::Refused(format!(
            "a lab order is frozen once made ({f}); cancel it and order again"
        ));
    }
    if t.before("status") != Some("ordered") || t.after("status") != Some("cancelled") {
        return Need::Refused("a lab order only goes from ordered to cancelled".into());
    }
    if t.after("cancelled_by") != Some(t.author) {
        return Need::Refused("cancelled_by names who cancels, the user who pushes it".into());
    }
    Need::Action(Action::LabOrderCreate)
}

fn lab_samples_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        let Some(order) = t.parent else {
            return Need::Refused("a sample travels with or after its order".into());
        };
        if order.get("status").and_then(Value::as_str) != Some("ordered") {
            return Need::Refused("a sample is collected for an order that stands".into());
        }
        if t.after("status") != Some("collected") || t.after("number").is_none_or(str::is_empty) {
            return Need::Refused("a sample is made collected, with its number".into());
        }
        return authored(t, "collected_by", Need::Action(Action::LabResultEnter));
    }
    if t.changes("number") {
        return Need::Refused(
            "a sample's number is given once; only the sync server renumbers".into(),
        );
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    const REJECT_FIELDS: [&str; 4] = ["status", "rejected_at", "rejected_by", "reject_reason"];
    if let Some(f) = t.changed_fields().find(|f| !REJECT_FIELDS.contains(f)) {
        return Need::Refused(format!("a sample only changes by being rejected ({f})"));
    }
    if t.before("status") != Some("collected") || t.after("status") != Some("rejected") {
        return Need::Refused("a sample only goes from collected to rejected".into());
    }
    if t.after("reject_reason").is_none_or(|r| r.trim().is_empty()) {
        return Need::Refused("a rejected sample keeps its reason".into());
    }
    authored(t, "rejected_by", Need::Action(Action::LabResultEnter))
}

fn lab_results_need(t: &Transition<'_>) -> Need {
    let Some(sample) = t.parent else {
        return Need::Refused("a result travels with or after its sample".into());
    };
    if sample.get("status").and_then(Value::as_str) != Some("collected") {
        return Need::Refused(
            "results are entered for a collected sample, not a rejected one".into(),
        );
    }
    if t.fields
        .get("version")
        .and_then(Value::as_i64)
        .is_none_or(|v| v < 1)
    {
        return Need::Refused("a result carries its version, from 1".into());
    }
    authored(t, "entered_by", Need::Action(Action::LabResultEnter))
}

fn lab_verifications_need(t: &Transition<'_>) -> Need {
    let Some(result) = t.parent else {
        return Need::Refused("a verification travels with or after its result".into());
    };
    if result.get("entered_by").and_then(Value::as_str) == Some(t.author) {
        return Need::Refused(
            "a result is verified by a second person, not by who entered it".into(),
        );
    }
    authored(t, "verified_by", Need::Action(Action::LabResultEnter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn need(spec: &TableSpec, old: Option<Value>, fields: Value) -> Need {
        let old = old.map(obj);
        let fields = obj(fields);
        let t = Transition {
            author: "u1",
            branch: "BR01",
            row_id: "r1",
            old: old.as_ref(),
            fields: &fields,
            parent: None,
            same_push: &|_, _| false,
        };
        match spec.access {
            Access::ByTransition(f) => f(&t),
            Access::DeviceOwn { .. } => panic!("{} is device-owned", spec.name),
        }
    }

    #[test]
    fn table_names_are_unique_and_never_also_local() {
        for (i, t) in TABLES.iter().enumerate() {
            assert!(
                !TABLES[i + 1..].iter().any(|o| o.name == t.name),
                "{} is declared twice",
                t.name
            );
            assert!(
                !LOCAL_TABLES.iter().any(|(l, _)| *l == t.name),
                "{} is both synced and local",
                t.name
            );
        }
        assert!(
            spec("unique_numbers").is_none(),
            "server bookkeeping never syncs"
        );
    }

    #[test]
    fn people_and_bookings_are_never_tombstoned_but_configuration_rows_may_be() {
        for name in ["patients", "users", "doctors", "appointments", "audit_log"] {
            let s = spec(name).unwrap();
            assert!(!s.kind_allowed(ChangeKind::Tombstone), "{name}");
            assert!(s.kind_refusal(ChangeKind::Tombstone).is_some());
        }
        assert!(DOCTOR_HOURS.kind_allowed(ChangeKind::Tombstone));
        assert!(
            !AUDIT_LOG.kind_allowed(ChangeKind::Upsert),
            "audit is append-only"
        );
    }

    #[test]
    fn a_field_sent_with_its_current_value_is_not_a_change() {
        let old = json!({"mrn": "BR01-1", "active": true, "phone": "1", "merged_into": null});
        assert_eq!(
            need(
                &PATIENTS,
                Some(old.clone()),
                json!({"active": true, "merged_into": null, "phone": "2"})
            ),
            Need::Action(Action::PatientUpdate),
            "carrying active and merged_into unchanged is an ordinary update"
        );
        assert_eq!(
            need(&PATIENTS, Some(old.clone()), json!({"active": false})),
            Need::Action(Action::PatientArchive)
        );
        assert_eq!(
            need(
                &PATIENTS,
                Some(old.clone()),
                json!({"merged_into": "p2", "active": false})
            ),
            Need::Action(Action::PatientMerge)
        );
        assert!(matches!(
            need(&PATIENTS, Some(old), json!({"mrn": "BR01-9"})),
            Need::Refused(_)
        ));
        assert_eq!(
            need(
                &PATIENTS,
                None,
                json!({"mrn": "BR01-1", "merged_into": "x"})
            ),
            Need::Action(Action::PatientCreate),
            "a new row is a registration, whatever it carries"
        );
    }

    #[test]
    fn an_appointments_need_follows_its_status_transition() {
        let confirmed = json!({"status": "confirmed", "number": "A1", "patient_id": "p"});
        assert_eq!(
            need(&APPOINTMENTS, None, json!({"status": "completed"})),
            Need::Action(Action::AppointmentBook),
            "a new appointment is a booking whatever its status says"
        );
        assert_eq!(
            need(
                &APPOINTMENTS,
                Some(confirmed.clone()),
                json!({"status": "checked_in"})
            ),
            Need::Action(Action::AppointmentCheckIn)
        );
        assert!(
            matches!(
                need(
                    &APPOINTMENTS,
                    Some(confirmed.clone()),
                    json!({"status": "completed"})
                ),
                Need::Refused(_)
            ),
            "a confirmed booking is checked in before it is completed"
        );
        assert!(matches!(
            need(
                &APPOINTMENTS,
                Some(confirmed.clone()),
                json!({"status": "conflict"})
            ),
            Need::Refused(_)
        ));
        assert_eq!(
            need(
                &APPOINTMENTS,
                Some(json!({"status": "conflict"})),
                json!({"status": "confirmed"})
            ),
            Need::Action(Action::AppointmentBook),
            "a confirmation made offline before the verdict arrived still travels"
        );
        assert!(matches!(
            need(
                &APPOINTMENTS,
                Some(json!({"status": "conflict"})),
                json!({"status": "held"})
            ),
            Need::Refused(_)
        ));
        assert_eq!(
            need(
                &APPOINTMENTS,
                Some(confirmed.clone()),
                json!({"patient_id": "p2"})
            ),
            Need::Action(Action::PatientMerge)
        );
        assert_eq!(
            need(
                &APPOINTMENTS,
                Some(confirmed),
                json!({"status": "confirmed", "reason": "x"})
            ),
            Need::Action(Action::AppointmentBook)
        );
    }

    #[test]
    fn users_and_notifications_have_narrow_self_service() {
        let own = json!({"role": "doctor", "emergency_until": null});
        let t_fields = obj(json!({"emergency_until": "2026-01-01T00:00:00Z"}));
        let old = obj(own);
        let as_self = Transition {
            author: "r1",
            branch: "BR01",
            row_id: "r1",
            old: Some(&old),
            fields: &t_fields,
            parent: None,
            same_push: &|_, _| false,
        };
        assert_eq!(users_need(&as_self), Need::AnySignedIn);
        let role = obj(json!({"role": "admin"}));
        let escalate = Transition {
            fields: &role,
            ..as_self
        };
        assert_eq!(
            users_need(&escalate),
            Need::Action(Action::UserManage),
            "a user never changes their own role"
        );
        assert!(matches!(
            need(
                &NOTIFICATIONS,
                None,
                json!({"user_id": "someone-else", "entity": "appointment", "entity_id": "a"})
            ),
            Need::Refused(_)
        ));
        assert_eq!(
            need(&NOTIFICATIONS, None, json!({"user_id": "u1"})),
            Need::AnySignedIn
        );
        assert!(matches!(
            need(
                &NOTIFICATIONS,
                Some(json!({"user_id": "other"})),
                json!({"read_at": "now"})
            ),
            Need::Refused(_)
        ));
    }

    #[test]
    fn an_attachment_is_added_by_its_author_keeps_its_file_and_is_only_archived() {
        let new = json!({
            "patient_id": "p", "encounter_id": null, "file_name": "xray.png", "title": null,
            "mime": "image/png", "size": 2048, "sha256": "b".repeat(64),
            "file_key": "c".repeat(64), "added_by": "u1", "added_at": "t", "archived": false,
        });
        assert_eq!(
            need(&ATTACHMENTS, None, new.clone()),
            Need::Action(Action::AttachmentAdd)
        );
        let mut other = new.clone();
        other["added_by"] = json!("u2");
        assert!(
            matches!(need(&ATTACHMENTS, None, other.clone()), Need::Refused(_)),
            "an attachment names the user who pushes it"
        );
        let mut huge = new.clone();
        huge["size"] = json!(crate::attachments::MAX_BYTES + 1);
        assert!(matches!(need(&ATTACHMENTS, None, huge), Need::Refused(r) if r.contains("size")));
        assert_eq!(
            need(
                &ATTACHMENTS,
                Some(new.clone()),
                json!({"archived": true, "archived_by": "u1", "archive_reason": "wrong patient"})
            ),
            Need::Action(Action::AttachmentAdd),
            "its author archives it"
        );
        assert_eq!(
            need(
                &ATTACHMENTS,
                Some(other.clone()),
                json!({"archived": true, "archived_by": "u1"})
            ),
            Need::Action(Action::RecordWrite),
            "someone else's needs a doctor"
        );
        assert!(matches!(
            need(
                &ATTACHMENTS,
                Some(new.clone()),
                json!({"file_key": "d".repeat(64)})
            ),
            Need::Refused(_)
        ));
        assert!(matches!(
            need(&ATTACHMENTS, Some(new.clone()), json!({"size": 1})),
            Need::Refused(_)
        ));
        let mut archived = new.clone();
        archived["archived"] = json!(true);
        assert!(
            matches!(
                need(&ATTACHMENTS, Some(archived), json!({"archived": false})),
                Need::Refused(_)
            ),
            "archiving is for good"
        );
        assert!(!ATTACHMENTS.kind_allowed(ChangeKind::Tombstone));
    }

    #[test]
    fn a_prescription_travels_issued_by_its_prescriber_and_then_only_cancels() {
        let issued = json!({
            "number": "BR01-7KQ3M-000001", "patient_id": "p", "prescriber_id": "u1",
            "status": "issued", "issued_at": "t", "item_count": 2, "follow_up": null,
            "cancelled_at": null,
        });
        assert_eq!(
            need(&PRESCRIPTIONS, None, issued.clone()),
            Need::Action(Action::PrescriptionWrite)
        );
        let mut draft = issued.clone();
        draft["status"] = json!("draft");
        assert!(
            matches!(need(&PRESCRIPTIONS, None, draft), Need::Refused(_)),
            "drafts never travel"
        );
        let mut other = issued.clone();
        other["prescriber_id"] = json!("u2");
        assert!(
            matches!(need(&PRESCRIPTIONS, None, other), Need::Refused(_)),
            "the prescriber is the pusher"
        );
        let mut unnumbered = issued.clone();
        unnumbered["number"] = json!(null);
        assert!(matches!(
            need(&PRESCRIPTIONS, None, unnumbered),
            Need::Refused(_)
        ));
        for edit in [
            json!({"follow_up": "2026-02-01"}),
            json!({"item_count": 3}),
            json!({"number": "BR01-X-2"}),
            json!({"status": "draft"}),
            json!({"status": "cancelled", "cancelled_by": "u2", "cancelled_at": "t", "cancel_reason": "x"}),
            json!({"status": "cancelled", "cancelled_by": "u1", "cancelled_at": "t"}),
        ] {
            assert!(
                matches!(
                    need(&PRESCRIPTIONS, Some(issued.clone()), edit.clone()),
                    Need::Refused(_)
                ),
                "an issued prescription refuses {edit}"
            );
        }
        assert!(
            matches!(
                need(&PRESCRIPTIONS, Some(issued.clone()), json!({})),
                Need::Refused(_)
            ),
            "a change that changes nothing is no cancel"
        );
        let cancel = json!({"status": "cancelled", "cancelled_by": "u1", "cancelled_at": "t",
                            "cancel_reason": "wrong dose", "updated_at": "t"});
        assert_eq!(
            need(&PRESCRIPTIONS, Some(issued.clone()), cancel.clone()),
            Need::Action(Action::PrescriptionWrite)
        );
        let mut cancelled = issued.clone();
        cancelled["status"] = json!("cancelled");
        assert!(matches!(
            need(&PRESCRIPTIONS, Some(cancelled), json!({"status": "issued"})),
            Need::Refused(_)
        ));
        assert!(!PRESCRIPTIONS.kind_allowed(ChangeKind::Tombstone));
        assert_eq!(PRESCRIPTIONS.unique_number, Some("number"));
    }

    #[test]
    fn a_prescriptions_items_are_its_prescribers_and_bounded_by_its_item_count() {
        let rx = obj(json!({"prescriber_id": "u1", "status": "issued", "item_count": 2}));
        let judge =
            |author: &str, row_id: &str, position: i64, parent: Option<&Map<String, Value>>| {
                let fields =
                    obj(json!({"prescription_id": "rx", "position": position, "drug_name": "x"}));
                let t = Transition {
                    author,
                    branch: "BR01",
                    row_id,
                    old: None,
                    fields: &fields,
                    parent,
                    same_push: &|_, _| false,
                };
                prescription_items_need(&t)
            };
        assert_eq!(
            judge("u1", "rx-2", 2, Some(&rx)),
            Need::Action(Action::PrescriptionWrite)
        );
        assert!(
            matches!(judge("u1", "rx-3", 3, Some(&rx)), Need::Refused(_)),
            "beyond item_count"
        );
        assert!(
            matches!(judge("u1", "other", 1, Some(&rx)), Need::Refused(_)),
            "id not derived"
        );
        assert!(
            matches!(judge("u2", "rx-1", 1, Some(&rx)), Need::Refused(_)),
            "not the prescriber"
        );
        assert!(
            matches!(judge("u1", "rx-1", 1, None), Need::Refused(_)),
            "no prescription"
        );
        let cancelled = obj(json!({"prescriber_id": "u1", "status": "cancelled", "item_count": 2}));
        assert!(matches!(
            judge("u1", "rx-1", 1, Some(&cancelled)),
            Need::Refused(_)
        ));
        assert!(
            !PRESCRIPTION_ITEMS.kind_allowed(ChangeKind::Upsert),
            "items are append-only"
        );
    }

    #[test]
    fn secrets_are_stripped() {
        let mut fields = obj(json!({"username": "a", "totp_secret": "SEED"}));
        assert!(USERS.strip_secrets(&mut fields));
        assert!(!fields.contains_key("totp_secret"));
        assert!(!USERS.strip_secrets(&mut fields));
    }
}
