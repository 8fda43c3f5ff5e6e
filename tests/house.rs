//! The house stays layered: read from the source itself, no module of the
//! library names a layer above its own (`docs/contributing.md`, "The
//! house"), and no two modules name each other — types included — directly
//! or round a longer loop: what two modules share lives in a leaf both
//! use. Calls are checked on their own as well, so that a loop of calls
//! is said as such.
//!
//! The reading is lexical: `crate::` and `super::` paths, `use` lists (with
//! `as`), child modules named by path, and names a `use` brought in;
//! comments, literals and `#[cfg(test)]` items are left out. Method calls
//! (`x.f()`) are not resolved: a method belongs to its type, and the type
//! is named where the value is made.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's layers, lowest first: a module may name its own layer
/// and those below it.
const LAYERS: &[&str] = &[
    "text",
    "guard",
    "workbook",
    "amount",
    "template",
    "error",
    "model",
    "import",
    "reconcile",
    "narrative",
    "outcome",
    "export",
    "samples",
];

type Module = Vec<String>;

/// Every source file of the crate as (module path, text without tests,
/// comments and literals). The binary's modules sit under `bin`.
fn sources(src: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                if p.file_stem().is_some_and(|s| s == "tests") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                out.insert(module_of(src, &p), clean(&text));
            }
        }
    }
    out
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel: PathBuf = file.strip_prefix(src).unwrap().with_extension("");
    let mut m: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if m.last().is_some_and(|l| l == "mod") {
        m.pop();
    }
    if m == ["lib"] {
        m.clear();
    }
    let binary = m
        .first()
        .is_some_and(|f| f == "main" || f == "cli" || f == "cmd");
    if m == ["main"] {
        m.clear();
    }
    if binary {
        m.insert(0, "bin".into());
    }
    m
}

/// The code as the compiler's paths see it: comments and string and
/// character literals emptied, then each `#[cfg(test)]` item (a test
/// module, a test-only function) cut out, whatever follows it kept.
fn clean(text: &str) -> String {
    cut_test_items(&blank_literals(text))
}

