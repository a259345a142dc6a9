//! Partner units, agreements, the joint committee, the three lists and issue reports (issue 7).

use crate::Result;
use crate::db::{Conn, Row, Value, now_text};
use crate::error::StoreError;
use crate::params;
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::partners::{ActivityKind, AffairFacts, DEFAULT_CATEGORIES, Delivered, Rating};
use serde::Serialize;

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Db(format!("bad date {s}: {e}")))
}

fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.map(|s| date(&s)).transpose()
}

// ---- partner units ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partner {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub name: String,
    pub kind: String,
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
    Ok(Partner {
        id: r.int(0)?,
        community_id: r.int(1)?,
        name: r.text(2)?,
        kind: r.text(3)?,
        address: r.text(4)?,
        party_org: r.text(5)?,
        note: r.text(6)?,
        agreement_to: r.opt_text(7)?,
        agreement_from: r.opt_text(8)?,
    })
}

pub fn create_partner(
    c: &mut dyn Conn,
    community_id: i64,
    p: &PartnerInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    let exists = c.count(
        "SELECT COUNT(*) FROM partners WHERE community_id = ? AND name = ?",
        params![community_id, p.name.clone()],
    )?;
    if exists > 0 {
        return Err(StoreError::Conflict {
            code: "partner_exists",
            field: Some("name"),
        });
    }
    c.insert(
        "INSERT INTO partners (community_id, name, kind, address, party_org, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, p.name.clone(), p.kind.clone(), p.address.clone(), p.party_org.clone(), p.note.clone(), now_text(now)],
    )
}

pub fn get_partner(c: &mut dyn Conn, id: i64) -> Result<Partner> {
    let sql = format!("SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.id = ?");
    partner_from(&c.query_one(&sql, params![id])?)
}

/// The community's partner units (only `only` when a liaison asks), by name.
pub fn list_partners(
    c: &mut dyn Conn,
    community_id: i64,
    only: Option<i64>,
) -> Result<Vec<Partner>> {
    let mut sql = format!("SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.community_id = ?");
    let mut args = vec![Value::from(community_id)];
    if let Some(p) = only {
        sql.push_str(" AND p.id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY p.id");
    c.query(&sql, &args)?.iter().map(partner_from).collect()
}

/// Whether `partner_id` is a unit of `community_id` (a liaison's grant must name one).
pub fn partner_in_community(c: &mut dyn Conn, community_id: i64, partner_id: i64) -> Result<bool> {
    Ok(c.count(
        "SELECT COUNT(*) FROM partners WHERE id = ? AND community_id = ?",
        params![partner_id, community_id],
    )? > 0)
}

// ---- agreements and commitments ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commitment {
    pub id: i64,
    pub kind: String,
    pub target_per_year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub signed_on: String,
    pub valid_from: String,
    pub valid_to: String,
    pub parties: String,
    pub body: String,
    pub renews_id: Option<i64>,
    pub commitments: Vec<Commitment>,
}

pub struct AgreementInput {
    pub partner_id: i64,
    pub signed_on: String,
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
    community_id: i64,
    a: &AgreementInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = c.insert(
        "INSERT INTO agreements (community_id, partner_id, signed_on, valid_from, valid_to, parties, body, renews_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, a.partner_id, a.signed_on.clone(), a.valid_from.clone(), a.valid_to.clone(), a.parties.clone(), a.body.clone(), a.renews_id, user, now_text(now)],
    )?;
    for (kind, target) in &a.commitments {
        c.execute(
            "INSERT INTO commitments (community_id, agreement_id, partner_id, kind, target_per_year) VALUES (?, ?, ?, ?, ?)",
            params![community_id, id, a.partner_id, kind.clone(), *target],
        )?;
    }
    Ok(id)
}

