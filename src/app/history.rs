//! The episode on screen, in memory that stays flat however long it runs (no egui here).
//!
//! What the panels read every frame stays in memory: a summary of each step (reward, counts of
//! violations so far, the spread of voltages and loadings), the violations themselves, who
//! acted, and per-element samples for the plots — every step while they fit a budget, then
//! every second, fourth… step. Whole step records live in the recording on disk; the newest
//! few and the one on screen are kept at hand. A run that cannot record keeps every record.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::io::{
    EpisodeReader, Frame, episode_csv_header, episode_csv_row, read_frame, write_atomic_with,
    write_episode,
};
use crate::model::{Device, Network};
use crate::sim::episode::{EpisodeHeader, StepRecord};
use crate::sim::{Component, Severity, ViolationKind};

/// Memory for the newest whole records, when older ones can be read back from disk.
const RECENT_BYTES: usize = 64 << 20;
/// Values kept for the plots' per-element samples (4 bytes each).
const SAMPLE_VALUES: usize = 16 << 20;
/// The most samples kept, however small the network: far more than a plot has pixels.
const MOST_SAMPLES: usize = 1 << 16;

/// What the panels need of one step without its whole record.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub step: usize,
    pub time_index: usize,
    pub reward: f64,
    pub energy_term: f64,
    pub penalty_term: f64,
    /// The reward summed over steps 0 to this one.
    pub cumulative_reward: f64,
    pub converged: bool,
    pub terminated: bool,
    pub truncated: bool,
    /// Violations of each kind over steps 0 to this one, indexed by `kind as usize`.
    pub counts_so_far: [u32; ViolationKind::ALL.len()],
    /// Bus voltage magnitudes (p.u.); NaN where the power flow failed.
    pub vm_pu: Spread,
    /// Loadings of rated branches in service (%); NaN where the power flow failed or no
    /// branch is rated.
    pub loading_pct: Spread,
    /// Where this step's violations start in the history's list.
    violations_from: usize,
}

/// A violation as the history keeps it: a few bytes, its element's name stored once per
/// history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listed {
    pub step: u32,
    pub kind: ViolationKind,
    pub severity: Severity,
    element: u32,
    pub value: f64,
    pub limit: f64,
}

/// Element names, each stored once.
#[derive(Clone, Default)]
struct Names {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

/// The smallest, mean and largest of a set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub mean: f64,
    pub max: f64,
}

impl Spread {
    const NONE: Spread = Spread {
        min: f64::NAN,
        mean: f64::NAN,
        max: f64::NAN,
    };

    fn of(values: impl Iterator<Item = f64>) -> Spread {
        let (mut n, mut sum, mut min, mut max) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            n += 1;
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
        if n == 0 {
            return Spread::NONE;
        }
        Spread {
            min,
            mean: sum / n as f64,
            max,
        }
    }
}

/// The columns of a plot sample: per bus |V|, per branch S, per device P and Q, per storage
/// unit its state of charge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Columns {
    pub buses: usize,
    pub branches: usize,
    pub devices: usize,
    pub storage: usize,
}

impl Columns {
    fn of(net: &Network) -> Columns {
        Columns {
            buses: net.buses.len(),
            branches: net.branches.len(),
            devices: net.devices.len(),
            storage: net
                .devices
                .iter()
                .filter(|d| matches!(d, Device::Storage(_)))
                .count(),
        }
    }

    pub fn width(self) -> usize {
        self.buses + self.branches + 2 * self.devices + self.storage
    }

    pub fn bus_vm(self, bus: usize) -> usize {
        bus
    }

    pub fn branch_s(self, branch: usize) -> usize {
        self.buses + branch
    }

    pub fn device_p(self, device: usize) -> usize {
        self.buses + self.branches + device
    }

    pub fn device_q(self, device: usize) -> usize {
        self.buses + self.branches + self.devices + device
    }

