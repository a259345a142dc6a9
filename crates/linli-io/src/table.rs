//! Turns a stream of non-empty cells into a [`Sheet`]: finds the header row, aligns the cells
//! and enforces the row, column and text limits while the cells arrive (so a huge sheet is
//! refused before it is all in memory).
//!
//! Memory (issue 18, item 6): the cells' text goes into one buffer and each non-empty cell
//! costs 8 bytes more (its column and where its text ends), instead of a `String` each: a
//! 640,000-row CSV of 50 MB reads into about twice its size, where a `Vec<String>` a row took
//! about eight times. Cells arriving in order (the usual case: row by row, left to right) are
//! kept as they come; a sheet written in another order (bottom-up, or columns out of order) is
//! sorted once at the end, O(n log n).

use crate::{IoError, Limits, Row, Table};
use std::collections::BTreeMap;

/// One run of cells of a single row, in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    /// The spreadsheet's row number (first row = 1).
    number: usize,
    /// Index of the run's first cell in `cells`.
    first_cell: u32,
    /// Where the run's text starts in `text`.
    text_start: u32,
}

pub(crate) struct TableBuilder {
    max_rows: usize,
    max_columns: usize,
    max_text: usize,
    /// Every cell's text, one after the other.
    text: String,
    /// (zero-based column, end of the text in `text`) of each non-empty cell, in arrival order;
    /// a cell's text starts where the previous cell of its run ends.
    cells: Vec<(u32, u32)>,
    /// Runs of cells of one row.
    segs: Vec<Seg>,
    /// While true: runs strictly ascending by row, columns strictly ascending in each run
    /// (every run is a whole row, no column twice).
    ordered: bool,
    /// Out of order only: cells pushed per row number (duplicates included), for the header
    /// and the row limit.
    counts: BTreeMap<usize, u32>,
    /// The first row with two cells or more, as far as seen.
    header: Option<usize>,
    /// Rows below the header (all rows while there is none), for the row limit.
    data_rows: usize,
}

/// Where a reader puts the cells it finds: `row` and `col` zero-based, `text` as the person
/// sees it (cleaned, never empty).
pub(crate) trait CellSink {
    fn cell(&mut self, row: u32, col: u32, text: &str) -> Result<(), IoError>;
}

impl CellSink for TableBuilder {
    fn cell(&mut self, row: u32, col: u32, text: &str) -> Result<(), IoError> {
        self.push(row, col, text)
    }
}

impl TableBuilder {
    pub(crate) fn new(limits: &Limits) -> TableBuilder {
        TableBuilder {
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
            max_text: usize::try_from(limits.max_uncompressed_bytes)
                .unwrap_or(usize::MAX)
                .min(u32::MAX as usize),
            text: String::new(),
            cells: Vec::new(),
            segs: Vec::new(),
            ordered: true,
            counts: BTreeMap::new(),
            header: None,
            data_rows: 0,
        }
    }

    /// Adds one cell; `row` and `col` are zero-based, `text` already cleaned. Empty texts are
    /// ignored. Cells normally arrive row by row, left to right, but any order is accepted.
    pub(crate) fn push(
        &mut self,
        row: u32,
        col: u32,
        text: impl AsRef<str>,
    ) -> Result<(), IoError> {
        let text = text.as_ref();
        if text.is_empty() {
            return Ok(());
        }
        if usize::try_from(col).map_or(true, |c| c >= self.max_columns) {
            return Err(IoError::TooManyColumns { limit: self.max_columns });
        }
        if self.text.len() + text.len() > self.max_text {
            return Err(IoError::ZipBomb {
                detail: format!("the cells hold more than {} bytes of text", self.max_text),
            });
        }
        let number = row as usize + 1;
        let (new_run, cells_in_row) = match self.segs.last().copied() {
            Some(last) if last.number == number => {
                let in_run = self.cells.len() - last.first_cell as usize;
                if self.ordered && self.cells.last().is_some_and(|c| c.0 >= col) {
                    self.become_unordered();
                }
                (false, in_run + 1)
            }
            last => {
                if self.ordered && last.is_some_and(|l| l.number > number) {
                    self.become_unordered();
                }
                (true, 1)
            }
        };
        if new_run {
            self.segs.push(Seg {
                number,
                first_cell: self.cells.len() as u32,
                text_start: self.text.len() as u32,
            });
        }
        self.text.push_str(text);
        self.cells.push((col, self.text.len() as u32));
        // The row's cell count so far, and whether the row is new.
        let (new_row, count) = if self.ordered {
            (new_run, cells_in_row)
        } else {
            let c = self.counts.entry(number).or_insert(0);
            *c += 1;
            (*c == 1, *c as usize)
        };
        if new_row && self.header.is_none_or(|h| number > h) {
            self.data_rows += 1;
        }
        if count >= 2 && self.header.is_none_or(|h| number < h) {
            // The header moves up to this row: the rows between it and the old header (the
            // old header included) become data; with no header before, every row below it.
            // (In order, no row below this one has been seen.)
            self.data_rows = match (self.header, self.ordered) {
                (_, true) => 0,
                (Some(old), false) => self.data_rows + self.counts.range(number + 1..=old).count(),
                (None, false) => self.counts.range(number + 1..).count(),
            };
            self.header = Some(number);
        }
        if self.data_rows > self.max_rows {
            return Err(IoError::TooManyRows { limit: self.max_rows });
        }
        Ok(())
    }

