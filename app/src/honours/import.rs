//! Import of a 示范户 list from CSV (UTF-8, RFC 4180) or Excel (.xlsx, read by xlsx.rs):
//! the file is parsed into rows, every row is checked against the area tree, and the preview
//! lists each row's problems in Chinese. Rows are created only when the whole file is good,
//! in one transaction (db.rs).

use super::strings as s;
use super::workflow::{public_name, title_fits};
use super::{
    HonourKind, ImportRow, MAX_CELL_CHARS, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, MAX_NAME_CHARS,
    parse_title_label,
};
use crate::areas::ReferenceData;
use crate::domain::{CommunityId, HonourTitle, OfficeId, StreetId};
use crate::error::AppError;

/// A checked honour, ready to insert (from the create form or an import row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHonour {
    pub office_id: OfficeId,
    pub community_id: CommunityId,
    pub street_id: Option<StreetId>,
    pub kind: HonourKind,
    pub title: HonourTitle,
    pub full_name: String,
    pub public_name: String,
    pub house_number: Option<String>,
    pub show_house_number: bool,
}

// ---- reading the file ----

pub use super::xlsx::Grid;

/// CSV or XLSX, told apart by content (an .xlsx is a zip file).
pub fn read_grid(file_name: &str, bytes: &[u8]) -> Result<Grid, AppError> {
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        Err(AppError::bad_request(s::IMPORT_BAD_XLSX))
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") || lower.is_empty() {
        let text =
            std::str::from_utf8(bytes).map_err(|_| AppError::bad_request(s::IMPORT_NOT_UTF8))?;
        parse_csv(text)
    } else {
        Err(AppError::bad_request(s::IMPORT_UNKNOWN_FORMAT))
    }
}

/// RFC 4180: fields separated by commas (or tabs when the first line has tabs and no
/// commas), `"` quotes a field, `""` is a quote inside one, CRLF or LF ends a record. A UTF-8
/// BOM (Excel's "CSV UTF-8") is skipped; blank lines are skipped.
///
/// Bounded like the Excel reader: a non-blank field past [`MAX_IMPORT_COLUMNS`], a field
/// longer than [`MAX_CELL_CHARS`] or more than [`MAX_IMPORT_ROWS`] data rows refuse the
/// file as soon as they are met; blank fields past the last column are dropped.
pub fn parse_csv(text: &str) -> Result<Grid, AppError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains('\t') && !first.contains(',') {
        '\t'
    } else {
        ','
    };
    let mut out: Grid = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1usize;
    let mut row_line = 1usize;
    let mut chars = text.chars().peekable();
    let push_row = |row: &mut Vec<String>, row_line: usize, out: &mut Grid| {
        if row.iter().any(|c| !c.trim().is_empty()) {
            // The header row and at most MAX_IMPORT_ROWS data rows.
            if out.len() > MAX_IMPORT_ROWS {
                return Err(AppError::bad_request(s::IMPORT_TOO_MANY_ROWS));
            }
            out.push((row_line, std::mem::take(row)));
        } else {
            row.clear();
        }
        Ok(())
    };
    // Ends a field: kept while inside the column limit, refused past it unless blank.
    let end_field = |row: &mut Vec<String>, field: &mut String| {
        let f = std::mem::take(field);
        if row.len() < MAX_IMPORT_COLUMNS {
            row.push(f);
            Ok(())
        } else if f.trim().is_empty() {
            Ok(())
        } else {
            Err(AppError::bad_request(s::IMPORT_OUT_OF_RANGE))
        }
    };
    // Counted in characters as they arrive, so a huge field is refused before it is kept.
    let mut field_chars = 0usize;
    while let Some(c) = chars.next() {
        field_chars += 1;
        if field_chars > MAX_CELL_CHARS {
            return Err(AppError::bad_request(s::IMPORT_CELL_TOO_LONG));
        }
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            c if c == sep => {
                end_field(&mut row, &mut field)?;
                field_chars = 0;
            }
            '\r' => {}
            '\n' => {
                end_field(&mut row, &mut field)?;
                field_chars = 0;
                push_row(&mut row, row_line, &mut out)?;
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(AppError::bad_request(s::IMPORT_BAD_CSV));
    }
    if !field.is_empty() || !row.is_empty() {
        end_field(&mut row, &mut field)?;
        push_row(&mut row, row_line, &mut out)?;
    }
    Ok(out)
}

