//! The command line: `credkit <COMMAND> [ARGS]`, as clap derives it.

use clap::{Parser, Subcommand, ValueEnum};
use credkit_bbs::credential::{SuiteId, MAX_CONTEXT_LEN};

use crate::commands::abe::AbeArgs;
use crate::commands::bench::BenchArgs;
use crate::commands::epoch::EpochArgs;
use crate::commands::group::GroupArgs;
use crate::commands::issue::IssueArgs;
use crate::commands::keygen::KeygenArgs;
use crate::commands::present::PresentArgs;
use crate::commands::pubkey::PubkeyArgs;
use crate::commands::record::RecordArgs;
use crate::commands::request::RequestArgs;
use crate::commands::upload::UploadArgs;
use crate::commands::vectors::VectorsArgs;
use crate::commands::verify::VerifyArgs;

/// Privacy-preserving credentials on BLS12-381: IETF BBS credentials, threshold BLS group
/// signatures and anonymous uploads, attribute-based encryption.
#[derive(Debug, Parser)]
#[command(name = "credkit", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make an issuer's key: the secret key to a file (mode 0600), the public key to stdout.
    ///
    /// The file is created new; an existing one is replaced only with --force. A secret key is
    /// never written to standard output.
    Keygen(KeygenArgs),
    /// Print the public key of a secret key file, as a credkit document, a JWK or a Multikey.
    Pubkey(PubkeyArgs),
    /// Ask for a holder-bound credential: a request for the issuer, and the holder's secret
    /// (to a file, mode 0600) without which the credential cannot be presented.
    ///
    /// The request commits to fresh pseudonym secrets and names the schema; the issuer answers
    /// it with `credkit issue --request`.
    Request(RequestArgs),
    /// Issue a credential: sign every attribute of a schema with the issuer's secret key.
    ///
    /// Signing is deterministic: the same key, schema and attributes give the same credential.
    /// With --request, the credential is bound to the holder's secret (and random).
    Issue(IssueArgs),
    /// Present a credential: disclose some of its attributes to one verifier.
    ///
    /// The credential's signature is checked first. The presentation is bound to the
    /// verifier's nonce and id; two presentations of one credential cannot be linked. A
    /// holder-bound credential needs the holder's --secret and the verifier's
    /// --pseudonym-context, and shows the holder's pseudonym for that context.
    Present(PresentArgs),
    /// Verify a presentation against the trusted issuer key, the nonce and the verifier id.
    ///
    /// Prints the disclosed attributes, one `name: value` line each in schema order, then,
    /// for a holder-bound presentation, `pseudonym: HEX`. Exits with 0 when the presentation
    /// verifies, 1 when it does not, 2 when an input cannot be read.
    Verify(VerifyArgs),
    /// Threshold group keys and signatures: any T of a group's N members sign together.
    ///
    /// `group deal` or `group dkg` makes the key (group.json, `member-<i>.key`), `group sign`
    /// makes a member's partial signature, `group combine` the group's signature, `group
    /// verify` checks it.
    Group(GroupArgs),
    /// Anonymous uploads: a group signs an envelope, a collector accepts it once.
    ///
    /// `upload prepare` fixes the fields, members `upload sign` them, a combiner `upload
    /// seal`s the envelope, and the collector `upload verify`s it against its nonce store.
    Upload(UploadArgs),
    /// Attribute-based encryption: files that only keys with the right attributes can open.
    ///
    /// `abe setup` makes an authority's key, `abe keygen` a user's key for attributes such as
    /// 'role:cardiologist, hospital:H1', `abe encrypt` a file under a policy such as
    /// 'role:cardiologist and hospital:H1', and `abe decrypt` opens it with a key whose
    /// attributes satisfy the policy.
    Abe(AbeArgs),
    /// Time-bound self-destructing records: readable by a policy's attributes, and only
    /// during a window of UTC hours.
    ///
    /// `record seal` encrypts a file for a policy and a window with the key servers of
    /// servers.json, `record open` decrypts it with a user key and any T of the N servers,
    /// `record shred` destroys one record early, `record inspect` shows its header.
    Record(RecordArgs),
    /// The epoch key service of time-bound records: key servers that erase their shares as
    /// the hours pass.
    ///
    /// `epoch init` deals a schedule to N servers (a state directory each, and servers.json
    /// for clients), `epoch serve` runs one server over HTTP.
    Epoch(EpochArgs),
    /// Run fixture files of the published IETF BBS format and report each one.
    ///
    /// Folders are searched recursively for `*.json` files. The ciphersuite of a file is the
    /// name of its nearest ancestor folder, `bls12-381-sha-256` or `bls12-381-shake-256`.
    /// Prints `PASS`, `FAIL` or `SKIP` per file, then `N passed, N failed`. Exits with 0 when
    /// nothing failed, 1 otherwise.
    Vectors(VectorsArgs),
    /// Time BBS (sign, verify, proofs), threshold operations (partial signatures, batch
    /// checks, combination, group verification, upload batches) and attribute-based
    /// encryption (key generation, encryption, decryption) on this machine, beside the curve
    /// operations they are built from.
    ///
    /// Reports the median of repeated runs. Build with `--release` for meaningful numbers.
    Bench(BenchArgs),
}

/// A ciphersuite, as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuiteArg {
    /// BLS12-381-SHA-256.
    Sha256,
    /// BLS12-381-SHAKE-256.
    Shake256,
}

impl SuiteArg {
    /// The suite of the credential documents.
    pub fn id(self) -> SuiteId {
        match self {
            SuiteArg::Sha256 => SuiteId::Sha256,
            SuiteArg::Shake256 => SuiteId::Shake256,
        }
    }

    /// The argument naming the suite of the credential documents.
    pub fn from_id(suite: SuiteId) -> Self {
        match suite {
            SuiteId::Sha256 => SuiteArg::Sha256,
            SuiteId::Shake256 => SuiteArg::Shake256,
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SuiteArg::Sha256 => "sha256",
            SuiteArg::Shake256 => "shake256",
        }
    }
}

/// Parses a pseudonym context given on the command line: its UTF-8 bytes, 1 to 255 of them.
///
/// # Errors
/// The message clap prints after `invalid value ... for '--pseudonym-context <ID>'`.
pub fn pseudonym_context(text: &str) -> Result<String, String> {
    if text.is_empty() || text.len() > MAX_CONTEXT_LEN {
        return Err(format!(
            "a pseudonym context is 1 to {MAX_CONTEXT_LEN} bytes of UTF-8"
        ));
    }
    Ok(text.to_owned())
}

/// The forms of an issuer public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// The credkit public-key document (SPEC.md §4), which names the suite.
    Json,
    /// A JWK: `{"kty": "OKP", "crv": "BLS12381G2", "x": ..., "kid": ...}`.
    Jwk,
    /// A Multikey: `z` and base58btc of the multicodec 0xeb01 and the key, on one line.
    Multikey,
}
