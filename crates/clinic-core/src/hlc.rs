//! Hybrid logical clock: stamps that follow wall time but never go backwards and always
//! order causally related events, even when a workstation's clock is wrong. Ties between
//! devices are broken by device id, so every stamp in the system is unique and totally
//! ordered; that order decides last-writer-wins merges.

use std::fmt;
use std::str::FromStr;

use clinic_protocol::limits::next_after;
use serde::{Deserialize, Serialize};

use crate::ids::DeviceId;

/// One stamp. Field order makes the derived `Ord` the merge order: wall time, then
/// counter, then device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcStamp {
    pub wall_ms: u64,
    pub counter: u32,
    pub device: DeviceId,
}

impl HlcStamp {
    /// A stamp's text form sorts exactly like the stamp, so the store can compare and
    /// index it as plain text: `0001736067600000-00000-<device uuid>`.
    pub fn encode(&self) -> String {
        format!("{:016}-{:05}-{}", self.wall_ms, self.counter, self.device)
    }
}

impl fmt::Display for HlcStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a clock stamp: {0:?}")]
pub struct BadStamp(String);

impl FromStr for HlcStamp {
    type Err = BadStamp;
    fn from_str(s: &str) -> Result<Self, BadStamp> {
        let bad = || BadStamp(s.to_owned());
        let mut parts = s.splitn(3, '-');
        let wall = parts.next().filter(|p| p.len() == 16).ok_or_else(bad)?;
        let counter = parts.next().filter(|p| p.len() == 5).ok_or_else(bad)?;
        let device = parts.next().ok_or_else(bad)?;
        Ok(HlcStamp {
            wall_ms: wall.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            device: device.parse().map_err(|_| bad())?,
        })
    }
}

impl Serialize for HlcStamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for HlcStamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The clock state of one device.
#[derive(Debug, Clone)]
pub struct HybridClock {
    device: DeviceId,
    wall_ms: u64,
    counter: u32,
}

impl HybridClock {
    /// Resumes from the last stamp this device handed out (zero for a new device).
    pub fn resume(device: DeviceId, wall_ms: u64, counter: u32) -> Self {
        Self {
            device,
            wall_ms,
            counter,
        }
    }

    pub fn last(&self) -> (u64, u32) {
        (self.wall_ms, self.counter)
    }

    /// A stamp for a local event at physical time `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> HlcStamp {
        if now_ms > self.wall_ms {
            self.wall_ms = now_ms;
            self.counter = 0;
        } else {
            (self.wall_ms, self.counter) = next_after(self.wall_ms, self.counter);
        }
        self.stamp()
    }

    /// Takes in a stamp received from another device, so that everything this device
    /// does afterwards orders after it.
    pub fn observe(&mut self, remote: &HlcStamp, now_ms: u64) -> HlcStamp {
        let wall = now_ms.max(self.wall_ms).max(remote.wall_ms);
        (self.wall_ms, self.counter) = if wall == self.wall_ms && wall == remote.wall_ms {
            next_after(wall, self.counter.max(remote.counter))
        } else if wall == self.wall_ms {
            next_after(wall, self.counter)
        } else if wall == remote.wall_ms {
            next_after(wall, remote.counter)
        } else {
            (wall, 0)
        };
        self.stamp()
    }

    fn stamp(&self) -> HlcStamp {
        HlcStamp {
            wall_ms: self.wall_ms,
            counter: self.counter,
            device: self.device,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn device() -> DeviceId {
        DeviceId::new(&ManualClock::monday_morning())
    }

    #[test]
    fn stamps_never_go_backwards_when_the_wall_clock_does() {
        let mut hlc = HybridClock::resume(device(), 0, 0);
        let a = hlc.tick(1_000);
        let b = hlc.tick(900); // the wall clock was set back
        let c = hlc.tick(900);
        assert!(
            a < b && b < c,
            "{a} < {b} < {c} despite the clock going back"
        );
        assert_eq!(b.wall_ms, 1_000, "wall part holds at the highest time seen");
    }

    #[test]
    fn observing_a_remote_stamp_orders_later_local_events_after_it() {
        let mut ours = HybridClock::resume(device(), 0, 0);
        let remote = HlcStamp {
            wall_ms: 5_000,
            counter: 7,
            device: device(),
        };
        let seen = ours.observe(&remote, 1_000);
        assert!(seen > remote);
        assert!(
            ours.tick(1_000) > remote,
            "our clock is behind, yet we order after"
        );
    }

    #[test]
    fn a_full_counter_moves_the_wall_part_on_instead_of_growing_a_digit() {
        let d = device();
        let mut hlc = HybridClock::resume(d, 1_000, clinic_protocol::limits::MAX_COUNTER);
        let next = hlc.tick(900);
        assert_eq!((next.wall_ms, next.counter), (1_001, 0));
        let full = HlcStamp {
            wall_ms: 2_000,
            counter: clinic_protocol::limits::MAX_COUNTER,
            device: d,
        };
        let seen = hlc.observe(&full, 0);
        assert_eq!((seen.wall_ms, seen.counter), (2_001, 0));
        assert!(
            seen > full && seen.encode() > full.encode(),
            "still sorts after"
        );
        assert_eq!(seen.encode().parse::<HlcStamp>().unwrap(), seen);
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_stamp() {
        let d = device();
        let a = HlcStamp {
            wall_ms: 99,
            counter: 10,
            device: d,
        };
        let b = HlcStamp {
            wall_ms: 100,
            counter: 2,
            device: d,
        };
        assert_eq!(a.encode().parse::<HlcStamp>().unwrap(), a);
        assert!(a.encode() < b.encode(), "text order equals stamp order");
        assert!("12-3-x".parse::<HlcStamp>().is_err());
    }
}
