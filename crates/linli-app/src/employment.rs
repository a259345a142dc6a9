//! The employment station (社区满意中介服务站): job seekers, openings, referrals, placements
//! and their 1/3/6-month follow-ups, and what the station's pages and the JSON API read.
//! Every store call is scoped by the actor's community: a seeker, opening, referral or
//! placement of another community is not found.

use crate::learning::{Created, Listing, active_resident, required_date};
use crate::{Actor, App, Error, Result, clip};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::learning::{
    ContractType, EmploymentRate, Hours, Outcome, ReferralResult, SeekerStatus, TraineeCheck,
    VacancyStatus,
};
use linli_store::learning::{
    self as store, DueFollowup, Followup, Opening, OpeningInput, Placement, PlacementInput,
    Reemployed, Referral, Seeker, SeekerInput,
};
use linli_store::{Tenant, registry};
use serde::Deserialize;
use serde_json::json;

async fn manage(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ManageEmployment).await
}

async fn view(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ViewEmployment).await
}

fn hours_of(raw: Option<&str>) -> Result<Hours> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(h) => Hours::parse(h).ok_or(Error::invalid("employment_hours_bad", "hours")),
        None => Ok(Hours::Any),
    }
}

// ---- placements and follow-ups ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PlacementDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub via_station: bool,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::optional_code_schema::<ContractType>")]
    pub contract_type: Option<String>,
    #[serde(default)]
    pub opening_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records work found, through the station or not.
pub async fn create_placement(app: &App, actor: &Actor, d: PlacementDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    // Placements and job seekers are for residents who live here now.
    let r = active_resident(app, tenant, d.resident_id, "resident_id").await?;
    let employer: String = d.employer.trim().chars().take(100).collect();
    let job: String = d.job.trim().chars().take(60).collect();
    if employer.is_empty() {
        return Err(Error::invalid("employment_employer_missing", "employer"));
    }
    if job.is_empty() {
        return Err(Error::invalid("employment_job_missing", "job"));
    }
    let starts = required_date(&d.starts_on, "starts_on")?;
    if starts > actor.today() + chrono::Days::new(60) {
        return Err(Error::invalid("employment_start_far", "starts_on"));
    }
    let contract = match d.contract_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => ContractType::parse(c)
            .ok_or(Error::invalid("employment_contract_bad", "contract_type"))?,
        None => ContractType::Labour,
    };
    if let Some(o) = d.opening_id {
        app.read(move |c| store::get_opening(c, tenant, o))
            .await
            .map_err(|_| Error::invalid("employment_opening_missing", "opening_id"))?;
    }
    let input = PlacementInput {
        resident_id: r.id,
        employer,
        job,
        starts_on: starts,
        contract_type: contract.as_str().to_string(),
        via_station: d.via_station,
        opening_id: d.opening_id,
        note: clip(d.note.as_deref(), 500),
    };
    app.write(actor, move |tx| {
        let id = store::create_placement(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "placement.create", "placement", id, json!({"resident_id": input.resident_id, "employer": input.employer, "job": input.job, "starts_on": input.starts_on, "via_station": input.via_station}))?;
        Ok(Created { id })
    })
    .await
}

/// A placement of the actor's community with its follow-ups (not found otherwise).
pub async fn placement(app: &App, actor: &Actor, id: i64) -> Result<(Placement, Vec<Followup>)> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let p = store::get_placement(c, tenant, id)?;
        Ok::<_, Error>((p, store::followups_of(c, tenant, id)?))
    })
    .await
}

