//! The wording of refusals: every message names what is wrong, once, and where.

use crate::support::{SopRepo, sop_text};

/// See #11 (R15): two files with the same id are one suggestion, not "`X` or `X`".
#[test]
fn unknown_id_suggests_each_close_id_once() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0015", "Twin", "procedure", "draft");
    r.write("sops/a/SOP-0015-one.md", &text);
    r.write("sops/a/SOP-0015-two.md", &text);
    r.commit("twins");
    for cmd in ["history", "diff", "review"] {
        let out = r.sop().args([cmd, "SOP-0016"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(
            stderr.contains("no SOP has the id `SOP-0016`"),
            "{cmd}: {stderr}"
        );
        assert_eq!(stderr.matches("`SOP-0015`").count(), 1, "{cmd}: {stderr}");
    }
}

/// See #11 (R15): `publish --out .` names the folder, not "`` is not empty".
#[test]
fn refusing_the_current_folder_names_it() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "approved"),
    );
    r.commit("one");
    let out = r.sop().args(["publish", "--out", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("``"), "{stderr}");
    // The folder is named (the site side may word the refusal its own way).
    assert!(stderr.contains("error: `"), "{stderr}");
}

/// See #16: "did you mean" names the SOPs most like what was typed, with their titles: a
/// title word, the same number, or two characters swapped; no guess among many ids that are
/// each one character off.
#[test]
fn unknown_id_suggests_by_similarity_with_titles() {
    let r = SopRepo::new();
    for n in 1..=12 {
        let id = format!("SOP-{n:04}");
        let title = if n == 7 {
            "Refund requests".to_string()
        } else {
            format!("Topic {n}")
        };
        r.write(
            &format!("sops/a/{id}-t.md"),
            &sop_text(&id, &title, "procedure", "draft"),
        );
    }
    r.commit("twelve");
    let help = |wanted: &str| {
        let out = r.sop().args(["history", wanted]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("help: "))
            .unwrap_or_default()
            .to_string()
    };
    let only = |id: &str, title: &str| {
        format!("did you mean `{id}` ({title})? (`sop list` shows every id)")
    };
    assert_eq!(help("SOP-0021"), only("SOP-0012", "Topic 12"));
    assert_eq!(help("refund"), only("SOP-0007", "Refund requests"));
    assert_eq!(help("SOP-7"), only("SOP-0007", "Refund requests"));
    assert_eq!(help("SOP-007"), only("SOP-0007", "Refund requests"));
    // One edit from SOP-0003, SOP-0010, SOP-0011 and SOP-0012 alike: no guess.
    assert_eq!(help("SOP-0013"), "`sop list` shows every SOP and its id");
    // One character off from a single id: that one.
    assert_eq!(help("SOP-0099"), only("SOP-0009", "Topic 9"));
    assert_eq!(help("SOP-0444"), "`sop list` shows every SOP and its id");
}

