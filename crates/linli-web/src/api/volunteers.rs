//! JSON API of groups, volunteers, their service records and certificates, and 双报到 (contract
//! names of issue 16).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::volunteers::{
    self as ops, ActivityDraft, CertificateDraft, Check, CorrectionDraft, GroupDraft, Issued,
    PartyDraft, PartySheet, ServiceDraft, VolunteerDraft, VolunteerRow, VolunteerView,
};
use linli_core::Action;
use linli_store::volunteers::{Correction, Group, Service};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Listed, NewId, created, created_id};

async fn create_group(ctx: Ctx, Json(d): Json<GroupDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_group(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn list_groups(ctx: Ctx) -> Result<Json<Listed<Group>>, AppError> {
    Ok(Listed::of(ops::groups(&ctx.state.app, &ctx.actor()?).await?))
}

async fn create_volunteer(ctx: Ctx, Json(d): Json<VolunteerDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_volunteer(&ctx.state.app, &ctx.actor()?, d).await?))
}

#[derive(Deserialize, JsonSchema, Default)]
struct Search {
    #[serde(default)]
    q: String,
}

async fn list_volunteers(
    ctx: Ctx,
    Query(s): Query<Search>,
) -> Result<Json<Listed<VolunteerRow>>, AppError> {
    Ok(Listed::of(ops::volunteers(&ctx.state.app, &ctx.actor()?, &s.q).await?))
}

