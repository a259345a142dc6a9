//! The street office's pages (街道): its communities side by side with the street's totals
//! (`/street`, sortable by any column without JavaScript), one community's indicators and
//! summary as the street reads them, and the street's summary of the year.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::reports as period_ops;
use linli_app::street as ops;
use linli_core::Action;
use linli_core::indicators::{CATALOGUE, Counts, Indicator};
use linli_core::street::{Share, Total};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
    format: Option<String>,
}

fn name(lang: Lang, ind: &Indicator) -> &'static str {
    if lang == Lang::Zh { ind.name_zh } else { ind.name_en }
}

/// The unit a column's figures are in, as its heading prints it (`元`, `人次`, `%` …).
fn unit_word(lang: Lang, ind: &Indicator) -> String {
    let key = match (ind.counts, ind.unit) {
        (Counts::Times, _) => "street.unit.times",
        (Counts::Persons, _) => "street.unit.persons",
        (Counts::Households, _) => "street.unit.households",
        (Counts::Money, _) => "street.unit.yuan",
        (Counts::Rate, _) => "street.unit.percent",
        (Counts::Hours, _) => "street.unit.hours",
        (Counts::Average, _) => "street.unit.stars",
        (Counts::Items, _) => "street.unit.items",
    };
    t(lang, key)
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn tenths(n: i64) -> String {
    format!("{}.{}", thousands(n / 10), (n % 10).abs())
}

/// A community's figure in a cell: money in yuan, a rate with its numerator and denominator,
/// hours with one decimal, a mean with two; "—" when it has none.
fn share_text(ind: &Indicator, share: &Share) -> String {
    match (ind.counts, *share) {
        (_, Share::Missing) => "—".into(),
        (Counts::Money, Share::Count(fen)) => super::fund::yuan(fen),
        (Counts::Hours, Share::Count(t)) => tenths(t),
        (_, Share::Count(n)) => thousands(n),
        (_, Share::Ratio { numerator, denominator }) => {
            super::reports::rate_text(numerator, denominator)
        }
        (_, Share::Mean { sum, n }) if n > 0 => format!("{:.2}", sum as f64 / n as f64),
        (_, Share::Mean { .. }) => "—".into(),
    }
}

/// The street's total in its cell, the same way.
fn total_text(ind: &Indicator, total: &Total) -> String {
    match *total {
        Total::Sum(n) => share_text(ind, &Share::Count(n)),
        Total::Rate { numerator, denominator } => {
            share_text(ind, &Share::Ratio { numerator, denominator })
        }
        Total::Mean { sum, n } => share_text(ind, &Share::Mean { sum, n }),
        Total::NotSummable(_) => "—".into(),
    }
}

/// The catalogue's modules in catalogue order, each with its indicators: one table per module
/// keeps a table narrow enough to read at 1366 px.
fn modules() -> Vec<(&'static str, Vec<(usize, &'static Indicator)>)> {
    let mut out: Vec<(&'static str, Vec<(usize, &'static Indicator)>)> = Vec::new();
    for (i, ind) in CATALOGUE.iter().enumerate() {
        match out.iter_mut().find(|(m, _)| *m == ind.module) {
            Some((_, list)) => list.push((i, ind)),
            None => out.push((ind.module, vec![(i, ind)])),
        }
    }
    out
}

fn query_of(from: &str, to: &str, sort: Option<&str>, descending: bool) -> String {
    let mut q = format!("?from={from}&to={to}");
    if let Some(s) = sort {
        q.push_str(&format!("&sort={s}&dir={}", if descending { "desc" } else { "asc" }));
    }
    q
}

