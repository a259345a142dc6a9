//! PostgreSQL's full-text index (migration 0033): for each term of a community, the documents
//! that hold it, as lists of their publication keys (`order_key`), one row per quarter of
//! publication, kind and public flag, and a second set of rows for the terms of titles.
//!
//! Why not the GIN index over tsvectors it replaced: an AND of common words costs GIN about
//! 0.05-0.1 µs per posting entry of every word, and the planner then either sorts every match
//! or walks the publication order checking each row (p99 23 ms over 100k articles, 2026-12-07).
//! Here a search reads each term's rows in one index range, decodes them (a few bytes a
//! document) and intersects the sorted lists in the process from their newest end: the
//! matches come out in publication order, so "newest first" needs no sort, and a page of a
//! large intersection stops early.
//!
//! A row's `keys` are the ascending keys, the first as it is and each next one as its
//! difference from the one before, in LEB128 varints ([`encode`]): about 3 bytes a document.
//! Writers merge their changes into the rows (read, merge, write back) under a per-community
//! advisory lock, so two writers of one community never lose each other's keys.

use super::{Doc, KEY_DAY, distinct_terms};
use crate::db::{Conn, Dialect};
use crate::{Result, StoreError, Tenant, Value, from_row, params};
use std::collections::{BTreeMap, BTreeSet};

