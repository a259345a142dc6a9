//! The people of the demo community: about 3,000 households and 8,000 residents of an old
//! 2000s-era neighbourhood, generated from a fixed seed so every demo looks the same, plus the
//! people of the seed text with their stories (夏胜林's family, 杨静 and her daughter, 米丽芳, 张君).

use crate::db::Conn;
use crate::error::StoreError;
use crate::places::{self, Place};
use crate::registry::{self, ResidentInput, TagInput};
use crate::{Result, params};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::{Gender, IdNumber, PlaceKind};
use std::collections::HashSet;

/// 牡丹江市东安区: the district of the seed's 东安区建设局 and 东安区供电局.
pub const DEMO_REGION: &str = "231002";
/// households per unit (the demo has 63 buildings × 3 units).
const HOUSEHOLDS_PER_UNIT: u32 = 17;

/// SplitMix64: tiny, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
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
        let list = if self.rng.chance(45) {
            SURNAMES.get(..COMMON).unwrap_or(SURNAMES)
        } else {
            SURNAMES
        };
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
        Person {
            name,
            gender,
            birth,
            relation,
        }
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
                let g = if self.rng.chance(70) {
                    Gender::Female
                } else {
                    Gender::Male
                };
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
                let g = if self.rng.chance(50) {
                    Gender::Male
                } else {
                    Gender::Female
                };
                people.push(self.person(&s, g, 3, 26, "child"));
            }
            // Three generations.
            67..=84 => {
                people.push(self.person(&s, Gender::Male, 38, 52, "head"));
                let w = self.surname();
                people.push(self.person(&w, Gender::Female, 36, 50, "spouse"));
                let g = if self.rng.chance(50) {
                    Gender::Male
                } else {
                    Gender::Female
                };
                people.push(self.person(&s, g, 2, 20, "child"));
                let pg = if self.rng.chance(65) {
                    Gender::Female
                } else {
                    Gender::Male
                };
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
                    let g = if self.rng.chance(50) {
                        Gender::Male
                    } else {
                        Gender::Female
                    };
                    people.push(self.person(&s, g, 0, 4, "child"));
                }
            }
            // A single adult.
            _ => {
                let g = if self.rng.chance(50) {
                    Gender::Male
                } else {
                    Gender::Female
                };
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
    fn id(&self, name: &str) -> Option<i64> {
        self.by_name
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
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

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
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
        birth_date: Some(date_text(birth)),
        phone: if age(birth, g.today) >= 14 {
            Some(g.phone())
        } else {
            None
        },
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
    registry::create(c, community_id, &input, now)
}

/// Fills the demo community with its people: the seed's named people, and with `crowd` the
/// few thousand households around them. Returns the number of residents created.
pub fn populate(
    c: &mut dyn Conn,
    community_id: i64,
    now: DateTime<Utc>,
    crowd: bool,
) -> Result<u64> {
    registry::ensure_default_tags(c, community_id)?;
    let tags = Tags {
        by_name: registry::tag_kinds(c, community_id)?
            .into_iter()
            .map(|t| (t.name, t.id))
            .collect(),
    };
    let today = now.date_naive();
    let year_start = format!("{}-01-01", today.year());
    let year_end = format!("{}-12-31", today.year());
    let mut g = Gen {
        rng: Rng(0x4C49_4E4C_4932_3032),
        ids: HashSet::new(),
        phones: HashSet::new(),
        today,
    };
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

    // Everyone else, unit by unit.
    let units: Vec<Place> = all
        .iter()
        .filter(|p| p.kind == PlaceKind::Unit)
        .cloned()
        .collect();
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
                        birth_date: Some(date_text(p.birth)),
                        phone: if a >= 14 && g.rng.chance(92) {
                            Some(g.phone())
                        } else {
                            None
                        },
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
                    registry::create(c, community_id, &input, now)?;
                    created += 1;
                }
            }
        }
    }
    Ok(created)
}

