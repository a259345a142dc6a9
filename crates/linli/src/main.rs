//! `linli`: parses the command line and calls the library crates. Nothing else lives here.

use clap::{Args, Parser, Subcommand};
use linli_core::password::{self, hashing};
use linli_core::{Role, SystemClock};
use linli_store::{Db, DbConfig, StoreError, audit, migrate, places, setup};
use linli_web::{AppState, Config};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// mimalloc rather than the C library's allocator: the rows of an import, an export or a page
/// are many small strings, often made on one thread and freed on another, which glibc's
/// arenas pay for with locks. Measured (stop 37): a 100,000-row export's read 0.66 → 0.30 s
/// and its streamed xlsx 1.13 → 0.37 s (bench-registry), the resident read over HTTP
/// 35,000 → 46,500/s (bench-http); `linli import` of 100,000 rows no faster (bench-import).
/// Built without transparent huge pages (`no_thp`): with them an import's peak memory grew by
/// a few 2 MiB pages, past the goal of four times its file.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The environment variable that tells mimalloc how long freed memory waits before it goes back
/// to the system (milliseconds; mimalloc reads it when the process starts).
const PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";

/// A server gives back at once the memory a burst of work freed. mimalloc returns a page freed
/// by a thread only when that thread allocates or frees again later; the blocking threads of a
/// burst of exports have exited by then, so their pages stayed resident: after 64 concurrent
/// xlsx exports (3 rounds, the demo community) the server held 480 MiB at the peak and still
/// 457 MiB half a minute later. With `MIMALLOC_PURGE_DELAY=0` the same burst peaked at 331 MiB
/// and the server fell back to 152 MiB once the threads had gone; the resident read over HTTP
/// and the import measured the same (bench-http, bench-import). mimalloc takes the option only
/// from its environment, so a server started without it starts itself again with it: `exec`,
/// the same process (its id, its open files). An operator's own value is kept; when the
/// program cannot be found again the server runs as it is.
fn return_freed_memory() {
    #[cfg(unix)]
    if std::env::var_os(PURGE_DELAY).is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(program) = std::env::current_exe() {
            let err = std::process::Command::new(program)
                .args(std::env::args_os().skip(1))
                .env(PURGE_DELAY, "0")
                .exec();
            eprintln!("linli: could not restart with {PURGE_DELAY}=0 ({err}); running as it is");
        }
    }
}

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "邻里 Linli — 社区服务与治理平台 (community service platform)",
    long_about = "邻里 Linli — 社区服务与治理平台 (community service platform).\n\n\
        Start here: `linli demo` runs a demo community on http://127.0.0.1:8080 and prints its accounts.\n\
        The database is a SQLite file path (or sqlite://PATH) or a postgres:// URL; --db may also come from LINLI_DB."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reuse) a demo community with one account per role, print the accounts, and serve it
    Demo {
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Database: a SQLite file path, sqlite://PATH or postgres://…
        #[arg(long, default_value = "./linli-demo.db", env = "LINLI_DB")]
        db: String,
        /// The address residents' phones reach Linli at, for the stairwells' QR codes
        /// (e.g. https://linli.example.cn)
        #[arg(long, env = "LINLI_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Create the schema, a community and its first admin; the admin password is read from standard input (one line)
    Init {
        #[command(flatten)]
        db: DbArg,
        /// Name of the community, e.g. "Xx社区"
        #[arg(long)]
        community: String,
        /// User name of the community's first admin
        #[arg(long)]
        admin: String,
    },
    /// Run the server (migrates the schema first)
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080", env = "LINLI_ADDR")]
        addr: SocketAddr,
        /// Mark the session cookie Secure (set when users reach Linli over HTTPS)
        #[arg(long, env = "LINLI_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Serve GET /metrics to a scraper sending `Authorization: Bearer TOKEN` (not served
        /// without one)
        #[arg(long, env = "LINLI_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// The address residents' phones reach Linli at, for the stairwells' QR codes
        /// (e.g. https://linli.example.cn)
        #[arg(long, env = "LINLI_PUBLIC_URL")]
        public_url: Option<String>,
        /// Seconds a signed-in caller read for one request serves the next requests of the same
        /// session; 0 reads it every time. Changes to accounts made on this instance apply at
        /// once, those made by another instance or the `linli` command within this time
        #[arg(long, default_value_t = 5, env = "LINLI_SESSION_CACHE_SECS")]
        session_cache_secs: u64,
        /// A streaming replica (hot standby) of the PostgreSQL database: the figures, the
        /// dashboard and the street's view are read from it while it is within
        /// --replica-max-lag-secs of the primary; everything else uses the primary
        #[arg(long, env = "LINLI_DB_REPLICA", hide_env_values = true)]
        db_replica: Option<String>,
        /// How many seconds the replica may lag and still serve
        #[arg(long, default_value_t = 30, env = "LINLI_REPLICA_MAX_LAG_SECS")]
        replica_max_lag_secs: u64,
    },
    /// Bring the database schema up to date and exit
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Check the audit chains and the fund ledgers; exits 1 naming the first broken record
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A fund ledger head remembered outside the database (printed on receipts and the
        /// monthly disclosure, or written by `linli anchor`): SEQ:HASH or COMMUNITY:SEQ:HASH;
        /// may be given several times
        #[arg(long = "anchor", value_name = "SEQ:HASH")]
        anchors: Vec<String>,
        /// A file written by `linli anchor`: every anchor in it is checked
        #[arg(long, value_name = "FILE")]
        anchor_file: Option<PathBuf>,
    },
    /// Print (or write to a file) every community's fund ledger head, for the street office to
    /// keep: `linli verify --anchor-file FILE` later proves the ledger was neither cut short nor
    /// rewritten
    Anchor {
        #[command(flatten)]
        db: DbArg,
        /// File to write (appended to, one line per community, so a scheduled run keeps a
        /// history); standard output when absent
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a consistent copy of a live database (SQLite: VACUUM INTO; PostgreSQL: pg_dump)
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// File to write; must not exist yet
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import data from a spreadsheet
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Reports computed from the records
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The working-day calendar (holiday schedules)
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load one year's holiday schedule (a CSV `date,kind,name`, UTF-8 or GB18030) when the State
    /// Council announces it. The year replaces only that year; open deadlines are re-planned.
    Load {
        /// The year's CSV file (the format of calendar/cn-2026.csv)
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Load it for this community only; without it, for every community of the database
        /// (those created later too), except where a community loaded that year itself
        #[arg(long)]
        community: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The indicator catalogue for a community and a period (money in fen, rates as fractions 0-1)
    Indicators {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        community: String,
        /// First day, YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD
        #[arg(long)]
        to: String,
        /// Print JSON `{"indicators": {...}, "details": {...}}` instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The annual summary (年度工作总结) written from the records: HTML, Markdown or DOCX in the
    /// GB/T 9704 layout, from the community's template (or the default) and its picked stories
    Summary {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        community: String,
        /// The year, e.g. 2026 (the figures cover 1 January to 31 December)
        #[arg(long)]
        year: i32,
        /// html, md or docx
        #[arg(long, value_parser = ["html", "md", "docx"])]
        format: String,
        /// File to write
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a residents roster (xlsx, xls or csv in UTF-8, GB18030 or UTF-16): all rows or none.
    /// Prints a JSON summary as the last line; exits 1 when any row is refused.
    Residents {
        /// The roster file
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Community to import into
        #[arg(long)]
        community: String,
        /// create: every row is a new resident; upsert: rows whose ID number is registered update it
        #[arg(long, default_value = "create", value_parser = ["create", "upsert"])]
        mode: String,
        /// Create the buildings and units the file names that do not exist yet
        #[arg(long)]
        create_places: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account with one role on a place; the password is read from standard input (one line)
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Community the account works in
        #[arg(long, required_unless_present = "street", conflicts_with = "street")]
        community: Option<String>,
        /// Instead of --community: the street (街道) a street-level account reads its
        /// communities' figures in (role admin only)
        #[arg(long)]
        street: Option<String>,
        /// User name to sign in with
        #[arg(long)]
        username: String,
        /// admin, worker, building_head, partner, finance or resident
        #[arg(long)]
        role: Role,
        /// Id of the place the role is granted on (default: the community itself)
        #[arg(long)]
        place: Option<i64>,
        /// Display name (default: the user name)
        #[arg(long)]
        name: Option<String>,
        /// For a partner liaison (role partner): the partner unit it acts for, by id or name
        #[arg(long)]
        partner: Option<String>,
        /// For a resident (role resident): the id of her registry record; the account is linked
        /// to it and granted on her unit (one account per resident)
        #[arg(long)]
        resident: Option<i64>,
    },
    /// Deactivate an account: it can no longer sign in; its sessions and tokens stop at once
    Deactivate {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
    /// Restore a deactivated account
    Reactivate {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
    /// Set a temporary password (read from standard input, one line) the user must change at
    /// the next sign-in; ends the account's sessions and tokens
    ResetPassword {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
}

#[derive(Args)]
struct DbArg {
    /// Database: a SQLite file path, sqlite://PATH or postgres://…
    #[arg(long, env = "LINLI_DB")]
    db: String,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("broken: {0}")]
    Broken(String),
    #[error("{0} rows refused; nothing was imported")]
    Rows(usize),
    /// An operation refused its input (a taken user name, a place outside the community).
    #[error("refused: {0}")]
    Refused(String),
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: what is wrong; --help says the rest.
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `linli --help`)");
            return ExitCode::from(2);
        }
    };
    if matches!(cli.command, Command::Demo { .. } | Command::Serve { .. }) {
        return_freed_memory();
    }
    let _log = linli_web::logging::init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn open(url: &str) -> Result<Db, CliError> {
    Ok(Db::open(&DbConfig::new(url))?)
}

fn open_migrated(url: &str) -> Result<Db, CliError> {
    let db = open(url)?;
    migrate_now(&db)?;
    Ok(db)
}

fn migrate_now(db: &Db) -> Result<(), CliError> {
    let out = migrate::migrate(db)?;
    if out.from != out.to {
        tracing::info!(from = out.from, to = out.to, "schema migrated");
    }
    Ok(())
}

/// One line from standard input, without its line ending; refuses what the policy refuses.
fn read_password(username: &str) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "Password for {username} (one line, not echoed by pipes; input is visible on a terminal):"
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pw = line.trim_end_matches(['\n', '\r']).to_string();
    password::check_password(&pw, username)
        .map_err(|e| CliError::Usage(format!("password refused: {e}")))?;
    Ok(pw)
}

fn hash(pw: &str) -> Result<String, CliError> {
    hashing::hash(pw).map_err(|e| CliError::Usage(e.to_string()))
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Demo { addr, db, public_url } => {
            let database = open_migrated(&db)?;
            let created = linli_demo::populate_demo(&database, chrono::Utc::now())?;
            if created > 0 {
                tracing::info!(residents = created, "demo community populated");
            }
            // The street's two other communities and its account (an older demo gets them too).
            let street = linli_demo::street::populate_street(
                &database,
                chrono::Utc::now(),
                &linli_demo::street::COMMUNITIES,
            )?;
            if street > 0 {
                tracing::info!(residents = street, "the demo street's other communities populated");
            }
            print_demo(addr, &db);
            // A demo is often tried by a roomful of trainees behind one address.
            let config = Config { rate_per_minute: 600, public_url, ..Config::default() };
            serve(database, addr, config)
        }
        Command::Init { db, community, admin } => {
            let username = password::parse_username(&admin).ok_or_else(|| {
                CliError::Usage(format!(
                    "invalid admin user name `{admin}` (2-32 letters, digits, _ - .)"
                ))
            })?;
            let pw = read_password(&username)?;
            let database = open_migrated(&db.db)?;
            let done = setup::init_community(
                &database,
                &community,
                &username,
                &hash(&pw)?,
                chrono::Utc::now(),
            )?;
            println!(
                "created community {} (id {}) with admin {}",
                done.community.name, done.community.id, done.admin.username
            );
            Ok(())
        }
        Command::Serve {
            db,
            addr,
            secure_cookies,
            metrics_token,
            public_url,
            session_cache_secs,
            db_replica,
            replica_max_lag_secs,
        } => {
            let mut config = DbConfig::new(db.db.as_str());
            config.replica_url = db_replica.filter(|u| !u.trim().is_empty());
            config.replica_max_lag = std::time::Duration::from_secs(replica_max_lag_secs);
            let database = Db::open(&config)?;
            migrate_now(&database)?;
            serve(
                database,
                addr,
                Config {
                    secure_cookies,
                    metrics_token: metrics_token.filter(|t| !t.trim().is_empty()),
                    public_url,
                    session_cache: std::time::Duration::from_secs(session_cache_secs),
                    ..Config::default()
                },
            )
        }
        Command::Migrate { db } => {
            let database = open(&db.db)?;
            let out = migrate::migrate(&database)?;
            for b in &out.restored {
                println!("restored: {b}");
            }
            println!("schema at version {} (was {})", out.to, out.from);
            Ok(())
        }
        Command::Verify { db, anchors, anchor_file } => {
            verify(&db.db, &anchors, anchor_file.as_deref())
        }
        Command::Anchor { db, out } => anchor(&db.db, out.as_deref()),
        Command::Report {
            command: ReportCommand::Indicators { db, community, from, to, json },
        } => report_indicators(&db.db, &community, &from, &to, json),
        Command::Report {
            command: ReportCommand::Summary { db, community, year, format, out },
        } => report_summary(&db.db, &community, year, &format, &out),
        Command::Import {
            command: ImportCommand::Residents { file, db, community, mode, create_places },
        } => import_residents(&file, &db.db, &community, &mode, create_places),
        Command::Backup { db, out } => backup(&db.db, &out),
        Command::Calendar { command: CalendarCommand::Load { file, db, community } } => {
            calendar_load(&file, &db.db, community.as_deref())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    community,
                    street,
                    username,
                    role,
                    place,
                    name,
                    partner,
                    resident,
                },
        } => match (community, street) {
            (_, Some(street)) => add_street_user(&db.db, &street, &username, role, place, name),
            (Some(community), None) => {
                add_user(&db.db, &community, &username, role, (place, resident), name, partner)
            }
            (None, None) => Err(CliError::Usage("--community or --street is required".into())),
        },
        Command::User { command: UserCommand::Deactivate { db, username } } => {
            end_account(&db.db, &username, Lifecycle::Deactivate)
        }
        Command::User { command: UserCommand::Reactivate { db, username } } => {
            end_account(&db.db, &username, Lifecycle::Reactivate)
        }
        Command::User { command: UserCommand::ResetPassword { db, username } } => {
            end_account(&db.db, &username, Lifecycle::ResetPassword)
        }
    }
}

