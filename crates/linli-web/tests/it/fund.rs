use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_browser, app_and_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    donations_wait_for_the_meeting_decision_and_get_gap_free_receipts,
    a_retried_donation_with_the_same_key_is_recorded_once,
    twenty_simultaneous_retries_on_two_instances_all_get_the_first_answer,
    a_gift_or_payment_changed_in_the_database_breaks_the_ledger,
    a_payment_needs_two_approvers_other_than_the_requester,
    fifty_simultaneous_payments_never_overdraw_the_fund,
    a_reversal_corrects_an_entry_once_and_cannot_be_reversed,
    the_public_disclosure_names_only_consenting_donors_and_masks_recipients,
    the_fund_pages_work,
    the_indicators_read_the_ledger_and_say_what_is_unavailable,
    the_fund_keeper_approves_from_her_home_page,
    a_reversal_in_the_browser_is_a_confirmed_step_with_its_reason,
    a_meeting_without_its_quorum_is_refused_with_the_arithmetic,
    the_quorum_is_computed_from_the_numbers_and_a_sent_one_is_ignored,
    a_gift_received_before_the_decision_is_refused_naming_its_day,
    the_disclosure_prints_the_day_it_was_posted_not_today,
    the_statement_closes_each_month_where_its_disclosure_does,
);

/// The demo community with an admin's token, its fund set up by the residents' meeting.
async fn app_with_fund_decided(engine: Engine) -> Option<(TestApp, String)> {
    let (app, admin) = app_and_token(engine, "admin").await?;
    decide(&app, &admin).await;
    Some((app, admin))
}

async fn decide(app: &TestApp, admin: &str) {
    app.created(admin, "/api/v1/fund/decisions", json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 150, "attendance": 86, "resolution": "成立爱心基金"})).await;
}

