//! A resident claims her registry record for her account: she types her ID number and phone,
//! both must match one active record, and a worker confirms the link before she sees anything.
//! The rules of the claim, without I/O.

use crate::IdNumber;

/// Attempts an account may make in a day: enough for typing slips, too few to search the
/// registry by guessing.
pub const MAX_ATTEMPTS_PER_DAY: i64 = 5;

code_enum!(
    /// Where a claim stands: a worker confirms the link or rejects it with a note. Unmatched:
    /// no active record matched what she typed (or it has an account already), kept so the
    /// attempt is on record, never a link.
    ClaimStatus {
        Pending => "pending", "待核对",
        Confirmed => "confirmed", "已确认",
        Rejected => "rejected", "未通过",
        Unmatched => "unmatched", "未匹配",
    }
);

/// What she typed, normalised the way the registry stores it (full-width digits, spaces and a
/// lower-case x are forgiven); `None` when either cannot be a valid value.
pub fn normalise(id_number: &str, phone: &str) -> Option<(String, String)> {
    let id = IdNumber::parse(id_number).ok()?;
    let phone = crate::roster::parse_phone(phone).ok()?;
    Some((id.as_str().to_string(), phone))
}

/// Whether another attempt is allowed after `made_today` attempts.
pub fn may_attempt(made_today: i64) -> bool {
    made_today < MAX_ATTEMPTS_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_she_types_is_read_as_the_registry_stores_it() {
        let (id, phone) = normalise(" 11010519491231002x ", "１３８ １２３４ ５６７８").unwrap();
        assert_eq!(id, "11010519491231002X");
        assert_eq!(phone, "13812345678");
        assert!(normalise("110105194912310021", "13812345678").is_none(), "a wrong check digit");
        assert!(normalise("11010519491231002X", "123").is_none());
    }

    #[test]
    fn five_attempts_a_day() {
        assert!(may_attempt(0) && may_attempt(4));
        assert!(!may_attempt(5) && !may_attempt(50));
    }
}
