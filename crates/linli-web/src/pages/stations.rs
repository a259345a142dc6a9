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
use linli_core::{Action, Decision};
use linli_store::assistance::{self as store, Station, StationInput};
use linli_store::{audit, places, registry};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

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

/// Creates a station; the keeper, when named, must be a resident of the community.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    name: &str,
    keeper: Option<i64>,
    services: &str,
    hours: &str,
    location: &str,
    contact: &str,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    if caller.decide(Action::ManageCases, None) != Decision::Allow {
        return Err(AppError::Forbidden);
    }
    let name = name.trim().chars().take(60).collect::<String>();
    if name.is_empty() {
        return Err(AppError::invalid("station_name_missing", "name"));
    }
    if services.trim().is_empty() {
        return Err(AppError::invalid("station_services_missing", "services"));
    }
    if let Some(k) = keeper {
        state
            .db
            .read(move |c| registry::get(c, linli_store::Tenant::new(community), k))
            .await
            .map_err(|_| AppError::invalid("case_person_missing", "keeper_resident_id"))?;
    }
    let input = StationInput {
        name,
        keeper_resident_id: keeper,
        services: services.trim().chars().take(300).collect(),
        hours: hours.trim().chars().take(100).collect(),
        location: location.trim().chars().take(100).collect(),
        contact: contact.trim().chars().take(40).collect(),
    };
    let ctx2 = ctx.clone();
    state
        .db
        .write(move |c| {
            let id = store::create_station(c, community, &input, ctx2.now)?;
            audit::append(
                c,
                &ctx2.audit_event(
                    community,
                    "station.create",
                    "station",
                    id,
                    json!({"name": input.name}),
                ),
            )?;
            Ok::<_, AppError>(id)
        })
        .await
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    let all = state
        .db
        .read(move |c| store::stations(c, community))
        .await?;
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
    match create(
        &state,
        &ctx,
        &f.name,
        keeper,
        &f.services,
        &f.hours,
        &f.location,
        &f.contact,
    )
    .await
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
    let signed_in = ctx.caller.as_ref().and_then(|c| c.community_id());
    let (name, all) = state
        .db
        .read(move |c| {
            let place = match (q.community, signed_in) {
                (Some(n), _) => places::find_community(c, &n)?.ok_or(AppError::NotFound)?,
                (None, Some(id)) => places::get(c, id)?,
                (None, None) => {
                    let rows = c.query(
                        "SELECT id FROM places WHERE kind = 'community' ORDER BY id LIMIT 2",
                        linli_store::params![],
                    )?;
                    match rows.as_slice() {
                        [only] => places::get(c, only.int(0)?)?,
                        _ => return Err(AppError::invalid("community_required", "community")),
                    }
                }
            };
            Ok((place.name.clone(), store::stations(c, place.id)?))
        })
        .await?;
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