fn commitments_of(c: &mut dyn Conn, agreement_id: i64) -> Result<Vec<Commitment>> {
    c.query(
        "SELECT id, kind, target_per_year FROM commitments WHERE agreement_id = ? ORDER BY id",
        params![agreement_id],
    )?
    .iter()
    .map(|r| {
        Ok(Commitment {
            id: r.int(0)?,
            kind: r.text(1)?,
            target_per_year: r.int(2)?,
        })
    })
    .collect()
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
            signed_on: r.text(4)?,
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

pub fn get_agreement(c: &mut dyn Conn, id: i64) -> Result<Agreement> {
    agreements_where(c, "a.id = ?", params![id])?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// A unit's agreements, newest first (renewals keep the old ones).
pub fn agreements_of(c: &mut dyn Conn, partner_id: i64) -> Result<Vec<Agreement>> {
    agreements_where(c, "a.partner_id = ?", params![partner_id])
}

pub fn all_agreements(c: &mut dyn Conn, community_id: i64) -> Result<Vec<Agreement>> {
    agreements_where(c, "a.community_id = ?", params![community_id])
}

/// A commitment in force in a year: (partner id, partner name, kind, target per year).
pub type ActiveCommitment = (i64, String, String, i64);

/// Commitments of agreements in force at any time in `year`; when several agreements of one
/// unit promise the same kind, the largest target counts once.
pub fn commitments_in_year(
    c: &mut dyn Conn,
    community_id: i64,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<ActiveCommitment>> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mut sql = "SELECT k.partner_id, p.name, k.kind, MAX(k.target_per_year) FROM commitments k
         JOIN agreements a ON a.id = k.agreement_id JOIN partners p ON p.id = k.partner_id
         WHERE k.community_id = ? AND a.valid_from <= ? AND a.valid_to >= ?"
        .to_string();
    let mut args = vec![Value::from(community_id), to.into(), from.into()];
    if let Some(p) = only {
        sql.push_str(" AND k.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" GROUP BY k.partner_id, p.name, k.kind ORDER BY k.partner_id, k.kind");
    c.query(&sql, &args)?
        .iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.int(3)?)))
        .collect()
}

// ---- activities ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: String,
    pub on: String,
    pub place: String,
    pub participants: Option<i64>,
    pub hours_tenths: Option<i64>,
    pub residents_served: String,
    pub note: String,
}

pub struct ActivityInput {
    pub partner_id: i64,
    pub kind: String,
    pub on: String,
    pub place: String,
    pub participants: Option<i64>,
    pub hours_tenths: Option<i64>,
    pub residents_served: String,
    pub note: String,
}

pub fn add_activity(
    c: &mut dyn Conn,
    community_id: i64,
    a: &ActivityInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO partner_activities (community_id, partner_id, kind, held_on, place, participants, hours_tenths, residents_served, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, a.partner_id, a.kind.clone(), a.on.clone(), a.place.clone(), a.participants, a.hours_tenths, a.residents_served.clone(), a.note.clone(), user, now_text(now)],
    )
}

/// Activities in a year (of one unit, or all), newest first.
pub fn activities(
    c: &mut dyn Conn,
    community_id: i64,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<Activity>> {
    let mut sql = "SELECT x.id, x.partner_id, p.name, x.kind, x.held_on, x.place, x.participants, x.hours_tenths, x.residents_served, x.note
        FROM partner_activities x JOIN partners p ON p.id = x.partner_id
        WHERE x.community_id = ? AND x.held_on >= ? AND x.held_on <= ?"
        .to_string();
    let mut args = vec![
        Value::from(community_id),
        format!("{year}-01-01").into(),
        format!("{year}-12-31").into(),
    ];
    if let Some(p) = only {
        sql.push_str(" AND x.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY x.held_on DESC, x.id DESC");
    c.query(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(Activity {
                id: r.int(0)?,
                partner_id: r.int(1)?,
                partner_name: r.text(2)?,
                kind: r.text(3)?,
                on: r.text(4)?,
                place: r.text(5)?,
                participants: r.opt_int(6)?,
                hours_tenths: r.opt_int(7)?,
                residents_served: r.text(8)?,
                note: r.text(9)?,
            })
        })
        .collect()
}

/// A photo of a partner activity (what the list shows: the bytes are fetched one by one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    community_id: i64,
    activity_id: i64,
    partner_id: i64,
    width: u32,
    height: u32,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO partner_activity_photos (community_id, activity_id, partner_id, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, 'image/jpeg', ?, ?, ?, ?) RETURNING id",
        &[
            Value::from(community_id),
            activity_id.into(),
            partner_id.into(),
            i64::from(width).into(),
            i64::from(height).into(),
            Value::Blob(bytes),
            now_text(now).into(),
        ],
    )
}

/// The photos of the activities held in a year (of one unit, or all), oldest first.
pub fn activity_photos(
    c: &mut dyn Conn,
    community_id: i64,
    year: i32,
    only: Option<i64>,
) -> Result<Vec<ActivityPhotoMeta>> {
    let mut sql = "SELECT ph.id, ph.activity_id, ph.width, ph.height
        FROM partner_activity_photos ph JOIN partner_activities x ON x.id = ph.activity_id
        WHERE ph.community_id = ? AND x.held_on >= ? AND x.held_on <= ?"
        .to_string();
    let mut args = vec![
        Value::from(community_id),
        format!("{year}-01-01").into(),
        format!("{year}-12-31").into(),
    ];
    if let Some(p) = only {
        sql.push_str(" AND ph.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY ph.id");
    c.query(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(ActivityPhotoMeta {
                id: r.int(0)?,
                activity_id: r.int(1)?,
                width: r.int(2)?,
                height: r.int(3)?,
            })
        })
        .collect()
}

