//! `sop serve`: a real server on a free port: pages, the 404 page, and a reload event after an
//! SOP changes on disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::publish::demo_repo;
use crate::support::{SopRepo, TODAY};

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
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sop"))
        .args(["serve", "--port", "0"])
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
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
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
fn lint_errors_show_as_a_banner_and_the_server_keeps_serving() {
    let repo = demo_repo();
    let p = "sops/payments/SOP-0003-virtual-gift-refund-requests.md";
    let text = repo.read(p).replace("owner: Amara Okafor\n", "");
    repo.write(p, &text);
    let served = serve(&repo);
    let (status, page) = get(&served.url, "/index.html");
    assert_eq!(status, 200);
    assert!(
        page.contains("class=\"drafts-banner lint-banner\""),
        "{page}"
    );
    assert!(page.contains("Lint errors."), "{page}");
    assert!(page.contains(p), "the banner names the file: {page}");
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
