//! The rest of 东安街道: two smaller communities beside Xx社区, with people and a year of gifts to
//! their love funds (so their figures differ from Xx社区's and from each other's), and the street
//! office's account `jiedao`, which reads the three side by side. Xx社区 is not touched.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::PlaceKind;
use linli_core::fund::{DonorKind, Fen, MeetingBasis, Method};
use linli_core::password::hashing;
use linli_store::fund::{self as ledger, DecisionInput, DonationInput};
use linli_store::places::{self, Place};
use linli_store::{Conn, Db, Result, StoreError, Tenant, audit, params, users};
use serde_json::json;

/// The street office's demo account, printed with the others.
pub const STREET_ACCOUNT: crate::DemoAccount = crate::DemoAccount {
    username: "jiedao",
    display_name: "孙主任",
    role: linli_core::Role::Admin,
    scope: "东安街道（东湖社区、新华社区、Xx社区）",
};

/// A community of the street besides Xx社区: its name, its buildings (three units each), its
/// random sequence, and how many gifts its fund received this year.
pub struct StreetCommunity {
    pub name: &'static str,
    pub buildings: usize,
    pub seed: u64,
    pub gifts: usize,
}

/// The demo's two: about 2,000 and 1,300 residents.
pub const COMMUNITIES: [StreetCommunity; 2] = [
    StreetCommunity { name: "东湖社区", buildings: 20, seed: 0x444F_4E47_4855_3031, gifts: 36 },
    StreetCommunity { name: "新华社区", buildings: 13, seed: 0x5849_4E48_5541_3032, gifts: 19 },
];

/// Adds `communities` under the demo street (unless there already) and the street's account;
/// returns the residents created. Xx社区 and its street must exist (`seed_demo`).
pub fn populate_street(
    db: &Db,
    now: DateTime<Utc>,
    communities: &[StreetCommunity],
) -> Result<u64> {
    let hash = hashing::hash(crate::DEMO_PASSWORD).map_err(|e| StoreError::Other(e.to_string()))?;
    db.write_blocking(|c| {
        let street = c
            .query_opt(
                "SELECT id FROM places WHERE kind = 'street' AND name = ? ORDER BY id",
                params![crate::DEMO_STREET],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        let street = places::get(c, street)?;
        let mut created = 0;
        for sc in communities {
            if places::find_community(c, sc.name)?.is_some() {
                continue;
            }
            created += community(c, &street, sc, now)?;
        }
        if users::find_for_login(c, STREET_ACCOUNT.username)?.is_none() {
            let user = users::create(
                c,
                None,
                STREET_ACCOUNT.username,
                STREET_ACCOUNT.display_name,
                &hash,
                now,
            )?;
            users::add_grant(c, user.id, STREET_ACCOUNT.role, &street, None, now)?;
        }
        Ok(created)
    })
}

fn community(
    c: &mut dyn Conn,
    street: &Place,
    sc: &StreetCommunity,
    now: DateTime<Utc>,
) -> Result<u64> {
    let community = places::create(c, PlaceKind::Community, sc.name, Some(street.id), now)?;
    for b in 1..=sc.buildings {
        let building =
            places::create(c, PlaceKind::Building, &format!("{b}号楼"), Some(community.id), now)?;
        for u in 1..=crate::UNITS_PER_BUILDING {
            places::create(c, PlaceKind::Unit, &format!("{u}单元"), Some(building.id), now)?;
        }
    }
    let n = crate::population::populate_crowd(c, community.id, now, sc.seed)?;
    fund(c, &community, sc, now)?;
    audit::append(
        c,
        &audit::Event {
            at: now,
            community_id: Some(community.id),
            actor_user_id: None,
            actor: "linli demo",
            action: "registry.demo_population",
            object_kind: "place",
            object_id: Some(community.id.to_string()),
            before: None,
            after: Some(json!({"community": sc.name, "residents": n})),
            request_id: None,
        },
    )?;
    Ok(n)
}

/// The residents' meeting that set the fund up, and this year's gifts from its residents.
fn fund(
    c: &mut dyn Conn,
    community: &Place,
    sc: &StreetCommunity,
    now: DateTime<Utc>,
) -> Result<()> {
    let tenant = Tenant::new(community.id);
    let today = now.date_naive();
    ledger::record_decision(
        c,
        tenant,
        &DecisionInput {
            decided_on: crate::iso("2019-03-12")?,
            basis: MeetingBasis::Residents,
            eligible: 120,
            attendance: 71,
            quorum_reached: true,
            resolution: format!(
                "成立{}爱心基金，资金来源于居民自愿捐助和共建单位帮扶，专门用于帮助社区困难居民；每笔支出须经两人审批，账目每月公示。",
                sc.name
            ),
            purpose: "帮助社区困难居民".into(),
            eligibility: "本社区在册居民中经走访核实的困难家庭".into(),
        },
        None,
        now,
    )?;
    let givers: Vec<(i64, String)> = c
        .query(
            "SELECT id, name FROM residents WHERE community_id = ? AND status = 'active' AND birth_date <= '1985-12-31' ORDER BY id LIMIT ?",
            params![community.id, sc.gifts as i64],
        )?
        .iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?)))
        .collect::<Result<_>>()?;
    for (i, (rid, name)) in givers.iter().enumerate() {
        // Spread over this year's months so far.
        let month = (i as u32 % today.month().max(1)) + 1;
        let on = NaiveDate::from_ymd_opt(today.year(), month, 10).unwrap_or(today).min(today);
        ledger::donate(
            c,
            tenant,
            &DonationInput {
                donor_kind: DonorKind::Resident,
                donor_resident_id: Some(*rid),
                donor_partner_id: None,
                donor_name: name.clone(),
                amount: Fen([50, 100, 200, 30, 500][i % 5] * 100),
                method: Method::Cash,
                items: String::new(),
                received_on: on,
                publish_name: false,
            },
            None,
            now,
        )?;
    }
    Ok(())
}
