//! Browser test of a hostile repository's site: `tests/e2e/hostile.test.mjs` opens every page
//! and every copied attachment that `sop publish --drafts` wrote for a repository full of XSS,
//! CSS-injection and control-character payloads, and fails on any dialog, console or page
//! error, request leaving the site, or script left in the DOM.
//!
//! Ignored by default: it needs `node`, `chromium` (or `$CHROMIUM`) and `npm ci` in
//! `tests/e2e`; CI runs ignored tests, and a missing piece fails it there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::SopRepo;

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Raw HTML in SOP bodies that must never run, load anything from elsewhere or hide the page.
const HOSTILE_BODY: &str = r##"
<script>alert('body-script')</script>
<img src="pixel.png" onload="alert('img-onload')" onerror="alert('img-onerror')">
<IMG SRC=pixel.png OnLoad=alert('img-mixed-case')>
<a href="javascript:alert('js-link')">javascript link</a>
<a href="JaVaScRiPt:alert('js-case')">mixed case</a>
<a href="jav&#x09;ascript:alert('js-tab')">entity tab</a>
<a href="&#106;avascript:alert('js-entity')">entity</a>
<a href="data:text/html,<script>alert('data-html')</script>">data url</a>
<svg onload="alert('svg-onload')"><animate onbegin="alert('animate')" attributeName="x" dur="1s"/><a xlink:href="javascript:alert('svg-a')"><text>t</text></a></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>
<object data="javascript:alert('object')"></object>
<embed src="javascript:alert('embed')">
<details open ontoggle="alert('toggle')"><summary>s</summary>d</details>
<input autofocus onfocus="alert('focus')">
<form action="javascript:alert('form')"><button formaction="javascript:alert('formaction')">go</button></form>
<math><mtext><table><mglyph><style><img src=pixel.png onload=alert('mxss')></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=pixel.png onload=alert('noscript')>"></p></noscript>
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<style>@import url(https://evil.example/import.css); body { display: none }</style>
<div style="background:url(https://evil.example/bg.png)">styled</div>
<img src="https://evil.example/pixel.gif" alt="remote tracker">
<img srcset="https://evil.example/set.png 1x" alt="remote srcset">
<video poster="https://evil.example/poster.png"></video>
<textarea></textarea><script>alert('after-textarea')</script>
<!-- --><script>alert('after-comment')</script>
</div></main></body><script>alert('closed-body')</script>

[markdown javascript link](javascript:alert('md-js))
[markdown title](https://example.org "\"><script>alert('md-title')</script>")
![markdown image](pixel.png "\" onload=\"alert('md-img')")

```html
</code></pre><script>alert('code-block')</script>
```

"##;

/// A 1×1 grey PNG.
const PIXEL_PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0,
    0, 0, 58, 126, 155, 85, 0, 0, 0, 10, 73, 68, 65, 84, 120, 156, 99, 96, 0, 0, 0, 2, 0, 1, 72,
    175, 164, 113, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Control characters in body text: bell, escape sequences (clear screen, window title), NUL
/// written as a character reference, line and paragraph separators (which end a JavaScript
/// string literal in old engines), and a right-to-left override.
const CONTROL_BODY: &str = "Control: bell \u{7} escape \u{1b}[2J osc \u{1b}]0;pwned\u{7} \
     nul &#0; separators \u{2028} \u{2029} rtl \u{202e}gnp.exe end.\n";

/// A valid-looking SOP with `front` front matter lines and `body`, with the sections a
/// procedure needs so that publish treats it as an ordinary SOP.
fn hostile_sop(front: &str, body: &str) -> String {
    format!(
        "---\n{front}type: procedure\nversion: 0.1.0\nreview_every: 12 months\n---\n\n\
         ## Purpose\n\n{body}\n\n## Scope\n\nEveryone.\n\n## Roles and Responsibilities\n\n\
         | Activity | Agent |\n| --- | --- |\n| <img src=x onerror=alert('cell')> | R |\n\n\
         ## Procedure\n\n1. **Step <script>alert('step')</script>.** Do it.\n\n\
         ## Escalation\n\nNobody.\n\n## Metrics\n\nNone.\n\n## References\n\nNone.\n"
    )
}

/// A repository whose content tries every way to run script on the site or reach outside it.
fn hostile_repo() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        "sop.toml",
        "[site]\ntitle = \"Sites </title><script>alert('site-title')</script>\"\n",
    );
    repo.write(
        "sops/ops/SOP-0001-titles.md",
        &hostile_sop(
            "id: SOP-0001\n\
             title: \"<script>alert('title')</script><img src=x onerror=alert('title-img')> \\u001b]0;pwned\\u0007 \\u2028 </script><!--\"\n\
             owner: \"x\\\"\\n}body{display:none} .y{\"\n\
             department: \"</style><script>alert('department')</script>\"\n\
             tags: [\"<svg onload=alert('tag')>\", \"\\\"><img src=x onerror=alert('tag2')>\", \"javascript:alert('tag3')\", \"{{ 7*7 }}\", \"a\\u0000b\"]\n\
             status: draft\n",
            &format!("{HOSTILE_BODY}\n{CONTROL_BODY}"),
        ),
    );
    repo.write(
        "sops/ops/SOP-0002-owner-css.md",
        &hostile_sop(
            "id: SOP-0002\n\
             title: \"O'Brien & Co <b>bold</b>\"\n\
             owner: \"Ann\\n}} .sop-body, main, article {display:none !important} x{\"\n\
             department: \"'; alert('department-js'); '\"\n\
             status: approved\n\
             approvers: [\"<script>alert('approver')</script>\"]\n\
             effective: 2026-03-01\n",
            "Approved, with an owner that tries to end the print style's string.",
        ),
    );
    // A real image, so that image payloads load (and `onload` would fire) instead of leaving
    // broken images behind.
    repo.write_bytes("sops/ops/pixel.png", PIXEL_PNG);
    // Linked files whose content runs script when opened.
    repo.write(
        "sops/ops/SOP-0003-attachments.md",
        &hostile_sop(
            "id: SOP-0003\ntitle: Attachments\nowner: Ops\nstatus: draft\n",
            "![flow](diagram.svg) [open the diagram](diagram.svg) [fill in the form](form.html) \
             [old form](form.htm) [the tool](tool.js) [module](tool.mjs) [xhtml](page.xhtml) \
             [xml](feed.xml) [notes](notes.txt)\n\n\
             <a href=\"form.html\">raw form</a> <img src=\"diagram.svg\" alt=\"raw svg\"> \
             <a href=\"diagram.svg\">raw svg link</a>\n",
        ),
    );
    repo.write(
        "sops/ops/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         onload=\"alert('svg-file-onload')\"><script>alert('svg-file-script')</script>\
         <image href=\"https://evil.example/svg-image.png\" width=\"10\" height=\"10\"/>\
         <a xlink:href=\"javascript:alert('svg-file-link')\"><text y=\"20\">x</text></a></svg>\n",
    );
    repo.write(
        "sops/ops/form.html",
        "<!doctype html><title>form</title><script>alert(document.domain)</script>\
         <img src=\"https://evil.example/form.png\"><script src=\"tool.js\"></script>\n",
    );
    repo.write(
        "sops/ops/form.htm",
        "<script>localStorage.setItem('pwned', '1'); alert('htm')</script>\n",
    );
    repo.write(
        "sops/ops/tool.js",
        "alert('js-file'); fetch('https://evil.example/js');\n",
    );
    repo.write("sops/ops/tool.mjs", "alert('mjs-file');\n");
    repo.write(
        "sops/ops/page.xhtml",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>\
         <script>alert('xhtml')</script></body></html>\n",
    );
    repo.write(
        "sops/ops/feed.xml",
        "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">\
         alert('xml')</x:script>\n",
    );
    repo.write("sops/ops/notes.txt", "<script>alert('txt')</script>\n");
    // A translation and an SOP with hostile headings and links to other SOPs.
    repo.write(
        "sops/ops/SOP-0001-titles.es.md",
        &hostile_sop(
            "id: SOP-0001\nlanguage: es\ntranslation_of: SOP-0001\n\
             title: \"<img src=x onerror=alert('es-title')>\"\nowner: \"</script>\"\nstatus: draft\n",
            "## \"><img src=x onerror=alert('heading')>\n\nSee [SOP-0002](SOP-0002-owner-css.md \"<script>\").\n",
        ),
    );
    repo.commit("hostile content");
    repo
}

/// The browser test needs node, chromium and playwright-core; it is ignored unless asked for,
/// and asked for it fails when a piece is missing (never passes without running).
fn require_browser() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "needs node (apt-get install nodejs)"
    );
    let chromium = std::env::var_os("CHROMIUM").map(PathBuf::from);
    let on_path = Command::new("sh")
        .args(["-c", "command -v chromium"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        chromium.is_some_and(|c| c.is_file()) || on_path,
        "needs chromium (apt-get install chromium) or $CHROMIUM"
    );
    assert!(
        e2e_dir().join("node_modules/playwright-core").is_dir(),
        "needs playwright-core (cd tests/e2e && npm ci)"
    );
}

#[test]
#[ignore = "needs chromium and tests/e2e/node_modules"]
fn hostile_repository_site_runs_no_script_and_loads_nothing_from_elsewhere() {
    require_browser();
    let repo = hostile_repo();
    repo.sop()
        .args(["publish", "--drafts", "--out", "site"])
        .assert()
        .success();
    for page in ["SOP-0001", "SOP-0002", "SOP-0003"] {
        assert!(
            repo.path(&format!("site/sops/{page}.html")).is_file(),
            "{page} was not published"
        );
    }
    let out = Command::new("node")
        .arg("hostile.test.mjs")
        .arg(repo.path("site"))
        .current_dir(e2e_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the hostile site is not safe in a browser:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
