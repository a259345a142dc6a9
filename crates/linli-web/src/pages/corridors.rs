//! Civilized corridors in the pages (issue 17, first part): the list by building with stars and
//! high-standard status and the worst items, a corridor's page with the inspection form for a
//! phone, its boards and history, a failed item turned into an issue, and the public page a
//! resident opens in the stairwell. Built on `linli_app::corridors`.

use super::back_with;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::{HeaderMap, Method};
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

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let rows = ops::list(&ctx.state.app, &actor, q.building).await?;
    let worst = ops::worst_items(&ctx.state.app, &actor).await?;
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
            " " a.btn #settings-link href="/corridors/settings" { (t(lang, "corridors.settings_title")) }
            " " a.btn #qr-link href={ "/corridors/qr" @if let Some(b) = q.building { "?building=" (b) } } { (t(lang, "corridors.qr_print")) }
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
    Ok(layout::page(&ctx, &t(lang, "corridors.title"), &[], None, body))
}

/// A board's name: the catalogue's for the seed's six (so the English UI has English names),
/// the community's own for the boards it added.
fn board_name(lang: Lang, v: &CorridorView, code: &str) -> String {
    if linli_core::corridors::DEFAULT_BOARDS.iter().any(|(c, _)| *c == code) {
        label(lang, "board_theme", code)
    } else {
        v.settings.board_name(code).to_string()
    }
}

