//! Publicity (issue 17) in the pages. On the public portal: the community's news with Chinese
//! full-text search and highlighted hits, an article with its photos, the paper's archive and
//! an issue laid out for printing on A4 (or saving as PDF from the browser's print). For the
//! staff who keep it (admin, worker): the desk (`/publicity`) with the articles, the 宣传画廊's
//! boards and the paper's issues; writing and changing an article with its photos; composing an
//! issue of the paper. Built on `linli_app::publicity`.

use super::Pairs;
use super::portal::public_contact;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::publicity::{self as ops, ArticleDraft, BoardDraft, PaperIssueDraft};
use linli_core::Action;
use linli_core::publicity::{Block, Inline, Piece, blocks};
use linli_store::Tenant;
use linli_store::publicity::{Article, Board};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct PublicQuery {
    community: Option<String>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

/// `?community=…` for links that keep the community chosen.
fn suffix(name: &str) -> String {
    format!(
        "?community={}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    )
}

fn inlines(v: &[Inline]) -> Markup {
    html! {
        @for i in v {
            @match i {
                Inline::Text(s) => {
                    // A line break typed inside a paragraph (a poem's lines) is kept.
                    @for (n, line) in s.split('\n').enumerate() {
                        @if n > 0 { br; }
                        (line)
                    }
                }
                Inline::Bold(s) => strong { (s) },
            }
        }
    }
}

/// An article's body: headings, paragraphs, lists, bold, as typed.
pub fn body(text: &str) -> Markup {
    html! {
        @for b in blocks(text) {
            @match b {
                Block::Heading(h) => h3 { (h) },
                Block::Paragraph(v) => p { (inlines(&v)) },
                Block::List(items) => ul { @for i in &items { li { (inlines(i)) } } },
            }
        }
    }
}

fn pieces(p: &[Piece]) -> Markup {
    html! { @for x in p { @if x.hit { mark { (x.text) } } @else { (x.text) } } }
}

fn byline(lang: Lang, a: &Article) -> Markup {
    html! {
        p.hint.article-meta {
            (a.published_on)
            @if !a.author.is_empty() { " · " (tf(lang, "publicity.by", &[("name", &a.author)])) }
            @for tag in &a.tags { " " span.chip { (tag) } }
        }
    }
}

async fn news(ctx: Ctx, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    let tenant = Tenant::new(community.id);
    let today = super::today(&ctx);
    let page = q.page.unwrap_or(1).max(1);
    let sfx = suffix(&community.name);
    let query = q.q.trim().to_string();
    let results = if query.is_empty() {
        None
    } else {
        Some(ops::public_search(&ctx.state.app, tenant, today, &query, page).await?)
    };
    let list = if results.is_none() {
        Some(ops::public_articles(&ctx.state.app, tenant, today, page).await?)
    } else {
        None
    };
    let body = html! {
        h1 { (community.name) " · " (t(lang, "publicity.news")) }
        form.form.search-form #news-search method="get" action="/public/news" role="search" {
            input type="hidden" name="community" value=(community.name);
            label for="q" { (t(lang, "publicity.search")) }
            div.inline-field {
                input #q type="search" name="q" value=(query) placeholder=(t(lang, "publicity.search_hint"));
                button.btn.btn-primary type="submit" { (t(lang, "publicity.search_button")) }
            }
        }
        p.hint { a href={ "/public/paper" (sfx) } { (t(lang, "publicity.paper_archive")) } " · " a href={ "/public" (sfx) } { "‹ " (t(lang, "portal.title")) } }
        @if let Some(r) = &results {
            p #search-total { (tf(lang, if r.total_more { "publicity.results_more" } else { "publicity.results" }, &[("n", &r.total.to_string()), ("q", &query)])) }
            @if r.items.is_empty() { (layout::empty(&t(lang, "publicity.no_results"), None)) }
            ol.search-results {
                @for h in &r.items {
                    li.search-hit {
                        @let href = match h.kind.as_str() {
                            "paper_issue" => format!("/public/paper/{}{sfx}", h.id),
                            "course" => format!("/public/courses/{}/signup", h.id),
                            _ => format!("/public/articles/{}{sfx}", h.id),
                        };
                        span.chip { (t(lang, &format!("publicity.kind_{}", h.kind))) } " "
                        a href=(href) { strong { (pieces(&linli_core::publicity::snippet(&h.title, &r.terms, 80))) } }
                        p { (pieces(&h.pieces)) }
                        p.hint { (h.published_on) }
                    }
                }
            }
            (pager(lang, &format!("/public/news{sfx}&q={}", percent_encoding::utf8_percent_encode(&query, percent_encoding::NON_ALPHANUMERIC)), page, r.total))
        }
        @if let Some(l) = &list {
            @if l.items.is_empty() { (layout::empty(&t(lang, "publicity.no_articles"), None)) }
            div.news-list {
                @for a in &l.items {
                    article.panel.news-item {
                        h2 { a href={ "/public/articles/" (a.id) (sfx) } { (a.title) } }
                        (byline(lang, a))
                        p { (linli_core::publicity::plain(&linli_core::publicity::snippet(&linli_core::publicity::plain_body(&a.body), &[], 90))) }
                    }
                }
            }
            (pager(lang, &format!("/public/news{sfx}"), page, l.total))
        }
    };
    Ok(layout::public_page(&ctx, &t(lang, "publicity.news"), body))
}

fn pager(lang: Lang, base: &str, page: i64, total: i64) -> Markup {
    let pages = (total + ops::PER_PAGE - 1) / ops::PER_PAGE;
    html! {
        @if pages > 1 {
            nav.pager {
                @if page > 1 { a.btn href={ (base) "&page=" (page - 1) } { "‹ " (t(lang, "publicity.prev")) } " " }
                span { (tf(lang, "publicity.page_of", &[("page", &page.to_string()), ("pages", &pages.to_string())])) }
                @if page < pages { " " a.btn href={ (base) "&page=" (page + 1) } { (t(lang, "publicity.next")) " ›" } }
            }
        }
    }
}

async fn article(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let v = ops::public_article(&ctx.state.app, Tenant::new(community.id), super::today(&ctx), id)
        .await?;
    let a = &v.article;
    let html = html! {
        article.panel.article-page {
            h1 { (a.title) }
            (byline(lang, a))
            @if let Some(b) = &v.board { p.hint { (tf(lang, "publicity.on_board", &[("board", &b.name), ("location", &b.location)])) } }
            div.article-body { (body(&a.body)) }
            (photos(lang, a, &v.photos, &format!("/public/articles/{}/photos/", a.id), &sfx))
            @if !v.issues.is_empty() {
                p.hint {
                    (t(lang, "publicity.in_issues"))
                    @for (iid, n) in &v.issues { " " a href={ "/public/paper/" (iid) (sfx) } { (tf(lang, "publicity.issue_n", &[("n", &n.to_string())])) } }
                }
            }
        }
        p { a href={ "/public/news" (sfx) } { "‹ " (t(lang, "publicity.news")) } }
    };
    Ok(layout::public_page(&ctx, &a.title, html))
}

async fn archive(ctx: Ctx, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let (paper, issues) =
        ops::public_issues(&ctx.state.app, Tenant::new(community.id), super::today(&ctx)).await?;
    let body = html! {
        h1 { (community.name) " · " (t(lang, "publicity.paper_archive")) }
        @if issues.is_empty() { (layout::empty(&t(lang, "publicity.no_issues"), None)) }
        ul.paper-archive {
            @for (n, i) in issues.iter().enumerate() {
                li {
                    a href={ "/public/paper/" (i.id) (sfx) } { (ops::issue_title(&paper, i.number)) }
                    " " span.hint { (i.published_on) " · " (tf(lang, "publicity.articles_n", &[("n", &i.article_ids.len().to_string())])) }
                    @if n == 0 { " " (layout::chip("ok", &t(lang, "publicity.current"))) }
                }
            }
        }
        p { a href={ "/public/news" (sfx) } { "‹ " (t(lang, "publicity.news")) } }
    };
    Ok(layout::public_page(&ctx, &t(lang, "publicity.paper_archive"), body))
}

async fn issue(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let v = ops::public_issue(&ctx.state.app, Tenant::new(community.id), super::today(&ctx), id)
        .await?;
    let title = ops::issue_title(&v.paper, v.issue.number);
    let body = html! {
        p.no-print.actions {
            button.btn.btn-primary type="button" data-print { (t(lang, "publicity.print")) }
            " " a.btn href={ "/public/paper" (sfx) } { (t(lang, "publicity.paper_archive")) }
        }
        (paper_sheet(lang, &community.name, &title, &v, |a, p| format!("/public/articles/{a}/photos/{p}{sfx}")))
        (super::print_script())
    };
    Ok(layout::public_page(&ctx, &title, body))
}

/// An issue as printed: the masthead, then its articles in order in two columns, each with
/// its photos under its title (public and staff pages alike; `src` gives a photo's address
/// from the article's id and the photo's).
fn paper_sheet(
    lang: Lang,
    community: &str,
    title: &str,
    v: &ops::IssueView,
    src: impl Fn(i64, i64) -> String,
) -> Markup {
    html! {
        article.paper-sheet #paper-sheet {
            header.paper-masthead {
                h1 { (title) }
                p { (community) " · " (v.issue.published_on) }
            }
            div.paper-columns {
                @for a in &v.articles {
                    @let photos: Vec<&(i64, i64, i64, i64)> = v.photos.iter().filter(|p| p.0 == a.id).collect();
                    section.paper-article {
                        h2 { (a.title) }
                        @if !a.author.is_empty() { p.hint { (tf(lang, "publicity.by", &[("name", &a.author)])) } }
                        @if !photos.is_empty() {
                            // One photo spans the column; two or more go two abreast, smaller.
                            div.paper-photos.paper-photos-one[photos.len() == 1] {
                                @for (n, (_, pid, w, h)) in photos.iter().enumerate() {
                                    // Loaded at once, not lazily: a print starts before a lazy
                                    // image below the fold would arrive.
                                    img src=(src(a.id, *pid)) width=(w) height=(h)
                                        alt=(tf(lang, "publicity.photo_alt", &[("title", &a.title), ("n", &(n + 1).to_string())]));
                                }
                            }
                        }
                        (body(&a.body))
                    }
                }
            }
        }
    }
}

