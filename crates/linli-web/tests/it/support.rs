//! Test harness: each test gets its own app on port 0 over its own database, on SQLite and,
//! when a server is configured, on PostgreSQL.

use chrono::{TimeZone, Utc};
use linli_core::ManualClock;
use linli_store::{Db, DbConfig, migrate};
use linli_web::{AppState, Config};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs a test body once per engine: `both_engines!(name, …)` expects `async fn name(Engine)`.
#[macro_export]
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::support::Engine;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() { super::$name(Engine::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() { super::$name(Engine::Postgres).await }
        }
    )*};
}

pub const PASSWORD: &str = linli_demo::DEMO_PASSWORD;

/// Where a PostgreSQL test database can be created, or `None` (after saying why) to skip.
fn pg_admin_url() -> Option<String> {
    match std::env::var("LINLI_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("LINLI_REQUIRE_PG").as_deref() == Ok("1") {
                panic!(
                    "LINLI_REQUIRE_PG=1 but LINLI_TEST_PG_URL is not set: the PostgreSQL suite cannot run"
                );
            }
            eprintln!(
                "skipping the PostgreSQL variant: LINLI_TEST_PG_URL is not set (it names a server where tests may create databases; CI sets it, with LINLI_REQUIRE_PG=1 to make a missing server a failure)"
            );
            None
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base.rfind('/').filter(|i| *i > "postgres://".len()).unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A database of its own for one test. A PostgreSQL one is dropped when the test ends, so
/// that a suite of hundreds of tests does not fill a small CI disk with their databases.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    /// The server's admin URL and the database's name, for the drop.
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg.take() else {
            return;
        };
        // The synchronous client runs a runtime of its own, so not on a runtime thread;
        // FORCE ends the connections the test's pool still holds.
        let dropped = std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls)?;
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop a test database: {e}");
        }
    }
}

impl TestDb {
    pub async fn new(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = dir.path().join("linli.db").to_string_lossy().to_string();
                Some(TestDb { url, pg: None, _dir: Some(dir) })
            }
            Engine::Postgres => {
                let admin = pg_admin_url()?;
                let name = format!("linli_t_{}", hex::encode(rand::random::<[u8; 6]>()));
                let create = format!("CREATE DATABASE {name}");
                let admin2 = admin.clone();
                tokio::task::spawn_blocking(move || {
                    let mut c =
                        postgres::Client::connect(&admin2, postgres::NoTls).unwrap_or_else(|e| {
                            panic!("cannot reach PostgreSQL at LINLI_TEST_PG_URL: {e}")
                        });
                    c.batch_execute(&create)
                        .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
                })
                .await
                .unwrap();
                Some(TestDb {
                    url: with_database(&admin, &name),
                    _dir: None,
                    pg: Some((admin, name)),
                })
            }
        }
    }

    /// The URL of this (PostgreSQL) database on another server of the same cluster: its
    /// streaming replica.
    pub fn on_server(&self, server_url: &str) -> Option<String> {
        self.pg.as_ref().map(|(_, name)| with_database(server_url, name))
    }

    /// Opens, migrates and seeds the demo community (blocking work off the async threads).
    pub async fn open_seeded(&self) -> Db {
        let url = self.url.clone();
        tokio::task::spawn_blocking(move || {
            let db = Db::open(&DbConfig::new(url)).unwrap();
            migrate::migrate(&db).unwrap();
            linli_demo::seed_story_people(&db, Utc::now()).unwrap();
            db
        })
        .await
        .unwrap()
    }
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub test_db: Arc<TestDb>,
}

pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 1, 0, 0).unwrap()
}

/// The suite's configuration: the production defaults, except the per-address rate limit,
/// which a test suite sending hundreds of sign-ins from one address a (frozen) minute would
/// trip; the test of the limit itself serves `Config::default()`.
pub fn test_config() -> Config {
    Config { rate_per_minute: 100_000, ..Config::default() }
}

async fn serve(db: Db, clock: Arc<ManualClock>) -> String {
    serve_with(db, clock, test_config()).await
}

