use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use linli_app::registry::{self as ops, Draft, ListQuery, SaveError};
use linli_core::Action;
use linli_core::mask::{mask_id_number, mask_phone};
use linli_store::registry::{Resident, ResidentRow, TagKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Listed, NewId, created_id};
use crate::error::{ErrorBody, ErrorDetail, ErrorDetails, FieldErrorBody};
use linli_core::roster::ResidentStatus;

/// A resident's tag as the API shows it.
#[derive(Serialize, JsonSchema)]
struct TagJson {
    name: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    grade: Option<String>,
    /// In force today.
    active: bool,
}

/// One resident as lists and pages show them: ID number and phone masked.
#[derive(Serialize, JsonSchema)]
struct ResidentJson {
    id: i64,
    name: String,
    id_number: Option<String>,
    phone: Option<String>,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    building: Option<String>,
    unit: Option<String>,
    household: Option<String>,
    household_id: Option<i64>,
    unit_id: Option<i64>,
    building_id: Option<i64>,
    relation: String,
    political_status: String,
    employment_status: String,
    notes: String,
    /// active, moved_away or deceased
    status: ResidentStatus,
    closed_on: Option<NaiveDate>,
    consent_publish_name: bool,
    consent_volunteer_contact: bool,
    consent_neighbor_card: bool,
    tags: Vec<TagJson>,
}

/// The masked JSON of one resident, as lists and pages show it.
fn resident_json(r: &Resident, today: NaiveDate) -> ResidentJson {
    let day = today.format("%Y-%m-%d").to_string();
    ResidentJson {
        id: r.id,
        name: r.name.clone(),
        id_number: r.id_number.as_deref().map(mask_id_number),
        phone: r.phone.as_deref().map(mask_phone),
        gender: r.gender.clone(),
        birth_date: r.birth_date,
        building: r.building.clone(),
        unit: r.unit.clone(),
        household: r.household.clone(),
        household_id: r.household_id,
        unit_id: r.unit_id,
        building_id: r.building_id,
        relation: r.relation.clone(),
        political_status: r.political_status.clone(),
        employment_status: r.employment_status.clone(),
        notes: r.notes.clone(),
        status: r.status,
        closed_on: r.closed_on,
        consent_publish_name: r.consent_publish_name,
        consent_volunteer_contact: r.consent_volunteer_contact,
        consent_neighbor_card: r.consent_neighbor_card,
        tags: r
            .tags
            .iter()
            .map(|t| TagJson {
                name: t.name.clone(),
                valid_from: t.valid_from.clone(),
                valid_to: t.valid_to.clone(),
                grade: t.grade.clone(),
                active: t.active_on(&day),
            })
            .collect(),
    }
}

/// A row of the roster: ID number and phone masked.
fn row_json(r: &ResidentRow) -> ResidentRow {
    ResidentRow {
        id_number: r.id_number.as_deref().map(mask_id_number),
        phone: r.phone.as_deref().map(mask_phone),
        ..r.clone()
    }
}

/// One page of the roster.
#[derive(Serialize, JsonSchema)]
struct RosterPage {
    items: Vec<ResidentRow>,
    total: i64,
    page: i64,
    per_page: i64,
}

