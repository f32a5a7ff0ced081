//! English wording shared by every message: counts with the right plural ("1 day", "3 days"),
//! the article before a noun ("a runbook", "an alert-runbook"), lists ("`A`, `B` or `C`") and
//! names written inside a sentence ("Roles and Responsibilities" → "roles and responsibilities")
//! and words in a command the reader pastes into a shell (`git add "images/payout console.png"`).
//!
//! One place, so that no message says "1 days" or "a alert-runbook". A leaf: it depends on
//! nothing else in the crate.

/// `one` when `n` is 1, else `many`: `plural(n, "file is", "files are")`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` and the noun in the number `n` asks for: `count(1, "day")` is "1 day", `count(3, "day")`
/// "3 days", `count(2, "entry")` "2 entries". For nouns that do not take a regular English plural
/// use [`count_with`].
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", plural_of(noun))
    }
}

/// `n` and `one` or `many`: `count_with(2, "SOP", "SOPs")` is "2 SOPs".
pub fn count_with(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// [`count`] for a signed number (a number of days may be negative): "-1 day", "-3 days".
pub fn count_signed(n: i64, noun: &str) -> String {
    let abs = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    if n < 0 {
        format!("-{}", count(abs, noun))
    } else {
        count(abs, noun)
    }
}

/// The regular English plural of `noun`: "day" → "days", "entry" → "entries", "box" →
/// "boxes"; an upper-case acronym takes a bare "s" ("SOP" → "SOPs").
pub fn plural_of(noun: &str) -> String {
    let lower = noun.to_ascii_lowercase();
    let acronym = noun.len() > 1 && noun.chars().all(|c| !c.is_lowercase());
    if acronym {
        return format!("{noun}s");
    }
    let before_last = lower.chars().rev().nth(1);
    let vowel = |c: Option<char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u'));
    if let Some(stem) = noun.strip_suffix('y')
        && !vowel(before_last)
        && !noun.is_empty()
    {
        return format!("{stem}ies");
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return format!("{noun}es");
    }
    format!("{noun}s")
}

/// `text` with its first letter in upper case, as a sentence starts.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a" or "an" before `word`, by how the word is said: "an alert", "an SOP", "an hour", "a
/// user", "a one-off", "a runbook". Backticks and quotes in front are skipped.
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '"', '\'', '*', '_', '(']);
    let lower = w.to_lowercase();
    // Short acronyms are spelt out, and their first letter may sound like a vowel ("an SOP",
    // "an FAQ"); longer ones are said as words ("a RACI table").
    let first_word: String = w.chars().take_while(|c| c.is_alphanumeric()).collect();
    let letters = first_word.chars().count();
    let acronym = (2..=3).contains(&letters)
        && first_word.chars().any(char::is_uppercase)
        && first_word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit());
    if acronym {
        return match first_word.chars().next() {
            Some('A' | 'E' | 'F' | 'H' | 'I' | 'L' | 'M' | 'N' | 'O' | 'R' | 'S' | 'X') => "an",
            _ => "a",
        };
    }
    // Vowel letters said with a consonant sound, and silent h.
    const A: [&str; 12] = [
        "uni", "use", "usa", "usu", "ute", "uti", "ure", "eu", "ewe", "one", "once", "ubiq",
    ];
    const AN: [&str; 4] = ["hour", "honest", "honor", "honour"];
    if A.iter().any(|p| lower.starts_with(p)) {
        return "a";
    }
    if AN.iter().any(|p| lower.starts_with(p)) {
        return "an";
    }
    match lower.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        // A digit is said as its number: "an 8-step list", "an 11-step list".
        Some('8') => "an",
        Some('1') if lower.starts_with("11") || lower.starts_with("18") => {
            let digits = lower.chars().take_while(char::is_ascii_digit).count();
            if digits == 2 { "an" } else { "a" }
        }
        _ => "a",
    }
}

/// `word` with its article: "an alert-runbook", "a runbook".
pub fn with_article(word: &str) -> String {
    format!("{} {word}", article(word))
}

/// Items joined for a sentence: "`A`", "`A` or `B`", "`A`, `B` or `C`" (with `last` as the
/// final joining word: "or", "and").
pub fn list(items: &[impl AsRef<str>], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., end] => format!(
            "{} {last} {}",
            rest.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            end.as_ref()
        ),
    }
}

