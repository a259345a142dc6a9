//! The roster's way in and out: the import page (upload, check, import — all rows or none)
//! and the exports (xlsx, csv; masked unless the admin asks otherwise, audited).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{t, tf};
use crate::layout;
use crate::pages::residents::{gender_label, relation_label};
use crate::routes::{Policy, Table};
use axum::extract::{Multipart, Query};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::import::{self, Actor, Mode, Options, Summary};
use linli_app::registry::ListQuery;
use linli_core::{Action, Decision};
use maud::{Markup, html};

fn import_form(ctx: &Ctx, mode: &str, create_places: bool) -> Markup {
    let lang = ctx.lang();
    let may_create_places = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.decide(Action::ManagePlaces, None) == Decision::Allow);
    let csrf = ctx.csrf();
    html! {
        form.form.narrow method="post" enctype="multipart/form-data" action={ "/residents/import?_csrf=" (csrf) } {
            div.field {
                label for="file" { (t(lang, "import.file")) }
                input #file type="file" name="file" accept=".xlsx,.xls,.csv" required;
                p.hint { (t(lang, "import.file_hint")) }
            }
            (layout::select(lang, "mode", "import.mode", &[("create".into(), t(lang, "import.mode_create")), ("upsert".into(), t(lang, "import.mode_upsert"))], mode, None))
            @if may_create_places {
                label.check { input type="checkbox" name="create_places" checked[create_places]; " " (t(lang, "import.create_places")) }
            }
            div.form-actions {
                button.btn name="action" value="check" type="submit" { (t(lang, "import.check")) }
                button.btn.btn-primary name="action" value="import" type="submit" { (t(lang, "import.submit")) }
            }
        }
    }
}

fn headers_help(lang: crate::i18n::Lang) -> Markup {
    html! {
        section.panel {
            h2 { (t(lang, "import.format")) }
            p { (t(lang, "import.format_hint")) }
            p.headers-list { "姓名 · 身份证号 · 性别 · 出生日期 · 联系电话 · 楼栋 · 单元 · 户号 · 与户主关系 · 政治面貌 · 标签 · 备注" }
            p.hint { (t(lang, "import.format_rules")) }
        }
    }
}

async fn page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let body = html! {
        div.columns {
            (import_form(&ctx, "create", false))
            (headers_help(lang))
        }
    };
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    Ok(layout::page(&ctx, &t(lang, "residents.import"), &crumbs, None, body))
}

fn result(ctx: &Ctx, file: &str, s: &Summary) -> Markup {
    let lang = ctx.lang();
    html! {
        @if s.errors.is_empty() {
            @if s.checked_only {
                p.flash.flash-ok role="status" { (tf(lang, "import.check_ok", &[("file", file), ("rows", &s.rows.to_string()), ("created", &s.created.to_string()), ("updated", &s.updated.to_string())])) }
            } @else {
                p.flash.flash-ok role="status" { (tf(lang, "import.done", &[("file", file), ("created", &s.created.to_string()), ("updated", &s.updated.to_string()), ("places", &s.places_created.to_string())])) }
                p { a.btn.btn-primary href="/residents" { (t(lang, "import.to_roster")) } }
            }
        } @else {
            p.flash.flash-error role="alert" { (tf(lang, "import.refused", &[("file", file), ("n", &s.errors.len().to_string())])) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
                table.table.compact #import-errors {
                    thead { tr { th.num scope="col" { (t(lang, "import.row")) } th scope="col" { (t(lang, "import.column")) } th scope="col" { (t(lang, "import.problem")) } } }
                    tbody {
                        @for e in s.errors.iter().take(500) {
                            tr { td.num { (e.row) } td { (e.column) } td { (e.message) } }
                        }
                    }
                }
            }
            @if s.errors.len() > 500 { p.hint { (tf(lang, "import.more_errors", &[("n", &(s.errors.len() - 500).to_string())])) } }
            @if s.errors_truncated { p.hint #import-truncated { (tf(lang, "import.truncated", &[("n", &import::MAX_ERRORS.to_string())])) } }
        }
        @if !s.columns.is_empty() {
            h3 { (t(lang, "import.mapping")) }
            @if s.columns.iter().all(|(h, f)| h == f) {
                p.hint { (t(lang, "import.all_recognised")) }
            } @else {
                p { @for (h, f) in s.columns.iter().filter(|(h, f)| h != f) { span.tag { (h) " → " (f) } " " } }
            }
        }
        @if !s.unknown_columns.is_empty() {
            p.flash.flash-warn { (tf(lang, "import.unknown_columns", &[("cols", &s.unknown_columns.join("、"))])) }
        }
    }
}

