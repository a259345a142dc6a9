//! Turns a stream of non-empty cells into a [`Table`]: finds the header row, aligns the cells
//! and enforces the row and column limits while the cells arrive (so a huge sheet is refused
//! before it is all in memory).

use crate::{IoError, Limits, Row, Table};

struct RawRow {
    /// The spreadsheet's row number (first row = 1).
    number: usize,
    /// (zero-based column, text), non-empty texts only; sorted at the end.
    cells: Vec<(u32, String)>,
}

pub(crate) struct TableBuilder {
    max_rows: usize,
    max_columns: usize,
    /// Rows with at least one non-empty cell, by row number.
    rows: Vec<RawRow>,
    /// Index in `rows` of the first row with two cells or more, as far as seen.
    header: Option<usize>,
}

impl TableBuilder {
    pub(crate) fn new(limits: &Limits) -> TableBuilder {
        TableBuilder {
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
            rows: Vec::new(),
            header: None,
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
        let (index, new_row) = match self.rows.last() {
            Some(last) if last.number == number => (self.rows.len() - 1, false),
            Some(last) if last.number > number => {
                // Out of order: find or insert the row.
                match self.rows.binary_search_by_key(&number, |r| r.number) {
                    Ok(i) => (i, false),
                    Err(i) => {
                        self.rows.insert(
                            i,
                            RawRow {
                                number,
                                cells: Vec::new(),
                            },
                        );
                        if let Some(h) = self.header.as_mut()
                            && *h >= i
                        {
                            *h += 1;
                        }
                        (i, true)
                    }
                }
            }
            _ => {
                self.rows.push(RawRow {
                    number,
                    cells: Vec::new(),
                });
                (self.rows.len() - 1, true)
            }
        };
        let Some(raw) = self.rows.get_mut(index) else {
            return Err(IoError::Corrupt {
                detail: "row index out of range".to_string(),
            });
        };
        raw.cells.push((col, text));
        if raw.cells.len() >= 2 && self.header.is_none_or(|h| index < h) {
            self.header = Some(index);
        }
        if new_row {
            let data_rows = match self.header {
                Some(h) => self.rows.len() - h - 1,
                None => self.rows.len(),
            };
            if data_rows > self.max_rows {
                return Err(IoError::TooManyRows {
                    limit: self.max_rows,
                });
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Table, IoError> {
        let max_rows = self.max_rows;
        let mut rows: Vec<RawRow> = self
            .rows
            .into_iter()
            .map(|mut r| {
                r.cells = dedup_sorted(r.cells);
                r
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
}
