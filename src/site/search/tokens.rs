//! Words of a text as the search index and the search box read them (the rules of
//! `templates/site/search.js`, which must agree with these).
//!
//! A word is a run of letters and digits, lowercase. Runs joined by one connector character
//! (`-`, `_`, `.`, `,`, `/`, `@`, `:`, `'`, `’`) form a compound, kept whole as well as split:
//! `RF-Store` gives `rf-store`, `rf` and `store`; a number such as `5,000` also gives `5000`,
//! and words joined by hyphens alone also give their runs written together: `e-mail` gives
//! `email`, `follow-up` gives `followup`, as many write them.
//! A curly apostrophe in a compound is read as a straight one: `creator’s` gives `creator's`.
//! Nothing matches inside a word: `keeping` never gives `pin`.

use std::borrow::Cow;

/// The longest compound kept whole (longer ones, such as web addresses, keep only their parts).
pub(crate) const MAX_COMPOUND: usize = 40;

/// Characters that join two runs of letters and digits into one compound.
pub(crate) fn is_connector(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | ',' | '/' | '@' | ':' | '\'' | '’')
}

/// A word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// A run of letters and digits with no connector: `refund`.
    Word(Cow<'a, str>),
    /// A compound, whole: `rf-store`, `5,000`.
    Compound(Cow<'a, str>),
    /// One run of a compound: `rf`, `store`.
    Part(Cow<'a, str>),
    /// A number written with separators, joined: `5000` for `5,000`; words joined by hyphens
    /// alone, written together: `email` for `e-mail`.
    Joined(Cow<'a, str>),
}

impl<'a> Token<'a> {
    /// The text of the token, lowercase.
    pub(crate) fn text(&self) -> &str {
        match self {
            Token::Word(t) | Token::Compound(t) | Token::Part(t) | Token::Joined(t) => t,
        }
    }

    /// Whether the token may be stemmed: a word, a part or hyphenated words written together,
    /// of letters only (as a word of the same letters is).
    pub(crate) fn stemmable(&self) -> bool {
        matches!(self, Token::Word(_) | Token::Part(_) | Token::Joined(_))
            && is_stemmable(self.text())
    }
}

/// Whether a word may be stemmed: letters only (so never a compound or a number).
pub(crate) fn is_stemmable(word: &str) -> bool {
    word.chars().all(char::is_alphabetic)
}

/// `text` in lowercase: borrowed when the scan found nothing to lower (`plain`), as for most
/// words of a text.
fn lower(text: &str, plain: bool) -> Cow<'_, str> {
    if plain {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// The character at byte `i` of `text` (a character boundary), read quickly when it is ASCII.
#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        Some(char::from(b))
    } else {
        text.get(i..)?.chars().next()
    }
}

/// A letter or digit of any script.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Whether `c` is already lowercase as far as [`lower`] is concerned (ASCII and not upper).
#[inline]
fn is_plain(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_uppercase()
}

/// Calls `each` with every token of `text`, in order (a compound first, then its parts).
pub(crate) fn tokens<'a>(text: &'a str, mut each: impl FnMut(Token<'a>)) {
    // Each run of a compound: where it starts and ends, and whether it is already lowercase.
    let mut runs: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        if !is_word_char(c) {
            i += c.len_utf8();
            continue;
        }
        // Collect the runs of one compound.
        runs.clear();
        let start = i;
        let mut run_start = start;
        let mut end = start + c.len_utf8();
        let mut run_plain = is_plain(c);
        while let Some(d) = char_at(text, end) {
            if is_word_char(d) {
                run_plain &= is_plain(d);
                end += d.len_utf8();
                continue;
            }
            if is_connector(d) {
                let next = end + d.len_utf8();
                if let Some(after) = char_at(text, next).filter(|&a| is_word_char(a)) {
                    runs.push((run_start, end, run_plain));
                    run_start = next;
                    end = next + after.len_utf8();
                    run_plain = is_plain(after);
                    continue;
                }
            }
            break;
        }
        runs.push((run_start, end, run_plain));
        i = end;
        let whole = &text[start..end];
        if let [(_, _, plain)] = runs[..] {
            each(Token::Word(lower(whole, plain)));
            continue;
        }
        // Connectors are lowercase already, except `’`, which `to_lowercase` keeps as it is.
        let plain = runs.iter().all(|r| r.2);
        let mut lower_whole = lower(whole, plain);
        // A curly apostrophe (a phone's keyboard, text pasted from Word) is the straight one.
        if lower_whole.contains('’') {
            lower_whole = Cow::Owned(lower_whole.replace('’', "'"));
        }
        if lower_whole.chars().count() <= MAX_COMPOUND {
            let number = lower_whole
                .chars()
                .all(|c| c.is_numeric() || is_connector(c));
            // Between two runs is one connector: a hyphen each time, for hyphenated words.
            let hyphens = runs
                .windows(2)
                .all(|w| text.get(w[0].1..w[1].0) == Some("-"));
            let joined = if number {
                Some(
                    lower_whole
                        .chars()
                        .filter(|c| c.is_numeric())
                        .collect::<String>(),
                )
            } else if hyphens {
                Some(lower_whole.replace('-', ""))
            } else {
                None
            };
            each(Token::Compound(lower_whole));
            if let Some(joined) = joined {
                each(Token::Joined(Cow::Owned(joined)));
            }
        }
        for &(a, b, plain) in &runs {
            each(Token::Part(lower(&text[a..b], plain)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Token<'_>> {
        let mut out = Vec::new();
        tokens(text, |t| out.push(t));
        out
    }

    fn texts(text: &str) -> Vec<String> {
        all(text).iter().map(|t| t.text().to_string()).collect()
    }

    #[test]
    fn a_curly_apostrophe_is_a_straight_one() {
        assert_eq!(texts("supervisor’s"), texts("supervisor's"));
        assert_eq!(texts("Creator’s"), ["creator's", "creator", "s"]);
    }

    #[test]
    fn compounds_are_kept_whole_and_split() {
        assert_eq!(
            all("Run RF-Store now."),
            vec![
                Token::Word("run".into()),
                Token::Compound("rf-store".into()),
                Token::Joined("rfstore".into()),
                Token::Part("rf".into()),
                Token::Part("store".into()),
                Token::Word("now".into()),
            ]
        );
        assert_eq!(
            texts("the fraud-check macro"),
            [
                "the",
                "fraud-check",
                "fraudcheck",
                "fraud",
                "check",
                "macro"
            ]
        );
    }

    #[test]
    fn hyphenated_words_are_also_written_together() {
        assert_eq!(
            all("Send an E-mail"),
            vec![
                Token::Word("send".into()),
                Token::Word("an".into()),
                Token::Compound("e-mail".into()),
                Token::Joined("email".into()),
                Token::Part("e".into()),
                Token::Part("mail".into()),
            ]
        );
        assert_eq!(
            texts("the follow-up-call"),
            [
                "the",
                "follow-up-call",
                "followupcall",
                "follow",
                "up",
                "call"
            ]
        );
        assert!(
            all("e-mail")
                .iter()
                .any(|t| t.stemmable() && t.text() == "email")
        );
        // Other connectors join nothing: a path or an address is no word.
        assert_eq!(texts("a/b-c"), ["a/b-c", "a", "b", "c"]);
        assert_eq!(texts("rf_store"), ["rf_store", "rf", "store"]);
    }

    #[test]
    fn numbers_with_separators_are_also_joined() {
        assert_eq!(
            texts("over 5,000 EUR"),
            ["over", "5,000", "5000", "5", "000", "eur"]
        );
    }

    #[test]
    fn punctuation_at_the_end_of_a_word_is_not_a_connector() {
        assert_eq!(texts("end. Next, - then"), ["end", "next", "then"]);
        assert_eq!(texts("--flag"), ["flag"]);
    }

    #[test]
    fn letters_of_any_script_are_words() {
        assert_eq!(
            texts("Política de reembolsos"),
            ["política", "de", "reembolsos"]
        );
        assert_eq!(texts("返金 ポリシー"), ["返金", "ポリシー"]);
    }

    #[test]
    fn no_word_is_found_inside_another() {
        assert_eq!(texts("keeping"), ["keeping"]);
    }

    #[test]
    fn long_compounds_keep_only_their_parts() {
        let url = "https://git.example.com/operations/standard-operating-procedures/blob/main";
        let t = texts(url);
        assert!(t.iter().all(|t| t.chars().count() <= MAX_COMPOUND), "{t:?}");
        assert!(t.contains(&"procedures".to_string()));
    }

    #[test]
    fn only_letter_words_parts_and_joined_words_are_stemmable() {
        let stemmable: Vec<String> = all("escalation RF-Store 5,000 x2")
            .into_iter()
            .filter(Token::stemmable)
            .map(|t| t.text().to_string())
            .collect();
        assert_eq!(stemmable, ["escalation", "rfstore", "rf", "store"]);
    }

    /// The tokenizer as first written (one `char` at a time), to hold the fast one to.
    fn reference(text: &str) -> Vec<(&'static str, String)> {
        let low = |t: &str| t.to_lowercase();
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        while let Some((start, c)) = chars.next() {
            if !c.is_alphanumeric() {
                continue;
            }
            runs.clear();
            let mut run_start = start;
            let mut end = start + c.len_utf8();
            loop {
                match chars.peek().copied() {
                    Some((i, d)) if d.is_alphanumeric() => {
                        end = i + d.len_utf8();
                        chars.next();
                    }
                    Some((i, d)) if is_connector(d) => {
                        let after = text[i + d.len_utf8()..].chars().next();
                        if after.is_some_and(char::is_alphanumeric) {
                            runs.push((run_start, end));
                            chars.next();
                            run_start = i + d.len_utf8();
                            end = run_start;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            runs.push((run_start, end));
            let whole = &text[start..end];
            if runs.len() == 1 {
                out.push(("word", low(whole)));
                continue;
            }
            let lower_whole = low(whole).replace('’', "'");
            if lower_whole.chars().count() <= MAX_COMPOUND {
                out.push(("compound", lower_whole.clone()));
                if lower_whole
                    .chars()
                    .all(|c| c.is_numeric() || is_connector(c))
                {
                    out.push((
                        "joined",
                        lower_whole.chars().filter(|c| c.is_numeric()).collect(),
                    ));
                } else if runs.windows(2).all(|w| &text[w[0].1..w[1].0] == "-") {
                    out.push(("joined", lower_whole.replace('-', "")));
                }
            }
            for &(a, b) in &runs {
                out.push(("part", low(&text[a..b])));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_fast_tokenizer_reads_as_the_first_one_did(
            text in "[a-zA-Z0-9 ,.:/@_'’\\-éÉßİΣ返金٣²!?<>]{0,60}"
        ) {
            let read: Vec<(&str, String)> = all(&text)
                .iter()
                .map(|t| {
                    let kind = match t {
                        Token::Word(_) => "word",
                        Token::Compound(_) => "compound",
                        Token::Part(_) => "part",
                        Token::Joined(_) => "joined",
                    };
                    (kind, t.text().to_string())
                })
                .collect();
            proptest::prop_assert_eq!(read, reference(&text));
        }
    }
}
