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
                || ["sms:", "ftp:", "sftp:", "slack:", "msteams:"]
                    .iter()
                    .any(|s| link.starts_with(s))
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
    // The folder alone on standard output, for scripts; where it is and what to open, for
    // people, on standard error.
    assert_eq!(stdout.trim(), "public");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("into `public`: open `public/index.html` in a browser"),
        "{stderr}"
    );
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
    let not_found = String::from_utf8_lossy(&site["404.html"]).to_lowercase();
    assert_eq!(not_found.matches("<script>").count(), 1);
    assert!(not_found.contains("<script>\n/* a host serves this page at any missing address"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for bad in ["alert(", "onerror", "onclick", "javascript:", "<iframe"] {
            assert!(!text.contains(bad), "`{bad}` reached {path}");
        }
        // The only scripts are the theme's own files, and on the 404 page, which a host serves
        // at any address, the theme's own inline script that finds the site's root.
        if path.ends_with(".html") && path != "404.html" {
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
    // Only a committed deletion takes an SOP off the site.
    repo.commit("remove SOP-0003");
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

/// A repository with an approved SOP (released, titled "Replies sent with <Enter>") and a
/// draft, both holding words in angle brackets, a template prompt, an e-mail autolink, HTML the
/// site keeps and a checklist; `site/` holds the published site, `preview/` the drafts.
pub(crate) fn angle_brackets_repo() -> SopRepo {
    let repo = SopRepo::new();
    let body = concat!(
        "\nPress <Enter> to send; <kbd>Ctrl</kbd>+<kbd>C</kbd> copies.<br>\n",
        "Hi <first name>, questions go to <payments@example.com>.\n\n",
        "<Say in one sentence why this exists.>\n\n",
        "<details>\n<summary>Keys</summary>\nHold <Shift> too.\n</details>\n\n",
        "- [ ] Check the ID\n- [x] Read the case\n",
    );
    let approved = sop_text(
        "SOP-0001",
        "Replies sent with <Enter>",
        "procedure",
        "approved",
    );
    repo.write("sops/pay/SOP-0001-replies.md", &(approved + body));
    repo.write(
        "sops/pay/SOP-0002-draft.md",
        &(sop_text("SOP-0002", "A draft", "procedure", "draft") + body),
    );
    repo.commit("add");
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "Press <Enter> to send",
    ]);
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    repo.sop()
        .args(["publish", "--drafts", "--out", "preview"])
        .assert()
        .success();
    repo
}

#[test]
fn words_in_angle_brackets_prompts_mail_and_checklists_reach_the_page() {
    let repo = angle_brackets_repo();
    let site = tree(&repo.path("site"));
    let page = |p: &str| String::from_utf8_lossy(&site[p]).into_owned();
    let html = page("sops/SOP-0001.html");
    for shown in [
        "Press &lt;Enter&gt; to send; <kbd>Ctrl</kbd>+<kbd>C</kbd> copies.<br>",
        "Hi &lt;first name&gt;, questions go to <a href=\"mailto:payments@example.com\"",
        // Approved text shows a prompt left in it as written, unmarked.
        "<p>&lt;Say in one sentence why this exists.&gt;</p>",
        "<summary>Keys</summary>\nHold &lt;Shift&gt; too.",
        "<li class=\"task-list-item\"><label class=\"task\"><input type=\"checkbox\"> Check the ID</label></li>",
        "Replies sent with &lt;Enter&gt;",
    ] {
        assert!(html.contains(shown), "`{shown}` is not in\n{html}");
    }
    assert!(!html.contains("disabled"), "{html}");
    assert!(!html.contains("class=\"prompt\""), "{html}");
    let feed = page("feed.xml");
    assert!(
        feed.contains("Replies sent with &lt;Enter&gt;")
            && feed.contains("Press &lt;Enter&gt; to send"),
        "{feed}"
    );

    // The draft's preview marks the prompt as still to write.
    let draft = repo.read("preview/sops/SOP-0002.html");
    assert!(
        draft.contains("<mark class=\"prompt\"><span class=\"prompt-label\">To write:</span> &lt;Say in one sentence why this exists.&gt;</mark>"),
        "{draft}"
    );
    assert!(draft.contains("Press &lt;Enter&gt; to send"), "{draft}");
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
fn elements<'x>(xml: &'x str, tag: &str) -> Vec<&'x str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(&close).unwrap();
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// Check that `xml` is well formed as far as a feed can go wrong: one declaration first, every
/// element closed in order, every `&` an entity, no `<` or `"` left in text or attributes.
fn assert_well_formed(xml: &str) {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
    let mut open: Vec<String> = Vec::new();
    let mut rest = &xml[xml.find("?>").unwrap() + 2..];
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        assert!(
            !text.contains('>') && !text.contains('"'),
            "raw text {text:?}"
        );
        for (j, _) in text.match_indices('&') {
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;"]
                    .iter()
                    .any(|e| text[j..].starts_with(e)),
                "bare & in {text:?}"
            );
        }
        let end = i + rest[i..].find('>').unwrap();
        let tag = &rest[i + 1..end];
        assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
        assert!(!tag.contains('<'), "{tag}");
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "in {xml}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap().to_string());
        }
    }
    assert!(
        rest.trim().is_empty() && open.is_empty(),
        "unclosed {open:?}"
    );
}

