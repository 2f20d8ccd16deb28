//! Episode files, written as they are recorded and read a step at a time.
//!
//! Layout: a header line (`GRIDPILOT EPISODE 2`), the network as RON text (readable with any
//! text tool), how the episode started (agent, seed, start, states of charge), then one frame
//! per step — its length and the step in postcard's compact binary form — and an end mark with
//! the number of steps. A recording cut short (the process killed) has no end mark: it still
//! opens, up to its last whole step, and says so. Reading builds an index of where each step
//! starts, so a long episode is replayed, sought and verified without holding it in memory.

use std::borrow::Borrow;
use std::fs::File;
use std::io::{BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{LoadError, network_from_ron, network_to_ron, writable_target, write_atomic_with};
use crate::sim::CostTerms;
use crate::sim::episode::{Episode, EpisodeHeader, StepRecord};

const MAGIC: &[u8] = b"GRIDPILOT EPISODE 2\n";
/// The first format: every step in one postcard blob, no index, no end mark.
const MAGIC_V1: &[u8] = b"GRIDPILOT EPISODE 1\n";
/// Steps written between flushes to disk: what a killed recording can lose at most.
const FLUSH_EVERY: u64 = 64;
/// No step is anywhere near this large; a bigger length is damage, not a step.
const LARGEST_STEP: u64 = 1 << 30;

/// How an episode started, as the file stores it after the network.
#[derive(Serialize, Deserialize)]
struct Start {
    agent: String,
    seed: u64,
    start_time_index: usize,
    initial_soc_mwh: Vec<(String, f64)>,
}

/// Writes an episode step by step, flushing every few steps, so memory stays flat and a
/// crash keeps what was written.
pub struct EpisodeWriter {
    out: BufWriter<File>,
    path: PathBuf,
    steps: u64,
    /// Bytes written so far: where the next frame starts.
    position: u64,
    buffer: Vec<u8>,
}

/// Where one step is in an episode file: the offset of its bytes (after the length) and
/// their length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub offset: u64,
    pub length: u32,
}

impl Frame {
    /// The offset just past this step.
    pub fn end(self) -> u64 {
        self.offset + u64::from(self.length)
    }
}

impl EpisodeWriter {
    /// Creates (or replaces) the file and writes the header. A path that cannot be written is
    /// refused now, before any step is run.
    pub fn create(path: &Path, header: &EpisodeHeader) -> std::io::Result<Self> {
        let target = writable_target(path)?;
        let file = File::create(&target)?;
        let header = header_bytes(header);
        let mut writer = EpisodeWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            path: target,
            steps: 0,
            position: header.len() as u64,
            buffer: Vec::new(),
        };
        writer.out.write_all(&header)?;
        writer.out.flush()?;
        Ok(writer)
    }

    /// Starts `to` as a copy of the first `steps` steps of the episode file `source` (header
    /// included, ending at byte `end`), to go on from there: a run that branches off a
    /// recording at an earlier step.
    pub fn continue_from(source: &Path, end: u64, steps: u64, to: &Path) -> std::io::Result<Self> {
        let target = writable_target(to)?;
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&target)?);
        let copied = std::io::copy(&mut File::open(source)?.take(end), &mut out)?;
        if copied < end {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{} ends before its step {steps}", source.display()),
            ));
        }
        out.flush()?;
        Ok(EpisodeWriter {
            out,
            path: target,
            steps,
            position: end,
            buffer: Vec::new(),
        })
    }

    /// Appends one step; returns where it is in the file.
    pub fn write(&mut self, step: &StepRecord) -> std::io::Result<Frame> {
        self.buffer.clear();
        frame(step, &mut self.buffer);
        self.out.write_all(&self.buffer)?;
        let written = Frame {
            offset: self.position + 4,
            length: (self.buffer.len() - 4) as u32,
        };
        self.position = written.end();
        self.steps += 1;
        if self.steps.is_multiple_of(FLUSH_EVERY) {
            self.out.flush()?;
        }
        Ok(written)
    }

    /// Hands every step written so far to the operating system, so other readers of the file
    /// (and a recording that survives a crash) have them.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the end mark and makes the file durable.
    pub fn finish(mut self) -> std::io::Result<PathBuf> {
        self.out.write_all(&end_mark(self.steps))?;
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        Ok(self.path)
    }
}

