//! The indicator catalogue (DESIGN.md §3): one definition per figure of the annual summary, and
//! the one helper that writes figures the way such reports do — never rounding up.

use serde::Serialize;

/// Whether a count is of times (人次) or of distinct persons (人数), or is not a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    Times,
    Persons,
    Households,
    Items,
    Money,
    Rate,
    Hours,
    /// A mean (e.g. the corridors' stars), written with one decimal.
    Average,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Indicator {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// `fen` for money, `fraction` for rates (0-1), otherwise what is counted.
    pub unit: &'static str,
    pub counts: Counts,
    /// The module that computes it; a module not built yet reports it as unavailable.
    pub module: &'static str,
    pub definition: &'static str,
}

macro_rules! ind {
    ($id:literal, $zh:literal, $en:literal, $unit:literal, $counts:ident, $module:literal, $def:literal) => {
        Indicator {
            id: $id,
            name_zh: $zh,
            name_en: $en,
            unit: $unit,
            counts: Counts::$counts,
            module: $module,
            definition: $def,
        }
    };
}

pub const CATALOGUE: &[Indicator] = &[
    ind!(
        "registry.residents",
        "在册居民",
        "Registered residents",
        "persons",
        Persons,
        "registry",
        "distinct residents active at the end of the period"
    ),
    ind!(
        "registry.households",
        "在册住户",
        "Registered households",
        "households",
        Households,
        "registry",
        "households with at least one active resident at the end of the period"
    ),
    ind!(
        "learning.trainee_times",
        "职业技能培训结业",
        "Vocational training completions",
        "times",
        Times,
        "learning",
        "enrolments in vocational courses completed in the period (人次)"
    ),
    ind!(
        "learning.employment_rate",
        "培训后就业率",
        "Employment after training",
        "fraction",
        Rate,
        "learning",
        "of distinct residents who completed vocational training in the period (人数), the share with a placement (through the station or not) starting on or after that course's start; those without one count in the denominator only, and the details say how many have no follow-up at all (unknown)"
    ),
    ind!(
        "employment.reemployed",
        "服务站帮助再就业",
        "Re-employed through the station",
        "persons",
        Persons,
        "employment",
        "distinct residents with a placement through the station in the period"
    ),
    ind!(
        "fund.raised_total",
        "爱心基金筹集",
        "Love fund raised",
        "fen",
        Money,
        "fund",
        "money donations received in the period, reversed gifts excluded (goods apart)"
    ),
    ind!(
        "fund.beneficiaries",
        "爱心基金资助",
        "Residents helped by the fund",
        "persons",
        Persons,
        "fund",
        "distinct residents who received a paid disbursement in the period"
    ),
    ind!(
        "fund.balance",
        "爱心基金结余",
        "Love fund balance",
        "fen",
        Money,
        "fund",
        "cash and bank at the end of the period"
    ),
    ind!(
        "assistance.households_helped",
        "帮扶困难家庭",
        "Households helped",
        "households",
        Households,
        "assistance",
        "distinct households with at least one help record in the period"
    ),
    ind!(
        "corridors.high_standard",
        "高标准文明楼道",
        "High-standard corridors",
        "items",
        Items,
        "corridors",
        "corridors holding high-standard status at the end of the period"
    ),
    ind!(
        "corridors.inspected",
        "检查文明楼道",
        "Corridors inspected",
        "items",
        Items,
        "corridors",
        "corridors inspected at least once in the period"
    ),
    ind!(
        "corridors.average_stars",
        "文明楼道平均星级",
        "Corridors' average stars",
        "stars",
        Average,
        "corridors",
        "mean star level of the inspected corridors at the end of the period (each corridor's last inspection)"
    ),
    ind!(
        "publicity.articles",
        "发布宣传文章",
        "Articles published",
        "items",
        Items,
        "publicity",
        "articles published in the period"
    ),
    ind!(
        "publicity.paper_issues",
        "编印社区报",
        "Paper issues",
        "items",
        Items,
        "publicity",
        "issues of the community paper published in the period"
    ),
    ind!(
        "partners.signed",
        "签订共建协议单位",
        "Partner units with agreements",
        "items",
        Items,
        "partners",
        "partner units with an agreement in force during the period"
    ),
    ind!(
        "partners.lectures",
        "健康知识讲座",
        "Health lectures by partners",
        "times",
        Times,
        "partners",
        "health lectures delivered by partners in the period"
    ),
    ind!(
        "affairs.resolved",
        "办结民生诉求",
        "Issues resolved",
        "items",
        Items,
        "affairs",
        "issues resolved in the period"
    ),
    ind!(
        "affairs.satisfaction",
        "诉求办理满意率",
        "Satisfaction with resolved issues",
        "fraction",
        Rate,
        "affairs",
        "of resolved issues rated, the share satisfied or basically satisfied"
    ),
    ind!(
        "groups.volunteer_hours",
        "志愿服务时长",
        "Volunteer service hours",
        "hours",
        Hours,
        "groups",
        "volunteer service hours credited in the period"
    ),
    ind!(
        "groups.volunteers",
        "参与志愿服务人数",
        "Volunteers who served",
        "persons",
        Persons,
        "groups",
        "distinct volunteers credited with service in the period"
    ),
    ind!(
        "groups.service_times",
        "志愿服务人次",
        "Volunteer services",
        "times",
        Times,
        "groups",
        "volunteer services credited in the period (one volunteer at one activity)"
    ),
    ind!(
        "partners.party_members_reporting",
        "在职党员双报到人数",
        "In-service party members reporting",
        "persons",
        Persons,
        "partners",
        "in-service party members reporting to the community (双报到) at the period's end"
    ),
];

