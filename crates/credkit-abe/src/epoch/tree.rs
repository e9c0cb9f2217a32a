//! Epochs as the leaves of a binary tree, and the minimal cover of a window by tree nodes.
//!
//! A tree of depth `D` has `2^D` leaves, the epochs `origin, ..., origin + 2^D - 1`. Node
//! `(level, index)` (level 0 is the root, `0 <= index < 2^level`) covers the `2^(D - level)`
//! consecutive epochs starting at `origin + index * 2^(D - level)`. A window `[first, last]`
//! of epochs is covered exactly by a unique minimal set of disjoint nodes ([`TreeParams::cover`],
//! the canonical dyadic decomposition): at most `2D - 2` of them (one for `D = 1`).
//!
//! ```
//! use credkit_abe::epoch::{Epoch, NodeId, TreeParams, Window};
//!
//! let params = TreeParams::new(4, Epoch(100))?; // epochs 100 ..= 115
//! let cover = params.cover(Window::new(Epoch(101), Epoch(110))?)?;
//! let ranges: Vec<(u64, u64)> = cover
//!     .iter()
//!     .map(|node| {
//!         let range = node.range(&params).unwrap();
//!         (range.first().0, range.last().0)
//!     })
//!     .collect();
//! assert_eq!(ranges, [(101, 101), (102, 103), (104, 107), (108, 109), (110, 110)]);
//!
//! // A window that leaves the tree, or runs backwards, is refused.
//! assert!(params.cover(Window::new(Epoch(110), Epoch(116))?).is_err());
//! assert!(Window::new(Epoch(3), Epoch(2)).is_err());
//! # Ok::<(), credkit_abe::Error>(())
//! ```

use core::fmt;

use crate::Error;

/// The length of an epoch in seconds for [`Epoch::from_unix_seconds`]: one hour.
pub const EPOCH_SECONDS: u64 = 3600;

/// The deepest tree: `2^40` hourly epochs are about 125 million years.
pub const MAX_DEPTH: u8 = 40;

/// An epoch: a count of [`EPOCH_SECONDS`] (hours) since the Unix epoch.
///
/// Nothing in the service depends on the length of an epoch except the two conversions
/// below; a deployment that wants other epochs counts them itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epoch(pub u64);

impl Epoch {
    /// The epoch containing the Unix time `seconds`.
    pub const fn from_unix_seconds(seconds: u64) -> Epoch {
        Epoch(seconds / EPOCH_SECONDS)
    }

    /// The Unix time at which the epoch starts, or `None` past `u64::MAX` seconds.
    pub const fn start_unix_seconds(self) -> Option<u64> {
        self.0.checked_mul(EPOCH_SECONDS)
    }

    /// The next epoch, or `None` after `u64::MAX`.
    pub const fn next(self) -> Option<Epoch> {
        match self.0.checked_add(1) {
            Some(n) => Some(Epoch(n)),
            None => None,
        }
    }
}

impl fmt::Display for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "epoch {}", self.0)
    }
}

/// A non-empty interval of epochs `[first, last]`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    first: Epoch,
    last: Epoch,
}

impl Window {
    /// The window `[first, last]`.
    ///
    /// # Errors
    /// [`Error::WindowReversed`] if `first > last`.
    pub const fn new(first: Epoch, last: Epoch) -> Result<Window, Error> {
        if first.0 > last.0 {
            return Err(Error::WindowReversed { first, last });
        }
        Ok(Window { first, last })
    }

    /// The single epoch `[epoch, epoch]`.
    pub const fn single(epoch: Epoch) -> Window {
        Window {
            first: epoch,
            last: epoch,
        }
    }

    /// The first epoch.
    pub const fn first(&self) -> Epoch {
        self.first
    }

    /// The last epoch (included).
    pub const fn last(&self) -> Epoch {
        self.last
    }

    /// Whether `epoch` is in the window.
    pub const fn contains(&self, epoch: Epoch) -> bool {
        self.first.0 <= epoch.0 && epoch.0 <= self.last.0
    }

    /// Whether `other` lies inside this window.
    pub const fn includes(&self, other: &Window) -> bool {
        self.first.0 <= other.first.0 && other.last.0 <= self.last.0
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "epochs {}..={}", self.first.0, self.last.0)
    }
}

/// A node of the epoch tree: `level` 0 is the root, `index` counts from the left.
///
/// The encoding ([`NodeId::to_bytes`], 9 bytes) is `level (1) || index (8, big-endian)`. The
/// derived order (by level, then index) is the canonical order of nodes in a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    level: u8,
    index: u64,
}

