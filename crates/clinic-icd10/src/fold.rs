//! Folding text into search words, the same way for titles and for queries.
//!
//! A word is a run of letters and digits, lower-cased with Latin accents removed
//! (`Sézary` and `SEZARY` are both `sezary`). Apostrophes and combining marks are dropped
//! inside a word rather than splitting it, so `Alzheimer's` is one word, `alzheimers`, that
//! the prefix `alzheimer` finds, and a query typed with decomposed accents (`e` followed by
//! U+0301) folds like one typed with precomposed ones. Anything else ends a word.
//!
//! The table is also the one `clinic-core` folds patient names with ([`fold_text`]): one
//! table for the whole product, kept here because this crate has no dependencies.

/// Calls `word` with each folded word of `text`, in order. `buffer` is reused between
/// calls so that folding a whole catalogue does not allocate per word.
pub(crate) fn words(text: &str, buffer: &mut String, mut word: impl FnMut(&str)) {
    buffer.clear();
    for c in text.chars() {
        if is_dropped(c) {
            continue;
        }
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                if !is_dropped(lower) {
                    push_folded(lower, buffer);
                }
            }
        } else if !buffer.is_empty() {
            word(buffer);
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        word(buffer);
        buffer.clear();
    }
}

/// The folded words of `text`, for queries (a handful of words, so allocating is fine).
pub(crate) fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    words(text, &mut String::new(), |w| out.push(w.to_owned()));
    out
}

/// `text` lower-cased with Latin accents removed, everything else kept as it is (for
/// comparing names: `José Álvarez` and `jose alvarez` fold the same).
pub fn fold_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for lower in c.to_lowercase() {
            push_folded(lower, &mut out);
        }
    }
    out
}

fn is_dropped(c: char) -> bool {
    matches!(c, '\'' | '’' | '\u{300}'..='\u{36f}')
}

fn push_folded(c: char, out: &mut String) {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' | 'ŧ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return out.push_str("ss"),
        'æ' => return out.push_str("ae"),
        'œ' => return out.push_str("oe"),
        other => other,
    };
    out.push(base);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_to_plain_lower_case_letters() {
        assert_eq!(
            split("Sézary DIABÈTES Charcôt Sträussler"),
            ["sezary", "diabetes", "charcot", "straussler"]
        );
        assert_eq!(
            split("Straße Œdème"),
            ["strasse", "oedeme"],
            "letters that fold to two"
        );
    }

    #[test]
    fn decomposed_accents_fold_like_precomposed_ones() {
        // A keyboard or a pasted text may give "e" + U+0301 instead of "é".
        assert_eq!(split("Se\u{301}zary"), split("Sézary"));
    }

    #[test]
    fn apostrophes_join_and_punctuation_splits() {
        assert_eq!(
            split("Alzheimer's disease"),
            ["alzheimers", "disease"],
            "the prefix alzheimer must find it"
        );
        assert_eq!(
            split("Essential (primary) hypertension, Gerstmann-Sträussler"),
            [
                "essential",
                "primary",
                "hypertension",
                "gerstmann",
                "straussler"
            ]
        );
        assert_eq!(
            split("Type 2 diabetes, B12"),
            ["type", "2", "diabetes", "b12"],
            "digits are words too"
        );
    }

    #[test]
    fn blank_or_punctuation_only_text_has_no_words() {
        assert!(split("").is_empty());
        assert!(split("  \t ,;- ()").is_empty());
    }
}