async fn give(app: &TestApp, token: &str, fen: i64, publish: bool) -> Value {
    let mi = app.resident_id("米丽芳").await;
    app.created(token, "/api/v1/fund/donations", json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": fen, "method": "cash", "received_on": "2026-11-20", "publish_name": publish})).await
}

async fn balance(app: &TestApp, token: &str) -> i64 {
    app.api_get(token, "/api/v1/fund/balance").await.1["balance_fen"].as_i64().unwrap()
}

/// `approve` or `pay` on the disbursement `id` as the bearer of `token`.
async fn disbursement(app: &TestApp, token: &str, id: i64, action: &str) -> (StatusCode, Value) {
    app.api_act(token, &format!("/api/v1/fund/disbursements/{id}/{action}")).await
}

/// A request by the worker, approved by admin and the fund keeper: ready to pay.
async fn approved_request(app: &TestApp, fen: i64) -> i64 {
    let worker = app.token("wangge1").await;
    let xia = app.resident_id("夏胜林").await;
    let id = app.fund_request(&worker, xia, fen).await;
    for approver in ["admin", "jijin"] {
        let t = app.token(approver).await;
        let (status, body) = disbursement(app, &t, id, "approve").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    id
}

/// A request by the worker, approved and paid by the fund keeper.
async fn paid_request(app: &TestApp, fen: i64) -> i64 {
    let id = approved_request(app, fen).await;
    let keeper = app.token("jijin").await;
    let (status, _) = disbursement(app, &keeper, id, "pay").await;
    assert_eq!(status, StatusCode::OK);
    id
}

async fn donations_wait_for_the_meeting_decision_and_get_gap_free_receipts(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let mi = app.resident_id("米丽芳").await;
    let body = app.post_refused(&admin, "/api/v1/fund/donations", json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": 20000, "method": "cash", "received_on": "2026-11-20", "publish_name": true}), StatusCode::CONFLICT, "no_fund_decision").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("居民会议"));
    decide(&app, &admin).await;
    let a = give(&app, &admin, 20000, true).await;
    let b = give(&app, &admin, 5000, false).await;
    assert_eq!(a["receipt_no"], "2026-0001");
    assert_eq!(b["receipt_no"], "2026-0002");
    assert_eq!(balance(&app, &admin).await, 25000);
    let (status, _) = app
        .api_post(&admin, "/api/v1/fund/donations", json!({"donor_kind": "person", "donor_name": "王先生", "amount_fen": -5, "method": "cash", "received_on": "2026-11-20"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let _ = app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "person", "donor_name": "粮油店", "amount_fen": 30000, "method": "in_kind", "items": "米 20kg", "received_on": "2026-11-21"})).await;
    let (_, bal) = app.api_get(&admin, "/api/v1/fund/balance").await;
    assert_eq!(bal["balance_fen"], 25000, "goods never count as money");
    assert_eq!(bal["goods_fen"], 30000);
}

async fn a_retried_donation_with_the_same_key_is_recorded_once(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    let send = || {
        reqwest::Client::new()
            .post(format!("{}/api/v1/fund/donations", app.base))
            .bearer_auth(&admin)
            .header("idempotency-key", "receipt-book-17")
            .json(&json!({"donor_kind": "anonymous", "amount_fen": 10000, "method": "cash", "received_on": "2026-11-20"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(first, again, "the retry gets the first answer");
    assert_eq!(balance(&app, &admin).await, 10000, "and records nothing twice");

    let id = approved_request(&app, 4000).await;
    let keeper = app.token("jijin").await;
    let pay = || {
        reqwest::Client::new()
            .post(format!("{}/api/v1/fund/disbursements/{id}/pay", app.base))
            .bearer_auth(&keeper)
            .header("idempotency-key", "pay-1")
            .send()
    };
    let first = pay().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = pay().await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.json::<Value>().await.unwrap()["status"], "paid");
    assert_eq!(balance(&app, &admin).await, 6000);
}

/// Sends one request 20 times at once, alternating between two instances on one database,
/// and gives each answer's status and body.
async fn twenty_at_once(
    bases: [String; 2],
    token: &str,
    path: &str,
    key: &'static str,
    body: Option<Value>,
) -> Vec<(StatusCode, Value)> {
    let mut tasks = Vec::new();
    for i in 0..20 {
        let url = format!("{}{path}", bases[i % 2]);
        let token = token.to_string();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut req =
                reqwest::Client::new().post(url).bearer_auth(token).header("idempotency-key", key);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let res = req.send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Issue 18 (1): on PostgreSQL the key was looked up before any lock, so under READ COMMITTED
/// late retries missed it: 500s on the key's primary key, 409 already_paid for a payment.
async fn twenty_simultaneous_retries_on_two_instances_all_get_the_first_answer(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    let second = app.second_instance().await;
    let bases = [app.base.clone(), second.base.clone()];
    let gift = json!({"donor_kind": "anonymous", "amount_fen": 10000, "method": "cash", "received_on": "2026-11-20"});
    let answers = twenty_at_once(
        bases.clone(),
        &admin,
        "/api/v1/fund/donations",
        "book-3-page-12",
        Some(gift.clone()),
    )
    .await;
    let (status, first) = answers[0].clone();
    assert_eq!(status, StatusCode::CREATED, "{first}");
    for (s, body) in &answers {
        assert_eq!((*s, body), (status, &first), "every retry gets the first answer");
    }
    assert_eq!(balance(&app, &admin).await, 10000, "one gift recorded");

    // The same key with another amount is refused, not answered with the first receipt.
    let mut other = gift.clone();
    other["amount_fen"] = json!(20000);
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/fund/donations", app.base))
        .bearer_auth(&admin)
        .header("idempotency-key", "book-3-page-12")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_key_reused", "{body}");
    assert_eq!(balance(&app, &admin).await, 10000);

    let id = approved_request(&app, 4000).await;
    let keeper = app.token("jijin").await;
    let answers = twenty_at_once(
        bases,
        &keeper,
        &format!("/api/v1/fund/disbursements/{id}/pay"),
        "pay-once",
        None,
    )
    .await;
    let (status, first) = answers[0].clone();
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["status"], "paid");
    for (s, body) in &answers {
        assert_eq!((*s, body), (status, &first), "no retry is told already_paid");
    }
    assert_eq!(balance(&app, &admin).await, 6000, "paid once");
}

/// Runs one statement directly in the database (as someone with the file or a login would).
async fn sql(app: &TestApp, statement: &'static str, id: i64) {
    app.execute(statement, linli_store::params![id]).await;
}

/// What `linli verify` says of the fund ledgers: `None` when intact, else the break.
async fn ledger_break(app: &TestApp) -> Option<String> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || linli_store::fund::verify(&db).unwrap())
        .await
        .unwrap()
        .broken
        .map(|(_, b)| b.to_string())
}

/// Issue 18 (2): only the postings were sealed; a gift's amount or donor, a payment's
/// beneficiary or the receipt counter could be changed and `verify` still passed while the
/// disclosure showed the altered figures.
async fn a_gift_or_payment_changed_in_the_database_breaks_the_ledger(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    let gift = give(&app, &admin, 20000, true).await;
    let gift_id = gift["id"].as_i64().unwrap();
    let id = paid_request(&app, 4000).await;
    assert_eq!(ledger_break(&app).await, None, "intact as written");

    let cases: [(&str, &'static str, &'static str, i64); 4] = [
        (
            "a gift's amount",
            "UPDATE fund_donations SET amount_fen = amount_fen * 10 WHERE id = ?",
            "UPDATE fund_donations SET amount_fen = amount_fen / 10 WHERE id = ?",
            gift_id,
        ),
        (
            "a gift's donor",
            "UPDATE fund_donations SET donor_name = donor_name || '某' WHERE id = ?",
            "UPDATE fund_donations SET donor_name = SUBSTR(donor_name, 1, LENGTH(donor_name) - 1) WHERE id = ?",
            gift_id,
        ),
        (
            "a payment's beneficiary",
            "UPDATE fund_disbursements SET beneficiary_resident_id = beneficiary_resident_id + 1 WHERE id = ?",
            "UPDATE fund_disbursements SET beneficiary_resident_id = beneficiary_resident_id - 1 WHERE id = ?",
            id,
        ),
        (
            "the receipt counter",
            "UPDATE fund_receipt_counters SET last_no = last_no + 1 WHERE community_id = (SELECT community_id FROM fund_donations WHERE id = ?)",
            "UPDATE fund_receipt_counters SET last_no = last_no - 1 WHERE community_id = (SELECT community_id FROM fund_donations WHERE id = ?)",
            gift_id,
        ),
    ];
    for (what, change, undo, row) in cases {
        sql(&app, change, row).await;
        let broken = ledger_break(&app).await;
        assert!(broken.is_some(), "verify notices {what}");
        sql(&app, undo, row).await;
        assert_eq!(ledger_break(&app).await, None, "intact again once {what} is put back");
    }

    // The receipt and the month's disclosure carry the ledger's record number and check code.
    let mut b = app.signed_in("admin").await;
    let page = b.get_ok(&format!("/fund/donations/{gift_id}/receipt")).await;
    assert!(page.contains("账本记录第1笔，校验码"), "{page}");
    let (_, page) = b.get_text("/disclosure/fund?month=2026-11").await;
    assert!(page.contains("账本校验：截至第2笔，校验码"), "{page}");
}

async fn a_payment_needs_two_approvers_other_than_the_requester(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 50000, true).await;
    let xia = app.resident_id("夏胜林").await;
    let (_, body) = app
        .api_post(
            &admin,
            "/api/v1/fund/disbursements",
            json!({"beneficiary_resident_id": xia, "amount_fen": 20000, "purpose": "medical"}),
        )
        .await;
    assert_eq!(body["status"], "pending");
    let id = body["id"].as_i64().unwrap();
    let (status, body) = disbursement(&app, &admin, id, "approve").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "self_approval");
    let keeper = app.token("jijin").await;
    let (_, body) = disbursement(&app, &keeper, id, "approve").await;
    assert_eq!(body["status"], "pending", "one approval is not enough");
    let (status, body) = disbursement(&app, &keeper, id, "approve").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_approved");
    let (status, body) = disbursement(&app, &keeper, id, "pay").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "not_approved");
    let worker = app.token("wangge1").await;
    let (status, _) = disbursement(&app, &worker, id, "approve").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a worker does not approve");
    // A second finance/admin user completes the two-person rule.
    let _ = app.created(&admin, "/api/v1/users", json!({"username": "zhaoyuan", "password": "基金复核2026", "role": "finance", "scope_place_id": app.place_id("community", "Xx社区").await})).await;
    let second = app.token_with("zhaoyuan", "基金复核2026").await;
    let (_, body) = disbursement(&app, &second, id, "approve").await;
    assert_eq!(body["status"], "approved");
    let (status, body) = disbursement(&app, &keeper, id, "pay").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "paid");
    assert_eq!(balance(&app, &admin).await, 30000);
}

async fn fifty_simultaneous_payments_never_overdraw_the_fund(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 10000, true).await;
    let mut ids = Vec::new();
    for _ in 0..50 {
        ids.push(approved_request(&app, 8000).await);
    }
    // Two instances on the same database pay at the same moment.
    let second = app.second_instance().await;
    let keeper = app.token("jijin").await;
    let mut tasks = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let base = if i % 2 == 0 { app.base.clone() } else { second.base.clone() };
        let token = keeper.clone();
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/fund/disbursements/{id}/pay"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }));
    }
    let mut ok = 0;
    let mut refused = 0;
    for t in tasks {
        let res = t.await.unwrap();
        match res.status() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(
                    res.json::<Value>().await.unwrap()["error"]["code"],
                    "insufficient_funds"
                );
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, refused), (1, 49));
    assert_eq!(balance(&app, &admin).await, 2000);
}

