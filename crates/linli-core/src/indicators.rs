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
    /// The definition as the summary's notes print it (口径).
    pub definition_zh: &'static str,
}

macro_rules! ind {
    ($id:literal, $zh:literal, $en:literal, $unit:literal, $counts:ident, $module:literal, $def:literal, $def_zh:literal) => {
        Indicator {
            id: $id,
            name_zh: $zh,
            name_en: $en,
            unit: $unit,
            counts: Counts::$counts,
            module: $module,
            definition: $def,
            definition_zh: $def_zh,
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
        "distinct residents active at the end of the period",
        "统计期末在册的居民人数（迁出、死亡的不计）"
    ),
    ind!(
        "registry.households",
        "在册住户",
        "Registered households",
        "households",
        Households,
        "registry",
        "households with at least one active resident at the end of the period",
        "统计期末至少有一名在册居民的住户数"
    ),
    ind!(
        "learning.trainee_times",
        "职业技能培训结业",
        "Vocational training completions",
        "times",
        Times,
        "learning",
        "enrolments in vocational courses completed in the period (人次)",
        "统计期内职业技能培训班结业的人次（一人结业两个班计两人次）"
    ),
    ind!(
        "learning.employment_rate",
        "培训后就业率",
        "Employment after training",
        "fraction",
        Rate,
        "learning",
        "of distinct residents who completed vocational training in the period (人数), the share with a placement (through the station or not) starting on or after that course's start; those without one count in the denominator only, and the details say how many have no follow-up at all (unknown)",
        "统计期内职业技能培训结业的居民中，开课之后找到工作（经服务站推荐或自主就业）的人数所占比例；没有就业记录的计入分母"
    ),
    ind!(
        "employment.reemployed",
        "服务站帮助再就业",
        "Re-employed through the station",
        "persons",
        Persons,
        "employment",
        "distinct residents with a placement through the station in the period",
        "统计期内经社区满意中介服务站推荐上岗的居民人数（一人多次上岗计一人）"
    ),
    ind!(
        "fund.raised_total",
        "爱心基金筹集",
        "Love fund raised",
        "fen",
        Money,
        "fund",
        "money donations received in the period, reversed gifts excluded (goods apart)",
        "统计期内爱心基金收到的现金捐款合计（已退回的不计，物资另计）"
    ),
    ind!(
        "fund.beneficiaries",
        "爱心基金资助",
        "Residents helped by the fund",
        "persons",
        Persons,
        "fund",
        "distinct residents who received a paid disbursement in the period",
        "统计期内领到爱心基金资助（已发放）的居民人数"
    ),
    ind!(
        "fund.balance",
        "爱心基金结余",
        "Love fund balance",
        "fen",
        Money,
        "fund",
        "cash and bank at the end of the period",
        "统计期末爱心基金现金和银行存款余额"
    ),
    ind!(
        "assistance.households_helped",
        "帮扶困难家庭",
        "Households helped",
        "households",
        Households,
        "assistance",
        "distinct households with at least one help record in the period",
        "统计期内有帮扶记录的困难家庭户数"
    ),
    ind!(
        "corridors.high_standard",
        "高标准文明楼道",
        "High-standard corridors",
        "items",
        Items,
        "corridors",
        "corridors holding high-standard status at the end of the period",
        "统计期末保持高标准称号的文明楼道个数"
    ),
    ind!(
        "corridors.inspected",
        "检查文明楼道",
        "Corridors inspected",
        "items",
        Items,
        "corridors",
        "corridors inspected at least once in the period",
        "统计期内至少检查过一次的文明楼道个数"
    ),
    ind!(
        "corridors.average_stars",
        "文明楼道平均星级",
        "Corridors' average stars",
        "stars",
        Average,
        "corridors",
        "mean star level of the inspected corridors at the end of the period (each corridor's last inspection)",
        "统计期末各楼道最近一次检查星级的平均数"
    ),
    ind!(
        "publicity.articles",
        "发布宣传文章",
        "Articles published",
        "items",
        Items,
        "publicity",
        "articles published in the period",
        "统计期内发布的宣传文章篇数"
    ),
    ind!(
        "publicity.paper_issues",
        "编印社区报",
        "Paper issues",
        "items",
        Items,
        "publicity",
        "issues of the community paper published in the period",
        "统计期内出版的社区报期数"
    ),
    ind!(
        "partners.signed",
        "共建协议有效的共建单位",
        "Partner units with agreements",
        "items",
        Items,
        "partners",
        "partner units with an agreement in force during the period",
        "统计期内共建协议在有效期内的共建单位家数"
    ),
    ind!(
        "partners.lectures",
        "健康知识讲座",
        "Health lectures by partners",
        "times",
        Times,
        "partners",
        "health lectures delivered by partners in the period",
        "统计期内共建单位开展健康知识讲座的次数"
    ),
    ind!(
        "affairs.resolved",
        "办结民生诉求",
        "Issues resolved",
        "items",
        Items,
        "affairs",
        "issues resolved in the period",
        "统计期内办结的民生诉求件数"
    ),
    ind!(
        "affairs.satisfaction",
        "诉求办理满意率",
        "Satisfaction with resolved issues",
        "fraction",
        Rate,
        "affairs",
        "of resolved issues rated, the share satisfied or basically satisfied",
        "统计期内办结并已回访评价的诉求中，评价为满意或基本满意的比例"
    ),
    ind!(
        "groups.volunteer_hours",
        "志愿服务时长",
        "Volunteer service hours",
        "hours",
        Hours,
        "groups",
        "volunteer service hours credited in the period",
        "统计期内记入志愿者名下的服务时长"
    ),
    ind!(
        "groups.volunteers",
        "参与志愿服务人数",
        "Volunteers who served",
        "persons",
        Persons,
        "groups",
        "distinct volunteers credited with service in the period",
        "统计期内有服务记录的志愿者人数"
    ),
    ind!(
        "groups.service_times",
        "志愿服务人次",
        "Volunteer services",
        "times",
        Times,
        "groups",
        "volunteer services credited in the period (one volunteer at one activity)",
        "统计期内志愿服务人次（一名志愿者参加一次活动计一人次）"
    ),
    ind!(
        "partners.party_members_reporting",
        "在职党员双报到人数",
        "In-service party members reporting",
        "persons",
        Persons,
        "partners",
        "in-service party members reporting to the community (双报到) at the period's end",
        "统计期末到社区报到的在职党员人数（双报到）"
    ),
    ind!(
        "learning.party_study_courses",
        "社区党校课程",
        "Party-school courses",
        "items",
        Items,
        "learning",
        "courses of the party-study category held in the period (starting by its end and ending after its start)",
        "统计期内开设的社区党校课程期数"
    ),
    ind!(
        "learning.culture_courses",
        "社区课堂课程",
        "Community classroom courses",
        "items",
        Items,
        "learning",
        "courses of the culture category held in the period",
        "统计期内开设的社区课堂（文化类）课程期数"
    ),
    ind!(
        "learning.elderly_university_courses",
        "老年大学课程",
        "Elderly-university courses",
        "items",
        Items,
        "learning",
        "courses of the elderly-university category held in the period",
        "统计期内开设的老年大学课程期数"
    ),
    ind!(
        "learning.livelihood_courses",
        "民生课堂课程",
        "Livelihood classroom courses",
        "items",
        Items,
        "learning",
        "courses of the livelihood category held in the period",
        "统计期内开设的民生课堂课程期数"
    ),
    ind!(
        "learning.vocational_courses",
        "职业技能培训班",
        "Vocational training courses",
        "items",
        Items,
        "learning",
        "vocational courses held in the period",
        "统计期内开设的职业技能培训班期数"
    ),
    ind!(
        "learning.trainees_unemployed",
        "结业学员中的失业人员",
        "Unemployed among trainees",
        "persons",
        Persons,
        "learning",
        "of the distinct residents who completed vocational training in the period, those tagged 失业/下岗 at some time in the period",
        "统计期内职业技能培训结业的居民中，统计期内登记为“失业/下岗”的人数"
    ),
    ind!(
        "employment.reemployed_hardship",
        "再就业者中的困难群众",
        "Hardship residents among the re-employed",
        "persons",
        Persons,
        "employment",
        "of employment.reemployed, those with a hardship record: a hardship case (their own or their household's) opened by the end of the period, or the tag 低保, 困难家庭 or 残疾 in force during it",
        "经服务站推荐上岗的居民中，本人或其家庭在统计期末前有困难帮扶档案，或统计期内登记为低保、困难家庭、残疾的人数"
    ),
    ind!(
        "assistance.help_times",
        "帮扶次数",
        "Help given",
        "times",
        Times,
        "assistance",
        "help records (cash, goods, services, visits) given in the period",
        "统计期内登记的帮扶记录条数（钱、物、服务、走访）"
    ),
    ind!(
        "partners.signed_in_year",
        "本期签订共建协议单位",
        "Partner units signing in the period",
        "items",
        Items,
        "partners",
        "partner units whose agreement was signed in the period (partners.signed counts those in force)",
        "统计期内签订共建协议的共建单位家数（有效期内的另计）"
    ),
    ind!(
        "affairs.on_time_rate",
        "诉求按期办结率",
        "Issues resolved on time",
        "fraction",
        Rate,
        "affairs",
        "of issues resolved in the period, the share resolved by their deadline",
        "统计期内办结的诉求中，在办结时限内办结的比例"
    ),
    ind!(
        "fund.disclosures",
        "爱心基金收支公示",
        "Love fund disclosures posted",
        "times",
        Times,
        "fund",
        "monthly disclosures of the fund's income and spending posted in the community in the period (each month's posting recorded when it is put up)",
        "统计期内在社区张贴公示爱心基金月度收支的次数（以张贴时登记的记录为准）"
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
    if tenth == 0 { whole.to_string() } else { format!("{whole}.{tenth}") }
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
    let shown = if floor >= 10_000 { format!("{}万", wan(floor)) } else { floor.to_string() };
    if floor == n { format!("{shown}{s}") } else { format!("{shown}{word}{s}") }
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
    let shown = if floor >= 10_000 { format!("{}万", wan(floor)) } else { floor.to_string() };
    if exact { format!("{shown}元") } else { format!("{shown}余元") }
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
    if units % 1000 == 0 { format!("{percent}%") } else { format!("{percent}%以上") }
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

/// The exact figure as a Chinese document prints it: money in 元 (`61,234.50元`), not `¥`.
pub fn exact_zh(ind: &Indicator, value: f64) -> String {
    match ind.counts {
        Counts::Money => {
            let with_sign = exact(ind, value);
            format!("{}元", with_sign.replacen('¥', "", 1))
        }
        _ => exact(ind, value),
    }
}

/// Where an indicator's records are kept, as the summary's notes name it (数据来源).
pub fn source_zh(ind: &Indicator) -> &'static str {
    match ind.module {
        "registry" => "居民信息库",
        "learning" => "学习培训台账（课程、报名和结业记录）",
        "employment" => "就业服务站台账（推荐上岗和回访记录）",
        "fund" => "爱心基金账目",
        "assistance" => "困难家庭帮扶档案",
        "corridors" => "文明楼道检查记录",
        "publicity" => "宣传文章和社区报",
        "partners" => "共建单位台账",
        "affairs" => "民生诉求登记簿",
        "groups" => "志愿服务记录",
        _ => "社区工作台账",
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
        "partners.signed" | "partners.signed_in_year" => "家",
        "assistance.help_times" | "fund.disclosures" => "次",
        "learning.party_study_courses"
        | "learning.culture_courses"
        | "learning.elderly_university_courses"
        | "learning.livelihood_courses"
        | "learning.vocational_courses" => "期",
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
        assert_eq!(approx(find("publicity.paper_issues").unwrap(), 12.0), "12期");
    }

    #[test]
    fn the_notes_print_money_in_yuan_and_every_indicator_has_a_chinese_definition() {
        let money = find("fund.raised_total").unwrap();
        assert_eq!(exact_zh(money, 6_123_450.0), "61,234.50元");
        assert_eq!(exact_zh(money, -5.0), "-0.05元");
        assert_eq!(exact_zh(find("affairs.on_time_rate").unwrap(), 0.75), "75%");
        for ind in CATALOGUE {
            assert!(
                ind.definition_zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}",
                ind.id
            );
            assert_ne!(source_zh(ind), "社区工作台账", "{}", ind.id);
        }
        assert_eq!(approx(find("partners.signed_in_year").unwrap(), 3.0), "3家");
        assert_eq!(approx(find("learning.party_study_courses").unwrap(), 4.0), "4期");
        assert_eq!(approx(find("assistance.help_times").unwrap(), 130.0), "130次");
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
            "partners.signed_in_year",
        ] {
            assert!(find(id).is_some(), "{id}");
        }
        let mut ids: Vec<_> = CATALOGUE.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
    }
}
