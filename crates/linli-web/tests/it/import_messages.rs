//! What the roster import and the name forms say back (issue 18, item 8): every refusal names
//! its row and column, nothing a cell carries can steer a terminal or flip the text it is shown
//! in, and names and places cannot hide characters that make them read differently.

use crate::both_engines;
use crate::registry::{
    CHECK, CHECK_CREATING, IMPORT, IMPORT_CREATING, import_refused, post_import,
};
use crate::support::{Browser, Engine, TestApp, app_and_browser, app_and_token};
use reqwest::StatusCode;
use serde_json::json;

both_engines!(
    a_building_name_over_60_characters_is_refused_on_its_row_not_the_whole_import,
    control_characters_from_cells_are_not_echoed_on_the_import_page,
    bidi_and_zero_width_characters_are_refused_in_imported_names_and_places,
    the_resident_and_place_forms_refuse_hidden_characters_beside_the_field,
    a_formula_hidden_behind_an_invisible_character_is_escaped_in_the_csv_export,
    past_a_thousand_problems_checking_stops_and_the_page_says_so,
    a_file_of_several_write_batches_imports_every_row_once,
);

/// Characters that must never come back from the server inside a message.
const HIDDEN: &[char] = &[
    '\u{1b}', '\u{07}', '\u{9b}', '\u{9d}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
    '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}',
];

fn assert_nothing_hidden(html: &str) {
    for c in HIDDEN {
        assert!(!html.contains(*c), "U+{:04X} echoed: {html}", u32::from(*c));
    }
}

/// The import page's error table names row `row` in column `column`.
fn names_row_and_column(html: &str, row: usize, column: &str) -> bool {
    html.contains(&format!("<td class=\"num\">{row}</td><td>{column}</td>"))
}

async fn residents(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM residents").await
}

async fn places(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM places").await
}

async fn a_building_name_over_60_characters_is_refused_on_its_row_not_the_whole_import(
    engine: Engine,
) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let (people, places_before) = (residents(&app).await, places(&app).await);
    let long = "长".repeat(61);
    let csv = format!(
        "姓名,身份证号,楼栋,单元,户号\n\
         甲一,,2号楼,1单元,901\n\
         乙二,,{long},1单元,902\n\
         丙三,231002199003071230,2号楼,1单元,903\n\
         丁四,,2号楼,{long},904\n"
    );
    // Before the fix: the whole import ended in an error page saying `place_bad_name`.
    let html = import_refused(&mut b, "long.csv", csv.as_str(), IMPORT_CREATING).await;
    assert!(html.contains("import-errors"), "{html}");
    assert!(names_row_and_column(&html, 3, "楼栋"), "{html}");
    assert!(html.contains("楼栋名称超过60个字"), "{html}");
    assert!(names_row_and_column(&html, 5, "单元"), "{html}");
    assert!(html.contains("单元名称超过60个字"), "{html}");
    // The other rows are checked as usual: the bad ID number on row 4 is named too …
    assert!(names_row_and_column(&html, 4, "身份证号"), "{html}");
    // … and, as with any refused row, nothing at all is written.
    assert!(html.contains("整份文件没有导入"), "{html}");
    assert_eq!(residents(&app).await, people);
    assert_eq!(places(&app).await, places_before);

    // A check says the same without writing.
    let html = import_refused(&mut b, "long.csv", csv.as_str(), CHECK_CREATING).await;
    assert!(names_row_and_column(&html, 3, "楼栋"), "{html}");

    // Without the long names the file imports.
    let good = "姓名,楼栋,单元,户号\n甲一,2号楼,1单元,901\n";
    post_import(&mut b, "good.csv", good, IMPORT, StatusCode::OK).await;
    assert_eq!(residents(&app).await, people + 1);
}

