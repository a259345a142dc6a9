//! Assistance (帮扶): case files with their help timeline, and policy applications whose steps
//! run on the working-day clocks of the rules. The operations are shared with the JSON API.

use super::pairs_get;
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
use linli_core::assistance::{self, ApplicationKind, CaseKind, HelpKind, Urgency};
use linli_core::{Action, Decision};
use linli_store::assistance::{self as store, Case, CaseInput, HelpInput};
use linli_store::{audit, registry};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

/// A case the caller may see (404 otherwise, audited).
pub async fn load_case(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<Case, AppError> {
    let k = state.db.read(move |c| store::get_case(c, id)).await?;
    ctx.caller()?
        .require(state, ctx, action, &place_at(k.community_id, &k.place_path))
        .await?;
    Ok(k)
}

/// Whether the caller may read a case's sensitive fields (kinds, story, needs).
pub fn sees_sensitive(ctx: &Ctx, k: &Case) -> bool {
    ctx.caller
        .as_ref()
        .is_some_and(|c| c.decide(Action::ManageCases, Some(&k.place_path)) == Decision::Allow)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseDraft {
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub needs: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub conflict_of_interest: bool,
    #[serde(default)]
    pub conflict_note: Option<String>,
    #[serde(default)]
    pub next_review_on: Option<String>,
}

/// An optional date field as typed: empty is `None`, anything else must be a date.
fn optional_date(raw: Option<&str>, field: &'static str) -> Result<Option<String>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(
            linli_core::dates::parse_date(s)
                .ok_or(AppError::invalid("date_bad", field))?
                .format("%Y-%m-%d")
                .to_string(),
        )),
        None => Ok(None),
    }
}

