//! `report_indicators`: the indicator catalogue computed for the caller's community and a period.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use linli_app::reports as ops;
use linli_core::Action;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

async fn indicators(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Period>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let (from, to) = ops::period(&actor, q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        ops::indicators(&state.app, &actor, &from, &to)
            .await?
            .to_json(),
    ))
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The summary document as JSON: its blocks in reading order, each figure's note (exact value,
/// indicator id, link to the records) and the sentences left out with why.
pub fn summary_json(doc: &linli_core::summary::Document) -> Value {
    use linli_core::summary::Block;
    let blocks: Vec<Value> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading1(t) => json!({"type": "heading1", "text": t}),
            Block::Heading2(t) => json!({"type": "heading2", "text": t}),
            Block::Heading3(t) => json!({"type": "heading3", "text": t}),
            Block::Para(inl) => {
                json!({"type": "paragraph", "text": linli_core::summary::plain_text(inl)})
            }
        })
        .collect();
    json!({
        "title": doc.title, "issuer": doc.issuer, "date": doc.date, "from": doc.from, "to": doc.to,
        "blocks": blocks,
        "notes": doc.notes.iter().map(|n| json!({"number": n.number, "id": n.id, "name_zh": n.name_zh, "words": n.words, "exact": n.exact, "records": n.records})).collect::<Vec<_>>(),
        "omitted": doc.omitted.iter().map(|o| json!({"id": o.id, "reason": o.reason, "sentence": o.sentence})).collect::<Vec<_>>(),
        "markdown": linli_core::summary::to_markdown(doc),
    })
}

async fn summary(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let year = q.year.unwrap_or_else(|| {
        use chrono::Datelike;
        actor.today().year()
    });
    let doc = ops::summary(&state.app, &actor, year).await?;
    Ok(Json(summary_json(&doc)))
}

pub fn routes(t: Table) -> Table {
    let t = t.api(
        Method::GET,
        "/api/v1/reports/summary",
        Policy::Signed(Action::ViewReports),
        ApiDoc {
            operation_id: "report_summary",
            summary: "The annual summary of the caller's community, written from its template, the indicators of the year and the picked stories: blocks, the notes with each figure's exact value, the sentences left out (unavailable or zero figures), and the Markdown",
            tag: "reports",
            query: &[("year", "YYYY, default this year")],
            body: None,
            response: Some(json!({"type": "object", "properties": {
                "title": {"type": "string"}, "blocks": {"type": "array"}, "notes": {"type": "array"},
                "omitted": {"type": "array"}, "markdown": {"type": "string"}}})),
        },
        summary,
    );
    t.api(
        Method::GET,
        "/api/v1/reports/indicators",
        Policy::Signed(Action::ViewReports),
        ApiDoc {
            operation_id: "report_indicators",
            summary: "Every indicator of the catalogue for the caller's community and a period (money in fen, rates 0-1, null when its module is not built)",
            tag: "reports",
            query: &[("from", "YYYY-MM-DD, default 1 January of this year"), ("to", "YYYY-MM-DD, default today")],
            body: None,
            response: Some(json!({"type": "object", "properties": {"indicators": {"type": "object"}, "details": {"type": "object"}}})),
        },
        indicators,
    )
}
