//! `sop man [COMMAND] [--out DIR]`: the manual pages of `sop` (`sop.1`) and of each command
//! (`sop-lint.1`, ...), made from the same `Cli` as the parser and the same examples as
//! `--help`.
//!
//! clap_mangen renders the title, name, description and options; the synopsis (clap_mangen
//! leaves out the values of options: `[-C ]`) and the sections it has no data for (EXIT STATUS,
//! FILES, ENVIRONMENT, EXAMPLES, SEE ALSO) are written here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Arg, ArgAction, CommandFactory};
use roff::{Inline, Roff, bold, italic, roman};

use super::Context;
use crate::cli::{Cli, ManArgs};
use crate::{Exit, Stop};

/// The heading of the options every command takes (see `GlobalArgs` in `cli.rs`).
const GLOBAL_HEADING: &str = "Global options";

/// The exit codes, as in the README's table: code, meaning, examples.
const EXIT_STATUS: &[(u8, &str, &str)] = &[
    (
        0,
        "success: the command did its job, a check found no error",
        "`sop lint` found warnings only (without `--deny-warnings`); `sop list | head` stopped reading early",
    ),
    (
        1,
        "a check found errors, or the command was refused for a reason it states",
        "`sop lint` found an error; `sop due --fail-on overdue` found an overdue review; `sop release` refused: lint errors, a version that does not come after the last one, a tag that exists, a merge in progress; `sop publish` into a folder it did not make",
    ),
    (
        2,
        "usage, configuration or environment: the command cannot run as given",
        "an unknown option or command; a value that names nothing: an SOP id, file, type, rule, version or revision (`sop release SOP-0099`, `--version 1.x`); a broken `sop.toml`; no SOP repository here; git does not know your name; the editor or pandoc cannot start",
    ),
];

/// What a command's exit status means beyond the table, by page name.
const EXIT_NOTES: &[(&str, &str)] = &[
    (
        "sop-lint",
        "`sop lint` exits with 1 when it finds an error, or a warning with `--deny-warnings`; with 0 when it finds warnings only.",
    ),
    (
        "sop-due",
        "`sop due` exits with 1 only with `--fail-on`, when a review in that state exists; the list is printed either way.",
    ),
    (
        "sop-release",
        "Nothing is committed or tagged when `sop release` exits with 1 or 2.",
    ),
    (
        "sop-review",
        "Nothing is committed when `sop review` exits with 1 or 2.",
    ),
    (
        "sop-new",
        "With `--edit`, an editor that cannot start gives 2 after the SOP was created; the message names the file.",
    ),
];

/// A file or an environment variable, and the pages that name it (all when empty).
struct Entry {
    name: &'static str,
    text: &'static str,
    pages: &'static [&'static str],
}

const FILES: &[Entry] = &[
    Entry {
        name: "sop.toml",
        text: "The repository's configuration: where SOPs live, their ids, types and sections, lint severities, the site. sop reads the one in the current folder or the nearest parent folder (`-C`, `--config` change that). Every key is optional; `sop schema sop-toml` prints its schema.",
        pages: &[],
    },
    Entry {
        name: "sops/",
        text: "The SOPs, one Markdown file each with YAML front matter (`[sops] dir` in sop.toml names another folder).",
        pages: &[],
    },
    Entry {
        name: "templates/",
        text: "The repository's own templates: `templates/sop/<type>.md` for `sop new` and `sop import`, `templates/site/` for the look of the site; each replaces the built-in file of the same name.",
        pages: &[
            "sop",
            "sop-init",
            "sop-new",
            "sop-import",
            "sop-publish",
            "sop-serve",
        ],
    },
    Entry {
        name: "site/",
        text: "What `sop publish` writes (`[site] out` in sop.toml, or `--out`). sop replaces only a folder it made itself.",
        pages: &["sop", "sop-init", "sop-publish"],
    },
];

const ENVIRONMENT: &[Entry] = &[
    Entry {
        name: "NO_COLOR",
        text: "When set (to anything), no colours, unless `--color always`.",
        pages: &[],
    },
    Entry {
        name: "CLICOLOR_FORCE",
        text: "When set (to anything but 0), colours even when the output is not a terminal, unless `--color never`.",
        pages: &[],
    },
    Entry {
        name: "VISUAL, EDITOR",
        text: "The editor `sop new --edit` opens, `VISUAL` first; it may hold arguments, such as `code --wait`.",
        pages: &["sop", "sop-new"],
    },
    Entry {
        name: "SOP_TODAY",
        text: "A date, YYYY-MM-DD, that sop takes for today (review dates, `sop due`, release dates): for CI runs and tests that must not depend on the day.",
        pages: &[],
    },
    Entry {
        name: "COMPLETE",
        text: "Set by the script of `sop completions` when it asks sop for the candidates of a Tab; not for people.",
        pages: &["sop", "sop-completions"],
    },
];

