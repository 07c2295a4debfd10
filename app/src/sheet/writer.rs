//! The two file formats of the offices' exports (server only), each written row by row into
//! an unnamed temporary file under the data directory, so an export of any size takes a
//! bounded amount of memory: CSV in UTF-8 with a byte-order mark (so Excel reads Chinese text
//! right), and XLSX with rust_xlsxwriter's constant-memory worksheets.
//!
//! Text a person typed never becomes a formula: CSV cells that start with `=`, `+`, `-`, `@`
//! (or a tab or carriage return) get a leading apostrophe; XLSX cells are typed text, which a
//! spreadsheet shows as it is and never evaluates.

use crate::domain::Millis;
use crate::domain::time::{CST_OFFSET_MS, DAY_MS};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::Path;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A moment, shown in China time (in XLSX a real Excel date).
    Date(Millis),
    Int(i64),
    /// A rate in per mille (None: no rate, an empty cell).
    Permille(Option<i64>),
    Blank,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    pub fn opt_text(s: Option<String>) -> Self {
        s.map_or(Self::Blank, Self::Text)
    }

    pub fn opt_date(d: Option<Millis>) -> Self {
        d.map_or(Self::Blank, Self::Date)
    }
}

/// What comes before the rows: a title and a few lines (the dashboard's period), the column
/// headers and their widths (in Excel's character units).
pub struct Layout<'a> {
    pub sheet_name: &'a str,
    pub preamble: Vec<String>,
    pub headers: &'a [&'a str],
    pub widths: &'a [f64],
}

/// A sheet being written.
pub trait SheetWriter: Send {
    fn row(&mut self, cells: &[Cell]) -> std::io::Result<()>;
    /// The finished file, positioned at its start.
    fn finish(self: Box<Self>) -> std::io::Result<File>;
}

/// Excel's own limit of rows in one worksheet.
pub const XLSX_MAX_ROWS: u32 = 1_048_576;

/// A cell's text with the formula guard applied.
pub fn neutralised(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// "2026-11-27 21:05" in China time: a form every spreadsheet reads as a date and time.
pub fn plain_datetime(m: Millis) -> String {
    let t = m.to_cst();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

/// Excel's serial date of a moment in China time (days since 1899-12-30, 1970-01-01 = 25569).
pub fn excel_serial(m: Millis) -> f64 {
    (m.0 + CST_OFFSET_MS) as f64 / DAY_MS as f64 + 25569.0
}

fn permille_text(p: Option<i64>) -> String {
    crate::reports::record::format_permille(p).replace('—', "")
}

// ---- CSV ----

pub struct Csv {
    out: BufWriter<File>,
}

impl Csv {
    pub fn create(dir: &Path, layout: &Layout<'_>) -> std::io::Result<Self> {
        let mut out = BufWriter::with_capacity(64 * 1024, tempfile::tempfile_in(dir)?);
        out.write_all("\u{feff}".as_bytes())?;
        let mut csv = Self { out };
        for line in &layout.preamble {
            csv.row(&[Cell::text(line.as_str())])?;
        }
        let headers: Vec<Cell> = layout.headers.iter().map(|h| Cell::text(*h)).collect();
        csv.row(&headers)?;
        Ok(csv)
    }

    fn field(&mut self, value: &str) -> std::io::Result<()> {
        let value = neutralised(value);
        if value.contains([',', '"', '\n', '\r']) {
            self.out.write_all(b"\"")?;
            self.out.write_all(value.replace('"', "\"\"").as_bytes())?;
            self.out.write_all(b"\"")
        } else {
            self.out.write_all(value.as_bytes())
        }
    }
}

impl SheetWriter for Csv {
    fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            match cell {
                Cell::Text(s) => self.field(s)?,
                Cell::Date(m) => self.field(&plain_datetime(*m))?,
                Cell::Int(n) => write!(self.out, "{n}")?,
                Cell::Permille(p) => self.field(&permille_text(*p))?,
                Cell::Blank => {}
            }
        }
        self.out.write_all(b"\r\n")
    }

    fn finish(self: Box<Self>) -> std::io::Result<File> {
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(file)
    }
}

// ---- XLSX ----

pub struct Xlsx {
    book: Workbook,
    dir: std::path::PathBuf,
    sheet_name: String,
    headers: Vec<String>,
    widths: Vec<f64>,
    /// The worksheet being written and its next row.
    sheet: usize,
    next_row: u32,
    /// Rows a worksheet may hold ([`XLSX_MAX_ROWS`]; fewer in tests).
    max_rows: u32,
    bold: Format,
    date: Format,
    percent: Format,
    wrap: Format,
}

fn xlsx_err(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e)
}

impl Xlsx {
    pub fn create(dir: &Path, layout: &Layout<'_>) -> std::io::Result<Self> {
        Self::with_max_rows(dir, layout, XLSX_MAX_ROWS)
    }

    /// [`Xlsx::create`] whose worksheets hold at most `max_rows` rows each.
    pub fn with_max_rows(dir: &Path, layout: &Layout<'_>, max_rows: u32) -> std::io::Result<Self> {
        let mut book = Workbook::new();
        book.set_tempdir(dir).map_err(xlsx_err)?;
        let mut x = Self {
            book,
            dir: dir.to_path_buf(),
            sheet_name: layout.sheet_name.to_string(),
            headers: layout.headers.iter().map(|h| h.to_string()).collect(),
            widths: layout.widths.to_vec(),
            sheet: 0,
            next_row: 0,
            max_rows,
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            percent: Format::new().set_num_format("0.0%"),
            wrap: Format::new().set_text_wrap(),
        };
        x.new_sheet(&layout.preamble)?;
        Ok(x)
    }