fn field_errors(lang: crate::i18n::Lang, e: SaveError) -> Response {
    match e {
        SaveError::Op(e) => AppError::from(e).into_response(),
        SaveError::Fields(errors) => {
            let first = errors.first().cloned();
            let status = if errors.iter().any(|e| e.code == "id_number_taken") {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let body = ErrorBody {
                error: ErrorDetail {
                    code: first.as_ref().map_or("invalid", |f| f.code.as_str()).to_string(),
                    message: first
                        .as_ref()
                        .map_or(String::new(), |f| crate::i18n::field_message(lang, f)),
                    details: ErrorDetails {
                        fields: Some(
                            errors
                                .iter()
                                .map(|e| FieldErrorBody {
                                    field: e.field.to_string(),
                                    code: e.code.to_string(),
                                    message: crate::i18n::field_message(lang, e),
                                })
                                .collect(),
                        ),
                        ..ErrorDetails::default()
                    },
                },
            };
            (status, Json(body)).into_response()
        }
    }
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Json<RosterPage>, AppError> {
    let actor = ctx.actor()?;
    let kinds = ops::tag_kinds(&ctx.state.app, &actor).await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = ops::search(&ctx.state.app, &actor, &q, &kinds).await?;
    Ok(Json(RosterPage {
        items: rows.iter().map(row_json).collect(),
        total,
        page,
        per_page: ops::PER_PAGE,
    }))
}

async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ResidentJson>, AppError> {
    let r = ops::load_visible(&ctx.state.app, &ctx.actor()?, id, Action::ViewResidents).await?;
    Ok(Json(resident_json(&r, linli_core::clock::shanghai(ctx.now).date())))
}

async fn create(ctx: Ctx, Json(d): Json<Draft>) -> Response {
    let actor = match ctx.actor() {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    match ops::save(&ctx.state.app, &actor, None, d).await {
        Ok(id) => created_id(id),
        Err(e) => field_errors(ctx.lang(), e),
    }
}

/// Partial update: fields left out keep their value.
async fn update(ctx: Ctx, Path(id): Path<i64>, Json(patch): Json<Value>) -> Response {
    let actor = match ctx.actor() {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let current = match ops::load_visible(&ctx.state.app, &actor, id, Action::ManageResidents).await
    {
        Ok(r) => r,
        Err(e) => return AppError::from(e).into_response(),
    };
    let mut merged = json!({
        "name": current.name, "id_number": current.id_number, "gender": current.gender,
        "birth_date": current.birth_date, "phone": current.phone, "household_id": current.household_id,
        "relation": current.relation, "political_status": current.political_status,
        "employment_status": current.employment_status, "notes": current.notes,
        "consent_publish_name": current.consent_publish_name,
        "consent_volunteer_contact": current.consent_volunteer_contact,
        "consent_neighbor_card": current.consent_neighbor_card,
        "tags": current.tags.iter().map(|t| json!({"name": t.name, "valid_from": t.valid_from, "valid_to": t.valid_to, "grade": t.grade})).collect::<Vec<_>>(),
    });
    if let (Some(m), Value::Object(p)) = (merged.as_object_mut(), patch) {
        for (k, v) in p {
            m.insert(k, v);
        }
        // Moving to another unit means a new household there.
        if m.contains_key("unit_id") && !m.get("unit_id").is_some_and(Value::is_null) {
            m.insert("household_id".into(), Value::Null);
        }
    }
    let d: Draft = match serde_json::from_value(merged) {
        Ok(d) => d,
        Err(_) => return AppError::BadRequest("bad_json").into_response(),
    };
    match ops::save(&ctx.state.app, &actor, Some(id), d).await {
        Ok(id) => Json(NewId { id }).into_response(),
        Err(e) => field_errors(ctx.lang(), e),
    }
}

#[derive(Deserialize, Default, JsonSchema)]
struct RevealBody {
    /// Why the full numbers are needed (kept in the audit log).
    #[serde(default)]
    reason: String,
}

async fn reveal(
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Option<Json<RevealBody>>,
) -> Result<Json<Revealed>, AppError> {
    let reason = body.map(|Json(b)| b.reason).unwrap_or_default();
    let (id_number, phone) = ops::reveal(&ctx.state.app, &ctx.actor()?, id, &reason).await?;
    Ok(Json(Revealed { id, id_number, phone }))
}

/// The full ID number and phone of one resident.
#[derive(Serialize, JsonSchema)]
struct Revealed {
    id: i64,
    id_number: Option<String>,
    phone: Option<String>,
}

async fn tags(ctx: Ctx) -> Result<Json<Listed<TagKind>>, AppError> {
    Ok(Listed::of(ops::tag_kinds(&ctx.state.app, &ctx.actor()?).await?))
}

/// What a picker's script asks for as the worker types.
#[derive(Deserialize)]
struct PickQuery {
    q: Option<String>,
    limit: Option<i64>,
}

/// Residents for a picker (issue 14): the actor's scope only, the ID number reduced to its
/// last four digits.
async fn pick(ctx: Ctx, Query(q): Query<PickQuery>) -> Result<Json<ops::Picks>, AppError> {
    let query = q.q.unwrap_or_default();
    let limit = q.limit.unwrap_or(10);
    Ok(Json(ops::pick_residents(&ctx.state.app, &ctx.actor()?, &query, limit).await?))
}

/// The copy for a PIPL §45 request (the page `/residents/{id}/personal-data` prints the same).
async fn export_personal(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<ops::PersonalData>, AppError> {
    let mut e = ops::subject_export(&ctx.state.app, &ctx.actor()?, id).await?;
    crate::labels::label_personal_data(ctx.lang(), &mut e.copy);
    Ok(Json(e.copy))
}

pub fn routes(t: Table) -> Table {
    const T: &str = "residents";
    t.api(Method::GET, "/api/v1/residents", Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<RosterPage>(T, "residents_list", "Search the roster (ID numbers and phones masked)")
            .query(&[("q", "name, pinyin initials or full pinyin, or the last digits of the ID number or phone"), ("building", "building place id"), ("unit", "unit place id"), ("tag", "tag id or name"), ("age_min", "minimum age"), ("age_max", "maximum age"), ("status", "active (default), moved_away, deceased, all"), ("page", "1-based page, 50 a page")]),
        list)
    .api(Method::GET, "/api/v1/residents/pick", Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<ops::Picks>(T, "residents_pick", "Residents for a picker: name, pinyin, building and unit, or last ID digits; the caller's scope only, ID numbers reduced to their last four digits")
            .query(&[("q", "name or part of it, pinyin initials or full pinyin, building/unit/room (3号楼1单元), last 4+ digits of the ID number or phone; terms separated by spaces all apply"), ("limit", "at most this many (1-20, default 10)")]),
        pick)
    .api(Method::POST, "/api/v1/residents", Policy::Signed(Action::ManageResidents),
        ApiDoc::created::<NewId>(T, "residents_create", "Register a resident").body::<Draft>(),
        create)
    .api(Method::GET, "/api/v1/residents/{id}", Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<ResidentJson>(T, "residents_get", "One resident (masked)"),
        get)
    .api(Method::PATCH, "/api/v1/residents/{id}", Policy::Signed(Action::ManageResidents),
        ApiDoc::ok::<NewId>(T, "residents_update", "Change a resident; fields left out keep their value").body::<Draft>(),
        update)
    .api(Method::POST, "/api/v1/residents/{id}/reveal", Policy::Signed(Action::RevealResidents),
        ApiDoc::ok::<Revealed>(T, "residents_reveal", "Full ID number and phone of one resident (audited)").body::<RevealBody>(),
        reveal)
    .api(Method::GET, "/api/v1/residents/{id}/personal-data", Policy::Signed(Action::RevealResidents),
        ApiDoc::ok::<ops::PersonalData>(T, "residents_export_personal", "Everything held about one resident, for a PIPL §45 request: every record of theirs in every module (sections headed in the caller's language) and the processing history; audited as resident.subject_export"),
        export_personal)
    .api(Method::GET, "/api/v1/tags", Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<Listed<TagKind>>(T, "tags_list", "The community's resident tags"),
        tags)
}
