//! Sealed records with a controllable clock: open inside the window, not before, not after
//! the servers erased; only for satisfying attributes; 2 of 3 servers suffice; any changed byte
//! is refused; shredding kills one record only.

use credkit_abe::epoch::{deal_schedule, Epoch, Fault, LocalServers, Schedule, TreeParams, Window};
use credkit_abe::fabeo::{setup, MasterPublicKey, MasterSecretKey, UserKey};
use credkit_abe::policy::{Attribute, Policy};
use credkit_abe::record::{open_record, seal_record, shred_record, SealedRecord};
use credkit_abe::Error;
use credkit_threshold::Identifier;
use rand::rngs::OsRng;

struct World {
    mpk: MasterPublicKey,
    msk: MasterSecretKey,
    schedule: Schedule,
    servers: LocalServers,
}

/// Hourly epochs from 100, a tree of 2^8 hours, keys dealt for 100..=163 to 3 servers (2 of 3).
fn world() -> World {
    let (mpk, msk) = setup(&mut OsRng);
    let params = TreeParams::new(8, Epoch(100)).unwrap();
    let horizon = Window::new(Epoch(100), Epoch(163)).unwrap();
    let (schedule, servers) = deal_schedule(&mut OsRng, params, horizon, 2, 3).unwrap();
    World {
        mpk,
        msk,
        schedule,
        servers: LocalServers::new(servers, Epoch(100)),
    }
}

fn key(w: &World, attrs: &str) -> UserKey {
    w.msk
        .keygen(&mut OsRng, &Attribute::parse_list(attrs).unwrap())
        .unwrap()
}

fn seal(
    w: &World,
    policy: &str,
    first: u64,
    last: u64,
    body: &[u8],
) -> (SealedRecord, credkit_abe::epoch::ShredToken) {
    let window = Window::new(Epoch(first), Epoch(last)).unwrap();
    let (record, token) = seal_record(
        &mut OsRng,
        &w.mpk,
        &Policy::parse(policy).unwrap(),
        &w.schedule,
        &w.servers,
        window,
        body,
    )
    .unwrap();
    // Every test reads the record back from its bytes, as a reader would.
    (SealedRecord::from_bytes(&record.to_bytes()).unwrap(), token)
}

fn open_at(w: &World, k: &UserKey, r: &SealedRecord, now: u64) -> Result<Vec<u8>, Error> {
    w.servers.set_now(Epoch(now));
    open_record(k, &w.schedule, &w.servers, r, Epoch(now)).map(|p| p.to_vec())
}

const POLICY: &str = "role:cardiologist and hospital:H1";

#[test]
fn opens_inside_its_window_only() {
    let w = world();
    let doctor = key(&w, "role:cardiologist, hospital:H1");
    let (record, _) = seal(&w, POLICY, 104, 111, b"ECG of patient 17");
    assert_eq!(
        open_at(&w, &doctor, &record, 103).unwrap_err(),
        Error::NotYetValid { first: Epoch(104) }
    );
    for now in [104, 107, 111] {
        assert_eq!(
            open_at(&w, &doctor, &record, now).unwrap(),
            b"ECG of patient 17"
        );
    }
    // The hour after, the servers erase every node whose range has ended.
    w.servers.set_now(Epoch(112));
    w.servers.erase_expired();
    assert_eq!(
        open_at(&w, &doctor, &record, 112).unwrap_err(),
        Error::Expired { last: Epoch(111) }
    );
    // A reader whose clock is behind gets the same answer: the servers erased the nodes.
    w.servers.set_now(Epoch(112));
    assert_eq!(
        open_record(&doctor, &w.schedule, &w.servers, &record, Epoch(110)).unwrap_err(),
        Error::Expired { last: Epoch(111) }
    );
}