pub fn find(id: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.id == id)
}

fn suffix(counts: Counts) -> &'static str {
    match counts {
        Counts::Times => "人次",
        Counts::Persons => "名",
        Counts::Households => "户",
        Counts::Items => "个",
        Counts::Money => "元",
        Counts::Rate => "",
        Counts::Hours => "小时",
        Counts::Average => "",
    }
}

/// `n` floored to two significant digits: 1999 → 1900, 2046 → 2000, 653 → 650, 65 → 65.
/// Reports keep the leading figures and say "余/多" for the rest; keeping two digits says 1900余
/// for 1999 (where one digit would say 1000余, true but a third short of the truth).
fn floor_two_digits(n: i64) -> i64 {
    let mut step = 1;
    while n / step >= 100 {
        step *= 10;
    }
    n / step * step
}

/// `w` ten-thousandths written as 万 with at most one decimal: 60000 → `6`, 59000 → `5.9`.
fn wan(w: i64) -> String {
    let (whole, tenth) = (w / 10_000, w % 10_000 / 1_000);
    if tenth == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{tenth}")
    }
}

/// A count the way reports write it, never more than the truth, keeping two significant
/// digits: 65 → `65名`, 653 → `650多名`, 1999 → `1900余人次`, 2000 → `2000人次`,
/// 2046 → `2000余人次`, 23,400 → `2.3万余小时`. Under 1000 the word is 多, from 1000 on 余.
pub fn approx_count(n: i64, counts: Counts) -> String {
    let s = suffix(counts);
    if n < 100 {
        return format!("{n}{s}");
    }
    let floor = floor_two_digits(n);
    let word = if n >= 1000 { "余" } else { "多" };
    let shown = if floor >= 10_000 {
        format!("{}万", wan(floor))
    } else {
        floor.to_string()
    };
    if floor == n {
        format!("{shown}{s}")
    } else {
        format!("{shown}{word}{s}")
    }
}

/// Money (fen) the way reports write it, two significant digits of the yuan, never rounded up:
/// ¥61,234.50 → `6.1万余元`, ¥60,000 → `6万元`, ¥60,500 → `6万余元`, ¥59,999.99 → `5.9万余元`,
/// ¥895 → `890余元`, ¥62 → `62元`, ¥62.50 → `62余元`.
pub fn approx_money(fen: i64) -> String {
    if fen < 0 {
        return format!("-{}", approx_money(-fen));
    }
    let yuan = fen / 100;
    let floor = floor_two_digits(yuan);
    let exact = floor == yuan && fen % 100 == 0;
    let shown = if floor >= 10_000 {
        format!("{}万", wan(floor))
    } else {
        floor.to_string()
    };
    if exact {
        format!("{shown}元")
    } else {
        format!("{shown}余元")
    }
}

