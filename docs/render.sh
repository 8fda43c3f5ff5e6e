#!/bin/sh
# Renders the pictures the README and docs/ show, through LibreOffice as a reviewer
# would print them:
#   docs/report-summary.png  核对结果, the first sheet of a marked-up report
#   docs/report-table.png    the department's own 表11 in it, marked up
#   docs/form-project.png    a 项目支出绩效目标表 of a normalized workbook
#   docs/form-cover.png      the cover of a normalized workbook
#
# Needs (Debian): libreoffice-calc-nogui poppler-utils fonts-noto-cjk
# Run from the repository: sh docs/render.sh
set -eu
for tool in soffice pdftoppm pdftotext pdfinfo; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "docs/render.sh: $tool not found; apt-get install libreoffice-calc-nogui poppler-utils fonts-noto-cjk" >&2
        exit 2
    }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet
bin=target/debug/yusuan
# The real department's workbook: one error (表11) and two rounding notes.
"$bin" check samples/qiaokou-2024.xlsx --report "$work/report.xlsx" >/dev/null || true
"$bin" convert samples/qiaokou-2024.xlsx -o "$work/normalized" --to xlsx >/dev/null
cp "$work/normalized/qiaokou-2024.xlsx" "$work/form.xlsx"
for f in report form; do
    soffice --headless --convert-to pdf --outdir "$work" "$work/$f.xlsx" >/dev/null 2>&1
done

# The first page whose text holds $2, of PDF $1.
page() {
    n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
    i=1
    while [ "$i" -le "$n" ]; do
        if pdftotext -f "$i" -l "$i" "$1" - | grep -q "$2"; then
            echo "$i"
            return
        fi
        i=$((i + 1))
    done
    echo "docs/render.sh: no page of $1 holds $2" >&2
    exit 1
}

shot() { # pdf page out.png
    pdftoppm -png -r 72 -f "$2" -l "$2" -singlefile "$1" "${3%.png}"
}
shot "$work/report.pdf" 1 docs/report-summary.png
shot "$work/report.pdf" "$(page "$work/report.pdf" 部门整体支出绩效目标)" docs/report-table.png
shot "$work/form.pdf" "$(page "$work/form.pdf" 项目实施方案)" docs/form-project.png
shot "$work/form.pdf" 1 docs/form-cover.png
ls -l docs/*.png
