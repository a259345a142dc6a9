//! Learning and the employment station (issue 6), on both engines.

use crate::both_engines;
use crate::support::{
    Browser, Engine, TestApp, app_and_browser, app_and_token, spawn_app, spawn_demo_app,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    enrolling_over_capacity_puts_the_resident_on_the_waiting_list_and_a_drop_out_moves_it_up,
    a_paper_sign_in_sheet_entered_afterwards_counts_toward_completion,
    the_indicators_on_a_small_scenario_match_a_count_by_hand,
    a_placement_is_followed_up_and_due_calls_reach_the_home_page,
    a_public_sign_up_request_is_matched_to_the_registry_or_declined_with_its_reason,
    another_communitys_staff_cannot_see_or_handle_a_sign_up_request,
    a_worker_edits_a_job_seeker_and_closes_a_filled_opening,
    courses_sessions_and_enrolments_of_another_community_are_not_found,
    seekers_openings_and_placements_of_another_community_are_not_found,
    the_people_behind_unknown_and_not_called_back_are_one_click_away,
);

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, v) = app.api_post(token, path, body.clone()).await;
    assert!(status.is_success(), "POST {path} {body} answered {status}: {v}");
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
    post(app, token, "/api/v1/courses", body).await["id"].as_i64().unwrap()
}

async fn session(app: &TestApp, token: &str, course: i64, on: &str) -> i64 {
    post(app, token, "/api/v1/sessions", json!({"course_id": course, "held_on": on})).await["id"]
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
    (v["id"].as_i64().unwrap(), v["status"].as_str().unwrap().to_string())
}

async fn enrolling_over_capacity_puts_the_resident_on_the_waiting_list_and_a_drop_out_moves_it_up(
    engine: Engine,
) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    app.post_refused(&w, "/api/v1/courses", json!({"name": "刺绣班", "category": "needlework", "vocational": true, "starts_on": "2026-09-01", "ends_on": "2026-10-31"}), StatusCode::UNPROCESSABLE_ENTITY, "learning_category_bad").await;
    let k = course(&app, &w, "刺绣技能培训班", true, Some(2)).await;
    let xia = app.resident_id("夏胜林").await;
    let mi = app.resident_id("米丽芳").await;
    let yang = app.resident_id("杨静").await;
    let (e1, s1) = enrol(&app, &w, k, xia).await;
    let (_, s2) = enrol(&app, &w, k, mi).await;
    let (e3, s3) = enrol(&app, &w, k, yang).await;
    assert_eq!((s1.as_str(), s2.as_str(), s3.as_str()), ("enrolled", "enrolled", "waitlisted"));
    // On the course page, dropping out is a step of its own (退学, never the sign-out's 退出)
    // that says what happens to the seat; opening it changes nothing.
    let mut b = app.signed_in("wangge1").await;
    let (_, html) = b.get_text(&format!("/courses/{k}")).await;
    assert!(html.contains(&format!("href=\"/enrolments/{e1}/drop\"")) && html.contains("退学…"));
    assert!(html.contains("取消候补…"), "the waiting list has its own word");
    let html = b.get_ok(&format!("/enrolments/{e1}/drop")).await;
    assert!(html.contains("确认退学") && html.contains("候补名单上的第一位"), "{html}");
    assert!(html.contains("name=\"reason\""), "the reason is typed on the step");
    let csrf = b.csrf().await;
    let res = b
        .post_form(
            &format!("/enrolments/{e1}/status"),
            &[("_csrf", &csrf), ("status", "dropped"), ("reason", " ")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "no reason, no drop");
    assert!(res.text().await.unwrap().contains("请写明退学"));
    let (_, c) = app.api_get(&w, &format!("/api/v1/courses/{k}")).await;
    assert_eq!(c["enrolled"], 2, "nothing changed by looking");
    let (status, body) =
        app.api_post(&w, "/api/v1/enrolments", json!({"course_id": k, "resident_id": xia})).await;
    assert_eq!(status, StatusCode::CONFLICT, "enrolled twice: {body}");
    // 夏 drops out: his seat goes to 杨, first on the waiting list.
    let body = app
        .post_ok(&w, &format!("/api/v1/enrolments/{e1}/status"), json!({"status": "dropped"}))
        .await;
    assert_eq!(body["promoted_enrolment_id"], e3);
    let (_, c) = app.api_get(&w, &format!("/api/v1/courses/{k}")).await;
    assert_eq!(c["enrolled"], 2);
    assert_eq!(c["waitlisted"], 0);
    // The course page says so too, in the worker's words.
    let html = b.get_ok(&format!("/courses/{k}")).await;
    assert!(html.contains("已退学") && html.contains("杨静"), "{html}");
    // A building head has no business with courses.
    let mut head = app.signed_in("louzhang").await;
    assert_eq!(head.get(&format!("/courses/{k}")).await.status(), StatusCode::FORBIDDEN);
    assert!(app.audit_count("enrolment.create").await == 3);
    assert!(app.audited("enrolment.status").await);
}