/// An approved SOP of `department` with its next review on `next`.
fn due_sop(id: &str, title: &str, department: &str, next: &str) -> String {
    sop_text(id, "Title", "checklist", "approved")
        .replace("title: Title", &format!("title: '{title}'"))
        .replace("department: Payments", &format!("department: {department}"))
        .replace("review_every: 12 months", &format!("next_review: {next}"))
}

#[test]
fn review_feeds_remind_of_reviews_due_per_department() {
    // Today is 2026-11-25 and `[lint] due_soon` 30 days.
    let repo = SopRepo::new();
    let hostile = "Refunds & <gifts> \"now\"";
    for (id, title, dept, next) in [
        ("SOP-0001", hostile, "Payments", "2026-11-01"),
        ("SOP-0002", "Payouts", "Payments", "2026-12-10"),
        ("SOP-0003", "Later", "Payments", "2027-06-01"),
        ("SOP-0004", "Reports", "Trust & Safety", "2026-12-20"),
    ] {
        repo.write(
            &format!("sops/x/{id}-x.md"),
            &due_sop(id, title, dept, next),
        );
    }
    repo.commit("four SOPs");
    let site = publish(&repo, "site");
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();
    let escaped = "Refunds &amp; &lt;gifts&gt; &quot;now&quot;";

    let all = text("reviews.xml");
    assert_well_formed(&all);
    assert_eq!(
        elements(&all, "title")[1..],
        [
            "SOP-0004 Reports: review due on 2026-12-20",
            "SOP-0002 Payouts: review due on 2026-12-10",
            &format!("SOP-0001 {escaped}: review overdue since 2026-11-01"),
            &format!("SOP-0001 {escaped}: review due on 2026-11-01"),
        ]
    );
    assert_eq!(
        elements(&all, "updated"),
        [
            "2026-11-20T00:00:00Z",
            "2026-11-20T00:00:00Z",
            "2026-11-10T00:00:00Z",
            "2026-11-02T00:00:00Z",
            "2026-10-02T00:00:00Z",
        ]
    );
    assert!(all.contains("href=\"sops/SOP-0001.html\""), "{all}");

    let payments = text("departments/payments.reviews.xml");
    assert_well_formed(&payments);
    let titles = elements(&payments, "title");
    assert_eq!(titles.len(), 4, "{payments}");
    assert!(
        titles
            .iter()
            .all(|t| !t.contains("SOP-0004") && !t.contains("SOP-0003"))
    );
    assert!(
        payments.contains("href=\"../sops/SOP-0002.html\""),
        "{payments}"
    );
    let trust = text("departments/trust-safety.reviews.xml");
    assert_well_formed(&trust);
    assert!(
        trust.contains("<category term=\"Trust &amp; Safety\"/>"),
        "{trust}"
    );
    assert_eq!(elements(&trust, "title").len(), 2);

    // The release feeds, the sitemap and the pages hold the hostile title escaped too.
    for feed in ["feed.xml", "departments/payments.xml", "sitemap.xml"] {
        assert_well_formed(&text(feed));
    }
    assert!(text("feed.xml").contains(escaped));
    let dept = text("departments/payments.html");
    assert!(dept.contains("href=\"payments.reviews.xml\""), "{dept}");
    assert!(text("dashboard.html").contains("href=\"reviews.xml\""));
    assert!(broken_links(&site).is_empty());
}

