//! `sop publish`: the demo SOPs and small repositories, published for real and checked on disk:
//! pages exist, every link and anchor resolves, output is byte-identical across runs, unsafe
//! HTML never reaches a page, and a folder `sop` did not create is never replaced.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{SopRepo, sop_text};

/// A git repository holding a copy of the project's demo `sops/`.
pub(crate) fn demo_repo() -> SopRepo {
    let repo = SopRepo::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sops");
    copy_dir(&src, &repo.path("sops"));
    repo.write(
        "sop.toml",
        "[site]\ntitle = \"Streamline SOPs\"\nsuggest_url = \"https://git.example.com/sops/edit/main/{path}?id={id}\"\n",
    );
    repo.commit("import the demo SOPs");
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` (relative path → bytes).
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The values of every `href="…"` and `src="…"` in `html`.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Check every link of every page: the target file exists, and so does its `#anchor`.
/// Returns the problems found.
pub(crate) fn broken_links(site: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (page, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        let mut dir: Vec<String> = page.split('/').map(String::from).collect();
        dir.pop();
        for link in links(&html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/') && !link.contains("://"),
                "{page}: link `{link}` is not relative"
            );
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (link.as_str(), None),
            };
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                page.clone()
            } else {
                let mut parts = dir.clone();
                let decoded = percent_decode(path);
                for seg in decoded.split('/') {
                    match seg {
                        "." | "" => {}
                        ".." => {
                            if parts.pop().is_none() {
                                problems.push(format!("{page}: `{link}` leaves the site"));
                            }
                        }
                        s => parts.push(s.to_string()),
                    }
                }
                parts.join("/")
            };
            let Some(target_bytes) = site.get(&target) else {
                problems.push(format!("{page}: `{link}` → missing `{target}`"));
                continue;
            };
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                let text = String::from_utf8_lossy(target_bytes);
                if !text.contains(&format!("id=\"{anchor}\"")) {
                    problems.push(format!(
                        "{page}: `{link}` → no anchor `#{anchor}` in `{target}`"
                    ));
                }
            }
        }
    }
    problems
}

fn publish(repo: &SopRepo, out: &str) -> BTreeMap<String, Vec<u8>> {
    repo.sop()
        .args(["publish", "--out", out])
        .assert()
        .success();
    tree(&repo.path(out))
}

