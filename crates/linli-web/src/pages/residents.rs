//! The registry pages (居民档案): roster with search and filters, the resident page, create and
//! edit, reveal (audited), close, over `linli_app::registry` (which the JSON API shares).

use super::Pairs;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::field_message;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use linli_app::registry::{
    self as ops, Draft, EMPLOYMENT, FieldError, ListQuery, PER_PAGE, POLITICAL, SaveError, TagDraft,
};
use linli_core::assistance::CaseStatus;
use linli_core::mask::{mask_id_number, mask_phone};
use linli_core::roster::ResidentStatus;
use linli_core::{Action, Decision, PlaceKind};
use linli_store::places::Place;
use linli_store::registry::{ResidentRow, TagKind};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

// ---- pages ----

fn num(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

fn query_string(q: &ListQuery) -> String {
    let pairs: Vec<(&str, String)> = [
        ("q", q.q.clone()),
        ("building", q.building.clone()),
        ("unit", q.unit.clone()),
        ("tag", q.tag.clone()),
        ("age_min", q.age_min.clone()),
        ("age_max", q.age_max.clone()),
        ("status", q.status.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

pub fn age_of(birth: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    let b = birth?;
    let mut a = i64::from(today.year()) - i64::from(b.year());
    if (today.month(), today.day()) < (b.month(), b.day()) {
        a -= 1;
    }
    Some(a)
}

pub fn gender_label(lang: Lang, g: Option<&str>) -> String {
    match g {
        Some("male") => t(lang, "gender.male"),
        Some("female") => t(lang, "gender.female"),
        _ => String::new(),
    }
}

pub fn relation_label(lang: Lang, r: &str) -> String {
    t(lang, &format!("relation.{r}"))
}

fn address(r: &ResidentRow) -> String {
    match (&r.building, &r.unit, &r.household) {
        (Some(b), Some(u), Some(h)) => format!("{b}{u}{h}"),
        (Some(b), Some(u), None) => format!("{b}{u}"),
        _ => String::new(),
    }
}

/// Three reads (tag kinds, places, the page of residents): on one thread.
async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    crate::metrics::on_one_thread(ctx.state.app.db.clone(), list_page(ctx, q)).await?
}

async fn list_page(ctx: Ctx, q: ListQuery) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let page = q.page.unwrap_or(1).max(1);
    let kinds = ops::tag_kinds(&ctx.state.app, &actor).await?;
    let places_in_scope =
        linli_app::places::list(&ctx.state.app, &actor, Action::ViewResidents).await?;
    let (rows, total) = ops::search(&ctx.state.app, &actor, &q, &kinds).await?;
    let today = linli_core::clock::shanghai(ctx.now).date();
    let buildings: Vec<&Place> =
        places_in_scope.iter().filter(|p| p.kind == PlaceKind::Building).collect();
    let selected_building = num(&q.building);
    let units: Vec<&Place> = places_in_scope
        .iter()
        .filter(|p| {
            p.kind == PlaceKind::Unit && Some(p.parent_id.unwrap_or(0)) == selected_building
        })
        .collect();
    let qs = query_string(&q);
    let manage = caller.decide(Action::ManageResidents, None) == Decision::Allow;
    let export = caller.decide(Action::ExportResidents, None) == Decision::Allow;
    let action = html! {
        @if manage {
            a.btn href="/residents/import" { (t(lang, "residents.import")) }
            " "
            a.btn.btn-primary href="/residents/new" { (t(lang, "residents.new")) }
        }
    };
    let body = html! {
        form.filters method="get" action="/residents" role="search" {
            div.filter-row {
                div.field.grow {
                    label for="q" { (t(lang, "residents.search")) }
                    input #q type="search" name="q" value=(q.q.clone().unwrap_or_default()) placeholder=(t(lang, "residents.search_hint")) autocomplete="off";
                }
                div.field {
                    label for="building" { (t(lang, "place.building")) }
                    select #building name="building" {
                        option value="" { (t(lang, "common.all")) }
                        @for b in &buildings { option value=(b.id) selected[Some(b.id) == selected_building] { (b.name) } }
                    }
                }
                div.field {
                    label for="unit" { (t(lang, "places.units")) }
                    select #unit name="unit" disabled[units.is_empty()] {
                        option value="" { (t(lang, "common.all")) }
                        @for u in &units { option value=(u.id) selected[Some(u.id) == num(&q.unit)] { (u.name) } }
                    }
                }
                div.field {
                    label for="tag" { (t(lang, "residents.tag")) }
                    select #tag name="tag" {
                        option value="" { (t(lang, "common.all")) }
                        @for k in &kinds { option value=(k.id) selected[q.tag.as_deref() == Some(k.id.to_string().as_str())] { (k.name) } }
                    }
                }
                div.field.small {
                    label for="age_min" { (t(lang, "residents.age_from")) }
                    input #age_min type="number" min="0" max="130" name="age_min" value=(q.age_min.clone().unwrap_or_default());
                }
                div.field.small {
                    label for="age_max" { (t(lang, "residents.age_to")) }
                    input #age_max type="number" min="0" max="130" name="age_max" value=(q.age_max.clone().unwrap_or_default());
                }
                div.field {
                    label for="status" { (t(lang, "residents.status")) }
                    select #status name="status" {
                        @for s in ["active", "moved_away", "deceased", "all"] {
                            option value=(s) selected[q.status.as_deref().unwrap_or("active") == s] { (t(lang, &format!("status.{s}"))) }
                        }
                    }
                }
                div.field.buttons {
                    button.btn.btn-primary type="submit" { (t(lang, "common.search")) }
                    a.btn href="/residents" { (t(lang, "common.reset")) }
                }
            }
        }
        div.list-head {
            p.count { (tf(lang, "residents.count", &[("n", &total.to_string())])) }
            @if export {
                div.exports {
                    a.btn.btn-small href={ "/residents/export.xlsx?" (qs) } { (t(lang, "residents.export_xlsx")) }
                    a.btn.btn-small href={ "/residents/export.csv?" (qs) } { (t(lang, "residents.export_csv")) }
                    @if super::roster::may_export_full(&ctx) {
                        a.btn.btn-small href={ "/residents/export.xlsx?full=1&" (qs) } title=(t(lang, "residents.export_full_hint")) { (t(lang, "residents.export_full")) }
                    }
                }
            }
        }
        @if rows.is_empty() {
            (layout::empty(&t(lang, if total == 0 && qs.is_empty() { "residents.empty" } else { "residents.none_match" }), None))
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.cards-sm {
                    thead { tr {
                        th scope="col" { (t(lang, "residents.name")) }
                        th scope="col" { (t(lang, "residents.gender")) }
                        th.num scope="col" { (t(lang, "residents.age")) }
                        th scope="col" { (t(lang, "residents.id_number")) }
                        th scope="col" { (t(lang, "residents.phone")) }
                        th scope="col" { (t(lang, "residents.address")) }
                        th scope="col" { (t(lang, "residents.relation")) }
                        th scope="col" { (t(lang, "residents.tags")) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href={ "/residents/" (r.id) } { (r.name) } }
                                td data-label=(t(lang, "residents.gender")) { (gender_label(lang, r.gender.as_deref())) }
                                td.num data-label=(t(lang, "residents.age")) { (age_of(r.birth_date, today).map(|a| a.to_string()).unwrap_or_default()) }
                                td.mono data-label=(t(lang, "residents.id_number")) { (r.id_number.as_deref().map(mask_id_number).unwrap_or_default()) }
                                td.mono data-label=(t(lang, "residents.phone")) { (r.phone.as_deref().map(mask_phone).unwrap_or_default()) }
                                td data-label=(t(lang, "residents.address")) { (address(r)) }
                                td data-label=(t(lang, "residents.relation")) { (relation_label(lang, &r.relation)) }
                                td data-label=(t(lang, "residents.tags")) { @for tag in &r.tags { (layout::chip("info", tag)) " " } }
                            }
                        }
                    }
                }
            }
            (layout::pager(lang, page, PER_PAGE, total, &format!("/residents?{qs}")))
        }
    };
    Ok(layout::page(&ctx, &t(lang, "residents.title"), &[], Some(action), body))
}

