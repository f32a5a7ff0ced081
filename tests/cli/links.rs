//! `[links]`: links written for GitHub, MkDocs or a static site, and heading ids by the
//! team's renderer. Lint gives no false `link-broken`/`anchor-broken` for links that work in
//! the chosen style and reports the ones that do not; `sop publish` points every resolved link
//! at the right page and anchor.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;

use crate::publish::{broken_links, tree};
use crate::support::{SopRepo, sop_text};

/// A repository with `sop.toml` = `config` and the approved checklists `SOP-0001` (in
/// `sops/a/`, followed by `body`) and `SOP-0002` (in `sops/b/` or where `second` says,
/// followed by `second_body`).
fn repo(config: &str, body: &str, second: &str, second_body: &str) -> SopRepo {
    let repo = SopRepo::new();
    repo.write("sop.toml", config);
    repo.write(
        "sops/a/SOP-0001-first.md",
        &format!(
            "{}\n## Links\n\n{body}\n",
            sop_text("SOP-0001", "First", "checklist", "approved")
        ),
    );
    repo.write(
        second,
        &format!(
            "{}\n{second_body}\n",
            sop_text("SOP-0002", "Second", "checklist", "approved")
        ),
    );
    repo.commit("add SOPs");
    repo
}

/// `(rule, line, help)` of every `link-broken`/`anchor-broken` finding of `sop lint`.
fn link_findings(repo: &SopRepo) -> Vec<(String, u64, String)> {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    findings
        .iter()
        .filter(|f| matches!(f["rule"].as_str(), Some("link-broken" | "anchor-broken")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The line of SOP-0001 that holds `text`.
fn line_of(repo: &SopRepo, text: &str) -> u64 {
    let source = repo.read("sops/a/SOP-0001-first.md");
    let i = source.lines().position(|l| l.contains(text)).unwrap();
    i as u64 + 1
}

/// Publish and return the site.
fn publish(repo: &SopRepo) -> BTreeMap<String, Vec<u8>> {
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = tree(&repo.path("public"));
    assert_eq!(broken_links(&site), Vec::<String>::new());
    site
}

fn page(site: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(site[name].clone()).unwrap()
}

#[test]
fn files_style_reads_paths_folders_and_email_and_reports_the_rest() {
    let repo = repo(
        "",
        "- [second](../b/SOP-0002-second.md#purpose) and [here](#checklist)\n\
         - [folder](../b/) and [folder again](../b)\n\
         - Write to <help@example.com> or [the desk](mailto:desk@example.com)\n\
         - [gone](../b/nope.md)\n\
         - [case](../b/SOP-0002-second.md#Purpose)\n\
         - [no index](../c/)\n\
         - [page url](../b/SOP-0002-second.html)",
        "sops/b/SOP-0002-second.md",
        "",
    );
    repo.write("sops/b/README.md", "# B\n");
    repo.write("sops/c/notes.txt", "x\n");
    repo.commit("folders");
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rules,
        [
            ("link-broken", line_of(&repo, "[gone]")),
            ("anchor-broken", line_of(&repo, "[case]")),
            ("link-broken", line_of(&repo, "[no index]")),
            ("link-broken", line_of(&repo, "[page url]")),
        ],
        "{found:#?}"
    );
    assert!(found[1].2.contains("`#purpose`"), "{found:#?}");
    assert!(found[2].2.contains("`sops/c/index.md`"), "{found:#?}");

    let site = publish(&repo);
    let first = page(&site, "sops/SOP-0001.html");
    assert!(first.contains("sops/SOP-0002.html#purpose\""), "{first}");
    assert!(
        first.contains("href=\"mailto:help@example.com\""),
        "{first}"
    );
    assert!(
        first.contains("href=\"mailto:desk@example.com\""),
        "{first}"
    );
    // The anchor that does not exist is not kept; the link to the page is.
    assert!(!first.contains("#Purpose"), "{first}");
}

#[test]
fn mkdocs_style_reads_page_urls_and_mkdocs_heading_ids() {
    let repo = repo(
        "[links]\nstyle = \"mkdocs\"\nsite_root = \"sops\"\nanchors = \"mkdocs\"\n",
        "- [page url](../SOP-0002-second/#notes_1)\n\
         - [source](SOP-0002-second.md#purpose)\n\
         - [site absolute](/a/SOP-0002-second/)\n\
         - [html](SOP-0002-second.html#straße-überblick)\n\
         - [github id](SOP-0002-second.md#notes-1)\n\
         - [missing page](../SOP-0009-none/)",
        "sops/a/SOP-0002-second.md",
        "## Notes\n\nOne.\n\n## Notes\n\nTwo.\n\n## Straße Überblick\n\nThree.",
    );
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rules,
        [
            ("anchor-broken", line_of(&repo, "[html]")),
            ("anchor-broken", line_of(&repo, "[github id]")),
            ("link-broken", line_of(&repo, "[missing page]")),
        ],
        "{found:#?}"
    );
    assert!(found[0].2.contains("`#strae-uberblick`"), "{found:#?}");
    assert!(found[1].2.contains("`#notes_1`"), "{found:#?}");
    assert!(
        found[2].2.contains("style = \"mkdocs\"")
            && found[2].2.contains("`sops/a/SOP-0009-none.md`"),
        "{found:#?}"
    );

    let site = publish(&repo);
    let second = page(&site, "sops/SOP-0002.html");
    for id in ["notes", "notes_1", "strae-uberblick"] {
        assert!(second.contains(&format!("id=\"{id}\"")), "{id} in {second}");
    }
    let first = page(&site, "sops/SOP-0001.html");
    assert!(first.contains("sops/SOP-0002.html#notes_1\""), "{first}");
    assert!(first.contains("sops/SOP-0002.html#purpose\""), "{first}");
    assert!(first.contains(">site absolute</a>"), "{first}");
    assert!(first.contains(">html</a>"), "{first}");
    assert!(first.contains(">page url</a>"), "{first}");
}

#[test]
fn site_style_reads_html_and_site_absolute_links_with_kramdown_ids() {
    let repo = repo(
        "[links]\nstyle = \"site\"\nsite_root = \"sops\"\nanchors = \"kramdown\"\n",
        "- [absolute](/b/SOP-0002-second.html#notes-v2)\n\
         - [relative](../b/SOP-0002-second.html#purpose)\n\
         - [directory url](/b/SOP-0002-second/)\n\
         - [folder](/guides/)\n\
         - [github id](../b/SOP-0002-second.md#3-notes-v2)\n\
         - [missing](/b/SOP-0009.html)\n\
         - <ops@example.com>",
        "sops/b/SOP-0002-second.md",
        "## 3 Notes (v2)\n\nText.",
    );
    repo.write("sops/guides/index.md", "# Guides\n");
    repo.commit("guides");
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found
        .iter()
        .filter(|_| true)
        .map(|f| (f.0.as_str(), f.1))
        .collect();
    assert_eq!(
        rules,
        [
            ("anchor-broken", line_of(&repo, "[github id]")),
            ("link-broken", line_of(&repo, "[missing]")),
        ],
        "{found:#?}"
    );
    assert!(found[0].2.contains("`#notes-v2`"), "{found:#?}");
    assert!(
        found[1].2.contains("style = \"site\"") && found[1].2.contains("`sops/b/SOP-0009.md`"),
        "{found:#?}"
    );

    let site = publish(&repo);
    let second = page(&site, "sops/SOP-0002.html");
    assert!(second.contains("id=\"notes-v2\""), "{second}");
    let first = page(&site, "sops/SOP-0001.html");
    assert!(first.contains("sops/SOP-0002.html#notes-v2\""), "{first}");
    assert!(first.contains("sops/SOP-0002.html#purpose\""), "{first}");
    assert!(first.contains("href=\"mailto:ops@example.com\""), "{first}");
    assert!(first.contains(">directory url</a>"), "{first}");
}

/// A heading's explicit id (`## Step two {#step2}`) is its id for kramdown and MkDocs, in lint
/// and on the page; GitHub shows the list as text and ids the heading by its words.
#[test]
fn explicit_heading_ids_are_honoured_where_the_renderer_honours_them() {
    for (anchors, honoured) in [("kramdown", true), ("mkdocs", true), ("github", false)] {
        let repo = repo(
            &format!("[links]\nanchors = \"{anchors}\"\n"),
            "- [here](#step2)\n- [there](../b/SOP-0002-second.md#s3)",
            "sops/b/SOP-0002-second.md",
            "## Step two {#step2}\n\nText.\n\n## Step three {: #s3 }\n\nMore.",
        );
        repo.write(
            "sops/a/SOP-0001-first.md",
            &repo
                .read("sops/a/SOP-0001-first.md")
                .replace("## Links\n", "## Links\n\n## Step two { #step2 }\n"),
        );
        repo.commit("ids");
        let found = link_findings(&repo);
        if honoured {
            assert_eq!(found, [], "{anchors}");
        } else {
            let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
            assert_eq!(
                rules,
                [
                    ("anchor-broken", line_of(&repo, "[here]")),
                    ("anchor-broken", line_of(&repo, "[there]")),
                ],
                "{found:#?}"
            );
            assert!(found[0].2.contains("`#step-two`"), "{found:#?}");
            continue;
        }
        let site = publish(&repo);
        let first = page(&site, "sops/SOP-0001.html");
        assert!(first.contains("<h2 id=\"step2\">Step two<a"), "{first}");
        assert!(first.contains("href=\"#step2\""), "{first}");
        assert!(first.contains("SOP-0002.html#s3\""), "{first}");
        let second = page(&site, "sops/SOP-0002.html");
        assert!(second.contains("<h2 id=\"step2\">Step two<a"), "{second}");
        assert!(second.contains("<h2 id=\"s3\">Step three<a"), "{second}");
        for html in [&first, &second] {
            assert!(!html.contains("{#") && !html.contains("{:"), "{html}");
        }
        let search = site
            .iter()
            .filter(|(name, _)| name.contains("search") && !name.ends_with(".html"))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect::<String>();
        assert!(search.contains("step2"), "no search index read");
        assert!(!search.contains("{#") && !search.contains("{:"), "{search}");
    }
}

#[test]
fn gitlab_anchors_collapse_hyphens() {
    let repo = repo(
        "[links]\nanchors = \"gitlab\"\n",
        "- [ok](../b/SOP-0002-second.md#a-b)\n- [github id](../b/SOP-0002-second.md#a---b)",
        "sops/b/SOP-0002-second.md",
        "## A - B\n\nText.",
    );
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rules,
        [("anchor-broken", line_of(&repo, "[github id]"))],
        "{found:#?}"
    );
}