impl NodeId {
    /// Length of the encoding.
    pub const BYTES: usize = 9;

    /// The node `index` of `level`.
    ///
    /// # Errors
    /// [`Error::InvalidNode`] unless `level <= 40` and `index < 2^level`.
    pub const fn new(level: u8, index: u64) -> Result<NodeId, Error> {
        if level > MAX_DEPTH || index >> level != 0 {
            return Err(Error::InvalidNode { level, index });
        }
        Ok(NodeId { level, index })
    }

    /// The level: 0 for the root.
    pub const fn level(&self) -> u8 {
        self.level
    }

    /// The position in its level, from 0 on the left.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The epochs the node covers in the tree `params`.
    ///
    /// # Errors
    /// [`Error::InvalidNode`] if the node is deeper than the tree.
    pub fn range(&self, params: &TreeParams) -> Result<Window, Error> {
        let height = params
            .depth
            .checked_sub(self.level)
            .ok_or(Error::InvalidNode {
                level: self.level,
                index: self.index,
            })?;
        // No overflow: index < 2^level, so index * 2^height < 2^depth, and `TreeParams::new`
        // checked that origin + 2^depth - 1 fits.
        let first = params.origin.0 + (self.index << height);
        let last = first + ((1u64 << height) - 1);
        Ok(Window {
            first: Epoch(first),
            last: Epoch(last),
        })
    }

    /// Whether the node covers `epoch` in the tree `params` (false for a node deeper than
    /// the tree).
    pub fn contains(&self, params: &TreeParams, epoch: Epoch) -> bool {
        self.range(params).is_ok_and(|range| range.contains(epoch))
    }

    /// `level (1) || index (8, big-endian)`.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut out = [0u8; Self::BYTES];
        out[0] = self.level;
        out[1..].copy_from_slice(&self.index.to_be_bytes());
        out
    }

    /// Decodes [`NodeId::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length; [`Error::InvalidNode`] as [`NodeId::new`].
    pub fn from_bytes(bytes: &[u8]) -> Result<NodeId, Error> {
        let bytes: &[u8; Self::BYTES] = bytes.try_into().map_err(|_| {
            Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            })
        })?;
        let mut index = [0u8; 8];
        index.copy_from_slice(&bytes[1..]);
        NodeId::new(bytes[0], u64::from_be_bytes(index))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}/{}", self.level, self.index)
    }
}

/// The shape of the epoch tree: its depth and its first leaf.
///
/// The encoding ([`TreeParams::to_bytes`], 9 bytes) is `depth (1) || origin (8, big-endian)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TreeParams {
    depth: u8,
    origin: Epoch,
}

impl TreeParams {
    /// Length of the encoding.
    pub const BYTES: usize = 9;

    /// A tree of `depth` levels below the root whose leaves are the epochs
    /// `origin ..= origin + 2^depth - 1`.
    ///
    /// # Errors
    /// [`Error::InvalidTreeDepth`] unless `1 <= depth <= 40`; [`Error::TreeOverflow`] if the
    /// last leaf is past `u64::MAX`.
    pub const fn new(depth: u8, origin: Epoch) -> Result<TreeParams, Error> {
        if depth == 0 || depth > MAX_DEPTH {
            return Err(Error::InvalidTreeDepth(depth));
        }
        if origin.0.checked_add((1u64 << depth) - 1).is_none() {
            return Err(Error::TreeOverflow);
        }
        Ok(TreeParams { depth, origin })
    }

    /// The depth: the level of the leaves.
    pub const fn depth(&self) -> u8 {
        self.depth
    }

    /// The first leaf.
    pub const fn origin(&self) -> Epoch {
        self.origin
    }

    /// Every epoch of the tree: `[origin, origin + 2^depth - 1]`.
    pub const fn epochs(&self) -> Window {
        Window {
            first: self.origin,
            last: Epoch(self.origin.0 + ((1u64 << self.depth) - 1)),
        }
    }

    /// Whether `node` is a node of this tree.
    pub const fn has_node(&self, node: &NodeId) -> bool {
        node.level <= self.depth
    }

    /// The leaf of `epoch`.
    ///
    /// # Errors
    /// [`Error::WindowOutsideTree`] if the epoch is not a leaf of the tree.
    pub fn leaf(&self, epoch: Epoch) -> Result<NodeId, Error> {
        self.check_window(&Window::single(epoch))?;
        Ok(NodeId {
            level: self.depth,
            index: epoch.0 - self.origin.0,
        })
    }

