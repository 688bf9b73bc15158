//! The compiled-in list is the whole ICD-10-CM code set, and a code is found however it
//! is spelled.

use clinic_icd10::{Catalogue, Entry, lookup};

const DATA: &str = include_str!("../../data/icd10cm-2026.tsv");

#[test]
fn the_catalogue_holds_every_line_of_the_vendored_file() {
    let entries = Catalogue::get().entries();
    assert_eq!(
        entries.len(),
        DATA.lines().count(),
        "no line of the file may be dropped or added when it is read"
    );
    assert_eq!(
        entries.len(),
        98_186,
        "FY2026 has 98,186 codes (data/NOTICE); a new release changes this on purpose"
    );
}

#[test]
fn the_catalogue_is_the_full_code_set_not_a_sample() {
    let entries = Catalogue::get().entries();
    let billable = entries.iter().filter(|e| e.billable).count();
    assert!(
        billable > 70_000,
        "the full ICD-10-CM has over 70,000 billable codes, found {billable}"
    );
    for chapter_letter in 'A'..='Z' {
        let present = entries.iter().any(|e| e.code.starts_with(chapter_letter));
        // Every letter starts some code (U holds the special-purpose codes, COVID-19).
        assert!(present, "no code starts with {chapter_letter}");
    }
}

#[test]
fn well_known_codes_carry_the_cdc_titles_exactly() {
    let expected = [
        (
            "E11.9",
            "Type 2 diabetes mellitus without complications",
            true,
        ),
        ("E11", "Type 2 diabetes mellitus", false),
        ("I10", "Essential (primary) hypertension", true),
        ("J45.909", "Unspecified asthma, uncomplicated", true),
        ("U07.1", "COVID-19", true),
        ("C84.10", "Sézary disease, unspecified site", true),
        // Codes that only exist with a seventh character, which the tabular list defines
        // on an ancestor: the bare six-character code is not billable.
        (
            "T36.0X1A",
            "Poisoning by penicillins, accidental (unintentional), initial encounter",
            true,
        ),
        (
            "T36.0X1",
            "Poisoning by penicillins, accidental (unintentional)",
            false,
        ),
        (
            "S52.521A",
            "Torus fracture of lower end of right radius, initial encounter for closed fracture",
            true,
        ),
        // FY2026 added a category with a letter in second place.
        (
            "QA0.0101",
            "SCN2A-related neurodevelopmental disorder",
            true,
        ),
    ];
    for (code, title, billable) in expected {
        assert_eq!(
            lookup(code),
            Some(Entry {
                code,
                title,
                billable
            }),
            "{code}"
        );
    }
}

#[test]
fn codes_are_unique_and_in_code_order() {
    // Code-prefix search is a binary search over this order.
    let entries = Catalogue::get().entries();
    for pair in entries.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "{} must come before {}",
            pair[0].code,
            pair[1].code
        );
    }
}

#[test]
fn lookup_accepts_a_code_without_its_dot_in_any_case() {
    for spelling in ["E11.9", "E119", "e11.9", "e119", " E11.9 "] {
        assert_eq!(
            lookup(spelling).map(|e| e.code),
            Some("E11.9"),
            "{spelling:?}"
        );
    }
    assert_eq!(lookup("t360x1a").map(|e| e.code), Some("T36.0X1A"));
}

#[test]
fn lookup_finds_nothing_for_a_prefix_a_missing_code_or_words() {
    for not_a_code in ["E1", "E11.99", "Z99.999", "diabetes", "", "E11.9 diabetes"] {
        assert_eq!(
            lookup(not_a_code),
            None,
            "{not_a_code:?} is not a code of the list"
        );
    }
}
