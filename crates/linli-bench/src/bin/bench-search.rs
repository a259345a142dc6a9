//! `bench-search`: the publicity full-text search (issue 17) over 100,000 articles of one
//! community, against its ceiling, "p99 ≤ 10 ms over 100k articles, both engines".
//!
//! Builds the articles from community-news vocabulary (topics drawn with a Zipf-like law, so
//! 志愿服务 or 垃圾分类 are in most articles and 鹳雀楼 in a handful; bodies of 200–800
//! characters with the editor's marks, a few poems), writing each through
//! `publicity::add_article` and `search::put` in batched transactions as the app does; then
//! times a fixed mix of queries, each as `linli_app::publicity` runs it: `query_terms`,
//! `search::find` (20 a page) and a `snippet` of every hit. A total that is a lower bound
//! (several common words, `total_more`) is shown as one more than it says.
//!
//! ```sh
//! cargo run --release -p linli-bench --bin bench-search                 # 100,000 articles
//! cargo run --release -p linli-bench --bin bench-search -- --articles 5000
//! ```
//!
//! SQLite always (a new file in the temp dir); PostgreSQL too when `LINLI_BENCH_PG_URL` names
//! an empty database (as for `bench-fund`), e.g.
//! `dropdb --if-exists linli_bench_search && createdb linli_bench_search` and
//! `LINLI_BENCH_PG_URL=postgres://postgres@127.0.0.1:55433/linli_bench_search`.
//! `--help` lists the options. A failure ends the run with a message and a non-zero status.

use chrono::{Duration as Days, NaiveDate, Utc};
use linli_bench::{Rng, TempDir, ms};
use linli_core::PlaceKind;
use linli_core::publicity as rules;
use linli_store::places;
use linli_store::publicity::{self, ArticleFields};
use linli_store::search::{self, Doc};
use linli_store::{Db, DbConfig, Dialect, StoreError, Tenant, migrate};
use std::collections::BTreeMap;
use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

type BoxResult<T> = Result<T, Box<dyn Error>>;

const USAGE: &str = "bench-search: full-text search over one community's articles

options:
  --articles N   articles to build (default 100000; also the first argument alone)
  --queries N    timed queries (default 2400, at least 2000 for a p99 worth reading)
  --batch N      articles per write transaction (default 1000)
  --dir DIR      where the SQLite database goes (default: a new folder in the temp dir)
  --reuse        measure on the articles already there (DIR/search.db, or the PostgreSQL
                 database) instead of building them
  --keep         keep the SQLite database afterwards
  --sqlite-only  skip PostgreSQL even when LINLI_BENCH_PG_URL is set
  --pg-only      skip SQLite (with LINLI_BENCH_PG_URL)
  --rank-cap N   matches ranked by relevance at most (default the app's, search::RANK_CAP);
                 to weigh the cap's cost against its reach

environment:
  LINLI_BENCH_PG_URL   an empty PostgreSQL database to measure too";

/// The ceiling of the issue: p99 of a search, snippets cut, over 100k articles.
const CEILING: Duration = Duration::from_millis(10);
/// A page of search results, as `linli_app::publicity::SEARCH_PER_PAGE`.
const PER_PAGE: i64 = 20;
/// Characters of a snippet, as `linli_app::publicity` cuts them.
const SNIPPET_WIDTH: usize = 90;
/// The community the articles are written in (found again with `--reuse`).
const COMMUNITY: &str = "书香社区";
/// The day the run pretends it is: the newest article is of this day.
const TODAY: (i32, u32, u32) = (2026, 11, 30);

struct Args {
    articles: usize,
    queries: usize,
    batch: usize,
    dir: Option<PathBuf>,
    reuse: bool,
    keep: bool,
    sqlite_only: bool,
    pg_only: bool,
    rank_cap: i64,
}

fn parse_args() -> BoxResult<Option<Args>> {
    let mut a = Args {
        articles: 100_000,
        queries: 2400,
        batch: 1000,
        dir: None,
        reuse: false,
        keep: false,
        sqlite_only: false,
        pg_only: false,
        rank_cap: search::RANK_CAP,
    };
    let number = |s: String| -> BoxResult<usize> { Ok(s.replace('_', "").parse()?) };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--articles" => a.articles = number(value()?)?,
            "--queries" => a.queries = number(value()?)?,
            "--batch" => a.batch = number(value()?)?,
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            "--reuse" => a.reuse = true,
            "--keep" => a.keep = true,
            "--sqlite-only" => a.sqlite_only = true,
            "--pg-only" => a.pg_only = true,
            "--rank-cap" => a.rank_cap = i64::try_from(number(value()?)?)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            n if n.chars().all(|c| c.is_ascii_digit() || c == '_') => {
                a.articles = number(n.to_string())?;
            }
            other => return Err(format!("unknown option {other} (see --help)").into()),
        }
    }
    if a.articles == 0 || a.queries == 0 || a.batch == 0 {
        return Err("--articles, --queries and --batch must be positive".into());
    }
    Ok(Some(a))
}

