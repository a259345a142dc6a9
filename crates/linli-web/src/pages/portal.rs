//! The public portal (`/public`): the community's name and phone, and the doors anyone may open
//! without an account — report an issue, look up its progress, sign up for a course, read the
//! love fund's disclosure, find a service station. And the administrator's setting of the phone
//! it shows (`/settings/community`).

use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Query;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use linli_app::Actor;
use linli_core::Action;
use linli_store::Tenant;
use linli_store::places::Place;
use maud::html;
use serde::Deserialize;

/// The community a public page is for and its contact phone (empty when not set).
pub async fn public_contact(
    state: &AppState,
    actor: &Actor,
    community: Option<String>,
) -> Result<(Place, String), AppError> {
    let place = linli_app::affairs::public_community(&state.app, actor, community).await?;
    let phone = linli_app::places::contact_phone(&state.app, Tenant::new(place.id)).await?;
    Ok((place, phone))
}

/// The signed-in actor's community's contact phone (empty when not set or none).
pub async fn contact_phone(state: &AppState, actor: &Actor) -> Result<String, AppError> {
    match actor.tenant() {
        Ok(t) => Ok(linli_app::places::contact_phone(&state.app, t).await?),
        Err(_) => Ok(String::new()),
    }
}

#[derive(Deserialize)]
struct PortalQuery {
    community: Option<String>,
}

async fn portal(ctx: Ctx, Query(q): Query<PortalQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let (community, phone) =
        public_contact(&ctx.state, &ctx.actor_or_public(), q.community).await?;
    // Where a deployment holds several communities, every door keeps the one chosen.
    let suffix = format!(
        "?community={}",
        percent_encoding::utf8_percent_encode(&community.name, percent_encoding::NON_ALPHANUMERIC)
    );
    let doors = [
        ("/public/report", "portal.report", "portal.report_hint"),
        ("/public/news", "portal.news", "portal.news_hint"),
        ("/public/affairs", "portal.progress", "portal.progress_hint"),
        ("/public/courses", "portal.courses", "portal.courses_hint"),
        ("/disclosure/fund", "portal.fund", "portal.fund_hint"),
        ("/public/stations", "portal.stations", "portal.stations_hint"),
    ];
    let body = html! {
        h1 #portal-community { (community.name) }
        p.lead { (t(lang, "portal.lead")) }
        @if !phone.is_empty() {
            p.portal-phone { (t(lang, "portal.phone")) " " a #portal-phone href={ "tel:" (phone) } { (phone) } }
        }
        nav.portal-doors aria-label=(t(lang, "portal.doors")) {
            @for (href, label, hint) in doors {
                a.portal-door href={ (href) (suffix) } {
                    strong { (t(lang, label)) }
                    span { (t(lang, hint)) }
                }
            }
        }
        p.hint { a href="/login" { (t(lang, "portal.staff_login")) } }
    };
    Ok(layout::public_page(&ctx, &t(lang, "portal.title"), body))
}

#[derive(Deserialize, Default)]
struct SettingsForm {
    #[serde(default)]
    contact_phone: String,
}

async fn settings_view(
    ctx: &Ctx,
    value: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?;
    let body = html! {
        form.form.narrow method="post" action="/settings/community" novalidate {
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            (layout::field(lang, "contact_phone", "portal.contact_phone", "tel", &value, error, Some("off")))
            p.hint { (t(lang, "portal.contact_phone_hint")) }
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "common.save")) }
                a.btn href="/public" { (t(lang, "portal.open")) }
            }
        }
    };
    Ok(layout::page_with_status(ctx, status, &t(lang, "portal.settings_title"), &[], None, body))
}

async fn settings_page(ctx: Ctx) -> Result<Response, AppError> {
    let phone = contact_phone(&ctx.state, &ctx.actor()?).await?;
    settings_view(&ctx, phone, None, StatusCode::OK).await
}

async fn settings_submit(ctx: Ctx, Form(f): Form<SettingsForm>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    match linli_app::places::set_contact_phone(&ctx.state.app, &ctx.actor()?, &f.contact_phone)
        .await
    {
        Ok(_) => Ok(redirect_with_flash("/settings/community", true, "flash.saved")),
        Err(linli_app::Error::Invalid { code, .. }) => {
            let msg = tf(lang, &format!("error.{code}"), &[]);
            settings_view(&ctx, f.contact_phone, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/public", Policy::Public, portal)
        .page(
            Method::GET,
            "/settings/community",
            Policy::Signed(Action::ManagePlaces),
            settings_page,
        )
        .page(
            Method::POST,
            "/settings/community",
            Policy::Signed(Action::ManagePlaces),
            settings_submit,
        )
}
