//! Learning and the employment station (issue 6), on both engines.

use crate::both_engines;
use crate::support::{Engine, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    enrolling_over_capacity_puts_the_resident_on_the_waiting_list_and_a_drop_out_moves_it_up,
    a_paper_sign_in_sheet_entered_afterwards_counts_toward_completion,
    the_indicators_on_a_small_scenario_match_a_count_by_hand,
    a_placement_is_followed_up_and_due_calls_reach_the_home_page,
);

async fn resident(app: &TestApp, name: &'static str) -> i64 {
    app.db
        .read(move |c| {
            c.count(
                "SELECT id FROM residents WHERE name = ?",
                linli_store::params![name],
            )
        })
        .await
        .unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, v) = app.api(token, Method::POST, path, Some(body.clone())).await;
    assert!(
        status.is_success(),
        "POST {path} {body} answered {status}: {v}"
    );
    v
}

async fn course(
    app: &TestApp,
    token: &str,
    name: &str,
    vocational: bool,
    capacity: Option<i64>,
) -> i64 {
    let mut body = json!({"name": name, "category": if vocational { "vocational_training" } else { "elderly_university" },
        "vocational": vocational, "starts_on": "2026-09-01", "ends_on": "2026-10-31"});
    if let Some(c) = capacity {
        body["capacity"] = json!(c);
    }
    post(app, token, "/api/v1/courses", body).await["id"]
        .as_i64()
        .unwrap()
}

