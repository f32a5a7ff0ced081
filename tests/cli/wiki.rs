//! Wiki links (`[[Escalation policy]]`, `[[Escalation policy#Contacts|who to call]]`,
//! `![[diagram.png]]`) in a repository kept as a wiki: pages named like GitHub wiki pages
//! (`Escalation-policy.md`), in a folder `sop.toml` names. Lint reports the broken ones with
//! the rules for links, where they are and with the name meant; the site makes the rest links
//! and images.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;

use crate::publish::{broken_links, tree};
use crate::support::{SopRepo, sop_text};

/// A wiki-shaped repository: `sop.toml` with `[sops] dir = "wiki"`, `file_names = "any"`,
/// `[links] wiki = true` and `extra` after it; the approved `wiki/Home.md` (SOP-0001, `body` under `## Links`), the
/// approved `wiki/Escalation-policy.md` (SOP-0002, with `## Contacts`) and a picture.
fn wiki_repo(extra: &str, body: &str) -> SopRepo {
    let repo = SopRepo::new();
    // Wiki links are off unless `sop.toml` turns them on: `extra` says how when it has `[links]`.
    let links = if extra.contains("[links]") {
        ""
    } else {
        "\n[links]\nwiki = true\n"
    };
    repo.write(
        "sop.toml",
        &format!("[sops]\ndir = \"wiki\"\nfile_names = \"any\"\n{extra}{links}"),
    );
    repo.write(
        "wiki/Home.md",
        &format!(
            "{}\n## Links\n\n{body}\n",
            sop_text("SOP-0001", "Home", "checklist", "approved")
        ),
    );
    repo.write(
        "wiki/Escalation-policy.md",
        &format!(
            "{}\n## Contacts\n\nThe duty manager.\n",
            sop_text("SOP-0002", "Escalation policy", "checklist", "approved")
        ),
    );
    repo.write_bytes("wiki/images/diagram.png", b"\x89PNG\r\n\x1a\n");
    repo.commit("wiki pages");
    repo
}

/// `(rule, line, column, message, help)` of every finding of `sop lint` about links.
fn link_findings(repo: &SopRepo) -> Vec<(String, u64, u64, String, String)> {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    findings
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap_or_default();
            rule.starts_with("link-") || rule.starts_with("anchor-") || rule.starts_with("image-")
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap_or_default().to_string(),
                f["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The line of `wiki/Home.md` that holds `text`.
fn line_of(repo: &SopRepo, text: &str) -> u64 {
    let source = repo.read("wiki/Home.md");
    source.lines().position(|l| l.contains(text)).unwrap() as u64 + 1
}

/// Publish, check every link of the site, and return it.
fn publish(repo: &SopRepo) -> BTreeMap<String, Vec<u8>> {
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = tree(&repo.path("public"));
    assert_eq!(broken_links(&site), Vec::<String>::new());
    site
}

/// The page of SOP `id`.
fn page(site: &BTreeMap<String, Vec<u8>>, id: &str) -> String {
    String::from_utf8(site[&format!("sops/{id}.html")].clone()).unwrap()
}

const GOOD: &str = "- Read [[Escalation policy]] first.\n\
                    - Then [[Escalation policy#Contacts|who to call]], or [[SOP-0002]].\n\
                    - ![[diagram.png]]\n\
                    - Same page: [[#Checklist]]\n\
                    - Code is text: `[[Nowhere]]`, and so is \\[[Nowhere]].";

#[test]
fn wiki_links_that_lead_somewhere_pass_lint_and_become_links_and_images() {
    let repo = wiki_repo("", GOOD);
    assert_eq!(link_findings(&repo), Vec::new());
    let site = publish(&repo);
    let home = page(&site, "SOP-0001");
    assert!(
        home.contains("href=\"../sops/SOP-0002.html\">Escalation policy</a>"),
        "{home}"
    );
    assert!(
        home.contains("href=\"../sops/SOP-0002.html#contacts\">who to call</a>"),
        "{home}"
    );
    assert!(
        home.contains("href=\"../sops/SOP-0002.html\">SOP-0002</a>"),
        "{home}"
    );
    assert!(home.contains("href=\"#checklist\">Checklist</a>"), "{home}");
    assert!(
        home.contains("src=\"../files/wiki/images/diagram.png\" alt=\"diagram.png\""),
        "{home}"
    );
    assert!(site.contains_key("files/wiki/images/diagram.png"));
    assert!(home.contains("<code>[[Nowhere]]</code>"), "{home}");
    assert!(home.contains("so is [[Nowhere]]."), "{home}");
}

#[test]
fn lint_reports_a_broken_wiki_link_and_heading_where_they_are_with_the_name_meant() {
    let repo = wiki_repo(
        "",
        "- [[Escalation polcy]]\n- [[Escalation policy#Contcts]]\n- ![[diagam.png]]\n- [[#Nowhere]]",
    );
    let found = link_findings(&repo);
    let got: Vec<(&str, u64, u64)> = found.iter().map(|f| (f.0.as_str(), f.1, f.2)).collect();
    assert_eq!(
        got,
        [
            ("link-broken", line_of(&repo, "polcy"), 3),
            ("anchor-broken", line_of(&repo, "Contcts"), 3),
            ("image-missing", line_of(&repo, "diagam"), 3),
            ("anchor-broken", line_of(&repo, "Nowhere"), 3),
        ],
        "{found:#?}"
    );
    assert_eq!(found[0].3, "no document is named `Escalation polcy`");
    assert_eq!(
        found[0].4,
        "did you mean `Escalation policy` (wiki/Escalation-policy.md)?"
    );
    assert_eq!(
        found[1].3,
        "`wiki/Escalation-policy.md` has no heading `Contcts`"
    );
    assert_eq!(found[1].4, "did you mean `[[Escalation policy#Contacts]]`?");
    assert_eq!(found[2].3, "no file is named `diagam.png`");
    assert_eq!(found[3].3, "this SOP has no heading `Nowhere`");
    assert_eq!(
        found[2].4,
        "did you mean `diagram.png` (wiki/images/diagram.png)?"
    );

    let out = repo
        .sop()
        .args(["lint", "--format", "human", "--color", "never"])
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));

    // On the site, a wiki link that leads nowhere is its text, without brackets.
    let site = publish(&repo);
    let home = page(&site, "SOP-0001");
    assert!(home.contains("<li>Escalation polcy</li>"), "{home}");
    assert!(home.contains("<li>Nowhere</li>"), "{home}");
    assert!(!home.contains("[["), "{home}");
}

