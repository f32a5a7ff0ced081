//! `sop list`.

use crate::support::{SopRepo, sop_text};

/// `sop list --format json` in `repo` (on the day `today`, when given), parsed.
fn list_json(repo: &SopRepo, today: Option<&str>) -> serde_json::Value {
    let mut cmd = repo.sop();
    if let Some(day) = today {
        cmd.env("SOP_TODAY", day);
    }
    let out = cmd.args(["list", "--format", "json"]).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn project_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn list_of_the_demo_sops_is_complete_sorted_and_json() {
    let out = assert_cmd::Command::cargo_bin("sop")
        .unwrap()
        .current_dir(project_root())
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let items = list.as_array().unwrap();
    let files = walk_md(&project_root().join("sops"));
    assert_eq!(items.len(), files, "every demo SOP is listed");
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let types: std::collections::BTreeSet<&str> =
        items.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["checklist", "policy", "procedure", "runbook"]
    );
    for key in [
        "id",
        "title",
        "type",
        "status",
        "version",
        "owner",
        "department",
        "next_review",
        "path",
    ] {
        assert!(items.iter().all(|i| i.get(key).is_some()), "{key}");
    }
    assert!(
        items
            .iter()
            .any(|i| i["language"] == "es" && i["translation_of"].is_string())
    );
}

fn walk_md(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                walk_md(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "md"))
            }
        })
        .sum()
}

#[test]
fn list_table_shows_columns_and_next_review() {
    let r = SopRepo::new();
    r.write(
        "sops/pay/SOP-0002-b.md",
        &sop_text("SOP-0002", "Beta", "policy", "approved"),
    );
    r.write(
        "sops/pay/SOP-0001-a.md",
        &sop_text("SOP-0001", "Alpha", "procedure", "draft"),
    );
    let out = r
        .sop()
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("ID        TITLE  TYPE       STATUS    VERSION  OWNER"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("SOP-0001  Alpha  procedure  draft"),
        "{out}"
    );
    assert!(
        lines[2].contains("2027-03-01"),
        "effective + 12 months: {out}"
    );
}

#[test]
fn list_on_an_empty_repository_says_how_to_start() {
    let r = SopRepo::new();
    let assert = r.sop().arg("list").assert().success();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("sop new"), "{err}");
    let out = r
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(out).unwrap().trim(), "[]");
}

#[test]
fn bad_config_exits_2_naming_line_and_closest_key() {
    let r = SopRepo::new();
    r.write("sop.toml", "[site]\ntitel = \"x\"\n");
    let out = r
        .sop()
        .arg("list")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("sop.toml:2:1: unknown key `titel`"), "{err}");
    assert!(err.contains("did you mean `title`?"), "{err}");
}

#[test]
fn usage_error_exits_2() {
    let r = SopRepo::new();
    r.sop().args(["list", "--format", "yaml"]).assert().code(2);
    r.sop().arg("frobnicate").assert().code(2);
}

#[test]
fn completions_and_man_page_are_generated() {
    let r = SopRepo::new();
    let out = r
        .sop()
        .args(["completions", "bash"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("_clap_complete_sop()")
    );
    let out = r
        .sop()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains(".TH sop"));
}