fn boards_markup(lang: Lang, v: &CorridorView, csrf: Option<&str>, corridor_id: i64) -> Markup {
    html! {
        section.panel #boards {
            h2 { (t(lang, "corridors.boards")) }
            div.boards {
                @for b in &v.boards {
                    article.board {
                        h3 { (board_name(lang, v, &b.board.theme)) }
                        @if b.board.title.is_empty() {
                            p.hint { (t(lang, "corridors.board_empty")) }
                        } @else {
                            p { strong { (b.board.title) } }
                            @if !b.board.content.is_empty() { p { (b.board.content) } }
                        }
                        p.hint {
                            @if let Some(d) = &b.board.updated_on { (tf(lang, "corridors.updated_on", &[("date", &d.to_string())])) }
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

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let v = ops::view(&ctx.state.app, &actor, id).await?;
    let caller = ctx.caller()?;
    let can_inspect =
        caller.decide(Action::InspectCorridors, Some(&v.corridor.place_path)) == Decision::Allow;
    let csrf = caller.csrf_token.clone();
    let item_label = |code: &str| linli_core::corridors::item_label(code, &v.labels);
    let last = v.inspections.first();
    let body = html! {
        section.panel #corridor-status {
            p {
                (stars(lang, last.map(|i| i.stars)))
                @if let Some(i) = last { " " (tf(lang, "corridors.last", &[("date", &i.on.to_string()), ("score", &i.score.to_string())])) }
                " "
                @if v.high_standard { (layout::chip("ok", &t(lang, "corridors.high_chip"))) } @else { (layout::chip("muted", &t(lang, "corridors.not_high"))) }
            }
            p.hint { (tf(lang, "corridors.high_rule", &[("n", &v.settings.high_last.to_string()), ("stars", &v.settings.high_stars.to_string())])) " " a href={ "/public/corridors/" (id) } { (t(lang, "corridors.public_link")) } " · " a href={ "/corridors/qr?corridor=" (id) } { (t(lang, "corridors.qr_one")) } }
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
                            br; a href={ "/corridors/" (id) "/photos/" (pid) } { img.inspection-photo src={ "/corridors/" (id) "/photos/" (pid) } alt=(tf(lang, "corridors.photo_of", &[("date", &i.on.to_string())])) loading="lazy"; }
                        }
                    }
                }
            }
        }
        (boards_markup(lang, &v, can_inspect.then_some(csrf.as_str()), id))
        @if !v.history.is_empty() {
            section.panel {
                h2 { (t(lang, "corridors.board_history")) }
                ul { @for (theme, title, on) in &v.history { li { (on) " " (board_name(lang, &v, theme)) "：" (title) } } }
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
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (pairs, photos) = super::affairs::photo_form(form).await?;
    let failed = pairs.iter().filter(|(k, _)| k == "failed").map(|(_, v)| v.clone()).collect();
    let (on, note) = (super::pairs_get(&pairs, "on"), super::pairs_get(&pairs, "note"));
    let to = format!("/corridors/{id}#inspections");
    let photos = match super::affairs::clean_photos(photos).await {
        Ok(p) => p,
        Err(e @ AppError::Invalid { .. }) => {
            return Ok(redirect_with_flash(&to, false, &format!("error.{}", e.code())));
        }
        Err(e) => return Err(e),
    };
    let d = InspectionDraft { corridor_id: id, on, failed, note };
    let r = ops::inspect(&ctx.state.app, &ctx.actor()?, d, photos).await;
    back_with(&format!("/corridors/{id}#inspections"), r, |_| "corridors.flash_inspected")
}

async fn board_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(d): Form<BoardDraft>,
) -> Result<Response, AppError> {
    let r = ops::set_board(&ctx.state.app, &ctx.actor()?, id, d).await;
    back_with(&format!("/corridors/{id}#boards"), r, |_| "corridors.flash_board")
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    item: String,
}

async fn report_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    match ops::report_item(&ctx.state.app, &ctx.actor()?, id, &f.item).await {
        Ok(r) => {
            Ok(redirect_with_flash(&format!("/affairs/{}", r.id), true, "corridors.flash_reported"))
        }
        Err(e) => back_with("/corridors", Err::<(), _>(e), |_| ""),
    }
}

async fn photo(ctx: Ctx, Path((id, pid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    Ok(super::jpeg(ops::photo(&ctx.state.app, &ctx.actor()?, id, pid).await?))
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

/// The corridor list (楼道名册) as a spreadsheet.
async fn list_xlsx(ctx: Ctx) -> Result<Response, AppError> {
    let year = chrono::Datelike::year(&super::today(&ctx));
    let l = ops::ledgers(&ctx.state.app, &ctx.actor()?, year).await?;
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
async fn register_xlsx(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&super::today(&ctx)));
    let l = ops::ledgers(&ctx.state.app, &ctx.actor()?, year).await?;
    let label = |code: &str| linli_core::corridors::item_label(code, &l.labels);
    let rows = l
        .register
        .iter()
        .map(|(name, i)| {
            vec![
                i.on.to_string(),
                name.clone(),
                i.score.to_string(),
                i.stars.to_string(),
                i.failed.iter().map(|f| label(f)).collect::<Vec<_>>().join("、"),
                i.inspector.clone(),
                i.note.clone(),
            ]
        })
        .collect();
    let headers = vec!["检查日期", "楼道", "得分", "星级", "不合格项目", "检查人", "备注"];
    super::xlsx_download(headers, rows, "检查登记", &format!("inspections-{year}.xlsx")).await
}

/// The settings form as posted (and as shown again, with what was typed, when refused).
#[derive(Deserialize, Default, Clone)]
struct SettingsForm {
    #[serde(default)]
    t2: String,
    #[serde(default)]
    t3: String,
    #[serde(default)]
    t4: String,
    #[serde(default)]
    t5: String,
    #[serde(default)]
    high_stars: String,
    #[serde(default)]
    high_last: String,
    #[serde(default)]
    stale_days: String,
    #[serde(default)]
    boards: String,
    #[serde(default)]
    items: String,
}

impl SettingsForm {
    fn of(v: &ops::SettingsView) -> Self {
        let s = &v.settings;
        SettingsForm {
            t2: s.thresholds[0].to_string(),
            t3: s.thresholds[1].to_string(),
            t4: s.thresholds[2].to_string(),
            t5: s.thresholds[3].to_string(),
            high_stars: s.high_stars.to_string(),
            high_last: s.high_last.to_string(),
            stale_days: s.stale_days.to_string(),
            boards: s.boards.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("\n"),
            items: v
                .items
                .iter()
                .map(|(_, l, p)| format!("{l} {p}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The draft the operation checks; a number that is not one is 0, which it refuses.
    fn draft(&self) -> Result<ops::SettingsDraft, AppError> {
        let n = |s: &str| s.trim().parse::<i64>().unwrap_or(0);
        let items = linli_core::corridors::parse_item_lines(&self.items)
            .map_err(|e| AppError::Invalid { code: e.code(), field: Some(e.field()) })?;
        Ok(ops::SettingsDraft {
            thresholds: [n(&self.t2), n(&self.t3), n(&self.t4), n(&self.t5)],
            high_stars: n(&self.high_stars),
            high_last: n(&self.high_last),
            stale_days: n(&self.stale_days),
            boards: self.boards.lines().map(str::to_string).collect(),
            items,
        })
    }
}

async fn settings_page(ctx: Ctx) -> Result<Response, AppError> {
    let v = ops::settings(&ctx.state.app, &ctx.actor()?).await?;
    let form = SettingsForm::of(&v);
    Ok(settings_markup(&ctx, &v, &form, None))
}

async fn settings_submit(ctx: Ctx, Form(form): Form<SettingsForm>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let saved = match form.draft() {
        Ok(d) => ops::save_settings(&ctx.state.app, &actor, d).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(redirect_with_flash("/corridors/settings", true, "corridors.settings_saved")),
        Err(e @ AppError::Invalid { .. }) => {
            let v = ops::settings(&ctx.state.app, &actor).await?;
            Ok(settings_markup(&ctx, &v, &form, Some(&e)))
        }
        Err(e) => Err(e),
    }
}

/// The community's corridor rules: who may change them changes them here, everyone who inspects
/// reads them.
fn settings_markup(
    ctx: &Ctx,
    v: &ops::SettingsView,
    form: &SettingsForm,
    error: Option<&AppError>,
) -> Response {
    let lang = ctx.lang();
    let may = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.decide(Action::ConfigureCorridors, None) == Decision::Allow);
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| tf(lang, &format!("error.{}", e.code()), &[]))
    };
    let total: i64 = v.items.iter().map(|(_, _, p)| p).sum();
    let csrf = ctx.csrf();
    let s = &v.settings;
    let body = html! {
        section.panel #corridor-rules {
            h2 { (t(lang, "corridors.settings_now")) }
            ul {
                li { (tf(lang, "corridors.settings_stars", &[
                    ("t2", &s.thresholds[0].to_string()), ("t3", &s.thresholds[1].to_string()),
                    ("t4", &s.thresholds[2].to_string()), ("t5", &s.thresholds[3].to_string())])) }
                li { (tf(lang, "corridors.settings_high", &[("n", &s.high_last.to_string()), ("stars", &s.high_stars.to_string())])) }
                li { (tf(lang, "corridors.settings_stale", &[("days", &s.stale_days.to_string())])) }
                li { (t(lang, "corridors.settings_boards")) "：" (s.boards.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、")) }
                li {
                    (tf(lang, "corridors.settings_items", &[("n", &v.items.len().to_string()), ("total", &total.to_string())]))
                    ul #checklist-now { @for (_, l, p) in &v.items { li { (tf(lang, "corridors.item_points", &[("item", l), ("points", &p.to_string())])) } } }
                }
            }
        }
        @if may {
            form.form #settings-form method="post" action="/corridors/settings" {
                input type="hidden" name="_csrf" value=(csrf);
                @if let Some(e) = error.filter(|e| e.field().is_none()) {
                    p.form-error role="alert" { (tf(lang, &format!("error.{}", e.code()), &[])) }
                }
                fieldset {
                    legend { (t(lang, "corridors.settings_thresholds")) }
                    p.hint { (t(lang, "corridors.settings_thresholds_hint")) }
                    div.inline-fields {
                        (layout::field(lang, "t2", "corridors.t2", "number", &form.t2, None, None))
                        (layout::field(lang, "t3", "corridors.t3", "number", &form.t3, None, None))
                        (layout::field(lang, "t4", "corridors.t4", "number", &form.t4, None, None))
                        (layout::field(lang, "t5", "corridors.t5", "number", &form.t5, None, None))
                    }
                    @if let Some(e) = err("thresholds") { p.field-error role="alert" { (e) } }
                }
                fieldset {
                    legend { (t(lang, "corridors.settings_high_legend")) }
                    div.inline-fields {
                        (layout::select(lang, "high_stars", "corridors.high_stars",
                            &(1..=5).map(|n| (n.to_string(), tf(lang, "corridors.stars_n", &[("n", &n.to_string())]))).collect::<Vec<_>>(),
                            &form.high_stars, err("high_stars")))
                        (layout::field(lang, "high_last", "corridors.high_last", "number", &form.high_last, err("high_last"), None))
                        (layout::field(lang, "stale_days", "corridors.stale_days", "number", &form.stale_days, err("stale_days"), None))
                    }
                    p.hint { (t(lang, "corridors.settings_high_hint")) }
                }
                div.field.has-error[err("boards").is_some()] {
                    label for="boards" { (t(lang, "corridors.settings_boards")) }
                    p.hint { (t(lang, "corridors.settings_boards_hint")) }
                    textarea #boards name="boards" rows="7" { (form.boards) }
                    @if let Some(e) = err("boards") { p.field-error role="alert" { (e) } }
                }
                div.field.has-error[err("items").is_some()] {
                    label for="items" { (t(lang, "corridors.settings_checklist")) }
                    p.hint { (t(lang, "corridors.settings_items_hint")) }
                    textarea #items name="items" rows="8" { (form.items) }
                    @if let Some(e) = err("items") { p.field-error role="alert" { (e) } }
                }
                button.btn.btn-primary type="submit" { (t(lang, "common.save")) }
            }
        }
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    layout::page_with_status(
        ctx,
        status,
        &t(lang, "corridors.settings_title"),
        &[(t(lang, "corridors.title"), Some("/corridors".into()))],
        None,
        body,
    )
}

#[derive(Deserialize, Default)]
struct QrQuery {
    #[serde(default)]
    building: Option<i64>,
    #[serde(default)]
    corridor: Option<i64>,
}

/// The codes to post in the stairwells, four to an A4 sheet: each opens that corridor's public
/// page on a phone. The page says first when the address in them cannot be reached from a
/// phone (this machine, a private network) and how to set the public one.
async fn qr_sheet(
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<QrQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let mut rows = ops::list(&ctx.state.app, &actor, q.building).await?;
    if let Some(k) = q.corridor {
        rows.retain(|r| r.id == k);
        if rows.is_empty() {
            return Err(AppError::NotFound);
        }
    }
    let community = ctx.caller()?.community.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
    let https = ctx.state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let host = headers.get("host").and_then(|v| v.to_str().ok());
    let base = crate::qr::public_base(ctx.state.config.public_url.as_deref(), host, https);
    let cards: Vec<(String, String, Option<String>)> = rows
        .iter()
        .map(|r| {
            let name = r.name.clone();
            let url =
                base.as_ref().map(|b| crate::qr::corridor_url(&b.url, r.id)).unwrap_or_default();
            let code = crate::qr::svg(&url, &tf(lang, "corridors.qr_of", &[("name", &name)]));
            (name, url, code)
        })
        .collect();
    let body = html! {
        div.no-print {
            @match &base {
                None => { p.flash.flash-warn #qr-warning role="alert" { (t(lang, "corridors.qr_no_address")) } }
                Some(b) if b.unreachable => {
                    p.flash.flash-warn #qr-warning role="alert" { (tf(lang, "corridors.qr_local", &[("url", &b.url)])) }
                }
                Some(b) if !b.configured => {
                    p.hint #qr-guessed { (tf(lang, "corridors.qr_guessed", &[("url", &b.url)])) }
                }
                Some(_) => {}
            }
            @if !cards.is_empty() { p.hint { (tf(lang, "corridors.qr_hint", &[("n", &cards.len().to_string())])) } }
            p.actions {
                button.btn.btn-primary type="button" data-print { (t(lang, "corridors.qr_do_print")) }
                " " a.btn href="/corridors" { (t(lang, "corridors.title")) }
            }
        }
        @if cards.is_empty() { (layout::empty(&t(lang, "corridors.none"), None)) }
        div.qr-cards {
            @for chunk in cards.chunks(4) {
                div.qr-sheet {
                    @for (name, url, code) in chunk {
                        section.qr-card {
                            p.qr-community { (community) }
                            h2 { (name) }
                            p.qr-title { (t(lang, "corridors.qr_card_title")) }
                            @if let Some(svg) = code { (maud::PreEscaped(svg)) }
                            p.qr-lead { (t(lang, "corridors.qr_card_lead")) }
                            p.qr-url { (url) }
                        }
                    }
                }
            }
        }
        (super::print_script())
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "corridors.qr_title"),
        &[(t(lang, "corridors.title"), Some("/corridors".into()))],
        None,
        body,
    ))
}

/// The corridor's public page: what a resident sees when she scans the code in her stairwell.
async fn public(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, v) = ops::public_view(&ctx.state.app, super::today(&ctx), id).await?;
    let last = v.inspections.first();
    let body = html! {
        h1 { (community) " " (v.corridor.name) }
        p #corridor-public-status {
            (stars(lang, last.map(|i| i.stars)))
            @if v.high_standard { " " (layout::chip("ok", &t(lang, "corridors.high_chip"))) }
            @if let Some(i) = last { " " span.hint { (tf(lang, "corridors.last_public", &[("date", &i.on.to_string())])) } }
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
        .page(Method::GET, "/corridors/inspections.xlsx", view, register_xlsx)
        .page(Method::GET, "/corridors/qr", view, qr_sheet)
        .page(Method::GET, "/corridors/settings", view, settings_page)
        .page(
            Method::POST,
            "/corridors/settings",
            Policy::Signed(Action::ConfigureCorridors),
            settings_submit,
        )
        .page(Method::GET, "/corridors/{id}", view, show)
        .upload("/corridors/{id}/inspections", inspect, inspect_submit)
        .page(Method::GET, "/corridors/{id}/photos/{pid}", view, photo)
        .page(Method::POST, "/corridors/{id}/boards", inspect, board_submit)
        .page(Method::POST, "/corridors/inspections/{id}/report", inspect, report_submit)
        .page(Method::GET, "/public/corridors/{id}", Policy::Public, public)
}
