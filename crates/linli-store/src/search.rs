//! The full-text search index (issue 17). The module owns `search_docs`, `search_terms` and
//! each engine's own index, `search_fts_by_date` (on SQLite also `search_fts_titles`). Other
//! modules put their documents in through [`put`] inside their own write transaction; the
//! tokens are segmented by `linli_core::publicity` before they get here.
//!
//! How a search stays within its ceiling (p99 ≤ 10 ms over 100k articles of a community,
//! migration 0021): the work of a query is bounded, whatever its words.
//!
//! * `search_terms` says, per term, how many of the community's documents hold it (in the
//!   scope asked for). The rarest term bounds the matches: when it is in at most
//!   [`RANK_CAP`] documents, or when a capped count of the matches stops at or below the cap,
//!   every match is ranked as before (title hits first, then BM25 / ts_rank with the title
//!   weighing ten times the body, then newest first), on the narrow index alone.
//! * More matches than that means every word is in a good share of the community's documents:
//!   its IDF is near 0 and relevance says little. Such a query is ordered title hits first,
//!   then newest first, and only a page's worth is read from an index already in publication
//!   order (FTS5 rowid = -order_key, ascending, stops at the LIMIT; on PostgreSQL the btree
//!   (community_id, order_key) filtered by the narrow row's tsvector). Title hits come from
//!   the titles' own index (short doclists), so a word common in bodies and rare in titles
//!   does not walk every body.
//! * The total of a one-word query is exact from `search_terms` (less the public documents
//!   dated after the portal's day, read in order from the index's newest end). Counting the
//!   intersection of several common words means reading them all (what made the old search
//!   slow), so then the total is a lower bound: [`Found::total_more`] says there are more
//!   than `total` (= the cap).
//!
//! Community, kind and public are in the narrow index itself (tokens of the FTS5 `scope`
//! column; columns of PostgreSQL's narrow table), so no wide `search_docs` row is read per
//! match; the page's rows are read last, by id and community.

use crate::db::{Conn, Dialect};
use crate::{Result, Tenant, Value, params};
use linli_core::publicity as rules;
use std::collections::{BTreeSet, HashMap};

/// Matches up to this many are ranked by relevance; beyond it, title hits first then newest
/// first (see the module's comment). Ranking 1,000 narrow entries costs a few milliseconds on
/// either engine; the cap is a parameter of [`find`] so tests can lower it.
pub const RANK_CAP: i64 = 1000;

/// `order_key` = YYYYMMDD × this + id: publication order, ties by id, in one integer.
const KEY_DAY: i64 = 10_000_000_000;

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

/// YYYYMMDD of a `YYYY-MM-DD…` text, 0 for anything else (as migration 0021 computes it).
fn day_number(day: &str) -> i64 {
    let digits = |r: std::ops::Range<usize>| -> Option<&str> {
        day.get(r).filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
    };
    let dashes = day.get(4..5) == Some("-") && day.get(7..8) == Some("-");
    match (dashes, digits(0..4), digits(5..7), digits(8..10)) {
        (true, Some(y), Some(m), Some(d)) => format!("{y}{m}{d}").parse().unwrap_or(0),
        _ => 0,
    }
}

/// The document's place in publication order (newest = largest).
pub fn order_key(published_on: &str, id: i64) -> i64 {
    day_number(published_on) * KEY_DAY + id
}

/// The largest key of a document published on or before `day`.
fn key_until(day: &str) -> i64 {
    day_number(day) * KEY_DAY + (KEY_DAY - 1)
}

/// The document's id, back from the FTS5 rowid (-order_key).
fn id_of_rowid(rowid: i64) -> i64 {
    (-rowid).rem_euclid(KEY_DAY)
}

/// A kind as an FTS5 token (unicode61 splits at `_`).
fn kind_token(kind: &str) -> String {
    kind.replace('_', "")
}

