//! `--format sarif`: one SARIF 2.1.0 log for code scanning (GitHub, Azure DevOps, IDEs).
//!
//! `runs[0].tool.driver.rules` lists every rule of the registry with its documentation, so a
//! viewer can explain a result without `sop`; each result points at its rule by id and index.
//! Paths are relative to `%SRCROOT%`, the repository root; columns count Unicode code points.
//! `partialFingerprints["sopFingerprint/v1"]` identifies a result across runs even when lines
//! move: it hashes the rule, the file and the trimmed text of the flagged lines, then adds how
//! many earlier results had the same hash. The output is deterministic: no times, no absolute
//! paths, rules and results in the order given.
//!
//! The types below are the small part of the SARIF object model `sop` needs; the full one lives
//! in `../shared/validators/sarif-schema-2.1.0.json`, which the tests validate against.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::finding::{Applicability, Finding, RuleMeta, Severity};
use super::report::Report;
use crate::repo::SourceFile;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT: &str = "sopFingerprint/v1";
/// Longer flagged text is left out of `region.snippet` to keep the log small.
const MAX_SNIPPET: usize = 4096;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Markdown<'a>,
    help: Markdown<'a>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    family: &'static str,
    tags: [&'static str; 1],
}

#[derive(Serialize)]
struct BaseLocation {
    description: OwnedText,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: [Location<'a>; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// A proposed fix; SARIF fixes are never applied by the viewer on its own. `properties` says
/// whether `sop lint --fix` applies it (`safe`) or leaves it to the writer (`suggestion`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: OwnedText,
    artifact_changes: [ArtifactChange; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: EditRegion,
    inserted_content: OwnedText,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EditRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<'a>>,
}

/// Write the report as a SARIF 2.1.0 log.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rules = rule_table(report);
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let results = report
        .findings
        .iter()
        .map(|finding| {
            let source = report.sources.get(finding.file.as_str()).copied();
            let hash = fingerprint_hash(finding, source);
            let occurrence = seen.entry(hash).or_insert(0);
            let fingerprint = format!("{hash:016x}:{occurrence}");
            *occurrence += 1;
            SarifResult {
                rule_id: finding.rule.id,
                rule_index: index.get(finding.rule.id).copied().unwrap_or_default(),
                level: level(finding.severity),
                message: OwnedText {
                    text: message_text(finding),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: to_uri(report.root, &finding.file),
                            uri_base_id: SRCROOT,
                        },
                        region: region(finding, source),
                    },
                }],
                partial_fingerprints: BTreeMap::from([(FINGERPRINT, fingerprint)]),
                fixes: fixes(report.root, finding, source),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "sop",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules.iter().map(|r| rule(r)).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseLocation {
                    description: OwnedText {
                        text: "The root of the git repository (of the SOP repository, the folder with `sop.toml`, outside git)."
                            .to_string(),
                    },
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, &log)?;
    writeln!(out)?;
    out.flush()
}

/// The registry's rules, then any rule a finding uses that the registry lacks, so every result
/// has a `ruleIndex` to point at.
fn rule_table(report: &Report<'_>) -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = report.rules.to_vec();
    for finding in report.findings {
        if !rules.iter().any(|r| r.id == finding.rule.id) {
            rules.push(finding.rule);
        }
    }
    rules
}

fn rule(meta: &'static RuleMeta) -> Rule<'static> {
    Rule {
        id: meta.id,
        name: meta.id,
        short_description: Text { text: meta.summary },
        full_description: Markdown {
            text: meta.explanation,
            markdown: meta.explanation,
        },
        help: Markdown {
            text: meta.explanation,
            markdown: meta.explanation,
        },
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            family: meta.family.as_str(),
            tags: [meta.family.as_str()],
        },
    }
}

/// The finding's machine edit as a SARIF fix.
fn fixes(root: &str, finding: &Finding, source: Option<&SourceFile>) -> Vec<SarifFix> {
    let (Some(fix), Some(source)) = (&finding.fix, source) else {
        return Vec::new();
    };
    if fix.edits.is_empty() {
        return Vec::new();
    }
    let replacements = fix
        .edits
        .iter()
        .map(|e| {
            let at = super::finding::Location::of(e.span, source);
            Replacement {
                deleted_region: EditRegion {
                    start_line: at.line,
                    start_column: at.column,
                    end_line: at.end_line,
                    end_column: at.end_column,
                },
                inserted_content: OwnedText {
                    text: e.replacement.clone(),
                },
            }
        })
        .collect();
    vec![SarifFix {
        description: OwnedText {
            text: fix.description.clone(),
        },
        artifact_changes: [ArtifactChange {
            artifact_location: ArtifactLocation {
                uri: to_uri(root, &finding.file),
                uri_base_id: SRCROOT,
            },
            replacements,
        }],
        properties: FixProperties {
            applicability: fix.applicability,
        },
    }]
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The project's web address from `Cargo.toml`, when it has one (SARIF wants an absolute URI
/// or nothing).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// The message, the label and the advice, one per line.
fn message_text(finding: &Finding) -> String {
    let mut text = finding.message.clone();
    if let Some(label) = &finding.label {
        text.push('\n');
        text.push_str(label);
    }
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

fn region<'a>(finding: &Finding, source: Option<&'a SourceFile>) -> Option<Region<'a>> {
    let (span, source) = (finding.span?, source?);
    let loc = finding.locate(Some(source));
    let start = source.floor_char_boundary(span.start);
    let end = source.floor_char_boundary(span.end).max(start);
    let snippet = source
        .text()
        .get(start..end)
        .filter(|text| !text.is_empty() && text.len() <= MAX_SNIPPET)
        .map(|text| Text { text });
    Some(Region {
        start_line: loc.line,
        start_column: loc.column,
        end_line: loc.end_line,
        end_column: loc.end_column,
        snippet,
    })
}

/// A hash of what identifies a finding apart from where the file has it: its rule, its file and
/// the trimmed text of the lines it flags. FNV-1a, written out so that it never changes with the
/// Rust version; fields are separated by `0xff`, a byte UTF-8 never contains.
fn fingerprint_hash(finding: &Finding, source: Option<&SourceFile>) -> u64 {
    let mut hash = Fnv::new();
    hash.write(finding.rule.id.as_bytes());
    hash.write(&[0xff]);
    hash.write(finding.file.as_bytes());
    if let (Some(_), Some(source)) = (finding.span, source) {
        let loc = finding.locate(Some(source));
        // A span that takes its line break ends on that line, not at the start of the next.
        let last = if loc.end_line > loc.line && loc.end_column == 1 {
            loc.end_line - 1
        } else {
            loc.end_line
        };
        let start = finding.span.map_or(0, |s| s.start);
        for line in loc.line..=last {
            hash.write(&[0xff]);
            // A long line counts by its window around the span, so a finding costs the same
            // on a 9 MB line as on a short one (short lines are hashed whole, as before).
            let at = if line == loc.line {
                start
            } else {
                source.line_start(line)
            };
            let window = source.line_window(line, at);
            let text = source
                .text()
                .get(window.start..window.end)
                .unwrap_or_default();
            hash.write(text.trim().as_bytes());
        }
    }
    hash.finish()
}

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A relative path as a URI reference: unreserved characters and `/` stay, every other byte is
/// percent-encoded (spaces, `%`, `#`, `?`, `:` and non-ASCII letters).
/// The URI of `root` and `path` (relative to the git repository's root), percent-encoded.
fn to_uri(root: &str, path: &str) -> String {
    let mut uri = String::with_capacity(root.len() + path.len());
    for &b in root.as_bytes().iter().chain(path.as_bytes()) {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(b));
        } else {
            uri.push('%');
            uri.push(char::from(HEX[usize::from(b >> 4)]));
            uri.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    uri
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encodes_everything_but_unreserved_and_slashes() {
        assert_eq!(
            to_uri("", "sops/pay/PAY-0001_a~b.md"),
            "sops/pay/PAY-0001_a~b.md"
        );
        assert_eq!(
            to_uri("", "sops/a b/Größe#1%?.md"),
            "sops/a%20b/Gr%C3%B6%C3%9Fe%231%25%3F.md"
        );
        assert_eq!(to_uri("", "c:d"), "c%3Ad");
    }

    #[test]
    fn fnv_matches_the_reference_values() {
        // From the FNV reference test suite (fnv1a64 of "" and "a").
        assert_eq!(Fnv::new().finish(), 0xcbf2_9ce4_8422_2325);
        let mut h = Fnv::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
