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
            .env_remove("EDITOR");
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