/// `linli calendar load`: the operation of the admin's calendar page, for one community or for
/// the whole deployment.
fn calendar_load(
    file: &std::path::Path,
    url: &str,
    community: Option<&str>,
) -> Result<(), CliError> {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let text = linli_io::decode_text(&bytes).map_err(|_| {
        CliError::Refused(format!(
            "{}: not UTF-8 or GB18030 text; nothing was loaded",
            file.display()
        ))
    })?;
    let schedule = linli_core::workdays::YearSchedule::parse_csv(&text)
        .map_err(|e| CliError::Refused(format!("{}: {e}; nothing was loaded", file.display())))?;
    const NAME: &str = "linli calendar load";
    let (app, actor, rt) = match community {
        Some(name) => operations(open_migrated(url)?, name, NAME)?,
        None => (
            linli_app::App::new(open_migrated(url)?, Arc::new(SystemClock)),
            linli_app::Actor::system_deployment(NAME, chrono::Utc::now()),
            tokio::runtime::Builder::new_current_thread().enable_all().build()?,
        ),
    };
    let done =
        rt.block_on(linli_app::calendar::load_year(&app, &actor, schedule)).map_err(refused)?;
    println!(
        "loaded {} for {}: {} days off, {} make-up working days{}; re-planned {} application steps and {} issues",
        done.year,
        community.map_or_else(|| format!("every community ({})", done.communities), str::to_string),
        done.holidays,
        done.workdays,
        if done.replaced { " (replacing the previous schedule)" } else { "" },
        done.replanned_steps,
        done.replanned_issues,
    );
    Ok(())
}

