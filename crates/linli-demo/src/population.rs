//! The people of the demo community: about 3,000 households and 8,000 residents of an old
//! 2000s-era neighbourhood, generated from a fixed seed so every demo looks the same, plus the
//! people of the seed text with their stories (夏胜林's family, 杨静 and her daughter, 米丽芳, 张君).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::{Gender, IdNumber, PlaceKind};
use linli_store::places::{self, Place};
use linli_store::registry::{self, ResidentInput, TagInput};
use linli_store::{Conn, Result, StoreError, params};
use std::collections::HashSet;

/// 牡丹江市东安区: the district of the seed's 东安区建设局 and 东安区供电局.
pub const DEMO_REGION: &str = "231002";
/// households per unit (the demo has 63 buildings × 3 units).
const HOUSEHOLDS_PER_UNIT: u32 = 17;

/// SplitMix64: tiny, fast, and the same on every platform and version.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
    "阎", "潘", "杜", "戴", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹",
    "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵",
    "孟", "段", "雷", "钱", "汤", "尹", "常", "武", "乔", "贺", "龚", "文", "付", "关", "单",
];
// Common surnames appear more often: the first ten again.
const COMMON: usize = 10;

const OLD_MALE: &[&str] = &[
    "建国", "国强", "德明", "志刚", "宝山", "振华", "永福", "文斌", "玉田", "树林", "长青", "连生",
    "德胜", "广才", "庆丰", "世民", "金山", "正义",
];
const OLD_FEMALE: &[&str] = &[
    "秀英", "桂兰", "淑珍", "玉兰", "凤英", "秀兰", "桂芝", "淑芬", "玉珍", "素梅", "翠花", "丽华",
    "秀云", "美兰", "桂香", "淑华", "玉梅", "凤琴",
];
const MID_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "波", "斌",
    "海涛", "建军", "志强", "晓东", "宏伟", "立新",
];
const MID_FEMALE: &[&str] = &[
    "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "红", "芳", "慧", "晶", "丽娟", "海燕", "晓梅",
    "春艳", "雪梅", "丽萍", "秀梅",
];
const YOUNG_MALE: &[&str] = &[
    "浩然", "梓轩", "宇航", "子豪", "博文", "思远", "俊杰", "一鸣", "天佑", "明轩", "子墨", "嘉豪",
    "睿", "昊天", "泽宇",
];
const YOUNG_FEMALE: &[&str] = &[
    "欣怡", "子涵", "雨桐", "梓萱", "一诺", "佳琪", "诗涵", "若曦", "可馨", "思彤", "语嫣", "梦瑶",
    "雨欣", "晨曦", "静怡",
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
    phones: HashSet<String>,
    today: NaiveDate,
}

impl Gen {
    fn surname(&mut self) -> String {
        let list =
            if self.rng.chance(45) { SURNAMES.get(..COMMON).unwrap_or(SURNAMES) } else { SURNAMES };
        self.rng.pick(list).copied().unwrap_or("王").to_string()
    }

    fn given(&mut self, birth_year: i32, gender: Gender) -> String {
        let list = match (birth_year, gender) {
            (..1962, Gender::Male) => OLD_MALE,
            (..1962, Gender::Female) => OLD_FEMALE,
            (..1990, Gender::Male) => MID_MALE,
            (..1990, Gender::Female) => MID_FEMALE,
            (_, Gender::Male) => YOUNG_MALE,
            (_, Gender::Female) => YOUNG_FEMALE,
        };
        self.rng.pick(list).copied().unwrap_or("明").to_string()
    }

    fn birth(&mut self, min_age: i32, max_age: i32) -> NaiveDate {
        let age = min_age + self.rng.below((max_age - min_age + 1).max(1) as u64) as i32;
        let year = self.today.year() - age;
        let day = 1 + self.rng.below(365) as u32;
        let born = NaiveDate::from_yo_opt(year, day).unwrap_or(self.today);
        // A baby of "age 0" is born before today, not later this year.
        if born > self.today {
            NaiveDate::from_yo_opt(year - 1, day).unwrap_or(self.today)
        } else {
            born
        }
    }

