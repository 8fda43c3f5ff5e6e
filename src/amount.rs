//! Cell value → exact amount.
//!
//! The only place where a binary float is touched: a float cell becomes a
//! decimal through its shortest round-trip text (`324.82999999999998` is the
//! double nearest 324.83, whose shortest text is `324.83`), then is rounded to
//! two decimals. Everything past this module is `Decimal`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::text::norm;
use crate::workbook::CellValue;

/// The unit a table displays its amounts in (`单位：万元` / `单位：元`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Unit {
    /// 元
    #[serde(rename = "元")]
    Yuan,
    /// 万元 (10,000 元)
    #[serde(rename = "万元")]
    #[default]
    Wan,
}

impl Unit {
    /// How many 元 one displayed unit is.
    pub fn factor(self) -> Decimal {
        match self {
            Unit::Yuan => Decimal::ONE,
            Unit::Wan => Decimal::from(10_000),
        }
    }

    /// Reads the unit from a label such as `万元`, `单位：元`, `金额单位:万元`.
    /// Returns `None` for anything else (千元, a department name after `部门/单位：`).
    pub fn from_label(text: &str) -> Option<Unit> {
        let t = norm(text);
        let t = t.trim_start_matches(['(', '[']);
        if t.starts_with("万元") {
            Some(Unit::Wan)
        } else if t.starts_with('元') {
            Some(Unit::Yuan)
        } else {
            None
        }
    }

    /// Finds the unit a cell declares: `单位：万元`, `金额单位:元`, the unit
    /// after the issuer in one cell (`编制单位：某某局    单位：元`), or a
    /// unit in brackets in a header or label (`预算数（万元）`). `Some(Err(x))`
    /// when a unit is declared but is neither 元 nor 万元.
    pub fn declared_in(text: &str) -> Option<Result<Unit, String>> {
        Unit::declared_in_with(text, &[])
    }

    /// As [`Unit::declared_in`], also skipping `单位：` where it ends one of
    /// `org_labels` (a template's `department_labels`, `编制单位` …).
    pub fn declared_in_with(text: &str, org_labels: &[String]) -> Option<Result<Unit, String>> {
        let t = norm(text);
        let mut rest = t.as_str();
        while let Some(i) = rest.find("单位:") {
            let before = &rest[..i];
            let after = &rest[i + "单位:".len()..];
            rest = after;
            // `部门/单位：`, `编制单位：`, `预算单位：` … name an organization.
            let org = |label: &String| {
                label
                    .strip_suffix("单位")
                    .is_some_and(|head| !head.is_empty() && before.ends_with(head))
            };
            if ORG_BEFORE_UNIT.iter().any(|w| before.ends_with(w)) || org_labels.iter().any(org) {
                continue;
            }
            let word: String = after
                .chars()
                .take_while(|c| !matches!(c, ')' | ',' | ';' | ':'))
                .collect();
            // A unit is a measure word; anything else (`单位：某某局`) is
            // an organization written after a bare 单位.
            if !word.starts_with(['元', '万', '千', '百', '亿']) {
                continue;
            }
            return Some(Unit::from_label(&word).ok_or(word));
        }
        for (mark, unit) in [("(万元)", Unit::Wan), ("(元)", Unit::Yuan)] {
            if t.contains(mark) {
                return Some(Ok(unit));
            }
        }
        None
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Words before `单位：` that make it an organization's line, not a unit's.
const ORG_BEFORE_UNIT: &[&str] = &[
    "/", "部门", "预算", "编制", "填报", "申报", "主管", "执行", "项目", "实施", "报送",
];

/// How the cell held the amount. Reconciliation reports text numbers
/// (S.text_number); blank and dash both mean zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CellForm {
    #[default]
    Number,
    Text,
    Blank,
    Dash,
}

impl CellForm {
    pub fn is_number(&self) -> bool {
        *self == CellForm::Number
    }
}

/// A cell read as an amount in the table's display unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAmount {
    /// Two decimals, in the display unit.
    pub value: Decimal,
    pub form: CellForm,
    /// Set when rounding to two decimals changed the stored value by more
    /// than float noise (e.g. 324.8349 → 324.83): the original text.
    pub rounded_from: Option<String>,
}

/// Why a cell is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnAmount {
    /// Text, a boolean, a date or an error value: what the cell holds.
    NotANumber(String),
    /// A formula saved without its result (`=SUM(C7:C9)`).
    Formula(String),
    /// A number no budget holds (see [`MAX_AMOUNT`]), as the cell gives it:
    /// refused before any arithmetic, which it would overflow.
    OutOfRange(String),
}

