//! Groups (社团), volunteers and their service records to the standard of 民政部令第67号, their
//! certificates and corrections, and the in-service party members who report to the community
//! (双报到) — issue 16.
//!
//! The rules: basic information only with consent (§6), a minor's with the guardian's too; a
//! service credits the hours actually served (§7) and is recorded within ten working days of
//! the activity (§11) — later is allowed, marked late with its reason; the person in charge
//! corrects hours only with a reason, and the change is kept; a volunteer's correction request
//! changes the record only when the organiser accepts it (§12-13); certificates are free and
//! state only what the records hold, with a code anyone can verify (§14-17); paid work and
//! duties are never volunteer service (§19).
//!
//! Staff (admin, worker) keep the records. A partner liaison sees its own unit's volunteers,
//! their service and its party members, nothing else. A linked resident sees her own record.

use crate::{Actor, App, Error, Result, clip};
use chrono::{NaiveDate, NaiveTime, Timelike};
use linli_core::Action;
use linli_core::id_number::IdNumber;
use linli_core::mask;
use linli_core::partners::ActivityKind;
use linli_core::roster::ResidentStatus;
use linli_core::volunteers::{self as rules, GroupKind, VolunteerCorrectionStatus};
use linli_core::workdays::Calendar;
use linli_store::Tenant;
use linli_store::partners as partner_store;
use linli_store::volunteers::{
    self as store, Activity, ActivityInput, Certificate, Correction, Edit, Group, Member,
    PartyInput, PartyMember, Service, Volunteer, VolunteerInput,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

fn date_field(raw: &str, field: &'static str) -> Result<NaiveDate> {
    linli_core::dates::parse_date(raw).ok_or(Error::invalid("date_bad", field))
}

fn hours(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

/// The unit a liaison is narrowed to (`None`: staff, who see every unit).
fn unit_filter(actor: &Actor) -> Option<i64> {
    // A liaison whose grant names no unit sees nothing: -1 matches no partner.
    crate::partners::liaison_unit(actor).map(|u| u.unwrap_or(-1))
}

/// Whether the actor sees the community's groups (a partner unit's liaison does not: their
/// members are residents).
pub fn sees_groups(actor: &Actor) -> bool {
    unit_filter(actor).is_none()
}

async fn viewer(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ViewVolunteers).await
}

async fn keeper(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ManageVolunteers).await
}

async fn calendar(app: &App, t: Tenant) -> Result<Calendar> {
    app.read(move |c| linli_store::assistance::calendar(c, t)).await
}

/// The recording organisation a certificate names: the community's residents' committee.
pub fn issuer(actor: &Actor) -> String {
    match &actor.community {
        Some((_, name)) => format!("{name}居民委员会"),
        None => String::new(),
    }
}

// ---- groups ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct GroupDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<GroupKind>")]
    pub kind: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn create_group(app: &App, actor: &Actor, d: GroupDraft) -> Result<i64> {
    let t = keeper(app, actor).await?;
    let name = clip(Some(&d.name), 40);
    if name.chars().count() < 2 {
        return Err(Error::invalid("group_name_missing", "name"));
    }
    let kind = GroupKind::parse(&d.kind).ok_or(Error::invalid("group_kind_bad", "kind"))?;
    let note = clip(d.note.as_deref(), 500);
    app.write(actor, move |tx| {
        let id = store::create_group(tx.c, t, &name, kind.as_str(), &note, tx.actor.now)?;
        tx.audit(t, "group.create", "group", id, json!({"name": name, "kind": kind.as_str()}))?;
        Ok(id)
    })
    .await
}

pub async fn groups(app: &App, actor: &Actor) -> Result<Vec<Group>> {
    let t = viewer(app, actor).await?;
    // The groups are residents': nothing of them for a partner unit's liaison.
    if unit_filter(actor).is_some() {
        return Ok(Vec::new());
    }
    app.read(move |c| store::groups(c, t)).await
}

/// A group with its members and its activities.
pub struct GroupView {
    pub group: Group,
    pub members: Vec<Member>,
    pub activities: Vec<Activity>,
}

