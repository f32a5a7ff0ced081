//! `sop history <ID|PATH>` / `sop history --all`: releases, reviews and commits of SOPs, from
//! one pass over the commit graph. The commits are those `git log --follow -- <file>` shows.
//!
//! JSON (stable): one SOP is `{"id", "path", "commits": [{"commit", "date", "author",
//! "summary", "path", "kind", "pull_request"?, "merge"?}], "releases": [{"version", "tag",
//! "date", "tagger", "summary", "commit", "approvals": [{"name", "email", "date",
//! "meaning"}], "landed"?, "not_counted"?}]}`, newest first; `--all` prints an array of those,
//! sorted by id, then the
//! files without an id (`"id": null`) by path. `kind` is `commit`, `review` (made by `sop
//! review`), `release` (the commit a release tag points to) or `tag` (the commit only tags
//! that do not count point to, as the table shows them). `pull_request` is the number of
//! the pull request that brought the commit in, when a merge or squash subject names one;
//! `merge` the merge commit that brought it to the main line (absent for commits made on it).
//! A release made on a branch that was then squash-merged or rebased has its tag on a commit
//! `HEAD` does not reach: its `"landed"` is the commit of this history after which the file is
//! exactly the released text (that commit's `kind` is `release`); absent otherwise.
//! `not_counted` says why a release tag does not count as a release, in the words `sop
//! publish` warns with when it leaves the tag out (absent when it counts): the text it tags
//! says another version, is not the text of its release commit, says approved with no
//! approver after releases that recorded theirs, or records the approval of another release
//! that no release commit of its version records (a copied tag message). The table shows such a tag as `tag`, with
//! the reason after its summary, and no approval. `sop history <ID>` reads the text of every
//! tag of the SOP (but those on the commit `sop release` made for their version); `--all`
//! only of the tags that look made or moved by hand ([`select::looks_hand_made`]: another tag
//! on the same commit or text, a tag on a commit that did not change the file, on the release
//! commit of another version, out of order, or with another tag's approvals), as reading every
//! released text would cost more than the history itself.
//! `approvals` are read from the `Approved-by`/`Approved-on`/`Approval-meaning` trailers of
//! the tag message, one object per approver (`email` left out when none was given); empty for
//! a release that was not approved, and for a tag that does not count. An SOP that is not
//! committed yet has empty lists.
//!
//! Added for `sop history <ID|PATH>`: a translation's file has its own history (its commits;
//! no releases: they are its source's), with `"translation": {"language", "translation_of"}`;
//! an SOP lists its translations in the work tree as `"translations": [{"language",
//! "path"}]` (absent when none); an SOP whose file was deleted (no longer in the work tree,
//! but in its release tags' commits) is followed from its last release's path, with
//! `"deleted": {"commit", "path", "tag", "restore"}` (the commit that deleted it, and the `git
//! show` command that prints its last release). When that commit renamed the file (git's
//! rename detection, at `[history] rename_similarity`), `"renamed_to": {"commit", "path", "id",
//! "in_head"}` says where it went, and `commit` is the one that deleted that file when it is
//! gone too; a deletion from the work tree that is not committed has `"uncommitted": true`. An
//! SOP whose file is there but cannot be read (a stray NUL, not UTF-8…) keeps its history, with
//! `"unreadable"`: what is wrong and how to fix it, in `sop lint`'s words.
//!
//! The table shows each release's approvals on the lines under it.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::Context;
use super::find_sop;
use crate::cli::{HistoryArgs, HistoryFormat};
use crate::git::history::{self, Histories, RevisionKind, SopHistory, TextReader};
use crate::repo::sop::FileName;
use crate::site::select;
use crate::terminal::escape_line as e;
use crate::words::count;
use crate::{Exit, Stop};

