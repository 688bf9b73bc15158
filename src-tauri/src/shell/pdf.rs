//! Showing PDFs inside the window: poppler's `pdfinfo` counts the pages and `pdftoppm`
//! renders one to PNG, both through pipes, so no plaintext document touches the disk.
//! ImageMagick's `convert` goes through the same pipe for TIFF scans.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

use crate::dto::CommandError;
use crate::shell::Result;

/// Resolution a PDF page is rendered at (dots per inch): sharp on a laptop screen.
const PDF_DPI: &str = "110";

/// Runs a poppler tool with `input` on its standard input and returns its standard output.
pub(crate) fn pipe(tool: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                CommandError::internal(format!(
                    "showing this file needs {tool} (Debian packages poppler-utils and imagemagick); install them, or save the file with `clinic attach get`"
                ))
            } else {
                CommandError::internal(format!("could not start {tool}: {e}"))
            }
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| CommandError::internal(format!("{tool} has no input")))?;
    let input = input.to_vec();
    // Written from another thread: a tool may start writing before it has read it all.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout
            .read_to_end(&mut out)
            .map_err(|e| CommandError::internal(format!("reading from {tool}: {e}")))?;
    }
    let status = child
        .wait()
        .map_err(|e| CommandError::internal(format!("waiting for {tool}: {e}")))?;
    let _ = writer.join();
    if !status.success() {
        return Err(CommandError::internal(format!(
            "{tool} could not read this file; save it with `clinic attach get` and open it elsewhere"
        )));
    }
    Ok(out)
}

pub(crate) fn pdf_pages(pdf: &[u8]) -> Result<u32> {
    let info = pipe("pdfinfo", &["-"], pdf)?;
    Ok(String::from_utf8_lossy(&info)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
        .unwrap_or(1))
}

pub(crate) fn pdf_page_png(pdf: &[u8], page: u32) -> Result<Vec<u8>> {
    let page = page.to_string();
    let png = pipe(
        "pdftoppm",
        &[
            "-png",
            "-r",
            PDF_DPI,
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            "-",
        ],
        pdf,
    )?;
    if !png.starts_with(b"\x89PNG") {
        return Err(CommandError::internal(
            "pdftoppm gave no picture of this page",
        ));
    }
    Ok(png)
}