// ---- randomness ----

/// Items drawn with probability proportional to 1 / rank: the first few are in most
/// articles, the tail in a handful.
struct Zipf {
    items: &'static [&'static str],
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(items: &'static [&'static str]) -> Zipf {
        let mut sum = 0.0;
        let cumulative = (1..=items.len())
            .map(|rank| {
                sum += 1.0 / rank as f64;
                sum
            })
            .collect();
        Zipf { items, cumulative }
    }
    fn draw(&self, rng: &mut Rng) -> &'static str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.items.get(i).or(self.items.last()).copied().unwrap_or("社区")
    }
}

// ---- the vocabulary of community news ----

/// Topics, most frequent first (the Zipf rank is the position).
const TOPICS: &[&str] = &[
    "志愿服务",
    "垃圾分类",
    "文明楼道",
    "党建",
    "爱心基金",
    "老年大学",
    "消防安全",
    "就业培训",
    "网格员",
    "独居老人",
    "民生诉求",
    "便民服务站",
    "环境整治",
    "健康讲座",
    "反诈骗",
    "社区党校",
    "民生课堂",
    "困难群众",
    "低保",
    "睦邻卡",
    "共建单位",
    "宣传栏",
    "学雷锋",
    "重阳节",
    "义诊",
    "居家养老",
    "老年食堂",
    "家庭医生",
    "退役军人",
    "暑期托管",
    "防溺水",
    "燃气安全",
    "电梯加装",
    "老旧小区改造",
    "全民健身",
    "广场舞",
    "太极拳",
    "合唱团",
    "读书会",
    "法律援助",
    "矛盾调解",
    "邻里节",
    "春节",
    "中秋节",
    "端午节",
    "元宵节",
    "植树",
    "招聘会",
    "技能培训",
    "家政服务",
    "心理咨询",
    "科普",
    "书法",
    "剪纸",
    "摄影",
    "征文",
    "诗歌朗诵",
    "书画展",
    "消防演练",
    "应急演练",
    "防汛",
    "供暖",
    "疫苗接种",
    "文明养犬",
    "高空抛物",
    "飞线充电",
    "楼道堆物",
    "电动车",
    "充电桩",
    "快递柜",
    "路灯",
    "健身器材",
    "停车难",
    "物业管理",
    "绿化",
    "雨污分流",
    "下水道",
    "冬至",
    "饺子",
    "腊八粥",
    "对联",
    "灯谜",
    "非遗",
    "糖画",
    "皮影戏",
    "二十四节气",
    "航天",
    "少儿编程",
    "智能手机",
    "直播带货",
    "面点",
    "月嫂",
    "电工",
    "育婴师",
    "创业贷款",
    "助残",
    "助餐",
    "助浴",
    "适老化改造",
    "无障碍",
    "红色故事",
    "党史学习",
    "主题党日",
    "入党宣誓",
    "三会一课",
    "党员先锋岗",
    "在职党员",
    "双报到",
    "红色物业",
    "微心愿",
    "积分超市",
    "时间银行",
    "邻里守望",
    "好人好事",
    "道德模范",
    "最美家庭",
    "家风家训",
    "孝老爱亲",
    "移风易俗",
    "文明祭扫",
    "禁毒",
    "国家安全",
    "人口普查",
    "医保缴费",
    "养老认证",
    "高龄津贴",
    "廉租房",
    "公租房",
    "个体工商户",
    "跳蚤市场",
    "旧衣回收",
    "厨余垃圾",
    "可回收物",
    "有害垃圾",
    "节水",
    "低碳生活",
    "风筝",
    "空竹",
    "毽子",
    "象棋",
    "围棋",
    "京剧",
    "评剧",
    "二人转",
    "秧歌",
    "腰鼓",
    "快板",
    "相声",
    "葫芦丝",
    "手风琴",
    "马头琴",
    "刺绣",
    "十字绣",
    "中国结",
    "泥塑",
    "面塑",
    "布贴画",
    "烙画",
    "根雕",
    "盆景",
    "兰花",
    "多肉",
    "冰灯",
    "雪雕",
    "冰糖葫芦",
    "冻梨",
    "蝈蝈",
];

