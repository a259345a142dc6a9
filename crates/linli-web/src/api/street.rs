//! `street_indicators`: every indicator of the catalogue for each community of the caller's
//! street, side by side, and the street's totals (for a street-level administrator).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::Query;
use axum::http::Method;
use linli_app::street as ops;
use linli_core::Action;
use linli_core::street::Total;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Number, Value};
use std::collections::BTreeMap;

/// A place named by id.
#[derive(Serialize, JsonSchema)]
struct PlaceRef {
    id: i64,
    name: String,
}

/// One community of the street: the value of each indicator by id (money in fen, rates 0-1,
/// null when unavailable) and the details behind each (numerator and denominator of a rate …).
#[derive(Serialize, JsonSchema)]
struct CommunityJson {
    id: i64,
    name: String,
    indicators: BTreeMap<String, Option<Number>>,
    details: BTreeMap<String, Value>,
}

/// The street's total of one indicator and the rule that made it.
#[derive(Serialize, JsonSchema)]
struct TotalJson {
    /// `sum` (counts and money), `ratio_of_sums` (a rate: summed numerators over summed
    /// denominators), `weighted_mean` (a mean: summed values over summed counts), or
    /// `not_summable` (see `reason`).
    rule: &'static str,
    /// In the indicator's unit (fen, hours, a rate 0-1, a mean); null when there is nothing to
    /// divide by or no total.
    value: Option<f64>,
    /// For `ratio_of_sums`: the summed numerator and denominator; for `weighted_mean`: the
    /// summed values and how many.
    numerator: Option<i64>,
    denominator: Option<i64>,
    /// For `not_summable`: `missing_community` (a community has no figure), `no_parts` (the
    /// figures lack what the rule needs) or `no_community`.
    reason: Option<&'static str>,
}

/// The street's communities side by side for a period, in the order asked for, and its totals.
#[derive(Serialize, JsonSchema)]
struct StreetIndicatorsJson {
    street: PlaceRef,
    from: String,
    to: String,
    /// The indicator id the communities are ordered by (null: the place tree's order).
    sort: Option<String>,
    descending: bool,
    communities: Vec<CommunityJson>,
    /// The street's total of each indicator by id.
    totals: BTreeMap<String, TotalJson>,
}

fn total_json(ind: &linli_core::indicators::Indicator, t: &Total) -> TotalJson {
    let (numerator, denominator) = match *t {
        Total::Rate { numerator, denominator } => (Some(numerator), Some(denominator)),
        Total::Mean { sum, n } => (Some(sum), Some(n)),
        _ => (None, None),
    };
    TotalJson {
        rule: t.rule(),
        value: ops::total_value(ind, t),
        numerator,
        denominator,
        reason: match t {
            Total::NotSummable(r) => Some(r.code()),
            _ => None,
        },
    }
}

async fn indicators(
    ctx: Ctx,
    Query(q): Query<ops::Asked>,
) -> Result<Json<StreetIndicatorsJson>, AppError> {
    let actor = ctx.actor()?;
    let v = ops::indicators(&ctx.state.app, &actor, &q).await?;
    Ok(Json(StreetIndicatorsJson {
        street: PlaceRef { id: v.street.id, name: v.street.name },
        from: v.from,
        to: v.to,
        sort: v.sort.map(str::to_string),
        descending: v.descending,
        communities: v
            .communities
            .into_iter()
            .map(|c| {
                let (indicators, details) = super::reports::by_id(&c.figures);
                CommunityJson { id: c.community.id, name: c.community.name, indicators, details }
            })
            .collect(),
        totals: v.totals.iter().map(|(ind, t)| (ind.id.to_string(), total_json(ind, t))).collect(),
    }))
}

pub fn routes(t: Table) -> Table {
    t.api(Method::GET, "/api/v1/street/indicators", Policy::Signed(Action::ViewReports),
        ApiDoc::ok::<StreetIndicatorsJson>("street", "street_indicators", "For an administrator granted on a street: every indicator of the catalogue for each of its communities over a period, side by side, and the street's total of each (counts and money summed, rates recomputed from summed numerators and denominators, means weighted; not_summable with the reason when a community lacks the figure). A community's account is refused (403)")
            .query(&[("from", "YYYY-MM-DD, default 1 January of this year"), ("to", "YYYY-MM-DD, default today"), ("sort", "an indicator id to order the communities by (default: the place tree's order)"), ("dir", "desc (default) or asc")]),
        indicators)
}
