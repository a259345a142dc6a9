//! Partner linkage (共建联动): partner units with their agreements and commitments, the
//! activities that fulfil them (with photos), the joint party committee and the three lists
//! (needs, resources, projects). A liaison sees and acts for its own unit only: another unit's
//! records are not found, like another community's.

use crate::{Actor, App, Error, Result, clip};
use chrono::{Datelike, NaiveDate};
use linli_core::partners::{
    self as rules, ActivityKind, CommitteePost, Fulfilment, NeedEvent, NeedStatus, PartnerKind,
    ResourceKind,
};
use linli_core::{Action, Role};
use linli_store::Tenant;
use linli_store::partners::{
    self as store, ActivityInput, Agreement, AgreementInput, Need, NeedInput, Partner,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use linli_store::photo::Photo;

/// How many photos one report, resolution or activity may carry.
pub const PHOTOS_PER_REPORT: usize = 3;

/// `Some(unit)` when the actor acts only as a partner liaison (no staff grant): what it may
/// see narrows to that unit; a liaison whose grant names no unit sees none.
pub fn liaison_unit(actor: &Actor) -> Option<Option<i64>> {
    let grants = actor.grants();
    let staff = grants.iter().any(|g| matches!(g.role, Role::Admin | Role::Worker | Role::Finance));
    if staff {
        return None;
    }
    grants.iter().find(|g| g.role == Role::Partner).map(|g| g.partner_id)
}

/// Whether the actor may see records of `partner_id` (not found otherwise).
pub fn sees_unit(actor: &Actor, partner_id: i64) -> bool {
    match liaison_unit(actor) {
        None => true,
        Some(unit) => unit == Some(partner_id),
    }
}

/// Whether the actor manages the community's partner work (staff with the permission, never a
/// liaison).
pub fn manages(actor: &Actor) -> bool {
    actor.allowed(Action::ManagePartners, None) && liaison_unit(actor).is_none()
}

fn date_field(raw: &str, field: &'static str) -> Result<NaiveDate> {
    linli_core::dates::parse_date(raw).ok_or(Error::invalid("date_bad", field))
}

/// A partner unit the actor may see (not found for another community's or, for a liaison,
/// another unit's).
pub async fn partner(app: &App, actor: &Actor, id: i64) -> Result<Partner> {
    let t = actor.tenant()?;
    let p = app.read(move |c| store::get_partner(c, t, id)).await?;
    if !sees_unit(actor, p.id) {
        return Err(Error::NotFound);
    }
    Ok(p)
}

// ---- writes ----

/// A partner unit as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PartnerDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<PartnerKind>")]
    pub kind: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub party_org: String,
}

