//! The published contract, tested from the document itself: every operation in
//! `sync-server/openapi.json` is driven against a real server (a workstation enrolled, a
//! signed-in administrator) with a valid request and with invalid ones generated from the
//! document: the body not JSON, required fields missing, values of the wrong type, strings
//! and numbers that break their schema (malformed UUIDs, lengths, limits, protocol
//! versions), arrays over `maxItems`, NUL characters, bodies over `x-max-body-bytes`, and
//! no, malformed or another scheme's bearer token. A status the document does not list for
//! the operation fails, as does an error that is not problem JSON or an answer that does
//! not match its documented schema. Cases come from walking paths, methods, parameters,
//! request bodies, responses and security schemes, so a newly documented route is driven
//! the day it is documented. No randomness and no clock: ids come from a counter.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read as _, Write as _};

use serde_json::{Value, json};

use crate::harness::{PASSWORD, Server, Station};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The document, with `$ref` resolution and a small JSON Schema checker for the keywords
/// it uses (and a loud failure for any it does not know, so a new keyword is not ignored).
struct Doc {
    root: Value,
    patterns: RefCell<HashMap<String, regex::Regex>>,
}

impl Doc {
    fn load() -> Doc {
        Doc {
            root: serde_json::from_str(sync_server::OPENAPI).expect("openapi.json is JSON"),
            patterns: RefCell::default(),
        }
    }

    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(pointer) = value.get("$ref").and_then(Value::as_str) {
            let pointer = pointer.strip_prefix('#').expect("local references only");
            value = self
                .root
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {pointer}"));
        }
        value
    }

    fn matches(&self, pattern: &str, text: &str) -> bool {
        let mut cache = self.patterns.borrow_mut();
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| regex::Regex::new(pattern).expect("pattern compiles"))
            .is_match(text)
    }

    /// Whether `value` satisfies `schema`; the error names the first place it does not.
    fn check(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = self.resolve(schema);
        let Some(keywords) = schema.as_object() else {
            return Err(format!("{at}: schema is not an object"));
        };
        let fail = |what: String| Err(format!("{at}: {what} (value {value})"));
        for (keyword, rule) in keywords {
            match keyword.as_str() {
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::Array(t) => t.iter().filter_map(Value::as_str).collect(),
                        t => vec![t.as_str().unwrap_or_default()],
                    };
                    if !types.iter().any(|t| json_type_is(value, t)) {
                        return fail(format!("not of type {rule}"));
                    }
                }
                "const" if value != rule => return fail(format!("not the constant {rule}")),
                "enum" if !rule.as_array().unwrap().contains(value) => {
                    return fail(format!("not one of {rule}"));
                }
                "required" => {
                    for name in rule.as_array().unwrap().iter().filter_map(Value::as_str) {
                        if value.is_object() && value.get(name).is_none() {
                            return fail(format!("missing required {name}"));
                        }
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, sub) in rule.as_object().unwrap() {
                            if let Some(v) = object.get(name) {
                                self.check(sub, v, &format!("{at}.{name}"))?;
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, v) in items.iter().enumerate() {
                            self.check(rule, v, &format!("{at}[{i}]"))?;
                        }
                    }
                }
                "allOf" => {
                    for sub in rule.as_array().unwrap() {
                        self.check(sub, value, at)?;
                    }
                }
                "anyOf" | "oneOf" => {
                    let passing = rule
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| self.check(sub, value, at).is_ok())
                        .count();
                    if passing == 0 || (keyword == "oneOf" && passing > 1) {
                        return fail(format!("{keyword} not satisfied"));
                    }
                }
                "maxItems" | "minItems" => {
                    if let Some(items) = value.as_array() {
                        let n = items.len() as u64;
                        let limit = rule.as_u64().unwrap();
                        if (keyword == "maxItems" && n > limit)
                            || (keyword == "minItems" && n < limit)
                        {
                            return fail(format!("{n} items breaks {keyword} {limit}"));
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(text) = value.as_str() {
                        let n = text.chars().count() as u64;
                        let limit = rule.as_u64().unwrap();
                        if (keyword == "maxLength" && n > limit)
                            || (keyword == "minLength" && n < limit)
                        {
                            return fail(format!("length {n} breaks {keyword} {limit}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(n), Some(limit)) = (value.as_f64(), rule.as_f64())
                        && ((keyword == "minimum" && n < limit)
                            || (keyword == "maximum" && n > limit))
                    {
                        return fail(format!("breaks {keyword} {limit}"));
                    }
                }
                "pattern" => {
                    if let Some(text) = value.as_str()
                        && !self.matches(rule.as_str().unwrap(), text)
                    {
                        return fail(format!("does not match {rule}"));
                    }
                }
                "format" => {
                    if let Some(text) = value.as_str() {
                        let ok = match rule.as_str().unwrap() {
                            "uuid" => self.matches(
                                "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                                text,
                            ),
                            "date-time" => text.len() >= 20 && text.ends_with('Z'),
                            _ => true,
                        };
                        if !ok {
                            return fail(format!("not a {rule}"));
                        }
                    }
                }
                "description" | "default" | "examples" | "const" | "enum" => {}
                other => return fail(format!("the contract test does not know keyword {other}")),
            }
        }
        Ok(())
    }

    /// Every JSON type `schema` admits (through `$ref`, `anyOf` and `allOf`).
    fn types(&self, schema: &Value) -> Vec<String> {
        let schema = self.resolve(schema);
        let mut out: Vec<String> = match schema.get("type") {
            Some(Value::Array(t)) => t
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(t)) => vec![t.clone()],
            _ => Vec::new(),
        };
        for key in ["anyOf", "oneOf", "allOf"] {
            for sub in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.extend(self.types(sub));
            }
        }
        out
    }
}

