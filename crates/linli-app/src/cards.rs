//! Neighbour cards (睦邻卡): one card per unit (stairwell) with the neighbours who agreed to be
//! on it — what they help with, their phones only where they agreed to be contacted — and on
//! every card the building head with her phone, the committee's phone, the service station and
//! the emergency numbers. A long list continues on further cards of the same unit (（续）),
//! split by [`linli_core::cards`] so that no printed A6 card is cut.

use crate::{Actor, App, Error, Result};
use linli_core::{Action, PlaceKind, cards as layout};
use linli_store::places::{self, Place};
use linli_store::{Tenant, assistance, registry, users, visits};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

/// The cards of one building, ready to print.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BuildingCards {
    pub building_id: i64,
    pub building: String,
    /// The building heads, on every card; none: the committee stands in.
    pub heads: Vec<CardHead>,
    /// The residents' committee's phone (the community's contact phone), empty when not set.
    pub committee_phone: String,
    /// The community's first open service station, on every card.
    pub station: Option<CardStation>,
    /// Every unit's cards in order, continuation cards after the first.
    pub cards: Vec<NeighbourCard>,
    /// Units where no neighbour on the card offers help yet: the worker's list to act on.
    pub units_without_helpers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CardHead {
    pub name: String,
    /// Empty when she has not set one: the card sends people to the committee.
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CardStation {
    pub name: String,
    pub location: String,
    pub hours: String,
    pub contact: String,
    pub services: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NeighbourCard {
    pub unit_id: i64,
    pub unit: String,
    /// 1 for the unit's first card, 2… for its continuation cards.
    pub part: usize,
    /// How many cards the unit has.
    pub parts: usize,
    pub neighbours: Vec<CardNeighbour>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CardNeighbour {
    pub resident_id: i64,
    pub name: String,
    /// The household's number (门牌).
    pub household: String,
    /// What she offers to help with; empty when she is on the card without an offer.
    pub helps_with: String,
    /// Only when she agreed to be contacted.
    pub phone: Option<String>,
}

/// The buildings whose cards the actor may print.
pub async fn buildings(app: &App, actor: &Actor) -> Result<Vec<Place>> {
    let scopes = actor.scopes(Action::ViewResidents);
    let all = app.read(move |c| places::list_within(c, &scopes)).await?;
    Ok(all.into_iter().filter(|p| p.kind == PlaceKind::Building).collect())
}

/// The cards of `building_id`. Not found unless it is a building the actor may see the
/// residents of (another community's, another head's building).
pub async fn of_building(app: &App, actor: &Actor, building_id: i64) -> Result<BuildingCards> {
    let tenant = actor.tenant()?;
    let building = app.read(move |c| places::get_in(c, tenant, building_id)).await?;
    if building.kind != PlaceKind::Building {
        return Err(Error::NotFound);
    }
    actor.require(app, Action::ViewResidents, &building).await?;
    let adults_born_by =
        (actor.today() - chrono::Duration::days(18 * 365 + 4)).format("%Y-%m-%d").to_string();
    let b = building.clone();
    app.read(move |c| read_cards(c, tenant, &b, &adults_born_by)).await
}

fn read_cards(
    c: &mut dyn linli_store::Conn,
    tenant: Tenant,
    building: &Place,
    adults_born_by: &str,
) -> Result<BuildingCards> {
    let all = places::list_within(c, std::slice::from_ref(&building.path))?;
    let units: Vec<&Place> = all
        .iter()
        .filter(|p| p.kind == PlaceKind::Unit && p.parent_id == Some(building.id))
        .collect();
    let neighbours = registry::card_neighbours(c, building.id, adults_born_by)?;
    let helpers = visits::helpers_of_building(c, building.id)?;
    let heads: Vec<CardHead> = users::heads_of(c, tenant, &building.path)?
        .into_iter()
        .map(|h| CardHead { name: h.name, phone: h.card_phone })
        .collect();
    let committee_phone = places::contact_phone(c, tenant)?;
    let station = assistance::stations(c, tenant, true)?.into_iter().next().map(|s| CardStation {
        name: s.name,
        location: s.location,
        hours: s.hours,
        contact: s.contact,
        services: s.services,
    });
    // What every card repeats, measured as the card prints it.
    let heads_line: String = heads
        .iter()
        .map(|h| match h.phone.as_str() {
            "" => format!("{}（电话请问居委会）", h.name),
            p => format!("{} {p}", h.name),
        })
        .collect::<Vec<_>>()
        .join("、");
    let station_line = station.as_ref().map_or(String::new(), |s| {
        format!(
            "便民服务站：{}（{}）{} 电话 {} {}",
            s.name, s.location, s.hours, s.contact, s.services
        )
    });
    let budget = layout::neighbour_budget(&[&format!("楼长：{heads_line}"), &station_line]);

    let mut cards = Vec::new();
    let mut units_without_helpers = Vec::new();
    for unit in units {
        // Helpers first: what the card is for. Then the others who agreed to be on it.
        let mut ns: Vec<CardNeighbour> = neighbours
            .iter()
            .filter(|n| n.unit_id == unit.id)
            .map(|n| CardNeighbour {
                resident_id: n.resident_id,
                name: n.name.clone(),
                household: n.household.clone(),
                helps_with: helpers.get(&n.resident_id).cloned().unwrap_or_default(),
                phone: n.phone.clone().filter(|p| !p.trim().is_empty()),
            })
            .collect();
        ns.sort_by_key(|n| n.helps_with.is_empty());
        if ns.iter().all(|n| n.helps_with.is_empty()) {
            units_without_helpers.push(unit.name.clone());
        }
        let lines: Vec<usize> =
            ns.iter().map(|n| layout::neighbour_lines(Some(&n.helps_with))).collect();
        let parts = layout::split(&lines, budget);
        let count = parts.len();
        for (i, range) in parts.into_iter().enumerate() {
            cards.push(NeighbourCard {
                unit_id: unit.id,
                unit: unit.name.clone(),
                part: i + 1,
                parts: count,
                neighbours: ns.get(range).map(<[_]>::to_vec).unwrap_or_default(),
            });
        }
    }
    Ok(BuildingCards {
        building_id: building.id,
        building: building.name.clone(),
        heads,
        committee_phone,
        station,
        cards,
        units_without_helpers,
    })
}

/// The phone a building head has printed on her buildings' cards (her own; empty clears it).
/// Checked like the registry's phones; audited as `cards.head_phone`.
pub async fn set_own_card_phone(app: &App, actor: &Actor, phone: &str) -> Result<String> {
    let tenant = actor.tenant()?;
    let user_id = actor.user_id().ok_or(Error::Unauthenticated)?;
    if !actor.grants().iter().any(|g| g.role == linli_core::Role::BuildingHead) {
        actor.record_denial(app, Action::ViewResidents, None).await;
        return Err(Error::Forbidden);
    }
    let phone = match phone.trim() {
        "" => String::new(),
        p => linli_core::roster::parse_phone(p)
            .map_err(|_| Error::invalid("phone_bad", "card_phone"))?,
    };
    let before = app.read(move |c| users::card_phone(c, user_id)).await?;
    app.write(actor, move |tx| {
        users::set_card_phone(tx.c, user_id, &phone)?;
        tx.audit_change(
            tenant,
            "cards.head_phone",
            "user",
            user_id,
            // Masked like every phone in the log.
            Some(json!({"card_phone": linli_core::mask::mask_phone(&before)})),
            json!({"card_phone": linli_core::mask::mask_phone(&phone)}),
        )?;
        Ok(phone)
    })
    .await
}

/// The signed-in building head's own card phone (`None` for other accounts).
pub async fn own_card_phone(app: &App, actor: &Actor) -> Result<Option<String>> {
    let Some(user_id) = actor.user_id() else {
        return Ok(None);
    };
    if !actor.grants().iter().any(|g| g.role == linli_core::Role::BuildingHead) {
        return Ok(None);
    }
    Ok(Some(app.read(move |c| users::card_phone(c, user_id)).await?))
}
