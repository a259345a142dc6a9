//! Every role at home (issue 14), first part: a resident's account linked to her registry record
//! (`users_create` with `resident_id`), her own page and a copy of her data (`me_get`,
//! `me_export`, PIPL §45), nothing of her neighbours, the links each role is offered, the public
//! portal, and short references that a mistyped look-up answers in public words.

use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_browser, app_and_token, spawn_app, spawn_demo_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    a_linked_resident_sees_her_own_page_and_downloads_her_data,
    a_resident_finds_nothing_of_her_neighbours,
    every_link_an_account_is_offered_opens,
    every_link_on_each_roles_home_page_opens,
    a_liaison_finds_its_own_unit_at_home,
    a_resident_asks_for_a_correction_and_reads_the_answer,
    a_correction_asked_early_in_the_morning_is_dated_that_morning,
    a_resident_claims_her_record_and_a_worker_confirms_it,
    a_claim_is_not_a_way_to_search_the_registry,
    an_administrator_links_an_account_to_a_resident_once,
    a_resident_who_reports_signed_in_finds_the_report_on_her_page,
    the_public_portal_names_the_community_and_its_phone,
    a_mistyped_reference_is_answered_in_public_words,
);

fn links(v: &Value) -> Vec<String> {
    v["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap().to_string()).collect()
}

async fn a_linked_resident_sees_her_own_page_and_downloads_her_data(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "jumin").await else {
        return;
    };
    let v = app.get_ok(&token, "/api/v1/me").await;
    assert_eq!(v["user"]["username"], "jumin");
    assert_eq!(v["user"]["role"], "resident");
    assert_eq!(v["resident"]["name"], "陈玉兰");
    assert_eq!(v["resident"]["id"], app.resident_id("陈玉兰").await);
    let rels = links(&v);
    assert!(rels.contains(&"export".to_string()), "{rels:?}");
    assert!(!rels.contains(&"residents".to_string()), "{rels:?}");

    let mut page = app.signed_in("jumin").await;
    let html = page.get_ok("/").await;
    assert!(html.contains("我的登记信息") && html.contains("1号楼1单元101"));
    assert!(
        !html.contains("7886") && !html.contains("home.residents"),
        "no community-wide figures for a resident"
    );
    // Her ID number is masked on the page, whole in her own copy.
    assert!(!html.contains("19560318"));

    let data = app.get_ok(&token, "/api/v1/me/export").await;
    assert_eq!(data["resident"]["name"], "陈玉兰");
    let id_number = data["resident"]["id_number"].as_str().unwrap();
    assert_eq!(id_number.len(), 18);
    assert!(id_number.contains("19560318"));
    let res = page.get("/me/export").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(
        app.audit_count("resident.self_export").await,
        2,
        "every copy handed over is audited"
    );

    // An account without a record has nothing to export, and says why.
    let admin = app.token("admin").await;
    let (status, v) = app.api_get(&admin, "/api/v1/me/export").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(v["error"]["code"], "not_linked");
    let (_, v) = app.api_get(&admin, "/api/v1/me").await;
    assert!(v.get("resident").is_none());
}

async fn a_resident_finds_nothing_of_her_neighbours(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let own = app.resident_id("陈玉兰").await;
    let neighbour = app.resident_id("张君").await;
    let token = app.token("jumin").await;
    let mut page = app.signed_in("jumin").await;
    for id in [own, neighbour] {
        let (status, _) = app.api_get(&token, &format!("/api/v1/residents/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "resident {id} by the API");
        assert_eq!(
            page.get(&format!("/residents/{id}")).await.status(),
            StatusCode::NOT_FOUND,
            "resident {id}'s page"
        );
    }
    let (status, _) = app.api_get(&token, "/api/v1/residents").await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{status}");
}

/// A link an account is offered answers, for every demo role over the whole demo (no 403 behind
/// any of them; the liaison's lead to its own unit).
async fn every_link_an_account_is_offered_opens(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    for user in ["admin", "wangge1", "louzhang", "gongjian", "jijin", "jumin"] {
        let token = app.token(user).await;
        let (_, v) = app.api_get(&token, "/api/v1/me").await;
        let mut page = app.signed_in(user).await;
        for l in v["links"].as_array().unwrap() {
            let href = l["href"].as_str().unwrap();
            let status = page.get(href).await.status();
            assert_eq!(status, StatusCode::OK, "{user}: {href}");
        }
    }
}

/// The `href`s of a page's links that stay on the site (not anchors, not the stylesheet, not
/// the language switch, which answers with a redirect back).
fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        let skip = href.starts_with("/static/") || href.starts_with("/settings/lang");
        if href.starts_with('/') && !skip && !out.contains(&href) {
            out.push(href);
        }
        rest = &rest[end..];
    }
    out
}