    pub fn soc(self, storage: usize) -> usize {
        self.buses + self.branches + 2 * self.devices + storage
    }
}

/// Per-element values at every `stride`-th step, at most `capacity` samples: when full, every
/// other sample goes and the stride doubles.
#[derive(Clone)]
struct Samples {
    columns: Columns,
    capacity: usize,
    stride: usize,
    steps: Vec<usize>,
    values: Vec<f32>,
}

impl Samples {
    fn new(columns: Columns) -> Self {
        let capacity = (SAMPLE_VALUES / columns.width().max(1)).clamp(256, MOST_SAMPLES);
        Samples {
            columns,
            capacity,
            stride: 1,
            steps: Vec::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, record: &StepRecord) {
        if !record.step.is_multiple_of(self.stride) {
            return;
        }
        if self.steps.len() == self.capacity {
            self.halve();
            if !record.step.is_multiple_of(self.stride) {
                return;
            }
        }
        self.steps.push(record.step);
        let failed = !record.converged;
        let solved = |v: &f64| if failed { f32::NAN } else { *v as f32 };
        self.values.extend(record.bus_vm_pu.iter().map(solved));
        self.values.extend(record.branch_s_mva.iter().map(solved));
        self.values
            .extend(record.device_p_mw.iter().map(|&v| v as f32));
        self.values
            .extend(record.device_q_mvar.iter().map(|&v| v as f32));
        self.values.extend(record.soc_mwh.iter().map(|&v| v as f32));
        // A record of another shape (a damaged file) must not shift later samples.
        let width = self.columns.width();
        self.values.resize(self.steps.len() * width, f32::NAN);
    }

    /// The samples of steps 0 to `last`.
    fn through(&self, last: usize) -> Samples {
        let kept = self.steps.partition_point(|&s| s <= last);
        Samples {
            steps: self.steps[..kept].to_vec(),
            values: self.values[..kept * self.columns.width()].to_vec(),
            ..*self
        }
    }

    /// Keeps the samples on multiples of twice the stride.
    fn halve(&mut self) {
        let width = self.columns.width();
        self.stride *= 2;
        let mut kept = 0;
        for j in 0..self.steps.len() {
            if self.steps[j].is_multiple_of(self.stride) {
                self.steps[kept] = self.steps[j];
                self.values
                    .copy_within(j * width..(j + 1) * width, kept * width);
                kept += 1;
            }
        }
        self.steps.truncate(kept);
        self.values.truncate(kept * width);
    }
}

/// A recording on disk and where each of its steps is (steps 0 to `frames.len() - 1`).
struct Disk {
    path: PathBuf,
    file: File,
    frames: Vec<Frame>,
}

/// The episode on screen.
pub struct History {
    pub header: EpisodeHeader,
    summaries: Vec<Summary>,
    /// Every violation, in step order.
    violations: Vec<Listed>,
    /// The names of the elements they concern.
    names: Names,
    /// Where another agent took over: (step, agent).
    agent_changes: Vec<(usize, String)>,
    samples: Samples,
    /// The newest records, ending with the last step.
    recent: VecDeque<StepRecord>,
    /// An older record read back from disk to be shown.
    shown: Option<StepRecord>,
    /// How many records `recent` keeps once older ones are on disk.
    keep: usize,
    disk: Option<Disk>,
    /// The episode file this history was opened from.
    source: Option<PathBuf>,
}

impl History {
    /// A history that starts with the state after reset.
    pub fn new(header: EpisodeHeader, first: StepRecord) -> Self {
        let samples = Samples::new(Columns::of(&header.network));
        let keep = (RECENT_BYTES / record_bytes(&first)).clamp(2, 4096);
        let mut history = History {
            header,
            summaries: Vec::new(),
            violations: Vec::new(),
            names: Names::default(),
            agent_changes: Vec::new(),
            samples,
            recent: VecDeque::new(),
            shown: None,
            keep,
            disk: None,
            source: None,
        };
        history.push(first);
        history
    }