pub use super::xlsx::MAX_XLSX_EXPANDED_BYTES;
/// An ordinary workbook has a dozen parts.
pub const MAX_XLSX_PARTS: usize = 500;

fn unreadable_xlsx(e: &dyn std::fmt::Display) -> AppError {
    tracing::info!(error = %e, "unreadable xlsx upload");
    AppError::bad_request(s::IMPORT_BAD_XLSX)
}

/// Unpacks every part of the zip into nothing, counting bytes, and stops as soon as the
/// total passes [`MAX_XLSX_EXPANDED_BYTES`]. It counts what really comes out, not the sizes
/// the zip declares (a crafted file can state any size).
pub fn check_xlsx_expansion(bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable_xlsx(&e))?;
    if zip.len() > MAX_XLSX_PARTS {
        tracing::info!(parts = zip.len(), "xlsx upload with too many parts");
        return Err(AppError::bad_request(s::IMPORT_XLSX_EXPANDS_TOO_MUCH));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| unreadable_xlsx(&e))?;
        let left = MAX_XLSX_EXPANDED_BYTES - total;
        let n = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| unreadable_xlsx(&e))?;
        total += n;
        if total > MAX_XLSX_EXPANDED_BYTES {
            tracing::info!(
                compressed = bytes.len(),
                "xlsx upload expands past the limit"
            );
            return Err(AppError::bad_request(s::IMPORT_XLSX_EXPANDS_TOO_MUCH));
        }
    }
    Ok(())
}

/// The first sheet of an .xlsx file: its expansion is measured first, then its cells are
/// read as a stream within the import's limits (`xlsx.rs`).
pub fn read_xlsx(bytes: &[u8]) -> Result<Grid, AppError> {
    check_xlsx_expansion(bytes)?;
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable_xlsx(&e))?;
    super::xlsx::read_first_sheet(&mut zip)
}

// ---- rows ----

/// Recognised headers (several spellings each).
const HEADERS: &[(&str, &[&str])] = &[
    ("kind", &["类型", "类别"]),
    (
        "full_name",
        &["名称", "姓名", "户主", "户主姓名", "店名", "名字"],
    ),
    ("public_name", &["公示名称", "公开名称"]),
    ("office", &["办事处"]),
    ("community", &["居委会", "社区"]),
    ("street", &["街巷", "街道名称", "背街小巷"]),
    ("house_number", &["门牌号", "门牌"]),
    ("show_house_number", &["公开门牌", "门牌公开", "公开门牌号"]),
    ("title", &["称号", "评选类别", "荣誉"]),
];
const REQUIRED: &[(&str, &str)] = &[
    ("kind", "类型"),
    ("full_name", "名称"),
    ("community", "居委会"),
    ("title", "称号"),
];

