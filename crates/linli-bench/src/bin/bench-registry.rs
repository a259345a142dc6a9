//! `bench-registry`: the registry (居民档案) at district scale, on the embedded SQLite default.
//!
//! Builds a district of about 1,000,000 residents (40 communities of 25,000, each with its
//! grids, buildings, units, households and tags, through the store's own functions), then
//! measures what a community worker waits for:
//!
//! - importing a 100,000-row roster xlsx (create mode, `linli_app::import::import`) into one
//!   community, beside calamine alone reading the same file (the ceiling) and
//!   `linli_io::read_table`;
//! - roster searches (`registry::search`, 50 a page) with the queries workers type: pinyin
//!   initials, full pinyin, a surname, the last digits of an ID or phone number, tags, ages,
//!   buildings, and combinations;
//! - exports (`registry::for_each_row` + `linli_io::write_csv` / `write_xlsx`) of one community
//!   and of 100,000 rows.
//!
//! ```sh
//! cargo run --release -p linli-bench --bin bench-registry                       # 1,000,000
//! cargo run --release -p linli-bench --bin bench-registry -- --residents 100000 # quick run
//! ```
//!
//! `--help` lists the options. A benchmark tool, not a test: a failure ends the run with a
//! message and a non-zero status.

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_app::import::{self, Actor, Mode, Options};
use linli_bench::{Rng, TempDir, ms};
use linli_core::{Gender, IdNumber, PlaceKind, PlacePath};
use linli_io::Limits;
use linli_store::places::{self, Place};
use linli_store::registry::{self, Filter, Placement, ResidentInput, ResidentRow, TagInput};
use linli_store::{Db, DbConfig, StoreError, Tenant, migrate};
use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

type BoxResult<T> = Result<T, Box<dyn Error>>;

const USAGE: &str = "bench-registry: the registry at district scale (SQLite)

options:
  --residents N       residents of the district to build (default 1000000)
  --per-community N   residents per community (default 25000)
  --roster-rows N     rows of the roster imported into one community (default 100000)
  --searches N        timed searches (default 600)
  --dir DIR           where the database goes (default: a new folder in the temp dir,
                      removed at the end)
  --reuse             use DIR/bench.db as it is when it exists (skips the build)
  --build-only        stop after building (with --dir: a district to copy and --reuse)
  --keep              keep the database afterwards";

/// Grid, building and unit counts of every community: 5 grids × 10 buildings × 4 units.
const GRIDS: usize = 5;
const BUILDINGS_PER_GRID: usize = 10;
const UNITS_PER_BUILDING: usize = 4;
/// Rows a page of the roster shows.
const PER_PAGE: i64 = 50;

struct Args {
    residents: u64,
    per_community: u64,
    roster_rows: usize,
    searches: usize,
    dir: Option<PathBuf>,
    reuse: bool,
    build_only: bool,
    keep: bool,
}

fn parse_args() -> BoxResult<Option<Args>> {
    let mut a = Args {
        residents: 1_000_000,
        per_community: 25_000,
        roster_rows: 100_000,
        searches: 600,
        dir: None,
        reuse: false,
        build_only: false,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--residents" => a.residents = value()?.replace('_', "").parse()?,
            "--per-community" => a.per_community = value()?.replace('_', "").parse()?,
            "--roster-rows" => a.roster_rows = value()?.replace('_', "").parse()?,
            "--searches" => a.searches = value()?.replace('_', "").parse()?,
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            "--reuse" => a.reuse = true,
            "--build-only" => a.build_only = true,
            "--keep" => a.keep = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other} (see --help)").into()),
        }
    }
    if a.per_community == 0 || a.residents == 0 {
        return Err("--residents and --per-community must be positive".into());
    }
    Ok(Some(a))
}

// ---- generated people ----

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
    "阎", "潘", "杜", "戴", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹",
    "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵",
    "孟", "段", "雷", "钱", "汤", "尹", "常", "武", "乔", "贺", "龚", "文", "付", "关", "单",
];

/// Characters of given names by generation and gender; a name is one or two of them.
const OLD_MALE: &[&str] = &[
    "建", "国", "德", "明", "志", "刚", "宝", "山", "振", "华", "永", "福", "文", "斌", "玉", "田",
    "树", "林", "长", "青", "连", "生", "胜", "广", "才", "庆", "丰", "世", "民", "金",
];
const OLD_FEMALE: &[&str] = &[
    "秀", "英", "桂", "兰", "淑", "珍", "玉", "凤", "芝", "芬", "素", "梅", "翠", "花", "丽", "华",
    "云", "美", "香", "琴", "荣", "霞", "金", "月",
];
const MID_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "波", "斌", "海",
    "建", "志", "晓", "东", "宏", "立", "新", "峰", "春", "亮",
];
const MID_FEMALE: &[&str] = &[
    "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "红", "芳", "慧", "晶", "海", "晓", "梅", "春",
    "雪", "萍", "秀", "颖", "婷", "琳",
];
const YOUNG_MALE: &[&str] = &[
    "浩", "然", "梓", "轩", "宇", "航", "子", "豪", "博", "文", "思", "远", "俊", "杰", "一", "鸣",
    "天", "佑", "墨", "嘉", "睿", "昊", "泽", "辰",
];
const YOUNG_FEMALE: &[&str] = &[
    "欣", "怡", "子", "涵", "雨", "桐", "梓", "萱", "一", "诺", "佳", "琪", "诗", "若", "曦", "可",
    "馨", "思", "彤", "语", "嫣", "梦", "瑶", "晨",
];

/// Region codes of first registration: mostly the district's own, some from elsewhere.
const REGIONS: &[&str] = &[
    "231002", "231002", "231002", "231002", "231003", "231004", "231005", "231024", "231025",
    "230102", "230103", "513221", "370102", "130102",
];

const PHONE_PREFIXES: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "187", "188",
    "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "177",
];

struct Person {
    name: String,
    gender: Gender,
    birth: NaiveDate,
    relation: &'static str,
}