/// See #11 (S9): titles, file names and commit subjects with ESC/OSC/BEL are shown escaped in
/// every human output, even on a colour terminal.
#[test]
fn control_characters_from_sops_never_reach_the_terminal() {
    let r = SopRepo::new();
    let hostile = "T\u{1b}]0;OWNED\u{7}\u{1b}[2J";
    let text = sop_text("SOP-0001", "x", "checklist", "draft")
        .replace(
            "title: x",
            &format!(
                "title: \"{}\"",
                hostile.replace('\u{1b}', "\\e").replace('\u{7}', "\\a")
            ),
        )
        .replace("department: Payments", "department: \"Pay\\e[31ments\"")
        .replace("review_every: 12 months", "next_review: 2026-01-01");
    r.write("sops/ops/SOP-0001-a.md", &text);
    r.write(
        "sops/ops/SOP-0002-\u{1b}[31mred.md",
        &sop_text("SOP-0002", "Red", "checklist", "draft")
            .replace("status: draft", "status: bogus\u{1b}[2J"),
    );
    r.write_bytes("sops/ops/SOP-0003-\u{1b}]0;bin\u{7}.md", b"\0\0binary");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "evil \u{1b}]0;OWN\u{7} subject"]);
    let runs: &[&[&str]] = &[
        &["list"],
        &["due", "--within", "400d"],
        &["stats"],
        &["lint"],
        &["history", "SOP-0001"],
        &["publish", "--drafts", "--out", "out-site"],
        &["review", "SOP-\u{1b}[2J"],
    ];
    for args in runs {
        let out = r
            .sop()
            .env_remove("NO_COLOR")
            .args(["--color", "always"])
            .args(*args)
            .output()
            .unwrap();
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            for raw in [
                "\u{1b}]",
                "\u{7}",
                "\u{1b}[2J",
                "\u{1b}[31mred",
                "\u{1b}[31ments",
            ] {
                assert!(
                    !text.contains(raw),
                    "{args:?} {name} prints {raw:?} raw: {text:?}"
                );
            }
        }
    }
    // Wide enough for the whole escaped title.
    let list = r.sop().env("COLUMNS", "300").arg("list").output().unwrap();
    let shown = String::from_utf8_lossy(&list.stdout);
    assert!(
        shown.contains("T\\u{1b}]0;OWNED\\u{7}\\u{1b}[2J"),
        "{shown}"
    );
    assert!(shown.contains("SOP-0002-\\u{1b}[31mred.md"), "{shown}");
}

/// See #16: the table fits `COLUMNS` (100 without it) by leaving out the PATH column, then
/// cutting the title column with `…`, and CJK titles, two columns a character, stay aligned.
#[test]
fn list_fits_the_terminal_width_and_aligns_wide_titles() {
    let r = SopRepo::new();
    let long = "Refunds of virtual gifts sent by mistake during a live stream event";
    r.write(
        "sops/p/SOP-0001-a.md",
        &sop_text("SOP-0001", long, "procedure", "approved"),
    );
    r.write(
        "sops/p/SOP-0002-b.md",
        &sop_text(
            "SOP-0002",
            "退款请求处理流程与客户沟通规范",
            "procedure",
            "draft",
        ),
    );
    r.write(
        "sops/p/SOP-0003-c.md",
        &sop_text("SOP-0003", "Short", "procedure", "draft"),
    );
    let list = |columns: Option<&str>| {
        let mut cmd = r.sop();
        cmd.arg("list");
        match columns {
            Some(c) => cmd.env("COLUMNS", c),
            None => cmd.env_remove("COLUMNS"),
        };
        String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
    };
    let width = |s: &str| {
        s.chars()
            .map(|c| {
                if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                    2
                } else {
                    1
                }
            })
            .sum::<usize>()
    };
    // Where the TYPE column starts on each line, in terminal columns.
    let type_at = |line: &str| {
        let at = line
            .find("procedure")
            .or_else(|| line.find("TYPE"))
            .unwrap();
        width(&line[..at])
    };
    for (columns, fit) in [(Some("130"), 130), (None, 100)] {
        let out = list(columns);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        for l in &lines {
            assert!(width(l) <= fit, "{} > {fit}: {l}", width(l));
        }
        assert!(!lines[0].contains("PATH"), "PATH does not fit: {out}");
        assert!(lines[1].contains("Refunds of virtual"), "{out}");
        assert!(!lines[1].contains(long), "{out}");
        assert!(lines[1].contains('…'), "{out}");
        let at = type_at(lines[0]);
        for l in &lines {
            assert_eq!(type_at(l), at, "misaligned:\n{out}");
        }
    }
    let wide = list(Some("250"));
    assert!(wide.contains(long), "{wide}");
    assert!(
        wide.contains("PATH") && wide.contains("sops/p/SOP-0001-a.md"),
        "{wide}"
    );
    assert!(wide.contains("退款请求处理流程与客户沟通规范"), "{wide}");
    let at = type_at(wide.lines().next().unwrap());
    for l in wide.lines() {
        assert_eq!(type_at(l), at, "misaligned:\n{wide}");
    }
}