async fn serve_with(db: Db, clock: Arc<ManualClock>, config: Config) -> String {
    let app = linli_web::build_service(AppState::new(db, clock, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// Serves `db` on port 0 with the suite's configuration: an instance of the test's own making.
pub async fn serve_db(db: Db, clock: Arc<ManualClock>) -> String {
    serve(db, clock).await
}

/// The demo community served on port 0, or `None` when the engine is not available here.
pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    let test_db = TestDb::new(engine).await?;
    let db = test_db.open_seeded().await;
    Some(serve_test_db(test_db, db).await)
}

/// The demo community served on port 0 (see [`spawn_app`]) and a bearer token for `user` (demo
/// password), or `None` when the engine is not available here.
pub async fn app_and_token(engine: Engine, user: &str) -> Option<(TestApp, String)> {
    let app = spawn_app(engine).await?;
    let token = app.token(user).await;
    Some((app, token))
}

/// The demo community served on port 0 (see [`spawn_app`]) and a browser signed in as `user`
/// (demo password), or `None` when the engine is not available here.
pub async fn app_and_browser(engine: Engine, user: &str) -> Option<(TestApp, Browser)> {
    let app = spawn_app(engine).await?;
    let page = app.signed_in(user).await;
    Some((app, page))
}

/// `db` (a handle of the test's own making on `test_db`) served on port 0 with the suite's
/// configuration, its clock at [`start_time`].
pub async fn serve_test_db(test_db: TestDb, db: Db) -> TestApp {
    let clock = Arc::new(ManualClock::new(start_time()));
    let base = serve(db.clone(), clock.clone()).await;
    TestApp { base, db, clock, test_db: Arc::new(test_db) }
}

/// The demo community served with a configuration of the test's own.
pub async fn spawn_app_with(engine: Engine, config: Config) -> Option<TestApp> {
    let test_db = Arc::new(TestDb::new(engine).await?);
    let db = test_db.open_seeded().await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let base = serve_with(db.clone(), clock.clone(), config).await;
    Some(TestApp { base, db, clock, test_db })
}

/// The whole demo community (about 8,000 residents, its fund, cases, courses, partners and
/// issues, as `linli demo` serves it) on port 0: for the clients that explore the API.
pub async fn spawn_demo_app(engine: Engine) -> Option<TestApp> {
    let test_db = TestDb::new(engine).await?;
    let url = test_db.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        let db = Db::open(&DbConfig::new(url)).unwrap();
        migrate::migrate(&db).unwrap();
        linli_demo::populate_demo(&db, Utc::now()).unwrap();
        db
    })
    .await
    .unwrap();
    Some(serve_test_db(test_db, db).await)
}

impl TestApp {
    /// A second, independent instance over the same database (as behind a load balancer).
    pub async fn second_instance(&self) -> TestApp {
        let db = self.test_db.open_seeded().await;
        let base = serve(db.clone(), self.clock.clone()).await;
        TestApp { base, db, clock: self.clock.clone(), test_db: self.test_db.clone() }
    }

    pub fn browser(&self) -> Browser {
        Browser {
            http: reqwest::Client::builder().redirect(Policy::none()).build().unwrap(),
            base: self.base.clone(),
            cookies: Vec::new(),
        }
    }

    /// A browser signed in as `user` (demo password).
    pub async fn signed_in(&self, user: &str) -> Browser {
        self.signed_in_with(user, PASSWORD).await
    }

    /// A browser signed in as `user` (demo password), and the CSRF token its pages' forms carry.
    pub async fn signed_in_with_csrf(&self, user: &str) -> (Browser, String) {
        let mut b = self.signed_in(user).await;
        let csrf = b.csrf().await;
        (b, csrf)
    }

    /// A browser signed in as `user` with her own password.
    pub async fn signed_in_with(&self, user: &str, password: &str) -> Browser {
        let mut b = self.browser();
        let res = b.login(user, password).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {user} should redirect");
        b
    }

    /// `GET path` as anyone, signed in or not (a public page or endpoint).
    pub async fn public_get(&self, path: &str) -> Response {
        reqwest::get(format!("{}{path}", self.base)).await.unwrap()
    }

    /// The text of the public page at `path` (whatever its status).
    pub async fn public_text(&self, path: &str) -> String {
        self.public_get(path).await.text().await.unwrap()
    }

    /// The JSON of the public endpoint at `path` (whatever its status).
    pub async fn public_json(&self, path: &str) -> Value {
        self.public_get(path).await.json().await.unwrap()
    }

    /// A bearer token for `user` (demo password).
    pub async fn token(&self, user: &str) -> String {
        self.token_with(user, PASSWORD).await
    }

