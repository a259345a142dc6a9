//! The demo community's partner units, agreements, joint committee, lists and issue reports.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::partners::{AffairStep, DEFAULT_CATEGORIES, Rating};
use linli_store::affairs::*;
use linli_store::partners::*;
use linli_store::{Conn, Result, Tenant, params};

struct DemoPartner {
    name: &'static str,
    kind: &'static str,
    address: &'static str,
    party_org: &'static str,
}

const DEMO_PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "市电业局",
        kind: "state_enterprise",
        address: "市中心路18号",
        party_org: "市电业局机关党委",
    },
    DemoPartner {
        name: "第一中学",
        kind: "school",
        address: "东安区学府路2号",
        party_org: "第一中学党总支",
    },
    DemoPartner {
        name: "Xx小学",
        kind: "school",
        address: "Xx社区南门外",
        party_org: "Xx小学党支部",
    },
    DemoPartner {
        name: "东安区建设局",
        kind: "government",
        address: "东安区政务中心3楼",
        party_org: "东安区建设局机关党支部",
    },
    DemoPartner {
        name: "东安区供电局",
        kind: "state_enterprise",
        address: "东安区电力路6号",
        party_org: "东安区供电局党委",
    },
    DemoPartner {
        name: "东安区城管局",
        kind: "government",
        address: "东安区政务中心5楼",
        party_org: "东安区城管局机关党支部",
    },
    DemoPartner {
        name: "绿苑社区医疗服务站",
        kind: "hospital",
        address: "Xx社区12号楼底商",
        party_org: "绿苑社区卫生服务中心党支部",
    },
    DemoPartner {
        name: "东安区税务局",
        kind: "government",
        address: "东安区政务中心2楼",
        party_org: "东安区税务局党支部",
    },
    DemoPartner {
        name: "东安派出所",
        kind: "government",
        address: "东安街道平安路1号",
        party_org: "东安派出所党支部",
    },
    DemoPartner {
        name: "市自来水公司东安营业所",
        kind: "state_enterprise",
        address: "东安区水源街9号",
        party_org: "东安营业所党支部",
    },
    DemoPartner {
        name: "东安区图书馆",
        kind: "government",
        address: "东安区文化宫旁",
        party_org: "东安区文化系统党支部",
    },
    DemoPartner {
        name: "邻家好超市", kind: "business", address: "Xx社区北门", party_org: ""
    },
];

fn demo_id(c: &mut dyn Conn, community_id: i64, name: &str) -> Result<i64> {
    c.count(
        "SELECT id FROM partners WHERE community_id = ? AND name = ?",
        params![community_id, name],
    )
}

