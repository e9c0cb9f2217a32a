//! The epoch tree: node ranges, covers (exhaustively for small trees, by property for depth 20
//! and 40), nodes within a horizon, encodings and refusals.

use credkit_abe::epoch::{Epoch, NodeId, TreeParams, Window, MAX_DEPTH};
use credkit_abe::Error;
use proptest::prelude::*;

fn window(first: u64, last: u64) -> Window {
    Window::new(Epoch(first), Epoch(last)).unwrap()
}

/// The properties every cover must have: in order, disjoint and contiguous from `first` to
/// `last`, no two siblings (which a smaller cover would merge), at most `2 * depth - 2` nodes
/// (one for depth 1).
fn check_cover(params: &TreeParams, w: Window, cover: &[NodeId]) {
    let bound = if params.depth() == 1 {
        1
    } else {
        2 * usize::from(params.depth()) - 2
    };
    assert!(cover.len() <= bound, "{w}: {} nodes > {bound}", cover.len());
    let mut next = w.first().0;
    for node in cover {
        let range = node.range(params).unwrap();
        assert_eq!(range.first().0, next, "{w}: gap or overlap at {node}");
        assert!(range.last() <= w.last(), "{w}: {node} runs past the window");
        next = range.last().0 + 1;
    }
    assert_eq!(next, w.last().0 + 1, "{w}: cover stops early");
    for pair in cover.windows(2) {
        let siblings = pair[0].level() == pair[1].level()
            && pair[0].index() / 2 == pair[1].index() / 2
            && pair[0].level() > 0;
        assert!(!siblings, "{w}: {} and {} would merge", pair[0], pair[1]);
    }
}

/// The size of a minimal cover by dynamic programming over every node: the reference for
/// minimality in small trees.
fn minimal_cover_size(params: &TreeParams, w: Window) -> usize {
    let (a, b) = (w.first().0, w.last().0);
    let len = (b - a + 1) as usize;
    // best[k]: fewest nodes covering [a + k, b] exactly.
    let mut best = vec![usize::MAX; len + 1];
    best[len] = 0;
    for k in (0..len).rev() {
        let start = a + k as u64;
        for level in 0..=params.depth() {
            let size = 1u64 << (params.depth() - level);
            let offset = start - params.origin().0;
            if offset % size != 0 || start + size - 1 > b {
                continue;
            }
            let rest = best[k + size as usize];
            if rest != usize::MAX {
                best[k] = best[k].min(rest + 1);
            }
        }
    }
    best[0]
}

#[test]
fn cover_is_exact_disjoint_and_minimal_for_every_window_of_small_trees() {
    for depth in 1..=6u8 {
        for origin in [0u64, 5, 1 << 20] {
            let params = TreeParams::new(depth, Epoch(origin)).unwrap();
            let leaves = 1u64 << depth;
            for a in 0..leaves {
                for b in a..leaves {
                    let w = window(origin + a, origin + b);
                    let cover = params.cover(w).unwrap();
                    check_cover(&params, w, &cover);
                    assert_eq!(cover.len(), minimal_cover_size(&params, w), "{w}");
                }
            }
        }
    }
}

