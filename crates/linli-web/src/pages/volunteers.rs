//! Volunteers in the pages (issue 16): the roster, a volunteer's record with certificates and
//! corrections, activities with check-in and check-out from a phone, groups, the 双报到 sheet,
//! the public verification of a certificate, and the panels of the worker's and the
//! volunteer's home. Built on `linli_app::volunteers`.

use super::picker::{Picker, picker_status};
use super::{Pairs, back_with, pairs_get};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, NaiveTime};
use linli_app::volunteers::{
    self as ops, ActivityDraft, Check, CorrectionDraft, GroupDraft, MemberDraft, PartyDraft,
    VolunteerDraft, VolunteerView,
};
use linli_core::volunteers::{
    GroupKind, VolunteerCorrectionStatus, code_printed, hours_text, quarter_of,
};
use linli_core::{Action, Decision};
use linli_store::volunteers::{Certificate, Service};
use maud::{Markup, html};
use serde::Deserialize;

fn h(hours: f64) -> String {
    hours_text((hours * 10.0).round() as i64)
}

fn manages(ctx: &Ctx) -> bool {
    ctx.caller.as_ref().is_some_and(|c| c.decide(Action::ManageVolunteers, None) == Decision::Allow)
}

fn crumbs(lang: Lang) -> Vec<layout::Crumb> {
    vec![(t(lang, "volunteers.title"), Some("/volunteers".into()))]
}

/// The module's tabs; a liaison sees no 社团 tab, since she sees no groups.
fn sub_nav(ctx: &Ctx, here: &str) -> Markup {
    let lang = ctx.lang();
    let groups = ctx.actor().is_ok_and(|a| linli_app::volunteers::sees_groups(&a));
    let tabs = [
        ("/volunteers", "volunteers.roster"),
        ("/volunteers/activities", "volunteers.activities"),
        ("/volunteers/groups", "volunteers.groups"),
        ("/volunteers/party", "volunteers.party"),
    ];
    html! {
        nav.tabs.no-print aria-label=(t(lang, "volunteers.title")) {
            @for (href, key) in tabs.into_iter().filter(|(h, _)| groups || *h != "/volunteers/groups") {
                a href=(href) aria-current=[(href == here).then_some("page")] { (t(lang, key)) }
            }
        }
    }
}

async fn partner_options(ctx: &Ctx) -> Result<Vec<(String, String)>, AppError> {
    let lang = ctx.lang();
    let partners =
        linli_app::partners::list_partners(&ctx.state.app, &ctx.actor()?).await.unwrap_or_default();
    let mut opts = vec![(String::new(), t(lang, "volunteers.no_partner"))];
    opts.extend(partners.into_iter().map(|p| (p.id.to_string(), p.name)));
    Ok(opts)
}

// ---- the roster ----

#[derive(Deserialize, Default)]
struct RosterQuery {
    #[serde(default)]
    q: String,
}

/// Several reads (volunteers, hours, open recordings …): on one thread.
async fn roster(ctx: Ctx, Query(q): Query<RosterQuery>) -> Result<Response, AppError> {
    crate::metrics::on_one_thread(ctx.state.app.db.clone(), roster_page(ctx, q)).await?
}

async fn roster_page(ctx: Ctx, q: RosterQuery) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let year = actor.today().year();
    let list = ops::volunteers(&ctx.state.app, &actor, &q.q).await?;
    let totals = ops::totals(&ctx.state.app, &actor, year).await?;
    let manage = manages(&ctx);
    let due = if manage { Some(due_panel(&ctx).await?) } else { None };
    let corrections = if manage {
        corrections_panel(&ctx).await?
    } else {
        html! {}
    };
    let body = html! {
        (sub_nav(&ctx, "/volunteers"))
        @if let Some((tenths, persons, times)) = totals {
        div.stats {
                (layout::stat_text(&tf(lang, "volunteers.year_hours", &[("year", &year.to_string())]), &hours_text(tenths), &t(lang, "unit.hours"), Some("/volunteers/activities")))
                (layout::stat(&t(lang, "volunteers.year_persons"), persons, &t(lang, "unit.ren_persons"), None))
                (layout::stat(&t(lang, "volunteers.year_times"), times, &t(lang, "unit.renci"), None))
            }
        }
        @if let Some(d) = due { (d) }
        (corrections)
        section.panel {
            form.filters method="get" action="/volunteers" role="search" {
                div.filter-row {
                    div.field.grow {
                        label for="q" { (t(lang, "volunteers.search")) }
                        input #q type="search" name="q" value=(q.q);
                    }
                    div.field.buttons {
                        button.btn type="submit" { (t(lang, "common.search")) }
                        a.btn href="/volunteers/export.xlsx" { (t(lang, "volunteers.export")) }
                    }
                }
            }
            @if list.is_empty() {
                (layout::empty(&t(lang, "volunteers.none"), None))
            } @else {
                div.table-wrap tabindex="0" role="region" aria-label=(t(lang, "volunteers.roster")) {
                    table.table #volunteer-roster {
                        thead { tr {
                            th { (t(lang, "volunteers.name")) }
                            th { (t(lang, "volunteers.from")) }
                            th.num { (t(lang, "volunteers.services")) }
                            th.num { (t(lang, "volunteers.hours_total")) }
                        } }
                        tbody {
                            @for v in &list {
                                tr {
                                    td {
                                        a href={ "/volunteers/" (v.id) } { (v.name) }
                                        @if v.minor { " " (layout::chip("muted", &t(lang, "volunteers.minor"))) }
                                        @if v.resident { " " (layout::chip("ok", &t(lang, "volunteers.resident"))) }
                                    }
                                    td { (v.organisation) }
                                    td.num { (v.services) }
                                    td.num { (h(v.hours_total)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let action = manage.then(
        || html! { a.btn.btn-primary href="/volunteers/new" { (t(lang, "volunteers.new")) } },
    );
    Ok(layout::page(&ctx, &t(lang, "volunteers.title"), &[], action, body))
}

async fn roster_xlsx(ctx: Ctx) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let list = ops::volunteers(&ctx.state.app, &actor, "").await?;
    ops::export_audit(&ctx.state.app, &actor, "volunteers").await?;
    let headers = ["姓名", "来自", "社区居民", "未成年", "特长", "服务次数", "累计时长（小时）"];
    let rows: Vec<Vec<String>> = list
        .into_iter()
        .map(|v| {
            vec![
                v.name,
                v.organisation,
                if v.resident { "是" } else { "" }.into(),
                if v.minor { "是" } else { "" }.into(),
                v.skills,
                v.services.to_string(),
                h(v.hours_total),
            ]
        })
        .collect();
    super::xlsx_download(headers.to_vec(), rows, "志愿者", "volunteers.xlsx").await
}

/// Recordings due and overdue (§11): on the roster and the worker's home.
async fn due_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let due = ops::due_recordings(&ctx.state.app, &ctx.actor()?).await?;
    if due.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.panel #volunteer-due {
            h2 { (tf(lang, "volunteers.due_title", &[("n", &due.len().to_string())])) }
            p.hint { (t(lang, "volunteers.due_hint")) }
            ul.due-list {
                @for d in &due {
                    li {
                        a href={ "/volunteers/activities/" (d.activity.id) } { (d.activity.held_on) " " (d.activity.name) }
                        " "
                        @if d.overdue {
                            (layout::chip("err", &tf(lang, "volunteers.overdue", &[("date", &d.due.to_string())])))
                        } @else {
                            (layout::chip("warn", &tf(lang, "volunteers.due_on", &[("date", &d.due.to_string())])))
                        }
                        " " span.hint { (tf(lang, "volunteers.uncredited", &[("n", &(d.activity.signed_up - d.activity.credited).to_string())])) }
                    }
                }
            }
        }
    })
}

/// On a worker's home: the recordings due and the corrections waiting.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    if !manages(ctx) {
        return Ok(html! {});
    }
    Ok(html! { (due_panel(ctx).await?) (corrections_panel(ctx).await?) })
}

async fn corrections_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let items = ops::corrections_pending(&ctx.state.app, &ctx.actor()?).await?;
    if items.is_empty() {
        return Ok(html! {});
    }
    let csrf = ctx.csrf();
    Ok(html! {
        section.panel #volunteer-corrections {
            h2 { (tf(lang, "volunteers.corrections_title", &[("n", &items.len().to_string())])) }
            p.hint { (t(lang, "volunteers.corrections_hint")) }
            @for k in &items {
                div.claim {
                    p {
                        a href={ "/volunteers/" (k.volunteer_id) } { (k.volunteer_name) } "："
                        (label(lang, "volunteer_field", &k.field)) " "
                        del { (k.value_before) } " → " strong { (k.value_asked) }
                        @if !k.reason.is_empty() { " " span.hint { "（" (k.reason) "）" } }
                    }
                    (layout::decide_forms(
                        &format!("/volunteers/corrections/{}/decide", k.id),
                        &csrf,
                        ("accept", &t(lang, "volunteers.accept")),
                        &t(lang, "volunteers.reject"),
                        &t(lang, "volunteers.reject_reason"),
                    ))
                }
            }
        }
    })
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide_correction(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let r = ops::decide_correction(&ctx.state.app, &ctx.actor()?, id, &f.decision, &f.note).await;
    back_with("/volunteers#volunteer-corrections", r, |_| "volunteers.flash_decided")
}

