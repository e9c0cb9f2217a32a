//! The dealer ceremony: node secrets for a horizon, shared among the key servers, and the
//! schedule they sign.
//!
//! For every node whose range lies inside the horizon ([`TreeParams::nodes_within`]) the
//! dealer draws `x_N`, shares it `min_signers`-of-`max_signers` with Shamir's scheme and
//! Feldman commitments (the commitments are the node's public keys in the schedule), and
//! hands each server its shares. Each server checks its shares against the commitments and
//! signs the schedule's digest. The dealer keeps nothing: every polynomial is zeroized when
//! it goes out of scope.
//!
//! Cost, per node: `min_signers` constant-time G1 multiplications for the commitments and
//! `max_signers` cheap evaluations of them (the servers' verification shares); each server
//! then checks all its shares at once (one multiplication and one multi-scalar
//! multiplication for the whole horizon). A horizon of `h` epochs has at most `2h - 1`
//! nodes. Measured costs: SPEC.md §6.3.9.
//!
//! The sharing is credkit-threshold's `dealer::Polynomial`, called directly rather than
//! through `dealer::split`, which also computes and verifies a BLS proof of possession of
//! every shared key (a hash to G2, a G2 multiplication and two pairings): meaningless for an
//! encryption key and several times the cost of the sharing itself. The shares, commitments
//! and their checks are credkit-threshold's types ([`SigningShare`], [`Commitments`]).

use std::collections::BTreeMap;

use blstrs::Scalar;
use credkit_core::SecretScalar;
use credkit_threshold::bls::SecretKey;
use credkit_threshold::{Identifier, SigningShare};
use ff::Field;
use rand_core::{CryptoRng, RngCore};

use super::schedule::{Schedule, ServerKey};
use super::server::KeyServer;
use super::sharing::Polynomial;
use super::tree::{TreeParams, Window};
use crate::Error;

/// Deals a schedule for `horizon` to the servers `1..=max_signers`, each with a fresh BLS
/// signing key; any `min_signers` of them open a record.
///
/// # Errors
/// As [`deal_schedule_with_keys`].
pub fn deal_schedule(
    rng: &mut (impl RngCore + CryptoRng),
    params: TreeParams,
    horizon: Window,
    min_signers: u16,
    max_signers: u16,
) -> Result<(Schedule, Vec<KeyServer>), Error> {
    let servers = (1..=max_signers)
        .map(|i| Ok((Identifier::new(i)?, SecretKey::generate(rng))))
        .collect::<Result<Vec<_>, Error>>()?;
    deal_schedule_with_keys(rng, params, horizon, min_signers, servers)
}

