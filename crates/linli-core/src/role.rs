//! The roles of DESIGN.md §1.

use crate::place::PlaceKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 社区书记/主任: everything in their community, users and roles.
    Admin,
    /// 社工/网格员: everything in the grids assigned to them.
    Worker,
    /// 楼长: residents, corridors and reports of their own buildings only.
    BuildingHead,
    /// 共建单位联络员: their own unit's records.
    Partner,
    /// 基金管理员: the love-fund ledger.
    Finance,
    /// A resident with an account: their own household.
    Resident,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Worker,
        Role::BuildingHead,
        Role::Partner,
        Role::Finance,
        Role::Resident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Worker => "worker",
            Role::BuildingHead => "building_head",
            Role::Partner => "partner",
            Role::Finance => "finance",
            Role::Resident => "resident",
        }
    }

    /// The message-catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::Worker => "role.worker",
            Role::BuildingHead => "role.building_head",
            Role::Partner => "role.partner",
            Role::Finance => "role.finance",
            Role::Resident => "role.resident",
        }
    }

    /// Staff roles work in the back office; residents and partners see narrower pages.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Worker | Role::Finance | Role::BuildingHead)
    }
}

impl Role {
    /// The kinds of place a role may be granted on: a building head on buildings, a worker on
    /// grids (or the whole community), a resident on the unit or building they live in.
    pub fn scope_kinds(self) -> &'static [PlaceKind] {
        match self {
            Role::Admin => &[PlaceKind::Community, PlaceKind::Street],
            Role::Worker => &[PlaceKind::Grid, PlaceKind::Community],
            Role::BuildingHead => &[PlaceKind::Building],
            Role::Partner | Role::Finance => &[PlaceKind::Community],
            Role::Resident => &[PlaceKind::Unit, PlaceKind::Building],
        }
    }

    pub fn may_be_granted_on(self, kind: PlaceKind) -> bool {
        self.scope_kinds().contains(&kind)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown role `{0}` (expected one of admin, worker, building_head, partner, finance, resident)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

impl crate::Codes for Role {
    fn codes() -> Vec<&'static str> {
        Role::ALL.iter().map(|r| r.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_code_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
    }

    #[test]
    fn a_building_head_is_granted_on_buildings_only() {
        assert!(Role::BuildingHead.may_be_granted_on(PlaceKind::Building));
        assert!(!Role::BuildingHead.may_be_granted_on(PlaceKind::Community));
        assert!(Role::Worker.may_be_granted_on(PlaceKind::Grid));
        assert!(!Role::Finance.may_be_granted_on(PlaceKind::Unit));
        for r in Role::ALL {
            assert!(!r.scope_kinds().is_empty());
        }
    }

    #[test]
    fn an_unknown_role_is_refused_with_the_list_of_valid_ones() {
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("building_head"));
    }
}
