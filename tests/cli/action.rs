//! The GitHub Action (`action.yml`, `.github/action/*.sh`) run as GitHub runs it: each step is a
//! `bash` process with the runner's environment (`RUNNER_OS`, `RUNNER_ARCH`, `RUNNER_TEMP`,
//! `GITHUB_WORKSPACE`, `GITHUB_ACTION_PATH`, inputs as `INPUT_*`) and fresh `GITHUB_OUTPUT`,
//! `GITHUB_STEP_SUMMARY` and `GITHUB_PATH` files, whose outputs and PATH additions are read back
//! as the runner does. The release it downloads is a local folder (`SOP_RELEASE_BASE_URL`, a
//! `file://` URL) laid out like GitHub's release downloads, holding the test-built `sop` packed
//! as cargo-dist packs a release (`fake_dist_release.sh`: the same archive names, folder and
//! checksum lines). Also `sop lint --sarif-out` and `--summary-out`, which the action relies on.

#![cfg(unix)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{SopRepo, TODAY, sop_text};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The runner this machine looks like, and the release target the action picks for it.
fn runner_kind() -> (&'static str, &'static str, &'static str) {
    let musl = Path::new("/lib/ld-musl-x86_64.so.1").exists();
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") if musl => ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("linux", "x86_64") => ("Linux", "X64", "x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => ("Linux", "ARM64", "aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => ("macOS", "X64", "x86_64-apple-darwin"),
        ("macos", "aarch64") => ("macOS", "ARM64", "aarch64-apple-darwin"),
        other => panic!("no GitHub runner looks like {other:?}"),
    }
}

/// The name cargo-dist gives the release archive of a Unix `target` (these tests run on Unix;
/// Windows gets `sop-cli-<target>.zip`).
fn archive_name(target: &str) -> String {
    format!("sop-cli-{target}.tar.xz")
}

/// The release folder every test downloads from, packed as cargo-dist packs a release, once
/// per build of `sop` (a debug `sop` is large, and compressing it takes seconds).
///
/// Test processes running at the same time share it (`cargo nextest` runs each test in a
/// process of its own): it is packed in a private folder and renamed into place, so a process
/// sees either no folder or a whole one. A new build of `sop` packs a new folder and removes
/// the ones of earlier builds, so runs leave no copies behind.
fn packed_release() -> &'static Path {
    static RELEASE: OnceLock<PathBuf> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let sop = assert_cmd::cargo::cargo_bin("sop");
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let meta = std::fs::metadata(&sop).unwrap();
        let built = meta.modified().unwrap();
        let stamp = built.duration_since(std::time::UNIX_EPOCH).unwrap();
        let name = format!("action-release-{}-{}", stamp.as_nanos(), meta.len());
        let release = tmp.join(&name);
        if !release.is_dir() {
            let work = tempfile::Builder::new()
                .prefix("action-work-")
                .tempdir_in(tmp)
                .unwrap();
            pack_release(&sop, work.path());
            // Another process may have put a whole folder there first: then it is used, and
            // this one is removed with `work`.
            let _ = std::fs::rename(work.path(), &release);
        }
        for entry in std::fs::read_dir(tmp).unwrap().flatten() {
            let other = entry.file_name().to_string_lossy().into_owned();
            if other.starts_with("action-release") && other != name {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        release
    })
}

/// Pack `sop` into `release` as cargo-dist lays out a release: the pinned version's download
/// folder, and the latest one.
fn pack_release(sop: &Path, release: &Path) {
    let (_, _, target) = runner_kind();
    let pinned = release.join(format!("download/v{VERSION}"));
    let out = Command::new("bash")
        .arg(project().join("tests/cli/fake_dist_release.sh"))
        .arg(target)
        .arg(sop)
        .arg(&pinned)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fake_dist_release.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let latest = release.join("latest/download");
    std::fs::create_dir_all(&latest).unwrap();
    for name in [
        archive_name(target),
        format!("{}.sha256", archive_name(target)),
    ] {
        std::fs::copy(pinned.join(&name), latest.join(&name)).unwrap();
    }
}