/// The demo community's partners records (called once by [`crate::populate_demo`]): the seed's
/// units with agreements since 2011, the joint committee formed this year, the clinic's
/// lectures and exam, the students' snow clearing, and the alley from report to rating.
pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    let year = linli_core::clock::shanghai(now).date().year();
    let y = |m: u32, d: u32| format!("{year}-{m:02}-{d:02}");
    let yd = |m: u32, d: u32| crate::iso(&y(m, d));
    for p in DEMO_PARTNERS {
        let id = create_partner(
            c,
            Tenant::new(community_id),
            &PartnerInput {
                name: p.name.into(),
                kind: p.kind.into(),
                address: p.address.into(),
                party_org: p.party_org.into(),
                note: String::new(),
            },
            now,
        )?;
        // Signed in 2011 for five years and renewed every five years since (the history
        // stays); the latest renewal runs three years from January, except for two units whose
        // one-year agreement ends this December, so the dashboard warns about them.
        let commitments: Vec<(String, i64)> = match p.name {
            "绿苑社区医疗服务站" => {
                vec![("health_lecture".into(), 6), ("physical_exam".into(), 1)]
            }
            "第一中学" | "Xx小学" => vec![("volunteer_service".into(), 200)],
            "东安区建设局" | "东安区城管局" => vec![("repair".into(), 2)],
            _ => vec![("volunteer_service".into(), 40)],
        };
        let latest_to = if matches!(p.name, "东安区税务局" | "邻家好超市") {
            format!("{year}-12-31")
        } else {
            format!("{}-12-31", year + 2)
        };
        let mut renews = None;
        for (from, to) in [
            ("2011-03-01".to_string(), "2015-12-31".to_string()),
            ("2016-01-01".to_string(), "2020-12-31".to_string()),
            ("2021-01-01".to_string(), format!("{}-12-31", year - 1)),
            (format!("{year}-01-01"), latest_to),
        ] {
            let aid = create_agreement(
                c,
                Tenant::new(community_id),
                &AgreementInput {
                    partner_id: id,
                    signed_on: crate::iso(&from)?,
                    valid_from: from.clone(),
                    valid_to: to.clone(),
                    parties: format!(
                        "中共Xx社区委员会、{}",
                        if p.party_org.is_empty() { p.name } else { p.party_org }
                    ),
                    body: "双方本着资源共享、优势互补、共驻共建的原则，签订本协议。".into(),
                    renews_id: renews,
                    commitments: commitments.clone(),
                },
                None,
                now,
            )?;
            renews = Some(aid);
        }
    }
    let clinic = demo_id(c, community_id, "绿苑社区医疗服务站")?;
    let school = demo_id(c, community_id, "第一中学")?;
    let primary = demo_id(c, community_id, "Xx小学")?;
    let bureau = demo_id(c, community_id, "东安区建设局")?;
    let power = demo_id(c, community_id, "东安区供电局")?;
    let city = demo_id(c, community_id, "东安区城管局")?;
    // The liaison account belongs to the clinic (刘医生).
    c.execute(
        "UPDATE grants SET partner_id = ? WHERE role = 'partner' AND user_id IN (SELECT id FROM users WHERE username = 'gongjian')",
        params![clinic],
    )?;
    let act = |c: &mut dyn Conn,
               partner_id: i64,
               kind: &str,
               on: String,
               place: &str,
               participants: i64,
               hours: Option<i64>,
               note: &str| {
        add_activity(
            c,
            Tenant::new(community_id),
            &ActivityInput {
                partner_id,
                kind: kind.into(),
                on: crate::iso(&on)?,
                place: place.into(),
                participants: Some(participants),
                hours_tenths: hours,
                // Who the clinic's work reached (the other units serve everyone).
                residents_served: match kind {
                    "health_lecture" => "辖区中老年居民".into(),
                    "physical_exam" => "辖区60岁以上老人".into(),
                    _ => String::new(),
                },
                note: note.into(),
            },
            None,
            now,
        )
    };
    let lectures = [
        (1, 18, "冬季心脑血管疾病预防"),
        (3, 21, "高血压的家庭管理"),
        (5, 16, "糖尿病饮食指导"),
        (7, 11, "夏季防暑与急救常识"),
        (9, 12, "老年人防跌倒"),
    ];
    for (m, d, title) in lectures {
        act(c, clinic, "health_lecture", y(m, d), "社区党校教室", 45, None, title)?;
    }
    act(c, clinic, "physical_exam", y(6, 6), "社区活动中心", 186, None, "60岁以上居民免费体检")?;
    act(
        c,
        school,
        "volunteer_service",
        y(1, 9),
        "3号楼至8号楼巷路",
        40,
        Some(1600),
        "寒假清理冰雪、小广告",
    )?;
    act(c, primary, "volunteer_service", y(2, 20), "社区主干道", 30, Some(600), "师生清扫积雪")?;
    act(c, school, "volunteer_service", y(7, 15), "各楼道", 25, Some(750), "暑期布置文明楼道")?;
    act(c, power, "volunteer_service", y(4, 22), "社区广场", 12, Some(240), "安全用电义务宣传")?;
    act(c, city, "repair", y(5, 8), "北门外", 8, None, "拆除违章广告牌")?;
    act(c, bureau, "repair", y(5, 2), "3号楼至8号楼巷路", 12, None, "拉来沙石整修巷路")?;
    let volunteers: [(&str, u32, u32, &str, i64, i64, &str); 8] = [
        ("市电业局", 3, 12, "各楼道", 15, 300, "义务检修楼道照明"),
        ("东安区供电局", 10, 15, "社区活动中心", 10, 200, "冬季安全用电检查"),
        ("东安区税务局", 6, 15, "社区党校教室", 6, 80, "个人所得税政策宣讲"),
        ("东安派出所", 4, 10, "社区广场", 8, 120, "防范电信诈骗宣传"),
        ("东安派出所", 9, 5, "Xx小学门口", 8, 160, "开学季护学岗"),
        ("市自来水公司东安营业所", 8, 20, "1号楼至20号楼", 5, 100, "入户检查水表、讲解节水"),
        ("东安区图书馆", 4, 23, "社区图书室", 6, 200, "世界读书日送书进社区"),
        ("东安区图书馆", 11, 5, "社区图书室", 4, 120, "老年人智能手机课"),
    ];
    for (unit, m, d, place, people, tenths, note) in volunteers {
        let pid = demo_id(c, community_id, unit)?;
        act(c, pid, "volunteer_service", y(m, d), place, people, Some(tenths), note)?;
    }
    // The joint committee, formed this year; partner leaders are its deputy secretaries.
    let posts = [
        ("secretary", "王建华", None, "社区党委书记"),
        ("deputy_secretary", "孙立新", Some(bureau), "东安区建设局副局长"),
        ("deputy_secretary", "周海燕", Some(clinic), "绿苑社区医疗服务站站长"),
        ("member", "陈志强", Some(power), "东安区供电局党委委员"),
        ("member", "李娜", None, "社区网格员"),
        ("advisor", "赵国庆", Some(school), "第一中学党总支书记"),
    ];
    for (post, name, partner, title) in posts {
        add_post(
            c,
            Tenant::new(community_id),
            &PostInput {
                post: post.into(),
                person_name: name.into(),
                partner_id: partner,
                title: title.into(),
                term_from: y(3, 1),
                term_to: Some(format!("{}-02-28", year + 3)),
            },
        )?;
    }
    add_meeting(
        c,
        Tenant::new(community_id),
        &Meeting {
            id: 0,
            held_on: yd(3, 1)?,
            title: "联合党委成立大会暨第一次全体会议".into(),
            minutes: "通报社区需求清单，各共建单位认领项目；审议联合党委工作规则。".into(),
            attendance: "王建华、孙立新、周海燕、陈志强、李娜、赵国庆".into(),
            attendees: 6,
        },
        now,
    )?;
    add_meeting(
        c,
        Tenant::new(community_id),
        &Meeting {
            id: 0,
            held_on: yd(9, 20)?,
            title: "第三季度联席会议".into(),
            minutes: "听取巷路整修项目完工情况及居民评价；部署冬季清雪。".into(),
            attendance: "王建华、孙立新、周海燕、李娜、赵国庆".into(),
            attendees: 5,
        },
        now,
    )?;
    add_resource(
        c,
        Tenant::new(community_id),
        bureau,
        "equipment",
        "沙石、压路机等道路整修物资设备",
        "工作日，需提前一周预约",
        now,
    )?;
    add_resource(
        c,
        Tenant::new(community_id),
        clinic,
        "skills",
        "全科医生健康讲座、免费体检",
        "每月一次",
        now,
    )?;
    add_resource(
        c,
        Tenant::new(community_id),
        school,
        "people",
        "师生志愿者（清雪、清理小广告）",
        "寒暑假及节假日",
        now,
    )?;
    add_resource(
        c,
        Tenant::new(community_id),
        power,
        "people",
        "电工义务检修楼道照明",
        "每季度一次",
        now,
    )?;
    // The alley: reported by residents, put on the needs list, claimed by the construction
    // bureau, confirmed, repaired and rated.
    let home = community_path(c, community_id)?;
    let alley = create_affair(
        c,
        Tenant::new(community_id),
        &AffairInput {
            public_ref: demo_ref(year, community_id, 102),
            category: "road".into(),
            description: "3号楼至8号楼之间的巷路被大车碾压，常年坑洼不平，雨天积水，老人出行不便。"
                .into(),
            place_id: None,
            place_path: home.clone(),
            place_text: "3号楼至8号楼之间巷路".into(),
            reporter_phone: Some("13904511234".into()),
            channel: "phone_page".into(),
            reported_on: yd(4, 8)?,
            respond_by: yd(4, 9)?,
            resolve_by: yd(4, 27)?,
            reporter_resident_id: None,
        },
        None,
        now,
    )?;
    history(c, Tenant::new(community_id), alley, AffairStep::Reported, ("", ""), "", &y(4, 8))?;
    assign_affair(
        c,
        Tenant::new(community_id),
        alley,
        None,
        Some(bureau),
        yd(5, 29)?,
        yd(4, 9)?,
        now,
    )?;
    history(
        c,
        Tenant::new(community_id),
        alley,
        AffairStep::Assigned,
        ("", "东安区建设局"),
        "路面整修需专业施工，已列入需求清单",
        &y(4, 9),
    )?;
    let need = create_need(
        c,
        Tenant::new(community_id),
        &NeedInput {
            title: "整修3号楼至8号楼巷路".into(),
            description: "巷路坑洼不平，需拉沙石铺平并压实。".into(),
            place_text: "3号楼至8号楼之间巷路".into(),
            urgency: "urgent".into(),
            raised_by: "居民反映（民生诉求）".into(),
            affair_id: Some(alley),
        },
        None,
        now,
    )?;
    claim_need(
        c,
        Tenant::new(community_id),
        need,
        bureau,
        "我局可提供沙石并派施工人员",
        yd(4, 12)?,
    )?;
    decide_claim(
        c,
        Tenant::new(community_id),
        need,
        true,
        "东安区建设局 孙立新",
        "5月底前完成路面整修",
        "4月底备料；5月中旬施工；5月底验收",
        yd(4, 15)?,
        None,
    )?;
    update_project(
        c,
        Tenant::new(community_id),
        need,
        "拉来沙石、派出人手，路面已整修一新",
        Some(yd(5, 2)?),
        "居民满意",
    )?;
    mark_progress(c, Tenant::new(community_id), alley, yd(4, 20)?, now)?;
    history(
        c,
        Tenant::new(community_id),
        alley,
        AffairStep::Progress,
        ("", ""),
        "建设局已备料，5月初施工",
        &y(4, 20),
    )?;
    resolve_affair(
        c,
        Tenant::new(community_id),
        alley,
        "东安区建设局拉来沙石、派出人手整修，巷路已整修一新",
        yd(5, 2)?,
        now,
    )?;
    history(
        c,
        Tenant::new(community_id),
        alley,
        AffairStep::Resolved,
        ("", ""),
        "巷路已整修一新",
        &y(5, 2),
    )?;
    rate_affair(
        c,
        Tenant::new(community_id),
        alley,
        "satisfied",
        "居民称赞联动机制",
        yd(5, 6)?,
        now,
    )?;
    history(c, Tenant::new(community_id), alley, AffairStep::Rated, ("", ""), "满意", &y(5, 6))?;
    // Two open issues: one for a worker, one with the clinic for the liaison's page.
    // Reported a week ago: on the calendar, due about now (the home page shows it).
    let cal = linli_store::assistance::calendar(c, Tenant::new(community_id))?;
    let reported = yd(11, 20)?;
    let (light_respond, light_resolve) = linli_core::partners::deadlines(reported, 1, 5, &cal);
    let light = create_affair(
        c,
        Tenant::new(community_id),
        &AffairInput {
            public_ref: demo_ref(year, community_id, 215),
            category: "lighting".into(),
            description: "12号楼2单元楼道灯不亮，晚上上下楼看不清。".into(),
            place_id: None,
            place_path: home.clone(),
            place_text: "12号楼2单元".into(),
            reporter_phone: None,
            channel: "call".into(),
            reported_on: reported,
            respond_by: light_respond,
            resolve_by: light_resolve,
            reporter_resident_id: None,
        },
        None,
        now,
    )?;
    history(c, Tenant::new(community_id), light, AffairStep::Reported, ("", ""), "", &y(11, 20))?;
    for (title, place, urgency) in [
        ("楼道照明检修", "12号楼、15号楼楼道", "normal"),
        ("为独居老人上门测血压", "全社区独居老人", "normal"),
    ] {
        create_need(
            c,
            Tenant::new(community_id),
            &NeedInput {
                title: title.into(),
                description: String::new(),
                place_text: place.into(),
                urgency: urgency.into(),
                raised_by: "社区工作人员".into(),
                affair_id: None,
            },
            None,
            now,
        )?;
    }
    demo_issues(c, community_id, &home, now)
}

