//! git's raw object formats, read without libgit2: tree entries, commit and tag headers, and
//! signatures. A leaf: nothing here opens a repository.
//!
//! Formats: `Documentation/gitformat-*.txt` in git. Trees are `<octal mode> <name>\0<id>`
//! entries sorted in git's order ([`git_order`]); commits and tags are header lines, a blank
//! line, then the message.

use std::cmp::Ordering;

use git2::Oid;

/// Length of an object id (SHA-1).
pub(crate) const ID_LEN: usize = 20;

/// The mode of a folder entry.
pub(crate) const MODE_TREE: u32 = 0o040_000;

/// Whether `mode` is a file (plain or executable), not a folder, link or submodule.
pub(crate) fn is_blob_mode(mode: u32) -> bool {
    mode & 0o170_000 == 0o100_000
}

/// One entry of a raw tree object: `<octal mode> <name>\0<20-byte id>`.
pub(crate) struct RawEntry<'a> {
    /// The mode, as git writes it.
    pub(crate) mode: u32,
    /// The name, one path component.
    pub(crate) name: &'a [u8],
    /// The raw id bytes.
    pub(crate) id: &'a [u8],
}

impl RawEntry<'_> {
    /// The entry's object id.
    pub(crate) fn oid(&self) -> Option<Oid> {
        Oid::from_bytes(self.id).ok()
    }

    /// Whether the entry is a folder.
    pub(crate) fn is_tree(&self) -> bool {
        self.mode == MODE_TREE
    }
}

/// The entries of a raw tree object, in their stored (git) order; stops at the first
/// malformed byte.
pub(crate) struct RawTree<'a>(pub(crate) &'a [u8]);

impl<'a> Iterator for RawTree<'a> {
    type Item = RawEntry<'a>;

    fn next(&mut self) -> Option<RawEntry<'a>> {
        let data = self.0;
        let space = memchr::memchr(b' ', data)?;
        let nul = space + 1 + memchr::memchr(0, data.get(space + 1..)?)?;
        let mode = data.get(..space)?.iter().try_fold(0u32, |m, &b| {
            (b'0'..=b'7')
                .contains(&b)
                .then(|| m * 8 + u32::from(b - b'0'))
        })?;
        let name = data.get(space + 1..nul)?;
        let id = data.get(nul + 1..nul + 1 + ID_LEN)?;
        self.0 = data.get(nul + 1 + ID_LEN..)?;
        Some(RawEntry { mode, name, id })
    }
}

/// The length of the raw tree entry at the start of `buf`: up to its name's NUL, then the id.
pub(crate) fn entry_len(buf: &[u8]) -> Option<usize> {
    let len = memchr::memchr(0, buf)? + 1 + ID_LEN;
    (len <= buf.len()).then_some(len)
}

/// How many leading bytes `x` and `y` share.
pub(crate) fn common_prefix(x: &[u8], y: &[u8]) -> usize {
    const STEP: usize = 64;
    let n = x.len().min(y.len());
    let mut i = 0;
    while i + STEP <= n && x.get(i..i + STEP) == y.get(i..i + STEP) {
        i += STEP;
    }
    while i < n && x.get(i) == y.get(i) {
        i += 1;
    }
    i
}

/// Git's order of tree entries: names compare as bytes, a folder as if it ended in `/`.
pub(crate) fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.get(..n).unwrap_or(a), b.get(..n).unwrap_or(b));
    match pa.cmp(pb) {
        Ordering::Equal => {}
        other => return other,
    }
    // The byte after the common part: the name's next byte, else `/` for a folder, else end.
    let next = |s: &[u8], tree: bool| s.get(n).copied().or(tree.then_some(b'/'));
    next(a, a_tree).cmp(&next(b, b_tree))
}

