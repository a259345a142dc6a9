//! The one way an operation writes: a transaction that carries the actor, so the change and
//! its audit record commit together or not at all.

use crate::{Actor, Result};
use linli_store::{Conn, Tenant, audit};
use serde_json::Value;

/// An open write transaction of one actor. `c` is the connection every store function takes.
pub struct Tx<'a> {
    pub c: &'a mut dyn Conn,
    pub actor: &'a Actor,
}

impl Tx<'_> {
    /// Records that the actor did `action` to the object `kind`/`id` of `tenant`, with the
    /// object's state after the change (personal fields are masked by the audit log).
    pub fn audit(
        &mut self,
        tenant: Tenant,
        action: &str,
        kind: &str,
        id: impl ToString,
        after: Value,
    ) -> Result<()> {
        self.audit_change(tenant, action, kind, id, None, after)
    }

    /// [`Tx::audit`] with the object's state before the change.
    pub fn audit_change(
        &mut self,
        tenant: Tenant,
        action: &str,
        kind: &str,
        id: impl ToString,
        before: Option<Value>,
        after: Value,
    ) -> Result<()> {
        let mut e = self.actor.event(action, kind, Some(id.to_string()), before, after);
        e.community_id = Some(tenant.id());
        audit::append(self.c, &e)?;
        Ok(())
    }

    /// An audit record about a collection rather than one object (an export of the roster).
    pub fn audit_collection(
        &mut self,
        tenant: Tenant,
        action: &str,
        kind: &str,
        after: Value,
    ) -> Result<()> {
        let mut e = self.actor.event(action, kind, None, None, after);
        e.community_id = Some(tenant.id());
        audit::append(self.c, &e)?;
        Ok(())
    }

    /// An audit record that belongs to no community (street-level accounts).
    pub fn audit_global(
        &mut self,
        action: &str,
        kind: &str,
        id: impl ToString,
        after: Value,
    ) -> Result<()> {
        let e = self.actor.event(action, kind, Some(id.to_string()), None, after);
        audit::append(self.c, &e)?;
        Ok(())
    }

    /// A record of the actor acting on its own account (signing out, changing its password),
    /// in its own community: the account is the object, and no state is recorded.
    pub fn audit_own_account(&mut self, action: &str) -> Result<()> {
        let id = self.actor.user_id().map(|id| id.to_string());
        let mut e = self.actor.event(action, "user", id, None, Value::Null);
        e.after = None;
        e.community_id = self.actor.community_id();
        audit::append(self.c, &e)?;
        Ok(())
    }
}