pub fn get_activity_photo(c: &mut dyn Conn, id: i64) -> Result<ActivityPhoto> {
    let r = c.query_one(
        "SELECT community_id, activity_id, partner_id, bytes FROM partner_activity_photos WHERE id = ?",
        params![id],
    )?;
    let bytes = r.blob(3)?;
    Ok(ActivityPhoto {
        community_id: r.int(0)?,
        activity_id: r.int(1)?,
        partner_id: r.int(2)?,
        bytes,
    })
}

/// Activities as fulfilment counts them.
pub fn delivered(list: &[Activity]) -> Result<Vec<(i64, Delivered)>> {
    list.iter()
        .filter_map(|a| ActivityKind::parse(&a.kind).map(|k| (a, k)))
        .map(|(a, kind)| {
            Ok((
                a.partner_id,
                Delivered {
                    kind,
                    on: date(&a.on)?,
                    hours_tenths: a.hours_tenths.unwrap_or(0),
                },
            ))
        })
        .collect()
}

// ---- the joint committee ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    pub id: i64,
    pub post: String,
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

pub fn add_post(c: &mut dyn Conn, community_id: i64, p: &PostInput) -> Result<i64> {
    c.insert(
        "INSERT INTO committee_posts (community_id, post, person_name, partner_id, title, term_from, term_to) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, p.post.clone(), p.person_name.clone(), p.partner_id, p.title.clone(), p.term_from.clone(), p.term_to.clone()],
    )
}

/// The committee's posts, by rank (书记 first).
pub fn posts(c: &mut dyn Conn, community_id: i64) -> Result<Vec<Post>> {
    c.query(
        "SELECT k.id, k.post, k.person_name, k.partner_id, p.name, k.title, k.term_from, k.term_to FROM committee_posts k
         LEFT JOIN partners p ON p.id = k.partner_id WHERE k.community_id = ?
         ORDER BY CASE k.post WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, k.id",
        params![community_id],
    )?
    .iter()
    .map(|r| {
        Ok(Post {
            id: r.int(0)?,
            post: r.text(1)?,
            person_name: r.text(2)?,
            partner_id: r.opt_int(3)?,
            partner_name: r.opt_text(4)?,
            title: r.text(5)?,
            term_from: r.text(6)?,
            term_to: r.opt_text(7)?,
        })
    })
    .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub held_on: String,
    pub title: String,
    pub minutes: String,
    pub attendance: String,
    pub attendees: i64,
}

pub fn add_meeting(
    c: &mut dyn Conn,
    community_id: i64,
    m: &Meeting,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO committee_meetings (community_id, held_on, title, minutes, attendance, attendees, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, m.held_on.clone(), m.title.clone(), m.minutes.clone(), m.attendance.clone(), m.attendees, now_text(now)],
    )
}

pub fn meetings(c: &mut dyn Conn, community_id: i64) -> Result<Vec<Meeting>> {
    c.query(
        "SELECT id, held_on, title, minutes, attendance, attendees FROM committee_meetings WHERE community_id = ? ORDER BY held_on DESC, id DESC",
        params![community_id],
    )?
    .iter()
    .map(|r| {
        Ok(Meeting {
            id: r.int(0)?,
            held_on: r.text(1)?,
            title: r.text(2)?,
            minutes: r.text(3)?,
            attendance: r.text(4)?,
            attendees: r.int(5)?,
        })
    })
    .collect()
}

// ---- resources ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: String,
    pub description: String,
    pub availability: String,
}

pub fn add_resource(
    c: &mut dyn Conn,
    community_id: i64,
    partner_id: i64,
    kind: &str,
    description: &str,
    availability: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO partner_resources (community_id, partner_id, kind, description, availability, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING id",
        params![community_id, partner_id, kind, description, availability, now_text(now)],
    )
}

pub fn resources(c: &mut dyn Conn, community_id: i64, only: Option<i64>) -> Result<Vec<Resource>> {
    let mut sql = "SELECT x.id, x.partner_id, p.name, x.kind, x.description, x.availability FROM partner_resources x
        JOIN partners p ON p.id = x.partner_id WHERE x.community_id = ? AND x.active = 1"
        .to_string();
    let mut args = vec![Value::from(community_id)];
    if let Some(p) = only {
        sql.push_str(" AND x.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY x.partner_id, x.id");
    c.query(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(Resource {
                id: r.int(0)?,
                partner_id: r.int(1)?,
                partner_name: r.text(2)?,
                kind: r.text(3)?,
                description: r.text(4)?,
                availability: r.text(5)?,
            })
        })
        .collect()
}