fn section(title: &str, body: Markup) -> Markup {
    html! { section.panel { h2 { (title) } (body) } }
}

async fn detail_page(
    ctx: &Ctx,
    id: i64,
    revealed: Option<(Option<String>, Option<String>)>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let r = ops::load_visible(&ctx.state.app, &ctx.actor()?, id, Action::ViewResidents).await?;
    let caller = ctx.caller()?;
    let members = ops::household_of(&ctx.state.app, &r).await?;
    let corrections =
        linli_app::corrections::of_resident(&ctx.state.app, &ctx.actor()?, &r).await?;
    let today = linli_core::clock::shanghai(ctx.now).date();
    let day = today.format("%Y-%m-%d").to_string();
    let manage = caller.decide(Action::ManageResidents, Some(&r.place_path)) == Decision::Allow;
    // The fund's records of this person, for those who keep the fund's books.
    let fund_records = if caller.decide(Action::ViewFund, None) == Decision::Allow {
        Some(linli_app::fund::for_resident(&ctx.state.app, &ctx.actor()?, r.id).await?)
    } else {
        None
    };
    // Courses, attendance and work found (learning and the employment station).
    let learning_section = super::learning::resident_section(ctx, r.id).await?;
    let can_reveal = caller.decide(Action::RevealResidents, Some(&r.place_path)) == Decision::Allow;
    let can_anonymize =
        caller.decide(Action::AnonymizeResidents, Some(&r.place_path)) == Decision::Allow;
    let (full_id, full_phone) = revealed.clone().unwrap_or((None, None));
    let shown_id = if revealed.is_some() {
        full_id.clone()
    } else {
        r.id_number.as_deref().map(mask_id_number)
    };
    let shown_phone =
        if revealed.is_some() { full_phone.clone() } else { r.phone.as_deref().map(mask_phone) };
    // Her own account (a resident's, linked to this record), for those who open accounts.
    let account = if caller.decide(Action::ManageUsers, Some(&r.place_path)) == Decision::Allow {
        Some(linli_app::accounts::account_of_resident(&ctx.state.app, &ctx.actor()?, &r).await?)
    } else {
        None
    };
    let closed = r.status != ResidentStatus::Active;
    let open_case = caller.decide(Action::ManageCases, Some(&r.place_path)) == Decision::Allow
        && r.status == ResidentStatus::Active;
    // Her household's open case, for those who see cases there: linked instead of offering a
    // second one.
    let current_case = if caller.decide(Action::ViewCases, Some(&r.place_path)) == Decision::Allow {
        linli_app::assistance::open_case_of_resident(&ctx.state.app, &ctx.actor()?, r.id).await?
    } else {
        None
    };
    let ask_fund = caller.decide(Action::RequestDisbursement, None) == Decision::Allow
        && r.status == ResidentStatus::Active;
    let action = html! {
        @if let Some(k) = &current_case {
            a.btn href={ "/cases/" (k.id) } { (t(lang, "pickers.view_case")) } " "
        } @else if open_case {
            a.btn href={ "/cases/new?resident=" (r.id) } { (t(lang, "cases.new")) } " "
        }
        @if ask_fund { a.btn href={ "/fund/disbursements/new?resident=" (r.id) } { (t(lang, "fund.request")) } " " }
        @if manage && r.status != ResidentStatus::Anonymized {
            a.btn.btn-primary href={ "/residents/" (r.id) "/edit" } { (t(lang, "residents.edit")) }
        }
    };
    let body = html! {
        @if let Some(k) = &current_case {
            p.flash.flash-info.open-case {
                (tf(lang, "pickers.open_case_line", &[("who", &format!("{}{}", k.resident_name.clone().unwrap_or_default(), if k.address.is_empty() { String::new() } else { format!("（{}）", k.address) }))]))
                " " (layout::chip(if k.status == CaseStatus::Open { "warn" } else { "info" }, &t(lang, &format!("cases.status.{}", k.status))))
                " " a href={ "/cases/" (k.id) } { (t(lang, "pickers.view_case")) }
            }
        }
        @if closed {
            p.flash.flash-warn { (t(lang, &format!("status.{}", r.status))) @if let Some(d) = &r.closed_on { "（" (d) "）" } }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "residents.basic")) }
                dl.facts.plain {
                    dt { (t(lang, "residents.gender")) } dd { (gender_label(lang, r.gender.as_deref())) }
                    dt { (t(lang, "residents.birth_date")) } dd { (r.birth_date.map(|d| d.to_string()).unwrap_or_default()) @if let Some(a) = age_of(r.birth_date, today) { "（" (tf(lang, "residents.age_years", &[("n", &a.to_string())])) "）" } }
                    dt { (t(lang, "residents.id_number")) } dd.mono #id-number { (shown_id.unwrap_or_default()) }
                    dt { (t(lang, "residents.phone")) } dd.mono #phone { (shown_phone.unwrap_or_default()) }
                    dt { (t(lang, "residents.address")) } dd { (r.building.clone().unwrap_or_default()) (r.unit.clone().unwrap_or_default()) (r.household.clone().unwrap_or_default()) }
                    dt { (t(lang, "residents.relation")) } dd { (relation_label(lang, &r.relation)) }
                    dt { (t(lang, "residents.political_status")) } dd { (r.political_status) }
                    dt { (t(lang, "residents.employment_status")) } dd { @if !r.employment_status.is_empty() { (t(lang, &format!("employment.{}", r.employment_status))) } }
                    dt { (t(lang, "residents.notes")) } dd { (r.notes) }
                }
                @if can_reveal && revealed.is_none() && (r.id_number.is_some() || r.phone.is_some()) {
                    form.reveal method="post" action={ "/residents/" (r.id) "/reveal" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        label for="reason" { (t(lang, "residents.reveal_reason")) }
                        input #reason type="text" name="reason" placeholder=(t(lang, "residents.reveal_reason_hint"));
                        button.btn.btn-small type="submit" { (t(lang, "residents.reveal")) }
                        p.hint { (t(lang, "residents.reveal_hint")) }
                    }
                }
                @if revealed.is_some() { p.hint { (t(lang, "residents.revealed_hint")) } }
            }
            div {
                (section(&t(lang, "residents.tags"), html! {
                    @if r.tags.is_empty() { p.hint { (t(lang, "residents.no_tags")) } }
                    ul.plain {
                        @for tag in &r.tags {
                            li {
                                (layout::chip(if tag.active_on(&day) { "info" } else { "muted" }, &tag.name))
                                @if let Some(g) = &tag.grade { " " (g) }
                                " "
                                span.hint {
                                    @match (&tag.valid_from, &tag.valid_to) {
                                        (Some(f), None) => { (tf(lang, "residents.valid_since", &[("from", f)])) }
                                        (f, Some(to)) => { (f.clone().unwrap_or_default()) " — " (to) }
                                        (None, None) => {}
                                    }
                                    @if !tag.active_on(&day) { " · " (t(lang, "residents.tag_expired")) }
                                }
                            }
                        }
                    }
                }))
                (section(&t(lang, "residents.household"), html! {
                    @if members.is_empty() { p.hint { (t(lang, "residents.no_household")) } }
                    ul.plain {
                        @for (mid, mname, mrel, mstatus) in &members {
                            li {
                                @if *mid == r.id { strong { (mname) } } @else { a href={ "/residents/" (mid) } { (mname) } }
                                " · " (relation_label(lang, mrel))
                                @if *mstatus != ResidentStatus::Active { " · " (t(lang, &format!("status.{mstatus}"))) }
                            }
                        }
                    }
                }))
                (section(&t(lang, "residents.consents"), html! {
                    ul.plain {
                        li { (if r.consent_publish_name { "✓ " } else { "✕ " }) (t(lang, "residents.consent_publish_name")) }
                        li { (if r.consent_volunteer_contact { "✓ " } else { "✕ " }) (t(lang, "residents.consent_volunteer_contact")) }
                        li { (if r.consent_neighbor_card { "✓ " } else { "✕ " }) (t(lang, "residents.consent_neighbor_card")) }
                    }
                }))
            }
        }
        section.panel.upcoming {
            h2 { (t(lang, "residents.linked")) }
            @if let Some((gifts, help)) = &fund_records {
                h3 { (t(lang, "nav.fund")) }
                @if gifts.is_empty() && help.is_empty() { p.hint { (t(lang, "residents.fund_none")) } }
                @if !help.is_empty() {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "nav.fund")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "residents.fund_help")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.purpose")) } th { (t(lang, "fund.status")) } } }
                            tbody {
                                @for d in help {
                                    tr {
                                        td.nowrap { (d.paid_on.unwrap_or(d.requested_at.day())) }
                                        td.num { (super::fund::yuan(d.amount_fen)) }
                                        td { (label(lang, "purpose", d.purpose.as_str())) }
                                        td { (t(lang, &format!("fund.status.{}", d.status))) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !gifts.is_empty() {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "residents.fund_gifts")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.receipt_no")) } } }
                            tbody {
                                @for g in gifts {
                                    tr {
                                        td.nowrap { (g.received_on) }
                                        td.num { (super::fund::yuan(g.amount_fen)) }
                                        td { a href={ "/fund/donations/" (g.id) "/receipt" } { (g.receipt_no) } @if g.reversed { " " (layout::chip("muted", &t(lang, "fund.reversed"))) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (learning_section)
        @if let Some(account) = &account {
            section.panel #resident-account {
                h2 { (t(lang, "residents.account")) }
                @match account {
                    Some(u) => p { a href={ "/users/" (u.id) } { (tf(lang, "residents.account_linked", &[("username", &u.username)])) } },
                    None => @if r.status == ResidentStatus::Active {
                        p { a.btn.btn-small href={ "/users/new?resident=" (r.id) } { (t(lang, "residents.account_open")) } }
                    },
                }
            }
        }
        (super::corrections::resident_panel(lang, &caller.csrf_token, &corrections))
        @if (can_reveal || can_anonymize) && r.status != ResidentStatus::Anonymized {
            section.panel {
                h2 { (t(lang, "residents.privacy")) }
                @if can_reveal {
                    p { a.btn.btn-small href={ "/residents/" (r.id) "/personal-data" } { (t(lang, "residents.personal_data")) } " " span.hint { (t(lang, "residents.personal_data_hint")) } }
                }
                @if can_anonymize {
                    form.form.inline-form method="post" action={ "/residents/" (r.id) "/anonymize" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        (layout::field(lang, "confirm", "residents.anonymize_confirm", "text", "", None, Some("off")))
                        div.form-actions { button.btn.btn-danger type="submit" { (t(lang, "residents.anonymize")) } }
                    }
                    p.hint { (t(lang, "residents.anonymize_hint")) }
                }
            }
        }
        @if manage && !closed {
            section.panel {
                h2 { (t(lang, "residents.close")) }
                p.hint { (t(lang, "residents.close_hint")) }
                p { a.btn.btn-danger href={ "/residents/" (r.id) "/close" } { (t(lang, "residents.close")) "…" } }
            }
        }
    };
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    Ok(layout::page(ctx, &r.name, &crumbs, Some(action), body))
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    // The person's record and each module's part of it, read on one thread.
    crate::metrics::on_one_thread(ctx.state.app.db.clone(), async move {
        detail_page(&ctx, id, None).await
    })
    .await?
}

#[derive(Deserialize)]
struct RevealForm {
    #[serde(default)]
    reason: String,
}

async fn reveal_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RevealForm>,
) -> Result<Response, AppError> {
    let shown = ops::reveal(&ctx.state.app, &ctx.actor()?, id, &f.reason).await?;
    detail_page(&ctx, id, Some(shown)).await
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    on: String,
}

/// The confirmation step before a record leaves the roster: what happens, the reason chosen
/// (never defaulted) and the date, and a way back.
async fn close_confirm(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let on = linli_core::clock::shanghai(ctx.now).date().format("%Y-%m-%d").to_string();
    close_page(&ctx, id, "", &on, None).await
}

async fn close_page(
    ctx: &Ctx,
    id: i64,
    status: &str,
    on: &str,
    error: Option<(&'static str, &'static str)>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let r = ops::load_visible(&ctx.state.app, &ctx.actor()?, id, Action::ManageResidents).await?;
    if r.status != ResidentStatus::Active {
        return Ok(redirect_with_flash(
            &format!("/residents/{id}"),
            false,
            "flash.resident_already_closed",
        ));
    }
    let err = |f: &str| {
        error.filter(|(field, _)| *field == f).map(|(_, code)| t(lang, &format!("error.{code}")))
    };
    let reasons = [
        (String::new(), t(lang, "residents.close_choose")),
        ("moved_away".into(), t(lang, "status.moved_away")),
        ("deceased".into(), t(lang, "status.deceased")),
    ];
    let address = format!(
        "{}{}{}",
        r.building.clone().unwrap_or_default(),
        r.unit.clone().unwrap_or_default(),
        r.household.clone().unwrap_or_default()
    );
    let confirm = layout::Confirm {
        about: html! { p.lead { strong { (r.name) } " " span.hint { (address) } } },
        consequences: vec![
            tf(lang, "residents.close_effect_roster", &[("name", &r.name)]),
            t(lang, "residents.close_effect_kept"),
            t(lang, "residents.close_effect_final"),
        ],
        action: format!("/residents/{id}/close"),
        fields: html! {
            (layout::select(lang, "status", "residents.close_reason", &reasons, status, err("status")))
            (layout::field(lang, "on", "residents.close_on", "date", on, err("on"), None))
        },
        submit: t(lang, "residents.close_submit"),
        back: format!("/residents/{id}"),
    };
    let crumbs = [
        (t(lang, "residents.title"), Some("/residents".to_string())),
        (r.name.clone(), Some(format!("/residents/{id}"))),
    ];
    Ok(layout::confirm_page(ctx, &t(lang, "residents.close"), &crumbs, error.is_some(), confirm))
}

async fn close_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> Result<Response, AppError> {
    match ops::close(&ctx.state.app, &ctx.actor()?, id, &f.status, &f.on).await {
        Ok(()) => {
            Ok(redirect_with_flash(&format!("/residents/{id}"), true, "flash.resident_closed"))
        }
        Err(linli_app::Error::Invalid { code, field: Some(field) }) => {
            close_page(&ctx, id, &f.status, &f.on, Some((field, code))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The copy for a §45 request in the reader's words, with the record and household it comes
/// with (the audit record of the handing-over is already written).
async fn personal_copy(ctx: &Ctx, id: i64) -> Result<ops::SubjectExport, AppError> {
    let mut e = ops::subject_export(&ctx.state.app, &ctx.actor()?, id).await?;
    crate::labels::label_personal_data(ctx.lang(), &mut e.copy);
    Ok(e)
}

/// Everything held about one person, for their PIPL §45 request (查阅、复制), as a JSON file:
/// the full record, their household, every record of theirs in every module and every
/// handling of them. Handing it over is itself audited.
async fn personal_data_json(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let e = personal_copy(&ctx, id).await?;
    let doc = &e.copy;
    let r = &e.resident;
    let body = json!({
        "exported_at": doc.exported_at,
        "legal_basis": doc.legal_basis,
        "resident": {
            "name": r.name, "id_number": r.id_number, "gender": r.gender, "birth_date": r.birth_date,
            "phone": r.phone, "building": r.building, "unit": r.unit, "household": r.household,
            "relation": r.relation, "political_status": r.political_status, "employment_status": r.employment_status,
            "notes": r.notes, "status": r.status, "closed_on": r.closed_on,
            "consents": {"publish_name": r.consent_publish_name, "volunteer_contact": r.consent_volunteer_contact, "neighbor_card": r.consent_neighbor_card},
            "tags": r.tags,
        },
        "household_members": e.members.iter().map(|(_, name, relation, _)| json!({"name": name, "relation": relation})).collect::<Vec<_>>(),
        "sections": doc.sections,
        "processing_history": doc.processing_history,
    });
    let text =
        serde_json::to_string_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut res = (StatusCode::OK, text).into_response();
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"personal-data-{id}.json\""
    )) {
        res.headers_mut().insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The same copy as a page a worker prints for the person (one table per kind of record).
async fn personal_data_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let e = personal_copy(&ctx, id).await?;
    let doc = &e.copy;
    let body = html! {
        p.hint { (t(lang, "privacy.hint")) }
        p { (t(lang, "privacy.exported_at")) "：" (doc.exported_at) }
        p.no-print {
            a.btn.btn-small href={ "/residents/" (id) "/personal-data.json" } { (t(lang, "privacy.download_json")) }
        }
        @for s in &doc.sections {
            section.privacy-section {
                h2 { (s.title) }
                @if s.rows.is_empty() {
                    p.hint { (t(lang, "privacy.none")) }
                } @else {
                    @let cols: Vec<&String> = s.rows.first().map(|r| r.keys().collect()).unwrap_or_default();
                    @if s.rows.len() == 1 && cols.len() > 5 {
                        // One record of many fields (his own record) reads as a form, not a
                        // table wider than the paper.
                        dl.facts {
                            @for c in &cols {
                                dt { (column_label(lang, c)) }
                                dd { (cell(lang, c, s.rows[0].get(*c))) }
                            }
                        }
                    } @else {
                        div.table-wrap role="region" tabindex="0" aria-label=(s.title) {
                            table.table {
                                thead { tr { @for c in &cols { th scope="col" { (column_label(lang, c)) } } } }
                                tbody {
                                    @for row in &s.rows {
                                        tr { @for c in &cols { td.nowrap[c.ends_with("_on") || c.ends_with("_at") || c.as_str() == "on"] { (cell(lang, c, row.get(*c))) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.privacy-section {
            h2 { (t(lang, "privacy.history")) }
            p.hint { (t(lang, "privacy.history_hint")) }
            @if doc.processing_history.is_empty() {
                p.hint { (t(lang, "privacy.none")) }
            } @else {
                table.table {
                    thead { tr {
                        th scope="col" { (t(lang, "audit.at")) }
                        th scope="col" { (t(lang, "audit.actor")) }
                        th scope="col" { (t(lang, "audit.action")) }
                        th scope="col" { (t(lang, "audit.object")) }
                    } }
                    tbody {
                        @for h in &doc.processing_history {
                            tr {
                                td { (h.at.minute()) }
                                td { (h.by) }
                                td { (h.action_label) }
                                td { (h.object_label) }
                            }
                        }
                    }
                }
            }
        }
    };
    let crumbs = [
        (t(lang, "residents.title"), Some("/residents".to_string())),
        (e.resident.name.clone(), Some(format!("/residents/{id}"))),
    ];
    Ok(layout::page(
        &ctx,
        &tf(lang, "privacy.title", &[("name", &e.resident.name)]),
        &crumbs,
        None,
        body,
    ))
}

/// A column's heading (`privacy.column.<column>`), or the column's name.
fn column_label(lang: Lang, column: &str) -> String {
    crate::labels::words_or_code(lang, "privacy.column", column)
}

/// A value as printed: money in yuan, hours from tenths, times in Shanghai to the minute,
/// codes in words, stored lists (the items of a visit) as the list they are; never raw JSON.
fn cell(lang: Lang, column: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::Bool(b)) => t(lang, if *b { "audit.yes" } else { "audit.no" }),
        Some(Value::Number(n)) if column.ends_with("_fen") => {
            n.as_i64().map_or_else(|| n.to_string(), super::fund::yuan)
        }
        Some(Value::Number(n)) if column == "hours_tenths" => {
            n.as_i64().map_or_else(|| n.to_string(), |h| format!("{}.{}", h / 10, h % 10))
        }
        // A flag stored as 0/1 (SQLite has no booleans).
        Some(Value::Number(n)) if is_flag(column) && matches!(n.as_i64(), Some(0 | 1)) => {
            t(lang, if n.as_i64() == Some(1) { "audit.yes" } else { "audit.no" })
        }
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => text_cell(lang, column, s),
        Some(other @ (Value::Array(_) | Value::Object(_))) => list_words(other),
    }
}

/// Whether a column holds a yes/no flag (`consent_card`, `is_head`, `close_relative` …).
fn is_flag(column: &str) -> bool {
    column.starts_with("consent")
        || column.ends_with("_consent")
        || column.starts_with("is_")
        || column.starts_with("has_")
        || matches!(column, "close_relative" | "entrusted" | "in_kind" | "public" | "active")
}

/// A stored text as printed: see [`cell`].
fn text_cell(lang: Lang, column: &str, s: &str) -> String {
    if s.starts_with('[') || s.starts_with('{') {
        return serde_json::from_str::<Value>(s).map_or_else(|_| s.to_string(), |v| list_words(&v));
    }
    if let Some(at) = stored_time(s) {
        return at;
    }
    let is_code =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b',');
    if !is_code {
        return s.to_string();
    }
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(|code| code_words(lang, column, code))
        .collect::<Vec<_>>()
        .join("、")
}

/// A code in the catalogue's words: the copy's own (`privacy.value.via.staff`), the column's
/// family (`gender.male`), the enum's (`enum.purpose.medical`), then the audit trail's
/// (`audit.value.visited`); else the code.
fn code_words(lang: Lang, column: &str, code: &str) -> String {
    [
        format!("privacy.value.{column}.{code}"),
        format!("{column}.{code}"),
        format!("enum.{column}.{code}"),
        format!("audit.value.{code}"),
    ]
    .into_iter()
    .find_map(|key| crate::i18n::t_opt(lang, &key))
    .unwrap_or_else(|| code.to_string())
}

/// A stored timestamp (`2026-12-06T18:25:43.29Z`, with or without the zone) in Shanghai
/// time to the minute; `None` for anything else.
fn stored_time(s: &str) -> Option<String> {
    if s.len() < 19 || s.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let utc = chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok()
        .or_else(|| {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| t.and_utc())
    })?;
    Some(linli_core::clock::shanghai(utc).format("%Y-%m-%d %H:%M").to_string())
}

/// A stored list as words: `米 10kg、油 5L`; objects by their name and quantity.
fn list_words(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            items.iter().map(list_words).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("、")
        }
        Value::Object(m) => ["name", "quantity", "label", "note"]
            .iter()
            .filter_map(|k| m.get(*k).and_then(Value::as_str))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
struct AnonymizeForm {
    #[serde(default)]
    confirm: String,
}

/// Erasure where the record must stay (PIPL §47 with the ledgers that point at it): the
/// personal fields are erased and the row kept, anonymous, so counts and accounts stay right.
async fn anonymize_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AnonymizeForm>,
) -> Result<Response, AppError> {
    match ops::anonymize(&ctx.state.app, &ctx.actor()?, id, &f.confirm).await {
        Ok(()) => {}
        Err(linli_app::Error::Invalid { code: "anonymize_confirm", .. }) => {
            return Ok(redirect_with_flash(
                &format!("/residents/{id}"),
                false,
                "flash.anonymize_confirm",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect_with_flash(&format!("/residents/{id}"), true, "flash.resident_anonymized"))
}

// ---- the form ----

/// Reads the resident form (fields plus `tag_<id>` checkboxes with their periods).
fn draft_from_form(pairs: &[(String, String)], kinds: &[TagKind]) -> Draft {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let flag = |k: &str| get(k).is_some_and(|v| v == "on" || v == "1" || v == "true");
    let tags = kinds
        .iter()
        .filter(|k| flag(&format!("tag_{}", k.id)))
        .map(|k| TagDraft {
            name: k.name.clone(),
            valid_from: get(&format!("tag_{}_from", k.id)),
            valid_to: get(&format!("tag_{}_to", k.id)),
            grade: get(&format!("tag_{}_grade", k.id)),
        })
        .collect();
    Draft {
        name: get("name").unwrap_or_default(),
        id_number: get("id_number"),
        gender: get("gender"),
        birth_date: get("birth_date"),
        phone: get("phone"),
        unit_id: get("unit_id").and_then(|v| v.parse().ok()),
        household: get("household"),
        household_id: None,
        relation: get("relation"),
        political_status: get("political_status"),
        employment_status: get("employment_status"),
        notes: get("notes"),
        consent_publish_name: flag("consent_publish_name"),
        consent_volunteer_contact: flag("consent_volunteer_contact"),
        consent_neighbor_card: flag("consent_neighbor_card"),
        tags,
    }
}

async fn form_page(
    ctx: &Ctx,
    id: Option<i64>,
    d: &Draft,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let actor = ctx.actor()?;
    let kinds = ops::tag_kinds(&ctx.state.app, &actor).await?;
    let all = linli_app::places::list(&ctx.state.app, &actor, Action::ManageResidents).await?;
    let err = |f: &str| {
        let msgs: Vec<String> =
            errors.iter().filter(|e| e.field == f).map(|e| field_message(lang, e)).collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    };
    let name_of = |pid: Option<i64>| {
        all.iter().find(|p| Some(p.id) == pid).map(|p| p.name.clone()).unwrap_or_default()
    };
    let unit_opts: Vec<(String, String)> =
        std::iter::once((String::new(), t(lang, "residents.no_unit")))
            .chain(
                all.iter()
                    .filter(|p| p.kind == PlaceKind::Unit)
                    .map(|u| (u.id.to_string(), format!("{}{}", name_of(u.parent_id), u.name))),
            )
            .collect();
    let v = |s: &Option<String>| s.clone().unwrap_or_default();
    let action = match id {
        Some(id) => format!("/residents/{id}"),
        None => "/residents".to_string(),
    };
    let general: Vec<&FieldError> = errors.iter().filter(|e| e.field == "tags").collect();
    let body = html! {
        form.form.wide method="post" action=(action) novalidate {
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            @if !errors.is_empty() { p.form-error role="alert" { (tf(lang, "residents.form_errors", &[("n", &errors.len().to_string())])) } }
            fieldset {
                legend { (t(lang, "residents.basic")) }
                div.grid2 {
                    (layout::field(lang, "name", "residents.name", "text", &d.name, err("name"), Some("off")))
                    (layout::field(lang, "id_number", "residents.id_number", "text", &v(&d.id_number), err("id_number"), Some("off")))
                    (layout::select(lang, "gender", "residents.gender", &[(String::new(), t(lang, "residents.from_id")), ("male".into(), t(lang, "gender.male")), ("female".into(), t(lang, "gender.female"))], &v(&d.gender), err("gender")))
                    (layout::field(lang, "birth_date", "residents.birth_date", "text", &v(&d.birth_date), err("birth_date"), Some("off")))
                    (layout::field(lang, "phone", "residents.phone", "tel", &v(&d.phone), err("phone"), Some("off")))
                    (layout::select(lang, "political_status", "residents.political_status", &std::iter::once((String::new(), String::new())).chain(POLITICAL.iter().map(|p| (p.to_string(), p.to_string()))).collect::<Vec<_>>(), &v(&d.political_status), None))
                    (layout::select(lang, "employment_status", "residents.employment_status", &std::iter::once((String::new(), String::new())).chain(EMPLOYMENT.iter().map(|e| (e.to_string(), t(lang, &format!("employment.{e}"))))).collect::<Vec<_>>(), &v(&d.employment_status), err("employment_status")))
                }
                p.hint { (t(lang, "residents.id_hint")) }
            }
            fieldset {
                legend { (t(lang, "residents.household")) }
                div.grid2 {
                    (layout::select(lang, "unit_id", "residents.unit", &unit_opts, &d.unit_id.map(|u| u.to_string()).unwrap_or_default(), err("unit_id")))
                    (layout::field(lang, "household", "residents.household_number", "text", &v(&d.household), err("household"), Some("off")))
                    (layout::select(lang, "relation", "residents.relation", &["head", "spouse", "child", "parent", "other"].iter().map(|r| (r.to_string(), relation_label(lang, r))).collect::<Vec<_>>(), &v(&d.relation), None))
                }
            }
            fieldset {
                legend { (t(lang, "residents.tags")) }
                @for e in &general { p.field-error { (field_message(lang, e)) } }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table.compact.tag-table {
                        thead { tr { th { (t(lang, "residents.tag")) } th { (t(lang, "residents.valid_from")) } th { (t(lang, "residents.valid_to")) } th { (t(lang, "residents.grade")) } } }
                        tbody {
                            @for k in &kinds {
                                @let chosen = d.tags.iter().find(|x| x.name == k.name);
                                tr {
                                    td { label { input type="checkbox" name={ "tag_" (k.id) } checked[chosen.is_some()]; " " (k.name) @if k.sensitive { " " span.hint { (t(lang, "residents.sensitive")) } } } }
                                    td { input type="text" name={ "tag_" (k.id) "_from" } value=(chosen.and_then(|c| c.valid_from.clone()).unwrap_or_default()) placeholder="2026-01-01" aria-label={ (k.name) " " (t(lang, "residents.valid_from")) }; }
                                    td { input type="text" name={ "tag_" (k.id) "_to" } value=(chosen.and_then(|c| c.valid_to.clone()).unwrap_or_default()) placeholder="2026-12-31" aria-label={ (k.name) " " (t(lang, "residents.valid_to")) }; }
                                    td { @if k.has_grade { input type="text" name={ "tag_" (k.id) "_grade" } value=(chosen.and_then(|c| c.grade.clone()).unwrap_or_default()) aria-label={ (k.name) " " (t(lang, "residents.grade")) }; } }
                                }
                            }
                        }
                    }
                }
                p.hint { (t(lang, "residents.sensitive_hint")) }
            }
            fieldset {
                legend { (t(lang, "residents.consents")) }
                label.check { input type="checkbox" name="consent_publish_name" checked[d.consent_publish_name]; " " (t(lang, "residents.consent_publish_name")) }
                label.check { input type="checkbox" name="consent_volunteer_contact" checked[d.consent_volunteer_contact]; " " (t(lang, "residents.consent_volunteer_contact")) }
                label.check { input type="checkbox" name="consent_neighbor_card" checked[d.consent_neighbor_card]; " " (t(lang, "residents.consent_neighbor_card")) }
            }
            div.field {
                label for="notes" { (t(lang, "residents.notes")) }
                textarea #notes name="notes" rows="3" { (v(&d.notes)) }
            }
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "common.save")) }
                a.btn href=(id.map_or("/residents".to_string(), |i| format!("/residents/{i}"))) { (t(lang, "common.cancel")) }
            }
        }
    };
    let title = if id.is_some() { t(lang, "residents.edit") } else { t(lang, "residents.new") };
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    Ok(layout::page_with_status(ctx, status, &title, &crumbs, None, body))
}

async fn new_page(ctx: Ctx) -> Result<Response, AppError> {
    form_page(&ctx, None, &Draft::default(), &[], StatusCode::OK).await
}

async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let r = ops::load_visible(&ctx.state.app, &ctx.actor()?, id, Action::ManageResidents).await?;
    let d = Draft {
        name: r.name.clone(),
        id_number: r.id_number.clone(),
        gender: r.gender.clone(),
        birth_date: r.birth_date.map(|d| d.to_string()),
        phone: r.phone.clone(),
        unit_id: r.unit_id,
        household: r.household.clone(),
        household_id: r.household_id,
        relation: Some(r.relation.clone()),
        political_status: Some(r.political_status.clone()),
        employment_status: Some(r.employment_status.clone()),
        notes: Some(r.notes.clone()),
        consent_publish_name: r.consent_publish_name,
        consent_volunteer_contact: r.consent_volunteer_contact,
        consent_neighbor_card: r.consent_neighbor_card,
        tags: r
            .tags
            .iter()
            .map(|x| TagDraft {
                name: x.name.clone(),
                valid_from: x.valid_from.clone(),
                valid_to: x.valid_to.clone(),
                grade: x.grade.clone(),
            })
            .collect(),
    };
    form_page(&ctx, Some(id), &d, &[], StatusCode::OK).await
}

async fn submit(
    ctx: Ctx,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let kinds = ops::tag_kinds(&ctx.state.app, &actor).await?;
    let d = draft_from_form(&pairs, &kinds);
    match ops::save(&ctx.state.app, &actor, id, d.clone()).await {
        Ok(rid) => Ok(redirect_with_flash(
            &format!("/residents/{rid}"),
            true,
            if id.is_some() { "flash.resident_saved" } else { "flash.resident_created" },
        )),
        Err(SaveError::Fields(errors)) => {
            form_page(&ctx, id, &d, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(SaveError::Op(e)) => Err(e.into()),
    }
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    submit(ctx, None, pairs).await
}

async fn update_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    submit(ctx, Some(id), pairs).await
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/residents", Policy::Signed(Action::ViewResidents), list)
        .page(Method::GET, "/residents/new", Policy::Signed(Action::ManageResidents), new_page)
        .page(Method::POST, "/residents", Policy::Signed(Action::ManageResidents), create_submit)
        .page(Method::GET, "/residents/{id}", Policy::Signed(Action::ViewResidents), detail)
        .page(
            Method::GET,
            "/residents/{id}/edit",
            Policy::Signed(Action::ManageResidents),
            edit_page,
        )
        .page(
            Method::POST,
            "/residents/{id}",
            Policy::Signed(Action::ManageResidents),
            update_submit,
        )
        .page(
            Method::POST,
            "/residents/{id}/reveal",
            Policy::Signed(Action::RevealResidents),
            reveal_submit,
        )
        .page(
            Method::GET,
            "/residents/{id}/close",
            Policy::Signed(Action::ManageResidents),
            close_confirm,
        )
        .page(
            Method::POST,
            "/residents/{id}/close",
            Policy::Signed(Action::ManageResidents),
            close_submit,
        )
        .page(
            Method::POST,
            "/residents/{id}/anonymize",
            Policy::Signed(Action::AnonymizeResidents),
            anonymize_submit,
        )
        .page(
            Method::GET,
            "/residents/{id}/personal-data.json",
            Policy::Signed(Action::RevealResidents),
            personal_data_json,
        )
        .page(
            Method::GET,
            "/residents/{id}/personal-data",
            Policy::Signed(Action::RevealResidents),
            personal_data_page,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_prints_codes_lists_flags_and_times_in_words() {
        let zh = Lang::Zh;
        assert_eq!(cell(zh, "gender", Some(&json!("male"))), "男");
        assert_eq!(cell(zh, "relation", Some(&json!("spouse"))), "配偶");
        assert_eq!(cell(zh, "via", Some(&json!("staff"))), "工作人员代报名");
        assert_eq!(cell(zh, "purpose", Some(&json!("medical"))), "医疗救助");
        assert_eq!(cell(zh, "kinds", Some(&json!("illness,education"))), "疾病、助学");
        assert_eq!(
            cell(
                zh,
                "items",
                Some(&json!(r#"[{"name":"米","quantity":"10kg"},{"name":"油","quantity":"5L"}]"#))
            ),
            "米 10kg、油 5L"
        );
        assert_eq!(cell(zh, "consent_card", Some(&json!(1))), "是");
        assert_eq!(cell(zh, "consent_card", Some(&json!(0))), "否");
        assert_eq!(cell(zh, "household_size", Some(&json!(1))), "1");
        assert_eq!(cell(zh, "amount_fen", Some(&json!(90_000))), "900.00");
        // Stored in UTC, printed in Shanghai time to the minute, with or without the zone.
        assert_eq!(
            cell(zh, "created_at", Some(&json!("2026-12-06T18:25:43.2970512"))),
            "2026-12-07 02:25"
        );
        assert_eq!(
            cell(zh, "created_at", Some(&json!("2026-12-06T18:25:43Z"))),
            "2026-12-07 02:25"
        );
        // Words and unknown codes are left as they are; nothing prints as raw JSON.
        assert_eq!(cell(zh, "note", Some(&json!("春节慰问"))), "春节慰问");
        assert_eq!(cell(zh, "status", Some(&json!("no_such_code"))), "no_such_code");
        assert_eq!(cell(zh, "note", None), "");
    }
}