/// The PATH column that does not fit is left out, `-v` brings it back (the title is cut to
/// make room), and `sop list --help` says so.
#[test]
fn list_leaves_out_the_path_that_does_not_fit_and_verbose_adds_it() {
    let r = SopRepo::new();
    r.write(
        "sops/user-service/SOP-0001-refunding-accidental-gift-purchases.md",
        &sop_text(
            "SOP-0001",
            "Refunding accidental gift purchases",
            "procedure",
            "draft",
        ),
    );
    let list = |args: &[&str]| {
        let out = r
            .sop()
            .env("COLUMNS", "100")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let plain = list(&["list"]);
    assert!(!plain.contains("PATH"), "{plain}");
    assert!(!plain.contains("sops/user-service"), "{plain}");
    for l in plain.lines() {
        assert!(l.chars().count() <= 100, "{l}");
    }
    let verbose = list(&["list", "-v"]);
    assert!(
        verbose.lines().next().unwrap().ends_with("PATH"),
        "{verbose}"
    );
    assert!(
        verbose.contains("sops/user-service/SOP-0001-refunding-accidental-gift-purchases.md"),
        "{verbose}"
    );
    let help = list(&["list", "--help"]);
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("`-v` always adds the PATH column"), "{help}");
    assert!(help.contains("sop list -v"), "{help}");
}

/// Two SOPs whose front matter cannot be read (a tab after `owner:`, a block never closed),
/// and one that can, committed.
pub(crate) fn repo_with_unreadable_front_matter() -> SopRepo {
    let r = SopRepo::new();
    r.write(
        "sops/p/SOP-0001-a.md",
        &sop_text("SOP-0001", "Readable", "checklist", "approved"),
    );
    r.write(
        "sops/p/SOP-0002-b.md",
        &sop_text("SOP-0002", "Tabbed", "checklist", "approved")
            .replace("owner: Amara Okafor", "owner:\tAmara Okafor"),
    );
    r.write(
        "sops/p/SOP-0003-c.md",
        "---\nid: SOP-0003\ntitle: Never closed\n\n## Purpose\n\nx\n",
    );
    r.commit("add SOPs");
    r
}

#[test]
fn an_sop_whose_front_matter_cannot_be_read_is_named_on_stderr() {
    let r = repo_with_unreadable_front_matter();
    for format in ["table", "json"] {
        let out = r
            .sop()
            .args(["list", "--format", format])
            .assert()
            .success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert_eq!(
            stderr,
            "warning: 2 SOPs are listed without their details: their front matter cannot be read (`sops/p/SOP-0002-b.md`, `sops/p/SOP-0003-c.md`); run `sop lint sops/p/SOP-0002-b.md sops/p/SOP-0003-c.md` to see why\n"
        );
        // stdout is as before: a row for each file.
        if format == "json" {
            let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let paths: Vec<&str> = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["path"].as_str().unwrap())
                .collect();
            assert_eq!(
                paths,
                [
                    "sops/p/SOP-0001-a.md",
                    "sops/p/SOP-0002-b.md",
                    "sops/p/SOP-0003-c.md"
                ]
            );
        } else {
            assert_eq!(stdout.lines().count(), 4, "{stdout}");
        }
    }
    // One file is named as one; a key written twice leaves the rest readable: no warning.
    r.write(
        "sops/p/SOP-0003-c.md",
        &sop_text("SOP-0003", "Closed", "checklist", "draft").replacen(
            "title: Closed\n",
            "title: Closed\ntitle: Closed again\n",
            1,
        ),
    );
    let out = r.sop().arg("list").assert().success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr,
        "warning: `sops/p/SOP-0002-b.md` is listed without its details: its front matter cannot be read; run `sop lint sops/p/SOP-0002-b.md` to see why\n"
    );
    // `-q` keeps it quiet.
    let out = r.sop().args(["-q", "list"]).assert().success();
    assert!(out.get_output().stderr.is_empty());
}

