//! What the epoch service costs: dealing a horizon, sealing, opening, erasing. Ignored by
//! default (it prints timings and takes a few seconds); run with
//!
//! ```sh
//! cargo test -p credkit-abe --test epoch_costs -- --ignored --nocapture
//! ```

use std::time::Instant;

use credkit_abe::epoch::{
    deal_schedule, open, seal, Epoch, LocalServers, Schedule, TreeParams, Window,
};
use credkit_threshold::bls::SecretKey;
use credkit_threshold::{dealer, Identifier};
use rand::rngs::StdRng;
use rand::SeedableRng;

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

#[test]
#[ignore = "timings; run with --ignored --nocapture"]
fn costs() {
    let mut rng = StdRng::seed_from_u64(1);
    // Depth 20 (about 120 years of hours) from 2024-01-01; a two-week horizon.
    let origin = Epoch::from_unix_seconds(1_704_067_200);
    let params = TreeParams::new(20, origin).unwrap();
    for (min_signers, max_signers, hours) in [(2u16, 3u16, 336u64), (3, 5, 336), (2, 3, 720)] {
        let horizon = Window::new(origin, Epoch(origin.0 + hours - 1)).unwrap();
        let start = Instant::now();
        let (schedule, servers) =
            deal_schedule(&mut rng, params, horizon, min_signers, max_signers).unwrap();
        let deal = ms(start);
        let nodes = schedule.nodes().count();
        let bytes = schedule.to_bytes();
        let start = Instant::now();
        Schedule::from_bytes(&bytes).unwrap();
        let decode = ms(start);
        println!(
            "deal {min_signers} of {max_signers}, {hours} epochs, {nodes} nodes: {deal:.0} ms \
             ({:.3} ms/node); schedule {} bytes, decoded and checked in {decode:.0} ms",
            deal / nodes as f64,
            bytes.len()
        );

        let servers = LocalServers::new(servers, origin);
        // The worst window for a depth-20 tree inside the horizon.
        let window = Window::new(Epoch(origin.0 + 1), Epoch(origin.0 + hours - 2)).unwrap();
        let start = Instant::now();
        let sealed = seal(&mut rng, &schedule, &servers, [1; 16], window).unwrap();
        let seal_ms = ms(start);
        servers.set_now(Epoch(origin.0 + 5));
        let start = Instant::now();
        let runs = 20;
        for _ in 0..runs {
            open(&schedule, &servers, &sealed.header, Epoch(origin.0 + 5)).unwrap();
        }
        let open_ms = ms(start) / f64::from(runs);
        println!(
            "  seal ({} cover nodes, header {} bytes): {seal_ms:.1} ms; open: {open_ms:.1} ms",
            sealed.header.entries().len(),
            sealed.header.to_bytes().len()
        );
        servers.set_now(Epoch(origin.0 + 24));
        let start = Instant::now();
        let statements = servers.erase_expired();
        println!(
            "  erase after 24 epochs: {} statements in {:.0} ms",
            statements.len(),
            ms(start)
        );
    }

    // For comparison: credkit-threshold's dealer per shared key (it adds a proof of
    // possession, which a node key does not need).
    let ids: Vec<Identifier> = (1..=3).map(|i| Identifier::new(i).unwrap()).collect();
    let runs = 100;
    let start = Instant::now();
    for _ in 0..runs {
        let key = SecretKey::generate(&mut rng);
        dealer::split(&mut rng, &key, 2, &ids).unwrap();
    }
    println!(
        "credkit-threshold dealer::split, 2 of 3: {:.3} ms per key",
        ms(start) / f64::from(runs)
    );
}
