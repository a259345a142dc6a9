//! Civilized corridors (文明楼道): the inspection checklist and its score, the star level a
//! score earns, the "high-standard" (高标准) status a corridor holds while its last inspections
//! keep the level, and when a publicity board is stale. No I/O.

use chrono::NaiveDate;

/// An item of the checklist: what an inspector ticks as failed, and the points it is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub code: &'static str,
    pub label: &'static str,
    pub points: i64,
}

/// The default checklist (100 points), which a community may change.
pub const DEFAULT_ITEMS: &[Item] = &[
    Item { code: "stairs_clean", label: "楼梯、扶手干净", points: 20 },
    Item { code: "no_clutter", label: "无堆放杂物", points: 20 },
    Item { code: "boards_current", label: "宣传栏内容及时更新", points: 15 },
    Item { code: "lights", label: "照明完好", points: 15 },
    Item { code: "no_small_ads", label: "无小广告", points: 15 },
    Item { code: "fire_passage", label: "消防通道畅通", points: 15 },
];

/// The six boards of the seed, each corridor's by default.
pub const DEFAULT_BOARDS: &[(&str, &str)] = &[
    ("party", "党建风采"),
    ("science", "科技之窗"),
    ("safety", "安全天地"),
    ("family", "计生关怀"),
    ("news", "新闻我知道"),
    ("community", "社区互动剪影"),
];

/// Scores from which 2, 3, 4 and 5 stars are earned (below the first: one star).
pub const DEFAULT_STAR_THRESHOLDS: [i64; 4] = [60, 70, 80, 90];

/// The level a corridor keeps to be high-standard, and over how many of its last inspections.
pub const DEFAULT_HIGH_STANDARD_STARS: i64 = 4;
pub const DEFAULT_HIGH_STANDARD_LAST: usize = 3;

/// A board not updated in this many days is stale.
pub const DEFAULT_STALE_DAYS: i64 = 31;

/// The score of an inspection: every item's points, less those of the failed ones. Codes not
/// on the checklist are ignored (`unknown` names them for the caller to refuse).
pub fn score(items: &[(String, i64)], failed: &[String]) -> i64 {
    items.iter().filter(|(code, _)| !failed.contains(code)).map(|(_, p)| p).sum()
}

/// The failed codes that are not items of the checklist.
pub fn unknown<'a>(items: &[(String, i64)], failed: &'a [String]) -> Vec<&'a str> {
    failed.iter().filter(|f| !items.iter().any(|(c, _)| c == *f)).map(String::as_str).collect()
}

/// The stars (1-5) a score earns against the thresholds of 2, 3, 4 and 5 stars.
pub fn stars(score: i64, thresholds: &[i64; 4]) -> i64 {
    1 + thresholds.iter().filter(|t| score >= **t).count() as i64
}

/// Whether the thresholds rise strictly and lie within 1..=100.
pub fn thresholds_ok(t: &[i64; 4]) -> bool {
    t.windows(2).all(|w| w[0] < w[1]) && t[0] >= 1 && t[3] <= 100
}

/// High-standard: the last `n` inspections (newest first) all earned at least `level` stars.
/// A corridor inspected fewer than `n` times is not (yet).
pub fn high_standard(stars_newest_first: &[i64], level: i64, n: usize) -> bool {
    n > 0 && stars_newest_first.len() >= n && stars_newest_first[..n].iter().all(|s| *s >= level)
}

/// Whether a board last updated on `updated` is stale on `today` (never updated: stale).
pub fn stale(updated: Option<NaiveDate>, today: NaiveDate, days: i64) -> bool {
    match updated {
        Some(d) => (today - d).num_days() > days,
        None => true,
    }
}

/// A community's corridor rules: the stars' thresholds, what keeps a corridor high-standard,
/// when a board is stale, and the boards each corridor has (code, name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub thresholds: [i64; 4],
    pub high_stars: i64,
    pub high_last: usize,
    pub stale_days: i64,
    pub boards: Vec<(String, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            thresholds: DEFAULT_STAR_THRESHOLDS,
            high_stars: DEFAULT_HIGH_STANDARD_STARS,
            high_last: DEFAULT_HIGH_STANDARD_LAST,
            stale_days: DEFAULT_STALE_DAYS,
            boards: DEFAULT_BOARDS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect(),
        }
    }
}

