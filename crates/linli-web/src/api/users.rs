use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_app::accounts;
use linli_core::Action;
use linli_store::audit::Record;
use linli_store::users::GrantView;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listed, created};

#[derive(Deserialize, JsonSchema)]
struct CreateUser {
    username: String,
    #[schemars(extend("format" = "password"))]
    password: String,
    /// admin, worker, building_head, partner, finance or resident
    #[schemars(schema_with = "linli_core::code_schema::<linli_core::Role>")]
    role: String,
    scope_place_id: i64,
    display_name: Option<String>,
    /// For the partner role: the partner unit the liaison speaks for.
    partner_id: Option<i64>,
}

/// The account just created.
#[derive(Serialize, JsonSchema)]
struct NewUser {
    id: i64,
    username: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<CreateUser>,
) -> Result<Response, AppError> {
    let user = accounts::create_user(
        &state.app,
        &ctx.actor()?,
        accounts::NewUser {
            username: b.username,
            display_name: b.display_name.unwrap_or_default(),
            password: b.password,
            role: accounts::parse_role(&b.role)?,
            scope_place_id: b.scope_place_id,
            partner_id: b.partner_id,
        },
    )
    .await?;
    Ok(created(NewUser {
        id: user.id,
        username: user.username,
    }))
}

/// An account and the grants it holds.
#[derive(Serialize, JsonSchema)]
struct UserJson {
    id: i64,
    username: String,
    display_name: String,
    active: bool,
    grants: Vec<GrantView>,
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Listed<UserJson>>, AppError> {
    let rows = accounts::list_users(&state.app, &ctx.actor()?).await?;
    Ok(Listed::of(
        rows.into_iter()
            .map(|(u, grants)| UserJson {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                active: u.active,
                grants,
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

/// One page of the audit log: `{"total", "items"}`.
#[derive(Serialize, JsonSchema)]
struct AuditPage {
    total: i64,
    items: Vec<Record>,
}

async fn audit_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) =
        accounts::audit_log(&state.app, &ctx.actor()?, page, super::PER_PAGE).await?;
    Ok(Json(AuditPage { total, items }))
}

pub fn routes(t: Table) -> Table {
    t.api(
        Method::POST,
        "/api/v1/users",
        Policy::Signed(Action::ManageUsers),
        ApiDoc::created::<NewUser>(
            "users",
            "users_create",
            "Create an account with one role granted on a place of the caller's scope",
        )
        .body::<CreateUser>(),
        create,
    )
    .api(
        Method::GET,
        "/api/v1/users",
        Policy::Signed(Action::ViewUsers),
        ApiDoc::ok::<Listed<UserJson>>(
            "users",
            "users_list",
            "Accounts holding a grant in the caller's scope",
        ),
        list,
    )
    .api(
        Method::GET,
        "/api/v1/audit",
        Policy::Signed(Action::ViewAudit),
        ApiDoc::ok::<AuditPage>(
            "audit",
            "audit_list",
            "The community's audit log, newest first",
        )
        .query(&[("page", "1-based page number")]),
        audit_list,
    )
}
