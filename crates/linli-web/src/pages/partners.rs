//! Partner linkage (共建联动): partner units with their agreements and commitments, the
//! activities that fulfil them, the joint party committee and the three lists (needs,
//! resources, projects). A liaison sees and acts for its own unit only: another unit's records
//! answer 404. The operations are shared with the JSON API.

use super::Pairs;
pub use super::pairs_get;
pub use super::today;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use linli_app::partners::{
    self as ops, ActivityDraft, AgreementDraft, ClaimDecision, CommitmentDraft, MeetingDraft,
    NeedDraft, PartnerDraft, PostDraft, ResourceDraft, liaison_unit,
};
use linli_core::Action;
use linli_core::partners::{
    self as rules, ActivityKind, AgreementState, CommitteePost, Fulfilment, Measure, NeedStatus,
    PartnerKind, Progress, ResourceKind,
};
use linli_store::partners::{self as store, Partner};
use maud::{Markup, html};
use serde::Deserialize;

/// The flash a failed form shows, or the error itself when it is no form error.
fn flash_or(back: &str, e: AppError, codes: &[&str]) -> Result<Response, AppError> {
    let kind = match &e {
        AppError::Invalid { .. } => "invalid",
        AppError::Conflict { .. } => "conflict",
        _ => "",
    };
    if codes.contains(&kind) {
        Ok(redirect_with_flash(back, false, &format!("error.{}", e.code())))
    } else {
        Err(e)
    }
}

/// Back to `back` after a form: the flash `saved` when the operation succeeded, else as
/// [`flash_or`] says.
fn flash_result<T, E: Into<AppError>>(
    back: &str,
    r: Result<T, E>,
    saved: &str,
    codes: &[&str],
) -> Result<Response, AppError> {
    match r {
        Ok(_) => Ok(redirect_with_flash(back, true, saved)),
        Err(e) => flash_or(back, e.into(), codes),
    }
}

fn amount(lang: Lang, f: &Fulfilment) -> String {
    match f.measure {
        Measure::Times => tf(
            lang,
            "partners.times_of",
            &[("done", &f.done.to_string()), ("target", &f.target.to_string())],
        ),
        Measure::Hours => tf(
            lang,
            "partners.hours_of",
            &[("done", &format!("{:.1}", f.done as f64 / 10.0)), ("target", &f.target.to_string())],
        ),
    }
}

pub fn fulfilment_row(lang: Lang, f: &Fulfilment) -> Markup {
    let chip = match f.progress {
        Progress::Met => layout::chip("ok", &t(lang, "partners.progress.met")),
        Progress::OnTrack => layout::chip("info", &t(lang, "partners.progress.on_track")),
        Progress::Behind => layout::chip("warn", &t(lang, "partners.progress.behind")),
    };
    html! {
        div.fulfilment {
            strong { (label(lang, "activity_kind", f.kind.as_str())) } " " (chip)
            // An SVG bar: it prints, and needs no stylesheet to show its length.
            svg.progress role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=(f.percent)
                viewBox="0 0 100 6" preserveAspectRatio="none" width="100%" height="8" {
                rect.progress-track x="0" y="0" width="100" height="6" rx="3" fill="#dde3ea" {}
                rect.progress-fill x="0" y="0" width=(f.percent) height="6" rx="3" fill="#2f7d4f" {}
            }
            p.progress-text { (amount(lang, f)) " · " (f.percent) "%" }
        }
    }
}

fn agreement_chip(lang: Lang, from: &str, to: &str, today: NaiveDate) -> Markup {
    let (Ok(f), Ok(t2)) =
        (NaiveDate::parse_from_str(from, "%Y-%m-%d"), NaiveDate::parse_from_str(to, "%Y-%m-%d"))
    else {
        return html! {};
    };
    let s = rules::agreement_state(f, t2, today);
    let kind = match s {
        AgreementState::InForce => "ok",
        AgreementState::ExpiringSoon => "warn",
        AgreementState::Expired => "err",
        AgreementState::NotYet => "muted",
    };
    layout::chip(kind, &t(lang, &format!("partners.agreement.{}", s.as_str())))
}

fn kind_options(lang: Lang) -> Vec<(String, String)> {
    PartnerKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "partner_kind", k.as_str())))
        .collect()
}

fn activity_options(lang: Lang) -> Vec<(String, String)> {
    ActivityKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "activity_kind", k.as_str())))
        .collect()
}

fn tabs(lang: Lang, current: &str) -> Markup {
    html! {
        nav.tabs.actions.no-print {
            @for (href, key) in [("/partners", "partners.tab.units"), ("/partners/agreements", "partners.tab.agreements"), ("/partners/activities", "partners.tab.activities"), ("/partners/committee", "partners.tab.committee"), ("/partners/lists", "partners.tab.lists")] {
                a.btn.btn-small.btn-primary[href == current] href=(href) aria-current=[(href == current).then_some("page")] { (t(lang, key)) }
            }
        }
    }
}

// ---- pages ----

