//! Languages on the published site and in the terminal: interface texts from the message
//! catalogues in each page's language (the site's own pages, and SOPs that name none, in
//! `[site] language`), language links named in their own language, right-to-left pages,
//! readable file names of non-Latin titles, and CJK titles aligned in `sop list`.

use std::collections::BTreeMap;

use crate::support::{SopRepo, sop_text};

fn page(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        site.get(path)
            .unwrap_or_else(|| panic!("no {path} in {:?}", site.keys()))
            .clone(),
    )
    .unwrap()
}

fn publish(repo: &SopRepo) -> BTreeMap<String, Vec<u8>> {
    publish_with(repo, &[])
}

/// An approved English SOP and its Spanish translation.
fn bilingual() -> SopRepo {
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
    repo.commit("add");
    repo
}

#[test]
fn the_spanish_page_speaks_spanish_and_the_english_one_links_to_espanol() {
    let repo = bilingual();
    let site = publish(&repo);
    let es = page(&site, "sops/SOP-0001.es.html");
    assert!(es.contains("<html lang=\"es\">"), "{es}");
    assert!(
        es.contains("<h1 id=\"Sop-title\">"),
        "the text is in the page's language"
    );
    for spanish in [
        ">Todos los SOP<",
        ">Detalles<",
        ">Responsable<",
        ">Próxima revisión<",
        ">Historial de revisiones<",
        "Ir al contenido",
        "Traducción (español). La versión de referencia es la original en inglés.",
        ">Leer el original<",
        "badge status-approved\">aprobado<",
    ] {
        assert!(
            es.contains(spanish),
            "`{spanish}` not on the Spanish page:\n{es}"
        );
    }
    for english in [
        ">Details<",
        ">Owner<",
        ">Next review<",
        ">All SOPs<",
        "Revision history",
    ] {
        assert!(!es.contains(english), "`{english}` on the Spanish page");
    }
    assert!(es.contains(">English</a>"), "the link back names English");
    let en = page(&site, "sops/SOP-0001.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains(">Español</a>"), "{en}");
    assert!(!en.contains("Spanish"));
    assert!(en.contains(">Details<") && en.contains(">Next review<"));
}

#[test]
fn a_translation_page_shows_none_of_the_originals_releases_or_approvals() {
    let repo = bilingual();
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v1.0.0",
        "-m",
        "First\n\nApproved-by: Lena Fischer <lena@example.com>\nApproved-on: 2026-11-30\n",
    ]);
    let site = publish(&repo);
    let en = page(&site, "sops/SOP-0001.html");
    assert!(en.contains("<span class=\"approval\">Lena Fischer"), "{en}");
    let es = page(&site, "sops/SOP-0001.es.html");
    assert!(!es.contains("<span class=\"approval\">"), "{es}");
    assert!(!es.contains("<code>"), "no commit of the original: {es}");
    assert!(
        es.contains(
            "Esto es una traducción: las versiones y aprobaciones del texto son las del original"
        ),
        "{es}"
    );
}

#[test]
fn a_repository_catalogue_overrides_some_texts_and_a_missing_key_stops_the_build() {
    let repo = bilingual();
    repo.write(
        "templates/site/i18n/es.toml",
        "# Our wording.\n[sop]\ndetails = \"Ficha\"\n",
    );
    repo.commit("our words");
    let site = publish(&repo);
    let es = page(&site, "sops/SOP-0001.es.html");
    assert!(es.contains(">Ficha<") && !es.contains(">Detalles<"));
    assert!(
        es.contains(">Historial de revisiones<"),
        "the rest stays Spanish"
    );
    assert!(
        !site.keys().any(|p| p.contains("i18n")),
        "catalogues are not published"
    );

    // A template asking for a key no catalogue has: the build stops and says which and where.
    repo.write(
        "templates/site/404.html",
        "{% extends \"base.html\" %}{% block main %}{{ t(key=\"not_found.titel\") }}{% endblock main %}",
    );
    repo.commit("typo");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`not_found.titel`"), "{stderr}");
    assert!(stderr.contains("404.html"), "{stderr}");
    assert!(stderr.contains("i18n/en.toml"), "{stderr}");

    // A catalogue that is not TOML: file and line.
    repo.write("templates/site/404.html", "{% extends \"base.html\" %}");
    repo.write(
        "templates/site/i18n/es.toml",
        "[sop]\ndetails = \"Ficha\"\nowner = Responsable\n",
    );
    repo.commit("broken");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`templates/site/i18n/es.toml` line 3"),
        "{stderr}"
    );
}

