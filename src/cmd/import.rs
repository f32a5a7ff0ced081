//! `sop import FILE...`: each document (`.docx` through pandoc, `.html`/`.htm`, `.md`) becomes
//! a new SOP with the next free id, as `sop new` names it; its images go to a folder beside it.
//! Prints each new file's path on stdout and, on stderr, what the writer still has to do.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::Context;
use crate::adopt::humanise;
use crate::adopt::import::{self, Converted, Image, Metadata};
use crate::atomic::{self, Created};
use crate::cli::ImportArgs;
use crate::repo::config::SectionLevel;
use crate::repo::edit::{self, NewValue};
use crate::repo::keys::KeyNames;
use crate::repo::sop::id_number;
use crate::repo::{Repo, SopType, dates, encoding, front_matter};
use crate::scaffold::{self, NewSop};
use crate::{Exit, Stop};

/// How many ids to try when a file appears between choosing an id and writing it.
const ATTEMPTS: u64 = 50;

/// Run `sop import`.
///
/// # Errors
/// Usage errors (unknown type or format, pandoc missing), unreadable documents, write failures.
pub(super) fn run(ctx: &Context, args: &ImportArgs) -> anyhow::Result<Exit> {
    let repo = ctx.repo()?;
    let Some(ty) = repo.settings.types.get(&args.sop_type) else {
        return Err(Stop::usage(
            format!("unknown SOP type `{}`", args.sop_type),
            Some(format!(
                "the known types are {}; a new type is added under `[types.<name>]` in sop.toml",
                repo.settings.type_names().join(", ")
            )),
        )
        .into());
    };
    // Read and convert everything first: a document that cannot be read stops the run before
    // anything is written.
    let mut documents = Vec::new();
    for file in &args.files {
        let path = ctx.cwd.join(file);
        documents.push((file, convert(&path, file, &repo.settings.keys)?));
    }
    for (file, doc) in documents {
        let written = write_sop(ctx, &repo, ty, args, file, doc)?;
        writeln!(std::io::stdout().lock(), "{}", ctx.display_path(&written))?;
    }
    Ok(Exit::Success)
}

/// A document read as Markdown, with the media pandoc extracted.
struct Document {
    converted: Converted,
    /// Front matter the document had (a `.md` file), as metadata.
    front: Metadata,
    /// pandoc's media folder and the files in it.
    media: Option<(tempfile::TempDir, Vec<PathBuf>)>,
}

fn convert(path: &Path, shown: &Path, names: &KeyNames) -> anyhow::Result<Document> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let read = || {
        std::fs::read(path).map_err(|e| {
            Stop::usage(
                format!("cannot read `{}`: {e}", shown.display()),
                Some("check the file's name and permissions".to_string()),
            )
        })
    };
    match ext.as_str() {
        "html" | "htm" => {
            let bytes = read()?;
            let html = String::from_utf8_lossy(&bytes);
            let converted = import::html_to_markdown(&html)
                .with_context(|| format!("cannot read the HTML of `{}`", shown.display()))?;
            Ok(Document {
                converted,
                front: Metadata::default(),
                media: None,
            })
        }
        "md" | "markdown" => {
            let bytes = read()?;
            let text = crate::repo::decode(bytes).map_err(|p| {
                Stop::refused(
                    format!("cannot import `{}`: {p}", shown.display()),
                    Some(p.help().to_string()),
                )
            })?;
            let (markdown, front) = markdown_front(&text, names);
            Ok(Document {
                converted: Converted {
                    markdown,
                    page_title: None,
                },
                front,
                media: None,
            })
        }
        "docx" => docx(path, shown),
        _ => Err(Stop::usage(
            format!(
                "`{}` is not a document sop can import",
                shown.display()
            ),
            Some("sop imports Word (.docx), saved web pages (.html, .htm) and Markdown (.md); save the document in one of those formats".to_string()),
        )
        .into()),
    }
}

/// A Markdown file's own front matter (its known keys, under their names or the repository's
/// aliases) and its body (without the byte-order mark, which [`front_matter::split`] skips).
fn markdown_front(text: &str, names: &KeyNames) -> (String, Metadata) {
    let split = front_matter::split(text);
    let body = text.get(split.body.start..).unwrap_or_default().to_string();
    let Some(yaml) = split.yaml else {
        return (body, Metadata::default());
    };
    let fm = front_matter::parse(text, yaml);
    let mut meta = Metadata::default();
    for key in [
        "id",
        "title",
        "owner",
        "department",
        "effective",
        "version",
        "last_reviewed",
        "next_review",
    ] {
        if let Some(front_matter::Value::Text(v)) = names.field(&fm, key).map(|f| &f.value) {
            meta.keys.push((key, v.clone()));
        }
    }
    (body, meta)
}