fn json_type_is(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// What an answer to a case must be, beyond being documented for the operation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// A documented 2xx: the valid request must work.
    Success,
    Status(u16),
    /// Whatever the server makes of it (a NUL in a password is a wrong password), never
    /// its own failure.
    NotServerError,
}

struct Case {
    what: String,
    query: Vec<(String, String)>,
    authorization: Option<String>,
    body: Option<Vec<u8>>,
    /// The body's media type, as the document gives it for the operation.
    content_type: &'static str,
    expect: Expect,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 exchange over a fresh connection, a body sent as JSON.
fn exchange(
    url: &str,
    method: &str,
    target: &str,
    authorization: Option<&str>,
    body: Option<&[u8]>,
) -> Answer {
    exchange_as(url, method, target, authorization, body, "application/json")
}

/// One HTTP/1.1 exchange over a fresh connection. A write error is tolerated (a server
/// may answer before reading a body it refuses); the answer is what counts.
fn exchange_as(
    url: &str,
    method: &str,
    target: &str,
    authorization: Option<&str>,
    body: Option<&[u8]>,
    content_type: &str,
) -> Answer {
    let addr = url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: contract\r\nConnection: close\r\n",
        method.to_uppercase()
    );
    if let Some(value) = authorization {
        head.push_str(&format!("Authorization: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.unwrap_or_default()));
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "{method} {target}: no HTTP answer: {:?}",
                String::from_utf8_lossy(&bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut answer = Answer {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    };
    if answer
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        answer.body = unchunk(&answer.body);
    }
    answer
}

fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..end]).to_string();
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
    out
}

/// The running server and what valid requests need: an enrolled workstation whose
/// administrator is signed in, fresh enrollment codes, spare workstations to revoke, and
/// a doctor signed in with an attachment whose sealed bytes are on the server.
struct World {
    server: Server,
    station: Station,
    device_token: String,
    access_token: String,
    doctor_token: String,
    attachment_id: String,
    /// The attachment's first (and only) sealed chunk, as the server holds it.
    attachment_chunk: Vec<u8>,
    counter: u64,
}

const DOCTOR_PASSWORD: &str = "contract doctor phrase";

