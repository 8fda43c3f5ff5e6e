//! The package is the one rust_xlsxwriter writes for the same sheets, byte
//! for byte: the markup every spreadsheet program already reads.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook as Theirs,
};

use super::*;
use crate::export::page::{Page, Style};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Two sheets using every style, merges, widths, heights, a frozen
/// header with a frozen column, repeated rows, a hidden sheet, texts that
/// need escaping, and figures of every kind.
fn ours(level: Option<u8>) -> Vec<u8> {
    let mut a = Page::new("表5-1");
    a.print.a4_one_page_wide = true;
    a.print.landscape = true;
    a.span(0, 0, 0, 3, "2024年一般公共预算支出表", Style::Title);
    a.span(1, 0, 1, 2, "部门/单位：某局 & <下属>", Style::Plain);
    a.text(1, 3, "单位：万元", Style::Right);
    a.span(2, 0, 3, 0, "科目编码", Style::Header);
    a.span(2, 1, 2, 3, "金额", Style::Header);
    a.text(3, 1, "合计", Style::Header);
    a.text(3, 2, "占比", Style::Header);
    a.text(3, 3, " 说明 ", Style::Header);
    a.text(4, 0, "201", Style::Code);
    a.number(4, 1, dec("1234.5"), Style::Number);
    a.number(4, 2, dec("0.9795"), Style::Percent);
    a.text(4, 3, "_x0041_ 与\n两行", Style::Text);
    a.text(5, 0, "合计", Style::Section);
    a.number(5, 1, dec("-0.38"), Style::Number);
    a.text(5, 2, "", Style::Number);
    a.number(5, 3, dec("12345678901234567.89"), Style::Number);
    a.span(7, 0, 7, 3, "注：本表……", Style::Note);
    for (c, w) in [(0u16, 12.0), (1, 13.0), (2, 13.0), (3, 40.5)] {
        a.width(c, w);
    }
    a.height(3, 31.5);
    a.height(7, 17.25);
    a.freeze = Some((4, 1));
    a.repeat_rows = Some((2, 3));
    let mut b = Page::new("填表说明");
    b.hidden = true;
    b.width(0, 72.0);
    b.text(0, 0, "1. 说明", Style::Default);
    b.text(20, 2, "1. 说明", Style::Default);
    b.freeze = Some((3, 0));
    let options = Options {
        zip_level: level,
        ..Options::default()
    };
    write(&[a, b], &options).unwrap()
}

