//! The search's bounded paths (migration 0021): a query whose words are in more than the rank
//! cap's documents is ordered title hits first, then newest first, through the ordered index;
//! fewer are ranked. Both paths must find the same documents, keep to the community and the
//! filters, page without overlap or gap, and follow updates and removals. The store's
//! `search::find` takes the cap as a parameter, so these tests take the large path with a
//! handful of articles (cap 0) and compare it with the ranked path (the real cap).

use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_token};
use linli_store::Tenant;
use linli_store::search::{self, Doc, Found, Query, RANK_CAP};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

both_engines!(
    another_communitys_matching_articles_are_never_found_or_counted,
    the_large_path_puts_title_hits_first_then_newest_and_pages_neither_overlap_nor_skip,
    kind_and_public_day_filters_hold_on_both_paths,
    an_updated_or_removed_article_leaves_the_index_consistent,
    common_words_with_few_matches_together_are_ranked_in_full,
);

async fn article(app: &TestApp, token: &str, title: &str, body: &str, day: &str) -> i64 {
    app.created_id(
        token,
        "/api/v1/articles",
        json!({"title": title, "body": body, "published_on": day}),
    )
    .await
}

/// The community an article is in (from the index).
async fn community_of(app: &TestApp, article: i64) -> Tenant {
    let id = app
        .number(
            "SELECT community_id FROM search_docs WHERE kind = 'article' AND ref_id = ?",
            linli_store::params![article],
        )
        .await;
    Tenant::new(id)
}

struct Ask<'a> {
    words: &'a str,
    kind: Option<&'static str>,
    public_on: Option<&'static str>,
    cap: i64,
}

impl<'a> Ask<'a> {
    fn new(words: &'a str, cap: i64) -> Self {
        Ask { words, kind: None, public_on: None, cap }
    }
}

async fn find(app: &TestApp, t: Tenant, ask: &Ask<'_>, limit: i64, offset: i64) -> Found {
    let terms = linli_core::publicity::query_terms(ask.words);
    let (kind, public_on, cap) = (ask.kind, ask.public_on, ask.cap);
    app.db
        .read(move |c| {
            search::find(
                c,
                t,
                &Query { terms: &terms, kind, public_on, limit, offset, rank_cap: cap },
            )
        })
        .await
        .unwrap()
}

/// Every page of a search, two at a time, as (kind, ref_id, in_title); and the first page's
/// total and lower-bound flag.
async fn all_pages(
    app: &TestApp,
    t: Tenant,
    ask: &Ask<'_>,
) -> (Vec<(String, i64, bool)>, i64, bool) {
    let first = find(app, t, ask, 2, 0).await;
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = find(app, t, ask, 2, offset).await;
        if page.hits.is_empty() {
            break;
        }
        assert_eq!(page.total, first.total, "the total is the same on every page");
        out.extend(page.hits.into_iter().map(|h| (h.kind, h.ref_id, h.in_title)));
        offset += 2;
        assert!(offset < 200, "pages never end");
    }
    (out, first.total, first.total_more)
}

fn set(hits: &[(String, i64, bool)]) -> BTreeSet<(String, i64)> {
    hits.iter().map(|(k, id, _)| (k.clone(), *id)).collect()
}

async fn another_communitys_matching_articles_are_never_found_or_counted(engine: Engine) {
    let Some((app, a)) = app_and_token(engine, "admin").await else {
        return;
    };
    app.second_community("dongfeng").await;
    let b = app.token("dongfeng").await;
    let mut theirs = Vec::new();
    for i in 0..5 {
        theirs.push(
            article(&app, &b, &format!("楼道清理第{i}次"), "志愿者清理楼道杂物。", "2026-11-21")
                .await,
        );
    }
    let mut ours = Vec::new();
    for i in 0..3 {
        ours.push(
            article(&app, &a, &format!("社区简讯{i}"), "志愿者清理楼道杂物。", "2026-11-20").await,
        );
    }
    let page = app.search_articles(&a, "q=楼道").await;
    assert_eq!(page["total"], 3, "{page}");
    assert_eq!(page["total_more"], false, "{page}");
    let t = community_of(&app, ours[0]).await;
    for cap in [0, RANK_CAP] {
        for words in ["楼道", "楼道 志愿者", "清理 楼道 杂物"] {
            let (hits, total, more) = all_pages(&app, t, &Ask::new(words, cap)).await;
            let found: BTreeSet<i64> = hits.iter().map(|h| h.1).collect();
            assert_eq!(found, ours.iter().copied().collect(), "{words} cap {cap}");
            if more {
                assert!(cap == 0 && total == 0, "a lower bound only past the cap");
            } else {
                assert_eq!(total, 3, "{words} cap {cap}: only our articles are counted");
            }
        }
    }
}

