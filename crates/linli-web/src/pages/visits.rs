//! Holiday visits (节日走访慰问): a plan's visit list built from rules, reviewed by a worker,
//! split among teams, printed as a route sheet per building, each visit recorded; the plan
//! shows how far it has got and what was given. Visits to households with a case file land on
//! the case's timeline too.

use super::{Pairs, today};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::visits::{self as ops, PlanDraft, VisitDraft};
use linli_core::visits::{Occasion, PlanStatus, Progress, TargetStatus, VisitRule};
use linli_core::{Action, Decision};
use linli_store::visits::{Plan, Target};
use maud::{Markup, html};
use serde::Deserialize;

/// A refused step as the plan's pages say it: back to `back` with the reason; other errors
/// go to the error page.
fn refused(back: &str, e: linli_app::Error) -> Result<Response, AppError> {
    match e {
        linli_app::Error::Invalid { code, .. }
        | linli_app::Error::Conflict { code, .. }
        | linli_app::Error::Refused { code } => {
            Ok(redirect_with_flash(back, false, &format!("error.{code}")))
        }
        e => Err(e.into()),
    }
}

fn progress_bar(lang: Lang, p: &Progress) -> Markup {
    html! {
        // SVG, not a style attribute: the content security policy allows no inline styles.
        svg.progress role="img" aria-label=(format!("{}%", p.percent())) viewBox="0 0 100 4" preserveAspectRatio="none" {
            rect.progress-track x="0" y="0" width="100" height="4" {}
            rect.progress-fill x="0" y="0" width=(p.percent()) height="4" {}
        }
        p.progress-text {
            (tf(lang, "visits.progress", &[("visited", &p.visited.to_string()), ("total", &p.total.to_string()), ("percent", &p.percent().to_string())]))
            @if p.not_home > 0 { "，" (tf(lang, "visits.progress_not_home", &[("n", &p.not_home.to_string())])) }
        }
    }
}

fn status_chip(lang: Lang, status: TargetStatus) -> Markup {
    let kind = match status {
        TargetStatus::Visited => "ok",
        TargetStatus::NotHome => "warn",
        TargetStatus::Removed => "muted",
        TargetStatus::Pending => "info",
    };
    layout::chip(kind, &t(lang, &format!("visits.status.{status}")))
}

fn rules_label(lang: Lang, codes: &[String]) -> String {
    let labels = codes
        .iter()
        .filter_map(|c| VisitRule::parse(c))
        .map(|r| label(lang, "visit_rule", r.as_str()))
        .collect::<Vec<_>>();
    crate::i18n::list(lang, &labels)
}

