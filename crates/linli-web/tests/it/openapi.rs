//! A property-based client of the OpenAPI document (our schemathesis): for every documented
//! operation it sends seeded-random requests built from the operation's own schemas (valid
//! bodies, bodies missing a required field, wrong-typed fields, malformed JSON, ids from the
//! demo data and ids that exist nowhere), as every demo role and as nobody, and holds each answer
//! to the document: never a 5xx, a success only with the documented status and a body its
//! response schema accepts, an error only in the documented error shape, and a body valid by the
//! documented request schema never refused as malformed (the handler reads the type the
//! document describes).

use crate::both_engines;
use crate::support::{Engine, PASSWORD, spawn_demo_app};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

both_engines!(every_documented_operation_answers_as_its_schema_says);

/// A seeded generator, so a failure names a seed that reproduces it.
struct Rng(StdRng);

impl Rng {
    fn seeded(seed: u64) -> Self {
        Rng(StdRng::seed_from_u64(seed))
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n.max(1))
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.0.random_range(0..100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a generated request is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Valid by the request schema (its values may still break a rule of the domain).
    Valid,
    /// A required field left out.
    Missing,
    /// One field of the wrong JSON type.
    WrongType,
    /// Not the JSON the operation reads at all.
    Garbage,
}

struct Operation {
    method: Method,
    path: String,
    id: String,
    status: u16,
    response: Value,
    body: Option<Value>,
    query: Vec<String>,
    /// Open to callers who are not signed in (`security: []`).
    public: bool,
}

/// Follows `{"$ref": "#/components/schemas/X"}` into the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The ids seen in answers, by the name of the field that carries them (`resident_id`, …).
#[derive(Default)]
struct Ids(BTreeMap<String, Vec<i64>>);

impl Ids {
    fn learn(&mut self, path: &str, v: &Value) {
        // A list's items, and a record's own id, are ids of the path's resource.
        let resource = path
            .trim_start_matches("/api/v1/")
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches('s')
            .replace('-', "_");
        let key = format!("{resource}_id");
        if let Some(items) = v.get("items").and_then(Value::as_array) {
            for item in items {
                if let Some(id) = item.get("id").and_then(Value::as_i64) {
                    self.add(&key, id);
                }
            }
        } else if let Some(id) = v.get("id").and_then(Value::as_i64) {
            self.add(&key, id);
        }
        self.walk(v);
    }

    fn walk(&mut self, v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x.as_i64() {
                        Some(id) if k.ends_with("_id") => self.add(k, id),
                        _ => self.walk(x),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.walk(x)),
            _ => {}
        }
    }

    fn add(&mut self, key: &str, id: i64) {
        let ids = self.0.entry(key.to_string()).or_default();
        if !ids.contains(&id) && ids.len() < 50 {
            ids.push(id);
        }
    }

    /// An id for a field or path parameter named `key`: mostly a real one.
    fn any(&self, key: &str, rng: &mut Rng) -> i64 {
        let short = key.trim_end_matches("_id");
        let known = self
            .0
            .get(key)
            .or_else(|| {
                self.0
                    .iter()
                    .find(|(k, _)| short.ends_with(k.trim_end_matches("_id")))
                    .map(|(_, v)| v)
            })
            .filter(|v| !v.is_empty());
        match known {
            Some(ids) if rng.chance(85) => *rng.pick(ids),
            _ => *rng.pick(&[1, 2, 3, 0, -1, 999_999_999]),
        }
    }
}

const WORDS: &[&str] = &[
    "",
    "测试",
    "夏胜林",
    "楼道灯不亮，请尽快修理",
    "<script>alert(1)</script>",
    "admin",
    "1",
    "'; DROP TABLE residents; --",
];

/// Codes the demo and the domain know, so some generated strings are accepted values.
const CODES: &[&str] = &[
    "open",
    "closed",
    "monitoring",
    "cash",
    "goods",
    "service",
    "visit",
    "dibao",
    "illness",
    "consent",
    "statutory",
    "school",
    "business",
    "completed",
    "dropped",
    "paper",
    "employed",
    "left",
    "labour",
    "full_time",
    "normal",
    "urgent",
    "road",
    "lighting",
    "call",
    "staff",
    "satisfied",
    "dissatisfied",
    "vocational_training",
    "culture",
    "resident",
    "outside",
    "health_lecture",
    "repair",
    "individual",
    "enterprise",
    "bank_transfer",
    "relief",
    "grid",
    "building",
    "unit",
    "worker",
    "building_head",
    "partner",
    "fund_keeper",
    "approve",
    "reject",
    "male",
    "female",
    "household_head",
    "spouse",
];

