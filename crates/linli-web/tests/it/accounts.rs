//! Accounts that can be ended (issue 13, item 8): deactivate and reactivate, an administrator's
//! password reset that must be changed at the next sign-in, and signing an account out
//! everywhere — in the API and on the admin's pages, audited, refused outside the admin's
//! community and to everyone else.

use crate::both_engines;
use crate::support::{Engine, PASSWORD, TestApp, app_and_browser, app_and_token, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

both_engines!(
    a_deactivated_account_stops_at_once_and_can_be_restored,
    a_reset_password_must_be_changed_before_anything_else,
    signing_out_everywhere_ends_every_session_but_not_the_account,
    only_an_administrator_of_the_community_ends_accounts_and_never_her_own,
    the_admin_ends_an_account_on_its_page,
    the_new_account_page_says_what_each_role_may_do,
);

/// The status of `GET /api/v1/me` with a token.
async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.api_get(token, "/api/v1/me").await.0
}

async fn token_status(app: &TestApp, user: &str, password: &str) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let v: serde_json::Value = res.json().await.unwrap();
    (status, v["error"]["code"].as_str().unwrap_or("").to_string())
}

async fn a_deactivated_account_stops_at_once_and_can_be_restored(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let mut page = app.signed_in("wangge1").await;
    assert_eq!(me(&app, &worker).await, StatusCode::OK);
    let id = app.user_id("wangge1").await;

    let v = app.act_ok(&admin, &format!("/api/v1/users/{id}/deactivate")).await;
    assert_eq!(v["active"], false);
    assert_eq!(me(&app, &worker).await, StatusCode::UNAUTHORIZED, "the token stops at once");
    let res = page.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the browser is signed out");
    assert!(crate::support::Browser::location(&res).starts_with("/login"));
    assert_eq!(
        token_status(&app, "wangge1", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED,
        "a deactivated account cannot sign in"
    );

    let v = app.act_ok(&admin, &format!("/api/v1/users/{id}/reactivate")).await;
    assert_eq!(v["active"], true);
    assert_eq!(
        token_status(&app, "wangge1", PASSWORD).await.0,
        StatusCode::OK,
        "restored, with the old password"
    );
    assert!(app.audited("user.deactivate").await);
    assert!(app.audited("user.reactivate").await);
}

async fn a_reset_password_must_be_changed_before_anything_else(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let id = app.user_id("wangge1").await;
    let path = format!("/api/v1/users/{id}/reset-password");

    let (status, v) = app.api_post(&admin, &path, json!({"password": "123"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"]["field"], "password");

    let temp = "临时密码换一个2026";
    let v = app.post_ok(&admin, &path, json!({"password": temp})).await;
    assert_eq!(v["must_change_password"], true);
    assert_eq!(me(&app, &worker).await, StatusCode::UNAUTHORIZED, "old tokens end");
    assert_eq!(
        token_status(&app, "wangge1", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(
        token_status(&app, "wangge1", temp).await,
        (StatusCode::FORBIDDEN, "password_change_required".to_string()),
        "no token until the password is changed"
    );

    // The browser signs in with the temporary password and is led to the password form.
    let mut b = app.browser();
    let res = b.login("wangge1", temp).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get("/residents").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::support::Browser::location(&res), "/account/password");
    let html = b.get_ok("/account/password").await;
    assert!(html.contains("管理员已为您重置了密码"), "{html}");
    let csrf = {
        let at = html.find("name=\"_csrf\" value=\"").unwrap();
        let rest = &html[at + 20..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let mine = "我自己的新密码2026";
    b.post_form_redirected(
        "/account/password",
        &[("_csrf", &csrf), ("current", temp), ("new", mine), ("confirm", mine)],
    )
    .await;
    let (status, _) = b.get_text("/residents").await;
    assert_eq!(status, StatusCode::OK, "free to work once changed");
    assert_eq!(token_status(&app, "wangge1", mine).await.0, StatusCode::OK);
    assert!(app.audited("user.password_reset").await);
}

async fn signing_out_everywhere_ends_every_session_but_not_the_account(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let mut page = app.signed_in("wangge1").await;
    let id = app.user_id("wangge1").await;
    // Both were used a moment ago: the instance keeps their callers, and must forget them.
    assert_eq!(me(&app, &worker).await, StatusCode::OK);
    assert_eq!(page.get("/").await.status(), StatusCode::OK);
    let v = app.act_ok(&admin, &format!("/api/v1/users/{id}/revoke-sessions")).await;
    assert_eq!(v["revoked"], 2, "the token and the browser session");
    assert_eq!(me(&app, &worker).await, StatusCode::UNAUTHORIZED);
    assert_eq!(page.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        token_status(&app, "wangge1", PASSWORD).await.0,
        StatusCode::OK,
        "the account itself still works"
    );
    assert!(app.audited("user.sessions_revoked").await);
}

async fn only_an_administrator_of_the_community_ends_accounts_and_never_her_own(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let id = app.user_id("wangge1").await;
    let admin_id = app.user_id("admin").await;
    let worker = app.token("wangge1").await;
    let louzhang = app.user_id("louzhang").await;
    let (status, _) = app.api_act(&worker, &format!("/api/v1/users/{louzhang}/deactivate")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a worker ends no account");

    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    for op in ["deactivate", "reactivate", "revoke-sessions"] {
        let (status, _) = app.api_act(&other, &format!("/api/v1/users/{id}/{op}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{op}: another community's account");
    }
    let (status, _) = app
        .api_post(
            &other,
            &format!("/api/v1/users/{id}/reset-password"),
            json!({"password": "别人的密码2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(me(&app, &worker).await, StatusCode::OK, "untouched");

    let admin = app.token("admin").await;
    let (status, v) = app.api_act(&admin, &format!("/api/v1/users/{admin_id}/deactivate")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "user_self");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("另一位管理员"),
        "the refusal says why: {v}"
    );
    assert_eq!(me(&app, &admin).await, StatusCode::OK);
}

async fn the_admin_ends_an_account_on_its_page(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let id = app.user_id("wangge1").await;
    let worker = app.token("wangge1").await;
    let mut b = app.signed_in("admin").await;
    let html = b.get_ok("/users").await;
    assert!(html.contains(&format!("href=\"/users/{id}\"")), "each account links to its page");
    let html = b.get_ok(&format!("/users/{id}")).await;
    assert!(html.contains("停用账号") && html.contains("重置密码"));
    let csrf = b.csrf().await;
    b.post_form_redirected(&format!("/users/{id}/deactivate"), &[("_csrf", &csrf)]).await;
    assert_eq!(me(&app, &worker).await, StatusCode::UNAUTHORIZED);
    let (_, html) = b.get_text(&format!("/users/{id}")).await;
    assert!(html.contains("账号已停用"), "the flash says so");
    assert!(html.contains("重新启用"));
    let res = b
        .post_form(&format!("/users/{id}/reset-password"), &[("_csrf", &csrf), ("password", "1")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a weak password is shown on the form"
    );
}

/// Issue 13 item 5: the rule per record kind is said where an account is given its role: the
/// worker's grid bounds residents and cases, while the employment station and the classes are
/// community-wide; the building head sees no sensitive tags.
async fn the_new_account_page_says_what_each_role_may_do(engine: Engine) {
    let Some((_app, mut page)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let html = page.get_ok("/users/new").await;
    assert!(html.contains("id=\"role-help\""), "{html}");
    assert!(html.contains("就业服务站和课程培训面向全社区"));
    assert!(html.contains("不显示低保、残疾等敏感标签"));
    for role in linli_core::Role::ALL {
        assert!(
            !html.contains(&format!("users.role_desc.{}", role.as_str())),
            "words for {role:?}"
        );
    }
}
