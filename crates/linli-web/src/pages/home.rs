//! The staff home page (工作台): the figures that exist at this stage, and recent activity.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use chrono::{Duration, TimeZone, Utc};
use linli_core::{Action, Decision, PlaceKind, Role};
use linli_store::{audit, places, registry, users};
use maud::html;

struct Figures {
    /// Active residents (人数) and the households they live in.
    residents: (i64, i64),
    places: Vec<(PlaceKind, i64)>,
    roles: Vec<(Role, i64)>,
    today: i64,
    recent: Vec<audit::Record>,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let see_audit = caller.decide(Action::ViewAudit, None) == Decision::Allow;
    // Midnight in Shanghai, as UTC.
    let local = linli_core::clock::shanghai(ctx.now);
    let midnight = local
        .date()
        .and_hms_opt(0, 0, 0)
        .map(|m| Utc.from_utc_datetime(&(m - Duration::hours(8))));
    let figures = match caller.community_id() {
        Some(cid) => Some(
            state
                .db
                .read(move |c| {
                    Ok::<_, AppError>(Figures {
                        residents: registry::count_active(c, cid)?,
                        places: places::count_by_kind(c, cid)?,
                        roles: users::count_by_role(c, cid)?,
                        today: match midnight {
                            Some(m) => audit::count_since(c, cid, m)?,
                            None => 0,
                        },
                        recent: if see_audit {
                            audit::list(c, cid, 1, 8)?.0
                        } else {
                            Vec::new()
                        },
                    })
                })
                .await?,
        ),
        None => None,
    };
    let due = match &ctx.caller {
        Some(_) => linli_app::assistance::due_work(&state.app, &ctx.actor()?).await?,
        None => Vec::new(),
    };
    let visits_panel = super::visits::home_panel(&state, &ctx).await?;
    let learning_panel = super::learning::home_panel(&state, &ctx).await?;
    let partners_panel = super::partners::home_panel(&state, &ctx).await?;
    let count = |k: PlaceKind| {
        figures
            .as_ref()
            .and_then(|f| f.places.iter().find(|(x, _)| *x == k))
            .map_or(0, |x| x.1)
    };
    let accounts: i64 = figures
        .as_ref()
        .map_or(0, |f| f.roles.iter().map(|r| r.1).sum());
    let manage = caller.decide(Action::ManagePlaces, None) == Decision::Allow;
    let body = html! {
        p.lead { (tf(lang, "home.greeting", &[("name", &caller.user.display_name)])) }
        section.stats aria-label=(t(lang, "home.figures")) {
            (layout::stat(&t(lang, "home.residents"), figures.as_ref().map_or(0, |f| f.residents.0), &t(lang, "unit.ren_persons"), (caller.decide(Action::ViewResidents, None) == Decision::Allow).then_some("/residents")))
            (layout::stat(&t(lang, "home.households"), figures.as_ref().map_or(0, |f| f.residents.1), &t(lang, "unit.hu"), None))
            (layout::stat(&t(lang, "home.grids"), count(PlaceKind::Grid), &t(lang, "unit.ge"), Some("/places")))
            (layout::stat(&t(lang, "home.buildings"), count(PlaceKind::Building), &t(lang, "unit.dong"), Some("/places")))
            (layout::stat(&t(lang, "home.units"), count(PlaceKind::Unit), &t(lang, "unit.ge"), Some("/places")))
            (layout::stat(&t(lang, "home.accounts"), accounts, &t(lang, "unit.ge"), (caller.decide(Action::ViewUsers, None) == Decision::Allow).then_some("/users")))
            (layout::stat(&t(lang, "home.today_events"), figures.as_ref().map_or(0, |f| f.today), &t(lang, "unit.tiao"), see_audit.then_some("/audit")))
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
                                    td { (kind) }
                                    td { (step) }
                                }
                            }
                        }
                    }
                }
            }
        }
        (visits_panel)
        (learning_panel)
        (partners_panel)
        div.columns {
            section.panel {
                h2 { (t(lang, "home.my_scope")) }
                ul.plain {
                    @for g in &caller.grants {
                        li { (layout::chip("info", &t(lang, g.role.label_key()))) " " (g.place_name) }
                    }
                }
                @if let Some(f) = &figures {
                    h3 { (t(lang, "home.roles")) }
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "home.roles")) {
                        table.table.compact {
                            tbody {
                                @for (role, n) in &f.roles {
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
                    }
                }
            }
            @if see_audit {
                section.panel {
                    h2 { (t(lang, "home.recent")) }
                    @if let Some(f) = &figures {
                        @if f.recent.is_empty() {
                            (layout::empty(&t(lang, "home.recent_empty"), None))
                        } @else {
                            ul.timeline {
                                @for r in &f.recent {
                                    li {
                                        time { (super::audit::local_time(&r.at)) }
                                        " " strong { (r.actor) } " " (super::audit::action_label(lang, &r.action))
                                    }
                                }
                            }
                            p { a href="/audit" { (t(lang, "home.all_audit")) } }
                        }
                    }
                }
            }
        }
        section.panel.upcoming {
            h2 { (t(lang, "home.modules")) }
            p.hint { (t(lang, "home.modules_hint")) }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "home.title"), &[], None, body))
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/", Policy::Signed(Action::ViewHome), home)
}