async fn the_large_path_puts_title_hits_first_then_newest_and_pages_neither_overlap_nor_skip(
    engine: Engine,
) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    // (title, day): 植树 in every body; in some titles.
    let made = [
        ("植树宣传", "2026-11-01"),
        ("楼道清理", "2026-11-10"),
        ("植树督导", "2026-11-05"),
        ("重阳节慰问", "2026-11-10"),
        ("消防演练", "2026-10-01"),
        ("植树积分", "2026-11-05"),
        ("读书会", "2026-11-12"),
    ];
    let mut ids = Vec::new();
    for (title, day) in made {
        ids.push(article(&app, &admin, title, "居民参加植树，种下树苗。", day).await);
    }
    let t = community_of(&app, ids[0]).await;
    // Title hits newest first (same day: the later id first), then the rest newest first.
    let mut expected: Vec<(usize, bool)> =
        made.iter().enumerate().map(|(i, (title, _))| (i, title.contains("植树"))).collect();
    expected.sort_by(|(i, ti), (j, tj)| {
        tj.cmp(ti).then(made[*j].1.cmp(made[*i].1)).then(ids[*j].cmp(&ids[*i]))
    });
    let expected: Vec<(String, i64, bool)> = expected
        .into_iter()
        .map(|(i, in_title)| ("article".to_string(), ids[i], in_title))
        .collect();

    let (large, total, more) = all_pages(&app, t, &Ask::new("植树", 0)).await;
    assert_eq!(large, expected, "title hits first, then newest first, no page overlaps");
    assert_eq!((total, more), (7, false), "one word: the exact total");

    let (ranked, total, more) = all_pages(&app, t, &Ask::new("植树", RANK_CAP)).await;
    assert_eq!(set(&ranked), set(&expected), "both paths find the same documents");
    assert_eq!((total, more), (7, false));
    assert!(ranked.iter().take(3).all(|h| h.2), "ranked: title hits first too");

    // Several words past the cap: no title holds both, so newest first; the total a lower
    // bound.
    let mut newest: Vec<(String, i64, bool)> =
        expected.iter().map(|(k, id, _)| (k.clone(), *id, false)).collect();
    newest.sort_by_key(|(_, id, _)| {
        let i = ids.iter().position(|x| x == id).unwrap();
        std::cmp::Reverse((made[i].1, *id))
    });
    let (large, total, more) = all_pages(&app, t, &Ask::new("居民 植树", 0)).await;
    assert_eq!(large, newest);
    assert!(more && total <= 7, "{total} {more}");
    // A page past the title hits starts the rest where it should.
    let page = find(&app, t, &Ask::new("植树", 0), 3, 4).await;
    let got: Vec<i64> = page.hits.iter().map(|h| h.ref_id).collect();
    let want: Vec<i64> = expected[4..7].iter().map(|h| h.1).collect();
    assert_eq!(got, want);
}

/// Puts a document straight into the index (kinds and public flags the API does not make).
async fn put(
    app: &TestApp,
    t: Tenant,
    kind: &'static str,
    ref_id: i64,
    title: &'static str,
    day: &'static str,
    public: bool,
) {
    app.db
        .write(move |c| {
            search::put(
                c,
                t,
                &Doc {
                    kind,
                    ref_id,
                    title,
                    body: "书法班招收学员，欢迎报名。",
                    published_on: day,
                    public,
                },
            )
        })
        .await
        .unwrap();
}