/// What one step left behind.
struct Step {
    status: i32,
    stdout: String,
    stderr: String,
    outputs: HashMap<String, String>,
    summary: String,
}

/// A job on a fake runner: a temp folder for `RUNNER_TEMP` and the step files, a workspace,
/// and the PATH that `GITHUB_PATH` lines add to.
struct Runner {
    temp: tempfile::TempDir,
    workspace: PathBuf,
    path_added: Vec<String>,
    release: PathBuf,
    steps: usize,
}

impl Runner {
    /// A runner whose workspace is `repo` and whose release folder holds this build of `sop`
    /// for version `VERSION` (and as `latest`): the one packed for every test, or with `own`,
    /// a copy this test may damage.
    fn new(repo: &SopRepo, own: bool) -> Runner {
        let temp = tempfile::tempdir().unwrap();
        let mut release = packed_release().to_path_buf();
        if own {
            let copy = temp.path().join("release");
            let out = Command::new("cp")
                .arg("-R")
                .arg(&release)
                .arg(&copy)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            release = copy;
        }
        std::fs::create_dir_all(temp.path().join("runner-temp")).unwrap();
        Runner {
            temp,
            workspace: repo.root().to_path_buf(),
            path_added: Vec::new(),
            release,
            steps: 0,
        }
    }

    fn archive(&self, dir: &str) -> PathBuf {
        let (_, _, target) = runner_kind();
        self.release.join(dir).join(archive_name(target))
    }

    /// Run `.github/action/<script>` as one step with `inputs` (`INPUT_*` and other variables).
    fn step(&mut self, script: &str, inputs: &[(&str, &str)]) -> Step {
        self.steps += 1;
        let files = self.temp.path().join(format!("step-{}", self.steps));
        std::fs::create_dir_all(&files).unwrap();
        let output = files.join("output");
        let summary = files.join("summary");
        let path_file = files.join("path");
        for f in [&output, &summary, &path_file] {
            std::fs::write(f, "").unwrap();
        }
        // What the runner puts on PATH: earlier steps' GITHUB_PATH lines first, then the
        // system's, without the folder of the test-built `sop`, which only the install gives.
        let mut path = self.path_added.clone();
        path.push("/usr/local/bin:/usr/bin:/bin".to_string());
        let (os, arch, _) = runner_kind();
        let mut cmd = Command::new("bash");
        cmd.arg(project().join(".github/action").join(script))
            .current_dir(&self.workspace)
            .env_clear()
            .env("PATH", path.join(":"))
            .env("HOME", self.temp.path())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TEMP", self.temp.path().join("runner-temp"))
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_ACTION_PATH", project())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", &path_file)
            .env(
                "SOP_RELEASE_BASE_URL",
                format!("file://{}", self.release.display()),
            )
            .env("SOP_TODAY", TODAY)
            .env("GIT_CONFIG_NOSYSTEM", "1");
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        for line in std::fs::read_to_string(&path_file).unwrap().lines() {
            self.path_added.insert(0, line.to_string());
        }
        Step {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs: read_outputs(&std::fs::read_to_string(&output).unwrap()),
            summary: std::fs::read_to_string(&summary).unwrap(),
        }
    }
}

/// `GITHUB_OUTPUT` as the runner reads it: `name=value` lines and `name<<DELIMITER` blocks.
fn read_outputs(text: &str) -> HashMap<String, String> {
    let mut outputs = HashMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_string(), value.to_string());
        }
    }
    outputs
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- outputs\n{:?}\n--- summary\n{}",
            self.status, self.stdout, self.stderr, self.outputs, self.summary
        )
    }
}