/// What was given, as people write it: "大米 10kg，食用油 5L".
fn given_label(items: &serde_json::Value, amount_fen: Option<i64>) -> String {
    let mut parts: Vec<String> = items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    format!(
                        "{} {}",
                        i["name"].as_str().unwrap_or(""),
                        i["quantity"].as_str().unwrap_or("")
                    )
                    .trim()
                    .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(f) = amount_fen
        && !items.to_string().contains("元")
    {
        parts.push(format!("{}元", linli_core::fund::Fen(f).yuan()));
    }
    parts.join("，")
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let plans = ops::list_plans(&ctx.state.app, &ctx.actor()?).await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let action =
        html! { @if manage { a.btn.btn-primary href="/visits/new" { (t(lang, "visits.new")) } } };
    let body = html! {
        p.hint { (t(lang, "visits.intro")) }
        @if plans.is_empty() {
            (layout::empty(&t(lang, "visits.empty"), None))
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.cards-sm {
                    thead { tr { th { (t(lang, "visits.name")) } th { (t(lang, "visits.occasion")) } th { (t(lang, "visits.visit_on")) } th { (t(lang, "visits.progress_col")) } th { (t(lang, "visits.plan_status")) } } }
                    tbody {
                        @for (p, pr) in &plans {
                            tr {
                                td { a href={ "/visits/" (p.id) } { (p.name) } }
                                td data-label=(t(lang, "visits.occasion")) { (label(lang, "occasion", p.occasion.as_str())) }
                                td.nowrap data-label=(t(lang, "visits.visit_on")) { (p.visit_on) }
                                td data-label=(t(lang, "visits.progress_col")) { (progress_bar(lang, pr)) }
                                td data-label=(t(lang, "visits.plan_status")) { (layout::chip(if p.status == PlanStatus::Open { "warn" } else { "muted" }, &t(lang, &format!("visits.plan.{}", p.status)))) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "visits.title"), &[], Some(action), body))
}

fn plan_form(
    ctx: &Ctx,
    d: &PlanDraft,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = ctx.caller()?.csrf_token.clone();
    let occasions: Vec<(String, String)> = Occasion::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), label(lang, "occasion", o.as_str())))
        .collect();
    let body = html! {
        form.form.narrow method="post" action="/visits" novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            (layout::field(lang, "name", "visits.name", "text", &d.name, None, None))
            (layout::select(lang, "occasion", "visits.occasion", &occasions, &d.occasion, None))
            (layout::field(lang, "visit_on", "visits.visit_on", "date", &d.visit_on, None, None))
            fieldset {
                legend { (t(lang, "visits.rules")) }
                @for r in VisitRule::ALL {
                    label.check { input type="checkbox" name="rules" value=(r.as_str()) checked[d.rules.iter().any(|x| x == r.as_str())]; " " (label(lang, "visit_rule", r.as_str())) }
                }
                p.hint { (t(lang, "visits.rules_hint")) }
            }
            (layout::field(lang, "min_age", "visits.min_age", "number", &d.min_age, None, None))
            (layout::field(lang, "gift", "visits.gift", "text", &d.gift, None, None))
            p.hint { (t(lang, "visits.gift_hint")) }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "visits.build")) } a.btn href="/visits" { (t(lang, "common.cancel")) } }
        }
    };
    let crumbs = [(t(lang, "visits.title"), Some("/visits".to_string()))];
    Ok(layout::page_with_status(ctx, status, &t(lang, "visits.new"), &crumbs, None, body))
}

async fn new_page(ctx: Ctx) -> Result<Response, AppError> {
    let d = PlanDraft {
        occasion: Occasion::SpringFestival.as_str().into(),
        rules: VisitRule::defaults(Occasion::SpringFestival)
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        min_age: "80".into(),
        ..Default::default()
    };
    plan_form(&ctx, &d, None, StatusCode::OK)
}

