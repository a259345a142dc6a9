//! The love fund (爱心基金): overview, the meeting decision, donations with receipts,
//! disbursements with two approvals, the ledger with reversals, and the public disclosure.
//! The operations are `linli_app::fund`, shared with the JSON API.

use super::picker::{Picker, picker_status};
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
use linli_app::fund::{
    self as ops, DecisionDraft, DonationDraft, RequestDraft, approve, donate, pay, record_decision,
    request, reverse,
};
use linli_core::fund::{
    DisbursementStatus, DonorKind, EntryKind, Fen, MeetingBasis, Method as PayMethod, Purpose,
};
use linli_core::{Action, Decision};
use maud::{Markup, html};
use serde::Deserialize;

// ---- pages ----

pub fn yuan(fen: i64) -> String {
    Fen(fen).yuan()
}

/// `Xx社区` → `Xx社区居民委员会`: who issues receipts and signs notices.
fn committee_name(community: &str) -> String {
    format!("{community}居民委员会")
}

/// `2026-11` → `2026年11月` (English keeps the ISO form).
fn month_label(lang: Lang, month: &str) -> String {
    match (lang, month.split_once('-')) {
        (Lang::Zh, Some((y, m))) => format!("{y}年{}月", m.trim_start_matches('0')),
        _ => month.to_string(),
    }
}

fn kind_label(lang: Lang, kind: EntryKind) -> String {
    t(lang, &format!("fund.kind.{kind}"))
}

/// A day as the reader's documents write it: `2026年12月4日` in Chinese (GB/T 9704, no zero
/// padding), ISO in English.
fn day(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Zh => linli_core::dates::chinese(d),
        Lang::En => d.to_string(),
    }
}

async fn overview(ctx: Ctx) -> Result<Response, AppError> {
    overview_page(&ctx, &DecisionForm::default(), None, StatusCode::OK).await
}

