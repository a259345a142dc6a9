//! Assistance (帮扶): case files with their help timeline, policy applications whose steps run
//! on the working-day clocks of the rules, and convenience service stations.

use crate::{Actor, App, Error, Result};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::assistance::{self, ApplicationKind, CaseStatus, HelpKind, Urgency};
use linli_store::assistance::{
    self as store, Application, Case, CaseInput, HelpInput, HelpRecord, Station, StationInput,
};
use linli_store::places::Place;
use linli_store::{Tenant, registry};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use crate::places::at as place_at;

/// A case of the actor's community the actor may `action` (404 otherwise, audited).
pub async fn load_case(app: &App, actor: &Actor, id: i64, action: Action) -> Result<Case> {
    let tenant = actor.tenant()?;
    let k = app.read(move |c| store::get_case(c, tenant, id)).await?;
    actor.require(app, action, &place_at(k.community_id, &k.place_path)).await?;
    Ok(k)
}

/// A case an id in a request cites (a payment request's, an application's): one of the
/// actor's community, or a field error that names no one.
pub(crate) async fn cited_case(app: &App, tenant: linli_store::Tenant, id: i64) -> Result<Case> {
    app.read(move |c| store::get_case(c, tenant, id))
        .await
        .map_err(|e| e.or_invalid("case_missing", "case_id"))
}

/// The open (or monitored) case of a resident's household, when the actor may see cases there:
/// a resident's page links it, and opening a second one for the same household warns first.
pub async fn open_case_of_resident(
    app: &App,
    actor: &Actor,
    resident_id: i64,
) -> Result<Option<Case>> {
    let tenant = actor.tenant()?;
    let r = app.read(move |c| registry::get(c, tenant, resident_id)).await?;
    if !actor.allowed(Action::ViewCases, Some(&r.place_path)) {
        return Ok(None);
    }
    let household = r.household_id;
    app.read(move |c| store::open_case_of(c, tenant, Some(resident_id), household)).await
}

/// Whether the actor may read a case's sensitive fields (kinds, story, needs: PIPL §28).
pub fn sees_sensitive(actor: &Actor, k: &Case) -> bool {
    actor.allowed(Action::ManageCases, Some(&k.place_path))
}

/// The cases within the actor's scope, optionally of one status.
pub async fn list_cases(app: &App, actor: &Actor, status: Option<String>) -> Result<Vec<Case>> {
    let tenant = actor.tenant()?;
    let scopes = actor.scopes(Action::ViewCases);
    let status = status.filter(|s| matches!(s.as_str(), "open" | "monitoring" | "closed"));
    app.read(move |c| store::list_cases(c, tenant, &scopes, status.as_deref())).await
}

/// A case's page: the case, its help timeline, its applications and the calendar.
pub struct CaseFile {
    pub case: Case,
    pub help: Vec<HelpRecord>,
    pub applications: Vec<Application>,
    pub calendar: linli_core::workdays::Calendar,
}

/// A case's file as the actor may read it: for a viewer who does not work the case (a
/// building head) the help timeline keeps its dates and kinds but not what was given (amounts,
/// goods, their source), and no applications.
pub async fn case_file(app: &App, actor: &Actor, id: i64) -> Result<CaseFile> {
    let case = load_case(app, actor, id, Action::ViewCases).await?;
    let sensitive = sees_sensitive(actor, &case);
    let mut file = app
        .read(move |c| {
            let cid = case.community_id;
            Ok::<_, Error>(CaseFile {
                help: store::help_of(c, Tenant::new(cid), id)?,
                applications: store::list_applications(c, Tenant::new(cid), Some(id))?,
                calendar: store::calendar(c, Tenant::new(cid))?,
                case,
            })
        })
        .await?;
    if !sensitive {
        for h in &mut file.help {
            h.amount_fen = None;
            h.items = serde_json::Value::Array(Vec::new());
            h.source.clear();
            h.note.clear();
        }
        file.applications.clear();
    }
    Ok(file)
}

/// An application of the actor's community the actor may `action` (404 otherwise, audited).
pub async fn load_application(
    app: &App,
    actor: &Actor,
    id: i64,
    action: Action,
) -> Result<Application> {
    let tenant = actor.tenant()?;
    let a = app.read(move |c| store::get_application(c, tenant, id)).await?;
    actor.require(app, action, &place_at(a.community_id, &a.place_path)).await?;
    Ok(a)
}

