//! `docs/templates.md` is current: every field the template structs accept
//! is described (serde's own list of expected fields is the truth), and the
//! rules that read each canonical key are measured by moving that key's
//! figures and watching which rules fire.

use std::collections::BTreeSet;
use std::path::Path;
use yusuan::model::TableId;

use rust_decimal::Decimal;
use yusuan::import::{import_file, ImportOptions};
use yusuan::model::Budget;
use yusuan::reconcile::check;
use yusuan::template::docs::{markdown, STRUCTS};
use yusuan::template::{Role, TableKind, Template, Templates};

/// The fields serde accepts for the struct a probe reaches.
fn accepted(probe: &str) -> BTreeSet<String> {
    let e = Template::parse(probe, "probe").unwrap_err().to_string();
    let list = e
        .split("expected one of ")
        .nth(1)
        .or_else(|| e.split("expected ").nth(1))
        .unwrap_or_else(|| panic!("no field list in: {e}"));
    // The library's words stand in brackets after ours.
    let list = list.lines().next().unwrap_or("").trim_end_matches('）');
    // `a`, `b`, `c` — or, for two, `a` or `b`.
    list.split(", ")
        .flat_map(|f| f.split(" or "))
        .map(|f| f.trim().trim_matches('`').to_string())
        .collect()
}

#[test]
fn every_template_field_is_documented() {
    for st in STRUCTS {
        let documented: BTreeSet<String> = st.fields.iter().map(|f| f.field.to_string()).collect();
        assert_eq!(accepted(st.probe), documented, "fields of {}", st.path);
    }
}

/// Moves every figure of `key` in table `id` by `d` 元.
fn nudge(b: &mut Budget, id: TableId, key: &str, d: Decimal) {
    let t = &mut b.tables;
    let coded = match id {
        TableId::T2 => t.t2.as_mut(),
        TableId::T3 => t.t3.as_mut(),
        TableId::T5_1 => t.t5_1.as_mut(),
        TableId::T5_2 => t.t5_2.as_mut(),
        TableId::T6 => t.t6.as_mut(),
        TableId::T8 => t.t8.as_mut(),
        TableId::T9 => t.t9.as_mut(),
        TableId::T10 => t.t10.as_mut(),
        _ => None,
    };
    if let Some(c) = coded {
        for r in c.total.iter_mut().chain(c.rows.iter_mut()) {
            if let Some(a) = r.amounts.get_mut(key) {
                a.yuan += d;
            }
        }
        return;
    }
    if id == TableId::T7 {
        if let Some(a) = t.t7.as_mut().and_then(|s| s.amounts.get_mut(key)) {
            a.yuan += d;
        }
        return;
    }
    let lines = match id {
        TableId::T1 => t.t1.as_mut(),
        _ => t.t4.as_mut(),
    };
    if let Some(l) = lines {
        for line in l.income.iter_mut().chain(l.expense.iter_mut()) {
            let k = line.key.as_deref().unwrap_or("");
            if k == key || key == "class_*" && k.starts_with("class_") {
                line.amount.yuan += d;
            }
        }
    }
}

#[test]
fn the_template_reference_is_current() {
    let templates = Templates::builtin();
    let t2024 = templates.get("2024").unwrap();
    let canonical: Vec<(String, Vec<String>)> = t2024
        .tables
        .iter()
        .filter(|t| t.kind != TableKind::Form)
        .map(|t| {
            let mut keys: Vec<String> = if t.kind == TableKind::Lines {
                let mut k: Vec<String> = Vec::new();
                for l in &t.lines {
                    if !k.contains(&l.key) {
                        k.push(l.key.clone());
                    }
                }
                k.push("class_*".into());
                k
            } else {
                t.columns
                    .iter()
                    .filter(|c| c.role == Role::Amount)
                    .map(|c| c.key.clone())
                    .collect()
            };
            keys.dedup();
            (t.id.to_string(), keys)
        })
        .collect();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let base = import_file(&sample, &templates, &ImportOptions::default()).unwrap();
    let before: BTreeSet<(String, String)> = check(&base)
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect();
    let mut readers = Vec::new();
    for (id, keys) in &canonical {
        for key in keys {
            // Up and down: an inequality (X.t3_t5, X.t7_t6) fires one way.
            let mut rules: BTreeSet<String> = BTreeSet::new();
            for d in [Decimal::new(10_000, 0), Decimal::new(-10_000, 0)] {
                let mut b = base.clone();
                nudge(&mut b, TableId::parse(id).unwrap(), key, d);
                rules.extend(
                    check(&b)
                        .iter()
                        .filter(|f| !before.contains(&(f.rule.to_string(), f.message.clone())))
                        .map(|f| f.rule.to_string()),
                );
            }
            readers.push((
                id.clone(),
                key.clone(),
                rules.into_iter().collect::<Vec<_>>(),
            ));
        }
    }
    // Sanity: the measure sees what the rules are known to read.
    let of = |t: TableId, k: &str| {
        readers
            .iter()
            .find(|(a, b, _)| a == t.as_str() && b == k)
            .unwrap()
            .2
            .clone()
    };
    assert!(of(TableId::T3, "basic").contains(&"T3.row".to_string()));
    assert!(of(TableId::T1, "total").contains(&"T1.income_total".to_string()));
    let want = markdown(&canonical, &readers);
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md");
    if std::env::var_os("YUSUAN_WRITE_DOCS").is_some() {
        std::fs::write(&doc, &want).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap_or_default(),
        want,
        "run with YUSUAN_WRITE_DOCS=1 to refresh docs/templates.md"
    );
}