    fn person(
        &mut self,
        surname: &str,
        gender: Gender,
        min_age: i32,
        max_age: i32,
        relation: &'static str,
    ) -> Person {
        let birth = self.birth(min_age, max_age);
        let name = format!("{surname}{}", self.given(birth.year(), gender));
        Person { name, gender, birth, relation }
    }

    fn id_number(&mut self, region: &str, birth: NaiveDate, gender: Gender) -> Option<String> {
        let start = self.rng.below(100) as u16;
        for k in 0..100u16 {
            let id = IdNumber::generate(region, birth, (start + k) % 100, gender)?;
            if self.ids.insert(id.as_str().to_string()) {
                return Some(id.as_str().to_string());
            }
        }
        None
    }

    fn phone(&mut self) -> String {
        const PREFIXES: &[&str] = &[
            "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "187",
            "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189",
            "177",
        ];
        loop {
            let p = format!(
                "{}{:08}",
                self.rng.pick(PREFIXES).copied().unwrap_or("138"),
                self.rng.below(100_000_000)
            );
            if self.phones.insert(p.clone()) {
                return p;
            }
        }
    }

    /// One household's people, in the shapes an old neighbourhood has.
    fn household(&mut self) -> Vec<Person> {
        let s = self.surname();
        let roll = self.rng.below(100);
        let mut people = Vec::new();
        match roll {
            // An elderly person living alone.
            0..=11 => {
                let g = if self.rng.chance(70) { Gender::Female } else { Gender::Male };
                people.push(self.person(&s, g, 70, 95, "head"));
            }
            // An elderly couple.
            12..=36 => {
                people.push(self.person(&s, Gender::Male, 62, 90, "head"));
                let w = self.surname();
                people.push(self.person(&w, Gender::Female, 60, 88, "spouse"));
            }
            // A working couple with one child.
            37..=66 => {
                people.push(self.person(&s, Gender::Male, 36, 58, "head"));
                let w = self.surname();
                people.push(self.person(&w, Gender::Female, 34, 56, "spouse"));
                let g = if self.rng.chance(50) { Gender::Male } else { Gender::Female };
                people.push(self.person(&s, g, 3, 26, "child"));
            }
            // Three generations.
            67..=84 => {
                people.push(self.person(&s, Gender::Male, 38, 52, "head"));
                let w = self.surname();
                people.push(self.person(&w, Gender::Female, 36, 50, "spouse"));
                let g = if self.rng.chance(50) { Gender::Male } else { Gender::Female };
                people.push(self.person(&s, g, 2, 20, "child"));
                let pg = if self.rng.chance(65) { Gender::Female } else { Gender::Male };
                people.push(self.person(&s, pg, 68, 92, "parent"));
                if self.rng.chance(30) {
                    people.push(self.person(&s, pg.other(), 70, 90, "parent"));
                }
            }
            // A young couple, some with a baby.
            85..=94 => {
                people.push(self.person(&s, Gender::Male, 25, 35, "head"));
                let w = self.surname();
                people.push(self.person(&w, Gender::Female, 24, 34, "spouse"));
                if self.rng.chance(50) {
                    let g = if self.rng.chance(50) { Gender::Male } else { Gender::Female };
                    people.push(self.person(&s, g, 0, 4, "child"));
                }
            }
            // A single adult.
            _ => {
                let g = if self.rng.chance(50) { Gender::Male } else { Gender::Female };
                people.push(self.person(&s, g, 22, 60, "head"));
            }
        }
        people
    }
}

trait Other {
    fn other(self) -> Self;
}
impl Other for Gender {
    fn other(self) -> Self {
        match self {
            Gender::Male => Gender::Female,
            Gender::Female => Gender::Male,
        }
    }
}

fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut a = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

struct Tags {
    by_name: Vec<(String, i64)>,
}

impl Tags {
    /// The community's tag kinds, the default ones made first.
    fn of(c: &mut dyn Conn, community_id: i64) -> Result<Tags> {
        registry::ensure_default_tags(c, linli_store::Tenant::new(community_id))?;
        Ok(Tags {
            by_name: registry::tag_kinds(c, linli_store::Tenant::new(community_id))?
                .into_iter()
                .map(|t| (t.name, t.id))
                .collect(),
        })
    }

    fn id(&self, name: &str) -> Option<i64> {
        self.by_name.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }
    fn input(
        &self,
        name: &str,
        from: Option<&str>,
        to: Option<&str>,
        grade: Option<&str>,
        source: &str,
    ) -> Option<TagInput> {
        Some(TagInput {
            tag_id: self.id(name)?,
            valid_from: from.map(str::to_string),
            valid_to: to.map(str::to_string),
            grade: grade.map(str::to_string),
            source: source.to_string(),
        })
    }
}

/// A named person of the seed, placed in the household `number` of `unit`.
#[allow(clippy::too_many_arguments)]
fn seed_person(
    c: &mut dyn Conn,
    g: &mut Gen,
    community_id: i64,
    unit: &Place,
    number: &str,
    name: &str,
    region: &str,
    birth: (i32, u32, u32),
    gender: Gender,
    relation: &str,
    tags: Vec<TagInput>,
    notes: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let birth = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).ok_or(StoreError::NotFound)?;
    let hh = registry::household_in_unit(c, unit, number, now)?;
    let input = ResidentInput {
        name: name.to_string(),
        id_number: g.id_number(region, birth, gender),
        gender: Some(gender.as_str().to_string()),
        birth_date: Some(birth),
        phone: if age(birth, g.today) >= 14 { Some(g.phone()) } else { None },
        household_id: Some(hh.id),
        relation: relation.to_string(),
        political_status: String::new(),
        employment_status: String::new(),
        notes: notes.to_string(),
        consent_publish_name: true,
        consent_volunteer_contact: true,
        consent_neighbor_card: true,
        tags,
    };
    registry::create(c, linli_store::Tenant::new(community_id), &input, now)
}

