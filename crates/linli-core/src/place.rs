//! The place tree: street → community → grid → building → unit (DESIGN.md §2).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Street,
    Community,
    Grid,
    Building,
    Unit,
}

impl PlaceKind {
    pub const ALL: [PlaceKind; 5] = [
        PlaceKind::Street,
        PlaceKind::Community,
        PlaceKind::Grid,
        PlaceKind::Building,
        PlaceKind::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Street => "street",
            PlaceKind::Community => "community",
            PlaceKind::Grid => "grid",
            PlaceKind::Building => "building",
            PlaceKind::Unit => "unit",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            PlaceKind::Street => "place.street",
            PlaceKind::Community => "place.community",
            PlaceKind::Grid => "place.grid",
            PlaceKind::Building => "place.building",
            PlaceKind::Unit => "place.unit",
        }
    }

    /// Which kinds a place of this kind may hang under. `None` in the list means "at the root".
    /// The grid level is optional: a building may hang directly under its community.
    pub fn allowed_parents(self) -> &'static [Option<PlaceKind>] {
        match self {
            PlaceKind::Street => &[None],
            PlaceKind::Community => &[Some(PlaceKind::Street), None],
            PlaceKind::Grid => &[Some(PlaceKind::Community)],
            PlaceKind::Building => &[Some(PlaceKind::Community), Some(PlaceKind::Grid)],
            PlaceKind::Unit => &[Some(PlaceKind::Building)],
        }
    }

    pub fn may_hang_under(self, parent: Option<PlaceKind>) -> bool {
        self.allowed_parents().contains(&parent)
    }

    /// Places at or below the community level belong to exactly one community.
    pub fn is_inside_community(self) -> bool {
        matches!(self, PlaceKind::Grid | PlaceKind::Building | PlaceKind::Unit)
    }
}

impl fmt::Display for PlaceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown place kind `{0}` (expected street, community, grid, building or unit)")]
pub struct UnknownPlaceKind(pub String);

impl FromStr for PlaceKind {
    type Err = UnknownPlaceKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlaceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownPlaceKind(s.to_string()))
    }
}

/// Why a place cannot be created or moved where the user asked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlaceRuleError {
    #[error("a {kind} cannot be placed under {parent}")]
    WrongParent { kind: PlaceKind, parent: String },
    #[error("a place cannot be moved under itself or one of its own sub-places")]
    Cycle,
    #[error("a place cannot be moved to another community")]
    CrossCommunity,
    #[error("the name is empty or longer than 60 characters")]
    BadName,
    /// A control, bidi or zero-width character inside the name (`\u{202E}楼8`).
    #[error("{0}")]
    HiddenChar(crate::text::HiddenChar),
}

impl PlaceRuleError {
    /// Stable error code, also the message-catalogue key.
    pub fn code(&self) -> &'static str {
        match self {
            PlaceRuleError::WrongParent { .. } => "place_wrong_parent",
            PlaceRuleError::Cycle => "place_cycle",
            PlaceRuleError::CrossCommunity => "place_cross_community",
            PlaceRuleError::BadName => "place_bad_name",
            PlaceRuleError::HiddenChar(_) => "place_hidden_char",
        }
    }
}

/// A place name as people write it on the door: trimmed (invisible characters at the ends
/// too), 1-60 characters, and nothing hidden inside ([`crate::text::clean_name`]): a bidi
/// override would make `\u{202E}楼8` a building that reads 8楼 beside the real one.
pub fn parse_place_name(raw: &str) -> Result<String, PlaceRuleError> {
    let name = crate::text::clean_name(raw).map_err(PlaceRuleError::HiddenChar)?;
    let chars = name.chars().count();
    if chars == 0 || chars > 60 {
        return Err(PlaceRuleError::BadName);
    }
    Ok(name.to_string())
}

/// The materialized path of a place: the ids from the root down to it, as `/1/5/12/`.
/// Scope checks are prefix tests on it, so they need no recursive query.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlacePath(String);

