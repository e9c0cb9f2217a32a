//! The epoch key service end to end, with a controllable clock: sealing and opening inside
//! the window, refusal before it, erasure after it, outages, lying servers, early shredding,
//! deletion statements and header tampering.

use credkit_abe::epoch::messages::PartialRequest;
use credkit_abe::epoch::{
    deal_schedule, open, seal, seal_with_min_stored, shred, DeletionReason, DeletionStatement,
    DeletionSubject, Epoch, EpochHeader, Fault, KeyServer, LocalServers, NodeId, Schedule, Sealed,
    ServerError, TreeParams, Window,
};
use credkit_abe::Error;
use credkit_threshold::Identifier;
use rand::rngs::StdRng;
use rand::SeedableRng;

const ORIGIN: u64 = 1000;

fn id(i: u16) -> Identifier {
    Identifier::new(i).unwrap()
}

fn window(first: u64, last: u64) -> Window {
    Window::new(Epoch(first), Epoch(last)).unwrap()
}

/// A depth-8 tree from epoch 1000, keys for epochs 1000..=1063 (127 nodes), 2 of 3 servers,
/// the servers' clock at 1000.
fn setup(seed: u64) -> (StdRng, Schedule, LocalServers) {
    let mut rng = StdRng::seed_from_u64(seed);
    let params = TreeParams::new(8, Epoch(ORIGIN)).unwrap();
    let (schedule, servers) = deal_schedule(&mut rng, params, window(1000, 1063), 2, 3).unwrap();
    (rng, schedule, LocalServers::new(servers, Epoch(ORIGIN)))
}

fn seal_record(
    rng: &mut StdRng,
    schedule: &Schedule,
    servers: &LocalServers,
    record: u8,
) -> Sealed {
    seal(rng, schedule, servers, [record; 16], window(1003, 1020)).unwrap()
}

/// Opens at `now`, with the servers' clock at `now` too.
fn open_at(
    schedule: &Schedule,
    servers: &LocalServers,
    header: &EpochHeader,
    now: u64,
) -> Result<credkit_abe::epoch::Opened, Error> {
    servers.set_now(Epoch(now));
    open(schedule, servers, header, Epoch(now))
}

#[test]
fn seal_then_open_at_the_first_the_middle_and_the_last_epoch() {
    let (mut rng, schedule, servers) = setup(1);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    assert_eq!(sealed.stored_by, [id(1), id(2), id(3)]);
    // [1003, 1020] relative to the origin is [3, 20]: 3 | 4..7 | 8..15 | 16..19 | 20.
    let cover: Vec<NodeId> = sealed.header.entries().iter().map(|(n, _)| *n).collect();
    assert_eq!(cover, schedule.params().cover(window(1003, 1020)).unwrap());
    assert_eq!(cover.len(), 5);

    // The header survives its encoding.
    let header = EpochHeader::from_bytes(&sealed.header.to_bytes()).unwrap();
    assert_eq!(header, sealed.header);
    assert_eq!(header.to_bytes().len(), 125 + 41 * 5 + 48 * 2);

    for now in [1003, 1004, 1011, 1019, 1020] {
        let opened = open_at(&schedule, &servers, &header, now).unwrap();
        assert_eq!(opened.secrets, sealed.secrets, "at {now}");
        assert!(opened.misbehaving.is_empty() && opened.unreachable.is_empty());
    }
    // Secrets are redacted.
    assert_eq!(format!("{:?}", sealed.secrets), "EpochSecrets(<redacted>)");
    assert_eq!(
        format!("{:?}", sealed.shred_token),
        "ShredToken(<redacted>)"
    );
}

#[test]
fn two_records_have_unrelated_secrets() {
    let (mut rng, schedule, servers) = setup(2);
    let a = seal_record(&mut rng, &schedule, &servers, 1);
    let b = seal_record(&mut rng, &schedule, &servers, 2);
    assert_ne!(a.secrets.epoch_key(), b.secrets.epoch_key());
    assert_ne!(a.secrets.record_secret(), b.secrets.record_secret());
}

