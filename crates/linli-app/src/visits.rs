//! Holiday visit plans (节日走访慰问) and the neighbour helpers of the cards: a plan's list built
//! from the rules, reviewed by hand, split among teams, each visit recorded — and written on the
//! household's case timeline by the assistance module.

use crate::assistance::place_at;
use crate::{Actor, App, Error, Result};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::roster::ResidentStatus;
use linli_core::visits::{Occasion, PlanStatus, Progress, TargetStatus, VisitRule, parse_items};
use linli_store::assistance::{self, HelpInput};
use linli_store::visits::{self as store, Plan, PlanInput, Target, VisitInput};
use linli_store::{Tenant, places, registry};
use serde_json::json;

/// A plan of the actor's community (404 for another community's).
pub async fn load_plan(app: &App, actor: &Actor, id: i64) -> Result<Plan> {
    let tenant = actor.tenant()?;
    app.read(move |c| store::get_plan(c, tenant, id)).await
}

/// Changes to a closed plan are refused: its list is the record of what was done.
fn require_open(plan: &Plan) -> Result<()> {
    if plan.status == PlanStatus::Open { Ok(()) } else { Err(Error::conflict("visit_plan_closed")) }
}

/// A household of a plan the actor may act on (404 outside their buildings).
pub async fn load_target(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    tid: i64,
    action: Action,
) -> Result<Target> {
    let (t, plan_id) = (Tenant::new(plan.community_id), plan.id);
    let target = app.read(move |c| store::get_target(c, t, plan_id, tid)).await?;
    actor.require(app, action, &place_at(plan.community_id, &target.place_path)).await?;
    Ok(target)
}

/// The plans of the actor's community, each with its progress inside the actor's buildings.
pub async fn list_plans(app: &App, actor: &Actor) -> Result<Vec<(Plan, Progress)>> {
    let tenant = actor.tenant()?;
    let scopes = actor.scopes(Action::ViewCases);
    app.read(move |c| store::list_plans(c, tenant, &scopes)).await
}

/// Open plans with households still to visit (the home page).
pub async fn open_plans(app: &App, actor: &Actor) -> Result<Vec<(Plan, Progress)>> {
    let Some(community) = actor.community_id() else {
        return Ok(Vec::new());
    };
    if !actor.allowed(Action::ViewCases, None) {
        return Ok(Vec::new());
    }
    let scopes = actor.scopes(Action::ViewCases);
    app.read(move |c| store::open_plans(c, Tenant::new(community), &scopes)).await
}

/// A plan's households inside the actor's buildings (one building's, for a route sheet).
pub async fn targets(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    building: Option<i64>,
) -> Result<Vec<Target>> {
    let scopes = actor.scopes(Action::ViewCases);
    let (t, id) = (Tenant::new(plan.community_id), plan.id);
    app.read(move |c| store::targets(c, t, id, &scopes, building)).await
}

/// A plan as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanDraft {
    pub name: String,
    pub occasion: String,
    pub visit_on: String,
    pub rules: Vec<String>,
    pub min_age: String,
    pub gift: String,
}

/// Validates a plan; the store builds its list.
pub fn plan_input(d: &PlanDraft) -> Result<PlanInput> {
    if d.name.trim().is_empty() {
        return Err(Error::invalid("visit_name_missing", "name"));
    }
    let occasion =
        Occasion::parse(&d.occasion).ok_or(Error::invalid("visit_occasion_bad", "occasion"))?;
    let visit_on = linli_core::dates::parse_date(&d.visit_on)
        .ok_or(Error::invalid("visit_date_bad", "visit_on"))?;
    let rules: Vec<VisitRule> = d.rules.iter().filter_map(|r| VisitRule::parse(r)).collect();
    if rules.is_empty() {
        return Err(Error::invalid("visit_rules_missing", "rules"));
    }
    let min_age = if d.min_age.trim().is_empty() {
        80
    } else {
        d.min_age
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|a| (60..=100).contains(a))
            .ok_or(Error::invalid("visit_min_age_bad", "min_age"))?
    };
    Ok(PlanInput {
        name: d.name.trim().chars().take(100).collect(),
        occasion: occasion.as_str().into(),
        visit_on,
        rules,
        min_age,
        gift: d.gift.trim().chars().take(200).collect(),
    })
}

/// Creates a plan and builds its list from the rules; returns its id.
pub async fn create_plan(app: &App, actor: &Actor, d: &PlanDraft) -> Result<i64> {
    let input = plan_input(d)?;
    let tenant = actor.require_role(app, Action::ManageCases).await?;
    app.write(actor, move |tx| {
        let (id, n) =
            store::create_plan(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "visits.plan_create", "visit_plan", id, json!({"name": input.name, "rules": input.rules.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "households": n}))?;
        Ok(id)
    })
    .await
}

