//! The staff home page (工作台): the figures that exist at this stage, and recent activity.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use linli_core::assistance::ApplicationKind;
use linli_core::{Action, Decision, PlaceKind, Role};
use maud::html;

/// A dozen panels, each a small read: on one thread, one hand-off for the page.
async fn home(ctx: Ctx) -> Result<Response, AppError> {
    crate::metrics::on_one_thread(ctx.state.app.db.clone(), home_page(ctx)).await?
}

async fn home_page(ctx: Ctx) -> Result<Response, AppError> {
    if ctx.actor()?.is_resident_only() {
        return super::me::resident_home(&ctx).await;
    }
    // A street account's work is its communities side by side.
    if ctx.caller()?.community.is_none() && !ctx.caller()?.grants.is_empty() {
        return Ok(axum::response::Redirect::to("/street").into_response());
    }
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let see_audit = caller.decide(Action::ViewAudit, None) == Decision::Allow;
    let figures = linli_app::me::figures(&ctx.state.app, &ctx.actor()?).await?;
    let due = match &ctx.caller {
        Some(_) => linli_app::assistance::due_work(&ctx.state.app, &ctx.actor()?).await?,
        None => Vec::new(),
    };
    let rechecks_panel = super::dibao::home_panel(&ctx).await?;
    let visits_panel = super::visits::home_panel(&ctx).await?;
    let learning_panel = super::learning::home_panel(&ctx).await?;
    let partners_panel = super::partners::home_panel(&ctx).await?;
    let fund_panel = super::fund::home_panel(&ctx).await?;
    let corrections_panel = super::corrections::home_panel(&ctx).await?;
    let claims_panel = super::claims::home_panel(&ctx).await?;
    let volunteers_panel = super::volunteers::home_panel(&ctx).await?;
    let publicity_panel = super::publicity::home_panel(&ctx).await?;
    // A building head's buildings, each with what she does there from her phone.
    let buildings: Vec<_> = caller.grants.iter().filter(|g| g.role == Role::BuildingHead).collect();
    let cards = caller.decide(Action::ViewCases, None) == Decision::Allow;
    let report = caller.decide(Action::ViewAffairs, None) == Decision::Allow;
    let has_figures =
        figures.residents.is_some() || figures.places.is_some() || figures.roles.is_some();
    let count = |k: PlaceKind| {
        figures.places.as_ref().and_then(|p| p.iter().find(|(x, _)| *x == k)).map_or(0, |x| x.1)
    };
    let manage = caller.decide(Action::ManagePlaces, None) == Decision::Allow;
    let body = html! {
        p.lead { (tf(lang, if has_figures { "home.greeting" } else { "home.greeting_short" }, &[("name", &caller.user.display_name)])) }
        @if has_figures {
            section.stats aria-label=(t(lang, "home.figures")) {
                @if let Some((persons, households)) = figures.residents {
                    (layout::stat(&t(lang, "home.residents"), persons, &t(lang, "unit.ren_persons"), Some("/residents")))
                    (layout::stat(&t(lang, "home.households"), households, &t(lang, "unit.hu"), Some("/residents")))
                }
                @if figures.places.is_some() {
                    (layout::stat(&t(lang, "home.grids"), count(PlaceKind::Grid), &t(lang, "unit.ge"), Some("/places")))
                    (layout::stat(&t(lang, "home.buildings"), count(PlaceKind::Building), &t(lang, "unit.dong"), Some("/places")))
                    (layout::stat(&t(lang, "home.units"), count(PlaceKind::Unit), &t(lang, "unit.ge"), Some("/places")))
                }
                @if let Some(roles) = &figures.roles {
                    (layout::stat(&t(lang, "home.accounts"), roles.iter().map(|r| r.1).sum::<i64>(), &t(lang, "unit.ge"), Some("/users")))
                }
                @if let Some(n) = figures.today {
                    (layout::stat(&t(lang, "home.today_events"), n, &t(lang, "unit.tiao"), Some("/audit")))
                }
            }
        }
        @if !due.is_empty() {
            section.panel.due-work {
                h2 { (t(lang, "home.due_work")) }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "home.due_work")) {
                    table.table.compact {
                        thead { tr { th { (t(lang, "cases.state")) } th { (t(lang, "cases.due")) } th { (t(lang, "cases.person")) } th { (t(lang, "cases.application_kind")) } th { (t(lang, "cases.step")) } } }
                        tbody {
                            @for (id, name, kind, step, due_on, u) in &due {
                                tr {
                                    td { (super::cases::urgency_chip(lang, *u)) }
                                    td.nowrap { (due_on) }
                                    td { a href={ "/applications/" (id) } { (name) } }
                                    td { (ApplicationKind::parse(kind).map_or(kind.clone(), |k| label(lang, "application_kind", k.as_str()))) }
                                    td { (step) }
                                }
                            }
                        }
                    }
                }
            }
        }
        (rechecks_panel)
        @if !buildings.is_empty() {
            section.panel #my-buildings {
                h2 { (t(lang, "home.my_buildings")) }
                @for g in &buildings {
                    div.building {
                        h3 { (g.place_name) }
                        p.actions {
                            a.btn href={ "/residents?building=" (g.place_id) } { (t(lang, "home.building_roster")) }
                            @if cards { a.btn href={ "/neighbor-cards?building=" (g.place_id) } { (t(lang, "home.building_cards")) } }
                        }
                    }
                }
                @if report {
                    p.actions {
                        a.btn href="/public/report" { (t(lang, "home.report_for")) }
                        a.btn href="/affairs" { (t(lang, "home.building_affairs")) }
                    }
                }
            }
        }
        (fund_panel)
        (claims_panel)
        (corrections_panel)
        (visits_panel)
        (learning_panel)
        (partners_panel)
        (volunteers_panel)
        (publicity_panel)
        div.columns {
            section.panel {
                h2 { (t(lang, "home.my_scope")) }
                ul.plain {
                    @for g in caller.grants.iter() {
                        li { (layout::chip("info", &t(lang, g.role.label_key()))) " " (g.place_name) }
                    }
                }
                @if let Some(roles) = &figures.roles {
                    h3 { (t(lang, "home.roles")) }
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "home.roles")) {
                        table.table.compact {
                            tbody {
                                @for (role, n) in roles {
                                    tr { th scope="row" { (t(lang, role.label_key())) } td.num { (n) } }
                                }
                            }
                        }
                    }
                }
                @if manage {
                    p.actions {
                        a.btn href="/places" { (t(lang, "home.go_places")) }
                        a.btn href="/users/new" { (t(lang, "home.go_new_user")) }
                        a.btn href="/settings/community" { (t(lang, "portal.settings_title")) }
                    }
                }
            }
            @if see_audit {
                section.panel {
                    h2 { (t(lang, "home.recent")) }
                    @if figures.recent.is_empty() {
                        (layout::empty(&t(lang, "home.recent_empty"), None))
                    } @else {
                        ul.timeline {
                            @for r in &figures.recent {
                                li {
                                    time { (r.at.minute()) }
                                    " " strong { (r.actor) } " " (super::audit::action_label(lang, &r.action))
                                }
                            }
                        }
                        p { a href="/audit" { (t(lang, "home.all_audit")) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "home.title"), &[], None, body))
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/", Policy::Signed(Action::ViewHome), home)
}
