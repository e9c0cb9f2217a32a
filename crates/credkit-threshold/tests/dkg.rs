//! Distributed key generation: honest runs, and runs with up to `min_signers - 1` named
//! misbehaving participants, each asserting the exact disqualification or error.
//!
//! The network is simulated: every round collects the messages of all live participants,
//! tests tamper with them in between, and a participant that drops out is removed from the
//! run.

use std::collections::{BTreeMap, BTreeSet};

use credkit_core::curve::{Curve, Field, G1Projective, Group, Scalar};
use credkit_threshold::bls::SecretKey;
use credkit_threshold::dkg::{
    self, round1, round2, round3, round4, round5, KeyPackage, Parameters,
};
use credkit_threshold::{Commitments, Error, Identifier};
use rand::rngs::StdRng;
use rand::SeedableRng;

const SESSION: &[u8] = b"credkit-threshold tests/dkg, run 1";

type States<T> = BTreeMap<Identifier, T>;

fn id(n: u16) -> Identifier {
    Identifier::new(n).unwrap()
}

fn ids(n: u16) -> Vec<Identifier> {
    (1..=n).map(id).collect()
}

fn set(members: &[u16]) -> Vec<Identifier> {
    members.iter().copied().map(id).collect()
}

// ---- the simulated network ----

fn start(
    min_signers: u16,
    max_signers: u16,
    session: &[u8],
    seed: u64,
) -> (States<round1::SecretPackage>, Vec<round1::Package>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let all = ids(max_signers);
    let mut states = BTreeMap::new();
    let mut broadcast = Vec::new();
    for &me in &all {
        let parameters = Parameters::new(min_signers, me, &all, session).unwrap();
        let (state, package) = round1::part1_with_rng(parameters, &mut rng);
        states.insert(me, state);
        broadcast.push(package);
    }
    (states, broadcast)
}

/// Round 2 for everyone; the shares land in the recipients' inboxes.
fn deal(
    states: States<round1::SecretPackage>,
    broadcast: &[round1::Package],
) -> (
    States<round2::SecretPackage>,
    BTreeMap<Identifier, Vec<round2::Package>>,
) {
    let mut next = BTreeMap::new();
    let mut inboxes: BTreeMap<Identifier, Vec<round2::Package>> = BTreeMap::new();
    for (me, state) in states {
        let (state, shares) = round2::part2(state, broadcast).unwrap();
        for (recipient, share) in shares {
            assert_eq!(share.recipient(), recipient);
            inboxes.entry(recipient).or_default().push(share);
        }
        next.insert(me, state);
    }
    (next, inboxes)
}

fn complain(
    states: States<round2::SecretPackage>,
    inboxes: &BTreeMap<Identifier, Vec<round2::Package>>,
) -> (States<round3::SecretPackage>, Vec<round3::Package>) {
    let mut next = BTreeMap::new();
    let mut broadcast = Vec::new();
    for (me, state) in states {
        let inbox = inboxes.get(&me).map(Vec::as_slice).unwrap_or(&[]);
        let (state, complaints) = round3::part3(state, inbox).unwrap();
        next.insert(me, state);
        broadcast.push(complaints);
    }
    (next, broadcast)
}

fn justify(
    states: States<round3::SecretPackage>,
    broadcast: &[round3::Package],
) -> (States<round4::SecretPackage>, Vec<round4::Package>) {
    let mut next = BTreeMap::new();
    let mut justifications = Vec::new();
    for (me, state) in states {
        let (state, justification) = round4::part4(state, broadcast).unwrap();
        next.insert(me, state);
        justifications.extend(justification);
    }
    (next, justifications)
}

fn confirm(
    states: States<round4::SecretPackage>,
    broadcast: &[round4::Package],
) -> (States<round5::SecretPackage>, Vec<round5::Package>) {
    let mut next = BTreeMap::new();
    let mut confirmations = Vec::new();
    for (me, state) in states {
        let (state, confirmation) = round5::part5(state, broadcast).unwrap();
        next.insert(me, state);
        confirmations.push(confirmation);
    }
    (next, confirmations)
}

fn finish_all(
    states: States<round5::SecretPackage>,
    broadcast: &[round5::Package],
) -> States<Result<KeyPackage, Error>> {
    states
        .into_iter()
        .map(|(me, state)| (me, dkg::finish(state, broadcast)))
        .collect()
}

/// Rounds 3 to 5 and the finish, untampered.
fn rest(
    states: States<round2::SecretPackage>,
    inboxes: &BTreeMap<Identifier, Vec<round2::Package>>,
) -> States<KeyPackage> {
    let (states, broadcast) = complain(states, inboxes);
    let (states, broadcast) = justify(states, &broadcast);
    let (states, broadcast) = confirm(states, &broadcast);
    finish_all(states, &broadcast)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect()
}

