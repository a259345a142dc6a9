//! Residents' issue reports (民生诉求, 接诉即办): a phone page where a resident reports without
//! signing in (with photos, re-encoded without their metadata), triage and dispatch to a
//! worker or a partner unit with deadlines per category in working days, progress, re-routing
//! with its reason kept, resolution, the callback rating, and a public progress page that
//! carries no personal data. The operations are shared with the JSON API.

use super::Pairs;
use super::partners::{pairs_get, today};
use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, label, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use linli_app::affairs::{self as ops, AffairDraft, AssignDraft, CategoryDraft, StatusFilter};
use linli_app::partners::{Photo, liaison_unit};
use linli_core::Action;
use linli_core::assistance::Urgency;
use linli_core::partners::{self as rules, AffairStatus, AffairStep, Rating};
use linli_store::affairs::{self as store, Affair};
use linli_store::places::Place;
use maud::{Markup, html};
use serde::Deserialize;

/// The largest photo accepted (before re-encoding), and how many one report may carry.
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;
pub use linli_app::partners::PHOTOS_PER_REPORT;
/// Photos are scaled down to fit this many pixels on their longer side.
pub const PHOTO_MAX_SIDE: u32 = 1600;
/// The largest canvas a photo may declare (a phone camera takes 12–50 megapixels; a small file
/// declaring more is a decompression bomb). Checked on the header, before any pixel is decoded.
pub const PHOTO_MAX_PIXELS: u64 = 40_000_000;
/// How many photos are decoded at once, whatever the number of uploads in flight: decoding
/// takes memory in proportion to the canvas.
const PHOTO_DECODES_AT_ONCE: usize = 2;

/// Whether a declared canvas may be decoded at all.
pub fn declared_size_ok(width: u32, height: u32) -> bool {
    width > 0 && height > 0 && u64::from(width) * u64::from(height) <= PHOTO_MAX_PIXELS
}

/// Checks a photo's type and size and re-encodes it as a JPEG: the output carries no EXIF, so
/// no location or camera data, whatever the upload had. The orientation the camera recorded is
/// applied to the pixels first, so the picture still stands the right way up.
pub fn sanitize_photo(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), AppError> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
    if bytes.is_empty() {
        return Err(AppError::invalid("photo_empty", "photos"));
    }
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(AppError::invalid("photo_too_large", "photos"));
    }
    let format =
        image::guess_format(bytes).map_err(|_| AppError::invalid("photo_type_bad", "photos"))?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err(AppError::invalid("photo_type_bad", "photos"));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    // A small file can declare a huge canvas (a decompression bomb): cap what is decoded.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder =
        reader.into_decoder().map_err(|_| AppError::invalid("photo_unreadable", "photos"))?;
    let (width, height) = decoder.dimensions();
    if !declared_size_ok(width, height) {
        return Err(AppError::invalid("photo_too_many_pixels", "photos"));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder)
        .map_err(|_| AppError::invalid("photo_unreadable", "photos"))?;
    img.apply_orientation(orientation);
    if img.width() > PHOTO_MAX_SIDE || img.height() > PHOTO_MAX_SIDE {
        img = img.resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|e| AppError::Internal(format!("photo encoding failed: {e}")))?;
    Ok((out, rgb.width(), rgb.height()))
}

/// A form posted with photos (`multipart/form-data`): its text fields as name/value pairs and
/// the bytes of each photo chosen (a file input left empty sends nothing).
pub async fn photo_form(
    mut form: Multipart,
) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), AppError> {
    let (mut pairs, mut photos) = (Vec::new(), Vec::new());
    while let Some(field) =
        form.next_field().await.map_err(|_| AppError::BadRequest("multipart_bad"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let named = field.file_name().is_some_and(|n| !n.is_empty());
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("multipart_bad"))?;
            if named && !bytes.is_empty() {
                photos.push(bytes.to_vec());
            }
        } else {
            let text = field.text().await.map_err(|_| AppError::BadRequest("multipart_bad"))?;
            pairs.push((name, text));
        }
    }
    Ok((pairs, photos))
}

/// Checks and re-encodes uploaded photos (CPU work: off the async threads).
pub async fn clean_photos(photos: Vec<Vec<u8>>) -> Result<Vec<Photo>, AppError> {
    clean_photos_up_to(photos, PHOTOS_PER_REPORT, "photo_too_many").await
}

/// [`clean_photos`] for a form that takes up to `max` photos (an article takes six), refused
/// with `code` beyond.
pub async fn clean_photos_up_to(
    photos: Vec<Vec<u8>>,
    max: usize,
    code: &'static str,
) -> Result<Vec<Photo>, AppError> {
    if photos.len() > max {
        return Err(AppError::invalid(code, "photos"));
    }
    static DECODES: tokio::sync::Semaphore =
        tokio::sync::Semaphore::const_new(PHOTO_DECODES_AT_ONCE);
    let _permit = DECODES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("photo queue closed: {e}")))?;
    tokio::task::spawn_blocking(move || {
        photos
            .iter()
            .map(|p| sanitize_photo(p).map(|(bytes, width, height)| Photo { bytes, width, height }))
            .collect::<Result<Vec<_>, AppError>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("photo task failed: {e}")))?
}

fn category_label(lang: Lang, cats: &[store::Category], code: &str) -> String {
    cats.iter().find(|c| c.code == code).map_or_else(
        || code.to_string(),
        |c| {
            if lang == Lang::En && !c.name_en.is_empty() {
                c.name_en.clone()
            } else {
                c.name_zh.clone()
            }
        },
    )
}

