//! Civilized corridors (文明楼道, issue 17, first part): one corridor per unit, its six
//! publicity boards with their history, inspections against the community's checklist from a
//! phone, the star level and the high-standard status, the worst items as the list to act on,
//! and a failed item turned into an issue report in one step. A building head sees, inspects
//! and keeps the boards of her own buildings' corridors only.

use crate::{Actor, App, Error, Result, clip};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::corridors as rules;
use linli_store::Tenant;
use linli_store::corridors::{self as store, Board, Corridor, Inspection};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Creates the corridors of units added since (one per unit, with the place tree).
async fn ensure(app: &App, actor: &Actor, t: Tenant) -> Result<()> {
    if app.read(move |c| store::missing(c, t)).await? > 0 {
        app.write(actor, move |tx| {
            let n = store::ensure(tx.c, t, tx.actor.now)?;
            if n > 0 {
                tx.audit_collection(t, "corridor.create", "corridor", json!({"count": n}))?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// A corridor as listed (the `corridors_list` contract).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CorridorRow {
    pub id: i64,
    pub unit_id: i64,
    pub building_id: i64,
    pub name: String,
    pub building_name: String,
    /// The last inspection's stars (none: never inspected).
    pub stars: Option<i64>,
    pub high_standard: bool,
    pub last_inspected: Option<String>,
}

/// The corridors the actor may see (of one building, or all).
pub async fn list(app: &App, actor: &Actor, building: Option<i64>) -> Result<Vec<CorridorRow>> {
    let t = actor.require_role(app, Action::ViewCorridors).await?;
    ensure(app, actor, t).await?;
    let scopes = actor.scopes(Action::ViewCorridors);
    let today = actor.today().to_string();
    let (list, stars, settings) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::list_within(c, t, &scopes, building)?,
                store::stars_up_to(c, t, &today)?,
                store::settings(c, t)?,
            ))
        })
        .await?;
    let latest = app.read(move |c| store::latest(c, t)).await?;
    Ok(list
        .into_iter()
        .map(|k| {
            let s =
                stars.iter().find(|(id, _)| *id == k.id).map(|(_, s)| s.as_slice()).unwrap_or(&[]);
            let last = latest.iter().find(|(id, _, _)| *id == k.id);
            CorridorRow {
                id: k.id,
                unit_id: k.unit_id,
                building_id: k.building_id,
                name: k.name,
                building_name: k.building_name,
                stars: last.map(|l| l.2),
                high_standard: settings.high_standard(s),
                last_inspected: last.map(|l| l.1.clone()),
            }
        })
        .collect())
}

/// An item of the checklist (the `inspection_items_list` contract).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ItemRow {
    pub code: String,
    pub label: String,
    pub points: i64,
}

pub async fn items(app: &App, actor: &Actor) -> Result<Vec<ItemRow>> {
    let t = actor.require_role(app, Action::ViewCorridors).await?;
    Ok(app
        .read(move |c| store::items(c, t))
        .await?
        .into_iter()
        .map(|(code, label, points)| ItemRow { code, label, points })
        .collect())
}

/// A corridor the actor may see (not found outside her buildings).
async fn corridor(app: &App, actor: &Actor, action: Action, id: i64) -> Result<(Tenant, Corridor)> {
    let t = actor.tenant()?;
    let k = app.read(move |c| store::get(c, t, id)).await?;
    actor.require(app, action, &crate::places::at(t.id(), &k.place_path)).await?;
    Ok((t, k))
}

/// A board with whether it is stale.
pub struct BoardView {
    pub board: Board,
    pub stale: bool,
}

/// A corridor's page: boards, inspections newest first, high-standard status.
pub struct CorridorView {
    pub corridor: Corridor,
    pub boards: Vec<BoardView>,
    pub history: Vec<(String, String, String)>,
    pub inspections: Vec<Inspection>,
    pub high_standard: bool,
    pub items: Vec<(String, String, i64)>,
    /// Every item's name by code, those taken off the checklist included (for past
    /// inspections: `linli_core::corridors::item_label`).
    pub labels: Vec<(String, String)>,
    /// Photos of the inspections: (photo id, inspection id).
    pub photos: Vec<(i64, i64)>,
    /// The community's rules (board names, the high-standard rule said on the page).
    pub settings: rules::Settings,
}