#[test]
fn an_arabic_sop_is_right_to_left_and_its_file_is_named_by_its_id() {
    let repo = SopRepo::new();
    repo.sop()
        .args([
            "new",
            "استرداد الهدايا الفردية",
            "--type",
            "procedure",
            "--category",
            "payments",
        ])
        .assert()
        .success();
    let created = repo.path("sops/payments/SOP-0001.md");
    assert!(
        created.is_file(),
        "`sop new` names the file by its id alone"
    );
    repo.write(
        "sops/payments/SOP-0001.md",
        &sop_text(
            "SOP-0001",
            "استرداد الهدايا الفردية",
            "procedure",
            "approved",
        )
        .replace("department: Payments", "department: المالية\nlanguage: ar"),
    );
    repo.commit("add");
    let site = publish(&repo);
    let ar = page(&site, "sops/SOP-0001.html");
    // The interface has no Arabic catalogue, so it stays English and left to right; the SOP's
    // own title and text are Arabic, right to left.
    assert!(ar.contains("<html lang=\"en\">"), "{ar}");
    assert!(
        ar.contains("<h1 id=\"Sop-title\" lang=\"ar\" dir=\"rtl\">"),
        "{ar}"
    );
    assert!(
        ar.contains("class=\"sop-body prose\" lang=\"ar\" dir=\"rtl\""),
        "{ar}"
    );
    // The Arabic department's page has a stable ASCII name, not a row of consonants.
    let department = site
        .keys()
        .find(|p| {
            p.starts_with("departments/") && p.ends_with(".html") && !p.ends_with("index.html")
        })
        .expect("a department page");
    assert!(department.starts_with("departments/n-"), "{department}");
    assert!(!department.contains("lmly"), "{department}");

    // With an Arabic catalogue the whole page is Arabic, right to left.
    repo.write(
        "templates/site/i18n/ar.toml",
        "[sop]\ndetails = \"التفاصيل\"\n",
    );
    repo.commit("arabic interface");
    let site = publish(&repo);
    let ar = page(&site, "sops/SOP-0001.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("<h1 id=\"Sop-title\">") && ar.contains(">التفاصيل<"));
    assert!(
        ar.contains(">Revision history<"),
        "keys it lacks are English"
    );
}

#[test]
fn sop_list_aligns_cjk_titles() {
    let repo = SopRepo::new();
    for (id, title, owner) in [
        ("SOP-0001", "虚拟礼物退款流程", "王芳"),
        ("SOP-0002", "Gift refunds", "Amara Okafor"),
        ("SOP-0003", "返金の手続き", "佐藤"),
        ("SOP-0004", "환불 절차", "Kim"),
    ] {
        repo.write(
            &format!("sops/payments/{id}.md"),
            &sop_text(id, title, "procedure", "approved")
                .replace("owner: Amara Okafor", &format!("owner: {owner}")),
        );
    }
    repo.commit("add");
    let out = repo.sop().args(["list"]).output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    // Every column starts at the same terminal column on every line.
    let columns = |line: &str, cell: &str| {
        let at = line
            .find(cell)
            .unwrap_or_else(|| panic!("{cell} in {line}"));
        unicode_width::UnicodeWidthStr::width(&line[..at])
    };
    let lines: Vec<&str> = table.lines().collect();
    let type_at = columns(lines[0], "TYPE");
    let department_at = columns(lines[0], "DEPARTMENT");
    for line in &lines[1..] {
        assert_eq!(columns(line, "procedure"), type_at, "{table}");
        assert_eq!(columns(line, "Payments"), department_at, "{table}");
    }
    insta::assert_snapshot!(table);
}