/// An application as a viewer who does not work it (a building head) may read it: its clocks
/// and status, not the amount, the household's size, where the authorisation is filed or who
/// surveyed the family (PIPL §28: 低保 amounts are sensitive).
pub fn viewed_application(actor: &Actor, mut a: Application) -> Application {
    if !actor.allowed(Action::ManageCases, Some(&a.place_path)) {
        a.monthly_amount_fen = None;
        a.household_size = None;
        a.authorisation_note.clear();
        for s in &mut a.steps {
            s.investigators.clear();
            s.note.clear();
        }
    }
    a
}

/// The working-day calendar of the actor's community.
pub async fn calendar(app: &App, actor: &Actor) -> Result<linli_core::workdays::Calendar> {
    let tenant = actor.tenant()?;
    app.read(move |c| store::calendar(c, tenant)).await
}

/// A step as planned when an application opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlannedStep {
    pub code: String,
    pub name: String,
    pub due_on: NaiveDate,
    pub rule: String,
    /// Years the due date was counted through without a holiday schedule (weekends only
    /// assumed there; empty when the date is certain).
    pub assumed_years: Vec<i32>,
}

/// An application opened: its id, kind and steps with their due dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ApplicationOpened {
    pub id: i64,
    pub kind: String,
    pub steps: Vec<PlannedStep>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CaseDraft {
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_list_schema::<linli_core::assistance::CaseKind>")]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub needs: Option<String>,
    #[serde(default)]
    #[schemars(
        schema_with = "linli_core::optional_code_schema::<linli_core::assistance::LegalBasis>"
    )]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub conflict_of_interest: bool,
    #[serde(default)]
    pub conflict_note: Option<String>,
    #[serde(default)]
    pub next_review_on: Option<String>,
}

/// An optional date field as typed: empty is `None`, anything else must be a date.
fn optional_date(raw: Option<&str>, field: &'static str) -> Result<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            Ok(Some(linli_core::dates::parse_date(s).ok_or(Error::invalid("date_bad", field))?))
        }
        None => Ok(None),
    }
}

