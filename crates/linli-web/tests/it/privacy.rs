//! Masks that cannot be undone (issue 13, item 2): what is shown beside a masked ID number (the
//! birth date) does not restore it, and a search by digits cannot grow a phone or ID number one
//! digit at a time for a caller who may not reveal it.

use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_token, spawn_app, spawn_demo_app};
use reqwest::StatusCode;
use serde_json::Value;

both_engines!(
    the_id_mask_and_the_birth_date_beside_it_do_not_restore_the_number,
    a_building_head_cannot_grow_a_number_digit_by_digit,
    sensitive_tags_and_notes_only_for_those_who_work_hardship_cases,
    a_building_head_sees_that_help_was_given_not_what,
    each_role_sees_only_the_personal_fields_its_work_needs,
);

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

async fn the_id_mask_and_the_birth_date_beside_it_do_not_restore_the_number(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    for user in ["admin", "wangge1", "louzhang"] {
        let token = app.token(user).await;
        let body = app.get_ok(&token, "/api/v1/residents").await;
        let items = body["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{user} sees residents");
        for r in items {
            let Some(masked) = r["id_number"].as_str() else {
                continue;
            };
            assert!(
                digits(masked).len() <= 4,
                "{user}: {masked} shows more than the last four digits beside birth date {}",
                r["birth_date"]
            );
        }
    }
    let mut b = app.signed_in("admin").await;
    let (_, html) = b.get_text("/residents").await;
    let region: String = app.text("SELECT id_number FROM residents WHERE name = '夏胜林'").await;
    assert!(
        !html.contains(&format!("{}*", &region[..6])),
        "the roster shows no region code before the stars"
    );
}

/// The numbers a building head finds with a query.
async fn found(app: &crate::support::TestApp, token: &str, q: &str) -> Vec<Value> {
    let body = app.get_ok(token, &format!("/api/v1/residents?q={q}")).await;
    body["items"].as_array().unwrap().clone()
}

async fn a_building_head_cannot_grow_a_number_digit_by_digit(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "louzhang").await else {
        return;
    };
    let (_, body) = app.api_get(&token, "/api/v1/residents").await;
    let phone: String = app.text("SELECT phone FROM residents WHERE name = '夏胜林'").await;
    assert!(
        body["items"].as_array().unwrap().iter().any(|r| r["name"] == "夏胜林"),
        "夏胜林 lives in the building head's building"
    );
    let last4 = &phone[phone.len() - 4..];
    let with_last4 = found(&app, &token, last4).await.len();
    assert!(with_last4 >= 1, "the last four digits find him");
    // One more digit in front, right or wrong, finds exactly the same: nothing is learnt.
    for d in 0..10 {
        let q = format!("{d}{last4}");
        assert_eq!(
            found(&app, &token, &q).await.len(),
            with_last4,
            "{q}: a fifth digit must not narrow the search"
        );
    }
    assert!(found(&app, &token, &last4[1..]).await.is_empty(), "three digits find no one");
    // The administrator, who may reveal, searches by longer suffixes.
    let admin = app.token("admin").await;
    let right = &phone[phone.len() - 6..];
    assert!(!found(&app, &admin, right).await.is_empty());
}

/// 夏胜林 (3号楼, the building head's) gets the sensitive 残疾 tag and a health note.
async fn mark_xia_disabled(app: &TestApp) -> i64 {
    let xia = app.resident_id("夏胜林").await;
    app.db
        .write(move |c| {
            c.execute(
                "UPDATE residents SET notes = '本人患眩晕症' WHERE id = ?",
                linli_store::params![xia],
            )?;
            c.execute(
                "INSERT INTO resident_tags (community_id, resident_id, tag_id, created_at)
                 SELECT r.community_id, r.id, k.id, '2026-11-01T00:00:00Z'
                 FROM residents r JOIN tag_kinds k ON k.community_id = r.community_id AND k.name = '残疾'
                 WHERE r.id = ?",
                linli_store::params![xia],
            )
        })
        .await
        .unwrap();
    xia
}

/// Issue 13, item 3: building heads and the fund keeper listed and filtered residents by 低保,
/// 残疾 and 独居 and read health notes. Sensitive tags and notes are for those who work
/// hardship cases (administrators, grid workers).
async fn sensitive_tags_and_notes_only_for_those_who_work_hardship_cases(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let xia = mark_xia_disabled(&app).await;
    let disabled_tag =
        app.count("SELECT id FROM tag_kinds WHERE name = '残疾' AND sensitive = 1").await;
    assert!(disabled_tag > 0, "残疾 is a sensitive tag kind");
    for (user, sees) in [("admin", true), ("wangge1", true), ("louzhang", false), ("jijin", false)]
    {
        let token = app.token(user).await;
        let (_, kinds) = app.api_get(&token, "/api/v1/tags").await;
        let kind_names: Vec<&str> =
            kinds["items"].as_array().unwrap().iter().filter_map(|k| k["name"].as_str()).collect();
        assert_eq!(kind_names.contains(&"残疾"), sees, "{user}: tag kinds {kind_names:?}");
        let (status, r) = app.api_get(&token, &format!("/api/v1/residents/{xia}")).await;
        if status != StatusCode::OK {
            assert!(!sees, "{user} sees 夏胜林");
            continue;
        }
        let text = r.to_string();
        assert_eq!(text.contains("残疾"), sees, "{user}: {text}");
        assert_eq!(text.contains("眩晕"), sees, "{user}: the health note");
        let (_, list) = app.api_get(&token, &format!("/api/v1/residents?tag={disabled_tag}")).await;
        let listed = list.to_string();
        assert_eq!(listed.contains("残疾"), sees, "{user}: list {listed}");
        if !sees {
            let (_, all) = app.api_get(&token, "/api/v1/residents").await;
            assert_eq!(
                list["total"], all["total"],
                "{user}: filtering by a sensitive tag narrows nothing"
            );
        }
    }
}

