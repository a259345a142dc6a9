//! Pages of learning and the employment station (issue 6).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::Table;
use maud::{Markup, html};

pub fn routes(t: Table) -> Table {
    t
}

/// This module's part of the worker's home page (due work), empty when nothing is due.
pub async fn home_panel(_state: &AppState, _ctx: &Ctx) -> Result<Markup, AppError> {
    Ok(html! {})
}