    /// From now on the rows are counted in `counts` (the runs so far are counted in).
    fn become_unordered(&mut self) {
        self.ordered = false;
        let ends: Vec<usize> = self
            .segs
            .iter()
            .skip(1)
            .map(|s| s.first_cell as usize)
            .chain(std::iter::once(self.cells.len()))
            .collect();
        for (seg, end) in self.segs.iter().zip(ends) {
            *self.counts.entry(seg.number).or_insert(0) += (end - seg.first_cell as usize) as u32;
        }
    }

    /// The cells of run `i`: (column, text).
    fn run(&self, i: usize) -> impl Iterator<Item = (u32, &str)> {
        let seg = self.segs[i];
        let end = self.segs.get(i + 1).map_or(self.cells.len(), |s| s.first_cell as usize);
        let mut start = seg.text_start as usize;
        self.cells[seg.first_cell as usize..end].iter().map(move |&(col, stop)| {
            let s = self.text.get(start..stop as usize).unwrap_or("");
            start = stop as usize;
            (col, s)
        })
    }

    /// Rewrites the cells in row order, columns ascending, the later of two cells of the same
    /// row and column kept: O(n log n), and the text copied once.
    fn sort(&mut self) {
        let mut order: Vec<u32> = (0..self.segs.len() as u32).collect();
        order.sort_by_key(|&i| self.segs[i as usize].number); // stable: arrival order kept
        let mut text = String::with_capacity(self.text.len());
        let mut cells = Vec::with_capacity(self.cells.len());
        let mut segs = Vec::new();
        let mut row: Vec<(u32, usize, &str)> = Vec::new();
        let mut k = 0;
        while k < order.len() {
            let number = self.segs[order[k] as usize].number;
            row.clear();
            while let Some(&i) = order.get(k).filter(|&&i| self.segs[i as usize].number == number) {
                let base = row.len();
                row.extend(self.run(i as usize).enumerate().map(|(j, (c, s))| (c, base + j, s)));
                k += 1;
            }
            // By column, then arrival: the last of each column wins.
            row.sort_by_key(|&(c, seq, _)| (c, seq));
            segs.push(Seg {
                number,
                first_cell: cells.len() as u32,
                text_start: text.len() as u32,
            });
            for (j, &(col, _, s)) in row.iter().enumerate() {
                if row.get(j + 1).is_some_and(|next| next.0 == col) {
                    continue;
                }
                text.push_str(s);
                cells.push((col, text.len() as u32));
            }
        }
        drop(row);
        self.text = text;
        self.cells = cells;
        self.segs = segs;
        self.counts = BTreeMap::new();
        self.ordered = true;
    }

