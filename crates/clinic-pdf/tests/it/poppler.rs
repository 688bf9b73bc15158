//! Running poppler-utils on a PDF held in memory.

use std::path::PathBuf;
use std::process::Command;

/// A PDF written to a temporary directory, removed on drop.
pub struct OnDisk {
    dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn on_disk(pdf: &[u8]) -> OnDisk {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    OnDisk { dir, path }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("poppler-utils are installed (pdftotext, pdffonts, pdfinfo, pdftoppm)");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

impl OnDisk {
    /// The text of every page, split at pdftotext's form feeds.
    pub fn pages_text(&self) -> Vec<String> {
        let text = run(Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-layout"])
            .arg(&self.path)
            .arg("-"));
        let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        pages
    }

    pub fn fonts(&self) -> String {
        run(Command::new("pdffonts").arg(&self.path))
    }

    pub fn info(&self) -> String {
        run(Command::new("pdfinfo").arg(&self.path))
    }

    /// Page `page` rendered in grey at `dpi`, as a binary PGM file's bytes.
    pub fn render_pgm(&self, page: usize, dpi: u32) -> Vec<u8> {
        let prefix = self.dir.path().join("page");
        run(Command::new("pdftoppm")
            .args([
                "-gray",
                "-r",
                &dpi.to_string(),
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                "-singlefile",
            ])
            .arg(&self.path)
            .arg(&prefix));
        std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote a .pgm")
    }
}

/// A binary (P5) PGM: width, height and one byte per pixel.
pub struct Pgm {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

pub fn parse_pgm(bytes: &[u8]) -> Pgm {
    // Header: "P5", width, height, maxval, each separated by whitespace, then one
    // whitespace byte and the pixels. pdftoppm writes no comments.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(
            std::str::from_utf8(&bytes[start..i])
                .expect("ASCII header")
                .to_string(),
        );
    }
    assert_eq!(fields[0], "P5", "pdftoppm -gray writes binary PGM");
    assert_eq!(fields[3], "255", "8-bit grey");
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(
        pixels.len(),
        width * height,
        "PGM holds width × height bytes"
    );
    Pgm {
        width,
        height,
        pixels,
    }
}