pub async fn create_partner(app: &App, actor: &Actor, d: PartnerDraft) -> Result<i64> {
    let t = actor.tenant()?;
    let name: String = d.name.trim().chars().take(60).collect();
    if name.is_empty() {
        return Err(Error::invalid("partner_name_missing", "name"));
    }
    let kind = PartnerKind::parse(&d.kind).ok_or(Error::invalid("partner_kind_bad", "kind"))?;
    let input = store::PartnerInput {
        name,
        kind: kind.as_str().into(),
        address: clip(Some(&d.address), 100),
        party_org: clip(Some(&d.party_org), 60),
        note: String::new(),
    };
    app.write(actor, move |tx| {
        let id = store::create_partner(tx.c, t, &input, tx.actor.now)?;
        tx.audit(
            t,
            "partner.create",
            "partner",
            id,
            json!({"name": input.name, "kind": input.kind}),
        )?;
        Ok(id)
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CommitmentDraft {
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<ActivityKind>")]
    pub kind: String,
    #[serde(default)]
    pub target_per_year: i64,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AgreementDraft {
    #[serde(default)]
    pub partner_id: i64,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub commitments: Vec<CommitmentDraft>,
    #[serde(default)]
    pub parties: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub renews_id: Option<i64>,
}

pub async fn create_agreement(app: &App, actor: &Actor, d: AgreementDraft) -> Result<i64> {
    let t = actor.tenant()?;
    let p = partner(app, actor, d.partner_id)
        .await
        .map_err(|_| Error::invalid("partner_missing", "partner_id"))?;
    let signed = date_field(&d.signed_on, "signed_on")?;
    let from = date_field(&d.valid_from, "valid_from")?;
    let to = date_field(&d.valid_to, "valid_to")?;
    rules::check_period(from, to).map_err(|e| Error::invalid(e.code(), "valid_to"))?;
    let mut commitments = Vec::new();
    for k in &d.commitments {
        let kind = ActivityKind::parse(&k.kind)
            .ok_or(Error::invalid("activity_kind_bad", "commitments"))?;
        if k.target_per_year <= 0 {
            return Err(Error::invalid("commitment_target_bad", "commitments"));
        }
        commitments.push((kind.as_str().to_string(), k.target_per_year));
    }
    if let Some(r) = d.renews_id {
        let prev = app.read(move |c| store::get_agreement(c, t, r)).await;
        if prev.map_or(true, |a| a.partner_id != p.id) {
            return Err(Error::invalid("agreement_missing", "renews_id"));
        }
    }
    let input = AgreementInput {
        partner_id: p.id,
        signed_on: signed,
        valid_from: from.to_string(),
        valid_to: to.to_string(),
        parties: clip(d.parties.as_deref(), 200),
        body: clip(d.body.as_deref(), 8000),
        renews_id: d.renews_id,
        commitments,
    };
    app.write(actor, move |tx| {
        let id = store::create_agreement(tx.c, t, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(t, "agreement.create", "agreement", id, json!({"partner_id": input.partner_id, "valid_from": input.valid_from, "valid_to": input.valid_to, "commitments": input.commitments, "renews_id": input.renews_id}))?;
        Ok(id)
    })
    .await
}

/// An agreement the actor may see (a liaison: its own unit's only).
pub async fn agreement(app: &App, actor: &Actor, id: i64) -> Result<Agreement> {
    let t = actor.tenant()?;
    let a = app.read(move |c| store::get_agreement(c, t, id)).await?;
    if !sees_unit(actor, a.partner_id) {
        return Err(Error::NotFound);
    }
    Ok(a)
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ActivityDraft {
    #[serde(default)]
    pub partner_id: i64,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<ActivityKind>")]
    pub kind: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub participants: Option<i64>,
    #[serde(default)]
    pub hours: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub residents_served: Option<String>,
}

/// Records what a unit delivered, with photos of it if any (already re-encoded by the caller).
pub async fn record_activity(
    app: &App,
    actor: &Actor,
    d: ActivityDraft,
    photos: Vec<Photo>,
) -> Result<i64> {
    let t = actor.tenant()?;
    let p = partner(app, actor, d.partner_id)
        .await
        .map_err(|_| Error::invalid("partner_missing", "partner_id"))?;
    let kind = ActivityKind::parse(&d.kind).ok_or(Error::invalid("activity_kind_bad", "kind"))?;
    let on = date_field(&d.on, "on")?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "on"));
    }
    if d.participants.is_some_and(|n| n < 0) {
        return Err(Error::invalid("activity_participants_bad", "participants"));
    }
    let hours_tenths = match d.hours {
        Some(h) if !(0.0..=10_000.0).contains(&h) || !h.is_finite() => {
            return Err(Error::invalid("activity_hours_bad", "hours"));
        }
        Some(h) => Some((h * 10.0).round() as i64),
        None => None,
    };
    if photos.len() > PHOTOS_PER_REPORT {
        return Err(Error::invalid("photo_too_many", "photos"));
    }
    let input = ActivityInput {
        partner_id: p.id,
        kind: kind.as_str().into(),
        on,
        place: clip(d.place.as_deref(), 100),
        participants: d.participants,
        hours_tenths,
        residents_served: clip(d.residents_served.as_deref(), 500),
        note: clip(d.note.as_deref(), 1000),
    };
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        let id = store::add_activity(tx.c, t, &input, tx.actor.user_id(), now)?;
        let n_photos = photos.len();
        for ph in photos {
            store::add_activity_photo(tx.c, t, id, input.partner_id, ph, now)?;
        }
        tx.audit(
            t,
            "partner.activity",
            "partner",
            input.partner_id,
            json!({"activity_id": id, "kind": input.kind, "on": input.on, "photos": n_photos}),
        )?;
        Ok(id)
    })
    .await
}

/// A photo of an activity: staff and the unit's own liaison only (not found for anyone else).
pub async fn activity_photo(
    app: &App,
    actor: &Actor,
    partner_id: i64,
    photo_id: i64,
) -> Result<Vec<u8>> {
    let p = partner(app, actor, partner_id).await?;
    let t = actor.tenant()?;
    let ph = app.read(move |c| store::get_activity_photo(c, t, photo_id)).await?;
    if ph.partner_id != p.id {
        return Err(Error::NotFound);
    }
    Ok(ph.bytes)
}

/// A resource a unit offers, as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ResourceDraft {
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<ResourceKind>")]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub availability: String,
}

