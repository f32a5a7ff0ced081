//! Release tags: every tag whose name has the configured format, read once into a map by
//! SOP id.
//!
//! With thousands of loose tags, libgit2's ref iteration stats each file several times, so the
//! refs are listed from `packed-refs` and the loose files directly (libgit2 still does it for
//! a reftable or anything unusual), and the tag objects are parsed from the pack reader, both
//! over the cores.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use git2::Oid;
use rayon::prelude::*;

use super::history::Release;
use super::object::parse_tag;
use super::reader::{KIND_COMMIT, KIND_TAG, Reader};
use super::{GitError, Repo, format_date};
use crate::repo::Settings;

impl Repo {
    /// The releases of one SOP, newest version first, from its tags alone (no walk).
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn releases_of(&self, settings: &Settings, id: &str) -> Result<Vec<Release>, GitError> {
        let git = self;
        let format = &settings.config.release.tag_format;
        let escaped: String = id
            .chars()
            .map(|c| match c {
                '*' | '?' | '[' | ']' | '\\' => '?',
                c => c,
            })
            .collect();
        let glob = format.replace("{id}", &escaped).replace("{version}", "*");
        let refs = git.tag_refs(&glob)?;
        let mut all = read_tags(git.objects(), settings, &refs)?;
        Ok(all.remove(id).unwrap_or_default())
    }
}

impl Repo {
    /// The release the tag `name` makes (its commit, through an annotated tag or a tag of one,
    /// and the approvals its message records), if the tag exists; read with `sop`'s own object
    /// reader, as the tags are. Its version and tag name are left empty.
    ///
    /// # Errors
    /// When the tag's objects cannot be read.
    pub fn tag_release(&self, name: &str) -> Result<Option<Release>, GitError> {
        let Ok(target) = self.repo.refname_to_id(&format!("refs/tags/{name}")) else {
            return Ok(None);
        };
        release_at(&mut self.reader(), target)
    }
}

/// A release with its SOP id and parsed version, before grouping.
type VersionedRelease = (String, semver::Version, Release);

impl Repo {
    /// Whether any tag has the name of a release (`[release] tag_format`): a clone made
    /// without tags has none.
    ///
    /// # Errors
    /// When the references cannot be read.
    pub fn has_release_tags(&self, settings: &Settings) -> Result<bool, GitError> {
        let format = TagFormat::new(&settings.config.release.tag_format);
        Ok(self.tag_refs("*")?.iter().any(|(full, _)| {
            full.strip_prefix("refs/tags/")
                .is_some_and(|name| format.parse(name).is_some())
        }))
    }

    /// The SOP ids that release tags name, each with the tag of its highest version: the names
    /// of the refs alone, no tag read.
    ///
    /// # Errors
    /// When the tags cannot be listed.
    pub fn released_ids(&self, settings: &Settings) -> Result<BTreeMap<String, String>, GitError> {
        let format = TagFormat::new(&settings.config.release.tag_format);
        let mut newest: BTreeMap<String, (semver::Version, String)> = BTreeMap::new();
        let names = match tag_names(self.repo.commondir()) {
            Some(names) => names,
            None => self.tag_refs("*")?.into_iter().map(|(n, _)| n).collect(),
        };
        for full in names {
            let Some(name) = full.strip_prefix("refs/tags/") else {
                continue;
            };
            let Some((id, version)) = format.parse(name) else {
                continue;
            };
            let Ok(version) = semver::Version::parse(&version) else {
                continue;
            };
            match newest.get(&id) {
                Some((v, _)) if *v >= version => {}
                _ => {
                    newest.insert(id, (version, name.to_string()));
                }
            }
        }
        Ok(newest.into_iter().map(|(id, (_, tag))| (id, tag)).collect())
    }

    /// Every tag ref whose name (after `refs/tags/`) matches `glob`, with its target.
    ///
    /// # Errors
    /// When the references cannot be read.
    pub(crate) fn tag_refs(&self, glob: &str) -> Result<Vec<(String, Oid)>, GitError> {
        if glob == "*"
            && let Some(refs) = list_tags(self.repo.commondir())
        {
            return Ok(refs);
        }
        let what = "the release tags";
        let mut refs = Vec::new();
        for r in self
            .repo
            .references_glob(&format!("refs/tags/{glob}"))
            .map_err(GitError::read(what))?
        {
            let r = r.map_err(GitError::read(what))?;
            if let (Some(name), Some(target)) = (r.name().ok(), r.target()) {
                refs.push((name.to_string(), target));
            }
        }
        Ok(refs)
    }
}

