//! `bench-http`: Linli over HTTP against the framework's ceiling, in one run.
//!
//! Starts, in this process, a bare axum handler that serialises a JSON body (the ceiling: what
//! axum, tokio and serde cost with nothing of Linli's) and Linli itself on the demo community
//! (the same `build_service`, database settings and request log as `linli serve`), then loads
//! both from a lean HTTP/1.1 client with keep-alive connections. Rounds alternate ceiling and
//! subject so that a shared, noisy machine slows both alike; each line gives the ratio of the
//! summed throughput.
//!
//! What is measured (issue 19's table):
//! - `healthz`: `GET /healthz` (one database round trip, no session);
//! - `resident`: `GET /api/v1/residents/{id}` as the community's admin (P1);
//! - `search`: `GET /api/v1/residents?q=…` with the queries workers type (P1b);
//! - `roster`, `home`, `reports`: the roster page, the home page and the figures page (P1b);
//! - `gift`: `POST /api/v1/fund/donations`, each gift durable, against bare durable one-row
//!   transactions over HTTP (P7);
//! - with `--instances 2` (on PostgreSQL): two instances against one (P8).
//!
//! ```sh
//! cargo run --release -p linli-bench --bin bench-http
//! cargo run --release -p linli-bench --bin bench-http -- --only resident
//! ```
//!
//! `--help` lists the options. A benchmark tool, not a test: a failure ends the run with a
//! message and a non-zero status.

use axum::Json;
use axum::routing::get;
use linli_core::SystemClock;
use linli_store::{Db, DbConfig, migrate};
use linli_web::{AppState, Config};
use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
// The `linli` binary's allocator comes with the crate's library.
use linli_bench as _;

type BoxResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

const USAGE: &str = "bench-http: Linli over HTTP against a bare axum JSON handler

options:
  --seconds S       length of one timed round (default 0.5: short rounds, many of them, so
                    that the load of a shared machine falls alike on both sides)
  --rounds N        rounds of ceiling and of subject per target, alternating (default 12)
  --connections N   keep-alive connections of the client (default 32)
  --only NAME       one target: healthz, resident, search, roster, home, reports, gift
  --db URL          the database (default: a new SQLite file in the temp dir with the demo);
                    a PostgreSQL URL must point at an empty database or a previous demo
  --log FILE        where the server's request log goes (default: a file beside the database)
  --instances N     Linli instances over the same database, the client's connections spread
                    over them; with 2 or more the run ends with their rate against one (P8)";

struct Args {
    seconds: f64,
    rounds: usize,
    connections: usize,
    only: Option<String>,
    db: Option<String>,
    log: Option<PathBuf>,
    instances: usize,
}

fn parse_args() -> BoxResult<Option<Args>> {
    let mut a = Args {
        seconds: 0.5,
        rounds: 12,
        connections: 32,
        only: None,
        db: None,
        log: None,
        instances: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => a.seconds = value()?.parse()?,
            "--rounds" => a.rounds = value()?.parse()?,
            "--connections" => a.connections = value()?.parse()?,
            "--only" => a.only = Some(value()?),
            "--db" => a.db = Some(value()?),
            "--log" => a.log = Some(PathBuf::from(value()?)),
            "--instances" => a.instances = value()?.parse::<usize>()?.max(1),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other} (see --help)").into()),
        }
    }
    Ok(Some(a))
}

// ---- the client ----

/// One prepared request: the bytes sent as they are, again and again.
#[derive(Clone)]
struct Request {
    bytes: Vec<u8>,
}

impl Request {
    fn get(path: &str, token: Option<&str>) -> Self {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        Request { bytes: format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n").into_bytes() }
    }

    fn post_json(path: &str, token: Option<&str>, body: &str) -> Self {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        Request {
            bytes: format!(
                "POST {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        }
    }
}

/// A keep-alive HTTP/1.1 connection that reads whole responses (`Content-Length` or chunked).
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> BoxResult<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client { stream, buf: Vec::with_capacity(64 * 1024) })
    }

