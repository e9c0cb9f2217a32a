//! `credkit vectors PATH... [--json]`: runs fixture files of the published IETF BBS format.
//!
//! Every file gives one result: `PASS`, `FAIL` with the reason, or `SKIP` for a JSON array
//! (the published `messages.json` lists messages and is no fixture). Nothing in a file can
//! make the command panic or stop early: an unreadable, non-JSON or unknown file, a path that
//! does not exist and a file outside any ciphersuite folder are each a `FAIL` line.

use std::fs;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use credkit_bbs::fixtures::{run_fixture, Outcome, Suite};
use serde::Serialize;
use serde_json::Value;

use crate::commands::Status;
use crate::error::CommandError;
use crate::files::describe;

/// Arguments of `credkit vectors`.
#[derive(Debug, Clone, clap::Args)]
pub struct VectorsArgs {
    /// Fixture files, and folders to search recursively for `*.json` files (run sorted by path).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print one JSON document (`results`, `passed`, `failed`, `skipped`) instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// The `kind` of a file that was not run: unreadable, not JSON, not a fixture, or of no
/// known ciphersuite. (The runner's own kinds are `signature`, `proof`, `keypair`, ...)
pub const KIND_UNKNOWN: &str = "unknown";

/// What one file gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileResult {
    /// The path, as given or as found under a given folder.
    pub path: String,
    /// The ciphersuite (folder name), when the path names one.
    pub suite: Option<&'static str>,
    /// The kind of fixture, or [`KIND_UNKNOWN`].
    pub kind: &'static str,
    /// The file's `caseName`, or empty.
    pub case_name: String,
    /// Whether the file passed. False for a skipped file.
    pub passed: bool,
    /// Whether the file was skipped as no fixture.
    pub skipped: bool,
    /// What was checked, or why it failed or was skipped.
    pub detail: String,
}

impl FileResult {
    fn failed(path: &Path, suite: Option<Suite>, case_name: String, detail: String) -> Self {
        FileResult {
            path: shown(path),
            suite: suite.map(Suite::name),
            kind: KIND_UNKNOWN,
            case_name,
            passed: false,
            skipped: false,
            detail,
        }
    }

    /// The line printed for this file: `PASS <path> <caseName>`, `FAIL <path> <caseName>:
    /// <detail>` or `SKIP <path> (<detail>)`; an empty case name is left out with its space.
    pub fn line(&self) -> String {
        let case = if self.case_name.is_empty() {
            String::new()
        } else {
            format!(" {}", self.case_name)
        };
        if self.skipped {
            format!("SKIP {} ({})", self.path, self.detail)
        } else if self.passed {
            format!("PASS {}{case}", self.path)
        } else {
            format!("FAIL {}{case}: {}", self.path, self.detail)
        }
    }
}

/// The whole run, as printed by `--json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// One result per file, in the order they were run.
    pub results: Vec<FileResult>,
    /// Files that passed.
    pub passed: usize,
    /// Files that failed.
    pub failed: usize,
    /// Files skipped as no fixture.
    pub skipped: usize,
}

impl Report {
    fn add(&mut self, result: FileResult) {
        if result.skipped {
            self.skipped += 1;
        } else if result.passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.results.push(result);
    }

    /// The closing line: `N passed, N failed`, then `, N skipped` when any were.
    pub fn summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line
    }

    /// [`Status::Success`] when nothing failed.
    pub fn status(&self) -> Status {
        if self.failed == 0 {
            Status::Success
        } else {
            Status::Failure
        }
    }
}

/// Runs `credkit vectors`: one line per file as it is run (or one JSON document at the end),
/// then the summary.
///
/// # Errors
/// Only when `out` cannot be written to: a fixture that fails is reported, not an error.
pub fn run(args: &VectorsArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut report = Report::default();
    for target in targets(&args.paths) {
        let result = match target {
            Target::File(path) => check_file(&path),
            Target::Broken { path, reason } => {
                FileResult::failed(&path, None, String::new(), reason)
            }
        };
        if !args.json {
            writeln!(out, "{}", result.line())?;
        }
        report.add(result);
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", report.summary())?;
    }
    Ok(report.status())
}

