//! The crate's one error type. Every variant says what the caller can do next.

/// Why a document could not be laid out.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PdfError {
    /// Some text uses characters the embedded font (DejaVu Sans) cannot draw. Nothing is
    /// replaced by "?": the caller decides (spell the name another way, or print by hand).
    #[error(
        "the font cannot print {}; change the text or print this document by hand",
        describe(.chars)
    )]
    MissingCharacters {
        /// Each missing character once, in the order first met.
        chars: Vec<char>,
    },
    /// The clinic's logo is not a PNG that decodes; choose another file in the clinic settings.
    #[error("the clinic logo could not be read ({0}); choose another PNG in the clinic settings")]
    Logo(String),
    /// The prescription or certificate number is too long to fit in a QR code.
    #[error("the document number is too long for its QR code ({0}); shorten the number format")]
    QrCode(String),
    /// A vendored font failed to parse: the build is broken, not the document.
    #[error("the embedded font {0} could not be read; this build of clinic-pdf is damaged")]
    Font(&'static str),
}

fn describe(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| format!("'{c}' (U+{:04X})", u32::from(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, PdfError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_characters_message_names_each_code_point_so_staff_can_find_it() {
        let e = PdfError::MissingCharacters {
            chars: vec!['王', '✓'],
        };
        assert_eq!(
            e.to_string(),
            "the font cannot print '王' (U+738B), '✓' (U+2713); change the text or print this document by hand"
        );
    }
}