/// An article's photos, each a link to itself at full size (`base` + photo id + `suffix`).
fn photos(lang: Lang, a: &Article, ids: &[i64], base: &str, suffix: &str) -> Markup {
    html! {
        @if !ids.is_empty() {
            div.article-photos {
                @for (n, pid) in ids.iter().enumerate() {
                    @let src = format!("{base}{pid}{suffix}");
                    a href=(src) {
                        img src=(src) loading="lazy" alt=(tf(lang, "publicity.photo_alt", &[("title", &a.title), ("n", &(n + 1).to_string())]));
                    }
                }
            }
        }
    }
}

/// A photo of a published article, for the public page.
async fn public_photo(
    ctx: Ctx,
    Path((id, pid)): Path<(i64, i64)>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let (community, _) = public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    Ok(super::jpeg(
        ops::photo(&ctx.state.app, Tenant::new(community.id), Some(super::today(&ctx)), id, pid)
            .await?,
    ))
}

// ---- the staff desk ----

/// An issue's name in the caller's language: 《阳光之家报》第12期, or the paper's name and
/// "issue 12" (the paper's name is the community's, in whatever language it was given).
fn issue_label(lang: Lang, paper: &str, number: i64) -> String {
    let paper = paper.trim_start_matches('《').trim_end_matches('》');
    let paper = if paper.is_empty() { t(lang, "publicity.paper") } else { paper.to_string() };
    tf(lang, "publicity.issue_of", &[("paper", &paper), ("n", &number.to_string())])
}

