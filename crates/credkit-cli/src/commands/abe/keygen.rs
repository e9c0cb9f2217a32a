//! `credkit abe keygen --authority FILE --attrs LIST -o FILE [--force]`: the authority makes a
//! user's key for a list of attributes.
//!
//! The key document goes to `FILE`, created with mode 0600 (never to standard output; an
//! existing file is replaced only with `--force`), for the authority to hand to the user.
//! Key generation is random: two keys for the same attributes differ, and cannot be combined
//! with each other or with other users' keys to satisfy more than each satisfies alone.

use std::io::Write;
use std::path::PathBuf;

use credkit_abe::Error;
use rand_core::OsRng;

use crate::commands::abe::{parse_attributes, read_authority_key};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs, STDIO};

/// Arguments of `credkit abe keygen`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeygenArgs {
    /// The authority's key file, from `credkit abe setup -o FILE`.
    #[arg(long, value_name = "FILE")]
    pub authority: PathBuf,

    /// The user's attributes, namespace:value, comma-separated: 'role:cardiologist, hospital:H1'.
    #[arg(long, value_name = "LIST")]
    pub attrs: String,

    /// The file to write the user's key document to, readable by its owner only (mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit abe keygen`.
///
/// # Errors
/// A usage error for `-o -`, an attribute list that does not parse (shown with a caret) or an
/// existing file without `--force`; an input error when the authority's key cannot be read or
/// the file cannot be created.
pub fn run(args: &KeygenArgs, _out: &mut impl Write) -> Result<Status, CommandError> {
    if args.output.as_os_str() == STDIO {
        return Err(
            CommandError::usage("refusing to write a user's key to standard output")
                .with_hint("give a file with `-o FILE`, and hand it to the user"),
        );
    }
    let attributes = parse_attributes(&args.attrs)?;
    files::refuse_existing([args.output.as_path()], args.force)?;
    let authority = read_authority_key(&mut Inputs::default(), &args.authority)?;
    let key = authority
        .keygen(&mut OsRng, &attributes)
        .map_err(|e| match e {
            // `parse_list` refuses both already; kept for a library that changes.
            Error::DuplicateKeyAttribute(_) | Error::TooManyKeyAttributes(_) => {
                CommandError::usage(format!("--attrs: {e}"))
            }
            e => CommandError::internal(format!("key generation failed: {e}")),
        })?;
    files::write_secret(&args.output, &key.to_json(), args.force)?;
    Ok(Status::Success)
}