/// `sop publish` with `args`, its site as files.
fn publish_with(repo: &SopRepo, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::publish::tree(&repo.path("site"))
}

/// A repository with `sop_toml`: an approved SOP that names no language, and a draft with a
/// template prompt left in it.
fn site_repo(sop_toml: &str) -> SopRepo {
    let repo = SopRepo::new();
    repo.write("sop.toml", sop_toml);
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &sop_text("SOP-0001", "Gift refunds", "procedure", "approved"),
    );
    repo.write(
        "sops/payments/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "draft").replace(
            "The purpose of this SOP.",
            "<Say in one sentence why this exists.>",
        ),
    );
    repo.commit("add");
    repo
}

/// Every page of the site that is not an SOP's.
const SITE_PAGES: [&str; 6] = [
    "index.html",
    "departments/index.html",
    "departments/payments.html",
    "tags/index.html",
    "dashboard.html",
    "404.html",
];

#[test]
fn the_site_language_is_the_language_of_every_page_and_of_sops_without_one() {
    let repo = site_repo("[site]\nlanguage = \"es\"\n");
    let site = publish(&repo);
    for path in SITE_PAGES {
        let html = page(&site, path);
        assert!(html.contains("<html lang=\"es\">"), "{path}: {html}");
        assert!(html.contains(">Todos los SOP</a>"), "{path}: {html}");
        for english in [
            ">All SOPs<",
            ">Departments<",
            ">Reviews<",
            "Skip to content",
        ] {
            assert!(!html.contains(english), "{path}: `{english}` in\n{html}");
        }
    }
    let index = page(&site, "index.html");
    for spanish in [
        "<title>Todos los SOP · ",
        "<meta name=\"description\" content=\"1 procedimiento operativo estándar vigente\">",
        ">Procedimientos operativos estándar</h1>",
        "data-shown=\"{shown} de {total} SOP\"",
        "data-more-results=\"Mostrar más resultados\"",
        "data-unavailable=\"La búsqueda no está disponible: {error}. Recargue la página o recorra la lista.\"",
    ] {
        assert!(index.contains(spanish), "`{spanish}` not in\n{index}");
    }
    let department = page(&site, "departments/payments.html");
    assert!(department.contains(">Departamento</p>"), "{department}");
    assert!(department.contains("1 SOP vigente."), "{department}");
    let dashboard = page(&site, "dashboard.html");
    for spanish in [
        "<h1>Panel de revisiones</h1>",
        ">SOP en vigor<",
        ">Borradores pendientes de aprobación ",
        "<figcaption>SOP por estado</figcaption>",
        "<td>borrador</td>",
    ] {
        assert!(
            dashboard.contains(spanish),
            "`{spanish}` not in\n{dashboard}"
        );
    }
    assert!(!dashboard.contains("SOPs in force"), "{dashboard}");
    let not_found = page(&site, "404.html");
    assert!(
        not_found.contains("<h1>Página no encontrada</h1>"),
        "{not_found}"
    );
    assert!(not_found.contains(">Ver todos los SOP<"), "{not_found}");
    let feed = page(&site, "reviews.xml");
    assert!(
        feed.contains("<title>Standard Operating Procedures — revisiones pendientes</title>"),
        "{feed}"
    );
    // The SOP names no language: it is the site's, so the page is Spanish throughout.
    let sop = page(&site, "sops/SOP-0001.html");
    assert!(sop.contains("<html lang=\"es\">"), "{sop}");
    assert!(sop.contains("<h1 id=\"Sop-title\">"), "{sop}");
    assert!(
        sop.contains(">Detalles<") && sop.contains(">Responsable<"),
        "{sop}"
    );
    assert!(!sop.contains(">Details<"), "{sop}");
    // Its words are searched as Spanish.
    let manifest = page(&site, "assets/search/index.js");
    assert!(manifest.contains("\"stems\":[\"es\"]"), "{manifest}");

    // The draft preview marks a template prompt in Spanish.
    let site = publish_with(&repo, &["--drafts"]);
    let draft = page(&site, "sops/SOP-0002.html");
    assert!(
        draft.contains("<mark class=\"prompt\"><span class=\"prompt-label\">Por escribir:</span> &lt;Say in one sentence why this exists.&gt;</mark>"),
        "{draft}"
    );
    assert!(!draft.contains("To write:"), "{draft}");
    let index = page(&site, "index.html");
    assert!(index.contains(">vista previa, sin aprobar<"), "{index}");
}

