//! The template field reference (`docs/templates.md`), generated from this
//! table; a test checks that every field the template structs accept is
//! documented here (serde's own list of expected fields) and that the file
//! is current.

/// One field of a template struct.
pub struct FieldDoc {
    pub field: &'static str,
    pub ty: &'static str,
    /// `required`, or the default when absent.
    pub default: &'static str,
    pub meaning: &'static str,
    pub example: &'static str,
}

/// A struct of the template file: where it stands in the TOML, a TOML
/// snippet whose unknown key makes serde list the struct's fields, what it
/// is, and its fields.
pub struct StructDoc {
    pub path: &'static str,
    pub probe: &'static str,
    pub about: &'static str,
    pub fields: &'static [FieldDoc],
}

macro_rules! f {
    ($field:literal, $ty:literal, $default:literal, $meaning:literal, $example:literal) => {
        FieldDoc {
            field: $field,
            ty: $ty,
            default: $default,
            meaning: $meaning,
            example: $example,
        }
    };
}

pub const STRUCTS: &[StructDoc] = &[
    StructDoc {
        path: "(top level)",
        probe: "__probe = 1\n",
        about: "One template: a layout of the budget workbook (a year's official set, or a bureau's).",
        fields: &[
            f!("id", "text", "required", "The template's ID, in `inspect`, the model's `source.template` and `--template ID`. A file with the ID of a built-in template replaces it.", "`\"2024\"`"),
            f!("extends", "text", "none", "Make this template from another (a built-in one or one loaded before it): every key not written here is the base's; a `[[tables]]` entry with a base table's `id`, and `[narrative]` and `[conventions]`, change only the keys they give; other entries add tables.", "`\"2024\"`"),
            f!("omit", "list of table IDs", "`[]`", "With `extends`: the base's tables this layout does not have.", "`[\"t5_2\"]`"),
            f!("name", "text", "required", "The template's name as `inspect` prints it.", "`\"2024 年部门预算公开表\"`"),
            f!("description", "text", "`\"\"`", "What sets the layout apart, for people.", ""),
            f!("default_unit", "`\"元\"` or `\"万元\"`", "required", "The unit of a table whose sheet declares none (reported as `S.unit`), unless the table has its own `unit`.", "`\"万元\"`"),
            f!("years", "list of 1 or 2 years", "required", "The budget years the template is for: `[from]` means from then on, `[from, to]` a range. Breaks ties between templates that find as many tables.", "`[2022, 2023]`"),
            f!("department_labels", "list of words", "required", "Labels of the line that names the department (`编制部门：XX局`); `单位：` after one of them that ends in 单位 is not a unit.", "`[\"部门/单位\", \"编制部门\"]`"),
            f!("total_labels", "list of words", "required", "Labels of a total row; found in any label cell of the row (code, name, split code or code-and-name column), merged or not.", "`[\"合计\", \"总计\"]`"),
            f!("note_starts", "list of words", "required", "How a note row below a table starts; its following lines belong to it.", "`[\"备注\", \"注：\"]`"),
            f!("empty_note", "table", "see `[empty_note]`", "How a table says it is empty on purpose.", ""),
            f!("placeholder_marks", "list of words", "`[\"源工作簿无此表\"]`", "Words of a placeholder sheet in the title rows: a table a normalized workbook prints only to say its source had none. Such a sheet is never taken for the table.", ""),
            f!("identity_tables", "list of table IDs", "`[\"t2\", \"t5_2\", \"t10\"]`", "Tables whose 部门/单位 rows give the department's code and its units, the first that has them; only a table whose first level is named 部门 is used. `[]`: the department is named by its `department_labels` line, without a code.", "`[]`"),
            f!("functional_classes", "list of `{code, names}`", "`[]`", "The 支出功能分类 类 by name, for the class lines of 表1 and 表4.", "`{ code = \"201\", names = [\"一般公共服务支出\"] }`"),
            f!("rules_off", "list of rule IDs", "`[]`", "Plausibility rules (`P.*`, warnings) the bureau's conventions make noise of: not run on its workbooks, and each report says which were not (`S.rules_off`, an info). Equalities cannot be switched off.", "`[\"P.no_project\"]`"),
            f!("conventions", "table", "see `[conventions]`", "The bureau's conventions the rules follow.", ""),
            f!("tables", "list of `[[tables]]`", "required", "The tables of the layout.", ""),
            f!("print", "table", "see `[print]`", "How the workbook prints: what writing this layout (`convert --to xlsx --as ID`) needs beyond what reading needs.", ""),
            f!("narrative", "table", "the 2024 template's", "The narrative's vocabulary: which words name which figure (see `[narrative]`). With `extends`, the keys given replace the base's and the others stay.", ""),
        ],
    },
    StructDoc {
        path: "[narrative]",
        probe: "[narrative]\n__probe = 1\n",
        about: "The narrative (部门预算情况说明, 编制说明) read beside the tables: the words that name each figure of the model, the words that join them, where the narrative stands in a workbook. Words are compared as a paragraph is read: NFKC (full-width digits and punctuation as ASCII), white space and quotes left out (`“三公”经费` is `三公经费`). An amount's subject is the longest phrase (of `subjects`, or a row name of `rows`' tables) that ends right before it, `connectors` aside, and that stands at its clause's start or after one of `leads` (or the department's name); otherwise the amount is found but not compared. Rules: `N.*` in [rules.md](rules.md); how it reads: [narrative.md](narrative.md).",
        fields: &[
            f!("sheets", "list of words", "`[]`", "Sheets of the workbook whose name contains one of these hold the narrative: each text cell read a paragraph a line.", "`[\"编制说明\", \"情况说明\"]`"),
            f!("expected", "boolean", "`false`", "The bureau's workbook comes with its narrative: a workbook with neither narrative sheets nor a paired document gets `N.missing`.", "`true`"),
            f!("connectors", "list of words", "`[]`", "Words between a subject and its amount, taken off one at a time.", "`[\"预算数为\", \"为\", \"合计\"]`"),
            f!("leads", "list of words", "`[]`", "Words a subject may follow in its clause (a year such as `2024年` and the department's name always may).", "`[\"年\", \"部门\", \"其中\"]`"),
            f!("lists", "list of words", "`[]`", "Words after which the parts of the amount (or subject) before them follow: they are read under it (`基本支出` under 一般公共预算 is 表6's).", "`[\"其中\", \"包括\"]`"),
            f!("negations", "list of words", "`[]`", "Words that say the subject after them is nil (`没有使用政府性基金预算安排的支出`): it must be zero in the tables.", "`[\"没有\", \"无\"]`"),
            f!("not_negations", "list of words", "`[]`", "Words that start like a negation and are not one.", "`[\"无偿\"]`"),
            f!("compare", "list of words", "`[]`", "Words of a comparison with an earlier year, before `2023年` or `上年`.", "`[\"比\", \"较\"]`"),
            f!("increase", "list of words", "`[]`", "Words of a rise, before its amount or rate.", "`[\"增加\", \"增长\"]`"),
            f!("decrease", "list of words", "`[]`", "Words of a fall.", "`[\"减少\", \"下降\"]`"),
            f!("flat", "list of words", "`[]`", "Words that say nothing changed.", "`[\"持平\", \"无变化\"]`"),
            f!("share", "list of words", "`[]`", "Words of a share of the list head's amount (or of the subject named after it).", "`[\"占\"]`"),
            f!("placeholders", "list of words", "`[]`", "Template text that must not stay, besides runs of `x`, `X`, `×` (`XXX万元`, `x,xxx`, `XX（单位）`); one inside brackets stands for the whole bracket.", "`[\"若无，则写\"]`"),
            f!("itemized", "list of subject keys", "`[]`", "Subjects whose parts named by a row of the tables (功能科目) must add up to them.", "`[\"project\"]`"),
            f!("subjects", "list of `{key, words, within, figures, prior}`", "`[]`", "The words that name each figure (see `[[narrative.subjects]]`).", ""),
            f!("rows", "list of `{table, column, side, within}`", "`[]`", "Tables whose row names are subjects too (see `[[narrative.rows]]`).", ""),
            f!("sums", "list of `{total, parts}`", "`[]`", "Totals and their parts stated in one section (see `[[narrative.sums]]`).", ""),
        ],
    },
    StructDoc {
        path: "[[narrative.subjects]]",
        probe: "[narrative]\nsubjects = [{ __probe = 1 }]\n",
        about: "Words that name one figure of the model. A stated amount agrees when it equals one of `figures` within the narrative's own rounding (`324.8 万元` is anything from 324.75 to 324.85; a stated `0` is exactly zero). A figure reference is `t1.income.KEY` / `t4.expense.KEY` (a line of 表1 or 表4, `class_201` for a class line), `tN.total.COL` (a coded table's 合计 row; a table with no row at all is zero), `tN.row.CODE.COL` (a row by code; a row the table lacks is zero), `t7.COL` (表7's amounts and extra columns, `t7.office_running`), or `t11.BLOCK.LINE` (a line of 表11's block, its `current` column, or for an earlier year the column headed with that year).",
        fields: &[
            f!("key", "text", "required", "The subject's key: `within`, `sums` and `itemized` name it; `narrative_facts.csv` writes it.", "`\"gp_income\"`"),
            f!("words", "list of words", "required", "Its words as narratives write them.", "`[\"一般公共预算财政拨款收入\", \"一般公共预算拨款收入\"]`"),
            f!("within", "list of subject keys", "`[]`", "Only in a section (under a heading naming one of them) or under a list head about one of them; before the general subjects with the same words.", "`[\"gp_expense\"]`"),
            f!("figures", "list of figure references", "`[]`", "The figures it names, the first that the workbook has reported when they differ. Empty: a figure the tables do not have (政府采购): found, added up in `sums`, written to the warehouse, not compared.", "`[\"t1.income.gp\", \"t4.income.cur_gp\"]`"),
            f!("prior", "list of figure references", "`[]`", "Where the workbook gives the same figure for earlier years: a comparison with such a year is checked against it (`N.growth` error); otherwise the earlier year is the narrative's own (a warning).", "`[\"t11.funds.income_total\"]`"),
        ],
    },
    StructDoc {
        path: "[[narrative.rows]]",
        probe: "[narrative]\nrows = [{ __probe = 1 }]\n",
        about: "A table whose rows' names are subjects (功能科目 by 类/款/项 name, 经济科目): `招商引资 6.67 万元` is the row named 招商引资. Entries are tried in order, those whose `within` fits first.",
        fields: &[
            f!("table", "table ID", "required", "A coded table, or `t1` / `t4` for their class lines.", "`\"t5_1\"`"),
            f!("column", "column key", "required for coded tables", "The column compared.", "`\"project\"`"),
            f!("side", "`income` or `expense`", "required for `t1`, `t4`", "The side whose class lines are named.", "`\"expense\"`"),
            f!("within", "list of subject keys", "`[]`", "As for subjects.", "`[\"project\"]`"),
        ],
    },
    StructDoc {
        path: "[[narrative.sums]]",
        probe: "[narrative]\nsums = [{ __probe = 1 }]\n",
        about: "A total and its parts: when one section states the total and every part, they must add up (`N.sum`), within the rounding of the figures written. Not checked again when one of them already differs from the tables.",
        fields: &[
            f!("total", "subject key", "required", "The total.", "`\"procurement\"`"),
            f!("parts", "list of subject keys", "required", "Its parts.", "`[\"procurement_goods\", \"procurement_works\", \"procurement_services\"]`"),
        ],
    },
    StructDoc {
        path: "[empty_note]",
        probe: "[empty_note]\n__probe = 1\n",
        about: "How a table says it has nothing (`X.empty_note` reads it).",
        fields: &[
            f!("starts", "list of words", "`[\"本单位\", \"本部门\"]`", "A note that starts with one of these…", ""),
            f!("word", "word", "`\"无\"`", "…and contains this word says the table is empty (本单位2024年无政府性基金预算).", ""),
            f!("marks", "list of words", "`[\"无\"]`", "A row whose only cell is one of these says the same.", ""),
        ],
    },
    StructDoc {
        path: "[conventions]",
        probe: "[conventions]\n__probe = 1\n",
        about: "What a bureau's rules of the game say where bureaus differ: the rules read them, the layout does not.",
        fields: &[
            f!("personnel_classes", "list of 经济 classes", "`[\"301\", \"303\"]`", "Classes whose spending is 人员经费: a 表6 row of one with 公用经费 is `T6.kinds`.", "`[\"301\", \"303\"]`"),
            f!("public_classes", "list of 经济 classes", "`[\"302\", \"310\"]`", "Classes whose spending is 公用经费: a 表6 row of one with 人员经费 is `T6.kinds`.", "`[\"302\", \"310\", \"399\"]`"),
            f!("form_per_project", "bool", "`false`", "Every 表10 project with money has its 表12 form (`X.t10_forms`); `false` for a bureau that asks forms of some projects only.", "`true`"),
        ],
    },
    StructDoc {
        path: "[[functional_classes]]",
        probe: "functional_classes = [{ __probe = 1 }]\n",
        about: "A 支出功能分类 类 that 表1 and 表4 list by name.",
        fields: &[
            f!("code", "text", "required", "The 类 code.", "`\"201\"`"),
            f!("names", "list of words", "required", "Its names as printed (ordinals like `一、` are ignored).", "`[\"一般公共服务支出\"]`"),
        ],
    },
    StructDoc {
        path: "[[tables]]",
        probe: "[[tables]]\n__probe = 1\n",
        about: "One table of the layout, under a canonical table ID.",
        fields: &[
            f!("id", "`t1` … `t12`", "required", "The canonical table this sheet is read into; other IDs are refused (put a bureau's extra figures in columns of a canonical table instead).", "`\"t3\"`"),
            f!("kind", "`lines`, `coded`, `single`, `form`", "required", "How rows are read (below).", "`\"coded\"`"),
            f!("number", "text", "required", "The number as printed; also matched in sheet names (`表1`, `表一`, `公开01表`, `1.收支总表`).", "`\"5-1\"`"),
            f!("title", "text", "required", "The official title, used when writing (with the year in front when it is known, `2024年支出总表`).", "`\"支出总表\"`"),
            f!("names", "list of words", "required", "Title and sheet-name words; the longest contained in a short title cell wins; 预算 inserted or dropped and a year in front still match.", "`[\"支出预算总表\", \"支出总表\"]`"),
            f!("multiple", "bool", "`false`", "One sheet per item (表12: one per project).", "`true`"),
            f!("unit", "`\"元\"` or `\"万元\"`", "the template's `default_unit`", "The table's own unit when its sheet declares none; no `S.unit` finding then (表12 forms are 元 by convention).", "`\"元\"`"),
            f!("columns", "list of columns", "`[]` (required but for forms)", "The table's columns, found by header words (below).", ""),
            f!("levels", "list of `{name, len, min_len}`", "`[]`", "Code levels of a coded table, top first: a code's length decides its level.", "`[{ name = \"类\", len = 3 }, { name = \"款\", len = 5 }]`"),
            f!("parent_by", "`prefix` or `position`", "`prefix`", "How a coded row finds its parent: the code prefix, or the nearest row above of a higher level (表10).", "`\"position\"`"),
            f!("lines", "list of lines", "`[]`", "Named lines of a lines table (below).", ""),
            f!("class_side", "`income` or `expense`", "none", "The side of a lines table that lists 功能分类 类 lines by name (keys `class_201` …).", "`\"expense\"`"),
            f!("class_lines", "list of codes", "`[]`", "Print order of the class lines, for writing.", ""),
            f!("footer", "list of `[income key, expense key]`", "`[]`", "Lines printed side by side on the last rows, for writing.", "`[[\"grand_total\", \"grand_total\"]]`"),
            f!("fields", "list of fields", "`[]`", "Labelled fields of a form (below).", ""),
            f!("blocks", "list of blocks", "`[]`", "Small tables inside a form (below).", ""),
            f!("header_layout", "rows of cells", "`[]`", "The header as printed, for writing: `<` merges with the cell to the left, `^` with the cell above. One cell per printed column (`[tables.print] columns`) in every row; a table without one is written under a row of its columns' first words.", "`[[\"科目编码\", \"科目名称\"]]`"),
            f!("checks", "list of checks", "`[]`", "The bureau's own relations within this table (below).", ""),
            f!("print", "table", "see `[tables.print]`", "How the table prints, beyond its `header_layout`.", ""),
        ],
    },
    StructDoc {
        path: "[[tables]] columns, [[tables.blocks]] columns",
        probe: "[[tables]]\ncolumns = [{ __probe = 1 }]\n",
        about: "A column, found in the header band by its words. A key of the canonical model (the table below) is read into `amounts`; any other key of a column with figures is the bureau's own: read into `extras` by that key, exported to facts.csv as `extra:<key>`, listed in the table's `meta.extra_columns` and by `inspect` (not a finding: the template declared it), checked only by `checks`. A header column no template column takes, with figures, is read the same way by its header and reported once (`I.extra_column`).",
        fields: &[
            f!("key", "text", "required", "The canonical key (`total`, `basic`, `cur_gp` …) or the bureau's own key.", "`\"basic\"`"),
            f!("words", "list of words", "required", "Words of the column's lowest header cell, any one matches; compared after NFKC without white space; `*` at an end globs; `{year}` is a year like `2023年`; a unit in brackets after the word still matches (`预算数（万元）`).", "`[\"基本支出\"]`"),
            f!("group", "list of words", "`[]` (any)", "Words of a header cell above it (merged, or written once over its columns without merges), where two columns share a leaf word.", "`[\"本年收入\"]`"),
            f!("role", "see below", "`amount`", "What the column holds.", "`\"code\"`"),
            f!("required", "bool", "`false`", "Reported as `I.missing_column` (error) when absent, unless other columns stand for it (split code parts or a code-and-name column for the code; a code-and-name column for the name).", "`true`"),
        ],
    },
    StructDoc {
        path: "[[tables]] lines",
        probe: "[[tables]]\nlines = [{ __probe = 1 }]\n",
        about: "A named line of a lines table (表1, 表4), placed by its label (an ordinal `一、`, `（一）`, `1.` or `其中：` before it is ignored). A key outside the canonical model is kept as it is (`key` column of the CSV, `row_code` of facts.csv) and listed by `inspect`.",
        fields: &[
            f!("side", "`income` or `expense`", "required", "Which side of the table.", "`\"income\"`"),
            f!("key", "text", "required", "The line's key.", "`\"gp\"`"),
            f!("labels", "list of words", "required", "Labels as printed.", "`[\"一般公共预算拨款收入\"]`"),
            f!("within", "line key", "none", "The line this one is a part of: sums of the side count it once, in that line, and that line is checked against the sum of its parts.", "`\"cur_total\"`"),
            f!("sub", "bool", "`false`", "A sub-line (`其中`, `1.` …) of the nearest line above it on its side that is not itself a sub-line: `within` that line.", "`true`"),
        ],
    },
    StructDoc {
        path: "[[tables]] levels",
        probe: "[[tables]]\nlevels = [{ __probe = 1 }]\n",
        about: "One level of a coded table's codes.",
        fields: &[
            f!("name", "text", "required", "The level's name (`类`, `款`, `项`, `部门`, `单位`, `项目` …); a table whose first level is `部门` can give the department's identity.", "`\"类\"`"),
            f!("len", "number", "any", "A code of exactly this many characters.", "`3`"),
            f!("min_len", "number", "any", "A code of at least this many characters.", "`8`"),
        ],
    },
    StructDoc {
        path: "[[tables]] fields",
        probe: "[[tables]]\nfields = [{ __probe = 1 }]\n",
        about: "A labelled field of a form: the value is the next filled cell to the right of the label, or the cell below.",
        fields: &[
            f!("key", "text", "required", "The field's key.", "`\"project_name\"`"),
            f!("labels", "list of words", "required", "Labels as printed (a trailing colon is ignored).", "`[\"项目名称\"]`"),
            f!("kind", "`text` or `amount`", "`text`", "What the value is.", "`\"amount\"`"),
        ],
    },
    StructDoc {
        path: "[[tables.blocks]]",
        probe: "[[tables]]\n[[tables.blocks]]\n__probe = 1\n",
        about: "A small table inside a form, found by its own header words anywhere on the sheet. A block with `lines` finds its label column where its line labels stand (beside a vertical label column, with or without merges); the next section's title ends it without a blank row.",
        fields: &[
            f!("key", "text", "required", "The block's key.", "`\"sources\"`"),
            f!("columns", "list of columns", "required", "Its columns (as above; roles `text`, `percent`, `value`, amount).", ""),
            f!("repeat", "bool", "`false`", "The block occurs more than once (one indicator table per goal).", "`true`"),
            f!("row_key", "column key", "required", "The column that must be filled for a row to belong to the block.", "`\"label\"`"),
            f!("lines", "list of block lines", "`[]`", "Named rows, found by the label in the `row_key` column (below).", ""),
        ],
    },
    StructDoc {
        path: "[[tables.blocks]] lines",
        probe: "[[tables]]\n[[tables.blocks]]\nlines = [{ __probe = 1 }]\n",
        about: "A named row of a form block; rules read these keys, not words.",
        fields: &[
            f!("key", "text", "required", "The row's key.", "`\"income_fiscal\"`"),
            f!("labels", "list of words", "required", "Labels as printed.", "`[\"财政拨款\"]`"),
            f!("section", "list of words", "`[]`", "Words the row's `section` column must contain (收入构成 / 支出构成).", "`[\"收入\"]`"),
            f!("sub", "bool", "`false`", "A `其中` row: a part of the row above, not a row of its own in sums.", "`true`"),
        ],
    },
    StructDoc {
        path: "[[tables]] checks",
        probe: "[[tables]]\nchecks = [{ __probe = 1 }]\n",
        about: "A relation of the bureau's own, checked like the built-in rules under its own ID, with the same rounding allowance and cells. Without `side`: in every row (every line of the columns' side in a lines table), column `total` = the sum of columns `parts`. With `side` (lines tables): line `total` = the sum of lines `parts`. Keys are validated when the template loads.",
        fields: &[
            f!("id", "`PREFIX.name`", "required", "The rule ID in findings; not one of the built-in prefixes T1…T12, X, S, I.", "`\"PT.t4_by_fund\"`"),
            f!("what", "text", "`total = parts…`", "What it checks, in the reviewer's words.", "`\"合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算\"`"),
            f!("total", "key", "required", "The stated figure.", "`\"expense_amount\"`"),
            f!("parts", "list of keys", "required", "What it must equal the sum of.", "`[\"expense_gp\", \"expense_gf\"]`"),
            f!("side", "`income` or `expense`", "none", "Lines instead of columns (lines tables).", "`\"income\"`"),
        ],
    },
    StructDoc {
        path: "[print]",
        probe: "[print]\n__probe = 1\n",
        about: "How a workbook in this layout prints (`convert --to xlsx --as ID`). Every field has the 2024 official layout's value by default; a template with `extends` takes its base's `[print]` unless it writes its own.",
        fields: &[
            f!("font", "text", "`\"宋体\"`", "The font of every cell.", ""),
            f!("font_size", "points", "`10`", "Its size.", ""),
            f!("title_size", "points", "`16`", "The size of the tables' titles (bold).", ""),
            f!("number_format", "Excel number format", "`\"#,##0.00\"`", "How figures show.", ""),
            f!("percent_format", "Excel number format", "`\"0.00%\"`", "How shares and rates show.", ""),
            f!("head", "list of `title`, `department`, `\"\"`", "`[\"title\", \"department\"]`", "The rows above each table's header, top down: the title (the year in front when known, `2024年收支总表`), the department line (with `单位：万元` at its right end), an empty row.", "`[\"\", \"title\", \"\", \"department\", \"\"]`"),
            f!("department_label", "text", "`\"部门/单位：\"`", "Words before the department's name on its line.", "`\"编制部门：\"`"),
            f!("unit_label", "text", "`\"单位：\"`", "Words before the unit.", ""),
            f!("total_at", "`top` or `foot`", "`top`", "Where a coded table's 合计 row stands.", "`\"foot\"`"),
            f!("total_label", "`code` or `across`", "`code`", "Where the 合计 label stands: in the code column (the first code part), or across the code and name columns, merged.", "`\"across\"`"),
            f!("cover", "bool", "`true`", "A cover sheet first: the department, the year and the list of tables, each absent one said to be absent.", ""),
        ],
    },
    StructDoc {
        path: "[tables.print]",
        probe: "[[tables]]\n[tables.print]\n__probe = 1\n",
        about: "How one table prints. Widths are in characters; a coded table's columns default by what they hold (name 32, other text 24, code 12, a split code part 6, figures 13; names and texts are then sized to their widest text within 16–40, codes within 8–24, parts 4–8, figures 10–18), a lines table's to 34 for labels and 14 for figures. Every row is as high as its wrapped texts need (CJK characters two units wide); a table's header rows repeat on each printed page and stay frozen on screen; A4, one page wide.",
        fields: &[
            f!("sheet", "text", "`\"表{number}\"`", "The sheet's name; `{number}` is the table's `number`. A table of one sheet per item adds `-1`, `-2` …", "`\"部门收支总表\"`"),
            f!("columns", "list of column keys", "see meaning", "The printed columns, left to right. Default: every column but the code parts and the code-and-name column; or, when `header_layout` is as wide as the columns with the code split over its parts, those (the parts in place of the code).", "`[\"code_lei\", \"code_kuan\", \"name\", \"total\"]`"),
            f!("widths", "table of key = width", "`{}`", "Column widths over the defaults.", "`{ code = 24.0 }`"),
            f!("indent_names", "bool", "`false`", "Names indented with one full-width space per two characters of code past the first level's (classification tables).", "`true`"),
            f!("landscape", "bool", "more than 8 columns, and lines tables", "Printed landscape.", "`false`"),
            f!("form_widths", "list of widths", "`[]`", "A form's columns, their widths left to right.", "`[14.0, 14.0]`"),
            f!("form", "list of `[[tables.print.form]]`", "`[]`", "A form's parts, top down. A form without parts is printed plainly: its title, a row per field, each block under a header of its columns' first words.", ""),
        ],
    },
    StructDoc {
        path: "[[tables.print.form]]",
        probe: "[[tables]]\n[[tables.print.form]]\n__probe = 1\n",
        about: "One part of a form, taking the next rows: one of `title`, `line`, `fields`, `section`, `block`.",
        fields: &[
            f!("title", "`read` or `template`", "none", "The title across the form: as read from the source (else the template's), or the template's `title`.", "`\"read\"`"),
            f!("line", "text", "none", "A line under the title, printed when the year is known; `{year}` is the year.", "`\"（{year}年度）\"`"),
            f!("unit", "text", "none", "With `line`: at the line's right end; `{unit}` is the form's unit.", "`\"单位：{unit}\"`"),
            f!("fields", "list of cells", "`[]`", "A row of labels and field values (below).", "`[{ label = \"项目名称\" }, { field = \"project_name\", span = 8 }]`"),
            f!("section", "text", "none", "A heading across the form.", "`\"项目资金来源\"`"),
            f!("block", "block key", "none", "A block: its header, then its rows.", "`\"sources\"`"),
            f!("header", "rows of cells", "`[]`", "The block's header as printed (`<` and `^` merge as in `header_layout`); `{prev2}` is the block column's header as read (its last level), `{funds.prev2}` another block's, `{unit}` the unit.", "`[[\"来源项目\", \"<\", \"金额\"]]`"),
            f!("columns", "list of columns", "`[]`", "The block's columns, left to right (below).", ""),
            f!("titled", "bool", "`false`", "Each block of this key (a repeated block) after an empty row, under its title across the form.", "`true`"),
            f!("empty", "text", "none", "Printed across the form when the block has no rows.", "`\"无\"`"),
        ],
    },
    StructDoc {
        path: "[[tables.print.form]] fields",
        probe: "[[tables]]\n[[tables.print.form]]\nfields = [{ __probe = 1 }]\n",
        about: "A cell of a form's row of fields.",
        fields: &[
            f!("label", "text", "none", "A label, bold.", "`\"项目名称\"`"),
            f!("field", "field key", "none", "A field's value; an `amount` field as a figure.", "`\"project_name\"`"),
            f!("span", "number", "`1`", "Columns it spans, merged.", "`8`"),
        ],
    },
    StructDoc {
        path: "[[tables.print.form]] columns",
        probe: "[[tables]]\n[[tables.print.form]]\ncolumns = [{ __probe = 1 }]\n",
        about: "A column of a form block.",
        fields: &[
            f!("key", "block column key", "required", "What it holds.", "`\"amount\"`"),
            f!("span", "number", "`1`", "Columns it spans, merged.", "`5`"),
            f!("kind", "`text`, `figure`, `percent`", "`text`", "A figure is a number cell where the value is one (`#,##0.00`); a percent a share (`0.00%`).", "`\"figure\"`"),
            f!("style", "`text`, `number`, `section`", "`text`, `number` for figures", "The style of its cells.", "`\"section\"`"),
            f!("text_style", "as `style`", "the column's", "The style of a cell holding words in a figure or percent column.", "`\"number\"`"),
            f!("empty_style", "as `style`", "`text_style`", "The style of an empty cell.", "`\"text\"`"),
            f!("merge_down", "bool", "`false`", "Equal neighbours merged down (一级指标).", "`true`"),
            f!("whole", "bool", "`false`", "The first row's value merged down the whole block (目标名称).", "`true`"),
        ],
    },
];

