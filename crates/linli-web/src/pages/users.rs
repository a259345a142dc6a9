//! Accounts and their grants: list and create (the admin's job), through
//! `linli_app::accounts`, which the JSON API (`users_create`) and `linli user add` share.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::pages::place_label;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::accounts::{self, NewUser};
use linli_core::password;
use linli_core::{Action, Decision, Role};
use linli_store::places;
use maud::html;
use serde::Deserialize;

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let rows = accounts::list_users(&ctx.state.app, &ctx.actor()?).await?;
    let manage = caller.decide(Action::ManageUsers, None) == Decision::Allow;
    let action =
        manage.then(|| html! { a.btn.btn-primary href="/users/new" { (t(lang, "users.new")) } });
    let body = html! {
        p.hint { (tf(lang, "users.count", &[("n", &rows.len().to_string())])) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table {
                thead { tr {
                    th scope="col" { (t(lang, "users.username")) }
                    th scope="col" { (t(lang, "users.display_name")) }
                    th scope="col" { (t(lang, "users.grants")) }
                    th scope="col" { (t(lang, "users.status")) }
                    @if manage { th scope="col" { span.visually-hidden { (t(lang, "users.manage")) } } }
                } }
                tbody {
                    @for (u, grants) in &rows {
                        tr {
                            td { code { (u.username) } }
                            td { (u.display_name) }
                            td { @for g in grants { span.grant { (layout::chip("info", &t(lang, g.role.label_key()))) " " (g.place_name) } " " } }
                            td { (status_chips(lang, u)) }
                            @if manage { td { a href={ "/users/" (u.id) } { (t(lang, "users.manage")) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "users.title"), &[], action, body))
}

fn status_chips(lang: crate::i18n::Lang, u: &linli_store::users::User) -> maud::Markup {
    html! {
        @if u.active { (layout::chip("ok", &t(lang, "users.active"))) } @else { (layout::chip("muted", &t(lang, "users.inactive"))) }
        @if u.must_change_password { " " (layout::chip("warn", &t(lang, "users.must_change"))) }
    }
}

/// One account and what an administrator may do to it: deactivate or reactivate, reset the
/// password, sign it out everywhere.
async fn account_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    account_view(&ctx, id, None, StatusCode::OK).await
}

async fn account_view(
    ctx: &Ctx,
    id: i64,
    reset_error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (u, grants) = accounts::managed(&ctx.state.app, &ctx.actor()?, id).await?;
    let csrf = ctx.caller()?.csrf_token.clone();
    let own = ctx.caller()?.user.id == u.id;
    let body = html! {
        dl.facts {
            dt { (t(lang, "users.username")) } dd { code { (u.username) } }
            dt { (t(lang, "users.display_name")) } dd { (u.display_name) }
            dt { (t(lang, "users.grants")) } dd { @for g in &grants { span.grant { (layout::chip("info", &t(lang, g.role.label_key()))) " " (g.place_name) } " " } }
            dt { (t(lang, "users.status")) } dd { (status_chips(lang, &u)) }
        }
        @if own {
            p.hint { (t(lang, "users.self_note")) }
        }
        div.stacked {
            @if !own {
                section.panel {
                    @if u.active {
                        h2 { (t(lang, "users.deactivate")) }
                        p { (t(lang, "users.deactivate_hint")) }
                        form method="post" action={ "/users/" (u.id) "/deactivate" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            button.btn.btn-danger type="submit" { (t(lang, "users.deactivate")) }
                        }
                    } @else {
                        h2 { (t(lang, "users.reactivate")) }
                        p { (t(lang, "users.reactivate_hint")) }
                        form method="post" action={ "/users/" (u.id) "/reactivate" } {
                            input type="hidden" name="_csrf" value=(csrf);
                            button.btn.btn-primary type="submit" { (t(lang, "users.reactivate")) }
                        }
                    }
                }
                section.panel {
                    h2 { (t(lang, "users.reset")) }
                    p { (t(lang, "users.reset_hint")) }
                    form.form.narrow method="post" action={ "/users/" (u.id) "/reset-password" } novalidate {
                        input type="hidden" name="_csrf" value=(csrf);
                        (layout::field(lang, "password", "users.temp_password", "password", "", reset_error, Some("new-password")))
                        p.hint { (tf(lang, "password.rule", &[("min", &password::MIN_CHARS.to_string())])) }
                        div.form-actions { button.btn type="submit" { (t(lang, "users.reset")) } }
                    }
                }
            }
            section.panel {
                h2 { (t(lang, "users.revoke")) }
                p { (t(lang, "users.revoke_hint")) }
                form method="post" action={ "/users/" (u.id) "/revoke-sessions" } {
                    input type="hidden" name="_csrf" value=(csrf);
                    button.btn type="submit" { (t(lang, "users.revoke")) }
                }
            }
        }
    };
    let title = tf(lang, "users.account_title", &[("name", &u.display_name)]);
    Ok(layout::page_with_status(
        ctx,
        status,
        &title,
        &[(t(lang, "users.title"), Some("/users".into()))],
        None,
        body,
    ))
}

async fn deactivate_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    accounts::deactivate(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(&format!("/users/{id}"), true, "flash.user_deactivated"))
}

async fn reactivate_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    accounts::reactivate(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(&format!("/users/{id}"), true, "flash.user_reactivated"))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
}

async fn reset_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    match accounts::reset_password(&ctx.state.app, &ctx.actor()?, id, f.password)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => {
            Ok(redirect_with_flash(&format!("/users/{id}"), true, "flash.user_password_reset"))
        }
        Err(e @ AppError::Invalid { .. }) => {
            let msg = tf(
                ctx.lang(),
                &format!("error.{}", e.code()),
                &[("min", &password::MIN_CHARS.to_string())],
            );
            account_view(&ctx, id, Some(msg), e.status()).await
        }
        Err(e) => Err(e),
    }
}

