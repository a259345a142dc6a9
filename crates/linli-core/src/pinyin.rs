//! Search keys for Chinese names, so a worker can find 夏胜林 by typing `xsl` or `xiasheng`
//! on a phone keyboard without switching input method.
//!
//! Both keys are stored next to the name and compared by prefix, which also works as an
//! indexed `LIKE 'q%'` in the database.

use crate::text::fold_char;
use ::pinyin::ToPinyin;

/// Surnames whose reading differs from the character's most common one. Applied to the
/// first character of a name only: 单 is `dan` in 单元 but `shan` in 单雄信.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('区', "ou"),
    ('查', "zha"),
    ('仇', "qiu"),
    ('朴', "piao"),
    ('翟', "zhai"),
    ('乐', "yue"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('覃', "qin"),
    ('卜', "bu"),
    ('都', "du"),
    ('种', "chong"),
    ('召', "shao"),
    ('秘', "bi"),
    ('繁', "po"),
    ('藏', "zang"),
    ('洗', "xian"),
    ('句', "gou"),
    ('隗', "wei"),
];

/// The toneless reading of one character as lowercase ASCII (`ü` written `v` as on phone
/// keyboards, `ê` as `e`); `None` for characters with no reading.
fn reading(c: char) -> Option<String> {
    let plain = c.to_pinyin()?.plain();
    let ascii: String = plain
        .chars()
        .filter_map(|c| match c {
            'ü' => Some('v'),
            'ê' => Some('e'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    (!ascii.is_empty()).then_some(ascii)
}

/// `(initials, full)` in lowercase ASCII: 夏胜林 → (`xsl`, `xiashenglin`). Heteronyms take the
/// most common reading, except the surname table above for the first character. ASCII
/// letters (also full-width ones) are kept, lowercased, in both keys (`李Lily` →
/// `llily`, `lilily`); digits, punctuation and characters without a reading are dropped.
pub fn search_keys(name: &str) -> (String, String) {
    let mut initials = String::new();
    let mut full = String::new();
    for (i, c) in name.trim().chars().map(fold_char).enumerate() {
        if c.is_ascii_alphabetic() {
            let c = c.to_ascii_lowercase();
            initials.push(c);
            full.push(c);
            continue;
        }
        let surname = (i == 0)
            .then(|| SURNAME_READINGS.iter().find(|(s, _)| *s == c))
            .flatten()
            .map(|(_, r)| (*r).to_string());
        if let Some(r) = surname.or_else(|| reading(c)) {
            initials.extend(r.chars().next());
            full.push_str(&r);
        }
    }
    (initials, full)
}

/// True when `query` contains only ASCII letters, i.e. is a pinyin search rather than a
/// search for characters or digits. Empty is not a pinyin query.
pub fn is_pinyin_query(q: &str) -> bool {
    !q.is_empty() && q.chars().all(|c| c.is_ascii_alphabetic())
}

/// Whether a pinyin `query` finds the name with these keys: a prefix of the initials
/// (`xs`, `xsl`) or of the full reading (`xia`, `xiasheng`). The query is trimmed and
/// lowercased; an empty or non-pinyin query matches nothing, so callers decide themselves
/// what an empty search box shows.
pub fn matches(query: &str, initials: &str, full: &str) -> bool {
    let q = query.trim().to_ascii_lowercase();
    is_pinyin_query(&q) && (initials.starts_with(&q) || full.starts_with(&q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> (String, String) {
        search_keys(name)
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn common_names_get_initials_and_full_readings() {
        assert_eq!(keys("夏胜林"), pair("xsl", "xiashenglin"));
        assert_eq!(keys("杨静"), pair("yj", "yangjing"));
        assert_eq!(keys("米丽芳"), pair("mlf", "milifang"));
        assert_eq!(keys("张君"), pair("zj", "zhangjun"));
    }

    #[test]
    fn surnames_with_a_special_reading_use_it_in_first_place_only() {
        assert_eq!(keys("单雄信"), pair("sxx", "shanxiongxin"));
        assert_eq!(keys("曾国藩"), pair("zgf", "zengguofan"));
        assert_eq!(keys("解缙"), pair("xj", "xiejin"));
        assert_eq!(keys("区志坚"), pair("ozj", "ouzhijian"));
        assert_eq!(keys("查良镛").1, "zhaliangyong");
        assert_eq!(keys("仇英").1, "qiuying");
        assert_eq!(keys("朴树").1, "piaoshu");
        assert_eq!(keys("翟志刚").1, "zhaizhigang");
        assert_eq!(keys("乐嘉").1, "yuejia");
        assert_eq!(keys("盖聂").1, "genie");
        assert_eq!(keys("缪可").1, "miaoke");
        assert_eq!(keys("覃海").1, "qinhai");
        // Elsewhere in the name the common reading stays.
        assert_eq!(keys("王单").1, "wangdan");
        assert_eq!(keys("李曾").1, "liceng");
    }

    #[test]
    fn every_listed_surname_reading_is_plain_lowercase_ascii() {
        for (c, r) in SURNAME_READINGS {
            assert!(r.chars().all(|c| c.is_ascii_lowercase()), "{c}");
            assert_eq!(keys(&c.to_string()).1, *r);
        }
    }

    #[test]
    fn u_umlaut_is_written_v_as_on_phone_keyboards() {
        assert_eq!(keys("吕女"), pair("ln", "lvnv"));
    }

    #[test]
    fn ascii_letters_are_kept_lowercased_and_other_characters_dropped() {
        assert_eq!(keys("李Lily"), pair("llily", "lilily"));
        assert_eq!(keys("张A"), pair("za", "zhanga"));
        assert_eq!(keys("ＡＢ"), pair("ab", "ab"));
        assert_eq!(keys(" 艾力·买买提 "), pair("almmt", "ailimaimaiti"));
        assert_eq!(keys("王2号"), pair("wh", "wanghao"));
        assert_eq!(keys(""), pair("", ""));
    }

    #[test]
    fn a_query_matches_a_prefix_of_the_initials_or_of_the_full_reading() {
        let (i, f) = keys("夏胜林");
        for q in ["x", "xs", "xsl", "xia", "xiasheng", "xiashenglin", "XSL", " xs "] {
            assert!(matches(q, &i, &f), "{q}");
        }
        for q in ["sl", "shenglin", "xslx", "xiashenglinx", "", "夏", "x s"] {
            assert!(!matches(q, &i, &f), "{q}");
        }
    }

    #[test]
    fn only_ascii_letters_make_a_pinyin_query() {
        assert!(is_pinyin_query("xsl"));
        assert!(is_pinyin_query("XiaSheng"));
        assert!(!is_pinyin_query(""));
        assert!(!is_pinyin_query("夏"));
        assert!(!is_pinyin_query("138"));
        assert!(!is_pinyin_query("x s"));
    }
}
