//! The annual summary (总结): a document of sections, paragraphs, figures and stories, built from
//! a template the community edits and from the indicator catalogue, never from memory.
//!
//! The template is plain text a community worker can edit in a text box:
//!
//! - the first non-empty line is the title;
//! - a line starting `一、` … `十、` is a first-level heading (黑体), `（一）` a second-level one
//!   (楷体), `1.` a third-level one (仿宋 bold);
//! - a line `{典型事例}` is where the stories a worker picked go;
//! - a line `落款：…` names who issues it (the date is the day it is generated);
//! - every other line is a paragraph; `{fund.raised_total}` inserts an indicator's figure in the
//!   words reports use (`6万余元`), `{社区}` the community's name, `{年度}` the year.
//!
//! A sentence whose figure is unavailable (its module is not built) or zero (no records) is left
//! out, and the document says which and why: a summary never prints 0 as if it were true.

use crate::indicators::{self, Indicator};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// The figures the summary may quote: indicator id → exact value (money in fen, rates 0-1).
/// An indicator missing from the map is unavailable.
pub type Figures = BTreeMap<String, f64>;

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    /// A figure in report words, with the number of its note (1-based) holding the exact value.
    Figure {
        words: String,
        note: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading1(String),
    Heading2(String),
    Heading3(String),
    Para(Vec<Inline>),
}

/// Where a figure in the text comes from: the note under the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub number: usize,
    pub id: String,
    pub name_zh: String,
    pub words: String,
    pub exact: String,
    /// The exact figure as the Chinese document prints it (money in 元, not `¥`).
    pub exact_zh: String,
    /// 口径: what is counted, in Chinese.
    pub definition_zh: String,
    /// 数据来源: the ledger the figure is counted from.
    pub source_zh: String,
    /// The page listing the records behind it.
    pub records: String,
}

impl Note {
    /// The note as the appendix prints it, in Chinese and without code ids:
    /// `爱心基金筹集：61,234.50元（文中写作“6.1万余元”）。口径：…。数据来源：爱心基金账目。`
    pub fn line(&self) -> String {
        format!(
            "{}：{}（文中写作“{}”）。口径：{}。数据来源：{}。",
            self.name_zh,
            self.exact_zh,
            self.words,
            self.definition_zh.trim_end_matches('。'),
            self.source_zh
        )
    }
}

/// A sentence of the template that the document leaves out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Omission {
    pub sentence: String,
    /// `unavailable` (the module is not built), `zero` (no records this year) or `unknown`
    /// (the placeholder names no indicator).
    pub reason: &'static str,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    pub issuer: String,
    /// `2026年11月27日` (Arabic figures, GB/T 9704).
    pub date: String,
    /// The period the figures cover, `2026-01-01` … `2026-12-31`.
    pub from: String,
    pub to: String,
    pub notes: Vec<Note>,
    pub omitted: Vec<Omission>,
}

/// A typical case (典型事例) as a worker picked it: the name already as it may be printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub text: String,
    /// The template line it goes to ([`STORIES_LINE`], [`JOB_STORIES_LINE`],
    /// [`VOLUNTEER_STORIES_LINE`], [`PARTNER_STORIES_LINE`]); a line the template lacks sends
    /// it to [`STORIES_LINE`].
    pub at: &'static str,
}

/// One help given, as the story tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryHelp {
    pub given_on: NaiveDate,
    /// `cash`, `goods`, `service`, `visit`.
    pub kind: String,
    pub amount_fen: Option<i64>,
    pub items: Vec<String>,
    pub source: String,
}

/// What the summary needs to know besides the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Context<'a> {
    pub community: &'a str,
    pub year: i32,
    pub from: &'a str,
    pub to: &'a str,
    /// `YYYY-MM-DD`, the day it is written.
    pub today: &'a str,
    /// Link to the records behind an indicator, by id.
    pub records: &'a BTreeMap<String, String>,
}

pub const STORIES_LINE: &str = "{典型事例}";
/// Where placement stories go; without this line they join the others at [`STORIES_LINE`].
pub const JOB_STORIES_LINE: &str = "{就业事例}";
/// Where volunteers' stories go (else with the others).
pub const VOLUNTEER_STORIES_LINE: &str = "{志愿事例}";
/// Where partner projects' stories go (else with the others).
pub const PARTNER_STORIES_LINE: &str = "{共建事例}";
const STORY_LINES: [&str; 4] =
    [STORIES_LINE, JOB_STORIES_LINE, VOLUNTEER_STORIES_LINE, PARTNER_STORIES_LINE];

/// The default template: the seed's three sections and its tone, with every claim backed by the
/// figure it states. A clause whose figure is zero or unavailable is left out (and listed as
/// left out); a qualifier ("其中…为困难群众") is a figure of its own, so it is printed only when the
/// records show it. `{期间}` is 全年 once the year is over and 截至M月D日 before; `{期末}` is 年末
/// or 截至M月D日.
pub const DEFAULT_TEMPLATE: &str = "{社区}{年度}年度工作总结

一、创新学习载体，打造品牌社区

（一）学习阵地
{年度}年，社区党校开课{learning.party_study_courses}，社区课堂开课{learning.culture_courses}，老年大学开课{learning.elderly_university_courses}，民生课堂开课{learning.livelihood_courses}，让居民不出社区就能学习科学理论知识和专业技能。
社区以“文明楼道”建设为载体，现有高标准文明楼道{corridors.high_standard}，为居民提供了学文化、长知识、增感情的宣传阵地。
{年度}年，社区检查文明楼道{corridors.inspected}，楼道平均星级{corridors.average_stars}；宣传画廊和社区报刊发宣传文章{publicity.articles}，编印社区报{publicity.paper_issues}。

（二）技能培训促就业
{年度}年，社区举办职业技能培训班{learning.vocational_courses}，培训结业{learning.trainee_times}，结业学员中{learning.trainees_unemployed}为失业人员；{learning.employment_rate}的受培训者走上了就业岗位。

二、创新帮扶机制，共建和谐社区

俗话说“远亲不如近邻”。针对楼层高了、邻里生疏的状况，社区党委提出了“同走一个门、亲如一家人”的口号，通过“睦邻卡”“爱心基金”“社区满意中介服务站”等举措帮扶困难居民。

