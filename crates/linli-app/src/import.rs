//! Importing a residents roster (花名册) from xlsx, xls or csv: all rows or none.
//!
//! [`plan`] is pure: it maps the headers, validates every cell and matches buildings and units
//! to the place tree, naming every bad row and column in Chinese. [`import`] reads the file,
//! plans inside the write transaction (so the duplicate checks see the database as it is
//! written), writes the good rows as it goes, and commits only when there is no error at all.

use chrono::{DateTime, NaiveDate, Utc};
use linli_core::place::{PlaceRuleError, parse_place_name};
use linli_core::roster::{self, Relation, RosterField, parse_phone};
use linli_core::text::{clean_name, echo_safe};
use linli_core::{Gender, IdNumber, PlaceKind, PlacePath};
use linli_io::{Limits, Rows, SheetRow, Source};
use linli_store::places::{self, Place};
use linli_store::registry::{self, Placement, ResidentInput, TagInput, TagKind};
use linli_store::{Conn, Db, Dialect, StoreError, audit};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::ops::ControlFlow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every row is a new resident; an ID number already registered is an error.
    Create,
    /// A row whose ID number is registered updates that resident.
    Upsert,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim() {
            "create" => Some(Mode::Create),
            "upsert" => Some(Mode::Upsert),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub mode: Mode,
    /// Create the buildings and units the file names that do not exist yet (directly under
    /// the community).
    pub create_places: bool,
    /// Check every row and report, write nothing.
    pub dry_run: bool,
}

/// One refused cell. `column` and `message` may quote the file, but never carry a control,
/// bidi or zero-width character ([`echo_safe`]): the CLI prints them to a terminal and the page
/// shows them beside other text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// The result, as the CLI prints it and the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub imported: usize,
    pub created: usize,
    pub updated: usize,
    pub places_created: usize,
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Columns the importer does not know: reported so nothing is dropped silently.
    pub unknown_columns: Vec<String>,
    /// Which field each recognised column feeds: (header in the file, field name in Chinese).
    pub columns: Vec<(String, String)>,
    /// True for a check without writing ([`Options::dry_run`]).
    pub checked_only: bool,
    /// More errors were found than [`MAX_ERRORS`]: checking stopped there and `errors` lists
    /// the first ones only.
    pub errors_truncated: bool,
}

/// Who imports: for the audit record, and where they may write.
pub struct Actor<'a> {
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub request_id: Option<&'a str>,
    /// The place paths the importer may write residents into; `None` for the whole
    /// community (the command line, run by whoever holds the database).
    pub scopes: Option<Vec<PlacePath>>,
}

impl Actor<'_> {
    fn may_write(&self, path: &PlacePath) -> bool {
        self.scopes.as_ref().is_none_or(|s| s.iter().any(|scope| path.is_within(scope)))
    }
}

/// Which file column feeds which field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<(usize, RosterField)>,
    pub unknown: Vec<String>,
}

impl Mapping {
    fn column(&self, f: RosterField) -> Option<usize> {
        self.columns.iter().find(|(_, x)| *x == f).map(|(i, _)| *i)
    }
}

/// Headers that are bookkeeping, not data: ignored without a warning.
const IGNORED: &[&str] = &["序号", "编号", "No", "NO", "no", "#"];

pub fn map_columns(headers: &[String]) -> Mapping {
    let mut m = Mapping::default();
    for (i, h) in headers.iter().enumerate() {
        if h.trim().is_empty() || IGNORED.contains(&h.trim()) {
            continue;
        }
        match roster::map_header(h) {
            Some(f) if m.column(f).is_none() => m.columns.push((i, f)),
            _ => m.unknown.push(h.clone()),
        }
    }
    m
}

/// The community's buildings and units by normalized name.
pub struct PlaceIndex {
    community: Place,
    buildings: HashMap<String, Place>,
    units: HashMap<(i64, String), Place>,
    unit_paths: HashMap<i64, PlacePath>,
}

