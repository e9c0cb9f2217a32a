//! Every DKG document reader (the five packages, the five secret states and the key package):
//! never panics; a document one of them accepts declares that type (`DocumentType::of`), no
//! other reader accepts it, and it re-reads from its own `to_json` unchanged, which is then
//! a fixed point.
//!
//! Random text is almost never a DKG document, so inputs starting with `@` are instead edits
//! of a real document of each type, taken from a fixed 2-of-4 run with a cheater (participant
//! 4's proof of knowledge is wrong, dealer 2 sends member 3 a wrong share, is accused and
//! justifies itself), so that lists of disqualified, complaints and justifications are not
//! empty. After the `@`: a byte choosing the document and the edit (overwrite, insert,
//! delete), two bytes of offset, then the bytes to write. A real document, unedited, must
//! read back and re-encode to exactly itself.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use credkit_threshold::dkg::{
    self, round1, round2, round3, round4, round5, DocumentType, KeyPackage, Parameters,
};
use credkit_threshold::Identifier;
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn id(n: u16) -> Identifier {
    Identifier::new(n).expect("id")
}

/// One real document of each type, in the order of `DocumentType::ALL`.
fn real() -> &'static [(DocumentType, String)] {
    static DOCS: OnceLock<Vec<(DocumentType, String)>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let all: Vec<Identifier> = (1..=4).map(id).collect();
        let mut rng = StdRng::seed_from_u64(3);
        let mut docs = BTreeMap::new();
        let mut keep = |kind: DocumentType, json: &str| {
            docs.entry(kind).or_insert_with(|| json.to_owned());
        };

        let mut states = BTreeMap::new();
        let mut round1 = Vec::new();
        for &me in &all {
            let parameters = Parameters::new(2, me, &all, b"fuzz session").expect("parameters");
            let (state, package) = round1::part1_with_rng(parameters, &mut rng);
            if me == id(3) {
                keep(DocumentType::State1, &state.to_json());
            }
            states.insert(me, state);
            round1.push(package);
        }
        keep(DocumentType::Round1, &round1[0].to_json());
        // Participant 4 sends participant 1's proof: disqualified in round 2.
        let forged = round1::Package::new(
            round1[3].sender(),
            round1[3].session(),
            round1[3].commitments().clone(),
            *round1[0].proof(),
        );
        round1[3] = forged;
        states.remove(&id(4));

        let mut next = BTreeMap::new();
        let mut inboxes: BTreeMap<Identifier, Vec<round2::Package>> = BTreeMap::new();
        for (me, state) in states {
            let (state, shares) = round2::part2(state, &round1).expect("round 2");
            if me == id(3) {
                keep(DocumentType::State2, &state.to_json());
            }
            for (recipient, share) in &shares {
                let share = if (me, *recipient) == (id(2), id(3)) {
                    // Dealer 2 sends member 3 member 1's share.
                    round2::Package::new(
                        me,
                        id(3),
                        share.session(),
                        shares[&id(1)].share().expose(),
                    )
                } else {
                    share.clone()
                };
                if (me, *recipient) == (id(1), id(3)) {
                    keep(DocumentType::Round2, &share.to_json());
                }
                inboxes.entry(*recipient).or_default().push(share);
            }
            next.insert(me, state);
        }

        let mut states = BTreeMap::new();
        let mut complaints = Vec::new();
        for (me, state) in next {
            let (state, package) = round3::part3(state, &inboxes[&me]).expect("round 3");
            if me == id(3) {
                assert!(!package.accused().is_empty(), "member 3 complains");
                keep(DocumentType::State3, &state.to_json());
                keep(DocumentType::Round3, &package.to_json());
            }
            states.insert(me, state);
            complaints.push(package);
        }

        let mut next = BTreeMap::new();
        let mut justifications = Vec::new();
        for (me, state) in states {
            let (state, justification) = round4::part4(state, &complaints).expect("round 4");
            if me == id(3) {
                keep(DocumentType::State4, &state.to_json());
            }
            if let Some(package) = justification {
                keep(DocumentType::Round4, &package.to_json());
                justifications.push(package);
            }
            next.insert(me, state);
        }

        let mut states = BTreeMap::new();
        let mut confirmations = Vec::new();
        for (me, state) in next {
            let (state, confirmation) = round5::part5(state, &justifications).expect("round 5");
            if me == id(3) {
                keep(DocumentType::State5, &state.to_json());
                keep(DocumentType::Round5, &confirmation.to_json());
            }
            states.insert(me, state);
            confirmations.push(confirmation);
        }
        for (me, state) in states {
            let key = dkg::finish(state, &confirmations).expect("finish");
            if me == id(3) {
                assert!(
                    !key.disqualified().is_empty(),
                    "participant 4 is disqualified"
                );
                keep(DocumentType::KeyPackage, &key.to_json());
            }
        }
        assert_eq!(docs.len(), DocumentType::ALL.len());
        docs.into_iter().collect()
    })
}

