//! Pickers (issue 14): residents are found by name, pinyin, address or the last ID digits,
//! within the caller's scope, showing only the ID number's last four digits; the forms work
//! without JavaScript through a 查找 step; a second open case for a household warns.

use crate::both_engines;
use crate::support::{Browser, Engine, TestApp, app_and_token, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

both_engines!(
    the_picker_search_keeps_to_the_callers_scope_and_shows_only_the_id_tail,
    a_request_is_made_by_searching_a_name_and_choosing_without_javascript,
    picker_errors_stand_beside_the_field,
    a_station_keeper_and_a_case_person_are_picked_without_javascript,
    a_second_open_case_for_a_household_warns_with_a_link_until_confirmed,
);

async fn pick(app: &TestApp, token: &str, q: &str) -> (StatusCode, Value) {
    let q: String = url_escape(q);
    app.api_get(token, &format!("/api/v1/residents/pick?q={q}")).await
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn names(body: &Value) -> Vec<String> {
    let mut v: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

async fn the_picker_search_keeps_to_the_callers_scope_and_shows_only_the_id_tail(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let head = app.token("louzhang").await;
    let full = app.text("SELECT id_number FROM residents WHERE name = '张君'").await;
    let tail = &full[full.len() - 4..];

    // The admin sees the whole community: 张君 by name, with her ID's last four digits only.
    let (status, body) = pick(&app, &admin, "张君").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&body), vec!["张君"]);
    let item = &body["items"][0];
    assert_eq!(item["id_tail"], tail);
    assert_eq!(item["address"], "20号楼1单元101");
    let text = body.to_string();
    assert!(!text.contains(&full[..14]), "the rest of the ID number is never sent: {text}");
    assert!(item.get("id_number").is_none() && item.get("phone").is_none());
    let (_, by_tail) = pick(&app, &admin, tail).await;
    assert_eq!(names(&by_tail), vec!["张君"], "the last four digits find her");

    // The grid worker of 1-16号楼 does not find 张君 of 20号楼, by name nor by digits.
    let (status, body) = pick(&app, &worker, "张君").await;
    assert_eq!(status, StatusCode::OK);
    assert!(names(&body).is_empty(), "{body}");
    assert!(names(&pick(&app, &worker, tail).await.1).is_empty());
    // …but finds her own people by pinyin initials, by address, and by address and surname.
    assert_eq!(names(&pick(&app, &worker, "xsl").await.1), vec!["夏胜林"]);
    assert_eq!(
        names(&pick(&app, &worker, "3号楼2单元301").await.1),
        vec!["刘淑芬", "夏宇", "夏胜林"]
    );
    assert_eq!(names(&pick(&app, &worker, "3号楼 夏").await.1), vec!["夏宇", "夏胜林"]);
    // `2号楼` is building 2, not 12号楼 where 杨静 lives.
    assert!(!names(&pick(&app, &worker, "2号楼").await.1).contains(&"杨静".to_string()));
    assert_eq!(names(&pick(&app, &worker, "12号楼").await.1), vec!["杨雨欣", "杨静"]);

    // The building head of 3号楼、4号楼 finds only her buildings' residents.
    assert!(names(&pick(&app, &head, "杨静").await.1).is_empty());
    assert_eq!(names(&pick(&app, &head, "xsl").await.1), vec!["夏胜林"]);

    // The partner liaison sees no residents at all.
    let liaison = app.token("gongjian").await;
    let (status, _) = pick(&app, &liaison, "夏").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn disbursements(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM fund_disbursements").await
}

async fn a_request_is_made_by_searching_a_name_and_choosing_without_javascript(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    let (mut b, csrf) = app.signed_in_with_csrf("wangge1").await;
    let before = disbursements(&app).await;

    // 查找: the same form comes back with what was typed and the one 夏胜林 chosen.
    let html = b
        .post_form_answered(
            "/fund/disbursements",
            &[
                ("_csrf", &csrf),
                ("beneficiary_resident_id_q", "夏胜林"),
                ("_pick", "beneficiary_resident_id"),
                ("amount_yuan", "120"),
                ("purpose", "medical"),
                ("note", "住院自付"),
            ],
            StatusCode::OK,
        )
        .await;
    assert!(
        html.contains(&format!(
            "type=\"radio\" name=\"beneficiary_resident_id\" value=\"{xia}\" checked"
        )),
        "the only 夏胜林 is preselected: {html}"
    );
    assert!(html.contains("value=\"120\"") && html.contains("住院自付"), "what was typed is kept");
    assert!(html.contains("3号楼2单元301"), "she is shown with her address");
    assert_eq!(disbursements(&app).await, before, "a search saves nothing");

    // The worker submits with her chosen: the request is recorded for her.
    let xia_text = xia.to_string();
    let res = b
        .post_form(
            "/fund/disbursements",
            &[
                ("_csrf", &csrf),
                ("beneficiary_resident_id_q", "夏胜林"),
                ("beneficiary_resident_id", &xia_text),
                ("amount_yuan", "120"),
                ("purpose", "medical"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Browser::location(&res), "/fund");
    assert_eq!(disbursements(&app).await, before + 1);
    assert_eq!(
        app.count(
            "SELECT beneficiary_resident_id FROM fund_disbursements ORDER BY id DESC LIMIT 1"
        )
        .await,
        xia
    );
}

/// Posts the payment request form with what was typed in the picker (and the id chosen).
async fn request_form(
    b: &mut Browser,
    csrf: &str,
    (q, id): (&str, Option<String>),
) -> (StatusCode, String) {
    let mut form = vec![
        ("_csrf", csrf),
        ("beneficiary_resident_id_q", q),
        ("amount_yuan", "50"),
        ("purpose", "living"),
    ];
    if let Some(id) = &id {
        form.push(("beneficiary_resident_id", id));
    }
    let res = b.post_form("/fund/disbursements", &form).await;
    (res.status(), res.text().await.unwrap())
}

async fn picker_errors_stand_beside_the_field(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let zhang = app.resident_id("张君").await.to_string();
    let (mut b, csrf) = app.signed_in_with_csrf("wangge1").await;
    let before = disbursements(&app).await;
    let field_error = |html: &str| -> String {
        let at = html
            .find("id=\"beneficiary_resident_id-error\"")
            .unwrap_or_else(|| panic!("an error beside the picker: {html}"));
        html[at..].split("</p>").next().unwrap().to_string()
    };

    // A name that is nobody's.
    let (status, html) = request_form(&mut b, &csrf, ("王不存在", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html).contains("没有找到"), "{html}");

    // Several found, none chosen: "请选择是哪一位", with both offered.
    let (status, html) = request_form(&mut b, &csrf, ("夏", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html).contains("请选择是哪一位"));
    assert!(html.contains("夏胜林") && html.contains("夏宇"));
    assert!(!html.contains("checked"), "nobody is chosen for her");

    // Someone outside the worker's grid (an id from an old link): said so, not saved.
    let (status, html) = request_form(&mut b, &csrf, ("张君", Some(zhang))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html).contains("不在您负责的范围内"), "{html}");
    assert!(!html.contains("20号楼"), "nothing about her is shown");

    // Nothing typed at all: the operation's own message, beside the field.
    let (status, html) = request_form(&mut b, &csrf, ("", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html).contains("请选择"), "{html}");
    assert_eq!(disbursements(&app).await, before);
}

async fn a_station_keeper_and_a_case_person_are_picked_without_javascript(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let chen = app.resident_id("陈玉兰").await.to_string();
    let (mut b, csrf) = app.signed_in_with_csrf("wangge1").await;

    // The station form: 查找 by pinyin initials keeps the other fields.
    let html = b
        .post_form_answered(
            "/stations",
            &[
                ("_csrf", &csrf),
                ("name", "楼下修车点"),
                ("services", "打气、补胎"),
                ("keeper_resident_id_q", "cyl"),
                ("_pick", "keeper_resident_id"),
            ],
            StatusCode::OK,
        )
        .await;
    assert!(html.contains("楼下修车点") && html.contains(&format!("value=\"{chen}\"")));
    let res = b
        .post_form(
            "/stations",
            &[
                ("_csrf", &csrf),
                ("name", "楼下修车点"),
                ("services", "打气、补胎"),
                ("keeper_resident_id_q", "cyl"),
                ("keeper_resident_id", &chen),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    assert_eq!(
        app.count("SELECT keeper_resident_id FROM service_stations WHERE name = '楼下修车点'")
            .await
            .to_string(),
        chen
    );

    // The case form: the person picked, the case opened for her household.
    let res = b
        .post_form(
            "/cases",
            &[
                ("_csrf", &csrf),
                ("resident_id_q", "陈玉兰"),
                ("resident_id", &chen),
                ("kinds", "elderly_alone"),
                ("summary", "独居，行动不便"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(Browser::location(&res).starts_with("/cases/"));
    assert_eq!(
        app.count("SELECT resident_id FROM cases ORDER BY id DESC LIMIT 1").await.to_string(),
        chen
    );
}

async fn a_second_open_case_for_a_household_warns_with_a_link_until_confirmed(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    let body = app.unemployment_case(&token, xia, "夫妻下岗").await;
    let case = body["id"].as_i64().unwrap();

    // Her page shows the open case instead of offering a new one.
    let mut b = app.signed_in("wangge1").await;
    let (_, page) = b.get_text(&format!("/residents/{xia}")).await;
    assert!(page.contains(&format!("href=\"/cases/{case}\"")), "{page}");
    assert!(!page.contains(&format!("/cases/new?resident={xia}")));

    // His wife, same household: the form warns, links the case, and saves nothing.
    let liu = app.resident_id("刘淑芬").await.to_string();
    let csrf = b.csrf().await;
    let before = app.count("SELECT COUNT(*) FROM cases").await;
    let form = |confirm: bool| {
        let mut f = vec![
            ("_csrf", csrf.as_str()),
            ("resident_id_q", "刘淑芬"),
            ("resident_id", liu.as_str()),
            ("kinds", "illness"),
            ("summary", "妻子患病"),
            ("legal_basis", "statutory"),
        ];
        if confirm {
            f.push(("confirm_second", "1"));
        }
        f
    };
    let html = b.post_form_answered("/cases", &form(false), StatusCode::CONFLICT).await;
    assert!(html.contains("已有进行中的帮扶档案"), "{html}");
    assert!(html.contains(&format!("href=\"/cases/{case}\"")));
    assert!(html.contains("name=\"confirm_second\""));
    assert!(html.contains("妻子患病"), "what was typed is kept");
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before);

    // Ticked: the second case is opened.
    b.post_form_redirected("/cases", &form(true)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before + 1);

    // The JSON API keeps its contract: ids in, no confirmation asked.
    app.unemployment_case(&token, xia, "再建").await;
}
