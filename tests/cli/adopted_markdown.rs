//! Documents as teams already write them, through the real binary: formal SOPs with numbered
//! H3 sections (`[types.X] level = 3`), `[lint] placeholder_words`, and MkDocs admonitions,
//! GitHub alerts and attribute lists, which lint reads as text and the site shows as boxes.

use crate::support::SopRepo;

const FRONT: &str = "---\nid: SOP-0001\ntitle: Refunds\ntype: procedure\nstatus: approved\nversion: 1.0.0\nowner: Amara Okafor\ndepartment: Payments\napprovers: [Lena Fischer]\neffective: 2026-03-01\nreview_every: 12 months\n---\n";

/// A procedure written as a formal SOP: a title, then numbered H3 sections.
fn formal_body() -> String {
    "# Refunds\n\n\
     ### 1. Purpose:\n\nRefund customers the same way every time.\n\n\
     ### 2. Scope\n\nCard payments in the EU.\n\n\
     ### 3) Roles and Responsibilities\n\n| Activity | Agent | Lead |\n| --- | --- | --- |\n| Refund | R | A |\n\n\
     ### IV. Procedure\n\n1. Check the payment.\n2. Refund it.\n\n\
     ### V. Escalation?\n\nAsk the lead.\n\n\
     ### A. Metrics\n\nRefunds per day.\n\n\
     ### B. References\n\nThe payments policy.\n"
        .to_string()
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

#[test]
fn a_formal_sop_with_numbered_h3_sections_lints_clean_at_level_3() {
    let repo = SopRepo::new();
    repo.write(
        "sops/pay/SOP-0001-refunds.md",
        &format!("{FRONT}{}", formal_body()),
    );
    repo.write("sop.toml", "[types.procedure]\nlevel = 3\n");
    repo.commit("formal SOP");
    let (code, text) = lint(&repo);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("section-"), "{text}");

    // At the default level the same file misses every section.
    repo.write("sop.toml", "");
    let (code, text) = lint(&repo);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the required section `Purpose` is missing"),
        "{text}"
    );
}

#[test]
fn a_bad_level_is_refused_with_what_to_write() {
    let repo = SopRepo::new();
    repo.write("sop.toml", "[types.procedure]\nlevel = \"h3\"\n");
    let (code, text) = lint(&repo);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("`level` cannot be `h3`")
            && text.contains("the allowed values are `any`, or a whole number"),
        "{text}"
    );
}

#[test]
fn placeholder_words_are_configured_in_sop_toml() {
    let repo = SopRepo::new();
    let body = formal_body().replace(
        "Card payments in the EU.",
        "Card payments in TBD (the town) and _XXX_ more.",
    );
    repo.write("sops/pay/SOP-0001-refunds.md", &format!("{FRONT}{body}"));
    repo.write(
        "sop.toml",
        "[types.procedure]\nlevel = 3\n[lint]\nplaceholder_words = [\"XXX\"]\n",
    );
    repo.commit("SOP");
    let (code, text) = lint(&repo);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("`XXX` is still in the text"), "{text}");
    assert!(!text.contains("`TBD` is still"), "{text}");

    repo.write("sop.toml", "[types.procedure]\nlevel = 3\n");
    let (_, text) = lint(&repo);
    assert!(text.contains("`TBD` is still in the text"), "{text}");
    assert!(!text.contains("`XXX` is still"), "{text}");
}

/// A procedure with every kind of box and attribute list, otherwise complete.
fn boxed_sop() -> String {
    let body = "\n## Purpose\n\nRefund customers the same way every time.\n{: .lead }\n\n\
         !!! note \"Before you start\"\n    Check the **ticket** and the [policy](#references).\n\n    - one\n    - two\n\n\
         ## Scope {#scope}\n\nCard payments.\n\n\
         !!! warning\n    Never refund twice.\n\n\
         !!! tip \"\"\n    Untitled tip.\n\n\
         ??? info \"Details\"\n        indented code inside\n\n\
         ## Roles and Responsibilities\n\n| Activity | Agent | Lead |\n| --- | --- | --- |\n| Refund | R | A |\n\n\
         ## Procedure\n\n1. Check the payment.\n2. Refund it.\n\n\
         > [!NOTE]\n> Refunds take three days.\n\n\
         ## Escalation\n\n> [!WARNING]\n> Call the lead.\n\n> [!CAUTION]\n> Fraud goes to security.\n\n\
         ## Metrics\n\n> [!TIP]\n> Count per day.\n\n> [!IMPORTANT]\n> Weekly.\n\n\
         ## References\n\nThe payments policy.\n";
    format!("{FRONT}{body}")
}

