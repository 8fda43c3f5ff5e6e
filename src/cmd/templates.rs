//! `yusuan templates`: the templates there are, and what each expects.

use std::fmt::Write as _;

use clap::Args;

use super::ReadArgs;

#[derive(Debug, Args)]
#[command(after_help = "示例：（在本仓库的文件夹中运行）
  yusuan templates                         # 内置模板：编号、年度、各表及其标题词
  yusuan templates --templates templates/  # 另加载文件夹中的 *.toml 模板（同 ID 替换内置的）

每个字段的含义：docs/templates.md。为新的版式编写模板：docs/new-layout.md。

退出码：0 成功；2 模板无效或参数错误。")]
pub struct TemplatesArgs {
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(args: &TemplatesArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    let current = cfg.templates.current().id.clone();
    let mut s = String::new();
    for t in &cfg.templates.all {
        let years = match t.years.as_slice() {
            [from] => format!("{from} 年起"),
            [from, to] if from == to => format!("{from} 年"),
            [from, to] => format!("{from}–{to} 年"),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{}  {}（{years}，默认单位 {}）{}",
            t.id,
            t.name,
            t.default_unit,
            if t.id == current {
                "：规范工作簿按此格式写出"
            } else {
                ""
            }
        );
        if !t.description.is_empty() {
            let _ = writeln!(s, "    {}", t.description);
        }
        let _ = writeln!(s, "    来源：{}", t.origin);
        for table in &t.tables {
            let _ = writeln!(
                s,
                "    {:<5} 表{:<5} {}（标题词：{}）",
                table.id,
                table.number,
                table.title,
                table.names.join("、")
            );
        }
        s.push('\n');
    }
    print!("{s}");
    Ok(0)
}