#[test]
fn a_repository_can_override_the_feed_and_sitemap_templates() {
    let repo = SopRepo::new();
    repo.write(
        "sops/x/SOP-0001-x.md",
        &due_sop("SOP-0001", "A & B", "Payments", "2026-11-01"),
    );
    repo.write(
        "templates/site/feed.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>ours: {{ title }}</title>{% for e in entries %}<entry><title>{{ e.title }}</title></entry>{% endfor %}</feed>\n",
    );
    repo.write(
        "templates/site/sitemap.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset>{{ urls | length }}</urlset>\n",
    );
    repo.commit("an SOP and our own feed");
    let site = publish(&repo, "site");
    let reviews = String::from_utf8(site["reviews.xml"].clone()).unwrap();
    assert!(reviews.contains("<title>ours: "), "{reviews}");
    assert!(
        reviews.contains(
            "<entry><title>SOP-0001 A &amp; B: review overdue since 2026-11-01</title></entry>"
        ),
        "{reviews}"
    );
    assert_well_formed(&reviews);
    let sitemap = String::from_utf8(site["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<urlset>"), "{sitemap}");
    assert!(
        !site.contains_key("assets/feed.xml"),
        "a template is not an asset"
    );
}

#[test]
fn retired_sops_are_not_current_and_have_no_next_review() {
    let repo = SopRepo::new();
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    let retired = sop_text("SOP-0002", "Old refunds", "procedure", "retired").replace(
        "review_every: 12 months",
        "next_review: 2026-11-01\nretired_reason: merged into SOP-0001",
    );
    repo.write("sops/pay/SOP-0002-old-refunds.md", &retired);
    repo.commit("one in force, one retired");
    let site = publish(&repo, "site");
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();

    let dept = text("departments/payments.html");
    assert!(dept.contains("1 current SOP, 1 retired."), "{dept}");
    let index = text("index.html");
    assert!(
        index.contains("content=\"1 current standard operating procedure\""),
        "{index}"
    );
    assert_eq!(
        index.matches("class=\"sop-card\"").count(),
        2,
        "both listed"
    );
    let old = text("sops/SOP-0002.html");
    assert!(!old.contains("Next review"), "{old}");
    assert!(!old.contains("data-next-review"), "{old}");
    assert!(!old.contains("review overdue"), "{old}");
    let dashboard = text("dashboard.html");
    assert!(
        dashboard.contains("data-tile=\"in-force\"><span class=\"tile-value\">1</span>"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("SOP-0002 Old refunds"), "{dashboard}");
    assert!(!text("reviews.xml").contains("SOP-0002"));
}

#[test]
fn archived_versions_say_which_and_that_they_are_superseded() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(
        one,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let newer = repo.read(one).replace("version: 1.0.0", "version: 1.1.0") + "\nA new step.\n";
    repo.write(one, &newer);
    repo.commit("second version");
    repo.git(&["tag", "-a", "SOP-0001/v1.1.0", "-m", "Second"]);
    let site = publish(&repo, "site");
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();

    let old = text("sops/SOP-0001/v1.0.0.html");
    let badges = &old[old.find("class=\"sop-badges\"").unwrap()..];
    let badges = &badges[..badges.find("</p>").unwrap()];
    assert!(badges.contains(">superseded<"), "{badges}");
    assert!(badges.contains(">v1.0.0<"), "{badges}");
    assert!(!badges.contains("status-approved"), "{badges}");
    assert!(!old.contains("class=\"badge status-approved\""), "{old}");
    assert!(old.contains("(version 1.0.0 was approved)"), "{old}");
    assert!(old.contains("Superseded: this is version 1.0.0"), "{old}");
    assert!(old.contains("Version 1.1.0 is current."), "{old}");
    assert!(!old.contains("Next review"), "{old}");
    assert!(!old.contains("data-next-review"), "{old}");
    // The archived copy of the version in force is not superseded.
    let kept = text("sops/SOP-0001/v1.1.0.html");
    assert!(kept.contains("class=\"badge status-approved\""), "{kept}");
    assert!(kept.contains("archived version"), "{kept}");
    assert!(!kept.contains(">superseded<"), "{kept}");
    // The current page keeps its state and dates.
    let current = text("sops/SOP-0001.html");
    assert!(current.contains("data-next-review=\""), "{current}");
}

/// A release approved to take effect on a later date is not in force yet: the site shows the
/// version in force today, says when the next one takes effect and links it; the version in
/// force is not called superseded, and the index and search show it too.
#[test]
fn a_release_that_takes_effect_later_leaves_the_version_in_force_shown() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(
        one,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let newer = repo
        .read(one)
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("effective: 2026-03-01", "effective: 2027-01-31")
        + "\nUse the NEW refund tool.\n";
    repo.write(one, &newer);
    repo.commit("second version");
    repo.git(&["tag", "-a", "SOP-0001/v2.0.0", "-m", "Second"]);
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        said.contains("version 2.0.0 takes effect on 2027-01-31, so the site shows v1.0.0"),
        "{said}"
    );
    let site = tree(&repo.path("site"));
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();

    let current = text("sops/SOP-0001.html");
    assert!(current.contains(">v1.0.0<"), "{current}");
    assert!(!current.contains("NEW refund tool"), "{current}");
    assert!(
        current.contains("Version 2.0.0 was approved and takes effect on 2027-01-31."),
        "{current}"
    );
    assert!(
        current.contains("href=\"../sops/SOP-0001/v2.0.0.html\">Read version 2.0.0"),
        "{current}"
    );
    let in_force = text("sops/SOP-0001/v1.0.0.html");
    assert!(!in_force.contains(">superseded<"), "{in_force}");
    assert!(!in_force.contains("Superseded:"), "{in_force}");
    let later = text("sops/SOP-0001/v2.0.0.html");
    assert!(later.contains("NEW refund tool"), "{later}");
    assert!(
        later.contains("It takes effect on 2027-01-31: until then, version 1.0.0 stays in force."),
        "{later}"
    );
    assert!(!later.contains("Superseded:"), "{later}");
    let index = text("index.html");
    assert!(
        index.contains("v1.0.0") && !index.contains("v2.0.0"),
        "{index}"
    );
    let search: String = site
        .iter()
        .filter(|(p, _)| p.starts_with("assets/search/"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!search.contains("NEW refund tool"), "{search}");

    // On the day it takes effect, it is the current version.
    repo.sop()
        .env("SOP_TODAY", "2027-01-31")
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let current = repo.read("site/sops/SOP-0001.html");
    assert!(current.contains(">v2.0.0<"), "{current}");
    assert!(!current.contains("takes effect on"), "{current}");
    assert!(
        repo.read("site/sops/SOP-0001/v1.0.0.html")
            .contains("Superseded:")
    );
}

/// A translation of a version approved to take effect later is published with a warning that
/// it is not in force yet, which version of the original is, and a link to it; a translation
/// of the version in force gets neither that warning nor the out-of-date one. On the day the
/// new version takes effect, the warning is gone and the older translation is out of date.
#[test]
fn a_translation_of_a_version_not_in_force_yet_says_so() {
    use crate::support::{in_force_text, translate_in_advance};
    let repo = crate::support::approved_in_advance();
    let source = repo.read(crate::support::IN_ADVANCE);
    translate_in_advance(&repo, "es", "Reembolsos", "1.0.0", &in_force_text(&repo));
    translate_in_advance(&repo, "pt", "Reembolsos pt", "2.0.0", &source);
    repo.commit("translations");
    repo.sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let pt = repo.read("site/sops/SOP-0001.pt.html");
    assert!(pt.contains("NEW refund tool"), "{pt}");
    assert!(
        pt.contains(
            "This translation is of version 2.0.0 of the original, approved to take effect on 2027-01-31. It is not in force yet: until then, version 1.0.0 of the original stays in force."
        ),
        "{pt}"
    );
    assert!(
        pt.contains("href=\"../sops/SOP-0001.html\">Read the version in force"),
        "{pt}"
    );
    assert!(!pt.contains("out of date"), "{pt}");
    let es = repo.read("site/sops/SOP-0001.es.html");
    assert!(!es.contains("no está vigente"), "{es}");
    assert!(!es.contains("desactualizada"), "{es}");

    repo.sop()
        .env("SOP_TODAY", "2027-01-31")
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let pt = repo.read("site/sops/SOP-0001.pt.html");
    assert!(!pt.contains("not in force yet"), "{pt}");
    let es = repo.read("site/sops/SOP-0001.es.html");
    assert!(es.contains("Esta traducción está desactualizada"), "{es}");
}

/// The dashboard counts what the pages show: committed text. An edit not committed yet (a
/// status, a department) and a new file not committed are not on it.
#[test]
fn the_dashboard_counts_committed_text_not_uncommitted_edits() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(
        one,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved"),
    );
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let edited = repo
        .read(one)
        .replace("status: approved", "status: draft")
        .replace("department: Payments", "department: Secret Plans");
    repo.write(one, &edited);
    repo.write(
        "sops/pay/SOP-0002-hidden.md",
        &sop_text("SOP-0002", "Hidden draft", "procedure", "draft"),
    );
    let site = publish(&repo, "site");
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();
    let dashboard = text("dashboard.html");
    assert!(!dashboard.contains("Hidden draft"), "{dashboard}");
    assert!(!dashboard.contains("Secret Plans"), "{dashboard}");
    let status = text("charts/by-status.svg");
    assert!(status.contains(">approved<"), "{status}");
    assert!(!status.contains(">draft<"), "{status}");
    let department = text("charts/by-department.svg");
    assert!(!department.contains("Secret"), "{department}");

    // A preview of the working copies counts them.
    repo.sop()
        .args(["publish", "--drafts", "--out", "preview"])
        .assert()
        .success();
    assert!(repo.read("preview/dashboard.html").contains("Hidden draft"));
}

