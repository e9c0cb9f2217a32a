//! `sign::verify_partials`, `combine::combine` and `combine::combine_and_verify` on partial
//! signatures of a fixed group: never panic, and name exactly the members whose partial
//! signature is not their real one.
//!
//! Input: a header byte (bit 0: the 3-of-5 group, or the 8-of-9 group whose combination takes
//! the GLS path; the rest: how many partial signatures, 0 to 10), one byte per partial
//! signature (low nibble: the signer, a member or one past the last; high nibble: honest, or
//! how it is altered), a message length and the message, then 96-byte masks for the partial
//! signatures XORed into their encoding. The members may repeat and come in any order.
#![no_main]

use std::sync::OnceLock;

use credkit_threshold::bls::{self, SecretKey, Signature};
use credkit_threshold::dealer::{self, GroupKey};
use credkit_threshold::{combine, sign, Error, Identifier, PartialSignature, SigningShare};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

struct Group {
    secret: SecretKey,
    key: GroupKey,
    /// Share `i - 1` for member `i`.
    shares: Vec<SigningShare>,
}

fn group(large: bool) -> &'static Group {
    static GROUPS: OnceLock<[Group; 2]> = OnceLock::new();
    let groups = GROUPS.get_or_init(|| {
        [(3u16, 5u16), (8, 9)].map(|(min_signers, max_signers)| {
            let mut rng = StdRng::seed_from_u64(u64::from(max_signers));
            let secret = SecretKey::key_gen(&[6; 32], &max_signers.to_be_bytes()).expect("key_gen");
            let ids: Vec<Identifier> = (1..=max_signers)
                .map(|i| Identifier::new(i).expect("id"))
                .collect();
            let (key, shares) = dealer::split(&mut rng, &secret, min_signers, &ids).expect("split");
            Group {
                secret,
                key,
                shares,
            }
        })
    });
    &groups[usize::from(large)]
}

fn id(n: u16) -> Identifier {
    Identifier::new(n).expect("nonzero")
}

/// The real partial signatures on one message, signed when first asked for.
struct Honest<'a> {
    group: &'a Group,
    message: &'a [u8],
    partials: Vec<Option<PartialSignature>>,
}

impl<'a> Honest<'a> {
    fn new(group: &'a Group, message: &'a [u8]) -> Self {
        Honest {
            group,
            message,
            partials: vec![None; group.shares.len()],
        }
    }

    /// Member `member`'s (1-based; beyond the last, wrapping around).
    fn get(&mut self, member: u16) -> PartialSignature {
        let i = usize::from(member - 1) % self.partials.len();
        let (share, message) = (&self.group.shares[i], self.message);
        *self.partials[i].get_or_insert_with(|| sign::sign(share, message))
    }
}

/// A partial signature under the identifier `member` (1-based, `max + 1` for a non-member,
/// who signs with member 1's share), honest or altered as `kind` says; `None` when a mask
/// makes an encoding that does not decode.
fn partial(
    honest: &mut Honest<'_>,
    member: u16,
    kind: u8,
    masks: &mut impl Iterator<Item = u8>,
) -> Option<PartialSignature> {
    let max = honest.partials.len() as u16;
    let own = honest.get(member).signature();
    let signature = match kind {
        0..=7 => own,
        8 => {
            let mut other_message = honest.message.to_vec();
            other_message.push(b'!');
            let share = &honest.group.shares[usize::from(member - 1) % usize::from(max)];
            sign::sign(share, &other_message).signature()
        }
        9 => honest.get(member % max + 1).signature(),
        10 => {
            // The sign bit: the negated point.
            let mut bytes = own.to_bytes();
            bytes[0] ^= 0x20;
            Signature::from_bytes(&bytes).ok()?
        }
        11 => bls::aggregate(&[own.clone(), own]).ok()?,
        12 => {
            let mut identity = [0u8; 96];
            identity[0] = 0xc0;
            Signature::from_bytes(&identity).ok()?
        }
        13 => bls::aggregate(&[own, honest.get(member % max + 1).signature()]).ok()?,
        _ => {
            let mut bytes = own.to_bytes();
            bytes
                .iter_mut()
                .zip(masks.by_ref().chain(core::iter::repeat(0)))
                .for_each(|(b, m)| *b ^= m);
            Signature::from_bytes(&bytes).ok()?
        }
    };
    Some(PartialSignature::new(id(member), &signature))
}

fuzz_target!(|data: &[u8]| {
    let Some((&header, rest)) = data.split_first() else {
        return;
    };
    let g = group(header & 1 == 1);
    let package = g.key.package();
    let max = g.shares.len() as u16;
    let min = usize::from(package.min_signers());
    let count = usize::from(header >> 1) % 11;
    if rest.len() < count + 1 {
        return;
    }
    let (slots, rest) = rest.split_at(count);
    let (&message_len, rest) = rest.split_first().expect("length checked");
    let (message, masks) = rest.split_at(usize::from(message_len).min(rest.len()));
    let mut masks = masks.iter().copied();

    let mut honest = Honest::new(g, message);
    let partials: Vec<PartialSignature> = slots
        .iter()
        .filter_map(|&slot| {
            let member = 1 + u16::from(slot & 0x0f) % (max + 1);
            partial(&mut honest, member, slot >> 4, &mut masks)
        })
        .collect();

    // What the answers must be, in the order the functions check.
    let is_member = |p: &PartialSignature| p.identifier().get() <= max;
    let unknown = partials
        .iter()
        .find(|p| !is_member(p))
        .map(|p| p.identifier());
    let mut ids: Vec<Identifier> = partials.iter().map(|p| p.identifier()).collect();
    ids.sort_unstable();
    let duplicate = ids.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
    let mut culprits: Vec<Identifier> = partials
        .iter()
        .filter(|p| is_member(p))
        .filter(|p| **p != honest.get(p.identifier().get()))
        .map(|p| p.identifier())
        .collect();
    culprits.sort_unstable();
    let precondition = match (unknown, duplicate) {
        (Some(unknown), _) => Err(Error::UnknownMember(unknown)),
        (None, Some(duplicate)) => Err(Error::DuplicateParticipant(duplicate)),
        (None, None) => Ok(()),
    };
    let checked = precondition.clone().and_then(|()| {
        if culprits.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidPartialSignatures(culprits.clone()))
        }
    });

    let mut rng = StdRng::seed_from_u64(7);
    let verified = sign::verify_partials(&mut rng, package, message, &partials);
    assert_eq!(verified, checked, "verify_partials on {partials:?}");

    let group_signature = g.secret.sign(message);
    let count_check = if partials.len() == min {
        Ok(())
    } else {
        Err(Error::WrongSignerCount {
            expected: min,
            found: partials.len(),
        })
    };
    let combined = combine::combine(package, &partials);
    match count_check.clone().and(precondition) {
        Err(e) => assert_eq!(combined, Err(e)),
        Ok(()) => {
            let combined = combined.expect("combine succeeds on distinct members");
            assert_eq!(
                combined == group_signature,
                culprits.is_empty(),
                "combine of {partials:?}"
            );
        }
    }
    let expected = count_check.and(checked).map(|()| group_signature.clone());
    assert_eq!(
        combine::combine_and_verify(package, message, &partials),
        expected,
        "combine_and_verify on {partials:?}"
    );
});
