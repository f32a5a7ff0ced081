//! Examples of each command: the end of its `--help` and the EXAMPLES section of its manual
//! page. Every example that starts with `sop` is parsed in a test, so none goes stale.

/// One example: a command line someone would type, and what it does.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// What it does, as a sentence without its final period.
    pub what: &'static str,
    /// The command line, quoted as a shell needs it.
    pub command: &'static str,
}

const fn ex(what: &'static str, command: &'static str) -> Example {
    Example { what, command }
}

/// The examples, by command (`sop` for the tool itself, `sop lint` for a command).
pub static EXAMPLES: &[(&str, &[Example])] = &[
    (
        "sop",
        &[
            ex("Start an SOP repository in this folder", "sop init"),
            ex(
                "Write a new SOP and open it in your editor",
                "sop new \"Refund requests\" --department Payments --edit",
            ),
            ex("Check every SOP", "sop lint"),
            ex(
                "Release an SOP once it is approved",
                "sop release SOP-0001 --minor -m \"Add the chargeback step\" --approve --approver \"Lena Fischer\"",
            ),
        ],
    ),
    (
        "sop init",
        &[
            ex(
                "Make this folder an SOP repository (git included)",
                "sop init",
            ),
            ex(
                "Start one in a new folder, with a GitHub workflow that checks pull requests",
                "sop init policies --ci github",
            ),
            ex(
                "Also upload the findings to GitHub code scanning",
                "sop init --ci github --code-scanning",
            ),
        ],
    ),
    (
        "sop new",
        &[
            ex(
                "A procedure (the default type) in the default department's folder",
                "sop new \"Virtual gift refund requests\"",
            ),
            ex(
                "A runbook of the Payments department",
                "sop new \"Payout outage\" -t runbook -d Payments",
            ),
            ex(
                "A policy with its owner, opened in $VISUAL or $EDITOR",
                "sop new \"Data retention\" --type policy --owner \"Lena Fischer\" --edit",
            ),
        ],
    ),
    (
        "sop list",
        &[
            ex("Every SOP, as a table", "sop list"),
            ex("With the path of each SOP's file", "sop list -v"),
            ex(
                "The ids of the drafts, with jq",
                "sop list --format json | jq -r '.[] | select(.status == \"draft\") | .id'",
            ),
        ],
    ),
    (
        "sop lint",
        &[
            ex("Check every SOP", "sop lint"),
            ex(
                "Apply the safe fixes, then show what is left",
                "sop lint --fix",
            ),
            ex(
                "In CI: the pull-request checks too, as GitHub annotations",
                "sop lint --base origin/main --format github",
            ),
            ex(
                "Why a rule exists and how to fix what it finds",
                "sop lint --explain review-overdue",
            ),
        ],
    ),
    (
        "sop release",
        &[
            ex(
                "The first approved version, with who approved it",
                "sop release SOP-0001 --version 1.0.0 -m \"First approved version\" --approve --approver \"Lena Fischer <lena@example.com>\"",
            ),
            ex(
                "A wording fix: 1.4.2 becomes 1.4.3",
                "sop release SOP-0042 --patch -m \"Fix a typo in step 3\"",
            ),
            ex(
                "New steps, approved by a named person",
                "sop release SOP-0042 --minor -m \"Add the chargeback step\" --approve --approver \"Lena Fischer\"",
            ),
            ex(
                "An exact version that takes effect on a later date",
                "sop release SOP-0042 --version 2.0.0 -m \"Move to the new payout tool\" --effective 2027-01-01",
            ),
        ],
    ),
    (
        "sop review",
        &[
            ex(
                "Record that SOP-0042 was reviewed today",
                "sop review SOP-0042",
            ),
            ex(
                "With a note for the commit message",
                "sop review SOP-0042 -m \"Checked against the new payout tool\"",
            ),
            ex(
                "Set the next review date (for SOPs that use `next_review`)",
                "sop review SOP-0042 --next 2027-06-01",
            ),
        ],
    ),
    (
        "sop history",
        &[
            ex(
                "Releases, reviews and commits of one SOP",
                "sop history SOP-0042",
            ),
            ex(
                "The history of a file that has no id yet",
                "sop history sops/support/refunds.md",
            ),
            ex(
                "Every SOP's history, as JSON",
                "sop history --all --format json",
            ),
        ],
    ),
    (
        "sop diff",
        &[
            ex("What changed since the last release", "sop diff SOP-0042"),
            ex(
                "What changed between two releases",
                "sop diff SOP-0042 1.0.0 1.1.0",
            ),
            ex(
                "What changed since the last commit",
                "sop diff SOP-0042 HEAD",
            ),
        ],
    ),
    (
        "sop publish",
        &[
            ex("Build the site into `site/`", "sop publish"),
            ex(
                "Build it elsewhere, with the address it will be served from",
                "sop publish --out public --base-url https://sops.example.com/",
            ),
            ex(
                "A preview of the working copies, drafts included",
                "sop publish --drafts --out preview",
            ),
        ],
    ),
    (
        "sop serve",
        &[
            ex(
                "Preview the SOPs as you write, in your browser",
                "sop serve --open",
            ),
            ex("On any free port", "sop serve --port 0"),
            ex(
                "Only what readers will see (approved and committed)",
                "sop serve --approved-only",
            ),
        ],
    ),
    (
        "sop due",
        &[
            ex("Reviews overdue or due in the next 30 days", "sop due"),
            ex(
                "Reviews due in the next six weeks (no quotes needed)",
                "sop due --within 6 weeks",
            ),
            ex(
                "In a scheduled job: fail when a review is overdue",
                "sop due --fail-on overdue",
            ),
        ],
    ),
    (
        "sop stats",
        &[
            ex("The health of the SOPs, for people", "sop stats"),
            ex(
                "The same as JSON, for a dashboard",
                "sop stats --format json",
            ),
        ],
    ),
    (
        "sop adopt",
        &[
            ex(
                "See what front matter every document would get, and change nothing",
                "sop adopt --dry-run",
            ),
            ex(
                "Adopt one folder, all of the Operations department",
                "sop adopt sops/runbooks --department Operations",
            ),
            ex(
                "Documents approved as they are, owners from CODEOWNERS",
                "sop adopt --status approved --approver \"Lena Fischer\" --owner-from codeowners",
            ),
        ],
    ),
    (
        "sop import",
        &[
            ex(
                "A Word document (needs pandoc)",
                "sop import \"Refund policy.docx\"",
            ),
            ex(
                "Confluence pages saved as HTML, as runbooks in `sops/operations/`",
                "sop import export/*.html --type runbook --dir operations",
            ),
        ],
    ),
    (
        "sop completions",
        &[
            ex(
                "bash: load the completions in every new shell",
                "echo 'source <(sop completions bash)' >> ~/.bashrc",
            ),
            ex(
                "zsh: the same in ~/.zshrc",
                "echo 'source <(sop completions zsh)' >> ~/.zshrc",
            ),
            ex(
                "fish",
                "echo 'sop completions fish | source' > ~/.config/fish/completions/sop.fish",
            ),
            ex(
                "PowerShell",
                "Add-Content $PROFILE 'sop completions powershell | Out-String | Invoke-Expression'",
            ),
        ],
    ),
    (
        "sop man",
        &[
            ex(
                "Read the manual page of `sop lint`",
                "sop man lint | man -l -",
            ),
            ex(
                "Install every page for `man sop` and `man sop-lint`",
                "sop man --out ~/.local/share/man/man1",
            ),
        ],
    ),
    (
        "sop lsp",
        &[
            ex(
                "What an editor runs in the repository (you need not run it yourself)",
                "sop lsp",
            ),
            ex(
                "The same, with each check's time in the editor's log",
                "sop lsp -v",
            ),
            ex(
                "Serve one repository wherever the editor starts it",
                "sop lsp -C ~/sops",
            ),
        ],
    ),
    (
        "sop schema",
        &[
            ex(
                "The schema of `sop.toml`, for an editor",
                "sop schema sop-toml > schemas/sop-toml.schema.json",
            ),
            ex(
                "The schema of this repository's front matter",
                "sop schema front-matter",
            ),
        ],
    ),
];