/// Run `sop history`.
///
/// # Errors
/// Unknown id or path (refused), a repository git cannot read, or stdout failing.
pub(super) fn run(ctx: &Context, args: &HistoryArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let git = ctx.require_full_history(&repo, "`sop history` (it reads the history from git)")?;
    let Some(wanted) = &args.id else {
        // The working copies (for the titles and versions, and the SOPs on disk that have no
        // commit yet) are read on a thread of their own while this one walks the history: only
        // their ids, titles and versions.
        let (all, (files, glances)) = std::thread::scope(|s| {
            let load = s.spawn(|| {
                let (files, _) = repo.walk();
                let names: Vec<String> = files.iter().map(|p| repo.relative(p)).collect();
                (names, repo.glance_files(&files))
            });
            let all = git.histories(&repo.settings);
            (
                all,
                load.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            )
        });
        let mut all = all?;
        warn_without_tags(ctx, &all)?;
        let prefix = &repo.settings.ids;
        let known: std::collections::HashSet<String> =
            all.values().map(|h| h.path.clone()).collect();
        for rel in files {
            if known.contains(&rel) {
                continue;
            }
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let f = FileName::parse(name, prefix);
            if f.language.is_some() {
                continue;
            }
            let key = f.id.clone().unwrap_or_else(|| rel.clone());
            all.entry(key).or_insert_with(|| SopHistory {
                id: f.id,
                path: rel,
                commits: Vec::new(),
                releases: Vec::new(),
                translation: None,
                translations: Vec::new(),
                deleted: None,
            });
        }
        // The SOPs of the work tree, as `Corpus::originals` orders them.
        let mut originals: Vec<&crate::repo::Glance> =
            glances.iter().filter(|g| !g.translation).collect();
        originals.sort_by(|a, b| a.id.cmp(&b.id).then(a.path.cmp(&b.path)));
        // Titles as the working copies give them (by id, else by path).
        let titles: std::collections::HashMap<&str, &str> = originals
            .iter()
            .flat_map(|g| {
                [g.id.as_deref().unwrap_or(&g.path), g.path.as_str()].map(|k| (k, g.title.as_str()))
            })
            .collect();
        // The version each says, by id, as `current_versions` gives it.
        let versions: std::collections::HashMap<String, semver::Version> = originals
            .iter()
            .filter_map(|g| Some((g.id.clone()?, g.version.clone()?)))
            .collect();
        let title_of = |h: &SopHistory| {
            h.id.as_deref()
                .and_then(|id| titles.get(id))
                .or_else(|| titles.get(h.path.as_str()))
                .copied()
        };
        select::mark_not_counted(
            all.values_mut().collect(),
            &git.texts(),
            &repo.settings,
            select::Check::Suspect(&versions),
        );
        all.values_mut().for_each(show_not_counted);
        let mut list: Vec<&SopHistory> = all.values().collect();
        // Ids first, in order; then files without one, by path.
        list.sort_by(|a, b| {
            (a.id.is_none(), a.id.as_deref().unwrap_or(&a.path))
                .cmp(&(b.id.is_none(), b.id.as_deref().unwrap_or(&b.path)))
        });
        let mut buf = Vec::new();
        match args.format {
            HistoryFormat::Json => {
                serde_json::to_writer(&mut buf, &list)?;
                writeln!(buf)?;
                std::io::stdout().lock().write_all(&buf)?;
            }
            HistoryFormat::Table => {
                let mut texts = git.texts().reader();
                for (i, h) in list.iter().enumerate() {
                    if i > 0 {
                        writeln!(buf)?;
                    }
                    write_table(&mut buf, h, title_of(h), &mut texts)?;
                }
                anstream::stdout().lock().write_all(&buf)?;
            }
        }
        return Ok(Exit::Success);
    };
    let corpus = repo.load();
    // Files followed besides the SOPs of `HEAD`: a translation's, or a deleted SOP's last one.
    let mut also: Vec<(String, Option<String>)> = Vec::new();
    let mut translation = None;
    let mut deleted = None;
    let mut unreadable: Option<&crate::repo::BrokenFile> = None;
    let (id, path, title) = match as_path(&repo, wanted) {
        Some(rel) => {
            let sop = corpus.originals().into_iter().find(|s| s.path == rel);
            let translated = corpus
                .sops
                .iter()
                .find(|s| s.path == rel && s.is_translation());
            match (sop, translated) {
                (None, Some(t)) => {
                    also.push((rel.clone(), None));
                    translation = Some(history::Translation {
                        language: t.language().map(str::to_string),
                        translation_of: t
                            .meta
                            .translation_of
                            .as_ref()
                            .map(|v| v.value.trim().to_string()),
                    });
                    (None, rel, Some(t.title().to_string()))
                }
                (None, None) => {
                    // A file that cannot be read, or that was deleted: as by its id.
                    let name = rel.rsplit('/').next().unwrap_or(&rel);
                    let named = FileName::parse(name, &repo.settings.ids)
                        .id
                        .filter(|_| repo.settings.files.is_sop(&rel));
                    let broken = corpus.broken.iter().find(|b| b.path == rel);
                    let gone = match (&named, broken) {
                        (Some(id), None) => deleted_sop(&git, &repo.settings, id)?
                            .filter(|g| g.path == rel)
                            .map(|g| (id.clone(), g)),
                        _ => None,
                    };
                    if let (Some(id), Some(b)) = (&named, broken) {
                        unreadable = Some(b);
                        let title = deleted_sop(&git, &repo.settings, id)?.and_then(|g| g.title);
                        (Some(id.clone()), rel, title)
                    } else if let Some((id, g)) = gone {
                        also.push((g.path.clone(), Some(id.clone())));
                        let (title, path) = (g.title.clone(), g.path.clone());
                        deleted = Some(g);
                        (Some(id), path, title)
                    } else {
                        (None, rel, None)
                    }
                }
                _ => {
                    let id = sop.and_then(|s| s.id()).map(str::to_string);
                    let title = sop.map(|s| s.title().to_string());
                    (id, rel, title)
                }
            }
        }
        None => match find_sop(&corpus, wanted) {
            Ok(sop) => {
                let id = sop.id().unwrap_or(wanted).to_string();
                (Some(id), sop.path.clone(), Some(sop.title().to_string()))
            }
            // A file that cannot be read is still there, and its commits are in git.
            Err(_) if let Some(b) = unreadable_file(&corpus, &repo.settings, wanted) => {
                unreadable = Some(b);
                let title = deleted_sop(&git, &repo.settings, wanted)?.and_then(|g| g.title);
                (Some(wanted.to_string()), b.path.clone(), title)
            }
            // An SOP whose file was deleted: its release tags still hold it.
            Err(not_found) => match deleted_sop(&git, &repo.settings, wanted)? {
                Some(gone) => {
                    also.push((gone.path.clone(), Some(wanted.to_string())));
                    let title = gone.title.clone();
                    let path = gone.path.clone();
                    deleted = Some(gone);
                    (Some(wanted.to_string()), path, title)
                }
                None => return Err(not_found),
            },
        },
    };
    let mut all = git.histories_with(&repo.settings, &also)?;
    warn_without_tags(ctx, &all)?;
    let no_tag_here = history::untagged_release(&all).is_some();
    if as_path(&repo, wanted).is_some() && title.is_none() && !all.values().any(|h| h.path == path)
    {
        return Err(Stop::usage(
            format!("`{path}` is not an SOP file of this repository"),
            Some(format!(
                "give the file of an SOP under `{}/` or its id; `sop list` shows every SOP with its file",
                repo.settings.sops_dir()
            )),
        )
        .into());
    }
    let mut h = take(&mut all, id.as_deref(), &path);
    if let Some(t) = translation {
        // Its own file's history: the id is its source's, the releases too.
        h.id = corpus
            .sops
            .iter()
            .find(|s| s.path == path)
            .and_then(|s| s.id())
            .map(str::to_string);
        h.releases.clear();
        h.translation = Some(t);
    } else if let Some(id) = &id {
        h.translations = translations_of(&corpus, id);
    }
    if let Some(gone) = deleted {
        h.deleted = Some(deleted_at(&git, &repo.settings, &h, gone, &all)?);
    }
    select::mark_not_counted(
        vec![&mut h],
        &git.texts(),
        &repo.settings,
        select::Check::Every,
    );
    show_not_counted(&mut h);
    // A release commit whose tag is not here (not pushed, or not fetched) lists as a commit:
    // the tag is named, unless no release tag at all is here (said above).
    if let Some(id) = h.id.as_deref()
        && !no_tag_here
    {
        for (commit, version) in h.untagged_release_commits(id) {
            ctx.warn(&format!(
                "version {version} of `{id}` is missing below: {}",
                history::missing_tag_words(&commit.summary, &repo.settings.tag_name(id, version))
            ))?;
        }
    }
    let unreadable = unreadable.map(|b| format!("{}; {}", b.problem, b.problem.help()));
    if args.format == HistoryFormat::Json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(
            &mut out,
            &WithUnreadable {
                history: &h,
                unreadable: unreadable.as_deref(),
            },
        )?;
        writeln!(out)?;
    } else {
        let mut out = anstream::stdout().lock();
        if let Some(why) = &unreadable {
            // Said before the table, under the name and path.
            let mut head = Vec::new();
            write_table(&mut head, &h, title.as_deref(), &mut git.texts().reader())?;
            let text = String::from_utf8_lossy(&head);
            let mut lines = text.split_inclusive('\n');
            for line in lines.by_ref().take(2) {
                out.write_all(line.as_bytes())?;
            }
            writeln!(out, "its file `{}` cannot be read: {}", e(&h.path), e(why))?;
            for line in lines {
                out.write_all(line.as_bytes())?;
            }
        } else {
            write_table(&mut out, &h, title.as_deref(), &mut git.texts().reader())?;
        }
    }
    Ok(Exit::Success)
}

