//! The catalogue: the compiled-in list and the index built over it once.
//!
//! Entries stay in the file's order, which is code order, and that order is also the order
//! of the codes written without their dot (the dot is always the fourth character), so a
//! code prefix is one contiguous range found by binary search. Title words are folded
//! (`fold.rs`) into one sorted vocabulary: a word prefix is then a contiguous range of word
//! ids, each word lists the entries whose title has it (postings), and each entry lists
//! its distinct word ids, ascending, so checking a word against an entry is one binary
//! search in a handful of numbers.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::{Entry, fold};

/// The vendored list: `code TAB title TAB billable(1|0)`, one line per code, sorted.
static DATA: &str = include_str!("../data/icd10cm-2026.tsv");

/// The longest code, `S52.521A`, is seven characters without its dot.
const CODE_MAX: usize = 7;

/// The list and its index. Build it once with [`Catalogue::get`]; everything is read-only
/// afterwards, so it is shared freely between threads.
pub struct Catalogue {
    pub(crate) entries: Vec<Entry>,
    /// Every distinct folded title word, sorted and concatenated: word `i` is
    /// `vocabulary[word_bounds[i]..word_bounds[i + 1]]`.
    vocabulary: String,
    word_bounds: Vec<u32>,
    /// Entry ids (ascending) whose title has word `i`:
    /// `postings[posting_bounds[i]..posting_bounds[i + 1]]`.
    postings: Vec<u32>,
    posting_bounds: Vec<u32>,
    /// The distinct word ids (ascending) of entry `e`:
    /// `entry_words[entry_bounds[e]..entry_bounds[e + 1]]`.
    entry_words: Vec<u32>,
    entry_bounds: Vec<u32>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("entries", &self.entries.len())
            .field("words", &self.word_count())
            .finish_non_exhaustive()
    }
}