#[test]
fn not_yet_valid_before_the_window() {
    let (mut rng, schedule, servers) = setup(3);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    assert_eq!(
        open_at(&schedule, &servers, &sealed.header, 1002).unwrap_err(),
        Error::NotYetValid { first: Epoch(1003) }
    );
    // A reader who pretends it is already 1003 while the servers' clock says 1002: the
    // servers refuse the node.
    servers.set_now(Epoch(1002));
    match open(&schedule, &servers, &sealed.header, Epoch(1003)).unwrap_err() {
        Error::NotEnoughServers {
            needed: 2,
            valid: 0,
            unreachable,
            refused,
        } => {
            assert!(unreachable.is_empty());
            assert_eq!(
                refused,
                [1, 2, 3].map(|i| (id(i), ServerError::NodeNotYetValid))
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn after_the_window_the_nodes_are_erased_and_the_record_is_gone() {
    let (mut rng, schedule, servers) = setup(4);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    let cover: Vec<NodeId> = sealed.header.entries().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        open_at(&schedule, &servers, &sealed.header, 1021).unwrap_err(),
        Error::Expired { last: Epoch(1020) }
    );

    // Before erasure the servers already refuse a node whose range has ended...
    let request = PartialRequest::new(
        *schedule.digest(),
        [1; 16],
        credkit_abe::epoch::messages::record_binding(
            schedule.digest(),
            &[1; 16],
            window(1003, 1020),
            sealed.header.commitments(),
        ),
        *cover.last().unwrap(),
        *sealed.header.u(),
    )
    .unwrap();
    servers
        .with_server(id(1), |s| {
            assert_eq!(
                s.partial_decrypt(&request, Epoch(1021)).unwrap_err(),
                ServerError::NodeExpired
            );
            // ...and answer it one epoch earlier.
            assert!(s.partial_decrypt(&request, Epoch(1020)).is_ok());
        })
        .unwrap();

    // Erasure at 1021: every node ending before 1021 and the record's shares.
    let statements = servers.erase_expired();
    for server in 1..=3 {
        servers
            .with_server(id(server), |s| {
                for node in &cover {
                    assert!(!s.holds_node(*node), "server {server} still holds {node}");
                }
                assert!(s
                    .held_nodes()
                    .all(|n| n.range(schedule.params()).unwrap().last() >= Epoch(1021)));
                assert!(!s.holds_record(&[1; 16]));
                // Now even a request "at 1020" finds nothing.
                assert_eq!(
                    s.partial_decrypt(&request, Epoch(1020)).unwrap_err(),
                    ServerError::NodeExpired
                );
                assert!(!format!("{s:?}").contains("secret"));
            })
            .unwrap();
    }
    // 21 leaves, 10 pairs, 5 fours, 2 eights and 1 sixteen ended, on each of 3 servers,
    // plus the record share on each.
    let nodes_ended = 21 + 10 + 5 + 2 + 1;
    assert_eq!(statements.len(), 3 * (nodes_ended + 1));
    for statement in &statements {
        schedule.verify_statement(statement).unwrap();
        assert_eq!(statement.reason(), DeletionReason::Expired);
        assert_eq!(statement.epoch(), Epoch(1021));
    }
    for node in &cover {
        for server in 1..=3 {
            assert!(statements
                .iter()
                .any(|s| s.server() == id(server) && s.subject() == DeletionSubject::Node(*node)));
        }
    }
    // Erasing again erases nothing new.
    assert!(servers.erase_expired().is_empty());

    // Gone for everyone, including a reader whose clock is behind.
    assert_eq!(
        open(&schedule, &servers, &sealed.header, Epoch(1020)).unwrap_err(),
        Error::Expired { last: Epoch(1020) }
    );
    assert_eq!(
        open(&schedule, &servers, &sealed.header, Epoch(1003)).unwrap_err(),
        Error::Expired { last: Epoch(1020) }
    );
}

#[test]
fn erasure_is_per_node_a_later_record_still_opens() {
    let (mut rng, schedule, servers) = setup(5);
    let early = seal(&mut rng, &schedule, &servers, [1; 16], window(1003, 1010)).unwrap();
    let late = seal(&mut rng, &schedule, &servers, [2; 16], window(1008, 1030)).unwrap();
    servers.set_now(Epoch(1012));
    servers.erase_expired();
    assert_eq!(
        open(&schedule, &servers, &early.header, Epoch(1010)).unwrap_err(),
        Error::Expired { last: Epoch(1010) }
    );
    let opened = open(&schedule, &servers, &late.header, Epoch(1012)).unwrap();
    assert_eq!(opened.secrets, late.secrets);
}

#[test]
fn two_of_three_open_with_any_one_server_down() {
    let (mut rng, schedule, servers) = setup(6);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    for down in 1..=3 {
        servers.set_fault(id(down), Some(Fault::Down));
        let opened = open_at(&schedule, &servers, &sealed.header, 1010).unwrap();
        assert_eq!(opened.secrets, sealed.secrets);
        assert_eq!(opened.unreachable.contains(&id(down)), down < 3);
        servers.set_fault(id(down), None);
    }
    // Two down: not enough, and the error says which were unreachable.
    servers.set_fault(id(1), Some(Fault::Down));
    servers.set_fault(id(3), Some(Fault::Down));
    assert_eq!(
        open_at(&schedule, &servers, &sealed.header, 1010).unwrap_err(),
        Error::NotEnoughServers {
            needed: 2,
            valid: 1,
            unreachable: vec![id(1), id(3)],
            refused: vec![],
        }
    );
}

#[test]
fn sealing_needs_every_server_unless_told_otherwise() {
    let (mut rng, schedule, servers) = setup(7);
    servers.set_fault(id(2), Some(Fault::Down));
    assert_eq!(
        seal(&mut rng, &schedule, &servers, [1; 16], window(1003, 1020)).unwrap_err(),
        Error::SealIncomplete {
            stored: 2,
            needed: 3
        }
    );
    // The shares stored by the failed seal were shredded again.
    for server in [1, 3] {
        servers
            .with_server(id(server), |s| assert!(!s.holds_record(&[1; 16])))
            .unwrap();
    }
    // With min_stored = 2 it seals, and opens with the two that stored.
    let sealed = seal_with_min_stored(
        &mut rng,
        &schedule,
        &servers,
        [2; 16],
        window(1003, 1020),
        2,
    )
    .unwrap();
    assert_eq!(sealed.stored_by, [id(1), id(3)]);
    servers.set_fault(id(2), None);
    let opened = open_at(&schedule, &servers, &sealed.header, 1005).unwrap();
    assert_eq!(opened.secrets, sealed.secrets);
    // min_stored below the threshold is refused.
    assert!(matches!(
        seal_with_min_stored(
            &mut rng,
            &schedule,
            &servers,
            [3; 16],
            window(1003, 1020),
            1
        ),
        Err(Error::Threshold(_))
    ));
    // A window outside the horizon has no keys.
    assert_eq!(
        seal(&mut rng, &schedule, &servers, [4; 16], window(1060, 1064)).unwrap_err(),
        Error::WindowOutsideHorizon {
            first: Epoch(1060),
            last: Epoch(1064)
        }
    );
    // A window that has already ended is refused by the servers.
    servers.set_now(Epoch(1030));
    assert!(matches!(
        seal(&mut rng, &schedule, &servers, [5; 16], window(1003, 1020)).unwrap_err(),
        Error::SealIncomplete { stored: 0, .. }
    ));
}

#[test]
fn a_lying_server_is_named_and_the_others_open() {
    for fault in [Fault::WrongPartial, Fault::WrongRecordShare] {
        let (mut rng, schedule, servers) = setup(8);
        let sealed = seal_record(&mut rng, &schedule, &servers, 1);
        servers.set_fault(id(1), Some(fault));
        let opened = open_at(&schedule, &servers, &sealed.header, 1010).unwrap();
        assert_eq!(opened.secrets, sealed.secrets, "{fault:?}");
        assert_eq!(opened.misbehaving, [id(1)], "{fault:?}");

        // With only the liar and one honest server up, the open fails naming the liar.
        servers.set_fault(id(3), Some(Fault::Down));
        assert_eq!(
            open_at(&schedule, &servers, &sealed.header, 1010).unwrap_err(),
            Error::MisbehavingServers(vec![id(1)]),
            "{fault:?}"
        );
    }
}

#[test]
fn shredding_one_record_leaves_the_others() {
    let (mut rng, schedule, servers) = setup(9);
    let a = seal_record(&mut rng, &schedule, &servers, 1);
    let b = seal_record(&mut rng, &schedule, &servers, 2);
    servers.set_now(Epoch(1005));

    // A wrong token shreds nothing.
    let wrong = credkit_abe::epoch::ShredToken::from_bytes([0; 32]);
    assert_eq!(
        shred(&schedule, &servers, [1; 16], &wrong).unwrap_err(),
        Error::ShredIncomplete {
            confirmed: 0,
            needed: 2
        }
    );
    assert!(open_at(&schedule, &servers, &a.header, 1005).is_ok());

    let statements = shred(&schedule, &servers, [1; 16], &a.shred_token).unwrap();
    assert_eq!(statements.len(), 3);
    for statement in &statements {
        schedule.verify_statement(statement).unwrap();
        assert_eq!(statement.subject(), DeletionSubject::Record([1; 16]));
        assert_eq!(statement.reason(), DeletionReason::Shredded);
    }
    assert_eq!(
        open_at(&schedule, &servers, &a.header, 1006).unwrap_err(),
        Error::Shredded
    );
    let opened = open_at(&schedule, &servers, &b.header, 1006).unwrap();
    assert_eq!(opened.secrets, b.secrets);
    // Shredding again returns the same statements.
    assert_eq!(
        shred(&schedule, &servers, [1; 16], &a.shred_token).unwrap(),
        statements
    );
    // The shredded record cannot be stored again under the same id.
    servers
        .with_server(id(1), |s| assert!(!s.holds_record(&[1; 16])))
        .unwrap();
}

#[test]
fn a_shred_with_one_server_down_still_kills_the_record() {
    let (mut rng, schedule, servers) = setup(10);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    servers.set_now(Epoch(1005));
    servers.set_fault(id(3), Some(Fault::Down));
    // Two of three confirm: one share remains, fewer than the threshold.
    let statements = shred(&schedule, &servers, [1; 16], &sealed.shred_token).unwrap();
    assert_eq!(statements.len(), 2);
    servers.set_fault(id(3), None);
    assert_eq!(
        open_at(&schedule, &servers, &sealed.header, 1006).unwrap_err(),
        Error::Shredded
    );
    // With two servers down a shred cannot be confirmed.
    let other = seal_record(&mut rng, &schedule, &servers, 2);
    servers.set_fault(id(1), Some(Fault::Down));
    servers.set_fault(id(2), Some(Fault::Down));
    assert_eq!(
        shred(&schedule, &servers, [2; 16], &other.shred_token).unwrap_err(),
        Error::ShredIncomplete {
            confirmed: 1,
            needed: 2
        }
    );
}

#[test]
fn deletion_statements_verify_under_their_server_key_only() {
    let (mut rng, schedule, servers) = setup(11);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    servers.set_now(Epoch(1005));
    let statements = shred(&schedule, &servers, [1; 16], &sealed.shred_token).unwrap();
    let statement = &statements[0];
    let key_1 = schedule.server_key(id(1)).unwrap();
    let key_2 = schedule.server_key(id(2)).unwrap();
    statement.verify(key_1).unwrap();
    assert_eq!(
        statement.verify(key_2),
        Err(Error::InvalidDeletionStatement)
    );
    // The encoding round-trips; any changed field breaks the signature.
    let bytes = statement.to_bytes();
    assert_eq!(bytes.len(), 1 + 32 + 2 + 1 + 16 + 8 + 1 + 96);
    assert_eq!(&DeletionStatement::from_bytes(&bytes).unwrap(), statement);
    for position in 1..bytes.len() - 96 {
        let mut tampered = bytes.clone();
        tampered[position] ^= 1;
        if let Ok(decoded) = DeletionStatement::from_bytes(&tampered) {
            assert!(
                schedule.verify_statement(&decoded).is_err(),
                "byte {position}"
            );
        }
    }
    // The servers' logs hold the statements.
    servers
        .with_server(id(2), |s| {
            assert_eq!(s.deletion_log(), &statements[1..2]);
        })
        .unwrap();
}

#[test]
fn the_schedule_is_signed_by_every_server_and_round_trips() {
    let (_, schedule, servers) = setup(12);
    assert_eq!(schedule.nodes().count(), 127);
    let bytes = schedule.to_bytes();
    assert_eq!(bytes.len(), 34 + 3 * 50 + 127 * (9 + 2 * 48) + 3 * 96);
    let decoded = Schedule::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, schedule);
    for (server, signature) in schedule.servers().iter().zip(schedule.signatures()) {
        signature
            .verify(server.public_key(), &schedule.signed_message())
            .unwrap();
        servers
            .with_server(server.identifier(), |s| {
                assert_eq!(s.public_key(), server.public_key());
                assert_eq!(s.schedule_digest(), schedule.digest());
            })
            .unwrap();
    }
    // Each node's verification shares interpolate to its public key: 2 of 3.
    let keys = schedule.node_keys(NodeId::new(3, 1).unwrap()).unwrap();
    let lambdas = credkit_threshold::combine::lagrange_coefficients(&[id(1), id(3)]);
    let p = blstrs::G1Projective::from(keys.verification_share(id(1))) * lambdas[0]
        + blstrs::G1Projective::from(keys.verification_share(id(3))) * lambdas[1];
    assert_eq!(group::Curve::to_affine(&p), keys.public_key());
    // A node outside the horizon has no keys.
    assert!(schedule.node_keys(NodeId::new(2, 1).unwrap()).is_none());

    // A changed byte in the body changes the digest: the signatures no longer verify (or the
    // decoding fails earlier).
    let body_len = bytes.len() - 3 * 96;
    for position in [0, 1, 5, 12, 20, 27, 29, 31, 40, 80, 200, body_len - 1] {
        let mut tampered = bytes.clone();
        tampered[position] ^= 1;
        assert!(Schedule::from_bytes(&tampered).is_err(), "byte {position}");
    }
    assert!(Schedule::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Schedule::from_bytes(&longer).is_err());
}

#[test]
fn header_tampering_is_refused_or_changes_what_opens() {
    let (mut rng, schedule, servers) = setup(13);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    let bytes = sealed.header.to_bytes();
    // Layout: version 0, params 1..10, schedule 10..42, record id 42..58, window 58..74,
    // U 74..122, n 122, entries 123..328 (5 x 41), t 328..330, commitments 330..426.
    assert_eq!(bytes.len(), 426);
    let entries = 123..123 + 5 * 41;
    let is_w = |p: usize| entries.contains(&p) && (p - 123) % 41 >= 9;

    let mut decodable = Vec::new();
    for position in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut tampered = bytes.clone();
            tampered[position] ^= bit;
            match EpochHeader::from_bytes(&tampered) {
                Err(_) => {}
                Ok(header) => {
                    // A decoded header is canonical: it re-encodes to the altered bytes.
                    assert_eq!(header.to_bytes(), tampered);
                    decodable.push(position);
                }
            }
        }
    }
    // Structural fields never decode when altered: version, tree, window, counts, node ids.
    for position in decodable.iter().copied() {
        let structural = position < 10
            || (58..74).contains(&position)
            || position == 122
            || (entries.contains(&position) && !is_w(position))
            || (328..330).contains(&position);
        assert!(!structural, "byte {position} decoded after tampering");
    }
    assert!(EpochHeader::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(EpochHeader::from_bytes(&longer).is_err());

    // What decodes does not open to the record's secrets at 1010 (node 8..15 of the cover,
    // the third entry) ...
    servers.set_now(Epoch(1010));
    let open_tampered = |position: usize, bit: u8| {
        let mut tampered = bytes.clone();
        tampered[position] ^= bit;
        let header = EpochHeader::from_bytes(&tampered).ok()?;
        Some(open(&schedule, &servers, &header, Epoch(1010)))
    };
    // the schedule digest,
    assert_eq!(
        open_tampered(20, 1).unwrap().unwrap_err(),
        Error::ScheduleMismatch
    );
    // the record id: the servers do not know that record,
    assert!(matches!(
        open_tampered(50, 1).unwrap().unwrap_err(),
        Error::NotEnoughServers { valid: 0, .. }
    ));
    // the current node's masked key: another epoch key, same record secret,
    let third_w = 123 + 2 * 41 + 9;
    let opened = open_tampered(third_w, 1).unwrap().unwrap();
    assert_ne!(opened.secrets.epoch_key(), sealed.secrets.epoch_key());
    assert_eq!(
        opened.secrets.record_secret(),
        sealed.secrets.record_secret()
    );
    // a commitment (when the altered point is on the curve): the servers refuse the binding.
    // (The sign bit of a compressed point, 0x20 of its first byte, gives its negation: a
    // valid point for certain.)
    assert_eq!(
        open_tampered(330, 0x20).unwrap().unwrap_err(),
        Error::HeaderMismatch
    );
    let commitment_results: Vec<_> = (330..426)
        .flat_map(|p| [0x01u8, 0x02, 0x04].map(|b| (p, b)))
        .filter_map(|(p, b)| open_tampered(p, b))
        .collect();
    for result in commitment_results {
        assert_eq!(result.unwrap_err(), Error::HeaderMismatch);
    }
    // U (when the altered point is valid): the servers answer for another U, which yields
    // another epoch key.
    let negated = open_tampered(74, 0x20).unwrap().unwrap();
    assert_ne!(negated.secrets.epoch_key(), sealed.secrets.epoch_key());
    let u_results: Vec<_> = (74..122)
        .flat_map(|p| [0x01u8, 0x02, 0x04].map(|b| (p, b)))
        .filter_map(|(p, b)| open_tampered(p, b))
        .collect();
    for result in u_results {
        assert_ne!(
            result.unwrap().secrets.epoch_key(),
            sealed.secrets.epoch_key()
        );
    }
    // ... and the untouched header still opens.
    let opened = open(&schedule, &servers, &sealed.header, Epoch(1010)).unwrap();
    assert_eq!(opened.secrets, sealed.secrets);
}

#[test]
fn a_header_of_another_schedule_is_refused() {
    let (mut rng, schedule, servers) = setup(14);
    let (_, other, _) = setup(15);
    let sealed = seal_record(&mut rng, &schedule, &servers, 1);
    assert_eq!(
        open(&other, &servers, &sealed.header, Epoch(1005)).unwrap_err(),
        Error::ScheduleMismatch
    );
}

#[test]
fn server_refusals_have_stable_wire_codes() {
    for code in 0..=255u8 {
        if let Some(error) = ServerError::from_code(code) {
            assert_eq!(error.code(), code);
        } else {
            assert!(code == 0 || code > 15);
        }
    }
    assert_eq!(ServerError::from_code(4), Some(ServerError::NodeExpired));
}

#[test]
fn servers_are_debug_printable_without_secrets() {
    let (_, _, servers) = setup(16);
    let text = servers
        .with_server(id(1), |s: &mut KeyServer| format!("{s:?}"))
        .unwrap();
    assert!(text.starts_with("KeyServer { identifier: Identifier(1), node_shares: 127"));
}
