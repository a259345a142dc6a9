//! Holiday visits (节日走访慰问): a plan's visit list built from rules, reviewed by a worker,
//! split among teams, printed as a route sheet per building, each visit recorded; the plan
//! shows how far it has got and what was given. Visits to households with a case file land on
//! the case's timeline too.

use super::{place_at, today};
use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use linli_core::visits::{Occasion, Progress, TargetStatus, VisitRule, parse_items};
use linli_core::{Action, Decision};
use linli_store::visits::{self as store, Plan, PlanInput, Target, VisitInput};
use linli_store::{audit, registry};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

/// A plan of the caller's community (404 for another community's).
async fn load_plan(state: &AppState, ctx: &Ctx, id: i64) -> Result<Plan, AppError> {
    let community = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let plan = state.db.read(move |c| store::get_plan(c, id)).await?;
    if plan.community_id != community {
        return Err(AppError::NotFound);
    }
    Ok(plan)
}

/// Changes to a closed plan are refused: its list is the record of what was done.
fn refuse_if_closed(plan: &Plan) -> Option<Response> {
    (plan.status != "open").then(|| {
        redirect_with_flash(
            &format!("/visits/{}", plan.id),
            false,
            "error.visit_plan_closed",
        )
    })
}

/// A household of a plan the caller may act on (404 outside their buildings).
async fn load_target(
    state: &AppState,
    ctx: &Ctx,
    plan: &Plan,
    tid: i64,
    action: Action,
) -> Result<Target, AppError> {
    let target = state.db.read(move |c| store::get_target(c, tid)).await?;
    if target.plan_id != plan.id {
        return Err(AppError::NotFound);
    }
    ctx.caller()?
        .require(
            state,
            ctx,
            action,
            &place_at(plan.community_id, &target.place_path),
        )
        .await?;
    Ok(target)
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

fn status_chip(lang: Lang, status: &str) -> Markup {
    let kind = match status {
        "visited" => "ok",
        "not_home" => "warn",
        "removed" => "muted",
        _ => "info",
    };
    layout::chip(kind, &t(lang, &format!("visits.status.{status}")))
}

fn rules_label(codes: &[String]) -> String {
    codes
        .iter()
        .filter_map(|c| VisitRule::parse(c))
        .map(VisitRule::label_zh)
        .collect::<Vec<_>>()
        .join("、")
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

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let scopes = caller.scopes(Action::ViewCases);
    let plans = state
        .db
        .read(move |c| store::list_plans(c, community, &scopes))
        .await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let action =
        html! { @if manage { a.btn.btn-primary href="/visits/new" { (t(lang, "visits.new")) } } };
    let body = html! {
        p.hint { (t(lang, "visits.intro")) }
        @if plans.is_empty() {
            (layout::empty(&t(lang, "visits.empty"), None))
        } @else {
            table.table {
                thead { tr { th { (t(lang, "visits.name")) } th { (t(lang, "visits.occasion")) } th { (t(lang, "visits.visit_on")) } th { (t(lang, "visits.progress_col")) } th { (t(lang, "visits.plan_status")) } } }
                tbody {
                    @for (p, pr) in &plans {
                        tr {
                            td { a href={ "/visits/" (p.id) } { (p.name) } }
                            td { (Occasion::parse(&p.occasion).map_or("", Occasion::label_zh)) }
                            td.nowrap { (p.visit_on) }
                            td { (progress_bar(lang, pr)) }
                            td { (layout::chip(if p.status == "open" { "warn" } else { "muted" }, &t(lang, &format!("visits.plan.{}", p.status)))) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "visits.title"),
        &[],
        Some(action),
        body,
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct PlanDraft {
    name: String,
    occasion: String,
    visit_on: String,
    rules: Vec<String>,
    min_age: String,
    gift: String,
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
        .map(|o| (o.as_str().to_string(), o.label_zh().to_string()))
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
                    label.check { input type="checkbox" name="rules" value=(r.as_str()) checked[d.rules.iter().any(|x| x == r.as_str())]; " " (r.label_zh()) }
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
    Ok(layout::page_with_status(
        ctx,
        status,
        &t(lang, "visits.new"),
        &crumbs,
        None,
        body,
    ))
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

/// Validates a plan; the store builds its list.
fn plan_input(d: &PlanDraft) -> Result<PlanInput, AppError> {
    if d.name.trim().is_empty() {
        return Err(AppError::invalid("visit_name_missing", "name"));
    }
    let occasion =
        Occasion::parse(&d.occasion).ok_or(AppError::invalid("visit_occasion_bad", "occasion"))?;
    let visit_on = linli_core::dates::parse_date(&d.visit_on)
        .ok_or(AppError::invalid("visit_date_bad", "visit_on"))?;
    let rules: Vec<VisitRule> = d.rules.iter().filter_map(|r| VisitRule::parse(r)).collect();
    if rules.is_empty() {
        return Err(AppError::invalid("visit_rules_missing", "rules"));
    }
    let min_age = if d.min_age.trim().is_empty() {
        80
    } else {
        d.min_age
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|a| (60..=100).contains(a))
            .ok_or(AppError::invalid("visit_min_age_bad", "min_age"))?
    };
    Ok(PlanInput {
        name: d.name.trim().chars().take(100).collect(),
        occasion: occasion.as_str().into(),
        visit_on,
        rules,
        min_age,
        gift: d.gift.trim().chars().take(200).collect(),
    })
}

async fn create_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let d = PlanDraft {
        name: text_field(&pairs, "name"),
        occasion: text_field(&pairs, "occasion"),
        visit_on: text_field(&pairs, "visit_on"),
        rules: pairs
            .iter()
            .filter(|(k, _)| k == "rules")
            .map(|(_, v)| v.clone())
            .collect(),
        min_age: text_field(&pairs, "min_age"),
        gift: text_field(&pairs, "gift"),
    };
    let input = match plan_input(&d) {
        Ok(i) => i,
        Err(e) => {
            return plan_form(
                &ctx,
                &d,
                Some(tf(lang, &format!("error.{}", e.code()), &[])),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let ctx2 = ctx.clone();
    let (id, _) = state
        .db
        .write(move |c| {
            let (id, n) = store::create_plan(c, community, &input, Some(caller.user.id), ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    community,
                    "visits.plan_create",
                    "visit_plan",
                    id,
                    json!({"name": input.name, "rules": input.rules.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "households": n}),
                ),
            )?;
            Ok::<_, AppError>((id, n))
        })
        .await?;
    Ok(redirect_with_flash(
        &format!("/visits/{id}"),
        true,
        "flash.visit_plan_created",
    ))
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    building: Option<String>,
    team: Option<String>,
    status: Option<String>,
}

async fn plan_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let plan = load_plan(&state, &ctx, id).await?;
    let caller = ctx.caller()?.clone();
    let scopes = caller.scopes(Action::ViewCases);
    let all = state
        .db
        .read(move |c| store::targets(c, id, &scopes, None))
        .await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let progress = Progress::of(all.iter().filter_map(|t| TargetStatus::parse(&t.status)));
    // Per building: progress and the route sheet.
    let mut by_building: Vec<(Option<i64>, String, Vec<TargetStatus>)> = Vec::new();
    for t in &all {
        let Some(s) = TargetStatus::parse(&t.status) else {
            continue;
        };
        match by_building.iter_mut().find(|b| b.0 == t.building_id) {
            Some(b) => b.2.push(s),
            None => by_building.push((t.building_id, t.building.clone(), vec![s])),
        }
    }
    let buildings: Vec<(Option<i64>, String, Progress)> = by_building
        .into_iter()
        .map(|(id, name, v)| (id, name, Progress::of(v)))
        .collect();
    let teams: Vec<String> = {
        let mut v: Vec<String> = all
            .iter()
            .map(|t| t.team.clone())
            .filter(|t| !t.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let building_filter = q.building.as_deref().and_then(|b| b.parse::<i64>().ok());
    let team_filter = q.team.clone().filter(|t| !t.is_empty());
    let status_filter = q
        .status
        .clone()
        .filter(|s| TargetStatus::parse(s).is_some());
    let shown: Vec<&Target> = all
        .iter()
        .filter(|t| building_filter.is_none_or(|b| t.building_id == Some(b)))
        .filter(|t| team_filter.as_ref().is_none_or(|x| &t.team == x))
        .filter(|t| status_filter.as_ref().is_none_or(|x| &t.status == x))
        .collect();
    let given_total: i64 = all
        .iter()
        .filter(|t| t.status == "visited")
        .filter_map(|t| t.amount_fen)
        .sum();
    let csrf = caller.csrf_token.clone();
    let open = plan.status == "open";
    let closer = may_close(&state, &caller, plan.community_id).await?;
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
            dt { (t(lang, "visits.occasion")) } dd { (Occasion::parse(&plan.occasion).map_or("", Occasion::label_zh)) }
            dt { (t(lang, "visits.visit_on")) } dd { (plan.visit_on) }
            dt { (t(lang, "visits.rules")) } dd { (rules_label(&plan.rules)) @if plan.rules.iter().any(|r| r == "elderly_alone") { "（" (tf(lang, "visits.from_age", &[("age", &plan.min_age.to_string())])) "）" } }
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
                        @for s in TargetStatus::ALL { option value=(s.as_str()) selected[status_filter.as_deref() == Some(s.as_str())] { (t(lang, &format!("visits.status.{}", s.as_str()))) } }
                    }
                }
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "common.search")) } }
            }
        }
        form #team-form method="post" action={ "/visits/" (plan.id) "/teams" } {
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            table.table {
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
                        tr {
                            @if manage && open { td { @if mine { input type="checkbox" name="ids" value=(v.id) aria-label=(v.name); } } }
                            td.nowrap { (v.building) (v.unit) (v.room) }
                            td { a href={ "/residents/" (v.resident_id) } { (v.name) } }
                            td.num { (v.members.max(1)) }
                            @if manage {
                                td { @if mine { (rules_label(&v.reasons)) @if v.added_by_hand { (layout::chip("info", &t(lang, "visits.by_hand"))) } } }
                            }
                            td { (v.team) }
                            td.nowrap { (status_chip(lang, &v.status)) @if let Some(d) = &v.visited_on { " " (d) } @if !v.removed_reason.is_empty() { br; span.hint { (v.removed_reason) } } }
                            td { (given_label(&v.items, v.amount_fen)) }
                            td { @if mine && open && v.status != "removed" { a.btn.btn-small href={ "/visits/" (plan.id) "/targets/" (v.id) } { (t(lang, "visits.record")) } } }
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
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<RouteQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let plan = load_plan(&state, &ctx, id).await?;
    let caller = ctx.caller()?.clone();
    let scopes = caller.scopes(Action::ViewCases);
    let building = q.building.filter(|b| *b > 0);
    let list: Vec<Target> = state
        .db
        .read(move |c| store::targets(c, id, &scopes, building))
        .await?
        .into_iter()
        .filter(|t| t.status != "removed")
        .collect();
    let building_name = list.first().map(|t| t.building.clone()).unwrap_or_default();
    let title = format!("{} · {}", plan.name, t(lang, "visits.route_sheet"));
    let body = html! {
        p.no-print.hint { (t(lang, "visits.print")) " " a href={ "/visits/" (plan.id) } { (t(lang, "visits.back_to_plan")) } }
        div.route-sheet {
            h2 { (plan.name) " " (building_name) " " (t(lang, "visits.route_sheet")) }
            p { (t(lang, "visits.visit_on")) "：" (plan.visit_on) @if !plan.gift.is_empty() { "　" (t(lang, "visits.gift")) "：" (plan.gift) } }
            @if list.is_empty() { (layout::empty(&t(lang, "visits.none_match"), None)) }
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
                            td { @if v.status == "visited" { "✓ " (v.visited_on.clone().unwrap_or_default()) } @else if v.status == "not_home" { (t(lang, "visits.status.not_home")) } }
                            td.sign {}
                            td.sign {}
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

async fn target_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let plan = load_plan(&state, &ctx, id).await?;
    let target = load_target(&state, &ctx, &plan, tid, Action::ManageCases).await?;
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
    let given = if v.status == "visited" {
        given_label(&v.items, None)
    } else {
        plan.gift.clone()
    };
    let body = html! {
        dl.facts {
            dt { (t(lang, "visits.person")) } dd { a href={ "/residents/" (v.resident_id) } { (v.name) } }
            dt { (t(lang, "residents.address")) } dd { (v.building) (v.unit) (v.room) }
            dt { (t(lang, "visits.reasons")) } dd { (rules_label(&v.reasons)) @if v.added_by_hand { (t(lang, "visits.by_hand")) } }
            dt { (t(lang, "visits.state")) } dd { (status_chip(lang, &v.status)) }
        }
        form.form.narrow method="post" action={ "/visits/" (plan.id) "/targets/" (v.id) } novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            fieldset {
                legend { (t(lang, "visits.outcome")) }
                label.check { input type="radio" name="status" value="visited" checked[v.status != "not_home"]; " " (t(lang, "visits.status.visited")) }
                label.check { input type="radio" name="status" value="not_home" checked[v.status == "not_home"]; " " (t(lang, "visits.status.not_home")) }
            }
            (layout::field(lang, "on", "visits.visited_on", "date", v.visited_on.as_deref().unwrap_or(&day), None, None))
            (layout::field(lang, "items", "visits.items", "text", &given, None, None))
            p.hint { (t(lang, "visits.gift_hint")) }
            (layout::field(lang, "amount_yuan", "visits.amount", "text", &v.amount_fen.map(|f| linli_core::fund::Fen(f).yuan()).unwrap_or_default(), None, None))
            (layout::field(lang, "participants", "visits.participants", "text", if v.participants.is_empty() { &v.team } else { &v.participants }, None, None))
            div.field { label for="note" { (t(lang, "visits.note")) } textarea #note name="note" rows="3" { (v.note) } }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } a.btn href={ "/visits/" (plan.id) } { (t(lang, "common.cancel")) } }
        }
        details.reverse {
            summary { (t(lang, "visits.remove")) }
            form.form.narrow method="post" action={ "/visits/" (plan.id) "/targets/" (v.id) "/remove" } {
                input type="hidden" name="_csrf" value=(ctx.caller()?.csrf_token);
                (layout::field(lang, "reason", "visits.remove_reason", "text", "", None, None))
                button.btn.btn-danger type="submit" { (t(lang, "visits.remove")) }
            }
        }
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

fn visit_input(f: &VisitForm, today: NaiveDate) -> Result<VisitInput, AppError> {
    let status = match TargetStatus::parse(&f.status) {
        Some(s @ (TargetStatus::Visited | TargetStatus::NotHome)) => s,
        _ => return Err(AppError::invalid("visit_status_bad", "status")),
    };
    let on =
        linli_core::dates::parse_date(&f.on).ok_or(AppError::invalid("visit_date_bad", "on"))?;
    if on > today {
        return Err(AppError::invalid("visit_in_future", "on"));
    }
    let amount_fen = if f.amount_yuan.trim().is_empty() {
        None
    } else {
        Some(
            linli_core::fund::Fen::parse_yuan(f.amount_yuan.trim())
                .map_err(|_| AppError::invalid("amount_malformed", "amount_yuan"))?
                .0,
        )
    };
    let items: Vec<serde_json::Value> = parse_items(&f.items)
        .into_iter()
        .take(20)
        .map(|(n, q)| json!({"name": n, "quantity": q}))
        .collect();
    Ok(VisitInput {
        status,
        on: on.format("%Y-%m-%d").to_string(),
        items_json: serde_json::Value::Array(items).to_string(),
        amount_fen,
        participants: f.participants.trim().chars().take(200).collect(),
        note: f.note.trim().chars().take(1000).collect(),
    })
}

async fn record_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i64, i64)>,
    Form(f): Form<VisitForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let plan = load_plan(&state, &ctx, id).await?;
    let target = load_target(&state, &ctx, &plan, tid, Action::ManageCases).await?;
    if let Some(refused) = refuse_if_closed(&plan) {
        return Ok(refused);
    }
    let input = match visit_input(&f, today(&ctx)) {
        Ok(i) => i,
        Err(e) => {
            return target_form(
                &ctx,
                &plan,
                &target,
                Some(tf(lang, &format!("error.{}", e.code()), &[])),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let user = ctx.caller()?.user.id;
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            // A correction rewrites (or, for "not at home", removes) the case's help record:
            // what it said goes into the audit record.
            let earlier = c
                .query_opt(
                    "SELECT h.id, h.given_on, h.amount_fen, h.items FROM visit_targets v
                     JOIN help_records h ON h.id = v.help_record_id WHERE v.id = ?",
                    linli_store::params![target.id],
                )?
                .map(|r| -> Result<serde_json::Value, linli_store::StoreError> {
                    Ok(json!({"help_record_id": r.int(0)?, "on": r.text(1)?, "amount_fen": r.opt_int(2)?, "items": r.text(3)?}))
                })
                .transpose()?;
            let help = store::record_visit(c, &target, &plan, &input, Some(user), ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    plan.community_id,
                    "visits.record",
                    "visit_target",
                    target.id,
                    Some(json!({"status": target.status, "visited_on": target.visited_on, "help_record": earlier})),
                    json!({"status": input.status.as_str(), "on": input.on, "items": input.items_json, "amount_fen": input.amount_fen, "help_record_id": help}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(redirect_with_flash(
        &format!("/visits/{id}"),
        true,
        "flash.visit_recorded",
    ))
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
}

async fn remove_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i64, i64)>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let plan = load_plan(&state, &ctx, id).await?;
    if let Some(refused) = refuse_if_closed(&plan) {
        return Ok(refused);
    }
    let target = load_target(&state, &ctx, &plan, tid, Action::ManageCases).await?;
    // A visited household stays: what it was given is on the case timeline and in the totals.
    if target.status == "visited" {
        return Ok(redirect_with_flash(
            &format!("/visits/{id}/targets/{tid}"),
            false,
            "error.visit_remove_visited",
        ));
    }
    // Taking a household off a list needs a reason: the list is what the street office audits.
    if f.reason.trim().is_empty() {
        return Ok(redirect_with_flash(
            &format!("/visits/{id}/targets/{tid}"),
            false,
            "error.visit_remove_reason",
        ));
    }
    let reason: String = f.reason.trim().chars().take(200).collect();
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            store::remove_target(c, target.id, &reason, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    plan.community_id,
                    "visits.remove",
                    "visit_target",
                    target.id,
                    Some(json!({"status": target.status})),
                    json!({"status": "removed", "reason": reason}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(redirect_with_flash(
        &format!("/visits/{id}"),
        true,
        "flash.visit_removed",
    ))
}

async fn teams_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let plan = load_plan(&state, &ctx, id).await?;
    if let Some(refused) = refuse_if_closed(&plan) {
        return Ok(refused);
    }
    let team: String = text_field(&pairs, "team").chars().take(60).collect();
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
        .collect();
    // Each household must lie in the caller's buildings: one read of what they may manage.
    let scopes = ctx.caller()?.scopes(Action::ManageCases);
    if scopes.is_empty() {
        // (No scope would read as "everywhere" below.)
        return Err(AppError::Forbidden);
    }
    let plan_id = plan.id;
    let mine: std::collections::HashSet<i64> = state
        .db
        .read(move |c| store::targets(c, plan_id, &scopes, None))
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if ids.iter().any(|i| !mine.contains(i)) {
        return Err(AppError::NotFound);
    }
    if ids.is_empty() {
        return Ok(redirect_with_flash(
            &format!("/visits/{id}"),
            false,
            "error.visit_none_picked",
        ));
    }
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let n = store::assign_team(c, plan.id, &ids, &team, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    plan.community_id,
                    "visits.assign_team",
                    "visit_plan",
                    plan.id,
                    json!({"team": team, "targets": ids, "updated": n}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(redirect_with_flash(
        &format!("/visits/{id}"),
        true,
        "flash.visit_team_assigned",
    ))
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    who: String,
}

/// Adds a household by hand: the worker types a name (or a resident number); exactly one
/// active resident inside the caller's buildings must match.
async fn add_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    let plan = load_plan(&state, &ctx, id).await?;
    if let Some(refused) = refuse_if_closed(&plan) {
        return Ok(refused);
    }
    let caller = ctx.caller()?.clone();
    let who = f.who.trim().to_string();
    let back = format!("/visits/{id}");
    if who.is_empty() {
        return Ok(redirect_with_flash(&back, false, "error.visit_who_missing"));
    }
    // A resident number (the digits in the resident page's address) names one person.
    if let Ok(rid) = who.parse::<i64>() {
        let tenant = linli_store::Tenant::new(plan.community_id);
        let found = state
            .db
            .read(move |c| registry::get(c, tenant, rid))
            .await
            .ok();
        let allowed = match &found {
            Some(r) if r.status == "active" => {
                caller.decide(Action::ManageCases, Some(&r.place_path)) == Decision::Allow
            }
            _ => false,
        };
        if !allowed {
            return Ok(redirect_with_flash(&back, false, "error.visit_who_unknown"));
        }
        return add_one(&state, &ctx, &plan, rid, &back).await;
    }
    let filter = registry::Filter {
        community_id: plan.community_id,
        scopes: caller.scopes(Action::ManageCases),
        q: Some(who.clone()),
        today: Some(today(&ctx)),
        ..Default::default()
    };
    let (rows, total) = state
        .db
        .read(move |c| registry::search(c, &filter, 1, 5))
        .await?;
    let exact: Vec<_> = rows
        .iter()
        .filter(|r| r.name == who || r.id.to_string() == who)
        .collect();
    let only = (total == 1).then(|| rows.first()).flatten();
    let chosen = match (exact.as_slice(), only) {
        ([one], _) => one.id,
        ([], Some(r)) => r.id,
        ([], None) if total == 0 => {
            return Ok(redirect_with_flash(&back, false, "error.visit_who_unknown"));
        }
        _ => {
            return Ok(redirect_with_flash(
                &back,
                false,
                "error.visit_who_ambiguous",
            ));
        }
    };
    add_one(&state, &ctx, &plan, chosen, &back).await
}

/// Puts one resident's household on a plan's list, once; audited.
async fn add_one(
    state: &AppState,
    ctx: &Ctx,
    plan: &Plan,
    chosen: i64,
    back: &str,
) -> Result<Response, AppError> {
    let (community, plan_id) = (plan.community_id, plan.id);
    let ctx2 = ctx.clone();
    let added = state
        .db
        .write(move |c| {
            let added = store::add_target(c, community, plan_id, chosen, ctx2.now)?;
            if let Some(tid) = added {
                audit::append(
                    c,
                    &ctx2.audit_event(
                        community,
                        "visits.add",
                        "visit_target",
                        tid,
                        json!({"resident_id": chosen, "plan_id": plan_id}),
                    ),
                )?;
            }
            Ok::<_, AppError>(added)
        })
        .await?;
    Ok(match added {
        Some(_) => redirect_with_flash(back, true, "flash.visit_added"),
        None => redirect_with_flash(back, false, "error.visit_already_listed"),
    })
}

/// A plan is the whole community's: only someone who manages cases across the community (its
/// admin, a community-wide worker) closes it, since closing stops every grid's recording.
async fn may_close(
    state: &AppState,
    caller: &crate::auth::Caller,
    community_id: i64,
) -> Result<bool, AppError> {
    let community = state
        .db
        .read(move |c| linli_store::places::get(c, community_id))
        .await?;
    Ok(caller.decide(Action::ManageCases, Some(&community.path)) == Decision::Allow)
}

async fn close_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let plan = load_plan(&state, &ctx, id).await?;
    if let Some(refused) = refuse_if_closed(&plan) {
        return Ok(refused);
    }
    if !may_close(&state, ctx.caller()?, plan.community_id).await? {
        return Err(AppError::Forbidden);
    }
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            store::close_plan(c, plan.id)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    plan.community_id,
                    "visits.close",
                    "visit_plan",
                    plan.id,
                    Some(json!({"status": plan.status})),
                    json!({"status": "closed"}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(redirect_with_flash(
        &format!("/visits/{id}"),
        true,
        "flash.visit_plan_closed",
    ))
}

/// Open plans with households still to visit, on the worker's home page.
pub async fn home_panel(state: &AppState, ctx: &Ctx) -> Result<Markup, AppError> {
    let caller = ctx.caller()?.clone();
    let Some(community) = caller.community_id() else {
        return Ok(html! {});
    };
    if caller.decide(Action::ViewCases, None) != Decision::Allow {
        return Ok(html! {});
    }
    let lang = ctx.lang();
    let scopes = caller.scopes(Action::ViewCases);
    let plans = state
        .db
        .read(move |c| store::open_plans(c, community, &scopes))
        .await?;
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
    t.page(
        Method::GET,
        "/visits",
        Policy::Signed(Action::ViewCases),
        list,
    )
    .page(
        Method::GET,
        "/visits/new",
        Policy::Signed(Action::ManageCases),
        new_page,
    )
    .page(
        Method::POST,
        "/visits",
        Policy::Signed(Action::ManageCases),
        create_submit,
    )
    .page(
        Method::GET,
        "/visits/{id}",
        Policy::Signed(Action::ViewCases),
        plan_page,
    )
    .page(
        Method::GET,
        "/visits/{id}/route",
        Policy::Signed(Action::ViewCases),
        route_sheet,
    )
    .page(
        Method::POST,
        "/visits/{id}/teams",
        Policy::Signed(Action::ManageCases),
        teams_submit,
    )
    .page(
        Method::POST,
        "/visits/{id}/add",
        Policy::Signed(Action::ManageCases),
        add_submit,
    )
    .page(
        Method::POST,
        "/visits/{id}/close",
        Policy::Signed(Action::ManageCases),
        close_submit,
    )
    .page(
        Method::GET,
        "/visits/{id}/targets/{tid}",
        Policy::Signed(Action::ManageCases),
        target_page,
    )
    .page(
        Method::POST,
        "/visits/{id}/targets/{tid}",
        Policy::Signed(Action::ManageCases),
        record_submit,
    )
    .page(
        Method::POST,
        "/visits/{id}/targets/{tid}/remove",
        Policy::Signed(Action::ManageCases),
        remove_submit,
    )
}
