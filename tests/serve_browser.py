"""The browser's side of tests/serve_browser.rs: a reviewer at the desk.

Debian's Chromium, driven by Playwright, opens the page, chooses the
workbooks (a damaged one among them), waits for every row, and checks what
a reviewer sees against what `yusuan check --format json` printed for the
same files: each file's rule IDs, the damaged file's Chinese message, the
batch's duplicate; clicks a finding and sees its cells marked in the sheet;
downloads the reviewer's workbook and finds 核对结果 its first sheet and the
command line's bytes. The page's own security policy stays on: nothing is
evaluated in the page, everything is read through locators.
"""

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def until(what, ok, seconds=120):
    """Waits for ok() to hold, polling; fails saying what was awaited."""
    start = time.time()
    while not ok():
        if time.time() - start > seconds:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--chromium", required=True)
    p.add_argument("--files", nargs="+", required=True)
    p.add_argument("--expected", required=True, help="check --format json of the files")
    p.add_argument("--report", required=True, help="check --report of the file with findings")
    p.add_argument("--report-of", required=True)
    p.add_argument("--damaged", required=True)
    p.add_argument("--screenshot", required=True)
    a = p.parse_args()
    expected = json.load(open(a.expected, encoding="utf-8"))
    by_name = {f["path"]: f for f in expected["files"]}

    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="yusuan-chromium-"),
            executable_path=a.chromium,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 800},
            accept_downloads=True,
            locale="zh-CN",
        )
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(a.url)
        assert page.title() == "yusuan 预算核对台", page.title()

        # The workbooks, chosen as a reviewer does with the file picker.
        page.set_input_files("#pick-files", a.files)
        rows = page.locator("#files tbody tr[data-n]")
        until(
            "every file read",
            lambda: rows.count() == len(a.files)
            and page.locator("#files tbody .status-wait").count() == 0
            and page.locator("#files tbody tr.uploading").count() == 0,
        )
        print("rows:", rows.count())

        # Unreadable files first, then errors.
        first = rows.nth(0).get_attribute("data-name")
        assert first == a.damaged, "first row " + first

        # The damaged file's Chinese message, as check says it.
        want = by_name[a.damaged]
        assert want["status"] == "unreadable", want
        status = page.locator('#files tbody tr[data-name="%s"] td.status' % a.damaged).inner_text()
        assert status == "无法读取：" + want["message"], status
        assert re.search(r"[\u4e00-\u9fff]", status), status
        print("damaged:", status)

        # The batch's own finding: the same budget in an .xls and its .xlsx.
        for b in expected["batch"]:
            note = page.locator("#batch-notes").inner_text()
            assert b["rule"] in note and b["message"] in note, note
            print("batch:", b["rule"])

        # Every other file: its findings, rule by rule, as check gives them.
        for name, want in by_name.items():
            if name == a.damaged:
                continue
            page.locator('#files tbody tr[data-name="%s"]' % name).click()
            until(name + "'s findings", lambda: page.locator("#detail-title").inner_text() == name
                  and (page.locator("#findings tbody tr").count() > 0
                       or page.locator("#no-findings").is_visible()))
            # Read in one step: the table is redrawn as the page loads, and a
            # row found in one call may be gone by the next.
            def shown():
                return page.eval_on_selector_all(
                    "#findings tbody tr", "rows => rows.map(r => r.dataset.rule)")
            expected_rules = [f["rule"] for f in want["findings"]]
            try:
                until(name + "'s rules", lambda: shown() == expected_rules, seconds=30)
            except AssertionError:
                pass
            rules = shown()
            assert rules == expected_rules, (name, rules)
            if not rules:
                assert page.locator("#no-findings").is_visible()
            print(name, "findings:", rules)

        # One finding's cells, marked in the sheet as the workbook has it.
        page.locator('#files tbody tr[data-name="%s"]' % a.report_of).click()
        until("the findings", lambda: page.locator("#findings tbody tr").count() > 0)
        want = by_name[a.report_of]
        k, finding = next((k, f) for k, f in enumerate(want["findings"]) if f["severity"] == "error")
        page.locator('#findings tbody tr[data-k="%d"]' % k).click()
        marks = page.locator("table.grid td.mark")
        until("marked cells", lambda: marks.count() > 0)
        sheet = finding["cells"][0].split("!")[0]
        shown = {
            (m.locator("xpath=ancestor::table[1]").get_attribute("data-sheet"), m.get_attribute("data-addr"))
            for m in marks.all()
        }
        cells = {tuple(c.split("!")) for c in finding["cells"]}
        assert shown == cells, (shown, cells)
        assert all("mark-error" in m.get_attribute("class") for m in marks.all())
        print("marked:", sorted(shown), "on", sheet)
        # The cell as the sheet has it: the stated total.
        total = page.locator('table.grid[data-sheet="%s"] td[data-addr="%s"]' % (sheet, finding["cells"][0].split("!")[1]))
        assert total.inner_text() == finding["expected"], total.inner_text()

        # Filtered to errors: only the errors.
        page.select_option("#filter-severity", "error")
        sev = [r.locator("td").nth(0).inner_text() for r in page.locator("#findings tbody tr").all()]
        assert sev and all(s == "错误" for s in sev), sev
        assert len(sev) == sum(f["severity"] == "error" for f in want["findings"])
        page.select_option("#filter-severity", "")

        # The screenshot for the docs: the batch and this finding's cells.
        page.locator('#findings tbody tr[data-k="%d"]' % k).click()
        until("marked cells again", lambda: marks.count() > 0)
        page.screenshot(path=a.screenshot, full_page=True)

        # The reviewer's workbook, downloaded: the command line's bytes,
        # 核对结果 its first sheet.
        with page.expect_download() as d:
            page.locator("#dl-report").click()
        path = d.value.path()
        assert d.value.suggested_filename == a.report_of.rsplit(".", 1)[0] + "-核对.xlsx", d.value.suggested_filename
        got = open(path, "rb").read()
        assert got == open(a.report, "rb").read(), "the downloaded workbook is not check --report's"
        with zipfile.ZipFile(path) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8")
        first_sheet = re.search(r'<sheet [^>]*name="([^"]+)"', workbook).group(1)
        assert first_sheet == "核对结果", first_sheet
        print("downloaded:", d.value.suggested_filename, len(got), "bytes; first sheet", first_sheet)

        # The damaged file did not stop the others, and the page met no error.
        assert not errors, errors
        ctx.close()
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAILED:", e, file=sys.stderr)
        sys.exit(1)