#[test]
fn a_name_two_pages_share_is_reported_with_both() {
    let repo = wiki_repo("", "- [[Refund]]");
    repo.write("wiki/support/Refund.md", "# Refund\n");
    repo.write("wiki/billing/refund.md", "# Refund\n");
    repo.commit("two refunds");
    let found = link_findings(&repo);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (
            found[0].0.as_str(),
            found[0].3.as_str(),
            found[0].4.as_str()
        ),
        (
            "link-broken",
            "more than one document is named `Refund`: `wiki/billing/refund.md` and `wiki/support/Refund.md`",
            "write the path of the one you mean, such as `[[wiki/billing/refund]]`"
        )
    );
    // The path it suggests is one the link can take.
    let repo2 = wiki_repo("", "- [[wiki/billing/refund]] and [[support/Refund]]");
    repo2.write("wiki/support/Refund.md", "# Refund\n");
    repo2.write("wiki/billing/refund.md", "# Refund\n");
    repo2.commit("two refunds");
    let found = link_findings(&repo2);
    assert!(found.iter().all(|f| f.0 != "link-broken"), "{found:#?}");
}

#[test]
fn sops_that_share_a_title_are_told_apart_by_their_ids() {
    let repo = wiki_repo("", "- [[Refund rules]]");
    repo.write(
        "wiki/payments/Refunds.md",
        &sop_text("SOP-0003", "Refund rules", "checklist", "approved"),
    );
    repo.write(
        "wiki/old/Refunds-2019.md",
        &sop_text("SOP-0004", "Refund rules", "checklist", "draft"),
    );
    repo.commit("two SOPs of one title");
    let found = link_findings(&repo);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].4,
        "write the id of the one you mean: `[[SOP-0004]]` or `[[SOP-0003]]`"
    );
}

#[test]
fn a_wiki_link_to_a_draft_shows_as_a_markdown_link_to_it_does() {
    let repo = wiki_repo(
        "",
        "- Wiki: [[Night shift handover]]\n- Markdown: [Night shift handover](Night-shift-handover.md)",
    );
    repo.write(
        "wiki/Night-shift-handover.md",
        &sop_text("SOP-0003", "Night shift handover", "checklist", "draft"),
    );
    repo.commit("a draft");
    assert_eq!(link_findings(&repo), Vec::new());
    let home = page(&publish(&repo), "SOP-0001");
    // The draft has no page: both show their text, neither is a link.
    assert!(
        home.contains("<li>Wiki: Night shift handover</li>")
            && home.contains("<li>Markdown: Night shift handover</li>"),
        "{home}"
    );
}