/// A review date that cannot be read is not "not set": the page says it cannot be read and the
/// review may be overdue, and the dashboard lists the SOP.
#[test]
fn a_review_date_that_cannot_be_read_is_said_on_the_page_and_the_dashboard() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("review_every: 12 months\n", "next_review: 20250712\n");
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("first version");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    let row = &page[page.find("Next review</dt>").unwrap()..];
    let row = &row[..row.find("</dd>").unwrap()];
    assert!(!row.contains("not set"), "{row}");
    assert!(row.contains("date unknown"), "{row}");
    assert!(
        row.contains("“next_review: 20250712” is not a date or period that can be read"),
        "{row}"
    );
    let dashboard = String::from_utf8(site["dashboard.html"].clone()).unwrap();
    let list = &dashboard[dashboard.find("id=\"unknown-h\"").unwrap()..];
    let list = &list[..list.find("</section>").unwrap()];
    assert!(list.contains("SOP-0001 Refunds"), "{list}");
    assert!(
        list.contains("“next_review: 20250712” is not a real date: write it as YYYY-MM-DD, such as “next_review: 2027-01-31”"),
        "{list}"
    );
}

/// The dashboard says why a review date cannot be told in the site's language, as it says
/// the rest, for each reason.
#[test]
fn the_dashboard_says_why_a_review_date_is_unknown_in_the_sites_language() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[site]\nlanguage = \"es\"\n");
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replace("review_every: 12 months\n", "next_review: 20250712\n");
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    let text = sop_text("SOP-0002", "Payouts", "procedure", "approved")
        .replace("review_every: 12 months\n", "review_every: often\n");
    repo.write("sops/pay/SOP-0002-payouts.md", &text);
    repo.commit("first versions");
    let site = publish(&repo, "site");
    let dashboard = String::from_utf8(site["dashboard.html"].clone()).unwrap();
    let list = &dashboard[dashboard.find("id=\"unknown-h\"").unwrap()..];
    let list = &list[..list.find("</section>").unwrap()];
    for said in [
        "«next_review: 20250712» no es una fecha válida: escríbala como AAAA-MM-DD, por ejemplo «next_review: 2027-01-31»",
        "«review_every: often» no es un período de revisión: escriba uno como «review_every: 12 months»",
    ] {
        assert!(list.contains(said), "{said}\n{list}");
    }
    assert!(!list.contains("is not"), "{list}");
}

