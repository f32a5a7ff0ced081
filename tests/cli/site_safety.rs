//! Regression tests for issue 11 on the publishing side: what a repository can make `sop
//! publish` and `sop serve` write, copy, delete or run. Each test names the behaviour it pins.
//! See #11.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use crate::support::{SopRepo, sop_text};

/// A repository with one approved SOP `SOP-0001` whose owner is `owner`, committed.
fn repo_with_owner(owner: &str) -> SopRepo {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("owner: Amara Okafor", &format!("owner: {owner}"));
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("add");
    repo
}

/// The `<style media="print">` block of a published page.
fn print_style(page: &str) -> String {
    let start = page.find("<style media=\"print\">").expect("print style");
    let end = start + page[start..].find("</style>").expect("end of style");
    page[start..end].to_string()
}

// See #11 (S7).
#[test]
fn owner_names_are_css_escaped_in_the_printed_page_header() {
    let repo = repo_with_owner("\"Ann\\n}} .sop-body{display:none !important} x{\"");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let page = repo.read("site/sops/SOP-0001.html");
    let css = print_style(&page);
    // One `@page` rule with three margin boxes: nothing the owner wrote opens or closes a rule.
    assert_eq!(css.matches('{').count(), 4, "{css}");
    assert_eq!(css.matches('}').count(), 4, "{css}");
    assert!(
        css.contains("Owner: Ann\\a \\7d \\7d  .sop-body\\7b display:none"),
        "{css}"
    );
    let repo = repo_with_owner("\"Siobhán O'Brien & Co\"");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let css = print_style(&repo.read("site/sops/SOP-0001.html"));
    assert!(
        css.contains("content: \"Owner: Siobhán O\\27 Brien \\26  Co · Effective: 2026-03-01\""),
        "{css}"
    );
    assert!(!css.contains("&amp;") && !css.contains("&#39;"), "{css}");
}

/// `program <flag>` runs.
fn have(program: &str, flag: &str) -> bool {
    Command::new(program)
        .arg(flag)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The text of the page at `html`, printed to PDF by Chromium.
fn printed_text(html: &Path) -> String {
    printed_text_with(html, &[])
}

/// The text of the page at `html`, printed to PDF by Chromium, read by `pdftotext` with `args`.
fn printed_text_with(html: &Path, args: &[&str]) -> String {
    let pdf = html.with_extension("pdf");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("pdftotext")
        .args(args)
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

// See #11 (S7): the printed page keeps its text and shows the owner as written.
#[test]
#[ignore = "needs chromium and pdftotext"]
fn printed_pages_keep_their_text_and_show_owner_names_as_written() {
    assert!(
        have("chromium", "--version") && have("pdftotext", "-v"),
        "install chromium and poppler-utils"
    );
    let hostile = repo_with_owner("\"Ann\\n}} .sop-body{display:none !important} x{\"");
    hostile
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let text = printed_text(&hostile.path("site/sops/SOP-0001.html"));
    assert!(
        text.contains("Open it in the case tool"),
        "procedure text lost:\n{text}"
    );
    let ordinary = repo_with_owner("\"Siobhán O'Brien & Co\"");
    ordinary
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let text = printed_text(&ordinary.path("site/sops/SOP-0001.html"));
    assert!(text.contains("Owner: Siobhán O'Brien & Co"), "{text}");
    assert!(!text.contains("&amp;") && !text.contains("&#39;"), "{text}");
}

// Paper does not scroll: a long line in a code block once printed cut off at the page's edge.
#[test]
#[ignore = "needs chromium and pdftotext"]
fn printed_pages_keep_every_character_of_a_long_line_of_code() {
    assert!(
        have("chromium", "--version") && have("pdftotext", "-v"),
        "install chromium and poppler-utils"
    );
    let repo = SopRepo::new();
    let command = "admin-cli account show --id 123456789 --with-history --include-suspensions \
                   --format=table --verbose --include-appeals --since=2026-01-01 --reason=APPEAL";
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved").replace(
        "## Escalation",
        &format!("Run:\n\n```\n{command}\n```\n\n## Escalation"),
    );
    assert!(text.contains(command));
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("add");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    // `-layout`: pdftotext would otherwise join a line ending in `-` to the next as a hyphenated
    // word, dropping the `-`. The line wraps where the page ends; every character is printed.
    let printed = printed_text_with(&repo.path("site/sops/SOP-0001.html"), &["-layout"]);
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    assert!(
        squeeze(&printed).contains(&squeeze(command)),
        "the command is not whole on paper:\n{printed}"
    );
}

/// A committed repository with one approved SOP.
fn approved_repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        "sops/ops/SOP-0001-base.md",
        &sop_text("SOP-0001", "Base", "checklist", "approved"),
    );
    repo.commit("add");
    repo
}