/// The overview; `form` and `error` keep a refused decision on screen with its reason.
async fn overview_page(
    ctx: &Ctx,
    form: &DecisionForm,
    error: Option<(String, Option<&'static str>)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let ops::Overview {
        decision,
        balances: bal,
        recent,
        disbursements: disb,
        raised_year: raised,
        helped_year: helped,
    } = ops::overview(&ctx.state.app, &ctx.actor()?).await?;
    let month = today(ctx).format("%Y-%m").to_string();
    let may = |a: Action| caller.decide(a, None) == Decision::Allow;
    let action = html! {
        @if may(Action::RecordDonation) && decision.is_some() { a.btn.btn-primary href="/fund/donations/new" { (t(lang, "fund.donate")) } " " }
        @if may(Action::RequestDisbursement) { a.btn href="/fund/disbursements/new" { (t(lang, "fund.request")) } }
    };
    let body = html! {
        section.stats {
            (layout::stat_text(&t(lang, "fund.balance"), &yuan(bal.balance_fen), &t(lang, "fund.yuan"), Some("/fund/entries")))
            (layout::stat_text(&t(lang, "fund.cash"), &yuan(bal.cash_fen), &t(lang, "fund.yuan"), Some("/fund/entries")))
            (layout::stat_text(&t(lang, "fund.bank"), &yuan(bal.bank_fen), &t(lang, "fund.yuan"), Some("/fund/entries")))
            (layout::stat_text(&t(lang, "fund.goods"), &yuan(bal.goods_fen), &t(lang, "fund.yuan"), Some("/fund/entries")))
            (layout::stat_text(&t(lang, "fund.raised_year"), &yuan(raised), &t(lang, "fund.yuan"), Some("/fund/statement")))
            (layout::stat(&t(lang, "fund.helped_year"), helped, &t(lang, "unit.ren_persons"), Some("#disbursements")))
        }
        p.hint { (tf(lang, "fund.exact", &[("balance", &yuan(bal.balance_fen)), ("cash", &yuan(bal.cash_fen)), ("bank", &yuan(bal.bank_fen)), ("goods", &yuan(bal.goods_fen))])) }
        @match &decision {
            None => {
                section.panel {
                    h2 { (t(lang, "fund.decision_missing")) }
                    p { (t(lang, "fund.decision_why")) }
                    @if may(Action::ManageFund) { (decision_form(ctx, form, error.as_ref())) }
                }
            }
            Some(d) => {
                p.hint {
                    @match (&d.basis, d.eligible) {
                        (Some(basis), Some(eligible)) => (tf(lang, "fund.decision_line_counted", &[("date", &day(lang, d.decided_on)), ("eligible", &eligible.to_string()), ("basis", &label(lang, "meeting_basis", basis)), ("n", &d.attendance.to_string())])),
                        _ => (tf(lang, "fund.decision_line", &[("date", &day(lang, d.decided_on)), ("n", &d.attendance.to_string())])),
                    }
                    " " (d.resolution)
                }
                p.hint { (tf(lang, "fund.gifts_from", &[("date", &day(lang, d.decided_on))])) }
            }
        }
        div.stacked {
            section.panel #disbursements {
                h2 { (t(lang, "fund.disbursements")) }
                @if disb.is_empty() { (layout::empty(&t(lang, "fund.no_disbursements"), None)) } @else {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "fund.disbursements")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "fund.beneficiary")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.purpose")) } th { (t(lang, "fund.status")) } th { } } }
                            tbody {
                                @for d in &disb {
                                    tr {
                                        td { a href={ "/residents/" (d.beneficiary_resident_id) } { (d.beneficiary_name) } }
                                        td.num { (yuan(d.amount_fen)) }
                                        td { (label(lang, "purpose", d.purpose.as_str())) }
                                        td {
                                            (layout::chip(match d.status { DisbursementStatus::Paid => "ok", DisbursementStatus::Rejected => "muted", DisbursementStatus::Approved => "info", DisbursementStatus::Pending => "warn" }, &t(lang, &format!("fund.status.{}", d.status))))
                                            @if d.status == DisbursementStatus::Pending { " " span.hint { (tf(lang, "fund.approvals", &[("n", &d.approvals.len().to_string())])) } }
                                        }
                                        td.actions-cell {
                                            @if d.status == DisbursementStatus::Pending && may(Action::ApproveDisbursement) && d.requested_by != caller.user.id && !d.approvals.contains(&caller.user.id) {
                                                form.inline method="post" action={ "/fund/disbursements/" (d.id) "/approve" } {
                                                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                                                    button.btn.btn-small type="submit" { (t(lang, "fund.approve")) }
                                                }
                                            }
                                            @if d.status == DisbursementStatus::Approved && may(Action::PayDisbursement) {
                                                form.inline method="post" action={ "/fund/disbursements/" (d.id) "/pay" } {
                                                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                                                    label { (t(lang, "fund.pay_from")) " "
                                                        select name="from" {
                                                            option value="cash" selected[bal.cash_fen >= d.amount_fen] { (t(lang, "fund.cash")) " " (yuan(bal.cash_fen)) }
                                                            option value="bank" selected[bal.cash_fen < d.amount_fen] { (t(lang, "fund.bank")) " " (yuan(bal.bank_fen)) }
                                                        }
                                                    }
                                                    " "
                                                    button.btn.btn-small.btn-primary type="submit" { (t(lang, "fund.pay")) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p.hint { (t(lang, "fund.two_person")) }
                }
            }
            section.panel {
                h2 { (t(lang, "fund.recent_donations")) }
                @if recent.is_empty() { (layout::empty(&t(lang, "fund.no_donations"), None)) } @else {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "fund.recent_donations")) {
                        table.table.compact {
                            thead { tr { th { (t(lang, "fund.receipt_no")) } th { (t(lang, "fund.donor")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.received_on")) } } }
                            tbody {
                                @for d in &recent {
                                    tr {
                                        td { a href={ "/fund/donations/" (d.id) "/receipt" } { (d.receipt_no) } }
                                        td { (if d.donor_kind == DonorKind::Anonymous { t(lang, "fund.anonymous") } else { d.donor_name.clone() }) @if d.reversed { " " (layout::chip("muted", &t(lang, "fund.reversed"))) } }
                                        td.num { (yuan(d.amount_fen)) @if d.method == PayMethod::InKind { " " span.hint { (t(lang, "fund.in_kind")) } } }
                                        td.nowrap { (d.received_on) }
                                    }
                                }
                            }
                        }
                    }
                }
                p.actions {
                    a.btn.btn-small href="/fund/entries" { (t(lang, "fund.ledger")) }
                    a.btn.btn-small href="/fund/statement" { (t(lang, "fund.statement")) }
                    a.btn.btn-small href={ "/disclosure/fund?month=" (month) } { (t(lang, "fund.disclosure")) }
                }
            }
        }
    };
    Ok(layout::page_with_status(ctx, status, &t(lang, "fund.title"), &[], Some(action), body))
}

fn decision_form(
    ctx: &Ctx,
    f: &DecisionForm,
    error: Option<&(String, Option<&'static str>)>,
) -> Markup {
    let lang = ctx.lang();
    let csrf = ctx.csrf();
    let bases: Vec<(String, String)> = MeetingBasis::ALL
        .iter()
        .map(|b| (b.as_str().to_string(), label(lang, "meeting_basis", b.as_str())))
        .collect();
    let at = |field: &str| error.filter(|(_, f)| *f == Some(field)).map(|(m, _)| m.clone());
    let basis =
        if f.basis.is_empty() { MeetingBasis::Residents.as_str() } else { f.basis.as_str() };
    html! {
        form.form method="post" action="/fund/decision" novalidate {
            @if let Some((message, _)) = error { p.form-error role="alert" { (message) } }
            input type="hidden" name="_csrf" value=(csrf);
            (layout::field(lang, "decided_on", "fund.decided_on", "date", &f.decided_on, at("decided_on"), None))
            (layout::select(lang, "basis", "fund.basis", &bases, basis, at("basis")))
            div.grid2 {
                (layout::field(lang, "eligible", "fund.eligible", "number", &f.eligible, at("eligible"), Some("off")))
                (layout::field(lang, "attendance", "fund.attendance", "number", &f.attendance, at("attendance"), Some("off")))
            }
            p.hint { (t(lang, "fund.quorum_rule")) }
            div.field { label for="resolution" { (t(lang, "fund.resolution")) } textarea #resolution name="resolution" rows="3" { (f.resolution) } }
            (layout::field(lang, "purpose", "fund.rules_purpose", "text", &f.purpose, None, None))
            (layout::field(lang, "eligibility", "fund.rules_eligibility", "text", &f.eligibility, None, None))
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "fund.record_decision")) } }
        }
    }
}

/// The decision form as typed; numbers stay text so that what was typed comes back.
#[derive(Deserialize, Default)]
struct DecisionForm {
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    eligible: String,
    #[serde(default)]
    attendance: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    eligibility: String,
}

/// A typed count; anything that is not a whole number reads as 0, which the rule refuses.
fn count(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(0)
}

async fn decision_submit(ctx: Ctx, Form(f): Form<DecisionForm>) -> Result<Response, AppError> {
    let d = DecisionDraft {
        decided_on: f.decided_on.clone(),
        basis: f.basis.clone(),
        eligible: count(&f.eligible),
        attendance: count(&f.attendance),
        resolution: f.resolution.clone(),
        purpose: f.purpose.clone(),
        eligibility: f.eligibility.clone(),
    };
    match record_decision(&ctx.state.app, &ctx.actor()?, d).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/fund", true, "flash.fund_decision")),
        // The form stays as typed, with the rule's reason (a meeting without its quorum
        // gets the arithmetic).
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Conflict { .. }
            | AppError::ConflictWith { .. }),
        ) => {
            let error = (e.message(ctx.lang()), e.field());
            overview_page(&ctx, &f, Some(error), e.status()).await
        }
        Err(e) => Err(e),
    }
}

async fn donation_page(
    ctx: &Ctx,
    d: &DonationDraft,
    donor: &Picker,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let decision = ops::decision(&ctx.state.app, &ctx.actor()?, Action::RecordDonation).await?;
    let csrf = ctx.caller()?.csrf_token.clone();
    let kinds: Vec<(String, String)> = DonorKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "donor_kind", k.as_str())))
        .collect();
    let methods: Vec<(String, String)> = PayMethod::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "pay_method", k.as_str())))
        .collect();
    let body = html! {
        form.form.narrow method="post" action="/fund/donations" novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            (layout::select(lang, "donor_kind", "fund.donor_kind", &kinds, &d.donor_kind, None))
            (layout::field(lang, "donor_name", "fund.donor_name", "text", &d.donor_name.clone().unwrap_or_default(), None, Some("off")))
            (donor.render(lang))
            (layout::field(lang, "amount_yuan", "fund.amount_yuan", "text", &d.amount_yuan.clone().unwrap_or_default(), None, Some("off")))
            (layout::select(lang, "method", "fund.method", &methods, &d.method, None))
            (layout::field(lang, "items", "fund.items", "text", &d.items.clone().unwrap_or_default(), None, Some("off")))
            (layout::field(lang, "received_on", "fund.received_on", "date", if d.received_on.is_empty() { "" } else { &d.received_on }, None, None))
            @if let Some(dec) = &decision { p.hint { (tf(lang, "fund.gifts_from", &[("date", &day(lang, dec.decided_on))])) } }
            label.check { input type="checkbox" name="publish_name" checked[d.publish_name]; " " (t(lang, "fund.publish_name")) }
            p.hint { (t(lang, "fund.publish_hint")) }
            p.hint { (t(lang, "fund.offline_hint")) }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "fund.save_donation")) } a.btn href="/fund" { (t(lang, "common.cancel")) } }
        }
    };
    let crumbs = [(t(lang, "fund.title"), Some("/fund".to_string()))];
    Ok(layout::page_with_status(ctx, status, &t(lang, "fund.donate"), &crumbs, None, body))
}