/// Each role's home page, over the whole demo: every link it shows opens (issue 14: "no role
/// sees a figure or link it cannot open"), and each role finds its own work there.
async fn every_link_on_each_roles_home_page_opens(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    for (user, own) in [
        ("admin", "/places"),
        ("wangge1", "/residents"),
        ("louzhang", "id=\"my-buildings\""),
        ("gongjian", "id=\"liaison-home\""),
        ("jijin", "id=\"fund-home\""),
        ("jumin", "/me/export"),
    ] {
        let mut page = app.signed_in(user).await;
        let (status, html) = page.get_text("/").await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert!(html.contains(own), "{user}'s home shows {own}");
        let links = hrefs(&html);
        assert!(links.len() > 3, "{user}: {links:?}");
        for href in links {
            // A lead (the liaison's /partners to its own unit) is followed once.
            let res = page.get(&href).await;
            let status = if res.status().is_redirection() {
                let to = crate::support::Browser::location(&res);
                assert!(!to.starts_with("/login"), "{user}: {href} sends to {to}");
                page.get(&to).await.status()
            } else {
                res.status()
            };
            assert_eq!(status, StatusCode::OK, "{user}'s home links {href}");
        }
    }
}

/// The partner liaison's home is its unit: this year's commitments, needs open to claim and the
/// needs the unit carries, and nothing of another unit's commitments.
async fn a_liaison_finds_its_own_unit_at_home(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    let unit = app
        .text("SELECT p.name FROM partners p JOIN grants g ON g.partner_id = p.id JOIN users u ON u.id = g.user_id WHERE u.username = 'gongjian'")
        .await;
    let other = app
        .text("SELECT p.name FROM partners p WHERE p.id NOT IN (SELECT partner_id FROM grants WHERE partner_id IS NOT NULL) ORDER BY p.id LIMIT 1")
        .await;
    let mut page = app.signed_in("gongjian").await;
    let html = page.get_ok("/").await;
    let at = html.find("id=\"liaison-home\"").expect("the liaison's panel");
    let panel = &html[at..];
    assert!(panel.contains(&unit), "its unit {unit} named");
    assert!(html.contains("id=\"needs-open\""), "the open needs to claim");
    assert!(!html.contains(&other), "nothing of {other}");
    // The text a reader sees (not tokens or ids inside tags, where four digits may occur).
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    assert!(!text.contains("7886"), "no community-wide figures");
}

async fn create_resident_account(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.api_post(token, "/api/v1/users", body).await
}

