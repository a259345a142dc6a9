//! The dashboard (统计): every indicator of the catalogue with the words the summary would use and a
//! link to the records behind it, and server-rendered SVG charts readable in black and white.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t, tf};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::reports as ops;
use linli_core::{Action, Decision};
use linli_store::summary;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

/// A horizontal bar chart with the value written at the end of each bar (no legend to decode).
pub fn bar_chart(title: &str, bars: &[(String, i64, String)]) -> Markup {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 30;
    let height = bars.len() * row + 10;
    // 440 units wide, drawn no narrower than 420 px (CSS), so that 14-unit labels never shrink
    // below 13 px; a narrower window scrolls the chart in its box rather than shrinking it.
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 440 {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (label, value, shown)) in bars.iter().enumerate() {
        let y = i * row + 5;
        let w = (*value as f64 / max as f64 * 200.0).round() as i64;
        let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        svg.push_str(&format!(
            r##"<text x="100" y="{ty}" text-anchor="end" font-size="14">{l}</text><rect x="108" y="{y}" width="{w}" height="20" fill="#1f4e8c" stroke="#000" stroke-width="0.5"/><text x="{tx}" y="{ty}" font-size="14">{v}</text>"##,
            ty = y + 15,
            l = esc(label),
            tx = 114 + w,
            v = esc(shown),
        ));
    }
    svg.push_str("</svg>");
    html! {
        figure.chart-box {
            figcaption { (title) }
            div.chart-scroll role="region" tabindex="0" aria-label=(title) { (PreEscaped(svg)) }
        }
    }
}

/// A figure as people read it: money in yuan, a rate as a percentage with what it is a share
/// of (never a raw fraction), a count as it is.
fn value_text(unit: &str, v: &serde_json::Value, details: &serde_json::Value) -> String {
    match unit {
        "fen" => format!("¥{}", super::fund::yuan(v.as_i64().unwrap_or(0))),
        "fraction" => {
            let part = |k: &str| details.get(k).and_then(serde_json::Value::as_i64);
            match (part("numerator"), part("denominator")) {
                (Some(n), Some(d)) => rate_text(n, d),
                _ => v.as_f64().map_or_else(
                    || "—".to_string(),
                    |f| format!("{:.1}%", (f * 1000.0).floor() / 10.0),
                ),
            }
        }
        // A mean (the corridors' stars): two decimals, not the float's seventeen digits.
        "stars" => v.as_f64().map_or_else(|| "—".to_string(), |f| format!("{f:.2}")),
        _ => v.to_string(),
    }
}

/// `78.6%（96/122）`: the share rounded down to one decimal (a rate never overstated), with its
/// numerator and denominator; "—" when there is nothing to divide by.
pub fn rate_text(numerator: i64, denominator: i64) -> String {
    if denominator <= 0 {
        return "—".to_string();
    }
    let tenths = numerator.saturating_mul(1000) / denominator;
    format!("{}.{}%（{numerator}/{denominator}）", tenths / 10, tenths % 10)
}

/// `2026-02` → `2月` (English: `02`).
fn month_short(lang: Lang, month: &str) -> String {
    let m = month.get(5..).unwrap_or(month);
    if lang == Lang::Zh { format!("{}月", m.trim_start_matches('0')) } else { m.to_string() }
}

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

fn counts_word(lang: Lang, counts: linli_core::indicators::Counts) -> String {
    use linli_core::indicators::Counts;
    match counts {
        Counts::Times => t(lang, "reports.times"),
        Counts::Persons => t(lang, "reports.persons"),
        _ => String::new(),
    }
}