async fn submit(ctx: Ctx, mut mp: Multipart) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let community = caller.community_id().ok_or(AppError::NotFound)?;
    // Each row must land inside the importer's own area (checked row by row); creating
    // buildings is the place managers' job.
    let scopes = caller.scopes(Action::ImportResidents);
    let may_create_places = caller.decide(Action::ManagePlaces, None) == Decision::Allow;
    let (mut file, mut name, mut mode, mut create_places, mut check) =
        (Vec::new(), String::new(), "create".to_string(), false, false);
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest("upload_bad"))? {
        match field.name().unwrap_or_default() {
            "file" => {
                // Shown back in the result and kept in the audit record: nothing that could
                // flip the text around it.
                name = linli_core::text::echo_safe(field.file_name().unwrap_or("roster"));
                file =
                    field.bytes().await.map_err(|_| AppError::BadRequest("upload_bad"))?.to_vec();
            }
            "mode" => mode = field.text().await.unwrap_or_default(),
            "create_places" => create_places = may_create_places,
            "action" => check = field.text().await.unwrap_or_default() == "check",
            _ => {}
        }
    }
    let crumbs = [(t(lang, "residents.title"), Some("/residents".to_string()))];
    if file.is_empty() {
        let body = html! { p.flash.flash-error { (t(lang, "import.no_file")) } div.columns { (import_form(&ctx, &mode, create_places)) (headers_help(lang)) } };
        return Ok(layout::page_with_status(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(lang, "residents.import"),
            &crumbs,
            None,
            body,
        ));
    }
    let opts =
        Options { mode: Mode::parse(&mode).unwrap_or(Mode::Create), create_places, dry_run: check };
    let (db, now, rid, fname) = (ctx.state.db.clone(), ctx.now, ctx.rid.clone(), name.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let actor = Actor {
            user_id: Some(caller.user.id),
            name: &caller.user.username,
            request_id: Some(&rid),
            scopes: Some(scopes),
        };
        import::import(&db, community, linli_io::Source::Bytes(&file), &fname, opts, &actor, now)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let (status, body) = match outcome {
        Ok(s) => {
            let status =
                if s.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let again = !s.errors.is_empty() || s.checked_only;
            (
                status,
                html! { (result(&ctx, &name, &s)) @if again { div.columns { (import_form(&ctx, &mode, create_places)) (headers_help(lang)) } } },
            )
        }
        Err(import::ImportError::File(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            html! { p.flash.flash-error role="alert" { (name) "：" (e.message_zh()) } div.columns { (import_form(&ctx, &mode, create_places)) (headers_help(lang)) } },
        ),
        Err(import::ImportError::Store(e)) => return Err(e.into()),
    };
    Ok(layout::page_with_status(&ctx, status, &t(lang, "residents.import"), &crumbs, None, body))
}

// ---- export ----

const EXPORT_HEADERS: [&str; 11] = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "联系电话",
    "楼栋",
    "单元",
    "户号",
    "与户主关系",
    "标签",
    "状态",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Xlsx,
}