fn desk_crumbs(lang: Lang) -> Vec<layout::Crumb> {
    vec![(t(lang, "publicity.desk"), Some("/publicity".into()))]
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn csrf(ctx: &Ctx) -> Result<String, AppError> {
    Ok(ctx.caller()?.csrf_token.clone())
}

/// The message of a refused form's field, shown beside it.
fn field_error(err: &Option<(String, Option<&'static str>)>, field: &str) -> Option<String> {
    err.as_ref().filter(|(_, f)| *f == Some(field)).map(|(m, _)| m.clone())
}

/// A refusal no field of the form owns, shown above it.
fn form_error(err: &Option<(String, Option<&'static str>)>, fields: &[&str]) -> Markup {
    html! {
        @if let Some((m, f)) = err {
            @if !f.is_some_and(|f| fields.contains(&f)) { p.form-error role="alert" { (m) } }
        }
    }
}

fn refusal(lang: Lang, e: &AppError) -> (String, Option<&'static str>) {
    (tf(lang, &format!("error.{}", e.code()), &[]), e.field())
}

#[derive(Deserialize, Default)]
struct DeskQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

/// Several reads (articles, issues, photos …): on one thread.
async fn desk(ctx: Ctx, Query(q): Query<DeskQuery>) -> Result<Response, AppError> {
    crate::metrics::on_one_thread(ctx.state.app.db.clone(), desk_page(ctx, q)).await?
}

async fn desk_page(ctx: Ctx, q: DeskQuery) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let page = q.page.unwrap_or(1).max(1);
    let query = q.q.trim().to_string();
    let found = if query.is_empty() {
        None
    } else {
        Some(ops::search_all(&ctx.state.app, &actor, &query, Some("article"), page).await?)
    };
    let list = match found {
        None => Some(ops::desk_articles(&ctx.state.app, &actor, page).await?),
        Some(_) => None,
    };
    let boards = ops::boards(&ctx.state.app, &actor).await?;
    let (in_use, retired): (Vec<&ops::BoardView>, Vec<&ops::BoardView>) =
        boards.iter().partition(|b| b.board.retired_on.is_none());
    let (paper, issues) = ops::issues(&ctx.state.app, &actor).await?;
    let csrf = csrf(&ctx)?;
    let today = super::today(&ctx);
    let board_name = |id: Option<i64>| {
        id.and_then(|b| boards.iter().find(|v| v.board.id == b))
            .map(|v| v.board.name.clone())
            .unwrap_or_default()
    };
    let write = html! { a.btn.btn-primary #write-article href="/publicity/articles/new" { (t(lang, "publicity.write")) } };
    let body = html! {
        div.desk {
            section.panel.desk-articles #articles {
                div.list-head {
                    h2 { (t(lang, "publicity.articles")) }
                    a.btn href="/public/news" { (t(lang, "publicity.see_public")) }
                }
                form.desk-search #desk-search method="get" action="/publicity" role="search" {
                    label for="q" { (t(lang, "publicity.desk_search")) }
                    div.inline-field {
                        input #q type="search" name="q" value=(query) placeholder=(t(lang, "publicity.search_hint"));
                        button.btn type="submit" { (t(lang, "publicity.search_button")) }
                        @if !query.is_empty() { a.btn href="/publicity" { (t(lang, "publicity.search_clear")) } }
                    }
                }
                @if let Some(r) = &found {
                    p #search-total { (tf(lang, if r.total_more { "publicity.results_more" } else { "publicity.results" }, &[("n", &r.total.to_string()), ("q", &query)])) }
                    @if r.items.is_empty() { (layout::empty(&t(lang, "publicity.no_results"), None)) }
                    ol.search-results {
                        @for h in &r.items {
                            li.search-hit {
                                a href={ "/publicity/articles/" (h.id) } { strong { (pieces(&linli_core::publicity::snippet(&h.title, &r.terms, 80))) } }
                                p { (pieces(&h.pieces)) }
                                p.hint { (h.published_on) }
                            }
                        }
                    }
                    @if r.total > ops::SEARCH_PER_PAGE { (layout::pager(lang, page, ops::SEARCH_PER_PAGE, r.total, &format!("/publicity?q={}", enc(&query)))) }
                }
                @if let Some(l) = &list {
                    @if l.items.is_empty() {
                        (layout::empty(&t(lang, "publicity.desk_empty"), Some(write.clone())))
                    } @else {
                        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "publicity.articles")) {
                            table.table.cards-sm #article-list {
                                thead { tr {
                                    th { (t(lang, "publicity.f_title")) }
                                    th { (t(lang, "publicity.f_board")) }
                                    th { (t(lang, "publicity.f_tags")) }
                                    th.num { (t(lang, "publicity.f_photos")) }
                                    th { (t(lang, "publicity.f_published_on")) }
                                } }
                                tbody {
                                    @for a in &l.items {
                                        @let n = l.photo_counts.iter().find(|(i, _)| *i == a.id).map_or(0, |x| x.1);
                                        tr {
                                            td.desk-title {
                                                a href={ "/publicity/articles/" (a.id) } { (a.title) }
                                                @if a.published_on > today { " " (layout::chip("warn", &t(lang, "publicity.scheduled"))) }
                                            }
                                            td data-label=(t(lang, "publicity.f_board")) { (board_name(a.board_id)) }
                                            td data-label=(t(lang, "publicity.f_tags")) { @for tag in &a.tags { span.tag { (tag) } " " } }
                                            td.num data-label=(t(lang, "publicity.f_photos")) { @if n > 0 { (tf(lang, "publicity.photos_n", &[("n", &n.to_string())])) } }
                                            td.nowrap data-label=(t(lang, "publicity.f_published_on")) { (a.published_on) }
                                        }
                                    }
                                }
                            }
                        }
                        (layout::pager(lang, page, ops::PER_PAGE, l.total, "/publicity"))
                    }
                }
            }
            div.desk-side {
                section.panel #paper {
                    h2 { (t(lang, "publicity.paper")) }
                    p.desk-paper-name { strong { @if paper.is_empty() { (t(lang, "publicity.paper")) } @else { "《" (paper) "》" } } }
                    p.actions { a.btn.btn-primary #compose-issue href="/publicity/issues/new" { (t(lang, "publicity.compose")) } }
                    @if issues.is_empty() { p.hint { (t(lang, "publicity.no_issues")) } }
                    ul.desk-issues {
                        @for i in issues.iter().take(12) {
                            li {
                                a href={ "/publicity/issues/" (i.id) } { (tf(lang, "publicity.issue_item", &[("n", &i.number.to_string())])) }
                                " " span.hint { (i.published_on) " · " (tf(lang, "publicity.articles_n", &[("n", &i.article_ids.len().to_string())])) }
                            }
                        }
                    }
                    @if issues.len() > 12 { p.hint { a href="/public/paper" { (t(lang, "publicity.paper_archive")) } } }
                    details.desk-more {
                        summary { (t(lang, "publicity.rename_paper")) }
                        form.form #paper-name-form method="post" action="/publicity/paper-name" {
                            input type="hidden" name="_csrf" value=(csrf);
                            (layout::field(lang, "paper_name", "publicity.paper_name", "text", &paper, None, Some("off")))
                            p.hint { (t(lang, "publicity.paper_name_hint")) }
                            button.btn type="submit" { (t(lang, "common.save")) }
                        }
                    }
                }
                section.panel #boards {
                    h2 { (t(lang, "publicity.boards")) }
                    @if boards.is_empty() { p.hint { (t(lang, "publicity.no_boards")) } }
                    ul.desk-boards {
                        @for b in in_use.iter() {
                            li {
                                strong { a href={ "/publicity/boards/" (b.board.id) } { (b.board.name) } }
                                @if !b.board.location.is_empty() { " " span.hint { (b.board.location) } }
                                @if b.stale { " " (layout::chip("warn", &t(lang, "publicity.board_stale"))) }
                                br;
                                @if let Some(a) = b.articles.first() {
                                    span.hint { (t(lang, "publicity.board_now")) } " " a href={ "/publicity/articles/" (a.id) } { (a.title) }
                                } @else {
                                    span.hint { (t(lang, "publicity.board_empty")) }
                                }
                            }
                        }
                    }
                    @if !in_use.is_empty() { p.hint { (t(lang, "publicity.board_manage_hint")) } }
                    @if !retired.is_empty() {
                        details.desk-more #boards-retired {
                            summary { (tf(lang, "publicity.boards_retired", &[("n", &retired.len().to_string())])) }
                            ul.desk-boards {
                                @for b in retired.iter() {
                                    li {
                                        a href={ "/publicity/boards/" (b.board.id) } { (b.board.name) }
                                        " " span.hint { (tf(lang, "publicity.retired_since", &[("date", &b.board.retired_on.map(|d| d.to_string()).unwrap_or_default())])) " · " (tf(lang, "publicity.articles_n", &[("n", &b.total.to_string())])) }
                                    }
                                }
                            }
                        }
                    }
                    details.desk-more #board-new {
                        summary { (t(lang, "publicity.board_add")) }
                        form.form #board-form method="post" action="/publicity/boards" {
                            input type="hidden" name="_csrf" value=(csrf);
                            (layout::field(lang, "name", "publicity.board_name", "text", "", None, Some("off")))
                            (layout::field(lang, "location", "publicity.board_location", "text", "", None, Some("off")))
                            button.btn type="submit" { (t(lang, "publicity.board_add")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "publicity.desk"), &[], Some(write), body))
}

