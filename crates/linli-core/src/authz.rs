//! One function decides every request: [`authorize`].
//!
//! A caller holds grants (a role on a place node, DESIGN.md §1). An action is allowed when a
//! grant whose role permits it covers the target place. A target no grant covers answers
//! "not found", so scope leaks nothing about what exists; a visible target whose action the
//! role does not permit answers "forbidden".

use crate::place::PlacePath;
use crate::role::Role;
use serde::Serialize;

/// Everything a route can ask permission for. Each route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The staff home page and one's own account.
    ViewHome,
    ChangeOwnPassword,
    ViewPlaces,
    ManagePlaces,
    ViewUsers,
    ManageUsers,
    ViewAudit,
    /// The roster, masked.
    ViewResidents,
    ManageResidents,
    /// Full ID numbers and phones of one resident (audited).
    RevealResidents,
    ImportResidents,
    /// A roster export with ID numbers and phones masked.
    ExportResidents,
    /// A roster export with full ID numbers and phones (audited).
    ExportResidentsUnmasked,
    /// Erase a resident's personal fields, keeping the anonymous row (PIPL §47).
    AnonymizeResidents,
    /// The love fund's accounts (staff view, with names).
    ViewFund,
    /// Record a gift received.
    RecordDonation,
    RequestDisbursement,
    /// The second pair of eyes: finance or admin, never the requester.
    ApproveDisbursement,
    PayDisbursement,
    /// The meeting decision, reversals.
    ManageFund,
    /// Indicators, the dashboard and the annual summary.
    ViewReports,
    /// Hardship case files (a building head: their buildings' cases, sensitive fields hidden).
    ViewCases,
    /// Open cases, record help, run applications.
    ManageCases,
    /// Record a holiday visit to a household of a plan (a building head: her buildings'
    /// households, the reasons they are on the list hidden).
    RecordVisits,
    /// Venues, courses, enrolments and attendance (学习).
    ViewLearning,
    ManageLearning,
    /// The employment station: job seekers, openings, placements, follow-ups.
    ViewEmployment,
    ManageEmployment,
    /// Partner units, agreements, the joint committee, the three lists (a liaison: own unit only).
    ViewPartners,
    ManagePartners,
    /// A partner liaison records its unit's activities and claims needs (staff may too).
    ActForPartner,
    /// Residents' issue reports (民生诉求): read, triage and assign, post progress.
    ViewAffairs,
    ManageAffairs,
    WorkAffairs,
    /// Volunteers, their activities and service records, groups, 双报到 (a liaison: its own
    /// unit's people, read only).
    ViewVolunteers,
    ManageVolunteers,
    /// Civilized corridors: read them; inspect them and keep their boards (a building head:
    /// her buildings' corridors only).
    ViewCorridors,
    InspectCorridors,
    /// The community's corridor rules: checklist, star thresholds, high-standard, boards.
    ConfigureCorridors,
    /// Publicity: articles, the 宣传画廊 boards, the community paper (reading is public).
    ManagePublicity,
    /// The working-day calendar: see which years are known, load a year's holiday schedule.
    ManageCalendar,
}

