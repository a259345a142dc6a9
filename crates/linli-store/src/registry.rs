//! The registry (居民档案): households, residents and their tags.
//!
//! Values arrive validated (ID numbers, phones, dates parsed by `linli_core`); this module keeps
//! the denormalized place columns and search keys right, and answers searches with index
//! ranges so a community of 30k or a district of 1M stays fast.

use crate::db::{Conn, Dialect, Row, Value, now_text};
use crate::error::StoreError;
use crate::places;
use crate::{Result, Tenant, from_row, params};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::roster::ResidentStatus;
use serde::Serialize;

/// The tags a new community starts with; admins edit the list later.
pub const DEFAULT_TAGS: &[(&str, bool, bool)] = &[
    // (name, sensitive, has grade)
    ("党员", false, false),
    ("低保", true, false),
    ("残疾", true, true),
    ("失业/下岗", false, false),
    ("独居老人", true, false),
    ("困难家庭", true, false),
    ("优抚对象", false, false),
    ("退役军人", false, false),
    ("学生", false, false),
    ("志愿者", false, false),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TagKind {
    pub id: i64,
    pub name: String,
    pub sensitive: bool,
    pub has_grade: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResidentTag {
    pub tag_id: i64,
    pub name: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub grade: Option<String>,
    pub source: String,
    pub sensitive: bool,
}

impl ResidentTag {
    /// In force on `day` (no end date, or an end date not yet passed).
    pub fn active_on(&self, day: &str) -> bool {
        self.valid_from.as_deref().is_none_or(|f| f <= day)
            && self.valid_to.as_deref().is_none_or(|t| t >= day)
    }
}

/// A tag to attach: by id, with its period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInput {
    pub tag_id: i64,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub grade: Option<String>,
    pub source: String,
}

/// A resident as written: every value already validated by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentInput {
    pub name: String,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub household_id: Option<i64>,
    pub relation: String,
    pub political_status: String,
    pub employment_status: String,
    pub notes: String,
    pub consent_publish_name: bool,
    pub consent_volunteer_contact: bool,
    pub consent_neighbor_card: bool,
    pub tags: Vec<TagInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Resident {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub building_id: Option<i64>,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub name: String,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub relation: String,
    pub political_status: String,
    pub employment_status: String,
    pub notes: String,
    pub consent_publish_name: bool,
    pub consent_volunteer_contact: bool,
    pub consent_neighbor_card: bool,
    pub status: ResidentStatus,
    pub closed_on: Option<NaiveDate>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub household: Option<String>,
    pub tags: Vec<ResidentTag>,
}

/// One line of a roster list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResidentRow {
    pub id: i64,
    pub name: String,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub relation: String,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub household: Option<String>,
    pub status: ResidentStatus,
    pub tags: Vec<String>,
}

/// What a roster search asks for. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub community_id: i64,
    /// The caller's scopes (place paths); a resident must lie inside one of them.
    pub scopes: Vec<PlacePath>,
    pub q: Option<String>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub tag_id: Option<i64>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    /// `active` unless asked otherwise; `all` for every status.
    pub status: Option<String>,
    pub today: Option<NaiveDate>,
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// `[prefix, prefix + U+10FFFF)`: every text starting with `prefix`, as an index range (both
/// engines compare these columns bytewise).
fn starts_with_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    let y = day.year() - i32::try_from(years).unwrap_or(i32::MAX / 2);
    NaiveDate::from_ymd_opt(y, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, day.month(), 28))
        .unwrap_or(day)
}

/// Builds the WHERE clause of a search; shared by the page query and its count.
fn where_clause(f: &Filter) -> (String, Vec<Value>) {
    // A search by the characters of a name finds its residents through their lists
    // (`resident_name_chars`, a few hundred ids); `+ 0` keeps the planner from walking every
    // resident of the community on an index that leads with it and checking each against the
    // lists instead (1.1 ms against 0.15 ms for 王 in a demo community, 0.7 ms against 6 µs for
    // a name nobody has).
    let kind = query_kind(f);
    let mut sql = String::from(if kind == Some(Query::NameChars) {
        "r.community_id + 0 = ?"
    } else {
        "r.community_id = ?"
    });
    let mut args: Vec<Value> = vec![f.community_id.into()];
    // A scope that is the community itself (an administrator's) filters nothing inside it:
    // left out, so that counts are read from an index without the residents' rows.
    if !f.scopes.is_empty() && !whole_community(f) {
        let within = crate::places::within_clause("r.place_path", &f.scopes, &mut args);
        sql.push_str(&format!(" AND ({within})"));
    }
    match f.status.as_deref() {
        Some("all") => {}
        Some(s) => {
            sql.push_str(" AND r.status = ?");
            args.push(s.into());
        }
        None => sql.push_str(" AND r.status = 'active'"),
    }
    if let (Some(kind), Some(q)) = (kind, f.q.as_deref().map(str::trim)) {
        let lower = q.to_lowercase();
        if kind == Query::Pinyin {
            let (a, b) = starts_with_range(&lower);
            sql.push_str(" AND ((r.name_initials >= ? AND r.name_initials < ?) OR (r.name_pinyin >= ? AND r.name_pinyin < ?))");
            args.extend([a.clone().into(), b.clone().into(), a.into(), b.into()]);
        } else if kind == Query::Digits && lower.len() < linli_core::mask::MIN_SEARCH_DIGITS {
            // Too few digits to search by: they would narrow a guess, not find a person.
            sql.push_str(" AND 1 = 0");
        } else if kind == Query::Digits {
            let (a, b) = starts_with_range(&reversed(&lower.to_uppercase()));
            let (pa, pb) = starts_with_range(&reversed(&lower));
            sql.push_str(
                " AND ((r.id_rev >= ? AND r.id_rev < ?) OR (r.phone_rev >= ? AND r.phone_rev < ?))",
            );
            args.extend([a.into(), b.into(), pa.into(), pb.into()]);
        } else {
            let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            // The residents whose names hold each of the query's characters (migration 0032):
            // a few hundred rows instead of the community's; the LIKE checks their order.
            for ch in name_chars(q).into_iter().take(4) {
                sql.push_str(
                    " AND r.id IN (SELECT n.resident_id FROM resident_name_chars n WHERE n.community_id = ? AND n.ch = ?)",
                );
                args.extend([f.community_id.into(), ch.into()]);
            }
            sql.push_str(" AND r.name LIKE ? ESCAPE '\\'");
            args.push(format!("%{escaped}%").into());
        }
    }
    if let Some(b) = f.building_id {
        sql.push_str(" AND r.building_id = ?");
        args.push(b.into());
    }
    if let Some(u) = f.unit_id {
        sql.push_str(" AND r.unit_id = ?");
        args.push(u.into());
    }
    let today = f.today.unwrap_or_else(|| Utc::now().date_naive());
    let today_text = today.format("%Y-%m-%d").to_string();
    if let Some(t) = f.tag_id {
        // `IN`, not a correlated `EXISTS`: the tag's residents are looked up once (index on
        // tag_id) instead of once per resident of the community.
        sql.push_str(
            " AND r.id IN (SELECT t.resident_id FROM resident_tags t WHERE t.tag_id = ?
               AND (t.valid_from IS NULL OR t.valid_from <= ?) AND (t.valid_to IS NULL OR t.valid_to >= ?))",
        );
        args.extend([t.into(), today_text.clone().into(), today_text.into()]);
    }
    if let Some(min) = f.age_min {
        sql.push_str(" AND r.birth_date <= ?");
        args.push(years_before(today, min).format("%Y-%m-%d").to_string().into());
    }
    if let Some(max) = f.age_max {
        sql.push_str(" AND r.birth_date > ?");
        args.push(years_before(today, max + 1).format("%Y-%m-%d").to_string().into());
    }
    (sql, args)
}

