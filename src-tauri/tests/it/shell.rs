//! What every command shares: errors as the UI sees them, and parsing what it sends
//! (`src/shell/`).

use chrono::NaiveDate;
use clinic_core::Code;
use clinic_core::clock::to_db_time;
use clinic_core::ids::PatientId;
use clinic_desktop::dto::{CommandError, ErrorCode};
use clinic_desktop::shell::{parse_day, parse_id, parse_time};

use crate::support::*;

#[test]
fn validation_errors_name_the_field_and_drop_the_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let err = shell(tmp.path())
        .set_up("Clinic", "admin", "short")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.field.as_deref(), Some("password"));
    assert_eq!(err.message, "must be at least 10 characters long");

    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "code": "validation",
            "message": "must be at least 10 characters long",
            "field": "password"
        })
    );
    let json = serde_json::to_value(CommandError::internal("boom")).unwrap();
    assert_eq!(
        json["field"],
        serde_json::Value::Null,
        "field is null, not absent"
    );
}

#[test]
fn error_codes_are_spelled_as_the_core_spells_them() {
    for code in [
        Code::BadCredentials,
        Code::TotpRequired,
        Code::SessionLocked,
        Code::PossibleDuplicate,
        Code::SlotTaken,
        Code::InvalidTransition,
        Code::Forbidden,
        Code::Internal,
    ] {
        assert_eq!(
            serde_json::to_value(ErrorCode::from(code)).unwrap(),
            serde_json::Value::String(code.as_str().into()),
            "the UI matches on the core's spelling"
        );
    }
}

#[test]
fn ids_days_and_times_that_do_not_parse_are_field_errors() {
    let err = parse_id::<PatientId>("patient", "nope").unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("patient"))
    );
    assert!(parse_day("day", "2026-02-30").is_err());
    assert_eq!(
        parse_day("day", " 2026-03-01 ").unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    );
    let t = parse_time("starts_at", "2026-01-05T09:20:00.000Z").unwrap();
    assert_eq!(to_db_time(t), "2026-01-05T09:20:00.000Z", "round-trips");
    assert!(parse_time("starts_at", "09:20").is_err());
}
