//! The working-day calendar (节假日安排), the administrator's: the years Linli knows with their
//! holidays and make-up working days, and the upload of a year's schedule when the State
//! Council announces it (`linli_app::calendar::load_year`, shared with `calendar_load` and
//! `linli calendar load`). Also the warning every deadline page shows when a due date was
//! counted through a year without a schedule.

use crate::ctx::{Ctx, redirect_with_flash};
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Multipart, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use linli_app::calendar::{self as ops, CalendarYear};
use linli_core::Action;
use linli_core::workdays::{Calendar, CalendarError, DayKind, YearSchedule};
use maud::{Markup, html};
use serde::Deserialize;

/// The warning beside a deadline counted from `start` (a stored date) to `due` through a year
/// without a holiday schedule: "2027年节假日安排尚未导入，截止日按周末推算，请核对". Nothing when
/// the date is certain.
pub fn assumed_note(lang: Lang, cal: &Calendar, start: NaiveDate, due: NaiveDate) -> Markup {
    let years = cal.assumed_after(start, due);
    if years.is_empty() {
        return html! {};
    }
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    html! {
        span.calendar-assumed.hint role="note" { " " (tf(lang, "calendar.assumed", &[("years", &years.join("、"))])) }
    }
}

/// A refused file in words, naming its line.
pub fn error_text(lang: Lang, e: &CalendarError) -> String {
    let line = e.line().unwrap_or(0).to_string();
    let key = format!("calendar.error.{}", e.code());
    match e {
        CalendarError::Empty | CalendarError::NoDays => t(lang, &key),
        CalendarError::MissingHeader { found, .. } => {
            tf(lang, &key, &[("line", &line), ("found", &linli_core::text::echo_safe(found))])
        }
        CalendarError::Columns { found, .. } => {
            tf(lang, &key, &[("line", &line), ("found", &found.to_string())])
        }
        CalendarError::BadDate { value, .. } | CalendarError::BadKind { value, .. } => {
            tf(lang, &key, &[("line", &line), ("value", &linli_core::text::echo_safe(value))])
        }
        CalendarError::Duplicate { date, first, .. } => tf(
            lang,
            &key,
            &[("line", &line), ("date", &date.to_string()), ("first", &first.to_string())],
        ),
        CalendarError::OutsideYear { date, year, .. } => tf(
            lang,
            &key,
            &[
                ("line", &line),
                ("date", &date.to_string()),
                ("year", &year.to_string()),
                ("prev", &(year - 1).to_string()),
            ],
        ),
        CalendarError::WorkdayOnWeekday { date, .. } => tf(
            lang,
            &key,
            &[("line", &line), ("date", &date.to_string()), ("weekday", &weekday(lang, *date))],
        ),
    }
}

fn weekday(lang: Lang, d: NaiveDate) -> String {
    t(lang, &format!("calendar.weekday.{}", d.weekday().num_days_from_monday()))
}

fn kind_chip(lang: Lang, k: DayKind) -> Markup {
    match k {
        DayKind::Holiday => layout::chip("ok", &t(lang, "calendar.kind.holiday")),
        DayKind::Workday => layout::chip("warn", &t(lang, "calendar.kind.workday")),
    }
}

fn source_label(lang: Lang, y: &CalendarYear) -> String {
    match (y.source.as_str(), y.scope.as_deref()) {
        ("official", _) => t(lang, "calendar.source.official"),
        (_, Some("deployment")) => t(lang, "calendar.source.deployment"),
        _ => t(lang, "calendar.source.community"),
    }
}