/// Opens a case file on a household (its head when a resident is named).
pub async fn create_case(app: &App, actor: &Actor, d: CaseDraft) -> Result<i64> {
    let tenant = actor.tenant()?;
    let community = tenant.id();
    let kinds = assistance::parse_kinds(&d.kinds).map_err(|e| Error::invalid(e.code(), "kinds"))?;
    if d.summary.trim().is_empty() {
        return Err(Error::invalid("case_summary_missing", "summary"));
    }
    // The case hangs on the household (its head when a resident is named).
    let who = match (d.resident_id, d.household_id) {
        (Some(rid), _) => {
            let r = app
                .read(move |c| registry::get(c, tenant, rid))
                .await
                .map_err(|_| Error::invalid("case_person_missing", "resident_id"))?;
            (Some(r.id), r.household_id, r.place_path, r.community_id)
        }
        (None, Some(hid)) => {
            let (h, head, path) = app
                .read(move |c| {
                    let h = registry::household(c, tenant, hid)?;
                    let members = registry::members(c, tenant, hid)?;
                    let unit = linli_store::places::get(c, h.unit_id)?;
                    Ok::<_, Error>((h, members.first().map(|m| m.0), unit.path))
                })
                .await
                .map_err(|_| Error::invalid("case_person_missing", "household_id"))?;
            (head, Some(h.id), path, h.community_id)
        }
        (None, None) => return Err(Error::invalid("case_person_missing", "resident_id")),
    };
    // (resident, household, where they live, community)
    if who.3 != community {
        return Err(Error::invalid("case_person_missing", "resident_id"));
    }
    actor.require(app, Action::ManageCases, &place_at(community, &who.2)).await?;
    let basis = match d.legal_basis.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(b) => Some(
            assistance::LegalBasis::parse(b)
                .ok_or(Error::invalid("legal_basis_bad", "legal_basis"))?,
        ),
        None => None,
    };
    // PIPL §29: a case recording health or disability names its basis; none is assumed.
    assistance::check_basis(&kinds, basis).map_err(|e| Error::invalid(e.code(), "legal_basis"))?;
    // The other kinds are recorded under the community's duty of assistance.
    let basis = basis.unwrap_or(assistance::LegalBasis::Statutory);
    let consent_on = optional_date(d.consent_on.as_deref(), "consent_on")?;
    // PIPL §29: sensitive hardship (illness, disability) rests on separate consent or a duty.
    if assistance::needs_sensitive_basis(&kinds)
        && basis == assistance::LegalBasis::Consent
        && consent_on.is_none()
    {
        return Err(Error::invalid("consent_date_missing", "consent_on"));
    }
    let review = optional_date(d.next_review_on.as_deref(), "next_review_on")?;
    let input = CaseInput {
        household_id: who.1,
        resident_id: who.0,
        place_path: who.2.as_str().to_string(),
        kinds: kinds.iter().map(|k| k.as_str().to_string()).collect(),
        summary: d.summary.trim().chars().take(4000).collect(),
        needs: d.needs.unwrap_or_default().trim().chars().take(2000).collect(),
        worker_id: actor.user_id(),
        next_review_on: review,
        legal_basis: basis.as_str().to_string(),
        consent_on,
        conflict_of_interest: d.conflict_of_interest,
        conflict_note: d.conflict_note.unwrap_or_default().trim().chars().take(500).collect(),
    };
    app.write(actor, move |tx| {
            let id = store::create_case(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
            tx.audit(tenant, "case.create", "case", id, json!({"kinds": input.kinds, "conflict_of_interest": input.conflict_of_interest, "legal_basis": input.legal_basis}))?;
            Ok(id)
        })
        .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct HelpItem {
    pub name: String,
    #[serde(default)]
    pub quantity: String,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct HelpDraft {
    #[serde(default)]
    pub case_id: i64,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<HelpKind>")]
    pub kind: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub items: Vec<HelpItem>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub participants: Option<String>,
}

/// Adds a help record (cash, goods, a service, a visit) to a case's timeline.
pub async fn add_help(app: &App, actor: &Actor, d: HelpDraft) -> Result<i64> {
    let k = load_case(app, actor, d.case_id, Action::ManageCases)
        .await
        .map_err(|e| e.or_invalid("case_missing", "case_id"))?;
    let kind = HelpKind::parse(&d.kind).ok_or(Error::invalid("help_kind_bad", "kind"))?;
    let on = linli_core::dates::parse_date(&d.on).ok_or(Error::invalid("date_bad", "on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "on"));
    }
    if kind == HelpKind::Cash && d.amount_fen.is_none_or(|a| a <= 0) {
        return Err(Error::invalid("amount_empty", "amount_fen"));
    }
    // The fund's cap holds wherever money is entered.
    if kind == HelpKind::Cash
        && let Some(a) = d.amount_fen
        && let Err(e) = linli_core::fund::Fen::positive(a)
    {
        return Err(Error::invalid(e.code(), "amount_fen"));
    }
    let items: Vec<Value> = d
        .items
        .iter()
        .filter(|i| !i.name.trim().is_empty())
        .map(|i| json!({"name": i.name.trim(), "quantity": i.quantity.trim()}))
        .collect();
    if kind == HelpKind::Goods && items.is_empty() {
        return Err(Error::invalid("items_missing", "items"));
    }
    let input = HelpInput {
        kind: kind.as_str().to_string(),
        given_on: on,
        amount_fen: d.amount_fen.filter(|_| kind == HelpKind::Cash),
        items_json: Value::Array(items).to_string(),
        source: d.source.unwrap_or_default().trim().chars().take(100).collect(),
        note: d.note.unwrap_or_default().trim().chars().take(2000).collect(),
        participants: d.participants.unwrap_or_default().trim().chars().take(200).collect(),
    };
    app.write(actor, move |tx| {
        let id = store::add_help(tx.c, &k, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            Tenant::new(k.community_id),
            "case.help",
            "case",
            k.id,
            json!({"help_id": id, "kind": input.kind, "on": input.given_on}),
        )?;
        Ok(id)
    })
    .await
}

/// A case's next status: `closed` (结案) with the reason it ends, `monitoring` (跟踪观察), or
/// `open` again when a household slips back.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CaseStatusDraft {
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<CaseStatus>")]
    pub status: String,
    /// Why the case ends; required for `closed`.
    #[serde(default)]
    pub reason: String,
}

/// Moves a case to another status (audited with the status before); closing needs a reason.
pub async fn set_case_status(app: &App, actor: &Actor, id: i64, d: CaseStatusDraft) -> Result<()> {
    let k = load_case(app, actor, id, Action::ManageCases).await?;
    let status = assistance::CaseStatus::parse(d.status.trim())
        .ok_or(Error::invalid("case_status_bad", "status"))?;
    if status == k.status {
        return Err(Error::Conflict { code: "case_status_same", field: Some("status") });
    }
    let reason: String = d.reason.trim().chars().take(500).collect();
    if status == assistance::CaseStatus::Closed && reason.is_empty() {
        return Err(Error::invalid("case_close_reason_missing", "reason"));
    }
    let tenant = Tenant::new(k.community_id);
    app.write(actor, move |tx| {
        store::set_case_status(tx.c, tenant, id, status, &reason, tx.actor.now)?;
        tx.audit_change(
            tenant,
            "case.status",
            "case",
            id,
            Some(json!({"status": k.status})),
            json!({"status": status.as_str(), "reason": reason}),
        )
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ApplicationDraft {
    #[serde(default)]
    pub resident_id: i64,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<ApplicationKind>")]
    pub kind: String,
    #[serde(default)]
    pub accepted_on: String,
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub special: bool,
    /// §6: the committee applies for a family that entrusts it; the written authorisation is
    /// recorded with `applications_record_authorisation` before the application goes on.
    #[serde(default)]
    pub entrusted: bool,
    /// The household's size (§24: posted with the amount); may wait for the first review.
    #[serde(default)]
    pub household_size: Option<i64>,
    /// §11: the applicant is a close relative of a 低保 worker or a committee member.
    #[serde(default)]
    pub close_relative: bool,
}

/// Opens a policy application with its steps timed by the working-day calendar.
pub async fn open_application(
    app: &App,
    actor: &Actor,
    d: ApplicationDraft,
) -> Result<ApplicationOpened> {
    let tenant = actor.tenant()?;
    let community = tenant.id();
    let kind =
        ApplicationKind::parse(&d.kind).ok_or(Error::invalid("application_kind_bad", "kind"))?;
    let accepted = linli_core::dates::parse_date(&d.accepted_on)
        .ok_or(Error::invalid("date_bad", "accepted_on"))?;
    if accepted > actor.today() {
        return Err(Error::invalid("date_future", "accepted_on"));
    }
    let rid = d.resident_id;
    let r = app
        .read(move |c| registry::get(c, tenant, rid))
        .await
        .map_err(|_| Error::invalid("case_person_missing", "resident_id"))?;
    actor.require(app, Action::ManageCases, &place_at(community, &r.place_path)).await?;
    if let Some(case_id) = d.case_id {
        cited_case(app, tenant, case_id).await?;
    }
    let household_size = match d.household_size {
        Some(n) => Some(
            assistance::household_size(Some(n))
                .map_err(|e| Error::invalid(e.code(), "household_size"))?,
        ),
        None => None,
    };
    app.write(actor, move |tx| {
        let cal = store::calendar(tx.c, tenant)?;
        let steps = assistance::plan_steps(kind, accepted, &cal, d.special);
        let id = store::create_application(
            tx.c,
            tenant,
            r.id,
            r.household_id,
            d.case_id,
            kind.as_str(),
            accepted,
            d.special,
            d.entrusted,
            &steps,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        store::set_intake(tx.c, tenant, id, household_size, d.close_relative)?;
        tx.audit(
            tenant,
            "application.create",
            "application",
            id,
            json!({"kind": kind.as_str(), "accepted_on": accepted.format("%Y-%m-%d").to_string(),
                   "entrusted": d.entrusted, "close_relative": d.close_relative, "household_size": household_size}),
        )?;
        let steps = steps
            .iter()
            .map(|s| PlannedStep {
                code: s.code.to_string(),
                name: s.name_zh.to_string(),
                due_on: s.due_on,
                rule: s.rule.to_string(),
                assumed_years: cal.assumed_after(accepted, s.due_on),
            })
            .collect();
        Ok(ApplicationOpened {
            id,
            kind: kind.as_str().to_string(),
            steps,
        })
    })
    .await
}

/// A step marked done, with what the 低保 rules ask of some steps.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct StepDraft {
    /// YYYY-MM-DD
    #[serde(default)]
    pub done_on: String,
    #[serde(default)]
    pub note: String,
    /// The household survey's investigators (`survey_start` of 低保: at least two, §16).
    #[serde(default)]
    pub investigators: Vec<String>,
    /// The first review's posting (`first_review_posting` of 低保, §24): the household's size,
    /// unless recorded when the application opened...
    #[serde(default)]
    pub household_size: Option<i64>,
    /// ...and the monthly amount proposed, in fen.
    #[serde(default)]
    pub monthly_amount_fen: Option<i64>,
}

/// Marks one step of an application done on a day. An entrusted application goes on only
/// with the family's written authorisation (§6); a 低保 survey names its two investigators
/// (§16); a 低保 first review records the household's size and monthly amount, and the day
/// it is done is the day its posting goes up (§19, §24).
pub async fn complete_step(
    app: &App,
    actor: &Actor,
    app_id: i64,
    step_id: i64,
    d: StepDraft,
) -> Result<()> {
    let a = load_application(app, actor, app_id, Action::ManageCases).await?;
    let tenant = Tenant::new(a.community_id);
    let on =
        linli_core::dates::parse_date(&d.done_on).ok_or(Error::invalid("date_bad", "done_on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "done_on"));
    }
    let Some(step) = a.steps.iter().find(|s| s.id == step_id) else {
        return Err(Error::NotFound);
    };
    // Done once is done: the second try hears that, not what it lacks.
    if step.done_on.is_some() {
        return Err(Error::conflict("step_done_already"));
    }
    let code = step.code.clone();
    let dibao = a.kind == ApplicationKind::Dibao;
    if assistance::needs_authorisation(a.entrusted, a.authorisation_on.is_some(), &code) {
        return Err(Error::conflict("authorisation_missing"));
    }
    let investigators = if dibao && code == assistance::step::SURVEY_START {
        assistance::parse_investigators(&d.investigators)
            .map_err(|e| Error::invalid(e.code(), "investigators"))?
    } else {
        Vec::new()
    };
    let first_review = if dibao && code == assistance::step::FIRST_REVIEW_POSTING {
        let size = assistance::household_size(d.household_size.or(a.household_size))
            .map_err(|e| Error::invalid(e.code(), "household_size"))?;
        let amount = assistance::posting_amount(d.monthly_amount_fen.or(a.monthly_amount_fen))
            .map_err(|e| Error::invalid(e.code(), "monthly_amount_fen"))?;
        Some((size, amount))
    } else {
        None
    };
    let note: String = d.note.trim().chars().take(500).collect();
    app.write(actor, move |tx| {
        store::complete_step(tx.c, tenant, app_id, step_id, on, &note, &investigators)?;
        if let Some((size, amount)) = first_review {
            store::record_first_review(tx.c, tenant, app_id, size, amount, on)?;
        }
        let mut after = json!({"step_id": step_id, "done_on": on});
        if !investigators.is_empty() {
            after["investigators"] = json!(investigators);
        }
        if let Some((size, amount)) = first_review {
            after["household_size"] = json!(size);
            after["monthly_amount_fen"] = json!(amount);
            after["posting_start_on"] = json!(on);
        }
        tx.audit(tenant, "application.step", "application", app_id, after)
    })
    .await
}

/// Records the street office's or county's decision as it comes: the committee helps apply,
/// it does not decide. A granted 低保 stores its recheck cycle (§31: yearly unless chosen
/// half-yearly) and the first recheck's date.
pub async fn decide_application(
    app: &App,
    actor: &Actor,
    id: i64,
    status: &str,
    decided_on: &str,
    recheck_cycle: Option<&str>,
) -> Result<()> {
    let a = load_application(app, actor, id, Action::ManageCases).await?;
    use assistance::ApplicationStatus as S;
    let status = S::parse(status)
        .filter(|s| *s != S::InProgress)
        .ok_or(Error::invalid("application_status_bad", "status"))?;
    let on = linli_core::dates::parse_date(decided_on)
        .ok_or(Error::invalid("date_bad", "decided_on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "decided_on"));
    }
    let cycle = assistance::parse_recheck_cycle(recheck_cycle)
        .map_err(|e| Error::invalid(e.code(), "recheck_cycle"))?;
    // A withdrawal is the family's own act and needs no authorisation.
    if status != S::Withdrawn
        && assistance::needs_authorisation(
            a.entrusted,
            a.authorisation_on.is_some(),
            assistance::step::DECISION,
        )
    {
        return Err(Error::conflict("authorisation_missing"));
    }
    let recheck = (status == S::Granted && a.kind == ApplicationKind::Dibao)
        .then(|| (cycle.as_str(), assistance::next_recheck(on, cycle)));
    let tenant = Tenant::new(a.community_id);
    app.write(actor, move |tx| {
        store::decide_application(tx.c, tenant, id, status, on)?;
        let mut after = json!({"status": status, "decided_on": on});
        if let Some((cycle, next)) = &recheck {
            store::set_recheck(tx.c, tenant, id, cycle, *next, None)?;
            after["recheck_cycle"] = json!(cycle);
            after["next_recheck_on"] = json!(next);
        }
        tx.audit_change(
            tenant,
            "application.decide",
            "application",
            id,
            Some(json!({"status": a.status})),
            after,
        )
    })
    .await
}

/// A decision as the API records it.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct DecisionDraft {
    /// granted, refused or withdrawn
    #[serde(default)]
    pub status: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub decided_on: String,
    /// For a granted 低保 (§31): `yearly` (the default) or `half_yearly`.
    #[serde(default)]
    #[schemars(
        schema_with = "linli_core::optional_code_schema::<linli_core::assistance::RecheckCycle>"
    )]
    pub recheck_cycle: Option<String>,
}

/// A recheck of a granted 低保 household (§31).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct RecheckDraft {
    /// YYYY-MM-DD
    #[serde(default)]
    pub checked_on: String,
    /// A new cycle when the family's situation changed; the stored one otherwise.
    #[serde(default)]
    #[schemars(
        schema_with = "linli_core::optional_code_schema::<linli_core::assistance::RecheckCycle>"
    )]
    pub recheck_cycle: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// A recheck recorded: when it was done, the cycle, and when the next is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RecheckRecorded {
    pub id: i64,
    pub last_recheck_on: NaiveDate,
    pub recheck_cycle: String,
    pub next_recheck_on: NaiveDate,
}

/// Records a recheck of a granted 低保 household and moves its next recheck on by its cycle.
pub async fn record_recheck(
    app: &App,
    actor: &Actor,
    id: i64,
    d: RecheckDraft,
) -> Result<RecheckRecorded> {
    let a = load_application(app, actor, id, Action::ManageCases).await?;
    if a.kind != ApplicationKind::Dibao || a.status != assistance::ApplicationStatus::Granted {
        return Err(Error::conflict("recheck_not_granted"));
    }
    let given = d.recheck_cycle.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let cycle = assistance::parse_recheck_cycle(given.or(a.recheck_cycle.as_deref()))
        .map_err(|e| Error::invalid(e.code(), "recheck_cycle"))?;
    let on = linli_core::dates::parse_date(&d.checked_on)
        .ok_or(Error::invalid("date_bad", "checked_on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "checked_on"));
    }
    if a.decided_on.is_some_and(|decided| on < decided) {
        return Err(Error::invalid("recheck_before_decision", "checked_on"));
    }
    let out = RecheckRecorded {
        id,
        last_recheck_on: on,
        recheck_cycle: cycle.as_str().to_string(),
        next_recheck_on: assistance::next_recheck(on, cycle),
    };
    let tenant = Tenant::new(a.community_id);
    let note: String = d.note.trim().chars().take(500).collect();
    let done = out.clone();
    app.write(actor, move |tx| {
        store::set_recheck(
            tx.c,
            tenant,
            id,
            &done.recheck_cycle,
            done.next_recheck_on,
            Some(done.last_recheck_on),
        )?;
        tx.audit_change(
            tenant,
            "application.recheck",
            "application",
            id,
            Some(json!({"recheck_cycle": a.recheck_cycle, "next_recheck_on": a.next_recheck_on, "last_recheck_on": a.last_recheck_on})),
            json!({"recheck_cycle": done.recheck_cycle, "next_recheck_on": done.next_recheck_on, "last_recheck_on": done.last_recheck_on, "note": note}),
        )
    })
    .await?;
    Ok(out)
}

/// The family's written authorisation (§6) for an entrusted application.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AuthorisationDraft {
    /// The date on the authorisation, YYYY-MM-DD.
    #[serde(default)]
    pub authorised_on: String,
    /// Where the paper is filed.
    #[serde(default)]
    pub note: String,
}

/// An authorisation recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AuthorisationRecorded {
    pub id: i64,
    pub authorisation_on: NaiveDate,
}

