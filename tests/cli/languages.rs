//! Languages on the published site and in the terminal: interface texts from the message
//! catalogues in each page's language, language links named in their own language, right-to-left
//! pages, readable file names of non-Latin titles, and CJK titles aligned in `sop list`.

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
    let out = repo
        .sop()
        .args(["publish", "--out", "site"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::publish::tree(&repo.path("site"))
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
        es.contains("<h1 id=\"sop-title\">"),
        "the text is in the page's language"
    );
    for spanish in [
        ">Todos los SOP<",
        ">Detalles<",
        ">Responsable<",
        ">Próxima revisión<",
        ">Historial de revisiones<",
        "Ir al contenido",
        "Traducción (Español). La versión de referencia es la original en English.",
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
        ar.contains("<h1 id=\"sop-title\" lang=\"ar\" dir=\"rtl\">"),
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
    assert!(ar.contains("<h1 id=\"sop-title\">") && ar.contains(">التفاصيل<"));
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