async fn a_paper_sign_in_sheet_entered_afterwards_counts_toward_completion(engine: Engine) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let k = course(&app, &w, "电脑操作培训班", true, None).await;
    let s1 = session(&app, &w, k, "2026-09-07").await;
    let s2 = session(&app, &w, k, "2026-09-14").await;
    let xia = app.resident_id("夏胜林").await;
    let mi = app.resident_id("米丽芳").await;
    let zhang = app.resident_id("张君").await;
    let (ex, _) = enrol(&app, &w, k, xia).await;
    let (em, _) = enrol(&app, &w, k, mi).await;
    // Someone not on the course cannot be marked present.
    app.post_refused(
        &w,
        "/api/v1/attendance",
        json!({"session_id": s1, "resident_ids": [xia, zhang]}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "learning_not_enrolled",
    )
    .await;
    // Session 1 by the API: both present.
    let v =
        post(&app, &w, "/api/v1/attendance", json!({"session_id": s1, "resident_ids": [xia, mi]}))
            .await;
    assert_eq!(v["present"], 2);
    // Session 2 from the signed paper sheet, entered on the roll-call page: only 夏 signed.
    let mut b = app.signed_in("wangge1").await;
    let sheet = b.get_ok(&format!("/sessions/{s2}/sheet")).await;
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
    b.post_form_redirected(
        &format!("/sessions/{s2}/attendance"),
        &[("_csrf", &csrf), ("source", "paper"), ("present", &xs)],
    )
    .await;
    let paper = app.count("SELECT COUNT(*) FROM attendance WHERE source = 'paper'").await;
    assert_eq!(paper, 1);
    // The rule (80% of 2 sessions = both): 夏 completes, 米 (1 of 2) may not.
    app.post_refused(
        &w,
        &format!("/api/v1/enrolments/{em}/status"),
        json!({"status": "completed"}),
        StatusCode::CONFLICT,
        "learning_rule_not_met",
    )
    .await;
    app.post_ok(&w, &format!("/api/v1/enrolments/{ex}/status"), json!({"status": "completed"}))
        .await;
    let cert = b.get_ok(&format!("/enrolments/{ex}/certificate")).await;
    assert!(cert.contains("结业证书") && cert.contains("夏胜林") && cert.contains("出勤 2 次"));
    // No certificate for someone who did not complete.
    assert_eq!(
        b.get(&format!("/enrolments/{em}/certificate")).await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_indicators_on_a_small_scenario_match_a_count_by_hand(engine: Engine) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let names = ["夏胜林", "米丽芳", "杨静", "张君", "陈玉兰"];
    let mut ids = Vec::new();
    for n in names {
        ids.push(app.resident_id(n).await);
    }
    let [xia, mi, yang, zhang, chen] = ids[..] else { panic!() };
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
            post(app, &w, "/api/v1/attendance", json!({"session_id": s, "resident_ids": people}))
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
    let (mut b, csrf) = app.signed_in_with_csrf("wangge1").await;
    b.post_form_redirected(
        &format!("/employment/trainees/{yang}/check"),
        &[("_csrf", &csrf), ("outcome", "not_employed")],
    )
    .await;
    let (status, r) = app.indicators(&w, "2026-01-01", "2026-12-31").await;
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
    let (_, html) = b.get_text("/courses/completions?from=2026-01-01&to=2026-12-31").await;
    assert!(html.contains("张君") && html.contains("去向不明"));
}

async fn a_placement_is_followed_up_and_due_calls_reach_the_home_page(engine: Engine) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
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
        .api_post(
            &w,
            "/api/v1/followups",
            json!({"placement_id": p, "on": "2026-11-26", "outcome": "maybe"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    app.created(
        &w,
        "/api/v1/followups",
        json!({"placement_id": p, "on": "2026-11-26", "outcome": "employed"}),
    )
    .await;
    let (_, home) = b.get_text("/").await;
    assert!(!home.contains("本周待回访"), "the call was made: nothing due this week");
    let (_, page) = b.get_text(&format!("/employment/placements/{p}")).await;
    assert!(page.contains("3个月回访") && page.contains("2027-01-28"));
    // A follow-up that says "unknown" stays unknown in the figure.
    let (_, r) = app.indicators(&w, "2026-01-01", "2026-12-31").await;
    assert_eq!(r["details"]["employment.reemployed"]["still_employed"], 1);
    assert!(app.audited("followup.create").await);
}

/// A course still open in the public catalogue (today is 2026-11-27).
async fn open_course(app: &TestApp, token: &str, name: &str, capacity: i64, listed: bool) -> i64 {
    post(app, token, "/api/v1/courses", json!({"name": name, "category": "vocational_training",
        "starts_on": "2026-12-01", "ends_on": "2027-01-31", "capacity": capacity, "listed": listed}))
    .await["id"]
        .as_i64()
        .unwrap()
}

/// Sends the public form as a visitor without an account would.
async fn sign_up(
    app: &TestApp,
    course: i64,
    name: &str,
    phone: &str,
    address: &str,
) -> reqwest::Response {
    app.browser()
        .post_form(
            &format!("/public/courses/{course}/signup"),
            &[("name", name), ("phone", phone), ("address", address), ("note", "")],
        )
        .await
}

async fn signup_of(app: &TestApp, name: &'static str) -> i64 {
    app.number("SELECT id FROM course_signups WHERE name = ?", linli_store::params![name]).await
}

async fn a_public_sign_up_request_is_matched_to_the_registry_or_declined_with_its_reason(
    engine: Engine,
) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let k = open_course(&app, &w, "家政服务培训班", 1, true).await;
    let hidden = open_course(&app, &w, "内部党课", 10, false).await;
    // The catalogue offers the form; an unlisted course has none.
    let mut visitor = app.browser();
    let html = visitor.get_ok("/public/courses").await;
    assert!(html.contains(&format!("/public/courses/{k}/signup")) && html.contains("我要报名"));
    let form = visitor.get_ok(&format!("/public/courses/{k}/signup")).await;
    assert!(form.contains("家政服务培训班") && form.contains("联系电话"));
    assert_eq!(
        visitor.get(&format!("/public/courses/{hidden}/signup")).await.status(),
        StatusCode::NOT_FOUND
    );
    // A mistyped phone: refused beside the field, with what was typed kept.
    let res = sign_up(&app, k, "夏胜林", "1381234567", "3号楼2单元").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("请填写正确的手机号") && html.contains("value=\"3号楼2单元\""));
    // Three requests; the first sent twice (a double tap) is stored once.
    for (name, phone) in [
        ("夏胜林", "138 1234 5678"),
        ("夏胜林", "13812345678"),
        ("米丽芳", "13900001111"),
        ("王某某", "13700002222"),
    ] {
        let res = sign_up(&app, k, name, phone, "3号楼2单元").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (_, done) = visitor.get_text(&crate::support::Browser::location(&res)).await;
        assert!(done.contains("社区工作人员会与您联系确认"), "{done}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM course_signups").await, 3);
    // A request enrols nobody by itself, and its phone is in no audit record.
    assert_eq!(self_enrolments(&app).await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%13812345678%'").await,
        0
    );
    // Staff see the count on the course list and the requests, phones masked, on the course.
    let mut b = app.signed_in("wangge1").await;
    let (_, list) = b.get_text("/courses?year=2026").await;
    assert!(list.contains("3 条报名申请待处理"), "{list}");
    let (_, page) = b.get_text(&format!("/courses/{k}")).await;
    assert!(page.contains("居民自助报名申请") && page.contains("138****5678"));
    assert!(!page.contains("13812345678") && !page.contains("13900001111"));
    // Matching: the request's page finds 夏胜林 in the registry by the name given.
    let (sx, sm, sw) = (
        signup_of(&app, "夏胜林").await,
        signup_of(&app, "米丽芳").await,
        signup_of(&app, "王某某").await,
    );
    let xia = app.resident_id("夏胜林").await;
    let mi = app.resident_id("米丽芳").await;
    let page = b.get_ok(&format!("/course-signups/{sx}")).await;
    assert!(page.contains(&format!("name=\"resident_id\" value=\"{xia}\"")), "{page}");
    assert!(!page.contains("13812345678"));
    let csrf = b.csrf().await;
    enrol_signup(&mut b, &csrf, sx, xia, StatusCode::SEE_OTHER).await;
    // One seat: the second applicant goes to the waiting list, as any enrolment would.
    enrol_signup(&mut b, &csrf, sm, mi, StatusCode::SEE_OTHER).await;
    let (_, c) = app.api_get(&w, &format!("/api/v1/courses/{k}")).await;
    assert_eq!((c["enrolled"].as_i64(), c["waitlisted"].as_i64()), (Some(1), Some(1)));
    assert_eq!(self_enrolments(&app).await, 2);
    // A handled request cannot enrol anyone again.
    enrol_signup(&mut b, &csrf, sx, mi, StatusCode::SEE_OTHER).await;
    assert_eq!(self_enrolments(&app).await, 2);
    // Declining needs a reason, and keeps it.
    decline_signup(&mut b, &csrf, sw, " ", StatusCode::SEE_OTHER).await;
    assert_eq!(pending_signups(&app).await, 1);
    decline_signup(&mut b, &csrf, sw, "不是本社区居民", StatusCode::SEE_OTHER).await;
    let (_, page) = b.get_text(&format!("/courses/{k}")).await;
    assert!(page.contains("不是本社区居民") && page.contains("未通过") && page.contains("候补"));
    let (_, list) = b.get_text("/courses?year=2026").await;
    assert!(!list.contains("条报名申请待处理"));
    // Revealing the phone shows it once and is recorded.
    assert!(
        b.post_form_answered(
            &format!("/course-signups/{sx}/reveal"),
            &[("_csrf", &csrf)],
            StatusCode::OK
        )
        .await
        .contains("13812345678")
    );
    let actions = app.audit_actions().await;
    for a in [
        "course_signup.create",
        "course_signup.enrol",
        "course_signup.decline",
        "course_signup.reveal",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} audited: {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "course_signup.create").count(), 3);
}

