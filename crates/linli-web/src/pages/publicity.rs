//! Publicity on the public portal (issue 17, first pages): the community's news with Chinese
//! full-text search and highlighted hits, an article, the paper's archive and an issue laid out
//! for printing on A4 (or saving as PDF from the browser's print). Built on
//! `linli_app::publicity`; staff write through the JSON API for now.

use super::portal::public_contact;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_app::publicity as ops;
use linli_core::publicity::{Block, Inline, Piece, blocks};
use linli_store::Tenant;
use linli_store::publicity::Article;
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

async fn news(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&state, &ctx.actor_or_public(), q.community).await?;
    let tenant = Tenant::new(community.id);
    let today = super::today(&ctx);
    let page = q.page.unwrap_or(1).max(1);
    let sfx = suffix(&community.name);
    let query = q.q.trim().to_string();
    let results = if query.is_empty() {
        None
    } else {
        Some(ops::public_search(&state.app, tenant, today, &query, page).await?)
    };
    let list = if results.is_none() {
        Some(ops::public_articles(&state.app, tenant, today, page).await?)
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
            p #search-total { (tf(lang, "publicity.results", &[("n", &r.total.to_string()), ("q", &query)])) }
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
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let v = ops::public_article(
        &state.app,
        Tenant::new(community.id),
        super::today(&ctx),
        id,
    )
    .await?;
    let a = &v.article;
    let html = html! {
        article.panel.article-page {
            h1 { (a.title) }
            (byline(lang, a))
            @if let Some(b) = &v.board { p.hint { (tf(lang, "publicity.on_board", &[("board", &b.name), ("location", &b.location)])) } }
            div.article-body { (body(&a.body)) }
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

async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let (paper, issues) =
        ops::public_issues(&state.app, Tenant::new(community.id), super::today(&ctx)).await?;
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
    Ok(layout::public_page(
        &ctx,
        &t(lang, "publicity.paper_archive"),
        body,
    ))
}

async fn issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, _) = public_contact(&state, &ctx.actor_or_public(), q.community).await?;
    let sfx = suffix(&community.name);
    let v = ops::public_issue(
        &state.app,
        Tenant::new(community.id),
        super::today(&ctx),
        id,
    )
    .await?;
    let title = ops::issue_title(&v.paper, v.issue.number);
    let body = html! {
        p.no-print.actions {
            button.btn.btn-primary type="button" onclick="window.print()" { (t(lang, "publicity.print")) }
            " " a.btn href={ "/public/paper" (sfx) } { (t(lang, "publicity.paper_archive")) }
        }
        article.paper-sheet #paper-sheet {
            header.paper-masthead {
                h1 { (title) }
                p { (community.name) " · " (v.issue.published_on) }
            }
            div.paper-columns {
                @for a in &v.articles {
                    section.paper-article {
                        h2 { (a.title) }
                        @if !a.author.is_empty() { p.hint { (tf(lang, "publicity.by", &[("name", &a.author)])) } }
                        (body_of(a))
                    }
                }
            }
        }
    };
    Ok(layout::public_page(&ctx, &title, body))
}

fn body_of(a: &Article) -> Markup {
    body(&a.body)
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/public/news", Policy::Public, news)
        .page(
            Method::GET,
            "/public/articles/{id}",
            Policy::Public,
            article,
        )
        .page(Method::GET, "/public/paper", Policy::Public, archive)
        .page(Method::GET, "/public/paper/{id}", Policy::Public, issue)
}
