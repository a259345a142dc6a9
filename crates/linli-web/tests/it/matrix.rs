//! The permission matrix, generated from the route table (issue 13): every signed GET route —
//! pages and JSON — called over the whole demo community (its liaison acts for a partner unit)
//! by each of the six demo roles and by a second community's administrator. A route without a path parameter answers the caller when the role permits
//! the route's action (`linli_core::authz::role_permits`) and 403 when it does not (404 to a
//! resident, who learns nothing of what she may not open); a route
//! naming an object by id answers the other community's administrator 404 for every object of
//! the demo community, whatever the id. Every JSON write is refused to each role the policy does
//! not permit it, and by id finds nothing of the demo community for the other administrator.
//! The number of cases is printed (`--nocapture`).

use crate::both_engines;
use crate::support::{Engine, PASSWORD, spawn_demo_app};
use linli_core::authz::role_permits;
use linli_core::{Action, Role};
use linli_web::{Policy, operations};
use reqwest::{Method, StatusCode};

both_engines!(every_route_answers_each_role_as_the_policy_says);

const USERS: [(&str, Role); 6] = [
    ("admin", Role::Admin),
    ("wangge1", Role::Worker),
    ("louzhang", Role::BuildingHead),
    ("gongjian", Role::Partner),
    ("jijin", Role::Finance),
    ("jumin", Role::Resident),
];

/// A signed-in caller: a bearer token for `/api`, a session cookie for pages.
struct Caller {
    name: &'static str,
    role: Role,
    token: String,
    cookie: String,
}

async fn sign_in(app: &crate::support::TestApp, name: &'static str, role: Role) -> Caller {
    let mut b = app.browser();
    let res = b.login(name, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name} signs in");
    let cookie = b.cookie_header();
    Caller { name, role, token: app.token(name).await, cookie }
}

async fn get(app: &crate::support::TestApp, c: &Caller, path: &str) -> StatusCode {
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let req = client.request(Method::GET, format!("{}{path}", app.base));
    let req = if path.starts_with("/api/") {
        req.bearer_auth(&c.token)
    } else {
        req.header("cookie", &c.cookie)
    };
    req.send().await.unwrap().status()
}