/// A repository with one clean SOP, one with an error (a version that is not semver) and two
/// warnings (template prompts left in a draft).
fn repo_with_findings() -> SopRepo {
    let r = SopRepo::new();
    r.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &sop_text("SOP-0001", "Gift Refunds", "procedure", "approved"),
    );
    let broken = sop_text("SOP-0002", "Payout Disputes", "procedure", "draft")
        .replace("version: 1.0.0", "version: 1.0")
        .replace("The purpose of this SOP.", "<Describe the purpose.>")
        .replace("The scope of this SOP.", "<Who and what it covers.>");
    r.write("sops/payments/SOP-0002-payout-disputes.md", &broken);
    r.commit("SOPs");
    r
}

fn install(runner: &mut Runner, version: &str) -> Step {
    let step = runner.step("install.sh", &[("INPUT_VERSION", version)]);
    assert_eq!(step.status, 0, "{step:?}");
    step
}

#[test]
fn action_installs_the_verified_release_binary_and_lints_once() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    let (_, _, target) = runner_kind();

    let installed = install(&mut runner, "latest");
    assert!(
        installed.stdout.contains("Checksum verified"),
        "{installed:?}"
    );
    assert_eq!(installed.outputs["fallback"], "false", "{installed:?}");
    assert_eq!(installed.outputs["target"], target);
    let sop = &installed.outputs["sop"];
    assert!(
        sop.starts_with(&runner.temp.path().display().to_string()),
        "{sop}"
    );
    assert!(
        installed.stdout.contains(&format!("sop {VERSION}")),
        "{installed:?}"
    );
    // The folder put on PATH holds the binary alone, not the README packed beside it.
    let bin_dir = Path::new(sop).parent().unwrap();
    let in_bin: Vec<_> = std::fs::read_dir(bin_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(in_bin, ["sop"], "{installed:?}");

    let lint = runner.step(
        "lint.sh",
        &[("INPUT_SARIF", "sop.sarif"), ("INPUT_FAIL_ON", "error")],
    );
    assert_eq!(lint.status, 1, "errors fail the step: {lint:?}");
    assert_eq!(lint.outputs["errors"], "1", "{lint:?}");
    assert_eq!(lint.outputs["warnings"], "2", "{lint:?}");
    assert_eq!(lint.outputs["sarif"], "sop.sarif", "{lint:?}");
    // One lint run: its annotations, errors before warnings.
    let annotations: Vec<&str> = lint
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
        .collect();
    assert_eq!(annotations.len(), 3, "{lint:?}");
    // Then why the step fails, last.
    assert_eq!(
        lint.stdout.lines().last(),
        Some(
            "::error title=sop lint::failing this check: 1 error, and `fail-on: error` fails on errors (set `fail-on` to change what fails it)"
        ),
        "{lint:?}"
    );
    assert_eq!(lint.outputs["result"], "errors", "{lint:?}");
    assert!(annotations[0].starts_with("::error "), "{lint:?}");
    assert!(
        annotations[0].contains("file=sops/payments/SOP-0002-payout-disputes.md"),
        "{lint:?}"
    );
    assert_eq!(
        lint.stdout.matches("sop lint: ").count(),
        1,
        "one summary line, so one run: {lint:?}"
    );

    // The job summary: totals, counts by rule and the findings table.
    let summary = &lint.summary;
    assert!(summary.starts_with("## sop lint\n"), "{summary}");
    assert!(
        summary.contains("**1 error, 2 warnings in 1 of 2 SOPs**"),
        "{summary}"
    );
    assert!(
        summary.contains("| `version-invalid` | error | 1 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `placeholder-left` | warning | 2 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| sops/payments/SOP-0002-payout-disputes.md | "),
        "{summary}"
    );

    // The SARIF of the same run: valid JSON, one result per annotation.
    let sarif: serde_json::Value =
        serde_json::from_str(&repo.read("sop.sarif")).expect("the SARIF file is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
}

/// The release workflow is cargo-dist's, generated from `dist-workspace.toml`: the archives it
/// makes must be the ones the action (`install.sh`), cargo-binstall (Cargo.toml) and this test's
/// fake release expect, for every target the action picks.
#[test]
fn the_action_and_binstall_download_the_archives_cargo_dist_makes() {
    let read = |path: &str| std::fs::read_to_string(project().join(path)).unwrap();
    let dist: toml::Table = toml::from_str(&read("dist-workspace.toml")).unwrap();
    let dist = dist["dist"].as_table().unwrap();
    assert_eq!(dist["unix-archive"].as_str(), Some(".tar.xz"));
    assert_eq!(dist["windows-archive"].as_str(), Some(".zip"));
    assert_eq!(dist["checksum"].as_str(), Some("sha256"));
    let targets: Vec<&str> = dist["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let install = read(".github/action/install.sh");
    for target in [
        "x86_64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&target), "{target} is not built");
        assert!(install.contains(&format!("target={target}")), "{target}");
    }
    assert!(install.contains(r#"archive="sop-cli-$target.tar.xz""#));
    assert!(install.contains(r#"archive="sop-cli-$target.zip""#));

    let manifest: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    let package = manifest["package"].as_table().unwrap();
    let name = package["name"].as_str().unwrap();
    let binstall = package["metadata"]["binstall"].as_table().unwrap();
    let render = |template: &str, target: &str| {
        template
            .replace("{ repo }", "REPO")
            .replace("{ version }", VERSION)
            .replace("{ name }", name)
            .replace("{ target }", target)
            .replace("{ bin }", "sop")
    };
    let target = "x86_64-unknown-linux-gnu";
    assert_eq!(
        render(binstall["pkg-url"].as_str().unwrap(), target),
        format!("REPO/releases/download/v{VERSION}/{}", archive_name(target))
    );
    assert_eq!(
        render(binstall["bin-dir"].as_str().unwrap(), target).replace("{ binary-ext }", ""),
        format!("sop-cli-{target}/sop")
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("txz"));
    let windows = binstall["overrides"]["x86_64-pc-windows-msvc"]
        .as_table()
        .unwrap();
    let target = "x86_64-pc-windows-msvc";
    assert_eq!(
        render(windows["pkg-url"].as_str().unwrap(), target),
        format!("REPO/releases/download/v{VERSION}/sop-cli-{target}.zip")
    );
    assert_eq!(windows["pkg-fmt"].as_str(), Some("zip"));

    // The generated workflow is committed as `dist generate` wrote it, with the repository check.
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.starts_with("# This file was autogenerated by dist"));
    assert!(workflow.contains("Check that Cargo.toml's repository is this repository"));
    assert!(workflow.contains(".github/workflows/move-action-tag.yml"));
}

#[test]
fn action_installs_a_pinned_version() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, true);
    std::fs::remove_dir_all(runner.release.join("latest")).unwrap();
    let installed = install(&mut runner, &format!("v{VERSION}"));
    assert_eq!(installed.outputs["fallback"], "false", "{installed:?}");
    assert_eq!(installed.outputs["version"], VERSION);
}

#[test]
fn action_refuses_a_download_whose_checksum_does_not_match() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, true);
    // A tampered archive: one byte more than the checksum was made for.
    let archive = runner.archive("latest/download");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();

    let step = runner.step("install.sh", &[("INPUT_VERSION", "latest")]);
    assert_eq!(step.status, 1, "{step:?}");
    assert!(
        step.stdout
            .contains("::error title=sop action::checksum mismatch for sop-cli-"),
        "{step:?}"
    );
    assert!(step.stdout.contains("nothing was installed"), "{step:?}");
    assert!(runner.path_added.is_empty(), "nothing put on PATH");
    assert!(!step.outputs.contains_key("sop"), "{step:?}");
    // Nor does the lint step find a `sop` to run.
    let lint = runner.step("lint.sh", &[]);
    assert_eq!(lint.status, 2, "{lint:?}");
    assert!(lint.stdout.contains("`sop` is not on PATH"), "{lint:?}");
}

#[test]
fn action_refuses_a_release_without_checksum() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, true);
    let sum = runner
        .archive("latest/download")
        .with_extension("xz.sha256");
    std::fs::remove_file(sum).unwrap();
    let step = runner.step("install.sh", &[("INPUT_VERSION", "latest")]);
    assert_eq!(step.status, 1, "{step:?}");
    assert!(step.stdout.contains("cannot be verified"), "{step:?}");
    assert!(runner.path_added.is_empty());
}

