//! The full-text search index (issue 17). The module owns `search_docs`, `search_terms`,
//! `search_stats` and each engine's own index: on SQLite the FTS5 tables `search_fts_by_date`
//! and `search_fts_titles`, on PostgreSQL `search_fts_postings` (see `postings`). Other modules
//! put their documents in through [`put`] inside their own write transaction; the tokens are
//! segmented by `linli_core::publicity` before they get here.
//!
//! Both engines answer alike (the same paths, order and totals, tested on both); what follows
//! is how SQLite bounds its work. PostgreSQL reads each term's sorted list of documents and
//! intersects them in the process (`find_listed`): a few bytes a document, in publication
//! order, so it needs neither the capped count nor the walks below.
//!
//! How a search stays within its ceiling (p99 ≤ 10 ms over 100k articles of a community,
//! migrations 0021 and 0030): the work of a query is bounded, whatever its words.
//!
//! * `search_terms` says, per term, how many of the community's documents hold it (in the
//!   scope asked for, and in all). The rarest term bounds the matches: when it is in at most
//!   [`RANK_CAP`] documents, or when a capped count of the matches stops at or below the cap,
//!   every match is ranked: title hits first, then BM25 (the title weighing ten times the
//!   body), then newest first. The index says which documents match; their `search_stats`
//!   rows (a few bytes a term) give how often each word stands in them, so no text is read.
//! * More matches than that means every word is in a good share of the community's documents:
//!   its IDF is near 0 and relevance says little. Such a query is ordered title hits first,
//!   then newest first, and only a page's worth is read from an index already in publication
//!   order (FTS5 rowid = -order_key, ascending, stops at the LIMIT). Title hits come from
//!   the titles' own index (short doclists), so a word common in bodies and rare in titles
//!   does not walk every body.
//! * The total of a one-word query is exact from `search_terms` (less the public documents
//!   dated after the portal's day, read in order from the index's newest end). Counting the
//!   intersection of several common words means reading them all (what made the old search
//!   slow), so then the total is a lower bound: [`Found::total_more`] says there are more
//!   than `total` (= the cap).
//!
//! The community is in the index itself: on SQLite each term token carries it (`c12x文明`),
//! on PostgreSQL the postings' rows do. Kind and public are filtered on the short entries
//! of the `search_stats_scope` index (PostgreSQL: the postings' rows are kept apart by kind
//! and public); on SQLite a kind that holds few of the rarest term's documents is
//! intersected as a scope token instead.
//! The page's rows are read last, by id and community.

use chrono::NaiveDate;
mod postings;
mod stats;

use crate::db::{Conn, Dialect};
use crate::{Result, Tenant, Value, from_row, params};
use linli_core::publicity as rules;
use std::collections::{BTreeSet, HashMap};

/// Matches up to this many are ranked by relevance; beyond it, title hits first then newest
/// first (see the module's comment). Ranking reads about 1 KB of stats a match: 500 cost 2-3 ms
/// on SQLite (1,000 put the p99 of several common words over the ceiling in `bench-search`);
/// the cap is a parameter of [`find`] so tests can lower it.
pub const RANK_CAP: i64 = 500;

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

impl<'a> Doc<'a> {
    /// A document known by its kind and public flag alone: what its stats row and postings
    /// need of it once its tokens are known (backfills, removal).
    fn scope(kind: &'a str, public: bool) -> Doc<'a> {
        Doc { kind, ref_id: 0, title: "", body: "", published_on: "", public }
    }
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
#[cfg(test)]
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
    if public { format!("c{c} c{c}k{k} c{c}p c{c}k{k}p") } else { format!("c{c} c{c}k{k}") }
}

/// Which of the community's documents a search looks at.
struct Scope<'a> {
    t: Tenant,
    kind: Option<&'a str>,
    /// Only public documents with an order_key up to this (published by the portal's day).
    until: Option<i64>,
    /// SQLite: the scope's token is intersected in the MATCH too. Only for a scope that holds
    /// few of the rarest term's documents (a kind the community has little of): otherwise the
    /// token's long doclist costs more than filtering the matches' stats rows.
    token: bool,
}

impl Scope<'_> {
    /// Narrower than the whole community: of one kind, or the portal's.
    fn narrow(&self) -> bool {
        self.kind.is_some() || self.until.is_some()
    }

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

    /// SQLite: the filter on the `search_stats` row `s` of each match (the community again,
    /// the kind, public) and the rowid range of the published-by-day filter, with their values.
    fn sqlite_filter(&self) -> (String, Vec<Value>) {
        let mut sql = String::from(" AND s.community_id = ?");
        let mut args: Vec<Value> = vec![self.t.into()];
        if let Some(k) = self.kind {
            sql.push_str(" AND s.kind = ?");
            args.push(k.into());
        }
        if let Some(u) = self.until {
            sql.push_str(" AND s.public = 1 AND f.rowid >= ?");
            args.push((-u).into());
        }
        (sql, args)
    }

    /// SQLite: the MATCH expression of documents holding every term (their community's
    /// tokens), with the scope's token when it is intersected.
    fn fts(&self, terms: &[String]) -> String {
        let words = fts_terms(self.t, terms);
        if self.token { format!("\"{}\" {words}", self.token()) } else { words }
    }
}

