//! Neighbour cards (睦邻卡): one card per unit (stairwell) with the neighbours who agreed to help,
//! their phones only where they agreed to be contacted, the building head and the emergency
//! numbers. Printed four to an A4 sheet to cut and post in the stairwell.

use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_core::{Action, Decision, PlaceKind, Role};
use linli_store::places::{self, Place};
use linli_store::registry::{self, CardNeighbour};
use linli_store::users;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize)]
struct CardQuery {
    building: Option<i64>,
}

async fn cards(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CardQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let scopes = caller.scopes(Action::ViewResidents);
    let all = state
        .db
        .read(move |c| places::list_within(c, &scopes))
        .await?;
    let buildings: Vec<Place> = all
        .iter()
        .filter(|p| p.kind == PlaceKind::Building)
        .cloned()
        .collect();
    let chosen = q
        .building
        .and_then(|b| buildings.iter().find(|p| p.id == b).cloned())
        .or_else(|| buildings.first().cloned());
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    let Some(building) = chosen else {
        return Ok(layout::page(
            &ctx,
            &t(lang, "cards.title"),
            &crumbs,
            None,
            layout::empty(&t(lang, "places.empty"), None),
        ));
    };
    caller
        .require(&state, &ctx, Action::ViewResidents, &building)
        .await?;
    let units: Vec<Place> = all
        .iter()
        .filter(|p| p.kind == PlaceKind::Unit && p.parent_id == Some(building.id))
        .cloned()
        .collect();
    let adults = (linli_core::clock::shanghai(ctx.now).date()
        - chrono::Duration::days(18 * 365 + 4))
    .format("%Y-%m-%d")
    .to_string();
    let (bid, bpath) = (building.id, building.path.clone());
    let community = caller.community_id().unwrap_or(0);
    let (neighbours, heads, stations, helpers) = state
        .db
        .read(move |c| {
            let n = registry::card_neighbours(c, bid, &adults)?;
            let helpers = linli_store::visits::helpers_of_building(c, bid)?;
            let stations = linli_store::assistance::stations(c, community, true)?;
            // The building heads whose grant covers this building.
            let heads: Vec<String> = users::list_within(c, std::slice::from_ref(&bpath))?
                .into_iter()
                .filter(|(_, g)| {
                    g.iter()
                        .any(|g| g.role == Role::BuildingHead && bpath.is_within(&g.path))
                })
                .map(|(u, _)| u.display_name)
                .collect();
            Ok::<_, AppError>((n, heads, stations, helpers))
        })
        .await?;
    let of_unit = |u: &Place| -> Vec<&CardNeighbour> {
        neighbours.iter().filter(|n| n.unit_id == u.id).collect()
    };
    // A unit where no neighbour has offered help: the worker's list to act on.
    let bare: Vec<&Place> = units
        .iter()
        .filter(|u| {
            !of_unit(u)
                .iter()
                .any(|n| helpers.contains_key(&n.resident_id))
        })
        .collect();
    let manage = caller.decide(Action::ManageCases, Some(&building.path)) == Decision::Allow;
    let body = html! {
        form.no-print.filters method="get" action="/neighbor-cards" {
            div.filter-row {
                div.field {
                    label for="building" { (t(lang, "place.building")) }
                    select #building name="building" {
                        @for b in &buildings { option value=(b.id) selected[b.id == building.id] { (b.name) } }
                    }
                }
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "cards.show")) } }
            }
        }
        p.hint.no-print { (t(lang, "cards.hint")) }
        @if !bare.is_empty() {
            p.flash.flash-warn.no-print { (tf(lang, "cards.bare_units", &[("units", &bare.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、"))])) }
        }
        div.cards {
            @for u in &units {
                section.card {
                    h2 { (building.name) (u.name) " " (t(lang, "cards.card")) }
                    p.card-motto { (t(lang, "cards.motto")) }
                    h3 { (t(lang, "cards.neighbours")) }
                    @let ns = of_unit(u);
                    @if ns.is_empty() { p.hint { (t(lang, "cards.none_yet")) } }
                    table.card-table {
                        tbody {
                            @for n in ns.iter().take(8) {
                                tr {
                                    td { (n.name) }
                                    td { (n.household) }
                                    td.helps { (helpers.get(&n.resident_id).cloned().unwrap_or_default()) }
                                    td.mono { (n.phone.clone().unwrap_or_else(|| t(lang, "cards.ask_head"))) }
                                }
                            }
                        }
                    }
                    p { strong { (t(lang, "cards.head")) "：" } (if heads.is_empty() { t(lang, "cards.no_head") } else { heads.join("、") }) }
                    @if let Some(st) = stations.first() {
                        p.card-station { strong { (t(lang, "cards.station")) "：" } (st.name) "（" (st.location) "）" (st.services) }
                    }
                    p.card-emergency { (t(lang, "cards.emergency")) }
                    @if manage && !ns.is_empty() {
                        details.no-print.helper-form {
                            summary { (t(lang, "cards.set_helper")) }
                            form.inline method="post" action="/neighbor-cards/helpers" {
                                input type="hidden" name="_csrf" value=(caller.csrf_token);
                                input type="hidden" name="building" value=(building.id);
                                select name="resident_id" aria-label=(t(lang, "cards.helper")) {
                                    @for n in &ns { option value=(n.resident_id) { (n.name) " " (n.household) } }
                                }
                                " "
                                input type="text" name="helps_with" placeholder=(t(lang, "cards.helps_with_hint")) aria-label=(t(lang, "cards.helps_with"));
                                " " button.btn.btn-small type="submit" { (t(lang, "common.save")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &ctx,
        &format!("{} · {}", t(lang, "cards.title"), building.name),
        &crumbs,
        None,
        body,
    ))
}

#[derive(Deserialize)]
struct HelperForm {
    resident_id: i64,
    #[serde(default)]
    helps_with: String,
    building: Option<i64>,
}

/// Records what a consenting neighbour helps with (接送、代买、看护 …); empty text stops it.
async fn helper_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<HelperForm>,
) -> Result<Response, AppError> {
    linli_app::visits::set_helper(&state.app, &ctx.actor()?, f.resident_id, &f.helps_with).await?;
    let back = match f.building {
        Some(b) => format!("/neighbor-cards?building={b}"),
        None => "/neighbor-cards".to_string(),
    };
    Ok(redirect_with_flash(&back, true, "flash.helper_saved"))
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/neighbor-cards",
        Policy::Signed(Action::ViewResidents),
        cards,
    )
    .page(
        Method::POST,
        "/neighbor-cards/helpers",
        Policy::Signed(Action::ManageCases),
        helper_submit,
    )
}
