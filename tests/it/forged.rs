//! Forged pushes: a workstation's user crafts changes by hand and sends them straight to
//! the sync server with their own access token. What the server accepts must follow the
//! grant table exactly, whoever the change claims to be from. The expectations here are
//! written out independently of the code under test (`clinic_protocol::tables`).

use std::collections::HashMap;

use clinic_core::Clock as _;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{NewUser, Role};
use clinic_protocol::{PushResponse, TokenPair};
use serde_json::{Value, json};

use crate::harness::{Server, Station, post};

const ROLE_PASSWORD: &str = "forged push phrase";

/// One signed-in user per role, all on one enrolled workstation.
struct Group {
    server: Server,
    station: Station,
    device: String,
    users: HashMap<Role, (String, String)>,
    /// The patient record the patient user is linked to.
    own_record: String,
    counter: u64,
}

impl Group {
    fn new() -> Group {
        let server = Server::start();
        let mut station = Station::new("BR01", &server);
        station.admin().sync_now().unwrap();
        let device = station.admin().actor().device.to_string();
        let mut ids: HashMap<Role, (String, String)> = HashMap::new();
        ids.insert(
            Role::Admin,
            (
                station.admin().actor().user.to_string(),
                station.admin_name.clone(),
            ),
        );
        for role in Role::ALL {
            if role == Role::Admin || role == Role::Patient {
                continue;
            }
            let name = format!("forger.{}", role.as_str());
            let user = station
                .admin()
                .create_user(&NewUser::new(&name, role, ROLE_PASSWORD))
                .unwrap();
            ids.insert(role, (user.id.to_string(), name));
        }
        station.admin().sync_now().unwrap();
        // A patient user is linked to a record the front desk made.
        let mut desk = station
            .workstation
            .unlock("forger.receptionist", ROLE_PASSWORD)
            .unwrap();
        let record = desk
            .register_patient(
                &PatientInput {
                    given_name: "Pat".into(),
                    family_name: "Ient".into(),
                    date_of_birth: "1980-02-03".into(),
                    sex: "female".into(),
                    ..PatientInput::default()
                },
                true,
            )
            .unwrap()
            .id;
        desk.sync_now().unwrap();
        drop(desk);
        let patient = station
            .admin()
            .create_user(&NewUser {
                patient: Some(record),
                ..NewUser::new("forger.patient", Role::Patient, ROLE_PASSWORD)
            })
            .unwrap();
        ids.insert(
            Role::Patient,
            (patient.id.to_string(), "forger.patient".into()),
        );
        station.admin().sync_now().unwrap();
        let device_token = station.device_token();
        let mut users = HashMap::new();
        for (role, (id, name)) in ids {
            let password = if role == Role::Admin {
                crate::harness::PASSWORD
            } else {
                ROLE_PASSWORD
            };
            let body = json!({
                "protocol_version": clinic_protocol::PROTOCOL_VERSION,
                "user_id": id, "username": name, "password": password,
            });
            let (status, _, body) = post(
                &server.url,
                "/v1/auth/login",
                Some(&device_token),
                &body.to_string(),
            );
            assert_eq!(status, 200, "{role} signs in: {body}");
            let pair: TokenPair = serde_json::from_str(&body).unwrap();
            users.insert(role, (id, pair.access_token));
        }
        Group {
            server,
            station,
            device,
            users,
            own_record: record.to_string(),
            counter: 0,
        }
    }