pub async fn group(app: &App, actor: &Actor, id: i64) -> Result<GroupView> {
    let t = viewer(app, actor).await?;
    if unit_filter(actor).is_some() {
        return Err(Error::NotFound);
    }
    let year = actor.today().format("%Y").to_string();
    app.read(move |c| {
        let group = store::get_group(c, t, id)?;
        let members = store::members(c, t, id)?;
        let activities = store::activities(c, t, "0000-01-01", &format!("{year}-12-31"), None)?
            .into_iter()
            .filter(|a| a.group_id == Some(id))
            .collect();
        Ok::<_, Error>(GroupView { group, members, activities })
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct MemberDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    pub leader: bool,
}

/// Adds a resident to a group, or makes a member its leader (or not).
pub async fn add_member(app: &App, actor: &Actor, group_id: i64, d: MemberDraft) -> Result<()> {
    let t = keeper(app, actor).await?;
    let today = actor.today();
    app.write(actor, move |tx| {
        store::get_group(tx.c, t, group_id)?;
        let r = linli_store::registry::get(tx.c, t, d.resident_id)
            .map_err(Error::from)
            .map_err(|e| e.or_invalid("resident_missing", "resident_id"))?;
        store::add_member(tx.c, t, group_id, r.id, d.leader, today)?;
        tx.audit(
            t,
            "group.member",
            "group",
            group_id,
            json!({"resident_id": r.id, "leader": d.leader}),
        )
    })
    .await
}

// ---- volunteers ----

/// A volunteer's registration (the `volunteers_create` contract): a resident of the community
/// (`resident_id`), or a person of a partner unit (`name`, `id_number`, `phone`,
/// `partner_id`). `consent` is the volunteer's consent to record the basic information (§6);
/// a minor's record also needs the guardian's (`guardian_consent`).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct VolunteerDraft {
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub partner_id: Option<i64>,
    #[serde(default)]
    pub consent: bool,
    #[serde(default)]
    pub guardian_consent: Option<bool>,
    /// Also a minor without an ID number on file (a pupil): the guardian consents.
    #[serde(default)]
    pub minor: Option<bool>,
    #[serde(default)]
    pub skills: Option<String>,
    #[serde(default)]
    pub availability: Option<String>,
    /// Where they serve from: 第一中学初二(3)班, 文学社 …
    #[serde(default)]
    pub organisation: Option<String>,
}

/// Checks a registration and turns it into the record to store.
async fn volunteer_input(
    app: &App,
    actor: &Actor,
    t: Tenant,
    d: VolunteerDraft,
) -> Result<VolunteerInput> {
    if !d.consent {
        return Err(Error::invalid("consent_required", "consent"));
    }
    let today = actor.today();
    let partner_id = match d.partner_id {
        Some(p) => Some(
            app.read(move |c| partner_store::get_partner(c, t, p))
                .await
                .map_err(|e| e.or_invalid("partner_missing", "partner_id"))?
                .id,
        ),
        None => None,
    };
    let mut v = VolunteerInput {
        partner_id,
        skills: clip(d.skills.as_deref(), 200),
        availability: clip(d.availability.as_deref(), 200),
        organisation: clip(d.organisation.as_deref(), 60),
        guardian_consent: d.guardian_consent.unwrap_or(false),
        consent_on: today,
        minor: d.minor.unwrap_or(false),
        ..VolunteerInput::default()
    };
    match d.resident_id {
        Some(rid) => {
            let r = app
                .read(move |c| linli_store::registry::get(c, t, rid))
                .await
                .map_err(|e| e.or_invalid("resident_missing", "resident_id"))?;
            if r.status != ResidentStatus::Active {
                return Err(Error::invalid("resident_missing", "resident_id"));
            }
            let taken = app.read(move |c| store::volunteer_of_resident(c, t, rid)).await?;
            if taken.is_some() {
                return Err(Error::conflict("volunteer_exists"));
            }
            // The registry keeps the ID number and phone; the volunteer record points at it.
            v.resident_id = Some(r.id);
            v.name = r.name.clone();
            if let Some(b) = r.birth_date {
                v.minor |= rules::is_minor(b, today);
            }
        }
        None => {
            let name = clip(d.name.as_deref(), 30);
            if name.chars().count() < 2 {
                return Err(Error::invalid("volunteer_name_missing", "name"));
            }
            v.name = name;
            if let Some(raw) = d.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                let id = IdNumber::parse(raw)
                    .map_err(|_| Error::invalid("volunteer_id_number_bad", "id_number"))?;
                v.minor |= rules::is_minor(id.birth_date(), today);
                v.id_number = id.as_str().to_string();
            }
            if let Some(p) = d.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                v.phone = linli_core::roster::parse_phone(p)
                    .map_err(|_| Error::invalid("phone_bad", "phone"))?;
            }
        }
    }
    if v.minor && !v.guardian_consent {
        return Err(Error::invalid("guardian_consent_required", "guardian_consent"));
    }
    Ok(v)
}

pub async fn create_volunteer(app: &App, actor: &Actor, d: VolunteerDraft) -> Result<i64> {
    let t = keeper(app, actor).await?;
    let v = volunteer_input(app, actor, t, d).await?;
    app.write(actor, move |tx| {
        let id = store::create_volunteer(tx.c, t, &v, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            t,
            "volunteer.create",
            "volunteer",
            id,
            json!({"name": v.name, "resident_id": v.resident_id, "partner_id": v.partner_id,
                   "minor": v.minor, "guardian_consent": v.guardian_consent, "consent_on": v.consent_on}),
        )?;
        Ok(id)
    })
    .await
}

/// One credited (or signed-up) service as the volunteer's record shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceLine {
    pub id: i64,
    pub activity_id: i64,
    pub activity: String,
    pub on: NaiveDate,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    /// Hours actually served (none: signed up, not yet credited).
    pub hours: Option<f64>,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub recorded_on: Option<NaiveDate>,
    pub late: bool,
    pub late_reason: String,
}

impl From<&Service> for ServiceLine {
    fn from(s: &Service) -> Self {
        ServiceLine {
            id: s.id,
            activity_id: s.activity_id,
            activity: s.activity_name.clone(),
            on: s.held_on,
            place: s.place.clone(),
            content: s.content.clone(),
            organiser: s.organiser.clone(),
            person_in_charge: s.person_in_charge.clone(),
            hours: s.hours_tenths.map(hours),
            check_in: s.check_in.clone(),
            check_out: s.check_out.clone(),
            recorded_on: s.recorded_on,
            late: s.late,
            late_reason: s.late_reason.clone(),
        }
    }
}

/// A certificate as listed with its volunteer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CertificateLine {
    pub id: i64,
    pub code: String,
    pub from: String,
    pub to: String,
    pub hours: f64,
    pub issued_on: NaiveDate,
}

/// A volunteer's record (the `volunteers_get` contract): basic information masked, the hours,
/// every service, the certificates issued.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VolunteerView {
    pub id: i64,
    pub name: String,
    pub resident_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub organisation: String,
    /// Masked (`230103********1234`); the registry's for a resident.
    pub id_number: String,
    /// Masked (`139****1234`).
    pub phone: String,
    pub skills: String,
    pub availability: String,
    pub minor: bool,
    pub guardian_consent: bool,
    pub consent_on: NaiveDate,
    /// All hours credited.
    pub hours_total: f64,
    pub services: Vec<ServiceLine>,
    pub certificates: Vec<CertificateLine>,
    /// Changes of credited hours, with their reasons.
    pub edits: Vec<Edit>,
    pub corrections: Vec<Correction>,
}

fn view_of(
    v: Volunteer,
    resident: Option<(Option<String>, Option<String>)>,
    services: &[Service],
    certs: Vec<Certificate>,
    edits: Vec<Edit>,
    corrections: Vec<Correction>,
) -> VolunteerView {
    let (idn, phone) = match resident {
        Some((i, p)) => (i.unwrap_or_default(), p.unwrap_or_default()),
        None => (v.id_number.clone(), v.phone.clone()),
    };
    VolunteerView {
        id: v.id,
        name: v.name,
        resident_id: v.resident_id,
        partner_id: v.partner_id,
        partner_name: v.partner_name,
        organisation: v.organisation,
        id_number: if idn.is_empty() { String::new() } else { mask::mask_id_number(&idn) },
        phone: if phone.is_empty() { String::new() } else { mask::mask_phone(&phone) },
        skills: v.skills,
        availability: v.availability,
        minor: v.minor,
        guardian_consent: v.guardian_consent,
        consent_on: v.consent_on,
        hours_total: hours(v.hours_tenths),
        services: services.iter().map(ServiceLine::from).collect(),
        certificates: certs
            .into_iter()
            .map(|k| CertificateLine {
                id: k.id,
                code: k.code,
                from: k.period_from,
                to: k.period_to,
                hours: hours(k.hours_tenths),
                issued_on: k.issued_on,
            })
            .collect(),
        edits,
        corrections: corrections.into_iter().map(masked_correction).collect(),
    }
}

