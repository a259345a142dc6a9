//! Assistance (帮扶): case files with their help timeline, and policy applications whose steps
//! run on the working-day clocks of the rules, over `linli_app::assistance` (which the JSON API
//! shares).

use super::picker::{Picker, picker_status};
use super::today;
use super::{Pairs, pairs_get};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::assistance::{
    self as ops, ApplicationDraft, CaseDraft, CaseStatusDraft, HelpDraft, HelpItem, add_help,
    complete_step, create_case, open_application,
};
use linli_core::assistance::{
    self, ApplicationKind, ApplicationStatus, CaseKind, CaseStatus, HelpKind, Urgency,
};
use linli_core::{Action, Decision};
use linli_store::assistance::Case;
use maud::{Markup, html};
use serde::Deserialize;

// ---- pages ----

pub fn kinds_label(lang: Lang, kinds: &[String]) -> String {
    let labels = kinds
        .iter()
        .map(|k| {
            CaseKind::parse(k).map_or_else(|| k.clone(), |x| label(lang, "case_kind", x.as_str()))
        })
        .collect::<Vec<_>>();
    crate::i18n::list(lang, &labels)
}

pub fn urgency_chip(lang: Lang, u: Urgency) -> Markup {
    match u {
        Urgency::Overdue => layout::chip("err", &t(lang, "cases.overdue")),
        Urgency::DueSoon => layout::chip("warn", &t(lang, "cases.due_soon")),
        Urgency::Done => layout::chip("ok", &t(lang, "cases.done")),
        Urgency::Ok => layout::chip("muted", &t(lang, "cases.on_time")),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let status =
        q.status.clone().filter(|s| matches!(s.as_str(), "open" | "monitoring" | "closed"));
    let actor = ctx.actor()?;
    let cases = ops::list_cases(&ctx.state.app, &actor, status.clone()).await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let action =
        html! { @if manage { a.btn.btn-primary href="/cases/new" { (t(lang, "cases.new")) } } };
    let (conflicted, plain): (Vec<&Case>, Vec<&Case>) =
        cases.iter().partition(|k| k.conflict_of_interest);
    let table = |rows: &[&Case]| -> Markup {
        html! {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.cards-sm {
                    thead { tr {
                        th { (t(lang, "cases.person")) } th { (t(lang, "residents.address")) } th { (t(lang, "cases.kinds")) }
                        th { (t(lang, "cases.status")) } th { (t(lang, "cases.worker")) } th.num { (t(lang, "cases.help_count")) } th { (t(lang, "cases.last_help")) }
                    } }
                    tbody {
                        @for k in rows {
                            tr {
                                td { a href={ "/cases/" (k.id) } { (k.resident_name.clone().unwrap_or_else(|| t(lang, "cases.household"))) } }
                                td data-label=(t(lang, "residents.address")) { (k.address) }
                                td data-label=(t(lang, "cases.kinds")) { @if ops::sees_sensitive(&actor, k) { (kinds_label(lang, &k.kinds)) } @else { span.hint { (t(lang, "cases.restricted")) } } }
                                td data-label=(t(lang, "cases.status")) { (layout::chip(match k.status { CaseStatus::Open => "warn", CaseStatus::Monitoring => "info", CaseStatus::Closed => "muted" }, &t(lang, &format!("cases.status.{}", k.status)))) }
                                td data-label=(t(lang, "cases.worker")) { (k.worker_name.clone().unwrap_or_default()) }
                                td.num data-label=(t(lang, "cases.help_count")) { (k.help_count) }
                                td.nowrap data-label=(t(lang, "cases.last_help")) { @if let Some(d) = k.last_help_on { (d) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        nav.tabs {
            @for (s, key) in [("", "status.all"), ("open", "cases.status.open"), ("monitoring", "cases.status.monitoring"), ("closed", "cases.status.closed")] {
                a href={ "/cases" @if !s.is_empty() { "?status=" (s) } } aria-current=[(status.as_deref().unwrap_or("") == s).then_some("page")] { (t(lang, key)) }
            }
        }
        @if !conflicted.is_empty() {
            section.panel {
                h2 { (t(lang, "cases.conflicted")) }
                p.hint { (t(lang, "cases.conflicted_hint")) }
                (table(&conflicted))
            }
        }
        @if plain.is_empty() && conflicted.is_empty() {
            (layout::empty(&t(lang, "cases.empty"), None))
        } @else if !plain.is_empty() {
            (table(&plain))
        }
    };
    Ok(layout::page(&ctx, &t(lang, "cases.title"), &[], Some(action), body))
}

#[derive(Deserialize)]
struct NewQuery {
    resident: Option<i64>,
}

async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let person = Picker::new("resident_id", "pickers.case_person")
        .preset(&ctx.state, &actor, ctx.lang(), q.resident)
        .await?;
    // Opened from a resident's page whose household already has a case: say so at once.
    let open = match &person.chosen {
        Some(p) => ops::open_case_of_resident(&ctx.state.app, &actor, p.id).await?,
        None => None,
    };
    case_form(
        &ctx,
        &CaseDraft { resident_id: q.resident, ..Default::default() },
        &person,
        open.as_ref(),
        None,
        StatusCode::OK,
    )
}

/// The warning beside the person when the household already has an open case: a link to it
/// and the box to tick to open a second one anyway.
fn open_case_warning(lang: Lang, k: &Case) -> Markup {
    html! {
        div.flash.flash-warn.picker-warn role="alert" {
            p { (tf(lang, "pickers.case_open_warn", &[("name", &format!("{}{}", k.resident_name.clone().unwrap_or_default(), if k.address.is_empty() { String::new() } else { format!("，{}", k.address) }))])) " "
                a href={ "/cases/" (k.id) } { (t(lang, "pickers.case_open_link")) } }
            label.check { input type="checkbox" name="confirm_second" value="1"; " " (t(lang, "pickers.confirm_second")) }
        }
    }
}

fn case_form(
    ctx: &Ctx,
    d: &CaseDraft,
    person: &Picker,
    open: Option<&Case>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = ctx.caller()?.csrf_token.clone();
    let body = html! {
        form.form.narrow method="post" action="/cases" novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            (person.render(lang))
            @if let Some(k) = open { (open_case_warning(lang, k)) }
            fieldset {
                legend { (t(lang, "cases.kinds")) }
                @for k in CaseKind::ALL {
                    label.check { input type="checkbox" name="kinds" value=(k.as_str()) checked[d.kinds.iter().any(|x| x == k.as_str())]; " " (label(lang, "case_kind", k.as_str())) }
                }
            }
            div.field { label for="summary" { (t(lang, "cases.summary")) } textarea #summary name="summary" rows="4" { (d.summary) } }
            div.field { label for="needs" { (t(lang, "cases.needs")) } textarea #needs name="needs" rows="2" { (d.needs.clone().unwrap_or_default()) } }
            fieldset {
                legend { (t(lang, "cases.legal_basis")) }
                label.check { input type="radio" name="legal_basis" value="statutory" checked[d.legal_basis.as_deref() == Some("statutory")]; " " (t(lang, "cases.basis_statutory")) }
                label.check { input type="radio" name="legal_basis" value="consent" checked[d.legal_basis.as_deref() == Some("consent")]; " " (t(lang, "cases.basis_consent")) }
                (layout::field(lang, "consent_on", "cases.consent_on", "date", &d.consent_on.clone().unwrap_or_default(), None, None))
                p.hint { (t(lang, "cases.sensitive_hint")) }
            }
            label.check { input type="checkbox" name="conflict_of_interest" checked[d.conflict_of_interest]; " " (t(lang, "cases.conflict")) }
            (layout::field(lang, "conflict_note", "cases.conflict_note", "text", &d.conflict_note.clone().unwrap_or_default(), None, None))
            (layout::field(lang, "next_review_on", "cases.next_review", "date", &d.next_review_on.clone().unwrap_or_default(), None, None))
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } a.btn href="/cases" { (t(lang, "common.cancel")) } }
        }
    };
    let crumbs = [(t(lang, "cases.title"), Some("/cases".to_string()))];
    Ok(layout::page_with_status(ctx, status, &t(lang, "cases.new"), &crumbs, None, body))
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let mut person = Picker::new("resident_id", "pickers.case_person")
        .read_form(&ctx.state, &actor, lang, &pairs, true)
        .await?;
    let d = CaseDraft {
        household_id: None,
        resident_id: person.ready().flatten(),
        kinds: pairs.iter().filter(|(k, _)| k == "kinds").map(|(_, v)| v.clone()).collect(),
        summary: pairs_get(&pairs, "summary").unwrap_or_default(),
        needs: pairs_get(&pairs, "needs"),
        legal_basis: pairs_get(&pairs, "legal_basis"),
        consent_on: pairs_get(&pairs, "consent_on"),
        conflict_of_interest: pairs_get(&pairs, "conflict_of_interest").is_some(),
        conflict_note: pairs_get(&pairs, "conflict_note"),
        next_review_on: pairs_get(&pairs, "next_review_on"),
    };
    if person.holds_form() {
        let status = picker_status(&person);
        return case_form(&ctx, &d, &person, None, None, status);
    }
    // A second open case for the same household waits for an explicit confirmation.
    if pairs_get(&pairs, "confirm_second").is_none()
        && let Some(rid) = d.resident_id
        && let Some(open) = ops::open_case_of_resident(&ctx.state.app, &actor, rid).await?
    {
        return case_form(&ctx, &d, &person, Some(&open), None, StatusCode::CONFLICT);
    }
    match create_case(&ctx.state.app, &actor, d.clone()).await.map_err(AppError::from) {
        Ok(id) => Ok(redirect_with_flash(&format!("/cases/{id}"), true, "flash.case_created")),
        Err(e @ AppError::Invalid { .. }) => {
            let msg = (!person.take_error(lang, &e))
                .then(|| tf(lang, &format!("error.{}", e.code()), &[]));
            case_form(&ctx, &d, &person, None, msg, StatusCode::UNPROCESSABLE_ENTITY)
        }
        // Outside the worker's scope: said beside the person, not as a missing page.
        Err(AppError::NotFound | AppError::Forbidden) if d.resident_id.is_some() => {
            person.error = Some(t(lang, "pickers.out_of_scope"));
            case_form(&ctx, &d, &person, None, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let ops::CaseFile { case: k, help, applications: apps, calendar: cal } =
        ops::case_file(&ctx.state.app, &actor, id).await?;
    let caller = ctx.caller()?.clone();
    let sensitive = ops::sees_sensitive(&actor, &k);
    let today = today(&ctx);
    let day = today.format("%Y-%m-%d").to_string();
    let body = html! {
        dl.facts {
            dt { (t(lang, "cases.person")) } dd { @if let Some(r) = k.resident_id { a href={ "/residents/" (r) } { (k.resident_name.clone().unwrap_or_default()) } } " " (k.address) }
            dt { (t(lang, "cases.status")) } dd { (t(lang, &format!("cases.status.{}", k.status))) @if !k.closed_reason.is_empty() { "（" (k.closed_reason) "）" } }
            @if sensitive {
                dt { (t(lang, "cases.kinds")) } dd { (kinds_label(lang, &k.kinds)) }
                dt { (t(lang, "cases.summary")) } dd { (k.summary) }
                dt { (t(lang, "cases.needs")) } dd { (k.needs) }
                dt { (t(lang, "cases.legal_basis")) } dd { (assistance::LegalBasis::parse(&k.legal_basis).map_or(String::new(), |b| label(lang, "legal_basis", b.as_str()))) @if let Some(c) = &k.consent_on { "（" (c) "）" } }
            }
            dt { (t(lang, "cases.worker")) } dd { (k.worker_name.clone().unwrap_or_default()) }
            dt { (t(lang, "cases.next_review")) } dd { @if let Some(d) = k.next_review_on { (d) } }
            @if k.conflict_of_interest { dt { (t(lang, "cases.conflict")) } dd { (layout::chip("warn", &t(lang, "cases.conflicted"))) " " (k.conflict_note) } }
        }
        @if sensitive {
            div.actions.case-status {
                @if k.status == CaseStatus::Open {
                    form.inline method="post" action={ "/cases/" (k.id) "/status" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        input type="hidden" name="status" value="monitoring";
                        button.btn type="submit" { (t(lang, "cases.to_monitoring")) }
                    }
                }
                @if k.status != CaseStatus::Open {
                    form.inline method="post" action={ "/cases/" (k.id) "/status" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        input type="hidden" name="status" value="open";
                        button.btn type="submit" { (t(lang, "cases.reopen")) }
                    }
                }
                @if k.status != CaseStatus::Closed {
                    a.btn.btn-danger href={ "/cases/" (k.id) "/close" } { (t(lang, "cases.close")) "…" }
                }
            }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "cases.timeline")) }
                @if help.is_empty() { (layout::empty(&t(lang, "cases.no_help"), None)) }
                ul.timeline {
                    @for h in &help {
                        li {
                            time { (h.given_on) } " " strong { (label(lang, "help_kind", h.kind.as_str())) }
                            @if let Some(a) = h.amount_fen { " ¥" (super::fund::yuan(a)) }
                            @if let Some(items) = h.items.as_array() { @for i in items { " " span.tag { (i["name"].as_str().unwrap_or("")) " " (i["quantity"].as_str().unwrap_or("")) } } }
                            @if !h.source.is_empty() { " · " (h.source) }
                            @if !h.note.is_empty() { br; span.hint { (h.note) } }
                            @if !h.participants.is_empty() { br; span.hint { (t(lang, "cases.participants")) "：" (h.participants) } }
                        }
                    }
                }
                @if sensitive && k.status != CaseStatus::Closed {
                    h3 { (t(lang, "cases.add_help")) }
                    form.form method="post" action={ "/cases/" (k.id) "/help" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        div.grid2 {
                            (layout::select(lang, "kind", "cases.help_kind", &HelpKind::ALL.iter().map(|h| (h.as_str().to_string(), label(lang, "help_kind", h.as_str()))).collect::<Vec<_>>(), "goods", None))
                            (layout::field(lang, "on", "cases.help_on", "date", &day, None, None))
                            (layout::field(lang, "amount_yuan", "fund.amount_yuan", "text", "", None, Some("off")))
                            (layout::field(lang, "items", "cases.items", "text", "", None, Some("off")))
                            (layout::field(lang, "source", "cases.source", "text", "", None, Some("off")))
                            (layout::field(lang, "participants", "cases.participants", "text", "", None, Some("off")))
                        }
                        (layout::field(lang, "note", "cases.note", "text", "", None, Some("off")))
                        p.hint { (t(lang, "cases.items_hint")) }
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "cases.record")) } }
                    }
                }
            }
            section.panel {
                h2 { (t(lang, "cases.applications")) }
                @if apps.is_empty() { p.hint { (t(lang, "cases.no_applications")) } }
                @for a in &apps {
                    h3 { a href={ "/applications/" (a.id) } { (label(lang, "application_kind", a.kind.as_str())) } " " (layout::chip("info", &t(lang, &format!("cases.app_status.{}", a.status)))) }
                    ul.plain {
                        @for s in &a.steps {
                            @let due = s.due_on;
                            li { (urgency_chip(lang, assistance::urgency(due, s.done_on.is_some(), today, &cal))) " " (s.name) " · " (t(lang, "cases.due")) " " (s.due_on)
                                @if s.done_on.is_none() { (super::calendar::assumed_note(lang, &cal, a.accepted_on, due)) } }
                        }
                    }
                }
                @if sensitive && k.status != CaseStatus::Closed && k.resident_id.is_some() {
                    h3 { (t(lang, "cases.new_application")) }
                    form.form method="post" action="/applications" {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        input type="hidden" name="resident_id" value=(k.resident_id.unwrap_or(0));
                        input type="hidden" name="case_id" value=(k.id);
                        (layout::select(lang, "kind", "cases.application_kind", &ApplicationKind::ALL.iter().map(|a| (a.as_str().to_string(), label(lang, "application_kind", a.as_str()))).collect::<Vec<_>>(), "dibao", None))
                        (layout::field(lang, "accepted_on", "cases.accepted_on", "date", &day, None, None))
                        (layout::field(lang, "household_size", "dibao.household_size", "number", "", None, Some("off")))
                        label.check { input type="checkbox" name="entrusted"; " " (t(lang, "cases.entrusted")) }
                        p.hint { (t(lang, "dibao.entrusted_hint")) }
                        label.check { input type="checkbox" name="close_relative"; " " (t(lang, "dibao.close_relative")) }
                        p.hint { (t(lang, "cases.conflicted_hint")) }
                        div.form-actions { button.btn type="submit" { (t(lang, "cases.open_application")) } }
                    }
                }
            }
        }
    };
    let crumbs = [(t(lang, "cases.title"), Some("/cases".to_string()))];
    let title =
        format!("{} · {}", t(lang, "cases.case"), k.resident_name.clone().unwrap_or_default());
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

/// The confirmation step before a case is closed (结案): what happens, the reason typed, and a
/// way back.
async fn close_confirm(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    close_page(&ctx, id, "", None).await
}

async fn close_page(
    ctx: &Ctx,
    id: i64,
    reason: &str,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let k = ops::load_case(&ctx.state.app, &ctx.actor()?, id, Action::ManageCases).await?;
    if k.status == CaseStatus::Closed {
        return Ok(redirect_with_flash(&format!("/cases/{id}"), false, "error.case_status_same"));
    }
    let name = k.resident_name.clone().unwrap_or_default();
    let confirm = layout::Confirm {
        about: html! { p.lead { strong { (name) } " " span.hint { (k.address) } } },
        consequences: vec![
            tf(lang, "cases.close_effect_list", &[("name", &name)]),
            t(lang, "cases.close_effect_kept"),
            t(lang, "cases.close_effect_monitoring"),
        ],
        action: format!("/cases/{id}/status"),
        fields: html! {
            input type="hidden" name="status" value="closed";
            (layout::field(lang, "reason", "cases.close_reason", "text", reason, error.map(|c| t(lang, &format!("error.{c}"))), Some("off")))
        },
        submit: t(lang, "cases.close_submit"),
        back: format!("/cases/{id}"),
    };
    let crumbs = [
        (t(lang, "cases.title"), Some("/cases".to_string())),
        (format!("{} · {}", t(lang, "cases.case"), name), Some(format!("/cases/{id}"))),
    ];
    Ok(layout::confirm_page(ctx, &t(lang, "cases.close"), &crumbs, error.is_some(), confirm))
}

async fn status_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let d = CaseStatusDraft {
        status: pairs_get(&pairs, "status").unwrap_or_default(),
        reason: pairs_get(&pairs, "reason").unwrap_or_default(),
    };
    let closing = d.status == "closed";
    let reason = d.reason.clone();
    match ops::set_case_status(&ctx.state.app, &ctx.actor()?, id, d).await.map_err(AppError::from) {
        Ok(()) => Ok(redirect_with_flash(&format!("/cases/{id}"), true, "flash.case_status")),
        Err(AppError::Invalid { code, field: Some("reason") }) if closing => {
            close_page(&ctx, id, &reason, Some(code)).await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(redirect_with_flash(&format!("/cases/{id}"), false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

async fn help_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let amount = match pairs_get(&pairs, "amount_yuan") {
        Some(y) => Some(
            linli_core::fund::Fen::parse_yuan(&y)
                .map_err(|e| AppError::invalid(e.code(), "amount_fen"))?
                .0,
        ),
        None => None,
    };
    let items = pairs_get(&pairs, "items")
        .map(|s| {
            linli_core::roster::split_tags(&s)
                .into_iter()
                .map(|part| {
                    let split = part.find(|c: char| c.is_ascii_digit()).unwrap_or(part.len());
                    HelpItem {
                        name: part[..split].trim().to_string(),
                        quantity: part[split..].trim().to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let d = HelpDraft {
        case_id: id,
        kind: pairs_get(&pairs, "kind").unwrap_or_default(),
        on: pairs_get(&pairs, "on").unwrap_or_default(),
        amount_fen: amount,
        items,
        source: pairs_get(&pairs, "source"),
        note: pairs_get(&pairs, "note"),
        participants: pairs_get(&pairs, "participants"),
    };
    match add_help(&ctx.state.app, &ctx.actor()?, d).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash(&format!("/cases/{id}"), true, "flash.help_recorded")),
        Err(e @ AppError::Invalid { .. }) => {
            Ok(redirect_with_flash(&format!("/cases/{id}"), false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

async fn application_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let case_id = pairs_get(&pairs, "case_id").and_then(|v| v.parse().ok());
    let d = ApplicationDraft {
        resident_id: pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()).unwrap_or(0),
        kind: pairs_get(&pairs, "kind").unwrap_or_default(),
        accepted_on: pairs_get(&pairs, "accepted_on").unwrap_or_default(),
        case_id,
        special: pairs_get(&pairs, "special").is_some(),
        entrusted: pairs_get(&pairs, "entrusted").is_some(),
        // Not a number: 0, which the rule refuses with its message.
        household_size: pairs_get(&pairs, "household_size").map(|v| v.parse().unwrap_or(0)),
        close_relative: pairs_get(&pairs, "close_relative").is_some(),
    };
    let back = case_id.map_or("/cases".to_string(), |k| format!("/cases/{k}"));
    match open_application(&ctx.state.app, &ctx.actor()?, d).await.map_err(AppError::from) {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/applications/{}", v.id),
            true,
            "flash.application_opened",
        )),
        Err(e @ AppError::Invalid { .. }) => {
            Ok(redirect_with_flash(&back, false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

async fn application_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let a = ops::load_application(&ctx.state.app, &actor, id, Action::ViewCases).await?;
    let a = ops::viewed_application(&actor, a);
    let caller = ctx.caller()?.clone();
    let manage = caller.decide(Action::ManageCases, Some(&a.place_path)) == Decision::Allow;
    let cal = ops::calendar(&ctx.state.app, &actor).await?;
    let today = today(&ctx);
    let day = today.format("%Y-%m-%d").to_string();
    let body = html! {
        dl.facts {
            dt { (t(lang, "cases.person")) } dd { a href={ "/residents/" (a.resident_id) } { (a.resident_name) } }
            dt { (t(lang, "cases.accepted_on")) } dd { (a.accepted_on) }
            dt { (t(lang, "cases.status")) } dd { (t(lang, &format!("cases.app_status.{}", a.status))) }
            @if a.entrusted { dt { (t(lang, "cases.entrusted")) } dd { "✓" } }
            (super::dibao::facts(lang, &a))
        }
        (super::dibao::application_panels(lang, &caller.csrf_token, manage, &a, &day))
        p.hint { (t(lang, "cases.clock_hint")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.cards-sm.steps {
                thead { tr { th { (t(lang, "cases.step")) } th { (t(lang, "cases.due")) } th { (t(lang, "cases.state")) } th { (t(lang, "cases.rule")) } th {} } }
                tbody {
                    @for s in &a.steps {
                        @let due = s.due_on;
                        tr {
                            td { (s.name) @if !s.note.is_empty() { br; span.hint { (s.note) } } }
                            td data-label=(t(lang, "cases.due")) { span.nowrap { (s.due_on) } @if s.done_on.is_none() { (super::calendar::assumed_note(lang, &cal, a.accepted_on, due)) } }
                            td.nowrap data-label=(t(lang, "cases.state")) { (urgency_chip(lang, assistance::urgency(due, s.done_on.is_some(), today, &cal))) @if let Some(d) = &s.done_on { " " (d) } }
                            td data-label=(t(lang, "cases.rule")) { span.hint { (s.rule) } }
                            td {
                                @if manage && s.done_on.is_none() && a.status == ApplicationStatus::InProgress {
                                    form.inline method="post" action={ "/applications/" (a.id) "/steps/" (s.id) } {
                                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                                        input type="hidden" name="done_on" value=(day);
                                        (super::dibao::step_inputs(lang, &a, s))
                                        input.note-input type="text" name="note" placeholder=(t(lang, "cases.note")) aria-label=(t(lang, "cases.note"));
                                        " " button.btn.btn-small type="submit" { (t(lang, "cases.mark_done")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(d) = &a.decided_on {
            p.flash.flash-ok { (tf(lang, "cases.decided_on", &[("date", &d.to_string()), ("status", &t(lang, &format!("cases.app_status.{}", a.status)))])) }
            @if a.status == ApplicationStatus::Granted && a.kind == ApplicationKind::Dibao && a.next_recheck_on.is_none() {
                p { (tf(lang, "cases.recheck_due", &[("date", &assistance::recheck_due(*d, false).to_string()), ("half", &assistance::recheck_due(*d, true).to_string())])) }
            }
        }
        @if manage && a.status == ApplicationStatus::InProgress {
            section.panel {
                h2 { (t(lang, "cases.decision")) }
                p.hint { (t(lang, "cases.decision_hint")) }
                form.form method="post" action={ "/applications/" (a.id) "/decision" } {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    fieldset {
                        legend { (t(lang, "cases.decision_result")) }
                        @for s in ["granted", "refused", "withdrawn"] {
                            label.check { input type="radio" name="status" value=(s); " " (t(lang, &format!("cases.app_status.{s}"))) }
                        }
                    }
                    (layout::field(lang, "decided_on", "cases.decided_on_label", "date", &day, None, None))
                    @if a.kind == ApplicationKind::Dibao { (super::dibao::cycle_choice(lang, None)) }
                    button.btn.btn-primary type="submit" { (t(lang, "cases.record_decision")) }
                }
            }
        }
        @if let Some(k) = a.case_id { p { a.btn href={ "/cases/" (k) } { (t(lang, "cases.back_to_case")) } } }
    };
    let crumbs = [(t(lang, "cases.title"), Some("/cases".to_string()))];
    let title =
        format!("{} · {}", label(lang, "application_kind", a.kind.as_str()), a.resident_name);
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

async fn step_submit(
    ctx: Ctx,
    Path((id, step)): Path<(i64, i64)>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let back = format!("/applications/{id}");
    let d = match super::dibao::step_draft(&pairs) {
        Ok(d) => d,
        Err(code) => return Ok(redirect_with_flash(&back, false, &format!("error.{code}"))),
    };
    match complete_step(&ctx.state.app, &ctx.actor()?, id, step, d).await.map_err(AppError::from) {
        Ok(()) => Ok(redirect_with_flash(&format!("/applications/{id}"), true, "flash.step_done")),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => Ok(redirect_with_flash(
            &format!("/applications/{id}"),
            false,
            &format!("error.{}", e.code()),
        )),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    recheck_cycle: Option<String>,
}

/// Records the street office's or county's decision as it comes: the committee helps apply,
/// it does not decide.
async fn decision_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let back = format!("/applications/{id}");
    match ops::decide_application(
        &ctx.state.app,
        &ctx.actor()?,
        id,
        &f.status,
        &f.decided_on,
        f.recheck_cycle.as_deref(),
    )
    .await
    .map_err(AppError::from)
    {
        Ok(()) => Ok(redirect_with_flash(&back, true, "flash.application_decided")),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(redirect_with_flash(&back, false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/cases", Policy::Signed(Action::ViewCases), list)
        .page(Method::GET, "/cases/new", Policy::Signed(Action::ManageCases), new_page)
        .page(Method::POST, "/cases", Policy::Signed(Action::ManageCases), create_submit)
        .page(Method::GET, "/cases/{id}", Policy::Signed(Action::ViewCases), detail)
        .page(Method::GET, "/cases/{id}/close", Policy::Signed(Action::ManageCases), close_confirm)
        .page(
            Method::POST,
            "/cases/{id}/status",
            Policy::Signed(Action::ManageCases),
            status_submit,
        )
        .page(Method::POST, "/cases/{id}/help", Policy::Signed(Action::ManageCases), help_submit)
        .page(
            Method::POST,
            "/applications",
            Policy::Signed(Action::ManageCases),
            application_submit,
        )
        .page(
            Method::GET,
            "/applications/{id}",
            Policy::Signed(Action::ViewCases),
            application_page,
        )
        .page(
            Method::POST,
            "/applications/{id}/decision",
            Policy::Signed(Action::ManageCases),
            decision_submit,
        )
        .page(
            Method::POST,
            "/applications/{id}/steps/{step}",
            Policy::Signed(Action::ManageCases),
            step_submit,
        )
}