// ---- registering a volunteer ----

#[derive(Default)]
struct VolunteerForm {
    name: String,
    id_number: String,
    phone: String,
    partner_id: String,
    organisation: String,
    skills: String,
    availability: String,
    minor: bool,
    consent: bool,
    guardian_consent: bool,
}

async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    let picker = Picker::new("resident_id", "volunteers.resident_pick");
    form_page(&ctx, &VolunteerForm::default(), &picker, None, StatusCode::OK).await
}

async fn form_page(
    ctx: &Ctx,
    f: &VolunteerForm,
    picker: &Picker,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let partners = partner_options(ctx).await?;
    let body = html! {
        section.panel {
            p.hint { (t(lang, "volunteers.consent_rule")) }
            form.form #new-volunteer method="post" action="/volunteers" novalidate {
                @if let Some(e) = &error { p.form-error role="alert" { (e) } }
                input type="hidden" name="_csrf" value=(ctx.csrf());
                h2 { (t(lang, "volunteers.as_resident")) }
                (picker.render(lang))
                h2 { (t(lang, "volunteers.as_other")) }
                div.grid2 {
                    (layout::field(lang, "name", "volunteers.name", "text", &f.name, None, Some("off")))
                    (layout::field(lang, "id_number", "residents.id_number", "text", &f.id_number, None, Some("off")))
                    (layout::field(lang, "phone", "residents.phone", "tel", &f.phone, None, Some("off")))
                    (layout::select(lang, "partner_id", "volunteers.partner", &partners, &f.partner_id, None))
                }
                h2 { (t(lang, "volunteers.about")) }
                div.grid2 {
                    (layout::field(lang, "organisation", "volunteers.organisation", "text", &f.organisation, None, Some("off")))
                    (layout::field(lang, "skills", "volunteers.skills", "text", &f.skills, None, Some("off")))
                    (layout::field(lang, "availability", "volunteers.availability", "text", &f.availability, None, Some("off")))
                }
                label.check { input type="checkbox" name="minor" value="1" checked[f.minor]; " " (t(lang, "volunteers.minor_check")) }
                label.check { input type="checkbox" name="consent" value="1" checked[f.consent]; " " (t(lang, "volunteers.consent_check")) }
                label.check { input type="checkbox" name="guardian_consent" value="1" checked[f.guardian_consent]; " " (t(lang, "volunteers.guardian_check")) }
                div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
            }
        }
    };
    Ok(layout::page_with_status(ctx, status, &t(lang, "volunteers.new"), &crumbs(lang), None, body))
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let get = |k: &str| pairs_get(&pairs, k).unwrap_or_default();
    let f = VolunteerForm {
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        partner_id: get("partner_id"),
        organisation: get("organisation"),
        skills: get("skills"),
        availability: get("availability"),
        minor: !get("minor").is_empty(),
        consent: !get("consent").is_empty(),
        guardian_consent: !get("guardian_consent").is_empty(),
    };
    let needed = f.name.is_empty();
    let mut picker = Picker::new("resident_id", "volunteers.resident_pick")
        .read_form(&ctx.state, &actor, lang, &pairs, needed)
        .await?;
    if picker.holds_form() {
        let status = picker_status(&picker);
        return form_page(&ctx, &f, &picker, None, status).await;
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let d = VolunteerDraft {
        resident_id: if needed { picker.ready().flatten() } else { None },
        name: opt(&f.name),
        id_number: opt(&f.id_number),
        phone: opt(&f.phone),
        partner_id: f.partner_id.parse().ok(),
        consent: f.consent,
        guardian_consent: Some(f.guardian_consent),
        minor: Some(f.minor),
        skills: opt(&f.skills),
        availability: opt(&f.availability),
        organisation: opt(&f.organisation),
    };
    match ops::create_volunteer(&ctx.state.app, &actor, d).await.map_err(AppError::from) {
        Ok(id) => {
            Ok(redirect_with_flash(&format!("/volunteers/{id}"), true, "volunteers.flash_created"))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let msg = (!picker.take_error(lang, &e))
                .then(|| tf(lang, &format!("error.{}", e.code()), &[]));
            form_page(&ctx, &f, &picker, msg, e.status()).await
        }
        Err(e) => Err(e),
    }
}

// ---- one volunteer ----