// ---- needs and projects ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub status: String,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub claim_note: String,
    pub claimed_on: Option<String>,
    pub confirmed_on: Option<String>,
    pub owner: String,
    pub plan: String,
    pub milestones: String,
    pub progress: String,
    pub completed_on: Option<String>,
    pub verdict: String,
    pub created_at: String,
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
    community_id: i64,
    n: &NeedInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO needs (community_id, title, description, place_text, urgency, raised_by, affair_id, status, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
        params![community_id, n.title.clone(), n.description.clone(), n.place_text.clone(), n.urgency.clone(), n.raised_by.clone(), n.affair_id, user, now_text(now)],
    )
}

const NEED_SELECT: &str = "SELECT n.id, n.community_id, n.title, n.description, n.place_text, n.urgency, n.raised_by, n.affair_id, n.status,
    n.partner_id, p.name, n.claim_note, n.claimed_on, n.confirmed_on, n.owner, n.plan, n.milestones, n.progress, n.completed_on, n.verdict, n.created_at
    FROM needs n LEFT JOIN partners p ON p.id = n.partner_id";

fn need_from(r: &Row) -> Result<Need> {
    Ok(Need {
        id: r.int(0)?,
        community_id: r.int(1)?,
        title: r.text(2)?,
        description: r.text(3)?,
        place_text: r.text(4)?,
        urgency: r.text(5)?,
        raised_by: r.text(6)?,
        affair_id: r.opt_int(7)?,
        status: r.text(8)?,
        partner_id: r.opt_int(9)?,
        partner_name: r.opt_text(10)?,
        claim_note: r.text(11)?,
        claimed_on: r.opt_text(12)?,
        confirmed_on: r.opt_text(13)?,
        owner: r.text(14)?,
        plan: r.text(15)?,
        milestones: r.text(16)?,
        progress: r.text(17)?,
        completed_on: r.opt_text(18)?,
        verdict: r.text(19)?,
        created_at: r.text(20)?,
    })
}

pub fn get_need(c: &mut dyn Conn, id: i64) -> Result<Need> {
    let sql = format!("{NEED_SELECT} WHERE n.id = ?");
    need_from(&c.query_one(&sql, params![id])?)
}

/// Needs in the given states (all when empty): urgent first, then oldest first.
pub fn list_needs(c: &mut dyn Conn, community_id: i64, statuses: &[&str]) -> Result<Vec<Need>> {
    let mut sql = format!("{NEED_SELECT} WHERE n.community_id = ?");
    let mut args = vec![Value::from(community_id)];
    if !statuses.is_empty() {
        let marks: Vec<&str> = statuses.iter().map(|_| "?").collect();
        sql.push_str(&format!(" AND n.status IN ({})", marks.join(", ")));
        args.extend(statuses.iter().map(|s| Value::from(*s)));
    }
    sql.push_str(" ORDER BY CASE n.urgency WHEN 'urgent' THEN 0 ELSE 1 END, n.id");
    c.query(&sql, &args)?.iter().map(need_from).collect()
}

/// A liaison's claim: only an open need can be claimed (checked in the statement, so two
/// units claiming at once cannot both win).
pub fn claim_need(c: &mut dyn Conn, id: i64, partner_id: i64, note: &str, on: &str) -> Result<()> {
    let n = c.execute(
        "UPDATE needs SET status = 'claimed', partner_id = ?, claim_note = ?, claimed_on = ? WHERE id = ? AND status = 'open'",
        params![partner_id, note, on, id],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict {
            code: "need_not_open",
            field: None,
        });
    }
    Ok(())
}

/// The community's answer to a claim: confirmed (the need becomes a project) or turned down.
#[allow(clippy::too_many_arguments)]
pub fn decide_claim(
    c: &mut dyn Conn,
    id: i64,
    confirm: bool,
    owner: &str,
    plan: &str,
    milestones: &str,
    on: &str,
    user: Option<i64>,
) -> Result<()> {
    let n = if confirm {
        c.execute(
            "UPDATE needs SET status = 'matched', confirmed_on = ?, confirmed_by = ?, owner = ?, plan = ?, milestones = ? WHERE id = ? AND status = 'claimed'",
            params![on, user, owner, plan, milestones, id],
        )?
    } else {
        c.execute(
            "UPDATE needs SET status = 'open', partner_id = NULL, claim_note = '', claimed_on = NULL WHERE id = ? AND status = 'claimed'",
            params![id],
        )?
    };
    if n == 0 {
        return Err(StoreError::Conflict {
            code: "need_not_claimed",
            field: None,
        });
    }
    Ok(())
}

