//! A person's rights over what Linli holds (个人信息保护法): §45 查阅、复制 — [`gather`] reads
//! everything about one resident from every table that refers to a person, [`handled`] reads
//! the processing history; §47 删除 — [`erase`] anonymises him everywhere a record must stay
//! (the ledgers count him) and removes what need not stay.
//!
//! Which columns refer to a person is decided by the schema, not by memory: a column named
//! `resident_id` or `…_resident_id` (every foreign key to `residents` is named so) must be in
//! [`COVERED`] or [`EXEMPT`]; the integration test `pipl` enumerates the migrated database
//! and fails on a new one that is in neither.

use crate::{Conn, Result, Row, Tenant, Value, now_text, params};
use chrono::{DateTime, Utc};
use linli_core::clock::Stamp;
use linli_core::privacy::{pseudonym, redact_person};
use linli_core::roster::ResidentStatus;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The resident-reference columns that [`gather`] exports and [`erase`] anonymises.
pub const COVERED: &[(&str, &str)] = &[
    ("resident_tags", "resident_id"),
    ("fund_disbursements", "beneficiary_resident_id"),
    ("cases", "resident_id"),
    ("applications", "resident_id"),
    ("service_stations", "keeper_resident_id"),
    ("courses", "teacher_resident_id"),
    ("enrolments", "resident_id"),
    ("attendance", "resident_id"),
    ("job_seekers", "resident_id"),
    ("placements", "resident_id"),
    ("followups", "resident_id"),
    ("affairs", "reporter_resident_id"),
    ("visit_targets", "resident_id"),
    ("neighbour_helpers", "resident_id"),
    ("course_signups", "resident_id"),
    ("resident_accounts", "resident_id"),
    ("correction_requests", "resident_id"),
    ("resident_claims", "resident_id"),
    ("group_members", "resident_id"),
    ("volunteers", "resident_id"),
    ("party_members", "resident_id"),
];

/// Columns about a person that [`gather`] exports but [`erase`] keeps, or that are derived from
/// a field the two handle, and why.
pub const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "resident_name_chars",
        "resident_id",
        "姓名的单字检索索引，由姓名派生：副本已含姓名本身；删除（匿名化）时随姓名一起改为“已匿名”三个字（registry::anonymize）",
    ),
    (
        "fund_donations",
        "donor_resident_id",
        "爱心基金的捐赠是会计凭证：捐赠人、收据号、金额和是否公示随交易一起封存在哈希链中，会计档案依法须保存（《会计法》《会计档案管理办法》），依个人信息保护法第四十七条第二款只存储、不再处理",
    ),
    (
        "fund_donations",
        "donor_name",
        "同上：收据存根上的捐赠人姓名封存在交易的哈希中，改动即破坏账目的可核验性",
    ),
    ("fund_transactions", "memo", "基金流水只增不改（append-only），摘要是账目的一部分，依法保存"),
    (
        "fund_disbursements",
        "purpose",
        "支出用途封存在付款的哈希中，依法保存；备注（note）则去除姓名",
    ),
    (
        "audit_log",
        "before_json",
        "审计记录只增不改，是处理活动的记录（第五十五、五十六条）；其中的个人信息已在写入时脱敏",
    ),
    ("audit_log", "after_json", "同上"),
];