/// A page of the community's placements, newest first.
pub async fn placements(
    app: &App,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<Listing<Placement>> {
    let tenant = view(app, actor).await?;
    let (items, total) = app.read(move |c| store::placements(c, tenant, page, per_page)).await?;
    Ok(Listing { items, total })
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct FollowupDraft {
    #[serde(default)]
    pub placement_id: i64,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<linli_core::learning::Outcome>")]
    pub outcome: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a follow-up call of a placement.
pub async fn create_followup(app: &App, actor: &Actor, d: FollowupDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let placement_id = d.placement_id;
    let p = app
        .read(move |c| store::get_placement(c, tenant, placement_id))
        .await
        .map_err(|e| e.or_invalid("employment_placement_missing", "placement_id"))?;
    let on = required_date(&d.on, "on")?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "on"));
    }
    if on < p.starts_on {
        return Err(Error::invalid("employment_followup_early", "on"));
    }
    let outcome =
        Outcome::parse(&d.outcome).ok_or(Error::invalid("employment_outcome_bad", "outcome"))?;
    let note = clip(d.note.as_deref(), 500);
    app.write(actor, move |tx| {
        let id = store::create_followup(
            tx.c,
            tenant,
            Some(p.id),
            p.resident_id,
            on,
            outcome.as_str(),
            &note,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        tx.audit(
            tenant,
            "followup.create",
            "placement",
            p.id,
            json!({"followup_id": id, "on": on.to_string(), "outcome": outcome.as_str()}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// A trainee without a placement, asked after the course: not employed yet, or unreachable.
pub async fn check_trainee(
    app: &App,
    actor: &Actor,
    resident_id: i64,
    outcome: &str,
) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let r = active_resident(app, tenant, resident_id, "resident_id").await?;
    let outcome =
        TraineeCheck::parse(outcome).ok_or(Error::invalid("employment_outcome_bad", "outcome"))?;
    let on = actor.today();
    app.write(actor, move |tx| {
        let id = store::create_followup(
            tx.c,
            tenant,
            None,
            r.id,
            on,
            outcome.as_str(),
            "",
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        tx.audit(
            tenant,
            "followup.trainee",
            "resident",
            r.id,
            json!({"followup_id": id, "outcome": outcome.as_str()}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// Follow-ups owed by `until` (overdue ones included), soonest first.
pub async fn followups_due(
    app: &App,
    actor: &Actor,
    until: NaiveDate,
) -> Result<Listing<DueFollowup>> {
    let tenant = view(app, actor).await?;
    let today = actor.today();
    let items = app.read(move |c| store::followups_due(c, tenant, today, until)).await?;
    Ok(Listing { total: items.len() as i64, items })
}

// ---- job seekers ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SeekerDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub wishes: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::optional_code_schema::<Hours>")]
    pub hours: Option<String>,
    #[serde(default)]
    pub max_km: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Registers a resident as a job seeker.
pub async fn create_seeker(app: &App, actor: &Actor, d: SeekerDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let r = active_resident(app, tenant, d.resident_id, "resident_id").await?;
    let hours = hours_of(d.hours.as_deref())?;
    if d.max_km.is_some_and(|k| !(0..=500).contains(&k)) {
        return Err(Error::invalid("employment_km_bad", "max_km"));
    }
    let input = SeekerInput {
        resident_id: r.id,
        skills: clip(d.skills.as_deref(), 200),
        wishes: clip(d.wishes.as_deref(), 200),
        hours: hours.as_str().to_string(),
        max_km: d.max_km,
        note: clip(d.note.as_deref(), 500),
        registered_on: actor.today(),
    };
    app.write(actor, move |tx| {
        let id = store::create_seeker(tx.c, tenant, &input, tx.actor.now)?;
        tx.audit(tenant, "seeker.create", "job_seeker", id, json!({"resident_id": r.id}))?;
        Ok(Created { id })
    })
    .await
}

/// A job seeker of the actor's community (not found otherwise).
pub async fn seeker(app: &App, actor: &Actor, id: i64) -> Result<Seeker> {
    let tenant = view(app, actor).await?;
    app.read(move |c| store::get_seeker(c, tenant, id)).await
}

/// A seeker's page: the seeker, the open openings to match, the referrals made.
pub struct SeekerPage {
    pub seeker: Seeker,
    pub openings: Vec<Opening>,
    pub referrals: Vec<Referral>,
}

pub async fn seeker_page(app: &App, actor: &Actor, id: i64) -> Result<SeekerPage> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let seeker = store::get_seeker(c, tenant, id)?;
        Ok::<_, Error>(SeekerPage {
            openings: store::openings(c, tenant, true)?,
            referrals: store::referrals_of(c, tenant, id)?,
            seeker,
        })
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SeekerEdit {
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub wishes: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub max_km: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Changes a seeker's skills, wishes, hours, distance, status or note (audited with before
/// and after). Pausing keeps the record and its referrals; it only leaves the matching lists.
pub async fn update_seeker(app: &App, actor: &Actor, id: i64, d: SeekerEdit) -> Result<()> {
    let tenant = manage(app, actor).await?;
    let s = app.read(move |c| store::get_seeker(c, tenant, id)).await?;
    let hours = hours_of(d.hours.as_deref())?;
    if d.max_km.is_some_and(|k| !(0..=500).contains(&k)) {
        return Err(Error::invalid("employment_km_bad", "max_km"));
    }
    let status = match d.status.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => SeekerStatus::parse(v)
            .ok_or(Error::invalid("employment_seeker_status_bad", "status"))?,
        None => s.status,
    };
    let u = store::SeekerUpdate {
        skills: clip(d.skills.as_deref(), 200),
        wishes: clip(d.wishes.as_deref(), 200),
        hours: hours.as_str().to_string(),
        max_km: d.max_km,
        status: status.as_str().to_string(),
        note: clip(d.note.as_deref(), 500),
    };
    app.write(actor, move |tx| {
        store::update_seeker(tx.c, tenant, s.id, &u)?;
        tx.audit_change(
            tenant,
            "seeker.update",
            "job_seeker",
            s.id,
            Some(json!({"skills": s.skills, "wishes": s.wishes, "hours": s.hours, "max_km": s.max_km, "status": s.status, "note": s.note})),
            json!({"skills": u.skills, "wishes": u.wishes, "hours": u.hours, "max_km": u.max_km, "status": u.status, "note": u.note}),
        )
    })
    .await
}

// ---- openings and referrals ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct OpeningDraft {
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub requirements: Option<String>,
    #[serde(default)]
    pub pay: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::optional_code_schema::<Hours>")]
    pub hours: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub distance_km: Option<i64>,
    #[serde(default)]
    pub slots: Option<i64>,
}

/// Posts an opening from an employer.
pub async fn create_opening(app: &App, actor: &Actor, d: OpeningDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let employer: String = d.employer.trim().chars().take(100).collect();
    let job: String = d.job.trim().chars().take(60).collect();
    if employer.is_empty() {
        return Err(Error::invalid("employment_employer_missing", "employer"));
    }
    if job.is_empty() {
        return Err(Error::invalid("employment_job_missing", "job"));
    }
    let hours = hours_of(d.hours.as_deref())?;
    let slots = d.slots.unwrap_or(1);
    if !(1..=1000).contains(&slots) {
        return Err(Error::invalid("employment_slots_bad", "slots"));
    }
    let input = OpeningInput {
        employer,
        job,
        requirements: clip(d.requirements.as_deref(), 200),
        pay: clip(d.pay.as_deref(), 100),
        hours: hours.as_str().to_string(),
        place: clip(d.place.as_deref(), 100),
        distance_km: d.distance_km.filter(|k| *k >= 0),
        slots,
        posted_on: actor.today(),
    };
    app.write(actor, move |tx| {
        let id = store::create_opening(tx.c, tenant, &input, tx.actor.now)?;
        tx.audit(
            tenant,
            "opening.create",
            "opening",
            id,
            json!({"employer": input.employer, "job": input.job, "slots": input.slots}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// An opening of the actor's community, if it has one with this id (a link's parameter).
pub async fn opening(app: &App, actor: &Actor, id: i64) -> Result<Opening> {
    let tenant = view(app, actor).await?;
    app.read(move |c| store::get_opening(c, tenant, id)).await
}

/// Takes an opening off the board: it leaves the matching suggestions; referrals and
/// placements made on it stay.
pub async fn close_opening(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let tenant = manage(app, actor).await?;
    let o = app.read(move |c| store::get_opening(c, tenant, id)).await?;
    app.write(actor, move |tx| {
        store::close_opening(tx.c, tenant, o.id)?;
        tx.audit_change(
            tenant,
            "opening.close",
            "opening",
            o.id,
            Some(json!({"status": o.status})),
            json!({"status": "closed", "filled": o.filled, "slots": o.slots}),
        )
    })
    .await
}

/// Refers a seeker to an open opening.
pub async fn refer(app: &App, actor: &Actor, seeker_id: i64, opening_id: i64) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let s = app.read(move |c| store::get_seeker(c, tenant, seeker_id)).await?;
    let o = app
        .read(move |c| store::get_opening(c, tenant, opening_id))
        .await
        .map_err(|_| Error::invalid("employment_opening_missing", "opening_id"))?;
    if o.status != VacancyStatus::Open {
        return Err(Error::invalid("employment_opening_missing", "opening_id"));
    }
    let on = actor.today();
    app.write(actor, move |tx| {
        let id = store::create_referral(
            tx.c,
            tenant,
            s.id,
            o.id,
            on,
            "",
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        tx.audit(
            tenant,
            "referral.create",
            "job_seeker",
            s.id,
            json!({"referral_id": id, "opening_id": o.id}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// Records how a referral went. Returns the seeker's id.
pub async fn referral_result(app: &App, actor: &Actor, id: i64, result: &str) -> Result<i64> {
    let tenant = manage(app, actor).await?;
    let (f, s) = app.read(move |c| store::referral_seeker(c, tenant, id)).await?;
    let result =
        ReferralResult::parse(result).ok_or(Error::invalid("employment_result_bad", "result"))?;
    let on = actor.today();
    app.write(actor, move |tx| {
        let before = json!({"result": f.result});
        store::set_referral_result(tx.c, tenant, f.id, result.as_str(), on)?;
        tx.audit_change(
            tenant,
            "referral.result",
            "job_seeker",
            s.id,
            Some(before),
            json!({"referral_id": f.id, "result": result.as_str()}),
        )?;
        Ok(s.id)
    })
    .await
}

// ---- reads for the pages ----

/// The station's page: this year's figures, the calls due, seekers, open openings and the
/// latest placements.
pub struct Dashboard {
    pub reemployed: Reemployed,
    pub rate: EmploymentRate,
    pub due: Vec<DueFollowup>,
    pub seekers: Vec<Seeker>,
    pub openings: Vec<Opening>,
    pub recent: Vec<Placement>,
}

pub async fn dashboard(app: &App, actor: &Actor, year: i32, until: NaiveDate) -> Result<Dashboard> {
    let tenant = view(app, actor).await?;
    let today = actor.today();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    app.read(move |c| {
        Ok::<_, Error>(Dashboard {
            reemployed: store::reemployed(c, tenant, &from, &to)?,
            rate: store::employment_rate(c, tenant, &from, &to)?,
            due: store::followups_due(c, tenant, today, until)?,
            seekers: store::seekers(c, tenant, 50)?,
            openings: store::openings(c, tenant, true)?,
            recent: store::placements(c, tenant, 1, 10)?.0,
        })
    })
    .await
}

/// The people behind "not followed up or not reached" for a year: the latest station
/// placement of each, newest first, to call.
pub async fn to_call(app: &App, actor: &Actor, year: i32) -> Result<Vec<Placement>> {
    let tenant = view(app, actor).await?;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    app.read(move |c| {
        let ids = store::reemployed(c, tenant, &from, &to)?.to_call;
        store::placements_by_ids(c, tenant, &ids)
    })
    .await
}

/// A resident of the actor's community who lives here now (the new placement's page).
pub async fn resident(app: &App, actor: &Actor, id: i64) -> Result<registry::Resident> {
    let tenant = view(app, actor).await?;
    active_resident(app, tenant, id, "resident_id").await.map_err(|_| Error::NotFound)
}

/// Residents found by name within the actor's scope, and the opening a link names (if it is
/// one of the community's): the new placement's page.
pub async fn placement_form(
    app: &App,
    actor: &Actor,
    search: Option<String>,
    opening_id: Option<i64>,
) -> Result<(Vec<registry::ResidentRow>, Option<Opening>)> {
    let tenant = view(app, actor).await?;
    let scopes = actor.scopes(Action::ViewResidents);
    let today = actor.today();
    let search = search.map(|s| crate::registry::search_text(actor, &s));
    app.read(move |c| {
        let found = match search {
            Some(s) => {
                let f = registry::Filter {
                    community_id: tenant.id(),
                    scopes,
                    q: Some(s),
                    today: Some(today),
                    ..Default::default()
                };
                registry::search(c, &f, 1, 20)?.0
            }
            None => Vec::new(),
        };
        let opening = match opening_id {
            Some(o) => store::get_opening(c, tenant, o).ok(),
            None => None,
        };
        Ok::<_, Error>((found, opening))
    })
    .await
}