impl PlacePath {
    pub fn root_child(id: i64) -> Self {
        PlacePath(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> Self {
        PlacePath(format!("{}{id}/", self.0))
    }

    /// Accepts only the canonical form written by this module.
    pub fn parse(s: &str) -> Option<Self> {
        let inner = s.strip_prefix('/')?.strip_suffix('/')?;
        if inner.is_empty() || !inner.split('/').all(|p| p.parse::<i64>().is_ok()) {
            return None;
        }
        Some(PlacePath(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `other` or lies below it.
    pub fn is_within(&self, other: &PlacePath) -> bool {
        self.0.starts_with(&other.0)
    }

    pub fn ids(&self) -> Vec<i64> {
        self.0.split('/').filter_map(|p| p.parse::<i64>().ok()).collect()
    }

    pub fn depth(&self) -> usize {
        self.ids().len()
    }
}

/// Checks a move of `place` (of `kind`, at `path`) under `new_parent`.
pub fn check_move(
    kind: PlaceKind,
    path: &PlacePath,
    community_id: Option<i64>,
    new_parent: (PlaceKind, &PlacePath, Option<i64>),
) -> Result<(), PlaceRuleError> {
    let (parent_kind, parent_path, parent_community) = new_parent;
    if parent_path.is_within(path) {
        return Err(PlaceRuleError::Cycle);
    }
    if !kind.may_hang_under(Some(parent_kind)) {
        return Err(PlaceRuleError::WrongParent { kind, parent: parent_kind.to_string() });
    }
    if kind.is_inside_community() && community_id != parent_community {
        return Err(PlaceRuleError::CrossCommunity);
    }
    Ok(())
}

impl crate::Codes for PlaceKind {
    fn codes() -> Vec<&'static str> {
        PlaceKind::ALL.iter().map(|k| k.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_building_may_hang_under_a_grid_or_directly_under_its_community() {
        assert!(PlaceKind::Building.may_hang_under(Some(PlaceKind::Grid)));
        assert!(PlaceKind::Building.may_hang_under(Some(PlaceKind::Community)));
        assert!(!PlaceKind::Building.may_hang_under(Some(PlaceKind::Street)));
        assert!(!PlaceKind::Building.may_hang_under(None));
    }

    #[test]
    fn a_unit_hangs_only_under_a_building() {
        for k in PlaceKind::ALL {
            assert_eq!(PlaceKind::Unit.may_hang_under(Some(k)), k == PlaceKind::Building);
        }
    }

    #[test]
    fn only_streets_and_communities_may_be_roots() {
        assert!(PlaceKind::Street.may_hang_under(None));
        assert!(PlaceKind::Community.may_hang_under(None));
        assert!(!PlaceKind::Grid.may_hang_under(None));
    }

    #[test]
    fn path_prefixes_decide_containment_without_confusing_10_with_1() {
        let street = PlacePath::root_child(1);
        let community = street.child(10);
        let other = PlacePath::root_child(10);
        assert!(community.is_within(&street));
        assert!(community.is_within(&community));
        assert!(!street.is_within(&community));
        assert!(!other.is_within(&street), "/10/ is not inside /1/");
        assert_eq!(community.ids(), vec![1, 10]);
        assert_eq!(PlacePath::parse("/1/10/"), Some(community));
        assert_eq!(PlacePath::parse("/1/x/"), None);
        assert_eq!(PlacePath::parse("1/"), None);
    }

    #[test]
    fn a_place_cannot_move_under_its_own_descendant() {
        let b = PlacePath::root_child(1).child(2).child(3);
        let unit = b.child(4);
        let err = check_move(PlaceKind::Building, &b, Some(2), (PlaceKind::Unit, &unit, Some(2)))
            .unwrap_err();
        assert_eq!(err, PlaceRuleError::Cycle);
    }

    #[test]
    fn a_building_cannot_move_to_another_community() {
        let b = PlacePath::root_child(1).child(2).child(3);
        let other_grid = PlacePath::root_child(1).child(7).child(8);
        let err =
            check_move(PlaceKind::Building, &b, Some(2), (PlaceKind::Grid, &other_grid, Some(7)))
                .unwrap_err();
        assert_eq!(err, PlaceRuleError::CrossCommunity);
    }

    #[test]
    fn a_building_moves_between_grids_of_its_community() {
        let b = PlacePath::root_child(1).child(2).child(3).child(4);
        let grid = PlacePath::root_child(1).child(2).child(5);
        assert_eq!(
            check_move(PlaceKind::Building, &b, Some(2), (PlaceKind::Grid, &grid, Some(2))),
            Ok(())
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_place_name("  3号楼 ").unwrap(), "3号楼");
        assert_eq!(parse_place_name("   "), Err(PlaceRuleError::BadName));
        assert_eq!(parse_place_name("\u{200B}3号楼\u{FEFF}").unwrap(), "3号楼");
        for (raw, c) in [
            ("\u{202E}楼8", '\u{202E}'),
            ("3\u{200B}号楼", '\u{200B}'),
            ("3号\u{1B}[31m楼", '\u{1B}'),
            ("1\u{2067}单元", '\u{2067}'),
        ] {
            let err = parse_place_name(raw).unwrap_err();
            assert_eq!(err, PlaceRuleError::HiddenChar(crate::text::HiddenChar(c)));
            assert_eq!(err.code(), "place_hidden_char");
        }
        assert_eq!(parse_place_name(&"楼".repeat(61)), Err(PlaceRuleError::BadName));
    }
}
