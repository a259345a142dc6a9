//! The place tree pages: list, detail, create, rename, move, over `linli_app::places` (which
//! the JSON API shares).

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Path;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::places as ops;
use linli_core::{Action, Decision, PlaceKind};
use linli_store::places::Place;
use maud::{Markup, html};
use serde::Deserialize;

pub fn place_label(lang: Lang, kind: PlaceKind) -> String {
    t(lang, kind.label_key())
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let all = ops::list(&ctx.state.app, &ctx.actor()?, Action::ViewPlaces).await?;
    let children = |id: i64| all.iter().filter(move |p| p.parent_id == Some(id));
    let tops: Vec<&Place> = all
        .iter()
        .filter(|p| p.parent_id.is_none_or(|pid| !all.iter().any(|q| q.id == pid)))
        .collect();
    let building_rows = |parent: &Place| -> Markup {
        let buildings: Vec<&Place> =
            children(parent.id).filter(|p| p.kind == PlaceKind::Building).collect();
        html! {
            @if !buildings.is_empty() {
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table {
                        thead { tr { th scope="col" { (t(lang, "place.building")) } th scope="col" { (t(lang, "places.units")) } th.num scope="col" { (t(lang, "places.unit_count")) } } }
                        tbody {
                            @for b in &buildings {
                                @let units: Vec<&Place> = children(b.id).collect();
                                tr {
                                    th scope="row" { a href={ "/places/" (b.id) } { (b.name) } }
                                    td { @for u in &units { a.tag href={ "/places/" (u.id) } { (u.name) } " " } }
                                    td.num { (units.len()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let render_node = |p: &Place| -> Markup {
        html! {
            section.panel {
                h2 { a href={ "/places/" (p.id) } { (p.name) } " " (layout::chip("muted", &place_label(lang, p.kind))) }
                @let grids: Vec<&Place> = children(p.id).filter(|c| c.kind == PlaceKind::Grid).collect();
                (building_rows(p))
                @for g in grids {
                    h3 { a href={ "/places/" (g.id) } { (g.name) } " " (layout::chip("muted", &place_label(lang, PlaceKind::Grid))) }
                    (building_rows(g))
                    @if children(g.id).next().is_none() { p.hint { (t(lang, "places.no_buildings")) } }
                }
                @if p.kind == PlaceKind::Building {
                    p { @for u in children(p.id) { a.tag href={ "/places/" (u.id) } { (u.name) } " " } }
                }
            }
        }
    };
    let body = html! {
        @if all.is_empty() {
            (layout::empty(&t(lang, "places.empty"), None))
        }
        @for top in &tops {
            @if top.kind == PlaceKind::Street {
                @for community in children(top.id) { (render_node(community)) }
            } @else {
                (render_node(top))
            }
        }
    };
    Ok(layout::page(&ctx, &t(lang, "places.title"), &[], None, body))
}

// ---- detail with its forms ----

#[derive(Default)]
struct FormState {
    child_kind: String,
    child_name: String,
    child_error: Option<String>,
    rename: Option<String>,
    rename_error: Option<String>,
    move_error: Option<String>,
}

fn error_text(lang: Lang, e: &AppError) -> String {
    tf(lang, &format!("error.{}", e.code()), &[])
}

async fn detail_page(
    ctx: &Ctx,
    id: i64,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let ops::Detail { place, trail, subtree, community: community_places } =
        ops::detail(&ctx.state.app, &ctx.actor()?, id).await?;
    let manage = caller.decide(Action::ManagePlaces, Some(&place.path)) == Decision::Allow;
    let children: Vec<&Place> = subtree.iter().filter(|p| p.parent_id == Some(place.id)).collect();
    let child_kinds: Vec<PlaceKind> =
        PlaceKind::ALL.into_iter().filter(|k| k.may_hang_under(Some(place.kind))).collect();
    let move_targets: Vec<&Place> = community_places
        .iter()
        .filter(|p| {
            place.kind.may_hang_under(Some(p.kind))
                && !p.path.is_within(&place.path)
                && Some(p.id) != place.parent_id
        })
        .collect();
    let crumbs: Vec<layout::Crumb> =
        std::iter::once((t(lang, "places.title"), Some("/places".to_string())))
            .chain(
                trail
                    .iter()
                    .filter(|a| {
                        a.id != place.id
                            && caller.decide(Action::ViewPlaces, Some(&a.path)) == Decision::Allow
                    })
                    .map(|a| (a.name.clone(), Some(format!("/places/{}", a.id)))),
            )
            .collect();
    let csrf = caller.csrf_token.clone();
    let body = html! {
        dl.facts {
            dt { (t(lang, "places.kind")) } dd { (place_label(lang, place.kind)) }
            dt { (t(lang, "places.path")) } dd { @for (i, a) in trail.iter().enumerate() { @if i > 0 { " › " } (a.name) } }
            dt { (t(lang, "places.children")) } dd { (children.len()) }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "places.children")) }
                @if children.is_empty() {
                    (layout::empty(&t(lang, "places.no_children"), None))
                } @else {
                    div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                        table.table {
                            thead { tr { th scope="col" { (t(lang, "places.name")) } th scope="col" { (t(lang, "places.kind")) } th.num scope="col" { (t(lang, "places.children")) } } }
                            tbody {
                                @for c in &children {
                                    tr {
                                        td { a href={ "/places/" (c.id) } { (c.name) } }
                                        td { (place_label(lang, c.kind)) }
                                        td.num { (subtree.iter().filter(|x| x.parent_id == Some(c.id)).count()) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if manage && !child_kinds.is_empty() {
                    h3 #add { (t(lang, "places.add_child")) }
                    form.form method="post" action="/places" {
                        input type="hidden" name="_csrf" value=(csrf);
                        input type="hidden" name="parent_id" value=(place.id);
                        (layout::select(lang, "kind", "places.kind",
                            &child_kinds.iter().map(|k| (k.as_str().to_string(), place_label(lang, *k))).collect::<Vec<_>>(),
                            &form.child_kind, None))
                        (layout::field(lang, "name", "places.name", "text", &form.child_name, form.child_error.clone(), Some("off")))
                        p.hint { (t(lang, "places.name_hint")) }
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "places.create")) } }
                    }
                }
            }
            @if manage && place.kind != PlaceKind::Street {
                section.panel {
                    h2 { (t(lang, "places.rename")) }
                    form.form method="post" action={ "/places/" (place.id) "/rename" } {
                        input type="hidden" name="_csrf" value=(csrf);
                        (layout::field(lang, "new_name", "places.name", "text", form.rename.as_deref().unwrap_or(&place.name), form.rename_error.clone(), Some("off")))
                        div.form-actions { button.btn type="submit" { (t(lang, "places.rename_submit")) } }
                    }
                    @if place.kind.is_inside_community() {
                        h2 { (t(lang, "places.move")) }
                        @if move_targets.is_empty() {
                            p.hint { (t(lang, "places.no_move_targets")) }
                        } @else {
                            form.form method="post" action={ "/places/" (place.id) "/move" } {
                                input type="hidden" name="_csrf" value=(csrf);
                                (layout::select(lang, "parent_id", "places.move_to",
                                    &move_targets.iter().map(|p| (p.id.to_string(), format!("{}（{}）", p.name, place_label(lang, p.kind)))).collect::<Vec<_>>(),
                                    "", form.move_error.clone()))
                                p.hint { (t(lang, "places.move_hint")) }
                                div.form-actions { button.btn type="submit" { (t(lang, "places.move_submit")) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page_with_status(ctx, status, &place.name, &crumbs, None, body))
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    detail_page(&ctx, id, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    parent_id: i64,
}

async fn create_submit(ctx: Ctx, Form(f): Form<CreateForm>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let kind =
        f.kind.parse::<PlaceKind>().map_err(|_| AppError::invalid("place_bad_kind", "kind"))?;
    match ops::create(&ctx.state.app, &ctx.actor()?, kind, &f.name, Some(f.parent_id))
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/places/{}", f.parent_id),
            true,
            "flash.place_created",
        )),
        Err(e @ AppError::Invalid { .. }) => {
            let form = FormState {
                child_kind: f.kind,
                child_name: f.name,
                child_error: Some(error_text(lang, &e)),
                ..Default::default()
            };
            detail_page(&ctx, f.parent_id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    new_name: String,
}

async fn rename_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    match ops::rename(&ctx.state.app, &ctx.actor()?, id, &f.new_name).await.map_err(AppError::from)
    {
        Ok(_) => Ok(redirect_with_flash(&format!("/places/{id}"), true, "flash.place_renamed")),
        Err(e @ AppError::Invalid { .. }) => {
            let form = FormState {
                rename: Some(f.new_name),
                rename_error: Some(error_text(lang, &e)),
                ..Default::default()
            };
            detail_page(&ctx, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct MoveForm {
    parent_id: i64,
}

async fn move_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    match ops::move_place(&ctx.state.app, &ctx.actor()?, id, f.parent_id)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(redirect_with_flash(&format!("/places/{id}"), true, "flash.place_moved")),
        Err(e @ AppError::Invalid { .. }) => {
            let form = FormState { move_error: Some(error_text(lang, &e)), ..Default::default() };
            detail_page(&ctx, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/places", Policy::Signed(Action::ViewPlaces), list)
        .page(Method::POST, "/places", Policy::Signed(Action::ManagePlaces), create_submit)
        .page(Method::GET, "/places/{id}", Policy::Signed(Action::ViewPlaces), detail)
        .page(
            Method::POST,
            "/places/{id}/rename",
            Policy::Signed(Action::ManagePlaces),
            rename_submit,
        )
        .page(Method::POST, "/places/{id}/move", Policy::Signed(Action::ManagePlaces), move_submit)
}
