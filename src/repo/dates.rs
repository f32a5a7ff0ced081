//! Calendar dates and review cadences (`12 months`, `6 weeks`, `30 days`).
//!
//! Dates are civil dates (no time zone) in ISO 8601 form. "Today" is the local date, or
//! `SOP_TODAY` when set, so a CI run or a test can pin the day it checks against; a date is
//! in the future only when it is after [`latest_today`], today's date everywhere on Earth.

use std::fmt;
use std::str::FromStr;

pub use jiff::civil::Date;

/// The environment variable that pins today's date (`YYYY-MM-DD`).
pub const TODAY_ENV: &str = "SOP_TODAY";

/// Today's date: `SOP_TODAY` when it holds a valid date, else the local calendar date.
pub fn today() -> Date {
    if let Ok(pinned) = std::env::var(TODAY_ENV)
        && let Ok(date) = parse_date(&pinned)
    {
        return date;
    }
    jiff::ZonedDateTime::now().date()
}

/// The latest calendar date anywhere on Earth now: today in UTC+14 (the Line Islands of
/// Kiribati), which is never earlier than the local date; `SOP_TODAY` when it holds a valid
/// date. A date written today anywhere (a release's `effective`) is never after it, so a date
/// is "in the future" for everyone only when it is later than this one.
pub fn latest_today() -> Date {
    if let Ok(pinned) = std::env::var(TODAY_ENV)
        && let Ok(date) = parse_date(&pinned)
    {
        return date;
    }
    let east = jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(14));
    let date = jiff::Timestamp::now().to_zoned_datetime(east).date();
    // A local zone further east than +14 (a POSIX `TZ` may say so) stays the latest.
    date.max(today())
}

/// Why a date did not parse, in words for a writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not in `YYYY-MM-DD` form.
    Format,
    /// The right form, but not a day of the calendar (`2026-02-30`).
    NoSuchDay {
        /// What is wrong, e.g. "February 2026 has 28 days".
        why: String,
    },
}

/// The form [`parse_date`] reads, as a regular expression for JSON Schemas (which do not check
/// `"format": "date"` unless asked to): four, two and two ASCII digits.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// What a [`Cadence`] parses, as a regular expression for JSON Schemas: a number from 1 to
/// the unit's longest ([`Unit::longest`]: 100,000 days or weeks, 24,000 months, 2,000 years;
/// leading zeros allowed) and a unit in any case (`d`, `day`, `days`; `w`, `wk`, `wks`,
/// `week`, `weeks`; `m`, `mo`, `mos`, `month`, `months`; `y`, `yr`, `yrs`, `year`, `years`),
/// with spaces around them or not.
pub const PERIOD_PATTERN: &str = concat!(
    r"^\s*0*(?:",
    r"(?:[1-9][0-9]{0,4}|100000)\s*(?:[dD](?:[aA][yY][sS]?)?|[wW](?:[kK][sS]?|[eE][eE][kK][sS]?)?)",
    r"|(?:[1-9][0-9]{0,3}|1[0-9]{4}|2[0-3][0-9]{3}|24000)\s*[mM](?:[oO](?:[sS]|[nN][tT][hH][sS]?)?)?",
    r"|(?:[1-9][0-9]{0,2}|1[0-9]{3}|2000)\s*[yY](?:[rR][sS]?|[eE][aA][rR][sS]?)?",
    r")\s*$"
);

/// Parse an ISO 8601 calendar date, `YYYY-MM-DD` exactly.
///
/// # Errors
/// [`DateError::Format`] for anything else, [`DateError::NoSuchDay`] for a day the calendar
/// does not have.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return Err(DateError::Format);
    }
    if !digits(8..10) {
        return Err(DateError::Format);
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&m) {
        return Err(DateError::NoSuchDay {
            why: format!("there is no month {m}"),
        });
    }
    match Date::new(y, m as i8, d as i8) {
        Ok(date) => Ok(date),
        Err(_) => {
            let last = Date::new(y, m as i8, 1)
                .map(|first| first.days_in_month())
                .unwrap_or(31);
            Err(DateError::NoSuchDay {
                why: format!("{} {y} has {last} days", month_name(m)),
            })
        }
    }
}

