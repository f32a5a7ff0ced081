//! The command line, declared with clap's derive API. Doc comments are the help text; the
//! examples of each command live in [`examples`], and [`command`] adds them to the help.

mod complete;
mod examples;

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

pub use examples::{EXAMPLES, Example, examples};

/// The whole command line, with each command's examples at the end of its `--help`: what
/// `sop` parses, and what completions and manual pages are made from.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    cmd = examples::with_examples(cmd, "sop");
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let key = format!("sop {name}");
            examples::with_examples(sub, &key)
        });
    }
    cmd
}

/// Parse the command line of this process; print help, version or the usage error and exit
/// when that is what it asks for (exit 0 for help and version, 2 for a usage error).
pub fn parse() -> Cli {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut matches = match command().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(mut e) => {
            add_release_tips(&mut e, &args);
            e.exit()
        }
    };
    match Cli::from_arg_matches_mut(&mut matches) {
        Ok(cli) => cli,
        Err(e) => e.format(&mut command()).exit(),
    }
}

/// The whole command a first release needs, to copy and change.
pub const RELEASE_EXAMPLE: &str = "sop release SOP-0001 --version 1.0.0 -m \"First approved version\" --approve --approver \"Name <name@example.com>\"";

/// When `sop release` misses a required argument, clap names what is missing; add a whole
/// command to copy, and, when `--approve` was given without `--approver`, that it needs one
/// too (clap cannot say so: `--approver` is required only with `--approve`, and sop checks
/// that later).
fn add_release_tips(e: &mut clap::Error, args: &[String]) {
    use clap::builder::StyledStr;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::MissingRequiredArgument {
        return;
    }
    let release = matches!(
        e.get(ContextKind::Usage),
        Some(ContextValue::StyledStr(usage)) if usage.to_string().contains("sop release ")
    );
    if !release {
        return;
    }
    let given = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    };
    let mut tips: Vec<StyledStr> = Vec::new();
    if given("--approve") && !given("--approver") {
        tips.push(
            "`--approve` needs `--approver \"Name <email>\"` too: who approved this exact text (repeat it for several)"
                .into(),
        );
    }
    tips.push(format!("a whole release looks like this: {RELEASE_EXAMPLE}").into());
    e.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
}

/// SOPs-as-code: write, check, version and publish Standard Operating Procedures kept in git.
#[derive(Debug, Parser)]
#[command(name = "sop", version, max_term_width = 100)]
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