impl Action {
    pub const ALL: [Action; 41] = [
        Action::ViewHome,
        Action::ChangeOwnPassword,
        Action::ViewPlaces,
        Action::ManagePlaces,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ViewResidents,
        Action::ManageResidents,
        Action::RevealResidents,
        Action::ImportResidents,
        Action::ExportResidents,
        Action::ExportResidentsUnmasked,
        Action::AnonymizeResidents,
        Action::ViewFund,
        Action::RecordDonation,
        Action::RequestDisbursement,
        Action::ApproveDisbursement,
        Action::PayDisbursement,
        Action::ManageFund,
        Action::ViewReports,
        Action::ViewCases,
        Action::ManageCases,
        Action::RecordVisits,
        Action::ViewLearning,
        Action::ManageLearning,
        Action::ViewEmployment,
        Action::ManageEmployment,
        Action::ViewPartners,
        Action::ManagePartners,
        Action::ActForPartner,
        Action::ViewAffairs,
        Action::ManageAffairs,
        Action::WorkAffairs,
        Action::ViewVolunteers,
        Action::ManageVolunteers,
        Action::ViewCorridors,
        Action::InspectCorridors,
        Action::ConfigureCorridors,
        Action::ManagePublicity,
        Action::ManageCalendar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewHome => "view_home",
            Action::ChangeOwnPassword => "change_own_password",
            Action::ViewPlaces => "view_places",
            Action::ManagePlaces => "manage_places",
            Action::ViewUsers => "view_users",
            Action::ManageUsers => "manage_users",
            Action::ViewAudit => "view_audit",
            Action::ViewResidents => "view_residents",
            Action::ManageResidents => "manage_residents",
            Action::RevealResidents => "reveal_residents",
            Action::ImportResidents => "import_residents",
            Action::ExportResidents => "export_residents",
            Action::ExportResidentsUnmasked => "export_residents_unmasked",
            Action::AnonymizeResidents => "anonymize_residents",
            Action::ViewFund => "view_fund",
            Action::RecordDonation => "record_donation",
            Action::RequestDisbursement => "request_disbursement",
            Action::ApproveDisbursement => "approve_disbursement",
            Action::PayDisbursement => "pay_disbursement",
            Action::ManageFund => "manage_fund",
            Action::ViewReports => "view_reports",
            Action::ViewCases => "view_cases",
            Action::ManageCases => "manage_cases",
            Action::RecordVisits => "record_visits",
            Action::ViewLearning => "view_learning",
            Action::ManageLearning => "manage_learning",
            Action::ViewEmployment => "view_employment",
            Action::ManageEmployment => "manage_employment",
            Action::ViewPartners => "view_partners",
            Action::ManagePartners => "manage_partners",
            Action::ActForPartner => "act_for_partner",
            Action::ViewAffairs => "view_affairs",
            Action::ManageAffairs => "manage_affairs",
            Action::WorkAffairs => "work_affairs",
            Action::ViewVolunteers => "view_volunteers",
            Action::ManageVolunteers => "manage_volunteers",
            Action::ViewCorridors => "view_corridors",
            Action::InspectCorridors => "inspect_corridors",
            Action::ConfigureCorridors => "configure_corridors",
            Action::ManagePublicity => "manage_publicity",
            Action::ManageCalendar => "manage_calendar",
        }
    }
}

/// The policy table: which roles may perform which action (inside their scope).
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewHome | ChangeOwnPassword => true,
        ViewPlaces => matches!(role, Admin | Worker | BuildingHead | Finance),
        ManagePlaces
        | ViewUsers
        | ManageUsers
        | ViewAudit
        | ExportResidentsUnmasked
        | AnonymizeResidents
        | ManageCalendar => role == Admin,
        // Building heads know their neighbours; the fund keeper picks beneficiaries.
        ViewResidents => matches!(role, Admin | Worker | BuildingHead | Finance),
        ManageResidents | RevealResidents | ImportResidents | ExportResidents => {
            matches!(role, Admin | Worker)
        }
        ViewFund | RecordDonation => matches!(role, Admin | Worker | Finance),
        RequestDisbursement => matches!(role, Admin | Worker | Finance),
        ApproveDisbursement | PayDisbursement | ManageFund => matches!(role, Admin | Finance),
        ViewReports => matches!(role, Admin | Worker | Finance),
        ViewCases => matches!(role, Admin | Worker | BuildingHead),
        ManageCases => matches!(role, Admin | Worker),
        // The building head knocks on the doors of her buildings with the team.
        RecordVisits => matches!(role, Admin | Worker | BuildingHead),
        ViewLearning | ViewEmployment => matches!(role, Admin | Worker | Finance),
        ManageLearning | ManageEmployment => matches!(role, Admin | Worker),
        // A liaison sees its own unit (the handler narrows to grant.partner_id).
        ViewPartners => matches!(role, Admin | Worker | Finance | Partner),
        ManagePartners => matches!(role, Admin | Worker),
        ActForPartner => matches!(role, Admin | Worker | Partner),
        // A building head sees and reports issues in their buildings; a liaison those assigned to its unit.
        ViewAffairs => matches!(role, Admin | Worker | BuildingHead | Partner),
        ManageAffairs => matches!(role, Admin | Worker),
        WorkAffairs => matches!(role, Admin | Worker | Partner),
        // A liaison sees its own unit's volunteers and party members (the operation narrows).
        ViewVolunteers => matches!(role, Admin | Worker | Partner),
        ManageVolunteers => matches!(role, Admin | Worker),
        ViewCorridors | InspectCorridors => matches!(role, Admin | Worker | BuildingHead),
        ConfigureCorridors => matches!(role, Admin | Worker),
        ManagePublicity => matches!(role, Admin | Worker),
    }
}

