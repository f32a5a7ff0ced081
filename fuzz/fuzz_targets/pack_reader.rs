//! The pack reader (`src/git/pack.rs`) on mutated packs: index lookup, entry headers, inflating
//! and delta chains (offset and ref deltas). It must never panic, loop forever or allocate
//! without bound; a damaged pack only makes it answer `None`.
//!
//! Input: a little-endian `u32` index length, the `.idx` bytes, then the `.pack` bytes (the seeds
//! in `corpus/pack_reader/` are packs made by `git gc` and `git pack-objects
//! --no-delta-base-offset`). When the length does not fit, the whole input is the pack and the
//! index is the seed's own, so mutations of the pack alone keep their offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;

static SEED: &[u8] = include_bytes!("../corpus/pack_reader/seed-ofs-delta.bin");
static SEED_REF: &[u8] = include_bytes!("../corpus/pack_reader/seed-ref-delta.bin");

/// The index and pack in `input`, when its length prefix fits.
fn split(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_le_bytes(input.get(..4)?.try_into().ok()?) as usize;
    let rest = input.get(4..)?;
    (len <= rest.len()).then(|| rest.split_at(len))
}

/// The object ids listed in index `idx` (version 2), at most `max`.
fn ids(idx: &[u8], max: usize) -> Vec<[u8; 20]> {
    let Some(count) = idx.get(8 + 255 * 4..8 + 256 * 4) else {
        return Vec::new();
    };
    let count = u32::from_be_bytes(count.try_into().unwrap_or_default()) as usize;
    (0..count.min(max))
        .map_while(|k| idx.get(8 + 256 * 4 + k * 20..8 + 256 * 4 + (k + 1) * 20))
        .map(|id| id.try_into().unwrap())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let (seed_idx, _) = split(SEED).expect("the seed is an index and a pack");
    let (idx, pack) = split(data).unwrap_or((seed_idx, data));
    let mut wanted = ids(seed_idx, 256);
    wanted.extend(ids(idx, 64));
    // An id that is nowhere, and one found only by a damaged fan-out table.
    wanted.push([0; 20]);
    wanted.push([0xff; 20]);
    // A damaged delta cycle costs 10,000 steps before the reader gives up: ask once per id.
    wanted.sort_unstable();
    wanted.dedup();
    let got = sop::fuzzing::read_pack(idx, pack, &wanted).expect("temporary files");
    assert_eq!(got.len(), wanted.len());
    if data == SEED || data == SEED_REF {
        // Undamaged packs made by git: every object they list is read (else the fuzzing
        // would only ever see the reader give up).
        let listed = ids(idx, 256).len();
        assert!(listed > 40, "the seed lists {listed} objects");
        let read = got.iter().filter(|g| g.is_some()).count();
        assert!(
            read >= listed,
            "read {read} of the {listed} objects of a valid pack"
        );
    }
    for (kind, _) in got.into_iter().flatten() {
        assert!((1..=4).contains(&kind), "object of type {kind}");
    }
});
