//! `credkit record inspect IN [--servers servers.json] [--json]`: shows a record's header.
//!
//! Everything shown is in the clear in the record: the policy, the window, the record id, the
//! schedule it was sealed for, the number of key servers needed and the tree nodes of its
//! window. No key is needed; with --servers, the servers of its schedule are listed too.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use crate::commands::record::{format_hour, hex, read_record, read_servers, server_name};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::Inputs;

/// Arguments of `credkit record inspect`.
#[derive(Debug, Clone, clap::Args)]
pub struct InspectArgs {
    /// The record; `-` for standard input.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Also list the key servers of servers.json (when it is the record's schedule).
    #[arg(long, value_name = "FILE")]
    pub servers: Option<PathBuf>,

    /// Print a JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// Runs `credkit record inspect`.
///
/// # Errors
/// An input error when the record or the servers file cannot be read.
pub fn run(args: &InspectArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (_, record) = read_record(&mut inputs, &args.input)?;
    let servers = match &args.servers {
        Some(path) => Some(read_servers(&mut inputs, path)?),
        None => None,
    };
    let header = record.header();
    let epoch = header.epoch_header();
    let window = header.window();
    let params = epoch.params();
    let cover: Vec<(String, String, String)> = epoch
        .entries()
        .iter()
        .map(|(node, _)| {
            let (from, to) = match node.range(params) {
                Ok(range) => (format_hour(range.first()), format_hour(range.last())),
                Err(_) => (String::new(), String::new()),
            };
            (node.to_string(), from, to)
        })
        .collect();
    let threshold = epoch.commitments().min_signers();
    let schedule = hex(epoch.schedule_digest());
    let listed: Option<Vec<String>> = servers.as_ref().map(|s| {
        if s.schedule().digest() == epoch.schedule_digest() {
            s.urls().iter().map(|(id, _)| server_name(s, *id)).collect()
        } else {
            Vec::new()
        }
    });
    if args.json {
        let value = json!({
            "record": hex(header.record_id()),
            "policy": header.policy().to_string(),
            "not_before": format_hour(window.first()),
            "not_after": format_hour(window.last()),
            "first_epoch": window.first().0,
            "last_epoch": window.last().0,
            "schedule": schedule,
            "threshold": threshold,
            "cover": cover.iter().map(|(n, f, t)| json!({"node": n, "from": f, "to": t})).collect::<Vec<_>>(),
            "body_bytes": record.body_len(),
            "servers": listed,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(Status::Success);
    }
    writeln!(out, "record: {}", hex(header.record_id()))?;
    writeln!(out, "policy: {}", header.policy())?;
    writeln!(
        out,
        "window: {} .. {} UTC (hours included; epochs {} .. {})",
        format_hour(window.first()),
        format_hour(window.last()),
        window.first().0,
        window.last().0
    )?;
    writeln!(out, "schedule: {schedule}")?;
    writeln!(out, "threshold: {threshold} key servers needed to open")?;
    for (node, from, to) in &cover {
        writeln!(out, "cover: {node} ({from} .. {to})")?;
    }
    writeln!(out, "body: {} bytes", record.body_len())?;
    match listed {
        Some(list) if list.is_empty() => {
            writeln!(out, "servers: the servers file is for another schedule")?
        }
        Some(list) => writeln!(out, "servers: {}", list.join(", "))?,
        None => {}
    }
    Ok(Status::Success)
}
