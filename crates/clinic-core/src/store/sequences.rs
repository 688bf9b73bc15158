//! Per-device counters behind human-readable numbers. A number is
//! `<branch code>-<device tag>-<counter>`, so two workstations that were offline at the
//! same time never hand out the same one.

use rusqlite::Transaction;

use crate::error::{Error, Result};
use crate::ids::DeviceId;

/// The next value of the named counter, starting at 1.
pub(crate) fn next(tx: &Transaction<'_>, name: &str) -> Result<i64> {
    tx.query_row(
        "INSERT INTO number_sequences (name, next) VALUES (?1, 1)
         ON CONFLICT (name) DO UPDATE SET next = next + 1
         RETURNING next",
        [name],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// Five Crockford base-32 characters taken from the device id's random bits: 33 million
/// possibilities, so devices of one branch practically never share a tag (and the server
/// still checks numbers for uniqueness).
pub fn device_tag(device: DeviceId) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = device.0.as_u128();
    (0..5)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect()
}

/// Formats a number: `BR01-7KQ3M-000042`.
pub(crate) fn number(branch_code: &str, device: DeviceId, value: i64) -> String {
    format!("{branch_code}-{}-{value:06}", device_tag(device))
}