// See #11 (S2): a committed marker plus `[site] out = "sops"` once replaced the SOP folder.
#[test]
fn publish_refuses_the_sop_folder_as_output_even_with_a_committed_marker() {
    let repo = approved_repo();
    repo.write("sops/.sop-site", "");
    repo.write("sop.toml", "[site]\nout = \"sops\"\n");
    repo.commit("innocent-looking config");
    repo.write("sops/ops/SOP-0002-wip.md", "UNCOMMITTED WORK\n");
    let out = repo.sop().arg("publish").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("it is the SOP folder"), "{stderr}");
    assert_eq!(repo.read("sops/ops/SOP-0002-wip.md"), "UNCOMMITTED WORK\n");
    for bad in [".", "..", "templates", ".git", "sops/ops", ".git/site"] {
        let out = repo.sop().args(["publish", "--out", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "--out {bad}");
    }
    // A folder holding Markdown or `sop.toml` is somebody's work, marker or not.
    repo.write("notes/.sop-site", "");
    repo.write("notes/plan.md", "mine\n");
    let out = repo
        .sop()
        .args(["publish", "--out", "notes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds `plan.md`"));
    assert_eq!(repo.read("notes/plan.md"), "mine\n");
}

// See #11 (S2): the marker is checked, not just present.
#[test]
fn publish_replaces_only_folders_it_marked_for_this_repository() {
    let repo = approved_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let marker = repo.read("site/.sop-site");
    assert!(
        marker.contains("sop-site-token: ") && marker.contains("repository: "),
        "{marker}"
    );
    // Its own folder is replaced as before.
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    // A copied marker with another token, an empty one, or one from another repository.
    let forged_token = marker
        .lines()
        .map(|l| {
            if l.starts_with("sop-site-token: ") {
                "sop-site-token: 0123456789abcdef0123456789abcdef".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let other = approved_repo();
    other
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let foreign = other.read("site/.sop-site");
    for (name, text) in [
        ("token", forged_token.as_str()),
        ("empty", ""),
        ("other", foreign.as_str()),
    ] {
        let dir = format!("docs-{name}");
        repo.write(&format!("{dir}/.sop-site"), text);
        repo.write(&format!("{dir}/keep.txt"), "keep");
        let out = repo
            .sop()
            .args(["publish", "--out", &dir])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains("was not made by `sop publish` in this repository"),
            "{stderr}"
        );
        assert_eq!(repo.read(&format!("{dir}/keep.txt")), "keep");
    }
}

// A repository moved or renamed keeps its site: the token in its git folder moved with it.
#[test]
fn a_moved_repository_publishes_over_its_own_site() {
    let top = SopRepo::empty();
    let git = |dir: &str, args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(top.path(dir))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    };
    top.write("before/sop.toml", "").write(
        "before/sops/ops/SOP-0001-base.md",
        &sop_text("SOP-0001", "Base", "checklist", "approved"),
    );
    git("before", &["init", "-q", "-b", "main"]);
    git("before", &["add", "-A"]);
    git(
        "before",
        &[
            "-c",
            "user.name=W",
            "-c",
            "user.email=w@example.com",
            "commit",
            "-qm",
            "add",
        ],
    );
    let publish = |dir: &str| {
        top.sop()
            .current_dir(top.path(dir))
            .arg("publish")
            .output()
            .unwrap()
    };
    assert!(publish("before").status.success());
    std::fs::rename(top.path("before"), top.path("after")).unwrap();
    let out = publish("after");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The marker names the repository by its place in the git work tree, never by the
    // publisher's local path (the folder goes on a web host).
    let marker = top.read("after/site/.sop-site");
    assert!(marker.contains("\nrepository: .\n"), "{marker}");
    assert!(!marker.contains("after"), "{marker}");

    // Two SOP repositories in one git repository share its git folder, and so its token: the
    // site of the one that still exists is not the other's to replace.
    top.write("after/hr/sop.toml", "").write(
        "after/hr/sops/people/SOP-0001-leave.md",
        &sop_text("SOP-0001", "Leave", "checklist", "approved"),
    );
    git("after", &["add", "-A"]);
    git(
        "after",
        &[
            "-c",
            "user.name=W",
            "-c",
            "user.email=w@example.com",
            "commit",
            "-qm",
            "hr",
        ],
    );
    let site = top.path("after/site");
    let out = top
        .sop()
        .current_dir(top.path("after/hr"))
        .args(["publish", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was not made by `sop publish` in this repository"),
        "{stderr}"
    );
    assert!(top.read("after/site/index.html").contains("Base"));
}

// See #11 (R10): build folders of a killed publish are removed by the next one; nothing else.
#[test]
fn publish_removes_build_folders_a_killed_run_left_behind() {
    let repo = approved_repo();
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    // Process 4294967 runs nowhere (Linux process ids stay below 2^22).
    let copy = |to: &str| {
        for (rel, bytes) in crate::publish::tree(&repo.path("site")) {
            repo.write_bytes(&format!("{to}/{rel}"), &bytes);
        }
    };
    copy(".sop-site-new-4294967-a1");
    copy(".sop-site-old-4294967-b2");
    std::fs::create_dir(repo.path(".sop-site-new-4294967-c3")).unwrap();
    repo.write(".sop-site-new-4294967-d4/keep.txt", "not sop's");
    copy(".sop-site-new-1-e5"); // process 1 runs: not a leftover
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    for gone in [
        ".sop-site-new-4294967-a1",
        ".sop-site-old-4294967-b2",
        ".sop-site-new-4294967-c3",
    ] {
        assert!(!repo.path(gone).exists(), "{gone} left behind");
    }
    assert_eq!(repo.read(".sop-site-new-4294967-d4/keep.txt"), "not sop's");
    assert!(repo.path(".sop-site-new-1-e5").exists());
}

// See #11 (R10): a temporary file of a killed write is removed by the next write there, and
// `sop init` makes git ignore all of them.
#[test]
fn stale_temporary_files_are_removed_and_ignored_by_git() {
    let repo = SopRepo::empty();
    repo.sop().args(["init", "."]).assert().success();
    repo.git(&["config", "user.name", "T"]);
    repo.git(&["config", "user.email", "t@example.com"]);
    repo.write("sops/ops/.sop-tmp-4294967-x1", "half a file");
    repo.write(".sop-site-new-4294967-x2/index.html", "half a site");
    let ignored = repo.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(
        !ignored.contains(".sop-"),
        "git sees sop's temporaries:\n{ignored}"
    );
    repo.sop()
        .args(["new", "Refunds", "--category", "ops", "--type", "checklist"])
        .assert()
        .success();
    assert!(!repo.path("sops/ops/.sop-tmp-4294967-x1").exists());
}

// See #11 (R13): attachments are copied as they are, with a warning over the configured size.
#[test]
fn large_attachments_are_copied_with_a_warning_over_the_configured_size() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[site]\nattachment_warn_size = \"2 KB\"\n");
    let text = sop_text("SOP-0001", "Base", "checklist", "approved").replace(
        "Read the handover notes",
        "Read [the export](export.bin) and [the form](form.pdf)",
    );
    repo.write("sops/ops/SOP-0001-base.md", &text);
    let big: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    repo.write_bytes("sops/ops/export.bin", &big);
    repo.write_bytes("sops/ops/form.pdf", b"%PDF small");
    repo.commit("add");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("`sops/ops/export.bin` is 5.0 KB, more than the 2.0 KB set by `[site] attachment_warn_size`"),
        "{stderr}"
    );
    assert!(!stderr.contains("form.pdf"), "{stderr}");
    assert_eq!(
        std::fs::read(repo.path("site/files/sops/ops/export.bin")).unwrap(),
        big
    );
    repo.write("sop.toml", "[site]\nattachment_warn_size = \"lots\"\n");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a size"));
}