pub async fn add_resource(
    app: &App,
    actor: &Actor,
    partner_id: i64,
    d: ResourceDraft,
) -> Result<i64> {
    let p = partner(app, actor, partner_id).await?;
    let t = actor.tenant()?;
    let kind = ResourceKind::parse(&d.kind);
    let desc = clip(Some(&d.description), 300);
    let (Some(kind), false) = (kind, desc.is_empty()) else {
        return Err(Error::invalid("resource_description_missing", "description"));
    };
    let avail = clip(Some(&d.availability), 100);
    app.write(actor, move |tx| {
        let rid = store::add_resource(tx.c, t, p.id, kind.as_str(), &desc, &avail, tx.actor.now)?;
        tx.audit(
            t,
            "partner.resource",
            "partner",
            p.id,
            json!({"resource_id": rid, "kind": kind.as_str()}),
        )?;
        Ok(rid)
    })
    .await
}

/// A post on the joint committee, as typed.
#[derive(Debug, Clone, Default)]
pub struct PostDraft {
    pub post: String,
    pub person_name: String,
    pub partner_id: Option<i64>,
    pub title: String,
    pub term_from: String,
    pub term_to: String,
}

pub async fn add_post(app: &App, actor: &Actor, d: PostDraft) -> Result<i64> {
    let t = actor.tenant()?;
    if liaison_unit(actor).is_some() {
        return Err(Error::Forbidden);
    }
    let post = CommitteePost::parse(&d.post);
    let name = clip(Some(&d.person_name), 40);
    let from = linli_core::dates::parse_date(&d.term_from);
    let to = linli_core::dates::parse_date(&d.term_to);
    let (Some(post), false, Some(from)) = (post, name.is_empty(), from) else {
        return Err(Error::invalid("post_incomplete", "post"));
    };
    if let Some(p) = d.partner_id {
        partner(app, actor, p).await?;
    }
    let input = store::PostInput {
        post: post.as_str().into(),
        person_name: name,
        partner_id: d.partner_id,
        title: clip(Some(&d.title), 60),
        term_from: from.to_string(),
        term_to: to.map(|d| d.to_string()),
    };
    app.write(actor, move |tx| {
        let id = store::add_post(tx.c, t, &input)?;
        tx.audit(
            t,
            "committee.post",
            "committee_post",
            id,
            json!({"post": input.post, "partner_id": input.partner_id}),
        )?;
        Ok(id)
    })
    .await
}

/// A meeting of the joint committee, as typed.
#[derive(Debug, Clone, Default)]
pub struct MeetingDraft {
    pub held_on: String,
    pub title: String,
    pub minutes: String,
    pub attendance: String,
}

