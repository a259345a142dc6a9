//! Accounts: creating one with its grant. The admin's page, `users_create` and
//! `linli user add` all go through [`create_user`].

use crate::{Actor, App, Error, Result};
use linli_core::password::{self, hashing};
use linli_core::{Action, Role};
use linli_store::users::{self, User};
use linli_store::{Tenant, partners, places};
use serde_json::json;

/// A new account as typed (page, JSON or command line).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// The place the role is granted on.
    pub scope_place_id: i64,
    /// For a partner liaison: the unit it acts for.
    pub partner_id: Option<i64>,
}

/// A role named in a form or a request.
pub fn parse_role(s: &str) -> Result<Role> {
    s.trim()
        .parse::<Role>()
        .map_err(|_| Error::invalid("role_unknown", "role"))
}

/// Validates and creates an account with one grant, audited as `user.create`. Errors name the
/// field at fault.
pub async fn create_user(app: &App, actor: &Actor, n: NewUser) -> Result<User> {
    let username =
        password::parse_username(&n.username).ok_or(Error::invalid("username_bad", "username"))?;
    password::check_password(&n.password, &username)
        .map_err(|e| Error::invalid(e.code(), "password"))?;
    let pid = n.scope_place_id;
    let place = app
        .read(move |c| places::get(c, pid))
        .await
        .map_err(|e| e.or_invalid("place_parent_missing", "scope_place_id"))?;
    actor.require(app, Action::ManageUsers, &place).await?;
    let role = n.role;
    if !role.may_be_granted_on(place.kind) {
        return Err(Error::invalid("role_wrong_scope", "scope_place_id"));
    }
    // A liaison acts for one partner unit of the place's community; other roles carry none.
    let community = place.community_id.unwrap_or(place.id);
    let partner_id = match (role, n.partner_id) {
        (Role::Partner, Some(unit)) => {
            let known = app
                .read(move |c| partners::partner_in_community(c, Tenant::new(community), unit))
                .await?;
            if !known {
                return Err(Error::invalid("partner_missing", "partner_id"));
            }
            Some(unit)
        }
        (Role::Partner, None) => return Err(Error::invalid("partner_missing", "partner_id")),
        (_, Some(_)) => return Err(Error::invalid("partner_not_for_role", "partner_id")),
        (_, None) => None,
    };
    let display = match n.display_name.trim() {
        "" => username.clone(),
        d => d.chars().take(40).collect(),
    };
    let pw = n.password;
    let hash = tokio::task::spawn_blocking(move || hashing::hash(&pw))
        .await?
        .map_err(|e| Error::Internal(e.to_string()))?;
    app.write(actor, move |tx| {
        let user = users::create(tx.c, place.community_id, &username, &display, &hash, tx.actor.now)?;
        users::add_grant(tx.c, user.id, role, &place, partner_id, tx.actor.now)?;
        let after = json!({"username": user.username, "role": role, "place_id": place.id, "partner_id": partner_id, "password": "set"});
        match place.community_id {
            Some(cid) => tx.audit(Tenant::new(cid), "user.create", "user", user.id, after)?,
            None => tx.audit_global("user.create", "user", user.id, after)?,
        }
        Ok(user)
    })
    .await
}

/// The accounts the actor may see, with their grants.
pub async fn list_users(app: &App, actor: &Actor) -> Result<Vec<(User, Vec<users::GrantView>)>> {
    let scopes = actor.scopes(Action::ViewUsers);
    app.read(move |c| users::list_within(c, &scopes)).await
}

/// One page of the community's audit log, newest first, and how many records it holds.
pub async fn audit_log(
    app: &App,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<(Vec<linli_store::audit::Record>, i64)> {
    let tenant = actor.require_role(app, Action::ViewAudit).await?;
    app.read(move |c| linli_store::audit::list(c, tenant.id(), page, per_page))
        .await
}