pub fn update_project(
    c: &mut dyn Conn,
    id: i64,
    progress: &str,
    completed_on: Option<&str>,
    verdict: &str,
) -> Result<()> {
    let n = match completed_on {
        Some(done) => c.execute(
            "UPDATE needs SET progress = ?, completed_on = ?, verdict = ?, status = 'done' WHERE id = ? AND status IN ('matched', 'done')",
            params![progress, done, verdict, id],
        )?,
        None => c.execute(
            "UPDATE needs SET progress = ?, verdict = ? WHERE id = ? AND status IN ('matched', 'done')",
            params![progress, verdict, id],
        )?,
    };
    if n == 0 {
        return Err(StoreError::Conflict {
            code: "need_not_matched",
            field: None,
        });
    }
    Ok(())
}

// ---- issue reports ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub respond_days: i64,
    pub resolve_days: i64,
}

/// The community's categories; the defaults until it configures its own.
pub fn categories(c: &mut dyn Conn, community_id: i64) -> Result<Vec<Category>> {
    let rows = c.query(
        "SELECT code, name_zh, name_en, respond_days, resolve_days FROM affair_categories WHERE community_id = ? AND active = 1 ORDER BY sort_order, code",
        params![community_id],
    )?;
    if rows.is_empty() {
        return Ok(DEFAULT_CATEGORIES
            .iter()
            .map(|d| Category {
                code: d.code.into(),
                name_zh: d.name_zh.into(),
                name_en: d.name_en.into(),
                respond_days: i64::from(d.respond_days),
                resolve_days: i64::from(d.resolve_days),
            })
            .collect());
    }
    rows.iter()
        .map(|r| {
            Ok(Category {
                code: r.text(0)?,
                name_zh: r.text(1)?,
                name_en: r.text(2)?,
                respond_days: r.int(3)?,
                resolve_days: r.int(4)?,
            })
        })
        .collect()
}