/// Free-text columns in which the person's name (and phone, ID number) is redacted on erasure,
/// in every row of the community, his or a neighbour's: (table, key column, text column).
pub const FREE_TEXT: &[(&str, &str, &str)] = &[
    ("residents", "id", "notes"),
    ("cases", "id", "summary"),
    ("cases", "id", "needs"),
    ("cases", "id", "closed_reason"),
    ("cases", "id", "conflict_note"),
    ("help_records", "id", "items"),
    ("help_records", "id", "note"),
    ("help_records", "id", "participants"),
    ("applications", "id", "authorisation_note"),
    ("application_steps", "id", "note"),
    ("fund_disbursements", "id", "note"),
    ("visit_targets", "id", "items"),
    ("visit_targets", "id", "participants"),
    ("visit_targets", "id", "note"),
    ("visit_targets", "id", "removed_reason"),
    ("neighbour_helpers", "resident_id", "helps_with"),
    ("affairs", "id", "description"),
    ("affairs", "id", "place_text"),
    ("affairs", "id", "resolution"),
    ("affairs", "id", "rating_note"),
    ("affair_events", "id", "note"),
    ("correction_requests", "id", "message"),
    ("correction_requests", "id", "resolution"),
    ("resident_claims", "id", "note"),
    ("job_seekers", "id", "note"),
    ("referrals", "id", "note"),
    ("placements", "id", "note"),
    ("followups", "id", "note"),
    ("course_signups", "id", "note"),
    ("courses", "id", "teacher_name"),
    ("courses", "id", "description"),
    ("partner_activities", "id", "residents_served"),
    ("partner_activities", "id", "note"),
    ("party_members", "id", "offer"),
    ("volunteer_certificates", "id", "volunteer_name"),
    ("volunteer_corrections", "id", "value_before"),
    ("volunteer_corrections", "id", "value_asked"),
    ("volunteer_corrections", "id", "reason"),
    ("volunteer_services", "id", "late_reason"),
    ("volunteer_service_edits", "id", "reason"),
    ("volunteer_activities", "id", "content"),
    ("volunteer_activities", "id", "person_in_charge"),
    ("committee_posts", "id", "person_name"),
    ("needs", "id", "raised_by"),
    ("needs", "id", "description"),
    ("needs", "id", "claim_note"),
    ("needs", "id", "progress"),
    // Phones typed again where someone signed up or reported without a linked record: only
    // his number matches (a namesake's name is not his, so name columns are not searched).
    ("course_signups", "id", "phone"),
    ("affairs", "id", "reporter_phone"),
];

/// Whether a column refers to a resident, by the schema's naming rule (see the module doc).
pub fn refers_to_resident(column: &str) -> bool {
    column == "resident_id" || column.ends_with("_resident_id")
}

/// Whether (table, column) is covered or exempt.
pub fn is_handled(table: &str, column: &str) -> bool {
    COVERED.iter().any(|&(t, c)| t == table && c == column)
        || EXEMPT.iter().any(|&(t, c, _)| t == table && c == column)
}

/// One part of the copy: a code (its heading is the message `privacy.section.<code>`), the
/// table it comes from and its rows, column → value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Section {
    pub code: String,
    /// The heading in the reader's language (filled by the web layer from the catalogue).
    pub title: String,
    pub table: String,
    pub rows: Vec<BTreeMap<String, serde_json::Value>>,
}

