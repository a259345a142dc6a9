//! The demo community's volunteers (issue 16): the students who cleared the alley's snow and
//! every other volunteer service of the partner units, now with the names of those who served
//! (the units' activities keep their figures, which are the sum of their volunteers' hours);
//! twenty in-service party members reporting to the community with a year of service; the
//! literary society, the stamp association and the building heads' volunteer team; one paid
//! duty that credits nothing; recordings due and overdue; one certificate and one correction.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use linli_core::volunteers as rules;
use linli_store::partners as partner_store;
use linli_store::volunteers::*;
use linli_store::{Conn, Result, StoreError, Tenant, params};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const STUDENT_GIVEN: &[&str] = &[
    "子涵", "浩然", "梓萱", "宇轩", "欣怡", "博文", "雨桐", "俊杰", "佳琪", "思远", "一诺", "嘉怡",
    "明轩", "诗涵", "天佑", "可馨", "皓轩", "梦瑶", "子墨", "语嫣",
];
const ADULT_GIVEN: &[&str] = &[
    "建国", "丽华", "志强", "秀英", "海涛", "红梅", "立新", "淑珍", "晓东", "春燕", "卫东", "玉芳",
    "国庆", "桂兰", "振华", "敏", "伟", "静", "磊", "娜",
];

/// The `n`-th of a list of generated names: the same names every run.
fn name(given: &[&str], n: usize) -> String {
    let s = SURNAMES[(n * 7 + n / SURNAMES.len()) % SURNAMES.len()];
    let g = given[(n * 3 + n / given.len()) % given.len()];
    format!("{s}{g}")
}

fn partner_id(c: &mut dyn Conn, t: Tenant, name: &str) -> Result<i64> {
    c.count("SELECT id FROM partners WHERE community_id = ? AND name = ?", params![t, name])
}

/// A person of a partner unit registered with consent a week before their first service.
#[allow(clippy::too_many_arguments)]
fn outsider(
    c: &mut dyn Conn,
    t: Tenant,
    name: String,
    partner: i64,
    organisation: &str,
    minor: bool,
    consent_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64> {
    create_volunteer(
        c,
        t,
        &VolunteerInput {
            partner_id: Some(partner),
            name,
            organisation: organisation.into(),
            minor,
            guardian_consent: minor,
            consent_on: consent_on - Days::new(7),
            skills: if minor { "清扫、宣传" } else { "" }.into(),
            availability: if minor { "寒暑假、周末" } else { "周末" }.into(),
            ..VolunteerInput::default()
        },
        None,
        now,
    )
}

/// A resident volunteer (with her consent), or the record she has already.
fn resident_volunteer(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
    name: &str,
    skills: &str,
    consent_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(v) = volunteer_of_resident(c, t, resident_id)? {
        return Ok(v);
    }
    create_volunteer(
        c,
        t,
        &VolunteerInput {
            resident_id: Some(resident_id),
            name: name.into(),
            skills: skills.into(),
            availability: "工作日白天".into(),
            consent_on,
            ..VolunteerInput::default()
        },
        None,
        now,
    )
}

/// Credits each volunteer `tenths` (the first ones one tenth more until `total` is met, when a
/// total is given), recorded three days after the activity (on time).
fn credit_all(
    c: &mut dyn Conn,
    t: Tenant,
    activity_id: i64,
    held: NaiveDate,
    volunteers: &[i64],
    total: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if volunteers.is_empty() {
        return Ok(());
    }
    let n = volunteers.len() as i64;
    let (each, extra) = (total / n, total % n);
    let recorded = held + Days::new(3);
    for (i, v) in volunteers.iter().enumerate() {
        let tenths = each + i64::from((i as i64) < extra);
        let sid = sign_up(c, t, activity_id, *v, now)?;
        if tenths > 0 {
            credit(c, t, sid, tenths, recorded, None, false, "")?;
        }
    }
    Ok(())
}

struct Planned<'a> {
    name: &'a str,
    held: NaiveDate,
    place: &'a str,
    content: &'a str,
    group_id: Option<i64>,
    partner_id: Option<i64>,
    partner_activity_id: Option<i64>,
    organiser: String,
    paid: bool,
}

fn activity(c: &mut dyn Conn, t: Tenant, a: Planned, now: DateTime<Utc>) -> Result<i64> {
    create_activity(
        c,
        t,
        &ActivityInput {
            name: a.name.into(),
            held_on: a.held,
            place: a.place.into(),
            content: a.content.into(),
            group_id: a.group_id,
            partner_id: a.partner_id,
            partner_activity_id: a.partner_activity_id,
            organiser: a.organiser,
            person_in_charge: "米丽芳".into(),
            places: None,
            paid: a.paid,
        },
        None,
        now,
    )
}

