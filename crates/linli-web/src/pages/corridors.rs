//! Civilized corridors in the pages (issue 17, first part): the list by building with stars and
//! high-standard status and the worst items, a corridor's page with the inspection form for a
//! phone, its boards and history, a failed item turned into an issue, and the public page a
//! resident opens in the stairwell. Built on `linli_app::corridors`.

use super::back_with;
use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_app::corridors::{self as ops, BoardDraft, CorridorView, InspectionDraft};
use linli_core::corridors::star_text;
use linli_core::{Action, Decision};
use maud::{Markup, html};
use serde::Deserialize;

fn stars(lang: Lang, n: Option<i64>) -> Markup {
    match n {
        Some(n) => html! {
            span.stars {
                span aria-hidden="true" { (star_text(n)) }
                span.visually-hidden { (tf(lang, "corridors.stars_n", &[("n", &n.to_string())])) }
            }
        },
        None => html! { span.hint { (t(lang, "corridors.never")) } },
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    building: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let rows = ops::list(&state.app, &actor, q.building).await?;
    let worst = ops::worst_items(&state.app, &actor).await?;
    let high = rows.iter().filter(|r| r.high_standard).count();
    let inspected = rows.iter().filter(|r| r.stars.is_some()).count();
    // Corridors grouped by building, side by side.
    let mut buildings: Vec<(i64, String, Vec<&linli_app::corridors::CorridorRow>)> = Vec::new();
    for r in &rows {
        match buildings.last_mut() {
            Some((id, _, list)) if *id == r.building_id => list.push(r),
            _ => buildings.push((r.building_id, r.building_name.clone(), vec![r])),
        }
    }
    let body = html! {
        div.stats {
            (layout::stat(&t(lang, "corridors.count"), rows.len() as i64, &t(lang, "unit.ge"), None))
            (layout::stat(&t(lang, "corridors.high_standard"), high as i64, &t(lang, "unit.ge"), None))
            (layout::stat(&t(lang, "corridors.inspected"), inspected as i64, &t(lang, "unit.ge"), None))
        }
        @if !worst.is_empty() {
            section.panel #worst-items {
                h2 { (t(lang, "corridors.worst")) }
                p.hint { (t(lang, "corridors.worst_hint")) }
                ol { @for (_, l, n) in worst.iter().take(6) { li { (l) "：" (tf(lang, "corridors.times", &[("n", &n.to_string())])) } } }
            }
        }
        p.actions.no-print {
            @if q.building.is_some() { a.btn href="/corridors" { (t(lang, "corridors.all")) } " " }
            a.btn href="/corridors/export.xlsx" { (t(lang, "corridors.export")) }
            " " a.btn href="/corridors/inspections.xlsx" { (t(lang, "corridors.register")) }
        }
        @if rows.is_empty() { (layout::empty(&t(lang, "corridors.none"), None)) }
        div.corridor-buildings {
            @for (bid, bname, list) in &buildings {
                section.panel.corridor-building {
                    h2 { a href={ "/corridors?building=" (bid) } { (bname) } }
                    ul.corridor-list {
                        @for r in list {
                            li {
                                a href={ "/corridors/" (r.id) } { (r.name) }
                                " " (stars(lang, r.stars))
                                @if r.high_standard { " " (layout::chip("ok", &t(lang, "corridors.high_chip"))) }
                                @if let Some(d) = &r.last_inspected { " " span.hint { (d) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "corridors.title"),
        &[],
        None,
        body,
    ))
}

fn boards_markup(lang: Lang, v: &CorridorView, csrf: Option<&str>, corridor_id: i64) -> Markup {
    html! {
        section.panel #boards {
            h2 { (t(lang, "corridors.boards")) }
            div.boards {
                @for b in &v.boards {
                    article.board {
                        h3 { (label(lang, "board_theme", &b.board.theme)) }
                        @if b.board.title.is_empty() {
                            p.hint { (t(lang, "corridors.board_empty")) }
                        } @else {
                            p { strong { (b.board.title) } }
                            @if !b.board.content.is_empty() { p { (b.board.content) } }
                        }
                        p.hint {
                            @if let Some(d) = &b.board.updated_on { (tf(lang, "corridors.updated_on", &[("date", d)])) }
                            @if b.stale { " " (layout::chip("warn", &t(lang, "corridors.stale"))) }
                        }
                        @if let Some(csrf) = csrf {
                            details.no-print {
                                summary { (t(lang, "corridors.board_edit")) }
                                form.form method="post" action={ "/corridors/" (corridor_id) "/boards" } {
                                    input type="hidden" name="_csrf" value=(csrf);
                                    input type="hidden" name="theme" value=(b.board.theme);
                                    div.field {
                                        label for={ "title-" (b.board.theme) } { (t(lang, "corridors.board_title")) }
                                        input id={ "title-" (b.board.theme) } name="title" type="text" value=(b.board.title);
                                    }
                                    div.field {
                                        label for={ "content-" (b.board.theme) } { (t(lang, "corridors.board_content")) }
                                        textarea id={ "content-" (b.board.theme) } name="content" rows="3" { (b.board.content) }
                                    }
                                    button.btn type="submit" { (t(lang, "common.save")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let v = ops::view(&state.app, &actor, id).await?;
    let caller = ctx.caller()?;
    let can_inspect =
        caller.decide(Action::InspectCorridors, Some(&v.corridor.place_path)) == Decision::Allow;
    let csrf = caller.csrf_token.clone();
    let item_label = |code: &str| {
        v.items
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, l, _)| l.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let last = v.inspections.first();
    let body = html! {
        section.panel #corridor-status {
            p {
                (stars(lang, last.map(|i| i.stars)))
                @if let Some(i) = last { " " (tf(lang, "corridors.last", &[("date", &i.on), ("score", &i.score.to_string())])) }
                " "
                @if v.high_standard { (layout::chip("ok", &t(lang, "corridors.high_chip"))) } @else { (layout::chip("muted", &t(lang, "corridors.not_high"))) }
            }
            p.hint { (t(lang, "corridors.high_rule")) " " a href={ "/public/corridors/" (id) } { (t(lang, "corridors.public_link")) } }
        }
        @if can_inspect {
            section.panel #inspect {
                h2 { (t(lang, "corridors.inspect")) }
                form.form #inspect-form method="post" enctype="multipart/form-data" action={ "/corridors/" (id) "/inspections?_csrf=" (csrf) } {
                    p.hint { (t(lang, "corridors.inspect_hint")) }
                    fieldset.checks {
                        legend { (t(lang, "corridors.failed_items")) }
                        @for (code, l, p) in &v.items {
                            label.check.big-check { input type="checkbox" name="failed" value=(code); " " (l) " " span.hint { "（" (p) (t(lang, "corridors.points")) "）" } }
                        }
                    }
                    (layout::field(lang, "on", "corridors.on", "date", &super::today(&ctx).to_string(), None, None))
                    (layout::field(lang, "note", "corridors.note", "text", "", None, Some("off")))
                    div.field {
                        label for="photos" { (t(lang, "corridors.photos")) }
                        input #photos type="file" name="photos" accept="image/jpeg,image/png" capture="environment" multiple;
                        p.hint { (t(lang, "corridors.photos_hint")) }
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "corridors.save_inspection")) } }
                }
            }
        }
        section.panel #inspections {
            h2 { (t(lang, "corridors.history")) }
            @if v.inspections.is_empty() { p.hint { (t(lang, "corridors.never")) } }
            ul.inspections {
                @for (n, i) in v.inspections.iter().enumerate().take(24) {
                    li {
                        strong { (i.on) } " " (stars(lang, Some(i.stars))) " " (tf(lang, "corridors.score", &[("score", &i.score.to_string())]))
                        @if !i.inspector.is_empty() { " · " (i.inspector) }
                        @if !i.failed.is_empty() {
                            br; span { (t(lang, "corridors.failed_items")) "：" }
                            @for code in &i.failed {
                                " " (layout::chip("warn", &item_label(code)))
                                @if n == 0 && can_inspect {
                                    form.inline method="post" action={ "/corridors/inspections/" (i.id) "/report" } {
                                        input type="hidden" name="_csrf" value=(csrf);
                                        input type="hidden" name="item" value=(code);
                                        button.btn.btn-small type="submit" { (t(lang, "corridors.to_issue")) }
                                    }
                                }
                            }
                        }
                        @if !i.note.is_empty() { br; span.hint { (i.note) } }
                        @for (pid, _) in v.photos.iter().filter(|(_, iid)| *iid == i.id) {
                            br; a href={ "/corridors/" (id) "/photos/" (pid) } { img.inspection-photo src={ "/corridors/" (id) "/photos/" (pid) } alt=(tf(lang, "corridors.photo_of", &[("date", &i.on)])) loading="lazy"; }
                        }
                    }
                }
            }
        }
        (boards_markup(lang, &v, can_inspect.then_some(csrf.as_str()), id))
        @if !v.history.is_empty() {
            section.panel {
                h2 { (t(lang, "corridors.board_history")) }
                ul { @for (theme, title, on) in &v.history { li { (on) " " (label(lang, "board_theme", theme)) "：" (title) } } }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &v.corridor.name,
        &[(t(lang, "corridors.title"), Some("/corridors".into()))],
        None,
        body,
    ))
}

async fn inspect_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (pairs, photos) = super::affairs::photo_form(form).await?;
    let failed = pairs
        .iter()
        .filter(|(k, _)| k == "failed")
        .map(|(_, v)| v.clone())
        .collect();
    let (on, note) = (
        super::pairs_get(&pairs, "on"),
        super::pairs_get(&pairs, "note"),
    );
    let to = format!("/corridors/{id}#inspections");
    let photos = match super::affairs::clean_photos(photos).await {
        Ok(p) => p,
        Err(e @ AppError::Invalid { .. }) => {
            return Ok(redirect_with_flash(
                &to,
                false,
                &format!("error.{}", e.code()),
            ));
        }
        Err(e) => return Err(e),
    };
    let d = InspectionDraft {
        corridor_id: id,
        on,
        failed,
        note,
    };
    let r = ops::inspect(&state.app, &ctx.actor()?, d, photos).await;
    back_with(
        &format!("/corridors/{id}#inspections"),
        r,
        |_| "corridors.flash_inspected",
    )
}

async fn board_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(d): Form<BoardDraft>,
) -> Result<Response, AppError> {
    let r = ops::set_board(&state.app, &ctx.actor()?, id, d).await;
    back_with(
        &format!("/corridors/{id}#boards"),
        r,
        |_| "corridors.flash_board",
    )
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    item: String,
}

async fn report_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    match ops::report_item(&state.app, &ctx.actor()?, id, &f.item).await {
        Ok(r) => Ok(redirect_with_flash(
            &format!("/affairs/{}", r.id),
            true,
            "corridors.flash_reported",
        )),
        Err(e) => back_with("/corridors", Err::<(), _>(e), |_| ""),
    }
}

async fn photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    Ok(super::jpeg(
        ops::photo(&state.app, &ctx.actor()?, id, pid).await?,
    ))
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

/// The corridor list (楼道名册) as a spreadsheet.
async fn list_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let year = chrono::Datelike::year(&super::today(&ctx));
    let l = ops::ledgers(&state.app, &ctx.actor()?, year).await?;
    let rows = l
        .corridors
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.building_name.clone(),
                r.stars.map(|s| s.to_string()).unwrap_or_default(),
                if r.high_standard { "是" } else { "" }.into(),
                r.last_inspected.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let headers = vec!["楼道", "楼栋", "星级", "高标准", "最近检查"];
    super::xlsx_download(headers, rows, "文明楼道", "corridors.xlsx").await
}

/// The year's inspection register (检查登记簿) as a spreadsheet.
async fn register_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&super::today(&ctx)));
    let l = ops::ledgers(&state.app, &ctx.actor()?, year).await?;
    let label = |code: &str| {
        l.items
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, l, _)| l.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let rows = l
        .register
        .iter()
        .map(|(name, i)| {
            vec![
                i.on.clone(),
                name.clone(),
                i.score.to_string(),
                i.stars.to_string(),
                i.failed
                    .iter()
                    .map(|f| label(f))
                    .collect::<Vec<_>>()
                    .join("、"),
                i.inspector.clone(),
                i.note.clone(),
            ]
        })
        .collect();
    let headers = vec![
        "检查日期",
        "楼道",
        "得分",
        "星级",
        "不合格项目",
        "检查人",
        "备注",
    ];
    super::xlsx_download(
        headers,
        rows,
        "检查登记",
        &format!("inspections-{year}.xlsx"),
    )
    .await
}

/// The corridor's public page: what a resident sees when she scans the code in her stairwell.
async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, v) = ops::public_view(&state.app, super::today(&ctx), id).await?;
    let last = v.inspections.first();
    let body = html! {
        h1 { (community) " " (v.corridor.name) }
        p #corridor-public-status {
            (stars(lang, last.map(|i| i.stars)))
            @if v.high_standard { " " (layout::chip("ok", &t(lang, "corridors.high_chip"))) }
            @if let Some(i) = last { " " span.hint { (tf(lang, "corridors.last_public", &[("date", &i.on)])) } }
        }
        (boards_markup(lang, &v, None, id))
        p { a href="/public/report" { (t(lang, "corridors.public_report")) } }
    };
    Ok(layout::public_page(
        &ctx,
        &format!("{} · {}", v.corridor.name, t(lang, "corridors.title")),
        body,
    ))
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewCorridors);
    let inspect = Policy::Signed(Action::InspectCorridors);
    t.page(Method::GET, "/corridors", view, list)
        .page(Method::GET, "/corridors/export.xlsx", view, list_xlsx)
        .page(
            Method::GET,
            "/corridors/inspections.xlsx",
            view,
            register_xlsx,
        )
        .page(Method::GET, "/corridors/{id}", view, show)
        .upload("/corridors/{id}/inspections", inspect, inspect_submit)
        .page(Method::GET, "/corridors/{id}/photos/{pid}", view, photo)
        .page(
            Method::POST,
            "/corridors/{id}/boards",
            inspect,
            board_submit,
        )
        .page(
            Method::POST,
            "/corridors/inspections/{id}/report",
            inspect,
            report_submit,
        )
        .page(
            Method::GET,
            "/public/corridors/{id}",
            Policy::Public,
            public,
        )
}
