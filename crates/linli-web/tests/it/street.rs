//! The street office (issue 19): an administrator granted on a street sees its communities side
//! by side and the street's totals, which sum its communities' figures; a community's accounts
//! are refused the street's pages; another street's communities are not its to see.

use crate::both_engines;
use crate::support::{Engine, PASSWORD, TestApp, spawn_app, start_time, texts_of};
use linli_demo::street::{StreetCommunity, populate_street};
use reqwest::StatusCode;
use serde_json::Value;

both_engines!(
    the_street_admins_view_sums_its_communities,
    a_community_admin_is_refused_the_street_pages,
    a_street_admin_sees_nothing_of_another_street,
);

/// 东安街道 with Xx社区 (the story's people) and one small community with people and gifts,
/// and the street account `jiedao` with a community admin `donghu` for the small one.
async fn street_app(engine: Engine) -> Option<TestApp> {
    let app = spawn_app(engine).await?;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        populate_street(
            &db,
            start_time(),
            &[StreetCommunity { name: "东湖社区", buildings: 2, seed: 7, gifts: 5 }],
        )
    })
    .await
    .unwrap()
    .unwrap();
    app.grant_admin("donghu", "东湖社区").await;
    Some(app)
}

impl TestApp {
    /// An administrator of the named community (the demo's password).
    async fn grant_admin(&self, username: &'static str, community: &'static str) {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            db.write_blocking(|c| {
                let place = linli_store::places::find_community(c, community)?.unwrap();
                let hash = c
                    .query_one(
                        "SELECT password_hash FROM users WHERE username = 'admin'",
                        linli_store::params![],
                    )?
                    .text(0)?;
                let u = linli_store::users::create(
                    c,
                    Some(place.id),
                    username,
                    username,
                    &hash,
                    start_time(),
                )?;
                linli_store::users::add_grant(
                    c,
                    u.id,
                    linli_core::Role::Admin,
                    &place,
                    None,
                    start_time(),
                )
            })
        })
        .await
        .unwrap()
        .unwrap();
    }
}