/// A heading or name as it reads inside a sentence: words in title case are lower-cased
/// ("Roles and Responsibilities" → "roles and responsibilities"), acronyms and names with
/// capitals inside stay ("SLA Targets" → "SLA targets", "GitHub Issues" → "GitHub issues").
pub fn in_sentence(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let mut chars = word.chars();
        let title_case = chars.next().is_some_and(char::is_uppercase)
            && chars.clone().any(char::is_lowercase)
            && chars.all(|c| !c.is_uppercase());
        if title_case {
            out.push_str(&word.to_lowercase());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in name.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `text` as one word to paste into a shell (a path, a message in a suggested command): as it is when that is safe, else in double quotes,
/// else (it holds `"`, `$`, `` ` ``, `\` or `!`) in single quotes.
pub fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_./:=@+,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else if !text.contains(['"', '$', '`', '\\', '!']) {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_plural_the_number_asks_for() {
        assert_eq!(count(1, "day"), "1 day");
        assert_eq!(count(0, "day"), "0 days");
        assert_eq!(count(12, "day"), "12 days");
        assert_eq!(count(2, "entry"), "2 entries");
        assert_eq!(count(2, "day"), "2 days");
        assert_eq!(count(3, "box"), "3 boxes");
        assert_eq!(count(3, "match"), "3 matches");
        assert_eq!(count(2, "SOP"), "2 SOPs");
        assert_eq!(count(1, "SOP"), "1 SOP");
        assert_eq!(count_with(2, "file is", "files are"), "2 files are");
        assert_eq!(count_signed(-1, "day"), "-1 day");
        assert_eq!(count_signed(-4, "day"), "-4 days");
        assert_eq!(plural(1, "it", "them"), "it");
        assert_eq!(plural(5, "it", "them"), "them");
    }

    #[test]
    fn articles_follow_the_sound() {
        for (word, a) in [
            ("alert-runbook", "an"),
            ("runbook", "a"),
            ("procedure", "a"),
            ("incident review", "an"),
            ("`alert-runbook`", "an"),
            ("SOP", "an"),
            ("FAQ", "an"),
            ("RACI table", "a"),
            ("user guide", "a"),
            ("unit", "a"),
            ("umbrella policy", "an"),
            ("hour", "an"),
            ("European policy", "a"),
            ("one-off task", "a"),
            ("8-step list", "an"),
            ("11-step list", "an"),
            ("12-step list", "a"),
            ("", "a"),
        ] {
            assert_eq!(article(word), a, "{word}");
        }
        assert_eq!(with_article("alert-runbook"), "an alert-runbook");
    }

    #[test]
    fn lists_read_as_a_sentence() {
        let none: [&str; 0] = [];
        assert_eq!(list(&none, "or"), "");
        assert_eq!(list(&["`A`"], "or"), "`A`");
        assert_eq!(list(&["`A`", "`B`"], "or"), "`A` or `B`");
        assert_eq!(list(&["A", "B", "C"], "and"), "A, B and C");
    }

    #[test]
    fn names_inside_a_sentence_lose_title_case_only() {
        assert_eq!(in_sentence("Meaning"), "meaning");
        assert_eq!(
            in_sentence("Roles and Responsibilities"),
            "roles and responsibilities"
        );
        assert_eq!(in_sentence("SLA Targets"), "SLA targets");
        assert_eq!(in_sentence("Follow-up"), "follow-up");
        assert_eq!(in_sentence("GitHub Issues"), "GitHub issues");
        assert_eq!(in_sentence("Qué hacer"), "qué hacer");
        assert_eq!(in_sentence("退款"), "退款");
    }

    #[test]
    fn shell_words_paste_back_as_one_word() {
        assert_eq!(
            shell_word("sops/x/images/payout console.png"),
            "\"sops/x/images/payout console.png\""
        );
        assert_eq!(shell_word("sops/x/a(1)&b.png"), "\"sops/x/a(1)&b.png\"");
        assert_eq!(
            shell_word("sops/支付/SOP-0001.zh.md"),
            "sops/支付/SOP-0001.zh.md"
        );
        assert_eq!(shell_word("SOP-0001"), "SOP-0001");
        assert_eq!(
            shell_word("First approved version"),
            "\"First approved version\""
        );
        assert_eq!(shell_word(""), "\"\"");
        assert_eq!(shell_word("Say \"hi\""), "'Say \"hi\"'");
        assert_eq!(shell_word("it's $5"), "'it'\\''s $5'");
    }
}