fn honest_run(min_signers: u16, max_signers: u16, seed: u64) -> States<KeyPackage> {
    let (states, broadcast) = start(min_signers, max_signers, SESSION, seed);
    let (states, inboxes) = deal(states, &broadcast);
    rest(states, &inboxes)
}

// ---- checks on the result ----

/// `prod_{j != i} x_j / (x_j - x_i)` over `members`.
fn lagrange_at_zero(i: Identifier, members: &[Identifier]) -> Scalar {
    let xi = i.to_scalar();
    members
        .iter()
        .filter(|&&j| j != i)
        .fold(Scalar::ONE, |acc, &j| {
            let xj = j.to_scalar();
            acc * xj * (xj - xi).invert().unwrap()
        })
}

fn recombine(keys: &States<KeyPackage>, members: &[Identifier]) -> Scalar {
    members
        .iter()
        .map(|&i| keys[&i].signing_share().secret().expose() * lagrange_at_zero(i, members))
        .sum()
}

/// Everyone agrees on everything public; each member's share matches its verifying share;
/// several `min_signers`-subsets recombine to the secret of the group key (and sign under it),
/// a smaller subset does not.
fn assert_consistent(keys: &States<KeyPackage>, members: &[Identifier], min_signers: u16) {
    let first = keys.values().next().unwrap();
    assert_eq!(
        keys.keys().copied().collect::<Vec<_>>(),
        members,
        "members who finished"
    );
    for (me, key) in keys {
        assert_eq!(key.identifier(), *me);
        assert_eq!(key.group_public_key(), first.group_public_key(), "{me}");
        assert_eq!(key.group_commitments(), first.group_commitments(), "{me}");
        assert_eq!(key.verifying_shares(), first.verifying_shares(), "{me}");
        assert_eq!(key.disqualified(), first.disqualified(), "{me}");
        assert_eq!(key.transcript_digest(), first.transcript_digest(), "{me}");
        assert_eq!(key.min_signers(), min_signers);
        assert_eq!(usize::from(key.max_signers()), members.len());
        assert_eq!(
            key.verifying_shares()[me],
            key.signing_share().verifying_share(),
            "{me}"
        );
    }
    assert_eq!(
        first.verifying_shares().keys().copied().collect::<Vec<_>>(),
        members
    );
    let t = usize::from(min_signers);
    let group_key = first.group_public_key();
    for subset in [&members[..t], &members[members.len() - t..]] {
        let secret = recombine(keys, subset);
        assert_eq!(
            (G1Projective::generator() * secret).to_affine(),
            *group_key.point(),
            "subset {subset:?}"
        );
        let message = b"upload 17 of study S";
        SecretKey::from_scalar(secret)
            .sign(message)
            .verify(&group_key, message)
            .unwrap();
    }
    let too_few = recombine(keys, &members[..t - 1]);
    assert_ne!(
        (G1Projective::generator() * too_few).to_affine(),
        *group_key.point()
    );
}

fn assert_disqualified(keys: &States<KeyPackage>, expected: &[(u16, Error)]) {
    let expected: BTreeMap<Identifier, Error> = expected
        .iter()
        .map(|(culprit, reason)| (id(*culprit), reason.clone()))
        .collect();
    for (me, key) in keys {
        assert_eq!(key.disqualified(), &expected, "as seen by {me}");
    }
}

// ---- tampering ----

fn tamper_round1(
    broadcast: &mut [round1::Package],
    culprit: u16,
    f: impl FnOnce(&round1::Package) -> round1::Package,
) {
    let package = broadcast
        .iter_mut()
        .find(|p| p.sender() == id(culprit))
        .unwrap();
    *package = f(package);
}

fn bad_proof(package: &round1::Package) -> round1::Package {
    let proof = package.proof();
    round1::Package::new(
        package.sender(),
        package.session(),
        package.commitments().clone(),
        round1::ProofOfKnowledge::new(*proof.commitment(), *proof.response() + Scalar::ONE),
    )
}

fn with_commitments(package: &round1::Package, count: usize) -> round1::Package {
    let mut points = package.commitments().points().to_vec();
    points.resize(
        count,
        (G1Projective::generator() * Scalar::from(7u64)).to_affine(),
    );
    round1::Package::new(
        package.sender(),
        package.session(),
        Commitments::new(points).unwrap(),
        *package.proof(),
    )
}

/// Replaces the share `dealer` sent `recipient` by a wrong one.
fn corrupt_share(
    inboxes: &mut BTreeMap<Identifier, Vec<round2::Package>>,
    dealer: u16,
    recipient: u16,
) {
    let share = inboxes
        .get_mut(&id(recipient))
        .unwrap()
        .iter_mut()
        .find(|p| p.sender() == id(dealer))
        .unwrap();
    *share = round2::Package::new(
        share.sender(),
        share.recipient(),
        share.session(),
        share.share().expose() + Scalar::ONE,
    );
}