pub async fn view(app: &App, actor: &Actor, id: i64) -> Result<CorridorView> {
    let (t, k) = corridor(app, actor, Action::ViewCorridors, id).await?;
    load(app, t, k, actor.today()).await
}

async fn load(app: &App, t: Tenant, k: Corridor, today: NaiveDate) -> Result<CorridorView> {
    let id = k.id;
    let (settings, boards, history, inspections, (items, labels), photos) = app
        .read(move |c| {
            let settings = store::settings(c, t)?;
            let boards = store::boards(c, t, id, &settings.boards)?;
            Ok::<_, Error>((
                settings,
                boards,
                store::board_history(c, t, id)?,
                store::inspections(c, t, id)?,
                (store::items(c, t)?, store::item_labels(c, t)?),
                store::photos_of(c, t, id)?,
            ))
        })
        .await?;
    let stars: Vec<i64> = inspections.iter().map(|i| i.stars).collect();
    Ok(CorridorView {
        corridor: k,
        boards: boards
            .into_iter()
            .map(|b| BoardView { stale: settings.stale(b.updated_on, today), board: b })
            .collect(),
        history,
        high_standard: settings.high_standard(&stars),
        inspections,
        items,
        labels,
        photos,
        settings,
    })
}

/// A photo of a corridor's inspection (staff and the corridor's building head only).
pub async fn photo(app: &App, actor: &Actor, corridor_id: i64, photo_id: i64) -> Result<Vec<u8>> {
    let (t, k) = corridor(app, actor, Action::ViewCorridors, corridor_id).await?;
    let (of, bytes) = app.read(move |c| store::photo(c, t, photo_id)).await?;
    if of != k.id {
        return Err(Error::NotFound);
    }
    Ok(bytes)
}

/// A corridor's boards for its public page (the QR code in the stairwell): no sign-in, no
/// personal data. Answers the community's name too.
pub async fn public_view(app: &App, today: NaiveDate, id: i64) -> Result<(String, CorridorView)> {
    let (t, k, community) = app.read(move |c| store::public_get(c, id)).await?;
    let mut v = load(app, t, k, today).await?;
    v.photos.clear();
    // Who inspected is not the public's business; the dates and stars are.
    for i in &mut v.inspections {
        i.inspector.clear();
        i.note.clear();
    }
    Ok((community, v))
}

/// An inspection (the `corridor_inspections_create` contract): the failed items' codes.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct InspectionDraft {
    #[serde(default)]
    pub corridor_id: i64,
    /// The day (default: today).
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub failed: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What an inspection answers: `{id, score, stars}`, and whether the corridor is now
/// high-standard.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Inspected {
    pub id: i64,
    pub score: i64,
    pub stars: i64,
    pub high_standard: bool,
}

pub async fn inspect(
    app: &App,
    actor: &Actor,
    d: InspectionDraft,
    photos: Vec<crate::partners::Photo>,
) -> Result<Inspected> {
    if photos.len() > crate::partners::PHOTOS_PER_REPORT {
        return Err(Error::invalid("photo_too_many", "photos"));
    }
    let (t, k) = corridor(app, actor, Action::InspectCorridors, d.corridor_id)
        .await
        .map_err(|e| e.or_invalid("corridor_missing", "corridor_id"))?;
    let on = match d.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => linli_core::dates::parse_date(s).ok_or(Error::invalid("date_bad", "on"))?,
        None => actor.today(),
    };
    if on > actor.today() {
        return Err(Error::invalid("date_future", "on"));
    }
    let (items, settings) =
        app.read(move |c| Ok::<_, Error>((store::items(c, t)?, store::settings(c, t)?))).await?;
    let points: Vec<(String, i64)> = items.iter().map(|(c, _, p)| (c.clone(), *p)).collect();
    let mut failed: Vec<String> = d.failed.iter().map(|f| f.trim().to_string()).collect();
    failed.sort();
    failed.dedup();
    if !rules::unknown(&points, &failed).is_empty() {
        return Err(Error::invalid("inspection_item_bad", "failed"));
    }
    let score = rules::score(&points, &failed);
    let max: i64 = points.iter().map(|(_, p)| p).sum();
    // Scored on a 100-point scale whatever the community's checklist adds up to.
    let scaled = if max > 0 { score * 100 / max } else { 0 };
    let stars = settings.stars(scaled);
    let note = clip(d.note.as_deref(), 500);
    let corridor_id = k.id;
    // The audit names what failed as the checklist does; the codes are the inspection's.
    let failed_names: Vec<String> = failed
        .iter()
        .map(|f| {
            items.iter().find(|(c, _, _)| c == f).map_or_else(|| f.clone(), |(_, l, _)| l.clone())
        })
        .collect();
    let id = app
        .write(actor, move |tx| {
            let id = store::add_inspection(
                tx.c,
                t,
                corridor_id,
                on,
                tx.actor.user_id(),
                score,
                max,
                stars,
                &failed,
                &note,
                tx.actor.now,
            )?;
            let n_photos = photos.len();
            for ph in photos {
                store::add_photo(tx.c, t, id, corridor_id, ph, tx.actor.now)?;
            }
            tx.audit(
                t,
                "corridor.inspect",
                "corridor",
                corridor_id,
                json!({"inspection_id": id, "on": on.to_string(), "score": score, "stars": stars, "failed": failed_names, "photos": n_photos}),
            )?;
            Ok(id)
        })
        .await?;
    let today = actor.today().to_string();
    let s = app
        .read(move |c| store::stars_up_to(c, t, &today))
        .await?
        .into_iter()
        .find(|(k, _)| *k == corridor_id)
        .map(|(_, s)| s)
        .unwrap_or_default();
    Ok(Inspected { id, score, stars, high_standard: settings.high_standard(&s) })
}

