use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::Path;
use axum::http::Method;
use axum::response::Response;
use linli_app::places as ops;
use linli_core::{Action, PlaceKind};
use linli_store::places::Place;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listed, created};

/// A place as the API shows it.
#[derive(Serialize, JsonSchema)]
struct PlaceJson {
    id: i64,
    kind: PlaceKind,
    name: String,
    parent_id: Option<i64>,
}

fn place_json(p: &Place) -> PlaceJson {
    PlaceJson { id: p.id, kind: p.kind, name: p.name.clone(), parent_id: p.parent_id }
}

async fn list(ctx: Ctx) -> Result<Json<Listed<PlaceJson>>, AppError> {
    let all = ops::list(&ctx.state.app, &ctx.actor()?, Action::ViewPlaces).await?;
    Ok(Listed::of(all.iter().map(place_json).collect()))
}

async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<PlaceJson>, AppError> {
    let place = ops::get(&ctx.state.app, &ctx.actor()?, Action::ViewPlaces, id).await?;
    Ok(Json(place_json(&place)))
}

/// The neighbour cards of a building as they print: one per unit, continuation cards after.
async fn neighbour_cards(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<linli_app::cards::BuildingCards>, AppError> {
    Ok(Json(linli_app::cards::of_building(&ctx.state.app, &ctx.actor()?, id).await?))
}

#[derive(Deserialize, JsonSchema)]
struct CreatePlace {
    /// grid, building or unit (community for a street-office manager)
    #[schemars(schema_with = "linli_core::code_schema::<PlaceKind>")]
    kind: String,
    name: String,
    parent_id: Option<i64>,
}

async fn create(ctx: Ctx, Json(b): Json<CreatePlace>) -> Result<Response, AppError> {
    let kind =
        b.kind.parse::<PlaceKind>().map_err(|_| AppError::invalid("place_bad_kind", "kind"))?;
    let place = ops::create(&ctx.state.app, &ctx.actor()?, kind, &b.name, b.parent_id).await?;
    Ok(created(place_json(&place)))
}

#[derive(Deserialize, JsonSchema)]
struct UpdatePlace {
    name: Option<String>,
    parent_id: Option<i64>,
}

async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<UpdatePlace>,
) -> Result<Json<PlaceJson>, AppError> {
    let actor = ctx.actor()?;
    let mut place = ops::get(&ctx.state.app, &actor, Action::ViewPlaces, id).await?;
    if let Some(name) = &b.name {
        place = ops::rename(&ctx.state.app, &actor, id, name).await?;
    }
    if let Some(parent) = b.parent_id
        && Some(parent) != place.parent_id
    {
        place = ops::move_place(&ctx.state.app, &actor, id, parent).await?;
    }
    Ok(Json(place_json(&place)))
}

pub fn routes(t: Table) -> Table {
    const T: &str = "places";
    t.api(
        Method::GET,
        "/api/v1/places",
        Policy::Signed(Action::ViewPlaces),
        ApiDoc::ok::<Listed<PlaceJson>>(
            T,
            "places_list",
            "Every place in the caller's scope, in tree order",
        ),
        list,
    )
    .api(
        Method::POST,
        "/api/v1/places",
        Policy::Signed(Action::ManagePlaces),
        ApiDoc::created::<PlaceJson>(
            T,
            "places_create",
            "Create a grid, building or unit under a place of the caller's scope",
        )
        .body::<CreatePlace>(),
        create,
    )
    .api(
        Method::GET,
        "/api/v1/places/{id}",
        Policy::Signed(Action::ViewPlaces),
        ApiDoc::ok::<PlaceJson>(T, "places_get", "One place"),
        get,
    )
    .api(
        Method::GET,
        "/api/v1/buildings/{id}/neighbor-cards",
        Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<linli_app::cards::BuildingCards>(
            T,
            "neighbor_cards_get",
            "A building's neighbour cards: neighbours on the card (phones only where consented), building heads, committee phone, service station",
        ),
        neighbour_cards,
    )
    .api(
        Method::PATCH,
        "/api/v1/places/{id}",
        Policy::Signed(Action::ManagePlaces),
        ApiDoc::ok::<PlaceJson>(
            T,
            "places_update",
            "Rename a place and/or move it under another parent of the same community",
        )
        .body::<UpdatePlace>(),
        update,
    )
}
