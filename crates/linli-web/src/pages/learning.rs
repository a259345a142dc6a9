//! Learning (学习阵地与培训): venues, courses with their sessions, enrolment with a waiting
//! list, the roll call and the paper sign-in sheet, completion by the course's rule and the
//! certificate, the public course catalogue. The operations are shared with the JSON API.
//!
//! Courses belong to the community, not to a grid: any worker of the community runs them, so
//! a course of another community answers 404 and nothing narrower is checked.

use super::Pairs;
pub use super::pairs_get;
pub use super::today;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::Datelike;
use linli_app::learning::{
    self as ops, AttendanceDraft, CourseDraft, EnrolDraft, SessionDraft, SignupDraft, VenueDraft,
};
use linli_core::learning::{
    self as rules, Category, EnrolmentStatus, SignupStatus, TeacherKind, VenueKind,
};
use linli_core::{Action, Decision};
use linli_store::learning::{self as store, Course, Enrolment};
use maud::{Markup, html};
use serde::Deserialize;

pub use super::back_with;

pub fn can(ctx: &Ctx, action: Action) -> bool {
    ctx.caller.as_ref().is_some_and(|c| c.decide(action, None) == Decision::Allow)
}

// ---- pages ----

pub fn category_label(lang: Lang, code: &str) -> String {
    Category::parse(code).map_or(String::new(), |c| label(lang, "course_category", c.as_str()))
}

pub fn status_chip(lang: Lang, status: EnrolmentStatus) -> Markup {
    let kind = match status {
        EnrolmentStatus::Completed => "ok",
        EnrolmentStatus::Enrolled => "info",
        EnrolmentStatus::Waitlisted => "warn",
        EnrolmentStatus::Dropped => "muted",
    };
    layout::chip(kind, &t(lang, &format!("learning.status.{status}")))
}