/// The scope tokens of a document: its community, with its kind, public, both; a search
/// matches exactly one of them (see [`Scope`]). As migration 0021 writes them.
fn scope_tokens(t: Tenant, kind: &str, public: bool) -> String {
    let (c, k) = (t.id(), kind_token(kind));
    if public {
        format!("c{c} c{c}k{k} c{c}p c{c}k{k}p")
    } else {
        format!("c{c} c{c}k{k}")
    }
}

/// Which of the community's documents a search looks at.
struct Scope<'a> {
    t: Tenant,
    kind: Option<&'a str>,
    /// Only public documents with an order_key up to this (published by the portal's day).
    until: Option<i64>,
}

impl Scope<'_> {
    /// The FTS5 scope token of this search.
    fn token(&self) -> String {
        let mut s = format!("c{}", self.t.id());
        if let Some(k) = self.kind {
            s.push('k');
            s.push_str(&kind_token(k));
        }
        if self.until.is_some() {
            s.push('p');
        }
        s
    }

    /// PostgreSQL: the narrow table's filter and its values.
    fn pg_filter(&self) -> (String, Vec<Value>) {
        let mut sql = String::from("community_id = ?");
        let mut args: Vec<Value> = vec![self.t.into()];
        if let Some(k) = self.kind {
            sql.push_str(" AND kind = ?");
            args.push(k.into());
        }
        if let Some(u) = self.until {
            sql.push_str(" AND public = 1 AND order_key <= ?");
            args.push(u.into());
        }
        (sql, args)
    }

    /// SQLite: the rowid range of the published-by-day filter, and its value.
    fn fts_range(&self) -> (&'static str, Vec<Value>) {
        match self.until {
            Some(u) => (" AND rowid >= ?", vec![(-u).into()]),
            None => ("", Vec::new()),
        }
    }
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
    let key = order_key(d.published_on, id);
    c.execute(
        "UPDATE search_docs SET order_key = ? WHERE id = ?",
        params![key, id],
    )?;
    match c.dialect() {
        Dialect::Sqlite => {
            let scope = scope_tokens(t, d.kind, d.public);
            c.execute(
                "INSERT INTO search_fts_by_date (rowid, scope, title, body) VALUES (?, ?, ?, ?)",
                params![
                    -key,
                    scope.as_str(),
                    title_tokens.as_str(),
                    body_tokens.as_str()
                ],
            )?;
            c.execute(
                "INSERT INTO search_fts_titles (rowid, scope, title) VALUES (?, ?, ?)",
                params![-key, scope, title_tokens.as_str()],
            )?;
        }
        Dialect::Postgres => {
            c.execute(
                // Each token with its position: a weight is stored on a position, so lexemes
                // without one (array_to_tsvector's) lose the title's A and every repeat.
                "INSERT INTO search_fts_by_date (doc_id, community_id, kind, public, order_key, tsv, title_tsv)
                 SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT),
                     setweight(COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
                         FROM unnest(string_to_array(CAST(? AS TEXT), ' ')) WITH ORDINALITY AS u(tok, n) WHERE tok <> ''), ''), 'A')
                     || COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
                         FROM unnest(string_to_array(CAST(? AS TEXT), ' ')) WITH ORDINALITY AS u(tok, n) WHERE tok <> ''), ''),
                     COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
                         FROM unnest(string_to_array(CAST(? AS TEXT), ' ')) WITH ORDINALITY AS u(tok, n) WHERE tok <> ''), '')",
                params![
                    id,
                    t,
                    d.kind,
                    d.public,
                    key,
                    title_tokens.as_str(),
                    body_tokens.as_str(),
                    title_tokens.as_str()
                ],
            )?;
        }
    }
    count_terms(c, t, d.kind, d.public, &title_tokens, &body_tokens, 1)?;
    Ok(id)
}