#[test]
fn without_a_site_language_the_site_is_english() {
    let repo = site_repo("");
    let site = publish_with(&repo, &["--drafts"]);
    for path in SITE_PAGES {
        let html = page(&site, path);
        assert!(html.contains("<html lang=\"en\">"), "{path}: {html}");
        assert!(html.contains(">All SOPs</a>"), "{path}: {html}");
    }
    let index = page(&site, "index.html");
    assert!(
        index.contains("data-shown=\"{shown} of {total} SOPs\""),
        "{index}"
    );
    assert!(
        index.contains("data-shown-one=\"{shown} of 1 SOP\""),
        "{index}"
    );
    let dashboard = page(&site, "dashboard.html");
    assert!(
        dashboard.contains("<h1>Review dashboard</h1>"),
        "{dashboard}"
    );
    assert!(dashboard.contains(">SOPs in force<"), "{dashboard}");
    assert!(page(&site, "404.html").contains("<h1>Page not found</h1>"));
    let draft = page(&site, "sops/SOP-0002.html");
    assert!(
        draft.contains("<span class=\"prompt-label\">To write:</span>"),
        "{draft}"
    );
}

#[test]
fn a_site_language_without_a_catalogue_is_shown_in_english_and_a_bad_one_is_refused() {
    let repo = site_repo("[site]\nlanguage = \"fi\"\n");
    let site = publish(&repo);
    let index = page(&site, "index.html");
    assert!(index.contains("<html lang=\"en\">"), "{index}");
    assert!(index.contains(">All SOPs</a>"), "{index}");
    // The SOP is Finnish by the site's word; the interface around it is English.
    let sop = page(&site, "sops/SOP-0001.html");
    assert!(sop.contains("<html lang=\"en\">"), "{sop}");
    assert!(sop.contains("<h1 id=\"Sop-title\" lang=\"fi\">"), "{sop}");

    repo.write("sop.toml", "[site]\nlanguage = \"Spanish\"\n");
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`language = \"Spanish\"` is not a language tag"),
        "{stderr}"
    );
    assert!(stderr.contains("sop.toml:2"), "{stderr}");
}

