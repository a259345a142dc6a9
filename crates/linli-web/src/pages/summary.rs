//! The annual summary (年度工作总结): a worker previews the year's summary as it will print, picks
//! the typical cases it tells, edits the community's template, and downloads it as Word (GB/T
//! 9704 layout), HTML or Markdown. Every figure comes from the indicator catalogue.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::reports::{self as ops, SummaryView as View};
use linli_core::Action;
use linli_core::summary::{self as rules, Document};
use linli_store::summary as store;
use maud::{PreEscaped, html};
use serde::Deserialize;

/// The preview's styles: served as a file because the pages' CSP allows no inline styles.
const PREVIEW_CSS: &str = ".summary-paper{background:#fff;border:1px solid #c9d1dc;box-shadow:0 1px 4px rgba(0,0,0,.08);max-width:210mm;margin:0 0 1rem;padding:20mm 26mm 20mm 28mm;box-sizing:border-box}\
.summary-doc{font-family:FangSong_GB2312,'仿宋_GB2312',FangSong,'仿宋',STFangsong,'Noto Serif CJK SC','Noto Serif CJK',serif;font-size:16pt;line-height:1.8;color:#000}\
.summary-doc h1{font-family:'方正小标宋简体',SimSun,'宋体','Noto Serif CJK SC',serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.5;margin:0 0 1em}\
.summary-doc h2{font-family:SimHei,'黑体','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}\
.summary-doc h3{font-family:KaiTi_GB2312,'楷体_GB2312',KaiTi,'楷体',STKaiti,serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}\
.summary-doc h4{font-size:16pt;margin:0;text-indent:2em}\
.summary-doc p{margin:0;text-indent:2em;text-align:justify}\
.summary-doc .issuer,.summary-doc .date{text-align:right;text-indent:0;padding-right:4em}\
.summary-doc .issuer{margin-top:1.8em}\
.summary-doc .fig{border-bottom:1px dotted #1f4e8c}\
.summary-doc sup{font-size:9pt;line-height:0;font-family:sans-serif}.summary-doc sup a{text-decoration:none}\
.summary-doc .notes{margin-top:2em;padding-top:.5em;border-top:1px solid #999;font-size:11pt;line-height:1.6;font-family:inherit}\
.summary-doc .notes h2{text-indent:0;font-size:12pt}.summary-doc .notes p{text-indent:0}\
.summary-doc .notes li{margin:.15rem 0}\
.template-box textarea{font-family:inherit;font-size:15px;line-height:1.7;min-height:32em}\
.placeholder-table code{white-space:nowrap}\
.story-text{max-width:46em}\
.downloads{display:flex;gap:.5rem;flex-wrap:wrap}\
@media (max-width:640px){.summary-paper{padding:1.25rem 1rem}.summary-doc{font-size:17px}.summary-doc h1{font-size:22px}.summary-doc h2,.summary-doc h3,.summary-doc h4{font-size:17px}.summary-doc .issuer,.summary-doc .date{padding-right:0}}\
@media print{.summary-paper{border:0;box-shadow:none;padding:0;max-width:none}.summary-doc .fig{border-bottom:0}.summary-doc sup,.summary-tools{display:none!important}}";

async fn stylesheet() -> Response {
    let mut res = PREVIEW_CSS.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    res
}

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<String>,
    format: Option<String>,
}

/// The year asked for: 2000 up to next year.
fn year_of(ctx: &Ctx, raw: Option<&str>) -> Result<i32, AppError> {
    Ok(ops::year(&ctx.actor()?, raw)?)
}

/// Story picks and template edits touch case files: only those who manage cases.
fn may_edit(ctx: &Ctx) -> bool {
    ctx.actor().is_ok_and(|a| ops::may_edit_summary(&a))
}

fn reason_word(lang: Lang, reason: &str) -> String {
    t(lang, &format!("summary.omitted.{reason}"))
}

async fn load(ctx: &Ctx, year: i32, draft: Option<String>) -> Result<View, AppError> {
    Ok(ops::summary_view(&ctx.state.app, &ctx.actor()?, year, draft).await?)
}

