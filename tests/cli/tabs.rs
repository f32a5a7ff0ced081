//! Content tabs and the MDX of Docusaurus pages, through the real binary: a Docusaurus-shaped
//! and an MkDocs-shaped repository adopted, linted and published. Tabs are panels, one after
//! the other, each titled by its label; import lines, MDX comments and the tags of components
//! the site cannot show never reach the page, and lint reads what is inside tabs as text.

use crate::support::SopRepo;

const FRONT: &str = "---\nid: SOP-0001\ntitle: Refund a creator's payout\ntype: procedure\nstatus: approved\nversion: 1.0.0\nowner: Amara Okafor\ndepartment: Payments\napprovers: [Lena Fischer]\neffective: 2026-03-01\nreview_every: 12 months\n---\n";

/// The sections a procedure needs, around `procedure` (the Procedure section's content).
fn procedure(procedure: &str) -> String {
    format!(
        "## Purpose\n\nRefund a payout the same way every time.\n\n\
         ## Scope\n\nCreator payouts.\n\n\
         ## Roles and Responsibilities\n\n| Activity | Agent | Lead |\n| --- | --- | --- |\n| Refund | R | A |\n\n\
         ## Procedure\n\n{procedure}\n\
         ## Escalation\n\nAsk the lead.\n\n\
         ## Metrics\n\nRefunds per day.\n\n\
         ## References\n\nThe payouts policy.\n"
    )
}

/// A Docusaurus page under `front`: import lines, then the title as a heading, tabs (one tag
/// over two lines, as Prettier writes long ones) and an MDX comment.
fn docusaurus_page(front: &str, first_tab: &str) -> String {
    let tabs = format!(
        "1. Open the case.\n\n<Tabs groupId=\"tool\">\n  <TabItem value=\"web\" label=\"Web console\" default>\n\n{first_tab}\n\n  </TabItem>\n  <TabItem\n    value=\"cli\">\n\n```bash\npayouts refund --id 123\n```\n\n  </TabItem>\n</Tabs>\n{{/* a comment for writers: TODO */}}\n"
    );
    format!(
        "{front}\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n# Refund a creator's payout\n\n{}",
        procedure(&tabs)
    )
}

fn lint(repo: &SopRepo) -> (i32, String) {
    let out = repo.sop().args(["lint"]).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn page(repo: &SopRepo) -> String {
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    String::from_utf8(
        crate::publish::tree(&repo.path("public"))
            .remove("sops/SOP-0001.html")
            .unwrap(),
    )
    .unwrap()
}

/// The 1-based line of the first line of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_docusaurus_page_publishes_tabs_as_panels_without_its_mdx() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[sops]\ndir = \"docs\"\n");
    let path = "docs/support/refund-payout.md";
    repo.write(
        path,
        &docusaurus_page(
            "---\ntitle: Refund a creator's payout\nsidebar_position: 2\n---\n",
            "1. Open the **payouts** console ([guide](#scope)).",
        ),
    );
    repo.commit("Docusaurus page");
    repo.sop()
        .args([
            "adopt",
            "--status",
            "approved",
            "--approver",
            "Lena Fischer",
        ])
        .args(["--department", "Payments"])
        .assert()
        .success();
    // The heading that repeats the title goes, although import lines come before it.
    let adopted = repo.read(path);
    assert!(
        !adopted.contains("# Refund a creator's payout"),
        "{adopted}"
    );
    assert!(
        adopted.contains("import Tabs from '@theme/Tabs';"),
        "{adopted}"
    );
    repo.commit("adopt");

    // Nothing to say: no prompt in the tags, no placeholder in the comment, no removed HTML.
    let (code, text) = lint(&repo);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("warning"), "{text}");

    let page = page(&repo);
    for raw in [
        "import Tabs",
        "@theme",
        "&lt;Tabs",
        "&lt;TabItem",
        "TabItem",
        "{/*",
        "a comment for writers",
    ] {
        assert!(!page.contains(raw), "{raw} shows raw in {page}");
    }
    for shown in [
        "<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Web console</p>",
        "<strong>payouts</strong>",
        "<p class=\"tab-title\">cli</p>",
        "payouts refund --id 123",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
}