impl Settings {
    /// The stars a score on the 100-point scale earns.
    pub fn stars(&self, score: i64) -> i64 {
        stars(score, &self.thresholds)
    }

    /// Whether the inspections (newest first) keep the corridor high-standard.
    pub fn high_standard(&self, stars_newest_first: &[i64]) -> bool {
        high_standard(stars_newest_first, self.high_stars, self.high_last)
    }

    pub fn stale(&self, updated: Option<NaiveDate>, today: NaiveDate) -> bool {
        stale(updated, today, self.stale_days)
    }

    /// A board's name: the community's, or the code when it is no longer among its boards.
    pub fn board_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.boards.iter().find(|(c, _)| c == code).map_or(code, |(_, l)| l.as_str())
    }
}

/// Why a community's corridor rules or checklist are refused; `code()` is the API's error code
/// and `field()` the form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("the thresholds of 2-5 stars must rise within 1-100")]
    Thresholds,
    #[error("the high-standard level is 1-5 stars")]
    HighStars,
    #[error("high-standard is judged over 1-12 inspections")]
    HighLast,
    #[error("a board is stale after 7-366 days")]
    StaleDays,
    #[error("1-12 boards, each named in 2-12 characters, no name twice")]
    Boards,
    #[error("1-20 checklist items, each named in 2-30 characters, no name twice")]
    ItemLabels,
    #[error("an item is worth 1-100 points")]
    ItemPoints,
}

impl SettingsError {
    pub fn code(self) -> &'static str {
        match self {
            SettingsError::Thresholds => "thresholds_bad",
            SettingsError::HighStars => "high_stars_bad",
            SettingsError::HighLast => "high_last_bad",
            SettingsError::StaleDays => "stale_days_bad",
            SettingsError::Boards => "boards_bad",
            SettingsError::ItemLabels => "items_bad",
            SettingsError::ItemPoints => "item_points_bad",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            SettingsError::Thresholds => "thresholds",
            SettingsError::HighStars => "high_stars",
            SettingsError::HighLast => "high_last",
            SettingsError::StaleDays => "stale_days",
            SettingsError::Boards => "boards",
            SettingsError::ItemLabels | SettingsError::ItemPoints => "items",
        }
    }
}

/// Names, trimmed, without empties; `None` when one is out of `min..=max` characters or twice.
fn names(list: &[String], min: usize, max: usize) -> Option<Vec<String>> {
    let out: Vec<String> =
        list.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let ok = out
        .iter()
        .all(|s| (min..=max).contains(&s.chars().count()) && !s.contains(['=', '\n', '\r']))
        && out.iter().enumerate().all(|(i, s)| !out[..i].contains(s));
    ok.then_some(out)
}

/// A code for a new name, not among `taken`: `{prefix}1`, `{prefix}2`, …
fn new_code(prefix: &str, taken: &[String]) -> String {
    (1..).map(|n| format!("{prefix}{n}")).find(|c| !taken.contains(c)).unwrap_or_default()
}

/// The community's boards from their names in order. A name the community had keeps its code
/// (so a board keeps its content and history), a name of the seed's six takes the seed's code,
/// any other gets a new one.
pub fn check_boards(
    names_in_order: &[String],
    before: &[(String, String)],
) -> Result<Vec<(String, String)>, SettingsError> {
    let list = names(names_in_order, 2, 12).ok_or(SettingsError::Boards)?;
    if list.is_empty() || list.len() > 12 {
        return Err(SettingsError::Boards);
    }
    let mut taken: Vec<String> = before.iter().map(|(c, _)| c.clone()).collect();
    taken.extend(DEFAULT_BOARDS.iter().map(|(c, _)| c.to_string()));
    let mut out: Vec<(String, String)> = Vec::new();
    for name in list {
        let known = before
            .iter()
            .find(|(_, l)| *l == name)
            .map(|(c, _)| c.clone())
            .or_else(|| DEFAULT_BOARDS.iter().find(|(_, l)| *l == name).map(|(c, _)| c.to_string()))
            .filter(|c| !out.iter().any(|(o, _)| o == c));
        let code = match known {
            Some(c) => c,
            None => {
                let c = new_code("board", &taken);
                taken.push(c.clone());
                c
            }
        };
        out.push((code, name));
    }
    Ok(out)
}

