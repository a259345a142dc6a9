//! The signed-in person's own view: who she is, what she may open, and — for a resident whose
//! account is linked to her registry record — her household, courses and reports, and a copy of
//! everything held about her (PIPL §45 查阅、复制).
//!
//! A resident's link is her authority here: these operations read her own record through the
//! link, never by an id she sends, so no request of hers can name a neighbour.

use crate::{Actor, App, Error, Result};
use chrono::NaiveDate;
use chrono::TimeZone;
use linli_core::partners::{AffairStatus, Rating};
use linli_core::roster::ResidentStatus;
use linli_core::{Action, Role};
use linli_store::affairs::{self, Affair};
use linli_store::learning::{self, CourseHistory};
use linli_store::registry::{self, Resident};
use linli_store::{Tenant, audit};
use linli_store::{privacy, users};
use serde::Serialize;
use serde_json::json;

/// The resident an account is linked to, as `me_get` names her.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkedResident {
    pub id: i64,
    pub name: String,
    pub household_id: Option<i64>,
}

/// A page the account may open, by what it is for (`rel`, stable) and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Link {
    pub rel: &'static str,
    pub href: String,
}

/// The staff pages, each with the permission that opens it: a link is offered only where the
/// account holds that permission somewhere, so no link it is given answers 403.
const STAFF_LINKS: &[(&str, &str, Action)] = &[
    ("residents", "/residents", Action::ViewResidents),
    ("places", "/places", Action::ViewPlaces),
    ("corridors", "/corridors", Action::ViewCorridors),
    ("cases", "/cases", Action::ViewCases),
    ("visits", "/visits", Action::ViewCases),
    ("fund", "/fund", Action::ViewFund),
    ("courses", "/courses", Action::ViewLearning),
    ("employment", "/employment", Action::ViewEmployment),
    ("partners", "/partners", Action::ViewPartners),
    ("affairs", "/affairs", Action::ViewAffairs),
    ("volunteers", "/volunteers", Action::ViewVolunteers),
    ("reports", "/reports", Action::ViewReports),
    ("users", "/users", Action::ViewUsers),
    ("audit", "/audit", Action::ViewAudit),
];

/// What every account may open, and what a resident (or the public) is offered.
const OWN_LINKS: &[(&str, &str)] = &[("home", "/"), ("password", "/account/password")];
const PUBLIC_LINKS: &[(&str, &str)] = &[
    ("portal", "/public"),
    ("report", "/public/report"),
    ("progress", "/public/affairs"),
    ("catalogue", "/public/courses"),
    ("disclosure", "/disclosure/fund"),
    ("stations", "/public/stations"),
];

/// The account as `me_get` answers it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Me {
    pub user: MeUser,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resident: Option<LinkedResident>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MeUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The role of the account's first grant (an account holds one role in practice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// The links an account is offered, in menu order (pure: from its grants alone).
pub fn links_for(actor: &Actor, linked: bool) -> Vec<Link> {
    let link = |rel: &'static str, href: &str| Link { rel, href: href.to_string() };
    let mut out: Vec<Link> = OWN_LINKS.iter().map(|(rel, href)| link(rel, href)).collect();
    // A liaison's partner pages are its own unit's (none until it is given one).
    let liaison =
        !actor.grants().is_empty() && actor.grants().iter().all(|g| g.role == Role::Partner);
    out.extend(
        STAFF_LINKS.iter().filter(|(_, _, action)| !actor.scopes(*action).is_empty()).filter_map(
            |(rel, href, _)| match (*rel, liaison, actor.partner_unit()) {
                ("partners", true, Some(unit)) => Some(link(rel, &format!("/partners/{unit}"))),
                ("partners", true, None) => None,
                _ => Some(link(rel, href)),
            },
        ),
    );
    if actor.is_resident_only() {
        if linked {
            out.push(link("export", "/me/export"));
        }
        out.extend(PUBLIC_LINKS.iter().map(|(rel, href)| link(rel, href)));
    }
    out
}