fn tamper_justification(
    broadcast: &mut [round4::Package],
    dealer: u16,
    f: impl FnOnce(&round4::Package) -> round4::Package,
) {
    let package = broadcast
        .iter_mut()
        .find(|p| p.accused() == id(dealer))
        .unwrap();
    *package = f(package);
}

fn wrong_justification(package: &round4::Package) -> round4::Package {
    round4::Package::new(
        package.accused(),
        package.session(),
        package
            .shares()
            .iter()
            .map(|(&accuser, &share)| (accuser, share + Scalar::ONE)),
    )
}

// ---- honest runs ----

#[test]
fn honest_2_of_3() {
    let keys = honest_run(2, 3, 1);
    assert_consistent(&keys, &ids(3), 2);
    assert_disqualified(&keys, &[]);
}

#[test]
fn honest_3_of_5() {
    let keys = honest_run(3, 5, 2);
    assert_consistent(&keys, &ids(5), 3);
    assert_disqualified(&keys, &[]);
}

#[test]
fn honest_5_of_7() {
    let keys = honest_run(5, 7, 3);
    assert_consistent(&keys, &ids(7), 5);
    assert_disqualified(&keys, &[]);
}

#[test]
fn honest_n_of_n() {
    let keys = honest_run(4, 4, 4);
    assert_consistent(&keys, &ids(4), 4);
}

#[test]
fn the_group_key_is_the_sum_of_the_constant_terms() {
    let (states, broadcast) = start(2, 3, SESSION, 5);
    let expected: G1Projective = broadcast
        .iter()
        .map(|p| G1Projective::from(p.commitments().points()[0]))
        .sum();
    let (states, inboxes) = deal(states, &broadcast);
    let keys = rest(states, &inboxes);
    assert_eq!(
        *keys[&id(1)].group_public_key().point(),
        expected.to_affine()
    );
}

#[test]
fn runs_differ() {
    let a = honest_run(2, 3, 6);
    let b = honest_run(2, 3, 7);
    assert_ne!(a[&id(1)].group_public_key(), b[&id(1)].group_public_key());
}

#[test]
fn identifiers_need_not_be_consecutive() {
    let all = set(&[3, 10, 500]);
    let mut rng = StdRng::seed_from_u64(8);
    let mut states = BTreeMap::new();
    let mut broadcast = Vec::new();
    for &me in all.iter().rev() {
        let (state, package) =
            round1::part1_with_rng(Parameters::new(2, me, &all, SESSION).unwrap(), &mut rng);
        states.insert(me, state);
        broadcast.push(package);
    }
    let (states, inboxes) = deal(states, &broadcast);
    let keys = rest(states, &inboxes);
    assert_consistent(&keys, &all, 2);
}

// ---- round 1 misbehaviour: disqualified in round 2 ----

#[test]
fn a_bad_proof_of_knowledge_disqualifies_its_dealer() {
    let (mut states, mut broadcast) = start(3, 5, SESSION, 10);
    tamper_round1(&mut broadcast, 4, bad_proof);
    states.remove(&id(4));
    let (states, inboxes) = deal(states, &broadcast);
    for state in states.values() {
        assert_eq!(
            state.disqualified()[&id(4)],
            Error::InvalidProofOfKnowledge(id(4))
        );
        assert!(!state.qualified().contains(&id(4)));
    }
    assert!(!inboxes.contains_key(&id(4)), "no share dealt to member 4");
    let keys = rest(states, &inboxes);
    assert_consistent(&keys, &set(&[1, 2, 3, 5]), 3);
    assert_disqualified(&keys, &[(4, Error::InvalidProofOfKnowledge(id(4)))]);
}

#[test]
fn a_proof_for_other_commitments_fails() {
    // Member 2 copies member 1's commitments and proof as its own (a rogue-key attempt).
    let (mut states, mut broadcast) = start(2, 3, SESSION, 11);
    let stolen = broadcast[0].clone();
    tamper_round1(&mut broadcast, 2, |p| {
        round1::Package::new(
            p.sender(),
            p.session(),
            stolen.commitments().clone(),
            *stolen.proof(),
        )
    });
    states.remove(&id(2));
    let (states, inboxes) = deal(states, &broadcast);
    let keys = rest(states, &inboxes);
    assert_disqualified(&keys, &[(2, Error::InvalidProofOfKnowledge(id(2)))]);
    assert_consistent(&keys, &set(&[1, 3]), 2);
}