/// Options every command takes, listed apart from each command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Run as if `sop` was started in DIR
    #[arg(short = 'C', value_name = "DIR", global = true, value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
    /// Read this configuration file instead of the repository's `sop.toml`
    #[arg(long, value_name = "FILE", global = true, value_hint = ValueHint::FilePath)]
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
    /// Check SOPs against the rules: front matter, sections, links, reviews, translations
    Lint(LintArgs),
    /// Release an SOP: bump its version, set its dates, commit it alone and tag it
    #[command(
        after_long_help = "The release is all or nothing: the commit, the index entry, the branch and \
    the tag are made together, or nothing changes. Two releases in one repository never run at once.\n\n\
    git hooks (`pre-commit`, `commit-msg`) are not run. When git is set to sign (`commit.gpgsign`, \
    `tag.gpgSign`), the commit and tag are signed through the `git` program, or the release is \
    refused with the reason; `--no-sign` releases without a signature.\n\n\
    To retire an SOP, set `status: retired` with `superseded_by: <id>` (or `retired_reason`) and \
    release it, for example `sop release SOP-0001 --patch -m \"Retired, superseded by SOP-0002\"` \
    (add `--approve --approver NAME` to record who approved the retirement): the release keeps \
    `retired`, and the published site shows the SOP as retired from then on."
    )]
    Release(ReleaseArgs),
    /// Record a periodic review in which nothing changed: set `last_reviewed`, commit it alone
    Review(ReviewArgs),
    /// Show an SOP's releases, reviews and commits (renames followed)
    History(HistoryArgs),
    /// Show what changed in an SOP between two versions, section by section
    Diff(DiffArgs),
    /// Render the static site: index, a page per SOP, archived versions, dashboard, feeds
    ///
    /// Each SOP's page shows text that was approved and committed: the last release whose
    /// status was approved (read from its tag), or, for an SOP never released with `sop
    /// release`, its approved committed copy. Uncommitted edits are never published; an SOP
    /// never approved is left out, and the command says which and why.
    Publish(PublishArgs),
    /// Serve a preview of the working copies, drafts included, on 127.0.0.1, rebuilding and
    /// reloading the browser on every change
    ///
    /// Every page is marked as a preview; `--approved-only` serves what readers will see (what
    /// `sop publish` would publish) instead. A broken SOP or `sop.toml` is named, with its
    /// line, over every page until it is fixed. After an edit to one SOP only its pages and the
    /// lists that show it are rendered again.
    Serve(ServeArgs),
    /// List reviews that are overdue or fall due soon, most late first
    Due(DueArgs),
    /// Corpus health: SOPs by status, type and department, review age, releases, findings
    Stats(StatsArgs),
    /// Write the front matter of existing Markdown documents: ids, titles, owners, departments,
    /// dates, in one step you review
    ///
    /// Keeps every key a file has and its text byte for byte (a first `# Title` heading that
    /// repeats the title is removed: the site shows the title; an `author:` naming one person
    /// becomes `owner:`). Adds to `sop.toml` the settings the documents need as they are
    /// (`[sops] file_names`, `[front_matter] allow`), and leaves out project files such as
    /// CHANGELOG.md. Prints what it wrote and what you still have to decide (every error `sop
    /// lint` would still report); running it again changes nothing.
    Adopt(AdoptArgs),
    /// Turn Word (.docx, through pandoc), saved web pages (.html, from Confluence or Google
    /// Docs) and Markdown documents into new SOPs
    ///
    /// The front matter comes from the document's metadata table or its title, headings are
    /// matched to the type's sections, prompts are added for the missing ones, and images are
    /// saved in a folder next to the new SOP. Prints each new file's path.
    Import(ImportArgs),
    /// Print the script that makes your shell complete commands, options, SOP ids, types
    /// and departments
    ///
    /// Load it when the shell starts (see the examples, or "Shell completions" in the README).
    /// The script asks `sop` for the candidates on every Tab, so they follow the repository you
    /// are in and stay right when `sop` is upgraded.
    Completions(CompletionsArgs),
    /// Print the manual page of `sop` or of one command (roff), or write them all to a folder
    Man(ManArgs),
    /// Run the language server that editors start: checks as you type, fixes, completion,
    /// hover and go to definition, on stdin and stdout
    ///
    /// An editor starts it in the repository (see "Editor integration" in the README, and the
    /// set-ups in `editors/`); it serves the repository around the editor's workspace folder.
    /// It checks the SOP being edited against the whole repository (ids, links, anchors) a
    /// moment after each change, unsaved text included, and reads files changed outside the
    /// editor again. With `-v` the editor's log shows how long each check took.
    Lsp(LspArgs),
    /// Print the JSON Schema of `sop.toml` or of an SOP's front matter, for editors and CI
    ///
    /// The front-matter schema holds this repository's id pattern and SOP types (each with its
    /// sections); outside a repository, the defaults.
    Schema(SchemaArgs),
}