fn docx(path: &Path, shown: &Path) -> anyhow::Result<Document> {
    let media = tempfile::tempdir().context("cannot create a temporary folder for the images")?;
    let output = std::process::Command::new("pandoc")
        .args(["-f", "docx", "-t", "gfm", "--wrap=none"])
        .arg(format!("--extract-media={}", media.path().display()))
        .arg(path)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Stop::usage(
                format!(
                    "importing the Word document `{}` needs pandoc, which is not installed",
                    shown.display()
                ),
                Some("install it (`apt-get install pandoc` on Debian or Ubuntu, `brew install pandoc` on macOS, or from https://pandoc.org/installing.html), then run `sop import` again".to_string()),
            )
            .into());
        }
        Err(e) => return Err(anyhow::Error::new(e).context("cannot run pandoc")),
    };
    if !output.status.success() {
        return Err(Stop::refused(
            format!(
                "pandoc cannot read `{}`: {}",
                shown.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            Some("open the document in Word or LibreOffice and save it again as .docx".to_string()),
        )
        .into());
    }
    let markdown = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut files = Vec::new();
    let folder = media.path().join("media");
    if let Ok(entries) = std::fs::read_dir(&folder) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                files.push(e.path());
            }
        }
    }
    files.sort();
    Ok(Document {
        converted: Converted {
            markdown,
            page_title: None,
        },
        front: Metadata::default(),
        media: Some((media, files)),
    })
}