#[test]
fn github_wikis_put_the_text_first_when_sop_toml_says_so() {
    let body = "- [[who to call|Escalation policy#Contacts]]";
    let github = wiki_repo("\n[links]\nwiki = true\nwiki_pipe = \"text-first\"\n", body);
    assert_eq!(link_findings(&github), Vec::new());
    let home = page(&publish(&github), "SOP-0001");
    assert!(home.contains("#contacts\">who to call</a>"), "{home}");
    // Read page first, the text is no page: the help says how to read it the other way.
    let obsidian = wiki_repo("", body);
    let found = link_findings(&obsidian);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].4.contains("`Escalation policy` is a document")
            && found[0].4.contains("wiki_pipe = \"text-first\""),
        "{found:#?}"
    );
}

#[test]
fn wiki_links_off_leaves_the_brackets_as_text() {
    let repo = wiki_repo(
        "\n[links]\nwiki = false\n",
        "- [[Escalation polcy]] and a[[0]]",
    );
    assert_eq!(link_findings(&repo), Vec::new());
    let home = page(&publish(&repo), "SOP-0001");
    assert!(
        home.contains("<li>[[Escalation polcy]] and a[[0]]</li>"),
        "{home}"
    );
}

/// `sop release SOP-0001 --version <version> --approve`, unsigned.
fn release(repo: &SopRepo, version: &str) {
    repo.sop()
        .args([
            "release",
            "SOP-0001",
            "--version",
            version,
            "-m",
            "First",
            "--approve",
            "--approver",
            "Lena Fischer <lena@example.com>",
            "--no-sign",
        ])
        .assert()
        .success();
}

#[test]
fn a_page_made_from_a_release_embeds_the_file_the_release_named_never_todays() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[links]\nwiki = true\n");
    repo.write(
        "sops/ops/SOP-0001-alpha.md",
        &format!(
            "{}\nFlow: ![[diagram.png]]\n",
            sop_text("SOP-0001", "Alpha", "checklist", "draft")
        ),
    );
    // At the release, `diagram.png` beside the SOP is the one the embed names (its folder
    // first).
    repo.write_bytes("sops/ops/diagram.png", b"RED");
    repo.write_bytes("pics/diagram.png", b"BLUE");
    repo.commit("alpha");
    release(&repo, "1.0.0");
    // Since, the approved file is deleted: today the name finds a file nobody approved for
    // this text. Deleted, the approved one is off the site (as for a Markdown image).
    repo.git(&["rm", "-q", "sops/ops/diagram.png"]);
    repo.commit("tidy");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = tree(&repo.path("public"));
    for page in ["sops/SOP-0001.html", "sops/SOP-0001/v1.0.0.html"] {
        let html = String::from_utf8(site[page].clone()).unwrap();
        assert!(html.contains("Flow: diagram.png</p>"), "{page}: {html}");
        assert!(!html.contains("pics/"), "{page}: {html}");
    }
    assert!(
        site.keys().all(|k| !k.contains("pics/")),
        "{:?}",
        site.keys().collect::<Vec<_>>()
    );
}

/// Prose that is no wiki link: a shell test and a matrix.
const SHELL: &str = "The test [[ -f /etc/ready ]] must be true; matrix [[1, 2], [3, 4]].";

#[test]
fn an_existing_repository_keeps_its_double_brackets_as_written() {
    let repo = SopRepo::new();
    repo.write(
        "sops/ops/SOP-0001-ready.md",
        &format!(
            "{}\n{SHELL}\n",
            sop_text("SOP-0001", "Ready", "checklist", "approved")
        ),
    );
    repo.commit("an SOP of before wiki links");
    // Wiki links are off by default: no new finding on upgrade, the brackets on the site.
    assert_eq!(link_findings(&repo), Vec::new());
    let html = page(&publish(&repo), "SOP-0001");
    assert!(
        html.contains("The test [[ -f /etc/ready ]] must be true; matrix [[1, 2], [3, 4]]."),
        "{html}"
    );
    // Turned on, a name that names nothing says how to keep the brackets, or turn them off.
    repo.write("sop.toml", "[links]\nwiki = true\n");
    let found = link_findings(&repo);
    assert!(!found.is_empty(), "{found:#?}");
    for f in &found {
        assert!(
            f.4.contains("write `\\[[` to keep them as written")
                && f.4.contains("`[links] wiki = false`"),
            "{found:#?}"
        );
    }
}

