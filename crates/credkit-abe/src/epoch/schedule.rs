//! The public key schedule: the tree, the horizon, the servers and every node's keys, signed
//! by every server.
//!
//! Encoding ([`Schedule::to_bytes`]; integers big-endian):
//!
//! ```text
//! body = 0x01 (version)
//!     || depth (1) || origin (8)                 the tree
//!     || horizon first (8) || horizon last (8)
//!     || min_signers (2) || max_signers (2)
//!     || max_signers x [identifier (2) || BLS public key (48)]     increasing identifiers
//!     || node count (4)
//!     || node count x [node (9) || min_signers x G1 (48)]          Feldman commitments
//! digest    = SHA-256(0x1d || "credkit-abe epoch schedule v1" || body)
//! signed    = 0x1d || "credkit-abe epoch schedule v1" || digest   (by each server, BLS)
//! schedule  = body || max_signers x signature (96)                 in server order
//! ```
//!
//! The nodes are exactly [`TreeParams::nodes_within`] the horizon, in that (canonical)
//! order. For each node the commitments `C_0 .. C_(t-1)` of its sharing polynomial are
//! published: `P_N = C_0`, and server `i`'s verification share `P_(N,i) = sum(C_k * i^k)` is
//! computed from them when needed. Publishing the commitments rather than `P_N` and `N`
//! verification shares is smaller when `t <= N` and makes the shares consistent by
//! construction: any `t` of them interpolate to `P_N`, which a list of independent points
//! would not guarantee.

use std::collections::BTreeMap;

use blstrs::G1Affine;
use credkit_core::encoding::{g1_to_bytes, G1_LEN, G2_LEN};
use credkit_threshold::bls::{PublicKey, Signature};
use credkit_threshold::{Commitments, Identifier};
use sha2::{Digest, Sha256};

use super::codec::{tag, Reader, VERSION};
use super::deletion::DeletionStatement;
use super::sharing::vartime_evaluate;
use super::tree::{NodeId, TreeParams, Window};
use crate::Error;

/// The domain tag of the schedule digest and of the servers' signatures on it.
pub const SCHEDULE_TAG: &[u8] = b"credkit-abe epoch schedule v1";

/// A key server's entry in the schedule: its identifier (the x-coordinate of its shares) and
/// the BLS public key that signs the schedule and its deletion statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKey {
    identifier: Identifier,
    public_key: PublicKey,
}

impl ServerKey {
    /// An entry from its parts.
    pub fn new(identifier: Identifier, public_key: PublicKey) -> Self {
        ServerKey {
            identifier,
            public_key,
        }
    }

    /// The server's identifier.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The server's signing key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
}

/// The public keys of one node.
#[derive(Clone, Copy, Debug)]
pub struct NodeKeys<'a> {
    node: NodeId,
    commitments: &'a Commitments,
}

impl NodeKeys<'_> {
    /// The node.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// `P_N = x_N * G`, the key a sealer encrypts to.
    pub fn public_key(&self) -> G1Affine {
        self.commitments.points()[0]
    }

    /// Server `identifier`'s verification share `P_(N,i) = x_(N,i) * G`, computed from the
    /// commitments (the caller checks that the identifier is a server of the schedule).
    pub fn verification_share(&self, identifier: Identifier) -> G1Affine {
        vartime_evaluate(self.commitments, identifier)
    }

    /// The Feldman commitments of the node's sharing polynomial.
    pub fn commitments(&self) -> &Commitments {
        self.commitments
    }
}

/// The published key schedule. Built by [`super::deal_schedule`] (signed by every server) or
/// decoded with [`Schedule::from_bytes`], which checks everything, signatures included: a
/// `Schedule` value is always complete and signed by all its servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    params: TreeParams,
    horizon: Window,
    min_signers: u16,
    /// Sorted by identifier, identifiers distinct.
    servers: Vec<ServerKey>,
    /// Exactly the nodes within the horizon.
    nodes: BTreeMap<NodeId, Commitments>,
    digest: [u8; 32],
    /// One per server, in the order of `servers`.
    signatures: Vec<Signature>,
}

