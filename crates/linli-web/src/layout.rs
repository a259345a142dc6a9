//! The page shell and the parts every page reuses (UI.md): top bar, grouped navigation,
//! breadcrumbs, title with primary action, flash messages, fields with their errors, tables
//! with paging, stat cards, empty states, print header.

use crate::ctx::{Ctx, FLASH_COOKIE};
use crate::i18n::{Lang, Prefs, t, tf};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_core::{Action, Decision};
use maud::{DOCTYPE, Markup, html};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

pub const CSS_HREF: &str = concat!("/assets/linli.css?v=", env!("CARGO_PKG_VERSION"));
/// The pickers' suggestions (`pages::picker`), loaded by the pages that have a picker only;
/// they work without it.
pub const PICKER_JS_HREF: &str = concat!("/assets/picker.js?v=", env!("CARGO_PKG_VERSION"));

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light";
            title { (title) " · " (t(lang, "app.name")) }
            link rel="stylesheet" href=(CSS_HREF);
            link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
        }
    }
}

fn prefs_links(ctx: &Ctx) -> Markup {
    let lang = ctx.lang();
    let back = enc(&ctx.here);
    // A button in a small form (a link may not carry a pressed state): it works without
    // JavaScript, and its text says what it does (标准字号 while large type is on).
    html! {
        form.inline.elder-form method="post" action="/settings/elder" {
            @if let Some(c) = &ctx.caller {
                input type="hidden" name="_csrf" value=(c.csrf_token);
            }
            input type="hidden" name="back" value=(ctx.here);
            button #elder-switch .top-link.linklike type="submit" {
                (if ctx.prefs.elder { t(lang, "prefs.elder_off") } else { t(lang, "prefs.elder_on") })
            }
        }
        a #lang-switch .top-link href={ "/settings/lang?to=" (lang.other().code()) "&back=" (back) } lang=(lang.other().code()) {
            (t(lang, "prefs.other_language"))
        }
    }
}

struct NavItem {
    href: &'static str,
    key: &'static str,
    action: Action,
}

const NAV: &[(&str, &[NavItem])] = &[
    ("nav.group.work", &[NavItem { href: "/", key: "nav.home", action: Action::ViewHome }]),
    (
        "nav.group.community",
        &[
            NavItem { href: "/residents", key: "nav.residents", action: Action::ViewResidents },
            NavItem { href: "/places", key: "nav.places", action: Action::ViewPlaces },
            NavItem { href: "/corridors", key: "nav.corridors", action: Action::ViewCorridors },
            NavItem { href: "/publicity", key: "nav.publicity", action: Action::ManagePublicity },
        ],
    ),
    (
        "nav.group.help",
        &[
            NavItem { href: "/cases", key: "nav.cases", action: Action::ViewCases },
            NavItem { href: "/dibao", key: "nav.dibao", action: Action::ManageCases },
            NavItem { href: "/visits", key: "nav.visits", action: Action::ViewCases },
            NavItem { href: "/neighbor-cards", key: "nav.cards", action: Action::ViewResidents },
            NavItem { href: "/stations", key: "nav.stations", action: Action::ViewResidents },
            NavItem { href: "/fund", key: "nav.fund", action: Action::ViewFund },
        ],
    ),
    (
        "nav.group.learning",
        &[
            NavItem { href: "/courses", key: "nav.courses", action: Action::ViewLearning },
            NavItem { href: "/employment", key: "nav.employment", action: Action::ViewEmployment },
        ],
    ),
    (
        "nav.group.linkage",
        &[
            NavItem { href: "/partners", key: "nav.partners", action: Action::ViewPartners },
            NavItem { href: "/affairs", key: "nav.affairs", action: Action::ViewAffairs },
            NavItem { href: "/volunteers", key: "nav.volunteers", action: Action::ViewVolunteers },
        ],
    ),
    (
        "nav.group.reports",
        &[NavItem { href: "/reports", key: "nav.reports", action: Action::ViewReports }],
    ),
    (
        "nav.group.settings",
        &[
            NavItem { href: "/users", key: "nav.users", action: Action::ViewUsers },
            NavItem { href: "/audit", key: "nav.audit", action: Action::ViewAudit },
            NavItem { href: "/calendar", key: "nav.calendar", action: Action::ManageCalendar },
            NavItem {
                href: "/account/password",
                key: "nav.password",
                action: Action::ChangeOwnPassword,
            },
        ],
    ),
];

