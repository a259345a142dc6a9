//! Reports: the annual summary written from the records (preview, stories, template, HTML,
//! Markdown, DOCX that LibreOffice opens) and the 台账 workbooks.

use crate::both_engines;
use crate::support::{Browser, Engine, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Command;

both_engines!(
    the_summary_is_written_from_the_records_and_downloads_in_three_formats,
    the_template_is_checked_previewed_saved_and_reset,
    ledgers_are_masked_limited_by_role_and_audited,
);

/// A case with one help record through the API, as a worker records them.
async fn helped(app: &TestApp, token: &str, name: &'static str, summary: &str, help: Value) -> i64 {
    let rid = app.resident_id(name).await;
    let case = app.unemployment_case(token, rid, summary).await["id"].as_i64().unwrap();
    let mut help = help;
    help["case_id"] = json!(case);
    app.created(token, "/api/v1/help-records", help).await;
    case
}

/// A year of records: the fund decided and given 61,234.50 yuan, two households helped.
async fn a_year_of_records(app: &TestApp) -> (i64, i64) {
    let admin = app.token("admin").await;
    app.created(&admin, "/api/v1/fund/decisions", json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 150, "attendance": 86, "resolution": "成立爱心基金"})).await;
    app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "person", "donor_name": "王先生", "amount_fen": 6_123_450, "method": "bank_transfer", "received_on": "2026-03-02", "publish_name": false})).await;
    let worker = app.token("wangge1").await;
    let xia = helped(app, &worker, "夏胜林", "夫妻均为下岗工人，夏胜林急出眩晕症", json!({"kind": "goods", "on": "2026-01-15", "items": [{"name": "米", "quantity": "25kg"}, {"name": "面", "quantity": "10kg"}, {"name": "油", "quantity": "5L"}], "source": "社区"})).await;
    let yang = helped(
        app,
        &worker,
        "杨静",
        "杨静母女从地震灾区来社区寄住",
        json!({"kind": "cash", "on": "2026-02-10", "amount_fen": 50_000, "source": "民政局"}),
    )
    .await;
    // 杨静 did not consent to be named in publications.
    app.execute(
        "UPDATE residents SET consent_publish_name = 0 WHERE name = '杨静'",
        linli_store::params![],
    )
    .await;
    (xia, yang)
}

