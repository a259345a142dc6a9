//! Residents' issue reports (民生诉求, 接诉即办): the report (signed in, or on the public phone
//! page), triage and dispatch to a worker or a partner unit with deadlines per category in
//! working days, progress, re-routing with its reason kept, resolution, the callback rating,
//! the categories, and what the pages and the public progress page read.

use crate::partners::{self, NeedDraft, PHOTOS_PER_REPORT, Photo, liaison_unit};
use crate::{Actor, App, Error, Result, clip};
use chrono::Datelike;
use linli_core::partners::{self as rules, AffairEvent, AffairStatus, AffairStep, Rating};
use linli_core::workdays::Calendar;
use linli_core::{Action, PlaceKind};
use linli_store::affairs::{self as store, Affair, AffairFilter, AffairInput, Category};
use linli_store::partners as units;
use linli_store::places::{self, Place};
use linli_store::{Tenant, assistance};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The place, as authorization sees it.
fn as_place(a: &Affair) -> Place {
    crate::places::at(a.community_id, &a.place_path)
}

/// Whether the actor is the one the issue is with: its worker, or its unit's liaison.
pub fn holds(actor: &Actor, a: &Affair) -> bool {
    match liaison_unit(actor) {
        Some(unit) => unit.is_some() && a.assignee_partner_id == unit,
        None => actor.user_id().is_some() && a.assignee_user_id == actor.user_id(),
    }
}

/// Whether the actor triages and dispatches this issue (staff, never a liaison). An issue
/// placed only by free text belongs to the whole community: any of its staff may take it.
pub fn manages(actor: &Actor, a: &Affair) -> bool {
    let target = a.place_id.map(|_| &a.place_path);
    liaison_unit(actor).is_none() && actor.allowed(Action::ManageAffairs, target)
}

/// Whether the actor is community staff who dispatch issues (not a liaison).
pub fn is_staff(actor: &Actor) -> bool {
    liaison_unit(actor).is_none() && actor.allowed(Action::ManageAffairs, None)
}

/// An issue the actor may see: staff and building heads by place, a liaison only those with
/// its unit, a worker those dispatched to them. Not found otherwise.
pub async fn affair(app: &App, actor: &Actor, id: i64) -> Result<Affair> {
    let t = actor.tenant()?;
    let a = app.read(move |c| store::get_affair(c, t, id)).await?;
    if liaison_unit(actor).is_some() {
        return if holds(actor, &a) { Ok(a) } else { Err(Error::NotFound) };
    }
    if holds(actor, &a) || manages(actor, &a) {
        return Ok(a);
    }
    actor.require(app, Action::ViewAffairs, &as_place(&a)).await?;
    Ok(a)
}

/// Whether the actor may see the reporter's whole number to call back: the worker who holds
/// the issue or the staff who dispatch it, never a partner unit's liaison.
pub fn may_call_back(actor: &Actor, a: &Affair) -> bool {
    liaison_unit(actor).is_none() && (holds(actor, a) || manages(actor, a))
}

/// The reporter's callback number, whole, for whoever may call back; every reveal is audited.
pub async fn reveal_phone(app: &App, actor: &Actor, id: i64) -> Result<String> {
    let a = affair(app, actor, id).await?;
    if !may_call_back(actor, &a) {
        return Err(Error::Forbidden);
    }
    let phone = a.reporter_phone.clone().ok_or(Error::invalid("affair_no_phone", "phone"))?;
    let tenant = actor.tenant()?;
    app.write(actor, move |tx| {
        tx.audit(tenant, "affair.reveal_phone", "affair", id, json!({"field": "reporter_phone"}))
    })
    .await?;
    Ok(phone)
}

// ---- writes ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AffairDraft {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place_id: Option<i64>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub reporter_phone: Option<String>,
    /// call, visit or staff (a worker on a resident's behalf); phone_page for the public form.
    #[serde(default)]
    #[schemars(extend("enum" = ["call", "visit", "staff", "phone_page", null]))]
    pub channel: Option<String>,
}