#[test]
fn the_dashboard_says_when_reviews_are_due_in_the_site_language() {
    let repo = site_repo("[site]\nlanguage = \"es\"\n");
    // Reviewed every 12 months from 2026-03-01: three days late on 2027-03-04.
    let out = repo
        .sop()
        .env("SOP_TODAY", "2027-03-04")
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = crate::publish::tree(&repo.path("site"));
    let dashboard = page(&site, "dashboard.html");
    for spanish in [
        "<span class=\"badge review-overdue\">3 días de retraso</span>",
        "data-late-one=\"1 día de retraso\"",
        "data-late=\"{n} días de retraso\"",
        "data-today=\"vence hoy\"",
        "data-ahead-one=\"en 1 día\"",
        "data-ahead=\"en {n} días\"",
    ] {
        assert!(
            dashboard.contains(spanish),
            "`{spanish}` not in\n{dashboard}"
        );
    }
    assert!(!dashboard.contains("days late"), "{dashboard}");
    let feed = page(&site, "reviews.xml");
    assert!(
        feed.contains("SOP-0001 Gift refunds: revisión vencida desde el 2027-03-01"),
        "{feed}"
    );
    // `sop due` in the terminal stays English.
    let out = repo
        .sop()
        .env("SOP_TODAY", "2027-03-04")
        .args(["due"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 days late"), "{stdout}");
}

#[test]
fn box_titles_and_table_names_are_in_the_pages_language() {
    let repo = SopRepo::new();
    let body = "\n> [!WARNING]\n> Check twice.\n\n!!! tip\n    Faster.\n\n| Who | What |\n|---|---|\n| A | B |\n";
    let en = format!(
        "{}{body}",
        sop_text("SOP-0001", "Gift refunds", "procedure", "approved")
    );
    repo.write("sops/payments/SOP-0001-gift-refunds.md", &en);
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &en.replace(
            "title: Gift refunds",
            "title: Reembolsos de regalos\nlanguage: es\ntranslation_of: SOP-0001@1.0.0",
        ),
    );
    repo.commit("add");
    let site = publish(&repo);
    let es = page(&site, "sops/SOP-0001.es.html");
    for spanish in [
        "<p class=\"callout-title\">Advertencia</p>",
        "<p class=\"callout-title\">Consejo</p>",
        "aria-label=\"Tabla 1",
    ] {
        assert!(
            es.contains(spanish),
            "`{spanish}` not on the Spanish page:\n{es}"
        );
    }
    for english in [
        "callout-title\">Warning<",
        "callout-title\">Tip<",
        "\"Table 1",
    ] {
        assert!(!es.contains(english), "`{english}` on the Spanish page");
    }
    let en = page(&site, "sops/SOP-0001.html");
    for english in [
        "<p class=\"callout-title\">Warning</p>",
        "<p class=\"callout-title\">Tip</p>",
        "aria-label=\"Table 1",
    ] {
        assert!(en.contains(english), "`{english}` not on the English page");
    }
}

#[test]
fn a_section_heading_in_another_language_is_named_with_the_alias_that_makes_it_count() {
    let repo = SopRepo::new();
    let path = "sops/general/SOP-0001-verification.md";
    let text = sop_text("SOP-0001", "Verification", "procedure", "draft")
        .replace("## Purpose\n", "## 目的\n");
    repo.write(path, &text);
    let out = repo.sop().args(["lint", path]).assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("if `## 目的` (line ")
            && stdout.contains(
                "is `Purpose` in another language, name it in `sop.toml` and it counts: `[types.procedure.aliases]` with the line `\"Purpose\" = [\"目的\"]`"
            ),
        "{stdout}"
    );
    // With the alias, the heading is the section.
    repo.write(
        "sop.toml",
        "[types.procedure.aliases]\n\"Purpose\" = [\"目的\"]\n",
    );
    let out = repo.sop().args(["lint", path]).assert();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!stdout.contains("section-missing"), "{stdout}");
}

/// Run a `sop …` command as suggested in a help (its words separated by spaces, no quotes).
fn run_suggested(repo: &SopRepo, command: &str) -> std::process::Output {
    let words: Vec<&str> = command.split(' ').collect();
    assert_eq!(words[0], "sop", "{command}");
    repo.sop().args(&words[1..]).output().unwrap()
}

