//! A read-only pack reader for trees, with a cache of every object it decodes.
//!
//! Why it exists: libgit2 keeps only the base of each delta chain in its cache, so reading
//! the next version of a large tree applies the whole chain again (up to 50 deltas of ~50 KB
//! for a folder of 800 SOPs). History reads thousands of tree versions oldest first; here each
//! one is one delta on the previous, cached version, as in git's own delta base cache.
//!
//! It reads only what it is asked for, by position in the pack file (no blob elsewhere is
//! read), and answers `None` for anything it does not handle (loose objects, an unknown index
//! version, a malformed entry), so the caller falls back to libgit2. Pack format:
//! `Documentation/gitformat-pack.txt` in git.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use flate2::{Decompress, FlushDecompress, Status};
use git2::Oid;

const ID_LEN: usize = 20;

/// The packs of a repository: their indexes in memory, their data read on demand.
#[derive(Debug)]
pub(crate) struct Packs {
    packs: Vec<Pack>,
    /// Bytes of decoded objects all readers of these packs keep, together.
    cached: std::sync::atomic::AtomicUsize,
}

#[derive(Debug)]
struct Pack {
    idx: Vec<u8>,
    count: usize,
    data: PackData,
}

/// A pack's bytes: in memory when it is small enough, else read piece by piece.
#[derive(Debug)]
enum PackData {
    /// The whole file, read once: thousands of small reads cost more than one large one.
    Memory(Vec<u8>),
    /// A pack too large to hold: read where needed.
    File(File),
}

/// Packs are read whole while together they take at most this much memory (the
/// 2,000-commit benchmark's pack is 9 MB, the 10,000-commit one 60 MB); the rest are read
/// piece by piece.
const IN_MEMORY: u64 = 256 * 1024 * 1024;

impl Packs {
    /// The packs under `<git_dir>/objects/pack`; `None` when there are none, or an index is of
    /// a version this reader does not know.
    pub(crate) fn open(git_dir: &Path) -> Option<Arc<Packs>> {
        let dir = git_dir.join("objects").join("pack");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        names.sort();
        Packs::load(&names, IN_MEMORY)
    }

    /// The packs of the index files `names`, held in memory while their sizes add up to at
    /// most `in_memory` bytes.
    fn load(names: &[std::path::PathBuf], in_memory: u64) -> Option<Arc<Packs>> {
        let mut budget = in_memory;
        let mut packs = Vec::new();
        for idx_path in names {
            // A pack this reader cannot check is left to libgit2, object by object.
            let Some(idx) = std::fs::read(idx_path).ok() else {
                continue;
            };
            let Some(count) = check_index(&idx) else {
                continue;
            };
            let pack_path = idx_path.with_extension("pack");
            let Ok(file) = File::open(&pack_path) else {
                continue;
            };
            let data = match file.metadata() {
                Ok(meta) if meta.len() <= budget => {
                    let Ok(bytes) = std::fs::read(&pack_path) else {
                        continue;
                    };
                    budget -= meta.len();
                    PackData::Memory(bytes)
                }
                _ => PackData::File(file),
            };
            let pack = Pack { idx, count, data };
            if !pack.header_matches() {
                continue;
            }
            packs.push(pack);
        }
        (!packs.is_empty()).then(|| {
            Arc::new(Packs {
                packs,
                cached: std::sync::atomic::AtomicUsize::new(0),
            })
        })
    }

    /// Which pack holds `id`, and where.
    fn find(&self, id: &[u8]) -> Option<(usize, u64)> {
        let first = *id.first()? as usize;
        self.packs.iter().enumerate().find_map(|(n, p)| {
            let lo = if first == 0 {
                0
            } else {
                be32(&p.idx, 8 + (first - 1) * 4)? as usize
            };
            let hi = be32(&p.idx, 8 + first * 4)? as usize;
            let ids = 8 + 256 * 4;
            let (mut lo, mut hi) = (lo, hi.min(p.count));
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                let at = ids + mid * ID_LEN;
                match p.idx.get(at..at + ID_LEN)?.cmp(id) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => return Some((n, p.offset(mid)?)),
                }
            }
            None
        })
    }
}

/// The number of objects of a version 2 pack index, when the index is whole and sound (the
/// checks libgit2 makes before using one): the magic and version, a fan-out table that never
/// decreases, and a size that fits that many objects (with up to one large offset each).
fn check_index(idx: &[u8]) -> Option<usize> {
    if idx.get(..8) != Some(&[0xff, b't', b'O', b'c', 0, 0, 0, 2][..]) {
        return None;
    }
    let mut last = 0;
    for k in 0..256 {
        let n = be32(idx, 8 + k * 4)?;
        if n < last {
            return None;
        }
        last = n;
    }
    let count = last as usize;
    let min = 8 + 256 * 4 + count.checked_mul(ID_LEN + 4 + 4)? + 2 * ID_LEN;
    let max = min + count.saturating_sub(1) * 8;
    (min..=max).contains(&idx.len()).then_some(count)
}