/// A text field of a form, trimmed; empty when absent.
fn text_field(pairs: &[(String, String)], k: &str) -> String {
    super::pairs_get(pairs, k).unwrap_or_default()
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let d = PlanDraft {
        name: text_field(&pairs, "name"),
        occasion: text_field(&pairs, "occasion"),
        visit_on: text_field(&pairs, "visit_on"),
        rules: pairs.iter().filter(|(k, _)| k == "rules").map(|(_, v)| v.clone()).collect(),
        min_age: text_field(&pairs, "min_age"),
        gift: text_field(&pairs, "gift"),
    };
    let id = match ops::create_plan(&ctx.state.app, &ctx.actor()?, &d).await {
        Ok(id) => id,
        Err(e @ linli_app::Error::Invalid { .. }) => {
            return plan_form(
                &ctx,
                &d,
                Some(tf(lang, &format!("error.{}", e.code()), &[])),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(e) => return Err(e.into()),
    };
    Ok(redirect_with_flash(&format!("/visits/{id}"), true, "flash.visit_plan_created"))
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    building: Option<String>,
    team: Option<String>,
    status: Option<String>,
}

async fn plan_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let caller = ctx.caller()?.clone();
    let all = ops::targets(&ctx.state.app, &actor, &plan, None).await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let progress = Progress::of(all.iter().map(|t| t.status));
    // Per building: progress and the route sheet.
    let mut by_building: Vec<(Option<i64>, String, Vec<TargetStatus>)> = Vec::new();
    for t in &all {
        let s = t.status;
        match by_building.iter_mut().find(|b| b.0 == t.building_id) {
            Some(b) => b.2.push(s),
            None => by_building.push((t.building_id, t.building.clone(), vec![s])),
        }
    }
    let buildings: Vec<(Option<i64>, String, Progress)> =
        by_building.into_iter().map(|(id, name, v)| (id, name, Progress::of(v))).collect();
    let teams: Vec<String> = {
        let mut v: Vec<String> =
            all.iter().map(|t| t.team.clone()).filter(|t| !t.is_empty()).collect();
        v.sort();
        v.dedup();
        v
    };
    let building_filter = q.building.as_deref().and_then(|b| b.parse::<i64>().ok());
    let team_filter = q.team.clone().filter(|t| !t.is_empty());
    let status_filter = q.status.as_deref().and_then(TargetStatus::parse);
    let shown: Vec<&Target> = all
        .iter()
        .filter(|t| building_filter.is_none_or(|b| t.building_id == Some(b)))
        .filter(|t| team_filter.as_ref().is_none_or(|x| &t.team == x))
        .filter(|t| status_filter.as_ref().is_none_or(|x| t.status == *x))
        .collect();
    let given_total: i64 =
        all.iter().filter(|t| t.status == TargetStatus::Visited).filter_map(|t| t.amount_fen).sum();
    let csrf = caller.csrf_token.clone();
    let open = plan.status == PlanStatus::Open;
    let closer = ops::may_close(&ctx.state.app, &actor, &plan).await?;
    let action = html! {
        @if closer && open {
            form.inline method="post" action={ "/visits/" (plan.id) "/close" } {
                input type="hidden" name="_csrf" value=(csrf);
                button.btn type="submit" { (t(lang, "visits.close")) }
            }
        }
    };
    let body = html! {
        dl.facts {
            dt { (t(lang, "visits.occasion")) } dd { (label(lang, "occasion", plan.occasion.as_str())) }
            dt { (t(lang, "visits.visit_on")) } dd { (plan.visit_on) }
            dt { (t(lang, "visits.rules")) } dd { (rules_label(lang, &plan.rules)) @if plan.rules.iter().any(|r| r == "elderly_alone") { "（" (tf(lang, "visits.from_age", &[("age", &plan.min_age.to_string())])) "）" } }
            @if !plan.gift.is_empty() { dt { (t(lang, "visits.gift")) } dd { (plan.gift) } }
            dt { (t(lang, "visits.plan_status")) } dd { (t(lang, &format!("visits.plan.{}", plan.status))) }
        }
        section.stats aria-label=(t(lang, "visits.progress_col")) {
            (layout::stat(&t(lang, "visits.households"), progress.total, &t(lang, "unit.hu"), None))
            (layout::stat(&t(lang, "visits.status.visited"), progress.visited, &t(lang, "unit.hu"), Some(&format!("/visits/{}?status=visited", plan.id))))
            (layout::stat(&t(lang, "visits.status.not_home"), progress.not_home, &t(lang, "unit.hu"), Some(&format!("/visits/{}?status=not_home", plan.id))))
            (layout::stat(&t(lang, "visits.status.pending"), progress.pending, &t(lang, "unit.hu"), Some(&format!("/visits/{}?status=pending", plan.id))))
            (layout::stat_text(&t(lang, "visits.money_given"), &linli_core::fund::Fen(given_total).yuan(), &t(lang, "visits.yuan"), None))
        }
        (progress_bar(lang, &progress))
        section.panel {
            h2 { (t(lang, "visits.by_building")) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "visits.by_building")) {
                table.table.compact {
                    thead { tr { th { (t(lang, "place.building")) } th { (t(lang, "visits.progress_col")) } th {} } }
                    tbody {
                        @for (bid, name, p) in &buildings {
                            tr {
                                td { a href={ "/visits/" (plan.id) "?building=" (bid.unwrap_or(0)) } { (name) } }
                                td { (tf(lang, "visits.progress", &[("visited", &p.visited.to_string()), ("total", &p.total.to_string()), ("percent", &p.percent().to_string())])) }
                                td { a.btn.btn-small href={ "/visits/" (plan.id) "/route?building=" (bid.unwrap_or(0)) } { (t(lang, "visits.route_sheet")) } }
                            }
                        }
                    }
                }
            }
        }
        form.filters.no-print method="get" action={ "/visits/" (plan.id) } {
            div.filter-row {
                div.field {
                    label for="building" { (t(lang, "place.building")) }
                    select #building name="building" {
                        option value="" { (t(lang, "status.all")) }
                        @for (bid, name, _) in &buildings { option value=(bid.unwrap_or(0)) selected[*bid == building_filter] { (name) } }
                    }
                }
                div.field {
                    label for="team" { (t(lang, "visits.team")) }
                    select #team name="team" {
                        option value="" { (t(lang, "status.all")) }
                        @for tm in &teams { option value=(tm) selected[team_filter.as_ref() == Some(tm)] { (tm) } }
                    }
                }
                div.field {
                    label for="status" { (t(lang, "visits.state")) }
                    select #status name="status" {
                        option value="" { (t(lang, "status.all")) }
                        @for s in TargetStatus::ALL { option value=(s.as_str()) selected[status_filter == Some(*s)] { (t(lang, &format!("visits.status.{}", s.as_str()))) } }
                    }
                }
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "common.search")) } }
            }
        }
        form #team-form method="post" action={ "/visits/" (plan.id) "/teams" } {
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.cards-sm {
                    thead { tr {
                        @if manage && open { th { span.visually-hidden { (t(lang, "visits.pick")) } } }
                        th { (t(lang, "residents.address")) } th { (t(lang, "visits.person")) } th.num { (t(lang, "visits.members")) }
                        @if manage { th { (t(lang, "visits.reasons")) } }
                        th { (t(lang, "visits.team")) } th { (t(lang, "visits.state")) } th { (t(lang, "visits.given")) } th {}
                    } }
                    tbody {
                        @for v in &shown {
                            // Reasons and recording, row by row: a worker of one grid who is also a
                            // building head elsewhere manages only her grid's households.
                            @let mine = caller.decide(Action::ManageCases, Some(&v.place_path)) == Decision::Allow;
                            @let knocks = caller.decide(Action::RecordVisits, Some(&v.place_path)) == Decision::Allow;
                            tr {
                                @if manage && open { td { @if mine { input type="checkbox" name="ids" value=(v.id) aria-label=(v.name); } } }
                                td.nowrap { (v.building) (v.unit) (v.room) }
                                td data-label=(t(lang, "visits.person")) { a href={ "/residents/" (v.resident_id) } { (v.name) } }
                                td.num data-label=(t(lang, "visits.members")) { (v.members.max(1)) }
                                @if manage {
                                    td data-label=(t(lang, "visits.reasons")) { @if mine { (rules_label(lang, &v.reasons)) @if v.added_by_hand { (layout::chip("info", &t(lang, "visits.by_hand"))) } } }
                                }
                                td data-label=(t(lang, "visits.team")) { (v.team) }
                                td.nowrap data-label=(t(lang, "visits.state")) { (status_chip(lang, v.status)) @if let Some(d) = &v.visited_on { " " (d) } @if !v.removed_reason.is_empty() { br; span.hint { (v.removed_reason) } } }
                                td data-label=(t(lang, "visits.given")) { (given_label(&v.items, v.amount_fen)) }
                                td { @if knocks && open && v.status != TargetStatus::Removed { a.btn.btn-small href={ "/visits/" (plan.id) "/targets/" (v.id) } { (t(lang, "visits.record")) } } }
                            }
                        }
                    }
                }
            }
            @if shown.is_empty() { (layout::empty(&t(lang, "visits.none_match"), None)) }
            @if manage && open && !shown.is_empty() {
                div.filter-row.no-print {
                    div.field {
                        label for="team-name" { (t(lang, "visits.assign_team")) }
                        input #team-name type="text" name="team" list="teams" placeholder=(t(lang, "visits.team_placeholder"));
                        datalist #teams { @for tm in &teams { option value=(tm) {} } }
                    }
                    div.field.buttons { button.btn type="submit" { (t(lang, "visits.assign")) } }
                }
            }
        }
        @if manage && open {
            section.panel.no-print {
                h2 { (t(lang, "visits.add_by_hand")) }
                form.form method="post" action={ "/visits/" (plan.id) "/add" } {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    (layout::field(lang, "who", "visits.who", "text", "", None, None))
                    p.hint { (t(lang, "visits.who_hint")) }
                    button.btn type="submit" { (t(lang, "visits.add")) }
                }
            }
        }
    };
    let crumbs = [(t(lang, "visits.title"), Some("/visits".to_string()))];
    Ok(layout::page(&ctx, &plan.name, &crumbs, Some(action), body))
}