/// The demo fund tells the seed's story: the meeting decision of 2011, gifts from residents and
/// partner units over the years adding up to a little over 60,000 yuan, 65 residents helped
/// (夏胜林's family among the first), one gift recorded twice and reversed with its reason.
pub fn populate_fund(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    use crate::fund::{self as ledger, DecisionInput, DonationInput};
    use linli_core::fund::{DonorKind, Fen, Method, Purpose, account};
    let community_id = crate::Tenant::new(community_id);
    if ledger::decision(c, community_id)?.is_some() {
        return Ok(());
    }
    let user = |c: &mut dyn Conn, name: &str| -> Result<i64> {
        c.count("SELECT id FROM users WHERE username = ?", params![name])
    };
    let (worker, admin, keeper) = (user(c, "wangge1")?, user(c, "admin")?, user(c, "jijin")?);
    ledger::record_decision(
        c,
        community_id,
        &DecisionInput {
            decided_on: "2011-03-15".into(),
            attendance: 86,
            quorum_reached: true,
            resolution: "成立Xx社区爱心基金。资金来源于居民自愿捐助和共建单位帮扶，专门用于帮助社区困难居民渡过难关；每笔支出须经两人审批，账目每月在社区公示栏公示，居民可随时查阅。".into(),
            purpose: "帮助社区困难居民（疾病、下岗失业、灾害、独居老人、子女上学等）".into(),
            eligibility: "本社区在册居民中经走访核实的困难家庭".into(),
        },
        Some(admin),
        now,
    )?;
    let mut rng = Rng(0x4655_4E44_3230_3131);
    let today = now.date_naive();
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
    let give = |c: &mut dyn Conn,
                kind: DonorKind,
                rid: Option<i64>,
                name: &str,
                yuan: i64,
                method: Method,
                items: &str,
                on: NaiveDate,
                publish: bool|
     -> Result<(i64, String)> {
        ledger::donate(
            c,
            community_id,
            &DonationInput {
                donor_kind: kind,
                donor_resident_id: rid,
                donor_partner_id: None,
                donor_name: name.to_string(),
                amount: Fen(yuan * 100),
                method,
                items: items.to_string(),
                received_on: on.min(today),
                publish_name: publish,
            },
            Some(worker),
            now,
        )
    };
    // Residents who give: a few hundred, mostly small sums, some named with consent.
    let givers: Vec<(i64, String)> = c
        .query(
            "SELECT id, name FROM residents WHERE community_id = ? AND status = 'active' AND birth_date <= '1985-12-31' ORDER BY id LIMIT 400",
            params![community_id],
        )?
        .iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?)))
        .collect::<Result<_>>()?;
    let mi = c.count(
        "SELECT id FROM residents WHERE community_id = ? AND name = '米丽芳'",
        params![community_id],
    )?;
    // 2011: 米丽芳 rallies the unit for 夏胜林's family: close to 900 yuan.
    give(
        c,
        DonorKind::Resident,
        Some(mi),
        "米丽芳",
        200,
        Method::Cash,
        "",
        day(2011, 3, 20),
        true,
    )?;
    for (i, (rid, name)) in givers.iter().take(14).enumerate() {
        give(
            c,
            DonorKind::Resident,
            Some(*rid),
            name,
            [50, 50, 100, 30, 50, 20][i % 6],
            Method::Cash,
            "",
            day(2011, 3, 20),
            false,
        )?;
    }
    // Partner units, year by year.
    let partners = [
        ("市电业局", 1500),
        ("第一中学", 500),
        ("绿苑社区医疗服务站", 750),
        ("东安区供电局", 1000),
        ("东安区城管局", 500),
    ];
    let mut raised: i64 = 0;
    for year in 2011..=today.year() {
        for (k, (name, base)) in partners.iter().enumerate() {
            if (year + k as i32) % 3 == 0 {
                continue;
            }
            let method = if k % 2 == 0 {
                Method::BankTransfer
            } else {
                Method::Wechat
            };
            give(
                c,
                DonorKind::Partner,
                None,
                name,
                *base,
                method,
                "",
                day(year, 6 + k as u32, 10),
                true,
            )?;
            raised += base;
        }
        // The yearly drive around 助残日 and 重阳节: residents give what they can.
        for _ in 0..5 {
            let (rid, name) = givers
                .get(rng.below(givers.len() as u64) as usize)
                .cloned()
                .unwrap_or((mi, "米丽芳".into()));
            let yuan = [50, 100, 100, 200, 20, 30, 500][rng.below(7) as usize];
            let method = [Method::Cash, Method::Wechat, Method::Alipay][rng.below(3) as usize];
            give(
                c,
                DonorKind::Resident,
                Some(rid),
                &name,
                yuan,
                method,
                "",
                day(year, 10, 1 + rng.below(20) as u32),
                rng.chance(30),
            )?;
            raised += yuan;
        }
        give(
            c,
            DonorKind::Anonymous,
            None,
            "",
            200,
            Method::Cash,
            "",
            day(year, 12, 20),
            false,
        )?;
        if year % 2 == 0 {
            give(
                c,
                DonorKind::Partner,
                None,
                "东安区供电局",
                600,
                Method::InKind,
                "米 20kg、面 20kg、油 10L",
                day(year, 1, 15),
                true,
            )?;
        }
        raised += 200;
    }
    // One gift typed in twice: the second entry is reversed, with its reason.
    let (dup, _) = give(
        c,
        DonorKind::Partner,
        None,
        "第一中学",
        1000,
        Method::BankTransfer,
        "",
        day(2019, 6, 12),
        true,
    )?;
    let dup_row = ledger::donation(c, community_id, dup)?;
    ledger::reverse(
        c,
        community_id,
        dup_row.transaction_id,
        "重复登记：同一笔转账已于2019年6月11日登记",
        day(2019, 6, 14),
        Some(keeper),
        now,
    )?;
    // 65 residents helped, the seed's families first.
    let mut helped: Vec<(i64, Purpose)> = Vec::new();
    for (name, purpose) in [
        ("夏胜林", Purpose::Medical),
        ("刘淑芬", Purpose::Medical),
        ("杨静", Purpose::Disaster),
        ("张君", Purpose::Living),
        ("夏宇", Purpose::Education),
        ("杨雨欣", Purpose::Education),
    ] {
        helped.push((
            c.count(
                "SELECT id FROM residents WHERE community_id = ? AND name = ? ORDER BY id LIMIT 1",
                params![community_id, name],
            )?,
            purpose,
        ));
    }
    let needy = c.query(
        "SELECT DISTINCT r.id FROM residents r JOIN resident_tags t ON t.resident_id = r.id JOIN tag_kinds k ON k.id = t.tag_id
         WHERE r.community_id = ? AND r.status = 'active' AND k.name IN ('低保', '残疾', '独居老人', '困难家庭') ORDER BY r.id LIMIT 80",
        params![community_id],
    )?;
    for r in needy {
        let id = r.int(0)?;
        if helped.len() >= 65 {
            break;
        }
        if !helped.iter().any(|(h, _)| *h == id) {
            helped.push((
                id,
                [
                    Purpose::Living,
                    Purpose::Medical,
                    Purpose::Elderly,
                    Purpose::Education,
                ][rng.below(4) as usize],
            ));
        }
    }
    let mut year = 2011;
    for (i, (rid, purpose)) in helped.iter().enumerate() {
        let yuan = if i == 0 {
            900
        } else {
            [300, 500, 600, 800, 1000][rng.below(5) as usize]
        };
        let on = day(year, [2, 5, 9, 12][i % 4], 8).min(today);
        let id = ledger::request_disbursement(
            c,
            community_id,
            *rid,
            Fen(yuan * 100),
            *purpose,
            None,
            "入户走访核实",
            worker,
            now,
        )?;
        ledger::approve_disbursement(c, community_id, id, admin, now)?;
        ledger::approve_disbursement(c, community_id, id, keeper, now)?;
        let from = if i % 3 == 0 {
            account::BANK
        } else {
            account::CASH
        };
        if ledger::pay_disbursement(c, community_id, id, from, on, keeper, now).is_err() {
            ledger::pay_disbursement(
                c,
                community_id,
                id,
                if from == account::BANK {
                    account::CASH
                } else {
                    account::BANK
                },
                on,
                keeper,
                now,
            )?;
        }
        if i % 4 == 3 && year < today.year() {
            year += 1;
        }
    }
    Ok(())
}