/// (kind, public on day, the documents found).
type Case = (Option<&'static str>, Option<&'static str>, Vec<(&'static str, i64)>);

async fn kind_and_public_day_filters_hold_on_both_paths(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let first = article(&app, &admin, "书法展", "书法班学员作品展出。", "2026-11-20").await;
    let t = community_of(&app, first).await;
    put(&app, t, "course", 9001, "书法入门", "2026-11-01", true).await;
    put(&app, t, "course", 9002, "书法提高", "2026-11-02", false).await;
    put(&app, t, "course", 9003, "书法大师课", "2026-12-24", true).await;
    put(&app, t, "paper_issue", 9004, "第九期", "2026-11-03", true).await;
    put(&app, t, "article", 9005, "书法草稿", "2026-11-04", false).await;

    let cases: [Case; 4] = [
        (
            None,
            None,
            vec![
                ("article", first),
                ("course", 9001),
                ("course", 9002),
                ("course", 9003),
                ("paper_issue", 9004),
                ("article", 9005),
            ],
        ),
        (Some("course"), None, vec![("course", 9001), ("course", 9002), ("course", 9003)]),
        (
            None,
            Some("2026-11-30"),
            vec![("article", first), ("course", 9001), ("paper_issue", 9004)],
        ),
        (Some("course"), Some("2026-11-30"), vec![("course", 9001)]),
    ];
    for (kind, public_on, want) in cases {
        let want: BTreeSet<(String, i64)> =
            want.iter().map(|(k, id)| (k.to_string(), *id)).collect();
        for cap in [0, RANK_CAP] {
            let ask = Ask { words: "书法", kind, public_on, cap };
            let (hits, total, more) = all_pages(&app, t, &ask).await;
            assert_eq!(set(&hits), want, "{kind:?} {public_on:?} cap {cap}");
            assert_eq!(hits.len(), want.len(), "no document twice");
            assert_eq!(
                (total, more),
                (want.len() as i64, false),
                "{kind:?} {public_on:?} cap {cap}"
            );
        }
    }
}

async fn an_updated_or_removed_article_leaves_the_index_consistent(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let keep = article(&app, &admin, "冬季供暖", "暖气检修安排。", "2026-11-10").await;
    let id = article(&app, &admin, "冬季供暖检修", "暖气管道检修安排如下。", "2026-11-20").await;
    let t = community_of(&app, id).await;
    let (status, v) = app
        .api_put(&admin, &format!("/api/v1/articles/{id}"), json!({"title": "春季植树活动", "body": "三月十二日在小区花园植树。", "published_on": "2026-03-12"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    for cap in [0, RANK_CAP] {
        let (hits, total, _) = all_pages(&app, t, &Ask::new("供暖", cap)).await;
        assert_eq!((set(&hits), total), (set(&[("article".into(), keep, true)]), 1), "cap {cap}");
        let (hits, total, _) = all_pages(&app, t, &Ask::new("植树", cap)).await;
        assert_eq!((set(&hits), total), (set(&[("article".into(), id, true)]), 1), "cap {cap}");
    }
    app.db.write(move |c| search::remove(c, "article", id)).await.unwrap();
    for cap in [0, RANK_CAP] {
        let found = find(&app, t, &Ask::new("植树", cap), 20, 0).await;
        assert_eq!((found.hits.len(), found.total), (0, 0), "cap {cap}");
        let (hits, total, _) = all_pages(&app, t, &Ask::new("检修", cap)).await;
        assert_eq!((set(&hits), total), (set(&[("article".into(), keep, false)]), 1));
    }
    // The per-term counts went back down with the update and the removal.
    let left = app
        .count("SELECT CAST(COALESCE(SUM(docs), 0) AS BIGINT) FROM search_terms WHERE term IN ('植树', '管道', '花园')")
        .await;
    assert_eq!(left, 0);
    if engine == Engine::Postgres {
        // Its postings went with it: the lists of its words alone are deleted, not left empty.
        let rows = app
            .count(
                "SELECT COUNT(*) FROM search_fts_postings WHERE term IN ('植树', '管道', '花园')",
            )
            .await;
        assert_eq!(rows, 0);
    }
}

/// Words each in more documents than the cap whose matches together are fewer: every match
/// is ranked (title hits first), the total is exact, and another community's documents with
/// both words stay out; the same as with the cap raised past every word.
async fn common_words_with_few_matches_together_are_ranked_in_full(engine: Engine) {
    let Some((app, a)) = app_and_token(engine, "admin").await else {
        return;
    };
    app.second_community("dongfeng").await;
    let b = app.token("dongfeng").await;
    for i in 0..2 {
        article(&app, &b, &format!("植树活动{i}"), "楼道 植树 志愿者", "2026-11-22").await;
    }
    let mut ours = Vec::new();
    for i in 0..4 {
        ours.push(article(&app, &a, &format!("简讯{i}"), "植树 志愿者", "2026-11-01").await);
        ours.push(article(&app, &a, &format!("通知{i}"), "楼道 清理", "2026-11-02").await);
    }
    let body_hit = article(&app, &a, "社区简讯", "楼道里的植树宣传", "2026-11-05").await;
    let title_hit = article(&app, &a, "楼道植树", "宣传", "2026-11-03").await;
    let t = community_of(&app, title_hit).await;
    // 植树 and 楼道 are each in 6 of our documents, together in 2: cap 3 sits between.
    let want =
        vec![("article".to_string(), title_hit, true), ("article".to_string(), body_hit, false)];
    for cap in [3, RANK_CAP] {
        let found = find(&app, t, &Ask::new("植树 楼道", cap), 20, 0).await;
        let got: Vec<(String, i64, bool)> =
            found.hits.into_iter().map(|h| (h.kind, h.ref_id, h.in_title)).collect();
        assert_eq!(got, want, "cap {cap}: both matches, the title hit first");
        assert_eq!((found.total, found.total_more), (2, false), "cap {cap}");
    }
}
