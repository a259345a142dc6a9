//! PIPL §45 and §47 across every module (issue 15): the copy for a person holds his case, help
//! records, applications, fund payments, enrolments and neighbour card with a processing
//! history; anonymisation leaves his name nowhere — not in his case narrative, not in a
//! neighbour's offer on the card; and a table added with a resident reference that neither
//! the copy nor the erasure knows fails the schema check.

use crate::both_engines;
use crate::support::{Engine, TestApp, spawn_app, texts_of};
use linli_store::privacy;
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    every_resident_reference_in_the_schema_is_covered_or_exempt,
    the_copy_holds_every_module_and_the_processing_history,
    after_anonymisation_his_name_is_nowhere,
    a_worker_of_another_community_cannot_export_him,
    an_erased_donor_keeps_his_sealed_gift_but_is_no_longer_named,
);

/// 张君 (the seed's) gets a record in every module a demo person has: a case with a narrative
/// naming him, help given, a 低保 application with a step, a fund payment, an enrolment, his
/// offer on the neighbour card and a neighbour's offer naming him, an issue report. The case's
/// creation is audited as the app audits it.
async fn give_zhang_a_history(app: &TestApp) -> i64 {
    let zhang = app.resident_id("张君").await;
    app.db
        .write(move |c| {
            let (community, household, path): (i64, Option<i64>, String) = {
                let r = c.query_one(
                    "SELECT community_id, household_id, place_path FROM residents WHERE id = ?",
                    linli_store::params![zhang],
                )?;
                (r.int(0)?, r.opt_int(1)?, r.text(2)?)
            };
            let admin = c.count(
                "SELECT id FROM users WHERE username = 'admin'",
                linli_store::params![],
            )?;
            let at = "2026-11-01T08:00:00.000000Z";
            let case = c.insert(
                "INSERT INTO cases (community_id, household_id, resident_id, place_path, kinds, summary, needs, created_at, updated_at)
                 VALUES (?, ?, ?, ?, 'disabled', '张君独居，腿脚不便，张君之女在外地。', '张君需要每周送药', ?, ?) RETURNING id",
                linli_store::params![community, household, zhang, path.clone(), at, at],
            )?;
            c.execute(
                "INSERT INTO help_records (community_id, case_id, household_id, kind, given_on, amount_fen, items, note, participants, created_at)
                 VALUES (?, ?, ?, 'goods', '2026-11-02', 0, '米一袋', '给张君送米，张君表示感谢', '王网格', ?)",
                linli_store::params![community, case, household, at],
            )?;
            let application = c.insert(
                "INSERT INTO applications (community_id, resident_id, household_id, case_id, kind, accepted_on, authorisation_note, created_at)
                 VALUES (?, ?, ?, ?, 'dibao', '2026-11-03', '张君本人申请', ?) RETURNING id",
                linli_store::params![community, zhang, household, case, at],
            )?;
            c.execute(
                "INSERT INTO application_steps (community_id, application_id, code, name, due_on, note, sort_order)
                 VALUES (?, ?, 'survey', '入户调查', '2026-11-10', '已入户见到张君', 1)",
                linli_store::params![community, application],
            )?;
            c.execute(
                "INSERT INTO fund_disbursements (community_id, beneficiary_resident_id, case_id, amount_fen, purpose, note, status, requested_by, requested_at)
                 VALUES (?, ?, ?, 50000, 'medical', '张君住院', 'pending', ?, ?)",
                linli_store::params![community, zhang, case, admin, at],
            )?;
            let course = c.insert(
                "INSERT INTO courses (community_id, name, category, starts_on, ends_on, created_at)
                 VALUES (?, '智能手机课', 'elderly_university', '2026-11-01', '2026-12-01', ?) RETURNING id",
                linli_store::params![community, at],
            )?;
            c.execute(
                "INSERT INTO enrolments (community_id, course_id, resident_id, status, enrolled_on, created_at)
                 VALUES (?, ?, ?, 'enrolled', '2026-11-01', ?)",
                linli_store::params![community, course, zhang, at],
            )?;
            c.execute(
                "INSERT INTO neighbour_helpers (resident_id, community_id, helps_with, updated_at) VALUES (?, ?, '修自行车', ?)",
                linli_store::params![zhang, community, at],
            )?;
            // A neighbour (not him) whose offer names him.
            let neighbour = c.count(
                "SELECT id FROM residents WHERE community_id = ? AND id <> ? AND name <> '张君' ORDER BY id",
                linli_store::params![community, zhang],
            )?;
            c.execute(
                "INSERT INTO neighbour_helpers (resident_id, community_id, helps_with, updated_at) VALUES (?, ?, '帮张君取药', ?)",
                linli_store::params![neighbour, community, at],
            )?;
            c.execute(
                "INSERT INTO affairs (community_id, public_ref, category, description, place_path, channel, status, reported_on, respond_by, resolve_by, created_at, updated_at, reporter_resident_id)
                 VALUES (?, 'PIPL-1', 'lighting', '张君家门口路灯坏了', ?, 'phone', 'reported', '2026-11-04', '2026-11-05', '2026-11-10', ?, ?, ?)",
                linli_store::params![community, path, at, at, zhang],
            )?;
            // A report phoned in without a linked record, from his number.
            c.execute(
                "INSERT INTO affairs (community_id, public_ref, category, description, place_path, reporter_phone, channel, status, reported_on, respond_by, resolve_by, created_at, updated_at)
                 SELECT community_id, 'PIPL-2', 'lighting', '楼道灯不亮', place_path, phone, 'phone', 'reported', '2026-11-05', '2026-11-06', '2026-11-12', ?, ? FROM residents WHERE id = ?",
                linli_store::params![at, at, zhang],
            )?;
            linli_store::audit::append(
                c,
                &linli_store::audit::Event {
                    at: chrono::Utc::now(),
                    community_id: Some(community),
                    actor_user_id: Some(admin),
                    actor: "admin",
                    action: "case.create",
                    object_kind: "case",
                    object_id: Some(case.to_string()),
                    before: None,
                    after: None,
                    request_id: None,
                },
            )?;
            Ok::<_, linli_store::StoreError>(())
        })
        .await
        .unwrap();
    zhang
}