/// The help of the `translation-stale` warning of `repo`'s Spanish translation.
fn stale_help(repo: &SopRepo) -> String {
    let out = repo
        .sop()
        .args(["lint", "sops/payments/SOP-0001-gift-refunds.es.md"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let at = text
        .find("warning[translation-stale]")
        .unwrap_or_else(|| panic!("{text}"));
    text[at..]
        .lines()
        .find(|l| l.trim_start().starts_with("= help:"))
        .unwrap_or_else(|| panic!("{text}"))
        .to_string()
}

/// Writer review #9: the help of a stale translation gives a command that shows what changed in
/// the original since the translated version: `sop diff` between the two releases when both are
/// tagged, `sop history` (never a `sop diff` that fails) when the translated one was not.
#[test]
fn a_stale_translation_is_told_a_command_that_shows_the_changes() {
    let repo = bilingual();
    let release = |version: &str| {
        let out = repo
            .sop()
            .args(["release", "SOP-0001", "--version", version, "-m", "Release"])
            .args(["--approve", "--approver", "Lena Fischer"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    release("1.0.0");
    let en = repo.read("sops/payments/SOP-0001-gift-refunds.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &en.replace(
            "The purpose of this SOP.",
            "The purpose of this SOP, now for gift cards too.",
        ),
    );
    repo.commit("gift cards");
    release("1.1.0");
    let help = stale_help(&repo);
    assert!(help.contains("`sop diff SOP-0001 1.0.0 1.1.0`"), "{help}");
    let diff = run_suggested(&repo, "sop diff SOP-0001 1.0.0 1.1.0");
    assert!(diff.status.success(), "{diff:?}");
    assert!(
        String::from_utf8_lossy(&diff.stdout).contains("gift cards"),
        "{diff:?}"
    );

    // Translated from a version that was never released (between two releases): no `sop
    // diff` that fails.
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@1.0.5"),
    );
    let help = stale_help(&repo);
    assert!(!help.contains("`sop diff SOP-0001 1.0.5"), "{help}");
    assert!(help.contains("`sop history SOP-0001`"), "{help}");
    assert!(
        run_suggested(&repo, "sop history SOP-0001")
            .status
            .success()
    );
}

#[test]
fn an_arabic_sop_that_says_no_language_reads_right_to_left() {
    let repo = SopRepo::new();
    repo.write(
        "sops/payments/SOP-0001-refunds.md",
        &sop_text("SOP-0001", "استرداد الهدايا", "procedure", "approved"),
    );
    repo.write(
        "sops/payments/SOP-0002-chargebacks.md",
        &sop_text("SOP-0002", "Chargebacks", "procedure", "approved"),
    );
    repo.commit("add");
    let site = publish(&repo);
    let ar = page(&site, "sops/SOP-0001.html");
    assert!(ar.contains("<h1 id=\"Sop-title\" dir=\"rtl\">"), "{ar}");
    assert!(
        ar.contains("<div class=\"sop-body prose\" dir=\"rtl\">"),
        "{ar}"
    );
    let en = page(&site, "sops/SOP-0002.html");
    assert!(!en.contains("dir=\"rtl\""), "{en}");
}

/// `sop release SOP-0001 --version <version>`, with `--approve` when `approve`.
fn release_source(repo: &SopRepo, version: &str, approve: bool) {
    let mut cmd = repo.sop();
    cmd.args(["release", "SOP-0001", "--version", version, "-m", "Release"]);
    if approve {
        cmd.args(["--approve", "--approver", "Lena Fischer"]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `sop publish --out site`: what it says on stderr (it must succeed).
fn publish_notes(repo: &SopRepo) -> String {
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// `sop lint --format json`: the findings of `rule`, and the exit code.
fn lint_rule(repo: &SopRepo, rule: &str) -> (Vec<serde_json::Value>, i32) {
    let out = repo
        .sop()
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect();
    (found, out.status.code().unwrap_or(-1))
}

/// Field test r13: the source's 1.0.0 is approved, its 1.1.0 was released for review only. A
/// translation of 1.1.0 that says `approved` is no approved text: the site leaves it out and
/// says why (the English page shows 1.0.0), and lint reports it as an error.
#[test]
fn a_translation_of_a_version_nobody_approved_is_left_out_and_reported() {
    let repo = bilingual();
    release_source(&repo, "1.0.0", true);
    let en = repo.read("sops/payments/SOP-0001-gift-refunds.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &en.replace("Use the macro.", "Close the account without asking."),
    );
    repo.commit("risky change");
    release_source(&repo, "1.1.0", false);
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@1.1.0")
            .replace("version: 1.0.0", "version: 1.1.0")
            .replace("Use the macro.", "Cerrar la cuenta sin preguntar."),
    );
    repo.commit("es of 1.1.0");

    let stderr = publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    assert!(!site.contains_key("sops/SOP-0001.es.html"), "{stderr}");
    assert!(
        stderr.contains(
            "the `es` translation of `SOP-0001` (`sops/payments/SOP-0001-gift-refunds.es.md`) is not published: it translates version 1.1.0 of `SOP-0001`, which was released without approval (the site shows its approved version 1.0.0)"
        ),
        "{stderr}"
    );
    let en = page(&site, "sops/SOP-0001.html");
    assert!(!en.contains(">Español</a>"), "no link to a page left out");

    let (found, code) = lint_rule(&repo, "translation-of-unapproved");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["severity"], "error");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`SOP-0001` version 1.1.0, which was released without approval"),
        "{message}"
    );
    assert_eq!(code, 1);

    // A draft translation may translate the version in review: no finding, not published.
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &repo
            .read("sops/payments/SOP-0001-gift-refunds.es.md")
            .replace("status: approved", "status: draft"),
    );
    assert!(lint_rule(&repo, "translation-of-unapproved").0.is_empty());

    // The translation of the approved 1.0.0, the version the English page shows, is
    // published as current.
    repo.write("sops/payments/SOP-0001-gift-refunds.es.md", &es);
    repo.commit("es of 1.0.0");
    publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    let es_page = page(&site, "sops/SOP-0001.es.html");
    assert!(es_page.contains("Use the macro."), "{es_page}");
    assert!(!es_page.contains("desactualizada"), "{es_page}");
    assert!(lint_rule(&repo, "translation-of-unapproved").0.is_empty());
}

/// Field test r14: `translation_of` names a version the source never had. Lint names the
/// versions there are; the site does not publish it as a translation of a real version.
#[test]
fn a_translation_of_a_version_that_does_not_exist_is_reported_and_left_out() {
    let repo = bilingual();
    release_source(&repo, "1.0.0", true);
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@9.0.0"),
    );
    repo.commit("es of 9.0.0");
    let (found, code) = lint_rule(&repo, "translation-version-unknown");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["message"],
        "`SOP-0001` has no version 9.0.0: its only version is 1.0.0"
    );
    assert_eq!(code, 1);
    let stderr = publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    assert!(!site.contains_key("sops/SOP-0001.es.html"), "{stderr}");
    assert!(
        stderr.contains("but `SOP-0001` has no version 9.0.0 (its versions: 1.0.0)"),
        "{stderr}"
    );
}

/// Review 10, d9: `translation_of` names a version older than the source's first release,
/// which no tag records: it was published as a stale translation and lint only warned. The
/// versions known are the released ones, so it is reported and left out as a version that does
/// not exist (as one newer than any release is).
#[test]
fn a_translation_of_a_version_before_the_first_release_is_unknown() {
    let repo = bilingual();
    release_source(&repo, "1.2.0", true);
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@0.9.0"),
    );
    repo.commit("es of 0.9.0");
    let (found, code) = lint_rule(&repo, "translation-version-unknown");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["message"],
        "`SOP-0001` has no version 0.9.0: its only version is 1.2.0"
    );
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(code, 1);
    assert!(lint_rule(&repo, "translation-stale").0.is_empty());
    let stderr = publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    assert!(!site.contains_key("sops/SOP-0001.es.html"), "{stderr}");
    assert!(
        stderr.contains(
            "the `es` translation of `SOP-0001` (`sops/payments/SOP-0001-gift-refunds.es.md`) is not published: it translates version 0.9.0 of `SOP-0001`, but `SOP-0001` has no version 0.9.0 (its versions: 1.2.0)"
        ),
        "{stderr}"
    );
    let en = page(&site, "sops/SOP-0001.html");
    assert!(!en.contains(">Español</a>"), "no link to a page left out");

    // A version after the first release that no tag records was never released as approved.
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &repo.read("sops/payments/SOP-0001-gift-refunds.md").replace(
            "The purpose of this SOP.",
            "The purpose of this SOP, revised.",
        ),
    );
    repo.commit("revise");
    release_source(&repo, "1.4.0", true);
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@1.3.0"),
    );
    repo.commit("es of 1.3.0");
    let (found, _) = lint_rule(&repo, "translation-of-unapproved");
    assert_eq!(found.len(), 1, "{found:#?}");
    let stderr = publish_notes(&repo);
    assert!(
        stderr.contains(
            "it translates version 1.3.0 of `SOP-0001`, which was never released as approved"
        ),
        "{stderr}"
    );
}