const GROUPS: &[&str] = &[
    "居民",
    "老年人",
    "党员",
    "志愿者",
    "孩子们",
    "青少年",
    "残疾人朋友",
    "退休职工",
    "楼长",
    "单元长",
    "社工",
    "大学生",
    "家长",
    "新市民",
    "外卖小哥",
];

const PLACES: &[&str] = &[
    "党群服务中心",
    "多功能活动室",
    "文化广场",
    "小区中心花园",
    "图书室",
    "老年活动中心",
    "社区卫生服务站",
    "三号楼前",
    "会议室",
    "儿童之家",
];

const PARTNERS: &[&str] = &[
    "区消防救援大队",
    "区人民医院",
    "市第一中学",
    "供电公司",
    "燃气公司",
    "自来水公司",
    "农商银行",
    "区司法局",
    "辖区派出所",
    "区税务局",
    "市图书馆",
    "师范学院",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
];
const TITLES_OF_PERSONS: &[&str] =
    &["阿姨", "大爷", "老师", "书记", "主任", "大姐", "师傅", "奶奶", "爷爷"];
const GIVEN: &[&str] = &[
    "秀英", "桂兰", "建国", "德明", "志刚", "玉珍", "淑芬", "振华", "永福", "丽华", "海燕", "晓东",
    "春梅", "立新", "宏伟", "婷婷", "浩然", "雨桐",
];

const HAZARDS: &[&str] =
    &["飞线充电", "在楼道堆放杂物", "占用消防通道", "高空抛物", "私拉电线", "把电动车推进楼道"];

/// Sentences of a news body. `{t}` a topic, `{g}` a group, `{p}` a person, `{pl}` a place,
/// `{pa}` a partner, `{n}` a number, `{h}` a hazard, `{c}` a neighbouring community. None
/// holds the words only titles use (简讯, 喜报, 侧记, 纪实, 掠影, 速递).
const SENTENCES: &[&str] = &[
    "近日，社区在{pl}开展“{t}”主题活动，{n}余名{g}参加。",
    "活动现场，{pa}的工作人员围绕{t}进行了详细讲解，并发放宣传资料{n}份。",
    "{p}说：“{t}关系到每一位{g}，我们要从自己做起。”",
    "今年以来，社区把{t}与{t}结合起来，累计开展活动{n}场次，服务{g}{n}人次。",
    "{g}在志愿者的带领下学习了{t}知识，现场气氛热烈。",
    "为进一步做好{t}工作，社区党委召开专题会议，研究部署下一阶段任务。",
    "下一步，社区将持续推进{t}，不断提升{g}的获得感、幸福感、安全感。",
    "据了解，{t}项目已覆盖全社区{n}个网格、{n}栋楼。",
    "{p}今年{n}岁，是{t}的老朋友了。",
    "在{pl}，{g}围坐在一起，包饺子、唱红歌，其乐融融。",
    "网格员逐户走访，了解{g}在{t}方面的需求，建立台账。",
    "此次活动得到了{pa}的大力支持，{n}名在职党员参与服务。",
    "大家纷纷表示，通过{t}，邻里之间的关系更加融洽了。",
    "针对{t}中发现的问题，社区及时派单，{n}天内全部办结。",
    "{p}带头捐款{n}元，用于{t}。",
    "一年来，围绕{t}共收到居民建议{n}条，帮扶困难家庭{n}户。",
    "{pl}本学期开设{t}、{t}等{n}个班，报名学员{n}人。",
    "安全无小事，社区提醒广大{g}：不要{h}。",
    "温馨提示：{t}相关事宜可到{pl}咨询，工作时间每周一至周五。",
    "{c}社区的{g}也赶来观摩，双方就{t}交流了经验。",
    "{t}工作中，{g}自发清理楼道，张贴宣传画。",
    "{t}督导员每天早晚在{pl}值守，引导{g}积极参与。",
    "{pa}与社区签订共建协议，在{t}等方面开展合作。",
    "活动结束后，{p}还为{g}送上了慰问品。",
    "“{t}办到了我们心坎上！”{p}竖起了大拇指。",
    "社区课堂邀请{pa}的专家讲授{t}，{n}名{g}认真聆听。",
    "就业服务站为{g}推荐岗位{n}个，{n}人实现就业。",
    "志愿者们身穿红马甲，走街串巷宣传{t}。",
];