const ROW_COLUMNS: &str = "r.id, r.name, r.id_number, r.gender, r.birth_date, r.phone, r.relation,
    b.name, u.name, h.number, r.status";
const ROW_JOINS: &str = "FROM residents r
    LEFT JOIN places b ON b.id = r.building_id
    LEFT JOIN places u ON u.id = r.unit_id
    LEFT JOIN households h ON h.id = r.household_id";

/// A row of [`ROW_COLUMNS`], its text moved out rather than copied (an export reads 100,000).
fn row_from(mut r: Row) -> Result<ResidentRow> {
    Ok(ResidentRow {
        id: r.int(0)?,
        name: r.take_text(1)?,
        id_number: r.take_opt_text(2)?,
        gender: r.take_opt_text(3)?,
        birth_date: r.opt_date(4)?,
        phone: r.take_opt_text(5)?,
        relation: r.take_text(6)?,
        building: r.take_opt_text(7)?,
        unit: r.take_opt_text(8)?,
        household: r.take_opt_text(9)?,
        status: r.get(10)?,
        tags: Vec::new(),
    })
}

/// What a roster search's text is searched as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Query {
    /// Letters: pinyin initials or the full reading, by prefix.
    Pinyin,
    /// Digits (and `x`): the end of an ID number or phone (too few: nothing).
    Digits,
    /// Anything else: part of a name, by its characters' lists.
    NameChars,
}

fn query_kind(f: &Filter) -> Option<Query> {
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty())?;
    let lower = q.to_lowercase();
    Some(if lower.chars().all(|c| c.is_ascii_lowercase()) {
        Query::Pinyin
    } else if lower.chars().all(|c| c.is_ascii_digit() || c == 'x') {
        Query::Digits
    } else {
        Query::NameChars
    })
}

/// True when the search names a few people by an indexed key (pinyin, last digits, the
/// characters of a name): then the rows are found through that key's index and sorted,
/// instead of walking the community in roster order until a page is full.
fn is_narrow(f: &Filter) -> bool {
    match query_kind(f) {
        Some(Query::Pinyin | Query::NameChars) => true,
        Some(Query::Digits) => f.q.as_deref().is_some_and(|q| q.trim().len() >= 3),
        None => false,
    }
}

/// True when the search is the community's whole roster of active residents, unfiltered (the
/// roster page as it opens for its administrator): its total is the count kept by day
/// ([`count_active`], a few hundred rows) rather than a count of every resident.
fn is_whole_active_roster(f: &Filter) -> bool {
    query_kind(f).is_none()
        && f.status.is_none()
        && f.building_id.is_none()
        && f.unit_id.is_none()
        && f.tag_id.is_none()
        && f.age_min.is_none()
        && f.age_max.is_none()
        && (f.scopes.is_empty() || whole_community(f))
}

/// A scope that is the community itself (an administrator's) filters nothing inside it. A
/// building's path holds the community's id too, but not as its last.
fn whole_community(f: &Filter) -> bool {
    f.scopes.iter().any(|s| s.ids().last() == Some(&f.community_id))
}

/// One page of a search, in roster order (building, unit, household), and the total.
pub fn search(
    c: &mut dyn Conn,
    f: &Filter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ResidentRow>, i64)> {
    let (cond, args) = where_clause(f);
    let total = if is_whole_active_roster(f) {
        count_active(c, Tenant::new(f.community_id))?.0
    } else {
        c.count(&format!("SELECT COUNT(*) FROM residents r WHERE {cond}"), &args)?
    };
    let mut page_args = args;
    page_args.push(per_page.into());
    page_args.push((crate::page_offset(page, per_page)).into());
    // The roster index (community, status, building, unit) gives this order, so a page of a
    // broad search stops after a page's worth of rows. For a narrow search `+ 0` keeps the
    // planner on the search key's index (same order, NULLs as before).
    let building = if is_narrow(f) { "r.building_id + 0" } else { "r.building_id" };
    let sql = format!(
        "SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE {cond}
         ORDER BY {building}, r.unit_id, h.number, r.id LIMIT ? OFFSET ?"
    );
    let mut rows =
        c.query(&sql, &page_args)?.into_iter().map(row_from).collect::<Result<Vec<_>>>()?;
    attach_tag_names(c, &mut rows, f.today.unwrap_or_else(|| Utc::now().date_naive()))?;
    Ok((rows, total))
}

/// One term of a picker's search as a condition on a resident: letters are pinyin (initials
/// or the full reading, by prefix), four or more digits the end of the ID number or phone,
/// fewer digits a room number, anything else part of the name or of the address (`3号楼`,
/// `2单元301`).
fn pick_term(term: &str, sql: &mut String, args: &mut Vec<Value>) {
    let lower = term.to_lowercase();
    if lower.chars().all(|c| c.is_ascii_lowercase()) {
        let (a, b) = starts_with_range(&lower);
        sql.push_str(" AND ((r.name_initials >= ? AND r.name_initials < ?) OR (r.name_pinyin >= ? AND r.name_pinyin < ?))");
        args.extend([a.clone().into(), b.clone().into(), a.into(), b.into()]);
    } else if lower.chars().all(|c| c.is_ascii_digit() || c == 'x') {
        if lower.len() < linli_core::mask::MIN_SEARCH_DIGITS {
            sql.push_str(" AND h.number = ?");
            args.push(lower.into());
        } else {
            let (a, b) = starts_with_range(&reversed(&lower.to_uppercase()));
            let (pa, pb) = starts_with_range(&reversed(&lower));
            sql.push_str(
                " AND ((r.id_rev >= ? AND r.id_rev < ?) OR (r.phone_rev >= ? AND r.phone_rev < ?))",
            );
            args.extend([a.into(), b.into(), pa.into(), pb.into()]);
        }
    } else {
        let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let like = format!("%{escaped}%");
        let address = "(COALESCE(b.name, '') || COALESCE(u.name, '') || COALESCE(h.number, ''))";
        if term.starts_with(|c: char| c.is_ascii_digit()) {
            // `3号楼` is building 3, not 13 or 23: a number starts the address or follows
            // the building (`1单元101`).
            sql.push_str(&format!(
                " AND ({address} LIKE ? ESCAPE '\\' OR {address} LIKE ? ESCAPE '\\')"
            ));
            args.extend([format!("{escaped}%").into(), format!("%号楼{escaped}%").into()]);
        } else {
            sql.push_str(&format!(
                " AND (r.name LIKE ? ESCAPE '\\' OR {address} LIKE ? ESCAPE '\\')"
            ));
            args.extend([like.clone().into(), like.into()]);
        }
    }
}

