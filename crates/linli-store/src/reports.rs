//! Indicators computed from the records (DESIGN.md §3). One query per figure, for a community
//! and a period; modules not built yet report their figures as unavailable, never as 0.

use crate::db::Conn;
use crate::{Result, Tenant, fund, params};
use linli_core::indicators::{self, CATALOGUE, Counts, Indicator};
use serde_json::{Value, json};

/// One computed figure: its value (`None` when unavailable) and what stands behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub indicator: &'static Indicator,
    pub value: Option<Value>,
    pub details: Value,
}

fn ok(ind: &'static Indicator, value: Value, records: String, extra: Value) -> Figure {
    let approx = value.as_f64().map(|v| indicators::approx(ind, v));
    let mut details = json!({
        "status": "ok", "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
        "counts": ind.counts, "definition": ind.definition, "approx_zh": approx, "records": records,
    });
    if let (Some(d), Value::Object(e)) = (details.as_object_mut(), extra) {
        d.extend(e);
    }
    Figure { indicator: ind, value: Some(value), details }
}

/// What `read` answers, read the first time only (a clone of it each time: small values).
fn once<T: Clone>(slot: &mut Option<T>, read: impl FnOnce() -> Result<T>) -> Result<T> {
    if let Some(v) = slot {
        return Ok(v.clone());
    }
    let v = read()?;
    *slot = Some(v.clone());
    Ok(v)
}