#[derive(Deserialize)]
struct PaperNameForm {
    #[serde(default)]
    paper_name: String,
}

async fn paper_name_submit(ctx: Ctx, Form(f): Form<PaperNameForm>) -> Result<Response, AppError> {
    let r = ops::set_paper_name(&ctx.state.app, &ctx.actor()?, &f.paper_name).await;
    super::back_with("/publicity#paper", r, |_| "publicity.flash_paper_name")
}

async fn board_submit(ctx: Ctx, Form(d): Form<BoardDraft>) -> Result<Response, AppError> {
    let r = ops::create_board(&ctx.state.app, &ctx.actor()?, d).await;
    super::back_with("/publicity#boards", r, |_| "publicity.flash_board")
}

// ---- a board of the 宣传画廊: rename, retire, delete ----

/// What the board page shows above its parts: a refusal (the rename's beside its field, the
/// delete's above), and the rename form as typed.
#[derive(Default)]
struct BoardPageState {
    err: Option<(String, Option<&'static str>)>,
    typed: Option<(String, String)>,
}

/// A board's page: where it stands and whether in use, renaming it, the articles posted on it
/// (its history, kept whatever happens to the board), and retiring or deleting it — deleting
/// only a board nothing was posted on.
async fn board_page(
    ctx: &Ctx,
    id: i64,
    st: BoardPageState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let v = ops::board(&ctx.state.app, &ctx.actor()?, id).await?;
    let b = &v.board;
    let csrf = csrf(ctx)?;
    let today = super::today(ctx);
    let (name, location) = st.typed.clone().unwrap_or_else(|| (b.name.clone(), b.location.clone()));
    let e = |f: &str| field_error(&st.err, f);
    let n = v.total.to_string();
    let body = html! {
        (form_error(&st.err, &["name", "location"]))
        dl.facts #board-facts {
            dt { (t(lang, "publicity.board_location_short")) }
            dd { @if b.location.is_empty() { span.hint { (t(lang, "publicity.none")) } } @else { (b.location) } }
            dt { (t(lang, "publicity.board_state")) }
            dd {
                @match &b.retired_on {
                    None => (layout::chip("ok", &t(lang, "publicity.board_in_use"))),
                    Some(d) => (layout::chip("muted", &tf(lang, "publicity.retired_since", &[("date", &d.to_string())]))),
                }
            }
            dt { (t(lang, "publicity.board_posted")) }
            dd { (tf(lang, "publicity.articles_n", &[("n", &n)])) }
        }
        section.panel #board-rename {
            h2 { (t(lang, "publicity.board_rename")) }
            form.form #board-rename-form method="post" action={ "/publicity/boards/" (id) } {
                input type="hidden" name="_csrf" value=(csrf);
                div.grid2 {
                    (layout::field(lang, "name", "publicity.board_name", "text", &name, e("name"), Some("off")))
                    (layout::field(lang, "location", "publicity.board_location", "text", &location, e("location"), Some("off")))
                }
                p.hint { (t(lang, "publicity.board_rename_hint")) }
                button.btn.btn-primary type="submit" { (t(lang, "common.save")) }
            }
        }
        section.panel #board-history {
            h2 { (t(lang, "publicity.board_history")) }
            @if v.history.is_empty() {
                p.hint { (t(lang, "publicity.board_empty")) }
            } @else {
                ol.board-history {
                    @for a in &v.history {
                        li {
                            a href={ "/publicity/articles/" (a.id) } { (a.title) }
                            " " span.hint.nowrap { (a.published_on) }
                            @if a.published_on > today { " " (layout::chip("warn", &t(lang, "publicity.scheduled"))) }
                        }
                    }
                }
                @if v.total > v.history.len() as i64 {
                    p.hint { (tf(lang, "publicity.board_history_more", &[("n", &v.history.len().to_string())])) }
                }
            }
        }
        section.panel #board-end {
            h2 { (t(lang, "publicity.board_end")) }
            @match &b.retired_on {
                None => {
                    p { (t(lang, "publicity.board_retire_what")) }
                    form.inline #board-retire method="post" action={ "/publicity/boards/" (id) "/retire" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        button.btn type="submit" { (t(lang, "publicity.board_retire")) }
                    }
                }
                Some(d) => {
                    p { (tf(lang, "publicity.board_retired_what", &[("date", &d.to_string())])) }
                    form.inline #board-restore method="post" action={ "/publicity/boards/" (id) "/restore" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        button.btn type="submit" { (t(lang, "publicity.board_restore")) }
                    }
                }
            }
            @if v.total == 0 {
                p { (t(lang, "publicity.board_may_delete")) }
                p { a.btn.btn-danger #board-delete href={ "/publicity/boards/" (id) "/delete" } { (t(lang, "publicity.board_delete")) } }
            } @else {
                p.hint #board-no-delete {
                    (tf(lang, if b.retired_on.is_some() { "publicity.board_no_delete_retired" } else { "publicity.board_no_delete" }, &[("n", &n)]))
                }
            }
        }
        p { a.btn href="/publicity#boards" { (t(lang, "publicity.back_desk")) } }
    };
    Ok(layout::page_with_status(ctx, status, &b.name, &desk_crumbs(lang), None, body))
}

