//! Approval records: who approved one released text, when, and what the approval means.
//!
//! They live as trailers at the end of the release commit's message and of the tag message
//! (DESIGN.md, Versioning in git), one group per approver:
//!
//! ```text
//! Approved-by: Lena Fischer <lena@example.com>
//! Approved-on: 2026-11-30
//! Approval-meaning: approved for use
//! ```
//!
//! An `Approved-on` or `Approval-meaning` line belongs to the `Approved-by` line before it.
//! They are read from the message's trailer block alone ([`super::trailers`]): an
//! `Approved-by:` line in the text above it is text, never an approval.

use serde::Serialize;

/// The meaning an approval has when `--meaning` is not given.
pub const DEFAULT_MEANING: &str = "approved for use";

/// What an approval means when none is given for a retirement: the SOP leaves force.
pub const RETIREMENT_MEANING: &str = "approved for retirement";

/// The placeholder for the approver in advice, to be replaced by a real name.
pub const APPROVER_PLACEHOLDER: &str = "Name <name@example.com>";

/// Advice to approve `id`'s text, whole, to paste: `` `sop release SOP-0001 --patch -m "..."
/// --approve --approver "Name <name@example.com>"` (the real name of who approved it in place of
/// `Name <name@example.com>`) ``. `bump` is `--patch`, `--version 1.0.0`, ...
pub fn approve_command(id: &str, bump: &str, message: &str) -> String {
    format!(
        "`sop release {id} {bump} -m \"{message}\" --approve --approver \"{APPROVER_PLACEHOLDER}\"` (the real name of who approved it in place of `{APPROVER_PLACEHOLDER}`)"
    )
}

use super::trailers::{APPROVAL_MEANING as MEANING, APPROVED_BY as BY, APPROVED_ON as ON};

/// One person's approval of one released version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    /// The approver's name.
    pub name: String,
    /// Their e-mail, when it was given (`Name <email>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The day of the approval, `YYYY-MM-DD`.
    pub date: String,
    /// What the approval means (`approved for use`).
    pub meaning: String,
}

impl Approval {
    /// Read `Name <email>` or a bare name, as typed after `--approver`. Angle brackets that do
    /// not close an e-mail are dropped, as git drops them from names. `None` when no name is
    /// left.
    pub fn parse_person(text: &str, date: &str, meaning: &str) -> Option<Approval> {
        let text = text.trim();
        let (name, email) = match (text.rfind('<'), text.ends_with('>')) {
            (Some(open), true) => {
                let email = text[open + 1..text.len() - 1].trim();
                (&text[..open], (!email.is_empty()).then(|| clean(email)))
            }
            _ => (text, None),
        };
        let name = clean(name);
        if name.is_empty() {
            return None;
        }
        Some(Approval {
            name,
            email,
            date: date.to_string(),
            meaning: clean(meaning),
        })
    }

    /// `Name <email>` or `Name`.
    pub fn person(&self) -> String {
        match &self.email {
            Some(e) => format!("{} <{e}>", self.name),
            None => self.name.clone(),
        }
    }
}

/// A name or e-mail as git would store it: no `<`, `>` or line breaks, spaces collapsed.
pub fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The trailer block for `approvals` (no leading blank line, ends with a newline).
pub fn trailers(approvals: &[Approval]) -> String {
    let mut out = String::new();
    for a in approvals {
        out.push_str(&format!("{BY}: {}\n", a.person()));
        out.push_str(&format!("{ON}: {}\n", a.date));
        out.push_str(&format!("{MEANING}: {}\n", a.meaning));
    }
    out
}

/// The approvals recorded in a commit or tag message's trailer block.
pub fn from_message(message: &str) -> Vec<Approval> {
    let mut out: Vec<Approval> = Vec::new();
    for t in super::trailers::parse(message) {
        if t.is(BY) {
            if let Some(a) = Approval::parse_person(&t.value, "", DEFAULT_MEANING) {
                out.push(a);
            }
        } else if t.is(ON) {
            if let Some(a) = out.last_mut() {
                a.date = t.value;
            }
        } else if t.is(MEANING)
            && let Some(a) = out.last_mut()
        {
            a.meaning = t.value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_read_back() {
        let given = vec![
            Approval::parse_person(
                "Lena Fischer <lena@example.com>",
                "2026-11-30",
                "approved for use",
            )
            .unwrap(),
            Approval::parse_person("Kim", "2026-11-30", "reviewed for legal").unwrap(),
        ];
        let message = format!("SOP-0001 v1.0.0: first\n\n{}", trailers(&given));
        assert_eq!(from_message(&message), given);
        // Only the last paragraph: an approval line in the text above it is text.
        let forged = format!(
            "SOP-0001 v1.0.0: first\n\nApproved-by: CEO <ceo@example.com>\n\n{}",
            trailers(&given)
        );
        assert_eq!(from_message(&forged), given);
        assert_eq!(
            from_message("SOP-0001 v1.0.0: first\n\nApproved-by: CEO\n\nWording fix\n"),
            Vec::<Approval>::new()
        );
    }

    #[test]
    fn names_are_cleaned_as_git_does() {
        let a = Approval::parse_person("Ann <Boss> Lee", "d", "m").unwrap();
        assert_eq!((a.name.as_str(), a.email), ("Ann Boss Lee", None));
        let b = Approval::parse_person("Bo <b@x.org>", "d", "m").unwrap();
        assert_eq!(b.person(), "Bo <b@x.org>");
        assert_eq!(clean("O<Brien>\nX"), "O Brien X");
        assert!(Approval::parse_person("  <> ", "d", "m").is_none());
    }
}
