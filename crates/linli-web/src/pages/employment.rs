//! The employment station (社区满意中介服务站): job seekers, openings, matching suggestions
//! with their reasons, referrals, placements and the 1/3/6-month follow-ups. The operations
//! are shared with the JSON API.

use super::Pairs;
use super::learning::{back_with, can, pairs_get, rate_explained, rate_text, tabs, today};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use chrono::Datelike;
use linli_app::employment::{
    self as ops, FollowupDraft, OpeningDraft, PlacementDraft, SeekerDraft, SeekerEdit,
};
use linli_core::learning::{
    self as rules, ContractType, Hours, Outcome, Reason, ReferralResult, SeekerStatus, TraineeCheck,
};
use linli_core::{Action, Decision};
use linli_store::learning::{self as store, Placement};
use maud::{Markup, html};
use serde::Deserialize;

// ---- pages ----

pub fn outcome_chip(lang: Lang, outcome: Option<&str>) -> Markup {
    match outcome {
        Some("employed") => layout::chip("ok", &t(lang, "employment.outcome.employed")),
        Some("left") => layout::chip("warn", &t(lang, "employment.outcome.left")),
        Some("unknown") => layout::chip("err", &t(lang, "employment.outcome.unknown")),
        Some("not_employed") => layout::chip("warn", &t(lang, "employment.outcome.not_employed")),
        _ => layout::chip("muted", &t(lang, "employment.outcome.none")),
    }
}

fn hours_label(lang: Lang, code: &str) -> String {
    Hours::parse(code).map_or(String::new(), |h| label(lang, "hours", h.as_str()))
}

fn crumbs(lang: Lang) -> Vec<layout::Crumb> {
    vec![(t(lang, "employment.title"), Some("/employment".to_string()))]
}

fn reason_text(lang: Lang, r: &Reason) -> Markup {
    match r {
        Reason::SkillMet(s) => {
            html! { span.tag { "✓ " (tf(lang, "employment.reason.skill_met", &[("skill", s)])) } }
        }
        Reason::SkillMissing(s) => {
            html! { span.tag { "✕ " (tf(lang, "employment.reason.skill_missing", &[("skill", s)])) } }
        }
        Reason::Wished(s) => {
            html! { span.tag { "✓ " (tf(lang, "employment.reason.wished", &[("wish", s)])) } }
        }
        Reason::HoursFit => html! { span.tag { "✓ " (t(lang, "employment.reason.hours_fit")) } },
        Reason::HoursConflict => {
            html! { span.tag { "✕ " (t(lang, "employment.reason.hours_conflict")) } }
        }
        Reason::Near(k) => {
            html! { span.tag { "✓ " (tf(lang, "employment.reason.near", &[("km", &k.to_string())])) } }
        }
        Reason::TooFar(k) => {
            html! { span.tag { "✕ " (tf(lang, "employment.reason.too_far", &[("km", &k.to_string())])) } }
        }
    }
}