struct Gen {
    rng: Rng,
    ids: HashSet<String>,
    today: NaiveDate,
}

impl Gen {
    fn surname(&mut self) -> &'static str {
        let list =
            if self.rng.chance(45) { SURNAMES.get(..10).unwrap_or(SURNAMES) } else { SURNAMES };
        self.rng.pick(list).copied().unwrap_or("王")
    }

    fn given(&mut self, year: i32, gender: Gender) -> String {
        let pool = match (year, gender) {
            (..1962, Gender::Male) => OLD_MALE,
            (..1962, Gender::Female) => OLD_FEMALE,
            (..1990, Gender::Male) => MID_MALE,
            (..1990, Gender::Female) => MID_FEMALE,
            (_, Gender::Male) => YOUNG_MALE,
            (_, Gender::Female) => YOUNG_FEMALE,
        };
        let mut s = self.rng.pick(pool).copied().unwrap_or("明").to_string();
        if self.rng.chance(70) {
            s.push_str(self.rng.pick(pool).copied().unwrap_or("华"));
        }
        s
    }

    fn gender(&mut self, female_percent: u64) -> Gender {
        if self.rng.chance(female_percent) { Gender::Female } else { Gender::Male }
    }

    fn person(
        &mut self,
        surname: &str,
        gender: Gender,
        ages: (i32, i32),
        relation: &'static str,
    ) -> Person {
        let age = ages.0 + self.rng.below((ages.1 - ages.0 + 1).max(1) as u64) as i32;
        let year = self.today.year() - age;
        let birth = NaiveDate::from_yo_opt(year, 1 + self.rng.below(365) as u32)
            .unwrap_or(self.today)
            .min(self.today);
        Person {
            name: format!("{surname}{}", self.given(birth.year(), gender)),
            gender,
            birth,
            relation,
        }
    }

    /// A household in one of the shapes an old neighbourhood has.
    fn household(&mut self) -> Vec<Person> {
        let s = self.surname();
        let mut p = Vec::new();
        match self.rng.below(100) {
            0..=11 => {
                let g = self.gender(70);
                p.push(self.person(s, g, (70, 95), "head"));
            }
            12..=36 => {
                p.push(self.person(s, Gender::Male, (62, 90), "head"));
                let w = self.surname();
                p.push(self.person(w, Gender::Female, (60, 88), "spouse"));
            }
            37..=66 => {
                p.push(self.person(s, Gender::Male, (36, 58), "head"));
                let w = self.surname();
                p.push(self.person(w, Gender::Female, (34, 56), "spouse"));
                let g = self.gender(50);
                p.push(self.person(s, g, (3, 26), "child"));
            }
            67..=84 => {
                p.push(self.person(s, Gender::Male, (38, 52), "head"));
                let w = self.surname();
                p.push(self.person(w, Gender::Female, (36, 50), "spouse"));
                let g = self.gender(50);
                p.push(self.person(s, g, (2, 20), "child"));
                let g = self.gender(65);
                p.push(self.person(s, g, (68, 92), "parent"));
            }
            85..=94 => {
                p.push(self.person(s, Gender::Male, (25, 35), "head"));
                let w = self.surname();
                p.push(self.person(w, Gender::Female, (24, 34), "spouse"));
                if self.rng.chance(50) {
                    let g = self.gender(50);
                    p.push(self.person(s, g, (0, 4), "child"));
                }
            }
            _ => {
                let g = self.gender(50);
                p.push(self.person(s, g, (22, 60), "head"));
            }
        }
        p
    }

    /// A valid ID number not handed out before in this run.
    fn id_number(&mut self, birth: NaiveDate, gender: Gender) -> Option<String> {
        for _ in 0..400 {
            let region = self.rng.pick(REGIONS).copied().unwrap_or("231002");
            let seq = self.rng.below(100) as u16;
            let id = IdNumber::generate(region, birth, seq, gender)?;
            if self.ids.insert(id.as_str().to_string()) {
                return Some(id.as_str().to_string());
            }
        }
        None
    }

    fn phone(&mut self) -> String {
        format!(
            "{}{:08}",
            self.rng.pick(PHONE_PREFIXES).copied().unwrap_or("138"),
            self.rng.below(100_000_000)
        )
    }

    /// The tags a person of this age and household carries, by name.
    fn tags(&mut self, age: i32, alone: bool, poor: bool) -> Vec<&'static str> {
        let mut t = Vec::new();
        if age >= 20 && self.rng.chance(if age >= 60 { 14 } else { 7 }) {
            t.push("党员");
        }
        if poor {
            t.push("低保");
        }
        if age >= 5 && self.rng.chance(3) {
            t.push("残疾");
        }
        if (18..60).contains(&age) && self.rng.chance(4) {
            t.push("失业/下岗");
        }
        if alone && age >= 70 {
            t.push("独居老人");
        }
        if (6..=22).contains(&age) {
            t.push("学生");
        }
        if (20..75).contains(&age) && self.rng.chance(2) {
            t.push("退役军人");
        }
        if (16..80).contains(&age) && self.rng.chance(5) {
            t.push("志愿者");
        }
        t
    }
}

fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut a = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

const COMMUNITY_NAMES: &[&str] = &[
    "长安", "新华", "胜利", "建设", "和平", "幸福", "光明", "东风", "朝阳", "向阳", "民主", "团结",
    "文化", "北山", "南湖", "西苑", "东城", "桥北", "河畔", "江南", "柳园", "桃源", "春晖", "金桥",
    "银杏", "紫荆", "丁香", "松涛", "翠竹", "兴隆", "永安", "安居", "康乐", "福民", "景阳", "平安",
    "锦绣", "育才", "铁路", "电厂",
];

fn community_name(i: usize) -> String {
    match COMMUNITY_NAMES.get(i) {
        Some(n) => format!("{n}社区"),
        None => format!("第{}社区", i + 1),
    }
}

// ---- building the district ----