#[test]
fn adopting_documents_that_use_wiki_links_turns_them_on() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[sops]\nfile_names = \"any\"\n");
    repo.write(
        "sops/ops/Home.md",
        "# Home\n\n## Links\n\nRead [[Escalation policy#Contacts|who to call]] first.\n",
    );
    repo.write(
        "sops/ops/Escalation-policy.md",
        "# Escalation policy\n\n## Contacts\n\nThe duty manager.\n",
    );
    repo.commit("a wiki");
    let out = repo.sop().arg("adopt").assert().success();
    let summary = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(summary.contains("`[links] wiki = true`"), "{summary}");
    let toml = repo.read("sop.toml");
    assert!(
        toml.contains("[links]\nwiki = true ") && toml.contains("# written by sop adopt:"),
        "{toml}"
    );
    assert_eq!(link_findings(&repo), Vec::new());
    repo.commit("adopted");
    repo.sop()
        .args(["publish", "--drafts", "--out", "public"])
        .assert()
        .success();
    let site = tree(&repo.path("public"));
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let home = page(&site, "SOP-0002");
    assert!(
        home.contains("href=\"../sops/SOP-0001.html#contacts\">who to call</a>"),
        "{home}"
    );

    // Brackets that name no document are no reason to turn wiki links on.
    let prose = SopRepo::new();
    prose.write("sops/ops/ready.md", &format!("# Ready\n\n{SHELL}\n"));
    prose.commit("prose");
    prose.sop().arg("adopt").assert().success();
    assert!(!prose.read("sop.toml").contains("wiki"));
}

#[test]
fn a_wiki_link_to_a_file_sop_does_not_read_names_the_file_and_what_to_do() {
    let repo = wiki_repo(
        "",
        "- [[install]]\n- [[Setup guide]]\n- [[legacy]]\n- [[refund form]]",
    );
    repo.write("wiki/install.mdx", "# Install\n");
    repo.write("wiki/Setup-guide.markdown", "# Setup\n");
    repo.write("web/legacy.html", "<p>Old page</p>\n");
    repo.write_bytes("wiki/forms/refund-form.pdf", b"%PDF-1.4\n");
    repo.commit("files of other kinds");
    let found = link_findings(&repo);
    let got: Vec<(&str, u64, &str, &str)> = found
        .iter()
        .map(|f| (f.0.as_str(), f.1, f.3.as_str(), f.4.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "link-broken",
                line_of(&repo, "[[install]]"),
                "no document is named `install`: `wiki/install.mdx` has this name, but it is an MDX page, which sop does not read (MDX mixes Markdown with components only a Docusaurus build can show)",
                "rename it to `install.md` to make it a page this link finds (sop reads a Markdown page's imports, tabs and comments, and shows the content of other components), or link to its address on the web",
            ),
            (
                "link-broken",
                line_of(&repo, "[[Setup guide]]"),
                "no document is named `Setup guide`: `wiki/Setup-guide.markdown` has this name, but sop reads only `.md` files as documents (`[sops] extensions` in sop.toml)",
                "add `\"markdown\"` to `extensions` under `[sops]` in sop.toml (sop then reads `.markdown` files as it reads `.md` ones), or rename the file to `Setup-guide.md`",
            ),
            (
                "link-broken",
                line_of(&repo, "[[legacy]]"),
                "no document is named `legacy`: `web/legacy.html` has this name, but a `.html` file is never a page of the site: a browser would run it, so sop neither reads nor publishes it",
                "write its content as an SOP (`sop import` reads a saved web page), or link to its address on the web",
            ),
            (
                "link-broken",
                line_of(&repo, "[[refund form]]"),
                "no document is named `refund form`: `wiki/forms/refund-form.pdf` has this name, but it is a file, not a document: a wiki link without `!` names a page",
                "link the file with `![[refund-form.pdf]]` or `[refund form](forms/refund-form.pdf)`",
            ),
        ],
        "{found:#?}"
    );

    // Done as the help says, the links lead somewhere.
    repo.write(
        "sop.toml",
        "[sops]\ndir = \"wiki\"\nfile_names = \"any\"\nextensions = [\"md\", \"markdown\"]\n\n[links]\nwiki = true\n",
    );
    std::fs::rename(repo.path("wiki/install.mdx"), repo.path("wiki/install.md")).unwrap();
    let home = repo.read("wiki/Home.md");
    repo.write(
        "wiki/Home.md",
        &home.replace(
            "[[refund form]]",
            "![[refund-form.pdf]] and [refund form](forms/refund-form.pdf)",
        ),
    );
    repo.commit("as the help says");
    let found = link_findings(&repo);
    assert!(
        found
            .iter()
            .all(|f| f.3.contains("`legacy`") || !f.0.starts_with("link-broken")),
        "{found:#?}"
    );
}