/// Run `sop man`.
///
/// # Errors
/// A usage error (exit 2) for a command that does not exist; write failures.
pub(super) fn run(ctx: &Context, args: &ManArgs) -> anyhow::Result<Exit> {
    let root = tree();
    let subs: Vec<&clap::Command> = match &args.command {
        Some(name) => vec![find(&root, name)?],
        None => root
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .collect(),
    };
    let Some(dir) = &args.out else {
        let page = match args.command {
            Some(_) => page(&root, subs.first().copied())?,
            None => page(&root, None)?,
        };
        std::io::stdout().lock().write_all(&page)?;
        return Ok(Exit::Success);
    };
    let dir = ctx.cwd.join(dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
    let mut pages: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if args.command.is_none() {
        pages.push((dir.join("sop.1"), page(&root, None)?));
    }
    for sub in subs {
        let name = format!("sop-{}.1", sub.get_name());
        pages.push((dir.join(name), page(&root, Some(sub))?));
    }
    let mut out = std::io::stdout().lock();
    for (path, bytes) in pages {
        crate::atomic::replace(&path, &bytes)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        writeln!(out, "{}", ctx.display_path(&path))?;
    }
    Ok(Exit::Success)
}

/// The command tree as the pages show it: built (global options copied into every command),
/// without clap's `help` command.
fn tree() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The command `name` of `root`.
///
/// # Errors
/// A usage error naming the closest command when there is none by that name.
fn find<'c>(root: &'c clap::Command, name: &str) -> anyhow::Result<&'c clap::Command> {
    let visible: Vec<&clap::Command> = root
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .collect();
    if let Some(sub) = visible.iter().find(|s| s.get_name() == name) {
        return Ok(sub);
    }
    let names: Vec<&str> = visible.iter().map(|s| s.get_name()).collect();
    let guess = crate::repo::config::closest(name, &names)
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    Err(Stop::usage(
        format!("there is no command `{name}`, so it has no manual page"),
        Some(format!(
            "{guess}the commands are {}; `sop man` prints the page of sop itself",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    )
    .into())
}

/// The roff source of the page of `sub`, or of `sop` itself.
///
/// # Errors
/// Only if writing to memory fails.
fn page(root: &clap::Command, sub: Option<&clap::Command>) -> anyhow::Result<Vec<u8>> {
    let cmd = sub.unwrap_or(root);
    let title = match sub {
        Some(s) => format!("sop-{}", s.get_name()),
        None => "sop".to_string(),
    };
    let key = match sub {
        Some(s) => format!("sop {}", s.get_name()),
        None => "sop".to_string(),
    };
    let man = clap_mangen::Man::new(cmd.clone())
        .title(title.clone())
        .source(format!("sop {}", env!("CARGO_PKG_VERSION")))
        .manual("sop manual");
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut chunk = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| -> anyhow::Result<()> {
        let mut buf = Vec::new();
        f(&mut buf)?;
        chunks.push(buf);
        Ok(())
    };
    chunk(&|w| man.render_title(w))?;
    chunk(&|w| man.render_name_section(w))?;
    chunk(&|w| synopsis(cmd, sub.is_none()).to_writer(w))?;
    chunk(&|w| man.render_description_section(w))?;
    chunk(&|w| man.render_options_section(w))?;
    let mut rest = Roff::new();
    if sub.is_none() {
        commands(&mut rest, root);
    } else if let Some(notes) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        rest.control("SH", ["NOTES"]);
        paragraphs(&mut rest, &notes.to_string());
    }
    exit_status(&mut rest, &title);
    entries(&mut rest, "FILES", FILES, &title);
    entries(&mut rest, "ENVIRONMENT", ENVIRONMENT, &title);
    examples(&mut rest, &key);
    see_also(&mut rest, root, sub.is_some());
    chunk(&|w| rest.to_writer(w))?;
    Ok(join(chunks))
}