/// (code, table, columns as named in the copy, SQL). Every query takes (resident id,
/// community id) in that order.
const SECTIONS: &[(&str, &str, &[&str], &str)] = &[
    (
        "resident",
        "residents",
        &[
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "relation",
            "political_status",
            "employment_status",
            "notes",
            "status",
            "closed_on",
            "consent_publish_name",
            "consent_volunteer_contact",
            "consent_neighbor_card",
            "created_at",
            "updated_at",
        ],
        "SELECT name, id_number, gender, birth_date, phone, relation, political_status, employment_status, notes, status, closed_on, consent_publish_name, consent_volunteer_contact, consent_neighbor_card, created_at, updated_at FROM residents WHERE id = ? AND community_id = ?",
    ),
    (
        "household",
        "residents",
        &["name", "relation", "status"],
        "SELECT m.name, m.relation, m.status FROM residents r JOIN residents m ON m.household_id = r.household_id AND m.id <> r.id WHERE r.id = ? AND r.community_id = ? ORDER BY m.id",
    ),
    (
        "tags",
        "resident_tags",
        &["tag", "valid_from", "valid_to", "grade", "source"],
        "SELECT k.name, t.valid_from, t.valid_to, t.grade, t.source FROM resident_tags t JOIN tag_kinds k ON k.id = t.tag_id WHERE t.resident_id = ? AND t.community_id = ? ORDER BY t.id",
    ),
    (
        "cases",
        "cases",
        &[
            "id",
            "kinds",
            "summary",
            "needs",
            "status",
            "closed_reason",
            "next_review_on",
            "legal_basis",
            "consent_on",
            "created_at",
        ],
        "SELECT id, kinds, summary, needs, status, closed_reason, next_review_on, legal_basis, consent_on, created_at FROM cases WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "help_records",
        "help_records",
        &["case_id", "kind", "given_on", "amount_fen", "items", "source", "note", "participants"],
        "SELECT h.case_id, h.kind, h.given_on, h.amount_fen, h.items, h.source, h.note, h.participants FROM help_records h JOIN cases c ON c.id = h.case_id WHERE c.resident_id = ? AND c.community_id = ? ORDER BY h.given_on, h.id",
    ),
    (
        "applications",
        "applications",
        &[
            "id",
            "kind",
            "accepted_on",
            "special",
            "entrusted",
            "authorisation_note",
            "status",
            "decided_on",
        ],
        "SELECT id, kind, accepted_on, special, entrusted, authorisation_note, status, decided_on FROM applications WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "application_steps",
        "application_steps",
        &["application_id", "name", "due_on", "done_on", "note"],
        "SELECT s.application_id, s.name, s.due_on, s.done_on, s.note FROM application_steps s JOIN applications a ON a.id = s.application_id WHERE a.resident_id = ? AND a.community_id = ? ORDER BY s.application_id, s.sort_order",
    ),
    (
        "fund_payments",
        "fund_disbursements",
        &["case_id", "amount_fen", "purpose", "note", "status", "requested_at", "paid_on"],
        "SELECT case_id, amount_fen, purpose, note, status, requested_at, paid_on FROM fund_disbursements WHERE beneficiary_resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "donations",
        "fund_donations",
        &[
            "receipt_no",
            "donor_name",
            "amount_fen",
            "method",
            "items",
            "received_on",
            "publish_name",
        ],
        "SELECT receipt_no, donor_name, amount_fen, method, items, received_on, publish_name FROM fund_donations WHERE donor_resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "enrolments",
        "enrolments",
        &["course", "status", "via", "enrolled_on", "completed_on"],
        "SELECT c.name, e.status, e.via, e.enrolled_on, e.completed_on FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.resident_id = ? AND e.community_id = ? ORDER BY e.id",
    ),
    (
        "attendance",
        "attendance",
        &["course", "held_on", "source"],
        "SELECT c.name, s.held_on, a.source FROM attendance a JOIN course_sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id WHERE a.resident_id = ? AND a.community_id = ? ORDER BY s.held_on",
    ),
    (
        "course_signups",
        "course_signups",
        &["course", "name", "phone", "address", "note", "status", "created_at"],
        "SELECT c.name, s.name, s.phone, s.address, s.note, s.status, s.created_at FROM course_signups s JOIN courses c ON c.id = s.course_id WHERE s.resident_id = ? AND s.community_id = ? ORDER BY s.id",
    ),
    (
        "courses_taught",
        "courses",
        &["course", "teacher_name", "starts_on", "ends_on"],
        "SELECT name, teacher_name, starts_on, ends_on FROM courses WHERE teacher_resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "job_seeker",
        "job_seekers",
        &["skills", "wishes", "hours", "status", "note", "registered_on"],
        "SELECT skills, wishes, hours, status, note, registered_on FROM job_seekers WHERE resident_id = ? AND community_id = ?",
    ),
    (
        "referrals",
        "referrals",
        &["employer", "job", "referred_on", "result", "note"],
        "SELECT o.employer, o.job, r.referred_on, r.result, r.note FROM referrals r JOIN job_seekers j ON j.id = r.seeker_id JOIN openings o ON o.id = r.opening_id WHERE j.resident_id = ? AND j.community_id = ? ORDER BY r.id",
    ),
    (
        "placements",
        "placements",
        &["employer", "job", "starts_on", "contract_type", "note"],
        "SELECT employer, job, starts_on, contract_type, note FROM placements WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "followups",
        "followups",
        &["followed_on", "outcome", "note"],
        "SELECT followed_on, outcome, note FROM followups WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "reports",
        "affairs",
        &[
            "public_ref",
            "category",
            "description",
            "reporter_phone",
            "status",
            "reported_on",
            "resolved_on",
            "resolution",
            "rating",
            "rating_note",
        ],
        "SELECT public_ref, category, description, reporter_phone, status, reported_on, resolved_on, resolution, rating, rating_note FROM affairs WHERE reporter_resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "visits",
        "visit_targets",
        &["plan", "status", "visited_on", "items", "amount_fen", "participants", "note"],
        "SELECT p.name, v.status, v.visited_on, v.items, v.amount_fen, v.participants, v.note FROM visit_targets v JOIN visit_plans p ON p.id = v.plan_id WHERE v.resident_id = ? AND v.community_id = ? ORDER BY v.id",
    ),
    (
        "neighbour_card",
        "neighbour_helpers",
        &["on_card", "helps_with", "contact_allowed"],
        "SELECT r.consent_neighbor_card, COALESCE(n.helps_with, ''), r.consent_volunteer_contact FROM residents r LEFT JOIN neighbour_helpers n ON n.resident_id = r.id WHERE r.id = ? AND r.community_id = ?",
    ),
    (
        "station_keeper",
        "service_stations",
        &["station", "location", "contact"],
        "SELECT name, location, contact FROM service_stations WHERE keeper_resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "account",
        "resident_accounts",
        &["username", "display_name", "card_phone", "linked_at"],
        "SELECT u.username, u.display_name, u.card_phone, a.linked_at FROM resident_accounts a JOIN users u ON u.id = a.user_id WHERE a.resident_id = ? AND a.community_id = ?",
    ),
    (
        "corrections",
        "correction_requests",
        &["field", "message", "status", "requested_at", "resolution"],
        "SELECT field, message, status, requested_at, resolution FROM correction_requests WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "claims",
        "resident_claims",
        &["status", "claimed_at", "decided_at", "note"],
        "SELECT status, claimed_at, decided_at, note FROM resident_claims WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "groups",
        "group_members",
        &["group", "leader", "joined_on"],
        "SELECT g.name, m.leader, m.joined_on FROM group_members m JOIN community_groups g ON g.id = m.group_id WHERE m.resident_id = ? AND m.community_id = ? ORDER BY g.id",
    ),
    (
        "volunteer",
        "volunteers",
        &["name", "id_number", "phone", "skills", "availability", "organisation", "created_at"],
        "SELECT name, id_number, phone, skills, availability, organisation, created_at FROM volunteers WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
    (
        "volunteer_services",
        "volunteer_services",
        &["activity", "held_on", "hours_tenths", "check_in", "check_out"],
        "SELECT a.name, a.held_on, s.hours_tenths, s.check_in, s.check_out FROM volunteer_services s JOIN volunteers v ON v.id = s.volunteer_id JOIN volunteer_activities a ON a.id = s.activity_id WHERE v.resident_id = ? AND v.community_id = ? ORDER BY a.held_on, s.id",
    ),
    (
        "volunteer_certificates",
        "volunteer_certificates",
        &["code", "volunteer_name", "period_from", "period_to", "hours_tenths", "issued_on"],
        "SELECT c.code, c.volunteer_name, c.period_from, c.period_to, c.hours_tenths, c.issued_on FROM volunteer_certificates c JOIN volunteers v ON v.id = c.volunteer_id WHERE v.resident_id = ? AND v.community_id = ? ORDER BY c.id",
    ),
    (
        "party_member",
        "party_members",
        &["name", "unit_name", "branch", "offer", "reported_on", "left_on"],
        "SELECT name, unit_name, branch, offer, reported_on, left_on FROM party_members WHERE resident_id = ? AND community_id = ? ORDER BY id",
    ),
];

/// The section codes in the order of the copy (each has a heading in the catalogue).
pub fn section_codes() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().map(|s| s.0)
}