/// SQLite: the FTS5 tokens of a community's document, each term prefixed with its community
/// (`c12x文明`), so a term's doclist holds one community's documents (migration 0030).
fn prefixed(t: Tenant, tokens: &str) -> String {
    let prefix = format!("c{}x", t.id());
    let mut out = String::with_capacity(tokens.len() + tokens.len() / 2);
    for token in tokens.split(' ').filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&prefix);
        out.push_str(token);
    }
    out
}

/// SQLite: every term as the community's token, quoted, all required.
fn fts_terms(t: Tenant, terms: &[String]) -> String {
    let owned: Vec<String> = terms.iter().map(|s| prefixed(t, s)).collect();
    rules::fts5_query(&owned)
}

/// The SQL expression of a document's id from its FTS5 rowid (-order_key), as [`id_of_rowid`].
const ID_OF_ROWID: &str = "(-f.rowid) % 10000000000";

/// Puts a document in the index, or replaces it.
pub fn put(c: &mut dyn Conn, t: Tenant, d: &Doc) -> Result<i64> {
    let mut ids = put_many(c, t, std::slice::from_ref(d))?;
    ids.pop().ok_or_else(|| crate::StoreError::Db("a document was not indexed".into()))
}

/// Puts several documents of a community in the index (or replaces them), in one transaction
/// of the caller's: the term counts of the batch are added up first and written once per
/// term, so a bulk load does not update a common term's row once per document (which
/// PostgreSQL pays for with a row version each). Returns their index ids, in order.
pub fn put_many(c: &mut dyn Conn, t: Tenant, docs: &[Doc]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(docs.len());
    let mut added: HashMap<(&str, bool), TermDeltas> = HashMap::new();
    let mut postings = postings::Changes::default();
    let listed = c.dialect() == Dialect::Postgres;
    let mut in_batch: BTreeSet<(&str, i64)> = BTreeSet::new();
    for d in docs {
        if listed && !in_batch.insert((d.kind, d.ref_id)) {
            // The same document again: its first version's postings are written before the
            // replacement takes them out.
            postings::apply(c, t, &std::mem::take(&mut postings))?;
        }
        let (id, key, title_tokens, body_tokens) = put_one(c, t, d)?;
        ids.push(id);
        if listed {
            postings.document(d, key, &title_tokens, &body_tokens, true);
        }
        let deltas = added.entry((d.kind, d.public)).or_default();
        for term in distinct_terms(&title_tokens, &body_tokens) {
            *deltas.entry(term.to_string()).or_insert(0) += 1;
        }
    }
    postings::apply(c, t, &postings)?;
    for ((kind, public), deltas) in added {
        count_terms(c, t, kind, public, &deltas)?;
    }
    Ok(ids)
}

/// How much each term's count changes (sorted, so two writers lock the shared rows of
/// `search_terms` in the same order on PostgreSQL).
type TermDeltas = std::collections::BTreeMap<String, i64>;

/// A document's distinct terms.
fn distinct_terms<'a>(title_tokens: &'a str, body_tokens: &'a str) -> BTreeSet<&'a str> {
    title_tokens.split(' ').chain(body_tokens.split(' ')).filter(|s| !s.is_empty()).collect()
}

/// One document into the index (its term counts and, on PostgreSQL, its postings left to the
/// caller): its id, key and tokens.
fn put_one(c: &mut dyn Conn, t: Tenant, d: &Doc) -> Result<(i64, i64, String, String)> {
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
    c.execute("UPDATE search_docs SET order_key = ? WHERE id = ?", params![key, id])?;
    // PostgreSQL's postings are written by the caller, for the whole batch.
    if c.dialect() == Dialect::Sqlite {
        let scope = scope_tokens(t, d.kind, d.public);
        let title = prefixed(t, &title_tokens);
        c.execute(
            "INSERT INTO search_fts_by_date (rowid, scope, title, body) VALUES (?, ?, ?, ?)",
            params![-key, scope.as_str(), title.as_str(), prefixed(t, &body_tokens)],
        )?;
        c.execute(
            "INSERT INTO search_fts_titles (rowid, scope, title) VALUES (?, ?, ?)",
            params![-key, scope, title],
        )?;
    }
    put_stats(c, t, id, d, key, &title_tokens, &body_tokens)?;
    Ok((id, key, title_tokens, body_tokens))
}

/// The document's `search_stats` row: what ranking and the scope filter read.
fn put_stats(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    d: &Doc,
    key: i64,
    title_tokens: &str,
    body_tokens: &str,
) -> Result<()> {
    let (len, tf) = stats::encode(title_tokens, body_tokens);
    c.execute(
        "INSERT INTO search_stats (doc_id, community_id, kind, public, order_key, len, tf)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![id, t, d.kind, d.public, key, len, Value::Blob(tf)],
    )?;
    Ok(())
}