async fn donation_new(ctx: Ctx) -> Result<Response, AppError> {
    let d = DonationDraft {
        donor_kind: "resident".into(),
        method: "cash".into(),
        received_on: today(&ctx).format("%Y-%m-%d").to_string(),
        ..Default::default()
    };
    let donor = Picker::new("donor_resident_id", "pickers.donor");
    donation_page(&ctx, &d, &donor, None, StatusCode::OK).await
}

fn form_draft(pairs: &[(String, String)]) -> DonationDraft {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    DonationDraft {
        donor_kind: get("donor_kind").unwrap_or_default(),
        donor_resident_id: get("donor_resident_id").and_then(|v| v.parse().ok()),
        donor_partner_id: None,
        donor_name: get("donor_name"),
        amount_fen: None,
        amount_yuan: get("amount_yuan"),
        method: get("method").unwrap_or_default(),
        items: get("items"),
        received_on: get("received_on").unwrap_or_default(),
        publish_name: get("publish_name").is_some(),
    }
}

async fn donation_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let mut d = form_draft(&pairs);
    // The donor is picked only when a resident gives; other kinds name themselves.
    let by_resident = d.donor_kind == DonorKind::Resident.as_str();
    let mut donor = Picker::new("donor_resident_id", "pickers.donor")
        .read_form(&ctx.state, &actor, lang, &pairs, by_resident)
        .await?;
    if donor.holds_form() {
        let status = picker_status(&donor);
        return donation_page(&ctx, &d, &donor, None, status).await;
    }
    if by_resident {
        d.donor_resident_id = donor.ready().flatten();
    }
    match donate(&ctx.state.app, &actor, d.clone(), None).await.map_err(AppError::from) {
        Ok(v) => Ok(redirect_with_flash(
            &format!("/fund/donations/{}/receipt", v.id),
            true,
            "flash.donation_recorded",
        )),
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Conflict { .. }
            | AppError::ConflictWith { .. }),
        ) => {
            let msg = (!donor.take_error(lang, &e)).then(|| e.message(lang));
            donation_page(&ctx, &d, &donor, msg, e.status()).await
        }
        Err(e) => Err(e),
    }
}