/// Configures a community's categories (replacing the defaults): a deployment's own list.
pub fn set_categories(c: &mut dyn Conn, community_id: i64, list: &[Category]) -> Result<()> {
    c.execute(
        "UPDATE affair_categories SET active = 0 WHERE community_id = ?",
        params![community_id],
    )?;
    for (i, k) in list.iter().enumerate() {
        c.execute(
            "INSERT INTO affair_categories (community_id, code, name_zh, name_en, respond_days, resolve_days, active, sort_order) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
             ON CONFLICT (community_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
               respond_days = excluded.respond_days, resolve_days = excluded.resolve_days, active = 1, sort_order = excluded.sort_order",
            params![community_id, k.code.clone(), k.name_zh.clone(), k.name_en.clone(), k.respond_days, k.resolve_days, i as i64],
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Affair {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    #[serde(rename = "ref")]
    pub public_ref: String,
    pub category: String,
    pub description: String,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub place_text: String,
    /// Full number: never serialised; shown masked.
    #[serde(skip)]
    pub reporter_phone: Option<String>,
    pub channel: String,
    pub status: String,
    pub reported_on: String,
    pub respond_by: String,
    pub resolve_by: String,
    pub assignee_user_id: Option<i64>,
    pub assignee_user_name: Option<String>,
    pub assignee_partner_id: Option<i64>,
    pub assignee_partner_name: Option<String>,
    pub responded_on: Option<String>,
    pub resolved_on: Option<String>,
    pub resolution: String,
    pub rating: Option<String>,
    pub rated_on: Option<String>,
    pub rating_note: String,
    /// The need it was put on the needs list as, if any.
    pub need_id: Option<i64>,
}

pub struct AffairInput {
    pub public_ref: String,
    pub category: String,
    pub description: String,
    pub place_id: Option<i64>,
    pub place_path: String,
    pub place_text: String,
    pub reporter_phone: Option<String>,
    pub channel: String,
    pub reported_on: String,
    pub respond_by: String,
    pub resolve_by: String,
}

const AFFAIR_SELECT: &str = "SELECT f.id, f.community_id, f.public_ref, f.category, f.description, f.place_id, pl.name, f.place_path, f.place_text,
    f.reporter_phone, f.channel, f.status, f.reported_on, f.respond_by, f.resolve_by, f.assignee_user_id, u.display_name,
    f.assignee_partner_id, p.name, f.responded_on, f.resolved_on, f.resolution, f.rating, f.rated_on, f.rating_note,
    (SELECT MIN(n.id) FROM needs n WHERE n.affair_id = f.id)
    FROM affairs f LEFT JOIN places pl ON pl.id = f.place_id LEFT JOIN users u ON u.id = f.assignee_user_id
    LEFT JOIN partners p ON p.id = f.assignee_partner_id";

fn affair_from(r: &Row) -> Result<Affair> {
    Ok(Affair {
        id: r.int(0)?,
        community_id: r.int(1)?,
        public_ref: r.text(2)?,
        category: r.text(3)?,
        description: r.text(4)?,
        place_id: r.opt_int(5)?,
        place_name: r.opt_text(6)?,
        place_path: PlacePath::parse(&r.text(7)?)
            .ok_or_else(|| StoreError::Db("malformed affair path".into()))?,
        place_text: r.text(8)?,
        reporter_phone: r.opt_text(9)?,
        channel: r.text(10)?,
        status: r.text(11)?,
        reported_on: r.text(12)?,
        respond_by: r.text(13)?,
        resolve_by: r.text(14)?,
        assignee_user_id: r.opt_int(15)?,
        assignee_user_name: r.opt_text(16)?,
        assignee_partner_id: r.opt_int(17)?,
        assignee_partner_name: r.opt_text(18)?,
        responded_on: r.opt_text(19)?,
        resolved_on: r.opt_text(20)?,
        resolution: r.text(21)?,
        rating: r.opt_text(22)?,
        rated_on: r.opt_text(23)?,
        rating_note: r.text(24)?,
        need_id: r.opt_int(25)?,
    })
}

pub fn create_affair(
    c: &mut dyn Conn,
    community_id: i64,
    a: &AffairInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = now_text(now);
    c.insert(
        "INSERT INTO affairs (community_id, public_ref, category, description, place_id, place_path, place_text, reporter_phone, channel, status,
             reported_on, respond_by, resolve_by, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, a.public_ref.clone(), a.category.clone(), a.description.clone(), a.place_id, a.place_path.clone(), a.place_text.clone(),
            a.reporter_phone.clone(), a.channel.clone(), a.reported_on.clone(), a.respond_by.clone(), a.resolve_by.clone(), user, at.clone(), at],
    )
}

pub fn get_affair(c: &mut dyn Conn, id: i64) -> Result<Affair> {
    let sql = format!("{AFFAIR_SELECT} WHERE f.id = ?");
    affair_from(&c.query_one(&sql, params![id])?)
}

pub fn affair_by_ref(c: &mut dyn Conn, public_ref: &str) -> Result<Affair> {
    let sql = format!("{AFFAIR_SELECT} WHERE f.public_ref = ?");
    affair_from(&c.query_one(&sql, params![public_ref])?)
}

/// Which issues a list shows.
#[derive(Debug, Clone, Default)]
pub struct AffairFilter {
    pub status: Option<String>,
    /// Only those open (not yet resolved).
    pub open: bool,
    pub partner_id: Option<i64>,
    pub assignee_user_id: Option<i64>,
    /// Place scopes (empty: the whole community).
    pub scopes: Vec<PlacePath>,
    /// With scopes: also the issues placed only by free text (community staff see those).
    pub unplaced: bool,
    /// With scopes: also the issues given to this user wherever they are (a worker handles what
    /// she was assigned, even outside her grid).
    pub or_assignee: Option<i64>,
}

/// Issues of a community, open ones by deadline first, then the rest newest first.
pub fn list_affairs(c: &mut dyn Conn, community_id: i64, f: &AffairFilter) -> Result<Vec<Affair>> {
    let mut sql = format!("{AFFAIR_SELECT} WHERE f.community_id = ?");
    let mut args = vec![Value::from(community_id)];
    if let Some(s) = &f.status {
        sql.push_str(" AND f.status = ?");
        args.push(s.clone().into());
    }
    if f.open {
        sql.push_str(" AND f.status IN ('reported', 'assigned', 'in_progress')");
    }
    if let Some(p) = f.partner_id {
        sql.push_str(" AND f.assignee_partner_id = ?");
        args.push(p.into());
    }
    if let Some(u) = f.assignee_user_id {
        sql.push_str(" AND f.assignee_user_id = ?");
        args.push(u.into());
    }
    if !f.scopes.is_empty() {
        let parts: Vec<String> = f
            .scopes
            .iter()
            .map(|s| {
                let (lo, hi) = crate::places::prefix_range(s);
                args.push(lo.into());
                args.push(hi.into());
                "(f.place_path >= ? AND f.place_path < ?)".to_string()
            })
            .collect();
        let unplaced = if f.unplaced {
            " OR f.place_id IS NULL"
        } else {
            ""
        };
        let assigned = match f.or_assignee {
            Some(u) => {
                args.push(u.into());
                " OR f.assignee_user_id = ?"
            }
            None => "",
        };
        sql.push_str(&format!(
            " AND ({}{unplaced}{assigned})",
            parts.join(" OR ")
        ));
    }
    sql.push_str(
        " ORDER BY CASE WHEN f.status IN ('reported', 'assigned', 'in_progress') THEN 0 ELSE 1 END,
          CASE WHEN f.status IN ('reported', 'assigned', 'in_progress') THEN f.resolve_by ELSE '' END, f.id DESC",
    );
    c.query(&sql, &args)?.iter().map(affair_from).collect()
}

/// Dispatches (or re-routes) an issue. The first dispatch is its response.
pub fn assign_affair(
    c: &mut dyn Conn,
    id: i64,
    user: Option<i64>,
    partner: Option<i64>,
    resolve_by: &str,
    today: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE affairs SET status = 'assigned', assignee_user_id = ?, assignee_partner_id = ?, resolve_by = ?,
            responded_on = COALESCE(responded_on, ?), resolved_on = NULL, updated_at = ? WHERE id = ?",
        params![user, partner, resolve_by, today, now_text(now), id],
    )?;
    Ok(())
}

pub fn mark_progress(c: &mut dyn Conn, id: i64, today: &str, now: DateTime<Utc>) -> Result<()> {
    c.execute(
        "UPDATE affairs SET status = 'in_progress', responded_on = COALESCE(responded_on, ?), updated_at = ? WHERE id = ? AND status IN ('assigned', 'in_progress')",
        params![today, now_text(now), id],
    )?;
    Ok(())
}

pub fn resolve_affair(
    c: &mut dyn Conn,
    id: i64,
    resolution: &str,
    today: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE affairs SET status = 'resolved', resolution = ?, resolved_on = ?, responded_on = COALESCE(responded_on, ?), updated_at = ?
         WHERE id = ? AND status IN ('assigned', 'in_progress')",
        params![resolution, today, today, now_text(now), id],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict {
            code: "partners_bad_transition",
            field: None,
        });
    }
    Ok(())
}