/// Residents for a picker: active ones inside `scopes` (none: nobody) matching every
/// whitespace-separated term of `q` (see [`pick_term`]), exact names first, then in roster
/// order; at most `limit` rows, and whether more matched.
pub fn pick(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
    q: &[String],
    limit: i64,
) -> Result<(Vec<ResidentRow>, bool)> {
    let terms: Vec<&str> = q.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if scopes.is_empty() || terms.is_empty() {
        return Ok((Vec::new(), false));
    }
    let mut sql = String::from("r.community_id = ? AND r.status = 'active'");
    let mut args: Vec<Value> = vec![t.id().into()];
    let within = crate::places::within_clause("r.place_path", scopes, &mut args);
    sql.push_str(&format!(" AND ({within})"));
    for term in &terms {
        pick_term(term, &mut sql, &mut args);
    }
    let whole = terms.join("");
    args.push(whole.into());
    args.push((limit + 1).into());
    let mut rows = c
        .query(
            &format!(
                "SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE {sql}
                 ORDER BY CASE WHEN r.name = ? THEN 0 ELSE 1 END, r.building_id, r.unit_id, h.number, r.id
                 LIMIT ?"
            ),
            &args,
        )?
        .into_iter()
        .map(row_from)
        .collect::<Result<Vec<_>>>()?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// Rows an export reads at a time.
const EXPORT_BATCH: usize = 1000;

/// Every row of a search, in id order, in batches, for exports (memory stays flat: the
/// matching ids first, then the rows by primary key a batch at a time, so no batch walks
/// the rows of the ones before it).
pub fn for_each_row(
    c: &mut dyn Conn,
    f: &Filter,
    mut each: impl FnMut(&ResidentRow) -> Result<()>,
) -> Result<u64> {
    let (cond, args) = where_clause(f);
    let today = f.today.unwrap_or_else(|| Utc::now().date_naive());
    let ids = c
        .query(&format!("SELECT r.id FROM residents r WHERE {cond} ORDER BY r.id"), &args)?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<Vec<_>>>()?;
    let mut n = 0u64;
    for chunk in ids.chunks(EXPORT_BATCH) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let a: Vec<Value> = chunk.iter().map(|id| Value::from(*id)).collect();
        let sql = format!("SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE r.id IN ({marks}) ORDER BY r.id");
        let mut rows = c.query(&sql, &a)?.into_iter().map(row_from).collect::<Result<Vec<_>>>()?;
        attach_tag_names(c, &mut rows, today)?;
        for r in &rows {
            each(r)?;
            n += 1;
        }
    }
    Ok(n)
}

fn attach_tag_names(c: &mut dyn Conn, rows: &mut [ResidentRow], today: NaiveDate) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let day = today.format("%Y-%m-%d").to_string();
    let marks = vec!["?"; rows.len()].join(", ");
    let mut args: Vec<Value> = rows.iter().map(|r| Value::from(r.id)).collect();
    args.push(day.clone().into());
    args.push(day.into());
    let sql = format!(
        "SELECT t.resident_id, k.name FROM resident_tags t JOIN tag_kinds k ON k.id = t.tag_id
         WHERE t.resident_id IN ({marks}) AND (t.valid_from IS NULL OR t.valid_from <= ?)
           AND (t.valid_to IS NULL OR t.valid_to >= ?)
         ORDER BY k.sort_order, k.id"
    );
    let at: std::collections::HashMap<i64, usize> =
        rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for r in c.query(&sql, &args)? {
        let (rid, name) = (r.int(0)?, r.text(1)?);
        if let Some(row) = at.get(&rid).and_then(|i| rows.get_mut(*i))
            && !row.tags.contains(&name)
        {
            row.tags.push(name);
        }
    }
    Ok(())
}

/// A resident of the community `t` (not found in any other).
pub fn get(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Resident> {
    let r = c.query_one(
        "SELECT r.id, r.community_id, r.household_id, r.unit_id, r.building_id, r.place_path, r.name,
                r.id_number, r.gender, r.birth_date, r.phone, r.relation, r.political_status,
                r.employment_status, r.notes, r.consent_publish_name, r.consent_volunteer_contact,
                r.consent_neighbor_card, r.status, r.closed_on, b.name, u.name, h.number
         FROM residents r
         LEFT JOIN places b ON b.id = r.building_id
         LEFT JOIN places u ON u.id = r.unit_id
         LEFT JOIN households h ON h.id = r.household_id
         WHERE r.id = ? AND r.community_id = ?",
        params![id, t],
    )?;
    // A resident has a few tags: sorted here, not by a sorter SQLite would build for them.
    let mut tags = c
        .query(
            "SELECT t.tag_id, k.name, t.valid_from, t.valid_to, t.grade, t.source, k.sensitive,
                    k.sort_order, t.id
             FROM resident_tags t JOIN tag_kinds k ON k.id = t.tag_id
             WHERE t.resident_id = ?",
            params![id],
        )?
        .iter()
        .map(|t| {
            let tag = from_row!(t => ResidentTag {
                tag_id, name, valid_from, valid_to, grade, source, sensitive
            });
            Ok(((t.int(7)?, t.int(8)?), tag))
        })
        .collect::<Result<Vec<_>>>()?;
    tags.sort_by_key(|(order, _)| *order);
    let tags = tags.into_iter().map(|(_, tag)| tag).collect();
    Ok(from_row!(r => Resident {
        id, community_id, household_id, unit_id, building_id, place_path, name, id_number, gender,
        birth_date, phone, relation, political_status, employment_status, notes,
        consent_publish_name, consent_volunteer_contact, consent_neighbor_card, status, closed_on,
        building, unit, household;
        tags: tags,
    }))
}

/// The place columns a resident of `household_id` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub unit_id: Option<i64>,
    pub building_id: Option<i64>,
    pub path: String,
}

pub fn placement(c: &mut dyn Conn, t: Tenant, household_id: Option<i64>) -> Result<Placement> {
    let community_id = t.id();
    match household_id {
        Some(h) => {
            // Scoped to the community: another community's household is not found.
            let hh = household(c, t, h)?;
            let unit = places::get(c, hh.unit_id)?;
            Ok(Placement {
                unit_id: Some(unit.id),
                building_id: unit.parent_id,
                path: unit.path.as_str().to_string(),
            })
        }
        None => Ok(Placement {
            unit_id: None,
            building_id: None,
            path: places::get(c, community_id)?.path.as_str().to_string(),
        }),
    }
}

fn duplicate_id(e: StoreError) -> StoreError {
    if e.is_unique_violation() {
        StoreError::Conflict { code: "id_number_taken", field: Some("id_number") }
    } else {
        e
    }
}

pub fn create(c: &mut dyn Conn, t: Tenant, r: &ResidentInput, now: DateTime<Utc>) -> Result<i64> {
    let p = placement(c, t, r.household_id)?;
    create_placed(c, t, r, &p, now)
}

/// [`create`] when the caller already knows the placement (bulk imports: no look-ups per row).
pub fn create_placed(
    c: &mut dyn Conn,
    t: Tenant,
    r: &ResidentInput,
    p: &Placement,
    now: DateTime<Utc>,
) -> Result<i64> {
    create_placed_many(c, t, &[(r, p)], now)?
        .first()
        .copied()
        .ok_or_else(|| StoreError::Db("the insert returned no id".into()))
}

