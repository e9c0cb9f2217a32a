//! `credkit abe <COMMAND>`: ciphertext-policy attribute-based encryption of files (FABEO on
//! BLS12-381, credkit-abe).
//!
//! An attribute authority (a hospital's) makes its master key pair once ([`setup`]) and
//! publishes the public key ([`pubkey`] prints it again); it gives each user a key for the
//! user's attributes, `role:cardiologist, hospital:H1` ([`keygen`]). Anyone with the public
//! key encrypts a file under a policy over attributes, `role:cardiologist and hospital:H1`
//! ([`encrypt`]); a user whose attributes satisfy the policy decrypts it, and nobody else can,
//! not even several users pooling their keys ([`decrypt`]).
//!
//! The files are the documents and the envelope of [`crate::abe_files`]. A policy or an
//! attribute list that does not parse is shown with a caret under the byte at fault.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;
use credkit_abe::policy::{Attribute, Policy, PolicyErrorKind};

use crate::abe_files::{AuthorityKey, AuthorityPublicKey, DocumentType, FormatError, UserKeyFile};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{Document, Inputs, GROUP_FORMAT_HINT};

pub mod decrypt;
pub mod encrypt;
pub mod keygen;
pub mod pubkey;
pub mod setup;

/// Arguments of `credkit abe`.
#[derive(Debug, Clone, clap::Args)]
pub struct AbeArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AbeCommand,
}

/// The subcommands of `credkit abe`, in the order of an authority's life.
#[derive(Debug, Clone, Subcommand)]
pub enum AbeCommand {
    /// Make an attribute authority's master key: the secret key to a file (mode 0600), the
    /// public key to standard output or --public FILE.
    ///
    /// The files are created new; existing ones are replaced only with --force. Every user key
    /// and envelope of the authority depends on this key: an authority key that is overwritten
    /// cannot be recovered.
    Setup(setup::SetupArgs),
    /// Print the public key of an authority's key file, to give to those who encrypt.
    Pubkey(pubkey::PubkeyArgs),
    /// Make a user's key for a list of attributes (mode 0600), with the authority's key.
    ///
    /// Attributes are namespace:value, comma-separated: 'role:cardiologist, hospital:H1'. A
    /// value with characters other than A-Z a-z 0-9 _ . @ + - is double-quoted: unit:"ward 3".
    Keygen(keygen::KeygenArgs),
    /// Encrypt a file under a policy, with the authority's public key: writes an ABE envelope.
    ///
    /// A policy joins attributes with `and`, `or`, parentheses and `K of (...)`:
    /// 'role:cardiologist and (hospital:H1 or 2 of (unit:icu, shift:night, ward:3))'. The
    /// policy is stored in the envelope in the clear.
    Encrypt(encrypt::EncryptArgs),
    /// Decrypt an ABE envelope with a user's key (the file is written with mode 0600).
    ///
    /// Exits with 0 when the key's attributes satisfy the envelope's policy and the envelope
    /// is intact, 1 when they do not, the envelope was altered or it is for another authority,
    /// 2 when an input cannot be read. Nothing is written unless the envelope is intact.
    Decrypt(decrypt::DecryptArgs),
}

/// Runs `credkit abe`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &AbeArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        AbeCommand::Setup(args) => setup::run(args, out),
        AbeCommand::Pubkey(args) => pubkey::run(args, out),
        AbeCommand::Keygen(args) => keygen::run(args, out),
        AbeCommand::Encrypt(args) => encrypt::run(args, out),
        AbeCommand::Decrypt(args) => decrypt::run(args, out),
    }
}

/// Reads an authority's key file.
pub(crate) fn read_authority_key(
    inputs: &mut Inputs,
    path: &Path,
) -> Result<AuthorityKey, CommandError> {
    let input = inputs.read(path, Document::AbeAuthorityKey)?;
    AuthorityKey::from_json(&input.text).map_err(|e| key_error(&input.name, e))
}

/// Reads an authority's public key file.
pub(crate) fn read_public_key(
    inputs: &mut Inputs,
    path: &Path,
) -> Result<AuthorityPublicKey, CommandError> {
    let input = inputs.read(path, Document::AbePublicKey)?;
    AuthorityPublicKey::from_json(&input.text).map_err(|e| key_error(&input.name, e))
}

