//! `credkit record shred --servers servers.json IN [--token IN.shred]`: destroys one record
//! early.
//!
//! Every key server is asked to delete its share of the record's shred secret, with the
//! record's shred token; each confirms with a signed deletion statement, checked against the
//! schedule. Once more than `n - t` servers confirmed, fewer than `t` shares can remain and
//! the record cannot be opened again, inside its window or not.

use std::io::Write;
use std::path::PathBuf;

use credkit_abe::epoch::ShredToken;
use credkit_abe::record::shred_record;
use credkit_abe::Error;

use crate::abe_files::base64url;
use crate::commands::record::seal::{TokenFile, TOKEN_TYPE};
use crate::commands::record::{
    check_schedule, hex, read_record, read_servers, server_name, token_path,
};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{Document, Inputs};

/// Arguments of `credkit record shred`.
#[derive(Debug, Clone, clap::Args)]
pub struct ShredArgs {
    /// The key servers, as `credkit epoch init` writes servers.json.
    #[arg(long, value_name = "FILE")]
    pub servers: PathBuf,

    /// The record's shred token; default: IN.shred, as `credkit record seal` writes it.
    #[arg(long, value_name = "FILE")]
    pub token: Option<PathBuf>,

    /// The record to shred.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
}

/// Runs `credkit record shred`.
///
/// # Errors
/// An input error for unreadable inputs or a token of another record; a verification error
/// (exit status 1) when too few servers confirmed or the token is refused.
pub fn run(args: &ShredArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let servers = read_servers(&mut inputs, &args.servers)?;
    let (name, record) = read_record(&mut inputs, &args.input)?;
    check_schedule(&name, &record, servers.schedule())?;
    let token_file = args
        .token
        .clone()
        .unwrap_or_else(|| token_path(&args.input));
    let input = inputs.read(&token_file, Document::RecordShredToken)?;
    let bad = |what: &str| {
        CommandError::input(format!("{}: {what}", input.name))
            .with_hint("give the OUT.shred file that `credkit record seal -o OUT` wrote")
    };
    let file: TokenFile =
        serde_json::from_str(&input.text).map_err(|e| bad(&format!("not a shred token: {e}")))?;
    if file.kind != TOKEN_TYPE || file.version != 1 {
        return Err(bad("not a version 1 record-shred-token"));
    }
    let id = hex(record.header().record_id());
    if file.record != id {
        return Err(bad(&format!(
            "the token is for record {}, {name} is record {id}",
            file.record
        )));
    }
    let bytes = base64url::decode(&file.token)
        .filter(|b| b.len() == 32)
        .ok_or_else(|| bad("the token is not 32 bytes of base64url"))?;
    let mut token = [0u8; 32];
    token.copy_from_slice(&bytes);
    let token = ShredToken::from_bytes(token);
    let statements = shred_record(
        servers.schedule(),
        &servers.transport(),
        record.header(),
        &token,
    )
    .map_err(|e| match e {
        Error::ShredIncomplete { confirmed, needed } => CommandError::verification(format!(
            "{name}: only {confirmed} key servers confirmed the shred, {needed} needed: the \
             record may still open"
        ))
        .with_hint("start the servers that did not answer, and shred again"),
        e => CommandError::verification(format!("{name}: {e}")),
    })?;
    let confirmed: Vec<String> = statements
        .iter()
        .map(|s| server_name(&servers, s.server()))
        .collect();
    let missing: Vec<String> = servers
        .urls()
        .iter()
        .filter(|(i, _)| statements.iter().all(|s| s.server() != *i))
        .map(|(i, _)| server_name(&servers, *i))
        .collect();
    if !missing.is_empty() {
        // A warning that cannot be printed changes nothing that was done.
        let _ = writeln!(
            std::io::stderr(),
            "warning: no confirmation from {}: shred again once it is back, so that it \
             deletes its share too",
            missing.join(", ")
        );
    }
    writeln!(
        out,
        "shredded record {id}: confirmed by {} of {} servers: {}",
        statements.len(),
        servers.urls().len(),
        confirmed.join(", ")
    )?;
    Ok(Status::Success)
}