/// The releases of the tags `refs` whose names have the configured format, by SOP id, newest
/// version first. The tag objects are read over the cores, each thread with its own reader.
pub(super) fn read_tags(
    objects: &super::Objects,
    settings: &Settings,
    refs: &[(String, Oid)],
) -> Result<HashMap<String, Vec<Release>>, GitError> {
    let format = TagFormat::new(&settings.config.release.tag_format);
    let chunk = refs
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(256);
    let parts: Vec<Result<Vec<VersionedRelease>, GitError>> = refs
        .par_chunks(chunk)
        .map(|part| {
            let mut reader = objects.reader();
            let mut found = Vec::new();
            for (full, target) in part {
                let Some(name) = full.strip_prefix("refs/tags/") else {
                    continue;
                };
                let Some((id, version)) = format.parse(name) else {
                    continue;
                };
                let Ok(parsed) = semver::Version::parse(&version) else {
                    continue;
                };
                // A tag of a tree or a file is no release.
                let Some(release) = release_at(&mut reader, *target)? else {
                    continue;
                };
                found.push((
                    id,
                    parsed,
                    Release {
                        version,
                        tag: name.to_string(),
                        ..release
                    },
                ));
            }
            Ok(found)
        })
        .collect();
    let mut out: HashMap<String, Vec<(semver::Version, Release)>> = HashMap::new();
    for part in parts {
        for (id, parsed, release) in part? {
            out.entry(id).or_default().push((parsed, release));
        }
    }
    Ok(out
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.date.cmp(&a.1.date)));
            (id, list.into_iter().map(|(_, r)| r).collect())
        })
        .collect())
}

/// Every tag ref (`refs/tags/...`, target) from `packed-refs` and the loose ref files, read
/// directly: libgit2 stats each loose ref several times, which dominates with thousands of
/// tags. `None` (let libgit2 do it) for anything unusual: a reftable, a symbolic tag ref, an
/// unreadable or malformed file.
pub(super) fn list_tags(common_dir: &Path) -> Option<Vec<(String, Oid)>> {
    if common_dir.join("reftable").exists() {
        return None;
    }
    let mut refs: BTreeMap<String, Oid> = BTreeMap::new();
    for tag in packed_tags(&packed_refs(common_dir)?) {
        let (hex, name) = tag?;
        refs.insert(name.to_string(), Oid::from_str(hex).ok()?);
    }
    // Loose refs: one file each, often one folder per SOP; read the folders in parallel.
    let top = common_dir.join("refs").join("tags");
    let entries: Vec<(std::path::PathBuf, String, bool)> = match std::fs::read_dir(&top) {
        Ok(list) => {
            let mut v = Vec::new();
            for entry in list {
                let entry = entry.ok()?;
                let file = entry.file_name().into_string().ok()?;
                v.push((
                    entry.path(),
                    format!("refs/tags/{file}"),
                    entry.file_type().ok()?.is_dir(),
                ));
            }
            v
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(_) => return None,
    };
    let loose: Option<Vec<Vec<(String, Oid)>>> = entries
        .par_iter()
        .map(|(path, name, is_dir)| loose_refs(path, name, *is_dir))
        .collect();
    for (name, oid) in loose?.into_iter().flatten() {
        refs.insert(name, oid);
    }
    Some(refs.into_iter().collect())
}

/// The text of `common_dir`'s `packed-refs` file: empty when there is none, `None` when it
/// cannot be read.
fn packed_refs(common_dir: &Path) -> Option<String> {
    match std::fs::read_to_string(common_dir.join("packed-refs")) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(String::new()),
        Err(_) => None,
    }
}