enum Lifecycle {
    Deactivate,
    Reactivate,
    ResetPassword,
}

/// `linli user deactivate|reactivate|reset-password`: the account operations of the admin's
/// page and the API, performed in the account's own community by whoever holds the database.
fn end_account(url: &str, username: &str, what: Lifecycle) -> Result<(), CliError> {
    let database = open_migrated(url)?;
    let name = username.trim().to_string();
    let (user, _) = database
        .read_blocking(move |c| linli_store::users::find_for_login(c, &name))?
        .ok_or_else(|| CliError::Refused(format!("no account named `{username}`")))?;
    let Some(cid) = user.community_id else {
        return Err(CliError::Refused(format!(
            "`{username}` is a street-level account; this command manages community accounts"
        )));
    };
    let comm = database.read_blocking(move |c| places::get(c, cid))?;
    let (label, op): (&'static str, _) = match what {
        Lifecycle::Deactivate => ("linli user deactivate", "deactivated"),
        Lifecycle::Reactivate => ("linli user reactivate", "reactivated"),
        Lifecycle::ResetPassword => {
            ("linli user reset-password", "password reset (must change at next sign-in)")
        }
    };
    let pw = match what {
        Lifecycle::ResetPassword => read_password(&user.username)?,
        _ => String::new(),
    };
    let app = linli_app::App::new(database, Arc::new(SystemClock));
    let actor = linli_app::Actor::system(label, &comm, chrono::Utc::now());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let id = user.id;
    rt.block_on(async {
        match what {
            Lifecycle::Deactivate => linli_app::accounts::deactivate(&app, &actor, id).await,
            Lifecycle::Reactivate => linli_app::accounts::reactivate(&app, &actor, id).await,
            Lifecycle::ResetPassword => {
                linli_app::accounts::reset_password(&app, &actor, id, pw).await
            }
        }
    })
    .map_err(refused)?;
    println!("{}: {op}", user.username);
    Ok(())
}

