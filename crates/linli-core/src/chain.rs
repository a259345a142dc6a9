//! The hash chain shared by the audit log and (later) the fund ledger.
//!
//! Each record stores the hash of the record before it and its own hash, computed over the
//! previous hash and the record's canonical content. Altering, removing or reordering any
//! record breaks the link at that record, which `linli verify` names.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a chain's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical content of a record: its fields in a fixed order, each value JSON-escaped so
/// that no value can imitate a field boundary.
pub fn canonical(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in fields {
        out.push_str(k);
        out.push('=');
        out.push('"');
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out.push('\n');
    }
    out
}

/// SHA-256 (hex) of the previous hash and this record's canonical content.
pub fn link_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// One stored record as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredLink {
    pub id: i64,
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    /// Recomputed from the stored columns, not read from a stored copy.
    pub canonical: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("record {id}: its content does not match its hash (altered)")]
    Altered { id: i64 },
    #[error(
        "record {id}: it does not follow the record before it (a record was removed or reordered)"
    )]
    Unlinked { id: i64 },
    #[error(
        "record {id}: sequence number {seq} where {expected} was expected (a record is missing)"
    )]
    Gap { id: i64, seq: i64, expected: i64 },
    #[error(
        "the chain ends at {found} but its head says {expected} (records were removed from its end)"
    )]
    Truncated { expected: String, found: String },
    /// The fund's receipt numbers of a year are not 1..=counter, each once.
    #[error("receipts of {year}: {reason}")]
    Receipts { year: i64, reason: String },
}

impl ChainBreak {
    /// The record at which the chain breaks, when one can be named.
    pub fn record_id(&self) -> Option<i64> {
        match self {
            ChainBreak::Altered { id }
            | ChainBreak::Unlinked { id }
            | ChainBreak::Gap { id, .. } => Some(*id),
            ChainBreak::Truncated { .. } | ChainBreak::Receipts { .. } => None,
        }
    }
}

/// Walks a chain in sequence order and reports the first broken link. `head` is the hash the
/// chain's head row remembers, so records cut from the end are noticed too.
pub fn verify<I>(links: I, head: Option<&str>) -> Result<u64, ChainBreak>
where
    I: IntoIterator<Item = StoredLink>,
{
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    for (expected_seq, link) in (1..).zip(links) {
        if link.seq != expected_seq {
            return Err(ChainBreak::Gap { id: link.id, seq: link.seq, expected: expected_seq });
        }
        if link.prev_hash != prev {
            return Err(ChainBreak::Unlinked { id: link.id });
        }
        if link_hash(&link.prev_hash, &link.canonical) != link.hash {
            return Err(ChainBreak::Altered { id: link.id });
        }
        prev = link.hash;
        count += 1;
    }
    if let Some(head) = head
        && head != prev
    {
        return Err(ChainBreak::Truncated { expected: head.to_string(), found: prev });
    }
    Ok(count)
}

/// How many hex digits of a hash are printed on paper (a receipt, the monthly disclosure):
/// 48 bits, enough that nobody finds another chain with the same short hash.
pub const SHORT_HASH: usize = 12;

/// The first [`SHORT_HASH`] digits of a hash.
pub fn short(hash: &str) -> &str {
    hash.get(..SHORT_HASH).unwrap_or(hash)
}

/// A chain's head remembered outside the database: `SEQ:HASH` (any community) or
/// `COMMUNITY:SEQ:HASH`, the hash at least [`SHORT_HASH`] hex digits (a prefix of the full one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub community: Option<i64>,
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("`{0}` is not an anchor: write SEQ:HASH or COMMUNITY:SEQ:HASH, e.g. 42:3fa9c01b7e2d")]
    Malformed(String),
    #[error(
        "anchor {anchor}: the ledger has no record {seq}; it ends at {last} (records were removed from its end)"
    )]
    Missing { anchor: String, seq: i64, last: i64 },
    #[error("anchor {anchor}: record {seq} has another hash ({found}…); the ledger was rewritten")]
    Mismatch { anchor: String, seq: i64, found: String },
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.community {
            Some(c) => write!(f, "{c}:{}:{}", self.seq, self.hash),
            None => write!(f, "{}:{}", self.seq, self.hash),
        }
    }
}

