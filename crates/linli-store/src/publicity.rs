//! Publicity (issue 17). The module owns `publicity_boards`, `articles`, `article_photos`,
//! `paper_issues`, `paper_issue_articles` and `publicity_settings`.

use crate::db::{Conn, Row, now_text};
use crate::photo::Photo;
use crate::{Result, Tenant, Value, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

// ---- boards (宣传画廊) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Board {
    pub id: i64,
    pub name: String,
    pub location: String,
    /// The day it was retired (no new article is posted on it, its articles keep naming it);
    /// `null` while in use.
    pub retired_on: Option<NaiveDate>,
}

const BOARD_COLUMNS: &str = "id, name, location, retired_on FROM publicity_boards";

/// The community's boards, those retired included, in display order.
pub fn boards(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Board>> {
    c.query_map(
        &format!("SELECT {BOARD_COLUMNS} WHERE community_id = ? ORDER BY sort_order, id"),
        params![t],
        board_row,
    )
}

pub fn board(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Board> {
    board_row(&c.query_one(
        &format!("SELECT {BOARD_COLUMNS} WHERE community_id = ? AND id = ?"),
        params![t, id],
    )?)
}

fn board_row(r: &Row) -> Result<Board> {
    Ok(from_row!(r => Board { id, name, location, retired_on }))
}

pub fn add_board(
    c: &mut dyn Conn,
    t: Tenant,
    name: &str,
    location: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO publicity_boards (community_id, name, location, sort_order, created_at)
         VALUES (?, ?, ?, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM publicity_boards WHERE community_id = ?), ?) RETURNING id",
        params![t, name, location, t, now_text(now)],
    )
}

/// Whether another board of the community (not `except`) has the name.
pub fn board_name_taken(
    c: &mut dyn Conn,
    t: Tenant,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM publicity_boards WHERE community_id = ? AND name = ? AND id <> ?",
        params![t, name, except.unwrap_or(0)],
    )?
    .is_some())
}

