//! Searching the catalogue: what counts as a match, and the order of the results.
//!
//! A query is cut into tokens. A piece that looks like a code (`E11`, `e11.9`, `T36.0X1A`)
//! matches the codes that start with it, and also titles with a word that starts with it
//! (`b12` is a code prefix and the word of "Vitamin B12 deficiency"). Every other word is
//! folded (case and accents) and matches titles with a word that starts with it, so
//! `diab typ 2` finds "Type 2 diabetes mellitus". Every token must match; their order does
//! not matter.
//!
//! Order: codes found by their code first, in code order (`E11`, then `E11.0`, …). Then
//! titles that have every query word whole before those that have one only as the start of
//! a longer word, billable codes before categories, titles with fewer words besides the
//! query's before longer ones, shorter titles, and finally code order. So `diabetes type 2`
//! puts the billable "Type 2 diabetes mellitus without complications" (E11.9) near the top,
//! not the hundred longer E11 titles or the non-billable category.
//!
//! Work: the candidates are the entries of the one token that has the fewest
//! (entry, word) pairs, marked in a bit set (so they come out in code order, each once);
//! every other token is checked against a candidate's own few word ids.

use std::collections::BinaryHeap;
use std::ops::Range;

use crate::catalogue::{Catalogue, CodeKey};
use crate::{Entry, fold};

/// One thing the query asks for.
struct Token {
    /// The code prefix, when the piece looks like a code.
    code: Option<CodeKey>,
    /// The vocabulary ids of the words that start with the token.
    words: Range<u32>,
    /// The id of the word equal to the token, if the titles have it: it is always the
    /// first of `words`, since a word sorts before the longer words it starts.
    whole: Option<u32>,
}

/// How good a match is; smaller is better, and `id` (code order) settles ties.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// False (so first) when found by its code, true when found by its title.
    by_title: bool,
    /// Query words that matched only the start of a longer title word.
    partial: u8,
    not_billable: bool,
    /// Title words that no query word matched.
    extra: u16,
    title_len: u16,
    id: u32,
}

impl Catalogue {
    /// At most `limit` codes for what was typed, best first. A blank query, or one with no
    /// letter or digit, finds nothing (rather than the whole list).
    ///
    /// - `E11` gives `E11`, then `E11.0`, `E11.00`, … in code order; `e119` and `E11.9`
    ///   give `E11.9`.
    /// - `diabetes type 2`, `type 2 diab` and `DIABÈTES TYPE 2` find "Type 2 diabetes
    ///   mellitus without complications" (`E11.9`) among the first results.
    /// - `E11 retinopathy` gives the E11 codes whose title mentions retinopathy.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Entry> {
        let tokens = self.tokens(query);
        if tokens.is_empty() || limit == 0 {
            return Vec::new();
        }
        // A token nothing matches settles it; otherwise start from the cheapest one.
        let cost = |t: &Token| {
            self.postings_len(&t.words) + t.code.map_or(0, |c| self.code_range(&c).len())
        };
        let Some(seed) = tokens.iter().min_by_key(|t| cost(t)) else {
            return Vec::new();
        };
        if cost(seed) == 0 {
            return Vec::new();
        }

        let mut candidates = vec![0u64; self.entries.len().div_ceil(64)];
        for &id in self.postings(&seed.words) {
            candidates[id as usize / 64] |= 1 << (id % 64);
        }
        if let Some(code) = &seed.code {
            for id in self.code_range(code) {
                candidates[id / 64] |= 1 << (id % 64);
            }
        }

        // The best `limit` so far, worst on top so it is the one dropped.
        let mut best: BinaryHeap<Rank> = BinaryHeap::new();
        for (block, &bits) in candidates.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let id = (block * 64) as u32 + bits.trailing_zeros();
                bits &= bits - 1;
                let worst = if best.len() < limit {
                    None
                } else {
                    best.peek()
                };
                if let Some(rank) = self.rank(id, &tokens, worst) {
                    if worst.is_some() {
                        best.pop();
                    }
                    best.push(rank);
                }
            }
        }
        let mut ranked = best.into_vec();
        ranked.sort_unstable();
        ranked
            .into_iter()
            .map(|rank| self.entries[rank.id as usize])
            .collect()
    }

    fn tokens(&self, query: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        for piece in query.split_whitespace() {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some(code) = CodeKey::parse(piece) {
                tokens.push(self.token(&code.as_word(), Some(code)));
            } else {
                for word in fold::split(piece) {
                    tokens.push(self.token(&word, None));
                }
            }
        }
        tokens
    }

    fn token(&self, word: &str, code: Option<CodeKey>) -> Token {
        let words = self.word_range(word);
        let whole = (!words.is_empty() && self.word(words.start) == word).then_some(words.start);
        Token { code, words, whole }
    }

    /// How entry `id` matches every token, or `None` if one of them does not or if it
    /// would rank after `worst` (the last of a full list of results).
    fn rank(&self, id: u32, tokens: &[Token], worst: Option<&Rank>) -> Option<Rank> {
        let entry = &self.entries[id as usize];
        let words = self.words_of(id);
        let mut by_code = false;
        let mut partial = 0u8;
        for token in tokens {
            // Reading the code touches the compiled-in text, far from the index: only
            // when the query has a code.
            if token
                .code
                .is_some_and(|code| CodeKey::of(entry.code).starts_with(&code))
            {
                by_code = true;
                continue;
            }
            // The entry's smallest word id at or after the range's start.
            let at = words.partition_point(|&w| w < token.words.start);
            let first = *words.get(at)?;
            if first >= token.words.end {
                return None;
            }
            if token.whole != Some(first) {
                partial = partial.saturating_add(1);
            }
        }
        if by_code {
            // Codes found by their code are listed in code order, whatever their title.
            let rank = Rank {
                by_title: false,
                partial: 0,
                not_billable: false,
                extra: 0,
                title_len: 0,
                id,
            };
            return worst.is_none_or(|worst| rank < *worst).then_some(rank);
        }
        let mut rank = Rank {
            by_title: true,
            partial,
            not_billable: !entry.billable,
            extra: 0,
            title_len: 0,
            id: 0,
        };
        // With the rest still zero this is the best the entry can rank: stop if even that
        // cannot make the list, before counting its words.
        if worst.is_some_and(|worst| rank >= *worst) {
            return None;
        }
        let extra = words
            .iter()
            .filter(|w| !tokens.iter().any(|t| t.words.contains(w)))
            .count();
        rank.extra = u16::try_from(extra).unwrap_or(u16::MAX);
        rank.title_len = u16::try_from(entry.title.len()).unwrap_or(u16::MAX);
        rank.id = id;
        worst.is_none_or(|worst| rank < *worst).then_some(rank)
    }
}
