//! `report_indicators`: the indicator catalogue computed for the caller's community and a period.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use chrono::NaiveDate;
use linli_core::Action;
use linli_store::{places, reports};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// The period asked for, defaulting to this calendar year up to today.
pub fn period(
    ctx: &Ctx,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(String, String), AppError> {
    let today = linli_core::clock::shanghai(ctx.now).date();
    let parse = |s: &str, field: &'static str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("date_bad", field))
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(f) => parse(f, "from")?,
        None => {
            NaiveDate::from_ymd_opt(today.format("%Y").to_string().parse().unwrap_or(2026), 1, 1)
                .unwrap_or(today)
        }
    };
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(t) => parse(t, "to")?,
        None => today,
    };
    if from > to {
        return Err(AppError::invalid("period_bad", "from"));
    }
    Ok((
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    ))
}

async fn indicators(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Period>,
) -> Result<Json<Value>, AppError> {
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let (from, to) = period(&ctx, q.from.as_deref(), q.to.as_deref())?;
    let v = state
        .db
        .read(move |c| {
            let name = places::get(c, cid)?.name;
            let figures = reports::compute(c, cid, &from, &to)?;
            Ok::<_, AppError>(reports::to_json(&figures, &name, &from, &to))
        })
        .await?;
    Ok(Json(v))
}

pub fn routes(t: Table) -> Table {
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