impl PlaceIndex {
    pub fn new(community: Place, all: &[Place]) -> PlaceIndex {
        let mut buildings = HashMap::new();
        let mut units = HashMap::new();
        let mut unit_paths = HashMap::new();
        for p in all {
            match p.kind {
                PlaceKind::Building => {
                    let key = roster::normalize_building(&p.name).unwrap_or_else(|| p.name.clone());
                    buildings.entry(key).or_insert_with(|| p.clone());
                }
                PlaceKind::Unit => {
                    unit_paths.insert(p.id, p.path.clone());
                    if let Some(b) = p.parent_id {
                        let key = roster::normalize_unit(&p.name).unwrap_or_else(|| p.name.clone());
                        units.entry((b, key)).or_insert_with(|| p.clone());
                    }
                }
                _ => {}
            }
        }
        PlaceIndex { community, buildings, units, unit_paths }
    }
}

/// Where a planned row lives: an existing unit, or one to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    None,
    Unit { unit_id: i64, household: String },
    New { building: String, unit: String, household: String },
}

#[derive(Debug, Clone)]
pub struct PlannedRow {
    pub row: usize,
    pub input: ResidentInput,
    pub target: Target,
    /// The registered resident this row updates (upsert mode).
    pub existing: Option<i64>,
}

/// A row's cell of field `f` (aligned with the headers), trimmed; `""` when the file has no
/// such column or the cell is empty.
fn cell<'a>(row: &SheetRow<'a>, m: &Mapping, f: RosterField) -> &'a str {
    m.column(f).map_or("", |i| row.get(i).trim())
}

/// An ID number (validated: 17 digits and a check character) as a number, so that the
/// duplicate check of a 640,000-row file holds 16 bytes an entry instead of a `String`. Not
/// a validated number: a hash with the top bit set (never equal to a validated one's key).
fn id_key(id: &str) -> u64 {
    let b = id.as_bytes();
    if b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) {
        let digits = b[..17].iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        let check = match b[17] {
            d @ b'0'..=b'9' => u64::from(d - b'0'),
            _ => 10,
        };
        return digits * 11 + check;
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish() | (1 << 63)
}

/// A building or unit name from the file, normalized (`what` is how the message calls it:
/// `楼栋名称`), or the message saying why no place may bear it. Checked here, row by row, so
/// that a bad name is one refused row like any other, not the end of the import when the
/// place is created.
fn place_name(
    raw: &str,
    normalize: fn(&str) -> Option<String>,
    what: &str,
) -> Result<String, String> {
    let name = normalize(raw).unwrap_or_else(|| raw.to_string());
    parse_place_name(&name).map_err(|e| match e {
        PlaceRuleError::HiddenChar(hidden) => hidden.message_zh(what),
        _ if name.chars().count() > 60 => format!("{what}超过60个字"),
        _ => format!("{what}为空"),
    })
}

/// Errors listed in a summary at most: past them checking stops (a file of 640,000 bad rows
/// must not hold 640,000 messages), and [`Summary::errors_truncated`] says more were not
/// listed.
pub const MAX_ERRORS: usize = 1_000;

/// The errors found so far, up to [`MAX_ERRORS`].
#[derive(Debug, Default)]
pub struct Errors {
    pub list: Vec<RowError>,
    /// An error was found past the budget (not listed).
    pub truncated: bool,
}

impl Errors {
    fn push(&mut self, e: RowError) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(e);
        } else {
            self.truncated = true;
        }
    }
}

/// What each row is checked against: the file's columns, the community's tags, residents and
/// places, the import's options, the actor's reach and the day.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub m: &'a Mapping,
    pub headers: &'a [String],
    pub kinds: &'a [TagKind],
    pub registered: &'a HashMap<String, (i64, PlacePath)>,
    pub places: &'a PlaceIndex,
    pub opts: Options,
    pub may_write: &'a dyn Fn(&PlacePath) -> bool,
    pub today: NaiveDate,
}