fn crumbs(lang: Lang) -> Vec<layout::Crumb> {
    vec![(t(lang, "learning.title"), Some("/courses".to_string()))]
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn list(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let this_year = today(&ctx).year();
    let year = q.year.filter(|y| (2000..=this_year + 1).contains(y)).unwrap_or(this_year);
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let ops::Overview { courses, times, rate, pending } =
        ops::overview(&ctx.state.app, &ctx.actor()?, year).await?;
    let pending_total: i64 = pending.values().sum();
    let manage = can(&ctx, Action::ManageLearning);
    let action = html! {
        @if manage { a.btn.btn-primary href="/courses/new" { (t(lang, "learning.new_course")) } }
    };
    let body = html! {
        (tabs(lang, &(this_year - 4..=this_year).rev().map(|y| (format!("/courses?year={y}"), y.to_string(), y == year)).chain(std::iter::once(("/venues".to_string(), t(lang, "learning.venues"), false))).collect::<Vec<_>>()))
        div.stats {
            (layout::stat(&t(lang, "learning.stat_completions"), times.times as i64, &t(lang, "learning.unit_times"), Some(&format!("/courses/completions?from={from}&to={to}"))))
            (layout::stat(&t(lang, "learning.stat_completers"), times.persons as i64, &t(lang, "learning.unit_persons"), Some(&format!("/courses/completions?from={from}&to={to}"))))
            (layout::stat_text(&t(lang, "learning.stat_rate"), &rate_text(rate.rate), "", Some(&format!("/courses/completions?from={from}&to={to}"))))
            (layout::stat(&t(lang, "learning.stat_unknown"), rate.unknown_persons as i64, &t(lang, "learning.unit_persons"), Some(&format!("/courses/completions?from={from}&to={to}&who=unknown"))))
        }
        p.hint { (rate_explained(lang, &rate)) }
        @if pending_total > 0 {
            p role="status" { (layout::chip("warn", &t(lang, "learning.signup_status.pending"))) " " (tf(lang, "learning.signups_pending_total", &[("n", &pending_total.to_string())])) }
        }
        @if courses.is_empty() {
            (layout::empty(&t(lang, "learning.no_courses"), manage.then(|| html! { a.btn.btn-primary href="/courses/new" { (t(lang, "learning.new_course")) } })))
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table {
                    thead { tr {
                        th { (t(lang, "learning.course")) } th { (t(lang, "learning.category")) } th { (t(lang, "learning.venue")) }
                        th { (t(lang, "learning.dates")) } th.num { (t(lang, "learning.sessions")) }
                        th.num { (t(lang, "learning.enrolled_persons")) } th.num { (t(lang, "learning.waitlisted_persons")) } th.num { (t(lang, "learning.completed_persons")) }
                    } }
                    tbody {
                        @for k in &courses {
                            tr {
                                td {
                                    a href={ "/courses/" (k.id) } { (k.name) } @if k.vocational { " " (layout::chip("info", &t(lang, "learning.vocational"))) }
                                    @if let Some(n) = pending.get(&k.id) { " " a.signup-count href={ "/courses/" (k.id) "#signups" } { (layout::chip("warn", &tf(lang, "learning.signups_pending", &[("n", &n.to_string())]))) } }
                                }
                                td { (category_label(lang, k.category.as_str())) }
                                td { (k.venue.clone().unwrap_or_default()) }
                                td.nowrap { (k.starts_on) " – " (k.ends_on) }
                                td.num { (k.sessions) }
                                td.num { (k.enrolled) @if let Some(cap) = k.capacity { span.hint { " / " (cap) } } }
                                td.num { (k.waitlisted) }
                                td.num { (k.completed) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "learning.title"), &[], Some(action), body))
}

/// A row of links between views of one list (years, sections); the current one stands out.
pub fn tabs(lang: Lang, items: &[(String, String, bool)]) -> Markup {
    html! {
        nav.actions.no-print aria-label=(t(lang, "learning.views")) {
            @for (href, label, current) in items {
                @if *current {
                    a.btn.btn-small.btn-primary href=(href) aria-current="page" { (label) }
                } @else {
                    a.btn.btn-small href=(href) { (label) }
                }
            }
        }
    }
}

pub fn rate_text(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", (r * 1000.0).floor() / 10.0))
}

/// The rate with its numerator, denominator and unknowns, in words (UI.md: honest numbers).
pub fn rate_explained(lang: Lang, r: &linli_core::learning::EmploymentRate) -> String {
    tf(
        lang,
        "learning.rate_explained",
        &[
            ("employed", &r.employed_persons.to_string()),
            ("completed", &r.completed_persons.to_string()),
            ("not_employed", &r.not_employed_persons.to_string()),
            ("unknown", &r.unknown_persons.to_string()),
        ],
    )
}

async fn new_page(ctx: Ctx) -> Result<Response, AppError> {
    course_form(&ctx, &CourseDraft::default(), None, StatusCode::OK).await
}

async fn course_form(
    ctx: &Ctx,
    d: &CourseDraft,
    error: Option<(String, Option<&'static str>)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = ctx.caller()?.csrf_token.clone();
    let venues = ops::venues(&ctx.state.app, &ctx.actor()?).await?;
    let err_for = |f: &str| error.as_ref().filter(|e| e.1 == Some(f)).map(|e| e.0.clone());
    let venue_opts: Vec<(String, String)> =
        std::iter::once((String::new(), t(lang, "learning.no_venue")))
            .chain(venues.iter().map(|v| (v.id.to_string(), format!("{} {}", v.name, v.room))))
            .collect();
    let cat_opts: Vec<(String, String)> = Category::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), label(lang, "course_category", c.as_str())))
        .collect();
    let teacher_opts: Vec<(String, String)> = TeacherKind::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), label(lang, "teacher_kind", c.as_str())))
        .collect();
    let body = html! {
        form.form.wide method="post" action="/courses" novalidate {
            @if let Some((e, None)) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            div.grid2 {
                (layout::field(lang, "name", "learning.course_name", "text", &d.name, err_for("name"), Some("off")))
                (layout::select(lang, "category", "learning.category", &cat_opts, if d.category.is_empty() { "vocational_training" } else { &d.category }, err_for("category")))
                (layout::field(lang, "starts_on", "learning.starts_on", "date", &d.starts_on, err_for("starts_on"), None))
                (layout::field(lang, "ends_on", "learning.ends_on", "date", &d.ends_on, err_for("ends_on"), None))
                (layout::select(lang, "venue_id", "learning.venue", &venue_opts, &d.venue_id.map(|v| v.to_string()).unwrap_or_default(), err_for("venue_id")))
                (layout::field(lang, "capacity", "learning.capacity", "number", &d.capacity.map(|v| v.to_string()).unwrap_or_default(), err_for("capacity"), None))
                (layout::select(lang, "teacher_kind", "learning.teacher_kind", &teacher_opts, d.teacher_kind.as_deref().unwrap_or("outside"), err_for("teacher_kind")))
                (layout::field(lang, "teacher_name", "learning.teacher", "text", &d.teacher_name.clone().unwrap_or_default(), None, Some("off")))
                (layout::field(lang, "eligibility", "learning.eligibility", "text", &d.eligibility.clone().unwrap_or_default(), None, Some("off")))
                (layout::field(lang, "completion_percent", "learning.completion_percent", "number", &d.completion_percent.unwrap_or(80).to_string(), err_for("completion_percent"), None))
            }
            label.check { input type="checkbox" name="vocational" checked[d.vocational.unwrap_or(true)]; " " (t(lang, "learning.vocational_check")) }
            p.hint { (t(lang, "learning.vocational_hint")) }
            label.check { input type="checkbox" name="listed" checked[d.listed.unwrap_or(true)]; " " (t(lang, "learning.listed_check")) }
            div.field { label for="description" { (t(lang, "learning.description")) } textarea #description name="description" rows="3" { (d.description.clone().unwrap_or_default()) } }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } a.btn href="/courses" { (t(lang, "common.cancel")) } }
        }
    };
    Ok(layout::page_with_status(
        ctx,
        status,
        &t(lang, "learning.new_course"),
        &crumbs(lang),
        None,
        body,
    ))
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let num = |k: &str| pairs_get(&pairs, k).and_then(|v| v.parse::<i64>().ok());
    let d = CourseDraft {
        name: pairs_get(&pairs, "name").unwrap_or_default(),
        category: pairs_get(&pairs, "category").unwrap_or_default(),
        vocational: Some(pairs_get(&pairs, "vocational").is_some()),
        starts_on: pairs_get(&pairs, "starts_on").unwrap_or_default(),
        ends_on: pairs_get(&pairs, "ends_on").unwrap_or_default(),
        venue_id: num("venue_id"),
        capacity: num("capacity"),
        teacher_kind: pairs_get(&pairs, "teacher_kind"),
        teacher_name: pairs_get(&pairs, "teacher_name"),
        teacher_resident_id: None,
        eligibility: pairs_get(&pairs, "eligibility"),
        completion_percent: num("completion_percent"),
        description: pairs_get(&pairs, "description"),
        listed: Some(pairs_get(&pairs, "listed").is_some()),
    };
    if pairs_get(&pairs, "capacity").is_some() && d.capacity.is_none() {
        let msg = t(lang, "error.learning_capacity_bad");
        return course_form(
            &ctx,
            &d,
            Some((msg, Some("capacity"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match ops::create_course(&ctx.state.app, &ctx.actor()?, d.clone()).await.map_err(AppError::from)
    {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/courses/{}", v.id),
            true,
            "learning.flash_course_created",
        )),
        Err(AppError::Invalid { code, field }) => {
            let msg = tf(lang, &format!("error.{code}"), &[]);
            course_form(&ctx, &d, Some((msg, field)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct DetailQuery {
    q: Option<String>,
}

async fn detail(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let manage = can(&ctx, Action::ManageLearning);
    let ops::CoursePage { course: k, sessions, enrolments, signups, found } =
        ops::course_page(&ctx.state.app, &ctx.actor()?, id, q.q.clone()).await?;
    let today = today(&ctx);
    let total = u32::try_from(sessions.len()).unwrap_or(0);
    let percent = u32::try_from(k.completion_percent).unwrap_or(100);
    let need = rules::sessions_needed(total, percent);
    let ready: Vec<&Enrolment> = enrolments
        .iter()
        .filter(|e| {
            e.status == EnrolmentStatus::Enrolled
                && rules::meets_completion(u32::try_from(e.attended).unwrap_or(0), total, percent)
        })
        .collect();
    let times: i64 = sessions.iter().map(|s| s.present).sum();
    let csrf = caller.csrf_token.clone();
    let day = today.to_string();
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.category")) } dd { (category_label(lang, k.category.as_str())) @if k.vocational { " " (layout::chip("info", &t(lang, "learning.vocational"))) } }
            dt { (t(lang, "learning.dates")) } dd { (k.starts_on) " – " (k.ends_on) }
            dt { (t(lang, "learning.venue")) } dd { (k.venue.clone().unwrap_or_else(|| "—".into())) }
            dt { (t(lang, "learning.teacher")) } dd { (k.teacher_name) " " span.hint { "（" (label(lang, "teacher_kind", k.teacher_kind.as_str())) "）" } }
            dt { (t(lang, "learning.capacity")) } dd { (k.capacity.map_or_else(|| t(lang, "learning.no_limit"), |c| c.to_string())) }
            @if !k.eligibility.is_empty() { dt { (t(lang, "learning.eligibility")) } dd { (k.eligibility) } }
            dt { (t(lang, "learning.rule")) } dd { (tf(lang, "learning.rule_text", &[("percent", &k.completion_percent.to_string()), ("need", &need.to_string()), ("total", &total.to_string())])) }
        }
        div.stats {
            (layout::stat(&t(lang, "learning.enrolled_persons"), k.enrolled, &t(lang, "learning.unit_persons"), None))
            (layout::stat(&t(lang, "learning.waitlisted_persons"), k.waitlisted, &t(lang, "learning.unit_persons"), None))
            (layout::stat(&t(lang, "learning.attendance_times"), times, &t(lang, "learning.unit_times"), None))
            (layout::stat(&t(lang, "learning.completed_persons"), k.completed, &t(lang, "learning.unit_persons"), None))
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "learning.sessions")) }
                @if sessions.is_empty() { p.hint { (t(lang, "learning.no_sessions")) } }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "learning.sessions")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "learning.held_on")) } th { (t(lang, "learning.topic")) } th.num { (t(lang, "learning.present")) } th {} } }
                        tbody {
                            @for s in &sessions {
                                tr {
                                    td.nowrap { (s.held_on) " " span.hint { (s.starts_at) } }
                                    td { (s.topic) }
                                    td.num { (s.present) }
                                    td.nowrap {
                                        @if manage && s.held_on <= today { a.btn.btn-small href={ "/sessions/" (s.id) "/roll-call" } { (t(lang, "learning.roll_call")) } " " }
                                        a.btn.btn-small href={ "/sessions/" (s.id) "/sheet" } { (t(lang, "learning.sheet")) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if manage {
                    h3 { (t(lang, "learning.add_session")) }
                    form.form.inline-form method="post" action={ "/courses/" (k.id) "/sessions" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        (layout::field(lang, "held_on", "learning.held_on", "date", &day, None, None))
                        (layout::field(lang, "starts_at", "learning.starts_at", "time", "14:30", None, None))
                        (layout::field(lang, "topic", "learning.topic", "text", "", None, Some("off")))
                        div.form-actions { button.btn type="submit" { (t(lang, "learning.add_session")) } }
                    }
                }
            }
            section.panel {
                h2 { (t(lang, "learning.enrol")) }
                @if manage {
                    form.form.inline-form method="get" action={ "/courses/" (k.id) } {
                        (layout::field(lang, "q", "learning.find_resident", "search", q.q.as_deref().unwrap_or(""), None, Some("off")))
                        div.form-actions { button.btn type="submit" { (t(lang, "learning.find")) } }
                    }
                    p.hint { (t(lang, "learning.enrol_hint")) }
                    @if q.q.is_some() && found.is_empty() { p.hint { (t(lang, "learning.nobody_found")) } }
                    @if !found.is_empty() {
                        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                            table.table.compact {
                                tbody {
                                    @for r in &found {
                                        @let taken = enrolments.iter().any(|e| e.resident_id == r.id && e.status != EnrolmentStatus::Dropped);
                                        tr {
                                            td { a href={ "/residents/" (r.id) } { (r.name) } }
                                            td { (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) }
                                            td.nowrap { @if let Some(d) = r.birth_date { (d) } }
                                            td {
                                                @if taken { span.hint { (t(lang, "learning.already")) } } @else {
                                                    form.inline method="post" action={ "/courses/" (k.id) "/enrol" } {
                                                        input type="hidden" name="_csrf" value=(csrf);
                                                        input type="hidden" name="resident_id" value=(r.id);
                                                        button.btn.btn-small.btn-primary type="submit" { (t(lang, "learning.enrol_button")) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } @else {
                    p.hint { (t(lang, "learning.view_only")) }
                }
            }
        }
        @if manage || !signups.is_empty() { (signups_panel(lang, &k, &signups)) }
        section.panel {
            div.list-head {
                h2 { (t(lang, "learning.trainees")) }
                @if manage && !ready.is_empty() {
                    form.inline method="post" action={ "/courses/" (k.id) "/complete" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        button.btn.btn-primary type="submit" { (tf(lang, "learning.complete_all", &[("n", &ready.len().to_string())])) }
                    }
                }
            }
            @if enrolments.is_empty() { (layout::empty(&t(lang, "learning.no_trainees"), None)) } @else {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table {
                        thead { tr {
                            th { "#" } th { (t(lang, "learning.name")) } th { (t(lang, "residents.address")) } th { (t(lang, "learning.status")) }
                            th.num { (t(lang, "learning.attended")) } th { (t(lang, "learning.rule_met")) } th {}
                        } }
                        tbody {
                            @for (i, e) in enrolments.iter().enumerate() {
                                @let met = rules::meets_completion(u32::try_from(e.attended).unwrap_or(0), total, percent);
                                tr {
                                    td.num { (i + 1) }
                                    td { a href={ "/residents/" (e.resident_id) } { (e.resident_name) } }
                                    td { (e.address) }
                                    td { (status_chip(lang, e.status)) }
                                    td.num { (e.attended) " / " (total) }
                                    td { @if met { (layout::chip("ok", &t(lang, "learning.met"))) } @else { (layout::chip("muted", &t(lang, "learning.not_met"))) } }
                                    td.actions-cell {
                                        @if e.status == EnrolmentStatus::Completed { a.btn.btn-small href={ "/enrolments/" (e.id) "/certificate" } { (t(lang, "learning.certificate")) } }
                                        @if manage && e.status == EnrolmentStatus::Enrolled && met {
                                            form method="post" action={ "/enrolments/" (e.id) "/status" } {
                                                input type="hidden" name="_csrf" value=(csrf);
                                                input type="hidden" name="status" value="completed";
                                                button.btn.btn-small type="submit" { (t(lang, "learning.confirm_completion")) }
                                            }
                                        }
                                        @if manage && matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Waitlisted) {
                                            a.btn.btn-small.btn-danger href={ "/enrolments/" (e.id) "/drop" } {
                                                (t(lang, if e.status == EnrolmentStatus::Waitlisted { "learning.drop_waitlist" } else { "learning.drop" })) "…"
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
        @if !k.description.is_empty() { p.hint { (k.description) } }
    };
    Ok(layout::page(&ctx, &k.name, &crumbs(lang), None, body))
}

async fn session_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let d = SessionDraft {
        course_id: id,
        held_on: pairs_get(&pairs, "held_on").unwrap_or_default(),
        starts_at: pairs_get(&pairs, "starts_at"),
        ends_at: pairs_get(&pairs, "ends_at"),
        topic: pairs_get(&pairs, "topic"),
    };
    let r = ops::add_session(&ctx.state.app, &ctx.actor()?, d).await;
    back_with(&format!("/courses/{id}"), r, |_| "learning.flash_session_added")
}

async fn enrol_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let rid = pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    let d = EnrolDraft { course_id: id, resident_id: rid };
    let r = ops::enrol(&ctx.state.app, &ctx.actor()?, d).await;
    back_with(&format!("/courses/{id}"), r, |v| {
        if v.waitlisted() { "learning.flash_waitlisted" } else { "learning.flash_enrolled" }
    })
}

async fn status_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let (e, _) = ops::enrolment(&ctx.state.app, &actor, id).await?;
    let status = pairs_get(&pairs, "status").unwrap_or_default();
    // A drop comes from its confirmation step with the reason typed there.
    let reason = (status == "dropped").then(|| pairs_get(&pairs, "reason").unwrap_or_default());
    let r = ops::set_status(&ctx.state.app, &actor, id, &status, reason.as_deref()).await;
    if let Err(linli_app::Error::Invalid { code: "learning_drop_reason_missing", .. }) = &r {
        return drop_page(&ctx, id, true).await;
    }
    back_with(&format!("/courses/{}", e.course_id), r, |v| {
        match (v.status.as_str(), v.promoted_enrolment_id) {
            ("dropped", Some(_)) => "learning.flash_dropped_promoted",
            ("dropped", None) => "learning.flash_dropped",
            _ => "learning.flash_completed",
        }
    })
}

/// The confirmation step before a trainee leaves a class (退学) or the waiting list: what
/// happens to the seat and the record, and a way back.
async fn drop_confirm(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    drop_page(&ctx, id, false).await
}

async fn drop_page(ctx: &Ctx, id: i64, invalid: bool) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (e, k) = ops::enrolment(&ctx.state.app, &ctx.actor()?, id).await?;
    let back = format!("/courses/{}", k.id);
    if !matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Waitlisted) {
        return Ok(redirect_with_flash(&back, false, "learning.flash_not_enrolled"));
    }
    let waitlisted = e.status == EnrolmentStatus::Waitlisted;
    let vars = [("name", e.resident_name.as_str()), ("course", k.name.as_str())];
    let consequences = if waitlisted {
        vec![tf(lang, "learning.drop_effect_waitlist", &vars), t(lang, "learning.drop_effect_kept")]
    } else {
        vec![
            tf(lang, "learning.drop_effect_seat", &vars),
            t(lang, "learning.drop_effect_next"),
            t(lang, "learning.drop_effect_kept"),
        ]
    };
    let submit =
        t(lang, if waitlisted { "learning.drop_waitlist_submit" } else { "learning.drop_submit" });
    let confirm = layout::Confirm {
        about: html! { p.lead { strong { (e.resident_name) } " · " (k.name) " " span.hint { (e.address) } } },
        consequences,
        action: format!("/enrolments/{id}/status"),
        fields: html! {
            input type="hidden" name="status" value="dropped";
            (layout::field(lang, "reason", "learning.drop_reason", "text", "", invalid.then(|| t(lang, "error.learning_drop_reason_missing")), Some("off")))
        },
        submit,
        back: back.clone(),
    };
    let mut trail = crumbs(lang);
    trail.push((k.name.clone(), Some(back)));
    let title = t(lang, if waitlisted { "learning.drop_waitlist" } else { "learning.drop" });
    Ok(layout::confirm_page(ctx, &title, &trail, invalid, confirm))
}

/// Confirms every trainee who meets the rule, in one step.
async fn complete_all(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    ops::complete_all(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(&format!("/courses/{id}"), true, "learning.flash_completed"))
}

/// The roll call: every seat-holder with a box, one submit. Also where a paper sheet is
/// entered afterwards (the source says which).
async fn roll_call(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let ops::SessionView { session: s, course: k, enrolments, present } =
        ops::session(&ctx.state.app, &ctx.actor()?, id).await?;
    let csrf = ctx.caller()?.csrf_token.clone();
    let seats: Vec<&Enrolment> = enrolments
        .iter()
        .filter(|e| matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed))
        .collect();
    let body = html! {
        p.lead { (k.name) " · " (s.held_on) " " (s.starts_at) @if !s.topic.is_empty() { " · " (s.topic) } }
        @if seats.is_empty() { (layout::empty(&t(lang, "learning.no_trainees"), Some(html! { a.btn href={ "/courses/" (k.id) } { (t(lang, "learning.back_to_course")) } }))) } @else {
            form.roll-call method="post" action={ "/sessions/" (s.id) "/attendance" } {
                input type="hidden" name="_csrf" value=(csrf);
                fieldset {
                    legend { (t(lang, "learning.source")) }
                    label.check { input type="radio" name="source" value="roll_call" checked; " " (t(lang, "learning.source_roll_call")) }
                    label.check { input type="radio" name="source" value="paper"; " " (t(lang, "learning.source_paper")) }
                }
                p.hint { (t(lang, "learning.roll_call_hint")) }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table.compact {
                        thead { tr { th { "#" } th { (t(lang, "learning.present_q")) } th { (t(lang, "residents.address")) } } }
                        tbody {
                            @for (i, e) in seats.iter().enumerate() {
                                tr {
                                    td.num { (i + 1) }
                                    td { label.check { input type="checkbox" name="present" value=(e.resident_id) checked[present.contains(&e.resident_id)]; " " (e.resident_name) } }
                                    td { (e.address) }
                                }
                            }
                        }
                    }
                }
                div.form-actions {
                    button.btn.btn-primary type="submit" { (t(lang, "learning.save_attendance")) }
                    button.btn type="submit" name="all" value="1" { (t(lang, "learning.all_present")) }
                    a.btn href={ "/sessions/" (s.id) "/sheet" } { (t(lang, "learning.sheet")) }
                    a.btn href={ "/courses/" (k.id) } { (t(lang, "learning.back_to_course")) }
                }
            }
        }
    };
    let mut cr = crumbs(lang);
    cr.push((k.name.clone(), Some(format!("/courses/{}", k.id))));
    Ok(layout::page(&ctx, &t(lang, "learning.roll_call"), &cr, None, body))
}

async fn attendance_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    // A session of another community is not found, as its pages are.
    let course = ops::session(&ctx.state.app, &actor, id).await?.course;
    let d = AttendanceDraft {
        session_id: id,
        resident_ids: pairs
            .iter()
            .filter(|(k, _)| k == "present")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
        paper: pairs_get(&pairs, "source").as_deref() == Some("paper"),
        replace: true,
        // "Everyone came": the quick path for a full class, whatever was ticked.
        all: pairs_get(&pairs, "all").is_some(),
    };
    let r = ops::record_attendance(&ctx.state.app, &actor, d).await;
    back_with(&format!("/courses/{}", course.id), r, |_| "learning.flash_attendance_saved")
}

/// Room to sign in: ideographic spaces, which HTML does not collapse, so the column keeps its
/// width on paper too (the print layout shrinks the page to its content).
const SIGN_SPACE: &str = "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}";

/// The printable sign-in sheet (签到表): the session's date and a signature column, one row
/// per seat-holder and a few blank rows for walk-ins.
async fn sheet(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let ops::SessionView { session: s, course: k, enrolments, .. } =
        ops::session(&ctx.state.app, &ctx.actor()?, id).await?;
    let community_name = ctx.caller()?.community.as_ref().map(|c| c.1.clone()).unwrap_or_default();
    let seats: Vec<&Enrolment> = enrolments
        .iter()
        .filter(|e| matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed))
        .collect();
    let body = html! {
        div.disclosure.sign-sheet {
            h2 { (community_name) " " (k.name) br; (t(lang, "learning.sheet_title")) }
            p { (t(lang, "learning.held_on")) "：" strong { (s.held_on) } " " (s.starts_at) @if !s.ends_at.is_empty() { "–" (s.ends_at) }
                "　" (t(lang, "learning.venue")) "：" (k.venue.clone().unwrap_or_default())
                @if !s.topic.is_empty() { "　" (t(lang, "learning.topic")) "：" (s.topic) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.sheet-table {
                    thead { tr { th.num { (t(lang, "learning.no")) } th { (t(lang, "learning.name")) } th { (t(lang, "residents.address")) } th { (t(lang, "learning.signature")) } } }
                    tbody {
                        @for (i, e) in seats.iter().enumerate() {
                            tr { td.num { (i + 1) } td { (e.resident_name) } td { (e.address) } td.sign-cell { (SIGN_SPACE) } }
                        }
                        @for i in 0..3 {
                            tr { td.num { (seats.len() + i + 1) } td {} td {} td.sign-cell { (SIGN_SPACE) } }
                        }
                    }
                }
            }
            p.disclosure-sign { (t(lang, "learning.sheet_footer")) }
        }
        p.actions.no-print {
            span.hint { (t(lang, "learning.print_hint")) } " "
            @if can(&ctx, Action::ManageLearning) { a.btn href={ "/sessions/" (s.id) "/roll-call" } { (t(lang, "learning.enter_sheet")) } " " }
            a.btn href={ "/courses/" (k.id) } { (t(lang, "learning.back_to_course")) }
        }
    };
    let mut cr = crumbs(lang);
    cr.push((k.name.clone(), Some(format!("/courses/{}", k.id))));
    Ok(layout::page(
        &ctx,
        &format!("{} {}", t(lang, "learning.sheet_title"), s.held_on),
        &cr,
        None,
        body,
    ))
}

/// The printable completion certificate (结业证书), only for a confirmed completion.
async fn certificate(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (e, k) = ops::enrolment(&ctx.state.app, &ctx.actor()?, id).await?;
    if e.status != EnrolmentStatus::Completed {
        return Err(AppError::NotFound);
    }
    let community_name = ctx.caller()?.community.as_ref().map(|c| c.1.clone()).unwrap_or_default();
    let body = html! {
        div.receipt.certificate {
            h2 { (t(lang, "learning.certificate_title")) }
            p.receipt-no { (t(lang, "learning.certificate_no")) "：" (format!("JY{}-{:05}", k.starts_on.year(), e.id)) }
            p { (tf(lang, "learning.certificate_text", &[("name", &e.resident_name), ("from", &k.starts_on.to_string()), ("to", &k.ends_on.to_string()), ("course", &k.name), ("attended", &e.attended.to_string()), ("total", &k.sessions.to_string())])) }
            p.receipt-sign { (community_name) (t(lang, "learning.committee")) br; @if let Some(d) = e.completed_on { (d) } }
        }
        p.actions.no-print { span.hint { (t(lang, "learning.print_hint")) } " " a.btn href={ "/courses/" (k.id) } { (t(lang, "learning.back_to_course")) } }
    };
    let mut cr = crumbs(lang);
    cr.push((k.name.clone(), Some(format!("/courses/{}", k.id))));
    Ok(layout::page(
        &ctx,
        &format!("{} · {}", t(lang, "learning.certificate_title"), e.resident_name),
        &cr,
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    /// `unknown`: only those whose whereabouts nobody knows (no placement, no follow-up).
    who: Option<String>,
}

/// The records behind `learning.trainee_times` and `learning.employment_rate`.
async fn completions(ctx: Ctx, Query(q): Query<PeriodQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let year = today(&ctx).year();
    let from = q
        .from
        .as_deref()
        .and_then(linli_core::dates::parse_date)
        .map_or(format!("{year}-01-01"), |d| d.to_string());
    let to =
        q.to.as_deref()
            .and_then(linli_core::dates::parse_date)
            .map_or(format!("{year}-12-31"), |d| d.to_string());
    let ops::Completions { mut rows, times, rate } =
        ops::completions(&ctx.state.app, &ctx.actor()?, from.clone(), to.clone()).await?;
    let unknown_only = q.who.as_deref() == Some("unknown");
    if unknown_only {
        // One line per person: their latest completion.
        let mut seen = std::collections::BTreeSet::new();
        rows.retain(|e| {
            rate.unknown_ids.binary_search(&e.resident_id).is_ok() && seen.insert(e.resident_id)
        });
    }
    let all = format!("/courses/completions?from={from}&to={to}");
    let body = html! {
        form.filters.no-print method="get" action="/courses/completions" {
            div.filter-row {
                (layout::field(lang, "from", "learning.from", "date", &from, None, None))
                (layout::field(lang, "to", "learning.to", "date", &to, None, None))
                @if unknown_only { input type="hidden" name="who" value="unknown"; }
                div.field.buttons { button.btn type="submit" { (t(lang, "learning.show")) } }
            }
        }
        div.stats {
            (layout::stat(&t(lang, "learning.stat_completions"), times.times as i64, &t(lang, "learning.unit_times"), Some(&all)))
            (layout::stat(&t(lang, "learning.stat_completers"), times.persons as i64, &t(lang, "learning.unit_persons"), Some(&all)))
            (layout::stat_text(&t(lang, "learning.stat_rate"), &rate_text(rate.rate), "", Some(&all)))
            (layout::stat(&t(lang, "learning.stat_unknown"), rate.unknown_persons as i64, &t(lang, "learning.unit_persons"), Some(&format!("{all}&who=unknown"))))
        }
        p.hint { (rate_explained(lang, &rate)) }
        @if unknown_only {
            p #unknown-list role="status" { (layout::chip("warn", &t(lang, "learning.stat_unknown"))) " " (tf(lang, "learning.unknown_hint", &[("n", &rows.len().to_string())])) " " a href=(all) { (t(lang, "learning.all_completions")) } }
        }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr { th { (t(lang, "learning.completed_on")) } th { (t(lang, "learning.name")) } th { (t(lang, "residents.address")) } th { (t(lang, "learning.course")) } th.num { (t(lang, "learning.attended")) } } }
                tbody {
                    @for e in &rows {
                        tr {
                            td.nowrap { @if let Some(d) = e.completed_on { (d) } }
                            td { a href={ "/residents/" (e.resident_id) } { (e.resident_name) } }
                            td { (e.address) }
                            td { a href={ "/courses/" (e.course_id) } { "#" (e.course_id) } }
                            td.num { (e.attended) }
                        }
                    }
                }
            }
        }
        @if !unknown_only && (rows.len() as u64) < times.times { p.hint { (tf(lang, "learning.first_rows", &[("n", &rows.len().to_string())])) } }
    };
    Ok(layout::page(&ctx, &t(lang, "learning.completions_title"), &crumbs(lang), None, body))
}

async fn venues_page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let venues = ops::venues(&ctx.state.app, &ctx.actor()?).await?;
    let manage = can(&ctx, Action::ManageLearning);
    let csrf = ctx.caller()?.csrf_token.clone();
    let kinds: Vec<(String, String)> = VenueKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "venue_kind", k.as_str())))
        .collect();
    let body = html! {
        @if venues.is_empty() { (layout::empty(&t(lang, "learning.no_venues"), None)) } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table {
                    thead { tr { th { (t(lang, "learning.venue")) } th { (t(lang, "learning.venue_kind")) } th { (t(lang, "learning.room")) } th.num { (t(lang, "learning.capacity")) } th.num { (t(lang, "learning.courses_count")) } } }
                    tbody {
                        @for v in &venues {
                            tr { td { (v.name) } td { (label(lang, "venue_kind", v.kind.as_str())) } td { (v.room) } td.num { (v.capacity.map(|c| c.to_string()).unwrap_or_default()) } td.num { (v.courses) } }
                        }
                    }
                }
            }
        }
        @if manage {
            h2 { (t(lang, "learning.new_venue")) }
            form.form.inline-form method="post" action="/venues" {
                input type="hidden" name="_csrf" value=(csrf);
                (layout::field(lang, "name", "learning.venue", "text", "", None, Some("off")))
                (layout::select(lang, "kind", "learning.venue_kind", &kinds, "classroom", None))
                (layout::field(lang, "room", "learning.room", "text", "", None, Some("off")))
                (layout::field(lang, "capacity", "learning.capacity", "number", "", None, None))
                div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "learning.venues"), &crumbs(lang), None, body))
}

async fn venue_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let cap = pairs_get(&pairs, "capacity").map(|v| {
        v.parse::<i64>().map_err(|_| AppError::invalid("learning_capacity_bad", "capacity"))
    });
    let r = match cap.transpose() {
        Ok(capacity) => {
            let d = VenueDraft {
                name: pairs_get(&pairs, "name").unwrap_or_default(),
                kind: pairs_get(&pairs, "kind").unwrap_or_default(),
                room: pairs_get(&pairs, "room").unwrap_or_default(),
                capacity,
            };
            ops::create_venue(&ctx.state.app, &ctx.actor()?, d).await.map_err(AppError::from)
        }
        Err(e) => Err(e),
    };
    back_with("/venues", r, |_| "learning.flash_venue_created")
}

#[derive(Deserialize)]
struct PublicQuery {
    community: Option<String>,
}

/// The public course catalogue: listed courses not yet over, no names, large type. Which
/// community: the one named, the caller's, or the only one of the deployment.
async fn catalogue(ctx: Ctx, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor_or_public();
    let (_, phone) = super::portal::public_contact(&ctx.state, &actor, q.community.clone()).await?;
    let (name, courses) = ops::catalogue(&ctx.state.app, &actor, q.community).await?;
    let body = html! {
        h2 { (name) " " (t(lang, "learning.catalogue_title")) }
        p.lead { (t(lang, "learning.catalogue_lead")) }
        @if courses.is_empty() { p { (t(lang, "learning.catalogue_empty")) } }
        @for k in &courses {
            section.station {
                h3 { (k.name) }
                p { (category_label(lang, k.category.as_str())) " · " (k.starts_on) " – " (k.ends_on) @if let Some(v) = &k.venue { " · " (v) } }
                @if !k.eligibility.is_empty() { p { (t(lang, "learning.eligibility")) "：" (k.eligibility) } }
                p { (seats_chip(lang, k)) }
                p { a.btn.btn-primary.btn-block href={ "/public/courses/" (k.id) "/signup" } { (t(lang, "learning.signup_button")) } }
            }
        }
        @if phone.is_empty() {
            p.hint { (t(lang, "learning.catalogue_how")) }
        } @else {
            p.hint #catalogue-how { (tf(lang, "learning.catalogue_how_phone", &[("phone", &phone)])) }
        }
        p { a href="/public" { (t(lang, "portal.back")) } }
    };
    Ok(layout::public_page(&ctx, &t(lang, "learning.catalogue_title"), body))
}

/// The person's courses and attendance, and their work found, for the resident page.
pub async fn resident_section(ctx: &Ctx, resident_id: i64) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let sees_learning = can(ctx, Action::ViewLearning);
    let sees_work = can(ctx, Action::ViewEmployment);
    if !sees_learning && !sees_work {
        return Ok(html! {});
    }
    let (courses, placements) =
        ops::resident_history(&ctx.state.app, &ctx.actor()?, resident_id).await?;
    Ok(html! {
        section.panel.upcoming {
            h2 { (t(lang, "learning.resident_section")) }
            @if sees_learning {
                h3 { (t(lang, "learning.title")) }
                @if courses.is_empty() { p.hint { (t(lang, "learning.resident_no_courses")) } } @else {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "learning.title")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "learning.course")) } th { (t(lang, "learning.dates")) } th.num { (t(lang, "learning.attended")) } th { (t(lang, "learning.status")) } } }
                            tbody {
                                @for h in &courses {
                                    tr {
                                        td { a href={ "/courses/" (h.course_id) } { (h.course) } }
                                        td.nowrap { (h.starts_on) " – " (h.ends_on) }
                                        td.num { (h.attended) " / " (h.sessions) }
                                        td { (status_chip(lang, h.status)) @if h.status == EnrolmentStatus::Completed { " " a href={ "/enrolments/" (h.enrolment_id) "/certificate" } { (t(lang, "learning.certificate")) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if sees_work {
                h3 { (t(lang, "employment.placements")) }
                @if placements.is_empty() { p.hint { (t(lang, "employment.resident_none")) } } @else {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "employment.placements")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "employment.starts_on")) } th { (t(lang, "employment.employer")) } th { (t(lang, "employment.job")) } th { (t(lang, "employment.via_station")) } th { (t(lang, "employment.last_followup")) } } }
                            tbody {
                                @for p in &placements {
                                    tr {
                                        td.nowrap { a href={ "/employment/placements/" (p.id) } { (p.starts_on) } }
                                        td { (p.employer) }
                                        td { (p.job) }
                                        td { (if p.via_station { t(lang, "employment.yes") } else { t(lang, "employment.no") }) }
                                        td { (super::employment::outcome_chip(lang, p.last_outcome.as_deref())) " " @if let Some(d) = p.last_followup_on { (d) } }
                                    }
                                }
                            }
                        }
                    }
                }
                (super::employment::resident_actions(ctx, resident_id))
            }
        }
    })
}

