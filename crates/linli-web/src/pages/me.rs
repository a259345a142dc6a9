//! A resident's own home: her household as registered, her courses, the issues she reported,
//! the community's public services, and a download of everything held about her (PIPL §45).
//! Built on `linli_app::me`, which reads her record through her account's link only.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use linli_app::me;
use linli_core::Action;
use linli_core::mask::{mask_id_number, mask_phone};
use maud::{Markup, html};

/// The home page of an account that holds only the resident role.
pub async fn resident_home(ctx: &Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let caller = ctx.caller()?;
    let overview = me::overview(&ctx.state.app, &actor).await?;
    let contact = super::portal::contact_phone(&ctx.state, &actor).await?;
    let services = html! {
        section.panel #my-services {
            h2 { (t(lang, "me.services")) }
            ul.link-list {
                li { a href="/public/report" { (t(lang, "me.report")) } }
                li { a href="/public/affairs" { (t(lang, "me.progress")) } }
                li { a href="/public/courses" { (t(lang, "me.catalogue")) } }
                li { a href="/disclosure/fund" { (t(lang, "me.disclosure")) } }
                li { a href="/public/stations" { (t(lang, "me.stations")) } }
            }
            @if !contact.is_empty() {
                p { (t(lang, "me.contact")) " " a href={ "tel:" (contact) } { (contact) } }
            }
        }
    };
    let body = match overview {
        None => {
            let claim = super::claims::claim_panel(ctx).await?;
            html! {
                p.lead { (tf(lang, "me.greeting", &[("name", &caller.user.display_name)])) }
                section.panel #not-linked {
                    h2 { (t(lang, "me.not_linked_title")) }
                    p { (t(lang, "me.not_linked")) }
                }
                (claim)
                (services)
            }
        }
        Some(o) => {
            let corrections = super::corrections::mine_panel(ctx).await?;
            let volunteering = super::volunteers::mine_panel(ctx).await?;
            overview_body(ctx, &o, html! { (volunteering) (corrections) (services) })
        }
    };
    Ok(layout::page(ctx, &t(lang, "me.title"), &[], None, body))
}

fn overview_body(ctx: &Ctx, o: &me::Overview, services: Markup) -> Markup {
    let lang = ctx.lang();
    let r = &o.resident;
    let address = format!(
        "{}{}{}",
        r.building.clone().unwrap_or_default(),
        r.unit.clone().unwrap_or_default(),
        r.household.clone().unwrap_or_default()
    );
    html! {
        p.lead { (tf(lang, "me.greeting", &[("name", &r.name)])) }
        section.panel #my-record {
            h2 { (t(lang, "me.record")) }
            dl.facts {
                dt { (t(lang, "residents.name")) } dd { (r.name) }
                dt { (t(lang, "me.address")) } dd { (address) }
                @if let Some(id) = &r.id_number { dt { (t(lang, "residents.id_number")) } dd { (mask_id_number(id)) } }
                @if let Some(p) = &r.phone { dt { (t(lang, "residents.phone")) } dd { (mask_phone(p)) } }
            }
            p.hint { (t(lang, "me.correction")) }
            p.actions { a.btn #my-export href="/me/export" download { (t(lang, "me.export")) } }
            p.hint { (t(lang, "me.export_hint")) }
        }
        section.panel #my-household {
            h2 { (t(lang, "me.household")) }
            @if o.members.is_empty() {
                p.hint { (t(lang, "me.household_alone")) }
            } @else {
                ul.plain {
                    @for m in &o.members {
                        li { (m.name) " · " (super::residents::relation_label(lang, &m.relation)) }
                    }
                }
            }
        }
        section.panel #my-courses {
            h2 { (t(lang, "me.courses")) }
            @if o.courses.is_empty() {
                (layout::empty(&t(lang, "me.courses_none"), Some(html! { a href="/public/courses" { (t(lang, "me.catalogue")) } })))
            } @else {
                ul.plain {
                    @for c in &o.courses {
                        li {
                            strong { (c.course) } " " (super::learning::status_chip(lang, c.status))
                            br;
                            span.hint { (c.starts_on) " – " (c.ends_on) " · " (tf(lang, "me.attended", &[("n", &c.attended.to_string()), ("of", &c.sessions.to_string())])) }
                        }
                    }
                }
            }
        }
        section.panel #my-reports {
            h2 { (t(lang, "me.reports")) }
            @if o.reports.is_empty() {
                (layout::empty(&t(lang, "me.reports_none"), Some(html! { a href="/public/report" { (t(lang, "me.report")) } })))
            } @else {
                ul.plain {
                    @for a in &o.reports {
                        li {
                            a href={ "/public/affairs/" (a.public_ref) } { (linli_core::partners::spoken_ref(&a.public_ref)) }
                            " " (super::affairs::status_chip(lang, a.status))
                            br;
                            span.hint { (a.reported_on) " · " (a.description.chars().take(40).collect::<String>()) }
                        }
                    }
                }
            }
        }
        (services)
    }
}

/// Her data as a JSON file to keep (the same document as `me_export`); audited.
async fn export(ctx: Ctx) -> Result<Response, AppError> {
    let mut data = me::export(&ctx.state.app, &ctx.actor()?).await?;
    crate::labels::label_my_data(ctx.lang(), &mut data);
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"my-data.json\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/me/export", Policy::Signed(Action::ViewHome), export)
}
