//! Who makes a commit or a tag, found as git finds it (`git help var`, "Commit information" in
//! `git help commit`): the environment first (`GIT_AUTHOR_NAME`, `GIT_AUTHOR_EMAIL`,
//! `GIT_AUTHOR_DATE` and the `GIT_COMMITTER_*` ones, which CI jobs and containers set), then
//! `author.*` or `committer.*`, then `user.name` and `user.email` in git's settings, then the
//! `EMAIL` variable for the e-mail. The committer also signs tags as their tagger.

use git2::{Repository, Signature, Time};

use super::GitError;
use super::approval::clean;

/// Who authors and who commits, each with the time they do it.
pub struct Identity {
    /// The author of the commit.
    pub author: Signature<'static>,
    /// The committer, and the tagger of a tag.
    pub committer: Signature<'static>,
}

/// Why the identity is not known.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// No name (and no e-mail) anywhere.
    #[error("git does not know who you are")]
    Unknown,
    /// `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` holds no date git would read.
    #[error("the environment variable `{variable}` is `{value}`, which is not a date")]
    BadDate {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// git's settings could not be read.
    #[error(transparent)]
    Git(#[from] GitError),
}

/// One role: the author or the committer.
#[derive(Clone, Copy)]
enum Role {
    Author,
    Committer,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Author => "AUTHOR",
            Role::Committer => "COMMITTER",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Committer => "committer",
        }
    }
}

/// The author and committer of a commit made now in `repo`.
///
/// # Errors
/// [`IdentityError::Unknown`] when neither a name nor an e-mail is set for either;
/// [`IdentityError::BadDate`] for a date variable git would refuse.
pub fn identity(repo: &Repository) -> Result<Identity, IdentityError> {
    let config = repo.config().map_err(GitError::read("git's settings"))?;
    let config = |key: &str| config.get_string(key).ok();
    let env = |key: &str| std::env::var(key).ok();
    Ok(Identity {
        author: signature(Role::Author, &config, &env)?,
        committer: signature(Role::Committer, &config, &env)?,
    })
}

/// Every name and e-mail the person running `sop` commits with here, for telling whether an
/// approver is that person.
pub fn own_names(repo: &Repository) -> Vec<String> {
    let Ok(config) = repo.config() else {
        return Vec::new();
    };
    let config = |key: &str| config.get_string(key).ok();
    let env = |key: &str| std::env::var(key).ok();
    let mut names = Vec::new();
    for role in [Role::Author, Role::Committer] {
        let (name, email) = name_and_email(role, &config, &env);
        names.extend(name);
        names.push(email);
    }
    // The settings' own names too: whoever set them is the person here.
    names.extend(
        ["user.name", "user.email"]
            .into_iter()
            .filter_map(config)
            .map(|v| clean(&v)),
    );
    names.retain(|n| !n.is_empty());
    names.dedup();
    names
}