/// Runs one file; never panics, whatever the file holds.
pub fn check_file(path: &Path) -> FileResult {
    let suite = suite_of(path);
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return FileResult::failed(
                path,
                suite,
                String::new(),
                format!("cannot read: {}", describe(&e)),
            )
        }
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let detail = format!(
                "not JSON: not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            );
            return FileResult::failed(path, suite, String::new(), detail);
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return FileResult::failed(path, suite, String::new(), format!("not JSON: {e}")),
    };
    let case_name = value
        .get("caseName")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if value.is_array() {
        return FileResult {
            skipped: true,
            detail: "not a fixture: a JSON array".into(),
            ..FileResult::failed(path, suite, case_name, String::new())
        };
    }
    let Some(suite) = suite else {
        let detail = format!(
            "cannot tell the ciphersuite from the path: no folder above the file is named {} or {}",
            Suite::Sha256.name(),
            Suite::Shake256.name()
        );
        return FileResult::failed(path, None, case_name, detail);
    };
    match run_guarded(suite, text) {
        Ok(outcome) => FileResult {
            path: shown(path),
            suite: Some(suite.name()),
            kind: outcome.kind,
            case_name: outcome.case_name,
            passed: outcome.passed,
            skipped: false,
            detail: outcome.detail,
        },
        Err(panic_message) => {
            let detail =
                format!("the fixture runner panicked (a bug in credkit-bbs): {panic_message}");
            FileResult::failed(path, Some(suite), case_name, detail)
        }
    }
}

/// The ciphersuite of a file: the name of its nearest ancestor folder that names one, in the
/// path as given or else in its canonical form (for `./x.json` inside a suite folder).
pub fn suite_of(path: &Path) -> Option<Suite> {
    fn nearest(path: &Path) -> Option<Suite> {
        path.parent()?.ancestors().find_map(|dir| {
            dir.file_name()
                .and_then(|name| name.to_str())
                .and_then(Suite::from_folder)
        })
    }
    nearest(path).or_else(|| fs::canonicalize(path).ok().as_deref().and_then(nearest))
}

/// [`run_fixture`], or the message of a panic in it (a bug in credkit-bbs).
fn run_guarded(suite: Suite, text: &str) -> Result<Outcome, String> {
    // Silence the default hook for the call, which would print a backtrace notice on stderr;
    // the panic's message goes into the file's detail instead.
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| run_fixture(suite, text)));
    panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into())
    })
}

/// A file to run, or a path that could not be searched.
#[derive(Debug)]
enum Target {
    File(PathBuf),
    Broken { path: PathBuf, reason: String },
}

impl Target {
    fn path(&self) -> &Path {
        match self {
            Target::File(path) | Target::Broken { path, .. } => path,
        }
    }
}

/// The files named by `paths`, in the order given; each folder's `*.json` files sorted by path.
fn targets(paths: &[PathBuf]) -> Vec<Target> {
    let mut all = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(e) => all.push(Target::Broken {
                path: path.clone(),
                reason: format!("cannot read: {}", describe(&e)),
            }),
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found);
                found.sort_by(|a, b| a.path().cmp(b.path()));
                all.extend(found);
            }
            // A file named explicitly is run whatever its extension.
            Ok(_) => all.push(Target::File(path.clone())),
        }
    }
    all
}

/// Collects the `*.json` files under `dir`. Symbolic links to folders are not followed (they
/// could loop); links to files are run like files.
fn walk(dir: &Path, found: &mut Vec<Target>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let reason = format!("cannot read the folder: {}", describe(&e));
            found.push(Target::Broken {
                path: dir.to_owned(),
                reason,
            });
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let reason = format!("cannot read the folder: {}", describe(&e));
                found.push(Target::Broken {
                    path: dir.to_owned(),
                    reason,
                });
                continue;
            }
        };
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&path, found),
            Ok(_) if path.extension().is_some_and(|ext| ext == "json") => {
                found.push(Target::File(path))
            }
            Ok(_) => {}
            Err(e) => found.push(Target::Broken {
                path,
                reason: format!("cannot read: {}", describe(&e)),
            }),
        }
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_is_the_nearest_suite_folder() {
        let p = Path::new("a/bls12-381-sha-256/x/bls12-381-shake-256/proof/p.json");
        assert_eq!(suite_of(p), Some(Suite::Shake256));
        assert_eq!(
            suite_of(Path::new("bls12-381-sha-256/keypair.json")),
            Some(Suite::Sha256)
        );
        // The file's own name does not count.
        assert_eq!(suite_of(Path::new("nowhere/bls12-381-sha-256")), None);
        assert_eq!(suite_of(Path::new("p.json")), None);
    }

    #[test]
    fn lines_and_summary() {
        let mut report = Report::default();
        let pass = FileResult {
            path: "a.json".into(),
            suite: Some("bls12-381-sha-256"),
            kind: "proof",
            case_name: "c".into(),
            passed: true,
            skipped: false,
            detail: "ok".into(),
        };
        assert_eq!(pass.line(), "PASS a.json c");
        let fail = FileResult {
            passed: false,
            case_name: String::new(),
            detail: "bad".into(),
            ..pass.clone()
        };
        assert_eq!(fail.line(), "FAIL a.json: bad");
        report.add(pass);
        assert_eq!(report.summary(), "1 passed, 0 failed");
        assert_eq!(report.status(), Status::Success);
        report.add(fail);
        assert_eq!(report.summary(), "1 passed, 1 failed");
        assert_eq!(report.status(), Status::Failure);
    }
}