/// A raw `GET /` with `host` (or none): the status line and the body.
fn get_with_host(url: &str, host: Option<&str>) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(crate::serve::address(url)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        s,
        "GET /index.html HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

// See #11 (S6): DNS rebinding: only local host names are answered.
#[test]
fn serve_answers_only_requests_for_its_local_address() {
    let repo = approved_repo();
    let served = crate::serve::serve(&repo);
    let port = served
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    for ok in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _) = get_with_host(&served.url, Some(&ok));
        assert!(status.contains(" 200 "), "{ok}: {status}");
    }
    for bad in [
        Some("evil.example".to_string()),
        Some(format!("evil.example:{port}")),
        Some("localhost".into()),
        None,
    ] {
        let (status, body) = get_with_host(&served.url, bad.as_deref());
        assert!(status.contains(" 421 "), "{bad:?}: {status}");
        assert_eq!(body.lines().count(), 1, "{body}");
        assert!(
            body.contains("sop serve answers only at http://127.0.0.1:"),
            "{body}"
        );
    }
}

/// How many threads process `pid` runs.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

// See #11 (S6): idle connections cannot make a thread each without limit.
#[cfg(target_os = "linux")]
#[test]
fn serve_caps_its_connections() {
    let repo = approved_repo();
    let served = crate::serve::serve(&repo);
    let addr = crate::serve::address(&served.url);
    let idle: Vec<std::net::TcpStream> = (0..400)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let n = threads(served.pid());
    assert!(n < 300, "{n} threads for 400 idle connections");
    drop(idle);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (status, _) = crate::serve::get(&served.url, "/");
    assert_eq!(status, 200);
}

