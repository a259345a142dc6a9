//! The street office (街道): an administrator granted on a street reads its communities' figures
//! side by side, the street's totals made by `linli_core::street`, each community's indicators
//! and summary, and the street's own summary of the year.
//!
//! What a street account may do, and why. Its account belongs to no community
//! (`users.community_id` NULL, `Actor::community` `None`), and every community operation works
//! in the actor's own community (`Actor::tenant`), so the community modules' pages and writes —
//! the roster, the fund, the cases — answer a street account "not found" as they did before:
//! the street reads figures, the communities keep their records and their residents' personal
//! data. What it reads here is checked against its grants by place path (`Actor::require` with
//! `ViewReports` on the community), so another street's communities are "not found" to it, and
//! a community's account is refused the street's pages (403, audited).

use crate::{Actor, App, Error, Result};
use chrono::Datelike;
use linli_core::indicators::{CATALOGUE, Counts, Indicator};
use linli_core::street::{self as rules, Share, Total};
use linli_core::{Action, PlaceKind};
use linli_store::places::{self, Place};
use linli_store::{Tenant, reports, summary};
use serde_json::Value;

/// One community of the street with its figures, in catalogue order.
pub struct CommunityFigures {
    pub community: Place,
    pub figures: Vec<reports::Figure>,
    /// The figures reduced to what a total is made of, in catalogue order.
    pub shares: Vec<Share>,
}

/// The street's view for a period: its communities (in the order asked for) and its totals.
pub struct StreetIndicators {
    pub street: Place,
    pub from: String,
    pub to: String,
    pub communities: Vec<CommunityFigures>,
    /// The street's total of each indicator of the catalogue, in catalogue order.
    pub totals: Vec<(&'static Indicator, Total)>,
    /// The column the communities are ordered by (an indicator id, or `None` for the tree's
    /// order) and whether descending.
    pub sort: Option<&'static str>,
    pub descending: bool,
}

/// A figure reduced to its share of a street total: a rate as its numerator and denominator,
/// a mean as its sum and count, hours in tenths, anything else as the integer it is. A figure
/// whose module is unavailable, or whose details lack the parts, is missing.
pub fn share_of(f: &reports::Figure) -> Share {
    let Some(value) = &f.value else {
        return Share::Missing;
    };
    let part = |k: &str| f.details.get(k).and_then(Value::as_i64);
    match f.indicator.counts {
        Counts::Rate => match (part("numerator"), part("denominator")) {
            (Some(numerator), Some(denominator)) => Share::Ratio { numerator, denominator },
            _ => Share::Missing,
        },
        Counts::Average => match f.indicator.id {
            "corridors.average_stars" => match (part("stars"), part("corridors")) {
                (Some(sum), Some(n)) => Share::Mean { sum, n },
                _ => Share::Missing,
            },
            _ => Share::Missing,
        },
        Counts::Hours => {
            value.as_f64().map_or(Share::Missing, |h| Share::Count((h * 10.0).round() as i64))
        }
        _ => value.as_i64().map_or(Share::Missing, Share::Count),
    }
}

/// A total as a figure the summary generator reads: the value in the indicator's unit (fen,
/// hours, a rate 0-1, a mean), or `None`.
pub fn total_value(ind: &Indicator, total: &Total) -> Option<f64> {
    let v = total.value()?;
    Some(match (ind.counts, total) {
        (Counts::Hours, Total::Sum(_)) => v / 10.0,
        _ => v,
    })
}

/// The street the actor administers: a street-level account holding a grant on a street whose
/// role reads reports. A community's account, or one without such a grant, is refused (403,
/// audited).
pub async fn street_of(app: &App, actor: &Actor) -> Result<Place> {
    let granted: Vec<i64> = actor
        .grants()
        .iter()
        .filter(|g| linli_core::authz::role_permits(g.role, Action::ViewReports))
        .map(|g| g.place_id)
        .collect();
    let street = if actor.community.is_some() {
        None
    } else {
        app.read(move |c| {
            for id in granted {
                let p = places::get(c, id)?;
                if p.kind == PlaceKind::Street {
                    return Ok::<_, Error>(Some(p));
                }
            }
            Ok(None)
        })
        .await?
    };
    match street {
        Some(s) => Ok(s),
        None => {
            actor.record_denial(app, Action::ViewReports, None).await;
            Err(Error::Forbidden)
        }
    }
}

/// The sort column asked for: an indicator id of the catalogue, or `name`/blank for the tree's
/// order (`sort_bad` otherwise).
pub fn sort_column(asked: Option<&str>) -> Result<Option<&'static str>> {
    match asked.map(str::trim).filter(|s| !s.is_empty() && *s != "name") {
        None => Ok(None),
        Some(id) => linli_core::indicators::find(id)
            .map(|i| Some(i.id))
            .ok_or(Error::invalid("sort_bad", "sort")),
    }
}