async fn board_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    board_page(&ctx, id, BoardPageState::default(), StatusCode::OK).await
}

async fn board_rename(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(d): Form<BoardDraft>,
) -> Result<Response, AppError> {
    let typed = (d.name.clone(), d.location.clone().unwrap_or_default());
    match ops::rename_board(&ctx.state.app, &ctx.actor()?, id, d).await.map_err(AppError::from) {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/publicity/boards/{id}"),
            true,
            "publicity.flash_board_renamed",
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let st = BoardPageState { err: Some(refusal(ctx.lang(), &e)), typed: Some(typed) };
            board_page(&ctx, id, st, e.status()).await
        }
        Err(e) => Err(e),
    }
}

async fn board_retire(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    ops::retire_board(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(
        &format!("/publicity/boards/{id}"),
        true,
        "publicity.flash_board_retired",
    ))
}

async fn board_restore(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    ops::restore_board(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(
        &format!("/publicity/boards/{id}"),
        true,
        "publicity.flash_board_restored",
    ))
}

/// The board page with the refusal of its delete: it has articles, and says how many.
async fn delete_refused(ctx: &Ctx, id: i64) -> Result<Response, AppError> {
    let n = ops::board(&ctx.state.app, &ctx.actor()?, id).await?.total;
    let st = BoardPageState {
        err: Some((tf(ctx.lang(), "publicity.board_no_delete", &[("n", &n.to_string())]), None)),
        typed: None,
    };
    board_page(ctx, id, st, StatusCode::CONFLICT).await
}

/// The delete's confirmation: what will happen, and the reason typed.
async fn delete_confirm(ctx: &Ctx, id: i64, invalid: bool) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let v = ops::board(&ctx.state.app, &ctx.actor()?, id).await?;
    if v.total > 0 {
        return delete_refused(ctx, id).await;
    }
    let b = &v.board;
    let back = format!("/publicity/boards/{id}");
    let confirm = layout::Confirm {
        about: html! { p.lead { strong { (b.name) } @if !b.location.is_empty() { " " span.hint { (b.location) } } } },
        consequences: vec![
            t(lang, "publicity.board_delete_gone"),
            t(lang, "publicity.board_delete_nothing_lost"),
            t(lang, "publicity.board_delete_logged"),
        ],
        action: format!("/publicity/boards/{id}/delete"),
        fields: html! {
            (layout::field(lang, "reason", "publicity.board_delete_reason", "text", "", invalid.then(|| t(lang, "error.board_delete_reason_missing")), Some("off")))
        },
        submit: t(lang, "publicity.board_delete_submit"),
        back: back.clone(),
    };
    let mut crumbs = desk_crumbs(lang);
    crumbs.push((b.name.clone(), Some(back)));
    Ok(layout::confirm_page(ctx, &t(lang, "publicity.board_delete"), &crumbs, invalid, confirm))
}

async fn board_delete_form(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    delete_confirm(&ctx, id, false).await
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn board_delete(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, AppError> {
    match ops::delete_board(&ctx.state.app, &ctx.actor()?, id, &f.reason)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            Ok(redirect_with_flash("/publicity#boards", true, "publicity.flash_board_deleted"))
        }
        Err(AppError::Conflict { .. }) => delete_refused(&ctx, id).await,
        Err(AppError::Invalid { .. }) => delete_confirm(&ctx, id, true).await,
        Err(e) => Err(e),
    }
}

// ---- writing an article ----

/// An article's form as typed (kept when it is refused).
#[derive(Default)]
struct ArticleInput {
    title: String,
    body: String,
    tags: String,
    board_id: String,
    published_on: String,
    author: String,
    /// Photos to take off (the edit form).
    remove: Vec<i64>,
}

impl ArticleInput {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| super::pairs_get(pairs, k).unwrap_or_default();
        ArticleInput {
            // The body keeps its line breaks and indentation as typed.
            body: pairs
                .iter()
                .find(|(k, _)| k == "body")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            title: get("title"),
            tags: get("tags"),
            board_id: get("board_id"),
            published_on: get("published_on"),
            author: get("author"),
            remove: pairs
                .iter()
                .filter(|(k, _)| k == "remove_photo")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
        }
    }

    fn of(a: &Article) -> Self {
        ArticleInput {
            title: a.title.clone(),
            body: a.body.clone(),
            tags: a.tags.join("、"),
            board_id: a.board_id.map(|b| b.to_string()).unwrap_or_default(),
            published_on: a.published_on.to_string(),
            author: a.author.clone(),
            remove: Vec::new(),
        }
    }

    fn draft(&self) -> ArticleDraft {
        ArticleDraft {
            title: self.title.clone(),
            body: self.body.clone(),
            tags: Some(linli_core::publicity::split_tags(&self.tags)),
            board_id: self.board_id.trim().parse().ok(),
            published_on: self.published_on.clone(),
            author: Some(self.author.clone()),
        }
    }
}