/// Every indicator of the catalogue for `community_id` between `from` and `to` (inclusive dates).
pub fn compute(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Vec<Figure>> {
    compute_some(c, t, from, to, None)
}

/// [`compute`] for one indicator only (`Some(id)`), e.g. to time each one (bench-indicators).
pub fn compute_some(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    only: Option<&str>,
) -> Result<Vec<Figure>> {
    let community_id = t.id();
    let mut out = Vec::with_capacity(CATALOGUE.len());
    // Read once for the figures that share them: the fund's totals of the period (raised,
    // beneficiaries) and each corridor's stars on its last day (high standard, average).
    let mut fund_totals: Option<(i64, i64)> = None;
    let mut stars: Option<Vec<(i64, Vec<i64>)>> = None;
    for ind in CATALOGUE.iter().filter(|i| only.is_none_or(|o| o == i.id)) {
        let fig = match ind.id {
            "registry.residents" => {
                let n = crate::registry::residents_on(c, t, to)?;
                ok(ind, json!(n), "/residents".into(), json!({}))
            }
            "registry.households" => {
                let n = crate::registry::households_on(c, t, to)?;
                ok(ind, json!(n), "/residents".into(), json!({}))
            }
            "fund.raised_total" => {
                let (raised, _) = once(&mut fund_totals, || fund::totals(c, t, from, to))?;
                ok(
                    ind,
                    json!(raised),
                    format!("/fund/statement?year={}", &to[..4.min(to.len())]),
                    json!({}),
                )
            }
            "fund.beneficiaries" => {
                let (_, helped) = once(&mut fund_totals, || fund::totals(c, t, from, to))?;
                let times = c.count(
                    "SELECT COUNT(*) FROM fund_disbursements WHERE community_id = ? AND status = 'paid' AND paid_on >= ? AND paid_on <= ?",
                    params![community_id, from, to],
                )?;
                ok(ind, json!(helped), "/fund".into(), json!({"times": times, "persons": helped}))
            }
            "fund.disclosures" => {
                let n = fund::postings_count(c, t, from, to)?;
                ok(ind, json!(n), "/fund/statement".into(), json!({}))
            }
            "fund.balance" => {
                let b = fund::balances(c, t, Some(to))?;
                ok(
                    ind,
                    json!(b.balance_fen),
                    "/fund/entries".into(),
                    json!({"cash_fen": b.cash_fen, "bank_fen": b.bank_fen, "goods_fen": b.goods_fen}),
                )
            }
            "learning.trainee_times" => {
                let t = crate::learning::trainee_times(c, t, from, to)?;
                ok(
                    ind,
                    json!(t.times),
                    format!("/courses/completions?from={from}&to={to}"),
                    json!({"times": t.times, "persons": t.persons}),
                )
            }
            "learning.employment_rate" => {
                let r = crate::learning::employment_rate(c, t, from, to)?;
                ok(
                    ind,
                    json!(r.rate),
                    format!("/courses/completions?from={from}&to={to}"),
                    json!({"numerator": r.employed_persons, "denominator": r.completed_persons,
                           "not_employed": r.not_employed_persons, "unknown": r.unknown_persons,
                           "rate_known": r.rate_known, "persons": r.completed_persons}),
                )
            }
            "employment.reemployed" => {
                let r = crate::learning::reemployed(c, t, from, to)?;
                ok(
                    ind,
                    json!(r.persons),
                    "/employment/placements".into(),
                    json!({"persons": r.persons, "times": r.times, "still_employed": r.still_employed,
                           "left": r.left, "unknown": r.unknown, "not_followed_up": r.not_followed_up}),
                )
            }
            "learning.party_study_courses"
            | "learning.culture_courses"
            | "learning.elderly_university_courses"
            | "learning.livelihood_courses"
            | "learning.vocational_courses" => {
                let category = match ind.id {
                    "learning.party_study_courses" => "party_study",
                    "learning.culture_courses" => "culture",
                    "learning.elderly_university_courses" => "elderly_university",
                    "learning.livelihood_courses" => "livelihood",
                    _ => "vocational_training",
                };
                let n = crate::learning::courses_held(c, t, category, from, to)?;
                ok(ind, json!(n), format!("/courses?year={}", &to[..4.min(to.len())]), json!({}))
            }
            "learning.trainees_unemployed" => {
                let n = crate::learning::trainees_unemployed(c, t, from, to)?;
                ok(ind, json!(n), format!("/courses/completions?from={from}&to={to}"), json!({}))
            }
            "employment.reemployed_hardship" => {
                let n = crate::learning::reemployed_hardship(c, t, from, to)?;
                ok(ind, json!(n), "/employment/placements".into(), json!({}))
            }
            "assistance.help_times" => {
                let n = crate::assistance::help_times(c, t, from, to)?;
                ok(ind, json!(n), "/cases".into(), json!({}))
            }
            "partners.signed_in_year" => {
                let n = crate::partners::signed_in_period_count(c, t, from, to)?;
                ok(ind, json!(n), "/partners/agreements".into(), json!({}))
            }
            "affairs.on_time_rate" => {
                // Of the issues resolved in the period; none resolved is no rate.
                let (in_time, resolved) = crate::affairs::on_time(c, t, from, to)?;
                let rate = if resolved > 0 {
                    json!(in_time as f64 / resolved as f64)
                } else {
                    Value::Null
                };
                ok(
                    ind,
                    rate,
                    "/affairs?status=resolved_any".into(),
                    json!({"numerator": in_time, "denominator": resolved}),
                )
            }
            "assistance.households_helped" => {
                let n =
                    crate::assistance::households_helped(c, Tenant::new(community_id), from, to)?;
                ok(ind, json!(n), "/cases".into(), json!({}))
            }
            "partners.signed" => {
                let n = crate::partners::signed_count(c, t, from, to)?;
                ok(ind, json!(n), "/partners/agreements".into(), json!({}))
            }
            "partners.lectures" => {
                let n = crate::partners::lectures_count(c, t, from, to)?;
                ok(
                    ind,
                    json!(n),
                    format!(
                        "/partners/activities?kind=health_lecture&year={}",
                        &to[..4.min(to.len())]
                    ),
                    json!({}),
                )
            }
            "affairs.resolved" => {
                let n = crate::affairs::resolved_count(c, t, from, to)?;
                ok(ind, json!(n), "/affairs?status=resolved_any".into(), json!({}))
            }
            "affairs.satisfaction" => {
                // Of the issues resolved in the period that were rated; none rated is no rate.
                let (pleased, rated) = crate::affairs::satisfaction(c, t, from, to)?;
                let rate =
                    if rated > 0 { json!(pleased as f64 / rated as f64) } else { Value::Null };
                ok(
                    ind,
                    rate,
                    "/affairs?status=closed".into(),
                    json!({"numerator": pleased, "denominator": rated}),
                )
            }
            "groups.volunteer_hours" | "groups.volunteers" | "groups.service_times" => {
                let (tenths, persons, times) = crate::volunteers::totals(c, t, from, to)?;
                let value = match ind.id {
                    "groups.volunteer_hours" => json!(tenths as f64 / 10.0),
                    "groups.volunteers" => json!(persons),
                    _ => json!(times),
                };
                ok(
                    ind,
                    value,
                    format!("/volunteers/activities?from={from}&to={to}"),
                    json!({"hours": tenths as f64 / 10.0, "persons": persons, "times": times}),
                )
            }
            "corridors.high_standard" => {
                let rules = crate::corridors::settings(c, t)?;
                let all = once(&mut stars, || crate::corridors::stars_up_to(c, t, to))?;
                let n = crate::corridors::high_standard_of(&rules, &all);
                ok(ind, json!(n), "/corridors".into(), json!({}))
            }
            "corridors.inspected" => {
                let n = crate::corridors::inspected_count(c, t, from, to)?;
                ok(ind, json!(n), "/corridors".into(), json!({}))
            }
            "corridors.average_stars" => {
                let all = once(&mut stars, || crate::corridors::stars_up_to(c, t, to))?;
                let (sum, n) = crate::corridors::stars_sum(&all);
                // No corridor inspected yet is no average, not 0 stars.
                let value = if n > 0 { json!(sum as f64 / n as f64) } else { Value::Null };
                ok(ind, value, "/corridors".into(), json!({"corridors": n, "stars": sum}))
            }
            "publicity.articles" => {
                let n = crate::publicity::articles_count(c, t, from, to)?;
                ok(ind, json!(n), "/publicity".into(), json!({}))
            }
            "publicity.paper_issues" => {
                let n = crate::publicity::issues_count(c, t, from, to)?;
                ok(ind, json!(n), "/publicity".into(), json!({}))
            }
            "partners.party_members_reporting" => {
                let n = crate::volunteers::party_members_reporting(c, t, to)?;
                ok(ind, json!(n), "/volunteers/party".into(), json!({}))
            }
            _ => Figure {
                indicator: ind,
                value: None,
                details: json!({
                    "status": "unavailable", "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
                    "counts": ind.counts, "definition": ind.definition,
                    "reason": format!("the {} module is not built yet", ind.module),
                }),
            },
        };
        out.push(fig);
    }
    Ok(out)
}

/// The CLI's and the API's shape: `{"indicators": {id: value}, "details": {id: {...}}}`.
pub fn to_json(figures: &[Figure], community: &str, from: &str, to: &str) -> Value {
    let mut values = serde_json::Map::new();
    let mut details = serde_json::Map::new();
    for f in figures {
        values.insert(f.indicator.id.to_string(), f.value.clone().unwrap_or(Value::Null));
        details.insert(f.indicator.id.to_string(), f.details.clone());
    }
    json!({"community": community, "from": from, "to": to, "indicators": values, "details": details})
}

/// Is a count of this kind worth a 人次/人数 label? (For tables that print the unit.)
pub fn counts_label(counts: Counts) -> &'static str {
    match counts {
        Counts::Times => "人次",
        Counts::Persons => "人数",
        Counts::Households => "户数",
        Counts::Items => "个数",
        Counts::Money => "金额",
        Counts::Rate => "比率",
        Counts::Hours => "小时",
        Counts::Average => "平均数",
    }
}