/// Adds `delta` (1 or -1) to the counts of a document's distinct terms. One statement per
/// document; the terms in sorted order, so two writers lock the shared rows (社区) in the same
/// order on PostgreSQL.
fn count_terms(
    c: &mut dyn Conn,
    t: Tenant,
    kind: &str,
    public: bool,
    title_tokens: &str,
    body_tokens: &str,
    delta: i64,
) -> Result<()> {
    let terms: BTreeSet<&str> = title_tokens
        .split(' ')
        .chain(body_tokens.split(' '))
        .filter(|s| !s.is_empty())
        .collect();
    if terms.is_empty() {
        return Ok(());
    }
    let json = serde_json::Value::Array(terms.iter().map(|term| serde_json::json!(term)).collect())
        .to_string();
    let sql = match c.dialect() {
        // `WHERE true`: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
        Dialect::Sqlite => {
            "INSERT INTO search_terms (community_id, term, kind, public, docs)
             SELECT ?, value, ?, ?, ? FROM json_each(?) WHERE true
             ON CONFLICT (community_id, term, kind, public) DO UPDATE
             SET docs = search_terms.docs + excluded.docs"
        }
        Dialect::Postgres => {
            "INSERT INTO search_terms (community_id, term, kind, public, docs)
             SELECT CAST(? AS BIGINT), e, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT)
             FROM json_array_elements_text(CAST(CAST(? AS TEXT) AS json)) AS e
             ON CONFLICT (community_id, term, kind, public) DO UPDATE
             SET docs = search_terms.docs + excluded.docs"
        }
    };
    c.execute(sql, params![t, kind, public, delta, json])?;
    Ok(())
}

/// Removes a document from the index (nothing when it is not there).
pub fn remove(c: &mut dyn Conn, kind: &str, ref_id: i64) -> Result<()> {
    let old = c.query_opt(
        "SELECT id, community_id, public, order_key, title_tokens, body_tokens
         FROM search_docs WHERE kind = ? AND ref_id = ?",
        params![kind, ref_id],
    )?;
    if let Some(r) = old {
        let id = r.int(0)?;
        let t = Tenant::new(r.int(1)?);
        let public = r.bool(2)?;
        let key = r.int(3)?;
        match c.dialect() {
            Dialect::Sqlite => {
                c.execute(
                    "DELETE FROM search_fts_by_date WHERE rowid = ?",
                    params![-key],
                )?;
                c.execute(
                    "DELETE FROM search_fts_titles WHERE rowid = ?",
                    params![-key],
                )?;
            }
            Dialect::Postgres => {
                c.execute(
                    "DELETE FROM search_fts_by_date WHERE doc_id = ?",
                    params![id],
                )?;
            }
        }
        count_terms(c, t, kind, public, &r.text(4)?, &r.text(5)?, -1)?;
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

/// What a search asks for.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// Every one must be in a document (from `rules::query_terms`).
    pub terms: &'a [String],
    /// Of one kind only.
    pub kind: Option<&'a str>,
    /// Only public documents published by that day (`YYYY-MM-DD`).
    pub public_on: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
    /// Matches up to this many are ranked by relevance ([`RANK_CAP`] but in tests).
    pub rank_cap: i64,
}

/// A page of hits and how many documents match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: i64,
    /// `total` is a lower bound: more than `total` documents match (several common words,
    /// whose intersection is not counted to the end).
    pub total_more: bool,
}

impl Found {
    fn none() -> Found {
        Found {
            hits: Vec::new(),
            total: 0,
            total_more: false,
        }
    }
}

/// One page of the documents holding every term, the total (see [`find`]; a lower bound for
/// several common words).
pub fn search(
    c: &mut dyn Conn,
    t: Tenant,
    terms: &[String],
    kind: Option<&str>,
    public_on: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Hit>, i64)> {
    let f = find(
        c,
        t,
        &Query {
            terms,
            kind,
            public_on,
            limit,
            offset,
            rank_cap: RANK_CAP,
        },
    )?;
    Ok((f.hits, f.total))
}