async fn dashboard(ctx: Ctx, Query(q): Query<Period>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let actor = ctx.actor()?;
    let (from, to) = ops::period(&actor, q.from.as_deref(), q.to.as_deref())?;
    let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let ops::Dashboard { figures, ages, fund_months: months, help, tags, buildings } =
        ops::dashboard(&ctx.state.app, &actor, &from, &to).await?;
    let trends = Trends { help, tags, buildings };
    let age_bars: Vec<(String, i64, String)> = ages
        .iter()
        .map(|(l, n)| (format!("{l}{}", t(lang, "reports.years")), *n, n.to_string()))
        .collect();
    let fund_bars: Vec<(String, i64, String)> = months
        .iter()
        .filter(|m| m.income_fen > 0 || m.spending_fen > 0)
        .flat_map(|m| {
            [
                (
                    format!("{} {}", month_short(lang, &m.month), t(lang, "reports.in")),
                    m.income_fen,
                    format!("¥{}", super::fund::yuan(m.income_fen)),
                ),
                (
                    format!("{} {}", month_short(lang, &m.month), t(lang, "reports.out")),
                    m.spending_fen,
                    format!("¥{}", super::fund::yuan(m.spending_fen)),
                ),
            ]
        })
        .collect();
    let body = html! {
        form.filters.no-print method="get" action="/reports" {
            div.filter-row {
                (layout::field(lang, "from", "reports.from", "date", &from, None, None))
                (layout::field(lang, "to", "reports.to", "date", &to, None, None))
                div.field.buttons { button.btn.btn-primary type="submit" { (t(lang, "common.search")) } }
            }
        }
        div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "a11y.table")) {
            table.table {
                thead { tr { th { (t(lang, "reports.indicator")) } th.num { (t(lang, "reports.value")) } th { (t(lang, "reports.in_words")) } th { (t(lang, "reports.counts")) } th { } } }
                tbody {
                    @for f in &figures {
                        tr data-indicator=(f.indicator.id) {
                            td { (if lang == Lang::Zh { f.indicator.name_zh } else { f.indicator.name_en }) }
                            @match &f.value {
                                Some(v) => {
                                    td.num { (value_text(f.indicator.unit, v, &f.details)) }
                                    td { (f.details.get("approx_zh").and_then(|a| a.as_str()).unwrap_or("")) }
                                    td { (counts_word(lang, f.indicator.counts)) }
                                    td { @if let Some(r) = f.details.get("records").and_then(|r| r.as_str()) { a href=(r) { (t(lang, "reports.records")) } } }
                                }
                                None => {
                                    td.num { "—" }
                                    td colspan="3" { (layout::chip("muted", &t(lang, "reports.unavailable"))) " " span.hint { (t(lang, &format!("reports.module.{}", f.indicator.module))) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.hint { (t(lang, "reports.hint")) }
        (ledgers_panel(&ctx, year))
        div.columns {
            (bar_chart(&t(lang, "reports.age_chart"), &age_bars))
            @if !fund_bars.is_empty() { (bar_chart(&format!("{year} {}", t(lang, "reports.fund_chart")), &fund_bars)) }
        }
        (trend_charts(lang, &trends))
    };
    let action = html! {
        a.btn.btn-primary #to-summary href={ "/reports/summary?year=" (year) } { (t(lang, "summary.to_summary")) }
    };
    Ok(layout::page(&ctx, &t(lang, "reports.title"), &[], Some(action), body))
}

/// The dashboard's trends and breakdowns (read for the dashboard's period).
struct Trends {
    /// (`YYYY-MM`, 人次, households)
    help: Vec<(String, i64, i64)>,
    /// (tag, 人数)
    tags: Vec<(String, i64)>,
    /// (building, households helped)
    buildings: Vec<(String, i64)>,
}

fn trend_charts(lang: Lang, tr: &Trends) -> Markup {
    let help: Vec<(String, i64, String)> = tr
        .help
        .iter()
        .map(|(m, times, households)| {
            (
                month_short(lang, m),
                *times,
                tf(
                    lang,
                    "summary.chart.help_value",
                    &[("times", &times.to_string()), ("households", &households.to_string())],
                ),
            )
        })
        .collect();
    let tags: Vec<(String, i64, String)> = tr
        .tags
        .iter()
        .map(|(n, c)| (n.clone(), *c, tf(lang, "summary.chart.persons", &[("n", &c.to_string())])))
        .collect();
    let buildings: Vec<(String, i64, String)> = tr
        .buildings
        .iter()
        .map(|(n, c)| {
            (n.clone(), *c, tf(lang, "summary.chart.households", &[("n", &c.to_string())]))
        })
        .collect();
    html! {
        div.columns #trends {
            @if !help.is_empty() {
                div {
                    (bar_chart(&t(lang, "summary.chart.help_by_month"), &help))
                    p.hint { a href="/cases" { (t(lang, "reports.records")) } }
                }
            }
            @if !buildings.is_empty() {
                div {
                    (bar_chart(&t(lang, "summary.chart.helped_by_building"), &buildings))
                    p.hint { a href="/cases" { (t(lang, "reports.records")) } }
                }
            }
            @if !tags.is_empty() {
                div {
                    (bar_chart(&t(lang, "summary.chart.by_tag"), &tags))
                    p.hint { a href="/residents" { (t(lang, "reports.records")) } }
                }
            }
        }
    }
}

/// Which ledgers the caller may download: the fund's with the fund, the case registers with
/// case management (rows narrowed to the caller's places), the roster with roster export.
fn allowed(ctx: &Ctx, action: Action) -> bool {
    ctx.caller.as_ref().is_some_and(|c| c.decide(action, None) == Decision::Allow)
}

/// 台账: one workbook per register, for the dashboard's year.
fn ledgers_panel(ctx: &Ctx, year: i32) -> Markup {
    let lang = ctx.lang();
    html! {
        section.panel.no-print #ledgers {
            h2 { (t(lang, "summary.ledgers_title")) }
            p.hint { (t(lang, "summary.ledgers_hint")) }
            div.table-wrap role="region" tabindex="0" aria-label=(t(lang, "summary.ledgers_title")) {
                table.table {
                    thead { tr { th { (t(lang, "summary.ledgers_title")) } th { (t(lang, "summary.year")) } th { } } }
                    tbody {
                        @if allowed(ctx, Action::ExportResidents) {
                            tr {
                                td { (t(lang, "summary.ledger.roster")) }
                                td { "—" }
                                td { a.btn.btn-small href="/residents/export.xlsx" { (t(lang, "summary.ledger.download")) } }
                            }
                        }
                        @for (code, _) in summary::LEDGERS {
                            @if ops::ledger_action(code).is_some_and(|a| allowed(ctx, a)) {
                                tr {
                                    td { (t(lang, &format!("summary.ledger.{code}"))) }
                                    td { (year) }
                                    td { a.btn.btn-small href={ "/reports/ledgers/" (code) "?year=" (year) } { (t(lang, "summary.ledger.download")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct LedgerQuery {
    year: Option<String>,
}

async fn ledger(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let year = ops::year(&actor, q.year.as_deref())?;
    let ops::LedgerFile { name, ledger } = ops::ledger(&ctx.state.app, &actor, &code, year).await?;
    let rows = ledger.rows.len();
    let bytes = tokio::task::spawn_blocking(move || {
        linli_io::write_xlsx(&ledger.headers, ledger.rows.into_iter(), name)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let file = format!("{name}-{year}.xlsx");
    let encoded = percent_encoding::utf8_percent_encode(&file, percent_encoding::NON_ALPHANUMERIC);
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{code}-{year}.xlsx\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&rows.to_string()) {
        h.insert("x-linli-rows", v);
    }
    Ok(res)
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/reports", Policy::Signed(Action::ViewReports), dashboard).page(
        Method::GET,
        "/reports/ledgers/{code}",
        Policy::Signed(Action::ViewReports),
        ledger,
    )
}

#[cfg(test)]
mod tests {
    use super::{rate_text, value_text};
    use serde_json::json;

    #[test]
    fn a_rate_reads_as_a_percentage_of_what_it_is_a_share_of() {
        assert_eq!(rate_text(96, 122), "78.6%（96/122）");
        assert_eq!(rate_text(16, 17), "94.1%（16/17）");
        // Rounded down: 2/3 is 66.6%, never 66.7%.
        assert_eq!(rate_text(2, 3), "66.6%（2/3）");
        assert_eq!(rate_text(5, 5), "100.0%（5/5）");
        assert_eq!(rate_text(0, 0), "—");
    }

    #[test]
    fn no_raw_fraction_reaches_the_page() {
        let details = json!({"numerator": 96, "denominator": 122});
        let shown = value_text("fraction", &json!(0.7868852459016393), &details);
        assert_eq!(shown, "78.6%（96/122）");
        assert_eq!(value_text("fraction", &json!(0.5), &json!({})), "50.0%");
        assert_eq!(value_text("fen", &json!(415850), &json!({})), "¥4,158.50");
        assert_eq!(value_text("persons", &json!(45), &json!({})), "45");
        // The corridors' mean stars: two decimals, not 4.285714285714286.
        assert_eq!(value_text("stars", &json!(4.285714285714286), &json!({})), "4.29");
    }
}
