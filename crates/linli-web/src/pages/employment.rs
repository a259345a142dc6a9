//! The employment station (社区满意中介服务站): job seekers, openings, matching suggestions
//! with their reasons, referrals, placements and the 1/3/6-month follow-ups. The operations
//! are shared with the JSON API.

use super::clip;
use super::learning::{
    back_with, can, community, day_text, pairs_get, rate_explained, rate_text, required_date, tabs,
    today,
};
use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use chrono::Datelike;
use linli_core::learning::{
    self as rules, ContractType, Hours, Outcome, Reason, ReferralResult, SeekerStatus, TraineeCheck,
};
use linli_core::{Action, Decision};
use linli_store::learning::{self as store, OpeningInput, Placement, PlacementInput, SeekerInput};
use linli_store::{audit, registry};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

async fn resident_here(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<registry::Resident, AppError> {
    let community = community(ctx)?;
    let r = state
        .db
        .read(move |c| registry::get(c, linli_store::Tenant::new(community), id))
        .await
        .map_err(|_| AppError::invalid("learning_resident_missing", "resident_id"))?;
    // Placements and job seekers are for residents who live here now.
    if r.status != "active" {
        return Err(AppError::invalid(
            "learning_resident_missing",
            "resident_id",
        ));
    }
    Ok(r)
}

// ---- operations ----

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlacementDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub via_station: bool,
    #[serde(default)]
    pub contract_type: Option<String>,
    #[serde(default)]
    pub opening_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn create_placement(
    state: &AppState,
    ctx: &Ctx,
    d: PlacementDraft,
) -> Result<i64, AppError> {
    let community = community(ctx)?;
    let r = resident_here(state, ctx, d.resident_id).await?;
    let employer: String = d.employer.trim().chars().take(100).collect();
    let job: String = d.job.trim().chars().take(60).collect();
    if employer.is_empty() {
        return Err(AppError::invalid("employment_employer_missing", "employer"));
    }
    if job.is_empty() {
        return Err(AppError::invalid("employment_job_missing", "job"));
    }
    let starts = required_date(&d.starts_on, "starts_on")?;
    if starts > today(ctx) + chrono::Days::new(60) {
        return Err(AppError::invalid("employment_start_far", "starts_on"));
    }
    let contract = match d
        .contract_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(c) => ContractType::parse(c).ok_or(AppError::invalid(
            "employment_contract_bad",
            "contract_type",
        ))?,
        None => ContractType::Labour,
    };
    if let Some(o) = d.opening_id {
        let opening = state
            .db
            .read(move |c| store::get_opening(c, o))
            .await
            .map_err(|_| AppError::invalid("employment_opening_missing", "opening_id"))?;
        if opening.community_id != community {
            return Err(AppError::invalid(
                "employment_opening_missing",
                "opening_id",
            ));
        }
    }
    let input = PlacementInput {
        resident_id: r.id,
        employer,
        job,
        starts_on: day_text(starts),
        contract_type: contract.as_str().to_string(),
        via_station: d.via_station,
        opening_id: d.opening_id,
        note: clip(d.note, 500),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let user = ctx2.caller.as_ref().map(|u| u.user.id);
            let id = store::create_placement(c, community, &input, user, ctx2.now)?;
            audit::append(c, &ctx2.audit_event(community, "placement.create", "placement", id, json!({"resident_id": input.resident_id, "employer": input.employer, "job": input.job, "starts_on": input.starts_on, "via_station": input.via_station})))?;
            Ok::<_, AppError>(id)
        })
        .await
}

