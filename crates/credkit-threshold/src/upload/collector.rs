//! The collector: verifies uploads under one group key and refuses replays.

use core::time::Duration;

use blstrs::G2Affine;
use rand_core::{CryptoRng, OsRng, RngCore};

use super::batch::invalid_signatures;
use super::envelope::{Envelope, GroupId};
use super::store::{NonceEntry, NonceStore};
use crate::bls::PublicKey;
use crate::Error;

/// Default [`Collector::with_max_age`]: one day, for devices that upload when they are
/// next online.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Default [`Collector::with_max_clock_skew`]: five minutes.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// Accepts the uploads of one group: checks each envelope against the group key and the
/// clock, and records its nonce in a [`NonceStore`] so that no envelope is accepted twice.
///
/// An envelope with timestamp `t` is fresh at time `now` when
/// `now - max_age <= t <= now + max_clock_skew`. Its nonce is kept until `t + max_age`, after
/// which the freshness check alone refuses it. Raising `max_age` on an existing store is
/// safe only for nonces recorded after the change: nonces pruned under the old setting are
/// gone.
///
/// An upload is reported [`Error::Replay`] once its nonce is recorded. An application that
/// must not lose an upload to a crash between [`Collector::accept`] and its own write of the
/// payload stores the payload, keyed by the nonce, before it calls `accept`.
#[derive(Debug)]
pub struct Collector<S: NonceStore> {
    group_public_key: PublicKey,
    group_id: GroupId,
    store: S,
    max_age: u64,
    max_clock_skew: u64,
}

impl<S: NonceStore> Collector<S> {
    /// A collector for the group of `group_public_key`, whose id it derives
    /// ([`GroupId::from_public_key`]), with the default time window.
    pub fn new(group_public_key: PublicKey, store: S) -> Self {
        Collector {
            group_id: GroupId::from_public_key(&group_public_key),
            group_public_key,
            store,
            max_age: DEFAULT_MAX_AGE.as_secs(),
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW.as_secs(),
        }
    }

