//! The public API of `clinic-icd10`: the compiled-in list (`catalogue.rs`) and search
//! (`search.rs`).

mod catalogue;
mod search;