/// The form of an article: new (`id` none) or changed; its photos (the edit form) with a box
/// to take each off.
#[allow(clippy::too_many_arguments)]
fn article_form(
    ctx: &Ctx,
    boards: &[Board],
    id: Option<i64>,
    input: &ArticleInput,
    photos: &[i64],
    err: Option<(String, Option<&'static str>)>,
    photos_lost: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = csrf(ctx)?;
    let action = match id {
        Some(id) => format!("/publicity/articles/{id}/edit?_csrf={csrf}"),
        None => format!("/publicity/articles/new?_csrf={csrf}"),
    };
    let mut options = vec![(String::new(), t(lang, "publicity.no_board"))];
    // A retired board is offered only to the article already on it (saving the form must not
    // take the article off the board it was posted on).
    options.extend(
        boards
            .iter()
            .filter(|b| b.retired_on.is_none() || b.id.to_string() == input.board_id.trim())
            .map(|b| {
                let mut label = if b.location.is_empty() {
                    b.name.clone()
                } else {
                    format!("{}（{}）", b.name, b.location)
                };
                if let Some(d) = &b.retired_on {
                    label.push_str(" · ");
                    label.push_str(&tf(
                        lang,
                        "publicity.retired_since",
                        &[("date", &d.to_string())],
                    ));
                }
                (b.id.to_string(), label)
            }),
    );
    let e = |f: &str| field_error(&err, f);
    let room = ops::PHOTOS_PER_ARTICLE.saturating_sub(photos.len());
    let body = html! {
        (form_error(&err, &["title", "body", "tags", "board_id", "published_on", "author", "photos"]))
        form.form.wide.article-form #article-form method="post" enctype="multipart/form-data" action=(action) {
            (layout::field(lang, "title", "publicity.f_title", "text", &input.title, e("title"), Some("off")))
            div.field.has-error[e("body").is_some()] {
                label for="body" { (t(lang, "publicity.f_body")) }
                textarea #body name="body" rows="14" aria-describedby=(if e("body").is_some() { "body-error body-marks" } else { "body-marks" }) aria-invalid=[e("body").map(|_| "true")] { (input.body) }
                @if let Some(m) = e("body") { p.field-error #body-error { (m) } }
                div.marks-hint #body-marks {
                    span { (t(lang, "publicity.marks")) }
                    code { "## " (t(lang, "publicity.mark_heading")) }
                    code { "- " (t(lang, "publicity.mark_item")) }
                    code { "**" (t(lang, "publicity.mark_bold")) "**" }
                }
            }
            div.article-fields {
                div {
                    (layout::field(lang, "tags", "publicity.f_tags", "text", &input.tags, e("tags"), Some("off")))
                    p.hint.under-field { (t(lang, "publicity.tags_hint")) }
                }
                (layout::select(lang, "board_id", "publicity.f_board", &options, &input.board_id, e("board_id")))
                (layout::field(lang, "published_on", "publicity.f_published_on", "date", &input.published_on, e("published_on"), None))
                (layout::field(lang, "author", "publicity.f_author", "text", &input.author, e("author"), Some("name")))
            }
            @if !photos.is_empty() {
                fieldset.article-photos-edit {
                    legend { (t(lang, "publicity.photos_now")) }
                    @for (n, pid) in photos.iter().enumerate() {
                        @let src = format!("/publicity/articles/{}/photos/{pid}", id.unwrap_or_default());
                        label.photo-choice {
                            img src=(src) alt=(tf(lang, "publicity.photo_alt", &[("title", &input.title), ("n", &(n + 1).to_string())]));
                            span { input type="checkbox" name="remove_photo" value=(pid) checked[input.remove.contains(pid)]; " " (t(lang, "publicity.photo_remove")) }
                        }
                    }
                }
            }
            div.field.has-error[e("photos").is_some()] {
                label for="photos" { (t(lang, "publicity.f_photos_add")) }
                input #photos type="file" name="photos" accept="image/jpeg,image/png" multiple aria-describedby=(if e("photos").is_some() { "photos-error photos-hint" } else { "photos-hint" }) aria-invalid=[e("photos").map(|_| "true")];
                @if let Some(m) = e("photos") { p.field-error #photos-error { (m) } }
                p.hint #photos-hint {
                    (tf(lang, "publicity.photos_hint", &[("n", &room.to_string())]))
                    @if photos_lost { " " strong { (t(lang, "publicity.photos_again")) } }
                }
            }
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, if id.is_some() { "common.save" } else { "publicity.publish" })) }
                a.btn href=(id.map_or_else(|| "/publicity".to_string(), |i| format!("/publicity/articles/{i}"))) { (t(lang, "common.cancel")) }
            }
        }
    };
    let title = t(lang, if id.is_some() { "publicity.edit_article" } else { "publicity.write" });
    let mut crumbs = desk_crumbs(lang);
    if let Some(i) = id {
        crumbs.push((input.title.clone(), Some(format!("/publicity/articles/{i}"))));
    }
    Ok(layout::page_with_status(ctx, status, &title, &crumbs, None, body))
}

async fn article_new(ctx: Ctx) -> Result<Response, AppError> {
    let boards = ops::board_choices(&ctx.state.app, &ctx.actor()?).await?;
    let input = ArticleInput {
        published_on: super::today(&ctx).format("%Y-%m-%d").to_string(),
        author: ctx.caller()?.user.display_name.clone(),
        ..ArticleInput::default()
    };
    article_form(&ctx, &boards, None, &input, &[], None, false, StatusCode::OK)
}

/// The photos of an article's form, checked and re-encoded like an issue report's.
async fn article_photos(photos: Vec<Vec<u8>>) -> Result<Vec<linli_app::partners::Photo>, AppError> {
    super::affairs::clean_photos_up_to(photos, ops::PHOTOS_PER_ARTICLE, "article_photos_many").await
}

async fn article_create(ctx: Ctx, form: Multipart) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let (pairs, photos) = super::affairs::photo_form(form).await?;
    let input = ArticleInput::from_pairs(&pairs);
    let chosen = !photos.is_empty();
    let r = match article_photos(photos).await {
        Ok(p) => ops::create_article(&ctx.state.app, &actor, input.draft(), p)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match r {
        Ok(c) => Ok(redirect_with_flash(
            &format!("/publicity/articles/{}", c.id),
            true,
            "publicity.flash_written",
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let boards = ops::board_choices(&ctx.state.app, &actor).await?;
            article_form(
                &ctx,
                &boards,
                None,
                &input,
                &[],
                Some(refusal(ctx.lang(), &e)),
                chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e),
    }
}

async fn article_edit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let v = ops::article(&ctx.state.app, &actor, id).await?;
    let boards = ops::board_choices(&ctx.state.app, &actor).await?;
    article_form(
        &ctx,
        &boards,
        Some(id),
        &ArticleInput::of(&v.article),
        &v.photos,
        None,
        false,
        StatusCode::OK,
    )
}

async fn article_update(
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let (pairs, photos) = super::affairs::photo_form(form).await?;
    let input = ArticleInput::from_pairs(&pairs);
    let chosen = !photos.is_empty();
    let r = match article_photos(photos).await {
        Ok(p) => {
            ops::revise_article(&ctx.state.app, &actor, id, input.draft(), p, input.remove.clone())
                .await
                .map_err(AppError::from)
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/publicity/articles/{id}"),
            true,
            "publicity.flash_saved",
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let v = ops::article(&ctx.state.app, &actor, id).await?;
            let boards = ops::board_choices(&ctx.state.app, &actor).await?;
            article_form(
                &ctx,
                &boards,
                Some(id),
                &input,
                &v.photos,
                Some(refusal(ctx.lang(), &e)),
                chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e),
    }
}

/// An article as the staff see it: what it says and where, its photos, and its body as it
/// will read (the preview of the marks).
async fn article_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let v = ops::article(&ctx.state.app, &ctx.actor()?, id).await?;
    let a = &v.article;
    let published = a.published_on <= super::today(&ctx);
    let body = html! {
        dl.facts #article-facts {
            dt { (t(lang, "publicity.f_published_on")) }
            dd {
                (a.published_on) " "
                @if published { (layout::chip("ok", &t(lang, "publicity.published"))) } @else { (layout::chip("warn", &t(lang, "publicity.scheduled"))) }
            }
            dt { (t(lang, "publicity.f_author")) }
            dd { @if a.author.is_empty() { span.hint { (t(lang, "publicity.none")) } } @else { (a.author) } }
            dt { (t(lang, "publicity.f_board")) }
            dd {
                @if let Some(b) = &v.board {
                    a href={ "/publicity/boards/" (b.id) } { (b.name) }
                    @if !b.location.is_empty() { " " span.hint { (b.location) } }
                    @if let Some(d) = &b.retired_on { " " (layout::chip("muted", &tf(lang, "publicity.retired_since", &[("date", &d.to_string())]))) }
                } @else { span.hint { (t(lang, "publicity.no_board")) } }
            }
            dt { (t(lang, "publicity.f_tags")) }
            dd { @if a.tags.is_empty() { span.hint { (t(lang, "publicity.none")) } } @for tag in &a.tags { span.tag { (tag) } " " } }
            dt { (t(lang, "publicity.in_paper")) }
            dd {
                @if v.issues.is_empty() { span.hint { (t(lang, "publicity.not_in_paper")) } }
                @for (iid, n) in &v.issues { a href={ "/publicity/issues/" (iid) } { (tf(lang, "publicity.issue_n", &[("n", &n.to_string())])) } " " }
            }
        }
        p.actions {
            a.btn.btn-primary href={ "/publicity/articles/" (id) "/edit" } { (t(lang, "publicity.edit_article")) }
            @if published { a.btn href={ "/public/articles/" (id) } { (t(lang, "publicity.see_public_article")) } }
            a.btn href="/publicity" { (t(lang, "publicity.back_desk")) }
        }
        section.panel.article-preview #preview {
            h2 { (t(lang, "publicity.preview")) }
            p.hint { (t(lang, "publicity.preview_hint")) }
            article.article-page {
                h3.preview-title { (a.title) }
                div.article-body { (body(&a.body)) }
                (photos(lang, a, &v.photos, &format!("/publicity/articles/{id}/photos/"), ""))
            }
        }
    };
    Ok(layout::page(&ctx, &a.title, &desk_crumbs(lang), None, body))
}