pub async fn add_meeting(app: &App, actor: &Actor, d: MeetingDraft) -> Result<i64> {
    let t = actor.tenant()?;
    if liaison_unit(actor).is_some() {
        return Err(Error::Forbidden);
    }
    let held = linli_core::dates::parse_date(&d.held_on);
    let title = clip(Some(&d.title), 80);
    let (Some(held), false) = (held, title.is_empty()) else {
        return Err(Error::invalid("meeting_incomplete", "held_on"));
    };
    let attendance = clip(Some(&d.attendance), 500);
    let attendees =
        attendance.split(['、', ',', '，', ' ']).filter(|s| !s.trim().is_empty()).count() as i64;
    let m = store::Meeting {
        id: 0,
        held_on: held,
        title,
        minutes: clip(Some(&d.minutes), 8000),
        attendance,
        attendees,
    };
    app.write(actor, move |tx| {
        let id = store::add_meeting(tx.c, t, &m, tx.actor.now)?;
        tx.audit(
            t,
            "committee.meeting",
            "committee_meeting",
            id,
            json!({"held_on": m.held_on, "title": m.title}),
        )?;
        Ok(id)
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NeedDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    #[schemars(extend("enum" = ["normal", "urgent", null]))]
    pub urgency: Option<String>,
    #[serde(default)]
    pub raised_by: Option<String>,
    /// Set only when an issue report is put on the needs list (`affairs::to_need`), never from
    /// a form or a client: a need must not link to another community's issue.
    #[serde(skip_deserializing)]
    pub affair_id: Option<i64>,
}

pub async fn create_need(app: &App, actor: &Actor, d: NeedDraft) -> Result<i64> {
    let t = actor.tenant()?;
    let title: String = d.title.trim().chars().take(80).collect();
    if title.is_empty() {
        return Err(Error::invalid("need_title_missing", "title"));
    }
    let urgency = match d.urgency.as_deref().map(str::trim) {
        Some("urgent") => "urgent",
        _ => "normal",
    };
    let input = NeedInput {
        title,
        description: clip(d.description.as_deref(), 2000),
        place_text: clip(d.place.as_deref(), 100),
        urgency: urgency.into(),
        raised_by: clip(d.raised_by.as_deref(), 60),
        affair_id: d.affair_id,
    };
    app.write(actor, move |tx| {
        let id = store::create_need(tx.c, t, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            t,
            "need.create",
            "need",
            id,
            json!({"title": input.title, "affair_id": input.affair_id}),
        )?;
        Ok(id)
    })
    .await
}

async fn need(app: &App, actor: &Actor, id: i64) -> Result<Need> {
    let t = actor.tenant()?;
    app.read(move |c| store::get_need(c, t, id)).await
}

/// A need's state after a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NeedState {
    pub id: i64,
    pub status: &'static str,
}

/// A liaison claims an open need for its unit (staff may claim on a unit's behalf by naming it).
pub async fn claim_need(
    app: &App,
    actor: &Actor,
    id: i64,
    partner_id: Option<i64>,
    note: &str,
) -> Result<NeedState> {
    let t = actor.tenant()?;
    let n = need(app, actor, id).await?;
    let unit = match liaison_unit(actor) {
        Some(Some(u)) => u,
        Some(None) => return Err(Error::Forbidden),
        None => partner_id.ok_or(Error::invalid("partner_missing", "partner_id"))?,
    };
    partner(app, actor, unit).await.map_err(|_| Error::invalid("partner_missing", "partner_id"))?;
    let status = n.status;
    rules::need_after(status, NeedEvent::Claim).map_err(|_| Error::conflict("need_not_open"))?;
    let note = clip(Some(note), 500);
    let on = actor.today();
    app.write(actor, move |tx| {
        store::claim_need(tx.c, t, id, unit, &note, on)?;
        tx.audit_change(
            t,
            "need.claim",
            "need",
            id,
            Some(json!({"status": n.status})),
            json!({"status": "claimed", "partner_id": unit}),
        )?;
        Ok(NeedState { id, status: "claimed" })
    })
    .await
}

/// The community's answer to a claim, as typed.
#[derive(Debug, Clone, Default)]
pub struct ClaimDecision {
    pub confirm: bool,
    pub owner: String,
    pub plan: String,
    pub milestones: String,
}

/// The community confirms a claim (the need becomes a project) or turns it down.
pub async fn decide_claim(
    app: &App,
    actor: &Actor,
    id: i64,
    d: ClaimDecision,
) -> Result<NeedState> {
    let t = actor.tenant()?;
    if !manages(actor) {
        return Err(Error::Forbidden);
    }
    let n = need(app, actor, id).await?;
    let status = n.status;
    let confirm = d.confirm;
    let event = if confirm { NeedEvent::Confirm } else { NeedEvent::Reject };
    let next = rules::need_after(status, event).map_err(|_| Error::conflict("need_not_claimed"))?;
    let on = actor.today();
    let (owner, plan, milestones) =
        (clip(Some(&d.owner), 60), clip(Some(&d.plan), 2000), clip(Some(&d.milestones), 2000));
    app.write(actor, move |tx| {
        let user = tx.actor.user_id();
        store::decide_claim(tx.c, t, id, confirm, &owner, &plan, &milestones, on, user)?;
        tx.audit_change(
            t,
            if confirm { "need.confirm" } else { "need.reject" },
            "need",
            id,
            Some(json!({"status": n.status, "partner_id": n.partner_id})),
            json!({"status": next.as_str()}),
        )?;
        Ok(NeedState { id, status: if confirm { "matched" } else { "open" } })
    })
    .await
}

/// Progress of a project: its unit's liaison or staff; the residents' verdict is staff's to write.
pub async fn update_project(
    app: &App,
    actor: &Actor,
    id: i64,
    progress: &str,
    done: bool,
    verdict: Option<&str>,
) -> Result<()> {
    let t = actor.tenant()?;
    let n = need(app, actor, id).await?;
    let liaison = liaison_unit(actor);
    if let Some(unit) = liaison
        && (unit.is_none() || unit != n.partner_id)
    {
        return Err(Error::NotFound);
    }
    let verdict = match (liaison, verdict) {
        (None, Some(v)) => v.trim().chars().take(200).collect::<String>(),
        _ => n.verdict.clone(),
    };
    let progress = clip(Some(progress), 1000);
    let completed = done.then(|| actor.today());
    app.write(actor, move |tx| {
        store::update_project(tx.c, t, id, &progress, completed, &verdict)?;
        tx.audit_change(
            t,
            "need.project",
            "need",
            id,
            Some(json!({"status": n.status, "progress": n.progress})),
            json!({"progress": progress, "completed_on": completed, "verdict": verdict}),
        )?;
        Ok(())
    })
    .await
}

// ---- reads ----

/// Fulfilment of every commitment in force in `year`, per unit: (partner id, name, fulfilment).
async fn fulfilments_of(
    app: &App,
    t: Tenant,
    year: i32,
    only: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<(i64, String, Fulfilment)>> {
    let (commitments, acts) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::commitments_in_year(c, t, year, only)?,
                store::activities(c, t, year, only)?,
            ))
        })
        .await?;
    let delivered = store::delivered(&acts)?;
    Ok(commitments
        .into_iter()
        .filter_map(|(pid, name, kind, target)| {
            let kind = ActivityKind::parse(&kind)?;
            let mine: Vec<_> =
                delivered.iter().filter(|(p, _)| *p == pid).map(|(_, d)| *d).collect();
            Some((pid, name, rules::fulfilment(kind, target, year, &mine, today)))
        })
        .collect())
}