/// A rate (0-1) the way reports write it, floored to the whole percent with 以上 when anything
/// was dropped: 0.9 → `90%`, 0.9046 → `90%以上`, 0.923 → `92%以上`, 0.8999 and 0.896 →
/// `89%以上` (89.6% is not 90%以上), 0.05 → `5%`.
pub fn approx_rate(rate: f64) -> String {
    if !rate.is_finite() || rate <= 0.0 {
        return "0%".into();
    }
    // Hundred-thousandths, with a hair of tolerance so 0.29 (stored as 0.28999…) is still 29%.
    let units = (rate * 100_000.0 + 1e-6).floor() as i64;
    let percent = units / 1000;
    if units % 1000 == 0 {
        format!("{percent}%")
    } else {
        format!("{percent}%以上")
    }
}

/// The exact figure, for the note beside the rounded words: `2046人次`, `¥61,234.50`, `89.6%`.
pub fn exact(ind: &Indicator, value: f64) -> String {
    match ind.counts {
        Counts::Money => {
            let fen = value as i64;
            let yuan = (fen / 100).abs();
            let mut digits = yuan.to_string();
            let mut grouped = String::new();
            while digits.len() > 3 {
                let tail = digits.split_off(digits.len() - 3);
                grouped = format!(",{tail}{grouped}");
            }
            let sign = if fen < 0 { "-" } else { "" };
            format!("{sign}¥{digits}{grouped}.{:02}", (fen % 100).abs())
        }
        Counts::Rate => {
            let s = format!("{:.2}", value * 100.0);
            let s = s.trim_end_matches('0').trim_end_matches('.');
            format!("{s}%")
        }
        Counts::Average => format!("{:.2}{}", value, measure_word(ind)),
        _ => format!("{}{}", value as i64, measure_word(ind)),
    }
}

/// A mean floored to one decimal (4.29 → `4.2星`), never more than the truth.
pub fn approx_average(value: f64, word: &str) -> String {
    if !value.is_finite() || value <= 0.0 {
        return format!("0{word}");
    }
    // Hundredths with a hair of tolerance, so 4.3 (stored as 4.2999…) stays 4.3.
    let tenths = ((value * 1000.0 + 1e-6).floor() as i64) / 100;
    if tenths % 10 == 0 {
        format!("{}{word}", tenths / 10)
    } else {
        format!("{}.{}{word}", tenths / 10, tenths % 10)
    }
}

/// The measure word a report puts after an indicator's count where 人次/名/个 would read
/// wrong: lectures are 次 (not 人次), partner units 家, issues 件.
pub fn measure_word(ind: &Indicator) -> &'static str {
    match ind.id {
        "partners.lectures" => "次",
        "partners.signed" => "家",
        "affairs.resolved" => "件",
        "publicity.articles" => "篇",
        "publicity.paper_issues" => "期",
        "corridors.average_stars" => "星",
        _ => suffix(ind.counts),
    }
}

