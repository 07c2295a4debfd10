//! The first sheet of an .xlsx file, read as a stream of cells with limits decided before
//! anything is allocated.
//!
//! A general spreadsheet library sizes its tables from what the file declares: a sheet that
//! names a cell at XFD1048576 asks for a 1,048,576 × 16,384 grid (calamine aborted the
//! process allocating 512 GB), and `<sst uniqueCount="…">` reserves that many strings up
//! front. Here nothing is sized from the file: the zip is unpacked through a byte budget
//! (`check_xlsx_expansion`), shared strings are kept up to a count and a byte total, and a
//! cell is kept only when it holds a value inside the import's row and column limits. A
//! value outside them refuses the file with a Chinese message, as soon as it is met.
//!
//! Only what an import needs is understood: shared, inline and formula-result strings,
//! numbers (a whole number reads as `7`, not `7.0`), booleans (是/否), ISO dates as text;
//! error cells read as empty.

use super::strings as s;
use super::{MAX_CELL_CHARS, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS};
use crate::error::AppError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufReader, Read, Seek};

/// The cells of a file, row by row, with each row's line number (1-based).
pub type Grid = Vec<(usize, Vec<String>)>;

/// Shared strings kept at most (a 示范户 list of 1,000 rows has a few thousand).
pub const MAX_SHARED_STRINGS: usize = 100_000;
/// Bytes of shared-string text kept at most.
pub const MAX_SHARED_STRING_BYTES: usize = 4 * 1024 * 1024;
/// The most one part is read to (the whole file was already checked to expand to less).
/// The most an .xlsx upload may expand to. A 示范户 list at the row limit is well under
/// 1 MB of XML, styles included; 2 MB of deflated zeros (the upload limit) would be about
/// 2 GB, a "zip bomb" that a reader would unpack into memory.
pub const MAX_XLSX_EXPANDED_BYTES: u64 = 32 * 1024 * 1024;
const MAX_PART_BYTES: u64 = MAX_XLSX_EXPANDED_BYTES;

fn unreadable(e: &dyn std::fmt::Display) -> AppError {
    tracing::info!(error = %e, "unreadable xlsx upload");
    AppError::bad_request(s::IMPORT_BAD_XLSX)
}

fn out_of_range() -> AppError {
    AppError::bad_request(s::IMPORT_OUT_OF_RANGE)
}

/// Reads the first worksheet. The caller has checked what the zip expands to.
pub fn read_first_sheet<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Grid, AppError> {
    let strings = match part(zip, "xl/sharedStrings.xml")? {
        Some(r) => shared_strings(r)?,
        None => Vec::new(),
    };
    let path = first_sheet_path(zip)?;
    // A zip without its worksheet is no workbook.
    let sheet = part(zip, &path)?.ok_or_else(|| unreadable(&"no worksheet"))?;
    sheet_cells(sheet, &strings)
}

/// One part of the zip, read as XML, decompressed, at most [`MAX_PART_BYTES`].
type PartReader<'a, R> = Reader<BufReader<std::io::Take<zip::read::ZipFile<'a, R>>>>;

/// A part of the zip as a buffered XML reader over at most [`MAX_PART_BYTES`].
fn part<'a, R: Read + Seek>(
    zip: &'a mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<PartReader<'a, R>>, AppError> {
    match zip.by_name(name) {
        Ok(f) => Ok(Some(Reader::from_reader(BufReader::new(
            f.take(MAX_PART_BYTES),
        )))),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(e) => Err(unreadable(&e)),
    }
}

