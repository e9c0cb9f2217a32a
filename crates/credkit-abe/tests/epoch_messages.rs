//! The epoch service's messages and proofs: encodings round-trip, every malformed input is
//! refused with an error (never a panic), and a DLEQ proof is bound to its whole statement.

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_abe::epoch::dleq::{DleqInstance, DleqProof};
use credkit_abe::epoch::messages::{
    record_binding, PartialRequest, PartialResponse, ShredRequest, StoreRequest,
};
use credkit_abe::epoch::{
    deal_schedule, seal, DeletionStatement, Epoch, EpochHeader, LocalServers, NodeId, Schedule,
    TreeParams, Window,
};
use credkit_abe::Error;
use credkit_core::SecretScalar;
use credkit_threshold::Identifier;
use group::{Curve, Group};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn point(k: u64) -> G1Affine {
    (G1Projective::generator() * Scalar::from(k)).to_affine()
}

fn instance() -> (DleqInstance, SecretScalar) {
    let x = SecretScalar::new(Scalar::from(0x1234_5678_9abc_u64));
    let u = point(77);
    let instance = DleqInstance {
        schedule: [9; 32],
        node: NodeId::new(5, 17).unwrap(),
        server: Identifier::new(2).unwrap(),
        u,
        p: (G1Projective::generator() * x.expose()).to_affine(),
        z: (G1Projective::from(u) * x.expose()).to_affine(),
    };
    (instance, x)
}

#[test]
fn a_dleq_proof_is_bound_to_every_field_of_its_statement() {
    let mut rng = StdRng::seed_from_u64(1);
    let (instance, x) = instance();
    let proof = DleqProof::prove(&mut rng, &instance, &x);
    proof.verify(&instance).unwrap();
    assert_eq!(DleqProof::from_bytes(&proof.to_bytes()).unwrap(), proof);

    let variants: Vec<DleqInstance> = vec![
        DleqInstance {
            schedule: [8; 32],
            ..instance.clone()
        },
        DleqInstance {
            node: NodeId::new(5, 18).unwrap(),
            ..instance.clone()
        },
        DleqInstance {
            server: Identifier::new(3).unwrap(),
            ..instance.clone()
        },
        DleqInstance {
            u: point(78),
            ..instance.clone()
        },
        DleqInstance {
            p: point(5),
            ..instance.clone()
        },
        DleqInstance {
            z: point(6),
            ..instance.clone()
        },
    ];
    for variant in &variants {
        assert_eq!(proof.verify(variant), Err(Error::InvalidDleqProof));
    }
    // A proof for a Z with another exponent cannot be made to verify.
    let mut lie = instance.clone();
    lie.z = (G1Projective::from(instance.u) * Scalar::from(3u64)).to_affine();
    assert!(DleqProof::prove(&mut rng, &lie, &x).verify(&lie).is_err());
    // Tampered encodings.
    let mut bytes = proof.to_bytes();
    bytes[40] ^= 1;
    assert!(DleqProof::from_bytes(&bytes)
        .unwrap()
        .verify(&instance)
        .is_err());
    assert!(DleqProof::from_bytes(&[0xff; 64]).is_err());
    assert!(DleqProof::from_bytes(&bytes[..63]).is_err());
}

#[test]
fn the_nonce_is_fresh_even_with_a_repeated_rng() {
    // Two proofs of one statement from the same RNG state differ from proofs of another
    // statement; a replayed RNG gives the same proof for the same statement only.
    let (instance, x) = instance();
    let a = DleqProof::prove(&mut StdRng::seed_from_u64(5), &instance, &x);
    let b = DleqProof::prove(&mut StdRng::seed_from_u64(5), &instance, &x);
    assert_eq!(a, b);
    let other = DleqInstance {
        node: NodeId::new(5, 18).unwrap(),
        ..instance.clone()
    };
    let c = DleqProof::prove(&mut StdRng::seed_from_u64(5), &other, &x);
    // Same RNG output, different statement: a different nonce (else x would leak).
    assert_ne!(a.to_bytes()[32..], c.to_bytes()[32..]);
}

/// A dealt schedule and a sealed record: real messages to encode.
fn fixture() -> (Schedule, LocalServers, EpochHeader) {
    let mut rng = StdRng::seed_from_u64(2);
    let params = TreeParams::new(6, Epoch(0)).unwrap();
    let horizon = Window::new(Epoch(0), Epoch(15)).unwrap();
    let (schedule, servers) = deal_schedule(&mut rng, params, horizon, 2, 3).unwrap();
    let servers = LocalServers::new(servers, Epoch(0));
    let window = Window::new(Epoch(2), Epoch(9)).unwrap();
    let sealed = seal(&mut rng, &schedule, &servers, [4; 16], window).unwrap();
    (schedule, servers, sealed.header)
}