async fn staff_photo(ctx: Ctx, Path((id, pid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    Ok(super::jpeg(ops::staff_photo(&ctx.state.app, &ctx.actor()?, id, pid).await?))
}

// ---- composing a paper issue ----

/// The composer's form as typed: the number, the day, the articles picked with their places.
#[derive(Default)]
struct IssueInput {
    number: String,
    published_on: String,
    picked: Vec<i64>,
    /// (article id, place typed).
    order: Vec<(i64, String)>,
}

impl IssueInput {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let picked: Vec<i64> = pairs
            .iter()
            .filter(|(k, _)| k == "pick")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect();
        let order = pairs
            .iter()
            .filter_map(|(k, v)| {
                let id = k.strip_prefix("order-")?.parse().ok()?;
                Some((id, v.trim().to_string()))
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        IssueInput {
            number: super::pairs_get(pairs, "number").unwrap_or_default(),
            published_on: super::pairs_get(pairs, "published_on").unwrap_or_default(),
            picked,
            order,
        }
    }

    fn place(&self, id: i64) -> &str {
        self.order.iter().find(|(i, _)| *i == id).map_or("", |(_, v)| v.as_str())
    }

    /// The picked articles in print order: by the places typed, then as listed.
    fn article_ids(&self) -> Vec<i64> {
        let mut ids: Vec<(i64, usize, i64)> = self
            .picked
            .iter()
            .enumerate()
            .map(|(n, id)| (self.place(*id).parse::<i64>().unwrap_or(i64::MAX), n, *id))
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(|(_, _, id)| id).collect()
    }

    fn draft(&self) -> PaperIssueDraft {
        PaperIssueDraft {
            number: self.number.trim().parse().unwrap_or(0),
            published_on: self.published_on.clone(),
            article_ids: self.article_ids(),
        }
    }
}

async fn compose_form(
    ctx: &Ctx,
    input: Option<IssueInput>,
    err: Option<(String, Option<&'static str>)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let c = ops::composer(&ctx.state.app, &ctx.actor()?).await?;
    let input = input.unwrap_or_else(|| IssueInput {
        number: c.next_number.to_string(),
        published_on: super::today(ctx).format("%Y-%m-%d").to_string(),
        ..IssueInput::default()
    });
    let csrf = csrf(ctx)?;
    let e = |f: &str| field_error(&err, f);
    // The articles not printed yet come first; those printed before wait, folded, below.
    let (printed, fresh): (Vec<&Article>, Vec<&Article>) =
        c.articles.iter().partition(|a| c.printed.iter().any(|(i, _)| *i == a.id));
    let body = html! {
        (form_error(&err, &["number", "published_on", "article_ids"]))
        form.form.wide #compose-form method="post" action="/publicity/issues/new" {
            input type="hidden" name="_csrf" value=(csrf);
            p.lead { (issue_label(lang, &c.paper, input.number.trim().parse().unwrap_or(c.next_number))) }
            div.grid2 {
                div {
                    (layout::field(lang, "number", "publicity.f_number", "number", &input.number, e("number"), Some("off")))
                    p.hint { (tf(lang, "publicity.number_hint", &[("n", &c.next_number.to_string())])) }
                }
                (layout::field(lang, "published_on", "publicity.f_issue_on", "date", &input.published_on, e("published_on"), None))
            }
            fieldset.pick.has-error[e("article_ids").is_some()] #pick {
                legend { (tf(lang, "publicity.pick", &[("n", &linli_core::publicity::ISSUE_ARTICLES_MAX.to_string())])) }
                p.hint { (t(lang, "publicity.pick_hint")) }
                @if let Some(m) = e("article_ids") { p.field-error role="alert" { (m) } }
                @if c.articles.is_empty() { (layout::empty(&t(lang, "publicity.desk_empty"), None)) }
                @if fresh.is_empty() && !printed.is_empty() { p.hint { (t(lang, "publicity.pick_none_fresh")) } }
                (pick_list(lang, &fresh, &c.printed, &input))
                @if !printed.is_empty() {
                    details.pick-printed open[printed.iter().any(|a| input.picked.contains(&a.id))] {
                        summary { (tf(lang, "publicity.pick_printed", &[("n", &printed.len().to_string())])) }
                        (pick_list(lang, &printed, &c.printed, &input))
                    }
                }
            }
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "publicity.compose_submit")) }
                a.btn href="/publicity" { (t(lang, "common.cancel")) }
            }
        }
    };
    Ok(layout::page_with_status(
        ctx,
        status,
        &t(lang, "publicity.compose"),
        &desk_crumbs(lang),
        None,
        body,
    ))
}

