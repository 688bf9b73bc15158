//! Printing PDFs through CUPS: listing the print queues and sending a document to one
//! with `lp`. Prescriptions, certificates and later lab reports and invoices are made
//! by `clinic-pdf`; this module only hands their bytes to the system's printing.
//!
//! Invariants:
//! - No document touches the disk here: the PDF goes to `lp` through its standard input
//!   (CUPS then spools it in its own root-only directory, as it would any job).
//! - No shell: `lp` and `lpstat` are run directly with separate arguments, so a title or
//!   a printer name is never interpreted.
//! - No printer that CUPS does not list: the name is checked against `lpstat -e` before
//!   `lp` sees it, so a stored or typed name can never become an option or a file.
//! - No output parsed in the user's language: both commands run with `LC_ALL=C`.
//! - No call waits for ever: a command that has not finished within [`Cups::timeout`]
//!   is killed and reported (a CUPS server on the network may not answer).
//!
//! Errors say what was wrong and what to do: CUPS not installed, not running, no such
//! printer, or `lp`'s own message.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The most copies one print asks for.
pub const MAX_COPIES: u32 = 99;
/// CUPS refuses queue names longer than this (bytes).
const MAX_NAME: usize = 127;
/// A job title longer than this is cut (CUPS keeps it in its job list and file names).
const MAX_TITLE: usize = 100;

/// The CUPS command-line tools to run. [`Cups::default`] is the system's; tests point
/// `lp` or `lpstat` at a script of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cups {
    pub lp: PathBuf,
    pub lpstat: PathBuf,
    /// How long one command may take before it is killed.
    pub timeout: Duration,
}

impl Default for Cups {
    fn default() -> Self {
        Cups {
            lp: PathBuf::from("/usr/bin/lp"),
            lpstat: PathBuf::from("/usr/bin/lpstat"),
            timeout: Duration::from_secs(30),
        }
    }
}

/// The print queues CUPS offers on this computer and its default one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printers {
    /// Queue names as `lp -d` takes them (`PDF`, `Office_Laser`, `Office_Laser/duplex`).
    pub queues: Vec<String>,
    /// The system (or this user's) default queue, if one is set.
    pub default: Option<String>,
}

impl Printers {
    /// The printer to offer first: the one used last if it still exists, else the
    /// default, else the first queue.
    pub fn preferred<'a>(&'a self, last: Option<&'a str>) -> Option<&'a str> {
        last.filter(|name| self.contains(name))
            .or(self.default.as_deref().filter(|name| self.contains(name)))
            .or(self.queues.first().map(String::as_str))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.queues.iter().any(|queue| queue == name)
    }
}

/// A print job's id as CUPS names it (`PDF-12`), for the job list and `cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobId(String);

impl JobId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The system's print queues (see [`Cups::printers`]).
pub fn printers() -> Result<Printers> {
    Cups::default().printers()
}

/// Prints `pdf` on the system's queue `printer` (see [`Cups::print_pdf`]).
pub fn print_pdf(printer: &str, pdf: &[u8], title: &str, copies: u32) -> Result<JobId> {
    Cups::default().print_pdf(printer, pdf, title, copies)
}

impl Cups {
    /// The print queues and the default one. Fails when CUPS is not installed or its
    /// scheduler is not running, saying how to fix it; no printers is an empty list.
    pub fn printers(&self) -> Result<Printers> {
        // `lpstat -e` lists nothing, successfully, when the scheduler is down, which
        // would read as "no printers": ask first.
        let status = self.lpstat(&["-r"])?;
        if !status.stdout.contains("scheduler is running") {
            return Err(Error::Printing(
                "CUPS, the system's printing service, is not running: start it (`sudo systemctl start cups`, or `sudo service cups start`) and try again".into(),
            ));
        }
        let queues = self
            .lpstat(&["-e"])?
            .stdout
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        let default = parse_default(&self.lpstat(&["-d"])?.stdout);
        Ok(Printers { queues, default })
    }

    /// Sends `pdf` to the CUPS queue `printer` as `copies` copies titled `title`, and
    /// returns the job's id. The name must be one of [`Cups::printers`]' queues; the
    /// bytes must be a PDF. A refusal carries `lp`'s own message.
    pub fn print_pdf(&self, printer: &str, pdf: &[u8], title: &str, copies: u32) -> Result<JobId> {
        check_printer_name(printer)?;
        if !(1..=MAX_COPIES).contains(&copies) {
            return Err(Error::validation(
                "copies",
                format!("print between 1 and {MAX_COPIES} copies"),
            ));
        }
        if !pdf.starts_with(b"%PDF-") {
            return Err(Error::Internal(
                "the document to print is not a PDF; nothing was sent to the printer".into(),
            ));
        }
        let printers = self.printers()?;
        if !printers.contains(printer) {
            let known = if printers.queues.is_empty() {
                "this computer has none set up; ask your IT person to add one in CUPS".into()
            } else {
                format!("choose one of: {}", printers.queues.join(", "))
            };
            return Err(Error::validation(
                "printer",
                format!("there is no printer \"{printer}\" on this computer; {known}"),
            ));
        }
        let title = job_title(title);
        let copies = copies.to_string();
        let args = ["-d", printer, "-t", title.as_str(), "-n", copies.as_str()];
        let out = run(&self.lp, &args, Some(pdf), self.timeout)?;
        if !out.status.success() {
            return Err(Error::Printing(format!(
                "the printer \"{printer}\" did not take the document ({}); check that it is on and enabled, or choose another",
                out.complaint()
            )));
        }
        parse_job_id(&out.stdout).ok_or_else(|| {
            Error::Printing(format!(
                "lp gave no job id (it said \"{}\"); look in the printer's queue before printing again",
                out.stdout.trim()
            ))
        })
    }

