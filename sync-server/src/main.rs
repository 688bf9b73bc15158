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
    /// A TOML file of settings (database_url, listen, pool_size, tls_cert, tls_key,
    /// rate_per_address, rate_per_device, access_token_minutes, refresh_token_hours,
    /// login_failures, login_lockout_minutes). Flags and CLINIC_* environment variables
    /// override it.
    #[arg(long, env = "CLINIC_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,

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
    /// Migrate, then serve the sync API over HTTPS.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CLINIC_LISTEN", default_value = "127.0.0.1:8443")]
        listen: std::net::SocketAddr,
        /// Database connections per server process.
        #[arg(long, env = "CLINIC_DB_POOL", default_value_t = 8)]
        pool_size: usize,
        /// TLS certificate chain (PEM). `sync-server dev-cert` makes one for a first try.
        #[arg(long, env = "CLINIC_TLS_CERT")]
        tls_cert: Option<std::path::PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, env = "CLINIC_TLS_KEY")]
        tls_key: Option<std::path::PathBuf>,
        /// Requests per minute one client address may make.
        #[arg(long, env = "CLINIC_RATE_PER_ADDRESS", default_value_t = 1200)]
        rate_per_address: u32,
        /// Requests per minute one device may make.
        #[arg(long, env = "CLINIC_RATE_PER_DEVICE", default_value_t = 600)]
        rate_per_device: u32,
        /// Minutes a user's access token is accepted.
        #[arg(long, env = "CLINIC_ACCESS_TOKEN_MINUTES", default_value_t = 15)]
        access_token_minutes: u64,
        /// Hours an unused refresh token stays valid (a working day, by default).
        #[arg(long, env = "CLINIC_REFRESH_TOKEN_HOURS", default_value_t = 12)]
        refresh_token_hours: u64,
        /// Failed sign-ins in a row one user may have before signing in is paused.
        #[arg(long, env = "CLINIC_LOGIN_FAILURES", default_value_t = 5)]
        login_failures: u32,
        /// Minutes signing in is paused after those failures.
        #[arg(long, env = "CLINIC_LOGIN_LOCKOUT_MINUTES", default_value_t = 15)]
        login_lockout_minutes: u64,
        /// Serve plain HTTP instead of TLS: refused except on a loopback address, for
        /// tests and a reverse proxy on the same machine.
        #[arg(long)]
        insecure_plain_http: bool,
    },
    /// Write a self-signed certificate and key (cert.pem, key.pem) for a first try.
    DevCert {
        /// Directory to write into.
        #[arg(long, default_value = ".")]
        out: std::path::PathBuf,
        /// Host names or IP addresses the certificate is for (repeatable).
        #[arg(long = "name", default_values_t = ["localhost".to_string(), "127.0.0.1".to_string()])]
        names: Vec<String>,
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
    let cli = parse_with_config_file()?;
    if let Command::DevCert { out, names } = &cli.command {
        let (cert, key) = sync_server::tls::dev_cert(out, names)?;
        println!("wrote {} and {}", cert.display(), key.display());
        eprintln!(
            "Workstations must be told to trust this certificate: clinic sync join --ca-cert {}",
            cert.display()
        );
        return Ok(());
    }
    let database_url = cli
        .database_url
        .context("say which database: pass --database-url or set CLINIC_DATABASE_URL")?;
    match cli.command {
        Command::DevCert { .. } => unreachable!("handled above"),
        Command::Migrate => {
            let version = migrate(&database_url).await?;
            println!("central schema at version {version}");
        }
        Command::Serve {
            listen,
            pool_size,
            tls_cert,
            tls_key,
            rate_per_address,
            rate_per_device,
            access_token_minutes,
            refresh_token_hours,
            login_failures,
            login_lockout_minutes,
            insecure_plain_http,
        } => {
            let limits = sync_server::limits::Limits {
                per_address_per_minute: rate_per_address,
                per_device_per_minute: rate_per_device,
                access_token_lifetime: std::time::Duration::from_secs(
                    access_token_minutes.max(1) * 60,
                ),
                refresh_token_lifetime: std::time::Duration::from_secs(
                    refresh_token_hours.max(1) * 3600,
                ),
                login_failures_allowed: login_failures.max(1),
                login_lockout: std::time::Duration::from_secs(login_lockout_minutes.max(1) * 60),
                ..sync_server::limits::Limits::default()
            };
            anyhow::ensure!(
                !insecure_plain_http || listen.ip().is_loopback(),
                "refusing to serve plain HTTP on {listen}: only loopback addresses are allowed"
            );
            let tls = match (insecure_plain_http, tls_cert, tls_key) {
                (true, _, _) => None,
                (false, Some(cert), Some(key)) => Some(sync_server::tls::load(&cert, &key)?),
                _ => anyhow::bail!(
                    "give --tls-cert and --tls-key (or --insecure-plain-http on loopback)"
                ),
            };
            migrate(&database_url).await?;
            let pool = sync_server::pool(&database_url, pool_size)?;
            let listener = TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            match tls {
                Some(config) => {
                    println!(
                        "sync-server listening on https://{}",
                        listener.local_addr()?
                    );
                    sync_server::serve_tls(
                        listener,
                        config,
                        sync_server::router_with(pool, limits),
                        shutdown,
                    )
                    .await?;
                }
                None => {
                    println!("sync-server listening on http://{}", listener.local_addr()?);
                    sync_server::serve(listener, sync_server::router_with(pool, limits), shutdown)
                        .await?;
                }
            }
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

/// Settings a config file may hold, and the flag each one is the default for.
const FILE_SETTINGS: &[(&str, Option<&str>)] = &[
    ("database_url", None),
    ("listen", Some("serve")),
    ("pool_size", Some("serve")),
    ("tls_cert", Some("serve")),
    ("tls_key", Some("serve")),
    ("rate_per_address", Some("serve")),
    ("rate_per_device", Some("serve")),
    ("access_token_minutes", Some("serve")),
    ("refresh_token_hours", Some("serve")),
    ("login_failures", Some("serve")),
    ("login_lockout_minutes", Some("serve")),
];

/// Parses the command line with the config file's settings as defaults, so that a flag
/// beats its environment variable, which beats the file, which beats the built-in default.
fn parse_with_config_file() -> anyhow::Result<Cli> {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let first = Cli::parse();
    let mut command = Cli::command();
    if let Some(path) = &first.config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        let table: toml::Table = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        for (key, value) in table {
            let Some((_, subcommand)) = FILE_SETTINGS.iter().find(|(k, _)| *k == key) else {
                let known: Vec<_> = FILE_SETTINGS.iter().map(|(k, _)| *k).collect();
                anyhow::bail!(
                    "{}: unknown setting `{key}`; the known ones are {}",
                    path.display(),
                    known.join(", ")
                );
            };
            let text: &'static str = match value {
                toml::Value::String(s) => Box::leak(s.into_boxed_str()),
                toml::Value::Integer(i) => Box::leak(i.to_string().into_boxed_str()),
                other => anyhow::bail!(
                    "{}: `{key}` must be a string or a number, not {}",
                    path.display(),
                    other.type_str()
                ),
            };
            command = match subcommand {
                None => command.mut_arg(key, |a| a.default_value(text)),
                Some(sub) => {
                    command.mut_subcommand(sub, |s| s.mut_arg(key, |a| a.default_value(text)))
                }
            };
        }
    }
    Ok(Cli::from_arg_matches(&command.get_matches())?)
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