#[test]
fn action_stops_on_a_version_that_has_no_release() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    // A runner that has prebuilt binaries, and a version the release folder has none for: a
    // wrong `version`, not a reason to compile for minutes.
    let step = runner.step("install.sh", &[("INPUT_VERSION", "0.0.1")]);
    assert_eq!(step.status, 1, "{step:?}");
    assert!(
        step.stdout
            .contains("::error title=sop action::sop 0.0.1 has no release: there is no sop-cli-"),
        "{step:?}"
    );
    assert!(
        step.stdout
            .contains("Check the `version` input: write `latest` or a version listed at file://"),
        "{step:?}"
    );
    assert!(!step.stdout.contains("cargo"), "{step:?}");
    assert_eq!(step.outputs.get("fallback"), None, "{step:?}");
    assert!(runner.path_added.is_empty());
}

#[test]
fn action_says_a_failed_download_is_not_a_missing_release() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    // A port nothing listens on: the connection is refused, as when GitHub is unreachable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let step = runner.step(
        "install.sh",
        &[
            ("INPUT_VERSION", VERSION),
            (
                "SOP_RELEASE_BASE_URL",
                &format!("http://127.0.0.1:{port}/releases"),
            ),
        ],
    );
    assert_eq!(step.status, 1, "{step:?}");
    assert!(
        step.stdout.contains(&format!(
            "::error title=sop action::could not download http://127.0.0.1:{port}/releases/download/v{VERSION}/sop-cli-"
        )),
        "{step:?}"
    );
    assert!(
        step.stdout
            .contains("This is a network or server problem, not a missing release"),
        "{step:?}"
    );
    assert!(!step.stdout.contains("has no release"), "{step:?}");
    assert_eq!(step.outputs.get("fallback"), None, "{step:?}");
    assert!(runner.path_added.is_empty());
}

