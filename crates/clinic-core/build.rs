//! The workstation migrations are embedded at compile time (refinery reads the folder):
//! a new migration file must rebuild this crate even when no Rust file changed.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/workstation");
}
