//! `credkit request --schema FILE [--suite S] [--nyms N] --secret FILE -o FILE [--force]`: the
//! holder asks for a holder-bound credential.
//!
//! The request (`-o`, `-` for standard output) commits to fresh pseudonym secrets and names
//! the schema; the issuer answers it with `credkit issue --request`. The secrets go to the
//! `--secret` file, created with mode 0600 and never written to standard output: they never
//! leave the holder, and without them the credential cannot be presented. Both files are
//! refused before anything is written when one exists and `--force` is not given.

use std::io::Write;
use std::path::PathBuf;

use credkit_bbs::credential::{CredentialRequest, Schema};

use crate::cli::SuiteArg;
use crate::commands::Status;
use crate::error::{CommandError, CommandErrorKind};
use crate::files::{self, Document, Inputs, STDIO};

/// Arguments of `credkit request`.
#[derive(Debug, Clone, clap::Args)]
pub struct RequestArgs {
    /// The schema of the credential asked for (the issuer's).
    #[arg(long, value_name = "FILE")]
    pub schema: PathBuf,

    /// The ciphersuite of the issuer's key.
    #[arg(long, value_enum, default_value_t = SuiteArg::Sha256)]
    pub suite: SuiteArg,

    /// The number of pseudonym secrets, 1 to 64. With N, pseudonyms stay unlinkable even to
    /// an adversary who computes discrete logarithms, for up to N - 1 verifiers; each adds 32
    /// bytes to every presentation.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u8).range(1..=64))]
    pub nyms: u8,

    /// The file to write the holder's secret to, readable by its owner only (mode 0600). Keep
    /// it: every presentation of the credential needs it.
    #[arg(long, value_name = "FILE")]
    pub secret: PathBuf,

    /// Where to write the request for the issuer; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output files if they exist; a secret replaced is lost, and with it every
    /// credential issued against its request.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit request`.
///
/// # Errors
/// A usage error for `--secret -` or an output that exists without `--force`; an input error
/// when the schema cannot be read or a file cannot be written.
pub fn run(args: &RequestArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.secret.as_os_str() == STDIO {
        return Err(
            CommandError::usage("refusing to write the holder secret to standard output")
                .with_hint("give a file with `--secret FILE`; it never leaves the holder"),
        );
    }
    let schema = {
        let input = Inputs::default().read(&args.schema, Document::Schema)?;
        Schema::from_json(&input.text)
            .map_err(|e| files::document_error(&input.name, Document::Schema, e, None))?
    };
    let mut outputs = vec![args.secret.as_path()];
    if args.output.as_os_str() != STDIO {
        outputs.push(args.output.as_path());
    }
    files::refuse_existing(outputs, args.force).map_err(|e| {
        if e.kind() == CommandErrorKind::Usage {
            e.with_hint(
                "a holder secret that is overwritten cannot be recovered, nor can the \
                 credentials issued against its request be presented",
            )
        } else {
            e
        }
    })?;
    let (request, secret) =
        CredentialRequest::new(args.suite.id(), &schema, usize::from(args.nyms)).map_err(|e| {
            files::document_error(
                &args.schema.display().to_string(),
                Document::Schema,
                e,
                None,
            )
        })?;
    // The secret first: a request whose secret is lost would be worthless.
    files::write_secret(&args.secret, &secret.to_json(), args.force)?;
    files::write_output(&args.output, &request.to_json(), args.force, out)?;
    Ok(Status::Success)
}