#[test]
fn action_builds_with_cargo_when_no_binary_fits_the_runner() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    // A runner no binary is built for; `latest` builds the action's own version.
    let step = runner.step(
        "install.sh",
        &[("INPUT_VERSION", "latest"), ("RUNNER_OS", "FreeBSD")],
    );
    assert_eq!(step.status, 0, "{step:?}");
    assert_eq!(step.outputs["fallback"], "true", "{step:?}");
    assert_eq!(step.outputs["cargo-version"], VERSION);
    assert!(runner.path_added.is_empty());
}

#[test]
fn action_rejects_a_version_that_is_not_one() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    let step = runner.step("install.sh", &[("INPUT_VERSION", "1.0; rm -rf /")]);
    assert_eq!(step.status, 1, "{step:?}");
    assert!(step.stdout.contains("is not a version"), "{step:?}");
}

#[test]
fn action_fail_on_decides_what_fails_the_step() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    install(&mut runner, "latest");
    let never = runner.step("lint.sh", &[("INPUT_FAIL_ON", "never")]);
    assert_eq!(never.status, 0, "{never:?}");
    assert_eq!(never.outputs["errors"], "1");
    assert!(!never.outputs.contains_key("sarif"), "{never:?}");

    // Only the clean SOP, by path: nothing to report, so even `warning` passes.
    let clean = runner.step(
        "lint.sh",
        &[
            ("INPUT_FAIL_ON", "warning"),
            ("INPUT_PATHS", "sops/payments/SOP-0001-gift-refunds.md\n"),
        ],
    );
    assert_eq!(clean.status, 0, "{clean:?}");
    assert_eq!(clean.outputs["errors"], "0");
    assert_eq!(clean.outputs["warnings"], "0");
    assert!(clean.summary.contains("no problems in 1 SOP"), "{clean:?}");

    // Warnings alone fail the step with `fail-on: warning`.
    repo.write(
        "sops/payments/SOP-0002-payout-disputes.md",
        &repo
            .read("sops/payments/SOP-0002-payout-disputes.md")
            .replace("version: 1.0\n", "version: 1.0.0\n"),
    );
    let warned = runner.step("lint.sh", &[("INPUT_FAIL_ON", "warning")]);
    assert_eq!(warned.status, 1, "{warned:?}");
    assert_eq!(warned.outputs["errors"], "0");
    assert_eq!(warned.outputs["warnings"], "2");
    assert_eq!(warned.outputs["result"], "warnings");
    // The log, the annotations and the job summary say why a step without errors fails.
    assert_eq!(
        warned.stdout.lines().last(),
        Some(
            "::error title=sop lint::failing this check: 2 warnings, and `fail-on: warning` fails on warnings (set `fail-on` to change what fails it)"
        ),
        "{warned:?}"
    );
    assert!(
        warned.summary.ends_with(
            "\n**Failing this check:** 2 warnings, and `fail-on: warning` fails on warnings.\n"
        ),
        "{warned:?}"
    );
    let passed = runner.step("lint.sh", &[("INPUT_FAIL_ON", "error")]);
    assert_eq!(passed.status, 0, "{passed:?}");
    assert!(!passed.stdout.contains("failing this check"), "{passed:?}");
    assert!(!passed.summary.contains("Failing"), "{passed:?}");

    let wrong = runner.step("lint.sh", &[("INPUT_FAIL_ON", "sometimes")]);
    assert_eq!(wrong.status, 2, "{wrong:?}");
    assert!(wrong.stdout.contains("not one of error, warning, never"));
}