/// The name (`None` when none is set) and the e-mail (empty when none is set) of `role`,
/// cleaned as git cleans them (no `<`, `>` or line breaks).
fn name_and_email(
    role: Role,
    config: &impl Fn(&str) -> Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> (Option<String>, String) {
    let first = |keys: [Option<String>; 3]| {
        keys.into_iter()
            .flatten()
            .map(|v| clean(&v))
            .find(|v| !v.is_empty())
    };
    let (word, key) = (role.word(), role.key());
    let name = first([
        env(&format!("GIT_{word}_NAME")),
        config(&format!("{key}.name")),
        config("user.name"),
    ]);
    let email = first([
        env(&format!("GIT_{word}_EMAIL")),
        config(&format!("{key}.email")),
        config("user.email"),
    ])
    .or_else(|| env("EMAIL").map(|v| clean(&v)).filter(|v| !v.is_empty()))
    .unwrap_or_default();
    (name, email)
}

fn signature(
    role: Role,
    config: &impl Fn(&str) -> Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Signature<'static>, IdentityError> {
    let (name, email) = name_and_email(role, config, env);
    let name = name
        .or_else(|| (!email.is_empty()).then(|| email.clone()))
        .ok_or(IdentityError::Unknown)?;
    let variable = match role {
        Role::Author => "GIT_AUTHOR_DATE",
        Role::Committer => "GIT_COMMITTER_DATE",
    };
    let date = env(variable).filter(|v| !v.trim().is_empty());
    match date {
        None => Signature::now(&name, &email),
        Some(value) => {
            let time = parse_date(&value).ok_or(IdentityError::BadDate { variable, value })?;
            Signature::new(&name, &email, &time)
        }
    }
    .map_err(|_| IdentityError::Unknown)
}

/// A date as git reads it from `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE`, in the formats
/// `git help commit` lists under "Date formats": git's own (`1767225600 +0100`, also with a
/// leading `@`), RFC 2822 (`Thu, 07 Apr 2005 22:13:13 +0200`) and ISO 8601
/// (`2005-04-07T22:13:13+02:00`, `2005-04-07 22:13:13 +0200`; without an offset, in the
/// local time zone).
pub(crate) fn parse_date(text: &str) -> Option<Time> {
    let text = text.trim();
    if let Some(time) = git_date(text) {
        return Some(time);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(text) {
        return git_time(zoned.timestamp().as_second(), zoned.offset().seconds());
    }
    // `2005-04-07 22:13:13 +0200`: the offset joined to the time, as ISO 8601 writes it.
    let joined = match text.rsplit_once(' ') {
        Some((rest, offset)) if offset.starts_with(['+', '-']) => format!("{rest}{offset}"),
        _ => text.to_string(),
    };
    let pieces = jiff::fmt::temporal::Pieces::parse(joined.as_str()).ok()?;
    let time = pieces.time()?;
    let local = pieces.date().to_datetime(time);
    let zone = match pieces.to_numeric_offset() {
        Some(offset) => jiff::tz::TimeZone::fixed(offset),
        None => jiff::tz::TimeZone::system(),
    };
    let zoned = local.to_zoned_datetime(zone).ok()?;
    git_time(zoned.timestamp().as_second(), zoned.offset().seconds())
}

/// git's own date format: seconds since 1970 and an offset, `1767225600 +0100`.
fn git_date(text: &str) -> Option<Time> {
    let (seconds, offset) = text.split_once(' ')?;
    let seconds: i64 = seconds.strip_prefix('@').unwrap_or(seconds).parse().ok()?;
    let offset = offset.trim();
    let (sign, digits) = match offset.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    git_time(seconds, sign * (hours * 3600 + minutes * 60))
}

fn git_time(seconds: i64, offset_seconds: i32) -> Option<Time> {
    Some(Time::new(seconds, offset_seconds / 60))
}

/// `time` in git's own format, `@1767225600 +0100`, to hand to the `git` program.
pub(crate) fn git_date_text(time: Time) -> String {
    let offset = time.offset_minutes();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    format!(
        "@{} {sign}{:02}{:02}",
        time.seconds(),
        offset / 60,
        offset % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_environment_comes_before_the_settings() {
        let config = lookup(&[
            ("user.name", "Laptop Owner"),
            ("user.email", "owner@laptop"),
            ("committer.name", "Committer Setting"),
        ]);
        let env = lookup(&[
            ("GIT_AUTHOR_NAME", "Bot"),
            ("GIT_AUTHOR_EMAIL", "bot@ex.com"),
        ]);
        let person =
            |sig: Signature<'_>| format!("{} <{}>", sig.name().unwrap(), sig.email().unwrap());
        let author = signature(Role::Author, &config, &env).unwrap();
        assert_eq!(person(author), "Bot <bot@ex.com>");
        let committer = signature(Role::Committer, &config, &env).unwrap();
        assert_eq!(person(committer), "Committer Setting <owner@laptop>");
        let nobody = lookup(&[]);
        assert!(signature(Role::Author, &nobody, &nobody).is_err());
        let only_env = lookup(&[("GIT_COMMITTER_NAME", "Ci"), ("EMAIL", "ci@ex.com")]);
        let ci = signature(Role::Committer, &nobody, &only_env).unwrap();
        assert_eq!(person(ci), "Ci <ci@ex.com>");
    }

    #[test]
    fn dates_read_as_git_reads_them() {
        let at = |s: &str| parse_date(s).map(|t| (t.seconds(), t.offset_minutes()));
        assert_eq!(at("1767225600 +0100"), Some((1_767_225_600, 60)));
        assert_eq!(at("@1767225600 -0230"), Some((1_767_225_600, -150)));
        assert_eq!(
            at("Thu, 07 Apr 2005 22:13:13 +0200"),
            Some((1_112_904_793, 120))
        );
        assert_eq!(at("2005-04-07T22:13:13+02:00"), Some((1_112_904_793, 120)));
        assert_eq!(at("2005-04-07 22:13:13 +0200"), Some((1_112_904_793, 120)));
        assert_eq!(at("yesterday-ish"), None);
        let time = Time::new(1_767_225_600, -150);
        assert_eq!(git_date_text(time), "@1767225600 -0230");
        assert_eq!(at(&git_date_text(time)), Some((1_767_225_600, -150)));
    }
}
