//! JSON API of partner linkage and issue reports (issue 7).

use crate::routes::Table;

pub fn routes(t: Table) -> Table {
    t
}