/// A committed repository whose SOP-0001 links `links` (Markdown) in its checklist, with
/// `files` written beside it (`sops/ops/<name>`).
fn repo_linking(links: &str, files: &[(&str, &str)]) -> SopRepo {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Base", "checklist", "approved")
        .replace("Read the handover notes", links);
    repo.write("sops/ops/SOP-0001-base.md", &text);
    for (name, body) in files {
        repo.write(&format!("sops/ops/{name}"), body);
    }
    repo.commit("add");
    repo
}

/// The rules of `sop lint --format json`'s findings, and its exit code.
fn lint_rules(repo: &SopRepo) -> (Vec<String>, Option<i32>) {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    (rules, out.status.code())
}

const HOSTILE_SVG: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;

// See #11 (S3): linked pages, scripts and SVG files never become files of the site.
#[test]
fn linked_pages_and_scripts_are_not_published_and_svg_images_are_inlined() {
    let repo = repo_linking(
        "See ![flow](diagram.svg), [the diagram](diagram.svg), [the form](form.html), \
         [the script](tool.js) and <img src=\"diagram.svg\" alt=\"raw\">",
        &[
            ("diagram.svg", HOSTILE_SVG),
            ("form.html", "<script>alert(document.domain)</script>"),
            ("tool.js", "alert(3)"),
        ],
    );
    let (rules, code) = lint_rules(&repo);
    assert_eq!(code, Some(1));
    let active: Vec<&String> = rules
        .iter()
        .filter(|r| r.starts_with("link-active-content"))
        .collect();
    assert_eq!(active.len(), 3, "{rules:#?}");
    assert!(
        active.iter().any(|r| r.contains("`sops/ops/form.html`")),
        "{rules:#?}"
    );
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let site = crate::publish::tree(&repo.path("site"));
    let copied: Vec<&String> = site.keys().filter(|p| p.starts_with("files/")).collect();
    assert!(copied.is_empty(), "copied: {copied:?}");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert_eq!(
        page.matches("src=\"data:image/svg+xml;base64,").count(),
        2,
        "{page}"
    );
    for gone in ["diagram.svg\"", "form.html", "tool.js"] {
        assert!(!page.contains(gone), "{gone} still linked");
    }
    assert!(
        page.contains("the diagram") && page.contains("the form"),
        "link text stays"
    );
}