async fn get_volunteer(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<VolunteerView>, AppError> {
    Ok(Json(ops::volunteer(&ctx.state.app, &ctx.actor()?, id).await?))
}

async fn create_activity(ctx: Ctx, Json(d): Json<ActivityDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_activity(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn record_service(ctx: Ctx, Json(d): Json<ServiceDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::record_service(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn issue_certificate(
    ctx: Ctx,
    Json(d): Json<CertificateDraft>,
) -> Result<Response, AppError> {
    Ok(created::<Issued>(ops::issue_certificate(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn create_party_member(ctx: Ctx, Json(d): Json<PartyDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_party_member(&ctx.state.app, &ctx.actor()?, d).await?))
}

#[derive(Deserialize, JsonSchema, Default)]
struct QuarterQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    quarter: Option<u32>,
    #[serde(default)]
    partner_id: Option<i64>,
}

async fn party_sheet(
    ctx: Ctx,
    Query(q): Query<QuarterQuery>,
) -> Result<Json<PartySheet>, AppError> {
    let actor = ctx.actor()?;
    let today = actor.today();
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today)).clamp(2000, 2100);
    let quarter = q.quarter.unwrap_or_else(|| linli_core::volunteers::quarter_of(today));
    Ok(Json(ops::party_sheet(&ctx.state.app, &actor, year, quarter, q.partner_id).await?))
}

#[derive(Deserialize, JsonSchema)]
struct SignUpBody {
    #[serde(default)]
    volunteer_id: i64,
}

async fn sign_up(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<SignUpBody>,
) -> Result<Response, AppError> {
    Ok(created_id(ops::sign_up(&ctx.state.app, &ctx.actor()?, id, b.volunteer_id).await?))
}

#[derive(Deserialize, JsonSchema)]
struct CheckBody {
    /// `in` or `out`.
    #[serde(default)]
    #[schemars(extend("enum" = ["in", "out"]))]
    which: String,
    /// The clock time (`HH:MM`); none: now (an activity held today).
    #[serde(default)]
    at: Option<String>,
    /// Why the recording is late, if it is (a check-out credits the hours).
    #[serde(default)]
    late_reason: String,
}

async fn check(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<CheckBody>,
) -> Result<Json<Service>, AppError> {
    let actor = ctx.actor()?;
    // The service first: another community's answers 404 whatever the body says.
    ops::service(&ctx.state.app, &actor, id).await?;
    let which = match b.which.as_str() {
        "in" => Check::In,
        "out" => Check::Out,
        _ => {
            return Err(linli_app::Error::invalid("check_which_bad", "which").into());
        }
    };
    let at = match b.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            chrono::NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| linli_app::Error::invalid("check_time_bad", "at"))?,
        ),
        None => None,
    };
    Ok(Json(ops::check(&ctx.state.app, &actor, id, which, at, &b.late_reason).await?))
}

#[derive(Deserialize, JsonSchema)]
struct HoursBody {
    /// Hours actually served, e.g. 2.5.
    #[serde(default)]
    #[schemars(range(min = 0.1, max = 24))]
    hours: Option<f64>,
    /// Why (required to change credited hours; kept with the change).
    #[serde(default)]
    reason: String,
}

async fn edit_hours(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<HoursBody>,
) -> Result<Json<Service>, AppError> {
    Ok(Json(
        ops::credit_or_edit(
            &ctx.state.app,
            &ctx.actor()?,
            id,
            &b.hours.map(|h| h.to_string()).unwrap_or_default(),
            &b.reason,
        )
        .await?,
    ))
}

async fn ask_correction(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<CorrectionDraft>,
) -> Result<Response, AppError> {
    Ok(created_id(ops::ask_correction(&ctx.state.app, &ctx.actor()?, id, d).await?))
}

#[derive(Deserialize, JsonSchema)]
struct DecideBody {
    /// `accept` (the record changes) or `reject` (with a note she reads).
    #[serde(default)]
    #[schemars(extend("enum" = ["accept", "reject"]))]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide_correction(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<DecideBody>,
) -> Result<Json<Correction>, AppError> {
    Ok(Json(ops::decide_correction(&ctx.state.app, &ctx.actor()?, id, &b.decision, &b.note).await?))
}

async fn my_record(ctx: Ctx) -> Result<Json<Option<VolunteerView>>, AppError> {
    Ok(Json(ops::own_volunteer(&ctx.state.app, &ctx.actor()?).await?))
}

const V: &str = "volunteers";

pub fn routes(t: Table) -> Table {
    t.api(Method::POST, "/api/v1/groups", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<NewId>(V, "groups_create", "Register a group (社团): the literary society, the stamp association, a volunteer team").body::<GroupDraft>(),
        create_group)
    .api(Method::GET, "/api/v1/groups", Policy::Signed(Action::ViewVolunteers),
        ApiDoc::ok::<Listed<Group>>(V, "groups_list", "The community's groups with their members and activities counted"),
        list_groups)
    .api(Method::POST, "/api/v1/volunteers", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<NewId>(V, "volunteers_create", "Register a volunteer with consent (民政部令第67号 §6): a resident, or a person of a partner unit; a minor needs the guardian's consent").body::<VolunteerDraft>(),
        create_volunteer)
    .api(Method::GET, "/api/v1/volunteers", Policy::Signed(Action::ViewVolunteers),
        ApiDoc::ok::<Listed<VolunteerRow>>(V, "volunteers_list", "The volunteer roster with hours (a liaison: its unit's)").query(&[("q", "part of a name or organisation")]),
        list_volunteers)
    .api(Method::GET, "/api/v1/volunteers/{id}", Policy::Signed(Action::ViewVolunteers),
        ApiDoc::ok::<VolunteerView>(V, "volunteers_get", "A volunteer's record: hours, services, certificates, edits and corrections (ID number and phone masked)"),
        get_volunteer)
    .api(Method::POST, "/api/v1/volunteer-activities", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<NewId>(V, "volunteer_activities_create", "Plan or record a volunteer activity; a paid activity or duty credits no hours (§19)").body::<ActivityDraft>(),
        create_activity)
    .api(Method::POST, "/api/v1/volunteer-services", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<NewId>(V, "volunteer_service_record", "Credit the hours a volunteer actually served at an activity (§7); late after 10 working days (§11); 422 paid_not_volunteer on a paid activity").body::<ServiceDraft>(),
        record_service)
    .api(Method::POST, "/api/v1/volunteer-certificates", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<Issued>(V, "volunteer_certificates_create", "Issue a free certificate of the hours credited in a period, verifiable at /public/verify/{code}").body::<CertificateDraft>(),
        issue_certificate)
    .api(Method::POST, "/api/v1/party-members", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::created::<NewId>(V, "party_members_create", "Register an in-service party member reporting to the community (双报到)").body::<PartyDraft>(),
        create_party_member)
    .api(Method::GET, "/api/v1/party-members", Policy::Signed(Action::ViewVolunteers),
        ApiDoc::ok::<PartySheet>(V, "party_members_sheet", "The quarter's 双报到 sheet: each member's activities and hours against the expectation (a liaison: its unit's)")
            .query(&[("year", "the year (default: this year)"), ("quarter", "1-4 (default: this quarter)"), ("partner_id", "one unit only")]),
        party_sheet)
    .api(Method::POST, "/api/v1/volunteer-activities/{id}/sign-up", Policy::Signed(Action::ViewHome),
        ApiDoc::created::<NewId>(V, "volunteer_activities_sign_up", "Sign a volunteer up for an activity (staff: anyone; a volunteer: herself, for a community activity still to come); answers the service's id").body::<SignUpBody>(),
        sign_up)
    .api(Method::POST, "/api/v1/volunteer-services/{id}/check", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::ok::<Service>(V, "volunteer_services_check", "Check a volunteer in or out; the check-out credits the hours between the two (§7)").body::<CheckBody>(),
        check)
    .api(Method::POST, "/api/v1/volunteer-services/{id}/hours", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::ok::<Service>(V, "volunteer_services_hours", "Credit typed hours, or change credited hours with a reason (the change is kept)").body::<HoursBody>(),
        edit_hours)
    .api(Method::POST, "/api/v1/volunteers/{id}/corrections", Policy::Signed(Action::ViewHome),
        ApiDoc::created::<NewId>(V, "volunteer_corrections_create", "The volunteer (or staff for her) asks for a correction of her record (§12)").body::<CorrectionDraft>(),
        ask_correction)
    .api(Method::POST, "/api/v1/volunteer-corrections/{id}/decide", Policy::Signed(Action::ManageVolunteers),
        ApiDoc::ok::<Correction>(V, "volunteer_corrections_decide", "The organiser accepts (the record changes) or rejects a correction request (§13)").body::<DecideBody>(),
        decide_correction)
    .api(Method::GET, "/api/v1/me/volunteer", Policy::Signed(Action::ViewHome),
        ApiDoc::ok::<Option<VolunteerView>>(V, "me_volunteer", "A linked resident's own volunteer record (null when she has none)"),
        my_record)
}
