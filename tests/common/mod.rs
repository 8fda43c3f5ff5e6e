//! Helpers shared by the integration tests.

use yusuan::model::Budget;

/// The model without where things stood — what must survive a round trip:
/// every amount, code, name and form field, none of the cells, units and
/// headers of the layout it was read from.
pub fn content(b: &Budget) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        const WHERE: [&str; 17] = [
            "coverage",
            "cell",
            "label_cell",
            "name_cell",
            "unit_cell",
            "form",
            "range",
            "source",
            "year_from",
            "level_from",
            "number",
            "sheet",
            "diagnostics",
            "columns",
            "title",
            "missing_columns",
            "unit",
        ];
        match v {
            serde_json::Value::Object(m) => {
                for k in WHERE {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(b).unwrap();
    strip(&mut v);
    v
}