fn services_table(lang: Lang, services: &[linli_app::volunteers::ServiceLine]) -> Markup {
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(t(lang, "volunteers.record_services")) {
            table.table #volunteer-services {
                thead { tr {
                    th { (t(lang, "volunteers.on")) }
                    th { (t(lang, "volunteers.activity")) }
                    th { (t(lang, "volunteers.place")) }
                    th.num { (t(lang, "volunteers.hours")) }
                    th { (t(lang, "volunteers.recorded_on")) }
                } }
                tbody {
                    @for s in services {
                        tr {
                            td { (s.on) }
                            td { a href={ "/volunteers/activities/" (s.activity_id) } { (s.activity) } br; span.hint { (s.organiser) } }
                            td { (s.place) }
                            td.num { @if let Some(x) = s.hours { (h(x)) } @else { (layout::chip("muted", &t(lang, "volunteers.signed_only"))) } }
                            td {
                                @if let Some(r) = &s.recorded_on { (r) }
                                @if s.late { " " (layout::chip("warn", &t(lang, "volunteers.late"))) " " span.hint { (s.late_reason) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The fields a correction may change: a resident's name and phone are the registry's.
/// Where a request to correct her record stands; a refusal shows the worker's note.
fn correction_chip(lang: Lang, k: &linli_store::volunteers::Correction) -> Markup {
    let (kind, key) = match k.status {
        VolunteerCorrectionStatus::Accepted => ("ok", "volunteers.accepted"),
        VolunteerCorrectionStatus::Rejected => ("muted", "volunteers.rejected"),
        VolunteerCorrectionStatus::Pending => ("warn", "volunteers.pending"),
    };
    html! {
        (layout::chip(kind, &t(lang, key)))
        @if k.status == VolunteerCorrectionStatus::Rejected { " " (k.note) }
    }
}

fn correctable(resident: bool) -> &'static [&'static str] {
    if resident {
        &["skills", "availability", "organisation"]
    } else {
        &["name", "phone", "skills", "availability", "organisation"]
    }
}

fn record_body(ctx: &Ctx, v: &VolunteerView, staff: bool, today: NaiveDate) -> Markup {
    let lang = ctx.lang();
    let csrf = ctx.csrf();
    let year_start = format!("{}-01-01", today.year());
    html! {
        section.panel #volunteer-record {
            dl.facts {
                dt { (t(lang, "volunteers.name")) } dd { (v.name) @if v.minor { " " (layout::chip("muted", &t(lang, "volunteers.minor"))) } }
                @if !v.organisation.is_empty() || v.partner_name.is_some() {
                    dt { (t(lang, "volunteers.from")) } dd { (v.organisation) @if let Some(p) = &v.partner_name { @if !v.organisation.is_empty() { " · " } (p) } }
                }
                @if !v.id_number.is_empty() { dt { (t(lang, "residents.id_number")) } dd { (v.id_number) } }
                @if !v.phone.is_empty() { dt { (t(lang, "residents.phone")) } dd { (v.phone) } }
                @if !v.skills.is_empty() { dt { (t(lang, "volunteers.skills")) } dd { (v.skills) } }
                @if !v.availability.is_empty() { dt { (t(lang, "volunteers.availability")) } dd { (v.availability) } }
                dt { (t(lang, "volunteers.consent")) } dd {
                    (tf(lang, "volunteers.consent_on", &[("date", &v.consent_on.to_string())]))
                    @if v.minor { "；" @if v.guardian_consent { (t(lang, "volunteers.guardian_yes")) } @else { (t(lang, "volunteers.guardian_no")) } }
                }
                dt { (t(lang, "volunteers.hours_total")) } dd #hours-total { strong { (h(v.hours_total)) } " " (t(lang, "unit.hours")) " · " (tf(lang, "volunteers.n_services", &[("n", &v.services.iter().filter(|s| s.hours.is_some()).count().to_string())])) }
                @if staff { @if let Some(r) = v.resident_id { dt { (t(lang, "volunteers.resident")) } dd { a href={ "/residents/" (r) } { (t(lang, "volunteers.registry_record")) } } } }
            }
        }
        section.panel {
            h2 { (t(lang, "volunteers.record_services")) }
            @if v.services.is_empty() { p.hint { (t(lang, "volunteers.no_services")) } } @else { (services_table(lang, &v.services)) }
            @if !v.edits.is_empty() {
                h3 { (t(lang, "volunteers.edits")) }
                ul {
                    @for e in &v.edits {
                        li { (e.edited_at.day()) " " (e.edited_by) "："
                            (e.hours_before.map(hours_text).unwrap_or_else(|| "—".into())) " → " (hours_text(e.hours_after)) " " (t(lang, "unit.hours"))
                            "（" (e.reason) "）" }
                    }
                }
            }
        }
        section.panel #certificates {
            h2 { (t(lang, "volunteers.certificates")) }
            @if v.certificates.is_empty() { p.hint { (t(lang, "volunteers.no_certificates")) } }
            ul.link-list {
                @for k in &v.certificates {
                    li { a href={ "/volunteers/certificates/" (k.id) } { (k.from) " — " (k.to) "，" (h(k.hours)) " " (t(lang, "unit.hours")) } " " span.hint { (tf(lang, "volunteers.issued_on", &[("date", &k.issued_on.to_string())])) } }
                }
            }
            @if staff {
                form.form.inline-form method="post" action={ "/volunteers/" (v.id) "/certificates" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    div.grid2 {
                        (layout::field(lang, "from", "volunteers.from_date", "date", &year_start, None, None))
                        (layout::field(lang, "to", "volunteers.to_date", "date", &today.to_string(), None, None))
                    }
                    p.hint { (t(lang, "volunteers.certificate_rule")) }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "volunteers.issue")) } }
                }
            }
        }
        section.panel #corrections {
            h2 { (t(lang, "volunteers.corrections")) }
            p.hint { (t(lang, "volunteers.correction_rule")) }
            @if !v.corrections.is_empty() {
                ul {
                    @for k in &v.corrections {
                        li {
                            (k.asked_at.day()) " " (label(lang, "volunteer_field", &k.field)) "：" (k.value_before) " → " (k.value_asked) " "
                            (correction_chip(lang, k))
                        }
                    }
                }
            }
            form.form method="post" action={ "/volunteers/" (v.id) "/corrections" } {
                input type="hidden" name="_csrf" value=(csrf);
                div.grid2 {
                    (layout::select(lang, "field", "volunteers.field", &correctable(v.resident_id.is_some()).iter().map(|f| (f.to_string(), label(lang, "volunteer_field", f))).collect::<Vec<_>>(), "skills", None))
                    (layout::field(lang, "value", "volunteers.value", "text", "", None, Some("off")))
                    (layout::field(lang, "reason", "volunteers.reason", "text", "", None, Some("off")))
                }
                div.form-actions { button.btn type="submit" { (t(lang, "volunteers.ask_correction")) } }
            }
        }
    }
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let v = ops::volunteer(&ctx.state.app, &actor, id).await?;
    let body = record_body(&ctx, &v, manages(&ctx), actor.today());
    Ok(layout::page(&ctx, &v.name, &crumbs(lang), None, body))
}