/// The JSON of `sop history <ID>`: the history, with `"unreadable"` (what is wrong with the
/// file in the work tree and how to fix it, in `sop lint`'s words) when it cannot be read.
#[derive(serde::Serialize)]
struct WithUnreadable<'a> {
    #[serde(flatten)]
    history: &'a SopHistory,
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<&'a str>,
}

/// The file of the work tree that holds the SOP `id` (its file name says so) but cannot be
/// read as one.
pub(super) fn unreadable_file<'c>(
    corpus: &'c crate::repo::Corpus,
    settings: &crate::repo::Settings,
    id: &str,
) -> Option<&'c crate::repo::BrokenFile> {
    corpus.broken.iter().find(|b| {
        let name = b.path.rsplit('/').next().unwrap_or(&b.path);
        let f = FileName::parse(name, &settings.ids);
        f.language.is_none() && f.id.is_some_and(|i| i.eq_ignore_ascii_case(id))
    })
}

/// `arg` as the path of an SOP file relative to the SOP root, when it names a Markdown file
/// (from the current folder, else from the SOP root); `None` when it reads as an id.
fn as_path(repo: &crate::repo::Repo, arg: &str) -> Option<String> {
    let looks_like_path = arg.contains('/') || arg.contains('\\') || {
        let lower = arg.to_ascii_lowercase();
        lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".erb")
    };
    if !looks_like_path && !std::path::Path::new(arg).is_file() {
        return None;
    }
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let root = canon(&repo.root)?;
    if let Some(full) = canon(std::path::Path::new(arg))
        && let Ok(rel) = full.strip_prefix(&root)
    {
        return Some(rel.to_string_lossy().replace('\\', "/"));
    }
    Some(arg.trim_start_matches("./").replace('\\', "/"))
}

