//! Partner units, agreements, the joint committee, the three lists and issue reports (issue 7).

use crate::Result;
use crate::db::{Conn, Row, Value, now_text};
use crate::error::StoreError;
use crate::photo::Photo;
use crate::{Tenant, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::clock::Stamp;
use linli_core::partners::{
    ActivityKind, CommitteePost, Delivered, NeedStatus, PartnerKind, ResourceKind,
};
use serde::Serialize;

// ---- partner units ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Partner {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub name: String,
    pub kind: PartnerKind,
    pub address: String,
    pub party_org: String,
    pub note: String,
    /// The last day of its newest agreement, if it has one.
    pub agreement_to: Option<String>,
    pub agreement_from: Option<String>,
}

pub struct PartnerInput {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub party_org: String,
    pub note: String,
}

const PARTNER_COLUMNS: &str =
    "p.id, p.community_id, p.name, p.kind, p.address, p.party_org, p.note,
    (SELECT MAX(a.valid_to) FROM agreements a WHERE a.partner_id = p.id),
    (SELECT MIN(a.valid_from) FROM agreements a WHERE a.partner_id = p.id)";

fn partner_from(r: &Row) -> Result<Partner> {
    Ok(from_row!(r => Partner {
        id, community_id, name, kind, address, party_org, note, agreement_to, agreement_from
    }))
}

pub fn create_partner(
    c: &mut dyn Conn,
    t: Tenant,
    p: &PartnerInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    let exists = c.count(
        "SELECT COUNT(*) FROM partners WHERE community_id = ? AND name = ?",
        params![t, p.name.clone()],
    )?;
    if exists > 0 {
        return Err(StoreError::Conflict { code: "partner_exists", field: Some("name") });
    }
    c.insert(
        "INSERT INTO partners (community_id, name, kind, address, party_org, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, p.name.clone(), p.kind.clone(), p.address.clone(), p.party_org.clone(), p.note.clone(), now_text(now)],
    )
}

