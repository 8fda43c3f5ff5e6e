//! Typed warehouse files: one Parquet file per input and table (and year),
//! from the same rows and schema as the CSV files. Amounts are
//! `DECIMAL(18,2)` (stored as INT64 in cents of the unit asked for), text
//! `VARCHAR` (UTF-8 byte arrays), years and row numbers `INT32`; an empty
//! cell is null. The `parquet` crate is used without its default features
//! (no Arrow, no compression codecs): it builds in seconds.

use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::csv::Column;

/// Renders rows (as the CSV rows, one string per column) as a Parquet file.
///
/// # Errors
/// A message when a figure is not a two-decimal amount or the file cannot
/// be assembled.
pub fn render(table: &str, columns: &[Column], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let fields: Vec<String> = columns
        .iter()
        .map(|(name, ty, _)| match *ty {
            "decimal" => format!("OPTIONAL INT64 {name} (DECIMAL(18,2));"),
            "integer" => format!("OPTIONAL INT32 {name};"),
            "boolean" => format!("OPTIONAL BOOLEAN {name};"),
            _ => format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"),
        })
        .collect();
    let schema = parse_message_type(&format!("message {table} {{ {} }}", fields.join(" ")))
        .map_err(|e| format!("{table}: {e}"))?;
    let props = Arc::new(WriterProperties::builder().build());
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, Arc::new(schema), props)
        .map_err(|e| format!("{table}: {e}"))?;
    let mut group = writer.next_row_group().map_err(|e| e.to_string())?;
    for (i, (name, ty, _)) in columns.iter().enumerate() {
        let Some(mut col) = group.next_column().map_err(|e| e.to_string())? else {
            break;
        };
        let cells: Vec<&str> = rows
            .iter()
            .map(|r| r.get(i).map_or("", String::as_str))
            .collect();
        let defs: Vec<i16> = cells.iter().map(|c| i16::from(!c.is_empty())).collect();
        let present = cells.iter().filter(|c| !c.is_empty());
        let bad = |c: &str| format!("{table}.{name}: “{c}” 不是{ty}");
        match *ty {
            "decimal" => {
                let values = present
                    .map(|c| cents(c).ok_or_else(|| bad(c)))
                    .collect::<Result<Vec<i64>, _>>()?;
                col.typed::<Int64Type>()
                    .write_batch(&values, Some(&defs), None)
            }
            "integer" => {
                let values = present
                    .map(|c| c.parse::<i32>().map_err(|_| bad(c)))
                    .collect::<Result<Vec<i32>, _>>()?;
                col.typed::<Int32Type>()
                    .write_batch(&values, Some(&defs), None)
            }
            "boolean" => {
                let values: Vec<bool> = present.map(|c| *c == "true").collect();
                col.typed::<BoolType>()
                    .write_batch(&values, Some(&defs), None)
            }
            _ => {
                let values: Vec<ByteArray> = present.map(|c| ByteArray::from(*c)).collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&values, Some(&defs), None)
            }
        }
        .map_err(|e| format!("{table}.{name}: {e}"))?;
        col.close().map_err(|e| e.to_string())?;
    }
    group.close().map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(out)
}

/// `3248300.00` → 324830000 (two decimals, exact).
fn cents(s: &str) -> Option<i64> {
    let d: rust_decimal::Decimal = s.parse().ok()?;
    let scaled = (d * rust_decimal::Decimal::ONE_HUNDRED).normalize();
    (scaled.fract().is_zero())
        .then(|| rust_decimal::prelude::ToPrimitive::to_i64(&scaled))
        .flatten()
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_exact_cents() {
        assert_eq!(super::cents("3248300.00"), Some(324_830_000));
        assert_eq!(super::cents("-0.01"), Some(-1));
        assert_eq!(super::cents("1.005"), None);
    }
}
