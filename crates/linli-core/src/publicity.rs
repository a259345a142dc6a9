//! Publicity (宣传, issue 17): articles with simple formatting, the community paper's issues,
//! and Chinese full-text search. Segmentation is jieba's; the tokens are computed on write and
//! stored, so the same search runs on SQLite's FTS5 and PostgreSQL's postings lists, and any
//! number of stateless instances agree.

use chrono::NaiveDate;
use std::sync::LazyLock;

/// The dictionary is loaded once per process (about 50 ms).
static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

/// Whether a token carries meaning: letters, digits or CJK ideographs, not punctuation.
fn meaningful(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

fn normalise(token: &str) -> String {
    token.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The tokens a text is indexed under: jieba's search-engine mode, which also emits the
/// words inside a long word (高标准 → 高标, 标准, 高标准), lowercased, punctuation dropped.
pub fn index_tokens(text: &str) -> Vec<String> {
    JIEBA
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| t.word)
        .filter(|t| meaningful(t))
        .map(normalise)
        .filter(|t| !t.is_empty())
        .collect()
}

/// The tokens joined by spaces: what the search index stores.
pub fn index_text(text: &str) -> String {
    index_tokens(text).join(" ")
}

/// At most this many terms of a query are searched for (the rest are ignored).
pub const MAX_QUERY_TERMS: usize = 8;

/// The terms of a query: jieba's precise mode (a query for 文明楼道 looks for 文明 and 楼道,
/// each of which the index holds wherever the words occur, in any order), deduplicated.
pub fn query_terms(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in JIEBA.cut(q, true) {
        let t = t.word;
        if !meaningful(t) {
            continue;
        }
        let t = normalise(t);
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
        if out.len() == MAX_QUERY_TERMS {
            break;
        }
    }
    out
}

/// An FTS5 query: every term, quoted, all required.
pub fn fts5_query(terms: &[String]) -> String {
    terms.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
}

/// A piece of a snippet: text, and whether it is a hit to highlight.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// Up to `width` characters of `text` around the first place a term occurs, cut into pieces
/// with every occurrence of a term marked; the text's beginning when no term occurs.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let needles: Vec<Vec<char>> =
        terms.iter().filter(|t| !t.is_empty()).map(|t| t.chars().collect()).collect();
    let matches_at = |i: usize| -> Option<usize> {
        needles.iter().filter(|n| lower[i..].starts_with(n)).map(Vec::len).max()
    };
    let first = (0..lower.len()).find(|&i| matches_at(i).is_some());
    let start = first.map(|i| i.saturating_sub(width / 4)).unwrap_or(0);
    let end = (start + width).min(chars.len());
    let mut out: Vec<Piece> = Vec::new();
    let push = |out: &mut Vec<Piece>, s: String, hit: bool| match out.last_mut() {
        Some(p) if p.hit == hit => p.text.push_str(&s),
        _ => out.push(Piece { text: s, hit }),
    };
    if start > 0 {
        push(&mut out, "…".into(), false);
    }
    let mut i = start;
    while i < end {
        match matches_at(i) {
            Some(n) => {
                let stop = (i + n).min(end);
                push(&mut out, chars[i..stop].iter().collect(), true);
                i = stop;
            }
            None => {
                push(&mut out, chars[i].to_string(), false);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        push(&mut out, "…".into(), false);
    }
    out
}

/// The snippet as plain text.
pub fn plain(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

/// A block of an article's body. The body is plain text with three marks a community worker
/// can type: a line starting `## ` is a heading, lines starting `- ` are a list, `**…**` is
/// bold; blank lines separate paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Bold(String),
}

fn inlines(line: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        match after.find("**") {
            Some(close) if close > 0 => {
                if open > 0 {
                    out.push(Inline::Text(rest[..open].to_string()));
                }
                out.push(Inline::Bold(after[..close].to_string()));
                rest = &after[close + 2..];
            }
            _ => break,
        }
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest.to_string()));
    }
    out
}

