//! `credkit epoch init --servers N --threshold T [--depth D] [--from YYYY-MM-DDTHH] --hours H
//! --urls URL,... --out DIR`: the dealer ceremony (SPEC.md §6.3, `epoch::deal_schedule`).
//!
//! Writes `DIR/server-<i>/` for each server `i` (`epoch::StateDir::init`: mode 0700, secrets
//! 0600) and `DIR/servers.json` ([`crate::epoch_wire::ServersFile`]), the schedule and the
//! servers' URLs, for clients. The tree's first leaf is the horizon's first epoch. The dealer
//! keeps nothing; the summary it prints holds no secret.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use credkit_abe::epoch::{deal_schedule, Epoch, StateDir, TreeParams, Window, EPOCH_SECONDS};
use rand_core::OsRng;

use crate::commands::epoch::abe_error;
use crate::commands::Status;
use crate::epoch_wire::{ServerEntry, ServersFile};
use crate::error::CommandError;
use crate::files;

/// The name of the servers document in the output folder.
pub const SERVERS_FILE: &str = "servers.json";

/// Arguments of `credkit epoch init`.
#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// How many key servers (N).
    #[arg(long, value_name = "N")]
    pub servers: u16,

    /// How many servers must answer to open a record (T, 2 to N).
    #[arg(long, value_name = "T")]
    pub threshold: u16,

    /// The depth of the epoch tree (1 to 40): it has 2^D leaves, one per hour.
    #[arg(long, value_name = "D", default_value_t = 20)]
    pub depth: u8,

    /// The first hour of the horizon, UTC, as YYYY-MM-DDTHH (default: the current hour).
    #[arg(long, value_name = "YYYY-MM-DDTHH", value_parser = parse_hour)]
    pub from: Option<u64>,

    /// The length of the horizon in hours: records can be sealed for windows inside it.
    #[arg(long, value_name = "H", value_parser = clap::value_parser!(u64).range(1..))]
    pub hours: u64,

    /// The servers' base URLs, comma-separated, in the order of their identifiers 1..=N:
    /// `http://127.0.0.1:7801,http://127.0.0.1:7802`.
    #[arg(long, value_name = "URL,...", value_delimiter = ',', required = true)]
    pub urls: Vec<String>,

    /// The folder to write (created if missing; must be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Parses `YYYY-MM-DDTHH` (UTC) into an epoch number (hours since the Unix epoch).
///
/// # Errors
/// The message clap prints after `invalid value`.
pub fn parse_hour(text: &str) -> Result<u64, String> {
    const FORM: &str = "expected YYYY-MM-DDTHH, an hour in UTC (e.g. 2026-03-01T09)";
    let b = text.as_bytes();
    if b.len() != 13 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return Err(FORM.into());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u64, String> {
        let part = &text[range];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(FORM.to_owned());
        }
        part.parse().map_err(|_| FORM.to_owned())
    };
    let (year, month, day, hour) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?);
    if year < 1970 || !(1..=12).contains(&month) || hour > 23 {
        return Err(FORM.into());
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days_in_month {
        return Err(FORM.into());
    }
    Ok(days_from_civil(year, month, day) * 24 + hour)
}

/// Days from 1970-01-01 to the date (proleptic Gregorian, year >= 1970).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    // H. Hinnant's algorithm, shifted so that the year starts in March.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH` of an epoch (UTC).
pub fn format_hour(epoch: u64) -> String {
    let days = epoch / 24;
    let hour = epoch % 24;
    // Inverse of `days_from_civil`.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}")
}

/// The current epoch by the system clock.
pub fn current_epoch() -> Epoch {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Epoch::from_unix_seconds(seconds)
}