#[test]
fn a_wrong_commitment_count_disqualifies_its_dealer() {
    for count in [2, 4] {
        let (mut states, mut broadcast) = start(3, 5, SESSION, 12);
        tamper_round1(&mut broadcast, 2, |p| with_commitments(p, count));
        states.remove(&id(2));
        let (states, inboxes) = deal(states, &broadcast);
        let keys = rest(states, &inboxes);
        assert_disqualified(
            &keys,
            &[(
                2,
                Error::WrongCommitmentCount {
                    culprit: id(2),
                    expected: 3,
                    found: count,
                },
            )],
        );
        assert_consistent(&keys, &set(&[1, 3, 4, 5]), 3);
    }
}

#[test]
fn a_missing_round1_package_disqualifies_its_sender() {
    let (mut states, mut broadcast) = start(2, 3, SESSION, 13);
    broadcast.retain(|p| p.sender() != id(3));
    states.remove(&id(3));
    let (states, inboxes) = deal(states, &broadcast);
    let keys = rest(states, &inboxes);
    assert_disqualified(&keys, &[(3, Error::MissingCommitments(id(3)))]);
    assert_consistent(&keys, &set(&[1, 2]), 2);
}

#[test]
fn too_many_disqualified_in_round_1_aborts() {
    let (states, mut broadcast) = start(3, 4, SESSION, 14);
    tamper_round1(&mut broadcast, 1, bad_proof);
    tamper_round1(&mut broadcast, 3, |p| with_commitments(p, 1));
    let state = states.into_iter().nth(1).unwrap().1; // member 2
    assert_eq!(
        round2::part2(state, &broadcast).unwrap_err(),
        Error::TooManyDisqualified {
            qualified: 2,
            min_signers: 3,
            disqualified: set(&[1, 3]),
        }
    );
}

// ---- bad shares, complaints and justifications ----

#[test]
fn a_bad_share_answered_correctly_keeps_its_dealer() {
    // Dealer 2 sends wrong shares to members 1 and 3; its (honest) justification repairs them.
    let (states, broadcast) = start(3, 5, SESSION, 20);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 2, 1);
    corrupt_share(&mut inboxes, 2, 3);
    let (states, complaints) = complain(states, &inboxes);
    for c in &complaints {
        let expected: BTreeSet<Identifier> = match c.accuser().get() {
            1 | 3 => set(&[2]).into_iter().collect(),
            _ => BTreeSet::new(),
        };
        assert_eq!(c.accused(), &expected, "complaints of {}", c.accuser());
    }
    let (states, justifications) = justify(states, &complaints);
    assert_eq!(justifications.len(), 1);
    assert_eq!(justifications[0].accused(), id(2));
    assert_eq!(
        justifications[0]
            .shares()
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        set(&[1, 3])
    );
    for (me, state) in &states {
        let awaited: BTreeSet<Identifier> = if me.get() == 2 {
            BTreeSet::new()
        } else {
            [id(2)].into()
        };
        assert_eq!(state.awaited_justifications(), awaited, "{me}");
        assert_eq!(
            state.complaints().iter().copied().collect::<Vec<_>>(),
            vec![
                round3::Complaint {
                    accuser: id(1),
                    accused: id(2)
                },
                round3::Complaint {
                    accuser: id(3),
                    accused: id(2)
                },
            ]
        );
    }
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(&keys, &[]);
    assert_consistent(&keys, &ids(5), 3);
}

#[test]
fn a_missing_share_is_complained_about_and_answered() {
    let (states, broadcast) = start(2, 3, SESSION, 21);
    let (states, mut inboxes) = deal(states, &broadcast);
    inboxes
        .get_mut(&id(3))
        .unwrap()
        .retain(|p| p.sender() != id(1));
    let (states, complaints) = complain(states, &inboxes);
    assert_eq!(complaints[2].accused(), &[id(1)].into());
    let (states, justifications) = justify(states, &complaints);
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(&keys, &[]);
    assert_consistent(&keys, &ids(3), 2);
}

#[test]
fn a_wrong_justification_disqualifies_its_dealer() {
    let (states, broadcast) = start(3, 5, SESSION, 22);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 2, 1);
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, mut justifications) = justify(states, &complaints);
    tamper_justification(&mut justifications, 2, wrong_justification);
    states.remove(&id(2));
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(
        &keys,
        &[(
            2,
            Error::InvalidJustification {
                accused: id(2),
                accuser: id(1),
            },
        )],
    );
    assert_consistent(&keys, &set(&[1, 3, 4, 5]), 3);
}

#[test]
fn a_missing_justification_disqualifies_its_dealer() {
    let (states, broadcast) = start(2, 3, SESSION, 23);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 3, 1);
    corrupt_share(&mut inboxes, 3, 2);
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, mut justifications) = justify(states, &complaints);
    justifications.clear();
    states.remove(&id(3));
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    // The first unanswered complaint (lowest accuser) is the recorded reason.
    assert_disqualified(
        &keys,
        &[(
            3,
            Error::UnansweredComplaint {
                accused: id(3),
                accuser: id(1),
            },
        )],
    );
    assert_consistent(&keys, &set(&[1, 2]), 2);
}

