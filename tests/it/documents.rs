//! The letterhead across workstations: a logo near the largest allowed travels with the
//! organisation row and reaches another branch byte for byte (its base64 fits one field
//! of a change).

use std::process::Command;

use clinic_core::documents::LetterheadInput;

use crate::harness::{Server, Station};

#[test]
fn a_logo_near_the_limit_set_at_one_branch_reaches_another_whole() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("logo.png");
    // Random noise does not compress: 80 × 80 pixels make a PNG of about 20-40 KB.
    let made = Command::new("convert")
        .args(["-size", "80x80", "xc:", "+noise", "Random"])
        .arg(&png)
        .status()
        .expect("ImageMagick's convert (installed by the test script) runs");
    assert!(made.success());
    let logo = std::fs::read(&png).unwrap();
    assert!(
        logo.len() > 15 * 1024 && logo.len() <= clinic_core::documents::letterhead::MAX_LOGO_BYTES,
        "{} bytes",
        logo.len()
    );
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    north
        .admin()
        .set_letterhead(&LetterheadInput {
            address: "Ridge Road 9\nNakuru".into(),
            ..LetterheadInput::default()
        })
        .unwrap();
    north.admin().set_letterhead_logo(Some(&logo)).unwrap();
    let report = north.admin().sync_now().unwrap();
    assert_eq!(report.rejected, 0, "the server takes the letterhead");
    let mut south = Station::new("BR02", &server);
    south.admin().sync_now().unwrap();
    assert_eq!(
        south.admin().letterhead_logo().unwrap().as_deref(),
        Some(&logo[..])
    );
    assert_eq!(
        south.admin().letterhead().unwrap().address,
        "Ridge Road 9\nNakuru"
    );
}