/// Values of the enumerated fields.
const ENUMS: &[(&str, &[(&str, &str)])] = &[
    ("kind", &[
        ("lines", "two side-by-side lists of labelled amounts (表1, 表4); needs columns `income_label`, `income_amount`, `expense_label`, `expense_amount`; further amount columns belong to the side whose label column is nearest to their left"),
        ("coded", "rows keyed by a code with `levels` (classification, unit, project tables); needs a `code`, `code_part` or `code_name` column"),
        ("single", "one row of amounts (表7)"),
        ("form", "labelled `fields` and `blocks` (表11, 表12)"),
    ]),
    ("role", &[
        ("amount", "a figure (the default)"),
        ("code", "the row's code"),
        ("code_part", "one part of a code split over columns (类 | 款 | 项), in order; a blank leading part repeats the row above"),
        ("code_name", "code and name in one cell under one header (`功能分类科目`: `2011308 招商引资`)"),
        ("name", "the row's name"),
        ("text", "any other text (项目单位, 指标名称)"),
        ("percent", "a share or rate, kept in percent points"),
        ("value", "an amount when it parses, text otherwise (`无`, `1 场`)"),
    ]),
];

/// Renders the reference. `readers` lists, per canonical table and key,
/// the rules that read it (measured by the test that keeps this current).
pub fn markdown(
    canonical: &[(String, Vec<String>)],
    readers: &[(String, String, Vec<String>)],
) -> String {
    let mut s = String::new();
    s.push_str("# Template fields\n\n");
    s.push_str(
        "Generated from `src/template/docs.rs` by `cargo test --test template_docs` \
(run with `YUSUAN_WRITE_DOCS=1` to refresh); the test fails when a field the template \
structs accept is not described here. How to add a bureau's layout: \
[new-layout.md](new-layout.md); examples: `templates/2023.toml` (made from \
2024 by `extends` and `omit`), `templates/shanghai-putuo-2026.toml` (another bureau).\n\n",
    );
    for st in STRUCTS {
        s.push_str(&format!("## `{}`\n\n{}\n\n", st.path, st.about));
        s.push_str(
            "| field | type | default | meaning | example |\n| --- | --- | --- | --- | --- |\n",
        );
        for f in st.fields {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                f.field, f.ty, f.default, f.meaning, f.example
            ));
        }
        s.push('\n');
    }
    for (name, values) in ENUMS {
        s.push_str(&format!(
            "## Values of `{name}`\n\n| value | meaning |\n| --- | --- |\n"
        ));
        for (v, m) in *values {
            s.push_str(&format!("| `{v}` | {m} |\n"));
        }
        s.push('\n');
    }
    s.push_str("## Canonical keys and the rules that read them\n\n");
    s.push_str(
        "The canonical model's keys are the 2024 template's. A key's rules were found by \
moving every figure of that key in the bundled multi-unit sample and recording which rules \
then fire (`cargo test --test template_docs`), so the list is what the code does, not what \
it was meant to do. A template that maps its columns onto these keys gets these checks; \
its own keys get only its own `checks`.\n\n",
    );
    s.push_str("| table | key | rules that read it |\n| --- | --- | --- |\n");
    for (table, keys) in canonical {
        for key in keys {
            let rules = readers
                .iter()
                .find(|(t, k, _)| t == table && k == key)
                .map(|(_, _, r)| r.join(", "))
                .unwrap_or_default();
            let rules = if rules.is_empty() {
                "—".to_string()
            } else {
                rules
            };
            s.push_str(&format!("| {table} | `{key}` | {rules} |\n"));
        }
    }
    s
}