/// A correction as shown: a phone number masked like everywhere else.
fn masked_correction(mut k: Correction) -> Correction {
    if k.field == "phone" {
        for v in [&mut k.value_before, &mut k.value_asked] {
            if !v.is_empty() {
                *v = mask::mask_phone(v);
            }
        }
    }
    k
}

async fn load_view(app: &App, t: Tenant, id: i64) -> Result<VolunteerView> {
    app.read(move |c| {
        let v = store::get_volunteer(c, t, id)?;
        let resident = match v.resident_id {
            Some(rid) => {
                let r = linli_store::registry::get(c, t, rid)?;
                Some((r.id_number, r.phone))
            }
            None => None,
        };
        let services = store::services_of_volunteer(c, t, id, "0000-01-01", "9999-12-31")?;
        let certs = store::certificates_of(c, t, id)?;
        let edits = store::edits(c, t, id, None)?;
        let corrections = store::corrections(c, t, Some(id))?;
        Ok::<_, Error>(view_of(v, resident, &services, certs, edits, corrections))
    })
    .await
}

/// A volunteer's record (a liaison: only its own unit's people).
pub async fn volunteer(app: &App, actor: &Actor, id: i64) -> Result<VolunteerView> {
    let t = viewer(app, actor).await?;
    let v = app.read(move |c| store::get_volunteer(c, t, id)).await?;
    if let Some(unit) = unit_filter(actor)
        && v.partner_id != Some(unit)
    {
        return Err(Error::NotFound);
    }
    load_view(app, t, id).await
}

/// A signed-in resident's own volunteer record, if she has one.
pub async fn own_volunteer(app: &App, actor: &Actor) -> Result<Option<VolunteerView>> {
    let Some(r) = crate::me::own_record(app, actor).await? else {
        return Ok(None);
    };
    let t = actor.tenant()?;
    let rid = r.id;
    match app.read(move |c| store::volunteer_of_resident(c, t, rid)).await? {
        Some(id) => Ok(Some(load_view(app, t, id).await?)),
        None => Ok(None),
    }
}

/// A row of the volunteer roster.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub partner_name: Option<String>,
    pub resident: bool,
    pub minor: bool,
    pub skills: String,
    pub hours_total: f64,
    pub services: i64,
}

/// The volunteer roster (a liaison: its unit's), names containing `q`.
pub async fn volunteers(app: &App, actor: &Actor, q: &str) -> Result<Vec<VolunteerRow>> {
    let t = viewer(app, actor).await?;
    let unit = unit_filter(actor);
    let q = q.to_string();
    let list = app.read(move |c| store::volunteers(c, t, unit, &q)).await?;
    Ok(list
        .into_iter()
        .map(|v| VolunteerRow {
            id: v.id,
            organisation: if v.organisation.is_empty() {
                v.partner_name.clone().unwrap_or_default()
            } else {
                v.organisation.clone()
            },
            name: v.name,
            partner_name: v.partner_name,
            resident: v.resident_id.is_some(),
            minor: v.minor,
            skills: v.skills,
            hours_total: hours(v.hours_tenths),
            services: v.services,
        })
        .collect())
}

// ---- activities ----

/// An activity (the `volunteer_activities_create` contract). `paid` marks paid work or a duty:
/// it is recorded for the books but never credits volunteer hours (§19).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ActivityDraft {
    #[serde(default)]
    pub name: String,
    /// The day it is held (`YYYY-MM-DD`).
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub group_id: Option<i64>,
    /// A partner unit's activity (the students' snow clearing): it fulfils the unit's
    /// commitment of volunteer service with the hours its volunteers are credited.
    #[serde(default)]
    pub partner_id: Option<i64>,
    #[serde(default)]
    pub paid: bool,
    #[serde(default)]
    pub organiser: Option<String>,
    #[serde(default)]
    pub person_in_charge: Option<String>,
    /// How many volunteers it takes.
    #[serde(default)]
    pub places: Option<i64>,
}

pub async fn create_activity(app: &App, actor: &Actor, d: ActivityDraft) -> Result<i64> {
    let t = keeper(app, actor).await?;
    let name = clip(Some(&d.name), 60);
    if name.chars().count() < 2 {
        return Err(Error::invalid("activity_name_missing", "name"));
    }
    let on = date_field(&d.on, "on")?;
    let place = clip(Some(&d.place), 100);
    if place.is_empty() {
        return Err(Error::invalid("activity_place_missing", "place"));
    }
    if d.places.is_some_and(|n| !(1..=10_000).contains(&n)) {
        return Err(Error::invalid("activity_places_bad", "places"));
    }
    let group_id = match d.group_id {
        Some(g) => Some(
            app.read(move |c| store::get_group(c, t, g))
                .await
                .map_err(|e| e.or_invalid("group_missing", "group_id"))?
                .id,
        ),
        None => None,
    };
    let (partner_id, partner_name) = match d.partner_id {
        Some(p) => {
            let p = app
                .read(move |c| partner_store::get_partner(c, t, p))
                .await
                .map_err(|e| e.or_invalid("partner_missing", "partner_id"))?;
            (Some(p.id), Some(p.name))
        }
        None => (None, None),
    };
    let default_organiser = match (&partner_name, group_id) {
        (Some(p), _) => p.clone(),
        _ => issuer(actor),
    };
    let organiser = match clip(d.organiser.as_deref(), 60) {
        o if o.is_empty() => default_organiser,
        o => o,
    };
    let a = ActivityInput {
        name,
        held_on: on,
        place,
        content: clip(Some(&d.content), 1000),
        group_id,
        partner_id,
        partner_activity_id: None,
        organiser,
        person_in_charge: clip(d.person_in_charge.as_deref(), 30),
        places: d.places,
        paid: d.paid,
    };
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        let id = store::create_activity(tx.c, t, &a, tx.actor.user_id(), now)?;
        // A unit's unpaid activity is also its partner activity of volunteer service: its
        // participants and hours are the volunteers credited here.
        if let (Some(pid), false) = (a.partner_id, a.paid) {
            let pa = partner_store::add_activity(
                tx.c,
                t,
                &partner_store::ActivityInput {
                    partner_id: pid,
                    kind: ActivityKind::VolunteerService
                        .as_str()
                        .into(),
                    on: a.held_on,
                    place: a.place.clone(),
                    participants: Some(0),
                    hours_tenths: Some(0),
                    residents_served: String::new(),
                    note: a.name.clone(),
                },
                tx.actor.user_id(),
                now,
            )?;
            store::set_partner_activity(tx.c, t, id, pa)?;
        }
        tx.audit(
            t,
            "volunteer.activity",
            "volunteer_activity",
            id,
            json!({"name": a.name, "on": a.held_on, "paid": a.paid, "partner_id": a.partner_id, "group_id": a.group_id}),
        )?;
        Ok(id)
    })
    .await
}

