//! The demo community's civilized corridors: one per unit, a year of monthly inspections, 57 of
//! them high-standard at the end, the six boards of each with their content (some not changed
//! for over a month, so they show as stale).

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use linli_core::corridors as rules;
use linli_store::corridors::*;
use linli_store::{Conn, Result, Tenant, params};

/// How many of the demo's corridors are high-standard (the seed's figure).
pub const HIGH_STANDARD: usize = 57;

const BOARD_CONTENT: &[(&str, &[(&str, &str)])] = &[
    (
        "party",
        &[
            ("社区党委“创先争优”活动掠影", "联合党委成员走进楼道，与居民面对面听意见。"),
            ("在职党员进社区，服务群众零距离", "20名在职党员到社区报到，每季度参加两次志愿服务。"),
        ],
    ),
    (
        "science",
        &[
            ("冬季取暖小常识", "暖气不热先放气，不要私自改动管线。"),
            ("老年人怎样用好智能手机", "扫码、视频通话、防诈骗，图书馆志愿者每月来教。"),
        ],
    ),
    (
        "safety",
        &[
            ("楼道不堆物，生命通道要畅通", "电动车请到车棚充电，严禁进楼入户。"),
            ("防范电信诈骗“十个凡是”", "凡是让你转账到“安全账户”的，都是诈骗。"),
        ],
    ),
    (
        "family",
        &[
            ("孕产妇免费健康检查通知", "绿苑社区医疗服务站每周二上午提供免费检查。"),
            ("关爱独生子女困难家庭", "社区为困难家庭送去米、面、油和慰问金。"),
        ],
    ),
    (
        "news",
        &[
            ("巷路整修完工", "东安区建设局拉来沙石，3号楼至8号楼巷路已平整。"),
            ("第一中学师生寒假清雪", "40名师生利用寒假为社区清理冰雪和小广告。"),
        ],
    ),
    (
        "community",
        &[
            ("夕阳红文学社诗歌朗诵会", "文学社成员朗诵原创诗歌，邻居们拍手叫好。"),
            ("楼长清雪队在行动", "大雪过后，楼长们清晨就把单元门口清扫干净。"),
        ],
    ),
];

pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    let t = Tenant::new(community_id);
    let today = linli_core::clock::shanghai(now).date();
    ensure(c, t, now)?;
    let corridors: Vec<i64> = c
        .query(
            "SELECT id FROM corridors WHERE community_id = ? ORDER BY building_id, unit_id",
            params![t],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_>>()?;
    let inspector = c
        .query_opt("SELECT id FROM users WHERE username = 'wangge1'", params![])?
        .map(|r| r.int(0))
        .transpose()?;
    let points: Vec<(String, i64)> =
        rules::DEFAULT_ITEMS.iter().map(|i| (i.code.to_string(), i.points)).collect();
    // The inspection days of the last twelve months, the 15th, oldest first.
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(today.year() - 1, today.month(), 15).unwrap_or(today);
    while d <= today {
        if d > today - Days::new(366) {
            days.push(d);
        }
        d = d.checked_add_months(chrono::Months::new(1)).unwrap_or(today + Days::new(1));
    }
    let last3 = days.len().saturating_sub(3);
    for (k, corridor) in corridors.iter().enumerate() {
        for (m, day) in days.iter().enumerate() {
            let failed: Vec<String> = match (k < HIGH_STANDARD, m >= last3) {
                // The high-standard ones: at most one small item in the last three months.
                (true, true) if (k + m) % 4 == 0 => vec!["no_small_ads".into()],
                (true, true) => vec![],
                // The others: the latest inspection finds two items wanting.
                (false, true) if m == days.len() - 1 => {
                    vec![
                        "lights".into(),
                        ["no_clutter", "fire_passage", "stairs_clean"][k % 3].into(),
                    ]
                }
                _ if (k + m) % 5 == 0 => vec!["no_clutter".into(), "lights".into()],
                _ if (k + m) % 3 == 0 => vec!["boards_current".into()],
                _ => vec![],
            };
            let score = rules::score(&points, &failed);
            let stars = rules::stars(score, &rules::DEFAULT_STAR_THRESHOLDS);
            let note =
                if failed.iter().any(|f| f == "lights") { "二楼声控灯不亮" } else { "" };
            add_inspection(
                c, t, *corridor, *day, inspector, score, 100, stars, &failed, note, now,
            )?;
        }
        // The boards: the earlier content, then the current one (every fifth corridor's
        // science board was not changed for over a month).
        for (theme, contents) in BOARD_CONTENT {
            for (v, (title, content)) in contents.iter().enumerate() {
                let back = if v == 0 {
                    70
                } else if *theme == "science" && k % 5 == 0 {
                    45
                } else {
                    10 + (k % 12) as u64
                };
                let on = today - Days::new(back);
                set_board(c, t, *corridor, theme, title, content, on, inspector, now)?;
            }
        }
    }
    Ok(())
}
