//! The registry (居民档案): residents created, edited, found and revealed. Validation names
//! every bad field at once; scope is checked on the resident's unit; every change and every
//! reveal is audited in the same transaction.

use crate::{Actor, App, Error, Result};
use chrono::{Datelike, NaiveDate};
use linli_core::roster::{Relation, ResidentStatus, parse_phone};
use linli_core::{Action, Gender, IdNumber, PlaceKind};
use linli_store::Tenant;
use linli_store::places::{self, Place};
use linli_store::privacy;
use linli_store::registry::{
    self, Filter, Resident, ResidentInput, ResidentRow, TagInput, TagKind,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub const PER_PAGE: i64 = 50;

pub const POLITICAL: &[&str] = &["中共党员", "中共预备党员", "共青团员", "民主党派", "群众"];
pub const EMPLOYMENT: &[&str] = &["employed", "unemployed", "retired", "student", "other"];

/// A field that failed validation: the form field, a stable code, and how to say it: the
/// message-catalogue key with its arguments, or the rule's own Chinese explanation (the ID
/// number's and the phone's checks explain themselves best).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub key: String,
    pub args: Vec<(&'static str, String)>,
    pub zh: Option<String>,
}

fn ferr(field: &str, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        key: format!("error.{code}"),
        args: Vec::new(),
        zh: None,
    }
}

/// A tag as submitted: its name and optional period and grade.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct TagDraft {
    pub name: String,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub grade: Option<String>,
}

/// A resident as typed, before validation (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Draft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub household: Option<String>,
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub political_status: Option<String>,
    #[serde(default)]
    pub employment_status: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub consent_publish_name: bool,
    #[serde(default)]
    pub consent_volunteer_contact: bool,
    #[serde(default)]
    pub consent_neighbor_card: bool,
    #[serde(default)]
    pub tags: Vec<TagDraft>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date_field(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = raw?;
    match linli_core::dates::parse_date(raw) {
        Some(d) => Some(d),
        None => {
            errors.push(ferr(field, "date_bad"));
            None
        }
    }
}