    /// Opens an episode file: one pass builds the summaries and samples; records are read
    /// back from the file when shown. Also says whether the recording was cut short.
    pub fn open(path: &Path) -> Result<(History, Option<String>), String> {
        let mut reader = EpisodeReader::open(path).map_err(|e| e.to_string())?;
        let in_file = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        let cut_short = reader.cut_short.clone();
        let frames = reader.frames().map(<[Frame]>::to_vec);
        let header = reader.header.clone();
        let mut steps = reader.steps();
        let first = steps
            .next()
            .ok_or_else(|| in_file(&"the recording has no step"))?
            .map_err(|e| in_file(&e))?;
        let mut history = History::new(header, first);
        history.source = Some(path.to_path_buf());
        if let Some(frames) = frames {
            let file = File::open(path).map_err(|e| in_file(&e))?;
            history.record_to(path.to_path_buf(), file);
            history.written(0, frames[0]);
            for (i, step) in steps.enumerate() {
                history.push(step.map_err(|e| in_file(&e))?);
                history.written(i + 1, frames[i + 1]);
            }
        } else {
            for step in steps {
                history.push(step.map_err(|e| in_file(&e))?);
            }
        }
        Ok((history, cut_short))
    }

    /// From now on, records written to `path` (open as `file`) may be dropped from memory.
    /// Steps already on disk stay where they are: a branch's recording begins with a copy of
    /// its prefix, byte for byte.
    pub fn record_to(&mut self, path: PathBuf, file: File) {
        let frames = self.disk.take().map(|d| d.frames).unwrap_or_default();
        self.disk = Some(Disk { path, file, frames });
    }

    /// The episode file this history was opened from.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// The file holding steps 0 to `step`, and where they end in it.
    pub fn prefix_on_disk(&self, step: usize) -> Option<(PathBuf, u64)> {
        let disk = self.disk.as_ref()?;
        let frame = disk.frames.get(step)?;
        Some((disk.path.clone(), frame.end()))
    }

    /// A history of steps 0 to `at` only, to run on from there (a what-if): it shares this
    /// one's recording for those steps.
    pub fn branch(&self, at: usize) -> Result<History, String> {
        let last = self.read(at)?.into_owned();
        let violations_end = self
            .summaries
            .get(at + 1)
            .map_or(self.violations.len(), |s| s.violations_from);
        let first_recent = self.first_recent();
        let mut recent: VecDeque<StepRecord> = if at >= first_recent {
            self.recent.range(..at - first_recent).cloned().collect()
        } else {
            VecDeque::new()
        };
        recent.push_back(last);
        let disk = match &self.disk {
            Some(d) => Some(Disk {
                path: d.path.clone(),
                file: d
                    .file
                    .try_clone()
                    .map_err(|e| format!("{}: {e}", d.path.display()))?,
                frames: d.frames[..d.frames.len().min(at + 1)].to_vec(),
            }),
            None => None,
        };
        Ok(History {
            header: self.header.clone(),
            summaries: self.summaries[..=at].to_vec(),
            violations: self.violations[..violations_end].to_vec(),
            names: self.names.clone(),
            agent_changes: self
                .agent_changes
                .iter()
                .filter(|(step, _)| *step <= at)
                .cloned()
                .collect(),
            samples: self.samples.through(at),
            recent,
            shown: None,
            keep: self.keep,
            disk,
            source: None,
        })
    }

    /// The recording's file, when records are on disk.
    pub fn recording(&self) -> Option<&Path> {
        self.disk.as_ref().map(|d| d.path.as_path())
    }

    /// Step `step` is on disk at `frame` (steps are written in order).
    pub fn written(&mut self, step: usize, frame: Frame) {
        if let Some(disk) = &mut self.disk
            && disk.frames.len() == step
        {
            disk.frames.push(frame);
        }
        self.forget_old();
    }

