//! `credkit record open --key FILE --servers servers.json IN -o OUT|- [--force]`: opens a
//! record with a user's key and `t` of the key servers.
//!
//! The key is tried first: a key whose attributes do not satisfy the policy asks no server.
//! The servers are asked in identifier order until `t` answered correctly; one that is
//! unreachable or answers wrongly (its proof or share does not verify) is named, and the
//! others are asked. Nothing is written unless the record opens and authenticates.

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;

use credkit_abe::epoch::dleq::DleqInstance;
use credkit_abe::epoch::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use credkit_abe::epoch::{
    DeletionStatement, EpochHeader, KeyServerTransport, Schedule, TransportError,
};
use credkit_abe::policy::Attribute;
use credkit_abe::record::open_record;
use credkit_abe::Error;
use credkit_threshold::Identifier;

use crate::commands::abe::read_user_key;
use crate::commands::record::{
    check_schedule, format_hour, now, read_record, read_servers, server_name,
};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs, STDIO};
use crate::http_transport::ServersFile;

/// Arguments of `credkit record open`.
#[derive(Debug, Clone, clap::Args)]
pub struct OpenArgs {
    /// The reader's key file, from `credkit abe keygen`.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,

    /// The key servers, as `credkit epoch init` writes servers.json.
    #[arg(long, value_name = "FILE")]
    pub servers: PathBuf,

    /// The record, from `credkit record seal`; `-` for standard input.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the opened file (mode 0600); `-` for standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// A transport that notes which servers were unreachable or answered wrongly, checking each
/// partial decryption as `epoch::open` does, so that a record that opens anyway can name them.
struct Watching<'a, T> {
    inner: &'a T,
    schedule: &'a Schedule,
    header: &'a EpochHeader,
    unreachable: RefCell<Vec<Identifier>>,
    misbehaving: RefCell<Vec<Identifier>>,
}

impl<T: KeyServerTransport> Watching<'_, T> {
    fn valid(&self, server: Identifier, request: &PartialRequest, r: &PartialResponse) -> bool {
        let Some(keys) = self.schedule.node_keys(request.node()) else {
            return false;
        };
        let instance = DleqInstance {
            schedule: *self.schedule.digest(),
            node: request.node(),
            server,
            u: *request.u(),
            p: keys.verification_share(server),
            z: *r.z(),
        };
        r.server() == server
            && r.node() == request.node()
            && r.record_id() == request.record_id()
            && r.proof().verify(&instance).is_ok()
            && r.record_share().verify(self.header.commitments())
    }
}

impl<T: KeyServerTransport> KeyServerTransport for Watching<'_, T> {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        let answer = self.inner.partial_decrypt(server, request);
        match &answer {
            Ok(response) if !self.valid(server, request, response) => {
                self.misbehaving.borrow_mut().push(server);
            }
            Err(TransportError::Unreachable) => self.unreachable.borrow_mut().push(server),
            Err(TransportError::MalformedAnswer) => self.misbehaving.borrow_mut().push(server),
            _ => {}
        }
        answer
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        self.inner.store_record_share(server, request)
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        self.inner.shred(server, request)
    }
}

/// `server 2 (URL), server 3 (URL)`.
fn names(servers: &ServersFile, ids: &[Identifier]) -> String {
    ids.iter()
        .map(|id| server_name(servers, *id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `credkit record open`.
///
/// # Errors
/// A verification error (exit status 1) when the record cannot be opened, with a message
/// that says why: policy not satisfied, not yet valid, expired, shredded, authentication
/// failed, not enough servers; an input error for unreadable inputs; a usage error for an
/// existing output without `--force`.
pub fn run(args: &OpenArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.output.as_os_str() != STDIO {
        files::refuse_existing([args.output.as_path()], args.force)?;
    }
    let mut inputs = Inputs::default();
    let (key_name, key) = read_user_key(&mut inputs, &args.key)?;
    let servers = read_servers(&mut inputs, &args.servers)?;
    let (name, record) = read_record(&mut inputs, &args.input)?;
    let schedule = servers.schedule();
    check_schedule(&name, &record, schedule)?;
    let now = now()?;
    let http = servers.transport();
    let transport = Watching {
        inner: &http,
        schedule,
        header: record.header().epoch_header(),
        unreachable: RefCell::new(Vec::new()),
        misbehaving: RefCell::new(Vec::new()),
    };
    let plaintext = open_record(key.key(), schedule, &transport, &record, now).map_err(|e| {
        let fail = |message: String| CommandError::verification(format!("{name}: {message}"));
        match e {
            Error::PolicyNotSatisfied => {
                let attributes: Vec<String> = key.attributes().map(Attribute::to_string).collect();
                fail(
                    "policy not satisfied: the key's attributes do not satisfy the record's \
                      policy"
                        .into(),
                )
                .with_hint(format!(
                    "the record's policy is `{}`; {key_name} has the attributes {}",
                    record.header().policy(),
                    attributes.join(", ")
                ))
            }
            Error::NotYetValid { first } => fail(format!(
                "not yet valid: the record opens at {} UTC (now {})",
                format_hour(first),
                format_hour(now)
            ))
            .with_hint("try again inside the window"),
            Error::Expired { last } => fail(format!(
                "expired: the record's window ended with the hour {} UTC; its keys are erased",
                format_hour(last)
            )),
            Error::Shredded => fail("shredded: the record was destroyed early".into()),
            Error::RecordAuthentication | Error::HeaderMismatch => fail(
                "authentication failed: the record was changed or damaged, or sealed for \
                 another authority"
                    .into(),
            )
            .with_hint("nothing was written; ask the sender for the record again"),
            Error::MisbehavingServers(ids) => fail(format!(
                "not enough servers: misbehaving: {} (invalid answers); unreachable: {}",
                names(&servers, &ids),
                or_none(&names(&servers, &transport.unreachable.borrow()))
            )),
            Error::NotEnoughServers {
                needed,
                valid,
                unreachable,
                refused,
            } => {
                let refused: Vec<String> = refused
                    .iter()
                    .map(|(id, reason)| format!("{} ({reason})", server_name(&servers, *id)))
                    .collect();
                fail(format!(
                    "not enough servers: {valid} valid answers of the {needed} needed; \
                     unreachable: {}; refused: {}",
                    or_none(&names(&servers, &unreachable)),
                    or_none(&refused.join(", "))
                ))
                .with_hint(format!(
                    "start the unreachable servers, or check {}",
                    args.servers.display()
                ))
            }
            e => fail(e.to_string()),
        }
    })?;
    let misbehaving = transport.misbehaving.borrow();
    let unreachable = transport.unreachable.borrow();
    if !misbehaving.is_empty() || !unreachable.is_empty() {
        let mut parts = Vec::new();
        if !unreachable.is_empty() {
            parts.push(format!("unreachable: {}", names(&servers, &unreachable)));
        }
        if !misbehaving.is_empty() {
            parts.push(format!(
                "misbehaving (invalid answers): {}",
                names(&servers, &misbehaving)
            ));
        }
        // A warning that cannot be printed is no reason to withhold the file.
        let _ = writeln!(
            std::io::stderr(),
            "warning: opened with the other servers; {}",
            parts.join("; ")
        );
    }
    files::write_output_bytes(&args.output, &plaintext, args.force, true, out)?;
    Ok(Status::Success)
}

/// `none` for an empty list.
fn or_none(list: &str) -> &str {
    if list.is_empty() {
        "none"
    } else {
        list
    }
}