/// A translation whose `translation_of` names no version (`SOP-0001`, `SOP-0001@v1.0`): lint
/// reports it, and the site does not publish it as current (it once did).
#[test]
fn a_translation_that_names_no_version_is_left_out() {
    let repo = bilingual();
    release_source(&repo, "1.0.0", true);
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    for of in ["SOP-0001", "SOP-0001@v1.0"] {
        repo.write(
            "sops/payments/SOP-0001-gift-refunds.es.md",
            &es.replace("SOP-0001@1.0.0", of),
        );
        repo.commit(&format!("es of {of}"));
        assert_eq!(
            lint_rule(&repo, "translation-of-invalid").0.len(),
            1,
            "{of}"
        );
        let stderr = publish_notes(&repo);
        let site = crate::publish::tree(&repo.path("site"));
        assert!(
            !site.contains_key("sops/SOP-0001.es.html"),
            "{of}: {stderr}"
        );
        assert!(
            stderr.contains(
                "its `translation_of` does not name the version of `SOP-0001` it translates"
            ),
            "{of}: {stderr}"
        );
    }
}

/// A tag made by hand with a copied approval message is no approved release: lint reports the
/// translation of its version (it once counted the copied approvers), and publish says why it
/// leaves the translation out.
#[test]
fn a_translation_of_a_hand_made_tag_is_reported_and_left_out() {
    let repo = bilingual();
    release_source(&repo, "1.0.0", true);
    repo.git(&[
        "tag",
        "-a",
        "SOP-0001/v2.0.0",
        "-m",
        "More\n\nApproved-by: Lena Fischer <lena@example.com>\nApproved-on: 2026-11-30\n",
    ]);
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("SOP-0001@1.0.0", "SOP-0001@2.0.0"),
    );
    repo.commit("es of 2.0.0");
    let (found, code) = lint_rule(&repo, "translation-of-unapproved");
    assert_eq!(found.len(), 1, "{found:#?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "is no release: its tag `SOP-0001/v2.0.0` holds text that says version 1.0.0"
        ),
        "{message}"
    );
    assert_eq!(code, 1);
    let stderr = publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    assert!(!site.contains_key("sops/SOP-0001.es.html"), "{stderr}");
    assert!(
        stderr.contains("whose tag `SOP-0001/v2.0.0` does not count as a release"),
        "{stderr}"
    );
}

