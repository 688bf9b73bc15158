//! The drawing surface shared by every document: pages of printpdf operations, text
//! placed by its top-left corner in points from the top of the page (how people measure
//! a form), word wrapping, rules, the letterhead, the QR code and "Page N of M".
//!
//! Every string passes through here, so this is where text is NFC-normalised and where
//! characters the font lacks are collected: a document with any of them is refused as a
//! whole (`PdfError::MissingCharacters`), never printed with a "?" in a patient's name.

use printpdf::{
    Color, Greyscale, Line, LinePoint, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, RawImage, Rect, TextItem, XObjectTransform,
};
use unicode_normalization::UnicodeNormalization;

use crate::error::{PdfError, Result};
use crate::fonts::{Face, Faces, faces};
use crate::view::{Doctor, Letterhead, Patient};

pub(crate) const MARGIN: f32 = 50.0;
/// Space kept at the foot of every page for the QR code, number and page count.
pub(crate) const FOOTER_HEIGHT: f32 = 96.0;
const QR_SIZE: f32 = 64.0;

/// A document being laid out: finished pages, the page being drawn, and what went wrong.
pub(crate) struct Sheet {
    faces: &'static Faces,
    doc: PdfDocument,
    regular: PdfFontHandle,
    bold: PdfFontHandle,
    pub width: f32,
    pub height: f32,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance from the top of the page to the next line's top.
    pub y: f32,
    missing: Vec<char>,
    logo: Option<(printpdf::XObjectId, f32, f32)>,
}