#[derive(Deserialize)]
struct PeriodForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn issue_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PeriodForm>,
) -> Result<Response, AppError> {
    let r = ops::issue_certificate(
        &ctx.state.app,
        &ctx.actor()?,
        linli_app::volunteers::CertificateDraft { volunteer_id: id, from: f.from, to: f.to },
    )
    .await;
    match r {
        Ok(k) => Ok(redirect_with_flash(
            &format!("/volunteers/certificates/{}", k.id),
            true,
            "volunteers.flash_issued",
        )),
        Err(e) => back_with(&format!("/volunteers/{id}#certificates"), Err::<(), _>(e), |_| ""),
    }
}

#[derive(Deserialize)]
struct CorrectionForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

async fn correction_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let own = actor.is_resident_only();
    let r = ops::ask_correction(
        &ctx.state.app,
        &actor,
        id,
        CorrectionDraft { field: f.field, value: f.value, reason: f.reason },
    )
    .await;
    let to =
        if own { "/#my-volunteering".to_string() } else { format!("/volunteers/{id}#corrections") };
    back_with(&to, r, |_| "volunteers.flash_asked")
}

// ---- certificates ----

fn certificate_body(lang: Lang, k: &Certificate) -> Markup {
    html! {
        article.certificate #certificate {
            h2.certificate-title { (t(lang, "volunteers.certificate_title")) }
            p.certificate-text {
                (tf(lang, "volunteers.certificate_text", &[
                    ("name", &k.volunteer_name), ("from", &k.period_from), ("to", &k.period_to),
                    ("n", &k.services.to_string()), ("hours", &hours_text(k.hours_tenths)),
                ]))
            }
            table.table.certificate-list {
                thead { tr { th { (t(lang, "volunteers.on")) } th { (t(lang, "volunteers.activity")) } th.num { (t(lang, "volunteers.hours")) } } }
                tbody {
                    @for line in k.activities.lines() {
                        @let parts: Vec<&str> = line.split('\t').collect();
                        tr { td { (parts.first().copied().unwrap_or_default()) } td { (parts.get(1).copied().unwrap_or_default()) } td.num { (parts.get(2).copied().unwrap_or_default()) } }
                    }
                }
            }
            p.certificate-free { (t(lang, "volunteers.certificate_free")) }
            div.certificate-sign {
                p { (t(lang, "volunteers.issuer")) "：" strong { (k.issuer) } }
                p { (tf(lang, "volunteers.issued_on", &[("date", &linli_core::dates::chinese(k.issued_on))])) }
            }
            p.certificate-code {
                (t(lang, "volunteers.code")) "：" strong #certificate-code { (code_printed(&k.code)) }
                br; span.hint { (tf(lang, "volunteers.verify_at", &[("path", &format!("/public/verify/{}", k.code))])) }
            }
        }
    }
}

async fn certificate(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let k = ops::certificate(&ctx.state.app, &ctx.actor()?, id).await?;
    let body = html! {
        div.actions.no-print {
            button.btn.btn-primary type="button" data-print { (t(lang, "common.print")) }
            " " a.btn href={ "/volunteers/" (k.volunteer_id) } { (k.volunteer_name) }
        }
        (certificate_body(lang, &k))
        (super::print_script())
    };
    Ok(layout::page(&ctx, &t(lang, "volunteers.certificate_title"), &crumbs(lang), None, body))
}

#[derive(Deserialize, Default)]
struct VerifyQuery {
    #[serde(default)]
    code: String,
}

async fn verify_page(ctx: &Ctx, code: &str) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let found =
        if code.trim().is_empty() { None } else { Some(ops::verify(&ctx.state.app, code).await?) };
    let body = html! {
        h1 { (t(lang, "volunteers.verify_title")) }
        form.form method="get" action="/public/verify" {
            (layout::field(lang, "code", "volunteers.code", "text", code, None, Some("off")))
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "volunteers.verify")) } }
        }
        @match &found {
            Some(Some(k)) => {
                p.flash.flash-ok role="status" #verify-ok { (t(lang, "volunteers.verify_ok")) }
                (certificate_body(lang, k))
            },
            Some(None) => p.flash.flash-error role="alert" #verify-none { (t(lang, "volunteers.verify_none")) },
            None => p.hint { (t(lang, "volunteers.verify_hint")) },
        }
    };
    let status = match found {
        Some(None) => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    let mut res = layout::public_page(ctx, &t(lang, "volunteers.verify_title"), body);
    *res.status_mut() = status;
    Ok(res)
}

async fn verify_code(ctx: Ctx, Path(code): Path<String>) -> Result<Response, AppError> {
    verify_page(&ctx, &code).await
}

async fn verify_query(ctx: Ctx, Query(q): Query<VerifyQuery>) -> Result<Response, AppError> {
    verify_page(&ctx, &q.code).await
}

// ---- activities ----

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