/// The body's blocks (see [`Block`]).
pub fn blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |out: &mut Vec<Block>, para: &mut Vec<&str>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(inlines(&para.join(""))));
            para.clear();
        }
    };
    for raw in body.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut out, &mut para);
        } else if let Some(h) = line.strip_prefix("## ") {
            flush(&mut out, &mut para);
            out.push(Block::Heading(h.trim().to_string()));
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut out, &mut para);
            let item = inlines(item.trim());
            match out.last_mut() {
                Some(Block::List(items)) => items.push(item),
                _ => out.push(Block::List(vec![item])),
            }
        } else {
            // A line of a poem or a paragraph typed with line breaks: kept as typed.
            if !para.is_empty() {
                para.push("\n");
            }
            para.push(line);
        }
    }
    flush(&mut out, &mut para);
    out
}

/// The body as plain text (marks removed): what is indexed and what snippets are cut from.
pub fn plain_body(body: &str) -> String {
    let text = |v: &[Inline]| -> String {
        v.iter()
            .map(|i| match i {
                Inline::Text(s) | Inline::Bold(s) => s.as_str(),
            })
            .collect()
    };
    blocks(body)
        .iter()
        .map(|b| match b {
            Block::Heading(h) => h.clone(),
            Block::Paragraph(v) => text(v),
            Block::List(items) => items.iter().map(|i| text(i)).collect::<Vec<_>>().join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why an article is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("article_title_missing")]
    TitleMissing,
    #[error("article_title_long")]
    TitleLong,
    #[error("article_body_missing")]
    BodyMissing,
    #[error("article_body_long")]
    BodyLong,
    #[error("article_tag_bad")]
    TagBad,
}

impl ArticleError {
    pub fn code(self) -> &'static str {
        match self {
            ArticleError::TitleMissing => "article_title_missing",
            ArticleError::TitleLong => "article_title_long",
            ArticleError::BodyMissing => "article_body_missing",
            ArticleError::BodyLong => "article_body_long",
            ArticleError::TagBad => "article_tag_bad",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            ArticleError::TitleMissing | ArticleError::TitleLong => "title",
            ArticleError::BodyMissing | ArticleError::BodyLong => "body",
            ArticleError::TagBad => "tags",
        }
    }
}

pub const TITLE_MAX: usize = 80;
pub const BODY_MAX: usize = 20_000;
pub const TAGS_MAX: usize = 8;
pub const TAG_MAX: usize = 12;

/// A checked article: trimmed title, body, and its tags (deduplicated, in order).
pub fn check_article(
    title: &str,
    body: &str,
    tags: &[String],
) -> Result<(String, String, Vec<String>), ArticleError> {
    let title = title.trim();
    if title.chars().count() < 2 {
        return Err(ArticleError::TitleMissing);
    }
    if title.chars().count() > TITLE_MAX {
        return Err(ArticleError::TitleLong);
    }
    let body = body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(ArticleError::BodyMissing);
    }
    if body.chars().count() > BODY_MAX {
        return Err(ArticleError::BodyLong);
    }
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().trim_start_matches('#').trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > TAG_MAX || t.contains([',', '，', '、']) {
            return Err(ArticleError::TagBad);
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    if out.len() > TAGS_MAX {
        return Err(ArticleError::TagBad);
    }
    Ok((title.to_string(), body, out))
}

/// Tags typed in one box, separated by commas, 顿号 or spaces.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ' ', '　', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Why a paper issue is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("paper_number_bad")]
    NumberBad,
    #[error("paper_articles_missing")]
    ArticlesMissing,
    #[error("paper_articles_many")]
    ArticlesMany,
    #[error("paper_article_twice")]
    ArticleTwice,
}

impl IssueError {
    pub fn code(self) -> &'static str {
        match self {
            IssueError::NumberBad => "paper_number_bad",
            IssueError::ArticlesMissing => "paper_articles_missing",
            IssueError::ArticlesMany => "paper_articles_many",
            IssueError::ArticleTwice => "paper_article_twice",
        }
    }
}

/// A paper issue holds at most this many articles (an A3 sheet, both sides).
pub const ISSUE_ARTICLES_MAX: usize = 16;

/// Checks an issue's number and its articles (in order, each once).
pub fn check_issue(number: i64, articles: &[i64]) -> Result<(), IssueError> {
    if !(1..=9999).contains(&number) {
        return Err(IssueError::NumberBad);
    }
    if articles.is_empty() {
        return Err(IssueError::ArticlesMissing);
    }
    if articles.len() > ISSUE_ARTICLES_MAX {
        return Err(IssueError::ArticlesMany);
    }
    for (i, a) in articles.iter().enumerate() {
        if articles[..i].contains(a) {
            return Err(IssueError::ArticleTwice);
        }
    }
    Ok(())
}