/// When a demo issue was reported: a day of this year, or so many days before today.
#[derive(Clone, Copy)]
enum DemoWhen {
    Day(u32, u32),
    Ago(i64),
}

/// Where a demo issue ended up: still waiting for dispatch, with its holder (in progress
/// when `progress` says so), or resolved `after` days from the report and maybe rated.
#[derive(Clone, Copy)]
enum DemoEnd {
    Waiting,
    Held { progress: Option<&'static str> },
    Resolved { after: i64, resolution: &'static str, rating: Option<(Rating, &'static str)> },
}

struct DemoIssue {
    /// The last three digits of its public reference.
    no: u32,
    when: DemoWhen,
    category: &'static str,
    place: &'static str,
    text: &'static str,
    channel: &'static str,
    /// The unit it is dispatched to first (`None`: the grid worker).
    unit: Option<&'static str>,
    /// Calendar days from the report to the dispatch (the response).
    respond_after: i64,
    /// Re-routed two days after the dispatch: to this unit (`Some("")`: the grid worker).
    reroute: Option<(&'static str, &'static str)>,
    end: DemoEnd,
}

const fn resolved(
    after: i64,
    resolution: &'static str,
    rating: Option<(Rating, &'static str)>,
) -> DemoEnd {
    DemoEnd::Resolved { after, resolution, rating }
}

const SATISFIED: Option<(Rating, &str)> = Some((Rating::Satisfied, ""));

/// A year of issue reports besides the alley: spread over the months and the default
/// categories, most resolved and rated, a few re-routed with the reason, a few open and one
/// overdue; many handled by the partner units (the city bureau for sanitation, the power
/// bureau for lighting …).
const DEMO_ISSUES: &[DemoIssue] = &[
    DemoIssue {
        no: 108,
        when: DemoWhen::Day(1, 6),
        category: "sanitation",
        place: "5号楼北侧垃圾箱",
        text: "5号楼北侧垃圾箱满了，三天没人清运，味道很大。",
        channel: "phone_page",
        unit: Some("东安区城管局"),
        respond_after: 0,
        reroute: None,
        end: resolved(1, "城管局环卫班组当天清运完毕，并调整为每日清运一次", SATISFIED),
    },
    DemoIssue {
        no: 117,
        when: DemoWhen::Day(1, 15),
        category: "lighting",
        place: "17号楼前路灯",
        text: "17号楼前两盏路灯不亮，晚上回家很黑。",
        channel: "call",
        unit: Some("东安区供电局"),
        respond_after: 1,
        reroute: None,
        end: resolved(3, "供电局更换灯头和线路，路灯已恢复照明", SATISFIED),
    },
    DemoIssue {
        no: 131,
        when: DemoWhen::Day(2, 3),
        category: "safety",
        place: "6号楼楼顶檐口",
        text: "6号楼楼顶挂着很长的冰溜子，下面是单元门，怕砸到人。",
        channel: "visit",
        unit: None,
        respond_after: 0,
        reroute: None,
        end: resolved(0, "网格员当天拉警戒线，组织人员清除冰溜子", SATISFIED),
    },
    DemoIssue {
        no: 146,
        when: DemoWhen::Day(2, 24),
        category: "noise",
        place: "北门外饭店",
        text: "北门外饭店的排风扇夜里一直响，楼上住户睡不着觉。",
        channel: "call",
        unit: None,
        respond_after: 1,
        reroute: Some(("东安区城管局", "属于商户经营噪音，需城管执法中队现场处理")),
        end: resolved(
            6,
            "城管局责令饭店加装消音罩，晚十点后关闭排风扇",
            Some((Rating::BasicallySatisfied, "噪音小了，但偶尔还有")),
        ),
    },
    DemoIssue {
        no: 152,
        when: DemoWhen::Day(3, 10),
        category: "road",
        place: "北门外人行道",
        text: "北门外人行道地砖松动翘起，老人走路容易绊倒。",
        channel: "phone_page",
        unit: Some("东安区建设局"),
        respond_after: 1,
        reroute: None,
        end: resolved(9, "建设局重新铺设地砖40平方米", SATISFIED),
    },
    DemoIssue {
        no: 163,
        when: DemoWhen::Day(3, 28),
        category: "greening",
        place: "中心绿地",
        text: "中心绿地有一棵枯死的杨树，风大时摇晃，有倒伏危险。",
        channel: "call",
        unit: None,
        respond_after: 0,
        reroute: Some(("东安区城管局", "需园林专业队伍伐除，转城管局园林科")),
        end: resolved(8, "城管局园林科伐除枯树并补种两棵海棠", SATISFIED),
    },
    DemoIssue {
        no: 178,
        when: DemoWhen::Day(4, 14),
        category: "other",
        place: "11号楼",
        text: "11号楼水压低，6楼以上白天放不出水。",
        channel: "call",
        unit: Some("市自来水公司东安营业所"),
        respond_after: 1,
        reroute: None,
        end: resolved(5, "自来水公司检修加压泵，高层用水恢复正常", SATISFIED),
    },
    DemoIssue {
        no: 184,
        when: DemoWhen::Day(5, 19),
        category: "sanitation",
        place: "9号楼2单元门口",
        text: "9号楼2单元门口堆了很多装修垃圾，堵住了通道。",
        channel: "phone_page",
        unit: None,
        respond_after: 0,
        reroute: None,
        end: resolved(
            2,
            "网格员联系装修户自行清运，门口已清理干净",
            Some((Rating::BasicallySatisfied, "")),
        ),
    },
    DemoIssue {
        no: 197,
        when: DemoWhen::Day(6, 9),
        category: "lighting",
        place: "社区广场",
        text: "广场东侧路灯杆底座的线路露在外面，孩子们常在那儿玩。",
        channel: "visit",
        unit: Some("东安区供电局"),
        respond_after: 0,
        reroute: None,
        end: resolved(2, "供电局更换接线盒并加锁，消除漏电隐患", SATISFIED),
    },
    DemoIssue {
        no: 203,
        when: DemoWhen::Day(6, 26),
        category: "noise",
        place: "社区广场",
        text: "晚上广场舞音响声音太大，九点以后还在放，影响休息。",
        channel: "call",
        unit: None,
        respond_after: 1,
        reroute: None,
        end: resolved(
            3,
            "与舞蹈队约定音量和结束时间（晚八点半）",
            Some((Rating::Dissatisfied, "音量仍然偏大，希望定期巡查")),
        ),
    },
    DemoIssue {
        no: 221,
        when: DemoWhen::Day(7, 8),
        category: "safety",
        place: "14号楼1单元楼道",
        text: "有人把电动车推进楼道充电，电线从窗户拉进去。",
        channel: "visit",
        unit: None,
        respond_after: 0,
        reroute: None,
        end: resolved(1, "网格员入户劝导，车辆已移至集中充电棚", SATISFIED),
    },
    DemoIssue {
        no: 236,
        when: DemoWhen::Day(7, 22),
        category: "road",
        place: "14号楼前",
        text: "暴雨后14号楼前一大片积水，两天都没退。",
        channel: "phone_page",
        unit: Some("东安区建设局"),
        respond_after: 4,
        reroute: None,
        end: resolved(
            10,
            "建设局疏通雨水管网并加装一处雨水篦子",
            Some((Rating::BasicallySatisfied, "处理得有点慢")),
        ),
    },
    DemoIssue {
        no: 248,
        when: DemoWhen::Day(8, 13),
        category: "greening",
        place: "2号楼至4号楼绿化带",
        text: "绿化带杂草有半人高，蚊子特别多。",
        channel: "call",
        unit: Some("东安区城管局"),
        respond_after: 1,
        reroute: None,
        end: resolved(6, "城管局安排除草并喷洒灭蚊药", SATISFIED),
    },
    DemoIssue {
        no: 257,
        when: DemoWhen::Day(9, 2),
        category: "other",
        place: "Xx小学门口",
        text: "小学门口上学时段车辆乱停，孩子过马路很危险。",
        channel: "call",
        unit: Some("东安派出所"),
        respond_after: 0,
        reroute: None,
        end: resolved(4, "派出所设立护学岗，早晚高峰民警值守疏导", SATISFIED),
    },
    DemoIssue {
        no: 262,
        when: DemoWhen::Day(9, 23),
        category: "sanitation",
        place: "北门公厕",
        text: "北门公厕好几天没人打扫，很脏。",
        channel: "phone_page",
        unit: Some("东安区城管局"),
        respond_after: 1,
        reroute: None,
        end: resolved(2, "城管局环卫所恢复每日两次保洁", SATISFIED),
    },
    DemoIssue {
        no: 274,
        when: DemoWhen::Day(10, 14),
        category: "lighting",
        place: "8号楼3单元",
        text: "8号楼3单元楼道声控灯全坏了。",
        channel: "phone_page",
        unit: Some("东安区供电局"),
        respond_after: 1,
        reroute: Some(("", "楼道灯属物业维修范围，转网格员联系物业")),
        end: resolved(5, "物业更换声控灯6盏", None),
    },
    DemoIssue {
        no: 289,
        when: DemoWhen::Ago(28),
        category: "road",
        place: "7号楼门前",
        text: "7号楼门前井盖破损，晚上看不清容易踩空。",
        channel: "call",
        unit: Some("东安区建设局"),
        respond_after: 1,
        reroute: None,
        end: DemoEnd::Held { progress: Some("已设置警示标志，井盖配件在订购中") },
    },
    DemoIssue {
        no: 293,
        when: DemoWhen::Ago(4),
        category: "greening",
        place: "10号楼南侧",
        text: "树枝长到3楼窗户上，挡光还招虫子。",
        channel: "call",
        unit: None,
        respond_after: 1,
        reroute: None,
        end: DemoEnd::Held { progress: Some("已约园林工人下周修剪") },
    },
    DemoIssue {
        no: 301,
        when: DemoWhen::Ago(1),
        category: "sanitation",
        place: "16号楼后身",
        text: "16号楼后身有人倾倒建筑垃圾。",
        channel: "phone_page",
        unit: Some("东安区城管局"),
        respond_after: 0,
        reroute: None,
        end: DemoEnd::Held { progress: None },
    },
    DemoIssue {
        no: 316,
        when: DemoWhen::Ago(0),
        category: "noise",
        place: "18号楼2单元",
        text: "18号楼2单元有住户周末一早就装修电钻，能不能管管。",
        channel: "call",
        unit: None,
        respond_after: 0,
        reroute: None,
        end: DemoEnd::Waiting,
    },
];

/// Adds `DEMO_ISSUES` with their histories; an issue whose story would end after today is
/// left out (a demo made early in the year).
fn demo_issues(c: &mut dyn Conn, community_id: i64, home: &str, now: DateTime<Utc>) -> Result<()> {
    let today = linli_core::clock::shanghai(now).date();
    let year = today.year();
    let cal = linli_store::assistance::calendar(c, Tenant::new(community_id))?;
    let staff = dispatchable_staff(c, Tenant::new(community_id))?;
    let worker = staff.iter().find(|(_, n)| n == "李娜").or(staff.first()).cloned();
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    for issue in DEMO_ISSUES {
        let reported = match issue.when {
            DemoWhen::Day(m, d) => match NaiveDate::from_ymd_opt(year, m, d) {
                Some(x) => x,
                None => continue,
            },
            DemoWhen::Ago(n) => today - chrono::Duration::days(n),
        };
        let dispatched = reported + chrono::Duration::days(issue.respond_after);
        let last = match issue.end {
            DemoEnd::Resolved { after, .. } => reported + chrono::Duration::days(after + 3),
            _ => dispatched,
        };
        if last > today {
            continue;
        }
        let Some(rule) = DEFAULT_CATEGORIES.iter().find(|k| k.code == issue.category) else {
            continue;
        };
        let (respond_by, resolve_by) =
            linli_core::partners::deadlines(reported, rule.respond_days, rule.resolve_days, &cal);
        let id = create_affair(
            c,
            Tenant::new(community_id),
            &AffairInput {
                public_ref: demo_ref(year, community_id, i64::from(issue.no)),
                category: issue.category.into(),
                description: issue.text.into(),
                place_id: None,
                place_path: home.to_string(),
                place_text: issue.place.into(),
                reporter_phone: None,
                channel: issue.channel.into(),
                reported_on: reported,
                respond_by,
                resolve_by,
                reporter_resident_id: None,
            },
            None,
            now,
        )?;
        history(
            c,
            Tenant::new(community_id),
            id,
            AffairStep::Reported,
            ("", ""),
            "",
            &day(reported),
        )?;
        if matches!(issue.end, DemoEnd::Waiting) {
            continue;
        }
        // Who holds it: (user, unit, label).
        let holder = |unit: &str, c: &mut dyn Conn| -> Result<(Option<i64>, Option<i64>, String)> {
            if unit.is_empty() {
                Ok((
                    worker.as_ref().map(|w| w.0),
                    None,
                    worker.as_ref().map_or_else(String::new, |w| w.1.clone()),
                ))
            } else {
                Ok((None, Some(demo_id(c, community_id, unit)?), unit.to_string()))
            }
        };
        let (user, unit, label) = holder(issue.unit.unwrap_or(""), c)?;
        assign_affair(c, Tenant::new(community_id), id, user, unit, resolve_by, dispatched, now)?;
        history(
            c,
            Tenant::new(community_id),
            id,
            AffairStep::Assigned,
            ("", &label),
            "",
            &day(dispatched),
        )?;
        if let Some((to, reason)) = issue.reroute {
            let on = dispatched + chrono::Duration::days(2);
            let (user, unit, to_label) = holder(to, c)?;
            assign_affair(c, Tenant::new(community_id), id, user, unit, resolve_by, on, now)?;
            history(
                c,
                Tenant::new(community_id),
                id,
                AffairStep::Rerouted,
                (&label, &to_label),
                reason,
                &day(on),
            )?;
        }
        match issue.end {
            DemoEnd::Waiting => {}
            DemoEnd::Held { progress } => {
                if let Some(note) = progress {
                    let when = dispatched.max(today - chrono::Duration::days(2));
                    let on = day(when);
                    mark_progress(c, Tenant::new(community_id), id, when, now)?;
                    history(
                        c,
                        Tenant::new(community_id),
                        id,
                        AffairStep::Progress,
                        ("", ""),
                        note,
                        &on,
                    )?;
                }
            }
            DemoEnd::Resolved { after, resolution, rating } => {
                let when = reported + chrono::Duration::days(after);
                let on = day(when);
                resolve_affair(c, Tenant::new(community_id), id, resolution, when, now)?;
                history(
                    c,
                    Tenant::new(community_id),
                    id,
                    AffairStep::Resolved,
                    ("", ""),
                    resolution,
                    &on,
                )?;
                if let Some((r, note)) = rating {
                    // The callback, a few days after.
                    let when = reported + chrono::Duration::days(after + 3);
                    let on = day(when);
                    rate_affair(c, Tenant::new(community_id), id, r.as_str(), note, when, now)?;
                    history(
                        c,
                        Tenant::new(community_id),
                        id,
                        AffairStep::Rated,
                        ("", ""),
                        r.label_zh(),
                        &on,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A demo event's time: 09:00 in Shanghai on `day`.
/// A demo issue's public reference: the same for the same community, year and number on every
/// run (the browser tests and the README can name one), and distinct across them.
fn demo_ref(year: i32, community_id: i64, no: i64) -> String {
    // splitmix64 of the three, so neighbouring numbers give unrelated references.
    let mut z = (i64::from(year) * 1_000_000_007 + community_id * 100_003 + no) as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    linli_core::partners::public_ref(z ^ (z >> 31))
}

/// A line of an issue's history as the demo tells it: shown to the resident, by nobody named.
fn history(
    c: &mut dyn Conn,
    t: Tenant,
    affair: i64,
    step: AffairStep,
    (from, to): (&str, &str),
    note: &str,
    on: &str,
) -> Result<i64> {
    add_event(c, t, affair, step, None, from, to, note, true, at(on))
}

fn at(day: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(1, 0, 0))
        .map_or(DateTime::UNIX_EPOCH, |t| t.and_utc())
}

fn community_path(c: &mut dyn Conn, community_id: i64) -> Result<String> {
    Ok(linli_store::places::get(c, community_id)?.path.as_str().to_string())
}