#[test]
fn boxes_and_attribute_lists_lint_clean_and_a_todo_in_a_box_is_found() {
    let repo = SopRepo::new();
    repo.write("sops/pay/SOP-0001-refunds.md", &boxed_sop());
    repo.commit("SOP");
    let (code, text) = lint(&repo);
    assert_eq!(code, 0, "{text}");

    // The body of an admonition is text: a placeholder in it is found, on its own line.
    let with_todo = boxed_sop().replace("    Never refund twice.", "    Never refund twice. TODO");
    let line = with_todo.lines().position(|l| l.contains("TODO")).unwrap() + 1;
    repo.write("sops/pay/SOP-0001-refunds.md", &with_todo);
    let (code, text) = lint(&repo);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("SOP-0001-refunds.md:{line}:")),
        "line {line}: {text}"
    );
}

#[test]
fn the_published_page_shows_boxes_and_no_raw_syntax() {
    let repo = SopRepo::new();
    repo.write("sops/pay/SOP-0001-refunds.md", &boxed_sop());
    repo.commit("SOP");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let pages: Vec<String> = crate::publish::tree(&repo.path("public"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .filter(|html| html.contains("Before you start"))
        .collect();
    assert_eq!(pages.len(), 1, "one page holds the SOP's body");
    let page = &pages[0];
    for expected in [
        "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Before you start</p>",
        "<p class=\"callout-title\">Warning</p>\n<p>Never refund twice.</p>",
        "<div class=\"callout callout-tip\" role=\"note\" aria-label=\"Tip\">",
        "<details class=\"callout callout-note\">\n<summary class=\"callout-title\">Details</summary>",
        "<p class=\"callout-title\">Note</p>\n<p>Refunds take three days.</p>",
        "<p class=\"callout-title\">Caution</p>",
        "<p class=\"callout-title\">Important</p>",
        "<h2 id=\"scope\">Scope<a",
    ] {
        assert!(page.contains(expected), "{expected} not in {page}");
    }
    for raw in [
        "!!!",
        "???",
        "[!NOTE]",
        "[!WARNING]",
        "{:",
        "{#scope}",
        ".lead",
    ] {
        assert!(!page.contains(raw), "{raw} shows raw in {page}");
    }
    assert!(crate::publish::broken_links(&crate::publish::tree(&repo.path("public"))).is_empty());
}

/// Attribute lists right after an inline element (an image's size, a word's class) are not
/// shown, and braces in prose and code are.
#[test]
fn inline_attribute_lists_are_not_shown_and_prose_braces_are() {
    let repo = SopRepo::new();
    repo.write(
        "sops/pay/flow.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    let body = boxed_sop().replace(
        "Card payments.\n",
        "Card payments.\n\n![Flow](flow.svg){: width=\"200\" }\n\n![Flow](flow.svg){ width=\"300\" }\n\n\
         Click **Save**{: .highlight } when done.\n\n\
         Write \"Dear {customer_name}\" and `**x**{: .kept}`.\n",
    );
    repo.write("sops/pay/SOP-0001-refunds.md", &body);
    repo.commit("SOP");
    let (code, text) = lint(&repo);
    assert_eq!(code, 0, "{text}");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let page = crate::publish::tree(&repo.path("public"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .find(|html| html.contains("Before you start"))
        .unwrap();
    for raw in ["width=\"200\"", "width=\"300\"", ".highlight", "{ width"] {
        assert!(!page.contains(raw), "{raw} shows raw in {page}");
    }
    assert!(page.contains("<strong>Save</strong>"), "{page}");
    assert!(page.contains("Dear {customer_name}"), "{page}");
    assert!(page.contains("<code>**x**{: .kept}</code>"), "{page}");
}

#[test]
fn docusaurus_boxes_are_boxes_and_lint_reads_inside_them() {
    let repo = SopRepo::new();
    let text = boxed_sop().replace(
        "Card payments.\n",
        "Card payments.\n\n:::tip[Quick check]\nLook at the **ledger** first.\n:::\n\n:::danger\nNever refund twice. TODO\n:::\n",
    );
    repo.write("sops/pay/SOP-0001-refunds.md", &text);
    repo.commit("SOP");
    // A placeholder inside a box is found on its own line.
    let line = text.lines().position(|l| l.contains("TODO")).unwrap() + 1;
    let (code, out) = lint(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("SOP-0001-refunds.md:{line}:")),
        "line {line}: {out}"
    );
    repo.write("sops/pay/SOP-0001-refunds.md", &text.replace(" TODO", ""));
    repo.commit("no TODO");
    repo.sop()
        .args(["publish", "--out", "public"])
        .assert()
        .success();
    let page = String::from_utf8(
        crate::publish::tree(&repo.path("public"))
            .remove("sops/SOP-0001.html")
            .unwrap(),
    )
    .unwrap();
    assert!(
        page.contains("<p class=\"callout-title\">Quick check</p>"),
        "{page}"
    );
    assert!(page.contains("<strong>ledger</strong>"), "{page}");
    assert!(
        page.contains("<p class=\"callout-title\">Danger</p>"),
        "{page}"
    );
    assert!(!page.contains(":::"), "{page}");
}
