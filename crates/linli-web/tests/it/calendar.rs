//! The working-day calendar in layers (issue 15): a year loaded on the admin's page replaces
//! that year only, deadlines counted through a year without a schedule say so on the page,
//! and only the administrator loads a year.

use crate::both_engines;
use crate::support::{Browser, Engine, TestApp, app_and_browser, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A made-up 2027 (tests never guess the State Council's real one): 元旦 on Fri 01-01, a
/// Spring Festival week and a make-up Saturday.
pub(crate) const MADE_UP_2027: &str = "date,kind,name\n\
    2027-01-01,holiday,元旦\n\
    2027-02-10,holiday,春节\n\
    2027-02-11,holiday,春节\n\
    2027-02-12,holiday,春节\n\
    2027-02-20,workday,春节调休上班\n";

const WARNING_2027: &str = "2027年节假日安排尚未导入，截止日按周末推算，请核对";

/// Uploads `csv` on the calendar page as the signed-in browser.
pub(crate) async fn upload(b: &mut Browser, csv: &str) -> reqwest::Response {
    let csrf = b.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("cn-2027.csv"),
    );
    b.post_upload("/calendar", &csrf, form).await
}

/// Opens a 低保 application for 夏胜林 accepted on `on`: (id, the steps' due dates by code,
/// the steps as answered).
async fn open_dibao(app: &TestApp, on: &str) -> (i64, Vec<Value>) {
    let worker = app.token("wangge1").await;
    let xia = app.resident_id("夏胜林").await;
    let body = app
        .created(
            &worker,
            "/api/v1/applications",
            json!({"resident_id": xia, "kind": "dibao", "accepted_on": on}),
        )
        .await;
    (body["id"].as_i64().unwrap(), body["steps"].as_array().unwrap().clone())
}

fn step<'a>(steps: &'a [Value], code: &str) -> &'a Value {
    steps.iter().find(|s| s["code"] == code).unwrap()
}

both_engines!(
    loading_2027_on_the_page_keeps_the_2026_spring_festival_deadlines,
    a_deadline_into_an_unloaded_year_warns_until_the_year_is_loaded,
    a_bad_file_is_refused_naming_its_line,
    only_the_administrator_sees_and_loads_the_calendar,
);

async fn loading_2027_on_the_page_keeps_the_2026_spring_festival_deadlines(engine: Engine) {
    let Some((app, mut admin)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let res = upload(&mut admin, MADE_UP_2027).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(Browser::location(&res).starts_with("/calendar?loaded=2027"));
    // Regression: one 2027 row used to drop the shipped 2026, and a survey accepted Thu
    // 2026-02-12 fell due on 02-17, inside 春节. Fri 02-13, Sat 02-14 (make-up), then Tue 02-24.
    let (_, steps) = open_dibao(&app, "2026-02-12").await;
    let survey = step(&steps, "survey_start");
    assert_eq!(survey["due_on"], "2026-02-24");
    assert_eq!(survey["assumed_years"], json!([]));
    // The page lists both years, the shipped one and the loaded one, with their days.
    let html = admin.get_ok("/calendar?loaded=2027").await;
    assert!(html.contains("随系统发布") && html.contains("本社区导入"), "{html}");
    assert!(html.contains("2026-02-17") && html.contains("2027-02-20"), "{html}");
    let token = app.token("admin").await;
    let body = app.get_ok(&token, "/api/v1/calendar/years").await;
    let items = body["items"].as_array().unwrap();
    let years: Vec<(i64, &str)> = items
        .iter()
        .map(|y| (y["year"].as_i64().unwrap(), y["source"].as_str().unwrap()))
        .collect();
    assert_eq!(years, vec![(2026, "official"), (2027, "edited")]);
    assert_eq!(items[1]["days"].as_array().unwrap().len(), 5);
    assert!(app.audited("calendar.load").await);
}

async fn a_deadline_into_an_unloaded_year_warns_until_the_year_is_loaded(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Accepted Fri 2026-11-20: 30 working days end on Fri 2027-01-01 if 2027 is the plain week.
    let (id, steps) = open_dibao(&app, "2026-11-20").await;
    let completed = step(&steps, "completed");
    assert_eq!(completed["due_on"], "2027-01-01");
    assert_eq!(completed["assumed_years"], json!([2027]));
    assert_eq!(step(&steps, "survey_start")["assumed_years"], json!([]));
    let mut worker = app.signed_in("wangge1").await;
    let (_, html) = worker.get_text(&format!("/applications/{id}")).await;
    assert!(html.contains(WARNING_2027), "{html}");
    // The admin's page says 2027 is missing.
    let mut admin = app.signed_in("admin").await;
    let (_, page) = admin.get_text("/calendar").await;
    assert!(page.contains("2027年节假日安排尚未导入"), "{page}");
    // Loaded: the open step is re-planned past 元旦 and the warning is gone.
    let res = upload(&mut admin, MADE_UP_2027).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = worker.get_text(&format!("/applications/{id}")).await;
    assert!(!html.contains("节假日安排尚未导入"), "{html}");
    assert!(html.contains("2027-01-04"), "{html}");
    let (_, page) = admin.get_text("/calendar").await;
    assert!(!page.contains("calendar-next-missing"), "{page}");
}

async fn a_bad_file_is_refused_naming_its_line(engine: Engine) {
    let Some((app, mut admin)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let res = upload(
        &mut admin,
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,元旦调休上班\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("第3行：2027-01-04 是星期一，本来就上班；调休上班日只能是周六或周日。"),
        "{html}"
    );
    let res = upload(&mut admin, "date,kind,name\n2027-13-01,holiday,元旦\n").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("第2行：“2027-13-01”不是有效日期"));
    assert_eq!(app.count("SELECT COUNT(*) FROM calendar_years").await, 0);
}

async fn only_the_administrator_sees_and_loads_the_calendar(engine: Engine) {
    let Some((app, mut worker)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let (status, _) = worker.get_text("/calendar").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = upload(&mut worker, MADE_UP_2027).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let token = app.token("wangge1").await;
    let (status, _) = app.api_get(&token, "/api/v1/calendar/years").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM calendar_years").await, 0);
    // The worker's navigation does not offer it; the admin's does.
    let (_, home) = worker.get_text("/").await;
    assert!(!home.contains("href=\"/calendar\""));
    let mut admin = app.signed_in("admin").await;
    let (_, home) = admin.get_text("/").await;
    assert!(home.contains("href=\"/calendar\""));
}
