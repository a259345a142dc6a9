//! Holiday visit plans (节日走访慰问) and the neighbours who help on the neighbour cards, both of
//! the assistance module. The list rules live in [`linli_core::visits`]; this module reads the
//! facts they look at and keeps the plans.

use crate::db::{Conn, now_text};
use crate::params;
use crate::{Result, Tenant, from_row};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::clock::Stamp;
use linli_core::visits::{self, Occasion, Person, PlanStatus, Progress, TargetStatus, VisitRule};
use serde::Serialize;

pub struct PlanInput {
    pub name: String,
    pub occasion: String,
    pub visit_on: NaiveDate,
    pub rules: Vec<VisitRule>,
    pub min_age: i32,
    pub gift: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub name: String,
    pub occasion: Occasion,
    pub visit_on: NaiveDate,
    pub rules: Vec<String>,
    pub min_age: i64,
    pub gift: String,
    pub status: PlanStatus,
    pub created_at: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Target {
    pub id: i64,
    pub plan_id: i64,
    pub household_id: Option<i64>,
    pub resident_id: i64,
    pub name: String,
    pub building_id: Option<i64>,
    pub building: String,
    pub unit: String,
    pub room: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub reasons: Vec<String>,
    pub added_by_hand: bool,
    pub team: String,
    pub status: TargetStatus,
    pub visited_on: Option<NaiveDate>,
    pub items: serde_json::Value,
    pub amount_fen: Option<i64>,
    pub participants: String,
    pub note: String,
    pub removed_reason: String,
    /// Household members, for the route sheet ("3人").
    pub members: i64,
}

const PLAN_COLUMNS: &str =
    "id, community_id, name, occasion, visit_on, rules, min_age, gift, status, created_at";

fn plan_from(r: &crate::Row) -> Result<Plan> {
    Ok(from_row!(r => Plan {
        id, community_id, name, occasion, visit_on;
        rules: split(&r.text(5)?),
        min_age: r.int(6)?,
        gift: r.text(7)?,
        status: r.get(8)?,
        created_at: r.stamp(9)?,
    }))
}

fn split(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// The facts the list rules read, for every active resident some rule could apply to on `on`:
/// a visiting tag in force that day, or an open or monitored case on them or their household.
pub fn people(c: &mut dyn Conn, t: Tenant, on: NaiveDate) -> Result<Vec<Person>> {
    let community_id = t.id();
    let tags: Vec<&str> = VisitRule::ALL.iter().filter_map(|r| r.tag()).collect();
    let marks = vec!["?"; tags.len()].join(", ");
    let tag_filter = format!(
        "FROM resident_tags t JOIN tag_kinds k ON k.id = t.tag_id
         WHERE t.community_id = ? AND k.name IN ({marks})
           AND (t.valid_from IS NULL OR t.valid_from <= ?) AND (t.valid_to IS NULL OR t.valid_to >= ?)"
    );
    let mut args: Vec<crate::Value> = vec![community_id.into()];
    args.extend(tags.iter().map(|t| crate::Value::from(*t)));
    args.push(on.into());
    args.push(on.into());
    let tagged = c.query(&format!("SELECT t.resident_id, k.name {tag_filter}"), &args)?;
    let mut tag_map: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for r in &tagged {
        tag_map.entry(r.int(0)?).or_default().push(r.text(1)?);
    }
    let cases = c.query(
        "SELECT resident_id, household_id FROM cases WHERE community_id = ? AND status IN ('open', 'monitoring')",
        params![community_id],
    )?;
    let mut case_people = std::collections::HashSet::new();
    let mut case_households = std::collections::HashSet::new();
    for r in &cases {
        if let Some(id) = r.opt_int(0)? {
            case_people.insert(id);
        }
        if let Some(h) = r.opt_int(1)? {
            case_households.insert(h);
        }
    }
    let mut sql_args: Vec<crate::Value> = vec![community_id.into()];
    sql_args.extend(args.iter().cloned());
    sql_args.push(community_id.into());
    sql_args.push(community_id.into());
    let rows = c.query(
        &format!(
            "SELECT r.id, r.household_id, r.birth_date, COALESCE(b.name, ''), COALESCE(u.name, ''), COALESCE(h.number, '')
             FROM residents r
             LEFT JOIN places b ON b.id = r.building_id
             LEFT JOIN places u ON u.id = r.unit_id
             LEFT JOIN households h ON h.id = r.household_id
             WHERE r.community_id = ? AND r.status = 'active' AND (
                 r.id IN (SELECT t.resident_id {tag_filter})
                 OR r.id IN (SELECT resident_id FROM cases WHERE community_id = ? AND status IN ('open', 'monitoring') AND resident_id IS NOT NULL)
                 OR r.household_id IN (SELECT household_id FROM cases WHERE community_id = ? AND status IN ('open', 'monitoring') AND household_id IS NOT NULL))
             ORDER BY r.id"
        ),
        &sql_args,
    )?;
    rows.iter()
        .map(|r| {
            let id = r.int(0)?;
            let household_id = r.opt_int(1)?;
            Ok(Person {
                resident_id: id,
                household_id,
                birth_date: r
                    .opt_text(2)?
                    .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
                tags: tag_map.remove(&id).unwrap_or_default(),
                open_case: case_people.contains(&id)
                    || household_id.is_some_and(|h| case_households.contains(&h)),
                sort_key: (r.text(3)?, r.text(4)?, r.text(5)?),
            })
        })
        .collect()
}

/// Creates a plan and its list, built by the rules from today's records. Returns the plan id
/// and the number of households on the list.
pub fn create_plan(
    c: &mut dyn Conn,
    t: Tenant,
    p: &PlanInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, usize)> {
    let community_id = t.id();
    let on = p.visit_on.format("%Y-%m-%d").to_string();
    let at = now_text(now);
    let codes: Vec<&str> = p.rules.iter().map(|r| r.as_str()).collect();
    let id = c.insert(
        "INSERT INTO visit_plans (community_id, name, occasion, visit_on, rules, min_age, gift, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            community_id,
            p.name.trim(),
            p.occasion.clone(),
            on.clone(),
            codes.join(","),
            i64::from(p.min_age),
            p.gift.trim(),
            user,
            at.clone()
        ],
    )?;
    // Tags in force when the list is built (for a plan dated ahead, today's 低保 list; for a
    // plan entered afterwards, the day's); ages on the visit date (80 by the festival counts).
    let facts_on = p.visit_on.min(linli_core::clock::shanghai(now).date());
    let people = people(c, t, facts_on)?;
    let list = visits::build_list(&people, &p.rules, p.visit_on, p.min_age);
    for t in &list {
        let reasons: Vec<&str> = t.reasons.iter().map(|r| r.as_str()).collect();
        insert_target(c, community_id, id, t.resident_id, &reasons.join(","), false, &at)?;
    }
    Ok((id, list.len()))
}

fn insert_target(
    c: &mut dyn Conn,
    community_id: i64,
    plan_id: i64,
    resident_id: i64,
    reasons: &str,
    by_hand: bool,
    at: &str,
) -> Result<i64> {
    c.insert(
        "INSERT INTO visit_targets (community_id, plan_id, household_id, resident_id, place_path, building_id, reasons, added_by_hand, updated_at)
         SELECT r.community_id, ?, r.household_id, r.id, r.place_path, r.building_id, ?, ?, ?
         FROM residents r WHERE r.id = ? AND r.community_id = ? RETURNING id",
        params![plan_id, reasons, by_hand, at, resident_id, community_id],
    )
}

pub fn get_plan(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Plan> {
    plan_from(&c.query_one(
        &format!("SELECT {PLAN_COLUMNS} FROM visit_plans WHERE id = ? AND community_id = ?"),
        params![id, t],
    )?)
}

/// A community's plans, newest first, each with its progress inside `scopes` (all when empty).
pub fn list_plans(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
) -> Result<Vec<(Plan, Progress)>> {
    let community_id = t.id();
    plans_where(c, community_id, scopes, false)
}

/// Plans (all, or only the open ones) with their progress inside `scopes`: two queries, however
/// many plans.
fn plans_where(
    c: &mut dyn Conn,
    community_id: i64,
    scopes: &[PlacePath],
    only_open: bool,
) -> Result<Vec<(Plan, Progress)>> {
    let open = if only_open { " AND status = 'open'" } else { "" };
    let plans: Vec<Plan> = c
        .query(
            &format!(
                "SELECT {PLAN_COLUMNS} FROM visit_plans WHERE community_id = ?{open} ORDER BY visit_on DESC, id DESC"
            ),
            params![community_id],
        )?
        .iter()
        .map(plan_from)
        .collect::<Result<_>>()?;
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec![crate::Value::from(community_id)];
    // The community's own administrator counts every target: no paths to compare.
    let whole = crate::places::covers_community(c, Tenant::new(community_id), scopes)?;
    let filter = scope_filter(if whole { &[] } else { scopes }, &mut args);
    let rows = c.query(
        &format!(
            "SELECT v.plan_id, v.status, COUNT(*) FROM visit_targets v JOIN visit_plans p ON p.id = v.plan_id
             WHERE p.community_id = ?{open_p}{filter} GROUP BY v.plan_id, v.status",
            open_p = if only_open { " AND p.status = 'open'" } else { "" }
        ),
        &args,
    )?;
    let mut statuses: std::collections::HashMap<i64, Vec<TargetStatus>> = Default::default();
    for r in &rows {
        if let Some(s) = TargetStatus::parse(&r.text(1)?) {
            let n = usize::try_from(r.int(2)?).unwrap_or(0);
            statuses.entry(r.int(0)?).or_default().extend(std::iter::repeat_n(s, n));
        }
    }
    Ok(plans
        .into_iter()
        .map(|p| {
            let progress = Progress::of(statuses.remove(&p.id).unwrap_or_default());
            (p, progress)
        })
        .collect())
}

fn scope_filter(scopes: &[PlacePath], args: &mut Vec<crate::Value>) -> String {
    if scopes.is_empty() {
        return String::new();
    }
    format!(" AND ({})", crate::places::within_clause("v.place_path", scopes, args))
}

const TARGET_COLUMNS: &str = "v.id, v.plan_id, v.household_id, v.resident_id, r.name, v.building_id,
    COALESCE(b.name, ''), COALESCE(u.name, ''), COALESCE(h.number, ''), v.place_path, v.reasons, v.added_by_hand,
    v.team, v.status, v.visited_on, v.items, v.amount_fen, v.participants, v.note, v.removed_reason,
    (SELECT COUNT(*) FROM residents m WHERE m.household_id = v.household_id AND m.status = 'active')";
const TARGET_JOINS: &str = "FROM visit_targets v
    JOIN residents r ON r.id = v.resident_id
    LEFT JOIN places b ON b.id = v.building_id
    LEFT JOIN places u ON u.id = r.unit_id
    LEFT JOIN households h ON h.id = v.household_id";

fn target_from(r: &crate::Row) -> Result<Target> {
    Ok(from_row!(r => Target {
        id, plan_id, household_id, resident_id, name, building_id, building, unit, room, place_path;
        reasons: split(&r.text(10)?),
        added_by_hand: r.bool(11)?,
        team: r.text(12)?,
        status: r.get(13)?,
        visited_on: r.opt_date(14)?,
        items: serde_json::from_str(&r.text(15)?).unwrap_or(serde_json::Value::Array(Vec::new())),
        amount_fen: r.opt_int(16)?,
        participants: r.text(17)?,
        note: r.text(18)?,
        removed_reason: r.text(19)?,
        members: r.int(20)?,
    }))
}

/// The plan's list inside `scopes` (all when empty), optionally one building's, in walking order.
pub fn targets(
    c: &mut dyn Conn,
    t: Tenant,
    plan_id: i64,
    scopes: &[PlacePath],
    building_id: Option<i64>,
) -> Result<Vec<Target>> {
    let mut args = vec![crate::Value::from(plan_id), t.into()];
    let mut filter = scope_filter(scopes, &mut args);
    if let Some(b) = building_id {
        filter.push_str(" AND v.building_id = ?");
        args.push(b.into());
    }
    let mut list: Vec<Target> = c
        .query(
            &format!(
                "SELECT {TARGET_COLUMNS} {TARGET_JOINS} WHERE v.plan_id = ? AND v.community_id = ?{filter}"
            ),
            &args,
        )?
        .iter()
        .map(target_from)
        .collect::<Result<_>>()?;
    list.sort_by(|a, b| {
        visits::walk_order(
            &(a.building.clone(), a.unit.clone(), a.room.clone()),
            &(b.building.clone(), b.unit.clone(), b.room.clone()),
        )
        .then(a.id.cmp(&b.id))
    });
    Ok(list)
}

/// A household on the list of one plan (not found on any other plan's).
pub fn get_target(c: &mut dyn Conn, t: Tenant, plan_id: i64, id: i64) -> Result<Target> {
    target_from(&c.query_one(
        &format!(
            "SELECT {TARGET_COLUMNS} {TARGET_JOINS} WHERE v.id = ? AND v.plan_id = ? AND v.community_id = ?"
        ),
        params![id, plan_id, t],
    )?)
}

/// Puts a household on the list by hand. `Ok(None)` when it is on it already.
pub fn add_target(
    c: &mut dyn Conn,
    t: Tenant,
    plan_id: i64,
    resident_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let community_id = t.id();
    let on_list = c.count(
        "SELECT COUNT(*) FROM visit_targets v JOIN residents r ON r.id = ?
         WHERE v.plan_id = ? AND v.community_id = ? AND (v.resident_id = r.id OR v.household_id = r.household_id)",
        params![resident_id, plan_id, community_id],
    )?;
    if on_list > 0 {
        return Ok(None);
    }
    insert_target(c, community_id, plan_id, resident_id, "", true, &now_text(now)).map(Some)
}

/// Takes a household off the list, keeping the row and the reason.
pub fn remove_target(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE visit_targets SET status = 'removed', removed_reason = ?, updated_at = ? WHERE id = ? AND community_id = ?",
        params![reason.trim(), now_text(now), id, t],
    )?;
    Ok(())
}

/// Gives households of a plan to a team (an empty name clears it).
pub fn assign_team(
    c: &mut dyn Conn,
    t: Tenant,
    plan_id: i64,
    ids: &[i64],
    team: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut n = 0;
    // A few hundred ids a statement.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<crate::Value> =
            vec![team.trim().into(), now_text(now).into(), plan_id.into(), t.into()];
        args.extend(chunk.iter().map(|id| crate::Value::from(*id)));
        n += c.execute(
            &format!("UPDATE visit_targets SET team = ?, updated_at = ? WHERE plan_id = ? AND community_id = ? AND id IN ({marks})"),
            &args,
        )?;
    }
    Ok(n)
}