/// An activity with its volunteers and its recording clock.
pub struct ActivityView {
    pub activity: Activity,
    pub services: Vec<Service>,
    /// The last day its service is recorded on time (§11), and whether that has passed.
    pub due: NaiveDate,
    pub overdue: bool,
    /// Set when the due date was counted through a year with no holiday schedule loaded.
    pub calendar_unknown: bool,
}

pub async fn activity(app: &App, actor: &Actor, id: i64) -> Result<ActivityView> {
    let t = viewer(app, actor).await?;
    let unit = unit_filter(actor);
    let (activity, mut services) = app
        .read(move |c| {
            Ok::<_, Error>((store::get_activity(c, t, id)?, store::services_of_activity(c, t, id)?))
        })
        .await?;
    if let Some(u) = unit {
        if activity.partner_id != Some(u) {
            return Err(Error::NotFound);
        }
        services.retain(|s| s.partner_id == Some(u));
    }
    let cal = calendar(app, t).await?;
    let held = activity.held_on;
    let due = rules::recording_due(&cal, held);
    let open = services.iter().any(|s| s.hours_tenths.is_none());
    Ok(ActivityView {
        overdue: open && !activity.paid && actor.today() > due,
        calendar_unknown: !cal.assumed_after(held, due).is_empty(),
        activity,
        services,
        due,
    })
}

/// Activities held between `from` and `to` (a liaison: its unit's).
pub async fn activities(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Activity>> {
    let t = viewer(app, actor).await?;
    let unit = unit_filter(actor);
    app.read(move |c| store::activities(c, t, &from.to_string(), &to.to_string(), unit)).await
}

/// An activity whose service is still to be recorded, with its due date.
pub struct DueRecording {
    pub activity: Activity,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// The recordings due and overdue (the worker's home): empty for anyone who keeps no records.
pub async fn due_recordings(app: &App, actor: &Actor) -> Result<Vec<DueRecording>> {
    let Ok(t) = actor.tenant() else {
        return Ok(Vec::new());
    };
    if actor.user().is_none() || !actor.allowed(Action::ManageVolunteers, None) {
        return Ok(Vec::new());
    }
    let today = actor.today();
    let open = app.read(move |c| store::recordings_open(c, t, today)).await?;
    let cal = calendar(app, t).await?;
    Ok(open
        .into_iter()
        .map(|a| {
            let due = rules::recording_due(&cal, a.held_on);
            DueRecording { activity: a, due, overdue: today > due }
        })
        .collect())
}

// ---- services ----

fn paid_refusal() -> Error {
    Error::invalid("paid_not_volunteer", "activity_id")
}

/// Signs a volunteer up for an activity. Returns the service's id.
pub async fn sign_up(app: &App, actor: &Actor, activity_id: i64, volunteer_id: i64) -> Result<i64> {
    // Staff sign anyone up; a volunteer signs herself up for what is still to come.
    let own = own_volunteer(app, actor).await?.map(|v| v.id);
    let by_herself = own.is_some() && own == Some(volunteer_id);
    let t = if by_herself { actor.tenant()? } else { keeper(app, actor).await? };
    let (a, v) = app
        .read(move |c| {
            let a = store::get_activity(c, t, activity_id)?;
            let v = store::get_volunteer(c, t, volunteer_id)
                .map_err(Error::from)
                .map_err(|e| e.or_invalid("volunteer_missing", "volunteer_id"))?;
            Ok::<_, Error>((a, v))
        })
        .await?;
    if a.paid {
        return Err(paid_refusal());
    }
    if by_herself && (a.partner_id.is_some() || a.held_on < actor.today()) {
        return Err(Error::invalid("activity_not_open", "activity_id"));
    }
    if a.places.is_some_and(|n| a.signed_up >= n) {
        return Err(Error::conflict("activity_full"));
    }
    app.write(actor, move |tx| {
        let id = store::sign_up(tx.c, t, a.id, v.id, tx.actor.now)?;
        tx.audit(
            t,
            "volunteer.sign_up",
            "volunteer",
            v.id,
            json!({"activity_id": a.id, "service_id": id}),
        )?;
        Ok(id)
    })
    .await
}

/// The community's activities still to come that a volunteer may sign up for herself (unpaid,
/// not a partner unit's own, not full), with whether she has.
pub async fn open_activities(app: &App, actor: &Actor) -> Result<Vec<(Activity, bool)>> {
    let Some(me) = own_volunteer(app, actor).await? else {
        return Ok(Vec::new());
    };
    let t = actor.tenant()?;
    let today = actor.today();
    let (list, mine) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::activities(c, t, &today.to_string(), "9999-12-31", None)?,
                store::services_of_volunteer(c, t, me.id, &today.to_string(), "9999-12-31")?,
            ))
        })
        .await?;
    Ok(list
        .into_iter()
        .filter(|a| !a.paid && a.partner_id.is_none())
        .map(|a| {
            let signed = mine.iter().any(|s| s.activity_id == a.id);
            (a, signed)
        })
        .filter(|(a, signed)| *signed || a.places.is_none_or(|n| a.signed_up < n))
        .rev()
        .collect())
}