/// Reads a user's key file; returns the name errors give it and the key.
pub(crate) fn read_user_key(
    inputs: &mut Inputs,
    path: &Path,
) -> Result<(String, UserKeyFile), CommandError> {
    let input = inputs.read(path, Document::AbeUserKey)?;
    let key = UserKeyFile::from_json(&input.text).map_err(|e| key_error(&input.name, e))?;
    Ok((input.name.clone(), key))
}

/// The error for a key file `name` refused with `e`: an input error (exit status 2) with a
/// hint.
pub(crate) fn key_error(name: &str, e: FormatError) -> CommandError {
    let err = CommandError::input(format!("{name}: {e}"));
    match &e {
        FormatError::WrongType { expected, found } => {
            err.with_hint(wrong_type_hint(*expected, found, name))
        }
        FormatError::UnsupportedVersion { .. } => {
            err.with_hint("the file was written by another version of credkit")
        }
        FormatError::Inconsistent(_) => {
            err.with_hint("the file was altered; write it anew with credkit rather than editing it")
        }
        _ => err.with_hint(GROUP_FORMAT_HINT),
    }
}

/// What to do when a key file holds a document of type `found` instead of `expected`.
fn wrong_type_hint(expected: DocumentType, found: &str, name: &str) -> String {
    match (expected, found) {
        (DocumentType::AuthorityKey, "abe-public-key") => {
            "this needs the authority's secret key, as `credkit abe setup -o FILE` writes it, \
             not its public key"
                .into()
        }
        (DocumentType::AuthorityKey, "secret-key") => {
            "this is a BBS issuer key (`credkit keygen`); give the key that `credkit abe setup \
             -o FILE` writes"
                .into()
        }
        (DocumentType::AuthorityKey, _) => {
            "give the authority key file that `credkit abe setup -o FILE` writes".into()
        }
        (DocumentType::PublicKey, "abe-authority-key") => format!(
            "encrypting needs only the public key: export it with `credkit abe pubkey {name}`"
        ),
        (DocumentType::PublicKey, "public-key") => {
            "this is a BBS issuer's public key (`credkit pubkey`); --public takes the \
             authority's, from `credkit abe setup` or `credkit abe pubkey`"
                .into()
        }
        (DocumentType::PublicKey, _) => {
            "--public takes the public key that `credkit abe setup` or `credkit abe pubkey` \
             prints"
                .into()
        }
        (DocumentType::UserKey, "abe-authority-key") => format!(
            "decrypting needs a user's key: the authority makes one with `credkit abe keygen \
             --authority {name} --attrs ... -o USER.key`"
        ),
        (DocumentType::UserKey, _) => {
            "--key takes a user's key file, as `credkit abe keygen` writes it".into()
        }
    }
}

/// The hint for a policy that does not parse.
const POLICY_HINT: &str = "a policy joins attributes namespace:value with `and`, `or`, \
     parentheses and `K of (...)`, e.g. 'role:cardiologist and (hospital:H1 or 2 of \
     (unit:icu, shift:night, ward:3))'; quote it for the shell";

/// The hint for an attribute list that does not parse.
const ATTRIBUTES_HINT: &str = "list attributes namespace:value separated by commas, e.g. \
     'role:cardiologist, hospital:H1'; a value with characters other than A-Z a-z 0-9 _ . @ + - \
     is double-quoted, as unit:\"ward 3\"";

/// Parses `--policy`.
///
/// # Errors
/// A usage error that shows the policy with a caret under the byte at fault.
pub(crate) fn parse_policy(text: &str) -> Result<Policy, CommandError> {
    Policy::parse(text).map_err(|e| {
        syntax_error("--policy", text, e.position, &e.kind.to_string()).with_hint(POLICY_HINT)
    })
}