/// The examples of `name` (`sop`, `sop lint`); none for a name without any.
pub fn examples(name: &str) -> &'static [Example] {
    EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, list)| list)
}

/// `cmd` with `--help` ending in its notes (the text `-h` ends with) and the examples of
/// `name` (`sop lint`), under an "Examples:" heading styled like clap's own headings.
pub(super) fn with_examples(cmd: clap::Command, name: &str) -> clap::Command {
    let list = examples(name);
    if list.is_empty() {
        return cmd;
    }
    let header = *cmd.get_styles().get_header();
    let literal = *cmd.get_styles().get_literal();
    let mut text = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|notes| format!("{}\n\n", notes.ansi()))
        .unwrap_or_default();
    text.push_str(&format!("{header}Examples:{header:#}\n"));
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&format!(
            "  {}:\n      {literal}{}{literal:#}\n",
            e.what, e.command
        ));
    }
    cmd.after_long_help(text.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `line` as a POSIX shell splits them (quotes only; enough for examples).
    fn words(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut quote = None;
        let mut started = false;
        for c in line.chars() {
            match (quote, c) {
                (None, '"' | '\'') => {
                    quote = Some(c);
                    started = true;
                }
                (Some(q), c) if c == q => quote = None,
                (None, ' ') => {
                    if started {
                        out.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                (_, c) => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            out.push(word);
        }
        out
    }

    /// The `sop ...` part of an example: up to a pipe, a redirection or the end of a `<(...)`.
    fn sop_part(command: &str) -> &str {
        let start = command.find("sop ").unwrap_or(0);
        let rest = &command[start..];
        let end = rest.find(['|', '>', ')']).unwrap_or(rest.len());
        rest[..end].trim_end_matches(['\'', ' '])
    }

    #[test]
    fn every_example_parses() {
        use clap::Parser as _;
        for (name, list) in EXAMPLES {
            assert!(!list.is_empty(), "{name}");
            for e in *list {
                let line = sop_part(e.command);
                assert!(line.starts_with(name), "{name}: {line}");
                if let Err(err) = crate::cli::Cli::try_parse_from(words(line)) {
                    panic!("{line}: {err}");
                }
            }
        }
    }

    #[test]
    fn every_command_has_examples() {
        let cmd = crate::cli::command();
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let name = format!("sop {}", sub.get_name());
            assert!(
                (2..=4).contains(&examples(&name).len()),
                "{name} needs 2 to 4 examples"
            );
        }
    }
}