/// A visit as typed on the household's form.
#[derive(Debug, Clone, Default)]
pub struct VisitDraft {
    pub status: String,
    pub on: String,
    pub items: String,
    pub amount_yuan: String,
    pub participants: String,
    pub note: String,
}

pub fn visit_input(f: &VisitDraft, today: NaiveDate) -> Result<VisitInput> {
    let status = match TargetStatus::parse(&f.status) {
        Some(s @ (TargetStatus::Visited | TargetStatus::NotHome)) => s,
        _ => return Err(Error::invalid("visit_status_bad", "status")),
    };
    let on = linli_core::dates::parse_date(&f.on).ok_or(Error::invalid("visit_date_bad", "on"))?;
    if on > today {
        return Err(Error::invalid("visit_in_future", "on"));
    }
    let amount_fen = if f.amount_yuan.trim().is_empty() {
        None
    } else {
        Some(
            linli_core::fund::Fen::parse_yuan(f.amount_yuan.trim())
                .map_err(|_| Error::invalid("amount_malformed", "amount_yuan"))?
                .0,
        )
    };
    let items: Vec<serde_json::Value> = parse_items(&f.items)
        .into_iter()
        .take(20)
        .map(|(n, q)| json!({"name": n, "quantity": q}))
        .collect();
    Ok(VisitInput {
        status,
        on,
        items_json: serde_json::Value::Array(items).to_string(),
        amount_fen,
        participants: f.participants.trim().chars().take(200).collect(),
        note: f.note.trim().chars().take(1000).collect(),
    })
}

/// Records a visit (or a door nobody opened). A visit to a household with an open case is
/// written on the case's timeline as a help record of kind `visit`; recording it again corrects
/// that record, and "not at home" takes it off the timeline. What it said goes into the audit.
pub async fn record_visit(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    target: &Target,
    d: &VisitDraft,
) -> Result<()> {
    require_open(plan)?;
    actor
        .require(app, Action::RecordVisits, &place_at(plan.community_id, &target.place_path))
        .await?;
    let input = visit_input(d, actor.today())?;
    let (plan, target) = (plan.clone(), target.clone());
    app.write(actor, move |tx| {
        let tenant = Tenant::new(plan.community_id);
        let visited = input.status == TargetStatus::Visited;
        let help = HelpInput {
            kind: "visit".into(),
            given_on: input.on,
            amount_fen: input.amount_fen,
            items_json: input.items_json.clone(),
            source: plan.name.clone(),
            note: input.note.clone(),
            participants: input.participants.clone(),
        };
        let earlier = store::help_record_of(tx.c, tenant, target.id)?;
        let before = match earlier {
            Some(hid) => assistance::help_snapshot(tx.c, tenant, hid)?,
            None => None,
        };
        let help_id = match (earlier, visited) {
            (Some(hid), true) => {
                assistance::correct_help(tx.c, tenant, hid, &help)?;
                Some(hid)
            }
            (Some(_), false) => None,
            (None, true) => {
                match assistance::open_case_of(tx.c, tenant, Some(target.resident_id), target.household_id)? {
                    Some(case) => Some(assistance::add_help(tx.c, &case, &help, tx.actor.user_id(), tx.actor.now)?),
                    None => None,
                }
            }
            (None, false) => None,
        };
        store::record_visit(tx.c, tenant, &target, &input, help_id, tx.actor.now)?;
        if let (Some(hid), false) = (earlier, visited) {
            assistance::delete_help(tx.c, tenant, hid)?;
        }
        tx.audit_change(
            tenant,
            "visits.record",
            "visit_target",
            target.id,
            Some(json!({"status": target.status, "visited_on": target.visited_on, "help_record": before})),
            json!({"status": input.status.as_str(), "on": input.on, "items": input.items_json, "amount_fen": input.amount_fen, "help_record_id": help_id}),
        )
    })
    .await
}

/// Takes a household off a list, with a reason (the list is what the street office audits);
/// a visited household stays.
pub async fn remove_target(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    target: &Target,
    reason: &str,
) -> Result<()> {
    require_open(plan)?;
    if target.status == TargetStatus::Visited {
        return Err(Error::conflict("visit_remove_visited"));
    }
    let reason = crate::clip(Some(reason), 200);
    if reason.is_empty() {
        return Err(Error::invalid("visit_remove_reason", "reason"));
    }
    let (tenant, tid, status) = (Tenant::new(plan.community_id), target.id, target.status);
    app.write(actor, move |tx| {
        store::remove_target(tx.c, tenant, tid, &reason, tx.actor.now)?;
        tx.audit_change(
            tenant,
            "visits.remove",
            "visit_target",
            tid,
            Some(json!({"status": status})),
            json!({"status": "removed", "reason": reason}),
        )
    })
    .await
}

