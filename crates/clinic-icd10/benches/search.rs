//! ICD-10-CM search over the full list, against a baseline measured in the same run.
//!
//! `cargo bench -p clinic-icd10` (std only, no harness). Baseline: a linear scan over every
//! entry with the titles already folded into words (that folding is done once, outside
//! the timing, so the baseline is the fastest scan a first version would have), checking
//! each query word as a prefix of some title word and code-like words as a code prefix,
//! then sorting what matched. Both must find the same codes for every query (checked
//! before timing). What to compare between runs is the ratio, not the times: the machine
//! is shared and noisy. Set `BENCH_ROUNDS` to change the number of timed rounds (5).

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use clinic_icd10::{Catalogue, Entry};

/// Typed the way a clinician does: title words in any order and cut short, code prefixes
/// with and without the dot, a code with words, accents, and the short prefixes a
/// search-as-you-type box sends first.
const QUERIES: &[&str] = &[
    "diabetes type 2",
    "type 2 diab",
    "DIABÈTES TYPE 2",
    "hypertension",
    "essential hypert",
    "asthma",
    "asthma unspecified uncomplicated",
    "pneumonia",
    "otitis media",
    "urinary tract infection",
    "low back pain",
    "chest pain",
    "headache",
    "migraine",
    "depressive episode",
    "anxiety",
    "covid",
    "fever",
    "cough",
    "gastroenteritis",
    "fracture femur",
    "fracture radius right initial",
    "sezary",
    "pregnancy",
    "malaria",
    "tuberculosis lung",
    "sickle cell",
    "hiv",
    "dermatitis",
    "conjunctivitis",
    "E11",
    "e11.9",
    "E119",
    "I10",
    "J45",
    "J45.909",
    "S52",
    "T36.0X1",
    "Z00",
    "E11 retinopathy",
    "d",
    "di",
    "dia",
    "2",
];

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);

    let rss_before = resident_kib();
    let started = Instant::now();
    let catalogue = Catalogue::get();
    let build = started.elapsed();
    let rss_after = resident_kib();
    let entries = catalogue.entries();

    let started = Instant::now();
    let naive = Naive::new(entries);
    let naive_setup = started.elapsed();

    let mut differ = 0;
    for query in QUERIES {
        let indexed: BTreeSet<&str> = catalogue
            .search(query, usize::MAX)
            .iter()
            .map(|e| e.code)
            .collect();
        let scanned: BTreeSet<&str> = naive
            .search(query, usize::MAX)
            .iter()
            .map(|e| e.code)
            .collect();
        if indexed != scanned {
            differ += 1;
            eprintln!(
                "{query:?}: index finds {}, scan finds {}; only index: {:?}; only scan: {:?}",
                indexed.len(),
                scanned.len(),
                indexed.difference(&scanned).take(5).collect::<Vec<_>>(),
                scanned.difference(&indexed).take(5).collect::<Vec<_>>()
            );
        }
    }

    // One warm-up round, then `rounds` timed ones; the two alternate query by query so
    // that both see the same machine.
    let limit = 20;
    for query in QUERIES {
        black_box(catalogue.search(query, limit));
        black_box(naive.search(query, limit));
    }
    let mut indexed = Vec::new();
    let mut scanned = Vec::new();
    for _ in 0..rounds {
        for query in QUERIES {
            let started = Instant::now();
            black_box(catalogue.search(black_box(query), limit));
            indexed.push(started.elapsed());
            let started = Instant::now();
            black_box(naive.search(black_box(query), limit));
            scanned.push(started.elapsed());
        }
    }
    let slowest = QUERIES
        .iter()
        .map(|q| {
            let started = Instant::now();
            black_box(catalogue.search(q, limit));
            (started.elapsed(), *q)
        })
        .max()
        .expect("there are queries");

    println!(
        "ICD-10-CM search: {} codes ({} billable), {} queries x {rounds} rounds, limit {limit}",
        entries.len(),
        entries.iter().filter(|e| e.billable).count(),
        QUERIES.len()
    );
    println!("index build (first Catalogue::get): {}", ms(build));
    match (rss_before, rss_after) {
        (Some(before), Some(after)) => println!(
            "resident memory added by the build: {:.1} MiB (index plus the compiled-in list paged in)",
            after.saturating_sub(before) as f64 / 1024.0
        ),
        _ => println!("resident memory: not measured (no /proc/self/status)"),
    }
    println!(
        "baseline set-up (folding every title, not timed below): {}",
        ms(naive_setup)
    );
    println!(
        "same codes found by both for every query: {}",
        if differ == 0 { "yes" } else { "NO" }
    );
    println!("| search | median | p95 | mean |");
    println!("|---|---|---|---|");
    for (name, times) in [
        ("index", &mut indexed),
        ("baseline: linear scan", &mut scanned),
    ] {
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        times.sort();
        println!(
            "| {name} | {} | {} | {} |",
            ms(percentile(times, 50)),
            ms(percentile(times, 95)),
            ms(mean)
        );
    }
    let ratio = |p| percentile(&indexed, p).as_secs_f64() / percentile(&scanned, p).as_secs_f64();
    println!(
        "index / baseline: {:.4}x median, {:.4}x p95",
        ratio(50),
        ratio(95)
    );
    println!(
        "slowest query with the index: {:?} {}",
        slowest.1,
        ms(slowest.0)
    );
    if differ > 0 {
        std::process::exit(1);
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() - 1) * p / 100]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The baseline: every title folded into words once, then every query scans them all.
struct Naive<'a> {
    entries: &'a [Entry],
    titles: Vec<Vec<String>>,
    codes: Vec<String>,
}