impl Anchor {
    pub fn parse(text: &str) -> Result<Anchor, AnchorError> {
        let bad = || AnchorError::Malformed(text.to_string());
        let parts: Vec<&str> = text.trim().split(':').collect();
        let (community, seq, hash) = match parts.as_slice() {
            [seq, hash] => (None, *seq, *hash),
            [c, seq, hash] => (Some(c.parse::<i64>().map_err(|_| bad())?), *seq, *hash),
            _ => return Err(bad()),
        };
        let seq = seq.parse::<i64>().ok().filter(|s| *s >= 1).ok_or_else(bad)?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() < SHORT_HASH
            || hash.len() > 64
            || !hash.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(bad());
        }
        Ok(Anchor { community, seq, hash })
    }

    /// Checks the anchor against a chain's (seq, hash) records in order: the record must still
    /// be there with the remembered hash.
    pub fn check<'a, I>(&self, records: I) -> Result<(), AnchorError>
    where
        I: IntoIterator<Item = (i64, &'a str)>,
    {
        let mut last = 0;
        for (seq, hash) in records {
            if seq == self.seq {
                return if hash.starts_with(&self.hash) {
                    Ok(())
                } else {
                    Err(AnchorError::Mismatch {
                        anchor: self.to_string(),
                        seq,
                        found: short(hash).to_string(),
                    })
                };
            }
            last = last.max(seq);
        }
        Err(AnchorError::Missing { anchor: self.to_string(), seq: self.seq, last })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_finds_a_cut_or_rewritten_ledger() {
        let a = Anchor::parse("3:2:ABCDEF012345").unwrap();
        assert_eq!(a, Anchor { community: Some(3), seq: 2, hash: "abcdef012345".into() });
        assert_eq!(a.to_string(), "3:2:abcdef012345");
        assert_eq!(Anchor::parse("2:abcdef012345").unwrap().community, None);
        for bad in [
            "",
            "2",
            "x:abcdef012345",
            "0:abcdef012345",
            "2:abc",
            "2:ghijklmnopqr",
            "1:2:3:abcdef012345",
        ] {
            assert!(matches!(Anchor::parse(bad), Err(AnchorError::Malformed(_))), "{bad}");
        }
        let full = format!("abcdef012345{}", "0".repeat(52));
        let other = format!("ffffff012345{}", "0".repeat(52));
        let records = [(1, other.as_str()), (2, full.as_str()), (3, other.as_str())];
        assert_eq!(a.check(records), Ok(()));
        // Cut after record 1 (and the head rewound with it): the anchor is missing.
        assert_eq!(
            a.check(records[..1].iter().copied()),
            Err(AnchorError::Missing { anchor: a.to_string(), seq: 2, last: 1 })
        );
        // Rewritten from record 2 on.
        let rewritten = [(1, other.as_str()), (2, other.as_str())];
        assert!(matches!(a.check(rewritten), Err(AnchorError::Mismatch { seq: 2, .. })));
        assert_eq!(short(&full), "abcdef012345");
    }

    fn chain(contents: &[&str]) -> Vec<StoredLink> {
        let mut prev = GENESIS.to_string();
        contents
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let canonical = canonical(&[("what", c)]);
                let hash = link_hash(&prev, &canonical);
                let link = StoredLink {
                    id: 100 + i as i64,
                    seq: i as i64 + 1,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    canonical,
                };
                prev = hash;
                link
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_counts_its_records() {
        let links = chain(&["a", "b", "c"]);
        let head = links.last().unwrap().hash.clone();
        assert_eq!(verify(links, Some(&head)), Ok(3));
        assert_eq!(verify(Vec::new(), Some(GENESIS)), Ok(0));
    }

    #[test]
    fn an_altered_record_is_named() {
        let mut links = chain(&["a", "b", "c"]);
        links[1].canonical = canonical(&[("what", "B")]);
        assert_eq!(verify(links, None), Err(ChainBreak::Altered { id: 101 }));
    }

    #[test]
    fn a_removed_record_is_noticed_at_the_next_one() {
        let mut links = chain(&["a", "b", "c"]);
        links.remove(1);
        assert_eq!(verify(links, None), Err(ChainBreak::Gap { id: 102, seq: 3, expected: 2 }));
    }

    #[test]
    fn a_rehashed_record_still_breaks_the_link_to_its_successor() {
        let mut links = chain(&["a", "b", "c"]);
        links[1].canonical = canonical(&[("what", "B")]);
        links[1].hash = link_hash(&links[1].prev_hash, &links[1].canonical);
        assert_eq!(verify(links, None), Err(ChainBreak::Unlinked { id: 102 }));
    }

    #[test]
    fn records_cut_from_the_end_are_noticed_through_the_head() {
        let mut links = chain(&["a", "b", "c"]);
        let head = links.last().unwrap().hash.clone();
        links.pop();
        assert!(matches!(verify(links, Some(&head)), Err(ChainBreak::Truncated { .. })));
    }

    #[test]
    fn canonical_content_cannot_be_forged_by_embedding_a_field_boundary() {
        let honest = canonical(&[("a", "x"), ("b", "y")]);
        let forged = canonical(&[("a", "x\"\nb=\"y")]);
        assert_ne!(honest, forged);
    }
}