/// Who holds an issue, as shown (a unit by name; a worker as community staff on public pages).
fn holder_label(lang: Lang, a: &Affair, public: bool) -> String {
    match (&a.assignee_partner_name, &a.assignee_user_name) {
        (Some(p), _) => p.clone(),
        (None, Some(u)) if !public => u.clone(),
        (None, Some(_)) => t(lang, "affairs.community_staff"),
        (None, None) => t(lang, "affairs.not_assigned"),
    }
}

// ---- pages ----

pub fn status_chip(lang: Lang, status: AffairStatus) -> Markup {
    let kind = match status {
        AffairStatus::Reported => "warn",
        AffairStatus::Assigned | AffairStatus::InProgress => "info",
        AffairStatus::Resolved => "ok",
        AffairStatus::Closed => "muted",
    };
    layout::chip(kind, &t(lang, &format!("affairs.status.{status}")))
}

fn urgency_chip(
    lang: Lang,
    a: &Affair,
    today: NaiveDate,
    cal: &linli_core::workdays::Calendar,
) -> Markup {
    match rules::affair_urgency(a.status, a.resolve_by, today, cal) {
        Urgency::Overdue => layout::chip("err", &t(lang, "affairs.overdue")),
        Urgency::DueSoon => layout::chip("warn", &t(lang, "affairs.due_soon")),
        _ => html! {},
    }
}

/// The warning of an open issue whose deadlines were counted through a year with no holiday
/// schedule (nothing for a resolved one).
fn assumed(lang: Lang, a: &Affair, cal: &linli_core::workdays::Calendar) -> Markup {
    let open = matches!(
        a.status,
        AffairStatus::Reported | AffairStatus::Assigned | AffairStatus::InProgress
    );
    if open {
        super::calendar::assumed_note(lang, cal, a.reported_on, a.resolve_by)
    } else {
        html! {}
    }
}