/// An issue recorded: its id and the reference the resident follows it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Reported {
    pub id: i64,
    #[serde(rename = "ref")]
    pub public_ref: String,
}

/// Records an issue in the actor's own community (a worker or building head taking a call or
/// a visit).
pub async fn create_affair(
    app: &App,
    actor: &Actor,
    d: AffairDraft,
    photos: Vec<Photo>,
) -> Result<Reported> {
    let t = actor.tenant()?;
    report_in(app, actor, t, d, photos).await
}

/// Records an issue from the public phone page, for `community` (see [`public_community`]).
pub async fn report_public(
    app: &App,
    actor: &Actor,
    community: &Place,
    d: AffairDraft,
    photos: Vec<Photo>,
) -> Result<Reported> {
    report_in(app, actor, Tenant::new(community.id), d, photos).await
}

async fn report_in(
    app: &App,
    actor: &Actor,
    t: Tenant,
    d: AffairDraft,
    photos: Vec<Photo>,
) -> Result<Reported> {
    // A resident signed in reports as the public does; the issue is then linked to her record.
    let signed_in = actor.user().is_some() && !actor.is_resident_only();
    let reporter = match actor.user_id().filter(|_| actor.is_resident_only()) {
        Some(uid) => app
            .read(move |c| linli_store::users::linked_resident(c, uid))
            .await?
            .filter(|(rt, _)| *rt == t)
            .map(|(_, rid)| rid),
        None => None,
    };
    if signed_in && liaison_unit(actor).is_some() {
        return Err(Error::Forbidden);
    }
    let cats = app.read(move |c| store::categories(c, t)).await?;
    let cat = cats
        .iter()
        .find(|c| c.code == d.category.trim())
        .cloned()
        .ok_or(Error::invalid("affair_category_bad", "category"))?;
    let description: String = d.description.trim().chars().take(2000).collect();
    if description.chars().count() < 4 {
        return Err(Error::invalid("affair_description_missing", "description"));
    }
    let phone = match d.reporter_phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Some(
            linli_core::roster::parse_phone(p)
                .map_err(|_| Error::invalid("phone_bad", "reporter_phone"))?,
        ),
        None => None,
    };
    if photos.len() > PHOTOS_PER_REPORT {
        return Err(Error::invalid("photo_too_many", "photos"));
    }
    // Where: a building or unit of the community, or the community itself with free text.
    let (place_id, place_path, target) = match d.place_id {
        Some(pid) => {
            let p = app
                .read(move |c| places::get_in(c, t, pid))
                .await
                .map_err(|_| Error::invalid("place_missing", "place_id"))?;
            if !matches!(p.kind, PlaceKind::Building | PlaceKind::Unit | PlaceKind::Grid) {
                return Err(Error::invalid("place_missing", "place_id"));
            }
            (Some(p.id), p.path.as_str().to_string(), Some(p))
        }
        None => {
            let p = app.read(move |c| places::get(c, t.id())).await?;
            (None, p.path.as_str().to_string(), None)
        }
    };
    if signed_in && let Some(target) = &target {
        actor
            .require(app, Action::ViewAffairs, target)
            .await
            .map_err(|_| Error::invalid("place_missing", "place_id"))?;
    }
    let channel = match (signed_in, d.channel.as_deref()) {
        (false, _) => "phone_page",
        (true, Some("call")) => "call",
        (true, Some("visit")) => "visit",
        (true, _) => "staff",
    };
    let today = actor.today();
    let place_text = clip(d.place.as_deref(), 100);
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        let user = tx.actor.user_id();
        let cal = assistance::calendar(tx.c, t)?;
        let (respond_by, resolve_by) = rules::deadlines(today, cat.respond_days.clamp(0, 60) as u32, cat.resolve_days.clamp(0, 120) as u32, &cal);
        let mut tries = 0;
        let (id, public_ref) = loop {
            let public_ref = rules::public_ref(rand::random::<u64>());
            if !store::public_ref_taken(tx.c, &public_ref)? || tries > 8 {
                let input = AffairInput {
                    public_ref: public_ref.clone(),
                    category: cat.code.clone(),
                    description: description.clone(),
                    place_id,
                    place_path: place_path.clone(),
                    place_text: place_text.clone(),
                    reporter_phone: phone.clone(),
                    channel: channel.into(),
                    reported_on: today,
                    respond_by,
                    resolve_by,
                    reporter_resident_id: reporter,
                };
                break (store::create_affair(tx.c, t, &input, user, now)?, public_ref);
            }
            tries += 1;
        };
        store::add_event(tx.c, t, id, AffairStep::Reported, user, "", "", "", true, now)?;
        for ph in photos {
            store::add_photo(tx.c, t, id, "report", ph, now)?;
        }
        // The phone is personal data: the audit names only whether there is one.
        tx.audit(t, "affair.create", "affair", id, json!({"category": cat.code, "channel": channel, "has_phone": phone.is_some(), "place_id": place_id}))?;
        Ok(Reported { id, public_ref })
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AssignDraft {
    #[serde(default)]
    pub assignee_user_id: Option<i64>,
    #[serde(default)]
    pub partner_id: Option<i64>,
    #[serde(default)]
    pub due_on: Option<String>,
    /// Required when the issue is already with someone (a re-route).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Who holds an issue, for the history of a re-route.
fn holder_name(a: &Affair) -> String {
    a.assignee_partner_name.clone().or_else(|| a.assignee_user_name.clone()).unwrap_or_default()
}

/// Dispatches an issue to a worker or a partner unit; re-routing an assigned one needs a reason.
pub async fn assign(app: &App, actor: &Actor, id: i64, d: AssignDraft) -> Result<()> {
    let a = affair(app, actor, id).await?;
    if !manages(actor, &a) {
        return Err(Error::Forbidden);
    }
    let t = actor.tenant()?;
    let (user, partner) = match (d.assignee_user_id, d.partner_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(Error::invalid("affair_assignee_one", "assignee_user_id"));
        }
        x => x,
    };
    let to_label = if let Some(p) = partner {
        app.read(move |c| units::get_partner(c, t, p))
            .await
            .map_err(|_| Error::invalid("partner_missing", "partner_id"))?
            .name
    } else {
        let uid = user.unwrap_or_default();
        let staff = app.read(move |c| store::dispatchable_staff(c, t)).await?;
        staff
            .into_iter()
            .find(|(i, _)| *i == uid)
            .map(|(_, n)| n)
            .ok_or(Error::invalid("affair_assignee_bad", "assignee_user_id"))?
    };
    let reason = clip(d.reason.as_deref(), 500);
    rules::affair_after(a.status, AffairEvent::Assign, &reason).map_err(|e| match e {
        rules::PartnersError::RerouteReason => Error::invalid(e.code(), "reason"),
        _ => Error::conflict(e.code()),
    })?;
    let reroute = rules::is_reroute(a.status);
    let today = actor.today();
    let due = match d.due_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let due =
                linli_core::dates::parse_date(s).ok_or(Error::invalid("date_bad", "due_on"))?;
            if due < today {
                return Err(Error::invalid("affair_due_past", "due_on"));
            }
            due
        }
        None => a.resolve_by,
    };
    let from_label = if reroute { holder_name(&a) } else { String::new() };
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        store::assign_affair(tx.c, t, id, user, partner, due, today, now)?;
        store::add_event(tx.c, t, id, if reroute { AffairStep::Rerouted } else { AffairStep::Assigned }, tx.actor.user_id(), &from_label, &to_label, &reason, true, now)?;
        tx.audit_change(t, if reroute { "affair.reroute" } else { "affair.assign" }, "affair", id,
            Some(json!({"status": a.status, "assignee_user_id": a.assignee_user_id, "partner_id": a.assignee_partner_id})),
            json!({"status": "assigned", "assignee_user_id": user, "partner_id": partner, "due_on": due, "reason": reason}))?;
        Ok(())
    })
    .await
}

