//! Idempotency keys on money-moving calls: a retry with the same key and the same request
//! gets the first answer; the same key sent with another request is refused, never answered
//! with the first call's result (that would tell a client its second gift was recorded).

use crate::chain;

/// The fingerprint of a request: SHA-256 over its operation and fields in a fixed order.
pub fn fingerprint(operation: &str, fields: &[(&str, &str)]) -> String {
    chain::link_hash(operation, &chain::canonical(fields))
}

/// What to do with a call that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay<'a> {
    /// The key is new: do the work and remember its answer.
    Fresh,
    /// The same request again: give the stored answer.
    Answer(&'a str),
    /// The key was used for another request (`idempotency_key_reused`).
    Reused,
}

/// Decides from what the key answered before (`stored`: the answer and the fingerprint of its
/// request; a key stored before fingerprints were kept has none and answers as before).
pub fn replay<'a>(stored: Option<(&'a str, Option<&str>)>, fingerprint: &str) -> Replay<'a> {
    match stored {
        None => Replay::Fresh,
        Some((answer, None)) => Replay::Answer(answer),
        Some((answer, Some(h))) if h == fingerprint => Replay::Answer(answer),
        Some(_) => Replay::Reused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_gets_the_first_answer_and_another_is_refused() {
        let a = fingerprint("fund_donate", &[("amount_fen", "10000"), ("method", "cash")]);
        let b = fingerprint("fund_donate", &[("amount_fen", "20000"), ("method", "cash")]);
        assert_ne!(a, b, "another amount is another request");
        assert_eq!(
            a,
            fingerprint("fund_donate", &[("amount_fen", "10000"), ("method", "cash")]),
            "the fingerprint is stable"
        );
        assert_ne!(
            a,
            fingerprint("fund_pay_disbursement", &[("amount_fen", "10000"), ("method", "cash")]),
            "the operation is part of it"
        );
        assert_eq!(replay(None, &a), Replay::Fresh);
        assert_eq!(replay(Some(("{\"id\":1}", Some(&a))), &a), Replay::Answer("{\"id\":1}"));
        assert_eq!(replay(Some(("{\"id\":1}", Some(&a))), &b), Replay::Reused);
        assert_eq!(
            replay(Some(("{\"id\":1}", None)), &b),
            Replay::Answer("{\"id\":1}"),
            "a key stored before fingerprints answers as it did"
        );
    }

    #[test]
    fn a_field_cannot_imitate_another() {
        let a = fingerprint("op", &[("a", "1\nb=\"2\""), ("c", "")]);
        let b = fingerprint("op", &[("a", "1"), ("b", "2"), ("c", "")]);
        assert_ne!(a, b);
    }
}
