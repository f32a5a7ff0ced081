//! How alike two files are, measured as git measures it for rename and copy detection
//! (`diffcore-delta.c` and `estimate_similarity` in `diffcore-rename.c`), so that `sop`
//! follows a renamed SOP exactly where `git log --follow` does.
//!
//! Each file is cut into chunks that end at a newline or after 64 bytes; each chunk is hashed
//! into one of 107,927 buckets, and the bytes per bucket are counted. The score is the number
//! of bytes of the new file whose chunks the old file also has, over the larger size, on git's
//! scale of 0 to 60,000 (50 % is 30,000, git's default `-M`).

/// git's full score: identical content.
pub(crate) const MAX_SCORE: u32 = 60_000;

/// git's default minimum score for a rename or copy (`-M50%`).
#[cfg(test)]
pub(crate) const DEFAULT_MIN_SCORE: u32 = 30_000;

const HASHBASE: u32 = 107_927;

/// How many leading bytes git looks at for a NUL to call a file binary.
const FIRST_FEW_BYTES: usize = 8000;

/// A file's chunk counts: (bucket, bytes), sorted by bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spans {
    size: usize,
    counts: Vec<(u32, u32)>,
}

impl Spans {
    /// The chunk counts of `data`.
    pub(crate) fn of(data: &[u8]) -> Spans {
        let is_text = !data
            .get(..data.len().min(FIRST_FEW_BYTES))
            .unwrap_or_default()
            .contains(&0);
        let mut raw: Vec<(u32, u32)> = Vec::with_capacity(data.len() / 32 + 1);
        let (mut accum1, mut accum2, mut n) = (0u32, 0u32, 0u32);
        let mut i = 0;
        while let Some(&c) = data.get(i) {
            i += 1;
            // A CR before LF is not counted in text (CRLF and LF files compare equal).
            if is_text && c == b'\r' && data.get(i) == Some(&b'\n') {
                continue;
            }
            let old_1 = accum1;
            accum1 = (accum1 << 7) ^ (accum2 >> 25);
            accum2 = (accum2 << 7) ^ (old_1 >> 25);
            accum1 = accum1.wrapping_add(u32::from(c));
            n += 1;
            if n < 64 && c != b'\n' {
                continue;
            }
            raw.push((hash(accum1, accum2), n));
            n = 0;
            accum1 = 0;
            accum2 = 0;
        }
        if n > 0 {
            raw.push((hash(accum1, accum2), n));
        }
        raw.sort_unstable_by_key(|&(h, _)| h);
        let mut counts: Vec<(u32, u32)> = Vec::with_capacity(raw.len());
        for (h, n) in raw {
            match counts.last_mut() {
                Some((last, total)) if *last == h => *total += n,
                _ => counts.push((h, n)),
            }
        }
        Spans {
            size: data.len(),
            counts,
        }
    }

    /// The file's size in bytes.
    pub(crate) fn size(&self) -> usize {
        self.size
    }
}

fn hash(accum1: u32, accum2: u32) -> u32 {
    accum1.wrapping_add(accum2.wrapping_mul(0x61)) % HASHBASE
}

/// Whether files of sizes `a` and `b` can reach `min_score` at all: git skips pairs whose sizes
/// differ too much before reading them.
pub(crate) fn sizes_allow(a: usize, b: usize, min_score: u32) -> bool {
    let (max, min) = (a.max(b) as u128, a.min(b) as u128);
    max * u128::from(MAX_SCORE - min_score.min(MAX_SCORE)) >= (max - min) * u128::from(MAX_SCORE)
}

/// How much of `dst` comes from `src`, 0 to [`MAX_SCORE`]; 0 when the sizes alone rule it
/// out for `min_score`.
pub(crate) fn score(src: &Spans, dst: &Spans, min_score: u32) -> u32 {
    let max_size = src.size.max(dst.size);
    if max_size == 0 || !sizes_allow(src.size, dst.size, min_score) {
        return 0;
    }
    let (mut s, mut d) = (src.counts.iter().peekable(), dst.counts.iter().peekable());
    let mut copied: u64 = 0;
    while let (Some(&&(sh, sc)), Some(&&(dh, dc))) = (s.peek(), d.peek()) {
        match sh.cmp(&dh) {
            std::cmp::Ordering::Less => {
                s.next();
            }
            std::cmp::Ordering::Greater => {
                d.next();
            }
            std::cmp::Ordering::Equal => {
                copied += u64::from(sc.min(dc));
                s.next();
                d.next();
            }
        }
    }
    let score = copied * u64::from(MAX_SCORE) / max_size as u64;
    u32::try_from(score).unwrap_or(MAX_SCORE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(range: std::ops::Range<u32>) -> String {
        range
            .map(|i| format!("Line {i} of the procedure.\n"))
            .collect()
    }

    #[test]
    fn identical_files_score_full() {
        let a = Spans::of(lines(0..40).as_bytes());
        assert_eq!(score(&a, &a, DEFAULT_MIN_SCORE), MAX_SCORE);
    }

    #[test]
    fn half_changed_files_are_near_half() {
        let a = Spans::of(lines(0..40).as_bytes());
        let b = Spans::of(format!("{}{}", lines(0..20), lines(100..120)).as_bytes());
        let s = score(&a, &b, 0);
        assert!((25_000..35_000).contains(&s), "{s}");
    }

    #[test]
    fn crlf_and_lf_are_the_same_text() {
        let lf = lines(0..10);
        let crlf = lf.replace('\n', "\r\n");
        let (a, b) = (Spans::of(lf.as_bytes()), Spans::of(crlf.as_bytes()));
        // The sizes differ by the CRs, as in git: the score is copied bytes over the larger.
        assert!(score(&a, &b, 0) > 55_000);
    }

    #[test]
    fn sizes_far_apart_are_ruled_out() {
        let a = Spans::of(lines(0..10).as_bytes());
        let b = Spans::of(lines(0..40).as_bytes());
        assert!(!sizes_allow(a.size(), b.size(), DEFAULT_MIN_SCORE));
        assert_eq!(score(&a, &b, DEFAULT_MIN_SCORE), 0);
    }
}
