//! Correction requests in the pages (个人信息保护法 §46): the resident's form and her requests
//! on her own page, the open requests on a worker's home, and the resolve form on the
//! resident's record. Built on `linli_app::corrections`.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Path;
use axum::http::Method;
use axum::response::Response;
use linli_app::corrections::{self as ops, CorrectionDraft, ResolveDraft};
use linli_core::Action;
use linli_core::corrections::{CorrectionField, CorrectionStatus};
use linli_store::corrections::Correction;
use maud::{Markup, html};
use serde::Deserialize;

fn field_label(lang: Lang, code: &str) -> String {
    CorrectionField::parse(code)
        .map_or(String::new(), |f| label(lang, "correction_field", f.as_str()))
}

fn status_chip(lang: Lang, status: CorrectionStatus) -> Markup {
    let kind = match status {
        CorrectionStatus::Open => "warn",
        CorrectionStatus::Done => "ok",
        CorrectionStatus::Declined => "muted",
    };
    layout::chip(kind, &t(lang, &format!("corrections.status.{status}")))
}

/// Her requests and the form to ask, on her own page.
pub async fn mine_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let items = ops::mine(&ctx.state.app, &ctx.actor()?).await?;
    let fields: Vec<(String, String)> =
        std::iter::once((String::new(), t(lang, "corrections.choose")))
            .chain(
                CorrectionField::ALL
                    .iter()
                    .map(|f| (f.as_str().to_string(), label(lang, "correction_field", f.as_str()))),
            )
            .collect();
    Ok(html! {
        section.panel #my-corrections {
            h2 { (t(lang, "corrections.mine_title")) }
            p.hint { (t(lang, "corrections.mine_hint")) }
            @if !items.is_empty() {
                ul.plain {
                    @for q in &items {
                        li {
                            strong { (field_label(lang, q.field.as_str())) } " " (status_chip(lang, q.status)) " " span.hint { (q.requested_at.day()) }
                            br; (q.message)
                            @if !q.resolution.is_empty() { br; span.hint { (t(lang, "corrections.answer")) "：" (q.resolution) } }
                        }
                    }
                }
            }
            form.form method="post" action="/me/corrections" {
                input type="hidden" name="_csrf" value=(caller.csrf_token);
                (layout::select(lang, "field", "corrections.field", &fields, "", None))
                div.field {
                    label for="message" { (t(lang, "corrections.message")) }
                    textarea #message name="message" rows="3" required {}
                }
                div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "corrections.submit")) } }
            }
        }
    })
}

/// The open requests a worker may resolve, on her home page (nothing when there are none).
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let items = ops::open(&ctx.state.app, &ctx.actor()?).await?;
    if items.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.panel #corrections-open {
            h2 { (tf(lang, "corrections.open_title", &[("n", &items.len().to_string())])) }
            ul.plain {
                @for q in &items {
                    li {
                        a href={ "/residents/" (q.resident_id) "#corrections" } { (q.resident_name) }
                        " · " (field_label(lang, q.field.as_str())) " " span.hint { (q.requested_at.day()) }
                    }
                }
            }
        }
    })
}

/// A resident's requests on her record, each open one with its resolve form.
pub fn resident_panel(lang: Lang, csrf: &str, items: &[Correction]) -> Markup {
    html! {
        @if !items.is_empty() {
            section.panel #corrections {
                h2 { (t(lang, "corrections.title")) }
                p.hint { (t(lang, "corrections.staff_hint")) }
                @for q in items {
                    div.correction {
                        p {
                            strong { (field_label(lang, q.field.as_str())) } " " (status_chip(lang, q.status)) " " span.hint { (q.requested_at.day()) }
                            br; (q.message)
                            @if !q.resolution.is_empty() { br; span.hint { (t(lang, "corrections.answer")) "：" (q.resolution) } }
                            @if let Some(by) = &q.resolved_by { " " span.hint { "（" (by) "）" } }
                        }
                        @if q.status == CorrectionStatus::Open {
                            form.form method="post" action={ "/corrections/" (q.id) "/resolve" } {
                                input type="hidden" name="_csrf" value=(csrf);
                                fieldset {
                                    legend { (t(lang, "corrections.outcome")) }
                                    @for s in [CorrectionStatus::Done, CorrectionStatus::Declined] {
                                        label.check { input type="radio" name="outcome" value=(s.as_str()) required; " " (t(lang, &format!("corrections.outcome.{}", s.as_str()))) }
                                    }
                                }
                                (layout::field(lang, "note", "corrections.note", "text", "", None, Some("off")))
                                div.form-actions { button.btn type="submit" { (t(lang, "corrections.resolve")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    message: String,
}

async fn request_submit(ctx: Ctx, Form(f): Form<RequestForm>) -> Result<Response, AppError> {
    let d = CorrectionDraft { field: f.field, message: f.message };
    super::back_with(
        "/#my-corrections",
        ops::request(&ctx.state.app, &ctx.actor()?, d).await,
        |_| "corrections.flash_requested",
    )
}

#[derive(Deserialize)]
struct ResolveForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn resolve_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let d = ResolveDraft { outcome: f.outcome, note: f.note };
    let actor = ctx.actor()?;
    match ops::resolve(&ctx.state.app, &actor, id, d).await.map_err(AppError::from) {
        Ok(q) => Ok(redirect_with_flash(
            &format!("/residents/{}#corrections", q.resident_id),
            true,
            "corrections.flash_resolved",
        )),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let back = ops::resident_of(&ctx.state.app, &actor, id)
                .await
                .map_or_else(|_| "/".to_string(), |r| format!("/residents/{r}#corrections"));
            Ok(redirect_with_flash(&back, false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::POST, "/me/corrections", Policy::Signed(Action::ViewHome), request_submit).page(
        Method::POST,
        "/corrections/{id}/resolve",
        Policy::Signed(Action::ManageResidents),
        resolve_submit,
    )
}