/// New content for one of a corridor's boards.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct BoardDraft {
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
}

pub async fn set_board(app: &App, actor: &Actor, corridor_id: i64, d: BoardDraft) -> Result<i64> {
    let (t, k) = corridor(app, actor, Action::InspectCorridors, corridor_id).await?;
    let settings = app.read(move |c| store::settings(c, t)).await?;
    let theme = settings
        .boards
        .iter()
        .find(|(code, _)| code == d.theme.trim())
        .map(|(code, _)| code.clone())
        .ok_or(Error::invalid("board_theme_bad", "theme"))?;
    let title = clip(Some(&d.title), 60);
    if title.chars().count() < 2 {
        return Err(Error::invalid("board_title_missing", "title"));
    }
    let content = clip(Some(&d.content), 2000);
    let today = actor.today();
    app.write(actor, move |tx| {
        let id = store::set_board(
            tx.c,
            t,
            k.id,
            &theme,
            &title,
            &content,
            today,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        tx.audit(t, "corridor.board", "corridor", k.id, json!({"theme": theme, "title": title}))?;
        Ok(id)
    })
    .await
}

/// The items failed most often in the last 90 days in the actor's corridors: the list to act on.
pub async fn worst_items(app: &App, actor: &Actor) -> Result<Vec<(String, String, i64)>> {
    let t = actor.require_role(app, Action::ViewCorridors).await?;
    let scopes = actor.scopes(Action::ViewCorridors);
    let since = actor.today() - chrono::Duration::days(90);
    let (counts, labels) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::failures_since(c, t, &scopes, since)?,
                store::item_labels(c, t)?,
            ))
        })
        .await?;
    Ok(counts
        .into_iter()
        .map(|(code, n)| {
            let label = rules::item_label(&code, &labels);
            (code, label, n)
        })
        .collect())
}

/// The ledgers: every corridor the actor may see, and the year's inspection register (corridor
/// name, inspection), with the checklist's labels.
pub struct Ledgers {
    pub corridors: Vec<CorridorRow>,
    pub register: Vec<(String, Inspection)>,
    /// Every item's name by code, those taken off the checklist included.
    pub labels: Vec<(String, String)>,
}

/// The corridor ledgers of a year, audited as a download.
pub async fn ledgers(app: &App, actor: &Actor, year: i32) -> Result<Ledgers> {
    let corridors = list(app, actor, None).await?;
    let t = actor.tenant()?;
    let scopes = actor.scopes(Action::ViewCorridors);
    let (register, labels) = app
        .read(move |c| {
            Ok::<_, Error>((
                store::register(c, t, &scopes, &format!("{year}-01-01"), &format!("{year}-12-31"))?,
                store::item_labels(c, t)?,
            ))
        })
        .await?;
    app.write(actor, move |tx| {
        tx.audit_collection(
            t,
            "ledger.export",
            "ledger",
            json!({"ledger": "corridors", "year": year}),
        )
    })
    .await?;
    Ok(Ledgers { corridors, register, labels })
}

