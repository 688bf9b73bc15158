//! Printing through CUPS. Against a real queue: `scripts/run-tests.sh` starts CUPS with
//! Debian's cups-pdf virtual printer and names the queue and the folder it writes PDFs
//! to (`CLINIC_TEST_CUPS_PDF_QUEUE`, `CLINIC_TEST_CUPS_PDF_OUT`); a printed job must come
//! out there as a PDF that reads back. Under CI those must be set; elsewhere the real-queue
//! tests say they were skipped. Against stand-in `lp` and `lpstat` scripts (always):
//! what is passed, what a failure says. And the workstation's remembered printer.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use clinic_core::documents::DocumentRef;
use clinic_core::printing::{self, Cups};
use clinic_core::{Code, Role};

use crate::support::Clinic;

/// The cups-pdf queue and its output folder, or `None` (with a notice) when they are
/// not set outside CI. Under CI a missing queue fails: the print path must be tested.
fn cups_pdf(test: &str) -> Option<(String, PathBuf)> {
    let queue = std::env::var("CLINIC_TEST_CUPS_PDF_QUEUE").ok();
    let out = std::env::var("CLINIC_TEST_CUPS_PDF_OUT").ok();
    match (queue, out) {
        (Some(queue), Some(out)) => Some((queue, PathBuf::from(out))),
        _ if std::env::var("CI").as_deref() == Ok("true") => panic!(
            "CLINIC_TEST_CUPS_PDF_QUEUE and CLINIC_TEST_CUPS_PDF_OUT are not set: CI must test printing against a real CUPS queue; run scripts/run-tests.sh, which starts CUPS with the cups-pdf printer and sets them"
        ),
        _ => {
            eprintln!(
                "skipped {test}: CLINIC_TEST_CUPS_PDF_QUEUE and CLINIC_TEST_CUPS_PDF_OUT are not set (scripts/run-tests.sh sets up CUPS with cups-pdf and sets them)"
            );
            None
        }
    }
}

/// A one-page PDF showing `word` in Helvetica, with a correct cross-reference table.
fn tiny_pdf(word: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({word}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A word no earlier run printed, so the file found is this run's.
fn unique_word() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("Zebrafinch{}x{nanos}", std::process::id())
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new(); // cups-pdf makes the folder with its first job
    };
    entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pdf"))
        .collect()
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs; scripts/lib.sh installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cups_lists_the_cups_pdf_queue() {
    let Some((queue, _)) = cups_pdf("cups_lists_the_cups_pdf_queue") else {
        return;
    };
    let printers = printing::printers().unwrap();
    assert!(
        printers.contains(&queue),
        "the script made the queue {queue}, so lpstat lists it: {printers:?}"
    );
}

#[test]
fn a_printed_pdf_comes_out_of_the_cups_pdf_queue_and_reads_back() {
    let Some((queue, out)) = cups_pdf("a_printed_pdf_comes_out_of_the_cups_pdf_queue") else {
        return;
    };
    let word = unique_word();
    let before = pdfs_in(&out);
    let job = printing::print_pdf(&queue, &tiny_pdf(&word), &format!("Test {word}"), 1)
        .unwrap_or_else(|e| panic!("the cups-pdf queue {queue} takes a PDF: {e}"));
    assert!(
        job.as_str().starts_with(&format!("{queue}-")),
        "CUPS names a job after its queue: {job}"
    );

    // cups-pdf converts and writes the file after lp has returned; wait for it (bounded).
    let deadline = Instant::now() + Duration::from_secs(60);
    let printed = loop {
        let found = pdfs_in(&out)
            .into_iter()
            .filter(|path| !before.contains(path))
            .find(|path| pdftotext(path).contains(&word));
        if let Some(path) = found {
            break path;
        }
        assert!(
            Instant::now() < deadline,
            "job {job} on {queue} should have written a PDF showing {word} into {}; CUPS's error_log and cups-pdf's log (/var/log/cups) say why not",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let _ = std::fs::remove_file(printed);
}

#[test]
fn an_unknown_printer_is_refused_by_name_before_lp_runs() {
    let Some((queue, _)) = cups_pdf("an_unknown_printer_is_refused_by_name_before_lp_runs") else {
        return;
    };
    let err = printing::print_pdf("No_Such_Printer_Here", &tiny_pdf("x"), "x", 1).unwrap_err();
    assert_eq!(err.code(), Code::Validation, "{err}");
    assert_eq!(
        err.field(),
        Some("printer"),
        "the form shows it by the printer"
    );
    let message = err.to_string();
    assert!(
        message.contains("No_Such_Printer_Here") && message.contains(&queue),
        "the refusal names the printer asked for and the ones there are: {message}"
    );
}

/// Stand-in `lp` and `lpstat` scripts in a folder of their own.
struct FakeCups {
    dir: tempfile::TempDir,
}

impl FakeCups {
    /// `lpstat` answers as a running CUPS with one queue, `Front_Desk`, the default.
    fn new() -> FakeCups {
        let fake = FakeCups {
            dir: tempfile::tempdir().unwrap(),
        };
        fake.script(
            "lpstat",
            r#"case "$1" in
  -r) echo "scheduler is running" ;;
  -e) echo "Front_Desk" ;;
  -d) echo "system default destination: Front_Desk" ;;
esac"#,
        );
        fake
    }

    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn cups(&self) -> Cups {
        Cups {
            lp: self.dir.path().join("lp"),
            lpstat: self.dir.path().join("lpstat"),
            ..Cups::default()
        }
    }
}

