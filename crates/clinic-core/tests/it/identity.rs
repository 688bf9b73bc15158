//! Signing in and staying signed in: lock-out with back-off, second factor, idle lock,
//! break-glass, and administrators managing users.

use chrono::Duration;
use clinic_core::Clock as _;
use clinic_core::totp;
use clinic_core::{Action, AuditFilter, Code, KdfParams, Role, Target, Workstation};

use crate::support::{ADMIN_PASSWORD, Clinic, password_of};

#[test]
fn repeated_failures_lock_the_account_out_with_back_off_that_survives_a_restart() {
    let mut clinic = Clinic::new();
    clinic.add_user("rita", Role::Receptionist);
    for attempt in 1..=5 {
        let err = clinic
            .workstation
            .unlock("rita", "wrong password!")
            .unwrap_err();
        // The fifth failure starts the lock-out but is still reported as what it was.
        assert_eq!(err.code(), Code::BadCredentials, "attempt {attempt}");
    }
    // A restart: a new process opens the workstation again.
    let reopened = Workstation::open(
        clinic.path(),
        clinic.clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    assert_eq!(reopened.failed_sign_ins("rita"), 5, "the count survived");
    let err = reopened.unlock("rita", &password_of("rita")).unwrap_err();
    assert_eq!(
        err.code(),
        Code::LockedOut,
        "even the right password waits: {err}"
    );

    clinic.clock.advance(Duration::seconds(31));
    let err = reopened.unlock("rita", "wrong again!!").unwrap_err();
    assert_eq!(err.code(), Code::BadCredentials);
    let err = reopened.unlock("rita", &password_of("rita")).unwrap_err();
    assert_eq!(
        err.code(),
        Code::LockedOut,
        "the sixth failure locks for longer (60 s)"
    );
    clinic.clock.advance(Duration::seconds(61));
    let session = reopened.unlock("rita", &password_of("rita")).unwrap();
    assert_eq!(
        reopened.failed_sign_ins("rita"),
        0,
        "success resets the count"
    );
    drop(session);

    // The failures reached the audit log with the sign-in that followed them.
    assert_eq!(
        clinic.count_audit("action = 'sign_in' AND outcome = 'failure'"),
        6,
        "six wrong passwords"
    );
    assert_eq!(
        clinic.count_audit("action = 'sign_in.lockout'"),
        2,
        "two lock-outs began"
    );
    assert_eq!(
        clinic.count_audit("action = 'sign_in' AND outcome = 'denied'"),
        2,
        "two refusals while locked"
    );
}

#[test]
fn totp_second_factor_is_asked_for_checked_and_can_be_required_per_role() {
    let mut clinic = Clinic::new();
    let enrolment = clinic.admin.begin_totp_enrolment().unwrap();
    assert!(enrolment.uri.contains("secret="));
    let key = totp::base32_decode(&enrolment.secret).unwrap();
    let clock = clinic.clock.clone();
    let now = move || u64::try_from(clock.now().timestamp()).unwrap();
    let code = |t: u64| format!("{:06}", totp::code_at(&key, t, 6));
    assert_eq!(
        clinic
            .admin
            .enrol_totp(&enrolment.secret, "000000")
            .map_err(|e| e.code())
            .err(),
        Some(Code::BadTotpCode).filter(|_| code(now()) != "000000"),
        "a wrong confirmation code enrols nothing"
    );
    clinic
        .admin
        .enrol_totp(&enrolment.secret, &code(now()))
        .unwrap();

    let ws = &clinic.workstation;
    let err = ws.sign_in("admin", ADMIN_PASSWORD, None).unwrap_err();
    assert_eq!(err.code(), Code::TotpRequired);
    let wrong = if code(now()) == "123456" {
        "654321"
    } else {
        "123456"
    };
    let err = ws
        .sign_in("admin", ADMIN_PASSWORD, Some(wrong))
        .unwrap_err();
    assert_eq!(err.code(), Code::BadTotpCode);
    assert_eq!(
        ws.failed_sign_ins("admin"),
        1,
        "a wrong code counts as a failure"
    );
    assert!(
        ws.sign_in("admin", ADMIN_PASSWORD, Some(&code(now())))
            .is_ok()
    );

    // Require it for nurses: a nurse without one may do nothing until enrolled.
    clinic.admin.set_totp_required(Role::Nurse, true).unwrap();
    clinic.add_user("nurse.bo", Role::Nurse);
    let mut nurse = clinic.sign_in("nurse.bo");
    assert!(nurse.actor().must_enrol_totp);
    let err = nurse
        .authorize(Action::PatientView, Target::Any)
        .unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
    assert!(err.to_string().contains("totp_enrolment_required"), "{err}");
    let mine = nurse.begin_totp_enrolment().unwrap();
    let key = totp::base32_decode(&mine.secret).unwrap();
    nurse
        .enrol_totp(
            &mine.secret,
            &format!("{:06}", totp::code_at(&key, now(), 6)),
        )
        .unwrap();
    nurse.authorize(Action::PatientView, Target::Any).unwrap();
}

#[test]
fn an_idle_session_locks_itself_and_wipes_its_keys() {
    let mut clinic = Clinic::new();
    clinic.add_user("dr.idle", Role::Doctor);
    let mut doctor = clinic.sign_in("dr.idle");
    assert_eq!(
        doctor.idle_limit(),
        Duration::minutes(10),
        "the default is ten minutes"
    );

    clinic.clock.advance(Duration::minutes(9));
    doctor.authorize(Action::RecordRead, Target::Any).unwrap();
    clinic.clock.advance(Duration::minutes(9));
    doctor
        .authorize(Action::RecordRead, Target::Any)
        .expect("activity resets the idle timer");

    clinic
        .clock
        .advance(Duration::minutes(10) + Duration::seconds(1));
    let err = doctor
        .authorize(Action::RecordRead, Target::Any)
        .unwrap_err();
    assert_eq!(err.code(), Code::SessionLocked);
    assert!(
        doctor.is_locked(),
        "the database is closed and the key dropped"
    );
    let err = doctor.notifications(false).unwrap_err();
    assert_eq!(err.code(), Code::SessionLocked, "it stays locked");

    clinic.clock.advance(Duration::seconds(1));
    assert_eq!(
        clinic.count_audit(
            "action = 'session.lock' AND username = 'dr.idle' AND details LIKE '%idle%'"
        ),
        1,
        "the idle lock is in the audit log"
    );

    // The limit is a clinic setting.
    let mut admin = clinic.workstation.unlock("admin", ADMIN_PASSWORD).unwrap();
    admin.set_idle_lock_minutes(2).unwrap();
    let mut doctor = clinic.sign_in("dr.idle");
    assert_eq!(doctor.idle_limit(), Duration::minutes(2));
    clinic.clock.advance(Duration::minutes(3));
    assert_eq!(
        doctor
            .authorize(Action::RecordRead, Target::Any)
            .unwrap_err()
            .code(),
        Code::SessionLocked
    );
    let mut admin = clinic.workstation.unlock("admin", ADMIN_PASSWORD).unwrap();
    assert_eq!(
        admin.set_idle_lock_minutes(0).unwrap_err().field(),
        Some("idle_lock_minutes")
    );
}

#[test]
fn break_glass_grants_time_limited_reading_audits_the_reason_and_tells_every_admin() {
    let mut clinic = Clinic::new();
    clinic.add_user("admin2", Role::Admin);
    clinic
        .admin
        .create_emergency_account("emergency1", "sealed envelope pw")
        .unwrap();
    let ws = clinic.workstation.clone();

    let err = ws.unlock("emergency1", "sealed envelope pw").unwrap_err();
    assert_eq!(
        err.code(),
        Code::EmergencyAccount,
        "a plain sign-in is refused: {err}"
    );
    let err = ws
        .break_glass("emergency1", "sealed envelope pw", None, "urgent")
        .unwrap_err();
    assert_eq!(err.field(), Some("reason"), "a reason is required");
    let err = ws
        .break_glass(
            "admin",
            ADMIN_PASSWORD,
            None,
            "patient collapsed in the waiting room",
        )
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("username"),
        "only emergency accounts break the glass"
    );

    let mut emergency = ws
        .break_glass(
            "emergency1",
            "sealed envelope pw",
            None,
            "unconscious patient, need allergy list",
        )
        .unwrap();
    assert_eq!(emergency.actor().role, Role::Doctor);
    emergency
        .authorize(Action::RecordRead, Target::Any)
        .expect("doctor-level reading");
    emergency
        .authorize(Action::PrescriptionRead, Target::Any)
        .expect("doctor-level reading");
    let err = emergency
        .authorize(Action::PrescriptionWrite, Target::Any)
        .unwrap_err();
    assert!(err.to_string().contains("emergency_read_only"), "{err}");

    for admin in ["admin", "admin2"] {
        let mut session = if admin == "admin" {
            ws.unlock("admin", ADMIN_PASSWORD).unwrap()
        } else {
            clinic.sign_in(admin)
        };
        let notes = session.notifications(true).unwrap();
        assert_eq!(notes.len(), 1, "{admin} is told");
        assert_eq!(notes[0].kind, "break_glass");
        assert!(
            notes[0].body.contains("unconscious patient"),
            "{}",
            notes[0].body
        );
    }
    let events = clinic
        .admin
        .audit_list(&AuditFilter {
            action: Some("break_glass.open".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(events.len(), 1);
    assert!(events[0].details.contains("need allergy list"));

    clinic.clock.advance(Duration::hours(4));
    let err = emergency
        .authorize(Action::RecordRead, Target::Any)
        .unwrap_err();
    assert!(
        matches!(err.code(), Code::EmergencyExpired | Code::SessionLocked),
        "access ends after four hours: {err}"
    );
    assert!(emergency.is_locked());
}

#[test]
fn administrators_manage_users_who_are_never_deleted() {
    let mut clinic = Clinic::new();
    clinic.add_user("pharm", Role::Pharmacist);
    let err = clinic.admin.deactivate_user("admin").unwrap_err();
    assert_eq!(
        err.field(),
        Some("username"),
        "the last administrator stays: {err}"
    );

    clinic.admin.deactivate_user("pharm").unwrap();
    let err = clinic
        .workstation
        .unlock("pharm", &password_of("pharm"))
        .unwrap_err();
    assert_eq!(err.code(), Code::UserInactive);
    let listed = clinic.admin.list_users().unwrap();
    let pharm = listed.iter().find(|u| u.username == "pharm").unwrap();
    assert!(!pharm.active, "still listed, only inactive");

    clinic.admin.reactivate_user("pharm").unwrap();
    let err = clinic
        .workstation
        .unlock("pharm", &password_of("pharm"))
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("username"),
        "the envelope went with the deactivation; reactivating does not bring it back: {err}"
    );
    clinic
        .admin
        .seal_user_here("pharm", &password_of("pharm"))
        .unwrap();
    clinic.admin.set_role("pharm", Role::Accountant).unwrap();
    let session = clinic.sign_in("pharm");
    assert_eq!(session.actor().role, Role::Accountant);

    let err = clinic
        .admin
        .create_user(&clinic_core::NewUser::new(
            "pat",
            Role::Patient,
            "a long enough secret",
        ))
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("patient"),
        "a patient user needs their record"
    );
    let err = clinic
        .admin
        .set_user_branches("pharm", &["BR99".into()])
        .unwrap_err();
    assert_eq!(err.field(), Some("branches"));
    let limited = clinic
        .admin
        .set_user_branches("pharm", &["BR01".into()])
        .unwrap();
    assert_eq!(limited.branches.len(), 1);
    assert!(
        clinic
            .workstation
            .unlock("pharm", &password_of("pharm"))
            .is_ok()
    );

    let deleted: i64 = clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute("DELETE FROM users WHERE username = 'pharm'", [])
        .map_err(|e| e.to_string())
        .map_or(-1, |n| n as i64);
    assert_eq!(deleted, -1, "the database itself refuses to delete a user");
    let actions: Vec<String> = clinic
        .admin
        .audit_list(&AuditFilter {
            action: Some("user.".into()),
            ..AuditFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.deactivate",
            "user.reactivate",
            "user.seal_here",
            "user.role",
            "user.branches"
        ]
    );
}

#[test]
fn sign_in_and_sign_out_are_audited() {
    let mut clinic = Clinic::new();
    clinic.add_user("acc", Role::Accountant);
    let session = clinic.sign_in("acc");
    session.sign_out().unwrap();
    assert_eq!(
        clinic.count_audit("action = 'sign_in' AND username = 'acc' AND outcome = 'success'"),
        1
    );
    assert_eq!(
        clinic.count_audit("action = 'sign_out' AND username = 'acc'"),
        1
    );
}

#[test]
fn the_password_policy_names_the_rule_that_was_broken() {
    let mut clinic = Clinic::new();
    for (password, says) in [
        ("short", "at least 10"),
        ("my.name.is.carol", "user name"),
        ("Password123!", "attackers try first"),
        ("zzzzzzzzzzzz", "attackers try first"),
    ] {
        let err = clinic
            .admin
            .create_user(&clinic_core::NewUser::new("carol", Role::Nurse, password))
            .unwrap_err();
        assert_eq!(err.field(), Some("password"), "{password}");
        assert!(err.to_string().contains(says), "{password}: {err}");
    }
    clinic
        .admin
        .create_user(&clinic_core::NewUser::new(
            "carol",
            Role::Nurse,
            "orange kettle morning",
        ))
        .expect("a phrase of several words is fine");
}

#[test]
fn administrators_read_the_sign_in_settings_they_change_and_others_may_not() {
    let mut clinic = Clinic::new();
    let before = clinic.admin.sign_in_settings().unwrap();
    assert!(
        (1..=240).contains(&before.idle_lock_minutes),
        "a fresh clinic has a usable idle limit: {before:?}"
    );
    clinic.admin.set_idle_lock_minutes(7).unwrap();
    clinic.admin.set_totp_required(Role::Nurse, true).unwrap();
    clinic.admin.set_totp_required(Role::Admin, true).unwrap();
    clinic.admin.set_totp_required(Role::Admin, false).unwrap();
    let after = clinic.admin.sign_in_settings().unwrap();
    assert_eq!(
        after.idle_lock_minutes, 7,
        "the value just set is read back"
    );
    assert_eq!(
        after.totp_required,
        [Role::Nurse],
        "only roles whose requirement is on are listed; turning one off removes it"
    );

    clinic.add_user("desk", Role::Receptionist);
    let mut desk = clinic.sign_in("desk");
    assert_eq!(
        desk.sign_in_settings().unwrap_err().code(),
        Code::Forbidden,
        "settings are the administrators' business"
    );
    let branches = desk.branches().unwrap();
    assert_eq!(
        branches.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(),
        ["BR01"],
        "anyone signed in may read the branch list; a new clinic has one branch"
    );
    assert!(branches[0].active);
}

#[test]
fn an_administrator_adds_a_branch_and_nobody_else_may() {
    let mut clinic = Clinic::new();
    let branch = clinic.admin.add_branch(" br02 ", "Westside").unwrap();
    assert_eq!(branch.code, "BR02", "codes are stored upper-case");
    let codes: Vec<String> = clinic
        .admin
        .branches()
        .unwrap()
        .into_iter()
        .map(|b| b.code)
        .collect();
    assert_eq!(codes, ["BR01", "BR02"]);
    let pending = clinic.admin.pending_changes(100).unwrap();
    assert!(
        pending
            .iter()
            .any(|c| c.table == "branches" && c.row_id == branch.id.to_string()),
        "the new branch travels to the server"
    );
    let again = clinic.admin.add_branch("BR02", "Twice").unwrap_err();
    assert_eq!(again.field(), Some("branch_code"), "{again}");
    let bad = clinic.admin.add_branch("2X", "Bad").unwrap_err();
    assert_eq!(bad.field(), Some("branch_code"), "{bad}");

    clinic.add_user("desk", Role::Receptionist);
    let mut desk = clinic.sign_in("desk");
    let err = desk.add_branch("BR03", "Eastside").unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
    assert_eq!(desk.branches().unwrap().len(), 2, "nothing was added");
    let events = clinic
        .admin
        .audit_list(&AuditFilter {
            action: Some("branch.add".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(events.len(), 1, "the addition is audited once");
}
