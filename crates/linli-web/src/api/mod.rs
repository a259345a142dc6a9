//! The JSON API under `/api/v1`, and its OpenAPI document built from the route table.

mod assistance;
mod fund;
mod learning;
mod openapi;
mod partners;
mod places;
pub mod reports;
mod residents;
mod users;

use crate::routes::Table;

/// `page` query parameter: 1-based, at most this many items a page.
pub const PER_PAGE: i64 = 100;

pub fn routes(t: Table) -> Table {
    let t = assistance::routes(t);
    let t = fund::routes(t);
    let t = learning::routes(t);
    let t = partners::routes(t);
    let t = places::routes(t);
    let t = reports::routes(t);
    let t = residents::routes(t);
    let t = users::routes(t);
    openapi::routes(t)
}