/// One community with its places and `quota` residents, in one write transaction.
fn build_community(
    db: &Db,
    g: &mut Gen,
    street: &Place,
    index: usize,
    quota: u64,
    now: DateTime<Utc>,
) -> BoxResult<u64> {
    let today = g.today;
    let year_start = format!("{}-01-01", today.year());
    let year_end = format!("{}-12-31", today.year());
    let created = db.write_blocking(|c| -> Result<u64, StoreError> {
        let community =
            places::create(c, PlaceKind::Community, &community_name(index), Some(street.id), now)?;
        registry::ensure_default_tags(c, Tenant::new(community.id))?;
        let kinds: HashMap<String, i64> = registry::tag_kinds(c, Tenant::new(community.id))?
            .into_iter()
            .map(|k| (k.name, k.id))
            .collect();
        let mut units = Vec::new();
        let mut number = 0;
        for gi in 1..=GRIDS {
            let grid = places::create(
                c,
                PlaceKind::Grid,
                &format!("第{gi}网格"),
                Some(community.id),
                now,
            )?;
            for _ in 0..BUILDINGS_PER_GRID {
                number += 1;
                let b = places::create(
                    c,
                    PlaceKind::Building,
                    &format!("{number}号楼"),
                    Some(grid.id),
                    now,
                )?;
                for u in 1..=UNITS_PER_BUILDING {
                    units.push(places::create(
                        c,
                        PlaceKind::Unit,
                        &format!("{u}单元"),
                        Some(b.id),
                        now,
                    )?);
                }
            }
        }
        // About 2.45 people a household; three flats a floor.
        let per_unit = (quota as f64 / (units.len() as f64 * 2.45)).ceil() as usize;
        let mut created = 0u64;
        'fill: for i in 0..per_unit.max(1) * 4 {
            for unit in &units {
                if created >= quota {
                    break 'fill;
                }
                let hh_number = format!("{}0{}", i / 3 + 1, i % 3 + 1);
                let hh = registry::household_in_unit(c, unit, &hh_number, now)?;
                let placement = Placement {
                    unit_id: Some(unit.id),
                    building_id: unit.parent_id,
                    path: unit.path.as_str().to_string(),
                };
                let people = g.household();
                let alone = people.len() == 1;
                let poor = g.rng.chance(3);
                for p in people {
                    let a = age(p.birth, today);
                    let names = g.tags(a, alone, poor);
                    let tags = names
                        .iter()
                        .filter_map(|n| {
                            let (from, to, grade, source) = match *n {
                                "低保" => (
                                    Some(year_start.clone()),
                                    Some(year_end.clone()),
                                    None,
                                    "区民政局批复",
                                ),
                                "残疾" => (
                                    Some("2018-01-01".to_string()),
                                    None,
                                    Some("二级".to_string()),
                                    "残联证件",
                                ),
                                "独居老人" => {
                                    (Some("2024-01-01".to_string()), None, None, "社区走访")
                                }
                                _ => (None, None, None, "本人申报"),
                            };
                            Some(TagInput {
                                tag_id: *kinds.get(*n)?,
                                valid_from: from,
                                valid_to: to,
                                grade,
                                source: source.to_string(),
                            })
                        })
                        .collect();
                    let input = ResidentInput {
                        id_number: g.id_number(p.birth, p.gender),
                        name: p.name,
                        gender: Some(p.gender.as_str().to_string()),
                        birth_date: Some(p.birth),
                        phone: (a >= 14 && g.rng.chance(92)).then(|| g.phone()),
                        household_id: Some(hh.id),
                        relation: p.relation.to_string(),
                        political_status: if names.contains(&"党员") {
                            "中共党员".into()
                        } else {
                            "群众".into()
                        },
                        employment_status: String::new(),
                        notes: String::new(),
                        consent_publish_name: g.rng.chance(40),
                        consent_volunteer_contact: g.rng.chance(70),
                        consent_neighbor_card: g.rng.chance(60),
                        tags,
                    };
                    registry::create_placed(c, Tenant::new(community.id), &input, &placement, now)?;
                    created += 1;
                }
            }
        }
        Ok(created)
    })?;
    Ok(created)
}