/// The operations of `linli_app` run by the command line on behalf of whoever holds the
/// database, within the community it names: the app, the actor and a runtime to run them on.
fn operations(
    database: Db,
    community: &str,
    name: &'static str,
) -> Result<(linli_app::App, linli_app::Actor, tokio::runtime::Runtime), CliError> {
    let comm = database
        .read_blocking(|c| places::find_community(c, community))?
        .ok_or(StoreError::Invalid { code: "community_missing", field: Some("community") })?;
    let app = linli_app::App::new(database, Arc::new(SystemClock));
    let actor = linli_app::Actor::system(name, &comm, chrono::Utc::now());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    Ok((app, actor, rt))
}

fn actor_community(actor: &linli_app::Actor) -> i64 {
    actor.community_id().unwrap_or_default()
}

/// An operation's refusal as the command line reports it (exit status 1).
fn refused(e: linli_app::Error) -> CliError {
    match e {
        linli_app::Error::Invalid { field, .. } | linli_app::Error::Conflict { field, .. } => {
            CliError::Refused(format!(
                "{}{}",
                e.code(),
                field.map(|f| format!(" ({f})")).unwrap_or_default()
            ))
        }
        e => CliError::Broken(e.to_string()),
    }
}

/// `linli user add`: the same account operation as the admin's page and `users_create`,
/// performed by the command line on behalf of whoever holds the database.
fn add_user(
    url: &str,
    community: &str,
    username: &str,
    role: Role,
    (place, resident_id): (Option<i64>, Option<i64>),
    name: Option<String>,
    partner: Option<String>,
) -> Result<(), CliError> {
    let username = password::parse_username(username)
        .ok_or_else(|| CliError::Usage(format!("invalid user name `{username}`")))?;
    let pw = read_password(&username)?;
    let (app, actor, rt) = operations(open_migrated(url)?, community, "linli user add")?;
    let (database, comm) = (app.db.clone(), actor_community(&actor));
    let partner_id = match partner {
        None => None,
        Some(p) => Some(match p.trim().parse::<i64>() {
            Ok(id) => id,
            Err(_) => database
                .read_blocking(|c| {
                    linli_store::partners::list_partners(c, linli_store::Tenant::new(comm), None)
                })?
                .into_iter()
                .find(|u| u.name == p.trim())
                .map(|u| u.id)
                .ok_or_else(|| {
                    CliError::Usage(format!("no partner unit named `{p}` in {community}"))
                })?,
        }),
    };
    let new = linli_app::accounts::NewUser {
        username,
        display_name: name.unwrap_or_default(),
        password: pw,
        role,
        // A resident's account defaults to her own unit, everyone else's to the community.
        scope_place_id: place.or(resident_id.is_none().then_some(comm)),
        partner_id,
        resident_id,
    };
    let user =
        rt.block_on(linli_app::accounts::create_user(&app, &actor, new)).map_err(|e| match e {
            linli_app::Error::NotFound => {
                CliError::Refused(format!("place {} is not in {community}", place.unwrap_or(comm)))
            }
            e => refused(e),
        })?;
    println!("created user {} ({}) in {}", user.username, role, community);
    Ok(())
}