/// A periodic review (`sop review`) changes no approved text: the page's history lists it as a
/// review of the version, not as a change that is not released yet.
#[test]
fn a_review_is_listed_as_a_review_not_as_a_change_waiting_for_release() {
    let repo = SopRepo::new();
    let one = "sops/pay/SOP-0001-refunds.md";
    repo.write(one, &sop_text("SOP-0001", "Refunds", "procedure", "draft"))
        .commit("Add");
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            "1.0.0",
            "-m",
            "First",
            "--approve",
            "--approver",
            "Ann Lee",
        ])
        .assert()
        .success();
    repo.sop()
        .args(["review", "SOP-0001", "-m", "Still accurate"])
        .assert()
        .success();
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert!(!page.contains("Not released yet"), "{page}");
    let group = &page[page
        .find("Reviews of version 1.0.0")
        .expect("a group of reviews")..];
    let group = &group[..group.find("</tbody>").unwrap()];
    assert!(group.contains("Still accurate"), "{group}");

    // A change committed after it is still one waiting for a release.
    repo.write(one, &repo.read(one).replace("The purpose", "What"))
        .commit("Edit");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    let pending = &page[page.find("Not released yet").unwrap()..];
    let pending = &pending[..pending.find("</tbody>").unwrap()];
    assert!(pending.contains(">Edit<"), "{pending}");
    assert!(!pending.contains("Still accurate"), "{pending}");
}

