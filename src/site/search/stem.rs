//! Light stemming: the endings that inflect a word are cut, so `escalate`, `escalated` and
//! `escalation` share the stem `escal`. English and Spanish; other languages are not stemmed
//! (their words still match whole and by prefix). `templates/site/search.js` stems the
//! search box's words with the same rules, so both sides must change together.
//!
//! Light on purpose: a stem is only ever used to find more words, never instead of the word.

/// The languages with a stemmer.
pub(crate) const LANGUAGES: [&str; 2] = ["en", "es"];

/// The stemmer for a language tag (`en`, `es-MX`), if there is one.
pub(crate) fn for_language(tag: &str) -> Option<fn(&str) -> String> {
    match tag.split(['-', '_']).next().unwrap_or(tag) {
        "en" => Some(english),
        "es" => Some(spanish),
        _ => None,
    }
}

/// The shortest stem an ending is cut down to (in characters).
const MIN_STEM: usize = 3;

/// `word` without `suffix` when what is left keeps [`MIN_STEM`] characters.
fn cut<'w>(word: &'w str, suffix: &str) -> Option<&'w str> {
    word.strip_suffix(suffix)
        .filter(|rest| rest.chars().count() >= MIN_STEM)
}

/// English: plurals, then one derivational or inflectional ending, then `y` → `i` and a
/// doubled final consonant made single (`running` → `run`).
pub(crate) fn english(word: &str) -> String {
    if word.chars().count() <= MIN_STEM {
        return word.to_string();
    }
    let mut w = word.to_string();
    if let Some(rest) = cut(&w, "ies") {
        w = format!("{rest}y");
    } else if let Some(rest) = cut(&w, "sses") {
        w = format!("{rest}ss");
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && let Some(rest) = cut(&w, "s")
    {
        w = rest.to_string();
    }
    const ENDINGS: [&str; 18] = [
        "ational", "ation", "ating", "ated", "ate", "ement", "ment", "ness", "ity", "ion", "ing",
        "ed", "er", "ly", "al", "ive", "ize", "e",
    ];
    for ending in ENDINGS {
        if let Some(rest) = cut(&w, ending) {
            w = rest.to_string();
            break;
        }
    }
    if let Some(rest) = w.strip_suffix('y')
        && rest.chars().count() >= MIN_STEM
    {
        w = format!("{rest}i");
    }
    let mut last = w.chars().rev();
    if let (Some(a), Some(b)) = (last.next(), last.next())
        && a == b
        && !"lszaeiou".contains(a)
        && w.chars().count() > MIN_STEM
    {
        w.pop();
    }
    w
}

/// Spanish: accents removed, then `-mente`, plurals (`-ciones` → `-cion`, `-ces` → `-z`,
/// `-es`, `-s`) and the final gender vowel (`reembolsos` and `reembolso` → `reembols`).
pub(crate) fn spanish(word: &str) -> String {
    let mut w: String = word
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            other => other,
        })
        .collect();
    if w.chars().count() <= MIN_STEM {
        return w;
    }
    if let Some(rest) = cut(&w, "mente") {
        w = rest.to_string();
    }
    if let Some(rest) = cut(&w, "ciones") {
        w = format!("{rest}cion");
    } else if let Some(rest) = cut(&w, "ces") {
        w = format!("{rest}z");
    } else if let Some(rest) = cut(&w, "es") {
        w = rest.to_string();
    } else if let Some(rest) = cut(&w, "s") {
        w = rest.to_string();
    }
    for vowel in ["a", "o", "e"] {
        if let Some(rest) = cut(&w, vowel) {
            w = rest.to_string();
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Language, word, stem: the browser test (tests/e2e/search.test.mjs) checks the same
    /// list against `search.js`, so the two stemmers cannot drift apart.
    const CASES: &str = include_str!("../../../tests/fixtures/search/stems.tsv");

    #[test]
    fn forms_of_a_word_share_a_stem() {
        let mut checked = 0;
        for line in CASES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            let [lang, word, stem] = fields[..] else {
                panic!("stems.tsv: `{line}` is not language, word, stem");
            };
            let stemmer = for_language(lang).expect("a language with a stemmer");
            assert_eq!(stemmer(word), stem, "{lang} {word}");
            checked += 1;
        }
        assert!(checked >= 20, "stems.tsv holds {checked} cases");
    }

    #[test]
    fn languages_are_chosen_by_their_base_tag() {
        assert!(for_language("es-MX").is_some());
        assert!(for_language("en").is_some());
        assert!(for_language("ja").is_none());
    }
}