/// `sop init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to set up (created when missing)
    #[arg(value_name = "DIR", default_value = ".", value_hint = ValueHint::DirPath)]
    pub path: PathBuf,
    /// Also write a CI workflow that lints SOPs on every pull request
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub ci: Option<CiProvider>,
    /// With `--ci github`: also upload the findings to GitHub code scanning (needs code
    /// scanning enabled on the repository: public, or GitHub Advanced Security)
    #[arg(long, requires = "ci")]
    pub code_scanning: bool,
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
    #[arg(
        short = 't',
        long = "type",
        value_name = "TYPE",
        default_value = "procedure",
        add = ArgValueCandidates::new(complete::types)
    )]
    pub sop_type: String,
    /// The accountable person (default: `[defaults] owner`, else your git user name)
    #[arg(short, long, value_name = "NAME")]
    pub owner: Option<String>,
    /// The owning department (default: `[defaults] department` in `sop.toml`)
    #[arg(short, long, value_name = "NAME", add = ArgValueCandidates::new(complete::departments))]
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
#[command(
    after_help = "The list fits the width of the terminal (or `COLUMNS`): the PATH column is left out when it does not fit, and long titles are cut with `…` only when the rest still does not fit. `-v` always adds the PATH column; `--format json` has every field in full."
)]
pub struct ListArgs {
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Formats of `sop list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people (`table` is another name for it)
    #[value(name = "human", alias = "table")]
    Table,
    /// A JSON array of SOP objects
    Json,
}

/// `sop lint`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no errors (warnings allowed), 1 errors found (or warnings with `--deny-warnings`), 2 usage, configuration or environment error.\nSilence a rule in a file with `<!-- sop-disable RULE -->`, or for the next line with `<!-- sop-disable-next-line RULE -->`."
)]
pub struct LintArgs {
    /// SOP files or folders to check (default: every SOP in the repository)
    #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = crate::diag::Format::Human)]
    pub format: crate::diag::Format,
    /// Also run the pull-request checks against REV (e.g. `origin/main`): changed SOPs need a
    /// higher version, ids must not change, approved SOPs are retired, not deleted
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Apply the safe automatic fixes (those that cannot change what an SOP says, such as a
    /// missing line break at the end), then report what remains. Renamed keys or headings and
    /// changed values are only suggested, with the finding
    #[arg(long)]
    pub fix: bool,
    /// With `--fix`: print the unified diff of what `--fix` would write, and write nothing
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// The PATHs are a commit's files, as the pre-commit hook passes them: no PATH checks no
    /// file, only the links the commit breaks by moving or deleting one. The files are read
    /// from disk, which pre-commit sets to what is staged
    #[arg(long)]
    pub staged: bool,
    /// Also write the findings as SARIF 2.1.0 to FILE, from the same run (for code scanning
    /// next to `--format github`)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub sarif_out: Option<PathBuf>,
    /// Also write a Markdown summary to FILE: counts by rule and the first 50 findings (for
    /// `$GITHUB_STEP_SUMMARY`, where nothing is lost to GitHub's 10 annotations per level)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub summary_out: Option<PathBuf>,
    /// Explain a rule: what it checks, why, an example and how to fix it
    #[arg(
        long,
        value_name = "RULE",
        conflicts_with_all = ["list_rules", "fix", "paths"],
        add = ArgValueCandidates::new(complete::rules)
    )]
    pub explain: Option<String>,
    /// List every rule with its family, default severity and summary
    #[arg(long, conflicts_with_all = ["fix", "paths"])]
    pub list_rules: bool,
}

/// `sop release`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
#[command(
    after_help = "`--approve` needs at least one `--approver`: sop never takes the approver from git.\nA first approved release:\n  sop release SOP-0001 --version 1.0.0 -m \"First approved version\" \\\n      --approve --approver \"Name <name@example.com>\""
)]
#[command(group(clap::ArgGroup::new("bump").required(true).args(["major", "minor", "patch", "version"])))]
pub struct ReleaseArgs {
    /// The SOP's id, e.g. SOP-0042
    #[arg(value_name = "ID", add = ArgValueCompleter::new(complete::Ids))]
    pub id: String,
    /// A change that breaks how people work: 1.4.2 → 2.0.0
    #[arg(long)]
    pub major: bool,
    /// New or changed steps: 1.4.2 → 1.5.0
    #[arg(long)]
    pub minor: bool,
    /// Wording and fixes: 1.4.2 → 1.4.3
    #[arg(long)]
    pub patch: bool,
    /// This exact version, e.g. 1.0.0
    #[arg(long, value_name = "X.Y.Z")]
    pub version: Option<String>,
    /// What changed, for readers: the commit message and the tag message
    #[arg(short, long = "message", value_name = "SUMMARY", value_parser = summary)]
    pub message: String,
    /// Record that this exact text is approved: sets `status: approved` (needs `--approver`).
    /// Without it the release is `status: review` and its `approvers` list is emptied, so an
    /// earlier approval never carries over to new text. An SOP whose file says
    /// `status: retired` stays retired either way; `--approve` records who approved the
    /// retirement
    #[arg(long)]
    pub approve: bool,
    /// Who approved this version, as `Name` or `Name <email>` (repeat for several); recorded
    /// with today's date in the release commit and tag
    #[arg(long, value_name = "NAME", requires = "approve")]
    pub approver: Vec<String>,
    /// What the approval means, recorded with each approver [default: "approved for use", or
    /// "approved for retirement" for an SOP that says `status: retired`]
    #[arg(long, value_name = "TEXT", requires = "approve")]
    pub meaning: Option<String>,
    /// Do not sign the commit and tag, even when git is set to (`commit.gpgsign`, `tag.gpgSign`)
    #[arg(long)]
    pub no_sign: bool,
    /// The date the version takes effect (default: today), YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub effective: Option<String>,
    /// Release even when `sop lint` finds errors in this SOP
    #[arg(long)]
    pub allow_lint_errors: bool,
}

/// `sop review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The SOP's id, e.g. SOP-0042
    #[arg(value_name = "ID", add = ArgValueCompleter::new(complete::Ids))]
    pub id: String,
    /// A note for the commit message, e.g. "checked against the new payout tool"
    #[arg(short, long = "message", value_name = "NOTE")]
    pub message: Option<String>,
    /// The next review date, for SOPs that set `next_review` (default: the review cadence)
    #[arg(long, value_name = "DATE")]
    pub next: Option<String>,
}