/// The header row and the data rows as [`ImportRow`]s (not yet checked). File-level
/// problems (no data, missing columns, too many rows) are errors.
pub fn rows_from_grid(grid: &Grid) -> Result<Vec<ImportRow>, AppError> {
    let Some((_, header)) = grid.first() else {
        return Err(AppError::bad_request(s::IMPORT_EMPTY));
    };
    let col = |key: &str| -> Option<usize> {
        let names = HEADERS.iter().find(|(k, _)| *k == key)?.1;
        header
            .iter()
            .position(|h| names.contains(&h.trim().trim_start_matches('\u{feff}')))
    };
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|(k, _)| col(k).is_none())
        .map(|(_, label)| *label)
        .collect();
    if !missing.is_empty() {
        return Err(AppError::bad_request(s::missing_columns(&missing)));
    }
    if grid.len() < 2 {
        return Err(AppError::bad_request(s::IMPORT_EMPTY));
    }
    if grid.len() - 1 > MAX_IMPORT_ROWS {
        return Err(AppError::bad_request(s::IMPORT_TOO_MANY_ROWS));
    }
    let cols: Vec<(&str, Option<usize>)> = HEADERS.iter().map(|(k, _)| (*k, col(k))).collect();
    Ok(grid[1..]
        .iter()
        .map(|(line, cells)| {
            let get = |key: &str| -> String {
                cols.iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, i)| *i)
                    .and_then(|i| cells.get(i))
                    .map(|v| clean(v))
                    .unwrap_or_default()
            };
            ImportRow {
                line: *line,
                kind: get("kind"),
                full_name: get("full_name"),
                public_name: get("public_name"),
                office: get("office"),
                community: get("community"),
                street: get("street"),
                house_number: get("house_number"),
                show_house_number: get("show_house_number"),
                title: get("title"),
                errors: Vec::new(),
            }
        })
        .collect())
}