async fn a_reversal_corrects_an_entry_once_and_cannot_be_reversed(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 20000, true).await;
    let keeper = app.token("jijin").await;
    let (_, entries) = app.api_get(&keeper, "/api/v1/fund/entries").await;
    let tx = entries["items"][0]["id"].as_i64().unwrap();
    let (status, body) = app
        .api_post(&keeper, &format!("/api/v1/fund/entries/{tx}/reverse"), json!({"reason": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {body}");
    let body = app
        .created(
            &keeper,
            &format!("/api/v1/fund/entries/{tx}/reverse"),
            json!({"reason": "重复登记"}),
        )
        .await;
    let rev = body["id"].as_i64().unwrap();
    assert_eq!(balance(&app, &admin).await, 0);
    app.post_refused(
        &keeper,
        &format!("/api/v1/fund/entries/{tx}/reverse"),
        json!({"reason": "再来一次"}),
        StatusCode::CONFLICT,
        "already_reversed",
    )
    .await;
    app.post_refused(
        &keeper,
        &format!("/api/v1/fund/entries/{rev}/reverse"),
        json!({"reason": "撤销冲正"}),
        StatusCode::CONFLICT,
        "reverse_of_reversal",
    )
    .await;
    // The ledger refuses edits at the database itself.
    let refused = app
        .db
        .write(|c| c.execute("UPDATE fund_postings SET amount_fen = 1", linli_store::params![]))
        .await;
    assert!(refused.is_err());
    let v = tokio::task::spawn_blocking({
        let db = app.db.clone();
        move || linli_store::fund::verify(&db).unwrap()
    })
    .await
    .unwrap();
    assert!(v.broken.is_none());
    assert_eq!(v.chains[0].1, 2);
}

async fn the_public_disclosure_names_only_consenting_donors_and_masks_recipients(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 30000, true).await;
    let mi = app.resident_id("米丽芳").await;
    let _ = app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "person", "donor_name": "不愿具名的王先生", "amount_fen": 10000, "method": "wechat", "received_on": "2026-11-21", "publish_name": false})).await;
    paid_request(&app, 8000).await;
    let month = crate::support::start_time().format("%Y-%m").to_string();
    let res = app.public_get(&format!("/api/v1/fund/disclosure?month={month}")).await;
    assert_eq!(res.status(), StatusCode::OK, "public, no sign-in");
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["income_fen"], 40000);
    assert_eq!(d["spending_fen"], 8000);
    let text = d.to_string();
    assert!(text.contains("米丽芳"), "named with consent");
    assert!(!text.contains("王先生") && text.contains("爱心人士"), "no name without consent");
    assert!(text.contains("夏**") && !text.contains("夏胜林"), "recipients masked");
    let phone = app
        .text_with(
            "SELECT COALESCE(phone, '') FROM residents WHERE id = ?",
            linli_store::params![mi],
        )
        .await;
    assert!(phone.is_empty() || !text.contains(&phone));
    let html = app.public_text(&format!("/disclosure/fund?month={month}")).await;
    assert!(html.contains("夏**") && html.contains("爱心人士") && !html.contains("夏胜林"));
    assert!(
        html.contains("公示期") && html.contains("本年累计") && html.contains("居民会议决定"),
        "posting period, year so far, basis"
    );
    assert_eq!(d["year_to_date"]["spending_fen"], 8000);
    assert_eq!(d["income_by_kind"].as_array().unwrap().len(), 2, "residents and other people: {d}");
}

