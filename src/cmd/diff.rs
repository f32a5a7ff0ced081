//! `sop diff <ID> [FROM] [TO]`: what changed in an SOP between two versions, as a reviewer
//! reads it before approving a release: front-matter keys (`key: old → new`), then section by
//! section (added, removed, moved, changed), changed text word by word.
//!
//! FROM and TO are a version (`1.2.0`, read from its release tag), a tag, any revision, or
//! `worktree` (the file on disk). Defaults: the last release this branch has → the file on
//! disk (`HEAD` when the SOP was never released).
//!
//! JSON (stable): `{"id", "path", "from": {"label", "version"}, "to": {"label", "version"},
//! "front_matter": [{"key", "old", "new"}], "sections": [{"heading", "change", "old_position",
//! "new_position", "text_changed", "words": [{"op", "text"}]}], "unchanged": [heading]}`;
//! `change` is `added`, `removed`, `moved`, `changed` or `renamed` (then with `old_heading`);
//! `op` is `equal`, `delete` or `insert`. When the line endings differ (a file saved on
//! Windows), `"line_endings": {"from", "to"}` names them (`LF`, `CRLF` or `mixed`).
//!
//! Line endings and a byte-order mark are not part of the text: both versions are compared
//! after [`encoding::normalize`], and a change of those alone is said in one line.

use std::collections::HashSet;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::Context;
use super::find_sop;
use crate::cli::{DiffArgs, DiffFormat};
use crate::git::diff::{self, Change, Line, Missing, Op, Piece, Revisioned, SopDiff};
use crate::git::history::{self, Release, ReleaseWalk, SopHistory, TextReader, TreeEntry};
use crate::repo::encoding::{self, EndingCounts};
use crate::repo::sop::FileName;
use crate::repo::{Repo, Sop};
use crate::site::select::{self, NotCounted};
use crate::terminal::escape_line as e;
use crate::{Exit, Stop};

/// Names of the work tree as FROM or TO.
const WORK_TREE: &[&str] = &["worktree", "work-tree", "working-tree", "disk"];

/// One side of the comparison.
#[derive(Debug, Serialize)]
struct Side {
    label: String,
    version: Option<String>,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    id: &'a str,
    path: &'a str,
    from: Side,
    to: Side,
    #[serde(flatten)]
    diff: &'a SopDiff,
    /// How the line endings changed, when they did.
    #[serde(skip_serializing_if = "Option::is_none")]
    line_endings: Option<EndingsChange>,
    /// How the two versions are stored differently (line endings, byte-order mark).
    #[serde(skip)]
    storage: Storage,
}

/// The line endings of each version, when they differ.
#[derive(Debug, Serialize)]
struct EndingsChange {
    from: &'static str,
    to: &'static str,
}

/// What differs in how two versions are stored, apart from their text.
#[derive(Debug, Default)]
struct Storage {
    /// The stored bytes differ but the text is the same.
    only: bool,
    /// `Some(true)`: a byte-order mark was added; `Some(false)`: removed.
    bom_added: Option<bool>,
}

impl Storage {
    fn between(old: &str, new: &str) -> Storage {
        let bom = |t: &str| t.starts_with(encoding::UTF8_BOM);
        Storage {
            only: old != new && encoding::same_text(old, new),
            bom_added: (bom(old) != bom(new)).then_some(bom(new)),
        }
    }
}

/// The line endings of `text` for people: `LF`, `CRLF`, `mixed`, or `None` without any.
fn endings_name(text: &str) -> Option<&'static str> {
    let counts = EndingCounts::of(text);
    if counts.is_mixed() {
        return Some("mixed");
    }
    counts.uniform().map(encoding::Ending::name)
}

/// How the line endings changed from `old` to `new`, when both have some and they differ.
fn endings_change(old: &str, new: &str) -> Option<EndingsChange> {
    let (from, to) = (endings_name(old)?, endings_name(new)?);
    (from != to).then_some(EndingsChange { from, to })
}