/// One page of the documents holding every term, in order: documents with every term in the
/// title first; then, when at most `rank_cap` match, by relevance (BM25 on SQLite, ts_rank on
/// PostgreSQL, the title weighing ten times the body) and newest first; when more match,
/// newest first. The order depends on the data only, so pages neither overlap nor skip.
pub fn find(c: &mut dyn Conn, t: Tenant, q: &Query) -> Result<Found> {
    if q.terms.is_empty() || q.limit <= 0 {
        return Ok(Found::none());
    }
    let scope = Scope {
        t,
        kind: q.kind,
        until: q.public_on.map(key_until),
    };
    let counts = term_counts(c, &scope, q.terms)?;
    let Some(fewest) = counts.iter().map(|n| n.docs).min() else {
        return Ok(Found::none());
    };
    if fewest == 0 {
        return Ok(Found::none());
    }
    let offset = q.offset.max(0);
    let few = fewest <= q.rank_cap
        || (q.terms.len() > 1 && capped_count(c, &scope, q.terms, q.rank_cap)? <= q.rank_cap);
    if few {
        return match c.dialect() {
            Dialect::Sqlite => {
                let df: Vec<i64> = counts.iter().map(|n| n.docs).collect();
                ranked_here(c, &scope, q.terms, &df, q.limit, offset)
            }
            Dialect::Postgres => ranked(c, &scope, q.terms, q.limit, offset),
        };
    }
    let page = by_date(c, &scope, q.terms, q.limit, offset)?;
    let (total, total_more) = match counts.as_slice() {
        [one] => (
            one.docs
                - match scope.until {
                    Some(until) => dated_after(c, &scope, q.terms, until)?,
                    None => 0,
                },
            false,
        ),
        _ => (q.rank_cap, true),
    };
    Ok(Found {
        hits: load(c, t, &page)?,
        total,
        total_more,
    })
}

/// How many of the scope's documents hold a term.
#[derive(Debug, Clone, Copy, Default)]
struct TermCount {
    docs: i64,
}

/// The count of each term (in the order of `terms`), from `search_terms`. It counts public
/// documents dated after the portal's day too: it only decides the path and bounds the work.
fn term_counts(c: &mut dyn Conn, scope: &Scope, terms: &[String]) -> Result<Vec<TermCount>> {
    let marks = vec!["?"; terms.len()].join(", ");
    let mut sql = format!(
        "SELECT term, CAST(SUM(docs) AS BIGINT) FROM search_terms WHERE community_id = ? AND term IN ({marks})"
    );
    let mut args: Vec<Value> = vec![scope.t.into()];
    args.extend(terms.iter().map(|s| Value::from(s.as_str())));
    if let Some(k) = scope.kind {
        sql.push_str(" AND kind = ?");
        args.push(k.into());
    }
    if scope.until.is_some() {
        sql.push_str(" AND public = 1");
    }
    sql.push_str(" GROUP BY term");
    let mut by_term: HashMap<String, TermCount> = HashMap::new();
    for r in c.query(&sql, &args)? {
        by_term.insert(r.text(0)?, TermCount { docs: r.int(1)? });
    }
    Ok(terms
        .iter()
        .map(|s| by_term.get(s).copied().unwrap_or_default())
        .collect())
}

/// The FTS5 expressions: every term anywhere (in the scope), every term in the title.
fn fts_all(scope: &Scope, terms: &[String]) -> String {
    format!(
        "scope : \"{}\" AND {{title body}} : ({})",
        scope.token(),
        rules::fts5_query(terms)
    )
}

fn fts_title(scope: &Scope, terms: &[String]) -> String {
    format!(
        "scope : \"{}\" AND title : ({})",
        scope.token(),
        rules::fts5_query(terms)
    )
}

/// Matches, counted up to `cap + 1` (the first ones in the index's order: bounded work).
fn capped_count(c: &mut dyn Conn, scope: &Scope, terms: &[String], cap: i64) -> Result<i64> {
    match c.dialect() {
        Dialect::Sqlite => {
            let (range, range_args) = scope.fts_range();
            let mut args: Vec<Value> = vec![fts_all(scope, terms).into()];
            args.extend(range_args);
            args.push((cap + 1).into());
            c.count(
                &format!(
                    "SELECT COUNT(*) FROM (SELECT rowid FROM search_fts_by_date
                     WHERE search_fts_by_date MATCH ?{range} LIMIT ?)"
                ),
                &args,
            )
        }
        Dialect::Postgres => {
            let (filter, mut args) = scope.pg_filter();
            args.push(rules::tsquery(terms, None).into());
            args.push((cap + 1).into());
            c.count(
                &format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts_by_date
                     WHERE {filter} AND tsv @@ CAST(CAST(? AS TEXT) AS tsquery) LIMIT ?) x"
                ),
                &args,
            )
        }
    }
}