/// The last release of an SOP whose file is no longer in the work tree: its tag, the file's
/// path in the tag's commit, and its title there.
#[derive(Clone)]
pub(super) struct Gone {
    tag: String,
    pub(super) path: String,
    title: Option<String>,
}

/// The last release of `id` when no SOP of the work tree has that id but a release tag does:
/// the file of that id in the tag's commit. `None` when no tag (or no file in it) has the id.
pub(super) fn deleted_sop(
    git: &crate::git::Repo,
    settings: &crate::repo::Settings,
    id: &str,
) -> anyhow::Result<Option<Gone>> {
    let releases = git.releases_of(settings, id)?;
    let mut reader = git.texts().reader();
    // Newest version first; a tag whose commit cannot be read is passed over.
    for r in &releases {
        let Ok(commit) = git2::Oid::from_str(&r.commit) else {
            continue;
        };
        let Some(files) = reader.files_at(commit) else {
            continue;
        };
        let found = files.into_iter().find(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            let f = FileName::parse(name, &settings.ids);
            f.id.as_deref() == Some(id) && f.language.is_none() && settings.files.is_sop(p)
        });
        if let Some(path) = found {
            let title = reader.at_commit(&r.commit, &path).map(|text| {
                crate::repo::Sop::parse_in(path.clone(), text, settings)
                    .title()
                    .to_string()
            });
            return Ok(Some(Gone {
                tag: r.tag.clone(),
                path,
                title,
            }));
        }
    }
    // Never released, but committed: deleted from the work tree only.
    let head = git.head_blobs(settings)?;
    let mut committed: Vec<(&String, git2::Oid)> = head
        .blobs
        .iter()
        .filter(|(p, _)| {
            let name = p.rsplit('/').next().unwrap_or(p);
            let f = FileName::parse(name, &settings.ids);
            f.id.as_deref() == Some(id) && f.language.is_none()
        })
        .map(|(p, b)| (p, *b))
        .collect();
    committed.sort();
    if let Some((path, blob)) = committed.first()
        && !repo_has(git, path)
    {
        let title = reader.blob(*blob).map(|text| {
            crate::repo::Sop::parse_in((*path).clone(), text, settings)
                .title()
                .to_string()
        });
        return Ok(Some(Gone {
            tag: "HEAD".to_string(),
            path: (*path).clone(),
            title,
        }));
    }
    // Never released, and deleted by a commit: its last version is that commit's parent's.
    if let Some((commit, parent, path)) = git.removed_sop_file(settings, id)? {
        let before = format!("{}^", commit.chars().take(7).collect::<String>());
        let title = reader.at_commit(&parent, &path).map(|text| {
            crate::repo::Sop::parse_in(path.clone(), text, settings)
                .title()
                .to_string()
        });
        return Ok(Some(Gone {
            tag: before,
            path,
            title,
        }));
    }
    Ok(None)
}

/// Whether the work tree has the file at `path` (relative to the SOP root).
fn repo_has(git: &crate::git::Repo, path: &str) -> bool {
    git.sop_root().join(path).exists()
}

