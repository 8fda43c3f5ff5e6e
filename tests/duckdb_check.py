"""Load yusuan's CSV output into DuckDB with its automatic CSV detection and
check, in SQL, what a warehouse relies on. Run by tests/duckdb.rs:

    python3 tests/duckdb_check.py FLAT_DIR HIVE_DIR

Exit 0 when every check holds; otherwise prints what failed and exits 1.
"""
import glob
import os
import sys

try:
    import duckdb
except ImportError:
    sys.exit("DuckDB's Python package is missing: run this through `cargo test --test duckdb`")

flat, hive = sys.argv[1], sys.argv[2]
con = duckdb.connect()
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def rows(sql):
    return con.execute(sql).fetchall()


def one(sql):
    return rows(sql)[0]


def types(source):
    return {r[0]: str(r[1]) for r in rows(f"DESCRIBE SELECT * FROM {source}")}


NUMERIC = ("DOUBLE", "BIGINT", "DECIMAL", "INTEGER", "FLOAT", "HUGEINT")
CODE_COLUMNS = ("code", "parent_code", "row_code", "key", "level")
AMOUNT_COLUMNS = {
    "t1": ["amount"], "t4": ["amount"],
    "t2": ["total", "cur_gp", "carry_subtotal"], "t3": ["total", "basic", "project", "operating"],
    "t5_1": ["total", "basic_personnel"], "t5_2": ["total", "project"], "t6": ["total", "personnel", "public"],
    "t7": ["total", "reception"], "t10": ["total", "cur_gp", "unit_funds"], "facts": ["amount"],
    "t11_funds": ["current", "share_percent"], "t12": ["year_budget"], "t12_sources": ["amount"],
}

loaded = 0
for path in sorted(glob.glob(os.path.join(flat, "*.csv"))):
    name = os.path.basename(path)[:-4]
    t = types(f"read_csv('{path}')")
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}')")
    loaded += 1
    count = one(f"SELECT count(*) FROM {name}")[0]
    for col in CODE_COLUMNS:
        if col in t and count > 0:
            check(t[col] == "VARCHAR", f"{name}.{col} is {t[col]}, not text")
    for col in AMOUNT_COLUMNS.get(name, []):
        if count > 0:
            check(t.get(col, "").startswith(NUMERIC), f"{name}.{col} is {t.get(col)}, not numeric")
    if "year" in t and count > 0:
        check(t["year"].startswith(NUMERIC), f"{name}.year is {t['year']}")

check(loaded == 29, f"{loaded} CSV files loaded, expected 29")

# Codes keep their text form: 2011308 招商引资 under 20113 under 201, and 表10's project codes.
row = one("SELECT code, parent_code, level FROM t3 WHERE name = '招商引资'")
check(row == ("2011308", "20113", "项"), f"t3 招商引资 row: {row}")
n = one("SELECT count(*) FROM t10 WHERE code = '42010424137T000000100'")[0]
check(n >= 1, "t10 project code kept as text")

# Per department and file: 表3 类 rows add up to 表1 本年支出合计, and to 表3's 合计 row.
mismatch = rows("""
    WITH classes AS (
        SELECT year, dept_code, source_file, sum(total) AS classes
        FROM t3 WHERE level = '类' GROUP BY ALL),
    t1_total AS (
        SELECT year, dept_code, source_file, amount AS t1_total
        FROM t1 WHERE side = 'expense' AND key = 'total')
    SELECT c.*, t.t1_total
    FROM classes c JOIN t1_total t USING (year, dept_code, source_file)
    WHERE abs(c.classes - t.t1_total) > 0.005
""")
check(mismatch == [], f"表3 类 rows differ from 表1 本年支出合计: {mismatch}")
pairs = one("""
    SELECT count(*) FROM t3 c JOIN t1 t USING (year, dept_code, source_file)
    WHERE c.level = '类' AND t.side = 'expense' AND t.key = 'total'
""")[0]
check(pairs > 0, "no 表3 类 rows joined to 表1")
depts = one("SELECT count(DISTINCT dept_code) FROM t3")[0]
check(depts == 2, f"{depts} departments in t3, expected 2")

# facts.csv holds the same amounts as the wide table.
diff = one("""
    SELECT count(*) FROM t3 w JOIN facts f
      ON f.table_id = 't3' AND f.row_no = w.row_no AND f.column_key = 'total'
         AND f.source_file = w.source_file
    WHERE f.amount <> w.total
""")[0]
check(diff == 0, f"{diff} facts differ from t3.total")