/// Run `sop diff`.
///
/// # Errors
/// Refusals for unknown ids and versions; git and output errors.
pub(super) fn run(ctx: &Context, args: &DiffArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let git = ctx.require_full_history(&repo, "`sop diff` (it compares versions kept in git)")?;
    let corpus = repo.load();
    // An SOP of the work tree, else one whose file was deleted but whose release tags hold it.
    let mut absent = Absent::default();
    let (sop, id, path) = match find_sop(&corpus, &args.id) {
        Ok(sop) => (
            Some(sop),
            sop.id().unwrap_or(&args.id).to_string(),
            sop.path.clone(),
        ),
        Err(not_found) => {
            // A file that cannot be read: its committed versions can still be compared.
            if let Some(b) = super::history::unreadable_file(&corpus, &repo.settings, &args.id) {
                absent.broken = Some(b);
                (None, args.id.clone(), b.path.clone())
            } else {
                match super::history::deleted_sop(&git, &repo.settings, &args.id)? {
                    Some(gone) => {
                        let path = gone.path.clone();
                        absent.gone = Some(gone);
                        (None, args.id.clone(), path)
                    }
                    None => return Err(not_found),
                }
            }
        }
    };
    // A tag made or moved by hand is no release: said so, and compared all the same.
    let mut judge = Judge::new(&git, &repo, &id, &path);
    let from_spec = match &args.from {
        Some(f) => f.clone(),
        None => default_from(ctx, &mut judge)?,
    };
    let to_spec = match (&args.to, sop) {
        (Some(t), _) => t.clone(),
        (None, Some(_)) => "worktree".to_string(),
        (None, None) => return Err(no_work_tree(&git, &repo, &id, &path, &absent)?.into()),
    };
    let (from_label, from_text) = load(&mut judge, sop, &from_spec, &absent)?;
    let (to_label, to_text) = load(&mut judge, sop, &to_spec, &absent)?;
    let from_label = uncounted(ctx, &mut judge, &from_spec, &from_text, from_label)?;
    let to_label = uncounted(ctx, &mut judge, &to_spec, &to_text, to_label)?;
    let line_endings = endings_change(&from_text, &to_text);
    let storage = Storage::between(&from_text, &to_text);
    // Lines that differ only in their endings are the same line.
    let normalized = |t: String| match encoding::normalize(&t) {
        std::borrow::Cow::Borrowed(_) => t,
        std::borrow::Cow::Owned(n) => n,
    };
    let old = Sop::parse_in(path.clone(), normalized(from_text), &repo.settings);
    let new = Sop::parse_in(path.clone(), normalized(to_text), &repo.settings);
    let d = diff::compare(&old, &new);
    let side = |label: String, s: &Sop| Side {
        label,
        version: s.meta.version.as_ref().map(|v| v.value.clone()),
    };
    let output = Output {
        id: &id,
        path: &path,
        from: side(from_label, &old),
        to: side(to_label, &new),
        diff: &d,
        line_endings,
        storage,
    };
    match args.format {
        DiffFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &output)?;
            writeln!(out)?;
        }
        DiffFormat::Human => {
            let mut buf = Vec::new();
            write_human(&mut buf, &output, ctx.color)?;
            anstream::stdout().lock().write_all(&buf)?;
        }
    }
    Ok(Exit::Success)
}

/// What judges the release tags of one SOP as `sop publish` does ([`select::why_not_counted`]):
/// its release tags, read once, and the commits `sop release` made for it, found by a walk of
/// the history that goes only as far back as the versions judged need.
struct Judge<'a> {
    git: &'a crate::git::Repo,
    repo: &'a Repo,
    id: &'a str,
    path: &'a str,
    /// What the judge knows of the SOP's history, read on first use: its release tags, and the
    /// release commits walked so far, newest first, each with the SOP's file there (where it
    /// was then, when it was renamed or moved since).
    history: Option<SopHistory>,
    /// The walk that finds the release commits, started on first use.
    walk: Option<ReleaseWalk>,
    /// How many of the release commits walked were looked at.
    looked: usize,
    /// The commits with a release subject that are no release commit: they do not change the
    /// SOP's file.
    passed: HashSet<git2::Oid>,
    /// The SOP's whole history, renames followed as `sop history` follows them: read only when
    /// its file cannot be found otherwise (a file renamed to a name without its id).
    followed: Option<SopHistory>,
    reader: TextReader,
}

