//! The demo community of `linli demo`: the seed's 东安街道 Xx社区 with grids, buildings, units
//! and one account per role ([`seed_demo`]), its people and a few years of records in every
//! module ([`populate_demo`]), all from fixed seeds so every demo is the same. One module per
//! domain module it fills; each writes through the store's functions (or, for bulk rows, raw SQL
//! on a [`Conn`]).

pub mod assistance;
pub mod corridors;
pub mod fund;
pub mod learning;
pub mod partners;
pub mod population;
pub mod publicity;
pub mod street;
pub mod visits;
pub mod volunteers;

use chrono::{DateTime, Utc};
use linli_core::password::hashing;
use linli_core::{PlaceKind, Role};
use linli_store::places::{self, Place};
use linli_store::{Conn, Db, Result, StoreError, audit, params, registry, users};
use serde_json::json;

pub const DEMO_STREET: &str = "东安街道";
pub const DEMO_COMMUNITY: &str = "Xx社区";
/// One password for every demo account, printed by `linli demo`.
pub const DEMO_PASSWORD: &str = "linli2026";

/// A demo login as printed for the person who started the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// What the account's grant covers, for the printout.
    pub scope: &'static str,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin", display_name: "王建华", role: Role::Admin, scope: "Xx社区"
    },
    DemoAccount {
        username: "wangge1",
        display_name: "李娜",
        role: Role::Worker,
        scope: "第一网格",
    },
    DemoAccount {
        username: "louzhang",
        display_name: "米丽芳",
        role: Role::BuildingHead,
        scope: "3号楼、4号楼",
    },
    DemoAccount {
        username: "gongjian",
        display_name: "刘医生",
        role: Role::Partner,
        scope: "绿苑社区医疗服务站",
    },
    DemoAccount {
        username: "jijin", display_name: "赵会计", role: Role::Finance, scope: "Xx社区"
    },
    DemoAccount {
        username: "jumin",
        display_name: "陈玉兰",
        role: Role::Resident,
        scope: "1号楼1单元",
    },
];

/// Grids and how many buildings each holds: 63 buildings, numbered 1号楼 … 63号楼 in order.
pub const GRIDS: [(&str, usize); 4] =
    [("第一网格", 16), ("第二网格", 16), ("第三网格", 16), ("第四网格", 15)];
pub const UNITS_PER_BUILDING: usize = 3;

/// `linli demo`: builds the demo community unless it is already there. Returns its id.
pub fn seed_demo(db: &Db, now: DateTime<Utc>) -> Result<i64> {
    if let Some(existing) = db.read_blocking(|c| places::find_community(c, DEMO_COMMUNITY))? {
        return Ok(existing.id);
    }
    // Hash before the write transaction: argon2 is slow and the writer is shared.
    let hash = hashing::hash(DEMO_PASSWORD).map_err(|e| StoreError::Other(e.to_string()))?;
    db.write_blocking(|c| seed_demo_in(c, &hash, now))
}

/// A day of the demo's records, written as ISO text (`2026-03-01`) where it is built.
pub(crate) fn iso(day: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|e| StoreError::Other(format!("no such day {day}: {e}")))
}

fn seed_demo_in(c: &mut dyn Conn, hash: &str, now: DateTime<Utc>) -> Result<i64> {
    let street = places::create(c, PlaceKind::Street, DEMO_STREET, None, now)?;
    let community = places::create(c, PlaceKind::Community, DEMO_COMMUNITY, Some(street.id), now)?;
    let mut buildings = Vec::new();
    let mut grids = Vec::new();
    let mut first_unit = None;
    let mut number = 0;
    for (grid_name, count) in GRIDS {
        let grid = places::create(c, PlaceKind::Grid, grid_name, Some(community.id), now)?;
        for _ in 0..count {
            number += 1;
            let building = places::create(
                c,
                PlaceKind::Building,
                &format!("{number}号楼"),
                Some(grid.id),
                now,
            )?;
            for u in 1..=UNITS_PER_BUILDING {
                let unit = places::create(
                    c,
                    PlaceKind::Unit,
                    &format!("{u}单元"),
                    Some(building.id),
                    now,
                )?;
                first_unit.get_or_insert(unit);
            }
            buildings.push(building);
        }
        grids.push(grid);
    }
    let pick = |list: &[Place], i: usize| -> Result<Place> {
        list.get(i).cloned().ok_or(StoreError::NotFound)
    };
    for a in DEMO_ACCOUNTS {
        let user = users::create(c, Some(community.id), a.username, a.display_name, hash, now)?;
        let scopes: Vec<Place> = match a.role {
            Role::Worker => vec![pick(&grids, 0)?],
            Role::BuildingHead => vec![pick(&buildings, 2)?, pick(&buildings, 3)?],
            Role::Resident => vec![first_unit.clone().ok_or(StoreError::NotFound)?],
            _ => vec![community.clone()],
        };
        for place in &scopes {
            users::add_grant(c, user.id, a.role, place, None, now)?;
        }
    }
    audit::append(
        c,
        &audit::Event {
            at: now,
            community_id: Some(community.id),
            actor_user_id: None,
            actor: "linli demo",
            action: "community.demo_seed",
            object_kind: "place",
            object_id: Some(community.id.to_string()),
            before: None,
            after: Some(json!({"community": DEMO_COMMUNITY, "buildings": buildings.len(),
                               "accounts": DEMO_ACCOUNTS.len()})),
            request_id: None,
        },
    )?;
    Ok(community.id)
}