fn theirs(level: Option<u8>) -> Vec<u8> {
    let mut wb = Theirs::new();
    if let Some(l) = level {
        wb.set_zip_compression_level(l);
    }
    wb.set_properties(
        &DocProperties::new()
            .set_author("yusuan samples")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 15).unwrap()),
    );
    let base = || Format::new().set_font_name("宋体").set_font_size(10);
    let border = || base().set_border(FormatBorder::Thin);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_font_name("宋体")
        .set_align(FormatAlign::Center);
    let plain = base();
    let right = base().set_align(FormatAlign::Right);
    let header = border()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let code = border().set_num_format("@");
    let number = border().set_num_format("#,##0.00");
    let percent = border().set_num_format("0.00%");
    let text = border()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let section = border()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let note = base().set_text_wrap().set_align(FormatAlign::Top);

    let ws = wb.add_worksheet();
    ws.set_name("表5-1").unwrap();
    ws.set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_landscape();
    ws.merge_range(0, 0, 0, 3, "2024年一般公共预算支出表", &title)
        .unwrap();
    ws.merge_range(1, 0, 1, 2, "部门/单位：某局 & <下属>", &plain)
        .unwrap();
    ws.write_string_with_format(1, 3, "单位：万元", &right)
        .unwrap();
    ws.merge_range(2, 0, 3, 0, "科目编码", &header).unwrap();
    ws.merge_range(2, 1, 2, 3, "金额", &header).unwrap();
    ws.write_string_with_format(3, 1, "合计", &header).unwrap();
    ws.write_string_with_format(3, 2, "占比", &header).unwrap();
    ws.write_string_with_format(3, 3, " 说明 ", &header)
        .unwrap();
    ws.write_string_with_format(4, 0, "201", &code).unwrap();
    ws.write_number_with_format(4, 1, 1234.5, &number).unwrap();
    ws.write_number_with_format(4, 2, 0.9795, &percent).unwrap();
    ws.write_string_with_format(4, 3, "_x0041_ 与\n两行", &text)
        .unwrap();
    ws.write_string_with_format(5, 0, "合计", &section).unwrap();
    ws.write_number_with_format(5, 1, -0.38, &number).unwrap();
    ws.write_string_with_format(5, 2, "", &number).unwrap();
    ws.write_number_with_format(5, 3, 12345678901234567.89, &number)
        .unwrap();
    ws.merge_range(7, 0, 7, 3, "注：本表……", &note).unwrap();
    for (c, w) in [(0u16, 12.0), (1, 13.0), (2, 13.0), (3, 40.5)] {
        ws.set_column_width(c, w).unwrap();
    }
    ws.set_row_height(3, 31.5).unwrap();
    ws.set_row_height(7, 17.25).unwrap();
    ws.set_freeze_panes(4, 1).unwrap();
    ws.set_repeat_rows(2, 3).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("填表说明").unwrap();
    ws.set_hidden(true);
    ws.set_column_width(0, 72).unwrap();
    ws.write_string(0, 0, "1. 说明").unwrap();
    ws.write_string(20, 2, "1. 说明").unwrap();
    ws.set_freeze_panes(3, 0).unwrap();
    wb.save_to_buffer().unwrap()
}

/// The parts of a package, by name, inflated.
fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().unwrap().into_owned(), s)
        })
        .collect()
}

#[test]
fn the_package_is_rust_xlsxwriters_byte_for_byte() {
    for level in [None, Some(1)] {
        let (a, b) = (ours(level), theirs(level));
        // Part by part first, so that a difference is shown where it is.
        for ((na, xa), (nb, xb)) in parts(&a).iter().zip(parts(&b).iter()) {
            assert_eq!(na, nb);
            assert_eq!(xa, xb, "{na}");
        }
        assert_eq!(parts(&a).len(), parts(&b).len());
        let at = a.iter().zip(&b).position(|(x, y)| x != y);
        assert!(
            a == b,
            "the zip container differs at level {level:?}: at byte {at:?} of {} and {}",
            a.len(),
            b.len()
        );
    }
}

#[test]
fn sheet_names_excel_refuses_are_refused() {
    for bad in ["", "a/b", "[x]", "'quoted'", &"长".repeat(32)] {
        let e = write(&[Page::new(bad)], &Options::default()).unwrap_err();
        assert!(matches!(e, XlsxError::SheetName(_)), "{bad}: {e}");
    }
    let e = write(&[Page::new("表1"), Page::new("表1")], &Options::default()).unwrap_err();
    assert!(matches!(e, XlsxError::SheetName(_)), "{e}");
}

#[test]
fn heights_in_points_are_written_as_floats_are() {
    for px in 0..3000 {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        super::push_points(&mut a, px);
        super::push_f64(&mut b, f64::from(px) * 0.75);
        assert_eq!(a, b, "{px}");
    }
}

#[test]
fn texts_are_escaped_as_character_by_character() {
    for s in [
        "plain 文字",
        "a & b",
        "<x>",
        "\"q\"",
        "tab\there",
        "line\nnext",
        "\u{1}",
        "\u{FFFE}",
        "ｅ",
        "_x0041_",
    ] {
        for attr in [false, true] {
            let mut fast = Vec::new();
            super::escape_with(&mut fast, s, attr);
            let mut slow = Vec::new();
            for ch in s.chars() {
                let mut one = Vec::new();
                super::escape_with(&mut one, &ch.to_string(), attr);
                slow.extend(one);
            }
            assert_eq!(fast, slow, "{s:?}");
        }
    }
}