/// Turns a draft into a validated input, or names every bad field. The household is resolved
/// by the caller (it may need creating).
pub fn validate(
    d: &Draft,
    kinds: &[TagKind],
    today: NaiveDate,
) -> Result<ResidentInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    // A bidi override or a zero-width character inside a name makes it read differently from
    // what it is (`\u{202E}林胜夏` shows as 夏胜林) or look like someone else's.
    let name = match linli_core::text::clean_name(&d.name) {
        Ok(name) => {
            if name.is_empty() || name.chars().count() > 40 {
                errors.push(ferr("name", "name_bad"));
            }
            name.to_string()
        }
        Err(hidden) => {
            errors.push(FieldError {
                args: vec![("char", linli_core::text::code_point(hidden.0))],
                zh: Some(hidden.message_zh("姓名")),
                ..ferr("name", "name_hidden_char")
            });
            String::new()
        }
    };
    let mut gender = nonempty(&d.gender).map(|g| Gender::parse(g).ok_or(()));
    let mut birth = date_field("birth_date", nonempty(&d.birth_date), &mut errors);
    let id_number = match nonempty(&d.id_number).map(IdNumber::parse) {
        None => None,
        Some(Ok(id)) => {
            // Birth date and gender follow from the number; what was typed for them is ignored.
            gender = Some(Ok(id.gender()));
            birth = Some(id.birth_date());
            Some(id.as_str().to_string())
        }
        Some(Err(e)) => {
            errors.push(FieldError {
                key: "error.id_number_bad".into(),
                args: vec![("code", e.code().to_string())],
                zh: Some(e.message_zh()),
                ..ferr("id_number", e.code())
            });
            None
        }
    };
    if let Some(b) = &birth
        && *b > today
    {
        errors.push(ferr("birth_date", "date_future"));
    }
    let gender = match gender {
        Some(Ok(g)) => Some(g.as_str().to_string()),
        Some(Err(())) => {
            errors.push(ferr("gender", "gender_bad"));
            None
        }
        None => None,
    };
    let phone = match nonempty(&d.phone).map(parse_phone) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            errors.push(FieldError {
                key: "error.phone_bad".into(),
                zh: Some(e.message_zh()),
                ..ferr("phone", e.code())
            });
            None
        }
    };
    let relation = match nonempty(&d.relation) {
        None => "other".to_string(),
        Some(r) => match Relation::parse(r).map(Relation::as_str).or_else(|| {
            ["head", "spouse", "child", "parent", "other"].into_iter().find(|c| *c == r)
        }) {
            Some(code) => code.to_string(),
            None => "other".to_string(),
        },
    };
    let employment = nonempty(&d.employment_status).unwrap_or("").to_string();
    if !employment.is_empty() && !EMPLOYMENT.contains(&employment.as_str()) {
        errors.push(ferr("employment_status", "employment_bad"));
    }
    let mut tags = Vec::new();
    for td in &d.tags {
        let Some(kind) = kinds.iter().find(|k| k.name == td.name.trim()) else {
            errors.push(FieldError {
                args: vec![("tag", td.name.trim().to_string())],
                ..ferr("tags", "tag_unknown")
            });
            continue;
        };
        let from = date_field("tags", nonempty(&td.valid_from), &mut errors);
        let to = date_field("tags", nonempty(&td.valid_to), &mut errors);
        if let (Some(f), Some(tt)) = (&from, &to)
            && f > tt
        {
            errors.push(FieldError {
                args: vec![("tag", kind.name.clone())],
                ..ferr("tags", "tag_period_bad")
            });
        }
        tags.push(TagInput {
            tag_id: kind.id,
            valid_from: from.map(|d| d.to_string()),
            valid_to: to.map(|d| d.to_string()),
            grade: nonempty(&td.grade).map(str::to_string),
            source: String::new(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ResidentInput {
        name,
        id_number,
        gender,
        birth_date: birth,
        phone,
        household_id: d.household_id,
        relation,
        political_status: nonempty(&d.political_status).unwrap_or("").chars().take(20).collect(),
        employment_status: employment,
        notes: nonempty(&d.notes).unwrap_or("").chars().take(2000).collect(),
        consent_publish_name: d.consent_publish_name,
        consent_volunteer_contact: d.consent_volunteer_contact,
        consent_neighbor_card: d.consent_neighbor_card,
        tags,
    })
}

/// Failure of a save: field errors to show on the form, or an error for the error page.
#[derive(Debug)]
pub enum SaveError {
    Fields(Vec<FieldError>),
    Op(Error),
}

impl From<Error> for SaveError {
    fn from(e: Error) -> Self {
        SaveError::Op(e)
    }
}

/// What a scope check needs of a resident: the unit it lives in, in its community.
fn place_of(r: &Resident) -> Place {
    Place {
        id: r.unit_id.unwrap_or(r.community_id),
        ..crate::places::at(r.community_id, &r.place_path)
    }
}

/// A resident of the actor's community the actor may `action` (404 otherwise, audited), as
/// the actor may see them: without sensitive tags and notes for a role whose work does not
/// need them ([`sees_sensitive_tags`]).
pub async fn load_visible(app: &App, actor: &Actor, id: i64, action: Action) -> Result<Resident> {
    let tenant = actor.tenant()?;
    let mut r = app.read_small(move |c| registry::get(c, tenant, id)).await?;
    actor.require(app, action, &place_of(&r)).await?;
    if !sees_sensitive_tags(actor) {
        r.tags.retain(|t| !t.sensitive);
        // Free-text notes hold health details ("本人患眩晕症"): the same rule.
        r.notes.clear();
    }
    Ok(r)
}

/// Whether the actor's work needs residents' sensitive tags (低保, 残疾, health; PIPL §28) and
/// notes: those who work hardship cases (administrators, grid workers). Building heads, the
/// fund keeper and liaisons neither see nor filter by them.
pub fn sees_sensitive_tags(actor: &Actor) -> bool {
    actor.allowed(Action::ManageCases, None)
}

/// The tag kinds of the actor's community (低保, 残疾 …) the actor may see and filter by.
pub async fn tag_kinds(app: &App, actor: &Actor) -> Result<Vec<TagKind>> {
    let tenant = actor.tenant()?;
    let all = app.read(move |c| registry::tag_kinds(c, tenant)).await?;
    let sensitive = sees_sensitive_tags(actor);
    Ok(all.into_iter().filter(|k| sensitive || !k.sensitive).collect())
}

/// Creates (`id` None) or updates a resident: validates, resolves the household (creating it
/// in the unit when asked), checks scope, writes with an audit record.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<i64>,
    mut d: Draft,
) -> Result<i64, SaveError> {
    let tenant = actor.tenant()?;
    let community = tenant.id();
    let before = match id {
        Some(id) => Some(load_visible(app, actor, id, Action::ManageResidents).await?),
        None => None,
    };
    let kinds = tag_kinds(app, actor).await?;
    let today = actor.today();
    let unit_id = d.unit_id;
    // Resolve the unit's place to check scope before anything is written; every field error
    // (the unit's and the others') is reported at once.
    let mut place_errors = Vec::new();
    // A household number is part of an address, refused with a hidden character inside like
    // a place's name (the roster import does the same).
    let number = match nonempty(&d.household).map(linli_core::text::clean_name) {
        None | Some(Ok("")) => None,
        Some(Ok(n)) => Some(n.to_string()),
        Some(Err(hidden)) => {
            place_errors.push(FieldError {
                zh: Some(hidden.message_zh("户号")),
                ..ferr("household", "place_hidden_char")
            });
            None
        }
    };
    let unit = match unit_id {
        Some(u) => match app.read(move |c| places::get(c, u)).await {
            Ok(p) if p.kind == PlaceKind::Unit && p.community_id == Some(community) => {
                actor.require(app, Action::ManageResidents, &p).await?;
                Some(p)
            }
            _ => {
                place_errors.push(ferr("unit_id", "unit_missing"));
                None
            }
        },
        None => {
            // Without a unit the record hangs on the community: only community-wide staff.
            let root = app.read(move |c| places::get(c, community)).await?;
            if !actor.allowed(Action::ManageResidents, Some(&root.path)) {
                place_errors.push(ferr("unit_id", "unit_missing"));
            }
            None
        }
    };
    if unit.is_some()
        && number.is_none()
        && d.household_id.is_none()
        && !place_errors.iter().any(|e| e.field == "household")
    {
        place_errors.push(ferr("household", "household_missing"));
    }
    // A household named by id is one of the community the actor may manage, in the unit when
    // one is given (an id of another grid's household names no one).
    if let Some(hid) = d.household_id.filter(|_| number.is_none()) {
        let found = app
            .read(move |c| {
                let h = registry::household(c, tenant, hid)?;
                let unit_place = places::get(c, h.unit_id)?;
                Ok::<_, Error>((h, unit_place))
            })
            .await;
        let usable = found.is_ok_and(|(h, p)| {
            actor.allowed(Action::ManageResidents, Some(&p.path))
                && unit.as_ref().is_none_or(|u| u.id == h.unit_id)
        });
        if !usable {
            place_errors.push(ferr("household", "household_missing"));
        }
    }
    let mut input = match validate(&d, &kinds, today) {
        Ok(input) if place_errors.is_empty() => input,
        Ok(_) => return Err(SaveError::Fields(place_errors)),
        Err(mut errors) => {
            errors.extend(place_errors);
            return Err(SaveError::Fields(errors));
        }
    };
    d.tags.clear();
    let result = app
        .write(actor, move |tx| {
            if let (Some(u), Some(n)) = (&unit, &number) {
                input.household_id =
                    Some(registry::household_in_unit(tx.c, u, n, tx.actor.now)?.id);
            }
            let (rid, action) = match id {
                Some(id) => {
                    registry::update(tx.c, tenant, id, &input, tx.actor.now)?;
                    (id, "resident.update")
                }
                None => (registry::create(tx.c, tenant, &input, tx.actor.now)?, "resident.create"),
            };
            let after = registry::get(tx.c, tenant, rid)?;
            tx.audit_change(
                tenant,
                action,
                "resident",
                rid,
                before.as_ref().map(|b| serde_json::to_value(b).unwrap_or(Value::Null)),
                serde_json::to_value(&after).unwrap_or(Value::Null),
            )?;
            Ok(rid)
        })
        .await;
    match result {
        Ok(id) => Ok(id),
        Err(Error::Conflict { code: "id_number_taken", .. }) => {
            Err(SaveError::Fields(vec![ferr("id_number", "id_number_taken")]))
        }
        Err(Error::Invalid { code, field }) => {
            Err(SaveError::Fields(vec![ferr(field.unwrap_or("name"), code)]))
        }
        Err(e) => Err(SaveError::Op(e)),
    }
}

/// Full ID number and phone of one resident, with an audit record of who looked and why.
pub async fn reveal(
    app: &App,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<(Option<String>, Option<String>)> {
    let r = load_visible(app, actor, id, Action::RevealResidents).await?;
    let reason = crate::clip(Some(reason), 200);
    let tenant = Tenant::new(r.community_id);
    app.write(actor, move |tx| {
        tx.audit(
            tenant,
            "resident.reveal",
            "resident",
            id,
            json!({"fields": ["id_number", "phone"], "reason": reason}),
        )
    })
    .await?;
    Ok((r.id_number, r.phone))
}

/// The roster's search as a query string asks for it.
#[derive(Debug, Default, Deserialize, Clone, schemars::JsonSchema)]
pub struct ListQuery {
    pub q: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub tag: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    pub status: Option<String>,
    pub page: Option<i64>,
}

fn num(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// The search filter a query asks for, inside the actor's scope.
pub fn filter_for(actor: &Actor, q: &ListQuery, kinds: &[TagKind]) -> Result<Filter> {
    // Only a kind the actor may see: a sensitive kind's id filters nothing for the others.
    let tag_id = q.tag.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
        kinds.iter().find(|k| s.parse::<i64>().ok() == Some(k.id) || k.name == s).map(|k| k.id)
    });
    Ok(Filter {
        community_id: actor.tenant()?.id(),
        scopes: actor.scopes(Action::ViewResidents),
        q: q.q.as_deref().filter(|s| !s.trim().is_empty()).map(|s| search_text(actor, s)),
        building_id: num(&q.building),
        unit_id: num(&q.unit),
        tag_id,
        age_min: num(&q.age_min).and_then(|v| u32::try_from(v).ok()),
        age_max: num(&q.age_max).and_then(|v| u32::try_from(v).ok()),
        status: q.status.clone().filter(|s| !s.is_empty() && s != "active"),
        today: Some(actor.today()),
    })
}

/// A search as the actor may run it: digits match only the last four of an ID number or phone
/// unless the actor may reveal them wherever she may look ([`linli_core::mask::digit_search`]).
pub(crate) fn search_text(actor: &Actor, q: &str) -> String {
    linli_core::mask::digit_search(q, may_reveal_everywhere(actor))
}

/// Whether the actor may reveal ID numbers and phones wherever she may look.
fn may_reveal_everywhere(actor: &Actor) -> bool {
    let view = actor.scopes(Action::ViewResidents);
    let reveal = actor.scopes(Action::RevealResidents);
    !view.is_empty() && view.iter().all(|v| reveal.iter().any(|r| v.is_within(r)))
}

/// Searches by the last digits of an ID number or phone that an account without the right to
/// reveal may run a minute: enough to find a few residents by phone, too few to go through the
/// roster number by number.
pub const DIGIT_SEARCHES_PER_MINUTE: u32 = 20;

/// Counts a search by digits against the account's minute (`rate_limited` beyond it).
pub(crate) fn guard_digit_search(app: &App, actor: &Actor, q: &str) -> Result<()> {
    if !q.split_whitespace().any(linli_core::mask::is_digit_search) || may_reveal_everywhere(actor)
    {
        return Ok(());
    }
    let Some(user) = actor.user_id() else {
        return Ok(());
    };
    app.searches
        .check(user, actor.now, DIGIT_SEARCHES_PER_MINUTE)
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })
}