#[test]
fn a_size_after_the_bar_sets_the_pictures_width_and_height_not_its_description() {
    let body = "- ![[diagram.png|300]]\n- ![[diagram.png|300x200]]\n- ![[diagram.png|The flow]]";
    let repo = wiki_repo("", body);
    assert_eq!(link_findings(&repo), Vec::new());
    let home = page(&publish(&repo), "SOP-0001");
    let src = "src=\"../files/wiki/images/diagram.png\"";
    assert!(
        home.contains(&format!("<img {src} alt=\"diagram.png\" width=\"300\" />")),
        "{home}"
    );
    assert!(
        home.contains(&format!(
            "<img {src} alt=\"diagram.png\" width=\"300\" height=\"200\" />"
        )),
        "{home}"
    );
    assert!(
        home.contains(&format!("<img {src} alt=\"The flow\" />")),
        "{home}"
    );
    assert!(!home.contains("alt=\"300"), "{home}");
    // A page with raw HTML goes through the sanitiser, which keeps the size.
    let html = wiki_repo(
        "",
        &format!("{body}\n- Press <kbd>Enter</kbd>.\n- Gone: ![[nowhere.png|300]]"),
    );
    let home = page(&publish(&html), "SOP-0001");
    assert!(
        home.contains(&format!(
            "<img {src} alt=\"diagram.png\" width=\"300\" height=\"200\">"
        )),
        "{home}"
    );
    assert!(!home.contains("alt=\"300"), "{home}");
    // A picture that is not there shows its name, never its size.
    assert!(home.contains("<li>Gone: nowhere.png</li>"), "{home}");
}

#[test]
fn on_a_translation_a_wiki_link_leads_where_a_markdown_link_to_that_sop_does() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[links]\nwiki = true\n");
    let one = sop_text("SOP-0001", "Gift refunds", "checklist", "approved");
    repo.write("sops/pay/SOP-0001-gift-refunds.md", &one);
    // The Spanish text keeps the title, as a team does until it is translated.
    repo.write(
        "sops/pay/SOP-0001-gift-refunds.es.md",
        &one.replace(
            "title: Gift refunds",
            "title: Gift refunds\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
        ),
    );
    let two = format!(
        "{}\n## Links\n\n\
         - By id: [[SOP-0001]] or [md](SOP-0001-gift-refunds.md)\n\
         - By title: [[Gift refunds]]\n\
         - The translation: [[SOP-0001-gift-refunds.es]] or [md](SOP-0001-gift-refunds.es.md)\n",
        sop_text("SOP-0002", "Escalation", "checklist", "approved")
    );
    repo.write("sops/pay/SOP-0002-escalation.md", &two);
    repo.write(
        "sops/pay/SOP-0002-escalation.es.md",
        &two.replace(
            "title: Escalation",
            "title: Escalado\nlanguage: es\ntranslation_of: SOP-0002@1.0.0",
        ),
    );
    repo.commit("two SOPs in English and Spanish");
    assert_eq!(link_findings(&repo), Vec::new());
    let site = publish(&repo);
    for page in ["sops/SOP-0002.html", "sops/SOP-0002.es.html"] {
        let html = String::from_utf8(site[page].clone()).unwrap();
        let source = "href=\"../sops/SOP-0001.html\"";
        let spanish = "href=\"../sops/SOP-0001.es.html\"";
        for line in [
            format!("By id: <a {source}>SOP-0001</a> or <a {source}>md</a>"),
            format!("By title: <a {source}>Gift refunds</a>"),
            format!(
                "The translation: <a {spanish}>SOP-0001-gift-refunds.es</a> or <a {spanish}>md</a>"
            ),
        ] {
            assert!(html.contains(&line), "{page}: {line}\n{html}");
        }
    }
}
