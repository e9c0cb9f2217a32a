//! One key server: its node shares, the records' shred shares, erasure and its deletion log.
//!
//! The server never reads a clock: every method that depends on time takes `now`, the
//! current epoch, from its caller (a test's settable clock here; a background task in a
//! server process). It refuses
//!
//! - a node whose range has not started ([`ServerError::NodeNotYetValid`]): no partial
//!   decryption before the record's window;
//! - a node whose range has ended, or that it erased ([`ServerError::NodeExpired`]), even
//!   before [`KeyServer::erase_expired`] has run;
//! - a record that was shredded ([`ServerError::RecordShredded`]) or that it never stored
//!   ([`ServerError::UnknownRecord`]), and a node outside the record's window
//!   ([`ServerError::WindowMismatch`]).
//!
//! Secrets live in boxes ([`Box`]) inside the maps, so that rebalancing a map moves pointers,
//! not secrets; a box's secret is zeroized in place when it is dropped. Erasing removes the
//! entry (zeroizing it) and appends a statement signed with the server's BLS key to the
//! deletion log.

use core::fmt;
use std::collections::BTreeMap;

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::msm::vartime_multi_exp;
use credkit_core::SecretScalar;
use credkit_threshold::bls::{PublicKey, SecretKey, Signature};
use credkit_threshold::{Identifier, SigningShare};
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand_core::{CryptoRng, OsRng, RngCore};

use super::deletion::{DeletionReason, DeletionStatement, DeletionSubject, RecordId};
use super::dleq::{DleqInstance, DleqProof};
use super::messages::{
    record_binding, PartialRequest, PartialResponse, ShredRequest, StoreRequest,
};
use super::schedule::{signed_message, Schedule};
use super::sharing::RecordShare;
use super::tree::{Epoch, NodeId, TreeParams, Window};
use crate::Error;

/// Why a key server refused a request. Each has a one-byte wire code
/// ([`ServerError::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The request names another schedule.
    #[error("unknown schedule")]
    UnknownSchedule,
    /// The node is not within the schedule's horizon.
    #[error("unknown node")]
    UnknownNode,
    /// The node's range has not started.
    #[error("node not yet valid")]
    NodeNotYetValid,
    /// The node's range has ended, or its share was erased.
    #[error("node expired")]
    NodeExpired,
    /// No share of this record is stored here.
    #[error("unknown record")]
    UnknownRecord,
    /// The record was shredded.
    #[error("record shredded")]
    RecordShredded,
    /// Another share of this record is already stored.
    #[error("record already stored")]
    RecordExists,
    /// The node is not inside the record's window.
    #[error("node outside the record's window")]
    WindowMismatch,
    /// The record's window is not inside the schedule's horizon.
    #[error("window outside the horizon")]
    WindowOutsideHorizon,
    /// The record's window has already ended.
    #[error("window already ended")]
    WindowEnded,
    /// The record share does not match its commitments, or the commitments are not
    /// `min_signers` points.
    #[error("invalid record share")]
    InvalidRecordShare,
    /// The share is addressed to another server.
    #[error("share addressed to another server")]
    WrongServer,
    /// The shred token does not match the record's.
    #[error("unauthorized")]
    Unauthorized,
    /// The request could not be decoded.
    #[error("malformed request")]
    MalformedRequest,
    /// The request's record binding is not the stored record's: the reader's header was
    /// altered (its window or commitments), or belongs to another record.
    #[error("record mismatch")]
    RecordMismatch,
}

impl ServerError {
    const ALL: [ServerError; 15] = [
        ServerError::UnknownSchedule,
        ServerError::UnknownNode,
        ServerError::NodeNotYetValid,
        ServerError::NodeExpired,
        ServerError::UnknownRecord,
        ServerError::RecordShredded,
        ServerError::RecordExists,
        ServerError::WindowMismatch,
        ServerError::WindowOutsideHorizon,
        ServerError::WindowEnded,
        ServerError::InvalidRecordShare,
        ServerError::WrongServer,
        ServerError::Unauthorized,
        ServerError::MalformedRequest,
        ServerError::RecordMismatch,
    ];

