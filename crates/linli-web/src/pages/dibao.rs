//! 低保 (最低生活保障审核确认办法) beyond the generic application pages: the parts of an
//! application's page the rules add (investigators §16, the first review's posting §19/§24,
//! the written authorisation §6, the close-relative flag §11, rechecks §31), the 低保 register,
//! the printable 公示 and the home page's recheck reminders. Thin over
//! `linli_app::assistance`, which the JSON API shares.

use super::{pairs_get, today};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::assistance::{self as ops, AuthorisationDraft, RecheckDraft, StepDraft};
use linli_core::Action;
use linli_core::assistance::{ApplicationKind, ApplicationStatus, RecheckCycle, step};
use linli_store::assistance::{Application, Step};
use maud::{Markup, html};
use serde::Deserialize;

fn is_dibao(a: &Application) -> bool {
    a.kind == ApplicationKind::Dibao
}

fn cycle_label(lang: Lang, code: &str) -> String {
    t(lang, &format!("dibao.cycle.{code}"))
}

/// The facts the rules add to an application's page (inside its `dl.facts`).
pub fn facts(lang: Lang, a: &Application) -> Markup {
    html! {
        @if let Some(n) = a.household_size {
            dt { (t(lang, "dibao.household_size")) } dd { (n) }
        }
        @if a.close_relative {
            dt { (t(lang, "dibao.close_relative_short")) } dd { (layout::chip("warn", &t(lang, "cases.conflicted"))) }
        }
        @if a.entrusted {
            dt { (t(lang, "dibao.authorisation")) }
            dd {
                @if let Some(on) = &a.authorisation_on {
                    (on) @if !a.authorisation_note.is_empty() { "（" (a.authorisation_note) "）" }
                } @else {
                    (layout::chip("err", &t(lang, "dibao.authorisation_missing_chip")))
                }
            }
        }
        @if let Some(f) = a.monthly_amount_fen {
            dt { (t(lang, "dibao.monthly_amount")) } dd { "¥" (super::fund::yuan(f)) }
        }
        @if let Some(p) = &a.posting_start_on {
            dt { (t(lang, "dibao.posting_period")) }
            dd {
                (p) " – " (linli_core::assistance::posting_ends_on(*p))
                " " a href={ "/dibao/posting?on=" (p) } { (t(lang, "dibao.print_posting")) }
            }
        }
        @if let Some(c) = &a.recheck_cycle {
            dt { (t(lang, "dibao.recheck_cycle")) } dd { (cycle_label(lang, c)) }
        }
        @if let Some(n) = &a.next_recheck_on {
            dt { (t(lang, "dibao.next_recheck")) } dd { (n) }
        }
        @if let Some(l) = &a.last_recheck_on {
            dt { (t(lang, "dibao.last_recheck")) } dd { (l) }
        }
    }
}

/// The forms the rules add above an application's steps: the written authorisation an
/// entrusted application waits for, and a granted 低保's recheck.
pub fn application_panels(
    lang: Lang,
    csrf: &str,
    manage: bool,
    a: &Application,
    day: &str,
) -> Markup {
    html! {
        @if a.entrusted && a.authorisation_on.is_none() {
            section.panel {
                h2 { (t(lang, "dibao.authorisation")) }
                p.flash.flash-warn { (t(lang, "dibao.authorisation_hint")) }
                @if manage {
                    form.form method="post" action={ "/applications/" (a.id) "/authorisation" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        div.grid2 {
                            (layout::field(lang, "authorised_on", "dibao.authorised_on", "date", day, None, None))
                            (layout::field(lang, "note", "dibao.authorisation_note", "text", "", None, Some("off")))
                        }
                        button.btn.btn-primary type="submit" { (t(lang, "dibao.record_authorisation")) }
                    }
                }
            }
        }
        @if is_dibao(a) && a.status == ApplicationStatus::Granted && manage {
            section.panel {
                h2 { (t(lang, "dibao.recheck")) }
                p.hint { (t(lang, "dibao.recheck_hint")) }
                form.form method="post" action={ "/applications/" (a.id) "/rechecks" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    (layout::field(lang, "checked_on", "dibao.checked_on", "date", day, None, None))
                    (cycle_choice(lang, a.recheck_cycle.as_deref()))
                    (layout::field(lang, "note", "cases.note", "text", "", None, Some("off")))
                    button.btn.btn-primary type="submit" { (t(lang, "dibao.record_recheck")) }
                }
            }
        }
    }
}