/// Writer review #8: a link written with the other SOP's id and title instead of its file name
/// is told the file of that SOP, before and after the angle brackets lint first suggested.
#[test]
fn a_link_written_with_an_sops_title_is_told_its_file() {
    let repo = SopRepo::new();
    let path = "sops/payments/SOP-0001-refunds.md";
    repo.write(
        "sops/general/SOP-0002-account-ban-appeals.md",
        &sop_text("SOP-0002", "Account ban appeals", "procedure", "draft"),
    );
    let text = sop_text("SOP-0001", "Refunds", "procedure", "draft");
    for link in [
        "See [ban appeals](../general/SOP-0002 account ban appeals.md).",
        "See [ban appeals](<../general/SOP-0002 account ban appeals.md>).",
    ] {
        repo.write(path, &format!("{text}\n{link}\n"));
        let out = repo
            .sop()
            .args(["lint", "--format", "json", path])
            .assert()
            .code(1);
        let found: Vec<Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let broken: Vec<&Value> = found
            .iter()
            .filter(|f| f["rule"] == "link-broken")
            .collect();
        assert_eq!(broken.len(), 1, "{link}: {found:#?}");
        let help = broken[0]["help"].as_str().unwrap();
        assert!(
            help.contains("../general/SOP-0002-account-ban-appeals.md"),
            "{link}: {help}"
        );
        assert!(!help.contains("angle brackets"), "{link}: {help}");
    }
}

