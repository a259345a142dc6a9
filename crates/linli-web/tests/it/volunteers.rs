//! Volunteers and 双报到 (issue 16): service records to the standard of 民政部令第67号 — hours
//! are the sum of what was credited, a paid activity credits nothing, a late recording says
//! so, a certificate verifies exactly as issued, a correction changes the record only when
//! the organiser accepts it — and a liaison sees only its own unit's people.

use crate::both_engines;
use crate::support::{Engine, PASSWORD, TestApp, app_and_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    a_volunteers_hours_are_the_sum_of_credited_services,
    consent_is_required_and_a_minor_needs_the_guardians,
    a_recording_after_ten_working_days_is_marked_late,
    check_in_and_check_out_credit_the_hours_served_and_edits_need_a_reason,
    a_certificate_verifies_exactly_what_was_issued,
    a_correction_changes_the_record_only_when_the_organiser_accepts,
    a_liaison_sees_only_its_own_units_people,
    party_members_are_counted_per_quarter_against_the_expectation,
    the_volunteer_pages_open_for_staff_and_on_a_phone,
);

/// A new volunteer's id, registered with `body`.
async fn new_volunteer(app: &TestApp, token: &str, body: Value) -> i64 {
    app.created_id(token, "/api/v1/volunteers", body).await
}

async fn activity(app: &TestApp, token: &str, name: &str, on: &str, extra: Value) -> i64 {
    let mut body = json!({"name": name, "on": on, "place": "3号楼至8号楼巷路", "content": "清理冰雪", "paid": false});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    app.created_id(token, "/api/v1/volunteer-activities", body).await
}

async fn record(
    app: &TestApp,
    token: &str,
    activity: i64,
    volunteer: i64,
    hours: f64,
) -> (StatusCode, Value) {
    app.api_post(
        token,
        "/api/v1/volunteer-services",
        json!({"activity_id": activity, "volunteer_id": volunteer, "hours": hours}),
    )
    .await
}

async fn volunteer(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_ok(token, &format!("/api/v1/volunteers/{id}")).await
}

async fn indicators(app: &TestApp, token: &str) -> Value {
    let (status, v) = app.indicators(token, "2026-01-01", "2026-12-31").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["indicators"].clone()
}

async fn a_volunteers_hours_are_the_sum_of_credited_services(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let school = app.new_partner(&admin, "第一中学", "school").await;
    let student = new_volunteer(&app, &admin, json!({"name": "黄宇轩", "partner_id": school, "consent": true, "minor": true, "guardian_consent": true, "organisation": "初二(3)班"})).await;
    let resident = app.resident_id("米丽芳").await;
    let neighbour =
        new_volunteer(&app, &admin, json!({"resident_id": resident, "consent": true})).await;
    let snow =
        activity(&app, &admin, "寒假清理冰雪", "2026-11-20", json!({"partner_id": school})).await;
    let corridor = activity(&app, &admin, "布置文明楼道", "2026-11-25", json!({})).await;
    let paid = activity(&app, &admin, "防汛值班", "2026-11-24", json!({"paid": true})).await;
    let (status, v) = record(&app, &admin, snow, student, 3.5).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (status, _) = record(&app, &admin, corridor, student, 2.0).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = record(&app, &admin, snow, neighbour, 4.0).await;
    assert_eq!(status, StatusCode::CREATED);
    // A paid activity or duty credits nothing (§19), and says why.
    let (status, v) = record(&app, &admin, paid, neighbour, 8.0).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "paid_not_volunteer");
    // Credited once: a second recording is refused (changes go through an edit with a reason).
    let (status, v) = record(&app, &admin, snow, student, 5.0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "service_recorded");
    // Nothing is credited for an activity not yet held, nor more than a day.
    let later = activity(&app, &admin, "元旦清雪", "2026-12-31", json!({})).await;
    let (status, v) = record(&app, &admin, later, student, 2.0).await;
    assert_eq!(v["error"]["code"], "activity_not_held", "{status} {v}");
    let (status, v) = record(&app, &admin, corridor, neighbour, 30.0).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "volunteer_hours_bad");

    let v = volunteer(&app, &admin, student).await;
    assert_eq!(v["name"], "黄宇轩");
    assert_eq!(v["hours_total"], 5.5);
    let hours: f64 =
        v["services"].as_array().unwrap().iter().filter_map(|s| s["hours"].as_f64()).sum();
    assert_eq!(hours, 5.5, "the total is the sum of the services: {v}");
    // The figures agree: the indicator, and the school's partner activity.
    let ind = indicators(&app, &admin).await;
    assert_eq!(ind["groups.volunteer_hours"], 9.5);
    assert_eq!(ind["groups.volunteers"], 2);
    assert_eq!(ind["groups.service_times"], 3);
    let (participants, tenths) = app
        .db
        .read(move |c| {
            let r = c.query_one(
                "SELECT participants, hours_tenths FROM partner_activities WHERE partner_id = ?",
                linli_store::params![school],
            )?;
            Ok::<_, linli_store::StoreError>((r.int(0)?, r.int(1)?))
        })
        .await
        .unwrap();
    assert_eq!((participants, tenths), (2, 75), "the school's activity counts its volunteers");
    assert!(app.audited("volunteer.service").await);
}

