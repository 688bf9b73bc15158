//! The clinic desktop app: reads the command line and the environment, then runs the
//! shell (`clinic_desktop::run`).

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match clinic_desktop::parse_args(std::env::args_os().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("clinic-desktop: {message}");
            return ExitCode::from(2);
        }
    };
    let Some(data_dir) = args
        .data_dir
        .or_else(|| clinic_desktop::resolve_data_dir(|name| std::env::var_os(name)))
    else {
        eprintln!(
            "clinic-desktop: cannot tell where to keep the clinic data: set CLINIC_DATA_DIR \
             (or HOME) and start again"
        );
        return ExitCode::from(2);
    };
    let demo_mode = args
        .demo
        .unwrap_or_else(|| clinic_desktop::demo_enabled(std::env::var_os("CLINIC_DEMO")));
    clinic_desktop::run(data_dir, demo_mode)
}