const HEADINGS: &[&str] =
    &["活动回顾", "工作成效", "下一步打算", "温馨提示", "居民心声", "经验做法"];

/// Title templates; `{t}` a topic, `{c}` a community. The first words of some (简讯, 喜报,
/// 侧记, 纪实, 掠影, 速递) occur in titles only.
const TITLES: &[&str] = &[
    "社区开展{t}活动",
    "{t}进社区",
    "简讯：{t}工作稳步推进",
    "喜报：社区获评{t}示范点",
    "{t}侧记",
    "纪实｜{t}的一天",
    "{t}活动掠影",
    "{t}速递",
    "社区召开{t}工作会议",
    "{t}：{g}在行动",
    "关于做好{t}工作的提示",
    "{c}社区与我们共话{t}",
    "{t}与{t}同步推进",
];

const NEIGHBOURS: &[&str] =
    &["长安", "新华", "胜利", "建设", "和平", "幸福", "光明", "东风", "朝阳", "向阳"];

/// Lines of poems: classical ones the community paper reprints, and its residents' own.
const POEM_LINES: &[&str] = &[
    "床前明月光，疑是地上霜。",
    "举头望明月，低头思故乡。",
    "白日依山尽，黄河入海流。",
    "欲穷千里目，更上一层楼。",
    "春眠不觉晓，处处闻啼鸟。",
    "夜来风雨声，花落知多少。",
    "谁言寸草心，报得三春晖。",
    "海内存知己，天涯若比邻。",
    "但愿人长久，千里共婵娟。",
    "独在异乡为异客，每逢佳节倍思亲。",
    "小小网格连万家，",
    "红马甲闪耀在街巷，",
    "一声问候暖人心，",
    "楼道明亮如春风，",
    "垃圾分类新时尚，",
    "爱心汇聚成河流，",
    "老年大学书声朗，",
    "远亲不如近邻好，",
    "重阳登高敬老人，",
    "党旗飘飘映社区，",
];
const POEM_TITLES: &[&str] = &[
    "《楼道春风》",
    "《社区的早晨》",
    "《网格员之歌》",
    "《爱心颂》",
    "《重阳寄语》",
    "《志愿者的一天》",
    "《静夜思》新读",
    "《登鹳雀楼》与我们的社区",
];

struct Gen {
    rng: Rng,
    topics: Zipf,
    today: NaiveDate,
    /// What the article being written is about: most of its topic words are these.
    about: Vec<&'static str>,
}

impl Gen {
    fn person(&mut self) -> String {
        let s = self.rng.word(SURNAMES);
        if self.rng.chance(60) {
            format!("{s}{}", self.rng.word(TITLES_OF_PERSONS))
        } else {
            format!("{s}{}", self.rng.word(GIVEN))
        }
    }

    /// A topic word: mostly one of the article's own, now and then any (a news item about
    /// 垃圾分类 mentions 志愿服务 in passing).
    fn topic(&mut self) -> &'static str {
        if self.rng.chance(85) && !self.about.is_empty() {
            self.rng.word(&self.about)
        } else {
            self.topics.draw(&mut self.rng)
        }
    }

    fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() * 2);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let word = match &after[..close] {
                "t" => self.topic().to_string(),
                "g" => self.rng.word(GROUPS).to_string(),
                "p" => self.person(),
                "pl" => self.rng.word(PLACES).to_string(),
                "pa" => self.rng.word(PARTNERS).to_string(),
                "n" => self.rng.between(2, 300).to_string(),
                "h" => self.rng.word(HAZARDS).to_string(),
                "c" => self.rng.word(NEIGHBOURS).to_string(),
                other => other.to_string(),
            };
            out.push_str(&word);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A news body of about `target` characters, with the editor's marks now and then.
    fn news_body(&mut self, target: usize) -> String {
        let mut body = String::new();
        let mut chars = 0;
        let mut paragraph = 0;
        while chars < target {
            if paragraph > 0 && self.rng.chance(25) {
                body.push_str(&format!("\n\n## {}\n", self.rng.word(HEADINGS)));
            } else if paragraph > 0 {
                body.push_str("\n\n");
            }
            if paragraph > 0 && self.rng.chance(15) {
                for _ in 0..self.rng.between(2, 4) {
                    let t = self.topic();
                    let line = format!("- {t}：{}人次\n", self.rng.between(5, 500));
                    chars += line.chars().count();
                    body.push_str(&line);
                }
            } else {
                for _ in 0..self.rng.between(2, 5) {
                    let s = self.rng.word(SENTENCES);
                    let mut s = self.fill(s);
                    if self.rng.chance(5) {
                        s = format!("**{s}**");
                    }
                    chars += s.chars().count();
                    body.push_str(&s);
                }
            }
            paragraph += 1;
        }
        body.trim().to_string()
    }

    fn poem_body(&mut self, target: usize) -> String {
        let mut lines: Vec<&str> = Vec::new();
        let mut chars = 0;
        while chars < target {
            let l = self.rng.word(POEM_LINES);
            chars += l.chars().count();
            lines.push(l);
            if self.rng.chance(20) {
                lines.push("");
            }
        }
        lines.join("\n")
    }

    /// One article: title, body (with marks), tags, publish day; checked as the app checks it.
    fn article(&mut self) -> Result<Article, rules::ArticleError> {
        let target = self.rng.between(200, 800) as usize;
        self.about = (0..self.rng.between(1, 3)).map(|_| self.topics.draw(&mut self.rng)).collect();
        let (title, body) = if self.rng.chance(5) {
            (self.rng.word(POEM_TITLES).to_string(), self.poem_body(target))
        } else {
            let t = self.rng.word(TITLES);
            (self.fill(t), self.news_body(target))
        };
        let tags =
            (0..self.rng.between(0, 3)).map(|_| self.topic().to_string()).collect::<Vec<_>>();
        let (title, body, tags) = rules::check_article(&title, &body, &tags)?;
        // Ten years of news, the newest today.
        let day = self.today - Days::days(self.rng.below(3650) as i64);
        Ok(Article { title, body, tags, published_on: day.format("%Y-%m-%d").to_string() })
    }
}

