//! The demo community's learning records (called once by [`crate::populate_demo`]).
//!
//! Years of classes that add up to about the seed's figures: some 2000 vocational completions
//! (人次) by about a thousand people, more than nine in ten of them in work afterwards, some
//! 600 placed by the station, and a few dozen nobody has asked about (unknown). Plus elderly
//! university terms and party lectures, which count toward none of those.

use chrono::{DateTime, NaiveDate, Utc};
use linli_core::learning as rules;
use linli_store::learning::*;
use linli_store::{Conn, Result, Value, now_text, params};

/// A small deterministic generator: the demo is the same every time.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const ROWS: usize = 150;

/// Multi-row INSERT of `rows` (each `width` values) into `table (columns)`.
fn bulk(
    c: &mut dyn Conn,
    table: &str,
    columns: &str,
    width: usize,
    rows: &[Vec<Value>],
) -> Result<()> {
    for chunk in rows.chunks(ROWS) {
        let one = format!("({})", vec!["?"; width].join(", "));
        let values = vec![one; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().flatten().cloned().collect();
        c.execute(&format!("INSERT INTO {table} ({columns}) VALUES {values}"), &args)?;
    }
    Ok(())
}

fn d(s: NaiveDate) -> String {
    s.format("%Y-%m-%d").to_string()
}

struct Plan {
    name: &'static str,
    category: &'static str,
    vocational: bool,
    venue: usize,
    month: u32,
    sessions: u32,
    capacity: i64,
    teacher: &'static str,
    topics: &'static [&'static str],
}

const COMPUTER: &[&str] = &[
    "认识电脑",
    "键盘与打字",
    "Windows 文件管理",
    "Word 文字处理",
    "Excel 表格入门",
    "上网与电子邮件",
    "网上求职",
    "综合练习",
    "结业考核",
    "复习答疑",
];
const EMBROIDERY: &[&str] = &[
    "针法基础",
    "平绣",
    "乱针绣",
    "花鸟图样",
    "配色",
    "小件成品",
    "作品设计",
    "作品完成",
    "作品点评",
    "结业展示",
];
const HOUSEKEEPING: &[&str] = &[
    "职业道德",
    "居家保洁",
    "家庭烹饪",
    "老人照护",
    "婴幼儿照护",
    "安全常识",
    "实操练习",
    "结业考核",
];
const PARTY: &[&str] = &["学习党章", "形势与政策", "社区治理", "优秀党员事迹"];
const ELDER: &[&str] = &[
    "书法入门",
    "楷书笔画",
    "结构练习",
    "作品临摹",
    "合唱发声",
    "节奏练习",
    "曲目排练",
    "汇报演出",
];