impl World {
    fn new() -> World {
        let server = Server::start_limited(sync_server::limits::Limits {
            // The rate limit is driven separately below; here it must not interfere, nor
            // may the login throttle that the invalid sign-ins would set off.
            per_address_per_minute: 1_000_000,
            per_device_per_minute: 1_000_000,
            login_failures_allowed: 1_000_000,
            ..sync_server::limits::Limits::default()
        });
        let mut station = Station::new("BR01", &server);
        // Its first sync brings its administrator to the server, who may then list and
        // revoke workstations.
        station.admin().sync_now().unwrap();
        let device_token = station.device_token();
        let access_token = station.tokens(&server.url).access_token;
        let (doctor_token, attachment_id, attachment_chunk) =
            attachment_on_server(&server, &mut station, &device_token);
        World {
            server,
            station,
            device_token,
            access_token,
            doctor_token,
            attachment_id,
            attachment_chunk,
            counter: 0,
        }
    }

    /// A new, deterministic UUIDv7-shaped id.
    fn fresh_id(&mut self) -> String {
        self.counter += 1;
        format!("0190a5b0-0000-7000-8000-{:012x}", self.counter)
    }

    /// A valid bearer token for a security scheme of the document, for `path`: the
    /// attachments' bytes are the doctor's (an administrator reads no clinical data).
    fn token(&self, path: &str, scheme: &str) -> String {
        match scheme {
            "deviceToken" => self.device_token.clone(),
            "userToken" if path.starts_with("/v1/attachments/") => self.doctor_token.clone(),
            "userToken" => self.access_token.clone(),
            other => {
                panic!("security scheme {other} is new: give the contract test a token for it")
            }
        }
    }

    /// The value a valid request of `path` needs in `name`, where the schema alone
    /// cannot make one that works (secrets, ids the server must know).
    fn fixture(&mut self, path: &str, name: &str) -> Option<Value> {
        Some(match (path, name) {
            ("/v1/enroll", "device_id") => json!(self.fresh_id()),
            ("/v1/devices/revoke", "device_id") => json!(self.spare_device()),
            (_, "attachment_id") => json!(self.attachment_id.clone()),
            (_, "code") => json!(self.server.enrollment_code("BR01")),
            (_, "device_name") => json!("Contract desk"),
            (_, "user_id") => json!(self.station.admin().actor().user.to_string()),
            (_, "username") => json!(self.station.admin_name.clone()),
            // Changing the password to itself keeps every later login working.
            (_, "password" | "current_password" | "new_password") => json!(PASSWORD),
            (_, "refresh_token") => json!(self.station.tokens(&self.server.url).refresh_token),
            _ => return None,
        })
    }

    /// A workstation enrolled just now, to be revoked.
    fn spare_device(&mut self) -> String {
        let id = self.fresh_id();
        let body = json!({
            "protocol_version": clinic_protocol::PROTOCOL_VERSION,
            "code": self.server.enrollment_code("BR01"),
            "device_id": id,
            "device_name": "Spare",
        });
        let answer = exchange(
            &self.server.url,
            "post",
            "/v1/enroll",
            None,
            Some(body.to_string().as_bytes()),
        );
        assert_eq!(answer.status, 200, "enrolling a spare workstation");
        id
    }

