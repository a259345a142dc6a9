//! Publicity (issue 17): articles and paper issues as the contract says, Chinese full-text
//! search that finds words where jieba's segmentation puts them (文明楼道 finds 楼道文明, not
//! 文件明细…大楼) with title hits first, course descriptions in the same index, each community
//! seeing only its own, and only the publicity staff (admin, worker) at it.

use crate::both_engines;
use crate::support::{Browser, Engine, TestApp, app_and_browser, app_and_token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    articles_and_paper_issues_answer_as_the_contract_says,
    a_bad_article_or_paper_issue_is_refused_with_its_reason,
    a_search_finds_the_words_in_either_order_but_not_their_characters_elsewhere,
    title_hits_come_first_and_the_snippet_shows_the_words,
    results_come_twenty_a_page_and_total_counts_them_all,
    after_an_update_the_search_finds_the_new_words_and_not_the_old,
    another_communitys_articles_are_not_found_searched_or_printed,
    a_building_head_finance_keeper_or_liaison_cannot_write_or_search,
    a_course_is_found_by_its_description_when_searching_courses,
    a_worker_writes_an_article_with_a_photo_on_the_desk_and_the_public_reads_it,
    a_refused_article_keeps_what_was_typed_and_says_why_beside_the_field,
    an_article_changed_on_the_desk_gains_and_loses_photos,
    a_resident_or_building_head_is_refused_the_desk,
    a_paper_issue_composed_on_the_desk_lists_its_articles_in_the_order_given,
    the_english_desk_shows_no_chinese_label,
    a_board_is_renamed_and_its_articles_show_the_new_name,
    a_board_with_articles_is_refused_deletion_and_retired_with_its_history_kept,
    an_empty_board_is_deleted_once_confirmed_with_a_reason,
    the_printed_issue_shows_each_articles_photos,
);

async fn article(app: &TestApp, token: &str, title: &str, body: &str) -> i64 {
    app.created_id(
        token,
        "/api/v1/articles",
        json!({"title": title, "body": body, "published_on": "2026-11-20"}),
    )
    .await
}

/// A new board of the 宣传画廊 at `location`.
async fn new_board(app: &TestApp, token: &str, name: &str, location: &str) -> i64 {
    app.created_id(token, "/api/v1/publicity-boards", json!({"name": name, "location": location}))
        .await
}

/// The refusal's status and error code.
async fn refused(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, String) {
    let (status, v) = app.api_post(token, path, body).await;
    (status, v["error"]["code"].as_str().unwrap_or_default().to_string())
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

fn hit(page: &Value, id: i64) -> Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("{id} not among the hits: {page}"))
        .clone()
}

async fn articles_and_paper_issues_answer_as_the_contract_says(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let board = new_board(&app, &admin, "文明新风", "北门入口西侧").await;
    let v = app.created(&admin,
        "/api/v1/articles",
        json!({"title": "楼道文明创建启动", "body": "## 活动回顾\n本月**共有**30人参加。", "tags": ["文明", "楼道"],
               "board_id": board, "published_on": "2026-11-20"})).await;
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["id"], "{v}");
    let first = v["id"].as_i64().unwrap();
    // Tags and board are optional.
    let second = article(&app, &admin, "冬季供暖通知", "请各户检查暖气阀门。").await;

    let a = app.get_ok(&admin, &format!("/api/v1/articles/{first}")).await;
    assert_eq!(a["title"], "楼道文明创建启动");
    assert_eq!(a["tags"], json!(["文明", "楼道"]));
    assert_eq!(a["board_id"], board);
    assert_eq!(a["published_on"], "2026-11-20");

    let v = app
        .created(
            &admin,
            "/api/v1/paper-issues",
            json!({"number": 12, "published_on": "2026-11-25", "article_ids": [second, first]}),
        )
        .await;
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["id"], "{v}");
    let issue = v["id"].as_i64().unwrap();
    let list = app.get_ok(&admin, "/api/v1/paper-issues").await;
    assert_eq!(list["items"][0]["id"], issue);
    assert_eq!(
        list["items"][0]["article_ids"],
        json!([second, first]),
        "printed in the order given"
    );
    let (_, a) = app.api_get(&admin, &format!("/api/v1/articles/{first}")).await;
    assert_eq!(a["paper_issue_ids"], json!([issue]));

    let page = app.search_articles(&admin, "q=暖气阀门").await;
    assert!(page["total"].as_i64().unwrap() >= 1, "{page}");
    assert!(page["items"].is_array() && page["total"].is_i64(), "{page}");
    let h = hit(&page, second);
    assert!(h["id"].is_i64(), "{h}");
    assert_eq!(h["title"], "冬季供暖通知");
    assert!(h["snippet"].as_str().unwrap().contains("暖气阀门"), "{h}");
}