fn build(db: &Db, g: &mut Gen, args: &Args, now: DateTime<Utc>) -> BoxResult<u64> {
    let street =
        db.write_blocking(|c| places::create(c, PlaceKind::Street, "东安街道", None, now))?;
    let communities = args.residents.div_ceil(args.per_community) as usize;
    let mut total = 0u64;
    let start = Instant::now();
    for i in 0..communities {
        let quota = args.per_community.min(args.residents - total);
        total += build_community(db, g, &street, i, quota, now)?;
        eprintln!(
            "  {}/{communities} communities, {total} residents, {:.0} s",
            i + 1,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(total)
}

/// The communities of the database, in id order.
fn communities(db: &Db) -> BoxResult<Vec<Place>> {
    Ok(db.read_blocking(|c| -> Result<Vec<Place>, StoreError> {
        c.query("SELECT id FROM places WHERE kind = 'community' ORDER BY id", &[])?
            .iter()
            .map(|r| places::get(c, r.int(0)?))
            .collect()
    })?)
}

fn count_residents(db: &Db) -> BoxResult<i64> {
    Ok(db.read_blocking(|c| c.count("SELECT COUNT(*) FROM residents", &[]))?)
}

// ---- the roster ----

const ROSTER_HEADERS: [&str; 10] = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "楼栋",
    "单元",
    "户号",
    "与户主关系",
    "标签",
];

/// `rows` new people of `community`, in households of its existing buildings and units (some
/// households already registered, most new), as a roster xlsx.
fn roster(db: &Db, g: &mut Gen, community: &Place, rows: usize) -> BoxResult<Vec<u8>> {
    let all =
        db.read_blocking(|c| places::list_within(c, std::slice::from_ref(&community.path)))?;
    let names: HashMap<i64, &str> = all.iter().map(|p| (p.id, p.name.as_str())).collect();
    let units: Vec<(&str, &str)> = all
        .iter()
        .filter(|p| p.kind == PlaceKind::Unit)
        .filter_map(|u| Some((*names.get(&u.parent_id?)?, u.name.as_str())))
        .collect();
    if units.is_empty() {
        return Err("the community has no units".into());
    }
    // Enough household numbers for the rows, six flats a floor, in random order.
    let floors = (rows / 2).div_ceil(units.len() * 6).max(1);
    let mut slots: Vec<(usize, usize, usize)> = (0..units.len())
        .flat_map(|u| (1..=floors).flat_map(move |f| (1..=6).map(move |d| (u, f, d))))
        .collect();
    g.rng.shuffle(&mut slots);
    let today = g.today;
    let mut out: Vec<Vec<String>> = Vec::with_capacity(rows);
    let mut slot = slots.into_iter().cycle();
    while out.len() < rows {
        let (u, floor, door) = slot.next().ok_or("no household numbers")?;
        let (building, unit) = units.get(u).copied().ok_or("no unit")?;
        let people = g.household();
        let alone = people.len() == 1;
        let poor = g.rng.chance(3);
        for p in people {
            if out.len() >= rows {
                break;
            }
            let a = age(p.birth, today);
            let tags: Vec<&str> = g
                .tags(a, alone, poor)
                .into_iter()
                .map(|t| match t {
                    "残疾" => "残疾人",
                    "低保" => "低保户",
                    t => t,
                })
                .collect();
            let birth = if g.rng.chance(30) {
                format!("{}/{}/{}", p.birth.year(), p.birth.month(), p.birth.day())
            } else {
                date_text(p.birth)
            };
            let relation = match p.relation {
                "head" => "户主",
                "spouse" => "配偶",
                "child" => {
                    if p.gender == Gender::Male {
                        "儿子"
                    } else {
                        "女儿"
                    }
                }
                "parent" => "父母",
                _ => "其他",
            };
            out.push(vec![
                p.name,
                g.id_number(p.birth, p.gender).ok_or("ran out of ID numbers")?,
                p.gender.label_zh().to_string(),
                birth,
                if a >= 14 && g.rng.chance(92) { g.phone() } else { String::new() },
                building.to_string(),
                unit.to_string(),
                format!("{floor}{door:02}"),
                relation.to_string(),
                tags.join("、"),
            ]);
        }
    }
    Ok(linli_io::write_xlsx(&ROSTER_HEADERS, out.into_iter(), "居民花名册")?)
}

// ---- searches ----

/// What the searches draw their words from: real residents of the community.
struct Sample {
    name: String,
    initials: String,
    pinyin: String,
    id_number: Option<String>,
    phone: Option<String>,
    building_id: Option<i64>,
    unit_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    List,
    ListLaterPage,
    Initials,
    FullPinyin,
    Surname,
    GivenName,
    IdLast4,
    PhoneLast4,
    Tag,
    AgeRange,
    Building,
    BuildingUnit,
    BuildingTag,
    InitialsAge,
    TagAge,
    SurnameBuilding,
    GridScopeQuery,
}

const KINDS: [Kind; 17] = [
    Kind::List,
    Kind::ListLaterPage,
    Kind::Initials,
    Kind::FullPinyin,
    Kind::Surname,
    Kind::GivenName,
    Kind::IdLast4,
    Kind::PhoneLast4,
    Kind::Tag,
    Kind::AgeRange,
    Kind::Building,
    Kind::BuildingUnit,
    Kind::BuildingTag,
    Kind::InitialsAge,
    Kind::TagAge,
    Kind::SurnameBuilding,
    Kind::GridScopeQuery,
];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::List => "list, page 1",
            Kind::ListLaterPage => "list, pages 2-20",
            Kind::Initials => "pinyin initials (wj)",
            Kind::FullPinyin => "full pinyin prefix",
            Kind::Surname => "surname (王)",
            Kind::GivenName => "given name (建国)",
            Kind::IdLast4 => "ID last 4",
            Kind::PhoneLast4 => "phone last 4",
            Kind::Tag => "tag",
            Kind::AgeRange => "age range",
            Kind::Building => "building",
            Kind::BuildingUnit => "building + unit",
            Kind::BuildingTag => "building + tag",
            Kind::InitialsAge => "initials + age",
            Kind::TagAge => "tag + age (独居老人 80+)",
            Kind::SurnameBuilding => "surname + building",
            Kind::GridScopeQuery => "grid worker: initials",
        }
    }
}

struct SearchSetup {
    community: Place,
    grids: Vec<PlacePath>,
    samples: Vec<Sample>,
    tags: Vec<(String, i64)>,
}