/// Migration 0030's step: the stats of every document indexed before it, a thousand at a time.
pub(crate) fn backfill_stats(c: &mut dyn Conn) -> Result<()> {
    loop {
        let rows = c.query(
            "SELECT d.id, d.community_id, d.kind, d.public, d.order_key, d.title_tokens, d.body_tokens
             FROM search_docs d LEFT JOIN search_stats s ON s.doc_id = d.id
             WHERE s.doc_id IS NULL ORDER BY d.id LIMIT 1000",
            params![],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        for r in rows {
            let (kind, public) = (r.text(2)?, r.bool(3)?);
            let doc = Doc::scope(&kind, public);
            let t = Tenant::new(r.int(1)?);
            put_stats(c, t, r.int(0)?, &doc, r.int(4)?, &r.text(5)?, &r.text(6)?)?;
        }
    }
}

/// Migration 0033's step (PostgreSQL): the postings of every document indexed before it, a
/// thousand documents at a time.
pub(crate) fn backfill_postings(c: &mut dyn Conn) -> Result<()> {
    if c.dialect() != Dialect::Postgres {
        return Ok(());
    }
    let mut after = 0;
    loop {
        let rows = c.query(
            "SELECT id, community_id, kind, public, order_key, title_tokens, body_tokens
             FROM search_docs WHERE id > ? ORDER BY id LIMIT 1000",
            params![after],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.int(0)?;
        let mut by_community: HashMap<i64, postings::Changes> = HashMap::new();
        for r in rows {
            let (kind, public) = (r.text(2)?, r.bool(3)?);
            let doc = Doc::scope(&kind, public);
            by_community.entry(r.int(1)?).or_default().document(
                &doc,
                r.int(4)?,
                &r.text(5)?,
                &r.text(6)?,
                true,
            );
        }
        for (community, changes) in by_community {
            postings::apply(c, Tenant::new(community), &changes)?;
        }
    }
}

/// Adds each term's delta to its count in the scope (kind, public) of the community: one
/// statement for all the terms.
fn count_terms(
    c: &mut dyn Conn,
    t: Tenant,
    kind: &str,
    public: bool,
    deltas: &TermDeltas,
) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let json = serde_json::Value::Array(
        deltas.iter().map(|(term, n)| serde_json::json!([term, n])).collect(),
    )
    .to_string();
    let sql = match c.dialect() {
        // `WHERE true`: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
        Dialect::Sqlite => {
            "INSERT INTO search_terms (community_id, term, kind, public, docs)
             SELECT ?, json_extract(value, '$[0]'), ?, ?, json_extract(value, '$[1]') FROM json_each(?) WHERE true
             ON CONFLICT (community_id, term, kind, public) DO UPDATE
             SET docs = search_terms.docs + excluded.docs"
        }
        Dialect::Postgres => {
            "INSERT INTO search_terms (community_id, term, kind, public, docs)
             SELECT CAST(? AS BIGINT), e->>0, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(e->>1 AS BIGINT)
             FROM json_array_elements(CAST(CAST(? AS TEXT) AS json)) AS e
             ON CONFLICT (community_id, term, kind, public) DO UPDATE
             SET docs = search_terms.docs + excluded.docs"
        }
    };
    c.execute(sql, params![t, kind, public, json])?;
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
        let (title_tokens, body_tokens) = (r.text(4)?, r.text(5)?);
        match c.dialect() {
            Dialect::Sqlite => {
                c.execute("DELETE FROM search_fts_by_date WHERE rowid = ?", params![-key])?;
                c.execute("DELETE FROM search_fts_titles WHERE rowid = ?", params![-key])?;
            }
            Dialect::Postgres => {
                let doc = Doc::scope(kind, public);
                let mut out = postings::Changes::default();
                out.document(&doc, key, &title_tokens, &body_tokens, false);
                postings::apply(c, t, &out)?;
            }
        }
        let removed: TermDeltas = distinct_terms(&title_tokens, &body_tokens)
            .into_iter()
            .map(|term| (term.to_string(), -1))
            .collect();
        count_terms(c, t, kind, public, &removed)?;
        c.execute("DELETE FROM search_stats WHERE doc_id = ?", params![id])?;
        c.execute("DELETE FROM search_docs WHERE id = ?", params![id])?;
    }
    Ok(())
}

/// The ids of a kind's documents in the index (to find what is missing).
pub fn indexed(c: &mut dyn Conn, t: Tenant, kind: &str) -> Result<Vec<i64>> {
    c.query_map(
        "SELECT ref_id FROM search_docs WHERE community_id = ? AND kind = ? ORDER BY ref_id",
        params![t, kind],
        |r| r.int(0),
    )
}

/// A hit: the document and whether every term is in its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: String,
    pub ref_id: i64,
    pub title: String,
    pub body: String,
    pub published_on: NaiveDate,
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
        Found { hits: Vec::new(), total: 0, total_more: false }
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
    let f = find(c, t, &Query { terms, kind, public_on, limit, offset, rank_cap: RANK_CAP })?;
    Ok((f.hits, f.total))
}

