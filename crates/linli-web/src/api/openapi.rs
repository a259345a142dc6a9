//! `/api/v1/openapi.json`, generated from the route table itself.

use crate::AppState;
use crate::error::ErrorBody;
use crate::routes::{Op, Policy, Table};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// The OpenAPI 3.1 document of the JSON routes: paths from the route table, request and
/// response schemas from the Rust types each operation reads and answers (named types under
/// `components/schemas`).
pub fn document(ops: &[Op]) -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let error = g.subschema_for::<ErrorBody>();
    let mut paths = Map::new();
    for op in ops {
        let Some(doc) = &op.api else { continue };
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}))
            .collect();
        params.extend(doc.query.iter().map(|(name, desc)| {
            json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": "string"}})
        }));
        let success = if doc.status == 201 { "Created" } else { "OK" };
        let mut responses = Map::new();
        responses.insert(
            doc.status.to_string(),
            json!({"description": success, "content": {"application/json": {"schema": (doc.response)(&mut g)}}}),
        );
        responses.insert(
            "default".into(),
            json!({"description": "Error", "content": {"application/json": {"schema": error}}}),
        );
        let mut o = json!({
            "operationId": doc.operation_id,
            "summary": doc.summary,
            "tags": [doc.tag],
            "parameters": params,
            "responses": responses,
        });
        if let Some(body) = doc.body {
            o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": body(&mut g)}}});
        }
        if op.policy == Policy::Public {
            o["security"] = json!([]);
        }
        let entry = paths.entry(op.path.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(op.method.as_str().to_lowercase(), o);
        }
    }
    let schemas: Map<String, Value> = g.take_definitions(true);
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
            "schemas": schemas
        }
    })
}

/// The document depends only on the code, so it is built once, on first request.
async fn openapi(State(state): State<AppState>) -> Json<Value> {
    static DOC: OnceLock<Value> = OnceLock::new();
    Json(DOC.get_or_init(|| document(&crate::operations(state))).clone())
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/api/v1/openapi.json", Policy::Public, openapi)
}