/// Credits hours to a service in the write transaction: the recording's lateness (§11) on the
/// community's calendar, and the partner activity kept in step.
fn credit_in(
    tx: &mut crate::Tx<'_>,
    t: Tenant,
    a: &Activity,
    service_id: i64,
    tenths: i64,
    late_reason: &str,
) -> Result<()> {
    let held = a.held_on;
    let cal = linli_store::assistance::calendar(tx.c, t)?;
    let today = tx.actor.today();
    let late = rules::is_late(&cal, held, today);
    let reason = if late {
        match late_reason.trim() {
            "" => "未说明原因".to_string(),
            r => r.chars().take(200).collect(),
        }
    } else {
        String::new()
    };
    store::credit(tx.c, t, service_id, tenths, today, tx.actor.user_id(), late, &reason)?;
    sync_partner(tx, t, a)?;
    tx.audit(
        t,
        "volunteer.service",
        "volunteer_service",
        service_id,
        json!({"activity_id": a.id, "hours_tenths": tenths, "late": late, "late_reason": reason}),
    )
}

fn sync_partner(tx: &mut crate::Tx<'_>, t: Tenant, a: &Activity) -> Result<()> {
    if let Some(pa) = a.partner_activity_id {
        let (n, tenths) = store::activity_figures(tx.c, t, a.id)?;
        partner_store::set_activity_figures(tx.c, t, pa, n, tenths)?;
    }
    Ok(())
}

/// Hours served by one volunteer at one activity (the `volunteer_service_record` contract).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ServiceDraft {
    #[serde(default)]
    pub activity_id: i64,
    #[serde(default)]
    pub volunteer_id: i64,
    /// Hours actually served (§7), e.g. 2.5.
    #[serde(default)]
    #[schemars(range(min = 0.1, max = 24))]
    pub hours: f64,
    /// Why the recording comes after the ten working days (§11), if it does.
    #[serde(default)]
    pub late_reason: Option<String>,
}

async fn activity_for_credit(
    app: &App,
    t: Tenant,
    activity_id: i64,
    today: NaiveDate,
) -> Result<Activity> {
    let a = app
        .read(move |c| store::get_activity(c, t, activity_id))
        .await
        .map_err(|e| e.or_invalid("activity_missing", "activity_id"))?;
    if a.paid {
        return Err(paid_refusal());
    }
    if a.held_on > today {
        return Err(Error::invalid("activity_not_held", "activity_id"));
    }
    Ok(a)
}

/// Credits the hours a volunteer served at an activity (signing them up if they were not).
pub async fn record_service(app: &App, actor: &Actor, d: ServiceDraft) -> Result<i64> {
    let t = keeper(app, actor).await?;
    let a = activity_for_credit(app, t, d.activity_id, actor.today()).await?;
    let tenths = rules::tenths_of(d.hours).map_err(|e| Error::invalid(e.code(), "hours"))?;
    let vid = d.volunteer_id;
    let v = app
        .read(move |c| store::get_volunteer(c, t, vid))
        .await
        .map_err(|e| e.or_invalid("volunteer_missing", "volunteer_id"))?;
    let reason = d.late_reason.unwrap_or_default();
    app.write(actor, move |tx| {
        if let Some(s) = store::find_service(tx.c, t, a.id, v.id)?
            && s.hours_tenths.is_some()
        {
            return Err(Error::conflict("service_recorded"));
        }
        let id = store::sign_up(tx.c, t, a.id, v.id, tx.actor.now)?;
        credit_in(tx, t, &a, id, tenths, &reason)?;
        Ok(id)
    })
    .await
}

/// Check-in or check-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    In,
    Out,
}

/// Records a check-in or check-out at `at` (the clock time; `None`: now, for an activity held
/// today). A check-out credits the hours between the two (§7), once.
pub async fn check(
    app: &App,
    actor: &Actor,
    service_id: i64,
    which: Check,
    at: Option<NaiveTime>,
    late_reason: &str,
) -> Result<Service> {
    let t = keeper(app, actor).await?;
    let s = app.read(move |c| store::get_service(c, t, service_id)).await?;
    let a = activity_for_credit(app, t, s.activity_id, actor.today()).await?;
    let held = a.held_on;
    let now = linli_core::clock::shanghai(actor.now);
    let typed = at.is_some();
    let at = match at {
        Some(at) => at,
        // "Now" only while it is the activity's day (or the morning after, for a night shift's
        // check-out); later, the worker types the time.
        None if now.date() == held
            || (which == Check::Out && held.succ_opt() == Some(now.date())) =>
        {
            now.time()
        }
        None => return Err(Error::invalid("check_time_missing", "at")),
    };
    let at = at.with_second(0).unwrap_or(at).with_nanosecond(0).unwrap_or(at);
    let stamp = |d: chrono::NaiveDateTime| d.format("%Y-%m-%d %H:%M").to_string();
    let parse = |s: &Option<String>| {
        s.as_deref().and_then(|x| chrono::NaiveDateTime::parse_from_str(x, "%Y-%m-%d %H:%M").ok())
    };
    let reason = late_reason.to_string();
    app.write(actor, move |tx| {
        match which {
            Check::In => {
                if s.hours_tenths.is_some() {
                    return Err(Error::conflict("service_recorded"));
                }
                store::set_times(tx.c, t, s.id, Some(&stamp(held.and_time(at))), None)?;
                tx.audit(
                    t,
                    "volunteer.check_in",
                    "volunteer_service",
                    s.id,
                    json!({"at": stamp(held.and_time(at))}),
                )?;
            }
            Check::Out => {
                let Some(start) = parse(&s.check_in) else {
                    return Err(Error::invalid("check_in_missing", "check_in"));
                };
                if s.hours_tenths.is_some() {
                    return Err(Error::conflict("service_recorded"));
                }
                // A typed time is on the check-in's day (or the next morning); "now" is now.
                let (i, o) = if typed {
                    rules::times_on(start.date(), start.time(), at)
                } else {
                    (start, now.date().and_time(at))
                };
                let tenths = rules::served_tenths(i, o)
                    .map_err(|e| Error::invalid(e.code(), "check_out"))?;
                store::set_times(tx.c, t, s.id, s.check_in.as_deref(), Some(&stamp(o)))?;
                credit_in(tx, t, &a, s.id, tenths, &reason)?;
            }
        }
        Ok(())
    })
    .await?;
    app.read(move |c| store::get_service(c, t, service_id)).await
}