/// Why a 宣传画廊 board is refused a name, or refused its deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    #[error("board_name_missing")]
    NameMissing,
    #[error("board_name_long")]
    NameLong,
    #[error("board_location_long")]
    LocationLong,
    /// Articles were posted on it: they are its history, which a delete would lose.
    #[error("board_has_articles")]
    HasArticles,
}

impl BoardError {
    pub fn code(self) -> &'static str {
        match self {
            BoardError::NameMissing => "board_name_missing",
            BoardError::NameLong => "board_name_long",
            BoardError::LocationLong => "board_location_long",
            BoardError::HasArticles => "board_has_articles",
        }
    }

    pub fn field(self) -> Option<&'static str> {
        match self {
            BoardError::NameMissing | BoardError::NameLong => Some("name"),
            BoardError::LocationLong => Some("location"),
            BoardError::HasArticles => None,
        }
    }
}

pub const BOARD_NAME_MAX: usize = 40;
pub const BOARD_LOCATION_MAX: usize = 60;

/// A board's name and where it stands, trimmed and checked (a name of 2-40 characters, a
/// place of at most 60; a name typed too long is refused, not cut).
pub fn check_board(name: &str, location: &str) -> Result<(String, String), BoardError> {
    let name = name.trim();
    let location = location.trim();
    if name.chars().count() < 2 {
        return Err(BoardError::NameMissing);
    }
    if name.chars().count() > BOARD_NAME_MAX {
        return Err(BoardError::NameLong);
    }
    if location.chars().count() > BOARD_LOCATION_MAX {
        return Err(BoardError::LocationLong);
    }
    Ok((name.to_string(), location.to_string()))
}

/// Whether a board may be deleted: only one nothing was ever posted on (published or still
/// scheduled). One with articles keeps them as its history; it can be renamed or retired.
pub fn may_delete_board(articles: i64) -> Result<(), BoardError> {
    if articles > 0 {
        return Err(BoardError::HasArticles);
    }
    Ok(())
}

