//! Holiday visits (节日走访慰问): who is on a plan's visit list and why, one visit per household,
//! in the order a team walks the buildings, and how far a plan has got. No I/O.
//!
//! Before 春节, 中秋 and 重阳 a community visits its 低保 households, the elderly who live alone,
//! the households it is helping and others named by local practice. The list is built from rules
//! over the registry and the case files, then reviewed by a worker (households added by hand,
//! others taken off with a reason), split among teams and printed as a route sheet per building.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

code_enum!(
    /// What a plan is for. The date is the plan's; the occasion names it and suggests rules.
    Occasion {
        SpringFestival => "spring_festival", "春节",
        MidAutumn => "mid_autumn", "中秋",
        DoubleNinth => "double_ninth", "重阳",
        Other => "other", "其他",
    }
);

code_enum!(
    /// Why a household is on the list. A household matching several rules is visited once and
    /// the reasons are kept together.
    VisitRule {
        Dibao => "dibao", "低保户",
        ElderlyAlone => "elderly_alone", "独居老人（高龄）",
        OpenCase => "open_case", "在帮扶困难家庭",
        Disability => "disability", "残疾人",
        SpecialCare => "special_care", "优抚对象",
    }
);

code_enum!(
    /// Whether a plan's visits are still being made. A closed plan takes no more records.
    PlanStatus {
        Open => "open", "进行中",
        Closed => "closed", "已结束",
    }
);

code_enum!(
    /// Where one household of the list stands.
    TargetStatus {
        Pending => "pending", "待走访",
        Visited => "visited", "已走访",
        NotHome => "not_home", "未遇",
        Removed => "removed", "已移出",
    }
);

impl VisitRule {
    /// The rules a plan for `occasion` starts with; the worker changes them before building.
    pub fn defaults(occasion: Occasion) -> &'static [VisitRule] {
        match occasion {
            // 重阳 is the elders' festival.
            Occasion::DoubleNinth => &[VisitRule::ElderlyAlone],
            _ => &[VisitRule::Dibao, VisitRule::ElderlyAlone, VisitRule::OpenCase],
        }
    }

    /// The registry tag a rule reads, where it reads one.
    pub fn tag(self) -> Option<&'static str> {
        match self {
            VisitRule::Dibao => Some("低保"),
            VisitRule::ElderlyAlone => Some("独居老人"),
            VisitRule::Disability => Some("残疾"),
            VisitRule::SpecialCare => Some("优抚对象"),
            VisitRule::OpenCase => None,
        }
    }

    /// Whether the reason is sensitive personal information (PIPL §28; that an old person lives
    /// alone is a safety matter too): such reasons are shown to staff who handle cases, never
    /// printed on the route sheet a team carries from door to door.
    pub fn sensitive(self) -> bool {
        !matches!(self, VisitRule::SpecialCare)
    }
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// What the rules look at about one resident, on the plan's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub resident_id: i64,
    pub household_id: Option<i64>,
    pub birth_date: Option<NaiveDate>,
    /// Tags in force on the plan's date.
    pub tags: Vec<String>,
    /// An open or monitored case file covers the person or their household.
    pub open_case: bool,
    /// Where the household lives, for the walking order: building, unit, room.
    pub sort_key: (String, String, String),
}

/// The reasons `p` is on a plan with `rules` dated `on`; empty when none applies.
/// An elderly person living alone counts from `min_age` (80 by default in most communities).
pub fn reasons(p: &Person, rules: &[VisitRule], on: NaiveDate, min_age: i32) -> Vec<VisitRule> {
    let has = |tag: &str| p.tags.iter().any(|t| t == tag);
    rules
        .iter()
        .copied()
        .filter(|r| match r {
            VisitRule::ElderlyAlone => {
                has("独居老人") && p.birth_date.is_some_and(|b| age_on(b, on) >= min_age)
            }
            VisitRule::OpenCase => p.open_case,
            other => other.tag().is_some_and(has),
        })
        .collect()
}

/// One household (or a resident without one) on the list: whom to ask for, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub household_id: Option<i64>,
    /// The person the visit is addressed to: the first matching member in registry order.
    pub resident_id: i64,
    pub reasons: Vec<VisitRule>,
    pub sort_key: (String, String, String),
}