struct Article {
    title: String,
    body: String,
    tags: Vec<String>,
    published_on: String,
}

// ---- building ----

struct Built {
    community: Tenant,
    articles: usize,
    /// Time inside the write transactions (segmentation included).
    writing: Duration,
    wall: Duration,
}

fn build(db: &Db, g: &mut Gen, args: &Args) -> BoxResult<Built> {
    let now = Utc::now();
    let community = db.write_blocking(|c| -> Result<Tenant, StoreError> {
        let street = places::create(c, PlaceKind::Street, "书香街道", None, now)?;
        let p = places::create(c, PlaceKind::Community, COMMUNITY, Some(street.id), now)?;
        Ok(Tenant::new(p.id))
    })?;
    let start = Instant::now();
    let mut writing = Duration::ZERO;
    let mut done = 0;
    while done < args.articles {
        let n = args.batch.min(args.articles - done);
        let batch = (0..n).map(|_| g.article()).collect::<Result<Vec<_>, _>>()?;
        let t = Instant::now();
        let bodies: Vec<String> = batch.iter().map(|a| rules::plain_body(&a.body)).collect();
        db.write_blocking(|c| -> Result<(), StoreError> {
            let mut docs = Vec::with_capacity(batch.len());
            for (a, body) in batch.iter().zip(&bodies) {
                let id = publicity::add_article(
                    c,
                    community,
                    &ArticleFields {
                        title: &a.title,
                        body: &a.body,
                        author: "社区宣传员",
                        tags: &a.tags,
                        board_id: None,
                        published_on: &a.published_on,
                    },
                    None,
                    now,
                )?;
                docs.push(Doc {
                    kind: "article",
                    ref_id: id,
                    title: &a.title,
                    body,
                    published_on: &a.published_on,
                    public: true,
                });
            }
            // As a bulk load would: the batch's term counts written once per term.
            search::put_many(c, community, &docs)?;
            Ok(())
        })?;
        writing += t.elapsed();
        done += n;
        if done % (args.batch * 20) == 0 || done == args.articles {
            eprintln!(
                "  {done}/{} articles, {:.0} s",
                args.articles,
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(Built { community, articles: done, writing, wall: start.elapsed() })
}

// ---- queries ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Common,
    CommonPair,
    Middle,
    Rare,
    CommonRare,
    TitleOnly,
    NoHit,
    PageTwo,
    Portal,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Common,
        Kind::CommonPair,
        Kind::Middle,
        Kind::Rare,
        Kind::CommonRare,
        Kind::TitleOnly,
        Kind::NoHit,
        Kind::PageTwo,
        Kind::Portal,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Common => "common, 1 word",
            Kind::CommonPair => "common, 2-3 words",
            Kind::Middle => "middling, 1-2 words",
            Kind::Rare => "rare, 1-2 words",
            Kind::CommonRare => "common + rare",
            Kind::TitleOnly => "title-only word (+ topic)",
            Kind::NoHit => "no hit",
            Kind::PageTwo => "common, page 2",
            Kind::Portal => "common, public portal",
        }
    }

    /// Queries of this kind in a hundred.
    fn share(self) -> usize {
        match self {
            Kind::Common | Kind::CommonPair | Kind::Middle | Kind::Rare => 15,
            Kind::CommonRare | Kind::TitleOnly | Kind::NoHit | Kind::PageTwo | Kind::Portal => 8,
        }
    }
}