/// One page of the roster search, and how many match. `kinds` are the actor's [`tag_kinds`].
pub async fn search(
    app: &App,
    actor: &Actor,
    q: &ListQuery,
    kinds: &[TagKind],
) -> Result<(Vec<ResidentRow>, i64)> {
    guard_digit_search(app, actor, q.q.as_deref().unwrap_or(""))?;
    let filter = filter_for(actor, q, kinds)?;
    let page = q.page.unwrap_or(1).max(1);
    let (mut rows, total) = app.read(move |c| registry::search(c, &filter, page, PER_PAGE)).await?;
    if !sees_sensitive_tags(actor) {
        // `kinds` are the ones the actor may see ([`tag_kinds`]): any other tag is hidden.
        for r in &mut rows {
            r.tags.retain(|t| kinds.iter().any(|k| &k.name == t));
        }
    }
    Ok((rows, total))
}

/// Closes a resident's record (moved away, deceased) on a day; the row stays for the ledgers.
pub async fn close(app: &App, actor: &Actor, id: i64, status: &str, on: &str) -> Result<()> {
    let r = load_visible(app, actor, id, Action::ManageResidents).await?;
    let on = linli_core::dates::parse_date(on).ok_or(Error::invalid("date_bad", "on"))?;
    let tenant = Tenant::new(r.community_id);
    let status = ResidentStatus::parse(status)
        .filter(|s| matches!(s, ResidentStatus::MovedAway | ResidentStatus::Deceased))
        .ok_or(Error::invalid("resident_bad_status", "status"))?;
    app.write(actor, move |tx| {
        registry::close(tx.c, tenant, id, status, on, tx.actor.now)?;
        tx.audit_change(
            tenant,
            "resident.close",
            "resident",
            id,
            Some(json!({"status": r.status})),
            json!({"status": status, "closed_on": on}),
        )
    })
    .await
}