async fn activities(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let today = actor.today();
    let year = q.year.unwrap_or(today.year()).clamp(2000, 2100);
    let parse = |s: &Option<String>| s.as_deref().and_then(linli_core::dates::parse_date);
    let from = parse(&q.from).unwrap_or(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
    let to = parse(&q.to).unwrap_or(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    let list = ops::activities(&ctx.state.app, &actor, from, to).await?;
    let manage = manages(&ctx);
    let groups = if manage { ops::groups(&ctx.state.app, &actor).await? } else { Vec::new() };
    let partners = if manage { partner_options(&ctx).await? } else { Vec::new() };
    let mut group_opts = vec![(String::new(), t(lang, "volunteers.no_group"))];
    group_opts.extend(groups.iter().map(|g| (g.id.to_string(), g.name.clone())));
    let body = html! {
        (sub_nav(&ctx, "/volunteers/activities"))
        section.panel {
            p.hint { (tf(lang, "volunteers.period", &[("from", &from.to_string()), ("to", &to.to_string())]))
                " " a href={ "/volunteers/activities?year=" (year - 1) } { (year - 1) } " · " a href={ "/volunteers/activities?year=" (year) } { (year) } }
            @if list.is_empty() { (layout::empty(&t(lang, "volunteers.no_activities"), None)) } @else {
                div.table-wrap tabindex="0" role="region" aria-label=(t(lang, "volunteers.activities")) {
                    table.table #volunteer-activities {
                        thead { tr {
                            th { (t(lang, "volunteers.on")) } th { (t(lang, "volunteers.activity")) } th { (t(lang, "volunteers.organiser")) }
                            th.num { (t(lang, "volunteers.volunteers")) } th.num { (t(lang, "volunteers.hours")) }
                        } }
                        tbody {
                            @for a in &list {
                                tr {
                                    td { (a.held_on) }
                                    td { a href={ "/volunteers/activities/" (a.id) } { (a.name) } @if a.paid { " " (layout::chip("muted", &t(lang, "volunteers.paid"))) } br; span.hint { (a.place) } }
                                    td { (a.organiser) }
                                    td.num { (a.credited) "/" (a.signed_up) }
                                    td.num { (hours_text(a.hours_tenths)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            section.panel #new-activity {
                h2 { (t(lang, "volunteers.new_activity")) }
                form.form method="post" action="/volunteers/activities" {
                    input type="hidden" name="_csrf" value=(ctx.csrf());
                    div.grid2 {
                        (layout::field(lang, "name", "volunteers.activity", "text", "", None, Some("off")))
                        (layout::field(lang, "on", "volunteers.on", "date", &today.to_string(), None, None))
                        (layout::field(lang, "place", "volunteers.place", "text", "", None, Some("off")))
                        (layout::field(lang, "person_in_charge", "volunteers.person_in_charge", "text", "", None, Some("off")))
                        (layout::select(lang, "group_id", "volunteers.group", &group_opts, "", None))
                        (layout::select(lang, "partner_id", "volunteers.partner", &partners, "", None))
                        (layout::field(lang, "places", "volunteers.places", "number", "", None, None))
                    }
                    div.field { label for="content" { (t(lang, "volunteers.content")) } textarea #content name="content" rows="3" {} }
                    label.check { input type="checkbox" name="paid" value="1"; " " (t(lang, "volunteers.paid_check")) }
                    p.hint { (t(lang, "volunteers.paid_rule")) }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "volunteers.activities"), &crumbs(lang), None, body))
}

#[derive(Deserialize)]
struct ActivityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    person_in_charge: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    places: String,
    #[serde(default)]
    paid: Option<String>,
}

async fn activity_submit(ctx: Ctx, Form(f): Form<ActivityForm>) -> Result<Response, AppError> {
    let d = ActivityDraft {
        name: f.name,
        on: f.on,
        place: f.place,
        content: f.content,
        group_id: f.group_id.parse().ok(),
        partner_id: f.partner_id.parse().ok(),
        paid: f.paid.is_some(),
        organiser: None,
        person_in_charge: Some(f.person_in_charge),
        places: f.places.trim().parse().ok(),
    };
    match ops::create_activity(&ctx.state.app, &ctx.actor()?, d).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/volunteers/activities/{id}"),
            true,
            "volunteers.flash_activity",
        )),
        Err(e) => back_with("/volunteers/activities#new-activity", Err::<(), _>(e), |_| ""),
    }
}

/// A field of one service's form: its id names the service, so that a page of many
/// volunteers has no two fields with one id.
fn line_field(lang: Lang, service: i64, name: &str, label_key: &str, value: &str) -> Markup {
    let id = format!("{name}-{service}");
    html! {
        div.field {
            label for=(id) { (t(lang, label_key)) }
            input id=(id) name=(name) type="text" value=(value) autocomplete="off";
        }
    }
}

fn service_row(lang: Lang, csrf: &str, s: &Service, manage: bool, paid: bool) -> Markup {
    let time =
        |x: &Option<String>| x.as_deref().and_then(|v| v.get(11..16)).unwrap_or("—").to_string();
    html! {
        li.service #{ "service-" (s.id) } {
            div.service-head {
                strong { a href={ "/volunteers/" (s.volunteer_id) } { (s.volunteer_name) } }
                @if !s.organisation.is_empty() { " " span.hint { (s.organisation) } }
            }
            div.service-times {
                (t(lang, "volunteers.check_in")) " " span.check-in { (time(&s.check_in)) }
                " · " (t(lang, "volunteers.check_out")) " " span.check-out { (time(&s.check_out)) }
                " · " (t(lang, "volunteers.hours")) " "
                strong.service-hours { @if let Some(x) = s.hours_tenths { (hours_text(x)) } @else { "—" } }
                @if s.late { " " (layout::chip("warn", &t(lang, "volunteers.late"))) " " span.hint { (s.late_reason) } }
            }
            @if manage && !paid {
                @if s.hours_tenths.is_none() {
                    @if s.check_in.is_none() {
                        form.inline method="post" action={ "/volunteers/services/" (s.id) "/check-in" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            input type="time" name="at" aria-label=(t(lang, "volunteers.time_optional"));
                            " " button.btn.btn-primary.check-in-btn type="submit" { (t(lang, "volunteers.do_check_in")) }
                        }
                    } @else {
                        form.inline method="post" action={ "/volunteers/services/" (s.id) "/check-out" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            input type="time" name="at" aria-label=(t(lang, "volunteers.time_optional"));
                            " " button.btn.btn-primary.check-out-btn type="submit" { (t(lang, "volunteers.do_check_out")) }
                        }
                    }
                    details.service-hours-form {
                        summary { (t(lang, "volunteers.enter_hours")) }
                        form.form method="post" action={ "/volunteers/services/" (s.id) "/hours" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            (line_field(lang, s.id, "hours", "volunteers.hours", ""))
                            (line_field(lang, s.id, "reason", "volunteers.late_reason", ""))
                            button.btn type="submit" { (t(lang, "volunteers.credit")) }
                        }
                    }
                } @else {
                    details.service-edit {
                        summary { (t(lang, "volunteers.edit_hours")) }
                        form.form method="post" action={ "/volunteers/services/" (s.id) "/hours" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            (line_field(lang, s.id, "hours", "volunteers.hours", &s.hours_tenths.map(hours_text).unwrap_or_default()))
                            (line_field(lang, s.id, "reason", "volunteers.edit_reason", ""))
                            button.btn type="submit" { (t(lang, "common.save")) }
                        }
                    }
                }
            }
        }
    }
}

async fn activity_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let v = ops::activity(&ctx.state.app, &actor, id).await?;
    let a = &v.activity;
    let manage = manages(&ctx);
    let csrf = ctx.csrf();
    let signed: Vec<i64> = v.services.iter().map(|s| s.volunteer_id).collect();
    let candidates = if manage && !a.paid {
        ops::volunteers(&ctx.state.app, &actor, "")
            .await?
            .into_iter()
            .filter(|x| !signed.contains(&x.id))
            .collect()
    } else {
        Vec::new()
    };
    let body = html! {
        section.panel {
            dl.facts {
                dt { (t(lang, "volunteers.on")) } dd { (a.held_on) }
                dt { (t(lang, "volunteers.place")) } dd { (a.place) }
                @if !a.content.is_empty() { dt { (t(lang, "volunteers.content")) } dd { (a.content) } }
                dt { (t(lang, "volunteers.organiser")) } dd { (a.organiser) }
                @if !a.person_in_charge.is_empty() { dt { (t(lang, "volunteers.person_in_charge")) } dd { (a.person_in_charge) } }
                @if let Some(g) = &a.group_name { dt { (t(lang, "volunteers.group")) } dd { a href={ "/volunteers/groups/" (a.group_id.unwrap_or_default()) } { (g) } } }
                @if let Some(p) = &a.partner_name { dt { (t(lang, "volunteers.partner")) } dd { a href={ "/partners/" (a.partner_id.unwrap_or_default()) } { (p) } } }
                dt { (t(lang, "volunteers.hours_label")) } dd #activity-hours { (hours_text(a.hours_tenths)) " " (t(lang, "unit.hours")) "（" (a.credited) "/" (a.signed_up) "）" }
                @if !a.paid {
                    dt { (t(lang, "volunteers.record_by")) } dd {
                        (v.due) " "
                        @if v.overdue { (layout::chip("err", &t(lang, "volunteers.overdue_short"))) }
                        @if v.calendar_unknown { br; span.hint { (tf(lang, "volunteers.calendar_unknown", &[("year", &v.due.year().to_string())])) } }
                    }
                }
            }
            @if a.paid { p.flash.flash-error role="note" { (t(lang, "volunteers.paid_notice")) } }
        }
        section.panel #services {
            h2 { (t(lang, "volunteers.volunteers")) }
            @if v.services.is_empty() { p.hint { (t(lang, "volunteers.nobody_yet")) } }
            ul.services { @for s in &v.services { (service_row(lang, &csrf, s, manage, a.paid)) } }
            @if manage && !a.paid {
                form.form #sign-up method="post" action={ "/volunteers/activities/" (a.id) "/sign-up" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    (layout::select(lang, "volunteer_id", "volunteers.sign_up_who", &candidates.iter().map(|x| (x.id.to_string(), if x.organisation.is_empty() { x.name.clone() } else { format!("{}（{}）", x.name, x.organisation) })).collect::<Vec<_>>(), "", None))
                    div.form-actions { button.btn type="submit" { (t(lang, "volunteers.sign_up")) } }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &a.name,
        &[
            crumbs(lang).remove(0),
            (t(lang, "volunteers.activities"), Some("/volunteers/activities".into())),
        ],
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct SignUpForm {
    #[serde(default)]
    volunteer_id: String,
    /// Where to return (the volunteer's own home); the activity's page otherwise.
    #[serde(default)]
    back: Option<String>,
}

async fn sign_up_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SignUpForm>,
) -> Result<Response, AppError> {
    let vid = f.volunteer_id.parse().unwrap_or_default();
    let r = ops::sign_up(&ctx.state.app, &ctx.actor()?, id, vid).await;
    let to = match f.back.as_deref() {
        Some("/#my-volunteering") => "/#my-volunteering".to_string(),
        _ => format!("/volunteers/activities/{id}#services"),
    };
    back_with(&to, r, |_| "volunteers.flash_signed_up")
}

#[derive(Deserialize)]
struct CheckForm {
    #[serde(default)]
    at: String,
    #[serde(default)]
    reason: String,
}

async fn check_submit(
    ctx: &Ctx,
    id: i64,
    which: Check,
    f: CheckForm,
) -> Result<Response, AppError> {
    let at = NaiveTime::parse_from_str(f.at.trim(), "%H:%M").ok();
    let actor = ctx.actor()?;
    let to = service_anchor(&ops::service(&ctx.state.app, &actor, id).await?);
    let r = ops::check(&ctx.state.app, &actor, id, which, at, &f.reason).await;
    back_with(&to, r, |_| match which {
        Check::In => "volunteers.flash_checked_in",
        Check::Out => "volunteers.flash_checked_out",
    })
}

async fn check_in_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CheckForm>,
) -> Result<Response, AppError> {
    check_submit(&ctx, id, Check::In, f).await
}

async fn check_out_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CheckForm>,
) -> Result<Response, AppError> {
    check_submit(&ctx, id, Check::Out, f).await
}

#[derive(Deserialize)]
struct HoursForm {
    #[serde(default)]
    hours: String,
    #[serde(default)]
    reason: String,
}

async fn hours_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HoursForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let to = service_anchor(&ops::service(&ctx.state.app, &actor, id).await?);
    let r = ops::credit_or_edit(&ctx.state.app, &actor, id, &f.hours, &f.reason).await;
    back_with(&to, r, |_| "volunteers.flash_hours")
}

/// Where a service's forms return to: its line on the activity's page.
fn service_anchor(s: &Service) -> String {
    format!("/volunteers/activities/{}#service-{}", s.activity_id, s.id)
}

// ---- groups ----

async fn groups(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let list = ops::groups(&ctx.state.app, &ctx.actor()?).await?;
    let kinds: Vec<(String, String)> = GroupKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "group_kind", k.as_str())))
        .collect();
    let body = html! {
        (sub_nav(&ctx, "/volunteers/groups"))
        section.panel {
            @if list.is_empty() { (layout::empty(&t(lang, "volunteers.no_groups"), None)) }
            ul.link-list #groups {
                @for g in &list {
                    li {
                        a href={ "/volunteers/groups/" (g.id) } { (g.name) } " " (layout::chip("muted", &label(lang, "group_kind", g.kind.as_str())))
                        " " span.hint { (tf(lang, "volunteers.group_line", &[("members", &g.members.to_string()), ("activities", &g.activities.to_string())]))
                            @if !g.leaders.is_empty() { " · " (t(lang, "volunteers.leaders")) "：" (g.leaders) } }
                    }
                }
            }
        }
        @if manages(&ctx) {
            section.panel {
                h2 { (t(lang, "volunteers.new_group")) }
                form.form method="post" action="/volunteers/groups" {
                    input type="hidden" name="_csrf" value=(ctx.csrf());
                    div.grid2 {
                        (layout::field(lang, "name", "volunteers.group_name", "text", "", None, Some("off")))
                        (layout::select(lang, "kind", "volunteers.group_kind", &kinds, "volunteer_team", None))
                        (layout::field(lang, "note", "volunteers.note", "text", "", None, Some("off")))
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "volunteers.groups"), &crumbs(lang), None, body))
}

#[derive(Deserialize)]
struct GroupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
}