async fn consent_is_required_and_a_minor_needs_the_guardians(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    app.post_refused(
        &admin,
        "/api/v1/volunteers",
        json!({"name": "胡雨桐"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent_required",
    )
    .await;
    // An ID number that shows a minor: the guardian consents too.
    let minor_id = linli_core::id_number::IdNumber::generate(
        "230103",
        chrono::NaiveDate::from_ymd_opt(2012, 5, 1).unwrap(),
        12,
        linli_core::id_number::Gender::Female,
    )
    .unwrap();
    app.post_refused(
        &admin,
        "/api/v1/volunteers",
        json!({"name": "胡雨桐", "id_number": minor_id.as_str(), "consent": true}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "guardian_consent_required",
    )
    .await;
    let id = new_volunteer(&app, &admin, json!({"name": "胡雨桐", "id_number": minor_id.as_str(), "phone": "13945351234", "consent": true, "guardian_consent": true})).await;
    let v = volunteer(&app, &admin, id).await;
    assert_eq!(v["minor"], true);
    // Masked like the registry.
    let idn = v["id_number"].as_str().unwrap();
    assert!(idn.contains('*') && !idn.contains(&minor_id.as_str()[6..14]), "{idn}");
    assert_eq!(v["phone"], "139****1234");
    // A phone correction shows masked, before and after.
    app.created_id(
        &admin,
        &format!("/api/v1/volunteers/{id}/corrections"),
        json!({"field": "phone", "value": "13800005678"}),
    )
    .await;
    let v = volunteer(&app, &admin, id).await;
    assert_eq!(v["corrections"][0]["value_before"], "139****1234");
    assert_eq!(v["corrections"][0]["value_asked"], "138****5678");
    // A resident is registered once.
    let resident = app.resident_id("米丽芳").await;
    new_volunteer(&app, &admin, json!({"resident_id": resident, "consent": true})).await;
    app.post_refused(
        &admin,
        "/api/v1/volunteers",
        json!({"resident_id": resident, "consent": true}),
        StatusCode::CONFLICT,
        "volunteer_exists",
    )
    .await;
}

async fn a_recording_after_ten_working_days_is_marked_late(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let v = new_volunteer(&app, &admin, json!({"name": "梁思远", "consent": true})).await;
    // The test clock reads 2026-11-27. An activity of 11-13 is due on 11-27 (on time); one of
    // 11-12 was due on 11-26: late, and the reason stays with the entry.
    let on_time = activity(&app, &admin, "入户宣传", "2026-11-13", json!({})).await;
    let late = activity(&app, &admin, "楼道清扫", "2026-11-12", json!({})).await;
    record(&app, &admin, on_time, v, 2.0).await;
    app.created(&admin,
        "/api/v1/volunteer-services",
        json!({"activity_id": late, "volunteer_id": v, "hours": 2.0, "late_reason": "负责人出差，回来补录"})).await;
    let rec = volunteer(&app, &admin, v).await;
    let services = rec["services"].as_array().unwrap();
    let of = |name: &str| services.iter().find(|s| s["activity"] == name).unwrap().clone();
    assert_eq!(of("入户宣传")["late"], false);
    assert_eq!(of("楼道清扫")["late"], true);
    assert_eq!(of("楼道清扫")["late_reason"], "负责人出差，回来补录");
    assert_eq!(rec["hours_total"], 4.0, "a late entry still counts");
}

async fn check_in_and_check_out_credit_the_hours_served_and_edits_need_a_reason(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let v = new_volunteer(&app, &admin, json!({"name": "罗娜", "consent": true})).await;
    // The night shift of a snowfall: in at 22:00, out at 01:30 the next morning.
    let night = activity(&app, &admin, "夜间清雪", "2026-11-25", json!({})).await;
    let s = app
        .created(
            &admin,
            &format!("/api/v1/volunteer-activities/{night}/sign-up"),
            json!({"volunteer_id": v}),
        )
        .await;
    let sid = s["id"].as_i64().unwrap();
    let check = |which: &str, at: &str| json!({"which": which, "at": at});
    let (status, out) = app
        .api_post(&admin, &format!("/api/v1/volunteer-services/{sid}/check"), check("out", "23:00"))
        .await;
    assert_eq!(out["error"]["code"], "check_in_missing", "{status} {out}");
    app.post_ok(&admin, &format!("/api/v1/volunteer-services/{sid}/check"), check("in", "22:00"))
        .await;
    let out = app
        .post_ok(&admin, &format!("/api/v1/volunteer-services/{sid}/check"), check("out", "01:30"))
        .await;
    assert_eq!(out["hours_tenths"], 35);
    assert_eq!(out["check_out"], "2026-11-26 01:30");
    // Changing credited hours needs a reason, which is kept.
    let path = format!("/api/v1/volunteer-services/{sid}/hours");
    app.post_refused(
        &admin,
        &path,
        json!({"hours": 3.0}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "volunteer_edit_reason_missing",
    )
    .await;
    app.post_ok(&admin, &path, json!({"hours": 3.0, "reason": "中途休息半小时"})).await;
    let rec = volunteer(&app, &admin, v).await;
    assert_eq!(rec["hours_total"], 3.0);
    assert_eq!(rec["edits"][0]["hours_before"], 35);
    assert_eq!(rec["edits"][0]["hours_after"], 30);
    assert_eq!(rec["edits"][0]["reason"], "中途休息半小时");

    // The same on the activity's page, as a worker does it on her phone.
    let day = activity(&app, &admin, "布置楼道", "2026-11-27", json!({})).await;
    let (mut page, csrf) = app.signed_in_with_csrf("wangge1").await;
    page.post_form_redirected(
        &format!("/volunteers/activities/{day}/sign-up"),
        &[("_csrf", &csrf), ("volunteer_id", &v.to_string())],
    )
    .await;
    let sid: i64 = app
        .number(
            "SELECT id FROM volunteer_services WHERE activity_id = ?",
            linli_store::params![day],
        )
        .await;
    page.post_form(
        &format!("/volunteers/services/{sid}/check-in"),
        &[("_csrf", &csrf), ("at", "08:00")],
    )
    .await;
    page.post_form(
        &format!("/volunteers/services/{sid}/check-out"),
        &[("_csrf", &csrf), ("at", "10:30")],
    )
    .await;
    let (_, html) = page.get_text(&format!("/volunteers/activities/{day}")).await;
    assert!(html.contains("08:00") && html.contains("10:30"), "{html}");
    assert!(html.contains("<strong class=\"service-hours\">2.5</strong>"), "{html}");
}

async fn a_certificate_verifies_exactly_what_was_issued(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let v = new_volunteer(
        &app,
        &admin,
        json!({"name": "黄宇轩", "consent": true, "organisation": "第一中学初二(3)班"}),
    )
    .await;
    let a = activity(&app, &admin, "寒假清理冰雪", "2026-01-09", json!({})).await;
    let b = activity(&app, &admin, "暑期布置文明楼道", "2026-07-15", json!({})).await;
    record(&app, &admin, a, v, 4.0).await;
    record(&app, &admin, b, v, 3.0).await;
    let k = app
        .created(
            &admin,
            "/api/v1/volunteer-certificates",
            json!({"volunteer_id": v, "from": "2026-01-01", "to": "2026-11-27"}),
        )
        .await;
    assert_eq!(k["hours"], 7.0);
    let code = k["code"].as_str().unwrap().to_string();
    // More service afterwards does not change what was issued.
    let c = activity(&app, &admin, "清扫楼道", "2026-11-20", json!({})).await;
    record(&app, &admin, c, v, 2.0).await;
    let mut public = app.browser();
    let html = public.get_ok(&format!("/public/verify/{code}")).await;
    assert!(html.contains("黄宇轩") && html.contains("累计服务时长7小时"), "{html}");
    assert!(html.contains("寒假清理冰雪") && html.contains("暑期布置文明楼道"));
    assert!(!html.contains("清扫楼道"), "only what the certificate states");
    assert!(!html.contains("第一中学"), "nothing beyond the certificate");
    // Typed with dashes and in lower case, it is the same code.
    let printed = linli_core::volunteers::code_printed(&code).to_lowercase();
    let (status, _) = public.get_text(&format!("/public/verify?code={printed}")).await;
    assert_eq!(status, StatusCode::OK);
    // A forged code, and a malformed one, show nothing.
    let forged = if code.starts_with('A') { "B" } else { "A" }.to_string() + &code[1..];
    for bad in [forged.as_str(), "0000", "<script>"] {
        let (status, html) = public.get_text(&format!("/public/verify/{}", urlencode(bad))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        assert!(!html.contains("黄宇轩") && html.contains("查无此证明"), "{bad}");
    }
    // Nothing in the period: no certificate.
    app.post_refused(
        &admin,
        "/api/v1/volunteer-certificates",
        json!({"volunteer_id": v, "from": "2025-01-01", "to": "2025-12-31"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "certificate_no_service",
    )
    .await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(
            |b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            },
        )
        .collect()
}

async fn a_correction_changes_the_record_only_when_the_organiser_accepts(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    // 陈玉兰 (the resident account jumin) volunteers.
    let her = app.resident_id("陈玉兰").await;
    let v =
        new_volunteer(&app, &admin, json!({"resident_id": her, "consent": true, "skills": "读报"}))
            .await;
    let jumin = app.token("jumin").await;
    let mine = app.get_ok(&jumin, "/api/v1/me/volunteer").await;
    assert_eq!(mine["id"], v);
    let path = format!("/api/v1/volunteers/{v}/corrections");
    // Her name and phone are the registry's: corrected there, not here.
    app.post_refused(
        &jumin,
        &path,
        json!({"field": "phone", "value": "13900001111"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "volunteer_field_registry",
    )
    .await;
    let id = app
        .created_id(
            &jumin,
            &path,
            json!({"field": "skills", "value": "读报、剪纸", "reason": "还会剪纸"}),
        )
        .await;
    // Another resident cannot ask for her.
    let other = app.token("wangge1").await;
    let (status, _) = app.api_post(&other, &path, json!({"field": "skills", "value": "x"})).await;
    assert!(
        status == StatusCode::CREATED || status == StatusCode::FORBIDDEN,
        "a worker files for her by phone"
    );
    // Not changed before the organiser accepts.
    assert_eq!(app.text("SELECT skills FROM volunteers").await, "读报");
    let decide = format!("/api/v1/volunteer-corrections/{id}/decide");
    let (status, _) = app.api_post(&jumin, &decide, json!({"decision": "accept"})).await;
    assert!(status.is_client_error(), "she cannot accept her own request: {status}");
    let (status, e) = app.api_post(&admin, &decide, json!({"decision": "reject"})).await;
    assert_eq!(e["error"]["code"], "volunteer_correction_reason_missing", "{status}");
    let k = app.post_ok(&admin, &decide, json!({"decision": "accept"})).await;
    assert_eq!(k["status"], "accepted");
    assert_eq!(app.text("SELECT skills FROM volunteers").await, "读报、剪纸");
    let (status, _) = app.api_post(&admin, &decide, json!({"decision": "accept"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    // The history keeps what it was and what it became.
    let (_, mine) = app.api_get(&jumin, "/api/v1/me/volunteer").await;
    let k = mine["corrections"].as_array().unwrap().iter().find(|k| k["id"] == id).unwrap().clone();
    assert_eq!(k["value_before"], "读报");
    assert_eq!(k["value_asked"], "读报、剪纸");
    // She signs herself up for what is still to come, and for nobody else.
    let coming = activity(&app, &admin, "元旦前清扫楼道", "2026-12-20", json!({})).await;
    let past = activity(&app, &admin, "入户宣传", "2026-11-20", json!({})).await;
    let other = new_volunteer(&app, &admin, json!({"name": "罗娜", "consent": true})).await;
    let sign = |a: i64, v: i64| {
        let (app, token) = (&app, jumin.clone());
        async move {
            app.api_post(
                &token,
                &format!("/api/v1/volunteer-activities/{a}/sign-up"),
                json!({"volunteer_id": v}),
            )
            .await
        }
    };
    let (status, s) = sign(coming, v).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let (_, e) = sign(past, v).await;
    assert_eq!(e["error"]["code"], "activity_not_open");
    let (status, _) = sign(coming, other).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody else");
    // Her home shows her record, what she may sign up for, and the form.
    let mut page = app.signed_in("jumin").await;
    let (_, home) = page.get_text("/").await;
    assert!(home.contains("id=\"my-volunteering\""), "{home}");
    assert!(home.contains("元旦前清扫楼道") && home.contains("已报名"), "{home}");
}

async fn a_liaison_sees_only_its_own_units_people(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let school = app.new_partner(&admin, "第一中学", "school").await;
    let power = app.new_partner(&admin, "东安区供电局", "school").await;
    let community = app.place_id("community", "Xx社区").await;
    app.created(&admin, "/api/v1/users", json!({"username": "xuexiao", "password": PASSWORD, "role": "partner", "scope_place_id": community, "partner_id": school, "display_name": "第一中学联络员"})).await;
    let liaison = app.token("xuexiao").await;
    let student = new_volunteer(
        &app,
        &admin,
        json!({"name": "黄宇轩", "partner_id": school, "consent": true}),
    )
    .await;
    let worker = new_volunteer(
        &app,
        &admin,
        json!({"name": "郭国庆", "partner_id": power, "consent": true}),
    )
    .await;
    app.created_id(
        &admin,
        "/api/v1/party-members",
        json!({"name": "许秀英", "partner_id": school, "branch": "第一中学党总支"}),
    )
    .await;
    app.created_id(
        &admin,
        "/api/v1/party-members",
        json!({"name": "张立新", "partner_id": power, "branch": "供电局营销党支部"}),
    )
    .await;
    let snow = activity(&app, &admin, "清雪", "2026-11-20", json!({})).await;
    record(&app, &admin, snow, student, 2.0).await;
    record(&app, &admin, snow, worker, 2.0).await;

    let list = app.get_ok(&liaison, "/api/v1/volunteers").await;
    let names: Vec<&str> =
        list["items"].as_array().unwrap().iter().filter_map(|v| v["name"].as_str()).collect();
    assert!(names.contains(&"黄宇轩") && !names.contains(&"郭国庆"), "{names:?}");
    let (status, _) = app.api_get(&liaison, &format!("/api/v1/volunteers/{worker}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let v = app.get_ok(&liaison, &format!("/api/v1/volunteers/{student}")).await;
    assert_eq!(v["hours_total"], 2.0);
    let sheet = party_sheet_q4(&app, &liaison).await;
    let names: Vec<&str> = sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["member"]["name"].as_str())
        .collect();
    assert_eq!(names, ["许秀英"]);
    // Asking for the other unit's sheet by id does not widen it.
    let (_, sheet) =
        app.api_get(&liaison, &format!("/api/v1/party-members?partner_id={power}")).await;
    assert!(sheet["rows"].as_array().unwrap().iter().all(|r| r["member"]["name"] != "张立新"));
    // The activity's page shows only the unit's own volunteers.
    let mut page = app.signed_in("xuexiao").await;
    let (status, html) = page.get_text(&format!("/volunteers/activities/{snow}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a community activity is not the unit's");
    assert!(!html.contains("郭国庆"));
    // The groups are residents': nothing of them for a liaison.
    let g = app
        .created_id(&admin, "/api/v1/groups", json!({"name": "夕阳红文学社", "kind": "literary"}))
        .await;
    let (_, groups) = app.api_get(&liaison, "/api/v1/groups").await;
    assert_eq!(groups["total"], 0, "{groups}");
    let (status, _) = page.get_text(&format!("/volunteers/groups/{g}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor a 社团 tab that opens onto an empty list; the worker has hers.
    let (_, roster) = page.get_text("/volunteers").await;
    assert!(!roster.contains("href=\"/volunteers/groups\""), "{roster}");
    let mut worker = app.signed_in("admin").await;
    let (_, roster) = worker.get_text("/volunteers").await;
    assert!(roster.contains("href=\"/volunteers/groups\""));
    // A liaison keeps no records.
    let (status, _) =
        app.api_post(&liaison, "/api/v1/volunteers", json!({"name": "x", "consent": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn party_members_are_counted_per_quarter_against_the_expectation(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let power = app.new_partner(&admin, "东安区供电局", "school").await;
    app.post_refused(
        &admin,
        "/api/v1/party-members",
        json!({"name": "张立新", "partner_id": power}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "branch_missing",
    )
    .await;
    let m = app.created_id(&admin, "/api/v1/party-members", json!({"name": "张立新", "partner_id": power, "branch": "供电局营销党支部", "reported_on": "2026-03-01"})).await;
    let n = app.created_id(&admin, "/api/v1/party-members", json!({"name": "周春燕", "unit_name": "东安区民政局", "branch": "民政局机关党支部", "reported_on": "2026-03-01"})).await;
    assert_ne!(m, n);
    // A resident reports once.
    let resident = app.resident_id("米丽芳").await;
    app.created_id(&admin, "/api/v1/party-members", json!({"resident_id": resident, "partner_id": power, "branch": "供电局营销党支部", "reported_on": "2026-03-01"})).await;
    app.post_refused(
        &admin,
        "/api/v1/party-members",
        json!({"resident_id": resident, "partner_id": power, "branch": "供电局营销党支部"}),
        StatusCode::CONFLICT,
        "party_member_exists",
    )
    .await;
    let sheet = party_sheet_q4(&app, &admin).await;
    let vid = |name: &str| member_row(&sheet, name)["member"]["volunteer_id"].as_i64().unwrap();
    let (zhang, zhou) = (vid("张立新"), vid("周春燕"));
    for (name, on) in [("楼道清扫", "2026-10-17"), ("安全检查", "2026-11-14")] {
        let a = activity(&app, &admin, name, on, json!({})).await;
        record(&app, &admin, a, zhang, 2.0).await;
    }
    let a = activity(&app, &admin, "重阳探望", "2026-10-22", json!({})).await;
    record(&app, &admin, a, zhou, 1.5).await;
    let sheet = party_sheet_q4(&app, &admin).await;
    let row = |name: &str| member_row(&sheet, name).clone();
    assert_eq!(row("张立新")["quarter_activities"], 2);
    assert_eq!(row("张立新")["quarter_expected"], 2);
    assert_eq!(row("张立新")["quarter_hours"], 4.0);
    assert_eq!(row("周春燕")["quarter_activities"], 1);
    // Reported in March: all four quarters of 2026 have begun since, two activities each.
    assert_eq!(row("张立新")["year_expected"], 8);
    assert_eq!(row("周春燕")["member"]["unit_name"], "东安区民政局");
    let ind = indicators(&app, &admin).await;
    assert_eq!(ind["partners.party_members_reporting"], 3);
    // The sheet as a spreadsheet for the unit's party organisation.
    let mut page = app.signed_in("admin").await;
    let res =
        page.get(&format!("/volunteers/party.xlsx?year=2026&quarter=4&partner_id={power}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let table = linli_io::read_table(&bytes, "party.xlsx", &linli_io::Limits::default()).unwrap();
    let text = format!("{:?}", table);
    assert!(text.contains("张立新") && !text.contains("周春燕"), "{text}");
}

async fn the_volunteer_pages_open_for_staff_and_on_a_phone(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let v = new_volunteer(&app, &admin, json!({"name": "黄宇轩", "consent": true})).await;
    let a = activity(&app, &admin, "清雪", "2026-11-20", json!({})).await;
    let g = app
        .created_id(&admin, "/api/v1/groups", json!({"name": "夕阳红文学社", "kind": "literary"}))
        .await;
    app.post_refused(
        &admin,
        "/api/v1/groups",
        json!({"name": "集邮协会", "kind": "chess"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "group_kind_bad",
    )
    .await;
    // Signed up but not yet credited: due on the worker's home.
    app.api_post(
        &admin,
        &format!("/api/v1/volunteer-activities/{a}/sign-up"),
        json!({"volunteer_id": v}),
    )
    .await;
    let mut page = app.signed_in("admin").await;
    for path in [
        "/volunteers".to_string(),
        "/volunteers/new".into(),
        format!("/volunteers/{v}"),
        "/volunteers/activities".into(),
        format!("/volunteers/activities/{a}"),
        "/volunteers/groups".into(),
        format!("/volunteers/groups/{g}"),
        "/volunteers/party".into(),
        "/volunteers/export.xlsx".into(),
    ] {
        let (status, _) = page.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (_, home) = page.get_text("/").await;
    assert!(home.contains("id=\"volunteer-due\"") && home.contains("清雪"), "{home}");
    // A building head and a resident keep no volunteer records.
    let mut head = app.signed_in("louzhang").await;
    let (status, _) = head.get_text("/volunteers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The party members' sheet of the fourth quarter of 2026, as the API answers it.
async fn party_sheet_q4(app: &TestApp, token: &str) -> Value {
    app.api_get(token, "/api/v1/party-members?year=2026&quarter=4").await.1
}

/// The row of the member `name` on a party members' sheet.
fn member_row<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["rows"].as_array().unwrap().iter().find(|r| r["member"]["name"] == name).unwrap()
}