async fn the_fund_pages_work(engine: Engine) {
    let Some((app, mut admin)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let html = admin.get_ok("/fund").await;
    assert!(html.contains("居民会议"), "the decision comes first");
    let csrf = admin.csrf().await;
    admin
        .post_form_redirected(
            "/fund/decision",
            &[
                ("_csrf", &csrf),
                ("decided_on", "2011-03-15"),
                ("basis", "households"),
                ("eligible", "150"),
                ("attendance", "86"),
                ("resolution", "成立爱心基金"),
            ],
        )
        .await;
    let (mut worker, csrf) = app.signed_in_with_csrf("wangge1").await;
    let receipt = worker
        .post_form_redirected(
            "/fund/donations",
            &[
                ("_csrf", &csrf),
                ("donor_kind", "person"),
                ("donor_name", "市电业局"),
                ("amount_yuan", "1,000.50"),
                ("method", "bank_transfer"),
                ("received_on", "2026-11-20"),
            ],
        )
        .await;
    let html = worker.get_ok(&receipt).await;
    assert!(html.contains("2026-0001") && html.contains("1,000.50") && html.contains("市电业局"));
    assert!(html.contains("银行转账"), "the method, in Chinese");
    // In English the method reads in English too (labels come from the catalogue).
    worker.cookies.push(("linli_lang".into(), "en".into()));
    let (_, html) = worker.get_text(&receipt).await;
    assert!(html.contains("Bank transfer") && !html.contains("银行转账"), "{html}");
    worker.cookies.retain(|(k, _)| k != "linli_lang");
    assert!(
        worker
            .post_form_answered(
                "/fund/donations",
                &[
                    ("_csrf", &csrf),
                    ("donor_kind", "person"),
                    ("donor_name", "x"),
                    ("amount_yuan", "12.345"),
                    ("method", "cash"),
                    ("received_on", "2026-11-20"),
                ],
                StatusCode::UNPROCESSABLE_ENTITY
            )
            .await
            .contains("最多两位小数")
    );
    let mut keeper = app.signed_in("jijin").await;
    let html = keeper.get_ok("/fund/statement?year=2026").await;
    assert!(
        html.contains("1,000.50") && html.contains("市电业局"),
        "the year's statement and donor list"
    );
    let res = keeper.get("/fund/statement.xlsx?year=2026").await;
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let mut head = app.signed_in("louzhang").await;
    assert_eq!(
        head.get("/fund").await.status(),
        StatusCode::FORBIDDEN,
        "building heads do not see the accounts"
    );
}

async fn the_indicators_read_the_ledger_and_say_what_is_unavailable(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 30000, true).await;
    let id = approved_request(&app, 8000).await;
    let keeper = app.token("jijin").await;
    disbursement(&app, &keeper, id, "pay").await;
    let (status, v) = app.indicators(&admin, "2026-01-01", "2026-12-31").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["indicators"]["fund.raised_total"], 30000);
    assert_eq!(v["indicators"]["fund.beneficiaries"], 1);
    assert_eq!(v["indicators"]["fund.balance"], 22000);
    assert_eq!(v["indicators"]["registry.residents"], 8);
    // Every module now counts: a community without inspections has no high-standard corridor.
    assert_eq!(v["indicators"]["corridors.high_standard"], 0);
    assert_eq!(v["details"]["corridors.high_standard"]["status"], "ok");
    assert_eq!(v["details"]["fund.raised_total"]["approx_zh"], "300元");
    let (status, v) = app.indicators(&admin, "2026-12-31", "2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The period is read by the one date parser every field goes through (issue 13 item 10).
    let (status, v) = app
        .api_get(
            &admin,
            "/api/v1/reports/indicators?from=2026%E5%B9%B41%E6%9C%881%E6%97%A5&to=2026-12-31",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "2026年1月1日 is a date: {v}");
    let head = app.token("louzhang").await;
    let (status, _) = app.api_get(&head, "/api/v1/reports/indicators").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

both_engines!(the_dashboard_shows_every_indicator_with_its_wording_and_charts);

async fn the_dashboard_shows_every_indicator_with_its_wording_and_charts(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 30000, true).await;
    let mut b = app.signed_in("admin").await;
    let html = b.get_ok("/reports?from=2026-01-01&to=2026-12-31").await;
    assert!(html.contains("爱心基金筹集") && html.contains("300元"), "the figure and its wording");
    assert!(
        !html.contains(">fund.raised_total<") && !html.contains("mono\">fund."),
        "no indicator ids on the page"
    );
    assert!(
        html.contains("高标准文明楼道")
            && html.contains("志愿服务时长")
            && !html.contains("暂无数据"),
        "every module's figures are counted now"
    );
    assert!(html.contains("<svg") && html.contains("¥300.00"), "a chart with direct labels");
    let mut head = app.signed_in("louzhang").await;
    assert_eq!(head.get("/reports").await.status(), StatusCode::FORBIDDEN);
}

