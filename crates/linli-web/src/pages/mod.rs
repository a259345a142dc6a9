//! Server-rendered pages. Each module owns its routes.

pub mod affairs;
mod audit;
pub mod calendar;
mod cards;
pub mod cases;
mod claims;
mod corrections;
mod corridors;
pub mod dibao;
pub mod employment;
pub mod fund;
mod home;
pub mod learning;
mod me;
pub mod partners;
pub mod picker;
pub mod places;
pub mod portal;
mod publicity;
mod reports;
pub mod residents;
mod roster;
pub mod stations;
mod street;
mod summary;
pub mod users;
pub mod visits;
pub mod volunteers;

use crate::ctx::safe_local_path;
use crate::i18n::{ELDER_COOKIE, LANG_COOKIE, Lang, Prefs};
use crate::routes::{Policy, Table};
use axum::extract::{Form, Query};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub use places::place_label;

/// Today in Shanghai, by the app's clock (so tests can set it).
pub fn today(ctx: &crate::ctx::Ctx) -> chrono::NaiveDate {
    linli_core::clock::shanghai(ctx.now).date()
}

/// After a form's post: back to `to` with the success flash `key` gives, or with the refusal's
/// words when the form was refused (invalid, conflicting); the error page for anything else.
pub fn back_with<T, E: Into<crate::error::AppError>>(
    to: &str,
    r: Result<T, E>,
    key: impl FnOnce(T) -> &'static str,
) -> Result<Response, crate::error::AppError> {
    use crate::error::AppError;
    match r.map_err(Into::into) {
        Ok(v) => Ok(crate::ctx::redirect_with_flash(to, true, key(v))),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(crate::ctx::redirect_with_flash(to, false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

/// The print buttons' script: a page with a `button data-print` puts this after it (the pages'
/// Content-Security-Policy allows no inline `onclick`).
pub fn print_script() -> maud::Markup {
    maud::html! { script src=(concat!("/assets/print.js?v=", env!("CARGO_PKG_VERSION"))) defer {} }
}

/// A photo kept in the database (a JPEG re-encoded on upload), cached privately for an hour.
pub fn jpeg(bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    res
}

/// A spreadsheet written off the async threads and sent as the download `file` (ASCII).
pub async fn xlsx_download(
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    sheet: &'static str,
    file: &str,
) -> Result<Response, crate::error::AppError> {
    use crate::error::AppError;
    let bytes = tokio::task::spawn_blocking(move || {
        linli_io::write_xlsx(&headers, rows.into_iter(), sheet)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut res = (axum::http::StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// A form as the browser sent it: name/value pairs in order, names repeated for checkboxes.
pub type Pairs = Vec<(String, String)>;

/// A form field sent as name/value pairs (forms with repeated names: checkboxes), trimmed;
/// `None` when absent or blank.
pub fn pairs_get(pairs: &[(String, String)], k: &str) -> Option<String> {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
struct SwitchQuery {
    to: Option<String>,
    back: Option<String>,
}

fn pref_cookie(name: &str, value: &str) -> Option<HeaderValue> {
    // A year: the choice is remembered on this computer or phone.
    HeaderValue::from_str(&format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax")).ok()
}

/// Switches the display language and returns to the page the link was on. A display
/// preference, not a change of data, so a plain link does it.
async fn switch_lang(Query(q): Query<SwitchQuery>) -> Response {
    let lang = Lang::from_code(q.to.as_deref().unwrap_or("zh-CN"));
    let mut res = Redirect::to(&safe_local_path(q.back.as_deref())).into_response();
    if let Some(c) = pref_cookie(LANG_COOKIE, lang.code()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Toggles the elder-friendly large-type mode (适老化) and returns to `back` (a local path).
fn toggle_elder(headers: &HeaderMap, back: Option<&str>) -> Response {
    let on = !Prefs::from_headers(headers).elder;
    let mut res = Redirect::to(&safe_local_path(back)).into_response();
    if let Some(c) = pref_cookie(ELDER_COOKIE, if on { "1" } else { "0" }) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// The old link form of the large-type switch, kept for bookmarks and links elsewhere.
async fn switch_elder(headers: HeaderMap, Query(q): Query<SwitchQuery>) -> Response {
    toggle_elder(&headers, q.back.as_deref())
}

#[derive(Deserialize)]
struct ElderForm {
    back: Option<String>,
}

/// The large-type switch of every page's header: a button in a small form (the CSRF check
/// covers it like every other form).
async fn switch_elder_form(headers: HeaderMap, Form(f): Form<ElderForm>) -> Response {
    toggle_elder(&headers, f.back.as_deref())
}

pub fn routes(t: Table) -> Table {
    let t = t
        .page(Method::GET, "/settings/lang", Policy::Public, switch_lang)
        .page(Method::GET, "/settings/elder", Policy::Public, switch_elder)
        .page(Method::POST, "/settings/elder", Policy::Public, switch_elder_form);
    let t = home::routes(t);
    let t = me::routes(t);
    let t = portal::routes(t);
    let t = publicity::routes(t);
    let t = places::routes(t);
    let t = cards::routes(t);
    let t = claims::routes(t);
    let t = corrections::routes(t);
    let t = corridors::routes(t);
    let t = cases::routes(t);
    let t = dibao::routes(t);
    let t = fund::routes(t);
    let t = reports::routes(t);
    let t = stations::routes(t);
    let t = street::routes(t);
    let t = learning::routes(t);
    let t = employment::routes(t);
    let t = partners::routes(t);
    let t = visits::routes(t);
    let t = summary::routes(t);
    let t = roster::routes(t);
    let t = volunteers::routes(t);
    let t = residents::routes(t);
    let t = users::routes(t);
    let t = calendar::routes(t);
    audit::routes(t)
}