/// Headings named like the page's own parts ("Main", "Top", "Sop title", …) keep the ids
/// their links use, and the page's own ids are others: no id is used twice, and `#main`
/// leads to the heading.
#[test]
fn heading_ids_never_collide_with_the_page_ids() {
    let repo = SopRepo::new();
    let names = [
        "Main",
        "Top",
        "Sop title",
        "Meta h",
        "Toc h",
        "History h",
        "Site q",
        "Controlled copy",
    ];
    let mut text = sop_text("SOP-0001", "Refunds", "procedure", "approved");
    for name in names {
        text.push_str(&format!("\n## {name}\n\nText.\n"));
    }
    text.push_str("\nSee [the main part](#main).\n");
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("first version");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for part in page.split(" id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        *seen.entry(id.to_string()).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "ids used more than once: {twice:?}");
    for id in [
        "main",
        "top",
        "sop-title",
        "meta-h",
        "toc-h",
        "history-h",
        "site-q",
    ] {
        assert_eq!(seen.get(id), Some(&1), "{id}: {seen:?}");
    }
    assert!(page.contains("<h2 id=\"main\">Main"), "{page}");
    assert!(page.contains("href=\"#main\">the main part"), "{page}");
}

/// A body that opens with the title as its H1 (`# Refunds`) shows the title once, in the
/// page's header; its anchor stays for links. Another H1 is shown.
#[test]
fn a_leading_h1_that_repeats_the_title_is_not_shown_twice() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved").replacen(
        "---\n\n",
        "---\n\n#  refunds \n\nSee [the top](#refunds).\n\n",
        1,
    );
    assert!(text.contains("#  refunds"), "{text}");
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    let other = sop_text("SOP-0002", "Returns", "procedure", "approved").replacen(
        "---\n\n",
        "---\n\n# Something else\n\n",
        1,
    );
    repo.write("sops/pay/SOP-0002-returns.md", &other);
    repo.commit("first version");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(page.contains("<span id=\"refunds\"></span>"), "{page}");
    assert!(page.contains("href=\"#refunds\">the top"), "{page}");
    let page = String::from_utf8(site["sops/SOP-0002.html"].clone()).unwrap();
    assert!(page.contains("<h1 id=\"something-else\">"), "{page}");
}

