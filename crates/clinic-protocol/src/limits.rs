//! What a change may look like, checked by whoever receives it: the sync server on push
//! and a workstation on pull. One definition, so both refuse the same things with the
//! same reasons.
//!
//! Invariants:
//! - A clock stamp is `<16-digit wall ms>-<5-digit counter>-<device uuid>`, names the
//!   device that sent the change, and is at most [`MAX_CLOCK_SKEW_MS`] ahead of the
//!   receiver's clock: one workstation with a wrong date cannot drag every other
//!   workstation's clock (and every later last-writer-wins merge) into the future.
//! - The counter never outgrows its five digits: past [`MAX_COUNTER`] the wall part
//!   moves on by a millisecond instead, so the text form keeps sorting like the stamp.
//! - A change outside attachments is at most [`MAX_CHANGE_BYTES`] of JSON fields, and no
//!   single field's value more than [`MAX_FIELD_BYTES`].

use serde_json::{Map, Value};

/// How far a stamp may run ahead of the receiver's clock.
pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;
/// The largest counter a stamp's five digits hold.
pub const MAX_COUNTER: u32 = 99_999;
/// The fields of one change, as JSON.
pub const MAX_CHANGE_BYTES: usize = 256 * 1024;
/// One field's value, as JSON.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A stamp's parts, once checked: (wall ms, counter).
pub fn parse_stamp(hlc: &str, device_id: &str) -> Result<(u64, u32), String> {
    let malformed = || {
        format!(
            "the clock stamp {hlc:?} is malformed (expected <16 digits>-<5 digits>-<device id>)"
        )
    };
    let mut parts = hlc.splitn(3, '-');
    let wall = parts
        .next()
        .filter(|p| p.len() == 16 && p.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(malformed)?;
    let counter = parts
        .next()
        .filter(|p| p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(malformed)?;
    let device = parts.next().ok_or_else(malformed)?;
    if device != device_id {
        return Err(
            "the clock stamp names another device than the one that sent the change".into(),
        );
    }
    Ok((
        wall.parse().map_err(|_| malformed())?,
        counter.parse().map_err(|_| malformed())?,
    ))
}

/// Checks a change's stamp against the receiver's clock (`now_ms`, Unix milliseconds).
pub fn check_stamp(hlc: &str, device_id: &str, now_ms: u64) -> Result<(u64, u32), String> {
    let (wall, counter) = parse_stamp(hlc, device_id)?;
    if wall > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
        let minutes = (wall - now_ms) / 60_000;
        return Err(format!(
            "the clock stamp is {minutes} minutes ahead of the receiver's clock (at most {} allowed): check the sending workstation's date and time",
            MAX_CLOCK_SKEW_MS / 60_000
        ));
    }
    Ok((wall, counter))
}

/// The stamp just after (wall, counter), carrying into the wall part when the counter is
/// full.
pub fn next_after(wall_ms: u64, counter: u32) -> (u64, u32) {
    if counter >= MAX_COUNTER {
        (wall_ms + 1, 0)
    } else {
        (wall_ms, counter + 1)
    }
}

/// Checks the size of a change's fields.
pub fn check_size(fields: &Map<String, Value>) -> Result<(), String> {
    let mut total = 2;
    for (name, value) in fields {
        let size = value.to_string().len();
        if size > MAX_FIELD_BYTES {
            return Err(format!(
                "the field {name} is {size} bytes; a field may hold at most {MAX_FIELD_BYTES} (attachments travel separately)"
            ));
        }
        total += name.len() + size + 4;
    }
    if total > MAX_CHANGE_BYTES {
        return Err(format!(
            "the change is {total} bytes; a change may hold at most {MAX_CHANGE_BYTES} (attachments travel separately)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEV: &str = "01900000-0000-7000-8000-000000000001";

    #[test]
    fn a_stamp_must_be_well_formed_and_name_its_sender() {
        let ok = format!("0001767600000000-00003-{DEV}");
        assert_eq!(parse_stamp(&ok, DEV), Ok((1_767_600_000_000, 3)));
        for bad in [
            format!("1767600000000-00003-{DEV}"),
            format!("0001767600000000-3-{DEV}"),
            format!("000176760000000x-00003-{DEV}"),
            "0001767600000000-00003".to_owned(),
        ] {
            assert!(
                parse_stamp(&bad, DEV).unwrap_err().contains("malformed"),
                "{bad}"
            );
        }
        let other = "0001767600000000-00003-01900000-0000-7000-8000-000000000002";
        assert!(
            parse_stamp(other, DEV)
                .unwrap_err()
                .contains("another device")
        );
    }

    #[test]
    fn a_stamp_may_run_ahead_of_the_receiver_by_the_bounded_skew_only() {
        let now = 1_767_600_000_000;
        let at = |wall: u64| format!("{wall:016}-00000-{DEV}");
        assert!(check_stamp(&at(now + MAX_CLOCK_SKEW_MS), DEV, now).is_ok());
        assert!(
            check_stamp(&at(now - 86_400_000), DEV, now).is_ok(),
            "the past is fine"
        );
        let err = check_stamp(&at(now + 3_600_000), DEV, now).unwrap_err();
        assert!(err.contains("60 minutes ahead"), "{err}");
    }

    #[test]
    fn the_counter_carries_into_the_wall_part_instead_of_growing_a_digit() {
        assert_eq!(next_after(5, 7), (5, 8));
        assert_eq!(next_after(5, MAX_COUNTER), (6, 0));
    }

    #[test]
    fn changes_and_fields_have_a_size_limit() {
        let small = json!({"name": "Amina"});
        assert!(check_size(small.as_object().unwrap()).is_ok());
        let big_field = json!({"notes": "x".repeat(MAX_FIELD_BYTES)});
        assert!(
            check_size(big_field.as_object().unwrap())
                .unwrap_err()
                .contains("field notes")
        );
        let mut many = Map::new();
        for i in 0..8 {
            many.insert(format!("f{i}"), json!("y".repeat(MAX_FIELD_BYTES - 100)));
        }
        assert!(check_size(&many).unwrap_err().contains("the change is"));
    }
}
