//! The vendored DejaVu Sans faces (licence in `fonts/LICENSE-DejaVu.txt`), parsed once
//! per process, and the measurements layout needs from them.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::error::{PdfError, Result};

pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The two faces a document uses.
pub(crate) struct Faces {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Parsing a 700 KB face costs milliseconds, so it is done once and shared.
pub(crate) fn faces() -> Result<&'static Faces> {
    static FACES: OnceLock<std::result::Result<Faces, PdfError>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())
                .ok_or(PdfError::Font("DejaVuSans.ttf"))?;
            let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())
                .ok_or(PdfError::Font("DejaVuSans-Bold.ttf"))?;
            Ok(Faces { regular, bold })
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Faces {
    pub fn get(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Width of `text` at `size` points, from the fonts' advance widths (no kerning,
    /// which is also how printpdf places the glyphs). Missing characters measure zero;
    /// they are reported separately and the document is never produced.
    pub fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        let font = self.get(face);
        let upem = f32::from(font.font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .filter_map(|c| font.lookup_glyph_index(u32::from(c)))
            .map(|g| u32::from(font.get_horizontal_advance(g)))
            .sum();
        units as f32 * size / upem
    }

    /// Characters of `text` that `face` has no glyph for.
    pub fn missing(&self, face: Face, text: &str) -> impl Iterator<Item = char> + '_ {
        let font = self.get(face);
        text.chars()
            .filter(|c| *c != '\n')
            .filter(move |c| {
                font.lookup_glyph_index(u32::from(*c))
                    .is_none_or(|g| g == 0)
            })
            .collect::<Vec<_>>()
            .into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_latin_accents_and_cyrillic_that_clinics_print() {
        let f = faces().expect("vendored fonts parse");
        for face in [Face::Regular, Face::Bold] {
            let missing: Vec<char> = f
                .missing(face, "José Álvarez Zoë Ólafsdóttir Дмитрий Иванов")
                .collect();
            assert!(
                missing.is_empty(),
                "{face:?} lacks {missing:?}; names would not print"
            );
        }
    }

    #[test]
    fn a_han_character_is_missing_so_it_is_reported_not_replaced() {
        let f = faces().expect("vendored fonts parse");
        assert_eq!(
            f.missing(Face::Regular, "王 Wang").collect::<Vec<_>>(),
            vec!['王']
        );
    }

    #[test]
    fn wider_text_measures_wider_so_wrapping_and_right_alignment_work() {
        let f = faces().expect("vendored fonts parse");
        let one = f.width(Face::Regular, "M", 10.0);
        assert!(
            one > 5.0 && one < 12.0,
            "an M at 10 pt is about 8.6 pt wide, got {one}"
        );
        assert!((f.width(Face::Regular, "MM", 10.0) - 2.0 * one).abs() < 0.01);
    }
}
