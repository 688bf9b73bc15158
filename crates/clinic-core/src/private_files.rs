//! The workstation's files are the owner's alone: the data directory is 0700 and every
//! file in it (database, its WAL and shared-memory files, key file, sign-in state, and
//! their temporary and staging copies) 0600, set explicitly so the umask does not decide.
//! The database is encrypted and the key file sealed, but a world-readable copy still
//! gives every local account an offline password-guessing target.
//!
//! On other platforms than unix these are no-ops: the directory inherits the ACLs of
//! the user's profile folder.

use std::fs;
use std::path::Path;

use crate::error::{Error, Result};

/// Mode of the data directory and of a staging directory.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// Mode of every file in them.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents) and makes `dir` itself private.
pub(crate) fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(Error::io(dir))?;
    set_mode(dir, true)
}

/// Creates the new directory `dir` (it must not exist), private from its first moment.
pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir).map_err(Error::io(dir))?;
    set_mode(dir, true)
}

/// Creates the new, empty file `path` (it must not exist), private from its first moment.
pub(crate) fn create_new_file(path: &Path) -> Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = options.open(path).map_err(Error::io(path))?;
    set_mode(path, false)?;
    Ok(file)
}

/// Makes an existing file or directory private; a missing one is fine.
pub(crate) fn tighten(path: &Path, is_dir: bool) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path)(e)),
        Ok(_) => set_mode(path, is_dir),
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, is_dir: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = if is_dir { DIR_MODE } else { FILE_MODE };
    let current = fs::metadata(path).map_err(Error::io(path))?;
    if current.permissions().mode() & 0o777 == mode {
        // Nothing to change: also keeps read-only mounts of a correct install working.
        return Ok(());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(Error::io(path))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _is_dir: bool) -> Result<()> {
    Ok(())
}