/// Words in most articles: the head of the topics and the words every news item uses.
const COMMON_WORDS: &[&str] = &[
    "社区",
    "居民",
    "活动",
    "志愿者",
    "党员",
    "志愿服务",
    "垃圾分类",
    "文明楼道",
    "党建",
    "爱心基金",
    "老年大学",
    "消防安全",
    "网格员",
    "服务",
];
/// Words of a handful of articles: the tail of the topics, poems, names.
const RARE_WORDS: &[&str] = &[
    "蝈蝈",
    "冻梨",
    "冰糖葫芦",
    "雪雕",
    "根雕",
    "烙画",
    "马头琴",
    "葫芦丝",
    "婵娟",
    "鹳雀楼",
    "啼鸟",
    "寸草心",
    "三春晖",
    "异乡",
    "面塑",
    "布贴画",
    "王秀英",
    "赵振华",
    "韩雨桐",
    "唐婷婷",
];
const TITLE_ONLY_WORDS: &[&str] = &["简讯", "喜报", "侧记", "纪实", "掠影", "速递"];
const ABSENT_WORDS: &[&str] = &[
    "量子计算",
    "区块链",
    "火星基地",
    "元宇宙",
    "比特币",
    "冲浪",
    "潜水艇",
    "芭蕾舞",
    "高尔夫",
    "歌剧院",
];

struct Query {
    kind: Kind,
    text: String,
    offset: i64,
    public_on: Option<String>,
}

