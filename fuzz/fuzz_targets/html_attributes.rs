//! The raw-HTML attribute scanner (`src/repo/html.rs`) on arbitrary text, handed over line by
//! line with the scanner's state carried across, as pulldown-cmark does. It must never panic,
//! and every value range must select text of its fragment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (n, attrs) in sop::fuzzing::scan_html(text.split_inclusive('\n'))
        .iter()
        .enumerate()
    {
        for a in attrs {
            assert!(
                a.text.is_some(),
                "fragment {n}: value range {:?} of `{}` does not select text",
                a.value,
                a.name
            );
            assert!(
                a.consistent,
                "fragment {n}: attribute `{}` is not before its value",
                a.name
            );
            assert_eq!(a.tag, a.tag.to_ascii_lowercase());
            assert_eq!(a.name, a.name.to_ascii_lowercase());
        }
    }
});