#[test]
fn lp_gets_the_printer_title_and_copies_as_arguments_and_the_pdf_on_stdin() {
    let fake = FakeCups::new();
    let args = fake.dir.path().join("args");
    let stdin = fake.dir.path().join("stdin");
    fake.script(
        "lp",
        &format!(
            "printf '%s\\n' \"$@\" > '{}'\ncat > '{}'\necho 'request id is Front_Desk-7 (0 file(s))'",
            args.display(),
            stdin.display()
        ),
    );
    let pdf = tiny_pdf("hello");
    // A title a shell would act on: it must reach lp as one plain argument.
    let title = "Rx $(touch pwned); `id` > x";
    let job = fake.cups().print_pdf("Front_Desk", &pdf, title, 2).unwrap();
    assert_eq!(
        job.as_str(),
        "Front_Desk-7",
        "the id is read from lp's answer"
    );
    assert_eq!(
        std::fs::read_to_string(&args).unwrap(),
        format!("-d\nFront_Desk\n-t\n{title}\n-n\n2\n"),
        "no shell in between: every value is one argument, as given"
    );
    assert_eq!(
        std::fs::read(&stdin).unwrap(),
        pdf,
        "the document goes to lp whole on its standard input, never through a file"
    );
    assert!(!fake.dir.path().join("pwned").exists() && !Path::new("pwned").exists());
}

#[test]
fn lps_complaint_is_in_the_error() {
    let fake = FakeCups::new();
    fake.script(
        "lp",
        "cat > /dev/null\necho 'lp: Error - Front_Desk is out of paper (test)' >&2\nexit 1",
    );
    let err = fake
        .cups()
        .print_pdf("Front_Desk", &tiny_pdf("x"), "x", 1)
        .unwrap_err();
    assert_eq!(err.code(), Code::Printing, "{err}");
    assert!(
        err.to_string()
            .contains("Front_Desk is out of paper (test)"),
        "what lp said reaches the user: {err}"
    );
}

#[test]
fn a_stopped_or_missing_cups_is_named_with_what_to_do() {
    let fake = FakeCups::new();
    fake.script("lpstat", "echo 'scheduler is not running'");
    let err = fake.cups().printers().unwrap_err();
    assert_eq!(err.code(), Code::Printing);
    assert!(
        err.to_string().contains("not running") && err.to_string().contains("start cups"),
        "says what is wrong and how to start it: {err}"
    );
    let err = fake
        .cups()
        .print_pdf("Front_Desk", &tiny_pdf("x"), "x", 1)
        .unwrap_err();
    assert!(
        err.to_string().contains("not running"),
        "printing asks CUPS first, so it says the same: {err}"
    );

    let missing = Cups {
        lpstat: fake.dir.path().join("no-such-lpstat"),
        ..fake.cups()
    };
    let err = missing.printers().unwrap_err();
    assert_eq!(err.code(), Code::Printing);
    assert!(
        err.to_string().contains("not installed") && err.to_string().contains("install"),
        "a computer without CUPS is told to install it: {err}"
    );
}