fn month_name(m: i16) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or("that month")
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// The unit of a [`Cadence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Calendar days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

impl Unit {
    /// The longest period sop accepts in this unit. Years and months stop at about 2,000 years
    /// (100,000 weeks is 1,917 years, 100,000 days 273): any longer period is no review
    /// period, and a date counted with it could fall past the calendar's last year, 9999.
    pub fn longest(self) -> u32 {
        match self {
            Unit::Days | Unit::Weeks => 100_000,
            Unit::Months => 24_000,
            Unit::Years => 2_000,
        }
    }
}

/// A period such as `12 months`: how often an SOP is reviewed, or a lint window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

/// A period that does not parse; the message says what is wrong and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CadenceError {
    /// Not a number and a unit.
    #[error(
        "`{0}` is not a period: write a number and a unit, such as `12 months`, `6 weeks`, `30 days` or `1 year`"
    )]
    Form(String),
    /// A number and a unit, but the number is zero.
    #[error("`{0}` is zero: a period is at least 1 day, for example `30 days` or `12 months`")]
    Zero(String),
    /// A number and a unit, but longer than sop accepts.
    #[error("`{written}` is too long: the longest period is {longest}")]
    TooLong {
        /// The period as written.
        written: String,
        /// The longest period in the same unit.
        longest: Cadence,
    },
}

impl FromStr for Cadence {
    type Err = CadenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CadenceError::Form(s.to_string());
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let digits = t.get(..split).ok_or_else(err)?;
        let unit = unit_of(&t[split..]).ok_or_else(err)?;
        if digits.is_empty() {
            return Err(err());
        }
        let longest = unit.longest();
        // Digits only: a number too big for `u32` is too long, not "not a number".
        let amount = digits.parse::<u32>().unwrap_or(u32::MAX);
        if amount == 0 {
            return Err(CadenceError::Zero(t.to_string()));
        }
        if amount > longest {
            return Err(CadenceError::TooLong {
                written: t.to_string(),
                longest: Cadence {
                    amount: longest,
                    unit,
                },
            });
        }
        Ok(Cadence { amount, unit })
    }
}

/// The unit a word names (`months`, `mo`, `Y`), if any.
fn unit_of(word: &str) -> Option<Unit> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => Unit::Days,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Weeks,
        "m" | "mo" | "mos" | "month" | "months" => Unit::Months,
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Years,
        _ => return None,
    })
}

/// The units a period is written in, as a writer reads them.
pub const UNITS: &str = "days, weeks, months or years";

/// What is wrong with a period that is not a number and a unit ([`CadenceError::Form`]), for
/// a writer: a label's words, and the period the writer most likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    /// What is wrong, in a few words (`` `monthss` is not a unit sop knows ``), without the
    /// period meant.
    pub what: String,
    /// The period most likely meant (`6 months` for `6 monthss`), when one stands out.
    pub meant: Option<String>,
}