/// Text is NFC-normalised before it is measured, checked and drawn, so "José" typed
/// with a combining accent prints (and copies) as the one character "é". Control
/// characters other than a line break (a tab pasted into an address) become spaces:
/// the font has no glyph for them and they are not worth refusing a document over.
pub(crate) fn nfc(text: &str) -> String {
    text.nfc()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

impl Sheet {
    pub fn new(title: &str, letterhead: &Letterhead) -> Result<Self> {
        let faces = faces()?;
        let mut doc = PdfDocument::new(&nfc(title));
        let regular = PdfFontHandle::External(doc.add_font(&faces.regular));
        let bold = PdfFontHandle::External(doc.add_font(&faces.bold));
        let logo = match &letterhead.logo_png {
            Some(png) => {
                let image =
                    RawImage::decode_from_bytes(png, &mut Vec::new()).map_err(PdfError::Logo)?;
                let (w, h) = (image.width as f32, image.height as f32);
                if w < 1.0 || h < 1.0 {
                    return Err(PdfError::Logo("the image is empty".into()));
                }
                Some((doc.add_image(&image), w, h))
            }
            None => None,
        };
        let (width, height) = letterhead.page_size.points();
        Ok(Sheet {
            faces,
            doc,
            regular,
            bold,
            width,
            height,
            pages: Vec::new(),
            ops: Vec::new(),
            y: MARGIN,
            missing: Vec::new(),
            logo,
        })
    }

    /// A page of its own size with no letterhead or logo (a sample label).
    pub fn sized(title: &str, width: f32, height: f32) -> Result<Self> {
        let mut sheet = Sheet::new(title, &Letterhead::default())?;
        sheet.width = width;
        sheet.height = height;
        sheet.y = 0.0;
        Ok(sheet)
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    /// The lowest `y` a line may reach before the footer.
    pub fn bottom(&self) -> f32 {
        self.height - MARGIN - FOOTER_HEIGHT
    }

    pub fn measure(&self, face: Face, text: &str, size: f32) -> f32 {
        self.faces.width(face, &nfc(text), size)
    }

    /// Draws one line of text with its top at `top` (points from the top of the page).
    pub fn text_at(&mut self, face: Face, size: f32, x: f32, top: f32, text: &str) {
        let text = nfc(text);
        for c in self.faces.missing(face, &text) {
            if !self.missing.contains(&c) {
                self.missing.push(c);
            }
        }
        if text.is_empty() {
            return;
        }
        // The baseline sits one ascent (about 0.76 em for DejaVu Sans) below the top.
        let baseline = self.height - top - size * 0.76;
        let font = match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn text_right(&mut self, face: Face, size: f32, right: f32, top: f32, text: &str) {
        let w = self.measure(face, text, size);
        self.text_at(face, size, right - w, top, text);
    }

    pub fn text_centred(&mut self, face: Face, size: f32, top: f32, text: &str) {
        let w = self.measure(face, text, size);
        self.text_at(face, size, (self.width - w) / 2.0, top, text);
    }

    /// Breaks `text` into lines no wider than `width`: at spaces, and inside a word only
    /// when the word alone is wider than the line (a long drug name must still print).
    pub fn wrap(&self, face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
        let text = nfc(text);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.faces.width(face, &candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    let mut longer = line.clone();
                    longer.push(c);
                    if !line.is_empty() && self.faces.width(face, &longer, size) > width {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = longer;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Draws wrapped text from the cursor, moving it down; returns the lines drawn.
    pub fn paragraph(&mut self, face: Face, size: f32, x: f32, width: f32, text: &str) -> usize {
        let lines = self.wrap(face, size, width, text);
        for line in &lines {
            self.text_at(face, size, x, self.y, line);
            self.y += line_height(size);
        }
        lines.len()
    }

    pub fn rule(&mut self, x1: f32, x2: f32, top: f32, thickness: f32) {
        let y = self.height - top;
        self.ops.extend([
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::SetOutlineColor { col: black() },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(x1),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(x2),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A filled black rectangle, `top` measured from the top of the page.
    fn filled(&mut self, x: f32, top: f32, w: f32, h: f32) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(self.height - top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(printpdf::PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Draws the clinic's heading at the top of the current page and moves below it.
    pub fn letterhead(&mut self, lh: &Letterhead) {
        let mut x = MARGIN;
        let top = MARGIN;
        if let Some((id, w, h)) = self.logo.clone() {
            // Logo 48 pt high at the top left; the text starts to its right.
            let logo_h = 48.0;
            let scale_pt_per_px = logo_h / h;
            self.ops.push(Op::UseXobject {
                id,
                transform: XObjectTransform {
                    translate_x: Some(Pt(MARGIN)),
                    translate_y: Some(Pt(self.height - top - logo_h)),
                    // At 72 dpi one pixel is one point, so the scale is points per pixel.
                    dpi: Some(72.0),
                    scale_x: Some(scale_pt_per_px),
                    scale_y: Some(scale_pt_per_px),
                    ..Default::default()
                },
            });
            x += w * scale_pt_per_px + 12.0;
        }
        self.y = top;
        self.text_at(Face::Bold, 16.0, x, self.y, &lh.name);
        self.y += line_height(16.0);
        let mut details: Vec<String> = lh.address_lines.clone();
        if !lh.phone.is_empty() {
            details.push(format!("Tel. {}", lh.phone));
        }
        details.extend(lh.registration_numbers.iter().cloned());
        let width = self.width - MARGIN - x;
        for line in details {
            self.paragraph(Face::Regular, 8.5, x, width, &line);
        }
        self.y = self.y.max(top + 48.0) + 6.0;
        let y = self.y;
        self.rule(MARGIN, self.width - MARGIN, y, 1.0);
        self.y += 12.0;
    }

    /// Two-column "label value" block for the patient, from the cursor.
    pub fn patient_block(&mut self, p: &Patient) {
        let dob = match (p.date_of_birth.is_empty(), p.age.is_empty()) {
            (false, false) => format!("{} ({})", p.date_of_birth, p.age),
            (false, true) => p.date_of_birth.clone(),
            (true, _) => p.age.clone(),
        };
        self.fields(&[
            ("Patient", &p.name),
            ("Date of birth", &dob),
            ("Sex", &p.sex),
            ("Record no.", &p.record_number),
            ("Address", &p.address),
        ]);
    }

    pub fn doctor_block(&mut self, label: &str, d: &Doctor) {
        self.fields(&[
            (label, &d.name),
            ("Qualification", &d.qualification),
            ("Licence no.", &d.licence_number),
        ]);
    }

    /// Label in grey-free bold on the left, wrapped value beside it; empty values are skipped.
    pub fn fields(&mut self, rows: &[(&str, &str)]) {
        let label_w = 92.0;
        let x = MARGIN + label_w;
        let w = self.content_width() - label_w;
        for (label, value) in rows {
            if value.trim().is_empty() {
                continue;
            }
            let y = self.y;
            self.text_at(Face::Bold, 9.5, MARGIN, y, label);
            self.paragraph(Face::Regular, 9.5, x, w, value);
        }
    }

    /// Starts a page that continues a document: the letterhead, the caller's heading,
    /// and the patient's name, so a loose page still says whose it is.
    pub fn continue_page(
        &mut self,
        letterhead: &Letterhead,
        patient_name: &str,
        heading: impl FnOnce(&mut Sheet),
    ) {
        self.new_page();
        self.letterhead(letterhead);
        heading(self);
        let y = self.y;
        self.text_at(
            Face::Regular,
            9.5,
            MARGIN,
            y,
            &format!("Patient: {patient_name}"),
        );
        self.y += line_height(9.5) + 8.0;
    }

    /// Starts a new page; the caller draws its heading.
    pub fn new_page(&mut self) {
        let done = std::mem::take(&mut self.ops);
        self.pages.push(done);
        self.y = MARGIN;
    }

    /// Adds the footer to every page (QR code, number, verification code, "Page N of M")
    /// and returns the PDF, or every character the font could not print.
    pub fn finish(mut self, number: &str, verification_code: &str) -> Result<Vec<u8>> {
        let last = std::mem::take(&mut self.ops);
        self.pages.push(last);
        let qr = qr_modules(number, verification_code)?;
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.ops = ops;
            self.footer(&qr, number, verification_code, i + 1, total);
            out.push(PdfPage::new(
                printpdf::Mm::from(Pt(self.width)),
                printpdf::Mm::from(Pt(self.height)),
                std::mem::take(&mut self.ops),
            ));
        }
        if !self.missing.is_empty() {
            return Err(PdfError::MissingCharacters {
                chars: self.missing,
            });
        }
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        };
        Ok(self.doc.with_pages(out).save(&opts, &mut Vec::new()))
    }

    /// Draws a QR code `size` points square with its top-left corner at (`x`, `top`).
    fn draw_qr(&mut self, qr: &Qr, x: f32, top: f32, size: f32) {
        let module = size / qr.width as f32;
        self.ops.push(Op::SetFillColor { col: black() });
        for (i, dark) in qr.modules.iter().enumerate() {
            if *dark {
                let (mx, my) = ((i % qr.width) as f32, (i / qr.width) as f32);
                // Overlap neighbours by a hair so renderers leave no seams between modules.
                self.filled(
                    x + mx * module,
                    top + my * module,
                    module + 0.05,
                    module + 0.05,
                );
            }
        }
    }

    /// A QR code of `payload` alone (a sample's number), drawn like [`Self::draw_qr`].
    pub fn qr_code(&mut self, payload: &str, x: f32, top: f32, size: f32) -> Result<()> {
        let qr = qrcode::QrCode::with_error_correction_level(
            nfc(payload).as_bytes(),
            qrcode::EcLevel::M,
        )
        .map_err(|e| PdfError::QrCode(e.to_string()))?;
        let qr = Qr {
            width: qr.width(),
            modules: qr
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        };
        self.draw_qr(&qr, x, top, size);
        Ok(())
    }

    /// The single page as drawn, without a footer (a label).
    pub fn finish_plain(mut self) -> Result<Vec<u8>> {
        let ops = std::mem::take(&mut self.ops);
        if !self.missing.is_empty() {
            return Err(PdfError::MissingCharacters {
                chars: self.missing,
            });
        }
        let page = PdfPage::new(
            printpdf::Mm::from(Pt(self.width)),
            printpdf::Mm::from(Pt(self.height)),
            ops,
        );
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        };
        Ok(self.doc.with_pages(vec![page]).save(&opts, &mut Vec::new()))
    }

    fn footer(&mut self, qr: &Qr, number: &str, code: &str, page: usize, total: usize) {
        let top = self.height - MARGIN - QR_SIZE;
        let x = self.width - MARGIN - QR_SIZE;
        self.draw_qr(qr, x, top, QR_SIZE);
        let text_right = x - 10.0;
        self.text_right(
            Face::Bold,
            9.0,
            text_right,
            top + 16.0,
            &format!("No. {number}"),
        );
        self.text_right(
            Face::Regular,
            9.0,
            text_right,
            top + 30.0,
            &format!("Verification code {code}"),
        );
        self.text_centred(
            Face::Regular,
            8.5,
            self.height - MARGIN + 12.0,
            &format!("Page {page} of {total}"),
        );
    }
}

pub(crate) fn line_height(size: f32) -> f32 {
    size * 1.3
}

fn black() -> Color {
    Color::Greyscale(Greyscale {
        percent: 0.0,
        icc_profile: None,
    })
}

struct Qr {
    width: usize,
    modules: Vec<bool>,
}

/// The QR code carries the number and the verification code, separated by a space, so
/// a phone's scanner shows both and a verifying page can split them.
fn qr_modules(number: &str, code: &str) -> Result<Qr> {
    let payload = format!("{} {}", nfc(number), nfc(code));
    let qr = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| PdfError::QrCode(e.to_string()))?;
    Ok(Qr {
        width: qr.width(),
        modules: qr
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_fits_the_width() {
        let sheet = Sheet::new("t", &Letterhead::default()).expect("sheet");
        let text = "Take one tablet by mouth three times a day after meals for seven days";
        let lines = sheet.wrap(Face::Regular, 10.0, 120.0, text);
        assert!(lines.len() > 1, "120 pt cannot hold the whole sentence");
        assert_eq!(
            lines.join(" "),
            text,
            "wrapping must not lose or reorder words"
        );
        for l in &lines {
            assert!(
                sheet.measure(Face::Regular, l, 10.0) <= 120.0,
                "{l:?} overflows"
            );
        }
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_rather_than_running_off_the_page() {
        let sheet = Sheet::new("t", &Letterhead::default()).expect("sheet");
        let lines = sheet.wrap(Face::Regular, 10.0, 40.0, "Hydroxychloroquine");
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "Hydroxychloroquine");
    }

    #[test]
    fn decomposed_accents_are_composed_before_printing() {
        assert_eq!(nfc("Jose\u{301}"), "Jos\u{e9}");
    }

    #[test]
    fn a_pasted_tab_prints_as_a_space_instead_of_a_missing_glyph() {
        assert_eq!(nfc("Ngong\tRoad\r\n4"), "Ngong Road \n4");
    }
}
