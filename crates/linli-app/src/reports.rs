//! Indicators, the dashboard's figures and charts, the 台账 downloads and the annual summary:
//! what `/reports`, `report_indicators`, `report_summary` and `linli report` read.

use crate::{Actor, App, Error, Result};
use chrono::{Datelike, NaiveDate};
use linli_core::{Action, PlacePath};
use linli_store::{Tenant, fund, places, reports, summary};

/// The period asked for (`YYYY-MM-DD`, inclusive), defaulting to this calendar year up to today.
pub fn period(actor: &Actor, from: Option<&str>, to: Option<&str>) -> Result<(String, String)> {
    let today = actor.today();
    let parse = |s: &str, field: &'static str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| Error::invalid("date_bad", field))
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(f) => parse(f, "from")?,
        None => NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
    };
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(t) => parse(t, "to")?,
        None => today,
    };
    if from > to {
        return Err(Error::invalid("period_bad", "from"));
    }
    Ok((
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    ))
}

/// The catalogue computed for the actor's community over a period.
pub struct Indicators {
    pub community: String,
    pub from: String,
    pub to: String,
    pub figures: Vec<reports::Figure>,
}

impl Indicators {
    /// `{"indicators": {id: value}, "details": {id: {…}}, …}`: the contract's JSON.
    pub fn to_json(&self) -> serde_json::Value {
        reports::to_json(&self.figures, &self.community, &self.from, &self.to)
    }
}

pub async fn indicators(app: &App, actor: &Actor, from: &str, to: &str) -> Result<Indicators> {
    let tenant = actor.tenant()?;
    let (from, to) = (from.to_string(), to.to_string());
    app.read(move |c| {
        let community = places::get(c, tenant.id())?.name;
        let figures = reports::compute(c, tenant.id(), &from, &to)?;
        Ok::<_, Error>(Indicators {
            community,
            from,
            to,
            figures,
        })
    })
    .await
}

/// What the dashboard shows besides the indicators.
pub struct Dashboard {
    pub figures: Vec<reports::Figure>,
    /// (age band, 人数)
    pub ages: Vec<(&'static str, i64)>,
    pub fund_months: Vec<fund::MonthLine>,
    /// (`YYYY-MM`, 人次, households)
    pub help: Vec<(String, i64, i64)>,
    /// (tag, 人数)
    pub tags: Vec<(String, i64)>,
    /// (building, households helped)
    pub buildings: Vec<(String, i64)>,
}

pub async fn dashboard(app: &App, actor: &Actor, from: &str, to: &str) -> Result<Dashboard> {
    let tenant = actor.tenant()?;
    let today = actor.today();
    let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let (from, to) = (from.to_string(), to.to_string());
    let day = today.format("%Y-%m-%d").to_string();
    app.read(move |c| {
        let cid = tenant.id();
        Ok::<_, Error>(Dashboard {
            help: summary::help_by_month(c, cid, &from, &to)?,
            tags: summary::residents_by_tag(c, cid, &day)?,
            buildings: summary::helped_by_building(c, cid, &from, &to, 12)?,
            figures: reports::compute(c, cid, &from, &to)?,
            ages: reports::age_bands(c, cid, today)?,
            fund_months: fund::statement(c, tenant, year)?.1,
        })
    })
    .await
}

/// A year asked for in a form or query: this year when blank; from 2000 to next year.
pub fn year(actor: &Actor, asked: Option<&str>) -> Result<i32> {
    let this_year = actor.today().year();
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(this_year),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=this_year + 1).contains(y))
            .ok_or(Error::invalid("summary_year_bad", "year")),
    }
}

/// Who may download which 台账.
pub fn ledger_action(code: &str) -> Option<Action> {
    match code {
        "fund_ledger" | "donors" => Some(Action::ViewFund),
        "cases" | "help" => Some(Action::ManageCases),
        "courses" => Some(Action::ViewLearning),
        "placements" => Some(Action::ViewEmployment),
        _ => None,
    }
}

/// A 台账 of a year, masked, its rows limited to what the actor may see; the download is
/// audited (`ledger.export`).
pub struct LedgerFile {
    /// The ledger's Chinese name (the sheet and the file name).
    pub name: &'static str,
    pub ledger: summary::Ledger,
}

pub async fn ledger(app: &App, actor: &Actor, code: &str, year: i32) -> Result<LedgerFile> {
    let action = ledger_action(code).ok_or(Error::NotFound)?;
    let tenant = actor.require_role(app, action).await?;
    let (from, to) = summary::year_period(year);
    let reader = actor.clone();
    let code2 = code.to_string();
    // Built on a reader, so the one writer is held only for the audit record.
    let ledger = app
        .read(move |c| {
            let visible = |path: &str| {
                PlacePath::parse(path)
                    .is_some_and(|p| reader.allowed(Action::ManageCases, Some(&p)))
            };
            summary::ledger(c, &code2, tenant.id(), &from, &to, &visible)?.ok_or(Error::NotFound)
        })
        .await?;
    let name = summary::LEDGERS
        .iter()
        .find(|(k, _)| *k == code)
        .map_or("台账", |(_, n)| *n);
    let (code3, rows) = (code.to_string(), ledger.rows.len());
    app.write(actor, move |tx| {
        tx.audit(
            tenant,
            "ledger.export",
            "ledger",
            year,
            serde_json::json!({"ledger": code3, "rows": rows, "masked": true}),
        )
    })
    .await?;
    Ok(LedgerFile { name, ledger })
}

/// The year's 总结 for the actor's community (the template, the indicators, the stories).
pub async fn summary(app: &App, actor: &Actor, year: i32) -> Result<linli_core::summary::Document> {
    let tenant = actor.tenant()?;
    let this_year = actor.today().year();
    if !(2000..=this_year + 1).contains(&year) {
        return Err(Error::invalid("summary_year_bad", "year"));
    }
    summary_of(app, tenant, year, actor.today()).await
}

/// The summary of any community (the command line names it).
pub async fn summary_of(
    app: &App,
    tenant: Tenant,
    year: i32,
    today: NaiveDate,
) -> Result<linli_core::summary::Document> {
    let day = today.format("%Y-%m-%d").to_string();
    app.read(move |c| summary::build(c, tenant.id(), year, &day))
        .await
}
