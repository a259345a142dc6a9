//! The community a store call works in.

use crate::db::Value;
use serde::Serialize;

/// The community (tenant) whose records a store function reads or writes. Every such function
/// takes one and filters by it in SQL, so an id from another community finds nothing: there is
/// no comparison left for a handler to forget.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Tenant(i64);

impl Tenant {
    /// The tenant of the community with this id. The operations layer builds it from the
    /// actor's own community, never from an id in a request.
    pub const fn new(community_id: i64) -> Self {
        Tenant(community_id)
    }

    pub const fn id(self) -> i64 {
        self.0
    }
}

impl From<Tenant> for Value {
    fn from(t: Tenant) -> Self {
        Value::Int(t.0)
    }
}

impl std::fmt::Display for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