async fn work_check(app: &App, actor: &Actor, id: i64) -> Result<Affair> {
    let a = affair(app, actor, id).await?;
    if !(holds(actor, &a) || manages(actor, &a)) {
        return Err(Error::Forbidden);
    }
    Ok(a)
}

/// An issue's state after a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AffairState {
    pub id: i64,
    pub status: AffairStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
}

fn state(id: i64, status: AffairStatus) -> AffairState {
    AffairState { id, status, rating: None }
}

/// Progress posted by the holder (or staff).
pub async fn progress(app: &App, actor: &Actor, id: i64, note: &str) -> Result<AffairState> {
    let a = work_check(app, actor, id).await?;
    let t = actor.tenant()?;
    let note = clip(Some(note), 1000);
    if note.is_empty() {
        return Err(Error::invalid("affair_note_missing", "note"));
    }
    rules::affair_after(a.status, AffairEvent::Progress, "")
        .map_err(|e| Error::conflict(e.code()))?;
    let day = actor.today();
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        let user = tx.actor.user_id();
        store::mark_progress(tx.c, t, id, day, now)?;
        store::add_event(tx.c, t, id, AffairStep::Progress, user, "", "", &note, true, now)?;
        tx.audit(t, "affair.progress", "affair", id, json!({"note": note}))?;
        Ok(state(id, AffairStatus::InProgress))
    })
    .await
}