    /// A valid value of `schema`, with fixtures for the properties of `path` that need one.
    fn example(&mut self, doc: &Doc, path: &str, schema: &Value) -> Value {
        let schema = doc.resolve(schema).clone();
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        if let Some(first) = schema
            .get("anyOf")
            .or(schema.get("oneOf"))
            .and_then(|a| a.get(0))
        {
            return self.example(doc, path, first);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = serde_json::Map::new();
            for sub in all {
                if let Value::Object(part) = self.example(doc, path, sub) {
                    merged.extend(part);
                }
            }
            return Value::Object(merged);
        }
        let ty = doc
            .types(&schema)
            .into_iter()
            .find(|t| t != "null")
            .unwrap_or_default();
        match ty.as_str() {
            "object" => {
                let mut object = serde_json::Map::new();
                let properties = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                for name in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = name.as_str().unwrap();
                    let value = match self.fixture(path, name) {
                        Some(v) => v,
                        None => self.example(doc, path, &properties[name]),
                    };
                    object.insert(name.to_owned(), value);
                }
                Value::Object(object)
            }
            "array" => json!([]),
            "integer" | "number" => schema.get("minimum").cloned().unwrap_or(json!(0)),
            "boolean" => json!(false),
            "string" if schema.get("format").and_then(Value::as_str) == Some("uuid") => {
                json!(self.fresh_id())
            }
            "string" => {
                let n = schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                json!("x".repeat(usize::try_from(n).unwrap()))
            }
            other => panic!("{path}: cannot make an example of type {other:?}: {schema}"),
        }
    }
}

/// A doctor (made and signed in on `station`, who registers nothing: a receptionist
/// does) adds a one-chunk PDF and syncs, so its record and bytes are on the server.
/// Returns the doctor's access token, the attachment's id and its sealed chunk.
fn attachment_on_server(
    server: &Server,
    station: &mut Station,
    device_token: &str,
) -> (String, String, Vec<u8>) {
    use clinic_core::{NewUser, Role};
    for (name, role) in [
        ("contract.desk", Role::Receptionist),
        ("contract.doctor", Role::Doctor),
    ] {
        station
            .admin()
            .create_user(&NewUser::new(name, role, DOCTOR_PASSWORD))
            .unwrap();
    }
    station.admin().sync_now().unwrap();
    let mut desk = station
        .workstation
        .unlock("contract.desk", DOCTOR_PASSWORD)
        .unwrap();
    let patient = desk
        .register_patient(
            &clinic_core::frontdesk::patients::PatientInput {
                given_name: "Con".into(),
                family_name: "Tract".into(),
                date_of_birth: "1990-01-01".into(),
                sex: "male".into(),
                ..Default::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let mut doctor = station
        .workstation
        .unlock("contract.doctor", DOCTOR_PASSWORD)
        .unwrap();
    let added = doctor
        .add_attachment(
            patient,
            None,
            "letter.pdf",
            None,
            b"%PDF-1.4\nreferral\n%%EOF",
        )
        .unwrap();
    assert_eq!(doctor.sync_now().unwrap().attachments_sent, 1);
    let chunk = std::fs::read(
        station
            .workstation
            .dir()
            .join("attachments")
            .join(format!("{}.bin", added.id)),
    )
    .unwrap();
    let body = json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": doctor.actor().user.to_string(),
        "username": "contract.doctor",
        "password": DOCTOR_PASSWORD,
    });
    let answer = exchange(
        &server.url,
        "post",
        "/v1/auth/login",
        Some(&format!("Bearer {device_token}")),
        Some(body.to_string().as_bytes()),
    );
    assert_eq!(answer.status, 200, "the doctor signs in");
    let pair: clinic_protocol::TokenPair = serde_json::from_slice(&answer.body).unwrap();
    (pair.access_token, added.id.to_string(), chunk)
}