impl Schedule {
    /// An unsigned schedule (the dealer's draft); `servers` sorted, `nodes` complete.
    pub(crate) fn unsigned(
        params: TreeParams,
        horizon: Window,
        min_signers: u16,
        servers: Vec<ServerKey>,
        nodes: BTreeMap<NodeId, Commitments>,
    ) -> Self {
        let mut schedule = Schedule {
            params,
            horizon,
            min_signers,
            servers,
            nodes,
            digest: [0; 32],
            signatures: Vec::new(),
        };
        schedule.digest = digest(&schedule.body());
        schedule
    }

    /// Attaches the servers' signatures (in server order) after checking each.
    pub(crate) fn attach_signatures(&mut self, signatures: Vec<Signature>) -> Result<(), Error> {
        self.signatures = signatures;
        self.verify_signatures()
    }

    /// The bytes each server signs: `0x1d || SCHEDULE_TAG || digest`.
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(&self.digest)
    }

    /// The tree.
    pub fn params(&self) -> &TreeParams {
        &self.params
    }

    /// The epochs for which node keys were dealt: a record's window must lie inside it.
    pub fn horizon(&self) -> Window {
        self.horizon
    }

    /// The threshold: how many servers must answer to open a record.
    pub fn min_signers(&self) -> u16 {
        self.min_signers
    }

    /// The number of servers.
    pub fn max_signers(&self) -> u16 {
        // Invariant: at most 65535 distinct nonzero u16 identifiers.
        u16::try_from(self.servers.len()).unwrap_or(u16::MAX)
    }

    /// The servers, by increasing identifier.
    pub fn servers(&self) -> &[ServerKey] {
        &self.servers
    }

    /// The signing key of server `identifier`, if it is one of the schedule's.
    pub fn server_key(&self, identifier: Identifier) -> Option<&PublicKey> {
        self.servers
            .binary_search_by_key(&identifier, ServerKey::identifier)
            .ok()
            .map(|i| &self.servers[i].public_key)
    }

    /// The schedule's digest, its identity: headers, requests and statements name it.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The servers' signatures on [`Schedule::signed_message`], in server order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The keys of `node`, if the schedule has them (the node lies within the horizon).
    pub fn node_keys(&self, node: NodeId) -> Option<NodeKeys<'_>> {
        self.nodes
            .get_key_value(&node)
            .map(|(node, commitments)| NodeKeys {
                node: *node,
                commitments,
            })
    }

    /// Every node of the schedule, in canonical order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.keys().copied()
    }

    /// Checks a deletion statement: it names this schedule and verifies under its server's
    /// key.
    ///
    /// # Errors
    /// [`Error::ScheduleMismatch`]; [`Error::InvalidDeletionStatement`] (also for an
    /// unknown server).
    pub fn verify_statement(&self, statement: &DeletionStatement) -> Result<(), Error> {
        if statement.schedule() != &self.digest {
            return Err(Error::ScheduleMismatch);
        }
        let key = self
            .server_key(statement.server())
            .ok_or(Error::InvalidDeletionStatement)?;
        statement.verify(key)
    }

    /// Checks every server's signature.
    fn verify_signatures(&self) -> Result<(), Error> {
        if self.signatures.len() != self.servers.len() {
            return Err(Error::MalformedEpochEncoding("one signature per server"));
        }
        let message = self.signed_message();
        for (server, signature) in self.servers.iter().zip(&self.signatures) {
            signature
                .verify(&server.public_key, &message)
                .map_err(|_| Error::InvalidScheduleSignature(server.identifier))?;
        }
        Ok(())
    }

    fn body(&self) -> Vec<u8> {
        let t = usize::from(self.min_signers);
        let mut out = Vec::with_capacity(
            42 + self.servers.len() * (2 + G1_LEN) + self.nodes.len() * (9 + t * G1_LEN),
        );
        out.push(VERSION);
        out.extend_from_slice(&self.params.to_bytes());
        out.extend_from_slice(&self.horizon.first().0.to_be_bytes());
        out.extend_from_slice(&self.horizon.last().0.to_be_bytes());
        out.extend_from_slice(&self.min_signers.to_be_bytes());
        out.extend_from_slice(&self.max_signers().to_be_bytes());
        for server in &self.servers {
            out.extend_from_slice(&server.identifier.get().to_be_bytes());
            out.extend_from_slice(&server.public_key.to_bytes());
        }
        // The dealer refuses horizons of more than u32::MAX nodes.
        out.extend_from_slice(&(self.nodes.len() as u32).to_be_bytes());
        for (node, commitments) in &self.nodes {
            out.extend_from_slice(&node.to_bytes());
            for point in commitments.points() {
                out.extend_from_slice(&g1_to_bytes(point));
            }
        }
        out
    }

    /// `body || signatures` (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.body();
        for signature in &self.signatures {
            out.extend_from_slice(&signature.to_bytes());
        }
        out
    }

    /// Decodes and checks [`Schedule::to_bytes`]: the version; a valid tree and a horizon
    /// inside it; `2 <= min_signers <= max_signers`; distinct increasing server identifiers
    /// and valid public keys; exactly the nodes within the horizon, in order, each with
    /// `min_signers` valid commitments (`C_0` not the identity); no trailing bytes; and every
    /// server's signature. The node count is checked against the horizon and the input
    /// length before anything is allocated for the nodes.
    ///
    /// Cost: about `nodes * min_signers` point decompressions with subgroup checks and
    /// `max_signers` signature verifications.
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`], [`Error::Encoding`], [`Error::Threshold`] (bad
    /// threshold, zero identifier), tree errors, [`Error::InvalidScheduleSignature`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Schedule, Error> {
        let mut r = Reader::versioned(bytes, "schedule truncated")?;
        let params = r.params()?;
        let horizon = Window::new(r.epoch()?, r.epoch()?)?;
        params.check_window(&horizon)?;
        let min_signers = r.u16()?;
        let max_signers = r.u16()?;
        if min_signers < 2 || min_signers > max_signers {
            return Err(Error::Threshold(
                credkit_threshold::Error::InvalidMinSigners {
                    min_signers,
                    max_signers,
                },
            ));
        }
        let mut servers: Vec<ServerKey> = Vec::with_capacity(usize::from(max_signers));
        for _ in 0..max_signers {
            let identifier = r.identifier()?;
            if servers.last().is_some_and(|s| s.identifier >= identifier) {
                return Err(Error::MalformedEpochEncoding(
                    "server identifiers not strictly increasing",
                ));
            }
            let public_key = PublicKey::from_bytes(r.take(G1_LEN)?)?;
            servers.push(ServerKey::new(identifier, public_key));
        }
        let count = u64::from(r.u32()?);
        if count != params.count_nodes_within(&horizon) {
            return Err(Error::MalformedEpochEncoding(
                "node count does not match the horizon",
            ));
        }
        let t = usize::from(min_signers);
        let per_node = (NodeId::BYTES + t * G1_LEN) as u64;
        let rest = (usize::from(max_signers) * G2_LEN) as u64;
        if count
            .checked_mul(per_node)
            .and_then(|n| n.checked_add(rest))
            != Some(r.remaining() as u64)
        {
            return Err(Error::MalformedEpochEncoding(
                "schedule length does not match its node count",
            ));
        }
        // Bounded by the input length, checked just above.
        let expected = params.nodes_within(horizon)?;
        let mut nodes = BTreeMap::new();
        for expected_node in expected {
            if r.node()? != expected_node {
                return Err(Error::MalformedEpochEncoding(
                    "schedule nodes are not the horizon's, in order",
                ));
            }
            let points = (0..t).map(|_| r.g1()).collect::<Result<Vec<_>, _>>()?;
            nodes.insert(expected_node, Commitments::new(points)?);
        }
        let signatures = (0..max_signers)
            .map(|_| Ok(Signature::from_bytes(r.take(G2_LEN)?)?))
            .collect::<Result<Vec<_>, Error>>()?;
        r.finish()?;
        let mut schedule = Schedule::unsigned(params, horizon, min_signers, servers, nodes);
        schedule.attach_signatures(signatures)?;
        Ok(schedule)
    }
}

fn digest(body: &[u8]) -> [u8; 32] {
    let mut prefix = Vec::with_capacity(1 + SCHEDULE_TAG.len());
    tag(&mut prefix, SCHEDULE_TAG);
    Sha256::new()
        .chain_update(&prefix)
        .chain_update(body)
        .finalize()
        .into()
}

pub(crate) fn signed_message(digest: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + SCHEDULE_TAG.len() + 32);
    tag(&mut out, SCHEDULE_TAG);
    out.extend_from_slice(digest);
    out
}