/// The fixed mix: the same queries, in the same order, every run.
fn queries(n: usize, today: NaiveDate) -> Vec<Query> {
    let mut rng = Rng(0x5345_4152_4348_0017);
    let topics = Zipf::new(TOPICS);
    let middle = TOPICS.get(25..110).unwrap_or(TOPICS);
    let mut kinds: Vec<Kind> = Vec::new();
    for k in Kind::ALL {
        kinds.extend(std::iter::repeat_n(k, k.share()));
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let kind = kinds.get(i % kinds.len()).copied().unwrap_or(Kind::Common);
        let mut words: Vec<&str> = Vec::new();
        match kind {
            Kind::Common | Kind::PageTwo | Kind::Portal => {
                words.push(rng.word(COMMON_WORDS));
                if kind != Kind::Common && rng.chance(30) {
                    words.push(topics.draw(&mut rng));
                }
            }
            Kind::CommonPair => {
                for _ in 0..rng.between(2, 3) {
                    words.push(if rng.chance(50) {
                        rng.word(COMMON_WORDS)
                    } else {
                        topics.draw(&mut rng)
                    });
                }
            }
            Kind::Middle => {
                for _ in 0..rng.between(1, 2) {
                    words.push(rng.word(middle));
                }
            }
            Kind::Rare => {
                words.push(rng.word(RARE_WORDS));
                if rng.chance(30) {
                    words.push(rng.word(RARE_WORDS));
                }
            }
            Kind::CommonRare => {
                words.push(rng.word(COMMON_WORDS));
                words.push(rng.word(RARE_WORDS));
            }
            Kind::TitleOnly => {
                words.push(rng.word(TITLE_ONLY_WORDS));
                if rng.chance(50) {
                    words.push(topics.draw(&mut rng));
                }
            }
            Kind::NoHit => {
                if rng.chance(50) {
                    words.push(rng.word(COMMON_WORDS));
                }
                words.push(rng.word(ABSENT_WORDS));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        words.retain(|w| {
            let new = !seen.contains(w);
            seen.push(w);
            new
        });
        out.push(Query {
            kind,
            text: words.join(" "),
            offset: if kind == Kind::PageTwo { PER_PAGE } else { 0 },
            public_on: (kind == Kind::Portal).then(|| today.format("%Y-%m-%d").to_string()),
        });
    }
    out
}

/// One query as the app runs it: segmentation, the page of hits, a snippet of each.
fn run(db: &Db, t: Tenant, q: &Query, rank_cap: i64) -> BoxResult<(Duration, i64, usize)> {
    let start = Instant::now();
    let terms = rules::query_terms(&q.text);
    let (hits, total) = if terms.is_empty() {
        (Vec::new(), 0)
    } else {
        let found = db.read_blocking(|c| {
            search::find(
                c,
                t,
                &search::Query {
                    terms: &terms,
                    // As the app asks: the staff's search (`articles_search`, the desk) looks
                    // at articles, the portal's at everything public.
                    kind: q.public_on.is_none().then_some("article"),
                    public_on: q.public_on.as_deref(),
                    limit: PER_PAGE,
                    offset: q.offset,
                    rank_cap,
                },
            )
        })?;
        // A lower bound (several common words) counts as one more than it says.
        (found.hits, found.total + i64::from(found.total_more))
    };
    let mut cut = 0;
    for h in &hits {
        cut += black_box(rules::snippet(&h.body, &terms, SNIPPET_WIDTH)).len();
    }
    let took = start.elapsed();
    black_box(cut);
    Ok((took, total, hits.len()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted.get(i).copied().unwrap_or(Duration::ZERO)
}

#[derive(Clone, Copy)]
struct Figures {
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

impl Figures {
    fn of(times: &mut [Duration]) -> Figures {
        times.sort();
        Figures {
            p50: percentile(times, 0.50),
            p90: percentile(times, 0.90),
            p99: percentile(times, 0.99),
            max: percentile(times, 1.0),
        }
    }
}

/// Hit counts in decades: 0, 1-9, 10-99, …
fn bucket(total: i64) -> &'static str {
    match total {
        ..=0 => "0",
        1..=9 => "1-9",
        10..=99 => "10-99",
        100..=999 => "100-999",
        1000..=9999 => "1000-9999",
        10_000..=49_999 => "10000-49999",
        _ => ">= 50000",
    }
}

const BUCKETS: [&str; 7] = ["0", "1-9", "10-99", "100-999", "1000-9999", "10000-49999", ">= 50000"];

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Warms up, then times every query of the mix once; prints the figures by kind.
fn measure(db: &Db, t: Tenant, mix: &[Query], rank_cap: i64) -> BoxResult<Figures> {
    let start = Instant::now();
    for q in mix {
        run(db, t, q, rank_cap)?;
    }
    println!(
        "  warm-up: the {} queries once, {:.1} s (load average {})",
        mix.len(),
        start.elapsed().as_secs_f64(),
        load_average()
    );
    let mut all = Vec::with_capacity(mix.len());
    let mut by_kind: BTreeMap<Kind, (Vec<Duration>, Vec<i64>)> = BTreeMap::new();
    let mut buckets: BTreeMap<&str, usize> = BTreeMap::new();
    let mut slowest: Vec<(Duration, &Query, i64)> = Vec::new();
    for q in mix {
        let (d, total, _) = run(db, t, q, rank_cap)?;
        all.push(d);
        let e = by_kind.entry(q.kind).or_default();
        e.0.push(d);
        e.1.push(total);
        *buckets.entry(bucket(total)).or_default() += 1;
        slowest.push((d, q, total));
    }
    println!(
        "  {:<26} {:>5} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "queries", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "median hits"
    );
    for (kind, (times, totals)) in &mut by_kind {
        let f = Figures::of(times);
        totals.sort_unstable();
        println!(
            "  {:<26} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>12}",
            kind.label(),
            times.len(),
            ms(f.p50),
            ms(f.p90),
            ms(f.p99),
            ms(f.max),
            totals.get(totals.len() / 2).copied().unwrap_or(0)
        );
    }
    let f = Figures::of(&mut all);
    println!(
        "  {:<26} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
        "all",
        all.len(),
        ms(f.p50),
        ms(f.p90),
        ms(f.p99),
        ms(f.max)
    );
    let line: Vec<String> =
        BUCKETS.iter().map(|b| format!("{b}: {}", buckets.get(b).copied().unwrap_or(0))).collect();
    println!("  hits per query (the total found): {}", line.join(", "));
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let worst: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, q, total)| {
            format!(
                "{:?}{} {:.1} ms ({total} hits)",
                q.text,
                if q.offset > 0 { " p2" } else { "" },
                ms(*d)
            )
        })
        .collect();
    println!("  slowest: {}", worst.join("; "));
    println!(
        "  p99 / ceiling: {:.2} ms / {} ms = {:.2} ({}); load average {}",
        ms(f.p99),
        CEILING.as_millis(),
        f.p99.as_secs_f64() / CEILING.as_secs_f64(),
        if f.p99 <= CEILING { "ok" } else { "MISSED" },
        load_average()
    );
    Ok(f)
}

/// Builds the articles (or finds them with `--reuse`), then measures. The engine's name and
/// its figures.
fn bench(label: &str, db: &Db, args: &Args, mix: &[Query]) -> BoxResult<Figures> {
    migrate::migrate(db)?;
    let existing = db.read_blocking(|c| places::find_community(c, COMMUNITY))?;
    let docs = db.read_blocking(|c| c.count("SELECT COUNT(*) FROM search_docs", &[]))?;
    let community = match existing {
        Some(p) if args.reuse => {
            println!("{label}: reusing {docs} indexed documents (no build)");
            Tenant::new(p.id)
        }
        _ if docs > 0 || existing.is_some() => {
            return Err(format!(
                "{label}: the database already holds {docs} search documents: give an empty one, or --reuse"
            )
            .into());
        }
        _ => {
            println!("{label}: building {} articles in batches of {} …", args.articles, args.batch);
            let mut g = Gen {
                rng: Rng(0x4C49_4E4C_4931_3700),
                topics: Zipf::new(TOPICS),
                today: today()?,
                about: Vec::new(),
            };
            let b = build(db, &mut g, args)?;
            println!(
                "  indexed {} articles: {:.0} docs/s ({:.1} s in write transactions: add_article + search::put with jieba; {:.1} s with generating the text)",
                b.articles,
                b.articles as f64 / b.writing.as_secs_f64().max(1e-9),
                b.writing.as_secs_f64(),
                b.wall.as_secs_f64()
            );
            // PostgreSQL's autovacuum analyses a table this size soon after it is written;
            // nothing analyses a SQLite database (the app does not), so neither does this.
            if db.dialect() == Dialect::Postgres {
                db.write_blocking(|c| c.batch("ANALYZE"))?;
            }
            b.community
        }
    };
    println!(
        "  {} queries (limit {PER_PAGE}, snippet of every hit), community of {} articles",
        mix.len(),
        db.read_blocking(|c| c
            .count("SELECT COUNT(*) FROM articles WHERE community_id = ?", &[community.into()]))?
    );
    measure(db, community, mix, args.rank_cap)
}

fn today() -> BoxResult<NaiveDate> {
    Ok(NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).ok_or("bad date")?)
}

fn main() -> BoxResult<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let mix = queries(args.queries, today()?);
    println!(
        "bench-search: {} articles, {} queries, {} cores, load average {}",
        args.articles,
        mix.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    let (dir, created) = match &args.dir {
        Some(d) => (d.clone(), false),
        None => {
            (std::env::temp_dir().join(format!("linli-bench-search-{}", std::process::id())), true)
        }
    };
    std::fs::create_dir_all(&dir)?;
    let _cleanup = TempDir(dir.clone(), !created || args.keep);
    let path = dir.join("search.db");
    let mut results: Vec<(&str, Figures)> = Vec::new();
    if !args.pg_only {
        let db = Db::open(&DbConfig::new(path.to_string_lossy().to_string()))?;
        let label = "SQLite";
        println!("\n{label} at {}", path.display());
        results.push((label, bench(label, &db, &args, &mix)?));
    }
    match std::env::var("LINLI_BENCH_PG_URL") {
        Ok(url) if !url.is_empty() && !args.sqlite_only => {
            let db = Db::open(&DbConfig::new(url))?;
            let label = "PostgreSQL";
            println!("\n{label} (LINLI_BENCH_PG_URL)");
            results.push((label, bench(label, &db, &args, &mix)?));
        }
        _ => println!("\n(PostgreSQL not measured: LINLI_BENCH_PG_URL is not set)"),
    }
    println!(
        "\n{:<12} {:>9} {:>9} {:>9} {:>9}  {:>14}",
        "engine", "p50 ms", "p90 ms", "p99 ms", "max ms", "p99 / 10 ms"
    );
    for (label, f) in &results {
        println!(
            "{label:<12} {:>9.2} {:>9.2} {:>9.2} {:>9.2}  {:>9.2} {}",
            ms(f.p50),
            ms(f.p90),
            ms(f.p99),
            ms(f.max),
            f.p99.as_secs_f64() / CEILING.as_secs_f64(),
            if f.p99 <= CEILING { "ok" } else { "MISSED" }
        );
    }
    println!(
        "({} articles, {} queries each; wall-clock times on a machine with load average {} now)",
        args.articles,
        mix.len(),
        load_average()
    );
    if args.keep || !created {
        println!("SQLite database kept at {}", path.display());
    }
    Ok(())
}
