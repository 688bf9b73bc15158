//! The sync server's error type.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("migrating the central database failed: {0}")]
    Migration(String),
    #[error("database: {0}")]
    Database(#[from] tokio_postgres::Error),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}
