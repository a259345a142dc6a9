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
                // Each token with its position: a weight is stored on a position, so lexemes
                // without one (array_to_tsvector's) lose the title's A and every repeat.
                "UPDATE search_docs SET tsv =
                     setweight(COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
                         FROM unnest(string_to_array(title_tokens, ' ')) WITH ORDINALITY AS u(tok, n)), ''), 'A')
                     || COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
                         FROM unnest(string_to_array(body_tokens, ' ')) WITH ORDINALITY AS u(tok, n)), '')
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
            // CROSS JOIN keeps the full-text index as the outer loop: with the portal's
            // `published_on <= ?` the planner otherwise walks search_docs_community and runs
            // the MATCH once per document of the community (over a minute at 100k articles).
            // The ranking carries ids only and counts the matches in the same pass (a second
            // pass costs as much again for a common word); the page's rows are read after.
            // bm25() cannot sit beside a window function, hence the inner subquery.
            let sql = format!(
                "SELECT d.kind, d.ref_id, d.title, d.body, d.published_on, r.in_title, r.total
                 FROM (SELECT id, in_title, score, published_on, COUNT(*) OVER () AS total
                       FROM (SELECT f.rowid AS id,
                                    CASE WHEN f.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?) THEN 1 ELSE 0 END AS in_title,
                                    bm25(search_fts, 10.0, 1.0) AS score, d.published_on
                             FROM search_fts f CROSS JOIN search_docs d ON d.id = f.rowid
                             WHERE search_fts MATCH ? AND d.community_id = ?{only_public})
                       ORDER BY in_title DESC, score, published_on DESC, id DESC
                       LIMIT ? OFFSET ?) r
                 CROSS JOIN search_docs d ON d.id = r.id
                 ORDER BY r.in_title DESC, r.score, r.published_on DESC, r.id DESC"
            );
            let mut args: Vec<Value> = vec![title.into(), all.clone().into(), t.into()];
            args.extend(day.clone());
            args.extend([limit.into(), offset.into()]);
            let total_sql = format!(
                "SELECT COUNT(*) FROM search_fts f CROSS JOIN search_docs d ON d.id = f.rowid
                 WHERE search_fts MATCH ? AND d.community_id = ?{only_public}"
            );
            let mut total_args: Vec<Value> = vec![all.into(), t.into()];
            total_args.extend(day);
            (sql, args, total_sql, total_args)
        }
        Dialect::Postgres => {
            let all = rules::tsquery(terms, None);
            let title = rules::tsquery(terms, Some('A'));
            // As on SQLite: the ranking carries ids only and counts in the same pass (the
            // count alone reads every match's tsvector again); the page's rows are read after.
            let sql = format!(
                "SELECT d.kind, d.ref_id, d.title, d.body, d.published_on, r.in_title, r.total
                 FROM (SELECT d.id,
                              CASE WHEN d.tsv @@ CAST(CAST(? AS TEXT) AS tsquery) THEN 1 ELSE 0 END AS in_title,
                              ts_rank('{{0.1, 0.2, 0.4, 1.0}}', d.tsv, CAST(CAST(? AS TEXT) AS tsquery)) AS score,
                              d.published_on, COUNT(*) OVER () AS total
                       FROM search_docs d
                       WHERE d.tsv @@ CAST(CAST(? AS TEXT) AS tsquery) AND d.community_id = ?{only_public}
                       ORDER BY in_title DESC, score DESC, d.published_on DESC, d.id DESC
                       LIMIT ? OFFSET ?) r
                 JOIN search_docs d ON d.id = r.id
                 ORDER BY r.in_title DESC, r.score DESC, r.published_on DESC, r.id DESC"
            );
            let mut args: Vec<Value> = vec![
                title.into(),
                all.clone().into(),
                all.clone().into(),
                t.into(),
            ];
            args.extend(day.clone());
            args.extend([limit.into(), offset.into()]);
            let total_sql = format!(
                "SELECT COUNT(*) FROM search_docs d
                 WHERE d.tsv @@ CAST(CAST(? AS TEXT) AS tsquery) AND d.community_id = ?{only_public}"
            );
            let mut total_args: Vec<Value> = vec![all.into(), t.into()];
            total_args.extend(day);
            (sql, args, total_sql, total_args)
        }
    };
    let mut hits = Vec::new();
    let mut total = None;
    for r in c.query(&sql, &args)? {
        hits.push(Hit {
            kind: r.text(0)?,
            ref_id: r.int(1)?,
            title: r.text(2)?,
            body: r.text(3)?,
            published_on: r.text(4)?,
            in_title: r.bool(5)?,
        });
        total = Some(r.int(6)?);
    }
    // A page past the last one has no row to carry the total.
    let total = match total {
        Some(n) => n,
        None if offset > 0 => c.count(&total_sql, &total_args)?,
        None => 0,
    };
    Ok((hits, total))
}