#[test]
fn a_justification_missing_one_accuser_disqualifies_its_dealer() {
    let (states, broadcast) = start(3, 5, SESSION, 24);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 5, 2);
    corrupt_share(&mut inboxes, 5, 4);
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, mut justifications) = justify(states, &complaints);
    tamper_justification(&mut justifications, 5, |p| {
        round4::Package::new(
            p.accused(),
            p.session(),
            p.shares()
                .iter()
                .filter(|(&accuser, _)| accuser == id(2))
                .map(|(&a, &s)| (a, s)),
        )
    });
    states.remove(&id(5));
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(
        &keys,
        &[(
            5,
            Error::UnansweredComplaint {
                accused: id(5),
                accuser: id(4),
            },
        )],
    );
    assert_consistent(&keys, &set(&[1, 2, 3, 4]), 3);
}

#[test]
fn a_false_complaint_costs_honest_dealers_nothing() {
    // Member 3 claims that honest dealers 1 and 2 sent it wrong shares (simulated by corrupting
    // its inbox); they reveal its shares, which it knew anyway, and stay qualified.
    let (states, broadcast) = start(2, 3, SESSION, 25);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 1, 3);
    corrupt_share(&mut inboxes, 2, 3);
    let (states, complaints) = complain(states, &inboxes);
    assert_eq!(complaints[2].accused(), &set(&[1, 2]).into_iter().collect());
    let (states, justifications) = justify(states, &complaints);
    assert_eq!(justifications.len(), 2);
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(&keys, &[]);
    assert_consistent(&keys, &ids(3), 2);
}

#[test]
fn a_missing_complaints_package_disqualifies_its_sender() {
    let (states, broadcast) = start(2, 3, SESSION, 26);
    let (states, inboxes) = deal(states, &broadcast);
    let (mut states, mut complaints) = complain(states, &inboxes);
    complaints.retain(|c| c.accuser() != id(2));
    states.remove(&id(2));
    let (states, justifications) = justify(states, &complaints);
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(&keys, &[(2, Error::MissingComplaints(id(2)))]);
    assert_consistent(&keys, &set(&[1, 3]), 2);
}

#[test]
fn too_many_disqualified_in_round_5_aborts() {
    let (states, broadcast) = start(3, 4, SESSION, 27);
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 1, 2);
    corrupt_share(&mut inboxes, 4, 2);
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, _) = justify(states, &complaints);
    let state = states.remove(&id(2)).unwrap();
    assert_eq!(
        round5::part5(state, &[]).unwrap_err(),
        Error::TooManyDisqualified {
            qualified: 2,
            min_signers: 3,
            disqualified: set(&[1, 4]),
        }
    );
}

// ---- up to min_signers - 1 misbehaving participants at once ----

#[test]
fn four_cheaters_among_nine_are_named_and_the_rest_finish() {
    // 5-of-9: 4 = min_signers - 1 cheaters, each misbehaving differently.
    let (mut states, mut broadcast) = start(5, 9, SESSION, 30);
    tamper_round1(&mut broadcast, 2, bad_proof);
    tamper_round1(&mut broadcast, 4, |p| with_commitments(p, 6));
    states.remove(&id(2));
    states.remove(&id(4));
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 6, 1);
    corrupt_share(&mut inboxes, 6, 9);
    corrupt_share(&mut inboxes, 8, 3);
    corrupt_share(&mut inboxes, 7, 5); // 7 answers correctly and stays
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, mut justifications) = justify(states, &complaints);
    tamper_justification(&mut justifications, 6, wrong_justification);
    justifications.retain(|j| j.accused() != id(8));
    states.remove(&id(6));
    states.remove(&id(8));
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(
        &keys,
        &[
            (2, Error::InvalidProofOfKnowledge(id(2))),
            (
                4,
                Error::WrongCommitmentCount {
                    culprit: id(4),
                    expected: 5,
                    found: 6,
                },
            ),
            (
                6,
                Error::InvalidJustification {
                    accused: id(6),
                    accuser: id(1),
                },
            ),
            (
                8,
                Error::UnansweredComplaint {
                    accused: id(8),
                    accuser: id(3),
                },
            ),
        ],
    );
    assert_consistent(&keys, &set(&[1, 3, 5, 7, 9]), 5);
}