fn section<'a>(doc: &'a Value, code: &str) -> &'a Vec<Value> {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no section {code}"))["rows"]
        .as_array()
        .unwrap()
}

async fn every_resident_reference_in_the_schema_is_covered_or_exempt(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let unhandled = app.db.read(privacy::unhandled).await.unwrap();
    assert!(
        unhandled.is_empty(),
        "tables that refer to a resident but that neither the §45 copy nor the §47 erasure \
         covers (add them to linli_store::privacy::COVERED with a section, or to EXEMPT with \
         the law that keeps them): {unhandled:?}"
    );
    let all = app.db.read(privacy::references).await.unwrap();
    assert!(
        all.len() >= privacy::COVERED.len(),
        "the schema shows every covered reference: {all:?}"
    );

    // The probe: a table added with a resident reference is caught, under the naming rule and
    // (a foreign key under another name) by the foreign key.
    app.db
        .write(|c| {
            c.batch(
                "CREATE TABLE pipl_probe (id BIGINT PRIMARY KEY, resident_id BIGINT);
                 CREATE TABLE pipl_probe_fk (id BIGINT PRIMARY KEY, tenant BIGINT REFERENCES residents(id))",
            )
        })
        .await
        .unwrap();
    let unhandled = app.db.read(privacy::unhandled).await.unwrap();
    assert!(
        unhandled.contains(&("pipl_probe".to_string(), "resident_id".to_string())),
        "{unhandled:?}"
    );
    assert!(
        unhandled.contains(&("pipl_probe_fk".to_string(), "tenant".to_string())),
        "{unhandled:?}"
    );
}