/// A rate with what it is a share of, linked to the issues it is counted over.
fn share(lang: Lang, label: &str, s: rules::Share, href: &str) -> Markup {
    html! {
        div.stat {
            div.stat-label { (label) }
            div.stat-value {
                a href=(href) { @if let Some(p) = s.percent_floor() { (p) } @else { "—" } }
                @if s.percent_floor().is_some() { span.stat-unit { "%" } }
            }
            div.hint { (tf(lang, "affairs.share_of", &[("num", &s.numerator.to_string()), ("den", &s.denominator.to_string())])) }
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    /// Only the issues reported in this year (the rates' denominators).
    year: Option<i32>,
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    if liaison_unit(&actor) == Some(None) {
        return Err(AppError::NotFound);
    }
    let status = q
        .status
        .clone()
        .filter(|s| AffairStatus::parse(s).is_some() || s == "resolved_any" || s == "open");
    let staff = ops::is_staff(&actor);
    let filter = match status.as_deref() {
        Some("open") => StatusFilter::Open,
        Some("resolved_any") => StatusFilter::ResolvedAny,
        Some(s) => AffairStatus::parse(s).map_or(StatusFilter::All, StatusFilter::Is),
        None => StatusFilter::All,
    };
    let today = today(&ctx);
    let year = today.year();
    let mut items = ops::list(&ctx.state.app, &actor, filter).await?;
    if let Some(y) = q.year {
        items.retain(|a| a.reported_on.year() == y);
    }
    let ops::ListExtras { categories: cats, calendar: cal, facts } =
        ops::list_extras(&ctx.state.app, &actor).await?;
    let rates = rules::rates(&facts);
    let action =
        staff.then(|| html! { a.btn.btn-primary href="/affairs/new" { (t(lang, "affairs.new")) } });
    let body = html! {
        @if staff {
            section.stats aria-label=(t(lang, "affairs.rates")) {
                (share(lang, &tf(lang, "affairs.response_rate", &[("year", &year.to_string())]), rates.response, &format!("/affairs?year={year}")))
                (share(lang, &tf(lang, "affairs.resolution_rate", &[("year", &year.to_string())]), rates.resolution, &format!("/affairs?year={year}")))
                (share(lang, &tf(lang, "affairs.satisfaction_rate", &[("year", &year.to_string())]), rates.satisfaction, &format!("/affairs?year={year}&status=closed")))
            }
            p.hint { (t(lang, "affairs.rates_hint")) " " a href="/public/report" { (t(lang, "affairs.public_link")) } }
        }
        nav.tabs.actions.no-print {
            @for (s, key) in [("", "status.all"), ("open", "affairs.filter.open"), ("reported", "affairs.status.reported"), ("resolved", "affairs.status.resolved"), ("closed", "affairs.status.closed")] {
                a.btn.btn-small.btn-primary[status.as_deref().unwrap_or("") == s] href={ "/affairs" @if !s.is_empty() { "?status=" (s) } } aria-current=[(status.as_deref().unwrap_or("") == s).then_some("page")] { (t(lang, key)) }
            }
        }
        @if let Some(y) = q.year {
            p #year-filter role="status" { (tf(lang, "affairs.year_filter", &[("year", &y.to_string()), ("n", &items.len().to_string())])) " " a href={ "/affairs" @if let Some(st) = &status { "?status=" (st) } } { (t(lang, "affairs.all_years")) } }
        }
        @if items.is_empty() {
            (layout::empty(&t(lang, "affairs.empty"), None))
        } @else {
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table {
                    thead { tr {
                        th { (t(lang, "affairs.ref")) } th { (t(lang, "affairs.category")) } th { (t(lang, "affairs.where")) } th { (t(lang, "affairs.description")) }
                        th { (t(lang, "affairs.status")) } th { (t(lang, "affairs.holder")) } th { (t(lang, "affairs.resolve_by")) }
                    } }
                    tbody {
                        @for a in &items {
                            tr {
                                td.nowrap { a href={ "/affairs/" (a.id) } { (a.public_ref) } }
                                td.nowrap { (category_label(lang, &cats, &a.category)) }
                                td { (a.place_name.clone().unwrap_or_default()) " " (a.place_text) }
                                td { (a.description.chars().take(40).collect::<String>()) @if a.description.chars().count() > 40 { "…" } }
                                td.nowrap { (status_chip(lang, a.status)) @if let Some(r) = &a.rating { " " (label(lang, "rating", r.as_str())) } }
                                td { (holder_label(lang, a, false)) }
                                td { span.nowrap { (a.resolve_by) " " (urgency_chip(lang, a, today, &cal)) } (assumed(lang, a, &cal)) }
                            }
                        }
                    }
                }
            }
        }
        @if staff { (categories_form(lang, &cats, &caller.csrf_token)) }
    };
    Ok(layout::page(&ctx, &t(lang, "affairs.title"), &[], action, body))
}

/// The categories form on the issues page: each row's deadlines and whether it still takes
/// new reports, and one empty row to add a category.
fn categories_form(lang: Lang, cats: &[store::Category], csrf: &str) -> Markup {
    html! {
        details.panel.no-print #categories {
            summary { strong { (t(lang, "affairs.categories")) } " " span.hint { (t(lang, "affairs.categories_summary")) } }
            p.hint { (t(lang, "affairs.categories_hint")) }
            form.form.wide #categories-form method="post" action="/affairs/categories" {
                input type="hidden" name="_csrf" value=(csrf);
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table {
                        thead { tr {
                            th { (t(lang, "affairs.category_code")) } th { (t(lang, "affairs.category_name")) }
                            th.num { (t(lang, "affairs.respond_days")) } th.num { (t(lang, "affairs.resolve_days")) } th { (t(lang, "affairs.category_in_use")) }
                        } }
                        tbody {
                            @for (i, k) in cats.iter().enumerate() {
                                tr {
                                    td.nowrap { code { (k.code) } input type="hidden" name={ "code_" (i) } value=(k.code); input type="hidden" name={ "name_en_" (i) } value=(k.name_en); }
                                    td { input name={ "name_" (i) } type="text" value=(k.name_zh) maxlength="20" aria-label=(t(lang, "affairs.category_name")) required; }
                                    td.num { input name={ "respond_" (i) } type="number" min="0" max="60" value=(k.respond_days) aria-label=(t(lang, "affairs.respond_days")) required; }
                                    td.num { input name={ "resolve_" (i) } type="number" min="0" max="120" value=(k.resolve_days) aria-label=(t(lang, "affairs.resolve_days")) required; }
                                    td.nowrap { label { input type="checkbox" name={ "active_" (i) } value="1" checked; " " (t(lang, "affairs.category_active")) } }
                                }
                            }
                            tr { td.hint colspan="5" { (t(lang, "affairs.category_new")) } }
                            tr.new-row {
                                td { input name="code_new" type="text" placeholder="heating" maxlength="30" aria-label=(t(lang, "affairs.category_new_code")); }
                                td { input name="name_new" type="text" placeholder=(t(lang, "affairs.category_new_placeholder")) maxlength="20" aria-label=(t(lang, "affairs.category_new_name")); }
                                td.num { input name="respond_new" type="number" min="0" max="60" value="1" aria-label=(t(lang, "affairs.respond_days")); }
                                td.num { input name="resolve_new" type="number" min="0" max="120" value="5" aria-label=(t(lang, "affairs.resolve_days")); }
                                td {}
                            }
                        }
                    }
                }
                div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "affairs.categories_save")) } }
            }
        }
    }
}