/// Rows per multi-row `INSERT` on PostgreSQL: a few hundred, so that one statement binds at
/// most ~10,000 parameters (the limit is 65,535) and a 100,000-row import is a few hundred
/// round trips instead of 100,000.
const BULK_ROWS: usize = 400;

/// Rows per `INSERT` statement, and whether ids come back through `RETURNING`. SQLite runs
/// in-process, so there are no round trips to save; and it copies every page that a
/// statement which might have to be undone alone touches into a statement journal — every
/// multi-row `INSERT`, and every `INSERT … RETURNING` (RETURNING is a trigger inside SQLite).
/// On the 1,000,000-resident benchmark that journal made bulk inserts 2–3× slower than one
/// cached single-row statement a row with the id from `last_insert_rowid()`.
fn rows_per_insert(c: &dyn Conn, rows: usize) -> usize {
    match c.dialect() {
        Dialect::Sqlite => 1,
        Dialect::Postgres => rows,
    }
}

/// The id of the row the last `INSERT` without `RETURNING` created (SQLite).
fn last_insert_id(c: &mut dyn Conn) -> Result<i64> {
    c.count("SELECT last_insert_rowid()", &[])
}

const RESIDENT_COLUMNS: &str = "community_id, household_id, unit_id, building_id, place_path, name,
    name_initials, name_pinyin, id_number, id_rev, gender, birth_date, phone, phone_rev, relation,
    political_status, employment_status, notes, consent_publish_name, consent_volunteer_contact,
    consent_neighbor_card, status, created_at, updated_at";
const RESIDENT_VALUES: &str =
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)";

/// The parameters of one [`RESIDENT_VALUES`] row.
fn push_resident(
    args: &mut Vec<Value>,
    community_id: i64,
    r: &ResidentInput,
    p: &Placement,
    at: &str,
) {
    let (initials, full) = linli_core::pinyin::search_keys(&r.name);
    args.extend([
        community_id.into(),
        r.household_id.into(),
        p.unit_id.into(),
        p.building_id.into(),
        p.path.as_str().into(),
        r.name.as_str().into(),
        initials.into(),
        full.into(),
        r.id_number.as_deref().into(),
        r.id_number.as_deref().map(reversed).into(),
        r.gender.as_deref().into(),
        r.birth_date.into(),
        r.phone.as_deref().into(),
        r.phone.as_deref().map(reversed).into(),
        r.relation.as_str().into(),
        r.political_status.as_str().into(),
        r.employment_status.as_str().into(),
        r.notes.as_str().into(),
        r.consent_publish_name.into(),
        r.consent_volunteer_contact.into(),
        r.consent_neighbor_card.into(),
        at.into(),
        at.into(),
    ]);
}

/// `VALUES` rows for a multi-row `INSERT`: `row` repeated `n` times.
fn values_list(row: &str, n: usize) -> String {
    let mut out = String::with_capacity((row.len() + 2) * n);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(row);
    }
    out
}

/// [`create_placed`] for many residents at once, each with its placement, then their tags:
/// on PostgreSQL multi-row `INSERT`s of a few hundred rows, on SQLite one cached statement a
/// row (see [`rows_per_insert`]). Returns the new ids in the order of `rows`. Inside the
/// caller's transaction, like every write here: a failing row (an ID number already
/// registered: `id_number_taken`) fails the call.
pub fn create_placed_many(
    c: &mut dyn Conn,
    t: Tenant,
    rows: &[(&ResidentInput, &Placement)],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let community_id = t.id();
    let at = now_text(now);
    let mut ids = Vec::with_capacity(rows.len());
    if c.dialect() == Dialect::Sqlite {
        let sql = format!("INSERT INTO residents ({RESIDENT_COLUMNS}) VALUES {RESIDENT_VALUES}");
        let mut args = Vec::with_capacity(23);
        for (r, p) in rows {
            args.clear();
            push_resident(&mut args, community_id, r, p, &at);
            c.execute(&sql, &args).map_err(duplicate_id)?;
            ids.push(last_insert_id(c)?);
        }
    } else {
        for chunk in rows.chunks(BULK_ROWS) {
            let mut args = Vec::with_capacity(chunk.len() * 23);
            for (r, p) in chunk {
                push_resident(&mut args, community_id, r, p, &at);
            }
            let sql = format!(
                "INSERT INTO residents ({RESIDENT_COLUMNS}) VALUES {} RETURNING id, name, id_number",
                values_list(RESIDENT_VALUES, chunk.len())
            );
            let mut got = c
                .query(&sql, &args)
                .map_err(duplicate_id)?
                .iter()
                .map(|row| Ok((row.int(0)?, row.text(1)?, row.opt_text(2)?)))
                .collect::<Result<Vec<_>>>()?;
            // The rows of one statement are numbered in the order of its VALUES list; RETURNING
            // may list them in any order, so sort, and check that each row is the one given at
            // that place before anything is attached to its id.
            got.sort_by_key(|g| g.0);
            if got.len() != chunk.len()
                || got
                    .iter()
                    .zip(chunk)
                    .any(|((_, name, idn), (r, _))| *name != r.name || *idn != r.id_number)
            {
                return Err(StoreError::Db(
                    "a bulk insert returned ids that do not match its rows".into(),
                ));
            }
            ids.extend(got.into_iter().map(|g| g.0));
        }
    }
    let tags: Vec<(i64, &TagInput)> = ids
        .iter()
        .zip(rows)
        .flat_map(|(id, (r, _))| r.tags.iter().map(move |t| (*id, t)))
        .collect();
    insert_tags(c, community_id, &tags, &at)?;
    let names: Vec<(i64, &str)> =
        ids.iter().zip(rows).map(|(id, (r, _))| (*id, r.name.as_str())).collect();
    insert_name_chars(c, community_id, &names)?;
    Ok(ids)
}

/// The distinct characters of a name, as `resident_name_chars` keeps them (white space left
/// out; ASCII letters folded to lower case, as a search folds them).
pub fn name_chars(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ch in name.chars().filter(|c| !c.is_whitespace()) {
        let s = ch.to_lowercase().to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Keeps the characters of residents' names (migration 0032), a few hundred rows a statement.
fn insert_name_chars(c: &mut dyn Conn, community_id: i64, names: &[(i64, &str)]) -> Result<()> {
    let rows: Vec<(i64, String)> = names
        .iter()
        .flat_map(|(id, name)| name_chars(name).into_iter().map(move |ch| (*id, ch)))
        .collect();
    for chunk in rows.chunks(rows_per_insert(c, BULK_ROWS * 2)) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 3);
        for (id, ch) in chunk {
            args.extend([community_id.into(), ch.as_str().into(), (*id).into()]);
        }
        let sql = format!(
            "INSERT INTO resident_name_chars (community_id, ch, resident_id) VALUES {}",
            values_list("(?, ?, ?)", chunk.len())
        );
        c.execute(&sql, &args)?;
    }
    Ok(())
}

/// A resident's name changed: its characters again.
fn replace_name_chars(c: &mut dyn Conn, community_id: i64, id: i64, name: &str) -> Result<()> {
    c.execute("DELETE FROM resident_name_chars WHERE resident_id = ?", params![id])?;
    insert_name_chars(c, community_id, &[(id, name)])
}

