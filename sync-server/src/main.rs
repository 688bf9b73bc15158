//! `sync-server`: reads configuration, migrates the central database and serves the API.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "sync-server",
    version,
    about = "The clinic group's sync server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the central database to this version's schema, then exit.
    Migrate {
        /// PostgreSQL connection string, e.g. postgres://clinic@db.example/clinic
        #[arg(long, env = "CLINIC_DATABASE_URL")]
        database_url: String,
    },
    /// Migrate, then serve the sync API.
    Serve {
        #[arg(long, env = "CLINIC_DATABASE_URL")]
        database_url: String,
        /// Address to listen on. Plain HTTP is for loopback only until TLS lands.
        #[arg(long, env = "CLINIC_LISTEN", default_value = "127.0.0.1:8443")]
        listen: std::net::SocketAddr,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Migrate { database_url } => {
            let version = migrate(&database_url).await?;
            println!("central schema at version {version}");
        }
        Command::Serve {
            database_url,
            listen,
        } => {
            anyhow::ensure!(
                listen.ip().is_loopback(),
                "refusing to serve plain HTTP on {listen}: only loopback addresses are allowed"
            );
            migrate(&database_url).await?;
            let listener = TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!("sync-server listening on http://{}", listener.local_addr()?);
            sync_server::serve(listener, sync_server::router(), async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
    }
    Ok(())
}

async fn migrate(database_url: &str) -> anyhow::Result<u32> {
    let (mut client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .context("cannot connect to the central database; check CLINIC_DATABASE_URL")?;
    let task = tokio::spawn(connection);
    let version = sync_server::migrate(&mut client).await?;
    drop(client);
    let _ = task.await;
    Ok(version)
}