/// Resolves an issue, with photos of the work done if the holder took some (already
/// re-encoded by the caller).
pub async fn resolve(
    app: &App,
    actor: &Actor,
    id: i64,
    resolution: &str,
    photos: Vec<Photo>,
) -> Result<AffairState> {
    let a = work_check(app, actor, id).await?;
    let t = actor.tenant()?;
    let resolution = clip(Some(resolution), 2000);
    if resolution.is_empty() {
        return Err(Error::invalid("affair_resolution_missing", "resolution"));
    }
    if photos.len() > PHOTOS_PER_REPORT {
        return Err(Error::invalid("photo_too_many", "photos"));
    }
    rules::affair_after(a.status, AffairEvent::Resolve, "")
        .map_err(|e| Error::conflict(e.code()))?;
    let day = actor.today();
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        let user = tx.actor.user_id();
        store::resolve_affair(tx.c, t, id, &resolution, day, now)?;
        for ph in photos {
            store::add_photo(tx.c, t, id, "resolve", ph, now)?;
        }
        store::add_event(tx.c, t, id, AffairStep::Resolved, user, "", "", &resolution, true, now)?;
        tx.audit_change(
            t,
            "affair.resolve",
            "affair",
            id,
            Some(json!({"status": a.status})),
            json!({"status": "resolved", "resolution": resolution}),
        )?;
        Ok(state(id, AffairStatus::Resolved))
    })
    .await
}

/// The callback (回访): only the community records the resident's verdict, never the unit
/// that did the work.
pub async fn rate(
    app: &App,
    actor: &Actor,
    id: i64,
    rating: &str,
    note: &str,
) -> Result<AffairState> {
    let a = affair(app, actor, id).await?;
    if !manages(actor, &a) {
        return Err(Error::Forbidden);
    }
    let t = actor.tenant()?;
    let rating = Rating::parse(rating).ok_or(Error::invalid("affair_rating_bad", "rating"))?;
    rules::affair_after(a.status, AffairEvent::Rate, "").map_err(|e| Error::conflict(e.code()))?;
    let note = clip(Some(note), 500);
    let day = actor.today();
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        store::rate_affair(tx.c, t, id, rating.as_str(), &note, day, now)?;
        store::add_event(
            tx.c,
            t,
            id,
            AffairStep::Rated,
            tx.actor.user_id(),
            "",
            "",
            rating.as_str(),
            true,
            now,
        )?;
        tx.audit_change(
            t,
            "affair.rate",
            "affair",
            id,
            Some(json!({"status": a.status})),
            json!({"status": "closed", "rating": rating.as_str()}),
        )?;
        Ok(AffairState { id, status: AffairStatus::Closed, rating: Some(rating) })
    })
    .await
}