#[test]
fn demo_site_has_every_page_and_no_broken_link() {
    let repo = demo_repo();
    let out = repo
        .sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.trim(), "public");
    let site = tree(&repo.path("public"));
    for page in [
        ".sop-site",
        "index.html",
        "404.html",
        "dashboard.html",
        "sitemap.xml",
        "feed.xml",
        "assets/site.css",
        "assets/site.js",
        "assets/search.js",
        "assets/search/index.js",
        "departments/index.html",
        "departments/payments.html",
        "departments/payments.xml",
        "tags/index.html",
        "tags/refunds.html",
        "sops/SOP-0001.html",
        "sops/SOP-0001.es.html",
        "sops/SOP-0002.html",
        "sops/SOP-0003.html",
        "charts/by-status.svg",
    ] {
        assert!(site.contains_key(page), "missing {page}");
    }
    // In review and never released as approved: left out; draft: left out.
    assert!(!site.contains_key("sops/SOP-0007.html"));
    assert!(!site.contains_key("sops/SOP-0013.html"));
    assert!(
        !String::from_utf8_lossy(&site["index.html"]).contains("EventSource"),
        "no reload script outside sop serve"
    );
    let problems = broken_links(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    for want in [
        "<html lang=\"en\">",
        "Sofia Marquez",
        "Priya Nair, Mateo Rossi",
        "2026-06-15",
        "<h2 id=\"purpose\">",
        "href=\"#roles-and-responsibilities\"",
        "href=\"../sops/SOP-0001.es.html\"",
        "https://git.example.com/sops/edit/main/sops/user-service/SOP-0001-account-recovery.md?id=SOP-0001",
        // A link between SOPs points at the target's page, not the Markdown file.
        "href=\"../sops/SOP-0004.html\"",
    ] {
        assert!(page.contains(want), "SOP-0001 page lacks {want}");
    }
    assert!(
        !page.contains(".md\""),
        "a link still points at a Markdown file"
    );
    let es = String::from_utf8(site["sops/SOP-0001.es.html"].clone()).unwrap();
    assert!(es.contains("<html lang=\"es\">"));
    let retired = String::from_utf8(site["sops/SOP-0002.html"].clone()).unwrap();
    assert!(retired.contains("Retired"));
    assert!(retired.contains("href=\"../sops/SOP-0003.html\""));
    let manifest = String::from_utf8(site["assets/search/index.js"].clone()).unwrap();
    assert!(
        manifest.contains(r#""SOP-0001 es""#),
        "translations are searchable"
    );
    let terms: String = site
        .iter()
        .filter(|(path, _)| path.starts_with("assets/search/t/"))
        .map(|(_, js)| String::from_utf8_lossy(js).into_owned())
        .collect();
    assert!(
        terms.contains(r#""grooming":"#),
        "body words are searchable"
    );
}

#[test]
fn publishing_twice_gives_identical_files() {
    let repo = demo_repo();
    let first = publish(&repo, "one");
    let second = publish(&repo, "two");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(
            &second[path] == bytes,
            "{path} differs between two publishes"
        );
    }
}

#[test]
fn drafts_publish_working_copies_marked_as_not_approved() {
    let repo = demo_repo();
    let site = {
        repo.sop()
            .args(["publish", "--drafts", "--out", "preview"])
            .assert()
            .success();
        tree(&repo.path("preview"))
    };
    let page = String::from_utf8(site["sops/SOP-0013.html"].clone()).unwrap();
    assert!(page.contains("Draft preview"));
    assert!(page.contains("not an approved version"));
    assert!(broken_links(&site).is_empty());
}

#[test]
fn scripts_and_handlers_from_an_sop_never_reach_a_page() {
    let repo = SopRepo::new();
    let mut text = sop_text("SOP-0001", "Hostile input", "procedure", "approved");
    text.push_str(concat!(
        "\n<script>alert('x')</script>\n\n",
        "<img src=\"x.png\" onerror=\"alert(1)\">\n\n",
        "<a href=\"javascript:alert(2)\">click</a> [md link](javascript:alert(3)) ",
        "[entity](java&#x09;script:alert(4)) [caps](JaVaScRiPt:alert(9)) ![img](javascript:alert(5))\n\n",
        "<div onclick=\"alert(6)\" style=\"background:url(javascript:alert(7))\">text</div>\n\n",
        "<iframe src=\"https://evil.example\"></iframe><svg><script>alert(8)</script></svg>\n",
    ));
    repo.write("sops/pay/SOP-0001-hostile-input.md", &text);
    repo.commit("add");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert!(page.contains("Hostile input"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for bad in ["alert(", "onerror", "onclick", "javascript:", "<iframe"] {
            assert!(!text.contains(bad), "`{bad}` reached {path}");
        }
        if path.ends_with(".html") {
            // The only scripts are the theme's own files.
            for (i, _) in text.match_indices("<script") {
                assert!(
                    text[i..].starts_with("<script src=\""),
                    "inline script in {path}"
                );
            }
        }
    }
}

#[test]
fn a_foreign_folder_is_refused_and_left_as_it_was() {
    let repo = demo_repo();
    repo.write("docs/notes.txt", "mine");
    let out = repo
        .sop()
        .args(["publish", "--out", "docs"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("was not made by `sop publish`"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert_eq!(tree(&repo.path("docs")).len(), 1);
    assert_eq!(repo.read("docs/notes.txt"), "mine");
    let names: Vec<PathBuf> = std::fs::read_dir(repo.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".sop-site")
        })
        .collect();
    assert!(names.is_empty(), "left temporary folders: {names:?}");
}

#[test]
fn its_own_folder_is_replaced_whole() {
    let repo = demo_repo();
    let first = publish(&repo, "site");
    assert!(first.contains_key("sops/SOP-0003.html"));
    std::fs::remove_file(repo.path("sops/payments/SOP-0003-virtual-gift-refund-requests.md"))
        .unwrap();
    let second = publish(&repo, "site");
    assert!(!second.contains_key("sops/SOP-0003.html"));
    assert!(second.contains_key(".sop-site"));
}

#[test]
fn default_output_is_the_configured_folder_and_base_url_only_touches_feeds() {
    let repo = demo_repo();
    repo.sop()
        .args(["publish", "--base-url", "https://sops.example.com/ops/"])
        .assert()
        .success();
    let site = tree(&repo.path("site"));
    let sitemap = String::from_utf8(site["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>https://sops.example.com/ops/sops/SOP-0001.html</loc>"));
    let feed = String::from_utf8(site["feed.xml"].clone()).unwrap();
    assert!(feed.contains("href=\"https://sops.example.com/ops/sops/"));
    let index = String::from_utf8(site["index.html"].clone()).unwrap();
    assert!(!index.contains("sops.example.com"));
    repo.sop()
        .args(["publish", "--base-url", "sops.example.com"])
        .assert()
        .code(2);
}

#[test]
fn links_to_files_and_missing_sops_resolve_or_fall_back_to_text() {
    let repo = SopRepo::new();
    let mut a = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    a.push_str("\nSee [the other](../ops/SOP-0002-other.md#scope), [a draft](SOP-0003-draft.md), [flow](../../assets/flow%20chart.png) and ![diagram](../../assets/diagram.png).\n");
    repo.write("sops/pay/SOP-0001-refunds.md", &a);
    repo.write(
        "sops/ops/SOP-0002-other.md",
        &sop_text("SOP-0002", "Other", "procedure", "approved"),
    );
    repo.write(
        "sops/pay/SOP-0003-draft.md",
        &sop_text("SOP-0003", "Draft", "procedure", "draft"),
    );
    repo.write_bytes("assets/diagram.png", b"\x89PNG fake");
    repo.write_bytes("assets/flow chart.png", b"\x89PNG fake");
    repo.commit("add");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert!(
        page.contains("href=\"../sops/SOP-0002.html#scope\""),
        "{page}"
    );
    assert!(page.contains("src=\"../files/assets/diagram.png\""));
    assert!(page.contains("href=\"../files/assets/flow%20chart.png\""));
    assert!(
        page.contains("a draft"),
        "the text of a link to an unpublished SOP stays"
    );
    assert!(!page.contains("SOP-0003"), "no link to an unpublished SOP");
    assert_eq!(site["files/assets/diagram.png"], b"\x89PNG fake");
    let problems = broken_links(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_empty_repository_publishes_an_empty_site() {
    let repo = SopRepo::new();
    let site = publish(&repo, "site");
    let index = String::from_utf8(site["index.html"].clone()).unwrap();
    assert!(index.contains("No SOP is published yet"));
    assert!(broken_links(&site).is_empty());
}

#[test]
fn the_repository_theme_overrides_built_in_files_one_by_one() {
    let repo = demo_repo();
    repo.write(
        "templates/site/site.css",
        "/* our colours */\nbody { color: black; }\n",
    );
    repo.write(
        "templates/site/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    repo.write(
        "templates/site/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost? Ask in #ops-help</h1>{% endblock main %}",
    );
    let site = publish(&repo, "site");
    assert_eq!(
        String::from_utf8_lossy(&site["assets/site.css"]),
        "/* our colours */\nbody { color: black; }\n"
    );
    assert!(site.contains_key("assets/logo.svg"));
    let not_found = String::from_utf8_lossy(&site["404.html"]).into_owned();
    assert!(not_found.contains("Lost? Ask in #ops-help"));
    // Other templates stay built in.
    assert!(String::from_utf8_lossy(&site["index.html"]).contains("id=\"sop-list\""));

    repo.write("templates/site/sop.html", "{% if %}broken");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("template"), "{stderr}");
    // The previous site is untouched.
    assert!(repo.read("site/404.html").contains("Lost?"));
}

#[test]
fn releases_from_git_give_archived_pages_history_and_the_last_approved_version() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(
        one,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    let two = "sops/pay/SOP-0002-payouts.md";
    repo.write(
        two,
        &sop_text("SOP-0002", "Payouts", "procedure", "approved"),
    );
    repo.commit("first versions");
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "First approved refunds",
    ]);
    repo.git(&[
        "tag",
        "-a",
        "SOP-0002/v1.0.0",
        "-m",
        "First approved payouts",
    ]);
    // SOP-0001 goes back into review with a new step: the site keeps showing 1.0.0.
    let revised = repo
        .read(one)
        .replace("status: approved", "status: review")
        .replace("version: 1.0.0", "version: 1.1.0")
        + "\nA step still under discussion.\n";
    repo.write(one, &revised);
    // SOP-0002 gets an approved 1.1.0.
    let newer =
        repo.read(two).replace("version: 1.0.0", "version: 1.1.0") + "\nA clearer payout step.\n";
    repo.write(two, &newer);
    repo.commit("revise both");
    repo.git(&["tag", "-a", "SOP-0002/v1.1.0", "-m", "Clearer payout step"]);
    let site = publish(&repo, "site");
    let page = |p: &str| String::from_utf8_lossy(&site[p]).into_owned();

    let current = page("sops/SOP-0001.html");
    assert!(
        current.contains("A revision (v1.1.0, in review) is in progress"),
        "{current}"
    );
    assert!(!current.contains("still under discussion"));
    assert!(current.contains("First approved refunds"));
    assert!(current.contains("revise both"), "commits are listed");
    assert!(site.contains_key("sops/SOP-0001/v1.0.0.html"));

    let payouts = page("sops/SOP-0002.html");
    assert!(payouts.contains("A clearer payout step"));
    assert!(
        payouts.contains("href=\"../sops/SOP-0002/v1.0.0.html\""),
        "{payouts}"
    );
    let old = page("sops/SOP-0002/v1.0.0.html");
    assert!(old.contains("Superseded"));
    assert!(old.contains("href=\"../../sops/SOP-0002.html\""));
    assert!(!old.contains("A clearer payout step"));

    let feed = page("feed.xml");
    for want in [
        "First approved refunds",
        "First approved payouts",
        "Clearer payout step",
    ] {
        assert!(feed.contains(want), "feed lacks {want}");
    }
    let problems = broken_links(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