#[test]
fn lint_reads_a_docusaurus_tab_as_text_at_its_own_lines() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[sops]\ndir = \"docs\"\n");
    let path = "docs/support/SOP-0001-refund-payout.md";
    let text = docusaurus_page(FRONT, "1. Read [the form](../forms/missing.md) first. TODO");
    repo.write(path, &text);
    repo.commit("page");
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "missing.md");
    assert!(
        out.contains(&format!("{path}:{line}:9")) && out.contains("link-broken"),
        "line {line}: {out}"
    );
    assert!(
        out.contains(&format!("{path}:{line}:48")),
        "TODO at {line}: {out}"
    );
    // Only those two: the comment's TODO is not text.
    assert_eq!(out.matches(&format!("{path}:")).count(), 2, "{out}");
}

#[test]
fn mkdocs_content_tabs_are_panels_and_lint_reads_inside_them() {
    let repo = SopRepo::new();
    let tabs = "1. Open the app.\n\n=== \"Android\"\n\n    Tap **Settings**.\n\n===+ \"iOS\"\n\n    Open **Profile** and see [the form](../forms/x.md).\n\n===! \"Web & <b>desk</b>\"\n\n    Use the console.\n\nAfter the tabs.\n";
    let text = format!("{FRONT}\n{}", procedure(tabs));
    let path = "sops/pay/SOP-0001-refunds.md";
    repo.write(path, &text);
    repo.commit("MkDocs page");
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "../forms/x.md");
    assert!(
        out.contains(&format!("{path}:{line}:30")) && out.contains("link-broken"),
        "line {line}: {out}"
    );
    assert_eq!(out.matches(&format!("{path}:")).count(), 1, "{out}");

    repo.write(path, &text.replace("../forms/x.md", "#scope"));
    repo.commit("fixed");
    let (code, out) = lint(&repo);
    assert_eq!(code, 0, "{out}");
    let page = page(&repo);
    for raw in ["=== \"", "===+", "===!", "<pre><code>Tap"] {
        assert!(!page.contains(raw), "{raw} shows raw in {page}");
    }
    for shown in [
        "<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Android</p>\n<p>Tap <strong>Settings</strong>.</p>",
        "<p class=\"tab-title\">iOS</p>\n<p>Open <strong>Profile</strong> and see <a href=\"#scope\">the form</a>.</p>",
        // `===!` starts a second set; the label is text.
        "</div>\n</div>\n<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Web &amp; &lt;b&gt;desk&lt;/b&gt;</p>",
        "</div>\n</div>\n<p>After the tabs.</p>",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
}

#[test]
fn a_component_the_site_cannot_show_keeps_its_content_and_lint_says_so() {
    let repo = SopRepo::new();
    let body = "1. Check the case.\n\nimport Admonition from '@theme/Admonition';\n\nImport the file from the drive.\n\n<Admonition type=\"danger\" title=\"Stop\">\n\nNever refund **twice**.\n\n</Admonition>\n";
    let text = format!("{FRONT}\n{}", procedure(body));
    let path = "sops/pay/SOP-0001-refunds.md";
    repo.write(path, &text);
    repo.commit("page");
    let (code, out) = lint(&repo);
    assert_eq!(code, 0, "a warning: {out}");
    let line = line_of(&text, "<Admonition");
    assert!(out.contains(&format!("{path}:{line}:1")), "{out}");
    assert!(
        out.contains("readers will not see the `<Admonition>` component: the site shows only the content inside it"),
        "{out}"
    );
    assert!(out.contains(":::tip"), "the help says what to write: {out}");
    let page = page(&repo);
    assert!(
        page.contains("<p>Import the file from the drive.</p>"),
        "{page}"
    );
    assert!(
        page.contains("<p>Never refund <strong>twice</strong>.</p>"),
        "{page}"
    );
    assert!(!page.contains("Admonition"), "{page}");
}

#[test]
fn tab_labels_with_markup_or_quotes_are_text_on_the_page() {
    let repo = SopRepo::new();
    let steps = "1. Open the app.\n\n=== \"<img src=x onerror=alert(1)> & \"quoted\"\"\n\n    Tap.\n\n<Tabs>\n  <TabItem value=\"a\" label='<script>alert(2)</script> \"x\"'>\n\n  Press.\n\n  </TabItem>\n  <TabItem value=\"b\" label=\"</div><b>y</b>\">\n\n  Hold.\n\n  </TabItem>\n</Tabs>\n";
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &format!("{FRONT}\n{}", procedure(steps)),
    );
    repo.commit("hostile labels");
    let page = page(&repo);
    for raw in ["<img", "<script>alert", "<b>y", "</div><b>"] {
        assert!(!page.contains(raw), "{raw} is markup in {page}");
    }
    for shown in [
        "<p class=\"tab-title\">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;</p>",
        "<p class=\"tab-title\">&lt;script&gt;alert(2)&lt;/script&gt; &quot;x&quot;</p>",
        "<p class=\"tab-title\">&lt;/div&gt;&lt;b&gt;y&lt;/b&gt;</p>",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
}