/// The rules besides the boards, checked.
pub fn check_rules(
    thresholds: [i64; 4],
    high_stars: i64,
    high_last: i64,
    stale_days: i64,
) -> Result<(), SettingsError> {
    if !thresholds_ok(&thresholds) {
        return Err(SettingsError::Thresholds);
    }
    if !(1..=5).contains(&high_stars) {
        return Err(SettingsError::HighStars);
    }
    if !(1..=12).contains(&high_last) {
        return Err(SettingsError::HighLast);
    }
    if !(7..=366).contains(&stale_days) {
        return Err(SettingsError::StaleDays);
    }
    Ok(())
}

/// The checklist as typed, one item a line: its name, then its points (`照明完好 15`,
/// `照明完好：15分`). Blank lines are skipped; a line without points is refused.
pub fn parse_item_lines(text: &str) -> Result<Vec<(String, i64)>, SettingsError> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = line.trim_end_matches('分').trim_end();
        let digits = line.len()
            - line
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .map(char::len_utf8)
                .sum::<usize>();
        let (name, points) = line.split_at(digits);
        let points: i64 = points.parse().map_err(|_| SettingsError::ItemPoints)?;
        let name = name.trim_end_matches([' ', '\t', '：', ':', '，', ',', '　']).trim();
        out.push((name.to_string(), points));
    }
    Ok(out)
}

/// The checklist from (name, points) in order: codes kept for names the checklist had, so past
/// inspections keep naming what failed; new names get new codes.
pub fn check_items(
    items_in_order: &[(String, i64)],
    before: &[(String, String, i64)],
) -> Result<Vec<(String, String, i64)>, SettingsError> {
    let labels: Vec<String> = items_in_order.iter().map(|(l, _)| l.clone()).collect();
    let list = names(&labels, 2, 30).ok_or(SettingsError::ItemLabels)?;
    if list.is_empty() || list.len() > 20 {
        return Err(SettingsError::ItemLabels);
    }
    let mut taken: Vec<String> = before.iter().map(|(c, _, _)| c.clone()).collect();
    taken.extend(DEFAULT_ITEMS.iter().map(|i| i.code.to_string()));
    let mut out = Vec::new();
    for (label, points) in items_in_order.iter().filter(|(l, _)| !l.trim().is_empty()) {
        if !(1..=100).contains(points) {
            return Err(SettingsError::ItemPoints);
        }
        let label = label.trim().to_string();
        let known =
            before.iter().find(|(_, l, _)| *l == label).map(|(c, _, _)| c.clone()).or_else(|| {
                DEFAULT_ITEMS.iter().find(|i| i.label == label).map(|i| i.code.to_string())
            });
        let code = match known {
            Some(c) => c,
            None => {
                let c = new_code("item", &taken);
                taken.push(c.clone());
                c
            }
        };
        out.push((code, label, *points));
    }
    Ok(out)
}

/// What a past inspection's failed item is called, from its code: the community's name for it
/// (`known`: the items of its checklist, those taken off included), else the default
/// checklist's, else a plain phrase. Never the code: codes are for machines, people read
/// names.
pub fn item_label(code: &str, known: &[(String, String)]) -> String {
    known
        .iter()
        .find(|(c, _)| c == code)
        .map(|(_, l)| l.clone())
        .or_else(|| DEFAULT_ITEMS.iter().find(|i| i.code == code).map(|i| i.label.to_string()))
        .unwrap_or_else(|| REMOVED_ITEM.to_string())
}

/// The name of an item no record names any more (taken off a checklist before Linli kept
/// the items taken off).
pub const REMOVED_ITEM: &str = "已删除的检查项目";

