//! Search by code prefix and by words of the title (issue 12: "ICD search finds E11.9 by
//! 'diabetes type 2' and by 'E11'").

use clinic_icd10::{Catalogue, search};

fn codes(query: &str, limit: usize) -> Vec<&'static str> {
    search(query, limit).into_iter().map(|e| e.code).collect()
}

/// The title's words the way a reader sees them: lower case, apostrophes dropped, split at
/// anything that is not a letter or a digit (the queries below are plain ASCII).
fn title_words(title: &str) -> Vec<String> {
    title
        .to_lowercase()
        .replace('\'', "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn diabetes_type_2_finds_e11_9_in_the_first_ten() {
    let found = codes("diabetes type 2", 10);
    assert!(
        found.contains(&"E11.9"),
        "the acceptance test of issue 12; got {found:?}"
    );
}

#[test]
fn title_words_match_in_any_order() {
    for query in [
        "type 2 diabetes",
        "2 diabetes type",
        "diabetes 2 type",
        "type diabetes 2",
    ] {
        let found = codes(query, 10);
        assert!(
            found.contains(&"E11.9"),
            "{query:?} must find E11.9; got {found:?}"
        );
        assert_eq!(
            found,
            codes("diabetes type 2", 10),
            "the order of the words must not change the results"
        );
    }
}

#[test]
fn the_start_of_a_word_is_enough() {
    let found = codes("diab typ 2", 10);
    assert!(
        found.contains(&"E11.9"),
        "typing is cut short; got {found:?}"
    );
}

#[test]
fn accents_and_case_are_folded_in_queries_and_titles() {
    let found = codes("DIABÈTES type 2", 10);
    assert!(found.contains(&"E11.9"), "got {found:?}");
    for query in ["sezary", "SÉZARY", "Sézary unspecified"] {
        assert!(
            codes(query, 20).contains(&"C84.10"),
            "{query:?} must find 'Sézary disease, unspecified site'"
        );
    }
}

#[test]
fn a_number_is_a_word_so_type_1_does_not_find_type_2() {
    let found = codes("diabetes type 1", usize::MAX);
    assert!(!found.is_empty());
    assert!(
        !found.contains(&"E11.9"),
        "'1' is neither '2' nor the start of it"
    );
    assert!(
        found.contains(&"E10.9"),
        "Type 1 diabetes mellitus without complications"
    );
}

#[test]
fn a_code_prefix_lists_the_category_first_then_its_codes_in_code_order() {
    let found = codes("E11", 500);
    assert_eq!(found.first(), Some(&"E11"), "the category first");
    assert!(
        found.iter().all(|c| c.starts_with("E11")),
        "nothing outside E11: {found:?}"
    );
    assert!(found.windows(2).all(|p| p[0] < p[1]), "in code order");
    let all = Catalogue::get()
        .entries()
        .iter()
        .filter(|e| e.code.starts_with("E11"))
        .count();
    assert_eq!(
        found.len(),
        all,
        "every E11 code, and the limit was not reached"
    );
    assert!(found.contains(&"E11.9"), "the acceptance test of issue 12");
}

#[test]
fn a_code_without_its_dot_or_in_lower_case_finds_it_first() {
    for query in ["e119", "E119", "E11.9", "e11.9"] {
        assert_eq!(codes(query, 5).first(), Some(&"E11.9"), "{query:?}");
    }
    assert_eq!(
        codes("t36.0x1a", 5),
        ["T36.0X1A"],
        "a seventh-character code"
    );
}

#[test]
fn a_code_and_words_together_narrow_each_other() {
    let found = search("E11 retinopathy", usize::MAX);
    assert!(!found.is_empty());
    for entry in &found {
        assert!(entry.code.starts_with("E11"), "{}", entry.code);
        assert!(
            entry.title.contains("retinopathy"),
            "{}: {}",
            entry.code,
            entry.title
        );
    }
}

#[test]
fn a_code_like_word_also_matches_title_words() {
    // "B12" reads like a code prefix (there is no such category) and is also a title word.
    let found = codes("b12 deficiency anemia", 20);
    assert!(
        found.contains(&"D51.9"),
        "Vitamin B12 deficiency anemia, unspecified; got {found:?}"
    );
}

#[test]
fn every_result_has_a_title_word_starting_with_each_query_word() {
    // The invariant behind the ranking: a result may rank low, but never fail a word.
    for query in [
        "diabetes type 2",
        "fracture femur right",
        "otitis media",
        "low back pain",
        "asthma",
        "hiv",
    ] {
        let words: Vec<&str> = query.split_whitespace().collect();
        let found = search(query, usize::MAX);
        assert!(!found.is_empty(), "{query:?} finds something");
        for entry in found {
            let title = title_words(entry.title);
            for word in &words {
                assert!(
                    title.iter().any(|t| t.starts_with(word)),
                    "{query:?} found {} {:?}, which has no word starting with {word:?}",
                    entry.code,
                    entry.title
                );
            }
        }
    }
}

#[test]
fn billable_codes_rank_before_their_category_for_the_same_words() {
    let found = codes("low back pain", 10);
    let billable = found
        .iter()
        .position(|c| *c == "M54.50")
        .expect("Low back pain, unspecified");
    let category = found
        .iter()
        .position(|c| *c == "M54.5")
        .expect("Low back pain");
    assert!(
        billable < category,
        "a code that can be billed is what a diagnosis needs; got {found:?}"
    );
}

#[test]
fn a_blank_query_finds_nothing_rather_than_everything() {
    for query in ["", "   ", "\t\n", ",;-()", "'"] {
        assert!(search(query, 10).is_empty(), "{query:?}");
    }
}

#[test]
fn the_limit_is_respected() {
    assert_eq!(search("diabetes", 5).len(), 5);
    assert_eq!(search("E11", 3).len(), 3);
    assert!(search("diabetes", 0).is_empty());
    assert_eq!(
        codes("E11", 3),
        ["E11", "E11.0", "E11.00"],
        "the limit keeps the best, not any"
    );
}

#[test]
fn a_query_that_matches_nothing_finds_nothing() {
    assert!(search("xyzzyq", 10).is_empty());
    assert!(
        search("diabetes xyzzyq", 10).is_empty(),
        "every word must match"
    );
    assert!(search("Z99.999", 10).is_empty());
}

#[test]
fn a_limited_search_keeps_exactly_the_first_results_of_an_unlimited_one() {
    // Search keeps only the best `limit` while it scans and skips entries that cannot make
    // the list; that shortcut must never change which entries are the best.
    for query in [
        "diabetes type 2",
        "fracture femur",
        "d",
        "E11",
        "E11 retinopathy",
        "2",
        "hypertension",
    ] {
        let all = codes(query, usize::MAX);
        for limit in [1, 7, 20, 100] {
            let expected: Vec<_> = all.iter().copied().take(limit).collect();
            assert_eq!(
                codes(query, limit),
                expected,
                "{query:?} with limit {limit}"
            );
        }
    }
}