/// Fills the demo community with its people: the seed's named people, and with `crowd` the
/// few thousand households around them. Returns the number of residents created.
pub fn populate(
    c: &mut dyn Conn,
    community_id: i64,
    now: DateTime<Utc>,
    crowd: bool,
) -> Result<u64> {
    let tags = Tags::of(c, community_id)?;
    let today = now.date_naive();
    let year_start = format!("{}-01-01", today.year());
    let year_end = format!("{}-12-31", today.year());
    let mut g =
        Gen { rng: Rng(0x4C49_4E4C_4932_3032), ids: HashSet::new(), phones: HashSet::new(), today };
    let root = places::get(c, community_id)?;
    let all = places::list_within(c, std::slice::from_ref(&root.path))?;
    let unit_named = |building: &str, unit: &str| -> Result<Place> {
        let b = all
            .iter()
            .find(|p| p.kind == PlaceKind::Building && p.name == building)
            .ok_or(StoreError::NotFound)?;
        all.iter()
            .find(|p| p.kind == PlaceKind::Unit && p.parent_id == Some(b.id) && p.name == unit)
            .cloned()
            .ok_or(StoreError::NotFound)
    };
    let mut created = 0u64;

    // The people of the seed first, so their households keep the numbers the stories use.
    let u = unit_named("3号楼", "2单元")?;
    let hardship = |t: &Tags| -> Vec<TagInput> {
        [
            t.input("失业/下岗", Some("2010-06-01"), None, None, "本人申报"),
            t.input("困难家庭", Some("2011-01-10"), None, None, "社区认定"),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "301",
        "夏胜林",
        DEMO_REGION,
        (1968, 4, 12),
        Gender::Male,
        "head",
        hardship(&tags),
        "下岗工人，2011年初妻子病重、本人患眩晕症，单元居民在米丽芳动员下捐款近900元。",
        now,
    )?;
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "301",
        "刘淑芬",
        DEMO_REGION,
        (1970, 9, 3),
        Gender::Female,
        "spouse",
        hardship(&tags),
        "下岗工人，患肾炎和心脏病。",
        now,
    )?;
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "301",
        "夏宇",
        DEMO_REGION,
        (2003, 5, 20),
        Gender::Male,
        "child",
        Vec::new(),
        "",
        now,
    )?;
    let elder = [
        tags.input("独居老人", Some("2015-03-01"), None, None, "社区走访"),
        tags.input("党员", None, None, None, "党组织关系"),
    ]
    .into_iter()
    .flatten()
    .collect();
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "202",
        "米丽芳",
        DEMO_REGION,
        (1949, 8, 16),
        Gender::Female,
        "head",
        elder,
        "3号楼、4号楼楼长，热心邻里互助。",
        now,
    )?;
    let u = unit_named("12号楼", "1单元")?;
    let dibao = |t: &Tags| -> Vec<TagInput> {
        [
            t.input(
                "低保",
                Some(year_start.as_str()),
                Some(year_end.as_str()),
                None,
                "区民政局批复",
            ),
            t.input("困难家庭", Some("2011-05-01"), None, None, "社区认定"),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    // From the earthquake area in Sichuan (汶川): another region code.
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "102",
        "杨静",
        "513221",
        (1979, 2, 8),
        Gender::Female,
        "head",
        dibao(&tags),
        "2011年从四川地震灾区来社区寄住，社区帮助申报低保、申请廉租住房，年节慰问。",
        now,
    )?;
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "102",
        "杨雨欣",
        "513221",
        (2005, 10, 1),
        Gender::Female,
        "child",
        dibao(&tags),
        "",
        now,
    )?;
    let u = unit_named("20号楼", "1单元")?;
    let disabled = [
        tags.input("残疾", Some("2009-07-01"), None, Some("二级"), "残联证件"),
        tags.input("困难家庭", Some("2010-01-01"), None, None, "社区认定"),
    ]
    .into_iter()
    .flatten()
    .collect();
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "101",
        "张君",
        DEMO_REGION,
        (1975, 12, 2),
        Gender::Male,
        "head",
        disabled,
        "特困人员，身患残疾；在社区帮扶下建起自行车摊，并开设社区便民服务站。",
        now,
    )?;
    let u = unit_named("1号楼", "1单元")?;
    seed_person(
        c,
        &mut g,
        community_id,
        &u,
        "101",
        "陈玉兰",
        DEMO_REGION,
        (1956, 3, 18),
        Gender::Female,
        "head",
        Vec::new(),
        "",
        now,
    )?;
    created += 8;
    if !crowd {
        return Ok(created);
    }
    Ok(created + crowd_in(c, community_id, &all, &tags, &mut g, now)?)
}

/// A community of the street with no story of the seed: households of generated people in
/// every unit it has (its own random sequence `seed`, so the communities differ). Returns the
/// number of residents created.
pub fn populate_crowd(
    c: &mut dyn Conn,
    community_id: i64,
    now: DateTime<Utc>,
    seed: u64,
) -> Result<u64> {
    let tags = Tags::of(c, community_id)?;
    let mut g = Gen {
        rng: Rng(seed),
        ids: HashSet::new(),
        phones: HashSet::new(),
        today: now.date_naive(),
    };
    let root = places::get(c, community_id)?;
    let all = places::list_within(c, std::slice::from_ref(&root.path))?;
    crowd_in(c, community_id, &all, &tags, &mut g, now)
}