    /// A bearer token for `user` with her own password.
    pub async fn token_with(&self, user: &str, password: &str) -> String {
        let res = self
            .browser()
            .http
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&serde_json::json!({"username": user, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let client = reqwest::Client::new();
        let mut req = client.request(method, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// `GET path` as the bearer of `token`: the status and the JSON (or text) answered.
    pub async fn api_get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.api(token, reqwest::Method::GET, path, None).await
    }

    /// `GET path` that must answer `200 OK`: the JSON (or text) answered.
    pub async fn get_ok(&self, token: &str, path: &str) -> Value {
        let (status, v) = self.api_get(token, path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {v}");
        v
    }

    /// `POST path` with the JSON `body` as the bearer of `token`.
    pub async fn api_post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.api(token, reqwest::Method::POST, path, Some(body)).await
    }

    /// `PUT path` with the JSON `body` as the bearer of `token`: a change of a record.
    pub async fn api_put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.api(token, reqwest::Method::PUT, path, Some(body)).await
    }

    /// `POST path` without a body: an action on a record (approve, pay, close).
    pub async fn api_act(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.api(token, reqwest::Method::POST, path, None).await
    }

    /// `POST path` with the JSON `body` that must answer `200 OK`: the JSON answered.
    pub async fn post_ok(&self, token: &str, path: &str, body: Value) -> Value {
        let (status, v) = self.api_post(token, path, body).await;
        assert_eq!(status, StatusCode::OK, "POST {path}: {v}");
        v
    }

    /// `POST path` without a body (an action on a record) that must answer `200 OK`: the JSON
    /// answered.
    pub async fn act_ok(&self, token: &str, path: &str) -> Value {
        let (status, v) = self.api_act(token, path).await;
        assert_eq!(status, StatusCode::OK, "POST {path}: {v}");
        v
    }

    /// `POST path` that must create: asserts `201 Created` and gives the body.
    pub async fn created(&self, token: &str, path: &str, body: Value) -> Value {
        let (status, v) = self.api_post(token, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {v}");
        v
    }

    /// `POST path` that must be refused: asserts the `status` and the error `code` answered,
    /// and gives the body.
    pub async fn post_refused(
        &self,
        token: &str,
        path: &str,
        body: Value,
        status: StatusCode,
        code: &str,
    ) -> Value {
        let (got, v) = self.api_post(token, path, body).await;
        assert_eq!(got, status, "POST {path}: {v}");
        assert_eq!(v["error"]["code"], code, "POST {path}: {v}");
        v
    }

    /// The indicators of the period `from` to `to` as the bearer of `token`: the status and
    /// the JSON (or text) answered.
    pub async fn indicators(&self, token: &str, from: &str, to: &str) -> (StatusCode, Value) {
        self.api_get(token, &format!("/api/v1/reports/indicators?from={from}&to={to}")).await
    }

    /// The id of what a `POST path` that must create (see [`TestApp::created`]) created.
    pub async fn created_id(&self, token: &str, path: &str, body: Value) -> i64 {
        self.created(token, path, body).await["id"].as_i64().unwrap()
    }

    /// A new partner unit (共建单位) of `kind`: its id.
    pub async fn new_partner(&self, token: &str, name: &str, kind: &str) -> i64 {
        self.created_id(token, "/api/v1/partners", serde_json::json!({"name": name, "kind": kind}))
            .await
    }

    /// A request to pay `fen` from the fund to the resident `beneficiary` for medical costs,
    /// made by the bearer of `token` (asserting `201 Created`): its id.
    pub async fn fund_request(&self, token: &str, beneficiary: i64, fen: i64) -> i64 {
        self.created_id(
            token,
            "/api/v1/fund/disbursements",
            serde_json::json!({"beneficiary_resident_id": beneficiary, "amount_fen": fen, "purpose": "medical"}),
        )
        .await
    }

    /// A case of unemployment on the resident `resident`, opened with `summary` as the bearer
    /// of `token` (asserting `201 Created`): the case as answered.
    pub async fn unemployment_case(&self, token: &str, resident: i64, summary: &str) -> Value {
        self.created(
            token,
            "/api/v1/cases",
            serde_json::json!({"resident_id": resident, "kinds": ["unemployment"], "summary": summary}),
        )
        .await
    }

    /// The articles `GET /api/v1/articles/search?{query}` finds as the bearer of `token`
    /// (asserting `200 OK`).
    pub async fn search_articles(&self, token: &str, query: &str) -> Value {
        let (status, v) = self.api_get(token, &format!("/api/v1/articles/search?{query}")).await;
        assert_eq!(status, StatusCode::OK, "search {query}: {v}");
        v
    }

    /// The audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        self.texts("SELECT action FROM audit_log ORDER BY id").await
    }

    /// Whether the audit log records an `action`.
    pub async fn audited(&self, action: &str) -> bool {
        self.audit_actions().await.iter().any(|a| a == action)
    }

    /// How many times the audit log records an `action`.
    pub async fn audit_count(&self, action: &str) -> usize {
        self.audit_actions().await.iter().filter(|a| *a == action).count()
    }

    /// The number in the first column of each row `sql` returns, in order.
    pub async fn ints(&self, sql: &'static str) -> Vec<i64> {
        self.column(sql, linli_store::Row::int).await
    }

    /// The text in the first column of each row `sql` returns, in order.
    pub async fn texts(&self, sql: &'static str) -> Vec<String> {
        self.column(sql, linli_store::Row::text).await
    }

    /// The first column of each row `sql` returns, in order, read by `read`.
    async fn column<T: Send + 'static>(
        &self,
        sql: &'static str,
        read: fn(&linli_store::Row, usize) -> linli_store::Result<T>,
    ) -> Vec<T> {
        self.db
            .read(move |c| {
                c.query(sql, linli_store::params![])?
                    .iter()
                    .map(|r| read(r, 0))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await
            .unwrap()
    }

    /// The text in the first column of the first row `sql` returns.
    pub async fn text(&self, sql: &'static str) -> String {
        self.db.read(move |c| c.query_one(sql, linli_store::params![])?.text(0)).await.unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        self.db.read(move |c| c.count(sql, linli_store::params![])).await.unwrap()
    }

    /// A second community on the same deployment (东风社区) with its own admin `username`
    /// (the demo password): the other tenant of the cross-community tests.
    pub async fn second_community(&self, username: &'static str) {
        let hash = self.text("SELECT password_hash FROM users WHERE username = 'admin'").await;
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            linli_store::setup::init_community(&db, "东风社区", username, &hash, start_time())
        })
        .await
        .unwrap()
        .unwrap();
    }

    /// The staff of a second community (东风社区, see [`TestApp::second_community`]): its
    /// administrator `dongfeng` and `dongfeng_w`, a worker of its one grid (第一网格), each as a
    /// bearer token and as a signed-in browser.
    pub async fn second_community_staff(&self) -> Vec<Staff> {
        self.second_community("dongfeng").await;
        let admin = self.token("dongfeng").await;
        let community = self.place_id("community", "东风社区").await;
        let grid = self
            .created(
                &admin,
                "/api/v1/places",
                serde_json::json!({"kind": "grid", "name": "东风第一网格", "parent_id": community}),
            )
            .await;
        self.created(
            &admin,
            "/api/v1/users",
            serde_json::json!({"username": "dongfeng_w", "password": WORKER_PASSWORD, "role": "worker", "scope_place_id": grid["id"]}),
        )
        .await;
        let worker = self.token_with("dongfeng_w", WORKER_PASSWORD).await;
        vec![
            Staff { role: "admin", token: admin, page: self.signed_in("dongfeng").await },
            Staff {
                role: "worker",
                token: worker,
                page: self.signed_in_with("dongfeng_w", WORKER_PASSWORD).await,
            },
        ]
    }

    /// Id of a resident by name (the demo's people have unique names).
    pub async fn resident_id(&self, name: &'static str) -> i64 {
        self.id_of("SELECT id FROM residents WHERE name = ?", &[name]).await
    }

    /// Id of an account by its username.
    pub async fn user_id(&self, username: &'static str) -> i64 {
        self.id_of("SELECT id FROM users WHERE username = ?", &[username]).await
    }

    /// Id of a place by kind and name.
    pub async fn place_id(&self, kind: &'static str, name: &'static str) -> i64 {
        self.id_of("SELECT id FROM places WHERE kind = ? AND name = ?", &[kind, name]).await
    }

    /// The number `sql` selects with the text parameters `args`.
    async fn id_of(&self, sql: &'static str, args: &[&'static str]) -> i64 {
        let args: Vec<linli_store::Value> = args.iter().map(|a| (*a).into()).collect();
        self.number(sql, &args).await
    }

