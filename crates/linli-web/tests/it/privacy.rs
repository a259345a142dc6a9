//! Masks that cannot be undone (issue 13, item 2): what is shown beside a masked ID number (the
//! birth date) does not restore it, and a search by digits cannot grow a phone or ID number one
//! digit at a time for a caller who may not reveal it.

use crate::both_engines;
use crate::support::{Engine, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::Value;

both_engines!(
    the_id_mask_and_the_birth_date_beside_it_do_not_restore_the_number,
    a_building_head_cannot_grow_a_number_digit_by_digit,
);

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

async fn the_id_mask_and_the_birth_date_beside_it_do_not_restore_the_number(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    for user in ["admin", "wangge1", "louzhang"] {
        let token = app.token(user).await;
        let (status, body) = app
            .api(&token, Method::GET, "/api/v1/residents", None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let items = body["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{user} sees residents");
        for r in items {
            let Some(masked) = r["id_number"].as_str() else {
                continue;
            };
            assert!(
                digits(masked).len() <= 4,
                "{user}: {masked} shows more than the last four digits beside birth date {}",
                r["birth_date"]
            );
        }
    }
    let mut b = app.signed_in("admin").await;
    let (_, html) = b.get_text("/residents").await;
    let region: String = app
        .db
        .read(|c| {
            c.query_one(
                "SELECT id_number FROM residents WHERE name = '夏胜林'",
                linli_store::params![],
            )?
            .text(0)
        })
        .await
        .unwrap();
    assert!(
        !html.contains(&format!("{}*", &region[..6])),
        "the roster shows no region code before the stars"
    );
}

/// The numbers a building head finds with a query.
async fn found(app: &crate::support::TestApp, token: &str, q: &str) -> Vec<Value> {
    let (status, body) = app
        .api(
            token,
            Method::GET,
            &format!("/api/v1/residents?q={q}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn a_building_head_cannot_grow_a_number_digit_by_digit(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let token = app.token("louzhang").await;
    let (_, body) = app
        .api(&token, Method::GET, "/api/v1/residents", None)
        .await;
    let phone: String = app
        .db
        .read(|c| {
            c.query_one(
                "SELECT phone FROM residents WHERE name = '夏胜林'",
                linli_store::params![],
            )?
            .text(0)
        })
        .await
        .unwrap();
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "夏胜林"),
        "夏胜林 lives in the building head's building"
    );
    let last4 = &phone[phone.len() - 4..];
    let with_last4 = found(&app, &token, last4).await.len();
    assert!(with_last4 >= 1, "the last four digits find him");
    // One more digit in front, right or wrong, finds exactly the same: nothing is learnt.
    for d in 0..10 {
        let q = format!("{d}{last4}");
        assert_eq!(
            found(&app, &token, &q).await.len(),
            with_last4,
            "{q}: a fifth digit must not narrow the search"
        );
    }
    assert!(
        found(&app, &token, &last4[1..]).await.is_empty(),
        "three digits find no one"
    );
    // The administrator, who may reveal, searches by longer suffixes.
    let admin = app.token("admin").await;
    let right = &phone[phone.len() - 6..];
    assert!(!found(&app, &admin, right).await.is_empty());
}
