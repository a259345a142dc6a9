//! `report_indicators`: the indicator catalogue computed for the caller's community and a period.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::Query;
use axum::http::Method;
use linli_app::reports as ops;
use linli_core::Action;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// Every indicator of the catalogue for a community and a period.
#[derive(Serialize, JsonSchema)]
struct IndicatorsJson {
    community: String,
    from: String,
    to: String,
    /// The value of each indicator by its id: money in fen, rates 0-1, null when its module is
    /// not built or the figure is unavailable.
    indicators: BTreeMap<String, Option<Number>>,
    /// Per indicator: status, names, unit, definition, the records it counts.
    details: BTreeMap<String, Value>,
}

/// Figures as the API gives them: each value by its indicator's id (a number or null), and
/// each one's details by id.
pub(super) fn by_id(
    figures: &[linli_store::reports::Figure],
) -> (BTreeMap<String, Option<Number>>, BTreeMap<String, Value>) {
    let values = figures
        .iter()
        .map(|f| {
            let value = f.value.as_ref().and_then(|v| v.as_number().cloned());
            (f.indicator.id.to_string(), value)
        })
        .collect();
    let details = figures.iter().map(|f| (f.indicator.id.to_string(), f.details.clone())).collect();
    (values, details)
}

async fn indicators(ctx: Ctx, Query(q): Query<Period>) -> Result<Json<IndicatorsJson>, AppError> {
    let actor = ctx.actor()?;
    let (from, to) = ops::period(&actor, q.from.as_deref(), q.to.as_deref())?;
    let r = ops::indicators(&ctx.state.app, &actor, &from, &to).await?;
    let (indicators, details) = by_id(&r.figures);
    Ok(Json(IndicatorsJson { indicators, details, community: r.community, from: r.from, to: r.to }))
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// One block of the summary in reading order.
#[derive(Serialize, JsonSchema)]
pub struct BlockJson {
    /// heading1, heading2, heading3 or paragraph
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
}

/// A figure's note: its exact value, the indicator it comes from, the records behind it.
#[derive(Serialize, JsonSchema)]
pub struct NoteJson {
    number: usize,
    id: String,
    name_zh: String,
    words: String,
    exact: String,
    /// The exact value as the Chinese appendix prints it (`61,234.50元`).
    exact_zh: String,
    /// 口径: what is counted.
    definition_zh: String,
    /// 数据来源: the ledger it is counted from.
    source_zh: String,
    records: String,
}

/// A sentence of the template left out, and why.
#[derive(Serialize, JsonSchema)]
pub struct OmittedJson {
    id: String,
    reason: String,
    sentence: String,
}

/// The summary document as JSON: its blocks in reading order, each figure's note (exact value,
/// indicator id, link to the records) and the sentences left out with why.
#[derive(Serialize, JsonSchema)]
pub struct SummaryJson {
    title: String,
    issuer: String,
    date: String,
    from: String,
    to: String,
    blocks: Vec<BlockJson>,
    notes: Vec<NoteJson>,
    omitted: Vec<OmittedJson>,
    markdown: String,
}

pub fn summary_json(doc: &linli_core::summary::Document) -> SummaryJson {
    use linli_core::summary::Block;
    let block = |kind, text: &str| BlockJson { kind, text: text.to_string() };
    SummaryJson {
        title: doc.title.clone(),
        issuer: doc.issuer.clone(),
        date: doc.date.clone(),
        from: doc.from.clone(),
        to: doc.to.clone(),
        blocks: doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading1(t) => block("heading1", t),
                Block::Heading2(t) => block("heading2", t),
                Block::Heading3(t) => block("heading3", t),
                Block::Para(inl) => block("paragraph", &linli_core::summary::plain_text(inl)),
            })
            .collect(),
        notes: doc
            .notes
            .iter()
            .map(|n| NoteJson {
                number: n.number,
                id: n.id.to_string(),
                name_zh: n.name_zh.to_string(),
                words: n.words.clone(),
                exact: n.exact.clone(),
                exact_zh: n.exact_zh.clone(),
                definition_zh: n.definition_zh.clone(),
                source_zh: n.source_zh.clone(),
                records: n.records.clone(),
            })
            .collect(),
        omitted: doc
            .omitted
            .iter()
            .map(|o| OmittedJson {
                id: o.id.to_string(),
                reason: o.reason.to_string(),
                sentence: o.sentence.clone(),
            })
            .collect(),
        markdown: linli_core::summary::to_markdown(doc),
    }
}

async fn summary(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Json<SummaryJson>, AppError> {
    let actor = ctx.actor()?;
    let year = q.year.unwrap_or_else(|| {
        use chrono::Datelike;
        actor.today().year()
    });
    let doc = ops::summary(&ctx.state.app, &actor, year).await?;
    Ok(Json(summary_json(&doc)))
}

pub fn routes(t: Table) -> Table {
    t.api(Method::GET, "/api/v1/reports/summary", Policy::Signed(Action::ViewReports),
        ApiDoc::ok::<SummaryJson>("reports", "report_summary", "The annual summary of the caller's community, written from its template, the indicators of the year and the picked stories: blocks, the notes with each figure's exact value, the sentences left out (unavailable or zero figures), and the Markdown")
            .query(&[("year", "YYYY, default this year")]),
        summary)
    .api(Method::GET, "/api/v1/reports/indicators", Policy::Signed(Action::ViewReports),
        ApiDoc::ok::<IndicatorsJson>("reports", "report_indicators", "Every indicator of the catalogue for the caller's community and a period (money in fen, rates 0-1, null when its module is not built)")
            .query(&[("from", "YYYY-MM-DD, default 1 January of this year"), ("to", "YYYY-MM-DD, default today")]),
        indicators)
}