    /// The oldest an upload may be (whole seconds).
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age.as_secs();
        self
    }

    /// How far in the future an upload's timestamp may be (whole seconds), for senders
    /// whose clocks run ahead.
    pub fn with_max_clock_skew(mut self, max_clock_skew: Duration) -> Self {
        self.max_clock_skew = max_clock_skew.as_secs();
        self
    }

    /// The group key.
    pub fn group_public_key(&self) -> &PublicKey {
        &self.group_public_key
    }

    /// The group id that accepted envelopes carry.
    pub fn group_id(&self) -> &GroupId {
        &self.group_id
    }

    /// The nonce store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The nonce store, given back.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Verifies one upload received at `now` (Unix seconds) and records its nonce. Checks,
    /// in this order: group id, payload hash, timestamp window, signature, and last the nonce
    /// (recorded only for an otherwise valid envelope, so forgeries cannot burn nonces).
    ///
    /// # Errors
    /// [`Error::WrongGroup`], [`Error::PayloadMismatch`], [`Error::UploadTooOld`],
    /// [`Error::UploadInFuture`], [`Error::InvalidSignature`], [`Error::Replay`]; the
    /// store's errors (then the upload is not accepted).
    pub fn accept(&mut self, envelope: &Envelope, payload: &[u8], now: u64) -> Result<(), Error> {
        self.check_before_signature(envelope, payload, now)?;
        envelope
            .signature()
            .verify(&self.group_public_key, &envelope.signing_bytes())?;
        let (nonce, expires_at) = self.nonce_entry(envelope);
        if self.store.insert_if_absent(&nonce, expires_at)? {
            Ok(())
        } else {
            Err(Error::Replay)
        }
    }

    /// [`Collector::accept`] for many uploads, `payloads[i]` being the payload of
    /// `envelopes[i]`, with one batch verification of all signatures (coefficients from the
    /// operating system's CSPRNG). See [`Collector::accept_batch_with_rng`].
    ///
    /// # Errors
    /// As [`Collector::accept_batch_with_rng`].
    pub fn accept_batch<P: AsRef<[u8]>>(
        &mut self,
        envelopes: &[Envelope],
        payloads: &[P],
        now: u64,
    ) -> Result<BatchReport, Error> {
        self.accept_batch_with_rng(&mut OsRng, envelopes, payloads, now)
    }

    /// [`Collector::accept`] for many uploads: the cheap checks per envelope, then one batch
    /// verification of the remaining signatures (two pairings for the whole batch, see
    /// below), bisection to name the bad signatures if it fails, then one store call for the
    /// nonces in index order. Of envelopes that share a nonce, the first valid one is
    /// accepted and the others are [`Error::Replay`].
    ///
    /// Batch check: with random nonzero scalars `r_i` from `rng`,
    /// `e(PK, sum r_i H(m_i)) == e(P1, sum r_i sigma_i)`; it passes a bad signature with
    /// probability at most about `2^-255`. The hashing to G2, which dominates, runs on up to
    /// `std::thread::available_parallelism()` scoped threads. When the check fails, bisection
    /// over the same hashes names the bad signatures (a few bad ones in a large batch cost
    /// far less than checking one by one; past about `n / (8 log2 n)` bad ones the rest are
    /// checked one by one).
    ///
    /// # Errors
    /// [`Error::PayloadCountMismatch`]; the store's errors (then no upload of the batch is
    /// accepted). Each envelope's own outcome is in the [`BatchReport`].
    pub fn accept_batch_with_rng<P: AsRef<[u8]>>(
        &mut self,
        rng: &mut (impl RngCore + CryptoRng),
        envelopes: &[Envelope],
        payloads: &[P],
        now: u64,
    ) -> Result<BatchReport, Error> {
        if envelopes.len() != payloads.len() {
            return Err(Error::PayloadCountMismatch {
                envelopes: envelopes.len(),
                payloads: payloads.len(),
            });
        }
        let mut outcomes: Vec<Result<(), Error>> = envelopes
            .iter()
            .zip(payloads)
            .map(|(e, p)| self.check_before_signature(e, p.as_ref(), now))
            .collect();
        let candidates: Vec<usize> = (0..envelopes.len())
            .filter(|&i| outcomes[i].is_ok())
            .collect();
        let messages: Vec<Vec<u8>> = candidates
            .iter()
            .map(|&i| envelopes[i].signing_bytes())
            .collect();
        let signatures: Vec<G2Affine> = candidates
            .iter()
            .map(|&i| *envelopes[i].signature().point())
            .collect();
        for bad in invalid_signatures(rng, &self.group_public_key, &messages, &signatures) {
            outcomes[candidates[bad]] = Err(Error::InvalidSignature);
        }
        let verified: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| outcomes[i].is_ok())
            .collect();
        let entries: Vec<NonceEntry> = verified
            .iter()
            .map(|&i| self.nonce_entry(&envelopes[i]))
            .collect();
        let inserted = self.store.insert_all_if_absent(&entries)?;
        for (k, &i) in verified.iter().enumerate() {
            // A store that answers for fewer entries than asked has not recorded the rest:
            // refuse them rather than accept an unrecorded nonce.
            if !inserted.get(k).copied().unwrap_or(false) {
                outcomes[i] = Err(Error::Replay);
            }
        }
        Ok(BatchReport { outcomes })
    }

    /// Forgets the nonces that the freshness check alone now refuses ([`NonceStore::prune`]).
    /// Call it now and then (hourly, say) to bound the store.
    ///
    /// # Errors
    /// The store's errors.
    pub fn prune(&mut self, now: u64) -> Result<(), Error> {
        self.store.prune(now)
    }

    /// Group id, payload hash and timestamp window.
    fn check_before_signature(
        &self,
        envelope: &Envelope,
        payload: &[u8],
        now: u64,
    ) -> Result<(), Error> {
        envelope.check_group_and_payload(&self.group_id, payload)?;
        let timestamp = envelope.timestamp();
        if timestamp.saturating_add(self.max_age) < now {
            return Err(Error::UploadTooOld { timestamp, now });
        }
        if timestamp > now.saturating_add(self.max_clock_skew) {
            return Err(Error::UploadInFuture { timestamp, now });
        }
        Ok(())
    }

    fn nonce_entry(&self, envelope: &Envelope) -> NonceEntry {
        (
            *envelope.nonce(),
            envelope.timestamp().saturating_add(self.max_age),
        )
    }
}

/// The outcome of [`Collector::accept_batch`] for each envelope, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchReport {
    outcomes: Vec<Result<(), Error>>,
}

impl BatchReport {
    /// `Ok(())` for each accepted envelope, its error for each rejected one.
    pub fn outcomes(&self) -> &[Result<(), Error>] {
        &self.outcomes
    }

    /// The outcomes, given back.
    pub fn into_outcomes(self) -> Vec<Result<(), Error>> {
        self.outcomes
    }

    /// Indexes of the accepted envelopes, in increasing order.
    pub fn accepted(&self) -> impl Iterator<Item = usize> + '_ {
        self.outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.is_ok())
            .map(|(i, _)| i)
    }

    /// Indexes of the rejected envelopes with their errors, in increasing order.
    pub fn rejected(&self) -> impl Iterator<Item = (usize, &Error)> + '_ {
        self.outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.as_ref().err().map(|e| (i, e)))
    }

    /// Whether every envelope was accepted.
    pub fn is_all_accepted(&self) -> bool {
        self.outcomes.iter().all(Result::is_ok)
    }
}