// See #11 (S4): only files git tracks are copied; anything else is a lint error.
#[test]
fn only_files_git_tracks_are_published() {
    let repo = repo_linking(
        "Read [the settings](../../.env), [the config](../../vendor/.git/config) and [the form](form.pdf)",
        &[("form.pdf", "%PDF tracked")],
    );
    repo.write(".gitignore", ".env\n");
    repo.write(".env", "PASSWORD=hunter2\n");
    repo.commit("ignore .env");
    Command::new("git")
        .args(["init", "-q", "vendor"])
        .current_dir(repo.root())
        .output()
        .unwrap();
    let (rules, code) = lint_rules(&repo);
    assert_eq!(code, Some(1));
    let untracked: Vec<&String> = rules
        .iter()
        .filter(|r| r.starts_with("link-untracked"))
        .collect();
    assert_eq!(untracked.len(), 2, "{rules:#?}");
    assert!(
        untracked
            .iter()
            .any(|r| r.contains("`.env` is not published")),
        "{rules:#?}"
    );
    assert!(
        untracked.iter().any(|r| r.contains("`vendor/.git/config`")),
        "{rules:#?}"
    );
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let site = crate::publish::tree(&repo.path("site"));
    let copied: Vec<&String> = site.keys().filter(|p| p.starts_with("files/")).collect();
    assert_eq!(copied, ["files/sops/ops/form.pdf"]);
    assert!(
        !site
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("hunter2"))
    );

    // Without git: nothing hidden, nothing in a `.git` folder.
    let plain = SopRepo::empty();
    plain.write("sop.toml", "");
    let text = sop_text("SOP-0001", "Base", "checklist", "approved").replace(
        "Read the handover notes",
        "Read [the key](.secret/key.pdf), [the config](.git/config) and [the form](form.pdf)",
    );
    plain.write("sops/ops/SOP-0001-base.md", &text);
    plain.write("sops/ops/.secret/key.pdf", "secret");
    plain.write("sops/ops/.git/config", "[http] extraheader = token");
    plain.write("sops/ops/form.pdf", "%PDF");
    let (rules, _) = lint_rules(&plain);
    assert_eq!(
        rules
            .iter()
            .filter(|r| r.starts_with("link-untracked"))
            .count(),
        2,
        "{rules:#?}"
    );
    plain
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let site = crate::publish::tree(&plain.path("site"));
    let copied: Vec<&String> = site.keys().filter(|p| p.starts_with("files/")).collect();
    assert_eq!(copied, ["files/sops/ops/form.pdf"]);
}

// See #11 (S3): `sop serve` sends attachments with headers that let nothing in them run.
#[test]
fn serve_sends_attachments_with_a_policy_that_runs_nothing() {
    let repo = repo_linking("Read [the form](form.pdf)", &[("form.pdf", "%PDF tracked")]);
    let served = crate::serve::serve(&repo);
    let host = crate::serve::address(&served.url);
    let (head, body) = get(&host, "/files/sops/ops/form.pdf");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("\r\nContent-Security-Policy: default-src 'none';"),
        "{head}"
    );
    assert!(head.contains("sandbox"), "{head}");
    assert!(
        head.contains("\r\nX-Content-Type-Options: nosniff"),
        "{head}"
    );
    assert!(head.contains("\r\nContent-Type: application/pdf"), "{head}");
    assert_eq!(body, "%PDF tracked");
}

/// The response to `GET path` from the `sop serve` at `host`: (head, body).
fn get(host: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}