fn request(schedule: &Schedule, header: &EpochHeader) -> PartialRequest {
    PartialRequest::new(
        *schedule.digest(),
        *header.record_id(),
        record_binding(
            schedule.digest(),
            header.record_id(),
            header.window(),
            header.commitments(),
        ),
        header.entries()[0].0,
        *header.u(),
    )
    .unwrap()
}

#[test]
fn messages_round_trip_and_refuse_truncation_trailing_bytes_and_versions() {
    let (schedule, servers, header) = fixture();
    let request = request(&schedule, &header);
    let response = servers
        .with_server(Identifier::new(1).unwrap(), |s| {
            s.partial_decrypt(&request, Epoch(2)).unwrap()
        })
        .unwrap();
    let shred = ShredRequest::new(*schedule.digest(), [4; 16], &[1; 32]);

    let request_bytes = request.to_bytes();
    assert_eq!(request_bytes.len(), PartialRequest::BYTES);
    assert_eq!(PartialRequest::from_bytes(&request_bytes).unwrap(), request);
    let response_bytes = response.to_bytes();
    assert_eq!(response_bytes.len(), PartialResponse::BYTES);
    assert_eq!(
        PartialResponse::from_bytes(&response_bytes).unwrap(),
        response
    );
    let shred_bytes = shred.to_bytes();
    assert_eq!(shred_bytes.len(), ShredRequest::BYTES);
    assert_eq!(ShredRequest::from_bytes(&shred_bytes).unwrap(), shred);
    // The response's Debug shows no share.
    assert!(!format!("{response:?}").contains("value"));

    let encodings: [(&str, Vec<u8>); 3] = [
        ("request", request_bytes.clone()),
        ("response", response_bytes.to_vec()),
        ("shred", shred_bytes.to_vec()),
    ];
    let decode = |kind: &str, bytes: &[u8]| -> Result<(), Error> {
        match kind {
            "request" => PartialRequest::from_bytes(bytes).map(drop),
            "response" => PartialResponse::from_bytes(bytes).map(drop),
            _ => ShredRequest::from_bytes(bytes).map(drop),
        }
    };
    for (kind, bytes) in &encodings {
        for len in 0..bytes.len() {
            assert!(
                decode(kind, &bytes[..len]).is_err(),
                "{kind} truncated to {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode(kind, &longer),
            Err(Error::MalformedEpochEncoding("trailing bytes"))
        );
        let mut version = bytes.clone();
        version[0] = 2;
        assert_eq!(
            decode(kind, &version),
            Err(Error::MalformedEpochEncoding("unsupported version"))
        );
    }
    // The identity is no U.
    let mut identity = request_bytes.clone();
    identity[90..].fill(0);
    identity[90] = 0xc0;
    assert_eq!(
        PartialRequest::from_bytes(&identity),
        Err(Error::Encoding(credkit_core::Error::IdentityPoint))
    );
    assert_eq!(
        PartialRequest::new(
            [0; 32],
            [0; 16],
            [0; 32],
            NodeId::new(0, 0).unwrap(),
            G1Affine::from(G1Projective::identity())
        ),
        Err(Error::Encoding(credkit_core::Error::IdentityPoint))
    );
}

#[test]
fn store_requests_are_checked_by_the_server() {
    let (schedule, servers, _) = fixture();
    // Capture a store request by sealing through a recording transport.
    struct Recorder<'a>(&'a LocalServers, std::sync::Mutex<Vec<Vec<u8>>>);
    impl credkit_abe::epoch::KeyServerTransport for Recorder<'_> {
        fn partial_decrypt(
            &self,
            server: Identifier,
            request: &PartialRequest,
        ) -> Result<PartialResponse, credkit_abe::epoch::TransportError> {
            self.0.partial_decrypt(server, request)
        }
        fn store_record_share(
            &self,
            server: Identifier,
            request: &StoreRequest,
        ) -> Result<(), credkit_abe::epoch::TransportError> {
            self.1.lock().unwrap().push(request.to_bytes().to_vec());
            self.0.store_record_share(server, request)
        }
        fn shred(
            &self,
            server: Identifier,
            request: &ShredRequest,
        ) -> Result<DeletionStatement, credkit_abe::epoch::TransportError> {
            self.0.shred(server, request)
        }
    }
    use credkit_abe::epoch::KeyServerTransport;
    let recorder = Recorder(&servers, Default::default());
    let window = Window::new(Epoch(2), Epoch(9)).unwrap();
    seal(
        &mut StdRng::seed_from_u64(3),
        &schedule,
        &recorder,
        [5; 16],
        window,
    )
    .unwrap();
    let stores = recorder.1.into_inner().unwrap();
    assert_eq!(stores.len(), 3);
    assert_eq!(stores[0].len(), 165 + 2 * 48);
    let store = StoreRequest::from_bytes(&stores[0]).unwrap();
    assert_eq!(*store.to_bytes(), stores[0]);
    assert_eq!(
        format!("{:?}", store.share()),
        "RecordShare { identifier: Identifier(1), .. }"
    );

    let one = Identifier::new(1).unwrap();
    let two = Identifier::new(2).unwrap();
    use credkit_abe::epoch::ServerError;
    servers
        .with_server(one, |s| {
            // A retry is accepted; the share addressed to server 2 is not.
            s.store_record_share(&store, Epoch(0)).unwrap();
            let for_two = StoreRequest::from_bytes(&stores[1]).unwrap();
            assert_eq!(
                s.store_record_share(&for_two, Epoch(0)),
                Err(ServerError::WrongServer)
            );
        })
        .unwrap();
    servers
        .with_server(two, |s| {
            // Server 2 already has its share of record 5: server 1's share (relabelled as
            // server 2's) is another share.
            let mut relabelled = stores[0].clone();
            relabelled[97..99].copy_from_slice(&2u16.to_be_bytes());
            let relabelled = StoreRequest::from_bytes(&relabelled).unwrap();
            assert_eq!(
                s.store_record_share(&relabelled, Epoch(0)),
                Err(ServerError::RecordExists)
            );
        })
        .unwrap();
    // For a new record id, a share off the commitments is refused.
    let mut forged = stores[1].clone();
    forged[33..49].copy_from_slice(&[6; 16]);
    forged[110] ^= 1;
    let forged = StoreRequest::from_bytes(&forged).unwrap();
    assert_eq!(
        servers.store_record_share(two, &forged),
        Err(credkit_abe::epoch::TransportError::Refused(
            ServerError::InvalidRecordShare
        ))
    );
    // Malformed bytes never panic.
    for len in 0..stores[0].len() {
        assert!(StoreRequest::from_bytes(&stores[0][..len]).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes: every decoder returns, and what decodes re-encodes to its input.
    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), first in 0u8..3) {
        let mut bytes = bytes;
        if let Some(b) = bytes.first_mut() {
            // Often the right version, so that decoding goes deeper.
            if first > 0 { *b = 1; }
        }
        if let Ok(h) = EpochHeader::from_bytes(&bytes) { prop_assert_eq!(h.to_bytes(), bytes.clone()); }
        if let Ok(s) = Schedule::from_bytes(&bytes) { prop_assert_eq!(s.to_bytes(), bytes.clone()); }
        if let Ok(d) = DeletionStatement::from_bytes(&bytes) { prop_assert_eq!(d.to_bytes(), bytes.clone()); }
        if let Ok(r) = PartialRequest::from_bytes(&bytes) { prop_assert_eq!(r.to_bytes(), bytes.clone()); }
        if let Ok(r) = PartialResponse::from_bytes(&bytes) { prop_assert_eq!(r.to_bytes().to_vec(), bytes.clone()); }
        if let Ok(r) = StoreRequest::from_bytes(&bytes) { prop_assert_eq!(r.to_bytes().to_vec(), bytes.clone()); }
        if let Ok(r) = ShredRequest::from_bytes(&bytes) { prop_assert_eq!(r.to_bytes().to_vec(), bytes.clone()); }
    }
}