/// Whether an article is out for the public on `today` (its publish date has come).
pub fn is_published(published_on: NaiveDate, today: NaiveDate) -> bool {
    published_on <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_query_for_wenming_loudao_finds_both_words_in_either_order() {
        let q = query_terms("文明楼道");
        assert_eq!(q, s(&["文明", "楼道"]));
        let doc = index_tokens("我们的楼道文明又上了一个台阶");
        assert!(q.iter().all(|t| doc.contains(t)), "{doc:?}");
        // A text with neither word as a word does not hold them.
        let other = index_tokens("文件明细已经送到大楼里");
        assert!(!q.iter().all(|t| other.contains(t)), "{other:?}");
    }

    #[test]
    fn long_words_are_indexed_with_the_words_inside_them() {
        let doc = index_tokens("社区开展高标准文明楼道创建");
        for w in ["高标准", "标准", "文明", "楼道", "创建"] {
            assert!(doc.iter().any(|t| t == w), "{w} in {doc:?}");
        }
        assert!(query_terms("高标准").contains(&"高标准".to_string()));
    }

    #[test]
    fn punctuation_is_not_a_token_and_latin_is_lowercased() {
        let doc = index_tokens("“爱心基金”，WiFi！");
        assert!(doc.iter().all(|t| t.chars().all(char::is_alphanumeric)));
        assert!(doc.contains(&"wifi".to_string()));
        assert!(query_terms("  ，。！ ").is_empty());
    }

    #[test]
    fn queries_are_quoted_for_fts5() {
        let t = s(&["文明", "a\"b", "o'k"]);
        assert_eq!(fts5_query(&t), "\"文明\" \"a\"\"b\" \"o'k\"");
    }

    #[test]
    fn a_query_has_at_most_eight_terms() {
        let q = query_terms("社区 楼道 文明 基金 爱心 志愿 服务 培训 就业 宣传");
        assert_eq!(q.len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn snippets_open_around_the_first_hit_and_mark_every_hit() {
        let text = "今年以来，我们社区坚持以人为本。经过全体居民的努力，楼道文明焕然一新，文明楼道的评比年年进行。";
        let p = snippet(text, &s(&["文明", "楼道"]), 20);
        let hits: Vec<&str> = p.iter().filter(|x| x.hit).map(|x| x.text.as_str()).collect();
        assert_eq!(hits[0], "楼道文明");
        assert!(plain(&p).starts_with('…'));
        assert!(plain(&p).ends_with('…'));
        assert!(plain(&p).chars().count() <= 22);
        // No hit: the beginning.
        let none = snippet(text, &s(&["基金"]), 10);
        assert_eq!(plain(&none), "今年以来，我们社区坚…");
        assert!(none.iter().all(|x| !x.hit));
    }

    #[test]
    fn the_body_marks_become_headings_lists_bold_and_lines() {
        let b = blocks(
            "## 活动回顾\n本月**共有**30人参加。\n\n- 清扫楼道\n- 更换灯泡\n\n床前明月光\n疑是地上霜",
        );
        assert_eq!(b[0], Block::Heading("活动回顾".into()));
        assert_eq!(
            b[1],
            Block::Paragraph(vec![
                Inline::Text("本月".into()),
                Inline::Bold("共有".into()),
                Inline::Text("30人参加。".into())
            ])
        );
        assert_eq!(
            b[2],
            Block::List(vec![
                vec![Inline::Text("清扫楼道".into())],
                vec![Inline::Text("更换灯泡".into())]
            ])
        );
        assert_eq!(b[3], Block::Paragraph(vec![Inline::Text("床前明月光\n疑是地上霜".into())]));
        // An unclosed mark is text.
        assert_eq!(blocks("a**b"), vec![Block::Paragraph(vec![Inline::Text("a**b".into())])]);
        assert_eq!(plain_body("## 题\n**粗**体"), "题\n粗体");
    }

    #[test]
    fn articles_need_a_title_and_a_body_within_limits() {
        assert_eq!(check_article(" 好 ", "x", &[]), Err(ArticleError::TitleMissing));
        assert_eq!(check_article(&"长".repeat(81), "x", &[]), Err(ArticleError::TitleLong));
        assert_eq!(check_article("标题", "  ", &[]), Err(ArticleError::BodyMissing));
        assert_eq!(check_article("标题", &"字".repeat(20_001), &[]), Err(ArticleError::BodyLong));
        let (t, b, tags) =
            check_article(" 标题 ", "正文\r\n第二行", &s(&["#党建", "党建", " 楼道 "])).unwrap();
        assert_eq!((t.as_str(), b.as_str()), ("标题", "正文\n第二行"));
        assert_eq!(tags, s(&["党建", "楼道"]));
        assert_eq!(
            check_article("标题", "x", &s(&["一二三四五六七八九十一二三"])),
            Err(ArticleError::TagBad)
        );
        assert_eq!(split_tags("党建、楼道，诗歌 文学"), s(&["党建", "楼道", "诗歌", "文学"]));
    }

    #[test]
    fn a_paper_issue_has_a_number_and_each_article_once() {
        assert_eq!(check_issue(0, &[1]), Err(IssueError::NumberBad));
        assert_eq!(check_issue(1, &[]), Err(IssueError::ArticlesMissing));
        assert_eq!(check_issue(1, &[1, 2, 1]), Err(IssueError::ArticleTwice));
        assert_eq!(check_issue(1, &(1..=17).collect::<Vec<_>>()), Err(IssueError::ArticlesMany));
        assert_eq!(check_issue(12, &[3, 1, 2]), Ok(()));
    }

    #[test]
    fn a_board_needs_a_name_and_is_deleted_only_when_nothing_was_posted_on_it() {
        assert_eq!(check_board(" 党 ", ""), Err(BoardError::NameMissing));
        assert_eq!(check_board(&"栏".repeat(41), ""), Err(BoardError::NameLong));
        assert_eq!(check_board("党建宣传栏", &"东".repeat(61)), Err(BoardError::LocationLong));
        assert_eq!(
            check_board(" 党建宣传栏 ", " 北门西侧 "),
            Ok(("党建宣传栏".to_string(), "北门西侧".to_string()))
        );
        assert_eq!(may_delete_board(0), Ok(()));
        assert_eq!(may_delete_board(1), Err(BoardError::HasArticles));
        assert_eq!(BoardError::HasArticles.field(), None);
        assert_eq!(BoardError::NameLong.field(), Some("name"));
    }

    #[test]
    fn an_article_is_public_from_its_publish_date() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(is_published(d("2026-12-01"), d("2026-12-01")));
        assert!(!is_published(d("2026-12-02"), d("2026-12-01")));
    }
}
