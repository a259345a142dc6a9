//! JSON API of civilized corridors (contract names of issue 17).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::Query;
use axum::http::Method;
use axum::response::Response;
use linli_app::corridors::{self as ops, CorridorRow, Inspected, InspectionDraft, ItemRow};
use linli_core::Action;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Listed, created};

#[derive(Deserialize, JsonSchema, Default)]
struct ListQuery {
    #[serde(default)]
    building_id: Option<i64>,
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Json<Listed<CorridorRow>>, AppError> {
    Ok(Listed::of(ops::list(&ctx.state.app, &ctx.actor()?, q.building_id).await?))
}

async fn items(ctx: Ctx) -> Result<Json<Listed<ItemRow>>, AppError> {
    Ok(Listed::of(ops::items(&ctx.state.app, &ctx.actor()?).await?))
}

async fn inspect(ctx: Ctx, Json(d): Json<InspectionDraft>) -> Result<Response, AppError> {
    Ok(created::<Inspected>(ops::inspect(&ctx.state.app, &ctx.actor()?, d, Vec::new()).await?))
}

const C: &str = "corridors";

pub fn routes(t: Table) -> Table {
    t.api(Method::GET, "/api/v1/corridors", Policy::Signed(Action::ViewCorridors),
        ApiDoc::ok::<Listed<CorridorRow>>(C, "corridors_list", "The corridors (one per unit) in the caller's scope, with stars and high-standard status").query(&[("building_id", "one building only")]),
        list)
    .api(Method::GET, "/api/v1/inspection-items", Policy::Signed(Action::ViewCorridors),
        ApiDoc::ok::<Listed<ItemRow>>(C, "inspection_items_list", "The community's corridor inspection checklist with the points of each item"),
        items)
    .api(Method::POST, "/api/v1/corridor-inspections", Policy::Signed(Action::InspectCorridors),
        ApiDoc::created::<Inspected>(C, "corridor_inspections_create", "Record an inspection: the failed items' codes; answers the score and the stars").body::<InspectionDraft>(),
        inspect)
}
