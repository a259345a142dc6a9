//! The indicator catalogue (DESIGN.md §3): one definition per figure of the annual summary, and
//! the one helper that writes figures the way such reports do — never rounding up.

use serde::Serialize;

/// Whether a count is of times (人次) or of distinct persons (人数), or is not a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    Times,
    Persons,
    Households,
    Items,
    Money,
    Rate,
    Hours,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        "of distinct residents who completed vocational training, the share placed on or after the course start"
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
    }
}

/// A count the way reports write it, never more than the truth: 65 → `65名`, 653 → `600多名`,
/// 2046 → `2000余人次`, 2000 → `2000人次`, 23,400 → `2万余`.
pub fn approx_count(n: i64, counts: Counts) -> String {
    let s = suffix(counts);
    if n < 100 {
        return format!("{n}{s}");
    }
    if n >= 10_000 {
        let wan = n / 10_000;
        return if n % 10_000 == 0 {
            format!("{wan}万{s}")
        } else {
            format!("{wan}万余{s}")
        };
    }
    let (step, word) = if n >= 1000 {
        (1000, "余")
    } else {
        (100, "多")
    };
    let floor = n / step * step;
    if floor == n {
        format!("{n}{s}")
    } else {
        format!("{floor}{word}{s}")
    }
}

/// Money (fen) the way reports write it: ¥61,234.50 → `6万余元`, ¥60,000 → `6万元`,
/// ¥59,999.99 → `5万余元`, ¥895 → `800余元`, ¥62 → `62元`.
pub fn approx_money(fen: i64) -> String {
    let yuan = fen / 100;
    let exact = fen % 100 == 0;
    if yuan >= 10_000 {
        let wan = yuan / 10_000;
        return if yuan % 10_000 == 0 && exact {
            format!("{wan}万元")
        } else {
            format!("{wan}万余元")
        };
    }
    if yuan >= 100 {
        let step = if yuan >= 1000 { 1000 } else { 100 };
        let floor = yuan / step * step;
        return if floor == yuan && exact {
            format!("{yuan}元")
        } else {
            format!("{floor}余元")
        };
    }
    if exact {
        format!("{yuan}元")
    } else {
        format!("{yuan}余元")
    }
}

/// A rate (0-1) the way reports write it, floored to the tens: 0.923 → `90%以上`, 0.9 → `90%`,
/// 0.896 → `80%以上` (89.6% is not 90%以上), 0.05 → `5%`.
pub fn approx_rate(rate: f64) -> String {
    if !rate.is_finite() || rate <= 0.0 {
        return "0%".into();
    }
    // Work in tenths of a percent, truncated: never round up.
    let permille = (rate * 1000.0).floor() as i64;
    let percent = permille / 10;
    if percent < 10 {
        return if permille % 10 == 0 {
            format!("{percent}%")
        } else {
            format!("{percent}%以上")
        };
    }
    let tens = percent / 10 * 10;
    if tens == percent && permille % 10 == 0 {
        format!("{tens}%")
    } else {
        format!("{tens}%以上")
    }
}

/// The report's words for an indicator value.
pub fn approx(ind: &Indicator, value: f64) -> String {
    match ind.counts {
        Counts::Money => approx_money(value as i64),
        Counts::Rate => approx_rate(value),
        c => approx_count(value as i64, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_floored_never_rounded_up() {
        assert_eq!(approx_count(1999, Counts::Times), "1000余人次");
        assert_eq!(approx_count(2000, Counts::Times), "2000人次");
        assert_eq!(approx_count(2046, Counts::Times), "2000余人次");
        assert_eq!(approx_count(2099, Counts::Times), "2000余人次");
        assert_eq!(approx_count(653, Counts::Persons), "600多名");
        assert_eq!(approx_count(65, Counts::Persons), "65名");
        assert_eq!(approx_count(23_400, Counts::Hours), "2万余小时");
    }

    #[test]
    fn money_is_written_in_wan_and_never_rounded_up() {
        assert_eq!(approx_money(5_999_999), "5万余元");
        assert_eq!(approx_money(6_000_000), "6万元");
        assert_eq!(approx_money(6_123_450), "6万余元");
        assert_eq!(approx_money(89_500), "800余元");
        assert_eq!(approx_money(90_000), "900元");
        assert_eq!(approx_money(6_200), "62元");
    }

    #[test]
    fn rates_say_yi_shang_only_when_true() {
        assert_eq!(approx_rate(0.9), "90%");
        assert_eq!(approx_rate(0.923), "90%以上");
        assert_eq!(approx_rate(0.8999), "80%以上");
        assert_eq!(approx_rate(0.896), "80%以上");
        assert_eq!(approx_rate(0.05), "5%");
        assert_eq!(approx_rate(1.0), "100%");
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
        ] {
            assert!(find(id).is_some(), "{id}");
        }
        let mut ids: Vec<_> = CATALOGUE.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
    }
}