/// The visit list: every person some rule applies to, one entry per household with the reasons
/// of all its members, ordered building by building, unit by unit, room by room.
pub fn build_list(
    people: &[Person],
    rules: &[VisitRule],
    on: NaiveDate,
    min_age: i32,
) -> Vec<Target> {
    let mut by_household: BTreeMap<(i64, i64), Target> = BTreeMap::new();
    for p in people {
        let why = reasons(p, rules, on, min_age);
        if why.is_empty() {
            continue;
        }
        // Residents without a household are visited each on their own.
        let key = p.household_id.map_or((1, p.resident_id), |h| (0, h));
        let t = by_household.entry(key).or_insert_with(|| Target {
            household_id: p.household_id,
            resident_id: p.resident_id,
            reasons: Vec::new(),
            sort_key: p.sort_key.clone(),
        });
        for r in why {
            if !t.reasons.contains(&r) {
                t.reasons.push(r);
            }
        }
    }
    let mut list: Vec<Target> = by_household.into_values().collect();
    for t in &mut list {
        t.reasons.sort_by_key(|r| VisitRule::ALL.iter().position(|x| x == r));
    }
    list.sort_by(|a, b| {
        walk_order(&a.sort_key, &b.sort_key).then(a.resident_id.cmp(&b.resident_id))
    });
    list
}

/// Compares place names the way people count them: "2号楼" before "10号楼", "3单元" before "12单元".
pub fn walk_order(
    a: &(String, String, String),
    b: &(String, String, String),
) -> std::cmp::Ordering {
    natural(&a.0, &b.0).then_with(|| natural(&a.1, &b.1)).then_with(|| natural(&a.2, &b.2))
}

fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (u64, &str) {
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        (s[..digits].parse().unwrap_or(u64::MAX), &s[digits..])
    }
    split(a).cmp(&split(b))
}

/// How far a plan has got: households on the list (removed ones excluded), visited, not found
/// at home (to go again), still to go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: i64,
    pub visited: i64,
    pub not_home: i64,
    pub pending: i64,
}

impl Progress {
    pub fn of(statuses: impl IntoIterator<Item = TargetStatus>) -> Progress {
        let mut p = Progress::default();
        for s in statuses {
            match s {
                TargetStatus::Visited => p.visited += 1,
                TargetStatus::NotHome => p.not_home += 1,
                TargetStatus::Pending => p.pending += 1,
                TargetStatus::Removed => continue,
            }
            p.total += 1;
        }
        p
    }