/// Everything held about one person (PIPL §45 查阅、复制): the record, the household's members
/// (id, name, relation, status) and the copy handed over ([`PersonalData`]). Handing it over is
/// itself audited (`resident.subject_export`).
pub struct SubjectExport {
    pub resident: Resident,
    pub members: Vec<(i64, String, String, ResidentStatus)>,
    pub copy: PersonalData,
}

/// The copy handed over for a PIPL §45 request, as `residents_export_personal` returns it:
/// every record of his in every module ([`linli_store::privacy::gather`]) and the processing
/// history, every audit record about him or a record of his. Section titles and the history's
/// words are left for the web layer to fill in the reader's language.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonalData {
    pub resident_id: i64,
    pub name: String,
    /// When the copy was made (Asia/Shanghai, YYYY-MM-DD HH:MM).
    pub exported_at: String,
    pub legal_basis: String,
    pub sections: Vec<privacy::Section>,
    pub processing_history: Vec<crate::me::Handling>,
}

const LEGAL_BASIS: &str = "个人信息保护法第四十五条：个人有权向个人信息处理者查阅、复制其个人信息";

pub async fn subject_export(app: &App, actor: &Actor, id: i64) -> Result<SubjectExport> {
    let resident = load_visible(app, actor, id, Action::RevealResidents).await?;
    app.write(actor, move |tx| {
        let tenant = Tenant::new(resident.community_id);
        let members = match resident.household_id {
            Some(h) => registry::members(tx.c, tenant, h)?,
            None => Vec::new(),
        };
        let sections = privacy::gather(tx.c, tenant, id)?;
        let history = privacy::handled(tx.c, tenant, id)?;
        tx.audit(
            tenant,
            "resident.subject_export",
            "resident",
            id,
            json!({"reason": "PIPL §45", "sections": sections.iter().filter(|s| !s.rows.is_empty()).count()}),
        )?;
        let copy = PersonalData {
            resident_id: resident.id,
            name: resident.name.clone(),
            exported_at: linli_core::clock::shanghai(tx.actor.now)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            legal_basis: LEGAL_BASIS.to_string(),
            sections,
            processing_history: history.into_iter().map(Into::into).collect(),
        };
        Ok(SubjectExport {
            resident,
            members,
            copy,
        })
    })
    .await
}