    fn id(&self, role: Role) -> String {
        self.users[&role].0.clone()
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A fresh UUID-shaped id.
    fn uuid(&mut self) -> String {
        let n = self.next();
        format!("01900000-0000-7000-8000-{n:012x}")
    }

    /// A change by `author` (whose id it names) from this workstation.
    fn change(
        &mut self,
        author: &str,
        table: &str,
        row_id: &str,
        kind: &str,
        fields: Value,
    ) -> Value {
        let n = self.next();
        let change_id = self.uuid();
        json!({
            "change_id": change_id,
            "table": table, "row_id": row_id, "kind": kind, "fields": fields,
            // Stamps in the past (2026-01-05), strictly increasing.
            "hlc": format!("{:016}-{:05}-{}", 1_767_600_000_000u64 + n, 0, self.device),
            "device_id": self.device,
            "user_id": author,
            "schema_version": clinic_core::store::schema_version(),
        })
    }

    /// An audit event of this device, `ahead` places after the head of its chain the
    /// server acknowledged (1: the next one), written by `author` naming `user`, with its
    /// hash computed right unless `tampered` replaces a field after hashing.
    fn audit_event(
        &mut self,
        author: &str,
        user: &str,
        ahead: i64,
        tampered: Option<(&str, Value)>,
    ) -> Value {
        let head = self.server.query(&format!(
            "SELECT seq, hash FROM audit_heads WHERE device_id = '{}'",
            self.device
        ));
        let (seq, prev): (i64, String) = head.first().map_or_else(
            || (0, clinic_protocol::audit::GENESIS.to_owned()),
            |r| (r.get(0), r.get(1)),
        );
        let id = self.uuid();
        let mut fields = json!({
            "id": id, "device_id": self.device, "device_seq": seq + ahead,
            "at": "2026-01-05T09:00:00.000Z", "user_id": user, "username": null, "role": null,
            "session_id": null, "action": "forged", "entity": null, "entity_id": null,
            "patient_id": null, "outcome": "success", "details": "{}", "prev_hash": prev,
        });
        let hash = clinic_protocol::audit::chain_hash(fields.as_object().unwrap());
        fields["hash"] = json!(hash);
        if let Some((field, value)) = tampered {
            fields[field] = value;
        }
        self.change(author, "audit_log", &id, "append", fields)
    }

    fn push(&self, role: Role, changes: &[Value]) -> PushResponse {
        let body = json!({
            "protocol_version": clinic_protocol::PROTOCOL_VERSION,
            "schema_version": clinic_core::store::schema_version(),
            "changes": changes,
        });
        let (status, _, body) = post(
            &self.server.url,
            "/v1/push",
            Some(&self.users[&role].1),
            &body.to_string(),
        );
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Pushes `change` as `role` and says whether it was accepted; a refusal must leave
    /// no trace in the log or in the row.
    fn accepted(&self, role: Role, change: &Value) -> (bool, String) {
        let row = |g: &Group| -> Option<Value> {
            g.server
                .query(&format!(
                    "SELECT fields FROM row_state WHERE table_name = '{}' AND row_id = '{}'",
                    change["table"].as_str().unwrap(),
                    change["row_id"].as_str().unwrap()
                ))
                .first()
                .map(|r| r.get(0))
        };
        let before = row(self);
        let response = self.push(role, std::slice::from_ref(change));
        let id = change["change_id"].as_str().unwrap();
        if response.accepted.iter().any(|a| a == id) {
            return (true, String::new());
        }
        let reason = response
            .rejected
            .iter()
            .find(|r| r.change_id == id)
            .map(|r| r.reason.clone())
            .expect("every change is answered");
        let logged: i64 = self.server.query(&format!(
            "SELECT count(*) FROM change_log WHERE change_id = '{id}'"
        ))[0]
            .get(0);
        assert_eq!(logged, 0, "a refused change is not logged: {change}");
        assert_eq!(
            row(self),
            before,
            "a refused change leaves the row alone: {change}"
        );
        (false, reason)
    }

    /// Makes a row as `role`, which must be allowed to.
    fn seed(&mut self, role: Role, table: &str, fields: Value) -> String {
        let row = self.uuid();
        let author = self.id(role);
        let change = self.change(&author, table, &row, "upsert", fields);
        let (ok, why) = self.accepted(role, &change);
        assert!(ok, "seeding {table} as {role}: {why}");
        row
    }

    fn patient(&mut self) -> String {
        let mrn = format!("BR01-F{}", self.next());
        self.seed(
            Role::Receptionist,
            "patients",
            json!({"mrn": mrn, "given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01",
                   "sex": "male", "active": true, "merged_into": null, "branch_id": "x"}),
        )
    }

    fn appointment(&mut self, status: &str) -> String {
        let number = format!("A-F{}", self.next());
        let doctor = self.uuid();
        let row = self.seed(
            Role::Receptionist,
            "appointments",
            json!({"number": number, "patient_id": "p", "doctor_id": doctor, "branch_id": "b",
                   "starts_at": "2026-01-05T09:00:00.000Z", "ends_at": "2026-01-05T09:15:00.000Z",
                   "status": "confirmed"}),
        );
        if status == "checked_in" {
            let nurse = self.id(Role::Nurse);
            let change = self.change(
                &nurse,
                "appointments",
                &row,
                "upsert",
                json!({"status": "checked_in"}),
            );
            assert!(self.accepted(Role::Nurse, &change).0);
        }
        row
    }
}

impl Group {
    /// A note written by the group's doctor (with its first version), signed or not.
    fn doctors_note(&mut self, signed: bool) -> String {
        let doctor = self.id(Role::Doctor);
        let note = self.seed(
            Role::Doctor,
            "notes",
            json!({"encounter_id": "e", "patient_id": "p", "kind": "soap", "addendum_to": null,
                   "author_id": doctor, "author_role": "doctor",
                   "created_at": "2026-01-05T09:00:00.000Z", "version": 1,
                   "signed_at": null, "signed_by": null}),
        );
        let version = self.uuid();
        let v1 = self.change(
            &doctor,
            "note_versions",
            &version,
            "append",
            json!({"id": version, "note_id": note, "patient_id": "p", "version": 1,
                   "author_id": doctor, "written_at": "2026-01-05T09:00:00.000Z",
                   "assessment": "Viral URTI"}),
        );
        assert!(self.accepted(Role::Doctor, &v1).0);
        if signed {
            let sign = self.change(
                &doctor,
                "notes",
                &note,
                "upsert",
                json!({"signed_at": "2026-01-05T09:10:00.000Z", "signed_by": doctor}),
            );
            assert!(self.accepted(Role::Doctor, &sign).0);
        }
        note
    }

    /// A version `version` of `note`, written by `role`.
    fn note_version(&mut self, role: Role, note: &str, version: i64) -> Value {
        let (id, a) = (self.uuid(), self.id(role));
        self.change(
            &a,
            "note_versions",
            &id,
            "append",
            json!({"id": id, "note_id": note, "patient_id": "p", "version": version,
                   "author_id": a, "written_at": "2026-01-05T09:20:00.000Z",
                   "assessment": "changed"}),
        )
    }
}

impl Group {
    /// The fields of a new attachment record of `patient` by `author`, `size` bytes.
    fn attachment_fields(&mut self, author: &str, patient: &str, size: u64) -> Value {
        let n = self.next();
        json!({"patient_id": patient, "encounter_id": null, "file_name": format!("scan-{n}.pdf"),
               "title": null, "mime": "application/pdf", "size": size,
               "sha256": format!("{n:064x}"), "file_key": format!("{:064x}", n + 1_000_000),
               "added_by": author, "added_at": "2026-01-05T09:00:00.000Z", "archived": false})
    }

    /// An attachment record added by the group's doctor (accepted), of `patient`.
    fn doctors_attachment(&mut self, patient: &str, size: u64) -> String {
        let doctor = self.id(Role::Doctor);
        let fields = self.attachment_fields(&doctor, patient, size);
        self.seed(Role::Doctor, "attachments", fields)
    }
}

impl Group {
    /// The fields of an issued prescription by `author` with `items` items.
    fn prescription_fields(&mut self, author: &str, items: i64) -> Value {
        let n = self.next();
        json!({"number": format!("BR01-FORGE-{n:06}"), "patient_id": "p", "encounter_id": null,
               "prescriber_id": author, "status": "issued", "diagnosis_code": null,
               "diagnosis_title": null, "follow_up": null, "item_count": items,
               "warnings": "[]", "override_reason": null, "repeat_of": null,
               "created_at": "2026-01-05T09:00:00.000Z", "issued_at": "2026-01-05T09:01:00.000Z",
               "cancelled_at": null, "cancelled_by": null, "cancel_reason": null,
               "updated_at": "2026-01-05T09:01:00.000Z"})
    }

    /// An issued prescription of the group's doctor (accepted), with one item pushed of two.
    fn doctors_prescription(&mut self) -> String {
        let doctor = self.id(Role::Doctor);
        let fields = self.prescription_fields(&doctor, 2);
        let rx = self.seed(Role::Doctor, "prescriptions", fields);
        let item = self.prescription_item(Role::Doctor, &rx, 1);
        assert!(
            self.accepted(Role::Doctor, &item).0,
            "the prescriber sends its first item"
        );
        rx
    }

    /// Item `position` of prescription `rx`, sent by `role`.
    fn prescription_item(&mut self, role: Role, rx: &str, position: i64) -> Value {
        let a = self.id(role);
        let id = format!("{rx}-{position}");
        self.change(
            &a,
            "prescription_items",
            &id,
            "append",
            json!({"id": id, "prescription_id": rx, "position": position, "drug_id": "amoxicillin",
                   "drug_name": "amoxicillin", "free_text": false, "ingredients": "amoxicillin",
                   "classes": "penicillins", "dose": "1 capsule", "frequency": "tds",
                   "duration_days": 7, "quantity": "21 capsule", "refills": 0,
                   "substitution_allowed": true}),
        )
    }
}

/// What one forged change is, as a function of the group and the role sending it.
type Forge = fn(&mut Group, Role) -> Value;

/// Every case: the roles the clinic's grant table lets make it (written out by hand).
impl Group {
    /// The organisation row's id, as the server holds it.
    fn organisation(&self) -> String {
        self.server
            .query("SELECT row_id FROM row_state WHERE table_name = 'organisation' LIMIT 1")[0]
            .get(0)
    }

    /// The fields of a lab order by `author` naming `tests` tests.
    fn lab_order_fields(&mut self, author: &str, tests: usize) -> Value {
        let n = self.next();
        let list: Vec<Value> = (0..tests)
            .map(|i| {
                json!({"code": format!("T-{i}"), "name": "Potassium", "specimen": "serum",
                            "unit": "mmol/L", "result_type": "numeric", "choices": []})
            })
            .collect();
        json!({"number": format!("L-BR01-FORGE-{n:06}"), "patient_id": "p", "encounter_id": null,
               "branch_id": "b", "ordered_by": author, "priority": "routine", "note": null,
               "tests": Value::Array(list).to_string(), "status": "ordered",
               "ordered_at": "2026-01-05T09:00:00.000Z"})
    }

    /// A lab order of the group's doctor (accepted).
    fn doctors_lab_order(&mut self) -> String {
        let doctor = self.id(Role::Doctor);
        let fields = self.lab_order_fields(&doctor, 1);
        self.seed(Role::Doctor, "lab_orders", fields)
    }

    /// The fields of a sample of `order` collected by `author`.
    fn sample_fields(&mut self, author: &str, order: &str) -> Value {
        let n = self.next();
        json!({"number": format!("S-BR01-FORGE-{n:06}"), "order_id": order, "patient_id": "p",
               "specimen": "serum", "status": "collected", "collected_by": author,
               "collected_at": "2026-01-05T09:10:00.000Z"})
    }

    /// A sample collected by the group's lab technician (accepted), rejected or not.
    fn lab_sample(&mut self, rejected: bool) -> String {
        let order = self.doctors_lab_order();
        let tech = self.id(Role::LabTechnician);
        let fields = self.sample_fields(&tech, &order);
        let sample = self.seed(Role::LabTechnician, "lab_samples", fields);
        if rejected {
            let change = self.change(
                &tech,
                "lab_samples",
                &sample,
                "upsert",
                json!({"status": "rejected", "rejected_by": tech,
                       "rejected_at": "2026-01-05T09:20:00.000Z", "reject_reason": "clotted"}),
            );
            assert!(self.accepted(Role::LabTechnician, &change).0);
        }
        sample
    }

    /// A result on `sample` entered by `role`.
    fn lab_result(&mut self, role: Role, sample: &str) -> (String, Value) {
        let (id, a) = (self.uuid(), self.id(role));
        let change = self.change(
            &a,
            "lab_results",
            &id,
            "append",
            json!({"sample_id": sample, "order_id": "o", "patient_id": "p", "test_code": "2823-3",
                   "version": 1, "value": "6.8", "number": 6800, "unit": "mmol/L",
                   "range_text": "3.5–5.1", "flag": "critical_high", "comment": null,
                   "entered_by": a, "entered_at": "2026-01-05T09:30:00.000Z"}),
        );
        (id, change)
    }

    /// A stock item and a batch of 10 at BR01, made by the group's pharmacist.
    fn stock_batch(&mut self) -> (String, String) {
        let pharm = self.id(Role::Pharmacist);
        let item = self.seed(
            Role::Pharmacist,
            "stock_items",
            json!({"branch_code": "BR01", "drug_id": "amoxicillin", "name": "amoxicillin",
                   "strength": "500 mg", "form": "capsule", "unit": "capsule",
                   "reorder_level": 5, "price_minor": 100, "otc": false,
                   "created_at": "2026-01-05T09:00:00.000Z"}),
        );
        let number = format!("B{}", self.next());
        let batch = self.seed(
            Role::Pharmacist,
            "stock_batches",
            json!({"item_id": item, "branch_code": "BR01", "batch_number": number,
                   "expiry_date": "2027-12-31", "cost_minor": 50, "supplier": "S",
                   "location": null, "received_by": pharm,
                   "received_at": "2026-01-05T09:00:00.000Z"}),
        );
        (item, batch)
    }

    /// A movement of `batch` by `author`.
    fn movement(&mut self, author: &str, item: &str, batch: &str, extra: Value) -> Value {
        let id = self.uuid();
        let mut fields = json!({"batch_id": batch, "item_id": item, "branch_code": "BR01",
            "moved_by": author, "moved_at": "2026-01-05T10:00:00.000Z", "substitute": false});
        for (k, v) in extra.as_object().unwrap() {
            fields[k] = v.clone();
        }
        self.change(author, "stock_movements", &id, "append", fields)
    }

    /// A draft walk-in invoice made by the front desk, with one line; issued if asked.
    fn invoice(&mut self, issued: bool) -> (String, String) {
        let desk = self.id(Role::Receptionist);
        let invoice = self.seed(
            Role::Receptionist,
            "invoices",
            json!({"kind": "invoice", "credit_of": null, "patient_id": null, "encounter_id": null,
                   "branch_code": "BR01", "currency": "KES", "status": "draft",
                   "created_by": desk, "created_at": "2026-01-05T09:00:00.000Z"}),
        );
        let line = self.seed(
            Role::Receptionist,
            "invoice_lines",
            json!({"invoice_id": invoice, "category": "service", "code": null,
                   "description": "Dressing", "quantity": 1, "unit_price_minor": 1000,
                   "tax_bp": 0, "discount_bp": 0, "discount_reason": null, "source": null,
                   "removed": false, "added_by": desk, "added_at": "2026-01-05T09:00:00.000Z"}),
        );
        if issued {
            let number = format!("BR01-F-2026-{:06}", self.next());
            let change = self.change(
                &desk,
                "invoices",
                &invoice,
                "upsert",
                json!({"status": "issued", "number": number, "issued_by": desk,
                       "issued_at": "2026-01-05T09:10:00.000Z"}),
            );
            assert!(self.accepted(Role::Receptionist, &change).0);
        }
        (invoice, line)
    }
}

fn cases() -> Vec<(&'static str, Forge, &'static [Role])> {
    use Role::*;
    const NOBODY: &[Role] = &[];
    const EVERYONE: &[Role] = &Role::ALL;
    vec![
        (
            "register a patient",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(&a, "patients", &id, "upsert",
                    json!({"mrn": format!("BR01-N{id}"), "given_name": "N", "family_name": "P",
                           "date_of_birth": "1990-01-01", "sex": "male", "active": true, "branch_id": "x"}))
            },
            &[Receptionist],
        ),
        (
            "update a patient's phone (sending active and merged_into unchanged)",
            |g, r| {
                let (p, a) = (g.patient(), g.id(r));
                g.change(
                    &a,
                    "patients",
                    &p,
                    "upsert",
                    json!({"phone": "0700 000 111", "active": true, "merged_into": null}),
                )
            },
            &[Doctor, Nurse, Receptionist],
        ),
        (
            "archive a patient",
            |g, r| {
                let (p, a) = (g.patient(), g.id(r));
                g.change(&a, "patients", &p, "upsert", json!({"active": false}))
            },
            &[Admin],
        ),
        (
            "merge a patient into another",
            |g, r| {
                let (p, q, a) = (g.patient(), g.patient(), g.id(r));
                g.change(
                    &a,
                    "patients",
                    &p,
                    "upsert",
                    json!({"merged_into": q, "active": false}),
                )
            },
            &[Admin],
        ),
        (
            "change a record number",
            |g, r| {
                let (p, a) = (g.patient(), g.id(r));
                g.change(&a, "patients", &p, "upsert", json!({"mrn": "BR01-STOLEN"}))
            },
            NOBODY,
        ),
        (
            "delete a patient",
            |g, r| {
                let (p, a) = (g.patient(), g.id(r));
                g.change(&a, "patients", &p, "tombstone", json!({}))
            },
            NOBODY,
        ),
        (
            "create a user",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "users",
                    &id,
                    "upsert",
                    json!({"username": format!("new.{id}"), "role": "admin", "active": true}),
                )
            },
            &[Admin],
        ),
        (
            "make oneself administrator",
            |g, r| {
                let a = g.id(r);
                g.change(&a, "users", &a, "upsert", json!({"role": "admin"}))
            },
            &[Admin],
        ),
        (
            "delete a user",
            |g, r| {
                let (v, a) = (g.id(Role::Accountant), g.id(r));
                g.change(&a, "users", &v, "tombstone", json!({}))
            },
            NOBODY,
        ),
        (
            "rename the organisation",
            |g, r| {
                let a = g.id(r);
                let org = g.organisation();
                g.change(
                    &a,
                    "organisation",
                    &org,
                    "upsert",
                    json!({"name": format!("Org {}", g.counter)}),
                )
            },
            &[Admin],
        ),
        (
            "set the letterhead's logo and paper size",
            |g, r| {
                let a = g.id(r);
                let org = g.organisation();
                g.change(
                    &a,
                    "organisation",
                    &org,
                    "upsert",
                    json!({"logo_png": format!("iVBORw0KGgo{}", g.counter), "page_size": "Letter",
                           "letterhead_address": "Road 1"}),
                )
            },
            &[Admin],
        ),
        (
            "set a letterhead logo that is not a PNG",
            |g, r| {
                let a = g.id(r);
                let org = g.organisation();
                g.change(
                    &a,
                    "organisation",
                    &org,
                    "upsert",
                    json!({"logo_png": "R0lGODlhAQABAAAAACw="}),
                )
            },
            NOBODY,
        ),
        (
            "set a letterhead logo larger than 45 KB",
            |g, r| {
                let a = g.id(r);
                let org = g.organisation();
                let big = format!("iVBORw0KGgo{}", "A".repeat(62 * 1024));
                g.change(&a, "organisation", &org, "upsert", json!({"logo_png": big}))
            },
            NOBODY,
        ),
        (
            "set a paper size no printer has",
            |g, r| {
                let a = g.id(r);
                let org = g.organisation();
                g.change(
                    &a,
                    "organisation",
                    &org,
                    "upsert",
                    json!({"page_size": "A0"}),
                )
            },
            NOBODY,
        ),
        (
            "add a branch",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "branches",
                    &id,
                    "upsert",
                    json!({"code": "BR99", "name": "New"}),
                )
            },
            &[Admin],
        ),
        (
            "require a second factor for a role",
            |g, r| {
                let a = g.id(r);
                g.change(
                    &a,
                    "role_settings",
                    "nurse",
                    "upsert",
                    json!({"totp_required": g.counter % 2 == 0}),
                )
            },
            &[Admin],
        ),
        (
            "add a doctor",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "doctors",
                    &id,
                    "upsert",
                    json!({"user_id": a, "licence_number": format!("L-{id}"), "fee_minor": 0}),
                )
            },
            &[Admin],
        ),
        (
            "set a doctor's hours",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "doctor_hours",
                    &id,
                    "upsert",
                    json!({"doctor_id": "d", "weekday": 1}),
                )
            },
            &[Admin],
        ),
        (
            "give a doctor time off",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "doctor_time_off",
                    &id,
                    "upsert",
                    json!({"doctor_id": "d", "reason": "x"}),
                )
            },
            &[Admin],
        ),
        (
            "book an appointment",
            |g, r| {
                let (id, d, a) = (g.uuid(), g.uuid(), g.id(r));
                g.change(&a, "appointments", &id, "upsert",
                    json!({"number": format!("A-N{id}"), "doctor_id": d, "patient_id": "p",
                           "starts_at": "2026-01-06T09:00:00.000Z", "ends_at": "2026-01-06T09:15:00.000Z",
                           "status": "confirmed"}))
            },
            &[Receptionist],
        ),
        (
            "make an appointment that claims to be completed already",
            |g, r| {
                let (id, d, a) = (g.uuid(), g.uuid(), g.id(r));
                g.change(&a, "appointments", &id, "upsert",
                    json!({"number": format!("A-C{id}"), "doctor_id": d, "patient_id": "p",
                           "starts_at": "2026-01-06T10:00:00.000Z", "ends_at": "2026-01-06T10:15:00.000Z",
                           "status": "completed"}))
            },
            &[Receptionist],
        ),
        (
            "check a patient in",
            |g, r| {
                let (x, a) = (g.appointment("confirmed"), g.id(r));
                g.change(
                    &a,
                    "appointments",
                    &x,
                    "upsert",
                    json!({"status": "checked_in"}),
                )
            },
            &[Nurse, Receptionist],
        ),
        (
            "complete a visit",
            |g, r| {
                let (x, a) = (g.appointment("checked_in"), g.id(r));
                g.change(
                    &a,
                    "appointments",
                    &x,
                    "upsert",
                    json!({"status": "completed"}),
                )
            },
            &[Doctor],
        ),
        (
            "complete a visit that never checked in",
            |g, r| {
                let (x, a) = (g.appointment("confirmed"), g.id(r));
                g.change(
                    &a,
                    "appointments",
                    &x,
                    "upsert",
                    json!({"status": "completed"}),
                )
            },
            NOBODY,
        ),
        (
            "cancel a booking",
            |g, r| {
                let (x, a) = (g.appointment("confirmed"), g.id(r));
                g.change(
                    &a,
                    "appointments",
                    &x,
                    "upsert",
                    json!({"status": "cancelled", "cancel_reason": "x"}),
                )
            },
            &[Receptionist],
        ),
        (
            "mark a booking as a conflict (the server's verdict)",
            |g, r| {
                let (x, a) = (g.appointment("confirmed"), g.id(r));
                g.change(
                    &a,
                    "appointments",
                    &x,
                    "upsert",
                    json!({"status": "conflict"}),
                )
            },
            NOBODY,
        ),
        (
            "delete an appointment",
            |g, r| {
                let (x, a) = (g.appointment("confirmed"), g.id(r));
                g.change(&a, "appointments", &x, "tombstone", json!({}))
            },
            NOBODY,
        ),
        (
            "record a patient merge",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "patient_merges",
                    &id,
                    "upsert",
                    json!({"survivor_id": "s", "merged_id": "m"}),
                )
            },
            &[Admin],
        ),
        (
            "append an audit event of this device",
            |g, r| {
                let a = g.id(r);
                g.audit_event(&a, &a, 1, None)
            },
            EVERYONE,
        ),
        (
            "append an audit event of this device naming another of its users",
            |g, r| {
                // The chain is the device's: a colleague's events travel with anyone's sync.
                let a = g.id(r);
                let other = g.id(if r == Role::Nurse {
                    Role::Doctor
                } else {
                    Role::Nurse
                });
                let mut change = g.audit_event(&a, &other, 1, None);
                change["user_id"] = json!(other);
                change
            },
            EVERYONE,
        ),
        (
            "append an audit event of another device",
            |g, r| {
                let (id, a, other) = (g.uuid(), g.id(r), g.uuid());
                g.change(&a, "audit_log", &id, "append",
                    json!({"device_id": other, "device_seq": 1, "action": "x", "outcome": "success"}))
            },
            NOBODY,
        ),
        (
            "notify oneself",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "notifications",
                    &id,
                    "upsert",
                    json!({"user_id": a, "title": "t"}),
                )
            },
            EVERYONE,
        ),
        (
            "notify another user out of nowhere",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let victim = g.id(if r == Role::Doctor {
                    Role::Nurse
                } else {
                    Role::Doctor
                });
                g.change(&a, "notifications", &id, "upsert",
                    json!({"user_id": victim, "title": "Reset your password here", "entity": "appointment", "entity_id": "nothing"}))
            },
            NOBODY,
        ),
        (
            "write an appointment's history as oneself",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "appointment_events",
                    &id,
                    "append",
                    json!({"appointment_id": "x", "to_status": "confirmed", "by_user": a}),
                )
            },
            EVERYONE,
        ),
        (
            "write an appointment's history as someone else",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let other = g.id(if r == Role::Admin {
                    Role::Doctor
                } else {
                    Role::Admin
                });
                g.change(
                    &a,
                    "appointment_events",
                    &id,
                    "append",
                    json!({"appointment_id": "x", "to_status": "confirmed", "by_user": other}),
                )
            },
            NOBODY,
        ),
        (
            "record a TOTP seed on the server",
            |g, r| {
                let a = g.id(r);
                g.change(
                    &a,
                    "users",
                    &a,
                    "upsert",
                    json!({"totp_secret": "JBSWY3DPEHPK3PXP"}),
                )
            },
            NOBODY,
        ),
        (
            "claim a number through the server's own table",
            |g, r| {
                let a = g.id(r);
                g.change(
                    &a,
                    "unique_numbers",
                    "patients/BR01-1",
                    "upsert",
                    json!({"row_id": "x"}),
                )
            },
            NOBODY,
        ),
        (
            "write a password verifier",
            |g, r| {
                let a = g.id(r);
                g.change(
                    &a,
                    "user_credentials",
                    &a,
                    "upsert",
                    json!({"verifier": "argon2id$x"}),
                )
            },
            NOBODY,
        ),
        (
            "push a workstation-local table",
            |g, r| {
                let a = g.id(r);
                g.change(&a, "sync_conflicts", "c", "upsert", json!({"reason": "x"}))
            },
            NOBODY,
        ),
        (
            "push the dashboard's cached invoice balances",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "invoice_balances",
                    &id,
                    "upsert",
                    json!({"total_minor": 0, "paid_minor": 100}),
                )
            },
            NOBODY,
        ),
        (
            "open a visit as its doctor",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "encounters",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "appointment_id": null, "branch_id": "b",
                           "doctor_user_id": a, "reason": "Cough", "status": "open",
                           "opened_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            &[Doctor],
        ),
        (
            "open a visit in another doctor's name",
            |g, r| {
                let (id, a, d) = (g.uuid(), g.id(r), g.id(Role::Doctor));
                let named = if r == Role::Doctor {
                    g.id(Role::Nurse)
                } else {
                    d
                };
                g.change(
                    &a,
                    "encounters",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "branch_id": "b", "doctor_user_id": named,
                           "reason": "Cough", "status": "open",
                           "opened_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            NOBODY,
        ),
        (
            "complete the doctor's visit",
            |g, r| {
                let d = g.id(Role::Doctor);
                let visit = g.seed(
                    Role::Doctor,
                    "encounters",
                    json!({"patient_id": "p", "branch_id": "b", "doctor_user_id": d,
                           "reason": "Cough", "status": "open",
                           "opened_at": "2026-01-05T09:00:00.000Z"}),
                );
                let a = g.id(r);
                g.change(
                    &a,
                    "encounters",
                    &visit,
                    "upsert",
                    json!({"status": "completed", "completed_at": "2026-01-05T09:30:00.000Z"}),
                )
            },
            &[Doctor],
        ),
        (
            "write a doctor's note",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "notes",
                    &id,
                    "upsert",
                    json!({"encounter_id": "e", "patient_id": "p", "kind": "soap",
                           "author_id": a, "author_role": r.as_str(),
                           "created_at": "2026-01-05T09:00:00.000Z", "version": 1}),
                )
            },
            &[Doctor],
        ),
        (
            "write a nursing note",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "notes",
                    &id,
                    "upsert",
                    json!({"encounter_id": "e", "patient_id": "p", "kind": "nursing",
                           "author_id": a, "author_role": r.as_str(),
                           "created_at": "2026-01-05T09:00:00.000Z", "version": 1}),
                )
            },
            &[Doctor, Nurse],
        ),
        (
            "amend the doctor's note with a new version",
            |g, r| {
                let note = g.doctors_note(false);
                g.note_version(r, &note, 2)
            },
            &[Doctor],
        ),
        (
            "sign the doctor's note",
            |g, r| {
                let (note, a) = (g.doctors_note(false), g.id(r));
                g.change(
                    &a,
                    "notes",
                    &note,
                    "upsert",
                    json!({"signed_at": "2026-01-05T09:30:00.000Z", "signed_by": a}),
                )
            },
            &[Doctor],
        ),
        (
            "amend a signed note",
            |g, r| {
                let note = g.doctors_note(true);
                g.note_version(r, &note, 2)
            },
            NOBODY,
        ),
        (
            "unsign a signed note",
            |g, r| {
                let (note, a) = (g.doctors_note(true), g.id(r));
                g.change(
                    &a,
                    "notes",
                    &note,
                    "upsert",
                    json!({"signed_at": null, "signed_by": null}),
                )
            },
            NOBODY,
        ),
        (
            "delete a note",
            |g, r| {
                let (note, a) = (g.doctors_note(false), g.id(r));
                g.change(&a, "notes", &note, "tombstone", json!({}))
            },
            NOBODY,
        ),
        (
            "rewrite a note's version in place",
            |g, r| {
                let note = g.doctors_note(false);
                let mut change = g.note_version(r, &note, 1);
                change["kind"] = json!("upsert");
                change
            },
            NOBODY,
        ),
        (
            "record vitals",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "vitals",
                    &id,
                    "append",
                    json!({"id": id, "patient_id": "p", "taken_at": "2026-01-05T09:00:00.000Z",
                           "recorded_by": a, "recorded_at": "2026-01-05T09:00:00.000Z",
                           "pulse": 72}),
                )
            },
            &[Doctor, Nurse],
        ),
        (
            "record a diagnosis",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "diagnoses",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "code": "E11.9", "title": "Type 2 diabetes",
                           "rank": "primary", "status": "active", "chronic": true,
                           "active": true, "recorded_by": a,
                           "recorded_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            &[Doctor],
        ),
        (
            "record an allergy",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "allergies",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "substance": "Penicillin", "severity": "severe",
                           "status": "active", "active": true, "noted_by": a,
                           "noted_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            &[Doctor, Nurse],
        ),
        (
            "record an allergy in a colleague's name",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let named = g.id(if r == Role::Nurse {
                    Role::Doctor
                } else {
                    Role::Nurse
                });
                g.change(
                    &a,
                    "allergies",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "substance": "Latex", "severity": "mild",
                           "status": "active", "active": true, "noted_by": named,
                           "noted_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            NOBODY,
        ),
        (
            "correct an allergy moved from the old patient list",
            |g, r| {
                let (n, a) = (g.next(), g.id(r));
                g.change(
                    &a,
                    "allergies",
                    &format!("legacy-p{n}-0"),
                    "upsert",
                    json!({"patient_id": format!("p{n}"), "substance": "Penicillin",
                           "severity": "severe", "status": "inactive", "active": true,
                           "noted_by": null, "noted_at": "2026-01-01T00:00:00.000Z"}),
                )
            },
            &[Doctor, Nurse],
        ),
        (
            "add an attachment as its author",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let fields = g.attachment_fields(&a, "p", 2048);
                g.change(&a, "attachments", &id, "upsert", fields)
            },
            &[Doctor, Nurse],
        ),
        (
            "add an attachment in another user's name",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let other = g.id(if r == Role::Doctor {
                    Role::Nurse
                } else {
                    Role::Doctor
                });
                let fields = g.attachment_fields(&other, "p", 2048);
                g.change(&a, "attachments", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "add an attachment larger than 25 MB",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let fields =
                    g.attachment_fields(&a, "p", clinic_protocol::attachments::MAX_BYTES + 1);
                g.change(&a, "attachments", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "add an attachment of a kind the clinic does not take",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let mut fields = g.attachment_fields(&a, "p", 2048);
                fields["mime"] = json!("application/x-msdownload");
                g.change(&a, "attachments", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "archive the doctor's attachment",
            |g, r| {
                let (x, a) = (g.doctors_attachment("p", 2048), g.id(r));
                g.change(
                    &a,
                    "attachments",
                    &x,
                    "upsert",
                    json!({"archived": true, "archived_by": a, "archive_reason": "wrong patient",
                           "archived_at": "2026-01-05T10:00:00.000Z"}),
                )
            },
            &[Doctor],
        ),
        (
            "swap an attachment's key and hash for another file's",
            |g, r| {
                let (x, a) = (g.doctors_attachment("p", 2048), g.id(r));
                g.change(
                    &a,
                    "attachments",
                    &x,
                    "upsert",
                    json!({"file_key": "f".repeat(64), "sha256": "e".repeat(64)}),
                )
            },
            NOBODY,
        ),
        (
            "un-archive an archived attachment",
            |g, r| {
                let x = g.doctors_attachment("p", 2048);
                let d = g.id(Role::Doctor);
                let archive = g.change(
                    &d,
                    "attachments",
                    &x,
                    "upsert",
                    json!({"archived": true, "archived_by": d, "archive_reason": "dup"}),
                );
                assert!(g.accepted(Role::Doctor, &archive).0);
                let a = g.id(r);
                g.change(&a, "attachments", &x, "upsert", json!({"archived": false}))
            },
            NOBODY,
        ),
        (
            "delete an attachment",
            |g, r| {
                let (x, a) = (g.doctors_attachment("p", 2048), g.id(r));
                g.change(&a, "attachments", &x, "tombstone", json!({}))
            },
            NOBODY,
        ),
        (
            "order a lab test",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let fields = g.lab_order_fields(&a, 1);
                g.change(&a, "lab_orders", &id, "upsert", fields)
            },
            &[Doctor],
        ),
        (
            "order a lab test in a colleague's name (ordered_by)",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let doctor = g.id(if r == Doctor { Admin } else { Doctor });
                let fields = g.lab_order_fields(&doctor, 1);
                g.change(&a, "lab_orders", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "order no lab test, or more than an order holds",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let tests = if g.next() % 2 == 0 { 0 } else { 61 };
                let fields = g.lab_order_fields(&a, tests);
                g.change(&a, "lab_orders", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "cancel a lab order",
            |g, r| {
                let (order, a) = (g.doctors_lab_order(), g.id(r));
                g.change(
                    &a,
                    "lab_orders",
                    &order,
                    "upsert",
                    json!({"status": "cancelled", "cancelled_at": "2026-01-05T10:00:00.000Z",
                           "cancelled_by": a, "cancel_reason": "duplicate"}),
                )
            },
            &[Doctor],
        ),
        (
            "change the tests of a lab order",
            |g, r| {
                let (order, a) = (g.doctors_lab_order(), g.id(r));
                g.change(&a, "lab_orders", &order, "upsert", json!({"tests": "[]"}))
            },
            NOBODY,
        ),
        (
            "collect a sample for a lab order",
            |g, r| {
                let (order, id, a) = (g.doctors_lab_order(), g.uuid(), g.id(r));
                let fields = g.sample_fields(&a, &order);
                g.change(&a, "lab_samples", &id, "upsert", fields)
            },
            &[LabTechnician],
        ),
        (
            "collect a sample for an order that was never made",
            |g, r| {
                let (order, id, a) = (g.uuid(), g.uuid(), g.id(r));
                let fields = g.sample_fields(&a, &order);
                g.change(&a, "lab_samples", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "reject a sample with its reason",
            |g, r| {
                let (sample, a) = (g.lab_sample(false), g.id(r));
                g.change(&a, "lab_samples", &sample, "upsert",
                    json!({"status": "rejected", "rejected_by": a,
                           "rejected_at": "2026-01-05T09:20:00.000Z", "reject_reason": "haemolysed"}))
            },
            &[LabTechnician],
        ),
        (
            "reject a sample without a reason",
            |g, r| {
                let (sample, a) = (g.lab_sample(false), g.id(r));
                g.change(
                    &a,
                    "lab_samples",
                    &sample,
                    "upsert",
                    json!({"status": "rejected", "rejected_by": a,
                           "rejected_at": "2026-01-05T09:20:00.000Z", "reject_reason": " "}),
                )
            },
            NOBODY,
        ),
        (
            "enter a lab result",
            |g, r| {
                let sample = g.lab_sample(false);
                g.lab_result(r, &sample).1
            },
            &[LabTechnician],
        ),
        (
            "enter a lab result on a rejected sample",
            |g, r| {
                let sample = g.lab_sample(true);
                g.lab_result(r, &sample).1
            },
            NOBODY,
        ),
        (
            "verify a lab result one entered oneself (or without the right)",
            |g, r| {
                let sample = g.lab_sample(false);
                let (result, change) = g.lab_result(LabTechnician, &sample);
                assert!(g.accepted(LabTechnician, &change).0);
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "lab_verifications",
                    &id,
                    "append",
                    json!({"result_id": result, "verified_by": a,
                           "verified_at": "2026-01-05T09:40:00.000Z"}),
                )
            },
            NOBODY,
        ),
        (
            "issue a prescription",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let fields = g.prescription_fields(&a, 1);
                g.change(&a, "prescriptions", &id, "upsert", fields)
            },
            &[Doctor],
        ),
        (
            "push a draft prescription",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let mut fields = g.prescription_fields(&a, 1);
                fields["status"] = json!("draft");
                g.change(&a, "prescriptions", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "issue a prescription in a colleague's name (prescriber_id)",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let doctor = g.id(if r == Doctor { Admin } else { Doctor });
                let fields = g.prescription_fields(&doctor, 1);
                g.change(&a, "prescriptions", &id, "upsert", fields)
            },
            NOBODY,
        ),
        (
            "edit an issued prescription (its follow-up)",
            |g, r| {
                let (rx, a) = (g.doctors_prescription(), g.id(r));
                g.change(
                    &a,
                    "prescriptions",
                    &rx,
                    "upsert",
                    json!({"follow_up": "2026-03-01"}),
                )
            },
            NOBODY,
        ),
        (
            "renumber an issued prescription",
            |g, r| {
                let (rx, a) = (g.doctors_prescription(), g.id(r));
                g.change(
                    &a,
                    "prescriptions",
                    &rx,
                    "upsert",
                    json!({"number": "BR01-MINE-000001"}),
                )
            },
            NOBODY,
        ),
        (
            "cancel an issued prescription with a reason",
            |g, r| {
                let (rx, a) = (g.doctors_prescription(), g.id(r));
                g.change(
                    &a,
                    "prescriptions",
                    &rx,
                    "upsert",
                    json!({"status": "cancelled", "cancelled_by": a, "cancel_reason": "wrong dose",
                           "cancelled_at": "2026-01-05T09:30:00.000Z",
                           "updated_at": "2026-01-05T09:30:00.000Z"}),
                )
            },
            &[Doctor],
        ),
        (
            "send the missing item of an issued prescription",
            |g, r| {
                let rx = g.doctors_prescription();
                g.prescription_item(r, &rx, 2)
            },
            &[Doctor],
        ),
        (
            "add an item beyond an issued prescription's item_count",
            |g, r| {
                let rx = g.doctors_prescription();
                g.prescription_item(r, &rx, 3)
            },
            NOBODY,
        ),
        (
            "send an item again (change an issued prescription's item)",
            |g, r| {
                let rx = g.doctors_prescription();
                g.prescription_item(r, &rx, 1)
            },
            NOBODY,
        ),
        (
            "receive a delivery into a batch",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "receive", "quantity": 20, "reference": "INV-1"}),
                )
            },
            &[Pharmacist],
        ),
        (
            "dispense from a batch against a prescription",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "dispense", "quantity": -2,
                    "prescription_id": "rx", "prescription_item_id": "rx-1"}),
                )
            },
            &[Pharmacist],
        ),
        (
            "dispense a negative amount back onto the shelf",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "dispense", "quantity": 5,
                    "prescription_id": "rx", "prescription_item_id": "rx-1"}),
                )
            },
            NOBODY,
        ),
        (
            "correct a batch to a count with a reason",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "adjust", "quantity": -1, "reason": "count"}),
                )
            },
            &[Admin, Pharmacist],
        ),
        (
            "move another branch's stock",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                let mut change = g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "receive", "quantity": 3, "reference": "D"}),
                );
                change["fields"]["branch_code"] = json!("BR02");
                change
            },
            NOBODY,
        ),
        (
            "move stock in another user's name",
            |g, r| {
                let ((item, batch), a) = (g.stock_batch(), g.id(r));
                let other = g.id(if r == Role::Pharmacist {
                    Role::Admin
                } else {
                    Role::Pharmacist
                });
                let mut change = g.movement(
                    &a,
                    &item,
                    &batch,
                    json!({"kind": "receive", "quantity": 3, "reference": "D"}),
                );
                change["fields"]["moved_by"] = json!(other);
                change
            },
            NOBODY,
        ),
        (
            "raise a stock discrepancy from a workstation",
            |g, r| {
                let ((item, batch), a, id) = (g.stock_batch(), g.id(r), g.uuid());
                g.change(
                    &a,
                    "stock_discrepancies",
                    &id,
                    "upsert",
                    json!({"batch_id": batch, "item_id": item, "branch_code": "BR01", "balance": -1,
                           "raised_at": "2026-01-05T10:00:00.000Z", "status": "open"}),
                )
            },
            NOBODY,
        ),
        (
            "draft a walk-in invoice",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "invoices",
                    &id,
                    "upsert",
                    json!({"kind": "invoice", "branch_code": "BR01", "currency": "KES",
                           "status": "draft", "created_by": a,
                           "created_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            &[Receptionist, Accountant],
        ),
        (
            "issue a draft invoice",
            |g, r| {
                let ((invoice, _), a) = (g.invoice(false), g.id(r));
                let number = format!("BR01-F-2026-{:06}", g.next());
                g.change(
                    &a,
                    "invoices",
                    &invoice,
                    "upsert",
                    json!({"status": "issued", "number": number, "issued_by": a,
                           "issued_at": "2026-01-05T09:10:00.000Z"}),
                )
            },
            &[Receptionist, Accountant],
        ),
        (
            "change a line of an issued invoice",
            |g, r| {
                let ((invoice, line), a) = (g.invoice(true), g.id(r));
                g.change(
                    &a,
                    "invoice_lines",
                    &line,
                    "upsert",
                    json!({"invoice_id": invoice, "unit_price_minor": 1}),
                )
            },
            NOBODY,
        ),
        (
            "give a discount with a reason",
            |g, r| {
                let ((invoice, line), a) = (g.invoice(false), g.id(r));
                g.change(&a, "invoice_lines", &line, "upsert",
                    json!({"invoice_id": invoice, "discount_bp": 1000, "discount_reason": "loyal patient"}))
            },
            &[Accountant],
        ),
        (
            "take a payment on an issued invoice",
            |g, r| {
                let ((invoice, _), a, id) = (g.invoice(true), g.id(r), g.uuid());
                g.change(
                    &a,
                    "payments",
                    &id,
                    "append",
                    json!({"invoice_id": invoice, "method": "cash", "amount_minor": 1000,
                           "receipt_number": "R-1", "received_by": a,
                           "received_at": "2026-01-05T09:20:00.000Z"}),
                )
            },
            &[Receptionist, Accountant],
        ),
        (
            "refund without a reason",
            |g, r| {
                let ((invoice, _), a, id) = (g.invoice(true), g.id(r), g.uuid());
                g.change(
                    &a,
                    "payments",
                    &id,
                    "append",
                    json!({"invoice_id": invoice, "method": "cash", "amount_minor": -1000,
                           "receipt_number": "R-2", "received_by": a,
                           "received_at": "2026-01-05T09:20:00.000Z"}),
                )
            },
            NOBODY,
        ),
        (
            "draft an insurance claim",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "claims",
                    &id,
                    "upsert",
                    json!({"invoice_id": "i", "policy_id": "p", "payer_id": "y", "status": "draft",
                           "claimed_minor": 8000, "created_by": a,
                           "created_at": "2026-01-05T09:00:00.000Z"}),
                )
            },
            &[Receptionist, Accountant],
        ),
        (
            "approve a claim above what was claimed",
            |g, r| {
                let desk = g.id(Role::Receptionist);
                let claim = g.seed(
                    Role::Receptionist,
                    "claims",
                    json!({"invoice_id": "i", "policy_id": "p", "payer_id": "y", "status": "draft",
                           "claimed_minor": 8000, "created_by": desk,
                           "created_at": "2026-01-05T09:00:00.000Z"}),
                );
                let step = g.change(
                    &desk,
                    "claims",
                    &claim,
                    "upsert",
                    json!({"status": "submitted"}),
                );
                assert!(g.accepted(Role::Receptionist, &step).0);
                let a = g.id(r);
                g.change(
                    &a,
                    "claims",
                    &claim,
                    "upsert",
                    json!({"status": "approved", "approved_minor": 9000}),
                )
            },
            NOBODY,
        ),
        (
            "set a price on the price list",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(
                    &a,
                    "price_items",
                    &id,
                    "upsert",
                    json!({"code": "ECG", "name": "Electrocardiogram", "category": "service",
                           "price_minor": 3000, "tax_bp": 0, "active": true}),
                )
            },
            &[Admin],
        ),
        (
            "add an insurance payer",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                g.change(&a, "payers", &id, "upsert",
                    json!({"code": "NHIF", "name": "National Health Insurance Fund", "active": true}))
            },
            &[Receptionist, Accountant],
        ),
        (
            "record a patient's policy in another user's name",
            |g, r| {
                let (id, a) = (g.uuid(), g.id(r));
                let other = g.id(if r == Role::Accountant {
                    Role::Receptionist
                } else {
                    Role::Accountant
                });
                g.change(
                    &a,
                    "policies",
                    &id,
                    "upsert",
                    json!({"patient_id": "p", "payer_id": "y", "policy_number": "N-1",
                           "coverage_bp": 8000, "valid_until": null, "active": true,
                           "created_by": other}),
                )
            },
            NOBODY,
        ),
        (
            "push a change in another user's name",
            |g, r| {
                // The author claimed is an administrator (or, for the administrator, the
                // front desk); the token says otherwise.
                let claimed = g.id(if r == Role::Admin {
                    Role::Receptionist
                } else {
                    Role::Admin
                });
                let (p, _) = (g.patient(), ());
                g.change(&claimed, "patients", &p, "upsert", json!({"phone": "1"}))
            },
            NOBODY,
        ),
    ]
}