async fn another_communitys_staff_cannot_see_or_handle_a_sign_up_request(engine: Engine) {
    let Some((app, w)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let k = open_course(&app, &w, "电脑操作培训班", 30, true).await;
    let res = sign_up(&app, k, "夏胜林", "13812345678", "3号楼2单元").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let s = signup_of(&app, "夏胜林").await;
    // A second community on the same deployment, with its own admin.
    app.second_community("dongfeng").await;
    let mut other = app.signed_in("dongfeng").await;
    other.assert_not_found(&[format!("/course-signups/{s}"), format!("/courses/{k}")]).await;
    let csrf = other.csrf().await;
    let xia = app.resident_id("夏胜林").await.to_string();
    enrol_signup(&mut other, &csrf, s, xia, StatusCode::NOT_FOUND).await;
    decline_signup(&mut other, &csrf, s, "试试", StatusCode::NOT_FOUND).await;
    assert_eq!(pending_signups(&app).await, 1);
    // A resident's account handles nothing either: for her the request is not there.
    let mut jumin = app.signed_in("jumin").await;
    assert_eq!(jumin.get(&format!("/course-signups/{s}")).await.status(), StatusCode::NOT_FOUND);
}

async fn a_worker_edits_a_job_seeker_and_closes_a_filled_opening(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let csrf = b.csrf().await;
    let yang = app.resident_id("杨静").await.to_string();
    let seeker = b
        .post_form_redirected(
            "/employment/seekers",
            &[
                ("_csrf", &csrf),
                ("resident_id", &yang),
                ("skills", "电脑"),
                ("wishes", "文员"),
                ("hours", "full_time"),
            ],
        )
        .await;
    assert!(seeker.starts_with("/employment/seekers/"), "{seeker}");
    b.post_form_redirected(
        "/employment/openings",
        &[
            ("_csrf", &csrf),
            ("employer", "惠民便利店"),
            ("job", "收银员"),
            ("requirements", "收银"),
            ("hours", "full_time"),
            ("slots", "1"),
        ],
    )
    .await;
    let opening = app.count("SELECT id FROM openings WHERE employer = '惠民便利店'").await;
    // Edit: she learnt cashiering and can only work part-time nearby; a bad distance changes nothing.
    b.post_form_redirected(
        &seeker,
        &[
            ("_csrf", &csrf),
            ("skills", "电脑、收银"),
            ("wishes", "收银员"),
            ("hours", "full_time"),
            ("max_km", "很远"),
            ("status", "seeking"),
        ],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM job_seekers WHERE skills = '电脑'").await, 1);
    b.post_form_redirected(
        &seeker,
        &[
            ("_csrf", &csrf),
            ("skills", "电脑、收银"),
            ("wishes", "收银员"),
            ("hours", "full_time"),
            ("max_km", "5"),
            ("status", "seeking"),
            ("note", "下午接孩子"),
        ],
    )
    .await;
    let (_, page) = b.get_text(&seeker).await;
    assert!(page.contains("电脑、收银") && page.contains("5 km") && page.contains("下午接孩子"));
    // The opening is suggested with the new skill met.
    assert!(page.contains("惠民便利店") && page.contains("会收银"), "{page}");
    // Closing the opening takes it off the board and out of the suggestions; twice is refused.
    let path = format!("/employment/openings/{opening}/close");
    b.post_form_redirected(&path, &[("_csrf", &csrf)]).await;
    let (_, board) = b.get_text("/employment").await;
    assert!(!board.contains("惠民便利店"), "a closed opening leaves the board");
    let (_, page) = b.get_text(&seeker).await;
    assert!(!page.contains("惠民便利店"));
    let res = b.post_form(&path, &[("_csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("employment_opening_closed"))
    );
    // Pausing the search is an edit too.
    b.post_form_redirected(
        &seeker,
        &[("_csrf", &csrf), ("skills", "电脑、收银"), ("hours", "part_time"), ("status", "paused")],
    )
    .await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM job_seekers WHERE status = 'paused' AND hours = 'part_time'"
        )
        .await,
        1
    );
    assert_eq!(app.audit_count("seeker.update").await, 2, "the refused edit is not audited");
    assert_eq!(app.audit_count("opening.close").await, 1);
    // A building head may look at nothing here, let alone close an opening.
    let mut head = app.signed_in("louzhang").await;
    let hc = head.csrf().await;
    assert_eq!(head.post_form(&path, &[("_csrf", &hc)]).await.status(), StatusCode::FORBIDDEN);
}

async fn courses_sessions_and_enrolments_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Community A (the demo's Xx社区): a course with a session, a trainee who attended it.
    let w = app.token("wangge1").await;
    let k = course(&app, &w, "跨社区测试培训班", true, Some(10)).await;
    let s = session(&app, &w, k, "2026-11-20").await;
    let xia = app.resident_id("夏胜林").await;
    let (e, status) = enrol(&app, &w, k, xia).await;
    assert_eq!(status, "enrolled");
    post(&app, &w, "/api/v1/attendance", json!({"session_id": s, "resident_ids": [xia]})).await;

    // Community B's admin, by the API: A's ids name nothing.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let (status, _) = app.api_get(&other, &format!("/api/v1/courses/{k}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let list = app.get_ok(&other, "/api/v1/courses").await;
    assert_eq!(list["total"], 0, "{list}");
    let (status, _) = app
        .api_post(&other, &format!("/api/v1/enrolments/{e}/status"), json!({"status": "dropped"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Ids typed into a body are field errors, as for ids that do not exist.
    app.post_refused(
        &other,
        "/api/v1/sessions",
        json!({"course_id": k, "held_on": "2026-11-21"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "learning_course_missing",
    )
    .await;
    app.post_refused(
        &other,
        "/api/v1/enrolments",
        json!({"course_id": k, "resident_id": xia}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "learning_course_missing",
    )
    .await;
    app.post_refused(
        &other,
        "/api/v1/attendance",
        json!({"session_id": s, "resident_ids": []}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "learning_session_missing",
    )
    .await;

    // … and by the pages.
    let mut b = app.signed_in("dongfeng").await;
    b.assert_not_found(&[
        format!("/courses/{k}"),
        format!("/sessions/{s}/roll-call"),
        format!("/sessions/{s}/sheet"),
        format!("/enrolments/{e}/certificate"),
        format!("/enrolments/{e}/drop"),
    ])
    .await;
    let csrf = b.csrf().await;
    for (path, form) in [
        (format!("/enrolments/{e}/status"), vec![("_csrf", csrf.as_str()), ("status", "dropped")]),
        (format!("/sessions/{s}/attendance"), vec![("_csrf", csrf.as_str()), ("all", "1")]),
        (format!("/courses/{k}/complete"), vec![("_csrf", csrf.as_str())]),
    ] {
        let res = b.post_form(&path, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Nothing of A changed.
    assert_eq!(app.count("SELECT COUNT(*) FROM enrolments WHERE status = 'enrolled'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM course_sessions WHERE course_id IN (SELECT id FROM courses WHERE name = '跨社区测试培训班')").await, 1);
    let (_, c) = app.api_get(&w, &format!("/api/v1/courses/{k}")).await;
    assert_eq!(c["enrolments"][0]["attended"], 1, "{c}");
}

async fn seekers_openings_and_placements_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Community A: a job seeker, an opening and a placement on it.
    let w = app.token("wangge1").await;
    let yang = app.resident_id("杨静").await;
    let xia = app.resident_id("夏胜林").await;
    let seeker =
        post(&app, &w, "/api/v1/job-seekers", json!({"resident_id": yang, "skills": "收银"})).await
            ["id"]
            .as_i64()
            .unwrap();
    let opening = post(
        &app,
        &w,
        "/api/v1/openings",
        json!({"employer": "跨社区便利店", "job": "收银员", "slots": 2}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let placement = post(&app, &w, "/api/v1/placements", json!({"resident_id": xia, "employer": "跨社区便利店", "job": "收银员", "starts_on": "2026-10-28", "via_station": true, "opening_id": opening})).await["id"]
        .as_i64()
        .unwrap();

    // Community B's admin, by the API.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let list = app.get_ok(&other, "/api/v1/placements").await;
    assert_eq!(list["total"], 0, "{list}");
    let due = app.get_ok(&other, "/api/v1/followups/due").await;
    assert_eq!(due["total"], 0, "{due}");
    app.post_refused(
        &other,
        "/api/v1/followups",
        json!({"placement_id": placement, "on": "2026-11-27", "outcome": "employed"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "employment_placement_missing",
    )
    .await;
    app.post_refused(
        &other,
        "/api/v1/job-seekers",
        json!({"resident_id": yang}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "learning_resident_missing",
    )
    .await;

    // … and by the pages.
    let mut b = app.signed_in("dongfeng").await;
    b.assert_not_found(&[
        format!("/employment/seekers/{seeker}"),
        format!("/employment/placements/{placement}"),
        format!("/employment/placements/new?resident={xia}"),
    ])
    .await;
    let csrf = b.csrf().await;
    let opening_id = opening.to_string();
    for (path, form) in [
        (format!("/employment/openings/{opening}/close"), vec![("_csrf", csrf.as_str())]),
        (
            format!("/employment/seekers/{seeker}"),
            vec![("_csrf", csrf.as_str()), ("status", "paused")],
        ),
        (
            format!("/employment/seekers/{seeker}/referrals"),
            vec![("_csrf", csrf.as_str()), ("opening_id", opening_id.as_str())],
        ),
    ] {
        let res = b.post_form(&path, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Nothing of A changed.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM openings WHERE status = 'open' AND employer = '跨社区便利店'"
        )
        .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM job_seekers WHERE status = 'seeking'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM followups").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM referrals").await, 0);
}

/// The figures a worker acts on are links to the people behind them: 去向不明 on /courses
/// opens the trainees nobody has news of, 未回访 on /employment the placements to call back;
/// each list holds exactly as many people as the figure says.
async fn the_people_behind_unknown_and_not_called_back_are_one_click_away(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    let mut page = app.signed_in("wangge1").await;
    let href_of = |html: &str, prefix: &str| -> String {
        let at = html.find(&format!("href=\"{prefix}")).expect(prefix) + 6;
        html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&")
    };
    let figure_before = |html: &str, href: &str| -> i64 {
        let at = html.find(&format!("href=\"{}\"", href.replace('&', "&amp;"))).unwrap();
        let rest = &html[at..];
        let start = rest.find('>').unwrap() + 1;
        rest[start..start + rest[start..].find('<').unwrap()].trim().parse().unwrap()
    };
    let rows = |html: &str| html.matches("<td><a href=\"/residents/").count() as i64;

    let (_, courses) = page.get_text("/courses").await;
    let at = courses.find("who=unknown").expect("a link to the unknown");
    let start = courses[..at].rfind('"').unwrap() + 1;
    let unknown = courses[start..at + "who=unknown".len()].replace("&amp;", "&");
    let n = figure_before(&courses, &unknown);
    assert!(n > 0, "the demo has trainees nobody followed up");
    let html = page.get_ok(&unknown).await;
    assert!(html.contains("id=\"unknown-list\""));
    assert_eq!(rows(&html), n, "as many people as the figure");

    let (_, station) = page.get_text("/employment").await;
    let to_call = href_of(&station, "/employment/placements?to_call=");
    let n = figure_before(&station, &to_call);
    assert!(n > 0);
    let html = page.get_ok(&to_call).await;
    assert!(html.contains("id=\"to-call\""));
    assert_eq!(rows(&html), n, "as many placements to call as the figure");
}

/// Enrols the resident `resident` from the sign-up request `signup` on its page, which must
/// answer `status`.
async fn enrol_signup(
    b: &mut Browser,
    csrf: &str,
    signup: i64,
    resident: impl ToString,
    status: StatusCode,
) {
    let resident = resident.to_string();
    let res = b
        .post_form(
            &format!("/course-signups/{signup}/enrol"),
            &[("_csrf", csrf), ("resident_id", &resident)],
        )
        .await;
    assert_eq!(res.status(), status);
}

/// Declines the sign-up request `signup` on its page with `reason`, which must answer `status`.
async fn decline_signup(
    b: &mut Browser,
    csrf: &str,
    signup: i64,
    reason: &str,
    status: StatusCode,
) {
    let res = b
        .post_form(
            &format!("/course-signups/{signup}/decline"),
            &[("_csrf", csrf), ("reason", reason)],
        )
        .await;
    assert_eq!(res.status(), status);
}

/// How many enrolments came from a resident's own sign-up request.
async fn self_enrolments(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM enrolments WHERE via = 'self'").await
}

/// How many sign-up requests wait to be handled.
async fn pending_signups(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM course_signups WHERE status = 'pending'").await
}