impl Pack {
    /// Whether the pack file starts with the signature, a known version and as many objects
    /// as its index lists.
    fn header_matches(&self) -> bool {
        let Some(head) = self.read(0, 12) else {
            return false;
        };
        head.get(..4) == Some(b"PACK")
            && matches!(be32(&head, 4), Some(2 | 3))
            && be32(&head, 8).map(|n| n as usize) == Some(self.count)
    }

    /// The pack offset of the `k`-th object of the index.
    fn offset(&self, k: usize) -> Option<u64> {
        let offsets = 8 + 256 * 4 + self.count * (ID_LEN + 4);
        let small = be32(&self.idx, offsets + k * 4)?;
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let large = offsets + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        let b = self.idx.get(large..large + 8)?;
        Some(u64::from_be_bytes(b.try_into().ok()?))
    }

    /// `len` bytes at `at`, fewer at the end of the file.
    fn read(&self, at: u64, len: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        match &self.data {
            PackData::Memory(bytes) => {
                let start = usize::try_from(at).ok()?;
                let end = start.saturating_add(len).min(bytes.len());
                Some(std::borrow::Cow::Borrowed(bytes.get(start..end)?))
            }
            PackData::File(file) => read_file_at(file, at, len).map(std::borrow::Cow::Owned),
        }
    }
}