/// Changes credited hours: the person in charge, with a reason (kept with the change).
pub async fn edit_hours(
    app: &App,
    actor: &Actor,
    service_id: i64,
    hours_typed: &str,
    reason: &str,
) -> Result<Service> {
    let t = keeper(app, actor).await?;
    let s = app.read(move |c| store::get_service(c, t, service_id)).await?;
    let a = activity_for_credit(app, t, s.activity_id, actor.today()).await?;
    let after = rules::parse_hours(hours_typed).map_err(|e| Error::invalid(e.code(), "hours"))?;
    rules::check_edit(s.hours_tenths, after, reason).map_err(|code| {
        Error::invalid(
            code,
            if code == "volunteer_edit_reason_missing" { "reason" } else { "hours" },
        )
    })?;
    let reason: String = reason.trim().chars().take(200).collect();
    app.write(actor, move |tx| {
        if s.hours_tenths.is_none() {
            credit_in(tx, t, &a, s.id, after, &reason)?;
        }
        store::edit_hours(
            tx.c,
            t,
            s.id,
            s.hours_tenths,
            after,
            &reason,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        sync_partner(tx, t, &a)?;
        tx.audit_change(
            t,
            "volunteer.hours_edit",
            "volunteer_service",
            s.id,
            Some(json!({"hours_tenths": s.hours_tenths})),
            json!({"hours_tenths": after, "reason": reason}),
        )
    })
    .await?;
    app.read(move |c| store::get_service(c, t, service_id)).await
}

/// A service (staff).
pub async fn service(app: &App, actor: &Actor, id: i64) -> Result<Service> {
    let t = keeper(app, actor).await?;
    app.read(move |c| store::get_service(c, t, id)).await
}

/// The hours form of a service: credits typed hours to a service not yet credited (the reason
/// then explains a late recording), or changes credited hours (the reason is required).
pub async fn credit_or_edit(
    app: &App,
    actor: &Actor,
    service_id: i64,
    hours_typed: &str,
    reason: &str,
) -> Result<Service> {
    let t = keeper(app, actor).await?;
    let s = app.read(move |c| store::get_service(c, t, service_id)).await?;
    if s.hours_tenths.is_some() {
        return edit_hours(app, actor, service_id, hours_typed, reason).await;
    }
    let a = activity_for_credit(app, t, s.activity_id, actor.today()).await?;
    let tenths = rules::parse_hours(hours_typed).map_err(|e| Error::invalid(e.code(), "hours"))?;
    let reason = reason.to_string();
    app.write(actor, move |tx| credit_in(tx, t, &a, s.id, tenths, &reason)).await?;
    app.read(move |c| store::get_service(c, t, service_id)).await
}

/// Hours (tenths), distinct volunteers and services credited in a year.
pub async fn totals(app: &App, actor: &Actor, year: i32) -> Result<Option<(i64, i64, i64)>> {
    let t = viewer(app, actor).await?;
    // The community's figures are not a partner unit's business.
    if unit_filter(actor).is_some() {
        return Ok(None);
    }
    app.read(move |c| store::totals(c, t, &format!("{year}-01-01"), &format!("{year}-12-31")))
        .await
        .map(Some)
}

/// Records the download of a volunteer ledger (the roster, a 双报到 sheet).
pub async fn export_audit(app: &App, actor: &Actor, ledger: &'static str) -> Result<()> {
    let t = viewer(app, actor).await?;
    app.write(actor, move |tx| {
        tx.audit_collection(t, "ledger.export", "ledger", json!({"ledger": ledger}))
    })
    .await
}

// ---- certificates ----

/// A certificate for a period (the `volunteer_certificates_create` contract).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CertificateDraft {
    #[serde(default)]
    pub volunteer_id: i64,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// What issuing answers: `{id, code, hours}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Issued {
    pub id: i64,
    pub code: String,
    pub hours: f64,
}