/// Comments dropped, string and character literals emptied.
fn blank_literals(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_ident(&b, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A character literal (a lifetime has no closing quote).
            i += 1;
            while i < b.len() && b[i] != '\'' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Each item under `#[cfg(test)]` cut out: to its closing brace, or to its
/// `;` when it has no body (`mod tests;`).
fn cut_test_items(code: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let item = &rest[at + MARK.len()..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (k, ch) in item.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Modules declared with a body inside a file (`mod x { … }`): the reading
/// takes a file for one module, so such a module outside the tests would
/// be read as its file's.
fn inline_modules(code: &str) -> Vec<String> {
    let words: Vec<&str> = code.split_whitespace().collect();
    words
        .windows(3)
        .filter(|w| w[0] == "mod" && (w[2].starts_with('{') || w[1].ends_with('{')))
        .map(|w| w[1].trim_end_matches('{').to_string())
        .collect()
}

fn prev_ident(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_fn_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every path of the code (`a::b::c`), with what follows it: `(` for a
/// call, `!` for a macro, else nothing.
fn paths(code: &str) -> Vec<(Vec<String>, Option<char>)> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_ident(b[i]) || prev_ident(&b, i) || (i > 0 && b[i - 1] == '.') {
            i += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < b.len() && is_ident(b[j]) {
                j += 1;
            }
            segs.push(b[start..j].iter().collect::<String>());
            if b.get(j) == Some(&':')
                && b.get(j + 1) == Some(&':')
                && b.get(j + 2).is_some_and(|c| is_ident(*c))
            {
                j += 2;
            } else {
                break;
            }
        }
        // Turbofish and white space before a call.
        let mut k = j;
        if b.get(k) == Some(&':') && b.get(k + 1) == Some(&':') && b.get(k + 2) == Some(&'<') {
            let mut depth = 0;
            k += 2;
            while k < b.len() {
                match b[k] {
                    '<' => depth += 1,
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            k += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
        }
        while b.get(k).is_some_and(|c| *c == ' ') {
            k += 1;
        }
        let after = b.get(k).copied().filter(|c| *c == '(' || *c == '!');
        out.push((segs, after));
        i = j;
    }
    out
}

/// The paths a `use` brings in, each with the name it goes by.
fn uses(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for part in code.split("use ").skip(1) {
        let Some(end) = part.find(';') else { continue };
        // ` as ` kept as `@` before the white space goes: `a::b as c`.
        let marked = part[..end].replace(" as ", "@");
        let tree: String = marked.chars().filter(|c| !c.is_whitespace()).collect();
        if tree.contains('=') || tree.contains('(') {
            continue;
        }
        expand(&[], &tree, &mut out);
    }
    out
}

fn expand(prefix: &[String], tree: &str, out: &mut Vec<(String, Vec<String>)>) {
    if let Some(open) = tree.find('{') {
        let mut pre: Vec<String> = prefix.to_vec();
        pre.extend(
            tree[..open]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut cur = String::new();
        for c in inner.chars().chain([',']) {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if c == ',' && depth == 0 {
                if !cur.is_empty() {
                    expand(&pre, &cur, out);
                }
                cur.clear();
            } else {
                cur.push(c);
            }
        }
        return;
    }
    let (path, alias) = match tree.split_once('@') {
        Some((p, a)) => (p, Some(a)),
        None => (tree, None),
    };
    let mut segs: Vec<String> = prefix.to_vec();
    segs.extend(path.split("::").filter(|s| !s.is_empty()).map(String::from));
    if segs.last().is_some_and(|s| s == "self") {
        segs.pop();
    }
    let name = alias
        .map(String::from)
        .or_else(|| segs.last().cloned())
        .unwrap_or_default();
    out.push((name, segs));
}

/// What the crate's modules name of each other: (from, to) with what.
struct Graph {
    modules: BTreeSet<Module>,
    /// Any item named: types, functions, modules.
    names: BTreeMap<(Module, Module), BTreeSet<String>>,
    /// Functions called or taken by reference.
    calls: BTreeMap<(Module, Module), BTreeSet<String>>,
}

fn graph(files: &BTreeMap<Module, String>) -> Graph {
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    let mut g = Graph {
        modules: modules.clone(),
        names: BTreeMap::new(),
        calls: BTreeMap::new(),
    };
    for (m, code) in files {
        let root: Module = if m.first().is_some_and(|f| f == "bin") {
            vec!["bin".into()]
        } else {
            vec![]
        };
        let children: BTreeSet<&str> = modules
            .iter()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
            .map(|k| k[m.len()].as_str())
            .collect();
        // An absolute path from one as written, else None (std, a crate).
        let resolve = |segs: &[String], imported: &BTreeMap<String, Module>| -> Option<Module> {
            let first = segs.first()?.as_str();
            let mut at: Module = match first {
                "crate" => root.clone(),
                "super" | "self" => m.clone(),
                "yusuan" if !root.is_empty() => vec![],
                f if children.contains(f) => {
                    let mut c = m.clone();
                    c.push(f.to_string());
                    return Some(c.into_iter().chain(segs[1..].iter().cloned()).collect());
                }
                f => {
                    let base = imported.get(f)?;
                    return Some(base.iter().chain(&segs[1..]).cloned().collect());
                }
            };
            let mut rest = segs;
            if first == "crate" || first == "yusuan" {
                rest = &segs[1..];
            } else {
                while let Some(s) = rest.first().map(String::as_str) {
                    match s {
                        "super" => {
                            at.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            Some(at.into_iter().chain(rest.iter().cloned()).collect())
        };
        let mut imported: BTreeMap<String, Module> = BTreeMap::new();
        for (name, segs) in uses(code) {
            if let Some(abs) = resolve(&segs, &imported) {
                imported.insert(name, abs);
            }
        }
        let mut note = |path: &Module, called: bool| {
            let Some(n) = (0..=path.len())
                .rev()
                .find(|n| modules.contains(&path[..*n]))
            else {
                return;
            };
            let target = path[..n].to_vec();
            if &target == m {
                return;
            }
            let what = path[n..].join("::");
            let key = (m.clone(), target);
            g.names
                .entry(key.clone())
                .or_default()
                .insert(if what.is_empty() {
                    "(module)".into()
                } else {
                    what.clone()
                });
            let item = path[n..].first().map(String::as_str).unwrap_or("");
            let function = path.len() == n + 1 && is_fn_name(item)
                || path.len() == n + 2 && is_fn_name(&path[n + 1]) && !is_fn_name(item);
            if called && function {
                g.calls.entry(key).or_default().insert(what);
            }
        };
        for (_, abs) in imported.iter() {
            note(abs, false);
        }
        for (segs, after) in paths(code) {
            let called = after == Some('(') || (after.is_none() && segs.len() > 1);
            if after == Some('!') {
                continue;
            }
            if segs.len() == 1 {
                // A name a `use` brought in, called.
                if after == Some('(') {
                    if let Some(abs) = imported.get(&segs[0]) {
                        note(abs, true);
                    }
                }
                continue;
            }
            if let Some(abs) = resolve(&segs, &imported) {
                note(&abs, called);
            }
        }
    }
    g
}

/// The loops of a directed graph: its strongly connected parts of more
/// than one module.
fn loops(
    nodes: &BTreeSet<Module>,
    edges: &BTreeMap<(Module, Module), BTreeSet<String>>,
) -> Vec<Vec<Module>> {
    let out_of = |v: &Module| -> Vec<Module> {
        edges
            .keys()
            .filter(|(a, _)| a == v)
            .map(|(_, b)| b.clone())
            .collect()
    };
    // Reachability is enough for a few hundred modules.
    let reach = |from: &Module| -> BTreeSet<Module> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(v) = stack.pop() {
            for w in out_of(&v) {
                if seen.insert(w.clone()) {
                    stack.push(w);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Module, BTreeSet<Module>> =
        nodes.iter().map(|v| (v, reach(v))).collect();
    let mut done: BTreeSet<Module> = BTreeSet::new();
    let mut out = Vec::new();
    for v in nodes {
        if done.contains(v) {
            continue;
        }
        let part: Vec<Module> = nodes
            .iter()
            .filter(|w| *w == v || reaches[v].contains(*w) && reaches[*w].contains(v))
            .cloned()
            .collect();
        done.extend(part.iter().cloned());
        if part.len() > 1 {
            out.push(part);
        }
    }
    out
}

fn said(part: &[Module], edges: &BTreeMap<(Module, Module), BTreeSet<String>>) -> String {
    let mut s = String::new();
    for a in part {
        for b in part {
            if let Some(what) = edges.get(&(a.clone(), b.clone())) {
                let what: Vec<&str> = what.iter().map(String::as_str).take(5).collect();
                s.push_str(&format!(
                    "\n  {} → {}: {}",
                    a.join("::"),
                    b.join("::"),
                    what.join(", ")
                ));
            }
        }
    }
    s
}

fn call_loops(g: &Graph) -> Vec<String> {
    loops(&g.modules, &g.calls)
        .iter()
        .map(|p| said(p, &g.calls))
        .collect()
}

fn name_loops(g: &Graph) -> Vec<String> {
    loops(&g.modules, &g.names)
        .iter()
        .map(|p| said(p, &g.names))
        .collect()
}

/// Names of a higher layer, as `module → crate::higher (what)`.
fn upward(g: &Graph) -> Vec<String> {
    let layer = |m: &Module| m.first().and_then(|f| LAYERS.iter().position(|l| l == f));
    let mut out = Vec::new();
    for ((from, to), what) in &g.names {
        if let (Some(a), Some(b)) = (layer(from), layer(to)) {
            if b > a {
                let what: Vec<&str> = what.iter().map(String::as_str).take(5).collect();
                out.push(format!(
                    "{} → {} ({})",
                    from.join("::"),
                    to.join("::"),
                    what.join(", ")
                ));
            }
        }
    }
    out
}

fn house() -> Graph {
    graph(&sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")))
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let g = house();
    let top: BTreeSet<&str> = g
        .modules
        .iter()
        .filter(|m| m.len() == 1 && m[0] != "bin")
        .map(|m| m[0].as_str())
        .collect();
    let listed: BTreeSet<&str> = LAYERS.iter().copied().collect();
    // The reading sees the names it should: the CSV writer names the model,
    // the importer the template.
    for (from, to) in [("export::csv", "model"), ("import", "template")] {
        let key = (
            from.split("::").map(String::from).collect::<Module>(),
            to.split("::").map(String::from).collect::<Module>(),
        );
        assert!(
            g.names.contains_key(&key),
            "{from} names {to}, and the reading should see it"
        );
    }
    assert_eq!(
        top, listed,
        "every module of the library has its layer here and in docs/contributing.md"
    );
    let up = upward(&g);
    assert!(up.is_empty(), "names of a higher layer:\n{}", up.join("\n"));
}

#[test]
fn no_two_modules_call_each_other_even_round_a_loop() {
    let g = house();
    // The reading sees the calls it should: the importer calls the coded
    // tables' reader, the checker a rule module, the binary the library.
    for (from, to) in [
        ("import", "import::coded"),
        ("reconcile", "reconcile::within"),
        ("bin::cmd::check", "reconcile"),
    ] {
        let key = (
            from.split("::").map(String::from).collect::<Module>(),
            to.split("::").map(String::from).collect::<Module>(),
        );
        assert!(
            g.calls.contains_key(&key),
            "{from} calls {to}, and the reading should see it"
        );
    }
    let found = call_loops(&g);
    assert!(
        found.is_empty(),
        "modules that call each other:{}",
        found.join("\n")
    );
}

#[test]
fn every_module_is_a_file_of_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let inline: Vec<String> = sources(&src)
        .iter()
        .flat_map(|(m, code)| {
            inline_modules(code)
                .into_iter()
                .map(move |x| format!("{}::{x}", m.join("::")))
        })
        .collect();
    assert!(
        inline.is_empty(),
        "modules declared inside a file (give each its own file): {inline:?}"
    );
}

#[test]
fn no_two_modules_name_each_other_types_included() {
    let found = name_loops(&house());
    assert!(
        found.is_empty(),
        "modules that name each other (move what they share to a leaf both use):{}",
        found.join("\n")
    );
}

/// A small crate of its own, as files.
fn crate_of(files: &[(&str, &str)]) -> Graph {
    let src = Path::new("/src");
    graph(
        &files
            .iter()
            .map(|(p, t)| (module_of(src, &src.join(p)), clean(t)))
            .collect(),
    )
}

#[test]
fn a_parent_and_a_child_that_call_each_other_are_a_loop() {
    let g = crate_of(&[
        ("lib.rs", "pub mod a;"),
        (
            "a/mod.rs",
            "mod b;\npub fn run() { b::read(); }\npub fn label() -> String { String::new() }",
        ),
        (
            "a/b.rs",
            "use super::label;\npub fn read() { let _ = label(); }",
        ),
    ]);
    let found = call_loops(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("a::b → a: label") && found[0].contains("a → a::b: read"),
        "{}",
        found[0]
    );
}

#[test]
fn a_child_naming_its_parents_types_is_no_loop_but_a_longer_call_loop_is() {
    let g = crate_of(&[
        ("lib.rs", "pub mod a;"),
        (
            "a/mod.rs",
            "mod b;\nmod c;\npub struct Ctx;\npub fn run() { b::read(&Ctx); }",
        ),
        (
            "a/b.rs",
            "use super::Ctx;\npub fn read(_: &Ctx) { super::c::write(); }",
        ),
        (
            "a/c.rs",
            "// super::run() in a comment is no call\npub fn write() { let _ = \"super::run()\"; }",
        ),
    ]);
    assert!(call_loops(&g).is_empty(), "{:?}", call_loops(&g));
    let g = crate_of(&[
        ("lib.rs", "pub mod a;"),
        ("a/mod.rs", "mod b;\nmod c;\npub fn run() { b::read(); }"),
        ("a/b.rs", "pub fn read() { crate::a::c::write(); }"),
        ("a/c.rs", "use crate::a;\npub fn write() { a::run(); }"),
    ]);
    let found = call_loops(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a::c → a: run"), "{}", found[0]);
}

#[test]
fn a_child_naming_its_parents_type_is_a_loop_of_names() {
    let g = crate_of(&[
        ("lib.rs", "pub mod a;"),
        (
            "a/mod.rs",
            "mod b;\npub struct Ctx;\npub fn run() { b::read(&Ctx); }",
        ),
        ("a/b.rs", "use super::Ctx;\npub fn read(_: &Ctx) {}"),
    ]);
    assert!(call_loops(&g).is_empty());
    let found = name_loops(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a::b → a: Ctx"), "{}", found[0]);
}

#[test]
fn a_function_taken_by_reference_counts_as_a_call() {
    let g = crate_of(&[
        ("lib.rs", "pub mod rules;"),
        (
            "rules/mod.rs",
            "mod chain;\npub const RULES: &[fn()] = &[chain::units];\npub fn named() {}",
        ),
        ("rules/chain.rs", "pub fn units() { super::named() }"),
    ]);
    assert_eq!(call_loops(&g).len(), 1);
}

#[test]
fn a_lower_layer_naming_a_higher_one_is_found() {
    let g = crate_of(&[
        ("lib.rs", "pub mod model;\npub mod narrative;"),
        (
            "model.rs",
            "pub struct Budget { pub n: Option<crate::narrative::Review> }",
        ),
        (
            "narrative.rs",
            "use crate::model::Budget;\npub struct Review;",
        ),
    ]);
    assert_eq!(upward(&g), ["model → narrative (Review)"]);
}

#[test]
fn code_after_a_test_item_is_read_and_comments_are_not() {
    let g = crate_of(&[
        ("lib.rs", "pub mod model;\npub mod narrative;"),
        (
            "model.rs",
            "/// A note on #[cfg(test)] items, and on crate::narrative::Old.\n#[cfg(test)]\nfn helper() { let _ = crate::narrative::Test; }\npub struct Budget { pub n: Option<crate::narrative::Review> }\n#[cfg(test)]\nmod tests;",
        ),
        ("narrative.rs", "pub struct Review;"),
    ]);
    assert_eq!(upward(&g), ["model → narrative (Review)"]);
}

#[test]
fn a_name_brought_in_under_another_is_followed() {
    let g = crate_of(&[
        ("lib.rs", "pub mod a;"),
        ("a/mod.rs", "mod b;\nmod c;\npub fn run() { b::read(); }"),
        (
            "a/b.rs",
            "use super::{c as cc};\npub fn read() { cc::write(); }",
        ),
        (
            "a/c.rs",
            "use crate::a as top;\npub fn write() { top::run(); }",
        ),
    ]);
    let found = call_loops(&g);
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_module_declared_inside_a_file_is_seen() {
    assert_eq!(
        inline_modules(&clean(
            "mod inner {\n fn f() {} }\n#[cfg(test)]\nmod tests { }"
        )),
        ["inner"]
    );
    assert!(inline_modules(&clean("mod a;\npub mod b;")).is_empty());
}