pub async fn create_case(state: &AppState, ctx: &Ctx, d: CaseDraft) -> Result<i64, AppError> {
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let kinds =
        assistance::parse_kinds(&d.kinds).map_err(|e| AppError::invalid(e.code(), "kinds"))?;
    if d.summary.trim().is_empty() {
        return Err(AppError::invalid("case_summary_missing", "summary"));
    }
    // The case hangs on the household (its head when a resident is named).
    let who = match (d.resident_id, d.household_id) {
        (Some(rid), _) => {
            let r = state
                .db
                .read(move |c| registry::get(c, linli_store::Tenant::new(community), rid))
                .await
                .map_err(|_| AppError::invalid("case_person_missing", "resident_id"))?;
            (Some(r.id), r.household_id, r.place_path, r.community_id)
        }
        (None, Some(hid)) => {
            let (h, head, path) = state
                .db
                .read(move |c| {
                    let h = registry::household(c, hid)?;
                    let members = registry::members(c, hid)?;
                    let unit = linli_store::places::get(c, h.unit_id)?;
                    Ok::<_, AppError>((h, members.first().map(|m| m.0), unit.path))
                })
                .await
                .map_err(|_| AppError::invalid("case_person_missing", "household_id"))?;
            (head, Some(h.id), path, h.community_id)
        }
        (None, None) => return Err(AppError::invalid("case_person_missing", "resident_id")),
    };
    // (resident, household, where they live, community)
    if who.3 != community {
        return Err(AppError::invalid("case_person_missing", "resident_id"));
    }
    caller
        .require(
            state,
            ctx,
            Action::ManageCases,
            &place_at(community, &who.2),
        )
        .await?;
    let basis = match d
        .legal_basis
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(b) => assistance::LegalBasis::parse(b)
            .ok_or(AppError::invalid("legal_basis_bad", "legal_basis"))?,
        None => assistance::LegalBasis::Statutory,
    };
    let consent_on = optional_date(d.consent_on.as_deref(), "consent_on")?;
    // PIPL §29: sensitive hardship (illness, disability) rests on separate consent or a duty.
    if assistance::needs_sensitive_basis(&kinds)
        && basis == assistance::LegalBasis::Consent
        && consent_on.is_none()
    {
        return Err(AppError::invalid("consent_date_missing", "consent_on"));
    }
    let review = optional_date(d.next_review_on.as_deref(), "next_review_on")?;
    let input = CaseInput {
        household_id: who.1,
        resident_id: who.0,
        place_path: who.2.as_str().to_string(),
        kinds: kinds.iter().map(|k| k.as_str().to_string()).collect(),
        summary: d.summary.trim().chars().take(4000).collect(),
        needs: d
            .needs
            .unwrap_or_default()
            .trim()
            .chars()
            .take(2000)
            .collect(),
        worker_id: Some(caller.user.id),
        next_review_on: review,
        legal_basis: basis.as_str().to_string(),
        consent_on,
        conflict_of_interest: d.conflict_of_interest,
        conflict_note: d
            .conflict_note
            .unwrap_or_default()
            .trim()
            .chars()
            .take(500)
            .collect(),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let id = store::create_case(c, community, &input, Some(caller.user.id), ctx2.now)?;
            audit::append(c, &ctx2.audit_event(community, "case.create", "case", id, json!({"kinds": input.kinds, "conflict_of_interest": input.conflict_of_interest, "legal_basis": input.legal_basis})))?;
            Ok::<_, AppError>(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HelpItem {
    pub name: String,
    #[serde(default)]
    pub quantity: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HelpDraft {
    #[serde(default)]
    pub case_id: i64,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub items: Vec<HelpItem>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub participants: Option<String>,
}

pub async fn add_help(state: &AppState, ctx: &Ctx, d: HelpDraft) -> Result<i64, AppError> {
    let k = load_case(state, ctx, d.case_id, Action::ManageCases)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("case_missing", "case_id"),
            e => e,
        })?;
    let kind = HelpKind::parse(&d.kind).ok_or(AppError::invalid("help_kind_bad", "kind"))?;
    let on = linli_core::dates::parse_date(&d.on).ok_or(AppError::invalid("date_bad", "on"))?;
    if on > today(ctx) {
        return Err(AppError::invalid("date_future", "on"));
    }
    if kind == HelpKind::Cash && d.amount_fen.is_none_or(|a| a <= 0) {
        return Err(AppError::invalid("amount_empty", "amount_fen"));
    }
    let items: Vec<Value> = d
        .items
        .iter()
        .filter(|i| !i.name.trim().is_empty())
        .map(|i| json!({"name": i.name.trim(), "quantity": i.quantity.trim()}))
        .collect();
    if kind == HelpKind::Goods && items.is_empty() {
        return Err(AppError::invalid("items_missing", "items"));
    }
    let input = HelpInput {
        kind: kind.as_str().to_string(),
        given_on: on.format("%Y-%m-%d").to_string(),
        amount_fen: d.amount_fen.filter(|_| kind == HelpKind::Cash),
        items_json: Value::Array(items).to_string(),
        source: d
            .source
            .unwrap_or_default()
            .trim()
            .chars()
            .take(100)
            .collect(),
        note: d
            .note
            .unwrap_or_default()
            .trim()
            .chars()
            .take(2000)
            .collect(),
        participants: d
            .participants
            .unwrap_or_default()
            .trim()
            .chars()
            .take(200)
            .collect(),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let user = ctx2.caller.as_ref().map(|u| u.user.id);
            let id = store::add_help(c, &k, &input, user, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    k.community_id,
                    "case.help",
                    "case",
                    k.id,
                    json!({"help_id": id, "kind": input.kind, "on": input.given_on}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApplicationDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub accepted_on: String,
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub special: bool,
    #[serde(default)]
    pub entrusted: bool,
}

/// Opens a policy application with its steps timed by the working-day calendar.
pub async fn open_application(
    state: &AppState,
    ctx: &Ctx,
    d: ApplicationDraft,
) -> Result<Value, AppError> {
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let kind =
        ApplicationKind::parse(&d.kind).ok_or(AppError::invalid("application_kind_bad", "kind"))?;
    let accepted = linli_core::dates::parse_date(&d.accepted_on)
        .ok_or(AppError::invalid("date_bad", "accepted_on"))?;
    if accepted > today(ctx) {
        return Err(AppError::invalid("date_future", "accepted_on"));
    }
    let rid = d.resident_id;
    let r = state
        .db
        .read(move |c| registry::get(c, linli_store::Tenant::new(community), rid))
        .await
        .map_err(|_| AppError::invalid("case_person_missing", "resident_id"))?;
    caller
        .require(
            state,
            ctx,
            Action::ManageCases,
            &place_at(community, &r.place_path),
        )
        .await?;
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let cal = store::calendar(c, community)?;
            let steps = assistance::plan_steps(kind, accepted, &cal, d.special);
            let id = store::create_application(c, community, r.id, r.household_id, d.case_id, kind.as_str(), accepted, d.special, d.entrusted, &steps, Some(caller.user.id), ctx2.now)?;
            audit::append(c, &ctx2.audit_event(community, "application.create", "application", id, json!({"kind": kind.as_str(), "accepted_on": accepted.format("%Y-%m-%d").to_string()})))?;
            let steps: Vec<Value> = steps.iter().map(|s| json!({"code": s.code, "name": s.name_zh, "due_on": s.due_on.format("%Y-%m-%d").to_string(), "rule": s.rule})).collect();
            Ok::<_, AppError>(json!({"id": id, "kind": kind.as_str(), "steps": steps}))
        })
        .await
}

pub async fn complete_step(
    state: &AppState,
    ctx: &Ctx,
    app_id: i64,
    step_id: i64,
    done_on: &str,
    note: &str,
) -> Result<(), AppError> {
    let a = state
        .db
        .read(move |c| store::get_application(c, app_id))
        .await?;
    ctx.caller()?
        .require(
            state,
            ctx,
            Action::ManageCases,
            &place_at(a.community_id, &a.place_path),
        )
        .await?;
    let on =
        linli_core::dates::parse_date(done_on).ok_or(AppError::invalid("date_bad", "done_on"))?;
    if on > today(ctx) {
        return Err(AppError::invalid("date_future", "done_on"));
    }
    let (ctx2, note) = (ctx.clone(), note.to_string());
    state
        .db
        .write(move |c| {
            store::complete_step(
                c,
                app_id,
                step_id,
                &on.format("%Y-%m-%d").to_string(),
                &note,
            )?;
            audit::append(
                c,
                &ctx2.audit_event(
                    a.community_id,
                    "application.step",
                    "application",
                    app_id,
                    json!({"step_id": step_id, "done_on": on.format("%Y-%m-%d").to_string()}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await
}

// ---- pages ----

pub fn kinds_label(kinds: &[String]) -> String {
    kinds
        .iter()
        .map(|k| CaseKind::parse(k).map_or(k.as_str(), |x| x.label_zh()))
        .collect::<Vec<_>>()
        .join("、")
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

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let scopes = caller.scopes(Action::ViewCases);
    let status = q
        .status
        .clone()
        .filter(|s| matches!(s.as_str(), "open" | "monitoring" | "closed"));
    let st = status.clone();
    let cases = state
        .db
        .read(move |c| store::list_cases(c, community, &scopes, st.as_deref()))
        .await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let action =
        html! { @if manage { a.btn.btn-primary href="/cases/new" { (t(lang, "cases.new")) } } };
    let (conflicted, plain): (Vec<&Case>, Vec<&Case>) =
        cases.iter().partition(|k| k.conflict_of_interest);
    let table = |rows: &[&Case]| -> Markup {
        html! {
            table.table {
                thead { tr {
                    th { (t(lang, "cases.person")) } th { (t(lang, "residents.address")) } th { (t(lang, "cases.kinds")) }
                    th { (t(lang, "cases.status")) } th { (t(lang, "cases.worker")) } th.num { (t(lang, "cases.help_count")) } th { (t(lang, "cases.last_help")) }
                } }
                tbody {
                    @for k in rows {
                        tr {
                            td { a href={ "/cases/" (k.id) } { (k.resident_name.clone().unwrap_or_else(|| t(lang, "cases.household"))) } }
                            td { (k.address) }
                            td { @if sees_sensitive(&ctx, k) { (kinds_label(&k.kinds)) } @else { span.hint { (t(lang, "cases.restricted")) } } }
                            td { (layout::chip(match k.status.as_str() { "open" => "warn", "monitoring" => "info", _ => "muted" }, &t(lang, &format!("cases.status.{}", k.status)))) }
                            td { (k.worker_name.clone().unwrap_or_default()) }
                            td.num { (k.help_count) }
                            td.nowrap { (k.last_help_on.clone().unwrap_or_default()) }
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
    Ok(layout::page(
        &ctx,
        &t(lang, "cases.title"),
        &[],
        Some(action),
        body,
    ))
}

#[derive(Deserialize)]
struct NewQuery {
    resident: Option<i64>,
}

async fn new_page(
    State(_state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    case_form(
        &ctx,
        &CaseDraft {
            resident_id: q.resident,
            ..Default::default()
        },
        None,
        StatusCode::OK,
    )
}

fn case_form(
    ctx: &Ctx,
    d: &CaseDraft,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let csrf = ctx.caller()?.csrf_token.clone();
    let body = html! {
        form.form.narrow method="post" action="/cases" novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            (layout::field(lang, "resident_id", "cases.resident_id", "number", &d.resident_id.map(|v| v.to_string()).unwrap_or_default(), None, None))
            p.hint { (t(lang, "cases.resident_hint")) }
            fieldset {
                legend { (t(lang, "cases.kinds")) }
                @for k in CaseKind::ALL {
                    label.check { input type="checkbox" name="kinds" value=(k.as_str()) checked[d.kinds.iter().any(|x| x == k.as_str())]; " " (k.label_zh()) }
                }
            }
            div.field { label for="summary" { (t(lang, "cases.summary")) } textarea #summary name="summary" rows="4" { (d.summary) } }
            div.field { label for="needs" { (t(lang, "cases.needs")) } textarea #needs name="needs" rows="2" { (d.needs.clone().unwrap_or_default()) } }
            fieldset {
                legend { (t(lang, "cases.legal_basis")) }
                label.check { input type="radio" name="legal_basis" value="statutory" checked[d.legal_basis.as_deref() != Some("consent")]; " " (t(lang, "cases.basis_statutory")) }
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
    Ok(layout::page_with_status(
        ctx,
        status,
        &t(lang, "cases.new"),
        &crumbs,
        None,
        body,
    ))
}

async fn create_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let d = CaseDraft {
        household_id: None,
        resident_id: pairs_get(&pairs, "resident_id").and_then(|v| v.parse().ok()),
        kinds: pairs
            .iter()
            .filter(|(k, _)| k == "kinds")
            .map(|(_, v)| v.clone())
            .collect(),
        summary: pairs_get(&pairs, "summary").unwrap_or_default(),
        needs: pairs_get(&pairs, "needs"),
        legal_basis: pairs_get(&pairs, "legal_basis"),
        consent_on: pairs_get(&pairs, "consent_on"),
        conflict_of_interest: pairs_get(&pairs, "conflict_of_interest").is_some(),
        conflict_note: pairs_get(&pairs, "conflict_note"),
        next_review_on: pairs_get(&pairs, "next_review_on"),
    };
    match create_case(&state, &ctx, d.clone()).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/cases/{id}"),
            true,
            "flash.case_created",
        )),
        Err(e @ AppError::Invalid { .. }) => case_form(
            &ctx,
            &d,
            Some(tf(lang, &format!("error.{}", e.code()), &[])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e),
    }
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let k = load_case(&state, &ctx, id, Action::ViewCases).await?;
    let caller = ctx.caller()?.clone();
    let sensitive = sees_sensitive(&ctx, &k);
    let (help, apps, cal) = state
        .db
        .read(move |c| {
            Ok::<_, AppError>((
                store::help_of(c, id)?,
                store::list_applications(c, k.community_id, Some(id))?,
                store::calendar(c, k.community_id)?,
            ))
        })
        .await?;
    let today = today(&ctx);
    let day = today.format("%Y-%m-%d").to_string();
    let body = html! {
        dl.facts {
            dt { (t(lang, "cases.person")) } dd { @if let Some(r) = k.resident_id { a href={ "/residents/" (r) } { (k.resident_name.clone().unwrap_or_default()) } } " " (k.address) }
            dt { (t(lang, "cases.status")) } dd { (t(lang, &format!("cases.status.{}", k.status))) @if !k.closed_reason.is_empty() { "（" (k.closed_reason) "）" } }
            @if sensitive {
                dt { (t(lang, "cases.kinds")) } dd { (kinds_label(&k.kinds)) }
                dt { (t(lang, "cases.summary")) } dd { (k.summary) }
                dt { (t(lang, "cases.needs")) } dd { (k.needs) }
                dt { (t(lang, "cases.legal_basis")) } dd { (assistance::LegalBasis::parse(&k.legal_basis).map_or("", |b| b.label_zh())) @if let Some(c) = &k.consent_on { "（" (c) "）" } }
            }
            dt { (t(lang, "cases.worker")) } dd { (k.worker_name.clone().unwrap_or_default()) }
            dt { (t(lang, "cases.next_review")) } dd { (k.next_review_on.clone().unwrap_or_default()) }
            @if k.conflict_of_interest { dt { (t(lang, "cases.conflict")) } dd { (layout::chip("warn", &t(lang, "cases.conflicted"))) " " (k.conflict_note) } }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "cases.timeline")) }
                @if help.is_empty() { (layout::empty(&t(lang, "cases.no_help"), None)) }
                ul.timeline {
                    @for h in &help {
                        li {
                            time { (h.given_on) } " " strong { (HelpKind::parse(&h.kind).map_or("", |x| x.label_zh())) }
                            @if let Some(a) = h.amount_fen { " ¥" (super::fund::yuan(a)) }
                            @if let Some(items) = h.items.as_array() { @for i in items { " " span.tag { (i["name"].as_str().unwrap_or("")) " " (i["quantity"].as_str().unwrap_or("")) } } }
                            @if !h.source.is_empty() { " · " (h.source) }
                            @if !h.note.is_empty() { br; span.hint { (h.note) } }
                            @if !h.participants.is_empty() { br; span.hint { (t(lang, "cases.participants")) "：" (h.participants) } }
                        }
                    }
                }
                @if sensitive && k.status != "closed" {
                    h3 { (t(lang, "cases.add_help")) }
                    form.form method="post" action={ "/cases/" (k.id) "/help" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        div.grid2 {
                            (layout::select(lang, "kind", "cases.help_kind", &HelpKind::ALL.iter().map(|h| (h.as_str().to_string(), h.label_zh().to_string())).collect::<Vec<_>>(), "goods", None))
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
                    h3 { a href={ "/applications/" (a.id) } { (ApplicationKind::parse(&a.kind).map_or("", |x| x.label_zh())) } " " (layout::chip("info", &t(lang, &format!("cases.app_status.{}", a.status)))) }
                    ul.plain {
                        @for s in &a.steps {
                            @let due = NaiveDate::parse_from_str(&s.due_on, "%Y-%m-%d").unwrap_or(today);
                            li { (urgency_chip(lang, assistance::urgency(due, s.done_on.is_some(), today, &cal))) " " (s.name) " · " (t(lang, "cases.due")) " " (s.due_on) }
                        }
                    }
                }
                @if sensitive && k.status != "closed" && k.resident_id.is_some() {
                    h3 { (t(lang, "cases.new_application")) }
                    form.form method="post" action="/applications" {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        input type="hidden" name="resident_id" value=(k.resident_id.unwrap_or(0));
                        input type="hidden" name="case_id" value=(k.id);
                        (layout::select(lang, "kind", "cases.application_kind", &ApplicationKind::ALL.iter().map(|a| (a.as_str().to_string(), a.label_zh().to_string())).collect::<Vec<_>>(), "dibao", None))
                        (layout::field(lang, "accepted_on", "cases.accepted_on", "date", &day, None, None))
                        label.check { input type="checkbox" name="entrusted"; " " (t(lang, "cases.entrusted")) }
                        div.form-actions { button.btn type="submit" { (t(lang, "cases.open_application")) } }
                    }
                }
            }
        }
    };
    let crumbs = [(t(lang, "cases.title"), Some("/cases".to_string()))];
    let title = format!(
        "{} · {}",
        t(lang, "cases.case"),
        k.resident_name.clone().unwrap_or_default()
    );
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

async fn help_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
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
                    let split = part
                        .find(|c: char| c.is_ascii_digit())
                        .unwrap_or(part.len());
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
    match add_help(&state, &ctx, d).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/cases/{id}"),
            true,
            "flash.help_recorded",
        )),
        Err(e @ AppError::Invalid { .. }) => Ok(redirect_with_flash(
            &format!("/cases/{id}"),
            false,
            &format!("error.{}", e.code()),
        )),
        Err(e) => Err(e),
    }
}

async fn application_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let case_id = pairs_get(&pairs, "case_id").and_then(|v| v.parse().ok());
    let d = ApplicationDraft {
        resident_id: pairs_get(&pairs, "resident_id")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        kind: pairs_get(&pairs, "kind").unwrap_or_default(),
        accepted_on: pairs_get(&pairs, "accepted_on").unwrap_or_default(),
        case_id,
        special: pairs_get(&pairs, "special").is_some(),
        entrusted: pairs_get(&pairs, "entrusted").is_some(),
    };
    let back = case_id.map_or("/cases".to_string(), |k| format!("/cases/{k}"));
    match open_application(&state, &ctx, d).await {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/applications/{}", v["id"].as_i64().unwrap_or(0)),
            true,
            "flash.application_opened",
        )),
        Err(e @ AppError::Invalid { .. }) => Ok(redirect_with_flash(
            &back,
            false,
            &format!("error.{}", e.code()),
        )),
        Err(e) => Err(e),
    }
}

async fn application_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let a = state
        .db
        .read(move |c| store::get_application(c, id))
        .await?;
    let caller = ctx.caller()?.clone();
    caller
        .require(
            &state,
            &ctx,
            Action::ViewCases,
            &place_at(a.community_id, &a.place_path),
        )
        .await?;
    let manage = caller.decide(Action::ManageCases, Some(&a.place_path)) == Decision::Allow;
    let community = a.community_id;
    let cal = state
        .db
        .read(move |c| store::calendar(c, community))
        .await?;
    let today = today(&ctx);
    let day = today.format("%Y-%m-%d").to_string();
    let body = html! {
        dl.facts {
            dt { (t(lang, "cases.person")) } dd { a href={ "/residents/" (a.resident_id) } { (a.resident_name) } }
            dt { (t(lang, "cases.accepted_on")) } dd { (a.accepted_on) }
            dt { (t(lang, "cases.status")) } dd { (t(lang, &format!("cases.app_status.{}", a.status))) }
            @if a.entrusted { dt { (t(lang, "cases.entrusted")) } dd { "✓" } }
        }
        p.hint { (t(lang, "cases.clock_hint")) }
        table.table {
            thead { tr { th { (t(lang, "cases.step")) } th { (t(lang, "cases.due")) } th { (t(lang, "cases.state")) } th { (t(lang, "cases.rule")) } th {} } }
            tbody {
                @for s in &a.steps {
                    @let due = NaiveDate::parse_from_str(&s.due_on, "%Y-%m-%d").unwrap_or(today);
                    tr {
                        td { (s.name) @if !s.note.is_empty() { br; span.hint { (s.note) } } }
                        td.nowrap { (s.due_on) }
                        td.nowrap { (urgency_chip(lang, assistance::urgency(due, s.done_on.is_some(), today, &cal))) @if let Some(d) = &s.done_on { " " (d) } }
                        td { span.hint { (s.rule) } }
                        td {
                            @if manage && s.done_on.is_none() && a.status == "in_progress" {
                                form.inline method="post" action={ "/applications/" (a.id) "/steps/" (s.id) } {
                                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                                    input type="hidden" name="done_on" value=(day);
                                    input.note-input type="text" name="note" placeholder=(t(lang, "cases.note")) aria-label=(t(lang, "cases.note"));
                                    " " button.btn.btn-small type="submit" { (t(lang, "cases.mark_done")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(d) = &a.decided_on {
            p.flash.flash-ok { (tf(lang, "cases.decided_on", &[("date", d), ("status", &t(lang, &format!("cases.app_status.{}", a.status)))])) }
            @if a.status == "granted" && a.kind == "dibao" {
                @if let Some(g) = linli_core::dates::parse_date(d) {
                    p { (tf(lang, "cases.recheck_due", &[("date", &assistance::recheck_due(g, false).format("%Y-%m-%d").to_string()), ("half", &assistance::recheck_due(g, true).format("%Y-%m-%d").to_string())])) }
                }
            }
        }
        @if manage && a.status == "in_progress" {
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
                    button.btn.btn-primary type="submit" { (t(lang, "cases.record_decision")) }
                }
            }
        }
        @if let Some(k) = a.case_id { p { a.btn href={ "/cases/" (k) } { (t(lang, "cases.back_to_case")) } } }
    };
    let crumbs = [(t(lang, "cases.title"), Some("/cases".to_string()))];
    let title = format!(
        "{} · {}",
        ApplicationKind::parse(&a.kind).map_or("", |x| x.label_zh()),
        a.resident_name
    );
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    note: String,
}

async fn step_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step)): Path<(i64, i64)>,
    Form(f): Form<StepForm>,
) -> Result<Response, AppError> {
    match complete_step(&state, &ctx, id, step, &f.done_on, &f.note).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/applications/{id}"),
            true,
            "flash.step_done",
        )),
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
}

/// Records the street office's or county's decision as it comes: the committee helps apply,
/// it does not decide.
async fn decision_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let back = format!("/applications/{id}");
    let a = state
        .db
        .read(move |c| store::get_application(c, id))
        .await?;
    ctx.caller()?
        .require(
            &state,
            &ctx,
            Action::ManageCases,
            &place_at(a.community_id, &a.place_path),
        )
        .await?;
    if !matches!(f.status.as_str(), "granted" | "refused" | "withdrawn") {
        return Ok(redirect_with_flash(
            &back,
            false,
            "error.application_status_bad",
        ));
    }
    let Some(on) = linli_core::dates::parse_date(&f.decided_on) else {
        return Ok(redirect_with_flash(&back, false, "error.date_bad"));
    };
    if on > today(&ctx) {
        return Ok(redirect_with_flash(&back, false, "error.date_future"));
    }
    let on_text = on.format("%Y-%m-%d").to_string();
    let ctx2 = ctx.clone();
    let status = f.status.clone();
    let done = state
        .db
        .write(move |c| {
            store::decide_application(c, id, &status, &on_text)?;
            audit::append(
                c,
                &ctx2.audit_change(
                    a.community_id,
                    "application.decide",
                    "application",
                    id,
                    Some(json!({"status": a.status})),
                    json!({"status": status, "decided_on": on_text}),
                ),
            )?;
            Ok::<_, AppError>(())
        })
        .await;
    match done {
        Ok(()) => Ok(redirect_with_flash(
            &back,
            true,
            "flash.application_decided",
        )),
        Err(e @ AppError::Conflict { .. }) => Ok(redirect_with_flash(
            &back,
            false,
            &format!("error.{}", e.code()),
        )),
        Err(e) => Err(e),
    }
}

/// Overdue and due-soon steps for the home page, inside the caller's scope.
pub async fn due_work(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Vec<(i64, String, String, String, String, Urgency)>, AppError> {
    let caller = ctx.caller()?.clone();
    let Some(community) = caller.community_id() else {
        return Ok(Vec::new());
    };
    if caller.decide(Action::ManageCases, None) != Decision::Allow {
        return Ok(Vec::new());
    }
    let today = today(ctx);
    let rows = state
        .db
        .read(move |c| {
            let cal = store::calendar(c, community)?;
            let until = cal
                .add_working_days(today, 2)
                .format("%Y-%m-%d")
                .to_string();
            Ok::<_, AppError>((cal, store::steps_due(c, community, &until)?))
        })
        .await?;
    let (cal, due) = rows;
    Ok(due
        .into_iter()
        .filter(|r| caller.decide(Action::ManageCases, Some(&r.5)) == Decision::Allow)
        .map(|(id, name, kind, step, due_on, _)| {
            let d = NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").unwrap_or(today);
            let u = assistance::urgency(d, false, today, &cal);
            (
                id,
                name,
                ApplicationKind::parse(&kind).map_or(kind.clone(), |k| k.label_zh().to_string()),
                step,
                due_on,
                u,
            )
        })
        .collect())
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/cases",
        Policy::Signed(Action::ViewCases),
        list,
    )
    .page(
        Method::GET,
        "/cases/new",
        Policy::Signed(Action::ManageCases),
        new_page,
    )
    .page(
        Method::POST,
        "/cases",
        Policy::Signed(Action::ManageCases),
        create_submit,
    )
    .page(
        Method::GET,
        "/cases/{id}",
        Policy::Signed(Action::ViewCases),
        detail,
    )
    .page(
        Method::POST,
        "/cases/{id}/help",
        Policy::Signed(Action::ManageCases),
        help_submit,
    )
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
