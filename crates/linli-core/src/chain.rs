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
}

impl ChainBreak {
    /// The record at which the chain breaks, when one can be named.
    pub fn record_id(&self) -> Option<i64> {
        match self {
            ChainBreak::Altered { id }
            | ChainBreak::Unlinked { id }
            | ChainBreak::Gap { id, .. } => Some(*id),
            ChainBreak::Truncated { .. } => None,
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
            return Err(ChainBreak::Gap {
                id: link.id,
                seq: link.seq,
                expected: expected_seq,
            });
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
        return Err(ChainBreak::Truncated {
            expected: head.to_string(),
            found: prev,
        });
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            verify(links, None),
            Err(ChainBreak::Gap {
                id: 102,
                seq: 3,
                expected: 2
            })
        );
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
        assert!(matches!(
            verify(links, Some(&head)),
            Err(ChainBreak::Truncated { .. })
        ));
    }

    #[test]
    fn canonical_content_cannot_be_forged_by_embedding_a_field_boundary() {
        let honest = canonical(&[("a", "x"), ("b", "y")]);
        let forged = canonical(&[("a", "x\"\nb=\"y")]);
        assert_ne!(honest, forged);
    }
}