/// The magic line, the network and how the episode started.
fn header_bytes(header: &EpisodeHeader) -> Vec<u8> {
    let network = network_to_ron(&header.network);
    let start = Start {
        agent: header.agent.clone(),
        seed: header.seed,
        start_time_index: header.start_time_index,
        initial_soc_mwh: header.initial_soc_mwh.clone(),
    };
    // Plain data (numbers, strings, sequences) always encodes.
    let start = postcard::to_stdvec(&start).expect("episode headers always encode");
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&(network.len() as u64).to_le_bytes());
    bytes.extend_from_slice(network.as_bytes());
    bytes.extend_from_slice(&(start.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&start);
    bytes
}

/// A step's frame: its length, then the step, then the reward's costs if it has any.
fn frame(step: &StepRecord, out: &mut Vec<u8>) {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    // Plain data always encodes.
    let mut encoded = postcard::to_extend(step, std::mem::take(out)).expect("steps always encode");
    let costs = &step.reward_terms.costs;
    if *costs != CostTerms::default() {
        encoded = postcard::to_extend(costs, encoded).expect("costs always encode");
    }
    *out = encoded;
    let length = (out.len() - at - 4) as u32;
    out[at..at + 4].copy_from_slice(&length.to_le_bytes());
}

/// The end mark: a zero length, then the number of steps.
fn end_mark(steps: u64) -> [u8; 12] {
    let mut mark = [0u8; 12];
    mark[4..].copy_from_slice(&steps.to_le_bytes());
    mark
}

/// Writes an episode file to `out`, a step at a time (the steps may come from disk).
pub fn write_episode<S: Borrow<StepRecord>>(
    out: &mut dyn Write,
    header: &EpisodeHeader,
    steps: impl Iterator<Item = std::io::Result<S>>,
) -> std::io::Result<()> {
    out.write_all(&header_bytes(header))?;
    let mut buffer = Vec::new();
    let mut count = 0;
    for step in steps {
        buffer.clear();
        frame(step?.borrow(), &mut buffer);
        out.write_all(&buffer)?;
        count += 1;
    }
    out.write_all(&end_mark(count))
}

/// Encodes a whole episode as the bytes of an episode file.
pub fn episode_to_bytes(episode: &Episode) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_episode(&mut bytes, &episode.header(), episode.steps.iter().map(Ok));
    bytes
}

/// Writes a whole episode atomically.
pub fn save_episode(episode: &Episode, path: &Path) -> std::io::Result<()> {
    write_atomic_with(path, |out| {
        write_episode(out, &episode.header(), episode.steps.iter().map(Ok))
    })
}

/// Reads a whole episode into memory.
pub fn load_episode(path: &Path) -> Result<Episode, LoadError> {
    EpisodeReader::open(path)?.read_all()
}

/// Decodes the bytes of an episode file.
pub fn episode_from_bytes(bytes: &[u8]) -> Result<Episode, String> {
    EpisodeReader::new(Cursor::new(bytes))
        .and_then(|mut reader| reader.read_all_steps())
        .map_err(|e| e.to_string())
}

/// An episode file open for reading: its header, and where each step starts.
pub struct EpisodeReader<R> {
    source: R,
    pub header: EpisodeHeader,
    /// Where each whole step is.
    frames: Vec<Frame>,
    /// When the recording stopped before its end mark: why.
    pub cut_short: Option<String>,
    /// A file of the first format, read whole.
    v1_steps: Option<Vec<StepRecord>>,
    path: Option<PathBuf>,
}

/// What went wrong reading an episode, before the file name is attached.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EpisodeError(String);