    /// Appends the next step.
    pub fn push(&mut self, record: StepRecord) {
        self.summaries.push(self.summarise(&record));
        for v in &record.violations {
            let listed = Listed {
                step: record.step as u32,
                kind: v.kind,
                severity: v.severity,
                element: self.names.intern(&v.element),
                value: v.value,
                limit: v.limit,
            };
            self.violations.push(listed);
        }
        if let Some(agent) = &record.agent {
            self.agent_changes
                .push((self.summaries.len() - 1, agent.clone()));
        }
        self.samples.push(&record);
        self.recent.push_back(record);
        self.forget_old();
    }

    fn summarise(&self, record: &StepRecord) -> Summary {
        let mut counts_so_far = self
            .summaries
            .last()
            .map_or([0; ViolationKind::ALL.len()], |s| s.counts_so_far);
        for v in &record.violations {
            counts_so_far[v.kind as usize] += 1;
        }
        let (vm_pu, loading_pct) = if record.converged {
            let net = &self.header.network;
            let loadings = net.branches.iter().enumerate().filter_map(|(k, b)| {
                let s = record.branch_s_mva.get(k)?;
                let on = record
                    .branch_in_service
                    .get(k)
                    .copied()
                    .unwrap_or(b.in_service);
                Some(100.0 * s.abs() / b.rating_mva.filter(|_| on)?)
            });
            (
                Spread::of(record.bus_vm_pu.iter().copied()),
                Spread::of(loadings),
            )
        } else {
            (Spread::NONE, Spread::NONE)
        };
        Summary {
            step: record.step,
            time_index: record.time_index,
            reward: record.reward,
            energy_term: record.reward_terms.energy_term,
            penalty_term: record.reward_terms.penalty_term,
            cumulative_reward: self.summaries.last().map_or(0.0, |s| s.cumulative_reward)
                + record.reward,
            converged: record.converged,
            terminated: record.terminated,
            truncated: record.truncated,
            counts_so_far,
            vm_pu,
            loading_pct,
            violations_from: self.violations.len(),
        }
    }

    /// Drops the oldest records that are on disk, beyond the few kept at hand.
    fn forget_old(&mut self) {
        let on_disk = self.disk.as_ref().map_or(0, |d| d.frames.len());
        while self.recent.len() > self.keep && self.first_recent() < on_disk {
            self.recent.pop_front();
        }
    }

    /// The step of the oldest record in memory.
    fn first_recent(&self) -> usize {
        self.summaries.len() - self.recent.len()
    }

    /// How many steps (step 0, the state after reset, included).
    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }

    pub fn network(&self) -> &Network {
        &self.header.network
    }

    pub fn summaries(&self) -> &[Summary] {
        &self.summaries
    }

    pub fn last(&self) -> &StepRecord {
        self.recent.back().expect("a history holds step 0 at least")
    }

    /// Step `i`'s record if it is in memory (the newest steps, and the one last loaded).
    pub fn get(&self, i: usize) -> Option<&StepRecord> {
        if i >= self.first_recent() {
            return self.recent.get(i - self.first_recent());
        }
        self.shown.as_ref().filter(|s| s.step == i)
    }

    /// Makes step `i`'s record available to [`History::get`], reading it from disk if need be.
    pub fn load(&mut self, i: usize) -> Result<(), String> {
        if self.get(i).is_none() {
            self.shown = Some(self.read(i)?.into_owned());
        }
        Ok(())
    }