/// Parses `--attrs`.
///
/// # Errors
/// A usage error that shows the list with a caret under the byte at fault.
pub(crate) fn parse_attributes(text: &str) -> Result<Vec<Attribute>, CommandError> {
    Attribute::parse_list(text).map_err(|e| {
        // credkit-abe words these two for policies; a key's list says it its own way.
        let what = match &e.kind {
            PolicyErrorKind::Empty => "the list is empty".to_owned(),
            PolicyErrorKind::DuplicateAttribute {
                attribute,
                first_position,
            } => format!("attribute {attribute} is listed twice (first at byte {first_position})"),
            kind => kind.to_string(),
        };
        syntax_error("--attrs", text, e.position, &what).with_hint(ATTRIBUTES_HINT)
    })
}

/// `FLAG: at byte N: what`, then the text's line with a caret under byte N.
fn syntax_error(flag: &str, text: &str, position: usize, what: &str) -> CommandError {
    CommandError::usage(format!(
        "{flag}: at byte {position}: {what}\n{}",
        caret(text, position)
    ))
}

/// The widest excerpt of a line [`caret`] shows, in characters.
pub const EXCERPT_CHARS: usize = 72;

/// Two lines, indented by four spaces: the line of `text` that holds byte `position` (at most
/// [`EXCERPT_CHARS`] characters of it around the position, `...` marking what is left out),
/// and a caret under that byte (one past the end for a position at the end). Tabs show as
/// spaces and other control characters as `?`, so that the caret lines up and nothing from
/// the text drives the terminal. Wide characters may shift the caret; it counts characters.
pub fn caret(text: &str, position: usize) -> String {
    let mut position = position.min(text.len());
    while !text.is_char_boundary(position) {
        position -= 1;
    }
    let start = text[..position].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[position..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| position + i);
    let shown: Vec<char> = text[start..end]
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let column = text[start..position].chars().count();
    // A window of EXCERPT_CHARS around the column when the line is longer.
    let (from, to) = if shown.len() <= EXCERPT_CHARS {
        (0, shown.len())
    } else {
        let from = column
            .saturating_sub(EXCERPT_CHARS / 2)
            .min(shown.len() - EXCERPT_CHARS);
        (from, from + EXCERPT_CHARS)
    };
    let mut line: String = shown[from..to].iter().collect();
    let mut column = column - from;
    if from > 0 {
        line.insert_str(0, "...");
        column += 3;
    }
    if to < shown.len() {
        line.push_str("...");
    }
    format!("    {line}\n    {}^", " ".repeat(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_point_at_the_byte() {
        assert_eq!(caret("a and )", 6), "    a and )\n          ^");
        assert_eq!(caret("(a", 2), "    (a\n      ^");
        assert_eq!(caret("", 0), "    \n    ^");
        // Characters, not bytes, before the caret; a position inside a character goes back.
        assert_eq!(caret("u:\"é\" !", 7), "    u:\"é\" !\n          ^");
        assert_eq!(caret("u:\"é\" !", 4), "    u:\"é\" !\n       ^");
        // The line of the position only, tabs and control characters made harmless.
        assert_eq!(
            caret("a and\n\tb and\u{1b} )", 14),
            "     b and? )\n            ^"
        );
        assert_eq!(caret("a\r\nb )", 5), "    b )\n      ^");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() -> Result<(), &'static str> {
        let text = format!("{} and )", "x:y and ".repeat(40));
        let position = text.len() - 1;
        let shown = caret(&text, position);
        let (line, marker) = shown.split_once('\n').ok_or("two lines")?;
        assert!(
            line.starts_with("    ...") && !line.ends_with("..."),
            "{line}"
        );
        assert_eq!(line.chars().count(), 4 + 3 + EXCERPT_CHARS);
        assert_eq!(marker.len(), line.len());
        assert!(line.ends_with(')') && marker.ends_with('^'));
        let shown = caret(&text, 0);
        let (line, marker) = shown.split_once('\n').ok_or("two lines")?;
        assert!(
            line.starts_with("    x:y") && line.ends_with("..."),
            "{line}"
        );
        assert_eq!(marker, "    ^");
        let shown = caret(&text, 100);
        let (line, marker) = shown.split_once('\n').ok_or("two lines")?;
        assert!(
            line.starts_with("    ...") && line.ends_with("..."),
            "{line}"
        );
        assert_eq!(marker.len(), 4 + 3 + EXCERPT_CHARS / 2 + 1);
        Ok(())
    }
}