/// The report's words for an indicator value.
pub fn approx(ind: &Indicator, value: f64) -> String {
    match ind.counts {
        Counts::Money => approx_money(value as i64),
        Counts::Rate => approx_rate(value),
        Counts::Average => approx_average(value, measure_word(ind)),
        c => {
            let words = approx_count(value as i64, c);
            match words.strip_suffix(suffix(c)) {
                Some(stem) => format!("{stem}{}", measure_word(ind)),
                None => words,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_floored_never_rounded_up() {
        assert_eq!(approx_count(1999, Counts::Times), "1900余人次");
        assert_eq!(approx_count(2000, Counts::Times), "2000人次");
        assert_eq!(approx_count(2046, Counts::Times), "2000余人次");
        assert_eq!(approx_count(2099, Counts::Times), "2000余人次");
        assert_eq!(approx_count(653, Counts::Persons), "650多名");
        assert_eq!(approx_count(605, Counts::Persons), "600多名");
        assert_eq!(approx_count(600, Counts::Persons), "600名");
        assert_eq!(approx_count(199, Counts::Persons), "190多名");
        assert_eq!(approx_count(100, Counts::Persons), "100名");
        assert_eq!(approx_count(99, Counts::Persons), "99名");
        assert_eq!(approx_count(65, Counts::Persons), "65名");
        assert_eq!(approx_count(0, Counts::Persons), "0名");
        assert_eq!(approx_count(9_999, Counts::Times), "9900余人次");
        assert_eq!(approx_count(10_000, Counts::Times), "1万人次");
        assert_eq!(approx_count(23_400, Counts::Hours), "2.3万余小时");
        assert_eq!(approx_count(20_400, Counts::Hours), "2万余小时");
        assert_eq!(approx_count(123_456, Counts::Times), "12万余人次");
    }

    #[test]
    fn money_is_written_in_wan_and_never_rounded_up() {
        // ¥59,999.99 is not 6万: it is 5.9万 and some.
        assert_eq!(approx_money(5_999_999), "5.9万余元");
        assert_eq!(approx_money(6_000_000), "6万元");
        assert_eq!(approx_money(6_000_001), "6万余元");
        assert_eq!(approx_money(6_050_000), "6万余元");
        assert_eq!(approx_money(6_123_450), "6.1万余元");
        assert_eq!(approx_money(89_500), "890余元");
        assert_eq!(approx_money(90_000), "900元");
        assert_eq!(approx_money(6_200), "62元");
        assert_eq!(approx_money(6_250), "62余元");
        assert_eq!(approx_money(0), "0元");
    }

    #[test]
    fn rates_say_yi_shang_only_when_true() {
        assert_eq!(approx_rate(0.9), "90%");
        assert_eq!(approx_rate(0.9046), "90%以上");
        assert_eq!(approx_rate(0.923), "92%以上");
        // 89.99% and 89.6% are not 90%以上.
        assert_eq!(approx_rate(0.8999), "89%以上");
        assert_eq!(approx_rate(0.896), "89%以上");
        assert_eq!(approx_rate(0.05), "5%");
        assert_eq!(approx_rate(29.0 / 100.0), "29%");
        assert_eq!(approx_rate(1.0), "100%");
        assert_eq!(approx_rate(0.0), "0%");
    }

    #[test]
    fn the_exact_figure_is_kept_for_the_note() {
        let money = find("fund.raised_total").unwrap();
        assert_eq!(exact(money, 6_123_450.0), "¥61,234.50");
        assert_eq!(exact(money, 5.0), "¥0.05");
        let rate = find("learning.employment_rate").unwrap();
        assert_eq!(exact(rate, 0.896), "89.6%");
        assert_eq!(exact(rate, 0.9), "90%");
        let times = find("learning.trainee_times").unwrap();
        assert_eq!(exact(times, 2046.0), "2046人次");
        let lectures = find("partners.lectures").unwrap();
        assert_eq!(approx(lectures, 6.0), "6次");
        assert_eq!(approx(find("partners.signed").unwrap(), 12.0), "12家");
        assert_eq!(approx(find("publicity.articles").unwrap(), 64.0), "64篇");
        assert_eq!(
            approx(find("publicity.paper_issues").unwrap(), 12.0),
            "12期"
        );
    }

    #[test]
    fn average_stars_keep_one_decimal_never_rounded_up() {
        let stars = find("corridors.average_stars").unwrap();
        assert_eq!(approx(stars, 4.29), "4.2星");
        assert_eq!(approx(stars, 4.3), "4.3星");
        assert_eq!(approx(stars, 4.0), "4星");
        assert_eq!(approx(stars, 3.999), "3.9星");
        assert_eq!(approx(stars, 0.0), "0星");
        assert_eq!(exact(stars, 4.2857), "4.29星");
    }

    #[test]
    fn the_catalogue_holds_every_design_id_once() {
        for id in [
            "learning.trainee_times",
            "learning.employment_rate",
            "employment.reemployed",
            "fund.raised_total",
            "fund.beneficiaries",
            "fund.balance",
            "assistance.households_helped",
            "corridors.high_standard",
            "partners.signed",
            "partners.lectures",
            "affairs.resolved",
            "affairs.satisfaction",
            "groups.volunteer_hours",
            "groups.volunteers",
            "groups.service_times",
            "partners.party_members_reporting",
            "corridors.inspected",
            "corridors.average_stars",
            "publicity.articles",
            "publicity.paper_issues",
        ] {
            assert!(find(id).is_some(), "{id}");
        }
        let mut ids: Vec<_> = CATALOGUE.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
    }
}
