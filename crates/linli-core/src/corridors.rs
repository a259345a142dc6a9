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
    Item {
        code: "stairs_clean",
        label: "楼梯、扶手干净",
        points: 20,
    },
    Item {
        code: "no_clutter",
        label: "无堆放杂物",
        points: 20,
    },
    Item {
        code: "boards_current",
        label: "宣传栏内容及时更新",
        points: 15,
    },
    Item {
        code: "lights",
        label: "照明完好",
        points: 15,
    },
    Item {
        code: "no_small_ads",
        label: "无小广告",
        points: 15,
    },
    Item {
        code: "fire_passage",
        label: "消防通道畅通",
        points: 15,
    },
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
    items
        .iter()
        .filter(|(code, _)| !failed.contains(code))
        .map(|(_, p)| p)
        .sum()
}

/// The failed codes that are not items of the checklist.
pub fn unknown<'a>(items: &[(String, i64)], failed: &'a [String]) -> Vec<&'a str> {
    failed
        .iter()
        .filter(|f| !items.iter().any(|(c, _)| c == *f))
        .map(String::as_str)
        .collect()
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

/// Stars as a row of ★ and ☆ (the number is said beside it for screen readers).
pub fn star_text(stars: i64) -> String {
    let n = stars.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<(String, i64)> {
        DEFAULT_ITEMS
            .iter()
            .map(|i| (i.code.to_string(), i.points))
            .collect()
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
        assert!(
            !high_standard(&[3, 5, 5, 5], 4, 3),
            "lost at once by one poor inspection"
        );
        assert!(
            !high_standard(&[5, 5], 4, 3),
            "not yet: two inspections only"
        );
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
}