impl<'a> Judge<'a> {
    fn new(git: &'a crate::git::Repo, repo: &'a Repo, id: &'a str, path: &'a str) -> Judge<'a> {
        Judge {
            git,
            repo,
            id,
            path,
            history: None,
            walk: None,
            looked: 0,
            passed: HashSet::new(),
            followed: None,
            reader: git.texts().reader(),
        }
    }

    /// The SOP's release tags, newest version first, with the release commits walked so far.
    fn known(&mut self) -> anyhow::Result<&mut SopHistory> {
        if let Some(h) = self.history.take() {
            return Ok(self.history.insert(h));
        }
        let releases = self.git.releases_of(&self.repo.settings, self.id)?;
        Ok(self.history.insert(SopHistory {
            id: Some(self.id.to_string()),
            path: self.path.to_string(),
            commits: Vec::new(),
            releases,
            translation: None,
            translations: Vec::new(),
            deleted: None,
        }))
    }

    /// The SOP's releases tags, newest version first.
    fn releases(&mut self) -> anyhow::Result<&[Release]> {
        Ok(&self.known()?.releases)
    }

    /// The SOP's history as `sop history` reads it, renames followed, read on first use.
    fn followed(&mut self) -> anyhow::Result<&SopHistory> {
        if let Some(h) = self.followed.take() {
            return Ok(self.followed.insert(h));
        }
        let also = [(self.path.to_string(), Some(self.id.to_string()))];
        let mut all = self.git.histories_with(&self.repo.settings, &also)?;
        let h = super::history::take(&mut all, Some(self.id), self.path);
        Ok(self.followed.insert(h))
    }

    /// The SOP's file in `commit`, with its path then: at its path now, else where it was
    /// before a rename or move ([`TextReader::sop_entry`]), else where `sop history`, which
    /// follows renames, finds it. A file found at another path must be the SOP's: its name or
    /// its front matter gives its id.
    fn file_at(&mut self, commit: git2::Oid) -> anyhow::Result<Option<(String, git2::Oid)>> {
        match self.reader.entry_at(commit, self.path) {
            Some(TreeEntry::File(blob)) => return Ok(Some((self.path.to_string(), blob))),
            Some(TreeEntry::Folder | TreeEntry::Other) => {}
            None => {
                if let Some(found) = self.reader.sop_entry(commit, self.path) {
                    return Ok(Some(found));
                }
            }
        }
        let (id, settings) = (self.id, &self.repo.settings);
        let commit_hex = commit.to_string();
        let followed = self.followed()?;
        if let Some(r) = followed.commits.iter().find(|r| r.commit == commit_hex) {
            return Ok(r.blob.map(|blob| (r.path.clone(), blob)));
        }
        // Not changed in that commit: where the file was, newest first.
        let mut paths: Vec<String> = Vec::new();
        for r in &followed.commits {
            if !r.path.is_empty() && !paths.contains(&r.path) {
                paths.push(r.path.clone());
            }
        }
        for path in paths {
            let Some(TreeEntry::File(blob)) = self.reader.entry_at(commit, &path) else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(&path);
            let named = FileName::parse(name, &settings.ids).id;
            let its = match named {
                Some(named) => named == id,
                None => self.reader.blob(blob).is_some_and(|t| {
                    history::front_matter_text(&t, "id", &settings.keys).as_deref() == Some(id)
                }),
            };
            if its {
                return Ok(Some((path, blob)));
            }
        }
        Ok(None)
    }

    /// The subject of the newest release commit of the SOP that `wanted` accepts (given its
    /// subject), walking the history as far back as it takes; the release commits walked are
    /// added to what the judge knows. A commit with a release subject counts as the SOP's
    /// release commit only when it changes the SOP's file, as in `sop history`: one that
    /// changes nothing of it (an empty commit written to look like one) is passed over.
    fn release_commit(&mut self, wanted: impl Fn(&str) -> bool) -> anyhow::Result<Option<String>> {
        self.known()?;
        if self.walk.is_none() {
            self.walk = Some(self.git.release_walk(self.id)?);
        }
        while let Some(walk) = self.walk.as_mut() {
            let passed = &self.passed;
            let got = walk
                .find(|commit, subject| !passed.contains(&commit) && wanted(subject))?
                .cloned();
            let new: Vec<(git2::Oid, String, Option<git2::Oid>)> = walk
                .found()
                .iter()
                .skip(self.looked)
                .map(|(c, s)| (*c, s.clone(), walk.first_parent(*c)))
                .collect();
            self.looked += new.len();
            for (commit, summary, parent) in new {
                let changed = match self.file_at(commit)? {
                    Some((path, blob)) => {
                        let before = parent.and_then(|p| self.reader.file_blob(p, &path));
                        (before != Some(blob)).then_some((path, blob))
                    }
                    None => None,
                };
                let Some((path, blob)) = changed else {
                    self.passed.insert(commit);
                    continue;
                };
                if let Some(h) = self.history.as_mut() {
                    h.commits.push(history::Revision {
                        commit: commit.to_string(),
                        date: String::new(),
                        author: String::new(),
                        summary,
                        path,
                        kind: history::RevisionKind::Release,
                        pull_request: None,
                        merge: None,
                        blob: Some(blob),
                        arrival: None,
                        place: None,
                    });
                }
            }
            match got {
                Some((commit, _)) if self.passed.contains(&commit) => {}
                Some((_, subject)) => return Ok(Some(subject)),
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// Why the tag of `release` does not count as a release ([`select::why_not_counted`]);
    /// `text` is the text it tags, read when not given. The history is walked back to the
    /// newest release commit of its version, the one the judge compares it with.
    fn why(&mut self, release: &Release, text: Option<&str>) -> anyhow::Result<Option<NotCounted>> {
        let id = self.id;
        self.release_commit(|subject| select::made_for(subject, id, &release.version))?;
        let read = match text {
            Some(_) => None,
            None => {
                let from_history = self
                    .history
                    .as_ref()
                    .and_then(|h| select::release_text(h, release, &mut self.reader));
                match from_history {
                    Some(t) => Some(t),
                    None => self.text_at(&release.commit)?,
                }
            }
        };
        let Some(text) = text.or(read.as_deref()) else {
            return Ok(None);
        };
        let settings = &self.repo.settings;
        let (Some(h), reader) = (self.history.as_ref(), &mut self.reader) else {
            return Ok(None);
        };
        let tagged = select::Tagged::read(text, settings);
        Ok(select::why_not_counted(
            id,
            release,
            h,
            (&tagged, text),
            settings,
            reader,
        ))
    }

    /// The text of the SOP's file in commit `commit` (full hex id), found as [`Judge::file_at`]
    /// finds it; `None` when it is not there, or not text.
    fn text_at(&mut self, commit: &str) -> anyhow::Result<Option<String>> {
        let Ok(oid) = git2::Oid::from_str(commit) else {
            return Ok(None);
        };
        Ok(self
            .file_at(oid)?
            .and_then(|(_, blob)| self.reader.blob(blob)))
    }
}

/// `label`, or when `spec` names a release tag of the SOP (its version or its name) that does
/// not count as a release, as `sop publish` decides ([`select::why_not_counted`]), that label
/// marked so, with a warning saying why.
fn uncounted(
    ctx: &Context,
    judge: &mut Judge<'_>,
    spec: &str,
    text: &str,
    label: String,
) -> anyhow::Result<String> {
    // Only a version or a release tag's name can name a release tag: the work tree, `HEAD`
    // or a commit need no judge.
    let bare = spec.strip_prefix('v').unwrap_or(spec);
    let tag = if semver::Version::parse(bare).is_ok() {
        judge.repo.settings.tag_name(judge.id, bare)
    } else if crate::git::tags::TagFormat::new(&judge.repo.settings.config.release.tag_format)
        .parse(spec)
        .is_some_and(|(id, _)| id == judge.id)
    {
        spec.to_string()
    } else {
        return Ok(label);
    };
    let Some(release) = judge.releases()?.iter().find(|r| r.tag == tag).cloned() else {
        return Ok(label);
    };
    let Some(why) = judge.why(&release, Some(text))? else {
        return Ok(label);
    };
    ctx.warn(&format!(
        "{}; the text it tags is compared below all the same, as a tag's text, not a release",
        why.note(&release.tag, judge.id, &release.version)
    ))?;
    Ok(format!("{label}, not counted as a release"))
}

/// Why an SOP has no text on disk: its file cannot be read, or was deleted (its last
/// release then says where it was).
#[derive(Default)]
struct Absent<'a> {
    broken: Option<&'a crate::repo::BrokenFile>,
    gone: Option<super::history::Gone>,
}

/// What became of the file of an SOP that is not on disk, for people ("was deleted in commit
/// …"); "was deleted" when that cannot be told.
fn what_became(
    git: &crate::git::Repo,
    repo: &Repo,
    id: &str,
    absent: &Absent<'_>,
) -> anyhow::Result<String> {
    Ok(match &absent.gone {
        Some(gone) => super::history::removal_text(&super::history::removal(
            git,
            &repo.settings,
            id,
            gone.clone(),
        )?),
        None => "was deleted".to_string(),
    })
}

/// The way to compare an SOP with no text on disk: two of its released versions.
fn released_help(git: &crate::git::Repo, repo: &Repo, id: &str) -> anyhow::Result<String> {
    let mut versions: Vec<semver::Version> = git
        .releases_of(&repo.settings, id)?
        .iter()
        .filter_map(|r| semver::Version::parse(&r.version).ok())
        .collect();
    versions.sort();
    let example = match versions.as_slice() {
        [.., a, b] => format!("`sop diff {id} {a} {b}`"),
        [a] => format!("`sop diff {id} {a} <commit>`"),
        [] => {
            return Ok(format!(
                "it was never released: compare two of its commits (`sop history {id}` lists them), for example `sop diff {id} <commit> <commit>`"
            ));
        }
    };
    let list: Vec<String> = versions.iter().map(ToString::to_string).collect();
    Ok(format!(
        "compare two of its released versions ({}), for example {example}",
        list.join(", ")
    ))
}

/// The refusal for comparing with the work tree an SOP whose file was deleted, or cannot be
/// read: compare two of its released versions instead.
fn no_work_tree(
    git: &crate::git::Repo,
    repo: &Repo,
    id: &str,
    path: &str,
    absent: &Absent<'_>,
) -> anyhow::Result<Stop> {
    let help = released_help(git, repo, id)?;
    if let Some(b) = absent.broken {
        return Ok(Stop::usage(
            format!(
                "the file of {id} (`{path}`) cannot be read: {}; so there is no text of it on disk to compare with",
                b.problem
            ),
            Some(format!("{}; until then, {help}", b.problem.help())),
        ));
    }
    Ok(Stop::usage(
        format!(
            "the file of {id} (`{path}`) {}, so there is no text of it on disk to compare with",
            what_became(git, repo, id, absent)?
        ),
        Some(format!(
            "{help}; `sop history {id}` shows what became of its file"
        )),
    ))
}

/// The version of the newest release this branch has that counts (a tag made or moved by hand
/// is passed over, with a warning), else of the newest release tag this branch has (the
/// comparison then says it does not count), else `HEAD` (with a warning when the release tags
/// seem not to have been fetched). A release made on a branch not merged here is passed over,
/// with a warning, as `sop history` and `sop publish` pass it over.
fn default_from(ctx: &Context, judge: &mut Judge<'_>) -> anyhow::Result<String> {
    let id = judge.id;
    let all: Vec<Release> = judge
        .releases()?
        .iter()
        .filter(|r| semver::Version::parse(&r.version).is_ok())
        .cloned()
        .collect();
    let (tags, elsewhere) = on_this_branch(judge, all)?;
    let mut passed = Vec::new();
    for release in &tags {
        match judge.why(release, None)? {
            Some(why) => passed.push(why.note(&release.tag, id, &release.version)),
            None => {
                warn_elsewhere(ctx, id, &elsewhere, Some(release))?;
                for note in passed {
                    ctx.warn(&format!(
                        "{note}; this compares from {}, the newest release that counts",
                        release.version
                    ))?;
                }
                return Ok(release.version.clone());
            }
        }
    }
    let newest = tags
        .iter()
        .max_by_key(|r| semver::Version::parse(&r.version).ok());
    if let Some(newest) = newest {
        warn_elsewhere(ctx, id, &elsewhere, Some(newest))?;
        return Ok(newest.version.clone());
    }
    if !elsewhere.is_empty() {
        warn_elsewhere(ctx, id, &elsewhere, None)?;
        return Ok("HEAD".to_string());
    }
    if let Some(subject) = judge.release_commit(|_| true)? {
        ctx.warn(&format!(
            "{id} has no release tag here, although its history has the release commit \"{subject}\": the tags were not fetched (`git fetch --tags`), so this compares with `HEAD`, not with the last release"
        ))?;
    }
    Ok("HEAD".to_string())
}

/// `releases` parted into those this branch has and those it does not, each newest version
/// first: a release this branch has is on a commit `HEAD` reaches, or of a version no higher
/// than the one committed at `HEAD` (merged as a squash or a rebase), as `sop publish` counts
/// them. Before the first commit, every release counts as here.
fn on_this_branch(
    judge: &mut Judge<'_>,
    releases: Vec<Release>,
) -> anyhow::Result<(Vec<Release>, Vec<Release>)> {
    let git = judge.git;
    let Some(head) = git.head_commit()? else {
        return Ok((releases, Vec::new()));
    };
    let committed = judge
        .text_at(&head.to_string())?
        .and_then(|t| history::front_matter_text(&t, "version", &judge.repo.settings.keys))
        .and_then(|v| semver::Version::parse(v.trim()).ok());
    // The version first: no walk of the commit graph for the usual releases.
    Ok(releases.into_iter().partition(|r| {
        committed.as_ref().is_some_and(|committed| {
            semver::Version::parse(&r.version).is_ok_and(|v| v <= *committed)
        }) || git2::Oid::from_str(&r.commit).is_ok_and(|c| git.reaches(head, c))
    }))
}

/// Warn about the releases of `id` made on commits this branch does not have, newer than the
/// one compared from (`from`; `None`: `HEAD`), which the comparison passes over.
fn warn_elsewhere(
    ctx: &Context,
    id: &str,
    elsewhere: &[Release],
    from: Option<&Release>,
) -> anyhow::Result<()> {
    let version = |r: &Release| semver::Version::parse(&r.version).ok();
    let newer: Vec<&Release> = elsewhere
        .iter()
        .filter(|r| from.is_none_or(|f| version(r) > version(f)))
        .collect();
    let Some(newest) = newer.first() else {
        return Ok(());
    };
    let tags: Vec<String> = newer.iter().map(|r| format!("`{}`", r.tag)).collect();
    let what = match newer.len() {
        1 => format!("release {} of {id} was", tags[0]),
        _ => format!("releases {} of {id} were", tags.join(", ")),
    };
    let compared = match from {
        Some(f) => format!("{}, the newest release this branch has", f.version),
        None => format!("`HEAD`, as none of the releases of {id} is on this branch"),
    };
    ctx.warn(&format!(
        "{what} made on a commit this branch does not have (a branch not merged here), so this compares from {compared}; to compare with {}, name its version: `sop diff {id} {}`",
        if newer.len() == 1 { "it" } else { "one" },
        newest.version
    ))
}

/// The label and text of `sop` at `spec`.
fn load(
    judge: &mut Judge<'_>,
    sop: Option<&Sop>,
    spec: &str,
    absent: &Absent<'_>,
) -> anyhow::Result<(String, String)> {
    let (git, repo, id, path) = (judge.git, judge.repo, judge.id, judge.path);
    if WORK_TREE.contains(&spec.to_ascii_lowercase().as_str()) {
        return match sop {
            Some(sop) => Ok(("work tree".to_string(), sop.source.text().to_string())),
            None => Err(no_work_tree(git, repo, id, path, absent)?.into()),
        };
    }
    let read = match git.read_revision(&repo.settings, id, path, spec)? {
        // Renamed since to a name that does not give its id: found where `sop history`, which
        // follows renames from `HEAD`, finds it (not at `HEAD` itself: its file is not there).
        Err(Missing::NotInRevision { commit, label }) if spec != "HEAD" => {
            match judge.text_at(&commit)? {
                Some(text) => Ok(Revisioned {
                    label,
                    commit,
                    text,
                }),
                None => Err(Missing::NotInRevision { commit, label }),
            }
        }
        read => read,
    };
    match read {
        Ok(r) => Ok((r.label, r.text)),
        Err(Missing::NoSuchVersion { tag }) => {
            let released: Vec<String> = judge
                .releases()?
                .iter()
                .map(|r| r.version.clone())
                .collect();
            let help = if released.is_empty() {
                format!(
                    "{id} has no release yet: compare with a revision instead, for example `sop diff {id} HEAD`"
                )
            } else {
                format!("the released versions of {id} are {}", released.join(", "))
            };
            Err(Stop::usage(
                format!("version {spec} of {id} was never released (there is no tag `{tag}`)"),
                Some(help),
            )
            .into())
        }
        Err(Missing::NoSuchRevision) => Err(Stop::usage(
            format!("`{spec}` is not a version, tag, branch or commit"),
            Some(format!(
                "give a released version (`sop history {id}` lists them), a tag, a commit, or `worktree`"
            )),
        )
        .into()),
        // Deleted since its releases: not "not committed yet".
        Err(Missing::NotInRevision { .. }) if spec == "HEAD" && absent.gone.is_some() => {
            Err(Stop::refused(
                format!(
                    "{id} is not in HEAD: its file `{path}` {}",
                    what_became(git, repo, id, absent)?
                ),
                Some(format!(
                    "{}; `sop history {id}` shows its commits and releases",
                    released_help(git, repo, id)?
                )),
            )
            .into())
        }
        Err(Missing::NotInRevision { .. }) if spec == "HEAD" => Err(Stop::refused(
            format!("{id} is not committed yet, so there is no earlier version to compare with"),
            Some(format!(
                "commit it, or release it with `sop release {id} --version 1.0.0 -m \"First version\"`"
            )),
        )
        .into()),
        Err(Missing::NotInRevision { commit, .. }) => Err(Stop::refused(
            format!(
                "{id} does not exist at `{spec}` ({})",
                commit.chars().take(7).collect::<String>()
            ),
            Some(format!(
                "`sop history {id}` lists the commits and releases that have it"
            )),
        )
        .into()),
    }
}

struct Styles {
    color: bool,
    bold: Style,
    dim: Style,
    del: Style,
    ins: Style,
    heading: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        Styles {
            color,
            bold: Style::new().bold(),
            dim: Style::new().dimmed(),
            del: Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .strikethrough(),
            ins: Style::new()
                .fg_color(Some(AnsiColor::Green.into()))
                .underline(),
            heading: Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
        }
    }

    /// A run: coloured on a terminal, `[-deleted-]` and `{+inserted+}` otherwise.
    fn piece(&self, p: &Piece) -> String {
        let (style, open, close) = match p.op {
            Op::Equal => return e(&p.text).into_owned(),
            Op::Delete => (self.del, "[-", "-]"),
            Op::Insert => (self.ins, "{+", "+}"),
        };
        if self.color {
            format!("{style}{}{style:#}", e(&p.text))
        } else {
            format!("{open}{}{close}", e(&p.text))
        }
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn write_human(out: &mut impl Write, o: &Output<'_>, color: bool) -> std::io::Result<()> {
    let s = Styles::new(color);
    let (bold, dim) = (s.bold, s.dim);
    writeln!(out, "{bold}{}{bold:#}  {dim}{}{dim:#}", e(o.id), e(o.path))?;
    writeln!(out, "from  {}", e(&o.from.label))?;
    writeln!(out, "to    {}", e(&o.to.label))?;
    let d = o.diff;
    if d.is_empty() {
        writeln!(out)?;
        match storage_note(o) {
            Some(note) => writeln!(out, "no changes to the text: only {note}")?,
            None => writeln!(out, "no changes")?,
        }
        return Ok(());
    }
    if let Some(note) = storage_note(o) {
        writeln!(
            out,
            "{dim}also {note}; lines are compared without their endings{dim:#}"
        )?;
    }
    if !d.front_matter.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}Front matter{:#}", s.heading, s.heading)?;
        let width = d
            .front_matter
            .iter()
            .map(|f| f.key.len())
            .max()
            .unwrap_or(0);
        for f in &d.front_matter {
            let show = |v: &Option<String>| match v.as_deref() {
                None => "(not set)".to_string(),
                Some("") => "(empty)".to_string(),
                Some(v) => e(v).into_owned(),
            };
            let (old, new) = (show(&f.old), show(&f.new));
            let (old, new) = if color {
                let (red, green) = (s.del_line(), s.ins_line());
                (
                    format!("{red}{old}{red:#}"),
                    format!("{green}{new}{green:#}"),
                )
            } else {
                (old, new)
            };
            writeln!(
                out,
                "  {:<width$}  {old} → {new}",
                format!("{}:", e(&f.key)),
                width = width + 1
            )?;
        }
    }
    for sec in &d.sections {
        writeln!(out)?;
        let name = if sec.heading.is_empty() {
            "(text before the first section)".to_string()
        } else {
            format!("## {}", e(&sec.heading))
        };
        let what = match sec.change {
            Change::Added => "added".to_string(),
            Change::Removed => "removed".to_string(),
            Change::Changed => "changed".to_string(),
            Change::Renamed => {
                let old = e(sec.old_heading.as_deref().unwrap_or_default());
                if sec.text_changed {
                    format!("renamed from \"{old}\" and changed")
                } else {
                    format!("renamed from \"{old}\"")
                }
            }
            Change::Moved => {
                let from_to = match (sec.old_position, sec.new_position) {
                    (Some(a), Some(b)) => {
                        format!(" from {} to {} place", ordinal(a), ordinal(b))
                    }
                    _ => String::new(),
                };
                if sec.text_changed {
                    format!("moved{from_to} and changed")
                } else {
                    format!("moved{from_to}")
                }
            }
        };
        writeln!(
            out,
            "{}{name}{:#}  {dim}{what}{dim:#}",
            s.heading, s.heading
        )?;
        match sec.change {
            Change::Added => {
                for l in sec.new_text.trim_matches('\n').lines() {
                    let g = s.ins_line();
                    writeln!(out, "  {g}+ {}{g:#}", e(l))?;
                }
            }
            Change::Removed => {
                for l in sec.old_text.trim_matches('\n').lines() {
                    let r = s.del_line();
                    writeln!(out, "  {r}- {}{r:#}", e(l))?;
                }
            }
            Change::Moved | Change::Changed | Change::Renamed if sec.text_changed => {
                for line in diff::display_lines(&sec.old_text, &sec.new_text) {
                    match line {
                        Line::Context(t) if t.trim().is_empty() => writeln!(out)?,
                        Line::Context(t) => writeln!(out, "  {dim}  {}{dim:#}", e(&t))?,
                        Line::Gap => writeln!(out, "  {dim}  ⋮{dim:#}")?,
                        Line::Removed(t) => {
                            let r = s.del_line();
                            writeln!(out, "  {r}- {}{r:#}", e(&t))?;
                        }
                        Line::Added(t) => {
                            let g = s.ins_line();
                            writeln!(out, "  {g}+ {}{g:#}", e(&t))?;
                        }
                        Line::Rewritten(pieces) => {
                            let text: String = pieces.iter().map(|p| s.piece(p)).collect();
                            writeln!(out, "  ~ {text}")?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if !d.unchanged.is_empty() {
        writeln!(out)?;
        let names: Vec<&str> = d
            .unchanged
            .iter()
            .map(|h| {
                if h.is_empty() {
                    "(text before the first section)"
                } else {
                    h.as_str()
                }
            })
            .collect();
        writeln!(out, "{dim}unchanged: {}{dim:#}", e(&names.join(", ")))?;
    }
    Ok(())
}

/// What changed in how the file is stored, for people (`the line endings changed, from LF to
/// CRLF`); `None` when it is stored the same way.
fn storage_note(o: &Output<'_>) -> Option<String> {
    let mut parts = Vec::new();
    match &o.line_endings {
        Some(c) => parts.push(format!(
            "the line endings changed, from {} to {}",
            c.from, c.to
        )),
        // Mixed endings on both sides, mixed differently.
        None if o.storage.only && o.storage.bom_added.is_none() => {
            parts.push("the line endings changed".to_string());
        }
        None => {}
    }
    match o.storage.bom_added {
        Some(true) => parts.push(
            "a byte-order mark (an invisible first character some Windows editors write) was added"
                .to_string(),
        ),
        Some(false) => {
            parts.push("the byte-order mark at the start of the file was removed".to_string())
        }
        None => {}
    }
    (!parts.is_empty()).then(|| parts.join(", and "))
}

impl Styles {
    fn del_line(&self) -> Style {
        Style::new().fg_color(Some(AnsiColor::Red.into()))
    }

    fn ins_line(&self) -> Style {
        Style::new().fg_color(Some(AnsiColor::Green.into()))
    }
}