/// Renames a board and says where it stands now; its articles follow (they name it by id).
pub fn rename_board(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    name: &str,
    location: &str,
) -> Result<()> {
    let n = c.execute(
        "UPDATE publicity_boards SET name = ?, location = ? WHERE community_id = ? AND id = ?",
        params![name, location, t, id],
    )?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// Retires a board from `day` (`None`: back in use).
pub fn set_board_retired(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    day: Option<NaiveDate>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE publicity_boards SET retired_on = ? WHERE community_id = ? AND id = ?",
        params![day, t, id],
    )?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// How many articles were ever posted on the board, those still scheduled included.
pub fn board_article_count(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<i64> {
    c.count("SELECT COUNT(*) FROM articles WHERE community_id = ? AND board_id = ?", params![t, id])
}

/// The same for every board of the community that has any: (board id, articles).
pub fn board_article_counts(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(i64, i64)>> {
    c.query_map(
        "SELECT board_id, COUNT(*) FROM articles WHERE community_id = ? AND board_id IS NOT NULL
         GROUP BY board_id ORDER BY board_id",
        params![t],
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
}

/// Deletes a board nothing was ever posted on (not found: another community's, gone
/// already, or one with articles, which the caller refuses first).
pub fn delete_board(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<()> {
    let n = c.execute(
        "DELETE FROM publicity_boards WHERE community_id = ? AND id = ?
         AND NOT EXISTS (SELECT 1 FROM articles WHERE articles.board_id = publicity_boards.id)",
        params![t, id],
    )?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

// ---- articles ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub author: String,
    pub tags: Vec<String>,
    pub board_id: Option<i64>,
    pub published_on: NaiveDate,
}

const ARTICLE_COLUMNS: &str = "id, title, body, author, tags, board_id, published_on FROM articles";

fn article_row(r: &Row) -> Result<Article> {
    let tags = r.text(4)?;
    Ok(from_row!(r => Article {
        id, title, body, author;
        tags: tags.split('、').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        board_id: r.opt_int(5)?,
        published_on: r.date(6)?,
    }))
}

/// What an article is written with.
pub struct ArticleFields<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub author: &'a str,
    pub tags: &'a [String],
    pub board_id: Option<i64>,
    pub published_on: &'a str,
}

pub fn add_article(
    c: &mut dyn Conn,
    t: Tenant,
    a: &ArticleFields,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO articles (community_id, title, body, author, tags, board_id, published_on, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            a.title,
            a.body,
            a.author,
            a.tags.join("、"),
            a.board_id,
            a.published_on,
            by,
            now_text(now),
            now_text(now)
        ],
    )
}

pub fn update_article(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    a: &ArticleFields,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE articles SET title = ?, body = ?, author = ?, tags = ?, board_id = ?, published_on = ?, updated_at = ?
         WHERE community_id = ? AND id = ?",
        params![
            a.title,
            a.body,
            a.author,
            a.tags.join("、"),
            a.board_id,
            a.published_on,
            now_text(now),
            t,
            id
        ],
    )?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

pub fn article(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Article> {
    article_row(&c.query_one(
        &format!("SELECT {ARTICLE_COLUMNS} WHERE community_id = ? AND id = ?"),
        params![t, id],
    )?)
}

/// Articles of the community, newest first (`up_to`: published by that day only).
pub fn articles(
    c: &mut dyn Conn,
    t: Tenant,
    up_to: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Article>, i64)> {
    let mut args: Vec<Value> = vec![t.into()];
    let mut filter = String::from("community_id = ?");
    if let Some(d) = up_to {
        filter.push_str(" AND published_on <= ?");
        args.push(d.into());
    }
    let total = c.count(&format!("SELECT COUNT(*) FROM articles WHERE {filter}"), &args)?;
    args.extend([limit.into(), offset.into()]);
    let list = c
        .query(
            &format!(
                "SELECT {ARTICLE_COLUMNS} WHERE {filter} ORDER BY published_on DESC, id DESC LIMIT ? OFFSET ?"
            ),
            &args,
        )?
        .iter()
        .map(article_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((list, total))
}

/// Which of `ids` are the community's articles.
pub fn existing(c: &mut dyn Conn, t: Tenant, ids: &[i64]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for id in ids {
        if c.query_opt("SELECT 1 FROM articles WHERE community_id = ? AND id = ?", params![t, *id])?
            .is_some()
        {
            out.push(*id);
        }
    }
    Ok(out)
}

/// The board's articles, newest first (the first is what is on it now).
pub fn board_articles(
    c: &mut dyn Conn,
    t: Tenant,
    board_id: i64,
    up_to: &str,
) -> Result<Vec<Article>> {
    c.query_map(
        &format!(
            "SELECT {ARTICLE_COLUMNS} WHERE community_id = ? AND board_id = ? AND published_on <= ?
             ORDER BY published_on DESC, id DESC LIMIT 20"
        ),
        params![t, board_id, up_to],
        article_row,
    )
}

/// Every article posted on the board, newest first, those still scheduled included (the
/// board's history as the staff see it), at most `limit`.
pub fn board_history(
    c: &mut dyn Conn,
    t: Tenant,
    board_id: i64,
    limit: i64,
) -> Result<Vec<Article>> {
    c.query_map(
        &format!(
            "SELECT {ARTICLE_COLUMNS} WHERE community_id = ? AND board_id = ?
             ORDER BY published_on DESC, id DESC LIMIT ?"
        ),
        params![t, board_id, limit],
        article_row,
    )
}

/// Articles published between `from` and `to`.
pub fn articles_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM articles WHERE community_id = ? AND published_on >= ? AND published_on <= ?",
        params![t, from, to],
    )
}

// ---- photos ----

pub fn add_photo(
    c: &mut dyn Conn,
    t: Tenant,
    article_id: i64,
    photo: Photo,
    now: DateTime<Utc>,
) -> Result<i64> {
    let [width, height, bytes] = photo.params();
    c.insert(
        "INSERT INTO article_photos (community_id, article_id, width, height, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        &[Value::from(t), article_id.into(), width, height, bytes, now_text(now).into()],
    )
}

/// The photos of an article: ids in order.
pub fn photos_of(c: &mut dyn Conn, t: Tenant, article_id: i64) -> Result<Vec<i64>> {
    c.query_map(
        "SELECT id FROM article_photos WHERE community_id = ? AND article_id = ? ORDER BY id",
        params![t, article_id],
        |r| r.int(0),
    )
}

/// A photo's article and bytes.
pub fn photo(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<(i64, Vec<u8>)> {
    let r = c.query_one(
        "SELECT article_id, bytes FROM article_photos WHERE community_id = ? AND id = ?",
        params![t, id],
    )?;
    Ok((r.int(0)?, r.blob(1)?))
}

/// Every photo of the articles, in order: (article id, photo id, width, height). One query.
pub fn photos_of_articles(
    c: &mut dyn Conn,
    t: Tenant,
    ids: &[i64],
) -> Result<Vec<(i64, i64, i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut args: Vec<Value> = vec![t.into()];
    args.extend(ids.iter().map(|i| Value::from(*i)));
    c.query_map(
        &format!(
            "SELECT article_id, id, width, height FROM article_photos
             WHERE community_id = ? AND article_id IN ({marks}) ORDER BY article_id, id"
        ),
        &args,
        |r| Ok((r.int(0)?, r.int(1)?, r.int(2)?, r.int(3)?)),
    )
}

/// The first photo of each of the articles: (article id, photo id).
pub fn first_photos(c: &mut dyn Conn, t: Tenant, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(r) = c.query_opt(
            "SELECT id FROM article_photos WHERE community_id = ? AND article_id = ? ORDER BY id LIMIT 1",
            params![t, *id],
        )? {
            out.push((*id, r.int(0)?));
        }
    }
    Ok(out)
}

// ---- the paper ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PaperIssue {
    pub id: i64,
    pub number: i64,
    pub published_on: NaiveDate,
    /// The articles' ids in the order they are printed.
    pub article_ids: Vec<i64>,
}

pub fn add_issue(
    c: &mut dyn Conn,
    t: Tenant,
    number: i64,
    published_on: NaiveDate,
    article_ids: &[i64],
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = c.insert(
        "INSERT INTO paper_issues (community_id, number, published_on, created_by, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
        params![t, number, published_on, by, now_text(now)],
    )?;
    for (i, a) in article_ids.iter().enumerate() {
        c.execute(
            "INSERT INTO paper_issue_articles (community_id, issue_id, article_id, position) VALUES (?, ?, ?, ?)",
            params![t, id, *a, i as i64 + 1],
        )?;
    }
    Ok(id)
}

pub fn number_taken(c: &mut dyn Conn, t: Tenant, number: i64) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM paper_issues WHERE community_id = ? AND number = ?",
        params![t, number],
    )?
    .is_some())
}