async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    if let Some(unit) = liaison_unit(&actor) {
        return match unit {
            Some(u) => Ok(Redirect::to(&format!("/partners/{u}")).into_response()),
            None => Err(AppError::NotFound),
        };
    }
    let today = today(&ctx);
    let year = today.year();
    let ops::Dashboard { units, signed, lectures, fulfilment: fulfil } =
        ops::dashboard(&ctx.state.app, &actor).await?;
    let expiring: Vec<&Partner> = units
        .iter()
        .filter(|p| {
            matches!((p.agreement_from.as_deref(), p.agreement_to.as_deref()), (Some(f), Some(t2)) if
                NaiveDate::parse_from_str(f, "%Y-%m-%d").ok().zip(NaiveDate::parse_from_str(t2, "%Y-%m-%d").ok())
                    .is_some_and(|(f, t2)| rules::agreement_state(f, t2, today) == AgreementState::ExpiringSoon))
        })
        .collect();
    let manage = actor.allowed(Action::ManagePartners, None);
    let body = html! {
        (tabs(lang, "/partners"))
        section.stats {
            (layout::stat(&t(lang, "partners.signed"), signed, &t(lang, "partners.unit_units"), Some("/partners/agreements")))
            (layout::stat(&t(lang, "partners.lectures"), lectures, &t(lang, "partners.unit_times"), Some(&format!("/partners/activities?kind=health_lecture&year={year}"))))
            (layout::stat(&t(lang, "partners.units_total"), units.len() as i64, &t(lang, "partners.unit_units"), None))
        }
        @if !expiring.is_empty() {
            p.flash.flash-warn role="status" {
                (tf(lang, "partners.expiring_warning", &[("n", &expiring.len().to_string())])) " "
                @for p in &expiring { a href={ "/partners/" (p.id) } { (p.name) } " " }
            }
        }
        @if units.is_empty() {
            (layout::empty(&t(lang, "partners.empty"), None))
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table {
                    thead { tr {
                        th { (t(lang, "partners.name")) } th { (t(lang, "partners.kind")) } th { (t(lang, "partners.agreement")) }
                        th { (tf(lang, "partners.fulfilment_year", &[("year", &year.to_string())])) }
                    } }
                    tbody {
                        @for p in &units {
                            tr {
                                td { a href={ "/partners/" (p.id) } { (p.name) } }
                                td.nowrap { (label(lang, "partner_kind", p.kind.as_str())) }
                                td.nowrap {
                                    @if let (Some(f), Some(t2)) = (&p.agreement_from, &p.agreement_to) {
                                        (agreement_chip(lang, f, t2, today)) " " span.hint { (f) " — " (t2) }
                                    } @else { span.hint { (t(lang, "partners.no_agreement")) } }
                                }
                                td {
                                    @for (_, _, f) in fulfil.iter().filter(|(pid, _, _)| *pid == p.id) { (fulfilment_row(lang, f)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            section.panel.no-print {
                h2 { (t(lang, "partners.new")) }
                form.form method="post" action="/partners" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::field(lang, "name", "partners.name", "text", "", None, Some("off")))
                        (layout::select(lang, "kind", "partners.kind", &kind_options(lang), "government", None))
                        (layout::field(lang, "address", "partners.address", "text", "", None, Some("off")))
                        (layout::field(lang, "party_org", "partners.party_org", "text", "", None, Some("off")))
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "partners.title"), &[], None, body))
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let g = |k| pairs_get(&pairs, k).unwrap_or_default();
    let d = PartnerDraft {
        name: g("name"),
        kind: g("kind"),
        address: g("address"),
        party_org: g("party_org"),
    };
    match ops::create_partner(&ctx.state.app, &ctx.actor()?, d).await {
        Ok(id) => {
            Ok(redirect_with_flash(&format!("/partners/{id}"), true, "partners.flash.created"))
        }
        Err(e) => flash_or("/partners", e.into(), &["invalid", "conflict"]),
    }
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let ops::Detail {
        partner: p,
        agreements,
        activities: acts,
        resources: res,
        photos: shots,
        fulfilment: fulfil,
    } = ops::detail(&ctx.state.app, &actor, id).await?;
    let today = today(&ctx);
    let year = today.year();
    let manage = ops::manages(&actor);
    let act = actor.allowed(Action::ActForPartner, None);
    let latest = agreements.first().map(|a| a.id);
    let body = html! {
        dl.facts {
            dt { (t(lang, "partners.kind")) } dd { (label(lang, "partner_kind", p.kind.as_str())) }
            dt { (t(lang, "partners.address")) } dd { (p.address) }
            dt { (t(lang, "partners.party_org")) } dd { (p.party_org) }
        }
        div.columns {
            section.panel {
                h2 { (tf(lang, "partners.fulfilment_year", &[("year", &year.to_string())])) }
                @if fulfil.is_empty() { p.hint { (t(lang, "partners.no_commitments")) } }
                @for (_, _, f) in &fulfil { (fulfilment_row(lang, f)) }
            }
            section.panel {
                h2 { (t(lang, "partners.agreements")) }
                @if agreements.is_empty() { p.hint { (t(lang, "partners.no_agreement")) } }
                ul.timeline {
                    @for a in &agreements {
                        li {
                            (agreement_chip(lang, &a.valid_from, &a.valid_to, today)) " "
                            strong { (a.valid_from) " — " (a.valid_to) } " "
                            span.hint { (t(lang, "partners.signed_on")) " " (a.signed_on) }
                            @if a.renews_id.is_some() { " " span.tag { (t(lang, "partners.renewal")) } }
                            br;
                            @for k in &a.commitments {
                                span.tag { (label(lang, "activity_kind", k.kind.as_str())) " " (k.target_per_year)
                                    (if k.kind.measure() == Measure::Hours { t(lang, "partners.per_year_hours") } else { t(lang, "partners.per_year_times") }) } " "
                            }
                        }
                    }
                }
                @if manage {
                    h3 { (t(lang, "partners.new_agreement")) }
                    form.form method="post" action={ "/partners/" (p.id) "/agreements" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        @if let Some(l) = latest { input type="hidden" name="renews_id" value=(l); p.hint { (t(lang, "partners.renewal_hint")) } }
                        div.grid2 {
                            (layout::field(lang, "signed_on", "partners.signed_on", "date", &today.to_string(), None, None))
                            (layout::field(lang, "valid_from", "partners.valid_from", "date", "", None, None))
                            (layout::field(lang, "valid_to", "partners.valid_to", "date", "", None, None))
                            (layout::select(lang, "commitment_kind", "partners.commitment_kind", &activity_options(lang), "health_lecture", None))
                            (layout::field(lang, "target_per_year", "partners.target_per_year", "number", "", None, None))
                        }
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                    }
                }
            }
        }
        section.panel {
            h2 { (tf(lang, "partners.activities_year", &[("year", &year.to_string())])) }
            (activity_table(lang, &acts, &shots, false))
            @if act {
                h3 { (t(lang, "partners.record_activity")) }
                form.form #activity-form method="post" enctype="multipart/form-data" action={ "/partners/" (p.id) "/activities?_csrf=" (caller.csrf_token) } {
                    div.grid2 {
                        (layout::select(lang, "kind", "partners.activity_kind", &activity_options(lang), "health_lecture", None))
                        (layout::field(lang, "on", "partners.on", "date", &today.to_string(), None, None))
                        (layout::field(lang, "place", "partners.place", "text", "", None, Some("off")))
                        (layout::field(lang, "participants", "partners.participants", "number", "", None, None))
                        (layout::field(lang, "hours", "partners.hours", "text", "", None, Some("off")))
                        (layout::field(lang, "note", "partners.note", "text", "", None, Some("off")))
                    }
                    div.field {
                        label for="residents_served" { (t(lang, "partners.residents_served")) }
                        input #residents_served name="residents_served" type="text" autocomplete="off" maxlength="500";
                        p.hint { (t(lang, "partners.residents_served_hint")) }
                    }
                    div.field {
                        label for="activity-photos" { (t(lang, "partners.activity_photos")) }
                        input #activity-photos type="file" name="photos" accept="image/jpeg,image/png" multiple;
                        p.hint { (t(lang, "partners.activity_photos_hint")) }
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "partners.record")) } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "partners.resources")) }
            @if res.is_empty() { p.hint { (t(lang, "partners.no_resources")) } }
            ul.plain { @for r in &res { li { span.tag { (label(lang, "resource_kind", r.kind.as_str())) } " " (r.description) " " span.hint { (r.availability) } } } }
            @if act {
                form.form method="post" action={ "/partners/" (p.id) "/resources" } {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::select(lang, "kind", "partners.resource_kind", &ResourceKind::ALL.iter().map(|k| (k.as_str().to_string(), label(lang, "resource_kind", k.as_str()))).collect::<Vec<_>>(), "people", None))
                        (layout::field(lang, "description", "partners.resource_description", "text", "", None, Some("off")))
                        (layout::field(lang, "availability", "partners.availability", "text", "", None, Some("off")))
                    }
                    div.form-actions { button.btn type="submit" { (t(lang, "partners.add_resource")) } }
                }
            }
        }
    };
    let crumbs = [(t(lang, "partners.title"), Some("/partners".to_string()))];
    Ok(layout::page(&ctx, &p.name, &crumbs, None, body))
}