// ---- sign-up requests from the public catalogue ----

fn seats_chip(lang: Lang, k: &Course) -> Markup {
    match k.capacity {
        Some(cap) if k.enrolled >= cap => layout::chip("warn", &t(lang, "learning.full_waitlist")),
        Some(cap) => layout::chip(
            "ok",
            &tf(lang, "learning.seats_left", &[("n", &(cap - k.enrolled).to_string())]),
        ),
        None => layout::chip("ok", &t(lang, "learning.open")),
    }
}

#[derive(Debug, Clone, Default)]
struct SignupForm {
    name: String,
    phone: String,
    address: String,
    note: String,
}

fn signup_form(
    lang: Lang,
    ctx: &Ctx,
    k: &Course,
    community: &str,
    f: &SignupForm,
    error: Option<(String, &'static str)>,
) -> Markup {
    let err_for = |field: &str| error.as_ref().filter(|e| e.1 == field).map(|e| e.0.clone());
    html! {
        p.hint { a href={ "/public/courses?community=" (percent_encoding::utf8_percent_encode(community, percent_encoding::NON_ALPHANUMERIC)) } { "‹ " (t(lang, "learning.catalogue_title")) } }
        h1 { (t(lang, "learning.signup_title")) }
        section.station {
            h2 { (k.name) }
            p { (category_label(lang, k.category.as_str())) " · " (k.starts_on) " – " (k.ends_on) @if let Some(v) = &k.venue { " · " (v) } }
            @if !k.eligibility.is_empty() { p { (t(lang, "learning.eligibility")) "：" (k.eligibility) } }
            p { (seats_chip(lang, k)) }
        }
        form.form #signup-form method="post" action={ "/public/courses/" (k.id) "/signup" } novalidate {
            @if let Some(c) = &ctx.caller { input type="hidden" name="_csrf" value=(c.csrf_token); }
            (layout::field(lang, "name", "learning.signup_name", "text", &f.name, err_for("name"), Some("name")))
            (layout::field(lang, "phone", "learning.signup_phone", "tel", &f.phone, err_for("phone"), Some("tel")))
            (layout::field(lang, "address", "learning.signup_address", "text", &f.address, err_for("address"), Some("street-address")))
            div.field {
                label for="note" { (t(lang, "learning.signup_note")) }
                textarea #note name="note" rows="3" { (f.note) }
            }
            p.hint { (t(lang, "learning.signup_privacy")) }
            div.form-actions { button.btn.btn-primary.btn-block type="submit" { (t(lang, "learning.signup_submit")) } }
        }
    }
}