/// A page's documents: (id, every term in the title).
type Page = Vec<(i64, bool)>;

/// The small path on PostgreSQL: every match ranked by ts_rank (at most the cap of them, on the
/// narrow table; ts_rank needs no IDF, so no count of each word), with the exact total.
fn ranked(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    limit: i64,
    offset: i64,
) -> Result<Found> {
    let (filter, filter_args) = scope.pg_filter();
    let all = rules::tsquery(terms, None);
    let sql = format!(
        "SELECT doc_id, in_title, total
         FROM (SELECT doc_id, order_key,
                      CASE WHEN title_tsv @@ CAST(CAST(? AS TEXT) AS tsquery) THEN 1 ELSE 0 END AS in_title,
                      ts_rank('{{0.1, 0.2, 0.4, 1.0}}', tsv, CAST(CAST(? AS TEXT) AS tsquery)) AS score,
                      COUNT(*) OVER () AS total
               FROM search_fts_by_date
               WHERE {filter} AND tsv @@ CAST(CAST(? AS TEXT) AS tsquery)) r
         ORDER BY in_title DESC, score DESC, order_key DESC
         LIMIT ? OFFSET ?"
    );
    let mut args: Vec<Value> = vec![all.clone().into(), all.clone().into()];
    args.extend(filter_args.clone());
    args.push(all.clone().into());
    args.extend([limit.into(), offset.into()]);
    let count_sql = format!(
        "SELECT COUNT(*) FROM search_fts_by_date
         WHERE {filter} AND tsv @@ CAST(CAST(? AS TEXT) AS tsquery)"
    );
    let mut count_args = filter_args;
    count_args.push(all.into());
    let mut page: Page = Vec::new();
    let mut total = None;
    for r in c.query(&sql, &args)? {
        page.push((r.int(0)?, r.bool(1)?));
        total = Some(r.int(2)?);
    }
    // A page past the last one has no row to carry the total.
    let total = match total {
        Some(n) => n,
        None if offset > 0 => c.count(&count_sql, &count_args)?,
        None => 0,
    };
    Ok(Found {
        hits: load(c, scope.t, &page)?,
        total,
        total_more: false,
    })
}