/// `len` bytes of `file` at `at`, fewer at its end.
#[cfg(unix)]
fn read_file_at(file: &File, at: u64, len: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0; len];
    let mut got = 0;
    while got < len {
        match file.read_at(buf.get_mut(got..)?, at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    buf.truncate(got);
    Some(buf)
}

/// Elsewhere: nothing, so libgit2 reads every object of a very large pack.
#[cfg(not(unix))]
fn read_file_at(_file: &File, _at: u64, _len: usize) -> Option<Vec<u8>> {
    None
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Where an object is: which pack, at which offset.
type Place = (usize, u64);

/// A hasher for [`Place`]s: offsets in a pack are already well spread.
#[derive(Default)]
struct PlaceHasher(u64);

impl std::hash::Hasher for PlaceHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type PlaceMap<V> = HashMap<Place, V, std::hash::BuildHasherDefault<PlaceHasher>>;

/// A decoded object: its type (1 commit, 2 tree, 3 blob, 4 tag) and content.
type Decoded = (u8, Arc<[u8]>);

/// One thread's reader: the shared packs and its own cache of decoded trees and files (the
/// bases of the next deltas), in two generations: an object used again moves to the young
/// one; when all readers together hold more than [`CACHE_BUDGET`], this reader drops its old
/// generation and the young one becomes old. So the cache is a cheap LRU with one budget for
/// the whole process.
pub(crate) struct PackReader {
    packs: Arc<Packs>,
    /// One inflater, reset for each entry: setting one up costs more than a small entry.
    z: Decompress,
    young: PlaceMap<Decoded>,
    old: PlaceMap<Decoded>,
    young_bytes: usize,
    old_bytes: usize,
}

/// How many bytes of decoded objects all readers of one repository keep, together.
const CACHE_BUDGET: usize = 96 * 1024 * 1024;

impl Drop for PackReader {
    fn drop(&mut self) {
        let mine = self.young_bytes + self.old_bytes;
        self.packs
            .cached
            .fetch_sub(mine, std::sync::atomic::Ordering::Relaxed);
    }
}

/// An entry's header: its type, its size, and where its data starts.
struct Header {
    kind: u8,
    size: usize,
    data: u64,
    /// For deltas: where the base is.
    base: Option<(usize, u64)>,
    /// The bytes read from the entry's start, which often hold all of its data.
    head: Vec<u8>,
    /// Where the data starts in `head`.
    skip: usize,
}

/// How much of an entry to read at first: its header and, usually, all of its data.
const FIRST_READ: usize = 4096;

/// Larger objects are left to libgit2 (a tree is never this big; a damaged size field may be).
const MAX_OBJECT: usize = 256 * 1024 * 1024;

impl PackReader {
    /// A reader over `packs`.
    pub(crate) fn new(packs: Arc<Packs>) -> PackReader {
        PackReader {
            packs,
            z: Decompress::new(true),
            young: PlaceMap::default(),
            old: PlaceMap::default(),
            young_bytes: 0,
            old_bytes: 0,
        }
    }

    /// The type (1 commit, 2 tree, 3 blob, 4 tag) and content of object `id`, when it is in a
    /// pack this reader can read.
    pub(crate) fn object(&mut self, id: Oid) -> Option<Decoded> {
        let at = self.packs.find(id.as_bytes())?;
        self.decode(at)
    }

    fn decode(&mut self, at: Place) -> Option<Decoded> {
        // Walk down the delta chain to a cached or whole object, then apply the deltas back up,
        // caching every version on the way.
        let mut chain: Vec<((usize, u64), Header)> = Vec::new();
        let mut cur = at;
        let (kind, mut data) = loop {
            if let Some((k, d)) = self.cached(cur) {
                break (k, d);
            }
            let h = self.header(cur)?;
            if let Some(base) = h.base {
                // A damaged pack can make a chain loop (an offset of 0, deltas naming each
                // other): stop at the first position seen twice.
                if base == cur || chain.iter().any(|(p, _)| *p == base) {
                    return None;
                }
                chain.push((cur, h));
                cur = base;
                if chain.len() > 10_000 {
                    return None;
                }
                continue;
            }
            if !(1..=4).contains(&h.kind) {
                return None;
            }
            let d: Arc<[u8]> = Arc::from(self.inflate(cur.0, &h)?);
            self.remember(cur, h.kind, &d);
            break (h.kind, d);
        };
        while let Some((pos, h)) = chain.pop() {
            let delta = self.inflate(pos.0, &h)?;
            let out: Arc<[u8]> = Arc::from(apply_delta(&data, &delta)?);
            self.remember(pos, kind, &out);
            data = out;
        }
        Some((kind, data))
    }

    /// A cached object, moved to the young generation.
    fn cached(&mut self, at: Place) -> Option<Decoded> {
        if let Some((k, d)) = self.young.get(&at) {
            return Some((*k, Arc::clone(d)));
        }
        let (k, d) = self.old.remove(&at)?;
        self.old_bytes -= d.len();
        self.young_bytes += d.len();
        self.young.insert(at, (k, Arc::clone(&d)));
        Some((k, d))
    }

    fn remember(&mut self, at: (usize, u64), kind: u8, data: &Arc<[u8]>) {
        use std::sync::atomic::Ordering::Relaxed;
        // Commits and tags are read once; trees and files are the bases of the next versions.
        if !matches!(kind, 2 | 3) || data.len() > CACHE_BUDGET / 16 {
            return;
        }
        if self.packs.cached.load(Relaxed) + data.len() > CACHE_BUDGET {
            self.packs.cached.fetch_sub(self.old_bytes, Relaxed);
            self.old = std::mem::take(&mut self.young);
            self.old_bytes = std::mem::take(&mut self.young_bytes);
        }
        self.packs.cached.fetch_add(data.len(), Relaxed);
        self.young_bytes += data.len();
        self.young.insert(at, (kind, Arc::clone(data)));
    }

    fn header(&self, at: (usize, u64)) -> Option<Header> {
        let pack = self.packs.packs.get(at.0)?;
        let head = pack.read(at.1, FIRST_READ)?;
        let mut i = 0;
        let mut c = *head.get(i)?;
        let kind = (c >> 4) & 7;
        let mut size = usize::from(c & 0x0f);
        let mut shift = 4;
        while c & 0x80 != 0 {
            i += 1;
            c = *head.get(i)?;
            size |= usize::from(c & 0x7f).checked_shl(shift)?;
            shift += 7;
        }
        i += 1;
        let base = match kind {
            6 => {
                let mut c = *head.get(i)?;
                let mut off = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    i += 1;
                    c = *head.get(i)?;
                    off = ((off + 1) << 7) | u64::from(c & 0x7f);
                }
                i += 1;
                Some((at.0, at.1.checked_sub(off)?))
            }
            7 => {
                let id = head.get(i..i + ID_LEN)?;
                i += ID_LEN;
                Some(self.packs.find(id)?)
            }
            _ => None,
        };
        // Keep what was read past the header only when it came from a file: from memory the
        // data is read again for free.
        let head = match head {
            std::borrow::Cow::Owned(v) => v,
            std::borrow::Cow::Borrowed(_) => Vec::new(),
        };
        Some(Header {
            kind,
            size,
            data: at.1 + i as u64,
            base,
            head,
            skip: i,
        })
    }

    fn inflate(&mut self, pack: usize, h: &Header) -> Option<Vec<u8>> {
        let size = h.size;
        if size > MAX_OBJECT {
            return None;
        }
        // zlib never grows data by more than this (compressBound), so one read is enough.
        let bound = size + size / 1000 + 64;
        let have = h.head.get(h.skip..).unwrap_or_default();
        let packs = Arc::clone(&self.packs);
        let read;
        let input = if have.len() >= bound {
            have
        } else {
            read = packs.packs.get(pack)?.read(h.data, bound)?;
            &read[..]
        };
        // Room past the end lets zlib decode with its fast loop (which needs 258 bytes of
        // output space) to the last bytes: small objects (commits, tags) decode twice as fast.
        let mut out = Vec::with_capacity(size + INFLATE_SLACK);
        self.z.reset(true);
        let status = self
            .z
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .ok()?;
        (status == Status::StreamEnd && out.len() == size).then_some(out)
    }
}

/// Output space beyond an object's size given to zlib: the longest match a deflate stream
/// copies, which zlib's fast decoding loop needs free before each step.
const INFLATE_SLACK: usize = 258;

/// Apply a git delta to `base`.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    let mut varint = || -> Option<usize> {
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let c = *delta.get(i)?;
            i += 1;
            n |= usize::from(c & 0x7f).checked_shl(shift)?;
            shift += 7;
            if c & 0x80 == 0 {
                return Some(n);
            }
        }
    };
    let src = varint()?;
    let dst = varint()?;
    if src != base.len() || dst > MAX_OBJECT {
        return None;
    }
    let mut out = Vec::with_capacity(dst);
    while i < delta.len() {
        let op = *delta.get(i)?;
        i += 1;
        if op & 0x80 != 0 {
            let mut off = 0usize;
            let mut len = 0usize;
            for b in 0..4 {
                if op & (1 << b) != 0 {
                    off |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            for b in 0..3 {
                if op & (0x10 << b) != 0 {
                    len |= usize::from(*delta.get(i)?) << (8 * b);
                    i += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(off..off.checked_add(len)?)?);
        } else if op != 0 {
            let n = usize::from(op);
            out.extend_from_slice(delta.get(i..i + n)?);
            i += n;
        } else {
            return None;
        }
    }
    (out.len() == dst).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert() {
        // base "hello world" (11), result "hello there world!" (18):
        // copy 0..6, insert "there ", copy 6..11, insert "!".
        let delta = [
            11, 18, 0x90, 6, 6, b't', b'h', b'e', b'r', b'e', b' ', 0x91, 6, 5, 1, b'!',
        ];
        assert_eq!(
            apply_delta(b"hello world", &delta).as_deref(),
            Some(&b"hello there world!"[..])
        );
        assert_eq!(apply_delta(b"short", &delta), None);
    }

    #[test]
    fn packs_in_memory_and_on_disk_read_the_same_objects() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| crate::git::test_git(dir.path(), args);
        git(&["init", "-q"]);
        for n in 0..4 {
            let text: String = (0..=n).map(|k| format!("line {k}\n")).collect();
            std::fs::write(dir.path().join("a.md"), text).unwrap();
            git(&["add", "a.md"]);
            git(&["commit", "-q", "-m", "c"]);
        }
        git(&["gc", "-q"]);
        let ids: Vec<Oid> = git(&["rev-list", "--objects", "--all"])
            .lines()
            .filter_map(|l| Oid::from_str(l.split(' ').next()?).ok())
            .collect();
        assert!(ids.len() >= 12, "{ids:?}");
        let pack_dir = dir.path().join(".git/objects/pack");
        let names: Vec<_> = std::fs::read_dir(&pack_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        let mut memory = PackReader::new(Packs::load(&names, u64::MAX).unwrap());
        let mut disk = PackReader::new(Packs::load(&names, 0).unwrap());
        assert!(matches!(memory.packs.packs[0].data, PackData::Memory(_)));
        assert!(matches!(disk.packs.packs[0].data, PackData::File(_)));
        for id in ids {
            let a = memory.object(id).unwrap();
            let b = disk.object(id).unwrap();
            assert_eq!((a.0, &a.1[..]), (b.0, &b.1[..]), "{id}");
        }
    }

    #[test]
    fn damaged_indexes_are_left_to_libgit2() {
        let (dir, git) = crate::git::test_repo();
        git(&["gc", "-q"]);
        let idx_path = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        let good = std::fs::read(&idx_path).unwrap();
        assert_eq!(check_index(&good), Some(3));
        // A fan-out entry smaller than the one before it.
        let mut bad = good.clone();
        bad[8 + 4 * 200..8 + 4 * 201].copy_from_slice(&[0, 0, 0, 9]);
        assert_eq!(check_index(&bad), None);
        // Cut short, or with bytes added past what the objects can use.
        assert_eq!(check_index(&good[..good.len() - 1]), None);
        let mut long = good.clone();
        long.extend_from_slice(&[0; 64]);
        assert_eq!(check_index(&long), None);
        // Version 1 and unknown versions are not read here.
        let mut v3 = good.clone();
        v3[7] = 3;
        assert_eq!(check_index(&v3), None);
        // A damaged index leaves its pack out of this reader.
        std::fs::write(&idx_path, &bad).unwrap();
        assert!(Packs::open(&dir.path().join(".git")).is_none());
    }
}
