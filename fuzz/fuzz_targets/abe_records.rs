//! The decoders of credkit-abe's epoch service and records: `Schedule`, `EpochHeader`, the four
//! server messages, `DeletionStatement`, `DleqProof`, `NodeId`, `TreeParams` and
//! `SealedRecord`. Never a panic; whatever decodes re-encodes to the same bytes; a record that
//! decodes is opened against a fixed world (3 in-memory servers, 2 of 3) and never panics, and
//! only the real record opens.
//!
//! The first byte picks the decoder; for schedules, headers and records, the rest may instead
//! splice a patch into a real encoding (high bit of the first byte set), since random bytes are
//! almost never valid.
#![no_main]

use std::sync::OnceLock;

use credkit_abe::epoch::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use credkit_abe::epoch::{
    deal_schedule, dleq::DleqProof, DeletionStatement, Epoch, EpochHeader, LocalServers, NodeId,
    Schedule, TreeParams, Window,
};
use credkit_abe::fabeo::{setup, UserKey};
use credkit_abe::policy::{Attribute, Policy};
use credkit_abe::record::{open_record, seal_record, SealedRecord};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

struct World {
    schedule: Schedule,
    servers: LocalServers,
    key: UserKey,
    record: Vec<u8>,
    plaintext: Vec<u8>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(7);
        let (mpk, msk) = setup(&mut rng);
        let params = TreeParams::new(6, Epoch(0)).expect("params");
        let horizon = Window::new(Epoch(0), Epoch(15)).expect("horizon");
        let (schedule, servers) = deal_schedule(&mut rng, params, horizon, 2, 3).expect("deal");
        let servers = LocalServers::new(servers, Epoch(4));
        let policy = Policy::parse("a:1 and 2 of (b:2, c:3, d:4)").expect("policy");
        let plaintext = b"fuzz record".to_vec();
        let window = Window::new(Epoch(2), Epoch(9)).expect("window");
        let (record, _) = seal_record(&mut rng, &mpk, &policy, &schedule, &servers, window, &plaintext)
            .expect("seal");
        let key = msk
            .keygen(&mut rng, &Attribute::parse_list("a:1, b:2, d:4").expect("attrs"))
            .expect("keygen");
        World {
            schedule,
            servers,
            key,
            record: record.to_bytes(),
            plaintext,
        }
    })
}

fn splice(base: &[u8], patch: &[u8]) -> Vec<u8> {
    let Some((&at, rest)) = patch.split_first() else {
        return base.to_vec();
    };
    let at = usize::from(at) * base.len() / 256;
    let mut out = base.to_vec();
    for (i, b) in rest.iter().enumerate() {
        if let Some(x) = out.get_mut(at + i) {
            *x ^= b;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let w = world();
    match which & 0x7f {
        0 => {
            let bytes = if which & 0x80 != 0 { splice(&w.schedule.to_bytes(), rest) } else { rest.to_vec() };
            if let Ok(s) = Schedule::from_bytes(&bytes) {
                assert_eq!(s.to_bytes(), bytes);
            }
        }
        1 => {
            let real = SealedRecord::from_bytes(&w.record).expect("real record");
            let base = real.header().epoch_header().to_bytes();
            let bytes = if which & 0x80 != 0 { splice(&base, rest) } else { rest.to_vec() };
            if let Ok(h) = EpochHeader::from_bytes(&bytes) {
                assert_eq!(h.to_bytes(), bytes);
            }
        }
        2 => {
            if let Ok(m) = PartialRequest::from_bytes(rest) {
                assert_eq!(m.to_bytes(), rest);
            }
        }
        3 => {
            if let Ok(m) = PartialResponse::from_bytes(rest) {
                assert_eq!(&m.to_bytes()[..], rest);
            }
        }
        4 => {
            if let Ok(m) = StoreRequest::from_bytes(rest) {
                assert_eq!(&m.to_bytes()[..], rest);
            }
        }
        5 => {
            if let Ok(m) = ShredRequest::from_bytes(rest) {
                assert_eq!(&m.to_bytes()[..], rest);
            }
        }
        6 => {
            if let Ok(m) = DeletionStatement::from_bytes(rest) {
                assert_eq!(m.to_bytes(), rest);
                let _ = w.schedule.verify_statement(&m);
            }
        }
        7 => {
            if let Ok(p) = DleqProof::from_bytes(rest) {
                assert_eq!(&p.to_bytes()[..], rest);
            }
        }
        8 => {
            if let Ok(n) = NodeId::from_bytes(rest) {
                assert_eq!(&n.to_bytes()[..], rest);
            }
            if let Ok(p) = TreeParams::from_bytes(rest) {
                assert_eq!(&p.to_bytes()[..], rest);
            }
        }
        _ => {
            let bytes = if which & 0x80 != 0 { splice(&w.record, rest) } else { rest.to_vec() };
            if let Ok(record) = SealedRecord::from_bytes(&bytes) {
                assert_eq!(record.to_bytes(), bytes);
                match open_record(&w.key, &w.schedule, &w.servers, &record, Epoch(4)) {
                    Ok(plain) => {
                        // Only the real record opens.
                        assert_eq!(bytes, w.record);
                        assert_eq!(&plain[..], &w.plaintext[..]);
                    }
                    Err(_) => assert_ne!(bytes, w.record),
                }
            }
        }
    }
});