/// The inputs a 低保 step's "done" form needs besides the date and note: the survey's
/// investigators (§16), the first review's household size and amount (§24).
pub fn step_inputs(lang: Lang, a: &Application, s: &Step) -> Markup {
    let size = a.household_size.map(|n| n.to_string()).unwrap_or_default();
    html! {
        @if is_dibao(a) && s.code == step::SURVEY_START {
            input.note-input type="text" name="investigators" placeholder=(t(lang, "dibao.investigators_placeholder")) aria-label=(t(lang, "dibao.investigators")) required;
            br;
            span.hint { (t(lang, "dibao.investigators_hint")) }
            br;
        }
        @if is_dibao(a) && s.code == step::FIRST_REVIEW_POSTING {
            input.note-input type="number" min="1" max="30" name="household_size" value=(size) placeholder=(t(lang, "dibao.household_size")) aria-label=(t(lang, "dibao.household_size")) required;
            " "
            input.note-input type="text" inputmode="decimal" name="amount_yuan" placeholder=(t(lang, "dibao.monthly_amount_yuan")) aria-label=(t(lang, "dibao.monthly_amount_yuan")) required;
            br;
            span.hint { (t(lang, "dibao.posting_hint")) }
            br;
        }
    }
}

/// The recheck cycle radios (§31), yearly unless `selected` says otherwise.
pub fn cycle_choice(lang: Lang, selected: Option<&str>) -> Markup {
    let selected = selected.unwrap_or("yearly");
    html! {
        fieldset {
            legend { (t(lang, "dibao.recheck_cycle")) }
            @for c in RecheckCycle::ALL {
                label.check { input type="radio" name="recheck_cycle" value=(c.as_str()) checked[c.as_str() == selected]; " " (cycle_label(lang, c.as_str())) }
            }
            p.hint { (t(lang, "dibao.cycle_hint")) }
        }
    }
}

/// A step's "done" form as the operation takes it; the code of the refusal when the amount
/// is not money.
pub fn step_draft(pairs: &[(String, String)]) -> Result<StepDraft, &'static str> {
    let amount = match pairs_get(pairs, "amount_yuan") {
        Some(y) => Some(linli_core::fund::Fen::parse_yuan(&y).map_err(|e| e.code())?.0),
        None => None,
    };
    Ok(StepDraft {
        done_on: pairs_get(pairs, "done_on").unwrap_or_default(),
        note: pairs_get(pairs, "note").unwrap_or_default(),
        investigators: pairs
            .iter()
            .filter(|(k, _)| k == "investigators")
            .map(|(_, v)| v.clone())
            .collect(),
        // Not a number: 0, which the rule refuses with its message.
        household_size: pairs_get(pairs, "household_size").map(|v| v.parse().unwrap_or(0)),
        monthly_amount_fen: amount,
    })
}

async fn authorisation_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(d): Form<AuthorisationDraft>,
) -> Result<Response, AppError> {
    super::back_with(
        &format!("/applications/{id}"),
        ops::record_authorisation(&ctx.state.app, &ctx.actor()?, id, d).await,
        |_| "flash.authorisation_recorded",
    )
}

async fn recheck_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(d): Form<RecheckDraft>,
) -> Result<Response, AppError> {
    super::back_with(
        &format!("/applications/{id}"),
        ops::record_recheck(&ctx.state.app, &ctx.actor()?, id, d).await,
        |_| "flash.recheck_recorded",
    )
}

fn register_table(lang: Lang, apps: &[&Application]) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.cards-sm {
                thead { tr {
                    th { (t(lang, "cases.person")) } th { (t(lang, "cases.accepted_on")) } th { (t(lang, "cases.status")) }
                    th { (t(lang, "dibao.household_size")) } th { (t(lang, "dibao.monthly_amount")) }
                    th { (t(lang, "dibao.posting_period")) } th { (t(lang, "dibao.next_recheck")) }
                } }
                tbody {
                    @for a in apps {
                        tr {
                            td { a href={ "/applications/" (a.id) } { (a.resident_name) } }
                            td.nowrap data-label=(t(lang, "cases.accepted_on")) { (a.accepted_on) }
                            td data-label=(t(lang, "cases.status")) { (t(lang, &format!("cases.app_status.{}", a.status)))
                                @if a.entrusted && a.authorisation_on.is_none() { " " (layout::chip("err", &t(lang, "dibao.authorisation_missing_chip"))) } }
                            td.num data-label=(t(lang, "dibao.household_size")) { (a.household_size.map(|n| n.to_string()).unwrap_or_default()) }
                            td.num data-label=(t(lang, "dibao.monthly_amount")) { (a.monthly_amount_fen.map(super::fund::yuan).unwrap_or_default()) }
                            td.nowrap data-label=(t(lang, "dibao.posting_period")) { @if let Some(d) = a.posting_start_on { (d) } }
                            td.nowrap data-label=(t(lang, "dibao.next_recheck")) { @if let Some(d) = a.next_recheck_on { (d) } }
                        }
                    }
                }
            }
        }
    }
}