fn json_of(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => (*i).into(),
        Value::Text(s) => s.clone().into(),
        Value::Real(f) => (*f).into(),
        Value::Blob(b) => format!("({} bytes)", b.len()).into(),
    }
}

fn row_map(cols: &[&str], r: &Row) -> BTreeMap<String, serde_json::Value> {
    cols.iter().zip(r.0.iter()).map(|(c, v)| ((*c).to_string(), json_of(v))).collect()
}

/// Everything held about resident `id` of community `t` (PIPL §45), one [`Section`] per kind
/// of record, empty sections included so the copy says what there is none of.
pub fn gather(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Vec<Section>> {
    SECTIONS
        .iter()
        .map(|(code, table, cols, sql)| {
            let rows =
                c.query(sql, params![id, t.id()])?.iter().map(|r| row_map(cols, r)).collect();
            Ok(Section {
                code: (*code).to_string(),
                title: String::new(),
                table: (*table).to_string(),
                rows,
            })
        })
        .collect()
}

/// One handling of his data: when, by whom, what (`action`, an audit action code whose words
/// are `audit.action.<action>`) and on which of his records (`object_kind`, words
/// `audit.object.<kind>`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Handled {
    pub at: Stamp,
    pub by: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
}

/// The audited objects that are his: (object kind, ids of his for resident ?).
const RELATED: &[(&str, &str)] = &[
    ("resident", "SELECT id FROM residents WHERE id = ?"),
    ("case", "SELECT id FROM cases WHERE resident_id = ?"),
    ("application", "SELECT id FROM applications WHERE resident_id = ?"),
    ("disbursement", "SELECT id FROM fund_disbursements WHERE beneficiary_resident_id = ?"),
    ("donation", "SELECT id FROM fund_donations WHERE donor_resident_id = ?"),
    ("enrolment", "SELECT id FROM enrolments WHERE resident_id = ?"),
    ("course_signup", "SELECT id FROM course_signups WHERE resident_id = ?"),
    ("affair", "SELECT id FROM affairs WHERE reporter_resident_id = ?"),
    ("job_seeker", "SELECT id FROM job_seekers WHERE resident_id = ?"),
    ("placement", "SELECT id FROM placements WHERE resident_id = ?"),
    ("visit_target", "SELECT id FROM visit_targets WHERE resident_id = ?"),
    ("volunteer", "SELECT id FROM volunteers WHERE resident_id = ?"),
    (
        "volunteer_service",
        "SELECT s.id FROM volunteer_services s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.resident_id = ?",
    ),
    ("party_member", "SELECT id FROM party_members WHERE resident_id = ?"),
    (
        "user",
        "SELECT user_id FROM resident_accounts WHERE resident_id = ? UNION SELECT user_id FROM resident_claims WHERE resident_id = ?",
    ),
];