/// The keys, ascending and distinct, as a row stores them.
pub(super) fn encode(keys: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(keys.len() * 3);
    let mut last: u64 = 0;
    for &k in keys {
        let k = k.max(0) as u64;
        let mut delta = k - last;
        last = k;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

/// Appends a row's keys to `out` (ascending within the row).
pub(super) fn decode_into(bytes: &[u8], out: &mut Vec<i64>) -> Result<()> {
    let corrupt = || StoreError::Db("a row of the search index is corrupt".into());
    let mut last: u64 = 0;
    let mut delta: u64 = 0;
    let mut shift = 0u32;
    for &b in bytes {
        if shift > 63 {
            return Err(corrupt());
        }
        delta |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            last = last.checked_add(delta).ok_or_else(corrupt)?;
            out.push(i64::try_from(last).map_err(|_| corrupt())?);
            delta = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    if shift != 0 {
        return Err(corrupt());
    }
    Ok(())
}

/// The keys in every list (each ascending), newest (largest) first, each handed to `visit`
/// until it says stop (`false`): the shortest list walked from its end and each key looked
/// for in the others by galloping back from where the last one was found, so the work grows
/// with the matches wanted (or, for a rare word with common ones, with the rare word's list),
/// not with the lists' length.
pub(super) fn newest_each(lists: &[&[i64]], mut visit: impl FnMut(i64) -> bool) {
    let Some(shortest) = lists.iter().min_by_key(|l| l.len()) else {
        return;
    };
    // Each list's keys still to look in: `..end` (every later key has been passed).
    let mut ends: Vec<usize> = lists.iter().map(|l| l.len()).collect();
    'keys: for &k in shortest.iter().rev() {
        for (list, end) in lists.iter().zip(ends.iter_mut()) {
            let head = &list[..*end];
            let n = head.len();
            let mut step = 1;
            while step < n && head[n - 1 - step] > k {
                step *= 2;
            }
            let lo = n.saturating_sub(step + 1);
            match head[lo..].binary_search(&k) {
                Ok(i) => *end = lo + i,
                Err(i) => {
                    *end = lo + i;
                    if *end == 0 {
                        return;
                    }
                    continue 'keys;
                }
            }
        }
        if !visit(k) {
            return;
        }
    }
}

/// Up to `most` keys in every list, newest first (see [`newest_each`]).
pub(super) fn newest(lists: &[&[i64]], most: usize) -> Vec<i64> {
    let mut out = Vec::new();
    if most == 0 {
        return out;
    }
    newest_each(lists, |k| {
        out.push(k);
        out.len() < most
    });
    out
}

/// The document's id in a key (`order_key` = day × KEY_DAY + id).
pub(super) fn id_of_key(key: i64) -> i64 {
    key.rem_euclid(KEY_DAY)
}

/// The quarter (YYYYQ) a key's row is filed under; 0 for an undated document. A quarter's
/// row of a word common in a community of 100k documents holds ~2,500 of them in ~5 KB: few
/// rows to read for a search, small enough to rewrite for each new document.
fn quarter_of(key: i64) -> i64 {
    let day = key.div_euclid(KEY_DAY);
    if day == 0 {
        return 0;
    }
    let month = (day / 100 % 100).clamp(1, 12);
    day / 10_000 * 10 + (month - 1) / 3 + 1
}

/// One row: a term's documents of one quarter, kind and public flag; in titles or anywhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RowKey {
    term: String,
    title: bool,
    quarter: i64,
    kind: String,
    public: bool,
}

/// Keys to add to rows and keys to take out of them, gathered before anything is written.
#[derive(Debug, Default)]
pub(super) struct Changes {
    rows: BTreeMap<RowKey, (Vec<i64>, Vec<i64>)>,
}

impl Changes {
    /// A document's key in (or, `adding` false, out of) the rows of its terms.
    pub(super) fn document(
        &mut self,
        doc: &Doc,
        key: i64,
        title_tokens: &str,
        body_tokens: &str,
        adding: bool,
    ) {
        let titled: BTreeSet<&str> = title_tokens.split(' ').filter(|s| !s.is_empty()).collect();
        let anywhere = distinct_terms(title_tokens, body_tokens);
        let rows = titled
            .into_iter()
            .map(|term| (term, true))
            .chain(anywhere.into_iter().map(|term| (term, false)));
        for (term, title) in rows {
            let row = RowKey {
                term: term.to_string(),
                title,
                quarter: quarter_of(key),
                kind: doc.kind.to_string(),
                public: doc.public,
            };
            let (add, remove) = self.rows.entry(row).or_default();
            if adding { add } else { remove }.push(key);
        }
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The JSON array of the rows' keys as the statements below take it.
fn row_keys<'a>(rows: impl Iterator<Item = &'a RowKey>) -> String {
    serde_json::Value::Array(
        rows.map(|r| {
            serde_json::json!([r.term, i64::from(r.title), r.quarter, r.kind, i64::from(r.public)])
        })
        .collect(),
    )
    .to_string()
}

/// The statements' match of a row on a JSON element `e` (as [`row_keys`] writes it).
const ROW_IS_E: &str =
    "p.community_id = CAST(? AS BIGINT) AND p.term = e->>0 AND p.title = CAST(e->>1 AS BIGINT)
     AND p.quarter = CAST(e->>2 AS BIGINT) AND p.kind = e->>3 AND p.public = CAST(e->>4 AS BIGINT)";

/// Writes the changes into the community's rows, in the caller's transaction: each row read,
/// merged and written back, emptied rows deleted. The community's index writers take turns
/// (a transaction-scoped advisory lock), so a merge never works from a row another writer is
/// changing.
pub(super) fn apply(c: &mut dyn Conn, t: Tenant, changes: &Changes) -> Result<()> {
    if c.dialect() != Dialect::Postgres || changes.is_empty() {
        return Ok(());
    }
    c.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(CAST(? AS TEXT), 7447306))",
        params![format!("search {}", t.id())],
    )?;
    let wanted = row_keys(changes.rows.keys());
    let mut stored: BTreeMap<RowKey, Vec<i64>> = BTreeMap::new();
    for r in c.query(
        &format!(
            "SELECT p.term, p.title, p.quarter, p.kind, p.public, p.keys
             FROM json_array_elements(CAST(CAST(? AS TEXT) AS json)) AS e
             JOIN search_fts_postings p ON {ROW_IS_E}"
        ),
        params![wanted, t],
    )? {
        let row = from_row!(r => RowKey { term, title, quarter, kind, public });
        let mut keys = Vec::new();
        decode_into(r.bytes(5)?, &mut keys)?;
        stored.insert(row, keys);
    }
    let mut written: Vec<serde_json::Value> = Vec::new();
    let mut emptied: Vec<&RowKey> = Vec::new();
    for (row, (add, remove)) in &changes.rows {
        let mut keys = stored.remove(row).unwrap_or_default();
        keys.extend_from_slice(add);
        keys.sort_unstable();
        keys.dedup();
        if !remove.is_empty() {
            let gone: BTreeSet<i64> = remove.iter().copied().collect();
            keys.retain(|k| !gone.contains(k));
        }
        if keys.is_empty() {
            emptied.push(row);
        } else {
            written.push(serde_json::json!([
                row.term,
                i64::from(row.title),
                row.quarter,
                row.kind,
                i64::from(row.public),
                hex(&encode(&keys)),
            ]));
        }
    }
    if !written.is_empty() {
        c.execute(
            "INSERT INTO search_fts_postings (community_id, term, title, quarter, kind, public, keys)
             SELECT CAST(? AS BIGINT), e->>0, CAST(e->>1 AS BIGINT), CAST(e->>2 AS BIGINT), e->>3,
                 CAST(e->>4 AS BIGINT), decode(e->>5, 'hex')
             FROM json_array_elements(CAST(CAST(? AS TEXT) AS json)) AS e
             ON CONFLICT (community_id, term, title, quarter, kind, public) DO UPDATE SET keys = excluded.keys",
            params![t, serde_json::Value::Array(written).to_string()],
        )?;
    }
    if !emptied.is_empty() {
        c.execute(
            &format!(
                "DELETE FROM search_fts_postings p
                 USING json_array_elements(CAST(CAST(? AS TEXT) AS json)) AS e WHERE {ROW_IS_E}"
            ),
            params![row_keys(emptied.into_iter()), t],
        )?;
    }
    Ok(())
}