impl EpisodeReader<BufReader<File>> {
    /// Opens an episode file and indexes its steps.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let in_file = |message: String| LoadError::Content {
            path: path.to_path_buf(),
            message,
        };
        let file = File::open(path).map_err(|source| LoadError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = EpisodeReader::new(BufReader::new(file)).map_err(|e| in_file(e.0))?;
        reader.path = Some(path.to_path_buf());
        Ok(reader)
    }

    /// Every step, in memory.
    pub fn read_all(mut self) -> Result<Episode, LoadError> {
        let path = self.path.clone().unwrap_or_default();
        self.read_all_steps()
            .map_err(|e| LoadError::Content { path, message: e.0 })
    }
}

impl<R: Read + Seek> EpisodeReader<R> {
    /// Reads the header and indexes the steps.
    pub fn new(mut source: R) -> Result<Self, EpisodeError> {
        let fail = |m: &str| EpisodeError(m.to_string());
        let mut magic = [0u8; 20];
        let version = match source.read_exact(&mut magic) {
            Ok(()) if magic.as_slice() == MAGIC => 2,
            Ok(()) if magic.as_slice() == MAGIC_V1 => 1,
            _ => {
                return Err(fail(
                    "not a GridPilot episode file (or one of another version)",
                ));
            }
        };
        let length = read_u64(&mut source).ok_or_else(|| fail("the file ends in its header"))?;
        let network = read_exact(&mut source, length)
            .ok_or_else(|| fail("the file ends inside its network"))?;
        let network = String::from_utf8(network).map_err(|_| fail("the network is not text"))?;
        let network =
            network_from_ron(&network).map_err(|e| EpisodeError(format!("its network, {e}")))?;
        if version == 1 {
            return read_v1(source, network);
        }
        let length = read_u32(&mut source).ok_or_else(|| fail("the file ends in its header"))?;
        let start = read_exact(&mut source, u64::from(length))
            .ok_or_else(|| fail("the file ends in its header"))?;
        let start: Start = postcard::from_bytes(&start)
            .map_err(|e| EpisodeError(format!("corrupt header: {e}")))?;
        let header = EpisodeHeader {
            network,
            agent: start.agent,
            seed: start.seed,
            start_time_index: start.start_time_index,
            initial_soc_mwh: start.initial_soc_mwh,
        };
        let Index { frames, cut_short } = index(&mut source)?;
        Ok(EpisodeReader {
            source,
            header,
            frames,
            cut_short,
            v1_steps: None,
            path: None,
        })
    }