/// Deals a schedule for `horizon` to the servers `servers` (identifier and long-term BLS
/// signing key each); any `min_signers` of them open a record. Returns the schedule, signed
/// by every server, and the servers in increasing identifier order.
///
/// # Errors
/// [`Error::WindowOutsideTree`]; [`Error::Threshold`] for duplicate identifiers or unless
/// `2 <= min_signers <= servers.len()`; [`Error::MalformedEpochEncoding`] for a horizon of
/// more than `2^32 - 1` nodes.
pub fn deal_schedule_with_keys(
    rng: &mut (impl RngCore + CryptoRng),
    params: TreeParams,
    horizon: Window,
    min_signers: u16,
    mut servers: Vec<(Identifier, SecretKey)>,
) -> Result<(Schedule, Vec<KeyServer>), Error> {
    params.check_window(&horizon)?;
    servers.sort_by_key(|(id, _)| *id);
    if let Some(w) = servers.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(credkit_threshold::Error::DuplicateParticipant(w[0].0).into());
    }
    let max_signers = u16::try_from(servers.len()).unwrap_or(u16::MAX);
    if min_signers < 2 || min_signers > max_signers {
        return Err(credkit_threshold::Error::InvalidMinSigners {
            min_signers,
            max_signers,
        }
        .into());
    }
    if params.count_nodes_within(&horizon) > u64::from(u32::MAX) {
        return Err(Error::MalformedEpochEncoding(
            "horizon has more than 2^32 - 1 nodes",
        ));
    }

    let keys: Vec<ServerKey> = servers
        .iter()
        .map(|(id, key)| ServerKey::new(*id, key.public_key().clone()))
        .collect();
    let mut key_servers: Vec<KeyServer> = servers
        .into_iter()
        .map(|(id, key)| KeyServer::new(id, key, params, horizon, min_signers))
        .collect();
    let mut nodes = BTreeMap::new();
    for node in params.nodes_within(horizon)? {
        let secret = loop {
            let x = Scalar::random(&mut *rng);
            if !bool::from(x.is_zero()) {
                break SecretScalar::new(x);
            }
        };
        let polynomial = Polynomial::random(rng, secret, min_signers);
        nodes.insert(node, polynomial.commitments()?);
        for server in &mut key_servers {
            let id = server.identifier();
            let share = SigningShare::new(id, polynomial.evaluate(id));
            server.insert_node_share(node, &share);
        }
    }
    let mut schedule = Schedule::unsigned(params, horizon, min_signers, keys, nodes);
    let signatures = key_servers
        .iter_mut()
        .map(|server| server.accept_schedule(rng, &schedule))
        .collect::<Result<Vec<_>, _>>()?;
    schedule.attach_signatures(signatures)?;
    Ok((schedule, key_servers))
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;
    use crate::epoch::tree::Epoch;

    fn params() -> (TreeParams, Window) {
        (
            TreeParams::new(4, Epoch(0)).unwrap(),
            Window::new(Epoch(0), Epoch(7)).unwrap(),
        )
    }

    #[test]
    fn a_server_refuses_a_schedule_that_its_shares_do_not_match() {
        let mut rng = StdRng::seed_from_u64(1);
        let (params, horizon) = params();
        let (schedule, mut servers) = deal_schedule(&mut rng, params, horizon, 2, 3).unwrap();
        assert_eq!(schedule.nodes().count(), 15);
        // An honest server accepts the schedule again.
        assert!(servers[0].accept_schedule(&mut rng, &schedule).is_ok());
        // One wrong share among fifteen is caught by the batched check.
        let node = schedule.nodes().nth(9).unwrap();
        let id = servers[1].identifier();
        servers[1].insert_node_share(node, &SigningShare::new(id, Scalar::from(5u64)));
        assert_eq!(
            servers[1].accept_schedule(&mut rng, &schedule),
            Err(Error::Threshold(credkit_threshold::Error::InvalidShare(id)))
        );
    }

    #[test]
    fn dealing_refuses_bad_parameters() {
        let mut rng = StdRng::seed_from_u64(2);
        let (params, horizon) = params();
        assert!(matches!(
            deal_schedule(&mut rng, params, horizon, 1, 3),
            Err(Error::Threshold(
                credkit_threshold::Error::InvalidMinSigners { .. }
            ))
        ));
        assert!(matches!(
            deal_schedule(&mut rng, params, horizon, 4, 3),
            Err(Error::Threshold(
                credkit_threshold::Error::InvalidMinSigners { .. }
            ))
        ));
        let outside = Window::new(Epoch(8), Epoch(16)).unwrap();
        assert!(matches!(
            deal_schedule(&mut rng, params, outside, 2, 3),
            Err(Error::WindowOutsideTree { .. })
        ));
        let one = Identifier::new(1).unwrap();
        let keys = vec![
            (one, SecretKey::generate(&mut rng)),
            (one, SecretKey::generate(&mut rng)),
        ];
        assert_eq!(
            deal_schedule_with_keys(&mut rng, params, horizon, 2, keys).unwrap_err(),
            Error::Threshold(credkit_threshold::Error::DuplicateParticipant(one))
        );
    }
}