/// Records the written authorisation of an entrusted application (409
/// `application_not_entrusted` on one the family makes itself).
pub async fn record_authorisation(
    app: &App,
    actor: &Actor,
    id: i64,
    d: AuthorisationDraft,
) -> Result<AuthorisationRecorded> {
    let a = load_application(app, actor, id, Action::ManageCases).await?;
    if !a.entrusted {
        return Err(Error::conflict("application_not_entrusted"));
    }
    let on = linli_core::dates::parse_date(&d.authorised_on)
        .ok_or(Error::invalid("date_bad", "authorised_on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "authorised_on"));
    }
    let note: String = d.note.trim().chars().take(200).collect();
    let tenant = Tenant::new(a.community_id);
    app.write(actor, move |tx| {
        store::record_authorisation(tx.c, tenant, id, on, &note)?;
        tx.audit_change(
            tenant,
            "application.authorisation",
            "application",
            id,
            Some(json!({"authorisation_on": a.authorisation_on})),
            json!({"authorisation_on": on, "note": note}),
        )
    })
    .await?;
    Ok(AuthorisationRecorded { id, authorisation_on: on })
}

/// One line of the 公示: only what §24 allows to be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PostingEntry {
    pub name: String,
    pub household_size: Option<i64>,
    pub monthly_amount_fen: Option<i64>,
    pub posting_start_on: NaiveDate,
    pub posting_ends_on: NaiveDate,
}