/// The fund keeper's home lists the requests waiting for her approval (not the ones she has
/// approved, never her own), approves from there, and then shows the request among those to pay.
async fn the_fund_keeper_approves_from_her_home_page(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 100_000, true).await;
    let worker = app.token("wangge1").await;
    let xia = app.resident_id("夏胜林").await;
    let id = app.fund_request(&worker, xia, 30_000).await;

    let mut keeper = app.signed_in("jijin").await;
    let html = keeper.get_ok("/").await;
    assert!(html.contains("id=\"fund-home\""), "{html}");
    assert!(html.contains("夏胜林") && html.contains("¥300.00"), "{html}");
    // The month so far: the gift above, and nothing paid yet.
    let month = html.split("id=\"fund-home\"").nth(1).unwrap_or_default();
    assert!(month.contains("¥1,000.00") && month.contains("1 笔捐赠"), "{month}");
    let approve = format!("/fund/disbursements/{id}/approve");
    assert!(html.contains(&approve), "an approve button for the request");
    let csrf = keeper.csrf().await;
    let res = keeper.post_form(&approve, &[("_csrf", &csrf)]).await;
    assert!(res.status().is_redirection(), "{}", res.status());

    // Approved once by her: no longer hers to approve; one more approval and it waits for payment.
    let (_, html) = keeper.get_text("/").await;
    assert!(!html.contains(&approve), "approved by her already");
    let (status, _) = disbursement(&app, &admin, id, "approve").await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = keeper.get_text("/").await;
    assert!(html.contains("待支付") && html.contains("夏胜林"), "{html}");

    // The requester sees no approve button on her own request.
    let mut requester = app.signed_in("wangge1").await;
    let (_, html) = requester.get_text("/").await;
    assert!(!html.contains(&approve));
}