/// The processing history of resident `id` (PIPL §44-45: how his data is handled): every
/// audit record about him or about a record of his, oldest first.
pub fn handled(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Vec<Handled>> {
    let mut out: Vec<(i64, Handled)> = Vec::new();
    for (kind, ids_sql) in RELATED {
        let binds = ids_sql.matches('?').count();
        let mut ids: Vec<String> = Vec::new();
        let args: Vec<Value> = std::iter::repeat_n(Value::Int(id), binds).collect();
        for r in c.query(ids_sql, &args)? {
            ids.push(r.int(0)?.to_string());
        }
        for object_id in ids {
            let rows = c.query(
                "SELECT seq, at, actor, action FROM audit_log WHERE community_id = ? AND object_kind = ? AND object_id = ?",
                params![t.id(), *kind, object_id.clone()],
            )?;
            for r in rows {
                out.push((
                    r.int(0)?,
                    Handled {
                        at: r.stamp(1)?,
                        by: r.text(2)?,
                        action: r.text(3)?,
                        object_kind: (*kind).to_string(),
                        object_id: object_id.clone(),
                    },
                ));
            }
        }
    }
    out.sort_by_key(|(seq, _)| *seq);
    Ok(out.into_iter().map(|(_, h)| h).collect())
}

/// What [`erase`] did, table → rows: `erased`, his rows anonymised or removed; `redacted`,
/// rows (his or a neighbour's) in whose free text his name, phone or ID number was replaced.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Erased {
    pub erased: BTreeMap<String, i64>,
    pub redacted: BTreeMap<String, i64>,
}

fn bump(counts: &mut BTreeMap<String, i64>, table: &str, n: u64) {
    if n > 0 {
        *counts.entry(table.to_string()).or_default() += i64::try_from(n).unwrap_or(i64::MAX);
    }
}

