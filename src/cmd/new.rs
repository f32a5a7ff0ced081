//! `sop new <TITLE>`: allocate the next id, render the type's template, write the file, print
//! its path (and only that) on stdout.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::Context;
use crate::atomic::{self, Created};
use crate::cli::NewArgs;
use crate::repo::files::LeftOut;
use crate::repo::{Corpus, Repo, dates};
use crate::scaffold::{self, NewSop};
use crate::{Exit, Stop, git};

/// How many times to try another id when a file appears between choosing it and writing it.
const ATTEMPTS: u32 = 50;

/// Run `sop new`.
///
/// # Errors
/// Usage errors (unknown type, empty title), template errors, and write failures.
pub(super) fn run(ctx: &Context, args: &NewArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let title = args.title.trim();
    if title.is_empty() {
        return Err(Stop::usage(
            "the title is empty",
            Some(
                "give the SOP a title, for example `sop new \"Virtual gift refund requests\"`"
                    .to_string(),
            ),
        )
        .into());
    }
    if title.contains(['\n', '\r']) {
        return Err(Stop::usage(
            "the title must be one line of text",
            Some("for example `sop new \"Virtual gift refund requests\"`".to_string()),
        )
        .into());
    }
    // `--type Procedure` means `procedure`: a type is found whatever its case.
    let sop_type = repo.settings.types.get(&args.sop_type).or_else(|| {
        repo.settings
            .types
            .values()
            .find(|t| t.name.eq_ignore_ascii_case(&args.sop_type))
    });
    let Some(sop_type) = sop_type else {
        let names: Vec<&str> = repo.settings.types.keys().map(String::as_str).collect();
        let guess = crate::repo::config::closest(&args.sop_type, &names)
            .map(|t| format!("did you mean `{t}`? "))
            .unwrap_or_default();
        let known = repo
            .settings
            .types
            .values()
            .map(|t| {
                if t.description.is_empty() {
                    format!("`{}`", t.name)
                } else {
                    format!("`{}` ({})", t.name, t.description)
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Stop::usage(
            format!("unknown SOP type `{}`", args.sop_type),
            Some(format!(
                "{guess}the known types are {known}; a new type is added under `[types.<name>]` in sop.toml"
            )),
        )
        .into());
    };

    let owner = args
        .owner
        .clone()
        .or_else(|| repo.settings.config.defaults.owner.clone())
        .or_else(|| git::user_identity(&repo.root));
    if owner.is_none() {
        ctx.warn(
            "no owner given and git does not know your name: the new SOP asks for one in its \
             front matter; pass `--owner NAME`, set `owner` under `[defaults]` in sop.toml, or \
             tell git who you are (`git config user.name \"Your Name\"`)",
        )?;
    }
    let owner =
        owner.unwrap_or_else(|| "<Who is accountable for this SOP? A name or e-mail.>".into());
    let department = args
        .department
        .clone()
        .or_else(|| repo.settings.config.defaults.department.clone());
    let category = match (&args.category, &department) {
        (Some(c), _) => scaffold::category_path(c).ok_or_else(|| {
            Stop::usage(
                format!("`{c}` cannot be used as a folder name"),
                Some(
                    "give `--category` a name such as `payments` or `creator-support`".to_string(),
                ),
            )
        })?,
        (None, Some(d)) => scaffold::category_path(d).unwrap_or_else(|| "general".into()),
        (None, None) => "general".into(),
    };
    if department.is_none() {
        // With `--category` the folder is the category's: only the department is missing.
        let folder = if args.category.is_some() {
            String::new()
        } else {
            format!(" goes in the `{category}` folder and")
        };
        ctx.warn(&format!(
            "no department given, so the new SOP{folder} asks for one in its front matter: write \
             it after `department:` in the file, and pass `--department NAME` next time (or set \
             `department` under `[defaults]` in sop.toml)",
        ))?;
    }
    let department = department.unwrap_or_else(|| "<Which department owns this SOP?>".into());
    let review_every = sop_type
        .review_every
        .unwrap_or(repo.settings.review_every)
        .to_string();
    let mut values = NewSop {
        id: String::new(),
        title: title.to_string(),
        sop_type: sop_type.name.clone(),
        owner,
        department,
        today: dates::today().to_string(),
        review_every,
        sections: sop_type.sections.clone(),
    };

    let _lock = IdLock::acquire(&repo)?;
    // Read once: the ids taken, and the titles a new SOP should not repeat.
    let every = scaffold::every_markdown_file(&repo);
    // An id with release tags stays taken when its file is deleted: a new SOP under it would
    // inherit its releases, approvals and history (review s11). Only the tags' names are read.
    let released = match crate::git::Repo::open(&repo.root) {
        Ok(Some(git)) => git.released_ids(&repo.settings).unwrap_or_default(),
        _ => Default::default(),
    };
    let (highest, like) =
        scaffold::highest_id_in(&repo, &every, released.keys().map(String::as_str));
    let Some(first) = highest.checked_add(1) else {
        return Err(Stop::refused(
            format!(
                "an SOP in `{}/` has the id number {highest}, too large to count on from",
                repo.settings.sops_dir()
            ),
            Some(
                "find the file or `id:` with that number (`sop list` shows ids) and correct it"
                    .to_string(),
            ),
        )
        .into());
    };
    for next in first..first.saturating_add(u64::from(ATTEMPTS)) {
        values.id = scaffold::format_id(&repo, next, like.as_deref())
            .ok_or_else(|| no_id(&repo, next, like.as_deref()))?;
        let path = scaffold::new_path(&repo, &category, &values.id, title);
        refuse_target(&repo, &path, "--category")?;
        let text = scaffold::render(&repo, sop_type, &values)?;
        let created = atomic::create_new(&path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        if created == Created::Written {
            writeln!(std::io::stdout().lock(), "{}", ctx.display_path(&path))?;
            same_title(ctx, &repo, &every, title, &path)?;
            if args.edit {
                open_editor(ctx, &path)?;
            }
            return Ok(Exit::Success);
        }
    }
    Err(Stop::refused(
        format!("could not find a free id after {ATTEMPTS} tries"),
        Some("another `sop new` may be running; try again".to_string()),
    )
    .into())
}

/// Warn when another SOP of `corpus` (read before the new one was written) already has
/// `title`: the new one, at `path`, may be a duplicate.
fn same_title(
    ctx: &Context,
    repo: &Repo,
    corpus: &Corpus,
    title: &str,
    path: &Path,
) -> anyhow::Result<()> {
    let rel = repo.relative(path);
    let Some(other) = corpus.sops.iter().find(|s| {
        s.path != rel && s.id().is_some() && s.title().trim().eq_ignore_ascii_case(title)
    }) else {
        return Ok(());
    };
    let who = other.id().map_or_else(
        || format!("`{}`", other.path),
        |id| format!("{id} (`{}`)", other.path),
    );
    let supersedes = repo.settings.keys.written("supersedes");
    let old_id = other.id().unwrap_or("<its id>");
    ctx.warn(&format!(
        "{who} already has the title \"{}\": if the new SOP replaces it, say so with \
         `{supersedes}: [{old_id}]` in the new one's front matter and retire the old one; if \
         not, give the new one a title that tells them apart",
        other.title().trim()
    ))
}

/// Why `id_pattern` gives no id numbered `n`, and what to do.
fn no_id(repo: &Repo, n: u64, like: Option<&str>) -> anyhow::Error {
    let pattern = repo.settings.ids.source();
    match like {
        Some(like) => Stop::refused(
            format!("`id_pattern = \"{pattern}\"` in `sop.toml` has no id numbered {n} after `{like}`"),
            Some("widen the number in `id_pattern` (for example `\\d{4,}` instead of `\\d{4}`), or give the SOP its id by hand".to_string()),
        ),
        None => Stop::refused(
            format!("there is no SOP yet to take the id form from, and `sop` cannot make a first id from `id_pattern = \"{pattern}\"`"),
            Some("set `id_prefix` and `id_digits` under `[sops]` in `sop.toml` so that `<id_prefix>-0001` matches `id_pattern`, or write the first SOP's `id:` by hand".to_string()),
        ),
    }
    .into()
}

/// Open `path`, the SOP just created, in `$VISUAL` or `$EDITOR`.
///
/// # Errors
/// [`Stop::environment`] (exit 2) when the editor cannot be started; the message says the SOP
/// was created, so nobody runs `sop new` again for it.
fn open_editor(ctx: &Context, path: &std::path::Path) -> anyhow::Result<()> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|e| !e.trim().is_empty())
        });
    let Some(editor) = editor else {
        ctx.warn("neither `VISUAL` nor `EDITOR` is set: open the file above in your editor")?;
        return Ok(());
    };
    // The variable may hold arguments (`code --wait`): split on whitespace like git does.
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or_default();
    let status = match std::process::Command::new(program)
        .args(parts)
        .arg(path)
        .status()
    {
        Ok(status) => status,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("`{program}` is not installed, or not on the PATH")
                }
                std::io::ErrorKind::PermissionDenied => {
                    format!("`{program}` is not a program you may run")
                }
                _ => e.to_string(),
            };
            return Err(Stop::environment(
                format!(
                    "created `{}`, but could not start the editor `{editor}`: {why}",
                    ctx.display_path(path)
                ),
                Some(
                    "open the file yourself, or set `VISUAL` or `EDITOR` to an editor that is installed (for example `export EDITOR=nano`) for next time"
                        .to_string(),
                ),
            )
            .into());
        }
    };
    if !status.success() {
        ctx.warn(&format!("the editor `{editor}` exited with {status}"))?;
    }
    Ok(())
}