async fn a_bad_article_or_paper_issue_is_refused_with_its_reason(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let art = "/api/v1/articles";
    assert_eq!(
        refused(&app, &admin, art, json!({"body": "正文", "published_on": "2026-11-20"})).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "article_title_missing".into())
    );
    assert_eq!(
        refused(
            &app,
            &admin,
            art,
            json!({"title": "标题", "body": "正文", "published_on": "2026-02-30"})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "date_bad".into())
    );
    assert_eq!(
        refused(
            &app,
            &admin,
            art,
            json!({"title": "标题", "body": "正文", "board_id": 999_999, "published_on": "2026-11-20"})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "board_missing".into())
    );

    let a = article(&app, &admin, "第一篇", "正文一").await;
    let b = article(&app, &admin, "第二篇", "正文二").await;
    let paper = "/api/v1/paper-issues";
    assert_eq!(
        refused(
            &app,
            &admin,
            paper,
            json!({"number": 1, "published_on": "2026-11-25", "article_ids": [a, 999_999]})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "paper_article_missing".into())
    );
    assert_eq!(
        refused(
            &app,
            &admin,
            paper,
            json!({"number": 1, "published_on": "2026-11-25", "article_ids": [a, b, a]})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "paper_article_twice".into())
    );
    app.created_id(
        &admin,
        paper,
        json!({"number": 1, "published_on": "2026-11-25", "article_ids": [a]}),
    )
    .await;
    assert_eq!(
        refused(
            &app,
            &admin,
            paper,
            json!({"number": 1, "published_on": "2026-12-25", "article_ids": [b]})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "paper_number_taken".into())
    );
    // Nothing refused was written.
    let (_, list) = app.api_get(&admin, paper).await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, list) = app.api_get(&admin, art).await;
    assert_eq!(list["total"], 2, "{list}");
}

async fn a_search_finds_the_words_in_either_order_but_not_their_characters_elsewhere(
    engine: Engine,
) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let before = app.search_articles(&admin, "q=文明楼道").await["total"].as_i64().unwrap();
    let both =
        article(&app, &admin, "三号楼的变化", "经过全体居民的努力，我们的楼道文明又上了一个台阶。")
            .await;
    // The characters 文…明 and 楼 are there, but not the words 文明 and 楼道.
    let neither = article(&app, &admin, "文件送达", "文件明细送到大楼里，请到三楼领取。").await;
    // One of the two words is not enough: every word of the query is required.
    let one = article(&app, &admin, "社区新风", "倡导文明用语，礼让他人。").await;

    let page = app.search_articles(&admin, "q=文明楼道").await;
    let found = ids(&page);
    assert!(found.contains(&both), "楼道文明 answers 文明楼道: {page}");
    assert!(!found.contains(&neither), "{page}");
    assert!(!found.contains(&one), "{page}");
    assert_eq!(page["total"].as_i64().unwrap(), before + 1, "{page}");
}

async fn title_hits_come_first_and_the_snippet_shows_the_words(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    // The words once in one's title, a dozen times in the other's body. The title hit is
    // written first, so "newest first" would put it second: only the ranking puts it first.
    // (Guards against an engine losing the title's weight in its index.)
    let in_title =
        article(&app, &admin, "文明楼道创建", "本周六上午九点在党群服务中心集合。").await;
    let in_body =
        article(&app, &admin, "居民来信", &"我们单元的楼道很干净，大家都讲文明。".repeat(12)).await;

    let page = app.search_articles(&admin, "q=文明楼道").await;
    let found = ids(&page);
    let t = found.iter().position(|i| *i == in_title).unwrap();
    let b = found.iter().position(|i| *i == in_body).unwrap();
    assert!(t < b, "the title hit comes first: {page}");
    let snippet = hit(&page, in_body)["snippet"].as_str().unwrap().to_string();
    assert!(snippet.contains("楼道") && snippet.contains("文明"), "{snippet}");
}

async fn results_come_twenty_a_page_and_total_counts_them_all(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let before = app.search_articles(&admin, "q=冰灯").await["total"].as_i64().unwrap();
    let mut written = Vec::new();
    for i in 1..=23 {
        written.push(
            article(
                &app,
                &admin,
                &format!("活动简报{i}"),
                &format!("第{i}期：居民们一起制作冰灯。"),
            )
            .await,
        );
    }
    let total = before + 23;
    let first = app.search_articles(&admin, "q=冰灯&page=1").await;
    let second = app.search_articles(&admin, "q=冰灯&page=2").await;
    assert_eq!(first["total"].as_i64(), Some(total), "{first}");
    assert_eq!(second["total"].as_i64(), Some(total), "{second}");
    let (a, b) = (ids(&first), ids(&second));
    assert_eq!(a.len(), 20);
    assert_eq!(b.len() as i64, total - 20);
    let mut all: Vec<i64> = a.into_iter().chain(b).collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len() as i64, total, "no hit on both pages");
    assert!(written.iter().all(|w| all.contains(w)));
}