pub struct VisitInput {
    pub status: TargetStatus,
    pub on: NaiveDate,
    /// `[{"name", "quantity"}]`.
    pub items_json: String,
    pub amount_fen: Option<i64>,
    pub participants: String,
    pub note: String,
}

/// The help record a household's visit wrote on its case timeline, if any.
pub fn help_record_of(c: &mut dyn Conn, t: Tenant, target_id: i64) -> Result<Option<i64>> {
    Ok(c.query_opt(
        "SELECT help_record_id FROM visit_targets WHERE id = ? AND community_id = ?",
        params![target_id, t],
    )?
    .map(|r| r.opt_int(0))
    .transpose()?
    .flatten())
}

/// Records a visit (or a door nobody opened) on the plan's list, with the help record it wrote
/// on the household's case timeline (the assistance module writes that record).
pub fn record_visit(
    c: &mut dyn Conn,
    t: Tenant,
    target: &Target,
    v: &VisitInput,
    help_record: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    // Nothing is given at a door nobody opened.
    let (items, amount) = if v.status == TargetStatus::Visited {
        (v.items_json.clone(), v.amount_fen)
    } else {
        ("[]".to_string(), None)
    };
    c.execute(
        "UPDATE visit_targets SET status = ?, visited_on = ?, items = ?, amount_fen = ?, participants = ?, note = ?,
             help_record_id = ?, updated_at = ?
         WHERE id = ? AND community_id = ?",
        params![
            v.status.as_str(),
            v.on,
            items,
            amount,
            v.participants.trim(),
            v.note.trim(),
            help_record,
            now_text(now),
            target.id,
            t
        ],
    )?;
    Ok(())
}