#[test]
fn worst_case_reaches_the_bound() {
    for depth in 2..=MAX_DEPTH {
        let params = TreeParams::new(depth, Epoch(0)).unwrap();
        let cover = params.cover(window(1, (1u64 << depth) - 2)).unwrap();
        assert_eq!(cover.len(), 2 * usize::from(depth) - 2);
    }
    // The whole tree is the root.
    let params = TreeParams::new(40, Epoch(7)).unwrap();
    assert_eq!(
        params.cover(params.epochs()).unwrap(),
        [NodeId::new(0, 0).unwrap()]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cover_properties_depth_20(origin in 0u64..1_000_000, a in 0u64..(1 << 20), len in 0u64..(1 << 20)) {
        let params = TreeParams::new(20, Epoch(origin)).unwrap();
        let b = (a + len).min((1 << 20) - 1);
        let w = window(origin + a, origin + b);
        check_cover(&params, w, &params.cover(w).unwrap());
    }

    #[test]
    fn cover_properties_depth_40(origin in 0u64..(1 << 23), a in 0u64..(1 << 40), len in 0u64..(1 << 40)) {
        let params = TreeParams::new(40, Epoch(origin)).unwrap();
        let b = (a + len).min((1 << 40) - 1);
        let w = window(origin + a, origin + b);
        check_cover(&params, w, &params.cover(w).unwrap());
    }

    #[test]
    fn the_path_holds_exactly_the_nodes_containing_an_epoch(a in 0u64..(1 << 20)) {
        let params = TreeParams::new(20, Epoch(3)).unwrap();
        let epoch = Epoch(3 + a);
        let path = params.path(epoch).unwrap();
        prop_assert_eq!(path.len(), 21);
        for node in &path {
            prop_assert!(node.contains(&params, epoch));
        }
        prop_assert_eq!(path[20], params.leaf(epoch).unwrap());
    }
}

#[test]
fn nodes_within_a_horizon_are_exactly_those_inside_it() {
    for depth in 1..=5u8 {
        let params = TreeParams::new(depth, Epoch(10)).unwrap();
        let all: Vec<NodeId> = (0..=depth)
            .flat_map(|level| (0..1u64 << level).map(move |i| NodeId::new(level, i).unwrap()))
            .collect();
        let leaves = 1u64 << depth;
        for a in 0..leaves {
            for b in a..leaves {
                let w = window(10 + a, 10 + b);
                let within = params.nodes_within(w).unwrap();
                let expected: Vec<NodeId> = all
                    .iter()
                    .filter(|n| w.includes(&n.range(&params).unwrap()))
                    .copied()
                    .collect();
                assert_eq!(within, expected, "{w}");
                assert!((within.len() as u64) < 2 * (b - a + 1));
                // Every cover of a window inside the horizon uses only these nodes.
                for node in params.cover(w).unwrap() {
                    assert!(within.contains(&node));
                }
            }
        }
    }
}

#[test]
fn ranges_and_containment() {
    let params = TreeParams::new(3, Epoch(100)).unwrap();
    let range = |l, i| {
        let r = NodeId::new(l, i).unwrap().range(&params).unwrap();
        (r.first().0, r.last().0)
    };
    assert_eq!(range(0, 0), (100, 107));
    assert_eq!(range(1, 1), (104, 107));
    assert_eq!(range(2, 2), (104, 105));
    assert_eq!(range(3, 7), (107, 107));
    let node = NodeId::new(2, 1).unwrap();
    assert!(node.contains(&params, Epoch(102)) && node.contains(&params, Epoch(103)));
    assert!(!node.contains(&params, Epoch(104)) && !node.contains(&params, Epoch(101)));
    // A node deeper than the tree has no range.
    assert_eq!(
        NodeId::new(4, 0).unwrap().range(&params),
        Err(Error::InvalidNode { level: 4, index: 0 })
    );
    assert!(!NodeId::new(4, 0).unwrap().contains(&params, Epoch(100)));
}

#[test]
fn refusals() {
    assert_eq!(
        TreeParams::new(0, Epoch(0)),
        Err(Error::InvalidTreeDepth(0))
    );
    assert_eq!(
        TreeParams::new(41, Epoch(0)),
        Err(Error::InvalidTreeDepth(41))
    );
    assert_eq!(
        TreeParams::new(40, Epoch(u64::MAX - (1 << 40) + 2)),
        Err(Error::TreeOverflow)
    );
    assert!(TreeParams::new(40, Epoch(u64::MAX - (1 << 40) + 1)).is_ok());
    assert_eq!(
        Window::new(Epoch(5), Epoch(4)),
        Err(Error::WindowReversed {
            first: Epoch(5),
            last: Epoch(4)
        })
    );
    let params = TreeParams::new(4, Epoch(16)).unwrap();
    for (a, b) in [(15, 20), (20, 32), (0, 3), (32, 40)] {
        assert_eq!(
            params.cover(window(a, b)),
            Err(Error::WindowOutsideTree {
                first: Epoch(a),
                last: Epoch(b)
            })
        );
    }
    assert!(params.leaf(Epoch(32)).is_err());
    assert_eq!(
        NodeId::new(3, 8),
        Err(Error::InvalidNode { level: 3, index: 8 })
    );
    assert_eq!(
        NodeId::new(41, 0),
        Err(Error::InvalidNode {
            level: 41,
            index: 0
        })
    );
}

#[test]
fn encodings_round_trip_and_refuse_bad_bytes() {
    let node = NodeId::new(17, 99_999).unwrap();
    assert_eq!(hex::encode(node.to_bytes()), "11000000000001869f");
    assert_eq!(NodeId::from_bytes(&node.to_bytes()).unwrap(), node);
    assert!(NodeId::from_bytes(&[1, 0, 0, 0, 0, 0, 0, 0, 2]).is_err());
    assert!(NodeId::from_bytes(&node.to_bytes()[..8]).is_err());

    let params = TreeParams::new(20, Epoch(473_040)).unwrap();
    assert_eq!(hex::encode(params.to_bytes()), "1400000000000737d0");
    assert_eq!(TreeParams::from_bytes(&params.to_bytes()).unwrap(), params);
    assert!(TreeParams::from_bytes(&[0; 9]).is_err());
}

#[test]
fn unix_time_conversions() {
    // 2024-01-01T00:30:00Z.
    let epoch = Epoch::from_unix_seconds(1_704_069_000);
    assert_eq!(epoch, Epoch(473_352));
    assert_eq!(epoch.start_unix_seconds(), Some(1_704_067_200));
    assert_eq!(Epoch(u64::MAX).start_unix_seconds(), None);
    assert_eq!(Epoch(u64::MAX).next(), None);
}