/// Erasure where the record must stay (PIPL §47 with the ledgers that point at it): the
/// personal fields are erased and the row kept, anonymous; his name, phone and ID number go
/// from every module's records and free text ([`linli_store::privacy::erase`]); the fund's
/// sealed ledger is kept. `confirm` must repeat the name. The audit record carries the rows
/// changed per table (counts only: nothing personal).
pub async fn anonymize(app: &App, actor: &Actor, id: i64, confirm: &str) -> Result<()> {
    let r = load_visible(app, actor, id, Action::AnonymizeResidents).await?;
    if confirm.trim() != r.name {
        return Err(Error::invalid("anonymize_confirm", "confirm"));
    }
    let tenant = Tenant::new(r.community_id);
    app.write(actor, move |tx| {
        let erased = privacy::erase(tx.c, tenant, id, tx.actor.now)?;
        tx.audit_change(
            tenant,
            "resident.anonymize",
            "resident",
            id,
            Some(json!({"status": r.status})),
            json!({"status": "anonymized", "reason": "PIPL §47", "erased": erased.erased, "redacted": erased.redacted}),
        )
    })
    .await
}

/// The members of a resident's household (id, name, relation, status).
pub async fn household_of(
    app: &App,
    r: &Resident,
) -> Result<Vec<(i64, String, String, ResidentStatus)>> {
    match r.household_id {
        Some(h) => {
            let t = Tenant::new(r.community_id);
            app.read(move |c| registry::members(c, t, h)).await
        }
        None => Ok(Vec::new()),
    }
}

