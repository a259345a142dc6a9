//! The message catalogue: every user-facing string, in Simplified Chinese (default) and
//! English, from `messages/*.txt` (`key = text` lines). A test checks both have every key.

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Zh }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// The viewer's display preferences, kept in two plain cookies (they are not secrets and
/// must work before sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefs {
    pub lang: Lang,
    /// 适老化: large type, high contrast, wide targets.
    pub elder: bool,
}

pub const LANG_COOKIE: &str = "linli_lang";
pub const ELDER_COOKIE: &str = "linli_elder";

impl Prefs {
    pub fn from_headers(headers: &HeaderMap) -> Prefs {
        let mut prefs = Prefs { lang: Lang::Zh, elder: false };
        for (name, value) in cookies(headers) {
            match name {
                LANG_COOKIE => prefs.lang = Lang::from_code(value),
                ELDER_COOKIE => prefs.elder = value == "1",
                _ => {}
            }
        }
        prefs
    }
}

/// The `name=value` pairs of the request's Cookie headers.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookies(headers).find(|(n, _)| *n == name).map(|(_, v)| v)
}

fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" ="))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// One pair of files per module, so each module owns its strings: `messages/<module>.zh-CN.txt`
/// and `messages/<module>.en.txt` (the shared ones are `zh-CN.txt` and `en.txt`).
const ZH_FILES: &[&str] = &[
    include_str!("../messages/zh-CN.txt"),
    include_str!("../messages/learning.zh-CN.txt"),
    include_str!("../messages/partners.zh-CN.txt"),
    include_str!("../messages/visits.zh-CN.txt"),
    include_str!("../messages/summary.zh-CN.txt"),
    include_str!("../messages/enums.zh-CN.txt"),
    include_str!("../messages/me.zh-CN.txt"),
    include_str!("../messages/cards.zh-CN.txt"),
    include_str!("../messages/pickers.zh-CN.txt"),
    include_str!("../messages/audit.zh-CN.txt"),
    include_str!("../messages/volunteers.zh-CN.txt"),
    include_str!("../messages/corridors.zh-CN.txt"),
    include_str!("../messages/publicity.zh-CN.txt"),
    include_str!("../messages/calendar.zh-CN.txt"),
    include_str!("../messages/privacy.zh-CN.txt"),
    include_str!("../messages/dibao.zh-CN.txt"),
    include_str!("../messages/street.zh-CN.txt"),
];
const EN_FILES: &[&str] = &[
    include_str!("../messages/en.txt"),
    include_str!("../messages/learning.en.txt"),
    include_str!("../messages/partners.en.txt"),
    include_str!("../messages/visits.en.txt"),
    include_str!("../messages/summary.en.txt"),
    include_str!("../messages/enums.en.txt"),
    include_str!("../messages/me.en.txt"),
    include_str!("../messages/cards.en.txt"),
    include_str!("../messages/pickers.en.txt"),
    include_str!("../messages/audit.en.txt"),
    include_str!("../messages/volunteers.en.txt"),
    include_str!("../messages/corridors.en.txt"),
    include_str!("../messages/publicity.en.txt"),
    include_str!("../messages/calendar.en.txt"),
    include_str!("../messages/privacy.en.txt"),
    include_str!("../messages/dibao.en.txt"),
    include_str!("../messages/street.en.txt"),
];

fn parse_all(files: &[&'static str]) -> HashMap<&'static str, &'static str> {
    files.iter().flat_map(|f| parse(f)).collect()
}

static ZH: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse_all(ZH_FILES));
static EN: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse_all(EN_FILES));