async fn control_characters_from_cells_are_not_echoed_on_the_import_page(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let people = residents(&app).await;
    // An ANSI colour, an OSC window title, C1 controls and bidi/zero-width characters in
    // cells whose text the messages quote (gender, birth date, tags, building, unit), and in a
    // header the summary lists as unknown.
    let csv = "姓名,性别,出生日期,标签,楼栋,单元,户号,\u{1b}[31m民族\u{1b}[0m\n\
               甲一,\u{1b}[31m男x\u{1b}[0m,\u{1b}]0;pwned\u{07}1958,\u{202e}残疾\u{200b}人x,2号楼,1单元,101,汉\n\
               乙二,女,\u{9b}31m2000年13月,\u{2066}abc\u{2069},\u{1b}[2J88号楼,1单元,102,汉\n\
               丙三,女,,,2号楼,\u{feff}9\u{9d}单元\u{2060},103,汉\n";
    let html = import_refused(
        &mut b,
        // (A browser cannot send terminal escapes in a file name; bidi characters it can.)
        "roster\u{202e}vsc.csv",
        csv,
        IMPORT,
    )
    .await;
    assert!(names_row_and_column(&html, 2, "性别"), "{html}");
    assert!(names_row_and_column(&html, 3, "出生日期"), "{html}");
    assert!(names_row_and_column(&html, 3, "楼栋"), "{html}");
    // The visible part of what was written is still quoted, so the worker finds the cell.
    assert!(html.contains("男x"), "{html}");
    assert!(html.contains("民族"), "{html}");
    assert_nothing_hidden(&html);
    assert_eq!(residents(&app).await, people);
}