/// Open plans and their progress inside `scopes`, for the home page.
pub fn open_plans(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
) -> Result<Vec<(Plan, Progress)>> {
    let community_id = t.id();
    Ok(plans_where(c, community_id, scopes, true)?
        .into_iter()
        .filter(|(_, pr)| pr.pending + pr.not_home > 0)
        .collect())
}

pub fn close_plan(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<()> {
    c.execute(
        "UPDATE visit_plans SET status = 'closed' WHERE id = ? AND community_id = ?",
        params![id, t],
    )?;
    Ok(())
}

// ---- neighbour helpers ----

/// What a neighbour offers to help with (接送、代买、看护 …); empty text stops offering.
pub fn set_helper(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
    helps_with: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let community_id = t.id();
    c.execute("DELETE FROM neighbour_helpers WHERE resident_id = ?", params![resident_id])?;
    if !helps_with.trim().is_empty() {
        c.execute(
            "INSERT INTO neighbour_helpers (resident_id, community_id, helps_with, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
            params![resident_id, community_id, helps_with.trim(), user, now_text(now)],
        )?;
    }
    Ok(())
}

/// The helpers of one building: resident id → what they help with.
pub fn helpers_of_building(
    c: &mut dyn Conn,
    building_id: i64,
) -> Result<std::collections::HashMap<i64, String>> {
    c.query_map(
        "SELECT n.resident_id, n.helps_with FROM neighbour_helpers n JOIN residents r ON r.id = n.resident_id
         WHERE r.building_id = ? AND r.status = 'active'",
        params![building_id],
        |r| Ok((r.int(0)?, r.text(1)?)),
    )
    .map(|pairs| pairs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, DbConfig, StoreError, migrate, places};
    use linli_core::PlaceKind;

    /// Every read and write of a plan's households filters by the community in SQL: with
    /// another community's tenant, a real plan id and target id find and change nothing.
    #[test]
    fn a_household_on_another_communitys_list_is_neither_found_nor_changed() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DbConfig::new(dir.path().join("v.db").to_string_lossy())).unwrap();
        migrate::migrate(&db).unwrap();
        let now = Utc::now();
        let (ours, plan, target) = db
            .write_blocking(|c| {
                let ours = places::create(c, PlaceKind::Community, "书香社区", None, now)?;
                let theirs = places::create(c, PlaceKind::Community, "东风社区", None, now)?;
                let resident = c.insert(
                    "INSERT INTO residents (community_id, place_path, name, name_initials, name_pinyin, created_at, updated_at)
                     VALUES (?, ?, '夏胜林', '', '', '2026-01-01', '2026-01-01') RETURNING id",
                    params![theirs.id, theirs.path.as_str()],
                )?;
                let plan = c.insert(
                    "INSERT INTO visit_plans (community_id, name, occasion, visit_on, rules, created_at)
                     VALUES (?, '春节走访', 'spring_festival', '2027-02-01', 'dibao', '2026-12-01') RETURNING id",
                    params![theirs.id],
                )?;
                let target = c.insert(
                    "INSERT INTO visit_targets (community_id, plan_id, resident_id, place_path, updated_at)
                     VALUES (?, ?, ?, ?, '2026-12-01') RETURNING id",
                    params![theirs.id, plan, resident, theirs.path.as_str()],
                )?;
                Ok::<_, StoreError>((Tenant::new(ours.id), plan, target))
            })
            .unwrap();
        db.write_blocking(|c| {
            assert!(get_target(c, ours, plan, target).is_err(), "not found through ours");
            assert!(targets(c, ours, plan, &[], None)?.is_empty());
            assert_eq!(help_record_of(c, ours, target)?, None);
            remove_target(c, ours, target, "搬走了", now)?;
            assert_eq!(assign_team(c, ours, plan, &[target], "第一组", now)?, 0);
            let row = c.query_one(
                "SELECT status, team, removed_reason FROM visit_targets WHERE id = ?",
                params![target],
            )?;
            assert_eq!(
                (row.text(0)?, row.text(1)?, row.text(2)?),
                ("pending".into(), "".into(), "".into())
            );
            Ok::<_, StoreError>(())
        })
        .unwrap();
    }
}