    pub(crate) fn finish(mut self) -> Result<Sheet, IoError> {
        if !self.ordered {
            self.sort();
        }
        if self.segs.is_empty() {
            return Err(IoError::Empty);
        }
        let len_of = |b: &TableBuilder, i: usize| {
            b.segs.get(i + 1).map_or(b.cells.len(), |s| s.first_cell as usize)
                - b.segs[i].first_cell as usize
        };
        let Some(header_at) = (0..self.segs.len()).find(|&i| len_of(&self, i) >= 2) else {
            return Err(IoError::NoHeader);
        };
        let data = self.segs.len() - header_at - 1;
        if data > self.max_rows {
            return Err(IoError::TooManyRows { limit: self.max_rows });
        }
        // The table spans the columns used from the header row down (a title row above may sit
        // anywhere). Cells are sorted in each row.
        let from = self.segs[header_at].first_cell as usize;
        let used = &self.cells[from..];
        let first = used.iter().map(|c| c.0).min().unwrap_or(0);
        let last = used.iter().map(|c| c.0).max().unwrap_or(0);
        let width = (last - first) as usize + 1;
        let mut headers = vec![String::new(); width];
        for (col, s) in self.run(header_at) {
            if let Some(slot) = headers.get_mut((col - first) as usize) {
                *slot = s.to_owned();
            }
        }
        let mut segs = self.segs.split_off(header_at + 1);
        segs.shrink_to_fit();
        let mut cells = self.cells;
        cells.shrink_to_fit();
        let mut text = self.text;
        text.shrink_to_fit();
        Ok(Sheet { headers, first, text, cells, rows: segs })
    }
}

/// A sheet as read, stored compactly: the text of every cell in one buffer. What
/// [`crate::read_sheet`] returns; [`Sheet::into_table`] makes the [`Table`] of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The header row's cells, trimmed; as [`Table::headers`].
    pub headers: Vec<String>,
    /// The zero-based column of the sheet that is column 0 of the table.
    first: u32,
    text: String,
    /// (sheet column, end of the text) of each non-empty cell; a row's cells are consecutive,
    /// columns ascending.
    cells: Vec<(u32, u32)>,
    /// The data rows, in order.
    rows: Vec<Seg>,
}

/// One data row of a [`Sheet`].
#[derive(Debug, Clone, Copy)]
pub struct SheetRow<'a> {
    /// The row's number in the spreadsheet, as [`Row::number`].
    pub number: usize,
    first: u32,
    text_start: u32,
    text: &'a str,
    cells: &'a [(u32, u32)],
}

impl<'a> SheetRow<'a> {
    /// A row of its own buffer: `cells` are (sheet column, end of the text in `text`),
    /// columns ascending, the first cell's text starting at 0.
    pub(crate) fn new(number: usize, text: &'a str, cells: &'a [(u32, u32)]) -> SheetRow<'a> {
        SheetRow { number, first: 0, text_start: 0, text, cells }
    }

    /// The cell in column `i` (as in [`Sheet::headers`]); `""` when it is empty.
    pub fn get(&self, i: usize) -> &'a str {
        let Some(col) = u32::try_from(i).ok().and_then(|i| i.checked_add(self.first)) else {
            return "";
        };
        let Ok(k) = self.cells.binary_search_by_key(&col, |c| c.0) else {
            return "";
        };
        let start = match k.checked_sub(1) {
            Some(p) => self.cells[p].1,
            None => self.text_start,
        };
        self.text.get(start as usize..self.cells[k].1 as usize).unwrap_or("")
    }

    /// The row's `width` cells as strings (missing ones `""`).
    pub fn to_vec(&self, width: usize) -> Vec<String> {
        (0..width).map(|i| self.get(i).to_owned()).collect()
    }
}