/// The categories form posted: the rows still ticked, then the new one if named.
async fn categories_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let g = |k: &str| pairs_get(&pairs, k);
    let days = |k: &str| g(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1);
    let mut items = Vec::new();
    for i in 0..100 {
        let Some(code) = g(&format!("code_{i}")) else {
            break;
        };
        if g(&format!("active_{i}")).is_none() {
            continue;
        }
        items.push(CategoryDraft {
            code,
            name_zh: g(&format!("name_{i}")).unwrap_or_default(),
            name_en: g(&format!("name_en_{i}")).unwrap_or_default(),
            respond_days: days(&format!("respond_{i}")),
            resolve_days: days(&format!("resolve_{i}")),
        });
    }
    if let Some(code) = g("code_new") {
        items.push(CategoryDraft {
            code: code.to_lowercase(),
            name_zh: g("name_new").unwrap_or_default(),
            name_en: String::new(),
            respond_days: days("respond_new"),
            resolve_days: days("resolve_new"),
        });
    }
    match ops::set_categories(&ctx.state.app, &ctx.actor()?, items).await.map_err(AppError::from) {
        Ok(_) => Ok(redirect_with_flash("/affairs#categories", true, "affairs.flash.categories")),
        Err(e @ AppError::Invalid { .. }) => {
            Ok(redirect_with_flash("/affairs#categories", false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

fn category_options(lang: Lang, cats: &[store::Category]) -> Vec<(String, String)> {
    cats.iter().map(|c| (c.code.clone(), category_label(lang, cats, &c.code))).collect()
}

async fn new_page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let community = ops::public_community(&ctx.state.app, &actor, None).await?;
    let (cats, buildings) = ops::form_choices(&ctx.state.app, &community).await?;
    let body = html! {
        form.form.narrow method="post" action="/affairs" {
            input type="hidden" name="_csrf" value=(caller.csrf_token);
            (layout::select(lang, "channel", "affairs.channel", &[("call".into(), t(lang, "affairs.channel.call")), ("visit".into(), t(lang, "affairs.channel.visit")), ("staff".into(), t(lang, "affairs.channel.staff"))], "call", None))
            (layout::select(lang, "category", "affairs.category", &category_options(lang, &cats), "road", None))
            (building_select(lang, &buildings))
            (layout::field(lang, "place", "affairs.where", "text", "", None, Some("off")))
            div.field { label for="description" { (t(lang, "affairs.description")) } textarea #description name="description" rows="4" {} }
            (layout::field(lang, "reporter_phone", "affairs.phone", "tel", "", None, Some("off")))
            p.hint { (t(lang, "affairs.phone_hint")) }
            div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "common.save")) } a.btn href="/affairs" { (t(lang, "common.cancel")) } }
        }
    };
    let crumbs = [(t(lang, "affairs.title"), Some("/affairs".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "affairs.new"), &crumbs, None, body))
}

async fn create_submit(ctx: Ctx, Form(pairs): Form<Pairs>) -> Result<Response, AppError> {
    let d = AffairDraft {
        category: pairs_get(&pairs, "category").unwrap_or_default(),
        description: pairs_get(&pairs, "description").unwrap_or_default(),
        place_id: pairs_get(&pairs, "place_id").and_then(|v| v.parse().ok()),
        place: pairs_get(&pairs, "place"),
        reporter_phone: pairs_get(&pairs, "reporter_phone"),
        channel: pairs_get(&pairs, "channel"),
    };
    match ops::create_affair(&ctx.state.app, &ctx.actor()?, d, Vec::new())
        .await
        .map_err(AppError::from)
    {
        Ok(ops::Reported { id, .. }) => {
            Ok(redirect_with_flash(&format!("/affairs/{id}"), true, "affairs.flash.recorded"))
        }
        Err(e @ AppError::Invalid { .. }) => {
            Ok(redirect_with_flash("/affairs/new", false, &format!("error.{}", e.code())))
        }
        Err(e) => Err(e),
    }
}

/// One line of an issue's history. On the public page (`units` given: the community's partner
/// units) a holder that is no unit is a person, shown as community staff.
fn event_line(lang: Lang, e: &store::AffairEvent, units: Option<&[String]>) -> Markup {
    let key = format!("affairs.event.{}", e.kind);
    let public = units.is_some();
    let to = match units {
        Some(u) if !e.to_label.is_empty() && !u.contains(&e.to_label) => {
            t(lang, "affairs.community_staff")
        }
        _ => e.to_label.clone(),
    };
    html! {
        li {
            time { (e.at.day()) } " " strong { (t(lang, &key)) }
            @if !to.is_empty() { " → " (to) }
            @if e.kind == AffairStep::Rerouted && !public {
                @if !e.from_label.is_empty() { " " span.hint { (tf(lang, "affairs.from_holder", &[("from", &e.from_label)])) } }
                br; span.hint { (t(lang, "affairs.reason")) "：" (e.note) }
            } @else if e.kind == AffairStep::Rated {
                " " (Rating::parse(&e.note).map_or(String::new(), |r| label(lang, "rating", r.as_str())))
            } @else if !e.note.is_empty() && e.kind != AffairStep::Assigned || (!public && !e.note.is_empty() && e.kind == AffairStep::Assigned) {
                br; span.hint { (e.note) }
            }
            @if !public { @if let Some(a) = &e.actor { " " span.hint { "（" (a) "）" } } }
        }
    }
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    detail_page(ctx, id, None).await
}

/// Shows the reporter's whole number to the one who calls back (audited), on the page.
async fn reveal_phone_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let phone = ops::reveal_phone(&ctx.state.app, &ctx.actor()?, id).await?;
    detail_page(ctx, id, Some(phone)).await
}