async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let today = today(&ctx);
    let year = today.year();
    let until = week_end(today);
    let ops::Dashboard { reemployed: re, rate, due, seekers, openings, recent } =
        ops::dashboard(&ctx.state.app, &ctx.actor()?, year, until).await?;
    let manage = can(&ctx, Action::ManageEmployment);
    let csrf = ctx.caller()?.csrf_token.clone();
    let hours: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), label(lang, "hours", h.as_str())))
        .collect();
    let action = html! { @if manage { a.btn.btn-primary href="/employment/placements/new" { (t(lang, "employment.new_placement")) } } };
    let body = html! {
        (tabs(lang, &[("/employment".to_string(), t(lang, "employment.tab_station"), true), ("/employment/placements".to_string(), t(lang, "employment.placements"), false)]))
        div.stats {
            (layout::stat(&tf(lang, "employment.stat_reemployed", &[("year", &year.to_string())]), re.persons, &t(lang, "learning.unit_persons"), Some("/employment/placements")))
            (layout::stat(&t(lang, "employment.stat_placements"), re.times, &t(lang, "learning.unit_times"), Some("/employment/placements")))
            (layout::stat(&t(lang, "employment.stat_not_followed"), re.not_followed_up + re.unknown, &t(lang, "learning.unit_persons"), Some(&format!("/employment/placements?to_call={year}"))))
            (layout::stat_text(&t(lang, "learning.stat_rate"), &rate_text(rate.rate), "", Some("/courses/completions")))
        }
        p.hint { (tf(lang, "employment.reemployed_explained", &[("persons", &re.persons.to_string()), ("times", &re.times.to_string()), ("employed", &re.still_employed.to_string()), ("left", &re.left.to_string()), ("unknown", &re.unknown.to_string()), ("none", &re.not_followed_up.to_string())])) " " (rate_explained(lang, &rate)) }
        section.panel {
            h2 { (t(lang, "employment.due_title")) }
            @if due.is_empty() { p.hint { (t(lang, "employment.due_none")) } } @else {
                (due_table(lang, &due, today))
            }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "employment.seekers")) }
                @if seekers.is_empty() { p.hint { (t(lang, "employment.no_seekers")) } }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "employment.seekers")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "learning.name")) } th { (t(lang, "employment.skills")) } th { (t(lang, "employment.wishes")) } th { (t(lang, "learning.status")) } } }
                        tbody {
                            @for s in &seekers {
                                tr {
                                    td { a href={ "/employment/seekers/" (s.id) } { (s.resident_name) } }
                                    td { (s.skills) }
                                    td { (s.wishes) }
                                    td { (layout::chip(if s.status == SeekerStatus::Seeking { "info" } else { "muted" }, &label(lang, "seeker_status", s.status.as_str()))) }
                                }
                            }
                        }
                    }
                }
                @if manage {
                    h3 { (t(lang, "employment.new_seeker")) }
                    p.hint { (t(lang, "employment.new_seeker_hint")) }
                }
            }
            section.panel {
                h2 { (t(lang, "employment.openings")) }
                @if openings.is_empty() { p.hint { (t(lang, "employment.no_openings")) } }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "employment.openings")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.pay")) } th { (t(lang, "employment.hours")) } th.num { (t(lang, "employment.slots")) } @if manage { th {} } } }
                        tbody {
                            @for o in &openings {
                                tr {
                                    td { (o.employer) }
                                    td { (o.job) @if !o.requirements.is_empty() { br; span.hint { (o.requirements) } } }
                                    td { (o.pay) }
                                    td { (hours_label(lang, &o.hours)) @if let Some(k) = o.distance_km { br; span.hint { (k) " km" } } }
                                    td.num { (o.filled) " / " (o.slots) }
                                    @if manage {
                                        td.nowrap {
                                            form.inline method="post" action={ "/employment/openings/" (o.id) "/close" } {
                                                input type="hidden" name="_csrf" value=(csrf);
                                                button.btn.btn-small type="submit" title=(t(lang, "employment.close_opening_title")) aria-label=(format!("{} {} {}", t(lang, "employment.close_opening"), o.employer, o.job)) { (t(lang, "employment.close_opening")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if manage {
                    h3 { (t(lang, "employment.new_opening")) }
                    form.form method="post" action="/employment/openings" {
                        input type="hidden" name="_csrf" value=(csrf);
                        div.grid2 {
                            (layout::field(lang, "employer", "employment.employer", "text", "", None, Some("off")))
                            (layout::field(lang, "job", "employment.job", "text", "", None, Some("off")))
                            (layout::field(lang, "requirements", "employment.requirements", "text", "", None, Some("off")))
                            (layout::field(lang, "pay", "employment.pay", "text", "", None, Some("off")))
                            (layout::select(lang, "hours", "employment.hours", &hours, "full_time", None))
                            (layout::field(lang, "distance_km", "employment.distance_km", "number", "", None, None))
                            (layout::field(lang, "slots", "employment.slots", "number", "1", None, None))
                        }
                        div.form-actions { button.btn type="submit" { (t(lang, "employment.post_opening")) } }
                    }
                }
            }
        }
        section.panel {
            div.list-head { h2 { (t(lang, "employment.recent_placements")) } a href="/employment/placements" { (t(lang, "employment.all_placements")) } }
            (placements_table(lang, &recent))
        }
    };
    Ok(layout::page(&ctx, &t(lang, "employment.title"), &[], Some(action), body))
}

fn due_table(lang: Lang, due: &[store::DueFollowup], today: chrono::NaiveDate) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr { th { (t(lang, "employment.due_on")) } th { (t(lang, "learning.name")) } th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.which")) } } }
                tbody {
                    @for d in due {
                        tr {
                            td.nowrap { @if d.due_on < today { (layout::chip("err", &t(lang, "employment.overdue"))) " " } (d.due_on) }
                            td { a href={ "/employment/placements/" (d.placement_id) } { (d.resident_name) } }
                            td { (d.employer) }
                            td { (d.job) }
                            td { (tf(lang, "employment.month_followup", &[("m", &d.month.to_string())])) }
                        }
                    }
                }
            }
        }
    }
}

fn placements_table(lang: Lang, rows: &[Placement]) -> Markup {
    html! {
        @if rows.is_empty() { (layout::empty(&t(lang, "employment.no_placements"), None)) } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.compact {
                    thead { tr { th { (t(lang, "employment.starts_on")) } th { (t(lang, "learning.name")) } th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.contract")) } th { (t(lang, "employment.via_station")) } th { (t(lang, "employment.last_followup")) } } }
                    tbody {
                        @for p in rows {
                            tr {
                                td.nowrap { a href={ "/employment/placements/" (p.id) } { (p.starts_on) } }
                                td { a href={ "/residents/" (p.resident_id) } { (p.resident_name) } }
                                td { (p.employer) }
                                td { (p.job) }
                                td { (label(lang, "contract_type", p.contract_type.as_str())) }
                                td { (if p.via_station { t(lang, "employment.yes") } else { t(lang, "employment.no") }) }
                                td.nowrap { (outcome_chip(lang, p.last_outcome.as_deref())) " " @if let Some(d) = p.last_followup_on { (d) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
    /// A year: only the people still to call back (not followed up or not reached).
    to_call: Option<i32>,
}

async fn placements_page(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    if let Some(year) = q.to_call {
        let rows = ops::to_call(&ctx.state.app, &ctx.actor()?, year).await?;
        let body = html! {
            (tabs(lang, &[("/employment".to_string(), t(lang, "employment.tab_station"), false), ("/employment/placements".to_string(), t(lang, "employment.placements"), false)]))
            p #to-call role="status" { (tf(lang, "employment.to_call_hint", &[("n", &rows.len().to_string()), ("year", &year.to_string())])) }
            (placements_table(lang, &rows))
        };
        return Ok(layout::page(
            &ctx,
            &tf(lang, "employment.to_call_title", &[("year", &year.to_string())]),
            &crumbs(lang),
            None,
            body,
        ));
    }
    let page = q.page.unwrap_or(1).max(1);
    let linli_app::learning::Listing { items: rows, total } =
        ops::placements(&ctx.state.app, &ctx.actor()?, page, 50).await?;
    let manage = can(&ctx, Action::ManageEmployment);
    let action = html! { @if manage { a.btn.btn-primary href="/employment/placements/new" { (t(lang, "employment.new_placement")) } } };
    let body = html! {
        (tabs(lang, &[("/employment".to_string(), t(lang, "employment.tab_station"), false), ("/employment/placements".to_string(), t(lang, "employment.placements"), true)]))
        p.hint { (tf(lang, "employment.placements_total", &[("n", &total.to_string())])) }
        (placements_table(lang, &rows))
        (layout::pager(lang, page, 50, total, "/employment/placements"))
    };
    let cr = crumbs(lang);
    Ok(layout::page(&ctx, &t(lang, "employment.placements"), &cr, Some(action), body))
}

#[derive(Deserialize)]
struct NewPlacementQuery {
    resident: Option<i64>,
    q: Option<String>,
    opening: Option<i64>,
}

async fn placement_new(ctx: Ctx, Query(q): Query<NewPlacementQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let today = today(&ctx);
    let who = match q.resident {
        Some(id) => Some(ops::resident(&ctx.state.app, &actor, id).await?),
        None => None,
    };
    let search = q.q.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (found, opening) = ops::placement_form(&ctx.state.app, &actor, search, q.opening).await?;
    let contracts: Vec<(String, String)> = ContractType::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), label(lang, "contract_type", c.as_str())))
        .collect();
    let body = html! {
        @match &who {
            None => {
                form.form.inline-form method="get" action="/employment/placements/new" {
                    (layout::field(lang, "q", "learning.find_resident", "search", q.q.as_deref().unwrap_or(""), None, Some("off")))
                    div.form-actions { button.btn type="submit" { (t(lang, "learning.find")) } }
                }
                @if q.q.is_some() && found.is_empty() { p.hint { (t(lang, "learning.nobody_found")) } }
                @if !found.is_empty() {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                        table.table.compact { tbody {
                            @for r in &found {
                                tr {
                                    td { (r.name) }
                                    td { (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) }
                                    td.nowrap { @if let Some(d) = r.birth_date { (d) } }
                                    td { a.btn.btn-small.btn-primary href={ "/employment/placements/new?resident=" (r.id) } { (t(lang, "employment.choose")) } }
                                }
                            }
                        } }
                    }
                }
            }
            Some(r) => {
                form.form method="post" action="/employment/placements" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    input type="hidden" name="resident_id" value=(r.id);
                    @if let Some(o) = &opening { input type="hidden" name="opening_id" value=(o.id); }
                    p.lead { (t(lang, "learning.name")) "：" strong { (r.name) } " " (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) }
                    div.grid2 {
                        (layout::field(lang, "employer", "employment.employer", "text", opening.as_ref().map_or("", |o| o.employer.as_str()), None, Some("off")))
                        (layout::field(lang, "job", "employment.job", "text", opening.as_ref().map_or("", |o| o.job.as_str()), None, Some("off")))
                        (layout::field(lang, "starts_on", "employment.starts_on", "date", &today.to_string(), None, None))
                        (layout::select(lang, "contract_type", "employment.contract", &contracts, "labour", None))
                    }
                    label.check { input type="checkbox" name="via_station" checked; " " (t(lang, "employment.via_station_check")) }
                    p.hint { (t(lang, "employment.via_station_hint")) }
                    (layout::field(lang, "note", "employment.note", "text", "", None, Some("off")))
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "employment.save_placement")) } a.btn href="/employment" { (t(lang, "common.cancel")) } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "employment.new_placement"), &crumbs(lang), None, body))
}

async fn placement_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let rid: i64 = pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    let d = PlacementDraft {
        resident_id: rid,
        employer: pairs_get(&pairs, "employer").unwrap_or_default(),
        job: pairs_get(&pairs, "job").unwrap_or_default(),
        starts_on: pairs_get(&pairs, "starts_on").unwrap_or_default(),
        via_station: pairs_get(&pairs, "via_station").is_some(),
        contract_type: pairs_get(&pairs, "contract_type"),
        opening_id: pairs_get(&pairs, "opening_id").and_then(|v| v.parse().ok()),
        note: pairs_get(&pairs, "note"),
    };
    match ops::create_placement(&ctx.state.app, &ctx.actor()?, d).await {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/employment/placements/{}", v.id),
            true,
            "employment.flash_placement_saved",
        )),
        Err(e) => back_with(
            &format!("/employment/placements/new?resident={rid}"),
            Err::<(), _>(e),
            |()| "",
        ),
    }
}

