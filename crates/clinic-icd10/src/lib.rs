//! The ICD-10-CM diagnosis code list, compiled into the binary, and its offline search.
//!
//! The list is the CDC's FY2026 tabular list (public domain; `data/NOTICE` says where it
//! comes from and how to regenerate it): every category, subcategory and billable code
//! with its title, 98,186 codes. It is never WHO ICD-10 data.
//!
//! [`search`] takes what a clinician types: a code or the start of one (`E11`, `e11.9`,
//! `E119`), words of the title in any order and cut short (`diab type 2`), or both
//! (`E11 retinopathy`), accents and case folded. [`lookup`] finds one code however it is
//! spelled. The index is built once, on first use, and kept for the life of the process.
//!
//! Invariants: the catalogue is exactly the vendored file (nothing added, nothing
//! dropped; a test counts it); no search result fails a word of its query; entries are
//! `'static` slices of the compiled-in text, so handing them out copies nothing.
//! A diagnosis recorded in a visit (a code, with free text beside it) is the clinical
//! feature's business; this crate only knows the code set.

mod catalogue;
mod fold;
mod search;

pub use catalogue::Catalogue;
pub use fold::fold_text;

/// Which release of ICD-10-CM the compiled-in list is, for a diagnosis to record beside
/// its code (codes are added, retitled and retired every October).
pub const RELEASE: &str = "ICD-10-CM FY2026 (April 1, 2026)";

/// One code of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The code as usually written, with its dot after the third character: `E11.9`.
    pub code: &'static str,
    /// The CDC's title: `Type 2 diabetes mellitus without complications`.
    pub title: &'static str,
    /// Whether the code can be billed: nothing more specific exists under it. A category
    /// such as `E11` is not billable; `E11.9` is.
    pub billable: bool,
}

/// Finds one code however it is spelled: `E11.9`, `e11.9` and `E119` all find `E11.9`.
pub fn lookup(code: &str) -> Option<Entry> {
    Catalogue::get().lookup(code)
}

/// At most `limit` codes for what was typed, best first (see [`Catalogue::search`]).
pub fn search(query: &str, limit: usize) -> Vec<Entry> {
    Catalogue::get().search(query, limit)
}
