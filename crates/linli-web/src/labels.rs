//! Words for the codes the operations return, in the reader's language: audit actions and
//! objects, and the sections and history of a person's copy (PIPL §45). Pages and the JSON
//! API both call these; neither imports the other.

use crate::i18n::{Lang, t, t_opt};
use linli_app::me::{Handling, MyData};
use linli_app::registry::PersonalData;
use linli_store::privacy::Section;

/// The catalogue's words for an audit action code, or the code itself.
pub fn action_label(lang: Lang, action: &str) -> String {
    words_or_code(lang, "audit.action", action)
}

/// The catalogue's words for an audited object's kind, or the kind itself.
pub fn object_label(lang: Lang, kind: &str) -> String {
    words_or_code(lang, "audit.object", kind)
}

/// The catalogue's words for `<family>.<code>`, or the code itself.
pub fn words_or_code(lang: Lang, family: &str, code: &str) -> String {
    t_opt(lang, &format!("{family}.{code}")).unwrap_or_else(|| code.to_string())
}

/// Headings of a copy's sections (`privacy.section.<code>`).
fn title_sections(lang: Lang, sections: &mut [Section]) {
    for s in sections {
        s.title = t(lang, &format!("privacy.section.{}", s.code));
    }
}

/// A processing history in words: actions and objects from the audit catalogue.
fn word_history(lang: Lang, history: &mut [Handling]) {
    for h in history {
        h.action_label = action_label(lang, &h.action);
        h.object_label = object_label(lang, &h.object_kind);
    }
}

/// A resident's own copy (`me_export`) in words.
pub fn label_my_data(lang: Lang, d: &mut MyData) {
    title_sections(lang, &mut d.sections);
    word_history(lang, &mut d.handling);
}

/// The copy handed over for a §45 request (`residents_export_personal`) in words.
pub fn label_personal_data(lang: Lang, d: &mut PersonalData) {
    title_sections(lang, &mut d.sections);
    word_history(lang, &mut d.processing_history);
}