fn search_setup(db: &Db, community: &Place) -> BoxResult<SearchSetup> {
    let cid = community.id;
    let (samples, grids, tags) = db.read_blocking(|c| -> Result<_, StoreError> {
        let samples = c
            .query(
                "SELECT name, name_initials, name_pinyin, id_number, phone, building_id, unit_id
                 FROM residents WHERE community_id = ? ORDER BY id",
                &[cid.into()],
            )?
            .iter()
            .map(|r| {
                Ok(Sample {
                    name: r.text(0)?,
                    initials: r.text(1)?,
                    pinyin: r.text(2)?,
                    id_number: r.opt_text(3)?,
                    phone: r.opt_text(4)?,
                    building_id: r.opt_int(5)?,
                    unit_id: r.opt_int(6)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let grids = places::list_within(c, std::slice::from_ref(&community.path))?
            .into_iter()
            .filter(|p| p.kind == PlaceKind::Grid)
            .map(|p| p.path)
            .collect::<Vec<_>>();
        let tags = registry::tag_kinds(c, Tenant::new(cid))?
            .into_iter()
            .map(|k| (k.name, k.id))
            .collect::<Vec<_>>();
        Ok((samples, grids, tags))
    })?;
    if samples.is_empty() || grids.is_empty() || tags.is_empty() {
        return Err("the search community is empty".into());
    }
    Ok(SearchSetup { community: community.clone(), grids, samples, tags })
}

fn filter_for(s: &SearchSetup, kind: Kind, rng: &mut Rng, today: NaiveDate) -> (Filter, i64) {
    let mut f = Filter {
        community_id: s.community.id,
        scopes: vec![s.community.path.clone()],
        today: Some(today),
        ..Filter::default()
    };
    let idx = rng.below(s.samples.len() as u64) as usize;
    let Some(p) = s.samples.get(idx) else {
        return (f, 1);
    };
    let tag = |rng: &mut Rng, name: Option<&str>| -> Option<i64> {
        match name {
            Some(n) => s.tags.iter().find(|(k, _)| k == n).map(|(_, id)| *id),
            None => {
                // The tags people filter on most.
                let n = ["党员", "低保", "残疾", "独居老人", "退役军人", "失业/下岗"];
                let want = rng.pick(&n).copied().unwrap_or("党员");
                s.tags.iter().find(|(k, _)| k == want).map(|(_, id)| *id)
            }
        }
    };
    let initials = |rng: &mut Rng| -> String {
        let n = 2 + rng.below(2) as usize;
        p.initials.chars().take(n).collect()
    };
    let surname: String = p.name.chars().take(1).collect();
    // The first sample from `idx` on that has the value (not everyone has a phone).
    let from = |get: &dyn Fn(&Sample) -> Option<String>| -> Option<String> {
        let (after, before) = s.samples.split_at(idx.min(s.samples.len()));
        before.iter().chain(after).find_map(get)
    };
    let mut page = 1;
    match kind {
        Kind::List => {}
        Kind::ListLaterPage => page = 2 + rng.below(19) as i64,
        Kind::Initials => f.q = Some(initials(rng)),
        Kind::FullPinyin => {
            let n = 4 + rng.below(5) as usize;
            f.q = Some(p.pinyin.chars().take(n).collect());
        }
        Kind::Surname => f.q = Some(surname),
        Kind::GivenName => f.q = Some(p.name.chars().skip(1).collect()),
        Kind::IdLast4 => {
            f.q = from(&|x: &Sample| x.id_number.clone())
                .map(|id| id.chars().skip(14).collect::<String>().to_lowercase())
        }
        Kind::PhoneLast4 => {
            f.q = from(&|x: &Sample| x.phone.clone()).map(|ph| ph.chars().skip(7).collect())
        }
        Kind::Tag => f.tag_id = tag(rng, None),
        Kind::AgeRange => {
            let (lo, hi) = *rng
                .pick(&[(60, 200), (80, 200), (0, 6), (18, 35), (16, 59)])
                .unwrap_or(&(60, 200));
            f.age_min = Some(lo);
            f.age_max = Some(hi);
        }
        Kind::Building => f.building_id = p.building_id,
        Kind::BuildingUnit => {
            f.building_id = p.building_id;
            f.unit_id = p.unit_id;
        }
        Kind::BuildingTag => {
            f.building_id = p.building_id;
            f.tag_id = tag(rng, None);
        }
        Kind::InitialsAge => {
            f.q = Some(initials(rng));
            f.age_min = Some(60);
        }
        Kind::TagAge => {
            f.tag_id = tag(rng, Some("独居老人"));
            f.age_min = Some(80);
        }
        Kind::SurnameBuilding => {
            f.q = Some(surname);
            f.building_id = p.building_id;
        }
        Kind::GridScopeQuery => {
            let g = rng.below(s.grids.len() as u64) as usize;
            f.scopes = s.grids.get(g).cloned().into_iter().collect();
            f.q = Some(initials(rng));
        }
    }
    (f, page)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i.min(sorted.len() - 1)).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

struct SearchFigures {
    p50: f64,
    p95: f64,
    p99: f64,
    n: usize,
}

fn searches(db: &Db, s: &SearchSetup, n: usize, today: NaiveDate) -> BoxResult<SearchFigures> {
    let mut rng = Rng(0x5EA2_C400);
    // Warm the caches a little, as a server that has been running would have them.
    for kind in KINDS {
        let (f, page) = filter_for(s, kind, &mut rng, today);
        db.read_blocking(|c| registry::search(c, &f, page, PER_PAGE))?;
    }
    let mut all = Vec::with_capacity(n);
    let mut by_kind: HashMap<Kind, Vec<Duration>> = HashMap::new();
    let mut found: HashMap<Kind, i64> = HashMap::new();
    for i in 0..n {
        let kind = KINDS.get(i % KINDS.len()).copied().unwrap_or(Kind::List);
        let (f, page) = filter_for(s, kind, &mut rng, today);
        let start = Instant::now();
        let (_, total) = db.read_blocking(|c| registry::search(c, &f, page, PER_PAGE))?;
        let d = start.elapsed();
        all.push(d);
        by_kind.entry(kind).or_default().push(d);
        *found.entry(kind).or_default() += total;
    }
    println!(
        "  {:<26} {:>5} {:>8} {:>8} {:>8} {:>9}",
        "query kind", "n", "p50 ms", "p95 ms", "max ms", "avg hits"
    );
    for kind in KINDS {
        let Some(list) = by_kind.get_mut(&kind) else {
            continue;
        };
        list.sort();
        println!(
            "  {:<26} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>9.0}",
            kind.label(),
            list.len(),
            percentile(list, 0.50),
            percentile(list, 0.95),
            percentile(list, 1.0),
            found.get(&kind).copied().unwrap_or(0) as f64 / list.len().max(1) as f64
        );
    }
    all.sort();
    Ok(SearchFigures {
        p50: percentile(&all, 0.50),
        p95: percentile(&all, 0.95),
        p99: percentile(&all, 0.99),
        n: all.len(),
    })
}

// ---- exports ----

const EXPORT_HEADERS: [&str; 11] = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "联系电话",
    "楼栋",
    "单元",
    "户号",
    "与户主关系",
    "标签",
    "状态",
];

/// A roster row as the export page writes it (masked).
fn export_row(r: &ResidentRow) -> Vec<String> {
    vec![
        r.name.clone(),
        match r.gender.as_deref() {
            Some("male") => "男",
            Some("female") => "女",
            _ => "",
        }
        .to_string(),
        r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        r.id_number.as_deref().map(linli_core::mask::mask_id_number).unwrap_or_default(),
        r.phone.as_deref().map(linli_core::mask::mask_phone).unwrap_or_default(),
        r.building.clone().unwrap_or_default(),
        r.unit.clone().unwrap_or_default(),
        r.household.clone().unwrap_or_default(),
        r.relation.clone(),
        r.tags.join("、"),
        r.status.to_string(),
    ]
}

const ENOUGH: &str = "bench: enough rows";

struct ExportFigures {
    rows: usize,
    fetch: Duration,
    csv: Duration,
    xlsx: Duration,
    /// Read and written at once, as the roster's download does it: the rows read on one
    /// thread and sent through a bounded channel to the xlsx writer on another.
    xlsx_streamed: Duration,
    csv_bytes: usize,
    xlsx_bytes: usize,
}

impl ExportFigures {
    fn csv_total(&self) -> Duration {
        self.fetch + self.csv
    }
    fn xlsx_total(&self) -> Duration {
        self.fetch + self.xlsx
    }
}

/// Exports the community's active residents (at most `limit` rows) as csv and as xlsx.
fn export(db: &Db, community: &Place, limit: usize, today: NaiveDate) -> BoxResult<ExportFigures> {
    let f = Filter {
        community_id: community.id,
        scopes: vec![community.path.clone()],
        today: Some(today),
        ..Filter::default()
    };
    let start = Instant::now();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let read = db.read_blocking(|c| {
        registry::for_each_row(c, &f, |r| {
            if rows.len() >= limit {
                return Err(StoreError::Other(ENOUGH.into()));
            }
            rows.push(export_row(r));
            Ok(())
        })
    });
    match read {
        Ok(_) => {}
        Err(StoreError::Other(m)) if m == ENOUGH => {}
        Err(e) => return Err(e.into()),
    }
    let fetch = start.elapsed();
    let n = rows.len();
    let start = Instant::now();
    let mut csv = Vec::new();
    linli_io::write_csv(&mut csv, &EXPORT_HEADERS, rows.clone().into_iter())?;
    let csv_time = start.elapsed();
    let start = Instant::now();
    let xlsx = linli_io::write_xlsx(&EXPORT_HEADERS, rows.into_iter(), "居民花名册")?;
    let xlsx_time = start.elapsed();
    let start = Instant::now();
    streamed_xlsx(db, &f, limit)?;
    let xlsx_streamed = start.elapsed();
    Ok(ExportFigures {
        rows: n,
        fetch,
        csv: csv_time,
        xlsx: xlsx_time,
        xlsx_streamed,
        csv_bytes: csv.len(),
        xlsx_bytes: xlsx.len(),
    })
}

/// The export the way `/residents/export.xlsx` runs it: the read transaction sends the rows,
/// `linli_app::registry::EXPORT_SEND_ROWS` at a time, through a channel of 4 to a writer
/// thread, which writes the xlsx into a temporary file.
fn streamed_xlsx(db: &Db, f: &Filter, limit: usize) -> BoxResult<()> {
    let (out, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<String>>>(4);
    let writer = std::thread::spawn(move || -> Result<(), String> {
        let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
        let mut buffered = std::io::BufWriter::new(&mut file);
        let rows = batches.into_iter().flatten();
        linli_io::write_xlsx_to(&mut buffered, &EXPORT_HEADERS, rows, "居民花名册")
            .map_err(|e| e.to_string())?;
        std::io::Write::flush(&mut buffered).map_err(|e| e.to_string())
    });
    let mut sent = 0usize;
    let per_message = linli_app::registry::EXPORT_SEND_ROWS;
    let mut batch = Vec::with_capacity(per_message);
    let read = db.read_blocking(|c| {
        registry::for_each_row(c, f, |r| {
            if sent >= limit {
                return Err(StoreError::Other(ENOUGH.into()));
            }
            sent += 1;
            batch.push(export_row(r));
            if batch.len() == per_message {
                out.send(std::mem::replace(&mut batch, Vec::with_capacity(per_message)))
                    .map_err(|_| StoreError::Other("bench: the writer stopped".into()))?;
            }
            Ok(())
        })
    });
    if !batch.is_empty() {
        out.send(batch).map_err(|_| "bench: the writer stopped")?;
    }
    drop(out);
    match read {
        Ok(_) => {}
        Err(StoreError::Other(m)) if m == ENOUGH => {}
        Err(e) => return Err(e.into()),
    }
    writer.join().map_err(|_| "bench: the writer panicked")??;
    Ok(())
}

fn print_export(what: &str, e: &ExportFigures) {
    let rate = |d: Duration| e.rows as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "  {what}: {} rows; fetch {:.0} ms; csv write {:.0} ms ({:.1} MiB), total {:.0} ms = {:.0} rows/s; xlsx write {:.0} ms ({:.1} MiB), total {:.0} ms = {:.0} rows/s",
        e.rows,
        ms(e.fetch),
        ms(e.csv),
        e.csv_bytes as f64 / 1_048_576.0,
        ms(e.csv_total()),
        rate(e.csv_total()),
        ms(e.xlsx),
        e.xlsx_bytes as f64 / 1_048_576.0,
        ms(e.xlsx_total()),
        rate(e.xlsx_total()),
    );
    println!(
        "  {what}: xlsx read and written at once (two threads, as the download does): {:.0} ms = {:.0} rows/s",
        ms(e.xlsx_streamed),
        rate(e.xlsx_streamed),
    );
}

/// CPU time of this thread so far (Linux: `/proc/thread-self/schedstat`), so that figures
/// taken on a busy machine can be told apart from waiting for the CPU. `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Wall time and this thread's CPU time of `f`.
/// What the schema alone costs the import: the rows the import created (ids above
/// `after_id`) inserted again into the same community by one `INSERT … SELECT`, their ID
/// numbers prefixed so that they are new, at the import's page cache, then rolled back. The
/// residents' indexes and triggers run for each row as they do for the import's; nothing is
/// parsed or checked, and no tag or name character is written. Answers the rows inserted.
fn insert_floor(db: &Db, community_id: i64, after_id: i64, cache_kib: i64) -> BoxResult<u64> {
    enum Undo {
        Inserted(u64),
        Store(StoreError),
    }
    impl From<StoreError> for Undo {
        fn from(e: StoreError) -> Undo {
            Undo::Store(e)
        }
    }
    let columns = "community_id, household_id, unit_id, building_id, place_path, name, \
        name_initials, name_pinyin, id_number, id_rev, gender, birth_date, phone, phone_rev, \
        relation, political_status, employment_status, notes, consent_publish_name, \
        consent_volunteer_contact, consent_neighbor_card, status, created_at, updated_at";
    let copied = columns.replace("id_number,", "'F' || id_number,");
    let done = db.write_blocking(|c| {
        c.batch(&format!("PRAGMA cache_size = -{cache_kib}"))?;
        let n = c.execute(
            &format!(
                "INSERT INTO residents ({columns}) SELECT {copied} FROM residents
                 WHERE community_id = ? AND id > ? ORDER BY id"
            ),
            &[community_id.into(), after_id.into()],
        )?;
        Err::<(), Undo>(Undo::Inserted(n))
    });
    db.write_blocking(|c| {
        c.batch(&format!("PRAGMA cache_size = -{}", linli_store::WRITER_CACHE_KIB))
    })?;
    match done {
        Err(Undo::Inserted(n)) => Ok(n),
        Err(Undo::Store(e)) => Err(e.into()),
        Ok(()) => Err("the floor's insert was not rolled back".into()),
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Option<Duration>) {
    let cpu = cpu_time();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    (out, wall, cpu)
}

fn cpu_note(cpu: Option<Duration>) -> String {
    cpu.map_or(String::new(), |c| format!(", cpu {:.0} ms", ms(c)))
}

// ---- the run ----

fn main() -> BoxResult<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let now = Utc::now();
    let today = linli_core::clock::shanghai(now).date();
    let (dir, created_dir) = match &args.dir {
        Some(d) => (d.clone(), false),
        None => (std::env::temp_dir().join(format!("linli-bench-{}", std::process::id())), true),
    };
    std::fs::create_dir_all(&dir)?;
    let _cleanup = TempDir(dir.clone(), !created_dir || args.keep);
    let path = dir.join("bench.db");
    let exists = path.exists();
    if exists && !args.reuse {
        return Err(format!(
            "{} exists: remove it, or pass --reuse to measure on it",
            path.display()
        )
        .into());
    }
    let db = Db::open(&DbConfig::new(path.to_string_lossy().to_string()))?;
    migrate::migrate(&db)?;
    println!(
        "bench-registry: SQLite at {} ({} cores)",
        path.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let mut g = Gen { rng: Rng(0x4C49_4E4C_4931_4D00), ids: HashSet::new(), today };
    let build_time = if exists {
        println!("reusing the database (no build)");
        None
    } else {
        println!("building {} residents, {} per community …", args.residents, args.per_community);
        let start = Instant::now();
        let n = build(&db, &mut g, &args, now)?;
        let took = start.elapsed();
        println!(
            "built {n} residents in {:.1} s ({:.0} residents/s)",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64().max(1e-9)
        );
        Some(took)
    };
    let comms = communities(&db)?;
    let residents = count_residents(&db)?;
    let db_size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "district: {} communities, {residents} residents, {:.0} MiB",
        comms.len(),
        db_size as f64 / 1_048_576.0
    );
    if args.build_only {
        if created_dir && !args.keep {
            println!("(--build-only without --dir or --keep: the database is removed)");
        } else {
            println!("database kept at {}", path.display());
        }
        return Ok(());
    }
    // The roster goes into the first community; searches run on the second (or the first).
    let import_into = comms.first().ok_or("no community")?.clone();
    let search_in = comms.get(1).unwrap_or(&import_into).clone();

    // Searches first, on a community as the build left it.
    println!("\nsearch: {} searches on {} ({} per page)", args.searches, search_in.name, PER_PAGE);
    let setup = search_setup(&db, &search_in)?;
    let search = searches(&db, &setup, args.searches.max(1), today)?;
    println!(
        "  all: n={} p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        search.n, search.p50, search.p95, search.p99
    );

    // Export of one community as built.
    println!("\nexport of {}:", search_in.name);
    let export_one = export(&db, &search_in, usize::MAX, today)?;
    print_export("one community", &export_one);

    // The roster.
    if exists {
        // Make the roster's ID numbers new to the community it goes into.
        let cid = import_into.id;
        let ids = db.read_blocking(|c| registry::id_numbers(c, Tenant::new(cid)))?;
        g.ids.extend(ids.into_keys());
    }
    println!("\nroster: {} rows into {}", args.roster_rows, import_into.name);
    let start = Instant::now();
    let bytes = roster(&db, &mut g, &import_into, args.roster_rows)?;
    println!(
        "  written with write_xlsx in {:.0} ms ({:.1} MiB)",
        ms(start.elapsed()),
        bytes.len() as f64 / 1_048_576.0
    );

    let (range, calamine_time, calamine_cpu) = timed(|| -> BoxResult<_> {
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.as_slice()))?;
        let sheet = wb.sheet_names().first().cloned().ok_or("no sheet")?;
        Ok(wb.worksheet_range(&sheet)?)
    });
    let range = range?;
    let (table, read_time, read_cpu) =
        timed(|| linli_io::read_table(&bytes, "花名册.xlsx", &Limits::default()));
    let table = table?;
    if table.rows.len() != args.roster_rows || range.height() != args.roster_rows + 1 {
        return Err(format!(
            "read {} rows (calamine {}), wrote {}",
            table.rows.len(),
            range.height(),
            args.roster_rows
        )
        .into());
    }
    drop(table);
    drop(range);

    let actor = Actor { user_id: None, name: "bench-registry", request_id: None, scopes: None };
    let opts = Options { mode: Mode::Create, create_places: false, dry_run: false };
    let last_id_before =
        db.read_blocking(|c| c.count("SELECT COALESCE(MAX(id), 0) FROM residents", &[]))?;
    let (summary, import_time, import_cpu) = timed(|| {
        import::import(
            &db,
            import_into.id,
            linli_io::Source::Bytes(&bytes),
            "花名册.xlsx",
            opts,
            &actor,
            now,
        )
    });
    let summary = summary?;
    if !summary.errors.is_empty() || summary.created != args.roster_rows {
        let first: Vec<String> = summary
            .errors
            .iter()
            .take(5)
            .map(|e| format!("row {} {}: {}", e.row, e.column, e.message))
            .collect();
        return Err(format!(
            "the import created {} of {} ({} errors: {})",
            summary.created,
            args.roster_rows,
            summary.errors.len(),
            first.join("; ")
        )
        .into());
    }
    let ratio = import_time.as_secs_f64() / calamine_time.as_secs_f64().max(1e-9);
    let cache_kib = import::cache_budget(linli_io::Source::Bytes(&bytes));
    let (floor, floor_time, floor_cpu) =
        timed(|| insert_floor(&db, import_into.id, last_id_before, cache_kib));
    let floor_rows = floor?;
    let floor_ratio = import_time.as_secs_f64() / floor_time.as_secs_f64().max(1e-9);
    println!(
        "  (a) calamine alone:  {:>7.0} ms (open_workbook_from_rs + worksheet_range{})",
        ms(calamine_time),
        cpu_note(calamine_cpu)
    );
    println!(
        "  (b) read_table:      {:>7.0} ms ({})",
        ms(read_time),
        cpu_note(read_cpu).trim_start_matches(", ")
    );
    println!(
        "  (c) import (create): {:>7.0} ms ({:.0} rows/s; {} created{}) = {ratio:.1}× calamine",
        ms(import_time),
        args.roster_rows as f64 / import_time.as_secs_f64().max(1e-9),
        summary.created,
        cpu_note(import_cpu)
    );

    println!(
        "  (d) the same rows by one INSERT … SELECT (their indexes and triggers; no parsing,\n      checks, tags or name characters; page cache {} MiB as the import's; rolled back):\n                      {:>7.0} ms ({floor_rows} rows{}); the import is {floor_ratio:.1}× this floor",
        cache_kib / 1024,
        ms(floor_time),
        cpu_note(floor_cpu)
    );

    // Export of 100k rows: the community that took the roster.
    println!("\nexport of {}:", import_into.name);
    let export_big = export(&db, &import_into, 100_000, today)?;
    print_export("100k rows", &export_big);

    // The table.
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" }.to_string();
    let mut table: Vec<[String; 4]> = Vec::new();
    let mut line = |figure: String, value: String, goal: &str, verdict: String| {
        table.push([figure, value, goal.to_string(), verdict]);
    };
    if let Some(t) = build_time {
        line(
            format!("build {residents} residents"),
            format!("{:.1} s", t.as_secs_f64()),
            "-",
            String::new(),
        );
    }
    let rows = args.roster_rows;
    line(
        format!("calamine alone, {rows} rows"),
        format!("{:.0} ms", ms(calamine_time)),
        "(ceiling)",
        String::new(),
    );
    line(
        format!("read_table, {rows} rows"),
        format!("{:.0} ms", ms(read_time)),
        "-",
        String::new(),
    );
    let import_goal = 2.0 * rows as f64 / 100_000.0;
    line(
        format!("import {rows} rows (create)"),
        format!("{:.0} ms", ms(import_time)),
        &format!("<= {:.0} ms", import_goal * 1e3),
        verdict(import_time.as_secs_f64() <= import_goal),
    );
    line("import / calamine".into(), format!("{ratio:.1}x"), "-", String::new());
    line(
        format!("insert floor, {rows} rows (one INSERT … SELECT)"),
        format!("{:.0} ms", ms(floor_time)),
        "-",
        String::new(),
    );
    line("import / insert floor".into(), format!("{floor_ratio:.1}x"), "-", String::new());
    line(
        format!("search p50 ({} searches)", search.n),
        format!("{:.2} ms", search.p50),
        "-",
        String::new(),
    );
    line("search p95".into(), format!("{:.2} ms", search.p95), "-", String::new());
    // Issue 19's P5: p99 within 10 ms for every kind of search at 1M (the kinds are above).
    line(
        "search p99".into(),
        format!("{:.2} ms", search.p99),
        "<= 10 ms",
        verdict(search.p99 <= 10.0),
    );
    for (what, e, big) in
        [("export one community", &export_one, false), ("export", &export_big, true)]
    {
        for (kind, d) in
            [("csv", e.csv_total()), ("xlsx", e.xlsx_total()), ("xlsx streamed", e.xlsx_streamed)]
        {
            let per_100k = d.as_secs_f64() * 100_000.0 / e.rows.max(1) as f64;
            line(
                format!(
                    "{what} {kind}, {} rows ({:.0} rows/s)",
                    e.rows,
                    e.rows as f64 / d.as_secs_f64().max(1e-9)
                ),
                format!("{:.0} ms", ms(d)),
                if big { "<= ~1000 ms" } else { "-" },
                if big { verdict(per_100k <= 1.0) } else { String::new() },
            );
        }
    }
    println!("\n{:<48} {:>11}  {:<12} result", "figure", "value", "goal");
    for [figure, value, goal, verdict] in &table {
        println!("{figure:<48} {value:>11}  {goal:<12} {verdict}");
    }
    if args.keep || !created_dir {
        println!("\ndatabase kept at {}", path.display());
    }
    Ok(())
}