/// The signed-in account, its linked resident if any, and the pages it may open.
pub async fn me(app: &App, actor: &Actor) -> Result<Me> {
    let user = actor.user().cloned().ok_or(Error::Unauthenticated)?;
    let linked = own_record(app, actor).await?;
    let resident = linked.as_ref().map(|r| LinkedResident {
        id: r.id,
        name: r.name.clone(),
        household_id: r.household_id,
    });
    Ok(Me {
        links: links_for(actor, resident.is_some()),
        user: MeUser {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: actor.grants().first().map(|g| g.role),
        },
        resident,
    })
}

/// The registry record the actor's account is linked to, if any (an active or closed record
/// of the actor's own community; an anonymised one is no longer hers to read).
pub async fn own_record(app: &App, actor: &Actor) -> Result<Option<Resident>> {
    let Some(uid) = actor.user_id() else {
        return Ok(None);
    };
    let Ok(own) = actor.tenant() else {
        return Ok(None);
    };
    app.read(move |c| {
        let Some((t, rid)) = users::linked_resident(c, uid)? else {
            return Ok(None);
        };
        if t != own {
            return Ok(None);
        }
        let r = registry::get(c, t, rid)?;
        Ok::<_, Error>((r.status != ResidentStatus::Anonymized).then_some(r))
    })
    .await
}

/// A member of her household as she sees it: name and relation to the head.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Member {
    pub name: String,
    pub relation: String,
    pub status: ResidentStatus,
}

/// A resident's own page: her record, her household as registered, her courses and her reports.
pub struct Overview {
    pub resident: Resident,
    pub members: Vec<Member>,
    pub courses: Vec<CourseHistory>,
    pub reports: Vec<Affair>,
}

fn members_of(c: &mut dyn linli_store::Conn, r: &Resident) -> Result<Vec<Member>> {
    Ok(match r.household_id {
        Some(h) => registry::members(c, Tenant::new(r.community_id), h)?
            .into_iter()
            .filter(|(id, ..)| *id != r.id)
            .map(|(_, name, relation, status)| Member { name, relation, status })
            .collect(),
        None => Vec::new(),
    })
}

/// Her own page's content; `None` when the account is not linked to a record.
pub async fn overview(app: &App, actor: &Actor) -> Result<Option<Overview>> {
    let Some(resident) = own_record(app, actor).await? else {
        return Ok(None);
    };
    let t = Tenant::new(resident.community_id);
    app.read(move |c| {
        let members = members_of(c, &resident)?;
        let (courses, _) = learning::history_of(c, t, resident.id)?;
        let reports = affairs::reported_by(c, t, resident.id)?;
        Ok::<_, Error>(Some(Overview { resident, members, courses, reports }))
    })
    .await
}

/// An issue she reported, as her copy shows it (no staff names, no callback phone).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyReport {
    #[serde(rename = "ref")]
    pub public_ref: String,
    pub category: String,
    pub description: String,
    pub status: AffairStatus,
    pub reported_on: NaiveDate,
    pub resolved_on: Option<NaiveDate>,
    pub resolution: String,
    pub rating: Option<Rating>,
}

/// Who did what with her record, and when (PIPL §44: she may know how it is handled).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Handling {
    pub at: linli_core::clock::Stamp,
    pub by: String,
    pub action: String,
    /// The words for `action` (filled in the reader's language by the web layer).
    pub action_label: String,
    /// Which record of hers was handled: resident, case, application, disbursement …
    pub object_kind: String,
    /// The words for `object_kind`.
    pub object_label: String,
}

impl From<privacy::Handled> for Handling {
    /// An audit record about the person, its words left for the reader's language.
    fn from(h: privacy::Handled) -> Self {
        Handling {
            at: h.at,
            by: h.by,
            action: h.action,
            action_label: String::new(),
            object_kind: h.object_kind,
            object_label: String::new(),
        }
    }
}