#[derive(Deserialize)]
struct RouteQuery {
    building: Option<i64>,
}

/// The route sheet a team carries: one building, in walking order, with a column to sign for
/// what was received. No reasons (低保, 独居) on paper that goes door to door.
async fn route_sheet(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<RouteQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let building = q.building.filter(|b| *b > 0);
    let list: Vec<Target> = ops::targets(&ctx.state.app, &actor, &plan, building)
        .await?
        .into_iter()
        .filter(|t| t.status != TargetStatus::Removed)
        .collect();
    let building_name = list.first().map(|t| t.building.clone()).unwrap_or_default();
    let title = format!("{} · {}", plan.name, t(lang, "visits.route_sheet"));
    let body = html! {
        p.no-print.hint { (t(lang, "visits.print")) " " a href={ "/visits/" (plan.id) } { (t(lang, "visits.back_to_plan")) } }
        div.route-sheet {
            h2 { (plan.name) " " (building_name) " " (t(lang, "visits.route_sheet")) }
            p { (t(lang, "visits.visit_on")) "：" (plan.visit_on) @if !plan.gift.is_empty() { "　" (t(lang, "visits.gift")) "：" (plan.gift) } }
            @if list.is_empty() { (layout::empty(&t(lang, "visits.none_match"), None)) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.route-table {
                    thead { tr {
                        th.num { (t(lang, "visits.no")) } th { (t(lang, "residents.address")) } th { (t(lang, "visits.person")) } th.num { (t(lang, "visits.members")) }
                        th { (t(lang, "visits.team")) } th { (t(lang, "visits.state")) } th.sign { (t(lang, "visits.signature")) } th.sign { (t(lang, "visits.note_col")) }
                    } }
                    tbody {
                        @for (i, v) in list.iter().enumerate() {
                            tr {
                                td.num { (i + 1) }
                                td.nowrap { (v.unit) (v.room) }
                                td { (v.name) }
                                td.num { (v.members.max(1)) }
                                td { (v.team) }
                                td { @if v.status == TargetStatus::Visited { "✓ " @if let Some(d) = v.visited_on { (d) } } @else if v.status == TargetStatus::NotHome { (t(lang, "visits.status.not_home")) } }
                                td.sign {}
                                td.sign {}
                            }
                        }
                    }
                }
            }
            p.route-foot { (t(lang, "visits.route_foot")) }
        }
    };
    let crumbs = [
        (t(lang, "visits.title"), Some("/visits".to_string())),
        (plan.name.clone(), Some(format!("/visits/{}", plan.id))),
    ];
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

async fn target_page(ctx: Ctx, Path((id, tid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let target = ops::load_target(&ctx.state.app, &actor, &plan, tid, Action::RecordVisits).await?;
    target_form(&ctx, &plan, &target, None, StatusCode::OK)
}

fn target_form(
    ctx: &Ctx,
    plan: &Plan,
    v: &Target,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = ctx.caller()?.csrf_token.clone();
    let day = today(ctx).format("%Y-%m-%d").to_string();
    // A building head records the visit; why the household is on the list (低保, 特困 …)
    // and taking it off the list stay with the workers.
    let manage = ctx.caller()?.decide(Action::ManageCases, Some(&v.place_path)) == Decision::Allow;
    let given = if v.status == TargetStatus::Visited {
        given_label(&v.items, None)
    } else {
        plan.gift.clone()
    };
    let body = html! {
        dl.facts {
            dt { (t(lang, "visits.person")) } dd { a href={ "/residents/" (v.resident_id) } { (v.name) } }
            dt { (t(lang, "residents.address")) } dd { (v.building) (v.unit) (v.room) }
            @if manage {
                dt { (t(lang, "visits.reasons")) } dd { (rules_label(lang, &v.reasons)) @if v.added_by_hand { (t(lang, "visits.by_hand")) } }
            }
            dt { (t(lang, "visits.state")) } dd { (status_chip(lang, v.status)) }
        }
        form.form.narrow method="post" action={ "/visits/" (plan.id) "/targets/" (v.id) } novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            fieldset {
                legend { (t(lang, "visits.outcome")) }
                label.check { input type="radio" name="status" value="visited" checked[v.status != TargetStatus::NotHome]; " " (t(lang, "visits.status.visited")) }
                label.check { input type="radio" name="status" value="not_home" checked[v.status == TargetStatus::NotHome]; " " (t(lang, "visits.status.not_home")) }
            }
            (layout::field(lang, "on", "visits.visited_on", "date", &v.visited_on.map_or_else(|| day.clone(), |d| d.to_string()), None, None))
            (layout::field(lang, "items", "visits.items", "text", &given, None, None))
            p.hint { (t(lang, "visits.gift_hint")) }
            (layout::field(lang, "amount_yuan", "visits.amount", "text", &v.amount_fen.map(|f| linli_core::fund::Fen(f).yuan()).unwrap_or_default(), None, None))
            (layout::field(lang, "participants", "visits.participants", "text", if v.participants.is_empty() { &v.team } else { &v.participants }, None, None))
            div.field { label for="note" { (t(lang, "visits.note")) } textarea #note name="note" rows="3" { (v.note) } }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } a.btn href={ "/visits/" (plan.id) } { (t(lang, "common.cancel")) } }
        }
        @if manage { details.reverse {
            summary { (t(lang, "visits.remove")) }
            form.form.narrow method="post" action={ "/visits/" (plan.id) "/targets/" (v.id) "/remove" } {
                input type="hidden" name="_csrf" value=(ctx.caller()?.csrf_token);
                (layout::field(lang, "reason", "visits.remove_reason", "text", "", None, None))
                button.btn.btn-danger type="submit" { (t(lang, "visits.remove")) }
            }
        } }
    };
    let crumbs = [
        (t(lang, "visits.title"), Some("/visits".to_string())),
        (plan.name.clone(), Some(format!("/visits/{}", plan.id))),
    ];
    Ok(layout::page_with_status(
        ctx,
        status,
        &format!("{} · {}", t(lang, "visits.record"), v.name),
        &crumbs,
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct VisitForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    items: String,
    #[serde(default)]
    amount_yuan: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    note: String,
}

async fn record_submit(
    ctx: Ctx,
    Path((id, tid)): Path<(i64, i64)>,
    Form(f): Form<VisitForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let target = ops::load_target(&ctx.state.app, &actor, &plan, tid, Action::RecordVisits).await?;
    let d = VisitDraft {
        status: f.status,
        on: f.on,
        items: f.items,
        amount_yuan: f.amount_yuan,
        participants: f.participants,
        note: f.note,
    };
    match ops::record_visit(&ctx.state.app, &actor, &plan, &target, &d).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/visits/{id}"), true, "flash.visit_recorded")),
        Err(e @ linli_app::Error::Invalid { .. }) => target_form(
            &ctx,
            &plan,
            &target,
            Some(tf(lang, &format!("error.{}", e.code()), &[])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => refused(&format!("/visits/{id}"), e),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
}

async fn remove_submit(
    ctx: Ctx,
    Path((id, tid)): Path<(i64, i64)>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    if plan.status != PlanStatus::Open {
        return refused(&format!("/visits/{id}"), linli_app::Error::conflict("visit_plan_closed"));
    }
    let target = ops::load_target(&ctx.state.app, &actor, &plan, tid, Action::ManageCases).await?;
    match ops::remove_target(&ctx.state.app, &actor, &plan, &target, &f.reason).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/visits/{id}"), true, "flash.visit_removed")),
        Err(e) => refused(&format!("/visits/{id}/targets/{tid}"), e),
    }
}

async fn teams_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let team = text_field(&pairs, "team");
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
        .collect();
    match ops::assign_team(&ctx.state.app, &actor, &plan, ids, &team).await {
        Ok(()) => {
            Ok(redirect_with_flash(&format!("/visits/{id}"), true, "flash.visit_team_assigned"))
        }
        Err(e) => refused(&format!("/visits/{id}"), e),
    }
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    who: String,
}

/// Adds a household by hand: the worker types a name (or a resident number); exactly one
/// active resident inside the caller's buildings must match.
async fn add_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    let back = format!("/visits/{id}");
    match ops::add_target(&ctx.state.app, &actor, &plan, &f.who).await {
        Ok(true) => Ok(redirect_with_flash(&back, true, "flash.visit_added")),
        Ok(false) => Ok(redirect_with_flash(&back, false, "error.visit_already_listed")),
        Err(e) => refused(&back, e),
    }
}

async fn close_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let plan = ops::load_plan(&ctx.state.app, &actor, id).await?;
    match ops::close_plan(&ctx.state.app, &actor, &plan).await {
        Ok(()) => {
            Ok(redirect_with_flash(&format!("/visits/{id}"), true, "flash.visit_plan_closed"))
        }
        Err(linli_app::Error::Forbidden) => Err(AppError::Forbidden),
        Err(e) => refused(&format!("/visits/{id}"), e),
    }
}

/// Open plans with households still to visit, on the worker's home page.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let plans = ops::open_plans(&ctx.state.app, &ctx.actor()?).await?;
    Ok(html! {
        @if !plans.is_empty() {
            section.panel.due-visits {
                h2 { (t(lang, "visits.home_title")) }
                @for (p, pr) in &plans {
                    div.home-plan {
                        a href={ "/visits/" (p.id) } { strong { (p.name) } } " " span.hint { (p.visit_on) }
                        (progress_bar(lang, pr))
                    }
                }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/visits", Policy::Signed(Action::ViewCases), list)
        .page(Method::GET, "/visits/new", Policy::Signed(Action::ManageCases), new_page)
        .page(Method::POST, "/visits", Policy::Signed(Action::ManageCases), create_submit)
        .page(Method::GET, "/visits/{id}", Policy::Signed(Action::ViewCases), plan_page)
        .page(Method::GET, "/visits/{id}/route", Policy::Signed(Action::ViewCases), route_sheet)
        .page(Method::POST, "/visits/{id}/teams", Policy::Signed(Action::ManageCases), teams_submit)
        .page(Method::POST, "/visits/{id}/add", Policy::Signed(Action::ManageCases), add_submit)
        .page(Method::POST, "/visits/{id}/close", Policy::Signed(Action::ManageCases), close_submit)
        .page(
            Method::GET,
            "/visits/{id}/targets/{tid}",
            Policy::Signed(Action::RecordVisits),
            target_page,
        )
        .page(
            Method::POST,
            "/visits/{id}/targets/{tid}",
            Policy::Signed(Action::RecordVisits),
            record_submit,
        )
        .page(
            Method::POST,
            "/visits/{id}/targets/{tid}/remove",
            Policy::Signed(Action::ManageCases),
            remove_submit,
        )
}