/// A commit as the history needs it.
#[derive(Debug, Clone)]
pub(crate) struct CommitData {
    /// Its root tree.
    pub(crate) tree: Oid,
    /// Its parents, in order.
    pub(crate) parents: Vec<Oid>,
    /// The author's name.
    pub(crate) author: String,
    /// The author's email, with which a `.mailmap` names the author.
    pub(crate) author_email: String,
    /// When it was written (the author's time).
    pub(crate) author_time: git2::Time,
    /// When it was committed, in seconds: the order `git log` shows commits in.
    pub(crate) commit_time: i64,
    /// The whole message.
    pub(crate) message: String,
}

impl CommitData {
    /// The message's first line, trimmed.
    pub(crate) fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or_default().trim()
    }
}

/// A raw commit object; `None` when it is malformed.
pub(crate) fn parse_commit(data: &[u8]) -> Option<CommitData> {
    let text = String::from_utf8_lossy(data);
    let (head, message) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut tree = None;
    let mut parents = Vec::new();
    let mut author = None;
    let mut committer = None;
    for line in head.lines() {
        let Some((key, value)) = line.split_once(' ') else {
            continue;
        };
        match key {
            "tree" if tree.is_none() => tree = Some(Oid::from_str(value).ok()?),
            "parent" => parents.push(Oid::from_str(value).ok()?),
            "author" if author.is_none() => author = parse_identity(value),
            "committer" if committer.is_none() => committer = parse_signature(value),
            _ => {}
        }
    }
    let (author, author_email, author_time) = author?;
    let commit_time = committer.map_or(author_time.seconds(), |(_, t)| t.seconds());
    Some(CommitData {
        tree: tree?,
        parents,
        author,
        author_email,
        author_time,
        commit_time,
        message: message.to_string(),
    })
}

/// What a walk over the history needs of a commit: its parents, its commit date and its
/// subject, as [`parse_commit`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitHead {
    /// Its parents, in order.
    pub(crate) parents: Vec<Oid>,
    /// The committer's date (the author's when there is no committer line), in seconds.
    pub(crate) commit_time: i64,
    /// The message's first line, trimmed ([`CommitData::summary`]).
    pub(crate) subject: String,
}

impl From<CommitData> for CommitHead {
    fn from(c: CommitData) -> CommitHead {
        CommitHead {
            subject: c.summary().to_string(),
            parents: c.parents,
            commit_time: c.commit_time,
        }
    }
}

/// The parents, date and subject of a raw commit object, reading no more of it than they
/// need; `None` when it is malformed (as [`parse_commit`] would say).
pub(crate) fn parse_commit_head(data: &[u8]) -> Option<CommitHead> {
    let (head, message) = match memchr::memmem::find(data, b"\n\n") {
        Some(at) => (data.get(..at)?, data.get(at + 2..)?),
        None => (data, &b""[..]),
    };
    let mut tree = false;
    let mut parents = Vec::new();
    let mut author = None;
    let mut committer = None;
    for line in head.split(|&b| b == b'\n') {
        let Some(space) = memchr::memchr(b' ', line) else {
            continue;
        };
        let (key, value) = (line.get(..space)?, line.get(space + 1..)?);
        let oid =
            |v: &[u8]| Oid::from_str(std::str::from_utf8(v).ok()?.trim_end_matches('\r')).ok();
        match key {
            b"tree" if !tree => {
                oid(value)?;
                tree = true;
            }
            b"parent" => parents.push(oid(value)?),
            b"author" if author.is_none() => author = signature_time(value),
            b"committer" if committer.is_none() => committer = signature_time(value),
            _ => {}
        }
    }
    // No commit without its author's date; the committer's, when there is one, orders it.
    let commit_time = committer.or(Some(author?))?;
    let first = message.split(|&b| b == b'\n').next().unwrap_or_default();
    Some(CommitHead {
        parents: tree.then_some(parents)?,
        commit_time,
        subject: String::from_utf8_lossy(first).trim().to_string(),
    })
}