    /// Checks that `window` lies inside the tree.
    ///
    /// # Errors
    /// [`Error::WindowOutsideTree`].
    pub fn check_window(&self, window: &Window) -> Result<(), Error> {
        if self.epochs().includes(window) {
            Ok(())
        } else {
            Err(Error::WindowOutsideTree {
                first: window.first,
                last: window.last,
            })
        }
    }

    /// The minimal set of disjoint nodes whose ranges together are exactly `window`, in
    /// increasing order of epochs: at each step the largest node that starts at the first
    /// epoch not yet covered and ends inside the window. At most `2 * depth - 2` nodes (one
    /// when `depth = 1`).
    ///
    /// Why it is minimal: a node starting at epoch `a` has at most `2^(trailing zeros of a)`
    /// leaves, so every cover of `[a, b]` needs a node starting at `a` no larger than the one
    /// chosen; taking the largest only leaves less to cover. The nodes grow up to the middle
    /// of the window and shrink after it, at most one node per level on each side.
    ///
    /// # Errors
    /// [`Error::WindowOutsideTree`].
    pub fn cover(&self, window: Window) -> Result<Vec<NodeId>, Error> {
        self.check_window(&window)?;
        let mut nodes = Vec::with_capacity(2 * usize::from(self.depth));
        // Offsets from the origin: a <= b < 2^depth <= 2^40, so nothing below overflows.
        let mut a = window.first.0 - self.origin.0;
        let b = window.last.0 - self.origin.0;
        while a <= b {
            // The largest aligned block at `a`: 2^height with height <= trailing zeros of a
            // (the whole tree when a = 0), shrunk until it ends inside the window.
            let mut height = a.trailing_zeros().min(u32::from(self.depth));
            while a + (1u64 << height) - 1 > b {
                height -= 1;
            }
            nodes.push(NodeId {
                // height <= depth <= 40: fits.
                level: self.depth - height as u8,
                index: a >> height,
            });
            a += 1u64 << height;
        }
        Ok(nodes)
    }

    /// Every node whose range lies inside `window`, in the canonical order (by level, then
    /// index): the nodes that can appear in the cover of a window inside `window`, i.e. the
    /// nodes a schedule deals for the horizon `window`. At most `2 * (number of epochs) - 1`.
    ///
    /// # Errors
    /// [`Error::WindowOutsideTree`].
    pub fn nodes_within(&self, window: Window) -> Result<Vec<NodeId>, Error> {
        self.check_window(&window)?;
        let a = window.first.0 - self.origin.0;
        // b + 1 <= 2^40: no overflow.
        let end = window.last.0 - self.origin.0 + 1;
        let mut nodes = Vec::new();
        for level in 0..=self.depth {
            let height = self.depth - level;
            // Indices i with i * 2^height >= a and (i + 1) * 2^height <= end.
            let lo = a.div_ceil(1u64 << height);
            let hi = end >> height;
            nodes.extend((lo..hi).map(|index| NodeId { level, index }));
        }
        Ok(nodes)
    }

    /// The number of nodes [`TreeParams::nodes_within`] returns for a window inside the tree,
    /// computed without listing them.
    pub(crate) fn count_nodes_within(&self, window: &Window) -> u64 {
        let a = window.first.0.saturating_sub(self.origin.0);
        let end = window
            .last
            .0
            .saturating_sub(self.origin.0)
            .saturating_add(1);
        (0..=self.depth)
            .map(|level| {
                let height = self.depth - level;
                (end >> height).saturating_sub(a.div_ceil(1u64 << height))
            })
            .sum()
    }

    /// The nodes covering `epoch`, from the root down to its leaf.
    ///
    /// # Errors
    /// [`Error::WindowOutsideTree`].
    pub fn path(&self, epoch: Epoch) -> Result<Vec<NodeId>, Error> {
        let leaf = self.leaf(epoch)?;
        Ok((0..=self.depth)
            .map(|level| NodeId {
                level,
                index: leaf.index >> (self.depth - level),
            })
            .collect())
    }

    /// `depth (1) || origin (8, big-endian)`.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut out = [0u8; Self::BYTES];
        out[0] = self.depth;
        out[1..].copy_from_slice(&self.origin.0.to_be_bytes());
        out
    }

    /// Decodes [`TreeParams::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length; as [`TreeParams::new`].
    pub fn from_bytes(bytes: &[u8]) -> Result<TreeParams, Error> {
        let bytes: &[u8; Self::BYTES] = bytes.try_into().map_err(|_| {
            Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            })
        })?;
        let mut origin = [0u8; 8];
        origin.copy_from_slice(&bytes[1..]);
        TreeParams::new(bytes[0], Epoch(u64::from_be_bytes(origin)))
    }
}
