use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
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
    /// The place the role is granted on; for a resident with `resident_id`, her unit when
    /// omitted.
    scope_place_id: Option<i64>,
    display_name: Option<String>,
    /// For the partner role: the partner unit the liaison speaks for.
    partner_id: Option<i64>,
    /// For the resident role: her registry record; the account is linked to it (one account
    /// per resident) and shows her own household, courses and reports.
    resident_id: Option<i64>,
}

/// The account just created.
#[derive(Serialize, JsonSchema)]
struct NewUser {
    id: i64,
    username: String,
}

async fn create(ctx: Ctx, Json(b): Json<CreateUser>) -> Result<Response, AppError> {
    let user = accounts::create_user(
        &ctx.state.app,
        &ctx.actor()?,
        accounts::NewUser {
            username: b.username,
            display_name: b.display_name.unwrap_or_default(),
            password: b.password,
            role: accounts::parse_role(&b.role)?,
            scope_place_id: b.scope_place_id,
            partner_id: b.partner_id,
            resident_id: b.resident_id,
        },
    )
    .await?;
    Ok(created(NewUser { id: user.id, username: user.username }))
}

/// An account and the grants it holds.
#[derive(Serialize, JsonSchema)]
struct UserJson {
    id: i64,
    username: String,
    display_name: String,
    active: bool,
    /// After an administrator's reset, until the user chooses a new password.
    must_change_password: bool,
    grants: Vec<GrantView>,
}

async fn list(ctx: Ctx) -> Result<Json<Listed<UserJson>>, AppError> {
    let rows = accounts::list_users(&ctx.state.app, &ctx.actor()?).await?;
    Ok(Listed::of(rows.into_iter().map(|(u, grants)| user_json(u, grants)).collect()))
}

fn user_json(u: linli_store::users::User, grants: Vec<GrantView>) -> UserJson {
    UserJson {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        active: u.active,
        must_change_password: u.must_change_password,
        grants,
    }
}

/// The account as it now stands.
async fn account(ctx: &Ctx, id: i64) -> Result<Json<UserJson>, AppError> {
    let (u, grants) = accounts::managed(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(Json(user_json(u, grants)))
}

async fn deactivate(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<UserJson>, AppError> {
    accounts::deactivate(&ctx.state.app, &ctx.actor()?, id).await?;
    account(&ctx, id).await
}

async fn reactivate(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<UserJson>, AppError> {
    accounts::reactivate(&ctx.state.app, &ctx.actor()?, id).await?;
    account(&ctx, id).await
}

#[derive(Deserialize, JsonSchema)]
struct ResetPassword {
    /// A temporary password (the usual policy): the user must change it at the next sign-in.
    #[schemars(extend("format" = "password"))]
    password: String,
}

async fn reset_password(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ResetPassword>,
) -> Result<Json<UserJson>, AppError> {
    accounts::reset_password(&ctx.state.app, &ctx.actor()?, id, b.password).await?;
    account(&ctx, id).await
}

/// Sessions and tokens ended.
#[derive(Serialize, JsonSchema)]
struct Revoked {
    id: i64,
    revoked: u64,
}

async fn revoke_sessions(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Revoked>, AppError> {
    let revoked = accounts::revoke_sessions(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(Json(Revoked { id, revoked }))
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

async fn audit_list(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Json<AuditPage>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) =
        accounts::audit_log(&ctx.state.app, &ctx.actor()?, page, super::PER_PAGE).await?;
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
        Method::POST,
        "/api/v1/users/{id}/deactivate",
        Policy::Signed(Action::ManageUsers),
        ApiDoc::ok::<UserJson>(
            "users",
            "users_deactivate",
            "Deactivate an account: it cannot sign in, and its sessions and tokens stop working at once",
        ),
        deactivate,
    )
    .api(
        Method::POST,
        "/api/v1/users/{id}/reactivate",
        Policy::Signed(Action::ManageUsers),
        ApiDoc::ok::<UserJson>(
            "users",
            "users_reactivate",
            "Restore a deactivated account",
        ),
        reactivate,
    )
    .api(
        Method::POST,
        "/api/v1/users/{id}/reset-password",
        Policy::Signed(Action::ManageUsers),
        ApiDoc::ok::<UserJson>(
            "users",
            "users_reset_password",
            "Set a temporary password the user must change at the next sign-in; ends the account's sessions and tokens",
        )
        .body::<ResetPassword>(),
        reset_password,
    )
    .api(
        Method::POST,
        "/api/v1/users/{id}/revoke-sessions",
        Policy::Signed(Action::ManageUsers),
        ApiDoc::ok::<Revoked>(
            "users",
            "users_revoke_sessions",
            "End every session and token of an account",
        ),
        revoke_sessions,
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