fn write_sop(
    ctx: &Context,
    repo: &Repo,
    ty: &SopType,
    args: &ImportArgs,
    file: &Path,
    doc: Document,
) -> anyhow::Result<PathBuf> {
    // The document is shaped as `sop` writes text (LF, no byte-order mark), so that template
    // and document join without mixing line endings; it is written back in the line endings
    // most of its lines had.
    let ending = encoding::dominant(&doc.converted.markdown);
    let (md, table) = import::take_metadata(&encoding::normalize(&doc.converted.markdown));
    let mut meta = doc.front;
    for (k, v) in table.keys {
        if meta.get(k).is_none() {
            meta.keys.push((k, v));
        }
    }
    let shown = file.display().to_string();
    let mut todo: Vec<String> = Vec::new();
    let h1 = import::first_h1(&md);
    let page_title = doc.converted.page_title.clone();
    // Confluence heads the page with `Space : Title`; its `<title>` says the same.
    let h1_title = match (&h1, &page_title) {
        (Some(h), Some(p)) if h.ends_with(&format!(" : {p}")) => Some(p.clone()),
        _ => h1.clone(),
    };
    let title = meta
        .get("title")
        .map(str::to_string)
        .or(h1_title.clone())
        .or(page_title)
        .unwrap_or_else(|| {
            todo.push("check the title: it was made from the file name".into());
            humanise(
                file.file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("untitled"),
            )
        });
    // The first `# ` heading is the title the front matter now holds.
    let title_heading = h1.filter(|_| h1_title.as_deref() == Some(title.as_str()));
    let department = meta
        .get("department")
        .map(str::to_string)
        .or_else(|| repo.settings.config.defaults.department.clone());
    let category = match (&args.dir, &department) {
        (Some(d), _) => scaffold::category_path(d).ok_or_else(|| {
            Stop::usage(
                format!("`{d}` cannot be used as a folder name"),
                Some("give `--dir` a name such as `payments`".to_string()),
            )
        })?,
        (None, Some(d)) => scaffold::category_path(d).unwrap_or_else(|| "general".into()),
        (None, None) => "general".into(),
    };
    let owner = meta.get("owner").map(str::to_string);
    if owner.is_none() {
        todo.push("set `owner:` (the document names nobody)".into());
    }
    if department.is_none() {
        todo.push("set `department:` (the document names none)".into());
    }
    let mut values = NewSop {
        id: String::new(),
        title: title.clone(),
        sop_type: ty.name.clone(),
        owner: owner
            .unwrap_or_else(|| "<Who is accountable for this SOP? A name or e-mail.>".into()),
        department: department.unwrap_or_else(|| "<Which department owns this SOP?>".into()),
        today: dates::today().to_string(),
        review_every: ty
            .review_every
            .unwrap_or(repo.settings.review_every)
            .to_string(),
        sections: ty.sections.clone(),
    };
    let extras = extra_keys(&meta, &mut todo);

    let used = scaffold::used_ids(repo);
    let form = &repo.settings.ids;
    let own_id = meta
        .get("id")
        .map(str::trim)
        .filter(|id| id_number(id, form).is_some() && !used.iter().any(|u| u == id));
    if let Some(id) = meta.get("id")
        && own_id.is_none()
    {
        let why = match crate::repo::ids::unsafe_part(id) {
            Some(part) => format!("it has {part}, and an id names files"),
            None if id_number(id.trim(), form).is_none() => format!(
                "it is not of the form {}, as in `{}`",
                form.shape(),
                form.example()
            ),
            None => "another SOP has it".to_string(),
        };
        todo.push(format!(
            "the document's own id `{}` was not kept ({why}); it got the next free id",
            id.escape_debug()
        ));
    }
    let _lock = super::new::IdLock::acquire(repo)?;
    let (highest, like) = scaffold::highest_of(repo, used.iter().map(String::as_str));
    let candidates: Vec<String> = match own_id {
        Some(id) => vec![id.to_string()],
        None => (1..=ATTEMPTS)
            .filter_map(|n| scaffold::format_id(repo, highest.saturating_add(n), like.as_deref()))
            .collect(),
    };
    for id in candidates {
        values.id = id;
        let path = scaffold::new_path(repo, &category, &values.id, &title);
        super::new::refuse_target(repo, &path, "--dir")?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("sop")
            .to_string();
        let folder_name = format!("{stem}-media");
        let folder = path.with_file_name(&folder_name);
        if path.symlink_metadata().is_ok() || folder.symlink_metadata().is_ok() {
            continue;
        }
        let template = scaffold::render(repo, ty, &values)?;
        let head_end = front_matter::split(&template).body.start;
        let head = edit::set_keys_named(
            template.get(..head_end).unwrap_or_default(),
            &extras,
            &repo.settings.keys,
        )
        .map_err(|e| anyhow::anyhow!("the template of `{}` {e}", ty.name))?;
        // The body is shaped with the sections at level 2, then moved to the type's level.
        let template = scaffold::at_level(&template, ty, SectionLevel::Level(2));
        let (body, added) = import::shape_body(&md, title_heading.as_deref(), ty, &template);
        let mut body = scaffold::at_level(&body, ty, scaffold::section_level(repo, ty));
        let (with_images, mut images) = import::extract_data_images(&body, &folder_name);
        body = with_images;
        if let Some((dir, files)) = &doc.media {
            let from = format!("{}/media/", dir.path().display());
            body = body.replace(&from, &format!("{folder_name}/"));
            for f in files {
                let bytes = std::fs::read(f).context("cannot read an image pandoc extracted")?;
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                images.push(Image { name, bytes });
            }
        }
        let text = encoding::with_ending(&format!("{head}\n{body}"), ending);
        for image in &images {
            let target = folder.join(&image.name);
            super::new::refuse_outside(repo, &target)?;
            atomic::create_new(&target, &image.bytes)
                .with_context(|| format!("cannot write `{}`", target.display()))?;
        }
        if atomic::create_new(&path, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?
            == Created::Exists
        {
            continue;
        }
        if !added.is_empty() {
            todo.push(format!(
                "write the {} {} (prompts added)",
                crate::words::plural(added.len(), "section", "sections"),
                crate::words::list(
                    &added.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>(),
                    "and"
                )
            ));
        }
        ctx.note(&format!(
            "{shown} → {} ({})",
            ctx.display_path(&path),
            crate::words::count(images.len(), "image")
        ))?;
        for t in &todo {
            ctx.note(&format!("  to do: {t}"))?;
        }
        return Ok(path);
    }
    Err(Stop::refused(
        format!("could not find a free id for `{shown}`"),
        Some("another `sop new` or `sop import` may be running; try again".to_string()),
    )
    .into())
}

/// Keys the template does not write, from the document's metadata.
fn extra_keys(meta: &Metadata, todo: &mut Vec<String>) -> Vec<(&'static str, NewValue)> {
    let mut out = Vec::new();
    if let Some(v) = meta.get("version") {
        match import::semver(v) {
            Some(s) => out.push(("version", NewValue::Text(s))),
            None => todo.push(format!(
                "the document's version `{v}` is not a version number: `version: 0.1.0` was written"
            )),
        }
    }
    for key in ["effective", "last_reviewed", "next_review"] {
        if let Some(v) = meta.get(key) {
            match import::iso_date(v) {
                Some(d) => out.push((key, NewValue::Text(d))),
                None => todo.push(format!(
                    "set `{key}:` as YYYY-MM-DD: the document says `{v}`"
                )),
            }
        }
    }
    if let Some(v) = meta.get("approvers") {
        let names: Vec<String> = v
            .split([',', ';'])
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if !names.is_empty() {
            out.push(("approvers", NewValue::List(names)));
        }
    }
    if let Some(s) = meta.get("status") {
        todo.push(format!(
            "the document says its status is `{s}`; it is imported as `draft`: release it with `sop release` once reviewed"
        ));
    }
    out
}