/// The first-review 公示 up on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Posting {
    pub on: NaiveDate,
    pub community: String,
    pub items: Vec<PostingEntry>,
}

/// The 低保 applications whose first review is posted on `on` (§19: 7 days from the day it
/// went up), with only name, household size and amount (§24). Printing it is audited
/// (`dibao.posting_print`); only the families in the actor's scope are listed.
pub async fn posting(app: &App, actor: &Actor, on: &str) -> Result<Posting> {
    let tenant = actor.tenant()?;
    if !actor.allowed(Action::ManageCases, None) {
        return Err(Error::Forbidden);
    }
    let day = linli_core::dates::parse_date(on).ok_or(Error::invalid("date_bad", "on"))?;
    let from =
        day.checked_sub_days(chrono::Days::new(assistance::DIBAO_POSTING_DAYS - 1)).unwrap_or(day);
    let (fmt_from, fmt_to) =
        (from.format("%Y-%m-%d").to_string(), day.format("%Y-%m-%d").to_string());
    let (community, lines) = app
        .read(move |c| {
            let place = linli_store::places::get(c, tenant.id())?;
            let lines = store::postings_between(c, tenant, &fmt_from, &fmt_to)?;
            Ok::<_, Error>((place.name, lines))
        })
        .await?;
    let items: Vec<PostingEntry> = lines
        .into_iter()
        .filter(|l| actor.allowed(Action::ManageCases, Some(&l.place_path)))
        .filter_map(|l| {
            let start = l.posting_start_on;
            assistance::in_posting(start, day).then(|| PostingEntry {
                name: l.name,
                household_size: l.household_size,
                monthly_amount_fen: l.monthly_amount_fen,
                posting_ends_on: assistance::posting_ends_on(start),
                posting_start_on: l.posting_start_on,
            })
        })
        .collect();
    let count = items.len();
    app.write(actor, move |tx| {
        tx.audit(
            tenant,
            "dibao.posting_print",
            "community",
            tenant.id(),
            json!({"on": day, "families": count}),
        )
    })
    .await?;
    Ok(Posting { on: day, community, items })
}