// A release's own copy of a linked file (it changed since) is an attachment too.
#[test]
fn serve_sends_a_releases_copy_of_a_file_with_the_attachment_policy() {
    let repo = repo_linking(
        "Read [the form](form.pdf)",
        &[("form.pdf", "%PDF approved")],
    );
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "Approved\n\nApproved-by: Lena <l@example.com>\n",
    ]);
    repo.write("sops/ops/form.pdf", "%PDF later");
    repo.commit("a later form");
    let served = crate::serve::serve(&repo);
    let host = crate::serve::address(&served.url);
    let (_, page) = get(&host, "/sops/SOP-0001/v1.0.0.html");
    assert!(
        page.contains("../../files/@releases/SOP-0001/v1.0.0/sops/ops/form.pdf"),
        "{page}"
    );
    let (head, body) = get(&host, "/files/@releases/SOP-0001/v1.0.0/sops/ops/form.pdf");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("\r\nContent-Security-Policy: default-src 'none';"),
        "{head}"
    );
    assert!(head.contains("sandbox"), "{head}");
    assert_eq!(body, "%PDF approved");
}

// See #11 (R6): a very long department or tag name gets a short page name, not an abort.
#[test]
fn long_department_and_tag_names_publish_with_short_page_names() {
    let long = "Very long department name ".repeat(11);
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Base", "checklist", "approved").replace(
        "department: Payments",
        &format!(
            "department: \"{}\"\ntags: [\"{}\"]",
            long.trim(),
            long.trim()
        ),
    );
    repo.write("sops/ops/SOP-0001-base.md", &text);
    repo.commit("add");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = crate::publish::tree(&repo.path("site"));
    for dir in ["departments/", "tags/"] {
        let page = site
            .keys()
            .find(|p| p.starts_with(dir) && p.ends_with(".html") && !p.ends_with("index.html"))
            .unwrap_or_else(|| panic!("no page in {dir}"));
        let name = page.rsplit('/').next().unwrap();
        assert!(
            name.len() <= 90 && name.starts_with("very-long-department-name"),
            "{page}"
        );
    }
    let problems = crate::publish::broken_links(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// See #11 (S8): ids that cannot name a page are left out, and publishing is deterministic.
#[test]
fn sops_with_ids_that_cannot_name_a_page_are_left_out() {
    let repo = SopRepo::new();
    let base = sop_text("SOP-0001", "Original", "checklist", "approved");
    repo.write("sops/ops/SOP-0001-base.md", &base);
    repo.write(
        "sops/ops/SOP-0001-base.es.md",
        &base.replace(
            "title: Original",
            "title: Traduccion real\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
        ),
    );
    repo.write(
        "sops/ops/SOP-0004-c.md",
        &base
            .replace("id: SOP-0001", "id: \"SOP-0001.es\"")
            .replace("title: Original", "title: Impostor"),
    );
    repo.write(
        "sops/ops/SOP-0002-a.md",
        &base
            .replace("id: SOP-0001", "id: \"SOP 0002\"")
            .replace("title: Original", "title: Space"),
    );
    repo.write(
        "sops/ops/SOP-0002-b.md",
        &base
            .replace("id: SOP-0001", "id: SOP_0002")
            .replace("title: Original", "title: Underscore"),
    );
    repo.commit("add");
    let mut first = None;
    for _ in 0..4 {
        let _ = std::fs::remove_dir_all(repo.path("site"));
        let out = repo
            .sop()
            .args(["publish", "--out", "site"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        for path in ["SOP-0004-c.md", "SOP-0002-a.md", "SOP-0002-b.md"] {
            assert!(
                stderr.contains(&format!("`sops/ops/{path}` is not published: its id")),
                "{path}: {stderr}"
            );
        }
        assert!(stderr.contains("published 1 SOP "), "{stderr}");
        let site = crate::publish::tree(&repo.path("site"));
        let es = String::from_utf8(site["sops/SOP-0001.es.html"].clone()).unwrap();
        assert!(es.contains("Traduccion real") && !es.contains("Impostor"));
        assert!(
            !site.keys().any(|p| p.contains("0002")),
            "{:?}",
            site.keys()
        );
        match &first {
            None => first = Some(site),
            Some(f) => assert!(f == &site, "publish is not deterministic"),
        }
    }
}

// See #11 (S8): two sources for one page are refused, naming both.
#[test]
fn two_sources_for_one_page_are_refused_naming_both() {
    let repo = SopRepo::new();
    let base = sop_text("SOP-0001", "Original", "checklist", "approved");
    repo.write("sops/ops/SOP-0001-base.md", &base);
    for (file, lang) in [
        ("SOP-0001-base.pt-BR.md", "pt-BR"),
        ("SOP-0001-other.pt-br.md", "pt-br"),
    ] {
        repo.write(
            &format!("sops/ops/{file}"),
            &base.replace(
                "title: Original",
                &format!("title: Tradução\nlanguage: {lang}\ntranslation_of: SOP-0001@1.0.0"),
            ),
        );
    }
    repo.commit("add");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("SOP-0001-base.pt-BR.md") && stderr.contains("SOP-0001-other.pt-br.md"),
        "{stderr}"
    );
    assert!(stderr.contains("would both be published as"), "{stderr}");
    assert!(!repo.path("site").exists());
}

// See #11 (S2): the check for sources inside the output never refuses sop's own folder,
// even when an SOP links to a file named like one.
#[test]
fn its_own_folder_is_replaced_even_when_it_holds_a_linked_sop_toml() {
    let repo = repo_linking("Read [the settings](../../sop.toml)", &[]);
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    assert!(repo.path("site/files/sop.toml").is_file());
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
}

#[test]
fn a_tracked_link_to_an_untracked_file_publishes_nothing() {
    let repo = repo_linking("Read [the notes](notes.txt)", &[]);
    repo.write(".gitignore", "secret.txt\n");
    repo.write("secret.txt", "secret-password\n");
    std::os::unix::fs::symlink("../../secret.txt", repo.path("sops/ops/notes.txt")).unwrap();
    repo.commit("link the notes");
    assert!(
        repo.git(&["ls-files", "sops/ops/notes.txt"])
            .contains("notes.txt"),
        "the link itself is tracked"
    );
    let (rules, code) = lint_rules(&repo);
    assert_eq!(code, Some(1));
    assert!(
        rules.iter().any(|r| r.starts_with("link-untracked")),
        "{rules:#?}"
    );
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let site = crate::publish::tree(&repo.path("site"));
    assert!(
        !site.keys().any(|p| p.starts_with("files/")),
        "{:?}",
        site.keys()
    );
    assert!(
        !site
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("secret-password"))
    );
}

// A theme file with the name of a file the site makes (`templates/site/search/d/0.js` is
// `assets/search/d/0.js`, the search index's first text file) once went through the hard link
// to the published site's own file and changed it before the build had finished.
#[test]
fn a_theme_file_with_the_name_of_a_site_file_is_refused_and_the_published_site_kept() {
    let repo = approved_repo();
    let out = repo.sop().arg("publish").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let published = repo.read("site/assets/search/d/0.js");
    repo.write("templates/site/search/d/0.js", "// not the search index\n");
    let out = repo.sop().arg("publish").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("assets/search/d/0.js"), "{stderr}");
    assert!(
        stderr.contains("two files of the site have this path"),
        "{stderr}"
    );
    assert_eq!(repo.read("site/assets/search/d/0.js"), published);
}