fn catalogue(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The text of `key`; a missing key shows itself (and fails the catalogue test).
pub fn t(lang: Lang, key: &str) -> String {
    catalogue(lang).get(key).map_or_else(|| key.to_string(), |s| (*s).to_string())
}

/// The text of `key` when the catalogue has it (for words tried in turn, or a code shown as
/// itself when it has none).
pub fn t_opt(lang: Lang, key: &str) -> Option<String> {
    catalogue(lang).get(key).map(|s| (*s).to_string())
}

/// [`t`] with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = match catalogue(lang).get(key) {
        Some(s) => (*s).to_string(),
        None if key.starts_with("error.") => t(lang, "error.generic"),
        None => key.to_string(),
    };
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// The message of error `code` with its values; a value `enum.<family>.<code>` names a code
/// and is shown as its label in `lang` (the basis of a meeting in the quorum's arithmetic).
pub fn error_message(lang: Lang, code: &str, args: &[(&'static str, String)]) -> String {
    let args: Vec<(&str, String)> = args
        .iter()
        .map(|(k, v)| {
            let v = if v.starts_with("enum.") { t(lang, v) } else { v.clone() };
            (*k, v)
        })
        .collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    tf(lang, &format!("error.{code}"), &args)
}

/// Labels run together as a list: `疾病、失业` in Chinese, `Illness, Unemployment` in English.
pub fn list(lang: Lang, items: &[String]) -> String {
    items.join(match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    })
}

/// The label of a code enum's value in the caller's language (`enum.<family>.<code>`).
pub fn label(lang: Lang, family: &str, code: &str) -> String {
    t(lang, &format!("enum.{family}.{code}"))
}

/// How a field error reads in the caller's language: the rule's own Chinese explanation where
/// it has one, else the catalogue's message. Both may quote what was typed (a tag's name, a
/// phone's bad character), so what could steer a terminal or flip the text is taken out.
pub fn field_message(lang: Lang, e: &linli_app::registry::FieldError) -> String {
    let message = match (&e.zh, lang) {
        (Some(zh), Lang::Zh) => zh.clone(),
        _ => {
            let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            tf(lang, &e.key, &args)
        }
    };
    linli_core::text::echo_safe(&message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_dashboard_hint_shows_the_words_the_summary_writes() {
        use linli_core::indicators::{approx_money, approx_rate};
        for lang in [Lang::Zh, Lang::En] {
            let hint = t(lang, "reports.hint");
            for words in [approx_rate(0.896), approx_money(5_999_999)] {
                assert!(hint.contains(words.as_str()), "{lang:?}: {hint} lacks {words}");
            }
        }
    }

    #[test]
    fn both_languages_have_every_key_and_no_empty_text() {
        let zh: BTreeSet<_> = ZH.keys().collect();
        let en: BTreeSet<_> = EN.keys().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en.txt: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.txt: {only_en:?}");
        assert!(ZH.values().all(|v| !v.is_empty()));
        // English has no measure words (个, 栋): only those may be empty.
        assert!(EN.iter().all(|(k, v)| !v.is_empty() || k.starts_with("unit.")));
        assert!(zh.len() > 50);
    }

    #[test]
    fn every_key_used_in_the_source_is_in_the_catalogue() {
        // Literal keys passed to t()/tf() in this crate's sources.
        let sources = [
            include_str!("layout.rs"),
            include_str!("auth.rs"),
            include_str!("pages/mod.rs"),
            include_str!("pages/home.rs"),
            include_str!("pages/places.rs"),
            include_str!("pages/users.rs"),
            include_str!("pages/audit.rs"),
            include_str!("pages/residents.rs"),
            include_str!("pages/roster.rs"),
            include_str!("pages/fund.rs"),
            include_str!("pages/cases.rs"),
            include_str!("pages/dibao.rs"),
            include_str!("pages/cards.rs"),
            include_str!("pages/reports.rs"),
            include_str!("pages/stations.rs"),
            include_str!("pages/learning.rs"),
            include_str!("pages/employment.rs"),
            include_str!("pages/partners.rs"),
            include_str!("pages/affairs.rs"),
            include_str!("pages/visits.rs"),
            include_str!("pages/summary.rs"),
            include_str!("pages/me.rs"),
            include_str!("pages/portal.rs"),
            include_str!("pages/volunteers.rs"),
            include_str!("pages/corridors.rs"),
            include_str!("pages/publicity.rs"),
            include_str!("pages/picker.rs"),
        ];
        let mut missing = Vec::new();
        for src in sources {
            for needle in ["t(lang, \"", "tf(lang, \""] {
                for (at, _) in src.match_indices(needle) {
                    // `select(lang, "kind"…` ends in `t(lang, "` too: require a word start.
                    let before = src[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &src[at + needle.len()..];
                    if let Some(key) = rest.split('"').next()
                        && !ZH.contains_key(key)
                    {
                        missing.push(key.to_string());
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogue: {missing:?}");
    }

    /// Every value of the enums the pages label has a label in both languages, and the Chinese
    /// one is the rule's own (`label_zh`), so the Chinese UI reads as it always did.
    #[test]
    fn every_enum_value_has_a_label_in_both_languages() {
        use linli_core::fund::{DonorKind, MeetingBasis, Method, Purpose};
        use linli_core::{assistance, corrections, learning, partners, visits};
        let mut values: Vec<(&str, &str, &str)> = Vec::new();
        values.extend(DonorKind::ALL.iter().map(|v| ("donor_kind", v.as_str(), v.label_zh())));
        values.extend(Method::ALL.iter().map(|v| ("pay_method", v.as_str(), v.label_zh())));
        values.extend(Purpose::ALL.iter().map(|v| ("purpose", v.as_str(), v.label_zh())));
        values
            .extend(MeetingBasis::ALL.iter().map(|v| ("meeting_basis", v.as_str(), v.label_zh())));
        values.extend(
            assistance::CaseKind::ALL.iter().map(|v| ("case_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            assistance::HelpKind::ALL.iter().map(|v| ("help_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            assistance::ApplicationKind::ALL
                .iter()
                .map(|v| ("application_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            assistance::LegalBasis::ALL.iter().map(|v| ("legal_basis", v.as_str(), v.label_zh())),
        );
        values.extend(visits::Occasion::ALL.iter().map(|v| ("occasion", v.as_str(), v.label_zh())));
        values.extend(
            visits::VisitRule::ALL.iter().map(|v| ("visit_rule", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::VenueKind::ALL.iter().map(|v| ("venue_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::Category::ALL.iter().map(|v| ("course_category", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::TeacherKind::ALL.iter().map(|v| ("teacher_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::TraineeCheck::ALL.iter().map(|v| ("trainee_check", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::ContractType::ALL.iter().map(|v| ("contract_type", v.as_str(), v.label_zh())),
        );
        values.extend(learning::Hours::ALL.iter().map(|v| ("hours", v.as_str(), v.label_zh())));
        values.extend(
            learning::SeekerStatus::ALL.iter().map(|v| ("seeker_status", v.as_str(), v.label_zh())),
        );
        values.extend(
            learning::ReferralResult::ALL
                .iter()
                .map(|v| ("referral_result", v.as_str(), v.label_zh())),
        );
        values.extend(
            partners::PartnerKind::ALL.iter().map(|v| ("partner_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            partners::ActivityKind::ALL.iter().map(|v| ("activity_kind", v.as_str(), v.label_zh())),
        );
        values.extend(
            partners::CommitteePost::ALL
                .iter()
                .map(|v| ("committee_post", v.as_str(), v.label_zh())),
        );
        values.extend(
            partners::ResourceKind::ALL.iter().map(|v| ("resource_kind", v.as_str(), v.label_zh())),
        );
        values.extend(partners::Rating::ALL.iter().map(|v| ("rating", v.as_str(), v.label_zh())));
        values.extend(
            corrections::CorrectionField::ALL
                .iter()
                .map(|v| ("correction_field", v.as_str(), v.label_zh())),
        );
        for (family, code, zh) in values {
            let key = format!("enum.{family}.{code}");
            assert_eq!(ZH.get(key.as_str()).copied(), Some(zh), "{key}");
            assert!(EN.get(key.as_str()).is_some_and(|s| s.is_ascii()), "{key} in English");
        }
    }

    #[test]
    fn no_key_is_defined_twice() {
        for files in [ZH_FILES, EN_FILES] {
            let mut seen = BTreeSet::new();
            let dup: Vec<_> = files
                .iter()
                .flat_map(|f| parse(f).into_keys())
                .filter(|k| !seen.insert(*k))
                .collect();
            assert!(dup.is_empty(), "keys defined in two message files: {dup:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert!(tf(Lang::Zh, "error.login_wait", &[("seconds", "4")]).contains('4'));
    }

    #[test]
    fn preferences_come_from_cookies_and_default_to_chinese() {
        let mut h = HeaderMap::new();
        assert_eq!(Prefs::from_headers(&h).lang, Lang::Zh);
        h.insert(axum::http::header::COOKIE, "a=b; linli_lang=en; linli_elder=1".parse().unwrap());
        let p = Prefs::from_headers(&h);
        assert_eq!(p.lang, Lang::En);
        assert!(p.elder);
    }
}