# The hive layout reads as one partitioned table, with year from the path.
ht = types(f"read_csv('{hive}/t3/*/*.csv', hive_partitioning = true)")
check(ht.get("code") == "VARCHAR", f"hive t3.code is {ht.get('code')}")
check(ht.get("year", "").startswith(NUMERIC), f"hive t3.year is {ht.get('year')}")
same = one(f"""
    SELECT (SELECT sum(total) FROM read_csv('{hive}/t3/*/*.csv', hive_partitioning = true) WHERE level = '类' AND year = 2024)
         = (SELECT sum(total) FROM t3 WHERE level = '类' AND year = 2024)
""")[0]
check(same, "hive t3 sums differ from flat t3")

# Through schema.sql: every column with its declared type, whatever the data.
typed = duckdb.connect()
typed.execute(open(os.path.join(flat, "schema.sql"), encoding="utf-8").read())
for path in sorted(glob.glob(os.path.join(flat, "*.csv"))):
    name = os.path.basename(path)[:-4]
    typed.execute(f"COPY {name} FROM '{path}' (HEADER)")


def typed_types(table):
    return {r[0]: str(r[1]) for r in typed.execute(f"DESCRIBE {table}").fetchall()}


t3t = typed_types("t3")
check(t3t["total"] == "DECIMAL(18,2)", f"typed t3.total is {t3t['total']}")
check(t3t["dept_code"] == "VARCHAR", f"typed t3.dept_code is {t3t['dept_code']}")
check(typed_types("facts")["amount"] == "DECIMAL(18,2)", "typed facts.amount")
check(typed_types("t11")["phone"] == "VARCHAR", f"typed t11.phone is {typed_types('t11')['phone']}")
empty = typed.execute("SELECT count(*) FROM t9").fetchone()[0]
check(empty == 0 and typed_types("t9")["total"] == "DECIMAL(18,2)", "an empty table is typed too")
units = typed.execute("SELECT DISTINCT unit FROM t3").fetchall()
check(units == [("元",)], f"t3 units {units}")
# The same sums per department, exact, as the auto-detected load gives.
exact = typed.execute(
    "SELECT dept_code, CAST(sum(total) AS VARCHAR) FROM t3 WHERE level = '类' GROUP BY ALL ORDER BY 1"
).fetchall()
guessed = con.execute(
    "SELECT CAST(dept_code AS VARCHAR), printf('%.2f', sum(total)) FROM t3 WHERE level = '类' GROUP BY ALL ORDER BY 1"
).fetchall()
check(exact == guessed and len(exact) == 2, f"typed sums {exact} against {guessed}")

# The batch's years: dept_years gives each department-year's figures as the
# facts of its source give them.
joined = typed.execute("""
    SELECT count(*) FROM dept_years d JOIN facts f
      ON f.source_hash = d.source_hash AND f.table_id = 't3' AND f.row_code = '合计'
         AND f.column_key = 'basic'
    WHERE f.amount = d.basic
""").fetchone()[0]
years = typed.execute("SELECT count(*) FROM dept_years").fetchone()[0]
check(years == 2 and joined == 2, f"dept_years {years} rows, {joined} agree with facts")
check(typed_types("dept_years")["basic"] == "DECIMAL(18,2)", "typed dept_years.basic")
projects = typed.execute("SELECT count(*) FROM project_years JOIN t10 ON t10.code = project_years.project_code AND t10.source_hash = project_years.source_hash WHERE t10.total = project_years.t10_total").fetchone()[0]
check(projects > 0, "project_years agree with t10")

# The Parquet parts (one per input and table, beside the CSV parts): typed
# by the file itself, and the same exact sums as the CSVs through schema.sql.
pq = f"read_parquet('{hive}/t3/*/*.parquet', hive_partitioning = true)"
pt = types(pq)
check(pt.get("total") == "DECIMAL(18,2)", f"parquet t3.total is {pt.get('total')}")
check(pt.get("code") == "VARCHAR" and pt.get("dept_code") == "VARCHAR", f"parquet t3 codes {pt}")
check(pt.get("row_no") == "INTEGER", f"parquet t3.row_no is {pt.get('row_no')}")
from_parquet = rows(
    f"SELECT dept_code, CAST(sum(total) AS VARCHAR) FROM {pq} WHERE level = '类' GROUP BY ALL ORDER BY 1"
)
check(from_parquet == exact, f"parquet sums {from_parquet} against {exact}")
facts_pq = one(f"SELECT count(*), CAST(sum(amount) AS VARCHAR) FROM read_parquet('{hive}/facts/*/*.parquet')")
facts_csv = typed.execute("SELECT count(*), CAST(sum(amount) AS VARCHAR) FROM facts").fetchone()
check(facts_pq == facts_csv, f"parquet facts {facts_pq} against csv {facts_csv}")
parts = len(glob.glob(os.path.join(hive, "*", "*", "*.parquet")))
check(parts > 0, "no parquet part")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"duckdb {duckdb.__version__}: {loaded} files loaded, all checks hold (and {parts} Parquet parts)")