#[test]
fn two_cheaters_among_five_are_named_and_the_rest_finish() {
    // 3-of-5 with 2 = min_signers - 1 cheaters.
    let (mut states, mut broadcast) = start(3, 5, SESSION, 31);
    tamper_round1(&mut broadcast, 5, bad_proof);
    states.remove(&id(5));
    let (states, mut inboxes) = deal(states, &broadcast);
    corrupt_share(&mut inboxes, 1, 3);
    let (states, complaints) = complain(states, &inboxes);
    let (mut states, mut justifications) = justify(states, &complaints);
    tamper_justification(&mut justifications, 1, wrong_justification);
    states.remove(&id(1));
    let (states, confirmations) = confirm(states, &justifications);
    let keys: States<KeyPackage> = finish_all(states, &confirmations)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_disqualified(
        &keys,
        &[
            (
                1,
                Error::InvalidJustification {
                    accused: id(1),
                    accuser: id(3),
                },
            ),
            (5, Error::InvalidProofOfKnowledge(id(5))),
        ],
    );
    assert_consistent(&keys, &set(&[2, 3, 4]), 3);
}

#[test]
fn four_cheaters_among_seven_leave_too_few_for_5_of_7() {
    let (states, mut broadcast) = start(5, 7, SESSION, 32);
    for culprit in [1, 3, 5, 7] {
        tamper_round1(&mut broadcast, culprit, bad_proof);
    }
    let state = states.into_iter().nth(1).unwrap().1; // member 2
    assert_eq!(
        round2::part2(state, &broadcast).unwrap_err(),
        Error::TooManyDisqualified {
            qualified: 3,
            min_signers: 5,
            disqualified: set(&[1, 3, 5, 7]),
        }
    );
}

// ---- the confirmation round ----

#[test]
fn different_confirmations_are_named() {
    // 3-of-5: members 2 and 4 broadcast digests of some other transcript.
    let (states, broadcast) = start(3, 5, SESSION, 40);
    let (states, inboxes) = deal(states, &broadcast);
    let (states, complaints) = complain(states, &inboxes);
    let (states, justifications) = justify(states, &complaints);
    let (states, honest) = confirm(states, &justifications);
    let mut forged = honest.clone();
    for index in [1, 3] {
        let c = &honest[index];
        forged[index] = round5::Package::new(c.sender(), c.session(), [0x42; 32]);
    }
    for (me, state) in states {
        let index = usize::from(me.get()) - 1;
        let mut seen = forged.clone();
        seen[index] = honest[index].clone(); // what each one really sent
        let expected = match me.get() {
            2 => set(&[4]),
            4 => set(&[2]),
            _ => set(&[2, 4]),
        };
        assert_eq!(
            dkg::finish(state, &seen).unwrap_err(),
            Error::TranscriptMismatch(expected),
            "as seen by {me}"
        );
    }
}

#[test]
fn a_missing_confirmation_is_named() {
    let (states, broadcast) = start(2, 3, SESSION, 41);
    let (states, inboxes) = deal(states, &broadcast);
    let (states, complaints) = complain(states, &inboxes);
    let (states, justifications) = justify(states, &complaints);
    let (states, mut confirmations) = confirm(states, &justifications);
    confirmations.retain(|c| c.sender() != id(2));
    let results = finish_all(states, &confirmations);
    assert_eq!(
        results[&id(1)].clone().unwrap_err(),
        Error::TranscriptMismatch(set(&[2]))
    );
}

#[test]
fn equivocation_in_round_1_is_caught_by_the_confirmation_round() {
    // Dealer 2 broadcasts two valid but different packages: one to members 1 and 3, another
    // to 4 and 5, and deals shares from the first polynomial.
    let (states, broadcast) = start(3, 5, SESSION, 42);
    let all = ids(5);
    let mut rng = StdRng::seed_from_u64(43);
    let (_, other) =
        round1::part1_with_rng(Parameters::new(3, id(2), &all, SESSION).unwrap(), &mut rng);
    let mut next = BTreeMap::new();
    let mut inboxes: BTreeMap<Identifier, Vec<round2::Package>> = BTreeMap::new();
    for (me, state) in states {
        let mut seen = broadcast.clone();
        if me.get() >= 4 {
            seen[1] = other.clone();
        }
        let (state, shares) = round2::part2(state, &seen).unwrap();
        for (recipient, share) in shares {
            inboxes.entry(recipient).or_default().push(share);
        }
        next.insert(me, state);
    }
    let (states, complaints) = complain(next, &inboxes);
    let (states, justifications) = justify(states, &complaints);
    let (states, confirmations) = confirm(states, &justifications);
    for (me, state) in &states {
        let expected = me.get() >= 4;
        assert_eq!(state.disqualified().contains_key(&id(2)), expected, "{me}");
    }
    let results = finish_all(states, &confirmations);
    assert_eq!(
        results[&id(1)].clone().unwrap_err(),
        Error::TranscriptMismatch(set(&[4, 5]))
    );
    assert_eq!(
        results[&id(4)].clone().unwrap_err(),
        Error::TranscriptMismatch(set(&[1, 3]))
    );
}

// ---- misrouted messages and caller errors ----