/// The PDF LibreOffice makes of a DOCX, as text without spaces (pdftotext puts spaces between
/// Chinese and digits), or `None` when LibreOffice is not installed and not required.
fn libreoffice_text(docx: &[u8]) -> Option<String> {
    let have = Command::new("soffice").arg("--version").output().is_ok();
    if !have {
        assert_ne!(
            std::env::var("LINLI_REQUIRE_SOFFICE").as_deref(),
            Ok("1"),
            "LINLI_REQUIRE_SOFFICE=1 but soffice (LibreOffice Writer) is not installed"
        );
        eprintln!(
            "skipping the LibreOffice check: soffice is not installed (CI installs libreoffice-writer-nogui and sets LINLI_REQUIRE_SOFFICE=1)"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("summary.docx");
    std::fs::write(&file, docx).unwrap();
    // A profile of its own: two conversions at once must not share one.
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    // One conversion at a time in this process, and a second try: a fresh LibreOffice profile
    // sometimes aborts on its first start (WrappedTargetRuntimeException) while another
    // LibreOffice starts beside it. A DOCX it cannot read fails both tries.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let pdf = dir.path().join("summary.pdf");
    let mut said = Vec::new();
    for _ in 0..2 {
        let out = Command::new("soffice")
            .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&file)
            .output()
            .unwrap();
        if pdf.exists() {
            break;
        }
        said.push(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    assert!(pdf.exists(), "LibreOffice could not convert the DOCX: {}", said.join("\n---\n"));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("(A4)"), "the pages are A4");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    Some(String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect())
}

async fn the_summary_is_written_from_the_records_and_downloads_in_three_formats(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let (xia, yang) = a_year_of_records(&app).await;
    let mut worker = app.signed_in("wangge1").await;

    // The preview: the seed's three sections and true figures, never rounded up.
    let page = worker.get_ok("/reports/summary?year=2026").await;
    for heading in [
        "一、创新学习载体，打造品牌社区",
        "二、创新帮扶机制，共建和谐社区",
        "三、推进部门联动，共谱和谐乐章",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains("筹集捐款<span class=\"fig\" title=\"61,234.50元\">6.1万余元</span>"));
    // Written on 11-27, the summary covers the year so far and says so.
    assert!(page.contains("统计期间：2026年1月1日至2026年11月27日"), "{page}");
    assert!(!page.contains("全年") && !page.contains("年末"));
    assert!(page.contains("<span class=\"fig\" title=\"2户\">2户</span>"));
    // Whatever is unavailable is left out and said so, never printed as 0.
    let token = app.token("wangge1").await;
    let (_, ind) = app.indicators(&token, "2026-01-01", "2026-12-31").await;
    let template = linli_core::summary::DEFAULT_TEMPLATE;
    for (id, value) in ind["indicators"].as_object().unwrap() {
        if template.contains(&format!("{{{id}}}")) && (value.is_null() || value == 0) {
            assert!(page.contains(&format!("{{{id}}}</span>")), "{id} is listed as left out");
        }
    }
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    for zero in [">0名<", ">0人次<", ">0户<", ">0元<", ">0家<"] {
        assert!(!article.contains(zero), "{zero} in the summary");
    }

    // A placement the station made for 夏胜林 in March, still at work in September.
    let placement = app
        .db
        .write(|c| {
            let p = c.insert(
                "INSERT INTO placements (community_id, resident_id, employer, job, starts_on, via_station, created_at)
                 SELECT community_id, id, '绿苑物业', '保洁员', '2026-03-16', 1, '2026-03-16T01:00:00Z' FROM residents WHERE name = '夏胜林' RETURNING id",
                linli_store::params![],
            )?;
            c.execute(
                "INSERT INTO followups (community_id, placement_id, resident_id, followed_on, outcome, created_at)
                 SELECT community_id, id, resident_id, '2026-09-20', 'employed', '2026-09-20T01:00:00Z' FROM placements WHERE id = ?",
                linli_store::params![p],
            )?;
            Ok::<_, linli_store::StoreError>(p)
        })
        .await
        .unwrap();

    // Before anyone picks, the summary tells what the records suggest (the most helped
    // household) and the picker marks it as suggested.
    let (_, page) = worker.get_text("/reports/summary?year=2026").await;
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert!(
        article.contains(
            "居民夏胜林家是社区结对帮扶的困难家庭。2026年1月，社区送去米、面、油等生活物资。"
        ),
        "{article}"
    );
    assert!(page.contains("chip chip-warn\">建议</span>"));

    // Stories: the worker picks both cases and the placement; 夏胜林 consented, 杨静 did not.
    let csrf = worker.csrf().await;
    let (x, y) = (format!("case:{xia}"), format!("case:{yang}"));
    let z = format!("placement:{placement}");
    worker
        .post_form_redirected(
            "/reports/summary/stories",
            &[("_csrf", &csrf), ("year", "2026"), ("pick", &x), ("pick", &y), ("pick", &z)],
        )
        .await;
    let (_, page) = worker.get_text("/reports/summary?year=2026").await;
    // A story tells the person's own help from the records; the case narrative, which speaks
    // of the wife and the daughter, is never printed.
    assert!(page.contains(
        "居民夏胜林家是社区结对帮扶的困难家庭。2026年1月，社区送去米、面、油等生活物资。"
    ));
    // 杨静 did not consent: the paper writes her as public notices do (杨某), not the screen's
    // stars.
    assert!(page.contains("居民杨某家是社区结对帮扶的困难家庭。2026年2月，民政局资助500元。"));
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert!(!article.contains("杨*"), "{article}");
    assert!(!article.contains("下岗工人") && !article.contains("地震灾区"));
    assert!(page.contains(
        "居民夏胜林经社区满意中介服务站推荐，2026年3月起在绿苑物业从事保洁员工作，2026年9月回访时仍在岗。"
    ));

    // Markdown and HTML downloads; each download is audited.
    let res = worker.get("/reports/summary/download?year=2026&format=md").await;
    assert_eq!(res.status(), StatusCode::OK);
    let md = res.text().await.unwrap();
    assert!(md.starts_with("# Xx社区2026年度工作总结\n"));
    assert!(md.contains("筹集捐款6.1万余元[^"));
    assert!(md.contains("爱心基金筹集：61,234.50元（文中写作“6.1万余元”）。口径："), "{md}");
    assert!(!md.contains("fund.raised_total") && !md.contains('¥'), "{md}");
    assert!(!md.contains("杨静"), "no unconsented name in the summary");
    let res = worker.get("/reports/summary/download?year=2026&format=html").await;
    assert!(res.text().await.unwrap().contains("@page{size:A4;margin:37mm 26mm 35mm 28mm}"));

    // The DOCX opens in LibreOffice and holds the headings, the figures and the notes.
    let res = worker.get("/reports/summary/download?year=2026&format=docx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let docx = res.bytes().await.unwrap();
    if let Some(text) = libreoffice_text(&docx) {
        for want in [
            "Xx社区2026年度工作总结",
            "一、创新学习载体，打造品牌社区",
            "（二）爱心基金",
            "筹集捐款6.1万余元",
            "居民夏胜林",
            "—1—",
            "61,234.50元",
        ] {
            assert!(text.contains(want), "{want} is in the PDF: {text}");
        }
    }
    let res = worker.get("/reports/summary/download?year=2026&format=pdf").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The same document through the API (report_summary).
    let api = app.get_ok(&token, "/api/v1/reports/summary?year=2026").await;
    assert_eq!(api["title"], "Xx社区2026年度工作总结");
    assert_eq!(api["blocks"][0]["text"], "一、创新学习载体，打造品牌社区");
    let raised =
        api["notes"].as_array().unwrap().iter().find(|n| n["id"] == "fund.raised_total").unwrap();
    assert_eq!(raised["exact"], "¥61,234.50");
    assert_eq!(raised["words"], "6.1万余元");
    assert!(api["omitted"].as_array().unwrap().iter().all(|o| o["reason"] != "unknown"));
    let (status, err) = app.api_get(&token, "/api/v1/reports/summary?year=1999").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["code"], "summary_year_bad");

    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "summary.stories"));
    assert_eq!(actions.iter().filter(|a| *a == "summary.download").count(), 3);

    // Picks saved with none ticked stay none: the suggestions are not told again.
    worker
        .post_form_redirected("/reports/summary/stories", &[("_csrf", &csrf), ("year", "2026")])
        .await;
    let (_, page) = worker.get_text("/reports/summary?year=2026").await;
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert!(!article.contains("居民夏胜林"), "{article}");
}

