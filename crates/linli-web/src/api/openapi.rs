//! `/api/v1/openapi.json`, generated from the route table itself.

use crate::AppState;
use crate::routes::{Op, Policy, Table};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

pub fn document(ops: &[Op]) -> Value {
    let mut paths = Map::new();
    for op in ops {
        let Some(id) = op.operation_id else { continue };
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}))
            .collect();
        params.extend(op.query.iter().map(|(name, desc)| {
            json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": "string"}})
        }));
        let mut o = json!({
            "operationId": id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": op.response.clone().unwrap_or(json!({"type": "object"}))}}},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if let Some(body) = &op.body {
            o["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": body}}});
        }
        if op.policy == Policy::Public {
            o["security"] = json!([]);
        }
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(op.method.as_str().to_lowercase(), o);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Linli (邻里) API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Community service platform. Money is integer fen in fields ending _fen; dates are YYYY-MM-DD."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "security": [{"bearer": []}, {"cookie": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "linli_session"}
            },
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}}}}
        }
    })
}

/// The document depends only on the code, so it is built once, on first request.
async fn openapi(State(state): State<AppState>) -> Json<Value> {
    static DOC: OnceLock<Value> = OnceLock::new();
    Json(
        DOC.get_or_init(|| document(&crate::operations(state)))
            .clone(),
    )
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/api/v1/openapi.json", Policy::Public, openapi)
}