    /// Runs one statement `sql` with `args` (`linli_store::params![…]`) directly in the
    /// database, as someone with the file or a login would: a test's own set-up.
    pub async fn execute(&self, sql: &'static str, args: &[linli_store::Value]) {
        let args = args.to_vec();
        self.db.write(move |c| c.execute(sql, &args)).await.unwrap();
    }

    /// The text `sql` selects with `args` (`linli_store::params![…]`).
    pub async fn text_with(&self, sql: &'static str, args: &[linli_store::Value]) -> String {
        let args = args.to_vec();
        self.db.read(move |c| c.query_one(sql, &args)?.text(0)).await.unwrap()
    }

    /// The number `sql` selects with `args` (`linli_store::params![…]`).
    pub async fn number(&self, sql: &'static str, args: &[linli_store::Value]) -> i64 {
        let args = args.to_vec();
        self.db.read(move |c| c.count(sql, &args)).await.unwrap()
    }
}

/// On the neighbour cards' page, `b` (a worker) registers the resident `resident` as a
/// neighbour who helps with `helps_with` on the cards of `building`: the page must redirect.
pub async fn register_neighbour_helper(
    b: &mut Browser,
    resident: i64,
    helps_with: &str,
    building: i64,
) {
    let csrf = b.csrf().await;
    b.post_form_redirected(
        "/neighbor-cards/helpers",
        &[
            ("_csrf", &csrf),
            ("resident_id", &resident.to_string()),
            ("helps_with", helps_with),
            ("building", &building.to_string()),
        ],
    )
    .await;
}