/// Who raised a need that came from an issue report.
const RAISED_BY_REPORT: &str = "居民反映（民生诉求）";

/// Puts an issue on the needs list (the alley: more than a worker can fix).
pub async fn to_need(app: &App, actor: &Actor, id: i64) -> Result<i64> {
    let a = affair(app, actor, id).await?;
    if !manages(actor, &a) {
        return Err(Error::Forbidden);
    }
    if a.need_id.is_some() {
        return Err(Error::conflict("affair_need_exists"));
    }
    let t = actor.tenant()?;
    let cats = app.read(move |c| store::categories(c, t)).await?;
    let label = cats
        .iter()
        .find(|c| c.code == a.category)
        .map_or_else(|| a.category.clone(), |c| c.name_zh.clone());
    let title =
        format!("{}：{}", label, a.place_text.clone() + a.place_name.as_deref().unwrap_or(""));
    let need = partners::create_need(
        app,
        actor,
        NeedDraft {
            title: title.chars().take(80).collect(),
            description: Some(a.description.clone()),
            place: Some(a.place_text.clone()),
            urgency: None,
            raised_by: Some(RAISED_BY_REPORT.into()),
            affair_id: Some(a.id),
        },
    )
    .await?;
    app.write(actor, move |tx| {
        let now = tx.actor.now;
        store::add_event(
            tx.c,
            t,
            a.id,
            AffairStep::Need,
            tx.actor.user_id(),
            "",
            "",
            "",
            true,
            now,
        )?;
        Ok(())
    })
    .await?;
    Ok(need)
}

/// A category as an admin writes it (the API's items and the form's rows).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CategoryDraft {
    pub code: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    pub respond_days: i64,
    pub resolve_days: i64,
}

/// Replaces the community's categories (the defaults until then). Codes already used by
/// issues keep their meaning: a category left out is only hidden from new reports. Audited
/// with the list before and after.
pub async fn set_categories(
    app: &App,
    actor: &Actor,
    items: Vec<CategoryDraft>,
) -> Result<Vec<Category>> {
    let t = actor.tenant()?;
    if liaison_unit(actor).is_some() {
        return Err(Error::Forbidden);
    }
    if items.is_empty() {
        return Err(Error::invalid("affair_categories_empty", "items"));
    }
    let mut list: Vec<Category> = Vec::with_capacity(items.len());
    for k in items {
        let code = k.code.trim().to_string();
        if !rules::valid_category_code(&code) || list.iter().any(|c| c.code == code) {
            return Err(Error::invalid("affair_category_code_bad", "items"));
        }
        if k.name_zh.trim().is_empty()
            || !(0..=60).contains(&k.respond_days)
            || !(0..=120).contains(&k.resolve_days)
            || k.resolve_days < k.respond_days
        {
            return Err(Error::invalid("affair_category_bad_days", "items"));
        }
        list.push(Category {
            code,
            name_zh: k.name_zh.trim().chars().take(20).collect(),
            name_en: k.name_en.trim().chars().take(40).collect(),
            respond_days: k.respond_days,
            resolve_days: k.resolve_days,
        });
    }
    app.write(actor, move |tx| {
        let before = store::categories(tx.c, t)?;
        store::set_categories(tx.c, t, &list)?;
        let after = store::categories(tx.c, t)?;
        tx.audit_change(
            t,
            "affair.categories",
            "community",
            t.id(),
            Some(json!({"items": before})),
            json!({"items": after}),
        )?;
        Ok(after)
    })
    .await
}

// ---- reads ----

/// The actor's community's categories.
pub async fn categories(app: &App, actor: &Actor) -> Result<Vec<Category>> {
    let t = actor.tenant()?;
    app.read(move |c| store::categories(c, t)).await
}

