//! One thread's object reader: the packs through [`super::pack`] (which keeps every delta
//! version it decodes), else libgit2 (loose objects, alternates, anything the pack reader
//! does not handle). Made by [`super::Repo::reader`]; `rayon`'s `map_init` gives each worker
//! its own.
//!
//! In debug builds and tests every object read from the packs is hashed and compared with the
//! id asked for, so a pack reader bug fails loudly instead of showing another file's text.

use std::sync::Arc;

use git2::{ObjectType, Oid};

use super::GitError;
use super::object::{CommitData, CommitHead, commit_from_git, parse_commit, parse_commit_head};
use super::pack::{PackReader, Packs};

/// Object kinds as the pack format numbers them.
pub(crate) const KIND_COMMIT: u8 = 1;
/// A tree.
pub(crate) const KIND_TREE: u8 = 2;
/// A file.
pub(crate) const KIND_BLOB: u8 = 3;
/// An annotated tag.
pub(crate) const KIND_TAG: u8 = 4;

/// Reads objects for one thread.
pub(crate) struct Reader {
    pack: Option<PackReader>,
    git_dir: std::path::PathBuf,
    /// Opened on the first object the packs do not have.
    repo: Option<git2::Repository>,
}

impl Reader {
    pub(super) fn new(packs: Option<Arc<Packs>>, git_dir: &std::path::Path) -> Reader {
        Reader {
            pack: packs.map(PackReader::new),
            git_dir: git_dir.to_path_buf(),
            repo: None,
        }
    }

    fn repo(&mut self) -> Result<&git2::Repository, GitError> {
        if self.repo.is_none() {
            let repo = git2::Repository::open(&self.git_dir).map_err(|source| GitError::Open {
                path: self.git_dir.clone(),
                source,
            })?;
            self.repo = Some(repo);
        }
        self.repo.as_ref().ok_or_else(|| GitError::Read {
            what: "the repository".into(),
            source: git2::Error::from_str("not open"),
        })
    }

    /// The size of object `id`, from its header (for a packed delta, the size it resolves to),
    /// without reading it.
    ///
    /// # Errors
    /// When the object is missing or cannot be read.
    pub(crate) fn size(&mut self, id: Oid) -> Result<usize, GitError> {
        let odb = self
            .repo()?
            .odb()
            .map_err(GitError::read("the object database"))?;
        let (size, _) = odb
            .read_header(id)
            .map_err(GitError::read(format!("object {id}")))?;
        Ok(size)
    }

    /// The kind and content of object `id`.
    ///
    /// # Errors
    /// When the object is missing or cannot be read.
    pub(crate) fn object(&mut self, id: Oid) -> Result<(u8, Arc<[u8]>), GitError> {
        if let Some((kind, data)) = self.pack.as_mut().and_then(|p| p.object(id)) {
            verify(id, kind, &data);
            return Ok((kind, data));
        }
        let odb = self
            .repo()?
            .odb()
            .map_err(GitError::read("the object database"))?;
        let obj = odb
            .read(id)
            .map_err(GitError::read(format!("object {id}")))?;
        let kind = match obj.kind() {
            ObjectType::Commit => KIND_COMMIT,
            ObjectType::Tree => KIND_TREE,
            ObjectType::Blob => KIND_BLOB,
            ObjectType::Tag => KIND_TAG,
            _ => 0,
        };
        Ok((kind, Arc::from(obj.data())))
    }

    /// The raw entries of tree `id`.
    ///
    /// # Errors
    /// When it is missing or not a tree.
    pub(crate) fn tree(&mut self, id: Oid) -> Result<Arc<[u8]>, GitError> {
        match self.object(id)? {
            (KIND_TREE, data) => Ok(data),
            _ => Err(not_a("tree", id)),
        }
    }

    /// The content of blob `id`.
    ///
    /// # Errors
    /// When it is missing or not a file.
    pub(crate) fn blob(&mut self, id: Oid) -> Result<Arc<[u8]>, GitError> {
        match self.object(id)? {
            (KIND_BLOB, data) => Ok(data),
            _ => Err(not_a("file", id)),
        }
    }

    /// Commit `id`.
    ///
    /// # Errors
    /// When it is missing or malformed.
    pub(crate) fn commit(&mut self, id: Oid) -> Result<CommitData, GitError> {
        if let Some((KIND_COMMIT, data)) = self.pack.as_mut().and_then(|p| p.object(id)) {
            verify(id, KIND_COMMIT, &data);
            if let Some(c) = parse_commit(&data) {
                return Ok(c);
            }
        }
        let repo = self.repo()?;
        let c = repo
            .find_commit(id)
            .map_err(GitError::read(format!("commit {id}")))?;
        Ok(commit_from_git(&c))
    }
}

impl Reader {
    /// The parents, date and subject of commit `id`, read as [`Reader::commit`] reads it.
    ///
    /// # Errors
    /// When it is missing or malformed.
    pub(crate) fn commit_head(&mut self, id: Oid) -> Result<CommitHead, GitError> {
        if let Some((KIND_COMMIT, data)) = self.pack.as_mut().and_then(|p| p.object(id)) {
            verify(id, KIND_COMMIT, &data);
            if let Some(c) = parse_commit_head(&data) {
                return Ok(c);
            }
        }
        self.commit(id).map(CommitHead::from)
    }
}

fn not_a(what: &str, id: Oid) -> GitError {
    GitError::Read {
        what: format!("object {id}"),
        source: git2::Error::from_str(&format!("it is not {}", crate::words::with_article(what))),
    }
}

/// In debug builds, check that `data` hashes to `id`.
fn verify(id: Oid, kind: u8, data: &[u8]) {
    if cfg!(debug_assertions) {
        let t = match kind {
            KIND_COMMIT => ObjectType::Commit,
            KIND_TREE => ObjectType::Tree,
            KIND_BLOB => ObjectType::Blob,
            _ => ObjectType::Tag,
        };
        let hashed = Oid::hash_object(t, data).ok();
        debug_assert_eq!(
            hashed,
            Some(id),
            "the pack reader returned the wrong object"
        );
    }
}