const DATES: &[&str] =
    &["2026-11-27", "2026-11-20", "2026-10-08", "2026-01-01", "2025-12-31", "2027-03-01"];

fn date_like(name: &str) -> bool {
    name == "on"
        || name.ends_with("_on")
        || name.ends_with("_from")
        || name.ends_with("_to")
        || name == "birth_date"
}

struct Gen<'a> {
    doc: &'a Value,
    ids: &'a Ids,
    rng: Rng,
}

impl Gen<'_> {
    /// A value valid by `schema` (for a field called `name`).
    fn value(&mut self, schema: &Value, name: &str, depth: usize) -> Value {
        let s = resolve(self.doc, schema);
        if s == &Value::Bool(true) || s.as_object().is_some_and(|o| o.is_empty()) {
            return json!({"note": "任意"});
        }
        if let Some(c) = s.get("const") {
            return c.clone();
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            return self.rng.pick(e).clone();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = s.get(key).and_then(Value::as_array) {
                // Prefer a value over null.
                let non_null: Vec<&Value> =
                    alts.iter().filter(|a| a.get("type") != Some(&json!("null"))).collect();
                if non_null.is_empty() || self.rng.chance(10) {
                    let alt = self.rng.pick(alts).clone();
                    return self.value(&alt, name, depth);
                }
                let alt = (*self.rng.pick(&non_null)).clone();
                return self.value(&alt, name, depth);
            }
        }
        let ty = match s.get("type") {
            Some(Value::Array(types)) => {
                let non_null: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                if non_null.is_empty() || self.rng.chance(10) {
                    return Value::Null;
                }
                non_null[0].as_str().unwrap_or("string").to_string()
            }
            Some(Value::String(t)) => t.clone(),
            _ if s.get("properties").is_some() => "object".into(),
            _ => "string".into(),
        };
        match ty.as_str() {
            "null" => Value::Null,
            "boolean" => json!(self.rng.chance(50)),
            "integer" => self.integer(s, name),
            "number" => json!(*self.rng.pick(&[0.5, 1.0, 2.5, 100.0])),
            "string" => self.string(s, name),
            "array" => {
                let n = if depth > 3 { 0 } else { self.rng.below(4) };
                let singular = name.trim_end_matches('s');
                let items = s.get("items").cloned().unwrap_or(json!({}));
                (0..n).map(|_| self.value(&items, singular, depth + 1)).collect()
            }
            _ => {
                let mut o = Map::new();
                let required = required_of(s);
                if let Some(props) = s.get("properties").and_then(Value::as_object) {
                    for (k, p) in props {
                        if required.contains(k) || (depth < 3 && self.rng.chance(60)) {
                            o.insert(k.clone(), self.value(p, k, depth + 1));
                        }
                    }
                }
                Value::Object(o)
            }
        }
    }

    fn integer(&mut self, s: &Value, name: &str) -> Value {
        let min = s.get("minimum").and_then(Value::as_i64);
        let max = s.get("maximum").and_then(Value::as_i64);
        let v = if name.ends_with("_id") || name == "id" {
            self.ids.any(name, &mut self.rng)
        } else {
            *self.rng.pick(&[0, 1, 2, 5, 30, 100, 2026, 150_000, -1, 1_000_000_000])
        };
        let v = min.map_or(v, |m| v.max(m));
        json!(max.map_or(v, |m| v.min(m)))
    }

    fn string(&mut self, s: &Value, name: &str) -> Value {
        if s.get("format") == Some(&json!("date")) {
            return json!(self.rng.pick(DATES));
        }
        if date_like(name) && self.rng.chance(80) {
            return json!(self.rng.pick(&[DATES, &["2026-02-30", "昨天"]].concat()));
        }
        if name.contains("phone") && self.rng.chance(70) {
            return json!(self.rng.pick(&["13812345678", "12345", "02887654321"]));
        }
        if name == "password" {
            return json!(self.rng.pick(&[PASSWORD, "wrong"]));
        }
        if name == "username" {
            return json!(self.rng.pick(&["admin", "wangge1", "nobody"]));
        }
        match self.rng.below(10) {
            0..=3 => json!(self.rng.pick(CODES)),
            4 => json!("很长的说明".repeat(200)),
            _ => json!(self.rng.pick(WORDS)),
        }
    }

    /// A request body of the given shape for the request schema.
    fn body(&mut self, schema: &Value, shape: Shape) -> Value {
        let mut v = self.value(schema, "", 0);
        let s = resolve(self.doc, schema);
        match shape {
            Shape::Valid => {}
            Shape::Missing => {
                let required = required_of(s);
                if let (Some(k), Some(o)) =
                    (required.get(self.rng.below(required.len())), v.as_object_mut())
                {
                    o.remove(k);
                }
            }
            Shape::WrongType => {
                if let Some(o) = v.as_object_mut() {
                    let keys: Vec<String> = o.keys().cloned().collect();
                    if !keys.is_empty() {
                        let k = self.rng.pick(&keys).clone();
                        let wrong = match &o[&k] {
                            Value::String(_) => json!(12),
                            Value::Number(_) => json!("十二"),
                            Value::Bool(_) => json!("yes"),
                            Value::Array(_) => json!({"a": 1}),
                            _ => json!([true]),
                        };
                        o.insert(k, wrong);
                    }
                }
            }
            Shape::Garbage => {
                v = self.rng.pick(&[json!([]), json!("text"), json!(null), json!(42)]).clone();
            }
        }
        v
    }
}

