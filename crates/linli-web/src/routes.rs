//! The route table. Every route is registered here with its policy and, for JSON routes, its
//! OpenAPI description, so the router, the policy check and the OpenAPI document cannot drift.

use crate::{AppState, api, assets, auth, metrics, middleware, pages};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};
use linli_core::Action;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use std::collections::HashMap;
use std::sync::Arc;

/// The largest upload (a roster spreadsheet) a route registered with [`Table::upload`] takes.
pub const UPLOAD_LIMIT: usize = 50 * 1024 * 1024;

/// Who may call a route. The route's handler may narrow it further by target
/// (`Caller::authorize` with the object's place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not (login page, health check, public assets).
    Public,
    /// A signed-in caller whose grants permit the action somewhere.
    Signed(Action),
}

/// How a type's JSON Schema is written into the OpenAPI document (a reference into
/// `components/schemas` for named types).
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One registered route.
#[derive(Debug, Clone)]
pub struct Op {
    pub method: Method,
    pub path: &'static str,
    pub policy: Policy,
    /// Set for JSON API routes: its description in the OpenAPI document.
    pub api: Option<ApiDoc>,
}

impl Op {
    /// The contract's operationId, for JSON API routes.
    pub fn operation_id(&self) -> Option<&'static str> {
        self.api.as_ref().map(|d| d.operation_id)
    }
}

pub struct Table {
    state: AppState,
    router: Router<AppState>,
    ops: Vec<Op>,
}

/// Each route's policy by method and path template, which the one layer around the routes
/// (`middleware::pass`) looks up and applies before the handler runs.
#[derive(Debug, Default)]
pub struct Policies(HashMap<(Method, &'static str), Policy>);

impl Policies {
    /// The policy of the route the request matched; `None` when no route takes its method there
    /// (axum answers 405 or the fallback 404). `HEAD` is served by the `GET` route.
    pub fn of(&self, method: &Method, route: &str) -> Option<Policy> {
        let method = if method == Method::HEAD { &Method::GET } else { method };
        self.0.get(&(method.clone(), route)).copied()
    }
}

/// What the OpenAPI document says of an operation. The request and response schemas come
/// from the Rust types the handler reads and answers ([`ApiDoc::ok`], [`ApiDoc::created`],
/// [`ApiDoc::body`]); the property-based test in `tests/it/openapi.rs` holds every answer
/// to them.
#[derive(Debug, Clone, Copy)]
pub struct ApiDoc {
    pub operation_id: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub body: Option<SchemaFn>,
    /// The success status (200, or 201 for an operation that creates).
    pub status: u16,
    pub response: SchemaFn,
}

impl ApiDoc {
    /// An operation answering `200` with an `R`.
    pub fn ok<R: JsonSchema>(
        tag: &'static str,
        operation_id: &'static str,
        summary: &'static str,
    ) -> Self {
        ApiDoc {
            operation_id,
            summary,
            tag,
            query: &[],
            body: None,
            status: 200,
            response: schema_of::<R>,
        }
    }

    /// An operation answering `201 Created` with an `R`.
    pub fn created<R: JsonSchema>(
        tag: &'static str,
        operation_id: &'static str,
        summary: &'static str,
    ) -> Self {
        ApiDoc { status: 201, ..Self::ok::<R>(tag, operation_id, summary) }
    }

    /// The JSON body the operation reads.
    pub fn body<B: JsonSchema>(self) -> Self {
        ApiDoc { body: Some(schema_of::<B>), ..self }
    }

    /// Its query parameters: name and description.
    pub fn query(self, query: &'static [(&'static str, &'static str)]) -> Self {
        ApiDoc { query, ..self }
    }
}

impl Table {
    fn add<H, T>(mut self, op: Op, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = match op.method {
            Method::POST => MethodFilter::POST,
            Method::PATCH => MethodFilter::PATCH,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            _ => MethodFilter::GET,
        };
        self.router = self.router.route(op.path, on(filter, handler));
        self.ops.push(op);
        self
    }

    /// A browser page or form target.
    pub fn page<H, T>(self, method: Method, path: &'static str, policy: Policy, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let op = Op { method, path, policy, api: None };
        self.add(op, handler)
    }

    /// A form that uploads a file: like [`Table::page`], with room for a 50 MiB spreadsheet.
    pub fn upload<H, T>(mut self, path: &'static str, policy: Policy, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route =
            axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT));
        self.router = self.router.route(path, route);
        self.ops.push(Op { method: Method::POST, path, policy, api: None });
        self
    }

    /// A JSON API operation, described in the OpenAPI document.
    pub fn api<H, T>(
        self,
        method: Method,
        path: &'static str,
        policy: Policy,
        doc: ApiDoc,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let op = Op { method, path, policy, api: Some(doc) };
        self.add(op, handler)
    }

    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    pub fn into_router(self) -> Router {
        let state = self.state.clone();
        let policies =
            Policies(self.ops.iter().map(|op| ((op.method.clone(), op.path), op.policy)).collect());
        self.router
            .fallback(middleware::not_found)
            .layer(axum::middleware::from_fn_with_state(
                (state.clone(), Arc::new(policies)),
                metrics::observe,
            ))
            .with_state(state)
    }
}

pub fn table(state: AppState) -> Table {
    let t = Table { state, router: Router::new(), ops: Vec::new() };
    let t = assets::routes(t);
    let t = metrics::routes(t);
    let t = auth::routes(t);
    let t = pages::routes(t);
    api::routes(t)
}