/// `linli user add --street NAME`: a street-level account (no community of its own), granted
/// on the street, through the same operation as every other account.
fn add_street_user(
    url: &str,
    street: &str,
    username: &str,
    role: Role,
    place: Option<i64>,
    name: Option<String>,
) -> Result<(), CliError> {
    let username = password::parse_username(username)
        .ok_or_else(|| CliError::Usage(format!("invalid user name `{username}`")))?;
    let database = open_migrated(url)?;
    let found = database
        .read_blocking(|c| places::find_street(c, street))?
        .ok_or_else(|| CliError::Usage(format!("no street named `{street}` in this database")))?;
    let pw = read_password(&username)?;
    let app = linli_app::App::new(database, Arc::new(SystemClock));
    let actor = linli_app::Actor::system_street("linli user add", &found, chrono::Utc::now());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let new = linli_app::accounts::NewUser {
        username,
        display_name: name.unwrap_or_default(),
        password: pw,
        role,
        scope_place_id: Some(place.unwrap_or(found.id)),
        partner_id: None,
        resident_id: None,
    };
    let user =
        rt.block_on(linli_app::accounts::create_user(&app, &actor, new)).map_err(|e| match e {
            linli_app::Error::NotFound => {
                CliError::Refused(format!("place {} is not in {street}", place.unwrap_or(found.id)))
            }
            e => refused(e),
        })?;
    println!("created user {} ({}) in {}", user.username, role, street);
    Ok(())
}

