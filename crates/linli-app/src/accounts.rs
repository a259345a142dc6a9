//! Accounts: creating one with its grant. The admin's page, `users_create` and
//! `linli user add` all go through [`create_user`].

use crate::{Actor, App, Error, Result};
use linli_core::password::{self, hashing};
use linli_core::roster::ResidentStatus;
use linli_core::{Action, Role};
use linli_store::users::{self, User};
use linli_store::{Tenant, audit, partners, places, registry};
use serde_json::json;

/// A new account as typed (page, JSON or command line).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// The place the role is granted on (for a resident linked to her record, her unit when
    /// not given).
    pub scope_place_id: Option<i64>,
    /// For a partner liaison: the unit it acts for.
    pub partner_id: Option<i64>,
    /// For a resident: her registry record (one account per resident).
    pub resident_id: Option<i64>,
}

/// A role named in a form or a request.
pub fn parse_role(s: &str) -> Result<Role> {
    s.trim().parse::<Role>().map_err(|_| Error::invalid("role_unknown", "role"))
}

/// Validates and creates an account with one grant, audited as `user.create`. Errors name the
/// field at fault.
pub async fn create_user(app: &App, actor: &Actor, n: NewUser) -> Result<User> {
    let username =
        password::parse_username(&n.username).ok_or(Error::invalid("username_bad", "username"))?;
    password::check_password(&n.password, &username)
        .map_err(|e| Error::invalid(e.code(), "password"))?;
    let role = n.role;
    // A resident's account hangs on her record: the record must lie in the actor's community
    // and, with the place given, within it; without one, her unit (or building) is the place.
    let linked = match (role, n.resident_id) {
        (Role::Resident, Some(rid)) => {
            let tenant = actor.tenant()?;
            let r = app
                .read(move |c| registry::get(c, tenant, rid))
                .await
                .map_err(|e| e.or_invalid("resident_missing", "resident_id"))?;
            if r.status != ResidentStatus::Active {
                return Err(Error::invalid("resident_missing", "resident_id"));
            }
            Some(r)
        }
        (_, Some(_)) => return Err(Error::invalid("resident_not_for_role", "resident_id")),
        (_, None) => None,
    };
    let pid = match (n.scope_place_id, &linked) {
        (Some(p), _) => p,
        (None, Some(r)) => {
            r.unit_id.or(r.building_id).ok_or(Error::invalid("resident_unplaced", "resident_id"))?
        }
        (None, None) => return Err(Error::invalid("place_parent_missing", "scope_place_id")),
    };
    let place = app
        .read(move |c| places::get(c, pid))
        .await
        .map_err(|e| e.or_invalid("place_parent_missing", "scope_place_id"))?;
    actor.require(app, Action::ManageUsers, &place).await?;
    if !role.may_be_granted_on(place.kind) {
        return Err(Error::invalid("role_wrong_scope", "scope_place_id"));
    }
    if let Some(r) = &linked
        && !r.place_path.is_within(&place.path)
    {
        return Err(Error::invalid("resident_outside_scope", "scope_place_id"));
    }
    let resident_id = linked.as_ref().map(|r| r.id);
    if let Some(rid) = resident_id {
        let tenant = actor.tenant()?;
        let taken = app.read(move |c| users::account_of_resident(c, tenant, rid)).await?;
        if taken.is_some() {
            return Err(Error::Conflict {
                code: "resident_has_account",
                field: Some("resident_id"),
            });
        }
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
        if let (Some(rid), Some(cid)) = (resident_id, place.community_id) {
            users::link_resident(tx.c, Tenant::new(cid), user.id, rid, tx.actor.user_id(), tx.actor.now)?;
        }
        let after = json!({"username": user.username, "role": role, "place_id": place.id, "partner_id": partner_id, "resident_id": resident_id, "password": "set"});
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
    app.read(move |c| linli_store::audit::list(c, tenant, page, per_page)).await
}

/// An account of the actor's community that the actor manages: every grant it holds lies in
/// the actor's `ManageUsers` scope (not found otherwise; refusals audited).
async fn managed_user(app: &App, actor: &Actor, id: i64) -> Result<(Tenant, User)> {
    let tenant = actor.require_role(app, Action::ManageUsers).await?;
    let (user, grants) = app
        .read(move |c| Ok::<_, Error>((users::get_in(c, tenant, id)?, users::grants(c, id)?)))
        .await?;
    if grants.iter().any(|g| !actor.allowed(Action::ManageUsers, Some(&g.path))) {
        actor.record_denial(app, Action::ManageUsers, Some(id)).await;
        return Err(Error::NotFound);
    }
    Ok((tenant, user))
}

/// Nobody ends or resets their own account here (an administrator locked out of her own
/// account would have to ask another; her own password is changed on the password page).
fn not_self(actor: &Actor, id: i64) -> Result<()> {
    if actor.user_id() == Some(id) {
        return Err(Error::Refused { code: "user_self" });
    }
    Ok(())
}

/// Deactivates an account (a worker who left): it can no longer sign in, and its sessions and
/// tokens stop working at once. Audited as `user.deactivate`.
pub async fn deactivate(app: &App, actor: &Actor, id: i64) -> Result<User> {
    not_self(actor, id)?;
    let (tenant, user) = managed_user(app, actor, id).await?;
    app.write(actor, move |tx| {
        users::set_active(tx.c, tenant, id, false)?;
        let ended = users::revoke_sessions(tx.c, id)?;
        tx.audit(
            tenant,
            "user.deactivate",
            "user",
            id,
            json!({"username": user.username, "active": false, "sessions_ended": ended}),
        )?;
        Ok(users::get_in(tx.c, tenant, id)?)
    })
    .await
    .inspect(|_| app.accounts_changed())
}

/// Restores a deactivated account (it signs in with its old password). Audited as
/// `user.reactivate`.
pub async fn reactivate(app: &App, actor: &Actor, id: i64) -> Result<User> {
    let (tenant, user) = managed_user(app, actor, id).await?;
    app.write(actor, move |tx| {
        users::set_active(tx.c, tenant, id, true)?;
        tx.audit(
            tenant,
            "user.reactivate",
            "user",
            id,
            json!({"username": user.username, "active": true}),
        )?;
        Ok(users::get_in(tx.c, tenant, id)?)
    })
    .await
}

/// Sets a temporary password the user must replace at the next sign-in, and ends the
/// account's sessions and tokens. The password follows the usual policy and is never logged
/// or audited. Audited as `user.password_reset`.
pub async fn reset_password(app: &App, actor: &Actor, id: i64, password: String) -> Result<User> {
    not_self(actor, id)?;
    let (tenant, user) = managed_user(app, actor, id).await?;
    password::check_password(&password, &user.username)
        .map_err(|e| Error::invalid(e.code(), "password"))?;
    let hash = tokio::task::spawn_blocking(move || hashing::hash(&password))
        .await?
        .map_err(|e| Error::Internal(e.to_string()))?;
    app.write(actor, move |tx| {
        users::reset_password(tx.c, tenant, id, &hash, tx.actor.now)?;
        let ended = users::revoke_sessions(tx.c, id)?;
        tx.audit(
            tenant,
            "user.password_reset",
            "user",
            id,
            json!({"username": user.username, "password": "reset", "must_change_password": true, "sessions_ended": ended}),
        )?;
        Ok(users::get_in(tx.c, tenant, id)?)
    })
    .await
    .inspect(|_| app.accounts_changed())
}

/// Ends every session and token of an account (a lost phone, a token that leaked); how many
/// there were. Audited as `user.sessions_revoked`.
pub async fn revoke_sessions(app: &App, actor: &Actor, id: i64) -> Result<u64> {
    let (tenant, user) = managed_user(app, actor, id).await?;
    app.write(actor, move |tx| {
        let ended = users::revoke_sessions(tx.c, id)?;
        tx.audit(
            tenant,
            "user.sessions_revoked",
            "user",
            id,
            json!({"username": user.username, "sessions_ended": ended}),
        )?;
        Ok(ended)
    })
    .await
    .inspect(|_| app.accounts_changed())
}

/// Records a sign-in under the name typed: `login.succeeded` for the account it opened (the
/// name's counted failures forgotten), or `login.failed`.
pub async fn record_sign_in(
    app: &App,
    name: String,
    opened: Option<&User>,
    request_id: String,
) -> Result<()> {
    let now = app.clock.now();
    let (community, id) = (opened.and_then(|u| u.community_id), opened.map(|u| u.id));
    Ok(app
        .db
        .write(move |c| {
            if id.is_some() {
                users::clear_login_failures(c, &name)?;
            }
            let action = if id.is_some() { "login.succeeded" } else { "login.failed" };
            audit::append(
                c,
                &audit::Event {
                    at: now,
                    community_id: community,
                    actor_user_id: id,
                    actor: &name,
                    action,
                    object_kind: "user",
                    object_id: id.map(|i| i.to_string()),
                    before: None,
                    after: None,
                    request_id: Some(&request_id),
                },
            )
            .map(drop)
        })
        .await?)
}

/// Signs the actor out: the session or token it came with (by its hash) ends. Audited as
/// `logout`.
pub async fn sign_out(app: &App, actor: &Actor, token_hash: String) -> Result<()> {
    app.write(actor, move |tx| {
        users::delete_session(tx.c, &token_hash)?;
        tx.audit_own_account("logout")
    })
    .await
    .inspect(|_| app.accounts_changed())
}

/// Sets the actor's own password to `new_hash` (the caller has checked the current password
/// and the policy, and hashed the new one) and signs out its other sessions and tokens: those
/// that knew the old password. Audited as `user.password_changed`; no password is recorded.
pub async fn set_own_password(
    app: &App,
    actor: &Actor,
    token_hash: String,
    new_hash: String,
) -> Result<()> {
    let id = actor.user_id().ok_or(Error::Unauthenticated)?;
    app.write(actor, move |tx| {
        users::set_password(tx.c, id, &new_hash, tx.actor.now)?;
        users::delete_other_sessions(tx.c, id, &token_hash)?;
        tx.audit_own_account("user.password_changed")
    })
    .await
    .inspect(|_| app.accounts_changed())
}

/// One account of the actor's community with its grants, for its management page.
pub async fn managed(app: &App, actor: &Actor, id: i64) -> Result<(User, Vec<users::GrantView>)> {
    let (_, user) = managed_user(app, actor, id).await?;
    let grants = app.read(move |c| users::grants(c, id)).await?;
    Ok((user, grants))
}

/// The account linked to a resident the actor may see, for an administrator's view of her page
/// (`None` when she has none). Requires `ManageUsers` on the resident's place.
pub async fn account_of_resident(
    app: &App,
    actor: &Actor,
    resident: &registry::Resident,
) -> Result<Option<User>> {
    let tenant = actor.tenant()?;
    let place = crate::places::at(resident.community_id, &resident.place_path);
    actor.require(app, Action::ManageUsers, &place).await?;
    let rid = resident.id;
    app.read(move |c| match users::account_of_resident(c, tenant, rid)? {
        Some(uid) => Ok::<_, Error>(Some(users::get_in(c, tenant, uid)?)),
        None => Ok(None),
    })
    .await
}