async fn export(ctx: Ctx, q: ListQuery, full: bool, kind: Kind) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let format = if kind == Kind::Csv { "csv" } else { "xlsx" };
    // The file is written on its own thread while the rows are read (a bounded channel between
    // them), into an anonymous temporary file (removed when closed) that the response then
    // streams: a 100,000-row roster is never held in memory, neither its rows nor its file.
    let (out, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<String>>>(4);
    let writer = tokio::task::spawn_blocking(move || -> Result<std::fs::File, AppError> {
        let internal = |e: &dyn std::fmt::Display| AppError::Internal(e.to_string());
        let mut file = tempfile::tempfile().map_err(|e| internal(&e))?;
        let mut buffered = std::io::BufWriter::new(&mut file);
        let rows = batches.into_iter().flatten();
        match kind {
            Kind::Csv => linli_io::write_csv(&mut buffered, &EXPORT_HEADERS, rows),
            Kind::Xlsx => {
                linli_io::write_xlsx_to(&mut buffered, &EXPORT_HEADERS, rows, "居民花名册")
            }
        }
        .map_err(|e| internal(&e))?;
        // Flushed here, not on drop, where a full disk would go unnoticed.
        std::io::Write::flush(&mut buffered).map_err(|e| internal(&e))?;
        drop(buffered);
        std::io::Seek::rewind(&mut file).map_err(|e| internal(&e))?;
        Ok(file)
    });
    let read = linli_app::registry::export(
        &ctx.state.app,
        &ctx.actor()?,
        &q,
        full,
        format,
        move |r| {
            vec![
                r.name.clone(),
                gender_label(lang, r.gender.as_deref()),
                r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                r.id_number.clone().unwrap_or_default(),
                r.phone.clone().unwrap_or_default(),
                r.building.clone().unwrap_or_default(),
                r.unit.clone().unwrap_or_default(),
                r.household.clone().unwrap_or_default(),
                relation_label(lang, &r.relation),
                r.tags.join("、"),
                t(lang, &format!("status.{}", r.status)),
            ]
        },
        out,
    )
    .await;
    let written = writer.await.map_err(|e| AppError::Internal(e.to_string()))?;
    let (n, sheet) = match (read, written) {
        (Ok(n), Ok(sheet)) => (n, sheet),
        // The writer failed (too many rows): the reader stopped because of it.
        (_, Err(e)) => return Err(e),
        // Refused or forbidden before a row was read.
        (Err(e), Ok(_)) => return Err(e.into()),
    };
    let date = linli_core::clock::shanghai(ctx.now).format("%Y%m%d");
    let (mime, ext) = match kind {
        Kind::Csv => ("text/csv; charset=utf-8", "csv"),
        Kind::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    };
    let file = format!("居民花名册-{date}.{ext}");
    let encoded = percent_encoding::utf8_percent_encode(&file, percent_encoding::NON_ALPHANUMERIC);
    let sheet = tokio::fs::File::from_std(sheet);
    let length = sheet.metadata().await.map_err(|e| AppError::Internal(e.to_string()))?.len();
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(sheet));
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"roster-{date}.{ext}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&n.to_string()) {
        h.insert("x-linli-rows", v);
    }
    Ok(res)
}

#[derive(serde::Deserialize)]
struct FullQuery {
    full: Option<String>,
}

async fn export_csv(
    ctx: Ctx,
    Query(q): Query<ListQuery>,
    Query(f): Query<FullQuery>,
) -> Result<Response, AppError> {
    export(ctx, q, f.full.as_deref() == Some("1"), Kind::Csv).await
}

async fn export_xlsx(
    ctx: Ctx,
    Query(q): Query<ListQuery>,
    Query(f): Query<FullQuery>,
) -> Result<Response, AppError> {
    export(ctx, q, f.full.as_deref() == Some("1"), Kind::Xlsx).await
}

/// Whether the caller may take an unmasked export (the page offers it only then).
pub fn may_export_full(ctx: &Ctx) -> bool {
    ctx.caller
        .as_ref()
        .is_some_and(|c| c.decide(Action::ExportResidentsUnmasked, None) == Decision::Allow)
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/residents/import", Policy::Signed(Action::ImportResidents), page)
        .upload("/residents/import", Policy::Signed(Action::ImportResidents), submit)
        .page(
            Method::GET,
            "/residents/export.csv",
            Policy::Signed(Action::ExportResidents),
            export_csv,
        )
        .page(
            Method::GET,
            "/residents/export.xlsx",
            Policy::Signed(Action::ExportResidents),
            export_xlsx,
        )
}
