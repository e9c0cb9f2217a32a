//! How a client reaches the key servers: a trait, and in-memory servers for tests and
//! examples.
//!
//! A transport carries the messages of [`super::messages`] to the server named by its
//! identifier and brings back its answer. It is responsible for the channel's
//! confidentiality and the servers' authentication (record shares and shred tokens travel in
//! these messages); the cryptography on top makes a server that answers wrongly detectable
//! and named, not a server that is impersonated by someone holding its shares.
//!
//! [`LocalServers`] holds the servers in memory behind mutexes, with a settable clock (the
//! servers' `now`), servers that can be taken down, and servers that can be made to lie.
//! Every request and answer goes through its byte encoding, as over a network.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use blstrs::G1Projective;
use credkit_core::SecretScalar;
use credkit_threshold::Identifier;
use ff::Field;
use group::{Curve, Group};

use super::deletion::DeletionStatement;
use super::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use super::server::{KeyServer, ServerError};
use super::sharing::RecordShare;
use super::tree::Epoch;

/// Why a request to a key server did not get a usable answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The server could not be reached (down, network error, timeout).
    #[error("server unreachable")]
    Unreachable,
    /// The server refused, saying why.
    #[error("refused: {0}")]
    Refused(ServerError),
    /// The server's answer could not be decoded: the server misbehaved.
    #[error("malformed answer")]
    MalformedAnswer,
}

/// The client's way to the key servers. Implementations must be safe to call for different
/// servers one after the other; a call that cannot reach its server returns
/// [`TransportError::Unreachable`] rather than blocking forever.
pub trait KeyServerTransport {
    /// Asks `server` for its partial decryption.
    ///
    /// # Errors
    /// [`TransportError`].
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError>;

    /// Asks `server` to store its record share.
    ///
    /// # Errors
    /// [`TransportError`].
    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError>;

    /// Asks `server` to shred a record.
    ///
    /// # Errors
    /// [`TransportError`].
    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError>;
}

/// A fault to inject into one of the [`LocalServers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// The server is unreachable.
    Down,
    /// The server answers `Z_i + G` instead of `Z_i` (its DLEQ proof no longer verifies).
    WrongPartial,
    /// The server answers a record share off by one.
    WrongRecordShare,
}

/// Key servers in memory: see the module documentation.
#[derive(Debug)]
pub struct LocalServers {
    servers: Vec<Mutex<KeyServer>>,
    now: AtomicU64,
    faults: Mutex<BTreeMap<Identifier, Fault>>,
}

impl LocalServers {
    /// The servers, with their clock at `now`.
    pub fn new(servers: Vec<KeyServer>, now: Epoch) -> Self {
        LocalServers {
            servers: servers.into_iter().map(Mutex::new).collect(),
            now: AtomicU64::new(now.0),
            faults: Mutex::new(BTreeMap::new()),
        }
    }

    /// The servers' clock.
    pub fn now(&self) -> Epoch {
        Epoch(self.now.load(Ordering::SeqCst))
    }

    /// Sets the servers' clock (it may go backwards, as a misconfigured clock would).
    pub fn set_now(&self, now: Epoch) {
        self.now.store(now.0, Ordering::SeqCst);
    }

    /// Injects a fault into `server`, or clears it with `None`.
    pub fn set_fault(&self, server: Identifier, fault: Option<Fault>) {
        let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        match fault {
            Some(fault) => faults.insert(server, fault),
            None => faults.remove(&server),
        };
    }

    /// Runs [`KeyServer::erase_expired`] at the clock's `now` on every server, down ones
    /// included (a server that is unreachable still runs its own erasure), and returns all
    /// the new statements.
    pub fn erase_expired(&self) -> Vec<DeletionStatement> {
        let now = self.now();
        self.servers
            .iter()
            .flat_map(|server| lock(server).erase_expired(now))
            .collect()
    }

    /// Runs `f` on `server`'s state, if there is such a server: for inspection in tests.
    pub fn with_server<R>(
        &self,
        server: Identifier,
        f: impl FnOnce(&mut KeyServer) -> R,
    ) -> Option<R> {
        self.servers
            .iter()
            .find(|s| lock(s).identifier() == server)
            .map(|s| f(&mut lock(s)))
    }

    fn fault(&self, server: Identifier) -> Option<Fault> {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&server)
            .copied()
    }

    /// The reachable server `server`, or `Unreachable`.
    fn reach(&self, server: Identifier) -> Result<&Mutex<KeyServer>, TransportError> {
        if self.fault(server) == Some(Fault::Down) {
            return Err(TransportError::Unreachable);
        }
        self.servers
            .iter()
            .find(|s| lock(s).identifier() == server)
            .ok_or(TransportError::Unreachable)
    }
}

fn lock(server: &Mutex<KeyServer>) -> std::sync::MutexGuard<'_, KeyServer> {
    // A panic while a test held the lock leaves the state as consistent as any crash would.
    server.lock().unwrap_or_else(PoisonError::into_inner)
}

fn refused_malformed<T>(_: crate::Error) -> Result<T, TransportError> {
    Err(TransportError::Refused(ServerError::MalformedRequest))
}

impl KeyServerTransport for LocalServers {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        let target = self.reach(server)?;
        let request = match PartialRequest::from_bytes(&request.to_bytes()) {
            Ok(request) => request,
            Err(e) => return refused_malformed(e),
        };
        let response = lock(target)
            .partial_decrypt(&request, self.now())
            .map_err(TransportError::Refused)?;
        let response = PartialResponse::from_bytes(&response.to_bytes())
            .map_err(|_| TransportError::MalformedAnswer)?;
        Ok(match self.fault(server) {
            Some(Fault::WrongPartial) => response
                .with_z((G1Projective::from(response.z()) + G1Projective::generator()).to_affine()),
            Some(Fault::WrongRecordShare) => {
                let share = response.record_share();
                let forged = RecordShare::new(
                    share.identifier(),
                    SecretScalar::new(share.value().expose() + blstrs::Scalar::ONE),
                    share.blinding().clone(),
                );
                response.with_record_share(forged)
            }
            _ => response,
        })
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        let target = self.reach(server)?;
        let request = match StoreRequest::from_bytes(&request.to_bytes()) {
            Ok(request) => request,
            Err(e) => return refused_malformed(e),
        };
        lock(target)
            .store_record_share(&request, self.now())
            .map_err(TransportError::Refused)
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        let target = self.reach(server)?;
        let request = match ShredRequest::from_bytes(&request.to_bytes()) {
            Ok(request) => request,
            Err(e) => return refused_malformed(e),
        };
        let statement = lock(target)
            .shred(&request, self.now())
            .map_err(TransportError::Refused)?;
        DeletionStatement::from_bytes(&statement.to_bytes())
            .map_err(|_| TransportError::MalformedAnswer)
    }
}