async fn placement_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (p, followups) = ops::placement(&ctx.state.app, &ctx.actor()?, id).await?;
    let today = today(&ctx);
    let starts = p.starts_on;
    let done: Vec<chrono::NaiveDate> = followups.iter().map(|f| f.followed_on).collect();
    let left = followups.iter().any(|f| f.outcome == "left");
    let next = rules::next_followup(starts, &done, left);
    let manage = can(&ctx, Action::ManageEmployment);
    let csrf = ctx.caller()?.csrf_token.clone();
    let outcomes: Vec<(String, String)> = Outcome::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), t(lang, &format!("employment.outcome.{}", o.as_str()))))
        .collect();
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.name")) } dd { a href={ "/residents/" (p.resident_id) } { (p.resident_name) } }
            dt { (t(lang, "employment.employer")) } dd { (p.employer) }
            dt { (t(lang, "employment.job")) } dd { (p.job) }
            dt { (t(lang, "employment.starts_on")) } dd { (p.starts_on) }
            dt { (t(lang, "employment.contract")) } dd { (label(lang, "contract_type", p.contract_type.as_str())) }
            dt { (t(lang, "employment.via_station")) } dd { (if p.via_station { t(lang, "employment.yes") } else { t(lang, "employment.no") }) }
            @if !p.note.is_empty() { dt { (t(lang, "employment.note")) } dd { (p.note) } }
        }
        section.panel {
            h2 { (t(lang, "employment.followups")) }
            ul.plain {
                @for (m, due) in rules::followup_schedule(starts) {
                    li { (tf(lang, "employment.month_followup", &[("m", &m.to_string())])) "：" (due.to_string()) }
                }
            }
            @match next {
                Some((m, due)) => { p { (layout::chip(if due < today { "err" } else { "info" }, &tf(lang, "employment.next_due", &[("m", &m.to_string()), ("date", &due.to_string())]))) } }
                None => { p.hint { (t(lang, "employment.no_more_followups")) } }
            }
            @if followups.is_empty() { p.hint { (t(lang, "employment.no_followups")) } } @else {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "employment.followed_on")) } th { (t(lang, "employment.outcome")) } th { (t(lang, "employment.note")) } th { (t(lang, "employment.by")) } } }
                        tbody {
                            @for f in &followups {
                                tr { td.nowrap { (f.followed_on) } td { (outcome_chip(lang, Some(&f.outcome))) } td { (f.note) } td { (f.by.clone().unwrap_or_default()) } }
                            }
                        }
                    }
                }
            }
            @if manage && !left {
                h3 { (t(lang, "employment.record_followup")) }
                form.form.inline-form method="post" action={ "/employment/placements/" (p.id) "/followups" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    (layout::field(lang, "on", "employment.followed_on", "date", &today.to_string(), None, None))
                    (layout::select(lang, "outcome", "employment.outcome", &outcomes, "employed", None))
                    (layout::field(lang, "note", "employment.note", "text", "", None, Some("off")))
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "employment.save_followup")) } }
                }
                p.hint { (t(lang, "employment.unknown_hint")) }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &format!("{} · {}", t(lang, "employment.placement"), p.resident_name),
        &crumbs(lang),
        None,
        body,
    ))
}