    /// Starts a worksheet: its name, widths, the preamble, the header row frozen at the top.
    fn new_sheet(&mut self, preamble: &[String]) -> std::io::Result<()> {
        let index = self.book.worksheets().len();
        let name = if index == 0 {
            self.sheet_name.clone()
        } else {
            format!("{}（{}）", self.sheet_name, index + 1)
        };
        let ws = self
            .book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        ws.set_name(name).map_err(xlsx_err)?;
        for (col, w) in self.widths.iter().enumerate() {
            ws.set_column_width(col as u16, *w).map_err(xlsx_err)?;
        }
        let mut row = 0u32;
        for line in preamble {
            ws.write_string_with_format(row, 0, line, &self.bold)
                .map_err(xlsx_err)?;
            row += 1;
        }
        for (col, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, h, &self.bold)
                .map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(row + 1, 0).map_err(xlsx_err)?;
        self.sheet = index;
        self.next_row = row + 1;
        Ok(())
    }
}

impl SheetWriter for Xlsx {
    fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        if self.next_row >= self.max_rows {
            self.new_sheet(&[])?;
        }
        let row = self.next_row;
        let ws = self
            .book
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_err)?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) if s.contains('\n') => {
                    ws.write_string_with_format(row, col, s, &self.wrap)
                }
                Cell::Text(s) => ws.write_string(row, col, s),
                Cell::Date(m) => {
                    ws.write_number_with_format(row, col, excel_serial(*m), &self.date)
                }
                Cell::Int(n) => ws.write_number(row, col, *n as f64),
                Cell::Permille(Some(p)) => {
                    ws.write_number_with_format(row, col, *p as f64 / 1000.0, &self.percent)
                }
                Cell::Permille(None) | Cell::Blank => continue,
            }
            .map_err(xlsx_err)?;
        }
        self.next_row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<File> {
        let mut file = tempfile::tempfile_in(&self.dir)?;
        self.book
            .save_to_writer(BufWriter::new(&mut file))
            .map_err(xlsx_err)?;
        file.rewind()?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_guard_prefixes_exactly_the_dangerous_starts() {
        for s in ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(s), format!("'{s}"));
        }
        for s in ["巷口=垃圾", "1-2", "", "'quoted", "韩营一巷"] {
            assert_eq!(neutralised(s), s);
        }
    }

    #[test]
    fn excel_serials_are_china_time_days() {
        // 2026-11-27 00:00 China time = 2026-11-26 16:00 UTC.
        let midnight = Millis::cst_midnight(2026, 11, 27).unwrap();
        assert_eq!(excel_serial(midnight), 46353.0);
        assert_eq!(excel_serial(Millis(midnight.0 + 6 * 3_600_000)), 46353.25);
        assert_eq!(
            plain_datetime(Millis(midnight.0 + 61_000)),
            "2026-11-27 00:01"
        );
    }

    #[test]
    fn a_full_worksheet_continues_on_the_next_with_its_header() {
        use calamine::{Data, Reader};
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout {
            sheet_name: "报告明细",
            preamble: vec![],
            headers: &["甲", "乙"],
            widths: &[10.0, 10.0],
        };
        let mut x = Box::new(Xlsx::with_max_rows(dir.path(), &layout, 4).unwrap());
        for i in 0..5 {
            x.row(&[Cell::Int(i), Cell::text("=1+1")]).unwrap();
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut x.finish().unwrap(), &mut bytes).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["报告明细", "报告明细（2）"]);
        let rows = |book: &mut calamine::Xlsx<_>, name: &str| -> Vec<Vec<Data>> {
            let range = book.worksheet_range(name).unwrap();
            range.rows().map(|r| r.to_vec()).collect()
        };
        let first = rows(&mut book, "报告明细");
        let second = rows(&mut book, "报告明细（2）");
        assert_eq!(first.len(), 4, "the header and three rows");
        assert_eq!(second.len(), 3, "the header again and the other two");
        assert_eq!(second[0][0], Data::String("甲".into()));
        assert_eq!(second[2][0], Data::Float(4.0));
        assert_eq!(
            second[2][1],
            Data::String("=1+1".into()),
            "text, not a formula"
        );
    }

    #[test]
    fn csv_quotes_what_needs_it_and_starts_with_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout {
            sheet_name: "s",
            preamble: vec![],
            headers: &["甲", "乙"],
            widths: &[10.0, 10.0],
        };
        let mut csv = Box::new(Csv::create(dir.path(), &layout).unwrap());
        csv.row(&[Cell::text("a,\"b\"\n"), Cell::text("=HYPERLINK(\"x\")")])
            .unwrap();
        csv.row(&[Cell::Int(7), Cell::Permille(Some(875))]).unwrap();
        csv.row(&[Cell::Blank, Cell::Permille(None)]).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut csv.finish().unwrap(), &mut text).unwrap();
        assert_eq!(
            text,
            "\u{feff}甲,乙\r\n\"a,\"\"b\"\"\n\",\"'=HYPERLINK(\"\"x\"\")\"\r\n7,87.5%\r\n,\r\n"
        );
    }
}