/// An exclusive lock held while an id is chosen and its file written, so that concurrent
/// `sop new` runs never pick the same id. The operating system releases it if `sop` dies.
pub(super) struct IdLock {
    _file: File,
}

impl IdLock {
    pub(super) fn acquire(repo: &Repo) -> anyhow::Result<IdLock> {
        let path = lock_path(repo);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file `{}`", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock `{}`", path.display()))?;
        Ok(IdLock { _file: file })
    }
}

/// Inside `.git` when there is one (never committed, never seen), else in the temp folder.
fn lock_path(repo: &Repo) -> PathBuf {
    if let Some(git_dir) = git::git_dir(&repo.root) {
        return git_dir.join("sop-new.lock");
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    repo.root.hash(&mut h);
    std::env::temp_dir().join(format!("sop-new-{:016x}.lock", h.finish()))
}

/// Refuse to create the SOP `path` (made from an id and a folder name) unless it stays inside
/// the repository and the repository's file rules make it an SOP. `flag` is the option that
/// chooses the folder (`--category`, `--dir`), for the messages.
///
/// # Errors
/// A refusal (exit 1) saying why and what to do.
pub(super) fn refuse_target(repo: &Repo, path: &Path, flag: &str) -> anyhow::Result<()> {
    refuse_outside(repo, path)?;
    let rel = repo.relative(path);
    let why = match repo.settings.files.left_out(&rel) {
        None => return Ok(()),
        Some(LeftOut::Excluded { pattern, .. }) => (
            format!(
                "cannot create `{rel}`: the pattern `{pattern}` of `[sops] exclude` in `sop.toml` leaves it out, so `sop lint` would never check it and its id could be given again"
            ),
            format!(
                "choose another folder with `{flag}`, or take `{pattern}` out of `[sops] exclude` (or add the folder to `[sops] include`)"
            ),
        ),
        Some(LeftOut::Extension) => (
            format!(
                "cannot create `{rel}`: its extension is not one of `[sops] extensions` in `sop.toml`"
            ),
            "add `md` to `[sops] extensions`".to_string(),
        ),
        Some(LeftOut::OutsideFolder) => (
            format!(
                "cannot create `{rel}`: it is outside the SOP folder `{}/`",
                repo.settings.sops_dir()
            ),
            format!("choose another folder with `{flag}`"),
        ),
    };
    Err(Stop::refused(why.0, Some(why.1)).into())
}

/// Refuse to create `path` when it is not inside the repository: it climbs out with `..` (an id
/// or folder name made of it), or a folder on its way is a symbolic link that leads outside
/// the repository or into `.git`. `sop` writes only what belongs to the repository.
///
/// # Errors
/// A refusal (exit 1) naming the path and the cause.
pub(super) fn refuse_outside(repo: &Repo, path: &Path) -> anyhow::Result<()> {
    if let Some(why) = scaffold::outside_root(&repo.root, path) {
        return Err(Stop::refused(
            format!("cannot create the file: {why}; sop writes only inside the repository"),
            Some(
                "the name is made from the id of the SOP with the highest number and the folder: run `sop lint` to find an id that is not valid, and correct it"
                    .to_string(),
            ),
        )
        .into());
    }
    let root = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    let rel = path.strip_prefix(&repo.root).unwrap_or(path);
    // Each folder on the way that exists, from the top: the first that leaves is the link.
    let mut folder = repo.root.clone();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        folder.push(part);
        if folder.symlink_metadata().is_err() {
            break;
        }
        let Some(crate::repo::FileProblem::OutsideRepository { target, into_git }) =
            crate::repo::escape(&root, &folder)
        else {
            continue;
        };
        let link = folder.symlink_metadata().is_ok_and(|m| m.is_symlink());
        let leads = if into_git {
            "into `.git`"
        } else {
            "outside the repository"
        };
        let message = if link {
            format!(
                "cannot create the SOP in `{}`: the folder is a symbolic link to `{target}`, which leads {leads}, and sop writes only inside the repository",
                repo.relative(&folder)
            )
        } else {
            format!(
                "cannot create the SOP in `{}`: the folder leads {leads} (to `{target}`), and sop writes only inside the repository",
                repo.relative(&folder)
            )
        };
        return Err(Stop::refused(
            message,
            Some("remove the link, or choose another folder".to_string()),
        )
        .into());
    }
    Ok(())
}