/// Erasure statements whose values are (his id, the community): rows of his deleted or
/// emptied, in this order (his account's name before the link to it goes).
const ERASE_BY_ID: &[(&str, &str)] = &[
    (
        "neighbour_helpers",
        "DELETE FROM neighbour_helpers WHERE resident_id = ? AND community_id = ?",
    ),
    ("group_members", "DELETE FROM group_members WHERE resident_id = ? AND community_id = ?"),
    (
        "users",
        "UPDATE users SET display_name = '已匿名', card_phone = '' WHERE id IN (SELECT user_id FROM resident_accounts WHERE resident_id = ? AND community_id = ?)",
    ),
    (
        "resident_accounts",
        "DELETE FROM resident_accounts WHERE resident_id = ? AND community_id = ?",
    ),
    (
        "job_seekers",
        "UPDATE job_seekers SET skills = '', wishes = '', note = '' WHERE resident_id = ? AND community_id = ?",
    ),
    (
        "affairs",
        "UPDATE affairs SET reporter_phone = NULL WHERE reporter_resident_id = ? AND community_id = ? AND reporter_phone IS NOT NULL",
    ),
];

/// Erasure statements whose values are (his pseudonym, his id, the community): records that
/// stay, under 张某.
const RENAME_BY_ID: &[(&str, &str)] = &[
    (
        "course_signups",
        "UPDATE course_signups SET name = ?, phone = '', address = '', note = '' WHERE resident_id = ? AND community_id = ?",
    ),
    (
        "volunteer_certificates",
        "UPDATE volunteer_certificates SET volunteer_name = ? WHERE volunteer_id IN (SELECT id FROM volunteers WHERE resident_id = ? AND community_id = ?)",
    ),
    (
        "party_members",
        "UPDATE party_members SET name = ? WHERE resident_id = ? AND community_id = ?",
    ),
];

