//! `sop schema`: the committed JSON Schemas are the ones the binary prints, and the demo
//! repository's SOPs and `sop.toml` validate against them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::SopRepo;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn printed(dir: &Path, which: &str) -> String {
    let out = assert_cmd::Command::cargo_bin("sop")
        .unwrap()
        .current_dir(dir)
        .args(["schema", which])
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_committed_schemas_are_the_ones_sop_prints() {
    // Outside any repository the front-matter schema has the default types and ids.
    let empty = SopRepo::empty();
    for (which, file) in [
        ("sop-toml", "schemas/sop-toml.schema.json"),
        ("front-matter", "schemas/front-matter.schema.json"),
    ] {
        let committed = std::fs::read_to_string(project().join(file)).unwrap();
        assert_eq!(
            printed(empty.root(), which),
            committed,
            "`{file}` is out of date: run `sop schema {which} > {file}` outside a repository"
        );
    }
}

#[test]
fn the_front_matter_schema_holds_the_repository_types_and_ids() {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[sops]\nid_prefix = \"CS\"\nid_digits = 3\n\n[types.alert-runbook]\nsections = [\"Trigger\", \"Actions\"]\n",
    );
    let schema: serde_json::Value =
        serde_json::from_str(&printed(repo.root(), "front-matter")).unwrap();
    assert_eq!(schema["properties"]["id"]["pattern"], "^CS-[0-9]{3}$");
    let types = schema["properties"]["type"]["oneOf"].as_array().unwrap();
    let alert = types
        .iter()
        .find(|t| t["const"] == "alert-runbook")
        .expect("the configured type");
    assert!(
        alert["description"]
            .as_str()
            .unwrap()
            .contains("Sections: Trigger, Actions."),
        "{alert}"
    );
}

/// The demo SOPs' front matter (as JSON, the way an editor's YAML server sees it) and the demo
/// `sop.toml`, checked with python's `jsonschema` against what `sop schema` prints; the same
/// front matter with a date or a review period sop refuses, and a `sop.toml` with a period sop
/// refuses, do not validate (a validator checks `"format": "date"` only when asked to, so the
/// schemas also give patterns).
#[test]
#[ignore = "needs python3 with jsonschema (pip install jsonschema)"]
fn the_demo_repository_validates_against_the_schemas() {
    use sop::repo::front_matter::{self, Value};

    let tmp = tempfile::tempdir().unwrap();
    let root = project();
    let mut documents = Vec::new();
    for entry in walk(&root.join("sops")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let split = front_matter::split(&text);
        let Some(yaml) = split.yaml else { continue };
        let fm = front_matter::parse(&text, yaml);
        let mut obj = serde_json::Map::new();
        for f in &fm.fields {
            let v = match &f.value {
                Value::Null => serde_json::Value::Null,
                Value::Text(t) => serde_json::Value::String(t.clone()),
                Value::List(items) => items
                    .iter()
                    .map(|i| serde_json::Value::String(i.text.clone().unwrap_or_default()))
                    .collect(),
                Value::Mapping => serde_json::json!({}),
            };
            obj.insert(f.key.clone(), v);
        }
        documents.push(serde_json::json!({ "file": entry.display().to_string(), "data": obj }));
    }
    assert!(documents.len() >= 5, "the demo has SOPs");
    let fm_schema = tmp.path().join("fm.json");
    std::fs::write(&fm_schema, printed(&root, "front-matter")).unwrap();
    let toml_schema = tmp.path().join("toml.json");
    std::fs::write(&toml_schema, printed(&root, "sop-toml")).unwrap();
    let docs = tmp.path().join("docs.json");
    std::fs::write(&docs, serde_json::to_string(&documents).unwrap()).unwrap();
    let script = r#"
import json, sys, tomllib
from jsonschema import Draft202012Validator
fm = Draft202012Validator(json.load(open(sys.argv[1])))
bad = []
for d in json.load(open(sys.argv[3])):
    for e in fm.iter_errors(d["data"]):
        bad.append(f'{d["file"]}: {e.message}')
conf = Draft202012Validator(json.load(open(sys.argv[2])))
toml = tomllib.load(open(sys.argv[4], "rb"))
for e in conf.iter_errors(toml):
    bad.append(f"sop.toml: {e.message}")
# Values sop lint refuses (date-invalid, review-every-invalid) and ones it takes.
sop = json.load(open(sys.argv[3]))[0]["data"]
for key, value, valid in [
    ("effective", "2026-1-5", False),
    ("effective", "24.11.2026", False),
    ("last_reviewed", "2026-11-24T10:00", False),
    ("next_review", "next year", False),
    ("next_review", "2027-01-31", True),
    ("review_every", "12 monthz", False),
    ("review_every", "12", False),
    ("review_every", "0 days", False),
    ("review_every", "6 Months", True),
    ("review_every", "1y", True),
]:
    if fm.is_valid({**sop, key: value}) != valid:
        bad.append(f"front matter with {key}: {value!r} should {'' if valid else 'not '}validate")
for table, key, value, valid in [
    ("lint", "due_soon", "30 dayz", False),
    ("defaults", "review_every", "a year", False),
    ("defaults", "review_every", "2 years", True),
]:
    changed = {**toml, table: {**toml.get(table, {}), key: value}}
    if conf.is_valid(changed) != valid:
        bad.append(f"sop.toml with [{table}] {key} = {value!r} should {'' if valid else 'not '}validate")
print("\n".join(bad))
sys.exit(1 if bad else 0)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&fm_schema)
        .arg(&toml_schema)
        .arg(&docs)
        .arg(root.join("sop.toml"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "README.md")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
