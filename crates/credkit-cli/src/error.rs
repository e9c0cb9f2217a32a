//! The error a command returns when it cannot do its job at all.
//!
//! A fixture that fails is not an error of the command: `credkit vectors` reports it in its
//! output and exits with status 1. A [`CommandError`] is for what stops a command before it
//! can report anything meaningful, in the manner of jj's `CommandError`: a kind that decides
//! the exit status and the wording, a message, and hints that tell the user what to do next.
//!
//! Exit statuses, as age and minisign use them: 1 when a signature or presentation does not
//! verify (the command worked, the answer is no); 2 when the command line is wrong or an input
//! cannot be read or parsed or an output cannot be written; 255 for a bug.

use std::fmt;
use std::io;

/// Who is to blame, which decides the exit status and how the error is worded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandErrorKind {
    /// A signature or presentation does not verify (exit status 1).
    Verification,
    /// The command line asks for something that cannot be done, in a way clap did not catch:
    /// an attribute the schema lacks, an output that exists without `--force` (exit status 2).
    Usage,
    /// An input file that cannot be read or is not a valid document, or an output file that
    /// cannot be created (exit status 2).
    Input,
    /// A bug in credkit or a failure of the machine, such as a closed output (exit status 255).
    Internal,
}

/// An error that ends a command, with hints for the user.
#[derive(Debug)]
pub struct CommandError {
    kind: CommandErrorKind,
    message: String,
    hints: Vec<String>,
    io_kind: Option<io::ErrorKind>,
}

impl CommandError {
    fn new(kind: CommandErrorKind, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            hints: Vec::new(),
            io_kind: None,
        }
    }

    /// A signature or presentation does not verify.
    pub fn verification(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Verification, message)
    }

    /// The command line is malformed.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Usage, message)
    }

    /// An input cannot be read or parsed, or an output cannot be created.
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Input, message)
    }

    /// Something that should not happen happened.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(CommandErrorKind::Internal, message)
    }

    /// Adds a hint, printed after the message.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> CommandErrorKind {
        self.kind
    }

    /// The message, without the hints.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hints, in the order they were added.
    pub fn hints(&self) -> &[String] {
        &self.hints
    }

    /// Whether the error is a write to a closed pipe (`credkit vectors ... | head`), which
    /// ends the command quietly.
    pub fn is_broken_pipe(&self) -> bool {
        self.io_kind == Some(io::ErrorKind::BrokenPipe)
    }

    /// The process exit status for this error: 141 (as if killed by `SIGPIPE`) for a closed
    /// pipe, else by kind.
    pub fn exit_code(&self) -> u8 {
        if self.is_broken_pipe() {
            return 141;
        }
        match self.kind {
            CommandErrorKind::Verification => 1,
            CommandErrorKind::Usage | CommandErrorKind::Input => 2,
            CommandErrorKind::Internal => 255,
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

/// Commands write their output through `io::Write`: a failed write is the machine's fault
/// (a full disk, a closed pipe), not the user's input.
impl From<io::Error> for CommandError {
    fn from(e: io::Error) -> Self {
        let mut err = CommandError::internal(format!("cannot write the output: {e}")).with_hint(
            "check that the output's file system has room, or that its reader is still running",
        );
        err.io_kind = Some(e.kind());
        err
    }
}

impl From<serde_json::Error> for CommandError {
    fn from(e: serde_json::Error) -> Self {
        if let Some(kind) = e.io_error_kind() {
            return io::Error::new(kind, e).into();
        }
        CommandError::internal(format!("cannot encode the output as JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_decide_the_exit_status() {
        assert_eq!(CommandError::verification("no").exit_code(), 1);
        assert_eq!(CommandError::usage("no").exit_code(), 2);
        assert_eq!(CommandError::input("no").exit_code(), 2);
        assert_eq!(CommandError::internal("no").exit_code(), 255);
        let pipe: CommandError = io::Error::from(io::ErrorKind::BrokenPipe).into();
        assert!(pipe.is_broken_pipe());
        assert_eq!(pipe.exit_code(), 141);
        let full: CommandError = io::Error::other("disk full").into();
        assert!(!full.is_broken_pipe());
        assert_eq!(full.kind(), CommandErrorKind::Internal);
        assert_eq!(full.to_string(), "cannot write the output: disk full");
        assert_eq!(full.hints().len(), 1);
    }

    #[test]
    fn hints_keep_their_order() {
        let err = CommandError::input("cannot")
            .with_hint("first")
            .with_hint("second");
        assert_eq!(err.message(), "cannot");
        assert_eq!(err.hints(), ["first", "second"]);
    }
}