/// Reads `doc` as a `$ty`; if accepted, checks the round trip and returns the re-encoding.
macro_rules! read {
    ($ty:ty, $doc:expr) => {
        <$ty>::from_json($doc).ok().map(|value| {
            let json = value.to_json();
            let json: &str = &json;
            let again = <$ty>::from_json(json).expect("a written document reads back");
            assert_eq!(again, value, "{} does not round-trip", stringify!($ty));
            let twice = again.to_json();
            let twice: &str = &twice;
            assert_eq!(twice, json, "{} re-encodes differently", stringify!($ty));
            json.to_owned()
        })
    };
}

/// Every reader on `doc`: the type that accepted it and its re-encoding, if one did.
fn read_all(doc: &str) -> Option<(DocumentType, String)> {
    let accepted: Vec<(DocumentType, String)> = [
        (DocumentType::Round1, read!(round1::Package, doc)),
        (DocumentType::Round2, read!(round2::Package, doc)),
        (DocumentType::Round3, read!(round3::Package, doc)),
        (DocumentType::Round4, read!(round4::Package, doc)),
        (DocumentType::Round5, read!(round5::Package, doc)),
        (DocumentType::State1, read!(round1::SecretPackage, doc)),
        (DocumentType::State2, read!(round2::SecretPackage, doc)),
        (DocumentType::State3, read!(round3::SecretPackage, doc)),
        (DocumentType::State4, read!(round4::SecretPackage, doc)),
        (DocumentType::State5, read!(round5::SecretPackage, doc)),
        (DocumentType::KeyPackage, read!(KeyPackage, doc)),
    ]
    .into_iter()
    .filter_map(|(kind, json)| json.map(|json| (kind, json)))
    .collect();
    assert!(accepted.len() <= 1, "read as several types: {accepted:?}");
    let declared = DocumentType::of(doc);
    if let Some((kind, _)) = accepted.first() {
        assert_eq!(
            declared,
            Some(*kind),
            "accepted as another type than declared"
        );
    }
    accepted.into_iter().next()
}

fuzz_target!(|data: &[u8]| {
    let Some(edit) = data.strip_prefix(b"@") else {
        if let Ok(text) = std::str::from_utf8(data) {
            read_all(text);
        }
        return;
    };
    let [selector, high, low, patch @ ..] = edit else {
        return;
    };
    let docs = real();
    let (kind, base) = &docs[usize::from(*selector) % docs.len()];
    let at = usize::from(u16::from_be_bytes([*high, *low])) % (base.len() + 1);
    let mut bytes = base.as_bytes().to_vec();
    match usize::from(*selector) / docs.len() % 3 {
        0 => {
            let end = (at + patch.len()).min(bytes.len());
            bytes.splice(at..end, patch.iter().copied());
        }
        1 => {
            bytes.splice(at..at, patch.iter().copied());
        }
        _ => {
            let end = (at + patch.len()).min(bytes.len());
            bytes.drain(at..end);
        }
    }
    let Ok(doc) = String::from_utf8(bytes) else {
        return;
    };
    let read = read_all(&doc);
    if doc == *base {
        assert_eq!(
            read.as_ref(),
            Some(&(*kind, base.clone())),
            "a real {kind} document does not read back to itself"
        );
    }
});
