//! Agents named as the command line names them (`do-nothing`, `random`, `linear:POLICY.ron`,
//! `schedule:ACTIONS.csv`, `remote:http://HOST:PORT`): their files are read and their
//! connections made here; the agents themselves read no files.

use std::path::Path;

use super::{read_numeric_csv, read_text, ron_options};
use crate::agent::{
    Agent, AgentError, DoNothing, LinearPolicy, LinearPolicyAgent, RandomAgent, RemoteAgent,
    ScheduleAgent, Spaces,
};

/// Builds an agent from its command-line name, reading its file if it has one. The random
/// agent draws from its own generator seeded with `seed`.
pub fn agent_from_spec(
    spec: &str,
    spaces: &Spaces,
    seed: u64,
) -> Result<Box<dyn Agent>, AgentError> {
    match spec.split_once(':') {
        Some((kind @ ("linear" | "schedule"), "")) => Err(AgentError::NoFile(kind.to_string())),
        None if spec == "do-nothing" => Ok(Box::new(DoNothing::new(spaces.do_nothing))),
        None if spec == "random" => Ok(Box::new(RandomAgent::new(spaces.action, seed))),
        Some(("linear", file)) => {
            let path = Path::new(file);
            let policy = read_linear_policy(path)?;
            Ok(Box::new(LinearPolicyAgent::new(policy, spaces, path)?))
        }
        Some(("remote", address)) => {
            let transport = super::http::HttpTransport::new(address).map_err(AgentError::Remote)?;
            let agent = RemoteAgent::connect(Box::new(transport), address, spaces)
                .map_err(AgentError::Remote)?;
            Ok(Box::new(agent))
        }
        Some(("schedule", file)) => {
            let path = Path::new(file);
            let table = read_numeric_csv(path)?;
            Ok(Box::new(ScheduleAgent::new(table, spaces, path)?))
        }
        _ => Err(AgentError::UnknownKind(spec.to_string())),
    }
}

/// Reads a linear policy file (RON).
pub fn read_linear_policy(path: &Path) -> Result<LinearPolicy, AgentError> {
    let text = read_text(path)?;
    ron_options().from_str(&text).map_err(|e| {
        let at = e.span.start;
        AgentError::file(path, format!("line {}:{}: {}", at.line, at.col, e.code))
    })
}

/// Formats a linear policy as RON, after `comment` (each of its lines becomes a `//` line:
/// how the policy was made, so the file says it).
pub fn linear_policy_to_ron(policy: &LinearPolicy, comment: &str) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("    ".to_string());
    // Plain numbers and strings always serialise.
    let body = ron_options()
        .to_string_pretty(policy, pretty)
        .expect("a linear policy always serialises to RON");
    let mut text: String = comment.lines().map(|l| format!("// {l}\n")).collect();
    text.push_str(&body);
    text.push('\n');
    text
}

/// Saves a linear policy, atomically.
pub fn save_linear_policy(
    policy: &LinearPolicy,
    comment: &str,
    path: &Path,
) -> std::io::Result<()> {
    super::write_atomic(path, linear_policy_to_ron(policy, comment).as_bytes())
}
