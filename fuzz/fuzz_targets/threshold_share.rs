//! `SigningShare::from_bytes`, `reshare::SubShare::from_bytes` and
//! `reshare::DealerCommitments::from_bytes`: never panic, and what they accept re-encodes to
//! exactly the input.
//!
//! The input is also read as a selector and a mask over one real value of a fixed 2-of-3
//! group resharing to members 2, 3 and 4 (dealers 1 and 2): a signing share, dealer 1's
//! sub-share for member 3, or dealer 1's commitments (perhaps cut or extended by one point).
//! Untouched, it decodes to the real value. A decoded signing share passes the group's
//! `verify_share` only if it is a member's real share; with a decoded sub-share or
//! commitments in place of the real one, member 3's `reshare::receive` succeeds only if
//! nothing changed.
#![no_main]

use std::sync::OnceLock;

use credkit_threshold::bls::SecretKey;
use credkit_threshold::dealer::{self, GroupKey};
use credkit_threshold::reshare::{self, DealerCommitments, ReshareConfig, SubShare};
use credkit_threshold::{Identifier, SigningShare};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

struct Fixture {
    group: GroupKey,
    shares: Vec<SigningShare>,
    config: ReshareConfig,
    /// Dealer 1's and dealer 2's commitments.
    commitments: [DealerCommitments; 2],
    /// Dealer 1's and dealer 2's sub-shares for member 3.
    sub_shares: [SubShare; 2],
}

fn id(n: u16) -> Identifier {
    Identifier::new(n).expect("id")
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(2);
        let sk = SecretKey::key_gen(&[4; 32], b"fuzz").expect("key_gen");
        let (group, shares) =
            dealer::split(&mut rng, &sk, 2, &[id(1), id(2), id(3)]).expect("split");
        let config =
            ReshareConfig::new(&group, &[id(1), id(2)], 2, &[id(2), id(3), id(4)]).expect("config");
        let dealings: Vec<_> = shares[..2]
            .iter()
            .map(|share| reshare::deal(&mut rng, &config, share).expect("deal"))
            .collect();
        let commitments = [0, 1].map(|i| dealings[i].commitments().clone());
        let sub_shares = [0, 1].map(|i| dealings[i].sub_share(id(3)).expect("sub-share").clone());
        Fixture {
            group,
            shares,
            config,
            commitments,
            sub_shares,
        }
    })
}

fn signing_share(bytes: &[u8]) -> Option<SigningShare> {
    let share = SigningShare::from_bytes(bytes).ok()?;
    assert_eq!(
        &share.to_bytes()[..],
        bytes,
        "signing share does not round-trip"
    );
    Some(share)
}

fn sub_share(bytes: &[u8]) -> Option<SubShare> {
    let share = SubShare::from_bytes(bytes).ok()?;
    assert_eq!(
        &share.to_bytes()[..],
        bytes,
        "sub-share does not round-trip"
    );
    Some(share)
}

fn dealer_commitments(bytes: &[u8]) -> Option<DealerCommitments> {
    let commitments = DealerCommitments::from_bytes(bytes).ok()?;
    assert_eq!(
        commitments.to_bytes(),
        bytes,
        "commitments do not round-trip"
    );
    assert_eq!(
        bytes.len(),
        4 + 48 * commitments.commitments().min_signers()
    );
    Some(commitments)
}

/// Member 3 receives dealer 1's dealing as given and dealer 2's real one.
fn receive_holds(commitments: &DealerCommitments, sub_share: &SubShare) -> bool {
    let f = fixture();
    reshare::receive(
        &f.config,
        id(3),
        &[commitments.clone(), f.commitments[1].clone()],
        &[sub_share.clone(), f.sub_shares[1].clone()],
    )
    .is_ok()
}

fuzz_target!(|data: &[u8]| {
    signing_share(data);
    sub_share(data);
    dealer_commitments(data);
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let xor = |mut bytes: Vec<u8>| {
        bytes.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
        bytes
    };
    match selector % 4 {
        // A member's signing share.
        0 | 1 => {
            let real = &f.shares[usize::from(selector >> 2) % f.shares.len()];
            let near = xor(real.to_bytes().to_vec());
            let untouched = near == real.to_bytes()[..];
            let decoded = signing_share(&near);
            if untouched {
                assert_eq!(decoded.as_ref(), Some(real), "a real share was rejected");
            }
            if let Some(share) = decoded {
                let genuine = f.shares.contains(&share);
                assert_eq!(
                    f.group.verify_share(&share).is_ok(),
                    genuine,
                    "verify_share disagrees with the real shares"
                );
            }
        }
        // Dealer 1's sub-share for member 3.
        2 => {
            let real = &f.sub_shares[0];
            let near = xor(real.to_bytes().to_vec());
            let untouched = near == real.to_bytes()[..];
            let decoded = sub_share(&near);
            if untouched {
                assert_eq!(
                    decoded.as_ref(),
                    Some(real),
                    "a real sub-share was rejected"
                );
            }
            if let Some(share) = decoded {
                assert_eq!(
                    receive_holds(&f.commitments[0], &share),
                    share == *real,
                    "receive with sub-share {share:?}"
                );
            }
        }
        // Dealer 1's commitments, perhaps a point short or long (with the count XORed too).
        _ => {
            let real = &f.commitments[0];
            let mut bytes = real.to_bytes();
            match (selector >> 2) % 4 {
                0 => bytes.truncate(bytes.len() - 48),
                1 => bytes.extend_from_slice(&real.to_bytes()[4..52]),
                _ => {}
            }
            let near = xor(bytes);
            let untouched = near == real.to_bytes();
            let decoded = dealer_commitments(&near);
            if untouched {
                assert_eq!(
                    decoded.as_ref(),
                    Some(real),
                    "real commitments were rejected"
                );
            }
            if let Some(commitments) = decoded {
                assert_eq!(
                    receive_holds(&commitments, &f.sub_shares[0]),
                    commitments == *real,
                    "receive with commitments {commitments:?}"
                );
            }
        }
    }
});