pub fn rate_affair(
    c: &mut dyn Conn,
    id: i64,
    rating: &str,
    note: &str,
    today: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE affairs SET status = 'closed', rating = ?, rating_note = ?, rated_on = ?, updated_at = ? WHERE id = ? AND status = 'resolved'",
        params![rating, note, today, now_text(now), id],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict {
            code: "partners_bad_transition",
            field: None,
        });
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffairEvent {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub actor: Option<String>,
    pub from_label: String,
    pub to_label: String,
    pub note: String,
    pub shown: bool,
}

#[allow(clippy::too_many_arguments)]
pub fn add_event(
    c: &mut dyn Conn,
    community_id: i64,
    affair_id: i64,
    kind: &str,
    user: Option<i64>,
    from_label: &str,
    to_label: &str,
    note: &str,
    shown: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO affair_events (community_id, affair_id, happened_at, kind, actor_user_id, from_label, to_label, note, shown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, affair_id, now_text(now), kind, user, from_label, to_label, note, shown],
    )
}

/// An issue's history, oldest first.
pub fn events_of(c: &mut dyn Conn, affair_id: i64) -> Result<Vec<AffairEvent>> {
    c.query(
        "SELECT e.id, e.happened_at, e.kind, u.display_name, e.from_label, e.to_label, e.note, e.shown FROM affair_events e
         LEFT JOIN users u ON u.id = e.actor_user_id WHERE e.affair_id = ? ORDER BY e.id",
        params![affair_id],
    )?
    .iter()
    .map(|r| {
        Ok(AffairEvent {
            id: r.int(0)?,
            at: r.text(1)?,
            kind: r.text(2)?,
            actor: r.opt_text(3)?,
            from_label: r.text(4)?,
            to_label: r.text(5)?,
            note: r.text(6)?,
            shown: r.bool(7)?,
        })
    })
    .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoMeta {
    pub id: i64,
    pub stage: String,
    pub width: i64,
    pub height: i64,
}

pub struct Photo {
    pub community_id: i64,
    pub affair_id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[allow(clippy::too_many_arguments)]
pub fn add_photo(
    c: &mut dyn Conn,
    community_id: i64,
    affair_id: i64,
    stage: &str,
    content_type: &str,
    width: u32,
    height: u32,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO affair_photos (community_id, affair_id, stage, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &[
            Value::from(community_id),
            affair_id.into(),
            stage.into(),
            content_type.into(),
            i64::from(width).into(),
            i64::from(height).into(),
            Value::Blob(bytes),
            now_text(now).into(),
        ],
    )
}

pub fn photos_of(c: &mut dyn Conn, affair_id: i64) -> Result<Vec<PhotoMeta>> {
    c.query(
        "SELECT id, stage, width, height FROM affair_photos WHERE affair_id = ? ORDER BY id",
        params![affair_id],
    )?
    .iter()
    .map(|r| {
        Ok(PhotoMeta {
            id: r.int(0)?,
            stage: r.text(1)?,
            width: r.int(2)?,
            height: r.int(3)?,
        })
    })
    .collect()
}

pub fn get_photo(c: &mut dyn Conn, id: i64) -> Result<Photo> {
    let r = c.query_one(
        "SELECT community_id, affair_id, content_type, bytes FROM affair_photos WHERE id = ?",
        params![id],
    )?;
    let bytes = r.blob(3)?;
    Ok(Photo {
        community_id: r.int(0)?,
        affair_id: r.int(1)?,
        content_type: r.text(2)?,
        bytes,
    })
}

/// The facts of the issues reported in `[from, to]`, for the three rates.
pub fn affair_facts(
    c: &mut dyn Conn,
    community_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<AffairFacts>> {
    c.query(
        "SELECT respond_by, responded_on, resolved_on, rating FROM affairs WHERE community_id = ? AND reported_on >= ? AND reported_on <= ?",
        params![community_id, from, to],
    )?
    .iter()
    .map(|r| {
        Ok(AffairFacts {
            respond_by: date(&r.text(0)?)?,
            responded_on: opt_date(r.opt_text(1)?)?,
            resolved_on: opt_date(r.opt_text(2)?)?,
            rating: r.opt_text(3)?.as_deref().and_then(Rating::parse),
        })
    })
    .collect()
}

// ---- indicators ----

/// `partners.signed`: partner units with an agreement in force at any time in `[from, to]`.
pub fn signed_count(c: &mut dyn Conn, community_id: i64, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(DISTINCT partner_id) FROM agreements WHERE community_id = ? AND valid_from <= ? AND valid_to >= ?",
        params![community_id, to, from],
    )
}

/// `partners.lectures`: health-lecture activities delivered in `[from, to]`.
pub fn lectures_count(c: &mut dyn Conn, community_id: i64, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM partner_activities WHERE community_id = ? AND kind = 'health_lecture' AND held_on >= ? AND held_on <= ?",
        params![community_id, from, to],
    )
}

/// `affairs.resolved`: issues resolved in `[from, to]`.
pub fn resolved_count(c: &mut dyn Conn, community_id: i64, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM affairs WHERE community_id = ? AND resolved_on >= ? AND resolved_on <= ?",
        params![community_id, from, to],
    )
}