/// The text `field` of each element of the JSON array `list`.
pub fn texts_of<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array().unwrap().iter().map(|e| e[field].as_str().unwrap()).collect()
}

/// The password of the second community's worker.
const WORKER_PASSWORD: &str = "东风网格员的密码2026";

/// One account of the second community: its role (`admin`, `worker`), a bearer token and a
/// signed-in browser.
pub struct Staff {
    pub role: &'static str,
    pub token: String,
    pub page: Browser,
}

/// A minimal browser: keeps cookies, follows no redirects, reads the CSRF token from pages.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    /// The `Cookie` header the browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&mut self, res: &Response) {
        for v in res.headers().get_all(SET_COOKIE) {
            let s = v.to_str().unwrap();
            let pair = s.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            let expired = s.contains("Max-Age=0");
            if !expired && !val.is_empty() {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&res);
        res
    }

    /// The text of the page at `path`, which must answer `200 OK`.
    pub async fn get_ok(&mut self, path: &str) -> String {
        let (status, text) = self.get_text(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}");
        text
    }

    /// Asserts that each page of `paths` answers this browser `404 Not Found`.
    pub async fn assert_not_found(&mut self, paths: &[String]) {
        for path in paths {
            assert_eq!(self.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    pub async fn get_text(&mut self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        (res.status(), res.text().await.unwrap())
    }

    /// Posts a form as a same-origin page would.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_form_with(path, form, &[]).await
    }

    /// Posts a form that must answer `303 See Other` (done, and on to the next page): where
    /// it sends the browser.
    pub async fn post_form_redirected(&mut self, path: &str, form: &[(&str, &str)]) -> String {
        let res = self.post_form(path, form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "POST {path}");
        Browser::location(&res)
    }

    /// Posts a form that must answer `status` (a refused one comes back with its errors beside
    /// the fields): the text of the page answered.
    pub async fn post_form_answered(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        status: StatusCode,
    ) -> String {
        let res = self.post_form(path, form).await;
        assert_eq!(res.status(), status, "POST {path}");
        res.text().await.unwrap()
    }

    pub async fn post_form_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.keep_cookies(&res);
        res
    }

    /// Posts a `multipart/form-data` form as an upload page would: the CSRF token (a field
    /// named `_csrf` here) travels in the action URL's query.
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form = reqwest::multipart::Form::new();
        let mut token = String::new();
        for (k, v) in fields {
            if *k == "_csrf" {
                token = v.to_string();
            } else {
                form = form.text(k.to_string(), v.to_string());
            }
        }
        let res = self.post_upload(path, &token, form).await;
        self.keep_cookies(&res);
        res
    }

    /// Posts a `multipart/form-data` `form` (files included) with the CSRF token `csrf` in the
    /// action URL's query, as an upload page does. The answer's cookies are not kept.
    pub async fn post_upload(
        &self,
        path: &str,
        csrf: &str,
        form: reqwest::multipart::Form,
    ) -> Response {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.http
            .post(format!("{}{path}{sep}_csrf={csrf}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Response {
        self.post_form("/login", &[("username", user), ("password", password), ("next", "/")]).await
    }

    /// The CSRF token the signed-in pages carry in their forms.
    pub async fn csrf(&mut self) -> String {
        let (_, html) = self.get_text("/").await;
        let at = html.find("name=\"_csrf\" value=\"").unwrap_or_else(|| {
            panic!("a signed-in page has a CSRF field: {}", &html[..html.len().min(3000)])
        });
        let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    pub fn location(res: &Response) -> String {
        res.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
}
