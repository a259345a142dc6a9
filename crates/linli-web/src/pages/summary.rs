//! The annual summary: preview, edit the narrative, download (issue 8).

use crate::routes::Table;

pub fn routes(t: Table) -> Table {
    t
}