/// One page of the documents holding every term, in order: documents with every term in the
/// title first; then, when at most `rank_cap` match, by relevance (BM25 over the matches'
/// stats, the title weighing ten times the body) and newest first; when more match, newest
/// first. The order depends on the data only, so pages neither overlap nor skip.
pub fn find(c: &mut dyn Conn, t: Tenant, q: &Query) -> Result<Found> {
    if q.terms.is_empty() || q.limit <= 0 {
        return Ok(Found::none());
    }
    if c.dialect() == Dialect::Postgres {
        return find_listed(c, t, q);
    }
    let mut scope = Scope { t, kind: q.kind, until: q.public_on.map(key_until), token: false };
    let counts = term_counts(c, &scope, q.terms)?;
    let Some(fewest) = counts.iter().min_by_key(|n| n.docs).copied() else {
        return Ok(Found::none());
    };
    if fewest.docs == 0 {
        return Ok(Found::none());
    }
    scope.token = scope.narrow() && fewest.docs.saturating_mul(4) < fewest.all;
    let offset = q.offset.max(0);
    let df: Vec<i64> = counts.iter().map(|n| n.docs).collect();
    // The matches are few when the rarest term is (its count bounds them), or when a capped
    // count of them stops at or below the cap (bounded work).
    let few = if fewest.docs <= q.rank_cap {
        Some(matching(c, &scope, q.terms, None)?)
    } else if q.terms.len() > 1 {
        Some(matching(c, &scope, q.terms, Some(q.rank_cap + 1))?)
            .filter(|ids| ids.len() as i64 <= q.rank_cap)
    } else {
        None
    };
    if let Some(ids) = few {
        let found = stats_of(c, t, &ids)?;
        return rank(c, t, q.terms, &df, found, q.limit, offset);
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
    Ok(Found { hits: load(c, t, &page)?, total, total_more })
}

/// PostgreSQL's [`find`], from the terms' postings (`postings`): the same paths, order and
/// totals, with the matches intersected in the process, newest first, only as far as the
/// path needs them.
fn find_listed(c: &mut dyn Conn, t: Tenant, q: &Query) -> Result<Found> {
    let until = q.public_on.map(key_until);
    // Published by the portal's day: a list's keys up to `until`.
    let published =
        |l: &[i64]| -> usize { until.map_or(l.len(), |u| l.partition_point(|&k| k <= u)) };
    let lists = postings::lists(c, t, q.terms, false, q.kind, until.is_some())?;
    // In the scope, dated after the portal's day too (as `search_terms` counts them).
    let df: Vec<i64> = lists.iter().map(|l| l.len() as i64).collect();
    let fewest = df.iter().copied().min().unwrap_or(0);
    if fewest == 0 {
        return Ok(Found::none());
    }
    let anywhere: Vec<&[i64]> = lists.iter().map(|l| &l[..published(l)]).collect();
    let cap = usize::try_from(q.rank_cap).unwrap_or(0);
    // Few: the rarest word is in at most `cap` documents, or its matches stop at the cap.
    let few = if fewest <= q.rank_cap {
        Some(postings::newest(&anywhere, usize::MAX))
    } else if q.terms.len() > 1 {
        Some(postings::newest(&anywhere, cap.saturating_add(1))).filter(|m| m.len() <= cap)
    } else {
        None
    };
    let offset = usize::try_from(q.offset.max(0)).unwrap_or(usize::MAX);
    if let Some(matches) = few {
        let ids: Vec<i64> = matches.iter().map(|&k| postings::id_of_key(k)).collect();
        let found = stats_of(c, t, &ids)?;
        return rank(c, t, q.terms, &df, found, q.limit, q.offset.max(0));
    }
    // Many: title hits newest first, then the other matches newest first, as far as the page.
    let limit = usize::try_from(q.limit).unwrap_or(0);
    let titled_lists = postings::lists(c, t, q.terms, true, q.kind, until.is_some())?;
    let titled: Vec<&[i64]> = titled_lists.iter().map(|l| &l[..published(l)]).collect();
    let in_titles = postings::newest(&titled, offset.saturating_add(limit));
    let mut page: Page =
        in_titles.iter().skip(offset).map(|&k| (postings::id_of_key(k), true)).collect();
    if page.len() < limit {
        // The title hits ended before the page did: there are `in_titles.len()` of them.
        let mut skip = offset.saturating_sub(in_titles.len());
        let is_title = |k: i64| titled.iter().all(|l| l.binary_search(&k).is_ok());
        postings::newest_each(&anywhere, |k| {
            if is_title(k) {
                return true;
            }
            if skip > 0 {
                skip -= 1;
                return true;
            }
            page.push((postings::id_of_key(k), false));
            page.len() < limit
        });
    }
    let (total, total_more) = match anywhere.as_slice() {
        [one] => (one.len() as i64, false),
        _ => (q.rank_cap, true),
    };
    Ok(Found { hits: load(c, t, &page)?, total, total_more })
}

/// How many documents hold a term: in the scope asked for, and in the whole community.
#[derive(Debug, Clone, Copy, Default)]
struct TermCount {
    docs: i64,
    all: i64,
}

/// The count of each term (in the order of `terms`), from `search_terms`. It counts public
/// documents dated after the portal's day too: it only decides the path and bounds the work.
fn term_counts(c: &mut dyn Conn, scope: &Scope, terms: &[String]) -> Result<Vec<TermCount>> {
    let marks = vec!["?"; terms.len()].join(", ");
    let mut in_scope = vec!["1 = 1"];
    let mut args: Vec<Value> = Vec::new();
    if let Some(k) = scope.kind {
        in_scope.push("kind = ?");
        args.push(k.into());
    }
    if scope.until.is_some() {
        in_scope.push("public = 1");
    }
    let sql = format!(
        "SELECT term, CAST(SUM(CASE WHEN {} THEN docs ELSE 0 END) AS BIGINT), CAST(SUM(docs) AS BIGINT)
         FROM search_terms WHERE community_id = ? AND term IN ({marks}) GROUP BY term",
        in_scope.join(" AND ")
    );
    args.push(scope.t.into());
    args.extend(terms.iter().map(|s| Value::from(s.as_str())));
    let mut by_term: HashMap<String, TermCount> = HashMap::new();
    for r in c.query(&sql, &args)? {
        by_term.insert(r.text(0)?, TermCount { docs: r.int(1)?, all: r.int(2)? });
    }
    Ok(terms.iter().map(|s| by_term.get(s).copied().unwrap_or_default()).collect())
}

/// A match with what ranking reads of it (its `search_stats` row).
struct Match {
    id: i64,
    order_key: i64,
    len: i64,
    tf: Vec<u8>,
}

/// The ids of the scope's documents holding every term; the first `limit` of them in the
/// index's order when given (bounded work). Only the scope is read of each match (on SQLite
/// from the short entries of `search_stats_scope`).
fn matching(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    limit: Option<i64>,
) -> Result<Vec<i64>> {
    let (from, mut args) = sqlite_part(scope, terms, Part::All);
    let sql = format!("SELECT s.doc_id FROM {from}");
    let sql = match limit {
        Some(n) => {
            args.push(n.into());
            format!("{sql} LIMIT ?")
        }
        None => sql,
    };
    c.query(&sql, &args)?.iter().map(|r| r.int(0)).collect()
}

/// The stats rows of the community's documents `ids` (in no particular order).
fn stats_of(c: &mut dyn Conn, t: Tenant, ids: &[i64]) -> Result<Vec<Match>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let (filter, list) = match c.dialect() {
        Dialect::Sqlite => (
            "doc_id IN (SELECT value FROM json_each(?))",
            serde_json::Value::from(sorted).to_string(),
        ),
        // An array literal read by one index scan: about half the time of a join on the
        // elements of a JSON array (1.5 against 2.8 ms for 480 stats rows).
        Dialect::Postgres => (
            "doc_id = ANY(CAST(CAST(? AS TEXT) AS BIGINT[]))",
            format!("{{{}}}", sorted.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
        ),
    };
    c.query_map(
        &format!(
            "SELECT doc_id, order_key, len, tf FROM search_stats
             WHERE {filter} AND community_id = ?"
        ),
        params![list, t],
        |r| Ok(from_row!(r => Match { id, order_key, len, tf })),
    )
}

/// A page's documents: (id, every term in the title).
type Page = Vec<(i64, bool)>;

/// The small path: the matches holding every term ranked by BM25 from their stats, title hits
/// first, then the higher score, then newest first; with the exact total. The IDF comes from
/// `search_terms` (the community's own counts; N is taken as twice the commonest term's count:
/// the ratio between the terms, not the size, orders documents); the title weighs ten times
/// the body, k1 = 1.2, b = 0.75 over the matches' average length, as FTS5's bm25.
fn rank(
    c: &mut dyn Conn,
    t: Tenant,
    terms: &[String],
    df: &[i64],
    found: Vec<Match>,
    limit: i64,
    offset: i64,
) -> Result<Found> {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    const TITLE_WEIGHT: f64 = 10.0;
    let hashes: Vec<u32> = terms.iter().map(|s| stats::term_hash(s)).collect();
    let n = 2.0 * df.iter().copied().max().unwrap_or(1).max(1) as f64;
    let idf: Vec<f64> =
        df.iter().map(|&d| (1.0 + (n - d as f64 + 0.5) / (d as f64 + 0.5)).ln()).collect();
    // (id, order_key, in title, weighted term frequencies, length)
    let mut docs: Vec<(i64, i64, bool, Vec<f64>, f64)> = Vec::with_capacity(found.len());
    for m in found {
        // Every match holds every term (the index said so); the stats give how often.
        let mut in_title = true;
        let tf: Vec<f64> = hashes
            .iter()
            .map(|&h| {
                let f = stats::lookup(&m.tf, h).unwrap_or_default();
                in_title &= f.title > 0;
                TITLE_WEIGHT * f64::from(f.title) + f64::from(f.body)
            })
            .collect();
        docs.push((m.id, m.order_key, in_title, tf, m.len as f64));
    }
    let avg = (docs.iter().map(|d| d.4).sum::<f64>() / docs.len().max(1) as f64).max(1.0);
    let mut scored: Vec<(bool, f64, i64, i64)> = docs
        .into_iter()
        .map(|(id, key, in_title, tf, len)| {
            let score: f64 = tf
                .iter()
                .zip(&idf)
                .map(|(&f, &w)| w * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg)))
                .sum();
            (in_title, score, key, id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(b.2.cmp(&a.2)));
    let total = scored.len() as i64;
    let page: Page = scored
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(in_title, _, _, id)| (id, in_title))
        .collect();
    Ok(Found { hits: load(c, t, &page)?, total, total_more: false })
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
    let title_hits =
        if got > 0 || offset == 0 { offset + got } else { count_titles(c, scope, terms)? };
    let rest = ordered(c, scope, terms, Part::Rest, limit - got, (offset - title_hits).max(0))?;
    page.extend(rest.into_iter().map(|id| (id, false)));
    Ok(page)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Every term somewhere.
    All,
    /// Every term in the title.
    Titles,
    /// Every term somewhere, not all in the title.
    Rest,
}