/// Values of the right JSON type that break `schema` (with the status the server owes
/// them): strings that are not UUIDs, too short or long, blank; numbers past their
/// bounds. A version too old or too new is 426 ("update the app"), anything else 400.
fn breaking_values(doc: &Doc, name: &str, schema: &Value) -> Vec<(Value, u16)> {
    let resolved = doc.resolve(schema);
    let types = doc.types(resolved);
    let mut candidates: Vec<Value> = Vec::new();
    if types.iter().any(|t| t == "string") {
        candidates.extend(["not-a-uuid", "", " ", "x"].map(|s| json!(s)));
        let mut lengths = vec![resolved.get("maxLength").and_then(Value::as_u64)];
        for sub in resolved
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            lengths.push(sub.get("maxLength").and_then(Value::as_u64));
        }
        if let Some(max) = lengths.into_iter().flatten().max() {
            candidates.push(json!("x".repeat(usize::try_from(max + 1).unwrap())));
        }
    }
    if types.iter().any(|t| t == "integer") {
        if let Some(c) = resolved.get("const").and_then(Value::as_i64) {
            candidates.extend([json!(c + 1), json!(c - 1)]);
        }
        if let Some(min) = resolved.get("minimum").and_then(Value::as_i64) {
            candidates.push(json!(min - 1));
        }
        if let Some(max) = resolved.get("maximum").and_then(Value::as_i64) {
            candidates.push(json!(max + 1));
        }
    }
    let mut out: Vec<(Value, u16)> = Vec::new();
    for value in candidates {
        if doc.check(schema, &value, name).is_err() && !out.iter().any(|(v, _)| *v == value) {
            let version = name.ends_with("_version") && value.as_i64().is_some_and(|n| n >= 0);
            out.push((value, if version { 426 } else { 400 }));
        }
    }
    out
}

/// A JSON value whose type `schema` does not admit.
fn wrong_type(doc: &Doc, schema: &Value) -> Value {
    [
        json!(42),
        json!("text"),
        json!(true),
        json!({}),
        json!([]),
        json!(null),
    ]
    .into_iter()
    .find(|v| !doc.types(schema).iter().any(|t| json_type_is(v, t)))
    .expect("some JSON type is not admitted")
}

struct Operation {
    path: String,
    method: String,
    op: Value,
}

fn operations(doc: &Doc) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc.root["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                METHODS.contains(&method.as_str()),
                "{path}: unexpected key {method}"
            );
            out.push(Operation {
                path: path.clone(),
                method: method.clone(),
                op: op.clone(),
            });
        }
    }
    out
}

/// The security schemes an operation accepts (the first requirement's).
fn schemes(doc: &Doc, op: &Value) -> Vec<String> {
    let security = op.get("security").or(doc.root.get("security"));
    security
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_object)
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