    /// The wire code: 1 to 15, in the order of declaration.
    pub fn code(self) -> u8 {
        // Invariant: every variant is in ALL, which has 15 entries.
        Self::ALL
            .iter()
            .position(|e| *e == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The error of a wire code, if it is one.
    pub fn from_code(code: u8) -> Option<ServerError> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }
}

/// A server's share of one node secret, with its verification share `x_(N,i) * G`.
struct NodeShare {
    secret: SecretScalar,
    verification: G1Affine,
}

/// A stored record share.
struct StoredRecord {
    share: RecordShare,
    window: Window,
    shred_digest: [u8; 32],
    binding: [u8; 32],
}

/// One key server's state. `Debug` shows no secret.
pub struct KeyServer {
    identifier: Identifier,
    signing_key: SecretKey,
    params: TreeParams,
    horizon: Window,
    min_signers: u16,
    schedule: [u8; 32],
    nodes: BTreeMap<NodeId, Box<NodeShare>>,
    records: BTreeMap<RecordId, Box<StoredRecord>>,
    /// Shredded records and their windows, kept until the window ends so that a request is
    /// answered `RecordShredded` rather than `UnknownRecord`.
    shredded: BTreeMap<RecordId, Window>,
    log: Vec<DeletionStatement>,
}

impl KeyServer {
    /// A server with its node shares, before the schedule is fixed (the dealer's step).
    pub(crate) fn new(
        identifier: Identifier,
        signing_key: SecretKey,
        params: TreeParams,
        horizon: Window,
        min_signers: u16,
    ) -> Self {
        KeyServer {
            identifier,
            signing_key,
            params,
            horizon,
            min_signers,
            schedule: [0; 32],
            nodes: BTreeMap::new(),
            records: BTreeMap::new(),
            shredded: BTreeMap::new(),
            log: Vec::new(),
        }
    }

    /// Takes a node share from the dealer (its verification share is set from the schedule
    /// by [`KeyServer::accept_schedule`]).
    pub(crate) fn insert_node_share(&mut self, node: NodeId, share: &SigningShare) {
        self.nodes.insert(
            node,
            Box::new(NodeShare {
                secret: share.secret().clone(),
                verification: G1Affine::identity(),
            }),
        );
    }

    /// Checks the schedule against this server's state (tree, horizon, threshold, its own
    /// entry, the node list, and every node share against the published commitments), adopts
    /// its digest and its verification shares, and signs the digest.
    ///
    /// The shares are checked all at once: with random 64-bit `rho_N`,
    /// `(sum rho_N x_(N,i)) * G == sum rho_N P_(N,i)`, one constant-time multiplication and
    /// one multi-scalar multiplication of public points instead of one multiplication per
    /// node; a wrong share passes with probability at most 2^-64.
    pub(crate) fn accept_schedule(
        &mut self,
        rng: &mut (impl RngCore + CryptoRng),
        schedule: &Schedule,
    ) -> Result<Signature, Error> {
        self.adopt_schedule(rng, schedule, true)?;
        Ok(self.signing_key.sign(&signed_message(schedule.digest())))
    }

    /// [`KeyServer::accept_schedule`] without the signature; with `all_nodes` false the
    /// server may hold a subset of the schedule's nodes (a server restored after erasures).
    pub(crate) fn adopt_schedule(
        &mut self,
        rng: &mut (impl RngCore + CryptoRng),
        schedule: &Schedule,
        all_nodes: bool,
    ) -> Result<(), Error> {
        let nodes_match = if all_nodes {
            schedule.nodes().eq(self.nodes.keys().copied())
        } else {
            self.nodes
                .keys()
                .all(|node| schedule.node_keys(*node).is_some())
        };
        if schedule.params() != &self.params
            || schedule.horizon() != self.horizon
            || schedule.min_signers() != self.min_signers
            || schedule.server_key(self.identifier) != Some(self.signing_key.public_key())
            || !nodes_match
        {
            return Err(Error::ScheduleMismatch);
        }
        let mut weighted_secret = SecretScalar::new(Scalar::ZERO);
        let mut points = Vec::with_capacity(self.nodes.len());
        let mut weights = Vec::with_capacity(self.nodes.len());
        for (node, share) in &mut self.nodes {
            let keys = schedule.node_keys(*node).ok_or(Error::ScheduleMismatch)?;
            share.verification = keys.verification_share(self.identifier);
            let rho = Scalar::from(rng.next_u64());
            weighted_secret =
                SecretScalar::new(weighted_secret.expose() + rho * share.secret.expose());
            points.push(G1Projective::from(share.verification));
            weights.push(rho);
        }
        if !points.is_empty() {
            let left = G1Projective::generator() * weighted_secret.expose();
            if left != vartime_multi_exp(&points, &weights)? {
                return Err(Error::Threshold(credkit_threshold::Error::InvalidShare(
                    self.identifier,
                )));
            }
        }
        self.schedule = *schedule.digest();
        Ok(())
    }