/// The tags of a `packed-refs` text, as (object id in hex, `refs/tags/…` name); `None` for a
/// line that is not a ref.
fn packed_tags(text: &str) -> impl Iterator<Item = Option<(&str, &str)>> {
    text.lines()
        .filter(|line| !(line.starts_with('#') || line.starts_with('^') || line.trim().is_empty()))
        .filter_map(|line| match line.split_once(' ') {
            Some((hex, name)) => name.starts_with("refs/tags/").then_some(Some((hex, name))),
            None => Some(None),
        })
}

/// The names of the tags (`refs/tags/…`) in `common_dir`, from `packed-refs` and the loose
/// refs' file names, no ref file opened; `None` when they cannot be listed that way (a reftable
/// repository, an unreadable folder).
fn tag_names(common_dir: &Path) -> Option<Vec<String>> {
    if common_dir.join("reftable").exists() {
        return None;
    }
    let mut names = std::collections::BTreeSet::new();
    for tag in packed_tags(&packed_refs(common_dir)?) {
        names.insert(tag?.1.to_string());
    }
    let mut stack = vec![(
        common_dir.join("refs").join("tags"),
        "refs/tags".to_string(),
    )];
    while let Some((path, name)) = stack.pop() {
        let list = match std::fs::read_dir(&path) {
            Ok(list) => list,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => return None,
        };
        for entry in list {
            let entry = entry.ok()?;
            let file = entry.file_name().into_string().ok()?;
            let full = format!("{name}/{file}");
            if entry.file_type().ok()?.is_dir() {
                stack.push((entry.path(), full));
            } else if !file.ends_with(".lock") {
                names.insert(full);
            }
        }
    }
    Some(names.into_iter().collect())
}

/// The loose refs at `path` (a ref file, or a folder of them) named from `name`.
fn loose_refs(path: &Path, name: &str, is_dir: bool) -> Option<Vec<(String, Oid)>> {
    let mut out = Vec::new();
    let mut stack = vec![(path.to_path_buf(), name.to_string(), is_dir)];
    while let Some((path, name, is_dir)) = stack.pop() {
        if is_dir {
            for entry in std::fs::read_dir(&path).ok()? {
                let entry = entry.ok()?;
                let file = entry.file_name().into_string().ok()?;
                let dir = entry.file_type().ok()?.is_dir();
                stack.push((entry.path(), format!("{name}/{file}"), dir));
            }
        } else if !name.ends_with(".lock") {
            // A loose ref is one line; read it without asking its size first.
            let mut buf = [0u8; 128];
            let mut f = std::fs::File::open(&path).ok()?;
            let n = std::io::Read::read(&mut f, &mut buf).ok()?;
            let text = std::str::from_utf8(buf.get(..n)?).ok()?;
            out.push((name, Oid::from_str(text.trim()).ok()?));
        }
    }
    Some(out)
}

