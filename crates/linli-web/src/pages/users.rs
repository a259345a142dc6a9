//! Accounts and their grants: list and create (the admin's job), through
//! `linli_app::accounts`, which the JSON API (`users_create`) and `linli user add` share.

use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::pages::place_label;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::accounts::{self, NewUser};
use linli_core::password;
use linli_core::{Action, Decision, Role};
use linli_store::places;
use maud::html;
use serde::Deserialize;

async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let rows = accounts::list_users(&state.app, &ctx.actor()?).await?;
    let manage = caller.decide(Action::ManageUsers, None) == Decision::Allow;
    let action =
        manage.then(|| html! { a.btn.btn-primary href="/users/new" { (t(lang, "users.new")) } });
    let body = html! {
        p.hint { (tf(lang, "users.count", &[("n", &rows.len().to_string())])) }
        table.table {
            thead { tr {
                th scope="col" { (t(lang, "users.username")) }
                th scope="col" { (t(lang, "users.display_name")) }
                th scope="col" { (t(lang, "users.grants")) }
                th scope="col" { (t(lang, "users.status")) }
            } }
            tbody {
                @for (u, grants) in &rows {
                    tr {
                        td { code { (u.username) } }
                        td { (u.display_name) }
                        td { @for g in grants { span.grant { (layout::chip("info", &t(lang, g.role.label_key()))) " " (g.place_name) } " " } }
                        td { @if u.active { (layout::chip("ok", &t(lang, "users.active"))) } @else { (layout::chip("muted", &t(lang, "users.inactive"))) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "users.title"),
        &[],
        action,
        body,
    ))
}

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope_place_id: String,
    /// For a partner liaison: the unit it acts for.
    #[serde(default)]
    partner_id: String,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    f: UserForm,
    error: Option<(Option<&'static str>, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let scopes = caller.scopes(Action::ManageUsers);
    let all = state
        .db
        .read(move |c| places::list_within(c, &scopes))
        .await?;
    let label = |p: &places::Place| -> String {
        let names: Vec<&str> = p
            .path
            .ids()
            .iter()
            .filter_map(|id| all.iter().find(|q| q.id == *id))
            .map(|q| q.name.as_str())
            .collect();
        format!("{}（{}）", names.join(" › "), place_label(lang, p.kind))
    };
    let places_opts: Vec<(String, String)> =
        all.iter().map(|p| (p.id.to_string(), label(p))).collect();
    let units = match caller.community_id() {
        Some(cid) => {
            state
                .db
                .read(move |c| {
                    linli_store::partners::list_partners(c, linli_store::Tenant::new(cid), None)
                })
                .await?
        }
        None => Vec::new(),
    };
    let unit_opts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(units.iter().map(|u| (u.id.to_string(), u.name.clone())))
        .collect();
    let role_opts: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), t(lang, r.label_key())))
        .collect();
    let err = |field: &str| {
        error
            .as_ref()
            .filter(|(f, _)| *f == Some(field))
            .map(|(_, m)| m.clone())
    };
    let general = error
        .as_ref()
        .filter(|(f, _)| f.is_none())
        .map(|(_, m)| m.clone());
    let body = html! {
        form.form.narrow method="post" action="/users" novalidate {
            @if let Some(g) = general { p.form-error role="alert" { (g) } }
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            (layout::field(lang, "username", "users.username", "text", &f.username, err("username"), Some("off")))
            p.hint { (t(lang, "users.username_hint")) }
            (layout::field(lang, "display_name", "users.display_name", "text", &f.display_name, err("display_name"), Some("off")))
            (layout::field(lang, "password", "users.initial_password", "password", "", err("password"), Some("new-password")))
            p.hint { (tf(lang, "password.rule", &[("min", &password::MIN_CHARS.to_string())])) }
            (layout::select(lang, "role", "users.role", &role_opts, &f.role, err("role")))
            (layout::select(lang, "scope_place_id", "users.scope", &places_opts, &f.scope_place_id, err("scope_place_id")))
            p.hint { (t(lang, "users.scope_hint")) }
            (layout::select(lang, "partner_id", "partners.liaison_unit", &unit_opts, &f.partner_id, err("partner_id")))
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "users.create")) }
                a.btn href="/users" { (t(lang, "common.cancel")) }
            }
        }
    };
    let crumbs = [(t(lang, "users.title"), Some("/users".to_string()))];
    Ok(layout::page_with_status(
        ctx,
        status,
        &t(lang, "users.new"),
        &crumbs,
        None,
        body,
    ))
}

async fn new_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    form_page(&state, &ctx, UserForm::default(), None, StatusCode::OK).await
}

async fn create_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let Ok(scope_place_id) = f.scope_place_id.parse::<i64>() else {
        let msg = t(lang, "error.place_parent_missing");
        return form_page(
            &state,
            &ctx,
            f,
            Some((Some("scope_place_id"), msg)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let created = match accounts::parse_role(&f.role) {
        Ok(role) => {
            let n = NewUser {
                username: f.username.clone(),
                display_name: f.display_name.clone(),
                password: f.password.clone(),
                role,
                scope_place_id,
                partner_id: f.partner_id.trim().parse().ok(),
            };
            accounts::create_user(&state.app, &ctx.actor()?, n).await
        }
        Err(e) => Err(e),
    };
    match created.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/users", true, "flash.user_created")),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let field = match &e {
                AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => *field,
                _ => None,
            };
            let msg = tf(
                lang,
                &format!("error.{}", e.code()),
                &[("min", &password::MIN_CHARS.to_string())],
            );
            form_page(&state, &ctx, f, Some((field, msg)), e.status()).await
        }
        Err(e) => Err(e),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/users",
        Policy::Signed(Action::ViewUsers),
        list,
    )
    .page(
        Method::GET,
        "/users/new",
        Policy::Signed(Action::ManageUsers),
        new_page,
    )
    .page(
        Method::POST,
        "/users",
        Policy::Signed(Action::ManageUsers),
        create_submit,
    )
}