/// Sorts a term's list from `start` on.
fn sort_from(by_term: &mut BTreeMap<String, Vec<i64>>, term: &str, start: usize) {
    if let Some(tail) = by_term.get_mut(term).and_then(|l| l.get_mut(start..)) {
        tail.sort_unstable();
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Each term's documents (in the order of `terms`), ascending by key: those holding it
/// anywhere, or with `titles` in the title; among the community's documents of `kind` (every
/// kind when `None`), public ones only when `public_only`.
pub(super) fn lists(
    c: &mut dyn Conn,
    t: Tenant,
    terms: &[String],
    titles: bool,
    kind: Option<&str>,
    public_only: bool,
) -> Result<Vec<Vec<i64>>> {
    let marks = vec!["?"; terms.len()].join(", ");
    let mut sql = format!(
        "SELECT term, quarter, keys FROM search_fts_postings
         WHERE community_id = ? AND term IN ({marks}) AND title = ?"
    );
    let mut args: Vec<Value> = vec![t.into()];
    args.extend(terms.iter().map(|s| Value::from(s.as_str())));
    args.push(titles.into());
    if let Some(k) = kind {
        sql.push_str(" AND kind = ?");
        args.push(k.into());
    }
    if public_only {
        sql.push_str(" AND public = 1");
    }
    // No ORDER BY: the primary key's range comes in its order (term, title, quarter, …), and
    // sorting the rows in the database cost more than checking the lists here.
    let mut by_term: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    // Rows of one quarter (several kinds, or public and not) interleave: each such run of
    // keys is sorted on its own, a few thousand at most.
    let mut run: Option<(String, i64, usize)> = None;
    let mut mixed = false;
    for r in c.query(&sql, &args)? {
        let (term, quarter) = (r.text(0)?, r.int(1)?);
        match &run {
            Some((t, q, _)) if *t == term && *q == quarter => mixed = true,
            _ => {
                if let Some((t, _, start)) = run.take()
                    && mixed
                {
                    sort_from(&mut by_term, &t, start);
                }
                mixed = false;
                let start = by_term.get(&term).map_or(0, Vec::len);
                run = Some((term.clone(), quarter, start));
            }
        }
        let list = by_term.entry(term).or_default();
        decode_into(r.bytes(2)?, list)?;
    }
    if let Some((t, _, start)) = run
        && mixed
    {
        sort_from(&mut by_term, &t, start);
    }
    for list in by_term.values_mut() {
        if !list.is_sorted() {
            list.sort_unstable();
        }
    }
    let mut out: Vec<Vec<i64>> = Vec::with_capacity(terms.len());
    for (i, term) in terms.iter().enumerate() {
        // A term asked twice gets the list it got the first time.
        let list = match by_term.remove(term) {
            Some(list) => list,
            None => terms[..i]
                .iter()
                .position(|earlier| earlier == term)
                .and_then(|j| out.get(j).cloned())
                .unwrap_or_default(),
        };
        out.push(list);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_they_were_written() {
        let keys = [
            0,
            7,
            127,
            128,
            20_261_130 * KEY_DAY + 5,
            20_261_130 * KEY_DAY + 99_999,
            20_261_201 * KEY_DAY + 1,
            i64::MAX,
        ];
        let bytes = encode(&keys);
        let mut back = Vec::new();
        decode_into(&bytes, &mut back).unwrap();
        assert_eq!(back, keys);
        assert!(encode(&[]).is_empty());
        // Documents of one day differ by their ids: a byte or two each.
        let day: Vec<i64> = (0..100).map(|i| 20_261_130 * KEY_DAY + 1000 + i * 3).collect();
        assert!(encode(&day).len() < 110, "{}", encode(&day).len());
    }

    #[test]
    fn a_cut_or_overlong_row_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        assert!(decode_into(&[0x80], &mut out).is_err(), "cut in a number");
        assert!(decode_into(&[0xff; 11], &mut out).is_err(), "over 64 bits");
        assert!(
            decode_into(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], &mut out)
                .is_err(),
            "past i64"
        );
    }

    #[test]
    fn the_intersection_is_the_keys_in_every_list_newest_first() {
        let a: Vec<i64> = (0..1000).map(|i| i * 2).collect();
        let b: Vec<i64> = (0..1000).map(|i| i * 3).collect();
        let c = vec![6, 12, 13, 600, 1998, 5000];
        assert_eq!(newest(&[&a, &b, &c], usize::MAX), [1998, 600, 12, 6]);
        assert_eq!(newest(&[&a, &b, &c], 2), [1998, 600], "it stops when told");
        let both = newest(&[&a, &b], usize::MAX);
        assert_eq!(both.len(), 334);
        assert!(both.iter().all(|k| k % 6 == 0) && both.is_sorted_by(|x, y| x > y));
        let mut all_a = newest(&[&a], usize::MAX);
        all_a.reverse();
        assert_eq!(all_a, a);
        assert!(newest(&[&a, &[]], usize::MAX).is_empty());
        assert!(newest(&[], usize::MAX).is_empty());
        assert!(newest(&[&a], 0).is_empty());
        assert_eq!(newest(&[&[5], &[1, 2, 3, 4, 5]], 9), [5]);
        assert_eq!(newest(&[&[1], &[1, 2, 3, 4, 5]], 9), [1]);
        assert!(newest(&[&[9], &[1, 2, 3]], 9).is_empty());
        assert!(newest(&[&[0], &[1, 2, 3]], 9).is_empty());
        // Against the plain definition, on lists of every density.
        let lists: Vec<Vec<i64>> =
            (1..6_i64).map(|m| (0..3000).filter(|k| k % m == 0 || k % 7 == m).collect()).collect();
        let refs: Vec<&[i64]> = lists.iter().map(Vec::as_slice).collect();
        let want: Vec<i64> =
            (0..3000).rev().filter(|k| lists.iter().all(|l| l.contains(k))).collect();
        assert_eq!(newest(&refs, usize::MAX), want);
    }

    #[test]
    fn a_key_names_its_document_and_its_quarter() {
        let key = |day| super::super::order_key(day, 42);
        assert_eq!(id_of_key(key("2026-11-30")), 42);
        assert_eq!(quarter_of(key("2026-11-30")), 20_264);
        assert_eq!(quarter_of(key("2026-10-01")), 20_264);
        assert_eq!(quarter_of(key("2026-09-30")), 20_263);
        assert_eq!(quarter_of(key("2026-01-01")), 20_261);
        assert_eq!(quarter_of(key("someday")), 0);
    }

    #[test]
    fn a_document_goes_into_its_title_terms_rows_and_every_term_s_row() {
        let doc = Doc {
            kind: "article",
            ref_id: 1,
            title: "",
            body: "",
            published_on: "2026-11-30",
            public: true,
        };
        let key = super::super::order_key("2026-11-30", 9);
        let mut ch = Changes::default();
        ch.document(&doc, key, "文明 楼道", "楼道 清洁 楼道", true);
        let rows: Vec<(&str, bool)> = ch.rows.keys().map(|r| (r.term.as_str(), r.title)).collect();
        assert_eq!(
            rows,
            [("文明", false), ("文明", true), ("楼道", false), ("楼道", true), ("清洁", false)]
        );
        assert!(ch.rows.values().all(|(add, rm)| add == &[key] && rm.is_empty()));
    }
}
