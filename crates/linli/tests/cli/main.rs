//! The `linli` command line as a person (or a script) uses it: the real binary, real files,
//! and a real PostgreSQL when one is configured.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use linli_store::{Db, DbConfig, Dialect, params};
use std::io::Write;
use std::process::{Command, Output, Stdio};

#[path = "../common/mod.rs"]
mod common;
use common::{Engine, database, linli, text};

/// `linli <words> --db <url>`: the words split at white space (no value a test passes here
/// holds one), the database last, as a person types the options in any order.
fn linli_on(url: &str, words: &str, stdin: &str) -> Output {
    let mut args: Vec<&str> = words.split_whitespace().collect();
    args.extend(["--db", url]);
    linli(&args, stdin)
}

/// `both_engines!(name => body, …)`: a module `name` whose tests `on_sqlite` and `on_postgres`
/// run `body(Engine)`, the PostgreSQL one skipping (saying why) without a server.
macro_rules! both_engines {
    ($($name:ident => $body:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn on_sqlite() {
                super::$body(super::Engine::Sqlite);
            }
            #[test]
            fn on_postgres() {
                super::$body(super::Engine::Postgres);
            }
        }
    )*};
}

both_engines!(
    a_dropped_guard_is_reported_and_restored => a_dropped_guard_is_reported_and_restored,
    verify_names_the_altered_record => verify_passes_then_fails_naming_the_altered_record,
    import_residents => import_roster_on,
    import_names_every_refused_row_and_echoes_no_control_characters => import_names_every_refused_row_and_echoes_no_control_characters_on,
    a_ledger_cut_short_is_caught_by_its_anchor => a_ledger_cut_short_is_caught_by_its_anchor,
    verify_names_the_altered_fund_entry => fund_tamper_is_named,
    indicators_cli_and_api_agree => indicators_cli_and_api_agree_on,
    report_summary => report_summary_on,
    calendar_load => calendar_load_on,
);

/// `linli_on` that must succeed (the failure shows what it wrote to stderr).
fn succeeds(url: &str, words: &str, stdin: &str) -> Output {
    let out = linli_on(url, words, stdin);
    assert!(out.status.success(), "linli {words}: {}", text(&out.stderr));
    out
}

fn init(url: &str) {
    let out = linli_on(url, "init --community Xx社区 --admin admin", "邻里守望2026\n");
    assert!(out.status.success(), "init failed: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Xx社区"));
}

#[test]
fn logs_written_to_a_pipe_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("l.db").to_string_lossy().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["init", "--db", &url, "--community", "Xx社区", "--admin", "admin"])
        .env("LINLI_LOG", "info")
        .env_remove("LINLI_DB")
        .env_remove("LINLI_LOG_FORMAT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all("邻里守望2026\n".as_bytes())?;
            }
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = text(&out.stderr);
    assert!(log.contains("migration applied"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a piped log: {log:?}");
}

/// The log of `linli serve` has a line per request: its id (the one in `x-request-id`), the
/// method, the path without its query string (where search terms and names would be), the
/// status and the time, in the text format and, with `LINLI_LOG_FORMAT=json`, as JSON.
#[test]
fn serve_logs_a_line_per_request_without_its_query_string() {
    for format in ["text", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("l.db").to_string_lossy().to_string();
        succeeds(&url, "init --community Xx社区 --admin admin", "邻里守望2026\n");
        let log = dir.path().join("serve.log");
        let (mut server, addr) = common::serve(&url, &log, "info", format);
        // The server takes a moment to listen; the log a tenth of a second to be written.
        let mut answer = None;
        let mut lines = String::new();
        for _ in 0..400 {
            if answer.is_none() {
                answer = get(addr, "/api/v1/residents?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD");
            }
            lines = std::fs::read_to_string(&log).unwrap_or_default();
            if lines.contains("/api/v1/residents") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let _ = server.kill();
        let _ = server.wait();
        let answer = answer.expect("linli serve did not answer");
        let id = answer
            .lines()
            .find_map(|l| l.strip_prefix("x-request-id: "))
            .map(str::trim)
            .expect("an x-request-id header");
        let line = lines
            .lines()
            .find(|l| l.contains("/api/v1/residents"))
            .unwrap_or_else(|| panic!("no line for the request in {lines:?}"));
        assert!(!line.contains("q="), "query string in the log: {line}");
        assert!(!line.contains("%E7"), "search terms in the log: {line}");
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["span"]["id"], id, "{line}");
            assert_eq!(v["span"]["method"], "GET", "{line}");
            assert_eq!(v["span"]["path"], "/api/v1/residents", "{line}");
            assert_eq!(v["fields"]["status"], 401, "{line}");
            assert_eq!(v["level"], "INFO", "{line}");
            assert!(v["fields"]["ms"].as_f64().is_some(), "{line}");
        } else {
            assert!(
                line.contains(&format!(
                    "INFO request{{id={id} method=GET path=/api/v1/residents}}: \
                     linli_web::metrics: handled status=401 ms="
                )),
                "{line}"
            );
        }
    }
}

