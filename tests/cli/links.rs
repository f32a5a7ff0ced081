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
            // The writer gave the id: the help says why it is not one here, quoting it as
            // written (`## Step two { #step2 }` in this SOP).
            assert!(
                found[0].2.starts_with(
                    "`{ #step2 }` on the heading \"Step two\" is not its id with `[links] anchors = \"github\"`: GitHub makes the id from the heading's words, so link to `#step-two`"
                ),
                "{found:#?}"
            );
            // Quoted as the writer wrote it.
            assert!(
                found[1]
                    .2
                    .starts_with("`{: #s3 }` on the heading \"Step three\" is not its id"),
                "{found:#?}"
            );
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

/// A Docusaurus site: `## Long heading {#short}` is `#short` (from this page and another),
/// the words' id `#long-heading` is not one, and the page shows the heading without `{#short}`.
#[test]
fn docusaurus_anchors_honour_the_explicit_id_and_make_the_rest_as_github() {
    let repo = repo(
        "[links]\nanchors = \"docusaurus\"\n",
        "- [same](#short)\n- [other](../b/SOP-0002-second.md#short)\n- [words](../b/SOP-0002-second.md#long-heading)\n- [plain](../b/SOP-0002-second.md#plain-heading)",
        "sops/b/SOP-0002-second.md",
        "## Long heading {#short}\n\nText.\n\n## Plain heading\n\nMore.",
    );
    repo.write(
        "sops/a/SOP-0001-first.md",
        &repo
            .read("sops/a/SOP-0001-first.md")
            .replace("## Links\n", "## Links\n\n## Long heading {#short}\n"),
    );
    repo.commit("ids");
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rules,
        [("anchor-broken", line_of(&repo, "[words]"))],
        "{found:#?}"
    );
    let site = publish(&repo);
    let first = page(&site, "sops/SOP-0001.html");
    assert!(first.contains("<h2 id=\"short\">Long heading<a"), "{first}");
    assert!(first.contains("href=\"#short\""), "{first}");
    assert!(first.contains("SOP-0002.html#short\""), "{first}");
    let second = page(&site, "sops/SOP-0002.html");
    assert!(
        second.contains("<h2 id=\"short\">Long heading<a"),
        "{second}"
    );
    assert!(
        second.contains("<h2 id=\"plain-heading\">Plain heading<a"),
        "{second}"
    );
    for html in [&first, &second] {
        assert!(!html.contains("{#"), "{html}");
    }
}

/// Docusaurus 3's form of an explicit id for MDX, `## Long heading {/* #short */}` (its own
/// documentation is written so): `#short` is the heading's id, and the page shows neither the
/// comment nor its words. A comment that is not an id (`{/* note */}`) leaves the words' id.
#[test]
fn docusaurus_anchors_honour_the_id_in_a_closing_comment() {
    let repo = repo(
        "[links]\nanchors = \"docusaurus\"\n",
        "- [other](../b/SOP-0002-second.md#short)\n- [words](../b/SOP-0002-second.md#long-heading)\n- [noted](../b/SOP-0002-second.md#plain-heading)\n- [not an id](../b/SOP-0002-second.md#note)",
        "sops/b/SOP-0002-second.md",
        "## Long heading {/* #short */}\n\nText.\n\n## Plain heading {/* note */}\n\nMore.",
    );
    let found = link_findings(&repo);
    let rules: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rules,
        [
            ("anchor-broken", line_of(&repo, "[words]")),
            ("anchor-broken", line_of(&repo, "[not an id]")),
        ],
        "{found:#?}"
    );
    let site = publish(&repo);
    let second = page(&site, "sops/SOP-0002.html");
    assert!(
        second.contains("<h2 id=\"short\">Long heading<a"),
        "{second}"
    );
    assert!(
        second.contains("<h2 id=\"plain-heading\">Plain heading<a"),
        "{second}"
    );
    assert!(
        !second.contains("{/*") && !second.contains("note */"),
        "{second}"
    );
    let first = page(&site, "sops/SOP-0001.html");
    assert!(first.contains("SOP-0002.html#short\""), "{first}");
}