/// See #16: a type from `sop.toml` reads naturally end to end: its prompts, and missing
/// sections reported in the type's order, each placed next to a section that exists, so that
/// doing what the messages say gives a file with every section in order.
#[test]
fn a_custom_types_prompts_and_missing_sections_read_naturally() {
    let r = SopRepo::new();
    r.write(
        "sop.toml",
        "[types.alert-runbook]\nsections = [\"Meaning\", \"Trigger\", \"Impact\", \"Diagnosis\", \"Mitigation\"]\n",
    );
    let out = r
        .sop()
        .args([
            "new",
            "--type",
            "alert-runbook",
            "--department",
            "Ops",
            "Disk full",
        ])
        .assert()
        .success();
    let path = String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_string();
    let text = r.read(&path);
    assert!(
        text.contains("## Meaning\n\n<Write the meaning section here.>\n"),
        "{text}"
    );
    assert!(!text.contains("of this SOP here"), "{text}");

    // Keep Impact and Mitigation, filled in.
    let body = "\n## Impact\n\nUploads fail.\n\n## Mitigation\n\nFree space.\n";
    let front = &text[..text.find("\n## ").unwrap()];
    r.write(&path, &format!("{front}\n{body}"));
    let out = r.sop().args(["lint", &path]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!(format!("{stdout}{stderr}"));

    // Following the labels one by one, in the order shown.
    let fixed = format!(
        "{front}\n\n## Meaning\n\nDisk almost full.\n\n## Trigger\n\nAlert fires.\n\n## Impact\n\nUploads fail.\n\n## Diagnosis\n\nCheck df.\n\n## Mitigation\n\nFree space.\n"
    );
    r.write(&path, &fixed);
    r.sop().args(["lint", &path]).assert().success();

    // No section at all: the caret is on line 1, not on the code fence.
    r.write(
        &path,
        &format!("{front}\n\nSome text.\n\n```sh\ndf -h\n```\n"),
    );
    let out = r
        .sop()
        .args(["lint", &path, "--format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<(String, u64)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "section-missing")
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let names = ["Meaning", "Trigger", "Impact", "Diagnosis", "Mitigation"];
    assert_eq!(
        missing,
        names
            .iter()
            .map(|n| (format!("the required section `{n}` is missing"), 1))
            .collect::<Vec<_>>()
    );
}

/// The first command in backticks in `text` that starts with `start` (`git add`, `git mv`).
fn suggested_command(text: &str, start: &str) -> String {
    text.split('`')
        .skip(1)
        .step_by(2)
        .find(|c| c.starts_with(start))
        .unwrap_or_else(|| panic!("no `{start} …` in: {text}"))
        .to_string()
}

/// Run a suggested command as a writer pastes it: in a shell, at the repository root.
fn paste(r: &SopRepo, command: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(r.root())
        .env("HOME", r.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

/// Writer review #7: the `git add` in the help of `link-untracked` works when pasted, even
/// when the picture's name has a space (it is quoted), and the plain name stays unquoted.
#[test]
fn suggested_git_add_pastes_for_a_path_with_spaces() {
    let r = SopRepo::new();
    let mut text = sop_text("SOP-0001", "Payouts", "procedure", "draft");
    text.push_str("\n![Payout console](<images/payout console.png>)\n![Plain](images/plain.png)\n");
    r.write("sops/x/SOP-0001-payouts.md", &text);
    r.commit("payouts");
    r.write("sops/x/images/payout console.png", "png");
    r.write("sops/x/images/plain.png", "png");
    let out = r.sop().args(["lint"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("`git add sops/x/images/plain.png`"), "{all}");
    let command = suggested_command(&all, "git add \"");
    assert_eq!(command, "git add \"sops/x/images/payout console.png\"");
    let pasted = paste(&r, &command);
    assert!(pasted.status.success(), "{command}: {pasted:?}");
    assert!(
        r.git(&["ls-files"])
            .contains("sops/x/images/payout console.png")
    );
}

/// Writer review #7: the `git mv` in the help of `id-file-name-mismatch` works when pasted
/// from a folder whose name has a space; for a file git does not track yet (where `git mv`
/// fails) it names the new file name without a command.
#[test]
fn suggested_git_mv_pastes_for_a_path_with_spaces() {
    let r = SopRepo::new();
    r.write(
        "sops/vip desk/SOP-0003-appeals.md",
        &sop_text("SOP-0004", "Appeals", "procedure", "draft"),
    );
    r.commit("appeals");
    let out = r.sop().args(["lint"]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let command = suggested_command(&all, "git mv");
    assert_eq!(
        command,
        "git mv \"sops/vip desk/SOP-0003-appeals.md\" \"sops/vip desk/SOP-0004-appeals.md\""
    );
    let pasted = paste(&r, &command);
    assert!(pasted.status.success(), "{command}: {pasted:?}");
    assert!(r.path("sops/vip desk/SOP-0004-appeals.md").is_file());

    r.write(
        "sops/vip desk/SOP-0005-new.md",
        &sop_text("SOP-0006", "New", "procedure", "draft"),
    );
    let out = r.sop().args(["lint"]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("rename the file to `SOP-0006-new.md`"),
        "{all}"
    );
    assert!(!all.contains("git mv \"sops/vip desk/SOP-0005"), "{all}");
}

/// A file name that starts with the id in another shape (a space or `_` after it, a dash
/// before it) is told the name it should have, with the id once: `SOP-0001-refunds.md`, never
/// `SOP-0001-SOP-0001 Refunds.md`.
#[test]
fn suggested_file_name_does_not_repeat_the_id() {
    let r = SopRepo::new();
    r.write(
        "sops/ops/SOP-0001 Refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    );
    r.write(
        "sops/ops/SOP-0002_refunds.md",
        &sop_text("SOP-0002", "Refunds", "procedure", "draft"),
    );
    r.write(
        "sops/ops/-SOP-0008-dash.md",
        &sop_text("SOP-0008", "Dash", "procedure", "draft"),
    );
    r.commit("odd names");
    let all = lint_text(&r);
    assert!(
        all.contains(
            "rename the file to `SOP-0001-refunds.md`: `git mv \"sops/ops/SOP-0001 Refunds.md\" sops/ops/SOP-0001-refunds.md`"
        ),
        "{all}"
    );
    assert!(
        all.contains("rename the file to `SOP-0002-refunds.md`"),
        "{all}"
    );
    assert!(
        all.contains("rename the file to `SOP-0008-dash.md`"),
        "{all}"
    );
    assert!(!all.contains("SOP-0001-SOP-0001"), "{all}");
}

/// Lint output (stdout and stderr) of `r`.
fn lint_text(r: &SopRepo) -> String {
    let out = r.sop().args(["lint"]).output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Writer review #10: a copy renamed to a free id (`SOP-0012-vip-appeals.md`) whose front
/// matter still says the original's id is told to change the front matter to `id: SOP-0012`,
/// never to rename the file to a second `SOP-0002-…`.
#[test]
fn a_renamed_copy_with_a_duplicate_id_is_told_to_take_its_file_name_id() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0002", "Account ban appeals", "procedure", "draft");
    r.write("sops/general/SOP-0002-account-ban-appeals.md", &text);
    r.write("sops/general/SOP-0012-vip-appeals.md", &text);
    r.commit("copy");
    let all = lint_text(&r);
    assert!(!all.contains("SOP-0002-vip-appeals"), "{all}");
    assert!(!all.contains("`sop new` shows"), "{all}");
    assert!(
        all.contains("change the front matter to `id: SOP-0012`, as the file name says"),
        "{all}"
    );
    assert!(
        all.contains(
            "change the front matter of `sops/general/SOP-0012-vip-appeals.md` to `id: SOP-0012`"
        ),
        "{all}"
    );
    // Following the advice fixes both errors.
    r.write(
        "sops/general/SOP-0012-vip-appeals.md",
        &text.replace("id: SOP-0002", "id: SOP-0012"),
    );
    let all = lint_text(&r);
    assert!(!all.contains("id-duplicate"), "{all}");
    assert!(!all.contains("id-file-name-mismatch"), "{all}");
}

/// Writer review #10: two SOPs with the same id and matching file names are told an id that
/// is free (`sop new` does not "show" one: it creates a file).
#[test]
fn a_duplicate_id_is_told_a_free_id() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0007-refunds.md",
        &sop_text("SOP-0007", "Refunds", "procedure", "draft"),
    );
    r.write(
        "sops/a/SOP-0007-payouts.md",
        &sop_text("SOP-0007", "Payouts", "procedure", "draft"),
    );
    r.write(
        "sops/a/SOP-0009-bans.md",
        &sop_text("SOP-0009", "Bans", "procedure", "draft"),
    );
    r.commit("twins");
    let all = lint_text(&r);
    assert!(
        all.contains("(`SOP-0010` is free: no SOP uses it)"),
        "{all}"
    );
    assert!(!all.contains("`sop new` shows"), "{all}");
}

/// Writer review #15: an unclosed quote in the front matter gets help that names the quote and
/// says where the closing one goes, not the general advice on quoting.
#[test]
fn an_unclosed_quote_is_told_where_the_closing_quote_goes() {
    let r = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    r.write(
        "sops/a/SOP-0001-refunds.md",
        &text.replace("owner: Amara Okafor", "owner: \"Carlos Ruiz"),
    );
    let all = lint_text(&r);
    assert!(
        all.contains("help: add the closing quote `\"` at the end of the value, so that the line reads `owner: \"Carlos Ruiz\"` (or remove the opening `\"`)"),
        "{all}"
    );
    r.write(
        "sops/a/SOP-0001-refunds.md",
        &text.replace("title: Refunds", "title: 'Refunds"),
    );
    let all = lint_text(&r);
    assert!(all.contains("add the closing quote `'`"), "{all}");
    assert!(!all.contains("put text that contains"), "{all}");
}

/// git's split index (`core.splitIndex`) is a setting libgit2 cannot read: `sop release` says
/// so by name with the commands that turn it off, not libgit2's "unsupported mandatory
/// extension"; `sop publish`, which leaves the linked files out, says the same.
#[test]
fn a_split_index_is_named_with_its_fix() {
    let r = SopRepo::new();
    r.write(
        "sops/a/SOP-0001-a.md",
        &sop_text("SOP-0001", "A", "procedure", "draft"),
    );
    r.commit("one");
    r.git(&["config", "core.splitIndex", "true"]);
    r.git(&["update-index", "--split-index"]);
    let fix = "`git config core.splitIndex false` and `git update-index --no-split-index`";
    let out = r
        .sop()
        .args(["release", "SOP-0001", "--version", "1.0.0", "-m", "First"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("git's split index (the setting `core.splitIndex`)")
            && stderr.contains(fix),
        "{stderr}"
    );
    for jargon in ["mandatory extension", "class="] {
        assert!(!stderr.contains(jargon), "{jargon}: {stderr}");
    }
    let out = r.sop().args(["publish", "--out", "site"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(fix), "{stderr}");

    // Doing what it says: the release goes through.
    r.git(&["config", "core.splitIndex", "false"]);
    r.git(&["update-index", "--no-split-index"]);
    r.sop()
        .args(["release", "SOP-0001", "--version", "1.0.0", "-m", "First"])
        .assert()
        .success();
}