/// SQLite: the FROM and WHERE of one part's matches in the scope (`f` the FTS5 table, `s`
/// each match's stats row), with its values.
fn sqlite_part(scope: &Scope, terms: &[String], part: Part) -> (String, Vec<Value>) {
    let (table, expr) = match part {
        Part::All => ("search_fts_by_date", scope.fts(terms)),
        Part::Titles => ("search_fts_titles", scope.fts(terms)),
        Part::Rest => (
            "search_fts_by_date",
            format!("({}) NOT title : ({})", scope.fts(terms), fts_terms(scope.t, terms)),
        ),
    };
    let (filter, filter_args) = scope.sqlite_filter();
    let mut args: Vec<Value> = vec![expr.into()];
    args.extend(filter_args);
    (
        format!(
            "{table} f CROSS JOIN search_stats AS s INDEXED BY search_stats_scope ON s.doc_id = {ID_OF_ROWID}
             WHERE f.{table} MATCH ?{filter}"
        ),
        args,
    )
}

/// Ids of one part of the matches, newest first (SQLite).
fn ordered(
    c: &mut dyn Conn,
    scope: &Scope,
    terms: &[String],
    part: Part,
    limit: i64,
    offset: i64,
) -> Result<Vec<i64>> {
    let (from, mut args) = sqlite_part(scope, terms, part);
    args.extend([limit.into(), offset.into()]);
    c.query_map(
        &format!("SELECT s.doc_id FROM {from} ORDER BY f.rowid LIMIT ? OFFSET ?"),
        &args,
        |r| r.int(0),
    )
}

