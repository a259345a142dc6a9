use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::accounts::{self, NewUser};
use linli_core::Action;
use linli_store::audit;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct CreateUser {
    username: String,
    password: String,
    role: String,
    scope_place_id: i64,
    display_name: Option<String>,
    partner_id: Option<i64>,
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<CreateUser>,
) -> Result<Response, AppError> {
    let user = accounts::create_user(
        &state.app,
        &ctx.actor()?,
        NewUser {
            username: b.username,
            display_name: b.display_name.unwrap_or_default(),
            password: b.password,
            role: accounts::parse_role(&b.role)?,
            scope_place_id: b.scope_place_id,
            partner_id: b.partner_id,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": user.id, "username": user.username})),
    )
        .into_response())
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let rows = accounts::list_users(&state.app, &ctx.actor()?).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|(u, g)| json!({"id": u.id, "username": u.username, "display_name": u.display_name, "active": u.active, "grants": g}))
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn audit_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, AppError> {
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = state
        .db
        .read(move |c| audit::list(c, cid, page, super::PER_PAGE))
        .await?;
    Ok(Json(json!({"total": total, "items": items})))
}

pub fn routes(t: Table) -> Table {
    t.api(
        Method::POST,
        "/api/v1/users",
        Policy::Signed(Action::ManageUsers),
        ApiDoc {
            operation_id: "users_create",
            summary: "Create an account with one role granted on a place of the caller's scope",
            tag: "users",
            query: &[],
            body: Some(json!({"type": "object", "required": ["username", "password", "role", "scope_place_id"], "properties": {
                "username": {"type": "string"}, "password": {"type": "string", "format": "password"},
                "role": {"type": "string", "enum": ["admin", "worker", "building_head", "partner", "finance", "resident"]},
                "scope_place_id": {"type": "integer"}, "display_name": {"type": "string"},
                "partner_id": {"type": "integer", "description": "for the partner role, once partner units exist"}}})),
            response: Some(json!({"type": "object", "properties": {"id": {"type": "integer"}}})),
        },
        create,
    )
    .api(
        Method::GET,
        "/api/v1/users",
        Policy::Signed(Action::ViewUsers),
        ApiDoc {
            operation_id: "users_list",
            summary: "Accounts holding a grant in the caller's scope",
            tag: "users",
            query: &[],
            body: None,
            response: None,
        },
        list,
    )
    .api(
        Method::GET,
        "/api/v1/audit",
        Policy::Signed(Action::ViewAudit),
        ApiDoc {
            operation_id: "audit_list",
            summary: "The community's audit log, newest first",
            tag: "audit",
            query: &[("page", "1-based page number")],
            body: None,
            response: None,
        },
        audit_list,
    )
}