/// Where the file of `h` was deleted (or renamed), and how to print its last release. `all`
/// is the history of every SOP of `HEAD`: one that was at `gone`'s path once, by git's rename
/// detection as the history walk does it, is where the file went.
fn deleted_at(
    git: &crate::git::Repo,
    settings: &crate::repo::Settings,
    h: &SopHistory,
    gone: Gone,
    all: &Histories,
) -> anyhow::Result<history::Deleted> {
    let mut d = history::Deleted {
        commit: String::new(),
        restore: format!("git show {}:{}", gone.tag, git.git_path(&gone.path)),
        path: gone.path,
        tag: gone.tag,
        renamed_to: None,
        uncommitted: false,
        commit_date: String::new(),
        commit_summary: String::new(),
    };
    // Still committed: deleted from the work tree only.
    if git.head_blobs(settings)?.get(&d.path).is_some() {
        d.uncommitted = true;
        return Ok(d);
    }
    // Newest first: the deletion is the newest change, the one that left no file.
    let Some(removal) = h
        .commits
        .iter()
        .find(|c| c.kind != RevisionKind::Review)
        .filter(|c| c.blob.is_none())
    else {
        return Ok(d);
    };
    d.commit.clone_from(&removal.commit);
    d.commit_date.clone_from(&removal.date);
    d.commit_summary.clone_from(&removal.summary);
    let was_here = |other: &SopHistory| {
        other.path != d.path
            && other
                .commits
                .iter()
                .any(|c| c.commit == removal.commit && c.path != d.path)
            && other.commits.iter().any(|c| c.path == d.path)
    };
    if let Some(now) = all.values().find(|o| was_here(o)) {
        d.renamed_to = Some(history::RenamedTo {
            commit: removal.commit.clone(),
            path: now.path.clone(),
            id: now.id.clone(),
            in_head: true,
        });
        return Ok(d);
    }
    // Renamed to a file deleted since: followed from the files that commit added.
    let added = git.added_in(settings, &removal.commit)?;
    if added.is_empty() {
        return Ok(d);
    }
    let also: Vec<(String, Option<String>)> = added.iter().map(|p| (p.clone(), None)).collect();
    let followed = git.histories_with(settings, &also)?;
    let Some(next) = followed
        .values()
        .find(|o| added.contains(&o.path) && was_here(o))
    else {
        return Ok(d);
    };
    let name = next.path.rsplit('/').next().unwrap_or(&next.path);
    d.renamed_to = Some(history::RenamedTo {
        commit: removal.commit.clone(),
        path: next.path.clone(),
        id: FileName::parse(name, &settings.ids).id,
        in_head: false,
    });
    if let Some(last) = next
        .commits
        .iter()
        .find(|c| c.kind != RevisionKind::Review)
        .filter(|c| c.blob.is_none() && c.commit != removal.commit)
    {
        d.commit.clone_from(&last.commit);
        d.commit_date.clone_from(&last.date);
        d.commit_summary.clone_from(&last.summary);
    }
    Ok(d)
}

/// Where the file of the SOP `id`, whose last release `gone` is, was deleted or renamed: for
/// `sop diff`, which has no history of its own.
pub(super) fn removal(
    git: &crate::git::Repo,
    settings: &crate::repo::Settings,
    id: &str,
    gone: Gone,
) -> anyhow::Result<history::Deleted> {
    let mut all = git.histories_with(settings, &[(gone.path.clone(), Some(id.to_string()))])?;
    let h = take(&mut all, Some(id), &gone.path);
    deleted_at(git, settings, &h, gone, &all)
}

/// What became of a deleted SOP's file, for people: "was deleted in commit 1a2b3c4
/// (2026-11-30, "Retire")", "was renamed to `…` (now SOP-0002) in commit …", or that the
/// deletion is not committed.
pub(super) fn removal_text(d: &history::Deleted) -> String {
    let short = |c: &str| c.chars().take(7).collect::<String>();
    let at = |c: &str, date: &str, summary: &str| {
        if date.is_empty() {
            format!("commit {}", short(c))
        } else {
            format!("commit {} ({date}, \"{}\")", short(c), e(summary))
        }
    };
    if d.uncommitted {
        return format!(
            "was deleted from the work tree, and the deletion is not committed: `git restore {}` brings it back, or commit the deletion",
            e(&d.path)
        );
    }
    match &d.renamed_to {
        Some(r) if r.in_head => {
            let now =
                r.id.as_ref()
                    .map_or_else(String::new, |id| format!(" (now {})", e(id)));
            let shows = r.id.as_deref().unwrap_or(&r.path);
            format!(
                "was renamed to `{}`{now} in {}: `sop history {}` shows its history from then on",
                e(&r.path),
                at(&d.commit, &d.commit_date, &d.commit_summary),
                e(shows)
            )
        }
        Some(r) => {
            let deleted = if d.commit == r.commit || d.commit.is_empty() {
                "which is not in this branch".to_string()
            } else {
                format!(
                    "which was deleted in {}",
                    at(&d.commit, &d.commit_date, &d.commit_summary)
                )
            };
            format!(
                "was renamed to `{}` in commit {}, {deleted}",
                e(&r.path),
                short(&r.commit)
            )
        }
        None if d.commit.is_empty() => "is not in this branch".to_string(),
        None => format!(
            "was deleted in {}",
            at(&d.commit, &d.commit_date, &d.commit_summary)
        ),
    }
}