（一）结对帮扶困难家庭
{年度}年，社区为{assistance.households_helped}困难家庭提供帮扶{assistance.help_times}。
{典型事例}

（二）爱心基金
为了及时有效地帮助更多困难群众，社区倡导成立了“爱心基金”。{年度}年，爱心基金筹集捐款{fund.raised_total}，资助{fund.beneficiaries}困难居民。{期末}基金结余{fund.balance}，收支情况在社区公示{fund.disclosures}。

（三）社区满意中介服务站
授之以鱼，更要授之以渔。{年度}年，社区满意中介服务站推荐{employment.reemployed}居民走上就业岗位，其中{employment.reemployed_hardship}为困难群众。
{就业事例}

三、推进部门联动，共谱和谐乐章

面对社区建设缺资金、缺人手、缺资源的难题，社区党委以区域党组织共建为平台，与{partners.signed}共建单位保持共建关系。

（一）共建单位
{年度}年，社区与{partners.signed_in_year}共建单位签订共建协议，共建单位为居民开展健康知识普及讲座{partners.lectures}。
{共建事例}

（二）志愿服务
{年度}年，{groups.volunteers}志愿者参加志愿服务{groups.service_times}，累计服务{groups.volunteer_hours}；{partners.party_members_reporting}在职党员到社区报到，为居民办实事。
{志愿事例}

（三）民生诉求
社区{期间}办结居民反映的民生诉求{affairs.resolved}，按期办结率{affairs.on_time_rate}，回访满意率{affairs.satisfaction}。

在开展工作中，社区在学习、帮扶、共建中的种种创新之举，为构建和谐社区谱写了新的乐章。

落款：{社区}党委
";

/// Whether the period stops before the year's end (a summary written before 12-31).
pub fn cut_short(ctx: &Context) -> bool {
    ctx.to < format!("{:04}-12-31", ctx.year).as_str()
}

/// `whole` (全年, 年末) when the period is the whole year, `截至12月4日` when it stops short.
fn period_words(ctx: &Context, whole: &str) -> String {
    if cut_short(ctx) {
        let day = chinese_date(ctx.to);
        let month_day = day.split_once('年').map_or(day.as_str(), |(_, md)| md);
        format!("截至{month_day}")
    } else {
        whole.to_string()
    }
}

/// `2026-11-27` → `2026年11月27日`.
pub fn chinese_date(day: &str) -> String {
    let mut parts = day.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => {
            format!("{y}年{}月{}日", m.trim_start_matches('0'), d.trim_start_matches('0'))
        }
        _ => day.to_string(),
    }
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// `一、` headings.
fn heading1(line: &str) -> bool {
    let n = line.chars().take_while(|c| is_cn_numeral(*c)).count();
    n > 0 && line.chars().nth(n) == Some('、')
}

/// `（一）` or `(一)` headings.
fn heading2(line: &str) -> bool {
    let mut cs = line.chars();
    if !matches!(cs.next(), Some('（' | '(')) {
        return false;
    }
    let rest: String = cs.collect();
    let n = rest.chars().take_while(|c| is_cn_numeral(*c)).count();
    n > 0 && matches!(rest.chars().nth(n), Some('）' | ')'))
}

/// `1.` / `1．` headings (short lines only: a paragraph may start with a figure).
fn heading3(line: &str) -> bool {
    let n = line.chars().take_while(char::is_ascii_digit).count();
    n > 0 && matches!(line.chars().nth(n), Some('.' | '．')) && line.chars().count() <= 30
}

/// The placeholders `{…}` of a template line, in order.
pub fn placeholders(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push(after[..close].trim().to_string());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

fn is_plain(name: &str) -> bool {
    matches!(
        name,
        "社区" | "年度" | "期间" | "期末" | "典型事例" | "就业事例" | "志愿事例" | "共建事例"
    )
}

/// Placeholders of a template that name no indicator (typos), to refuse on save.
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    let mut out: Vec<String> = template
        .lines()
        .flat_map(placeholders)
        .filter(|p| !is_plain(p) && indicators::find(p).is_none())
        .collect();
    out.dedup();
    out
}