/// Runs `credkit epoch init`.
///
/// # Errors
/// A usage error for inconsistent arguments or a non-empty `--out`; an input error when a
/// file cannot be written; an internal error when `out` cannot be written.
pub fn run(args: &InitArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if usize::from(args.servers) != args.urls.len() {
        return Err(CommandError::usage(format!(
            "--servers {} but {} URLs in --urls",
            args.servers,
            args.urls.len()
        ))
        .with_hint("give one URL per server, in the order of their identifiers"));
    }
    let urls = args
        .urls
        .iter()
        .map(|url| check_url(url))
        .collect::<Result<Vec<_>, _>>()?;
    if args.threshold < 2 || args.threshold > args.servers {
        return Err(CommandError::usage(format!(
            "--threshold {} is not between 2 and --servers {}",
            args.threshold, args.servers
        )));
    }
    let from = args.from.unwrap_or_else(|| current_epoch().0);
    let last = from
        .checked_add(args.hours - 1)
        .ok_or_else(|| CommandError::usage("the horizon ends past the last epoch"))?;
    let params = TreeParams::new(args.depth, Epoch(from))
        .map_err(|e| CommandError::usage(format!("--depth {}: {e}", args.depth)))?;
    let horizon = Window::new(Epoch(from), Epoch(last))
        .map_err(|e| CommandError::usage(format!("the horizon: {e}")))?;
    params.check_window(&horizon).map_err(|e| {
        CommandError::usage(format!("--hours {}: {e}", args.hours)).with_hint(format!(
            "a tree of depth {} covers {} hours; raise --depth",
            args.depth,
            1u64 << args.depth
        ))
    })?;

    match fs::read_dir(&args.out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(CommandError::usage(format!(
                    "{}: the folder is not empty",
                    args.out.display()
                ))
                .with_hint("give a new or empty folder: a dealt schedule is never overwritten"));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => files::create_private_dir(&args.out)?,
        Err(e) => {
            return Err(CommandError::input(format!(
                "{}: cannot list the folder: {}",
                args.out.display(),
                files::describe(&e)
            )))
        }
    }

    let (schedule, servers) =
        deal_schedule(&mut OsRng, params, horizon, args.threshold, args.servers)
            .map_err(|e| abe_error("cannot deal the schedule", &e))?;
    let nodes = schedule.nodes().count();
    let mut entries = Vec::with_capacity(servers.len());
    for (server, url) in servers.iter().zip(urls) {
        let id = server.identifier().get();
        let dir = args.out.join(format!("server-{id}"));
        StateDir::init(&dir, &schedule, server)
            .map_err(|e| abe_error(&format!("{}", dir.display()), &e))?;
        entries.push(ServerEntry { id, url });
    }
    drop(servers);
    let document = ServersFile::new(&schedule.to_bytes(), entries);
    files::write_file_public(&args.out.join(SERVERS_FILE), &document.to_json(), false)?;

    writeln!(
        out,
        "dealt {} of {} key servers, epochs {}..={} ({} to {} UTC, {}-second epochs), {} nodes",
        args.threshold,
        args.servers,
        from,
        last,
        format_hour(from),
        format_hour(last),
        EPOCH_SECONDS,
        nodes
    )?;
    for entry in &document.servers {
        writeln!(
            out,
            "server {}: {} -> {}",
            entry.id,
            args.out.join(format!("server-{}", entry.id)).display(),
            entry.url
        )?;
    }
    writeln!(out, "clients: {}", args.out.join(SERVERS_FILE).display())?;
    Ok(Status::Success)
}

/// Checks a server URL: `http://HOST[:PORT]`, returned without a trailing slash.
fn check_url(url: &str) -> Result<String, CommandError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("http://").unwrap_or("");
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(CommandError::usage(format!("{url:?} is not a server URL"))
            .with_hint("give http://HOST:PORT (no path; put a TLS proxy in front for https)"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_parse_and_print() {
        assert_eq!(parse_hour("1970-01-01T00"), Ok(0));
        assert_eq!(parse_hour("1970-01-02T01"), Ok(25));
        // 2024-02-29T12:00Z = 1709208000 s.
        assert_eq!(parse_hour("2024-02-29T12"), Ok(1_709_208_000 / 3600));
        assert_eq!(format_hour(1_709_208_000 / 3600), "2024-02-29T12");
        assert_eq!(format_hour(0), "1970-01-01T00");
        for bad in [
            "2023-02-29T12",
            "2024-13-01T00",
            "2024-01-01T24",
            "2024-01-01",
            "x",
        ] {
            assert!(parse_hour(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("http://127.0.0.1:7801/").is_ok_and(|u| u == "http://127.0.0.1:7801"));
        assert!(check_url("https://example.invalid").is_err());
        assert!(check_url("http://host/path").is_err());
    }
}