async fn post_template(b: &mut Browser, csrf: &str, body: &str, op: &str) -> (StatusCode, String) {
    let res = b
        .post_form(
            "/reports/summary/template",
            &[("_csrf", csrf), ("year", "2026"), ("body", body), ("op", op)],
        )
        .await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

async fn the_template_is_checked_previewed_saved_and_reset(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    a_year_of_records(&app).await;
    let (mut worker, csrf) = app.signed_in_with_csrf("wangge1").await;

    // A typo in a placeholder is refused with what was typed kept.
    let typo = "{社区}工作总结\n一、帮扶\n今年筹集{fund.raised}。";
    let (status, page) = post_template(&mut worker, &csrf, typo, "save").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("这些占位符不认识：{fund.raised}"));
    assert!(page.contains("今年筹集{fund.raised}。</textarea>"));

    // A preview shows the draft without saving it.
    let mine = "{社区}{年度}年帮扶工作小结\n一、爱心基金\n今年筹集{fund.raised_total}，帮扶{assistance.households_helped}。\n落款：{社区}居委会";
    let (status, page) = post_template(&mut worker, &csrf, mine, "preview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Xx社区2026年帮扶工作小结</h1>"));
    assert_eq!(app.count("SELECT COUNT(*) FROM summary_templates").await, 0);

    // Saved, it is the community's template until reset.
    let (status, _) = post_template(&mut worker, &csrf, mine, "save").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let res = worker.get("/reports/summary/download?year=2026&format=md").await;
    let md = res.text().await.unwrap();
    assert!(
        md.starts_with(
            "# Xx社区2026年帮扶工作小结\n\n## 一、爱心基金\n\n今年筹集6.1万余元[^1]，帮扶2户[^2]。"
        ),
        "{md}"
    );
    assert!(md.contains("Xx社区居委会"));
    let (status, _) = post_template(&mut worker, &csrf, "", "reset").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = worker.get_text("/reports/summary?year=2026").await;
    assert!(page.contains("<h1>Xx社区2026年度工作总结</h1>"));
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "summary.template_save"));
    assert!(actions.iter().any(|a| a == "summary.template_reset"));

    // The fund keeper reads the summary but does not edit case stories or the template.
    let mut keeper = app.signed_in("jijin").await;
    let page = keeper.get_ok("/reports/summary").await;
    assert!(!page.contains("id=\"template\""));
    let csrf = keeper.csrf().await;
    let (status, _) = post_template(&mut keeper, &csrf, mine, "save").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A building head has no reports at all.
    let mut head = app.signed_in("louzhang").await;
    assert_eq!(head.get("/reports/summary").await.status(), StatusCode::FORBIDDEN);
    // A year out of range is a clear error.
    assert_eq!(
        worker.get("/reports/summary?year=1999").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

fn sheet(bytes: &[u8]) -> linli_io::Table {
    linli_io::read_table(bytes, "x.xlsx", &linli_io::Limits::default()).unwrap()
}

async fn ledgers_are_masked_limited_by_role_and_audited(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    a_year_of_records(&app).await;
    // A help note that would be a formula in a careless export.
    let worker_token = app.token("wangge1").await;
    helped(&app, &worker_token, "米丽芳", "独居", json!({"kind": "service", "on": "2026-04-01", "note": "=HYPERLINK(\"http://x\")", "source": "社区"})).await;
    let mut worker = app.signed_in("wangge1").await;
    let (_, dash) = worker.get_text("/reports").await;
    assert!(dash.contains("href=\"/reports/ledgers/help?year=2026\""));
    // Trends by month, gaps included, and breakdowns (SVG, no script).
    assert!(dash.contains(">1月</text>") && dash.contains(">1人次 / 1户</text>"));
    assert!(dash.contains(">3月</text>") && dash.contains(">0人次 / 0户</text>"));
    assert!(dash.contains("各楼栋受帮扶户数"));

    let res = worker.get("/reports/ledgers/help?year=2026").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-linli-rows"], "3");
    let help = sheet(&res.bytes().await.unwrap());
    assert_eq!(help.headers[..3], ["日期", "档案号", "帮扶对象"]);
    let names: Vec<&str> = help.rows.iter().map(|r| r.cells[2].as_str()).collect();
    assert!(names.contains(&"夏胜林") && names.contains(&"杨*"), "{names:?}");
    let formula = help.rows.iter().find(|r| r.cells[3] == "服务").unwrap();
    assert_eq!(formula.cells[7], "=HYPERLINK(\"http://x\")", "kept as inert text");

    let res = worker.get("/reports/ledgers/cases?year=2026").await;
    let cases = sheet(&res.bytes().await.unwrap());
    assert_eq!(cases.rows.len(), 3);
    assert_eq!(cases.rows[1].cells[1], "杨*");
    assert_eq!(cases.rows[1].cells[3], "失业");

    let res = worker.get("/reports/ledgers/fund_ledger?year=2026").await;
    let fund = sheet(&res.bytes().await.unwrap());
    let gift = fund.rows.iter().find(|r| r.cells[3] == "61234.50").unwrap();
    assert_eq!(gift.cells[6], "61234.50", "the running balance");
    let res = worker.get("/reports/ledgers/donors?year=2026").await;
    let donors = sheet(&res.bytes().await.unwrap());
    assert_eq!(donors.rows[0].cells[2], "王**", "not consented: masked");

    // The learning and employment registers (no courses in this community yet).
    for code in ["courses", "placements"] {
        let res = worker.get(&format!("/reports/ledgers/{code}?year=2026")).await;
        assert_eq!(res.status(), StatusCode::OK, "{code}");
        assert_eq!(sheet(&res.bytes().await.unwrap()).rows.len(), 0);
    }

    // The fund keeper has the fund's ledgers, not the case registers.
    let mut keeper = app.signed_in("jijin").await;
    assert_eq!(keeper.get("/reports/ledgers/donors").await.status(), StatusCode::OK);
    assert_eq!(keeper.get("/reports/ledgers/cases").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(keeper.get("/reports/ledgers/nothing").await.status(), StatusCode::NOT_FOUND);
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "ledger.export").count(), 7);
}