fn nav(ctx: &Ctx) -> Markup {
    let lang = ctx.lang();
    let Some(caller) = &ctx.caller else {
        return html! {};
    };
    let path = ctx.here.split('?').next().unwrap_or("/");
    let current = |href: &str| {
        if href == "/" { path == "/" } else { path.starts_with(href) }
    };
    // A street account works across its communities, in none of them: its own pages only.
    if caller.community.is_none() && !caller.grants.is_empty() {
        let street_items =
            [("/street", "street.nav.overview"), ("/street/summary", "street.nav.summary")];
        return html! {
            nav.sidenav aria-label=(t(lang, "nav.label")) {
                div.nav-group {
                    h2 { (t(lang, "street.nav")) }
                    ul {
                        @for (href, key) in street_items {
                            @let here = if href == "/street" { path == "/street" || path.starts_with("/street/communities") } else { path.starts_with(href) };
                            li { a href=(href) aria-current=[here.then_some("page")] { (t(lang, key)) } }
                        }
                    }
                }
                div.nav-group {
                    h2 { (t(lang, "nav.group.settings")) }
                    ul { li { a href="/account/password" aria-current=[current("/account/password").then_some("page")] { (t(lang, "nav.password")) } } }
                }
            }
        };
    }
    html! {
        nav.sidenav aria-label=(t(lang, "nav.label")) {
            @for (group, items) in NAV {
                @let visible: Vec<&NavItem> = items.iter().filter(|i| caller.decide(i.action, None) == Decision::Allow).collect();
                @if !visible.is_empty() {
                    div.nav-group {
                        h2 { (t(lang, group)) }
                        ul {
                            @for item in visible {
                                li {
                                    a href=(item.href) aria-current=[current(item.href).then_some("page")] { (t(lang, item.key)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where the caller works, as the top bar and the print header name it: its community, or for
/// a street account the street it is granted on.
fn scope_name(ctx: &Ctx) -> Option<String> {
    let c = ctx.caller.as_ref()?;
    match &c.community {
        Some((_, name)) => Some(name.clone()),
        None => c.grants.first().map(|g| g.place_name.clone()),
    }
}

fn topbar(ctx: &Ctx) -> Markup {
    let lang = ctx.lang();
    html! {
        header.topbar {
            a.brand href="/" {
                span.logo aria-hidden="true" { "邻" }
                span.brand-name { (t(lang, "app.name")) }
            }
            @if ctx.caller.is_some() {
                span #community-name .community { (scope_name(ctx).unwrap_or_else(|| t(lang, "app.all_communities"))) }
            }
            div.top-actions {
                (prefs_links(ctx))
                @if let Some(c) = &ctx.caller {
                    span.user {
                        (c.user.display_name)
                        @if let Some(g) = c.grants.first() {
                            @if c.community.is_none() {
                                span.user-role { "（" (t(lang, "street.role")) "）" }
                            } @else {
                                span.user-role { "（" (t(lang, g.role.label_key())) "）" }
                            }
                        }
                    }
                    form.inline method="post" action="/logout" {
                        input type="hidden" name="_csrf" value=(c.csrf_token);
                        button #logout .top-link.linklike type="submit" { (t(lang, "nav.logout")) }
                    }
                }
            }
        }
    }
}

pub fn flash(ctx: &Ctx) -> Markup {
    let lang = ctx.lang();
    html! {
        @if let Some(f) = &ctx.flash {
            @if f.ok {
                p.flash.flash-ok role="status" { (t(lang, &f.key)) }
            } @else {
                p.flash.flash-error role="alert" { (t(lang, &f.key)) }
            }
        }
    }
}

fn finish(ctx: &Ctx, status: StatusCode, doc: Markup) -> Response {
    let mut res = (status, doc).into_response();
    if ctx.flash.is_some()
        && let Ok(v) = HeaderValue::from_str(&format!("{FLASH_COOKIE}=; Path=/; Max-Age=0"))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A crumb of the breadcrumb trail: label and, except for the current page, a link.
pub type Crumb = (String, Option<String>);

/// A staff page in the full shell. `crumbs` come after 首页 and before the page itself.
pub fn page(
    ctx: &Ctx,
    title: &str,
    crumbs: &[Crumb],
    action: Option<Markup>,
    body: Markup,
) -> Response {
    page_with_status(ctx, StatusCode::OK, title, crumbs, action, body)
}

pub fn page_with_status(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    crumbs: &[Crumb],
    action: Option<Markup>,
    body: Markup,
) -> Response {
    let lang = ctx.lang();
    let community = scope_name(ctx).unwrap_or_default();
    let doc = html! {
        (DOCTYPE)
        html lang=(lang.code()) class=[ctx.prefs.elder.then_some("elder")] {
            (head(lang, title))
            body class=[ctx.prefs.elder.then_some("elder")] {
                a.skip href="#main" { (t(lang, "nav.skip")) }
                (topbar(ctx))
                div.print-header {
                    strong { (community) } " · " (title)
                    span.print-date { (tf(lang, "print.date", &[("date", &linli_core::clock::shanghai(ctx.now).format("%Y-%m-%d").to_string())])) }
                }
                div.shell {
                    (nav(ctx))
                    main #main {
                        @if title != t(lang, "home.title") || !crumbs.is_empty() {
                            nav.breadcrumbs aria-label=(t(lang, "nav.breadcrumbs")) {
                                ol {
                                    li { a href="/" { (t(lang, "nav.home")) } }
                                    @for (label, href) in crumbs {
                                        li {
                                            @if let Some(h) = href { a href=(h) { (label) } } @else { (label) }
                                        }
                                    }
                                    li aria-current="page" { (title) }
                                }
                            }
                        }
                        div.page-head {
                            h1 { (title) }
                            @if let Some(a) = action { div.page-action { (a) } }
                        }
                        (flash(ctx))
                        (body)
                    }
                }
                footer.footer { (t(lang, "app.footer")) }
            }
        }
    };
    finish(ctx, status, doc)
}

/// A public page (no sign-in): one column, large type, printable for the bulletin board.
pub fn public_page(ctx: &Ctx, title: &str, body: Markup) -> Response {
    let lang = ctx.lang();
    let doc = html! {
        (DOCTYPE)
        html.public lang=(lang.code()) .elder[ctx.prefs.elder] {
            (head(lang, title))
            body.public.plain-public.elder[ctx.prefs.elder] {
                div.public-wrap {
                    div.login-prefs.no-print { (prefs_links(ctx)) }
                    main.public-card #main { (flash(ctx)) (body) }
                    p.login-foot.no-print { (t(lang, "app.name")) " · " (t(lang, "app.tagline")) }
                }
            }
        }
    };
    finish(ctx, StatusCode::OK, doc)
}

/// The sign-in page: one column, large type, the product's name.
pub fn login_page(ctx: &Ctx, form: Markup) -> Response {
    let lang = ctx.lang();
    let doc = html! {
        (DOCTYPE)
        html.public lang=(lang.code()) .elder[ctx.prefs.elder] {
            (head(lang, &t(lang, "login.title")))
            body.public.elder[ctx.prefs.elder] {
                div.login-wrap {
                    div.login-prefs { (prefs_links(ctx)) }
                    div.login-card {
                        div.login-brand {
                            span.logo.logo-lg aria-hidden="true" { "邻" }
                            div {
                                h1 { (t(lang, "app.name")) }
                                p.tagline { (t(lang, "app.tagline")) }
                            }
                        }
                        h2 { (t(lang, "login.title")) }
                        (flash(ctx))
                        (form)
                    }
                    p.login-foot { (t(lang, "login.privacy")) }
                }
            }
        }
    };
    finish(ctx, StatusCode::OK, doc)
}

/// An error page that needs nothing but the language: shown for every error of a browser
/// request, with the request id the log carries.
pub fn error_page(
    prefs: Prefs,
    status: StatusCode,
    message: &str,
    rid: &str,
    public: bool,
) -> Markup {
    let lang = prefs.lang;
    html! {
        (DOCTYPE)
        html.public lang=(lang.code()) .elder[prefs.elder] {
            (head(lang, &t(lang, "error.title")))
            body.public.elder[prefs.elder] {
                div.login-wrap {
                    div.login-card.error-card {
                        p.error-status { (status.as_u16()) }
                        h1 { (message) }
                        p.hint { (tf(lang, "error.request_id", &[("id", rid)])) }
                        @if public {
                            p { a.btn.btn-primary href="/public" { (t(lang, "portal.back")) } }
                        } @else {
                            p { a.btn.btn-primary href="/" { (t(lang, "error.back_home")) } }
                        }
                    }
                }
            }
        }
    }
}

/// The confirmation step of an act that cannot be undone (deregister, drop, reverse, close):
/// the record it is about, what will happen, the form that does it (a reason typed, never
/// defaulted) and a way back that changes nothing. Works without JavaScript.
pub struct Confirm {
    /// The record the act is about.
    pub about: Markup,
    /// What happens, one sentence each.
    pub consequences: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// The form's own fields (the reason, a date, hidden values).
    pub fields: Markup,
    /// The button's words, saying the act (确认注销, not 确定).
    pub submit: String,
    /// The way back.
    pub back: String,
}

/// A confirmation step as a page: 422 when it comes back with an error beside a field.
pub fn confirm_page(
    ctx: &Ctx,
    title: &str,
    crumbs: &[Crumb],
    invalid: bool,
    c: Confirm,
) -> Response {
    let lang = ctx.lang();
    let csrf = ctx.csrf();
    let body = html! {
        section.panel.confirm #confirm {
            div.confirm-about { (c.about) }
            h2 { (t(lang, "confirm.what_happens")) }
            ul.consequences { @for line in &c.consequences { li { (line) } } }
            form.form method="post" action=(c.action) {
                input type="hidden" name="_csrf" value=(csrf);
                (c.fields)
                div.form-actions {
                    button.btn.btn-danger type="submit" { (c.submit) }
                    a.btn href=(c.back) { (t(lang, "confirm.cancel")) }
                }
            }
        }
    };
    let status = if invalid { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    page_with_status(ctx, status, title, crumbs, None, body)
}

/// A labelled input with its error beside it; keeps what was typed.
pub fn field(
    lang: Lang,
    name: &str,
    label_key: &str,
    kind: &str,
    value: &str,
    error: Option<String>,
    autocomplete: Option<&str>,
) -> Markup {
    let err_id = format!("{name}-error");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (t(lang, label_key)) }
            input id=(name) name=(name) type=(kind) value=(value)
                autocomplete=[autocomplete]
                aria-invalid=[error.as_ref().map(|_| "true")]
                aria-describedby=[error.as_ref().map(|_| err_id.as_str())];
            @if let Some(e) = error {
                p.field-error id=(err_id) { (e) }
            }
        }
    }
}

/// A select whose options are (value, label); `selected` keeps the choice on re-render.
pub fn select(
    lang: Lang,
    name: &str,
    label_key: &str,
    options: &[(String, String)],
    selected: &str,
    error: Option<String>,
) -> Markup {
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (t(lang, label_key)) }
            select id=(name) name=(name) aria-invalid=[error.as_ref().map(|_| "true")] {
                @for (v, l) in options {
                    option value=(v) selected[v == selected] { (l) }
                }
            }
            @if let Some(e) = error {
                p.field-error { (e) }
            }
        }
    }
}

/// A figure on the dashboard: value, unit (which says 人次 or 人数 where it matters), link.
pub fn stat(label: &str, value: i64, unit: &str, href: Option<&str>) -> Markup {
    html! {
        div.stat {
            div.stat-label { (label) }
            div.stat-value {
                @if let Some(h) = href { a href=(h) { (value) } } @else { (value) }
                span.stat-unit { (unit) }
            }
        }
    }
}

/// [`stat`] for a figure that is not a whole number (money with its fen).
pub fn stat_text(label: &str, value: &str, unit: &str, href: Option<&str>) -> Markup {
    html! {
        div.stat {
            div.stat-label { (label) }
            div.stat-value {
                @if let Some(h) = href { a href=(h) { (value) } } @else { (value) }
                span.stat-unit { (unit) }
            }
        }
    }
}

/// The two forms a worker decides a request with, side by side: `accept` (its `decision`
/// value and button label), or reject with the reason she types (`reason_label`, required).
/// Both post to `action`.
pub fn decide_forms(
    action: &str,
    csrf: &str,
    accept: (&str, &str),
    reject_label: &str,
    reason_label: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="_csrf" value=(csrf);
            input type="hidden" name="decision" value=(accept.0);
            button.btn.btn-small.btn-primary type="submit" { (accept.1) }
        }
        form.inline method="post" action=(action) {
            input type="hidden" name="_csrf" value=(csrf);
            input type="hidden" name="decision" value="reject";
            " " input type="text" name="note" required placeholder=(reason_label) aria-label=(reason_label);
            " " button.btn.btn-small.btn-danger type="submit" { (reject_label) }
        }
    }
}

pub fn empty(message: &str, action: Option<Markup>) -> Markup {
    html! {
        div.empty {
            p { (message) }
            @if let Some(a) = action { (a) }
        }
    }
}

/// Paging links under a table; `base` already carries the other query parameters.
pub fn pager(lang: Lang, page: i64, per_page: i64, total: i64, base: &str) -> Markup {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    html! {
        nav.pager aria-label=(t(lang, "pager.label")) {
            span.pager-info { (tf(lang, "pager.info", &[("total", &total.to_string()), ("page", &page.to_string()), ("pages", &pages.to_string())])) }
            @if page > 1 {
                a.btn.btn-small href={ (base) (sep) "page=" (page - 1) } rel="prev" { (t(lang, "pager.prev")) }
            }
            @if page < pages {
                a.btn.btn-small href={ (base) (sep) "page=" (page + 1) } rel="next" { (t(lang, "pager.next")) }
            }
        }
    }
}

/// A status word in a coloured chip: the colour never carries the meaning alone.
pub fn chip(kind: &str, text: &str) -> Markup {
    html! { span class={ "chip chip-" (kind) } { (text) } }
}