impl Catalogue {
    /// The catalogue, built on the first call (a fraction of a second in a release build)
    /// and shared afterwards.
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| Catalogue::build(DATA))
    }

    /// Every code, sorted by code.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Finds one code however it is spelled: `E11.9`, `e11.9`, ` E119 ` all find `E11.9`.
    /// Anything that is not a code (`diabetes`, `E11.9.1`) finds nothing.
    pub fn lookup(&self, code: &str) -> Option<Entry> {
        let wanted = CodeKey::parse(code.trim())?;
        // The code itself, if present, is the first of the codes it starts.
        let entry = *self.entries.get(self.code_range(&wanted).start)?;
        (CodeKey::of(entry.code) == wanted).then_some(entry)
    }

    fn build(text: &'static str) -> Catalogue {
        let mut entries = Vec::with_capacity(100_000);
        // Title words get provisional ids in order of first sight, renumbered once the
        // vocabulary is sorted.
        let mut provisional: HashMap<String, u32> = HashMap::new();
        let mut entry_words = Vec::with_capacity(1_000_000);
        let mut entry_bounds = Vec::with_capacity(100_001);
        entry_bounds.push(0u32);
        let mut buffer = String::new();
        for (n, line) in text.lines().enumerate() {
            let mut fields = line.split('\t');
            let (Some(code), Some(title), Some(flag), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                panic!(
                    "icd10cm-2026.tsv line {}: expected code, title and billable flag separated by tabs; regenerate it with scripts/icd10cm-import.py",
                    n + 1
                );
            };
            let billable = match flag {
                "1" => true,
                "0" => false,
                _ => panic!(
                    "icd10cm-2026.tsv line {}: the billable flag must be 1 or 0",
                    n + 1
                ),
            };
            let entry = Entry {
                code,
                title,
                billable,
            };
            let key = CodeKey::parse(code).unwrap_or_else(|| {
                panic!(
                    "icd10cm-2026.tsv line {}: {code:?} is not an ICD-10-CM code",
                    n + 1
                )
            });
            if let Some(previous) = entries.last().map(|e: &Entry| CodeKey::of(e.code)) {
                // Code-prefix search is a binary search: the order is an invariant.
                assert!(
                    previous < key,
                    "icd10cm-2026.tsv line {}: {code} is out of order; regenerate it with scripts/icd10cm-import.py",
                    n + 1
                );
            }
            entries.push(entry);
            fold::words(title, &mut buffer, |word| {
                let id = match provisional.get(word) {
                    Some(&id) => id,
                    None => {
                        let id = provisional.len() as u32;
                        provisional.insert(word.to_owned(), id);
                        id
                    }
                };
                entry_words.push(id);
            });
            entry_bounds.push(entry_words.len() as u32);
        }

        let mut sorted: Vec<(String, u32)> = provisional.into_iter().collect();
        sorted.sort_unstable();
        let mut renumber = vec![0u32; sorted.len()];
        let mut vocabulary = String::with_capacity(sorted.iter().map(|(w, _)| w.len()).sum());
        let mut word_bounds = Vec::with_capacity(sorted.len() + 1);
        word_bounds.push(0u32);
        for (id, (word, old)) in sorted.iter().enumerate() {
            renumber[*old as usize] = id as u32;
            vocabulary.push_str(word);
            word_bounds.push(vocabulary.len() as u32);
        }
        drop(sorted);

        // Renumber, then sort and deduplicate each entry's words in place, compacting.
        let mut compact_bounds = Vec::with_capacity(entry_bounds.len());
        compact_bounds.push(0u32);
        let mut write = 0usize;
        for window in entry_bounds.windows(2) {
            let (start, end) = (window[0] as usize, window[1] as usize);
            let own = &mut entry_words[start..end];
            for id in own.iter_mut() {
                *id = renumber[*id as usize];
            }
            own.sort_unstable();
            let mut last = None;
            for read in start..end {
                let id = entry_words[read];
                if last != Some(id) {
                    entry_words[write] = id;
                    write += 1;
                    last = Some(id);
                }
            }
            compact_bounds.push(write as u32);
        }
        entry_words.truncate(write);
        entry_words.shrink_to_fit();

        // Postings by counting: entries are visited in order, so each list comes out sorted.
        let mut posting_bounds = vec![0u32; renumber.len() + 1];
        for &id in &entry_words {
            posting_bounds[id as usize + 1] += 1;
        }
        for i in 1..posting_bounds.len() {
            posting_bounds[i] += posting_bounds[i - 1];
        }
        let mut next = posting_bounds.clone();
        let mut postings = vec![0u32; entry_words.len()];
        for (entry, window) in compact_bounds.windows(2).enumerate() {
            for &id in &entry_words[window[0] as usize..window[1] as usize] {
                postings[next[id as usize] as usize] = entry as u32;
                next[id as usize] += 1;
            }
        }

        Catalogue {
            entries,
            vocabulary,
            word_bounds,
            postings,
            posting_bounds,
            entry_words,
            entry_bounds: compact_bounds,
        }
    }

    pub(crate) fn word_count(&self) -> usize {
        self.word_bounds.len() - 1
    }

    pub(crate) fn word(&self, id: u32) -> &str {
        let id = id as usize;
        &self.vocabulary[self.word_bounds[id] as usize..self.word_bounds[id + 1] as usize]
    }

    /// The ids of the words that start with `prefix` (folded), a contiguous range.
    pub(crate) fn word_range(&self, prefix: &str) -> Range<u32> {
        let count = self.word_count();
        let start = partition(count, |id| self.word(id) < prefix);
        let end = partition(count, |id| {
            let word = self.word(id);
            word < prefix || word.starts_with(prefix)
        });
        start..end
    }

    /// How many (entry, word) pairs the words of `range` have: the work of reading them.
    pub(crate) fn postings_len(&self, range: &Range<u32>) -> usize {
        (self.posting_bounds[range.end as usize] - self.posting_bounds[range.start as usize])
            as usize
    }

    /// The entries whose title has any word of `range` (an entry may appear once per word).
    pub(crate) fn postings(&self, range: &Range<u32>) -> &[u32] {
        &self.postings[self.posting_bounds[range.start as usize] as usize
            ..self.posting_bounds[range.end as usize] as usize]
    }

    /// The distinct word ids of entry `id`, ascending.
    pub(crate) fn words_of(&self, id: u32) -> &[u32] {
        let id = id as usize;
        &self.entry_words[self.entry_bounds[id] as usize..self.entry_bounds[id + 1] as usize]
    }

    /// The ids of the entries whose code, without its dot, starts with `prefix`.
    pub(crate) fn code_range(&self, prefix: &CodeKey) -> Range<usize> {
        let prefix = prefix.as_bytes();
        let start = self
            .entries
            .partition_point(|e| CodeKey::of(e.code).as_bytes() < prefix);
        let end = self.entries.partition_point(|e| {
            let key = CodeKey::of(e.code);
            key.as_bytes() < prefix || key.as_bytes().starts_with(prefix)
        });
        start..end
    }
}

/// The first id in `0..count` for which `before` is false (`before` must be true for a
/// leading run of ids and false after it).
fn partition(count: usize, before: impl Fn(u32) -> bool) -> u32 {
    let (mut low, mut high) = (0usize, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle as u32) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low as u32
}

