//! Resharing: the same group key for a new member set and threshold; old shares do not mix
//! with new ones; a cheating dealer is named.

use credkit_core::curve::Scalar;
use credkit_threshold::reshare::{self, DealerCommitments, Dealing, ReshareConfig, SubShare};
use credkit_threshold::{combine, dealer, sign, Error, GroupKey, Identifier, SigningShare};
use rand::rngs::StdRng;
use rand::SeedableRng;

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn id(i: u16) -> Identifier {
    Identifier::new(i).expect("nonzero")
}

fn ids(v: &[u16]) -> Vec<Identifier> {
    v.iter().map(|&i| id(i)).collect()
}

fn share_of(shares: &[SigningShare], member: u16) -> &SigningShare {
    shares
        .iter()
        .find(|s| s.identifier() == id(member))
        .expect("a member")
}

/// Every dealer deals; every new member receives. Returns the new shares (in the order of
/// the new members) and the new group key, checking that all new members agree on it.
fn run(
    rng: &mut StdRng,
    config: &ReshareConfig,
    old_shares: &[SigningShare],
) -> (Vec<SigningShare>, GroupKey) {
    let dealings: Vec<Dealing> = config
        .dealers()
        .map(|d| reshare::deal(rng, config, share_of(old_shares, d.get())).unwrap())
        .collect();
    let commitments: Vec<DealerCommitments> =
        dealings.iter().map(|d| d.commitments().clone()).collect();
    let mut new_key: Option<GroupKey> = None;
    let mut new_shares = Vec::new();
    for j in config.new_members() {
        let sub_shares: Vec<SubShare> = dealings
            .iter()
            .map(|d| d.sub_share(*j).unwrap().clone())
            .collect();
        let (share, key) = reshare::receive(config, *j, &commitments, &sub_shares).unwrap();
        key.verify_share(&share).unwrap();
        if let Some(previous) = &new_key {
            assert_eq!(previous, &key);
        }
        new_key = Some(key);
        new_shares.push(share);
    }
    (new_shares, new_key.unwrap())
}

fn group_signature(key: &GroupKey, shares: &[&SigningShare], message: &[u8]) -> [u8; 96] {
    let partials: Vec<_> = shares.iter().map(|s| sign::sign(s, message)).collect();
    combine::combine_and_verify(key, message, &partials)
        .unwrap()
        .to_bytes()
}

