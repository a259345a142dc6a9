//! A document's term statistics as `search_stats.tf` stores them (migration 0030): for each
//! distinct term, its FNV-1a 32-bit hash and how many times it stands in the title and in the
//! body (each up to 255), 6 bytes little-endian, sorted by the hash so a lookup is a binary
//! search. A search ranks its matches from these bytes (about 1 KB for an article of 300
//! tokens) instead of their text.
//!
//! The hash is written here, not taken from `std` (whose hasher may change between Rust
//! releases): the bytes are stored and must read the same after an upgrade. Whether a
//! document holds a term is the full-text index's answer, never the hash's; two terms of one
//! document sharing a hash (odds about 4 in 10^8 for a query term against an article's ~170
//! terms) only pool their counts in its score.

use std::collections::BTreeMap;

const ENTRY: usize = 6;

/// FNV-1a, 32 bits, over the term's UTF-8 bytes.
pub fn term_hash(term: &str) -> u32 {
    const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    term.bytes().fold(OFFSET, |h, b| (h ^ u32::from(b)).wrapping_mul(PRIME))
}

/// How often one term stands in a document's title and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Freq {
    pub title: u8,
    pub body: u8,
}

/// The token count (BM25's document length) and the `tf` bytes of a document whose title and
/// body are the space-separated tokens of `publicity::index_text`.
pub fn encode(title_tokens: &str, body_tokens: &str) -> (i64, Vec<u8>) {
    let mut by_hash: BTreeMap<u32, Freq> = BTreeMap::new();
    let mut len: i64 = 0;
    for (tokens, in_title) in [(title_tokens, true), (body_tokens, false)] {
        for token in tokens.split(' ').filter(|t| !t.is_empty()) {
            len += 1;
            let f = by_hash.entry(term_hash(token)).or_default();
            if in_title {
                f.title = f.title.saturating_add(1);
            } else {
                f.body = f.body.saturating_add(1);
            }
        }
    }
    let mut out = Vec::with_capacity(by_hash.len() * ENTRY);
    for (hash, f) in by_hash {
        out.extend_from_slice(&hash.to_le_bytes());
        out.push(f.title);
        out.push(f.body);
    }
    (len, out)
}

fn entry(tf: &[u8], i: usize) -> Option<(u32, Freq)> {
    let e = tf.get(i * ENTRY..(i + 1) * ENTRY)?;
    let hash = u32::from_le_bytes(e.get(0..4)?.try_into().ok()?);
    Some((hash, Freq { title: *e.get(4)?, body: *e.get(5)? }))
}

/// The term's frequencies in a document's `tf` bytes; `None` when the document lacks it (or
/// the bytes are not whole entries).
pub fn lookup(tf: &[u8], hash: u32) -> Option<Freq> {
    if !tf.len().is_multiple_of(ENTRY) {
        return None;
    }
    let (mut lo, mut hi) = (0, tf.len() / ENTRY);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (h, f) = entry(tf, mid)?;
        match h.cmp(&hash) {
            std::cmp::Ordering::Equal => return Some(f),
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv_1a_and_stays_the_same() {
        // The published FNV-1a 32 values: the stored bytes depend on them.
        assert_eq!(term_hash(""), 0x811c_9dc5);
        assert_eq!(term_hash("a"), 0xe40c_292c);
        assert_eq!(term_hash("foobar"), 0xbf9c_f968);
        assert_ne!(term_hash("文明"), term_hash("楼道"));
    }

    #[test]
    fn each_term_is_counted_in_the_title_and_the_body_as_a_whole_token() {
        let (len, tf) = encode("文明 楼道", "楼道 文明 楼道 志愿服务 志愿");
        assert_eq!(len, 7);
        assert_eq!(tf.len(), 4 * ENTRY);
        assert_eq!(lookup(&tf, term_hash("楼道")), Some(Freq { title: 1, body: 2 }));
        assert_eq!(lookup(&tf, term_hash("文明")), Some(Freq { title: 1, body: 1 }));
        assert_eq!(lookup(&tf, term_hash("志愿")), Some(Freq { title: 0, body: 1 }));
        assert_eq!(lookup(&tf, term_hash("服务")), None, "not a token of its own");
        assert_eq!(lookup(&tf, term_hash("")), None);
    }

    #[test]
    fn an_empty_document_and_broken_bytes_find_nothing() {
        let (len, tf) = encode("", "");
        assert_eq!((len, tf.len()), (0, 0));
        assert_eq!(lookup(&tf, term_hash("文明")), None);
        let (_, mut tf) = encode("文明", "");
        tf.pop();
        assert_eq!(lookup(&tf, term_hash("文明")), None);
    }

    #[test]
    fn a_count_past_255_stays_at_its_top() {
        let body = vec!["社区"; 300].join(" ");
        let (len, tf) = encode("社区", &body);
        assert_eq!(len, 301);
        assert_eq!(lookup(&tf, term_hash("社区")), Some(Freq { title: 1, body: u8::MAX }));
    }
}