/// `sop history`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "all"])))]
#[command(
    after_help = "JSON (`--format json`): {\"id\", \"path\", \"commits\": [{\"commit\", \"date\", \"author\", \"summary\", \"path\", \"kind\"}], \"releases\": [{\"version\", \"tag\", \"date\", \"tagger\", \"summary\", \"commit\", \"approvals\": [{\"name\", \"email\", \"date\", \"meaning\"}], \"not_counted\"?}]}, newest first; `--all` prints an array of those. `kind` is `commit`, `review` or `release`. `approvals` lists who approved that version, when and what the approval means, from the `Approved-by`/`Approved-on`/`Approval-meaning` trailers of the release tag; it is empty for a release that was not approved, and `email` is left out when none was given. `not_counted` says why a tag made or moved by hand is no release (as `sop publish` warns; its `approvals` are then empty). A translation's file has its own history, with `\"translation\": {\"language\", \"translation_of\"}`; an SOP lists its translations as `\"translations\": [{\"language\", \"path\"}]`; an SOP whose file was deleted is found by its release tags, with `\"deleted\": {\"commit\", \"path\", \"tag\", \"restore\"}`."
)]
pub struct HistoryArgs {
    /// The SOP's id (SOP-0042) or its file (sops/support/refunds.md); a file works before it
    /// has an id
    #[arg(value_name = "ID|PATH", add = ArgValueCompleter::new(complete::IdsOrFiles))]
    pub id: Option<String>,
    /// Every SOP, in one pass
    #[arg(long)]
    pub all: bool,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
}

/// Formats of `sop history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// A table for people (`table` is another name for it)
    #[value(name = "human", alias = "table")]
    Table,
    /// `{"id", "path", "commits", "releases"}` (an array of those with `--all`); each release
    /// has its `approvals` (see below)
    Json,
}

/// `sop diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The SOP's id, e.g. SOP-0042
    #[arg(value_name = "ID", add = ArgValueCompleter::new(complete::Ids))]
    pub id: String,
    /// From: a version (1.2.0), a tag, a commit or branch; default: the last release
    #[arg(value_name = "FROM", add = ArgValueCompleter::new(complete::Revisions))]
    pub from: Option<String>,
    /// To: a version, a tag, a commit or branch, or `worktree`; default: the file on disk
    #[arg(value_name = "TO", add = ArgValueCompleter::new(complete::Revisions))]
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// Formats of `sop diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Front matter, then section by section, with word changes marked
    Human,
    /// One JSON object
    Json,
}

/// `sop publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Output folder (default: `[site] out` in `sop.toml`, else `site/`); it must be empty,
    /// missing, or a folder `sop publish` wrote before
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
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
    /// Serve the working copies, drafts included, marked as previews (the default; kept for
    /// scripts that pass it)
    #[arg(long, hide = true, conflicts_with = "approved_only")]
    pub drafts: bool,
    /// Serve what readers will see: what `sop publish` would publish (approved, committed text
    /// only), not the working copies
    #[arg(long, alias = "published")]
    pub approved_only: bool,
}

/// `sop due`.
#[derive(Debug, Args)]
#[command(
    after_help = "JSON (`--format json`): {\"today\", \"within\", \"reviews\": [{\"id\", \"title\", \"owner\", \"department\", \"next_review\", \"days_late\", \"state\", \"path\"}]}; `days_late` is negative for reviews still ahead, `state` is `overdue`, `due-soon` (within `[lint] due_soon`), `ok` (further away) or `unknown`: a review whose date cannot be told (a date or period that cannot be read), listed first with `next_review` and `days_late` null and a `problem` field saying what to fix.\nThe dates are those of the published version of each SOP (the last approved release, or the approved committed copy), as readers see it.\nExit status: 0, or 1 with `--fail-on` when such a review exists or a review date is unknown (the list is printed either way); 2 for a usage, configuration or environment error."
)]
pub struct DueArgs {
    /// Include reviews falling due within this period from today: a number and a unit, such
    /// as `30d`, `6 weeks` or `2 months` (no quotes needed)
    #[arg(
        long,
        value_name = "PERIOD",
        num_args = 1..=2,
        action = clap::ArgAction::Set,
        default_value = "30 days"
    )]
    pub within: Vec<String>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Exit with 1 when a review is overdue (`overdue`), or overdue or due soon within
    /// `[lint] due_soon` (`due-soon`), for a scheduled job that should fail; 0 otherwise
    #[arg(long, value_enum, value_name = "STATE")]
    pub fail_on: Option<FailOn>,
}