/// Issues a certificate (free, §14) stating the hours and activities credited in the period.
pub async fn issue_certificate(app: &App, actor: &Actor, d: CertificateDraft) -> Result<Issued> {
    let t = keeper(app, actor).await?;
    let from = date_field(&d.from, "from")?;
    let to = date_field(&d.to, "to")?;
    if to < from {
        return Err(Error::invalid("period_bad", "to"));
    }
    let today = actor.today();
    if to > today {
        return Err(Error::invalid("date_future", "to"));
    }
    let vid = d.volunteer_id;
    let (v, services) = app
        .read(move |c| {
            let v = store::get_volunteer(c, t, vid)
                .map_err(Error::from)
                .map_err(|e| e.or_invalid("volunteer_missing", "volunteer_id"))?;
            let s = store::services_of_volunteer(c, t, vid, &from.to_string(), &to.to_string())?;
            Ok::<_, Error>((v, s))
        })
        .await?;
    let credited: Vec<&Service> = services.iter().filter(|s| s.hours_tenths.is_some()).collect();
    if credited.is_empty() {
        return Err(Error::invalid("certificate_no_service", "from"));
    }
    let tenths: i64 = credited.iter().filter_map(|s| s.hours_tenths).sum();
    let lines = credited
        .iter()
        .map(|s| {
            format!(
                "{}\t{}\t{}",
                s.held_on,
                s.activity_name,
                rules::hours_text(s.hours_tenths.unwrap_or(0))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let k = Certificate {
        id: 0,
        volunteer_id: v.id,
        code: String::new(),
        volunteer_name: v.name.clone(),
        period_from: from.to_string(),
        period_to: to.to_string(),
        hours_tenths: tenths,
        services: credited.len() as i64,
        activities: lines,
        issuer: issuer(actor),
        issued_on: today,
    };
    app.write(actor, move |tx| {
        let mut k = k;
        let mut tries = 0;
        loop {
            k.code = rules::certificate_code(rand::random(), rand::random());
            if !store::code_taken(tx.c, &k.code)? || tries > 8 {
                break;
            }
            tries += 1;
        }
        let id = store::add_certificate(tx.c, t, &k, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            t,
            "volunteer.certificate",
            "volunteer",
            k.volunteer_id,
            json!({"certificate_id": id, "from": k.period_from, "to": k.period_to, "hours_tenths": k.hours_tenths}),
        )?;
        Ok(Issued {
            id,
            code: k.code,
            hours: hours(tenths),
        })
    })
    .await
}

/// An issued certificate, to print (staff; the volunteer herself).
pub async fn certificate(app: &App, actor: &Actor, id: i64) -> Result<Certificate> {
    let t = actor.tenant()?;
    let k = app.read(move |c| store::get_certificate(c, t, id)).await?;
    let own = own_volunteer(app, actor).await?.map(|v| v.id);
    if own == Some(k.volunteer_id) {
        return Ok(k);
    }
    viewer(app, actor).await?;
    if unit_filter(actor).is_some() {
        let vid = k.volunteer_id;
        let v = app.read(move |c| store::get_volunteer(c, t, vid)).await?;
        if v.partner_id != unit_filter(actor) {
            return Err(Error::NotFound);
        }
    }
    Ok(k)
}

/// The public verification of a code: the certificate exactly as issued, or nothing.
pub async fn verify(app: &App, typed: &str) -> Result<Option<Certificate>> {
    let Some(code) = rules::normalize_code(typed) else {
        return Ok(None);
    };
    app.read(move |c| store::certificate_by_code(c, &code)).await
}

// ---- corrections (§12-13) ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CorrectionDraft {
    /// `name`, `phone`, `skills`, `availability` or `organisation`.
    #[serde(default)]
    #[schemars(extend("enum" = ["name", "phone", "skills", "availability", "organisation"]))]
    pub field: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub reason: String,
}

/// A volunteer asks for a correction of her record (or staff file it for her, by phone).
pub async fn ask_correction(
    app: &App,
    actor: &Actor,
    volunteer_id: i64,
    d: CorrectionDraft,
) -> Result<i64> {
    let t = actor.tenant()?;
    let own = own_volunteer(app, actor).await?.map(|v| v.id);
    if own != Some(volunteer_id) {
        keeper(app, actor).await?;
    }
    let v = app.read(move |c| store::get_volunteer(c, t, volunteer_id)).await?;
    let field = store::CORRECTABLE
        .iter()
        .find(|f| **f == d.field)
        .ok_or(Error::invalid("volunteer_field_bad", "field"))?;
    if v.resident_id.is_some() && matches!(*field, "name" | "phone") {
        return Err(Error::invalid("volunteer_field_registry", "field"));
    }
    let mut value = clip(Some(&d.value), 200);
    if value.is_empty() {
        return Err(Error::invalid("correction_value_missing", "value"));
    }
    let reason = clip(Some(&d.reason), 300);
    let before = match *field {
        "name" => v.name.clone(),
        "phone" => v.phone.clone(),
        "skills" => v.skills.clone(),
        "availability" => v.availability.clone(),
        _ => v.organisation.clone(),
    };
    if *field == "phone" {
        value = linli_core::roster::parse_phone(&value)
            .map_err(|_| Error::invalid("phone_bad", "value"))?;
    }
    app.write(actor, move |tx| {
        let id = store::ask_correction(
            tx.c,
            t,
            v.id,
            field,
            &before,
            &value,
            &reason,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        tx.audit(
            t,
            "volunteer.correction_ask",
            "volunteer",
            v.id,
            json!({"correction_id": id, "field": field}),
        )?;
        Ok(id)
    })
    .await
}

/// Pending correction requests (the organiser's queue).
pub async fn corrections_pending(app: &App, actor: &Actor) -> Result<Vec<Correction>> {
    let Ok(t) = actor.tenant() else {
        return Ok(Vec::new());
    };
    if actor.user().is_none() || !actor.allowed(Action::ManageVolunteers, None) {
        return Ok(Vec::new());
    }
    Ok(app
        .read(move |c| store::corrections(c, t, None))
        .await?
        .into_iter()
        .map(masked_correction)
        .collect())
}

/// The organiser accepts (the record changes) or rejects (with a reason she reads) a request.
pub async fn decide_correction(
    app: &App,
    actor: &Actor,
    id: i64,
    decision: &str,
    note: &str,
) -> Result<Correction> {
    let t = keeper(app, actor).await?;
    let k = app.read(move |c| store::get_correction(c, t, id)).await?;
    let accept = match decision.trim() {
        "accept" => true,
        "reject" => false,
        _ => return Err(Error::invalid("decision_bad", "decision")),
    };
    let note: String = note.trim().chars().take(300).collect();
    if !accept && note.chars().count() < 2 {
        return Err(Error::invalid("volunteer_correction_reason_missing", "note"));
    }
    app.write(actor, move |tx| {
        let status = if accept {
            VolunteerCorrectionStatus::Accepted
        } else {
            VolunteerCorrectionStatus::Rejected
        };
        if !store::decide_correction(tx.c, t, id, status, &note, tx.actor.user_id(), tx.actor.now)?
        {
            return Err(Error::conflict("correction_decided"));
        }
        if accept {
            store::set_field(tx.c, t, k.volunteer_id, &k.field, &k.value_asked, tx.actor.now)?;
        }
        tx.audit_change(
            t,
            "volunteer.correction_decide",
            "volunteer",
            k.volunteer_id,
            Some(json!({"field": k.field, "status": "pending"})),
            json!({"correction_id": id, "field": k.field, "status": status, "note": note}),
        )
    })
    .await?;
    app.read(move |c| store::get_correction(c, t, id)).await
}

// ---- 双报到 ----

/// An in-service party member reporting to the community (the `party_members_create`
/// contract): a resident, or a person named here; the unit (a partner, or `unit_name`) and
/// the party branch. Their service is kept as a volunteer record, created with them.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PartyDraft {
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub partner_id: Option<i64>,
    /// The unit when it is not a partner of the community.
    #[serde(default)]
    pub unit_name: Option<String>,
    /// The party branch (党支部) they belong to.
    #[serde(default)]
    pub branch: String,
    /// What they can offer (skills, times).
    #[serde(default)]
    pub offer: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The day they reported (default: today).
    #[serde(default)]
    pub reported_on: Option<String>,
}

pub async fn create_party_member(app: &App, actor: &Actor, d: PartyDraft) -> Result<i64> {
    let t = keeper(app, actor).await?;
    let branch = clip(Some(&d.branch), 60);
    if branch.chars().count() < 2 {
        return Err(Error::invalid("branch_missing", "branch"));
    }
    let unit_name = clip(d.unit_name.as_deref(), 60);
    if d.partner_id.is_none() && unit_name.is_empty() {
        return Err(Error::invalid("party_unit_missing", "partner_id"));
    }
    let reported_on = match d.reported_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => date_field(r, "reported_on")?,
        None => actor.today(),
    };
    if reported_on > actor.today() {
        return Err(Error::invalid("date_future", "reported_on"));
    }
    if let Some(p) = d.partner_id {
        app.read(move |c| partner_store::get_partner(c, t, p))
            .await
            .map_err(|e| e.or_invalid("partner_missing", "partner_id"))?;
    }
    let existing = match d.resident_id {
        Some(rid) => app.read(move |c| store::volunteer_of_resident(c, t, rid)).await?,
        None => None,
    };
    // Registering is the member's own act: it is their consent to the record (§6).
    let input = match existing {
        Some(_) => None,
        None => Some(
            volunteer_input(
                app,
                actor,
                t,
                VolunteerDraft {
                    resident_id: d.resident_id,
                    name: d.name.clone(),
                    phone: d.phone.clone(),
                    partner_id: d.partner_id,
                    consent: true,
                    organisation: Some(unit_name.clone()),
                    skills: d.offer.clone(),
                    ..VolunteerDraft::default()
                },
            )
            .await?,
        ),
    };
    let offer = clip(d.offer.as_deref(), 200);
    let (resident_id, partner_id) = (d.resident_id, d.partner_id);
    app.write(actor, move |tx| {
        let (vid, name) = match (existing, &input) {
            (Some(vid), _) => (vid, store::get_volunteer(tx.c, t, vid)?.name),
            (None, Some(v)) => (
                store::create_volunteer(tx.c, t, v, tx.actor.user_id(), tx.actor.now)?,
                v.name.clone(),
            ),
            (None, None) => return Err(Error::Internal("no volunteer record".into())),
        };
        if store::party_member_of(tx.c, t, vid)?.is_some() {
            return Err(Error::conflict("party_member_exists"));
        }
        let id = store::create_party_member(
            tx.c,
            t,
            &PartyInput {
                volunteer_id: vid,
                resident_id,
                partner_id,
                name: name.clone(),
                unit_name,
                branch,
                offer,
                reported_on,
            },
            tx.actor.now,
        )?;
        tx.audit(
            t,
            "party_member.report",
            "party_member",
            id,
            json!({"name": name, "partner_id": partner_id, "volunteer_id": vid}),
        )?;
        Ok(id)
    })
    .await
}

/// A party member's service in the quarter and the year against the community's expectation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PartyRow {
    pub member: PartyMember,
    pub quarter_activities: i64,
    pub quarter_hours: f64,
    pub year_activities: i64,
    pub year_hours: f64,
    /// Activities expected in the quarter (0 before they reported) and in the year so far.
    pub quarter_expected: i64,
    pub year_expected: i64,
}