#[allow(clippy::too_many_lines)]
pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    if c.count("SELECT COUNT(*) FROM courses WHERE community_id = ?", params![community_id])? > 0 {
        return Ok(());
    }
    let at = now_text(now);
    let today = linli_core::clock::shanghai(now).date();
    let worker = c
        .query_opt("SELECT id FROM users WHERE username = 'wangge1'", params![])?
        .map(|r| r.int(0))
        .transpose()?;
    let mut g = Lcg(20_111_018);
    let venue_rows: [(&str, &str, &str, i64); 5] = [
        ("社区党校", "party_school", "党群服务中心三楼", 60),
        ("社区课堂", "classroom", "党群服务中心二楼 电脑室", 40),
        ("老年大学", "elderly_university", "老年活动中心", 50),
        ("图书室", "reading_room", "党群服务中心一楼", 30),
        ("民生课堂", "livelihood", "党群服务中心二楼 多功能厅", 45),
    ];
    let mut venues = Vec::new();
    for (name, kind, room, cap) in venue_rows {
        venues.push(create_venue(
            c,
            linli_store::Tenant::new(community_id),
            name,
            kind,
            room,
            Some(cap),
            "Xx社区党群服务中心",
            now,
        )?);
    }
    // Working-age residents are the trainees; older residents fill the elderly university.
    let ids = |c: &mut dyn Conn, sql: &str| -> Result<Vec<i64>> {
        c.query(sql, params![community_id])?.iter().map(|r| r.int(0)).collect()
    };
    let workers = ids(
        c,
        "SELECT id FROM residents WHERE community_id = ? AND status = 'active' AND birth_date >= '1962-01-01' AND birth_date <= '1998-12-31' ORDER BY id",
    )?;
    let elders = ids(
        c,
        "SELECT id FROM residents WHERE community_id = ? AND status = 'active' AND birth_date < '1962-01-01' ORDER BY id",
    )?;
    if workers.len() < 100 {
        return Ok(());
    }
    let teacher = c
        .query_opt(
            "SELECT id FROM residents WHERE community_id = ? AND name = '陈玉兰'",
            params![community_id],
        )?
        .map(|r| r.int(0))
        .transpose()?;
    // About 1,050 distinct trainees, many of whom take a second course.
    let pool: Vec<i64> =
        workers.iter().step_by((workers.len() / 1050).max(1)).copied().take(1050).collect();
    let employers: [(&str, &str); 10] = [
        ("东安商贸城", "理货员"),
        ("Xx区人民医院", "护工"),
        ("顺心家政服务公司", "家政服务员"),
        ("Xx物业管理公司", "保洁员"),
        ("锦绣坊刺绣工作室", "绣工"),
        ("东安街道社区卫生服务中心", "导医"),
        ("恒达电脑城", "销售员"),
        ("鑫源超市", "收银员"),
        ("平安快递东安站", "分拣员"),
        ("Xx小学", "食堂帮厨"),
    ];
    // 夏胜林, recommended to the first re-employment class in April 2011 (the seed's story).
    let xia = c
        .query_opt(
            "SELECT id FROM residents WHERE community_id = ? AND name = '夏胜林'",
            params![community_id],
        )?
        .map(|r| r.int(0))
        .transpose()?;
    let mut enrol_rows: Vec<Vec<Value>> = Vec::new();
    let mut attend_rows: Vec<Vec<Value>> = Vec::new();
    // resident -> earliest completed vocational course start
    // Every completed vocational enrolment: (resident, course end).
    let mut trained: Vec<(i64, NaiveDate)> = Vec::new();
    // Vocational courses still running: where the demo's sign-up requests wait.
    let mut running_vocational: Vec<i64> = Vec::new();
    let mut cursor = 0usize;
    let first_year = 2011;
    let this_year = today.format("%Y").to_string().parse::<i32>().unwrap_or(2026);
    for year in first_year..=this_year {
        let mut plans: Vec<Plan> = Vec::new();
        if year == 2011 {
            plans.push(Plan {
                name: "再就业培训班（电脑操作）",
                category: "livelihood",
                vocational: true,
                venue: 4,
                month: 4,
                sessions: 10,
                capacity: 40,
                teacher: "区职业培训中心",
                topics: COMPUTER,
            });
        } else {
            plans.push(Plan {
                name: "电脑操作培训班（春季）",
                category: "vocational_training",
                vocational: true,
                venue: 1,
                month: 3,
                sessions: 10,
                capacity: 40,
                teacher: "区职业培训中心",
                topics: COMPUTER,
            });
            plans.push(Plan {
                name: "刺绣技能培训班（春季）",
                category: "vocational_training",
                vocational: true,
                venue: 4,
                month: 4,
                sessions: 10,
                capacity: 35,
                teacher: "",
                topics: EMBROIDERY,
            });
            plans.push(Plan {
                name: "家政服务培训班",
                category: "livelihood",
                vocational: true,
                venue: 4,
                month: 6,
                sessions: 8,
                capacity: 40,
                teacher: "顺心家政服务公司",
                topics: HOUSEKEEPING,
            });
            plans.push(Plan {
                name: "电脑操作培训班（秋季）",
                category: "vocational_training",
                vocational: true,
                venue: 1,
                month: 9,
                sessions: 10,
                capacity: 40,
                teacher: "区职业培训中心",
                topics: COMPUTER,
            });
            plans.push(Plan {
                name: "刺绣技能培训班（秋季）",
                category: "vocational_training",
                vocational: true,
                venue: 4,
                month: 10,
                sessions: 10,
                capacity: 35,
                teacher: "",
                topics: EMBROIDERY,
            });
        }
        plans.push(Plan {
            name: "党员冬训专题党课",
            category: "party_study",
            vocational: false,
            venue: 0,
            month: 1,
            sessions: 4,
            capacity: 60,
            teacher: "街道党工委",
            topics: PARTY,
        });
        plans.push(Plan {
            name: "老年大学书法合唱班",
            category: "elderly_university",
            vocational: false,
            venue: 2,
            month: 3,
            sessions: 8,
            capacity: 50,
            teacher: "老年大学志愿教师",
            topics: ELDER,
        });
        for p in &plans {
            let Some(start) = NaiveDate::from_ymd_opt(year, p.month, 6) else {
                continue;
            };
            // Weekly sessions.
            let dates: Vec<NaiveDate> = (0..p.sessions)
                .filter_map(|i| start.checked_add_days(chrono::Days::new(u64::from(i) * 7)))
                .collect();
            let Some(end) = dates.last().copied() else {
                continue;
            };
            if start > today {
                continue;
            }
            let running = end >= today;
            let teacher_is_resident = p.teacher.is_empty();
            let course_id = c.insert(
                "INSERT INTO courses (community_id, venue_id, name, category, vocational, teacher_kind, teacher_resident_id, teacher_name,
                     starts_on, ends_on, capacity, eligibility, completion_percent, description, listed, created_by, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 80, ?, 1, ?, ?) RETURNING id",
                params![
                    community_id,
                    venues.get(p.venue).copied(),
                    format!("{year}年{}", p.name),
                    p.category,
                    p.vocational,
                    if teacher_is_resident { "resident" } else if p.teacher.contains("公司") { "partner" } else { "outside" },
                    if teacher_is_resident { teacher } else { None },
                    if teacher_is_resident { "陈玉兰" } else { p.teacher },
                    d(start),
                    d(end),
                    p.capacity,
                    if p.vocational { "下岗失业人员、未就业青年优先" } else { "" },
                    if p.vocational { "结业后由社区满意中介服务站推荐就业" } else { "" },
                    worker,
                    at.clone()
                ],
            )?;
            if running && p.vocational {
                running_vocational.push(course_id);
            }
            let mut sessions = Vec::new();
            // The whole schedule is entered ahead; attendance only for sessions held.
            for (i, day) in dates.iter().enumerate() {
                let topic = p.topics.get(i % p.topics.len().max(1)).copied().unwrap_or("");
                let id = c.insert(
                    "INSERT INTO course_sessions (community_id, course_id, held_on, starts_at, ends_at, topic, created_at) VALUES (?, ?, ?, '14:30', '16:30', ?, ?) RETURNING id",
                    params![community_id, course_id, d(*day), topic, at.clone()],
                )?;
                if *day <= today {
                    sessions.push(id);
                }
            }
            // Who comes: trainees from the pool (walking through it, so most people take
            // one or two courses), elders for the elderly university, anyone for lectures.
            let n = (p.capacity - (g.below(4) as i64)).max(1) as usize;
            let people: Vec<i64> = match p.category {
                "elderly_university" if !elders.is_empty() => (0..n)
                    .filter_map(|_| elders.get(g.below(elders.len() as u64) as usize).copied())
                    .collect(),
                "party_study" => (0..n)
                    .filter_map(|_| workers.get(g.below(workers.len() as u64) as usize).copied())
                    .collect(),
                _ => (0..n)
                    .filter_map(|_| {
                        cursor += 1;
                        pool.get(cursor % pool.len()).copied()
                    })
                    .collect(),
            };
            let mut seen = std::collections::BTreeSet::new();
            let story = if year == 2011 { xia } else { None };
            for rid in story.into_iter().chain(people) {
                if !seen.insert(rid) {
                    continue;
                }
                // 88% attend enough; the rest drift away after a few sessions.
                let keen = Some(rid) == story || g.chance(88);
                let mut attended = 0u32;
                for (i, s) in sessions.iter().enumerate() {
                    let here = if Some(rid) == story {
                        true
                    } else if keen {
                        g.chance(93)
                    } else {
                        i < 3 && g.chance(70)
                    };
                    if here {
                        attended += 1;
                        attend_rows.push(vec![
                            community_id.into(),
                            (*s).into(),
                            rid.into(),
                            (if g.chance(70) { "roll_call" } else { "paper" }).into(),
                            worker.into(),
                            at.clone().into(),
                        ]);
                    }
                }
                let done = !running && rules::meets_completion(attended, sessions.len() as u32, 80);
                let status = if running {
                    "enrolled"
                } else if done {
                    "completed"
                } else {
                    "dropped"
                };
                enrol_rows.push(vec![
                    community_id.into(),
                    course_id.into(),
                    rid.into(),
                    status.into(),
                    "staff".into(),
                    d(start - chrono::Days::new(10)).into(),
                    (if done { Some(d(end)) } else { None }).into(),
                    worker.into(),
                    at.clone().into(),
                ]);
                if done && p.vocational {
                    trained.push((rid, end));
                }
            }
        }
    }
    bulk(
        c,
        "enrolments",
        "community_id, course_id, resident_id, status, via, enrolled_on, completed_on, created_by, created_at",
        9,
        &enrol_rows,
    )?;
    bulk(
        c,
        "attendance",
        "community_id, session_id, resident_id, source, recorded_by, recorded_at",
        6,
        &attend_rows,
    )?;
    // Two requests from the public catalogue waiting for a worker: one from a resident on
    // the registry (to match), one from someone the registry does not know yet.
    if let Some(course_id) = running_vocational.last().copied() {
        let known = match pool.first() {
            Some(rid) => c.query_opt(
                "SELECT r.name, COALESCE(b.name, '') || COALESCE(u.name, '') FROM residents r
                 LEFT JOIN places b ON b.id = r.building_id LEFT JOIN places u ON u.id = r.unit_id WHERE r.id = ?",
                params![*rid],
            )?,
            None => None,
        };
        let mut requests = vec![(
            "刘桂芝".to_string(),
            "13604531234".to_string(),
            "12号楼3单元".to_string(),
            "想学电脑，下午有空",
        )];
        if let Some(r) = known {
            requests.insert(0, (r.text(0)?, "13904537788".to_string(), r.text(1)?, ""));
        }
        for (i, (name, phone, address, note)) in requests.into_iter().enumerate() {
            c.execute(
                "INSERT INTO course_signups (community_id, course_id, name, phone, address, note, status, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                params![community_id, course_id, name, phone, address, note, now_text(now - chrono::Duration::hours(20 - 3 * i as i64))],
            )?;
        }
    }

    // The station: after ~92% of completed courses the trainee finds work (a trainee back
    // for a second course years later usually lost the first job), about two in five
    // through the station; the rest were asked (not employed yet) or never reached.
    let mut follow_rows: Vec<Vec<Value>> = Vec::new();
    let mut placed = 0usize;
    for (rid, course_end) in &trained {
        let roll = g.below(100);
        if roll < 92 {
            let via = Some(*rid) == xia || g.chance(38);
            let (employer, job) = employers
                .get(g.below(employers.len() as u64) as usize)
                .copied()
                .unwrap_or(("东安商贸城", "理货员"));
            let begins = *course_end + chrono::Days::new(g.below(60));
            if begins > today {
                continue;
            }
            let contract = ["labour", "labour", "fixed_term", "part_time", "flexible"]
                .get(g.below(5) as usize)
                .copied()
                .unwrap_or("labour");
            let pid = c.insert(
                "INSERT INTO placements (community_id, resident_id, employer, job, starts_on, contract_type, via_station, note, created_by, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id",
                params![community_id, *rid, employer, job, d(begins), contract, via, worker, at.clone()],
            )?;
            placed += 1;
            // Follow-ups that are due by now; most still in work, a few left, a few unreachable.
            for (m, due) in rules::followup_schedule(begins) {
                if due >= today || g.chance(2) {
                    break;
                }
                let outcome = match g.below(100) {
                    0..=86 => "employed",
                    87..=93 => "left",
                    _ => "unknown",
                };
                follow_rows.push(vec![
                    community_id.into(),
                    pid.into(),
                    (*rid).into(),
                    d(due + chrono::Days::new(g.below(4))).into(),
                    outcome.into(),
                    format!("{m}个月回访").into(),
                    worker.into(),
                    at.clone().into(),
                ]);
                if outcome == "left" {
                    break;
                }
            }
        } else if roll < 96 {
            follow_rows.push(vec![
                community_id.into(),
                Value::Null,
                (*rid).into(),
                d(*course_end + chrono::Days::new(30)).into(),
                "not_employed".into(),
                "结业回访：仍在求职".into(),
                worker.into(),
                at.clone().into(),
            ]);
        }
        // else: nobody asked — unknown.
    }
    // A few placements a month old and not yet called: the home page's follow-ups this week.
    for (i, rid) in pool.iter().rev().take(4).enumerate() {
        let begins =
            today - chrono::Months::new(1) - chrono::Days::new(2) + chrono::Days::new(i as u64);
        let (employer, job) = employers.get(i).copied().unwrap_or(("东安商贸城", "理货员"));
        c.insert(
            "INSERT INTO placements (community_id, resident_id, employer, job, starts_on, contract_type, via_station, note, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, 'labour', 1, '', ?, ?) RETURNING id",
            params![community_id, *rid, employer, job, d(begins), worker, at.clone()],
        )?;
        placed += 1;
    }
    bulk(
        c,
        "followups",
        "community_id, placement_id, resident_id, followed_on, outcome, note, created_by, created_at",
        8,
        &follow_rows,
    )?;
    tracing::debug!(placed, "demo placements");

    // Job seekers still looking, and the openings on the station's board.
    let mut seeker_rows: Vec<Vec<Value>> = Vec::new();
    let skills = [
        "电脑操作、打字",
        "刺绣、缝纫",
        "家政、做饭",
        "驾驶（C1）",
        "收银、电脑操作",
        "保洁",
        "育婴、家政",
    ];
    let wishes = ["文员", "绣工", "家政服务员", "司机", "收银员", "保洁员", "育婴员"];
    for (i, rid) in workers.iter().rev().step_by(37).take(28).enumerate() {
        let k = i % skills.len();
        seeker_rows.push(vec![
            community_id.into(),
            (*rid).into(),
            skills.get(k).copied().unwrap_or("").into(),
            wishes.get(k).copied().unwrap_or("").into(),
            (if i % 3 == 0 { "part_time" } else { "full_time" }).into(),
            Value::Int(3 + (i as i64 % 4) * 3),
            "seeking".into(),
            "".into(),
            d(today - chrono::Days::new(i as u64 * 5)).into(),
            at.clone().into(),
        ]);
    }
    bulk(
        c,
        "job_seekers",
        "community_id, resident_id, skills, wishes, hours, max_km, status, note, registered_on, created_at",
        10,
        &seeker_rows,
    )?;
    let openings: [(&str, &str, &str, &str, &str, i64, i64); 8] = [
        ("鑫源超市", "收银员", "收银、电脑操作", "月薪3200元起", "shifts", 1, 3),
        ("顺心家政服务公司", "家政服务员", "家政、做饭", "时薪35元", "part_time", 4, 5),
        ("锦绣坊刺绣工作室", "绣工", "刺绣", "计件，月均3500元", "full_time", 2, 2),
        ("Xx物业管理公司", "保洁员", "保洁", "月薪2800元，含社保", "full_time", 1, 3),
        ("恒达电脑城", "门店文员", "电脑操作、打字", "月薪3500元", "full_time", 6, 1),
        ("平安快递东安站", "分拣员", "", "月薪4000元", "shifts", 8, 4),
        ("Xx区人民医院", "护工", "照护", "月薪4200元", "shifts", 5, 2),
        ("东安街道社区卫生服务中心", "导医", "电脑操作", "月薪3000元", "full_time", 2, 1),
    ];
    for (i, (employer, job, req, pay, hours, km, slots)) in openings.iter().enumerate() {
        c.insert(
            "INSERT INTO openings (community_id, employer, job, requirements, pay, hours, place, distance_km, slots, status, posted_on, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
            params![community_id, *employer, *job, *req, *pay, *hours, format!("距社区约{km}公里"), *km, *slots, d(today - chrono::Days::new(i as u64 * 6)), at.clone()],
        )?;
    }
    Ok(())
}