fn import_residents(
    file: &std::path::Path,
    url: &str,
    community: &str,
    mode: &str,
    create_places: bool,
) -> Result<(), CliError> {
    use linli_app::import::{self, Actor, Mode, Options};
    let mode = Mode::parse(mode)
        .ok_or_else(|| CliError::Usage(format!("unknown mode `{mode}` (create or upsert)")))?;
    std::fs::metadata(file)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let database = open_migrated(url)?;
    let comm =
        database.read_blocking(|c| places::find_community(c, community))?.ok_or_else(|| {
            CliError::Usage(format!("no community named `{community}` in this database"))
        })?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let actor = Actor { user_id: None, name: "linli import", request_id: None, scopes: None };
    let summary = match import::import(
        &database,
        comm.id,
        linli_io::Source::File(file),
        &name,
        Options { mode, create_places, dry_run: false },
        &actor,
        chrono::Utc::now(),
    ) {
        Ok(s) => s,
        Err(import::ImportError::File(e)) => {
            let out = serde_json::json!({"imported": 0, "errors": [{"row": 0, "column": "", "message": e.message_zh()}]});
            println!("{out}");
            return Err(CliError::Rows(1));
        }
        Err(import::ImportError::Store(e)) => return Err(e.into()),
    };
    for e in &summary.errors {
        eprintln!("第{}行 {}：{}", e.row, e.column, e.message);
    }
    if !summary.unknown_columns.is_empty() {
        eprintln!("未识别的列（没有导入）：{}", summary.unknown_columns.join("、"));
    }
    println!("{}", serde_json::to_string(&summary).unwrap_or_default());
    if summary.errors.is_empty() { Ok(()) } else { Err(CliError::Rows(summary.errors.len())) }
}

