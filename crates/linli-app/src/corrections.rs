//! Correction requests (个人信息保护法 §46): a resident linked to her record asks for a
//! correction; the workers who may edit her record see it, correct the record and close the
//! request, or decline it with the reason she reads on her page.

use crate::{Actor, App, Error, Result};
use linli_core::Action;
use linli_core::corrections::{self as rules, CorrectionField, CorrectionStatus, Refusal};
use linli_store::Tenant;
use linli_store::corrections::{self as store, Correction};
use serde::Deserialize;
use serde_json::json;

fn refused(r: Refusal) -> Error {
    Error::invalid(r.code, r.field)
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CorrectionDraft {
    /// Which part of the record is wrong.
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<CorrectionField>")]
    pub field: String,
    /// What is wrong and what is right, in her words.
    #[serde(default)]
    pub message: String,
}

/// A linked resident asks for a correction of her own record; answers the request's id.
pub async fn request(app: &App, actor: &Actor, d: CorrectionDraft) -> Result<i64> {
    let Some(r) = crate::me::own_record(app, actor).await? else {
        return Err(Error::Refused { code: "not_linked" });
    };
    let (field, message) = rules::request(&d.field, &d.message).map_err(refused)?;
    let t = Tenant::new(r.community_id);
    app.write(actor, move |tx| {
        let id = store::create(
            tx.c,
            t,
            r.id,
            tx.actor.user_id(),
            field.as_str(),
            &message,
            tx.actor.now,
        )?;
        tx.audit(
            t,
            "correction.request",
            "resident",
            r.id,
            json!({"request_id": id, "field": field.as_str()}),
        )?;
        Ok(id)
    })
    .await
}

/// Her own requests, newest first (empty for an account not linked to a record).
pub async fn mine(app: &App, actor: &Actor) -> Result<Vec<Correction>> {
    let Some(r) = crate::me::own_record(app, actor).await? else {
        return Ok(Vec::new());
    };
    let t = Tenant::new(r.community_id);
    app.read(move |c| store::of_resident(c, t, r.id)).await
}

/// The open requests of the residents whose records the actor may edit, oldest first.
pub async fn open(app: &App, actor: &Actor) -> Result<Vec<Correction>> {
    let Ok(t) = actor.tenant() else {
        return Ok(Vec::new());
    };
    let scopes = actor.scopes(Action::ManageResidents);
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    app.read(move |c| store::open_within(c, t, &scopes)).await
}

/// A resident's requests, for the workers who may edit her record (empty for others).
pub async fn of_resident(
    app: &App,
    actor: &Actor,
    resident: &linli_store::registry::Resident,
) -> Result<Vec<Correction>> {
    if !actor.allowed(Action::ManageResidents, Some(&resident.place_path)) {
        return Ok(Vec::new());
    }
    let (t, id) = (Tenant::new(resident.community_id), resident.id);
    app.read(move |c| store::of_resident(c, t, id)).await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ResolveDraft {
    /// `done` (the record was corrected) or `declined`.
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<CorrectionStatus>")]
    pub outcome: String,
    /// What was done, or why not (required to decline; the resident reads it).
    #[serde(default)]
    pub note: String,
}

/// Closes a request: the worker may edit the resident's record (404 otherwise), the request
/// is open, a refusal gives its reason.
pub async fn resolve(app: &App, actor: &Actor, id: i64, d: ResolveDraft) -> Result<Correction> {
    let t = actor.tenant()?;
    let q = app.read(move |c| store::get(c, t, id)).await?;
    actor.require(app, Action::ManageResidents, &crate::places::at(t.id(), &q.place_path)).await?;
    let (outcome, note) = rules::resolve(q.status, &d.outcome, &d.note).map_err(|r| {
        if r.code == "correction_resolved" {
            Error::Conflict { code: r.code, field: Some(r.field) }
        } else {
            refused(r)
        }
    })?;
    let resident = q.resident_id;
    app.write(actor, move |tx| {
        if !store::resolve(tx.c, t, id, outcome, &note, tx.actor.user_id(), tx.actor.now)? {
            return Err(Error::Conflict { code: "correction_resolved", field: Some("status") });
        }
        tx.audit_change(
            t,
            "correction.resolve",
            "resident",
            resident,
            Some(json!({"status": "open"})),
            json!({"request_id": id, "status": outcome.as_str(), "note": note}),
        )
    })
    .await?;
    app.read(move |c| store::get(c, t, id)).await
}

/// The resident a request is about, for a worker who may edit her record (the way back).
pub async fn resident_of(app: &App, actor: &Actor, id: i64) -> Result<i64> {
    let t = actor.tenant()?;
    let q = app.read(move |c| store::get(c, t, id)).await?;
    if !actor.allowed(Action::ManageResidents, Some(&q.place_path)) {
        return Err(Error::NotFound);
    }
    Ok(q.resident_id)
}
