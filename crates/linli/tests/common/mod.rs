//! What the command-line test binaries share: the real `linli` binary run with arguments and
//! a standard input, and a fresh database per test on either engine.
// Each binary uses its own part of it.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn linli(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .env("LINLI_LOG", "warn")
        .env_remove("LINLI_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that ends before it reads its input (a refusal, a failure) closes the pipe:
    // what it said, not the broken pipe, is what the test must see.
    if let Some(mut input) = child.stdin.take()
        && let Err(e) = input.write_all(stdin.as_bytes())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("could not write the command's input: {e}");
    }
    child.wait_with_output().unwrap()
}

/// `linli serve` on a free port of 127.0.0.1, its log (at `log_level`, in `log_format`) into
/// the file `log`: the child and its address.
pub fn serve(
    url: &str,
    log: &std::path::Path,
    log_level: &str,
    log_format: &str,
) -> (std::process::Child, std::net::SocketAddr) {
    serve_with(url, log, log_level, log_format, &[])
}

/// [`serve`] with more variables in its environment.
pub fn serve_with(
    url: &str,
    log: &std::path::Path,
    log_level: &str,
    log_format: &str,
    envs: &[(&str, &str)],
) -> (std::process::Child, std::net::SocketAddr) {
    // A free port: bind to port 0, note the port, let it go.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["serve", "--db", url, "--addr", &addr.to_string()])
        // The test's own environment does not decide what the server is started with.
        .env_remove("MIMALLOC_PURGE_DELAY")
        .envs(envs.iter().copied())
        .env("LINLI_LOG", log_level)
        .env("LINLI_LOG_FORMAT", log_format)
        .env_remove("LINLI_DB")
        .env_remove("LINLI_ADDR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    (child, addr)
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[derive(Clone, Copy, Debug)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A fresh database: a SQLite file in a temporary directory, or a new PostgreSQL database that
/// is dropped at the end.
pub struct Database {
    pub url: String,
    pub dir: tempfile::TempDir,
    /// The server's admin URL and the database's name.
    pg: Option<(String, String)>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take()
            && let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls)
            && let Err(e) = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        {
            eprintln!("could not drop a test database: {e}");
        }
    }
}

pub fn database(engine: Engine) -> Option<Database> {
    let dir = tempfile::tempdir().unwrap();
    match engine {
        Engine::Sqlite => Some(Database {
            url: dir.path().join("linli.db").to_string_lossy().to_string(),
            dir,
            pg: None,
        }),
        Engine::Postgres => {
            let admin = match std::env::var("LINLI_TEST_PG_URL") {
                Ok(u) if !u.is_empty() => u,
                _ => {
                    if std::env::var("LINLI_REQUIRE_PG").as_deref() == Ok("1") {
                        panic!("LINLI_REQUIRE_PG=1 but LINLI_TEST_PG_URL is not set");
                    }
                    eprintln!("skipping the PostgreSQL variant: LINLI_TEST_PG_URL is not set");
                    return None;
                }
            };
            let name = format!("linli_bin_{}", hex::encode(rand::random::<[u8; 6]>()));
            let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
            c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
            let base = &admin[..admin.rfind('/').unwrap()];
            Some(Database { url: format!("{base}/{name}"), dir, pg: Some((admin.clone(), name)) })
        }
    }
}
