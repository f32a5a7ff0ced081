//! Trailers of commit and tag messages, read as git reads them (`git interpret-trailers
//! --parse`, `git log --format=%(trailers)`): `Key: value` lines in the **last paragraph** of a
//! message, never in its title. A trailer-like line anywhere else is text. Pure text: this
//! module depends on nothing else in `sop`.
//!
//! git's rules, from its `trailer.c`:
//!
//! - the first paragraph is the title and holds no trailers;
//! - the trailer block is the last paragraph (blank lines at the end do not count);
//! - a trailer line starts with a key of ASCII letters, digits and `-`, then optional spaces,
//!   then `:`; a line that starts with a space or tab continues the trailer above it;
//! - lines that start with `#` (comments) are skipped;
//! - a signed tag's signature, appended after its message, is not part of the message.
//!
//! git also takes a last paragraph that mixes trailers and text when it holds a line git itself
//! writes (`Signed-off-by:`, `(cherry picked from commit`) and a quarter of it is trailers; `sop`
//! does not: a paragraph with a line of text in it is text, so no sentence can turn into a
//! record.

/// The trailer `sop release --approve` writes with each approver's name and e-mail.
pub const APPROVED_BY: &str = "Approved-by";
/// The trailer with the day of the approval above it.
pub const APPROVED_ON: &str = "Approved-on";
/// The trailer with what the approval above it means.
pub const APPROVAL_MEANING: &str = "Approval-meaning";
/// The trailer `sop review` writes with the reviewed SOP's id.
pub const REVIEW: &str = "Sop-Review";

/// Every trailer `sop` writes and reads back.
pub const SOP_KEYS: [&str; 4] = [APPROVED_BY, APPROVED_ON, APPROVAL_MEANING, REVIEW];

/// How the signatures git appends to a signed tag's message begin (OpenPGP, X.509, SSH).
const SIGNATURE_STARTS: [&str; 4] = [
    "-----BEGIN PGP SIGNATURE-----",
    "-----BEGIN PGP MESSAGE-----",
    "-----BEGIN SIGNED MESSAGE-----",
    "-----BEGIN SSH SIGNATURE-----",
];

/// One trailer: its key as written and its value, continuation lines joined by a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// The key, as written (`Approved-by`); compare it without regard to case.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
}