/// A Docusaurus comment id under GitHub's rule: the help quotes it as written, not as `{#id}`.
#[test]
fn an_ignored_comment_id_is_quoted_as_written() {
    let repo = repo(
        "[links]\nanchors = \"github\"\n",
        "- [other](../b/SOP-0002-second.md#short)",
        "sops/b/SOP-0002-second.md",
        "## Long heading {/* #short */} ##\n\nText.",
    );
    let found = link_findings(&repo);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].2.starts_with(
            "`{/* #short */}` on the heading \"Long heading\" is not its id with `[links] anchors = \"github\"`: GitHub makes the id from the heading's words, so link to `#long-heading`"
        ),
        "{found:#?}"
    );
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

// Links in raw HTML are read as the browser and the site's sanitiser read them: character
// references decoded, named ones included, in double-quoted, single-quoted and unquoted
// values. `javascript&colon;` once got `link-broken` ("the file does not exist") while the
// site dropped it as a script, and `slack://a" onclick="…"` (no valid address: a space in its
// host name) vanished from the page with no finding. Each line is one case; lint reports a
// link on its line exactly when the page has no address for it.
#[test]
fn links_in_raw_html_are_read_as_the_site_reads_them_and_lint_says_what_it_drops() {
    let cases = [
        ("colon", "<a href=\"javascript&colon;alert(1)\">colon</a>"),
        ("tab", "<a href='java&Tab;script:alert(2)'>tab</a>"),
        ("caps", "<a href=JAVASCRIPT&#58alert(3)>caps</a>"),
        ("hex", "<a href=\"vbscript&#x3A;msgbox(4)\">hex</a>"),
        (
            "quote",
            "<a href='slack://a\" onclick=\"alert(5)'>quote</a>",
        ),
        ("space", "<a href=\"https://exa mple.com/x\">space</a>"),
        ("mdspace", "[mdspace](<https://exa mple.com/y>)"),
        ("plus", "<a href=\"../b/SOP-0002-a&plus;b.md\">plus</a>"),
        ("amp", "<a href='../b/a&amp;b.pdf'>amp</a>"),
        (
            "slackok",
            "<a href=\"slack://channel?team=T01&amp;id=C02\">slackok</a>",
        ),
        (
            "datapic",
            "<img src=\"data&colon;image/png;base64,AAAA\" alt=\"datapic\">",
        ),
        (
            "farpic",
            "<img src='https&colon;//cdn.example.com/flow.png' alt=\"farpic\">",
        ),
    ];
    let body: String = cases
        .iter()
        .map(|(name, html)| format!("Case {name}: {html}\n\n"))
        .collect();
    let repo = repo("", &body, "sops/b/SOP-0002-a+b.md", "");
    repo.write("sops/b/a&b.pdf", "%PDF-1.4\n");
    repo.commit("add the form");
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let on = |name: &str| -> Vec<(String, String, String)> {
        let line = line_of(&repo, &format!("Case {name}:"));
        findings
            .iter()
            .filter(|f| {
                f["line"].as_u64() == Some(line)
                    && f["file"].as_str().is_some_and(|p| p.contains("SOP-0001"))
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                    f["help"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let script = |scheme: &str| {
        format!(
            "readers will not have this link: the site removes links to `{scheme}:` addresses and shows only the link's text"
        )
    };
    for (name, scheme) in [
        ("colon", "javascript"),
        ("tab", "javascript"),
        ("caps", "javascript"),
        ("hex", "vbscript"),
    ] {
        let got = on(name);
        assert_eq!(got.len(), 1, "{name}: {got:#?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1.as_str()),
            ("html-removed", script(scheme).as_str()),
            "{name}"
        );
        assert!(
            got[0].2.starts_with("scripts never run on the site"),
            "{name}: {got:#?}"
        );
    }
    for (name, dest) in [
        ("quote", "slack://a\" onclick=\"alert(5)"),
        ("space", "https://exa mple.com/x"),
        ("mdspace", "https://exa mple.com/y"),
    ] {
        let got = on(name);
        assert_eq!(got.len(), 1, "{name}: {got:#?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1.as_str()),
            (
                "html-removed",
                format!("readers will not have this link: `{dest}` is not a valid address, so the site removes the link and shows only its text").as_str()
            ),
            "{name}"
        );
        assert!(
            got[0].2.starts_with("its host name (after `//`, up to the next `/`) holds a space or another character no host name can have"),
            "{name}: {got:#?}"
        );
    }
    for name in ["plus", "amp", "slackok"] {
        assert_eq!(on(name), [], "{name}");
    }
    assert_eq!(
        on("datapic"),
        [(
            "image-not-published".to_string(),
            "the image `data:image/png;base64,AAAA` would be left out of the site: its address is not a web address the site can show".to_string(),
            "point the image at a picture file inside the repository, such as `../../assets/img/flow.png` (a picture on another site is shown as a link to it)".to_string()
        )]
    );
    assert_eq!(
        on("farpic"),
        [(
            "html-removed".to_string(),
            "readers will not see this picture: the site loads no picture from another site, and removes the address of one written as `<img>`".to_string(),
            "save the picture in the repository and show it with `![description](path/to/picture.png)`, or write `![description](https://…)`, which the page shows as a link to the picture".to_string()
        )]
    );
    assert!(
        !findings.iter().any(|f| f["rule"] == "link-broken"),
        "{findings:#?}"
    );

    // The page: a link lint reported has no address, and every other one keeps its own.
    let site = publish(&repo);
    let page = page(&site, "sops/SOP-0001.html");
    for (name, _) in cases {
        let tag = if name.ends_with("pic") {
            let at = page.find(&format!("alt=\"{name}\"")).unwrap();
            &page[page[..at].rfind('<').unwrap()..at + page[at..].find('>').unwrap()]
        } else if let Some(at) = page.find(&format!(">{name}</a>")) {
            &page[page[..at].rfind("<a").unwrap()..at]
        } else {
            // A Markdown link the site drops is its text alone.
            assert!(
                page.contains(&format!("Case {name}: {name}")),
                "{name}:\n{page}"
            );
            ""
        };
        let has_address = tag.contains("href=") || tag.contains("src=");
        assert_eq!(has_address, on(name).is_empty(), "{name}: {tag}");
    }
    assert!(
        page.contains("href=\"slack://channel?team=T01&amp;id=C02\""),
        "{page}"
    );
    for gone in [
        "javascript",
        "vbscript",
        "onclick",
        "exa mple",
        "data:image",
        "cdn.example",
    ] {
        assert!(
            !page.to_ascii_lowercase().contains(gone),
            "{gone} in:\n{page}"
        );
    }
}

/// Field test s11: under `anchors = "github"`, a heading whose `{#id}` is the id its words make
/// (`## Refunds {#refunds}`, as Docusaurus pages write them) has that id on the page, lint
/// accepts links to it, and the `{#...}` is not shown.
#[test]
fn an_explicit_id_that_matches_the_words_works_under_github() {
    let repo = repo(
        "[links]\nanchors = \"github\"\n",
        "- [refunds](#refunds)\n- [there](../b/SOP-0002-second.md#refunds)",
        "sops/b/SOP-0002-second.md",
        "## Refunds {#refunds}\n\nText.",
    );
    repo.write(
        "sops/a/SOP-0001-first.md",
        &repo
            .read("sops/a/SOP-0001-first.md")
            .replace("## Links\n", "## Refunds {#refunds}\n\nText.\n\n## Links\n"),
    );
    repo.commit("ids");
    assert_eq!(link_findings(&repo), [], "lint");
    let site = publish(&repo);
    for name in ["sops/SOP-0001.html", "sops/SOP-0002.html"] {
        let html = page(&site, name);
        assert!(html.contains("<h2 id=\"refunds\">Refunds<a"), "{html}");
        assert!(!html.contains("{#"), "{html}");
    }
    assert!(page(&site, "sops/SOP-0001.html").contains("SOP-0002.html#refunds\""));
}