async fn group_submit(ctx: Ctx, Form(f): Form<GroupForm>) -> Result<Response, AppError> {
    let r = ops::create_group(
        &ctx.state.app,
        &ctx.actor()?,
        GroupDraft { name: f.name, kind: f.kind, note: Some(f.note) },
    )
    .await;
    match r {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/volunteers/groups/{id}"),
            true,
            "volunteers.flash_group",
        )),
        Err(e) => back_with("/volunteers/groups", Err::<(), _>(e), |_| ""),
    }
}

async fn group_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let g = ops::group(&ctx.state.app, &actor, id).await?;
    let picker = Picker::new("resident_id", "volunteers.member_pick");
    let body = html! {
        section.panel {
            p { (layout::chip("muted", &label(lang, "group_kind", g.group.kind.as_str()))) " " (g.group.note) }
            h2 { (tf(lang, "volunteers.members_n", &[("n", &g.members.len().to_string())])) }
            ul #members {
                @for m in &g.members {
                    li { (m.name) @if m.leader { " " (layout::chip("ok", &t(lang, "volunteers.leader"))) } " " span.hint { (m.joined_on) } }
                }
            }
            @if manages(&ctx) {
                form.form method="post" action={ "/volunteers/groups/" (id) "/members" } {
                    input type="hidden" name="_csrf" value=(ctx.csrf());
                    (picker.render(lang))
                    label.check { input type="checkbox" name="leader" value="1"; " " (t(lang, "volunteers.leader")) }
                    div.form-actions { button.btn type="submit" { (t(lang, "volunteers.add_member")) } }
                }
            }
        }
        section.panel {
            h2 { (t(lang, "volunteers.activities")) }
            ul.link-list {
                @for a in &g.activities {
                    li { a href={ "/volunteers/activities/" (a.id) } { (a.held_on) " " (a.name) } " " span.hint { (hours_text(a.hours_tenths)) " " (t(lang, "unit.hours")) } }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &g.group.name,
        &[
            crumbs(lang).remove(0),
            (t(lang, "volunteers.groups"), Some("/volunteers/groups".into())),
        ],
        None,
        body,
    ))
}