/// Why `written`, which does not parse as a [`Cadence`], is not a period: a unit sop does not
/// know (with the closest it knows), a number without a unit, a unit without a number, a
/// negative or fractional number, a word such as `yearly`, or nothing at all.
pub fn form_problem(written: &str) -> FormProblem {
    let problem = |what: String, meant: Option<String>| FormProblem { what, meant };
    let t = written.trim();
    if t.is_empty() {
        return problem(
            format!("empty: a number and a unit ({UNITS}) belong here"),
            None,
        );
    }
    if let Some(rest) = t.strip_prefix('-') {
        let meant = rest.parse::<Cadence>().ok().map(|c| c.to_string());
        return problem(
            "a negative period: a review period counts forward from the last review".to_string(),
            meant,
        );
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, rest) = t.split_at(split);
    let word = rest.trim();
    if digits.is_empty() {
        let meant = match t.to_ascii_lowercase().as_str() {
            "daily" => Some("1 day"),
            "weekly" => Some("1 week"),
            "fortnightly" | "biweekly" => Some("2 weeks"),
            "monthly" => Some("1 month"),
            "quarterly" => Some("3 months"),
            "half-yearly" | "semiannually" | "semi-annually" | "biannually" => Some("6 months"),
            "yearly" | "annually" | "annual" => Some("1 year"),
            _ => None,
        };
        if let Some(meant) = meant {
            return problem(
                format!("`{t}` is a word, not a number and a unit"),
                Some(meant.to_string()),
            );
        }
        let last = t.rsplit(char::is_whitespace).next().unwrap_or(t);
        if unit_of(last).is_some() {
            return problem(
                format!("no number: write how many {last}, in the digits 0 to 9"),
                None,
            );
        }
        return problem(
            format!("no number: write a number and a unit ({UNITS})"),
            None,
        );
    }
    if word.is_empty() {
        return problem(format!("`{digits}` has no unit ({UNITS})"), None);
    }
    if word.starts_with(['.', ','])
        && word
            .get(1..)
            .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    {
        return problem(
            format!("not a whole number: write it in a smaller unit ({UNITS})"),
            None,
        );
    }
    if word.contains(|c: char| !c.is_alphabetic()) {
        return several_periods(t);
    }
    let units: &[&str] = if digits.trim_start_matches('0') == "1" {
        &["day", "week", "month", "year"]
    } else {
        &["days", "weeks", "months", "years"]
    };
    match crate::repo::config::closest(word, units) {
        Some(unit) => problem(
            format!("`{word}` is not a unit sop knows ({UNITS})"),
            Some(format!("{digits} {unit}")),
        ),
        None => problem(format!("`{word}` is not a unit sop knows ({UNITS})"), None),
    }
}

/// A period written as more than one number and unit (`1 year 6 months`), or with other
/// words or signs after its unit (`6 weeks; 1 year`): sop reads one number and one unit. When
/// every part is a number and a unit that add up in one unit (years and months in months,
/// weeks and days in days), the sum is the period meant.
fn several_periods(t: &str) -> FormProblem {
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    let mut parts = Vec::new();
    for pair in words.chunks(2) {
        match pair {
            [n, u] => match (n.parse::<u32>(), unit_of(u)) {
                (Ok(n), Some(u)) => parts.push((n, u)),
                _ => break,
            },
            _ => break,
        }
    }
    let sum = |unit: Unit, per: &dyn Fn(Unit) -> Option<u32>| {
        parts
            .iter()
            .try_fold(0u32, |total, &(n, u)| {
                total.checked_add(n.checked_mul(per(u)?)?)
            })
            .filter(|&n| n > 0)
            .map(|amount| Cadence { amount, unit }.to_string())
    };
    let meant = (parts.len() > 1 && parts.len() * 2 == words.len())
        .then(|| {
            sum(Unit::Months, &|u| match u {
                Unit::Months => Some(1),
                Unit::Years => Some(12),
                _ => None,
            })
            .or_else(|| {
                sum(Unit::Days, &|u| match u {
                    Unit::Days => Some(1),
                    Unit::Weeks => Some(7),
                    _ => None,
                })
            })
        })
        .flatten();
    FormProblem {
        what: format!("`{t}` is not one number and one unit ({UNITS})"),
        meant,
    }
}

impl FormProblem {
    /// What is wrong, and the period meant as a question when there is one: a label's words.
    pub fn label(&self) -> String {
        match &self.meant {
            Some(meant) => format!("{}; did you mean `{meant}`?", self.what),
            None => self.what.clone(),
        }
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "day",
            Unit::Weeks => "week",
            Unit::Months => "month",
            Unit::Years => "year",
        };
        let amount = usize::try_from(self.amount).unwrap_or(usize::MAX);
        f.write_str(&crate::words::count(amount, unit))
    }
}

