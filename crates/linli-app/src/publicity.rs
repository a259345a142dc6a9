//! Publicity (宣传, issue 17): articles with photos and simple formatting, the 宣传画廊's
//! boards, the community paper's issues, and Chinese full-text search over articles, paper
//! issues and course descriptions — for staff, and for the public portal (published only).

use crate::learning::Created;
use crate::{Actor, App, Error, Result, clip};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::publicity as rules;
use linli_store::Tenant;
use linli_store::publicity::{self as store, Article, ArticleFields, Board, PaperIssue};
use linli_store::search::{self, Doc};
use serde::{Deserialize, Serialize};
use serde_json::json;

async fn keeper(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ManagePublicity).await
}

/// An article as written (the `articles_create` contract, plus author and photos through the
/// pages).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ArticleDraft {
    #[serde(default)]
    pub title: String,
    /// Plain text; a line starting "## " is a heading, "- " a list item, **text** is bold.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// The 宣传画廊 board it is posted on.
    #[serde(default)]
    pub board_id: Option<i64>,
    /// The day it is published (shown on the public portal from then on).
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub author: Option<String>,
}

struct Checked {
    title: String,
    body: String,
    tags: Vec<String>,
    author: String,
    board_id: Option<i64>,
    on: NaiveDate,
}

/// `current`: the board the article is on now (a changed article may stay on its board after
/// the board is retired; nothing new is posted on a retired board).
async fn check(app: &App, t: Tenant, d: ArticleDraft, current: Option<i64>) -> Result<Checked> {
    let (title, body, tags) = rules::check_article(&d.title, &d.body, &d.tags.unwrap_or_default())
        .map_err(|e| Error::invalid(e.code(), e.field()))?;
    let on = linli_core::dates::parse_date(d.published_on.trim())
        .ok_or(Error::invalid("date_bad", "published_on"))?;
    if let Some(b) = d.board_id {
        let board = app
            .read(move |c| store::board(c, t, b))
            .await
            .map_err(|e| e.or_invalid("board_missing", "board_id"))?;
        if board.retired_on.is_some() && current != Some(b) {
            return Err(Error::invalid("board_retired", "board_id"));
        }
    }
    Ok(Checked {
        title,
        body,
        tags,
        author: clip(d.author.as_deref(), 40),
        board_id: d.board_id,
        on,
    })
}

fn doc<'a>(kind: &'a str, id: i64, title: &'a str, body: &'a str, on: &'a str) -> Doc<'a> {
    Doc { kind, ref_id: id, title, body, published_on: on, public: true }
}