/// `GET path` over a fresh connection: the answer's head and body as text, or `None` while
/// nothing listens.
fn get(addr: std::net::SocketAddr, path: &str) -> Option<String> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    Some(raw)
}

/// A server gives freed memory back at once: it runs with `MIMALLOC_PURGE_DELAY=0`, restarting
/// itself with it as the same process, and keeps an operator's own value.
#[cfg(target_os = "linux")]
#[test]
fn a_server_runs_with_freed_memory_returned_at_once() {
    for (given, expected) in [(None, "0"), (Some("250"), "250")] {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("m.db").to_string_lossy().to_string();
        succeeds(&url, "init --community Xx社区 --admin admin", "邻里守望2026\n");
        let log = dir.path().join("serve.log");
        let envs: Vec<(&str, &str)> =
            given.map(|v| ("MIMALLOC_PURGE_DELAY", v)).into_iter().collect();
        let (mut server, addr) = common::serve_with(&url, &log, "warn", "text", &envs);
        let mut healthy = false;
        for _ in 0..400 {
            if get(addr, "/healthz").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
                healthy = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        // The process started is the one serving (an exec keeps its id).
        let environ = std::fs::read(format!("/proc/{}/environ", server.id())).unwrap_or_default();
        let _ = server.kill();
        let _ = server.wait();
        assert!(
            healthy,
            "linli serve did not answer: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let vars: Vec<String> = environ.split(|b| *b == 0).map(text).collect();
        let wanted = format!("MIMALLOC_PURGE_DELAY={expected}");
        assert!(vars.contains(&wanted), "{given:?}: {wanted} not in the server's environment");
    }
}

#[test]
fn help_names_every_command() {
    let out = linli(&["--help"], "");
    assert!(out.status.success());
    let help = text(&out.stdout);
    for cmd in ["demo", "init", "serve", "migrate", "verify", "backup", "user"] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    for cmd in ["demo", "init", "serve", "verify", "backup", "migrate"] {
        let out = linli(&[cmd, "--help"], "");
        assert!(out.status.success(), "{cmd} --help");
        assert!(text(&out.stdout).contains("--db"), "{cmd} --help mentions --db");
    }
}

#[test]
fn bad_arguments_give_one_line_and_status_2() {
    for args in [
        &["serve", "--bogus"][..],
        &["frobnicate"][..],
        &["serve", "--db", "x.db", "--addr", "not-an-address"][..],
        &["user", "add", "--db", "x.db", "--community", "c", "--username", "u", "--role", "boss"][..],
    ] {
        let out = linli(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{err}");
    }
}

#[test]
fn init_refuses_an_empty_or_short_password_and_creates_nothing() {
    let db = database(Engine::Sqlite).unwrap();
    for pw in ["\n", "abc\n", ""] {
        let out = linli_on(&db.url, "init --community Xx社区 --admin admin", pw);
        assert_eq!(out.status.code(), Some(2), "{pw:?}");
        assert!(text(&out.stderr).contains("password refused"), "{}", text(&out.stderr));
    }
    assert!(!std::path::Path::new(&db.url).exists(), "nothing was created");
}

fn tamper(url: &str) {
    let url = url.to_string();
    let db = Db::open(&DbConfig::new(url)).unwrap();
    db.write_blocking(|c| {
        // The trigger refuses the edit; an attacker with the file drops it first.
        let refused = c.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", params![]);
        assert!(refused.is_err(), "the database refuses UPDATE on audit_log");
        Ok::<_, linli_store::StoreError>(())
    })
    .unwrap();
    db.write_blocking(|c| {
        match c.dialect() {
            Dialect::Sqlite => c.batch("DROP TRIGGER audit_log_no_update")?,
            Dialect::Postgres => {
                c.batch("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")?
            }
        }
        c.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", params![])?;
        Ok::<_, linli_store::StoreError>(())
    })
    .unwrap();
}

fn audit_id_of_first(url: &str) -> i64 {
    let db = Db::open(&DbConfig::new(url.to_string())).unwrap();
    db.read_blocking(|c| c.count("SELECT id FROM audit_log WHERE seq = 1", params![])).unwrap()
}

fn verify_passes_then_fails_naming_the_altered_record(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let out = succeeds(&db.url, "verify", "");
    assert!(text(&out.stdout).contains("ok:"));

    tamper(&db.url);
    let id = audit_id_of_first(&db.url);
    let out = linli_on(&db.url, "verify", "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("record {id}")) && err.contains("altered"), "{err}");
}

/// Issue 18 (4): a guard dropped or disabled in the database is named by `verify` and put back
/// by `migrate`, after which the table refuses changes again.
fn a_dropped_guard_is_reported_and_restored(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let handle = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    handle
        .write_blocking(|c| {
            match c.dialect() {
                Dialect::Sqlite => c.batch("DROP TRIGGER fund_postings_no_delete")?,
                Dialect::Postgres => c.batch(
                    "DROP TRIGGER fund_postings_no_truncate ON fund_postings;
                     ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                )?,
            }
            Ok::<_, linli_store::StoreError>(())
        })
        .unwrap();
    let out = linli_on(&db.url, "verify", "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    match engine {
        Engine::Sqlite => {
            assert!(err.contains("fund_postings_no_delete") && err.contains("missing"), "{err}")
        }
        Engine::Postgres => {
            assert!(err.contains("fund_postings_no_truncate") && err.contains("missing"), "{err}");
            assert!(err.contains("audit_log_append_only") && err.contains("disabled"), "{err}");
        }
    }
    assert!(err.contains("linli migrate"), "says how to restore: {err}");

    let out = succeeds(&db.url, "migrate", "");
    assert!(text(&out.stdout).contains("restored"), "{}", text(&out.stdout));
    let out = succeeds(&db.url, "verify", "");
    assert!(text(&out.stdout).contains("guards"));
    handle
        .write_blocking(|c| {
            let refused =
                c.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", params![]);
            assert!(refused.is_err(), "the guard refuses again");
            Ok::<_, linli_store::StoreError>(())
        })
        .unwrap();
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    {
        let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
        d.write_blocking(|c| c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')", params![]))
            .unwrap();
    }
    for cmd in ["migrate", "verify"] {
        let out = linli(&[cmd, "--db", &db.url], "");
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        assert!(text(&out.stderr).contains("newer than this binary"), "{}", text(&out.stderr));
    }
}

#[test]
fn a_backup_is_a_working_database() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    let out_path = db.dir.path().join("backup.db");
    let out = linli(&["backup", "--db", &db.url, "--out", &out_path.to_string_lossy()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = linli_on(&out_path.to_string_lossy(), "verify", "");
    assert!(out.status.success(), "the backup verifies: {}", text(&out.stderr));
    let again = linli(&["backup", "--db", &db.url, "--out", &out_path.to_string_lossy()], "");
    assert_eq!(again.status.code(), Some(2), "an existing file is not overwritten");
}

#[test]
fn user_add_creates_an_account_that_the_audit_chain_records() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    succeeds(
        &db.url,
        "user add --community Xx社区 --username jijin --role finance --name 赵会计",
        "基金账目2026\n",
    );
    let out = linli_on(
        &db.url,
        "user add --community Xx社区 --username jijin --role finance",
        "基金账目2026\n",
    );
    assert_eq!(out.status.code(), Some(1), "a taken name is refused");
    let out = linli_on(&db.url, "verify", "");
    assert!(out.status.success());
}

/// `user add --street NAME` makes a street-level account: no community of its own, one grant
/// on the street, the role asked for; a street the database does not hold is a usage error
/// (exit 2) that creates nothing, and `--street` with `--community` is refused by the parser.
#[test]
fn user_add_makes_a_street_account_granted_on_its_street() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    d.write_blocking(|c| {
        linli_store::places::create(
            c,
            linli_core::PlaceKind::Street,
            "东安街道",
            None,
            chrono::Utc::now(),
        )
    })
    .unwrap();
    let out = succeeds(
        &db.url,
        "user add --street 东安街道 --username jiedao --role admin --name 孙主任",
        "街道统计2026\n",
    );
    assert!(text(&out.stdout).contains("东安街道"), "{}", text(&out.stdout));
    let rows = d
        .read_blocking(|c| {
            c.query(
                "SELECT u.community_id, g.role, p.kind, p.name FROM users u
                 JOIN grants g ON g.user_id = u.id JOIN places p ON p.id = g.place_id
                 WHERE u.username = 'jiedao'",
                params![],
            )
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "one grant");
    assert_eq!(rows[0].opt_int(0).unwrap(), None, "no community of its own");
    assert_eq!(rows[0].text(1).unwrap(), "admin");
    assert_eq!(rows[0].text(2).unwrap(), "street");
    assert_eq!(rows[0].text(3).unwrap(), "东安街道");

    let missing = linli_on(
        &db.url,
        "user add --street 西城街道 --username xicheng --role admin",
        "街道统计2026\n",
    );
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing.stderr));
    assert!(text(&missing.stderr).contains("西城街道"));
    let both = linli_on(
        &db.url,
        "user add --street 东安街道 --community Xx社区 --username both --role admin",
        "街道统计2026\n",
    );
    assert!(!both.status.success(), "--street and --community together are refused");
    let made = d
        .read_blocking(|c| {
            c.count("SELECT COUNT(*) FROM users WHERE username IN ('xicheng', 'both')", params![])
        })
        .unwrap();
    assert_eq!(made, 0);
    // The audit chain holds the account's creation and still verifies.
    assert!(linli_on(&db.url, "verify", "").status.success());
}

/// The command line creates accounts through the same operation as the admin's page: a
/// liaison needs its partner unit (`--partner`, by name or id), and the audit record is the
/// page's (`user.create` with role, place and unit).
#[test]
fn user_add_makes_a_liaison_of_a_partner_unit() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let unit = d
        .write_blocking(|c| {
            c.insert(
                "INSERT INTO partners (community_id, name, kind, created_at)
                 SELECT id, '第一中学', 'school', '2026-01-01T00:00:00Z' FROM places WHERE kind = 'community' RETURNING id",
                params![],
            )
        })
        .unwrap();
    let add = |name: &str, partner: Option<&str>| {
        let mut args = vec![
            "user",
            "add",
            "--db",
            &db.url,
            "--community",
            "Xx社区",
            "--username",
            name,
            "--role",
            "partner",
        ];
        if let Some(p) = partner {
            args.extend(["--partner", p]);
        }
        linli(&args, "联络员的密码2026\n")
    };
    let out = add("lianluo1", None);
    assert_eq!(out.status.code(), Some(1), "a liaison without a unit is refused");
    assert!(text(&out.stderr).contains("partner_missing"), "{}", text(&out.stderr));
    let out = add("lianluo1", Some("第一中学"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = add("lianluo2", Some(&unit.to_string()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (grants, after) = d
        .read_blocking(|c| {
            let grants = c.count(
                "SELECT COUNT(*) FROM grants WHERE partner_id = ?",
                params![unit],
            )?;
            let after = c
                .query_one(
                    "SELECT after_json FROM audit_log WHERE action = 'user.create' ORDER BY id DESC LIMIT 1",
                    params![],
                )?
                .text(0)?;
            Ok::<_, linli_store::StoreError>((grants, after))
        })
        .unwrap();
    assert_eq!(grants, 2);
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["partner_id"], unit);
    assert_eq!(after["role"], "partner");
}

#[test]
fn migrate_is_idempotent() {
    let db = database(Engine::Sqlite).unwrap();
    let first = linli_on(&db.url, "migrate", "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("was 0"));
    let second = linli_on(&db.url, "migrate", "");
    assert!(second.status.success());
    let latest = linli_store::migrate::latest_version();
    assert!(text(&second.stdout).contains(&format!("(was {latest})")));
}

fn fixture(name: &str) -> String {
    format!("{}/../linli-io/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn last_json(out: &Output) -> serde_json::Value {
    let stdout = text(&out.stdout);
    serde_json::from_str(stdout.trim_end().lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn import_roster_on(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    // Without --create-places, the buildings of the file do not exist yet: every row refused.
    let out = linli(
        &["import", "residents", &fixture("roster.xlsx"), "--db", &db.url, "--community", "Xx社区"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let summary = last_json(&out);
    assert_eq!(summary["imported"], 0);
    assert_eq!(summary["errors"].as_array().unwrap().len(), 10);
    assert_eq!(summary["errors"][0]["column"], "楼栋");
    assert!(summary["errors"][0]["message"].as_str().unwrap().contains("没有"));

    let out = linli(
        &[
            "import",
            "residents",
            &fixture("roster-gb18030.csv"),
            "--db",
            &db.url,
            "--community",
            "Xx社区",
            "--create-places",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = last_json(&out);
    assert_eq!(summary["imported"], 10);
    assert!(summary["places_created"].as_i64().unwrap() > 0);

    // The same file again: duplicates in create mode, updates in upsert mode.
    let out = linli(
        &["import", "residents", &fixture("roster.csv"), "--db", &db.url, "--community", "Xx社区"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(last_json(&out)["errors"][0]["message"].as_str().unwrap().contains("已在本社区登记"));
    let out = linli(
        &[
            "import",
            "residents",
            &fixture("roster.csv"),
            "--db",
            &db.url,
            "--community",
            "Xx社区",
            "--mode",
            "upsert",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(last_json(&out)["updated"], 10);

    let out = linli(
        &[
            "import",
            "residents",
            &fixture("roster-mangled.xlsx"),
            "--db",
            &db.url,
            "--community",
            "Xx社区",
            "--mode",
            "upsert",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(last_json(&out)["errors"][0]["message"].as_str().unwrap().contains("Excel"));
    let out = linli_on(&db.url, "verify", "");
    assert!(out.status.success());
}

/// Issue 18, item 8: a building name over 60 characters ended the import with `linli: invalid:
/// place_bad_name` and no summary; cells with terminal escapes were printed raw.
fn import_names_every_refused_row_and_echoes_no_control_characters_on(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roster.csv");
    let long = "长".repeat(61);
    std::fs::write(
        &file,
        format!(
            "姓名,性别,楼栋,单元,户号\n\
             甲一,男,1号楼,1单元,101\n\
             乙二,女,{long},1单元,102\n\
             丙三,\u{1b}]0;pwned\u{7}\u{1b}[31m男x,1号楼,1单元,103\n\
             \u{202e}林胜夏,女,1号楼,1单元,104\n"
        ),
    )
    .unwrap();
    let out = linli(
        &[
            "import",
            "residents",
            file.to_str().unwrap(),
            "--db",
            &db.url,
            "--community",
            "Xx社区",
            "--create-places",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let summary = last_json(&out);
    assert_eq!(summary["imported"], 0);
    let errors = summary["errors"].as_array().unwrap();
    let at = |row: i64, column: &str| {
        errors
            .iter()
            .find(|e| e["row"] == row && e["column"] == column)
            .unwrap_or_else(|| panic!("no error at row {row} {column}: {summary}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(at(3, "楼栋").contains("60"));
    assert!(at(4, "性别").contains("男x"));
    assert!(at(5, "姓名").contains("U+202E"));
    assert_eq!(errors.len(), 3, "{summary}");
    for output in [text(&out.stdout), text(&out.stderr)] {
        assert!(!output.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{output:?}");
    }
    // All rows or none: the good first row was not written either.
    let out = linli_on(&db.url, "verify", "");
    assert!(out.status.success());
    let database = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let n =
        database.read_blocking(|c| c.count("SELECT COUNT(*) FROM residents", params![])).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn report_indicators_prints_the_catalogue_as_json() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    let out = succeeds(
        &db.url,
        "report indicators --community Xx社区 --from 2026-01-01 --to 2026-12-31 --json",
        "",
    );
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(v["indicators"]["fund.raised_total"], 0);
    // The volunteer and corridor figures are counted now (zero in an empty community).
    for id in [
        "groups.volunteer_hours",
        "groups.volunteers",
        "groups.service_times",
        "partners.party_members_reporting",
        "corridors.high_standard",
        "corridors.inspected",
    ] {
        assert_eq!(v["indicators"][id].as_f64(), Some(0.0), "{id}");
        assert_eq!(v["details"][id]["status"], "ok", "{id}");
    }
    let out = linli_on(
        &db.url,
        "report indicators --community Xx社区 --from 2026/01/01 --to 2026-12-31",
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

/// The fund's meeting decision and three anonymous cash gifts (¥200, ¥50, ¥9) through the
/// store; gives each gift's (transaction id, receipt number).
fn fund_with_three_gifts(d: &Db) -> Vec<(i64, String)> {
    d.write_blocking(|c| {
        let community = linli_store::Tenant::new(
            c.count("SELECT id FROM places WHERE kind = 'community'", params![])?,
        );
        let now = chrono::Utc::now();
        linli_store::fund::record_decision(
            c,
            community,
            &linli_store::fund::DecisionInput {
                decided_on: chrono::NaiveDate::from_ymd_opt(2011, 3, 15).expect("a day"),
                basis: linli_core::fund::MeetingBasis::Residents,
                eligible: 150,
                attendance: 86,
                quorum_reached: true,
                resolution: "成立爱心基金".into(),
                purpose: String::new(),
                eligibility: String::new(),
            },
            None,
            now,
        )?;
        let mut gifts = Vec::new();
        for fen in [20_000, 5_000, 900] {
            let (id, receipt) = linli_store::fund::donate(
                c,
                community,
                &linli_store::fund::DonationInput {
                    donor_kind: linli_core::fund::DonorKind::Anonymous,
                    donor_resident_id: None,
                    donor_partner_id: None,
                    donor_name: String::new(),
                    amount: linli_core::fund::Fen(fen),
                    method: linli_core::fund::Method::Cash,
                    items: String::new(),
                    received_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    publish_name: false,
                },
                None,
                now,
            )?;
            gifts.push((linli_store::fund::donation(c, community, id)?.transaction_id, receipt));
        }
        Ok::<_, linli_store::StoreError>(gifts)
    })
    .unwrap()
}

fn fund_tamper_is_named(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let tx = fund_with_three_gifts(&d)[1].0;
    let out = succeeds(&db.url, "verify", "");
    assert!(text(&out.stdout).contains("fund ledger"));
    // Someone with the database file turns ¥50 into ¥5,000 behind the triggers' back.
    d.write_blocking(|c| {
        match c.dialect() {
            Dialect::Sqlite => c.batch("DROP TRIGGER fund_postings_no_update")?,
            Dialect::Postgres => {
                c.batch("ALTER TABLE fund_postings DISABLE TRIGGER fund_postings_append_only")?
            }
        }
        c.execute(
            "UPDATE fund_postings SET amount_fen = amount_fen * 100 WHERE transaction_id = ?",
            params![tx],
        )?;
        Ok::<_, linli_store::StoreError>(())
    })
    .unwrap();
    let out = linli_on(&db.url, "verify", "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("fund ledger") && err.contains(&format!("record {tx}")), "{err}");
}

/// Issue 18 (3): records cut from the ledger's end, with the chain head and the receipt counter
/// rewound with them, pass a plain `verify`; a head remembered outside the database does not.
fn a_ledger_cut_short_is_caught_by_its_anchor(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    fund_with_three_gifts(&d);
    // The street office keeps the heads.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("anchors.txt");
    let file_arg = file.to_string_lossy().to_string();
    let out = linli(&["anchor", "--db", &db.url, "--out", &file_arg], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kept = std::fs::read_to_string(&file).unwrap();
    assert_eq!(kept.lines().count(), 1, "{kept}");
    assert!(kept.contains(":3:") && kept.contains("爱心基金账本 第3笔"), "{kept}");
    let out = linli(&["verify", "--db", &db.url, "--anchor-file", &file_arg], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("anchors: 1"), "{}", text(&out.stdout));

    // Someone removes the last gift and rewinds the head and the counter with it.
    d.write_blocking(|c| {
        match c.dialect() {
            Dialect::Sqlite => c.batch(
                "DROP TRIGGER fund_postings_no_delete; DROP TRIGGER fund_transactions_no_delete",
            )?,
            Dialect::Postgres => c.batch(
                "ALTER TABLE fund_postings DISABLE TRIGGER fund_postings_append_only;
                 ALTER TABLE fund_transactions DISABLE TRIGGER fund_transactions_append_only",
            )?,
        }
        c.batch(
            "DELETE FROM fund_donations WHERE transaction_id = (SELECT id FROM fund_transactions WHERE seq = 3);
             DELETE FROM fund_postings WHERE transaction_id = (SELECT id FROM fund_transactions WHERE seq = 3);
             DELETE FROM fund_transactions WHERE seq = 3;
             UPDATE chain_heads SET seq = 2, hash = (SELECT hash FROM fund_transactions WHERE seq = 2) WHERE chain = 'fund';
             UPDATE fund_receipt_counters SET last_no = 2;",
        )?;
        match c.dialect() {
            Dialect::Sqlite => c.batch(
                "CREATE TRIGGER fund_postings_no_delete BEFORE DELETE ON fund_postings BEGIN SELECT RAISE(ABORT, 'fund_postings is append-only'); END;
                 CREATE TRIGGER fund_transactions_no_delete BEFORE DELETE ON fund_transactions BEGIN SELECT RAISE(ABORT, 'fund_transactions is append-only'); END;",
            )?,
            Dialect::Postgres => c.batch(
                "ALTER TABLE fund_postings ENABLE TRIGGER fund_postings_append_only;
                 ALTER TABLE fund_transactions ENABLE TRIGGER fund_transactions_append_only",
            )?,
        }
        Ok::<_, linli_store::StoreError>(())
    })
    .unwrap();
    let out = linli_on(&db.url, "verify", "");
    assert!(
        out.status.success(),
        "without an anchor the cut cannot be seen: {}",
        text(&out.stderr)
    );
    let out = linli(&["verify", "--db", &db.url, "--anchor-file", &file_arg], "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("no record 3") && err.contains("ends at 2"), "{err}");
    // The receipt's short form works too, and a rewritten record is told from a missing one.
    let out = linli_on(&db.url, "verify --anchor 1:000000000000", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("rewritten"), "{}", text(&out.stderr));
    let out = linli_on(&db.url, "verify --anchor three", "");
    assert_eq!(out.status.code(), Some(2), "a malformed anchor is a usage error");
}

/// One HTTP/1.1 exchange with the app, by hand (the CLI crate has no HTTP client).
fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> serde_json::Value {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{method} {path}: {head}");
    serde_json::from_str(rest).unwrap()
}

/// `report indicators --json` and `GET /api/v1/reports/indicators` give the same figures.
fn indicators_cli_and_api_agree_on(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let args = [
        "report",
        "indicators",
        "--db",
        &db.url,
        "--community",
        "Xx社区",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--json",
    ];
    let out = linli(&args, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cli: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let database = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let app = linli_web::build_app(linli_web::AppState::new(
        database,
        std::sync::Arc::new(linli_core::SystemClock),
        linli_web::Config::default(),
    ));
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    let token = http(
        addr,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(r#"{"username":"admin","password":"邻里守望2026"}"#),
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let api = http(
        addr,
        "GET",
        "/api/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
        Some(&token),
        None,
    );
    assert_eq!(api["indicators"], cli["indicators"]);
    assert_eq!(api["details"], cli["details"]);
    assert!(
        cli["indicators"].as_object().unwrap().values().any(|v| v.is_null()),
        "some module is not built yet"
    );
}

fn report_summary_on(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let dir = tempfile::tempdir().unwrap();
    let summary = |format: &str| {
        let file = dir.path().join(format!("summary.{format}"));
        let out = linli(
            &[
                "report",
                "summary",
                "--db",
                &db.url,
                "--community",
                "Xx社区",
                "--year",
                "2026",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
            "",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        (std::fs::read(&file).unwrap(), last_json(&out))
    };
    let (md, told) = summary("md");
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# Xx社区2026年度工作总结\n\n## 一、创新学习载体，打造品牌社区\n"));
    assert!(
        md.contains("## 二、创新帮扶机制，共建和谐社区")
            && md.contains("## 三、推进部门联动，共谱和谐乐章")
    );
    // A new community has no records: no figure is printed as 0, each is said to be left out.
    assert!(told["figures"].as_array().unwrap().is_empty(), "{told}");
    let omitted = told["omitted"].as_array().unwrap();
    assert!(omitted.iter().any(|o| o["id"] == "fund.raised_total" && o["reason"] == "zero"));
    assert!(!md.contains("0元") && !md.contains("0名"));
    let (html, _) = summary("html");
    assert!(String::from_utf8(html).unwrap().contains("<h2>一、创新学习载体，打造品牌社区</h2>"));
    let (docx, _) = summary("docx");
    assert_eq!(&docx[..2], b"PK");

    let out = linli_on(
        &db.url,
        "report summary --community Xx社区 --year 2026 --format pdf --out /tmp/x",
        "",
    );
    assert_eq!(out.status.code(), Some(2), "an unknown format is a usage error");
    let out = linli_on(
        &db.url,
        "report summary --community 无此社区 --year 2026 --format md --out /tmp/x",
        "",
    );
    assert!(!out.status.success());
}

/// A departed worker's account is ended from the command line through the admin's operation:
/// deactivated (audited), restored, and given a temporary password that must be changed at the
/// next sign-in; an unknown name is refused.
#[test]
fn user_deactivate_reactivate_and_reset_password() {
    let db = database(Engine::Sqlite).unwrap();
    init(&db.url);
    let add = linli_on(
        &db.url,
        "user add --community Xx社区 --username wangli --role worker",
        "网格员的密码2026\n",
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let d = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let state = || {
        d.read_blocking(|c| {
            let r = c.query_one(
                "SELECT active, must_change_password FROM users WHERE username = 'wangli'",
                params![],
            )?;
            Ok::<_, linli_store::StoreError>((r.int(0)?, r.int(1)?))
        })
        .unwrap()
    };
    let run = |cmd: &str, input: &str| {
        linli(&["user", cmd, "--db", &db.url, "--username", "wangli"], input)
    };
    let out = run("deactivate", "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(state(), (0, 0));
    let out = run("reactivate", "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(state(), (1, 0));
    let out = run("reset-password", "123\n");
    assert_eq!(out.status.code(), Some(2), "a weak password is refused");
    let out = run("reset-password", "临时密码换一个2026\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(state(), (1, 1));
    let actions = d
        .read_blocking(|c| {
            c.query(
                "SELECT action FROM audit_log WHERE action LIKE 'user.%' ORDER BY id",
                params![],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    assert_eq!(
        actions,
        ["user.create", "user.deactivate", "user.reactivate", "user.password_reset"]
    );
    let out = linli_on(&db.url, "user deactivate --username nobody", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("nobody"), "{}", text(&out.stderr));
    let out = linli_on(&db.url, "verify", "");
    assert!(out.status.success(), "the audit chain still verifies");
}

/// `linli calendar load`: a year for one community or for all, replacing only that year;
/// a bad file names its line and loads nothing (issue 15).
fn calendar_load_on(engine: Engine) {
    let Some(db) = database(engine) else { return };
    init(&db.url);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cn-2027.csv");
    // Made up: tests never guess the State Council's real 2027.
    std::fs::write(
        &file,
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休上班\n",
    )
    .unwrap();
    let file = file.to_string_lossy().to_string();
    let out = linli(&["calendar", "load", &file, "--db", &db.url, "--community", "Xx社区"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("loaded 2027 for Xx社区"), "{}", text(&out.stdout));
    // Without --community: the deployment's year, for every community.
    let out = linli(&["calendar", "load", &file, "--db", &db.url], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("every community (1)"), "{}", text(&out.stdout));
    let handle = Db::open(&DbConfig::new(db.url.clone())).unwrap();
    let (rows, community) = handle
        .read_blocking(|c| {
            let rows = c.count("SELECT COUNT(*) FROM calendar_years", params![])?;
            let id = c.query_one("SELECT id FROM places WHERE kind = 'community'", params![])?;
            Ok::<_, linli_store::StoreError>((rows, id.int(0)?))
        })
        .unwrap();
    assert_eq!(rows, 2);
    let cal = handle
        .read_blocking(move |c| {
            linli_store::assistance::calendar(c, linli_store::Tenant::new(community))
        })
        .unwrap();
    // The shipped 2026 is still there beside the loaded 2027.
    assert_eq!(cal.known_years().collect::<Vec<_>>(), vec![2026, 2027]);
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert!(!cal.is_working_day(day(2026, 2, 17)));
    assert!(!cal.is_working_day(day(2027, 1, 1)));
    // A weekday make-up day is refused naming the line, and nothing is loaded.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,kind,name\n2028-01-01,holiday,元旦\n2028-01-03,workday,x\n")
        .unwrap();
    let out = linli(&["calendar", "load", &bad.to_string_lossy(), "--db", &db.url], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 3"), "{}", text(&out.stderr));
    let rows = handle
        .read_blocking(|c| c.count("SELECT COUNT(*) FROM calendar_years", params![]))
        .unwrap();
    assert_eq!(rows, 2);
    // An unknown community is refused.
    let out = linli(&["calendar", "load", &file, "--db", &db.url, "--community", "无此社区"], "");
    assert_eq!(out.status.code(), Some(1));
}