/// Gives households of a plan to a team; each must lie in the actor's buildings.
pub async fn assign_team(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    ids: Vec<i64>,
    team: &str,
) -> Result<()> {
    require_open(plan)?;
    let scopes = actor.scopes(Action::ManageCases);
    if scopes.is_empty() {
        // (No scope would read as "everywhere" below.)
        return Err(Error::Forbidden);
    }
    let (t, plan_id) = (Tenant::new(plan.community_id), plan.id);
    let mine: std::collections::HashSet<i64> = app
        .read(move |c| store::targets(c, t, plan_id, &scopes, None))
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if ids.iter().any(|i| !mine.contains(i)) {
        return Err(Error::NotFound);
    }
    if ids.is_empty() {
        return Err(Error::invalid("visit_none_picked", "ids"));
    }
    let team: String = team.trim().chars().take(60).collect();
    let tenant = Tenant::new(plan.community_id);
    app.write(actor, move |tx| {
        let n = store::assign_team(tx.c, tenant, plan_id, &ids, &team, tx.actor.now)?;
        tx.audit(
            tenant,
            "visits.assign_team",
            "visit_plan",
            plan_id,
            json!({"team": team, "targets": ids, "updated": n}),
        )
    })
    .await
}

/// Adds a household by hand: `who` is a name or a resident number; exactly one active resident
/// inside the actor's buildings must match. `Ok(false)` when it is on the list already.
pub async fn add_target(app: &App, actor: &Actor, plan: &Plan, who: &str) -> Result<bool> {
    require_open(plan)?;
    let who = who.trim().to_string();
    if who.is_empty() {
        return Err(Error::invalid("visit_who_missing", "who"));
    }
    let tenant = Tenant::new(plan.community_id);
    let unknown = || Error::invalid("visit_who_unknown", "who");
    let chosen = if let Ok(rid) = who.parse::<i64>() {
        // A resident number (the digits in the resident page's address) names one person.
        let found = app.read(move |c| registry::get(c, tenant, rid)).await.ok();
        match &found {
            Some(r)
                if r.status == ResidentStatus::Active
                    && actor.allowed(Action::ManageCases, Some(&r.place_path)) =>
            {
                rid
            }
            _ => return Err(unknown()),
        }
    } else {
        let filter = registry::Filter {
            community_id: plan.community_id,
            scopes: actor.scopes(Action::ManageCases),
            q: Some(crate::registry::search_text(actor, &who)),
            today: Some(actor.today()),
            ..Default::default()
        };
        let (rows, total) = app.read(move |c| registry::search(c, &filter, 1, 5)).await?;
        let exact: Vec<_> = rows.iter().filter(|r| r.name == who).collect();
        let only = (total == 1).then(|| rows.first()).flatten();
        match (exact.as_slice(), only) {
            ([one], _) => one.id,
            ([], Some(r)) => r.id,
            ([], None) if total == 0 => return Err(unknown()),
            _ => return Err(Error::invalid("visit_who_ambiguous", "who")),
        }
    };
    let plan_id = plan.id;
    app.write(actor, move |tx| {
        let added = store::add_target(tx.c, tenant, plan_id, chosen, tx.actor.now)?;
        if let Some(tid) = added {
            tx.audit(
                tenant,
                "visits.add",
                "visit_target",
                tid,
                json!({"resident_id": chosen, "plan_id": plan_id}),
            )?;
        }
        Ok(added.is_some())
    })
    .await
}

/// A plan is the whole community's: only someone who manages cases across the community (its
/// admin, a community-wide worker) closes it, since closing stops every grid's recording.
pub async fn may_close(app: &App, actor: &Actor, plan: &Plan) -> Result<bool> {
    let cid = plan.community_id;
    let community = app.read(move |c| places::get(c, cid)).await?;
    Ok(actor.allowed(Action::ManageCases, Some(&community.path)))
}

pub async fn close_plan(app: &App, actor: &Actor, plan: &Plan) -> Result<()> {
    require_open(plan)?;
    if !may_close(app, actor, plan).await? {
        return Err(Error::Forbidden);
    }
    let (tenant, id, status) = (Tenant::new(plan.community_id), plan.id, plan.status);
    app.write(actor, move |tx| {
        store::close_plan(tx.c, tenant, id)?;
        tx.audit_change(
            tenant,
            "visits.close",
            "visit_plan",
            id,
            Some(json!({"status": status})),
            json!({"status": "closed"}),
        )
    })
    .await
}

/// Records what a consenting neighbour helps with (接送、代买、看护 …); empty text stops it.
pub async fn set_helper(
    app: &App,
    actor: &Actor,
    resident_id: i64,
    helps_with: &str,
) -> Result<()> {
    let tenant = actor.tenant()?;
    let r = app.read(move |c| registry::get(c, tenant, resident_id)).await?;
    actor.require(app, Action::ManageCases, &place_at(tenant.id(), &r.place_path)).await?;
    let helps: String = helps_with.trim().chars().take(60).collect();
    app.write(actor, move |tx| {
        store::set_helper(tx.c, tenant, resident_id, &helps, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "visits.helper", "resident", resident_id, json!({"helps_with": helps}))
    })
    .await
}