/// The translations of `id` in the work tree (files that name it in `translation_of`, or carry
/// its id and a language), by path.
fn translations_of(corpus: &crate::repo::Corpus, id: &str) -> Vec<history::TranslationFile> {
    let mut found: Vec<history::TranslationFile> = corpus
        .sops
        .iter()
        .filter(|s| s.is_translation())
        .filter(|s| {
            let of = s.meta.translation_of.as_ref().map(|v| v.value.trim());
            let source = of.map(|v| v.split_once('@').map_or(v, |(i, _)| i).trim());
            source.map_or(s.id() == Some(id), |src| src == id)
        })
        .map(|s| history::TranslationFile {
            language: s.language().unwrap_or_default().to_string(),
            path: s.path.clone(),
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The English name of language `tag` ("Arabic" for `ar`), as the site's catalogues give it;
/// the tag itself when they do not.
fn language_name(tag: &str) -> String {
    let builtin: std::collections::BTreeMap<String, Vec<u8>> = crate::assets::builtin_dir("site")
        .into_iter()
        .filter(|(p, _)| p.starts_with("site/i18n/"))
        .filter_map(|(p, b)| Some((p.strip_prefix("site/")?.to_string(), b.to_vec())))
        .collect();
    match crate::site::i18n::I18n::load(&builtin, &std::collections::BTreeMap::new()) {
        Ok(i18n) => i18n.language_name("en", tag),
        Err(_) => tag.to_string(),
    }
}

/// The version each SOP of the work tree says, by id (translations left out).
pub(super) fn current_versions(
    corpus: &crate::repo::Corpus,
) -> std::collections::HashMap<String, semver::Version> {
    corpus
        .originals()
        .into_iter()
        .filter_map(|s| Some((s.id()?.to_string(), s.version()?)))
        .collect()
}

/// A tag that does not count is no approved release, whatever its message says (a message
/// copied from another tag names that tag's approvers): its approvals are not shown, and a
/// commit only such tags point to is a `tag`, as in the table, not a `release`.
fn show_not_counted(h: &mut SopHistory) {
    for r in &mut h.releases {
        if r.not_counted.is_some() {
            r.approvals.clear();
        }
    }
    for c in &mut h.commits {
        let mut tags = h
            .releases
            .iter()
            .filter(|r| r.commit == c.commit || r.landed.as_deref() == Some(c.commit.as_str()));
        if c.kind == RevisionKind::Release && tags.all(|r| r.not_counted.is_some()) {
            c.kind = RevisionKind::Tag;
        }
    }
}

/// In a clone made without the release tags, say that the releases and approvals are missing.
fn warn_without_tags(ctx: &Context, all: &Histories) -> anyhow::Result<()> {
    match history::untagged_release(all) {
        Some(subject) => ctx.warn(&format!(
            "{}; {}",
            super::without_release_tags_text(
                subject,
                "the releases and their approvals are missing below"
            ),
            super::FETCH_TAGS
        )),
        None => Ok(()),
    }
}

/// The history of `id` (else of the SOP at `path`), or an empty one.
pub(super) fn take(all: &mut Histories, id: Option<&str>, path: &str) -> SopHistory {
    let key = id
        .filter(|k| all.contains_key(*k))
        .map(str::to_string)
        .or_else(|| {
            all.iter()
                .find(|(_, h)| h.path == path)
                .map(|(k, _)| k.clone())
        });
    match key.and_then(|k| all.remove(&k)) {
        Some(h) => SopHistory {
            id: id.map(str::to_string).or(h.id),
            path: path.to_string(),
            ..h
        },
        None => SopHistory {
            id: id.map(str::to_string),
            path: path.to_string(),
            commits: Vec::new(),
            releases: Vec::new(),
            translation: None,
            translations: Vec::new(),
            deleted: None,
        },
    }
}

/// One row of the table.
struct Row {
    date: String,
    what: &'static str,
    version: String,
    commit: String,
    who: String,
    summary: String,
    /// "Lena Fischer <lena@example.com> on 2026-11-30 (approved for use)", one per approver.
    approvals: Vec<String>,
}

/// The approvals of `r`, one line each.
fn approval_lines(r: &history::Release) -> Vec<String> {
    r.approvals
        .iter()
        .map(|a| {
            let mut line = a.person();
            if !a.date.is_empty() {
                line.push_str(&format!(" on {}", a.date));
            }
            if !a.meaning.is_empty() {
                line.push_str(&format!(" ({})", a.meaning));
            }
            line
        })
        .collect()
}

/// Releases, reviews and commits of `h`, newest first in the order of the commit graph (a
/// commit never below its parent, whatever the dates say); a release commit (or the commit
/// where a squash-merged or rebased release landed) shows as its release. A release tagged on
/// a commit of this branch that did not change the file (a pull request's merge, a release that
/// changed nothing) has a row of its own at that commit.
/// A release is by the author of its commit (who made the change released), else by who
/// tagged it; a review shows the version it confirmed, read from the file at its commit.
fn rows(h: &SopHistory, texts: &mut TextReader) -> Vec<Row> {
    let short = |c: &str| c.chars().take(7).collect::<String>();
    // A tag that does not count as a release says so, and why.
    let release_row = |r: &history::Release, commit: &str, who: &str| Row {
        date: r.date.clone(),
        what: if r.not_counted.is_some() {
            "tag"
        } else {
            "release"
        },
        version: r.version.clone(),
        commit: short(commit),
        who: who.to_string(),
        summary: match &r.not_counted {
            Some(why) => format!("{} (not counted: {why})", r.summary),
            None => r.summary.clone(),
        },
        approvals: approval_lines(r),
    };
    let mut used = vec![false; h.releases.len()];
    // Each row with its place in the commit graph.
    let mut placed: Vec<(u32, Row)> = Vec::new();
    for c in &h.commits {
        let place = c.place.unwrap_or(u32::MAX);
        let mut shown = false;
        if matches!(c.kind, RevisionKind::Release | RevisionKind::Tag) {
            for (i, r) in h.releases.iter().enumerate() {
                let here = r.commit == c.commit || r.landed.as_deref() == Some(c.commit.as_str());
                if here && !used.get(i).copied().unwrap_or(true) {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    shown = true;
                    // The commit of this branch: a release that landed by a squash or a
                    // rebase shows the commit that brought its text.
                    let who = if c.author.is_empty() {
                        &r.tagger
                    } else {
                        &c.author
                    };
                    placed.push((place, release_row(r, &c.commit, who)));
                }
            }
        }
        if !shown {
            let summary = match c.pull_request {
                Some(n) if !c.summary.contains(&format!("#{n}")) => {
                    format!("{} (#{n})", c.summary)
                }
                _ => c.summary.clone(),
            };
            placed.push((
                place,
                Row {
                    date: c.date.clone(),
                    what: match c.kind {
                        RevisionKind::Review => "review",
                        _ => "commit",
                    },
                    version: match c.kind {
                        RevisionKind::Review => reviewed_version(texts, c).unwrap_or_default(),
                        _ => String::new(),
                    },
                    commit: short(&c.commit),
                    who: c.author.clone(),
                    summary,
                    approvals: Vec::new(),
                },
            ));
        }
    }
    // A release on a commit of this branch that is none of the file's changes: at its commit.
    let mut elsewhere: Vec<Row> = Vec::new();
    for (r, u) in h.releases.iter().zip(&mut used) {
        if *u {
            continue;
        }
        *u = true;
        match r.place {
            Some(place) => placed.push((place, release_row(r, &r.commit, &r.tagger))),
            // On no commit of this branch (made on a branch not merged here, or whose text
            // never landed): said so.
            None => {
                let row = release_row(r, &r.commit, &r.tagger);
                elsewhere.push(Row {
                    summary: format!("{} (on a commit this branch does not have)", row.summary),
                    ..row
                });
            }
        }
    }
    placed.sort_by_key(|(place, _)| *place);
    let mut rows: Vec<Row> = placed.into_iter().map(|(_, r)| r).collect();
    // A release this branch does not have goes by its date: first among the rows of its day,
    // as the newest change (the newest version first among them).
    for row in elsewhere.into_iter().rev() {
        let at = rows
            .iter()
            .position(|r| r.date <= row.date)
            .unwrap_or(rows.len());
        rows.insert(at, row);
    }
    rows
}

/// The version in the SOP's front matter at the review commit `c`.
fn reviewed_version(texts: &mut TextReader, c: &history::Revision) -> Option<String> {
    let text = match c.blob {
        Some(blob) => texts.blob(blob),
        None => texts.at_commit(&c.commit, &c.path),
    }?;
    // `version` has no other name in any repository.
    history::front_matter_text(&text, "version", &Default::default())
}

fn write_table(
    out: &mut impl Write,
    h: &SopHistory,
    title: Option<&str>,
    texts: &mut TextReader,
) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let name = h.id.as_deref().unwrap_or(&h.path);
    match title {
        Some(t) => writeln!(out, "{bold}{}{bold:#}  {}", e(name), e(t))?,
        None => writeln!(out, "{bold}{}{bold:#}", e(name))?,
    }
    writeln!(out, "{dim}{}{dim:#}", e(&h.path))?;
    if let Some(t) = &h.translation {
        let lang = t
            .language
            .as_deref()
            .map_or_else(String::new, |l| format!("{} ", language_name(l)));
        match t.translation_of.as_deref() {
            Some(of) => {
                let source = of.split_once('@').map_or(of, |(i, _)| i).trim();
                writeln!(
                    out,
                    "the {}translation of {} (its `translation_of`); a translation has no releases of its own: `sop history {}` shows the releases of the SOP it translates",
                    e(&lang),
                    e(of),
                    e(source)
                )?;
            }
            None => writeln!(
                out,
                "a {}translation; its `translation_of` names no SOP, and a translation has no releases of its own",
                e(&lang)
            )?,
        }
    }
    if !h.translations.is_empty() {
        let list: Vec<String> = h
            .translations
            .iter()
            .map(|t| format!("{} ({})", t.path, t.language))
            .collect();
        writeln!(
            out,
            "translations: {}; `sop history <file>` shows the history of one",
            e(&list.join(", "))
        )?;
    }
    if let Some(d) = &h.deleted {
        writeln!(
            out,
            "its file `{}` {}; its last {} is still in git: `{}` prints it",
            e(&d.path),
            removal_text(d),
            if h.releases.is_empty() {
                "version"
            } else {
                "release"
            },
            e(&d.restore)
        )?;
    }
    // Names and subjects come from commits anyone can write: no control character reaches the
    // terminal.
    let rows: Vec<Row> = rows(h, texts)
        .into_iter()
        .map(|r| Row {
            version: e(&r.version).into_owned(),
            who: e(&r.who).into_owned(),
            summary: e(&r.summary).into_owned(),
            approvals: r.approvals.iter().map(|a| e(a).into_owned()).collect(),
            ..r
        })
        .collect();
    if rows.is_empty() {
        match h.id.as_ref().filter(|_| h.translation.is_none()) {
            Some(id) => writeln!(
                out,
                "no commits yet: `sop release {} --minor -m \"...\"` records the first version",
                e(id)
            )?,
            None => writeln!(
                out,
                "no commits yet: commit the file with git to start its history"
            )?,
        }
        return Ok(());
    }
    // The releases and reviews are commits too: "3 commits (1 release, 1 review)".
    let releases = rows.iter().filter(|r| r.what == "release").count();
    let reviews = rows.iter().filter(|r| r.what == "review").count();
    let among: Vec<String> = [(releases, "release"), (reviews, "review")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| count(n, what))
        .collect();
    // With the commits of this branch that a release tags without changing the file.
    let tagged: std::collections::HashSet<&str> = h
        .releases
        .iter()
        .filter(|r| r.place.is_some() && r.landed.is_none())
        .map(|r| r.commit.as_str())
        .filter(|c| !h.commits.iter().any(|x| x.commit == *c))
        .collect();
    let commits = count(h.commits.len() + tagged.len(), "commit");
    if among.is_empty() {
        writeln!(out, "{commits}")?;
    } else {
        writeln!(out, "{commits} ({})", among.join(", "))?;
    }
    writeln!(out)?;
    let width = |f: fn(&Row) -> &str, head: &str| {
        rows.iter()
            .map(|r| crate::terminal::width(f(r)))
            .chain([head.len()])
            .max()
            .unwrap_or(0)
    };
    let wv = width(|r| &r.version, "VERSION");
    let ww = width(|r| &r.who, "BY").min(24);
    writeln!(
        out,
        "{bold}{:<10}  {:<7}  {:<wv$}  {:<7}  {:<ww$}  SUMMARY{bold:#}",
        "DATE", "WHAT", "VERSION", "COMMIT", "BY"
    )?;
    for r in &rows {
        let style = match r.what {
            "release" => Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
            "review" => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            _ => Style::new(),
        };
        let who = crate::terminal::pad(&crate::terminal::truncate(&r.who, ww), ww);
        let line = format!(
            "{:<10}  {style}{:<7}{style:#}  {:<wv$}  {dim}{:<7}{dim:#}  {who}  {}",
            r.date, r.what, r.version, r.commit, r.summary
        );
        writeln!(out, "{}", line.trim_end())?;
        // Under the release, aligned with its summary: who approved it, when, and the meaning.
        let indent = 10 + 2 + 7 + 2 + wv + 2 + 7 + 2 + ww + 2;
        for a in &r.approvals {
            writeln!(out, "{:indent$}{dim}approved by{dim:#} {a}", "")?;
        }
    }
    Ok(())
}
