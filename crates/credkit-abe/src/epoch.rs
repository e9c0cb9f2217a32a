//! The epoch key service: the expiry layer of a time-bound record.
//!
//! Time is cut into epochs (hours), the leaves of a binary tree ([`tree`]). For every node of
//! the tree inside a horizon, a dealer draws a secret `x_N`, Shamir-shares it among
//! `max_signers` key servers (any `min_signers` of them suffice) and publishes `P_N = x_N * G`
//! with Feldman commitments in a [`Schedule`] that every server signs ([`deal_schedule`]).
//! A record sealed for a window `[first, last]` masks its epoch key `K_ep` once for each node
//! of the window's minimal cover (at most `2 * depth - 2` nodes) with `r * P_N`, and shares a
//! per-record shred secret among the servers ([`seal`]). Inside the window a reader asks the
//! servers for `x_(N,i) * U` for the cover node holding the current epoch, checks each answer
//! with its DLEQ proof ([`dleq`]) and combines `min_signers` of them ([`open`]). Each server
//! erases (zeroizes) a node's share once its range has ended and signs a deletion statement
//! ([`KeyServer::erase_expired`]): after the window nobody can open the record, its readers
//! included. Shredding erases one record's shred shares early ([`shred`]).
//!
//! The servers are library objects ([`KeyServer`]) reached through a [`KeyServerTransport`];
//! [`LocalServers`] keeps them in memory with a settable clock; [`StateDir`] keeps one
//! server's state on disk, one file per secret, so that erasure deletes files ([`store`]).
//! Every message and stored structure has a canonical byte encoding ([`messages`],
//! [`EpochHeader`], [`Schedule`], [`DeletionStatement`]); SPEC.md §6.3 documents them byte
//! by byte, with the trust assumptions and limits.
//!
//! - Constant time where secrets are multiplied: `x_(N,i) * U` and the DLEQ nonce (blst's
//!   constant-time multiplication), `r * P_N` and `r * G` at sealing, Pedersen commitments and
//!   share checks ([`credkit_core::msm::ct_multi_exp`]), the combination of partial
//!   decryptions. Proof verification and commitment evaluation work on public data in
//!   variable time.
//! - Node shares, record shares, `K_ep`, the record secret and shred tokens are zeroized on
//!   drop and redacted in `Debug`; copies made during arithmetic are not (see SPEC.md §2.6).
//!
//! ```
//! use credkit_abe::epoch::{
//!     deal_schedule, open, seal, Epoch, Fault, LocalServers, TreeParams, Window,
//! };
//! use credkit_abe::Error;
//! use credkit_threshold::Identifier;
//!
//! let mut rng = rand_core::OsRng;
//! // Hourly epochs from 1000 on, a tree of 2^8 hours; keys dealt for epochs 1000..=1031
//! // to 3 servers, any 2 of which open a record.
//! let params = TreeParams::new(8, Epoch(1000))?;
//! let horizon = Window::new(Epoch(1000), Epoch(1031))?;
//! let (schedule, servers) = deal_schedule(&mut rng, params, horizon, 2, 3)?;
//! let servers = LocalServers::new(servers, Epoch(1000));
//!
//! // A record readable during epochs 1003..=1010.
//! let window = Window::new(Epoch(1003), Epoch(1010))?;
//! let sealed = seal(&mut rng, &schedule, &servers, [7; 16], window)?;
//! let header = &sealed.header;
//!
//! // Too early; then inside the window, even with server 3 down.
//! assert_eq!(
//!     open(&schedule, &servers, header, Epoch(1002)).unwrap_err(),
//!     Error::NotYetValid { first: Epoch(1003) }
//! );
//! servers.set_now(Epoch(1005));
//! servers.set_fault(Identifier::new(3)?, Some(Fault::Down));
//! let opened = open(&schedule, &servers, header, Epoch(1005))?;
//! assert_eq!(opened.secrets, sealed.secrets);
//!
//! // After the window the servers erase the nodes: gone for everyone.
//! servers.set_now(Epoch(1011));
//! servers.erase_expired();
//! assert_eq!(
//!     open(&schedule, &servers, header, Epoch(1011)).unwrap_err(),
//!     Error::Expired { last: Epoch(1010) }
//! );
//! // Even a reader whose clock is behind: the servers refuse, having erased the node.
//! assert_eq!(
//!     open(&schedule, &servers, header, Epoch(1010)).unwrap_err(),
//!     Error::Expired { last: Epoch(1010) }
//! );
//! # Ok::<(), Error>(())
//! ```

mod client;
mod codec;
mod deletion;
pub mod dleq;
mod header;
pub mod messages;
mod schedule;
mod server;
mod setup;
mod sharing;
pub mod store;
mod transport;
pub mod tree;

pub use client::{
    open, seal, seal_with_min_stored, shred, EpochSecrets, Opened, Sealed, ShredToken, H2_TAG,
    RECORD_SECRET_TAG,
};
pub use deletion::{DeletionReason, DeletionStatement, DeletionSubject, RecordId, DELETION_TAG};
pub use header::EpochHeader;
pub use schedule::{NodeKeys, Schedule, ServerKey, SCHEDULE_TAG};
pub use server::{KeyServer, ServerError};
pub use setup::{deal_schedule, deal_schedule_with_keys};
pub use sharing::{pedersen_generator, RecordShare, PEDERSEN_GENERATOR_DST};
pub use store::StateDir;
pub use transport::{Fault, KeyServerTransport, LocalServers, TransportError};
pub use tree::{Epoch, NodeId, TreeParams, Window, EPOCH_SECONDS, MAX_DEPTH};