/// The text of every file of the search index's documents (`assets/search/d/*.js`).
fn search_texts(repo: &SopRepo) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(repo.path("site/assets/search/d")).unwrap() {
        out.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    out
}

// Search results once showed the text of a `<script>` the page removes: the index read the
// words between raw tags as text. It must hold only what the page shows.
#[test]
fn the_search_index_holds_nothing_the_page_removes() {
    let repo = SopRepo::new();
    let body = concat!(
        "Ask the lead <script>var apiKey=\"sk-live-123\"</script> for help, ",
        "<span onclick=\"send('onclick-secret')\">click here</span> ",
        "<!-- comment-secret --> now <style>.x{content:'inline-style-secret'}</style> please.\n\n",
        "<style>\n.y { content: 'style-secret' }\n</style>\n\n",
        "<iframe src=\"https://evil.example/iframe-secret\"></iframe>\n\n",
        "<div>\n<!-- block-comment-secret -->\nKept words here.\n",
        "<script>\nblock_script_secret()\n</script>\n</div>\n\n",
        "Press <Enter> to send, <img src=x onerror=\"onerror_secret()\"> then wait.\n",
    );
    let text = sop_text("SOP-0001", "Refunds", "checklist", "approved") + "\n" + body;
    repo.write("sops/ops/SOP-0001-refunds.md", &text);
    repo.commit("add");
    let out = repo.sop().arg("publish").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = repo.read("site/sops/SOP-0001.html");
    let search = search_texts(&repo);
    for shown in [
        "Ask the lead",
        "click here",
        "Kept words here.",
        "Press <Enter> to send",
    ] {
        assert!(
            page.contains(&shown.replace('<', "&lt;").replace('>', "&gt;")),
            "{page}"
        );
        assert!(
            search.contains(shown),
            "`{shown}` not in the search text:\n{search}"
        );
    }
    for secret in [
        "sk-live-123",
        "apiKey",
        "onclick-secret",
        "comment-secret",
        "inline-style-secret",
        "style-secret",
        "iframe-secret",
        "block_script_secret",
        "onerror_secret",
    ] {
        assert!(!page.contains(secret), "`{secret}` on the page");
        assert!(
            !search.contains(secret),
            "`{secret}` in the search text:\n{search}"
        );
    }
}