async fn the_copy_holds_every_module_and_the_processing_history(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let zhang = give_zhang_a_history(&app).await;
    let token = app.token("admin").await;
    let doc = app.get_ok(&token, &format!("/api/v1/residents/{zhang}/personal-data")).await;
    assert_eq!(doc["name"], "张君");
    assert_eq!(section(&doc, "resident")[0]["id_number"].as_str().unwrap().len(), 18);
    assert!(section(&doc, "cases")[0]["summary"].as_str().unwrap().contains("腿脚不便"));
    assert_eq!(section(&doc, "help_records")[0]["items"], "米一袋");
    assert_eq!(section(&doc, "applications")[0]["kind"], "dibao");
    assert_eq!(section(&doc, "application_steps")[0]["name"], "入户调查");
    assert_eq!(section(&doc, "fund_payments")[0]["amount_fen"], 50000);
    assert_eq!(section(&doc, "enrolments")[0]["course"], "智能手机课");
    assert_eq!(section(&doc, "neighbour_card")[0]["helps_with"], "修自行车");
    assert_eq!(section(&doc, "reports")[0]["public_ref"], "PIPL-1");
    assert!(section(&doc, "tags").iter().any(|t| t["tag"] == "残疾"));
    let titles = texts_of(&doc["sections"], "title");
    assert!(titles.contains(&"帮扶档案") && titles.contains(&"睦邻卡"), "{titles:?}");
    let history = doc["processing_history"].as_array().unwrap();
    assert!(
        history.iter().any(|h| h["object_kind"] == "case" && h["object_label"] == "帮扶档案"),
        "the history holds what was done with his case: {history:?}"
    );
    assert!(app.audited("resident.subject_export").await);

    // The worker's printable page says the same, headed in Chinese.
    let mut b = app.signed_in("admin").await;
    let html = b.get_ok(&format!("/residents/{zhang}/personal-data")).await;
    for words in [
        "帮扶档案",
        "政策申请（低保等）",
        "爱心基金支出",
        "课程报名",
        "睦邻卡",
        "处理记录",
        "智能手机课",
        "金额（元）",
        "500.00",
    ] {
        assert!(html.contains(words), "the page shows {words}");
    }
    // A second export lists the first in its history.
    let (_, doc) = app.api_get(&token, &format!("/api/v1/residents/{zhang}/personal-data")).await;
    assert!(
        doc["processing_history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "resident.subject_export")
    );
}

async fn after_anonymisation_his_name_is_nowhere(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let zhang = give_zhang_a_history(&app).await;
    let phone = app.text("SELECT phone FROM residents WHERE name = '张君'").await;
    admin_erases_zhang(&app, zhang).await;

    // Every free-text column and every covered table: the name is gone.
    let hits = app
        .db
        .read(move |c| {
            let mut hits = Vec::new();
            for (table, _, col) in privacy::FREE_TEXT {
                let n = c.count(
                    &format!("SELECT COUNT(*) FROM {table} WHERE {col} LIKE '%张君%'"),
                    linli_store::params![],
                )?;
                if n > 0 {
                    hits.push(format!("{table}.{col}"));
                }
            }
            for (table, col, what) in [
                ("residents", "name", "name"),
                ("volunteers", "name", "name"),
                ("course_signups", "name", "name"),
                ("party_members", "name", "name"),
                ("users", "display_name", "name"),
            ] {
                let n = c.count(
                    &format!("SELECT COUNT(*) FROM {table} WHERE {col} LIKE '%张君%'"),
                    linli_store::params![],
                )?;
                if n > 0 {
                    hits.push(format!("{table}.{col} ({what})"));
                }
            }
            Ok::<_, linli_store::StoreError>(hits)
        })
        .await
        .unwrap();
    assert!(hits.is_empty(), "张君 is still in {hits:?}");
    assert_eq!(
        app.text("SELECT summary FROM cases WHERE summary LIKE '%腿脚不便%'").await,
        "张某独居，腿脚不便，张某之女在外地。",
        "the narrative still reads, without him"
    );
    assert_eq!(
        app.text("SELECT helps_with FROM neighbour_helpers WHERE helps_with LIKE '%取药%'").await,
        "帮张某取药",
        "a neighbour's offer on the card no longer names him"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM neighbour_helpers WHERE helps_with = '修自行车'").await,
        0,
        "his own offer is off the card"
    );
    let leaked = app.number("SELECT (SELECT COUNT(*) FROM residents WHERE phone = ?) + (SELECT COUNT(*) FROM affairs WHERE reporter_phone = ?)", linli_store::params![phone.clone(), phone]).await;
    assert_eq!(leaked, 0, "his phone is gone, from a report phoned in too");
    // The records stay for the ledgers: his case, payment and enrolment are still counted.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fund_disbursements WHERE note = '张某住院'").await,
        1
    );

    // The audit record says what was done, by the law, in counts only.
    let after = app
        .text(
            "SELECT after_json FROM audit_log WHERE action = 'resident.anonymize' ORDER BY id DESC",
        )
        .await;
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["status"], "anonymized");
    assert_eq!(after["reason"], "PIPL §47");
    assert_eq!(after["erased"]["residents"], 1, "{after}");
    assert_eq!(after["erased"]["neighbour_helpers"], 1, "his offer: {after}");
    assert_eq!(after["redacted"]["cases"], 1, "one case, two columns: {after}");
    assert_eq!(after["redacted"]["neighbour_helpers"], 1, "a neighbour's offer: {after}");
    assert!(!after.to_string().contains("张君"));
}