/// The printable receipt (收据): A5-like, the community's name, the number, the amount in figures.
async fn receipt(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (place, d, (seq, hash)) = ops::donation(&ctx.state.app, &ctx.actor()?, id).await?;
    let body = html! {
        div.receipt {
            h2 { (committee_name(&place.name)) br; (t(lang, "fund.receipt_title")) }
            p.receipt-no { (t(lang, "fund.receipt_no")) "：" strong { (d.receipt_no) } }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.receipt-table {
                    tbody {
                        tr { th { (t(lang, "fund.donor")) } td { (if d.donor_kind == DonorKind::Anonymous { t(lang, "fund.anonymous") } else { d.donor_name.clone() }) } }
                        tr { th { (t(lang, "fund.amount")) } td { "¥" (yuan(d.amount_fen)) "　" (t(lang, "fund.capitals")) "：" (linli_core::fund::capitals(Fen(d.amount_fen))) } }
                        tr { th { (t(lang, "fund.method")) } td { (label(lang, "pay_method", d.method.as_str())) @if !d.items.is_empty() { "（" (d.items) "）" } } }
                        tr { th { (t(lang, "fund.received_on")) } td { (day(lang, d.received_on)) } }
                        tr { th { (t(lang, "fund.issued_on")) } td { (day(lang, today(&ctx))) } }
                    }
                }
            }
            p { (t(lang, "fund.receipt_thanks")) }
            p.receipt-sign { (t(lang, "fund.receipt_sign")) }
            p.hint { (t(lang, "fund.receipt_not_tax")) }
            p.hint.ledger-seal { (tf(lang, "fund.receipt_seal", &[("seq", &seq.to_string()), ("hash", linli_core::chain::short(&hash))])) }
            @if d.reversed { p.flash.flash-warn { (t(lang, "fund.receipt_reversed")) } }
        }
        p.actions.no-print { span.hint { (t(lang, "fund.print_hint")) } " " a.btn href="/fund" { (t(lang, "fund.back")) } }
    };
    let crumbs = [(t(lang, "fund.title"), Some("/fund".to_string()))];
    Ok(layout::page(
        &ctx,
        &format!("{} {}", t(lang, "fund.receipt_title"), d.receipt_no),
        &crumbs,
        None,
        body,
    ))
}

async fn request_page(
    ctx: &Ctx,
    d: &RequestDraft,
    beneficiary: &Picker,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    ops::community(&ctx.state.app, &ctx.actor()?, Action::RequestDisbursement).await?;
    let csrf = ctx.caller()?.csrf_token.clone();
    let purposes: Vec<(String, String)> = Purpose::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), label(lang, "purpose", k.as_str())))
        .collect();
    let body = html! {
        form.form.narrow method="post" action="/fund/disbursements" novalidate {
            @if let Some(e) = &error { p.form-error role="alert" { (e) } }
            input type="hidden" name="_csrf" value=(csrf);
            (beneficiary.render(lang))
            (layout::field(lang, "amount_yuan", "fund.amount_yuan", "text", &d.amount_yuan.clone().unwrap_or_default(), None, Some("off")))
            (layout::select(lang, "purpose", "fund.purpose", &purposes, &d.purpose, None))
            div.field { label for="note" { (t(lang, "fund.note")) } textarea #note name="note" rows="3" { (d.note.clone().unwrap_or_default()) } }
            p.hint { (t(lang, "fund.two_person")) }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "fund.submit_request")) } a.btn href="/fund" { (t(lang, "common.cancel")) } }
        }
    };
    let crumbs = [(t(lang, "fund.title"), Some("/fund".to_string()))];
    Ok(layout::page_with_status(ctx, status, &t(lang, "fund.request"), &crumbs, None, body))
}

#[derive(Deserialize)]
struct NewRequestQuery {
    resident: Option<i64>,
}

async fn request_new(ctx: Ctx, Query(q): Query<NewRequestQuery>) -> Result<Response, AppError> {
    let d = RequestDraft {
        beneficiary_resident_id: q.resident,
        purpose: "living".into(),
        ..Default::default()
    };
    let beneficiary = Picker::new("beneficiary_resident_id", "pickers.beneficiary")
        .preset(&ctx.state, &ctx.actor()?, ctx.lang(), q.resident)
        .await?;
    request_page(&ctx, &d, &beneficiary, None, StatusCode::OK).await
}

async fn request_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let actor = ctx.actor()?;
    let mut beneficiary = Picker::new("beneficiary_resident_id", "pickers.beneficiary")
        .read_form(&ctx.state, &actor, lang, &pairs, true)
        .await?;
    let d = RequestDraft {
        beneficiary_resident_id: beneficiary.ready().flatten(),
        amount_fen: None,
        amount_yuan: get("amount_yuan"),
        purpose: get("purpose").unwrap_or_default(),
        case_id: None,
        note: get("note"),
    };
    if beneficiary.holds_form() {
        let status = picker_status(&beneficiary);
        return request_page(&ctx, &d, &beneficiary, None, status).await;
    }
    match request(&ctx.state.app, &actor, d.clone()).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/fund", true, "flash.request_recorded")),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let msg = (!beneficiary.take_error(lang, &e))
                .then(|| tf(lang, &format!("error.{}", e.code()), &[]));
            request_page(&ctx, &d, &beneficiary, msg, e.status()).await
        }
        Err(e) => Err(e),
    }
}