/// `linli demo`: the demo community's people (about 8,000), unless it has residents already.
/// Returns how many were created.
pub fn populate_demo(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let community_id = seed_demo(db, now)?;
    db.write_blocking(|c| {
        let (existing, _) = registry::count_active(c, linli_store::Tenant::new(community_id))?;
        if existing > 0 {
            return Ok(0);
        }
        let n = population::populate(c, community_id, now, true)?;
        fund::populate(c, community_id, now)?;
        assistance::populate(c, community_id, now)?;
        learning::populate(c, community_id, now)?;
        partners::populate(c, community_id, now)?;
        volunteers::populate(c, community_id, now)?;
        corridors::populate(c, community_id, now)?;
        visits::populate(c, community_id, now)?;
        publicity::populate(c, community_id, now)?;
        link_resident_account(c, community_id, now)?;
        // The street-light report of the alley is hers: her page lists it.
        c.execute(
            "UPDATE affairs SET reporter_resident_id = (SELECT resident_id FROM resident_accounts WHERE community_id = ?)
             WHERE id = (SELECT MIN(id) FROM affairs WHERE community_id = ? AND category = 'lighting')",
            params![community_id, community_id],
        )?;
        audit::append(
            c,
            &audit::Event {
                at: now,
                community_id: Some(community_id),
                actor_user_id: None,
                actor: "linli demo",
                action: "registry.demo_population",
                object_kind: "place",
                object_id: Some(community_id.to_string()),
                before: None,
                after: Some(json!({"residents": n})),
                request_id: None,
            },
        )?;
        Ok(n)
    })
}

/// The demo community's phone, on its public portal and neighbour cards.
pub const DEMO_CONTACT_PHONE: &str = "0453-6251234";

/// 米丽芳's phone as the building head (louzhang), printed on the cards of 3号楼 and 4号楼.
pub const DEMO_HEAD_PHONE: &str = "13945351234";

/// The resident account `jumin` is 陈玉兰's own (1号楼1单元101): linked to her record, so her
/// home shows her household, courses and reports. And the community's contact phone and the
/// building head's phone on the neighbour cards.
fn link_resident_account(c: &mut dyn Conn, community_id: i64, now: DateTime<Utc>) -> Result<()> {
    let tenant = linli_store::Tenant::new(community_id);
    let her = c
        .query_opt(
            "SELECT id FROM residents WHERE community_id = ? AND name = '陈玉兰' ORDER BY id",
            params![community_id],
        )?
        .map(|r| r.int(0))
        .transpose()?;
    let account = users::find_for_login(c, "jumin")?.map(|(u, _)| u.id);
    if let (Some(rid), Some(uid)) = (her, account) {
        users::link_resident(c, tenant, uid, rid, None, now)?;
    }
    places::set_contact_phone(c, tenant, DEMO_CONTACT_PHONE, now)?;
    if let Some((head, _)) = users::find_for_login(c, "louzhang")? {
        users::set_card_phone(c, head.id, DEMO_HEAD_PHONE)?;
    }
    Ok(())
}

/// The seed's named people only (夏胜林's family, 米丽芳, 杨静 and her daughter, 张君, 陈玉兰):
/// the small, fast fixture the integration tests use.
pub fn seed_story_people(db: &Db, now: DateTime<Utc>) -> Result<i64> {
    let community_id = seed_demo(db, now)?;
    db.write_blocking(|c| {
        if registry::count_active(c, linli_store::Tenant::new(community_id))?.0 == 0 {
            population::populate(c, community_id, now, false)?;
            link_resident_account(c, community_id, now)?;
        }
        Ok(community_id)
    })
}