pub fn get_partner(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Partner> {
    let sql =
        format!("SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.id = ? AND p.community_id = ?");
    partner_from(&c.query_one(&sql, params![id, t])?)
}

/// The community's partner units (only `only` when a liaison asks), by name.
pub fn list_partners(c: &mut dyn Conn, t: Tenant, only: Option<i64>) -> Result<Vec<Partner>> {
    let mut sql = format!("SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.community_id = ?");
    let mut args = vec![Value::from(t)];
    if let Some(p) = only {
        sql.push_str(" AND p.id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY p.id");
    c.query_map(&sql, &args, partner_from)
}

/// Whether `partner_id` is a unit of `community_id` (a liaison's grant must name one).
pub fn partner_in_community(c: &mut dyn Conn, t: Tenant, partner_id: i64) -> Result<bool> {
    Ok(c.count(
        "SELECT COUNT(*) FROM partners WHERE id = ? AND community_id = ?",
        params![partner_id, t],
    )? > 0)
}

// ---- agreements and commitments ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Commitment {
    pub id: i64,
    pub kind: ActivityKind,
    pub target_per_year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Agreement {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub signed_on: NaiveDate,
    pub valid_from: String,
    pub valid_to: String,
    pub parties: String,
    pub body: String,
    pub renews_id: Option<i64>,
    pub commitments: Vec<Commitment>,
}

pub struct AgreementInput {
    pub partner_id: i64,
    pub signed_on: NaiveDate,
    pub valid_from: String,
    pub valid_to: String,
    pub parties: String,
    pub body: String,
    pub renews_id: Option<i64>,
    /// (activity kind, target per year)
    pub commitments: Vec<(String, i64)>,
}

pub fn create_agreement(
    c: &mut dyn Conn,
    t: Tenant,
    a: &AgreementInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = c.insert(
        "INSERT INTO agreements (community_id, partner_id, signed_on, valid_from, valid_to, parties, body, renews_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, a.partner_id, a.signed_on, a.valid_from.clone(), a.valid_to.clone(), a.parties.clone(), a.body.clone(), a.renews_id, user, now_text(now)],
    )?;
    for (kind, target) in &a.commitments {
        c.execute(
            "INSERT INTO commitments (community_id, agreement_id, partner_id, kind, target_per_year) VALUES (?, ?, ?, ?, ?)",
            params![t, id, a.partner_id, kind.clone(), *target],
        )?;
    }
    Ok(id)
}

fn commitments_of(c: &mut dyn Conn, agreement_id: i64) -> Result<Vec<Commitment>> {
    c.query_map(
        "SELECT id, kind, target_per_year FROM commitments WHERE agreement_id = ? ORDER BY id",
        params![agreement_id],
        |r| Ok(from_row!(r => Commitment { id, kind, target_per_year })),
    )
}

const AGREEMENT_SELECT: &str = "SELECT a.id, a.community_id, a.partner_id, p.name, a.signed_on, a.valid_from, a.valid_to, a.parties, a.body, a.renews_id
    FROM agreements a JOIN partners p ON p.id = a.partner_id";

fn agreements_where(c: &mut dyn Conn, cond: &str, args: &[Value]) -> Result<Vec<Agreement>> {
    let sql = format!("{AGREEMENT_SELECT} WHERE {cond} ORDER BY a.valid_to DESC, a.id DESC");
    let rows = c.query(&sql, args)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id = r.int(0)?;
        out.push(Agreement {
            id,
            community_id: r.int(1)?,
            partner_id: r.int(2)?,
            partner_name: r.text(3)?,
            signed_on: r.date(4)?,
            valid_from: r.text(5)?,
            valid_to: r.text(6)?,
            parties: r.text(7)?,
            body: r.text(8)?,
            renews_id: r.opt_int(9)?,
            commitments: commitments_of(c, id)?,
        });
    }
    Ok(out)
}

pub fn get_agreement(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Agreement> {
    agreements_where(c, "a.id = ? AND a.community_id = ?", params![id, t])?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// A unit's agreements, newest first (renewals keep the old ones).
pub fn agreements_of(c: &mut dyn Conn, t: Tenant, partner_id: i64) -> Result<Vec<Agreement>> {
    agreements_where(c, "a.partner_id = ? AND a.community_id = ?", params![partner_id, t])
}

pub fn all_agreements(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Agreement>> {
    agreements_where(c, "a.community_id = ?", params![t])
}

/// A commitment in force in a year: (partner id, partner name, kind, target per year).
pub type ActiveCommitment = (i64, String, String, i64);

/// Commitments of agreements in force at any time in `year`; when several agreements of one
/// unit promise the same kind, the largest target counts once.
pub fn commitments_in_year(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<ActiveCommitment>> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mut sql = "SELECT k.partner_id, p.name, k.kind, MAX(k.target_per_year) FROM commitments k
         JOIN agreements a ON a.id = k.agreement_id JOIN partners p ON p.id = k.partner_id
         WHERE k.community_id = ? AND a.valid_from <= ? AND a.valid_to >= ?"
        .to_string();
    let mut args = vec![Value::from(t), to.into(), from.into()];
    if let Some(p) = only {
        sql.push_str(" AND k.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" GROUP BY k.partner_id, p.name, k.kind ORDER BY k.partner_id, k.kind");
    c.query_map(&sql, &args, |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.int(3)?)))
}

// ---- activities ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Activity {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: ActivityKind,
    pub on: NaiveDate,
    pub place: String,
    pub participants: Option<i64>,
    pub hours_tenths: Option<i64>,
    pub residents_served: String,
    pub note: String,
}

pub struct ActivityInput {
    pub partner_id: i64,
    pub kind: String,
    pub on: NaiveDate,
    pub place: String,
    pub participants: Option<i64>,
    pub hours_tenths: Option<i64>,
    pub residents_served: String,
    pub note: String,
}

pub fn add_activity(
    c: &mut dyn Conn,
    t: Tenant,
    a: &ActivityInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO partner_activities (community_id, partner_id, kind, held_on, place, participants, hours_tenths, residents_served, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, a.partner_id, a.kind.clone(), a.on, a.place.clone(), a.participants, a.hours_tenths, a.residents_served.clone(), a.note.clone(), user, now_text(now)],
    )
}

/// Activities in a year (of one unit, or all), newest first.
pub fn activities(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<Activity>> {
    let mut sql = "SELECT x.id, x.partner_id, p.name, x.kind, x.held_on, x.place, x.participants, x.hours_tenths, x.residents_served, x.note
        FROM partner_activities x JOIN partners p ON p.id = x.partner_id
        WHERE x.community_id = ? AND x.held_on >= ? AND x.held_on <= ?"
        .to_string();
    let mut args =
        vec![Value::from(t), format!("{year}-01-01").into(), format!("{year}-12-31").into()];
    if let Some(p) = only {
        sql.push_str(" AND x.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY x.held_on DESC, x.id DESC");
    c.query_map(&sql, &args, |r| {
        Ok(from_row!(r => Activity {
            id, partner_id, partner_name, kind, on, place, participants, hours_tenths,
            residents_served, note
        }))
    })
}

/// A photo of a partner activity (what the list shows: the bytes are fetched one by one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ActivityPhotoMeta {
    pub id: i64,
    pub activity_id: i64,
    pub width: i64,
    pub height: i64,
}

pub struct ActivityPhoto {
    pub community_id: i64,
    pub activity_id: i64,
    pub partner_id: i64,
    pub bytes: Vec<u8>,
}

/// Stores an activity photo already re-encoded (no EXIF) as a JPEG.
#[allow(clippy::too_many_arguments)]
pub fn add_activity_photo(
    c: &mut dyn Conn,
    t: Tenant,
    activity_id: i64,
    partner_id: i64,
    photo: Photo,
    now: DateTime<Utc>,
) -> Result<i64> {
    let [width, height, bytes] = photo.params();
    c.insert(
        "INSERT INTO partner_activity_photos (community_id, activity_id, partner_id, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, 'image/jpeg', ?, ?, ?, ?) RETURNING id",
        &[Value::from(t), activity_id.into(), partner_id.into(), width, height, bytes, now_text(now).into()],
    )
}

/// The photos of the activities held in a year (of one unit, or all), oldest first.
pub fn activity_photos(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<ActivityPhotoMeta>> {
    let mut sql = "SELECT ph.id, ph.activity_id, ph.width, ph.height
        FROM partner_activity_photos ph JOIN partner_activities x ON x.id = ph.activity_id
        WHERE ph.community_id = ? AND x.held_on >= ? AND x.held_on <= ?"
        .to_string();
    let mut args =
        vec![Value::from(t), format!("{year}-01-01").into(), format!("{year}-12-31").into()];
    if let Some(p) = only {
        sql.push_str(" AND ph.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY ph.id");
    c.query_map(&sql, &args, |r| {
        Ok(from_row!(r => ActivityPhotoMeta { id, activity_id, width, height }))
    })
}

pub fn get_activity_photo(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<ActivityPhoto> {
    let r = c.query_one(
        "SELECT community_id, activity_id, partner_id, bytes FROM partner_activity_photos WHERE id = ? AND community_id = ?",
        params![id, t],
    )?;
    let bytes = r.blob(3)?;
    Ok(from_row!(r => ActivityPhoto {
        community_id, activity_id, partner_id;
        bytes: bytes,
    }))
}

/// Activities as fulfilment counts them.
pub fn delivered(list: &[Activity]) -> Result<Vec<(i64, Delivered)>> {
    list.iter()
        .map(|a| (a, a.kind))
        .map(|(a, kind)| {
            Ok((
                a.partner_id,
                Delivered { kind, on: a.on, hours_tenths: a.hours_tenths.unwrap_or(0) },
            ))
        })
        .collect()
}

// ---- the joint committee ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Post {
    pub id: i64,
    pub post: CommitteePost,
    pub person_name: String,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub title: String,
    pub term_from: String,
    pub term_to: Option<String>,
}

pub struct PostInput {
    pub post: String,
    pub person_name: String,
    pub partner_id: Option<i64>,
    pub title: String,
    pub term_from: String,
    pub term_to: Option<String>,
}

pub fn add_post(c: &mut dyn Conn, t: Tenant, p: &PostInput) -> Result<i64> {
    c.insert(
        "INSERT INTO committee_posts (community_id, post, person_name, partner_id, title, term_from, term_to) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, p.post.clone(), p.person_name.clone(), p.partner_id, p.title.clone(), p.term_from.clone(), p.term_to.clone()],
    )
}

/// The committee's posts, by rank (书记 first).
pub fn posts(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Post>> {
    c.query_map(
        "SELECT k.id, k.post, k.person_name, k.partner_id, p.name, k.title, k.term_from, k.term_to FROM committee_posts k
         LEFT JOIN partners p ON p.id = k.partner_id WHERE k.community_id = ?
         ORDER BY CASE k.post WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, k.id",
        params![t],
        |r| {
        Ok(from_row!(r => Post {
            id, post, person_name, partner_id, partner_name, title, term_from, term_to
        }))
        },
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Meeting {
    pub id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub minutes: String,
    pub attendance: String,
    pub attendees: i64,
}

pub fn add_meeting(c: &mut dyn Conn, t: Tenant, m: &Meeting, now: DateTime<Utc>) -> Result<i64> {
    c.insert(
        "INSERT INTO committee_meetings (community_id, held_on, title, minutes, attendance, attendees, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, m.held_on, m.title.clone(), m.minutes.clone(), m.attendance.clone(), m.attendees, now_text(now)],
    )
}

pub fn meetings(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Meeting>> {
    c.query_map(
        "SELECT id, held_on, title, minutes, attendance, attendees FROM committee_meetings WHERE community_id = ? ORDER BY held_on DESC, id DESC",
        params![t],
        |r| {
        Ok(from_row!(r => Meeting { id, held_on, title, minutes, attendance, attendees }))
        },
    )
}

// ---- resources ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Resource {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: ResourceKind,
    pub description: String,
    pub availability: String,
}

pub fn add_resource(
    c: &mut dyn Conn,
    t: Tenant,
    partner_id: i64,
    kind: &str,
    description: &str,
    availability: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO partner_resources (community_id, partner_id, kind, description, availability, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING id",
        params![t, partner_id, kind, description, availability, now_text(now)],
    )
}

pub fn resources(c: &mut dyn Conn, t: Tenant, only: Option<i64>) -> Result<Vec<Resource>> {
    let mut sql = "SELECT x.id, x.partner_id, p.name, x.kind, x.description, x.availability FROM partner_resources x
        JOIN partners p ON p.id = x.partner_id WHERE x.community_id = ? AND x.active = 1"
        .to_string();
    let mut args = vec![Value::from(t)];
    if let Some(p) = only {
        sql.push_str(" AND x.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY x.partner_id, x.id");
    c.query_map(&sql, &args, |r| {
        Ok(from_row!(r => Resource {
            id, partner_id, partner_name, kind, description, availability
        }))
    })
}

// ---- needs and projects ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Need {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub title: String,
    pub description: String,
    pub place_text: String,
    pub urgency: String,
    pub raised_by: String,
    pub affair_id: Option<i64>,
    pub status: NeedStatus,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub claim_note: String,
    pub claimed_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    pub owner: String,
    pub plan: String,
    pub milestones: String,
    pub progress: String,
    pub completed_on: Option<NaiveDate>,
    pub verdict: String,
    pub created_at: Stamp,
}

pub struct NeedInput {
    pub title: String,
    pub description: String,
    pub place_text: String,
    pub urgency: String,
    pub raised_by: String,
    pub affair_id: Option<i64>,
}

pub fn create_need(
    c: &mut dyn Conn,
    t: Tenant,
    n: &NeedInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO needs (community_id, title, description, place_text, urgency, raised_by, affair_id, status, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
        params![t, n.title.clone(), n.description.clone(), n.place_text.clone(), n.urgency.clone(), n.raised_by.clone(), n.affair_id, user, now_text(now)],
    )
}

const NEED_SELECT: &str = "SELECT n.id, n.community_id, n.title, n.description, n.place_text, n.urgency, n.raised_by, n.affair_id, n.status,
    n.partner_id, p.name, n.claim_note, n.claimed_on, n.confirmed_on, n.owner, n.plan, n.milestones, n.progress, n.completed_on, n.verdict, n.created_at
    FROM needs n LEFT JOIN partners p ON p.id = n.partner_id";

fn need_from(r: &Row) -> Result<Need> {
    Ok(from_row!(r => Need {
        id, community_id, title, description, place_text, urgency, raised_by, affair_id, status,
        partner_id, partner_name, claim_note, claimed_on, confirmed_on, owner, plan, milestones,
        progress, completed_on, verdict, created_at
    }))
}

pub fn get_need(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Need> {
    let sql = format!("{NEED_SELECT} WHERE n.id = ? AND n.community_id = ?");
    need_from(&c.query_one(&sql, params![id, t])?)
}

/// Needs in the given states (all when empty): urgent first, then oldest first.
pub fn list_needs(c: &mut dyn Conn, t: Tenant, statuses: &[&str]) -> Result<Vec<Need>> {
    let mut sql = format!("{NEED_SELECT} WHERE n.community_id = ?");
    let mut args = vec![Value::from(t)];
    if !statuses.is_empty() {
        let marks: Vec<&str> = statuses.iter().map(|_| "?").collect();
        sql.push_str(&format!(" AND n.status IN ({})", marks.join(", ")));
        args.extend(statuses.iter().map(|s| Value::from(*s)));
    }
    sql.push_str(" ORDER BY CASE n.urgency WHEN 'urgent' THEN 0 ELSE 1 END, n.id");
    c.query_map(&sql, &args, need_from)
}

/// A liaison's claim: only an open need can be claimed (checked in the statement, so two
/// units claiming at once cannot both win).
pub fn claim_need(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    partner_id: i64,
    note: &str,
    on: NaiveDate,
) -> Result<()> {
    let n = c.execute(
        "UPDATE needs SET status = 'claimed', partner_id = ?, claim_note = ?, claimed_on = ? WHERE id = ? AND community_id = ? AND status = 'open'",
        params![partner_id, note, on, id, t],
    )?;
    StoreError::changed(n, "need_not_open")
}

/// The community's answer to a claim: confirmed (the need becomes a project) or turned down.
#[allow(clippy::too_many_arguments)]
pub fn decide_claim(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    confirm: bool,
    owner: &str,
    plan: &str,
    milestones: &str,
    on: NaiveDate,
    user: Option<i64>,
) -> Result<()> {
    let n = if confirm {
        c.execute(
            "UPDATE needs SET status = 'matched', confirmed_on = ?, confirmed_by = ?, owner = ?, plan = ?, milestones = ? WHERE id = ? AND community_id = ? AND status = 'claimed'",
            params![on, user, owner, plan, milestones, id, t],
        )?
    } else {
        c.execute(
            "UPDATE needs SET status = 'open', partner_id = NULL, claim_note = '', claimed_on = NULL WHERE id = ? AND community_id = ? AND status = 'claimed'",
            params![id, t],
        )?
    };
    StoreError::changed(n, "need_not_claimed")
}

pub fn update_project(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    progress: &str,
    completed_on: Option<NaiveDate>,
    verdict: &str,
) -> Result<()> {
    let n = match completed_on {
        Some(done) => c.execute(
            "UPDATE needs SET progress = ?, completed_on = ?, verdict = ?, status = 'done' WHERE id = ? AND community_id = ? AND status IN ('matched', 'done')",
            params![progress, done, verdict, id, t],
        )?,
        None => c.execute(
            "UPDATE needs SET progress = ?, verdict = ? WHERE id = ? AND community_id = ? AND status IN ('matched', 'done')",
            params![progress, verdict, id, t],
        )?,
    };
    StoreError::changed(n, "need_not_matched")
}

// ---- indicators ----

/// `partners.signed`: partner units with an agreement in force at any time in `[from, to]`.
pub fn signed_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(DISTINCT partner_id) FROM agreements WHERE community_id = ? AND valid_from <= ? AND valid_to >= ?",
        params![t, to, from],
    )
}

/// `partners.signed_in_year`: partner units whose agreement was signed in `[from, to]` (a
/// renewal signed in the period counts; an agreement merely in force does not).
pub fn signed_in_period_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(DISTINCT partner_id) FROM agreements WHERE community_id = ? AND signed_on >= ? AND signed_on <= ?",
        params![t, from, to],
    )
}

/// `partners.lectures`: health-lecture activities delivered in `[from, to]`.
pub fn lectures_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM partner_activities WHERE community_id = ? AND kind = 'health_lecture' AND held_on >= ? AND held_on <= ?",
        params![t, from, to],
    )
}

/// Sets what a partner activity served by named volunteers delivered: the volunteers credited
/// and their hours (tenths), kept in step with their service records.
pub fn set_activity_figures(
    c: &mut dyn Conn,
    t: Tenant,
    activity_id: i64,
    participants: i64,
    hours_tenths: i64,
) -> Result<()> {
    c.execute(
        "UPDATE partner_activities SET participants = ?, hours_tenths = ? WHERE community_id = ? AND id = ?",
        params![participants, hours_tenths, t, activity_id],
    )?;
    Ok(())
}
