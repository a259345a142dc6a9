//! Neighbour cards (睦邻卡): one card per unit (stairwell), read by `linli_app::cards`, printed
//! four A6 cards to an A4 sheet to cut and post in the stairwell. Every card is complete on its
//! own (neighbours, building head, committee, service station, emergency numbers); a long list
//! continues on a card marked （续）.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Query;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::cards::{self as ops, BuildingCards, NeighbourCard};
use linli_core::{Action, Decision};
use maud::{Markup, html};
use serde::Deserialize;

/// Cards on one printed A4 sheet (2 × 2 A6).
const CARDS_PER_SHEET: usize = 4;

#[derive(Deserialize)]
struct CardQuery {
    building: Option<i64>,
}

async fn cards(ctx: Ctx, Query(q): Query<CardQuery>) -> Result<Response, AppError> {
    render(&ctx, q.building, None, StatusCode::OK).await
}

/// The page; `phone_form` keeps what a building head typed for her own phone, with its error.
async fn render(
    ctx: &Ctx,
    requested: Option<i64>,
    phone_form: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let buildings = ops::buildings(&ctx.state.app, &actor).await?;
    // A building outside hers (a stale link) shows her first building, never the other's.
    let chosen =
        requested.and_then(|b| buildings.iter().find(|p| p.id == b)).or_else(|| buildings.first());
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    let Some(building) = chosen else {
        return Ok(layout::page(
            ctx,
            &t(lang, "cards.title"),
            &crumbs,
            None,
            layout::empty(&t(lang, "places.empty"), None),
        ));
    };
    let set = ops::of_building(&ctx.state.app, &actor, building.id).await?;
    let own_phone = ops::own_card_phone(&ctx.state.app, &actor).await?;
    let is_head_here = own_phone.is_some()
        && caller
            .grants
            .iter()
            .any(|g| g.role == linli_core::Role::BuildingHead && building.path.is_within(&g.path));
    let manage = caller.decide(Action::ManageCases, Some(&building.path)) == Decision::Allow;
    let sheets = set.cards.len().div_ceil(CARDS_PER_SHEET);
    let body = html! {
        div.cards-page {
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
            p.hint.no-print { (t(lang, "cards.hint")) " " (tf(lang, "cards.count", &[("cards", &set.cards.len().to_string()), ("sheets", &sheets.to_string())])) }
            @if !set.units_without_helpers.is_empty() {
                p.flash.flash-warn.no-print { (tf(lang, "cards.bare_units", &[("units", &set.units_without_helpers.iter().map(|u| format!("{}{u}", set.building)).collect::<Vec<_>>().join("、"))])) }
            }
            @if set.committee_phone.is_empty() {
                p.flash.flash-warn.no-print { (t(lang, "cards.no_committee_phone")) }
            }
            @if is_head_here {
                (phone_form_markup(lang, &caller.csrf_token, building.id, own_phone.unwrap_or_default(), phone_form))
            }
            div.cards {
                @for (i, sheet) in set.cards.chunks(CARDS_PER_SHEET).enumerate() {
                    div.card-sheet.last-sheet[i + 1 == sheets] {
                        @for card in sheet { (card_markup(lang, &set, card)) }
                    }
                }
            }
            @if manage {
                (helper_forms(lang, &caller.csrf_token, &set))
            }
        }
    };
    Ok(layout::page_with_status(
        ctx,
        status,
        &format!("{} · {}", t(lang, "cards.title"), building.name),
        &crumbs,
        None,
        body,
    ))
}

/// One printed card: the same contacts on every card, the unit's neighbours of this part.
fn card_markup(lang: Lang, set: &BuildingCards, card: &NeighbourCard) -> Markup {
    html! {
        section.card data-unit=(card.unit_id) data-part=(card.part) {
            @if card.parts > 1 { span.card-part { (card.part) "/" (card.parts) } }
            h2.card-title {
                (set.building) (card.unit) " "
                @if card.part > 1 { (t(lang, "cards.card_continued")) } @else { (t(lang, "cards.card")) }
            }
            p.card-motto { (t(lang, "cards.motto")) }
            h3 { (t(lang, "cards.neighbours")) }
            @if card.neighbours.is_empty() { p.card-none { (t(lang, "cards.none_yet")) } }
            ul.card-neighbours {
                @for n in &card.neighbours {
                    li {
                        span.card-line {
                            span.card-name { (n.name) }
                            span.card-room { (n.household) }
                            @match &n.phone {
                                Some(p) => span.card-phone { (p) },
                                None => span.card-knock { (t(lang, "cards.knock")) },
                            }
                        }
                        @if !n.helps_with.is_empty() {
                            span.card-helps { (t(lang, "cards.helps")) "：" (n.helps_with) }
                        }
                    }
                }
            }
            div.card-contacts {
                p.card-head {
                    strong { (t(lang, "cards.head")) "：" }
                    @if set.heads.is_empty() { (t(lang, "cards.no_head")) }
                    @for (i, h) in set.heads.iter().enumerate() {
                        @if i > 0 { "、" }
                        span.card-name { (h.name) } " "
                        @if h.phone.is_empty() { (t(lang, "cards.head_no_phone")) } @else { span.card-phone { (h.phone) } }
                    }
                }
                p.card-committee {
                    strong { (t(lang, "cards.committee")) "：" }
                    @if set.committee_phone.is_empty() { (t(lang, "cards.committee_visit")) } @else { span.card-phone { (set.committee_phone) } }
                }
                @if let Some(st) = &set.station {
                    p.card-station {
                        strong { (t(lang, "cards.station")) "：" } (st.name)
                        @if !st.location.is_empty() { "（" (st.location) "）" }
                        @if !st.hours.is_empty() { " " (st.hours) }
                        @if !st.contact.is_empty() { " " (t(lang, "cards.phone")) " " span.card-phone { (st.contact) } }
                        @if !st.services.is_empty() { " " (st.services) }
                    }
                }
                p.card-emergency { (t(lang, "cards.emergency")) }
            }
        }
    }
}

