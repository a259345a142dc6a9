//! Turns a stream of non-empty cells into a [`Table`]: finds the header row, aligns the cells
//! and enforces the row and column limits while the cells arrive (so a huge sheet is refused
//! before it is all in memory).

use crate::{IoError, Limits, Row, Table};
use std::collections::BTreeMap;

struct RawRow {
    /// The spreadsheet's row number (first row = 1).
    number: usize,
    /// (zero-based column, text), non-empty texts only; sorted at the end.
    cells: Vec<(u32, String)>,
}

pub(crate) struct TableBuilder {
    max_rows: usize,
    max_columns: usize,
    /// Rows with at least one non-empty cell, keyed by row number: cells in any order (a file
    /// written bottom-up, 990k rows) cost O(log n) each, never a shift of the rows seen.
    rows: BTreeMap<usize, Vec<(u32, String)>>,
    /// The first row with two cells or more, as far as seen.
    header: Option<usize>,
    /// Rows below the header (all rows while there is none), for the row limit.
    data_rows: usize,
}

impl TableBuilder {
    pub(crate) fn new(limits: &Limits) -> TableBuilder {
        TableBuilder {
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
            rows: BTreeMap::new(),
            header: None,
            data_rows: 0,
        }
    }

    /// Adds one cell; `row` and `col` are zero-based, `text` already cleaned. Empty texts are
    /// ignored. Cells normally arrive row by row, left to right, but any order is accepted.
    pub(crate) fn push(&mut self, row: u32, col: u32, text: String) -> Result<(), IoError> {
        if text.is_empty() {
            return Ok(());
        }
        if usize::try_from(col).map_or(true, |c| c >= self.max_columns) {
            return Err(IoError::TooManyColumns {
                limit: self.max_columns,
            });
        }
        let number = row as usize + 1;
        let cells = self.rows.entry(number).or_default();
        let new_row = cells.is_empty();
        cells.push((col, text));
        let many = cells.len() >= 2;
        if new_row && self.header.is_none_or(|h| number > h) {
            self.data_rows += 1;
        }
        if many && self.header.is_none_or(|h| number < h) {
            // The header moves up to this row: the rows between it and the old header (the
            // old header included) become data; with no header before, every row below it.
            self.data_rows = match self.header {
                Some(old) => self.data_rows + self.rows.range(number + 1..=old).count(),
                None => self.rows.range(number + 1..).count(),
            };
            self.header = Some(number);
        }
        if self.data_rows > self.max_rows {
            return Err(IoError::TooManyRows {
                limit: self.max_rows,
            });
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Table, IoError> {
        let max_rows = self.max_rows;
        let mut rows: Vec<RawRow> = self
            .rows
            .into_iter()
            .map(|(number, cells)| RawRow {
                number,
                cells: dedup_sorted(cells),
            })
            .filter(|r| !r.cells.is_empty())
            .collect();
        if rows.is_empty() {
            return Err(IoError::Empty);
        }
        let Some(header_at) = rows.iter().position(|r| r.cells.len() >= 2) else {
            return Err(IoError::NoHeader);
        };
        let data = rows.split_off(header_at + 1);
        if data.len() > max_rows {
            return Err(IoError::TooManyRows { limit: max_rows });
        }
        let Some(header) = rows.pop() else {
            return Err(IoError::NoHeader);
        };
        // The table spans the columns used from the header row down (a title row above may sit
        // anywhere). Cells are sorted, so the first and last cells are the extremes.
        let first = std::iter::once(&header)
            .chain(data.iter())
            .filter_map(|r| r.cells.first().map(|c| c.0))
            .min()
            .unwrap_or(0);
        let last = std::iter::once(&header)
            .chain(data.iter())
            .filter_map(|r| r.cells.last().map(|c| c.0))
            .max()
            .unwrap_or(0);
        let width = (last - first) as usize + 1;
        let spread = |cells: Vec<(u32, String)>| -> Vec<String> {
            let mut out = vec![String::new(); width];
            for (col, text) in cells {
                if let Some(slot) = out.get_mut((col - first) as usize) {
                    *slot = text;
                }
            }
            out
        };
        Ok(Table {
            headers: spread(header.cells),
            rows: data
                .into_iter()
                .map(|r| Row {
                    number: r.number,
                    cells: spread(r.cells),
                })
                .collect(),
        })
    }
}

/// Sorts by column; when a column appears twice (a damaged or odd file), the later cell wins.
fn dedup_sorted(mut cells: Vec<(u32, String)>) -> Vec<(u32, String)> {
    cells.sort_by_key(|c| c.0);
    let mut out: Vec<(u32, String)> = Vec::with_capacity(cells.len());
    for cell in cells {
        match out.last_mut() {
            Some(last) if last.0 == cell.0 => *last = cell,
            _ => out.push(cell),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rows: usize, cols: usize) -> Limits {
        Limits {
            max_rows: rows,
            max_columns: cols,
            ..Limits::default()
        }
    }

    fn build(cells: &[(u32, u32, &str)], l: &Limits) -> Result<Table, IoError> {
        let mut b = TableBuilder::new(l);
        for (r, c, t) in cells {
            b.push(*r, *c, (*t).to_string())?;
        }
        b.finish()
    }

    #[test]
    fn title_and_blank_rows_are_skipped_and_numbers_kept() {
        let t = build(
            &[
                (0, 0, "Xx社区居民花名册"),
                (2, 1, "姓名"),
                (2, 2, "电话"),
                (3, 1, "杨静"),
                (5, 2, "138"),
                (5, 4, "stray"),
            ],
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(t.headers, ["姓名", "电话", "", ""]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].number, 4);
        assert_eq!(t.rows[0].cells, ["杨静", "", "", ""]);
        assert_eq!(t.rows[1].number, 6);
        assert_eq!(t.rows[1].cells, ["", "138", "", "stray"]);
    }

    #[test]
    fn out_of_order_cells() {
        let t = build(
            &[
                (3, 1, "b"),
                (1, 1, "电话"),
                (1, 0, "姓名"),
                (3, 0, "a"),
                (1, 0, "姓名2"),
            ],
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(t.headers, ["姓名2", "电话"]);
        assert_eq!(t.rows[0].cells, ["a", "b"]);
        assert_eq!(t.rows[0].number, 4);
    }

    #[test]
    fn empty_and_headerless() {
        assert_eq!(build(&[], &Limits::default()), Err(IoError::Empty));
        assert_eq!(
            build(&[(0, 0, "a"), (1, 0, "b")], &Limits::default()),
            Err(IoError::NoHeader)
        );
    }

    #[test]
    fn limits_are_enforced_early() {
        let l = limits(2, 3);
        assert_eq!(
            build(&[(0, 3, "x")], &l),
            Err(IoError::TooManyColumns { limit: 3 })
        );
        let ok = [(0, 0, "a"), (0, 1, "b"), (1, 0, "1"), (2, 0, "2")];
        assert!(build(&ok, &l).is_ok());
        let mut b = TableBuilder::new(&l);
        for (r, c, t) in ok {
            b.push(r, c, t.to_string()).unwrap();
        }
        assert_eq!(
            b.push(3, 0, "3".into()),
            Err(IoError::TooManyRows { limit: 2 })
        );
        // Rows without any header count too, so a column of single cells cannot grow forever.
        assert_eq!(
            build(&[(0, 0, "a"), (1, 0, "b"), (2, 0, "c")], &l),
            Err(IoError::TooManyRows { limit: 2 })
        );
    }

    /// Issue 18 (7): a sheet written bottom-up was quadratic (each row inserted at the front).
    /// The same cells in either order make the same table, and the row limit holds either way.
    #[test]
    fn cells_bottom_up_make_the_same_table_as_top_down() {
        let n: u32 = 20_000;
        let mut cells = vec![(0, 0, "姓名".to_string()), (0, 1, "电话".to_string())];
        for r in 1..=n {
            cells.push((r, 0, format!("居民{r}")));
            cells.push((r, 1, format!("1380000{r:04}")));
        }
        let l = limits(n as usize, 10);
        let mut up = TableBuilder::new(&l);
        let mut down = TableBuilder::new(&l);
        for (r, c, t) in &cells {
            down.push(*r, *c, t.clone()).unwrap();
        }
        for (r, c, t) in cells.iter().rev() {
            up.push(*r, *c, t.clone()).unwrap();
        }
        let (down, up) = (down.finish().unwrap(), up.finish().unwrap());
        assert_eq!(up.headers, vec!["姓名", "电话"]);
        assert_eq!(up.headers, down.headers);
        assert_eq!(up.rows.len(), n as usize);
        assert!(
            up.rows
                .iter()
                .zip(&down.rows)
                .all(|(a, b)| a.number == b.number && a.cells == b.cells)
        );
        assert_eq!(up.rows[0].cells, vec!["居民1", "13800000001"]);

        // One row over the limit is refused bottom-up too, before the header is even seen.
        let tight = limits(n as usize - 1, 10);
        let mut b = TableBuilder::new(&tight);
        let refused = cells
            .iter()
            .rev()
            .try_for_each(|(r, c, t)| b.push(*r, *c, t.clone()));
        assert_eq!(
            refused,
            Err(IoError::TooManyRows {
                limit: n as usize - 1
            })
        );
    }

    /// A title row above the header, arriving last, leaves the data rows counted right.
    #[test]
    fn a_header_found_late_recounts_the_rows_below_it() {
        let l = limits(2, 10);
        let t = build(
            &[
                (3, 0, "b"),
                (3, 1, "2"),
                (2, 0, "a"),
                (2, 1, "1"),
                (1, 0, "姓名"),
                (1, 1, "电话"),
                (0, 0, "标题"),
            ],
            &l,
        )
        .unwrap();
        assert_eq!(t.headers, vec!["姓名", "电话"]);
        assert_eq!(t.rows.len(), 2);
    }
}