    fn lpstat(&self, args: &[&str]) -> Result<Output> {
        let out = run(&self.lpstat, args, None, self.timeout)?;
        if !out.status.success() {
            return Err(Error::Printing(format!(
                "could not list the printers ({}); check that CUPS is running (`sudo systemctl start cups`)",
                out.complaint()
            )));
        }
        Ok(out)
    }
}

/// A name fit to hand to `lp -d` and to remember: what CUPS allows in a queue name
/// (with an optional `/instance`), never an option.
pub fn check_printer_name(name: &str) -> Result<()> {
    let fit = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('-')
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '#' || c == '\\');
    if fit {
        Ok(())
    } else {
        Err(Error::validation(
            "printer",
            "that is not a printer name CUPS uses; choose a printer from the list",
        ))
    }
}

/// One line, at most [`MAX_TITLE`] characters, never empty.
fn job_title(title: &str) -> String {
    let title: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_TITLE)
        .collect();
    match title.trim() {
        "" => "Clinic document".into(),
        trimmed => trimmed.into(),
    }
}

/// `lpstat -d`: "system default destination: PDF" or "no system default destination".
fn parse_default(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|line| {
        let name = line
            .trim()
            .strip_prefix("system default destination:")?
            .trim();
        (!name.is_empty()).then(|| name.to_owned())
    })
}

/// `lp`: "request id is PDF-12 (1 file(s))".
fn parse_job_id(stdout: &str) -> Option<JobId> {
    stdout.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("request id is ")?;
        let id = rest.split_whitespace().next()?;
        Some(JobId(id.to_owned()))
    })
}

struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Output {
    /// What the command said about its failure: its error output, else its exit status.
    fn complaint(&self) -> String {
        match self.stderr.trim() {
            "" => format!("it ended with {}", self.status),
            said => said.to_owned(),
        }
    }
}

/// Runs `program` with `args` in the C locale, feeding it `stdin`, and kills it once
/// `timeout` has passed.
fn run(
    program: &std::path::Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    timeout: Duration,
) -> Result<Output> {
    let mut child = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => Error::Printing(format!(
                "printing needs CUPS, and {} is not installed: install CUPS (`sudo apt-get install cups`) and try again",
                program.display()
            )),
            _ => Error::io(program)(err),
        })?;
    // The pipes are drained on their own threads so that neither side can block the
    // other, whatever the document's size.
    let feeder = match (stdin, child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => {
            let bytes = bytes.to_vec();
            // A command that exits without reading all of it breaks the pipe; its exit
            // status and error output say why, so the write error itself is not kept.
            Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(Error::io(program))? {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::Printing(format!(
                "{} did not answer within {} seconds; check that CUPS and the printer are reachable, then try again",
                program.display(),
                timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_id_is_read_from_lps_answer() {
        assert_eq!(
            parse_job_id("request id is PDF-12 (1 file(s))\n").map(|id| id.0),
            Some("PDF-12".to_owned()),
            "lp in the C locale names the job this way"
        );
        assert_eq!(
            parse_job_id("request id is Office_Laser-7 (0 file(s))").map(|id| id.0),
            Some("Office_Laser-7".to_owned()),
            "a document sent on standard input counts as 0 files"
        );
        assert_eq!(parse_job_id("lp: Error\n"), None, "no id, no job");
    }

    #[test]
    fn the_default_printer_is_read_from_lpstat_or_is_none() {
        assert_eq!(
            parse_default("system default destination: PDF\n"),
            Some("PDF".to_owned())
        );
        assert_eq!(
            parse_default("no system default destination\n"),
            None,
            "a computer without a default says so in words, not with an error"
        );
    }

    #[test]
    fn the_preferred_printer_is_the_last_one_while_it_exists_then_the_default() {
        let printers = Printers {
            queues: vec!["Front".into(), "PDF".into(), "Back".into()],
            default: Some("PDF".into()),
        };
        assert_eq!(printers.preferred(Some("Back")), Some("Back"));
        assert_eq!(
            printers.preferred(Some("Removed")),
            Some("PDF"),
            "a remembered printer that was removed gives way to the default"
        );
        assert_eq!(printers.preferred(None), Some("PDF"));
        let no_default = Printers {
            default: None,
            ..printers
        };
        assert_eq!(no_default.preferred(None), Some("Front"));
        assert_eq!(Printers::default().preferred(Some("PDF")), None);
    }

    #[test]
    fn a_printer_name_that_could_be_an_option_or_a_list_is_refused() {
        for bad in ["", "-oraw", "two words", "a\nb", "x#y", &"p".repeat(128)] {
            assert!(
                check_printer_name(bad).is_err(),
                "{bad:?} is not a CUPS queue name"
            );
        }
        for good in ["PDF", "Office_Laser", "HP-LaserJet-4", "PDF/draft"] {
            assert!(check_printer_name(good).is_ok(), "{good:?} is one");
        }
    }

    #[test]
    fn a_job_title_is_one_short_line() {
        assert_eq!(job_title("Rx\nBR01-0001"), "Rx BR01-0001");
        assert_eq!(job_title("  \t "), "Clinic document");
        assert_eq!(job_title(&"é".repeat(300)).chars().count(), MAX_TITLE);
    }
}
