//! One module per subcommand. Each has an `Args` struct (clap derives its help from the doc
//! comments) and `run(args, out)`, which writes to `out` and says whether the command
//! succeeded.

pub mod abe;
pub mod bench;
pub mod epoch;
pub mod group;
pub mod issue;
pub mod keygen;
pub mod present;
pub mod pubkey;
pub mod record;
pub mod request;
pub mod upload;
pub mod vectors;
pub mod verify;

/// How a command that ran to its end went: decides the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything checked out (exit status 0).
    Success,
    /// The command ran, and reported a failure in its output (exit status 1).
    Failure,
}

impl Status {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Failure => 1,
        }
    }
}