    async fn fill(&mut self) -> BoxResult<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    async fn send(&mut self, req: &Request) -> BoxResult<Response> {
        self.stream.write_all(&req.bytes).await?;
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let status: u16 = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or("a response without a status line")?;
        let header = |name: &str| {
            head.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        self.buf.drain(..head_end);
        let body = if let Some(len) = header("content-length:") {
            let len: usize = len.parse()?;
            while self.buf.len() < len {
                self.fill().await?;
            }
            self.buf.drain(..len).collect()
        } else if header("transfer-encoding:").is_some_and(|v| v.contains("chunked")) {
            let mut body = Vec::new();
            loop {
                let line_end = loop {
                    if let Some(i) = find(&self.buf, b"\r\n") {
                        break i;
                    }
                    self.fill().await?;
                };
                let size_text = String::from_utf8_lossy(&self.buf[..line_end]).to_string();
                let size =
                    usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
                while self.buf.len() < line_end + 2 + size + 2 {
                    self.fill().await?;
                }
                body.extend_from_slice(&self.buf[line_end + 2..line_end + 2 + size]);
                self.buf.drain(..line_end + 2 + size + 2);
                if size == 0 {
                    break body;
                }
            }
        } else {
            return Err("a response without a length".into());
        };
        Ok(Response { status, body })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Requests answered in one round, and their latencies in microseconds.
#[derive(Default)]
struct Round {
    done: u64,
    latencies: Vec<u32>,
    seconds: f64,
}

/// Loads `addr` with `connections` connections for `seconds`, each cycling through `requests`
/// from its own offset. Any answer but `expect` ends the run.
fn load(
    addrs: &[SocketAddr],
    requests: &Arc<Vec<Request>>,
    connections: usize,
    seconds: f64,
    expect: u16,
) -> BoxResult<Round> {
    // The client gets its own thread and runtime: the servers keep theirs.
    let requests = requests.clone();
    let addrs = addrs.to_vec();
    std::thread::spawn(move || -> BoxResult<Round> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async move {
            let stop = Arc::new(AtomicBool::new(false));
            let mut tasks = Vec::new();
            for k in 0..connections {
                let requests = requests.clone();
                let stop = stop.clone();
                // Connections spread over the instances, as a balancer would.
                let addr = addrs[k % addrs.len()];
                tasks.push(tokio::spawn(async move {
                    let mut client = Client::connect(addr).await?;
                    let mut latencies = Vec::new();
                    let mut i = k * 7919;
                    while !stop.load(Ordering::Relaxed) {
                        let req = &requests[i % requests.len()];
                        i += 1;
                        let t = Instant::now();
                        let res = client.send(req).await?;
                        if res.status != expect {
                            return Err::<Vec<u32>, Box<dyn Error + Send + Sync>>(
                                format!(
                                    "{} answered {}: {}",
                                    String::from_utf8_lossy(
                                        req.bytes.split(|b| *b == b'\r').next().unwrap_or(&[])
                                    ),
                                    res.status,
                                    String::from_utf8_lossy(&res.body[..res.body.len().min(300)])
                                )
                                .into(),
                            );
                        }
                        latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                    }
                    Ok(latencies)
                }));
            }
            let started = Instant::now();
            tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
            stop.store(true, Ordering::Relaxed);
            let mut round = Round::default();
            for t in tasks {
                let l = t.await??;
                round.done += l.len() as u64;
                round.latencies.extend(l);
            }
            round.seconds = started.elapsed().as_secs_f64();
            Ok(round)
        })
    })
    .join()
    .map_err(|_| "the client thread panicked")?
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

// ---- the servers ----

async fn serve(router: axum::Router, connect_info: bool) -> BoxResult<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    if connect_info {
        tokio::spawn(async move {
            let _ =
                axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                    .await;
        });
    } else {
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
    }
    Ok(addr)
}

/// The ceiling: a bare axum handler that serialises `body` on every request.
fn bare(body: serde_json::Value) -> axum::Router {
    let body = Arc::new(body);
    axum::Router::new().route(
        "/json",
        get(move || {
            let body = body.clone();
            async move { Json(body.as_ref().clone()) }
        }),
    )
}

struct Target {
    name: &'static str,
    what: &'static str,
    requests: Vec<Request>,
    /// A write: answered 201, against the durable-insert ceiling instead of the JSON one.
    durable: bool,
}

/// The ceiling of a durable write over HTTP: a bare axum handler that inserts one row in its
/// own transaction into a SQLite file in WAL mode with `synchronous = FULL` (Linli's
/// settings), on a blocking thread, one writer at a time.
fn bare_durable(path: &std::path::Path) -> BoxResult<axum::Router> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE IF NOT EXISTS gifts (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, at TEXT NOT NULL)",
    )?;
    let conn = Arc::new(std::sync::Mutex::new(conn));
    Ok(axum::Router::new().route(
        "/tx",
        axum::routing::post(move || {
            let conn = conn.clone();
            async move {
                let done = tokio::task::spawn_blocking(move || {
                    let c = conn.lock().map_err(|_| "poisoned".to_string())?;
                    c.execute("INSERT INTO gifts (amount, at) VALUES (100, datetime('now'))", [])
                        .map_err(|e| e.to_string())
                })
                .await;
                match done {
                    Ok(Ok(_)) => axum::http::StatusCode::OK,
                    _ => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                }
            }
        }),
    ))
}

