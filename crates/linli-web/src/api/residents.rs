use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::residents::{self as ops, Draft, ListQuery, SaveError};
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_core::Action;
use linli_store::registry;
use serde::Deserialize;
use serde_json::{Value, json};

fn field_errors(e: SaveError) -> Response {
    match e {
        SaveError::App(e) => e.into_response(),
        SaveError::Fields(errors) => {
            let first = errors.first().cloned();
            let status = if errors.iter().any(|e| e.code == "id_number_taken") {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let body = json!({"error": {
                "code": first.as_ref().map_or("invalid", |f| f.code.as_str()),
                "message": first.as_ref().map_or(String::new(), |f| f.message.clone()),
                "details": {"fields": errors.iter().map(|e| json!({"field": e.field, "code": e.code, "message": e.message})).collect::<Vec<_>>()},
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
    let community = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let kinds = state
        .db
        .read(move |c| registry::tag_kinds(c, community))
        .await?;
    let filter = ops::filter_for(&ctx, &q, &kinds, community)?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = state
        .db
        .read(move |c| registry::search(c, &filter, page, ops::PER_PAGE))
        .await?;
    Ok(Json(
        json!({"items": rows.iter().map(ops::row_json).collect::<Vec<_>>(), "total": total, "page": page, "per_page": ops::PER_PAGE}),
    ))
}

async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let r = ops::load_visible(&state, &ctx, id, Action::ViewResidents).await?;
    Ok(Json(ops::resident_json(
        &r,
        linli_core::clock::shanghai(ctx.now).date(),
    )))
}

async fn create(State(state): State<AppState>, ctx: Ctx, Json(d): Json<Draft>) -> Response {
    match ops::save(&state, &ctx, None, d).await {
        Ok(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        Err(e) => field_errors(e),
    }
}

/// Partial update: fields left out keep their value.
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(patch): Json<Value>,
) -> Response {
    let current = match ops::load_visible(&state, &ctx, id, Action::ManageResidents).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
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
    match ops::save(&state, &ctx, Some(id), d).await {
        Ok(id) => Json(json!({"id": id})).into_response(),
        Err(e) => field_errors(e),
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
    let (id_number, phone) = ops::reveal(&state, &ctx, id, &reason).await?;
    Ok(Json(
        json!({"id": id, "id_number": id_number, "phone": phone}),
    ))
}

async fn tags(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let community = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let kinds = state
        .db
        .read(move |c| registry::tag_kinds(c, community))
        .await?;
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