#[test]
fn mkdocs_tabs_in_a_numbered_step_are_panels_in_that_step() {
    // Four spaces (MkDocs's list indent) and three (the text's column after `1. `).
    for pad in ["    ", "   "] {
        let repo = SopRepo::new();
        let steps = format!(
            "1. Open the app.\n\n{pad}=== \"Android\"\n\n{pad}    Tap **Settings**.\n\n{pad}=== \"iOS\"\n\n{pad}    Open **Profile** and see [the form](../forms/x.md).\n\n{pad}!!! warning\n{pad}    Never refund **twice**.\n\n2. Close the case.\n"
        );
        let text = format!("{FRONT}\n{}", procedure(&steps));
        let path = "sops/pay/SOP-0001-refunds.md";
        repo.write(path, &text);
        repo.commit("MkDocs page");
        let (code, out) = lint(&repo);
        assert_eq!(code, 1, "{out}");
        let line = line_of(&text, "../forms/x.md");
        let column = pad.len() + 4 + "Open **Profile** and see ".len() + 1;
        assert!(
            out.contains(&format!("{path}:{line}:{column}")) && out.contains("link-broken"),
            "line {line}: {out}"
        );
        assert_eq!(out.matches(&format!("{path}:")).count(), 1, "{out}");

        repo.write(path, &text.replace("../forms/x.md", "#scope"));
        repo.commit("fixed");
        let (code, out) = lint(&repo);
        assert_eq!(code, 0, "{out}");
        let page = page(&repo);
        for raw in ["=== \"", "!!!", "<pre><code>", "<ol start=\"2\">"] {
            assert!(!page.contains(raw), "{raw} shows raw in {page}");
        }
        for shown in [
            "<ol>\n<li>\n<p>Open the app.</p>\n<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Android</p>\n<p>Tap <strong>Settings</strong>.</p>",
            "<p class=\"tab-title\">iOS</p>\n<p>Open <strong>Profile</strong> and see <a href=\"#scope\">the form</a>.</p>",
            "<p>Never refund <strong>twice</strong>.</p>",
            // The tabs and the box are in the first step; the second is still step 2.
            "</div>\n</li>\n<li>\n<p>Close the case.</p>\n</li>\n</ol>",
        ] {
            assert!(page.contains(shown), "{shown} not in {page}");
        }
    }
}

#[test]
fn tab_labels_are_in_the_search_index_as_text_of_their_section() {
    let repo = SopRepo::new();
    let steps = "1. Open the app.\n\n    === \"Android\"\n\n        Tap **Settings**.\n\n    === \"iOS\"\n\n        Tap **Profile**.\n\n2. Sign in on the desk.\n\n<Tabs>\n  <TabItem value=\"win\" label=\"Windows\">\n\n  Press **Start**.\n\n  </TabItem>\n</Tabs>\n";
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &format!("{FRONT}\n{}", procedure(steps)),
    );
    repo.commit("tabs");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = crate::publish::tree(&repo.path("public"));
    let under = |folder: &str| -> String {
        site.iter()
            .filter(|(path, _)| path.starts_with(folder))
            .map(|(_, js)| String::from_utf8_lossy(js).into_owned())
            .collect()
    };
    // A reader searching a label finds the SOP: the labels are words of its body.
    let terms = under("assets/search/t/");
    for word in ["android", "ios", "windows"] {
        assert!(terms.contains(&format!("\"{word}\":")), "{word}: {terms}");
    }
    // In the text of the section they are in, in the order readers see them (snippets).
    let texts = under("assets/search/d/");
    assert!(
        texts.contains("Open the app. Android Tap Settings. iOS Tap Profile. Sign in on the desk. Windows Press Start."),
        "{texts}"
    );
}