#[test]
fn a_printer_that_does_not_answer_is_given_up_on() {
    let fake = FakeCups::new();
    fake.script("lp", "exec sleep 30");
    let cups = Cups {
        timeout: Duration::from_millis(500),
        ..fake.cups()
    };
    let err = cups
        .print_pdf("Front_Desk", &tiny_pdf("x"), "x", 1)
        .unwrap_err();
    assert_eq!(err.code(), Code::Printing);
    assert!(err.to_string().contains("did not answer"), "{err}");
}

#[test]
fn bad_copies_and_names_are_refused_before_anything_runs() {
    // No lp or lpstat exists here: a refusal must come before either would run.
    let nothing = Cups {
        lp: PathBuf::from("/nonexistent/lp"),
        lpstat: PathBuf::from("/nonexistent/lpstat"),
        ..Cups::default()
    };
    let pdf = tiny_pdf("x");
    for (printer, copies, field) in [
        ("Front_Desk", 0, "copies"),
        ("Front_Desk", 100, "copies"),
        ("-oraw", 1, "printer"),
        ("two words", 1, "printer"),
    ] {
        let err = nothing.print_pdf(printer, &pdf, "x", copies).unwrap_err();
        assert_eq!(err.field(), Some(field), "{printer:?} × {copies}: {err}");
    }
}

#[test]
fn the_last_printer_is_remembered_for_the_workstation_and_never_synced() {
    let mut clinic = Clinic::new();
    clinic.add_user("nurse", Role::Nurse);
    assert_eq!(
        clinic.admin.last_printer().unwrap(),
        None,
        "nothing printed yet"
    );
    let pending = clinic.admin.pending_changes(10_000).unwrap().len();

    clinic.admin.remember_printer("Front_Desk").unwrap();
    assert_eq!(
        clinic.admin.last_printer().unwrap().as_deref(),
        Some("Front_Desk")
    );
    assert_eq!(
        clinic.admin.pending_changes(10_000).unwrap().len(),
        pending,
        "a workstation's printer means nothing on another: no change is recorded"
    );

    let mut nurse = clinic.sign_in("nurse");
    assert_eq!(
        nurse.last_printer().unwrap().as_deref(),
        Some("Front_Desk"),
        "the printer belongs to the machine, so the next person here gets it too"
    );
    nurse.remember_printer("Back_Office").unwrap();
    let err = nurse.remember_printer("-o raw").unwrap_err();
    assert_eq!(err.field(), Some("printer"), "{err}");
    assert_eq!(
        clinic.admin.last_printer().unwrap().as_deref(),
        Some("Back_Office"),
        "the last one chosen wins, and a refused name changes nothing"
    );
}

/// Page 1 of a PDF at 40 dpi in grey: width, height, pixels.
fn grey_page(pdf: &[u8]) -> (usize, usize, Vec<u8>) {
    use std::io::Write as _;
    let mut child = Command::new("pdftoppm")
        .args([
            "-r",
            "40",
            "-gray",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pdftoppm (poppler-utils) runs");
    let mut stdin = child.stdin.take().unwrap();
    let pdf = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&pdf));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let mut parts = out.stdout.splitn(4, |b| *b == b'\n');
    assert_eq!(parts.next(), Some(&b"P5"[..]), "pdftoppm writes a PGM");
    let size = String::from_utf8_lossy(parts.next().unwrap()).into_owned();
    let (w, h) = size.split_once(' ').unwrap();
    let _max = parts.next();
    (
        w.parse().unwrap(),
        h.parse().unwrap(),
        parts.next().unwrap().to_vec(),
    )
}