/// A new bearer token for `user`, unless the run has deactivated the account.
async fn fresh_token(app: &crate::support::TestApp, user: &str) -> Option<String> {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json::<Value>().await.ok()?["token"].as_str().map(String::from)
}

fn required_of(s: &Value) -> Vec<String> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let responses = op["responses"].as_object().expect("responses");
            let (status, response) = responses
                .iter()
                .find(|(k, _)| k.as_str() != "default")
                .unwrap_or_else(|| panic!("{method} {path} documents no success response"));
            let response = response["content"]["application/json"]["schema"].clone();
            assert!(!response.is_null(), "{method} {path} documents no response schema");
            out.push(Operation {
                method: method.to_uppercase().parse().expect("method"),
                path: path.clone(),
                id: op["operationId"].as_str().expect("operationId").into(),
                status: status.parse().expect("status"),
                public: op.get("security") == Some(&json!([])),
                response,
                body: op
                    .get("requestBody")
                    .map(|b| b["content"]["application/json"]["schema"].clone()),
                query: op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "query")
                            .filter_map(|p| p["name"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    out
}

/// A validator for one schema of the document (its `$ref`s resolve into the components).
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut s = match schema {
        Value::Object(o) => o.clone(),
        _ => Map::new(),
    };
    s.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    s.insert("components".into(), doc["components"].clone());
    jsonschema::validator_for(&Value::Object(s)).expect("the document's schemas compile")
}

fn check(validator: &jsonschema::Validator, v: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(v)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\nbody: {v}");
}

async fn every_documented_operation_answers_as_its_schema_says(engine: Engine) {
    let Some(app) = spawn_demo_app(engine).await else {
        return;
    };
    let client = reqwest::Client::new();
    let doc: Value = client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops = operations(&doc);
    assert!(ops.len() >= 50, "only {} operations documented", ops.len());
    let error_schema = validator(&doc, &json!({"$ref": "#/components/schemas/ErrorBody"}));
    let responses: BTreeMap<&str, jsonschema::Validator> =
        ops.iter().map(|o| (o.id.as_str(), validator(&doc, &o.response))).collect();
    let bodies: BTreeMap<&str, jsonschema::Validator> = ops
        .iter()
        .filter_map(|o| Some((o.id.as_str(), validator(&doc, o.body.as_ref()?))))
        .collect();

    let mut callers: Vec<(&str, Option<String>)> = vec![("nobody", None)];
    for user in ["admin", "wangge1", "louzhang", "gongjian", "jijin", "jumin"] {
        callers.push((user, Some(app.token(user).await)));
    }

    // The ids of the demo data: every list and record the administrator may read.
    let mut ids = Ids::default();
    let admin = callers[1].1.clone().expect("admin token");
    for pass in 0..2 {
        for op in ops.iter().filter(|o| o.method == Method::GET) {
            if op.path.contains('{') != (pass == 1) {
                continue;
            }
            let mut g = Gen { doc: &doc, ids: &ids, rng: Rng::seeded(pass) };
            let path = concrete(&op.path, &mut g, true);
            let (status, v) = app.api_get(&admin, &path).await;
            if status.is_success() {
                ids.learn(&op.path, &v);
            }
        }
    }
    assert!(ids.0.contains_key("resident_id"), "no resident ids learnt");

    let mut sent = 0;
    let mut successes: BTreeMap<&str, usize> = BTreeMap::new();
    // Why valid-shaped requests of a signed-in caller were refused, by operation.
    let mut refusals: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for round in 0..8u64 {
        // Each round signs the callers in again: the run itself revokes sessions
        // (`users_revoke_sessions`, `users_deactivate`), and a caller whose every later request
        // is refused as signed out explores nothing.
        for (user, token) in callers.iter_mut() {
            if token.is_some()
                && let Some(fresh) = fresh_token(&app, user).await
            {
                *token = Some(fresh);
            }
        }
        for (ci, (user, token)) in callers.iter().enumerate() {
            for (oi, op) in ops.iter().enumerate() {
                if op.id == "auth_token" && token.is_some() {
                    continue;
                }
                let seed = (round << 32) ^ ((ci as u64) << 16) ^ oi as u64;
                let mut g = Gen { doc: &doc, ids: &ids, rng: Rng::seeded(seed) };
                let shape = match g.rng.below(10) {
                    0..=5 => Shape::Valid,
                    6 => Shape::Missing,
                    7 | 8 => Shape::WrongType,
                    _ => Shape::Garbage,
                };
                let valid_path = g.rng.chance(85);
                let mut path = concrete(&op.path, &mut g, valid_path);
                if !op.query.is_empty() && g.rng.chance(70) {
                    let q = g.rng.pick(&op.query).clone();
                    let v = *g.rng.pick(&["open", "closed", "2026", "1", "2", "0", "-1", "abc"]);
                    path = format!("{path}?{q}={v}");
                }
                let body = op.body.as_ref().map(|b| g.body(b, shape));
                let what = format!(
                    "{} {} ({}) as {user}, seed {seed}, {shape:?} body {}",
                    op.method,
                    path,
                    op.id,
                    body.as_ref().map_or("-".into(), |b| b
                        .to_string()
                        .chars()
                        .take(300)
                        .collect::<String>())
                );
                let mut req = client.request(op.method.clone(), format!("{}{path}", app.base));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if let Some(b) = &body {
                    req = req.json(b);
                }
                let res = req.send().await.unwrap();
                sent += 1;
                let status = res.status();
                let text = res.text().await.unwrap();
                assert!(status.as_u16() < 500, "{what}: answered {status}: {text}");
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("{what}: answered {status} with no JSON ({e}): {text}")
                });
                if status.is_success() {
                    assert_eq!(
                        status.as_u16(),
                        op.status,
                        "{what}: answered {status}, documented {}",
                        op.status
                    );
                    check(
                        &responses[op.id.as_str()],
                        &v,
                        &format!("{what}: the answer breaks its schema"),
                    );
                    *successes.entry(op.id.as_str()).or_default() += 1;
                    ids.learn(&op.path, &v);
                } else {
                    check(&error_schema, &v, &format!("{what}: the error breaks ErrorBody"));
                    let body_valid = body
                        .as_ref()
                        .zip(bodies.get(op.id.as_str()))
                        .is_some_and(|(b, val)| val.is_valid(b));
                    if token.is_some() && valid_path && (body_valid || body.is_none()) {
                        let code = v["error"]["code"].as_str().unwrap_or("").to_string();
                        let field = v["error"]["details"]["field"].as_str().unwrap_or("");
                        *refusals
                            .entry(op.id.as_str())
                            .or_default()
                            .entry(format!("{code}:{field}"))
                            .or_default() += 1;
                    }
                    if body_valid && valid_path {
                        assert_ne!(
                            v["error"]["code"], "bad_json",
                            "{what}: a body valid by the documented schema was refused as malformed: {text}"
                        );
                    }
                    if token.is_none() && !op.public {
                        assert_eq!(
                            status,
                            StatusCode::UNAUTHORIZED,
                            "{what}: an anonymous caller got {status}, not 401"
                        );
                    }
                }
            }
        }
    }
    assert!(sent > 1000, "{sent} requests");
    // The generator reaches past validation: most operations succeed at least once (47 of 68
    // when this was written; the rest need a chain of valid steps a random client rarely finds).
    assert!(
        successes.len() * 5 >= ops.len() * 3,
        "only {} of {} operations ever succeeded: {successes:?}\nrefusals: {:#?}",
        successes.len(),
        ops.len(),
        refusals.iter().filter(|(k, _)| !successes.contains_key(*k)).collect::<BTreeMap<_, _>>()
    );
}

/// The path with its `{id}` parameters filled: a known id of the resource, or (when not
/// `valid`) one that exists nowhere or is not a number.
fn concrete(path: &str, g: &mut Gen, valid: bool) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        if seg.starts_with('{') {
            let resource = segments[i - 1].trim_end_matches('s').replace('-', "_");
            let id = if valid {
                g.ids.any(&format!("{resource}_id"), &mut g.rng).to_string()
            } else {
                g.rng.pick(&["0", "-1", "999999999", "abc", "9223372036854775808"]).to_string()
            };
            out.push(id);
        } else {
            out.push(seg.to_string());
        }
    }
    out.join("/")
}