fn render(ctx: &Ctx, v: &View, error: Option<String>, status: StatusCode) -> Response {
    let lang = ctx.lang();
    let csrf = ctx.csrf();
    let year = v.year;
    let editable = may_edit(ctx);
    let downloads = html! {
        div.downloads.no-print {
            a.btn.btn-primary #download-docx href={ "/reports/summary/download?format=docx&year=" (year) } { (t(lang, "summary.download_docx")) }
            a.btn #download-html href={ "/reports/summary/download?format=html&year=" (year) } { (t(lang, "summary.download_html")) }
            a.btn #download-md href={ "/reports/summary/download?format=md&year=" (year) } { (t(lang, "summary.download_md")) }
        }
    };
    let body = html! {
        link rel="stylesheet" href="/reports/summary.css";
        form.filters.no-print method="get" action="/reports/summary" {
            div.filter-row {
                (layout::field(lang, "year", "summary.year", "number", &year.to_string(), None, None))
                div.field.buttons { button.btn type="submit" { (t(lang, "summary.show_year")) } }
            }
        }
        p.hint.no-print { (tf(lang, "summary.lead", &[("from", &v.doc.from), ("to", &v.doc.to)])) }
        @if !v.doc.omitted.is_empty() {
            section.panel.no-print #omitted {
                h2 { (t(lang, "summary.omitted_title")) }
                p.hint { (t(lang, "summary.omitted_hint")) }
                ul.plain {
                    @for o in &v.doc.omitted {
                        li {
                            (layout::chip(if o.reason == "unknown" { "err" } else { "muted" }, &reason_word(lang, o.reason)))
                            " " span.mono { "{" (o.id) "}" } " "
                            @if let Some(ind) = linli_core::indicators::find(&o.id) {
                                strong { (if lang == Lang::Zh { ind.name_zh } else { ind.name_en }) } "："
                            }
                            span.hint { (o.sentence) }
                        }
                    }
                }
            }
        }
        div.summary-paper #summary-preview {
            (PreEscaped(rules::to_html(&v.doc)))
        }
        @if editable {
            section.panel.summary-tools #stories {
                h2 { (t(lang, "summary.stories_title")) }
                p.hint { (t(lang, "summary.stories_hint")) }
                @if v.candidates.is_empty() {
                    (layout::empty(&t(lang, "summary.stories_none"), Some(html! { a.btn href="/cases" { (t(lang, "summary.to_cases")) } })))
                } @else {
                    form method="post" action="/reports/summary/stories" {
                        input type="hidden" name="_csrf" value=(csrf);
                        input type="hidden" name="year" value=(year);
                        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                            table.table {
                                thead { tr {
                                    th { (t(lang, "summary.pick")) }
                                    th { (t(lang, "summary.person")) }
                                    th { (t(lang, "summary.case_summary")) }
                                    th.num { (t(lang, "summary.helps")) }
                                    th { (t(lang, "summary.last_help")) }
                                } }
                                tbody {
                                    @for k in &v.candidates {
                                        tr {
                                            @let key = format!("{}:{}", k.kind.as_str(), k.id);
                                            @let box_id = format!("pick-{}-{}", k.kind.as_str(), k.id);
                                            td { input type="checkbox" name="pick" value=(key) id=(box_id) checked[k.picked]; }
                                            td {
                                                label for=(box_id) { (k.shown_name) }
                                                br;
                                                @if k.consented {
                                                    (layout::chip("ok", &t(lang, "summary.consented")))
                                                } @else {
                                                    (layout::chip("muted", &t(lang, "summary.masked")))
                                                }
                                            }
                                            td.story-text {
                                                (layout::chip("info", &t(lang, &format!("summary.kind.{}", k.kind.as_str()))))
                                                @if k.suggested { " " (layout::chip("warn", &t(lang, "summary.suggested"))) }
                                                " " (k.summary.chars().take(90).collect::<String>()) @if k.summary.chars().count() > 90 { "…" } " "
                                                @match k.kind {
                                                    store::StoryKind::Case => { a href={ "/cases/" (k.id) } { (t(lang, "summary.open_case")) } }
                                                    store::StoryKind::Placement => { a href="/employment/placements" { (t(lang, "summary.open_placements")) } }
                                                    store::StoryKind::Volunteer => { a href={ "/volunteers/" (k.id) } { (t(lang, "summary.open_volunteer")) } }
                                                    store::StoryKind::PartnerProject => { a href="/partners/activities" { (t(lang, "summary.open_partner_activities")) } }
                                                }
                                            }
                                            td.num { (k.events) }
                                            td { @if let Some(d) = k.last_on { (d) } }
                                        }
                                    }
                                }
                            }
                        }
                        div.actions { button.btn.btn-primary #save-stories type="submit" { (t(lang, "summary.save_stories")) } }
                    }
                }
            }
            section.panel.summary-tools.template-box #template {
                h2 { (t(lang, "summary.template_title")) }
                p.hint { (t(lang, "summary.template_hint")) }
                @if v.custom { p { (layout::chip("warn", &t(lang, "summary.template_custom"))) } }
                form method="post" action="/reports/summary/template" {
                    input type="hidden" name="_csrf" value=(csrf);
                    input type="hidden" name="year" value=(year);
                    div.field.has-error[error.is_some()] {
                        label for="body" { (t(lang, "summary.template_label")) }
                        textarea #body name="body" rows="30" aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| "body-error")] { (v.template) }
                        @if let Some(e) = &error { p.field-error #body-error { (e) } }
                    }
                    div.actions {
                        button.btn #preview-template type="submit" name="op" value="preview" { (t(lang, "summary.preview")) }
                        button.btn.btn-primary #save-template type="submit" name="op" value="save" { (t(lang, "summary.save_template")) }
                        button.btn #reset-template type="submit" name="op" value="reset" { (t(lang, "summary.reset_template")) }
                    }
                }
                h3 { (t(lang, "summary.placeholders")) }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "summary.placeholders")) {
                    table.table.placeholder-table {
                        thead { tr { th { (t(lang, "summary.placeholder")) } th { (t(lang, "reports.indicator")) } th { (tf(lang, "summary.this_year", &[("year", &year.to_string())])) } } }
                        tbody {
                            tr { td { code { "{社区}" } } td { (t(lang, "summary.ph_community")) } td { } }
                            tr { td { code { "{年度}" } } td { (t(lang, "summary.ph_year")) } td { (year) } }
                            tr { td { code { (rules::STORIES_LINE) } } td { (t(lang, "summary.ph_stories")) } td { } }
                            tr { td { code { (rules::JOB_STORIES_LINE) } } td { (t(lang, "summary.ph_job_stories")) } td { } }
                            @for f in &v.figures {
                                tr {
                                    td { code { "{" (f.indicator.id) "}" } }
                                    td { (if lang == Lang::Zh { f.indicator.name_zh } else { f.indicator.name_en }) }
                                    td {
                                        @match f.details.get("approx_zh").and_then(|a| a.as_str()) {
                                            Some(a) => { (a) }
                                            None => { (layout::chip("muted", &t(lang, "reports.unavailable"))) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let mut res = layout::page(
        ctx,
        &t(lang, "summary.title"),
        &[(t(lang, "reports.title"), Some("/reports".to_string()))],
        Some(downloads),
        body,
    );
    *res.status_mut() = status;
    res
}

async fn page(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&ctx, q.year.as_deref())?;
    let v = load(&ctx, year, None).await?;
    Ok(render(&ctx, &v, None, StatusCode::OK))
}

#[derive(Deserialize)]
struct TemplateForm {
    year: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    op: String,
}

async fn save_template(ctx: Ctx, Form(f): Form<TemplateForm>) -> Result<Response, AppError> {
    if !may_edit(&ctx) {
        return Err(AppError::Forbidden);
    }
    let lang = ctx.lang();
    let year = year_of(&ctx, f.year.as_deref())?;
    let back = format!("/reports/summary?year={year}#template");
    let actor = ctx.actor()?;
    if f.op == "reset" {
        ops::reset_template(&ctx.state.app, &actor).await?;
        return Ok(redirect_with_flash(&back, true, "summary.template_reset_done"));
    }
    let body: String = f.body.replace("\r\n", "\n");
    let problem = ops::template_problem(&body)
        .map(|(code, names)| tf(lang, &format!("error.{code}"), &[("names", &names.join("、"))]));
    if problem.is_some() || f.op == "preview" {
        // Shown with what was typed, not saved.
        let v = load(&ctx, year, Some(body)).await?;
        let status =
            if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        return Ok(render(&ctx, &v, problem, status));
    }
    ops::save_template(&ctx.state.app, &actor, &body).await?;
    Ok(redirect_with_flash(&back, true, "summary.template_saved"))
}

async fn save_stories(
    ctx: Ctx,
    axum::extract::RawForm(raw): axum::extract::RawForm,
) -> Result<Response, AppError> {
    if !may_edit(&ctx) {
        return Err(AppError::Forbidden);
    }
    // Repeated `pick` fields: read the pairs by hand (serde_urlencoded keeps only one).
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&raw).map_err(|_| AppError::BadRequest("form_bad"))?;
    let year_raw = pairs.iter().find(|(k, _)| k == "year").map(|(_, v)| v.as_str());
    let year = year_of(&ctx, year_raw)?;
    let ids: Vec<(store::StoryKind, i64)> = pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| store::parse_pick(v))
        .take(20)
        .collect();
    ops::pick_stories(&ctx.state.app, &ctx.actor()?, year, ids).await?;
    Ok(redirect_with_flash(
        &format!("/reports/summary?year={year}#stories"),
        true,
        "summary.stories_saved",
    ))
}

/// What a download is: its bytes, type and file name.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub ext: &'static str,
}

/// The document in a download format (`html`, `md`, `docx`).
pub fn render_format(doc: &Document, format: &str) -> Result<Rendered, AppError> {
    Ok(match format {
        "html" => Rendered {
            bytes: rules::to_html_page(doc).into_bytes(),
            mime: "text/html; charset=utf-8",
            ext: "html",
        },
        "md" => Rendered {
            bytes: rules::to_markdown(doc).into_bytes(),
            mime: "text/markdown; charset=utf-8",
            ext: "md",
        },
        "docx" => Rendered {
            bytes: linli_io::docx::write_docx(doc)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ext: "docx",
        },
        _ => return Err(AppError::invalid("summary_format_bad", "format")),
    })
}

async fn download(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year_of(&ctx, q.year.as_deref())?;
    let format = q.format.unwrap_or_else(|| "docx".to_string());
    let actor = ctx.actor()?;
    let name = actor.community.clone().map(|c| c.1).unwrap_or_default();
    let doc = ops::summary(&ctx.state.app, &actor, year).await?;
    let fmt = format.clone();
    let figures = doc.notes.len();
    // Rendered (the DOCX zipped) off the async threads; the writer is held only for the audit.
    let out = tokio::task::spawn_blocking(move || render_format(&doc, &fmt))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    ops::record_summary_download(&ctx.state.app, &actor, year, &format, figures).await?;
    Ok(attachment(out, &name, year))
}

/// A rendered summary as a download named `{name}{year}年度工作总结.{ext}` (an ASCII
/// `summary-{year}.{ext}` for old clients).
pub(super) fn attachment(out: Rendered, name: &str, year: i32) -> Response {
    let file = format!("{name}{year}年度工作总结.{}", out.ext);
    let encoded = percent_encoding::utf8_percent_encode(&file, percent_encoding::NON_ALPHANUMERIC);
    let mut res = (StatusCode::OK, out.bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(out.mime));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"summary-{year}.{}\"; filename*=UTF-8''{encoded}",
        out.ext
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/reports/summary", Policy::Signed(Action::ViewReports), page)
        .page(Method::GET, "/reports/summary.css", Policy::Public, stylesheet)
        .page(
            Method::GET,
            "/reports/summary/download",
            Policy::Signed(Action::ViewReports),
            download,
        )
        .page(
            Method::POST,
            "/reports/summary/template",
            Policy::Signed(Action::ViewReports),
            save_template,
        )
        .page(
            Method::POST,
            "/reports/summary/stories",
            Policy::Signed(Action::ViewReports),
            save_stories,
        )
}