/// The value of the attribute whose local name (after any `prefix:`) is `name`.
fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, AppError> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| unreadable(&e))?;
        let key: &str = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        if local == name {
            #[allow(deprecated)]
            let v = a.unescape_value().map_err(|e| unreadable(&e))?;
            // Attribute values here are ids, paths and cell references: short.
            if v.len() > 512 {
                return Err(unreadable(&"attribute too long"));
            }
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn local_name<'e>(e: &'e BytesStart<'_>) -> &'e [u8] {
    e.local_name().into_inner().as_bytes()
}

/// Where the first `<sheet>` of the workbook lives, through the workbook's relationships;
/// `xl/worksheets/sheet1.xml` when the workbook does not say.
fn first_sheet_path<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<String, AppError> {
    const DEFAULT: &str = "xl/worksheets/sheet1.xml";
    let mut rel_id = None;
    if let Some(mut r) = part(zip, "xl/workbook.xml")? {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_event_into(&mut buf).map_err(|e| unreadable(&e))? {
                Event::Start(e) | Event::Empty(e) if local_name(&e) == b"sheet" => {
                    rel_id = attr(&e, "id")?;
                    break;
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    let Some(rel_id) = rel_id else {
        return Ok(DEFAULT.into());
    };
    let Some(mut r) = part(zip, "xl/_rels/workbook.xml.rels")? else {
        return Ok(DEFAULT.into());
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match r.read_event_into(&mut buf).map_err(|e| unreadable(&e))? {
            Event::Start(e) | Event::Empty(e)
                if local_name(&e) == b"Relationship"
                    && attr(&e, "Id")?.as_deref() == Some(rel_id.as_str()) =>
            {
                let target = attr(&e, "Target")?.unwrap_or_default();
                return Ok(match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => return Ok(DEFAULT.into()),
            _ => {}
        }
    }
}

/// Appends text to `out`, refusing once it passes `max` bytes.
fn push_text(out: &mut String, text: &str, max: usize) -> Result<(), AppError> {
    if out.len() + text.len() > max {
        return Err(AppError::bad_request(s::IMPORT_CELL_TOO_LONG));
    }
    out.push_str(text);
    Ok(())
}

/// Text of a `&…;` reference inside text.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, AppError> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| unreadable(&e))? {
        return Ok(c.to_string());
    }
    let s = match &**r {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(unreadable(&format!("unknown entity {other}"))),
    };
    Ok(s.to_string())
}

/// Largest text of one cell in bytes (UTF-8: up to 4 per character).
const MAX_CELL_BYTES: usize = MAX_CELL_CHARS * 4;

/// `<sst><si><t>…</t></si><si><r><t>…</t></r>…</si>…</sst>`: the text of each `<si>`, runs
/// joined, phonetic hints (`<rPh>`) left out.
fn shared_strings<B: BufRead>(mut r: Reader<B>) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    let mut total = 0usize;
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    let mut in_t = false;
    let mut in_phonetic = false;
    loop {
        buf.clear();
        match r.read_event_into(&mut buf).map_err(|e| unreadable(&e))? {
            Event::Start(e) => match local_name(&e) {
                b"si" => current = Some(String::new()),
                b"t" => in_t = true,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if local_name(&e) == b"si" => {
                if out.len() >= MAX_SHARED_STRINGS {
                    return Err(AppError::bad_request(s::IMPORT_OUT_OF_RANGE));
                }
                out.push(String::new());
            }
            Event::End(e) => match e.local_name().into_inner().as_bytes() {
                b"si" => {
                    let text = current.take().unwrap_or_default();
                    if text.chars().count() > MAX_CELL_CHARS {
                        return Err(AppError::bad_request(s::IMPORT_CELL_TOO_LONG));
                    }
                    total += text.len();
                    if out.len() >= MAX_SHARED_STRINGS || total > MAX_SHARED_STRING_BYTES {
                        return Err(out_of_range());
                    }
                    out.push(text);
                }
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_t && !in_phonetic => {
                if let Some(cur) = current.as_mut() {
                    push_text(cur, &t, MAX_CELL_BYTES)?;
                }
            }
            Event::CData(t) if in_t && !in_phonetic => {
                if let Some(cur) = current.as_mut() {
                    push_text(cur, &t, MAX_CELL_BYTES)?;
                }
            }
            Event::GeneralRef(g) if in_t && !in_phonetic => {
                if let Some(cur) = current.as_mut() {
                    push_text(cur, &reference(&g)?, MAX_CELL_BYTES)?;
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// `B12` → (row 12, column 2), both 1-based. At most three letters and seven digits.
pub fn parse_cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty()
        || letters.len() > 3
        || digits.len() > 7
        || !letters.bytes().all(|b| b.is_ascii_uppercase())
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().ok()?;
    (row > 0).then_some((row, col))
}

/// A number as a person typed it: `7`, not `7.0`.
fn number_text(v: &str) -> String {
    match v.trim().parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Ok(f) if f.is_finite() => f.to_string(),
        _ => v.trim().to_string(),
    }
}

/// One cell being read.
#[derive(Default)]
struct Cell {
    col: u32,
    kind: String,
    value: String,
    in_v: bool,
    in_t: bool,
}

/// The sheet's rows with at least one non-blank cell. A value past
/// [`MAX_IMPORT_COLUMNS`], or more than [`MAX_IMPORT_ROWS`] data rows, refuses the file.
fn sheet_cells<B: BufRead>(mut r: Reader<B>, strings: &[String]) -> Result<Grid, AppError> {
    let mut grid = Grid::new();
    let mut buf = Vec::new();
    let mut row_no: u32 = 0;
    let mut row: Vec<String> = Vec::new();
    let mut last_col: u32 = 0;
    let mut cell: Option<Cell> = None;
    let finish_row =
        |row: &mut Vec<String>, row_no: u32, grid: &mut Grid| -> Result<(), AppError> {
            if row.iter().any(|c| !c.trim().is_empty()) {
                // The header row and at most MAX_IMPORT_ROWS data rows.
                if grid.len() > MAX_IMPORT_ROWS {
                    return Err(AppError::bad_request(s::IMPORT_TOO_MANY_ROWS));
                }
                grid.push((row_no as usize, std::mem::take(row)));
            } else {
                row.clear();
            }
            Ok(())
        };
    loop {
        buf.clear();
        match r.read_event_into(&mut buf).map_err(|e| unreadable(&e))? {
            Event::Start(e) | Event::Empty(e) if local_name(&e) == b"row" => {
                finish_row(&mut row, row_no, &mut grid)?;
                row_no = match attr(&e, "r")? {
                    Some(n) => n.parse().map_err(|_| unreadable(&"bad row number"))?,
                    None => row_no.saturating_add(1),
                };
                if row_no == 0 || row_no > 1_048_576 {
                    return Err(unreadable(&"row number out of range"));
                }
                last_col = 0;
            }
            Event::Start(e) if local_name(&e) == b"c" => {
                let col = match attr(&e, "r")? {
                    Some(reference) => {
                        let (rr, c) = parse_cell_ref(&reference)
                            .ok_or_else(|| unreadable(&"bad cell ref"))?;
                        if rr != row_no {
                            return Err(unreadable(&"cell outside its row"));
                        }
                        c
                    }
                    None => last_col.saturating_add(1),
                };
                last_col = col;
                cell = Some(Cell {
                    col,
                    kind: attr(&e, "t")?.unwrap_or_default(),
                    ..Cell::default()
                });
            }
            Event::Empty(e) if local_name(&e) == b"c" => {
                // A cell without a value (formatting only): nothing to keep.
                last_col = match attr(&e, "r")? {
                    Some(reference) => {
                        parse_cell_ref(&reference)
                            .ok_or_else(|| unreadable(&"bad cell ref"))?
                            .1
                    }
                    None => last_col.saturating_add(1),
                };
            }
            Event::Start(e) => match (local_name(&e), cell.as_mut()) {
                (b"v", Some(c)) => c.in_v = true,
                (b"t", Some(c)) => c.in_t = true,
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut()
                    && (c.in_v || c.in_t)
                {
                    push_text(&mut c.value, &t, MAX_CELL_BYTES)?;
                }
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut()
                    && (c.in_v || c.in_t)
                {
                    push_text(&mut c.value, &t, MAX_CELL_BYTES)?;
                }
            }
            Event::GeneralRef(g) => {
                if let Some(c) = cell.as_mut()
                    && (c.in_v || c.in_t)
                {
                    push_text(&mut c.value, &reference(&g)?, MAX_CELL_BYTES)?;
                }
            }
            Event::End(e) => match e.local_name().into_inner().as_bytes() {
                b"v" => {
                    if let Some(c) = cell.as_mut() {
                        c.in_v = false;
                    }
                }
                b"t" => {
                    if let Some(c) = cell.as_mut() {
                        c.in_t = false;
                    }
                }
                b"c" => {
                    if let Some(c) = cell.take() {
                        let text = match c.kind.as_str() {
                            "s" => {
                                let i: usize = c
                                    .value
                                    .trim()
                                    .parse()
                                    .map_err(|_| unreadable(&"bad shared string index"))?;
                                strings
                                    .get(i)
                                    .cloned()
                                    .ok_or_else(|| unreadable(&"shared string index"))?
                            }
                            "b" => match c.value.trim() {
                                "1" => "是".to_string(),
                                _ => "否".to_string(),
                            },
                            "e" => String::new(),
                            "str" | "inlineStr" | "d" => c.value,
                            _ => number_text(&c.value),
                        };
                        if text.trim().is_empty() {
                            continue;
                        }
                        if c.col as usize > MAX_IMPORT_COLUMNS {
                            return Err(out_of_range());
                        }
                        if text.chars().count() > MAX_CELL_CHARS {
                            return Err(AppError::bad_request(s::IMPORT_CELL_TOO_LONG));
                        }
                        let i = c.col as usize - 1;
                        if row.len() <= i {
                            row.resize(i + 1, String::new());
                        }
                        row[i] = text;
                    }
                }
                b"sheetData" => break,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    finish_row(&mut row, row_no, &mut grid)?;
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell_ref("A1"), Some((1, 1)));
        assert_eq!(parse_cell_ref("B12"), Some((12, 2)));
        assert_eq!(parse_cell_ref("AA3"), Some((3, 27)));
        assert_eq!(parse_cell_ref("XFD1048576"), Some((1_048_576, 16_384)));
        for bad in ["", "A", "1", "a1", "A0", "ABCD1", "A12345678", "A1B", "A-1"] {
            assert_eq!(parse_cell_ref(bad), None, "{bad}");
        }
    }

    fn grid_of(sheet: &str, strings: &[&str]) -> Result<Grid, AppError> {
        let strings: Vec<String> = strings.iter().map(|s| s.to_string()).collect();
        sheet_cells(Reader::from_reader(sheet.as_bytes()), &strings)
    }

    #[test]
    fn cells_of_every_kind_are_read_in_place() {
        let sheet = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>门&amp;牌</t></is></c></row>
            <row r="3"><c r="A3"><v>7</v></c><c r="B3"><v>1.5</v></c><c r="C3" t="b"><v>1</v></c>
              <c r="D3" t="e"><v>#N/A</v></c><c r="E3" s="2"/><c t="str"><f>A1</f><v>公式</v></c></row>
            <row r="4"><c r="A4" s="1"/></row>
        </sheetData></worksheet>"#;
        let g = grid_of(sheet, &["类型"]).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0], (1, vec!["类型".into(), "".into(), "门&牌".into()]));
        assert_eq!(
            g[1],
            (
                3,
                vec![
                    "7".into(),
                    "1.5".into(),
                    "是".into(),
                    "".into(),
                    "".into(),
                    "公式".into()
                ]
            )
        );
    }

    #[test]
    fn a_value_far_away_refuses_the_file_without_allocating_for_it() {
        let sheet = r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>类型</t></is></c></row>
            <row r="1048576"><c r="XFD1048576"><v>1</v></c></row>
        </sheetData></worksheet>"#;
        assert_eq!(
            grid_of(sheet, &[]).unwrap_err().to_string(),
            s::IMPORT_OUT_OF_RANGE
        );
        // A formatted but empty cell far away is no data.
        let sheet = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>类型</t></is></c></row>
            <row r="1048576"><c r="XFD1048576" s="3"/></row>
        </sheetData></worksheet>"#;
        assert_eq!(grid_of(sheet, &[]).unwrap().len(), 1);
    }

    #[test]
    fn too_many_rows_stop_the_read_early() {
        let mut sheet = String::from("<worksheet><sheetData>");
        for i in 1..=MAX_IMPORT_ROWS + 2 {
            sheet.push_str(&format!(
                "<row r=\"{i}\"><c r=\"A{i}\"><v>{i}</v></c></row>"
            ));
        }
        sheet.push_str("</sheetData></worksheet>");
        assert_eq!(
            grid_of(&sheet, &[]).unwrap_err().to_string(),
            s::IMPORT_TOO_MANY_ROWS
        );
    }

    #[test]
    fn shared_strings_ignore_the_declared_count_and_are_bounded() {
        let sst = r#"<sst uniqueCount="999999999999999"><si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r><rPh><t>ふ</t></rPh></si><si/></sst>"#;
        let got = shared_strings(Reader::from_reader(sst.as_bytes())).unwrap();
        assert_eq!(got, vec!["a", "bc", ""]);
        let mut many = String::from("<sst>");
        for _ in 0..=MAX_SHARED_STRINGS {
            many.push_str("<si/>");
        }
        many.push_str("</sst>");
        assert!(shared_strings(Reader::from_reader(many.as_bytes())).is_err());
        let long = format!(
            "<sst><si><t>{}</t></si></sst>",
            "长".repeat(MAX_CELL_CHARS + 1)
        );
        assert_eq!(
            shared_strings(Reader::from_reader(long.as_bytes()))
                .unwrap_err()
                .to_string(),
            s::IMPORT_CELL_TOO_LONG
        );
    }

    #[test]
    fn broken_sheets_are_unreadable_not_panics() {
        for sheet in [
            r#"<worksheet><sheetData><row r="x"/></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A2"><v>1</v></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>-1</v></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1"><v>&bogus;</v></c></row></sheetData></worksheet>"#,
        ] {
            assert_eq!(
                grid_of(sheet, &[]).unwrap_err().to_string(),
                s::IMPORT_BAD_XLSX,
                "{sheet}"
            );
        }
    }
}
