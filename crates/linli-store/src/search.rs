//! The full-text search index (issue 17). The module owns `search_docs` and, on SQLite,
//! `search_fts`. Other modules put their documents in through [`put`] inside their own write
//! transaction; the tokens are segmented by `linli_core::publicity` before they get here.

use crate::db::{Conn, Dialect};
use crate::{Result, Tenant, Value, params};
use linli_core::publicity as rules;

/// A searchable document.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// `article`, `paper_issue`, `course`.
    pub kind: &'a str,
    pub ref_id: i64,
    pub title: &'a str,
    /// Plain text (what snippets are cut from).
    pub body: &'a str,
    pub published_on: &'a str,
    pub public: bool,
}

/// Puts a document in the index, or replaces it.
pub fn put(c: &mut dyn Conn, t: Tenant, d: &Doc) -> Result<i64> {
    let title_tokens = rules::index_text(d.title);
    let body_tokens = rules::index_text(d.body);
    remove(c, d.kind, d.ref_id)?;
    let id = c.insert(
        "INSERT INTO search_docs (community_id, kind, ref_id, title, body, published_on, public, title_tokens, body_tokens)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            d.kind,
            d.ref_id,
            d.title,
            d.body,
            d.published_on,
            d.public,
            title_tokens.as_str(),
            body_tokens.as_str()
        ],
    )?;
    match c.dialect() {
        Dialect::Sqlite => {
            c.execute(
                "INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)",
                params![id, title_tokens, body_tokens],
            )?;
        }
        Dialect::Postgres => {
            c.execute(
                "UPDATE search_docs SET tsv = setweight(array_to_tsvector(string_to_array(title_tokens, ' ')), 'A')
                     || array_to_tsvector(string_to_array(body_tokens, ' '))
                 WHERE id = ?",
                params![id],
            )?;
        }
    }
    Ok(id)
}

/// Removes a document from the index (nothing when it is not there).
pub fn remove(c: &mut dyn Conn, kind: &str, ref_id: i64) -> Result<()> {
    let old = c.query_opt(
        "SELECT id FROM search_docs WHERE kind = ? AND ref_id = ?",
        params![kind, ref_id],
    )?;
    if let Some(r) = old {
        let id = r.int(0)?;
        if c.dialect() == Dialect::Sqlite {
            c.execute("DELETE FROM search_fts WHERE rowid = ?", params![id])?;
        }
        c.execute("DELETE FROM search_docs WHERE id = ?", params![id])?;
    }
    Ok(())
}

/// The ids of a kind's documents in the index (to find what is missing).
pub fn indexed(c: &mut dyn Conn, t: Tenant, kind: &str) -> Result<Vec<i64>> {
    c.query(
        "SELECT ref_id FROM search_docs WHERE community_id = ? AND kind = ? ORDER BY ref_id",
        params![t, kind],
    )?
    .iter()
    .map(|r| r.int(0))
    .collect()
}

/// A hit: the document and whether every term is in its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: String,
    pub ref_id: i64,
    pub title: String,
    pub body: String,
    pub published_on: String,
    pub in_title: bool,
}

/// One page of the documents holding every term, the total, in order: documents with every
/// term in the title first, then by relevance (BM25 on SQLite, ts_rank on PostgreSQL, the title
/// weighing ten times the body), then newest first. `kind`: of one kind only; `public_on`:
/// only public documents published by that day.
pub fn search(
    c: &mut dyn Conn,
    t: Tenant,
    terms: &[String],
    kind: Option<&str>,
    public_on: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Hit>, i64)> {
    if terms.is_empty() {
        return Ok((Vec::new(), 0));
    }
    // The optional filters, and their values in the order they appear.
    let mut only_public = String::new();
    let mut day: Vec<Value> = Vec::new();
    if let Some(k) = kind {
        only_public.push_str(" AND d.kind = ?");
        day.push(k.into());
    }
    if let Some(d) = public_on {
        only_public.push_str(" AND d.public = 1 AND d.published_on <= ?");
        day.push(d.into());
    }
    let (sql, args, total_sql, total_args) = match c.dialect() {
        Dialect::Sqlite => {
            let all = rules::fts5_query(terms);
            let title = format!("title : ({all})");
            // The title-only match is an uncorrelated subquery: evaluated once per search.
            let sql = format!(
                "SELECT d.kind, d.ref_id, d.title, d.body, d.published_on,
                        CASE WHEN d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?) THEN 1 ELSE 0 END AS in_title
                 FROM search_fts f JOIN search_docs d ON d.id = f.rowid
                 WHERE search_fts MATCH ? AND d.community_id = ?{only_public}
                 ORDER BY in_title DESC, bm25(search_fts, 10.0, 1.0), d.published_on DESC, d.id DESC
                 LIMIT ? OFFSET ?"
            );
            let mut args: Vec<Value> = vec![title.into(), all.clone().into(), t.into()];
            args.extend(day.clone());
            args.extend([limit.into(), offset.into()]);
            let total_sql = format!(
                "SELECT COUNT(*) FROM search_fts f JOIN search_docs d ON d.id = f.rowid
                 WHERE search_fts MATCH ? AND d.community_id = ?{only_public}"
            );
            let mut total_args: Vec<Value> = vec![all.into(), t.into()];
            total_args.extend(day);
            (sql, args, total_sql, total_args)
        }
        Dialect::Postgres => {
            let all = rules::tsquery(terms, None);
            let title = rules::tsquery(terms, Some('A'));
            let sql = format!(
                "SELECT d.kind, d.ref_id, d.title, d.body, d.published_on,
                        CASE WHEN d.tsv @@ CAST(? AS tsquery) THEN 1 ELSE 0 END AS in_title
                 FROM search_docs d
                 WHERE d.tsv @@ CAST(? AS tsquery) AND d.community_id = ?{only_public}
                 ORDER BY in_title DESC, ts_rank('{{0.1, 0.2, 0.4, 1.0}}', d.tsv, CAST(? AS tsquery)) DESC,
                          d.published_on DESC, d.id DESC
                 LIMIT ? OFFSET ?"
            );
            let mut args: Vec<Value> = vec![title.into(), all.clone().into(), t.into()];
            args.extend(day.clone());
            args.extend([all.clone().into(), limit.into(), offset.into()]);
            let total_sql = format!(
                "SELECT COUNT(*) FROM search_docs d
                 WHERE d.tsv @@ CAST(? AS tsquery) AND d.community_id = ?{only_public}"
            );
            let mut total_args: Vec<Value> = vec![all.into(), t.into()];
            total_args.extend(day);
            (sql, args, total_sql, total_args)
        }
    };
    let hits = c
        .query(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(Hit {
                kind: r.text(0)?,
                ref_id: r.int(1)?,
                title: r.text(2)?,
                body: r.text(3)?,
                published_on: r.text(4)?,
                in_title: r.bool(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let total = c.count(&total_sql, &total_args)?;
    Ok((hits, total))
}