impl PartyRow {
    pub fn quarter_met(&self) -> bool {
        self.quarter_activities >= self.quarter_expected
    }
}

/// The 双报到 sheet of a quarter: every reporting member (a liaison: its unit's).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PartySheet {
    pub year: i32,
    pub quarter: u32,
    pub from: String,
    pub to: String,
    pub per_quarter: i64,
    pub rows: Vec<PartyRow>,
}

pub async fn party_sheet(
    app: &App,
    actor: &Actor,
    year: i32,
    quarter: u32,
    unit: Option<i64>,
) -> Result<PartySheet> {
    let t = viewer(app, actor).await?;
    let (from, to) =
        rules::quarter_range(year, quarter).ok_or(Error::invalid("quarter_bad", "quarter"))?;
    let unit = unit_filter(actor).or(unit);
    let today = actor.today();
    let year_from =
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or(Error::invalid("quarter_bad", "year"))?;
    let year_to =
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or(Error::invalid("quarter_bad", "year"))?;
    let (members, q, y, per_quarter) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::party_members(c, t, unit, to)?,
                store::credited_by_volunteer(c, t, &from.to_string(), &to.to_string())?,
                store::credited_by_volunteer(c, t, &year_from.to_string(), &year_to.to_string())?,
                store::party_activities_per_quarter(c, t)?,
            ))
        })
        .await?;
    let find = |list: &[(i64, i64, i64)], vid: i64| {
        list.iter().find(|(v, _, _)| *v == vid).map(|(_, n, h)| (*n, *h)).unwrap_or((0, 0))
    };
    let rows = members
        .into_iter()
        .map(|m| {
            let reported = m.reported_on;
            let (qa, qh) = find(&q, m.volunteer_id);
            let (ya, yh) = find(&y, m.volunteer_id);
            PartyRow {
                quarter_expected: if reported <= to && from <= today { per_quarter } else { 0 },
                year_expected: rules::expected_in_year(year, reported, today, per_quarter),
                quarter_activities: qa,
                quarter_hours: hours(qh),
                year_activities: ya,
                year_hours: hours(yh),
                member: m,
            }
        })
        .collect();
    Ok(PartySheet { year, quarter, from: from.to_string(), to: to.to_string(), per_quarter, rows })
}

/// Sets the community's expectation of a reporting member (activities a quarter).
pub async fn set_party_expectation(app: &App, actor: &Actor, per_quarter: i64) -> Result<()> {
    let t = keeper(app, actor).await?;
    if !(0..=20).contains(&per_quarter) {
        return Err(Error::invalid("expectation_bad", "per_quarter"));
    }
    app.write(actor, move |tx| {
        store::set_party_activities_per_quarter(tx.c, t, per_quarter)?;
        tx.audit_collection(
            t,
            "party_member.expectation",
            "party_member",
            json!({"per_quarter": per_quarter}),
        )
    })
    .await
}