impl<'a> Naive<'a> {
    fn new(entries: &'a [Entry]) -> Self {
        Naive {
            entries,
            titles: entries.iter().map(|e| fold_words(e.title)).collect(),
            codes: entries.iter().map(|e| e.code.replace('.', "")).collect(),
        }
    }

    fn search(&self, query: &str, limit: usize) -> Vec<Entry> {
        let mut codes = Vec::new();
        let mut words = Vec::new();
        for piece in query.split_whitespace() {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if looks_like_code(piece) {
                let code = piece.replace('.', "").to_ascii_uppercase();
                words.push(code.to_ascii_lowercase());
                codes.push(Some(code));
            } else {
                for word in fold_words(piece) {
                    words.push(word);
                    codes.push(None);
                }
            }
        }
        if words.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let mut by_code = false;
            let all = words.iter().zip(&codes).all(|(word, code)| {
                if code
                    .as_ref()
                    .is_some_and(|c| self.codes[i].starts_with(c.as_str()))
                {
                    by_code = true;
                    return true;
                }
                self.titles[i].iter().any(|w| w.starts_with(word.as_str()))
            });
            if all {
                found.push((
                    !by_code,
                    !entry.billable,
                    self.titles[i].len(),
                    entry.code,
                    *entry,
                ));
            }
        }
        found.sort_unstable_by_key(|f| (f.0, f.1, f.2, f.3));
        found.into_iter().take(limit).map(|f| f.4).collect()
    }
}

fn looks_like_code(piece: &str) -> bool {
    let b = piece.as_bytes();
    let dotless = piece.replace('.', "");
    b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1].is_ascii_digit()
        && dotless.len() <= 7
        && dotless.bytes().all(|c| c.is_ascii_alphanumeric())
        && piece
            .find('.')
            .is_none_or(|at| at == 3 && b.len() > 4 && piece.matches('.').count() == 1)
}

fn fold_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à'..='å' => 'a',
            'ç' => 'c',
            'è'..='ë' => 'e',
            'ì'..='ï' => 'i',
            'ò'..='ö' | 'ø' => 'o',
            'ù'..='ü' => 'u',
            other => other,
        };
        if c == '\'' || c == '’' || ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