/// The valid request and every invalid one the document implies for `operation`.
fn cases(doc: &Doc, world: &mut World, operation: &Operation) -> Vec<Case> {
    let Operation { path, op, .. } = operation;
    let schemes = schemes(doc, op);
    let authorization = schemes
        .first()
        .map(|s| format!("Bearer {}", world.token(path, s)));
    let parameters: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| doc.resolve(p).clone())
        .collect();
    for p in &parameters {
        assert_eq!(
            p["in"], "query",
            "{path}: the contract test drives query parameters only: {p}"
        );
    }
    let body_schema = op
        .pointer("/requestBody/content/application~1json/schema")
        .cloned();
    let binary = op
        .pointer("/requestBody/content/application~1octet-stream")
        .is_some();
    let content_type = if binary {
        "application/octet-stream"
    } else {
        "application/json"
    };
    let valid_query = |world: &mut World| -> Vec<(String, String)> {
        parameters
            .iter()
            .filter(|p| p["required"] == true)
            .map(|p| {
                let name = p["name"].as_str().unwrap().to_owned();
                let value = match world.fixture(path, &name) {
                    Some(v) => v,
                    None => world.example(doc, path, &p["schema"]),
                };
                (name, value.to_string().trim_matches('"').to_owned())
            })
            .collect()
    };
    let valid_body = |world: &mut World| -> Option<Value> {
        body_schema.as_ref().map(|s| {
            let body = world.example(doc, path, s);
            if let Err(e) = doc.check(s, &body, "body") {
                panic!("{path}: the generated valid body breaks its own schema: {e}");
            }
            body
        })
    };
    let case = |world: &mut World, what: String, body: Option<Value>, expect: Expect| Case {
        what,
        query: valid_query(world),
        authorization: authorization.clone(),
        body: match body {
            Some(b) => Some(b.to_string().into_bytes()),
            // A binary body has no schema to make it from: the fixture is the real thing.
            None if binary => Some(world.attachment_chunk.clone()),
            None => None,
        },
        content_type,
        expect,
    };
    let mut out = Vec::new();
    let body = valid_body(world);
    out.push(case(world, "a valid request".into(), body, Expect::Success));

    // Credentials: none, garbage, another kind, another scheme's token.
    if !schemes.is_empty() {
        let mut bad = vec![
            ("no Authorization header".to_owned(), None),
            (
                "a bearer token that is not one".to_owned(),
                Some("Bearer not-a-token".to_owned()),
            ),
            (
                "Basic credentials".to_owned(),
                Some("Basic Y2xpbmljOmNsaW5pYw==".to_owned()),
            ),
        ];
        for other in doc.root["components"]["securitySchemes"]
            .as_object()
            .unwrap()
            .keys()
        {
            if !schemes.contains(other) {
                bad.push((
                    format!("a {other} instead of a {}", schemes[0]),
                    Some(format!("Bearer {}", world.token(path, other))),
                ));
            }
        }
        for (what, header) in bad {
            let body = valid_body(world);
            let mut c = case(world, what, body, Expect::Status(401));
            c.authorization = header;
            out.push(c);
        }
    }

    // Query parameters: missing, mistyped, out of their schema.
    for p in &parameters {
        let name = p["name"].as_str().unwrap();
        let body = valid_body(world);
        let mut base = case(world, String::new(), body, Expect::Status(400));
        if p["required"] == true {
            let mut c = Case {
                what: format!("query {name} missing"),
                ..clone_case(&base)
            };
            c.query.retain(|(k, _)| k != name);
            out.push(c);
        }
        base.query.retain(|(k, _)| k != name);
        let mut c = Case {
            what: format!("query {name} not a number"),
            ..clone_case(&base)
        };
        if doc.types(&p["schema"]).iter().any(|t| t == "integer") {
            c.query.push((name.to_owned(), "text".into()));
            out.push(c);
        }
        for (value, status) in breaking_values(doc, name, &p["schema"]) {
            let mut c = Case {
                what: format!("query {name}={value}"),
                expect: Expect::Status(status),
                ..clone_case(&base)
            };
            c.query.push((
                name.to_owned(),
                value.to_string().trim_matches('"').to_owned(),
            ));
            out.push(c);
        }
    }

    // A binary body (an attachment's sealed chunk): empty, a byte too long, other bytes
    // than the ones stored, over the limit.
    if binary {
        let limit = op["requestBody"]["x-max-body-bytes"]
            .as_u64()
            .unwrap_or_else(|| panic!("{path}: the request body states x-max-body-bytes"));
        let valid = world.attachment_chunk.clone();
        let mut other = valid.clone();
        other[0] ^= 0xFF;
        for (what, bytes, status) in [
            ("an empty body", Vec::new(), 400),
            (
                "a body one byte longer than the chunk",
                [&valid[..], b"x"].concat(),
                400,
            ),
            ("other bytes than the chunk stored", other, 409),
            (
                "a body one byte over x-max-body-bytes",
                vec![0u8; usize::try_from(limit).unwrap() + 1],
                413,
            ),
        ] {
            let mut c = case(world, what.to_owned(), None, Expect::Status(status));
            c.body = Some(bytes);
            out.push(c);
        }
    }

    // The body: not JSON, not an object, each field missing, mistyped or out of its schema.
    if let Some(schema) = &body_schema {
        let object = doc.resolve(schema).clone();
        let raw = |what: &str, bytes: &[u8], expect: Expect| Case {
            what: what.to_owned(),
            query: Vec::new(),
            authorization: authorization.clone(),
            body: Some(bytes.to_vec()),
            content_type,
            expect,
        };
        for (what, bytes) in [
            ("an empty body", &b""[..]),
            ("a body that is not JSON", b"{"),
            ("a JSON array body", b"[]"),
        ] {
            let mut c = raw(what, bytes, Expect::Status(400));
            c.query = valid_query(world);
            out.push(c);
        }
        let limit = op["requestBody"]["x-max-body-bytes"]
            .as_u64()
            .unwrap_or_else(|| panic!("{path}: the request body states x-max-body-bytes"));
        let limit = usize::try_from(limit).unwrap();
        let mut oversized = format!("{{\"pad\":\"{}", "x".repeat(limit)).into_bytes();
        oversized.truncate(limit + 1);
        let mut c = raw(
            "a body one byte over x-max-body-bytes",
            &oversized,
            Expect::Status(413),
        );
        c.query = valid_query(world);
        out.push(c);

        let properties = object["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let required: Vec<String> = object["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        for (name, schema) in &properties {
            let mutated =
                |world: &mut World, what: String, value: Option<Value>, expect: Expect| {
                    let mut body = valid_body(world).unwrap();
                    match value {
                        Some(v) => body[name] = v,
                        None => {
                            body.as_object_mut().unwrap().remove(name);
                        }
                    }
                    assert!(
                        expect != Expect::Status(400) || doc.check(&object, &body, "body").is_err(),
                        "{path}: the case {what} was meant to break the schema"
                    );
                    case(world, what, Some(body), expect)
                };
            if required.contains(name) {
                out.push(mutated(
                    world,
                    format!("{name} missing"),
                    None,
                    Expect::Status(400),
                ));
            }
            let wrong = wrong_type(doc, schema);
            out.push(mutated(
                world,
                format!("{name} = {wrong} (wrong type)"),
                Some(wrong),
                Expect::Status(400),
            ));
            for (value, status) in breaking_values(doc, name, schema) {
                let shown: String = value.to_string().chars().take(40).collect();
                out.push(mutated(
                    world,
                    format!("{name} = {shown}"),
                    Some(value),
                    Expect::Status(status),
                ));
            }
            let items = doc.resolve(schema);
            if let Some(max) = items.get("maxItems").and_then(Value::as_u64) {
                let item = world.example(doc, path, &items["items"]);
                let many = vec![item; usize::try_from(max + 1).unwrap()];
                out.push(mutated(
                    world,
                    format!("{name} with {} items (over maxItems)", max + 1),
                    Some(json!(many)),
                    Expect::Status(400),
                ));
            }
            if doc.types(schema).iter().any(|t| t == "string") {
                out.push(mutated(
                    world,
                    format!("{name} with a NUL character"),
                    Some(json!("a\u{0}b")),
                    Expect::NotServerError,
                ));
            }
        }
    }
    out
}