/// Splits a paragraph after each 。！？ (keeping the mark and a closing quote after it).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        cur.push(c);
        if matches!(c, '。' | '！' | '？') {
            while let Some(&q) = chars.peek() {
                if matches!(q, '”' | '’' | '」') {
                    cur.push(q);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// What ends a clause or a sentence, with the closing quotes that may follow.
const CLAUSE_ENDS: &[char] = &['，', '；', '。', '！', '？', '”', '’', '」'];

/// Splits a sentence after each ，or ； outside quotation marks, keeping the marks.
fn clauses(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in sentence.chars() {
        cur.push(c);
        match c {
            '“' | '「' => depth += 1,
            '”' | '」' => depth -= 1,
            '，' | '；' if depth <= 0 => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

struct Builder<'a> {
    ctx: &'a Context<'a>,
    figures: &'a Figures,
    notes: Vec<Note>,
    omitted: Vec<Omission>,
}

impl Builder<'_> {
    fn plain(&self, s: &str) -> String {
        s.replace("{社区}", self.ctx.community)
            .replace("{年度}", &self.ctx.year.to_string())
            .replace("{期间}", &period_words(self.ctx, "全年"))
            .replace("{期末}", &period_words(self.ctx, "年末"))
    }

    fn note_for(&mut self, ind: &'static Indicator, value: f64) -> (String, usize) {
        let words = indicators::approx(ind, value);
        if let Some(n) = self.notes.iter().find(|n| n.id == ind.id) {
            return (n.words.clone(), n.number);
        }
        let number = self.notes.len() + 1;
        self.notes.push(Note {
            number,
            id: ind.id.to_string(),
            name_zh: ind.name_zh.to_string(),
            words: words.clone(),
            exact: indicators::exact(ind, value),
            exact_zh: indicators::exact_zh(ind, value),
            definition_zh: ind.definition_zh.to_string(),
            source_zh: indicators::source_zh(ind).to_string(),
            records: self.ctx.records.get(ind.id).cloned().unwrap_or_default(),
        });
        (words, number)
    }

    /// Why a placeholder cannot be filled, or its indicator and value.
    fn lookup(&self, p: &str) -> Result<(&'static Indicator, f64), &'static str> {
        match (indicators::find(p), self.figures.get(p)) {
            (None, _) => Err("unknown"),
            (Some(_), None) => Err("unavailable"),
            (Some(_), Some(v)) if *v == 0.0 => Err("zero"),
            (Some(ind), Some(v)) => Ok((ind, *v)),
        }
    }

    /// One sentence with its figures. A clause (between ，；) whose figure is missing is left
    /// out and recorded; when every clause that had a figure is gone, so is the sentence
    /// (`None`): "2026年，" alone says nothing.
    fn sentence(&mut self, s: &str) -> Option<Vec<Inline>> {
        let text = self.plain(s);
        let parts = clauses(&text);
        let mut kept: Vec<&str> = Vec::with_capacity(parts.len());
        let mut dropped = false;
        for clause in &parts {
            let missing: Vec<(String, &'static str)> = placeholders(clause)
                .into_iter()
                .filter_map(|p| self.lookup(&p).err().map(|r| (p, r)))
                .collect();
            if missing.is_empty() {
                kept.push(clause);
            } else {
                dropped = true;
                let shown = clause.trim_end_matches(CLAUSE_ENDS).trim().to_string();
                for (id, reason) in missing {
                    self.omitted.push(Omission { sentence: shown.clone(), reason, id });
                }
            }
        }
        let text = if dropped {
            let had_figures = !placeholders(&text).is_empty();
            if had_figures && !kept.iter().any(|c| !placeholders(c).is_empty()) {
                return None;
            }
            // The sentence keeps its own end (。” …) after the last clause left.
            let end: String = parts
                .last()
                .map(|l| {
                    let body = l.trim_end_matches(CLAUSE_ENDS);
                    l[body.len()..].trim_start_matches(['，', '；']).to_string()
                })
                .unwrap_or_default();
            let mut joined: String = kept.concat();
            let body_len = joined.trim_end_matches(CLAUSE_ENDS).len();
            joined.truncate(body_len);
            joined.push_str(&end);
            joined
        } else {
            text
        };
        let mut out = Vec::new();
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let id = rest[open + 1..open + close].trim().to_string();
            let Ok((ind, value)) = self.lookup(&id) else {
                break;
            };
            if open > 0 {
                out.push(Inline::Text(rest[..open].to_string()));
            }
            let (words, note) = self.note_for(ind, value);
            out.push(Inline::Figure { words, note });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            out.push(Inline::Text(rest.to_string()));
        }
        Some(out)
    }

    fn paragraph(&mut self, line: &str) -> Option<Block> {
        let mut inl: Vec<Inline> = Vec::new();
        for s in sentences(line) {
            if let Some(parts) = self.sentence(&s) {
                inl.extend(parts);
            }
        }
        // Merge neighbouring text so renderers see whole runs.
        let mut merged: Vec<Inline> = Vec::with_capacity(inl.len());
        for i in inl {
            match (merged.last_mut(), i) {
                (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
                (_, i) => merged.push(i),
            }
        }
        let has_words = merged.iter().any(|i| match i {
            Inline::Text(t) => !t.trim().is_empty(),
            Inline::Figure { .. } => true,
        });
        has_words.then_some(Block::Para(merged))
    }
}

/// Builds the document from a template, the figures and the picked stories.
pub fn build(template: &str, ctx: &Context, figures: &Figures, stories: &[Story]) -> Document {
    let mut b = Builder { ctx, figures, notes: Vec::new(), omitted: Vec::new() };
    let mut title = None;
    let mut issuer = format!("{}党委", ctx.community);
    let mut blocks = Vec::new();
    // A subheading whose first paragraph was left out entirely goes too (its subject has no
    // figures yet), unless stories follow it.
    let mut heading: Option<usize> = None;
    let mut current: Option<usize> = None;
    let mut drop_heading: Vec<usize> = Vec::new();
    for raw in template.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if title.is_none() {
            title = Some(b.plain(line));
            continue;
        }
        if let Some(who) = line.strip_prefix("落款：").or_else(|| line.strip_prefix("落款:")) {
            issuer = b.plain(who.trim());
        } else if STORY_LINES.contains(&line) {
            let in_template = |at: &str| template.lines().any(|l| l.trim() == at);
            let here: Vec<&Story> = stories
                .iter()
                .filter(|s| s.at == line || (line == STORIES_LINE && !in_template(s.at)))
                .collect();
            if !here.is_empty() {
                drop_heading.retain(|h| Some(*h) != current);
            }
            blocks.extend(here.iter().map(|s| Block::Para(vec![Inline::Text(s.text.clone())])));
            heading = None;
        } else if heading1(line) {
            blocks.push(Block::Heading1(b.plain(line)));
            heading = None;
            current = None;
        } else if heading2(line) || heading3(line) {
            let text = b.plain(line);
            heading = Some(blocks.len());
            current = heading;
            blocks.push(if heading2(line) { Block::Heading2(text) } else { Block::Heading3(text) });
        } else {
            let p = b.paragraph(line);
            if let (Some(h), None) = (heading, &p) {
                drop_heading.push(h);
            }
            heading = None;
            blocks.extend(p);
        }
    }
    let blocks: Vec<Block> = blocks
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop_heading.contains(i))
        .map(|(_, b)| b)
        .collect();
    // A second-level heading left with nothing under it goes too (its figures were all missing).
    let mut kept: Vec<Block> = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let next = blocks.get(i + 1);
        let empty_below = |level: u8| match next {
            None => true,
            Some(Block::Heading1(_)) => true,
            Some(Block::Heading2(_)) => level >= 2,
            Some(Block::Heading3(_)) => level >= 3,
            Some(Block::Para(_)) => false,
        };
        let drop = match block {
            Block::Heading2(_) => empty_below(2),
            Block::Heading3(_) => empty_below(3),
            _ => false,
        };
        if !drop {
            kept.push(block.clone());
        }
    }
    Document {
        title: title.unwrap_or_else(|| format!("{}{}年度工作总结", ctx.community, ctx.year)),
        blocks: kept,
        issuer,
        date: chinese_date(ctx.today),
        from: ctx.from.to_string(),
        to: ctx.to.to_string(),
        notes: b.notes,
        omitted: b.omitted,
    }
}

/// The plain text of a paragraph (figures in their words, no note marks).
pub fn plain_text(inl: &[Inline]) -> String {
    inl.iter()
        .map(|i| match i {
            Inline::Text(t) => t.as_str(),
            Inline::Figure { words, .. } => words.as_str(),
        })
        .collect()
}

/// The story of a case, told from the records only: who (as it may be printed), that the
/// household is helped, and the help given, e.g.
/// `居民夏**家是社区结对帮扶的困难家庭。2026年1月，社区送去米、面、油等生活物资；2026年2月，爱心基金资助800元。`
/// The case narrative and the notes of the help are never printed: they speak of other members
/// of the household (a wife's illness) who gave no consent to be written about.
pub fn story_text(name: &str, helps: &[StoryHelp]) -> String {
    let mut text = format!("居民{name}家是社区结对帮扶的困难家庭");
    text.push('。');
    // (year, months, what): the same help in several months reads once, "2026年1月、11月，…".
    let mut parts: Vec<(String, Vec<String>, String)> = Vec::new();
    for h in helps {
        let (y, m) = (h.given_on.year().to_string(), h.given_on.month().to_string());
        // A source that names who gave (爱心基金, 民政局) leads the clause; a long one
        // (the name of a holiday visit plan) does not read as a giver.
        let source = h.source.trim();
        let who = if source.is_empty()
            || source.chars().count() > 8
            || source.contains("走访")
            || source.contains("慰问")
        {
            "社区".to_string()
        } else {
            source.to_string()
        };
        let what = match h.kind.as_str() {
            "cash" => match h.amount_fen {
                Some(f) if f % 100 == 0 => format!("资助{}元", f / 100),
                Some(f) => format!("资助{}.{:02}元", f / 100, f % 100),
                None => "送去救助金".to_string(),
            },
            "goods" if !h.items.is_empty() => format!("送去{}等生活物资", h.items.join("、")),
            "goods" => "送去生活物资".to_string(),
            "visit" => "工作人员上门走访慰问".to_string(),
            _ => "提供帮扶服务".to_string(),
        };
        let what = format!("{who}{what}");
        match parts.last_mut() {
            Some((py, months, pw)) if *py == y && *pw == what => {
                if !months.contains(&m) {
                    months.push(m);
                }
            }
            _ => parts.push((y, vec![m], what)),
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|(y, months, what)| {
            if y.is_empty() { what } else { format!("{y}年{}月，{what}", months.join("月、")) }
        })
        .collect();
    if !parts.is_empty() {
        text.push_str(&parts.join("；"));
        text.push('。');
    }
    text
}

/// `2026-03-15` → `2026年3月`.
fn year_month(day: NaiveDate) -> String {
    format!("{}年{}月", day.year(), day.month())
}

/// The story of a placement, e.g. `居民张**经社区满意中介服务站推荐，2026年3月起在绿苑物业从事保洁员
/// 工作，2026年9月回访时仍在岗。` A follow-up is told only when it says something true and
/// simple (still at work, or left); an unknown outcome is not turned into success.
pub fn placement_story_text(
    name: &str,
    employer: &str,
    job: &str,
    starts_on: NaiveDate,
    via_station: bool,
    followup: Option<(NaiveDate, &str)>,
) -> String {
    let how = if via_station {
        "经社区满意中介服务站推荐，"
    } else {
        "在社区帮助下，"
    };
    let mut text = format!(
        "居民{name}{how}{}起在{}从事{}工作",
        year_month(starts_on),
        employer.trim(),
        job.trim()
    );
    match followup {
        Some((on, "employed")) => text.push_str(&format!("，{}回访时仍在岗", year_month(on))),
        Some((on, "left")) => text.push_str(&format!("，{}回访时已离职", year_month(on))),
        _ => {}
    }
    text.push('。');
    text
}

/// Hours in tenths as a report writes them: `35` → `3.5`, `70` → `7`.
fn hours_words(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The story of a volunteer, from the service records only, e.g.
/// `志愿者王**自2019年起参加社区志愿服务，2026年参加志愿服务24次，累计服务86.5小时。`
pub fn volunteer_story_text(
    name: &str,
    since_year: i32,
    year: i32,
    services: i64,
    hours_tenths: i64,
) -> String {
    let since = if since_year < year {
        format!("自{since_year}年起参加社区志愿服务，")
    } else {
        String::new()
    };
    format!(
        "志愿者{name}{since}{year}年参加志愿服务{services}次，累计服务{}小时。",
        hours_words(hours_tenths)
    )
}

/// The story of a partner unit's project, e.g.
/// `2026年5月，市第一人民医院在社区活动室开展免费体检，居民参加320人次，服务时长48小时。`
/// The activity's free-text note is not printed (it may name residents).
pub fn partner_project_story_text(
    partner: &str,
    held_on: NaiveDate,
    what: &str,
    place: &str,
    participants: Option<i64>,
    hours_tenths: Option<i64>,
) -> String {
    let place = place.trim();
    let at = if place.is_empty() { "在社区".to_string() } else { format!("在{place}") };
    let mut text = format!("{}，{}{at}开展{what}", year_month(held_on), partner.trim());
    if let Some(n) = participants.filter(|n| *n > 0) {
        text.push_str(&format!("，居民参加{n}人次"));
    }
    if let Some(h) = hours_tenths.filter(|h| *h > 0) {
        text.push_str(&format!("，服务时长{}小时", hours_words(h)));
    }
    text.push('。');
    text
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The document as an HTML fragment (an `<article>`): headings, paragraphs with each figure
/// marked and linked to its note, the issuer and date, and the notes with links to the records.
pub fn to_html(doc: &Document) -> String {
    let mut h = String::from("<article class=\"summary-doc\">\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&doc.title)));
    for b in &doc.blocks {
        match b {
            Block::Heading1(t) => h.push_str(&format!("<h2>{}</h2>\n", esc(t))),
            Block::Heading2(t) => h.push_str(&format!("<h3>{}</h3>\n", esc(t))),
            Block::Heading3(t) => h.push_str(&format!("<h4>{}</h4>\n", esc(t))),
            Block::Para(inl) => {
                h.push_str("<p>");
                for i in inl {
                    match i {
                        Inline::Text(t) => h.push_str(&esc(t)),
                        Inline::Figure { words, note } => {
                            let exact = doc
                                .notes
                                .get(note.saturating_sub(1))
                                .map_or("", |n| n.exact_zh.as_str());
                            h.push_str(&format!(
                                "<span class=\"fig\" title=\"{}\">{}</span><sup><a href=\"#note-{note}\">[{note}]</a></sup>",
                                esc(exact),
                                esc(words)
                            ));
                        }
                    }
                }
                h.push_str("</p>\n");
            }
        }
    }
    h.push_str(&format!(
        "<p class=\"issuer\">{}</p>\n<p class=\"date\">{}</p>\n",
        esc(&doc.issuer),
        esc(&doc.date)
    ));
    if !doc.notes.is_empty() {
        h.push_str(&format!(
            "<section class=\"notes\"><h2>数据说明</h2><p>统计期间：{}至{}。文中数字按“只舍不入”写出，确切数字如下。</p><ol>\n",
            esc(&chinese_date(&doc.from)),
            esc(&chinese_date(&doc.to))
        ));
        for n in &doc.notes {
            h.push_str(&format!("<li id=\"note-{}\">{}", n.number, esc(&n.line())));
            if !n.records.is_empty() {
                h.push_str(&format!(" <a href=\"{}\">查看记录</a>", esc(&n.records)));
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ol></section>\n");
    }
    h.push_str("</article>\n");
    h
}

/// A complete HTML page for reading and printing on A4 (GB/T 9704 margins and fonts).
pub fn to_html_page(doc: &Document) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>\n{}</body></html>\n",
        esc(&doc.title),
        PRINT_CSS,
        to_html(doc)
    )
}

/// Print styles shared by the downloaded page and the preview.
pub const PRINT_CSS: &str = "@page{size:A4;margin:37mm 26mm 35mm 28mm}\
body{margin:0 auto;max-width:156mm;padding:12mm 0;color:#000;background:#fff}\
.summary-doc{font-family:FangSong_GB2312,'仿宋_GB2312',FangSong,'仿宋',STFangsong,'Noto Serif CJK SC',serif;font-size:16pt;line-height:28.9pt;letter-spacing:-0.25pt}\
.summary-doc h1{font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S',SimSun,'Noto Serif CJK SC',serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.5;margin:0 0 28.9pt}\
.summary-doc h2{font-family:SimHei,'黑体','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}\
.summary-doc h3{font-family:KaiTi_GB2312,'楷体_GB2312',KaiTi,'楷体',STKaiti,serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em}\
.summary-doc h4{font-size:16pt;font-weight:bold;margin:0;text-indent:2em}\
.summary-doc p{margin:0;text-indent:2em;text-align:justify}\
.summary-doc .issuer,.summary-doc .date{text-align:right;text-indent:0;padding-right:4em}\
.summary-doc .issuer{margin-top:28.9pt}\
.summary-doc sup{font-size:9pt;line-height:0}.summary-doc sup a{color:inherit;text-decoration:none}\
.summary-doc .notes{margin-top:2em;font-size:12pt;line-height:1.6;break-before:page}\
.summary-doc .notes h2{text-indent:0;font-size:14pt}.summary-doc .notes p{text-indent:0}\
@media print{body{padding:0}.summary-doc sup{display:none}}";

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '#' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The document as Markdown, figures with footnotes holding the exact values.
pub fn to_markdown(doc: &Document) -> String {
    let mut m = format!("# {}\n\n", md_escape(&doc.title));
    for b in &doc.blocks {
        match b {
            Block::Heading1(t) => m.push_str(&format!("## {}\n\n", md_escape(t))),
            Block::Heading2(t) => m.push_str(&format!("### {}\n\n", md_escape(t))),
            Block::Heading3(t) => m.push_str(&format!("#### {}\n\n", md_escape(t))),
            Block::Para(inl) => {
                for i in inl {
                    match i {
                        Inline::Text(t) => m.push_str(&md_escape(t)),
                        Inline::Figure { words, note } => {
                            m.push_str(&format!("{}[^{note}]", md_escape(words)));
                        }
                    }
                }
                m.push_str("\n\n");
            }
        }
    }
    m.push_str(&format!(
        "<p align=\"right\">{}<br>{}</p>\n\n",
        md_escape(&doc.issuer),
        md_escape(&doc.date)
    ));
    if !doc.notes.is_empty() {
        m.push_str(&format!(
            "统计期间：{}至{}。文中数字按“只舍不入”写出，确切数字见注释。\n\n",
            chinese_date(&doc.from),
            chinese_date(&doc.to)
        ));
    }
    for n in &doc.notes {
        m.push_str(&format!("[^{}]: {}\n", n.number, md_escape(&n.line())));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(iso: &str) -> NaiveDate {
        iso.parse().expect("an ISO day")
    }

    fn ctx(records: &BTreeMap<String, String>) -> Context<'_> {
        Context {
            community: "Xx社区",
            year: 2026,
            from: "2026-01-01",
            to: "2026-12-31",
            today: "2026-12-28",
            records,
        }
    }

    fn figs(pairs: &[(&str, f64)]) -> Figures {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    /// A community's year as the records would have it: every figure of the default template.
    fn whole_year() -> Figures {
        figs(&[
            ("learning.party_study_courses", 4.0),
            ("learning.culture_courses", 12.0),
            ("learning.elderly_university_courses", 6.0),
            ("learning.livelihood_courses", 3.0),
            ("corridors.high_standard", 57.0),
            ("corridors.inspected", 63.0),
            ("corridors.average_stars", 4.29),
            ("publicity.articles", 64.0),
            ("publicity.paper_issues", 12.0),
            ("learning.vocational_courses", 8.0),
            ("learning.trainee_times", 2046.0),
            ("learning.trainees_unemployed", 6.0),
            ("learning.employment_rate", 0.923),
            ("assistance.households_helped", 23.0),
            ("assistance.help_times", 130.0),
            ("fund.raised_total", 6_123_450.0),
            ("fund.beneficiaries", 65.0),
            ("fund.balance", 1_234_500.0),
            ("fund.disclosures", 12.0),
            ("employment.reemployed", 653.0),
            ("employment.reemployed_hardship", 4.0),
            ("partners.signed", 12.0),
            ("partners.signed_in_year", 3.0),
            ("partners.lectures", 6.0),
            ("groups.volunteers", 180.0),
            ("groups.service_times", 2400.0),
            ("groups.volunteer_hours", 7300.0),
            ("partners.party_members_reporting", 41.0),
            ("affairs.resolved", 96.0),
            ("affairs.on_time_rate", 0.896),
            ("affairs.satisfaction", 0.95),
        ])
    }

    /// The sentences of the default template that state no figure: sayings, slogans and the
    /// frame of a section, none of which claims something the records would have to show.
    const FRAMING: &[&str] = &[
        "社区以“文明楼道”建设为载体，",
        "俗话说“远亲不如近邻”。",
        "针对楼层高了、邻里生疏的状况，社区党委提出了“同走一个门、亲如一家人”的口号，通过“睦邻卡”“爱心基金”“社区满意中介服务站”等举措帮扶困难居民。",
        "为了及时有效地帮助更多困难群众，社区倡导成立了“爱心基金”。",
        "授之以鱼，更要授之以渔。",
        "在开展工作中，社区在学习、帮扶、共建中的种种创新之举，为构建和谐社区谱写了新的乐章。",
    ];

    /// Checks every sentence of a document: each figure says what its indicator's value is, in
    /// the report's words and exactly in its note; a sentence without a figure is framing.
    fn every_sentence_is_backed(doc: &Document, f: &Figures) {
        for block in &doc.blocks {
            let Block::Para(inl) = block else { continue };
            let text = plain_text(inl);
            let mut figures_in_para = 0;
            for i in inl {
                if let Inline::Figure { words, note } = i {
                    figures_in_para += 1;
                    let n = &doc.notes[note - 1];
                    let ind = indicators::find(&n.id).unwrap();
                    let value = f[&n.id];
                    assert_ne!(value, 0.0, "{}", n.id);
                    assert_eq!(*words, indicators::approx(ind, value), "{}", n.id);
                    assert_eq!(n.exact, indicators::exact(ind, value), "{}", n.id);
                    assert_eq!(n.exact_zh, indicators::exact_zh(ind, value), "{}", n.id);
                    assert!(!n.line().contains(&n.id), "{}", n.line());
                    assert!(!n.line().contains('¥'), "{}", n.line());
                }
            }
            if figures_in_para == 0 {
                for sentence in sentences(&text) {
                    assert!(
                        FRAMING.iter().any(|f| sentence.starts_with(f)),
                        "a sentence that claims without a figure: {sentence}"
                    );
                }
            }
            for sentence in sentences(&text) {
                for phrase in [
                    "下岗职工",
                    "青年",
                    "金字招牌",
                    "三步走",
                    "走出困境",
                    "按规定公示",
                    "及时派单",
                    "限时办结",
                    "截至12月31日",
                ] {
                    assert!(!sentence.contains(phrase), "{phrase} in {sentence}");
                }
            }
        }
    }

    #[test]
    fn the_default_template_follows_the_seed_with_every_sentence_backed() {
        let records = BTreeMap::from([("fund.raised_total".to_string(), "/fund".to_string())]);
        let f = whole_year();
        let doc = build(DEFAULT_TEMPLATE, &ctx(&records), &f, &[]);
        assert_eq!(doc.title, "Xx社区2026年度工作总结");
        assert_eq!(doc.issuer, "Xx社区党委");
        assert_eq!(doc.date, "2026年12月28日");
        let h1: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading1(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            h1,
            [
                "一、创新学习载体，打造品牌社区",
                "二、创新帮扶机制，共建和谐社区",
                "三、推进部门联动，共谱和谐乐章"
            ]
        );
        every_sentence_is_backed(&doc, &f);
        assert!(doc.omitted.is_empty(), "{:?}", doc.omitted);
        let md = to_markdown(&doc);
        for said in [
            "社区党校开课4期[^1]，社区课堂开课12期[^2]，老年大学开课6期[^3]，民生课堂开课3期[^4]，让居民",
            "培训结业2000余人次[^",
            "结业学员中6名[^",
            "为失业人员；92%以上[^",
            "社区为23户[^",
            "筹集捐款6.1万余元[^",
            "资助65名[^",
            "年末基金结余1.2万余元[^",
            "收支情况在社区公示12次[^",
            "推荐650多名[^",
            "其中4名[^",
            "与12家[^",
            "社区与3家[^",
            "社区全年办结居民反映的民生诉求96件[^",
            "按期办结率89%以上[^",
        ] {
            assert!(md.contains(said), "{said} not in\n{md}");
        }
        // The notes speak Chinese: the name, the exact figure, 口径 and 数据来源, no code ids.
        assert!(md.contains(
            "爱心基金筹集：61,234.50元（文中写作“6.1万余元”）。口径：统计期内爱心基金收到的现金捐款合计（已退回的不计，物资另计）。数据来源：爱心基金账目。"
        ), "{md}");
        assert!(!md.contains("fund.raised_total"));
        assert!(!md.contains('{'));
    }

    #[test]
    fn a_claim_the_records_no_longer_support_is_left_out_and_listed() {
        let records = BTreeMap::new();
        for (id, gone) in [
            ("employment.reemployed_hardship", "其中"),
            ("fund.disclosures", "收支情况在社区公示"),
            ("partners.signed_in_year", "签订共建协议"),
            ("affairs.on_time_rate", "按期办结率"),
            ("learning.party_study_courses", "社区党校"),
            ("learning.trainees_unemployed", "失业人员"),
        ] {
            for value in [Some(0.0), None] {
                let mut f = whole_year();
                match value {
                    Some(v) => f.insert(id.to_string(), v),
                    None => f.remove(id),
                };
                let doc = build(DEFAULT_TEMPLATE, &ctx(&records), &f, &[]);
                every_sentence_is_backed(&doc, &f);
                let md = to_markdown(&doc);
                let body = md.split("统计期间").next().unwrap_or_default();
                assert!(!body.contains(gone), "{id} = {value:?}: {gone} still in\n{md}");
                let listed = doc.omitted.iter().find(|o| o.id == id);
                let listed = listed.unwrap_or_else(|| panic!("{id} not listed as left out"));
                assert!(listed.sentence.contains(gone), "{listed:?}");
                assert_eq!(listed.reason, if value.is_some() { "zero" } else { "unavailable" });
            }
        }
        // The rest of a sentence stands when its qualifier goes.
        let mut f = whole_year();
        f.insert("employment.reemployed_hardship".into(), 0.0);
        let md = to_markdown(&build(DEFAULT_TEMPLATE, &ctx(&records), &f, &[]));
        assert!(md.contains("推荐650多名[^"), "{md}");
        assert!(md.contains("居民走上就业岗位。"), "{md}");
    }

    #[test]
    fn a_summary_written_before_the_year_ends_says_so() {
        let records = BTreeMap::new();
        let ctx = Context { to: "2026-12-04", today: "2026-12-04", ..ctx(&records) };
        let f = whole_year();
        let doc = build(DEFAULT_TEMPLATE, &ctx, &f, &[]);
        every_sentence_is_backed(&doc, &f);
        let md = to_markdown(&doc);
        assert!(md.contains("截至12月4日基金结余"), "{md}");
        assert!(md.contains("社区截至12月4日办结"), "{md}");
        assert!(!md.contains("全年") && !md.contains("年末"), "{md}");
        assert!(md.contains("统计期间：2026年1月1日至2026年12月4日。"), "{md}");
        assert!(to_html(&doc).contains("2026年1月1日至2026年12月4日"));
    }

    #[test]
    fn a_subsection_without_its_figures_goes_but_the_closing_words_stay() {
        let records = BTreeMap::new();
        let t = "T\n三、联动\n（一）共建\n共建{partners.signed}。\n（二）诉求\n办结{affairs.resolved}。\n总之，谱写了新的乐章。";
        let doc = build(t, &ctx(&records), &Figures::new(), &[]);
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading1("三、联动".into()),
                Block::Para(vec![Inline::Text("总之，谱写了新的乐章。".into())]),
            ]
        );
        // With stories to tell, the subsection stays though its figure is missing.
        let t = "T\n（一）帮扶\n帮扶{assistance.households_helped}。\n{典型事例}";
        let story = Story { text: "居民夏**……".into(), at: STORIES_LINE };
        let doc = build(t, &ctx(&records), &Figures::new(), &[story]);
        assert_eq!(doc.blocks.len(), 2);
    }

    #[test]
    fn a_zero_figure_leaves_its_sentence_out() {
        let records = BTreeMap::new();
        let f = figs(&[("assistance.households_helped", 0.0)]);
        let doc = build(
            "题目\n今年帮扶{assistance.households_helped}。其余照旧。",
            &ctx(&records),
            &f,
            &[],
        );
        assert_eq!(doc.blocks, vec![Block::Para(vec![Inline::Text("其余照旧。".into())])]);
        assert_eq!(doc.omitted[0].reason, "zero");
        assert!(doc.notes.is_empty());
    }

    #[test]
    fn a_clause_without_its_figure_goes_and_the_sentence_keeps_its_end() {
        let records = BTreeMap::new();
        let f = figs(&[("fund.raised_total", 6_123_450.0)]);
        let t = "T\n今年通过“捐助，帮扶”等方式筹集资金{fund.raised_total}，帮助{fund.beneficiaries}困难居民走出困境。\n2026年，社区为{assistance.households_helped}困难家庭送去温暖。";
        let doc = build(t, &ctx(&records), &f, &[]);
        assert_eq!(
            doc.blocks,
            vec![Block::Para(vec![
                Inline::Text("今年通过“捐助，帮扶”等方式筹集资金".into()),
                Inline::Figure { words: "6.1万余元".into(), note: 1 },
                Inline::Text("。".into()),
            ])]
        );
        let ids: Vec<&str> = doc.omitted.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["fund.beneficiaries", "assistance.households_helped"]);
        assert_eq!(doc.omitted[0].sentence, "帮助{fund.beneficiaries}困难居民走出困境");
    }

    #[test]
    fn the_same_figure_twice_has_one_note() {
        let records = BTreeMap::new();
        let f = figs(&[("fund.beneficiaries", 65.0)]);
        let doc =
            build("T\n帮助{fund.beneficiaries}。共{fund.beneficiaries}。", &ctx(&records), &f, &[]);
        assert_eq!(doc.notes.len(), 1);
        assert_eq!(
            doc.blocks,
            vec![Block::Para(vec![
                Inline::Text("帮助".into()),
                Inline::Figure { words: "65名".into(), note: 1 },
                Inline::Text("。共".into()),
                Inline::Figure { words: "65名".into(), note: 1 },
                Inline::Text("。".into()),
            ])]
        );
    }

    #[test]
    fn typos_in_placeholders_are_found() {
        assert_eq!(
            unknown_placeholders("T\n{fund.raised}与{fund.raised_total}{社区}"),
            vec!["fund.raised".to_string()]
        );
        assert!(unknown_placeholders(DEFAULT_TEMPLATE).is_empty());
    }

    #[test]
    fn a_placement_story_says_only_what_the_follow_up_says() {
        assert_eq!(
            placement_story_text(
                "张君",
                "绿苑物业",
                "保洁员",
                day("2026-03-15"),
                true,
                Some((day("2026-09-20"), "employed"))
            ),
            "居民张君经社区满意中介服务站推荐，2026年3月起在绿苑物业从事保洁员工作，2026年9月回访时仍在岗。"
        );
        assert_eq!(
            placement_story_text(
                "李*",
                "超市",
                "理货员",
                day("2026-05-01"),
                false,
                Some((day("2026-06-01"), "unknown"))
            ),
            "居民李*在社区帮助下，2026年5月起在超市从事理货员工作。"
        );
    }

    #[test]
    fn volunteers_and_partner_projects_are_told_from_their_records() {
        assert_eq!(
            volunteer_story_text("王**", 2019, 2026, 24, 865),
            "志愿者王**自2019年起参加社区志愿服务，2026年参加志愿服务24次，累计服务86.5小时。"
        );
        assert_eq!(
            volunteer_story_text("李*", 2026, 2026, 3, 70),
            "志愿者李*2026年参加志愿服务3次，累计服务7小时。"
        );
        assert_eq!(
            partner_project_story_text(
                "市第一人民医院",
                day("2026-05-16"),
                "免费体检",
                "社区活动室",
                Some(320),
                Some(480)
            ),
            "2026年5月，市第一人民医院在社区活动室开展免费体检，居民参加320人次，服务时长48小时。"
        );
        assert_eq!(
            partner_project_story_text(
                "区税务局",
                day("2026-09-01"),
                "健康知识讲座",
                "",
                None,
                Some(0)
            ),
            "2026年9月，区税务局在社区开展健康知识讲座。"
        );
    }

    #[test]
    fn the_same_help_in_several_months_is_told_once() {
        let visit = |on: &str| StoryHelp {
            given_on: day(on),
            kind: "visit".into(),
            amount_fen: None,
            items: vec![],
            source: String::new(),
        };
        assert_eq!(
            story_text("夏胜林", &[visit("2026-01-20"), visit("2026-11-02")]),
            "居民夏胜林家是社区结对帮扶的困难家庭。2026年1月、11月，社区工作人员上门走访慰问。"
        );
    }

    #[test]
    fn a_visit_plan_is_not_taken_for_the_giver() {
        let visit = StoryHelp {
            given_on: day("2026-11-20"),
            kind: "visit".into(),
            amount_fen: None,
            items: vec![],
            source: "2027年春节走访慰问困难群众".into(),
        };
        assert_eq!(
            story_text("杨某", &[visit]),
            "居民杨某家是社区结对帮扶的困难家庭。2026年11月，社区工作人员上门走访慰问。"
        );
    }

    #[test]
    fn stories_go_where_the_template_says() {
        let records = BTreeMap::new();
        let story = Story {
            text: story_text(
                "夏**",
                &[
                    StoryHelp {
                        given_on: day("2026-01-15"),
                        kind: "goods".into(),
                        amount_fen: None,
                        items: vec!["米".into(), "面".into(), "油".into()],
                        source: String::new(),
                    },
                    StoryHelp {
                        given_on: day("2026-02-03"),
                        kind: "cash".into(),
                        amount_fen: Some(80_000),
                        items: vec![],
                        source: "爱心基金".into(),
                    },
                ],
            ),
            at: STORIES_LINE,
        };
        assert_eq!(
            story.text,
            "居民夏**家是社区结对帮扶的困难家庭。2026年1月，社区送去米、面、油等生活物资；2026年2月，爱心基金资助800元。"
        );
        let doc = build("T\n一、帮扶\n{典型事例}", &ctx(&records), &Figures::new(), &[story]);
        assert_eq!(doc.blocks.len(), 2);
        assert!(to_html(&doc).contains("<p>居民夏**家是"));
    }

    #[test]
    fn in_the_default_template_each_story_goes_to_its_own_section() {
        let records = BTreeMap::new();
        let story = |text: &str, at| Story { text: text.into(), at };
        let stories = [
            story("志愿者事例。", VOLUNTEER_STORIES_LINE),
            story("共建项目事例。", PARTNER_STORIES_LINE),
            story("帮扶事例。", STORIES_LINE),
            story("就业事例。", JOB_STORIES_LINE),
        ];
        let md = to_markdown(&build(DEFAULT_TEMPLATE, &ctx(&records), &whole_year(), &stories));
        let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s} in {md}"));
        assert!(at("（一）结对帮扶困难家庭") < at("帮扶事例。"));
        assert!(at("帮扶事例。") < at("（二）爱心基金"));
        assert!(at("（三）社区满意中介服务站") < at("就业事例。"));
        assert!(at("（一）共建单位") < at("共建项目事例。"));
        assert!(at("共建项目事例。") < at("（二）志愿服务"));
        assert!(at("（二）志愿服务") < at("志愿者事例。"));
        assert!(at("志愿者事例。") < at("（三）民生诉求"));
    }

    #[test]
    fn placement_stories_go_to_the_employment_line_when_there_is_one() {
        let records = BTreeMap::new();
        let help = Story { text: "帮扶事例。".into(), at: STORIES_LINE };
        let job = Story { text: "就业事例。".into(), at: JOB_STORIES_LINE };
        let stories = [help, job];
        let doc = build(
            "T\n一、帮扶\n{典型事例}\n二、就业\n{就业事例}",
            &ctx(&records),
            &Figures::new(),
            &stories,
        );
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading1("一、帮扶".into()),
                Block::Para(vec![Inline::Text("帮扶事例。".into())]),
                Block::Heading1("二、就业".into()),
                Block::Para(vec![Inline::Text("就业事例。".into())]),
            ]
        );
        let doc = build("T\n{典型事例}", &ctx(&records), &Figures::new(), &stories);
        assert_eq!(doc.blocks.len(), 2, "without the line, all stories go together");
    }

    #[test]
    fn headings_are_told_from_paragraphs() {
        assert!(heading1("十、其他"));
        assert!(!heading1("一是加强学习"));
        assert!(heading2("（二）爱心基金"));
        assert!(heading2("(三)就业"));
        assert!(heading3("1.培训"));
        assert!(!heading3("2026年，社区培训了很多人，全年共计一千多人次参加了各类培训和活动。"));
        assert_eq!(chinese_date("2026-01-05"), "2026年1月5日");
    }

    #[test]
    fn html_escapes_what_a_worker_types() {
        let records = BTreeMap::new();
        let doc = build("<b>T</b>\n一、<script>", &ctx(&records), &Figures::new(), &[]);
        let h = to_html(&doc);
        assert!(h.contains("&lt;b&gt;T&lt;/b&gt;"));
        assert!(!h.contains("<script>"));
    }
}