impl Sheet {
    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of the first column whose header is `name`, as [`Table::column`].
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name.trim())
    }

    /// Data row `i`.
    pub fn row(&self, i: usize) -> Option<SheetRow<'_>> {
        (i < self.rows.len()).then(|| self.row_at(i))
    }

    fn row_at(&self, i: usize) -> SheetRow<'_> {
        let seg =
            self.rows.get(i).copied().unwrap_or(Seg { number: 0, first_cell: 0, text_start: 0 });
        let end = self.rows.get(i + 1).map_or(self.cells.len(), |s| s.first_cell as usize);
        SheetRow {
            number: seg.number,
            first: self.first,
            text_start: seg.text_start,
            text: &self.text,
            cells: self.cells.get(seg.first_cell as usize..end).unwrap_or(&[]),
        }
    }

    /// The data rows, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = SheetRow<'_>> + '_ {
        (0..self.rows.len()).map(move |i| self.row_at(i))
    }

    /// The same as a [`Table`], a `String` a cell.
    pub fn into_table(self) -> Table {
        let width = self.headers.len();
        let rows = self.rows().map(|r| Row { number: r.number, cells: r.to_vec(width) }).collect();
        Table { headers: self.headers, rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rows: usize, cols: usize) -> Limits {
        Limits { max_rows: rows, max_columns: cols, ..Limits::default() }
    }

    fn build(cells: &[(u32, u32, &str)], l: &Limits) -> Result<Table, IoError> {
        let mut b = TableBuilder::new(l);
        for (r, c, t) in cells {
            b.push(*r, *c, *t)?;
        }
        b.finish().map(Sheet::into_table)
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
            &[(3, 1, "b"), (1, 1, "电话"), (1, 0, "姓名"), (3, 0, "a"), (1, 0, "姓名2")],
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
        assert_eq!(build(&[(0, 0, "a"), (1, 0, "b")], &Limits::default()), Err(IoError::NoHeader));
    }

    #[test]
    fn limits_are_enforced_early() {
        let l = limits(2, 3);
        assert_eq!(build(&[(0, 3, "x")], &l), Err(IoError::TooManyColumns { limit: 3 }));
        let ok = [(0, 0, "a"), (0, 1, "b"), (1, 0, "1"), (2, 0, "2")];
        assert!(build(&ok, &l).is_ok());
        let mut b = TableBuilder::new(&l);
        for (r, c, t) in ok {
            b.push(r, c, t).unwrap();
        }
        assert_eq!(b.push(3, 0, "3"), Err(IoError::TooManyRows { limit: 2 }));
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
        let (down, up) = (down.finish().unwrap().into_table(), up.finish().unwrap().into_table());
        assert_eq!(up.headers, vec!["姓名", "电话"]);
        assert_eq!(up.headers, down.headers);
        assert_eq!(up.rows.len(), n as usize);
        assert!(
            up.rows.iter().zip(&down.rows).all(|(a, b)| a.number == b.number && a.cells == b.cells)
        );
        assert_eq!(up.rows[0].cells, vec!["居民1", "13800000001"]);

        // One row over the limit is refused bottom-up too, before the header is even seen.
        let tight = limits(n as usize - 1, 10);
        let mut b = TableBuilder::new(&tight);
        let refused = cells.iter().rev().try_for_each(|(r, c, t)| b.push(*r, *c, t.clone()));
        assert_eq!(refused, Err(IoError::TooManyRows { limit: n as usize - 1 }));
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

    /// The compact sheet reads the same cells as the table, empty ones `""`, out of range too.
    #[test]
    fn sheet_rows_read_like_the_table() {
        let cells = [
            (0, 0, "标题"),
            (1, 1, "姓名"),
            (1, 3, "电话"),
            (2, 1, "杨静"),
            (2, 3, "138"),
            (4, 2, "x"),
            (3, 1, "后到"),
            (2, 1, "杨静2"),
        ];
        let mut b = TableBuilder::new(&Limits::default());
        for (r, c, t) in cells {
            b.push(r, c, t).unwrap();
        }
        let sheet = b.finish().unwrap();
        assert_eq!(sheet.headers, ["姓名", "", "电话"]);
        assert_eq!(sheet.len(), 3);
        let rows: Vec<(usize, Vec<&str>)> =
            sheet.rows().map(|r| (r.number, (0..4).map(|i| r.get(i)).collect())).collect();
        assert_eq!(
            rows,
            [
                (3, vec!["杨静2", "", "138", ""]),
                (4, vec!["后到", "", "", ""]),
                (5, vec!["", "x", "", ""]),
            ]
        );
        let table = sheet.clone().into_table();
        assert_eq!(table.rows[0].cells, ["杨静2", "", "138"]);
        assert_eq!(sheet.row(2).map(|r| r.number), Some(5));
        assert!(sheet.row(3).is_none());
    }

    #[test]
    fn text_beyond_the_limit_is_refused() {
        let l = Limits { max_uncompressed_bytes: 10, ..Limits::default() };
        let mut b = TableBuilder::new(&l);
        b.push(0, 0, "12345").unwrap();
        b.push(0, 1, "12345").unwrap();
        assert!(matches!(b.push(1, 0, "1"), Err(IoError::ZipBomb { .. })));
    }
}
