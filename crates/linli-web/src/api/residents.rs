use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use linli_app::registry::{self as ops, Draft, ListQuery, SaveError};
use linli_core::Action;
use linli_core::mask::{mask_id_number, mask_phone};
use linli_store::registry::{Resident, ResidentRow};
use serde::Deserialize;
use serde_json::{Value, json};

/// The masked JSON of one resident, as lists and pages show it.
fn resident_json(r: &Resident, today: NaiveDate) -> Value {
    let day = today.format("%Y-%m-%d").to_string();
    json!({
        "id": r.id,
        "name": r.name,
        "id_number": r.id_number.as_deref().map(mask_id_number),
        "phone": r.phone.as_deref().map(mask_phone),
        "gender": r.gender,
        "birth_date": r.birth_date,
        "building": r.building,
        "unit": r.unit,
        "household": r.household,
        "household_id": r.household_id,
        "unit_id": r.unit_id,
        "building_id": r.building_id,
        "relation": r.relation,
        "political_status": r.political_status,
        "employment_status": r.employment_status,
        "notes": r.notes,
        "status": r.status,
        "closed_on": r.closed_on,
        "consent_publish_name": r.consent_publish_name,
        "consent_volunteer_contact": r.consent_volunteer_contact,
        "consent_neighbor_card": r.consent_neighbor_card,
        "tags": r.tags.iter().map(|t| json!({"name": t.name, "valid_from": t.valid_from, "valid_to": t.valid_to,
            "grade": t.grade, "active": t.active_on(&day)})).collect::<Vec<_>>(),
    })
}

fn row_json(r: &ResidentRow) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "id_number": r.id_number.as_deref().map(mask_id_number),
        "phone": r.phone.as_deref().map(mask_phone),
        "gender": r.gender,
        "birth_date": r.birth_date,
        "building": r.building,
        "unit": r.unit,
        "household": r.household,
        "relation": r.relation,
        "status": r.status,
        "tags": r.tags,
    })
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
            let body = json!({"error": {
                "code": first.as_ref().map_or("invalid", |f| f.code.as_str()),
                "message": first.as_ref().map_or(String::new(), |f| crate::i18n::field_message(lang, f)),
                "details": {"fields": errors.iter().map(|e| json!({"field": e.field, "code": e.code, "message": crate::i18n::field_message(lang, e)})).collect::<Vec<_>>()},
            }});
            (status, Json(body)).into_response()
        }
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let kinds = ops::tag_kinds(&state.app, &actor).await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = ops::search(&state.app, &actor, &q, &kinds).await?;
    Ok(Json(
        json!({"items": rows.iter().map(row_json).collect::<Vec<_>>(), "total": total, "page": page, "per_page": ops::PER_PAGE}),
    ))
}

async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let r = ops::load_visible(&state.app, &ctx.actor()?, id, Action::ViewResidents).await?;
    Ok(Json(resident_json(
        &r,
        linli_core::clock::shanghai(ctx.now).date(),
    )))
}

