//! Test helpers: a temporary SOP repository with real git, and the real `sop` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use assert_cmd::Command as Cmd;

/// The fixed "today" of every test, so review-date rules are deterministic.
pub const TODAY: &str = "2026-11-25";

/// A temporary folder, optionally a git repository, with helpers to write files, commit and
/// run `sop`.
pub struct SopRepo {
    dir: tempfile::TempDir,
    clock: AtomicU64,
}

impl SopRepo {
    /// An empty folder (no git, no sop.toml).
    pub fn empty() -> SopRepo {
        SopRepo {
            dir: tempfile::tempdir().expect("create temp dir"),
            clock: AtomicU64::new(0),
        }
    }

    /// A git repository on branch `main` with a local identity and an empty `sop.toml`.
    pub fn new() -> SopRepo {
        let repo = SopRepo::empty();
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test Writer"]);
        repo.git(&["config", "user.email", "writer@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "tag.gpgsign", "false"]);
        repo.write("sop.toml", "");
        repo
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `root/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Write `text` to `rel`, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Write raw bytes to `rel`, creating folders.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&p, bytes).expect("write file");
        self
    }

    /// Read `rel` as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read file")
    }

    /// Run `git` in the repository with pinned dates; panics on failure; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let t = 1_767_225_600 + 3600 * self.clock.fetch_add(1, Ordering::SeqCst);
        let date = format!("@{t} +0000");
        let out = Command::new("git")
            .args(args)
            .current_dir(self.root())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root())
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git add -A && git commit -m msg`.
    pub fn commit(&self, msg: &str) -> &Self {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self
    }

    /// The `sop` binary, run in the repository with a pinned today and no colour.
    pub fn sop(&self) -> Cmd {
        let mut cmd = Cmd::cargo_bin("sop").expect("sop binary");
        cmd.current_dir(self.root())
            .env("SOP_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env("HOME", self.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            // git's identity is the repository's, whatever the shell running the tests sets.
            .env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_AUTHOR_DATE")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL")
            .env_remove("GIT_COMMITTER_DATE")
            .env_remove("EMAIL")
            // Tables fit the default width, whatever the terminal running the tests.
            .env_remove("COLUMNS");
        cmd
    }
}

/// A valid SOP of `sop_type` with the given id, title and status, with every section filled.
pub fn sop_text(id: &str, title: &str, sop_type: &str, status: &str) -> String {
    let sections: &[&str] = match sop_type {
        "policy" => &[
            "Purpose",
            "Scope",
            "Policy",
            "Roles and Responsibilities",
            "Exceptions",
            "References",
        ],
        "runbook" => &[
            "Summary",
            "Trigger",
            "Severity",
            "Immediate Actions",
            "Escalation",
            "Communication",
            "Resolution",
            "Follow-up",
        ],
        "checklist" => &["Purpose", "Checklist"],
        _ => &[
            "Purpose",
            "Scope",
            "Roles and Responsibilities",
            "Procedure",
            "Escalation",
            "Metrics",
            "References",
        ],
    };
    let approved = if status == "approved" || status == "retired" {
        "approvers: [Lena Fischer]\neffective: 2026-03-01\n"
    } else {
        ""
    };
    let mut t = format!(
        "---\nid: {id}\ntitle: {title}\ntype: {sop_type}\nstatus: {status}\nversion: 1.0.0\nowner: Amara Okafor\ndepartment: Payments\n{approved}review_every: 12 months\n---\n"
    );
    for s in sections {
        let body = match *s {
            "Procedure" | "Immediate Actions" => {
                "1. **Check the case.** Open it in the case tool.\n2. **Reply.** Use the macro.\n"
                    .to_string()
            }
            "Roles and Responsibilities" => {
                "| Activity | Agent | Lead |\n| --- | --- | --- |\n| Reply | R | A |\n".to_string()
            }
            "Checklist" => "- [ ] Read the handover notes\n".to_string(),
            other => format!("The {} of this SOP.\n", other.to_lowercase()),
        };
        t.push_str(&format!("\n## {s}\n\n{body}"));
    }
    t
}

/// A small deterministic pseudo-random stream (splitmix64) for test texts.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const WORDS: &[&str] = &[
    "account",
    "adjust",
    "agent",
    "alert",
    "amount",
    "approve",
    "archive",
    "audit",
    "balance",
    "batch",
    "bank",
    "billing",
    "branch",
    "budget",
    "buyer",
    "calendar",
    "call",
    "card",
    "carrier",
    "case",
    "channel",
    "check",
    "claim",
    "client",
    "close",
    "code",
    "collect",
    "confirm",
    "contract",
    "copy",
    "courier",
    "credit",
    "customer",
    "daily",
    "dashboard",
    "deadline",
    "debit",
    "decline",
    "deliver",
    "deposit",
    "desk",
    "device",
    "document",
    "draft",
    "email",
    "entry",
    "error",
    "escalate",
    "evidence",
    "export",
    "fee",
    "field",
    "file",
    "filter",
    "flag",
    "folder",
    "form",
    "fraud",
    "freeze",
    "gateway",
    "guest",
    "handle",
    "history",
    "hold",
    "identity",
    "import",
    "incident",
    "inspect",
    "invoice",
    "issue",
    "journal",
    "key",
    "label",
    "ledger",
    "limit",
    "lock",
    "log",
    "manager",
    "manual",
    "match",
    "merchant",
    "message",
    "method",
    "monthly",
    "network",
    "note",
    "notify",
    "number",
    "office",
    "order",
    "owner",
    "package",
    "partner",
    "passport",
    "payment",
    "payroll",
    "pending",
    "period",
    "phone",
    "policy",
    "portal",
    "post",
    "priority",
    "process",
    "queue",
    "quote",
    "rate",
    "receipt",
    "record",
    "refund",
    "region",
    "register",
    "reject",
    "release",
    "remind",
    "report",
    "request",
    "reserve",
    "retry",
    "return",
    "review",
    "risk",
    "route",
    "rule",
    "sample",
    "schedule",
    "scan",
    "screen",
    "seal",
    "secure",
    "send",
    "service",
    "settle",
    "shift",
    "ship",
    "signature",
    "sla",
    "snapshot",
    "source",
    "spreadsheet",
    "staff",
    "stamp",
    "status",
    "stock",
    "store",
    "supplier",
    "support",
    "suspend",
    "system",
    "table",
    "task",
    "team",
    "template",
    "terminal",
    "ticket",
    "timer",
    "token",
    "total",
    "track",
    "transfer",
    "trigger",
    "update",
    "upload",
    "urgent",
    "user",
    "vault",
    "vendor",
    "verify",
    "voucher",
    "wallet",
    "warehouse",
    "weekly",
    "window",
    "wire",
    "workflow",
    "write",
    "yearly",
    "zone",
    "ambient",
    "brisk",
    "copper",
    "dune",
    "ember",
    "fjord",
    "granite",
    "harbor",
    "indigo",
    "juniper",
    "kelp",
    "lantern",
    "meadow",
    "nectar",
    "orchid",
    "pebble",
    "quartz",
    "raven",
    "saffron",
    "tundra",
    "umber",
    "velvet",
    "willow",
];

const HEADINGS: &[&str] = &[
    "Purpose",
    "Scope",
    "Before You Start",
    "Procedure",
    "Escalation",
    "Records",
    "Exceptions",
    "Definitions",
    "Tools",
    "Handover",
    "Quality Checks",
    "References",
    "Roles",
    "Safety",
    "Communication",
    "Follow-up",
    "Training",
    "Metrics",
];

/// One line of prose: 8 to 14 words, capitalised, with a full stop.
pub fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(7);
    let mut words: Vec<String> = (0..n).map(|_| rng.pick(WORDS).to_string()).collect();
    if let Some(first) = words.first_mut() {
        let mut c = first.chars();
        if let Some(h) = c.next() {
            *first = h.to_ascii_uppercase().to_string() + c.as_str();
        }
    }
    words.join(" ") + "."
}

/// An SOP of 30 to 60 lines whose body is made of words drawn from `seed`: two SOPs with
/// different seeds share little more than their front matter keys and a few headings, so git
/// does not find them 50 % similar. Without `id` the front matter has none.
pub fn prose_sop(id: Option<&str>, title: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut t = String::from("---\n");
    if let Some(id) = id {
        t.push_str(&format!("id: {id}\n"));
    }
    let owners = [
        "Amara Okafor",
        "Lena Fischer",
        "Tomás Silva",
        "Mei Chen",
        "Ola Nordmann",
    ];
    let departments = ["Payments", "Risk", "Support", "Operations", "Finance"];
    t.push_str(&format!(
        "title: {title}\ntype: procedure\nstatus: draft\nversion: 1.0.0\nowner: {}\ndepartment: {}\nreview_every: 12 months\n---\n",
        rng.pick(&owners),
        rng.pick(&departments)
    ));
    let mut headings: Vec<&str> = HEADINGS.to_vec();
    let sections = 4 + rng.below(2);
    for s in 0..sections {
        let h = headings.remove(rng.below(headings.len()));
        t.push_str(&format!("\n## {h}\n\n"));
        let lines = 4 + rng.below(4);
        let style = rng.below(3);
        for k in 0..lines {
            let line = sentence(&mut rng);
            match (style, s) {
                (0, _) | (_, 0) => t.push_str(&format!("{line}\n")),
                (1, _) => t.push_str(&format!("{}. {line}\n", k + 1)),
                _ => t.push_str(&format!("- {line}\n")),
            }
        }
    }
    t
}

/// The prefix a body line keeps when it is rewritten: `1. `, `- ` or nothing.
fn line_prefix(line: &str) -> &str {
    if line.starts_with("- ") {
        return "- ";
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(". ") {
        return &line[..digits + 2];
    }
    ""
}

/// The indexes of the body lines (not front matter, headings or blank lines) of `text`,
/// by section (the lines under the n-th `## ` heading).
fn body_lines(lines: &[&str]) -> Vec<Vec<usize>> {
    let mut fences = 0;
    let mut sections: Vec<Vec<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if fences < 2 {
            if *line == "---" {
                fences += 1;
            }
            continue;
        }
        if line.starts_with("## ") {
            sections.push(Vec::new());
        } else if !line.trim().is_empty()
            && let Some(s) = sections.last_mut()
        {
            s.push(i);
        }
    }
    sections
}

fn rewrite(text: &str, candidates: &[usize], seed: u64, n: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let mut pool = candidates.to_vec();
    for _ in 0..n.min(pool.len()) {
        let i = pool.remove(rng.below(pool.len()));
        let prefix = line_prefix(&lines[i]).to_string();
        lines[i] = format!("{prefix}{}", sentence(&mut rng));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `text` with `n` of its body lines rewritten (chosen and written from `seed`).
pub fn edit_lines(text: &str, seed: u64, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let all: Vec<usize> = body_lines(&lines).into_iter().flatten().collect();
    rewrite(text, &all, seed, n)
}

/// `text` with `n` lines of its `section`-th section (from 0) rewritten: edits of different
/// sections on two branches merge without a conflict.
pub fn edit_section(text: &str, section: usize, seed: u64, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let sections = body_lines(&lines);
    let chosen = sections
        .get(section)
        .unwrap_or_else(|| panic!("no section {section} in:\n{text}"));
    rewrite(text, chosen, seed, n)
}

/// The file of the SOP of [`approved_in_advance`].
pub const IN_ADVANCE: &str = "sops/pay/SOP-0001-refunds.md";

/// An SOP whose version 1.0.0 is in force (approved on 2026-03-01, next review 2026-12-05:
/// due soon on [`TODAY`]) and whose version 2.0.0, committed and released, is approved to take
/// effect on 2027-01-31 (next review 2028-01-31).
pub fn approved_in_advance() -> SopRepo {
    let repo = SopRepo::new();
    repo.write(
        IN_ADVANCE,
        &sop_text("SOP-0001", "Refunds", "procedure", "approved")
            .replace("review_every: 12 months", "next_review: 2026-12-05"),
    );
    repo.commit("first version");
    repo.git(&["tag", "-a", "SOP-0001/v1.0.0", "-m", "First"]);
    let newer = repo
        .read(IN_ADVANCE)
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("effective: 2026-03-01", "effective: 2027-01-31")
        .replace("next_review: 2026-12-05", "next_review: 2028-01-31")
        + "\nUse the NEW refund tool.\n";
    repo.write(IN_ADVANCE, &newer);
    repo.commit("second version");
    repo.git(&["tag", "-a", "SOP-0001/v2.0.0", "-m", "Second"]);
    repo
}

/// Write a translation of [`IN_ADVANCE`] into `lang`: `text` (the source's text of the version
/// translated) with the title `title`, `language: <lang>` and `translation_of: SOP-0001@<of>`.
pub fn translate_in_advance(repo: &SopRepo, lang: &str, title: &str, of: &str, text: &str) {
    repo.write(
        &IN_ADVANCE.replace(".md", &format!(".{lang}.md")),
        &text.replacen(
            "title: Refunds",
            &format!("title: {title}\nlanguage: {lang}\ntranslation_of: SOP-0001@{of}"),
            1,
        ),
    );
}

/// The text of [`IN_ADVANCE`] as released in version 1.0.0, the version in force.
pub fn in_force_text(repo: &SopRepo) -> String {
    repo.git(&["show", &format!("SOP-0001/v1.0.0:{IN_ADVANCE}")])
}