/// The largest amount read, in the table's own unit (a whole country's
/// budget is some 10^13 元): one beyond it is a typing slip or a crafted
/// file, and taking it would overflow exact arithmetic once scaled to 元
/// and summed. Checked on every cell before it is used.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

impl fmt::Display for NotAnAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A formula whose result the saving tool never stored: reading
            // it as 0 would lose the figure without a word.
            NotAnAmount::Formula(formula) => write!(
                f,
                "单元格是公式“={formula}”，但文件没有保存它的计算结果（保存文件的工具未计算公式）；请在 Excel/WPS 中打开并重新保存"
            ),
            NotAnAmount::NotANumber(text) => write!(f, "不是金额：{text}"),
            NotAnAmount::OutOfRange(text) => write!(
                f,
                "金额超出范围：“{text}”（绝对值应小于 10 的 15 次方）；请核对是否多打了数字"
            ),
        }
    }
}

/// `d` when it is an amount a budget can hold.
fn in_range(d: Decimal, shown: impl FnOnce() -> String) -> Result<Decimal, NotAnAmount> {
    if d.abs() < MAX_AMOUNT {
        Ok(d)
    } else {
        Err(NotAnAmount::OutOfRange(shown()))
    }
}

/// A change by rounding that is larger than this (in the display unit) is
/// reported; below it is the float's own noise.
fn noise() -> Decimal {
    Decimal::new(1, 6)
}

fn round2(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Appends `d` exactly as its `Display` writes it (sign, digits, the point
/// `scale` digits from the right), without the formatting machinery: a
/// bulk conversion writes every amount of every workbook this way.
pub fn push_decimal(out: &mut String, d: Decimal) {
    if d.is_sign_negative() {
        out.push('-');
    }
    let scale = d.scale() as usize;
    let mut buf = [b'0'; 40];
    let mut at = buf.len();
    let m = d.mantissa().unsigned_abs();
    if let Ok(mut m) = u64::try_from(m) {
        while m != 0 {
            at -= 1;
            buf[at] = b'0' + (m % 10) as u8;
            m /= 10;
        }
    } else {
        let mut m = m;
        while m != 0 {
            at -= 1;
            buf[at] = b'0' + (m % 10) as u8;
            m /= 10;
        }
    }
    // At least `scale` digits: the buffer is zeros already.
    at = at.min(buf.len() - scale);
    let digits = &buf[at..];
    let whole = digits.len() - scale;
    // ASCII digits only: the conversion cannot fail.
    if whole == 0 {
        out.push('0');
    } else {
        out.push_str(std::str::from_utf8(&digits[..whole]).unwrap_or_default());
    }
    if scale > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&digits[whole..]).unwrap_or_default());
    }
}

/// Floats at the edges of the whole-number fast paths (signed zeros, the
/// largest whole figure taken, the first not, fractions), for their tests.
#[cfg(test)]
pub(crate) const FLOAT_EDGES: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    3_248_300.0,
    -20_101.0,
    999_999_999_999_999.0,
    1e15,
    -1e15,
    1e16,
    0.5,
    -0.25,
    1234.56,
    -0.01,
    2e-7,
    9_007_199_254_740_993.0,
];

/// Shortest round-trip text of a float, as a decimal.
pub fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    // A whole figure (most are) is its integer: what the text below gives
    // for it, without printing and parsing. Not -0, whose text keeps a sign.
    if f.fract() == 0.0 && f.abs() < 1e15 && !(f == 0.0 && f.is_sign_negative()) {
        return Some(Decimal::from(f as i64));
    }
    decimal_from_f64_text(f)
}

/// [`decimal_from_f64`] by the float's shortest round-trip text.
fn decimal_from_f64_text(f: f64) -> Option<Decimal> {
    let s = format!("{f}");
    Decimal::from_str(&s)
        .ok()
        .or_else(|| Decimal::from_scientific(&format!("{f:e}")).ok())
}

fn finish(exact: Decimal, form: CellForm, original: impl FnOnce() -> String) -> ParsedAmount {
    let value = round2(exact);
    let rounded_from = ((exact - value).abs() > noise()).then(original);
    ParsedAmount {
        value,
        form,
        rounded_from,
    }
}