/// A code or the start of one, upper-cased and without its dot: `e11.9` is `E119`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CodeKey {
    bytes: [u8; CODE_MAX],
    len: u8,
}

impl CodeKey {
    /// Reads what looks like a code: a letter and a digit, or since FY2026 two letters and
    /// a digit (`QA0`), then letters or digits, seven at most, with at most one dot, right
    /// after the third character. Anything else is `None` (`b12` and `qa0` are code
    /// prefixes; `covid`, `hiv`, `2` and `E11.9.1` are not).
    pub(crate) fn parse(text: &str) -> Option<CodeKey> {
        let raw = text.as_bytes();
        let starts_like_a_code = match raw {
            [first, second, ..] if first.is_ascii_alphabetic() && second.is_ascii_digit() => true,
            [first, second, third, ..] => {
                first.is_ascii_alphabetic()
                    && second.is_ascii_alphabetic()
                    && third.is_ascii_digit()
            }
            _ => false,
        };
        if !starts_like_a_code {
            return None;
        }
        let mut key = CodeKey {
            bytes: [0; CODE_MAX],
            len: 0,
        };
        for (i, &b) in raw.iter().enumerate() {
            if b == b'.' && i == 3 && raw.len() > 4 {
                continue;
            }
            if !b.is_ascii_alphanumeric() || key.len as usize == CODE_MAX {
                return None;
            }
            key.bytes[key.len as usize] = b.to_ascii_uppercase();
            key.len += 1;
        }
        Some(key)
    }

    /// The key of a code from the list (which is well formed; checked when it is built).
    pub(crate) fn of(code: &str) -> CodeKey {
        let mut key = CodeKey {
            bytes: [0; CODE_MAX],
            len: 0,
        };
        for &b in code
            .as_bytes()
            .iter()
            .filter(|&&b| b != b'.')
            .take(CODE_MAX)
        {
            key.bytes[key.len as usize] = b;
            key.len += 1;
        }
        key
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    pub(crate) fn starts_with(&self, prefix: &CodeKey) -> bool {
        self.as_bytes().starts_with(prefix.as_bytes())
    }

    /// The key as a title word would be folded (`E119` is `e119`), since a code-like
    /// token such as `b12` may also be a word of a title.
    pub(crate) fn as_word(&self) -> String {
        self.as_bytes()
            .iter()
            .map(|b| b.to_ascii_lowercase() as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<String> {
        CodeKey::parse(text).map(|k| String::from_utf8(k.as_bytes().to_vec()).unwrap())
    }

    #[test]
    fn codes_are_read_with_or_without_their_dot_in_any_case() {
        assert_eq!(key("E11.9").as_deref(), Some("E119"));
        assert_eq!(key("e119").as_deref(), Some("E119"));
        assert_eq!(
            key("t36.0x1a").as_deref(),
            Some("T360X1A"),
            "seventh-character codes"
        );
        assert_eq!(
            key("E1").as_deref(),
            Some("E1"),
            "the start of a code is a prefix"
        );
    }

    #[test]
    fn words_and_malformed_codes_are_not_read_as_codes() {
        for not_a_code in [
            "diabetes",
            "2",
            "E",
            "11",
            "E11.9.1",
            "E1.19",
            "E11.",
            "T36.0X1AB",
            "E11-9",
        ] {
            assert_eq!(
                key(not_a_code),
                None,
                "{not_a_code:?} must be searched as words"
            );
        }
    }

    #[test]
    fn dotless_keys_sort_like_dotted_codes_so_prefixes_are_ranges() {
        // The catalogue's binary search relies on this for every pair in the file (checked
        // when it is built); these are the pairs where a dot could change the order.
        let ordered = [
            "A00", "A00.0", "A00.1", "A00.9", "A01", "A01.0", "A01.00", "E11", "E11.9", "E11.A",
        ];
        for pair in ordered.windows(2) {
            assert!(
                CodeKey::of(pair[0]) < CodeKey::of(pair[1]),
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn word_ranges_cover_exactly_the_words_with_the_prefix() {
        let catalogue = Catalogue::get();
        let range = catalogue.word_range("diabet");
        assert!(!range.is_empty());
        for id in range.clone() {
            assert!(
                catalogue.word(id).starts_with("diabet"),
                "{}",
                catalogue.word(id)
            );
        }
        assert!(!catalogue.word(range.start - 1).starts_with("diabet"));
        assert!(!catalogue.word(range.end).starts_with("diabet"));
        assert!(catalogue.word_range("zzzzzz").is_empty());
    }
}