impl Cadence {
    /// `date` plus this period, `None` past the calendar's end.
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()?).ok()
    }

    /// `date` minus this period, `None` before the calendar's start.
    pub fn before(self, date: Date) -> Option<Date> {
        date.checked_sub(self.span()?).ok()
    }

    /// The period as a jiff span; `None` when it is longer than jiff counts (a `Cadence` built
    /// by hand rather than parsed can be): never a panic.
    fn span(self) -> Option<jiff::Span> {
        let n = i64::from(self.amount);
        let span = jiff::Span::new();
        match self.unit {
            Unit::Days => span.try_days(n),
            Unit::Weeks => span.try_weeks(n),
            Unit::Months => span.try_months(n),
            Unit::Years => span.try_years(n),
        }
        .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schemas' patterns accept exactly what sop accepts.
    #[test]
    fn the_schema_patterns_agree_with_the_parsers() {
        let period = regex::Regex::new(PERIOD_PATTERN).unwrap();
        let units = [
            "d", "day", "days", "w", "wk", "wks", "week", "weeks", "m", "mo", "mos", "month",
            "months", "y", "yr", "yrs", "year", "years",
        ];
        let mut samples: Vec<String> = Vec::new();
        for unit in units {
            for amount in [
                "1",
                "12",
                "012",
                "0",
                "00",
                "1999",
                "2000",
                "02000",
                "2001",
                "23999",
                "24000",
                "24001",
                "99999",
                "100000",
                "0100000",
                "100001",
                "1000000",
                "99999999999",
            ] {
                for space in ["", " ", "  ", "\t"] {
                    samples.push(format!("{amount}{space}{unit}"));
                    samples.push(format!("{amount}{space}{}", unit.to_uppercase()));
                    samples.push(format!(" {amount}{space}{unit} "));
                }
            }
        }
        for other in [
            "12 monthz",
            "12 mon",
            "12 mont",
            "12 dayss",
            "12 yearly",
            "12",
            "months",
            "",
            " ",
            "-1 days",
            "+1 days",
            "1.5 months",
            "1 2 months",
            "twelve months",
            "1 Month",
            "1 mOnThS",
            "12 months ago",
            "1 wee",
            "1 yea",
            "1 da",
            "\u{661} day",
            "1 \u{17f}",
        ] {
            samples.push(other.to_string());
        }
        for text in &samples {
            assert_eq!(
                period.is_match(text),
                text.parse::<Cadence>().is_ok(),
                "{text:?}"
            );
        }

        let date = regex::Regex::new(DATE_PATTERN).unwrap();
        for text in [
            "2026-11-24",
            "2026-02-30",
            "2026-13-01",
            "0000-00-00",
            "2026-1-24",
            "26-11-24",
            "2026/11/24",
            "2026-11-24 ",
            " 2026-11-24",
            "20261124",
            "2026-11-2a",
            "2026-11-240",
            "\u{661}\u{662}\u{663}\u{664}-11-24",
            "2026-11-24T10:00:00",
        ] {
            // The pattern checks the form; sop also knows which days the calendar has.
            let form_ok = !matches!(parse_date(text), Err(DateError::Format));
            assert_eq!(date.is_match(text), form_ok, "{text:?}");
        }
    }

    #[test]
    fn parses_iso_dates_and_explains_bad_days() {
        assert_eq!(parse_date("2026-11-24").map(|d| d.day()), Ok(24));
        assert_eq!(parse_date("24.11.2026"), Err(DateError::Format));
        assert_eq!(
            parse_date("2026-02-30"),
            Err(DateError::NoSuchDay {
                why: "February 2026 has 28 days".into()
            })
        );
        assert!(matches!(
            parse_date("2026-13-01"),
            Err(DateError::NoSuchDay { .. })
        ));
    }

    #[test]
    fn cadences_parse_and_add() {
        let c: Cadence = "6 months".parse().unwrap();
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(c.after(d), parse_date("2027-05-24").ok());
        assert_eq!("30d".parse::<Cadence>().unwrap().to_string(), "30 days");
        assert!("soon".parse::<Cadence>().is_err());
        for (written, shown) in [
            ("6 months", "6 months"),
            ("12 months", "12 months"),
            ("1 year", "1 year"),
            ("2 yrs", "2 years"),
            ("3 mos", "3 months"),
            ("6 wks", "6 weeks"),
        ] {
            assert_eq!(written.parse::<Cadence>().unwrap().to_string(), shown);
        }
        assert!("0 days".parse::<Cadence>().is_err());
    }

    /// A period that is not a number and a unit is told apart by what it lacks or gets wrong
    /// (field test s11: `6 monthss` was "not a number and a unit" though the number was there).
    #[test]
    fn periods_that_do_not_read_say_what_is_wrong() {
        let p = |s: &str| {
            assert!(s.parse::<Cadence>().is_err(), "{s}");
            let f = form_problem(s);
            (f.what, f.meant)
        };
        assert_eq!(
            p("6 monthss"),
            (
                "`monthss` is not a unit sop knows (days, weeks, months or years)".into(),
                Some("6 months".into())
            )
        );
        assert_eq!(p("1 yeer").1.as_deref(), Some("1 year"));
        // Review s11 (d5): two periods were "`year 6 months` is not a unit", meant `1 year`.
        assert_eq!(
            p("1 year 6 months"),
            (
                "`1 year 6 months` is not one number and one unit (days, weeks, months or years)"
                    .into(),
                Some("18 months".into())
            )
        );
        assert_eq!(p("2 years, 6 months").1.as_deref(), Some("30 months"));
        assert_eq!(p("1 week and 3 days").1.as_deref(), Some("10 days"));
        assert_eq!(p("6 weeks; 1 year").1, None);
        assert_eq!(p("1 year 2 weeks").1, None);
        assert_eq!(p("6 months!").1, None);
        assert_eq!(
            p("6 fortnights").0,
            "`fortnights` is not a unit sop knows (days, weeks, months or years)"
        );
        assert_eq!(
            p("6"),
            (
                "`6` has no unit (days, weeks, months or years)".into(),
                None
            )
        );
        assert_eq!(
            p("months").0,
            "no number: write how many months, in the digits 0 to 9"
        );
        // Review s11: digits of another script are digits to a writer; sop reads 0 to 9.
        assert_eq!(
            p("\u{666} months").0,
            "no number: write how many months, in the digits 0 to 9"
        );
        assert_eq!(
            p("twelve months").0,
            "no number: write how many months, in the digits 0 to 9"
        );
        assert_eq!(
            p("soon").0,
            "no number: write a number and a unit (days, weeks, months or years)"
        );
        assert_eq!(
            p("-6 months"),
            (
                "a negative period: a review period counts forward from the last review".into(),
                Some("6 months".into())
            )
        );
        assert_eq!(
            p("yearly"),
            (
                "`yearly` is a word, not a number and a unit".into(),
                Some("1 year".into())
            )
        );
        assert_eq!(
            p("1.5 years").0,
            "not a whole number: write it in a smaller unit (days, weeks, months or years)"
        );
        assert!(p("").0.starts_with("empty"));
    }

    /// See r16 and r17: the longest periods add to any date without a panic, and a period that
    /// is zero or too long says so instead of "not a number and a unit".
    #[test]
    fn periods_out_of_range_are_named_and_never_panic() {
        let end = parse_date("9999-12-31").unwrap();
        let start = Date::MIN;
        for unit in [Unit::Days, Unit::Weeks, Unit::Months, Unit::Years] {
            for amount in [1, unit.longest(), u32::MAX] {
                let c = Cadence { amount, unit };
                assert_eq!(c.after(end), None);
                assert_eq!(c.before(start), None);
                let _ = c.after(parse_date("2026-12-02").unwrap());
            }
        }
        assert_eq!(
            "100000 years".parse::<Cadence>(),
            Err(CadenceError::TooLong {
                written: "100000 years".into(),
                longest: Cadence {
                    amount: 2000,
                    unit: Unit::Years
                }
            })
        );
        assert_eq!(
            "7304484 days".parse::<Cadence>().unwrap_err().to_string(),
            "`7304484 days` is too long: the longest period is 100000 days"
        );
        assert_eq!(
            "99999999999999999999d"
                .parse::<Cadence>()
                .unwrap_err()
                .to_string(),
            "`99999999999999999999d` is too long: the longest period is 100000 days"
        );
        assert_eq!(
            "0d".parse::<Cadence>(),
            Err(CadenceError::Zero("0d".into()))
        );
        assert_eq!(
            "6 monthss".parse::<Cadence>(),
            Err(CadenceError::Form("6 monthss".into()))
        );
        let longest: Cadence = "2000 years".parse().unwrap();
        assert_eq!(
            longest.after(parse_date("2026-12-02").unwrap()),
            parse_date("4026-12-02").ok()
        );
    }
}
