//! A document's term statistics as `search_stats.tf` stores them (migration 0030): for each
//! distinct term, its FNV-1a 64 hash and how many times it stands in the title and in the body,
//! 12 bytes little-endian, sorted by the hash so a lookup is a binary search. A search ranks
//! its matches from these few hundred bytes instead of their text.
//!
//! The hash is written here, not taken from `std` (whose hasher may change between Rust
//! releases): the bytes are stored and must read the same after an upgrade. Two terms of one
//! document sharing a 64-bit hash would pool their counts; with a few hundred terms a
//! document the odds are below 10^-14, and the match itself is FTS5's, not the hash's.

use std::collections::BTreeMap;

const ENTRY: usize = 12;

/// FNV-1a, 64 bits, over the term's UTF-8 bytes.
pub fn term_hash(term: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    term.bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// How often one term stands in a document's title and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Freq {
    pub title: u16,
    pub body: u16,
}

/// The token count (BM25's document length) and the `tf` bytes of a document whose title and
/// body are the space-separated tokens of `publicity::index_text`.
pub fn encode(title_tokens: &str, body_tokens: &str) -> (i64, Vec<u8>) {
    let mut by_hash: BTreeMap<u64, Freq> = BTreeMap::new();
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
        out.extend_from_slice(&f.title.to_le_bytes());
        out.extend_from_slice(&f.body.to_le_bytes());
    }
    (len, out)
}

fn entry(tf: &[u8], i: usize) -> Option<(u64, Freq)> {
    let e = tf.get(i * ENTRY..(i + 1) * ENTRY)?;
    let hash = u64::from_le_bytes(e.get(0..8)?.try_into().ok()?);
    let title = u16::from_le_bytes(e.get(8..10)?.try_into().ok()?);
    let body = u16::from_le_bytes(e.get(10..12)?.try_into().ok()?);
    Some((hash, Freq { title, body }))
}

/// The term's frequencies in a document's `tf` bytes; `None` when the document lacks it (or
/// the bytes are not whole entries).
pub fn lookup(tf: &[u8], hash: u64) -> Option<Freq> {
    if tf.len() % ENTRY != 0 {
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
        // The published FNV-1a 64 values: the stored bytes depend on them.
        assert_eq!(term_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(term_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(term_hash("foobar"), 0x8594_4171_f739_67e8);
        assert_ne!(term_hash("文明"), term_hash("楼道"));
    }

    #[test]
    fn each_term_is_counted_in_the_title_and_the_body_as_a_whole_token() {
        let (len, tf) = encode("文明 楼道", "楼道 文明 楼道 志愿服务 志愿");
        assert_eq!(len, 7);
        assert_eq!(tf.len(), 4 * ENTRY);
        assert_eq!(
            lookup(&tf, term_hash("楼道")),
            Some(Freq { title: 1, body: 2 })
        );
        assert_eq!(
            lookup(&tf, term_hash("文明")),
            Some(Freq { title: 1, body: 1 })
        );
        assert_eq!(
            lookup(&tf, term_hash("志愿")),
            Some(Freq { title: 0, body: 1 })
        );
        assert_eq!(
            lookup(&tf, term_hash("服务")),
            None,
            "not a token of its own"
        );
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
    fn a_count_past_the_u16_range_stays_at_its_top() {
        let body = vec!["社区"; 70_000].join(" ");
        let (len, tf) = encode("", &body);
        assert_eq!(len, 70_000);
        assert_eq!(
            lookup(&tf, term_hash("社区")).map(|f| f.body),
            Some(u16::MAX)
        );
    }
}
