//! The demo community's holiday visit plans and neighbour helpers.

use chrono::{DateTime, NaiveDate, Utc};
use linli_core::visits::{self, TargetStatus, VisitRule};
use linli_store::assistance::{self, HelpInput};
use linli_store::visits::{
    Plan, PlanInput, Target, VisitInput, assign_team, close_plan, create_plan, get_plan,
    set_helper, targets,
};
use linli_store::{Conn, Result, Tenant, params};

/// A first visit as the visits operation records it: on the household's case timeline too,
/// when it has an open case.
fn record_visit(
    c: &mut dyn Conn,
    t: &Target,
    plan: &Plan,
    v: &VisitInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let tenant = Tenant::new(plan.community_id);
    let help = if v.status == TargetStatus::Visited {
        match assistance::open_case_of(c, tenant, Some(t.resident_id), t.household_id)? {
            Some(case) => Some(assistance::add_help(
                c,
                &case,
                &HelpInput {
                    kind: "visit".into(),
                    given_on: v.on,
                    amount_fen: v.amount_fen,
                    items_json: v.items_json.clone(),
                    source: plan.name.clone(),
                    note: v.note.clone(),
                    participants: v.participants.clone(),
                },
                user,
                now,
            )?),
            None => None,
        }
    } else {
        None
    };
    linli_store::visits::record_visit(c, tenant, t, v, help, now)
}

/// The demo: a 重阳 plan done, and a 春节 plan about half way, for the community's worker.
pub fn populate(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    use chrono::Datelike;
    if c.count("SELECT COUNT(*) FROM visit_plans WHERE community_id = ?", params![community_id])?
        > 0
    {
        return Ok(());
    }
    let worker = c
        .query_opt("SELECT id FROM users WHERE username = 'wangge1'", params![])?
        .map(|r| r.int(0))
        .transpose()?;
    let today = linli_core::clock::shanghai(now).date();
    let year = today.year();
    // 3号楼 and 4号楼 (米丽芳's): two neighbours per stairwell who offered help.
    let offers =
        ["代买、陪老人聊天", "接送孩子", "看护老人", "代收快递、代买", "修理水电", "陪同就医"];
    let adult = (today - chrono::Duration::days(18 * 366)).format("%Y-%m-%d").to_string();
    let rows = c.query(
        "SELECT r.id, r.unit_id FROM residents r JOIN places b ON b.id = r.building_id
         WHERE r.community_id = ? AND b.name IN ('3号楼', '4号楼') AND r.status = 'active'
           AND r.consent_neighbor_card = 1 AND r.birth_date <= ?
         ORDER BY r.unit_id, CASE r.name WHEN '米丽芳' THEN 0 ELSE 1 END, r.id",
        params![community_id, adult],
    )?;
    let mut per_unit: std::collections::HashMap<i64, usize> = Default::default();
    for (i, r) in rows.iter().enumerate() {
        let n = per_unit.entry(r.int(1)?).or_default();
        if *n < 2 {
            *n += 1;
            set_helper(
                c,
                Tenant::new(community_id),
                r.int(0)?,
                offers[i % offers.len()],
                worker,
                now,
            )?;
        }
    }
    // 重阳 of this year (九月初九): done, every elder living alone visited.
    let chongyang = NaiveDate::from_ymd_opt(year, 10, 18)
        .filter(|d| *d <= today)
        .or_else(|| NaiveDate::from_ymd_opt(year - 1, 10, 11))
        .unwrap_or(today);
    let (done_plan, _) = create_plan(
        c,
        Tenant::new(community_id),
        &PlanInput {
            name: format!("{}年重阳节走访慰问高龄独居老人", chongyang.year()),
            occasion: "double_ninth".into(),
            visit_on: chongyang,
            rules: vec![VisitRule::ElderlyAlone],
            min_age: 80,
            gift: "牛奶 1箱，慰问金 200元".into(),
        },
        worker,
        now,
    )?;
    let gift = |g: &str| {
        serde_json::to_string(
            &visits::parse_items(g)
                .into_iter()
                .map(|(n, q)| serde_json::json!({"name": n, "quantity": q}))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into())
    };
    let plan = get_plan(c, Tenant::new(community_id), done_plan)?;
    for (i, t) in targets(c, Tenant::new(community_id), done_plan, &[], None)?.iter().enumerate() {
        let on = chongyang - chrono::Duration::days(i64::try_from(i % 3).unwrap_or(0));
        record_visit(
            c,
            t,
            &plan,
            &VisitInput {
                status: TargetStatus::Visited,
                on,
                items_json: gift(&plan.gift),
                amount_fen: Some(20_000),
                participants: "王网格、米丽芳".into(),
                note: String::new(),
            },
            worker,
            now,
        )?;
    }
    close_plan(c, Tenant::new(community_id), done_plan)?;
    // 春节 (next year's): the list built, teams given their buildings, about half visited.
    let chunjie = NaiveDate::from_ymd_opt(year + 1, 2, 5).unwrap_or(today);
    let (plan_id, _) = create_plan(
        c,
        Tenant::new(community_id),
        &PlanInput {
            name: format!("{}年春节走访慰问困难群众", year + 1),
            occasion: "spring_festival".into(),
            visit_on: chunjie,
            rules: vec![VisitRule::Dibao, VisitRule::ElderlyAlone, VisitRule::OpenCase],
            min_age: 80,
            gift: "大米 10kg，食用油 5L，慰问金 500元".into(),
        },
        worker,
        now,
    )?;
    let plan = get_plan(c, Tenant::new(community_id), plan_id)?;
    let list = targets(c, Tenant::new(community_id), plan_id, &[], None)?;
    for (i, t) in list.iter().enumerate() {
        let team = if t.building.trim_end_matches("号楼").parse::<i64>().unwrap_or(0) <= 8 {
            "第一组（王网格、米丽芳）"
        } else {
            "第二组（党员志愿者）"
        };
        assign_team(c, Tenant::new(community_id), plan_id, &[t.id], team, now)?;
        // Every team has been out: about every other household so far.
        if i % 2 == 0 {
            let on = today - chrono::Duration::days(i64::try_from(i % 5).unwrap_or(0) + 1);
            record_visit(
                c,
                t,
                &plan,
                &VisitInput {
                    status: if i % 11 == 10 {
                        TargetStatus::NotHome
                    } else {
                        TargetStatus::Visited
                    },
                    on,
                    items_json: gift(&plan.gift),
                    amount_fen: Some(50_000),
                    participants: team.into(),
                    note: String::new(),
                },
                worker,
                now,
            )?;
        }
    }
    Ok(())
}