/// 冲正 in the pages: the ledger links to a step that shows the entry and says what a reversal
/// writes; without a reason nothing is written and the reason field says why.
async fn a_reversal_in_the_browser_is_a_confirmed_step_with_its_reason(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 20000, true).await;
    let (_, entries) = app.api_get(&admin, "/api/v1/fund/entries").await;
    let tx = entries["items"][0]["id"].as_i64().unwrap();
    let step = format!("/fund/entries/{tx}/reverse");
    let mut keeper = app.signed_in("jijin").await;
    let (_, html) = keeper.get_text("/fund/entries").await;
    assert!(html.contains(&format!("href=\"{step}\"")), "{html}");
    let html = keeper.get_ok(&step).await;
    assert!(
        html.contains("确认冲正") && html.contains("只能冲正一次") && html.contains("200.00"),
        "{html}"
    );

    let csrf = keeper.csrf().await;
    let html = keeper
        .post_form_answered(
            &step,
            &[("_csrf", &csrf), ("reason", " ")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(html.contains("field-error") && html.contains("请写明冲正原因"), "{html}");
    assert_eq!(balance(&app, &admin).await, 20000, "nothing written");

    let res = keeper.post_form(&step, &[("_csrf", &csrf), ("reason", "重复登记")]).await;
    assert!(res.status().is_redirection());
    assert_eq!(balance(&app, &admin).await, 0);
    assert!(keeper.get(&step).await.status().is_redirection(), "not offered twice");
}

async fn a_meeting_without_its_quorum_is_refused_with_the_arithmetic(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let post = |body: Value| {
        let (app, admin) = (&app, &admin);
        async move { app.api_post(admin, "/api/v1/fund/decisions", body).await }
    };
    // Exactly half is not more than half, whatever the client claims.
    let (status, body) = post(json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 172, "attendance": 86, "quorum_reached": true, "resolution": "成立爱心基金"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "no_quorum");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("到会86人，未超过十八周岁以上的居民172人的半数") && message.contains("87"),
        "the arithmetic, in Chinese: {message}"
    );
    let (status, body) = post(json!({"decided_on": "2011-03-15", "basis": "households", "eligible": 2, "attendance": 1, "resolution": "成立爱心基金"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("户的代表2人"), "{body}");
    for (bad, code) in [
        (
            json!({"basis": "residents", "eligible": 100, "attendance": 101}),
            "attendance_over_eligible",
        ),
        (json!({"basis": "residents", "eligible": 0, "attendance": 0}), "eligible_bad"),
        (json!({"basis": "residents", "eligible": 100, "attendance": 0}), "attendance_bad"),
        (json!({"basis": "residents", "eligible": -3, "attendance": 2}), "eligible_bad"),
        (json!({"basis": "everyone", "eligible": 100, "attendance": 60}), "basis_bad"),
    ] {
        let mut b = bad.clone();
        b["decided_on"] = json!("2011-03-15");
        b["resolution"] = json!("成立爱心基金");
        let (status, body) = post(b).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"]["code"], code, "{bad}");
    }
    // Nothing was recorded: gifts still wait for a decision.
    app.post_refused(&admin, "/api/v1/fund/donations", json!({"donor_kind": "anonymous", "amount_fen": 100, "method": "cash", "received_on": "2026-11-20"}), StatusCode::CONFLICT, "no_fund_decision").await;
    // The form says why, and keeps what was typed.
    let (mut browser, csrf) = app.signed_in_with_csrf("admin").await;
    let html = browser
        .post_form_answered(
            "/fund/decision",
            &[
                ("_csrf", &csrf),
                ("decided_on", "2011-03-15"),
                ("basis", "representatives"),
                ("eligible", "30"),
                ("attendance", "15"),
                ("resolution", "成立爱心基金"),
            ],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        html.contains("到会15人，未超过居民小组选举的代表30人的半数")
            && html.contains("成立爱心基金")
            && html.contains("第九条"),
        "{html}"
    );
}

async fn the_quorum_is_computed_from_the_numbers_and_a_sent_one_is_ignored(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let body = app.created(&admin, "/api/v1/fund/decisions", json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 172, "attendance": 87, "quorum_reached": false, "resolution": "成立爱心基金"})).await;
    assert_eq!(body["quorum_reached"], true, "computed, not taken: {body}");
    assert_eq!(body["needed"], 87);
    assert_eq!(body["eligible"], 172);
    assert_eq!(body["basis"], "residents");
    let id = body["id"].as_i64().unwrap();
    let (eligible, basis, quorum): (i64, String, i64) = app
        .db
        .read(move |c| {
            let r = c.query_one(
                "SELECT eligible, basis, quorum_reached FROM fund_decisions WHERE id = ?",
                linli_store::params![id],
            )?;
            Ok::<_, linli_store::StoreError>((r.int(0)?, r.text(1)?, r.int(2)?))
        })
        .await
        .unwrap();
    assert_eq!((eligible, basis.as_str(), quorum), (172, "residents", 1));
    // The decision is in force: gifts can be recorded.
    give(&app, &admin, 100, false).await;
    let mut browser = app.signed_in("admin").await;
    let (_, html) = browser.get_text("/fund").await;
    assert!(
        html.contains("2011年3月15日") && html.contains("172"),
        "the decision with its numbers and its date written out"
    );
}