fn report_indicators(
    url: &str,
    community: &str,
    from: &str,
    to: &str,
    as_json: bool,
) -> Result<(), CliError> {
    for (d, name) in [(from, "--from"), (to, "--to")] {
        if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
            return Err(CliError::Usage(format!(
                "{name} must be a date like 2026-01-31, got `{d}`"
            )));
        }
    }
    let (app, actor, rt) = operations(open(url)?, community, "linli report")?;
    let ind =
        rt.block_on(linli_app::reports::indicators(&app, &actor, from, to)).map_err(refused)?;
    if as_json {
        println!("{}", ind.to_json());
        return Ok(());
    }
    let (name, figures) = (&ind.community, &ind.figures);
    println!("{name}  {from} — {to}");
    for f in figures {
        let shown = match (&f.value, f.details.get("approx_zh").and_then(|v| v.as_str())) {
            (Some(v), Some(a)) => format!("{v}  ({a})"),
            (Some(v), None) => v.to_string(),
            (None, _) => "unavailable".to_string(),
        };
        println!("  {:<32} {:<14} {shown}", f.indicator.id, f.indicator.name_zh);
    }
    Ok(())
}

fn report_summary(
    url: &str,
    community: &str,
    year: i32,
    format: &str,
    out: &std::path::Path,
) -> Result<(), CliError> {
    if !(2000..=2100).contains(&year) {
        return Err(CliError::Usage(format!("--year must be a year like 2026, got `{year}`")));
    }
    let (app, actor, rt) = operations(open(url)?, community, "linli report")?;
    let doc = rt
        .block_on(linli_app::reports::summary_of(
            &app,
            actor.tenant().map_err(refused)?,
            year,
            actor.today(),
        ))
        .map_err(refused)?;
    let bytes = match format {
        "html" => linli_core::summary::to_html_page(&doc).into_bytes(),
        "md" => linli_core::summary::to_markdown(&doc).into_bytes(),
        _ => linli_io::docx::write_docx(&doc).map_err(|e| std::io::Error::other(e.to_string()))?,
    };
    std::fs::write(out, bytes).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot write {}: {e}", out.display()))
    })?;
    println!(
        "{}",
        serde_json::json!({
            "out": out.display().to_string(),
            "format": format,
            "title": doc.title,
            "figures": doc.notes.iter().map(|n| serde_json::json!({"id": n.id, "words": n.words, "exact": n.exact})).collect::<Vec<_>>(),
            "omitted": doc.omitted.iter().map(|o| serde_json::json!({"id": o.id, "reason": o.reason})).collect::<Vec<_>>(),
        })
    );
    Ok(())
}

fn print_demo(addr: SocketAddr, db: &str) {
    let url = format!("http://{addr}/");
    println!();
    println!("  邻里 Linli 演示社区「{}」 / demo community", linli_demo::DEMO_COMMUNITY);
    println!("  打开 Open:      {url}");
    println!("  数据库 Database: {db}");
    println!(
        "  演示账号（密码都是 {pw}） / demo accounts (password: {pw})",
        pw = linli_demo::DEMO_PASSWORD
    );
    println!();
    println!("    {:<10} {:<14} scope", "username", "role");
    for a in
        linli_demo::DEMO_ACCOUNTS.iter().chain(std::iter::once(&linli_demo::street::STREET_ACCOUNT))
    {
        println!("    {:<10} {:<14} {} · {}", a.username, a.role.as_str(), a.display_name, a.scope);
    }
    println!();
    println!("  按 Ctrl+C 停止 / press Ctrl+C to stop");
    println!();
}