/// Field test r2: a draft translation is left out with a note, as a draft SOP is.
#[test]
fn a_draft_translation_left_out_is_named() {
    let repo = bilingual();
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("status: approved", "status: draft"),
    );
    repo.commit("es back to draft");
    let stderr = publish_notes(&repo);
    assert!(
        stderr.contains(
            "the `es` translation of `SOP-0001` (`sops/payments/SOP-0001-gift-refunds.es.md`) is not published: it is not approved yet (it is a draft)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("`sop publish --drafts` previews"),
        "{stderr}"
    );
}

/// Field test r18: a translation's periodic review is its source's. Lint gave a translation a
/// `review-overdue` of its own that `sop review <ID>` (which records the source's review) could
/// never clear, while `sop due` and `sop stats` did not list it; its page showed its own dates.
#[test]
fn a_translations_review_is_its_sources() {
    let repo = bilingual();
    let es = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace("effective: 2026-03-01", "effective: 2020-01-01"),
    );
    repo.commit("es from 2020");
    let (found, _) = lint_rule(&repo, "review-overdue");
    assert!(found.is_empty(), "{found:#?}");
    let due = repo.sop().args(["due"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&due.stdout).contains("es.md"),
        "{due:?}"
    );
    publish_notes(&repo);
    let site = crate::publish::tree(&repo.path("site"));
    let es_page = page(&site, "sops/SOP-0001.es.html");
    let en_page = page(&site, "sops/SOP-0001.html");
    assert!(
        en_page.contains("2027-03-01") && es_page.contains("2027-03-01"),
        "the source's next review on both pages:\n{es_page}"
    );
    assert!(!es_page.contains("2021-01-01"), "{es_page}");
    // Its own review keys are not used: no finding says which of them wins.
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.es.md",
        &es.replace(
            "effective: 2026-03-01",
            "effective: 2026-03-01\nnext_review: 2020-01-01",
        ),
    );
    let written = repo.read("sops/payments/SOP-0001-gift-refunds.es.md");
    assert!(written.contains("review_every") && written.contains("next_review"));
    let (found, _) = lint_rule(&repo, "review-schedule-twice");
    assert!(found.is_empty(), "{found:#?}");
}
