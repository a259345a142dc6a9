//! A resident claims her registry record for her account (issue 14): her ID number and phone
//! must both match one active record of her community; a worker who may edit that record
//! confirms the link (or rejects it with the reason she reads). Until then she sees nothing of
//! the record. Attempts are counted so that an account cannot search the registry by guessing.

use crate::{Actor, App, Error, Result};
use linli_core::claims::{self as rules, ClaimStatus};
use linli_core::{Action, Role};
use linli_store::Tenant;
use linli_store::claims::{self as store, Claim};
use linli_store::users;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ClaimDraft {
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
}

/// Where her claim stands: the one waiting for a worker, and the last one decided.
pub struct Standing {
    pub pending: Option<Claim>,
    pub decided: Option<Claim>,
}

fn resident_account(actor: &Actor) -> Result<(i64, Tenant)> {
    if !actor.grants().iter().any(|g| g.role == Role::Resident) {
        return Err(Error::Forbidden);
    }
    let user = actor.user_id().ok_or(Error::Unauthenticated)?;
    Ok((user, actor.tenant()?))
}

/// Files a claim: answers the pending claim, or refuses in words that do not tell which of
/// the two values was wrong.
pub async fn claim(app: &App, actor: &Actor, d: ClaimDraft) -> Result<Claim> {
    let (user, t) = resident_account(actor)?;
    if crate::me::own_record(app, actor).await?.is_some() {
        return Err(Error::Conflict { code: "claim_linked", field: None });
    }
    let since = actor.now - chrono::Duration::hours(24);
    let (made, pending) = app
        .read(move |c| {
            Ok::<_, Error>((store::attempts_since(c, user, since)?, store::pending_of(c, user)?))
        })
        .await?;
    if pending.is_some() {
        return Err(Error::Conflict { code: "claim_pending", field: None });
    }
    if !rules::may_attempt(made) {
        return Err(Error::Refused { code: "claim_too_many" });
    }
    let found = match rules::normalise(&d.id_number, &d.phone) {
        Some((id, phone)) => {
            app.read(move |c| {
                let rid = store::matching_resident(c, t, &id, &phone)?;
                Ok::<_, Error>(match rid {
                    Some(rid) => Some((rid, users::account_of_resident(c, t, rid)?.is_some())),
                    None => None,
                })
            })
            .await?
        }
        None => None,
    };
    let (resident, taken) = match found {
        Some((rid, taken)) => (Some(rid), taken),
        None => (None, false),
    };
    let status =
        if resident.is_some() && !taken { ClaimStatus::Pending } else { ClaimStatus::Unmatched };
    let id = app
        .write(actor, move |tx| {
            let id =
                store::record(tx.c, t, user, resident.filter(|_| !taken), status, tx.actor.now)?;
            tx.audit(t, "claim.request", "user", user, json!({"claim_id": id, "status": status}))?;
            Ok(id)
        })
        .await?;
    match (resident, taken) {
        (None, _) => Err(Error::invalid("claim_no_match", "id_number")),
        (Some(_), true) => Err(Error::Conflict { code: "claim_taken", field: None }),
        (Some(_), false) => app.read(move |c| store::get(c, t, id)).await,
    }
}

/// Her claim's standing (nothing for an account that is not a resident's).
pub async fn standing(app: &App, actor: &Actor) -> Result<Standing> {
    let Ok((user, _)) = resident_account(actor) else {
        return Ok(Standing { pending: None, decided: None });
    };
    app.read(move |c| {
        Ok::<_, Error>(Standing {
            pending: store::pending_of(c, user)?,
            decided: store::last_decided_of(c, user)?,
        })
    })
    .await
}

/// Claims waiting for the actor: records she may edit.
pub async fn pending(app: &App, actor: &Actor) -> Result<Vec<Claim>> {
    let Ok(t) = actor.tenant() else {
        return Ok(Vec::new());
    };
    let scopes = actor.scopes(Action::ManageResidents);
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    app.read(move |c| store::pending_within(c, t, &scopes)).await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct DecideDraft {
    /// `confirm` (link the account to the record) or `reject`.
    #[serde(default)]
    pub decision: String,
    /// Why not (required to reject; she reads it).
    #[serde(default)]
    pub note: String,
}

/// Confirms (links the account to the record) or rejects a pending claim.
pub async fn decide(app: &App, actor: &Actor, id: i64, d: DecideDraft) -> Result<Claim> {
    let t = actor.tenant()?;
    let k = app.read(move |c| store::get(c, t, id)).await?;
    actor.require(app, Action::ManageResidents, &crate::places::at(t.id(), &k.place_path)).await?;
    let note: String = d.note.trim().chars().take(300).collect();
    let status = match d.decision.as_str() {
        "confirm" => ClaimStatus::Confirmed,
        "reject" if note.chars().count() >= 2 => ClaimStatus::Rejected,
        "reject" => return Err(Error::invalid("claim_reason_missing", "note")),
        _ => return Err(Error::invalid("claim_decision_bad", "decision")),
    };
    let (user, resident) = (k.user_id, k.resident_id);
    app.write(actor, move |tx| {
        if !store::decide(tx.c, t, id, status, &note, tx.actor.user_id(), tx.actor.now)? {
            return Err(Error::Conflict { code: "claim_decided", field: None });
        }
        if status == ClaimStatus::Confirmed {
            // One account per resident, one record per account.
            if users::account_of_resident(tx.c, t, resident)?.is_some()
                || users::linked_resident(tx.c, user)?.is_some()
            {
                return Err(Error::Conflict { code: "claim_taken", field: None });
            }
            users::link_resident(tx.c, t, user, resident, tx.actor.user_id(), tx.actor.now)?;
        }
        tx.audit_change(
            t,
            "claim.decide",
            "user",
            user,
            Some(json!({"status": "pending"})),
            json!({"claim_id": id, "status": status, "resident_id": resident, "note": note}),
        )
    })
    .await?;
    app.read(move |c| store::get(c, t, id)).await
}