async fn a_gift_received_before_the_decision_is_refused_naming_its_day(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    let gift = |on: &str| json!({"donor_kind": "person", "donor_name": "王先生", "amount_fen": 5000, "method": "cash", "received_on": on});
    let body = app
        .post_refused(
            &admin,
            "/api/v1/fund/donations",
            gift("2011-03-14"),
            StatusCode::CONFLICT,
            "before_fund_decision",
        )
        .await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("2011年3月15日") && message.contains("2011年3月14日"), "{message}");
    assert_eq!(balance(&app, &admin).await, 0, "nothing was recorded");
    let (status, body) = app.api_post(&admin, "/api/v1/fund/donations", gift("2011-03-15")).await;
    assert_eq!(status, StatusCode::CREATED, "the decision's own day: {body}");
    assert_eq!(body["receipt_no"], "2011-0001", "no receipt number used up by the refusal");
    // The page says why.
    let mut worker = app.signed_in("wangge1").await;
    let (_, html) = worker.get_text("/fund/donations/new").await;
    assert!(html.contains("2011年3月15日"), "the form names the decision's day");
    let csrf = worker.csrf().await;
    let html = worker
        .post_form_answered(
            "/fund/donations",
            &[
                ("_csrf", &csrf),
                ("donor_kind", "person"),
                ("donor_name", "市电业局"),
                ("amount_yuan", "100"),
                ("method", "cash"),
                ("received_on", "2010-12-31"),
            ],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(
        html.contains("早于居民会议决定设立爱心基金的日期2011年3月15日")
            && html.contains("市电业局"),
        "{html}"
    );
}