#[test]
fn action_checks_the_pull_request_against_its_base_branch() {
    let repo = repo_with_findings();
    repo.git(&["branch", "base"]);
    // The approved SOP changes without a new version.
    repo.write(
        "sops/payments/SOP-0001-gift-refunds.md",
        &repo
            .read("sops/payments/SOP-0001-gift-refunds.md")
            .replace("The scope of this SOP.", "The scope of this SOP, changed."),
    );
    repo.commit("change without a version bump");
    let mut runner = Runner::new(&repo, false);
    install(&mut runner, "latest");
    let pr = runner.step(
        "lint.sh",
        &[("GITHUB_BASE_REF", "base"), ("INPUT_BASE", "base")],
    );
    assert!(pr.stdout.contains("--base base"), "{pr:?}");
    assert!(
        pr.stdout
            .contains("file=sops/payments/SOP-0001-gift-refunds.md"),
        "{pr:?}"
    );
    let no_base = runner.step("lint.sh", &[("INPUT_BASE", "none")]);
    assert!(!no_base.stdout.contains("--base"), "{no_base:?}");
}

#[test]
fn action_warns_when_the_paths_check_no_sop() {
    let repo = repo_with_findings();
    repo.write("docs/guide.md", "# A guide\n");
    repo.write("sops/empty/.keep", "");
    let mut runner = Runner::new(&repo, false);
    install(&mut runner, "latest");
    for (paths, why) in [
        (
            "docs/",
            "`docs/` was not checked: it is not in the SOP folder `sops/`",
        ),
        ("docs/guide.md", "`docs/guide.md` was not checked"),
        ("sops/empty/", "`sops/empty/` was not checked"),
    ] {
        let step = runner.step(
            "lint.sh",
            &[("INPUT_PATHS", paths), ("INPUT_FAIL_ON", "warning")],
        );
        // Nothing wrong was found, so the step passes, but not silently.
        assert_eq!(step.status, 0, "{step:?}");
        assert!(
            step.stdout.contains(&format!(
                "::warning title=sop lint checked less than asked::{why}"
            )),
            "{paths}: {step:?}"
        );
        assert!(
            step.summary.contains("**no problems in 0 SOPs**"),
            "{step:?}"
        );
        assert!(
            step.summary
                .contains(&format!("**Not checked:**\n\n- {why}")),
            "{paths}: {step:?}"
        );
    }
    // A path that holds SOPs adds no such warning.
    let step = runner.step("lint.sh", &[("INPUT_PATHS", "sops/payments/")]);
    assert!(!step.stdout.contains("checked less than asked"), "{step:?}");
    assert!(!step.summary.contains("Not checked"), "{step:?}");
}