fn serve(db: Db, addr: SocketAddr, config: Config) -> Result<(), CliError> {
    let rt = runtime()?;
    rt.block_on(async move {
        let app = linli_web::build_service(AppState::new(db, Arc::new(SystemClock), config));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| CliError::Bind { addr, source })?;
        tracing::info!(%addr, "linli listening");
        axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
        tracing::info!("linli stopped");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The anchors given on the command line and in an anchor file (`#` starts a comment; the
/// first word of a line is the anchor).
fn read_anchors(
    given: &[String],
    file: Option<&std::path::Path>,
) -> Result<Vec<linli_core::chain::Anchor>, CliError> {
    let mut texts: Vec<String> = given.to_vec();
    if let Some(path) = file {
        let content = std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
        texts.extend(
            content
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter_map(|l| l.split_whitespace().next())
                .map(str::to_string),
        );
    }
    texts
        .iter()
        .map(|t| linli_core::chain::Anchor::parse(t).map_err(|e| CliError::Usage(e.to_string())))
        .collect()
}

fn anchor(url: &str, out: Option<&std::path::Path>) -> Result<(), CliError> {
    let db = open(url)?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let lines: String = linli_store::fund::heads(&db)?
        .into_iter()
        .map(|(community, name, seq, hash)| {
            format!("{community}:{seq}:{hash}  # {name} 爱心基金账本 第{seq}笔 {now}\n")
        })
        .collect();
    match out {
        None => print!("{lines}"),
        Some(path) => {
            use std::io::Write as _;
            let mut f =
                std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
                    CliError::Usage(format!("cannot write {}: {e}", path.display()))
                })?;
            f.write_all(lines.as_bytes())
                .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;
            println!("{} heads appended to {}", lines.lines().count(), path.display());
        }
    }
    Ok(())
}

fn verify(
    url: &str,
    anchors: &[String],
    anchor_file: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let anchors = read_anchors(anchors, anchor_file)?;
    let db = open(url)?;
    let found = db.read_blocking(|c| migrate::current_version(c))?;
    if found > migrate::latest_version() {
        return Err(StoreError::NewerSchema { found, known: migrate::latest_version() }.into());
    }
    // Every problem is named, not only the first: a dropped guard usually comes with the
    // record it let someone alter.
    let mut problems: Vec<String> = Vec::new();
    let breaches = db.read_blocking(|c| linli_store::guards::breaches(c))?;
    if breaches.is_empty() {
        println!(
            "append-only guards: {} triggers in place",
            linli_store::guards::expected(db.dialect()).len()
        );
    }
    problems.extend(breaches.iter().map(ToString::to_string));
    let v = audit::verify(&db)?;
    for (community, n) in &v.chains {
        println!("audit chain of community {community}: {n} records intact");
    }
    if let Some((community, b)) = v.broken {
        problems.push(format!("audit chain of community {community}, {b}"));
    }
    let f = linli_store::fund::verify(&db)?;
    for (community, n) in &f.chains {
        println!("fund ledger of community {community}: {n} transactions intact and balanced");
    }
    if let Some((community, b)) = f.broken {
        problems.push(format!("fund ledger of community {community}, {b}"));
    }
    let faults = linli_store::fund::check_anchors(&db, &anchors)?;
    if !anchors.is_empty() && faults.is_empty() {
        println!("anchors: {} remembered heads found in the ledgers", anchors.len());
    }
    problems.extend(faults.iter().map(ToString::to_string));
    if !problems.is_empty() {
        return Err(CliError::Broken(problems.join("\n")));
    }
    println!("ok: {} audit chains and {} fund ledgers verified", v.chains.len(), f.chains.len());
    Ok(())
}

fn backup(url: &str, out: &std::path::Path) -> Result<(), CliError> {
    if out.exists() {
        return Err(CliError::Usage(format!(
            "{} already exists; choose a new file",
            out.display()
        )));
    }
    let db = open(url)?;
    match db.dialect() {
        linli_store::Dialect::Sqlite => db.backup_sqlite(out)?,
        linli_store::Dialect::Postgres => {
            let status = std::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--file")
                .arg(out)
                .arg(url)
                .status()
                .map_err(|e| {
                    CliError::Usage(format!(
                        "could not run pg_dump (install the PostgreSQL client): {e}"
                    ))
                })?;
            if !status.success() {
                return Err(CliError::Usage(format!("pg_dump failed with {status}")));
            }
        }
    }
    println!("backup written to {}", out.display());
    Ok(())
}