/// The chunks as one page: each of clap_mangen's sections starts with roff's two-line
/// apostrophe preamble, which the page needs once, at the top.
fn join(chunks: Vec<Vec<u8>>) -> Vec<u8> {
    let preamble = Roff::new().render().into_bytes();
    let mut page = Vec::new();
    for (i, chunk) in chunks.into_iter().enumerate() {
        match chunk.strip_prefix(preamble.as_slice()) {
            Some(body) if i > 0 => page.extend_from_slice(body),
            _ => page.extend_from_slice(&chunk),
        }
    }
    page
}

/// SYNOPSIS: the command's arguments, the groups one of which is required, and its own options
/// with their values (`[--format FORMAT]`); the top page shows the global options.
fn synopsis(cmd: &clap::Command, top: bool) -> Roff {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let groups: Vec<Vec<&Arg>> = cmd
        .get_groups()
        .filter(|g| g.is_required_set())
        .map(|g| {
            let ids: Vec<&clap::Id> = g.get_args().collect();
            cmd.get_arguments()
                .filter(|a| ids.contains(&a.get_id()))
                .collect()
        })
        .collect();
    let grouped = |a: &Arg| groups.iter().flatten().any(|g| g.get_id() == a.get_id());
    let shown = |a: &&Arg| {
        !a.is_hide_set()
            && !matches!(
                a.get_action(),
                ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
            )
            && (top || a.get_help_heading() != Some(GLOBAL_HEADING))
    };
    let options: Vec<&Arg> = cmd
        .get_arguments()
        .filter(shown)
        .filter(|a| !a.is_positional() && !grouped(a))
        .collect();
    let positionals: Vec<&Arg> = cmd
        .get_positionals()
        .filter(shown)
        .filter(|a| !grouped(a))
        .collect();
    // `sop diff ID [FROM] [TO] [--format FORMAT]`, but `sop lint [--format FORMAT] [PATH]...`:
    // arguments lead when the first is required.
    let leading = positionals.first().is_some_and(|a| a.is_required_set());
    let mut parts: Vec<Vec<Inline>> = Vec::new();
    if leading {
        parts.extend(positionals.iter().map(|a| usage(a, !a.is_required_set())));
    }
    for group in &groups {
        let mut part = vec![roman("(")];
        for (i, arg) in group.iter().enumerate() {
            if i > 0 {
                part.push(roman(" | "));
            }
            part.extend(usage(arg, false));
        }
        part.push(roman(")"));
        parts.push(part);
    }
    parts.extend(
        options
            .iter()
            .filter(|a| a.is_required_set())
            .map(|a| usage(a, false)),
    );
    parts.extend(
        options
            .iter()
            .filter(|a| !a.is_required_set())
            .map(|a| usage(a, true)),
    );
    if !leading {
        parts.extend(positionals.iter().map(|a| usage(a, !a.is_required_set())));
    }
    let mut line: Vec<Inline> = vec![bold(name)];
    for part in parts {
        line.push(roman(" "));
        line.extend(part);
    }
    if top {
        line.extend([
            roman(" "),
            italic("COMMAND"),
            roman(" ["),
            italic("ARGS"),
            roman("]"),
        ]);
    }
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    // Options are not broken across lines (`--ap-prove`).
    roff.control("nh", []);
    roff.text(line);
    roff.control("hy", []);
    roff
}

/// How `arg` is written in a synopsis: `--format FORMAT`, `-C DIR`, `ID`, `[PATH]...`; in
/// brackets when `optional`.
fn usage(arg: &Arg, optional: bool) -> Vec<Inline> {
    let value = || {
        arg.get_value_names().map_or_else(
            || arg.get_id().as_str().to_uppercase(),
            |names| names.join(" "),
        )
    };
    let mut out = Vec::new();
    if optional {
        out.push(roman("["));
    }
    if arg.is_positional() {
        out.push(italic(value()));
    } else {
        match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => out.push(bold(format!("--{long}"))),
            (None, Some(short)) => out.push(bold(format!("-{short}"))),
            (None, None) => {}
        }
        if arg.get_action().takes_values() {
            out.extend([roman(" "), italic(value())]);
        }
    }
    if optional {
        out.push(roman("]"));
    }
    let repeats = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count)
        || (arg.is_positional() && arg.get_num_args().is_some_and(|n| n.max_values() > 1));
    if repeats {
        out.push(roman("..."));
    }
    out
}

