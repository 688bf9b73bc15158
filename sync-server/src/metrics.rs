//! Counters in the Prometheus text format at `/metrics`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), (u64, f64)>>,
    pushed: AtomicU64,
    rejected: AtomicU64,
    pulled: AtomicU64,
    rate_limited: AtomicU64,
}

/// The route families counted separately (anything else counts as `other`).
const ROUTES: &[&str] = &[
    "/v1/push",
    "/v1/pull",
    "/v1/enroll",
    "/v1/status",
    "/v1/health",
    "/metrics",
    "/openapi.json",
];

impl Metrics {
    pub fn request(&self, path: &str, status: u16, took: Duration) {
        let route = ROUTES
            .iter()
            .find(|r| **r == path)
            .copied()
            .unwrap_or("other");
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let entry = requests
            .entry((route.to_owned(), status))
            .or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += took.as_secs_f64();
    }

    pub fn pushed(&self, accepted: usize, rejected: usize) {
        self.pushed.fetch_add(accepted as u64, Ordering::Relaxed);
        self.rejected.fetch_add(rejected as u64, Ordering::Relaxed);
    }

    pub fn pulled(&self, changes: usize) {
        self.pulled.fetch_add(changes as u64, Ordering::Relaxed);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP clinic_sync_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE clinic_sync_requests_total counter\n");
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        for ((route, status), (count, _)) in requests.iter() {
            out.push_str(&format!(
                "clinic_sync_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP clinic_sync_request_seconds_total Time spent serving requests by route.\n",
        );
        out.push_str("# TYPE clinic_sync_request_seconds_total counter\n");
        for ((route, status), (_, seconds)) in requests.iter() {
            out.push_str(&format!("clinic_sync_request_seconds_total{{route=\"{route}\",status=\"{status}\"}} {seconds:.6}\n"));
        }
        for (name, help, value) in [
            (
                "clinic_sync_changes_accepted_total",
                "Pushed changes accepted.",
                &self.pushed,
            ),
            (
                "clinic_sync_changes_rejected_total",
                "Pushed changes refused, with a reason.",
                &self.rejected,
            ),
            (
                "clinic_sync_changes_pulled_total",
                "Changes served to pulling workstations.",
                &self.pulled,
            ),
            (
                "clinic_sync_rate_limited_total",
                "Requests refused with 429.",
                &self.rate_limited,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                value.load(Ordering::Relaxed)
            ));
        }
        out
    }
}
