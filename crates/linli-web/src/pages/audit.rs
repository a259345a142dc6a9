//! The audit log page: who did what, when, newest first, with the request id to find the log.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_core::Action;
use maud::html;
use serde::Deserialize;

pub const PER_PAGE: i64 = 50;

/// A stored UTC timestamp shown in Shanghai time, to the minute.
pub fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            linli_core::clock::shanghai(t.with_timezone(&chrono::Utc))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// The catalogue's words for an audit action code, or the code itself.
pub fn action_label(lang: Lang, action: &str) -> String {
    let key = format!("audit.action.{action}");
    let text = t(lang, &key);
    if text == key {
        action.to_string()
    } else {
        text
    }
}

fn object_label(lang: Lang, kind: &str) -> String {
    let key = format!("audit.object.{kind}");
    let text = t(lang, &key);
    if text == key { kind.to_string() } else { text }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) =
        linli_app::accounts::audit_log(&state.app, &ctx.actor()?, page, PER_PAGE).await?;
    let body = html! {
        p.hint { (t(lang, "audit.hint")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr {
                    th scope="col" { (t(lang, "audit.at")) }
                    th scope="col" { (t(lang, "audit.actor")) }
                    th scope="col" { (t(lang, "audit.action")) }
                    th scope="col" { (t(lang, "audit.object")) }
                    th scope="col" { (t(lang, "audit.change")) }
                    th scope="col" { (t(lang, "audit.request")) }
                } }
                tbody {
                    @for r in &items {
                        tr {
                            td.nowrap { (local_time(&r.at)) }
                            td { (r.actor) }
                            td { (action_label(lang, &r.action)) }
                            td {
                                @if r.object_kind == "resident" && r.object_id.is_some() {
                                    a href={ "/residents/" (r.object_id.clone().unwrap_or_default()) } { (object_label(lang, &r.object_kind)) " #" (r.object_id.clone().unwrap_or_default()) }
                                } @else {
                                    (object_label(lang, &r.object_kind)) @if let Some(id) = &r.object_id { " #" (id) }
                                }
                            }
                            td.change {
                                @if let Some(b) = &r.before { span.before { (b) } " → " }
                                @if let Some(a) = &r.after { span.after { (a) } }
                            }
                            td { code { (r.request_id.clone().unwrap_or_default()) } }
                        }
                    }
                }
            }
        }
        (layout::pager(lang, page, PER_PAGE, total, "/audit"))
        p.hint { (tf(lang, "audit.verify_hint", &[])) }
    };
    Ok(layout::page(&ctx, &t(lang, "audit.title"), &[], None, body))
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/audit",
        Policy::Signed(Action::ViewAudit),
        list,
    )
}