/// Erasure of resident `id` (PIPL §47) where the records must stay: his record anonymous (see
/// [`crate::registry::anonymize`]), what need not stay removed (tags, his neighbour-card offer,
/// group memberships, his account's link), his name, phone and ID number replaced in his
/// records and redacted in every free-text column of the community ([`FREE_TEXT`]). The fund's
/// sealed ledger is kept ([`EXEMPT`]). Returns the counts per table.
pub fn erase(c: &mut dyn Conn, t: Tenant, id: i64, now: DateTime<Utc>) -> Result<Erased> {
    let r = crate::registry::get(c, t, id)?;
    if r.status == ResidentStatus::Anonymized {
        // Erased before: its name is the placeholder, which must not be searched for.
        return Ok(Erased::default());
    }
    let name = r.name.clone();
    let numbers: Vec<String> = [r.phone.clone(), r.id_number.clone()]
        .into_iter()
        .flatten()
        .filter(|n| !n.trim().is_empty())
        .collect();
    // Volunteers registered with their own ID number and phone (a volunteer's copy of them).
    let mut numbers = numbers;
    for v in c.query(
        "SELECT id_number, phone FROM volunteers WHERE resident_id = ? AND community_id = ?",
        params![id, t.id()],
    )? {
        for n in [v.text(0)?, v.text(1)?] {
            if !n.trim().is_empty() && !numbers.contains(&n) {
                numbers.push(n);
            }
        }
    }
    let alias = pseudonym(&name);
    let mut counts = BTreeMap::new();

    let tags = c.count("SELECT COUNT(*) FROM resident_tags WHERE resident_id = ?", params![id])?;
    bump(&mut counts, "resident_tags", u64::try_from(tags).unwrap_or(0));
    crate::registry::anonymize(c, t, id, now)?;
    bump(&mut counts, "residents", 1);

    let tid = t.id();
    for (table, sql) in ERASE_BY_ID {
        bump(&mut counts, table, c.execute(sql, params![id, tid])?);
    }
    for (table, sql) in RENAME_BY_ID {
        bump(&mut counts, table, c.execute(sql, params![alias.clone(), id, tid])?);
    }
    let n = c.execute(
        "UPDATE volunteers SET name = ?, id_number = '', phone = '', skills = '', availability = '', updated_at = ? WHERE resident_id = ? AND community_id = ?",
        params![alias.clone(), now_text(now), id, tid],
    )?;
    bump(&mut counts, "volunteers", n);

    // Free text, his and his neighbours'. Someone else whose longer name contains his
    // (王明亮 for 王明) keeps it.
    let others: Vec<String> = if name.chars().count() >= 2 {
        c.query(
            "SELECT DISTINCT name FROM residents WHERE community_id = ? AND id <> ? AND name LIKE ?",
            params![tid, id, format!("%{name}%")],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?
    } else {
        Vec::new()
    };
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let mut needles: Vec<String> = Vec::new();
    if name.chars().count() >= 2 {
        needles.push(format!("%{name}%"));
    }
    needles.extend(numbers.iter().filter(|n| n.chars().count() >= 7).map(|n| format!("%{n}%")));
    let mut redacted: BTreeMap<String, std::collections::BTreeSet<i64>> = BTreeMap::new();
    if !needles.is_empty() {
        for (table, key, col) in FREE_TEXT {
            let like = vec![format!("{col} LIKE ?"); needles.len()].join(" OR ");
            let mut args: Vec<Value> = vec![Value::Int(tid)];
            args.extend(needles.iter().map(|n| Value::Text(n.clone())));
            let rows = c.query(
                &format!("SELECT {key}, {col} FROM {table} WHERE community_id = ? AND ({like})"),
                &args,
            )?;
            for row in rows {
                let (k, text) = (row.int(0)?, row.text(1)?);
                let clean = redact_person(&text, &name, &numbers, &others);
                if clean != text {
                    c.execute(
                        &format!("UPDATE {table} SET {col} = ? WHERE {key} = ?"),
                        params![clean, k],
                    )?;
                    redacted.entry((*table).to_string()).or_default().insert(k);
                }
            }
        }
    }
    Ok(Erased {
        erased: counts,
        redacted: redacted
            .into_iter()
            .map(|(t, keys)| (t, i64::try_from(keys.len()).unwrap_or(i64::MAX)))
            .collect(),
    })
}

/// Every (table, column) of the live schema that refers to a resident: named so by the rule
/// of [`refers_to_resident`], or (SQLite, where the catalogue shows them) a foreign key to
/// `residents` under any name. Read from the database, not from the migrations, so a table
/// added by any means is seen.
pub fn references(c: &mut dyn Conn) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    match c.dialect() {
        crate::Dialect::Sqlite => {
            for r in c.query(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.cid",
                params![],
            )? {
                let (table, column) = (r.text(0)?, r.text(1)?);
                if refers_to_resident(&column) {
                    out.push((table, column));
                }
            }
            for r in c.query(
                "SELECT m.name, f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND f.\"table\" = 'residents' ORDER BY m.name",
                params![],
            )? {
                let pair = (r.text(0)?, r.text(1)?);
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
        crate::Dialect::Postgres => {
            for r in c.query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                params![],
            )? {
                let (table, column) = (r.text(0)?, r.text(1)?);
                if refers_to_resident(&column) {
                    out.push((table, column));
                }
            }
            for r in c.query(
                "SELECT src.relname::text, a.attname::text
                 FROM pg_constraint k
                 JOIN pg_class src ON src.oid = k.conrelid
                 JOIN pg_class dst ON dst.oid = k.confrelid
                 JOIN pg_namespace n ON n.oid = src.relnamespace
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                 WHERE k.contype = 'f' AND dst.relname = 'residents' AND n.nspname = current_schema()",
                params![],
            )? {
                let pair = (r.text(0)?, r.text(1)?);
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    Ok(out)
}

/// The references to a resident that are neither [`COVERED`] nor [`EXEMPT`]: a new table
/// that a §45 copy would leave out and a §47 erasure would not touch.
pub fn unhandled(c: &mut dyn Conn) -> Result<Vec<(String, String)>> {
    Ok(references(c)?.into_iter().filter(|(t, col)| !is_handled(t, col)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_covered_reference_is_gathered_and_named_by_the_rule() {
        for (table, column) in COVERED {
            assert!(refers_to_resident(column), "{table}.{column}");
            assert!(
                SECTIONS.iter().any(|s| s.1 == *table && s.3.contains(column)),
                "{table}.{column} is covered but no section of the copy reads it"
            );
        }
        for (table, column, reason) in EXEMPT {
            assert!(!reason.is_empty(), "{table}.{column} is exempt without a reason");
        }
    }

    #[test]
    fn a_new_reference_is_caught_by_the_rule() {
        assert!(refers_to_resident("resident_id"));
        assert!(refers_to_resident("guardian_resident_id"));
        assert!(!refers_to_resident("residents_served"));
        assert!(!is_handled("pipl_probe", "resident_id"));
        assert!(is_handled("cases", "resident_id"));
        assert!(is_handled("fund_donations", "donor_resident_id"));
    }
}
