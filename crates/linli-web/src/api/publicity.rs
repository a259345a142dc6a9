//! JSON API of publicity: articles, the 宣传画廊's boards, paper issues and search (contract
//! names of issue 17).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::publicity::{self as ops, ArticleDraft, BoardDraft, PaperIssueDraft, SearchPage};
use linli_core::Action;
use linli_store::publicity::{Article, Board, PaperIssue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listed, NewId, Paged, created_id};

async fn create_article(ctx: Ctx, Json(d): Json<ArticleDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_article(&ctx.state.app, &ctx.actor()?, d, Vec::new()).await?.id))
}

#[derive(Deserialize, JsonSchema, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

async fn list_articles(
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<Paged<Article>>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let p = ops::articles(&ctx.state.app, &ctx.actor()?, page).await?;
    Ok(Json(Paged { items: p.items, total: p.total, page }))
}

/// An article with its photos' ids and the paper issues it is printed in.
#[derive(Serialize, JsonSchema)]
struct ArticleBody {
    #[serde(flatten)]
    article: Article,
    photo_ids: Vec<i64>,
    paper_issue_ids: Vec<i64>,
}

async fn get_article(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ArticleBody>, AppError> {
    let v = ops::article(&ctx.state.app, &ctx.actor()?, id).await?;
    Ok(Json(ArticleBody {
        article: v.article,
        photo_ids: v.photos,
        paper_issue_ids: v.issues.into_iter().map(|(id, _)| id).collect(),
    }))
}

async fn update_article(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<ArticleDraft>,
) -> Result<Json<NewId>, AppError> {
    ops::update_article(&ctx.state.app, &ctx.actor()?, id, d).await?;
    Ok(Json(NewId { id }))
}

#[derive(Deserialize, JsonSchema, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    kind: Option<String>,
}

async fn search(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Json<SearchPage>, AppError> {
    let kind = ops::kind_of(Some(q.kind.as_deref().unwrap_or("article")))?;
    Ok(Json(
        ops::search_all(&ctx.state.app, &ctx.actor()?, &q.q, kind, q.page.unwrap_or(1).max(1))
            .await?,
    ))
}

async fn create_issue(ctx: Ctx, Json(d): Json<PaperIssueDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_issue(&ctx.state.app, &ctx.actor()?, d).await?.id))
}

async fn list_issues(ctx: Ctx) -> Result<Json<Listed<PaperIssue>>, AppError> {
    Ok(Listed::of(ops::issues(&ctx.state.app, &ctx.actor()?).await?.1))
}

async fn list_boards(ctx: Ctx) -> Result<Json<Listed<Board>>, AppError> {
    Ok(Listed::of(ops::board_choices(&ctx.state.app, &ctx.actor()?).await?))
}

async fn create_board(ctx: Ctx, Json(d): Json<BoardDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_board(&ctx.state.app, &ctx.actor()?, d).await?.id))
}

/// A board as it now stands.
async fn board_json(ctx: &Ctx, id: i64) -> Result<Json<Board>, AppError> {
    Ok(Json(ops::board(&ctx.state.app, &ctx.actor()?, id).await?.board))
}

async fn update_board(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<BoardDraft>,
) -> Result<Json<Board>, AppError> {
    ops::rename_board(&ctx.state.app, &ctx.actor()?, id, d).await?;
    board_json(&ctx, id).await
}

async fn retire_board(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Board>, AppError> {
    ops::retire_board(&ctx.state.app, &ctx.actor()?, id).await?;
    board_json(&ctx, id).await
}

async fn restore_board(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Board>, AppError> {
    ops::restore_board(&ctx.state.app, &ctx.actor()?, id).await?;
    board_json(&ctx, id).await
}

/// Why a board is deleted (recorded in the audit log).
#[derive(Deserialize, JsonSchema, Default)]
struct DeleteBody {
    #[serde(default)]
    reason: String,
}

/// The id of what was deleted.
#[derive(Serialize, JsonSchema)]
struct Deleted {
    id: i64,
    deleted: bool,
}

async fn delete_board(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<DeleteBody>,
) -> Result<Json<Deleted>, AppError> {
    ops::delete_board(&ctx.state.app, &ctx.actor()?, id, &b.reason).await?;
    Ok(Json(Deleted { id, deleted: true }))
}

const P: &str = "publicity";

pub fn routes(t: Table) -> Table {
    t.api(Method::POST, "/api/v1/articles", Policy::Signed(Action::ManagePublicity),
        ApiDoc::created::<NewId>(P, "articles_create", "Write an article (plain text; \"## \" headings, \"- \" lists, **bold**), optionally posted on a 宣传画廊 board; indexed for search at once").body::<ArticleDraft>(),
        create_article)
    .api(Method::GET, "/api/v1/articles", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Paged<Article>>(P, "articles_list", "The community's articles, newest first").query(&[("page", "1-based page of 20")]),
        list_articles)
    .api(Method::GET, "/api/v1/articles/search", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<SearchPage>(P, "articles_search", "Chinese full-text search (jieba segmentation): every word of q, title hits first, with a highlighted snippet").query(&[("q", "the words to find"), ("page", "1-based page of 20"), ("kind", "article (default), paper_issue, course, or all")]),
        search)
    .api(Method::GET, "/api/v1/articles/{id}", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<ArticleBody>(P, "articles_get", "An article with its photos and the paper issues it is in"),
        get_article)
    .api(Method::PUT, "/api/v1/articles/{id}", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<NewId>(P, "articles_update", "Change an article (the search index follows)").body::<ArticleDraft>(),
        update_article)
    .api(Method::POST, "/api/v1/paper-issues", Policy::Signed(Action::ManagePublicity),
        ApiDoc::created::<NewId>(P, "paper_issues_create", "An issue of the community paper: its number, day and articles in print order").body::<PaperIssueDraft>(),
        create_issue)
    .api(Method::GET, "/api/v1/paper-issues", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Listed<PaperIssue>>(P, "paper_issues_list", "The paper's issues, newest first"),
        list_issues)
    .api(Method::GET, "/api/v1/publicity-boards", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Listed<Board>>(P, "publicity_boards_list", "The 宣传画廊's boards"),
        list_boards)
    .api(Method::POST, "/api/v1/publicity-boards", Policy::Signed(Action::ManagePublicity),
        ApiDoc::created::<NewId>(P, "publicity_boards_create", "A board of the 宣传画廊").body::<BoardDraft>(),
        create_board)
    .api(Method::PUT, "/api/v1/publicity-boards/{id}", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Board>(P, "publicity_boards_update", "Rename a board or say where it stands now; its articles follow it").body::<BoardDraft>(),
        update_board)
    .api(Method::POST, "/api/v1/publicity-boards/{id}/retire", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Board>(P, "publicity_boards_retire", "Retire a board from today: no new article is posted on it; its articles keep naming it"),
        retire_board)
    .api(Method::POST, "/api/v1/publicity-boards/{id}/restore", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Board>(P, "publicity_boards_restore", "Put a retired board back in use"),
        restore_board)
    .api(Method::POST, "/api/v1/publicity-boards/{id}/delete", Policy::Signed(Action::ManagePublicity),
        ApiDoc::ok::<Deleted>(P, "publicity_boards_delete", "Delete a board nothing was ever posted on, with a reason; a board with articles is refused 409 board_has_articles (rename or retire it)").body::<DeleteBody>(),
        delete_board)
}
