//! JSON API of learning and the employment station (issue 6).

use crate::routes::Table;

pub fn routes(t: Table) -> Table {
    t
}