async fn public_signup_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (k, community) = ops::open_course(&ctx.state.app, &ctx.actor_or_public(), id).await?;
    Ok(layout::public_page(
        &ctx,
        &format!("{} · {}", t(lang, "learning.signup_title"), k.name),
        signup_form(lang, &ctx, &k, &community, &SignupForm::default(), None),
    ))
}

/// Stores a request and answers with the plain confirmation. Nothing is enrolled: a worker
/// matches the request to the registry first. The phone goes to the table only.
async fn public_signup_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (k, community) = ops::open_course(&ctx.state.app, &ctx.actor_or_public(), id).await?;
    let raw =
        |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
    let f = SignupForm {
        name: raw("name"),
        phone: raw("phone"),
        address: raw("address"),
        note: raw("note"),
    };
    let d = SignupDraft {
        name: f.name.clone(),
        phone: f.phone.clone(),
        address: f.address.clone(),
        note: f.note.clone(),
    };
    match ops::request_signup(&ctx.state.app, &ctx.actor_or_public(), id, d)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => {}
        Err(AppError::Invalid { code, field: Some(field) }) => {
            let msg = t(lang, &format!("error.{code}"));
            let mut res = layout::public_page(
                &ctx,
                &t(lang, "learning.signup_title"),
                signup_form(lang, &ctx, &k, &community, &f, Some((msg, field))),
            );
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
        Err(e) => return Err(e),
    }
    Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
        "/public/courses/{id}/signup/done"
    ))))
}

