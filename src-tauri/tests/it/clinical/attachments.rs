//! Attachments (`src/clinical/attachments.rs`): the demo's scanned referral letter, a PDF,
//! shown in the window as a picture of its page; adding a photo; who may.

use base64::Engine as _;

use super::*;

fn png_1x1() -> Vec<u8> {
    // A valid 1x1 PNG: signature, IHDR, IDAT (zlib of one filtered pixel), IEND.
    let hex = "89504e470d0a1a0a0000000d4948445200000001000000010806000000\
               1f15c4890000000d4944415478da63f8cfc0f01f0005000200ab1e6f2a\
               0000000049454e44ae426082";
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn a_pdf_is_shown_as_a_picture_of_its_page_and_a_photo_as_it_is() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let patient = patient_named(&shell, "amani njoroge");
    let list = shell.patient_attachments(&patient).unwrap();
    let letter = list
        .iter()
        .find(|a| a.mime == "application/pdf")
        .expect("the demo's referral letter");
    let view = shell.view_attachment(&letter.id, 1).unwrap();
    assert_eq!(
        (view.mime.as_str(), view.page, view.pages),
        ("image/png", 1, 1)
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(&view.data)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "pdftoppm drew the page");
    assert!(
        png.len() > 2_000,
        "a page with text on it: {} bytes",
        png.len()
    );
    assert_eq!(
        shell.view_attachment(&letter.id, 9).unwrap().page,
        1,
        "a page past the end shows the last one"
    );

    sign_in_as(&shell, NURSE);
    let photo = base64::engine::general_purpose::STANDARD.encode(png_1x1());
    let added = shell
        .add_attachment(&patient, None, "wound.png", Some("Wound, day 3"), &photo)
        .unwrap();
    assert_eq!(added.mime, "image/png");
    let view = shell.view_attachment(&added.id, 1).unwrap();
    assert_eq!(view.mime, "image/png");
    assert_eq!(view.data, photo, "an image goes to the window as it is");
    // A TIFF scan (which the window cannot show) arrives as a PNG of its first page.
    let tiff = std::process::Command::new("convert")
        .args(["-size", "40x30", "xc:white", "tiff:-"])
        .output()
        .expect("ImageMagick (scripts/run-tests.sh installs it)")
        .stdout;
    assert!(
        tiff.starts_with(b"II*\0") || tiff.starts_with(b"MM\0*"),
        "a TIFF"
    );
    let scan = shell
        .add_attachment(
            &patient,
            None,
            "scan.tiff",
            None,
            &base64::engine::general_purpose::STANDARD.encode(&tiff),
        )
        .unwrap();
    assert_eq!(scan.mime, "image/tiff");
    let view = shell.view_attachment(&scan.id, 1).unwrap();
    assert_eq!(view.mime, "image/png");
    assert!(
        base64::engine::general_purpose::STANDARD
            .decode(&view.data)
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    invalid(
        shell
            .add_attachment(&patient, None, "notes.txt", None, "aGVsbG8gd29ybGQ=")
            .unwrap_err(),
        "file",
    );
    invalid(
        shell
            .add_attachment(&patient, None, "x.png", None, "not base64!")
            .unwrap_err(),
        "file",
    );
}

#[test]
fn the_front_desk_neither_lists_views_nor_adds_attachments() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let patient = patient_named(&shell, "amani njoroge");
    let letter = shell.patient_attachments(&patient).unwrap().remove(0);
    sign_in_as(&shell, DESK);
    forbidden(shell.patient_attachments(&patient).unwrap_err());
    forbidden(shell.view_attachment(&letter.id, 1).unwrap_err());
    let photo = base64::engine::general_purpose::STANDARD.encode(png_1x1());
    forbidden(
        shell
            .add_attachment(&patient, None, "x.png", None, &photo)
            .unwrap_err(),
    );
}
