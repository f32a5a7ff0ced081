//! `sop serve`: a real server on a free port: pages, the 404 page, a reload event after an SOP
//! changes on disk, drafts previewed (and hidden with `--approved-only`), the problems overlay,
//! and rebuilds that render only what an edit changed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::publish::demo_repo;
use crate::support::{SopRepo, TODAY, sop_text};

/// A running `sop serve`, stopped when dropped.
pub(crate) struct Served {
    child: Child,
    /// `http://127.0.0.1:<port>/`.
    pub(crate) url: String,
}

impl Served {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `sop serve --port 0` in `repo` and wait for the URL it prints.
pub(crate) fn serve(repo: &SopRepo) -> Served {
    serve_with(repo, &[])
}

/// Start `sop serve --port 0 <args>` in `repo` and wait for the URL it prints.
pub(crate) fn serve_with(repo: &SopRepo, args: &[&str]) -> Served {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sop"))
        .args(["serve", "--port", "0"])
        .args(args)
        .current_dir(repo.root())
        .env("SOP_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env("HOME", repo.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let mut served = Served {
        child,
        url: String::new(),
    };
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("sop serve printed no URL within 60 s");
    served.url = line.trim().to_string();
    assert!(
        served.url.starts_with("http://127.0.0.1:"),
        "printed {:?}",
        served.url
    );
    served
}

pub(crate) fn address(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// `GET path`: status code and body.
pub(crate) fn get(url: &str, path: &str) -> (u16, String) {
    let (status, _, body) = get_with_head(url, path);
    (status, body)
}

/// `GET path`: status code, response head and body.
fn get_with_head(url: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(address(url)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // The Host a browser sends, with the port: `sop serve` answers no other (see #11).
    let host = address(url);
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_string(), b.to_string()))
        .unwrap_or_default();
    (status, head, body)
}

/// The build that rendered the page at `path` (the `X-Sop-Build` header).
fn build_of(url: &str, path: &str) -> u64 {
    let (status, head, _) = get_with_head(url, path);
    assert_eq!(status, 200, "{path}: {head}");
    head.lines()
        .find_map(|l| l.strip_prefix("X-Sop-Build: "))
        .unwrap_or_else(|| panic!("{path} has no X-Sop-Build header: {head}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn serves_pages_and_a_not_found_page() {
    let repo = demo_repo();
    let served = serve(&repo);
    let (status, body) = get(&served.url, "/");
    assert_eq!(status, 200);
    assert!(body.contains("<!DOCTYPE html>") && body.contains("new EventSource('/__livereload')"));
    let (status, body) = get(&served.url, "/sops/SOP-0001.html?x=1");
    assert_eq!(status, 200);
    assert!(body.contains("Account Recovery"));
    assert_eq!(get(&served.url, "/assets/site.css").0, 200);
    assert_eq!(get(&served.url, "/departments/").0, 200);
    let (status, body) = get(&served.url, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    // Nothing is written into the repository.
    assert!(!repo.path("site").exists());
}

#[test]
fn an_edited_sop_is_rebuilt_and_pages_are_told_to_reload() {
    let repo = demo_repo();
    let served = serve(&repo);
    let mut events = TcpStream::connect(address(&served.url)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    write!(
        events,
        "GET /__livereload HTTP/1.1\r\nHost: {}\r\n\r\n",
        address(&served.url)
    )
    .unwrap();
    let mut seen = String::new();
    let read_until = |events: &mut TcpStream, seen: &mut String, want: &str, limit: Duration| {
        let start = Instant::now();
        let mut buf = [0u8; 1024];
        while !seen.contains(want) && start.elapsed() < limit {
            if let Ok(n) = events.read(&mut buf) {
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        seen.contains(want)
    };
    assert!(read_until(
        &mut events,
        &mut seen,
        "\r\n\r\n",
        Duration::from_secs(10)
    ));
    assert!(seen.contains("text/event-stream"), "{seen}");
    let file = "sops/user-service/SOP-0001-account-recovery.md";
    let text = repo
        .read(file)
        .replace("title: Account Recovery", "title: Account Recovery Revised");
    repo.write(file, &text);
    assert!(
        read_until(
            &mut events,
            &mut seen,
            "data: reload",
            Duration::from_secs(30)
        ),
        "no reload event: {seen}"
    );
    let (_, body) = get(&served.url, "/sops/SOP-0001.html");
    assert!(body.contains("Account Recovery Revised"));
}

#[test]
fn lint_errors_show_in_an_overlay_and_the_server_keeps_serving() {
    let repo = demo_repo();
    let p = "sops/payments/SOP-0003-virtual-gift-refund-requests.md";
    let text = repo.read(p).replace("owner: Amara Okafor\n", "");
    repo.write(p, &text);
    let served = serve(&repo);
    let (status, page) = get(&served.url, "/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"sop-serve-problems\""), "{page}");
    assert!(page.contains(p), "the overlay names the file: {page}");
}

#[test]
fn drafts_are_served_by_default_and_not_with_approved_only() {
    let repo = demo_repo();
    repo.write(
        "sops/payments/SOP-0100-brand-new-draft.md",
        &crate::support::sop_text("SOP-0100", "Brand New Draft", "procedure", "draft"),
    );
    let served = serve(&repo);
    let (status, page) = get(&served.url, "/sops/SOP-0100.html");
    assert_eq!(status, 200, "a new draft is previewed: {page}");
    assert!(page.contains("Brand New Draft"), "{page}");
    assert!(
        page.contains("Draft preview."),
        "marked as a preview: {page}"
    );
    let (_, index) = get(&served.url, "/index.html");
    assert!(
        index.contains("Draft preview."),
        "every page is marked: {index}"
    );
    drop(served);

    let served = serve_with(&repo, &["--approved-only"]);
    let (status, _) = get(&served.url, "/sops/SOP-0100.html");
    assert_eq!(status, 404, "readers do not see a draft");
    let (status, page) = get(&served.url, "/sops/SOP-0001.html");
    assert_eq!(status, 200);
    assert!(!page.contains("Draft preview."), "{page}");
    // The old name of the option still works.
    drop(served);
    let served = serve_with(&repo, &["--published"]);
    assert_eq!(get(&served.url, "/sops/SOP-0100.html").0, 404);
}

#[test]
fn a_broken_sop_is_named_with_its_line_until_it_is_fixed() {
    let repo = demo_repo();
    let p = "sops/payments/SOP-0003-virtual-gift-refund-requests.md";
    let good = repo.read(p);
    let served = serve(&repo);
    let (_, page) = get(&served.url, "/sops/SOP-0003.html");
    assert!(!page.contains("sop-serve-problems"), "{page}");
    // Line 5 of the file: `status: approved` becomes YAML that does not parse.
    assert_eq!(good.lines().nth(4), Some("status: approved"));
    repo.write(
        p,
        &good.replace("status: approved\n", "status: [approved\n"),
    );
    assert!(
        wait_for(&served.url, "/sops/SOP-0001.html", "sop-serve-problems"),
        "no overlay after the SOP broke"
    );
    let (_, page) = get(&served.url, "/sops/SOP-0001.html");
    let overlay = page
        .split("id=\"sop-serve-problems\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap();
    // The unclosed `[` is named on its own line (YAML notices it only where the next starts).
    assert!(
        overlay.contains(&format!("{p}:5")),
        "the overlay names the file and line: {overlay}"
    );
    assert!(
        overlay.contains("the front matter cannot be read"),
        "{overlay}"
    );
    repo.write(p, &good);
    assert!(
        wait_for_not(&served.url, "/sops/SOP-0001.html", "sop-serve-problems"),
        "the overlay stayed after the fix"
    );

    // A broken `sop.toml`: the last good site is still served, with the file and line named.
    let config = repo.read("sop.toml");
    repo.write("sop.toml", &format!("{config}[lint\n"));
    assert!(
        wait_for(&served.url, "/index.html", "sop-serve-problems"),
        "no overlay after sop.toml broke"
    );
    let (status, page) = get(&served.url, "/index.html");
    assert_eq!(status, 200);
    let lines = config.lines().count() + 1;
    assert!(page.contains(&format!("sop.toml:{lines}")), "{page}");
    repo.write("sop.toml", &config);
    assert!(
        wait_for_not(&served.url, "/index.html", "sop-serve-problems"),
        "the overlay stayed after sop.toml was fixed"
    );
}

#[test]
fn an_edit_renders_that_sops_pages_and_lists_but_not_the_others() {
    let repo = demo_repo();
    let served = serve(&repo);
    for path in [
        "/sops/SOP-0015.html",
        "/sops/SOP-0010.html",
        "/index.html",
        "/departments/data-privacy.html",
    ] {
        assert_eq!(build_of(&served.url, path), 0, "{path}");
    }
    let p = "sops/trust-and-safety/SOP-0015-content-appeal-policy.md";
    let text = repo.read(p);
    repo.write(p, &format!("{text}\nA sentence added by the test.\n"));
    assert!(
        wait_for(
            &served.url,
            "/sops/SOP-0015.html",
            "A sentence added by the test."
        ),
        "the edited SOP's page was not rendered again"
    );
    let edited = build_of(&served.url, "/sops/SOP-0015.html");
    assert!(edited >= 1);
    assert_eq!(
        build_of(&served.url, "/index.html"),
        edited,
        "the index lists it"
    );
    assert_eq!(
        build_of(&served.url, "/departments/trust-safety.html"),
        edited
    );
    assert_eq!(build_of(&served.url, "/dashboard.html"), edited);
    // An SOP that neither names it nor shares a list page with it is left as it was.
    assert_eq!(build_of(&served.url, "/sops/SOP-0010.html"), 0);
    assert_eq!(build_of(&served.url, "/departments/data-privacy.html"), 0);

    // A change to `sop.toml` renders every page again.
    let config = repo.read("sop.toml");
    repo.write(
        "sop.toml",
        &config.replace("Streamline SOPs", "Streamline Procedures"),
    );
    assert!(
        wait_for(&served.url, "/sops/SOP-0010.html", "Streamline Procedures"),
        "the whole site was not rendered after sop.toml changed"
    );
    assert!(build_of(&served.url, "/sops/SOP-0010.html") > edited);
}

#[test]
fn published_sites_hold_no_overlay_and_no_reload_script() {
    let repo = demo_repo();
    // A broken SOP: what `sop serve` would show in its overlay.
    let p = "sops/payments/SOP-0003-virtual-gift-refund-requests.md";
    let text = repo.read(p).replace("owner: Amara Okafor\n", "");
    repo.write(p, &text);
    for drafts in [false, true] {
        let out = repo.path(if drafts { "site-drafts" } else { "site" });
        let mut cmd = repo.sop();
        cmd.arg("publish").arg("--out").arg(&out);
        if drafts {
            cmd.arg("--drafts");
        }
        cmd.assert().success();
        let files = crate::publish::tree(&out);
        assert!(files.contains_key("index.html"));
        for (path, bytes) in files {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("sop-serve-problems"),
                "{path} has the overlay"
            );
            assert!(
                !text.contains("__livereload"),
                "{path} has the reload script"
            );
        }
    }
}

/// Poll `path` until its body contains `want`.
fn wait_for(url: &str, path: &str, want: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if get(url, path).1.contains(want) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Poll `path` until its body no longer contains `gone`.
fn wait_for_not(url: &str, path: &str, gone: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if !get(url, path).1.contains(gone) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_templates_folder_made_while_serving_is_watched() {
    let repo = demo_repo();
    assert!(!repo.path("templates").exists());
    let served = serve(&repo);
    repo.write("templates/site/site.css", "/* theme one */\n");
    assert!(
        wait_for(&served.url, "/assets/site.css", "theme one"),
        "the new override was not served"
    );
    // Edits inside the new folder are seen too, not only its creation.
    repo.write("templates/site/site.css", "/* theme two */\n");
    assert!(
        wait_for(&served.url, "/assets/site.css", "theme two"),
        "an edit inside the new folder was not seen"
    );
    // Deleted and made again (a branch switch does this): still watched.
    std::fs::remove_dir_all(repo.path("templates")).unwrap();
    assert!(
        wait_for(&served.url, "/assets/site.css", ":root"),
        "the built-in theme did not come back"
    );
    repo.write("templates/site/site.css", "/* theme three */\n");
    assert!(
        wait_for(&served.url, "/assets/site.css", "theme three"),
        "the folder made again was not seen"
    );
    repo.write("templates/site/site.css", "/* theme four */\n");
    assert!(
        wait_for(&served.url, "/assets/site.css", "theme four"),
        "an edit inside the folder made again was not seen"
    );
}

/// `[sops] dir` changed while serving: the new folder's SOPs are served, and edits in it are
/// seen (they once were not: only the folder watched at the start was).
#[test]
fn an_sop_folder_named_by_an_edited_sop_toml_is_watched() {
    let repo = SopRepo::new();
    repo.write(
        "sops/ops/SOP-0001-base.md",
        &sop_text("SOP-0001", "Base", "checklist", "draft"),
    );
    repo.write(
        "handbook/ops/SOP-0002-moved.md",
        &sop_text("SOP-0002", "In the handbook", "checklist", "draft"),
    );
    repo.commit("two folders");
    let served = serve(&repo);
    assert_eq!(get(&served.url, "/sops/SOP-0002.html").0, 404);
    repo.write("sop.toml", "[sops]\ndir = \"handbook\"\n");
    assert!(
        wait_for(&served.url, "/sops/SOP-0002.html", "In the handbook"),
        "the new SOP folder was not read"
    );
    repo.write(
        "handbook/ops/SOP-0002-moved.md",
        &sop_text("SOP-0002", "Edited in the handbook", "checklist", "draft"),
    );
    assert!(
        wait_for(&served.url, "/sops/SOP-0002.html", "Edited in the handbook"),
        "an edit in the new SOP folder was not seen"
    );
}

/// Every term chunk and every document text of the served search index, as one text.
fn search_index(url: &str) -> String {
    let (_, manifest) = get(url, "/assets/search/index.js");
    let json = manifest
        .split_once('=')
        .and_then(|(_, rest)| rest.split_once('=').map(|(_, json)| json))
        .unwrap()
        .trim()
        .trim_end_matches(';');
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    let chunks = manifest["chunks"].as_array().unwrap().len();
    let per = manifest["per"].as_u64().unwrap() as usize;
    let files = manifest["docs"].as_array().unwrap().len().div_ceil(per);
    let mut all = String::new();
    for c in 0..chunks {
        all.push_str(&get(url, &format!("/assets/search/t/{c}.js")).1);
    }
    for f in 0..files {
        all.push_str(&get(url, &format!("/assets/search/d/{f}.js")).1);
    }
    all
}

#[test]
fn search_after_an_edit_holds_the_new_words_and_keeps_the_other_sops() {
    let repo = demo_repo();
    let served = serve(&repo);
    let before = search_index(&served.url);
    assert!(before.contains("\"refund\""), "a word of another SOP");
    assert!(!before.contains("zebracorn"));
    let file = "sops/user-service/SOP-0001-account-recovery.md";
    let original = repo.read(file);
    let edited = original.replacen(
        "## Purpose\n",
        "## Purpose\n\nThe zebracorn rule applies.\n",
        1,
    );
    assert_ne!(edited, original);
    repo.write(file, &edited);
    assert!(wait_for(&served.url, "/sops/SOP-0001.html", "zebracorn"));
    let after = search_index(&served.url);
    assert!(after.contains("\"zebracorn\""), "the new word is a term");
    assert!(
        after.contains("The zebracorn rule applies."),
        "and in the text"
    );
    assert!(
        after.contains("\"refund\""),
        "the other SOPs are still found"
    );
    // The index updated after the edit is the one a first build of the edited SOPs makes.
    let fresh = serve(&repo);
    assert_eq!(search_index(&fresh.url), after);
    drop(fresh);
    repo.write(file, &original);
    assert!(wait_for_not(
        &served.url,
        "/sops/SOP-0001.html",
        "zebracorn"
    ));
    let again = search_index(&served.url);
    assert!(!again.contains("zebracorn"), "a word taken out is gone");
    assert_eq!(again, before, "the index is as it was before the edit");
}

#[test]
fn wiki_links_follow_a_new_a_renamed_and_a_newly_tracked_file_while_serving() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[links]\nwiki = true\n");
    let alpha = "sops/ops/SOP-0001-alpha.md";
    repo.write(
        alpha,
        &format!(
            "{}\nSee [[Runbook]], [[SOP-0002-gamma]] and ![[flow.png]].\n",
            sop_text("SOP-0001", "Alpha", "checklist", "draft")
        ),
    );
    repo.write(
        "sops/ops/SOP-0002-beta.md",
        &sop_text("SOP-0002", "Beta", "checklist", "draft"),
    );
    repo.commit("two SOPs");
    let served = serve(&repo);
    let page = "/sops/SOP-0001.html";
    assert!(
        wait_for(
            &served.url,
            page,
            "See Runbook, SOP-0002-gamma and flow.png."
        ),
        "{}",
        get(&served.url, page).1
    );
    // A new SOP of that title.
    repo.write(
        "sops/ops/SOP-0003-runbook.md",
        &sop_text("SOP-0003", "Runbook", "checklist", "draft"),
    );
    assert!(
        wait_for(
            &served.url,
            page,
            "<a href=\"../sops/SOP-0003.html\">Runbook</a>"
        ),
        "{}",
        get(&served.url, page).1
    );
    // A file renamed to the name a link gives.
    std::fs::rename(
        repo.path("sops/ops/SOP-0002-beta.md"),
        repo.path("sops/ops/SOP-0002-gamma.md"),
    )
    .unwrap();
    assert!(
        wait_for(
            &served.url,
            page,
            "<a href=\"../sops/SOP-0002.html\">SOP-0002-gamma</a>"
        ),
        "{}",
        get(&served.url, page).1
    );
    // A picture git does not track yet is not shown; once tracked (`git add` alone changes
    // no watched file), the next edit shows it.
    let before = build_of(&served.url, page);
    repo.write_bytes("sops/ops/flow.png", b"\x89PNG\r\n\x1a\n");
    let start = Instant::now();
    while build_of(&served.url, page) == before && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        build_of(&served.url, page) > before,
        "no rebuild for the new file"
    );
    assert!(!get(&served.url, page).1.contains("flow.png\""));
    repo.git(&["add", "sops/ops/flow.png"]);
    let text = repo.read(alpha);
    repo.write(alpha, &format!("{text}\nEdited.\n"));
    assert!(
        wait_for(&served.url, page, "src=\"../files/sops/ops/flow.png\""),
        "{}",
        get(&served.url, page).1
    );
}