/// The seconds of a raw signature (`Name <email> 1700000000 +0100`), as [`parse_signature`]
/// reads them, with no copy of the name.
fn signature_time(who: &[u8]) -> Option<i64> {
    let at = memchr::memmem::rfind(who, b"> ")?;
    let when = std::str::from_utf8(who.get(at + 2..)?).ok()?;
    let (secs, zone) = when.trim().split_once(' ')?;
    let secs: i64 = secs.parse().ok()?;
    let digits = zone.trim_start_matches(['+', '-']);
    digits.get(..2)?.parse::<i32>().ok()?;
    digits.get(2..4)?.parse::<i32>().ok()?;
    Some(secs)
}

/// A commit read through libgit2, in the same shape.
pub(crate) fn commit_from_git(c: &git2::Commit<'_>) -> CommitData {
    let author = c.author();
    CommitData {
        tree: c.tree_id(),
        parents: c.parent_ids().collect(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        author_time: author.when(),
        commit_time: c.committer().when().seconds(),
        message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
    }
}

/// `Name <email> 1767225600 +0100` → the name and the time.
pub(crate) fn parse_signature(who: &str) -> Option<(String, git2::Time)> {
    parse_identity(who).map(|(name, _, time)| (name, time))
}

/// `Name <email> 1767225600 +0100` → the name, the email and the time.
pub(crate) fn parse_identity(who: &str) -> Option<(String, String, git2::Time)> {
    let (name, when) = who.rsplit_once("> ")?;
    let (name, email) = name.split_once(" <").unwrap_or((name, ""));
    let (name, email) = (name.to_string(), email.to_string());
    let (secs, zone) = when.trim().split_once(' ')?;
    let secs: i64 = secs.parse().ok()?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits = zone.trim_start_matches(['+', '-']);
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..4)?.parse().ok()?;
    Some((
        name,
        email,
        git2::Time::new(secs, sign * (hours * 60 + minutes)),
    ))
}

/// The pull request a commit message names: `Merge pull request #123 from …` (GitHub's merge
/// button), `… (#123)` at the end of the subject (GitHub's squash and rebase merges), `Merged
/// in … (pull request #123)` (Bitbucket) or `See merge request group/project!123` (GitLab).
pub(crate) fn pull_request_of(message: &str) -> Option<u64> {
    let subject = message.lines().next().unwrap_or_default().trim();
    let digits = |s: &str| -> Option<u64> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s.get(..end).filter(|d| !d.is_empty())?.parse().ok()
    };
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return digits(rest);
    }
    if let Some(inner) = subject
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('(').map(|(_, inner)| inner))
    {
        let inner = inner.strip_prefix("pull request ").unwrap_or(inner);
        if let Some(n) = inner.strip_prefix('#') {
            return digits(n).filter(|_| n.bytes().all(|b| b.is_ascii_digit()));
        }
    }
    message.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("See merge request ")?;
        let (_, n) = rest.rsplit_once('!')?;
        digits(n).filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A tag object as a release needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagData {
    /// The commit it points to.
    pub(crate) commit: String,
    /// Who tagged (or, for a lightweight tag, who wrote the commit), and when.
    pub(crate) who: String,
    /// Their email.
    pub(crate) email: String,
    /// When.
    pub(crate) time: git2::Time,
    /// The message.
    pub(crate) message: String,
}