/// Encodings and derived constants pinned: a change here breaks every header, schedule or
/// stored share already made.
#[test]
fn snapshots() {
    use credkit_abe::epoch::messages::shred_token_digest;
    use credkit_abe::epoch::pedersen_generator;
    use credkit_core::encoding::g1_to_bytes;

    let h = hex::encode(g1_to_bytes(&pedersen_generator()));
    let token = hex::encode(shred_token_digest(&[0; 32]));
    let commitments = credkit_threshold::Commitments::new(vec![point(1), point(2)]).unwrap();
    let binding = hex::encode(record_binding(
        &[1; 32],
        &[2; 16],
        Window::new(Epoch(3), Epoch(4)).unwrap(),
        &commitments,
    ));
    // H = hash_to_G1("H", PEDERSEN_GENERATOR_DST).
    assert_eq!(
        h,
        "a71082131e750cb171470183b5450df422630044f834cb24beb6a2c6a9e1761bfdccd4c8d6a44747f6d24f2088a116aa"
    );
    // SHA-256(0x20 || "credkit-abe epoch shred token v1" || 32 zero bytes), also checked with
    // Python's hashlib.
    assert_eq!(
        token,
        "e683801bf9fab96a3efba056ed8e6b455112ceff0f1fc2f03414e935cbe97734"
    );
    // Also recomputed with hashlib from the layout in SPEC.md §6.3.
    assert_eq!(
        binding,
        "35c32916d062b9eab7e85c059a1937594b7ded3b7561d43d23cc816d6a481db5"
    );
}