    /// Step `i`'s record, from memory or from disk.
    pub fn read(&self, i: usize) -> Result<Cow<'_, StepRecord>, String> {
        if let Some(record) = self.get(i) {
            return Ok(Cow::Borrowed(record));
        }
        let disk = self
            .disk
            .as_ref()
            .filter(|d| i < d.frames.len())
            .ok_or_else(|| format!("step {i} is not in this episode"))?;
        read_frame(&mut &disk.file, disk.frames[i], i)
            .map(Cow::Owned)
            .map_err(|e| format!("{}: {e}", disk.path.display()))
    }

    /// Saves the episode as an episode file, atomically, a step at a time.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let steps = (0..self.len()).map(|i| self.read(i).map_err(std::io::Error::other));
        write_atomic_with(path, |out| write_episode(out, &self.header, steps))
    }

    /// Exports the time series as CSV, a row per step (`actions`: the action space).
    pub fn export_csv(&self, path: &Path, actions: &[Component]) -> std::io::Result<()> {
        write_atomic_with(path, |out: &mut dyn Write| -> std::io::Result<()> {
            out.write_all(episode_csv_header(self.network(), actions).as_bytes())?;
            let mut row = String::new();
            for i in 0..self.len() {
                let record = self.read(i).map_err(std::io::Error::other)?;
                row.clear();
                episode_csv_row(&record, actions.len(), &mut row);
                out.write_all(row.as_bytes())?;
            }
            Ok(())
        })
    }

    /// Who acted at step `step`: the last change at or before it.
    pub fn agent_at(&self, step: usize) -> &str {
        self.agent_changes
            .iter()
            .rev()
            .find(|(at, _)| *at <= step)
            .map_or(&self.header.agent, |(_, agent)| agent)
    }

    /// Every violation of steps 0 to `step`, in step order, each with its step.
    pub fn violations_through(&self, step: usize) -> &[Listed] {
        let end = self
            .summaries
            .get(step + 1)
            .map_or(self.violations.len(), |s| s.violations_from);
        &self.violations[..end]
    }

    /// The name of the element a listed violation concerns.
    pub fn element(&self, listed: &Listed) -> &str {
        &self.names.names[listed.element as usize]
    }

    /// The plot samples' layout.
    pub fn columns(&self) -> Columns {
        self.samples.columns
    }

    /// The sampled steps and, for each, its row of values (see [`Columns`]).
    pub fn samples(&self) -> impl ExactSizeIterator<Item = (usize, &[f32])> {
        let width = self.samples.columns.width().max(1);
        self.samples
            .steps
            .iter()
            .copied()
            .zip(self.samples.values.chunks(width))
    }
}

/// Roughly how much memory one record takes.
fn record_bytes(r: &StepRecord) -> usize {
    let floats = r.requested_action.len()
        + r.applied_action.len()
        + r.bus_vm_pu.len()
        + r.bus_va_deg.len()
        + 4 * r.branch_flows.len()
        + r.branch_s_mva.len()
        + r.device_p_mw.len()
        + r.device_q_mvar.len()
        + r.soc_mwh.len();
    std::mem::size_of::<StepRecord>()
        + 8 * floats
        + r.branch_in_service.len()
        + 64 * r.violations.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(step: usize) -> StepRecord {
        StepRecord {
            step,
            converged: true,
            bus_vm_pu: vec![step as f64],
            ..StepRecord::default()
        }
    }

    #[test]
    fn full_samples_keep_every_other_step_and_double_the_stride() {
        let columns = Columns {
            buses: 1,
            branches: 0,
            devices: 0,
            storage: 0,
        };
        let mut samples = Samples::new(columns);
        samples.capacity = 4;
        for step in 0..11 {
            samples.push(&record(step));
        }
        // 0..3 filled it; at 4 it kept 0 and 2 (stride 2); at 8 it kept 0 and 4 (stride 4).
        assert_eq!(samples.stride, 4);
        assert_eq!(samples.steps, vec![0, 4, 8]);
        assert_eq!(samples.values, vec![0.0, 4.0, 8.0]);
    }

    #[test]
    fn a_failed_power_flow_leaves_gaps_not_numbers() {
        let columns = Columns {
            buses: 1,
            branches: 0,
            devices: 0,
            storage: 0,
        };
        let mut samples = Samples::new(columns);
        let mut failed = record(0);
        failed.converged = false;
        failed.bus_vm_pu = vec![83_051_113.0];
        samples.push(&failed);
        assert!(samples.values[0].is_nan());
    }
}