async fn member_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let picker = Picker::new("resident_id", "volunteers.member_pick")
        .read_form(&ctx.state, &actor, lang, &pairs, true)
        .await?;
    let Some(Some(rid)) = picker.ready() else {
        return Ok(redirect_with_flash(
            &format!("/volunteers/groups/{id}"),
            false,
            "volunteers.pick_member",
        ));
    };
    let leader = pairs_get(&pairs, "leader").is_some();
    let r =
        ops::add_member(&ctx.state.app, &actor, id, MemberDraft { resident_id: rid, leader }).await;
    back_with(&format!("/volunteers/groups/{id}"), r, |_| "volunteers.flash_member")
}

// ---- 双报到 ----

#[derive(Deserialize, Default)]
struct QuarterQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    quarter: Option<u32>,
    #[serde(default)]
    partner_id: Option<i64>,
}

async fn sheet_of(
    ctx: &Ctx,
    q: &QuarterQuery,
) -> Result<linli_app::volunteers::PartySheet, AppError> {
    let actor = ctx.actor()?;
    let today = actor.today();
    let year = q.year.unwrap_or(today.year()).clamp(2000, 2100);
    let quarter = q.quarter.unwrap_or(quarter_of(today));
    Ok(ops::party_sheet(&ctx.state.app, &actor, year, quarter, q.partner_id).await?)
}