#[test]
fn packages_of_another_session_are_rejected() {
    // Round 1.
    let (states, _) = start(2, 3, SESSION, 50);
    let (_, foreign) = start(2, 3, b"another session", 51);
    let state = states.into_iter().next().unwrap().1; // member 1
    assert_eq!(
        round2::part2(state, &foreign[1..]).unwrap_err(),
        Error::SessionMismatch(id(2))
    );

    // Another threshold or participant list is another session too.
    let (states, _) = start(2, 3, SESSION, 52);
    let (_, foreign) = start(3, 3, SESSION, 53);
    let state = states.into_iter().next().unwrap().1;
    assert_eq!(
        round2::part2(state, &foreign[1..]).unwrap_err(),
        Error::SessionMismatch(id(2))
    );

    // Round 2: shares from a parallel run.
    let (states, broadcast) = start(2, 3, SESSION, 54);
    let (states, _) = deal(states, &broadcast);
    let (others, foreign) = start(2, 3, b"another session", 55);
    let (_, foreign_inboxes) = deal(others, &foreign);
    let state = states.into_iter().next().unwrap().1;
    assert_eq!(
        round3::part3(state, &foreign_inboxes[&id(1)]).unwrap_err(),
        Error::SessionMismatch(id(2))
    );

    // Rounds 3 to 5 and the finish: member 2's package carries another session's tag.
    let other = Parameters::new(2, id(2), &ids(3), b"another session")
        .unwrap()
        .session_tag();
    let (states, broadcast) = start(2, 3, SESSION, 56);
    let (states, inboxes) = deal(states, &broadcast);
    let (mut states, complaints) = complain(states, &inboxes);
    let mut bad = complaints.clone();
    bad[1] = round3::Package::new(id(2), other, []);
    assert_eq!(
        round4::part4(states.remove(&id(1)).unwrap(), &bad).unwrap_err(),
        Error::SessionMismatch(id(2))
    );
    let (mut states, _) = justify(states, &complaints);
    let justification = round4::Package::new(id(2), other, []);
    assert_eq!(
        round5::part5(states.remove(&id(3)).unwrap(), &[justification]).unwrap_err(),
        Error::SessionMismatch(id(2))
    );

    let (states, broadcast) = start(2, 3, SESSION, 57);
    let (states, inboxes) = deal(states, &broadcast);
    let (states, complaints) = complain(states, &inboxes);
    let (states, justifications) = justify(states, &complaints);
    let (mut states, confirmations) = confirm(states, &justifications);
    let mut bad = confirmations.clone();
    bad[1] = round5::Package::new(id(2), other, *confirmations[1].digest());
    assert_eq!(
        dkg::finish(states.remove(&id(3)).unwrap(), &bad).unwrap_err(),
        Error::SessionMismatch(id(2))
    );
}

#[test]
fn invalid_parameters_are_refused() {
    let all = ids(3);
    assert_eq!(
        Parameters::new(2, id(1), &set(&[1, 2, 1]), SESSION).unwrap_err(),
        Error::DuplicateParticipant(id(1))
    );
    assert_eq!(
        Parameters::new(2, id(4), &all, SESSION).unwrap_err(),
        Error::UnknownParticipant(id(4))
    );
    for min_signers in [0, 1, 4] {
        assert_eq!(
            Parameters::new(min_signers, id(1), &all, SESSION).unwrap_err(),
            Error::InvalidMinSigners {
                min_signers,
                max_signers: 3
            }
        );
    }
    let parameters = Parameters::new(3, id(2), &set(&[3, 1, 2]), SESSION).unwrap();
    assert_eq!(parameters.min_signers(), 3);
    assert_eq!(parameters.max_signers(), 3);
    assert_eq!(parameters.identifier(), id(2));
    assert_eq!(parameters.session_id(), SESSION);
    assert_eq!(
        parameters
            .participants()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        all
    );
    // The order of the participant list does not change the session.
    assert_eq!(
        parameters.session_tag(),
        Parameters::new(3, id(1), &all, SESSION)
            .unwrap()
            .session_tag()
    );
}

#[test]
fn misrouted_packages_are_refused() {
    // Unknown sender.
    let (states, broadcast) = start(2, 3, SESSION, 60);
    let (_, outsiders) = start(2, 4, SESSION, 61);
    let mut packages = broadcast.clone();
    packages.push(outsiders[3].clone());
    let mut states = states.into_iter();
    let (_, state1) = states.next().unwrap();
    assert_eq!(
        round2::part2(state1, &packages).unwrap_err(),
        // member 4 of a 4-member run: also another session, but unknown comes first
        Error::UnknownParticipant(id(4))
    );

    // Two different packages from one sender.
    let (_, state2) = states.next().unwrap();
    let mut packages = broadcast.clone();
    packages.push(bad_proof(&broadcast[2]));
    assert_eq!(
        round2::part2(state2, &packages).unwrap_err(),
        Error::DuplicateParticipant(id(3))
    );

    // A package under our own name that is not ours.
    let (_, state3) = states.next().unwrap();
    let mut packages = broadcast.clone();
    packages[2] = bad_proof(&broadcast[2]);
    assert_eq!(
        round2::part2(state3, &packages).unwrap_err(),
        Error::DuplicateParticipant(id(3))
    );

    // A share addressed to someone else.
    let (states, broadcast) = start(2, 3, SESSION, 62);
    let (mut states, inboxes) = deal(states, &broadcast);
    assert_eq!(
        round3::part3(states.remove(&id(1)).unwrap(), &inboxes[&id(2)]).unwrap_err(),
        Error::MisaddressedShare {
            sender: id(1),
            recipient: id(2)
        }
    );
}

