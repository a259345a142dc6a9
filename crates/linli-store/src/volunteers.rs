//! Groups, volunteers and their service records, certificates, corrections and the reporting
//! party members (issue 16). The module owns `community_groups`, `group_members`,
//! `volunteers`, `volunteer_activities`, `volunteer_services`, `volunteer_service_edits`,
//! `volunteer_corrections`, `volunteer_certificates`, `party_members` and
//! `volunteer_settings`. A partner's activity that volunteers served is kept in step through
//! `partners::set_activity_figures`.

use crate::db::{Conn, Row, now_text};
use crate::error::StoreError;
use crate::{Result, Tenant, Value, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::clock::Stamp;
use linli_core::volunteers::{GroupKind, VolunteerCorrectionStatus};
use serde::Serialize;

// ---- groups ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Group {
    pub id: i64,
    pub name: String,
    /// `literary`, `stamps`, `volunteer_team` or `other`.
    pub kind: GroupKind,
    pub note: String,
    pub members: i64,
    /// The leaders' names, joined by 、.
    pub leaders: String,
    pub activities: i64,
}

const GROUP_COLUMNS: &str = "g.id, g.name, g.kind, g.note,
    (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id),
    (SELECT COUNT(*) FROM volunteer_activities a WHERE a.group_id = g.id)
    FROM community_groups g";