/// Writes an article with its photos (re-encoded by the caller), indexed for search in the
/// same transaction.
pub async fn create_article(
    app: &App,
    actor: &Actor,
    d: ArticleDraft,
    photos: Vec<crate::partners::Photo>,
) -> Result<Created> {
    let t = keeper(app, actor).await?;
    if photos.len() > PHOTOS_PER_ARTICLE {
        return Err(Error::invalid("photo_too_many", "photos"));
    }
    let a = check(app, t, d, None).await?;
    app.write(actor, move |tx| {
        let on = a.on.to_string();
        let id = store::add_article(
            tx.c,
            t,
            &ArticleFields {
                title: &a.title,
                body: &a.body,
                author: &a.author,
                tags: &a.tags,
                board_id: a.board_id,
                published_on: &on,
            },
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        let n = photos.len();
        for p in photos {
            store::add_photo(tx.c, t, id, p, tx.actor.now)?;
        }
        search::put(tx.c, t, &doc("article", id, &a.title, &rules::plain_body(&a.body), &on))?;
        tx.audit(
            t,
            "article.create",
            "article",
            id,
            json!({"title": a.title, "published_on": on, "board_id": a.board_id, "photos": n}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// How many photos an article may carry.
pub const PHOTOS_PER_ARTICLE: usize = 6;

/// Changes an article (its photos stay); the index follows in the same transaction.
pub async fn update_article(app: &App, actor: &Actor, id: i64, d: ArticleDraft) -> Result<()> {
    revise_article(app, actor, id, d, Vec::new(), Vec::new()).await
}

/// An article with its photos and the paper issues it is printed in.
pub struct ArticleView {
    pub article: Article,
    pub photos: Vec<i64>,
    pub issues: Vec<(i64, i64)>,
    pub board: Option<Board>,
}

async fn load_article(app: &App, t: Tenant, id: i64) -> Result<ArticleView> {
    app.read(move |c| {
        let article = store::article(c, t, id)?;
        let board = match article.board_id {
            Some(b) => Some(store::board(c, t, b)?),
            None => None,
        };
        Ok::<_, Error>(ArticleView {
            photos: store::photos_of(c, t, id)?,
            issues: store::issues_of(c, t, id)?,
            board,
            article,
        })
    })
    .await
}

pub async fn article(app: &App, actor: &Actor, id: i64) -> Result<ArticleView> {
    let t = keeper(app, actor).await?;
    load_article(app, t, id).await
}

/// A published article for the public portal (not found before its publish date).
pub async fn public_article(
    app: &App,
    t: Tenant,
    today: NaiveDate,
    id: i64,
) -> Result<ArticleView> {
    let v = load_article(app, t, id).await?;
    let on = v.article.published_on;
    if !rules::is_published(on, today) {
        return Err(Error::NotFound);
    }
    Ok(v)
}

/// A photo of an article (`today`: for the public, of a published article only).
pub async fn photo(
    app: &App,
    t: Tenant,
    today: Option<NaiveDate>,
    article_id: i64,
    photo_id: i64,
) -> Result<Vec<u8>> {
    let (of, bytes) = app.read(move |c| store::photo(c, t, photo_id)).await?;
    if of != article_id {
        return Err(Error::NotFound);
    }
    if let Some(today) = today {
        public_article(app, t, today, article_id).await?;
    }
    Ok(bytes)
}

pub async fn staff_photo(
    app: &App,
    actor: &Actor,
    article_id: i64,
    photo_id: i64,
) -> Result<Vec<u8>> {
    let t = keeper(app, actor).await?;
    photo(app, t, None, article_id, photo_id).await
}

/// A page of articles, newest first, with each one's first photo.
pub struct ArticlePage {
    pub items: Vec<Article>,
    pub total: i64,
    pub covers: Vec<(i64, i64)>,
}

pub const PER_PAGE: i64 = 20;

async fn page_of(app: &App, t: Tenant, up_to: Option<String>, page: i64) -> Result<ArticlePage> {
    let offset = linli_store::page_offset(page, PER_PAGE);
    app.read(move |c| {
        let (items, total) = store::articles(c, t, up_to.as_deref(), PER_PAGE, offset)?;
        let ids: Vec<i64> = items.iter().map(|a| a.id).collect();
        Ok::<_, Error>(ArticlePage { covers: store::first_photos(c, t, &ids)?, items, total })
    })
    .await
}

pub async fn articles(app: &App, actor: &Actor, page: i64) -> Result<ArticlePage> {
    let t = keeper(app, actor).await?;
    page_of(app, t, None, page).await
}

pub async fn public_articles(
    app: &App,
    t: Tenant,
    today: NaiveDate,
    page: i64,
) -> Result<ArticlePage> {
    page_of(app, t, Some(today.to_string()), page).await
}

// ---- boards ----

/// A 宣传画廊 board with what is on it now and before.
pub struct BoardView {
    pub board: Board,
    /// Published by today, newest first (the first is what is on it now), at most 20.
    pub articles: Vec<Article>,
    /// Every article ever posted on it, those still scheduled included.
    pub total: i64,
    /// Nothing new for longer than the community's interval (a month).
    pub stale: bool,
}

async fn boards_of(app: &App, t: Tenant, today: NaiveDate) -> Result<Vec<BoardView>> {
    let day = today.to_string();
    let (list, counts) = app
        .read(move |c| {
            let mut out = Vec::new();
            for b in store::boards(c, t)? {
                let a = store::board_articles(c, t, b.id, &day)?;
                out.push((b, a));
            }
            Ok::<_, Error>((out, store::board_article_counts(c, t)?))
        })
        .await?;
    Ok(list
        .into_iter()
        .map(|(board, articles)| BoardView {
            stale: linli_core::corridors::stale(
                articles.first().map(|a| a.published_on),
                today,
                linli_core::corridors::DEFAULT_STALE_DAYS,
            ),
            total: counts.iter().find(|(b, _)| *b == board.id).map_or(0, |(_, n)| *n),
            board,
            articles,
        })
        .collect())
}

/// The desk's boards, those retired included (in display order; the page folds them away).
pub async fn boards(app: &App, actor: &Actor) -> Result<Vec<BoardView>> {
    let t = keeper(app, actor).await?;
    boards_of(app, t, actor.today()).await
}

/// The boards in use, for the public portal (a retired board is not shown).
pub async fn public_boards(app: &App, t: Tenant, today: NaiveDate) -> Result<Vec<BoardView>> {
    Ok(boards_of(app, t, today)
        .await?
        .into_iter()
        .filter(|b| b.board.retired_on.is_none())
        .collect())
}

/// The boards, those retired included (`retired_on` says which): the article form offers the
/// boards in use, and a retired one only to the article already on it.
pub async fn board_choices(app: &App, actor: &Actor) -> Result<Vec<Board>> {
    let t = keeper(app, actor).await?;
    app.read(move |c| store::boards(c, t)).await
}

/// A board (the `publicity_boards_create` and `publicity_boards_update` contracts): its name
/// and where it stands.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct BoardDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
}

fn checked_board(d: &BoardDraft) -> Result<(String, String)> {
    rules::check_board(&d.name, d.location.as_deref().unwrap_or_default())
        .map_err(|e| Error::Invalid { code: e.code(), field: e.field() })
}

pub async fn create_board(app: &App, actor: &Actor, d: BoardDraft) -> Result<Created> {
    let t = keeper(app, actor).await?;
    let (name, location) = checked_board(&d)?;
    app.write(actor, move |tx| {
        if store::board_name_taken(tx.c, t, &name, None)? {
            return Err(Error::invalid("board_name_taken", "name"));
        }
        let id = store::add_board(tx.c, t, &name, &location, tx.actor.now)?;
        tx.audit(
            t,
            "publicity_board.create",
            "publicity_board",
            id,
            json!({"name": name, "location": location}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// A board with its whole history, for its page on the desk.
pub struct BoardPage {
    pub board: Board,
    /// Every article ever posted on it (those scheduled included).
    pub total: i64,
    /// The latest of them, newest first.
    pub history: Vec<Article>,
}

/// How many of a board's articles its page lists.
pub const BOARD_HISTORY: i64 = 50;

pub async fn board(app: &App, actor: &Actor, id: i64) -> Result<BoardPage> {
    let t = keeper(app, actor).await?;
    app.read(move |c| {
        Ok::<_, Error>(BoardPage {
            board: store::board(c, t, id)?,
            total: store::board_article_count(c, t, id)?,
            history: store::board_history(c, t, id, BOARD_HISTORY)?,
        })
    })
    .await
}

/// Renames a board (and says where it stands now). Its articles follow it: they name it by
/// its id, so the portal and the desk show the new name on them at once.
pub async fn rename_board(app: &App, actor: &Actor, id: i64, d: BoardDraft) -> Result<()> {
    let t = keeper(app, actor).await?;
    // Another community's board is not found, whatever the form says.
    app.read(move |c| store::board(c, t, id)).await?;
    let (name, location) = checked_board(&d)?;
    app.write(actor, move |tx| {
        let before = store::board(tx.c, t, id)?;
        if store::board_name_taken(tx.c, t, &name, Some(id))? {
            return Err(Error::invalid("board_name_taken", "name"));
        }
        store::rename_board(tx.c, t, id, &name, &location)?;
        tx.audit_change(
            t,
            "publicity_board.rename",
            "publicity_board",
            id,
            Some(json!({"name": before.name, "location": before.location})),
            json!({"name": name, "location": location}),
        )
    })
    .await
}

/// Deletes a board nothing was ever posted on, with the reason typed. A board with articles
/// is refused (`board_has_articles`, 409): its articles are its history and a community
/// worker must never lose them by a delete; rename it, or retire it.
pub async fn delete_board(app: &App, actor: &Actor, id: i64, reason: &str) -> Result<()> {
    let t = keeper(app, actor).await?;
    let reason = clip(Some(reason), 200);
    app.write(actor, move |tx| {
        let before = store::board(tx.c, t, id)?;
        let n = store::board_article_count(tx.c, t, id)?;
        rules::may_delete_board(n).map_err(|e| Error::conflict(e.code()))?;
        if reason.is_empty() {
            return Err(Error::invalid("board_delete_reason_missing", "reason"));
        }
        store::delete_board(tx.c, t, id)?;
        tx.audit_change(
            t,
            "publicity_board.delete",
            "publicity_board",
            id,
            Some(json!({"name": before.name, "location": before.location})),
            json!({"reason": reason}),
        )
    })
    .await
}

/// Retires a board from today: no new article is posted on it (and [`public_boards`] leaves
/// it out); its articles keep naming it. Retiring a retired board changes nothing.
pub async fn retire_board(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let t = keeper(app, actor).await?;
    let day = actor.today();
    app.write(actor, move |tx| {
        let before = store::board(tx.c, t, id)?;
        if before.retired_on.is_some() {
            return Ok(());
        }
        store::set_board_retired(tx.c, t, id, Some(day))?;
        tx.audit(
            t,
            "publicity_board.retire",
            "publicity_board",
            id,
            json!({"name": before.name, "retired_on": day}),
        )
    })
    .await
}

/// Puts a retired board back in use.
pub async fn restore_board(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let t = keeper(app, actor).await?;
    app.write(actor, move |tx| {
        let before = store::board(tx.c, t, id)?;
        let Some(retired_on) = before.retired_on else {
            return Ok(());
        };
        store::set_board_retired(tx.c, t, id, None)?;
        tx.audit_change(
            t,
            "publicity_board.restore",
            "publicity_board",
            id,
            Some(json!({"retired_on": retired_on})),
            json!({"name": before.name, "retired_on": null}),
        )
    })
    .await
}

// ---- the paper ----

/// A paper issue (the `paper_issues_create` contract): its number, day and articles in order.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PaperIssueDraft {
    #[serde(default)]
    pub number: i64,
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub article_ids: Vec<i64>,
}

pub async fn create_issue(app: &App, actor: &Actor, d: PaperIssueDraft) -> Result<Created> {
    let t = keeper(app, actor).await?;
    rules::check_issue(d.number, &d.article_ids).map_err(|e| {
        Error::invalid(
            e.code(),
            match e {
                rules::IssueError::NumberBad => "number",
                _ => "article_ids",
            },
        )
    })?;
    let on = linli_core::dates::parse_date(d.published_on.trim())
        .ok_or(Error::invalid("date_bad", "published_on"))?;
    let ids = d.article_ids.clone();
    let found = app.read(move |c| store::existing(c, t, &ids)).await?;
    if found.len() != d.article_ids.len() {
        return Err(Error::invalid("paper_article_missing", "article_ids"));
    }
    let number = d.number;
    if app.read(move |c| store::number_taken(c, t, number)).await? {
        return Err(Error::invalid("paper_number_taken", "number"));
    }
    let paper = app.read(move |c| store::paper_name(c, t)).await?;
    app.write(actor, move |tx| {
        let id = store::add_issue(
            tx.c,
            t,
            number,
            on,
            &d.article_ids,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        // The issue is found by its number and its articles' titles.
        let mut titles = Vec::new();
        for a in &d.article_ids {
            titles.push(store::article(tx.c, t, *a)?.title);
        }
        let title = issue_title(&paper, number);
        search::put(tx.c, t, &doc("paper_issue", id, &title, &titles.join("\n"), &on.to_string()))?;
        tx.audit(
            t,
            "paper_issue.create",
            "paper_issue",
            id,
            json!({"number": number, "published_on": on, "article_ids": d.article_ids}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// 《阳光之家报》第12期 (the paper's name, or 社区报 when none is set).
pub fn issue_title(paper: &str, number: i64) -> String {
    let name = if paper.is_empty() { "社区报" } else { paper };
    format!("《{}》第{}期", name.trim_start_matches('《').trim_end_matches('》'), number)
}

/// An issue with its articles in print order.
pub struct IssueView {
    pub paper: String,
    pub issue: PaperIssue,
    pub articles: Vec<Article>,
    /// Every photo of its articles, in order: (article id, photo id, width, height).
    pub photos: Vec<(i64, i64, i64, i64)>,
}

async fn load_issue(app: &App, t: Tenant, id: i64) -> Result<IssueView> {
    app.read(move |c| {
        let issue = store::issue(c, t, id)?;
        let mut articles = Vec::new();
        for a in &issue.article_ids {
            articles.push(store::article(c, t, *a)?);
        }
        Ok::<_, Error>(IssueView {
            paper: store::paper_name(c, t)?,
            photos: store::photos_of_articles(c, t, &issue.article_ids)?,
            issue,
            articles,
        })
    })
    .await
}

pub async fn issue(app: &App, actor: &Actor, id: i64) -> Result<IssueView> {
    let t = keeper(app, actor).await?;
    load_issue(app, t, id).await
}

pub async fn public_issue(app: &App, t: Tenant, today: NaiveDate, id: i64) -> Result<IssueView> {
    let mut v = load_issue(app, t, id).await?;
    if v.issue.published_on > today {
        return Err(Error::NotFound);
    }
    // The public photo of an article not published yet is not found: its photos wait too.
    let waiting: Vec<i64> =
        v.articles.iter().filter(|a| a.published_on > today).map(|a| a.id).collect();
    v.photos.retain(|(a, ..)| !waiting.contains(a));
    Ok(v)
}

/// The paper's name and its issues, newest first.
pub async fn issues(app: &App, actor: &Actor) -> Result<(String, Vec<PaperIssue>)> {
    let t = keeper(app, actor).await?;
    app.read(move |c| Ok::<_, Error>((store::paper_name(c, t)?, store::issues(c, t, None)?))).await
}

pub async fn public_issues(
    app: &App,
    t: Tenant,
    today: NaiveDate,
) -> Result<(String, Vec<PaperIssue>)> {
    let day = today.to_string();
    app.read(move |c| Ok::<_, Error>((store::paper_name(c, t)?, store::issues(c, t, Some(&day))?)))
        .await
}

pub async fn set_paper_name(app: &App, actor: &Actor, name: &str) -> Result<()> {
    let t = keeper(app, actor).await?;
    let name = clip(Some(name), 20).trim_start_matches('《').trim_end_matches('》').to_string();
    if name.chars().count() < 2 {
        return Err(Error::invalid("paper_name_missing", "paper_name"));
    }
    app.write(actor, move |tx| {
        store::set_paper_name(tx.c, t, &name)?;
        tx.audit_collection(
            t,
            "publicity.settings",
            "publicity_settings",
            json!({"paper_name": name}),
        )
    })
    .await
}

// ---- search ----

/// A search hit (the `articles_search` contract: `{id, title, snippet}`, plus what it is).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SearchHit {
    pub id: i64,
    /// `article`, `paper_issue`, `course`.
    pub kind: String,
    pub title: String,
    /// Plain text around the first hit.
    pub snippet: String,
    /// The snippet cut into pieces, the hits marked (for highlighting).
    pub pieces: Vec<rules::Piece>,
    pub published_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    pub total: i64,
    /// `total` is a lower bound: more than `total` documents match (several words each in
    /// most documents, whose intersection is not counted to the end; show "1000多篇").
    pub total_more: bool,
    /// The words searched for (after segmentation).
    pub terms: Vec<String>,
}

pub const SEARCH_PER_PAGE: i64 = 20;

/// Puts the course descriptions not yet in the index there (courses written before the index
/// existed); a course written since is indexed when it is created.
async fn index_courses(app: &App, t: Tenant) -> Result<()> {
    let missing = app
        .read(move |c| {
            let have = search::indexed(c, t, "course")?;
            Ok::<_, Error>(
                linli_store::learning::list_courses(c, t, None, false)?
                    .into_iter()
                    .filter(|k| have.binary_search(&k.id).is_err())
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    if missing.is_empty() {
        return Ok(());
    }
    app.db
        .write(move |c| {
            for k in &missing {
                search::put(c, t, &course_doc(k, &k.starts_on.to_string()))?;
            }
            Ok::<_, Error>(())
        })
        .await
}

/// A course as a search document: its name, description and who may join; `starts_on` is the
/// course's first day as text (the index orders by it).
pub fn course_doc<'a>(k: &'a linli_store::learning::Course, starts_on: &'a str) -> Doc<'a> {
    Doc {
        kind: "course",
        ref_id: k.id,
        title: &k.name,
        body: &k.description,
        published_on: starts_on,
        public: k.listed,
    }
}

async fn run_search(
    app: &App,
    t: Tenant,
    q: &str,
    kind: Option<&'static str>,
    public_on: Option<String>,
    page: i64,
) -> Result<SearchPage> {
    let terms = rules::query_terms(q);
    if terms.is_empty() {
        return Ok(SearchPage { items: Vec::new(), total: 0, total_more: false, terms });
    }
    index_courses(app, t).await?;
    let offset = linli_store::page_offset(page, SEARCH_PER_PAGE);
    let tt = terms.clone();
    let found = app
        .read(move |c| {
            search::find(
                c,
                t,
                &search::Query {
                    terms: &tt,
                    kind,
                    public_on: public_on.as_deref(),
                    limit: SEARCH_PER_PAGE,
                    offset,
                    rank_cap: search::RANK_CAP,
                },
            )
        })
        .await?;
    Ok(SearchPage {
        items: found
            .hits
            .into_iter()
            .map(|h| {
                let pieces = rules::snippet(&h.body, &terms, 90);
                SearchHit {
                    id: h.ref_id,
                    kind: h.kind,
                    title: h.title,
                    snippet: rules::plain(&pieces),
                    pieces,
                    published_on: h.published_on,
                }
            })
            .collect(),
        total: found.total,
        total_more: found.total_more,
        terms,
    })
}

/// What a search looks through.
pub fn kind_of(s: Option<&str>) -> Result<Option<&'static str>> {
    match s.map(str::trim).unwrap_or("") {
        "" | "all" => Ok(None),
        "article" => Ok(Some("article")),
        "paper_issue" => Ok(Some("paper_issue")),
        "course" => Ok(Some("course")),
        _ => Err(Error::invalid("search_kind_bad", "kind")),
    }
}

/// Staff search over the community's articles, paper issues and courses (the `articles_search`
/// contract; `kind` narrows it).
pub async fn search_all(
    app: &App,
    actor: &Actor,
    q: &str,
    kind: Option<&'static str>,
    page: i64,
) -> Result<SearchPage> {
    let t = keeper(app, actor).await?;
    run_search(app, t, q, kind, None, page).await
}

/// The public portal's search: published articles and issues, listed courses.
pub async fn public_search(
    app: &App,
    t: Tenant,
    today: NaiveDate,
    q: &str,
    page: i64,
) -> Result<SearchPage> {
    run_search(app, t, q, None, Some(today.to_string()), page).await
}

/// Articles and paper issues published in a period (the indicators).
pub async fn counts(app: &App, t: Tenant, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
    let (f, to) = (from.to_string(), to.to_string());
    app.read(move |c| {
        Ok::<_, Error>((store::articles_count(c, t, &f, &to)?, store::issues_count(c, t, &f, &to)?))
    })
    .await
}

// ---- the staff desk (the pages' operations) ----

/// A page of the desk's article list, newest first, with how many photos each has.
pub struct DeskPage {
    pub items: Vec<Article>,
    pub total: i64,
    /// (article id, photos), for the articles that have any.
    pub photo_counts: Vec<(i64, i64)>,
}

pub async fn desk_articles(app: &App, actor: &Actor, page: i64) -> Result<DeskPage> {
    let t = keeper(app, actor).await?;
    let offset = linli_store::page_offset(page, PER_PAGE);
    app.read(move |c| {
        let (items, total) = store::articles(c, t, None, PER_PAGE, offset)?;
        let ids: Vec<i64> = items.iter().map(|a| a.id).collect();
        Ok::<_, Error>(DeskPage { photo_counts: store::photo_counts(c, t, &ids)?, items, total })
    })
    .await
}

/// What composing a paper issue starts from: the number that comes next and the latest
/// articles to choose from, each with the issues it is printed in already.
pub struct Composer {
    pub paper: String,
    pub next_number: i64,
    /// Newest first.
    pub articles: Vec<Article>,
    /// (article id, issue number) for the articles printed before.
    pub printed: Vec<(i64, i64)>,
}

/// How many of the latest articles the composer offers.
pub const COMPOSER_ARTICLES: i64 = 60;

pub async fn composer(app: &App, actor: &Actor) -> Result<Composer> {
    let t = keeper(app, actor).await?;
    app.read(move |c| {
        let issues = store::issues(c, t, None)?;
        let (articles, _) = store::articles(c, t, None, COMPOSER_ARTICLES, 0)?;
        let printed = issues
            .iter()
            .flat_map(|i| i.article_ids.iter().map(move |a| (*a, i.number)))
            .filter(|(a, _)| articles.iter().any(|x| x.id == *a))
            .collect();
        Ok::<_, Error>(Composer {
            paper: store::paper_name(c, t)?,
            next_number: issues.iter().map(|i| i.number).max().unwrap_or(0) + 1,
            articles,
            printed,
        })
    })
    .await
}

/// Changes an article from the desk's form: its fields, and in the same transaction the
/// photos added (re-encoded by the caller) and those taken off (ids of another article's
/// photos are ignored: a form sent twice finds them gone). At most
/// [`PHOTOS_PER_ARTICLE`] remain.
pub async fn revise_article(
    app: &App,
    actor: &Actor,
    id: i64,
    d: ArticleDraft,
    photos: Vec<crate::partners::Photo>,
    remove: Vec<i64>,
) -> Result<()> {
    let t = keeper(app, actor).await?;
    let (before, have) = app
        .read(move |c| Ok::<_, Error>((store::article(c, t, id)?, store::photos_of(c, t, id)?)))
        .await?;
    let a = check(app, t, d, before.board_id).await?;
    let mut remove: Vec<i64> = remove.into_iter().filter(|p| have.contains(p)).collect();
    remove.sort_unstable();
    remove.dedup();
    if have.len() - remove.len() + photos.len() > PHOTOS_PER_ARTICLE {
        return Err(Error::invalid("article_photos_many", "photos"));
    }
    app.write(actor, move |tx| {
        let on = a.on.to_string();
        store::update_article(
            tx.c,
            t,
            id,
            &ArticleFields {
                title: &a.title,
                body: &a.body,
                author: &a.author,
                tags: &a.tags,
                board_id: a.board_id,
                published_on: &on,
            },
            tx.actor.now,
        )?;
        for p in &remove {
            store::remove_photo(tx.c, t, id, *p)?;
        }
        let added = photos.len();
        for p in photos {
            store::add_photo(tx.c, t, id, p, tx.actor.now)?;
        }
        search::put(
            tx.c,
            t,
            &doc("article", id, &a.title, &rules::plain_body(&a.body), &on),
        )?;
        tx.audit_change(
            t,
            "article.update",
            "article",
            id,
            Some(json!({"title": before.title, "published_on": before.published_on, "board_id": before.board_id})),
            json!({"title": a.title, "published_on": on, "board_id": a.board_id,
                   "photos_added": added, "photos_removed": remove}),
        )
    })
    .await
}