/// What the street's view is asked for, as the page's query and the API's carry it: the period
/// (this year by default), the column to order by and its direction (`asc`, else largest first).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Asked {
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// Every indicator of the catalogue for each community of the actor's street over a period,
/// and the street's totals; the communities ordered by the column asked for, largest first
/// unless `dir` is `asc`.
pub async fn indicators(app: &App, actor: &Actor, asked: &Asked) -> Result<StreetIndicators> {
    let (from, to) = crate::reports::period(actor, asked.from.as_deref(), asked.to.as_deref())?;
    let descending = asked.dir.as_deref() != Some("asc");
    indicators_over(app, actor, &from, &to, asked.sort.as_deref(), descending).await
}

/// [`indicators`] over a period already checked.
async fn indicators_over(
    app: &App,
    actor: &Actor,
    from: &str,
    to: &str,
    sort: Option<&str>,
    descending: bool,
) -> Result<StreetIndicators> {
    let street = street_of(app, actor).await?;
    let sort = sort_column(sort)?;
    let (from, to) = (from.to_string(), to.to_string());
    let scope = street.path.clone();
    let (f2, t2) = (from.clone(), to.clone());
    // Figures may be a few seconds late: from the replica when there is one.
    let mut communities = app
        .read_replica(move |c| {
            let mut out = Vec::new();
            for community in places::communities_within(c, &scope)? {
                let figures = reports::compute(c, Tenant::new(community.id), &f2, &t2)?;
                let shares = figures.iter().map(share_of).collect();
                out.push(CommunityFigures { community, figures, shares });
            }
            Ok::<_, Error>(out)
        })
        .await?;
    let totals = CATALOGUE
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let shares: Vec<Share> = communities
                .iter()
                .map(|c| c.shares.get(i).copied().unwrap_or(Share::Missing))
                .collect();
            (ind, rules::total(ind.counts, &shares))
        })
        .collect();
    if let Some(id) = sort {
        let col = CATALOGUE.iter().position(|i| i.id == id);
        let order = rules::order_by(
            &communities,
            |c| col.and_then(|i| c.shares.get(i)).and_then(rules::sort_value),
            descending,
        );
        let mut slots: Vec<Option<CommunityFigures>> = communities.into_iter().map(Some).collect();
        communities =
            order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();
    }
    Ok(StreetIndicators { street, from, to, communities, totals, sort, descending })
}

/// A community of the actor's street, with `ViewReports` on it: not found outside the actor's
/// places (another street's, a community of its own for another community's account),
/// refusals audited.
async fn community_in_scope(app: &App, actor: &Actor, id: i64) -> Result<Place> {
    let place = app.read(move |c| places::get(c, id)).await?;
    if place.kind != PlaceKind::Community {
        return Err(Error::NotFound);
    }
    actor.require(app, Action::ViewReports, &place).await?;
    Ok(place)
}

/// One community's indicators for a period, as the street reads them.
pub async fn community_indicators(
    app: &App,
    actor: &Actor,
    id: i64,
    from: &str,
    to: &str,
) -> Result<(Place, Vec<reports::Figure>)> {
    let place = community_in_scope(app, actor, id).await?;
    let (from, to) = (from.to_string(), to.to_string());
    let figures =
        app.read_replica(move |c| reports::compute(c, Tenant::new(id), &from, &to)).await?;
    Ok((place, figures))
}

/// A community's summary of a year (its own template and stories), as the street reads it.
pub async fn community_summary(
    app: &App,
    actor: &Actor,
    id: i64,
    year: i32,
) -> Result<(Place, linli_core::summary::Document)> {
    let place = community_in_scope(app, actor, id).await?;
    let doc = crate::reports::summary_of(app, Tenant::new(id), year, actor.today()).await?;
    Ok((place, doc))
}

/// The street's summary of a year: the default template written from the street's totals
/// (sums, rates from summed parts, weighted means) over its communities' records of the year
/// to date. The communities' stories stay in their own summaries.
pub async fn summary(
    app: &App,
    actor: &Actor,
    year: i32,
) -> Result<(StreetIndicators, linli_core::summary::Document)> {
    if !(2000..=actor.today().year() + 1).contains(&year) {
        return Err(Error::invalid("summary_year_bad", "year"));
    }
    let today = actor.today().format("%Y-%m-%d").to_string();
    let (from, to) = summary::summary_period(year, &today);
    let view = indicators_over(app, actor, &from, &to, None, false).await?;
    let figures: linli_core::summary::Figures = view
        .totals
        .iter()
        .filter_map(|(ind, t)| total_value(ind, t).map(|v| (ind.id.to_string(), v)))
        .collect();
    let records = view
        .totals
        .iter()
        .map(|(ind, _)| {
            (ind.id.to_string(), format!("/street?from={from}&to={to}&sort={}", ind.id))
        })
        .collect();
    let ctx = linli_core::summary::Context {
        community: &view.street.name,
        year,
        from: &from,
        to: &to,
        today: &today,
        records: &records,
    };
    let doc =
        linli_core::summary::build(linli_core::summary::DEFAULT_TEMPLATE, &ctx, &figures, &[]);
    Ok((view, doc))
}