fn issue_articles(c: &mut dyn Conn, id: i64) -> Result<Vec<i64>> {
    c.query_map(
        "SELECT article_id FROM paper_issue_articles WHERE issue_id = ? ORDER BY position",
        params![id],
        |r| r.int(0),
    )
}

pub fn issue(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<PaperIssue> {
    let r = c.query_one(
        "SELECT id, number, published_on FROM paper_issues WHERE community_id = ? AND id = ?",
        params![t, id],
    )?;
    Ok(from_row!(r => PaperIssue {
        id, number, published_on;
        article_ids: issue_articles(c, id)?,
    }))
}

/// The issues, newest first (`up_to`: published by that day only).
pub fn issues(c: &mut dyn Conn, t: Tenant, up_to: Option<&str>) -> Result<Vec<PaperIssue>> {
    let mut args: Vec<Value> = vec![t.into()];
    let mut sql =
        String::from("SELECT id, number, published_on FROM paper_issues WHERE community_id = ?");
    if let Some(d) = up_to {
        sql.push_str(" AND published_on <= ?");
        args.push(d.into());
    }
    sql.push_str(" ORDER BY published_on DESC, number DESC");
    let rows = c.query(&sql, &args)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id = r.int(0)?;
        out.push(PaperIssue {
            id,
            number: r.int(1)?,
            published_on: r.date(2)?,
            article_ids: issue_articles(c, id)?,
        });
    }
    Ok(out)
}

/// The issues an article is printed in: (issue id, number).
pub fn issues_of(c: &mut dyn Conn, t: Tenant, article_id: i64) -> Result<Vec<(i64, i64)>> {
    c.query_map(
        "SELECT p.id, p.number FROM paper_issue_articles a JOIN paper_issues p ON p.id = a.issue_id
         WHERE p.community_id = ? AND a.article_id = ? ORDER BY p.number",
        params![t, article_id],
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
}

/// Issues published between `from` and `to`.
pub fn issues_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM paper_issues WHERE community_id = ? AND published_on >= ? AND published_on <= ?",
        params![t, from, to],
    )
}

// ---- settings ----

/// The paper's name (empty: not set).
pub fn paper_name(c: &mut dyn Conn, t: Tenant) -> Result<String> {
    Ok(c.query_opt("SELECT paper_name FROM publicity_settings WHERE community_id = ?", params![t])?
        .map(|r| r.text(0))
        .transpose()?
        .unwrap_or_default())
}

pub fn set_paper_name(c: &mut dyn Conn, t: Tenant, name: &str) -> Result<()> {
    if c.execute(
        "UPDATE publicity_settings SET paper_name = ? WHERE community_id = ?",
        params![name, t],
    )? == 0
    {
        c.execute(
            "INSERT INTO publicity_settings (community_id, paper_name) VALUES (?, ?)",
            params![t, name],
        )?;
    }
    Ok(())
}

// ---- the staff desk ----

/// How many photos each of the articles has: (article id, count), articles without photos
/// left out. One query for the page.
pub fn photo_counts(c: &mut dyn Conn, t: Tenant, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut args: Vec<Value> = vec![t.into()];
    args.extend(ids.iter().map(|i| Value::from(*i)));
    c.query_map(
        &format!(
            "SELECT article_id, COUNT(*) FROM article_photos WHERE community_id = ? AND article_id IN ({marks})
             GROUP BY article_id ORDER BY article_id"
        ),
        &args,
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
}

/// Takes a photo off its article (not found: another article's, or another community's).
pub fn remove_photo(c: &mut dyn Conn, t: Tenant, article_id: i64, photo_id: i64) -> Result<()> {
    let n = c.execute(
        "DELETE FROM article_photos WHERE community_id = ? AND article_id = ? AND id = ?",
        params![t, article_id, photo_id],
    )?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}