async fn an_administrator_links_an_account_to_a_resident_once(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let zhang = app.resident_id("张君").await;
    let (status, v) = create_resident_account(
        &app,
        &admin,
        json!({"username": "zhangjun", "password": "Zj-2026-bike", "role": "resident", "resident_id": zhang}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let token = app.token_with("zhangjun", "Zj-2026-bike").await;
    let (_, me) = app.api_get(&token, "/api/v1/me").await;
    assert_eq!(me["resident"]["name"], "张君");
    assert_eq!(me["grants"][0]["role"], "resident");

    // One account per resident.
    let (status, v) = create_resident_account(
        &app,
        &admin,
        json!({"username": "zhangjun2", "password": "Zj-2026-bike", "role": "resident", "resident_id": zhang}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "resident_has_account");
    // Only a resident's account hangs on a record.
    let (status, v) = create_resident_account(
        &app,
        &admin,
        json!({"username": "zhangjun3", "password": "Zj-2026-bike", "role": "worker", "scope_place_id": 2, "resident_id": zhang}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "resident_not_for_role");

    // Another community's administrator cannot reach her.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let xia = app.resident_id("夏胜林").await;
    let (status, v) = create_resident_account(
        &app,
        &other,
        json!({"username": "xiasl", "password": "Zj-2026-bike", "role": "resident", "resident_id": xia}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "resident_missing");

    // The administrator's page of the resident leads to her account.
    let mut page = app.signed_in("admin").await;
    let (_, html) = page.get_text(&format!("/residents/{zhang}")).await;
    assert!(html.contains("已开通：zhangjun"), "the resident's page names her account");
    let (_, html) = page.get_text(&format!("/residents/{xia}")).await;
    assert!(html.contains(&format!("/users/new?resident={xia}")));
}

async fn a_resident_who_reports_signed_in_finds_the_report_on_her_page(engine: Engine) {
    let Some((app, mut page)) = app_and_browser(engine, "jumin").await else {
        return;
    };
    let (_, html) = page.get_text("/").await;
    assert!(html.contains("您还没有反映过问题"));
    let csrf = page.csrf().await;
    let res = page
        .post_multipart(
            "/public/report",
            &[
                ("_csrf", csrf.as_str()),
                ("category", "lighting"),
                ("description", "1号楼1单元三楼楼道灯不亮"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = crate::support::Browser::location(&res);
    let reference = at.trim_start_matches("/public/affairs/").to_string();
    assert_eq!(reference.len(), 8, "a short reference: {reference}");
    assert!(reference.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    let (_, html) = page.get_text("/").await;
    assert!(html.contains("1号楼1单元三楼楼道灯不亮"), "her report is on her page");
    // The reference read aloud or typed in lower case finds it.
    let spaced = format!("{} {}", &reference[..4], reference[4..].to_lowercase());
    let res = app.browser().get(&format!("/public/affairs?ref={}", spaced.replace(' ', "+"))).await;
    assert_eq!(crate::support::Browser::location(&res), format!("/public/affairs/{reference}"));
}

async fn the_public_portal_names_the_community_and_its_phone(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let mut visitor = app.browser();
    let html = visitor.get_ok("/public").await;
    assert!(html.contains("Xx社区"));
    for door in [
        "/public/report",
        "/public/affairs",
        "/public/courses",
        "/disclosure/fund",
        "/public/stations",
    ] {
        assert!(html.contains(door), "the portal opens {door}");
    }
    assert!(html.contains("0453-6251234"), "the community's phone");

    // The administrator sets it; a wrong number is refused beside the field.
    let (mut admin, csrf) = app.signed_in_with_csrf("admin").await;
    admin
        .post_form_answered(
            "/settings/community",
            &[("_csrf", csrf.as_str()), ("contact_phone", "12ab")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    admin
        .post_form_redirected(
            "/settings/community",
            &[("_csrf", csrf.as_str()), ("contact_phone", "0453-6259876")],
        )
        .await;
    let (_, html) = visitor.get_text("/public").await;
    assert!(html.contains("0453-6259876"));
    let (_, html) = visitor.get_text("/public/courses").await;
    assert!(html.contains("0453-6259876"), "the catalogue gives the number to call");
    assert!(app.audited("community.contact_phone").await);
    // Nobody else sets it.
    let mut worker = app.signed_in("wangge1").await;
    assert_eq!(worker.get("/settings/community").await.status(), StatusCode::FORBIDDEN);
}

async fn a_mistyped_reference_is_answered_in_public_words(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let mut visitor = app.browser();
    let (status, html) = visitor.get_text("/public/affairs/ZZZZ2345").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("没有找到查询号为 ZZZZ2345 的问题"));
    assert!(html.contains("href=\"/public\""));
    assert!(!html.contains("管辖范围"), "no staff words on a public page");
    assert!(!html.contains("/login"), "no way to the staff sign-in");
    let (status, html) = visitor.get_text("/public/courses/999999/signup").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("href=\"/public\"") && !html.contains("管辖范围"));
}

/// PIPL §46: 陈玉兰 asks for a correction from her own page; the grid worker finds it on her
/// home and on the record, declines only with a reason, resolves it once; the answer is on
/// 陈玉兰's page; another community's administrator finds nothing of it.
async fn a_resident_asks_for_a_correction_and_reads_the_answer(engine: Engine) {
    let Some((app, jumin)) = app_and_token(engine, "jumin").await else {
        return;
    };
    let ask = |body: Value| {
        let token = jumin.clone();
        let app = &app;
        async move { app.api_post(&token, "/api/v1/me/corrections", body).await }
    };
    let (status, v) = ask(json!({"field": "phone", "message": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "correction_message_missing");
    let (status, v) =
        ask(json!({"field": "phone", "message": "电话换了，新号码是13945351234"})).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let admin = app.token("admin").await;
    app.post_refused(
        &admin,
        "/api/v1/me/corrections",
        json!({"field": "phone", "message": "改一下电话"}),
        StatusCode::FORBIDDEN,
        "not_linked",
    )
    .await;

    // The worker of her grid sees it at home and on the record.
    let worker = app.token("wangge1").await;
    let (_, list) = app.api_get(&worker, "/api/v1/corrections").await;
    assert_eq!(list["items"][0]["id"], id, "{list}");
    let mut page = app.signed_in("wangge1").await;
    let (_, home) = page.get_text("/").await;
    assert!(home.contains("id=\"corrections-open\"") && home.contains("陈玉兰"), "{home}");
    let rid = app.resident_id("陈玉兰").await;
    let (_, record) = page.get_text(&format!("/residents/{rid}")).await;
    assert!(record.contains(&format!("action=\"/corrections/{id}/resolve\"")));
    assert!(record.contains("电话换了"));

    // Another community's administrator: not found.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let path = format!("/api/v1/corrections/{id}/resolve");
    let (status, _) = app.api_post(&other, &path, json!({"outcome": "done"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.api_get(&other, "/api/v1/corrections").await;
    assert_eq!(list["total"], 0);

    // Declining needs the reason she will read; it is resolved once.
    app.post_refused(
        &worker,
        &path,
        json!({"outcome": "declined"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "correction_reason_missing",
    )
    .await;
    let csrf = page.csrf().await;
    let res = page
        .post_form(
            &format!("/corrections/{id}/resolve"),
            &[("_csrf", &csrf), ("outcome", "done"), ("note", "已按新号码更正")],
        )
        .await;
    assert!(res.status().is_redirection());
    let (status, v) =
        app.api_post(&worker, &path, json!({"outcome": "declined", "note": "再改"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");

    let mut her = app.signed_in("jumin").await;
    let (_, mine) = her.get_text("/").await;
    assert!(
        mine.contains("id=\"my-corrections\"")
            && mine.contains("已更正")
            && mine.contains("已按新号码更正"),
        "{mine}"
    );
    let (_, v) = app.api_get(&jumin, "/api/v1/me/corrections").await;
    assert_eq!(v["items"][0]["status"], "done");
    assert!(app.audited("correction.request").await && app.audited("correction.resolve").await);
}

/// Records keep their moments in UTC; people read them in Shanghai time. 陈玉兰 asks at 06:30
/// on 28 November in Shanghai, 22:30 on the 27th in UTC: her page and the worker's home date
/// the request the 28th (they used to show the first ten characters of the UTC time: the 27th).
async fn a_correction_asked_early_in_the_morning_is_dated_that_morning(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // The suite starts at 2026-11-27 01:00 UTC.
    app.clock.advance(chrono::Duration::minutes(21 * 60 + 30));
    let jumin = app.token("jumin").await;
    app.created(&jumin, "/api/v1/me/corrections", json!({"field": "phone", "message": "电话换了"}))
        .await;
    let (_, mine) = app.signed_in("jumin").await.get_text("/").await;
    let (_, home) = app.signed_in("wangge1").await.get_text("/").await;
    for (who, html) in [("her page", &mine), ("the worker's home", &home)] {
        assert!(html.contains("2026-11-28") && !html.contains("2026-11-27"), "{who}: {html}");
    }
}

/// An account made for a resident without her record claims it with her ID number and phone:
/// both must match (a wrong one says only "no match"), five attempts a day, and nothing of the
/// record shows until a worker confirms; then she is linked, once.
async fn a_resident_claims_her_record_and_a_worker_confirms_it(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let her = account_in_zhangs_unit(&app, &admin, "zhangjun").await;
    let (id_number, phone) = zhangs_id_number_and_phone(&app).await;
    let claim = |body: Value| {
        let token = her.clone();
        let app = &app;
        async move { app.api_post(&token, "/api/v1/me/claim", body).await }
    };
    // A right ID number with a wrong phone: no match, and no hint which was wrong.
    let (status, v) = claim(json!({"id_number": id_number, "phone": "13000000000"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "claim_no_match");
    let (status, v) = claim(json!({"id_number": id_number.to_lowercase(), "phone": phone})).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let claim_id = v["id"].as_i64().unwrap();
    assert_eq!(v["status"], "pending");
    assert!(
        v.get("address").is_none() && v.get("resident_id").is_none(),
        "nothing of the record yet: {v}"
    );
    let (status, v) = claim(json!({"id_number": id_number, "phone": phone})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "claim_pending");
    // Nothing of the record before a worker confirms.
    let (_, me) = app.api_get(&her, "/api/v1/me").await;
    assert!(me.get("resident").is_none(), "{me}");
    let mut page = app.signed_in_with("zhangjun", "Zj-2026-bike").await;
    let (_, home) = page.get_text("/").await;
    assert!(home.contains("id=\"my-claim\"") && home.contains("等待确认"), "{home}");

    // The building head may not confirm; the administrator sees it at home and confirms.
    let head = app.token("louzhang").await;
    let (status, _) = app.api_get(&head, "/api/v1/claims").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut director = app.signed_in("admin").await;
    let (_, home) = director.get_text("/").await;
    assert!(home.contains("id=\"claims-pending\"") && home.contains("张君"), "{home}");
    let path = format!("/api/v1/claims/{claim_id}/decide");
    app.post_refused(
        &admin,
        &path,
        json!({"decision": "reject"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "claim_reason_missing",
    )
    .await;
    let csrf = director.csrf().await;
    let res = director
        .post_form(
            &format!("/claims/{claim_id}/decide"),
            &[("_csrf", &csrf), ("decision", "confirm")],
        )
        .await;
    assert!(res.status().is_redirection());
    let (_, me) = app.api_get(&her, "/api/v1/me").await;
    assert_eq!(me["resident"]["name"], "张君");
    let (status, _) = app.api_post(&admin, &path, json!({"decision": "confirm"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    assert!(app.audited("claim.request").await && app.audited("claim.decide").await);
}

/// Five attempts a day, then the account is told to come in person.
async fn a_claim_is_not_a_way_to_search_the_registry(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let token = account_in_zhangs_unit(&app, &admin, "guesser").await;
    for n in 0..5 {
        let (status, v) = app
            .api_post(
                &token,
                "/api/v1/me/claim",
                json!({"id_number": format!("11010519491231{n:03}X"), "phone": "13800000000"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    let (id_number, phone) = zhangs_id_number_and_phone(&app).await;
    // Even the right values wait for tomorrow.
    app.post_refused(
        &token,
        "/api/v1/me/claim",
        json!({"id_number": id_number, "phone": phone}),
        StatusCode::FORBIDDEN,
        "claim_too_many",
    )
    .await;
}

/// A resident account `username` (password `Zj-2026-bike`) made in 张君's unit but not linked
/// to her record: the one who claims it. Gives its bearer token.
async fn account_in_zhangs_unit(app: &TestApp, admin: &str, username: &str) -> String {
    let unit =
        app.count("SELECT unit_id FROM residents WHERE name = '张君' ORDER BY id LIMIT 1").await;
    let (status, v) = create_resident_account(
        app,
        admin,
        json!({"username": username, "password": "Zj-2026-bike", "role": "resident", "scope_place_id": unit}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    app.token_with(username, "Zj-2026-bike").await
}

/// 张君's ID number and phone, as the registry holds them.
async fn zhangs_id_number_and_phone(app: &TestApp) -> (String, String) {
    let id_number =
        app.text("SELECT id_number FROM residents WHERE name = '张君' ORDER BY id LIMIT 1").await;
    let phone =
        app.text("SELECT phone FROM residents WHERE name = '张君' ORDER BY id LIMIT 1").await;
    (id_number, phone)
}
