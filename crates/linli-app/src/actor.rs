//! Who performs an operation: a signed-in account with its grants, the command line, or a
//! member of the public on the portal. Every operation takes one; it decides, scopes and signs
//! the audit record.

use crate::{App, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::{Action, Decision, PlacePath, authorize};
use linli_store::places::Place;
use linli_store::users::{GrantView, User};
use linli_store::{Tenant, audit};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Principal {
    /// A signed-in account with the grants it holds.
    /// Shared with the web layer's signed-in caller: an actor is made for every request.
    User { user: Arc<User>, grants: Arc<[GrantView]> },
    /// The command line, run by whoever holds the database: everything within the community
    /// it names (`scope` is that community's path).
    System { name: &'static str, scope: PlacePath },
    /// Someone on the public portal, without an account.
    Public,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    /// The community the actor works in (id, name); `None` for street-level accounts and the
    /// public.
    pub community: Option<(i64, String)>,
    /// The request id the log and the error page also carry.
    pub request_id: Option<String>,
    /// Where the call came from (a path and query, or a command): recorded with a refusal.
    pub origin: String,
    /// The app clock's time when the call arrived.
    pub now: DateTime<Utc>,
}

impl Actor {
    /// The command line acting in `community` (for `linli user add`, `linli import`).
    pub fn system(name: &'static str, community: &Place, now: DateTime<Utc>) -> Self {
        Actor {
            principal: Principal::System { name, scope: community.path.clone() },
            community: Some((community.id, community.name.clone())),
            request_id: None,
            origin: name.to_string(),
            now,
        }
    }

    /// The command line acting on a street (`linli user add --street`): every place under it,
    /// in no community of its own.
    pub fn system_street(name: &'static str, street: &Place, now: DateTime<Utc>) -> Self {
        Actor {
            principal: Principal::System { name, scope: street.path.clone() },
            community: None,
            request_id: None,
            origin: name.to_string(),
            now,
        }
    }

    /// The command line acting for the whole deployment, in no community (`linli calendar
    /// load` without `--community`): operations that need a community refuse it.
    pub fn system_deployment(name: &'static str, now: DateTime<Utc>) -> Self {
        Actor {
            principal: Principal::System {
                name,
                // Place ids start at 1: this scope covers no place.
                scope: PlacePath::root_child(0),
            },
            community: None,
            request_id: None,
            origin: name.to_string(),
            now,
        }
    }

    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::User { user, .. } => Some(user),
            _ => None,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user().map(|u| u.id)
    }

    /// The name the audit record shows.
    pub fn name(&self) -> &str {
        match &self.principal {
            Principal::User { user, .. } => &user.username,
            Principal::System { name, .. } => name,
            Principal::Public => "public",
        }
    }

    pub fn grants(&self) -> &[GrantView] {
        match &self.principal {
            Principal::User { grants, .. } => grants,
            _ => &[],
        }
    }

    pub fn community_id(&self) -> Option<i64> {
        self.community.as_ref().map(|c| c.0)
    }

    /// The actor's own community, the only one its operations may touch.
    pub fn tenant(&self) -> Result<Tenant> {
        self.community_id().map(Tenant::new).ok_or(Error::NotFound)
    }

    /// Today in Shanghai, by the app's clock.
    pub fn today(&self) -> NaiveDate {
        linli_core::clock::shanghai(self.now).date()
    }

    pub fn decide(&self, action: Action, target: Option<&PlacePath>) -> Decision {
        match &self.principal {
            Principal::User { grants, .. } => {
                let grants: Vec<_> = grants.iter().map(GrantView::grant).collect();
                authorize(&grants, action, target)
            }
            Principal::System { scope, .. } => match target {
                Some(t) if !t.is_within(scope) => Decision::NotFound,
                _ => Decision::Allow,
            },
            Principal::Public => Decision::NotFound,
        }
    }

    /// The place paths in which the actor may perform `action` (list filters).
    pub fn scopes(&self, action: Action) -> Vec<PlacePath> {
        match &self.principal {
            Principal::User { grants, .. } => {
                let grants: Vec<_> = grants.iter().map(GrantView::grant).collect();
                linli_core::authz::scopes_for(&grants, action)
            }
            Principal::System { scope, .. } => vec![scope.clone()],
            Principal::Public => Vec::new(),
        }
    }

    pub fn allowed(&self, action: Action, target: Option<&PlacePath>) -> bool {
        self.decide(action, target) == Decision::Allow
    }

    /// A signed-in resident and nothing else (no staff or liaison grant): public pages treat her
    /// as the public, with her own record linked.
    pub fn is_resident_only(&self) -> bool {
        let g = self.grants();
        !g.is_empty() && g.iter().all(|g| g.role == linli_core::Role::Resident)
    }

    /// The partner unit a liaison acts for (`None` for every other role).
    pub fn partner_unit(&self) -> Option<i64> {
        self.grants().iter().find_map(|g| g.partner_id)
    }

    /// Requires `action` on `target`: not found outside the actor's scope, forbidden inside it
    /// without the permission; both refusals are audited.
    pub async fn require(&self, app: &App, action: Action, target: &Place) -> Result<()> {
        match self.decide(action, Some(&target.path)) {
            Decision::Allow => Ok(()),
            d => {
                self.record_denial(app, action, Some(target.id)).await;
                Err(if d == Decision::NotFound { Error::NotFound } else { Error::Forbidden })
            }
        }
    }

    /// Requires that the actor's role permits `action` somewhere in its own community (the
    /// fund, the station: community-wide ledgers), and gives that community. Refusals are
    /// audited.
    pub async fn require_role(&self, app: &App, action: Action) -> Result<Tenant> {
        let tenant = self.tenant()?;
        if self.decide(action, None) != Decision::Allow {
            self.record_denial(app, action, Some(tenant.id())).await;
            return Err(Error::Forbidden);
        }
        Ok(tenant)
    }

    /// Writes the audit record of a refused request. A failure to audit is logged, not
    /// returned: the refusal itself must still reach the caller.
    pub async fn record_denial(&self, app: &App, action: Action, object: Option<i64>) {
        let event_actor = self.clone();
        let after = json!({"action": action.as_str(), "path": self.origin});
        let res = app
            .db
            .write(move |c| {
                let mut e = event_actor.event(
                    "access.denied",
                    if object.is_some() { "place" } else { "route" },
                    object.map(|o| o.to_string()),
                    None,
                    after,
                );
                e.community_id = event_actor.community_id();
                audit::append(c, &e)
            })
            .await;
        if let Err(e) = res {
            tracing::error!(cause = %e, "could not audit a denied request");
        }
    }

    /// The audit record of this actor doing `action` to one object, before any community is
    /// set (the write helper sets it).
    pub(crate) fn event<'a>(
        &'a self,
        action: &'a str,
        kind: &'a str,
        id: Option<String>,
        before: Option<Value>,
        after: Value,
    ) -> audit::Event<'a> {
        audit::Event {
            at: self.now,
            community_id: None,
            actor_user_id: self.user_id(),
            actor: self.name(),
            action,
            object_kind: kind,
            object_id: id,
            before,
            after: Some(after),
            request_id: self.request_id.as_deref(),
        }
    }
}
