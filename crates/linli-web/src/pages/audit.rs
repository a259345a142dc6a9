//! The audit log page: who did what, when, newest first, with the request id to find the log.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::Query;
use axum::http::Method;
use axum::response::Response;
use linli_core::Action;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

pub const PER_PAGE: i64 = 50;

pub use crate::labels::{action_label, object_label};

/// The catalogue's words for `audit.<family>.<code>`, if it has any.
fn words(lang: Lang, family: &str, code: &str) -> Option<String> {
    crate::i18n::t_opt(lang, &format!("audit.{family}.{code}"))
}

/// One value of a change as people read it: money in yuan, yes/no, a status in words, lists
/// of names joined, longer lists counted.
fn value_words(lang: Lang, key: &str, v: &Value) -> String {
    match v {
        Value::Null => t(lang, "audit.none"),
        Value::Bool(b) => t(lang, if *b { "audit.yes" } else { "audit.no" }),
        Value::Number(n) if key.ends_with("_fen") => {
            format!("¥{}", super::fund::yuan(n.as_i64().unwrap_or(0)))
        }
        Value::Number(n) => n.to_string(),
        // A list stored as JSON text (the items of a visit) reads as the list it is.
        Value::String(s) if s.starts_with('[') || s.starts_with('{') => {
            match serde_json::from_str::<Value>(s) {
                Ok(inner) => value_words(lang, key, &inner),
                Err(_) => s.chars().take(80).collect(),
            }
        }
        Value::String(s) => {
            words(lang, "value", s).unwrap_or_else(|| s.chars().take(80).collect::<String>())
        }
        Value::Array(items)
            if items.len() <= 6 && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
        {
            let parts: Vec<String> = items.iter().map(|i| value_words(lang, key, i)).collect();
            if parts.is_empty() { t(lang, "audit.none") } else { parts.join("、") }
        }
        Value::Array(items) => tf(lang, "audit.items", &[("n", &items.len().to_string())]),
        Value::Object(m) => tf(lang, "audit.items", &[("n", &m.len().to_string())]),
    }
}

/// A change as a worker reads it, one phrase per field: `状态：待审批 → 已批准`,
/// `金额：¥300.00`; a field that did not change shows its value once. Never raw JSON.
pub fn change_words(lang: Lang, before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let (before, after) = (parse(before), parse(after));
    let label = |k: &str| words(lang, "field", k).unwrap_or_else(|| k.to_string());
    match (before, after) {
        (b, Some(Value::Object(a))) => {
            let b = b.and_then(|b| b.as_object().cloned()).unwrap_or_default();
            a.iter()
                .filter(|(k, v)| !v.is_null() || b.get(*k).is_some_and(|x| !x.is_null()))
                .map(|(k, v)| match b.get(k) {
                    Some(old) if old != v => format!(
                        "{}：{} → {}",
                        label(k),
                        value_words(lang, k, old),
                        value_words(lang, k, v)
                    ),
                    _ => format!("{}：{}", label(k), value_words(lang, k, v)),
                })
                .collect()
        }
        (_, Some(v)) => vec![value_words(lang, "", &v)],
        (Some(Value::Object(b)), None) => {
            b.iter().map(|(k, v)| format!("{}：{}", label(k), value_words(lang, k, v))).collect()
        }
        _ => Vec::new(),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn list(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) =
        linli_app::accounts::audit_log(&ctx.state.app, &ctx.actor()?, page, PER_PAGE).await?;
    let body = html! {
        p.hint { (t(lang, "audit.hint")) }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table.compact {
                thead { tr {
                    th scope="col" { (t(lang, "audit.at")) }
                    th scope="col" { (t(lang, "audit.actor")) }
                    th scope="col" { (t(lang, "audit.action")) }
                    th scope="col" { (t(lang, "audit.object")) }
                    th scope="col" { (t(lang, "audit.change")) }
                    th scope="col" { (t(lang, "audit.request")) }
                } }
                tbody {
                    @for r in &items {
                        tr {
                            td.nowrap { (r.at.minute()) }
                            td { (r.actor) }
                            td { (action_label(lang, &r.action)) }
                            td {
                                @if r.object_kind == "resident" && r.object_id.is_some() {
                                    a href={ "/residents/" (r.object_id.clone().unwrap_or_default()) } { (object_label(lang, &r.object_kind)) " #" (r.object_id.clone().unwrap_or_default()) }
                                } @else {
                                    (object_label(lang, &r.object_kind)) @if let Some(id) = &r.object_id { " #" (id) }
                                }
                            }
                            td.change {
                                @for phrase in change_words(lang, r.before.as_deref(), r.after.as_deref()) {
                                    span.phrase { (phrase) } " "
                                }
                            }
                            td { code { (r.request_id.clone().unwrap_or_default()) } }
                        }
                    }
                }
            }
        }
        (layout::pager(lang, page, PER_PAGE, total, "/audit"))
        p.hint { (tf(lang, "audit.verify_hint", &[])) }
    };
    Ok(layout::page(&ctx, &t(lang, "audit.title"), &[], None, body))
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/audit", Policy::Signed(Action::ViewAudit), list)
}

#[cfg(test)]
mod tests {
    use super::change_words;
    use crate::i18n::Lang;

    #[test]
    fn a_change_reads_in_words_not_json() {
        let w = change_words(
            Lang::Zh,
            Some(r#"{"status":"pending"}"#),
            Some(r#"{"status":"approved","amount_fen":30000,"quorum_reached":true}"#),
        );
        assert_eq!(w, ["金额：¥300.00", "到会人数过半：是", "状态：待审批 → 已批准"]);
        let w = change_words(
            Lang::Zh,
            None,
            Some(r#"{"items":[{"name":"大米"},{"name":"油"}],"kinds":["illness","unemployment"]}"#),
        );
        assert_eq!(w, ["物品：2 项", "类别：疾病、失业"]);
        assert!(change_words(Lang::Zh, None, None).is_empty());
        for w in change_words(
            Lang::Zh,
            Some(r#"{"a":1}"#),
            Some(r#"{"status":"closed","reason":"已就业"}"#),
        ) {
            assert!(!w.contains('{') && !w.contains('"'), "{w}");
        }
    }

    /// A refused access names the permission in words.
    #[test]
    fn every_permission_has_words() {
        for a in linli_core::Action::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(super::words(lang, "value", a.as_str()).is_some(), "{}", a.as_str());
            }
        }
    }

    /// Every action the code audits has words on the audit page: the source is read for calls
    /// of `audit` and `audit_change` whose second argument is a literal action code.
    #[test]
    fn every_audited_action_has_words() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut missing = Vec::new();
        let mut seen = 0;
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    if !p.ends_with("target") && !p.ends_with("tests") {
                        stack.push(p);
                    }
                    continue;
                }
                if p.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for call in ["audit(", "audit_change("] {
                    for (at, _) in text.match_indices(call) {
                        let rest = &text[at + call.len()..];
                        let Some(comma) = rest.find(',') else {
                            continue;
                        };
                        let after = rest[comma + 1..].trim_start();
                        let Some(lit) = after.strip_prefix('"') else {
                            continue;
                        };
                        let Some(end) = lit.find('"') else { continue };
                        let action = &lit[..end];
                        if !action.contains('.') {
                            continue;
                        }
                        seen += 1;
                        for lang in [Lang::Zh, Lang::En] {
                            if super::action_label(lang, action) == action {
                                missing.push(format!("{action} ({lang:?}) in {}", p.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found {seen} audited actions");
        assert!(missing.is_empty(), "audit actions without words: {missing:#?}");
    }
}
