//! `credkit group pop sign --share FILE -o FILE [--force]`: a member's share of the group's
//! proof of possession, `s_i * H_pop(group public key)`.

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::sign;

use crate::commands::group::read_member_key;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};
use crate::group_files::PartialProofOfPossessionFile;

/// Arguments of `credkit group pop sign`.
#[derive(Debug, Clone, clap::Args)]
pub struct PopSignArgs {
    /// This member's key file, `member-<i>.key.`
    #[arg(long, value_name = "FILE")]
    pub share: PathBuf,

    /// Where to write the share of the proof; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit group pop sign`.
///
/// # Errors
/// An input error when the key cannot be read; a usage error when the output exists and
/// `--force` is not given.
pub fn run(args: &PopSignArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let (_, key) = read_member_key(&mut Inputs::default(), &args.share)?;
    let partial = sign::prove_possession(key.share(), key.group_public_key());
    let file = PartialProofOfPossessionFile::new(key.group_id(), partial);
    files::write_output(&args.output, &file.to_json(), args.force, out)?;
    Ok(Status::Success)
}