fn main() -> BoxResult<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let dir = std::env::temp_dir().join(format!("linli-bench-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = args.db.clone().unwrap_or_else(|| dir.join("demo.db").to_string_lossy().to_string());
    let log = args.log.clone().unwrap_or_else(|| dir.join("requests.log"));
    // The request log as `linli serve` writes it, to a file as under a service manager.
    let _log = linli_web::logging::init_to_file(&log)?;

    println!("bench-http: building the demo community ({url})");
    let db = Db::open(&DbConfig::new(url.clone()))?;
    migrate::migrate(&db)?;
    let now = chrono::Utc::now();
    linli_demo::populate_demo(&db, now)?;
    if db.dialect() == linli_store::Dialect::Postgres {
        // Statistics for the planner now, as autovacuum would give them a minute later:
        // without them the first rounds measure plans made blind.
        db.write_blocking(|c| c.batch("ANALYZE"))?;
    }

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let state = AppState::new(db.clone(), Arc::new(SystemClock), Config::default());
    let linli = rt.block_on(serve(linli_web::build_app(state), true))?;
    // Further instances over the same database, each with its own connections and caches.
    let mut instances = vec![linli];
    for _ in 1..args.instances {
        let db = Db::open(&DbConfig::new(url.clone()))?;
        let state = AppState::new(db, Arc::new(SystemClock), Config::default());
        instances.push(rt.block_on(serve(linli_web::build_app(state), true))?);
    }

    // A bearer token of the community's administrator, and some of her residents.
    let token = rt
        .block_on(async {
            let mut c = Client::connect(linli).await?;
            let res = c
                .send(&Request::post_json(
                    "/api/v1/auth/token",
                    None,
                    &format!(
                        r#"{{"username":"admin","password":"{}"}}"#,
                        linli_demo::DEMO_PASSWORD
                    ),
                ))
                .await?;
            let v: serde_json::Value = serde_json::from_slice(&res.body)?;
            v["token"].as_str().map(str::to_string).ok_or_else(|| format!("no token: {v}").into())
        })
        .map_err(|e: Box<dyn Error + Send + Sync>| e)?;
    let token = Some(token.as_str());
    let ids: Vec<i64> = rt.block_on(async {
        let mut c = Client::connect(linli).await?;
        let mut ids = Vec::new();
        for page in 1..=4 {
            let res =
                c.send(&Request::get(&format!("/api/v1/residents?page={page}"), token)).await?;
            let v: serde_json::Value = serde_json::from_slice(&res.body)?;
            ids.extend(
                v["items"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_i64()),
            );
        }
        Ok::<_, Box<dyn Error + Send + Sync>>(ids)
    })?;
    if ids.is_empty() {
        return Err("the demo community has no residents".into());
    }
    let searches = ["王", "李秀", "wxy", "zhang", "1234", "3号楼", "低保"];
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let targets = vec![
        Target {
            name: "healthz",
            what: "GET /healthz",
            requests: vec![Request::get("/healthz", None)],
            durable: false,
        },
        Target {
            name: "resident",
            what: "GET /api/v1/residents/{id} (P1)",
            requests: ids
                .iter()
                .map(|id| Request::get(&format!("/api/v1/residents/{id}"), token))
                .collect(),
            durable: false,
        },
        Target {
            name: "search",
            what: "GET /api/v1/residents?q=… (P1b)",
            requests: searches
                .iter()
                .map(|q| Request::get(&format!("/api/v1/residents?q={}", enc(q)), token))
                .collect(),
            durable: false,
        },
        Target {
            name: "roster",
            what: "GET /residents, the roster page (P1b)",
            requests: vec![Request::get("/residents", token)],
            durable: false,
        },
        Target {
            name: "home",
            what: "GET /, the home page (P1b)",
            requests: vec![Request::get("/", token)],
            durable: false,
        },
        Target {
            name: "reports",
            what: "GET /reports, the figures page (P1b)",
            requests: vec![Request::get("/reports", token)],
            durable: false,
        },
        Target {
            name: "gift",
            what: "POST /api/v1/fund/donations, each durable (P7; ceiling: bare durable 1-row transactions over HTTP)",
            requests: vec![Request::post_json(
                "/api/v1/fund/donations",
                token,
                &format!(
                    r#"{{"donor_kind":"anonymous","amount_fen":100,"method":"cash","received_on":"{}"}}"#,
                    linli_core::clock::shanghai(chrono::Utc::now()).date()
                ),
            )],
            durable: true,
        },
    ];

    // The ceiling answers with the body of a resident as Linli gives it.
    let sample: serde_json::Value = rt.block_on(async {
        let mut c = Client::connect(linli).await?;
        let res = c.send(&Request::get(&format!("/api/v1/residents/{}", ids[0]), token)).await?;
        Ok::<_, Box<dyn Error + Send + Sync>>(serde_json::from_slice(&res.body)?)
    })?;
    let json_ceiling = rt.block_on(serve(bare(sample), false))?;
    let json_requests = Arc::new(vec![Request::get("/json", None)]);
    let durable_ceiling = rt.block_on(serve(bare_durable(&dir.join("ceiling.db"))?, false))?;
    let durable_requests = Arc::new(vec![Request::post_json("/tx", None, "{}")]);

    println!(
        "{} connections, {} rounds of {:.1} s each side, alternating; cores: {}",
        args.connections,
        args.rounds,
        args.seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<9} {:>11} {:>11} {:>7} {:>9} {:>9}   what",
        "target", "ceiling/s", "linli/s", "ratio", "p50 ms", "p99 ms"
    );
    for t in targets {
        if args.only.as_deref().is_some_and(|o| o != t.name) {
            continue;
        }
        let requests = Arc::new(t.requests);
        let (ceiling, ceiling_requests, expect) = if t.durable {
            (durable_ceiling, &durable_requests, 201)
        } else {
            (json_ceiling, &json_requests, 200)
        };
        // Warm both (statement caches, pools, page caches) before timing.
        load(&[ceiling], ceiling_requests, args.connections, 0.5, 200)?;
        load(&instances, &requests, args.connections, 0.5, expect)?;
        let (mut ceil_n, mut ceil_s, mut ours_n, mut ours_s) = (0u64, 0.0, 0u64, 0.0);
        let mut latencies = Vec::new();
        for _ in 0..args.rounds {
            let c = load(&[ceiling], ceiling_requests, args.connections, args.seconds, 200)?;
            ceil_n += c.done;
            ceil_s += c.seconds;
            let o = load(&instances, &requests, args.connections, args.seconds, expect)?;
            ours_n += o.done;
            ours_s += o.seconds;
            latencies.extend(o.latencies);
        }
        latencies.sort_unstable();
        let ceil_rate = ceil_n as f64 / ceil_s;
        let ours_rate = ours_n as f64 / ours_s;
        println!(
            "{:<9} {:>11.0} {:>11.0} {:>6.3}× {:>9.2} {:>9.2}   {}",
            t.name,
            ceil_rate,
            ours_rate,
            ours_rate / ceil_rate,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            t.what
        );
    }
    if instances.len() > 1 {
        // P8: what the further instances add, alternating one instance and all of them.
        let requests = Arc::new(
            ids.iter()
                .map(|id| Request::get(&format!("/api/v1/residents/{id}"), token))
                .collect::<Vec<_>>(),
        );
        let (mut one, mut all) = (0.0, 0.0);
        for _ in 0..args.rounds {
            let r = load(&instances[..1], &requests, args.connections, args.seconds, 200)?;
            one += r.done as f64 / r.seconds;
            let r = load(&instances, &requests, args.connections, args.seconds, 200)?;
            all += r.done as f64 / r.seconds;
        }
        println!(
            "instances: {} serve GET /api/v1/residents/{{id}} at {:.2}× the rate of one (P8)",
            instances.len(),
            all / one
        );
    }
    drop(rt);
    if args.db.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