/// Plans rows one at a time (so that a file's rows need not all be planned at once): what it
/// keeps between rows is the duplicate check and the names of buildings and units seen.
pub struct Planner<'a> {
    facts: Facts<'a>,
    /// ID numbers seen ([`id_key`]) and the row of their first appearance.
    seen: HashMap<u64, usize>,
    // Each spelling of a building or unit, normalized and checked once.
    norm_buildings: HashMap<String, Result<String, String>>,
    norm_units: HashMap<String, Result<String, String>>,
}

impl<'a> Planner<'a> {
    /// `None` with the error to report when the file has no name column (no row can be
    /// planned).
    pub fn new(facts: Facts<'a>) -> Result<Planner<'a>, RowError> {
        if facts.m.column(RosterField::Name).is_none() {
            return Err(RowError {
                row: 1,
                column: "姓名".into(),
                message: "找不到“姓名”列：请确认表头行有“姓名”".into(),
            });
        }
        Ok(Planner {
            facts,
            seen: HashMap::new(),
            norm_buildings: HashMap::new(),
            norm_units: HashMap::new(),
        })
    }

    /// Checks one row: the row to write, or `None` with its errors added to `errors`.
    pub fn row(&mut self, c: &SheetRow<'_>, errors: &mut Errors) -> Option<PlannedRow> {
        let Facts { m, headers, kinds, registered, places, opts, may_write, today } = self.facts;
        let Planner { seen, norm_buildings, norm_units, .. } = self;
        let number = c.number;
        let header_of = |f: RosterField| {
            m.column(f)
                .and_then(|i| headers.get(i))
                .map_or_else(|| f.label_zh().to_string(), |h| echo_safe(h))
        };
        // Messages quote cells; what could steer a terminal or flip the text goes (the cell
        // values quoted below are made safe before too, so an unterminated escape in one
        // cannot take the rest of the message with it).
        let mut err = |f: RosterField, message: String| {
            errors.push(RowError {
                row: number,
                column: header_of(f),
                message: echo_safe(&message),
            })
        };
        let mut bad = true;
        let name = match clean_name(cell(c, m, RosterField::Name)) {
            Ok("") => {
                err(RosterField::Name, "姓名为空".into());
                String::new()
            }
            Ok(name) if name.chars().count() > 40 => {
                err(RosterField::Name, "姓名超过40个字".into());
                String::new()
            }
            Ok(name) => {
                bad = false;
                name.to_string()
            }
            Err(hidden) => {
                err(RosterField::Name, hidden.message_zh("姓名"));
                String::new()
            }
        };
        let mut gender: Option<Gender> = None;
        let mut birth: Option<NaiveDate> = None;
        let raw_gender = cell(c, m, RosterField::Gender);
        if !raw_gender.is_empty() {
            match Gender::parse(raw_gender) {
                Some(g) => gender = Some(g),
                None => {
                    err(
                        RosterField::Gender,
                        format!("性别“{}”看不懂，请填“男”或“女”", echo_safe(raw_gender)),
                    );
                    bad = true;
                }
            }
        }
        let raw_birth = cell(c, m, RosterField::BirthDate);
        if !raw_birth.is_empty() {
            match linli_core::dates::parse_date(raw_birth) {
                Some(d) if d <= today => birth = Some(d),
                Some(_) => {
                    err(RosterField::BirthDate, "出生日期晚于今天".into());
                    bad = true;
                }
                None => {
                    err(
                        RosterField::BirthDate,
                        format!(
                            "出生日期“{}”看不懂，请写成1958-07-01或1958年7月1日",
                            echo_safe(raw_birth)
                        ),
                    );
                    bad = true;
                }
            }
        }
        let mut id_number = None;
        let mut existing = None;
        let raw_id = cell(c, m, RosterField::IdNumber);
        if !raw_id.is_empty() {
            match IdNumber::parse(raw_id) {
                Ok(id) => {
                    if let Some(g) = gender
                        && g != id.gender()
                    {
                        err(
                            RosterField::Gender,
                            format!(
                                "性别与身份证号不符（身份证号显示为{}）",
                                id.gender().label_zh()
                            ),
                        );
                        bad = true;
                    }
                    gender = Some(id.gender());
                    birth = Some(id.birth_date());
                    let key = id.as_str().to_string();
                    if let Some(first) = seen.get(&id_key(&key)) {
                        if opts.mode == Mode::Create {
                            err(RosterField::IdNumber, format!("与第{first}行的身份证号重复"));
                            bad = true;
                        }
                    } else {
                        seen.insert(id_key(&key), number);
                    }
                    if let Some((_, path)) = registered.get(&key)
                        && !may_write(path)
                    {
                        // Someone the importer does not look after: neither touched nor
                        // named, in either mode (a check must not confirm who is registered).
                        err(
                            RosterField::IdNumber,
                            "此人不在您的管辖范围内，请联系社区管理员".into(),
                        );
                        bad = true;
                    } else if let Some((rid, _)) = registered.get(&key) {
                        if opts.mode == Mode::Create {
                            err(
                                RosterField::IdNumber,
                                "该身份证号已在本社区登记（如要更新已有档案，请用“更新”方式导入）"
                                    .into(),
                            );
                            bad = true;
                        }
                        existing = Some(*rid);
                    }
                    id_number = Some(key);
                }
                Err(e) => {
                    err(RosterField::IdNumber, e.message_zh());
                    bad = true;
                }
            }
        }
        let raw_phone = cell(c, m, RosterField::Phone);
        let phone = if raw_phone.is_empty() {
            None
        } else {
            match parse_phone(raw_phone) {
                Ok(p) => Some(p),
                Err(e) => {
                    err(RosterField::Phone, e.message_zh());
                    bad = true;
                    None
                }
            }
        };
        let raw_relation = cell(c, m, RosterField::Relation);
        let relation = Relation::parse(raw_relation).map_or("other", Relation::as_str).to_string();
        let mut tags = Vec::new();
        for name in roster::split_tags(cell(c, m, RosterField::Tags)) {
            match find_tag(kinds, &name) {
                Some(k) if !tags.iter().any(|t: &TagInput| t.tag_id == k.id) => {
                    tags.push(TagInput {
                        tag_id: k.id,
                        valid_from: None,
                        valid_to: None,
                        grade: None,
                        source: "导入".into(),
                    })
                }
                Some(_) => {}
                None => {
                    err(
                        RosterField::Tags,
                        format!(
                            "没有“{}”这个标签（可用：{}）",
                            echo_safe(&name),
                            kinds.iter().map(|k| k.name.as_str()).collect::<Vec<_>>().join("、")
                        ),
                    );
                    bad = true;
                }
            }
        }
        // Where the resident lives.
        let raw_building = cell(c, m, RosterField::Building);
        let raw_unit = cell(c, m, RosterField::Unit);
        let raw_household = cell(c, m, RosterField::Household);
        let (household, hidden_in_household) = match clean_name(raw_household) {
            Ok(h) => (h.to_string(), None),
            Err(hidden) => (raw_household.to_string(), Some(hidden)),
        };
        let target = if raw_building.is_empty() && raw_unit.is_empty() && household.is_empty() {
            Target::None
        } else if raw_building.is_empty() || raw_unit.is_empty() || household.is_empty() {
            let (f, what) = if raw_building.is_empty() {
                (RosterField::Building, "楼栋")
            } else if raw_unit.is_empty() {
                (RosterField::Unit, "单元")
            } else {
                (RosterField::Household, "户号")
            };
            err(f, format!("{what}为空：楼栋、单元、户号要么都填，要么都不填"));
            bad = true;
            Target::None
        } else if let Some(hidden) = hidden_in_household {
            err(RosterField::Household, hidden.message_zh("户号"));
            bad = true;
            Target::None
        } else if household.chars().count() > 20 {
            err(RosterField::Household, "户号超过20个字".into());
            bad = true;
            Target::None
        } else {
            // A roster names a few hundred buildings and units in 100,000 rows: each spelling
            // is normalized once.
            let b = norm_buildings
                .entry(raw_building.to_string())
                .or_insert_with(|| place_name(raw_building, roster::normalize_building, "楼栋名称"))
                .clone();
            let u = norm_units
                .entry(raw_unit.to_string())
                .or_insert_with(|| place_name(raw_unit, roster::normalize_unit, "单元名称"))
                .clone();
            match (b, u) {
                (Ok(b), Ok(u)) => match places.buildings.get(&b) {
                    Some(bp) => match places.units.get(&(bp.id, u.clone())) {
                        Some(up) => Target::Unit { unit_id: up.id, household: household.clone() },
                        None if opts.create_places => Target::New {
                            building: bp.name.clone(),
                            unit: u,
                            household: household.clone(),
                        },
                        None => {
                            err(
                                RosterField::Unit,
                                format!(
                                    "{}没有{u}：请先在“网格楼栋”中建立，或选择自动建立楼栋和单元",
                                    bp.name
                                ),
                            );
                            bad = true;
                            Target::None
                        }
                    },
                    None if opts.create_places => {
                        Target::New { building: b, unit: u, household: household.clone() }
                    }
                    None => {
                        err(
                            RosterField::Building,
                            format!(
                                "社区里没有“{}”（按{b}查找）：请先建立，或选择自动建立楼栋和单元",
                                echo_safe(raw_building)
                            ),
                        );
                        bad = true;
                        Target::None
                    }
                },
                (b, u) => {
                    for (f, checked) in [(RosterField::Building, b), (RosterField::Unit, u)] {
                        if let Err(message) = checked {
                            err(f, message);
                        }
                    }
                    bad = true;
                    Target::None
                }
            }
        };
        // Rows outside the importer's area are refused, like a form would be.
        let writable = match &target {
            Target::Unit { unit_id, .. } => places.unit_paths.get(unit_id).is_some_and(may_write),
            Target::None | Target::New { .. } => may_write(&places.community.path),
        };
        if !bad && !writable {
            let f = if target == Target::None { RosterField::Building } else { RosterField::Unit };
            err(
                f,
                "不在您负责的范围内：只能导入您所负责楼栋的居民，其他楼栋请交给社区管理员".into(),
            );
            bad = true;
        }
        if bad {
            return None;
        }
        Some(PlannedRow {
            row: number,
            input: ResidentInput {
                name,
                id_number,
                gender: gender.map(|g| g.as_str().to_string()),
                birth_date: birth,
                phone,
                household_id: None,
                relation,
                political_status: cell(c, m, RosterField::PoliticalStatus)
                    .chars()
                    .take(20)
                    .collect(),
                employment_status: String::new(),
                notes: cell(c, m, RosterField::Notes).chars().take(2000).collect(),
                consent_publish_name: false,
                consent_volunteer_contact: false,
                consent_neighbor_card: false,
                tags,
            },
            target,
            existing,
        })
    }
}

/// The tag a roster means: its exact name, or the way rosters write it (残疾人 for 残疾,
/// 下岗 for 失业/下岗).
pub fn find_tag<'a>(kinds: &'a [TagKind], written: &str) -> Option<&'a TagKind> {
    let w = written.trim();
    kinds
        .iter()
        .find(|k| k.name == w)
        .or_else(|| {
            kinds
                .iter()
                .find(|k| k.name == w.trim_end_matches('人') || k.name == w.trim_end_matches("户"))
        })
        .or_else(|| kinds.iter().find(|k| k.name.split('/').any(|part| part == w)))
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.message_zh())]
    File(#[from] linli_io::IoError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Rows planned and written at a time: the file's rows are checked and written in one pass,
/// this many at a time in the same transaction, so that memory holds one batch, never the
/// file's rows.
const WRITE_BATCH: usize = 2_000;

/// Reads, checks and (when every row is good) writes a roster. With any error nothing is
/// written and the summary lists them (up to [`MAX_ERRORS`]).
///
/// The file is read as it comes, a row at a time, once to open it ([`linli_io::open_rows`])
/// and once to check and write it: good rows are written as they come, in the one write
/// transaction, until a row fails; then the rest is only checked and the transaction is
/// rolled back. Pass [`Source::File`] for a file on disk so that even its bytes are not held.
/// At most one import reads and checks a file at a time in the process ([`DECODING`]: a
/// second one waits), so that two large uploads do not add up.
pub fn import(
    db: &Db,
    community_id: i64,
    source: Source<'_>,
    file_name: &str,
    opts: Options,
    actor: &Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Summary, ImportError> {
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    let rows = linli_io::open_rows(source, file_name, &Limits::default())?;
    let today = linli_core::clock::shanghai(now).date();
    let budget = cache_budget(source);
    let written = db.write_blocking(|c| {
        with_cache(c, budget, |c| apply(c, community_id, &rows, file_name, opts, actor, now, today))
    });
    match written {
        Ok(summary) | Err(Stop::Refused(summary)) => Ok(summary),
        Err(Stop::Store(e)) => Err(e.into()),
    }
}

/// Why [`apply`] ends without committing: the file has errors (its summary lists them), or
/// the database failed. Either way the write transaction is rolled back.
enum Stop {
    Refused(Summary),
    Store(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Store(e)
    }
}

/// The page cache SQLite may use while an import writes, in KiB: the file's size, between 2
/// and 64 MiB. The writer's cache is otherwise 64 MiB, which a 5 MB file's import would fill
/// for nothing but speed (about a third more time with the smaller cache, measured by
/// `bench-import`); memory stays in proportion to the file.
pub fn cache_budget(source: Source<'_>) -> i64 {
    let size = match source {
        Source::Bytes(b) => b.len() as u64,
        Source::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
    };
    i64::try_from(size / 1024).unwrap_or(i64::MAX).clamp(2 * 1024, 64 * 1024)
}

/// Runs `f` with SQLite's page cache at `kib`, then puts the writer's cache back and returns
/// what the import took to the system (`shrink_memory`). PostgreSQL: `f` alone.
fn with_cache<T, E: From<StoreError>>(
    c: &mut dyn Conn,
    kib: i64,
    f: impl FnOnce(&mut dyn Conn) -> Result<T, E>,
) -> Result<T, E> {
    if c.dialect() != Dialect::Sqlite {
        return f(c);
    }
    c.batch(&format!("PRAGMA cache_size = -{kib}"))?;
    let result = f(c);
    let restored = c.batch(&format!(
        "PRAGMA cache_size = -{}; PRAGMA shrink_memory;",
        linli_store::WRITER_CACHE_KIB
    ));
    let value = result?;
    restored?;
    Ok(value)
}

/// A file read once already that cannot be read again the same (it changed on disk).
fn file_changed(e: linli_io::IoError) -> StoreError {
    StoreError::Other(format!("the file could not be read again: {e}"))
}

/// Held while an import reads and checks a file (see [`import`]). A blocking lock: imports
/// run on blocking threads (the server's `spawn_blocking`, the command line), never on the
/// async workers.
pub static DECODING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Places created by this import, by name, so that later batches find them.
#[derive(Default)]
struct Created {
    buildings: HashMap<String, Place>,
    units: HashMap<(i64, String), Place>,
}

#[allow(clippy::too_many_arguments)]
fn apply(
    c: &mut dyn Conn,
    community_id: i64,
    rows: &Rows<'_>,
    file_name: &str,
    opts: Options,
    actor: &Actor<'_>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Summary, Stop> {
    let community = places::get(c, community_id)?;
    let all = places::list_within(c, std::slice::from_ref(&community.path))?;
    let kinds = registry::tag_kinds(c, linli_store::Tenant::new(community_id))?;
    let registered = registry::id_numbers(c, linli_store::Tenant::new(community_id))?;
    let index = PlaceIndex::new(community.clone(), &all);
    let may_write = |p: &PlacePath| actor.may_write(p);
    let mapping = map_columns(rows.headers());
    let mut summary = Summary {
        rows: rows.len(),
        unknown_columns: mapping.unknown.iter().map(|h| echo_safe(h)).collect(),
        columns: mapping
            .columns
            .iter()
            .map(|(i, f)| {
                (
                    rows.headers().get(*i).map(|h| echo_safe(h)).unwrap_or_default(),
                    f.label_zh().to_string(),
                )
            })
            .collect(),
        checked_only: opts.dry_run,
        ..Summary::default()
    };
    // One pass: every row is checked, and while no row has failed and this is no dry run, the
    // good rows are written a batch at a time in this transaction. From the first error on,
    // the rest is only checked (so that every error is listed, up to the limit) and the
    // transaction is rolled back: all rows or none.
    let units_by_id: HashMap<i64, &Place> =
        all.iter().filter(|p| p.kind == PlaceKind::Unit).map(|p| (p.id, p)).collect();
    let mut created = Created::default();
    let mut errors = Errors::default();
    let (mut good, mut existing) = (0usize, 0usize);
    let mut writing = !opts.dry_run;
    let mut batch = Vec::with_capacity(WRITE_BATCH.min(rows.len()));
    let mut failed: Option<StoreError> = None;
    let mut write = |batch: &mut Vec<PlannedRow>, summary: &mut Summary| {
        write_rows(
            c,
            community_id,
            &community,
            &index,
            &units_by_id,
            std::mem::take(batch),
            &mut created,
            summary,
            now,
        )
    };
    let planner = Planner::new(Facts {
        m: &mapping,
        headers: rows.headers(),
        kinds: &kinds,
        registered: &registered,
        places: &index,
        opts,
        may_write: &may_write,
        today,
    });
    match planner {
        Err(e) => errors.list.push(e),
        Ok(mut p) => rows
            .for_each(&mut |row| {
                match p.row(&row, &mut errors) {
                    Some(r) => {
                        good += 1;
                        existing += usize::from(r.existing.is_some());
                        if writing {
                            batch.push(r);
                        }
                    }
                    None => {
                        writing = false;
                        batch.clear();
                    }
                }
                if writing
                    && batch.len() == WRITE_BATCH
                    && let Err(e) = write(&mut batch, &mut summary)
                {
                    failed = Some(e);
                    return ControlFlow::Break(());
                }
                if errors.truncated { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            })
            .map_err(file_changed)?,
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    if !errors.list.is_empty() {
        summary.errors = errors.list;
        summary.errors_truncated = errors.truncated;
        summary.imported = 0;
        summary.created = 0;
        summary.updated = 0;
        summary.places_created = 0;
        return Err(Stop::Refused(summary));
    }
    if opts.dry_run {
        summary.updated = existing;
        summary.created = good - existing;
        return Ok(summary);
    }
    if !batch.is_empty() {
        write(&mut batch, &mut summary)?;
    }
    audit::append(
        c,
        &audit::Event {
            at: now,
            community_id: Some(community_id),
            actor_user_id: actor.user_id,
            actor: actor.name,
            action: "resident.import",
            object_kind: "roster",
            object_id: None,
            before: None,
            after: Some(
                json!({"file": file_name, "created": summary.created, "updated": summary.updated,
                               "places_created": summary.places_created, "mode": if opts.mode == Mode::Create { "create" } else { "upsert" }}),
            ),
            request_id: actor.request_id,
        },
    )?;
    Ok(summary)
}

/// Writes planned rows: the places and households they name (created when missing), then the
/// residents.
#[allow(clippy::too_many_arguments)]
fn write_rows(
    c: &mut dyn Conn,
    community_id: i64,
    community: &Place,
    index: &PlaceIndex,
    units_by_id: &HashMap<i64, &Place>,
    rows: Vec<PlannedRow>,
    created: &mut Created,
    summary: &mut Summary,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Created { buildings: new_buildings, units: new_units } = created;
    // Places the file names that are missing, created once each, in the order of the file.
    // Each row's unit (an index into `units`) and household number.
    let mut units: Vec<Place> = Vec::new();
    let mut unit_slot: HashMap<i64, usize> = HashMap::new();
    let mut homes: Vec<Option<(usize, String)>> = Vec::with_capacity(rows.len());
    for r in &rows {
        let (unit, household) = match &r.target {
            Target::None => {
                homes.push(None);
                continue;
            }
            Target::Unit { unit_id, household } => {
                let slot = match unit_slot.get(unit_id) {
                    Some(slot) => *slot,
                    None => {
                        let unit = units_by_id.get(unit_id).ok_or(StoreError::NotFound)?;
                        units.push((*unit).clone());
                        unit_slot.insert(*unit_id, units.len() - 1);
                        units.len() - 1
                    }
                };
                homes.push(Some((slot, household.clone())));
                continue;
            }
            Target::New { building, unit, household } => {
                let b = match index.buildings.get(building).or_else(|| new_buildings.get(building))
                {
                    Some(b) => b.clone(),
                    None => {
                        let b = places::create(
                            c,
                            PlaceKind::Building,
                            building,
                            Some(community_id),
                            now,
                        )?;
                        summary.places_created += 1;
                        new_buildings.insert(building.clone(), b.clone());
                        b
                    }
                };
                let u = match index
                    .units
                    .get(&(b.id, unit.clone()))
                    .or_else(|| new_units.get(&(b.id, unit.clone())))
                {
                    Some(u) => u.clone(),
                    None => {
                        let u = places::create(c, PlaceKind::Unit, unit, Some(b.id), now)?;
                        summary.places_created += 1;
                        new_units.insert((b.id, unit.clone()), u.clone());
                        u
                    }
                };
                (u, household)
            }
        };
        let slot = *unit_slot.entry(unit.id).or_insert_with(|| {
            units.push(unit);
            units.len() - 1
        });
        homes.push(Some((slot, household.clone())));
    }
    // Every household the file names, found or created at once.
    let wanted: Vec<(&Place, &str)> = homes
        .iter()
        .flatten()
        .filter_map(|(slot, h)| Some((units.get(*slot)?, h.as_str())))
        .collect();
    let household_ids = registry::households_in_units(c, &wanted, now)?;
    let placements: Vec<Placement> = units
        .iter()
        .map(|u| Placement {
            unit_id: Some(u.id),
            building_id: u.parent_id,
            path: u.path.as_str().to_string(),
        })
        .collect();
    let no_home =
        Placement { unit_id: None, building_id: None, path: community.path.as_str().to_string() };
    let mut inputs: Vec<(ResidentInput, usize, Option<i64>)> = Vec::with_capacity(rows.len());
    for (r, home) in rows.into_iter().zip(&homes) {
        let mut input = r.input;
        let slot = match home {
            Some((slot, h)) => {
                let unit_id = units.get(*slot).map_or(0, |u| u.id);
                input.household_id = Some(
                    *household_ids
                        .get(&(unit_id, h.trim().to_string()))
                        .ok_or(StoreError::NotFound)?,
                );
                *slot
            }
            None => usize::MAX,
        };
        inputs.push((input, slot, r.existing));
    }
    // Updates one by one (upsert mode), new residents in multi-row inserts, in file order.
    let mut new_rows: Vec<(&ResidentInput, &Placement)> = Vec::new();
    for (input, slot, existing) in &inputs {
        match existing {
            Some(id) => {
                registry::update(c, linli_store::Tenant::new(community_id), *id, input, now)?;
                summary.updated += 1;
            }
            None => new_rows.push((input, placements.get(*slot).unwrap_or(&no_home))),
        }
        summary.imported += 1;
    }
    registry::create_placed_many(c, linli_store::Tenant::new(community_id), &new_rows, now)?;
    summary.created += new_rows.len();
    Ok(())
}