async fn after_an_update_the_search_finds_the_new_words_and_not_the_old(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let id = article(&app, &admin, "冬季供暖检修", "暖气管道检修安排如下。").await;
    assert!(ids(&app.search_articles(&admin, "q=供暖").await).contains(&id));
    let (status, v) = app
        .api_put(&admin, &format!("/api/v1/articles/{id}"), json!({"title": "春季植树活动", "body": "三月十二日在小区花园植树绿化。", "published_on": "2026-11-20"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let page = app.search_articles(&admin, "q=植树绿化").await;
    assert!(ids(&page).contains(&id), "{page}");
    assert_eq!(hit(&page, id)["title"], "春季植树活动");
    for old in ["供暖", "暖气"] {
        let page = app.search_articles(&admin, &format!("q={old}")).await;
        assert!(!ids(&page).contains(&id), "{old}: {page}");
    }
}

async fn another_communitys_articles_are_not_found_searched_or_printed(engine: Engine) {
    let Some((app, a)) = app_and_token(engine, "admin").await else {
        return;
    };
    app.second_community("dongfeng").await;
    let b = app.token("dongfeng").await;
    let theirs = article(&app, &b, "东风社区文明楼道评比", "楼道文明，人人有责。").await;
    let ours = article(&app, &a, "本社区文明楼道评比", "楼道文明，从我做起。").await;

    let (status, v) = app.api_get(&a, &format!("/api/v1/articles/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let (status, v) = app
        .api_put(
            &a,
            &format!("/api/v1/articles/{theirs}"),
            json!({"title": "改掉", "body": "改掉", "published_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let found = ids(&app.search_articles(&a, "q=文明楼道").await);
    assert!(found.contains(&ours) && !found.contains(&theirs), "{found:?}");
    let found = ids(&app.search_articles(&b, "q=文明楼道").await);
    assert_eq!(found, [theirs], "B sees its own only");
    assert_eq!(
        refused(
            &app,
            &a,
            "/api/v1/paper-issues",
            json!({"number": 1, "published_on": "2026-11-25", "article_ids": [ours, theirs]})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "paper_article_missing".into())
    );
}

async fn a_building_head_finance_keeper_or_liaison_cannot_write_or_search(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let id = article(&app, &worker, "网格员写的稿", "楼道文明新气象。").await;
    assert!(ids(&app.search_articles(&worker, "q=文明楼道").await).contains(&id));
    let (_, list) = app.api_get(&worker, "/api/v1/articles").await;
    let written = list["total"].as_i64().unwrap();
    for user in ["louzhang", "jijin", "gongjian"] {
        let token = app.token(user).await;
        let (status, v) = app
            .api_post(
                &token,
                "/api/v1/articles",
                json!({"title": "我的稿", "body": "正文", "published_on": "2026-11-20"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {v}");
        assert_eq!(v["error"]["code"], "forbidden", "{user}");
        let (status, v) = app.api_get(&token, "/api/v1/articles/search?q=文明楼道").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {v}");
    }
    let (_, list) = app.api_get(&worker, "/api/v1/articles").await;
    assert_eq!(list["total"].as_i64(), Some(written), "nothing refused was written: {list}");
}

async fn a_course_is_found_by_its_description_when_searching_courses(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let course = app
        .created_id(
            &admin,
            "/api/v1/courses",
            json!({"name": "老年大学书法班", "category": "elderly_university", "vocational": false,
               "starts_on": "2026-09-01", "ends_on": "2026-10-31",
               "description": "学习毛笔楷书的基本笔画，每周二下午上课。"}),
        )
        .await;
    let page = app.search_articles(&admin, "q=楷书&kind=course").await;
    assert!(ids(&page).contains(&course), "{page}");
    let h = hit(&page, course);
    assert_eq!(h["title"], "老年大学书法班");
    assert!(h["snippet"].as_str().unwrap().contains("楷书"), "{h}");
    let page = app.search_articles(&admin, "q=楷书&kind=article").await;
    assert!(!ids(&page).contains(&course), "{page}");
    assert_eq!(page["total"], 0, "{page}");
}

// ---- the staff desk (pages) ----

/// A small PNG as a phone's photo picker would send it.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 3) as u8, (y * 4) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Posts the desk's article form (`multipart/form-data`, the CSRF token in the action's
/// query, as the page's form does), with the photos chosen.
async fn post_article_form(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
    photos: Vec<Vec<u8>>,
) -> reqwest::Response {
    let csrf = b.csrf().await;
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (n, p) in photos.into_iter().enumerate() {
        form = form
            .part("photos", reqwest::multipart::Part::bytes(p).file_name(format!("IMG_{n}.png")));
    }
    b.post_upload(path, &csrf, form).await
}

/// The id after `prefix` in `text` (`/publicity/articles/12` → 12).
fn id_after(text: &str, prefix: &str) -> i64 {
    let at = text.find(prefix).unwrap_or_else(|| panic!("{prefix} not in {text}"));
    text[at + prefix.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

const BODY: &str = "## 缘起\n三单元的居民把家里的旧书搬到楼道里。\n- 每周一整理\n- 借书不用登记\n\n**欢迎**大家来看书。";

async fn a_worker_writes_an_article_with_a_photo_on_the_desk_and_the_public_reads_it(
    engine: Engine,
) {
    let Some((app, mut w)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let form = w.get_ok("/publicity/articles/new").await;
    assert!(
        form.contains("value=\"2026-11-27\"") && form.contains("## "),
        "today's date by default, the marks explained: {form}"
    );
    let res = post_article_form(
        &mut w,
        "/publicity/articles/new",
        &[
            ("title", "楼道里的新书架"),
            ("body", BODY),
            ("tags", "文明楼道、读书"),
            ("board_id", ""),
            ("published_on", "2026-11-26"),
            ("author", "网格员小王"),
        ],
        vec![png(80, 60)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = Browser::location(&res);
    let id = id_after(&to, "/publicity/articles/");

    // The staff page shows the body as it will read, and the photo.
    let page = w.get_ok(&to).await;
    assert!(page.contains("<h3>缘起</h3>"), "{page}");
    assert!(page.contains("<li>每周一整理</li>") && page.contains("<strong>欢迎</strong>"));
    let staff_src = format!("/publicity/articles/{id}/photos/");
    let pid = id_after(&page, &staff_src);
    let res = w.get(&format!("{staff_src}{pid}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");

    // The desk lists it with its tags and photo count.
    let (_, desk) = w.get_text("/publicity").await;
    assert!(desk.contains("楼道里的新书架") && desk.contains("1张"), "{desk}");

    // The public reads it in the news, with its photo.
    let mut anyone = app.browser();
    let news = anyone.get_ok("/public/news").await;
    assert!(news.contains("楼道里的新书架"), "{news}");
    let public = anyone.get_ok(&format!("/public/articles/{id}")).await;
    let public_src = format!("/public/articles/{id}/photos/{pid}");
    assert!(public.contains(&public_src), "{public}");
    let at = public.find(&public_src).unwrap();
    let src: String = public[at..].chars().take_while(|c| *c != '"').collect();
    let res = anyone.get(&src.replace("&amp;", "&")).await;
    assert_eq!(res.status(), StatusCode::OK, "{src}");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "re-encoded as a JPEG");
    // The staff photo route is not public.
    let res = anyone.get(&format!("{staff_src}{pid}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn a_refused_article_keeps_what_was_typed_and_says_why_beside_the_field(engine: Engine) {
    let Some((app, mut w)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let before = app.count("SELECT COUNT(*) FROM articles").await;
    let res = post_article_form(
        &mut w,
        "/publicity/articles/new",
        &[
            ("title", ""),
            ("body", BODY),
            ("tags", "读书"),
            ("published_on", "2026-11-26"),
            ("author", "网格员小王"),
        ],
        vec![png(40, 30)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"title-error\""), "beside the title: {page}");
    assert!(page.contains("请填写文章标题"), "{page}");
    assert!(page.contains("三单元的居民把家里的旧书搬到楼道里。"), "the body is kept");
    assert!(page.contains("value=\"网格员小王\"") && page.contains("value=\"读书\""));
    assert!(page.contains("请重新选择"), "the photo must be chosen again: {page}");

    let res = post_article_form(
        &mut w,
        "/publicity/articles/new",
        &[("title", "楼道里的新书架"), ("body", BODY), ("published_on", "2026-02-30")],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"published_on-error\""), "{page}");
    assert!(page.contains("日期看不懂"), "{page}");
    assert!(page.contains("value=\"2026-02-30\"") && page.contains("value=\"楼道里的新书架\""));

    // Seven photos are one too many.
    let res = post_article_form(
        &mut w,
        "/publicity/articles/new",
        &[("title", "七张照片"), ("body", "正文"), ("published_on", "2026-11-26")],
        (0..7).map(|_| png(8, 8)).collect(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"photos-error\"") && page.contains("最多6张"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM articles").await,
        before,
        "nothing refused was written"
    );
}

async fn an_article_changed_on_the_desk_gains_and_loses_photos(engine: Engine) {
    let Some((app, mut w)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let res = post_article_form(
        &mut w,
        "/publicity/articles/new",
        &[("title", "冬季安全提示"), ("body", "请检查燃气阀门。"), ("published_on", "2026-11-26")],
        vec![png(20, 20), png(30, 20)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_after(&Browser::location(&res), "/publicity/articles/");
    let (_, edit) = w.get_text(&format!("/publicity/articles/{id}/edit")).await;
    let first = id_after(&edit, "name=\"remove_photo\" value=\"");
    let res = post_article_form(
        &mut w,
        &format!("/publicity/articles/{id}/edit"),
        &[
            ("title", "冬季用气安全提示"),
            ("body", "请检查燃气阀门和软管。"),
            ("published_on", "2026-11-26"),
            ("remove_photo", &first.to_string()),
        ],
        vec![png(10, 10), png(12, 12)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let admin = app.token("admin").await;
    let (_, a) = app.api_get(&admin, &format!("/api/v1/articles/{id}")).await;
    assert_eq!(a["title"], "冬季用气安全提示");
    let photos = a["photo_ids"].as_array().unwrap();
    assert_eq!(photos.len(), 3, "{a}");
    assert!(!photos.contains(&json!(first)), "{a}");
    assert!(app.audited("article.update").await, "the change is audited");
    // Six in all at most: five more would make eight.
    let res = post_article_form(
        &mut w,
        &format!("/publicity/articles/{id}/edit"),
        &[("title", "冬季用气安全提示"), ("body", "正文"), ("published_on", "2026-11-26")],
        (0..5).map(|_| png(8, 8)).collect(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("最多6张"));
}

async fn a_resident_or_building_head_is_refused_the_desk(engine: Engine) {
    let Some((app, mut w)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let (_, home) = w.get_text("/").await;
    assert!(home.contains("href=\"/publicity\""), "the worker finds the desk");
    for (user, refused) in [("jumin", StatusCode::NOT_FOUND), ("louzhang", StatusCode::FORBIDDEN)] {
        let mut b = app.signed_in(user).await;
        let (_, home) = b.get_text("/").await;
        assert!(!home.contains("href=\"/publicity\""), "{user} has no door to it");
        for path in ["/publicity", "/publicity/articles/new", "/publicity/issues/new"] {
            let (status, _) = b.get_text(path).await;
            assert_eq!(status, refused, "{user} GET {path}");
        }
        let res = post_article_form(
            &mut b,
            "/publicity/articles/new",
            &[("title", "我的稿"), ("body", "正文"), ("published_on", "2026-11-26")],
            Vec::new(),
        )
        .await;
        assert_eq!(res.status(), refused, "{user} posts");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM articles").await, 0);
}

async fn a_paper_issue_composed_on_the_desk_lists_its_articles_in_the_order_given(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let a = article(&app, &admin, "重阳节敬老活动", "社区为八十岁以上老人送去慰问。").await;
    let b = article(&app, &admin, "老年大学开学", "书法班和合唱班开始报名。").await;
    let c = article(&app, &admin, "文明楼道评比结果", "三号楼一单元获评五星。").await;
    app.created_id(
        &admin,
        "/api/v1/paper-issues",
        json!({"number": 7, "published_on": "2026-10-25", "article_ids": [a]}),
    )
    .await;
    let mut w = app.signed_in("wangge1").await;
    let form = w.get_ok("/publicity/issues/new").await;
    assert!(
        form.contains("name=\"number\" type=\"number\" value=\"8\""),
        "the next number is offered: {form}"
    );
    let csrf = w.csrf().await;
    let (a, b, c) = (a.to_string(), b.to_string(), c.to_string());
    let (oa, oc) = (format!("order-{a}"), format!("order-{c}"));

    // Nothing picked: refused, the number and day kept.
    let page = w
        .post_form_answered(
            "/publicity/issues/new",
            &[("_csrf", &csrf), ("number", "8"), ("published_on", "2026-11-25")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(page.contains("请至少选择一篇文章") && page.contains("value=\"2026-11-25\""), "{page}");

    // C first, A second, B (no place typed) after them.
    let to = w
        .post_form_redirected(
            "/publicity/issues/new",
            &[
                ("_csrf", &csrf),
                ("number", "8"),
                ("published_on", "2026-11-25"),
                ("pick", &a),
                ("pick", &b),
                ("pick", &c),
                (&oa, "2"),
                (&oc, "1"),
            ],
        )
        .await;
    let issue = id_after(&to, "/publicity/issues/");
    let page = w.get_ok(&to).await;
    let list = &page[page.find("id=\"issue-articles\"").unwrap()..];
    let at = |title: &str| list.find(title).unwrap_or_else(|| panic!("{title}: {list}"));
    assert!(
        at("文明楼道评比结果") < at("重阳节敬老活动") && at("重阳节敬老活动") < at("老年大学开学")
    );
    assert!(page.contains("《社区报》第8期"), "{page}");
    assert!(
        page.contains(&format!("href=\"/public/paper/{issue}\"")),
        "the printed sheet for residents"
    );
    let (_, list) = app.api_get(&admin, "/api/v1/paper-issues").await;
    let ids: Vec<String> =
        list["items"][0]["article_ids"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
    assert_eq!(ids, [c, a, b]);
}

/// The text of the page's `<main>`, without its tags.
pub(crate) fn main_text(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html[start..end].chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn the_english_desk_shows_no_chinese_label(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let mut b = app.signed_in("admin").await;
    b.get("/settings/lang?to=en&back=%2F").await;
    let csrf = b.csrf().await;
    b.post_form_redirected(
        "/publicity/paper-name",
        &[("_csrf", &csrf), ("paper_name", "Sunrise News")],
    )
    .await;
    b.post_form_redirected(
        "/publicity/boards",
        &[("_csrf", &csrf), ("name", "North gate"), ("location", "by the gate")],
    )
    .await;
    let board = app.count("SELECT MAX(id) FROM publicity_boards").await;
    let id = app.created_id(&admin,
        "/api/v1/articles",
        json!({"title": "Tree planting", "body": "## When\n- Saturday\n**All welcome**", "tags": ["green"],
               "board_id": board, "published_on": "2026-11-20"}),
    )
    .await;
    let later = app.created_id(&admin,
        "/api/v1/articles",
        json!({"title": "Winter heating", "body": "Check the valves.", "published_on": "2026-12-20"}),
    )
    .await;
    let issue = app
        .created_id(
            &admin,
            "/api/v1/paper-issues",
            json!({"number": 1, "published_on": "2026-11-25", "article_ids": [id, later]}),
        )
        .await;
    for path in [
        "/publicity".to_string(),
        "/publicity?q=tree".to_string(),
        "/publicity/articles/new".to_string(),
        format!("/publicity/articles/{id}"),
        format!("/publicity/articles/{id}/edit"),
        format!("/publicity/boards/{board}"),
        "/publicity/issues/new".to_string(),
        format!("/publicity/issues/{issue}"),
    ] {
        let (status, html) = b.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("lang=\"en\""), "{path}");
        // The community's name is its own (the print's masthead shows it), not a label.
        let text = main_text(&html).replace("Xx社区", "");
        let han: String = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).collect();
        assert!(han.is_empty(), "{path} shows Chinese ({han}): {text}");
    }
    // A refused form speaks English too.
    let res = post_article_form(
        &mut b,
        "/publicity/articles/new",
        &[("title", ""), ("body", "Text"), ("published_on", "2026-11-26")],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Please give the article a title"), "{text}");
    assert!(!text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{text}");
}

// ---- the 宣传画廊's boards: rename, retire, delete ----

/// The community's boards as the API lists them (those retired included).
async fn boards(app: &TestApp, token: &str) -> Vec<Value> {
    let v = app.get_ok(token, "/api/v1/publicity-boards").await;
    v["items"].as_array().unwrap().clone()
}

async fn a_board_is_renamed_and_its_articles_show_the_new_name(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let board = new_board(&app, &admin, "文明新风", "北门入口西侧").await;
    new_board(&app, &admin, "居务公开栏", "居委会门口").await;
    let id = app.created_id(&admin,
        "/api/v1/articles",
        json!({"title": "楼道文明创建启动", "body": "本月共有30人参加。", "board_id": board, "published_on": "2026-11-20"}),
    )
    .await;

    let mut w = app.signed_in("wangge1").await;
    let (_, desk) = w.get_text("/publicity").await;
    assert!(
        desk.contains(&format!("href=\"/publicity/boards/{board}\"")),
        "the desk links each board to its page: {desk}"
    );
    let path = format!("/publicity/boards/{board}");
    let page = w.get_ok(&path).await;
    assert!(page.contains("楼道文明创建启动"), "its history: {page}");

    // Another board's name is refused beside the field, what was typed kept.
    let csrf = w.csrf().await;
    let html = w
        .post_form_answered(
            &path,
            &[("_csrf", &csrf), ("name", "居务公开栏"), ("location", "北门")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(html.contains("id=\"name-error\"") && html.contains("已有同名的宣传栏"));
    assert!(html.contains("value=\"北门\""), "the location as typed");
    w.post_form_answered(
        &path,
        &[("_csrf", &csrf), ("name", "新"), ("location", "")],
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    let res = w
        .post_form(&path, &[("_csrf", &csrf), ("name", " 新风长廊 "), ("location", "北门入口东侧")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Browser::location(&res), path);
    let (_, page) = w.get_text(&path).await;
    assert!(page.contains("新风长廊") && page.contains("北门入口东侧"));
    // The article follows its board, on the desk and on the portal.
    let (_, public) = app.browser().get_text(&format!("/public/articles/{id}")).await;
    assert!(public.contains("张贴在：新风长廊（北门入口东侧）"), "{public}");
    assert!(app.audited("publicity_board.rename").await);

    // The API renames too, and answers the board.
    let (status, v) = app
        .api_put(
            &admin,
            &format!("/api/v1/publicity-boards/{board}"),
            json!({"name": "文明新风", "location": "北门入口西侧"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["name"].as_str(), v["retired_on"].is_null()), (Some("文明新风"), true));
    // Another community's admin finds no such board.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    for (method, path, body) in [
        (Method::PUT, format!("/api/v1/publicity-boards/{board}"), json!({"name": "改掉"})),
        (Method::POST, format!("/api/v1/publicity-boards/{board}/retire"), json!({})),
        (
            Method::POST,
            format!("/api/v1/publicity-boards/{board}/delete"),
            json!({"reason": "不要了"}),
        ),
    ] {
        let (status, v) = app.api(&other, method, &path, Some(body)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    assert_eq!(boards(&app, &admin).await[0]["name"], "文明新风");
}

async fn a_board_with_articles_is_refused_deletion_and_retired_with_its_history_kept(
    engine: Engine,
) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let board = new_board(&app, &admin, "科普之窗", "广场东侧").await;
    let published = app.created_id(&admin,
        "/api/v1/articles",
        json!({"title": "冬季取暖小常识", "body": "暖气不热先放气。", "board_id": board, "published_on": "2026-11-20"}),
    )
    .await;
    // Still scheduled: it counts as posted on the board too.
    app.created_id(&admin,
        "/api/v1/articles",
        json!({"title": "春节安全用火", "body": "烟花爆竹不进楼道。", "board_id": board, "published_on": "2026-12-20"}),
    )
    .await;

    // The API refuses the delete and says why.
    let (status, v) = app
        .api_post(
            &admin,
            &format!("/api/v1/publicity-boards/{board}/delete"),
            json!({"reason": "不用了"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "board_has_articles");
    assert!(v["error"]["message"].as_str().unwrap().contains("不能删除"), "{v}");

    // The page offers no delete, says why, and refuses one posted anyway with the count.
    let mut w = app.signed_in("wangge1").await;
    let path = format!("/publicity/boards/{board}");
    let (_, page) = w.get_text(&path).await;
    assert!(
        page.contains("已张贴过2篇文章，不能删除") && !page.contains("id=\"board-delete\""),
        "{page}"
    );
    assert!(page.contains("冬季取暖小常识") && page.contains("春节安全用火"));
    let (status, _) = w.get_text(&format!("{path}/delete")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let csrf = w.csrf().await;
    let html = w
        .post_form_answered(
            &format!("{path}/delete"),
            &[("_csrf", &csrf), ("reason", "不用了")],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        html.contains("role=\"alert\"") && html.contains("这块宣传栏已张贴过2篇文章，不能删除"),
        "{html}"
    );
    assert_eq!(boards(&app, &admin).await.len(), 1, "the board is still there");

    // Retired: kept with its articles, offered to no new article.
    w.post_form_redirected(&format!("{path}/retire"), &[("_csrf", &csrf)]).await;
    let b = &boards(&app, &admin).await[0];
    assert_eq!(b["retired_on"], "2026-11-27", "{b}");
    let (_, page) = w.get_text(&path).await;
    assert!(page.contains("2026-11-27起停用") && page.contains("冬季取暖小常识"));
    let (_, desk) = w.get_text("/publicity").await;
    assert!(desk.contains("id=\"boards-retired\""), "folded on the desk");
    let option = format!("<option value=\"{board}\"");
    let (_, form) = w.get_text("/publicity/articles/new").await;
    assert!(!form.contains(&option), "not offered to a new article");
    let (_, form) = w.get_text(&format!("/publicity/articles/{published}/edit")).await;
    assert!(form.contains(&format!("{option} selected")), "the article on it keeps it: {form}");
    assert_eq!(
        refused(
            &app,
            &admin,
            "/api/v1/articles",
            json!({"title": "新稿", "body": "正文", "board_id": board, "published_on": "2026-11-27"})
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "board_retired".into())
    );
    // A change of the article on it keeps it there.
    let (status, v) = app
        .api_put(&admin, &format!("/api/v1/articles/{published}"), json!({"title": "冬季取暖小常识（修订）", "body": "暖气不热先放气。", "board_id": board, "published_on": "2026-11-20"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, public) = app.browser().get_text(&format!("/public/articles/{published}")).await;
    assert!(public.contains("张贴在：科普之窗"), "its history names it");

    // Back in use.
    let (status, v) =
        app.api_post(&admin, &format!("/api/v1/publicity-boards/{board}/restore"), json!({})).await;
    assert_eq!((status, v["retired_on"].is_null()), (StatusCode::OK, true));
    app.created_id(
        &admin,
        "/api/v1/articles",
        json!({"title": "新稿", "body": "正文", "board_id": board, "published_on": "2026-11-27"}),
    )
    .await;
    let actions = app.audit_actions().await;
    for a in ["publicity_board.retire", "publicity_board.restore"] {
        assert!(actions.contains(&a.to_string()), "{a}");
    }
    assert!(!actions.contains(&"publicity_board.delete".to_string()));
}

async fn an_empty_board_is_deleted_once_confirmed_with_a_reason(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let keep =
        app.created_id(&admin, "/api/v1/publicity-boards", json!({"name": "党建宣传栏"})).await;
    let (mut w, csrf) = app.signed_in_with_csrf("wangge1").await;
    w.post_form_redirected(
        "/publicity/boards",
        &[("_csrf", &csrf), ("name", "党建宣传拦"), ("location", "")],
    )
    .await;
    let typo = boards(&app, &admin).await.iter().find(|b| b["name"] == "党建宣传拦").unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/publicity/boards/{typo}");
    let (_, page) = w.get_text(&path).await;
    assert!(page.contains(&format!("href=\"{path}/delete\"")), "{page}");

    // The confirmation says what happens and asks why.
    let page = w.get_ok(&format!("{path}/delete")).await;
    assert!(page.contains("不能恢复") && page.contains("name=\"reason\""), "{page}");
    assert!(
        w.post_form_answered(
            &format!("{path}/delete"),
            &[("_csrf", &csrf), ("reason", " ")],
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await
        .contains("请写明删除的原因")
    );
    assert_eq!(boards(&app, &admin).await.len(), 2);

    // A building head may not.
    let head = app.token("louzhang").await;
    let (status, _) = app
        .api_post(
            &head,
            &format!("/api/v1/publicity-boards/{typo}/delete"),
            json!({"reason": "建错了"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let res = w
        .post_form(&format!("{path}/delete"), &[("_csrf", &csrf), ("reason", "名称打错了，重建")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Browser::location(&res), "/publicity#boards");
    let left: Vec<i64> =
        boards(&app, &admin).await.iter().map(|b| b["id"].as_i64().unwrap()).collect();
    assert_eq!(left, [keep]);
    assert!(app.audited("publicity_board.delete").await);
    let (status, _) = w.get_text(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Through the API the same way: gone is not found.
    let (status, v) = app
        .api_post(
            &admin,
            &format!("/api/v1/publicity-boards/{typo}/delete"),
            json!({"reason": "再删一次"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
}

// ---- the paper printed with its photos ----

/// Every `src="…"` in `html` that starts with `prefix` (entities as written).
fn srcs(html: &str, prefix: &str) -> Vec<String> {
    html.match_indices(&format!("src=\"{prefix}"))
        .map(|(at, _)| html[at + 5..].chars().take_while(|c| *c != '"').collect::<String>())
        .collect()
}

async fn the_printed_issue_shows_each_articles_photos(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let mut w = app.signed_in("wangge1").await;
    // Two articles with photos (two and one), one without, one not out yet with a photo.
    let mut ids = Vec::new();
    for (title, on, photos) in [
        ("楼道里的新书架", "2026-11-26", vec![png(80, 60), png(60, 80)]),
        ("重阳节走访慰问", "2026-11-25", vec![png(90, 60)]),
        ("冬季取暖小常识", "2026-11-24", vec![]),
        ("新年寄语", "2026-12-31", vec![png(40, 30)]),
    ] {
        let res = post_article_form(
            &mut w,
            "/publicity/articles/new",
            &[("title", title), ("body", BODY), ("published_on", on)],
            photos,
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{title}");
        ids.push(id_after(&Browser::location(&res), "/publicity/articles/"));
    }
    let issue = app
        .created_id(
            &admin,
            "/api/v1/paper-issues",
            json!({"number": 20, "published_on": "2026-11-26", "article_ids": ids}),
        )
        .await;

    // The staff's sheet: every photo under its article's title, loaded at once for the print,
    // with its size so the page does not jump.
    let html = w.get_ok(&format!("/publicity/issues/{issue}")).await;
    let sheet = &html[html.find("id=\"paper-sheet\"").unwrap()..];
    let staff = srcs(sheet, "/publicity/articles/");
    assert_eq!(staff.len(), 4, "{staff:?}");
    for (n, a) in [(2, ids[0]), (1, ids[1]), (1, ids[3])] {
        let of = format!("/publicity/articles/{a}/photos/");
        assert_eq!(staff.iter().filter(|s| s.starts_with(&of)).count(), n, "{a}");
    }
    assert_eq!(sheet.matches("paper-photos paper-photos-one").count(), 2);
    assert!(!sheet.contains("loading=\"lazy\""), "no lazy photo in the print");
    assert!(sheet.contains("width=\"80\" height=\"60\""), "{sheet}");
    let first_title = sheet.find("楼道里的新书架").unwrap();
    let first_photo = sheet.find(&staff[0]).unwrap();
    let first_body = sheet[first_title..].find("缘起").unwrap() + first_title;
    assert!(
        first_title < first_photo && first_photo < first_body,
        "under the title, above the text"
    );
    let res = w.get(&staff[0]).await;
    assert_eq!(res.headers()["content-type"], "image/jpeg");

    // The public's sheet: the published articles' photos, each found; the one not out yet waits.
    let mut anyone = app.browser();
    let html = anyone.get_ok(&format!("/public/paper/{issue}")).await;
    let public = srcs(&html, "/public/articles/");
    assert_eq!(public.len(), 3, "{public:?}");
    assert!(!public.iter().any(|s| s.contains(&format!("/public/articles/{}/", ids[3]))));
    for src in &public {
        let res = anyone.get(&src.replace("&amp;", "&")).await;
        assert_eq!(res.status(), StatusCode::OK, "{src}");
    }
}
