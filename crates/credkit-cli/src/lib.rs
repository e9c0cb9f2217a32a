//! # credkit-cli
//!
//! The `credkit` command-line tool. `src/main.rs` parses the command line, dispatches to a
//! command and decides what is printed on error and with which exit status; the command line
//! ([`cli`]), the commands ([`commands`]) and their error type ([`error`]) live here, where
//! unit tests reach them:
//!
//! - `credkit keygen`, `pubkey`, `request`, `issue`, `present`, `verify`: an issuer's keys, a
//!   holder's requests and secrets, credentials (plain or holder-bound) and presentations as
//!   files ([`commands::keygen`], [`commands::pubkey`], [`commands::request`],
//!   [`commands::issue`], [`commands::present`], [`commands::verify`]), read and written by
//!   [`files`];
//! - `credkit group deal|dkg|pop|sign|combine|verify`: threshold BLS group keys and
//!   signatures ([`commands::group`]);
//! - `credkit upload prepare|sign|seal|verify`: anonymous uploads that a group signs and a
//!   collector accepts once ([`commands::upload`]); their files, and the group's, are the
//!   documents of [`group_files`], whose parsers are public for fuzzing;
//! - `credkit abe setup|pubkey|keygen|encrypt|decrypt`: attribute-based encryption of files
//!   under policies such as `role:cardiologist and hospital:H1` ([`commands::abe`]); its keys
//!   and envelopes are the formats of [`abe_files`], whose parsers are public for fuzzing;
//! - `credkit epoch init|serve`: the threshold epoch key service of time-bound records: the
//!   dealer ceremony and one key server over HTTP ([`commands::epoch`]), whose protocol is
//!   [`epoch_wire`];
//! - `credkit record seal|open|shred|inspect`: time-bound self-destructing records, opened
//!   with an ABE key and the key servers of an epoch schedule, reached over HTTP
//!   ([`commands::record`], [`http_transport`]);
//! - `credkit vectors PATH...`: runs fixture files of the published IETF BBS format
//!   ([`commands::vectors`]);
//! - `credkit bench`: times the BBS and threshold operations and the curve operations beneath them
//!   ([`commands::bench`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod abe_files;
pub mod cli;
pub mod commands;
mod documents;
pub mod epoch_wire;
pub mod error;
pub mod files;
pub mod group_files;
pub mod http_transport;

pub use error::{CommandError, CommandErrorKind};