#[test]
fn only_satisfying_attributes_open() {
    let w = world();
    let (record, _) = seal(&w, POLICY, 100, 110, b"x");
    for attrs in [
        "role:cardiologist",
        "hospital:H1",
        "role:nurse, hospital:H1",
        "role:cardiologist, hospital:H2",
    ] {
        assert_eq!(
            open_at(&w, &key(&w, attrs), &record, 105).unwrap_err(),
            Error::PolicyNotSatisfied,
            "{attrs}"
        );
    }
    // Two readers who each hold half cannot pool their keys (see tests/fabeo.rs); a reader with
    // more attributes than needed opens.
    let chief = key(&w, "role:cardiologist, hospital:H1, role:chief");
    assert_eq!(open_at(&w, &chief, &record, 105).unwrap(), b"x");
}

#[test]
fn two_of_three_servers_suffice() {
    let w = world();
    let doctor = key(&w, "role:cardiologist, hospital:H1");
    let (record, _) = seal(&w, POLICY, 100, 120, b"blood panel");
    for down in 1..=3 {
        let id = Identifier::new(down).unwrap();
        w.servers.set_fault(id, Some(Fault::Down));
        assert_eq!(
            open_at(&w, &doctor, &record, 110).unwrap(),
            b"blood panel",
            "server {down} down"
        );
        w.servers.set_fault(id, None);
    }
    // Two down: not enough servers, a distinct error.
    w.servers
        .set_fault(Identifier::new(1).unwrap(), Some(Fault::Down));
    w.servers
        .set_fault(Identifier::new(2).unwrap(), Some(Fault::Down));
    assert!(matches!(
        open_at(&w, &doctor, &record, 110).unwrap_err(),
        Error::NotEnoughServers { .. }
    ));
}

#[test]
fn any_changed_byte_is_refused() {
    let w = world();
    let doctor = key(&w, "role:cardiologist, hospital:H1");
    let (record, _) = seal(&w, POLICY, 100, 120, b"a short clinical note");
    let bytes = record.to_bytes();
    let header_len = record.header().to_bytes().len();
    assert_eq!(
        bytes.len(),
        header_len + b"a short clinical note".len() + 16
    );
    let mut authentication = 0;
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        let outcome = SealedRecord::from_bytes(&t).and_then(|r| {
            w.servers.set_now(Epoch(105));
            open_record(&doctor, &w.schedule, &w.servers, &r, Epoch(105))
        });
        let err = outcome.expect_err(&format!("byte {i} changed and the record opened"));
        // The nonce and the body: exactly an authentication failure.
        if i >= header_len - 24 {
            assert_eq!(err, Error::RecordAuthentication, "byte {i}");
        }
        if err == Error::RecordAuthentication {
            authentication += 1;
        }
    }
    // Most header changes that still decode are caught by the AEAD too.
    assert!(authentication > 24 + 37, "{authentication}");
    // Truncations and extensions.
    for cut in [0, 5, 6, header_len - 1, header_len, header_len + 15] {
        assert!(
            SealedRecord::from_bytes(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let r = SealedRecord::from_bytes(&longer).unwrap();
    assert_eq!(
        open_at(&w, &doctor, &r, 105).unwrap_err(),
        Error::RecordAuthentication
    );
}

#[test]
fn shredding_kills_one_record_only() {
    let w = world();
    let doctor = key(&w, "role:cardiologist, hospital:H1");
    let (first, token) = seal(&w, POLICY, 100, 130, b"first");
    let (second, _) = seal(&w, POLICY, 100, 130, b"second");
    w.servers.set_now(Epoch(105));
    let statements = shred_record(&w.schedule, &w.servers, first.header(), &token).unwrap();
    assert!(statements.len() >= 2);
    assert_eq!(
        open_at(&w, &doctor, &first, 106).unwrap_err(),
        Error::Shredded
    );
    assert_eq!(open_at(&w, &doctor, &second, 106).unwrap(), b"second");
}

#[test]
fn a_megabyte_round_trips() {
    let w = world();
    let doctor = key(&w, "role:cardiologist, hospital:H1");
    let body: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    let (record, _) = seal(&w, POLICY, 100, 101, &body);
    assert_eq!(record.body_len(), body.len() + 16);
    assert_eq!(open_at(&w, &doctor, &record, 100).unwrap(), body);
}