/// A placement of the caller's community (404 otherwise).
pub async fn load_placement(state: &AppState, ctx: &Ctx, id: i64) -> Result<Placement, AppError> {
    let community = community(ctx)?;
    let p = state.db.read(move |c| store::get_placement(c, id)).await?;
    if p.community_id != community {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

pub async fn create_followup(
    state: &AppState,
    ctx: &Ctx,
    placement_id: i64,
    on: &str,
    outcome: &str,
    note: Option<String>,
) -> Result<i64, AppError> {
    let p = load_placement(state, ctx, placement_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("employment_placement_missing", "placement_id"),
            e => e,
        })?;
    let on = required_date(on, "on")?;
    if on > today(ctx) {
        return Err(AppError::invalid("date_future", "on"));
    }
    if day_text(on) < p.starts_on {
        return Err(AppError::invalid("employment_followup_early", "on"));
    }
    let outcome =
        Outcome::parse(outcome).ok_or(AppError::invalid("employment_outcome_bad", "outcome"))?;
    let note = clip(note, 500);
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let user = ctx2.caller.as_ref().map(|u| u.user.id);
            let id = store::create_followup(
                c,
                p.community_id,
                Some(p.id),
                p.resident_id,
                &day_text(on),
                outcome.as_str(),
                &note,
                user,
                ctx2.now,
            )?;
            audit::append(
                c,
                &ctx2.audit_event(
                    p.community_id,
                    "followup.create",
                    "placement",
                    p.id,
                    json!({"followup_id": id, "on": day_text(on), "outcome": outcome.as_str()}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

/// A trainee without a placement, asked after the course: not employed yet, or unreachable.
pub async fn check_trainee(
    state: &AppState,
    ctx: &Ctx,
    resident_id: i64,
    outcome: &str,
) -> Result<i64, AppError> {
    let r = resident_here(state, ctx, resident_id).await?;
    let outcome = TraineeCheck::parse(outcome)
        .ok_or(AppError::invalid("employment_outcome_bad", "outcome"))?;
    let on = day_text(today(ctx));
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let user = ctx2.caller.as_ref().map(|u| u.user.id);
            let id = store::create_followup(
                c,
                r.community_id,
                None,
                r.id,
                &on,
                outcome.as_str(),
                "",
                user,
                ctx2.now,
            )?;
            audit::append(
                c,
                &ctx2.audit_event(
                    r.community_id,
                    "followup.trainee",
                    "resident",
                    r.id,
                    json!({"followup_id": id, "outcome": outcome.as_str()}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeekerDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub wishes: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub max_km: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn create_seeker(state: &AppState, ctx: &Ctx, d: SeekerDraft) -> Result<i64, AppError> {
    let r = resident_here(state, ctx, d.resident_id).await?;
    let hours = match d.hours.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(h) => Hours::parse(h).ok_or(AppError::invalid("employment_hours_bad", "hours"))?,
        None => Hours::Any,
    };
    if d.max_km.is_some_and(|k| !(0..=500).contains(&k)) {
        return Err(AppError::invalid("employment_km_bad", "max_km"));
    }
    let input = SeekerInput {
        resident_id: r.id,
        skills: clip(d.skills, 200),
        wishes: clip(d.wishes, 200),
        hours: hours.as_str().to_string(),
        max_km: d.max_km,
        note: clip(d.note, 500),
        registered_on: day_text(today(ctx)),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let id = store::create_seeker(c, r.community_id, &input, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    r.community_id,
                    "seeker.create",
                    "job_seeker",
                    id,
                    json!({"resident_id": r.id}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpeningDraft {
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub requirements: Option<String>,
    #[serde(default)]
    pub pay: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub distance_km: Option<i64>,
    #[serde(default)]
    pub slots: Option<i64>,
}

pub async fn create_opening(state: &AppState, ctx: &Ctx, d: OpeningDraft) -> Result<i64, AppError> {
    let community = community(ctx)?;
    let employer: String = d.employer.trim().chars().take(100).collect();
    let job: String = d.job.trim().chars().take(60).collect();
    if employer.is_empty() {
        return Err(AppError::invalid("employment_employer_missing", "employer"));
    }
    if job.is_empty() {
        return Err(AppError::invalid("employment_job_missing", "job"));
    }
    let hours = match d.hours.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(h) => Hours::parse(h).ok_or(AppError::invalid("employment_hours_bad", "hours"))?,
        None => Hours::Any,
    };
    let slots = d.slots.unwrap_or(1);
    if !(1..=1000).contains(&slots) {
        return Err(AppError::invalid("employment_slots_bad", "slots"));
    }
    let input = OpeningInput {
        employer,
        job,
        requirements: clip(d.requirements, 200),
        pay: clip(d.pay, 100),
        hours: hours.as_str().to_string(),
        place: clip(d.place, 100),
        distance_km: d.distance_km.filter(|k| *k >= 0),
        slots,
        posted_on: day_text(today(ctx)),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let id = store::create_opening(c, community, &input, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    community,
                    "opening.create",
                    "opening",
                    id,
                    json!({"employer": input.employer, "job": input.job, "slots": input.slots}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeekerEdit {
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub wishes: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub max_km: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Changes a seeker's skills, wishes, hours, distance, status or note (audited with before
/// and after). Pausing keeps the record and its referrals; it only leaves the matching lists.
pub async fn update_seeker(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    d: SeekerEdit,
) -> Result<(), AppError> {
    let s = load_seeker(state, ctx, id).await?;
    let hours = match d.hours.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(h) => Hours::parse(h).ok_or(AppError::invalid("employment_hours_bad", "hours"))?,
        None => Hours::Any,
    };
    if d.max_km.is_some_and(|k| !(0..=500).contains(&k)) {
        return Err(AppError::invalid("employment_km_bad", "max_km"));
    }
    let status = match d.status.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => SeekerStatus::parse(v)
            .ok_or(AppError::invalid("employment_seeker_status_bad", "status"))?,
        None => SeekerStatus::parse(&s.status).unwrap_or(SeekerStatus::Seeking),
    };
    let u = store::SeekerUpdate {
        skills: clip(d.skills, 200),
        wishes: clip(d.wishes, 200),
        hours: hours.as_str().to_string(),
        max_km: d.max_km,
        status: status.as_str().to_string(),
        note: clip(d.note, 500),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            store::update_seeker(c, s.id, &u)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    s.community_id,
                    "seeker.update",
                    "job_seeker",
                    s.id,
                    Some(json!({"skills": s.skills, "wishes": s.wishes, "hours": s.hours, "max_km": s.max_km, "status": s.status, "note": s.note})),
                    json!({"skills": u.skills, "wishes": u.wishes, "hours": u.hours, "max_km": u.max_km, "status": u.status, "note": u.note}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await
}

/// Takes an opening off the board: it leaves the matching suggestions; referrals and
/// placements made on it stay.
pub async fn close_opening(state: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let community = community(ctx)?;
    let o = state.db.read(move |c| store::get_opening(c, id)).await?;
    if o.community_id != community {
        return Err(AppError::NotFound);
    }
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            store::close_opening(c, o.id)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    community,
                    "opening.close",
                    "opening",
                    o.id,
                    Some(json!({"status": o.status})),
                    json!({"status": "closed", "filled": o.filled, "slots": o.slots}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await
}

async fn load_seeker(state: &AppState, ctx: &Ctx, id: i64) -> Result<store::Seeker, AppError> {
    let community = community(ctx)?;
    let s = state.db.read(move |c| store::get_seeker(c, id)).await?;
    if s.community_id != community {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

pub async fn refer(
    state: &AppState,
    ctx: &Ctx,
    seeker_id: i64,
    opening_id: i64,
) -> Result<i64, AppError> {
    let s = load_seeker(state, ctx, seeker_id).await?;
    let o = state
        .db
        .read(move |c| store::get_opening(c, opening_id))
        .await
        .map_err(|_| AppError::invalid("employment_opening_missing", "opening_id"))?;
    if o.community_id != s.community_id || o.status != "open" {
        return Err(AppError::invalid(
            "employment_opening_missing",
            "opening_id",
        ));
    }
    let on = day_text(today(ctx));
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let user = ctx2.caller.as_ref().map(|u| u.user.id);
            let id =
                store::create_referral(c, s.community_id, s.id, o.id, &on, "", user, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    s.community_id,
                    "referral.create",
                    "job_seeker",
                    s.id,
                    json!({"referral_id": id, "opening_id": o.id}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

pub async fn referral_result(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: &str,
) -> Result<i64, AppError> {
    let community = community(ctx)?;
    let (f, s) = state
        .db
        .read(move |c| store::referral_seeker(c, id))
        .await?;
    if s.community_id != community {
        return Err(AppError::NotFound);
    }
    let result = ReferralResult::parse(result)
        .ok_or(AppError::invalid("employment_result_bad", "result"))?;
    let on = day_text(today(ctx));
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let before = json!({"result": f.result});
            store::set_referral_result(c, f.id, result.as_str(), &on)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    community,
                    "referral.result",
                    "job_seeker",
                    s.id,
                    Some(before),
                    json!({"referral_id": f.id, "result": result.as_str()}),
                ),
            )?;
            Ok::<_, AppError>(s.id)
        })
        .await
}

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

fn hours_label(code: &str) -> &'static str {
    Hours::parse(code).map_or("", |h| h.label_zh())
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

async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let community = community(&ctx)?;
    let today = today(&ctx);
    let year = today.year();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let until = week_end(today);
    let (re, rate, due, seekers, openings, (recent, _)) = state
        .db
        .read(move |c| {
            Ok::<_, AppError>((
                store::reemployed(c, community, &from, &to)?,
                store::employment_rate(c, community, &from, &to)?,
                store::followups_due(c, community, today, until)?,
                store::seekers(c, community, 50)?,
                store::openings(c, community, true)?,
                store::placements(c, community, 1, 10)?,
            ))
        })
        .await?;
    let manage = can(&ctx, Action::ManageEmployment);
    let csrf = ctx.caller()?.csrf_token.clone();
    let hours: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), h.label_zh().to_string()))
        .collect();
    let action = html! { @if manage { a.btn.btn-primary href="/employment/placements/new" { (t(lang, "employment.new_placement")) } } };
    let body = html! {
        (tabs(lang, &[("/employment".to_string(), t(lang, "employment.tab_station"), true), ("/employment/placements".to_string(), t(lang, "employment.placements"), false)]))
        div.stats {
            (layout::stat(&tf(lang, "employment.stat_reemployed", &[("year", &year.to_string())]), re.persons, &t(lang, "learning.unit_persons"), Some("/employment/placements")))
            (layout::stat(&t(lang, "employment.stat_placements"), re.times, &t(lang, "learning.unit_times"), Some("/employment/placements")))
            (layout::stat(&t(lang, "employment.stat_not_followed"), re.not_followed_up + re.unknown, &t(lang, "learning.unit_persons"), None))
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
                table.table.compact {
                    thead { tr { th { (t(lang, "learning.name")) } th { (t(lang, "employment.skills")) } th { (t(lang, "employment.wishes")) } th { (t(lang, "learning.status")) } } }
                    tbody {
                        @for s in &seekers {
                            tr {
                                td { a href={ "/employment/seekers/" (s.id) } { (s.resident_name) } }
                                td { (s.skills) }
                                td { (s.wishes) }
                                td { (layout::chip(if s.status == "seeking" { "info" } else { "muted" }, SeekerStatus::parse(&s.status).map_or("", |x| x.label_zh()))) }
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
                table.table.compact {
                    thead { tr { th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.pay")) } th { (t(lang, "employment.hours")) } th.num { (t(lang, "employment.slots")) } @if manage { th {} } } }
                    tbody {
                        @for o in &openings {
                            tr {
                                td { (o.employer) }
                                td { (o.job) @if !o.requirements.is_empty() { br; span.hint { (o.requirements) } } }
                                td { (o.pay) }
                                td { (hours_label(&o.hours)) @if let Some(k) = o.distance_km { br; span.hint { (k) " km" } } }
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
    Ok(layout::page(
        &ctx,
        &t(lang, "employment.title"),
        &[],
        Some(action),
        body,
    ))
}

fn due_table(lang: Lang, due: &[store::DueFollowup], today: chrono::NaiveDate) -> Markup {
    let day = day_text(today);
    html! {
        table.table.compact {
            thead { tr { th { (t(lang, "employment.due_on")) } th { (t(lang, "learning.name")) } th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.which")) } } }
            tbody {
                @for d in due {
                    tr {
                        td.nowrap { @if d.due_on < day { (layout::chip("err", &t(lang, "employment.overdue"))) " " } (d.due_on) }
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

fn placements_table(lang: Lang, rows: &[Placement]) -> Markup {
    html! {
        @if rows.is_empty() { (layout::empty(&t(lang, "employment.no_placements"), None)) } @else {
            table.table.compact {
                thead { tr { th { (t(lang, "employment.starts_on")) } th { (t(lang, "learning.name")) } th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.contract")) } th { (t(lang, "employment.via_station")) } th { (t(lang, "employment.last_followup")) } } }
                tbody {
                    @for p in rows {
                        tr {
                            td.nowrap { a href={ "/employment/placements/" (p.id) } { (p.starts_on) } }
                            td { a href={ "/residents/" (p.resident_id) } { (p.resident_name) } }
                            td { (p.employer) }
                            td { (p.job) }
                            td { (ContractType::parse(&p.contract_type).map_or("", |c| c.label_zh())) }
                            td { (if p.via_station { t(lang, "employment.yes") } else { t(lang, "employment.no") }) }
                            td.nowrap { (outcome_chip(lang, p.last_outcome.as_deref())) " " (p.last_followup_on.clone().unwrap_or_default()) }
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
}

async fn placements_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let community = community(&ctx)?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = state
        .db
        .read(move |c| store::placements(c, community, page, 50))
        .await?;
    let manage = can(&ctx, Action::ManageEmployment);
    let action = html! { @if manage { a.btn.btn-primary href="/employment/placements/new" { (t(lang, "employment.new_placement")) } } };
    let body = html! {
        (tabs(lang, &[("/employment".to_string(), t(lang, "employment.tab_station"), false), ("/employment/placements".to_string(), t(lang, "employment.placements"), true)]))
        p.hint { (tf(lang, "employment.placements_total", &[("n", &total.to_string())])) }
        (placements_table(lang, &rows))
        (layout::pager(lang, page, 50, total, "/employment/placements"))
    };
    let cr = crumbs(lang);
    Ok(layout::page(
        &ctx,
        &t(lang, "employment.placements"),
        &cr,
        Some(action),
        body,
    ))
}

#[derive(Deserialize)]
struct NewPlacementQuery {
    resident: Option<i64>,
    q: Option<String>,
    opening: Option<i64>,
}

async fn placement_new(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewPlacementQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let community = community(&ctx)?;
    let caller = ctx.caller()?.clone();
    let scopes = caller.scopes(Action::ViewResidents);
    let today = today(&ctx);
    let who = match q.resident {
        Some(id) => Some(
            resident_here(&state, &ctx, id)
                .await
                .map_err(|_| AppError::NotFound)?,
        ),
        None => None,
    };
    let search =
        q.q.clone()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
    let opening_id = q.opening;
    let (found, opening) = state
        .db
        .read(move |c| {
            let found = match search {
                Some(s) => {
                    registry::search(
                        c,
                        &registry::Filter {
                            community_id: community,
                            scopes,
                            q: Some(s),
                            today: Some(today),
                            ..Default::default()
                        },
                        1,
                        20,
                    )?
                    .0
                }
                None => Vec::new(),
            };
            let opening = match opening_id {
                Some(o) => store::get_opening(c, o)
                    .ok()
                    .filter(|o| o.community_id == community),
                None => None,
            };
            Ok::<_, AppError>((found, opening))
        })
        .await?;
    let contracts: Vec<(String, String)> = ContractType::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label_zh().to_string()))
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
                    table.table.compact { tbody {
                        @for r in &found {
                            tr {
                                td { (r.name) }
                                td { (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) }
                                td.nowrap { (r.birth_date.clone().unwrap_or_default()) }
                                td { a.btn.btn-small.btn-primary href={ "/employment/placements/new?resident=" (r.id) } { (t(lang, "employment.choose")) } }
                            }
                        }
                    } }
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
                        (layout::field(lang, "starts_on", "employment.starts_on", "date", &day_text(today), None, None))
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
    Ok(layout::page(
        &ctx,
        &t(lang, "employment.new_placement"),
        &crumbs(lang),
        None,
        body,
    ))
}

async fn placement_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rid: i64 = pairs_get(&pairs, "resident_id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
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
    match create_placement(&state, &ctx, d).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/employment/placements/{id}"),
            true,
            "employment.flash_placement_saved",
        )),
        Err(e) => back_with(
            &format!("/employment/placements/new?resident={rid}"),
            Err(e),
        ),
    }
}

async fn placement_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let p = load_placement(&state, &ctx, id).await?;
    let followups = state.db.read(move |c| store::followups_of(c, id)).await?;
    let today = today(&ctx);
    let starts = chrono::NaiveDate::parse_from_str(&p.starts_on, "%Y-%m-%d").unwrap_or(today);
    let done: Vec<chrono::NaiveDate> = followups
        .iter()
        .filter_map(|f| chrono::NaiveDate::parse_from_str(&f.followed_on, "%Y-%m-%d").ok())
        .collect();
    let left = followups.iter().any(|f| f.outcome == "left");
    let next = rules::next_followup(starts, &done, left);
    let manage = can(&ctx, Action::ManageEmployment);
    let csrf = ctx.caller()?.csrf_token.clone();
    let outcomes: Vec<(String, String)> = Outcome::ALL
        .iter()
        .map(|o| {
            (
                o.as_str().to_string(),
                t(lang, &format!("employment.outcome.{}", o.as_str())),
            )
        })
        .collect();
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.name")) } dd { a href={ "/residents/" (p.resident_id) } { (p.resident_name) } }
            dt { (t(lang, "employment.employer")) } dd { (p.employer) }
            dt { (t(lang, "employment.job")) } dd { (p.job) }
            dt { (t(lang, "employment.starts_on")) } dd { (p.starts_on) }
            dt { (t(lang, "employment.contract")) } dd { (ContractType::parse(&p.contract_type).map_or("", |c| c.label_zh())) }
            dt { (t(lang, "employment.via_station")) } dd { (if p.via_station { t(lang, "employment.yes") } else { t(lang, "employment.no") }) }
            @if !p.note.is_empty() { dt { (t(lang, "employment.note")) } dd { (p.note) } }
        }
        section.panel {
            h2 { (t(lang, "employment.followups")) }
            ul.plain {
                @for (m, due) in rules::followup_schedule(starts) {
                    li { (tf(lang, "employment.month_followup", &[("m", &m.to_string())])) "：" (day_text(due)) }
                }
            }
            @match next {
                Some((m, due)) => { p { (layout::chip(if due < today { "err" } else { "info" }, &tf(lang, "employment.next_due", &[("m", &m.to_string()), ("date", &day_text(due))]))) } }
                None => { p.hint { (t(lang, "employment.no_more_followups")) } }
            }
            @if followups.is_empty() { p.hint { (t(lang, "employment.no_followups")) } } @else {
                table.table.compact {
                    thead { tr { th { (t(lang, "employment.followed_on")) } th { (t(lang, "employment.outcome")) } th { (t(lang, "employment.note")) } th { (t(lang, "employment.by")) } } }
                    tbody {
                        @for f in &followups {
                            tr { td.nowrap { (f.followed_on) } td { (outcome_chip(lang, Some(&f.outcome))) } td { (f.note) } td { (f.by.clone().unwrap_or_default()) } }
                        }
                    }
                }
            }
            @if manage && !left {
                h3 { (t(lang, "employment.record_followup")) }
                form.form.inline-form method="post" action={ "/employment/placements/" (p.id) "/followups" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    (layout::field(lang, "on", "employment.followed_on", "date", &day_text(today), None, None))
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
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = create_followup(
        &state,
        &ctx,
        id,
        &pairs_get(&pairs, "on").unwrap_or_default(),
        &pairs_get(&pairs, "outcome").unwrap_or_default(),
        pairs_get(&pairs, "note"),
    )
    .await
    .map(|_| "employment.flash_followup_saved");
    back_with(&format!("/employment/placements/{id}"), r)
}

async fn seeker_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let s = load_seeker(&state, &ctx, id).await?;
    let community = s.community_id;
    let (openings, referrals) = state
        .db
        .read(move |c| {
            Ok::<_, AppError>((
                store::openings(c, community, true)?,
                store::referrals_of(c, id)?,
            ))
        })
        .await?;
    let seeker = rules::Seeker {
        skills: rules::split_terms(&s.skills),
        wishes: rules::split_terms(&s.wishes),
        hours: Hours::parse(&s.hours),
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
        .map(|r| (r.as_str().to_string(), r.label_zh().to_string()))
        .collect();
    let hours_opts: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), h.label_zh().to_string()))
        .collect();
    let status_opts: Vec<(String, String)> = SeekerStatus::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), h.label_zh().to_string()))
        .collect();
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.name")) } dd { a href={ "/residents/" (s.resident_id) } { (s.resident_name) } " " (s.address) }
            dt { (t(lang, "employment.skills")) } dd { (s.skills) }
            dt { (t(lang, "employment.wishes")) } dd { (s.wishes) }
            dt { (t(lang, "employment.hours")) } dd { (hours_label(&s.hours)) }
            dt { (t(lang, "employment.max_km")) } dd { (s.max_km.map(|k| format!("{k} km")).unwrap_or_else(|| "—".into())) }
            dt { (t(lang, "learning.status")) } dd { (SeekerStatus::parse(&s.status).map_or("", |x| x.label_zh())) }
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
                        (layout::select(lang, "hours", "employment.hours", &hours_opts, &s.hours, None))
                        (layout::field(lang, "max_km", "employment.max_km", "number", &s.max_km.map(|k| k.to_string()).unwrap_or_default(), None, None))
                        (layout::select(lang, "status", "learning.status", &status_opts, &s.status, None))
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
        section.panel {
            h2 { (t(lang, "employment.referrals")) }
            @if referrals.is_empty() { p.hint { (t(lang, "employment.no_referrals")) } }
            table.table.compact {
                tbody {
                    @for f in &referrals {
                        tr {
                            td.nowrap { (f.referred_on) }
                            td { (f.employer) " · " (f.job) }
                            td { (ReferralResult::parse(&f.result).map_or("", |r| r.label_zh())) " " (f.result_on.clone().unwrap_or_default()) }
                            td {
                                @if manage && matches!(f.result.as_str(), "pending" | "interview") {
                                    form.inline method="post" action={ "/employment/referrals/" (f.id) } {
                                        input type="hidden" name="_csrf" value=(csrf);
                                        select name="result" aria-label=(t(lang, "employment.result")) { @for (v, l) in &results { option value=(v) selected[*v == f.result] { (l) } } }
                                        " " button.btn.btn-small type="submit" { (t(lang, "common.save")) }
                                    }
                                    @if f.result == "interview" { " " a.btn.btn-small href={ "/employment/placements/new?resident=" (s.resident_id) "&opening=" (f.opening_id) } { (t(lang, "employment.hired_record")) } }
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

async fn seeker_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rid: i64 = pairs_get(&pairs, "resident_id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let d = SeekerDraft {
        resident_id: rid,
        skills: pairs_get(&pairs, "skills"),
        wishes: pairs_get(&pairs, "wishes"),
        hours: pairs_get(&pairs, "hours"),
        max_km: pairs_get(&pairs, "max_km").and_then(|v| v.parse().ok()),
        note: pairs_get(&pairs, "note"),
    };
    match create_seeker(&state, &ctx, d).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/employment/seekers/{id}"),
            true,
            "employment.flash_seeker_saved",
        )),
        Err(e) => back_with(&format!("/residents/{rid}"), Err(e)),
    }
}

async fn seeker_edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let to = format!("/employment/seekers/{id}");
    let max_km = match pairs_get(&pairs, "max_km").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(_)) => {
            return back_with(&to, Err(AppError::invalid("employment_km_bad", "max_km")));
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
    let r = update_seeker(&state, &ctx, id, d)
        .await
        .map(|()| "employment.flash_seeker_updated");
    back_with(&to, r)
}

async fn opening_close_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = close_opening(&state, &ctx, id)
        .await
        .map(|()| "employment.flash_opening_closed");
    back_with("/employment", r)
}

async fn opening_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
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
    let r = create_opening(&state, &ctx, d)
        .await
        .map(|_| "employment.flash_opening_saved");
    back_with("/employment", r)
}

async fn referral_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let opening: i64 = pairs_get(&pairs, "opening_id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let r = refer(&state, &ctx, id, opening)
        .await
        .map(|_| "employment.flash_referred");
    back_with(&format!("/employment/seekers/{id}"), r)
}

async fn referral_result_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let result = pairs_get(&pairs, "result").unwrap_or_default();
    match referral_result(&state, &ctx, id, &result).await {
        Ok(seeker) => Ok(redirect_with_flash(
            &format!("/employment/seekers/{seeker}"),
            true,
            "employment.flash_result_saved",
        )),
        Err(e) => back_with("/employment", Err(e)),
    }
}

async fn trainee_check_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = check_trainee(
        &state,
        &ctx,
        id,
        &pairs_get(&pairs, "outcome").unwrap_or_default(),
    )
    .await
    .map(|_| "employment.flash_followup_saved");
    back_with(&format!("/residents/{id}"), r)
}

/// The resident page's forms of the station: register as a job seeker, record a placement,
/// record a trainee follow-up.
pub fn resident_actions(ctx: &Ctx, resident_id: i64) -> Markup {
    let lang = ctx.lang();
    if !can(ctx, Action::ManageEmployment) {
        return html! {};
    }
    let csrf = ctx
        .caller
        .as_ref()
        .map(|c| c.csrf_token.clone())
        .unwrap_or_default();
    let hours: Vec<(String, String)> = Hours::ALL
        .iter()
        .map(|h| (h.as_str().to_string(), h.label_zh().to_string()))
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
                (layout::select(lang, "outcome", "employment.outcome", &TraineeCheck::ALL.iter().map(|o| (o.as_str().to_string(), o.label_zh().to_string())).collect::<Vec<_>>(), "not_employed", None))
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
pub async fn home_panel(state: &AppState, ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let Some(caller) = ctx.caller.as_ref() else {
        return Ok(html! {});
    };
    let Some(community) = caller.community_id() else {
        return Ok(html! {});
    };
    if caller.decide(Action::ManageEmployment, None) != Decision::Allow {
        return Ok(html! {});
    }
    let today = today(ctx);
    let until = week_end(today);
    // The worker's own to-do: the residents of her grids (the station's page lists them all).
    let due: Vec<store::DueFollowup> = state
        .db
        .read(move |c| store::followups_due(c, community, today, until))
        .await?
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
        .page(
            Method::GET,
            "/employment/placements/new",
            manage,
            placement_new,
        )
        .page(
            Method::POST,
            "/employment/placements",
            manage,
            placement_submit,
        )
        .page(
            Method::GET,
            "/employment/placements/{id}",
            view,
            placement_page,
        )
        .page(
            Method::POST,
            "/employment/placements/{id}/followups",
            manage,
            followup_submit,
        )
        .page(Method::POST, "/employment/seekers", manage, seeker_submit)
        .page(Method::GET, "/employment/seekers/{id}", view, seeker_page)
        .page(
            Method::POST,
            "/employment/seekers/{id}",
            manage,
            seeker_edit_submit,
        )
        .page(
            Method::POST,
            "/employment/openings/{id}/close",
            manage,
            opening_close_submit,
        )
        .page(
            Method::POST,
            "/employment/seekers/{id}/referrals",
            manage,
            referral_submit,
        )
        .page(
            Method::POST,
            "/employment/referrals/{id}",
            manage,
            referral_result_submit,
        )
        .page(Method::POST, "/employment/openings", manage, opening_submit)
        .page(
            Method::POST,
            "/employment/trainees/{id}/check",
            manage,
            trainee_check_submit,
        )
}