fn crowd_in(
    c: &mut dyn Conn,
    community_id: i64,
    all: &[Place],
    tags: &Tags,
    g: &mut Gen,
    now: DateTime<Utc>,
) -> Result<u64> {
    let today = g.today;
    let year_start = format!("{}-01-01", today.year());
    let year_end = format!("{}-12-31", today.year());
    let mut created = 0u64;
    // Everyone else, unit by unit.
    let units: Vec<Place> = all.iter().filter(|p| p.kind == PlaceKind::Unit).cloned().collect();
    for unit in &units {
        for floor in 1..=6u32 {
            for door in 1..=(HOUSEHOLDS_PER_UNIT / 6 + u32::from(floor <= HOUSEHOLDS_PER_UNIT % 6))
            {
                let number = format!("{floor}0{door}");
                let taken = c.count(
                    "SELECT COUNT(*) FROM households WHERE unit_id = ? AND number = ?",
                    params![unit.id, number.clone()],
                )?;
                if taken > 0 {
                    continue;
                }
                // Some flats stand empty or are let to people registered elsewhere.
                if g.rng.chance(4) {
                    continue;
                }
                let hh = registry::household_in_unit(c, unit, &number, now)?;
                let people = g.household();
                let poor = g.rng.chance(3);
                let alone = people.len() == 1;
                for p in people {
                    let a = age(p.birth, today);
                    let mut t: Vec<TagInput> = Vec::new();
                    if a >= 20 && g.rng.chance(if a >= 60 { 14 } else { 7 }) {
                        t.extend(tags.input("党员", None, None, None, "党组织关系"));
                    }
                    if poor {
                        t.extend(tags.input(
                            "低保",
                            Some(year_start.as_str()),
                            Some(year_end.as_str()),
                            None,
                            "区民政局批复",
                        ));
                    }
                    if a >= 5 && g.rng.chance(3) {
                        let grade = g.rng.pick(&["一级", "二级", "三级", "四级"]).copied();
                        t.extend(tags.input("残疾", Some("2018-01-01"), None, grade, "残联证件"));
                    }
                    if (18..60).contains(&a) && g.rng.chance(4) {
                        t.extend(tags.input(
                            "失业/下岗",
                            Some("2025-03-01"),
                            None,
                            None,
                            "就业登记",
                        ));
                    }
                    if alone && a >= 70 {
                        t.extend(tags.input(
                            "独居老人",
                            Some("2024-01-01"),
                            None,
                            None,
                            "社区走访",
                        ));
                    }
                    if (6..=22).contains(&a) {
                        t.extend(tags.input("学生", None, None, None, "本人申报"));
                    }
                    let employment = match a {
                        ..=5 => "",
                        6..=22 => "student",
                        23..=59 if t.iter().any(|x| Some(x.tag_id) == tags.id("失业/下岗")) => {
                            "unemployed"
                        }
                        23..=59 => "employed",
                        _ => "retired",
                    };
                    let input = ResidentInput {
                        name: p.name,
                        id_number: g.id_number(DEMO_REGION, p.birth, p.gender),
                        gender: Some(p.gender.as_str().to_string()),
                        birth_date: Some(p.birth),
                        phone: if a >= 14 && g.rng.chance(92) { Some(g.phone()) } else { None },
                        household_id: Some(hh.id),
                        relation: p.relation.to_string(),
                        political_status: if t.iter().any(|x| Some(x.tag_id) == tags.id("党员")) {
                            "中共党员".into()
                        } else {
                            "群众".into()
                        },
                        employment_status: employment.to_string(),
                        notes: String::new(),
                        consent_publish_name: g.rng.chance(40),
                        consent_volunteer_contact: g.rng.chance(70),
                        consent_neighbor_card: g.rng.chance(60),
                        tags: t,
                    };
                    registry::create(c, linli_store::Tenant::new(community_id), &input, now)?;
                    created += 1;
                }
            }
        }
    }
    Ok(created)
}
