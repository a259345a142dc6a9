//! Indicators, the dashboard's figures and charts, the 台账 downloads and the annual summary:
//! what `/reports`, `report_indicators`, `report_summary` and `linli report` read.

use crate::{Actor, App, Error, Result};
use chrono::{Datelike, NaiveDate};
use linli_core::{Action, PlacePath};
use linli_store::{Tenant, fund, places, reports, summary};

/// The period asked for (`YYYY-MM-DD`, inclusive), defaulting to this calendar year up to today.
pub fn period(actor: &Actor, from: Option<&str>, to: Option<&str>) -> Result<(String, String)> {
    let today = actor.today();
    // The one date parser every form and API field goes through.
    let parse = |s: &str, field: &'static str| {
        linli_core::dates::parse_date(s).ok_or(Error::invalid("date_bad", field))
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
    Ok((from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string()))
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
    // Figures may be a few seconds late: from the replica when there is one.
    app.read_replica(move |c| {
        let community = places::get(c, tenant.id())?.name;
        let figures = reports::compute(c, tenant, &from, &to)?;
        Ok::<_, Error>(Indicators { community, from, to, figures })
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
    app.read_replica(move |c| {
        Ok::<_, Error>(Dashboard {
            help: summary::help_by_month(c, tenant, &from, &to)?,
            tags: summary::residents_by_tag(c, tenant, &day)?,
            buildings: summary::helped_by_building(c, tenant, &from, &to, 12)?,
            figures: reports::compute(c, tenant, &from, &to)?,
            ages: reports::age_bands(c, tenant, today)?,
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
            summary::ledger(c, &code2, tenant, &from, &to, &visible)?.ok_or(Error::NotFound)
        })
        .await?;
    let name = summary::LEDGERS.iter().find(|(k, _)| *k == code).map_or("台账", |(_, n)| *n);
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
    app.read(move |c| summary::build(c, tenant, year, &day)).await
}

// ---- the annual summary (年度工作总结) ----

/// Story picks and template edits touch case files: only those who manage cases.
pub fn may_edit_summary(actor: &Actor) -> bool {
    actor.allowed(Action::ManageCases, None)
}

fn sees_case(actor: &Actor, path: &str) -> bool {
    PlacePath::parse(path).is_some_and(|p| actor.allowed(Action::ManageCases, Some(&p)))
}

/// The summary page: the document as it will print, the figures behind it, the template
/// (the community's, or the default), and the stories the actor may pick.
pub struct SummaryView {
    pub year: i32,
    pub doc: linli_core::summary::Document,
    pub figures: Vec<reports::Figure>,
    pub template: String,
    pub custom: bool,
    pub candidates: Vec<summary::Candidate>,
}

/// The summary of a year, written from `draft` when a template is being previewed.
pub async fn summary_view(
    app: &App,
    actor: &Actor,
    year: i32,
    draft: Option<String>,
) -> Result<SummaryView> {
    let tenant = actor.tenant()?;
    let name = actor.community.clone().map(|c| c.1).unwrap_or_default();
    let today = actor.today().format("%Y-%m-%d").to_string();
    let picker = Some(actor.clone()).filter(may_edit_summary);
    app.read(move |c| {
        let saved = summary::template(c, tenant)?;
        let custom = saved.is_some();
        let template =
            draft.or(saved).unwrap_or_else(|| linli_core::summary::DEFAULT_TEMPLATE.to_string());
        let (from, to) = summary::summary_period(year, &today);
        let figures = reports::compute(c, tenant, &from, &to)?;
        let doc = summary::build_from(c, tenant, &name, year, &today, &template, &figures)?;
        let candidates = match &picker {
            Some(p) => summary::candidates(c, tenant, year, &from, &to)?
                .into_iter()
                .filter(|k| sees_case(p, &k.place_path))
                .collect(),
            None => Vec::new(),
        };
        Ok::<_, Error>(SummaryView { year, doc, figures, template, custom, candidates })
    })
    .await
}

/// The longest template kept (a summary of several pages is some 10,000 characters).
pub const TEMPLATE_MAX: usize = 40_000;

/// What is wrong with a template as typed: `summary_template_empty`, `summary_template_long`,
/// or `summary_template_unknown` with the placeholders nobody knows.
pub fn template_problem(body: &str) -> Option<(&'static str, Vec<String>)> {
    let unknown = linli_core::summary::unknown_placeholders(body);
    if body.trim().is_empty() {
        Some(("summary_template_empty", Vec::new()))
    } else if body.chars().count() > TEMPLATE_MAX {
        Some(("summary_template_long", Vec::new()))
    } else if !unknown.is_empty() {
        Some(("summary_template_unknown", unknown.iter().map(|u| format!("{{{u}}}")).collect()))
    } else {
        None
    }
}

fn require_editor(actor: &Actor) -> Result<Tenant> {
    if !may_edit_summary(actor) {
        return Err(Error::Forbidden);
    }
    actor.tenant()
}

/// Saves the community's template (refused when [`template_problem`] finds one).
pub async fn save_template(app: &App, actor: &Actor, body: &str) -> Result<()> {
    let tenant = require_editor(actor)?;
    let body = body.replace("\r\n", "\n");
    if let Some((code, _)) = template_problem(&body) {
        return Err(Error::invalid(code, "body"));
    }
    app.write(actor, move |tx| {
        let cid = tenant.id();
        let before = summary::template(tx.c, tenant)?;
        summary::save_template(tx.c, tenant, &body, tx.actor.user_id(), tx.actor.now)?;
        tx.audit_change(
            tenant,
            "summary.template_save",
            "summary_template",
            cid,
            before.map(|b| serde_json::json!({"body": b})),
            serde_json::json!({"body": body}),
        )
    })
    .await
}

/// Goes back to the default template (audited when there was one of the community's own).
pub async fn reset_template(app: &App, actor: &Actor) -> Result<()> {
    let tenant = require_editor(actor)?;
    app.write(actor, move |tx| {
        let cid = tenant.id();
        let before = summary::template(tx.c, tenant)?;
        if summary::reset_template(tx.c, tenant)? {
            tx.audit_change(
                tenant,
                "summary.template_reset",
                "summary_template",
                cid,
                before.map(|b| serde_json::json!({"chars": b.chars().count()})),
                serde_json::json!({"default": true}),
            )?;
        }
        Ok(())
    })
    .await
}

fn picks_json(picks: &[(summary::StoryKind, i64)]) -> Vec<String> {
    picks.iter().map(|(k, id)| format!("{}:{id}", k.as_str())).collect()
}

/// The stories the summary tells for a year: the actor decides about the records she manages;
/// others' picks stay.
pub async fn pick_stories(
    app: &App,
    actor: &Actor,
    year: i32,
    picks: Vec<(summary::StoryKind, i64)>,
) -> Result<()> {
    let tenant = require_editor(actor)?;
    app.write(actor, move |tx| {
        let (from, to) = summary::year_period(year);
        let mine: Vec<(summary::StoryKind, i64)> =
            summary::candidates(tx.c, tenant, year, &from, &to)?
                .into_iter()
                .filter(|k| sees_case(tx.actor, &k.place_path))
                .map(|k| (k.kind, k.id))
                .collect();
        let before = summary::picked(tx.c, tenant, year)?;
        let mut wanted: Vec<(summary::StoryKind, i64)> =
            before.iter().copied().filter(|id| !mine.contains(id)).collect();
        wanted.extend(picks.iter().copied().filter(|id| mine.contains(id)));
        let kept =
            summary::set_picks(tx.c, tenant, year, &wanted, tx.actor.user_id(), tx.actor.now)?;
        tx.audit_change(
            tenant,
            "summary.stories",
            "summary",
            year,
            Some(serde_json::json!({"picks": picks_json(&before)})),
            serde_json::json!({"picks": picks_json(&kept)}),
        )
    })
    .await
}

/// Records that the summary of a year was downloaded in a format (how many figures it held).
pub async fn record_summary_download(
    app: &App,
    actor: &Actor,
    year: i32,
    format: &str,
    figures: usize,
) -> Result<()> {
    let tenant = actor.tenant()?;
    let format = format.to_string();
    app.write(actor, move |tx| {
        tx.audit(
            tenant,
            "summary.download",
            "summary",
            year,
            serde_json::json!({"format": format, "figures": figures}),
        )
    })
    .await
}