/// Issue 13, item 3: a building head's view of a case showed the help timeline with amounts.
async fn a_building_head_sees_that_help_was_given_not_what(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let case = crate::assistance::open_case(&app, &worker, "夏胜林", false).await;
    app.created(&worker, "/api/v1/help-records", serde_json::json!({"case_id": case, "kind": "cash", "on": "2026-11-20", "amount_fen": 123_456, "source": "爱心基金"})).await;
    let head = app.token("louzhang").await;
    let file = app.get_ok(&head, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(file["help"].as_array().unwrap().len(), 1, "that help was given");
    assert!(file["help"][0]["amount_fen"].is_null(), "not how much: {file}");
    assert!(!file.to_string().contains("爱心基金"));
    let (_, file) = app.api_get(&worker, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(file["help"][0]["amount_fen"], 123_456, "the worker sees it all");
}

/// Runs of digits (and an ID's X) of eleven or more: a whole phone number or ID number.
fn whole_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == 'X' && !run.is_empty()) {
            run.push(c);
        } else {
            if run.len() >= 11 {
                out.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    out
}

/// Issue 13: the personal fields each role may see, derived from the policy table and the
/// registry's own list of sensitive tag kinds, checked against the roster list, a record, a
/// search and the export over the whole demo, for the six demo roles: no whole ID number or
/// phone anywhere without a reveal, ID numbers to their last four only (the birth date beside
/// them restores nothing), sensitive tags only for those who work hardship cases, and no roster
/// at all for a liaison or a resident.
async fn each_role_sees_only_the_personal_fields_its_work_needs(engine: Engine) {
    use linli_core::{Action, Role, authz::role_permits};
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    let sensitive = app.texts("SELECT DISTINCT name FROM tag_kinds WHERE sensitive = 1").await;
    assert!(sensitive.iter().any(|s| s == "低保"), "{sensitive:?}");
    for (user, role) in [
        ("admin", Role::Admin),
        ("wangge1", Role::Worker),
        ("louzhang", Role::BuildingHead),
        ("jijin", Role::Finance),
        ("gongjian", Role::Partner),
        ("jumin", Role::Resident),
    ] {
        let roster = role_permits(role, Action::ViewResidents);
        let hardship = role_permits(role, Action::ManageCases);
        let exports = role_permits(role, Action::ExportResidents);
        let token = app.token(user).await;
        let (status, list) = app.api_get(&token, "/api/v1/residents").await;
        if !roster {
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{user}: {status}"
            );
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{user}");
        let items = list["items"].as_array().unwrap().clone();
        assert!(!items.is_empty(), "{user} sees someone");
        let first = items[0]["id"].as_i64().unwrap();
        let name = items[0]["name"].as_str().unwrap().to_string();
        let (_, record) = app.api_get(&token, &format!("/api/v1/residents/{first}")).await;
        let (_, found) = app.api_get(&token, &format!("/api/v1/residents?q={}", &name)).await;
        let (_, tagged) = app.api_get(&token, "/api/v1/residents?q=%E4%BD%8E%E4%BF%9D").await;
        let mut bodies = vec![
            ("list", list.to_string()),
            ("record", record.to_string()),
            ("search", found.to_string()),
            ("tag search", tagged.to_string()),
        ];
        for r in items.iter().chain(std::iter::once(&record)) {
            if let Some(id) = r["id_number"].as_str() {
                assert!(
                    id.chars().rev().skip(4).all(|c| c == '*'),
                    "{user}: an ID number shows its last four only: {id}"
                );
            }
            if let Some(phone) = r["phone"].as_str() {
                assert!(phone.contains('*'), "{user}: a phone is masked: {phone}");
            }
        }
        let mut page = app.signed_in(user).await;
        let export = page.get("/residents/export.csv").await;
        if exports {
            assert_eq!(export.status(), StatusCode::OK, "{user} exports");
            bodies.push(("export", export.text().await.unwrap()));
        } else {
            assert_ne!(export.status(), StatusCode::OK, "{user} may not export");
        }
        for (what, body) in &bodies {
            assert_eq!(
                whole_numbers(body),
                Vec::<String>::new(),
                "{user}'s {what}: a whole number"
            );
            if !hardship {
                for tag in &sensitive {
                    assert!(!body.contains(tag.as_str()), "{user}'s {what} shows {tag}");
                }
            }
        }
        if hardship {
            assert!(
                sensitive.iter().any(|t| list.to_string().contains(t.as_str())
                    || tagged.to_string().contains(t.as_str())),
                "{user} works hardship cases and sees their tags"
            );
        }
    }
}