    // ---- crate-internal access for the state directory (`super::store`) ----

    /// Takes a node share read back from storage (checked by
    /// [`KeyServer::adopt_schedule`]).
    pub(crate) fn insert_node_secret(&mut self, node: NodeId, secret: SecretScalar) {
        self.nodes.insert(
            node,
            Box::new(NodeShare {
                secret,
                verification: G1Affine::identity(),
            }),
        );
    }

    /// The server's share of `node`, to be written to storage.
    pub(crate) fn node_secret(&self, node: NodeId) -> Option<&SecretScalar> {
        self.nodes.get(&node).map(|share| &share.secret)
    }

    /// The long-term BLS signing key, to be written to storage.
    pub(crate) fn signing_key(&self) -> &SecretKey {
        &self.signing_key
    }

    /// Restores a stored record share: every check of
    /// [`KeyServer::store_record_share`] except the clock's.
    pub(crate) fn restore_record(&mut self, request: &StoreRequest) -> Result<(), ServerError> {
        self.store_checked(request, None)
    }

    /// Whether the record stored under the request's id is exactly the request's (share,
    /// binding, token digest).
    pub(crate) fn stores_request(&self, request: &StoreRequest) -> bool {
        let binding = record_binding(
            &self.schedule,
            request.record_id(),
            request.window(),
            request.commitments(),
        );
        self.records.get(request.record_id()).is_some_and(|stored| {
            stored.share == *request.share()
                && stored.binding == binding
                && stored.shred_digest == *request.shred_digest()
                && stored.window == request.window()
        })
    }

    /// The window of a record remembered as shredded.
    pub(crate) fn shredded_window(&self, record_id: &RecordId) -> Option<Window> {
        self.shredded.get(record_id).copied()
    }

    /// Remembers a record as shredded (restored from storage).
    pub(crate) fn restore_shredded(&mut self, record_id: RecordId, window: Window) {
        self.shredded.insert(record_id, window);
    }

    /// The shredded records remembered, with their windows.
    pub(crate) fn shredded_records(&self) -> impl Iterator<Item = (&RecordId, &Window)> + '_ {
        self.shredded.iter()
    }

    /// Appends a statement read back from storage to the log.
    pub(crate) fn restore_statement(&mut self, statement: DeletionStatement) {
        self.log.push(statement);
    }

    /// The server's identifier.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The server's BLS public key (in the schedule).
    pub fn public_key(&self) -> &PublicKey {
        self.signing_key.public_key()
    }

    /// The digest of the schedule the server serves.
    pub fn schedule_digest(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// Whether the server still holds its share of `node`.
    pub fn holds_node(&self, node: NodeId) -> bool {
        self.nodes.contains_key(&node)
    }

    /// The nodes whose shares the server holds, in canonical order.
    pub fn held_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.keys().copied()
    }

    /// Whether the server holds a share of the record.
    pub fn holds_record(&self, record_id: &RecordId) -> bool {
        self.records.contains_key(record_id)
    }