/// An issue as the API shows it: the callback phone masked (a unit's liaison gets none: the
/// callback is the community's), the history and the photos attached.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AffairView {
    #[serde(flatten)]
    pub affair: Affair,
    pub reporter_phone: Option<String>,
    pub events: Vec<store::AffairEvent>,
    pub photos: Vec<store::PhotoMeta>,
}

fn masked_phone(actor: &Actor, a: &Affair) -> Option<String> {
    a.reporter_phone
        .as_deref()
        .filter(|_| liaison_unit(actor).is_none())
        .map(linli_core::mask::mask_phone)
}

pub async fn affair_view(app: &App, actor: &Actor, id: i64) -> Result<AffairView> {
    let a = affair(app, actor, id).await?;
    let t = actor.tenant()?;
    let (events, photos) = app
        .read(move |c| Ok::<_, Error>((store::events_of(c, t, id)?, store::photos_of(c, t, id)?)))
        .await?;
    Ok(AffairView { reporter_phone: masked_phone(actor, &a), affair: a, events, photos })
}

/// An issue in a list as the API shows it (phone masked).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AffairRow {
    #[serde(flatten)]
    pub affair: Affair,
    pub reporter_phone: Option<String>,
}

/// The filter of the issues the actor may see: staff and building heads by place (staff also
/// the unplaced ones), a worker also those given to them, a liaison its unit's. `None` for a
/// liaison whose grant names no unit (it sees none).
fn visible(actor: &Actor) -> Option<AffairFilter> {
    let liaison = liaison_unit(actor);
    if liaison == Some(None) {
        return None;
    }
    Some(AffairFilter {
        partner_id: liaison.flatten(),
        scopes: if liaison.is_some() { Vec::new() } else { actor.scopes(Action::ViewAffairs) },
        unplaced: is_staff(actor),
        or_assignee: if liaison.is_none() { actor.user_id() } else { None },
        ..Default::default()
    })
}

/// Which issues a list asks for.
#[derive(Debug, Clone, Default)]
pub enum StatusFilter {
    #[default]
    All,
    /// Not yet resolved.
    Open,
    /// Resolved at some time (closed ones included).
    ResolvedAny,
    Is(AffairStatus),
}

/// The issues the actor may see, open ones by deadline first.
pub async fn list(app: &App, actor: &Actor, status: StatusFilter) -> Result<Vec<Affair>> {
    let t = actor.tenant()?;
    let Some(mut filter) = visible(actor) else {
        return Ok(Vec::new());
    };
    match &status {
        StatusFilter::Open => filter.open = true,
        StatusFilter::Is(s) => filter.status = Some(s.as_str().to_string()),
        StatusFilter::All | StatusFilter::ResolvedAny => {}
    }
    let mut items = app.read(move |c| store::list_affairs(c, t, &filter)).await?;
    if matches!(status, StatusFilter::ResolvedAny) {
        items.retain(|a| a.resolved_on.is_some());
    }
    Ok(items)
}

/// [`list`] as the API shows it.
pub async fn list_rows(app: &App, actor: &Actor, status: StatusFilter) -> Result<Vec<AffairRow>> {
    Ok(list(app, actor, status)
        .await?
        .into_iter()
        .map(|a| AffairRow { reporter_phone: masked_phone(actor, &a), affair: a })
        .collect())
}

/// What the issues page shows besides the list: the categories, the calendar, and for staff
/// the facts behind this year's three rates.
pub struct ListExtras {
    pub categories: Vec<Category>,
    pub calendar: Calendar,
    pub facts: Vec<linli_core::partners::AffairFacts>,
}

pub async fn list_extras(app: &App, actor: &Actor) -> Result<ListExtras> {
    let t = actor.tenant()?;
    let staff = is_staff(actor);
    let year = actor.today().year();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    app.read(move |c| {
        Ok::<_, Error>(ListExtras {
            categories: store::categories(c, t)?,
            calendar: assistance::calendar(c, t)?,
            facts: if staff { store::affair_facts(c, t, &from, &to)? } else { Vec::new() },
        })
    })
    .await
}