async fn bidi_and_zero_width_characters_are_refused_in_imported_names_and_places(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let (people, places_before) = (residents(&app).await, places(&app).await);
    let csv = "姓名,楼栋,单元,户号\n\
               \u{202e}林胜夏,2号楼,1单元,101\n\
               林\u{200b}胜夏,2号楼,1单元,102\n\
               甲一,\u{202e}楼8,1单元,103\n\
               乙二,2号楼,\u{2067}1单元,104\n\
               丙三,2号楼,1单元,1\u{200d}05\n";
    let html = import_refused(&mut b, "bidi.csv", csv, IMPORT_CREATING).await;
    for (row, column) in [(2, "姓名"), (3, "姓名"), (4, "楼栋"), (5, "单元"), (6, "户号")]
    {
        assert!(names_row_and_column(&html, row, column), "{row} {column}: {html}");
    }
    assert!(html.contains("看不见的字符"), "{html}");
    assert!(html.contains("U+202E"), "the message names the character: {html}");
    assert_nothing_hidden(&html);
    assert_eq!(residents(&app).await, people);
    assert_eq!(places(&app).await, places_before, "no building 楼8");

    // Invisible characters at the ends of a cell are what copying leaves: trimmed, accepted.
    let csv = "姓名,楼栋,单元,户号\n\u{200b}林胜夏\u{feff},\u{2060}2号楼,1单元\u{200b},101\n";
    post_import(&mut b, "trim.csv", csv, IMPORT, StatusCode::OK).await;
    assert_eq!(residents(&app).await, people + 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM residents WHERE name = '林胜夏'").await, 1);
}

async fn the_resident_and_place_forms_refuse_hidden_characters_beside_the_field(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let people = residents(&app).await;
    let csrf = b.csrf().await;
    for name in ["\u{202e}林胜夏", "林\u{200b}胜夏", "林胜\u{1b}[31m夏"] {
        let form = [("_csrf", csrf.as_str()), ("name", name)];
        refused_beside(&mut b, "/residents", &form, "name", "看不见的字符").await;
    }
    let form = [("_csrf", csrf.as_str()), ("name", "新居民"), ("household", "1\u{200d}01")];
    refused_beside(&mut b, "/residents", &form, "household", "户号里有看不见的字符").await;
    let token = app.token("admin").await;
    let (status, body) =
        app.api_post(&token, "/api/v1/residents", json!({"name": "\u{202e}林胜夏"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("name_hidden_char"), "{body}");
    assert_eq!(residents(&app).await, people);

    let building = app.place_id("building", "2号楼").await;
    let places_before = places(&app).await;
    let building_id = building.to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("parent_id", &building_id),
        ("kind", "unit"),
        ("name", "\u{202e}单元8"),
    ];
    refused_beside(&mut b, "/places", &form, "name", "看不见的字符").await;
    app.post_refused(
        &token,
        "/api/v1/places",
        json!({"kind": "unit", "name": "9\u{200b}单元", "parent_id": building}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "place_hidden_char",
    )
    .await;
    assert_eq!(places(&app).await, places_before);
}

async fn a_formula_hidden_behind_an_invisible_character_is_escaped_in_the_csv_export(
    engine: Engine,
) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    for name in ["隐藏公式甲", "隐藏公式乙"] {
        app.created(&token, "/api/v1/residents", json!({"name": name})).await;
    }
    // Names stored before names were checked for hidden characters.
    for (stored, name) in
        [("\u{202e}=HYPERLINK(\"http://x\")", "隐藏公式甲"), ("\u{200b}+cmd", "隐藏公式乙")]
    {
        app.execute(
            "UPDATE residents SET name = ? WHERE name = ?",
            linli_store::params![stored, name],
        )
        .await;
    }
    let mut admin = app.signed_in("admin").await;
    let text = admin.get_ok("/residents/export.csv").await;
    assert!(
        text.contains("'\u{202e}=HYPERLINK("),
        "a formula behind a bidi override is escaped: {text}"
    );
    assert!(
        text.contains("'\u{200b}+cmd"),
        "a formula behind a zero-width space is escaped: {text}"
    );
}

/// Issue 18, item 6: the error budget. A file of 1,500 bad rows lists the first 1,000
/// problems (the page shows 500 of them) and says that checking stopped there.
async fn past_a_thousand_problems_checking_stops_and_the_page_says_so(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let people = residents(&app).await;
    let mut csv = String::from("姓名,身份证号\n");
    for i in 0..1_500 {
        csv.push_str(&format!("居民{i},12345\n"));
    }
    let html = import_refused(&mut b, "bad.csv", csv.as_str(), CHECK).await;
    assert!(html.contains("id=\"import-truncated\""), "{html}");
    assert!(html.contains("问题已超过 1000 处，检查到此为止"), "{html}");
    assert!(html.contains("另有 500 处问题未列出"), "{html}");
    assert!(names_row_and_column(&html, 2, "身份证号"), "{html}");
    assert_eq!(residents(&app).await, people);

    // Under the budget the page does not say it.
    let few = "姓名,身份证号\n甲一,12345\n";
    let html = import_refused(&mut b, "few.csv", few, CHECK).await;
    assert!(!html.contains("import-truncated"), "{html}");
}

/// Rows are checked and written 2,000 at a time in one pass: a file of 4,500 rows (three
/// batches, the last one partial) creates each resident once, its places once, and nothing at
/// all (no resident, place or household, no audit record) when a single row at the end is bad,
/// although two batches were written before that row was read.
async fn a_file_of_several_write_batches_imports_every_row_once(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let (people, places_before) = (residents(&app).await, places(&app).await);
    let households_before = app.count("SELECT COUNT(*) FROM households").await;
    let imports_before = app.audit_count("resident.import").await;
    let distinct_before = app.count("SELECT COUNT(DISTINCT name) FROM residents").await;
    let mut csv = String::from("姓名,楼栋,单元,户号\n");
    for i in 0..4_500 {
        csv.push_str(&format!("居民{i},批量{}号楼,1单元,{}\n", i % 7, 100 + i % 50));
    }
    let bad = format!("{csv},批量1号楼,1单元,101\n");
    let html = import_refused(&mut b, "bad.csv", bad, IMPORT_CREATING).await;
    assert!(names_row_and_column(&html, 4_502, "姓名"), "{html}");
    assert_eq!(residents(&app).await, people);
    assert_eq!(places(&app).await, places_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM households").await, households_before);
    assert_eq!(app.audit_count("resident.import").await, imports_before);

    post_import(&mut b, "many.csv", csv, IMPORT_CREATING, StatusCode::OK).await;
    assert_eq!(residents(&app).await, people + 4_500);
    // Seven buildings of one unit each, created once although every batch names them.
    assert_eq!(places(&app).await, places_before + 14);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT name) FROM residents").await
            - app.count("SELECT COUNT(*) FROM residents").await,
        distinct_before - people,
        "every resident once"
    );

    // The export sends its writer the rows a few hundred at a time: each of the community's
    // active residents arrives once, in the CSV and in the xlsx alike.
    let active = app.count("SELECT COUNT(*) FROM residents WHERE status = 'active'").await;
    let csv = b.get_ok("/residents/export.csv").await;
    assert_eq!(csv.lines().count() as i64, active + 1, "the header and every resident");
    assert_eq!(csv.matches("居民4499,").count(), 1);
    let res = b.get("/residents/export.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let sheet = linli_io::read_table(
        &res.bytes().await.unwrap(),
        "roster.xlsx",
        &linli_io::Limits::default(),
    )
    .unwrap();
    assert_eq!(sheet.rows.len() as i64, active);
    assert_eq!(sheet.rows.iter().filter(|r| r.cells[0] == "居民4499").count(), 1);
}

/// Posts the `form` as `b`, which must come back (`422`) saying `message` beside the `field`.
async fn refused_beside(
    b: &mut Browser,
    path: &str,
    form: &[(&str, &str)],
    field: &str,
    message: &str,
) {
    let html = b.post_form_answered(path, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        html.contains(&format!("id=\"{field}-error\"")) && html.contains(message),
        "{form:?}: {html}"
    );
}