    /// How many whole steps the file holds (step 0, the state after reset, included).
    pub fn len(&self) -> usize {
        self.v1_steps.as_ref().map_or(self.frames.len(), Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Step `i` (0 is the state after reset).
    pub fn step(&mut self, i: usize) -> Result<StepRecord, EpisodeError> {
        if let Some(steps) = &self.v1_steps {
            return steps
                .get(i)
                .cloned()
                .ok_or_else(|| EpisodeError(format!("there is no step {i}")));
        }
        let &frame = self
            .frames
            .get(i)
            .ok_or_else(|| EpisodeError(format!("there is no step {i}")))?;
        read_frame(&mut self.source, frame, i)
    }

    /// Where each step is, for reading them later with [`read_frame`]; `None` for a file of the
    /// first format, whose steps are not framed.
    pub fn frames(&self) -> Option<&[Frame]> {
        self.v1_steps.is_none().then_some(self.frames.as_slice())
    }

    /// Every step in order, one at a time (read straight through, without seeking).
    pub fn steps(&mut self) -> impl Iterator<Item = Result<StepRecord, EpisodeError>> + '_ {
        let first = self.frames.first().map(|frame| frame.offset - 4);
        let mut sought = match first {
            Some(start) => self.source.seek(SeekFrom::Start(start)).map(drop),
            None => Ok(()),
        };
        (0..self.len()).map(move |i| {
            if self.v1_steps.is_some() {
                return self.step(i);
            }
            if let Err(e) = std::mem::replace(&mut sought, Ok(())) {
                return Err(EpisodeError(format!("cannot read the steps: {e}")));
            }
            let corrupt =
                |e: &dyn std::fmt::Display| EpisodeError(format!("step {i} is corrupt: {e}"));
            let length =
                read_u32(&mut self.source).ok_or_else(|| corrupt(&"the file ends in it"))?;
            let bytes = read_exact(&mut self.source, u64::from(length))
                .ok_or_else(|| corrupt(&"the file ends inside it"))?;
            decode_step(&bytes).map_err(|e| corrupt(&e))
        })
    }

    fn read_all_steps(&mut self) -> Result<Episode, EpisodeError> {
        let steps = self.steps().collect::<Result<Vec<_>, _>>()?;
        let mut steps = steps.into_iter();
        let first = steps
            .next()
            .ok_or_else(|| EpisodeError("the recording has no step".to_string()))?;
        let mut episode = Episode::new(self.header.clone(), first);
        episode.steps.extend(steps);
        Ok(episode)
    }
}

/// Reads step `i` from where the index says it is.
pub fn read_frame(
    source: &mut (impl Read + Seek),
    frame: Frame,
    i: usize,
) -> Result<StepRecord, EpisodeError> {
    let corrupt = |e: &dyn std::fmt::Display| EpisodeError(format!("step {i} is corrupt: {e}"));
    source
        .seek(SeekFrom::Start(frame.offset))
        .map_err(|e| corrupt(&e))?;
    let bytes = read_exact(source, u64::from(frame.length))
        .ok_or_else(|| corrupt(&"the file ends inside it"))?;
    decode_step(&bytes).map_err(|e| corrupt(&e))
}

/// A step from its frame's bytes: the step, and the reward's costs when they follow it.
fn decode_step(bytes: &[u8]) -> Result<StepRecord, String> {
    let (mut step, rest): (StepRecord, _) =
        postcard::take_from_bytes(bytes).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        let (costs, rest) = postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
        if !rest.is_empty() {
            return Err(format!("{} bytes follow it in its frame", rest.len()));
        }
        step.reward_terms.costs = costs;
    }
    Ok(step)
}

/// Where each step's frame starts (offset and length), and why the recording stopped short of
/// its end mark, if it did.
struct Index {
    frames: Vec<Frame>,
    cut_short: Option<String>,
}

/// Indexes the frames; after the end mark anything is damage.
fn index(source: &mut (impl Read + Seek)) -> Result<Index, EpisodeError> {
    let mut offset = source
        .stream_position()
        .map_err(|e| EpisodeError(format!("cannot read the steps: {e}")))?;
    let mut frames = Vec::new();
    let cut = |whole: usize, why: &str| {
        Some(format!(
            "the recording was cut short {why}: {whole} whole steps"
        ))
    };
    loop {
        let Some(length) = read_u32(source) else {
            let cut_short = cut(frames.len(), "after its last step");
            return Ok(Index { frames, cut_short });
        };
        if length == 0 {
            let count = read_u64(source);
            let mut rest = [0u8; 1];
            let trailing = matches!(source.read(&mut rest), Ok(n) if n > 0);
            return match count {
                Some(n) if n == frames.len() as u64 && !trailing => Ok(Index {
                    frames,
                    cut_short: None,
                }),
                Some(n) if n != frames.len() as u64 => Err(EpisodeError(format!(
                    "the end mark counts {n} steps but the file holds {}",
                    frames.len()
                ))),
                Some(_) => Err(EpisodeError(
                    "bytes follow the end of the recording".to_string(),
                )),
                None => Err(EpisodeError(
                    "the file ends inside its end mark".to_string(),
                )),
            };
        }
        if u64::from(length) > LARGEST_STEP {
            return Err(EpisodeError(format!(
                "step {} claims {length} bytes: the file is damaged",
                frames.len()
            )));
        }
        let start = offset + 4;
        if skip(source, u64::from(length)) < u64::from(length) {
            let cut_short = cut(frames.len(), "inside a step");
            return Ok(Index { frames, cut_short });
        }
        frames.push(Frame {
            offset: start,
            length,
        });
        offset = start + u64::from(length);
    }
}