/// Everything an issue's page shows.
pub struct AffairPage {
    pub affair: Affair,
    pub events: Vec<store::AffairEvent>,
    pub photos: Vec<store::PhotoMeta>,
    pub categories: Vec<Category>,
    pub units: Vec<units::Partner>,
    pub staff: Vec<(i64, String)>,
    pub calendar: Calendar,
}

pub async fn page(app: &App, actor: &Actor, id: i64) -> Result<AffairPage> {
    let a = affair(app, actor, id).await?;
    let t = actor.tenant()?;
    app.read(move |c| {
        Ok::<_, Error>(AffairPage {
            events: store::events_of(c, t, id)?,
            photos: store::photos_of(c, t, id)?,
            categories: store::categories(c, t)?,
            units: units::list_partners(c, t, None)?,
            staff: store::dispatchable_staff(c, t)?,
            calendar: assistance::calendar(c, t)?,
            affair: a,
        })
    })
    .await
}

/// A photo of an issue the actor may see.
pub async fn photo(app: &App, actor: &Actor, id: i64, photo_id: i64) -> Result<Vec<u8>> {
    let a = affair(app, actor, id).await?;
    let t = actor.tenant()?;
    let p = app.read(move |c| store::get_photo(c, t, photo_id)).await?;
    if p.affair_id != a.id {
        return Err(Error::NotFound);
    }
    Ok(p.bytes)
}

/// The community a public page is for: named, the visitor's own, or the only one there is.
pub async fn public_community(app: &App, actor: &Actor, name: Option<String>) -> Result<Place> {
    let signed_in = actor.community_id();
    app.read(move |c| crate::places::public_community(c, signed_in, name.as_deref())).await
}

/// What the report forms offer: the categories and the community's buildings.
pub async fn form_choices(
    app: &App,
    community: &Place,
) -> Result<(Vec<Category>, Vec<(i64, String)>)> {
    let t = Tenant::new(community.id);
    app.read(move |c| Ok::<_, Error>((store::categories(c, t)?, store::buildings(c, t)?))).await
}

/// What the public progress page shows: the issue, its history, the categories and the names
/// of the community's partner units (any other holder is shown as community staff).
pub struct Progress {
    pub affair: Affair,
    pub events: Vec<store::AffairEvent>,
    pub categories: Vec<Category>,
    pub units: Vec<String>,
}

/// An issue by its public reference (anyone who has it).
pub async fn by_ref(app: &App, public_ref: String) -> Result<Progress> {
    let public_ref = rules::normalize_ref(&public_ref);
    app.read(move |c| {
        let a = store::affair_by_ref(c, &public_ref)?;
        let t = Tenant::new(a.community_id);
        Ok::<_, Error>(Progress {
            events: store::events_of(c, t, a.id)?,
            categories: store::categories(c, t)?,
            units: units::list_partners(c, t, None)?.into_iter().map(|u| u.name).collect(),
            affair: a,
        })
    })
    .await
}

/// What the home page lists: open issues the actor works on, with the calendar and the
/// categories; `None` when the actor works on none.
pub struct Due {
    pub items: Vec<Affair>,
    pub calendar: Calendar,
    pub categories: Vec<Category>,
    pub staff: bool,
}

pub async fn due(app: &App, actor: &Actor) -> Result<Option<Due>> {
    let Ok(t) = actor.tenant() else {
        return Ok(None);
    };
    if actor.user().is_none() || !actor.allowed(Action::WorkAffairs, None) {
        return Ok(None);
    }
    let Some(mut filter) = visible(actor) else {
        return Ok(None);
    };
    let staff = is_staff(actor);
    filter.open = true;
    filter.assignee_user_id =
        if !staff && liaison_unit(actor).is_none() { actor.user_id() } else { None };
    let (items, calendar, categories) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::list_affairs(c, t, &filter)?,
                assistance::calendar(c, t)?,
                store::categories(c, t)?,
            ))
        })
        .await?;
    Ok(Some(Due { items, calendar, categories, staff }))
}