async fn the_disclosure_prints_the_day_it_was_posted_not_today(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    give(&app, &admin, 30000, true).await;
    let sheet = || app.public_text("/disclosure/fund?month=2026-11");
    // Today is 2026-11-27; nothing is posted yet, so no posting day is invented.
    let html = sheet().await;
    assert!(html.contains("尚未登记张贴"), "{html}");
    assert!(!html.contains("2026年11月27日") && !html.contains("2026-11-27"));
    assert!(html.contains("2026年11月20日"), "dates written the Chinese way");
    assert!(html.contains("2011年3月15日"), "the decision's day too");
    let post = |body: Value| {
        let (app, admin) = (&app, &admin);
        async move { app.api_post(admin, "/api/v1/fund/postings", body).await }
    };
    let (status, body) = post(json!({"month": "2026-11", "posted_on": "2026-11-28"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "date_future");
    let (status, body) = post(json!({"month": "2026-11", "posted_on": "2026-10-31"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "posting_before_month");
    let (status, body) = post(json!({"month": "2026-11", "posted_on": "2026-11-25"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ends_on"], "2026-12-01");
    let (status, body) = post(json!({"month": "2026-11", "posted_on": "2026-11-26"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_posted");
    // Days later the sheet still says when it went up.
    app.clock.advance(chrono::Duration::days(9));
    let html = sheet().await;
    assert!(
        html.contains("公示期：2026年11月25日 至 2026年12月1日"),
        "the stored posting's period: {html}"
    );
    assert!(html.contains("居民委员会　2026年11月25日"), "signed on the posting day");
    assert!(!html.contains("2026年12月6日"), "not the day it is looked at");
    let d = app.public_json("/api/v1/fund/disclosure?month=2026-11").await;
    assert_eq!(d["posting"]["posted_on"], "2026-11-25");
    assert_eq!(d["posting"]["ends_on"], "2026-12-01");
    // The fund keeper records October's posting where she prints it.
    let mut keeper = app.signed_in("admin").await;
    let (_, html) = keeper.get_text("/disclosure/fund?month=2026-10").await;
    assert!(html.contains("登记张贴日期"), "{html}");
    let csrf = keeper.csrf().await;
    keeper
        .post_form_redirected(
            "/fund/postings",
            &[("_csrf", &csrf), ("month", "2026-10"), ("posted_on", "2026-11-03")],
        )
        .await;
    let (_, html) = keeper.get_text("/disclosure/fund?month=2026-10").await;
    assert!(html.contains("2026年11月3日 至 2026年11月9日"), "{html}");
    let html = app.public_text("/disclosure/fund?month=2026-10").await;
    assert!(!html.contains("登记张贴日期"), "the public sees the sheet only");
    // The summary's "收支情况在社区公示" counts the postings recorded (both went up in
    // November), and none in October.
    let figure = |from: &'static str, to: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let (_, v) = app.indicators(admin, from, to).await;
            v["indicators"]["fund.disclosures"].clone()
        }
    };
    assert_eq!(figure("2026-11-01", "2026-11-30").await, 2);
    assert_eq!(figure("2026-10-01", "2026-10-31").await, 0);
}

/// The year's statement (one pass over the postings) opens at last year's close and closes
/// each month at the balance that month's disclosure gives (two sums of every posting),
/// through a gift of the year before, a reversal and a payment.
async fn the_statement_closes_each_month_where_its_disclosure_does(engine: Engine) {
    let Some((app, admin)) = app_with_fund_decided(engine).await else {
        return;
    };
    for (fen, method, on) in [
        (50_000, "cash", "2025-12-10"),
        (20_000, "bank_transfer", "2026-03-05"),
        (10_000, "cash", "2026-11-20"),
        (30_000, "in_kind", "2026-03-20"),
    ] {
        app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "anonymous", "amount_fen": fen, "method": method, "items": "米 20kg", "received_on": on})).await;
    }
    let keeper = app.token("jijin").await;
    let (_, entries) = app.api_get(&keeper, "/api/v1/fund/entries").await;
    let march = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["occurred_on"] == "2026-03-05")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.created(
        &keeper,
        &format!("/api/v1/fund/entries/{march}/reverse"),
        json!({"reason": "重复登记"}),
    )
    .await;
    paid_request(&app, 4_000).await;

    let community =
        app.number("SELECT id FROM places WHERE kind = 'community' ORDER BY id LIMIT 1", &[]).await;
    let t = linli_store::Tenant::new(community);
    let ((opening, lines), months) = app
        .db
        .read(move |c| {
            let statement = linli_store::fund::statement(c, t, 2026)?;
            let months = (1..=12)
                .map(|m| linli_store::fund::disclosure(c, t, &format!("2026-{m:02}")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, linli_store::StoreError>((statement, months))
        })
        .await
        .unwrap();
    assert_eq!(opening, 50_000, "the gift of December 2025");
    assert_eq!(opening, months[0].opening_fen);
    for (line, d) in lines.iter().zip(&months) {
        assert_eq!(
            (line.income_fen, line.goods_fen, line.spending_fen, line.closing_fen),
            (d.income_fen, d.goods_fen, d.spending_fen, d.closing_fen),
            "{}",
            line.month
        );
    }
    assert_eq!(
        (lines[2].income_fen, lines[2].goods_fen),
        (0, 30_000),
        "March: the gift reversed since is left out, the goods counted apart"
    );
    assert_eq!(lines[10].spending_fen, 4_000);
    assert_eq!(lines[2].closing_fen, 70_000, "March: the gift");
    assert_eq!(
        lines[10].closing_fen,
        balance(&app, &admin).await,
        "November: the reversal and the payment"
    );
    assert_eq!(lines[10].closing_fen, 56_000);
    assert_eq!(lines[11].closing_fen, 56_000, "December: nothing yet");
}