#[test]
fn echoes_and_repeats_are_accepted() {
    // Every broadcast delivered twice, our own included, still completes.
    let (states, broadcast) = start(2, 3, SESSION, 63);
    let twice: Vec<_> = broadcast.iter().chain(&broadcast).cloned().collect();
    let (states, inboxes) = deal(states, &twice);
    let (states, complaints) = complain(states, &inboxes);
    let twice: Vec<_> = complaints.iter().chain(&complaints).cloned().collect();
    let (states, justifications) = justify(states, &twice);
    let (states, confirmations) = confirm(states, &justifications);
    let twice: Vec<_> = confirmations
        .iter()
        .chain(&confirmations)
        .cloned()
        .collect();
    let keys: States<KeyPackage> = finish_all(states, &twice)
        .into_iter()
        .map(|(me, key)| (me, key.unwrap()))
        .collect();
    assert_consistent(&keys, &ids(3), 2);
}

// ---- secrets ----

#[test]
fn debug_output_shows_no_secret() {
    let (states, broadcast) = start(2, 3, SESSION, 70);
    // What `Scalar`'s Debug prints: its big-endian hex.
    let needle = |s: &Scalar| hex::encode(s.to_bytes_be());
    let state1 = &states[&id(1)];
    let shown = format!("{state1:?}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let (states, inboxes) = deal(states, &broadcast);
    for share in inboxes.values().flatten() {
        let shown = format!("{share:?}");
        assert!(!shown.contains(&needle(&share.share().expose())), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
    for state in states.values() {
        assert!(format!("{state:?}").contains("<redacted>"));
    }
    let keys = rest(states, &inboxes);
    for key in keys.values() {
        let shown = format!("{key:?}");
        assert!(
            !shown.contains(&needle(&key.signing_share().secret().expose())),
            "{shown}"
        );
    }
}

/// A DKG key package gives the same public data the dealer's package holds, and its members'
/// partial signatures combine under it.
#[test]
fn key_package_gives_a_public_key_package() {
    use credkit_threshold::dkg::{finish, round1, round2, round3, round4, round5, Parameters};
    use credkit_threshold::Identifier;
    let ids: Vec<Identifier> = (1..=3).map(|i| Identifier::new(i).unwrap()).collect();
    let mut states1 = vec![];
    let mut packages1 = vec![];
    for &id in &ids {
        let (s, p) = round1::part1(Parameters::new(2, id, &ids, b"pkg").unwrap());
        states1.push(s);
        packages1.push(p);
    }
    let mut states2 = vec![];
    let mut shares = vec![];
    for s in states1 {
        let (s, out) = round2::part2(s, &packages1).unwrap();
        states2.push(s);
        shares.extend(out.into_values());
    }
    let mut states3 = vec![];
    let mut packages3 = vec![];
    for s in states2 {
        let me = s.identifier();
        let mine: Vec<_> = shares
            .iter()
            .filter(|p| p.recipient() == me)
            .cloned()
            .collect();
        let (s, p) = round3::part3(s, &mine).unwrap();
        states3.push(s);
        packages3.push(p);
    }
    let mut states4 = vec![];
    let mut packages4 = vec![];
    for s in states3 {
        let (s, p) = round4::part4(s, &packages3).unwrap();
        states4.push(s);
        packages4.extend(p);
    }
    let mut states5 = vec![];
    let mut packages5 = vec![];
    for s in states4 {
        let (s, p) = round5::part5(s, &packages4).unwrap();
        states5.push(s);
        packages5.push(p);
    }
    let keys: Vec<_> = states5
        .into_iter()
        .map(|s| finish(s, &packages5).unwrap())
        .collect();
    let package = keys[0].public_key_package().unwrap();
    assert_eq!(package.group_public_key(), &keys[1].group_public_key());
    let partials: Vec<_> = keys[..2]
        .iter()
        .map(|k| credkit_threshold::sign::sign(k.signing_share(), b"m"))
        .collect();
    let signature =
        credkit_threshold::combine::combine_and_verify(&package, b"m", &partials).unwrap();
    signature.verify(&keys[2].group_public_key(), b"m").unwrap();
}