async fn session(app: &TestApp, token: &str, course: i64, on: &str) -> i64 {
    post(
        app,
        token,
        "/api/v1/sessions",
        json!({"course_id": course, "held_on": on}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn enrol(app: &TestApp, token: &str, course: i64, resident: i64) -> (i64, String) {
    let v = post(
        app,
        token,
        "/api/v1/enrolments",
        json!({"course_id": course, "resident_id": resident}),
    )
    .await;
    (
        v["id"].as_i64().unwrap(),
        v["status"].as_str().unwrap().to_string(),
    )
}

async fn enrolling_over_capacity_puts_the_resident_on_the_waiting_list_and_a_drop_out_moves_it_up(
    engine: Engine,
) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let w = app.token("wangge1").await;
    let (status, body) = app
        .api(&w, Method::POST, "/api/v1/courses", Some(json!({"name": "刺绣班", "category": "needlework", "vocational": true, "starts_on": "2026-09-01", "ends_on": "2026-10-31"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "learning_category_bad");
    let k = course(&app, &w, "刺绣技能培训班", true, Some(2)).await;
    let xia = resident(&app, "夏胜林").await;
    let mi = resident(&app, "米丽芳").await;
    let yang = resident(&app, "杨静").await;
    let (e1, s1) = enrol(&app, &w, k, xia).await;
    let (_, s2) = enrol(&app, &w, k, mi).await;
    let (e3, s3) = enrol(&app, &w, k, yang).await;
    assert_eq!(
        (s1.as_str(), s2.as_str(), s3.as_str()),
        ("enrolled", "enrolled", "waitlisted")
    );
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            "/api/v1/enrolments",
            Some(json!({"course_id": k, "resident_id": xia})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "enrolled twice: {body}");
    // 夏 drops out: his seat goes to 杨, first on the waiting list.
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            &format!("/api/v1/enrolments/{e1}/status"),
            Some(json!({"status": "dropped"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["promoted_enrolment_id"], e3);
    let (_, c) = app
        .api(&w, Method::GET, &format!("/api/v1/courses/{k}"), None)
        .await;
    assert_eq!(c["enrolled"], 2);
    assert_eq!(c["waitlisted"], 0);
    // The course page says so too, in the worker's words.
    let mut b = app.signed_in("wangge1").await;
    let (status, html) = b.get_text(&format!("/courses/{k}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已退出") && html.contains("杨静"), "{html}");
    // A building head has no business with courses.
    let mut head = app.signed_in("louzhang").await;
    assert_eq!(
        head.get(&format!("/courses/{k}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let actions = app.audit_actions().await;
    assert!(actions.iter().filter(|a| *a == "enrolment.create").count() == 3);
    assert!(actions.contains(&"enrolment.status".to_string()));
}

async fn a_paper_sign_in_sheet_entered_afterwards_counts_toward_completion(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let w = app.token("wangge1").await;
    let k = course(&app, &w, "电脑操作培训班", true, None).await;
    let s1 = session(&app, &w, k, "2026-09-07").await;
    let s2 = session(&app, &w, k, "2026-09-14").await;
    let xia = resident(&app, "夏胜林").await;
    let mi = resident(&app, "米丽芳").await;
    let zhang = resident(&app, "张君").await;
    let (ex, _) = enrol(&app, &w, k, xia).await;
    let (em, _) = enrol(&app, &w, k, mi).await;
    // Someone not on the course cannot be marked present.
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            "/api/v1/attendance",
            Some(json!({"session_id": s1, "resident_ids": [xia, zhang]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "learning_not_enrolled");
    // Session 1 by the API: both present.
    let v = post(
        &app,
        &w,
        "/api/v1/attendance",
        json!({"session_id": s1, "resident_ids": [xia, mi]}),
    )
    .await;
    assert_eq!(v["present"], 2);
    // Session 2 from the signed paper sheet, entered on the roll-call page: only 夏 signed.
    let mut b = app.signed_in("wangge1").await;
    let (status, sheet) = b.get_text(&format!("/sessions/{s2}/sheet")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        sheet.contains("签到表")
            && sheet.contains("2026-09-14")
            && sheet.contains("本人签名")
            && sheet.contains("米丽芳")
    );
    let (_, page) = b.get_text(&format!("/sessions/{s2}/roll-call")).await;
    assert!(page.contains("补录纸质签到表"));
    let csrf = b.csrf().await;
    let xs = xia.to_string();
    let res = b
        .post_form(
            &format!("/sessions/{s2}/attendance"),
            &[("_csrf", &csrf), ("source", "paper"), ("present", &xs)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let paper = app
        .count("SELECT COUNT(*) FROM attendance WHERE source = 'paper'")
        .await;
    assert_eq!(paper, 1);
    // The rule (80% of 2 sessions = both): 夏 completes, 米 (1 of 2) may not.
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            &format!("/api/v1/enrolments/{em}/status"),
            Some(json!({"status": "completed"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "learning_rule_not_met");
    let (status, _) = app
        .api(
            &w,
            Method::POST,
            &format!("/api/v1/enrolments/{ex}/status"),
            Some(json!({"status": "completed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, cert) = b.get_text(&format!("/enrolments/{ex}/certificate")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cert.contains("结业证书") && cert.contains("夏胜林") && cert.contains("出勤 2 次"));
    // No certificate for someone who did not complete.
    assert_eq!(
        b.get(&format!("/enrolments/{em}/certificate"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_indicators_on_a_small_scenario_match_a_count_by_hand(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let w = app.token("wangge1").await;
    let names = ["夏胜林", "米丽芳", "杨静", "张君", "陈玉兰"];
    let mut ids = Vec::new();
    for n in names {
        ids.push(resident(&app, n).await);
    }
    let [xia, mi, yang, zhang, chen] = ids[..] else {
        panic!()
    };
    // Two vocational courses, one session each; an elderly-university class that counts for nothing.
    let comp = course(&app, &w, "电脑班", true, None).await;
    let emb = course(&app, &w, "刺绣班", true, None).await;
    let elder = course(&app, &w, "书法班", false, None).await;
    let complete = |k: i64, people: Vec<i64>| {
        let (app, w) = (&app, w.clone());
        async move {
            let s = session(app, &w, k, "2026-09-07").await;
            let mut es = Vec::new();
            for p in &people {
                es.push(enrol(app, &w, k, *p).await.0);
            }
            post(
                app,
                &w,
                "/api/v1/attendance",
                json!({"session_id": s, "resident_ids": people}),
            )
            .await;
            for e in es {
                post(
                    app,
                    &w,
                    &format!("/api/v1/enrolments/{e}/status"),
                    json!({"status": "completed"}),
                )
                .await;
            }
        }
    };
    // 夏, 米, 杨, 张 complete the computer course; 夏 the embroidery course too: 5 人次, 4 人数.
    complete(comp, vec![xia, mi, yang, zhang]).await;
    complete(emb, vec![xia]).await;
    complete(elder, vec![chen]).await;
    // 夏: placed by the station after the course; 米: found work herself; 杨: asked, not employed
    // yet; 张: nobody asked (unknown). 陈 (not a vocational trainee) placed twice by the station.
    for (who, via, on) in [
        (xia, true, "2026-10-20"),
        (mi, false, "2026-11-02"),
        (chen, true, "2026-03-01"),
        (chen, true, "2026-10-01"),
    ] {
        post(&app, &w, "/api/v1/placements", json!({"resident_id": who, "employer": "鑫源超市", "job": "收银员", "starts_on": on, "via_station": via})).await;
    }
    let mut b = app.signed_in("wangge1").await;
    let csrf = b.csrf().await;
    let res = b
        .post_form(
            &format!("/employment/trainees/{yang}/check"),
            &[("_csrf", &csrf), ("outcome", "not_employed")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, r) = app
        .api(
            &w,
            Method::GET,
            "/api/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let i = &r["indicators"];
    let d = &r["details"];
    assert_eq!(i["learning.trainee_times"], 5);
    assert_eq!(d["learning.trainee_times"]["times"], 5);
    assert_eq!(d["learning.trainee_times"]["persons"], 4);
    // 2 of 4 (夏 and 米); 张 unknown, 杨 not employed: never 3 of 4.
    assert_eq!(i["learning.employment_rate"], 0.5);
    assert_eq!(d["learning.employment_rate"]["numerator"], 2);
    assert_eq!(d["learning.employment_rate"]["denominator"], 4);
    assert_eq!(d["learning.employment_rate"]["unknown"], 1);
    assert_eq!(d["learning.employment_rate"]["not_employed"], 1);
    // Through the station: 夏 and 陈 (twice): 2 人数, 3 人次; no follow-ups yet.
    assert_eq!(i["employment.reemployed"], 2);
    assert_eq!(d["employment.reemployed"]["times"], 3);
    assert_eq!(d["employment.reemployed"]["not_followed_up"], 2);
    // The list behind the figure shows the completions.
    let (_, html) = b
        .get_text("/courses/completions?from=2026-01-01&to=2026-12-31")
        .await;
    assert!(html.contains("张君") && html.contains("去向不明"));
}

async fn a_placement_is_followed_up_and_due_calls_reach_the_home_page(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let w = app.token("wangge1").await;
    let xia = resident(&app, "夏胜林").await;
    // Started 2026-10-28: the one-month call falls on Saturday 2026-11-28, this week (today is Friday 11-27).
    let p = post(&app, &w, "/api/v1/placements", json!({"resident_id": xia, "employer": "Xx物业管理公司", "job": "保洁员", "starts_on": "2026-10-28", "via_station": true})).await["id"]
        .as_i64()
        .unwrap();
    let mut b = app.signed_in("wangge1").await;
    let (_, home) = b.get_text("/").await;
    assert!(
        home.contains("本周待回访") && home.contains("夏胜林") && home.contains("2026-11-28"),
        "{home}"
    );
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            "/api/v1/followups",
            Some(json!({"placement_id": p, "on": "2026-11-26", "outcome": "maybe"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .api(
            &w,
            Method::POST,
            "/api/v1/followups",
            Some(json!({"placement_id": p, "on": "2026-11-26", "outcome": "employed"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, home) = b.get_text("/").await;
    assert!(
        !home.contains("本周待回访"),
        "the call was made: nothing due this week"
    );
    let (_, page) = b.get_text(&format!("/employment/placements/{p}")).await;
    assert!(page.contains("3个月回访") && page.contains("2027-01-28"));
    // A follow-up that says "unknown" stays unknown in the figure.
    let (_, r) = app
        .api(
            &w,
            Method::GET,
            "/api/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
            None,
        )
        .await;
    assert_eq!(r["details"]["employment.reemployed"]["still_employed"], 1);
    assert!(
        app.audit_actions()
            .await
            .contains(&"followup.create".to_string())
    );
}