async fn revoke_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    accounts::revoke_sessions(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(redirect_with_flash(&format!("/users/{id}"), true, "flash.user_sessions_revoked"))
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
    /// For a resident's own account: her registry record (the form opened from her page).
    #[serde(default)]
    resident_id: String,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    resident: Option<i64>,
}

async fn form_page(
    ctx: &Ctx,
    f: UserForm,
    error: Option<(Option<&'static str>, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let scopes = caller.scopes(Action::ManageUsers);
    let all = ctx.state.db.read(move |c| places::list_within(c, &scopes)).await?;
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
            ctx.state
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
    let role_opts: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), t(lang, r.label_key()))).collect();
    let err =
        |field: &str| error.as_ref().filter(|(f, _)| *f == Some(field)).map(|(_, m)| m.clone());
    let general = error.as_ref().filter(|(f, _)| f.is_none()).map(|(_, m)| m.clone());
    // Opened from a resident's page: the account is hers, the role and place follow.
    let resident = match f.resident_id.trim().parse::<i64>() {
        Ok(rid) => Some(
            linli_app::registry::load_visible(
                &ctx.state.app,
                &ctx.actor()?,
                rid,
                Action::ViewResidents,
            )
            .await?,
        ),
        Err(_) => None,
    };
    let body = html! {
        form.form.narrow method="post" action="/users" novalidate {
            @if let Some(g) = general { p.form-error role="alert" { (g) } }
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            @if let Some(r) = &resident {
                input type="hidden" name="resident_id" value=(r.id);
                input type="hidden" name="role" value="resident";
                p.lead #account-for { (tf(lang, "users.for_resident", &[("name", &r.name), ("place", &format!("{}{}", r.building.clone().unwrap_or_default(), r.unit.clone().unwrap_or_default()))])) }
                p.hint { (t(lang, "users.for_resident_hint")) }
                @if let Some(m) = err("resident_id") { p.form-error role="alert" { (m) } }
            }
            (layout::field(lang, "username", "users.username", "text", &f.username, err("username"), Some("off")))
            p.hint { (t(lang, "users.username_hint")) }
            (layout::field(lang, "display_name", "users.display_name", "text", match (&resident, f.display_name.is_empty()) { (Some(r), true) => &r.name, _ => &f.display_name }, err("display_name"), Some("off")))
            (layout::field(lang, "password", "users.initial_password", "password", "", err("password"), Some("new-password")))
            p.hint { (tf(lang, "password.rule", &[("min", &password::MIN_CHARS.to_string())])) }
            @if resident.is_none() {
                (layout::select(lang, "role", "users.role", &role_opts, &f.role, err("role")))
                (layout::select(lang, "scope_place_id", "users.scope", &places_opts, &f.scope_place_id, err("scope_place_id")))
                p.hint { (t(lang, "users.scope_hint")) }
                (layout::select(lang, "partner_id", "partners.liaison_unit", &unit_opts, &f.partner_id, err("partner_id")))
                details.role-help #role-help {
                    summary { (t(lang, "users.role_help")) }
                    dl.facts {
                        @for r in Role::ALL {
                            dt { (t(lang, r.label_key())) }
                            dd { (t(lang, &format!("users.role_desc.{}", r.as_str()))) }
                        }
                    }
                }
            }
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "users.create")) }
                a.btn href="/users" { (t(lang, "common.cancel")) }
            }
        }
    };
    let crumbs = [(t(lang, "users.title"), Some("/users".to_string()))];
    Ok(layout::page_with_status(ctx, status, &t(lang, "users.new"), &crumbs, None, body))
}

