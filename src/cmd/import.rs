//! `yusuan import`: a workbook → the canonical model as JSON.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{write_atomic, ReadArgs};
use yusuan::import::import_file;

#[derive(Debug, Args)]
#[command(after_help = "示例：（samples/ 是本仓库附带的样例工作簿）
  yusuan import samples/qiaokou-2024.xlsx                                  # JSON 输出到标准输出
  yusuan import samples/qiaokou-2024.xlsx -o out/qiaokou.json
  yusuan import samples/wenlv-2022.xls --year 2022 -o out/wenlv-2022.json  # 工作簿中没有年度时指定

JSON：{source, year, department, units, tables: {t1 … t12}, diagnostics}；每个金额为
{\"yuan\": \"3248300.00\", \"cell\": \"表1!B5\"}：以元计的精确数，及其来源单元格。详见 docs/model.md。

退出码：0 成功；2 文件无法读取、不是预算表或参数错误。")]
pub struct ImportArgs {
    /// 工作簿（.xlsx 或 .xls）
    #[arg(value_name = "文件")]
    pub file: PathBuf,
    /// JSON 写入此文件，不写到标准输出
    #[arg(short, long, value_name = "文件")]
    pub output: Option<PathBuf>,
    /// JSON 写成一行，不缩进
    #[arg(long)]
    pub compact: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(args: &ImportArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    if let Some(out) = &args.output {
        super::not_an_input(out, [args.file.as_path()])?;
    }
    let budget = import_file(&args.file, &cfg.templates, &cfg.options)?;
    let mut json = if args.compact {
        serde_json::to_vec(&budget)?
    } else {
        serde_json::to_vec_pretty(&budget)?
    };
    json.push(b'\n');
    match &args.output {
        Some(path) => {
            write_atomic(path, &json)?;
            let tables = budget.tables.metas().len();
            eprintln!(
                "已导入 {}：{} 张表，{} 条提示 → {}",
                args.file.display(),
                tables,
                budget.diagnostics.len(),
                path.display()
            );
        }
        None => std::io::stdout().lock().write_all(&json)?,
    }
    Ok(0)
}