async fn party(ctx: Ctx, Query(q): Query<QuarterQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let sheet = sheet_of(&ctx, &q).await?;
    let manage = manages(&ctx);
    let partners = if manage { partner_options(&ctx).await? } else { Vec::new() };
    let met = sheet.rows.iter().filter(|r| r.quarter_met()).count();
    let ongoing = super::today(&ctx).to_string() <= sheet.to;
    let unit_q = q.partner_id.map(|p| format!("&partner_id={p}")).unwrap_or_default();
    let body = html! {
        (sub_nav(&ctx, "/volunteers/party"))
        section.panel {
            p {
                (tf(lang, "volunteers.party_summary", &[
                    ("year", &sheet.year.to_string()), ("q", &sheet.quarter.to_string()),
                    ("n", &sheet.rows.len().to_string()), ("met", &met.to_string()),
                    ("per", &sheet.per_quarter.to_string()),
                ]))
            }
            p.actions.no-print {
                @for qq in 1..=4u32 {
                    a.btn.btn-small.btn-primary[qq == sheet.quarter] href={ "/volunteers/party?year=" (sheet.year) "&quarter=" (qq) (unit_q) } aria-current=[(qq == sheet.quarter).then_some("page")] { (tf(lang, "volunteers.quarter_n", &[("q", &qq.to_string())])) }
                    " "
                }
                a.btn.btn-small href={ "/volunteers/party.xlsx?year=" (sheet.year) "&quarter=" (sheet.quarter) (unit_q) } { (t(lang, "volunteers.party_export")) }
                " " button.btn.btn-small type="button" data-print { (t(lang, "common.print")) }
                (super::print_script())
            }
            @if sheet.rows.is_empty() { (layout::empty(&t(lang, "volunteers.no_party"), None)) } @else {
                div.table-wrap tabindex="0" role="region" aria-label=(t(lang, "volunteers.party")) {
                    table.table #party-sheet {
                        thead { tr {
                            th { (t(lang, "volunteers.name")) } th { (t(lang, "volunteers.unit")) } th { (t(lang, "volunteers.branch")) }
                            th.num { (t(lang, "volunteers.quarter_activities")) } th.num { (t(lang, "volunteers.quarter_hours")) }
                            th.num { (t(lang, "volunteers.year_activities")) } th.num { (t(lang, "volunteers.year_hours_col")) }
                        } }
                        tbody {
                            @for r in &sheet.rows {
                                tr {
                                    td { a href={ "/volunteers/" (r.member.volunteer_id) } { (r.member.name) } }
                                    td { @if let Some(p) = r.member.partner_id { a href={ "/volunteers/party?partner_id=" (p) "&year=" (sheet.year) "&quarter=" (sheet.quarter) } { (r.member.unit_name) } } @else { (r.member.unit_name) } }
                                    td { (r.member.branch) }
                                    td.num { (r.quarter_activities) "/" (r.quarter_expected) " "
                                        @if r.quarter_met() { (layout::chip("ok", &t(lang, "volunteers.met"))) }
                                        @else if ongoing { (layout::chip("info", &tf(lang, "volunteers.short_by", &[("n", &(r.quarter_expected - r.quarter_activities).to_string())]))) }
                                        @else { (layout::chip("warn", &t(lang, "volunteers.not_met"))) } }
                                    td.num { (h(r.quarter_hours)) }
                                    td.num { (r.year_activities) "/" (r.year_expected) }
                                    td.num { (h(r.year_hours)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            section.panel.no-print #new-party-member {
                h2 { (t(lang, "volunteers.party_new")) }
                form.form method="post" action="/volunteers/party" {
                    input type="hidden" name="_csrf" value=(ctx.csrf());
                    div.grid2 {
                        (layout::field(lang, "name", "volunteers.name", "text", "", None, Some("off")))
                        (layout::field(lang, "phone", "residents.phone", "tel", "", None, Some("off")))
                        (layout::select(lang, "partner_id", "volunteers.partner", &partners, "", None))
                        (layout::field(lang, "unit_name", "volunteers.unit_other", "text", "", None, Some("off")))
                        (layout::field(lang, "branch", "volunteers.branch", "text", "", None, Some("off")))
                        (layout::field(lang, "offer", "volunteers.offer", "text", "", None, Some("off")))
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
                form.form.inline-form method="post" action="/volunteers/party/expectation" {
                    input type="hidden" name="_csrf" value=(ctx.csrf());
                    (layout::field(lang, "per_quarter", "volunteers.per_quarter", "number", &sheet.per_quarter.to_string(), None, None))
                    button.btn type="submit" { (t(lang, "common.save")) }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "volunteers.party"), &crumbs(lang), None, body))
}

async fn party_xlsx(ctx: Ctx, Query(q): Query<QuarterQuery>) -> Result<Response, AppError> {
    let sheet = sheet_of(&ctx, &q).await?;
    ops::export_audit(&ctx.state.app, &ctx.actor()?, "party_members").await?;
    let headers = vec![
        "姓名",
        "工作单位",
        "所在党支部",
        "本季度参加活动（次）",
        "本季度应参加（次）",
        "本季度服务时长（小时）",
        "本年参加活动（次）",
        "本年服务时长（小时）",
        "报到日期",
    ];
    let rows = sheet
        .rows
        .iter()
        .map(|r| {
            vec![
                r.member.name.clone(),
                r.member.unit_name.clone(),
                r.member.branch.clone(),
                r.quarter_activities.to_string(),
                r.quarter_expected.to_string(),
                h(r.quarter_hours),
                r.year_activities.to_string(),
                h(r.year_hours),
                r.member.reported_on.to_string(),
            ]
        })
        .collect();
    let file = format!("party-{}-Q{}.xlsx", sheet.year, sheet.quarter);
    super::xlsx_download(headers, rows, "双报到", &file).await
}

#[derive(Deserialize)]
struct PartyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    unit_name: String,
    #[serde(default)]
    branch: String,
    #[serde(default)]
    offer: String,
}

async fn party_submit(ctx: Ctx, Form(f): Form<PartyForm>) -> Result<Response, AppError> {
    let opt = |s: String| (!s.trim().is_empty()).then_some(s);
    let r = ops::create_party_member(
        &ctx.state.app,
        &ctx.actor()?,
        PartyDraft {
            resident_id: None,
            name: opt(f.name),
            partner_id: f.partner_id.parse().ok(),
            unit_name: opt(f.unit_name),
            branch: f.branch,
            offer: opt(f.offer),
            phone: opt(f.phone),
            reported_on: None,
        },
    )
    .await;
    back_with("/volunteers/party#new-party-member", r, |_| "volunteers.flash_party")
}

#[derive(Deserialize)]
struct ExpectationForm {
    #[serde(default)]
    per_quarter: String,
}

async fn expectation_submit(
    ctx: Ctx,
    Form(f): Form<ExpectationForm>,
) -> Result<Response, AppError> {
    let n = f.per_quarter.trim().parse().unwrap_or(-1);
    let r = ops::set_party_expectation(&ctx.state.app, &ctx.actor()?, n).await;
    back_with("/volunteers/party", r, |_| "volunteers.flash_expectation")
}

// ---- the volunteer's own ----

/// On a linked resident's home: her volunteer record, if she has one.
pub async fn mine_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let Some(v) = ops::own_volunteer(&ctx.state.app, &actor).await? else {
        return Ok(html! {});
    };
    let open = ops::open_activities(&ctx.state.app, &actor).await?;
    let csrf = ctx.csrf();
    Ok(html! {
        section.panel #my-volunteering {
            h2 { (t(lang, "volunteers.mine")) }
            p { (tf(lang, "volunteers.mine_total", &[("hours", &h(v.hours_total)), ("n", &v.services.iter().filter(|s| s.hours.is_some()).count().to_string())])) }
            ul {
                @for s in v.services.iter().rev().take(10) {
                    li { (s.on) " " (s.activity) " " @if let Some(x) = s.hours { (h(x)) " " (t(lang, "unit.hours")) } }
                }
            }
            @for k in &v.certificates {
                p { a href={ "/volunteers/certificates/" (k.id) } { (t(lang, "volunteers.certificate_title")) " " (k.from) " — " (k.to) } }
            }            @if !open.is_empty() {
                h3 { (t(lang, "volunteers.open_title")) }
                ul.due-list #open-activities {
                    @for (a, signed) in &open {
                        li {
                            span { (a.held_on) " " (a.name) " · " (a.place) }
                            @if *signed {
                                (layout::chip("ok", &t(lang, "volunteers.signed_up")))
                            } @else {
                                form.inline method="post" action={ "/volunteers/activities/" (a.id) "/sign-up" } {
                                    input type="hidden" name="_csrf" value=(csrf);
                                    input type="hidden" name="volunteer_id" value=(v.id);
                                    input type="hidden" name="back" value="/#my-volunteering";
                                    button.btn.btn-small.btn-primary type="submit" { (t(lang, "volunteers.sign_up_me")) }
                                }
                            }
                        }
                    }
                }
            }

            details {
                summary { (t(lang, "volunteers.ask_correction")) }
                p.hint { (t(lang, "volunteers.correction_rule")) }
                form.form method="post" action={ "/volunteers/" (v.id) "/corrections" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    p.hint { (t(lang, "volunteers.registry_hint")) }
                    (layout::select(lang, "field", "volunteers.field", &correctable(true).iter().map(|f| (f.to_string(), label(lang, "volunteer_field", f))).collect::<Vec<_>>(), "skills", None))
                    (layout::field(lang, "value", "volunteers.value", "text", "", None, Some("off")))
                    (layout::field(lang, "reason", "volunteers.reason", "text", "", None, Some("off")))
                    div.form-actions { button.btn type="submit" { (t(lang, "volunteers.ask_correction")) } }
                }
                @for k in &v.corrections {
                    p { (label(lang, "volunteer_field", &k.field)) "：" (k.value_asked) " "
                        (correction_chip(lang, k))
                    }
                }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewVolunteers);
    let manage = Policy::Signed(Action::ManageVolunteers);
    let own = Policy::Signed(Action::ViewHome);
    t.page(Method::GET, "/volunteers", view, roster)
        .page(Method::GET, "/volunteers/export.xlsx", view, roster_xlsx)
        .page(Method::GET, "/volunteers/new", manage, new_form)
        .page(Method::POST, "/volunteers", manage, create_submit)
        .page(Method::GET, "/volunteers/{id}", view, show)
        .page(Method::POST, "/volunteers/{id}/certificates", manage, issue_submit)
        .page(Method::POST, "/volunteers/{id}/corrections", own, correction_submit)
        .page(Method::POST, "/volunteers/corrections/{id}/decide", manage, decide_correction)
        .page(Method::GET, "/volunteers/certificates/{id}", own, certificate)
        .page(Method::GET, "/volunteers/activities", view, activities)
        .page(Method::POST, "/volunteers/activities", manage, activity_submit)
        .page(Method::GET, "/volunteers/activities/{id}", view, activity_show)
        .page(Method::POST, "/volunteers/activities/{id}/sign-up", own, sign_up_submit)
        .page(Method::POST, "/volunteers/services/{id}/check-in", manage, check_in_submit)
        .page(Method::POST, "/volunteers/services/{id}/check-out", manage, check_out_submit)
        .page(Method::POST, "/volunteers/services/{id}/hours", manage, hours_submit)
        .page(Method::GET, "/volunteers/groups", view, groups)
        .page(Method::POST, "/volunteers/groups", manage, group_submit)
        .page(Method::GET, "/volunteers/groups/{id}", view, group_show)
        .page(Method::POST, "/volunteers/groups/{id}/members", manage, member_submit)
        .page(Method::GET, "/volunteers/party", view, party)
        .page(Method::GET, "/volunteers/party.xlsx", view, party_xlsx)
        .page(Method::POST, "/volunteers/party", manage, party_submit)
        .page(Method::POST, "/volunteers/party/expectation", manage, expectation_submit)
        .page(Method::GET, "/public/verify", Policy::Public, verify_query)
        .page(Method::GET, "/public/verify/{code}", Policy::Public, verify_code)
}