/// Stars as a row of ★ and ☆ (the number is said beside it for screen readers).
pub fn star_text(stars: i64) -> String {
    let n = stars.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<(String, i64)> {
        DEFAULT_ITEMS.iter().map(|i| (i.code.to_string(), i.points)).collect()
    }

    fn f(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn the_default_checklist_is_worth_a_hundred_points() {
        assert_eq!(score(&items(), &[]), 100);
        assert_eq!(score(&items(), &f(&["lights"])), 85);
        assert_eq!(score(&items(), &f(&["lights", "no_clutter"])), 65);
        // A code twice counts once; an unknown code is named, not scored.
        assert_eq!(score(&items(), &f(&["lights", "lights"])), 85);
        assert_eq!(unknown(&items(), &f(&["lights", "elevator"])), ["elevator"]);
    }

    #[test]
    fn stars_follow_the_thresholds() {
        let t = DEFAULT_STAR_THRESHOLDS;
        assert_eq!(stars(100, &t), 5);
        assert_eq!(stars(90, &t), 5);
        assert_eq!(stars(89, &t), 4);
        assert_eq!(stars(80, &t), 4);
        assert_eq!(stars(70, &t), 3);
        assert_eq!(stars(60, &t), 2);
        assert_eq!(stars(59, &t), 1);
        assert_eq!(stars(0, &t), 1);
        assert_eq!(stars(85, &[50, 60, 85, 95]), 4);
        assert!(thresholds_ok(&t));
        assert!(!thresholds_ok(&[60, 60, 80, 90]));
        assert!(!thresholds_ok(&[60, 70, 80, 101]));
        assert_eq!(star_text(4), "★★★★☆");
    }

    #[test]
    fn high_standard_is_held_while_the_last_inspections_keep_the_level() {
        // Newest first.
        assert!(high_standard(&[5, 4, 4, 2], 4, 3));
        assert!(!high_standard(&[3, 5, 5, 5], 4, 3), "lost at once by one poor inspection");
        assert!(!high_standard(&[5, 5], 4, 3), "not yet: two inspections only");
        assert!(high_standard(&[4, 4, 4], 4, 3));
        assert!(!high_standard(&[], 4, 3));
        assert!(!high_standard(&[5], 4, 0));
        // Regained after three good inspections in a row.
        assert!(high_standard(&[4, 5, 4, 3], 4, 3));
    }

    #[test]
    fn a_board_is_stale_after_the_interval() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!stale(Some(d("2026-11-05")), d("2026-12-05"), 31));
        assert!(!stale(Some(d("2026-11-04")), d("2026-12-05"), 31));
        assert!(stale(Some(d("2026-11-03")), d("2026-12-05"), 31));
        assert!(stale(None, d("2026-12-05"), 31));
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_community_renames_and_adds_boards_keeping_their_codes() {
        let before = Settings::default().boards;
        let b = check_boards(
            &strings(&["党建风采", "平安楼道", "  ", "新闻我知道", "书香楼道"]),
            &before,
        )
        .unwrap();
        let codes: Vec<&str> = b.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["party", "board1", "news", "board2"]);
        // Again with its own names: the codes stay.
        let again = check_boards(&strings(&["书香楼道", "平安楼道"]), &b).unwrap();
        assert_eq!(again[0], ("board2".into(), "书香楼道".into()));
        assert_eq!(again[1], ("board1".into(), "平安楼道".into()));
        assert_eq!(check_boards(&strings(&["党建", "党建"]), &before), Err(SettingsError::Boards));
        assert_eq!(check_boards(&strings(&[" "]), &before), Err(SettingsError::Boards));
        assert_eq!(
            check_boards(&strings(&["一"]), &before),
            Err(SettingsError::Boards),
            "a one-character name says nothing"
        );
        let s = Settings { boards: b, ..Settings::default() };
        assert_eq!(s.board_name("board1"), "平安楼道");
        assert_eq!(s.board_name("science"), "science", "no longer a board");
    }

    #[test]
    fn the_rules_are_checked_within_their_bounds() {
        assert_eq!(check_rules(DEFAULT_STAR_THRESHOLDS, 4, 3, 31), Ok(()));
        assert_eq!(check_rules([60, 50, 80, 90], 4, 3, 31), Err(SettingsError::Thresholds));
        assert_eq!(check_rules(DEFAULT_STAR_THRESHOLDS, 6, 3, 31), Err(SettingsError::HighStars));
        assert_eq!(check_rules(DEFAULT_STAR_THRESHOLDS, 4, 0, 31), Err(SettingsError::HighLast));
        assert_eq!(check_rules(DEFAULT_STAR_THRESHOLDS, 4, 3, 3), Err(SettingsError::StaleDays));
        let s = Settings {
            thresholds: [50, 60, 75, 95],
            high_stars: 5,
            high_last: 2,
            stale_days: 14,
            ..Settings::default()
        };
        assert_eq!(s.stars(80), 4);
        assert!(s.high_standard(&[5, 5, 1]));
        assert!(!s.high_standard(&[5, 4]));
        let d = |x: &str| NaiveDate::parse_from_str(x, "%Y-%m-%d").unwrap();
        assert!(s.stale(Some(d("2026-11-20")), d("2026-12-05")));
    }

    #[test]
    fn a_failed_item_is_named_in_chinese_even_when_it_left_the_checklist() {
        let known = vec![
            ("lights".to_string(), "楼道灯完好".to_string()),
            ("item1".to_string(), "电动车不进楼道".to_string()),
        ];
        // The community's own name first, then the default checklist's.
        assert_eq!(item_label("lights", &known), "楼道灯完好");
        assert_eq!(item_label("item1", &known), "电动车不进楼道");
        assert_eq!(item_label("no_clutter", &known), "无堆放杂物");
        assert_eq!(item_label("no_clutter", &[]), "无堆放杂物");
        // Every default item has a Chinese name, and an unknown code is never shown.
        for i in DEFAULT_ITEMS {
            let l = item_label(i.code, &[]);
            assert!(!l.is_ascii() && l != i.code, "{}", i.code);
        }
        assert_eq!(item_label("item9", &known), REMOVED_ITEM);
    }

    #[test]
    fn a_checklist_keeps_the_codes_of_the_items_it_had() {
        let before: Vec<(String, String, i64)> = DEFAULT_ITEMS
            .iter()
            .map(|i| (i.code.to_string(), i.label.to_string(), i.points))
            .collect();
        let items = check_items(
            &[
                ("照明完好".to_string(), 20),
                ("电动车不进楼道".to_string(), 30),
                ("".to_string(), 5),
            ],
            &before,
        )
        .unwrap();
        assert_eq!(
            items,
            [
                ("lights".to_string(), "照明完好".to_string(), 20),
                ("item1".to_string(), "电动车不进楼道".to_string(), 30)
            ]
        );
        assert_eq!(
            check_items(&[("照明完好".to_string(), 0)], &before),
            Err(SettingsError::ItemPoints)
        );
        assert_eq!(check_items(&[], &before), Err(SettingsError::ItemLabels));
        assert_eq!(
            check_items(&[("照明".to_string(), 5), ("照明".to_string(), 5)], &before),
            Err(SettingsError::ItemLabels)
        );
    }

    #[test]
    fn an_item_taken_off_keeps_its_code_for_its_name_and_no_new_item_takes_it() {
        // `before`: every item the community had, those taken off included (item1 was
        // 电动车不进楼道 and was taken off).
        let before = vec![
            ("lights".to_string(), "照明完好".to_string(), 40),
            ("item1".to_string(), "电动车不进楼道".to_string(), 60),
        ];
        let items = check_items(
            &[("楼道灯完好".to_string(), 40), ("电动车不进楼道".to_string(), 50)],
            &before,
        )
        .unwrap();
        assert_eq!(
            items,
            [
                ("item2".to_string(), "楼道灯完好".to_string(), 40),
                ("item1".to_string(), "电动车不进楼道".to_string(), 50)
            ]
        );
    }

    #[test]
    fn checklist_lines_are_a_name_then_points() {
        assert_eq!(
            parse_item_lines("楼梯、扶手干净 20\n\n  照明完好：15分\n无小广告,10").unwrap(),
            [
                ("楼梯、扶手干净".to_string(), 20),
                ("照明完好".to_string(), 15),
                ("无小广告".to_string(), 10)
            ]
        );
        assert_eq!(parse_item_lines("照明完好"), Err(SettingsError::ItemPoints), "no points");
        assert_eq!(parse_item_lines("").unwrap(), []);
    }
}