/// Migration 0032's step: the name characters of every resident already registered, a
/// thousand residents at a time.
pub(crate) fn backfill_name_chars(c: &mut dyn Conn) -> Result<()> {
    let mut after = 0i64;
    loop {
        let rows = c.query(
            "SELECT id, community_id, name FROM residents WHERE id > ? ORDER BY id LIMIT 1000",
            params![after],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.int(0)?;
        let mut by_community: std::collections::BTreeMap<i64, Vec<(i64, String)>> =
            std::collections::BTreeMap::new();
        for r in &rows {
            by_community.entry(r.int(1)?).or_default().push((r.int(0)?, r.text(2)?));
        }
        for (community_id, names) in by_community {
            let names: Vec<(i64, &str)> = names.iter().map(|(id, n)| (*id, n.as_str())).collect();
            insert_name_chars(c, community_id, &names)?;
        }
    }
}

/// Inserts tags of residents, a few hundred a statement.
fn insert_tags(
    c: &mut dyn Conn,
    community_id: i64,
    tags: &[(i64, &TagInput)],
    at: &str,
) -> Result<()> {
    for chunk in tags.chunks(rows_per_insert(c, BULK_ROWS * 2)) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 8);
        for (resident_id, t) in chunk {
            args.extend([
                community_id.into(),
                (*resident_id).into(),
                t.tag_id.into(),
                t.valid_from.as_deref().into(),
                t.valid_to.as_deref().into(),
                t.grade.as_deref().into(),
                t.source.as_str().into(),
                at.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO resident_tags (community_id, resident_id, tag_id, valid_from, valid_to, grade, source, created_at)
             VALUES {}",
            values_list("(?, ?, ?, ?, ?, ?, ?, ?)", chunk.len())
        );
        c.execute(&sql, &args)?;
    }
    Ok(())
}

pub fn update(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    r: &ResidentInput,
    now: DateTime<Utc>,
) -> Result<()> {
    let current = get(c, t, id)?;
    let p = placement(c, Tenant::new(current.community_id), r.household_id)?;
    let (initials, full) = linli_core::pinyin::search_keys(&r.name);
    let at = now_text(now);
    c.execute(
        "UPDATE residents SET household_id = ?, unit_id = ?, building_id = ?, place_path = ?, name = ?,
             name_initials = ?, name_pinyin = ?, id_number = ?, id_rev = ?, gender = ?, birth_date = ?,
             phone = ?, phone_rev = ?, relation = ?, political_status = ?, employment_status = ?, notes = ?,
             consent_publish_name = ?, consent_volunteer_contact = ?, consent_neighbor_card = ?, updated_at = ?
         WHERE id = ?",
        params![
            r.household_id,
            p.unit_id,
            p.building_id,
            p.path,
            r.name.clone(),
            initials,
            full,
            r.id_number.clone(),
            r.id_number.as_deref().map(reversed),
            r.gender.clone(),
            r.birth_date,
            r.phone.clone(),
            r.phone.as_deref().map(reversed),
            r.relation.clone(),
            r.political_status.clone(),
            r.employment_status.clone(),
            r.notes.clone(),
            r.consent_publish_name,
            r.consent_volunteer_contact,
            r.consent_neighbor_card,
            at.clone(),
            id
        ],
    )
    .map_err(duplicate_id)?;
    if r.name != current.name {
        replace_name_chars(c, current.community_id, id, &r.name)?;
    }
    replace_tags(c, current.community_id, id, &r.tags, &at)
}

/// Id numbers already registered in a community, with the resident's id (import look-ups).
pub fn id_numbers(
    c: &mut dyn Conn,
    t: Tenant,
) -> Result<std::collections::HashMap<String, (i64, PlacePath)>> {
    let community_id = t.id();
    let mut out = std::collections::HashMap::new();
    for r in c.query(
        "SELECT id_number, id, place_path FROM residents WHERE community_id = ? AND id_number IS NOT NULL",
        params![community_id],
    )? {
        let path = r.path(2)?;
        out.insert(r.text(0)?, (r.int(1)?, path));
    }
    Ok(out)
}

fn replace_tags(
    c: &mut dyn Conn,
    community_id: i64,
    resident_id: i64,
    tags: &[TagInput],
    at: &str,
) -> Result<()> {
    c.execute("DELETE FROM resident_tags WHERE resident_id = ?", params![resident_id])?;
    let tags: Vec<(i64, &TagInput)> = tags.iter().map(|t| (resident_id, t)).collect();
    insert_tags(c, community_id, &tags, at)
}

/// Closes a record (moved away, deceased): it stays for the ledgers, out of the active roster.
pub fn close(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: ResidentStatus,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    if !matches!(status, ResidentStatus::MovedAway | ResidentStatus::Deceased) {
        return Err(StoreError::invalid("resident_bad_status", "status"));
    }
    c.execute(
        "UPDATE residents SET status = ?, closed_on = ?, updated_at = ? WHERE id = ? AND community_id = ?",
        params![status, on, now_text(now), id, t],
    )?;
    Ok(())
}

/// The community's residents on `day` (`YYYY-MM-DD`): registered by that day, and active or
/// moved away or deceased after it (`registry.residents`). Summed from the changes by day that
/// migration 0034's triggers keep, so the figure reads a few hundred rows, not every resident.
pub fn residents_on(c: &mut dyn Conn, t: Tenant, day: &str) -> Result<i64> {
    summed_by(c, t, day, "residents")
}

/// The community's households with an active member registered by `day`
/// (`registry.households`), from the same changes by day.
pub fn households_on(c: &mut dyn Conn, t: Tenant, day: &str) -> Result<i64> {
    summed_by(c, t, day, "households")
}

/// The changes of a column of `registry_day_counts` up to `day`, summed.
fn summed_by(c: &mut dyn Conn, t: Tenant, day: &str, column: &'static str) -> Result<i64> {
    c.count(
        &format!(
            "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) FROM registry_day_counts
             WHERE community_id = ? AND day <= ?"
        ),
        params![t, day],
    )
}

/// PIPL erasure where records must stay: personal fields erased, the row kept anonymous so
/// counts and ledgers that point at it stay right.
pub fn anonymize(c: &mut dyn Conn, t: Tenant, id: i64, now: DateTime<Utc>) -> Result<()> {
    // The resident must be of this community before anything of theirs is erased.
    get(c, t, id)?;
    c.execute(
        "UPDATE residents SET name = '已匿名', name_initials = '', name_pinyin = '', id_number = NULL,
             id_rev = NULL, phone = NULL, phone_rev = NULL, birth_date = NULL, notes = '',
             political_status = '', employment_status = '', consent_publish_name = 0,
             consent_volunteer_contact = 0, consent_neighbor_card = 0, status = 'anonymized', updated_at = ?
         WHERE id = ?",
        params![now_text(now), id],
    )?;
    c.execute("DELETE FROM resident_tags WHERE resident_id = ?", params![id])?;
    replace_name_chars(c, t.id(), id, "已匿名")?;
    Ok(())
}

// ---- households ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Household {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub unit_id: i64,
    pub number: String,
}