/// Docusaurus boxes and tabs indented under numbered steps, as Docusaurus allows: a titled box
/// in step 1, tabs in step 2 with a box holding a list inside the first tab, a box in a step
/// of a nested list under step 3. `link` is the target of the box's link in step 1, `deep`
/// the one of the list inside the box inside the tab.
fn docusaurus_steps(link: &str, deep: &str) -> String {
    format!(
        "1. Open the case.\n\n   :::warning[Duplicate payouts]\n\n   Check [the form]({link}) first.\n\n   :::\n\n\
         2. Pick the tool:\n\n   <Tabs>\n     <TabItem value=\"web\" label=\"Web console\">\n\n     :::tip Quickest path\n     - Open [Payouts]({deep}).\n     - Press **Refund**.\n     :::\n\n     </TabItem>\n     <TabItem value=\"cli\" label=\"Terminal\">\n\n     Run the command.\n\n     </TabItem>\n   </Tabs>\n\n\
         3. Tell the creator:\n   - By mail.\n\n     :::note\n     Use the template.\n     :::\n\n\
         4. Close the case.\n"
    )
}

#[test]
fn docusaurus_boxes_and_tabs_in_numbered_steps_stay_in_their_step() {
    let repo = SopRepo::new();
    let text = format!(
        "{FRONT}\n{}",
        procedure(&docusaurus_steps("../forms/x.md", "../forms/y.md"))
    );
    let path = "sops/pay/SOP-0001-refunds.md";
    repo.write(path, &text);
    repo.commit("Docusaurus steps");
    // Lint reads the boxes' and the tab's text at the lines the writer wrote them.
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "../forms/x.md");
    assert!(
        out.contains(&format!("{path}:{line}:10")) && out.contains("link-broken"),
        "line {line}: {out}"
    );
    let line = line_of(&text, "../forms/y.md");
    assert!(
        out.contains(&format!("{path}:{line}:13")),
        "line {line}: {out}"
    );
    assert_eq!(out.matches(&format!("{path}:")).count(), 2, "{out}");

    repo.write(
        path,
        &format!(
            "{FRONT}\n{}",
            procedure(&docusaurus_steps("#scope", "#metrics"))
        ),
    );
    repo.commit("fixed");
    let (code, out) = lint(&repo);
    assert_eq!(code, 0, "{out}");
    let page = page(&repo);
    for raw in [
        ":::",
        "&lt;Tabs",
        "&lt;TabItem",
        "<pre><code>",
        "<ol start=",
    ] {
        assert!(!page.contains(raw), "{raw} shows raw in {page}");
    }
    for shown in [
        // Step 1 holds its box.
        "<ol>\n<li>\n<p>Open the case.</p>\n<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Duplicate payouts</p>\n<p>Check <a href=\"#scope\">the form</a> first.</p>\n</div>\n</li>\n<li>\n<p>Pick the tool:</p>\n<div class=\"tabs\">",
        // The first tab holds a box that holds a list.
        "<p class=\"tab-title\">Web console</p>\n<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Quickest path</p>\n<ul>\n<li>Open <a href=\"#metrics\">Payouts</a>.</li>\n<li>Press <strong>Refund</strong>.</li>\n</ul>\n</div>",
        "<p class=\"tab-title\">Terminal</p>\n<p>Run the command.</p>\n</div>\n</div>\n</li>\n<li>\n<p>Tell the creator:</p>",
        // The nested list's step holds its box; step 4 is still step 4 of the same list.
        "<li>\n<p>By mail.</p>\n<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n<p>Use the template.</p>\n</div>\n</li>\n</ul>\n</li>\n<li>\n<p>Close the case.</p>\n</li>\n</ol>",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
    // One numbered list in the body (the other is the contents).
    assert_eq!(page.matches("\n<ol").count(), 1, "{page}");
}

