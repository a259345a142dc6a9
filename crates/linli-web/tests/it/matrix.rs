//! The permission matrix, generated from the route table (issue 13): every signed GET route —
//! pages and JSON — called over the whole demo community (its liaison acts for a partner unit)
//! by each of the six demo roles and by a second community's administrator. A route without a path parameter answers the caller when the role permits
//! the route's action (`linli_core::authz::role_permits`) and 403 when it does not (404 to a
//! resident, who learns nothing of what she may not open); a route
//! naming an object by id answers the other community's administrator 404 for every object of
//! the demo community, whatever the id. The number of cases is printed (`--nocapture`).

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
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    Caller {
        name,
        role,
        token: app.token(name).await,
        cookie,
    }
}

async fn get(app: &crate::support::TestApp, c: &Caller, path: &str) -> StatusCode {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let req = client.request(Method::GET, format!("{}{path}", app.base));
    let req = if path.starts_with("/api/") {
        req.bearer_auth(&c.token)
    } else {
        req.header("cookie", &c.cookie)
    };
    req.send().await.unwrap().status()
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
    let state = linli_web::AppState::new(
        app.db.clone(),
        app.clock.clone(),
        linli_web::Config::default(),
    );
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
                    .map(|s| {
                        if s.starts_with('{') {
                            id.to_string()
                        } else {
                            s.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                let status = get(&app, &other, &concrete).await;
                cases += 1;
                if status != StatusCode::NOT_FOUND {
                    wrong.push(format!(
                        "{} GET {concrete}: {status}, expected 404",
                        other.name
                    ));
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
            let permitted =
                role_permits(c.role, *action) && (!own_data || c.role == Role::Resident);
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
                    if permitted {
                        "2xx".to_string()
                    } else {
                        refused.as_u16().to_string()
                    }
                ));
            }
        }
    }
    println!(
        "permission matrix: {cases} cases over {} GET routes, 7 callers",
        routes.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