/// 3 of {1..5} become 4 of {2, 3, 6, 7, 8, 9}: members 1, 4, 5 leave, 6 to 9 join. Every
/// 4-subset of the new members produces the old group's signature.
#[test]
fn new_members_sign_as_the_old_group() {
    let mut rng = rng(1);
    let (old_key, old_shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let message = b"discharge summary 2291";
    let expected = group_signature(
        &old_key,
        &[&old_shares[0], &old_shares[1], &old_shares[2]],
        message,
    );

    let config =
        ReshareConfig::new(&old_key, &ids(&[5, 1, 3]), 4, &ids(&[9, 2, 3, 6, 7, 8])).unwrap();
    assert_eq!(config.dealers().collect::<Vec<_>>(), ids(&[1, 3, 5]));
    assert_eq!(config.new_members(), &ids(&[2, 3, 6, 7, 8, 9])[..]);
    let (new_shares, new_key) = run(&mut rng, &config, &old_shares);
    assert_eq!(new_key.public_key(), old_key.public_key());
    assert_eq!(new_key.proof_of_possession(), old_key.proof_of_possession());
    assert_eq!((new_key.min_signers(), new_key.max_signers()), (4, 6));

    for a in 0..6 {
        for b in a + 1..6 {
            for c in b + 1..6 {
                for d in c + 1..6 {
                    let signers = [
                        &new_shares[a],
                        &new_shares[b],
                        &new_shares[c],
                        &new_shares[d],
                    ];
                    assert_eq!(group_signature(&new_key, &signers, message), expected);
                }
            }
        }
    }
    // The new shares are new: member 3 stayed, with another share.
    assert_ne!(share_of(&new_shares, 3), share_of(&old_shares, 3));
}

/// After a resharing, old shares and new ones do not combine: the old partial signatures do
/// not verify under the new verifying shares, and the combined signature is invalid.
#[test]
fn old_shares_do_not_mix_with_new_ones() {
    let mut rng = rng(2);
    let (old_key, old_shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let config = ReshareConfig::new(&old_key, &ids(&[2, 3, 4]), 3, &ids(&[1, 2, 3, 4, 5])).unwrap();
    let (new_shares, new_key) = run(&mut rng, &config, &old_shares);
    let message = b"lab result 77";

    // Old members 1 and 2 with new member 3, all under the new key.
    let mixed = [
        sign::sign(&old_shares[0], message),
        sign::sign(&old_shares[1], message),
        sign::sign(&new_shares[2], message),
    ];
    let combined = combine::combine(&new_key, &mixed).unwrap();
    assert_eq!(
        combined.verify(new_key.public_key(), message),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        combine::combine_and_verify(&new_key, message, &mixed),
        Err(Error::InvalidPartialSignatures(ids(&[1, 2])))
    );
    // And new shares under the old key's verifying shares.
    let mut rng2 = rng.clone();
    assert_eq!(
        sign::verify_partials(
            &mut rng2,
            &old_key,
            message,
            &[
                sign::sign(&new_shares[0], message),
                sign::sign(&old_shares[1], message)
            ]
        ),
        Err(Error::InvalidPartialSignatures(ids(&[1])))
    );
}

/// A proactive refresh: same members, same threshold, new shares, same key.
#[test]
fn proactive_refresh() {
    let mut rng = rng(3);
    let (old_key, old_shares) = dealer::deal(&mut rng, 2, 3).unwrap();
    let config = ReshareConfig::new(&old_key, &ids(&[1, 3]), 2, &ids(&[1, 2, 3])).unwrap();
    let (new_shares, new_key) = run(&mut rng, &config, &old_shares);
    assert_eq!(new_key.public_key(), old_key.public_key());
    assert_ne!(new_key.commitments(), old_key.commitments());
    for (old, new) in old_shares.iter().zip(&new_shares) {
        assert_ne!(old, new);
    }
    let message = b"refresh";
    assert_eq!(
        group_signature(&new_key, &[&new_shares[0], &new_shares[1]], message),
        group_signature(&old_key, &[&old_shares[1], &old_shares[2]], message)
    );
    // A second refresh from the refreshed key.
    let config = ReshareConfig::new(&new_key, &ids(&[2, 3]), 3, &ids(&[1, 2, 3])).unwrap();
    let (third, third_key) = run(&mut rng, &config, &new_shares);
    assert_eq!(third_key.public_key(), old_key.public_key());
    assert_eq!(
        group_signature(&third_key, &[&third[0], &third[1], &third[2]], message),
        group_signature(&old_key, &[&old_shares[0], &old_shares[1]], message)
    );
}

struct Round {
    config: ReshareConfig,
    dealings: Vec<Dealing>,
}

fn round(seed: u64) -> (Round, Vec<SigningShare>, GroupKey) {
    let mut rng = rng(seed);
    let (old_key, old_shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let config = ReshareConfig::new(&old_key, &ids(&[1, 2, 4]), 2, &ids(&[3, 6, 7])).unwrap();
    let dealings = config
        .dealers()
        .map(|d| reshare::deal(&mut rng, &config, share_of(&old_shares, d.get())).unwrap())
        .collect();
    (Round { config, dealings }, old_shares, old_key)
}

impl Round {
    fn commitments(&self) -> Vec<DealerCommitments> {
        self.dealings
            .iter()
            .map(|d| d.commitments().clone())
            .collect()
    }

    fn sub_shares(&self, recipient: u16) -> Vec<SubShare> {
        self.dealings
            .iter()
            .map(|d| d.sub_share(id(recipient)).unwrap().clone())
            .collect()
    }

    fn receive(
        &self,
        recipient: u16,
        commitments: &[DealerCommitments],
        sub_shares: &[SubShare],
    ) -> Result<(SigningShare, GroupKey), Error> {
        reshare::receive(&self.config, id(recipient), commitments, sub_shares)
    }
}

/// Dealer 2 shares `s_2` instead of `lambda_2 * s_2` (its commitments are those of another
/// dealer set), dealer 4 sends member 6 a wrong sub-share: both are named.
#[test]
fn cheating_dealers_are_named() {
    let (round, old_shares, old_key) = round(4);
    let honest = round.receive(6, &round.commitments(), &round.sub_shares(6));
    assert!(honest.is_ok());

    // Dealer 2 deals for the dealer set {2, 3, 4}: its constant term is off.
    let mut rng = rng(40);
    let other = ReshareConfig::new(&old_key, &ids(&[2, 3, 4]), 2, &ids(&[3, 6, 7])).unwrap();
    let wrong_lambda = reshare::deal(&mut rng, &other, &old_shares[1]).unwrap();
    let mut commitments = round.commitments();
    commitments[1] = wrong_lambda.commitments().clone();
    let mut sub_shares = round.sub_shares(6);
    sub_shares[1] = wrong_lambda.sub_share(id(6)).unwrap().clone();
    assert_eq!(
        round.receive(6, &commitments, &sub_shares).unwrap_err(),
        Error::InvalidDealings(ids(&[2]))
    );

    // Dealer 4 adds one to member 6's sub-share, on top.
    let mut bytes = sub_shares[2].to_bytes();
    bytes[SubShare::BYTES - 1] ^= 1;
    sub_shares[2] = SubShare::from_bytes(&bytes[..]).unwrap();
    assert_eq!(
        round.receive(6, &commitments, &sub_shares).unwrap_err(),
        Error::InvalidDealings(ids(&[2, 4]))
    );
}

/// A dealer whose polynomial has the wrong degree (a dealing for another new threshold).
#[test]
fn wrong_degree_dealing_is_named() {
    let (round, old_shares, old_key) = round(5);
    let mut rng = rng(50);
    let other = ReshareConfig::new(&old_key, &ids(&[1, 2, 4]), 3, &ids(&[3, 6, 7])).unwrap();
    let cubic = reshare::deal(&mut rng, &other, &old_shares[0]).unwrap();
    assert_eq!(cubic.commitments().commitments().min_signers(), 3);
    let mut commitments = round.commitments();
    commitments[0] = cubic.commitments().clone();
    let mut sub_shares = round.sub_shares(7);
    sub_shares[0] = cubic.sub_share(id(7)).unwrap().clone();
    assert_eq!(
        round.receive(7, &commitments, &sub_shares).unwrap_err(),
        Error::InvalidDealings(ids(&[1]))
    );
}

/// Missing, duplicated, foreign and misaddressed messages, in any order.
#[test]
fn receive_input_errors() {
    let (round, _, _) = round(6);
    let commitments = round.commitments();
    let sub_shares = round.sub_shares(3);

    // Any order is fine.
    let mut reversed_c = commitments.clone();
    reversed_c.reverse();
    let mut reversed_s = sub_shares.clone();
    reversed_s.rotate_left(1);
    assert!(round.receive(3, &reversed_c, &reversed_s).is_ok());

    assert_eq!(
        round.receive(5, &commitments, &sub_shares).unwrap_err(),
        Error::UnknownMember(id(5))
    );
    assert_eq!(
        round
            .receive(3, &commitments[..2], &sub_shares)
            .unwrap_err(),
        Error::WrongSignerCount {
            expected: 3,
            found: 2
        }
    );
    assert_eq!(
        round
            .receive(3, &commitments, &sub_shares[1..])
            .unwrap_err(),
        Error::WrongSignerCount {
            expected: 3,
            found: 2
        }
    );
    let duplicated = [
        commitments[0].clone(),
        commitments[1].clone(),
        commitments[0].clone(),
    ];
    assert_eq!(
        round.receive(3, &duplicated, &sub_shares).unwrap_err(),
        Error::DuplicateParticipant(id(1))
    );
    let foreign = DealerCommitments::new(id(3), commitments[0].commitments().clone());
    assert_eq!(
        round
            .receive(3, &[commitments[0].clone(), foreign], &sub_shares)
            .unwrap_err(),
        Error::UnknownMember(id(3))
    );
    let misaddressed = round.sub_shares(6);
    assert_eq!(
        round.receive(3, &commitments, &misaddressed).unwrap_err(),
        Error::MisaddressedShare {
            sender: id(1),
            recipient: id(6)
        }
    );
}

#[test]
fn config_and_deal_errors() {
    let mut rng = rng(7);
    let (old_key, old_shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let new = ids(&[1, 2, 3]);
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2]), 2, &new).unwrap_err(),
        Error::WrongSignerCount {
            expected: 3,
            found: 2
        }
    );
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2, 6]), 2, &new).unwrap_err(),
        Error::UnknownMember(id(6))
    );
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2, 1]), 2, &new).unwrap_err(),
        Error::DuplicateParticipant(id(1))
    );
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2, 3]), 2, &ids(&[4, 4])).unwrap_err(),
        Error::DuplicateParticipant(id(4))
    );
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2, 3]), 4, &new).unwrap_err(),
        Error::InvalidMinSigners {
            min_signers: 4,
            max_signers: 3
        }
    );
    assert_eq!(
        ReshareConfig::new(&old_key, &ids(&[1, 2, 3]), 1, &new).unwrap_err(),
        Error::InvalidMinSigners {
            min_signers: 1,
            max_signers: 3
        }
    );

    let config = ReshareConfig::new(&old_key, &ids(&[1, 2, 3]), 2, &new).unwrap();
    assert_eq!(
        reshare::deal(&mut rng, &config, &old_shares[4]).unwrap_err(),
        Error::UnknownMember(id(5))
    );
    let corrupted = SigningShare::new(id(2), old_shares[1].secret().expose() + Scalar::from(1u64));
    assert_eq!(
        reshare::deal(&mut rng, &config, &corrupted).unwrap_err(),
        Error::InvalidShare(id(2))
    );
}

