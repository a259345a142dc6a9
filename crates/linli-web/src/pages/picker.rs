//! The resident picker (issue 14: "pickers, never record numbers"): every form field that
//! names a resident is a text box where the worker types a name, pinyin initials, the
//! building and unit or the last ID digits.
//!
//! Without JavaScript the box has a 查找 button that posts the form back with
//! `_pick=<field>`: the page comes back with everything typed kept and the residents found as
//! radio buttons carrying the resident's id under the form's existing field name
//! (`donor_resident_id`, `beneficiary_resident_id`, `resident_id`, …), so the handlers and the
//! JSON API keep taking ids. With JavaScript (`/assets/picker.js`) typing shows suggestions
//! from `GET /api/v1/residents/pick` and choosing one leaves a single checked radio.
//!
//! Errors stand beside the field: nobody found, several found and none chosen, someone outside
//! the worker's scope.

use super::pairs_get;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use linli_app::Actor;
use linli_app::registry::{self as ops, Pick, PickRefused};
use maud::{Markup, html};

/// The form value of the search button: which picker's 查找 was pressed.
pub const PICK_BUTTON: &str = "_pick";

/// One picker as a form shows it: what was typed, who was found, who is chosen.
#[derive(Debug, Clone)]
pub struct Picker {
    /// The form field carrying the resident's id (kept from before pickers existed).
    pub field: &'static str,
    pub label_key: &'static str,
    /// What was typed in the box (`<field>_q`).
    pub query: String,
    /// The resident whose id the form posts, if one is chosen.
    pub chosen: Option<Pick>,
    /// The residents found by the last search (the chosen one among them).
    pub found: Vec<Pick>,
    /// More matched than are listed.
    pub more: bool,
    /// Shown beside the field.
    pub error: Option<String>,
    /// The 查找 button of this picker was pressed: the form is shown again, nothing saved.
    pub searched: bool,
}

impl Picker {
    pub fn new(field: &'static str, label_key: &'static str) -> Self {
        Picker {
            field,
            label_key,
            query: String::new(),
            chosen: None,
            found: Vec::new(),
            more: false,
            error: None,
            searched: false,
        }
    }

    fn query_name(&self) -> String {
        format!("{}_q", self.field)
    }

    /// A picker opened on a resident named by a link (`/cases/new?resident=7`, from her
    /// page): she is shown chosen, or the reason she cannot be.
    pub async fn preset(
        mut self,
        state: &AppState,
        actor: &Actor,
        lang: Lang,
        id: Option<i64>,
    ) -> Result<Self, AppError> {
        if let Some(id) = id {
            self.choose_id(state, actor, lang, id).await?;
        }
        Ok(self)
    }

    async fn choose_id(
        &mut self,
        state: &AppState,
        actor: &Actor,
        lang: Lang,
        id: i64,
    ) -> Result<(), AppError> {
        match ops::picked(&state.app, actor, id).await? {
            Ok(p) => {
                if self.query.is_empty() {
                    self.query = p.name.clone();
                }
                if !self.found.iter().any(|f| f.id == p.id) {
                    self.found.insert(0, p.clone());
                }
                self.chosen = Some(p);
            }
            Err(PickRefused::OutOfScope) => {
                self.error = Some(t(lang, "pickers.out_of_scope"));
            }
            Err(PickRefused::Missing) => self.error = Some(t(lang, "pickers.missing")),
        }
        Ok(())
    }

    /// Reads the picker from a posted form and resolves it: the 查找 button searches; a
    /// chosen id is checked (active, in scope); a name typed but nobody chosen searches and
    /// asks which one. `needed` is false when the form does not use this picker this time
    /// (a donation from a partner unit): then nothing is checked.
    pub async fn read_form(
        mut self,
        state: &AppState,
        actor: &Actor,
        lang: Lang,
        pairs: &[(String, String)],
        needed: bool,
    ) -> Result<Self, AppError> {
        self.query = pairs_get(pairs, &self.query_name()).unwrap_or_default();
        self.searched = pairs_get(pairs, PICK_BUTTON).as_deref() == Some(self.field);
        let id = pairs_get(pairs, self.field);
        if self.searched {
            self.search(state, actor, lang).await?;
            // A search keeps a choice still among the residents found.
            if let Some(id) = id.and_then(|v| v.parse::<i64>().ok())
                && let Some(p) = self.found.iter().find(|p| p.id == id)
            {
                self.chosen = Some(p.clone());
            }
            return Ok(self);
        }
        if !needed {
            return Ok(self);
        }
        match id {
            Some(v) => match v.parse::<i64>() {
                Ok(id) => self.choose_id(state, actor, lang, id).await?,
                Err(_) => self.error = Some(t(lang, "pickers.missing")),
            },
            None if !self.query.is_empty() => {
                self.search(state, actor, lang).await?;
                if self.error.is_none() {
                    self.error = Some(if self.chosen.is_some() {
                        t(lang, "pickers.confirm_one")
                    } else {
                        t(lang, "pickers.choose")
                    });
                }
            }
            None => {}
        }
        Ok(self)
    }

