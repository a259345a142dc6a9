//! The dashboard (统计): every indicator of the catalogue with the words the summary would use and a
//! link to the records behind it, and server-rendered SVG charts readable in black and white.

use crate::AppState;
use crate::api::reports::period;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, t};
use crate::layout;
use crate::routes::{Policy, Table};
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_core::Action;
use linli_store::{fund, reports};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

/// A horizontal bar chart with the value written at the end of each bar (no legend to decode).
pub fn bar_chart(title: &str, bars: &[(String, i64, String)]) -> Markup {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 30;
    let height = bars.len() * row + 10;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 560 {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (label, value, shown)) in bars.iter().enumerate() {
        let y = i * row + 5;
        let w = (*value as f64 / max as f64 * 330.0).round() as i64;
        let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        svg.push_str(&format!(
            r##"<text x="110" y="{ty}" text-anchor="end" font-size="14">{l}</text><rect x="120" y="{y}" width="{w}" height="20" fill="#1f4e8c" stroke="#000" stroke-width="0.5"/><text x="{tx}" y="{ty}" font-size="14">{v}</text>"##,
            ty = y + 15,
            l = esc(label),
            tx = 126 + w,
            v = esc(shown),
        ));
    }
    svg.push_str("</svg>");
    html! { figure.chart-box { figcaption { (title) } (PreEscaped(svg)) } }
}

/// `2026-02` → `2月` (English: `02`).
fn month_short(lang: Lang, month: &str) -> String {
    let m = month.get(5..).unwrap_or(month);
    if lang == Lang::Zh {
        format!("{}月", m.trim_start_matches('0'))
    } else {
        m.to_string()
    }
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

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Period>,
) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let (from, to) = period(&ctx, q.from.as_deref(), q.to.as_deref())?;
    let today = linli_core::clock::shanghai(ctx.now).date();
    let year: i32 = to.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let (f2, t2) = (from.clone(), to.clone());
    let (figures, ages, months) = state
        .db
        .read(move |c| {
            Ok::<_, AppError>((
                reports::compute(c, cid, &f2, &t2)?,
                reports::age_bands(c, cid, today)?,
                fund::statement(c, cid, year)?.1,
            ))
        })
        .await?;
    let age_bars: Vec<(String, i64, String)> = ages
        .iter()
        .map(|(l, n)| {
            (
                format!("{l}{}", t(lang, "reports.years")),
                *n,
                n.to_string(),
            )
        })
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
        table.table {
            thead { tr { th { (t(lang, "reports.indicator")) } th.num { (t(lang, "reports.value")) } th { (t(lang, "reports.in_words")) } th { (t(lang, "reports.counts")) } th { } } }
            tbody {
                @for f in &figures {
                    tr {
                        td { (if lang == Lang::Zh { f.indicator.name_zh } else { f.indicator.name_en }) br; span.hint.mono { (f.indicator.id) } }
                        @match &f.value {
                            Some(v) => {
                                td.num { (if f.indicator.unit == "fen" { format!("¥{}", super::fund::yuan(v.as_i64().unwrap_or(0))) } else { v.to_string() }) }
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
        p.hint { (t(lang, "reports.hint")) }
        div.columns {
            (bar_chart(&t(lang, "reports.age_chart"), &age_bars))
            @if !fund_bars.is_empty() { (bar_chart(&format!("{year} {}", t(lang, "reports.fund_chart")), &fund_bars)) }
        }
    };
    Ok(layout::page(
        &ctx,
        &t(lang, "reports.title"),
        &[],
        None,
        body,
    ))
}

pub fn routes(t: Table) -> Table {
    t.page(
        Method::GET,
        "/reports",
        Policy::Signed(Action::ViewReports),
        dashboard,
    )
}
