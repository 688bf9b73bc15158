//! The sync server's address is parsed before anything is sent: plain `http://` goes
//! only to this computer, however the address is dressed up.

use std::sync::Arc;

use clinic_core::{Code, Error, Join, KdfParams, ManualClock, Workstation};

use crate::support::Clinic;

/// Addresses whose text starts like a local one but whose host is elsewhere.
const DISGUISED: &[&str] = &[
    "http://localhost@evil.example/",
    "http://127.0.0.1.evil.example/",
    "http://localhost.evil/",
    "http://[::1]@evil/",
];

fn assert_refused_with_advice(result: Result<impl std::fmt::Debug, Error>, url: &str) {
    let err = result.expect_err(url);
    assert_eq!(err.code(), Code::Validation, "{url}: {err}");
    let Error::Validation { field, message } = &err else {
        panic!("{url}: expected a validation error, got {err:?}");
    };
    assert_eq!(*field, "server", "the server field is the one to fix");
    assert!(
        message.contains("https://"),
        "{url}: the message says to use https, got: {message}"
    );
}

#[test]
fn an_administrator_cannot_join_a_server_over_plain_http_to_another_host() {
    let mut clinic = Clinic::new();
    for url in DISGUISED {
        assert_refused_with_advice(clinic.admin.sync_join(url, "code", None), url);
    }
    assert!(
        clinic.admin.sync_status().unwrap().configured.is_none(),
        "nothing was recorded for a refused address"
    );
}

#[test]
fn a_new_workstation_does_not_join_over_plain_http_to_another_host_and_writes_nothing() {
    for url in DISGUISED {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ws");
        let result = Workstation::join(
            &target,
            &Join {
                server: (*url).to_owned(),
                code: "one-time".into(),
                ca_cert: None,
                username: "admin.br02".into(),
                password: "correct horse battery".to_owned().into(),
            },
            Arc::new(ManualClock::monday_morning()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        assert_refused_with_advice(result.map(drop), url);
        assert!(
            !target.exists(),
            "{url}: the address is checked before any file is made"
        );
    }
}
