//! The command line in Chinese, like every other message: help headings,
//! the help and version flags, and clap's own errors said again in Chinese
//! with the usage and where to read more. Exit status 2 for a wrong
//! argument, 0 for help and version.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

/// The command line: the subcommands and their arguments.
#[derive(Parser)]
#[command(
    name = "yusuan",
    version,
    about = "预算：读取、核对、转换部门预算公开表",
    after_help = "示例：（在本仓库的文件夹中运行，samples/ 是附带的样例工作簿）
  yusuan inspect samples/qiaokou-2024.xlsx                       # 先看识别出了什么：模板、年度、部门、各表
  yusuan check samples/qiaokou-2024.xlsx --report out/核对.xlsx  # 退出码 1：有一个错误；核对工作簿上标出其单元格
  yusuan convert samples/qiaokou-2024.xlsx -o out --to csv,xlsx  # 入库 CSV 和 2024 年格式的规范工作簿
  yusuan help check                                              # 一个命令的说明和示例

退出码：0 成功；1 核对发现错误；2 输入无法读取或参数错误。
说明文档：README.md 和 docs/。"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 看工作簿中识别出了什么：模板、年度、部门、各表、单元格
    #[command(override_usage = "yusuan inspect [选项] <文件|文件夹>...")]
    Inspect(crate::cmd::inspect::InspectArgs),
    /// 把工作簿读成标准模型（JSON，金额以元计，带来源单元格）
    #[command(override_usage = "yusuan import [选项] <文件>")]
    Import(crate::cmd::import::ImportArgs),
    /// 核对勾稽关系：每个合计对其各项，每张表对其他各表
    #[command(override_usage = "yusuan check [选项] <文件|文件夹>...")]
    Check(crate::cmd::check::CheckArgs),
    /// 转换为入库 CSV、Parquet、2024 年格式的工作簿或模型 JSON
    #[command(override_usage = "yusuan convert [选项] -o <输出文件夹> <输入>...")]
    Convert(crate::cmd::convert::ConvertArgs),
    /// 列出各模板（版式）及其所含的表
    #[command(override_usage = "yusuan templates [选项]")]
    Templates(crate::cmd::templates::TemplatesArgs),
    /// 在浏览器中核对：启动本机的核对台网页（拖入工作簿，看结果和单元格，下载）
    #[command(override_usage = "yusuan serve [选项]")]
    Serve(crate::cmd::serve::ServeArgs),
}

const ROOT_TEMPLATE: &str = "\
{about}

用法：{usage}

命令：
{subcommands}

选项：
{options}{after-help}";

const SUB_TEMPLATE: &str = "\
{about}

用法：{usage}

参数：
{positionals}

选项：
{options}{after-help}";

const COMMANDS: &str = "inspect、import、check、convert、templates、serve";

fn help_flag() -> Arg {
    Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help("显示帮助")
}

/// The whole command line, headings and flags in Chinese.
pub fn command() -> clap::Command {
    Cli::command()
        .help_template(ROOT_TEMPLATE)
        .override_usage("yusuan <命令> [选项]")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(help_flag())
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本"),
        )
        .mut_subcommands(|s| {
            s.help_template(SUB_TEMPLATE)
                .disable_help_flag(true)
                .arg(help_flag())
        })
}

/// Parses the process's arguments; on a wrong one says why in Chinese and
/// exits 2. `yusuan help CMD` is `yusuan CMD --help`.
pub fn parse<T: FromArgMatches>() -> T {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    // The subcommand named, for the usage line of an error.
    let sub = args
        .get(1)
        .and_then(|a| a.to_str())
        .filter(|a| command().find_subcommand(a).is_some())
        .map(str::to_string);
    let matches = command()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| std::process::exit(report(&e, sub.as_deref())));
    T::from_arg_matches(&matches).unwrap_or_else(|e| std::process::exit(report(&e, sub.as_deref())))
}

fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Says a clap error in Chinese on stderr (help and version as they are);
/// the exit status.
fn report(e: &clap::Error, sub: Option<&str>) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return 2;
        }
        _ => {}
    }
    let arg = context(e, ContextKind::InvalidArg);
    let value = context(e, ContextKind::InvalidValue);
    let why = match e.kind() {
        ErrorKind::UnknownArgument => {
            let hint = context(e, ContextKind::SuggestedArg);
            if hint.is_empty() {
                format!("不认识的参数 {arg}")
            } else {
                format!("不认识的参数 {arg}；是否要用 {hint}？")
            }
        }
        ErrorKind::InvalidSubcommand => format!(
            "没有命令 {}（有：{COMMANDS}）",
            context(e, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingSubcommand => format!("缺少命令（{COMMANDS}）"),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 缺少取值"),
        ErrorKind::InvalidValue => format!(
            "{arg} 不能取“{value}”，可取：{}",
            context(e, ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e)
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{arg} 不能取“{value}”：{source}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::ArgumentConflict if context(e, ContextKind::PriorArg).is_empty() => {
            format!("{arg} 只能给一次")
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} 不能与 {} 同时使用",
            context(e, ContextKind::PriorArg)
        ),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooManyValues | ErrorKind::TooFewValues => {
            format!("{arg} 的取值个数不对")
        }
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文字".to_string(),
        _ => format!(
            "参数有误：{}",
            e.render().to_string().lines().next().unwrap_or_default()
        ),
    };
    let mut cmd = command();
    let usage = match sub.and_then(|s| cmd.find_subcommand_mut(s)) {
        Some(s) => s.render_usage().to_string(),
        None => cmd.render_usage().to_string(),
    };
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    eprintln!("错误：{why}\n\n用法：{usage}");
    match sub {
        Some(sub) => eprintln!("更多信息：yusuan {sub} --help"),
        None => eprintln!("更多信息：yusuan --help"),
    }
    2
}