async fn create(State(state): State<AppState>, ctx: Ctx, Json(d): Json<Draft>) -> Response {
    let actor = match ctx.actor() {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    match ops::save(&state.app, &actor, None, d).await {
        Ok(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        Err(e) => field_errors(ctx.lang(), e),
    }
}

/// Partial update: fields left out keep their value.
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(patch): Json<Value>,
) -> Response {
    let actor = match ctx.actor() {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let current = match ops::load_visible(&state.app, &actor, id, Action::ManageResidents).await {
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
    match ops::save(&state.app, &actor, Some(id), d).await {
        Ok(id) => Json(json!({"id": id})).into_response(),
        Err(e) => field_errors(ctx.lang(), e),
    }
}

#[derive(Deserialize, Default)]
struct RevealBody {
    #[serde(default)]
    reason: String,
}

async fn reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Option<Json<RevealBody>>,
) -> Result<Json<Value>, AppError> {
    let reason = body.map(|Json(b)| b.reason).unwrap_or_default();
    let (id_number, phone) = ops::reveal(&state.app, &ctx.actor()?, id, &reason).await?;
    Ok(Json(
        json!({"id": id, "id_number": id_number, "phone": phone}),
    ))
}

async fn tags(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let kinds = ops::tag_kinds(&state.app, &ctx.actor()?).await?;
    Ok(Json(json!({"items": kinds, "total": kinds.len()})))
}

fn resident_body() -> Value {
    json!({"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "id_number": {"type": "string", "description": "18 characters (GB 11643); birth date and gender follow from it"},
        "gender": {"type": "string", "enum": ["male", "female"]}, "birth_date": {"type": "string", "format": "date"},
        "phone": {"type": "string"}, "unit_id": {"type": "integer"}, "household": {"type": "string", "description": "户号 within the unit; created when missing"},
        "household_id": {"type": "integer"}, "relation": {"type": "string", "enum": ["head", "spouse", "child", "parent", "other"]},
        "political_status": {"type": "string"}, "employment_status": {"type": "string", "enum": ["employed", "unemployed", "retired", "student", "other"]},
        "notes": {"type": "string"}, "consent_publish_name": {"type": "boolean"}, "consent_volunteer_contact": {"type": "boolean"},
        "consent_neighbor_card": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "valid_from": {"type": "string", "format": "date"}, "valid_to": {"type": "string", "format": "date"}, "grade": {"type": "string"}}}}}})
}

pub fn routes(t: Table) -> Table {
    t.api(
        Method::GET,
        "/api/v1/residents",
        Policy::Signed(Action::ViewResidents),
        ApiDoc {
            operation_id: "residents_list",
            summary: "Search the roster (ID numbers and phones masked)",
            tag: "residents",
            query: &[("q", "name, pinyin initials or full pinyin, or the last digits of the ID number or phone"), ("building", "building place id"), ("unit", "unit place id"), ("tag", "tag id or name"), ("age_min", "minimum age"), ("age_max", "maximum age"), ("status", "active (default), moved_away, deceased, all"), ("page", "1-based page, 50 a page")],
            body: None,
            response: Some(json!({"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "id_number": {"type": "string"}, "phone": {"type": "string"},
                "building": {"type": "string"}, "unit": {"type": "string"}, "household": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}})),
        },
        list,
    )
    .api(Method::POST, "/api/v1/residents", Policy::Signed(Action::ManageResidents),
        ApiDoc { operation_id: "residents_create", summary: "Register a resident", tag: "residents", query: &[], body: Some(resident_body()), response: Some(json!({"type": "object", "properties": {"id": {"type": "integer"}}})) },
        create)
    .api(Method::GET, "/api/v1/residents/{id}", Policy::Signed(Action::ViewResidents),
        ApiDoc { operation_id: "residents_get", summary: "One resident (masked)", tag: "residents", query: &[], body: None, response: None },
        get)
    .api(Method::PATCH, "/api/v1/residents/{id}", Policy::Signed(Action::ManageResidents),
        ApiDoc { operation_id: "residents_update", summary: "Change a resident; fields left out keep their value", tag: "residents", query: &[], body: Some(resident_body()), response: None },
        update)
    .api(Method::POST, "/api/v1/residents/{id}/reveal", Policy::Signed(Action::RevealResidents),
        ApiDoc { operation_id: "residents_reveal", summary: "Full ID number and phone of one resident (audited)", tag: "residents", query: &[],
            body: Some(json!({"type": "object", "properties": {"reason": {"type": "string"}}})),
            response: Some(json!({"type": "object", "properties": {"id_number": {"type": "string"}, "phone": {"type": "string"}}})) },
        reveal)
    .api(Method::GET, "/api/v1/tags", Policy::Signed(Action::ViewResidents),
        ApiDoc { operation_id: "tags_list", summary: "The community's resident tags", tag: "residents", query: &[], body: None, response: None },
        tags)
}