#[test]
fn action_says_why_sop_could_not_check() {
    let repo = repo_with_findings();
    let mut runner = Runner::new(&repo, false);
    install(&mut runner, "latest");
    let step = runner.step("lint.sh", &[("INPUT_BASE", "origin/nope")]);
    assert_eq!(step.status, 2, "{step:?}");
    // No counts that look like a clean run.
    assert_eq!(step.outputs["result"], "not-checked", "{step:?}");
    assert_eq!(step.outputs["errors"], "", "{step:?}");
    assert_eq!(step.outputs["warnings"], "", "{step:?}");
    assert_eq!(step.outputs["exit-code"], "2", "{step:?}");
    // sop's own message, escaped as workflow-command data, is the annotation.
    assert!(
        step.stdout.contains(
            "::error title=sop could not check the SOPs (exit 2)::error: `origin/nope` is not a commit, branch or tag in this repository%0A  help: fetch it first (in CI: `git fetch origin nope`"
        ),
        "{step:?}"
    );
    assert!(
        step.summary
            .starts_with("## sop lint\n\n**sop could not check the SOPs** (exit 2)"),
        "{step:?}"
    );
    assert!(
        step.summary.contains("in CI: `git fetch origin nope`"),
        "{step:?}"
    );
    // The message is in the log too.
    assert!(
        step.stderr.contains("`origin/nope` is not a commit"),
        "{step:?}"
    );

    // A path that does not exist, and a `%` that must not be taken for an escape.
    let step = runner.step("lint.sh", &[("INPUT_PATHS", "sops/100%/")]);
    assert_eq!(step.status, 2, "{step:?}");
    assert!(
        step.stdout
            .contains("::error title=sop could not check the SOPs (exit 2)::error: `sops/100%25/` does not exist%0A"),
        "{step:?}"
    );
    assert!(
        step.summary.contains("`sops/100%/` does not exist"),
        "{step:?}"
    );
}