async fn the_street_admins_view_sums_its_communities(engine: Engine) {
    let Some(app) = street_app(engine).await else {
        return;
    };
    let street = app.token("jiedao").await;
    // The story's people are written at the real time, the app's clock is in 2026: a period
    // that holds both.
    const PERIOD: &str = "from=2026-01-01&to=2035-12-31";
    let view = app.get_ok(&street, &format!("/api/v1/street/indicators?{PERIOD}")).await;
    assert_eq!(view["street"]["name"], "东安街道");
    let names = texts_of(&view["communities"], "name");
    assert_eq!(names, ["Xx社区", "东湖社区"]);
    // Each community's figures are those its own administrator reads.
    let mut own = Vec::new();
    for (user, i) in [("admin", 0), ("donghu", 1)] {
        let token = app.token(user).await;
        let (s, mine) = app.api_get(&token, &format!("/api/v1/reports/indicators?{PERIOD}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            view["communities"][i]["indicators"], mine["indicators"],
            "{user}'s community as the street sees it"
        );
        own.push(mine);
    }
    let value = |m: &Value, id: &str| m["indicators"][id].as_f64();
    // Both communities have people, and they differ; the small one has gifts too.
    for id in ["registry.residents", "registry.households"] {
        let (a, b) = (value(&own[0], id).unwrap(), value(&own[1], id).unwrap());
        assert!(a > 0.0 && b > 0.0 && a != b, "{id}: {a} and {b}");
    }
    assert!(value(&own[1], "fund.raised_total").unwrap() > 0.0);
    // Every count and amount of the catalogue: the street's total is the sum.
    for ind in linli_core::indicators::CATALOGUE {
        let total = &view["totals"][ind.id];
        let (a, b) = (&own[0]["details"][ind.id], &own[1]["details"][ind.id]);
        match ind.counts {
            linli_core::indicators::Counts::Rate => {
                assert_eq!(total["rule"], "ratio_of_sums", "{}", ind.id);
                let n = a["numerator"].as_i64().unwrap() + b["numerator"].as_i64().unwrap();
                let d = a["denominator"].as_i64().unwrap() + b["denominator"].as_i64().unwrap();
                assert_eq!(total["numerator"].as_i64(), Some(n), "{}", ind.id);
                assert_eq!(total["denominator"].as_i64(), Some(d), "{}", ind.id);
            }
            linli_core::indicators::Counts::Average => {
                assert_eq!(total["rule"], "weighted_mean", "{}", ind.id);
                let n = a["corridors"].as_i64().unwrap() + b["corridors"].as_i64().unwrap();
                assert_eq!(total["denominator"].as_i64(), Some(n), "{}", ind.id);
            }
            _ => {
                assert_eq!(total["rule"], "sum", "{}", ind.id);
                let sum = value(&own[0], ind.id).unwrap() + value(&own[1], ind.id).unwrap();
                assert!(
                    (total["value"].as_f64().unwrap() - sum).abs() < 1e-9,
                    "{}: {} != {sum}",
                    ind.id,
                    total["value"]
                );
            }
        }
    }
    // Sorted by residents: the story's eight people are fewer than the small community's.
    for (dir, first) in [("asc", "Xx社区"), ("desc", "东湖社区")] {
        let (_, sorted) = app
            .api_get(
                &street,
                &format!("/api/v1/street/indicators?sort=registry.residents&dir={dir}&{PERIOD}"),
            )
            .await;
        assert_eq!(sorted["communities"][0]["name"], first, "{dir}");
    }
    // The page: home leads there; each community links to its figures and summary, which open.
    let mut b = app.browser();
    let res = b.login("jiedao", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = b.get("/").await;
    assert_eq!(crate::support::Browser::location(&home), "/street");
    let (s, page) = b.get_text("/street?sort=fund.raised_total").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("东安街道各社区指标") && page.contains("街道合计"), "{page}");
    let donghu = view["communities"][1]["id"].as_i64().unwrap();
    assert!(page.contains(&format!("/street/communities/{donghu}?")));
    let (s, one) = b.get_text(&format!("/street/communities/{donghu}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(one.contains("东湖社区") && one.contains("在册居民"));
    let (s, summary) = b.get_text(&format!("/street/communities/{donghu}/summary?year=2026")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(summary.contains("summary-preview"));
    let (s, street_summary) = b.get_text("/street/summary?year=2026").await;
    assert_eq!(s, StatusCode::OK);
    assert!(street_summary.contains("东安街道"), "{street_summary}");
    // The community modules stay the communities': the roster is not the street's.
    assert_eq!(app.api_get(&street, "/api/v1/residents").await.0, StatusCode::NOT_FOUND);
}

async fn a_community_admin_is_refused_the_street_pages(engine: Engine) {
    let Some(app) = street_app(engine).await else {
        return;
    };
    for user in ["admin", "donghu", "jijin"] {
        let token = app.token(user).await;
        let (s, _) = app.api_get(&token, "/api/v1/street/indicators").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let mut b = app.signed_in(user).await;
        assert_eq!(b.get("/street").await.status(), StatusCode::FORBIDDEN, "{user}");
        assert_eq!(b.get("/street/summary").await.status(), StatusCode::FORBIDDEN, "{user}");
    }
    // A community's admin finds nothing of the other community through the street's links.
    let xx = app.place_id("community", "Xx社区").await;
    let mut b = app.signed_in("donghu").await;
    assert_eq!(b.get(&format!("/street/communities/{xx}")).await.status(), StatusCode::NOT_FOUND);
    assert!(app.audited("access.denied").await);
}

async fn a_street_admin_sees_nothing_of_another_street(engine: Engine) {
    let Some(app) = street_app(engine).await else {
        return;
    };
    // 西城街道 with 西城社区 and its own street account.
    let db = app.db.clone();
    let hash = app.text("SELECT password_hash FROM users WHERE username = 'admin'").await;
    let other = tokio::task::spawn_blocking(move || {
        db.write_blocking(|c| {
            let now = start_time();
            let s = linli_store::places::create(
                c,
                linli_core::PlaceKind::Street,
                "西城街道",
                None,
                now,
            )?;
            let m = linli_store::places::create(
                c,
                linli_core::PlaceKind::Community,
                "西城社区",
                Some(s.id),
                now,
            )?;
            let u = linli_store::users::create(c, None, "xicheng", "西城", &hash, now)?;
            linli_store::users::add_grant(c, u.id, linli_core::Role::Admin, &s, None, now)?;
            Ok::<_, linli_store::StoreError>(m.id)
        })
    })
    .await
    .unwrap()
    .unwrap();
    let token = app.token("jiedao").await;
    let (_, view) = app.api_get(&token, "/api/v1/street/indicators").await;
    let text = view.to_string();
    assert!(!text.contains("西城"), "{text}");
    let mut b = app.signed_in("jiedao").await;
    assert_eq!(
        b.get(&format!("/street/communities/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // And the other street's account sees its own community only.
    let theirs = app.token("xicheng").await;
    let (s, view) = app.api_get(&theirs, "/api/v1/street/indicators").await;
    assert_eq!(s, StatusCode::OK);
    let names = texts_of(&view["communities"], "name");
    assert_eq!(names, ["西城社区"]);
    let xx = app.place_id("community", "Xx社区").await;
    let mut b = app.signed_in("xicheng").await;
    assert_eq!(b.get(&format!("/street/communities/{xx}")).await.status(), StatusCode::NOT_FOUND);
}
