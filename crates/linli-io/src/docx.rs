//! The annual summary as a Word document in the layout of GB/T 9704-2012 党政机关公文格式,
//! written by hand as WordprocessingML in a zip (no template file, no dependency beyond `zip`).
//!
//! The geometry: A4 (210 × 297 mm); top margin 37 mm, left (binding) 28 mm, text block
//! 156 × 225 mm, hence right 26 mm and bottom 35 mm. Body in 3号 (16 pt) 仿宋_GB2312 on a grid of
//! 22 lines of 28 characters: the line pitch is 225 mm / 22 = 28.95 pt (579 twips, set exactly on
//! every paragraph so that LibreOffice keeps it too), the character pitch 156 mm / 28 = 15.8 pt
//! (runs of 3号 text are condensed by 0.25 pt, see [`run`]). Title in 2号
//! (22 pt) 方正小标宋简体, level-1 headings 黑体, level-2 楷体_GB2312, level-3 仿宋 bold. Page
//! numbers in 4号 (14 pt) 半角 宋体 as `— 1 —`, on odd pages at the right and on even pages at the
//! left, one character in from the edge of the text block.
//!
//! Machines without these fonts (most outside government offices) fall back through the font
//! table's alternative names to 宋体/SimSun, 仿宋/FangSong, 楷体/KaiTi, 黑体/SimHei, then whatever
//! CJK font the system has (Noto Serif CJK SC, WenQuanYi).

use crate::IoError;
use linli_core::summary::{Block, Document, Inline, chinese_date};
use std::io::{Cursor, Write};

/// Millimetres to twentieths of a point.
const fn twips(mm10: u32) -> u32 {
    // mm10 is tenths of a millimetre, so that 28.0 mm is 280: 1 mm = 56.693 twips.
    (mm10 * 56_693 + 5_000) / 10_000
}

const PAGE_W: u32 = twips(2100);
const PAGE_H: u32 = twips(2970);
const TOP: u32 = twips(370);
const LEFT: u32 = twips(280);
const RIGHT: u32 = twips(260);
const BOTTOM: u32 = twips(350);
/// The footer's distance from the page edge: the page number sits 7 mm under the text block.
const FOOTER: u32 = twips(210);
/// 225 mm / 22 lines.
const LINE_PITCH: u32 = 579;

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const H1_FONT: &str = "黑体";
const H2_FONT: &str = "楷体_GB2312";
const NUMBER_FONT: &str = "宋体";

/// Text safe inside an XML element: escaped, and without the control characters XML 1.0
/// forbids (a stray one from a pasted spreadsheet would make Word refuse the whole file).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