async fn detail_page(ctx: Ctx, id: i64, revealed: Option<String>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let actor = ctx.actor()?;
    let ops::AffairPage {
        affair: a,
        events,
        photos,
        categories: cats,
        units,
        staff: staff_list,
        calendar: cal,
    } = ops::page(&ctx.state.app, &actor, id).await?;
    let today = today(&ctx);
    let manage = ops::manages(&actor, &a);
    let work = ops::holds(&actor, &a) || manage;
    let open = matches!(a.status, AffairStatus::Assigned | AffairStatus::InProgress);
    // Whether any form applies: otherwise no empty panel beside the history.
    let acts = (manage && a.status != AffairStatus::Closed) || (work && open);
    // The callback is the community's: a unit's liaison does not see the resident's number.
    let shows_phone = liaison_unit(&actor).is_none();
    let call_back = ops::may_call_back(&actor, &a);
    let body = html! {
        dl.facts {
            dt { (t(lang, "affairs.ref")) } dd { (a.public_ref) " " a.hint href={ "/public/affairs/" (a.public_ref) } { (t(lang, "affairs.public_view")) } }
            dt { (t(lang, "affairs.category")) } dd { (category_label(lang, &cats, &a.category)) }
            dt { (t(lang, "affairs.where")) } dd { (a.place_name.clone().unwrap_or_default()) " " (a.place_text) }
            dt { (t(lang, "affairs.description")) } dd { (a.description) }
            dt { (t(lang, "affairs.channel")) } dd { (t(lang, &format!("affairs.channel.{}", a.channel))) " · " (a.reported_on) }
            @if shows_phone { dt { (t(lang, "affairs.phone")) } dd #callback-phone {
                @if let Some(p) = &revealed {
                    a.mono href={ "tel:" (p) } { (p) } " " span.hint { (t(lang, "affairs.phone_revealed")) }
                } @else if let Some(p) = &a.reporter_phone {
                    span.mono { (linli_core::mask::mask_phone(p)) }
                    @if call_back {
                        form.inline method="post" action={ "/affairs/" (a.id) "/reveal-phone" } {
                            input type="hidden" name="_csrf" value=(caller.csrf_token);
                            " " button.btn.btn-small type="submit" { (t(lang, "affairs.reveal_phone")) }
                        }
                    }
                } @else { span.hint { (t(lang, "affairs.no_phone")) } }
            } }
            dt { (t(lang, "affairs.status")) } dd { (status_chip(lang, a.status)) " " (urgency_chip(lang, &a, today, &cal)) }
            dt { (t(lang, "affairs.holder")) } dd { (holder_label(lang, &a, false)) }
            dt { (t(lang, "affairs.deadlines")) } dd { (tf(lang, "affairs.deadlines_text", &[("respond", &a.respond_by.to_string()), ("resolve", &a.resolve_by.to_string())])) (assumed(lang, &a, &cal)) }
            @if !a.resolution.is_empty() { dt { (t(lang, "affairs.resolution")) } dd { (a.resolution) } }
            @if let Some(r) = &a.rating { dt { (t(lang, "affairs.rating")) } dd { (label(lang, "rating", r.as_str())) @if !a.rating_note.is_empty() { "（" (a.rating_note) "）" } } }
            @if let Some(n) = a.need_id { dt { (t(lang, "affairs.need")) } dd { a href="/partners/lists" { (tf(lang, "affairs.need_no", &[("n", &n.to_string())])) } } }
        }
        @if !photos.is_empty() {
            section.panel {
                h2 { (t(lang, "affairs.photos")) }
                @for (stage, key) in [("report", "affairs.photo_alt"), ("resolve", "affairs.photo_alt_resolve")] {
                    @let shots: Vec<&store::PhotoMeta> = photos.iter().filter(|p| p.stage == stage).collect();
                    @if !shots.is_empty() {
                        h3 { (t(lang, key)) }
                        p {
                            @for p in shots {
                                a href={ "/affairs/" (a.id) "/photos/" (p.id) } { img src={ "/affairs/" (a.id) "/photos/" (p.id) } alt=(t(lang, key)) width="240"; } " "
                            }
                        }
                    }
                }
            }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "affairs.history")) }
                ul.timeline { @for e in &events { (event_line(lang, e, None)) } }
            }
            @if acts { section.panel.no-print {
                @if manage && a.status != AffairStatus::Closed {
                    h2 { @if a.status == AffairStatus::Reported { (t(lang, "affairs.assign")) } @else { (t(lang, "affairs.reroute")) } }
                    form.form #assign-form method="post" action={ "/affairs/" (a.id) "/assign" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        (layout::select(lang, "to", "affairs.assign_to", &std::iter::once((String::new(), t(lang, "affairs.choose"))).chain(staff_list.iter().map(|(i, n)| (format!("u{i}"), format!("{} · {n}", t(lang, "affairs.worker"))))).chain(units.iter().map(|u| (format!("p{}", u.id), format!("{} · {}", t(lang, "affairs.partner"), u.name)))).collect::<Vec<_>>(), "", None))
                        (layout::field(lang, "due_on", "affairs.due_on", "date", &a.resolve_by.to_string(), None, None))
                        @if a.status != AffairStatus::Reported { (layout::field(lang, "reason", "affairs.reason", "text", "", None, Some("off"))) p.hint { (t(lang, "affairs.reroute_hint")) } }
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "affairs.dispatch")) } }
                    }
                }
                @if work && open {
                    h2 { (t(lang, "affairs.post_progress")) }
                    form.form method="post" action={ "/affairs/" (a.id) "/progress" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        (layout::field(lang, "note", "affairs.progress_note", "text", "", None, Some("off")))
                        div.form-actions { button.btn type="submit" { (t(lang, "affairs.post")) } }
                    }
                    h2 { (t(lang, "affairs.resolve")) }
                    form.form #resolve-form method="post" enctype="multipart/form-data" action={ "/affairs/" (a.id) "/resolve?_csrf=" (caller.csrf_token) } {
                        div.field { label for="resolution" { (t(lang, "affairs.resolution")) } textarea #resolution name="resolution" rows="3" {} }
                        div.field {
                            label for="resolve-photos" { (t(lang, "affairs.resolve_photos")) }
                            input #resolve-photos type="file" name="photos" accept="image/jpeg,image/png" multiple;
                        }
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "affairs.resolve_button")) } }
                    }
                }
                @if manage && a.status == AffairStatus::Resolved {
                    h2 { (t(lang, "affairs.callback")) }
                    p.hint { (t(lang, "affairs.callback_hint")) }
                    form.form #rate-form method="post" action={ "/affairs/" (a.id) "/rate" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        fieldset {
                            legend { (t(lang, "affairs.rating")) }
                            @for r in Rating::ALL { label.check { input type="radio" name="rating" value=(r.as_str()) required; " " (label(lang, "rating", r.as_str())) } }
                        }
                        (layout::field(lang, "note", "affairs.rating_note", "text", "", None, Some("off")))
                        div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "affairs.record_rating")) } }
                    }
                }
                @if manage && a.need_id.is_none() && a.status != AffairStatus::Closed {
                    form.inline method="post" action={ "/affairs/" (a.id) "/need" } {
                        input type="hidden" name="_csrf" value=(caller.csrf_token);
                        button.btn type="submit" { (t(lang, "affairs.to_need")) }
                    }
                    p.hint { (t(lang, "affairs.to_need_hint")) }
                }
            } } @else if !(manage || work) {
                p.hint { (t(lang, "affairs.read_only")) }
            }
        }
    };
    let crumbs = [(t(lang, "affairs.title"), Some("/affairs".to_string()))];
    let title = format!("{} {}", t(lang, "affairs.affair"), a.public_ref);
    Ok(layout::page(&ctx, &title, &crumbs, None, body))
}

