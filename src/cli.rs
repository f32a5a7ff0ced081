//! The command line, declared with clap's derive API. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// SOPs-as-code: write, check, version and publish Standard Operating Procedures kept in git.
#[derive(Debug, Parser)]
#[command(name = "sop", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Start with `sop init`, then `sop new \"Title\"`. Run `sop <command> --help` for more."
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if `sop` was started in DIR
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
    /// Read this configuration file instead of the repository's `sop.toml`
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// When to use colours (`NO_COLOR` turns them off in `auto`)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (repeat for more)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start an SOP repository: `sop.toml`, `sops/`, `.gitignore`, git
    Init(InitArgs),
    /// Create a new SOP from its type's template and print its path
    New(NewArgs),
    /// List every SOP: id, title, type, status, version, owner, department, next review
    List(ListArgs),
    /// Render the static site: index, a page per SOP, archived versions, dashboard, feeds
    Publish(PublishArgs),
    /// Serve the site on 127.0.0.1, rebuilding and reloading the browser on every change
    Serve(ServeArgs),
    /// List reviews that are overdue or fall due soon, most late first
    Due(DueArgs),
    /// Corpus health: SOPs by status, type and department, review age, releases, findings
    Stats(StatsArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    Man,
}

/// `sop init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to set up (created when missing)
    #[arg(value_name = "DIR", default_value = ".")]
    pub path: PathBuf,
    /// Also write a CI workflow that lints SOPs on every pull request
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub ci: Option<CiProvider>,
}

/// CI systems `sop init --ci` can write a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiProvider {
    /// GitHub Actions: annotations on pull requests and SARIF upload
    Github,
}

/// `sop new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The SOP's title, e.g. "Virtual gift refund requests"
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// Which kind of SOP: procedure, policy, runbook, checklist, or a type from `sop.toml`
    #[arg(short, long = "type", value_name = "TYPE", default_value = "procedure")]
    pub sop_type: String,
    /// The accountable person (default: `[defaults] owner`, else your git user name)
    #[arg(short, long, value_name = "NAME")]
    pub owner: Option<String>,
    /// The owning department (default: `[defaults] department` in `sop.toml`)
    #[arg(short, long, value_name = "NAME")]
    pub department: Option<String>,
    /// Folder under `sops/` (default: the department's name)
    #[arg(short, long, value_name = "FOLDER")]
    pub category: Option<String>,
    /// Open the new file in `$VISUAL` or `$EDITOR`
    #[arg(short, long)]
    pub edit: bool,
}

/// `sop list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Formats of `sop list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people
    Table,
    /// A JSON array of SOP objects
    Json,
}

/// `sop publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Output folder (default: `[site] out` in `sop.toml`, else `site/`); it must be empty,
    /// missing, or a folder `sop publish` wrote before
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Absolute URL the site will be served from, used only in `sitemap.xml` and the feeds
    /// (default: `[site] base_url`)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Publish the working copy of every SOP, drafts included, clearly marked as not approved
    #[arg(long)]
    pub drafts: bool,
}

/// `sop serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1; 0 picks a free one (the URL is printed either way)
    #[arg(long, short, value_name = "N", default_value_t = 4000)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Serve the working copies, drafts included (as `sop publish --drafts`)
    #[arg(long)]
    pub drafts: bool,
}

/// `sop due`.
#[derive(Debug, Args)]
#[command(
    after_help = "JSON (`--format json`): {\"today\", \"within\", \"reviews\": [{\"id\", \"title\", \"owner\", \"department\", \"next_review\", \"days_late\", \"state\", \"path\"}]}; `days_late` is negative for reviews still ahead, `state` is `overdue` or `due-soon`."
)]
pub struct DueArgs {
    /// Include reviews falling due within this period from today (`30d`, `6 weeks`, `2 months`)
    #[arg(long, value_name = "PERIOD", default_value = "30 days")]
    pub within: crate::repo::dates::Cadence,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// `sop stats`.
#[derive(Debug, Args)]
#[command(
    after_help = "JSON (`--format json`): {\"today\", \"sops\", \"translations\", \"unreadable\", \"by_status\", \"by_type\", \"by_department\", \"overdue\", \"due_soon\", \"stale_translations\", \"median_days_since_review\", \"releases_per_month\", \"reviews_due_per_month\", \"lint_findings_by_rule\"}; the `by_*` and `*_per_month` values are objects of counts."
)]
pub struct StatsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Formats of `sop due` and `sop stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned text for people
    Human,
    /// One JSON object
    Json,
}

/// `sop completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
