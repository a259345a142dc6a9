//! The working-day calendar (工作日): which years have a holiday schedule, and loading a year
//! when the State Council announces it — from the admin's page, the JSON API and `linli
//! calendar load` alike.
//!
//! Linli ships the announced years ([`linli_core::workdays::shipped`]); a year loaded into the
//! database replaces that year only ([`linli_core::workdays::Calendar::layered`]). Loading a
//! year also re-plans the open deadlines that were counted on the old schedule (steps of
//! applications, issues' response and resolution dates): a date a worker or a rule set some
//! other way is left as it is.

use crate::{Actor, App, Error, Principal, Result, Tx};
use linli_core::Action;
use linli_core::assistance::{self as rules, ApplicationKind};
use linli_core::workdays::{Calendar, DayKind, YearSchedule};
use linli_store::assistance::{self as store, CalendarScope};
use linli_store::{Tenant, affairs};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// One announced day of a year's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CalendarDay {
    pub date: String,
    pub kind: DayKind,
    pub name: String,
}

/// A year the calendar knows, with the schedule in force for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// `official`: shipped with Linli; `edited`: loaded into the database.
    pub source: String,
    /// For an edited year: `deployment` (loaded for every community) or `community`.
    pub scope: Option<String>,
    pub loaded_at: Option<linli_core::clock::Stamp>,
    pub loaded_by: Option<String>,
    pub holidays: usize,
    pub workdays: usize,
    /// Its days in date order (run-up days in the December before included).
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CalendarYears {
    pub items: Vec<CalendarYear>,
}

fn year_view(s: &YearSchedule, source: &str, loaded: Option<&store::LoadedYear>) -> CalendarYear {
    let days: Vec<CalendarDay> = s
        .days
        .entries()
        .map(|(d, kind, name)| CalendarDay {
            date: d.format("%Y-%m-%d").to_string(),
            kind,
            name: name.to_string(),
        })
        .collect();
    let count = |k: DayKind| s.own_days().filter(|(_, kind, _)| *kind == k).count();
    CalendarYear {
        year: s.year,
        source: source.to_string(),
        scope: loaded.map(|l| if l.deployment { "deployment" } else { "community" }.to_string()),
        loaded_at: loaded.map(|l| l.loaded_at),
        loaded_by: loaded.map(|l| l.loaded_by.clone()),
        holidays: count(DayKind::Holiday),
        workdays: count(DayKind::Workday),
        days,
    }
}

/// The years the actor's community's calendar knows, each with the schedule in force for it
/// (the community's own, else the deployment's, else the shipped one). The administrator's.
pub async fn years(app: &App, actor: &Actor) -> Result<CalendarYears> {
    let t = actor.require_role(app, Action::ManageCalendar).await?;
    let loaded = app.read(move |c| store::loaded_years(c, t)).await?;
    let mut by_year: BTreeMap<i32, CalendarYear> = BTreeMap::new();
    for s in linli_core::workdays::shipped() {
        by_year.insert(s.year, year_view(s, "official", None));
    }
    // Deployment's before the community's (the order they are read in), so the more specific wins.
    let mut loaded = loaded;
    loaded.sort_by_key(|l| (l.schedule.year, !l.deployment));
    for l in &loaded {
        by_year.insert(l.schedule.year, year_view(&l.schedule, "edited", Some(l)));
    }
    Ok(CalendarYears { items: by_year.into_values().collect() })
}

/// A year loaded: what it holds and which deadlines moved with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Loaded {
    pub year: i32,
    /// `deployment` or `community`.
    pub scope: String,
    pub holidays: usize,
    pub workdays: usize,
    /// Whether the year had a schedule before (shipped or loaded), which this one replaces.
    pub replaced: bool,
    /// Open application steps and issues whose planned dates moved.
    pub replanned_steps: usize,
    pub replanned_issues: usize,
    /// The communities whose calendar changed.
    pub communities: usize,
}