/// An approved SOP whose committed file gained a stray NUL: `sop publish` keeps its last
/// approved release on the site, so `sop list` and `sop stats` count it as that release too.
#[test]
fn an_unreadable_file_of_a_released_sop_is_listed_and_counted_as_its_release() {
    let repo = SopRepo::new();
    let path = "sops/a/SOP-0001-refunds.md";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(path, &text);
    repo.commit("SOP-0001 v1.0.0: First");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    repo.write(path, &text.replace("Open it", "Open\0 it"));
    repo.commit("edit with a stray NUL");
    let out = repo
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    let o = out.get_output();
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert_eq!(rows[0]["id"], "SOP-0001");
    assert_eq!(rows[0]["title"], "Refunds");
    assert_eq!(rows[0]["status"], "approved");
    assert_eq!(rows[0]["path"], path);
    assert_eq!(rows[0]["shown_release"], "SOP-0001/v1.0.0");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("`{path}` cannot be read: line "))
            && stderr.contains("the site shows the last approved release of `SOP-0001`, v1.0.0")
            && stderr.contains("`sop list` lists that release"),
        "{stderr}"
    );
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let stats: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(stats["sops"], 1, "{stats}");
    assert_eq!(stats["translations"], 0, "{stats}");
    assert_eq!(stats["unreadable"], 1, "{stats}");
    assert_eq!(stats["unreadable_shown_as_release"], 1, "{stats}");
    assert_eq!(stats["by_status"]["approved"], 1, "{stats}");
}

/// A version approved to take effect on a later date is not in force yet: `sop list` shows
/// the version in force and when the next one takes effect, as the site does; the JSON keeps
/// the file's `version` and `status` and adds `in_force_version` and `upcoming`.
#[test]
fn a_version_approved_in_advance_is_listed_with_the_version_in_force() {
    let repo = crate::support::approved_in_advance();
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let row = table.lines().nth(1).unwrap_or_default();
    assert!(
        row.contains("  approved  1.0.0 (2.0.0 from 2027-01-31)  ") && row.ends_with("2026-12-05"),
        "{table}"
    );
    let rows = list_json(&repo, None);
    let row = &rows[0];
    assert_eq!(row["version"], "2.0.0", "{rows}");
    assert_eq!(row["status"], "approved", "{rows}");
    assert_eq!(row["in_force_version"], "1.0.0", "{rows}");
    assert_eq!(row["next_review"], "2026-12-05", "{rows}");
    assert_eq!(
        row["upcoming"],
        serde_json::json!([{"version": "2.0.0", "status": "approved", "effective": "2027-01-31"}]),
        "{rows}"
    );
    // On the day it takes effect, it is the version in force, and the row is as usual.
    let rows = list_json(&repo, Some("2027-01-31"));
    assert!(rows[0].get("in_force_version").is_none(), "{rows}");
    assert!(rows[0].get("upcoming").is_none(), "{rows}");
    assert_eq!(rows[0]["next_review"], "2028-01-31", "{rows}");
}

/// An edit that says a later `effective` date but was never released as approved is no
/// version to come: the site shows it as a revision in progress, not as a version taking effect
/// on that date, and so does `sop list`, committed or not. A translation's own `effective` is
/// not counted either: it follows its source, which has nothing to come.
#[test]
fn an_unreleased_edit_or_a_translation_with_a_later_date_is_not_a_version_to_come() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(
        one,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let translated = repo.read(one).replacen(
        "title: Refunds",
        "title: Reembolsos\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
        1,
    );
    repo.write(
        "sops/pay/SOP-0001-refunds.es.md",
        &translated.replace("effective: 2026-03-01", "effective: 2027-05-01"),
    );
    repo.commit("translation");
    let edit = repo
        .read(one)
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("effective: 2026-03-01", "effective: 2027-01-31");
    repo.write(one, &edit);
    for commit in [false, true] {
        if commit {
            repo.commit("second version, not released");
        }
        let rows = list_json(&repo, None);
        for row in rows.as_array().unwrap() {
            assert!(row.get("upcoming").is_none(), "{rows}");
            assert!(row.get("in_force_version").is_none(), "{rows}");
        }
        let out = repo.sop().arg("list").assert().success();
        let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(!table.contains(" from 2027-"), "{table}");
    }
    let out = repo.sop().arg("lint").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("help: this version is not released yet: readers see version 1.0.0, the version in force, until it is released as approved, and then until 2027-01-31"),
        "{text}"
    );
}