/// A raw tag object (kind 4) pointing at a commit, or a raw commit (kind 1, a lightweight tag);
/// `None` for anything else.
pub(crate) fn parse_tag(kind: u8, data: &[u8], id: Oid) -> Option<TagData> {
    let text = std::str::from_utf8(data).ok()?;
    let (head, message) = text.split_once("\n\n").unwrap_or((text, ""));
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(' ')))
    };
    let (who, commit) = match kind {
        4 if field("type") == Some("commit") => (field("tagger")?, field("object")?.to_string()),
        1 => (field("author")?, id.to_string()),
        _ => return None,
    };
    let (who, email, time) = parse_identity(who)?;
    Some(TagData {
        commit,
        who,
        email,
        time,
        message: message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_order_puts_folders_after_same_named_prefixes() {
        assert_eq!(git_order(b"a", true, b"a-b", false), Ordering::Greater);
        assert_eq!(git_order(b"a", false, b"a-b", false), Ordering::Less);
        assert_eq!(git_order(b"a.md", false, b"a.md", false), Ordering::Equal);
    }

    #[test]
    fn a_commit_head_is_what_the_whole_commit_says() {
        let t = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        let p = "b3d7a969ce685282a83ac5258c36ac93e93eb8cc";
        let cases = [
            format!(
                "tree {t}\nparent {p}\nparent {t}\nauthor A B <a@b> 1700000000 +0100\ncommitter C <c@d> 1700000100 -0200\n\n  SOP-0001 v1.0.0: Först  \r\n\nbody\n"
            ),
            format!("tree {t}\nauthor A <a@b> 1700000000 +0000\n\nno committer"),
            format!(
                "tree {t}\nauthor A <a@b> 1700000000 +0000\ngpgsig -----BEGIN\n x\n -----END\ncommitter C <c@d> 5 +0000\n\n"
            ),
            format!("tree {t}\r\nparent {p}\r\nauthor A <a@b> 1 +0000\r\n\nno message end"),
            format!("tree {t}\nauthor A <a@b> 1 +0000"),
            "tree nothex\nauthor A <a@b> 1 +0000\n\nbad".to_string(),
            format!("parent {p}\nauthor A <a@b> 1 +0000\n\nno tree"),
            format!("tree {t}\nauthor nobody\n\nbad author"),
            format!(
                "tree {t}\nauthor bad\nauthor A <a@b> 7 +0000\ncommitter x\ncommitter C <c@d> 9 +0000\n\nagain"
            ),
        ];
        for raw in &cases {
            assert_eq!(
                parse_commit_head(raw.as_bytes()),
                parse_commit(raw.as_bytes()).map(CommitHead::from),
                "{raw:?}"
            );
        }
        let bytes = [
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 1 +0000\n\n".as_slice(),
            &[0xff, b'x', b'\n'],
        ]
        .concat();
        assert_eq!(
            parse_commit_head(&bytes),
            parse_commit(&bytes).map(CommitHead::from)
        );
    }

    #[test]
    fn pull_requests_are_read_from_merge_and_squash_subjects() {
        assert_eq!(
            pull_request_of("Merge pull request #123 from org/branch\n\nbody"),
            Some(123)
        );
        assert_eq!(pull_request_of("Fix typo in refunds (#42)"), Some(42));
        assert_eq!(
            pull_request_of("Merged in fix-x (pull request #7)\n\nApproved-by: A"),
            Some(7)
        );
        assert_eq!(
            pull_request_of("Merge branch 'x' into 'main'\n\nSee merge request ops/sops!58"),
            Some(58)
        );
        assert_eq!(pull_request_of("Refund limits (v1.2.0)"), None);
        assert_eq!(pull_request_of("Call (#12a)"), None);
        assert_eq!(pull_request_of("Merge branch 'main'"), None);
    }

    #[test]
    fn commits_parse_with_every_parent() {
        let raw = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
parent 1111111111111111111111111111111111111111\n\
parent 2222222222222222222222222222222222222222\n\
author Ana Lima <ana@example.com> 1767225600 +0100\n\
committer Bo Chen <bo@example.com> 1767229200 +0000\n\
\n\
Merge pull request #5 from x\n";
        let c = parse_commit(raw).unwrap();
        assert_eq!(c.parents.len(), 2);
        assert_eq!(c.author, "Ana Lima");
        assert_eq!(c.author_email, "ana@example.com");
        assert_eq!(c.author_time.offset_minutes(), 60);
        assert_eq!(c.commit_time, 1_767_229_200);
        assert_eq!(c.summary(), "Merge pull request #5 from x");
    }
}