async fn approve_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    match approve(&ctx.state.app, &ctx.actor()?, id).await.map_err(AppError::from) {
        Ok(v) => Ok(redirect_with_flash(
            "/fund",
            true,
            if v.status == DisbursementStatus::Approved {
                "flash.request_approved"
            } else {
                "flash.request_first_approval"
            },
        )),
        Err(e @ (AppError::Refused { .. } | AppError::Conflict { .. })) => {
            Ok(redirect_with_flash("/fund", false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    from: String,
}

async fn pay_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PayForm>,
) -> Result<Response, AppError> {
    match pay(&ctx.state.app, &ctx.actor()?, id, f.from == "bank", None)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(redirect_with_flash("/fund", true, "flash.paid")),
        Err(e @ AppError::Conflict { .. }) => {
            Ok(redirect_with_flash("/fund", false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn entries_page(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = ops::entries(&ctx.state.app, &ctx.actor()?, page, 50).await?;
    let manage = caller.decide(Action::ManageFund, None) == Decision::Allow;
    let body = html! {
        p.hint { (t(lang, "fund.ledger_hint")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr { th.num { "#" } th { (t(lang, "fund.date")) } th { (t(lang, "fund.entry")) } th { (t(lang, "fund.postings")) } th { } } }
                tbody {
                    @for e in &items {
                        tr {
                            td.num { (e.seq) }
                            td.nowrap { (e.occurred_on) }
                            td {
                                (kind_label(lang, e.kind)) "：" (e.memo)
                                @if !e.reason.is_empty() { br; span.hint { (t(lang, "fund.reason")) "：" (e.reason) } }
                                @if e.reversed { " " (layout::chip("muted", &t(lang, "fund.reversed"))) }
                            }
                            td {
                                @for p in &e.postings {
                                    div.mono { (t(lang, &format!("fund.account.{}", p.account.replace(':', "_")))) " " (if p.amount.0 >= 0 { t(lang, "fund.debit") } else { t(lang, "fund.credit") }) " " (yuan(p.amount.0.abs())) }
                                }
                            }
                            td {
                                @if manage && e.kind != EntryKind::Reversal && !e.reversed {
                                    a.btn.btn-small.btn-danger href={ "/fund/entries/" (e.id) "/reverse" } { (t(lang, "fund.reverse")) "…" }
                                }
                            }
                        }
                    }
                }
            }
        }
        (layout::pager(lang, page, 50, total, "/fund/entries"))
    };
    let crumbs = [(t(lang, "fund.title"), Some("/fund".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "fund.ledger"), &crumbs, None, body))
}

#[derive(Deserialize)]
struct ReverseForm {
    #[serde(default)]
    reason: String,
}

/// The confirmation step before an entry is corrected: the entry, what a reversal writes, the
/// reason typed, and a way back.
async fn reverse_confirm(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    reverse_page(&ctx, id, "", None).await
}

async fn reverse_page(
    ctx: &Ctx,
    id: i64,
    reason: &str,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let e = ops::entry(&ctx.state.app, &ctx.actor()?, id).await?;
    if e.kind == EntryKind::Reversal || e.reversed {
        let code = if e.reversed { "error.already_reversed" } else { "error.reverse_of_reversal" };
        return Ok(redirect_with_flash("/fund/entries", false, code));
    }
    let confirm = layout::Confirm {
        about: html! {
            p.lead { "#" (e.seq) " · " (e.occurred_on) " · " (kind_label(lang, e.kind)) "：" (e.memo) }
            @for p in &e.postings {
                div.mono { (t(lang, &format!("fund.account.{}", p.account.replace(':', "_")))) " " (if p.amount.0 >= 0 { t(lang, "fund.debit") } else { t(lang, "fund.credit") }) " " (yuan(p.amount.0.abs())) }
            }
        },
        consequences: vec![
            t(lang, "fund.reverse_effect_mirror"),
            t(lang, "fund.reverse_effect_kept"),
            t(lang, "fund.reverse_effect_once"),
        ],
        action: format!("/fund/entries/{id}/reverse"),
        fields: layout::field(
            lang,
            "reason",
            "fund.reverse_reason",
            "text",
            reason,
            error.map(|code| t(lang, &format!("error.{code}"))),
            Some("off"),
        ),
        submit: t(lang, "fund.reverse_submit"),
        back: "/fund/entries".to_string(),
    };
    let crumbs = [
        (t(lang, "fund.title"), Some("/fund".to_string())),
        (t(lang, "fund.ledger"), Some("/fund/entries".to_string())),
    ];
    Ok(layout::confirm_page(ctx, &t(lang, "fund.reverse_title"), &crumbs, error.is_some(), confirm))
}

async fn reverse_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReverseForm>,
) -> Result<Response, AppError> {
    match reverse(&ctx.state.app, &ctx.actor()?, id, &f.reason).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/fund/entries", true, "flash.reversed")),
        Err(AppError::Invalid { code, field: Some("reason") }) => {
            reverse_page(&ctx, id, &f.reason, Some(code)).await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(redirect_with_flash("/fund/entries", false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

// ---- statements ----

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn statement_data(ctx: &Ctx, year: Option<i32>) -> Result<(i32, ops::Statement), AppError> {
    let year = year.unwrap_or_else(|| today(ctx).format("%Y").to_string().parse().unwrap_or(2026));
    Ok((year, ops::statement(&ctx.state.app, &ctx.actor()?, year).await?))
}

fn donor_label(lang: Lang, kind: &str, name: &str) -> String {
    if kind == "anonymous" || name.is_empty() {
        t(lang, "fund.anonymous")
    } else {
        name.to_string()
    }
}

async fn statement_page(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (year, st) = statement_data(&ctx, q.year).await?;
    let (place, opening, lines, donors) = (st.community, st.opening_fen, st.months, st.donors);
    let income: i64 = lines.iter().map(|l| l.income_fen).sum();
    let spending: i64 = lines.iter().map(|l| l.spending_fen).sum();
    let goods: i64 = lines.iter().map(|l| l.goods_fen).sum();
    let action = html! {
        a.btn href={ "/fund/statement.xlsx?year=" (year) } { (t(lang, "fund.statement_xlsx")) }
    };
    let body = html! {
        form.no-print.month-form method="get" action="/fund/statement" {
            label for="year" { (t(lang, "fund.year")) } " "
            input #year type="number" name="year" min="2000" max="2100" value=(year);
            " " button.btn.btn-small type="submit" { (t(lang, "common.search")) }
        }
        h2 { (place.name) " " (t(lang, "fund.title")) " " (year) " " (t(lang, "fund.statement")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr { th { (t(lang, "fund.month")) } th.num { (t(lang, "fund.income")) } th.num { (t(lang, "fund.spending")) } th.num { (t(lang, "fund.closing")) } th.num { (t(lang, "fund.goods_in")) } } }
                tbody {
                    tr { td { (t(lang, "fund.opening")) } td {} td {} td.num { (yuan(opening)) } td {} }
                    @for l in &lines {
                        tr { td { (l.month) } td.num { (yuan(l.income_fen)) } td.num { (yuan(l.spending_fen)) } td.num { (yuan(l.closing_fen)) } td.num { (yuan(l.goods_fen)) } }
                    }
                    tr.total { th { (t(lang, "fund.year_total")) } th.num { (yuan(income)) } th.num { (yuan(spending)) } th.num { (yuan(lines.last().map_or(opening, |l| l.closing_fen))) } th.num { (yuan(goods)) } }
                }
            }
        }
        h3 { (t(lang, "fund.donor_list")) }
        p.hint { (t(lang, "fund.donor_list_hint")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "fund.donor_list")) {
            table.table.compact {
                thead { tr { th { (t(lang, "fund.donor")) } th { (t(lang, "fund.donor_kind")) } th.num { (t(lang, "fund.times")) } th.num { (t(lang, "fund.amount")) } } }
                tbody {
                    @for (kind, name, total, n) in &donors {
                        tr { td { (donor_label(lang, kind, name)) } td { (label(lang, "donor_kind", kind)) } td.num { (n) } td.num { (yuan(*total)) } }
                    }
                }
            }
        }
    };
    let crumbs = [(t(lang, "fund.title"), Some("/fund".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "fund.statement"), &crumbs, Some(action), body))
}

async fn statement_xlsx(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (year, st) = statement_data(&ctx, q.year).await?;
    let (opening, lines, donors) = (st.opening_fen, st.months, st.donors);
    let mut rows: Vec<Vec<String>> = vec![vec![
        t(lang, "fund.opening"),
        String::new(),
        String::new(),
        yuan(opening),
        String::new(),
    ]];
    rows.extend(lines.iter().map(|l| {
        vec![
            l.month.clone(),
            yuan(l.income_fen),
            yuan(l.spending_fen),
            yuan(l.closing_fen),
            yuan(l.goods_fen),
        ]
    }));
    rows.push(Vec::new());
    rows.push(vec![t(lang, "fund.donor_list")]);
    rows.extend(donors.iter().map(|(k, n, total, count)| {
        vec![donor_label(lang, k, n), label(lang, "donor_kind", k), count.to_string(), yuan(*total)]
    }));
    let headers = ["月份", "收入（元）", "支出（元）", "结余（元）", "物资（估值，元）"];
    super::xlsx_download(headers.to_vec(), rows, "爱心基金", &format!("fund-{year}.xlsx")).await
}

// ---- public disclosure ----

#[derive(Deserialize, Default)]
pub struct DisclosureQuery {
    pub month: Option<String>,
    pub community: Option<String>,
}

async fn disclosure_page(ctx: Ctx, Query(q): Query<DisclosureQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let ops::Disclosure { community: place, month: d, year_to_date: ytd, decision, head, posting } =
        ops::disclosure(&ctx.state.app, &ctx.actor_or_public(), q.month, q.community).await?;
    // The fund keeper of this community records the day the sheet went up, here where she
    // prints it; everyone else sees the sheet only.
    let keeper = ctx.caller.as_ref().filter(|c| {
        c.community.as_ref().map(|x| x.0) == Some(place.id)
            && c.decide(Action::ManageFund, None) == Decision::Allow
    });
    let body = html! {
        article.disclosure {
            h2 { (place.name) " " (t(lang, "fund.title")) br; (month_label(lang, &d.month)) " " (t(lang, "fund.disclosure")) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.summary-table {
                    tbody {
                        tr { th { (t(lang, "fund.opening")) } td.num { "¥" (yuan(d.opening_fen)) } }
                        tr { th { (t(lang, "fund.income")) } td.num { "¥" (yuan(d.income_fen)) } }
                        tr { th { (t(lang, "fund.spending")) } td.num { "¥" (yuan(d.spending_fen)) } }
                        tr { th { (t(lang, "fund.closing")) } td.num { strong { "¥" (yuan(d.closing_fen)) } } }
                        @if d.goods_fen > 0 { tr { th { (t(lang, "fund.goods_in")) } td.num { "¥" (yuan(d.goods_fen)) } } }
                    }
                }
            }
            @if !d.income_by_kind.is_empty() {
                p.by-kind { (t(lang, "fund.income_by_kind")) "：" @for (i, (k, v)) in d.income_by_kind.iter().enumerate() { @if i > 0 { "；" } (k) " ¥" (yuan(*v)) } }
            }
            p.by-kind { (tf(lang, "fund.year_to_date", &[("income", &yuan(ytd.income_fen)), ("spending", &yuan(ytd.spending_fen)), ("helped", &ytd.helped.to_string())])) }
            h3 { (t(lang, "fund.donors")) }
            @if d.donors.is_empty() { p.hint { (t(lang, "fund.none_this_month")) } } @else {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "fund.donors")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "fund.donor")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.received_on")) } } }
                        tbody { @for x in &d.donors { tr { td { (x.donor) } td.num { "¥" (yuan(x.amount_fen)) @if x.in_kind { " " span.hint { (t(lang, "fund.in_kind")) "：" (x.items) } } } td.nowrap { (day(lang, x.received_on)) } } } }
                    }
                }
            }
            h3 { (t(lang, "fund.recipients")) }
            @if d.recipients.is_empty() { p.hint { (t(lang, "fund.none_this_month")) } } @else {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "fund.recipients")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "fund.beneficiary")) } th.num { (t(lang, "fund.amount")) } th { (t(lang, "fund.purpose")) } th { (t(lang, "fund.paid_on")) } } }
                        tbody { @for x in &d.recipients { tr { td { (x.recipient) } td.num { "¥" (yuan(x.amount_fen)) } td { (x.purpose) } td.nowrap { (day(lang, x.paid_on)) } } } }
                    }
                }
            }
            p.hint { (t(lang, "fund.disclosure_hint")) }
            @if let Some(dec) = &decision { p.hint { (tf(lang, "fund.disclosure_basis", &[("date", &day(lang, dec.decided_on))])) } }
            // The posting's own dates: the sheet says when it went up, not when it is looked at.
            @match &posting {
                Some(p) => p.hint.posting { (tf(lang, "fund.posting_period", &[("from", &day(lang, p.posted_on)), ("to", &day(lang, p.ends_on))])) },
                None => p.hint.posting { (t(lang, "fund.posting_period_blank")) },
            }
            @if let Some((seq, hash)) = &head {
                p.hint.ledger-seal { (tf(lang, "fund.disclosure_seal", &[("seq", &seq.to_string()), ("hash", linli_core::chain::short(hash))])) }
            }
            p.disclosure-sign {
                (committee_name(&place.name)) "　"
                @match &posting {
                    Some(p) => (day(lang, p.posted_on)),
                    // Not posted yet: the date is written by hand on the day it goes up.
                    None => (t(lang, "fund.sign_date_blank")),
                }
            }
        }
        @if let Some(caller) = keeper {
            section.panel.no-print #posting {
                @match &posting {
                    Some(p) => p { (tf(lang, "fund.posted_line", &[("month", &month_label(lang, &d.month)), ("date", &day(lang, p.posted_on))])) },
                    None => {
                        h2 { (t(lang, "fund.record_posting")) }
                        p.hint { (t(lang, "fund.record_posting_hint")) }
                        form.form.inline method="post" action="/fund/postings" {
                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                            input type="hidden" name="month" value=(d.month);
                            (layout::field(lang, "posted_on", "fund.posted_on", "date", &today(&ctx).format("%Y-%m-%d").to_string(), None, None))
                            " " button.btn.btn-primary type="submit" { (t(lang, "fund.record_posting_submit")) }
                        }
                    }
                }
            }
        }
        form.no-print.month-form method="get" action="/disclosure/fund" {
            input type="hidden" name="community" value=(place.name);
            label for="month" { (t(lang, "fund.month")) } " "
            input #month type="month" name="month" value=(d.month);
            " " button.btn.btn-small type="submit" { (t(lang, "common.search")) }
        }
    };
    Ok(layout::public_page(&ctx, &format!("{} · {}", place.name, t(lang, "fund.disclosure")), body))
}