/// A JSON write as the caller, with the fields some bodies require (so that the body's shape
/// is not what answers) and nothing else.
async fn send(app: &crate::support::TestApp, c: &Caller, method: Method, path: &str) -> StatusCode {
    reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(&c.token)
        .json(&serde_json::json!({"step_id": 1, "done_on": "2026-01-05", "reason": "核对", "password": "Xx-2026-check-pw"}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn every_route_answers_each_role_as_the_policy_says(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    app.second_community("dongfeng").await;
    let mut callers = Vec::new();
    for (name, role) in USERS {
        callers.push(sign_in(&app, name, role).await);
    }
    let other = sign_in(&app, "dongfeng", Role::Admin).await;
    let state =
        linli_web::AppState::new(app.db.clone(), app.clock.clone(), linli_web::Config::default());
    let routes: Vec<(String, Action)> = operations(state)
        .iter()
        .filter(|o| o.method == Method::GET)
        .filter_map(|o| match o.policy {
            Policy::Signed(a) => Some((o.path.to_string(), a)),
            Policy::Public => None,
        })
        .collect();
    let mut cases = 0;
    let mut wrong = Vec::new();
    for (path, action) in &routes {
        if path.contains('{') {
            // Objects of the demo community, by the ids they are likely to have.
            for id in 1..=3 {
                let concrete: String = path
                    .split('/')
                    .map(|s| if s.starts_with('{') { id.to_string() } else { s.to_string() })
                    .collect::<Vec<_>>()
                    .join("/");
                let status = get(&app, &other, &concrete).await;
                cases += 1;
                if status != StatusCode::NOT_FOUND {
                    wrong.push(format!("{} GET {concrete}: {status}, expected 404", other.name));
                }
            }
            continue;
        }
        for c in callers.iter().chain(std::iter::once(&other)) {
            let status = get(&app, c, path).await;
            cases += 1;
            // A copy of one's own data is there for an account linked to a resident's record
            // (the demo's resident); every other account is told why not (403 `not_linked`).
            let own_data = path.ends_with("/me/export");
            // The street's pages are a street account's: every account here is a community's,
            // and is refused them (403) where its role would read reports.
            let street = path.starts_with("/street") || path.starts_with("/api/v1/street");
            let permitted =
                role_permits(c.role, *action) && (!own_data || c.role == Role::Resident) && !street;
            // A resident is told nothing exists where she may not look (her neighbours'
            // records included); every other role is told it may not.
            let refused = if c.role == Role::Resident && !own_data {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            let ok = if permitted {
                status.is_success() || status == StatusCode::SEE_OTHER
            } else {
                status == refused
            };
            if !ok {
                wrong.push(format!(
                    "{} ({:?}) GET {path} [{}]: {status}, expected {}",
                    c.name,
                    c.role,
                    action.as_str(),
                    if permitted { "2xx".to_string() } else { refused.as_u16().to_string() }
                ));
            }
        }
    }
    // A resident's record by id, inside the community: every route that names one agrees with
    // the role's scope. The record the role lists first answers as the policy says; a record
    // of the community outside the role's places (the first its record route does not find)
    // is 404 on every route, or 403 where the role may not take the route at all.
    let resident_routes: Vec<&(String, Action)> = routes
        .iter()
        .filter(|(p, _)| {
            p.starts_with("/residents/{id}") || p.starts_with("/api/v1/residents/{id}")
        })
        .collect();
    let all_ids =
        app.ints("SELECT id FROM residents WHERE status = 'active' ORDER BY id LIMIT 400").await;
    for c in &callers {
        if !role_permits(c.role, Action::ViewResidents) {
            continue;
        }
        let (_, list) = app.api_get(&c.token, "/api/v1/residents").await;
        let inside = list["items"][0]["id"].as_i64().expect("a resident in scope");
        let mut outside = None;
        for id in &all_ids {
            if get(&app, c, &format!("/api/v1/residents/{id}")).await == StatusCode::NOT_FOUND {
                outside = Some(*id);
                break;
            }
        }
        for (id, within) in std::iter::once((inside, true)).chain(outside.map(|o| (o, false))) {
            for (path, action) in &resident_routes {
                let concrete = path.replace("{id}", &id.to_string());
                let status = get(&app, c, &concrete).await;
                cases += 1;
                let permitted = role_permits(c.role, *action);
                let ok = match (permitted, within) {
                    (false, _) => status == StatusCode::FORBIDDEN,
                    (true, true) => status.is_success() || status == StatusCode::SEE_OTHER,
                    (true, false) => status == StatusCode::NOT_FOUND,
                };
                if !ok {
                    wrong.push(format!(
                        "{} ({:?}) GET {concrete} [{}] ({}): {status}",
                        c.name,
                        c.role,
                        action.as_str(),
                        if within { "inside its places" } else { "outside its places" }
                    ));
                }
            }
        }
    }
    // Every JSON write: refused, before anything is read or written, to each role the policy
    // does not permit it (403; 404 to a resident); by id, the other community's administrator
    // finds nothing of the demo community (404). Permitted writes are the modules' own tests.
    let writes: Vec<(Method, String, Action)> = operations(linli_web::AppState::new(
        app.db.clone(),
        app.clock.clone(),
        linli_web::Config::default(),
    ))
    .iter()
    .filter(|o| o.method != Method::GET && o.path.starts_with("/api/"))
    .filter_map(|o| match o.policy {
        Policy::Signed(a) => Some((o.method.clone(), o.path.to_string(), a)),
        Policy::Public => None,
    })
    .collect();
    for (method, path, action) in &writes {
        let by_id = path.contains('{');
        let concrete: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "1".to_string() } else { s.to_string() })
            .collect::<Vec<_>>()
            .join("/");
        for c in callers.iter().chain(std::iter::once(&other)) {
            let permitted = role_permits(c.role, *action);
            let expected = if !permitted {
                if c.role == Role::Resident { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN }
            } else if by_id && c.name == other.name {
                StatusCode::NOT_FOUND
            } else {
                continue;
            };
            let status = send(&app, c, method.clone(), &concrete).await;
            cases += 1;
            if status != expected {
                wrong.push(format!(
                    "{} ({:?}) {method} {concrete} [{}]: {status}, expected {}",
                    c.name,
                    c.role,
                    action.as_str(),
                    expected.as_u16()
                ));
            }
        }
    }
    println!(
        "permission matrix: {cases} cases over {} GET routes and {} JSON writes, 7 callers",
        routes.len(),
        writes.len()
    );
    assert!(wrong.is_empty(), "{} of {cases} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}