/// A first version approved to take effect later, outside git: nothing is in force yet.
#[test]
fn a_first_version_approved_in_advance_is_not_in_force_yet() {
    let repo = SopRepo::empty();
    repo.write("sop.toml", "");
    repo.write(
        "sops/a/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "approved")
            .replace("effective: 2026-03-01", "effective: 2027-01-31"),
    );
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(table.contains("  - (1.0.0 from 2027-01-31)  "), "{table}");
    let rows = list_json(&repo, None);
    assert_eq!(
        rows[0]["in_force_version"],
        serde_json::Value::Null,
        "{rows}"
    );
    assert_eq!(rows[0]["upcoming"][0]["effective"], "2027-01-31", "{rows}");
}

/// Translations of an SOP whose newest version is approved to take effect later follow their
/// source: the review date of the version in force, and a translation of the version to come
/// is not in force before it, whatever date its own file says.
#[test]
fn translations_follow_the_version_in_force_of_their_source() {
    use crate::support::{in_force_text, translate_in_advance};
    let repo = crate::support::approved_in_advance();
    let source = repo.read(crate::support::IN_ADVANCE);
    translate_in_advance(&repo, "es", "Reembolsos", "1.0.0", &in_force_text(&repo));
    let later = source.replace("effective: 2027-01-31", "effective: 2026-03-01");
    translate_in_advance(&repo, "pt", "Reembolsos pt", "2.0.0", &later);
    repo.commit("translations");
    let rows = list_json(&repo, None);
    let lang = |l: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["language"] == l)
            .cloned()
            .unwrap_or_default()
    };
    let (es, pt) = (lang("es"), lang("pt"));
    assert_eq!(es["next_review"], "2026-12-05", "{rows}");
    assert!(es.get("upcoming").is_none(), "{rows}");
    assert_eq!(pt["next_review"], "2026-12-05", "{rows}");
    assert_eq!(pt["in_force_version"], serde_json::Value::Null, "{rows}");
    assert_eq!(pt["upcoming"][0]["version"], "2.0.0", "{rows}");
    assert_eq!(pt["upcoming"][0]["effective"], "2027-01-31", "{rows}");
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let pt_row = table
        .lines()
        .find(|l| l.contains("[pt]"))
        .unwrap_or_default();
    assert!(pt_row.contains("  - (2.0.0 from 2027-01-31)  "), "{table}");
}

/// A retired SOP is in force no more, so it is reviewed no more: no next review date in `sop
/// list` (nor `unknown` for a date that cannot be read), as on the site and as `sop due` and
/// `sop stats` leave it out.
#[test]
fn a_retired_sop_has_no_next_review() {
    let repo = SopRepo::new();
    let retired = |id: &str, review: &str| {
        sop_text(id, "Old refunds", "checklist", "retired")
            .replace("review_every: 12 months", review)
            .replace(
                "---\n\n",
                "retired_reason: Replaced by the new tool\n---\n\n",
            )
    };
    repo.write(
        "sops/a/SOP-0001-old.md",
        &retired("SOP-0001", "review_every: 6 months"),
    );
    repo.write(
        "sops/a/SOP-0002-older.md",
        &retired("SOP-0002", "next_review: someday"),
    );
    repo.commit("retired");
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for line in table.lines().skip(1) {
        assert!(line.ends_with("  -"), "{table}");
    }
    assert!(!table.contains("unknown"), "{table}");
    let rows = list_json(&repo, None);
    for row in rows.as_array().unwrap() {
        assert_eq!(row["next_review"], serde_json::Value::Null, "{rows}");
    }
    let out = repo
        .sop()
        .args(["stats", "--format", "json"])
        .assert()
        .success();
    let stats: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(stats["overdue"], 0, "{stats}");
    assert_eq!(stats["review_date_unknown"], 0, "{stats}");
    repo.sop()
        .arg("due")
        .assert()
        .success()
        .stdout(predicates::str::contains("No review is overdue"));
}

