//! Correction requests (个人信息保护法 §46): a resident who finds her record wrong asks for a
//! correction in her own words; a worker corrects the record and closes the request, or
//! declines it with the reason she is told. The rules of both steps, without I/O.

code_enum!(
    /// Which part of her record she says is wrong.
    CorrectionField {
        Name => "name", "姓名",
        IdNumber => "id_number", "身份证号",
        Phone => "phone", "联系电话",
        Address => "address", "住址",
        Household => "household", "家庭成员",
        Other => "other", "其他",
    }
);

code_enum!(
    /// Where a request stands.
    CorrectionStatus {
        Open => "open", "待处理",
        Done => "done", "已更正",
        Declined => "declined", "未更正",
    }
);

/// The longest request or reason kept (characters).
pub const MAX_TEXT: usize = 500;

/// Why a request or a resolution is refused: a stable code (`error.<code>` in the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub field: &'static str,
}

fn refuse(code: &'static str, field: &'static str) -> Refusal {
    Refusal { code, field }
}

/// A request as it is kept: a known field and what she wrote (trimmed, at most
/// [`MAX_TEXT`] characters, at least two: "错了" says nothing a worker can act on).
pub fn request(field: &str, message: &str) -> Result<(CorrectionField, String), Refusal> {
    let field = CorrectionField::parse(field).ok_or(refuse("correction_field_bad", "field"))?;
    let message: String = message.trim().chars().take(MAX_TEXT).collect();
    if message.chars().count() < 2 {
        return Err(refuse("correction_message_missing", "message"));
    }
    Ok((field, message))
}

/// A worker's resolution of an open request: `done` (the record was corrected) or `declined`
/// with the reason the resident is told. A request is resolved once.
pub fn resolve(
    current: CorrectionStatus,
    outcome: &str,
    note: &str,
) -> Result<(CorrectionStatus, String), Refusal> {
    if current != CorrectionStatus::Open {
        return Err(refuse("correction_resolved", "status"));
    }
    let outcome = match CorrectionStatus::parse(outcome) {
        Some(o @ (CorrectionStatus::Done | CorrectionStatus::Declined)) => o,
        _ => return Err(refuse("correction_outcome_bad", "outcome")),
    };
    let note: String = note.trim().chars().take(MAX_TEXT).collect();
    if outcome == CorrectionStatus::Declined && note.chars().count() < 2 {
        return Err(refuse("correction_reason_missing", "note"));
    }
    Ok((outcome, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_a_field_and_says_what_is_wrong() {
        assert_eq!(
            request("phone", "  电话换了，新号码13945351234  "),
            Ok((CorrectionField::Phone, "电话换了，新号码13945351234".into()))
        );
        assert_eq!(request("phone", " 错 ").unwrap_err().code, "correction_message_missing");
        assert_eq!(request("salary", "改一下").unwrap_err().field, "field");
        let long = "字".repeat(MAX_TEXT + 50);
        assert_eq!(request("other", &long).unwrap().1.chars().count(), MAX_TEXT);
    }

    #[test]
    fn a_request_is_resolved_once_and_a_refusal_says_why() {
        use CorrectionStatus::*;
        assert_eq!(resolve(Open, "done", ""), Ok((Done, String::new())));
        assert_eq!(
            resolve(Open, "declined", "户籍证明上的姓名与申请不一致"),
            Ok((Declined, "户籍证明上的姓名与申请不一致".into()))
        );
        assert_eq!(resolve(Open, "declined", " ").unwrap_err().code, "correction_reason_missing");
        assert_eq!(resolve(Open, "open", "x").unwrap_err().code, "correction_outcome_bad");
        assert_eq!(resolve(Done, "declined", "太晚了").unwrap_err().code, "correction_resolved");
        assert_eq!(resolve(Declined, "done", "").unwrap_err().code, "correction_resolved");
    }
}
