//! The errors of credkit-abe: one enum, grouped by module.

/// Everything that can go wrong in credkit-abe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed encoding (point, scalar, length).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),

    // ---- policy ----
    /// A policy that does not parse or cannot be used, with its position.
    #[error("{0}")]
    Policy(#[from] crate::policy::PolicyError),

    // ---- fabeo ----
    /// The key's attributes do not satisfy the ciphertext's policy.
    #[error("policy not satisfied: the key's attributes do not satisfy the record's policy")]
    PolicyNotSatisfied,
    /// An attribute given twice to key generation.
    #[error("attribute `{0}` is given twice")]
    DuplicateKeyAttribute(String),
    /// More attributes than one user key may hold.
    #[error("{0} attributes exceed the limit of {max} per key", max = crate::fabeo::MAX_KEY_ATTRIBUTES)]
    TooManyKeyAttributes(usize),
    /// A master public key that is not a valid encoding.
    #[error("malformed master public key: {0}")]
    MalformedMasterPublicKey(&'static str),
    /// A user key that is not a valid encoding.
    #[error("malformed user key: {0}")]
    MalformedUserKey(&'static str),
    /// An ABE ciphertext that is not a valid encoding.
    #[error("malformed ABE ciphertext: {0}")]
    MalformedCiphertext(&'static str),

    // ---- epoch ----
    // Caller misuse: tree parameters, windows, thresholds.
    /// A tree depth outside `1..=40`.
    #[error("tree depth must be in 1..=40, found {0}")]
    InvalidTreeDepth(u8),
    /// A tree whose last leaf would be past the largest epoch.
    #[error("the tree's last epoch overflows")]
    TreeOverflow,
    /// A window whose first epoch is after its last.
    #[error("window runs backwards: {first} is after {last}")]
    WindowReversed {
        /// The first epoch given.
        first: crate::epoch::Epoch,
        /// The last epoch given.
        last: crate::epoch::Epoch,
    },
    /// A window that is not inside the tree's leaves.
    #[error("window {first}..{last} is outside the epoch tree")]
    WindowOutsideTree {
        /// The window's first epoch.
        first: crate::epoch::Epoch,
        /// The window's last epoch.
        last: crate::epoch::Epoch,
    },
    /// A window that is not inside the schedule's horizon: no node keys were dealt for it.
    #[error("window {first}..{last} is outside the schedule's horizon")]
    WindowOutsideHorizon {
        /// The window's first epoch.
        first: crate::epoch::Epoch,
        /// The window's last epoch.
        last: crate::epoch::Epoch,
    },
    /// A tree node that does not exist (deeper than the tree, or its index out of range).
    #[error("no tree node at level {level}, index {index}")]
    InvalidNode {
        /// The level given.
        level: u8,
        /// The index given.
        index: u64,
    },
    /// Threshold parameters or sharing refused by credkit-threshold.
    #[error("threshold sharing: {0}")]
    Threshold(#[from] credkit_threshold::Error),
    /// A header, message or statement that belongs to another schedule, or a node the
    /// schedule has no keys for.
    #[error("not made for this epoch key schedule")]
    ScheduleMismatch,
    // Untrusted input: encodings of headers, schedules, messages.
    /// A malformed encoding of the epoch service (version, length, count, order, field).
    #[error("malformed epoch-service encoding: {0}")]
    MalformedEpochEncoding(&'static str),
    /// A header that does not match what the key servers stored for its record (its window
    /// or commitments were altered): more than `max_signers - min_signers` servers said so.
    #[error("the header does not match the record the key servers stored")]
    HeaderMismatch,
    /// A header whose nodes are not exactly the cover of its window.
    #[error("the header's nodes are not the cover of its window")]
    HeaderCoverMismatch,
    /// A schedule whose signature by the named server does not verify.
    #[error("the schedule signature of {0} does not verify")]
    InvalidScheduleSignature(credkit_threshold::Identifier),
    /// A deletion statement that does not verify under its server's key, or says something
    /// else than expected.
    #[error("invalid deletion statement")]
    InvalidDeletionStatement,
    /// A DLEQ proof that does not verify.
    #[error("invalid DLEQ proof")]
    InvalidDleqProof,
    // Sealing and opening.
    /// The record's window has not started: it cannot be opened before `first`.
    #[error("not yet valid: the record opens at {first}")]
    NotYetValid {
        /// The record's first epoch.
        first: crate::epoch::Epoch,
    },
    /// The record's window has ended (or the key servers erased its node): nobody can open
    /// it any more.
    #[error("expired: the record's window ended at {last}")]
    Expired {
        /// The record's last epoch.
        last: crate::epoch::Epoch,
    },
    /// The record was shredded early: nobody can open it any more.
    #[error("the record was shredded")]
    Shredded,
    /// Fewer than `min_signers` valid answers, and these servers answered with a wrong
    /// partial decryption, DLEQ proof or record share.
    #[error("key servers {0:?} sent invalid answers")]
    MisbehavingServers(Vec<credkit_threshold::Identifier>),
    /// Fewer than `min_signers` valid answers, without a misbehaving server: the others were
    /// unreachable or refused.
    #[error("{valid} valid answers of the {needed} needed (unreachable: {unreachable:?}, refused: {refused:?})")]
    NotEnoughServers {
        /// `min_signers`.
        needed: u16,
        /// Valid answers received.
        valid: u16,
        /// Servers that could not be reached.
        unreachable: Vec<credkit_threshold::Identifier>,
        /// Servers that refused, with their reason.
        refused: Vec<(credkit_threshold::Identifier, crate::epoch::ServerError)>,
    },
    /// Fewer servers than required stored the record's shred share; the record was not
    /// sealed (and the shares stored were shredded again, best effort).
    #[error("only {stored} key servers stored the record share, {needed} required")]
    SealIncomplete {
        /// Servers that stored their share.
        stored: u16,
        /// The number required.
        needed: u16,
    },
    /// Fewer servers than needed confirmed a shred with a valid deletion statement: as many
    /// as `min_signers` shares may still exist.
    #[error("only {confirmed} key servers confirmed the shred, {needed} needed")]
    ShredIncomplete {
        /// Servers that confirmed with a valid statement.
        confirmed: u16,
        /// `max_signers - min_signers + 1`.
        needed: u16,
    },
    // ---- epoch store ----
    /// A file-system operation on a key server's state directory failed (`file` names the
    /// file or directory kind, `kind` the operating system's error).
    #[error("key-server state: {op} {file}: {kind}")]
    StateIo {
        /// What was being done ("read", "write", "remove", "sync", "list", "create").
        op: &'static str,
        /// The file or directory concerned, by kind ("server.bin", "node share", ...).
        file: &'static str,
        /// The operating system's error kind.
        kind: std::io::ErrorKind,
    },
    /// A file of a key server's state directory that does not decode, does not match the rest
    /// of the state, or is not expected there. Untrusted data (the disk) triggers it.
    #[error("corrupt key-server state: {file}: {reason}")]
    CorruptState {
        /// The file concerned, by kind.
        file: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `StateDir::init` on a directory that is not empty.
    #[error("the key-server state directory is not empty")]
    StateDirNotEmpty,
    /// A persistence call that does not match the server's in-memory state (caller misuse:
    /// persisting a record the server did not store, a shred it did not make, another
    /// server's state).
    #[error("the key-server state does not match the call: {0}")]
    StateMismatch(&'static str),
    // ---- records ----
    /// A record file that is not a valid encoding.
    #[error("malformed record: {0}")]
    MalformedRecord(&'static str),
    /// The record's body or header was changed (the AEAD rejected it).
    #[error("record authentication failed: the record was changed or damaged")]
    RecordAuthentication,
}