/// Back to the page with `ok_key`, or with the refusal's words.
fn back_with<T>(
    id: i64,
    r: Result<T, linli_app::Error>,
    ok_key: &'static str,
) -> Result<Response, AppError> {
    super::back_with(&format!("/affairs/{id}"), r, |_| ok_key)
}

async fn assign_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let to = pairs_get(&pairs, "to").unwrap_or_default();
    let d = AssignDraft {
        assignee_user_id: to.strip_prefix('u').and_then(|v| v.parse().ok()),
        partner_id: to.strip_prefix('p').and_then(|v| v.parse().ok()),
        due_on: pairs_get(&pairs, "due_on"),
        reason: pairs_get(&pairs, "reason"),
    };
    back_with(id, ops::assign(&ctx.state.app, &ctx.actor()?, id, d).await, "affairs.flash.assigned")
}

async fn progress_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let note = pairs_get(&pairs, "note").unwrap_or_default();
    back_with(
        id,
        ops::progress(&ctx.state.app, &ctx.actor()?, id, &note).await,
        "affairs.flash.progress",
    )
}

/// The resolve form is multipart (photos of the work done may come with it).
async fn resolve_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (pairs, photos) = photo_form(form).await?;
    let resolution =
        pairs.iter().find(|(k, _)| k == "resolution").map(|(_, v)| v.clone()).unwrap_or_default();
    let actor = ctx.actor()?;
    let photos = match clean_photos(photos).await {
        Ok(p) => p,
        Err(e @ AppError::Invalid { .. }) => {
            return Ok(redirect_with_flash(
                &format!("/affairs/{id}"),
                false,
                &format!("error.{}", e.code()),
            ));
        }
        Err(e) => return Err(e),
    };
    back_with(
        id,
        ops::resolve(&ctx.state.app, &actor, id, &resolution, photos).await,
        "affairs.flash.resolved",
    )
}

async fn rate_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, AppError> {
    let r = pairs_get(&pairs, "rating").unwrap_or_default();
    let note = pairs_get(&pairs, "note").unwrap_or_default();
    back_with(
        id,
        ops::rate(&ctx.state.app, &ctx.actor()?, id, &r, &note).await,
        "affairs.flash.rated",
    )
}

async fn need_submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    back_with(id, ops::to_need(&ctx.state.app, &ctx.actor()?, id).await, "affairs.flash.need")
}