// Links to Slack channels, Teams meetings, text messages and file servers once vanished from
// the page with no finding. The site keeps them; lint warns about every link it still drops,
// naming the scheme.
#[test]
fn links_to_work_apps_are_kept_and_every_link_the_site_drops_is_reported() {
    let body = concat!(
        "Ask in [#refunds](slack://channel?team=T01&id=C02), join [the bridge](msteams://teams.microsoft.com/l/meetup-join/x), ",
        "text [the on-call](sms:+4930123456), call [the hotline](tel:+4930123456), ",
        "get [the export](ftp://files.example.com/r.csv) or [the archive](sftp://files.example.com/r.zip).\n\n",
        "Join [the Zoom room](zoommtg://zoom.us/join?confno=1) or [check](javascript:alert(1)).\n\n",
        "<a href=\"vbscript:msgbox(1)\">old checker</a> and <a href=\"slack://channel?id=C03\">#payouts</a>\n",
    );
    let repo = repo("", body, "sops/b/SOP-0002-second.md", "");
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let removed: Vec<(u64, String)> = findings
        .iter()
        .filter(|f| f["rule"] == "html-removed")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let zoom = line_of(&repo, "zoommtg:");
    let vb = line_of(&repo, "vbscript:");
    let said = |scheme: &str| {
        format!(
            "readers will not have this link: the site removes links to `{scheme}:` addresses and shows only the link's text"
        )
    };
    assert_eq!(
        removed,
        [
            (zoom, said("zoommtg")),
            (zoom, said("javascript")),
            (vb, said("vbscript")),
        ],
        "{findings:#?}"
    );
    let site = publish(&repo);
    let page = String::from_utf8_lossy(&site["sops/SOP-0001.html"]).into_owned();
    for kept in [
        "href=\"slack://channel?team=T01&amp;id=C02\"",
        "href=\"msteams://teams.microsoft.com/l/meetup-join/x\"",
        "href=\"sms:+4930123456\"",
        "href=\"tel:+4930123456\"",
        "href=\"ftp://files.example.com/r.csv\"",
        "href=\"sftp://files.example.com/r.zip\"",
        "href=\"slack://channel?id=C03\"",
    ] {
        assert!(page.contains(kept), "{kept} not in:\n{page}");
    }
    for dropped in ["zoommtg:", "javascript:", "vbscript:"] {
        assert!(!page.contains(dropped), "{dropped} in:\n{page}");
    }
    assert!(page.contains("the Zoom room") && page.contains("old checker"));
}