/// Everything held about her, as `me_export` hands it over: her record in full (it is hers:
/// nothing masked), her household's members, her courses, her reports, and the record of every
/// handling of her file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyData {
    /// When the copy was made (UTC, RFC 3339).
    pub exported_at: String,
    pub community: String,
    pub resident: Resident,
    pub household: Vec<Member>,
    pub courses: Vec<CourseHistory>,
    pub reports: Vec<MyReport>,
    pub handling: Vec<Handling>,
    /// Every record of hers in every module (cases, help, applications, fund payments,
    /// enrolments, neighbour card …), one section each, empty ones included.
    pub sections: Vec<privacy::Section>,
}

/// A copy of everything held about the linked resident; audited as `resident.self_export`.
/// An account without a linked record finds nothing (`not_linked`).
pub async fn export(app: &App, actor: &Actor) -> Result<MyData> {
    let Some(resident) = own_record(app, actor).await? else {
        return Err(Error::Refused { code: "not_linked" });
    };
    let community = actor.community.as_ref().map(|c| c.1.clone()).unwrap_or_default();
    let exported_at = actor.now.to_rfc3339();
    app.write(actor, move |tx| {
        let t = Tenant::new(resident.community_id);
        let id = resident.id;
        let household = members_of(tx.c, &resident)?;
        let (courses, _) = learning::history_of(tx.c, t, id)?;
        let reports = affairs::reported_by(tx.c, t, id)?
            .into_iter()
            .map(|a| MyReport {
                public_ref: a.public_ref,
                category: a.category,
                description: a.description,
                status: a.status,
                reported_on: a.reported_on,
                resolved_on: a.resolved_on,
                resolution: a.resolution,
                rating: a.rating,
            })
            .collect();
        let handling = privacy::handled(tx.c, t, id)?.into_iter().map(Handling::from).collect();
        let sections = privacy::gather(tx.c, t, id)?;
        tx.audit(t, "resident.self_export", "resident", id, json!({"reason": "PIPL §45"}))?;
        Ok(MyData {
            exported_at,
            community,
            resident,
            household,
            courses,
            reports,
            handling,
            sections,
        })
    })
    .await
}

/// The figures a staff home page shows, each only to whom may open what it counts: residents
/// and households within the actor's roster scope, the place tree's size to those who see the
/// tree, accounts by role to those who manage accounts, today's audit records to those who read
/// the log.
pub struct Figures {
    pub residents: Option<(i64, i64)>,
    pub places: Option<Vec<(linli_core::PlaceKind, i64)>>,
    pub roles: Option<Vec<(Role, i64)>>,
    pub today: Option<i64>,
    pub recent: Vec<audit::Record>,
}

pub async fn figures(app: &App, actor: &Actor) -> Result<Figures> {
    let Ok(t) = actor.tenant() else {
        return Ok(Figures {
            residents: None,
            places: None,
            roles: None,
            today: None,
            recent: Vec::new(),
        });
    };
    let roster = actor.scopes(Action::ViewResidents);
    let places = actor.allowed(Action::ViewPlaces, None);
    let roles = actor.allowed(Action::ViewUsers, None);
    let log = actor.allowed(Action::ViewAudit, None);
    // Midnight in Shanghai, as UTC.
    let midnight = actor
        .today()
        .and_hms_opt(0, 0, 0)
        .map(|m| chrono::Utc.from_utc_datetime(&(m - chrono::Duration::hours(8))));
    app.read(move |c| {
        Ok::<_, Error>(Figures {
            residents: match roster.is_empty() {
                true => None,
                false => Some(registry::count_active_within(c, t, &roster)?),
            },
            places: match places {
                true => Some(linli_store::places::count_by_kind(c, t)?),
                false => None,
            },
            roles: match roles {
                true => Some(users::count_by_role(c, t)?),
                false => None,
            },
            today: match (log, midnight) {
                (true, Some(m)) => Some(audit::count_since(c, t, m)?),
                _ => None,
            },
            recent: match log {
                true => audit::list(c, t, 1, 8)?.0,
                false => Vec::new(),
            },
        })
    })
    .await
}