/// The seed's help histories: 夏胜林's family carried through the winter of 2011, 杨静 and her
/// daughter visited every festival and helped to apply for 低保 and housing, 张君's bicycle stand,
/// the 低保 families' festival visits — and one 低保 re-check in progress with a step overdue.
pub fn populate_assistance(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    use crate::assistance::{self as store, CaseInput, HelpInput};
    use linli_core::assistance::{ApplicationKind, plan_steps};
    if c.count(
        "SELECT COUNT(*) FROM cases WHERE community_id = ?",
        params![community_id],
    )? > 0
    {
        return Ok(());
    }
    let worker = c.count("SELECT id FROM users WHERE username = 'wangge1'", params![])?;
    let today = now.date_naive();
    let person = |c: &mut dyn Conn, name: &str| -> Result<(i64, Option<i64>, String)> {
        let r = c.query_one(
            "SELECT id, household_id, place_path FROM residents WHERE community_id = ? AND name = ? ORDER BY id LIMIT 1",
            params![community_id, name],
        )?;
        Ok((r.int(0)?, r.opt_int(1)?, r.text(2)?))
    };
    let open = |c: &mut dyn Conn,
                who: &(i64, Option<i64>, String),
                kinds: &[&str],
                summary: &str,
                needs: &str,
                basis: &str,
                consent: Option<&str>|
     -> Result<i64> {
        store::create_case(
            c,
            community_id,
            &CaseInput {
                household_id: who.1,
                resident_id: Some(who.0),
                place_path: who.2.clone(),
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
                summary: summary.into(),
                needs: needs.into(),
                worker_id: Some(worker),
                next_review_on: Some(format!(
                    "{}-06-30",
                    today
                        .format("%Y")
                        .to_string()
                        .parse::<i32>()
                        .unwrap_or(2026)
                        + 1
                )),
                legal_basis: basis.into(),
                consent_on: consent.map(str::to_string),
                conflict_of_interest: false,
                conflict_note: String::new(),
            },
            Some(worker),
            now,
        )
    };
    let help = |c: &mut dyn Conn,
                case_id: i64,
                kind: &str,
                on: &str,
                amount: Option<i64>,
                items: &str,
                source: &str,
                note: &str,
                who: &str|
     -> Result<()> {
        let case = store::get_case(c, case_id)?;
        store::add_help(
            c,
            &case,
            &HelpInput {
                kind: kind.into(),
                given_on: on.into(),
                amount_fen: amount,
                items_json: items.into(),
                source: source.into(),
                note: note.into(),
                participants: who.into(),
            },
            Some(worker),
            now,
        )?;
        Ok(())
    };
    let xia = person(c, "夏胜林")?;
    let k = open(
        c,
        &xia,
        &["illness", "unemployment", "education"],
        "夫妻均为下岗工人，妻子刘淑芬患肾炎和心脏病，儿子夏宇在读书；2011年初妻子病情加重、治疗费用加大，夏胜林因找不到活儿急出眩晕症，一家生活极度窘迫。",
        "医疗费用、生活必需品、再就业",
        "consent",
        Some("2011-01-20"),
    )?;
    help(
        c,
        k,
        "visit",
        "2011-01-21",
        None,
        "[]",
        "社区",
        "入户走访，了解病情和收入情况",
        "李娜、米丽芳",
    )?;
    help(
        c,
        k,
        "goods",
        "2011-01-25",
        None,
        r#"[{"name":"米","quantity":"25kg"},{"name":"面","quantity":"25kg"},{"name":"油","quantity":"5L"}]"#,
        "社区",
        "送来米、面、油等生活必需品",
        "李娜",
    )?;
    help(
        c,
        k,
        "cash",
        "2011-02-08",
        Some(90_000),
        "[]",
        "爱心基金",
        "同单元居民在米丽芳动员下捐款近900元，经两人审批后转交",
        "李娜、王建华",
    )?;
    help(
        c,
        k,
        "service",
        "2011-04-12",
        None,
        "[]",
        "社区满意中介服务站",
        "推荐夏胜林参加再就业培训班",
        "李娜",
    )?;
    for y in [2012, 2016, 2020, 2024, 2026] {
        help(
            c,
            k,
            "visit",
            &format!("{y}-01-20"),
            None,
            r#"[{"name":"米","quantity":"10kg"},{"name":"油","quantity":"5L"}]"#,
            "社区",
            "春节慰问",
            "王建华、李娜",
        )?;
    }
    let yang = person(c, "杨静")?;
    let k = open(
        c,
        &yang,
        &["disaster", "housing"],
        "2011年从四川地震灾区来社区寄住，母女二人，无稳定收入。",
        "低保、住房、女儿上学",
        "consent",
        Some("2011-05-10"),
    )?;
    help(
        c,
        k,
        "service",
        "2011-05-20",
        None,
        "[]",
        "社区",
        "协助申报低保、申请廉租住房",
        "李娜",
    )?;
    for y in 2011..=today
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026)
    {
        let spring = format!("{y}-01-28");
        if spring.as_str() <= today.format("%Y-%m-%d").to_string().as_str() {
            help(
                c,
                k,
                "visit",
                &spring,
                None,
                r#"[{"name":"米","quantity":"10kg"}]"#,
                "社区",
                "春节慰问",
                "王建华",
            )?;
        }
        let autumn = format!("{y}-09-20");
        if autumn.as_str() <= today.format("%Y-%m-%d").to_string().as_str() {
            help(
                c,
                k,
                "visit",
                &autumn,
                None,
                r#"[{"name":"月饼","quantity":"2盒"}]"#,
                "社区",
                "中秋慰问",
                "李娜",
            )?;
        }
    }
    // The yearly 低保 re-check, in progress: the household survey is overdue.
    let cal = store::calendar(c, community_id)?;
    let mut accepted = today;
    let mut back = 0;
    while back < 8 {
        accepted = accepted.pred_opt().unwrap_or(accepted);
        if cal.is_working_day(accepted) {
            back += 1;
        }
    }
    let steps = plan_steps(ApplicationKind::Dibao, accepted, &cal, false);
    let app = store::create_application(
        c,
        community_id,
        yang.0,
        yang.1,
        Some(k),
        ApplicationKind::Dibao.as_str(),
        accepted,
        false,
        true,
        &steps,
        Some(worker),
        now,
    )?;
    if let Some(notice) = c.query_opt(
        "SELECT id FROM application_steps WHERE application_id = ? AND code = 'documents_notice'",
        params![app],
    )? {
        store::complete_step(
            c,
            app,
            notice.int(0)?,
            &accepted.format("%Y-%m-%d").to_string(),
            "家庭书面委托居委会代为申请，材料齐全，无须补正",
        )?;
    }
    let zhang = person(c, "张君")?;
    let k = open(
        c,
        &zhang,
        &["disability"],
        "特困人员，身患残疾，独自生活。",
        "稳定的生计",
        "statutory",
        None,
    )?;
    help(
        c,
        k,
        "service",
        "2012-04-18",
        None,
        "[]",
        "社区、城管局",
        "协调摊位，帮助建起自行车摊",
        "李娜",
    )?;
    help(
        c,
        k,
        "service",
        "2013-06-01",
        None,
        "[]",
        "社区",
        "张君主动提出开设社区便民服务站，社区协助挂牌",
        "王建华",
    )?;
    store::set_case_status(c, k, "monitoring", "", now)?;
    // 张君's bicycle stand became the community's convenience service station; two more like it.
    store::create_station(
        c,
        community_id,
        &store::StationInput {
            name: "张君便民服务站".into(),
            keeper_resident_id: Some(zhang.0),
            services: "自行车修理、打气、配钥匙、代收快递".into(),
            hours: "每天 7:00–18:00".into(),
            location: "20号楼东侧".into(),
            contact: "0453-6251234".into(),
        },
        now,
    )?;
    store::create_station(
        c,
        community_id,
        &store::StationInput {
            name: "老王理发点".into(),
            keeper_resident_id: None,
            services: "理发（老人半价）、上门理发".into(),
            hours: "周二至周日 8:00–17:00".into(),
            location: "社区服务中心一楼".into(),
            contact: "".into(),
        },
        now,
    )?;
    // 低保 and hardship families: festival visits.
    let families = c.query(
        "SELECT DISTINCT r.id, r.household_id, r.place_path FROM residents r JOIN resident_tags t ON t.resident_id = r.id JOIN tag_kinds g ON g.id = t.tag_id
         WHERE r.community_id = ? AND r.status = 'active' AND r.relation = 'head' AND g.name IN ('低保', '困难家庭')
           AND r.name NOT IN ('夏胜林', '杨静', '张君') ORDER BY r.id LIMIT 24",
        params![community_id],
    )?;
    for f in families {
        let who = (f.int(0)?, f.opt_int(1)?, f.text(2)?);
        let k = open(
            c,
            &who,
            &["unemployment"],
            "低保家庭，收入不稳定。",
            "生活必需品",
            "statutory",
            None,
        )?;
        help(
            c,
            k,
            "visit",
            "2026-01-26",
            None,
            r#"[{"name":"米","quantity":"10kg"},{"name":"油","quantity":"5L"}]"#,
            "社区、共建单位",
            "春节慰问",
            "王建华、李娜",
        )?;
    }
    Ok(())
}