async fn a_worker_of_another_community_cannot_export_him(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let zhang = give_zhang_a_history(&app).await;
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let (status, body) =
        app.api_get(&other, &format!("/api/v1/residents/{zhang}/personal-data")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("张君"));
    let mut page = app.signed_in("dongfeng").await;
    let (status, html) = page.get_text(&format!("/residents/{zhang}/personal-data")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("张君"));
    // A building head may not reveal: no copy for her either.
    let head = app.token("louzhang").await;
    let (status, _) = app.api_get(&head, &format!("/api/v1/residents/{zhang}/personal-data")).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status}");
}

/// The fund's ledger is exempt (its donor and receipt are sealed and kept by the law on
/// accounts): erasure leaves the gift and the ledger intact, but the public disclosure no longer
/// names him even though he had agreed to it (stored, not processed: PIPL §47 ¶2).
async fn an_erased_donor_keeps_his_sealed_gift_but_is_no_longer_named(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let zhang = app.resident_id("张君").await;
    let admin = app.token("admin").await;
    app.created(&admin, "/api/v1/fund/decisions", json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 150, "attendance": 86, "resolution": "成立爱心基金"})).await;
    app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "resident", "donor_resident_id": zhang, "amount_fen": 20000, "method": "cash", "received_on": "2026-11-20", "publish_name": true})).await;
    let (_, doc) = app.api_get(&admin, &format!("/api/v1/residents/{zhang}/personal-data")).await;
    assert_eq!(section(&doc, "donations")[0]["amount_fen"], 20000);
    let disclosure = |app: &TestApp| {
        let url = format!("{}/api/v1/fund/disclosure?month=2026-11", app.base);
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    assert!(disclosure(&app).await.contains("张君"), "named with consent");

    admin_erases_zhang(&app, zhang).await;

    let text = disclosure(&app).await;
    assert!(!text.contains("张君") && text.contains("爱心人士"), "{text}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM fund_donations WHERE donor_name = '张君' AND amount_fen = 20000"
        )
        .await,
        1,
        "the sealed gift is kept as recorded"
    );
    let db = app.db.clone();
    let verified =
        tokio::task::spawn_blocking(move || linli_store::fund::verify(&db).unwrap()).await.unwrap();
    assert!(verified.broken.is_none(), "the ledger still verifies");
}

/// The administrator erases 张君 (the resident `zhang`) on his page, confirming with his name.
async fn admin_erases_zhang(app: &TestApp, zhang: i64) {
    let (mut b, csrf) = app.signed_in_with_csrf("admin").await;
    b.post_form_redirected(
        &format!("/residents/{zhang}/anonymize"),
        &[("_csrf", &csrf), ("confirm", "张君")],
    )
    .await;
}