/// The title hits in the scope (a deep page of the large path only; SQLite).
fn count_titles(c: &mut dyn Conn, scope: &Scope, terms: &[String]) -> Result<i64> {
    let (from, args) = sqlite_part(scope, terms, Part::Titles);
    c.count(&format!("SELECT COUNT(*) FROM {from}"), &args)
}

/// Public matches dated after `until` (the portal's day): few, and read from the index's
/// newest end, so subtracting them keeps a one-word total exact (SQLite).
fn dated_after(c: &mut dyn Conn, scope: &Scope, terms: &[String], until: i64) -> Result<i64> {
    let mut args: Vec<Value> = vec![scope.fts(terms).into(), scope.t.into()];
    let mut sql = format!(
        "SELECT COUNT(*) FROM search_fts_by_date f
         CROSS JOIN search_stats AS s INDEXED BY search_stats_scope ON s.doc_id = {ID_OF_ROWID}
         WHERE f.search_fts_by_date MATCH ? AND s.community_id = ? AND s.public = 1"
    );
    if let Some(k) = scope.kind {
        sql.push_str(" AND s.kind = ?");
        args.push(k.into());
    }
    sql.push_str(" AND f.rowid < ?");
    args.push((-until).into());
    c.count(&sql, &args)
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
                published_on: r.date(5)?,
                in_title: false,
            },
        );
    }
    Ok(page
        .iter()
        .filter_map(|(id, in_title)| rows.remove(id).map(|h| Hit { in_title: *in_title, ..h }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_community_s_terms_are_its_own_tokens() {
        let t = Tenant::new(12);
        assert_eq!(prefixed(t, "文明 楼道"), "c12x文明 c12x楼道");
        assert_eq!(prefixed(t, ""), "");
        assert_eq!(
            fts_terms(t, &["文明".to_string(), "2x".to_string()]),
            "\"c12x文明\" \"c12x2x\""
        );
        // The SQL form of `id_of_rowid`.
        assert_eq!(ID_OF_ROWID, format!("(-f.rowid) % {KEY_DAY}"));
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
                c.query_map(&format!("EXPLAIN QUERY PLAN {}", load_sql(20)), &args, |r| r.text(3))
            })
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("INTEGER PRIMARY KEY")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("search_docs_community")), "{plan:?}");
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

    /// A SQLite database migrated up to `version`, with one community.
    fn database_at(dir: &tempfile::TempDir, version: i64) -> (crate::Db, Tenant) {
        migrated_to(dir.path().join("s.db").to_string_lossy().to_string(), version)
    }

    /// The database at `location` (a path or a PostgreSQL URL) migrated up to `version`, with
    /// one community.
    fn migrated_to(location: String, version: i64) -> (crate::Db, Tenant) {
        let db = crate::Db::open(&crate::DbConfig::new(location)).unwrap();
        crate::migrate::migrate_until(&db, version).unwrap();
        let t = db
            .write_blocking(|c| {
                crate::places::create(
                    c,
                    linli_core::PlaceKind::Community,
                    "书香社区",
                    None,
                    chrono::Utc::now(),
                )
            })
            .unwrap();
        (db, Tenant::new(t.id))
    }

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// Two public articles as an older version left them in `search_docs` (their text already
    /// tokens), each with its stats row when `with_stats` (version 30 on).
    fn old_articles(c: &mut dyn Conn, t: Tenant, with_stats: bool) -> Result<()> {
        for (id, title, body, day) in [
            (1, "楼道 文明", "社区 志愿", "2026-03-01"),
            (2, "社区 简讯", "文明 楼道 文明 楼道", "2026-04-01"),
        ] {
            c.execute(
                "INSERT INTO search_docs (id, community_id, kind, ref_id, title, body, published_on, public,
                     title_tokens, body_tokens, order_key)
                 VALUES (?, ?, 'article', ?, ?, ?, ?, 1, ?, ?, ?)",
                params![id, t, id, title, body, day, title, body, order_key(day, id)],
            )?;
            if with_stats {
                let doc = Doc {
                    kind: "article",
                    ref_id: id,
                    title,
                    body,
                    published_on: day,
                    public: true,
                };
                put_stats(c, t, id, &doc, order_key(day, id), title, body)?;
            }
        }
        Ok(())
    }

    #[test]
    fn documents_indexed_before_migration_30_are_found_and_ranked_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let (db, t) = database_at(&dir, 29);
        // Two articles as version 29 left them: their rows, tokens and term counts.
        db.write_blocking(|c| {
            old_articles(c, t, false)?;
            for (term, docs) in [("楼道", 2), ("文明", 2), ("社区", 2), ("志愿", 1), ("简讯", 1)] {
                c.execute(
                    "INSERT INTO search_terms (community_id, term, kind, public, docs) VALUES (?, ?, 'article', 1, ?)",
                    params![t, term, docs],
                )?;
            }
            Ok::<_, crate::StoreError>(())
        })
        .unwrap();
        crate::migrate::migrate(&db).unwrap();
        let found = db
            .read_blocking(|c| {
                find(
                    c,
                    t,
                    &Query {
                        terms: &terms(&["文明", "楼道"]),
                        kind: Some("article"),
                        public_on: None,
                        limit: 20,
                        offset: 0,
                        rank_cap: RANK_CAP,
                    },
                )
            })
            .unwrap();
        let order: Vec<(i64, bool)> = found.hits.iter().map(|h| (h.ref_id, h.in_title)).collect();
        assert_eq!(order, [(1, true), (2, false)], "the title hit first");
        assert_eq!(found.total, 2);
        // Every document has its stats row, and the portal finds them too.
        let stats =
            db.read_blocking(|c| c.count("SELECT COUNT(*) FROM search_stats", params![])).unwrap();
        assert_eq!(stats, 2);
        let portal = db
            .read_blocking(|c| search(c, t, &terms(&["志愿"]), None, Some("2026-12-31"), 20, 0))
            .unwrap();
        assert_eq!(portal.1, 1);
        assert_eq!(portal.0[0].ref_id, 1);
    }

    #[test]
    fn matches_are_read_in_the_index_s_order_and_filtered_on_short_scope_entries() {
        let dir = tempfile::tempdir().unwrap();
        let (db, t) = database_at(&dir, latest());
        let scope =
            Scope { t, kind: Some("article"), until: Some(key_until("2026-12-31")), token: false };
        let words = terms(&["文明", "楼道"]);
        let (from, args) = sqlite_part(&scope, &words, Part::Rest);
        let plan: Vec<String> = db
            .read_blocking(|c| {
                let mut args = args.clone();
                args.extend([Value::from(20_i64), Value::from(0_i64)]);
                c.query_map(
                    &format!("EXPLAIN QUERY PLAN SELECT s.doc_id FROM {from} ORDER BY f.rowid LIMIT ? OFFSET ?"),
                    &args,
                    |r| r.text(3),
                )
            })
            .unwrap();
        assert!(plan[0].contains("VIRTUAL TABLE INDEX"), "{plan:?}");
        // The scope of each match from the short index entries, not the row with its `tf`.
        assert!(plan.iter().any(|p| p.contains("COVERING INDEX search_stats_scope")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }

    fn latest() -> i64 {
        crate::migrate::latest_version()
    }

    /// The first page (20) of a search of the community's articles, with `cap`.
    fn first_page(db: &crate::Db, t: Tenant, words: &[&str], cap: i64) -> Found {
        let words = terms(words);
        db.read_blocking(|c| {
            find(
                c,
                t,
                &Query {
                    terms: &words,
                    kind: Some("article"),
                    public_on: None,
                    limit: 20,
                    offset: 0,
                    rank_cap: cap,
                },
            )
        })
        .unwrap()
    }

    #[test]
    fn documents_indexed_before_migration_33_are_found_on_postgresql_after_it() {
        let Some(url) = crate::pg::tests::fresh_database("postings") else {
            return;
        };
        let (db, t) = migrated_to(url, 32);
        // Two articles as version 32 left them (its tsvector table is dropped by 33).
        db.write_blocking(|c| old_articles(c, t, true)).unwrap();
        crate::migrate::migrate(&db).unwrap();
        for cap in [0, RANK_CAP] {
            let found = first_page(&db, t, &["文明", "楼道"], cap);
            let order: Vec<(i64, bool)> =
                found.hits.iter().map(|h| (h.ref_id, h.in_title)).collect();
            assert_eq!(order, [(1, true), (2, false)], "cap {cap}: the title hit first");
        }
        assert_eq!(first_page(&db, t, &["文明", "楼道"], RANK_CAP).total, 2);
        let portal = db
            .read_blocking(|c| search(c, t, &terms(&["志愿"]), None, Some("2026-12-31"), 20, 0))
            .unwrap();
        assert_eq!((portal.0.len(), portal.1), (1, 1));
        assert_eq!(portal.0[0].ref_id, 1);
    }

    /// A batch that puts one document twice leaves its second version alone in the index.
    fn a_document_put_twice_in_one_batch_is_its_second_version(location: String) {
        let (db, t) = migrated_to(location, latest());
        let doc = |title| Doc {
            kind: "article",
            ref_id: 7,
            title,
            body: "社区简讯。",
            published_on: "2026-11-30",
            public: true,
        };
        db.write_blocking(|c| put_many(c, t, &[doc("植树活动"), doc("供暖检修")])).unwrap();
        for cap in [0, RANK_CAP] {
            for (words, total) in [(&["供暖"][..], 1), (&["植树"], 0), (&["社区"], 1)] {
                let found = first_page(&db, t, words, cap);
                assert_eq!(
                    (found.total, found.hits.len() as i64),
                    (total, total),
                    "{words:?} cap {cap}"
                );
            }
        }
    }

    #[test]
    fn a_document_put_twice_in_one_batch_is_its_second_version_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        a_document_put_twice_in_one_batch_is_its_second_version(
            dir.path().join("s.db").to_string_lossy().to_string(),
        );
    }

    #[test]
    fn a_document_put_twice_in_one_batch_is_its_second_version_on_postgresql() {
        let Some(url) = crate::pg::tests::fresh_database("twice") else {
            return;
        };
        a_document_put_twice_in_one_batch_is_its_second_version(url);
    }

    #[test]
    fn two_writers_of_one_community_keep_each_other_s_documents_on_postgresql() {
        let Some(url) = crate::pg::tests::fresh_database("writers") else {
            return;
        };
        let (db, t) = migrated_to(url, latest());
        std::thread::scope(|s| {
            for writer in 0..2_i64 {
                let db = db.clone();
                s.spawn(move || {
                    for i in 0..15 {
                        db.write_blocking(|c| {
                            put(
                                c,
                                t,
                                &Doc {
                                    kind: "article",
                                    ref_id: writer * 100 + i,
                                    title: "楼道简讯",
                                    body: "文明楼道，清洁楼道。",
                                    published_on: "2026-11-30",
                                    public: true,
                                },
                            )
                        })
                        .unwrap();
                    }
                });
            }
        });
        // Every document of both writers is in the term's one row (same quarter, kind, public).
        for cap in [0, RANK_CAP] {
            let found = first_page(&db, t, &["楼道"], cap);
            assert_eq!((found.total, found.hits.len()), (30, 20), "cap {cap}");
        }
        let rows = db
            .read_blocking(|c| {
                c.count("SELECT COUNT(*) FROM search_fts_postings WHERE term = '楼道'", params![])
            })
            .unwrap();
        assert_eq!(rows, 2, "one row for the titles, one for anywhere");
    }

    #[test]
    fn a_kind_is_one_token() {
        assert_eq!(
            scope_tokens(Tenant::new(5), "paper_issue", true),
            "c5 c5kpaperissue c5p c5kpaperissuep"
        );
    }
}