fn clone_case(c: &Case) -> Case {
    Case {
        what: c.what.clone(),
        query: c.query.clone(),
        authorization: c.authorization.clone(),
        body: c.body.clone(),
        content_type: c.content_type,
        expect: c.expect,
    }
}

fn target(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// A query key or value percent-encoded (RFC 3986: all but the unreserved characters),
/// so a value with a space or a NUL still makes a well-formed request line.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Why `answer` breaks the document's promise for `op`, if it does.
fn judge(doc: &Doc, op: &Value, expect: Expect, answer: &Answer) -> Result<(), String> {
    let status = answer.status;
    let body: String = String::from_utf8_lossy(&answer.body)
        .chars()
        .take(400)
        .collect();
    let documented = op["responses"]
        .get(status.to_string())
        .map(|r| doc.resolve(r));
    let Some(response) = documented else {
        return Err(format!(
            "answered {status}, which the document does not list: {body}"
        ));
    };
    match expect {
        Expect::Success if !(200..300).contains(&status) => {
            return Err(format!(
                "a valid request must succeed, got {status}: {body}"
            ));
        }
        Expect::Status(want) if want != status => {
            return Err(format!("expected {want}, got {status}: {body}"));
        }
        Expect::NotServerError if status >= 500 => {
            return Err(format!(
                "bad input is never a server error: {status}: {body}"
            ));
        }
        _ => {}
    }
    for header in response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|h| h.0)
    {
        if answer.header(header).is_none() {
            return Err(format!(
                "{status} documents header {header}, which is missing"
            ));
        }
    }
    let content_type = answer.header("content-type").unwrap_or_default();
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if answer.body.is_empty() {
            Ok(())
        } else {
            Err(format!("{status} documents no body, got {body}"))
        };
    };
    let (media, schema) = content
        .iter()
        .find(|(media, _)| content_type.starts_with(media.as_str()))
        .ok_or_else(|| {
            format!(
                "{status} answered {content_type:?}, documented {:?}",
                content.keys().collect::<Vec<_>>()
            )
        })?;
    if status >= 400 && media != "application/problem+json" {
        return Err(format!("an error must be problem JSON, got {content_type}"));
    }
    if media.ends_with("json") {
        let value: Value = serde_json::from_slice(&answer.body)
            .map_err(|e| format!("{status}: body is not JSON ({e}): {body}"))?;
        doc.check(&schema["schema"], &value, "answer")?;
        if status >= 400 && value["status"] != json!(status) {
            return Err(format!(
                "the problem's status is not the HTTP status: {body}"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_operation_answers_only_what_the_document_lists() {
    let doc = Doc::load();
    let mut world = World::new();
    let mut failures = Vec::new();
    let mut driven = 0;
    for operation in operations(&doc) {
        for case in cases(&doc, &mut world, &operation) {
            let target = target(&operation.path, &case.query);
            let answer = exchange_as(
                &world.server.url,
                &operation.method,
                &target,
                case.authorization.as_deref(),
                case.body.as_deref(),
                case.content_type,
            );
            driven += 1;
            if let Err(why) = judge(&doc, &operation.op, case.expect, &answer) {
                failures.push(format!(
                    "{} {target} with {}: {why}",
                    operation.method.to_uppercase(),
                    case.what
                ));
            }
        }
        // A documented path asked with an undocumented method: 405, as problem JSON.
        let item = &doc.root["paths"][&operation.path];
        if let Some(method) = METHODS.iter().find(|m| item.get(**m).is_none()) {
            let answer = exchange(&world.server.url, method, &operation.path, None, None);
            let problem: Option<clinic_protocol::Problem> =
                serde_json::from_slice(&answer.body).ok();
            if answer.status != 405 || problem.is_none_or(|p| p.status != 405) {
                failures.push(format!(
                    "{method} {}: expected a 405 problem, got {} {}",
                    operation.path,
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                ));
            }
        }
    }
    let unknown = exchange(&world.server.url, "get", "/v1/no-such-route", None, None);
    assert_eq!(unknown.status, 404);
    assert!(
        serde_json::from_slice::<clinic_protocol::Problem>(&unknown.body).is_ok(),
        "an unknown path is a problem too"
    );
    assert!(
        (100..2000).contains(&driven),
        "the case count stays bounded and not trivially small: {driven}"
    );
    assert!(
        failures.is_empty(),
        "{} of {driven} cases broke the contract:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Past its rate limit every operation answers 429 with Retry-After, as documented: on a
/// server allowing one request a minute per address, everything after the first is 429.
#[test]
fn every_operation_documents_the_rate_limit_it_answers() {
    let doc = Doc::load();
    let server = Server::start_limited(sync_server::limits::Limits {
        per_address_per_minute: 1,
        ..sync_server::limits::Limits::default()
    });
    let first = exchange(&server.url, "get", "/v1/health", None, None);
    assert_eq!(first.status, 200, "the first request is within the limit");
    for operation in operations(&doc) {
        let body = operation.op.get("requestBody").map(|_| b"{}".to_vec());
        let answer = exchange(
            &server.url,
            &operation.method,
            &operation.path,
            Some("Bearer x"),
            body.as_deref(),
        );
        assert_eq!(
            answer.status, 429,
            "{} {}",
            operation.method, operation.path
        );
        if let Err(why) = judge(&doc, &operation.op, Expect::Status(429), &answer) {
            panic!("{} {}: {why}", operation.method, operation.path);
        }
    }
}
