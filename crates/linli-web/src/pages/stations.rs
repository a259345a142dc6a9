//! Convenience service stations (便民服务站): kept by residents (张君's bicycle stand), listed for
//! staff, on the neighbour cards and on a public page.

use super::picker::{Picker, picker_status};
use super::{Pairs, pairs_get};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Query;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::assistance::{StationDraft, create_station, public_stations};
use linli_core::{Action, Decision};
use linli_store::assistance::Station;
use maud::{Markup, html};
use serde::Deserialize;

pub fn station_list(lang: crate::i18n::Lang, stations: &[Station]) -> Markup {
    html! {
        @if stations.is_empty() { p.hint { (t(lang, "stations.none")) } }
        @for s in stations {
            div.station {
                strong { (s.name) } @if let Some(k) = &s.keeper { " · " (t(lang, "stations.keeper")) " " (k) }
                br; (s.services)
                br; span.hint { (s.location) @if !s.hours.is_empty() { " · " (s.hours) } @if !s.contact.is_empty() { " · " (s.contact) } }
            }
        }
    }
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    let keeper = Picker::new("keeper_resident_id", "pickers.keeper");
    list_page(&ctx, &StationForm::default(), &keeper, None, StatusCode::OK).await
}

/// The stations and, for those who keep them, the form for a new one (shown again with what
/// was typed when the keeper is being picked or something was refused).
async fn list_page(
    ctx: &Ctx,
    f: &StationForm,
    keeper: &Picker,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let all = linli_app::assistance::stations(&ctx.state.app, &ctx.actor()?).await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let body = html! {
        section.panel { (station_list(lang, &all)) p.hint { a href="/public/stations" { (t(lang, "stations.public_link")) } } }
        @if manage {
            section.panel {
                h2 { (t(lang, "stations.new")) }
                form.form #new-station method="post" action="/stations" novalidate {
                    @if let Some(e) = &error { p.form-error role="alert" { (e) } }
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::field(lang, "name", "stations.name", "text", &f.name, None, Some("off")))
                        (layout::field(lang, "services", "stations.services", "text", &f.services, None, Some("off")))
                        (layout::field(lang, "hours", "stations.hours", "text", &f.hours, None, Some("off")))
                        (layout::field(lang, "location", "stations.location", "text", &f.location, None, Some("off")))
                        (layout::field(lang, "contact", "stations.contact", "text", &f.contact, None, Some("off")))
                    }
                    (keeper.render(lang))
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
    };
    Ok(layout::page_with_status(ctx, status, &t(lang, "stations.title"), &[], None, body))
}

/// The new-station form as typed (the keeper is read by her [`Picker`]).
#[derive(Default)]
struct StationForm {
    name: String,
    services: String,
    hours: String,
    location: String,
    contact: String,
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let get = |k: &str| pairs_get(&pairs, k).unwrap_or_default();
    let f = StationForm {
        name: get("name"),
        services: get("services"),
        hours: get("hours"),
        location: get("location"),
        contact: get("contact"),
    };
    let mut keeper = Picker::new("keeper_resident_id", "pickers.keeper")
        .read_form(&ctx.state, &actor, lang, &pairs, true)
        .await?;
    if keeper.holds_form() {
        let status = picker_status(&keeper);
        return list_page(&ctx, &f, &keeper, None, status).await;
    }
    let d = StationDraft {
        name: f.name.clone(),
        keeper_resident_id: keeper.ready().flatten(),
        services: f.services.clone(),
        hours: f.hours.clone(),
        location: f.location.clone(),
        contact: f.contact.clone(),
    };
    match create_station(&ctx.state.app, &actor, d).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/stations", true, "flash.station_created")),
        Err(e @ AppError::Invalid { .. }) => {
            let msg = (!keeper.take_error(lang, &e))
                .then(|| tf(lang, &format!("error.{}", e.code()), &[]));
            list_page(&ctx, &f, &keeper, msg, e.status()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PublicQuery {
    community: Option<String>,
}

/// The public list (no sign-in): what residents may use, where and when.
async fn public(ctx: Ctx, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (place, all) = public_stations(&ctx.state.app, &ctx.actor_or_public(), q.community).await?;
    let name = place.name;
    let body = html! {
        article { h2 { (name) " " (t(lang, "stations.title")) } (station_list(lang, &all)) }
    };
    Ok(layout::public_page(&ctx, &format!("{name} · {}", t(lang, "stations.title")), body))
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/stations", Policy::Signed(Action::ViewResidents), list)
        .page(Method::POST, "/stations", Policy::Signed(Action::ManageCases), create_submit)
        .page(Method::GET, "/public/stations", Policy::Public, public)
}