/// The issue category a failed item is reported under.
fn category_of(code: &str) -> &'static str {
    match code {
        "lights" => "lighting",
        _ => "sanitation",
    }
}

/// Turns a failed item of an inspection into an issue report at the corridor's unit, in one
/// step (the broken light goes to whoever repairs lights).
pub async fn report_item(
    app: &App,
    actor: &Actor,
    inspection_id: i64,
    code: &str,
) -> Result<crate::affairs::Reported> {
    let t = actor.tenant()?;
    let i = app.read(move |c| store::get_inspection(c, t, inspection_id)).await?;
    let (_, k) = corridor(app, actor, Action::InspectCorridors, i.corridor_id).await?;
    if !i.failed.iter().any(|f| f == code) {
        return Err(Error::invalid("inspection_item_bad", "item"));
    }
    let labels = app.read(move |c| store::item_labels(c, t)).await?;
    let label = rules::item_label(code, &labels);
    let description =
        format!("{}楼道检查（{}）：{}不合格。{}", k.name, i.on, label, i.note).trim().to_string();
    crate::affairs::create_affair(
        app,
        actor,
        crate::affairs::AffairDraft {
            category: category_of(code).into(),
            description,
            place_id: Some(k.unit_id),
            place: None,
            reporter_phone: None,
            channel: Some("staff".into()),
        },
        Vec::new(),
    )
    .await
}

/// The community's corridor rules and checklist, for the settings page.
pub struct SettingsView {
    pub settings: rules::Settings,
    pub items: Vec<(String, String, i64)>,
}

pub async fn settings(app: &App, actor: &Actor) -> Result<SettingsView> {
    let t = actor.require_role(app, Action::ViewCorridors).await?;
    app.read(move |c| {
        Ok::<_, Error>(SettingsView {
            settings: store::settings(c, t)?,
            items: store::items(c, t)?,
        })
    })
    .await
}

/// The community's rules as the settings form posts them: the thresholds of 2-5 stars, the
/// high-standard level and over how many inspections, the stale interval, the boards' names
/// in order (one a line) and the checklist (one item a line, `name points`).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SettingsDraft {
    #[serde(default)]
    pub thresholds: [i64; 4],
    #[serde(default)]
    pub high_stars: i64,
    #[serde(default)]
    pub high_last: i64,
    #[serde(default)]
    pub stale_days: i64,
    #[serde(default)]
    pub boards: Vec<String>,
    #[serde(default)]
    pub items: Vec<(String, i64)>,
}

/// Saves the community's rules and checklist in one transaction. Inspections already made keep
/// their score and stars; the high-standard status and stale boards follow the new rules at once.
pub async fn save_settings(app: &App, actor: &Actor, d: SettingsDraft) -> Result<()> {
    let t = actor.require_role(app, Action::ConfigureCorridors).await?;
    let before = app
        .read(move |c| Ok::<_, Error>((store::settings(c, t)?, store::all_items(c, t)?)))
        .await?;
    let bad = |e: rules::SettingsError| Error::invalid(e.code(), e.field());
    rules::check_rules(d.thresholds, d.high_stars, d.high_last, d.stale_days).map_err(bad)?;
    let boards = rules::check_boards(&d.boards, &before.0.boards).map_err(bad)?;
    let items = rules::check_items(&d.items, &before.1).map_err(bad)?;
    let s = rules::Settings {
        thresholds: d.thresholds,
        high_stars: d.high_stars,
        high_last: usize::try_from(d.high_last).unwrap_or(rules::DEFAULT_HIGH_STANDARD_LAST),
        stale_days: d.stale_days,
        boards,
    };
    app.write(actor, move |tx| {
        store::save_settings(tx.c, t, &s, tx.actor.now)?;
        store::replace_items(tx.c, t, &items)?;
        tx.audit_collection(
            t,
            "corridor.settings",
            "corridor",
            json!({
                "thresholds": s.thresholds, "high_stars": s.high_stars, "high_last": s.high_last,
                "stale_days": s.stale_days,
                "boards": s.boards.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
                "items": items.iter().map(|(_, l, p)| format!("{l} {p}")).collect::<Vec<_>>(),
            }),
        )?;
        Ok(())
    })
    .await
}