/// How many sheet rows [`export`] sends its writer at a time.
pub const EXPORT_SEND_ROWS: usize = 256;

/// The roster as an export takes it: every resident the query finds within the actor's export
/// scopes, each turned into a sheet row by `row` — ID numbers and phones masked unless `full`
/// (the admin's unmasked export) — and sent to `out` as it is read, [`EXPORT_SEND_ROWS`] rows a
/// message (a message a row woke the writer's thread for every row): a writer on another thread
/// makes the file meanwhile, so a 100,000-row export holds no more rows than the channel's
/// bound. The export is audited with its row count and format; returns the count.
pub async fn export<F>(
    app: &App,
    actor: &Actor,
    q: &ListQuery,
    full: bool,
    format: &'static str,
    mut row: F,
    out: std::sync::mpsc::SyncSender<Vec<Vec<String>>>,
) -> Result<usize>
where
    F: FnMut(&ResidentRow) -> Vec<String> + Send + 'static,
{
    let action = if full { Action::ExportResidentsUnmasked } else { Action::ExportResidents };
    if !actor.allowed(action, None) {
        actor.record_denial(app, action, None).await;
        return Err(Error::Forbidden);
    }
    guard_digit_search(app, actor, q.q.as_deref().unwrap_or(""))?;
    let tenant = actor.tenant()?;
    let kinds = tag_kinds(app, actor).await?;
    let mut filter = filter_for(actor, q, &kinds)?;
    filter.scopes = actor.scopes(action);
    // The writer hung up: it failed (and says why to its caller); stop reading.
    let stopped = || linli_store::StoreError::Db("the export's writer stopped".into());
    let n = app
        .read(move |c| {
            let mut n = 0usize;
            let mut batch = Vec::with_capacity(EXPORT_SEND_ROWS);
            registry::for_each_row(c, &filter, |r| {
                let sheet_row = if full {
                    row(r)
                } else {
                    let mut masked = r.clone();
                    masked.id_number = r.id_number.as_deref().map(linli_core::mask::mask_id_number);
                    masked.phone = r.phone.as_deref().map(linli_core::mask::mask_phone);
                    row(&masked)
                };
                batch.push(sheet_row);
                if batch.len() == EXPORT_SEND_ROWS {
                    let ready = std::mem::replace(&mut batch, Vec::with_capacity(EXPORT_SEND_ROWS));
                    out.send(ready).map_err(|_| stopped())?;
                }
                n += 1;
                Ok(())
            })?;
            if !batch.is_empty() {
                out.send(batch).map_err(|_| stopped())?;
            }
            Ok::<_, Error>(n)
        })
        .await?;
    app.write(actor, move |tx| {
        tx.audit_collection(
            tenant,
            "resident.export",
            "roster",
            json!({"rows": n, "masked": !full, "format": format}),
        )
    })
    .await?;
    Ok(n)
}