/// The day `years` years before `today` (the 28th at the latest, so that every year has it): an
/// age band's bound.
fn born_after(today: chrono::NaiveDate, years: i32) -> String {
    use chrono::Datelike;
    chrono::NaiveDate::from_ymd_opt(today.year() - years, today.month(), today.day().min(28))
        .unwrap_or(today)
        .format("%Y-%m-%d")
        .to_string()
}

/// Active residents by age band (as of `today`), for the dashboard.
pub fn age_bands(
    c: &mut dyn Conn,
    t: Tenant,
    today: chrono::NaiveDate,
) -> Result<Vec<(&'static str, i64)>> {
    let born_after = |years: i32| born_after(today, years);
    // From the births kept by month and by day (migration 0035): the residents born on or
    // before a day are the months before its month and the days of its month up to it.
    let months: Vec<(String, i64)> = c
        .query(
            "SELECT month, residents FROM registry_birth_months WHERE community_id = ? AND residents <> 0",
            params![t],
        )?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?)))
        .collect::<Result<_>>()?;
    let mut born_by = |day: &str| -> Result<i64> {
        let month = day.get(..7).unwrap_or(day);
        let before: i64 = months.iter().filter(|(m, _)| m.as_str() < month).map(|(_, n)| n).sum();
        let days = c.count(
            "SELECT CAST(COALESCE(SUM(residents), 0) AS BIGINT) FROM registry_birth_days
             WHERE community_id = ? AND day >= ? AND day <= ?",
            params![t, format!("{month}-01"), day],
        )?;
        Ok(before + days)
    };
    let bands: [(&'static str, i32, i32); 5] = [
        ("0-17", 0, 18),
        ("18-34", 18, 35),
        ("35-59", 35, 60),
        ("60-79", 60, 80),
        ("80+", 80, 200),
    ];
    // A band holds the births after the day `hi` years ago, up to the day `lo` years ago.
    let mut out = Vec::with_capacity(bands.len());
    for (label, lo, hi) in bands {
        out.push((label, born_by(&born_after(lo))? - born_by(&born_after(hi))?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bands as they were counted before migration 35: every active resident read.
    fn counted(c: &mut dyn Conn, community: i64, today: chrono::NaiveDate) -> Vec<i64> {
        let born_after = |years: i32| born_after(today, years);
        [(0, 18), (18, 35), (35, 60), (60, 80), (80, 200)]
            .iter()
            .map(|(lo, hi)| {
                c.count(
                    "SELECT COUNT(*) FROM residents WHERE community_id = ? AND status = 'active'
                     AND birth_date > ? AND birth_date <= ?",
                    params![community, born_after(*hi), born_after(*lo)],
                )
                .unwrap()
            })
            .collect()
    }

    fn births_follow_every_change(location: String) {
        let db = crate::Db::open(&crate::DbConfig::new(location)).unwrap();
        crate::migrate::migrate_until(&db, 34).unwrap();
        let now = chrono::Utc::now();
        let (a, b) = db
            .write_blocking(|c| {
                let mut made = Vec::new();
                for name in ["甲社区", "乙社区"] {
                    made.push(crate::places::create(
                        c,
                        linli_core::PlaceKind::Community,
                        name,
                        None,
                        now,
                    )?);
                }
                Ok::<_, crate::StoreError>((made[0].clone(), made[1].clone()))
            })
            .unwrap();
        let add = |db: &crate::Db, born: Option<&str>, status: &str| -> i64 {
            let (id, path, born, status) =
                (a.id, a.path.as_str().to_string(), born.map(str::to_string), status.to_string());
            db.write_blocking(move |c| {
                c.insert(
                    "INSERT INTO residents (community_id, place_path, name, name_initials, name_pinyin,
                         birth_date, status, created_at, updated_at)
                     VALUES (?, ?, '某', '', '', ?, ?, '2026-01-01T08:00:00Z', '2026-01-01') RETURNING id",
                    params![id, path, born, status],
                )
            })
            .unwrap()
        };
        let run = |db: &crate::Db, sql: &str, args: Vec<crate::Value>| {
            let sql = sql.to_string();
            db.write_blocking(move |c| c.execute(&sql, &args)).unwrap();
        };
        // Today on the bounds' days, at a month's end past the 28th, on a leap day.
        let todays = ["2026-12-07", "2026-03-31", "2028-02-29", "2026-01-01"]
            .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        let check = |db: &crate::Db, step: &str| {
            for community in [a.id, b.id] {
                for today in todays {
                    let (kept, counted) = db
                        .read_blocking(|c| {
                            let kept: Vec<i64> = age_bands(c, Tenant::new(community), today)?
                                .into_iter()
                                .map(|(_, n)| n)
                                .collect();
                            Ok::<_, crate::StoreError>((kept, counted(c, community, today)))
                        })
                        .unwrap();
                    assert_eq!(kept, counted, "{step}: community {community} on {today}");
                }
            }
        };
        // On and around the bounds of 2026-12-07 and 2026-03-31 (the 28th), and far away.
        let born = [
            "2008-12-07",
            "2008-12-08",
            "2008-12-06",
            "1991-12-07",
            "1991-12-08",
            "1966-12-01",
            "1946-12-07",
            "1946-12-31",
            "1930-05-05",
            "2008-03-28",
            "2008-03-29",
            "2026-12-07",
            "2026-12-08",
            "1826-12-07",
            "2012-02-29",
        ];
        let mut ids = Vec::new();
        for (i, day) in born.iter().enumerate() {
            ids.push(add(&db, Some(day), if i % 5 == 4 { "moved_away" } else { "active" }));
        }
        add(&db, None, "active");
        crate::migrate::migrate(&db).unwrap();
        check(&db, "backfilled");
        ids.push(add(&db, Some("2008-12-07"), "active"));
        check(&db, "registered");
        let steps: [(&str, &str, Vec<crate::Value>); 8] = [
            (
                "birth date corrected across a bound",
                "UPDATE residents SET birth_date = '2008-12-08' WHERE id = ?",
                vec![crate::Value::from(ids[0])],
            ),
            (
                "moved away",
                "UPDATE residents SET status = 'moved_away', closed_on = '2026-05-01' WHERE id = ?",
                vec![crate::Value::from(ids[1])],
            ),
            (
                "back and active",
                "UPDATE residents SET status = 'active', closed_on = NULL WHERE id = ?",
                vec![crate::Value::from(ids[4])],
            ),
            (
                "to another community",
                "UPDATE residents SET community_id = ? WHERE id = ?",
                vec![crate::Value::from(b.id), crate::Value::from(ids[2])],
            ),
            (
                "birth date removed",
                "UPDATE residents SET birth_date = NULL WHERE id = ?",
                vec![crate::Value::from(ids[3])],
            ),
            (
                "renamed (no counted column)",
                "UPDATE residents SET name = '某某', notes = '改名' WHERE id = ?",
                vec![crate::Value::from(ids[5])],
            ),
            (
                "erased",
                "UPDATE residents SET status = 'anonymized' WHERE id = ?",
                vec![crate::Value::from(ids[6])],
            ),
            ("deleted", "DELETE FROM residents WHERE id = ?", vec![crate::Value::from(ids[7])]),
        ];
        for (step, sql, args) in steps {
            run(&db, sql, args);
            check(&db, step);
        }
    }

    #[test]
    fn births_follow_every_change_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        births_follow_every_change(dir.path().join("b.db").to_string_lossy().to_string());
    }

    #[test]
    fn births_follow_every_change_on_postgresql() {
        let Some(url) = crate::pg::tests::fresh_database("births") else {
            return;
        };
        births_follow_every_change(url);
    }
}