/// `affairs.satisfaction`: of the issues resolved in `[from, to]` that were rated, (rated
/// satisfied or basically satisfied, rated).
pub fn satisfaction(
    c: &mut dyn Conn,
    community_id: i64,
    from: &str,
    to: &str,
) -> Result<(i64, i64)> {
    let r = c.query_one(
        "SELECT COALESCE(SUM(CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END), 0), COUNT(*)
         FROM affairs WHERE community_id = ? AND resolved_on >= ? AND resolved_on <= ? AND rating IS NOT NULL",
        params![community_id, from, to],
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

/// Accounts an issue can be dispatched to: the community's admins and workers (id, name).
pub fn dispatchable_staff(c: &mut dyn Conn, community_id: i64) -> Result<Vec<(i64, String)>> {
    c.query(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN grants g ON g.user_id = u.id
         WHERE u.community_id = ? AND u.active = 1 AND g.role IN ('admin', 'worker') ORDER BY u.id",
        params![community_id],
    )?
    .iter()
    .map(|r| Ok((r.int(0)?, r.text(1)?)))
    .collect()
}

/// The community's buildings (id, name) in the order they were laid out, for "where" pickers.
pub fn buildings(c: &mut dyn Conn, community_id: i64) -> Result<Vec<(i64, String)>> {
    c.query(
        "SELECT id, name FROM places WHERE community_id = ? AND kind = 'building' ORDER BY id",
        params![community_id],
    )?
    .iter()
    .map(|r| Ok((r.int(0)?, r.text(1)?)))
    .collect()
}