/// COMMANDS of the top page: each command's page and what it does.
fn commands(roff: &mut Roff, root: &clap::Command) {
    roff.control("SH", ["COMMANDS"]);
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        roff.control("TP", []);
        roff.text([bold(format!("sop-{}", sub.get_name())), roman("(1)")]);
        if let Some(about) = sub.get_about() {
            roff.text([roman(about.to_string())]);
        }
    }
}

/// `text` as roff paragraphs, one per line: in the help, each line of a command's notes is a
/// note of its own.
fn paragraphs(roff: &mut Roff, text: &str) {
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        if i > 0 {
            roff.control("PP", []);
        }
        roff.text([roman(line)]);
    }
}

fn exit_status(roff: &mut Roff, page: &str) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning, examples) in EXIT_STATUS {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        let mut chars = meaning.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        let meaning = format!("{}{}", first.unwrap_or_default(), chars.as_str());
        roff.text([roman(format!("{meaning}. For example: {examples}."))]);
    }
    if let Some((_, note)) = EXIT_NOTES.iter().find(|(p, _)| *p == page) {
        roff.control("PP", []);
        roff.text([roman(*note)]);
    }
}

fn entries(roff: &mut Roff, heading: &str, list: &[Entry], page: &str) {
    roff.control("SH", [heading]);
    for e in list
        .iter()
        .filter(|e| e.pages.is_empty() || e.pages.contains(&page))
    {
        roff.control("TP", []);
        roff.text([bold(e.name)]);
        roff.text([roman(e.text)]);
    }
}

fn examples(roff: &mut Roff, key: &str) {
    let list = crate::cli::examples(key);
    if list.is_empty() {
        return;
    }
    roff.control("SH", ["EXAMPLES"]);
    for e in list {
        roff.control("TP", []);
        roff.text([bold(e.command)]);
        roff.text([roman(format!("{}.", e.what))]);
    }
}

fn see_also(roff: &mut Roff, root: &clap::Command, sub: bool) {
    roff.control("SH", ["SEE ALSO"]);
    let mut names: Vec<String> = Vec::new();
    if sub {
        names.push("sop".to_string());
    } else {
        names.extend(
            root.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| format!("sop-{}", s.get_name())),
        );
    }
    names.push("git".to_string());
    let mut line = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        line.extend([bold(name), roman("(1)")]);
    }
    roff.text(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(sub: Option<&str>) -> String {
        let root = tree();
        let sub = sub.map(|n| find(&root, n).unwrap());
        String::from_utf8(page(&root, sub).unwrap()).unwrap()
    }

    #[test]
    fn every_page_has_the_sections_people_look_for() {
        let root = tree();
        let mut pages = vec![None];
        pages.extend(root.get_subcommands().map(Some));
        for sub in pages {
            let page = String::from_utf8(page(&root, sub).unwrap()).unwrap();
            for section in [
                ".SH NAME",
                ".SH SYNOPSIS",
                ".SH DESCRIPTION",
                ".SH \"EXIT STATUS\"",
                ".SH FILES",
                ".SH ENVIRONMENT",
                ".SH EXAMPLES",
                ".SH \"SEE ALSO\"",
            ] {
                assert!(
                    page.contains(section),
                    "{:?}: no {section}",
                    sub.map(|s| s.get_name())
                );
            }
            assert_eq!(page.matches(".ie \\n(.g").count(), 1, "one preamble");
        }
    }

    #[test]
    fn the_synopsis_names_the_values_of_options() {
        let top = text(None);
        assert!(top.contains("[\\fB\\-C\\fR \\fIDIR\\fR]"), "{top}");
        assert!(!top.contains("-C ]"), "{top}");
        let release = text(Some("release"));
        assert!(
            release.contains("\\fB\\-\\-version\\fR \\fIX.Y.Z\\fR"),
            "{release}"
        );
        assert!(release.contains("\\fIID\\fR"), "{release}");
        // Global options are on their own heading, not in each command's synopsis.
        assert!(!release.contains("[\\fB\\-C\\fR"), "{release}");
        assert!(release.contains(".SH \"GLOBAL OPTIONS\""), "{release}");
    }

    /// The README's exit-code table says what the manual pages say.
    #[test]
    fn the_readme_has_the_same_exit_codes() {
        let readme = include_str!("../../README.md");
        for (code, meaning, examples) in EXIT_STATUS {
            let row = format!("| {code} | {meaning} | {} |", examples.replace('|', "\\|"));
            assert!(readme.contains(&row), "README.md has no row\n{row}");
        }
    }
}