/// A bare web address in the text is a link, as GitHub shows it; not in code, and not again
/// inside a link.
#[test]
fn bare_web_addresses_are_links_but_not_in_code_or_links() {
    let repo = SopRepo::new();
    let text = sop_text("SOP-0001", "Refunds", "procedure", "approved")
        + "\n- [ ] Open https://admin.example.com/refunds and find the purchase.\n"
        + "- [ ] Read www.example.com/refund-policy.\n\n"
        + "Run `curl https://api.example.com/code` and see [https://docs.example.com/x](https://docs.example.com/y).\n\n"
        + "```\nhttps://block.example.com/z\n```\n";
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("first version");
    let site = publish(&repo, "site");
    let page = String::from_utf8(site["sops/SOP-0001.html"].clone()).unwrap();
    assert!(
        page.contains("Open <a href=\"https://admin.example.com/refunds\">https://admin.example.com/refunds</a> and find"),
        "{page}"
    );
    assert!(
        page.contains("Read <a href=\"http://www.example.com/refund-policy\">www.example.com/refund-policy</a>."),
        "{page}"
    );
    assert!(
        page.contains("<code>curl https://api.example.com/code</code>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"https://docs.example.com/y\">https://docs.example.com/x</a>"),
        "{page}"
    );
    assert!(!page.contains("href=\"https://block.example.com"), "{page}");
    assert!(!page.contains("href=\"https://api.example.com"), "{page}");
}

/// Dates in the dashboard's tables and heading never break at their hyphens ("2024-04-" /
/// "10"): a squeezed column scrolls instead.
#[test]
fn dashboard_dates_do_not_wrap() {
    let repo = SopRepo::new();
    let site = publish(&repo, "site");
    let css = String::from_utf8(site["assets/site.css"].clone()).unwrap();
    let rule = css
        .lines()
        .find(|l| l.contains(".dash-section td time"))
        .expect("a rule for the dashboard's dates");
    assert!(rule.contains(".page-head time"), "{rule}");
    assert!(rule.contains("white-space: nowrap"), "{rule}");
}

/// On a phone the sections fit the header row in Spanish too: a long name takes two lines
/// ("Todos los" / "SOP"), rather than push the last section off the screen (the layout
/// itself is checked in a browser by the e2e tests).
#[test]
fn the_sections_can_wrap_on_a_phone() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[site]\nlanguage = \"es\"\n");
    let site = publish(&repo, "site");
    let css = String::from_utf8(site["assets/site.css"].clone()).unwrap();
    let phone = &css[css.find(".site-nav { overflow-x: auto;").map_or(0, |i| i)..];
    assert!(
        css.contains(".site-nav a { padding: .2rem .25rem; font-size: .8rem; line-height: 1.15; white-space: normal;"),
        "{phone}"
    );
}

#[test]
fn the_index_of_a_draft_preview_says_it_is_a_preview() {
    let repo = SopRepo::new();
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "Refunds", "procedure", "draft"),
    );
    repo.commit("a draft");
    repo.sop()
        .args(["publish", "--drafts", "--out", "preview"])
        .assert()
        .success();
    let index = repo.read("preview/index.html");
    assert!(index.contains("A preview of the working copies"), "{index}");
    assert!(!index.contains("current, approved version"), "{index}");
    let site = publish(&repo, "site");
    let index = String::from_utf8(site["index.html"].clone()).unwrap();
    assert!(index.contains("The current, approved version of every SOP."));
}

