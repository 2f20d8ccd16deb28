//! Episode files: a header line, the network as RON (readable with any text tool, and free of
//! serde attributes a binary format cannot carry), then every step in postcard's compact
//! binary form, which loads a year of 15-minute steps in a fraction of a second.

use std::path::Path;

use serde::Deserialize;

use super::{LoadError, network_from_ron, network_to_ron, write_atomic};
use crate::sim::episode::{Episode, StepRecord};

const MAGIC: &[u8] = b"GRIDPILOT EPISODE 1\n";

/// Everything after the network, in file order.
#[derive(Deserialize)]
struct Body {
    agent: String,
    seed: u64,
    start_time_index: usize,
    initial_soc_mwh: Vec<(String, f64)>,
    steps: Vec<StepRecord>,
}

/// Encodes an episode as the bytes of an episode file.
pub fn episode_to_bytes(episode: &Episode) -> Vec<u8> {
    let network = network_to_ron(&episode.network);
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&(network.len() as u64).to_le_bytes());
    bytes.extend_from_slice(network.as_bytes());
    // Field references serialise exactly as `Body` deserialises.
    let body = (
        &episode.agent,
        episode.seed,
        episode.start_time_index,
        &episode.initial_soc_mwh,
        &episode.steps,
    );
    // Plain data (numbers, strings, sequences) always encodes.
    let encoded = postcard::to_stdvec(&body).expect("episode records always encode");
    bytes.extend_from_slice(&encoded);
    bytes
}

/// Writes an episode file atomically.
pub fn save_episode(episode: &Episode, path: &Path) -> std::io::Result<()> {
    write_atomic(path, &episode_to_bytes(episode))
}

/// Reads an episode file.
pub fn load_episode(path: &Path) -> Result<Episode, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    episode_from_bytes(&bytes).map_err(|message| LoadError::Content {
        path: path.to_path_buf(),
        message,
    })
}

/// Decodes the bytes of an episode file.
pub fn episode_from_bytes(bytes: &[u8]) -> Result<Episode, String> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or("not a GridPilot episode file (or one of another version)")?;
    let (length, rest) = rest
        .split_at_checked(8)
        .ok_or("the file ends in its header")?;
    let length = u64::from_le_bytes(length.try_into().unwrap_or_default());
    let length = usize::try_from(length).map_err(|_| "corrupt header")?;
    let (network, body) = rest
        .split_at_checked(length)
        .ok_or("the file ends inside its network")?;
    let network = std::str::from_utf8(network).map_err(|_| "the network is not text")?;
    let network = network_from_ron(network).map_err(|e| format!("its network, {e}"))?;
    let body: Body = postcard::from_bytes(body).map_err(|e| format!("corrupt steps: {e}"))?;
    Ok(Episode {
        network,
        agent: body.agent,
        seed: body.seed,
        start_time_index: body.start_time_index,
        initial_soc_mwh: body.initial_soc_mwh,
        steps: body.steps,
    })
}