async fn overview(ctx: Ctx, Query(q): Query<ops::Asked>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let v = ops::indicators(&ctx.state.app, &actor, &q).await?;
    let (from, to) = (v.from.clone(), v.to.clone());
    let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    // A column's heading links to the order by it: largest first, then smallest first.
    let sort_link = |id: &str| {
        let desc = !(v.sort == Some(id) && v.descending);
        format!("/street{}", query_of(&from, &to, Some(id), desc))
    };
    let aria_sort = |id: &str| match (v.sort == Some(id), v.descending) {
        (true, true) => Some("descending"),
        (true, false) => Some("ascending"),
        _ => None,
    };
    let arrow = |id: &str| match (v.sort == Some(id), v.descending) {
        (true, true) => " ▼",
        (true, false) => " ▲",
        _ => "",
    };
    let count = v.communities.len().to_string();
    let body = html! {
        form.filters.no-print method="get" action="/street" {
            div.filter-row {
                (layout::field(lang, "from", "reports.from", "date", &from, None, None))
                (layout::field(lang, "to", "reports.to", "date", &to, None, None))
                @if let Some(s) = v.sort {
                    input type="hidden" name="sort" value=(s);
                    input type="hidden" name="dir" value=(if v.descending { "desc" } else { "asc" });
                }
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "common.search")) } }
            }
        }
        p.lead #street-period { (tf(lang, "street.period", &[("from", &from), ("to", &to), ("count", &count)])) }
        @if v.communities.is_empty() {
            (layout::empty(&t(lang, "street.empty"), None))
        }
        @for (module, inds) in modules() {
            section.street-module data-module=(module) {
                h2 { (t(lang, &format!("street.module.{module}"))) }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, &format!("street.module.{module}"))) {
                    table.table.street-table {
                        thead { tr {
                            th scope="col" aria-sort=[if v.sort.is_none() { Some("none") } else { None }] {
                                a href={ "/street" (query_of(&from, &to, None, true)) } { (t(lang, "street.community")) }
                            }
                            @for (_, ind) in &inds {
                                th.num scope="col" aria-sort=[aria_sort(ind.id)] title=(ind.definition_zh) {
                                    a href=(sort_link(ind.id)) { (name(lang, ind)) (arrow(ind.id)) }
                                    br; span.unit { "（" (unit_word(lang, ind)) "）" }
                                }
                            }
                        } }
                        tbody {
                            @for c in &v.communities {
                                tr data-community=(c.community.id) {
                                    th scope="row" {
                                        a href={ "/street/communities/" (c.community.id) "?from=" (from) "&to=" (to) } { (c.community.name) }
                                    }
                                    @for (i, ind) in &inds {
                                        @let share = c.shares.get(*i).copied().unwrap_or(Share::Missing);
                                        td.num data-indicator=(ind.id) { (share_text(ind, &share)) }
                                    }
                                }
                            }
                        }
                        tfoot { tr.street-total {
                            th scope="row" { (t(lang, "street.total")) }
                            @for (i, ind) in &inds {
                                @let total = v.totals.get(*i).map(|(_, t)| *t).unwrap_or(Total::NotSummable(linli_core::street::NotSummable::NoCommunity));
                                td.num data-indicator=(ind.id) data-rule=(total.rule()) {
                                    (total_text(ind, &total))
                                    @if let Total::NotSummable(r) = total {
                                        br; span.hint { (t(lang, &format!("street.not_summable.{}", r.code()))) }
                                    }
                                }
                            }
                        } }
                    }
                }
            }
        }
        p.hint #street-rules { (t(lang, "street.rules")) }
    };
    let action = html! {
        a.btn.btn-primary #to-street-summary href={ "/street/summary?year=" (year) } { (t(lang, "street.summary_title")) }
    };
    Ok(layout::page(
        &ctx,
        &tf(lang, "street.title", &[("street", &v.street.name)]),
        &[],
        Some(action),
        body,
    ))
}

async fn community(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ops::Asked>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let (from, to) = period_ops::period(&actor, q.from.as_deref(), q.to.as_deref())?;
    let (place, figures) =
        ops::community_indicators(&ctx.state.app, &actor, id, &from, &to).await?;
    let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let body = html! {
        form.filters.no-print method="get" action={ "/street/communities/" (id) } {
            div.filter-row {
                (layout::field(lang, "from", "reports.from", "date", &from, None, None))
                (layout::field(lang, "to", "reports.to", "date", &to, None, None))
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "common.search")) } }
            }
        }
        p.lead { (tf(lang, "street.community_period", &[("community", &place.name), ("from", &from), ("to", &to)])) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table {
                thead { tr {
                    th scope="col" { (t(lang, "reports.indicator")) }
                    th.num scope="col" { (t(lang, "reports.value")) }
                    th scope="col" { (t(lang, "street.unit")) }
                    th scope="col" { (t(lang, "reports.in_words")) }
                    th scope="col" { (t(lang, "street.definition")) }
                } }
                tbody {
                    @for f in &figures {
                        tr data-indicator=(f.indicator.id) {
                            td { (name(lang, f.indicator)) }
                            td.num { (share_text(f.indicator, &ops::share_of(f))) }
                            td { (unit_word(lang, f.indicator)) }
                            td { (f.details.get("approx_zh").and_then(|a| a.as_str()).unwrap_or("")) }
                            td.hint { (f.indicator.definition_zh) }
                        }
                    }
                }
            }
        }
        p.hint { (t(lang, "street.community_hint")) }
    };
    let action = html! {
        a.btn.btn-primary #to-community-summary href={ "/street/communities/" (id) "/summary?year=" (year) } { (t(lang, "summary.to_summary")) }
    };
    Ok(layout::page(
        &ctx,
        &place.name,
        &[(t(lang, "street.crumb"), Some("/street".to_string()))],
        Some(action),
        body,
    ))
}