/// The partner units the actor may see (a liaison: its own; none if its grant names none).
pub async fn list_partners(app: &App, actor: &Actor) -> Result<Vec<Partner>> {
    let t = actor.tenant()?;
    match liaison_unit(actor) {
        Some(None) => Ok(Vec::new()),
        only => {
            let only = only.flatten();
            app.read(move |c| store::list_partners(c, t, only)).await
        }
    }
}

/// One unit as the API shows it: with its agreements and this year's fulfilment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PartnerView {
    #[serde(flatten)]
    pub partner: Partner,
    pub agreements: Vec<Agreement>,
    pub fulfilment: Vec<Fulfilment>,
}

pub async fn partner_view(app: &App, actor: &Actor, id: i64) -> Result<PartnerView> {
    let p = partner(app, actor, id).await?;
    let t = actor.tenant()?;
    let today = actor.today();
    let fulfil = fulfilments_of(app, t, today.year(), Some(id), today).await?;
    let agreements = app.read(move |c| store::agreements_of(c, t, id)).await?;
    Ok(PartnerView {
        partner: p,
        agreements,
        fulfilment: fulfil.into_iter().map(|(_, _, f)| f).collect(),
    })
}

/// What the partners' dashboard shows for this year.
pub struct Dashboard {
    pub units: Vec<Partner>,
    pub signed: i64,
    pub lectures: i64,
    pub fulfilment: Vec<(i64, String, Fulfilment)>,
}

pub async fn dashboard(app: &App, actor: &Actor) -> Result<Dashboard> {
    let t = actor.tenant()?;
    let today = actor.today();
    let year = today.year();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let (units, signed, lectures) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::list_partners(c, t, None)?,
                store::signed_count(c, t, &from, &to)?,
                store::lectures_count(c, t, &from, &to)?,
            ))
        })
        .await?;
    let fulfilment = fulfilments_of(app, t, year, None, today).await?;
    Ok(Dashboard { units, signed, lectures, fulfilment })
}

/// What a unit's page shows for this year.
pub struct Detail {
    pub partner: Partner,
    pub agreements: Vec<Agreement>,
    pub activities: Vec<store::Activity>,
    pub resources: Vec<store::Resource>,
    pub photos: Vec<store::ActivityPhotoMeta>,
    pub fulfilment: Vec<(i64, String, Fulfilment)>,
}