impl Trailer {
    /// Whether the key is `key`, ignoring case as git does.
    pub fn is(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

/// The trailers of a commit or tag message, in order; empty when its last paragraph is not a
/// trailer block.
pub fn parse(message: &str) -> Vec<Trailer> {
    let message = &message[..signature_start(message)];
    let lines: Vec<&str> = message.split('\n').collect();
    // Blank as git's `is_blank_line` has it: spaces, tabs and a carriage return only (a line of
    // a no-break space is text, and does not end a paragraph).
    let blank = |l: &str| l.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
    let comment = |l: &str| l.starts_with('#');
    // The title runs to the first blank line; without one the message is all title.
    let Some(title_end) = lines.iter().position(|l| !comment(l) && blank(l)) else {
        return Vec::new();
    };
    let Some(last) = lines.iter().rposition(|l| !blank(l)) else {
        return Vec::new();
    };
    if last < title_end {
        return Vec::new();
    }
    let first = lines
        .get(..last)
        .and_then(|before| before.iter().rposition(|l| !comment(l) && blank(l)))
        .map_or(0, |i| i + 1);
    let mut out: Vec<Trailer> = Vec::new();
    for line in lines.get(first..=last).unwrap_or_default() {
        if comment(line) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation line; one before any trailer makes the paragraph text.
            let Some(t) = out.last_mut() else {
                return Vec::new();
            };
            t.value = format!("{} {}", t.value, line.trim()).trim().to_string();
            continue;
        }
        let Some((key, value)) = split(line) else {
            return Vec::new();
        };
        out.push(Trailer {
            key: key.to_string(),
            value: value.trim().to_string(),
        });
    }
    out
}

/// The key and the rest of `line` when it reads as a trailer line, by git's rule: a key of
/// ASCII letters, digits and `-`, optional spaces or tabs, then `:`.
pub fn split(line: &str) -> Option<(&str, &str)> {
    let mut spaces = false;
    for (i, c) in line.char_indices() {
        if c == ':' {
            return (i > 0).then(|| (line[..i].trim_end(), &line[i + 1..]));
        }
        if !spaces && (c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if i > 0 && (c == ' ' || c == '\t') {
            spaces = true;
            continue;
        }
        return None;
    }
    None
}

/// The `sop` trailer key `line` would be read as, were it in a trailer block: `Approved-by`
/// for `approved-BY : x`. Leading spaces are ignored, as a summary's lines are trimmed.
pub fn sop_key_of(line: &str) -> Option<&'static str> {
    let (key, _) = split(line.trim_start())?;
    SOP_KEYS.into_iter().find(|k| k.eq_ignore_ascii_case(key))
}

/// Whether `line` starts a signature, which git cuts from a tag's message.
pub fn starts_signature(line: &str) -> bool {
    SIGNATURE_STARTS.iter().any(|s| line.starts_with(s))
}

/// Where a signed tag's signature starts: the last line that starts one, as git finds it;
/// the message's length when there is none.
fn signature_start(message: &str) -> usize {
    let mut at = message.len();
    let mut offset = 0;
    for line in message.split_inclusive('\n') {
        if starts_signature(line) {
            at = offset;
        }
        offset += line.len();
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(message: &str) -> Vec<(String, String)> {
        parse(message)
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn a_line_of_other_white_space_does_not_end_a_paragraph() {
        // git's blank lines hold spaces, tabs and a carriage return only: a no-break space, a
        // form feed or an ideographic space is text, so the paragraph holds a line of text and
        // is no trailer block.
        for sep in ["\u{a0}", "\u{c}", "\u{b}", "\u{3000}", "\u{2003}"] {
            let m = format!("T\n\ntext\n{sep}\nApproved-by: A\n");
            assert!(keys(&m).is_empty(), "{sep:?}");
        }
        assert_eq!(
            keys("T\n\ntext\n \t\r\nApproved-by: A\n"),
            [pair("Approved-by", "A")]
        );
    }

    #[test]
    fn only_the_last_paragraph_holds_trailers() {
        let m =
            "Fix\n\nApproved-by: CEO\n\nApproved-by: Lena <l@x.org>\nApproved-on: 2026-11-30\n\n";
        assert_eq!(
            keys(m),
            [
                pair("Approved-by", "Lena <l@x.org>"),
                pair("Approved-on", "2026-11-30")
            ]
        );
    }

    #[test]
    fn a_paragraph_with_text_the_title_and_a_lone_title_hold_none() {
        assert!(keys("Fix\n\nApproved-by: CEO\nas agreed\n").is_empty());
        assert!(keys("Approved-by: CEO\n").is_empty());
        assert!(keys("Approved-by: CEO\nSop-Review: SOP-0001\n").is_empty());
        assert!(keys("Fix\n\n  indented: first\n").is_empty());
        assert!(keys("").is_empty());
    }

    #[test]
    fn continuations_comments_spaces_and_case_follow_git() {
        let m = "Fix\n\n# a comment\nApproval-meaning : approved\n  for use\nsop-review:SOP-0001\n";
        let t = parse(m);
        assert_eq!(
            keys(m),
            [
                pair("Approval-meaning", "approved for use"),
                pair("sop-review", "SOP-0001")
            ]
        );
        assert!(t[1].is(REVIEW));
        assert!(keys("Fix\n\nApproved by: CEO\n").is_empty());
        assert!(keys("Fix\n\n: x\n").is_empty());
    }

    #[test]
    fn a_signature_is_not_part_of_the_message() {
        let m = "Fix\n\nApproved-by: Lena\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";
        assert_eq!(keys(m), [pair("Approved-by", "Lena")]);
        let ssh = "Fix\n\nApproved-by: Lena\n-----BEGIN SSH SIGNATURE-----\nabc\n";
        assert_eq!(keys(ssh), [pair("Approved-by", "Lena")]);
    }

    #[test]
    fn sop_keys_are_found_in_any_case_with_spaces() {
        assert_eq!(sop_key_of("  approved-BY : x"), Some(APPROVED_BY));
        assert_eq!(sop_key_of("Sop-Review: SOP-1"), Some(REVIEW));
        assert_eq!(sop_key_of("Reviewed-by: x"), None);
        assert_eq!(sop_key_of("The line Approved-by: was unclear"), None);
        assert!(starts_signature("-----BEGIN SSH SIGNATURE-----"));
    }
}