// ---- pickers: people picked by name, never by a record number ----

/// A resident as a picker offers her: enough to tell two 王秀英 apart (where she lives, the
/// year she was born, the last four digits of her ID number) and nothing more.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Pick {
    pub id: i64,
    pub name: String,
    /// Building, unit and room, as the roster writes them (`3号楼1单元101`).
    pub address: String,
    /// The last four characters of the ID number; the rest is never sent.
    pub id_tail: Option<String>,
    pub birth_year: Option<String>,
}

/// What a picker's search found: at most the asked number, and whether more matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Picks {
    pub items: Vec<Pick>,
    /// More residents matched than were returned: a longer search narrows them.
    pub more: bool,
}

fn id_tail(id: Option<&str>) -> Option<String> {
    let id = id?.trim();
    let chars: Vec<char> = id.chars().collect();
    (chars.len() >= 10).then(|| chars.iter().skip(chars.len() - 4).collect())
}

fn address_of(b: Option<&str>, u: Option<&str>, h: Option<&str>) -> String {
    [b, u, h].into_iter().flatten().collect()
}

fn pick_of_row(r: ResidentRow) -> Pick {
    Pick {
        id: r.id,
        address: address_of(r.building.as_deref(), r.unit.as_deref(), r.household.as_deref()),
        id_tail: id_tail(r.id_number.as_deref()),
        birth_year: r.birth_date.map(|d| d.year().to_string()),
        name: r.name,
    }
}

/// The most residents a picker lists at once.
pub const PICK_LIMIT: i64 = 20;

/// Residents the actor may see (her grid, his buildings, the whole community) matching `q`:
/// name or part of it, pinyin initials or full pinyin, the building/unit/room, the last
/// digits of the ID number or phone; several terms separated by spaces all apply
/// (`3号楼 陈`). Exact names come first. Active residents only: nobody picks the departed.
pub async fn pick_residents(app: &App, actor: &Actor, q: &str, limit: i64) -> Result<Picks> {
    guard_digit_search(app, actor, q)?;
    let tenant = actor.tenant()?;
    let scopes = actor.scopes(Action::ViewResidents);
    // Digits beyond the last four narrow a guess at a number the caller may not reveal.
    let terms: Vec<String> = q.split_whitespace().map(|t| search_text(actor, t)).collect();
    let limit = limit.clamp(1, PICK_LIMIT);
    let (rows, more) = app.read(move |c| registry::pick(c, tenant, &scopes, &terms, limit)).await?;
    Ok(Picks { items: rows.into_iter().map(pick_of_row).collect(), more })
}

/// Why an id posted by a picker names no one to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickRefused {
    /// No active resident of the community has this id.
    Missing,
    /// A resident of the community, but outside the places the actor looks after.
    OutOfScope,
}

/// The resident an id posted by a picker names, as the picker shows her; refused when she is
/// not an active resident of the community or lies outside the actor's scope. Says
/// "outside your scope" rather than "missing" only within the actor's own community, where the
/// worker knows the neighbour exists and needs to hear whom to ask.
pub async fn picked(app: &App, actor: &Actor, id: i64) -> Result<Result<Pick, PickRefused>> {
    let tenant = actor.tenant()?;
    let found = app.read(move |c| registry::get(c, tenant, id)).await;
    let r = match found {
        Ok(r) => r,
        Err(Error::NotFound) => return Ok(Err(PickRefused::Missing)),
        Err(e) => return Err(e),
    };
    if r.status != ResidentStatus::Active {
        return Ok(Err(PickRefused::Missing));
    }
    if !actor.allowed(Action::ViewResidents, Some(&r.place_path)) {
        return Ok(Err(PickRefused::OutOfScope));
    }
    Ok(Ok(Pick {
        id: r.id,
        address: address_of(r.building.as_deref(), r.unit.as_deref(), r.household.as_deref()),
        id_tail: id_tail(r.id_number.as_deref()),
        birth_year: r.birth_date.map(|d| d.year().to_string()),
        name: r.name,
    }))
}