/// A release from an annotated tag that points at another tag: the outer tag's tagger, date
/// and message, and the commit the chain of tags ends at (at most eight deep).
fn tag_of_tag(
    reader: &mut super::reader::Reader,
    outer: &[u8],
) -> Result<Option<Release>, GitError> {
    let field = |data: &[u8], key: &str| -> Option<String> {
        let text = std::str::from_utf8(data).ok()?;
        let head = text.split("\n\n").next()?;
        head.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ').map(str::to_string))
    };
    let (Some(mut next), Some(who)) = (field(outer, "object"), field(outer, "tagger")) else {
        return Ok(None);
    };
    let message_of = |data: &[u8]| -> String {
        std::str::from_utf8(data)
            .ok()
            .and_then(|t| t.split_once("\n\n"))
            .map_or("", |(_, m)| m)
            .to_string()
    };
    // A tag re-annotated or signed again (`git tag -f -s X X`) keeps the approvals of the tag
    // it wraps when its own message records none.
    let mut approvals = super::approval::from_message(&message_of(outer));
    for _ in 0..8 {
        let Ok(id) = Oid::from_str(&next) else {
            return Ok(None);
        };
        let (kind, data) = reader.object(id)?;
        match kind {
            KIND_COMMIT => {
                let Some((name, email, time)) = super::object::parse_identity(&who) else {
                    return Ok(None);
                };
                let message = message_of(outer);
                return Ok(Some(Release {
                    version: String::new(),
                    tag: String::new(),
                    date: format_date(time),
                    tagger: name,
                    tagger_email: email,
                    summary: message
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                    commit: id.to_string(),
                    approvals,
                    blob: None,
                    landed: None,
                    not_counted: None,
                    place: None,
                }));
            }
            KIND_TAG => match field(&data, "object") {
                Some(o) => {
                    if approvals.is_empty() {
                        approvals = super::approval::from_message(&message_of(&data));
                    }
                    next = o;
                }
                None => return Ok(None),
            },
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// The release (without its version and tag name) a tag ref's target `id` makes: an annotated
/// tag of a commit, a commit (a lightweight tag), or a tag of a tag (the outer one's tagger and
/// message, the inner commit); `None` for a tag of a tree or a file.
fn release_at(reader: &mut Reader, id: Oid) -> Result<Option<Release>, GitError> {
    let (kind, data) = reader.object(id)?;
    match release_from_raw(kind, &data, id) {
        Some(r) => Ok(Some(r)),
        None if kind == KIND_TAG => tag_of_tag(reader, &data),
        None => Ok(None),
    }
}

/// A release (without its version and tag name) from the raw tag or commit object `id`.
fn release_from_raw(kind: u8, data: &[u8], id: Oid) -> Option<Release> {
    let tag = parse_tag(kind, data, id)?;
    Some(Release {
        version: String::new(),
        tag: String::new(),
        date: format_date(tag.time),
        tagger: tag.who,
        tagger_email: tag.email,
        summary: tag
            .message
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
        commit: tag.commit,
        approvals: super::approval::from_message(&tag.message),
        blob: None,
        landed: None,
        not_counted: None,
        place: None,
    })
}

/// A tag format such as `{id}/v{version}`, to read tag names back.
#[derive(Debug, Clone)]
pub(crate) struct TagFormat {
    /// Text before, between and after the two placeholders, and whether `{id}` comes first.
    parts: [String; 3],
    id_first: bool,
    valid: bool,
}

impl TagFormat {
    /// Read `format`; one that lacks `{id}` or `{version}` matches nothing.
    pub(crate) fn new(format: &str) -> TagFormat {
        let (i, v) = (format.find("{id}"), format.find("{version}"));
        let (Some(i), Some(v)) = (i, v) else {
            return TagFormat {
                parts: Default::default(),
                id_first: true,
                valid: false,
            };
        };
        let (first, first_len, second, second_len) =
            if i < v { (i, 4, v, 9) } else { (v, 9, i, 4) };
        let get = |r: std::ops::Range<usize>| format.get(r).unwrap_or_default().to_string();
        TagFormat {
            parts: [
                get(0..first),
                get(first + first_len..second),
                get(second + second_len..format.len()),
            ],
            id_first: i < v,
            valid: first + first_len <= second,
        }
    }

    /// The id and version in `tag`, when it has this format.
    pub(crate) fn parse(&self, tag: &str) -> Option<(String, String)> {
        if !self.valid {
            return None;
        }
        let [pre, mid, post] = &self.parts;
        let rest = tag
            .strip_prefix(pre.as_str())?
            .strip_suffix(post.as_str())?;
        if mid.is_empty() {
            return None;
        }
        // Try every split at `mid`; take the first whose version part is a semantic version.
        rest.match_indices(mid.as_str()).find_map(|(at, _)| {
            let (a, b) = (rest.get(..at)?, rest.get(at + mid.len()..)?);
            let (id, version) = if self.id_first { (a, b) } else { (b, a) };
            (!id.is_empty() && semver::Version::parse(version).is_ok())
                .then(|| (id.to_string(), version.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_format_reads_names_back() {
        let f = TagFormat::new("{id}/v{version}");
        assert_eq!(
            f.parse("SOP-0001/v1.2.0"),
            Some(("SOP-0001".into(), "1.2.0".into()))
        );
        assert_eq!(f.parse("v1.0"), None);
        let g = TagFormat::new("release-{version}_{id}");
        assert_eq!(
            g.parse("release-1.0.0-rc.1_SOP-2"),
            Some(("SOP-2".into(), "1.0.0-rc.1".into()))
        );
        assert_eq!(TagFormat::new("{id}").parse("SOP-1"), None);
    }
}