/// A household of the community (another community's is not found).
pub fn household(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Household> {
    let r = c.query_one(
        "SELECT id, community_id, unit_id, number FROM households WHERE id = ? AND community_id = ?",
        params![id, t.id()],
    )?;
    Ok(from_row!(r => Household { id, community_id, unit_id, number }))
}

/// The household `number` of a unit, created when missing.
pub fn household_in_unit(
    c: &mut dyn Conn,
    unit: &places::Place,
    number: &str,
    now: DateTime<Utc>,
) -> Result<Household> {
    let number = number.trim();
    if number.is_empty() || number.chars().count() > 20 {
        return Err(StoreError::invalid("household_bad_number", "household"));
    }
    let community_id =
        unit.community_id.ok_or_else(|| StoreError::invalid("household_bad_unit", "unit_id"))?;
    if unit.kind != linli_core::PlaceKind::Unit {
        return Err(StoreError::invalid("household_bad_unit", "unit_id"));
    }
    if let Some(r) = c.query_opt(
        "SELECT id FROM households WHERE unit_id = ? AND number = ?",
        params![unit.id, number],
    )? {
        return household(c, Tenant::new(community_id), r.int(0)?);
    }
    let at = now_text(now);
    let id = c.insert(
        "INSERT INTO households (community_id, unit_id, number, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        params![community_id, unit.id, number, at.clone(), at],
    )?;
    household(c, Tenant::new(community_id), id)
}

/// [`household_in_unit`] for many households at once (bulk imports): the household `number`
/// of each unit, created when missing. Only the pairs given are looked up (an import's batch
/// names a few hundred households of units that may hold tens of thousands); those missing are
/// created in the order given (multi-row inserts on PostgreSQL, see [`rows_per_insert`]). The
/// map's keys are the unit id and the number as given, trimmed.
pub fn households_in_units(
    c: &mut dyn Conn,
    wanted: &[(&places::Place, &str)],
    now: DateTime<Utc>,
) -> Result<std::collections::HashMap<(i64, String), i64>> {
    use std::collections::{HashMap, HashSet};
    // The distinct pairs, in the order given, with their unit's community.
    let mut pairs: Vec<(i64, i64, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for (unit, number) in wanted {
        let number = number.trim();
        if number.is_empty() || number.chars().count() > 20 {
            return Err(StoreError::invalid("household_bad_number", "household"));
        }
        let (Some(community_id), linli_core::PlaceKind::Unit) = (unit.community_id, unit.kind)
        else {
            return Err(StoreError::invalid("household_bad_unit", "unit_id"));
        };
        if seen.insert((unit.id, number)) {
            pairs.push((community_id, unit.id, number));
        }
    }
    let mut out: HashMap<(i64, String), i64> = HashMap::with_capacity(pairs.len());
    let at = now_text(now);
    if c.dialect() == Dialect::Sqlite {
        // In-process: one cached lookup a pair, and one insert for each one missing.
        for (community_id, unit_id, number) in pairs {
            let id = match c.query_opt(
                "SELECT id FROM households WHERE unit_id = ? AND number = ?",
                params![unit_id, number],
            )? {
                Some(row) => row.int(0)?,
                None => {
                    c.execute(
                        "INSERT INTO households (community_id, unit_id, number, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                        params![community_id, unit_id, number, at.as_str(), at.as_str()],
                    )?;
                    last_insert_id(c)?
                }
            };
            out.insert((unit_id, number.to_string()), id);
        }
        return Ok(out);
    }
    // PostgreSQL: the pairs looked up a few hundred a statement, the missing inserted alike.
    for chunk in pairs.chunks(BULK_ROWS * 2) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 2);
        for (_, unit_id, number) in chunk {
            args.extend([(*unit_id).into(), (*number).into()]);
        }
        let sql = format!(
            "WITH wanted (unit_id, number) AS (VALUES {})
             SELECT h.id, h.unit_id, h.number FROM households h
             JOIN wanted w ON h.unit_id = w.unit_id AND h.number = w.number",
            values_list("(CAST(? AS BIGINT), CAST(? AS TEXT))", chunk.len())
        );
        for r in c.query(&sql, &args)? {
            out.insert((r.int(1)?, r.text(2)?), r.int(0)?);
        }
    }
    let missing: Vec<&(i64, i64, &str)> = pairs
        .iter()
        .filter(|(_, unit_id, number)| !out.contains_key(&(*unit_id, number.to_string())))
        .collect();
    for chunk in missing.chunks(BULK_ROWS * 2) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for (community_id, unit_id, number) in chunk {
            args.extend([
                (*community_id).into(),
                (*unit_id).into(),
                (*number).into(),
                at.as_str().into(),
                at.as_str().into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO households (community_id, unit_id, number, created_at, updated_at) VALUES {}
             RETURNING id, unit_id, number",
            values_list("(?, ?, ?, ?, ?)", chunk.len())
        );
        for r in c.query(&sql, &args)? {
            out.insert((r.int(1)?, r.text(2)?), r.int(0)?);
        }
    }
    Ok(out)
}

pub fn households_of_unit(c: &mut dyn Conn, unit_id: i64) -> Result<Vec<Household>> {
    c.query_map(
        "SELECT id, community_id, unit_id, number FROM households WHERE unit_id = ? ORDER BY number",
        params![unit_id],
        |r| {
        Ok(from_row!(r => Household { id, community_id, unit_id, number }))
        },
    )
}

/// The other members of a household (id, name, relation, status).
pub fn members(
    c: &mut dyn Conn,
    t: Tenant,
    household_id: i64,
) -> Result<Vec<(i64, String, String, ResidentStatus)>> {
    c.query_map(
        "SELECT id, name, relation, status FROM residents WHERE community_id = ? AND household_id = ? ORDER BY
            CASE relation WHEN 'head' THEN 0 WHEN 'spouse' THEN 1 WHEN 'parent' THEN 2 WHEN 'child' THEN 3 ELSE 4 END, id",
        params![t, household_id],
        |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.get(3)?)),
    )
}

// ---- tags ----

pub fn tag_kinds(c: &mut dyn Conn, t: Tenant) -> Result<Vec<TagKind>> {
    let community_id = t.id();
    c.query_map(
        "SELECT id, name, sensitive, has_grade FROM tag_kinds WHERE community_id = ? ORDER BY sort_order, id",
        params![community_id],
        |r| {
        Ok(from_row!(r => TagKind { id, name, sensitive, has_grade }))
        },
    )
}

/// Gives a community its starting tag list (once).
pub fn ensure_default_tags(c: &mut dyn Conn, t: Tenant) -> Result<()> {
    let community_id = t.id();
    for (i, (name, sensitive, grade)) in DEFAULT_TAGS.iter().enumerate() {
        c.execute(
            "INSERT INTO tag_kinds (community_id, name, sensitive, has_grade, sort_order) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (community_id, name) DO NOTHING",
            params![community_id, *name, *sensitive, *grade, i as i64],
        )?;
    }
    Ok(())
}

