use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::places as ops;
use linli_core::{Action, PlaceKind};
use linli_store::places::Place;
use serde::Deserialize;
use serde_json::{Value, json};

fn place_json(p: &Place) -> Value {
    json!({"id": p.id, "kind": p.kind, "name": p.name, "parent_id": p.parent_id})
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let all = ops::list(&state.app, &ctx.actor()?, Action::ViewPlaces).await?;
    let items: Vec<Value> = all.iter().map(place_json).collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let place = ops::get(&state.app, &ctx.actor()?, Action::ViewPlaces, id).await?;
    Ok(Json(place_json(&place)))
}

#[derive(Deserialize)]
struct CreatePlace {
    kind: String,
    name: String,
    parent_id: Option<i64>,
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<CreatePlace>,
) -> Result<Response, AppError> {
    let kind = b
        .kind
        .parse::<PlaceKind>()
        .map_err(|_| AppError::invalid("place_bad_kind", "kind"))?;
    let place = ops::create(&state.app, &ctx.actor()?, kind, &b.name, b.parent_id).await?;
    Ok((StatusCode::CREATED, Json(place_json(&place))).into_response())
}

#[derive(Deserialize)]
struct UpdatePlace {
    name: Option<String>,
    parent_id: Option<i64>,
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<UpdatePlace>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let mut place = ops::get(&state.app, &actor, Action::ViewPlaces, id).await?;
    if let Some(name) = &b.name {
        place = ops::rename(&state.app, &actor, id, name).await?;
    }
    if let Some(parent) = b.parent_id
        && Some(parent) != place.parent_id
    {
        place = ops::move_place(&state.app, &actor, id, parent).await?;
    }
    Ok(Json(place_json(&place)))
}

fn place_schema() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["street", "community", "grid", "building", "unit"]},
        "name": {"type": "string"},
        "parent_id": {"type": ["integer", "null"]}}})
}

pub fn routes(t: Table) -> Table {
    t.api(
        Method::GET,
        "/api/v1/places",
        Policy::Signed(Action::ViewPlaces),
        ApiDoc {
            operation_id: "places_list",
            summary: "Every place in the caller's scope, in tree order",
            tag: "places",
            query: &[],
            body: None,
            response: Some(json!({"type": "object", "properties": {"items": {"type": "array", "items": place_schema()}, "total": {"type": "integer"}}})),
        },
        list,
    )
    .api(
        Method::POST,
        "/api/v1/places",
        Policy::Signed(Action::ManagePlaces),
        ApiDoc {
            operation_id: "places_create",
            summary: "Create a grid, building or unit under a place of the caller's scope",
            tag: "places",
            query: &[],
            body: Some(json!({"type": "object", "required": ["kind", "name", "parent_id"], "properties": {
                "kind": {"type": "string", "enum": ["grid", "building", "unit", "community"]},
                "name": {"type": "string"}, "parent_id": {"type": "integer"}}})),
            response: Some(place_schema()),
        },
        create,
    )
    .api(
        Method::GET,
        "/api/v1/places/{id}",
        Policy::Signed(Action::ViewPlaces),
        ApiDoc {
            operation_id: "places_get",
            summary: "One place",
            tag: "places",
            query: &[],
            body: None,
            response: Some(place_schema()),
        },
        get,
    )
    .api(
        Method::PATCH,
        "/api/v1/places/{id}",
        Policy::Signed(Action::ManagePlaces),
        ApiDoc {
            operation_id: "places_update",
            summary: "Rename a place and/or move it under another parent of the same community",
            tag: "places",
            query: &[],
            body: Some(json!({"type": "object", "properties": {"name": {"type": "string"}, "parent_id": {"type": "integer"}}})),
            response: Some(place_schema()),
        },
        update,
    )
}
