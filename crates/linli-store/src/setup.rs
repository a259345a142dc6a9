//! Creating a community: `linli init` (empty, with its admin). The demo community of
//! `linli demo` is built by the `linli-demo` crate.

use crate::db::Db;
use crate::error::StoreError;
use crate::places::{self, Place};
use crate::{Result, audit, registry, users};
use chrono::{DateTime, Utc};
use linli_core::{PlaceKind, Role};
use serde_json::json;

pub struct Initialized {
    pub community: Place,
    pub admin: users::User,
}

/// `linli init`: creates the community (at the root) and its first admin, with the password
/// already hashed by the caller.
pub fn init_community(
    db: &Db,
    community: &str,
    admin: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Initialized> {
    db.write_blocking(|c| {
        if places::find_community(c, community)?.is_some() {
            return Err(StoreError::Conflict {
                code: "community_exists",
                field: Some("community"),
            });
        }
        let place = places::create(c, PlaceKind::Community, community, None, now)?;
        registry::ensure_default_tags(c, crate::Tenant::new(place.id))?;
        let user = users::create(c, Some(place.id), admin, admin, password_hash, now)?;
        users::add_grant(c, user.id, Role::Admin, &place, None, now)?;
        audit::append(
            c,
            &audit::Event {
                at: now,
                community_id: Some(place.id),
                actor_user_id: None,
                actor: "linli init",
                action: "community.init",
                object_kind: "place",
                object_id: Some(place.id.to_string()),
                before: None,
                after: Some(json!({"community": community, "admin": admin})),
                request_id: None,
            },
        )?;
        Ok(Initialized { community: place, admin: user })
    })
}