/// The building head's own phone, printed on her buildings' cards.
fn phone_form_markup(
    lang: Lang,
    csrf: &str,
    building: i64,
    current: String,
    typed: Option<(String, String)>,
) -> Markup {
    let (value, error) = match typed {
        Some((v, e)) => (v, Some(e)),
        None => (current, None),
    };
    html! {
        form.no-print.form.head-phone-form method="post" action="/neighbor-cards/head-phone" novalidate {
            input type="hidden" name="_csrf" value=(csrf);
            input type="hidden" name="building" value=(building);
            (layout::field(lang, "card_phone", "cards.head_phone", "tel", &value, error, Some("tel")))
            p.hint { (t(lang, "cards.head_phone_hint")) }
            div.form-actions { button.btn.btn-small type="submit" { (t(lang, "common.save")) } }
        }
    }
}

/// Registering helpers, one form per unit, apart from the cards so nothing of it prints.
fn helper_forms(lang: Lang, csrf: &str, set: &BuildingCards) -> Markup {
    html! {
        section.no-print.helper-forms {
            h2 { (t(lang, "cards.set_helper")) }
            @for card in set.cards.iter().filter(|c| c.part == 1) {
                @let all: Vec<_> = set.cards.iter().filter(|c| c.unit_id == card.unit_id).flat_map(|c| c.neighbours.iter()).collect();
                @if !all.is_empty() {
                    form.inline.helper-form method="post" action="/neighbor-cards/helpers" {
                        input type="hidden" name="_csrf" value=(csrf);
                        input type="hidden" name="building" value=(set.building_id);
                        strong { (set.building) (card.unit) } " "
                        select name="resident_id" aria-label=(t(lang, "cards.helper")) {
                            @for n in &all { option value=(n.resident_id) { (n.name) " " (n.household) } }
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

#[derive(Deserialize)]
struct HelperForm {
    resident_id: i64,
    #[serde(default)]
    helps_with: String,
    building: Option<i64>,
}

/// Records what a consenting neighbour helps with (接送、代买、看护 …); empty text stops it.
async fn helper_submit(ctx: Ctx, Form(f): Form<HelperForm>) -> Result<Response, AppError> {
    linli_app::visits::set_helper(&ctx.state.app, &ctx.actor()?, f.resident_id, &f.helps_with)
        .await?;
    let back = match f.building {
        Some(b) => format!("/neighbor-cards?building={b}"),
        None => "/neighbor-cards".to_string(),
    };
    Ok(redirect_with_flash(&back, true, "flash.helper_saved"))
}

#[derive(Deserialize)]
struct HeadPhoneForm {
    #[serde(default)]
    card_phone: String,
    building: Option<i64>,
}

/// A building head sets the phone printed for her on the cards; a wrong number stays in the
/// field with the error beside it.
async fn head_phone_submit(ctx: Ctx, Form(f): Form<HeadPhoneForm>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    match ops::set_own_card_phone(&ctx.state.app, &ctx.actor()?, &f.card_phone).await {
        Ok(_) => {
            let back = match f.building {
                Some(b) => format!("/neighbor-cards?building={b}"),
                None => "/neighbor-cards".to_string(),
            };
            Ok(redirect_with_flash(&back, true, "flash.saved"))
        }
        Err(linli_app::Error::Invalid { code, .. }) => {
            let msg = t(lang, &format!("error.{code}"));
            render(&ctx, f.building, Some((f.card_phone, msg)), StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        Err(e) => Err(e.into()),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/neighbor-cards", Policy::Signed(Action::ViewResidents), cards)
        .page(
            Method::POST,
            "/neighbor-cards/helpers",
            Policy::Signed(Action::ManageCases),
            helper_submit,
        )
        .page(
            Method::POST,
            "/neighbor-cards/head-phone",
            Policy::Signed(Action::ViewResidents),
            head_phone_submit,
        )
}