/// The composer's rows: a box to tick, the article, and its place in the issue.
fn pick_list(
    lang: Lang,
    articles: &[&Article],
    printed: &[(i64, i64)],
    input: &IssueInput,
) -> Markup {
    html! {
        ul.pick-list {
            @for a in articles {
                @let numbers: Vec<String> = printed.iter().filter(|(i, _)| *i == a.id).map(|(_, n)| n.to_string()).collect();
                li.pick-row {
                    label.pick-check {
                        input type="checkbox" name="pick" value=(a.id) checked[input.picked.contains(&a.id)];
                        span.pick-text {
                            span.pick-title { (a.title) }
                            span.hint {
                                (a.published_on)
                                @if !numbers.is_empty() { " · " (tf(lang, "publicity.printed_in", &[("n", &numbers.join("、"))])) }
                            }
                        }
                    }
                    span.pick-order {
                        label for={ "order-" (a.id) } { (t(lang, "publicity.order")) }
                        input id={ "order-" (a.id) } name={ "order-" (a.id) } type="number" min="1" max="99" inputmode="numeric" value=(input.place(a.id));
                    }
                }
            }
        }
    }
}

async fn compose(ctx: Ctx) -> Result<Response, AppError> {
    compose_form(&ctx, None, None, StatusCode::OK).await
}

async fn compose_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let input = IssueInput::from_pairs(&pairs);
    match ops::create_issue(&ctx.state.app, &ctx.actor()?, input.draft())
        .await
        .map_err(AppError::from)
    {
        Ok(c) => Ok(redirect_with_flash(
            &format!("/publicity/issues/{}", c.id),
            true,
            "publicity.flash_issue",
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let err = refusal(ctx.lang(), &e);
            compose_form(&ctx, Some(input), Some(err), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// An issue as the staff see it: its articles in order, and the sheet as it prints.
async fn issue_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let v = ops::issue(&ctx.state.app, &ctx.actor()?, id).await?;
    let title = issue_label(lang, &v.paper, v.issue.number);
    let community = ctx.caller()?.community.as_ref().map(|c| c.1.clone()).unwrap_or_default();
    let published = v.issue.published_on <= super::today(&ctx);
    let body = html! {
        div.no-print {
            dl.facts {
                dt { (t(lang, "publicity.f_issue_on")) }
                dd {
                    (v.issue.published_on) " "
                    @if published { (layout::chip("ok", &t(lang, "publicity.published"))) } @else { (layout::chip("warn", &t(lang, "publicity.scheduled"))) }
                }
                dt { (t(lang, "publicity.articles")) }
                dd { (tf(lang, "publicity.articles_n", &[("n", &v.articles.len().to_string())])) }
            }
            section.panel {
                h2 { (t(lang, "publicity.issue_order")) }
                ol #issue-articles {
                    @for a in &v.articles { li { a href={ "/publicity/articles/" (a.id) } { (a.title) } } }
                }
            }
            p.actions {
                button.btn.btn-primary type="button" data-print { (t(lang, "publicity.print")) }
                @if published { a.btn href={ "/public/paper/" (id) } { (t(lang, "publicity.see_public_issue")) } }
                a.btn href="/publicity/issues/new" { (t(lang, "publicity.compose_next")) }
            }
            p.hint { (t(lang, "publicity.print_hint")) }
        }
        (paper_sheet(lang, &community, &title, &v, |a, p| format!("/publicity/articles/{a}/photos/{p}")))
        (super::print_script())
    };
    Ok(layout::page(&ctx, &title, &desk_crumbs(lang), None, body))
}

/// The publicity panel of a worker's home: the desk's doors.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let caller = ctx.caller()?;
    if caller.decide(Action::ManagePublicity, None) != linli_core::Decision::Allow {
        return Ok(html! {});
    }
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let list = ops::desk_articles(&ctx.state.app, &actor, 1).await?;
    let (paper, issues) = ops::issues(&ctx.state.app, &actor).await?;
    Ok(html! {
        section.panel #publicity-home {
            h2 { a href="/publicity" { (t(lang, "publicity.desk")) } }
            p {
                (tf(lang, "publicity.home_articles", &[("n", &list.total.to_string())]))
                @if let Some(i) = issues.first() {
                    " · " (t(lang, "publicity.home_latest")) " " a href={ "/publicity/issues/" (i.id) } { (issue_label(lang, &paper, i.number)) }
                }
            }
            @if let Some(a) = list.items.first() {
                p.hint { (t(lang, "publicity.home_newest")) " " a href={ "/publicity/articles/" (a.id) } { (a.title) } " " (a.published_on) }
            }
            p.actions {
                a.btn.btn-primary href="/publicity/articles/new" { (t(lang, "publicity.write")) }
                a.btn href="/publicity/issues/new" { (t(lang, "publicity.compose")) }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    let keep = Policy::Signed(Action::ManagePublicity);
    t.page(Method::GET, "/public/news", Policy::Public, news)
        .page(Method::GET, "/public/articles/{id}", Policy::Public, article)
        .page(Method::GET, "/public/articles/{id}/photos/{pid}", Policy::Public, public_photo)
        .page(Method::GET, "/public/paper", Policy::Public, archive)
        .page(Method::GET, "/public/paper/{id}", Policy::Public, issue)
        .page(Method::GET, "/publicity", keep, desk)
        .page(Method::POST, "/publicity/paper-name", keep, paper_name_submit)
        .page(Method::POST, "/publicity/boards", keep, board_submit)
        .page(Method::GET, "/publicity/boards/{id}", keep, board_show)
        .page(Method::POST, "/publicity/boards/{id}", keep, board_rename)
        .page(Method::POST, "/publicity/boards/{id}/retire", keep, board_retire)
        .page(Method::POST, "/publicity/boards/{id}/restore", keep, board_restore)
        .page(Method::GET, "/publicity/boards/{id}/delete", keep, board_delete_form)
        .page(Method::POST, "/publicity/boards/{id}/delete", keep, board_delete)
        .page(Method::GET, "/publicity/articles/new", keep, article_new)
        .upload("/publicity/articles/new", keep, article_create)
        .page(Method::GET, "/publicity/articles/{id}", keep, article_show)
        .page(Method::GET, "/publicity/articles/{id}/edit", keep, article_edit)
        .upload("/publicity/articles/{id}/edit", keep, article_update)
        .page(Method::GET, "/publicity/articles/{id}/photos/{pid}", keep, staff_photo)
        .page(Method::GET, "/publicity/issues/new", keep, compose)
        .page(Method::POST, "/publicity/issues/new", keep, compose_submit)
        .page(Method::GET, "/publicity/issues/{id}", keep, issue_show)
}