/// A role granted on a place node (and, for partner liaisons, on a partner unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope: PlacePath,
    pub partner_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: the caller sees the object but may not do this to it.
    Forbidden,
    /// 404: the object lies outside everything the caller may see.
    NotFound,
}

/// Decides one request. `target` is the place the object hangs on, when there is one; actions
/// without a target (the home page, the user list of one's own scope) pass `None`.
///
/// A resident's grant (her unit or building) covers nothing but what the role may do: her
/// neighbours' records answer "not found" to her, as another community's would, so that an
/// account held by a resident learns nothing about who else lives in her stairwell.
pub fn authorize(grants: &[Grant], action: Action, target: Option<&PlacePath>) -> Decision {
    let covers = |g: &&Grant| {
        target.is_none_or(|t| t.is_within(&g.scope))
            && (g.role != Role::Resident || role_permits(g.role, action))
    };
    if !grants.iter().any(|g| covers(&g)) {
        return Decision::NotFound;
    }
    if grants.iter().filter(covers).any(|g| role_permits(g.role, action)) {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// The scopes in which the caller may perform `action`: list queries filter by these paths.
pub fn scopes_for(grants: &[Grant], action: Action) -> Vec<PlacePath> {
    grants.iter().filter(|g| role_permits(g.role, action)).map(|g| g.scope.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(ids: &[i64]) -> PlacePath {
        let mut it = ids.iter();
        let mut p = PlacePath::root_child(*it.next().unwrap());
        for id in it {
            p = p.child(*id);
        }
        p
    }

    fn grant(role: Role, ids: &[i64]) -> Grant {
        Grant { role, scope: path(ids), partner_id: None }
    }

    #[test]
    fn an_admin_manages_places_anywhere_in_their_community() {
        let g = [grant(Role::Admin, &[1, 2])];
        assert_eq!(
            authorize(&g, Action::ManagePlaces, Some(&path(&[1, 2, 3, 4]))),
            Decision::Allow
        );
    }

    #[test]
    fn a_resident_finds_nothing_of_her_neighbours() {
        let g = [grant(Role::Resident, &[1, 2, 3, 10, 20])];
        let neighbour = path(&[1, 2, 3, 10, 20]);
        assert_eq!(authorize(&g, Action::ViewResidents, Some(&neighbour)), Decision::NotFound);
        assert_eq!(authorize(&g, Action::ViewAffairs, Some(&neighbour)), Decision::NotFound);
        assert_eq!(authorize(&g, Action::ViewHome, None), Decision::Allow);
        // A worker who also lives there keeps her worker's view of it.
        let both = [g[0].clone(), grant(Role::Worker, &[1, 2, 3])];
        assert_eq!(authorize(&both, Action::ViewResidents, Some(&neighbour)), Decision::Allow);
    }

    #[test]
    fn a_building_head_on_two_buildings_sees_both_and_nothing_else() {
        let g =
            [grant(Role::BuildingHead, &[1, 2, 3, 10]), grant(Role::BuildingHead, &[1, 2, 3, 11])];
        assert_eq!(
            authorize(&g, Action::ViewPlaces, Some(&path(&[1, 2, 3, 10, 100]))),
            Decision::Allow
        );
        assert_eq!(authorize(&g, Action::ViewPlaces, Some(&path(&[1, 2, 3, 11]))), Decision::Allow);
        assert_eq!(
            authorize(&g, Action::ViewPlaces, Some(&path(&[1, 2, 3, 12]))),
            Decision::NotFound
        );
    }

    #[test]
    fn a_building_head_may_not_manage_places_even_in_their_own_building() {
        let g = [grant(Role::BuildingHead, &[1, 2, 3, 10])];
        assert_eq!(
            authorize(&g, Action::ManagePlaces, Some(&path(&[1, 2, 3, 10]))),
            Decision::Forbidden
        );
    }

    #[test]
    fn objects_of_another_community_are_not_found_even_for_an_admin() {
        let g = [grant(Role::Admin, &[1, 2])];
        assert_eq!(authorize(&g, Action::ViewPlaces, Some(&path(&[1, 7, 8]))), Decision::NotFound);
    }

    #[test]
    fn a_caller_without_grants_finds_nothing() {
        assert_eq!(authorize(&[], Action::ViewHome, None), Decision::NotFound);
    }

    #[test]
    fn only_admins_manage_users_and_read_the_audit_log() {
        for role in Role::ALL {
            let g = [grant(role, &[1, 2])];
            let expected = match role {
                Role::Admin => Decision::Allow,
                // A resident is told nothing is there (see `authorize`).
                Role::Resident => Decision::NotFound,
                _ => Decision::Forbidden,
            };
            assert_eq!(authorize(&g, Action::ManageUsers, None), expected, "{role}");
            assert_eq!(authorize(&g, Action::ViewAudit, None), expected, "{role}");
        }
    }

    #[test]
    fn everyone_signed_in_has_a_home_page_and_may_change_their_password() {
        for role in Role::ALL {
            let g = [grant(role, &[1, 2])];
            assert_eq!(authorize(&g, Action::ViewHome, None), Decision::Allow);
            assert_eq!(authorize(&g, Action::ChangeOwnPassword, None), Decision::Allow);
        }
    }

    #[test]
    fn building_heads_see_residents_masked_but_may_not_reveal_or_export() {
        let g = [grant(Role::BuildingHead, &[1, 2, 3, 10])];
        let t = path(&[1, 2, 3, 10, 100]);
        assert_eq!(authorize(&g, Action::ViewResidents, Some(&t)), Decision::Allow);
        assert_eq!(authorize(&g, Action::RevealResidents, Some(&t)), Decision::Forbidden);
        assert_eq!(authorize(&g, Action::ExportResidents, Some(&t)), Decision::Forbidden);
    }

    #[test]
    fn only_admins_export_unmasked_rosters() {
        for role in Role::ALL {
            let g = [grant(role, &[1, 2])];
            assert_eq!(
                authorize(&g, Action::ExportResidentsUnmasked, None) == Decision::Allow,
                role == Role::Admin
            );
        }
    }

    #[test]
    fn mixed_grants_use_the_grant_that_covers_the_target() {
        // A worker on grid 3 who is also building head of building 20 in grid 4.
        let g = [grant(Role::Worker, &[1, 2, 3]), grant(Role::BuildingHead, &[1, 2, 4, 20])];
        assert_eq!(
            authorize(&g, Action::ViewPlaces, Some(&path(&[1, 2, 4, 20, 200]))),
            Decision::Allow
        );
        assert_eq!(
            scopes_for(&g, Action::ViewPlaces),
            vec![path(&[1, 2, 3]), path(&[1, 2, 4, 20])]
        );
    }
}
