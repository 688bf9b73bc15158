//! Demo mode (`CLINIC_DEMO=1`): the core's demo clinic (`clinic_core::demo`, the seeder
//! `clinic demo-seed` uses too) set up in an empty data directory, and the accounts the
//! sign-in screen offers. Today's queue is booked around now on the injected clock, in
//! the clinic's own time zone, so the demo has a queue to show at any hour.

use std::path::Path;
use std::sync::Arc;

use clinic_core::demo;
use clinic_core::{Clock, KdfParams, Role};

use crate::dto::DemoAccount;

pub use clinic_core::demo::{PASSWORD, TIME_ZONE};

/// The accounts the sign-in screen lists in demo mode: one per role a visitor wants to
/// try first.
pub fn accounts() -> Vec<DemoAccount> {
    let plan = demo::Plan::app();
    let cast = demo::accounts(&plan);
    let first = |role: Role| {
        cast.iter()
            .find(|s| s.role == role)
            .map(|s| s.username)
            .expect("the demo cast has every role it offers")
    };
    [
        (first(Role::Receptionist), Role::Receptionist),
        (demo::ADMIN, Role::Admin),
        (first(Role::Doctor), Role::Doctor),
        (first(Role::Nurse), Role::Nurse),
    ]
    .into_iter()
    .map(|(username, role)| DemoAccount {
        username: username.to_owned(),
        password: PASSWORD.to_owned(),
        role: role.into(),
    })
    .collect()
}

/// Sets up the demo clinic when the directory holds no workstation yet. Returns whether
/// it created one.
pub fn ensure_workstation(
    dir: &Path,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
) -> clinic_core::Result<bool> {
    demo::set_up_app_demo(dir, clock, kdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_screen_offers_a_receptionist_an_admin_a_doctor_and_a_nurse() {
        let offered: Vec<(String, crate::dto::Role)> = accounts()
            .into_iter()
            .map(|a| (a.username, a.role))
            .collect();
        assert_eq!(
            offered,
            vec![
                ("frontdesk".to_owned(), Role::Receptionist.into()),
                ("admin".to_owned(), Role::Admin.into()),
                ("dr.wanjiru".to_owned(), Role::Doctor.into()),
                ("nurse.akinyi".to_owned(), Role::Nurse.into()),
            ]
        );
        assert!(accounts().iter().all(|a| a.password == PASSWORD));
    }
}