/// The small path on SQLite: BM25 computed here over the matches' tokens (at most the cap's
/// worth, read from the FTS5 content table, not the wide rows). FTS5's own bm25() first counts
/// every document of each phrase for its IDF, and the scope token and a common word are in
/// 100k documents: that count alone cost more than the ceiling. The IDF here comes from
/// `search_terms` (the community's own counts); N is taken as twice the commonest term's
/// count (the ratio between the terms, not the size, orders documents); the title weighs ten
/// times the body, k1 = 1.2, b = 0.75 over the matches' average length, as FTS5's bm25.
fn ranked_here(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    df: &[i64],
    limit: i64,
    offset: i64,
) -> Result<Found> {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    const TITLE_WEIGHT: f64 = 10.0;
    // With a rare term among common ones, FTS5 would still walk the common terms' long
    // doclists to intersect them: match the rarest term alone (at most the cap's worth of
    // documents) and keep those that hold every term, read from the tokens read anyway.
    // Tokens and terms are both normalised (alphanumeric, lowercase), so a term holds where
    // FTS5's unicode61 would match it.
    let rarest = df
        .iter()
        .enumerate()
        .min_by_key(|(_, d)| **d)
        .filter(|(_, d)| terms.len() > 1 && **d <= RANK_CAP)
        .and_then(|(i, _)| terms.get(i));
    let expr = match rarest {
        Some(term) => fts_all(scope, std::slice::from_ref(term)),
        None => fts_all(scope, terms),
    };
    let (range, range_args) = scope.fts_range();
    let mut args: Vec<Value> = vec![expr.into()];
    args.extend(range_args);
    let rows = c.query(
        &format!(
            "SELECT rowid, title, body FROM search_fts_by_date WHERE search_fts_by_date MATCH ?{range}"
        ),
        &args,
    )?;
    let n = 2.0 * df.iter().copied().max().unwrap_or(1).max(1) as f64;
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| (1.0 + (n - d as f64 + 0.5) / (d as f64 + 0.5)).ln())
        .collect();
    // (rowid, in title, weighted term frequencies, length)
    let mut docs: Vec<(i64, bool, Vec<f64>, f64)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let (title, body) = (r.text(1)?, r.text(2)?);
        // Each term counted where it stands as a whole token (a substring search, not a
        // comparison of every token with every term: the bodies of a thousand documents are
        // read per search).
        let mut tf = Vec::with_capacity(terms.len());
        let mut in_title = true;
        for term in terms {
            let (t, b) = (occurrences(&title, term), occurrences(&body, term));
            if t + b == 0 {
                break; // a candidate of the rarest term without some other term
            }
            in_title &= t > 0;
            tf.push(TITLE_WEIGHT * t as f64 + b as f64);
        }
        if tf.len() < terms.len() {
            continue;
        }
        let len = (token_count(&title) + token_count(&body)) as f64;
        docs.push((r.int(0)?, in_title, tf, len));
    }
    let avg = (docs.iter().map(|d| d.3).sum::<f64>() / docs.len().max(1) as f64).max(1.0);
    let mut scored: Vec<(bool, f64, i64)> = docs
        .into_iter()
        .map(|(rowid, in_title, tf, len)| {
            let score: f64 = tf
                .iter()
                .zip(&idf)
                .map(|(&f, &w)| w * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg)))
                .sum();
            (in_title, score, rowid)
        })
        .collect();
    // Title hits first, then the higher score, then newest first (rowid ascending).
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    let total = scored.len() as i64;
    let page: Page = scored
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(in_title, _, rowid)| (id_of_rowid(rowid), in_title))
        .collect();
    Ok(Found {
        hits: load(c, scope.t, &page)?,
        total,
        total_more: false,
    })
}

/// How many times `term` stands as a whole token in `tokens` (space-separated).
fn occurrences(tokens: &str, term: &str) -> usize {
    if term.is_empty() {
        return 0;
    }
    let bytes = tokens.as_bytes();
    let space_or_edge =
        |i: Option<usize>| i.is_none_or(|i| bytes.get(i).is_none_or(|&b| b == b' '));
    tokens
        .match_indices(term)
        .filter(|(at, _)| space_or_edge(at.checked_sub(1)) && space_or_edge(Some(at + term.len())))
        .count()
}

/// The tokens of a space-separated string: the starts of runs of non-spaces, counted in one
/// pass over the bytes (no token is split out and compared).
fn token_count(tokens: &str) -> usize {
    let trimmed = tokens.trim_matches(' ');
    if trimmed.is_empty() {
        return 0;
    }
    let bytes = trimmed.as_bytes();
    let gaps = bytes
        .windows(2)
        .filter(|w| w[0] == b' ' && w[1] != b' ')
        .count();
    gaps + 1
}

/// The large path's page: title hits newest first, then the other matches newest first, each
/// read through an index in publication order up to the page's end.
fn by_date(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    limit: i64,
    offset: i64,
) -> Result<Page> {
    let titled = ordered(c, scope, terms, Part::Titles, limit, offset)?;
    let got = titled.len() as i64;
    let mut page: Page = titled.into_iter().map(|id| (id, true)).collect();
    if got == limit {
        return Ok(page);
    }
    // Where the title hits end: known from this page unless it starts past them (a deep
    // page), when they are counted (work grows with the depth, as an OFFSET's does).
    let title_hits = if got > 0 || offset == 0 {
        offset + got
    } else {
        count_titles(c, scope, terms)?
    };
    let rest = ordered(
        c,
        scope,
        terms,
        Part::Rest,
        limit - got,
        (offset - title_hits).max(0),
    )?;
    page.extend(rest.into_iter().map(|id| (id, false)));
    Ok(page)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Every term in the title.
    Titles,
    /// Every term somewhere, not all in the title.
    Rest,
}