async fn photo(ctx: Ctx, Path((id, pid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    Ok(super::jpeg(ops::photo(&ctx.state.app, &ctx.actor()?, id, pid).await?))
}

// ---- public pages ----

#[derive(Deserialize)]
struct PublicQuery {
    community: Option<String>,
}

/// "Which building", optional: a building puts the issue in the scope of its grid's worker
/// and its building head; free text alone leaves it with the community's staff.
fn building_select(lang: Lang, buildings: &[(i64, String)]) -> Markup {
    let options: Vec<(String, String)> =
        std::iter::once((String::new(), t(lang, "affairs.building_none")))
            .chain(buildings.iter().map(|(id, name)| (id.to_string(), name.clone())))
            .collect();
    layout::select(lang, "place_id", "affairs.building", &options, "", None)
}

fn report_form(
    lang: Lang,
    ctx: &Ctx,
    community: &Place,
    cats: &[store::Category],
    buildings: &[(i64, String)],
    error: Option<String>,
) -> Markup {
    let csrf = ctx.caller.as_ref().map(|c| format!("&_csrf={}", c.csrf_token)).unwrap_or_default();
    html! {
        h1 { (t(lang, "affairs.public_title")) }
        p.lead { (community.name) " · " (t(lang, "affairs.public_lead")) }
        @if let Some(e) = error { p.form-error role="alert" { (e) } }
        form.form #report-form method="post" enctype="multipart/form-data" action={ "/public/report?community=" (percent_encoding::utf8_percent_encode(&community.name, percent_encoding::NON_ALPHANUMERIC)) (csrf) } {
            (layout::select(lang, "category", "affairs.category", &category_options(lang, cats), "road", None))
            (building_select(lang, buildings))
            (layout::field(lang, "place", "affairs.where_public", "text", "", None, Some("off")))
            div.field { label for="description" { (t(lang, "affairs.description_public")) } textarea #description name="description" rows="5" required {} }
            div.field {
                label for="photos" { (t(lang, "affairs.photos_public")) }
                input #photos type="file" name="photos" accept="image/jpeg,image/png" multiple;
                p.hint { (t(lang, "affairs.photos_hint")) }
            }
            (layout::field(lang, "reporter_phone", "affairs.phone_public", "tel", "", None, Some("tel")))
            p.hint { (t(lang, "affairs.phone_public_hint")) }
            div.form-actions { button.btn.btn-primary.btn-block type="submit" { (t(lang, "affairs.submit_report")) } }
        }
        p { a href="/public/affairs" { (t(lang, "affairs.lookup_link")) } }
    }
}

async fn public_report_page(ctx: Ctx, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor_or_public();
    let community = ops::public_community(&ctx.state.app, &actor, q.community).await?;
    let (cats, buildings) = ops::form_choices(&ctx.state.app, &community).await?;
    Ok(layout::public_page(
        &ctx,
        &t(lang, "affairs.public_title"),
        report_form(lang, &ctx, &community, &cats, &buildings, None),
    ))
}

async fn public_report_submit(
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor_or_public();
    let community = ops::public_community(&ctx.state.app, &actor, q.community).await?;
    let mut d = AffairDraft::default();
    let mut photos = Vec::new();
    let mut too_large = false;
    while let Some(field) =
        form.next_field().await.map_err(|_| AppError::BadRequest("multipart_bad"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let has_name = field.file_name().is_some_and(|n| !n.is_empty());
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("multipart_bad"))?;
            if has_name && !bytes.is_empty() {
                too_large |= bytes.len() > PHOTO_MAX_BYTES;
                photos.push(bytes.to_vec());
            }
            continue;
        }
        let text = field.text().await.map_err(|_| AppError::BadRequest("multipart_bad"))?;
        match name.as_str() {
            "category" => d.category = text,
            "place" => d.place = Some(text),
            "place_id" => d.place_id = text.trim().parse().ok(),
            "description" => d.description = text,
            "reporter_phone" => d.reporter_phone = Some(text),
            _ => {}
        }
    }
    let result = if too_large {
        Err(AppError::invalid("photo_too_large", "photos"))
    } else {
        match clean_photos(photos).await {
            Ok(photos) => ops::report_public(&ctx.state.app, &actor, &community, d, photos)
                .await
                .map_err(AppError::from),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(ops::Reported { public_ref, .. }) => Ok(redirect_with_flash(
            &format!("/public/affairs/{public_ref}"),
            true,
            "affairs.flash.reported",
        )),
        Err(e @ AppError::Invalid { .. }) => {
            let (cats, buildings) = ops::form_choices(&ctx.state.app, &community).await?;
            let mut res = layout::public_page(
                &ctx,
                &t(lang, "affairs.public_title"),
                report_form(
                    lang,
                    &ctx,
                    &community,
                    &cats,
                    &buildings,
                    Some(tf(lang, &format!("error.{}", e.code()), &[])),
                ),
            );
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct LookupQuery {
    #[serde(rename = "ref")]
    public_ref: Option<String>,
}

async fn public_lookup(ctx: Ctx, Query(q): Query<LookupQuery>) -> Result<Response, AppError> {
    let wanted = q.public_ref.map(|r| rules::normalize_ref(&r));
    if let Some(r) =
        wanted.filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Ok(axum::response::Redirect::to(&format!("/public/affairs/{r}")).into_response());
    }
    Ok(lookup_form(&ctx, None, StatusCode::OK))
}

/// The look-up form, with what went wrong when a reference was not found.
fn lookup_form(ctx: &Ctx, missing: Option<&str>, status: StatusCode) -> Response {
    let lang = ctx.lang();
    let body = html! {
        h1 { (t(lang, "affairs.lookup_title")) }
        @if let Some(r) = missing {
            p.form-error role="alert" #ref-not-found { (tf(lang, "affairs.ref_not_found", &[("ref", r)])) }
        }
        form.form method="get" action="/public/affairs" {
            (layout::field(lang, "ref", "affairs.ref", "text", "", None, Some("off")))
            div.form-actions { button.btn.btn-primary.btn-block type="submit" { (t(lang, "affairs.lookup")) } }
        }
        p { a href="/public/report" { (t(lang, "affairs.public_title")) } }
        p { a href="/public" { (t(lang, "portal.back")) } }
    };
    let mut res = layout::public_page(ctx, &t(lang, "affairs.lookup_title"), body);
    *res.status_mut() = status;
    res
}

/// Progress as the resident sees it: what, where, who holds it and what has been done. No
/// phone, no names of people (a worker shows as community staff), no reasons for re-routing.
async fn public_progress(ctx: Ctx, Path(public_ref): Path<String>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let ops::Progress { affair: a, events, categories: cats, units } =
        match ops::by_ref(&ctx.state.app, public_ref.clone()).await {
            Err(linli_app::Error::NotFound) => {
                // Public words, and the form again: a mistyped reference is the usual cause.
                let shown: String = public_ref.chars().take(20).collect();
                return Ok(lookup_form(&ctx, Some(&shown), StatusCode::NOT_FOUND));
            }
            other => other?,
        };
    let body = html! {
        h1 { (t(lang, "affairs.progress_title")) }
        p.lead { (t(lang, "affairs.ref")) " " strong #affair-ref data-ref=(a.public_ref) { (rules::spoken_ref(&a.public_ref)) } }
        p.hint { (t(lang, "affairs.keep_ref")) }
        dl.facts {
            dt { (t(lang, "affairs.category")) } dd { (category_label(lang, &cats, &a.category)) }
            dt { (t(lang, "affairs.where")) } dd { (a.place_name.clone().unwrap_or_default()) " " (a.place_text) }
            dt { (t(lang, "affairs.reported_on")) } dd { (a.reported_on) }
            dt { (t(lang, "affairs.status")) } dd #affair-status { (status_chip(lang, a.status)) }
            dt { (t(lang, "affairs.holder")) } dd { (holder_label(lang, &a, true)) }
            dt { (t(lang, "affairs.resolve_by")) } dd { (a.resolve_by) }
            @if !a.resolution.is_empty() { dt { (t(lang, "affairs.resolution")) } dd { (a.resolution) } }
        }
        h2 { (t(lang, "affairs.history")) }
        ul.timeline { @for e in events.iter().filter(|e| e.shown) { (event_line(lang, e, Some(&units))) } }
    };
    Ok(layout::public_page(
        &ctx,
        &format!("{} {}", t(lang, "affairs.progress_title"), a.public_ref),
        body,
    ))
}

// ---- the home page ----

/// Overdue and due-soon issues the caller works on (staff: all open ones in scope; a liaison:
/// its unit's), for the home page.
pub async fn home_panel(ctx: &Ctx) -> Result<Markup, AppError> {
    let lang = ctx.lang();
    let Some(caller) = ctx.caller.clone() else {
        return Ok(html! {});
    };
    let actor = caller.actor(ctx);
    let Some(ops::Due { items, calendar: cal, categories: cats, staff }) =
        ops::due(&ctx.state.app, &actor).await?
    else {
        return Ok(html! {});
    };
    let today = today(ctx);
    let due: Vec<(&Affair, Urgency)> = items
        .iter()
        .filter_map(|a| {
            let by = a.resolve_by;
            let u = rules::affair_urgency(a.status, by, today, &cal);
            // Staff see what awaits dispatch and what runs late; whoever holds an issue
            // (a liaison, a worker it was dispatched to) sees every one it holds.
            let waiting = a.status == AffairStatus::Reported && staff;
            let mine = ops::holds(&actor, a);
            (matches!(u, Urgency::Overdue | Urgency::DueSoon) || waiting || mine).then_some((a, u))
        })
        .collect();
    if due.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.panel #affairs-due {
            h2 { (t(lang, "affairs.home_title")) }
            ul.plain {
                @for (a, u) in &due {
                    li {
                        @match u { Urgency::Overdue => (layout::chip("err", &t(lang, "affairs.overdue"))), Urgency::DueSoon => (layout::chip("warn", &t(lang, "affairs.due_soon"))), _ => (status_chip(lang, a.status)) }
                        " " a href={ "/affairs/" (a.id) } { (category_label(lang, &cats, &a.category)) " · " (a.place_text) }
                        " " span.hint { (t(lang, "affairs.resolve_by")) " " (a.resolve_by) } (assumed(lang, a, &cal))
                    }
                }
            }
        }
    })
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewAffairs);
    let manage = Policy::Signed(Action::ManageAffairs);
    let work = Policy::Signed(Action::WorkAffairs);
    t.page(Method::GET, "/affairs", view, list)
        .page(Method::GET, "/affairs/new", manage, new_page)
        .page(Method::POST, "/affairs", manage, create_submit)
        .page(Method::POST, "/affairs/categories", manage, categories_submit)
        .page(Method::GET, "/affairs/{id}", view, detail)
        .page(Method::POST, "/affairs/{id}/assign", manage, assign_submit)
        .page(Method::POST, "/affairs/{id}/progress", work, progress_submit)
        .upload("/affairs/{id}/resolve", work, resolve_submit)
        .page(Method::POST, "/affairs/{id}/rate", manage, rate_submit)
        .page(Method::POST, "/affairs/{id}/reveal-phone", view, reveal_phone_submit)
        .page(Method::POST, "/affairs/{id}/need", manage, need_submit)
        .page(Method::GET, "/affairs/{id}/photos/{pid}", view, photo)
        .page(Method::GET, "/public/report", Policy::Public, public_report_page)
        .upload("/public/report", Policy::Public, public_report_submit)
        .page(Method::GET, "/public/affairs", Policy::Public, public_lookup)
        .page(Method::GET, "/public/affairs/{ref}", Policy::Public, public_progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRC-32 (IEEE) of a PNG chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }

    /// A grey PNG that declares a canvas and carries no pixels (a few dozen bytes).
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = Vec::new();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &[]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn a_huge_declared_canvas_is_refused_before_decoding() {
        // Issue 13, item 7: a 420 KB PNG of 12000 × 12000 px was decoded (2.3 s, gigabytes).
        let bomb = png_declaring(12_000, 12_000);
        match sanitize_photo(&bomb) {
            Err(AppError::Invalid { code, .. }) => assert_eq!(code, "photo_too_many_pixels"),
            other => panic!("expected a refusal, got {:?}", other.map(|p| (p.1, p.2))),
        }
    }

    #[test]
    fn phone_camera_sizes_pass_the_declared_size_check() {
        assert!(declared_size_ok(4000, 3000));
        assert!(declared_size_ok(8000, 5000));
        assert!(!declared_size_ok(8000, 5001));
        assert!(!declared_size_ok(0, 100));
    }
}
