//! `sync-server`: reads configuration, migrates the central database and serves the API;
//! also the IT person's enrollment and revocation commands.

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
    /// PostgreSQL connection string, e.g. postgres://clinic@db.example/clinic
    #[arg(long, env = "CLINIC_DATABASE_URL", global = true)]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the central database to this version's schema, then exit.
    Migrate,
    /// Migrate, then serve the sync API.
    Serve {
        /// Address to listen on. Plain HTTP is for loopback only until TLS lands.
        #[arg(long, env = "CLINIC_LISTEN", default_value = "127.0.0.1:8443")]
        listen: std::net::SocketAddr,
        /// Database connections per server process.
        #[arg(long, env = "CLINIC_DB_POOL", default_value_t = 8)]
        pool_size: usize,
    },
    /// Make a one-time code that enrolls one workstation into a branch.
    Enroll {
        #[arg(long)]
        branch: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: i32,
    },
    /// Manage enrolled devices.
    #[command(subcommand)]
    Device(DeviceCommand),
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Lock a workstation out at once (lost laptop, retired machine).
    Revoke {
        #[arg(long)]
        id: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let database_url = cli
        .database_url
        .context("say which database: pass --database-url or set CLINIC_DATABASE_URL")?;
    match cli.command {
        Command::Migrate => {
            let version = migrate(&database_url).await?;
            println!("central schema at version {version}");
        }
        Command::Serve { listen, pool_size } => {
            anyhow::ensure!(
                listen.ip().is_loopback(),
                "refusing to serve plain HTTP on {listen}: only loopback addresses are allowed"
            );
            migrate(&database_url).await?;
            let pool = sync_server::pool(&database_url, pool_size)?;
            let listener = TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!("sync-server listening on http://{}", listener.local_addr()?);
            sync_server::serve(listener, sync_server::router(pool), async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Enroll { branch, hours } => {
            migrate(&database_url).await?;
            let pool = sync_server::pool(&database_url, 1)?;
            let code = sync_server::create_enrollment_code(&pool, &branch, hours).await?;
            println!("{code}");
            eprintln!(
                "One-time code for branch {}: valid for {hours} hours. On the workstation: clinic sync join --server URL --code {code}",
                branch.to_ascii_uppercase()
            );
        }
        Command::Device(DeviceCommand::Revoke { id }) => {
            let pool = sync_server::pool(&database_url, 1)?;
            if sync_server::revoke_device(&pool, &id).await? {
                println!("device {id} revoked");
            } else {
                anyhow::bail!("no active device {id}");
            }
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