/// Trimmed, one line, no control characters (PostgreSQL refuses NUL).
pub fn clean(v: &str) -> String {
    v.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn flag(v: &str) -> Option<bool> {
    match v.trim() {
        "" | "否" | "不公开" | "0" | "no" | "false" | "N" | "n" => Some(false),
        "是" | "公开" | "1" | "yes" | "true" | "Y" | "y" => Some(true),
        _ => None,
    }
}

/// Checks a row against the area tree. `scope`: the office of a staff account (its rows must
/// be in that office); `None` for the admin.
pub fn check_row(
    row: &ImportRow,
    refs: &ReferenceData,
    scope: Option<OfficeId>,
) -> Result<NewHonour, Vec<String>> {
    let mut errors = Vec::new();
    let kind = HonourKind::parse_label(&row.kind);
    if kind.is_none() {
        errors.push(s::kind_invalid(&row.kind));
    }
    if row.full_name.is_empty() {
        errors.push(s::NAME_REQUIRED.to_string());
    } else if row.full_name.chars().count() > MAX_NAME_CHARS {
        errors.push(s::NAME_TOO_LONG.to_string());
    }
    if row.public_name.chars().count() > MAX_NAME_CHARS {
        errors.push(s::PUBLIC_NAME_TOO_LONG.to_string());
    }
    if row.house_number.chars().count() > MAX_NAME_CHARS {
        errors.push(s::HOUSE_NUMBER_TOO_LONG.to_string());
    }
    let title = parse_title_label(&row.title);
    if title.is_none() {
        errors.push(s::title_invalid(&row.title));
    }
    if let (Some(t), Some(k)) = (title, kind)
        && !title_fits(t, k)
    {
        errors.push(s::title_kind_mismatch(t.label(), k.label()));
    }
    let show = flag(&row.show_house_number);
    if show.is_none() {
        errors.push(s::flag_invalid(&row.show_house_number));
    }
    // The office column, when given, narrows the 居委会 lookup.
    let office = if row.office.is_empty() {
        None
    } else {
        match refs.offices.iter().find(|o| o.name == row.office) {
            Some(o) => Some(o.id),
            None => {
                errors.push(s::office_not_found(&row.office));
                None
            }
        }
    };
    let community = if row.community.is_empty() {
        errors.push(s::COMMUNITY_REQUIRED.to_string());
        None
    } else {
        let found: Vec<_> = refs
            .communities
            .iter()
            .filter(|c| c.name == row.community)
            .filter(|c| office.is_none_or(|o| c.office_id == o))
            .collect();
        // A staff account's own office first, if the name exists there.
        let mine: Vec<_> = found
            .iter()
            .filter(|c| scope.is_some_and(|o| c.office_id == o))
            .collect();
        match (found.len(), mine.first()) {
            (0, _) => {
                errors.push(s::community_not_found(&row.community));
                None
            }
            (_, Some(c)) => Some((**c).clone()),
            (1, None) if scope.is_some() => {
                errors.push(s::community_other_office(&row.community));
                None
            }
            (1, None) => Some(found[0].clone()),
            _ => {
                errors.push(s::community_ambiguous(&row.community));
                None
            }
        }
    };
    let street = match (&community, row.street.is_empty()) {
        (Some(c), false) => match refs
            .streets
            .iter()
            .find(|st| st.community_id == c.id && st.name == row.street)
        {
            Some(st) => Some(st.id),
            None => {
                errors.push(s::street_not_found(&row.street, &c.name));
                None
            }
        },
        _ => None,
    };
    if kind == Some(HonourKind::Street) && row.street.is_empty() && community.is_some() {
        errors.push(s::STREET_REQUIRED.to_string());
    }
    match (kind, title, community, show) {
        (Some(kind), Some(title), Some(c), Some(show)) if errors.is_empty() => Ok(NewHonour {
            office_id: c.office_id,
            community_id: c.id,
            street_id: street,
            kind,
            title,
            public_name: public_name(kind, &row.full_name, &row.public_name),
            full_name: row.full_name.clone(),
            house_number: (!row.house_number.is_empty()).then(|| row.house_number.clone()),
            show_house_number: show && !row.house_number.is_empty(),
        }),
        _ => Err(errors),
    }
}

/// Checks every row (errors are written into the rows) and returns the good ones when the
/// whole file is good. A row repeating an earlier one (same 居委会, name and title) is an error.
pub fn check_rows(
    rows: &mut [ImportRow],
    refs: &ReferenceData,
    scope: Option<OfficeId>,
) -> Option<Vec<NewHonour>> {
    let mut good: Vec<(usize, NewHonour)> = Vec::new();
    let mut all_ok = true;
    for row in rows.iter_mut() {
        match check_row(row, refs, scope) {
            Ok(h) => {
                if let Some((line, _)) = good.iter().find(|(_, g)| {
                    g.community_id == h.community_id
                        && g.full_name == h.full_name
                        && g.title == h.title
                }) {
                    row.errors.push(s::duplicate_in_file(*line));
                    all_ok = false;
                } else {
                    good.push((row.line, h));
                }
            }
            Err(e) => {
                row.errors = e;
                all_ok = false;
            }
        }
    }
    all_ok.then(|| good.into_iter().map(|(_, h)| h).collect())
}

/// Every row's errors as "第N行：…" lines.
pub fn error_lines(rows: &[ImportRow]) -> Vec<String> {
    rows.iter()
        .flat_map(|r| r.errors.iter().map(move |e| s::row_error(r.line, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::{Community, Office, Street};

    fn refs() -> ReferenceData {
        ReferenceData {
            offices: vec![
                Office {
                    id: OfficeId(1),
                    name: "太昊路办事处".into(),
                },
                Office {
                    id: OfficeId(2),
                    name: "淮河路办事处".into(),
                },
            ],
            communities: vec![
                Community {
                    id: CommunityId(10),
                    office_id: OfficeId(1),
                    name: "韩营".into(),
                },
                Community {
                    id: CommunityId(20),
                    office_id: OfficeId(2),
                    name: "康楼".into(),
                },
            ],
            streets: vec![Street {
                id: StreetId(100),
                community_id: CommunityId(10),
                name: "韩营一巷".into(),
            }],
            categories: vec![],
        }
    }

    #[test]
    fn csv_follows_rfc_4180() {
        let g =
            parse_csv("\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\r\n\r\n\"two\nlines\",2,3")
                .unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!(g[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(g[1].1, vec!["x, y", "say \"hi\"", ""]);
        assert_eq!(g[2], (4, vec!["two\nlines".into(), "2".into(), "3".into()]));
        assert!(parse_csv("a,\"b\n").is_err());
        let tabs = parse_csv("类型\t名称\n家庭\t王建国\n").unwrap();
        assert_eq!(tabs[1].1, vec!["家庭", "王建国"]);
    }

    #[test]
    fn rows_are_checked_in_chinese() {
        let csv = "类型,名称,居委会,街巷,门牌号,公开门牌,称号\n\
                   家庭,王建国,韩营,韩营一巷,12号,否,卫生家庭\n\
                   商户,韩营便民超市,韩营,,,是,文明商户\n\
                   家庭,李四,康楼,,,,卫生家庭\n\
                   飞船,张三,不存在,,,也许,最美\n\
                   家庭,王建国,韩营,,,,卫生家庭\n";
        let mut rows = rows_from_grid(&parse_csv(csv).unwrap()).unwrap();
        assert_eq!(rows.len(), 5);
        assert!(check_rows(&mut rows, &refs(), Some(OfficeId(1))).is_none());
        assert!(rows[0].errors.is_empty() && rows[1].errors.is_empty());
        assert_eq!(rows[2].errors, vec!["居委会“康楼”不属于本办事处"]);
        assert_eq!(rows[3].errors.len(), 4, "{:?}", rows[3].errors);
        assert_eq!(rows[4].errors, vec!["与第2行重复"]);
        let lines = error_lines(&rows);
        assert_eq!(lines[0], "第4行：居委会“康楼”不属于本办事处");
        // The admin may import into any office.
        let mut rows = rows_from_grid(&parse_csv(csv).unwrap()).unwrap();
        rows.truncate(3);
        let good = check_rows(&mut rows, &refs(), None).unwrap();
        assert_eq!(good[0].public_name, "王**家");
        assert_eq!(good[0].street_id, Some(StreetId(100)));
        assert!(!good[0].show_house_number);
        assert_eq!(good[2].office_id, OfficeId(2));
    }

    #[test]
    fn missing_columns_and_empty_files_are_file_errors() {
        let e = rows_from_grid(&parse_csv("类型,名称\n家庭,王建国\n").unwrap()).unwrap_err();
        assert_eq!(e.to_string(), "缺少列：居委会、称号");
        assert!(rows_from_grid(&Vec::new()).is_err());
        assert!(rows_from_grid(&parse_csv("类型,名称,居委会,称号\n").unwrap()).is_err());
        assert!(read_grid("a.xlsx", b"not a zip").is_err());
        assert!(read_grid("a.csv", &[0xff, 0xfe, 0x00]).is_err());
    }

    /// A zip of the given parts, deflated.
    fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn an_xlsx_that_expands_past_the_limit_is_refused_before_it_is_read() {
        let limit = MAX_XLSX_EXPANDED_BYTES as usize;
        // One part of zeros just over the limit: a few tens of KB on the wire.
        let bomb = zip_of(&[("xl/sharedStrings.xml", vec![0u8; limit + 1])]);
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        let e = read_grid("名单.xlsx", &bomb).unwrap_err();
        assert_eq!(e.to_string(), s::IMPORT_XLSX_EXPANDS_TOO_MUCH);
        // The same total spread over several parts.
        let half = vec![b' '; limit / 2 + 1];
        let spread = zip_of(&[("a.xml", half.clone()), ("b.xml", half)]);
        assert_eq!(
            read_grid("名单.xlsx", &spread).unwrap_err().to_string(),
            s::IMPORT_XLSX_EXPANDS_TOO_MUCH
        );
        // Too many parts.
        let names: Vec<String> = (0..=MAX_XLSX_PARTS).map(|i| format!("p{i}.xml")).collect();
        let many: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (n.as_str(), Vec::new())).collect();
        assert_eq!(
            read_grid("名单.xlsx", &zip_of(&many))
                .unwrap_err()
                .to_string(),
            s::IMPORT_XLSX_EXPANDS_TOO_MUCH
        );
        // Exactly at the limit is checked, then read (and is no workbook).
        let at_limit = zip_of(&[("a.xml", vec![0u8; limit])]);
        assert!(check_xlsx_expansion(&at_limit).is_ok());
        assert_eq!(
            read_grid("名单.xlsx", &at_limit).unwrap_err().to_string(),
            s::IMPORT_BAD_XLSX
        );
    }
}