/// A title, owner or department with a line break or a tab (YAML `"Refunds\nline two"`)
/// shows it as a space in the tables of `sop list`, `sop due` and `sop stats`, one line per
/// row; the JSON keeps the exact text.
#[test]
fn line_breaks_in_sop_text_are_spaces_in_table_cells() {
    let repo = SopRepo::new();
    repo.write(
        "sops/a/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "x", "checklist", "approved")
            .replace("title: x", "title: \"Refunds\\nline two\"")
            .replace("owner: Amara Okafor", "owner: \"Amara\\tOkafor\"")
            .replace("department: Payments", "department: \"Pay\\r\\nments\"")
            .replace("review_every: 12 months", "next_review: 2026-12-01"),
    );
    repo.commit("add");
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(
        table.contains(
            "SOP-0001  Refunds line two  checklist  approved  1.0.0    Amara Okafor  Pay ments "
        ),
        "{table}"
    );
    assert!(!table.contains("\\u{"), "{table}");
    let out = repo.sop().arg("due").assert().success();
    let due = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(due.lines().count(), 2, "{due}");
    assert!(
        due.contains("Refunds line two  Amara Okafor  Pay ments "),
        "{due}"
    );
    let out = repo.sop().arg("stats").assert().success();
    let stats = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stats.contains("\n  Pay ments "), "{stats}");
    let rows = list_json(&repo, None);
    assert_eq!(rows[0]["title"], "Refunds\nline two");
    assert_eq!(rows[0]["owner"], "Amara\tOkafor");
    assert_eq!(rows[0]["department"], "Pay\r\nments");
}

/// The file of the version in force whose `effective` date was moved later, not released:
/// readers still see that version, and nothing is to come.
#[test]
fn a_moved_date_alone_is_no_coming_version() {
    let repo = SopRepo::new();
    let path = "sops/a/SOP-0001-refunds.md";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    repo.write(path, &text);
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    repo.write(
        path,
        &text.replace("effective: 2026-03-01", "effective: 2027-03-01"),
    );
    let rows = list_json(&repo, None);
    assert!(rows[0].get("in_force_version").is_none(), "{rows}");
    assert!(rows[0].get("upcoming").is_none(), "{rows}");
    let out = repo.sop().arg("list").assert().success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(table.contains("  approved  1.0.0    "), "{table}");
}

/// A file without front matter (a document not adopted yet, or a translation whose front
/// matter was forgotten) is listed with STATUS `no front matter`, not a row of dashes, and a
/// note says what that means and what to run; the JSON keeps its `null`s and prints no note.
#[test]
fn a_file_without_front_matter_is_listed_as_such_with_what_to_run() {
    let repo = SopRepo::new();
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.write(
        "sops/pay/SOP-0001-refunds.pt.md",
        "# Reembolsos\n\nTexto.\n",
    );
    repo.write("sops/pay/notes.md", "Just some notes\n");
    repo.write("sops/pay/empty.md", "---\n---\n\nNothing above.\n");
    let out = repo
        .sop()
        .env("COLUMNS", "200")
        .arg("list")
        .assert()
        .success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 5, "{table}");
    assert!(rows[1].contains("approved"), "{table}");
    for row in &rows[2..] {
        assert!(row.contains("  no front matter  "), "{table}");
    }
    assert_eq!(
        said.trim_end(),
        "note: `sops/pay/SOP-0001-refunds.pt.md`, `sops/pay/empty.md` and `sops/pay/notes.md` have no front matter (STATUS `no front matter`), so `sop` cannot tell their owner, status or version: `sop adopt` adds front matter to existing documents, and `sop lint` says what each file needs"
    );

    let out = repo
        .sop()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
    let rows: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let bare = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "sops/pay/notes.md")
        .unwrap();
    assert_eq!(bare["status"], serde_json::Value::Null, "{rows}");
}
