//! The demo community's love fund (爱心基金).

use crate::population::Rng;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_store::{Conn, Result, params};

/// The demo fund tells the seed's story: the meeting decision of 2011, gifts from residents and
/// partner units over the years adding up to a little over 60,000 yuan, 65 residents helped
/// (夏胜林's family among the first), one gift recorded twice and reversed with its reason, and
/// this month's request for an old resident living alone waiting for the fund keeper's approval.
pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    use linli_core::fund::{DonorKind, Fen, Method, Purpose, account};
    use linli_store::fund::{self as ledger, DecisionInput, DonationInput};
    let community_id = linli_store::Tenant::new(community_id);
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
            decided_on: crate::iso("2011-03-15")?,
            basis: linli_core::fund::MeetingBasis::Residents,
            eligible: 150,
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
            let method = if k % 2 == 0 { Method::BankTransfer } else { Method::Wechat };
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
        give(c, DonorKind::Anonymous, None, "", 200, Method::Cash, "", day(year, 12, 20), false)?;
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
                [Purpose::Living, Purpose::Medical, Purpose::Elderly, Purpose::Education]
                    [rng.below(4) as usize],
            ));
        }
    }
    let mut year = 2011;
    for (i, (rid, purpose)) in helped.iter().enumerate() {
        let yuan = if i == 0 { 900 } else { [300, 500, 600, 800, 1000][rng.below(5) as usize] };
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
        let from = if i % 3 == 0 { account::BANK } else { account::CASH };
        if ledger::pay_disbursement(c, community_id, id, from, on, keeper, now).is_err() {
            ledger::pay_disbursement(
                c,
                community_id,
                id,
                if from == account::BANK { account::CASH } else { account::BANK },
                on,
                keeper,
                now,
            )?;
        }
        if i % 4 == 3 && year < today.year() {
            year += 1;
        }
    }
    // Every month's disclosure went up on the board on the 5th of the month after (§16: the
    // accounts published promptly), so each sheet prints its own posting dates. This month's
    // is not up yet.
    let mut month = NaiveDate::from_ymd_opt(2011, 3, 1).unwrap_or(today);
    while let Some(next) = month.checked_add_months(chrono::Months::new(1)) {
        let Some(posted) = next.with_day(5).filter(|d| *d <= today) else {
            break;
        };
        let label = month.format("%Y-%m").to_string();
        if let Ok((from, to)) = linli_core::fund::posting_period(&label, posted, today) {
            ledger::record_posting(
                c,
                community_id,
                &ledger::DisclosurePosting { month: label, posted_on: from, ends_on: to },
                Some(keeper),
                now,
            )?;
        }
        month = next;
    }
    // This month: one request the worker filed after a visit, approved by the director, waiting
    // for the fund keeper's approval before it can be paid.
    let waiting = c.query(
        "SELECT r.id FROM residents r JOIN resident_tags t ON t.resident_id = r.id JOIN tag_kinds k ON k.id = t.tag_id
         WHERE r.community_id = ? AND r.status = 'active' AND k.name = '独居老人' ORDER BY r.id DESC LIMIT 1",
        params![community_id],
    )?;
    if let Some(r) = waiting.first() {
        let id = ledger::request_disbursement(
            c,
            community_id,
            r.int(0)?,
            Fen(500 * 100),
            Purpose::Elderly,
            None,
            "入户走访核实：独居，冬季取暖费困难",
            worker,
            now,
        )?;
        ledger::approve_disbursement(c, community_id, id, admin, now)?;
    }
    Ok(())
}