pub async fn detail(app: &App, actor: &Actor, id: i64) -> Result<Detail> {
    let p = partner(app, actor, id).await?;
    let t = actor.tenant()?;
    let today = actor.today();
    let year = today.year();
    let (agreements, activities, resources, photos) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::agreements_of(c, t, id)?,
                store::activities(c, t, year, Some(id))?,
                store::resources(c, t, Some(id))?,
                store::activity_photos(c, t, year, Some(id))?,
            ))
        })
        .await?;
    let fulfilment = fulfilments_of(app, t, year, Some(id), today).await?;
    Ok(Detail { partner: p, agreements, activities, resources, photos, fulfilment })
}

/// Every agreement the actor may see (a liaison: its unit's), newest first.
pub async fn agreements(app: &App, actor: &Actor) -> Result<Vec<Agreement>> {
    let t = actor.tenant()?;
    let mut all = app.read(move |c| store::all_agreements(c, t)).await?;
    if let Some(u) = liaison_unit(actor) {
        all.retain(|a| Some(a.partner_id) == u);
    }
    Ok(all)
}

/// The activities of a year with their photos (a liaison: its unit's).
pub async fn activities(
    app: &App,
    actor: &Actor,
    year: i32,
) -> Result<(Vec<store::Activity>, Vec<store::ActivityPhotoMeta>)> {
    let t = actor.tenant()?;
    let only = liaison_unit(actor);
    if only == Some(None) {
        return Err(Error::NotFound);
    }
    let unit = only.flatten();
    app.read(move |c| {
        Ok::<_, Error>((
            store::activities(c, t, year, unit)?,
            store::activity_photos(c, t, year, unit)?,
        ))
    })
    .await
}

/// The joint committee: its posts, its meetings, and the units its members may come from.
pub struct Committee {
    pub posts: Vec<store::Post>,
    pub meetings: Vec<store::Meeting>,
    pub units: Vec<Partner>,
}

pub async fn committee(app: &App, actor: &Actor) -> Result<Committee> {
    let t = actor.tenant()?;
    let (posts, meetings, units) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::posts(c, t)?,
                store::meetings(c, t)?,
                store::list_partners(c, t, None)?,
            ))
        })
        .await?;
    Ok(Committee { posts, meetings, units })
}

/// The three lists: needs (with the projects they became), resources, and the units.
pub struct Lists {
    pub needs: Vec<Need>,
    pub resources: Vec<store::Resource>,
    pub units: Vec<Partner>,
}

pub async fn lists(app: &App, actor: &Actor) -> Result<Lists> {
    let t = actor.tenant()?;
    let (needs, resources, units) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::list_needs(c, t, &[])?,
                store::resources(c, t, None)?,
                store::list_partners(c, t, None)?,
            ))
        })
        .await?;
    Ok(Lists { needs, resources, units })
}

/// A liaison's home: its unit, this year's commitments and how far they are kept, the needs
/// open to claim, and the needs the unit has claimed or carries as projects.
pub struct LiaisonHome {
    pub partner: Partner,
    pub fulfilment: Vec<(i64, String, Fulfilment)>,
    pub open_needs: Vec<Need>,
    pub our_needs: Vec<Need>,
}

/// `None` unless the actor acts only as a liaison of one unit.
pub async fn liaison_home(app: &App, actor: &Actor) -> Result<Option<LiaisonHome>> {
    let Some(Some(unit)) = liaison_unit(actor) else {
        return Ok(None);
    };
    let partner = partner(app, actor, unit).await?;
    let t = actor.tenant()?;
    let today = actor.today();
    let fulfilment = fulfilments_of(app, t, today.year(), Some(unit), today).await?;
    let needs = app.read(move |c| store::list_needs(c, t, &["open", "claimed", "matched"])).await?;
    let (open_needs, ours): (Vec<_>, Vec<_>) =
        needs.into_iter().partition(|n| n.status == NeedStatus::Open);
    Ok(Some(LiaisonHome {
        partner,
        fulfilment,
        open_needs,
        our_needs: ours.into_iter().filter(|n| n.partner_id == Some(unit)).collect(),
    }))
}

/// The needs list with its projects.
pub async fn needs(app: &App, actor: &Actor) -> Result<Vec<Need>> {
    let t = actor.tenant()?;
    app.read(move |c| store::list_needs(c, t, &[])).await
}