fn years_table(lang: Lang, years: &[CalendarYear], open: Option<i32>) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table #calendar-years {
                thead { tr {
                    th scope="col" { (t(lang, "calendar.year")) }
                    th scope="col" { (t(lang, "calendar.source")) }
                    th.num scope="col" { (t(lang, "calendar.holidays")) }
                    th.num scope="col" { (t(lang, "calendar.workdays")) }
                    th scope="col" { (t(lang, "calendar.loaded")) }
                } }
                tbody {
                    @for y in years {
                        tr data-year=(y.year) {
                            td.nowrap { strong { (tf(lang, "calendar.year_n", &[("year", &y.year.to_string())])) } }
                            td { (source_label(lang, y)) }
                            td.num { (y.holidays) }
                            td.num { (y.workdays) }
                            td { @match (&y.loaded_by, &y.loaded_at) {
                                (Some(by), Some(at)) => { (by) " · " (at.minute()) }
                                (Some(by), _) => { (by) }
                                _ => { span.hint { "—" } }
                            } }
                        }
                    }
                }
            }
        }
        @for y in years {
            details.panel.calendar-year #{ "year-" (y.year) } open[open == Some(y.year)] {
                summary { (tf(lang, "calendar.days_of", &[("year", &y.year.to_string()), ("n", &y.days.len().to_string())])) }
                div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                    table.table.compact {
                        thead { tr {
                            th scope="col" { (t(lang, "calendar.date")) }
                            th scope="col" { (t(lang, "calendar.weekday")) }
                            th scope="col" { (t(lang, "calendar.kind")) }
                            th scope="col" { (t(lang, "calendar.name")) }
                        } }
                        tbody {
                            @for d in &y.days {
                                @let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok();
                                tr {
                                    td.nowrap { (d.date) }
                                    td { (date.map(|x| weekday(lang, x)).unwrap_or_default()) }
                                    td { (kind_chip(lang, d.kind)) }
                                    td { (d.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn upload_form(ctx: &Ctx, error: Option<&str>) -> Markup {
    let lang = ctx.lang();
    let csrf = ctx.csrf();
    html! {
        section.panel #calendar-upload {
            h2 { (t(lang, "calendar.upload")) }
            p { (t(lang, "calendar.upload_hint")) }
            form.form.narrow method="post" enctype="multipart/form-data" action={ "/calendar?_csrf=" (csrf) } {
                div.field.has-error[error.is_some()] {
                    label for="file" { (t(lang, "calendar.file")) }
                    input #file type="file" name="file" accept=".csv,text/csv" required aria-describedby=[error.map(|_| "file-error")] aria-invalid=[error.map(|_| "true")];
                    @if let Some(e) = error { p.field-error #file-error role="alert" { (e) } }
                }
                div.form-actions { button.btn.btn-primary type="submit" { (t(lang, "calendar.submit")) } }
            }
            h3 { (t(lang, "calendar.format")) }
            p.hint { (t(lang, "calendar.format_hint")) }
            pre.calendar-sample { "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-09,workday,元旦调休上班\n…" }
        }
    }
}

#[derive(Deserialize)]
struct PageQuery {
    loaded: Option<i32>,
}

async fn render(
    ctx: &Ctx,
    open: Option<i32>,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let years = ops::years(&ctx.state.app, &ctx.actor()?).await?.items;
    let next = super::today(ctx).year() + 1;
    let next_known = years.iter().any(|y| y.year == next);
    let body = html! {
        p.lead { (t(lang, "calendar.lead")) }
        @if !next_known {
            p.flash.flash-warn #calendar-next-missing role="note" { (tf(lang, "calendar.next_missing", &[("year", &next.to_string())])) }
        }
        div.columns {
            section.panel {
                h2 { (t(lang, "calendar.known")) }
                (years_table(lang, &years, open))
            }
            (upload_form(ctx, error))
        }
    };
    Ok(layout::page_with_status(ctx, status, &t(lang, "calendar.title"), &[], None, body))
}

async fn page(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Response, AppError> {
    render(&ctx, q.loaded, None, StatusCode::OK).await
}

/// The upload: the file is read (UTF-8 or GB18030, as a spreadsheet saves it) and checked line
/// by line here, so a refusal names its line; the checked schedule goes to the operation.
async fn submit(ctx: Ctx, mut mp: Multipart) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let mut file = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest("upload_bad"))? {
        if field.name() == Some("file") {
            file = field.bytes().await.map_err(|_| AppError::BadRequest("upload_bad"))?.to_vec();
        }
    }
    let refused = |msg: String| Err::<YearSchedule, _>(msg);
    let parsed = if file.is_empty() {
        refused(t(lang, "calendar.no_file"))
    } else {
        match linli_io::decode_text(&file) {
            Err(_) => refused(t(lang, "calendar.encoding")),
            Ok(text) => YearSchedule::parse_csv(&text).map_err(|e| error_text(lang, &e)),
        }
    };
    let schedule = match parsed {
        Ok(s) => s,
        Err(msg) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&ctx, None, Some(&msg), status).await;
        }
    };
    let year = schedule.year;
    match ops::load_year(&ctx.state.app, &ctx.actor()?, schedule).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/calendar?loaded={year}#year-{year}"),
            true,
            "calendar.loaded_flash",
        )),
        Err(e @ linli_app::Error::Invalid { .. }) => {
            let msg = t(lang, &format!("error.{}", e.code()));
            render(&ctx, None, Some(&msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/calendar", Policy::Signed(Action::ManageCalendar), page).page(
        Method::POST,
        "/calendar",
        Policy::Signed(Action::ManageCalendar),
        submit,
    )
}
