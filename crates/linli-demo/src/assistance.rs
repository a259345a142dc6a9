//! The demo community's assistance cases (困难帮扶).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::assistance::{ApplicationStatus, CaseStatus};
use linli_store::{Conn, Result, params};

/// The seed's help histories: 夏胜林's family carried through the winter of 2011, 杨静 and her
/// daughter visited every festival and helped to apply for 低保 and housing, 张君's bicycle stand,
/// the 低保 families' festival visits — and one 低保 re-check in progress with a step overdue.
pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    use linli_core::assistance::{ApplicationKind, plan_steps};
    use linli_store::assistance::{self as store, CaseInput, HelpInput};
    if c.count("SELECT COUNT(*) FROM cases WHERE community_id = ?", params![community_id])? > 0 {
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
            linli_store::Tenant::new(community_id),
            &CaseInput {
                household_id: who.1,
                resident_id: Some(who.0),
                place_path: who.2.clone(),
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
                summary: summary.into(),
                needs: needs.into(),
                worker_id: Some(worker),
                next_review_on: NaiveDate::from_ymd_opt(today.year() + 1, 6, 30),
                legal_basis: basis.into(),
                consent_on: consent.map(crate::iso).transpose()?,
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
        let case = store::get_case(c, linli_store::Tenant::new(community_id), case_id)?;
        store::add_help(
            c,
            &case,
            &HelpInput {
                kind: kind.into(),
                given_on: crate::iso(on)?,
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
    help(c, k, "service", "2011-05-20", None, "[]", "社区", "协助申报低保、申请廉租住房", "李娜")?;
    for y in 2011..=today.format("%Y").to_string().parse::<i32>().unwrap_or(2026) {
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
    let cal = store::calendar(c, linli_store::Tenant::new(community_id))?;
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
        linli_store::Tenant::new(community_id),
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
    // §6: the family's written authorisation, which an entrusted application goes on with.
    store::record_authorisation(
        c,
        linli_store::Tenant::new(community_id),
        app,
        accepted,
        "委托书原件存社区档案室",
    )?;
    if let Some(notice) = c.query_opt(
        "SELECT id FROM application_steps WHERE application_id = ? AND code = 'documents_notice'",
        params![app],
    )? {
        store::complete_step(
            c,
            linli_store::Tenant::new(community_id),
            app,
            notice.int(0)?,
            accepted,
            "家庭书面委托居委会代为申请，材料齐全，无须补正",
            &[],
        )?;
    }
    dibao_register(c, community_id, &cal, worker, now)?;
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
    store::set_case_status(
        c,
        linli_store::Tenant::new(community_id),
        k,
        CaseStatus::Monitoring,
        "",
        now,
    )?;
    // 张君's bicycle stand became the community's convenience service station; two more like it.
    store::create_station(
        c,
        linli_store::Tenant::new(community_id),
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
        linli_store::Tenant::new(community_id),
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

/// Two more 低保 households of the register, so that its clocks show: one granted a year ago
/// whose yearly recheck (§31) falls due within the month (the worker's home page reminds),
/// one whose first review is on the 公示 board this week (§24, printable from /dibao).
fn dibao_register(
    c: &mut dyn Conn,
    community_id: i64,
    cal: &linli_core::workdays::Calendar,
    worker: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    use chrono::{Days, Months, NaiveDate};
    use linli_core::assistance::{ApplicationKind, RecheckCycle, next_recheck, plan_steps, step};
    use linli_store::Tenant;
    use linli_store::assistance as store;
    let t = Tenant::new(community_id);
    let today = linli_core::clock::shanghai(now).date();
    let heads = c.query(
        "SELECT r.id, r.household_id,
                (SELECT COUNT(*) FROM residents m WHERE m.household_id = r.household_id AND m.status = 'active')
         FROM residents r
         JOIN resident_tags rt ON rt.resident_id = r.id
         JOIN tag_kinds k ON k.id = rt.tag_id
         WHERE r.community_id = ? AND k.name = '低保' AND r.relation = 'head' AND r.name <> '杨静'
         ORDER BY r.id LIMIT 2",
        params![community_id],
    )?;
    let investigators = ["李娜".to_string(), "王建华".to_string()];
    // (decided on, or None while the posting is up; monthly amount per member in fen)
    let plans = [
        (
            today
                .checked_add_days(Days::new(20))
                .and_then(|d| d.checked_sub_months(Months::new(12))),
            68_000,
        ),
        (None, 68_000),
    ];
    for (r, (decided, per_member_fen)) in heads.iter().zip(plans) {
        let (resident, household, size) = (r.int(0)?, r.opt_int(1)?, r.int(2)?.max(1));
        // The whole procedure ends 30 working days after acceptance: a granted one was
        // accepted 30 working days before its decision, the posted one 15 before today.
        let end = decided.unwrap_or(today);
        let accepted = cal.sub_working_days(end, if decided.is_some() { 30 } else { 15 });
        let steps = plan_steps(ApplicationKind::Dibao, accepted, cal, false);
        let app = store::create_application(
            c,
            linli_store::Tenant::new(community_id),
            resident,
            household,
            None,
            ApplicationKind::Dibao.as_str(),
            accepted,
            false,
            false,
            &steps,
            Some(worker),
            now,
        )?;
        store::set_intake(c, t, app, Some(size), false)?;
        // The posting went up on its planned day, or (still up) two days ago.
        let posting_on = match decided {
            Some(_) => steps
                .iter()
                .find(|s| s.code == step::FIRST_REVIEW_POSTING)
                .map_or(accepted, |s| s.due_on),
            None => today.checked_sub_days(Days::new(2)).unwrap_or(today),
        };
        let done_by = decided.unwrap_or(posting_on);
        let rows = c.query(
            "SELECT id, code, due_on FROM application_steps WHERE application_id = ? AND done_on IS NULL ORDER BY sort_order, id",
            params![app],
        )?;
        for s in &rows {
            let code = s.text(1)?;
            let due = NaiveDate::parse_from_str(&s.text(2)?, "%Y-%m-%d").unwrap_or(done_by);
            let on = if code == step::FIRST_REVIEW_POSTING { posting_on } else { due.min(done_by) };
            if on > done_by
                || (decided.is_none() && code != step::FIRST_REVIEW_POSTING && due > posting_on)
            {
                continue;
            }
            let (note, who): (&str, &[String]) = match code.as_str() {
                step::SURVEY_START => {
                    ("入户调查家庭收入、财产和生活状况，申请人签字确认", &investigators)
                }
                step::FIRST_REVIEW_POSTING => ("初审意见张贴于社区公示栏", &[]),
                _ => ("", &[]),
            };
            store::complete_step(c, t, app, s.int(0)?, on, note, who)?;
        }
        store::record_first_review(c, t, app, size, per_member_fen * size, posting_on)?;
        if let Some(d) = decided {
            store::decide_application(c, t, app, ApplicationStatus::Granted, d)?;
            let cycle = RecheckCycle::Yearly;
            store::set_recheck(c, t, app, cycle.as_str(), next_recheck(d, cycle), None)?;
        }
    }
    Ok(())
}