/// Parses a text amount: `3,248,300.00`, `－`, `—`, ` 12.5 `, `-3.00`.
pub fn parse_text_amount(s: &str) -> Result<ParsedAmount, NotAnAmount> {
    let t: String = norm(s)
        .chars()
        .filter(|c| !matches!(c, ',' | '、'))
        .collect();
    if t.is_empty() {
        return Ok(ParsedAmount {
            value: round2(Decimal::ZERO),
            form: CellForm::Blank,
            rounded_from: None,
        });
    }
    if matches!(t.as_str(), "-" | "—" | "–" | "——" | "--" | "−") {
        return Ok(ParsedAmount {
            value: round2(Decimal::ZERO),
            form: CellForm::Dash,
            rounded_from: None,
        });
    }
    let t = t.trim_start_matches('+');
    let (neg, body) = match t.strip_prefix(['-', '−']) {
        Some(b) => (true, b),
        None => match t.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
            Some(b) => (true, b),
            None => (false, t),
        },
    };
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(NotAnAmount::NotANumber(s.to_string()));
    }
    // Past 28 digits a decimal cannot hold it: out of range as well.
    let d = Decimal::from_str(body).map_err(|_| NotAnAmount::OutOfRange(s.trim().to_string()))?;
    let d = in_range(if neg { -d } else { d }, || s.trim().to_string())?;
    Ok(finish(d, CellForm::Text, || s.trim().to_string()))
}

/// Parses any cell as an amount. Blank and dashes are zero.
///
/// # Errors
/// [`NotAnAmount`] for text that is not a number, booleans, dates and errors.
///
/// # Examples
/// ```
/// use yusuan::amount::parse_amount;
/// use yusuan::workbook::CellValue;
/// let a = parse_amount(&CellValue::Number(324.82999999999998)).unwrap();
/// assert_eq!(a.value.to_string(), "324.83");
/// assert!(a.rounded_from.is_none());
/// ```
pub fn parse_amount(cell: &CellValue) -> Result<ParsedAmount, NotAnAmount> {
    match cell {
        CellValue::Empty => parse_text_amount(""),
        CellValue::Number(f) => {
            let d = match decimal_from_f64(*f) {
                Some(d) => in_range(d, || format!("{f}"))?,
                None if f.is_finite() => return Err(NotAnAmount::OutOfRange(format!("{f}"))),
                None => return Err(NotAnAmount::NotANumber(f.to_string())),
            };
            Ok(finish(d, CellForm::Number, || format!("{f}")))
        }
        CellValue::Int(i) => {
            let d = in_range(Decimal::from(*i), || i.to_string())?;
            Ok(finish(d, CellForm::Number, String::new))
        }
        CellValue::Text(s) => parse_text_amount(s),
        CellValue::Bool(b) => Err(NotAnAmount::NotANumber(b.to_string())),
        CellValue::Other(s) => Err(NotAnAmount::NotANumber(s.clone())),
        CellValue::Formula(s) => Err(NotAnAmount::Formula(s.clone())),
    }
}

/// Parses a share or rate: text `97.95%` or `100%` gives percent points; a
/// number cell is a fraction (Excel keeps 97.95% as 0.9795). Result in
/// percent points, two decimals.
///
/// # Errors
/// [`NotAnAmount`] when the cell holds anything else.
pub fn parse_percent(cell: &CellValue) -> Result<Option<Decimal>, NotAnAmount> {
    match cell {
        CellValue::Empty => Ok(None),
        CellValue::Number(_) | CellValue::Int(_) => {
            let p = parse_amount(cell)?;
            // The fraction has more than two decimals; read it exactly.
            let exact = match cell {
                CellValue::Number(f) => decimal_from_f64(*f).unwrap_or(p.value),
                _ => p.value,
            };
            Ok(Some(round2(exact * Decimal::ONE_HUNDRED)))
        }
        CellValue::Text(s) => {
            let t = norm(s);
            if t.is_empty() {
                return Ok(None);
            }
            let body = t.strip_suffix('%').unwrap_or(&t);
            let p = parse_text_amount(body).map_err(|e| match e {
                NotAnAmount::OutOfRange(_) => NotAnAmount::OutOfRange(s.trim().to_string()),
                _ => NotAnAmount::NotANumber(s.clone()),
            })?;
            Ok(Some(p.value))
        }
        other => Err(NotAnAmount::NotANumber(other.as_text())),
    }
}

/// Converts a display-unit value to 元 with two decimals.
pub fn to_yuan(value: Decimal, unit: Unit) -> Decimal {
    round2(value * unit.factor())
}