/// Active residents and their households within `scopes` (the home page of a worker of one
/// grid counts her grid's, as her roster does). The whole community's are the counts kept by
/// day ([`count_active`]); a part of it is counted.
pub fn count_active_within(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
) -> Result<(i64, i64)> {
    if crate::places::covers_community(c, t, scopes)? {
        return count_active(c, t);
    }
    let f = Filter { community_id: t.id(), scopes: scopes.to_vec(), ..Default::default() };
    let (clause, args) = where_clause(&f);
    let r = c.query_one(
        &format!("SELECT COUNT(*), COUNT(DISTINCT r.household_id) FROM residents r WHERE {clause}"),
        &args,
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

/// Active residents of a community and their households (home page, demo): every change kept
/// by day, summed. A resident counted and later closed adds +1 and -1, so the sum is the
/// residents active now; the households' changes are one +1 for each household with an active
/// member. (A few hundred rows, against a count of every resident.)
pub fn count_active(c: &mut dyn Conn, t: Tenant) -> Result<(i64, i64)> {
    let community_id = t.id();
    let r = c.query_one(
        "SELECT CAST(COALESCE(SUM(residents), 0) AS BIGINT), CAST(COALESCE(SUM(households), 0) AS BIGINT)
         FROM registry_day_counts WHERE community_id = ?",
        params![community_id],
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_community_s_own_scope_filters_nothing_and_a_building_s_does() {
        let path = |s: &str| PlacePath::parse(s).unwrap();
        let admin = Filter { community_id: 2, scopes: vec![path("/1/2/")], ..Default::default() };
        let (sql, _) = where_clause(&admin);
        assert!(!sql.contains("place_path"), "{sql}");
        let head = Filter { community_id: 2, scopes: vec![path("/1/2/7/")], ..Default::default() };
        let (sql, args) = where_clause(&head);
        assert!(sql.contains("place_path"), "{sql}");
        assert!(args.contains(&Value::from("/1/2/7/")), "{args:?}");
    }

    #[test]
    fn an_ascii_query_searches_pinyin_and_a_digit_query_the_last_digits() {
        let f = Filter { community_id: 1, q: Some("xsl".into()), ..Default::default() };
        let (sql, args) = where_clause(&f);
        assert!(sql.contains("name_initials"));
        assert_eq!(args.len(), 5);
        let f = Filter { community_id: 1, q: Some("5678".into()), ..Default::default() };
        let (sql, args) = where_clause(&f);
        assert!(sql.contains("phone_rev"));
        assert_eq!(args[1], Value::Text("8765".into()));
    }

    /// A search by part of a name starts from the characters' lists, not from every resident
    /// of the community checked against them (SQLite's plan, read with EXPLAIN QUERY PLAN);
    /// a pinyin search keeps its index.
    #[test]
    fn a_name_search_starts_from_its_characters_not_the_whole_community() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db").to_string_lossy().to_string();
        let db = crate::Db::open(&crate::DbConfig::new(path)).unwrap();
        crate::migrate::migrate(&db).unwrap();
        let plan = |q: &str| -> String {
            let f = Filter { community_id: 2, q: Some(q.into()), ..Default::default() };
            let (cond, args) = where_clause(&f);
            let sql = format!("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM residents r WHERE {cond}");
            db.read_blocking(|c| c.query(&sql, &args))
                .unwrap()
                .iter()
                .map(|r| r.text(3).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("; ")
        };
        for q in ["王", "李秀", "3号楼"] {
            let p = plan(q);
            assert!(p.contains("SEARCH r USING INTEGER PRIMARY KEY"), "{q}: {p}");
            assert!(
                !p.contains("residents_indicators") && !p.contains("residents_roster"),
                "{q}: {p}"
            );
        }
        let p = plan("zhang");
        assert!(p.contains("residents_pinyin"), "{p}");
    }

    #[test]
    fn residents_registered_before_migration_32_are_found_by_a_part_of_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db").to_string_lossy().to_string();
        let db = crate::Db::open(&crate::DbConfig::new(path)).unwrap();
        crate::migrate::migrate_until(&db, 31).unwrap();
        let community = db
            .write_blocking(|c| {
                let p = crate::places::create(
                    c,
                    linli_core::PlaceKind::Community,
                    "书香社区",
                    None,
                    chrono::Utc::now(),
                )?;
                for name in ["欧阳建国", "王秀英"] {
                    c.execute(
                        "INSERT INTO residents (community_id, place_path, name, name_initials, name_pinyin, created_at, updated_at)
                         VALUES (?, ?, ?, '', '', '2026-01-01', '2026-01-01')",
                        params![p.id, p.path.as_str(), name],
                    )?;
                }
                Ok::<_, crate::StoreError>(p.id)
            })
            .unwrap();
        crate::migrate::migrate(&db).unwrap();
        let found = |q: &str| -> Vec<String> {
            let f = Filter { community_id: community, q: Some(q.into()), ..Default::default() };
            db.read_blocking(|c| search(c, &f, 1, 50))
                .unwrap()
                .0
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        assert_eq!(found("建国"), ["欧阳建国"]);
        assert_eq!(found("秀"), ["王秀英"]);
        assert!(found("建英").is_empty());
    }

    /// The figures as they were counted before migration 34: from every resident.
    fn counted(c: &mut dyn Conn, community: i64, day: &str) -> (i64, i64) {
        let end = format!("{day}T23:59:59.999999Z");
        let residents = c
            .count(
                "SELECT COUNT(*) FROM residents WHERE community_id = ? AND created_at <= ?
                   AND (status = 'active' OR (status IN ('moved_away', 'deceased') AND closed_on > ?))",
                params![community, end.clone(), day],
            )
            .unwrap();
        let households = c
            .count(
                "SELECT COUNT(DISTINCT household_id) FROM residents WHERE community_id = ? AND created_at <= ?
                   AND household_id IS NOT NULL AND status = 'active'",
                params![community, end],
            )
            .unwrap();
        (residents, households)
    }

    /// Registers, moves, closes, erases and deletes residents by plain SQL (every path that
    /// writes them) and checks after each step that the counts kept by day give the figures
    /// counted from the residents, on many days.
    fn counts_by_day_follow_every_change(location: String) {
        let db = crate::Db::open(&crate::DbConfig::new(location)).unwrap();
        crate::migrate::migrate_until(&db, 33).unwrap();
        let now = chrono::Utc::now();
        let (a, b) = db
            .write_blocking(|c| {
                let a = crate::places::create(
                    c,
                    linli_core::PlaceKind::Community,
                    "甲社区",
                    None,
                    now,
                )?;
                let b = crate::places::create(
                    c,
                    linli_core::PlaceKind::Community,
                    "乙社区",
                    None,
                    now,
                )?;
                Ok::<_, crate::StoreError>((a, b))
            })
            .unwrap();
        let household = |db: &crate::Db, number: &str| -> i64 {
            let (id, number) = (a.id, number.to_string());
            db.write_blocking(move |c| {
                c.insert(
                    "INSERT INTO households (community_id, unit_id, number, created_at, updated_at)
                     VALUES (?, ?, ?, '2026-01-01', '2026-01-01') RETURNING id",
                    params![id, id, number],
                )
            })
            .unwrap()
        };
        let (h1, h2) = (household(&db, "101"), household(&db, "102"));
        let add = |db: &crate::Db,
                   name: &str,
                   household: Option<i64>,
                   created: &str,
                   status: &str,
                   closed: Option<&str>|
         -> i64 {
            let (id, path) = (a.id, a.path.as_str().to_string());
            let (name, created, status, closed) = (
                name.to_string(),
                created.to_string(),
                status.to_string(),
                closed.map(str::to_string),
            );
            db.write_blocking(move |c| {
                c.insert(
                    "INSERT INTO residents (community_id, household_id, place_path, name, name_initials, name_pinyin,
                         status, closed_on, created_at, updated_at)
                     VALUES (?, ?, ?, ?, '', '', ?, ?, ?, ?) RETURNING id",
                    params![id, household, path, name, status, closed, format!("{created}T08:00:00Z"), created],
                )
            })
            .unwrap()
        };
        let run = |db: &crate::Db, sql: &str, args: Vec<Value>| {
            let sql = sql.to_string();
            db.write_blocking(move |c| c.execute(&sql, &args)).unwrap();
        };
        let days = [
            "2025-12-31",
            "2026-01-05",
            "2026-01-09",
            "2026-01-10",
            "2026-01-19",
            "2026-01-20",
            "2026-02-14",
            "2026-02-15",
            "2026-03-01",
            "2026-04-30",
            "2026-05-01",
            "2026-12-31",
        ];
        let check = |db: &crate::Db, step: &str| {
            for community in [a.id, b.id] {
                for day in days {
                    let (kept, counted) = db
                        .read_blocking(|c| {
                            let t = Tenant::new(community);
                            let kept = (residents_on(c, t, day)?, households_on(c, t, day)?);
                            Ok::<_, crate::StoreError>((kept, counted(c, community, day)))
                        })
                        .unwrap();
                    assert_eq!(kept, counted, "{step}: community {community} on {day}");
                }
                // Active now: the kept changes of every day against a count of every resident.
                let (kept, counted) = db
                    .read_blocking(|c| {
                        let r = c.query_one(
                            "SELECT COUNT(*), COUNT(DISTINCT household_id) FROM residents
                             WHERE community_id = ? AND status = 'active'",
                            params![community],
                        )?;
                        Ok::<_, crate::StoreError>((
                            count_active(c, Tenant::new(community))?,
                            (r.int(0)?, r.int(1)?),
                        ))
                    })
                    .unwrap();
                assert_eq!(kept, counted, "{step}: community {community} active now");
                // The roster as it opens (unfiltered) says the same total.
                let roster = Filter { community_id: community, ..Default::default() };
                let (_, total) = db.read_blocking(|c| search(c, &roster, 1, 1)).unwrap();
                assert_eq!(total, counted.0, "{step}: community {community} roster total");
            }
        };
        // Before the migration: its backfill counts them.
        let ra = add(&db, "甲", Some(h1), "2026-01-05", "active", None);
        add(&db, "乙", Some(h1), "2026-01-10", "moved_away", Some("2026-03-01"));
        add(&db, "丙", None, "2026-02-01", "deceased", Some("2025-12-01"));
        add(&db, "丁", Some(h2), "2026-01-09", "moved_away", None);
        let re = add(&db, "戊", None, "2026-04-01", "active", None);
        crate::migrate::migrate(&db).unwrap();
        check(&db, "backfilled");
        let rf = add(&db, "己", Some(h2), "2026-02-15", "active", None);
        check(&db, "a household's first member");
        let rg = add(&db, "庚", Some(h2), "2026-01-20", "active", None);
        check(&db, "an earlier member of the same household");
        add(&db, "辛", Some(h1), "2026-01-19", "deceased", Some("2026-04-30"));
        check(&db, "registered as deceased");
        let steps: [(&str, &str, Vec<Value>); 7] = [
            (
                "moved away",
                "UPDATE residents SET status = 'moved_away', closed_on = '2026-05-01' WHERE id = ?",
                vec![ra.into()],
            ),
            (
                "moved to another household",
                "UPDATE residents SET household_id = ? WHERE id = ?",
                vec![h1.into(), rg.into()],
            ),
            (
                "erased",
                "UPDATE residents SET status = 'anonymized', name = '已匿名' WHERE id = ?",
                vec![re.into()],
            ),
            (
                "renamed (no counted column)",
                "UPDATE residents SET name = '己二', notes = '改名' WHERE id = ?",
                vec![rf.into()],
            ),
            ("deleted", "DELETE FROM residents WHERE id = ?", vec![rf.into()]),
            (
                "moved to another community, active again",
                "UPDATE residents SET community_id = ?, status = 'active', closed_on = NULL WHERE id = ?",
                vec![b.id.into(), ra.into()],
            ),
            (
                "registration day corrected",
                "UPDATE residents SET created_at = '2025-06-30T23:00:00Z' WHERE id = ?",
                vec![rg.into()],
            ),
        ];
        for (step, sql, args) in steps {
            run(&db, sql, args);
            check(&db, step);
        }
    }

    #[test]
    fn counts_by_day_follow_every_change_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        counts_by_day_follow_every_change(dir.path().join("c.db").to_string_lossy().to_string());
    }

    #[test]
    fn counts_by_day_follow_every_change_on_postgresql() {
        let Some(url) = crate::pg::tests::fresh_database("counts") else {
            return;
        };
        counts_by_day_follow_every_change(url);
    }

    #[test]
    fn like_wildcards_in_a_name_query_are_literal() {
        let f = Filter { community_id: 1, q: Some("夏%".into()), ..Default::default() };
        let (_, args) = where_clause(&f);
        assert_eq!(args.last(), Some(&Value::Text("%夏\\%%".into())));
        // Each character is looked up as itself in the name index.
        assert!(args.contains(&Value::Text("%".into())));
    }

    #[test]
    fn tags_are_active_inside_their_period_only() {
        let t = ResidentTag {
            tag_id: 1,
            name: "低保".into(),
            valid_from: Some("2026-01-01".into()),
            valid_to: Some("2026-12-31".into()),
            grade: None,
            source: String::new(),
            sensitive: true,
        };
        assert!(t.active_on("2026-11-27"));
        assert!(!t.active_on("2027-01-01"));
        assert!(!t.active_on("2025-12-31"));
    }

    #[test]
    fn age_bounds_count_full_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(years_before(today, 80), NaiveDate::from_ymd_opt(1946, 11, 27).unwrap());
        let leap = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(years_before(leap, 1), NaiveDate::from_ymd_opt(2027, 2, 28).unwrap());
    }
}

/// A neighbour who agreed to be on the unit's neighbour card (睦邻卡).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CardNeighbour {
    pub resident_id: i64,
    pub unit_id: i64,
    pub name: String,
    pub household: String,
    /// Only when they also agreed to be contacted.
    pub phone: Option<String>,
}

/// The consenting adult neighbours (born on or before `adults_born_by`) of every unit of a
/// building, by unit, for its cards.
pub fn card_neighbours(
    c: &mut dyn Conn,
    building_id: i64,
    adults_born_by: &str,
) -> Result<Vec<CardNeighbour>> {
    c.query_map(
        "SELECT r.unit_id, r.name, COALESCE(h.number, ''), CASE WHEN r.consent_volunteer_contact = 1 THEN r.phone END, r.id
         FROM residents r LEFT JOIN households h ON h.id = r.household_id
         WHERE r.building_id = ? AND r.status = 'active' AND r.consent_neighbor_card = 1 AND r.birth_date <= ?
         ORDER BY r.unit_id, h.number, r.id",
        params![building_id, adults_born_by],
        |r| Ok(CardNeighbour { resident_id: r.int(4)?, unit_id: r.int(0)?, name: r.text(1)?, household: r.text(2)?, phone: r.opt_text(3)? }),
    )
}