fn year_of(ctx: &Ctx, raw: Option<&str>) -> Result<i32, AppError> {
    Ok(period_ops::year(&ctx.actor()?, raw)?)
}

/// A summary document on a page (the preview's paper and styles) with its downloads.
#[allow(clippy::too_many_arguments)]
fn summary_page(
    ctx: &Ctx,
    title: &str,
    crumbs: &[layout::Crumb],
    doc: &linli_core::summary::Document,
    form_action: &str,
    download: &str,
    year: i32,
    lead: Markup,
) -> Response {
    let lang = ctx.lang();
    let body = html! {
        link rel="stylesheet" href="/reports/summary.css";
        form.filters.no-print method="get" action=(form_action) {
            div.filter-row {
                (layout::field(lang, "year", "summary.year", "number", &year.to_string(), None, None))
                div.field.buttons { button.btn type="submit" { (t(lang, "summary.show_year")) } }
            }
        }
        (lead)
        div.summary-paper #summary-preview {
            (PreEscaped(linli_core::summary::to_html(doc)))
        }
    };
    let action = html! {
        div.downloads.no-print {
            a.btn.btn-primary #download-docx href={ (download) "format=docx&year=" (year) } { (t(lang, "summary.download_docx")) }
            a.btn #download-html href={ (download) "format=html&year=" (year) } { (t(lang, "summary.download_html")) }
            a.btn #download-md href={ (download) "format=md&year=" (year) } { (t(lang, "summary.download_md")) }
        }
    };
    layout::page(ctx, title, crumbs, Some(action), body)
}

/// A summary as a file (docx, html or md), rendered off the async threads.
async fn summary_file(
    doc: linli_core::summary::Document,
    format: Option<String>,
    name: &str,
    year: i32,
) -> Result<Response, AppError> {
    let fmt = format.unwrap_or_else(|| "docx".to_string());
    let out = tokio::task::spawn_blocking(move || super::summary::render_format(&doc, &fmt))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(super::summary::attachment(out, name, year))
}

async fn street_summary(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let year = year_of(&ctx, q.year.as_deref())?;
    let (v, doc) = ops::summary(&ctx.state.app, &ctx.actor()?, year).await?;
    let names: Vec<String> = v.communities.iter().map(|c| c.community.name.clone()).collect();
    let lead = html! {
        p.hint.no-print #street-summary-lead {
            (tf(lang, "street.summary_lead", &[("from", &v.from), ("to", &v.to), ("communities", &names.join("、"))]))
        }
    };
    Ok(summary_page(
        &ctx,
        &tf(lang, "street.summary_of", &[("street", &v.street.name)]),
        &[(t(lang, "street.crumb"), Some("/street".to_string()))],
        &doc,
        "/street/summary",
        "/street/summary/download?",
        year,
        lead,
    ))
}

async fn street_summary_download(
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&ctx, q.year.as_deref())?;
    let (v, doc) = ops::summary(&ctx.state.app, &ctx.actor()?, year).await?;
    summary_file(doc, q.format, &v.street.name, year).await
}

async fn community_summary(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let year = year_of(&ctx, q.year.as_deref())?;
    let (place, doc) = ops::community_summary(&ctx.state.app, &ctx.actor()?, id, year).await?;
    let lead = html! {
        p.hint.no-print { (tf(lang, "summary.lead", &[("from", &doc.from), ("to", &doc.to)])) }
    };
    Ok(summary_page(
        &ctx,
        &format!("{}{}", place.name, t(lang, "summary.to_summary")),
        &[
            (t(lang, "street.crumb"), Some("/street".to_string())),
            (place.name.clone(), Some(format!("/street/communities/{id}"))),
        ],
        &doc,
        &format!("/street/communities/{id}/summary"),
        &format!("/street/communities/{id}/summary/download?"),
        year,
        lead,
    ))
}

async fn community_summary_download(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&ctx, q.year.as_deref())?;
    let (place, doc) = ops::community_summary(&ctx.state.app, &ctx.actor()?, id, year).await?;
    summary_file(doc, q.format, &place.name, year).await
}

pub fn routes(t: Table) -> Table {
    let read = Policy::Signed(Action::ViewReports);
    t.page(Method::GET, "/street", read, overview)
        .page(Method::GET, "/street/summary", read, street_summary)
        .page(Method::GET, "/street/summary/download", read, street_summary_download)
        .page(Method::GET, "/street/communities/{id}", read, community)
        .page(Method::GET, "/street/communities/{id}/summary", read, community_summary)
        .page(
            Method::GET,
            "/street/communities/{id}/summary/download",
            read,
            community_summary_download,
        )
}