#[test]
fn box_titles_are_in_the_search_index_as_text_of_their_section() {
    let repo = SopRepo::new();
    let steps = "Read <b>all</b> first.\n\n1. Check the case.\n\n    !!! danger \"Chargeback window\"\n        Look first.\n\n2. Refund.\n\n   :::tip[Escalation ladder]\n   Ask the lead.\n   :::\n\n??? note \"Archived tickets\"\n    Search them.\n\n:::info Weekend rota\nCall the desk.\n:::\n\n!!! warning \"<img src=x onerror=alert(1)> & \u{E000}0\u{E001}Fake\u{E002}\"\n    Stop.\n";
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &format!("{FRONT}\n{}", procedure(steps)),
    );
    repo.commit("boxes");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let site = crate::publish::tree(&repo.path("public"));
    let under = |folder: &str| -> String {
        site.iter()
            .filter(|(path, _)| path.starts_with(folder))
            .map(|(_, js)| String::from_utf8_lossy(js).into_owned())
            .collect()
    };
    // A reader searching a title's words finds the SOP.
    let terms = under("assets/search/t/");
    for word in ["chargeback", "ladder", "archived", "rota"] {
        assert!(terms.contains(&format!("\"{word}\":")), "{word}: {terms}");
    }
    // In the text of the section they are in, where readers see them (snippets); a title is
    // text, its heading marks starting no section.
    let texts = under("assets/search/d/");
    assert!(
        texts.contains("Read all first. Check the case. Chargeback window Look first. Refund. Escalation ladder Ask the lead. Archived tickets Search them. Weekend rota Call the desk."),
        "{texts}"
    );
    assert!(!texts.contains("Fake\""), "{texts}");
    let page = String::from_utf8_lossy(&site["sops/SOP-0001.html"]).into_owned();
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt; &amp;"),
        "{page}"
    );
}

// Field test s11: a Docusaurus box inside a block quote (`> :::tip` … `> :::`) showed its
// colons as quoted text; Docusaurus shows a box in the quote, and so does the site now, with
// lint reading the box's text at the writer's lines.
#[test]
fn docusaurus_boxes_in_a_block_quote_are_boxes_in_the_quote() {
    let repo = SopRepo::new();
    let quoted = |link: &str| {
        format!(
            "1. Open the case.\n\n> :::tip Check first\n> Look at [the ledger]({link}).\n>\n> - Never twice.\n> :::\n\n> Quoted first.\n>\n> :::note\n> In the quote.\n> :::\n\n2. Refund.\n"
        )
    };
    let path = "sops/pay/SOP-0001-refunds.md";
    let text = format!("{FRONT}\n{}", procedure(&quoted("../forms/x.md")));
    repo.write(path, &text);
    repo.commit("quoted boxes");
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "../forms/x.md");
    assert!(
        out.contains(&format!("{path}:{line}:11")) && out.contains("link-broken"),
        "line {line}: {out}"
    );
    repo.write(path, &format!("{FRONT}\n{}", procedure(&quoted("#scope"))));
    repo.commit("fixed");
    let (code, out) = lint(&repo);
    assert_eq!(code, 0, "{out}");
    let page = page(&repo);
    assert!(!page.contains(":::"), "{page}");
    for shown in [
        "<blockquote>\n<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Check first</p>\n<p>Look at <a href=\"#scope\">the ledger</a>.</p>\n<ul>\n<li>Never twice.</li>\n</ul>\n</div>\n</blockquote>",
        "<blockquote>\n<p>Quoted first.</p>\n<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n<p>In the quote.</p>\n</div>\n</blockquote>",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
}

// `<Tabs>` in a block quote were panels only when the page also had a box: alone, they showed
// as text. Now they are panels in the quote either way, and lint reads inside them.
#[test]
fn docusaurus_tabs_alone_in_a_block_quote_are_panels_in_the_quote() {
    let repo = SopRepo::new();
    let quoted = |link: &str| {
        format!(
            "1. Open the case.\n\n> <Tabs>\n> <TabItem value=\"web\" label=\"Web console\">\n>\n> Open [the ledger]({link}).\n>\n> </TabItem>\n> </Tabs>\n\n2. Refund.\n"
        )
    };
    let path = "sops/pay/SOP-0001-refunds.md";
    let text = format!("{FRONT}\n{}", procedure(&quoted("../forms/x.md")));
    repo.write(path, &text);
    repo.commit("quoted tabs");
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    let line = line_of(&text, "../forms/x.md");
    assert!(
        out.contains(&format!("{path}:{line}:8")) && out.contains("link-broken"),
        "line {line}: {out}"
    );
    repo.write(path, &format!("{FRONT}\n{}", procedure(&quoted("#scope"))));
    repo.commit("fixed");
    let (code, out) = lint(&repo);
    assert_eq!(code, 0, "{out}");
    let page = page(&repo);
    assert!(
        !page.contains("<Tab") && !page.contains("&lt;Tab"),
        "{page}"
    );
    assert!(
        page.contains("<blockquote>\n<div class=\"tabs\">\n<div class=\"tab\">\n<p class=\"tab-title\">Web console</p>"),
        "{page}"
    );
    assert!(
        page.contains("<p>Open <a href=\"#scope\">the ledger</a>.</p>"),
        "{page}"
    );
}