async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Response, AppError> {
    let f = UserForm {
        resident_id: q.resident.map(|r| r.to_string()).unwrap_or_default(),
        role: if q.resident.is_some() { "resident".into() } else { String::new() },
        ..UserForm::default()
    };
    form_page(&ctx, f, None, StatusCode::OK).await
}

async fn create_submit(ctx: Ctx, Form(f): Form<UserForm>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let resident_id = f.resident_id.trim().parse::<i64>().ok();
    let scope_place_id = f.scope_place_id.parse::<i64>().ok();
    if scope_place_id.is_none() && resident_id.is_none() {
        let msg = t(lang, "error.place_parent_missing");
        return form_page(
            &ctx,
            f,
            Some((Some("scope_place_id"), msg)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let created = match accounts::parse_role(&f.role) {
        Ok(role) => {
            let n = NewUser {
                username: f.username.clone(),
                display_name: f.display_name.clone(),
                password: f.password.clone(),
                role,
                scope_place_id,
                partner_id: f.partner_id.trim().parse().ok(),
                resident_id,
            };
            accounts::create_user(&ctx.state.app, &ctx.actor()?, n).await
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
            form_page(&ctx, f, Some((field, msg)), e.status()).await
        }
        Err(e) => Err(e),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/users", Policy::Signed(Action::ViewUsers), list)
        .page(Method::GET, "/users/new", Policy::Signed(Action::ManageUsers), new_page)
        .page(Method::POST, "/users", Policy::Signed(Action::ManageUsers), create_submit)
        .page(Method::GET, "/users/{id}", Policy::Signed(Action::ManageUsers), account_page)
        .page(
            Method::POST,
            "/users/{id}/deactivate",
            Policy::Signed(Action::ManageUsers),
            deactivate_submit,
        )
        .page(
            Method::POST,
            "/users/{id}/reactivate",
            Policy::Signed(Action::ManageUsers),
            reactivate_submit,
        )
        .page(
            Method::POST,
            "/users/{id}/reset-password",
            Policy::Signed(Action::ManageUsers),
            reset_submit,
        )
        .page(
            Method::POST,
            "/users/{id}/revoke-sessions",
            Policy::Signed(Action::ManageUsers),
            revoke_submit,
        )
}
