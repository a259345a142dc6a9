//! The place tree (street › community › grid › building › unit): list, create, rename, move.
//! Places are scoped by their path: an actor sees and changes only places within its grants.

use crate::{Actor, App, Error, Result, Tx};
use linli_core::{Action, PlaceKind};
use linli_store::Tenant;
use linli_store::places::{self, Place};
use serde_json::{Value, json};

/// What a scope check needs of an object that lives at `path` (a resident, a case, an issue):
/// the place it lies in, in its community.
pub fn at(community_id: i64, path: &linli_core::PlacePath) -> Place {
    Place {
        id: community_id,
        kind: PlaceKind::Unit,
        name: String::new(),
        parent_id: None,
        community_id: Some(community_id),
        path: path.clone(),
    }
}

/// The place tree within the actor's scopes for `action`.
pub async fn list(app: &App, actor: &Actor, action: Action) -> Result<Vec<Place>> {
    let scopes = actor.scopes(action);
    app.read(move |c| places::list_within(c, &scopes)).await
}

/// One place the actor may see (404 outside its scope, audited).
pub async fn get(app: &App, actor: &Actor, action: Action, id: i64) -> Result<Place> {
    let place = app.read(move |c| places::get(c, id)).await?;
    actor.require(app, action, &place).await?;
    Ok(place)
}

fn audit_place(tx: &mut Tx<'_>, action: &str, place: &Place, before: Option<Value>) -> Result<()> {
    let after = json!({"kind": place.kind, "name": place.name, "parent_id": place.parent_id});
    match place.community_id {
        Some(cid) => tx.audit_change(Tenant::new(cid), action, "place", place.id, before, after),
        None => tx.audit_global(action, "place", place.id, after),
    }
}

/// The parent a new or moved place is to hang under, looked up in the actor's own community:
/// a place of another community answers exactly as one that does not exist
/// (`place_parent_missing`), not 404, which would confirm that the id is a place somewhere.
async fn parent(app: &App, actor: &Actor, parent_id: i64) -> Result<Place> {
    let missing = |e: Error| e.or_invalid("place_parent_missing", "parent_id");
    let tenant = actor.tenant().map_err(missing)?;
    let parent = app.read(move |c| places::get_in(c, tenant, parent_id)).await.map_err(missing)?;
    actor.require(app, Action::ManagePlaces, &parent).await?;
    Ok(parent)
}

/// Creates a place under `parent_id`. Communities and streets are created by `linli init`, so a
/// parent is required here.
pub async fn create(
    app: &App,
    actor: &Actor,
    kind: PlaceKind,
    name: &str,
    parent_id: Option<i64>,
) -> Result<Place> {
    let parent_id = parent_id.ok_or(Error::invalid("place_parent_required", "parent_id"))?;
    parent(app, actor, parent_id).await?;
    let name = name.to_string();
    app.write(actor, move |tx| {
        let place = places::create(tx.c, kind, &name, Some(parent_id), tx.actor.now)?;
        audit_place(tx, "place.create", &place, None)?;
        Ok(place)
    })
    .await
}

pub async fn rename(app: &App, actor: &Actor, id: i64, name: &str) -> Result<Place> {
    let place = get(app, actor, Action::ManagePlaces, id).await?;
    let name = name.to_string();
    app.write(actor, move |tx| {
        let before = json!({"name": place.name});
        let renamed = places::rename(tx.c, id, &name, tx.actor.now)?;
        audit_place(tx, "place.rename", &renamed, Some(before))?;
        Ok(renamed)
    })
    .await
}

pub async fn move_place(app: &App, actor: &Actor, id: i64, parent_id: i64) -> Result<Place> {
    let place = get(app, actor, Action::ManagePlaces, id).await?;
    parent(app, actor, parent_id).await?;
    app.write(actor, move |tx| {
        let before = json!({"parent_id": place.parent_id});
        let moved = places::move_to(tx.c, id, parent_id, tx.actor.now)?;
        audit_place(tx, "place.move", &moved, Some(before))?;
        Ok(moved)
    })
    .await
}

/// A place's page: the place, its ancestors, its subtree and the places of its community (the
/// targets a move may pick).
pub struct Detail {
    pub place: Place,
    pub trail: Vec<Place>,
    pub subtree: Vec<Place>,
    pub community: Vec<Place>,
}

pub async fn detail(app: &App, actor: &Actor, id: i64) -> Result<Detail> {
    let place = get(app, actor, Action::ViewPlaces, id).await?;
    app.read(move |c| {
        let trail = places::ancestors(c, &place)?;
        let subtree = places::list_within(c, std::slice::from_ref(&place.path))?;
        let community = match place.community_id {
            Some(cid) => {
                let root = places::get(c, cid)?.path;
                places::list_within(c, &[root])?
            }
            None => Vec::new(),
        };
        Ok::<_, Error>(Detail { place, trail, subtree, community })
    })
    .await
}

/// The community a public page is about: the one named, else the signed-in actor's own, else
/// the only community of the deployment (`community_required` when there are several).
pub fn public_community(
    c: &mut dyn linli_store::Conn,
    actor_community: Option<i64>,
    name: Option<&str>,
) -> Result<Place> {
    match (name, actor_community) {
        (Some(n), _) => places::find_community(c, n)?.ok_or(Error::NotFound),
        (None, Some(id)) => Ok(places::get(c, id)?),
        (None, None) => {
            places::only_community(c)?.ok_or(Error::invalid("community_required", "community"))
        }
    }
}

/// The community's contact phone as the public portal shows it (empty until set).
pub async fn contact_phone(app: &App, community: Tenant) -> Result<String> {
    app.read(move |c| places::contact_phone(c, community)).await
}

/// Sets the community's contact phone (an administrator's setting; a mobile or a landline such
/// as `0453-6251234`, checked like the registry's phones; empty clears it). Audited as
/// `community.contact_phone`.
pub async fn set_contact_phone(app: &App, actor: &Actor, phone: &str) -> Result<String> {
    let tenant = actor.tenant()?;
    let community = app.read(move |c| places::get(c, tenant.id())).await?;
    actor.require(app, Action::ManagePlaces, &community).await?;
    let phone = match phone.trim() {
        "" => String::new(),
        p => linli_core::roster::parse_phone(p)
            .map_err(|_| Error::invalid("phone_bad", "contact_phone"))?,
    };
    let before = contact_phone(app, tenant).await?;
    app.write(actor, move |tx| {
        places::set_contact_phone(tx.c, tenant, &phone, tx.actor.now)?;
        tx.audit_change(
            tenant,
            "community.contact_phone",
            "place",
            tenant.id(),
            Some(json!({"contact_phone": before})),
            json!({"contact_phone": phone}),
        )?;
        Ok(phone)
    })
    .await
}