/// Formats a 元 amount in a display unit, two decimals.
pub fn from_yuan(yuan: Decimal, unit: Unit) -> Decimal {
    if unit == Unit::Yuan {
        return round2(yuan);
    }
    round2(yuan / unit.factor())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    // The 17-digit literal is the point: it is how Excel stores 324.83.
    #[allow(clippy::excessive_precision)]
    fn float_noise_becomes_the_printed_figure() {
        let a = parse_amount(&CellValue::Number(324.82999999999998)).unwrap();
        assert_eq!(a.value, d("324.83"));
        assert_eq!(a.value.to_string(), "324.83");
        assert_eq!(a.form, CellForm::Number);
        assert_eq!(a.rounded_from, None);
        let b = parse_amount(&CellValue::Number(0.1 + 0.2)).unwrap();
        assert_eq!(b.value.to_string(), "0.30");
        assert_eq!(b.rounded_from, None, "0.30000000000000004 is float noise");
    }

    #[test]
    fn max_amount_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10_i64.pow(15)));
    }

    /// Regression: a 29-digit text or `1e25` in a 万元 table overflowed
    /// when scaled to 元 and ended the run with a panic.
    #[test]
    fn amounts_past_what_a_budget_holds_are_refused_not_overflowed() {
        let out_of_range = |c: CellValue| {
            let e = parse_amount(&c).unwrap_err();
            assert!(matches!(e, NotAnAmount::OutOfRange(_)), "{c:?}: {e:?}");
            assert!(e.to_string().contains("金额超出范围"), "{e}");
        };
        out_of_range(CellValue::Text("12345678901234567890123456789".into()));
        out_of_range(CellValue::Text("1234567890123456789012345678901234".into()));
        out_of_range(CellValue::Text("-1,000,000,000,000,000".into()));
        out_of_range(CellValue::Number(1e25));
        out_of_range(CellValue::Number(-1e15));
        out_of_range(CellValue::Number(1e300));
        out_of_range(CellValue::Int(i64::MAX));
        // The largest taken, scaled to 元 and summed, stays exact.
        let top = parse_amount(&CellValue::Text("999999999999999.99".into())).unwrap();
        let yuan = to_yuan(top.value, Unit::Wan);
        assert!(yuan.checked_mul(Decimal::from(1_000_000)).is_some());
        assert!(matches!(
            parse_percent(&CellValue::Number(1e27)),
            Err(NotAnAmount::OutOfRange(_))
        ));
        assert!(matches!(
            parse_percent(&CellValue::Text("1e27%".into())),
            Err(NotAnAmount::NotANumber(_))
        ));
        assert!(matches!(
            parse_percent(&CellValue::Text("100000000000000000%".into())),
            Err(NotAnAmount::OutOfRange(_))
        ));
        assert!(matches!(
            parse_amount(&CellValue::Number(f64::NAN)),
            Err(NotAnAmount::NotANumber(_))
        ));
    }

    #[test]
    fn real_rounding_is_reported() {
        let a = parse_amount(&CellValue::Number(324.8349)).unwrap();
        assert_eq!(a.value, d("324.83"));
        assert_eq!(a.rounded_from.as_deref(), Some("324.8349"));
        let b = parse_amount(&CellValue::Number(0.005)).unwrap();
        assert_eq!(b.value.to_string(), "0.01", "half away from zero");
    }

    #[test]
    fn text_numbers_with_separators() {
        let a = parse_amount(&CellValue::Text("3,248,300.00".into())).unwrap();
        assert_eq!(a.value, d("3248300.00"));
        assert_eq!(a.form, CellForm::Text);
        let b = parse_amount(&CellValue::Text(" ３２４．８３ ".into())).unwrap();
        assert_eq!(b.value, d("324.83"), "full-width digits");
        let c = parse_amount(&CellValue::Text("-6.67".into())).unwrap();
        assert_eq!(c.value, d("-6.67"));
    }

    #[test]
    fn dashes_and_blanks_are_zero() {
        for s in ["-", "—", "－", "——", ""] {
            let a = parse_amount(&CellValue::Text(s.into())).unwrap();
            assert!(a.value.is_zero(), "{s:?}");
            assert!(matches!(a.form, CellForm::Dash | CellForm::Blank), "{s:?}");
        }
        let e = parse_amount(&CellValue::Empty).unwrap();
        assert_eq!(e.form, CellForm::Blank);
        assert_eq!(e.value.to_string(), "0.00");
    }

    #[test]
    fn words_are_not_amounts() {
        assert!(parse_amount(&CellValue::Text("无".into())).is_err());
        assert!(parse_amount(&CellValue::Text("1.2.3".into())).is_err());
        assert!(parse_amount(&CellValue::Bool(true)).is_err());
    }

    #[test]
    fn integers_and_large_values() {
        assert_eq!(
            parse_amount(&CellValue::Int(28700))
                .unwrap()
                .value
                .to_string(),
            "28700.00"
        );
        let a = parse_amount(&CellValue::Number(301600.0)).unwrap();
        assert_eq!(a.value.to_string(), "301600.00");
    }

    #[test]
    fn units_convert_to_yuan_exactly() {
        assert_eq!(to_yuan(d("324.83"), Unit::Wan).to_string(), "3248300.00");
        assert_eq!(to_yuan(d("0.05"), Unit::Wan).to_string(), "500.00");
        assert_eq!(to_yuan(d("28700.00"), Unit::Yuan).to_string(), "28700.00");
        assert_eq!(from_yuan(d("3248300.00"), Unit::Wan).to_string(), "324.83");
    }

    #[test]
    fn unit_declarations() {
        assert_eq!(Unit::declared_in("单位：万元"), Some(Ok(Unit::Wan)));
        assert_eq!(Unit::declared_in("单位:元"), Some(Ok(Unit::Yuan)));
        assert_eq!(Unit::declared_in("金额单位：万元"), Some(Ok(Unit::Wan)));
        assert_eq!(
            Unit::declared_in("当年预算收支(单位：万元)"),
            Some(Ok(Unit::Wan))
        );
        assert_eq!(
            Unit::declared_in("部门/单位：武汉市硚口区企业服务中心"),
            None
        );
        assert_eq!(Unit::declared_in("单位：千元"), Some(Err("千元".into())));
        // The issuer and the unit in one cell, as some bureaus print them.
        assert_eq!(
            Unit::declared_in("编制单位：某某局        单位：元"),
            Some(Ok(Unit::Yuan))
        );
        assert_eq!(
            Unit::declared_in("编制单位：某某局　单位:万元"),
            Some(Ok(Unit::Wan))
        );
        assert_eq!(Unit::declared_in("编制单位：某某局"), None);
        assert_eq!(Unit::declared_in("单位：某某局"), None);
        assert_eq!(Unit::declared_in("预算数（万元）"), Some(Ok(Unit::Wan)));
        assert_eq!(Unit::declared_in("金额（元）"), Some(Ok(Unit::Yuan)));
    }

    #[test]
    fn percents() {
        assert_eq!(
            parse_percent(&CellValue::Text("97.95%".into())).unwrap(),
            Some(d("97.95"))
        );
        assert_eq!(
            parse_percent(&CellValue::Text("100%".into())).unwrap(),
            Some(d("100.00"))
        );
        assert_eq!(
            parse_percent(&CellValue::Number(0.9795)).unwrap(),
            Some(d("97.95"))
        );
        assert_eq!(parse_percent(&CellValue::Empty).unwrap(), None);
    }

    /// Whole figures skip the text: the same decimal, scale and sign, as
    /// the shortest round-trip text gives.
    #[test]
    fn whole_figures_are_the_decimals_their_text_gives() {
        for f in FLOAT_EDGES {
            let fast = decimal_from_f64(f).unwrap();
            let slow = decimal_from_f64_text(f).unwrap();
            assert_eq!(fast, slow, "{f:?}");
            assert_eq!(fast.to_string(), slow.to_string(), "{f:?}");
            assert_eq!(fast.scale(), slow.scale(), "{f:?}");
        }
    }

    #[test]
    fn decimals_are_pushed_as_display_writes_them() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "0.5",
            "-0.05",
            "1",
            "-1",
            "10.10",
            "3248300.00",
            "-20101.5",
            "0.000001",
            "123456789012345678901234.56",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "18446744073709551615",
            "18446744073709551616",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        // a negative zero with a scale, as a subtraction leaves it
        values.push(d("1.00") - d("1.00") * Decimal::ONE);
        values.push(-d("0.00"));
        for f in FLOAT_EDGES {
            values.extend(decimal_from_f64(f));
        }
        for mut v in values {
            for scale in [None, Some(0), Some(2), Some(5)] {
                if let Some(s) = scale {
                    v.rescale(s);
                }
                let mut pushed = String::from("x");
                push_decimal(&mut pushed, v);
                assert_eq!(pushed, format!("x{v}"), "{v:?}");
            }
        }
    }
}
