//! The JSON API under `/api/v1`, and its OpenAPI document built from the route table.

mod assistance;
mod corridors;
mod fund;
mod learning;
mod me;
mod openapi;
mod partners;
mod places;
mod publicity;
pub mod reports;
mod residents;
mod street;
mod users;
mod volunteers;

use crate::routes::Table;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

/// `page` query parameter: 1-based, at most this many items a page.
pub const PER_PAGE: i64 = 100;

pub fn routes(t: Table) -> Table {
    let t = assistance::routes(t);
    let t = corridors::routes(t);
    let t = fund::routes(t);
    let t = learning::routes(t);
    let t = me::routes(t);
    let t = partners::routes(t);
    let t = places::routes(t);
    let t = publicity::routes(t);
    let t = reports::routes(t);
    let t = residents::routes(t);
    let t = street::routes(t);
    let t = users::routes(t);
    let t = volunteers::routes(t);
    openapi::routes(t)
}

/// `{"id": …}`: what an operation that creates a record answers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NewId {
    pub id: i64,
}

/// A whole list as the API sends it: `{"total", "items"}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Listed<T> {
    pub total: usize,
    pub items: Vec<T>,
}

impl<T> Listed<T> {
    pub fn of(items: Vec<T>) -> Json<Self> {
        Json(Listed { total: items.len(), items })
    }
}

/// One page of a longer list: `{"items", "total", "page"}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
}

/// `201 Created` with its JSON body.
pub fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// `201 Created` with `{"id": …}`.
pub fn created_id(id: i64) -> Response {
    created(NewId { id })
}
