//! Claims in the pages (issue 14): an unlinked resident's account claims its record with ID
//! number and phone from her home page; the workers who may edit the record confirm or reject
//! from theirs. Built on `linli_app::claims`.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Path;
use axum::http::Method;
use axum::response::Response;
use linli_app::claims::{self as ops, ClaimDraft, DecideDraft};
use linli_core::Action;
use linli_core::claims::ClaimStatus;
use maud::{Markup, html};
use serde::Deserialize;

/// On an unlinked resident's home: the claim form, or the claim waiting, or the last answer.
pub async fn claim_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let standing = ops::standing(&ctx.state.app, &ctx.actor()?).await?;
    Ok(html! {
        section.panel #my-claim {
            h2 { (t(lang, "claims.title")) }
            @if let Some(k) = &standing.pending {
                p role="status" { (layout::chip("warn", &t(lang, "claims.pending_chip"))) " " (tf(lang, "claims.pending", &[("date", &k.claimed_at.day().to_string())])) }
            } @else {
                @if let Some(k) = standing.decided.as_ref().filter(|k| k.status == ClaimStatus::Rejected) {
                    p role="status" { (layout::chip("muted", &t(lang, "claims.rejected_chip"))) " " (k.note) }
                }
                p.hint { (t(lang, "claims.hint")) }
                form.form method="post" action="/me/claim" autocomplete="off" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    (layout::field(lang, "id_number", "residents.id_number", "text", "", None, Some("off")))
                    (layout::field(lang, "phone", "residents.phone", "tel", "", None, Some("tel")))
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "claims.submit")) } }
                }
            }
        }
    })
}

/// On a worker's home: the claims of her residents waiting for confirmation.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let items = ops::pending(&ctx.state.app, &ctx.actor()?).await?;
    if items.is_empty() {
        return Ok(html! {});
    }
    let csrf = ctx.caller()?.csrf_token.clone();
    Ok(html! {
        section.panel #claims-pending {
            h2 { (tf(lang, "claims.pending_title", &[("n", &items.len().to_string())])) }
            p.hint { (t(lang, "claims.staff_hint")) }
            @for k in &items {
                div.claim {
                    p {
                        (tf(lang, "claims.who", &[("account", &k.display_name), ("username", &k.username)]))
                        " → " a href={ "/residents/" (k.resident_id) } { (k.resident_name) } " " span.hint { (k.address) }
                    }
                    (layout::decide_forms(
                        &format!("/claims/{}/decide", k.id),
                        &csrf,
                        ("confirm", &t(lang, "claims.confirm")),
                        &t(lang, "claims.reject"),
                        &t(lang, "claims.reject_reason"),
                    ))
                }
            }
        }
    })
}

#[derive(Deserialize)]
struct ClaimForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
}

async fn claim_submit(ctx: Ctx, Form(f): Form<ClaimForm>) -> Result<Response, AppError> {
    let d = ClaimDraft { id_number: f.id_number, phone: f.phone };
    match ops::claim(&ctx.state.app, &ctx.actor()?, d).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/#my-claim", true, "claims.flash_filed")),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::Refused { .. }),
        ) => Ok(redirect_with_flash("/#my-claim", false, &format!("error.{}", e.code()))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let d = DecideDraft { decision: f.decision, note: f.note };
    super::back_with("/", ops::decide(&ctx.state.app, &ctx.actor()?, id, d).await, |k| {
        if k.status == ClaimStatus::Confirmed {
            "claims.flash_confirmed"
        } else {
            "claims.flash_rejected"
        }
    })
}

pub fn routes(t: Table) -> Table {
    t.page(Method::POST, "/me/claim", Policy::Signed(Action::ViewHome), claim_submit).page(
        Method::POST,
        "/claims/{id}/decide",
        Policy::Signed(Action::ManageResidents),
        decide_submit,
    )
}