#[test]
fn an_issued_prescription_prints_on_the_cups_pdf_queue_audited_with_its_job() {
    let Some((queue, out)) = cups_pdf("an_issued_prescription_prints_on_the_cups_pdf_queue") else {
        return;
    };
    let mut d = crate::documents::desk();
    let id = crate::documents::issued(&mut d);
    let number = d.doctor.prescription(id).unwrap().number.unwrap();
    let before = pdfs_in(&out);
    let (preferred_before, _) = (d.doctor.last_printer().unwrap(), ());
    assert_eq!(preferred_before, None);
    let (doc, job) = d
        .doctor
        .print_document(DocumentRef::Prescription(id), &queue, 1, &Cups::default())
        .unwrap_or_else(|e| panic!("the prescription prints on {queue}: {e}"));
    assert_eq!(doc.title, format!("Prescription {number}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    // cups-pdf names its file after the job's title; its text layer does not survive the
    // queue's PostScript step (the glyphs become Type 3), so the page is compared as a
    // picture with the document that was sent.
    let printed = loop {
        let found = pdfs_in(&out)
            .into_iter()
            .filter(|path| !before.contains(path))
            .find(|path| path.to_string_lossy().contains(&number));
        if let Some(path) = found {
            break path;
        }
        assert!(
            Instant::now() < deadline,
            "job {job} should have written prescription {number} as a PDF into {}",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    std::thread::sleep(Duration::from_millis(500)); // cups-pdf finishes writing it
    let sent = grey_page(&doc.pdf);
    let came_out = grey_page(&std::fs::read(&printed).unwrap());
    assert_eq!(
        (sent.0, sent.1),
        (came_out.0, came_out.1),
        "the same paper size comes out"
    );
    // Against a blank page the difference is all the ink; the printed page (its glyphs
    // redrawn by the queue, so edges differ) must be at most half as far (measured: a
    // third).
    let ink: u64 = sent.2.iter().map(|p| u64::from(255 - p)).sum::<u64>() / sent.2.len() as u64;
    let diff_x100: u64 = sent
        .2
        .iter()
        .zip(&came_out.2)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum::<u64>()
        * 100
        / sent.2.len() as u64;
    assert!(
        diff_x100 * 2 < ink * 100,
        "the printed page looks like the prescription sent (mean difference {diff_x100}/100 of a grey level, ink {ink})"
    );
    let _ = std::fs::remove_file(printed);
    assert_eq!(
        d.clinic.count_audit(&format!(
            "action = 'document.print' AND outcome = 'success' AND entity_id = '{id}' \
             AND details LIKE '%{job}%'"
        )),
        1,
        "the print is audited with its job"
    );
    let (printers, preferred) = d.doctor.printer_choice(&Cups::default()).unwrap();
    assert!(printers.contains(&queue));
    assert_eq!(
        preferred.as_deref(),
        Some(queue.as_str()),
        "the queue is remembered"
    );
}

#[test]
fn a_print_cups_refuses_is_audited_as_failed_and_the_printer_is_not_remembered() {
    let fake = FakeCups::new();
    fake.script(
        "lp",
        "cat > /dev/null\necho 'lp: Error - Front_Desk is out of paper (test)' >&2\nexit 1",
    );
    let mut d = crate::documents::desk();
    let id = crate::documents::issued(&mut d);
    let err = d
        .doctor
        .print_document(DocumentRef::Prescription(id), "Front_Desk", 1, &fake.cups())
        .unwrap_err();
    assert_eq!(err.code(), Code::Printing, "{err}");
    assert_eq!(
        d.clinic.count_audit(&format!(
            "action = 'document.print' AND outcome = 'failure' AND entity_id = '{id}'"
        )),
        1
    );
    assert_eq!(d.doctor.last_printer().unwrap(), None);
    // A receptionist may not print what she may not read.
    let mut desk = d.clinic.sign_in("desk");
    assert_eq!(
        desk.print_document(DocumentRef::Prescription(id), "Front_Desk", 1, &fake.cups())
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
}