async fn followup_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let d = FollowupDraft {
        placement_id: id,
        on: pairs_get(&pairs, "on").unwrap_or_default(),
        outcome: pairs_get(&pairs, "outcome").unwrap_or_default(),
        note: pairs_get(&pairs, "note"),
    };
    let r = ops::create_followup(&ctx.state.app, &ctx.actor()?, d).await;
    back_with(&format!("/employment/placements/{id}"), r, |_| "employment.flash_followup_saved")
}

async fn seeker_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let ops::SeekerPage { seeker: s, openings, referrals } =
        ops::seeker_page(&ctx.state.app, &ctx.actor()?, id).await?;
    let seeker = rules::Seeker {
        skills: rules::split_terms(&s.skills),
        wishes: rules::split_terms(&s.wishes),
        hours: Some(s.hours),
        max_km: s.max_km.and_then(|k| u32::try_from(k).ok()),
    };
    let profiles: Vec<rules::Opening> = openings
        .iter()
        .map(|o| rules::Opening {
            position: o.job.clone(),
            requirements: rules::split_terms(&o.requirements),
            hours: Hours::parse(&o.hours),
            distance_km: o.distance_km.and_then(|k| u32::try_from(k).ok()),
        })
        .collect();
    let ranked = rules::suggest(&seeker, &profiles);
    let manage = can(&ctx, Action::ManageEmployment);
    let csrf = ctx.caller()?.csrf_token.clone();
    let results: Vec<(String, String)> = ReferralResult::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), label(lang, "referral_result", r.as_str())))
        .collect();
    let hours_opts: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), label(lang, "hours", h.as_str())))
        .collect();
    let status_opts: Vec<(String, String)> = SeekerStatus::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), label(lang, "seeker_status", h.as_str())))
        .collect();
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.name")) } dd { a href={ "/residents/" (s.resident_id) } { (s.resident_name) } " " (s.address) }
            dt { (t(lang, "employment.skills")) } dd { (s.skills) }
            dt { (t(lang, "employment.wishes")) } dd { (s.wishes) }
            dt { (t(lang, "employment.hours")) } dd { (hours_label(lang, s.hours.as_str())) }
            dt { (t(lang, "employment.max_km")) } dd { (s.max_km.map(|k| format!("{k} km")).unwrap_or_else(|| "—".into())) }
            dt { (t(lang, "learning.status")) } dd { (label(lang, "seeker_status", s.status.as_str())) }
        }
        @if !s.note.is_empty() { p.hint { (t(lang, "learning.note")) "：" (s.note) } }
        @if manage {
            p { a.btn.btn-primary href={ "/employment/placements/new?resident=" (s.resident_id) } { (t(lang, "employment.new_placement")) } }
            details.panel #edit-seeker {
                summary { (t(lang, "employment.edit_seeker")) }
                form.form method="post" action={ "/employment/seekers/" (s.id) } {
                    input type="hidden" name="_csrf" value=(csrf);
                    div.grid2 {
                        (layout::field(lang, "skills", "employment.skills", "text", &s.skills, None, Some("off")))
                        (layout::field(lang, "wishes", "employment.wishes", "text", &s.wishes, None, Some("off")))
                        (layout::select(lang, "hours", "employment.hours", &hours_opts, s.hours.as_str(), None))
                        (layout::field(lang, "max_km", "employment.max_km", "number", &s.max_km.map(|k| k.to_string()).unwrap_or_default(), None, None))
                        (layout::select(lang, "status", "learning.status", &status_opts, s.status.as_str(), None))
                        (layout::field(lang, "note", "learning.note", "text", &s.note, None, Some("off")))
                    }
                    p.hint { (t(lang, "employment.edit_seeker_hint")) }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "employment.suggestions")) }
            p.hint { (t(lang, "employment.suggestions_hint")) }
            @if ranked.is_empty() { p.hint { (t(lang, "employment.no_openings")) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "employment.suggestions")) {
                table.table {
                    thead { tr { th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.why")) } th {} } }
                    tbody {
                        @for (i, m) in &ranked {
                            @if let Some(o) = openings.get(*i) {
                                tr {
                                    td { (o.employer) }
                                    td { (o.job) br; span.hint { (o.pay) } }
                                    td { @if m.blocked { (layout::chip("warn", &t(lang, "employment.blocked"))) " " } @for r in &m.reasons { (reason_text(lang, r)) " " } }
                                    td.nowrap {
                                        @if manage {
                                            form.inline method="post" action={ "/employment/seekers/" (s.id) "/referrals" } {
                                                input type="hidden" name="_csrf" value=(csrf);
                                                input type="hidden" name="opening_id" value=(o.id);
                                                button.btn.btn-small type="submit" { (t(lang, "employment.refer")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "employment.referrals")) }
            @if referrals.is_empty() { p.hint { (t(lang, "employment.no_referrals")) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "employment.referrals")) {
                table.table.compact {
                    tbody {
                        @for f in &referrals {
                            tr {
                                td.nowrap { (f.referred_on) }
                                td { (f.employer) " · " (f.job) }
                                td { (label(lang, "referral_result", f.result.as_str())) " " @if let Some(d) = f.result_on { (d) } }
                                td {
                                    @if manage && matches!(f.result, ReferralResult::Pending | ReferralResult::Interview) {
                                        form.inline method="post" action={ "/employment/referrals/" (f.id) } {
                                            input type="hidden" name="_csrf" value=(csrf);
                                            select name="result" aria-label=(t(lang, "employment.result")) { @for (v, l) in &results { option value=(v) selected[*v == f.result.as_str()] { (l) } } }
                                            " " button.btn.btn-small type="submit" { (t(lang, "common.save")) }
                                        }
                                        @if f.result == ReferralResult::Interview { " " a.btn.btn-small href={ "/employment/placements/new?resident=" (s.resident_id) "&opening=" (f.opening_id) } { (t(lang, "employment.hired_record")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &format!("{} · {}", t(lang, "employment.seeker"), s.resident_name),
        &crumbs(lang),
        None,
        body,
    ))
}

async fn seeker_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let rid: i64 = pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    let d = SeekerDraft {
        resident_id: rid,
        skills: pairs_get(&pairs, "skills"),
        wishes: pairs_get(&pairs, "wishes"),
        hours: pairs_get(&pairs, "hours"),
        max_km: pairs_get(&pairs, "max_km").and_then(|v| v.parse().ok()),
        note: pairs_get(&pairs, "note"),
    };
    match ops::create_seeker(&ctx.state.app, &ctx.actor()?, d).await {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/employment/seekers/{}", v.id),
            true,
            "employment.flash_seeker_saved",
        )),
        Err(e) => back_with(&format!("/residents/{rid}"), Err::<(), _>(e), |()| ""),
    }
}

async fn seeker_edit_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let to = format!("/employment/seekers/{id}");
    let max_km = match pairs_get(&pairs, "max_km").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(_)) => {
            return back_with(
                &to,
                Err::<(), _>(AppError::invalid("employment_km_bad", "max_km")),
                |()| "",
            );
        }
    };
    let d = SeekerEdit {
        skills: pairs_get(&pairs, "skills"),
        wishes: pairs_get(&pairs, "wishes"),
        hours: pairs_get(&pairs, "hours"),
        max_km,
        status: pairs_get(&pairs, "status"),
        note: pairs_get(&pairs, "note"),
    };
    let r = ops::update_seeker(&ctx.state.app, &ctx.actor()?, id, d).await;
    back_with(&to, r, |()| "employment.flash_seeker_updated")
}

async fn opening_close_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let r = ops::close_opening(&ctx.state.app, &ctx.actor()?, id).await;
    back_with("/employment", r, |()| "employment.flash_opening_closed")
}

async fn opening_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let d = OpeningDraft {
        employer: pairs_get(&pairs, "employer").unwrap_or_default(),
        job: pairs_get(&pairs, "job").unwrap_or_default(),
        requirements: pairs_get(&pairs, "requirements"),
        pay: pairs_get(&pairs, "pay"),
        hours: pairs_get(&pairs, "hours"),
        place: pairs_get(&pairs, "place"),
        distance_km: pairs_get(&pairs, "distance_km").and_then(|v| v.parse().ok()),
        slots: pairs_get(&pairs, "slots").and_then(|v| v.parse().ok()),
    };
    let r = ops::create_opening(&ctx.state.app, &ctx.actor()?, d).await;
    back_with("/employment", r, |_| "employment.flash_opening_saved")
}

async fn referral_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let opening: i64 = pairs_get(&pairs, "opening_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    let r = ops::refer(&ctx.state.app, &ctx.actor()?, id, opening).await;
    back_with(&format!("/employment/seekers/{id}"), r, |_| "employment.flash_referred")
}

async fn referral_result_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let result = pairs_get(&pairs, "result").unwrap_or_default();
    match ops::referral_result(&ctx.state.app, &ctx.actor()?, id, &result).await {
        Ok(seeker) => Ok(redirect_with_flash(
            &format!("/employment/seekers/{seeker}"),
            true,
            "employment.flash_result_saved",
        )),
        Err(e) => back_with("/employment", Err::<(), _>(e), |()| ""),
    }
}

async fn trainee_check_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let r = ops::check_trainee(
        &ctx.state.app,
        &ctx.actor()?,
        id,
        &pairs_get(&pairs, "outcome").unwrap_or_default(),
    )
    .await;
    back_with(&format!("/residents/{id}"), r, |_| "employment.flash_followup_saved")
}

/// The resident page's forms of the station: register as a job seeker, record a placement,
/// record a trainee follow-up.
pub fn resident_actions(ctx: &Ctx, resident_id: i64) -> Markup {
    let lang = ctx.lang();
    if !can(ctx, Action::ManageEmployment) {
        return html! {};
    }
    let csrf = ctx.csrf();
    let hours: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), label(lang, "hours", h.as_str())))
        .collect();
    html! {
        p { a.btn.btn-small href={ "/employment/placements/new?resident=" (resident_id) } { (t(lang, "employment.new_placement")) } }
        details {
            summary { (t(lang, "employment.new_seeker")) }
            form.form method="post" action="/employment/seekers" {
                input type="hidden" name="_csrf" value=(csrf);
                input type="hidden" name="resident_id" value=(resident_id);
                div.grid2 {
                    (layout::field(lang, "skills", "employment.skills", "text", "", None, Some("off")))
                    (layout::field(lang, "wishes", "employment.wishes", "text", "", None, Some("off")))
                    (layout::select(lang, "hours", "employment.hours", &hours, "any", None))
                    (layout::field(lang, "max_km", "employment.max_km", "number", "", None, None))
                }
                div.form-actions { button.btn type="submit" { (t(lang, "common.save")) } }
            }
        }
        details {
            summary { (t(lang, "employment.trainee_check")) }
            form.form.inline-form method="post" action={ "/employment/trainees/" (resident_id) "/check" } {
                input type="hidden" name="_csrf" value=(csrf);
                (layout::select(lang, "outcome", "employment.outcome", &TraineeCheck::ALL.iter().map(|o| (o.as_str().to_string(), label(lang, "trainee_check", o.as_str()))).collect::<Vec<_>>(), "not_employed", None))
                div.form-actions { button.btn type="submit" { (t(lang, "common.save")) } }
            }
            p.hint { (t(lang, "employment.trainee_check_hint")) }
        }
    }
}

/// The Sunday that ends `today`'s week: "due this week" runs to it.
fn week_end(today: chrono::NaiveDate) -> chrono::NaiveDate {
    today + chrono::Days::new(u64::from(6 - today.weekday().num_days_from_monday()))
}

/// Follow-ups due this week (and overdue), for the worker's home page.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let Some(caller) = ctx.caller.as_ref() else {
        return Ok(html! {});
    };
    if caller.community_id().is_none()
        || caller.decide(Action::ManageEmployment, None) != Decision::Allow
        || caller.decide(Action::ViewEmployment, None) != Decision::Allow
    {
        return Ok(html! {});
    }
    let today = today(ctx);
    let until = week_end(today);
    // The worker's own to-do: the residents of her grids (the station's page lists them all).
    let due: Vec<store::DueFollowup> = ops::followups_due(&ctx.state.app, &ctx.actor()?, until)
        .await?
        .items
        .into_iter()
        .filter(|d| caller.decide(Action::ManageEmployment, Some(&d.place_path)) == Decision::Allow)
        .collect();
    if due.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.panel.due-work {
            h2 { (t(lang, "employment.home_due")) " " span.hint { (tf(lang, "employment.home_due_count", &[("n", &due.len().to_string())])) } }
            (due_table(lang, &due, today))
            p { a href="/employment" { (t(lang, "employment.title")) } }
        }
    })
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewEmployment);
    let manage = Policy::Signed(Action::ManageEmployment);
    t.page(Method::GET, "/employment", view, dashboard)
        .page(Method::GET, "/employment/placements", view, placements_page)
        .page(Method::GET, "/employment/placements/new", manage, placement_new)
        .page(Method::POST, "/employment/placements", manage, placement_submit)
        .page(Method::GET, "/employment/placements/{id}", view, placement_page)
        .page(Method::POST, "/employment/placements/{id}/followups", manage, followup_submit)
        .page(Method::POST, "/employment/seekers", manage, seeker_submit)
        .page(Method::GET, "/employment/seekers/{id}", view, seeker_page)
        .page(Method::POST, "/employment/seekers/{id}", manage, seeker_edit_submit)
        .page(Method::POST, "/employment/openings/{id}/close", manage, opening_close_submit)
        .page(Method::POST, "/employment/seekers/{id}/referrals", manage, referral_submit)
        .page(Method::POST, "/employment/referrals/{id}", manage, referral_result_submit)
        .page(Method::POST, "/employment/openings", manage, opening_submit)
        .page(Method::POST, "/employment/trainees/{id}/check", manage, trainee_check_submit)
}