fn group_row(c: &mut dyn Conn, t: Tenant, r: &Row) -> Result<Group> {
    let id = r.int(0)?;
    let leaders = c
        .query(
            "SELECT r.name FROM group_members m JOIN residents r ON r.id = m.resident_id
             WHERE m.community_id = ? AND m.group_id = ? AND m.leader = 1 ORDER BY m.joined_on, r.id",
            params![t, id],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>>>()?
        .join("、");
    Ok(Group {
        id,
        name: r.text(1)?,
        kind: r.get(2)?,
        note: r.text(3)?,
        members: r.int(4)?,
        leaders,
        activities: r.int(5)?,
    })
}

pub fn create_group(
    c: &mut dyn Conn,
    t: Tenant,
    name: &str,
    kind: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    if c.query_opt(
        "SELECT id FROM community_groups WHERE community_id = ? AND name = ?",
        params![t, name],
    )?
    .is_some()
    {
        return Err(StoreError::Conflict { code: "group_name_taken", field: Some("name") });
    }
    c.insert(
        "INSERT INTO community_groups (community_id, name, kind, note, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        params![t, name, kind, note, now_text(now)],
    )
}

pub fn groups(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Group>> {
    let rows = c.query(
        &format!("SELECT {GROUP_COLUMNS} WHERE g.community_id = ? ORDER BY g.id"),
        params![t],
    )?;
    rows.iter().map(|r| group_row(c, t, r)).collect()
}

pub fn get_group(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Group> {
    let r = c.query_one(
        &format!("SELECT {GROUP_COLUMNS} WHERE g.community_id = ? AND g.id = ?"),
        params![t, id],
    )?;
    group_row(c, t, &r)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Member {
    pub resident_id: i64,
    pub name: String,
    pub leader: bool,
    pub joined_on: NaiveDate,
}

/// Adds a resident to a group (or changes whether they lead it).
pub fn add_member(
    c: &mut dyn Conn,
    t: Tenant,
    group_id: i64,
    resident_id: i64,
    leader: bool,
    joined_on: NaiveDate,
) -> Result<()> {
    let n = c.execute(
        "UPDATE group_members SET leader = ? WHERE community_id = ? AND group_id = ? AND resident_id = ?",
        params![leader, t, group_id, resident_id],
    )?;
    if n == 0 {
        c.execute(
            "INSERT INTO group_members (community_id, group_id, resident_id, leader, joined_on) VALUES (?, ?, ?, ?, ?)",
            params![t, group_id, resident_id, leader, joined_on],
        )?;
    }
    Ok(())
}

pub fn members(c: &mut dyn Conn, t: Tenant, group_id: i64) -> Result<Vec<Member>> {
    c.query_map(
        "SELECT r.id, r.name, m.leader, m.joined_on FROM group_members m JOIN residents r ON r.id = m.resident_id
         WHERE m.community_id = ? AND m.group_id = ? ORDER BY m.leader DESC, m.joined_on, r.id",
        params![t, group_id],
        |r| {
        Ok(from_row!(r => Member { resident_id, name, leader, joined_on }))
        },
    )
}

// ---- volunteers ----

/// A volunteer's basic information as entered with consent.
#[derive(Debug, Clone, Default)]
pub struct VolunteerInput {
    pub resident_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub skills: String,
    pub availability: String,
    pub organisation: String,
    pub minor: bool,
    pub guardian_consent: bool,
    pub consent_on: NaiveDate,
}

/// A volunteer's record. The ID number and phone are as stored: the caller masks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volunteer {
    pub id: i64,
    pub resident_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub skills: String,
    pub availability: String,
    pub organisation: String,
    pub minor: bool,
    pub guardian_consent: bool,
    pub consent_on: NaiveDate,
    /// All hours credited, in tenths, and how many services.
    pub hours_tenths: i64,
    pub services: i64,
}

const VOLUNTEER_COLUMNS: &str = "v.id, v.resident_id, v.partner_id, p.name, v.name, v.id_number, v.phone,
    v.skills, v.availability, v.organisation, v.minor, v.guardian_consent, v.consent_on,
    CAST(COALESCE((SELECT SUM(s.hours_tenths) FROM volunteer_services s WHERE s.volunteer_id = v.id AND s.hours_tenths IS NOT NULL), 0) AS BIGINT),
    (SELECT COUNT(*) FROM volunteer_services s WHERE s.volunteer_id = v.id AND s.hours_tenths IS NOT NULL)
    FROM volunteers v LEFT JOIN partners p ON p.id = v.partner_id";

fn volunteer_row(r: &Row) -> Result<Volunteer> {
    Ok(from_row!(r => Volunteer {
        id, resident_id, partner_id, partner_name, name, id_number, phone, skills, availability,
        organisation, minor, guardian_consent, consent_on, hours_tenths, services
    }))
}

pub fn create_volunteer(
    c: &mut dyn Conn,
    t: Tenant,
    v: &VolunteerInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO volunteers (community_id, resident_id, partner_id, name, id_number, phone, skills, availability,
             organisation, minor, guardian_consent, consent_on, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            v.resident_id,
            v.partner_id,
            v.name.clone(),
            v.id_number.clone(),
            v.phone.clone(),
            v.skills.clone(),
            v.availability.clone(),
            v.organisation.clone(),
            v.minor,
            v.guardian_consent,
            v.consent_on,
            user,
            now_text(now),
            now_text(now)
        ],
    )
}

pub fn get_volunteer(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Volunteer> {
    volunteer_row(&c.query_one(
        &format!("SELECT {VOLUNTEER_COLUMNS} WHERE v.community_id = ? AND v.id = ?"),
        params![t, id],
    )?)
}

/// The volunteer record of a resident, if she has one.
pub fn volunteer_of_resident(c: &mut dyn Conn, t: Tenant, resident_id: i64) -> Result<Option<i64>> {
    c.query_opt(
        "SELECT id FROM volunteers WHERE community_id = ? AND resident_id = ? ORDER BY id LIMIT 1",
        params![t, resident_id],
    )?
    .map(|r| r.int(0))
    .transpose()
}

/// The volunteers (of one partner unit, or all) whose name contains `q`, by name.
pub fn volunteers(
    c: &mut dyn Conn,
    t: Tenant,
    partner: Option<i64>,
    q: &str,
) -> Result<Vec<Volunteer>> {
    let mut sql = format!("SELECT {VOLUNTEER_COLUMNS} WHERE v.community_id = ?");
    let mut args = vec![Value::from(t)];
    if let Some(p) = partner {
        sql.push_str(" AND v.partner_id = ?");
        args.push(p.into());
    }
    let q = q.trim();
    if !q.is_empty() {
        sql.push_str(" AND (v.name LIKE ? OR v.organisation LIKE ?)");
        let like = format!("%{}%", q.replace(['%', '_'], ""));
        args.push(like.clone().into());
        args.push(like.into());
    }
    sql.push_str(" ORDER BY v.id");
    c.query_map(&sql, &args, volunteer_row)
}

/// Sets one basic field of a volunteer (an accepted correction). `field` is one of
/// [`CORRECTABLE`].
pub fn set_field(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    field: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let column = CORRECTABLE
        .iter()
        .find(|f| **f == field)
        .ok_or(StoreError::Invalid { code: "volunteer_field_bad", field: Some("field") })?;
    c.execute(
        &format!(
            "UPDATE volunteers SET {column} = ?, updated_at = ? WHERE community_id = ? AND id = ?"
        ),
        params![value, now_text(now), t, id],
    )?;
    Ok(())
}

/// The fields of a volunteer's record a correction may change.
pub const CORRECTABLE: [&str; 5] = ["name", "phone", "skills", "availability", "organisation"];

// ---- activities and services ----

#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub content: String,
    pub group_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub partner_activity_id: Option<i64>,
    pub organiser: String,
    pub person_in_charge: String,
    pub places: Option<i64>,
    pub paid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Activity {
    pub id: i64,
    pub name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub content: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub partner_activity_id: Option<i64>,
    pub organiser: String,
    pub person_in_charge: String,
    /// How many volunteers it takes (none: no limit).
    pub places: Option<i64>,
    /// Paid work or a duty: credits no hours (§19).
    pub paid: bool,
    /// Volunteers signed up, and of them those credited with hours.
    pub signed_up: i64,
    pub credited: i64,
    pub hours_tenths: i64,
}

const ACTIVITY_COLUMNS: &str = "a.id, a.name, a.held_on, a.place, a.content, a.group_id, g.name, a.partner_id, p.name,
    a.partner_activity_id, a.organiser, a.person_in_charge, a.places, a.paid,
    (SELECT COUNT(*) FROM volunteer_services s WHERE s.activity_id = a.id),
    (SELECT COUNT(*) FROM volunteer_services s WHERE s.activity_id = a.id AND s.hours_tenths IS NOT NULL),
    CAST(COALESCE((SELECT SUM(s.hours_tenths) FROM volunteer_services s WHERE s.activity_id = a.id), 0) AS BIGINT)
    FROM volunteer_activities a LEFT JOIN community_groups g ON g.id = a.group_id
    LEFT JOIN partners p ON p.id = a.partner_id";

fn activity_row(r: &Row) -> Result<Activity> {
    Ok(from_row!(r => Activity {
        id, name, held_on, place, content, group_id, group_name, partner_id, partner_name,
        partner_activity_id, organiser, person_in_charge, places, paid, signed_up, credited,
        hours_tenths
    }))
}

pub fn create_activity(
    c: &mut dyn Conn,
    t: Tenant,
    a: &ActivityInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO volunteer_activities (community_id, name, held_on, place, content, group_id, partner_id,
             partner_activity_id, organiser, person_in_charge, places, paid, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            a.name.clone(),
            a.held_on,
            a.place.clone(),
            a.content.clone(),
            a.group_id,
            a.partner_id,
            a.partner_activity_id,
            a.organiser.clone(),
            a.person_in_charge.clone(),
            a.places,
            a.paid,
            user,
            now_text(now)
        ],
    )
}

pub fn get_activity(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Activity> {
    activity_row(&c.query_one(
        &format!("SELECT {ACTIVITY_COLUMNS} WHERE a.community_id = ? AND a.id = ?"),
        params![t, id],
    )?)
}

/// Activities held between `from` and `to` (of one partner unit, or all), newest first.
pub fn activities(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    partner: Option<i64>,
) -> Result<Vec<Activity>> {
    let mut sql = format!(
        "SELECT {ACTIVITY_COLUMNS} WHERE a.community_id = ? AND a.held_on >= ? AND a.held_on <= ?"
    );
    let mut args = vec![Value::from(t), from.into(), to.into()];
    if let Some(p) = partner {
        sql.push_str(" AND a.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY a.held_on DESC, a.id DESC");
    c.query_map(&sql, &args, activity_row)
}

/// Unpaid activities held on or before `today` with a volunteer signed up and not yet
/// credited, oldest first: the recordings due.
pub fn recordings_open(c: &mut dyn Conn, t: Tenant, today: NaiveDate) -> Result<Vec<Activity>> {
    c.query_map(
        &format!(
            "SELECT {ACTIVITY_COLUMNS} WHERE a.community_id = ? AND a.held_on <= ? AND a.paid = 0
               AND EXISTS (SELECT 1 FROM volunteer_services s WHERE s.activity_id = a.id AND s.hours_tenths IS NULL)
             ORDER BY a.held_on, a.id"
        ),
        params![t, today],
        activity_row,
    )
}

/// Links a volunteer activity to the partner activity it fulfils.
pub fn set_partner_activity(c: &mut dyn Conn, t: Tenant, id: i64, pa: i64) -> Result<()> {
    c.execute(
        "UPDATE volunteer_activities SET partner_activity_id = ? WHERE community_id = ? AND id = ?",
        params![pa, t, id],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Service {
    pub id: i64,
    pub activity_id: i64,
    pub activity_name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub organisation: String,
    /// `YYYY-MM-DD HH:MM` (Beijing time), when checked in and out.
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    /// Hours credited, in tenths (none yet: signed up only).
    pub hours_tenths: Option<i64>,
    pub recorded_on: Option<NaiveDate>,
    /// Recorded after the ten working days of §11, with the reason.
    pub late: bool,
    pub late_reason: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub partner_id: Option<i64>,
}

const SERVICE_COLUMNS: &str =
    "s.id, s.activity_id, a.name, a.held_on, a.place, a.content, a.organiser,
    a.person_in_charge, s.volunteer_id, v.name, COALESCE(NULLIF(v.organisation, ''), p.name, ''),
    s.check_in, s.check_out, s.hours_tenths, s.recorded_on, s.late, s.late_reason, v.partner_id
    FROM volunteer_services s JOIN volunteer_activities a ON a.id = s.activity_id
    JOIN volunteers v ON v.id = s.volunteer_id LEFT JOIN partners p ON p.id = v.partner_id";

fn service_row(r: &Row) -> Result<Service> {
    Ok(from_row!(r => Service {
        id, activity_id, activity_name, held_on, place, content, organiser, person_in_charge,
        volunteer_id, volunteer_name, organisation, check_in, check_out, hours_tenths, recorded_on,
        late, late_reason, partner_id
    }))
}

pub fn get_service(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Service> {
    service_row(&c.query_one(
        &format!("SELECT {SERVICE_COLUMNS} WHERE s.community_id = ? AND s.id = ?"),
        params![t, id],
    )?)
}

pub fn find_service(
    c: &mut dyn Conn,
    t: Tenant,
    activity_id: i64,
    volunteer_id: i64,
) -> Result<Option<Service>> {
    c.query_opt(
        &format!(
            "SELECT {SERVICE_COLUMNS} WHERE s.community_id = ? AND s.activity_id = ? AND s.volunteer_id = ?"
        ),
        params![t, activity_id, volunteer_id],
    )?
    .map(|r| service_row(&r))
    .transpose()
}

/// The services of an activity, by volunteer name.
pub fn services_of_activity(c: &mut dyn Conn, t: Tenant, activity_id: i64) -> Result<Vec<Service>> {
    c.query_map(
        &format!(
            "SELECT {SERVICE_COLUMNS} WHERE s.community_id = ? AND s.activity_id = ? ORDER BY s.id"
        ),
        params![t, activity_id],
        service_row,
    )
}

/// A volunteer's services of activities held between `from` and `to`, oldest first.
pub fn services_of_volunteer(
    c: &mut dyn Conn,
    t: Tenant,
    volunteer_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<Service>> {
    c.query_map(
        &format!(
            "SELECT {SERVICE_COLUMNS} WHERE s.community_id = ? AND s.volunteer_id = ? AND a.held_on >= ? AND a.held_on <= ?
             ORDER BY a.held_on, s.id"
        ),
        params![t, volunteer_id, from, to],
        service_row,
    )
}

/// Signs a volunteer up for an activity (nothing when already signed up). Returns the service.
pub fn sign_up(
    c: &mut dyn Conn,
    t: Tenant,
    activity_id: i64,
    volunteer_id: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(s) = find_service(c, t, activity_id, volunteer_id)? {
        return Ok(s.id);
    }
    c.insert(
        "INSERT INTO volunteer_services (community_id, activity_id, volunteer_id, signed_up_at) VALUES (?, ?, ?, ?) RETURNING id",
        params![t, activity_id, volunteer_id, now_text(now)],
    )
}

/// Sets the check-in or check-out (`YYYY-MM-DD HH:MM`).
pub fn set_times(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    check_in: Option<&str>,
    check_out: Option<&str>,
) -> Result<()> {
    c.execute(
        "UPDATE volunteer_services SET check_in = ?, check_out = ? WHERE community_id = ? AND id = ?",
        params![check_in, check_out, t, id],
    )?;
    Ok(())
}

/// Credits hours to a service (first recording or an edit).
#[allow(clippy::too_many_arguments)]
pub fn credit(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    tenths: i64,
    recorded_on: NaiveDate,
    by: Option<i64>,
    late: bool,
    late_reason: &str,
) -> Result<()> {
    c.execute(
        "UPDATE volunteer_services SET hours_tenths = ?, recorded_on = ?, recorded_by = ?, late = ?, late_reason = ?
         WHERE community_id = ? AND id = ?",
        params![tenths, recorded_on, by, late, late_reason, t, id],
    )?;
    Ok(())
}

/// Changes credited hours, keeping the change and its reason.
#[allow(clippy::too_many_arguments)]
pub fn edit_hours(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    before: Option<i64>,
    after: i64,
    reason: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE volunteer_services SET hours_tenths = ? WHERE community_id = ? AND id = ?",
        params![after, t, id],
    )?;
    c.execute(
        "INSERT INTO volunteer_service_edits (community_id, service_id, hours_before, hours_after, reason, edited_by, edited_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![t, id, before, after, reason, by, now_text(now)],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Edit {
    pub service_id: i64,
    pub hours_before: Option<i64>,
    pub hours_after: i64,
    pub reason: String,
    pub edited_by: String,
    pub edited_at: Stamp,
}

/// The edits of a volunteer's (or one service's) credited hours, oldest first.
pub fn edits(
    c: &mut dyn Conn,
    t: Tenant,
    volunteer_id: i64,
    service: Option<i64>,
) -> Result<Vec<Edit>> {
    let mut sql = "SELECT e.service_id, e.hours_before, e.hours_after, e.reason, COALESCE(u.display_name, ''), e.edited_at
        FROM volunteer_service_edits e JOIN volunteer_services s ON s.id = e.service_id
        LEFT JOIN users u ON u.id = e.edited_by
        WHERE e.community_id = ? AND s.volunteer_id = ?"
        .to_string();
    let mut args = vec![Value::from(t), volunteer_id.into()];
    if let Some(s) = service {
        sql.push_str(" AND e.service_id = ?");
        args.push(s.into());
    }
    sql.push_str(" ORDER BY e.id");
    c.query_map(&sql, &args, |r| {
        Ok(from_row!(r => Edit {
            service_id, hours_before, hours_after, reason, edited_by, edited_at
        }))
    })
}

/// The volunteers an activity credited and their hours: what the partner activity it fulfils
/// records (participants, hours in tenths).
pub fn activity_figures(c: &mut dyn Conn, t: Tenant, activity_id: i64) -> Result<(i64, i64)> {
    let r = c.query_one(
        "SELECT COUNT(*), CAST(COALESCE(SUM(hours_tenths), 0) AS BIGINT) FROM volunteer_services
         WHERE community_id = ? AND activity_id = ? AND hours_tenths IS NOT NULL",
        params![t, activity_id],
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

// ---- corrections ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Correction {
    pub id: i64,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub field: String,
    pub value_before: String,
    pub value_asked: String,
    pub reason: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: VolunteerCorrectionStatus,
    pub asked_at: Stamp,
    pub decided_at: Option<Stamp>,
    pub note: String,
}

const CORRECTION_COLUMNS: &str =
    "k.id, k.volunteer_id, v.name, k.field, k.value_before, k.value_asked, k.reason,
    k.status, k.asked_at, k.decided_at, k.note
    FROM volunteer_corrections k JOIN volunteers v ON v.id = k.volunteer_id";

fn correction_row(r: &Row) -> Result<Correction> {
    Ok(from_row!(r => Correction {
        id, volunteer_id, volunteer_name, field, value_before, value_asked, reason, status,
        asked_at, decided_at, note
    }))
}

#[allow(clippy::too_many_arguments)]
pub fn ask_correction(
    c: &mut dyn Conn,
    t: Tenant,
    volunteer_id: i64,
    field: &str,
    before: &str,
    asked: &str,
    reason: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO volunteer_corrections (community_id, volunteer_id, field, value_before, value_asked, reason, asked_by, asked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, volunteer_id, field, before, asked, reason, by, now_text(now)],
    )
}

pub fn get_correction(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Correction> {
    correction_row(&c.query_one(
        &format!("SELECT {CORRECTION_COLUMNS} WHERE k.community_id = ? AND k.id = ?"),
        params![t, id],
    )?)
}

/// Corrections of one volunteer (all, newest first), or pending ones of the community.
pub fn corrections(
    c: &mut dyn Conn,
    t: Tenant,
    volunteer_id: Option<i64>,
) -> Result<Vec<Correction>> {
    let (sql, args) = match volunteer_id {
        Some(v) => (
            format!(
                "SELECT {CORRECTION_COLUMNS} WHERE k.community_id = ? AND k.volunteer_id = ? ORDER BY k.id DESC"
            ),
            vec![Value::from(t), v.into()],
        ),
        None => (
            format!(
                "SELECT {CORRECTION_COLUMNS} WHERE k.community_id = ? AND k.status = 'pending' ORDER BY k.id"
            ),
            vec![Value::from(t)],
        ),
    };
    c.query_map(&sql, &args, correction_row)
}

/// Decides a pending correction; `false` when it was decided already.
pub fn decide_correction(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: VolunteerCorrectionStatus,
    note: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(c.execute(
        "UPDATE volunteer_corrections SET status = ?, note = ?, decided_by = ?, decided_at = ?
         WHERE community_id = ? AND id = ? AND status = 'pending'",
        params![status, note, by, now_text(now), t, id],
    )? == 1)
}

// ---- certificates ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Certificate {
    pub id: i64,
    pub volunteer_id: i64,
    pub code: String,
    pub volunteer_name: String,
    pub period_from: String,
    pub period_to: String,
    pub hours_tenths: i64,
    pub services: i64,
    /// One line per activity: date, name, hours.
    pub activities: String,
    /// The recording organisation (the community's residents' committee).
    pub issuer: String,
    pub issued_on: NaiveDate,
}

const CERT_COLUMNS: &str =
    "id, volunteer_id, code, volunteer_name, period_from, period_to, hours_tenths,
    services, activities, issuer, issued_on FROM volunteer_certificates";

fn cert_row(r: &Row) -> Result<Certificate> {
    Ok(from_row!(r => Certificate {
        id, volunteer_id, code, volunteer_name, period_from, period_to, hours_tenths, services,
        activities, issuer, issued_on
    }))
}

/// Stores an issued certificate (its `id` is ignored). `false`-like conflict when the code is
/// taken: the caller draws another.
pub fn code_taken(c: &mut dyn Conn, code: &str) -> Result<bool> {
    Ok(c.query_opt("SELECT 1 FROM volunteer_certificates WHERE code = ?", params![code])?.is_some())
}

pub fn add_certificate(
    c: &mut dyn Conn,
    t: Tenant,
    k: &Certificate,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO volunteer_certificates (community_id, volunteer_id, code, volunteer_name, period_from, period_to,
             hours_tenths, services, activities, issuer, issued_on, issued_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            k.volunteer_id,
            k.code.clone(),
            k.volunteer_name.clone(),
            k.period_from.clone(),
            k.period_to.clone(),
            k.hours_tenths,
            k.services,
            k.activities.clone(),
            k.issuer.clone(),
            k.issued_on,
            by,
            now_text(now)
        ],
    )
}

pub fn get_certificate(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Certificate> {
    cert_row(&c.query_one(
        &format!("SELECT {CERT_COLUMNS} WHERE community_id = ? AND id = ?"),
        params![t, id],
    )?)
}

/// A certificate by its code, in any community: the public verification page.
pub fn certificate_by_code(c: &mut dyn Conn, code: &str) -> Result<Option<Certificate>> {
    c.query_opt(&format!("SELECT {CERT_COLUMNS} WHERE code = ?"), params![code])?
        .map(|r| cert_row(&r))
        .transpose()
}

pub fn certificates_of(c: &mut dyn Conn, t: Tenant, volunteer_id: i64) -> Result<Vec<Certificate>> {
    c.query_map(
        &format!(
            "SELECT {CERT_COLUMNS} WHERE community_id = ? AND volunteer_id = ? ORDER BY id DESC"
        ),
        params![t, volunteer_id],
        cert_row,
    )
}

// ---- party members (双报到) ----

#[derive(Debug, Clone, Default)]
pub struct PartyInput {
    pub volunteer_id: i64,
    pub resident_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub name: String,
    pub unit_name: String,
    pub branch: String,
    pub offer: String,
    pub reported_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartyMember {
    pub id: i64,
    pub volunteer_id: i64,
    pub resident_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub name: String,
    /// The unit they work for (the partner's name when it is one).
    pub unit_name: String,
    /// Their party branch (党支部).
    pub branch: String,
    pub offer: String,
    pub reported_on: NaiveDate,
}

const PARTY_COLUMNS: &str = "m.id, m.volunteer_id, m.resident_id, m.partner_id, m.name,
    COALESCE(p.name, m.unit_name), m.branch, m.offer, m.reported_on
    FROM party_members m LEFT JOIN partners p ON p.id = m.partner_id";

fn party_row(r: &Row) -> Result<PartyMember> {
    Ok(from_row!(r => PartyMember {
        id, volunteer_id, resident_id, partner_id, name, unit_name, branch, offer, reported_on
    }))
}

pub fn create_party_member(
    c: &mut dyn Conn,
    t: Tenant,
    m: &PartyInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO party_members (community_id, volunteer_id, resident_id, partner_id, name, unit_name, branch, offer, reported_on, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            m.volunteer_id,
            m.resident_id,
            m.partner_id,
            m.name.clone(),
            m.unit_name.clone(),
            m.branch.clone(),
            m.offer.clone(),
            m.reported_on,
            now_text(now)
        ],
    )
}

/// The party members reporting on `on` (of one unit, or all), by unit and name.
pub fn party_members(
    c: &mut dyn Conn,
    t: Tenant,
    partner: Option<i64>,
    on: NaiveDate,
) -> Result<Vec<PartyMember>> {
    let mut sql = format!(
        "SELECT {PARTY_COLUMNS} WHERE m.community_id = ? AND m.reported_on <= ? AND (m.left_on IS NULL OR m.left_on > ?)"
    );
    let mut args = vec![Value::from(t), on.into(), on.into()];
    if let Some(p) = partner {
        sql.push_str(" AND m.partner_id = ?");
        args.push(p.into());
    }
    sql.push_str(" ORDER BY COALESCE(p.name, m.unit_name), m.id");
    c.query_map(&sql, &args, party_row)
}

/// The reporting party member whose service is this volunteer record's, if any.
pub fn party_member_of(c: &mut dyn Conn, t: Tenant, volunteer_id: i64) -> Result<Option<i64>> {
    c.query_opt(
        "SELECT id FROM party_members WHERE community_id = ? AND volunteer_id = ? AND left_on IS NULL",
        params![t, volunteer_id],
    )?
    .map(|r| r.int(0))
    .transpose()
}

pub fn get_party_member(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<PartyMember> {
    party_row(&c.query_one(
        &format!("SELECT {PARTY_COLUMNS} WHERE m.community_id = ? AND m.id = ?"),
        params![t, id],
    )?)
}

/// Per volunteer: the activities credited and the hours (tenths) between `from` and `to`.
pub fn credited_by_volunteer(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, i64, i64)>> {
    c.query_map(
        "SELECT s.volunteer_id, COUNT(*), CAST(SUM(s.hours_tenths) AS BIGINT) FROM volunteer_services s
         JOIN volunteer_activities a ON a.id = s.activity_id
         WHERE s.community_id = ? AND s.hours_tenths IS NOT NULL AND a.held_on >= ? AND a.held_on <= ?
         GROUP BY s.volunteer_id",
        params![t, from, to],
        |r| Ok((r.int(0)?, r.int(1)?, r.int(2)?)),
    )
}

/// The community's expectation of a reporting member: activities a quarter.
pub fn party_activities_per_quarter(c: &mut dyn Conn, t: Tenant) -> Result<i64> {
    Ok(c.query_opt(
        "SELECT party_activities_per_quarter FROM volunteer_settings WHERE community_id = ?",
        params![t],
    )?
    .map(|r| r.int(0))
    .transpose()?
    .unwrap_or(linli_core::volunteers::DEFAULT_PARTY_ACTIVITIES_PER_QUARTER))
}

pub fn set_party_activities_per_quarter(c: &mut dyn Conn, t: Tenant, n: i64) -> Result<()> {
    if c.execute(
        "UPDATE volunteer_settings SET party_activities_per_quarter = ? WHERE community_id = ?",
        params![n, t],
    )? == 0
    {
        c.execute(
            "INSERT INTO volunteer_settings (community_id, party_activities_per_quarter) VALUES (?, ?)",
            params![t, n],
        )?;
    }
    Ok(())
}

// ---- indicators ----

/// Credited service of unpaid activities held in the period: hours (tenths), distinct
/// volunteers, services (人次).
pub fn totals(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<(i64, i64, i64)> {
    let r = c.query_one(
        "SELECT CAST(COALESCE(SUM(s.hours_tenths), 0) AS BIGINT), COUNT(DISTINCT s.volunteer_id), COUNT(*)
         FROM volunteer_services s JOIN volunteer_activities a ON a.id = s.activity_id
         WHERE s.community_id = ? AND s.hours_tenths IS NOT NULL AND a.paid = 0
           AND a.held_on >= ? AND a.held_on <= ?",
        params![t, from, to],
    )?;
    Ok((r.int(0)?, r.int(1)?, r.int(2)?))
}

/// Party members reporting to the community on `on`.
pub fn party_members_reporting(c: &mut dyn Conn, t: Tenant, on: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM party_members WHERE community_id = ? AND reported_on <= ? AND (left_on IS NULL OR left_on > ?)",
        params![t, on, on],
    )
}