/// Ids of one part of the matches, newest first.
fn ordered(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    part: Part,
    limit: i64,
    offset: i64,
) -> Result<Vec<i64>> {
    match c.dialect() {
        Dialect::Sqlite => {
            let (range, range_args) = scope.fts_range();
            let (table, expr) = match part {
                Part::Titles => ("search_fts_titles", fts_title(scope, terms)),
                Part::Rest => (
                    "search_fts_by_date",
                    format!(
                        "({}) NOT title : ({})",
                        fts_all(scope, terms),
                        rules::fts5_query(terms)
                    ),
                ),
            };
            let mut args: Vec<Value> = vec![expr.into()];
            args.extend(range_args);
            args.extend([limit.into(), offset.into()]);
            c.query(
                &format!(
                    "SELECT rowid FROM {table} WHERE {table} MATCH ?{range}
                     ORDER BY rowid LIMIT ? OFFSET ?"
                ),
                &args,
            )?
            .iter()
            .map(|r| Ok(id_of_rowid(r.int(0)?)))
            .collect()
        }
        Dialect::Postgres => {
            let (filter, mut args) = scope.pg_filter();
            let q = rules::tsquery(terms, None);
            let matching = match part {
                Part::Titles => {
                    args.push(q.into());
                    "title_tsv @@ CAST(CAST(? AS TEXT) AS tsquery)"
                }
                Part::Rest => {
                    args.push(q.clone().into());
                    args.push(q.into());
                    "tsv @@ CAST(CAST(? AS TEXT) AS tsquery) AND NOT title_tsv @@ CAST(CAST(? AS TEXT) AS tsquery)"
                }
            };
            args.extend([limit.into(), offset.into()]);
            c.query(
                &format!(
                    "SELECT doc_id FROM search_fts_by_date WHERE {filter} AND {matching}
                     ORDER BY order_key DESC LIMIT ? OFFSET ?"
                ),
                &args,
            )?
            .iter()
            .map(|r| r.int(0))
            .collect()
        }
    }
}

/// The title hits in the scope (a deep page of the large path only).
fn count_titles(c: &mut dyn Conn, scope: &Scope, terms: &[String]) -> Result<i64> {
    match c.dialect() {
        Dialect::Sqlite => {
            let (range, range_args) = scope.fts_range();
            let mut args: Vec<Value> = vec![fts_title(scope, terms).into()];
            args.extend(range_args);
            c.count(
                &format!(
                    "SELECT COUNT(*) FROM search_fts_titles WHERE search_fts_titles MATCH ?{range}"
                ),
                &args,
            )
        }
        Dialect::Postgres => {
            let (filter, mut args) = scope.pg_filter();
            args.push(rules::tsquery(terms, None).into());
            c.count(
                &format!(
                    "SELECT COUNT(*) FROM search_fts_by_date
                     WHERE {filter} AND title_tsv @@ CAST(CAST(? AS TEXT) AS tsquery)"
                ),
                &args,
            )
        }
    }
}

/// Public matches dated after `until` (the portal's day): few, and read from the index's
/// newest end, so subtracting them keeps a one-word total exact.
fn dated_after(c: &mut dyn Conn, scope: &Scope, terms: &[String], until: i64) -> Result<i64> {
    match c.dialect() {
        Dialect::Sqlite => c.count(
            "SELECT COUNT(*) FROM search_fts_by_date WHERE search_fts_by_date MATCH ? AND rowid < ?",
            &[fts_all(scope, terms).into(), (-until).into()],
        ),
        Dialect::Postgres => {
            let mut sql = String::from(
                "SELECT COUNT(*) FROM search_fts_by_date WHERE community_id = ? AND public = 1 AND order_key > ?",
            );
            let mut args: Vec<Value> = vec![scope.t.into(), until.into()];
            if let Some(k) = scope.kind {
                sql.push_str(" AND kind = ?");
                args.push(k.into());
            }
            sql.push_str(" AND tsv @@ CAST(CAST(? AS TEXT) AS tsquery)");
            args.push(rules::tsquery(terms, None).into());
            c.count(&sql, &args)
        }
    }
}