/// Loads a year's schedule. A signed-in administrator loads it for her community; the command
/// line for the community it names, or for the whole deployment (every community, those
/// created later too, unless a community loaded that year itself). The year replaces what the
/// same scope had for it; open deadlines counted on the old schedule are re-planned; audited.
pub async fn load_year(app: &App, actor: &Actor, schedule: YearSchedule) -> Result<Loaded> {
    let scope = match (&actor.principal, actor.community_id()) {
        (Principal::System { .. }, None) => CalendarScope::Deployment,
        (Principal::System { .. }, Some(id)) => CalendarScope::Community(Tenant::new(id)),
        (Principal::User { .. }, _) => {
            CalendarScope::Community(actor.require_role(app, Action::ManageCalendar).await?)
        }
        (Principal::Public, _) => return Err(Error::NotFound),
    };
    if schedule.days.entries().next().is_none() {
        return Err(Error::invalid("calendar_no_days", "file"));
    }
    app.write(actor, move |tx| {
        let communities = match scope {
            CalendarScope::Deployment => store::community_ids(tx.c)?,
            CalendarScope::Community(t) => vec![t.id()],
        };
        let mut before = Vec::with_capacity(communities.len());
        for id in &communities {
            before.push(store::calendar(tx.c, Tenant::new(*id))?);
        }
        let replaced = match scope {
            CalendarScope::Community(t) => store::calendar(tx.c, t)?.is_known_year(schedule.year),
            CalendarScope::Deployment => {
                linli_core::workdays::official().is_known_year(schedule.year)
                    || store::loaded_years(tx.c, Tenant::new(0))?
                        .iter()
                        .any(|l| l.schedule.year == schedule.year)
            }
        };
        let by = tx.actor.name().to_string();
        store::load_year(tx.c, scope, &schedule, &by, tx.actor.now)?;
        let (mut steps, mut issues) = (0, 0);
        for (id, old) in communities.iter().zip(&before) {
            let t = Tenant::new(*id);
            let new = store::calendar(tx.c, t)?;
            if &new != old {
                steps += replan_steps(tx, t, old, &new)?;
                issues += replan_issues(tx, t, old, &new)?;
            }
        }
        let count = |k: DayKind| schedule.own_days().filter(|(_, kind, _)| *kind == k).count();
        let out = Loaded {
            year: schedule.year,
            scope: match scope {
                CalendarScope::Deployment => "deployment",
                CalendarScope::Community(_) => "community",
            }
            .to_string(),
            holidays: count(DayKind::Holiday),
            workdays: count(DayKind::Workday),
            replaced,
            replanned_steps: steps,
            replanned_issues: issues,
            communities: communities.len(),
        };
        let after = json!({
            "year": out.year, "scope": out.scope, "holidays": out.holidays,
            "workdays": out.workdays, "replaced": out.replaced,
            "replanned_steps": steps, "replanned_issues": issues,
        });
        match scope {
            CalendarScope::Community(t) => {
                tx.audit(t, "calendar.load", "calendar_year", schedule.year, after)?
            }
            CalendarScope::Deployment => {
                tx.audit_global("calendar.load", "calendar_year", schedule.year, after)?
            }
        }
        Ok(out)
    })
    .await
}

/// Moves each open step whose due date is still the one the old calendar gave it.
fn replan_steps(tx: &mut Tx<'_>, t: Tenant, old: &Calendar, new: &Calendar) -> Result<usize> {
    let mut moved = 0;
    for s in store::open_steps(tx.c, t)? {
        let Some(kind) = ApplicationKind::parse(&s.kind) else {
            continue;
        };
        let accepted = s.accepted_on;
        let due = |cal: &Calendar| {
            rules::plan_steps(kind, accepted, cal, s.special)
                .into_iter()
                .find(|p| p.code == s.code)
                .map(|p| p.due_on)
        };
        if let (Some(was), Some(now)) = (due(old), due(new))
            && was == s.due_on
            && now != was
        {
            store::move_step_due(tx.c, t, s.id, now)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// Moves each open issue's deadlines that are still the ones the old calendar gave them (a
/// resolution date set when dispatching stays).
fn replan_issues(tx: &mut Tx<'_>, t: Tenant, old: &Calendar, new: &Calendar) -> Result<usize> {
    let categories = affairs::categories(tx.c, t)?;
    let mut moved = 0;
    for (id, category, reported, respond_by, resolve_by) in affairs::open_deadlines(tx.c, t)? {
        let Some(cat) = categories.iter().find(|c| c.code == category) else {
            continue;
        };
        // The clamps of `affairs::report`, so the old dates come out the same.
        let (respond, resolve) =
            (cat.respond_days.clamp(0, 60) as u32, cat.resolve_days.clamp(0, 120) as u32);
        let (old_respond, old_resolve) =
            linli_core::partners::deadlines(reported, respond, resolve, old);
        let (new_respond, new_resolve) =
            linli_core::partners::deadlines(reported, respond, resolve, new);
        let respond_to = if respond_by == old_respond { new_respond } else { respond_by };
        let resolve_to = if resolve_by == old_resolve { new_resolve } else { resolve_by };
        if respond_to != respond_by || resolve_to != resolve_by {
            affairs::move_deadlines(tx.c, t, id, respond_to, resolve_to)?;
            moved += 1;
        }
    }
    Ok(moved)
}