/// Which reviews make `sop due --fail-on` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A review date has passed
    Overdue,
    /// A review date has passed or is within `[lint] due_soon`
    DueSoon,
}

/// `sop stats`.
#[derive(Debug, Args)]
#[command(
    after_help = "JSON (`--format json`): {\"today\", \"sops\", \"translations\", \"unreadable\", \"by_status\", \"by_type\", \"by_department\", \"overdue\", \"due_soon\", \"stale_translations\", \"median_days_since_review\", \"releases_per_month\", \"reviews_due_per_month\", \"lint_findings_by_rule\"}; the `by_*` and `*_per_month` values are objects of counts.\nCounts by status, type and department are of the working copies; the review figures are of the published versions, as readers see them."
)]
pub struct StatsArgs {
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Human)]
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

/// `sop schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema
    #[arg(value_enum)]
    pub which: SchemaKind,
}

/// The schemas `sop schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// `sop.toml`
    SopToml,
    /// The YAML front matter of an SOP file
    FrontMatter,
}

/// `sop lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk on stdin and stdout (the only way; accepted because editors' clients pass it)
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// `sop completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `sop man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `lint` (default: the page of `sop` itself)
    #[arg(value_name = "COMMAND", add = ArgValueCandidates::new(complete::commands))]
    pub command: Option<String>,
    /// Write `sop.1` and a `sop-<command>.1` page per command into DIR instead (only
    /// COMMAND's page when one is given), creating DIR when missing, and print their paths
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: Option<std::path::PathBuf>,
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

/// `sop adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// SOP files or folders to adopt (default: every SOP in the repository)
    #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,
    /// The status given to documents that have none
    #[arg(long, value_enum, default_value_t = AdoptStatus::Draft)]
    pub status: AdoptStatus,
    /// Where owners come from when a document names none in `author:` or its own table of
    /// details (default: CODEOWNERS, else the author of most commits)
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub owner_from: Option<AdoptOwnerFrom>,
    /// The department of every document adopted (default: its folder's name)
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(complete::departments))]
    pub department: Option<String>,
    /// Who approved the documents as they are, for `--status approved` (repeat for several;
    /// a document's own "Approved by" wins)
    #[arg(long = "approver", value_name = "NAME")]
    pub approvers: Vec<String>,
    /// Show the changes as a diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Statuses `sop adopt` can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdoptStatus {
    /// Being written; not published
    Draft,
    /// Approved as it is (name the approvers afterwards)
    Approved,
}

impl AdoptStatus {
    /// The front-matter value.
    pub fn as_str(self) -> &'static str {
        match self {
            AdoptStatus::Draft => "draft",
            AdoptStatus::Approved => "approved",
        }
    }
}

/// Where `sop adopt` finds owners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdoptOwnerFrom {
    /// The author of most of the file's commits
    Git,
    /// The CODEOWNERS file (`.github/`, the root or `docs/`)
    Codeowners,
}

/// `sop import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Documents to import: .docx, .html/.htm, .md
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Which kind of SOP they become: procedure, policy, runbook, checklist, or a type from
    /// `sop.toml`
    #[arg(
        short = 't',
        long = "type",
        value_name = "TYPE",
        default_value = "procedure",
        add = ArgValueCandidates::new(complete::types)
    )]
    pub sop_type: String,
    /// Folder under the SOP folder (default: the document's department, else `general`)
    #[arg(short = 'd', long = "dir", id = "import_dir", value_name = "FOLDER")]
    pub dir: Option<String>,
}

/// A release's summary (`-m`): the first line of its commit and tag, and what readers see in the
/// revision history, so it must say something.
fn summary(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err(
            "the summary is empty: say what changed, for readers, for example `-m \"Refund limit raised to 500\"`"
                .to_string(),
        );
    }
    Ok(text.to_string())
}