#[test]
fn message_encodings() {
    let (round, _, _) = round(8);
    let dealing = &round.dealings[1];

    let commitments = dealing.commitments();
    let bytes = commitments.to_bytes();
    assert_eq!(bytes.len(), 4 + 2 * 48);
    assert_eq!(&bytes[..4], &[0, 2, 0, 2]);
    assert_eq!(&DealerCommitments::from_bytes(&bytes).unwrap(), commitments);
    assert!(matches!(
        DealerCommitments::from_bytes(&bytes[..bytes.len() - 1]),
        Err(Error::Encoding(credkit_core::Error::InvalidLength { .. }))
    ));
    assert!(DealerCommitments::from_bytes(&bytes[..3]).is_err());
    let mut empty = bytes[..4].to_vec();
    empty[3] = 0;
    assert_eq!(
        DealerCommitments::from_bytes(&empty),
        Err(Error::EmptyCommitments)
    );
    let mut bad_point = bytes.clone();
    bad_point[4] &= 0x7f;
    assert_eq!(
        DealerCommitments::from_bytes(&bad_point),
        Err(Error::Encoding(credkit_core::Error::InvalidPointEncoding))
    );

    let sub_share = dealing.sub_share(id(7)).unwrap();
    let bytes = sub_share.to_bytes();
    assert_eq!(&bytes[..4], &[0, 2, 0, 7]);
    assert_eq!(&SubShare::from_bytes(&bytes[..]).unwrap(), sub_share);
    let mut zero = *bytes;
    zero[2..4].copy_from_slice(&[0, 0]);
    assert_eq!(SubShare::from_bytes(&zero), Err(Error::ZeroIdentifier));
    let mut big = *bytes;
    big[4..].copy_from_slice(&[0xff; 32]);
    assert_eq!(
        SubShare::from_bytes(&big),
        Err(Error::Encoding(credkit_core::Error::NonCanonicalScalar))
    );
    assert!(format!("{sub_share:?}").contains("<redacted>"));
}
