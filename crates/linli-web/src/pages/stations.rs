//! Convenience service stations (便民服务站): kept by residents (张君's bicycle stand), listed for
//! staff, on the neighbour cards and on a public page.

use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::t;
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::Method;
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

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let all = linli_app::assistance::stations(&state.app, &ctx.actor()?).await?;
    let manage = caller.decide(Action::ManageCases, None) == Decision::Allow;
    let body = html! {
        section.panel { (station_list(lang, &all)) p.hint { a href="/public/stations" { (t(lang, "stations.public_link")) } } }
        @if manage {
            section.panel {
                h2 { (t(lang, "stations.new")) }
                form.form method="post" action="/stations" {
                    input type="hidden" name="_csrf" value=(caller.csrf_token);
                    div.grid2 {
                        (layout::field(lang, "name", "stations.name", "text", "", None, Some("off")))
                        (layout::field(lang, "keeper_resident_id", "stations.keeper_id", "number", "", None, None))
                        (layout::field(lang, "services", "stations.services", "text", "", None, Some("off")))
                        (layout::field(lang, "hours", "stations.hours", "text", "", None, Some("off")))
                        (layout::field(lang, "location", "stations.location", "text", "", None, Some("off")))
                        (layout::field(lang, "contact", "stations.contact", "text", "", None, Some("off")))
                    }
                    div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "stations.title"),
        &[],
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct StationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    keeper_resident_id: String,
    #[serde(default)]
    services: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    contact: String,
}

async fn create_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<StationForm>,
) -> Result<Response, AppError> {
    let keeper = f.keeper_resident_id.trim().parse().ok();
    let d = StationDraft {
        name: f.name,
        keeper_resident_id: keeper,
        services: f.services,
        hours: f.hours,
        location: f.location,
        contact: f.contact,
    };
    match create_station(&state.app, &ctx.actor()?, d)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(redirect_with_flash(
            "/stations",
            true,
            "flash.station_created",
        )),
        Err(e @ AppError::Invalid { .. }) => Ok(redirect_with_flash(
            "/stations",
            false,
            &format!("error.{}", e.code()),
        )),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PublicQuery {
    community: Option<String>,
}

/// The public list (no sign-in): what residents may use, where and when.
async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (place, all) = public_stations(&state.app, &ctx.actor_or_public(), q.community).await?;
    let name = place.name;
    let body = html! {
        article { h2 { (name) " " (t(lang, "stations.title")) } (station_list(lang, &all)) }
    };
    Ok(layout::public_page(
        &ctx,
        &format!("{name} · {}", t(lang, "stations.title")),
        body,
    ))
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/stations",
        Policy::Signed(Action::ViewResidents),
        list,
    )
    .page(
        Method::POST,
        "/stations",
        Policy::Signed(Action::ManageCases),
        create_submit,
    )
    .page(Method::GET, "/public/stations", Policy::Public, public)
}