/// The SOP repository in a folder of the git repository (`ops/sop.toml`), as
/// `sop init --ci github` sets the action up for it.
#[test]
fn action_runs_in_the_working_directory() {
    let repo = repo_with_findings();
    std::fs::create_dir_all(repo.path("ops")).unwrap();
    for name in ["sop.toml", "sops"] {
        std::fs::rename(repo.path(name), repo.path(&format!("ops/{name}"))).unwrap();
    }
    repo.write("README.md", "# Operations\n");
    repo.commit("SOPs in ops/");
    let mut runner = Runner::new(&repo, false);
    install(&mut runner, "latest");

    // At the root there is no SOP repository.
    let root = runner.step("lint.sh", &[]);
    assert_eq!(root.status, 2, "{root:?}");
    assert_eq!(root.outputs["result"], "not-checked", "{root:?}");

    let step = runner.step(
        "lint.sh",
        &[
            ("INPUT_WORKING_DIRECTORY", "ops"),
            ("INPUT_PATHS", "sops/payments/"),
            ("INPUT_SARIF", "sop.sarif"),
            ("INPUT_BASE", "main"),
        ],
    );
    assert_eq!(step.status, 1, "{step:?}");
    assert!(
        step.stdout.contains("(in ops) sop lint --format github"),
        "{step:?}"
    );
    assert_eq!(step.outputs["errors"], "1", "{step:?}");
    assert_eq!(step.outputs["warnings"], "2", "{step:?}");
    // Annotations and SARIF name the files from the repository root, as GitHub reads them.
    let annotations: Vec<&str> = step
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
        .collect();
    assert_eq!(annotations.len(), 3, "{step:?}");
    for a in &annotations {
        assert!(
            a.contains(" file=ops/sops/payments/SOP-0002-payout-disputes.md,"),
            "{a}"
        );
    }
    assert_eq!(step.outputs["sarif"], "ops/sop.sarif", "{step:?}");
    let sarif: serde_json::Value = serde_json::from_str(&repo.read("ops/sop.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "ops/sops/payments/SOP-0002-payout-disputes.md"
        );
    }

    // From a folder inside the SOP repository, sop finds `ops/sop.toml` above it.
    let inside = runner.step(
        "lint.sh",
        &[
            ("INPUT_WORKING_DIRECTORY", "ops/sops"),
            ("INPUT_PATHS", "payments"),
        ],
    );
    assert_eq!(inside.status, 1, "{inside:?}");
    assert!(
        inside
            .stdout
            .contains("::error file=ops/sops/payments/SOP-0002-payout-disputes.md,"),
        "{inside:?}"
    );

    let outside = runner.step("lint.sh", &[("INPUT_WORKING_DIRECTORY", "ops/../..")]);
    assert_eq!(outside.status, 2, "{outside:?}");
    assert!(
        outside
            .stdout
            .contains("leads outside the checked-out repository"),
        "{outside:?}"
    );

    let missing = runner.step("lint.sh", &[("INPUT_WORKING_DIRECTORY", "opz")]);
    assert_eq!(missing.status, 2, "{missing:?}");
    assert!(
        missing
            .stdout
            .contains("the input working-directory: 'opz' is not a folder"),
        "{missing:?}"
    );
}

#[test]
fn lint_writes_sarif_and_summary_beside_github_annotations() {
    let repo = repo_with_findings();
    let out = repo
        .sop()
        .args([
            "lint",
            "--format",
            "github",
            "--sarif-out",
            "out/sop.sarif",
            "--summary-out",
            "out/summary.md",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("::error "), "{out}");
    let sarif: serde_json::Value = serde_json::from_str(&repo.read("out/sop.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    assert!(
        repo.read("out/summary.md")
            .contains("| `placeholder-left` | warning | 2 |")
    );
    // No temporary file is left beside them.
    let left: Vec<_> = std::fs::read_dir(repo.path("out")).unwrap().collect();
    assert_eq!(left.len(), 2);
}

#[test]
fn lint_says_which_sarif_file_it_cannot_write() {
    let repo = repo_with_findings();
    repo.write("taken", "a file, not a folder\n");
    repo.sop()
        .args(["lint", "--sarif-out", "taken/sop.sarif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot write the `--sarif-out` file `taken/sop.sarif`",
        ));
}

#[test]
fn action_yml_runs_the_scripts_that_exist() {
    let action = std::fs::read_to_string(project().join("action.yml")).unwrap();
    for script in ["install.sh", "cargo-install.sh", "lint.sh"] {
        assert!(
            action.contains(&format!("$GITHUB_ACTION_PATH/.github/action/{script}")),
            "{script}"
        );
        assert!(project().join(".github/action").join(script).is_file());
    }
    for input in [
        "version",
        "working-directory",
        "base",
        "paths",
        "sarif",
        "fail-on",
        "install-only",
    ] {
        assert!(action.contains(&format!("\n  {input}:\n")), "input {input}");
    }
}
