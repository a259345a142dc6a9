//! Holiday visit plans (issue 5), on both engines: the list built by the rules from the registry
//! and the case files, scope for building heads, the route sheet without reasons, visits that
//! reach the case timeline, removal that needs a reason; neighbour helpers on the cards.

use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_browser, register_neighbour_helper, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

both_engines!(
    a_plan_lists_each_household_once_by_the_rules_and_visits_reach_the_case,
    a_building_head_records_her_buildings_visits_without_seeing_reasons,
    neighbour_helpers_show_what_they_help_with_on_the_card,
    plans_of_another_community_are_not_found,
);

/// Opens a case on 夏胜林 and builds a 春节 plan (低保, elders alone from 75, open cases).
async fn plan_with_case(app: &TestApp) -> (i64, i64) {
    let token = app.token("wangge1").await;
    let xia = app.resident_id("夏胜林").await;
    let body = app.created(&token, "/api/v1/cases", json!({"resident_id": xia, "kinds": ["illness", "unemployment"], "summary": "妻子患病，夫妻下岗", "legal_basis": "consent", "consent_on": "2026-11-01"})).await;
    let case = body["id"].as_i64().unwrap();
    let (mut b, csrf) = app.signed_in_with_csrf("wangge1").await;
    let res = b
        .post_form(
            "/visits",
            &[
                ("_csrf", &csrf),
                ("name", "2027年春节走访慰问"),
                ("occasion", "spring_festival"),
                ("visit_on", "2027-02-05"),
                ("rules", "dibao"),
                ("rules", "elderly_alone"),
                ("rules", "open_case"),
                ("min_age", "75"),
                ("gift", "大米 10kg，食用油 5L"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let plan: i64 =
        crate::support::Browser::location(&res).trim_start_matches("/visits/").parse().unwrap();
    (plan, case)
}

async fn a_plan_lists_each_household_once_by_the_rules_and_visits_reach_the_case(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let csrf = b.csrf().await;
    // No rule chosen: refused with the reason, nothing created.
    assert!(
        b.post_form_answered(
            "/visits",
            &[
                ("_csrf", &csrf),
                ("name", "x"),
                ("occasion", "spring_festival"),
                ("visit_on", "2027-02-05"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await
        .contains("至少选择一条名单规则")
    );

    let (plan, case) = plan_with_case(&app).await;
    // 夏胜林's household (open case; three people), 米丽芳 (alone, 77 ≥ 75), 杨静's household
    // (低保: she and her daughter, one visit). 张君 (残疾) and 陈玉兰 (no tag) are not listed.
    let listed = app
        .db
        .read(move |c| {
            c.query(
                "SELECT r.name, v.reasons FROM visit_targets v JOIN residents r ON r.id = v.resident_id WHERE v.plan_id = ? ORDER BY r.name",
                linli_store::params![plan],
            )
            .map(|rows| rows.iter().map(|r| (r.text(0).unwrap(), r.text(1).unwrap())).collect::<Vec<_>>())
        })
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(
        names.contains(&"夏胜林") && names.contains(&"米丽芳") && names.contains(&"杨静"),
        "{names:?}"
    );
    assert!(listed.iter().any(|(n, r)| n == "夏胜林" && r == "open_case"));

    let html = b.get_ok(&format!("/visits/{plan}")).await;
    assert!(html.contains("已走访 0/3 户"), "progress shown");
    assert!(html.contains("在帮扶困难家庭"), "a worker sees why a household is listed");

    // Record the visit to 夏胜林's household: it lands on his case's timeline.
    let xia_target = target_of(&app, plan, "夏胜林").await;
    let path = format!("/visits/{plan}/targets/{xia_target}");
    let res = b
        .post_form(
            &path,
            &[
                ("_csrf", &csrf),
                ("status", "visited"),
                ("on", "2026-11-28"),
                ("items", "大米 10kg"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a visit cannot be dated tomorrow");
    b.post_form_redirected(
        &path,
        &[
            ("_csrf", &csrf),
            ("status", "visited"),
            ("on", "2026-11-26"),
            ("items", "大米 10kg，食用油 5L"),
            ("amount_yuan", "500"),
            ("participants", "王网格、米丽芳"),
        ],
    )
    .await;
    let (_, html) = b.get_text(&format!("/cases/{case}")).await;
    assert!(
        html.contains("大米") && html.contains("2026-11-26"),
        "the visit is on the case timeline"
    );
    let (_, html) = b.get_text(&format!("/visits/{plan}")).await;
    assert!(html.contains("已走访 1/3 户"), "progress moves");
    assert!(
        html.contains("大米 10kg，食用油 5L，500.00元")
            || html.contains("大米 10kg，食用油 5L，500元"),
        "what was given is shown"
    );
    // A correction changes the visit on the case's timeline instead of adding a second one.
    let visits_on_case = || async {
        app.number(
            "SELECT COUNT(*) FROM help_records WHERE case_id = ? AND kind = 'visit'",
            linli_store::params![case],
        )
        .await
    };
    b.post_form(
        &path,
        &[("_csrf", &csrf), ("status", "visited"), ("on", "2026-11-25"), ("items", "大米 20kg")],
    )
    .await;
    assert_eq!(visits_on_case().await, 1);
    let (_, html) = b.get_text(&format!("/cases/{case}")).await;
    assert!(html.contains("20kg") && html.contains("2026-11-25"));
    // Corrected to "not at home": nothing was given, the timeline loses the visit.
    b.post_form(&path, &[("_csrf", &csrf), ("status", "not_home"), ("on", "2026-11-25")]).await;
    assert_eq!(visits_on_case().await, 0);
    b.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("status", "visited"),
            ("on", "2026-11-26"),
            ("items", "大米 10kg，食用油 5L"),
            ("amount_yuan", "500"),
        ],
    )
    .await;
    assert_eq!(visits_on_case().await, 1);

    // Taking a household off needs a reason; with one, it leaves the count but keeps its row.
    let mi_target = target_of(&app, plan, "米丽芳").await;
    let remove = format!("/visits/{plan}/targets/{mi_target}/remove");
    b.post_form(&remove, &[("_csrf", &csrf), ("reason", "  ")]).await;
    let (_, html) = b.get_text(&format!("/visits/{plan}")).await;
    assert!(html.contains("已走访 1/3 户"));
    b.post_form(&remove, &[("_csrf", &csrf), ("reason", "已随子女外出过年")]).await;
    let (_, html) = b.get_text(&format!("/visits/{plan}")).await;
    assert!(html.contains("已走访 1/2 户"));
    assert!(html.contains("已随子女外出过年"));
    let audit = app.audit_actions().await;
    assert!(audit.iter().any(|a| a == "visits.record"));
    assert!(audit.iter().any(|a| a == "visits.remove"));

    // A household the rules missed is added by name, once.
    let add = format!("/visits/{plan}/add");
    b.post_form_redirected(&add, &[("_csrf", &csrf), ("who", "陈玉兰")]).await;
    // Again, by resident number: the household is on the list already.
    let chen = app.resident_id("陈玉兰").await.to_string();
    b.post_form(&add, &[("_csrf", &csrf), ("who", &chen)]).await;
    let (_, html) = b.get_text(&format!("/visits/{plan}")).await;
    assert!(html.contains("这一户已经在名单上了"), "the number names the same person");
    let n = app.number("SELECT COUNT(*) FROM visit_targets v JOIN residents r ON r.id = v.resident_id WHERE v.plan_id = ? AND r.name = '陈玉兰'", linli_store::params![plan]).await;
    assert_eq!(n, 1);

    // A visited household stays on the list (its gift is on the case and in the totals).
    b.post_form_redirected(
        &format!("/visits/{plan}/targets/{xia_target}/remove"),
        &[("_csrf", &csrf), ("reason", "误录")],
    )
    .await;
    let (_, html) = b.get_text(&format!("/visits/{plan}/targets/{xia_target}")).await;
    assert!(html.contains("已走访的住户不能移出名单"));

    // Closing stops every grid's recording: a grid worker may not, the community's admin may.
    b.post_form_answered(
        &format!("/visits/{plan}/close"),
        &[("_csrf", &csrf)],
        StatusCode::FORBIDDEN,
    )
    .await;
    let mut admin = app.signed_in("admin").await;
    let admin_csrf = admin.csrf().await;
    admin.post_form_redirected(&format!("/visits/{plan}/close"), &[("_csrf", &admin_csrf)]).await;
    // A closed plan's list is a record: nothing more is added.
    b.post_form(&add, &[("_csrf", &csrf), ("who", "张君")]).await;
    let (_, html) = b.get_text(&format!("/visits/{plan}")).await;
    assert!(html.contains("不能再登记"), "the page says why");
    assert!(!html.contains("张君"), "nothing added to a closed plan");
}

async fn a_building_head_records_her_buildings_visits_without_seeing_reasons(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let (plan, _) = plan_with_case(&app).await;
    let mut head = app.signed_in("louzhang").await;
    let html = head.get_ok(&format!("/visits/{plan}")).await;
    assert!(html.contains("夏胜林"), "3号楼 is hers");
    assert!(!html.contains("杨静"), "12号楼 is not hers");
    assert!(!html.contains("列入原因"), "no household's reasons for a building head");
    let target = target_of(&app, plan, "夏胜林").await;
    // She is on the visiting team: she opens the household from the plan and records the visit.
    assert!(
        html.contains(&format!("/visits/{plan}/targets/{target}")),
        "the plan offers her the household to record"
    );
    let form = head.get_ok(&format!("/visits/{plan}/targets/{target}")).await;
    assert!(form.contains("夏胜林") && form.contains("走访结果"));
    assert!(
        !form.contains("列入原因") && !form.contains("低保户"),
        "why the household is listed stays with the workers"
    );
    assert!(!form.contains("/remove"), "taking a household off the list is a worker's decision");
    let csrf = head.csrf().await;
    head.post_form_redirected(
        &format!("/visits/{plan}/targets/{target}"),
        &[
            ("_csrf", &csrf),
            ("status", "visited"),
            ("on", "2026-11-26"),
            ("participants", "米丽芳"),
        ],
    )
    .await;
    let status = app
        .text_with("SELECT status FROM visit_targets WHERE id = ?", linli_store::params![target])
        .await;
    assert_eq!(status, "visited");
    head.post_form_answered(
        &format!("/visits/{plan}/targets/{target}/remove"),
        &[("_csrf", &csrf), ("reason", "已搬走")],
        StatusCode::FORBIDDEN,
    )
    .await;
    // A household outside her buildings is not there for her.
    let other = target_of(&app, plan, "杨静").await;
    assert!(other > 0);
    head.post_form_answered(
        &format!("/visits/{plan}/targets/{other}"),
        &[("_csrf", &csrf), ("status", "visited"), ("on", "2026-11-26")],
        StatusCode::NOT_FOUND,
    )
    .await;

    // The route sheet a team carries names people, never why they are listed.
    let mut worker = app.signed_in("wangge1").await;
    let sheet = worker.get_ok(&format!("/visits/{plan}/route")).await;
    assert!(sheet.contains("夏胜林") && sheet.contains("签收"));
    assert!(
        !sheet.contains("低保户")
            && !sheet.contains("在帮扶困难家庭")
            && !sheet.contains("独居老人（高龄）")
    );

    // Another community's worker gets nothing (the plan id is not theirs): here, a resident.
    let mut resident = app.signed_in("jumin").await;
    let (status, _) = resident.get_text(&format!("/visits/{plan}")).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
}

async fn neighbour_helpers_show_what_they_help_with_on_the_card(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    let mi = app.resident_id("米丽芳").await;
    let mut b = app.signed_in("wangge1").await;
    register_neighbour_helper(&mut b, mi, "代买、看护", three).await;
    let (_, html) = b.get_text(&format!("/neighbor-cards?building={three}")).await;
    assert!(html.contains("代买、看护"), "the card says what she helps with");
    assert!(app.audited("visits.helper").await);
    // A building head may read the cards but not register helpers.
    let (mut head, csrf) = app.signed_in_with_csrf("louzhang").await;
    head.post_form_answered(
        "/neighbor-cards/helpers",
        &[("_csrf", &csrf), ("resident_id", &mi.to_string()), ("helps_with", "接送")],
        StatusCode::FORBIDDEN,
    )
    .await;
}

async fn plans_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let (plan, _) = plan_with_case(&app).await;
    let target = app
        .number("SELECT MIN(id) FROM visit_targets WHERE plan_id = ?", linli_store::params![plan])
        .await;
    app.second_community("dongfeng").await;
    let mut other = app.signed_in("dongfeng").await;
    other
        .assert_not_found(&[
            format!("/visits/{plan}"),
            format!("/visits/{plan}/route"),
            format!("/visits/{plan}/targets/{target}"),
        ])
        .await;
    let csrf = other.csrf().await;
    let visit = [("_csrf", csrf.as_str()), ("status", "visited"), ("on", "2026-11-20")];
    for (path, form) in [
        (format!("/visits/{plan}/targets/{target}"), &visit[..]),
        (format!("/visits/{plan}/close"), &visit[..1]),
        (format!("/visits/{plan}/add"), &[("_csrf", csrf.as_str()), ("who", "夏胜林")][..]),
    ] {
        let res = other.post_form(&path, form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = other.get_text("/visits").await;
    assert!(!list.contains("2027年春节走访慰问"));
    let open = app
        .number(
            "SELECT COUNT(*) FROM visit_targets WHERE plan_id = ? AND status = 'pending'",
            linli_store::params![plan],
        )
        .await;
    assert!(open > 0, "the plan's list is untouched");
}

/// The id of the resident `name`'s place on the visit plan `plan`.
async fn target_of(app: &TestApp, plan: i64, name: &str) -> i64 {
    app.number(
        "SELECT v.id FROM visit_targets v JOIN residents r ON r.id = v.resident_id WHERE v.plan_id = ? AND r.name = ?",
        linli_store::params![plan, name],
    )
    .await
}