    async fn search(
        &mut self,
        state: &AppState,
        actor: &Actor,
        lang: Lang,
    ) -> Result<(), AppError> {
        if self.query.is_empty() {
            self.error = Some(t(lang, "pickers.empty_query"));
            return Ok(());
        }
        let picks = ops::pick_residents(&state.app, actor, &self.query, ops::PICK_LIMIT).await?;
        self.more = picks.more;
        self.found = picks.items;
        if self.found.is_empty() {
            self.error = Some(t(lang, "pickers.none"));
        }
        // One resident found whose name is exactly what was typed: she is preselected.
        if let [only] = self.found.as_slice()
            && only.name == self.query.trim()
        {
            self.chosen = Some(only.clone());
        }
        Ok(())
    }

    /// The chosen resident's id, once the form may go on: nothing searched, no error.
    pub fn ready(&self) -> Option<Option<i64>> {
        (!self.searched && self.error.is_none()).then(|| self.chosen.as_ref().map(|p| p.id))
    }

    /// Whether the form must be shown again instead of saved.
    pub fn holds_form(&self) -> bool {
        self.ready().is_none()
    }

    /// Puts an operation's field error beside this picker when it names the picker's field.
    pub fn take_error(&mut self, lang: Lang, e: &AppError) -> bool {
        if e.field() == Some(self.field) {
            self.error = Some(tf(lang, &format!("error.{}", e.code()), &[]));
            true
        } else {
            false
        }
    }

    pub fn render(&self, lang: Lang) -> Markup {
        let q = self.query_name();
        let err_id = format!("{}-error", self.field);
        let hint_id = format!("{}-hint", self.field);
        let list_id = format!("{}-suggest", self.field);
        let described =
            if self.error.is_some() { format!("{err_id} {hint_id}") } else { hint_id.clone() };
        html! {
            div.field.picker.has-error[self.error.is_some()] data-picker=(self.field)
                data-empty=(t(lang, "pickers.none")) data-tail=(t(lang, "pickers.id_tail"))
                data-born=(t(lang, "pickers.born")) data-more=(t(lang, "pickers.more"))
                data-failed=(t(lang, "pickers.failed")) {
                label for=(q) { (t(lang, self.label_key)) }
                div.picker-row {
                    input id=(q) name=(q) type="search" value=(self.query) autocomplete="off"
                        role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls=(list_id)
                        aria-invalid=[self.error.as_ref().map(|_| "true")] aria-describedby=(described);
                    button.btn.picker-find type="submit" name=(PICK_BUTTON) value=(self.field) formnovalidate { (t(lang, "pickers.find")) }
                }
                ul.picker-suggest id=(list_id) role="listbox" aria-label=(t(lang, "pickers.suggestions")) hidden {}
                @if let Some(e) = &self.error {
                    p.field-error id=(err_id) role="alert" { (e) }
                }
                p.hint id=(hint_id) { (t(lang, "pickers.hint")) }
                div.picker-choices {
                    @if !self.found.is_empty() {
                        fieldset.picker-found {
                            legend { (t(lang, if self.chosen.is_some() && self.found.len() == 1 { "pickers.chosen" } else { "pickers.found" })) }
                            @for p in &self.found {
                                label.check.picker-choice {
                                    input type="radio" name=(self.field) value=(p.id)
                                        checked[self.chosen.as_ref().is_some_and(|c| c.id == p.id)];
                                    (pick_line(lang, p))
                                }
                            }
                        }
                    }
                    @if self.more { p.hint { (t(lang, "pickers.more")) } }
                }
            }
            // Only pages with a picker load its script (a second tag is fetched once and
            // sets up each picker once).
            script src=(crate::layout::PICKER_JS_HREF) defer {}
        }
    }
}

/// One resident as a picker lists her: the name strong, then where she lives, the year she
/// was born and the last four digits of her ID number.
pub fn pick_line(lang: Lang, p: &Pick) -> Markup {
    html! {
        span.picker-line {
            strong { (p.name) }
            @if !p.address.is_empty() { " · " (p.address) }
            @if let Some(y) = &p.birth_year { " · " (tf(lang, "pickers.born", &[("year", y)])) }
            @if let Some(tail) = &p.id_tail { " · " (t(lang, "pickers.id_tail")) " " span.mono { (tail) } }
        }
    }
}

/// The status of a form shown again by its picker: a search is an ordinary page, a picker
/// error is a refused submission.
pub fn picker_status(p: &Picker) -> axum::http::StatusCode {
    if p.error.is_some() && !p.searched {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    }
}