/// The activities of a year; under each, who it served and thumbnails of its photos (each
/// opens the full picture).
fn activity_table(
    lang: Lang,
    acts: &[store::Activity],
    photos: &[store::ActivityPhotoMeta],
    with_unit: bool,
) -> Markup {
    html! {
        @if acts.is_empty() { p.hint { (t(lang, "partners.no_activities")) } } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table {
                    thead { tr {
                        th { (t(lang, "partners.on")) } @if with_unit { th { (t(lang, "partners.name")) } } th { (t(lang, "partners.activity_kind")) }
                        th { (t(lang, "partners.place")) } th.num { (t(lang, "partners.participants")) } th.num { (t(lang, "partners.hours")) } th { (t(lang, "partners.note")) }
                    } }
                    tbody {
                        @for a in acts {
                            tr {
                                td.nowrap { (a.on) }
                                @if with_unit { td { a href={ "/partners/" (a.partner_id) } { (a.partner_name) } } }
                                td.nowrap { (label(lang, "activity_kind", a.kind.as_str())) }
                                td { (a.place) }
                                td.num { (a.participants.map(|n| n.to_string()).unwrap_or_default()) }
                                td.num { (a.hours_tenths.map(|h| format!("{:.1}", h as f64 / 10.0)).unwrap_or_default()) }
                                td {
                                    (a.note)
                                    @if !a.residents_served.is_empty() {
                                        br; span.hint { (t(lang, "partners.residents_served")) "：" (a.residents_served) }
                                    }
                                    @let shots: Vec<&store::ActivityPhotoMeta> = photos.iter().filter(|p| p.activity_id == a.id).collect();
                                    @if !shots.is_empty() {
                                        div.activity-photos {
                                            @for p in shots {
                                                @let src = format!("/partners/{}/photos/{}", a.partner_id, p.id);
                                                a href=(src) target="_blank" {
                                                    img src=(src) alt=(t(lang, "partners.activity_photo_alt")) width="96" height=(thumb_height(p)) loading="lazy";
                                                } " "
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
}

/// The height of a 96-pixel-wide thumbnail keeping the photo's proportions.
fn thumb_height(p: &store::ActivityPhotoMeta) -> i64 {
    if p.width <= 0 {
        return 72;
    }
    (96 * p.height / p.width).clamp(16, 192)
}

async fn agreement_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let g = |k| pairs_get(&pairs, k).unwrap_or_default();
    let target = g("target_per_year").parse::<i64>().ok();
    let d = AgreementDraft {
        partner_id: id,
        signed_on: g("signed_on"),
        valid_from: g("valid_from"),
        valid_to: g("valid_to"),
        commitments: target
            .map(|n| vec![CommitmentDraft { kind: g("commitment_kind"), target_per_year: n }])
            .unwrap_or_default(),
        parties: None,
        body: None,
        renews_id: g("renews_id").parse().ok(),
    };
    let back = format!("/partners/{id}");
    flash_result(
        &back,
        ops::create_agreement(&ctx.state.app, &ctx.actor()?, d).await,
        "partners.flash.agreement",
        &["invalid"],
    )
}

/// The activity form is multipart (photos of the activity may come with it).
async fn activity_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (pairs, photos) = super::affairs::photo_form(form).await?;
    let g = |k| pairs_get(&pairs, k);
    let hours = g("hours")
        .map(|h| h.parse::<f64>().map_err(|_| AppError::invalid("activity_hours_bad", "hours")));
    let back = format!("/partners/{id}");
    let hours = match hours.transpose() {
        Ok(h) => h,
        Err(e) => {
            return Ok(redirect_with_flash(&back, false, &format!("error.{}", e.code())));
        }
    };
    let d = ActivityDraft {
        partner_id: id,
        kind: g("kind").unwrap_or_default(),
        on: g("on").unwrap_or_default(),
        participants: g("participants").and_then(|v| v.parse().ok()),
        hours,
        note: g("note"),
        place: g("place"),
        residents_served: g("residents_served"),
    };
    let actor = ctx.actor()?;
    let result = match super::affairs::clean_photos(photos).await {
        Ok(photos) => {
            ops::record_activity(&ctx.state.app, &actor, d, photos).await.map_err(AppError::from)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(&back, true, "partners.flash.activity")),
        Err(e) => flash_or(&back, e, &["invalid"]),
    }
}

/// A photo of an activity: staff and the unit's own liaison only (404 for anyone else).
async fn activity_photo(ctx: Ctx, Path((id, pid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    Ok(super::jpeg(ops::activity_photo(&ctx.state.app, &ctx.actor()?, id, pid).await?))
}

async fn resource_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let back = format!("/partners/{id}");
    let d = ResourceDraft {
        kind: pairs_get(&pairs, "kind").unwrap_or_default(),
        description: pairs_get(&pairs, "description").unwrap_or_default(),
        availability: pairs_get(&pairs, "availability").unwrap_or_default(),
    };
    if let Err(e) = ops::add_resource(&ctx.state.app, &ctx.actor()?, id, d).await {
        return flash_or(&back, e.into(), &["invalid"]);
    }
    Ok(redirect_with_flash(&back, true, "partners.flash.resource"))
}

#[derive(Deserialize)]
struct AgreementsQuery {
    /// Any value: the whole history, expired agreements included.
    all: Option<String>,
}

/// Agreements in force or still to come by default (the records behind `partners.signed`
/// for the current period); `?all=1` adds the expired ones, the renewal history.
async fn agreements_page(ctx: Ctx, Query(q): Query<AgreementsQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let today = today(&ctx);
    let mut all = ops::agreements(&ctx.state.app, &ctx.actor()?).await?;
    let history = q.all.is_some();
    let day = today.to_string();
    let total = all.len();
    if !history {
        all.retain(|a| a.valid_to >= day);
    }
    let body = html! {
        (tabs(lang, "/partners/agreements"))
        p.hint {
            (t(lang, "partners.agreements_hint")) " "
            @if history { a href="/partners/agreements" { (t(lang, "partners.current_only")) } }
            @else { a href="/partners/agreements?all=1" { (tf(lang, "partners.show_history", &[("n", &total.to_string())])) } }
        }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table {
                thead { tr { th { (t(lang, "partners.name")) } th { (t(lang, "partners.signed_on")) } th { (t(lang, "partners.valid_from")) } th { (t(lang, "partners.valid_to")) } th { (t(lang, "partners.state")) } th { (t(lang, "partners.commitments")) } } }
                tbody {
                    @for a in &all {
                        tr {
                            td { a href={ "/partners/" (a.partner_id) } { (a.partner_name) } @if a.renews_id.is_some() { " " span.tag { (t(lang, "partners.renewal")) } } }
                            td.nowrap { (a.signed_on) } td.nowrap { (a.valid_from) } td.nowrap { (a.valid_to) }
                            td.nowrap { (agreement_chip(lang, &a.valid_from, &a.valid_to, today)) }
                            td { @for k in &a.commitments { span.tag { (label(lang, "activity_kind", k.kind.as_str())) " " (k.target_per_year) } " " } }
                        }
                    }
                }
            }
        }
    };
    let crumbs = [(t(lang, "partners.title"), Some("/partners".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "partners.tab.agreements"), &crumbs, None, body))
}

#[derive(Deserialize)]
struct ActivitiesQuery {
    kind: Option<String>,
    year: Option<i32>,
}

async fn activities_page(ctx: Ctx, Query(q): Query<ActivitiesQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let year = q.year.filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| today(&ctx).year());
    let (mut acts, shots) = ops::activities(&ctx.state.app, &ctx.actor()?, year).await?;
    let kind = q.kind.as_deref().and_then(ActivityKind::parse);
    if let Some(k) = kind {
        acts.retain(|a| a.kind == k);
    }
    let body = html! {
        (tabs(lang, "/partners/activities"))
        form.filters.no-print method="get" action="/partners/activities" {
            div.filter-row {
                (layout::select(lang, "kind", "partners.activity_kind", &std::iter::once((String::new(), t(lang, "status.all"))).chain(activity_options(lang)).collect::<Vec<_>>(), kind.map_or("", |k| k.as_str()), None))
                (layout::field(lang, "year", "partners.year", "number", &year.to_string(), None, None))
                button.btn type="submit" { (t(lang, "partners.filter")) }
            }
        }
        p { (tf(lang, "partners.activities_count", &[("n", &acts.len().to_string())])) }
        (activity_table(lang, &acts, &shots, true))
    };
    let crumbs = [(t(lang, "partners.title"), Some("/partners".to_string()))];
    Ok(layout::page(
        &ctx,
        &tf(lang, "partners.activities_year", &[("year", &year.to_string())]),
        &crumbs,
        None,
        body,
    ))
}

async fn committee_page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let ops::Committee { posts, meetings, units } = ops::committee(&ctx.state.app, &actor).await?;
    let manage = ops::manages(&actor);
    let day = (today(&ctx)).to_string();
    let body = html! {
        (tabs(lang, "/partners/committee"))
        section.panel {
            h2 { (t(lang, "partners.posts")) }
            @if posts.is_empty() { p.hint { (t(lang, "partners.no_posts")) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "partners.posts")) {
                table.table {
                    thead { tr { th { (t(lang, "partners.post")) } th { (t(lang, "partners.person")) } th { (t(lang, "partners.person_unit")) } th { (t(lang, "partners.person_title")) } th { (t(lang, "partners.term")) } } }
                    tbody {
                        @for p in &posts {
                            tr {
                                td.nowrap { (label(lang, "committee_post", p.post.as_str())) }
                                td { (p.person_name) }
                                td { (p.partner_name.clone().unwrap_or_else(|| t(lang, "partners.community_staff"))) }
                                td { (p.title) }
                                td.nowrap { (p.term_from) " — " (p.term_to.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            @if manage {
                h3 { (t(lang, "partners.add_post")) }
                form.form method="post" action="/partners/committee/posts" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::select(lang, "post", "partners.post", &CommitteePost::ALL.iter().map(|k| (k.as_str().to_string(), label(lang, "committee_post", k.as_str()))).collect::<Vec<_>>(), "member", None))
                        (layout::field(lang, "person_name", "partners.person", "text", "", None, Some("off")))
                        (layout::select(lang, "partner_id", "partners.person_unit", &std::iter::once((String::new(), t(lang, "partners.community_staff"))).chain(units.iter().map(|u| (u.id.to_string(), u.name.clone()))).collect::<Vec<_>>(), "", None))
                        (layout::field(lang, "title", "partners.person_title", "text", "", None, Some("off")))
                        (layout::field(lang, "term_from", "partners.term_from", "date", &day, None, None))
                        (layout::field(lang, "term_to", "partners.term_to", "date", "", None, None))
                    }
                    div.form-actions { button.btn type="submit" { (t(lang, "partners.add_post")) } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "partners.meetings")) }
            @if meetings.is_empty() { p.hint { (t(lang, "partners.no_meetings")) } }
            @for m in &meetings {
                article.meeting {
                    h3 { (m.held_on) " " (m.title) }
                    p { (m.minutes) }
                    p.hint { (t(lang, "partners.attendance")) "：" (m.attendance) "（" (tf(lang, "partners.attendees_n", &[("n", &m.attendees.to_string())])) "）" }
                }
            }
            @if manage {
                h3 { (t(lang, "partners.add_meeting")) }
                form.form method="post" action="/partners/committee/meetings" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::field(lang, "held_on", "partners.held_on", "date", &day, None, None))
                        (layout::field(lang, "title", "partners.meeting_title", "text", "", None, Some("off")))
                        (layout::field(lang, "attendance", "partners.attendance", "text", "", None, Some("off")))
                    }
                    div.field { label for="minutes" { (t(lang, "partners.minutes")) } textarea #minutes name="minutes" rows="3" {} }
                    div.form-actions { button.btn type="submit" { (t(lang, "partners.add_meeting")) } }
                }
            }
        }
    };
    let crumbs = [(t(lang, "partners.title"), Some("/partners".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "partners.tab.committee"), &crumbs, None, body))
}

async fn post_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let back = "/partners/committee";
    let g = |k| pairs_get(&pairs, k).unwrap_or_default();
    let d = PostDraft {
        post: g("post"),
        person_name: g("person_name"),
        partner_id: pairs_get(&pairs, "partner_id").and_then(|v| v.parse::<i64>().ok()),
        title: g("title"),
        term_from: g("term_from"),
        term_to: g("term_to"),
    };
    if let Err(e) = ops::add_post(&ctx.state.app, &ctx.actor()?, d).await {
        return flash_or(back, e.into(), &["invalid"]);
    }
    Ok(redirect_with_flash(back, true, "partners.flash.saved"))
}

async fn meeting_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let back = "/partners/committee";
    let g = |k| pairs_get(&pairs, k).unwrap_or_default();
    let d = MeetingDraft {
        held_on: g("held_on"),
        title: g("title"),
        minutes: g("minutes"),
        attendance: g("attendance"),
    };
    if let Err(e) = ops::add_meeting(&ctx.state.app, &ctx.actor()?, d).await {
        return flash_or(back, e.into(), &["invalid"]);
    }
    Ok(redirect_with_flash(back, true, "partners.flash.saved"))
}

fn need_chip(lang: Lang, status: NeedStatus) -> Markup {
    let kind = match status {
        NeedStatus::Open => "warn",
        NeedStatus::Claimed | NeedStatus::Matched => "info",
        NeedStatus::Done => "ok",
        NeedStatus::Closed => "muted",
    };
    layout::chip(kind, &t(lang, &format!("partners.need.{status}")))
}

/// The three lists on one printable page: what the joint committee reviews at its meetings.
async fn lists_page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let ops::Lists { needs, resources, units } = ops::lists(&ctx.state.app, &actor).await?;
    let liaison = liaison_unit(&actor);
    let staff = ops::manages(&actor);
    let can_claim = actor.allowed(Action::ActForPartner, None) && liaison != Some(None);
    let open_needs: Vec<&store::Need> = needs
        .iter()
        .filter(|n| matches!(n.status, NeedStatus::Open | NeedStatus::Claimed))
        .collect();
    let projects: Vec<&store::Need> = needs
        .iter()
        .filter(|n| matches!(n.status, NeedStatus::Matched | NeedStatus::Done))
        .collect();
    let unit_options: Vec<(String, String)> =
        units.iter().map(|u| (u.id.to_string(), u.name.clone())).collect();
    let body = html! {
        (tabs(lang, "/partners/lists"))
        p.hint.no-print { (t(lang, "partners.lists_hint")) " " (t(lang, "partners.print")) }
        section.panel {
            h2 { (t(lang, "partners.needs_list")) }
            @if open_needs.is_empty() { p.hint { (t(lang, "partners.no_needs")) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "partners.needs_list")) {
                table.table {
                    thead { tr { th { "#" } th { (t(lang, "partners.need_title")) } th { (t(lang, "partners.place")) } th { (t(lang, "partners.urgency")) } th { (t(lang, "partners.raised_by")) } th { (t(lang, "partners.state")) } th.no-print {} } }
                    tbody {
                        @for n in &open_needs {
                            tr {
                                td { (n.id) }
                                td { strong { (n.title) } @if !n.description.is_empty() { br; span.hint { (n.description) } }
                                     @if let Some(a) = n.affair_id { br; a href={ "/affairs/" (a) } { (t(lang, "partners.from_affair")) } } }
                                td { (n.place_text) }
                                td.nowrap { @if n.urgency == "urgent" { (layout::chip("err", &t(lang, "partners.urgent"))) } @else { (t(lang, "partners.normal")) } }
                                td { (n.raised_by) }
                                td.nowrap { (need_chip(lang, n.status)) @if let Some(p) = &n.partner_name { br; (p) @if !n.claim_note.is_empty() { "：" span.hint { (n.claim_note) } } } }
                                td.no-print.actions-cell {
                                    @if n.status == NeedStatus::Open && can_claim {
                                        form.inline method="post" action={ "/partners/needs/" (n.id) "/claim" } {
                                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                                            @if liaison.is_none() {
                                                select name="partner_id" aria-label=(t(lang, "partners.claim_for")) { @for (v, l) in &unit_options { option value=(v) { (l) } } }
                                            }
                                            input.note-input type="text" name="note" placeholder=(t(lang, "partners.claim_note")) aria-label=(t(lang, "partners.claim_note"));
                                            " " button.btn.btn-small.btn-primary type="submit" { (t(lang, "partners.claim")) }
                                        }
                                    }
                                    @if n.status == NeedStatus::Claimed && staff {
                                        form.inline method="post" action={ "/partners/needs/" (n.id) "/confirm" } {
                                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                                            input.note-input type="text" name="plan" placeholder=(t(lang, "partners.plan")) aria-label=(t(lang, "partners.plan"));
                                            " " button.btn.btn-small.btn-primary type="submit" { (t(lang, "partners.confirm")) }
                                        }
                                        form.inline method="post" action={ "/partners/needs/" (n.id) "/reject" } {
                                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                                            button.btn.btn-small type="submit" { (t(lang, "partners.reject")) }
                                        }
                                    }
                                    @if n.status == NeedStatus::Claimed && !staff { span.hint { (t(lang, "partners.awaiting_confirmation")) } }
                                }
                            }
                        }
                    }
                }
            }
            @if staff {
                h3.no-print { (t(lang, "partners.add_need")) }
                form.form.no-print method="post" action="/partners/needs" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::field(lang, "title", "partners.need_title", "text", "", None, Some("off")))
                        (layout::field(lang, "place", "partners.place", "text", "", None, Some("off")))
                        (layout::field(lang, "raised_by", "partners.raised_by", "text", "", None, Some("off")))
                        (layout::select(lang, "urgency", "partners.urgency", &[("normal".into(), t(lang, "partners.normal")), ("urgent".into(), t(lang, "partners.urgent"))], "normal", None))
                    }
                    div.form-actions { button.btn type="submit" { (t(lang, "partners.add_need")) } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "partners.resources_list")) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "partners.resources_list")) {
                table.table {
                    thead { tr { th { (t(lang, "partners.name")) } th { (t(lang, "partners.resource_kind")) } th { (t(lang, "partners.resource_description")) } th { (t(lang, "partners.availability")) } } }
                    tbody { @for r in &resources { tr { td { (r.partner_name) } td.nowrap { (label(lang, "resource_kind", r.kind.as_str())) } td { (r.description) } td { (r.availability) } } } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "partners.projects_list")) }
            @if projects.is_empty() { p.hint { (t(lang, "partners.no_projects")) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "partners.projects_list")) {
                table.table {
                    thead { tr { th { (t(lang, "partners.need_title")) } th { (t(lang, "partners.owner")) } th { (t(lang, "partners.plan")) } th { (t(lang, "partners.milestones")) } th { (t(lang, "partners.progress")) } th { (t(lang, "partners.completed_on")) } th { (t(lang, "partners.verdict")) } th.no-print {} } }
                    tbody {
                        @for n in &projects {
                            tr {
                                td { strong { (n.title) } br; span.hint { (n.partner_name.clone().unwrap_or_default()) } }
                                td { (n.owner) } td { (n.plan) } td { (n.milestones) } td { (n.progress) }
                                td.nowrap { @if let Some(d) = &n.completed_on { (need_chip(lang, NeedStatus::Done)) " " (d) } @else { (need_chip(lang, n.status)) } }
                                td { (n.verdict) }
                                td.no-print.actions-cell {
                                    @if n.status == NeedStatus::Matched && (staff || (liaison.is_some() && liaison == Some(n.partner_id))) {
                                        form.inline method="post" action={ "/partners/needs/" (n.id) "/project" } {
                                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                                            input.note-input type="text" name="progress" value=(n.progress) aria-label=(t(lang, "partners.progress"));
                                            @if staff { input.note-input type="text" name="verdict" placeholder=(t(lang, "partners.verdict")) aria-label=(t(lang, "partners.verdict")); }
                                            label.check { input type="checkbox" name="done"; " " (t(lang, "partners.mark_done")) }
                                            " " button.btn.btn-small type="submit" { (t(lang, "common.save")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let crumbs = [(t(lang, "partners.title"), Some("/partners".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "partners.tab.lists"), &crumbs, None, body))
}

async fn need_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let d = NeedDraft {
        title: pairs_get(&pairs, "title").unwrap_or_default(),
        description: pairs_get(&pairs, "description"),
        place: pairs_get(&pairs, "place"),
        urgency: pairs_get(&pairs, "urgency"),
        raised_by: pairs_get(&pairs, "raised_by"),
        ..Default::default()
    };
    flash_result(
        "/partners/lists",
        ops::create_need(&ctx.state.app, &ctx.actor()?, d).await,
        "partners.flash.saved",
        &["invalid"],
    )
}

async fn claim_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let partner = pairs_get(&pairs, "partner_id").and_then(|v| v.parse().ok());
    let note = pairs_get(&pairs, "note").unwrap_or_default();
    flash_result(
        "/partners/lists",
        ops::claim_need(&ctx.state.app, &ctx.actor()?, id, partner, &note).await,
        "partners.flash.claimed",
        &["invalid", "conflict"],
    )
}

async fn confirm_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let plan = pairs_get(&pairs, "plan").unwrap_or_default();
    let owner = pairs_get(&pairs, "owner").unwrap_or_default();
    let d = ClaimDecision { confirm: true, owner, plan, milestones: String::new() };
    flash_result(
        "/partners/lists",
        ops::decide_claim(&ctx.state.app, &ctx.actor()?, id, d).await,
        "partners.flash.confirmed",
        &["conflict"],
    )
}

async fn project_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let progress = pairs_get(&pairs, "progress").unwrap_or_default();
    let verdict = pairs_get(&pairs, "verdict");
    let done = pairs_get(&pairs, "done").is_some();
    let actor = ctx.actor()?;
    flash_result(
        "/partners/lists",
        ops::update_project(&ctx.state.app, &actor, id, &progress, done, verdict.as_deref()).await,
        "partners.flash.saved",
        &["conflict"],
    )
}

async fn reject_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let d = ClaimDecision { confirm: false, ..Default::default() };
    flash_result(
        "/partners/lists",
        ops::decide_claim(&ctx.state.app, &ctx.actor()?, id, d).await,
        "partners.flash.rejected",
        &["conflict"],
    )
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewPartners);
    let manage = Policy::Signed(Action::ManagePartners);
    let act = Policy::Signed(Action::ActForPartner);
    let t = t
        .page(Method::GET, "/partners", view, dashboard)
        .page(Method::POST, "/partners", manage, create_submit)
        .page(Method::GET, "/partners/agreements", view, agreements_page)
        .page(Method::GET, "/partners/activities", view, activities_page)
        .page(Method::GET, "/partners/committee", view, committee_page)
        .page(Method::POST, "/partners/committee/posts", manage, post_submit)
        .page(Method::POST, "/partners/committee/meetings", manage, meeting_submit)
        .page(Method::GET, "/partners/lists", view, lists_page)
        .page(Method::POST, "/partners/needs", manage, need_submit)
        .page(Method::POST, "/partners/needs/{id}/claim", act, claim_submit)
        .page(Method::POST, "/partners/needs/{id}/confirm", manage, confirm_submit)
        .page(Method::POST, "/partners/needs/{id}/reject", manage, reject_submit)
        .page(Method::POST, "/partners/needs/{id}/project", act, project_submit)
        .page(Method::GET, "/partners/{id}", view, detail)
        .page(Method::POST, "/partners/{id}/agreements", manage, agreement_submit)
        .upload("/partners/{id}/activities", act, activity_submit)
        .page(Method::GET, "/partners/{id}/photos/{pid}", view, activity_photo)
        .page(Method::POST, "/partners/{id}/resources", act, resource_submit);
    super::affairs::routes(t)
}

/// This module's part of the worker's home page (due work), empty when nothing is due.
/// The home page's partner part: for a liaison, its unit — this year's commitments and how
/// far they are kept, the needs open to claim and its own projects — then the issues it holds.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let affairs = super::affairs::home_panel(ctx).await?;
    let Some(home) = ops::liaison_home(&ctx.state.app, &ctx.actor()?).await? else {
        return Ok(affairs);
    };
    let year = today(ctx).year();
    let p = &home.partner;
    Ok(html! {
        section.panel #liaison-home {
            h2 { a href={ "/partners/" (p.id) } { (p.name) } }
            h3 { (tf(lang, "partners.fulfilment_year", &[("year", &year.to_string())])) }
            @if home.fulfilment.is_empty() { p.hint { (t(lang, "partners.no_commitments")) } }
            @for (_, _, f) in &home.fulfilment { (fulfilment_row(lang, f)) }
            p.actions {
                a.btn.btn-primary href={ "/partners/" (p.id) "#activity-form" } { (t(lang, "partners.home_record")) }
                a.btn href={ "/partners/" (p.id) } { (t(lang, "partners.home_unit")) }
            }
        }
        (affairs)
        div.columns {
            section.panel #needs-open {
                h2 { (tf(lang, "partners.home_open_needs", &[("n", &home.open_needs.len().to_string())])) }
                @if home.open_needs.is_empty() { p.hint { (t(lang, "partners.no_needs")) } }
                ul.plain {
                    @for n in &home.open_needs {
                        li {
                            @if n.urgency == "urgent" { (layout::chip("err", &t(lang, "partners.urgent"))) " " }
                            strong { (n.title) } " " span.hint { (n.place_text) }
                        }
                    }
                }
                p { a.btn href="/partners/lists" { (t(lang, "partners.home_claim")) } }
            }
            section.panel #needs-ours {
                h2 { (t(lang, "partners.home_our_needs")) }
                @if home.our_needs.is_empty() { p.hint { (t(lang, "partners.home_no_our_needs")) } }
                ul.plain {
                    @for n in &home.our_needs {
                        li { (need_chip(lang, n.status)) " " (n.title) " " span.hint { (n.place_text) } }
                    }
                }
                p { a href="/partners/lists" { (t(lang, "partners.needs_list")) } }
            }
        }
    })
}