/// Reads a file of the first format whole, refusing bytes after its steps.
fn read_v1<R: Read + Seek>(
    mut source: R,
    network: crate::model::Network,
) -> Result<EpisodeReader<R>, EpisodeError> {
    #[derive(Deserialize)]
    struct Body {
        agent: String,
        seed: u64,
        start_time_index: usize,
        initial_soc_mwh: Vec<(String, f64)>,
        steps: Vec<V1Step>,
    }
    let mut body = Vec::new();
    source
        .read_to_end(&mut body)
        .map_err(|e| EpisodeError(format!("cannot read the steps: {e}")))?;
    let (body, rest): (Body, &[u8]) = postcard::take_from_bytes(&body)
        .map_err(|e| EpisodeError(format!("corrupt steps: {e}")))?;
    if !rest.is_empty() {
        return Err(EpisodeError(format!(
            "{} bytes follow the last step",
            rest.len()
        )));
    }
    let header = EpisodeHeader {
        network,
        agent: body.agent,
        seed: body.seed,
        start_time_index: body.start_time_index,
        initial_soc_mwh: body.initial_soc_mwh,
    };
    Ok(EpisodeReader {
        source,
        header,
        frames: Vec::new(),
        cut_short: None,
        v1_steps: Some(body.steps.into_iter().map(StepRecord::from).collect()),
        path: None,
    })
}

/// A step as the first format stored it: without the agent that acted.
#[derive(Deserialize)]
struct V1Step {
    step: usize,
    time_index: usize,
    requested_action: Vec<f64>,
    applied_action: Vec<f64>,
    reward: f64,
    reward_terms: crate::sim::RewardTerms,
    terminated: bool,
    truncated: bool,
    converged: bool,
    bus_vm_pu: Vec<f64>,
    bus_va_deg: Vec<f64>,
    branch_flows: Vec<[f64; 4]>,
    branch_s_mva: Vec<f64>,
    branch_in_service: Vec<bool>,
    device_p_mw: Vec<f64>,
    device_q_mvar: Vec<f64>,
    soc_mwh: Vec<f64>,
    violations: Vec<crate::sim::Violation>,
    events: Vec<crate::sim::Event>,
    clipped: Vec<crate::sim::Clipping>,
}

impl From<V1Step> for StepRecord {
    fn from(s: V1Step) -> Self {
        StepRecord {
            step: s.step,
            time_index: s.time_index,
            requested_action: s.requested_action,
            applied_action: s.applied_action,
            reward: s.reward,
            reward_terms: s.reward_terms,
            terminated: s.terminated,
            truncated: s.truncated,
            converged: s.converged,
            bus_vm_pu: s.bus_vm_pu,
            bus_va_deg: s.bus_va_deg,
            branch_flows: s.branch_flows,
            branch_s_mva: s.branch_s_mva,
            branch_in_service: s.branch_in_service,
            device_p_mw: s.device_p_mw,
            device_q_mvar: s.device_q_mvar,
            soc_mwh: s.soc_mwh,
            violations: s.violations,
            events: s.events,
            clipped: s.clipped,
            agent: None,
        }
    }
}

fn read_u32(source: &mut impl Read) -> Option<u32> {
    let mut bytes = [0u8; 4];
    source.read_exact(&mut bytes).ok()?;
    Some(u32::from_le_bytes(bytes))
}

fn read_u64(source: &mut impl Read) -> Option<u64> {
    let mut bytes = [0u8; 8];
    source.read_exact(&mut bytes).ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// Reads exactly `length` bytes, or `None` when the source ends first (never allocating more
/// than the source holds).
fn read_exact(source: &mut impl Read, length: u64) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(length).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == length).then_some(bytes)
}

/// Skips up to `length` bytes; returns how many were there.
fn skip(source: &mut impl Read, length: u64) -> u64 {
    std::io::copy(&mut source.take(length), &mut std::io::sink()).unwrap_or(0)
}