/// Character references to the marks the search index uses for headings (`&#xE000;`) are text:
/// a writer cannot make a heading the page does not have.
#[test]
fn a_writer_cannot_mark_a_heading_in_the_search_index() {
    let repo = SopRepo::new();
    let body = "<div>&#xE000;0&#xE001;Injected heading&#xE002; tail text</div>\n\n<p>&#57344;1&#57345;Another&#57346 more</p>\n";
    let text = sop_text("SOP-0001", "Refunds", "checklist", "approved") + "\n" + body;
    repo.write("sops/ops/SOP-0001-refunds.md", &text);
    repo.commit("add");
    let out = repo.sop().arg("publish").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let search = search_texts(&repo);
    assert!(search.contains("tail text"), "{search}");
    assert!(
        !search.contains("\"Injected heading\"") && !search.contains("\"Another\""),
        "a heading the page does not have:\n{search}"
    );
}

/// The marker names no local path, in git or not (the folder goes on a web host), and still
/// lets the repository publish over its own site, and only its own.
#[test]
fn the_marker_keeps_no_local_path() {
    for in_git in [true, false] {
        let repo = if in_git {
            SopRepo::new()
        } else {
            let r = SopRepo::empty();
            r.write("sop.toml", "");
            r
        };
        repo.write(
            "sops/ops/SOP-0001-base.md",
            &sop_text("SOP-0001", "Base", "checklist", "approved"),
        );
        if in_git {
            repo.commit("add");
        }
        for _ in 0..2 {
            repo.sop()
                .args(["publish", "--out", "site"])
                .assert()
                .success();
        }
        let marker = repo.read("site/.sop-site");
        let root = repo.root().to_string_lossy().into_owned();
        let name = repo
            .root()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(!marker.contains(&root), "{marker}");
        assert!(!marker.contains(&name), "{marker}");
        // Another folder's site is not this repository's to replace.
        let other = SopRepo::empty();
        other.write("sop.toml", "");
        let copy = other.path("site");
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(copy.join(".sop-site"), &marker).unwrap();
        std::fs::write(copy.join("index.html"), "theirs").unwrap();
        other
            .sop()
            .args(["publish", "--out", "site"])
            .assert()
            .code(1);
        assert_eq!(other.read("site/index.html"), "theirs");
    }
}
