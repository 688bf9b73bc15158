//! The sync server as a library: [`migrate`] brings the central PostgreSQL schema to head,
//! [`router`] builds the HTTP API and [`serve`] runs it until shut down. The binary in
//! `main.rs` only reads configuration and calls these, so tests drive the real thing.

pub mod error;

use std::future::Future;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use clinic_protocol::{Health, PROTOCOL_VERSION};
use tokio::net::TcpListener;

pub use error::{Error, Result};

mod embedded {
    refinery::embed_migrations!("../migrations/central");
}

/// Runs the embedded central migrations; returns the schema version now in force.
/// Safe to run from several server processes at start: refinery takes a lock.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<u32> {
    let report = embedded::migrations::runner()
        .set_abort_divergent(true)
        .run_async(client)
        .await
        .map_err(|e| Error::Migration(e.to_string()))?;
    let _ = report;
    Ok(schema_version())
}

/// The highest central migration embedded in this build.
pub fn schema_version() -> u32 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| u32::try_from(m.version()).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

#[derive(Clone)]
struct AppState {
    schema_version: u32,
}

/// The HTTP API.
pub fn router() -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .with_state(AppState {
            schema_version: schema_version(),
        })
}

async fn health(State(state): State<AppState>) -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
        protocol_version: PROTOCOL_VERSION,
        schema_version: state.schema_version,
    })
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes in-flight
/// requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Io)
}