    /// The records whose shares the server holds.
    pub fn held_records(&self) -> impl Iterator<Item = &RecordId> + '_ {
        self.records.keys()
    }

    /// Every deletion statement the server made, oldest first.
    pub fn deletion_log(&self) -> &[DeletionStatement] {
        &self.log
    }

    /// [`KeyServer::partial_decrypt_with_rng`] with the operating system's RNG (the DLEQ
    /// nonce is hedged with the share and the request).
    ///
    /// # Errors
    /// As [`KeyServer::partial_decrypt_with_rng`].
    pub fn partial_decrypt(
        &self,
        request: &PartialRequest,
        now: Epoch,
    ) -> Result<PartialResponse, ServerError> {
        self.partial_decrypt_with_rng(&mut OsRng, request, now)
    }

    /// `Z_i = x_(N,i) * U` (constant-time multiplication), its DLEQ proof against
    /// `P_(N,i)`, and the server's share of the record's shred secret.
    ///
    /// # Errors
    /// In this order: [`ServerError::UnknownSchedule`], [`ServerError::UnknownNode`] (not
    /// within the horizon), [`ServerError::NodeNotYetValid`] (`now` before the node's
    /// range), [`ServerError::NodeExpired`] (`now` after it, or the share erased),
    /// [`ServerError::RecordShredded`], [`ServerError::UnknownRecord`],
    /// [`ServerError::RecordMismatch`] (another record binding),
    /// [`ServerError::WindowMismatch`] (the node is not inside the record's window).
    pub fn partial_decrypt_with_rng(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        request: &PartialRequest,
        now: Epoch,
    ) -> Result<PartialResponse, ServerError> {
        if request.schedule() != &self.schedule {
            return Err(ServerError::UnknownSchedule);
        }
        let node = request.node();
        let range = node
            .range(&self.params)
            .ok()
            .filter(|range| self.horizon.includes(range))
            .ok_or(ServerError::UnknownNode)?;
        if now < range.first() {
            return Err(ServerError::NodeNotYetValid);
        }
        if range.last() < now {
            return Err(ServerError::NodeExpired);
        }
        let share = self.nodes.get(&node).ok_or(ServerError::NodeExpired)?;
        if self.shredded.contains_key(request.record_id()) {
            return Err(ServerError::RecordShredded);
        }
        let record = self
            .records
            .get(request.record_id())
            .ok_or(ServerError::UnknownRecord)?;
        if request.binding() != &record.binding {
            return Err(ServerError::RecordMismatch);
        }
        if !record.window.includes(&range) {
            return Err(ServerError::WindowMismatch);
        }
        let u = *request.u();
        let z = (G1Projective::from(u) * share.secret.expose()).to_affine();
        let instance = DleqInstance {
            schedule: self.schedule,
            node,
            server: self.identifier,
            u,
            p: share.verification,
            z,
        };
        let proof = DleqProof::prove(rng, &instance, &share.secret);
        // Z is not the identity: U is not and the share is nonzero except with negligible
        // probability; a zero share would be refused here rather than answered.
        PartialResponse::new(*request.record_id(), node, z, proof, record.share.clone())
            .map_err(|_| ServerError::NodeExpired)
    }

    /// Stores this server's share of a record's shred secret until the record's window ends.
    /// Storing the same share again is accepted (a retry).
    ///
    /// # Errors
    /// [`ServerError::UnknownSchedule`], [`ServerError::WrongServer`],
    /// [`ServerError::WindowOutsideHorizon`], [`ServerError::WindowEnded`] (`last < now`),
    /// [`ServerError::RecordShredded`], [`ServerError::RecordExists`] (another share),
    /// [`ServerError::InvalidRecordShare`] (not `min_signers` commitments, or the share is
    /// off them).
    pub fn store_record_share(
        &mut self,
        request: &StoreRequest,
        now: Epoch,
    ) -> Result<(), ServerError> {
        self.store_checked(request, Some(now))
    }

    /// [`KeyServer::store_record_share`], with the clock's check only if `now` is given.
    fn store_checked(
        &mut self,
        request: &StoreRequest,
        now: Option<Epoch>,
    ) -> Result<(), ServerError> {
        if request.schedule() != &self.schedule {
            return Err(ServerError::UnknownSchedule);
        }
        if request.share().identifier() != self.identifier {
            return Err(ServerError::WrongServer);
        }
        let window = request.window();
        if !self.horizon.includes(&window) {
            return Err(ServerError::WindowOutsideHorizon);
        }
        if now.is_some_and(|now| window.last() < now) {
            return Err(ServerError::WindowEnded);
        }
        let record_id = *request.record_id();
        if self.shredded.contains_key(&record_id) {
            return Err(ServerError::RecordShredded);
        }
        let binding = record_binding(&self.schedule, &record_id, window, request.commitments());
        if let Some(stored) = self.records.get(&record_id) {
            return if stored.share == *request.share()
                && stored.binding == binding
                && stored.shred_digest == *request.shred_digest()
            {
                Ok(())
            } else {
                Err(ServerError::RecordExists)
            };
        }
        if request.commitments().min_signers() != usize::from(self.min_signers)
            || !request.share().verify(request.commitments())
        {
            return Err(ServerError::InvalidRecordShare);
        }
        self.records.insert(
            record_id,
            Box::new(StoredRecord {
                share: request.share().clone(),
                window,
                shred_digest: *request.shred_digest(),
                binding,
            }),
        );
        Ok(())
    }

    /// Shreds a record: erases (zeroizes) this server's share of its shred secret, remembers
    /// the record as shredded until its window ends, and returns the signed statement.
    /// Shredding a shredded record again returns the first statement.
    ///
    /// # Errors
    /// [`ServerError::UnknownSchedule`], [`ServerError::UnknownRecord`],
    /// [`ServerError::Unauthorized`] (wrong shred token).
    pub fn shred(
        &mut self,
        request: &ShredRequest,
        now: Epoch,
    ) -> Result<DeletionStatement, ServerError> {
        if request.schedule() != &self.schedule {
            return Err(ServerError::UnknownSchedule);
        }
        let record_id = *request.record_id();
        let subject = DeletionSubject::Record(record_id);
        if self.shredded.contains_key(&record_id) {
            if let Some(statement) = self
                .log
                .iter()
                .rev()
                .find(|s| s.subject() == subject && s.reason() == DeletionReason::Shredded)
            {
                return Ok(statement.clone());
            }
        }
        let record = self
            .records
            .get(&record_id)
            .ok_or(ServerError::UnknownRecord)?;
        if !request.authorizes(&record.shred_digest) {
            return Err(ServerError::Unauthorized);
        }
        let window = record.window;
        // Dropping the box zeroizes the share where it lies.
        drop(self.records.remove(&record_id));
        self.shredded.insert(record_id, window);
        Ok(self.log_deletion(subject, now, DeletionReason::Shredded))
    }

    /// Erases (zeroizes) every node share whose range ended before `now` and every record
    /// share whose window ended before `now`, forgets shredded records whose window ended,
    /// and returns the new signed statements (one per erased secret; empty if nothing
    /// ended). Cost: one BLS signature per erased secret; a full scan of the shares.
    pub fn erase_expired(&mut self, now: Epoch) -> Vec<DeletionStatement> {
        let params = self.params;
        let ended_nodes: Vec<NodeId> = self
            .nodes
            .keys()
            .filter(|node| node.range(&params).is_ok_and(|r| r.last() < now))
            .copied()
            .collect();
        let ended_records: Vec<RecordId> = self
            .records
            .iter()
            .filter(|(_, record)| record.window.last() < now)
            .map(|(id, _)| *id)
            .collect();
        self.shredded.retain(|_, window| window.last() >= now);
        let mut statements = Vec::with_capacity(ended_nodes.len() + ended_records.len());
        for node in ended_nodes {
            drop(self.nodes.remove(&node));
            statements.push(self.log_deletion(
                DeletionSubject::Node(node),
                now,
                DeletionReason::Expired,
            ));
        }
        for record in ended_records {
            drop(self.records.remove(&record));
            statements.push(self.log_deletion(
                DeletionSubject::Record(record),
                now,
                DeletionReason::Expired,
            ));
        }
        statements
    }

    fn log_deletion(
        &mut self,
        subject: DeletionSubject,
        now: Epoch,
        reason: DeletionReason,
    ) -> DeletionStatement {
        let statement = DeletionStatement::sign(
            &self.signing_key,
            self.schedule,
            self.identifier,
            subject,
            now,
            reason,
        );
        self.log.push(statement.clone());
        statement
    }
}

impl fmt::Debug for KeyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyServer")
            .field("identifier", &self.identifier)
            .field("node_shares", &self.nodes.len())
            .field("record_shares", &self.records.len())
            .field("deletions", &self.log.len())
            .finish_non_exhaustive()
    }
}
