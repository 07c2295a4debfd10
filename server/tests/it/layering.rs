//! The layering of `app/src`, as the README's Layout section declares it: a module may use
//! only modules of the layers below its own. This test reads that declaration and every
//! `crate::…` path of every file (comments left out) and fails on any other dependency,
//! on a module placed in no layer, and on a listed exception that is no longer needed, so
//! the list of exceptions only shrinks (issue 29).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The lines of the README between `<!-- {tag} -->` and `<!-- /{tag} -->`.
fn block(readme: &str, tag: &str) -> Vec<String> {
    let open = format!("<!-- {tag} -->");
    let close = format!("<!-- /{tag} -->");
    let start = readme
        .find(&open)
        .unwrap_or_else(|| panic!("README.md has no {open}"))
        + open.len();
    let end = readme[start..]
        .find(&close)
        .unwrap_or_else(|| panic!("README.md has no {close}"))
        + start;
    readme[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("```"))
        .map(str::to_string)
        .collect()
}

/// Module → layer number, from lines like `3. flash ratelimit cache ui`.
fn layers(readme: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in block(readme, "layers") {
        let (number, names) = line
            .split_once('.')
            .unwrap_or_else(|| panic!("a layer line is `N. module …`: {line}"));
        let n: usize = number.trim().parse().expect("a layer number");
        for name in names.split_whitespace() {
            let before = out.insert(name.to_string(), n);
            assert!(before.is_none(), "{name} is in two layers");
        }
    }
    out
}

/// `(from, to)` pairs from lines like `- forms → reports: why`.
fn exceptions(readme: &str) -> BTreeSet<(String, String)> {
    block(readme, "layering-exceptions")
        .iter()
        .map(|line| {
            let edge = line.trim_start_matches('-').trim();
            let edge = edge.split(':').next().unwrap_or(edge);
            let (from, to) = edge
                .split_once('→')
                .unwrap_or_else(|| panic!("an exception is `- a → b: why`: {line}"));
            (from.trim().to_string(), to.trim().to_string())
        })
        .collect()
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .expect("a source folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            rust_files(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The code of a file without its line comments (doc comments included), so that a
/// comment naming a module is no dependency.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is rare in this code; a line whose comment
            // starts after a quote is kept whole.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::`: `crate::a::…`, and each
/// item of `crate::{a, b::c}`.
fn used_modules(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Items at the group's own depth.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            out.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn app_src_depends_one_way_as_the_readme_declares() {
    let root = root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let layers = layers(&readme);
    let allowed_up = exceptions(&readme);
    let src = root.join("app/src");

    let mut problems = Vec::new();
    let mut edges: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "lib" {
            continue;
        }
        if !layers.contains_key(&name) {
            problems.push(format!(
                "app/src/{name} is in no layer: place it in README.md's layering"
            ));
            continue;
        }
        let mut files = Vec::new();
        rust_files(&path, &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for used in used_modules(&code(&text)) {
                if used != name && layers.contains_key(&used) {
                    edges.entry((name.clone(), used)).or_insert(file.clone());
                }
            }
        }
    }
    for ((from, to), file) in &edges {
        let (lf, lt) = (layers[from], layers[to]);
        if lt < lf || allowed_up.contains(&(from.clone(), to.clone())) {
            continue;
        }
        problems.push(format!(
            "{from} (layer {lf}) uses {to} (layer {lt}) in {}: a module may use only the \
             layers below its own",
            file.strip_prefix(&root).unwrap_or(file).display()
        ));
    }
    for (from, to) in &allowed_up {
        if !edges.contains_key(&(from.clone(), to.clone())) {
            problems.push(format!(
                "the exception {from} → {to} is no longer needed: take it off README.md's list"
            ));
        } else if layers.get(to) < layers.get(from) {
            problems.push(format!(
                "the exception {from} → {to} goes down anyway: take it off the list"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_finds_paths_and_groups_and_skips_comments() {
    let text = "use crate::a::B;\n// crate::c in a comment\n/// see crate::d\nuse crate::{e, f::{G, H}, g};\nlet x = crate::h::i(); // crate::j\n";
    let found = used_modules(&code(text));
    let want: BTreeSet<String> = ["a", "e", "f", "g", "h"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}
