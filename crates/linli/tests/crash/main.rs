//! A crash in the middle of gifts (issue 18): the real `linli serve` is killed with SIGKILL
//! while several clients are recording donations, then started again on the same database.
//! Every receipt it acknowledged must still be there with its amount, receipt numbers must run
//! without a gap, the balance must be the sum of the gifts, retried keys must get their first
//! answer (or be recorded once), and `linli verify` must pass — on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use linli_store::{Db, DbConfig, params};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const PASSWORD: &str = "邻里守望2026";
/// Client threads sending gifts at the same time.
const SENDERS: usize = 4;
/// The server is killed as soon as this many gifts are acknowledged.
const KILL_AFTER: usize = 60;
/// A bound on the gifts one run may send (never reached when the kill happens).
const MAX_GIFTS: usize = 5_000;

#[path = "../common/mod.rs"]
mod common;
use common::{Database, Engine, database, linli, text};

/// A running `linli serve`; killed (SIGKILL on unix) and reaped when dropped, so a failed
/// assertion leaves no server behind.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: std::path::PathBuf,
}

impl Server {
    fn start(db: &Database, run: usize) -> Server {
        let log = db.dir.path().join(format!("serve-{run}.log"));
        let (child, addr) = common::serve(&db.url, &log, "warn", "text");
        let mut server = Server { child, addr, log };
        server.wait_healthy();
        server
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls `GET /healthz` until it answers 200, a bounded number of times.
    fn wait_healthy(&mut self) {
        let started = Instant::now();
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("linli serve exited ({status}) before it was healthy:\n{}", self.log_text());
            }
            if let Ok((200, _)) = http(self.addr, "GET", "/healthz", None, None, None) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("linli serve was not healthy after {:?}:\n{}", started.elapsed(), self.log_text());
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One HTTP/1.1 exchange, by hand: the status and the body. A connection refused, reset or
/// closed before a whole answer arrived is an `Err` (a request that died in flight).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    idempotency_key: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(k) = idempotency_key {
        req.push_str(&format!("Idempotency-Key: {k}\r\n"));
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
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let raw = String::from_utf8(raw).map_err(|_| bad("not UTF-8"))?;
    let (head, rest) = raw.split_once("\r\n\r\n").ok_or_else(|| bad("no end of headers"))?;
    let status: u16 =
        head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let body = if let Some(len) = header("content-length") {
        let len: usize = len.parse().map_err(|_| bad("bad content-length"))?;
        if rest.len() < len {
            return Err(bad("truncated body"));
        }
        rest[..len].to_string()
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut out = String::new();
        let mut rest = rest;
        loop {
            let (size, after) = rest.split_once("\r\n").ok_or_else(|| bad("bad chunk"))?;
            let size = usize::from_str_radix(size.trim(), 16).map_err(|_| bad("bad chunk"))?;
            if size == 0 {
                break;
            }
            if after.len() < size + 2 {
                return Err(bad("truncated chunk"));
            }
            out.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        out
    } else {
        rest.to_string()
    };
    Ok((status, body))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn token(addr: SocketAddr) -> String {
    let body = serde_json::json!({"username": "admin", "password": PASSWORD}).to_string();
    let (status, answer) =
        http(addr, "POST", "/api/v1/auth/token", None, None, Some(&body)).unwrap();
    assert_eq!(status, 200, "token: {answer}");
    json(&answer)["token"].as_str().unwrap().to_string()
}

fn gift_key(i: usize) -> String {
    format!("crash-{i}")
}

fn gift_amount(i: usize) -> i64 {
    100 + i as i64
}

fn gift_body(i: usize) -> String {
    serde_json::json!({
        "donor_kind": "anonymous",
        "amount_fen": gift_amount(i),
        "method": "cash",
        "received_on": "2026-11-20",
    })
    .to_string()
}

/// Sends gift `i`: `Ok((id, receipt_no))` when acknowledged (201; any other answer fails the
/// test), `Err` when the request died with the connection.
fn send_gift(addr: SocketAddr, token: &str, i: usize) -> std::io::Result<(i64, String)> {
    let (status, body) = http(
        addr,
        "POST",
        "/api/v1/fund/donations",
        Some(token),
        Some(&gift_key(i)),
        Some(&gift_body(i)),
    )?;
    assert_eq!(status, 201, "gift {i}: {status} {body}");
    let v = json(&body);
    Ok((v["id"].as_i64().unwrap(), v["receipt_no"].as_str().unwrap().to_string()))
}

/// What one run of senders saw.
#[derive(Default)]
struct Outcome {
    /// Key index → (donation id, receipt number) for every acknowledged gift.
    acked: BTreeMap<usize, (i64, String)>,
    /// Key indexes whose request failed when the server died.
    died: BTreeSet<usize>,
}

/// The donations in the database: receipt number → (id, amount).
fn stored(db: &Db) -> BTreeMap<String, (i64, i64)> {
    db.read_blocking(|c| {
        c.query("SELECT receipt_no, id, amount_fen FROM fund_donations ORDER BY id", params![])?
            .iter()
            .map(|r| Ok((r.text(0)?, (r.int(1)?, r.int(2)?))))
            .collect::<Result<BTreeMap<_, _>, linli_store::StoreError>>()
    })
    .unwrap()
}

/// Receipt numbers run 2026-0001 … 2026-N without a gap, every amount is one of a key we
/// sent and no key's gift is recorded twice.
fn assert_gap_free_and_once(donations: &BTreeMap<String, (i64, i64)>, sent: usize, when: &str) {
    let expected: Vec<String> = (1..=donations.len()).map(|n| format!("2026-{n:04}")).collect();
    let got: Vec<&String> = donations.keys().collect();
    assert_eq!(
        got,
        expected.iter().collect::<Vec<_>>(),
        "{when}: receipt numbers must run 2026-0001…2026-N without a gap"
    );
    let mut seen = BTreeMap::new();
    for (receipt, (_, amount)) in donations {
        assert!(
            (gift_amount(0)..gift_amount(sent)).contains(amount),
            "{when}: {receipt} has an amount ({amount}) no request sent"
        );
        if let Some(first) = seen.insert(*amount, receipt) {
            panic!("{when}: the gift of {amount} fen is recorded twice: {first} and {receipt}");
        }
    }
}

fn balance_fen(addr: SocketAddr, token: &str) -> i64 {
    let (status, body) =
        http(addr, "GET", "/api/v1/fund/balance", Some(token), None, None).unwrap();
    assert_eq!(status, 200, "balance: {body}");
    json(&body)["balance_fen"].as_i64().unwrap()
}

fn crash_during_gifts(engine: Engine) {
    let t0 = Instant::now();
    let Some(db) = database(engine) else { return };
    let out = linli(
        &["init", "--db", &db.url, "--community", "Xx社区", "--admin", "admin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "init failed: {}", text(&out.stderr));

    // 1-2. The server, a token, and the residents' meeting's decision the fund rests on.
    let mut server = Server::start(&db, 1);
    let addr = server.addr;
    let tok = token(addr);
    let decision = serde_json::json!({
        "decided_on": "2011-03-15",
        "basis": "residents",
        "eligible": 150,
        "attendance": 86,
        "resolution": "成立爱心基金",
    })
    .to_string();
    let (status, body) =
        http(addr, "POST", "/api/v1/fund/decisions", Some(&tok), None, Some(&decision)).unwrap();
    assert_eq!(status, 201, "decision: {body}");

    // 3. Gifts from several threads; SIGKILL as soon as KILL_AFTER are acknowledged.
    let next = Arc::new(AtomicUsize::new(0));
    let acked_count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let (enough_tx, enough_rx) = mpsc::channel::<()>();
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (next, acked_count, killed, outcome, enough_tx, tok) = (
                next.clone(),
                acked_count.clone(),
                killed.clone(),
                outcome.clone(),
                enough_tx.clone(),
                tok.clone(),
            );
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= MAX_GIFTS {
                        return;
                    }
                    match send_gift(addr, &tok, i) {
                        Ok(receipt) => {
                            outcome.lock().unwrap().acked.insert(i, receipt);
                            if acked_count.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                                let _ = enough_tx.send(());
                            }
                        }
                        Err(e) => {
                            assert!(
                                killed.load(Ordering::SeqCst),
                                "gift {i} failed before the server was killed: {e}"
                            );
                            outcome.lock().unwrap().died.insert(i);
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    drop(enough_tx);
    let enough = enough_rx.recv_timeout(Duration::from_secs(40));
    killed.store(true, Ordering::SeqCst);
    server.kill();
    let kill_at = acked_count.load(Ordering::SeqCst);
    assert!(enough.is_ok(), "{KILL_AFTER} gifts were not acknowledged in time ({kill_at} were)");
    for s in senders {
        if let Err(e) = s.join() {
            std::panic::resume_unwind(e);
        }
    }
    drop(server);
    let Outcome { acked, died } = std::mem::take(&mut *outcome.lock().unwrap());
    let sent = next.load(Ordering::SeqCst).min(MAX_GIFTS);
    assert!(acked.len() >= KILL_AFTER, "{} acknowledged", acked.len());
    assert_eq!(died.len(), SENDERS, "every sender ends with the request the kill cut off");
    let crashed_after = t0.elapsed();

    // 4. Restart on the same database.
    let server = Server::start(&db, 2);
    let addr = server.addr;
    let tok = token(addr);
    let store = Db::open(&DbConfig::new(db.url.clone())).unwrap();

    let before = stored(&store);
    assert_gap_free_and_once(&before, sent, "after the crash");
    let by_amount: BTreeMap<i64, (&String, i64)> =
        before.iter().map(|(receipt, (id, amount))| (*amount, (receipt, *id))).collect();
    for (i, (id, receipt)) in &acked {
        let Some((got_id, amount)) = before.get(receipt) else {
            panic!("acknowledged receipt {receipt} (gift {i}, id {id}) is lost after the crash");
        };
        assert_eq!(
            (*got_id, *amount),
            (*id, gift_amount(*i)),
            "acknowledged receipt {receipt} (gift {i}) is stored with another id or amount"
        );
    }
    // Nothing beyond what was acknowledged or cut off in flight was recorded.
    for amount in by_amount.keys() {
        let i = (*amount - gift_amount(0)) as usize;
        assert!(
            acked.contains_key(&i) || died.contains(&i),
            "gift {i} was recorded but was neither acknowledged nor in flight"
        );
    }
    let sum: i64 = before.values().map(|(_, a)| a).sum();
    assert_eq!(balance_fen(addr, &tok), sum, "the balance is the sum of the stored gifts");

    // Retries: an acknowledged key answers its first receipt; a key cut off in flight is
    // recorded once (its first answer if it had been committed before the kill).
    for (i, first) in &acked {
        let again = send_gift(addr, &tok, *i).unwrap();
        assert_eq!(&again, first, "gift {i}: the retry after the crash got another answer");
    }
    let mut committed_in_flight = 0;
    for i in &died {
        let again = send_gift(addr, &tok, *i).unwrap();
        if let Some((receipt, id)) = by_amount.get(&gift_amount(*i)) {
            committed_in_flight += 1;
            assert_eq!(
                (again.0, &again.1),
                (*id, *receipt),
                "gift {i} was committed before the kill: its retry answers that receipt"
            );
        }
    }
    let after = stored(&store);
    assert_gap_free_and_once(&after, sent, "after the retries");
    assert_eq!(
        after.len(),
        acked.len() + died.len(),
        "every acknowledged and every retried gift is recorded exactly once"
    );
    let sum: i64 = after.values().map(|(_, a)| a).sum();
    assert_eq!(balance_fen(addr, &tok), sum, "the balance after the retries");
    drop(store);

    // 5. Stop the server; the ledger and the audit chain verify.
    drop(server);
    let out = linli(&["verify", "--db", &db.url], "");
    assert!(
        out.status.success(),
        "verify failed after the crash:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    eprintln!(
        "{engine:?}: {} gifts acknowledged before SIGKILL (kill at {kill_at}), {} cut off in flight \
         ({committed_in_flight} of them committed), {} stored after retries; crash at {:.1?}, \
         whole test {:.1?}",
        acked.len(),
        died.len(),
        after.len(),
        crashed_after,
        t0.elapsed()
    );
}

#[test]
fn crash_during_gifts_on_sqlite() {
    crash_during_gifts(Engine::Sqlite);
}

#[test]
fn crash_during_gifts_on_postgres() {
    crash_during_gifts(Engine::Postgres);
}