    /// Whole percent visited, rounded down (a plan at 99.6% is not done).
    pub fn percent(&self) -> i64 {
        (self.visited * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// Goods written the way workers write them: "米 25kg，油 5L，慰问金 500元" → name/quantity pairs.
/// Separators: Chinese or Latin commas, 、 and semicolons; the quantity is what follows the last
/// space (or is empty).
pub fn parse_items(text: &str) -> Vec<(String, String)> {
    text.split([',', '，', '、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.rsplit_once([' ', '\u{3000}']) {
            Some((name, qty)) if !name.trim().is_empty() => {
                (name.trim().to_string(), qty.trim().to_string())
            }
            _ => (s.to_string(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn person(id: i64, hh: Option<i64>, born: &str, tags: &[&str], case: bool, b: &str) -> Person {
        Person {
            resident_id: id,
            household_id: hh,
            birth_date: Some(d(born)),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            open_case: case,
            sort_key: (b.into(), "1单元".into(), "101".into()),
        }
    }

    #[test]
    fn age_turns_on_the_birthday() {
        assert_eq!(age_on(d("1946-02-06"), d("2026-02-05")), 79);
        assert_eq!(age_on(d("1946-02-06"), d("2026-02-06")), 80);
        assert_eq!(age_on(d("1944-02-29"), d("2024-02-28")), 79);
        assert_eq!(age_on(d("1944-02-29"), d("2024-02-29")), 80);
    }

    #[test]
    fn an_elder_living_alone_is_on_the_list_from_the_age_the_community_sets() {
        let rules = [VisitRule::ElderlyAlone];
        let on = d("2027-02-05");
        let p79 = person(1, Some(1), "1947-03-01", &["独居老人"], false, "1号楼");
        let p80 = person(2, Some(2), "1947-02-05", &["独居老人"], false, "1号楼");
        let not_alone = person(3, Some(3), "1930-01-01", &[], false, "1号楼");
        assert!(reasons(&p79, &rules, on, 80).is_empty());
        assert_eq!(reasons(&p80, &rules, on, 80), vec![VisitRule::ElderlyAlone]);
        assert!(reasons(&not_alone, &rules, on, 80).is_empty());
        // A community that visits from 70.
        assert_eq!(reasons(&p79, &rules, on, 70), vec![VisitRule::ElderlyAlone]);
    }

    #[test]
    fn a_household_is_visited_once_with_all_its_reasons() {
        let rules = [VisitRule::Dibao, VisitRule::OpenCase, VisitRule::ElderlyAlone];
        let people = [
            person(10, Some(5), "1980-01-01", &["低保"], false, "3号楼"),
            person(11, Some(5), "2010-01-01", &[], true, "3号楼"),
            person(12, Some(6), "1990-01-01", &["党员"], false, "3号楼"),
            person(13, None, "1940-01-01", &["独居老人"], false, "1号楼"),
        ];
        let list = build_list(&people, &rules, d("2027-02-05"), 80);
        assert_eq!(list.len(), 2);
        // 1号楼 walks before 3号楼.
        assert_eq!(list[0].resident_id, 13);
        assert_eq!(list[1].household_id, Some(5));
        assert_eq!(list[1].resident_id, 10);
        assert_eq!(list[1].reasons, vec![VisitRule::Dibao, VisitRule::OpenCase]);
    }

    #[test]
    fn only_the_chosen_rules_apply() {
        let p = person(1, Some(1), "1980-01-01", &["低保", "残疾"], true, "1号楼");
        assert_eq!(
            reasons(&p, &[VisitRule::Disability], d("2026-09-25"), 80),
            vec![VisitRule::Disability]
        );
        assert!(reasons(&p, &[VisitRule::SpecialCare], d("2026-09-25"), 80).is_empty());
    }

    #[test]
    fn buildings_walk_in_counting_order() {
        let k = |b: &str, u: &str, r: &str| (b.to_string(), u.to_string(), r.to_string());
        let mut v = vec![
            k("10号楼", "1单元", "101"),
            k("2号楼", "2单元", "301"),
            k("2号楼", "1单元", "1202"),
            k("2号楼", "1单元", "201"),
        ];
        v.sort_by(walk_order);
        assert_eq!(
            v,
            vec![
                k("2号楼", "1单元", "201"),
                k("2号楼", "1单元", "1202"),
                k("2号楼", "2单元", "301"),
                k("10号楼", "1单元", "101"),
            ]
        );
    }

    #[test]
    fn progress_leaves_removed_households_out_and_never_rounds_up() {
        use TargetStatus::*;
        let p = Progress::of([Visited, Visited, NotHome, Pending, Removed]);
        assert_eq!((p.total, p.visited, p.not_home, p.pending), (4, 2, 1, 1));
        assert_eq!(p.percent(), 50);
        let mut many = vec![Visited; 249];
        many.push(Pending);
        assert_eq!(Progress::of(many).percent(), 99);
        assert_eq!(Progress::of([]).percent(), 0);
    }

    #[test]
    fn goods_are_read_as_workers_write_them() {
        assert_eq!(
            parse_items("米 25kg，油 5L、慰问金 500元; 春联"),
            vec![
                ("米".into(), "25kg".into()),
                ("油".into(), "5L".into()),
                ("慰问金".into(), "500元".into()),
                ("春联".into(), String::new()),
            ]
        );
        assert!(parse_items(" ，, ").is_empty());
    }

    #[test]
    fn sensitive_reasons_are_marked() {
        assert!(VisitRule::Dibao.sensitive());
        assert!(VisitRule::ElderlyAlone.sensitive());
        assert!(!VisitRule::SpecialCare.sensitive());
        assert_eq!(VisitRule::parse("dibao"), Some(VisitRule::Dibao));
        assert_eq!(Occasion::SpringFestival.label_zh(), "春节");
    }
}