/// A recheck to remind of: (application id, name, due date, cycle, overdue).
pub type DueRecheck = (i64, String, String, assistance::RecheckCycle, bool);

/// Granted 低保 households whose recheck (§31) is overdue or due within
/// [`assistance::RECHECK_REMIND_DAYS`], inside the actor's scope (home page).
pub async fn due_rechecks(app: &App, actor: &Actor) -> Result<Vec<DueRecheck>> {
    let Some(community) = actor.community_id() else {
        return Ok(Vec::new());
    };
    if !actor.allowed(Action::ManageCases, None) {
        return Ok(Vec::new());
    }
    let today = actor.today();
    let until =
        today.checked_add_days(chrono::Days::new(assistance::RECHECK_REMIND_DAYS)).unwrap_or(today);
    let tenant = Tenant::new(community);
    let due = app.read(move |c| store::rechecks_due(c, tenant, until)).await?;
    Ok(due
        .into_iter()
        .filter(|r| actor.allowed(Action::ManageCases, Some(&r.4)))
        .filter_map(|(id, name, due_on, cycle, _)| {
            let d = linli_core::dates::parse_date(&due_on)?;
            assistance::recheck_reminded(d, today).then(|| {
                (
                    id,
                    name,
                    due_on,
                    assistance::RecheckCycle::parse(&cycle)
                        .unwrap_or(assistance::RecheckCycle::Yearly),
                    d < today,
                )
            })
        })
        .collect())
}