#[test]
fn every_forged_change_by_every_role_is_accepted_or_refused_as_the_grant_table_says() {
    let mut g = Group::new();
    let mut wrong = Vec::new();
    for (what, forge, allowed) in cases() {
        for role in Role::ALL {
            let change = forge(&mut g, role);
            let (accepted, reason) = g.accepted(role, &change);
            let expected = allowed.contains(&role);
            if accepted != expected {
                wrong.push(format!(
                    "{role} may {}{what}, but the server {} it {reason}",
                    if expected { "" } else { "not " },
                    if accepted { "accepted" } else { "refused" },
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The review's attack: a receptionist pushes her own promotion, naming the
/// administrator as its author.
#[test]
fn a_receptionist_cannot_make_herself_administrator_in_the_administrators_name() {
    let mut g = Group::new();
    let (me, admin) = (g.id(Role::Receptionist), g.id(Role::Admin));
    let change = g.change(&admin, "users", &me, "upsert", json!({"role": "admin"}));
    let (accepted, reason) = g.accepted(Role::Receptionist, &change);
    assert!(!accepted);
    assert!(reason.contains("another user"), "{reason}");
    let role: String = g.server.query(&format!(
        "SELECT fields->>'role' FROM row_state WHERE table_name = 'users' AND row_id = '{me}'"
    ))[0]
        .get(0);
    assert_eq!(role, "receptionist");
}

/// TOTP seeds stay on the workstation where they were enrolled: none is recorded, and a
/// pull never returns one, even from a log written before the rule.
#[test]
fn the_server_never_hands_out_a_totp_seed() {
    let mut g = Group::new();
    let enrolment = g.station.admin().begin_totp_enrolment().unwrap();
    let key = clinic_core::totp::base32_decode(&enrolment.secret).unwrap();
    let now = u64::try_from(g.station.clock.now().timestamp()).unwrap();
    let code = format!("{:06}", clinic_core::totp::code_at(&key, now, 6));
    g.station
        .admin()
        .enrol_totp(&enrolment.secret, &code)
        .unwrap();
    g.station.admin().sync_now().unwrap();
    let seeds: i64 = g.server.query(
        "SELECT count(*) FROM change_log WHERE fields ? 'totp_secret' OR fields::text LIKE '%totp_secret%'",
    )[0]
        .get(0);
    assert_eq!(seeds, 0, "no workstation sent one");
    // An old server's log that still holds one.
    let admin = g.id(Role::Admin);
    g.server.log_change(
        "users",
        &admin,
        &json!({"totp_secret": "JBSWY3DPEHPK3PXP", "display_name": "Old"}),
        &format!("1767600000000-00000-{}", g.device),
        &g.device,
        &admin,
    );
    let (status, _, body) = crate::harness::raw_http(
        &g.server.url,
        &format!(
            "GET /v1/pull?cursor=0&limit=1000&protocol_version={} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            clinic_protocol::PROTOCOL_VERSION,
            g.users[&Role::Admin].1
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"Old\""), "the old change is pulled: {body}");
    assert!(!body.contains("totp_secret") && !body.contains("JBSWY3DPEHPK3PXP"));
}

/// Clock stamps and sizes are checked on push: a stamp from the future, a malformed one,
/// and an oversized field are refused change by change with a reason, and nothing of
/// them is applied.
#[test]
fn stamps_from_the_future_malformed_stamps_and_oversized_changes_are_refused() {
    let mut g = Group::new();
    let desk = g.id(Role::Receptionist);
    let p = g.patient();
    let mut ahead = g.change(&desk, "patients", &p, "upsert", json!({"phone": "1"}));
    ahead["hlc"] = json!(format!("{:016}-00000-{}", 4_102_444_800_000u64, g.device));
    let (ok, reason) = g.accepted(Role::Receptionist, &ahead);
    assert!(!ok && reason.contains("ahead"), "{reason}");

    let mut malformed = g.change(&desk, "patients", &p, "upsert", json!({"phone": "2"}));
    malformed["hlc"] = json!(format!("12-3-{}", g.device));
    let (ok, reason) = g.accepted(Role::Receptionist, &malformed);
    assert!(!ok && reason.contains("malformed"), "{reason}");

    let big = "x".repeat(clinic_protocol::limits::MAX_FIELD_BYTES + 1);
    let oversized = g.change(&desk, "patients", &p, "upsert", json!({"address": big}));
    let (ok, reason) = g.accepted(Role::Receptionist, &oversized);
    assert!(!ok && reason.contains("at most"), "{reason}");

    let fine = g.change(&desk, "patients", &p, "upsert", json!({"phone": "3"}));
    assert!(
        g.accepted(Role::Receptionist, &fine).0,
        "an ordinary change still goes in"
    );
}

/// A pulled page is bounded by bytes as well as by count, so a workstation on a slow
/// link is never handed one enormous answer; it still never splits one push.
#[test]
fn a_pulled_page_is_bounded_by_bytes_and_never_splits_a_push() {
    let mut g = Group::new();
    let desk = g.id(Role::Receptionist);
    let p = g.patient();
    let filler = "x".repeat(60 * 1024);
    for push in 0..8 {
        let changes: Vec<Value> = (0..10)
            .map(|i| {
                g.change(
                    &desk,
                    "patients",
                    &p,
                    "upsert",
                    json!({"address": format!("{push}-{i} {filler}")}),
                )
            })
            .collect();
        let response = g.push(Role::Receptionist, &changes);
        assert_eq!(response.accepted.len(), 10, "{:?}", response.rejected);
    }
    let total: i64 = g.server.query("SELECT count(*) FROM change_log")[0].get(0);
    let (status, _, body) = crate::harness::raw_http(
        &g.server.url,
        &format!(
            "GET /v1/pull?cursor=0&limit=1000&protocol_version={} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            clinic_protocol::PROTOCOL_VERSION,
            g.users[&Role::Admin].1
        ),
    );
    assert_eq!(status, 200);
    let page: clinic_protocol::PullPage = serde_json::from_str(&body).unwrap();
    assert!(page.more, "the rest waits for the next page");
    assert!(
        (page.changes.len() as i64) < total,
        "{} of {total} changes in one page",
        page.changes.len()
    );
    let bytes: usize = page
        .changes
        .iter()
        .map(|c| Value::Object(c.change.fields.clone()).to_string().len())
        .sum();
    assert!(
        bytes <= sync_server::sync::MAX_PAGE_BYTES + 10 * 62 * 1024,
        "{bytes} bytes: the byte bound plus at most the rest of one push"
    );
    let last_batch: i64 = g.server.query(&format!(
        "SELECT batch FROM change_log WHERE seq = {}",
        page.next_cursor
    ))[0]
        .get(0);
    let after: i64 = g.server.query(&format!(
        "SELECT count(*) FROM change_log WHERE batch = {last_batch} AND seq > {}",
        page.next_cursor
    ))[0]
        .get(0);
    assert_eq!(after, 0, "the page ends at the end of a push");
}

/// The server anchors each device's audit chain: an event must continue the chain it
/// holds (next number, previous hash) and hash right, so one removed, reordered or
/// edited before it was pushed is refused.
#[test]
fn the_server_refuses_audit_events_that_do_not_continue_the_devices_chain() {
    let mut g = Group::new();
    let desk = g.id(Role::Receptionist);
    let skipped = g.audit_event(&desk, &desk, 2, None);
    let (ok, reason) = g.accepted(Role::Receptionist, &skipped);
    assert!(!ok && reason.contains("does not continue"), "{reason}");
    let edited = g.audit_event(&desk, &desk, 1, Some(("outcome", json!("denied"))));
    let (ok, reason) = g.accepted(Role::Receptionist, &edited);
    assert!(!ok && reason.contains("hash mismatch"), "{reason}");
    let next = g.audit_event(&desk, &desk, 1, None);
    assert!(
        g.accepted(Role::Receptionist, &next).0,
        "the true next event goes in"
    );
    let mut fork = g.audit_event(&desk, &desk, 0, None);
    fork["fields"]["prev_hash"] = json!(clinic_protocol::audit::GENESIS);
    let (ok, reason) = g.accepted(Role::Receptionist, &fork);
    assert!(
        !ok,
        "a second event with the same number is a fork: {reason}"
    );
}

/// The attachment endpoints, attacked role by role with each user's own access token:
/// bytes go up only from the attachment's author (and only as long as their role may
/// add attachments), exactly as the record's size shapes them, never replacing what is
/// stored; they come down only to a role that may read the patient's record (a patient
/// only their own; the front desk, administrators, the laboratory, the pharmacy and the
/// accounts never).
#[test]
fn attachment_bytes_go_up_only_from_their_author_and_down_only_to_who_may_read_the_record() {
    use crate::harness::http_bytes;
    use clinic_protocol::attachments::{CHUNK_BYTES, TAG_BYTES};
    let mut g = Group::new();
    let own = g.own_record.clone();
    let size = CHUNK_BYTES + 100;
    let scan = g.doctors_attachment(&own, size);
    let elsewhere = g.patient();
    let other = g.doctors_attachment(&elsewhere, 10);
    let v = clinic_protocol::PROTOCOL_VERSION;
    let chunk_at = |id: &str, index: u32| {
        format!("/v1/attachments/chunk?attachment_id={id}&index={index}&protocol_version={v}")
    };
    let status_of =
        |id: &str| format!("/v1/attachments/status?attachment_id={id}&protocol_version={v}");
    let token = |g: &Group, role: Role| g.users[&role].1.clone();
    let url = g.server.url.clone();
    let first: Vec<u8> = (0..CHUNK_BYTES + TAG_BYTES)
        .map(|i| (i % 251) as u8)
        .collect();
    let last: Vec<u8> = vec![7; 100 + TAG_BYTES as usize];

    let mut wrong = Vec::new();
    for role in Role::ALL {
        let (status, body) = http_bytes(
            &url,
            "PUT",
            &chunk_at(&scan, 0),
            Some(&token(&g, role)),
            Some(&first),
        );
        let expected = if role == Role::Doctor { 200 } else { 403 };
        if status != expected {
            wrong.push(format!(
                "{role} uploading the doctor's chunk: {status} {}",
                String::from_utf8_lossy(&body)
            ));
        }
    }
    let doctor = token(&g, Role::Doctor);
    for (what, target, body, expected) in [
        (
            "the same chunk again",
            chunk_at(&scan, 0),
            first.clone(),
            200,
        ),
        (
            "other bytes for a stored chunk",
            chunk_at(&scan, 0),
            vec![1; first.len()],
            409,
        ),
        (
            "a last chunk of the wrong length",
            chunk_at(&scan, 1),
            vec![7; 99 + TAG_BYTES as usize],
            400,
        ),
        (
            "a chunk past the last",
            chunk_at(&scan, 2),
            vec![7; 17],
            400,
        ),
        (
            "a chunk of an attachment the server never accepted",
            chunk_at(&g.uuid(), 0),
            vec![7; 26],
            404,
        ),
        (
            "the right last chunk",
            chunk_at(&scan, 1),
            last.clone(),
            200,
        ),
    ] {
        let (status, answer) = http_bytes(&url, "PUT", &target, Some(&doctor), Some(&body));
        if status != expected {
            wrong.push(format!(
                "doctor, {what}: {status} {}",
                String::from_utf8_lossy(&answer)
            ));
        }
    }
    let stored: Vec<u8> = g.server.query(&format!(
        "SELECT bytes FROM attachment_chunks WHERE attachment_id = '{scan}' AND chunk = 0"
    ))[0]
        .get(0);
    assert!(stored == first, "a refused upload changes nothing stored");

    for role in Role::ALL {
        let readers = [Role::Doctor, Role::Nurse, Role::Patient];
        let expected = if readers.contains(&role) { 200 } else { 403 };
        let (status, body) = http_bytes(
            &url,
            "GET",
            &chunk_at(&scan, 1),
            Some(&token(&g, role)),
            None,
        );
        if status != expected || (status == 200 && body != last) {
            wrong.push(format!(
                "{role} downloading a chunk of their patient's record: {status}"
            ));
        }
        let (status, _) = http_bytes(&url, "GET", &status_of(&scan), Some(&token(&g, role)), None);
        if status != expected {
            wrong.push(format!("{role} asking the attachment's status: {status}"));
        }
        let expected = if matches!(role, Role::Doctor | Role::Nurse) {
            200
        } else {
            403
        };
        let (status, _) = http_bytes(
            &url,
            "GET",
            &status_of(&other),
            Some(&token(&g, role)),
            None,
        );
        let (chunk_status, _) = http_bytes(
            &url,
            "GET",
            &chunk_at(&other, 0),
            Some(&token(&g, role)),
            None,
        );
        let chunk_expected = if expected == 200 { 404 } else { 403 };
        if status != expected || chunk_status != chunk_expected {
            wrong.push(format!("{role} reaching another patient's attachment: status {status}, chunk {chunk_status}"));
        }
    }
    let (status, body) = http_bytes(&url, "GET", &status_of(&scan), Some(&doctor), None);
    assert_eq!(status, 200);
    let answer: clinic_protocol::attachments::AttachmentStatus =
        serde_json::from_slice(&body).unwrap();
    assert!(answer.complete && answer.missing.is_empty(), "{answer:?}");
    let (status, _) = http_bytes(&url, "GET", &chunk_at(&scan, 0), None, None);
    assert_eq!(status, 401, "no token, no bytes");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
