use crate::both_engines;
use crate::support::{
    Browser, Engine, TestApp, app_and_browser, app_and_token, spawn_demo_app, texts_of,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    a_day_not_recorded_is_left_blank,
    the_roster_is_masked_and_searchable_by_pinyin_digits_and_tag,
    a_building_head_sees_only_the_residents_of_their_buildings,
    revealing_needs_the_permission_and_is_audited,
    a_resident_is_registered_with_checked_id_and_phone,
    an_update_keeps_what_was_not_sent_and_audits_masked_images,
    a_name_is_found_by_any_part_of_it_and_by_its_new_part_after_a_rename,
    a_good_roster_imports_from_csv_gb18030_and_xlsx,
    a_bad_roster_changes_nothing_and_names_every_row,
    exports_are_masked_escaped_and_audited,
    the_resident_pages_work_for_a_worker,
    a_grid_worker_imports_only_into_their_own_grid,
    a_grid_import_neither_moves_nor_reveals_a_resident_outside_the_grid,
    a_person_gets_their_data_and_can_be_anonymized_without_losing_the_row,
    closing_a_record_is_confirmed_with_a_reason_chosen,
    searches_by_digits_are_throttled_for_those_who_may_not_reveal,
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../linli-io/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    app.get_ok(token, &format!("/api/v1/residents?{query}")).await
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// A digest of every resident row: equal before and after means nothing changed.
async fn residents_checksum(app: &TestApp) -> String {
    app.db
        .read(|c| {
            let rows = c.query(
                "SELECT id, name, COALESCE(id_number, ''), COALESCE(phone, ''), COALESCE(household_id, 0), status FROM residents ORDER BY id",
                linli_store::params![],
            )?;
            let mut s = String::new();
            for r in rows {
                s.push_str(&format!("{}|{}|{}|{}|{}|{};", r.int(0)?, r.text(1)?, r.text(2)?, r.text(3)?, r.int(4)?, r.text(5)?));
            }
            Ok::<_, linli_store::StoreError>(s)
        })
        .await
        .unwrap()
}

async fn the_roster_is_masked_and_searchable_by_pinyin_digits_and_tag(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let all = list(&app, &admin, "").await;
    assert_eq!(all["total"], 8);
    let xia = named(&all, "夏胜林");
    let id = xia["id_number"].as_str().unwrap();
    assert!(id.starts_with("**************") && id.len() == 18, "{id}");
    assert!(xia["phone"].as_str().unwrap().contains("****"));
    assert_eq!(xia["building"], "3号楼");
    assert_eq!(xia["unit"], "2单元");
    assert_eq!(xia["household"], "301");
    assert!(xia["tags"].as_array().unwrap().contains(&json!("困难家庭")));

    assert_eq!(names(&list(&app, &admin, "q=xsl").await), vec!["夏胜林"]);
    assert_eq!(names(&list(&app, &admin, "q=xiasheng").await), vec!["夏胜林"]);
    assert_eq!(
        names(&list(&app, &admin, "q=%E5%A4%8F").await).len(),
        2,
        "夏 finds 夏胜林 and 夏宇"
    );
    // The last four digits of the full ID number find the person.
    let full: String = app.text("SELECT id_number FROM residents WHERE name = '张君'").await;
    assert_eq!(names(&list(&app, &admin, &format!("q={}", &full[14..])).await), vec!["张君"]);
    let mut dibao = names(&list(&app, &admin, "tag=%E4%BD%8E%E4%BF%9D").await);
    dibao.sort();
    assert_eq!(dibao, vec!["杨雨欣", "杨静"]);
    let mut old = names(&list(&app, &admin, "age_min=70").await);
    old.sort();
    assert_eq!(old, vec!["米丽芳", "陈玉兰"]);
    // The worker of 第一网格 (1-16号楼) does not see 20号楼.
    assert!(!finds(&app, &worker, "", "张君").await);
}

async fn a_building_head_sees_only_the_residents_of_their_buildings(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "louzhang").await else {
        return;
    };
    let mine = list(&app, &token, "").await;
    let mut got = names(&mine);
    got.sort();
    assert_eq!(got, vec!["刘淑芬", "夏宇", "夏胜林", "米丽芳"]);
    let admin = app.token("admin").await;
    let yang = first_id(&app, &admin, "q=yangj").await;
    let (status, _) = app.api_get(&token, &format!("/api/v1/residents/{yang}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let xia = named(&mine, "夏胜林")["id"].as_i64().unwrap();
    let body = app.get_ok(&token, &format!("/api/v1/residents/{xia}")).await;
    assert!(body["id_number"].as_str().unwrap().contains("****"));
}

async fn revealing_needs_the_permission_and_is_audited(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = first_id(&app, &worker, "q=xsl").await;
    let body = app
        .post_ok(
            &worker,
            &format!("/api/v1/residents/{xia}/reveal"),
            json!({"reason": "核对困难家庭申请"}),
        )
        .await;
    let full = body["id_number"].as_str().unwrap().to_string();
    assert_eq!(full.len(), 18);
    assert!(!full.contains('*'));
    assert_eq!(body["phone"].as_str().unwrap().len(), 11);
    // The audit record names who and why, never the values.
    let after: String =
        app.text("SELECT after_json FROM audit_log WHERE action = 'resident.reveal'").await;
    assert!(after.contains("核对困难家庭申请") && !after.contains(&full));

    let head = app.token("louzhang").await;
    let (status, _) = app.api_act(&head, &format!("/api/v1/residents/{xia}/reveal")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn a_resident_is_registered_with_checked_id_and_phone(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let unit = app
        .count("SELECT u.id FROM places u JOIN places b ON b.id = u.parent_id WHERE b.name = '5号楼' AND u.name = '1单元'")
        .await;
    let born = chrono::NaiveDate::from_ymd_opt(1990, 3, 7).unwrap();
    let id =
        linli_core::IdNumber::generate("231002", born, 12, linli_core::Gender::Female).unwrap();
    let rid = app.created_id(&token, "/api/v1/residents", json!({"name": "周小燕", "id_number": id.as_str(), "phone": "138 4530 1234",
                "unit_id": unit, "household": "601", "relation": "户主", "tags": [{"name": "党员"}]})).await;
    let got = resident(&app, &token, rid).await;
    assert_eq!(got["gender"], "female", "gender follows from the ID number");
    assert_eq!(got["birth_date"], "1990-03-07");
    assert_eq!(got["phone"], "138****1234");
    assert_eq!(got["relation"], "head");
    assert_eq!(got["building"], "5号楼");

    let mut bad = id.as_str().to_string();
    let last = if bad.ends_with('1') { "2" } else { "1" };
    bad.replace_range(17.., last);
    let body = register_refused(
        &app,
        &token,
        json!({"name": "错号码", "id_number": bad}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("校验码"), "{body}");
    register_refused(
        &app,
        &token,
        json!({"name": "科学计数", "id_number": "2.31002E+17"}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    app.post_refused(
        &token,
        "/api/v1/residents",
        json!({"name": "重复", "id_number": id.as_str()}),
        StatusCode::CONFLICT,
        "id_number_taken",
    )
    .await;
    let body = register_refused(
        &app,
        &token,
        json!({"name": "", "phone": "12345"}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        body["error"]["details"]["fields"].as_array().unwrap().len(),
        2,
        "every bad field is named: {body}"
    );
}

/// A name search reads the residents whose names hold the query's characters (migration 0032),
/// so the characters must follow every change of the name.
async fn a_name_is_found_by_any_part_of_it_and_by_its_new_part_after_a_rename(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let id = app.created_id(&token, "/api/v1/residents", json!({"name": "欧阳建国"})).await;
    for part in ["建国", "欧阳", "阳建", "欧阳建国"] {
        let found = list(&app, &token, &format!("q={part}")).await;
        assert!(names(&found).contains(&"欧阳建国".to_string()), "{part}: {found}");
    }
    let found = list(&app, &token, "q=建欧").await;
    assert!(
        !names(&found).contains(&"欧阳建国".to_string()),
        "characters in another order: {found}"
    );
    patch_ok(&app, &token, id, json!({"name": "欧阳振华"})).await;
    assert!(!finds(&app, &token, "q=建国", "欧阳建国").await);
    assert!(!finds(&app, &token, "q=建国", "欧阳振华").await);
    assert!(finds(&app, &token, "q=振华", "欧阳振华").await);
}

async fn an_update_keeps_what_was_not_sent_and_audits_masked_images(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let xia = first_id(&app, &token, "q=xsl").await;
    patch_ok(&app, &token, xia, json!({"phone": "13900001111"})).await;
    let got = resident(&app, &token, xia).await;
    assert_eq!(got["phone"], "139****1111");
    assert_eq!(got["household"], "301");
    assert!(texts_of(&got["tags"], "name").contains(&"困难家庭"));
    let images = app
        .texts("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log WHERE action = 'resident.update'")
        .await;
    assert_eq!(images.len(), 1);
    assert!(
        images[0].contains("139****1111") && !images[0].contains("13900001111"),
        "personal fields are masked in the audit log"
    );
}

/// The import form's fields: write the file (`IMPORT`) or only check it (`CHECK`), creating
/// the buildings and units it names that do not exist (`…_CREATING`).
pub(crate) const IMPORT: &[(&str, &str)] = &[("action", "import")];
pub(crate) const IMPORT_CREATING: &[(&str, &str)] =
    &[("action", "import"), ("create_places", "on")];
pub(crate) const CHECK: &[(&str, &str)] = &[("action", "check")];
pub(crate) const CHECK_CREATING: &[(&str, &str)] = &[("action", "check"), ("create_places", "on")];

/// Uploads the roster file `name` (its `bytes`) on the import page with the form's `fields`
/// (mode, action, create_places) as `b`, which must be answered `status`: the text of the page.
pub(crate) async fn post_import(
    b: &mut Browser,
    name: &str,
    bytes: impl Into<Vec<u8>>,
    fields: &[(&str, &str)],
    status: StatusCode,
) -> String {
    let csrf = b.csrf().await;
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes.into()).file_name(name.to_string()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let res = b.post_upload("/residents/import", &csrf, form).await;
    let got = res.status();
    let html = res.text().await.unwrap();
    assert_eq!(got, status, "{name} {fields:?}: {html}");
    html
}

/// Uploads the roster file `name` as [`post_import`] does; the page must refuse it (`422`).
pub(crate) async fn import_refused(
    b: &mut Browser,
    name: &str,
    bytes: impl Into<Vec<u8>>,
    fields: &[(&str, &str)],
) -> String {
    post_import(b, name, bytes, fields, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn a_good_roster_imports_from_csv_gb18030_and_xlsx(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let html = fixture_accepted(&mut b, "roster.csv", "create", "check").await;
    assert!(html.contains("全部检查通过"), "{html}");
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, 8, "a check writes nothing");
    let html = fixture_accepted(&mut b, "roster.csv", "create", "import").await;
    assert!(html.contains("新增 10 人"), "{html}");
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, 18);
    // The same people written by WPS in GB18030 and by Calc as xlsx: updates in upsert mode.
    for f in ["roster-gb18030.csv", "roster.xlsx"] {
        let html = fixture_accepted(&mut b, f, "upsert", "import").await;
        assert!(html.contains("更新 10 人"), "{f}: {html}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, 18);
    let token = app.token("admin").await;
    assert!(finds(&app, &token, "q=zhangj", "张君").await);
    assert!(app.audited("resident.import").await);
}

async fn a_bad_roster_changes_nothing_and_names_every_row(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let before = residents_checksum(&app).await;
    let html =
        import_refused(&mut b, "roster-mangled.xlsx", fixture("roster-mangled.xlsx"), IMPORT).await;
    assert!(html.contains("import-errors") && html.contains("Excel"), "{html}");
    assert!(html.contains("整份文件没有导入"));
    assert_eq!(residents_checksum(&app).await, before);

    // A building that does not exist is a row error unless places may be created.
    let csv = "姓名,身份证号,楼栋,单元,户号\n新住户,,99号楼,1单元,101\n";
    let html = import_refused(&mut b, "new.csv", csv, IMPORT).await;
    assert!(html.contains("99号楼"), "{html}");
    assert_eq!(residents_checksum(&app).await, before);
    post_import(&mut b, "new.csv", csv, IMPORT_CREATING, StatusCode::OK).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM places WHERE name = '99号楼'").await, 1);

    // Garbage is refused cleanly, and so is an upload without the CSRF token.
    import_refused(&mut b, "roster.xlsx", b"PK\x03\x04 not really a zip".to_vec(), IMPORT).await;
    let res = b
        .http
        .post(format!("{}/residents/import", app.base))
        .header("cookie", b.cookie_header())
        .multipart(reqwest::multipart::Form::new().text("action", "import"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn exports_are_masked_escaped_and_audited(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let _ = app.created(&token, "/api/v1/residents", json!({"name": "=SUM(A1)"})).await;
    let mut b = app.signed_in("wangge1").await;
    let res = b.get("/residents/export.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM so Excel reads UTF-8");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains("夏胜林") && text.contains("********"));
    assert!(!text.contains("张君"), "the worker's grid only");
    let res = b.get("/residents/export.xlsx?full=1").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "an unmasked export is the admin's");

    let mut admin = app.signed_in("admin").await;
    let text = admin.get_text("/residents/export.csv").await.1;
    assert!(text.contains("'=SUM(A1)"), "formula-looking cells are escaped");
    let res = admin.get("/residents/export.xlsx?full=1").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(app.audit_count("resident.export").await, 3);
}

async fn the_resident_pages_work_for_a_worker(engine: Engine) {
    let Some((_app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let html = b.get_ok("/residents?q=xsl").await;
    assert!(html.contains("夏胜林") && html.contains("共 1 人"), "{html}");
    let id = html
        .split("href=\"/residents/")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.parse::<i64>().is_ok())
        .unwrap()
        .to_string();
    let html = b.get_ok(&format!("/residents/{id}")).await;
    assert!(html.contains("刘淑芬") && html.contains("困难家庭"), "household and tags");
    assert!(!html.contains("19680412"), "masked by default");
    let csrf = b.csrf().await;
    let html = b
        .post_form_answered(
            &format!("/residents/{id}/reveal"),
            &[("_csrf", &csrf), ("reason", "核对")],
            StatusCode::OK,
        )
        .await;
    assert!(html.contains("19680412"));

    // The form keeps what was typed and says what is wrong, beside the field.
    let html = b
        .post_form_answered(
            "/residents",
            &[
                ("_csrf", &csrf),
                ("name", "新居民"),
                ("id_number", "231002199003071230"),
                ("phone", "1.38123E+10"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(html.contains("新居民") && html.contains("231002199003071230"));
    assert!(html.contains("校验码") && html.contains("科学计数"), "{html}");
}

async fn a_grid_worker_imports_only_into_their_own_grid(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let before = residents_checksum(&app).await;
    let csv = "姓名,楼栋,单元,户号\n王一,2号楼,1单元,101\n王二,20号楼,1单元,102\n";
    let html = import_refused(&mut b, "grid.csv", csv, IMPORT).await;
    assert!(
        html.contains("不在您负责的范围内") && html.contains("<td class=\"num\">3</td>"),
        "row 3 is named: {html}"
    );
    assert_eq!(residents_checksum(&app).await, before);
    let csv = "姓名,楼栋,单元,户号\n王一,2号楼,1单元,101\n";
    post_import(&mut b, "grid.csv", csv, IMPORT, StatusCode::OK).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, 9);
}

async fn a_person_gets_their_data_and_can_be_anonymized_without_losing_the_row(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let zhang = first_id(&app, &token, "q=zhangj").await;
    let mut b = app.signed_in("admin").await;
    let res = b.get(&format!("/residents/{zhang}/personal-data.json")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["resident"]["name"], "张君");
    assert_eq!(
        data["resident"]["id_number"].as_str().unwrap().len(),
        18,
        "the person gets their full data"
    );
    assert!(texts_of(&data["resident"]["tags"], "name").contains(&"残疾"));
    let total = app.count("SELECT COUNT(*) FROM residents").await;

    let csrf = b.csrf().await;
    b.post_form_redirected(
        &format!("/residents/{zhang}/anonymize"),
        &[("_csrf", &csrf), ("confirm", "别人")],
    )
    .await;
    let (_, html) = b.get_text(&format!("/residents/{zhang}")).await;
    assert!(html.contains("没有匿名化"), "a wrong confirmation changes nothing");
    b.post_form_redirected(
        &format!("/residents/{zhang}/anonymize"),
        &[("_csrf", &csrf), ("confirm", "张君")],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, total, "the row stays");
    assert_eq!(app.count("SELECT COUNT(*) FROM residents WHERE name = '张君' OR id_number IS NOT NULL AND status = 'anonymized'").await, 0);
    assert!(!finds(&app, &token, "", "张君").await);
    assert!(
        app.audited("resident.subject_export").await && app.audited("resident.anonymize").await
    );

    let (mut worker, csrf) = app.signed_in_with_csrf("wangge1").await;
    let xia = first_id(&app, &token, "q=xsl").await;
    // Erasure is the admin's decision.
    worker
        .post_form_answered(
            &format!("/residents/{xia}/anonymize"),
            &[("_csrf", &csrf), ("confirm", "夏胜林")],
            StatusCode::FORBIDDEN,
        )
        .await;
}

/// Issue 13, item 1: a grid worker's upsert matched an ID number registered in another grid and
/// moved that resident into her building (wiping phone, notes, tags and consents), and a check
/// told her which IDs the community holds. A match outside her scope is now an error that names
/// no one, in both modes, and nothing is written.
async fn a_grid_import_neither_moves_nor_reveals_a_resident_outside_the_grid(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let zhang_id: String = app.text("SELECT id_number FROM residents WHERE name = '张君'").await;
    let before = residents_checksum(&app).await;
    let csv = format!("姓名,身份证号,楼栋,单元,户号\n张君,{zhang_id},2号楼,1单元,101\n");
    for (mode, action) in [("upsert", "import"), ("upsert", "check"), ("create", "check")] {
        let html = post_import(
            &mut b,
            "grid.csv",
            csv.as_str(),
            &[("mode", mode), ("action", action)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            html.contains("此人不在您的管辖范围内"),
            "{mode}/{action}: the row is refused without naming anyone: {html}"
        );
        assert!(
            !html.contains("已在本社区登记"),
            "{mode}/{action}: no hint that the ID is registered elsewhere"
        );
    }
    assert_eq!(residents_checksum(&app).await, before, "张君 stays where he lives");
}

/// Deregistering (注销) is a step of its own: the resident's page links to a confirmation page
/// that says what happens; no reason is preselected, and posting without one changes nothing
/// and says so beside the field.
async fn closing_a_record_is_confirmed_with_a_reason_chosen(engine: Engine) {
    let Some((app, mut page)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let id = app.resident_id("张君").await;
    let (_, html) = page.get_text(&format!("/residents/{id}")).await;
    let confirm = format!("/residents/{id}/close");
    assert!(html.contains(&format!("href=\"{confirm}\"")), "a link to the step, not a form");
    assert!(!html.contains(&format!("action=\"{confirm}\"")), "no one-click form");

    let html = page.get_ok(&confirm).await;
    assert!(html.contains("不再出现在在册名单中") && html.contains("张君"), "{html}");
    assert!(html.contains("<option value=\"\" selected"), "no reason preselected");

    let csrf = page.csrf().await;
    let html = page
        .post_form_answered(
            &confirm,
            &[("_csrf", &csrf), ("status", ""), ("on", "2026-12-01")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(html.contains("field-error") && html.contains("请选择注销原因"), "{html}");
    let active = || async {
        app.text("SELECT status FROM residents WHERE name = '张君' ORDER BY id LIMIT 1").await
    };
    assert_eq!(active().await, "active", "nothing changed");

    let res = page
        .post_form(&confirm, &[("_csrf", &csrf), ("status", "moved_away"), ("on", "2026-12-01")])
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(active().await, "moved_away");
    assert!(app.audited("resident.close").await);
    // The audit page tells it in words, not JSON.
    let (_, audit) = page.get_text("/audit").await;
    assert!(audit.contains("注销居民档案") && audit.contains("状态：在册 → 已迁出"), "{audit}");
    assert!(!audit.contains("{&quot;") && !audit.contains("{\""), "no raw JSON");
    // Once closed, the step is not offered again.
    let res = page.get(&confirm).await;
    assert!(res.status().is_redirection());
}

/// Issue 13 item 2: an account that may not reveal numbers runs at most 20 searches by digits
/// a minute (the roster, the picker), then waits (429 rate_limited with Retry-After); its name
/// searches go on, and an administrator who may reveal is not counted.
async fn searches_by_digits_are_throttled_for_those_who_may_not_reveal(engine: Engine) {
    let Some((app, head)) = app_and_token(engine, "louzhang").await else {
        return;
    };
    for n in 0..20 {
        let path = if n % 2 == 0 {
            format!("/api/v1/residents?q={:04}", 1000 + n)
        } else {
            format!("/api/v1/residents/pick?q={:04}", 1000 + n)
        };
        app.get_ok(&head, &path).await;
    }
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/residents?q=5678", app.base))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rate_limited");
    // A name search goes on.
    app.get_ok(&head, "/api/v1/residents?q=mlf").await;
    let admin = app.token("admin").await;
    for _ in 0..25 {
        app.get_ok(&admin, "/api/v1/residents?q=5678").await;
    }
}

/// Uploads the fixture `file` on the import page in `mode` (create, upsert) for `action`
/// (check, import), which must be accepted (`200 OK`): the text of the page.
async fn fixture_accepted(b: &mut Browser, file: &str, mode: &str, action: &str) -> String {
    let fields = [("mode", mode), ("action", action)];
    post_import(b, file, fixture(file), &fields, StatusCode::OK).await
}

/// The resident `name` in the roster `list`.
fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["items"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()
}

/// The id of the first resident the roster finds for `query`, as the bearer of `token`.
async fn first_id(app: &TestApp, token: &str, query: &str) -> i64 {
    list(app, token, query).await["items"][0]["id"].as_i64().unwrap()
}

/// Whether the roster lists `name` for `query`, as the bearer of `token`.
async fn finds(app: &TestApp, token: &str, query: &str, name: &str) -> bool {
    names(&list(app, token, query).await).iter().any(|n| n == name)
}

/// The resident `id` as the bearer of `token` sees it (whatever the status).
async fn resident(app: &TestApp, token: &str, id: i64) -> Value {
    app.api_get(token, &format!("/api/v1/residents/{id}")).await.1
}

/// Changes the resident `id` with `body`, which must answer `200 OK`.
async fn patch_ok(app: &TestApp, token: &str, id: i64, body: Value) {
    let (status, v) =
        app.api(token, Method::PATCH, &format!("/api/v1/residents/{id}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
}

/// Registers a resident with `body`, which must be refused with `status`: the body answered.
async fn register_refused(app: &TestApp, token: &str, body: Value, status: StatusCode) -> Value {
    let (got, v) = app.api_post(token, "/api/v1/residents", body).await;
    assert_eq!(got, status, "{v}");
    v
}

/// A day a record does not have yet (a 低保 application's posting, a placement's follow-up, a
/// trainee's birth date) is a blank cell, never `1970-01-01` (what a missing typed day would
/// become if it were defaulted).
async fn a_day_not_recorded_is_left_blank(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    let mut page = app.signed_in("admin").await;
    let mut paths: Vec<String> =
        ["/dibao", "/employment", "/employment/placements", "/cases", "/courses"]
            .map(String::from)
            .to_vec();
    let (_, courses) = app.api_get(&app.token("admin").await, "/api/v1/courses").await;
    for k in courses["items"].as_array().unwrap() {
        paths.push(format!("/courses/{}", k["id"]));
    }
    for path in &paths {
        let (status, html) = page.get_text(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("1970-01-01"), "{path}: {html}");
    }
}