/// The 低保 applications of the actor's scope (the 低保 register; §11 close relatives are
/// listed apart by the page).
pub async fn dibao_register(app: &App, actor: &Actor) -> Result<Vec<Application>> {
    let tenant = actor.tenant()?;
    if !actor.allowed(Action::ManageCases, None) {
        return Err(Error::Forbidden);
    }
    let all = app.read(move |c| store::list_applications(c, tenant, None)).await?;
    Ok(all
        .into_iter()
        .filter(|a| a.kind == ApplicationKind::Dibao)
        .filter(|a| actor.allowed(Action::ManageCases, Some(&a.place_path)))
        .collect())
}

/// An open step due soon: (application id, resident, kind (its code), step, due date, urgency).
pub type DueWork = (i64, String, String, String, NaiveDate, Urgency);

/// Overdue and due-soon steps for the home page, inside the actor's scope.
pub async fn due_work(app: &App, actor: &Actor) -> Result<Vec<DueWork>> {
    let Some(tenant) = actor.community_id().map(Tenant::new) else {
        return Ok(Vec::new());
    };
    if !actor.allowed(Action::ManageCases, None) {
        return Ok(Vec::new());
    }
    let today = actor.today();
    let (cal, due) = app
        .read(move |c| {
            let cal = store::calendar(c, tenant)?;
            let until = cal.add_working_days(today, 2);
            Ok::<_, Error>((cal.clone(), store::steps_due(c, tenant, until)?))
        })
        .await?;
    Ok(due
        .into_iter()
        .filter(|r| actor.allowed(Action::ManageCases, Some(&r.5)))
        .map(|(id, name, kind, step, due_on, _)| {
            let u = assistance::urgency(due_on, false, today, &cal);
            (id, name, kind, step, due_on, u)
        })
        .collect())
}