async fn public_signup_done(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (k, community) = ops::signup_course(&ctx.state.app, id).await?;
    let body = html! {
        h1 { (t(lang, "learning.signup_received")) }
        p.lead { (tf(lang, "learning.signup_received_text", &[("course", &k.name)])) }
        p.lead { strong { (t(lang, "learning.signup_contact")) } }
        p { a.btn.btn-block href={ "/public/courses?community=" (percent_encoding::utf8_percent_encode(&community, percent_encoding::NON_ALPHANUMERIC)) } { (t(lang, "learning.signup_back")) } }
    };
    Ok(layout::public_page(&ctx, &t(lang, "learning.signup_received"), body))
}

pub fn signup_chip(lang: Lang, s: &store::Signup) -> Markup {
    let kind = match s.status {
        SignupStatus::Pending => "warn",
        SignupStatus::Enrolled => "ok",
        SignupStatus::Declined => "muted",
    };
    layout::chip(kind, &t(lang, &format!("learning.signup_status.{}", s.status)))
}

/// The requests panel of the course page. Phones masked; each row leads to its own page.
fn signups_panel(lang: Lang, k: &Course, signups: &[store::Signup]) -> Markup {
    html! {
        section.panel #signups {
            h2 { (t(lang, "learning.signups")) }
            @if signups.is_empty() {
                p.hint { (if k.listed { t(lang, "learning.signups_none") } else { t(lang, "learning.signups_unlisted") }) }
            } @else {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table.compact {
                        thead { tr {
                            th { (t(lang, "learning.signup_at")) } th { (t(lang, "learning.signup_name")) } th { (t(lang, "learning.signup_phone")) }
                            th { (t(lang, "residents.address")) } th { (t(lang, "learning.note")) } th { (t(lang, "learning.status")) } th {}
                        } }
                        tbody {
                            @for s in signups {
                                tr {
                                    td.nowrap { (s.created_at.minute()) }
                                    td { (s.name) }
                                    td.nowrap { (linli_core::mask::mask_phone(&s.phone)) }
                                    td { (s.address) }
                                    td { (s.note) }
                                    td {
                                        (signup_chip(lang, s))
                                        @if let (Some(rid), Some(n)) = (s.resident_id, &s.resident_name) { " " a href={ "/residents/" (rid) } { (n) } }
                                        @if let Some(es) = &s.enrolment_status { " " (status_chip(lang, *es)) }
                                        @if !s.decline_reason.is_empty() { br; span.hint { (t(lang, "learning.decline_reason")) "：" (s.decline_reason) } }
                                    }
                                    td.actions-cell {
                                        a.btn.btn-small.btn-primary[s.status == SignupStatus::Pending] href={ "/course-signups/" (s.id) } {
                                            (if s.status == SignupStatus::Pending { t(lang, "learning.signup_handle") } else { t(lang, "learning.signup_view") })
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
}

#[derive(Deserialize)]
struct SignupQuery {
    q: Option<String>,
}

async fn signup_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SignupQuery>,
) -> Result<Response, AppError> {
    render_signup(&ctx, id, q.q, false).await
}

/// The request's page: what the person typed (phone masked unless `revealed`), the registry
/// search to match them (by name, like the course's "enrol by name" box) and the decline form.
async fn render_signup(
    ctx: &Ctx,
    id: i64,
    q: Option<String>,
    revealed: bool,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let manage = can(ctx, Action::ManageLearning);
    let actor = ctx.actor()?;
    let wanted = match q.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        Some(w) => w,
        None => ops::signup(&ctx.state.app, &actor, id).await?.0.name,
    };
    let ops::SignupPage { signup: s, course: k, enrolments, found } =
        ops::signup_page(&ctx.state.app, &actor, id, wanted.clone()).await?;
    let pending = s.status == SignupStatus::Pending;
    let csrf = caller.csrf_token.clone();
    let phone = if revealed { s.phone.clone() } else { linli_core::mask::mask_phone(&s.phone) };
    let body = html! {
        dl.facts {
            dt { (t(lang, "learning.course")) } dd { a href={ "/courses/" (k.id) } { (k.name) } " " (seats_chip(lang, &k)) }
            dt { (t(lang, "learning.signup_at")) } dd { (s.created_at.minute()) }
            dt { (t(lang, "learning.signup_name")) } dd { strong { (s.name) } }
            dt { (t(lang, "learning.signup_phone")) } dd {
                span #signup-phone { (phone) }
                @if manage && !revealed {
                    form.inline.reveal method="post" action={ "/course-signups/" (s.id) "/reveal" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        " " button.btn.btn-small type="submit" { (t(lang, "learning.signup_reveal")) }
                    }
                    span.hint { " " (t(lang, "learning.signup_reveal_hint")) }
                }
                @if revealed { span.hint { " " (t(lang, "learning.signup_revealed_hint")) } }
            }
            dt { (t(lang, "residents.address")) } dd { (s.address) }
            @if !s.note.is_empty() { dt { (t(lang, "learning.note")) } dd { (s.note) } }
            dt { (t(lang, "learning.status")) } dd {
                (signup_chip(lang, &s))
                @if let (Some(rid), Some(n)) = (s.resident_id, &s.resident_name) { " " a href={ "/residents/" (rid) } { (n) } }
                @if let Some(es) = &s.enrolment_status { " " (status_chip(lang, *es)) }
                @if let Some(by) = &s.handled_by { " " span.hint { "（" (by) " " (s.handled_at.map(|at| at.minute()).unwrap_or_default()) "）" } }
            }
            @if !s.decline_reason.is_empty() { dt { (t(lang, "learning.decline_reason")) } dd { (s.decline_reason) } }
        }
        @if manage && pending {
            div.columns {
                section.panel {
                    h2 { (t(lang, "learning.signup_match")) }
                    p.hint { (t(lang, "learning.signup_match_hint")) }
                    form.form.inline-form method="get" action={ "/course-signups/" (s.id) } {
                        (layout::field(lang, "q", "learning.find_resident", "search", &wanted, None, Some("off")))
                        div.form-actions { button.btn type="submit" { (t(lang, "learning.find")) } }
                    }
                    @if found.is_empty() { p.hint { (t(lang, "learning.signup_nobody")) } } @else {
                        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                            table.table.compact {
                                thead { tr { th { (t(lang, "learning.name")) } th { (t(lang, "residents.address")) } th { (t(lang, "residents.birth_date")) } th { (t(lang, "learning.signup_phone")) } th {} } }
                                tbody {
                                    @for r in &found {
                                        @let taken = enrolments.iter().any(|e| e.resident_id == r.id && e.status != EnrolmentStatus::Dropped);
                                        tr {
                                            td { a href={ "/residents/" (r.id) } { (r.name) } }
                                            td { (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) }
                                            td.nowrap { @if let Some(d) = r.birth_date { (d) } }
                                            td.nowrap { (r.phone.as_deref().map(linli_core::mask::mask_phone).unwrap_or_default()) }
                                            td {
                                                @if taken { span.hint { (t(lang, "learning.already")) } } @else {
                                                    form.inline method="post" action={ "/course-signups/" (s.id) "/enrol" } {
                                                        input type="hidden" name="_csrf" value=(csrf);
                                                        input type="hidden" name="resident_id" value=(r.id);
                                                        button.btn.btn-small.btn-primary type="submit" { (t(lang, "learning.signup_enrol")) }
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
                    h2 { (t(lang, "learning.signup_decline")) }
                    form.form method="post" action={ "/course-signups/" (s.id) "/decline" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        (layout::field(lang, "reason", "learning.decline_reason", "text", "", None, Some("off")))
                        p.hint { (t(lang, "learning.decline_hint")) }
                        div.form-actions { button.btn.btn-danger type="submit" { (t(lang, "learning.signup_decline_button")) } }
                    }
                }
            }
        }
        p.actions.no-print { a.btn href={ "/courses/" (k.id) "#signups" } { (t(lang, "learning.back_to_course")) } }
    };
    let mut cr = crumbs(lang);
    cr.push((k.name.clone(), Some(format!("/courses/{}", k.id))));
    Ok(layout::page(
        ctx,
        &format!("{} · {}", t(lang, "learning.signup_request"), s.name),
        &cr,
        None,
        body,
    ))
}

/// Shows the full phone once, and records who looked and why.
async fn signup_reveal(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let reason = pairs_get(&pairs, "reason").unwrap_or_default();
    ops::reveal_signup(&ctx.state.app, &ctx.actor()?, id, &reason).await?;
    render_signup(&ctx, id, None, true).await
}

async fn signup_enrol_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let (s, _) = ops::signup(&ctx.state.app, &actor, id).await?;
    let rid = pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    match ops::enrol_signup(&ctx.state.app, &actor, id, rid).await {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/courses/{}#signups", s.course_id),
            true,
            if v.waitlisted() {
                "learning.flash_signup_waitlisted"
            } else {
                "learning.flash_signup_enrolled"
            },
        )),
        Err(e) => back_with(&format!("/course-signups/{id}"), Err::<(), _>(e), |()| ""),
    }
}

async fn signup_decline_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let (s, _) = ops::signup(&ctx.state.app, &actor, id).await?;
    let reason = pairs_get(&pairs, "reason").unwrap_or_default();
    match ops::decline_signup(&ctx.state.app, &actor, id, &reason).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/courses/{}#signups", s.course_id),
            true,
            "learning.flash_signup_declined",
        )),
        Err(e) => back_with(&format!("/course-signups/{id}"), Err::<(), _>(e), |()| ""),
    }
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewLearning);
    let manage = Policy::Signed(Action::ManageLearning);
    t.page(Method::GET, "/courses", view, list)
        .page(Method::GET, "/courses/new", manage, new_page)
        .page(Method::POST, "/courses", manage, create_submit)
        .page(Method::GET, "/courses/completions", view, completions)
        .page(Method::GET, "/courses/{id}", view, detail)
        .page(Method::POST, "/courses/{id}/sessions", manage, session_submit)
        .page(Method::POST, "/courses/{id}/enrol", manage, enrol_submit)
        .page(Method::POST, "/courses/{id}/complete", manage, complete_all)
        .page(Method::POST, "/enrolments/{id}/status", manage, status_submit)
        .page(Method::GET, "/enrolments/{id}/drop", manage, drop_confirm)
        .page(Method::GET, "/enrolments/{id}/certificate", view, certificate)
        .page(Method::GET, "/sessions/{id}/roll-call", manage, roll_call)
        .page(Method::POST, "/sessions/{id}/attendance", manage, attendance_submit)
        .page(Method::GET, "/sessions/{id}/sheet", view, sheet)
        .page(Method::GET, "/venues", view, venues_page)
        .page(Method::POST, "/venues", manage, venue_submit)
        .page(Method::GET, "/public/courses", Policy::Public, catalogue)
        .page(Method::GET, "/public/courses/{id}/signup", Policy::Public, public_signup_page)
        .page(Method::POST, "/public/courses/{id}/signup", Policy::Public, public_signup_submit)
        .page(Method::GET, "/public/courses/{id}/signup/done", Policy::Public, public_signup_done)
        .page(Method::GET, "/course-signups/{id}", view, signup_page)
        .page(Method::POST, "/course-signups/{id}/enrol", manage, signup_enrol_submit)
        .page(Method::POST, "/course-signups/{id}/decline", manage, signup_decline_submit)
        .page(Method::POST, "/course-signups/{id}/reveal", manage, signup_reveal)
}

/// This module's part of the worker's home page: follow-ups of placements due this week.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    super::employment::home_panel(ctx).await
}