/// Residents of the demo population, oldest first from `offset`: group members.
fn residents(c: &mut dyn Conn, t: Tenant, offset: i64, n: i64) -> Result<Vec<(i64, String)>> {
    c.query_map(
        "SELECT id, name FROM residents WHERE community_id = ? AND status = 'active' AND birth_date <= '1966-12-31'
         ORDER BY id LIMIT ? OFFSET ?",
        params![t, n, offset],
        |r| Ok((r.int(0)?, r.text(1)?)),
    )
}

fn resident_named(c: &mut dyn Conn, t: Tenant, name: &str) -> Result<Option<i64>> {
    c.query_opt(
        "SELECT id FROM residents WHERE community_id = ? AND name = ? AND status = 'active' ORDER BY id LIMIT 1",
        params![t, name],
    )?
    .map(|r| r.int(0))
    .transpose()
}

pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    let t = Tenant::new(community_id);
    let today = linli_core::clock::shanghai(now).date();
    let year = today.year();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).ok_or(StoreError::NotFound);
    let committee: String =
        c.query_one("SELECT name FROM places WHERE id = ?", params![t])?.text(0)? + "居民委员会";

    // The partners' volunteer service of the year, now with the names of who served.
    let services = c.query(
        "SELECT x.id, x.partner_id, p.name, x.held_on, x.place, x.note, COALESCE(x.participants, 0), COALESCE(x.hours_tenths, 0)
         FROM partner_activities x JOIN partners p ON p.id = x.partner_id
         WHERE x.community_id = ? AND x.kind = 'volunteer_service' ORDER BY x.held_on, x.id",
        params![t],
    )?;
    let mut students: Vec<i64> = Vec::new();
    let mut pupils: Vec<i64> = Vec::new();
    let mut staff_of: Vec<(String, Vec<i64>)> = Vec::new();
    let mut n_names = 0usize;
    for r in &services {
        let (pa, pid, unit) = (r.int(0)?, r.int(1)?, r.text(2)?);
        let held = linli_core::dates::parse_date(&r.text(3)?).ok_or(StoreError::NotFound)?;
        if held > today {
            continue;
        }
        let (people, tenths) = (r.int(6)?, r.int(7)?);
        let note = r.text(5)?;
        let mut who = Vec::new();
        for i in 0..people as usize {
            let pool = match unit.as_str() {
                "第一中学" => &mut students,
                "Xx小学" => &mut pupils,
                _ => {
                    if !staff_of.iter().any(|(u, _)| *u == unit) {
                        staff_of.push((unit.clone(), Vec::new()));
                    }
                    let Some((_, list)) = staff_of.iter_mut().find(|(u, _)| *u == unit) else {
                        continue;
                    };
                    list
                }
            };
            let v = match pool.get(i) {
                Some(v) => *v,
                None => {
                    n_names += 1;
                    let (v, minor) = match unit.as_str() {
                        "第一中学" => {
                            (name(STUDENT_GIVEN, n_names), ("第一中学初二(3)班", true))
                        }
                        "Xx小学" if i % 6 == 0 => {
                            (name(ADULT_GIVEN, n_names), ("Xx小学教师", false))
                        }
                        "Xx小学" => (name(STUDENT_GIVEN, n_names), ("Xx小学五年级", true)),
                        _ => (name(ADULT_GIVEN, n_names), ("", false)),
                    };
                    let id = outsider(c, t, v, pid, minor.0, minor.1, held, now)?;
                    pool.push(id);
                    id
                }
            };
            who.push(v);
        }
        let aid = activity(
            c,
            t,
            Planned {
                name: &note,
                held,
                place: &r.text(4)?,
                content: &note,
                group_id: None,
                partner_id: Some(pid),
                partner_activity_id: Some(pa),
                organiser: unit.clone(),
                paid: false,
            },
            now,
        )?;
        credit_all(c, t, aid, held, &who, tenths, now)?;
        let (n, sum) = activity_figures(c, t, aid)?;
        partner_store::set_activity_figures(c, t, pa, n, sum)?;
    }

    // Twenty in-service party members of the partner units report to the community.
    let units: [(&str, &str, usize); 8] = [
        ("市电业局", "市电业局机关第二党支部", 2),
        ("东安区供电局", "供电局营销党支部", 3),
        ("东安区税务局", "东安区税务局党支部", 3),
        ("东安派出所", "东安派出所党支部", 3),
        ("市自来水公司东安营业所", "自来水公司东安营业所党支部", 2),
        ("东安区图书馆", "东安区文化系统党支部", 3),
        ("东安区建设局", "东安区建设局机关党支部", 2),
        ("绿苑社区医疗服务站", "东安区卫生系统第三党支部", 2),
    ];
    let offers = ["义务维修", "政策宣讲", "法律咨询", "读书辅导", "健康咨询", "清扫清雪"];
    let mut members: Vec<i64> = Vec::new();
    for (unit, branch, n) in units {
        let pid = partner_id(c, t, unit)?;
        let staff: Vec<i64> =
            staff_of.iter().find(|(u, _)| u == unit).map(|(_, l)| l.clone()).unwrap_or_default();
        for i in 0..n {
            let reported = if members.len() == 19 {
                day(5, 10)?
            } else {
                NaiveDate::from_ymd_opt(year - 1, 3, 1).ok_or(StoreError::NotFound)?
            };
            let vid = match staff.get(i) {
                Some(v) => *v,
                None => {
                    n_names += 1;
                    outsider(c, t, name(ADULT_GIVEN, n_names), pid, "", false, reported, now)?
                }
            };
            let v = get_volunteer(c, t, vid)?;
            create_party_member(
                c,
                t,
                &PartyInput {
                    volunteer_id: vid,
                    resident_id: None,
                    partner_id: Some(pid),
                    name: v.name,
                    unit_name: String::new(),
                    branch: branch.into(),
                    offer: offers[members.len() % offers.len()].into(),
                    reported_on: reported,
                },
                now,
            )?;
            members.push(vid);
        }
    }
    // Their service: the community's monthly corridor and elder-care days. Most come twice a
    // quarter; a few miss some, so the sheet shows who falls short.
    let monthly = [
        (1, 10, "在职党员进社区·清理楼道积雪", "3号楼至8号楼"),
        // Not 元宵 by date: the lantern festival moves with the lunar calendar (2026-03-03).
        (2, 10, "在职党员进社区·迎新春走访空巢老人", "各楼栋"),
        (3, 14, "在职党员进社区·学雷锋义务服务", "社区广场"),
        (4, 11, "在职党员进社区·楼道小广告清理", "各楼道"),
        (5, 9, "在职党员进社区·防诈骗入户宣传", "1号楼至10号楼"),
        (6, 13, "在职党员进社区·文明楼道布置", "各楼道"),
        (7, 11, "在职党员进社区·暑期护学", "Xx小学门口"),
        (8, 8, "在职党员进社区·陪老人看病", "绿苑社区医疗服务站"),
        (9, 12, "在职党员进社区·敬老月送温暖", "社区活动中心"),
        (10, 17, "在职党员进社区·重阳节探望", "各楼栋"),
        (11, 14, "在职党员进社区·冬季安全检查", "各楼道"),
    ];
    for (k, (m, d, title, place)) in monthly.iter().enumerate() {
        let held = day(*m, *d)?;
        if held > today {
            continue;
        }
        let aid = activity(
            c,
            t,
            Planned {
                name: title,
                held,
                place,
                content: title,
                group_id: None,
                partner_id: None,
                partner_activity_id: None,
                organiser: committee.clone(),
                paid: false,
            },
            now,
        )?;
        let who: Vec<i64> = members
            .iter()
            .enumerate()
            // Members 3 and 11 come only every other month; 17 stops after the summer.
            .filter(|(i, _)| match i {
                3 | 11 => k % 2 == 0,
                17 => *m <= 7,
                _ => (i + k) % 5 != 0,
            })
            .map(|(_, v)| *v)
            .collect();
        let total = who.len() as i64 * 20;
        credit_all(c, t, aid, held, &who, total, now)?;
    }

    // The groups and their members.
    let groups = [
        ("夕阳红文学社", "literary", "每周三下午在社区图书室读书、写作", 0i64, 12i64),
        ("集邮协会", "stamps", "每月第一个周日交流藏品，办红色邮票展", 12, 8),
        ("楼长志愿服务队", "volunteer_team", "各楼楼长组成，协助清雪、安全检查和入户走访", 20, 10),
    ];
    let mut group_ids = Vec::new();
    for (gname, kind, note, offset, n) in groups {
        let gid = create_group(c, t, gname, kind, note, now)?;
        let mut people = residents(c, t, offset, n)?;
        // The leader first, and once: a second add would write her again as a plain member.
        let leader = match kind {
            "literary" => Some("陈玉兰"),
            "volunteer_team" => Some("米丽芳"),
            _ => None,
        };
        if let Some(name) = leader
            && let Some(rid) = resident_named(c, t, name)?
        {
            people.retain(|(r, _)| *r != rid);
            people.insert(0, (rid, name.into()));
        }
        for (i, (rid, _)) in people.iter().enumerate() {
            add_member(c, t, gid, *rid, i == 0, crate::iso(&format!("{}-03-01", year - 2))?)?;
        }
        group_ids.push((gid, people));
    }
    let group_service = [
        (0usize, 3, 18, "文学社为空巢老人读报", "社区日间照料中心", 6usize, 15i64),
        (0, 10, 22, "文学社重阳诗会暨为老人读报", "社区活动中心", 8, 20),
        (1, 7, 1, "红色邮票展志愿讲解", "社区党校教室", 5, 30),
        (2, 1, 12, "楼长清雪队清理单元门口积雪", "1号楼至20号楼", 10, 25),
        (2, 6, 20, "楼长入户消防安全检查", "各楼道", 10, 30),
    ];
    for (g, m, d, title, place, n, each) in group_service {
        let held = day(m, d)?;
        if held > today {
            continue;
        }
        let (gid, people) = &group_ids[g];
        let aid = activity(
            c,
            t,
            Planned {
                name: title,
                held,
                place,
                content: title,
                group_id: Some(*gid),
                partner_id: None,
                partner_activity_id: None,
                organiser: committee.clone(),
                paid: false,
            },
            now,
        )?;
        let mut who = Vec::new();
        for (rid, rname) in people.iter().take(n) {
            who.push(resident_volunteer(
                c,
                t,
                *rid,
                rname,
                "读报、陪伴",
                held - Days::new(10),
                now,
            )?);
        }
        credit_all(c, t, aid, held, &who, each * who.len() as i64, now)?;
    }

    // A paid duty: recorded for the books, credits nothing (§19).
    let duty = day(6, 1)?;
    if duty <= today {
        activity(
            c,
            t,
            Planned {
                name: "防汛值班（发放值班补贴）",
                held: duty,
                place: "社区居委会",
                content: "汛期夜间值班，按规定发放补贴，不计志愿服务时长",
                group_id: None,
                partner_id: None,
                partner_activity_id: None,
                organiser: committee.clone(),
                paid: true,
            },
            now,
        )?;
    }

    // Recordings still to do: the last snow clearing (due) and a lecture's ushers (overdue).
    let team = &group_ids[2].1;
    for (back, title, n, checked) in
        [(2u64, "社区冬季清雪", 6usize, 2usize), (23, "健康讲座引导员", 3, 0)]
    {
        let held = today - Days::new(back);
        if held.year() != year {
            continue;
        }
        let aid = activity(
            c,
            t,
            Planned {
                name: title,
                held,
                place: "社区主干道",
                content: title,
                group_id: Some(group_ids[2].0),
                partner_id: None,
                partner_activity_id: None,
                organiser: committee.clone(),
                paid: false,
            },
            now,
        )?;
        for (i, (rid, rname)) in team.iter().take(n).enumerate() {
            let v = resident_volunteer(c, t, *rid, rname, "清雪、巡查", held, now)?;
            let sid = sign_up(c, t, aid, v, now)?;
            if i < checked {
                set_times(c, t, sid, Some(&format!("{held} 07:30")), None)?;
            }
        }
    }

    // A 社会实践证明 for the first student of 第一中学, and a correction she asked for.
    if let Some(&first) = students.first() {
        let v = get_volunteer(c, t, first)?;
        let from = format!("{year}-01-01");
        let to = (today - Days::new(7)).to_string();
        let svc = services_of_volunteer(c, t, first, &from, &to)?;
        let credited: Vec<&Service> = svc.iter().filter(|s| s.hours_tenths.is_some()).collect();
        if !credited.is_empty() {
            let tenths: i64 = credited.iter().filter_map(|s| s.hours_tenths).sum();
            let lines = credited
                .iter()
                .map(|s| {
                    format!(
                        "{}\t{}\t{}",
                        s.held_on,
                        s.activity_name,
                        rules::hours_text(s.hours_tenths.unwrap_or(0))
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            add_certificate(
                c,
                t,
                &Certificate {
                    id: 0,
                    volunteer_id: first,
                    code: DEMO_CERTIFICATE_CODE.into(),
                    volunteer_name: v.name.clone(),
                    period_from: from,
                    period_to: to.clone(),
                    hours_tenths: tenths,
                    services: credited.len() as i64,
                    activities: lines,
                    issuer: committee.clone(),
                    issued_on: today - Days::new(7),
                },
                None,
                now,
            )?;
        }
        ask_correction(
            c,
            t,
            first,
            "organisation",
            &v.organisation,
            "第一中学初三(3)班",
            "升入初三，班级变了",
            None,
            now,
        )?;
    }
    Ok(())
}

/// The demo certificate's verification code (printed in the README's tour).
pub const DEMO_CERTIFICATE_CODE: &str = "K7QM3XPA2D9F";