fn fonts(name: &str) -> String {
    format!(r#"<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>"#)
}

/// One run of text in a font and size (half-points), optionally bold. Text in 3号 is set a
/// quarter point tighter than its size (15.75 pt a character), so that 28 characters fill the
/// 156 mm line: the character grid, done in a way both Word and LibreOffice honour (LibreOffice
/// reads Word's `linesAndChars` grid differently and would set some 20 characters a line).
fn run(text: &str, font: &str, half_points: u32, bold: bool) -> String {
    let tighten = if half_points == 32 { r#"<w:spacing w:val="-5"/>"# } else { "" };
    format!(
        r#"<w:r><w:rPr>{}{}{tighten}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        fonts(font),
        if bold { "<w:b/><w:bCs/>" } else { "" },
        xml(text)
    )
}

#[derive(Clone, Copy)]
enum Align {
    Both,
    /// Ragged right, for lines with long Latin words (indicator ids) that justification
    /// would stretch.
    Left,
    Right,
}

/// A paragraph on the grid: exact line pitch, first line indented two characters unless
/// centred or right-aligned.
fn para(runs: &str, align: Align, right_chars: u32) -> String {
    let (jc, ind) = match align {
        Align::Both => ("both", r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#.to_string()),
        Align::Left => ("left", r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#.to_string()),
        Align::Right => (
            "right",
            format!(
                r#"<w:ind w:rightChars="{}" w:right="{}"/>"#,
                right_chars * 100,
                right_chars * 320
            ),
        ),
    };
    format!(
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>{ind}<w:jc w:val="{jc}"/></w:pPr>{runs}</w:p>"#
    )
}

fn empty_line() -> String {
    para("", Align::Both, 0)
}

fn body_runs(inl: &[Inline]) -> String {
    let text: String = inl
        .iter()
        .map(|i| match i {
            Inline::Text(t) => t.as_str(),
            Inline::Figure { words, .. } => words.as_str(),
        })
        .collect();
    run(&text, BODY_FONT, 32, false)
}

fn document_xml(doc: &Document) -> String {
    let mut body = String::new();
    // The title: 2号小标宋, centred, lines at the same pitch as the body would crowd 22 pt type,
    // so the title gets its own exact spacing; then one empty line before the text.
    for line in doc.title.lines() {
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>{}</w:p>"#,
            run(line, TITLE_FONT, 44, false)
        ));
    }
    body.push_str(&empty_line());
    for b in &doc.blocks {
        let p = match b {
            Block::Heading1(t) => para(&run(t, H1_FONT, 32, false), Align::Both, 0),
            Block::Heading2(t) => para(&run(t, H2_FONT, 32, false), Align::Both, 0),
            Block::Heading3(t) => para(&run(t, BODY_FONT, 32, true), Align::Both, 0),
            Block::Para(inl) => para(&body_runs(inl), Align::Both, 0),
        };
        body.push_str(&p);
    }
    // 落款 and date: right, four characters in from the edge (GB/T 9704 §7.3.5.2 practice).
    body.push_str(&empty_line());
    body.push_str(&para(&run(&doc.issuer, BODY_FONT, 32, false), Align::Right, 4));
    body.push_str(&para(&run(&doc.date, BODY_FONT, 32, false), Align::Right, 4));
    if !doc.notes.is_empty() {
        body.push_str(&empty_line());
        body.push_str(&para(&run("附：数据说明", H1_FONT, 32, false), Align::Both, 0));
        body.push_str(&para(
            &run(
                &format!(
                    "统计期间：{}至{}。文中数字按“只舍不入”写出，确切数字如下。",
                    chinese_date(&doc.from),
                    chinese_date(&doc.to)
                ),
                BODY_FONT,
                32,
                false,
            ),
            Align::Both,
            0,
        ));
        for n in &doc.notes {
            let text = format!("{}．{}", n.number, n.line());
            body.push_str(&para(&run(&text, BODY_FONT, 32, false), Align::Left, 0));
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/><w:pgMar w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" w:header="851" w:footer="{FOOTER}" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/></w:sectPr></w:body></w:document>"#
    )
}

/// `— 7 —`: 4号 半角 宋体, the number a PAGE field; odd pages right, even pages left, one
/// character (14 pt) in from the text block's edge.
fn footer_xml(odd: bool) -> String {
    let (jc, ind) = if odd {
        ("right", r#"<w:ind w:right="280"/>"#)
    } else {
        ("left", r#"<w:ind w:left="280"/>"#)
    };
    let rpr =
        format!(r#"<w:rPr>{}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>"#, fonts(NUMBER_FONT));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr>{ind}<w:jc w:val="{jc}"/></w:pPr><w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>1</w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r><w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    )
}

fn styles_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr>{}<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="{LINE_PITCH}" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style></w:styles>"#,
        fonts(BODY_FONT)
    )
}

/// The fonts the document names, each with the alternative a machine without it should use.
fn font_table_xml() -> String {
    let fonts: [(&str, &str, &str); 6] = [
        (TITLE_FONT, "宋体", "roman"),
        (BODY_FONT, "仿宋", "modern"),
        (H1_FONT, "SimHei", "modern"),
        (H2_FONT, "楷体", "modern"),
        (NUMBER_FONT, "SimSun", "auto"),
        ("仿宋", "FangSong", "modern"),
    ];
    let mut t = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for (name, alt, family) in fonts {
        t.push_str(&format!(
            r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>"#
        ));
    }
    t.push_str("</w:fonts>");
    t
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>"#;

/// Odd and even pages have their own footers (the page number changes sides).
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>Linli</dc:creator></cp:coreProperties>"#,
        xml(title)
    )
}

/// The summary as the bytes of a `.docx` file.
pub fn write_docx(doc: &Document) -> Result<Vec<u8>, IoError> {
    let fail = |e: zip::result::ZipError| IoError::Write { detail: e.to_string() };
    let io_fail = |e: std::io::Error| IoError::Write { detail: e.to_string() };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(&doc.title)),
        ("word/document.xml", document_xml(doc)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/footer1.xml", footer_xml(true)),
    ];
    for (name, body) in
        parts.iter().map(|(n, b)| (*n, b.clone())).chain([("word/footer2.xml", footer_xml(false))])
    {
        zip.start_file(name, opts).map_err(fail)?;
        zip.write_all(body.as_bytes()).map_err(io_fail)?;
    }
    Ok(zip.finish().map_err(fail)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_core::summary::{Context, DEFAULT_TEMPLATE, Figures, build};
    use std::collections::BTreeMap;
    use std::io::Read;

    fn sample() -> Document {
        let records = BTreeMap::new();
        let ctx = Context {
            community: "Xx社区",
            year: 2026,
            from: "2026-01-01",
            to: "2026-12-31",
            today: "2026-12-28",
            records: &records,
        };
        let figures: Figures = [
            ("fund.raised_total".to_string(), 6_123_450.0),
            ("fund.beneficiaries".to_string(), 65.0),
        ]
        .into();
        build(DEFAULT_TEMPLATE, &ctx, &figures, &[])
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn the_page_is_a4_with_the_gbt_9704_margins_and_grid() {
        assert_eq!((PAGE_W, PAGE_H), (11906, 16838));
        assert_eq!((TOP, LEFT, RIGHT, BOTTOM), (2098, 1587, 1474, 1984));
        // The text block is 156 × 225 mm, within a twip of rounding.
        assert!((PAGE_W - LEFT - RIGHT).abs_diff(twips(1560)) <= 1);
        assert!((PAGE_H - TOP - BOTTOM).abs_diff(twips(2250)) <= 1);
        // 22 lines fill the block.
        assert!((LINE_PITCH * 22).abs_diff(PAGE_H - TOP - BOTTOM) < 22);
        let bytes = write_docx(&sample()).unwrap();
        let d = part(&bytes, "word/document.xml");
        assert!(
            d.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#)
        );
        assert!(d.contains(r#"<w:docGrid w:type="lines" w:linePitch="579"/>"#));
    }

    #[test]
    fn headings_title_and_body_have_their_fonts_and_sizes() {
        let bytes = write_docx(&sample()).unwrap();
        let d = part(&bytes, "word/document.xml");
        assert!(
            d.contains(r#"w:eastAsia="方正小标宋简体" w:cs="方正小标宋简体"/><w:sz w:val="44"/>"#)
        );
        assert!(d.contains(r#"w:eastAsia="黑体" w:cs="黑体"/><w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t xml:space="preserve">一、创新学习载体，打造品牌社区</w:t>"#));
        assert!(d.contains(r#"w:eastAsia="楷体_GB2312" w:cs="楷体_GB2312"/><w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t xml:space="preserve">（二）爱心基金</w:t>"#));
        assert!(d.contains("爱心基金筹集捐款6.1万余元"));
        // The appendix speaks Chinese: yuan written 元, no indicator ids, no ¥.
        assert!(d.contains("61,234.50元（文中写作“6.1万余元”）"));
        assert!(!d.contains('¥') && !d.contains("fund.raised_total"));
        let fonts = part(&bytes, "word/fontTable.xml");
        assert!(fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>"#));
    }

    #[test]
    fn page_numbers_are_dashes_around_a_page_field_switching_sides() {
        let bytes = write_docx(&sample()).unwrap();
        let odd = part(&bytes, "word/footer1.xml");
        let even = part(&bytes, "word/footer2.xml");
        assert!(
            odd.contains(r#"<w:jc w:val="right"/>"#) && even.contains(r#"<w:jc w:val="left"/>"#)
        );
        assert!(odd.contains("— </w:t>") && odd.contains(" PAGE ") && odd.contains(" —</w:t>"));
        assert!(odd.contains(r#"w:eastAsia="宋体" w:cs="宋体"/><w:sz w:val="28"/>"#));
        assert!(part(&bytes, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(xml("a<b>&\"c\u{1}\u{b}d"), "a&lt;b&gt;&amp;&quot;cd");
        let mut doc = sample();
        doc.title = "<标题>\u{0}".into();
        let bytes = write_docx(&doc).unwrap();
        assert!(part(&bytes, "word/document.xml").contains("&lt;标题&gt;</w:t>"));
        assert!(part(&bytes, "docProps/core.xml").contains("<dc:title>&lt;标题&gt;</dc:title>"));
    }
}