#[test]
fn links_to_sops_that_are_not_published_are_named_by_publish() {
    let repo = SopRepo::new();
    let approved = crate::support::sop_text("SOP-0001", "Refunds", "procedure", "approved")
        .replacen(
            "## Purpose\n",
            "## Purpose\n\nFor disputes see [Chargebacks](SOP-0002.md).\n",
            1,
        );
    repo.write("sops/SOP-0001.md", &approved);
    repo.write(
        "sops/SOP-0002.md",
        &crate::support::sop_text("SOP-0002", "Chargebacks", "procedure", "draft"),
    )
    .commit("Two SOPs");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    // By id and title, with why there is no page, after the note that SOP-0002 is left out.
    let lost = "warning: SOP-0001 links to SOP-0002 \"Chargebacks\", which has no page yet (it is still a draft), so the link shows as plain text until SOP-0002 is approved and released\n";
    assert!(err.contains(lost), "{err}");
    let left_out = err.find(
        "`SOP-0002` (`sops/SOP-0002.md`) is not published: no version of it is approved yet (it is a draft)",
    );
    assert!(
        left_out.is_some_and(|at| at < err.find(lost).unwrap()),
        "{err}"
    );
    let page = repo.read("site/sops/SOP-0001.html");
    assert!(
        page.contains("Chargebacks") && !page.contains("SOP-0002.md"),
        "plain text"
    );
    // Once both are published, nothing to say.
    let out = repo
        .sop()
        .args(["publish", "--out", "site", "--drafts"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("no page yet"), "{err}");
    // A document that is not an SOP is named by its path.
    repo.write("docs/tools.md", "# Tools\n");
    repo.write(
        "sops/SOP-0001.md",
        &approved.replacen("(SOP-0002.md)", "(../docs/tools.md)", 1),
    )
    .commit("Link a document");
    let out = repo
        .sop()
        .args(["publish", "--out", "site", "--drafts"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(
            "SOP-0001 links to `docs/tools.md`, which is not an SOP, so the site has no page for it"
        ),
        "{err}"
    );
}

/// Writer review #4: an SOP published from its last commit (never released) is named, with a
/// command that records its approval and works when pasted; its translation is not counted (it
/// follows the original's releases); a retired one is told how to record its retirement.
#[test]
fn an_unreleased_sop_is_named_with_a_command_that_records_its_approval() {
    let repo = SopRepo::new();
    let en = sop_text("SOP-0001", "Gift refunds", "procedure", "approved");
    repo.write("sops/payments/SOP-0001-gift-refunds.md", &en);
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &en.replace(
            "title: Gift refunds",
            "title: Reembolsos de regalos\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
        ),
    );
    repo.write(
        "sops/payments/SOP-0009-old-refunds.md",
        &sop_text("SOP-0009", "Old refunds", "procedure", "retired"),
    );
    repo.commit("add");
    let out = repo.sop().args(["publish"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let note = stderr
        .lines()
        .find(|l| l.contains("published from the last commit, not from a release"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        note.starts_with(
            "note: `SOP-0001` (`sops/payments/SOP-0001-gift-refunds.md`) is published from the last commit"
        ),
        "{note}"
    );
    assert!(!note.contains("<ID>"), "{note}");
    assert!(!stderr.contains("SOP-0001-gift-refunds.es.md"), "{stderr}");
    assert!(
        stderr.contains(
            "`SOP-0009` (`sops/payments/SOP-0009-old-refunds.md`) is published as retired"
        ),
        "{stderr}"
    );
    let command = note
        .split('`')
        .find(|c| c.starts_with("sop release"))
        .unwrap()
        .replace("Name <name@example.com>", "Lena Fischer");
    let words: Vec<String> = shell_words(&command);
    let released = repo.sop().args(&words[1..]).output().unwrap();
    assert!(
        released.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&released.stderr)
    );
    let out = repo.sop().args(["publish"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("`SOP-0001` (`"), "{stderr}");
}

/// Split a pasted command as a POSIX shell does (double quotes only, enough for sop's advice).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => word.push(c),
        }
    }
    if any || !word.is_empty() {
        words.push(word);
    }
    words
}