/// The query of [`load`] for `n` ids: the community, then the ids.
fn load_sql(n: usize) -> String {
    let marks = vec!["?"; n].join(", ");
    format!(
        "SELECT id, kind, ref_id, title, body, published_on FROM search_docs
         WHERE +community_id = ? AND id IN ({marks})"
    )
}

/// The page's rows, in the page's order (the community checked again).
///
/// The ids are looked up by primary key and the community is a filter on the rows found
/// (`+community_id`): with twenty bound ids SQLite's planner otherwise preferred the
/// `(community_id, published_on)` index and walked every document of the community, 20 ms
/// of a 25 ms search over 100k articles.
fn load(c: &mut dyn Conn, t: Tenant, page: &Page) -> Result<Vec<Hit>> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = vec![t.into()];
    args.extend(page.iter().map(|(id, _)| Value::from(*id)));
    let mut rows: HashMap<i64, Hit> = HashMap::new();
    for r in c.query(&load_sql(page.len()), &args)? {
        rows.insert(
            r.int(0)?,
            Hit {
                kind: r.text(1)?,
                ref_id: r.int(2)?,
                title: r.text(3)?,
                body: r.text(4)?,
                published_on: r.text(5)?,
                in_title: false,
            },
        );
    }
    Ok(page
        .iter()
        .filter_map(|(id, in_title)| {
            rows.remove(id).map(|h| Hit {
                in_title: *in_title,
                ..h
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_counts_only_as_a_whole_token() {
        assert_eq!(occurrences("社区 志愿 志愿服务 服务 志愿", "志愿"), 2);
        assert_eq!(occurrences("志愿服务", "志愿"), 0);
        assert_eq!(occurrences("志愿", "志愿"), 1);
        assert_eq!(occurrences("", "志愿"), 0);
        assert_eq!(occurrences("a  b", ""), 0);
        assert_eq!(token_count("a  b c "), 3);
        assert_eq!(token_count(""), 0);
    }

    #[test]
    fn a_page_of_hits_is_read_by_primary_key_not_by_walking_the_community() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db").to_string_lossy().to_string();
        let db = crate::Db::open(&crate::DbConfig::new(path)).unwrap();
        crate::migrate::migrate(&db).unwrap();
        let plan: Vec<String> = db
            .read_blocking(|c| {
                let mut args: Vec<Value> = vec![Value::from(1_i64)];
                args.extend((1_i64..=20).map(Value::from));
                c.query(&format!("EXPLAIN QUERY PLAN {}", load_sql(20)), &args)?
                    .iter()
                    .map(|r| r.text(3))
                    .collect()
            })
            .unwrap();
        assert!(
            plan.iter().any(|p| p.contains("INTEGER PRIMARY KEY")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|p| p.contains("search_docs_community")),
            "{plan:?}"
        );
    }

    #[test]
    fn order_keys_follow_the_day_then_the_id() {
        assert_eq!(order_key("2026-11-30", 7), 20_261_130 * KEY_DAY + 7);
        assert!(order_key("2026-11-30", 1) > order_key("2026-11-29", 999));
        assert_eq!(order_key("soon", 7), 7);
        assert!(order_key("2026-11-30", 5) <= key_until("2026-11-30"));
        assert!(order_key("2026-12-01", 5) > key_until("2026-11-30"));
        assert_eq!(id_of_rowid(-order_key("2026-11-30", 42)), 42);
    }

    #[test]
    fn a_kind_is_one_token() {
        assert_eq!(
            scope_tokens(Tenant::new(5), "paper_issue", true),
            "c5 c5kpaperissue c5p c5kpaperissuep"
        );
    }
}
