use crate::both_engines;
use crate::support::{Engine, TestDb, app_and_browser, spawn_app};
use linli_web::{Policy, operations};
use reqwest::StatusCode;

both_engines!(
    every_signed_route_refuses_anonymous_callers,
    the_openapi_document_lists_every_json_route,
    error_pages_speak_the_users_language_and_show_the_request_id,
    responses_carry_the_security_headers,
    health_and_metrics_answer,
    the_english_switch_translates_the_shell,
    the_large_type_switch_is_a_form_that_returns_to_a_local_page,
);

fn concrete(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "1" } else { s }).collect::<Vec<_>>().join("/")
}

async fn every_signed_route_refuses_anonymous_callers(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let ops = operations(app_state(&app));
    assert!(ops.len() > 15);
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for op in ops.iter().filter(|o| o.policy != Policy::Public) {
        let url = format!("{}{}", app.base, concrete(op.path));
        let res = client.request(op.method.clone(), &url).send().await.unwrap();
        if op.path.starts_with("/api/") {
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{} {}", op.method, op.path);
        } else {
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{} {}", op.method, op.path);
            assert!(res.headers()["location"].to_str().unwrap().starts_with("/login"));
        }
    }
}

fn app_state(app: &crate::support::TestApp) -> linli_web::AppState {
    linli_web::AppState::new(app.db.clone(), app.clock.clone(), linli_web::Config::default())
}

async fn the_openapi_document_lists_every_json_route(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let doc = app.public_json("/api/v1/openapi.json").await;
    let ids: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| {
            item.as_object()
                .unwrap()
                .values()
                .map(|op| op["operationId"].as_str().unwrap().to_string())
        })
        .collect();
    for op in operations(app_state(&app)) {
        if op.path.starts_with("/api/") && op.path != "/api/v1/openapi.json" {
            let id = op.operation_id().unwrap_or_else(|| {
                panic!("{} {} is a JSON route without an operationId", op.method, op.path)
            });
            assert!(ids.contains(&id.to_string()), "{id} is missing from the document");
        }
    }
    for contract in ["places_create", "places_list", "users_create", "auth_token"] {
        assert!(ids.contains(&contract.to_string()), "{contract}");
    }
}

async fn error_pages_speak_the_users_language_and_show_the_request_id(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let res = b.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let rid = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("没有找到"));
    assert!(html.contains(&rid), "the page shows the request id the log carries");
    let res = app.public_get("/api/v1/nothing").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

async fn responses_carry_the_security_headers(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let res = app.public_get("/login").await;
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script"), "pages work without JavaScript and carry no inline script");
}

/// Health is public; the metrics only for the scraper holding the configured token, and not
/// at all without one (issue 13, item 9: they listed every route's traffic to anyone).
async fn health_and_metrics_answer(engine: Engine) {
    let Some(plain) = spawn_app(engine).await else {
        return;
    };
    let res = plain.public_get("/metrics").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no token configured: no metrics");
    let config = linli_web::Config {
        metrics_token: Some("scrape-secret-2026".into()),
        ..crate::support::test_config()
    };
    let Some(app) = crate::support::spawn_app_with(engine, config).await else {
        return;
    };
    let res = app.public_get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let _ = app.public_get("/login").await;
    let client = reqwest::Client::new();
    for wrong in [None, Some("Bearer guess"), Some("Bearer scrape-secret-202")] {
        let mut req = client.get(format!("{}/metrics", app.base));
        if let Some(h) = wrong {
            req = req.header("authorization", h);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{wrong:?}");
    }
    let text = client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("scrape-secret-2026")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("linli_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"}"),
        "{text}"
    );
}

async fn the_english_switch_translates_the_shell(engine: Engine) {
    let Some((_app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let res = b.get("/settings/lang?to=en&back=%2Fplaces").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/places");
    let (_, html) = b.get_text("/").await;
    assert!(html.contains("lang=\"en\"") && html.contains("Dashboard"));
    let res = b.get("/settings/lang?to=zh-CN&back=https%3A%2F%2Fevil.example").await;
    assert_eq!(res.headers()["location"], "/", "no open redirect");
}

async fn the_large_type_switch_is_a_form_that_returns_to_a_local_page(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Every page's header carries the switch as a button in a small POST form (a link may
    // not carry aria-pressed), with the CSRF token like every other form.
    let mut b = app.signed_in("admin").await;
    let (_, html) = b.get_text("/places").await;
    assert!(
        html.contains("action=\"/settings/elder\"")
            && html.contains(
                "<button class=\"top-link linklike\" id=\"elder-switch\" type=\"submit\">"
            ),
        "{html}"
    );
    assert!(!html.contains("aria-pressed"));
    let csrf = b.csrf().await;
    let res = b.post_form("/settings/elder", &[("back", "/places")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a session's form needs its token");
    let res = b.post_form("/settings/elder", &[("_csrf", &csrf), ("back", "/places?x=1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/places?x=1");
    let (_, html) = b.get_text("/").await;
    assert!(html.contains("<body class=\"elder\">") && html.contains("标准字号"));
    for evil in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let res = b.post_form("/settings/elder", &[("_csrf", &csrf), ("back", evil)]).await;
        assert_eq!(res.headers()["location"], "/", "no open redirect to {evil}");
    }
    // The old link still toggles, for bookmarks.
    let before = b.get_text("/").await.1.contains("<body class=\"elder\">");
    let res = b.get("/settings/elder?back=%2Fplaces").await;
    assert_eq!(res.headers()["location"], "/places");
    let after = b.get_text("/").await.1.contains("<body class=\"elder\">");
    assert_ne!(before, after);

    // Without a session the form works too (the origin check covers it), from a public page.
    let mut anon = app.browser();
    let (_, html) = anon.get_text("/login").await;
    assert!(html.contains("id=\"elder-switch\"") && !html.contains("name=\"_csrf\""));
    let res = anon.post_form("/settings/elder", &[("back", "/login")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    assert!(anon.get_text("/login").await.1.contains("<body class=\"public elder\">"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_end_with_the_same_tables_and_columns() {
    let Some(pg) = TestDb::new(Engine::Postgres).await else {
        return;
    };
    let lite = TestDb::new(Engine::Sqlite).await.unwrap();
    let (a, b) = (lite.open_seeded().await, pg.open_seeded().await);
    let describe = |db: linli_store::Db| async move {
        tokio::task::spawn_blocking(move || linli_store::migrate::describe_schema(&db).unwrap())
            .await
            .unwrap()
    };
    let (sa, sb) = (describe(a).await, describe(b).await);
    assert_eq!(sa, sb);
    for (table, columns) in &sa {
        if table != "schema_migrations" {
            assert!(columns.contains(&"community_id".to_string()), "{table} lacks community_id");
        }
    }
}