/// A convenience service station as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct StationDraft {
    pub name: String,
    #[serde(default)]
    pub keeper_resident_id: Option<i64>,
    pub services: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub contact: String,
}

/// Creates a station; the keeper, when named, must be a resident of the community.
pub async fn create_station(app: &App, actor: &Actor, d: StationDraft) -> Result<i64> {
    let tenant = actor.tenant()?;
    if !actor.allowed(Action::ManageCases, None) {
        return Err(Error::Forbidden);
    }
    let name = crate::clip(Some(&d.name), 60);
    if name.is_empty() {
        return Err(Error::invalid("station_name_missing", "name"));
    }
    if d.services.trim().is_empty() {
        return Err(Error::invalid("station_services_missing", "services"));
    }
    // The keeper is a resident the worker looks after (a guessed id names no one).
    if let Some(k) = d.keeper_resident_id {
        let missing = || Error::invalid("case_person_missing", "keeper_resident_id");
        let r = app.read(move |c| registry::get(c, tenant, k)).await.map_err(|_| missing())?;
        if !actor.allowed(Action::ViewResidents, Some(&r.place_path)) {
            return Err(missing());
        }
    }
    let input = StationInput {
        name,
        keeper_resident_id: d.keeper_resident_id,
        services: crate::clip(Some(&d.services), 300),
        hours: crate::clip(Some(&d.hours), 100),
        location: crate::clip(Some(&d.location), 100),
        contact: crate::clip(Some(&d.contact), 40),
    };
    app.write(actor, move |tx| {
        let id = store::create_station(tx.c, tenant, &input, tx.actor.now)?;
        tx.audit(tenant, "station.create", "station", id, json!({"name": input.name}))?;
        Ok(id)
    })
    .await
}

/// The stations of the actor's community.
pub async fn stations(app: &App, actor: &Actor) -> Result<Vec<Station>> {
    let tenant = actor.tenant()?;
    app.read(move |c| store::stations(c, tenant, false)).await
}

/// The public list of stations (no sign-in): the community and what residents may use there.
pub async fn public_stations(
    app: &App,
    actor: &Actor,
    community: Option<String>,
) -> Result<(Place, Vec<Station>)> {
    let signed_in = actor.community_id();
    app.read(move |c| {
        let place = crate::places::public_community(c, signed_in, community.as_deref())?;
        let all = store::stations(c, Tenant::new(place.id), true)?;
        Ok::<_, Error>((place, all))
    })
    .await
}