#[derive(Deserialize)]
struct PostingForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    posted_on: String,
}

async fn posting_submit(ctx: Ctx, Form(f): Form<PostingForm>) -> Result<Response, AppError> {
    let back = format!(
        "/disclosure/fund?month={}",
        percent_encoding::utf8_percent_encode(f.month.trim(), percent_encoding::NON_ALPHANUMERIC)
    );
    let draft = ops::PostingDraft { month: f.month, posted_on: f.posted_on };
    match ops::record_posting(&ctx.state.app, &ctx.actor()?, draft).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash(&back, true, "flash.fund_posting")),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(redirect_with_flash(&back, false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

/// The fund keeper's part of the home page: the requests waiting for her approval (with the
/// button), those approved and waiting to be paid, and the month's disclosure so far.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let Some(caller) = ctx.caller.clone() else {
        return Ok(html! {});
    };
    let Some(q) = ops::queue(&ctx.state.app, &ctx.actor()?).await? else {
        return Ok(html! {});
    };
    let row = |d: &linli_store::fund::Disbursement| {
        html! {
            a href={ "/residents/" (d.beneficiary_resident_id) } { (d.beneficiary_name) }
            " " strong { "¥" (yuan(d.amount_fen)) } " " (label(lang, "purpose", d.purpose.as_str()))
            " " span.hint { (tf(lang, "fund.home_requested", &[("date", &d.requested_at.day().to_string())])) }
        }
    };
    Ok(html! {
        div.columns #fund-home {
            section.panel {
                h2 { (t(lang, "fund.home_queue")) }
                @if q.to_approve.is_empty() && q.to_pay.is_empty() {
                    p.hint { (t(lang, "fund.home_nothing")) }
                }
                @if !q.to_approve.is_empty() {
                    h3 { (tf(lang, "fund.home_to_approve", &[("n", &q.to_approve.len().to_string())])) }
                    ul.plain.queue {
                        @for d in &q.to_approve {
                            li {
                                (row(d))
                                @if !d.approvals.is_empty() { " " span.hint { (tf(lang, "fund.approvals", &[("n", &d.approvals.len().to_string())])) } }
                                form.inline method="post" action={ "/fund/disbursements/" (d.id) "/approve" } {
                                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                                    " " button.btn.btn-small type="submit" aria-label={ (t(lang, "fund.approve")) " " (d.beneficiary_name) } { (t(lang, "fund.approve")) }
                                }
                            }
                        }
                    }
                }
                @if !q.to_pay.is_empty() {
                    h3 { (tf(lang, "fund.home_to_pay", &[("n", &q.to_pay.len().to_string())])) }
                    ul.plain.queue { @for d in &q.to_pay { li { (row(d)) } } }
                    p { a.btn href="/fund" { (t(lang, "fund.home_go_pay")) } }
                }
            }
            section.panel {
                h2 { (tf(lang, "fund.home_month", &[("month", &month_label(lang, &q.month))])) }
                dl.facts {
                    dt { (t(lang, "fund.home_income")) } dd { "¥" (yuan(q.month_income_fen)) " " span.hint { (tf(lang, "fund.home_gifts", &[("n", &q.month_gifts.to_string())])) } }
                    dt { (t(lang, "fund.home_spending")) } dd { "¥" (yuan(q.month_spending_fen)) " " span.hint { (tf(lang, "fund.home_payments", &[("n", &q.month_payments.to_string())])) } }
                }
                p.hint { (t(lang, "fund.home_disclosure_hint")) }
                p.actions {
                    a.btn href={ "/disclosure/fund?month=" (q.month) } { (t(lang, "fund.home_open_disclosure")) }
                    a.btn href="/fund/statement" { (t(lang, "fund.home_statement")) }
                }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/fund", Policy::Signed(Action::ViewFund), overview)
        .page(Method::POST, "/fund/decision", Policy::Signed(Action::ManageFund), decision_submit)
        .page(
            Method::GET,
            "/fund/donations/new",
            Policy::Signed(Action::RecordDonation),
            donation_new,
        )
        .page(
            Method::POST,
            "/fund/donations",
            Policy::Signed(Action::RecordDonation),
            donation_submit,
        )
        .page(
            Method::GET,
            "/fund/donations/{id}/receipt",
            Policy::Signed(Action::ViewFund),
            receipt,
        )
        .page(
            Method::GET,
            "/fund/disbursements/new",
            Policy::Signed(Action::RequestDisbursement),
            request_new,
        )
        .page(
            Method::POST,
            "/fund/disbursements",
            Policy::Signed(Action::RequestDisbursement),
            request_submit,
        )
        .page(
            Method::POST,
            "/fund/disbursements/{id}/approve",
            Policy::Signed(Action::ApproveDisbursement),
            approve_submit,
        )
        .page(
            Method::POST,
            "/fund/disbursements/{id}/pay",
            Policy::Signed(Action::PayDisbursement),
            pay_submit,
        )
        .page(Method::GET, "/fund/entries", Policy::Signed(Action::ViewFund), entries_page)
        .page(
            Method::GET,
            "/fund/entries/{id}/reverse",
            Policy::Signed(Action::ManageFund),
            reverse_confirm,
        )
        .page(
            Method::POST,
            "/fund/entries/{id}/reverse",
            Policy::Signed(Action::ManageFund),
            reverse_submit,
        )
        .page(Method::GET, "/fund/statement", Policy::Signed(Action::ViewFund), statement_page)
        .page(Method::GET, "/fund/statement.xlsx", Policy::Signed(Action::ViewFund), statement_xlsx)
        .page(Method::POST, "/fund/postings", Policy::Signed(Action::ManageFund), posting_submit)
        .page(Method::GET, "/disclosure/fund", Policy::Public, disclosure_page)
}