/// The 低保 register: every 低保 application in the worker's scope, the close relatives'
/// apart (§11), with the way to the posting.
async fn register(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let apps = ops::dibao_register(&ctx.state.app, &ctx.actor()?).await?;
    let (apart, plain): (Vec<&Application>, Vec<&Application>) =
        apps.iter().partition(|a| a.close_relative);
    let day = today(&ctx).format("%Y-%m-%d").to_string();
    let body = html! {
        p.actions { a.btn.btn-primary href={ "/dibao/posting?on=" (day) } { (t(lang, "dibao.print_posting")) } }
        @if !apart.is_empty() {
            section.panel.conflicted {
                h2 { (t(lang, "cases.conflicted")) }
                p.hint { (t(lang, "cases.conflicted_hint")) }
                (register_table(lang, &apart))
            }
        }
        section.panel {
            h2 { (t(lang, "dibao.register")) }
            @if plain.is_empty() && apart.is_empty() {
                (layout::empty(&t(lang, "dibao.register_empty"), None))
            } @else if !plain.is_empty() {
                (register_table(lang, &plain))
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "dibao.title"),
        &[(t(lang, "cases.title"), Some("/cases".to_string()))],
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct PostingQuery {
    on: Option<String>,
}

/// The first review's 公示 up on a day, on A4: only name, household size and monthly amount
/// (§24), nothing else of the family.
async fn posting(ctx: Ctx, Query(q): Query<PostingQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let on =
        q.on.filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| today(&ctx).format("%Y-%m-%d").to_string());
    let p = ops::posting(&ctx.state.app, &ctx.actor()?, &on).await?;
    let date_zh = linli_core::dates::chinese(p.on);
    let body = html! {
        form.no-print.filters method="get" action="/dibao/posting" {
            (layout::field(lang, "on", "dibao.posting_on", "date", &p.on.to_string(), None, None))
            button.btn type="submit" { (t(lang, "dibao.show")) }
            " "
            button.btn.btn-primary type="button" data-print { (t(lang, "dibao.print")) }
        }
        p.hint.no-print { (t(lang, "dibao.posting_privacy")) }
        article.public-card.disclosure.dibao-posting {
            h2 { (tf(lang, "dibao.posting_heading", &[("community", &p.community)])) }
            p { (t(lang, "dibao.posting_intro")) }
            @if p.items.is_empty() {
                p { (t(lang, "dibao.posting_empty")) }
            } @else {
                table.table {
                    thead { tr { th { (t(lang, "dibao.no")) } th { (t(lang, "dibao.name")) } th { (t(lang, "dibao.household_size")) } th { (t(lang, "dibao.monthly_amount_yuan")) } } }
                    tbody {
                        @for (i, e) in p.items.iter().enumerate() {
                            tr {
                                td.num { (i + 1) }
                                td { (e.name) }
                                td.num { (e.household_size.map(|n| n.to_string()).unwrap_or_default()) }
                                td.num { (e.monthly_amount_fen.map(super::fund::yuan).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            p { (t(lang, "dibao.posting_objection")) }
            p.disclosure-sign { (p.community) br; (date_zh) }
        }
        (super::print_script())
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "dibao.posting_title"),
        &[(t(lang, "dibao.title"), Some("/dibao".to_string()))],
        None,
        body,
    ))
}

/// The home page's 低保复核提醒: rechecks overdue or due within 30 days.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    if ctx.caller.is_none() {
        return Ok(html! {});
    }
    let lang = ctx.lang();
    let due = ops::due_rechecks(&ctx.state.app, &ctx.actor()?).await?;
    if due.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.panel.rechecks {
            h2 { (t(lang, "dibao.home_rechecks")) }
            p.hint { (t(lang, "dibao.home_rechecks_hint")) }
            ul.plain {
                @for (id, name, due_on, cycle, overdue) in &due {
                    li {
                        @if *overdue { (layout::chip("err", &t(lang, "cases.overdue"))) } @else { (layout::chip("warn", &t(lang, "cases.due_soon"))) }
                        " " a href={ "/applications/" (id) } { (name) } " · " (cycle_label(lang, cycle.as_str())) " · " (t(lang, "cases.due")) " " (due_on)
                    }
                }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/dibao", Policy::Signed(Action::ManageCases), register)
        .page(Method::GET, "/dibao/posting", Policy::Signed(Action::ManageCases), posting)
        .page(
            Method::POST,
            "/applications/{id}/authorisation",
            Policy::Signed(Action::ManageCases),
            authorisation_submit,
        )
        .page(
            Method::POST,
            "/applications/{id}/rechecks",
            Policy::Signed(Action::ManageCases),
            recheck_submit,
        )
}
