//! Moving flow markers: arrowheads that travel along each branch in the direction of active
//! power, faster for a larger flow relative to the branch rating.
//!
//! Each branch keeps a phase that advances by `dt · speed` every frame. Markers are placed from
//! the phase, never from the simulation step or the clock, so a new state changes how fast
//! they move but never where they are: they do not jump. The same holds for wind turbine rotors.

use egui::{Color32, Pos2};

use super::mesh::Pen;
use super::scene::Scene;
use crate::model::{Device, Network, RenewableSource};
use crate::sim::episode::StepRecord;

/// Marker spacings travelled per second by a branch at 100 % of its rating.
const SPACINGS_PER_S_AT_RATING: f32 = 1.2;
/// Faster than this (in multiples of the rating) reads as a blur.
const MAX_RELATIVE_FLOW: f32 = 2.5;
/// Flows below this fraction of their reference do not move.
const IDLE_FRACTION: f32 = 1e-3;
/// Rotor speed of a wind turbine at full output.
const ROTOR_RAD_PER_S_AT_FULL: f32 = 4.0;

/// The animation state the view carries from frame to frame.
#[derive(Debug, Clone, Default)]
pub struct FlowAnimation {
    /// Per branch, in marker spacings (0..1); increases in the from→to direction.
    phase: Vec<f32>,
    /// Per device, the rotor angle of wind turbines.
    rotor_rad: Vec<f32>,
}

impl FlowAnimation {
    /// Moves the markers of the branches and the rotors of the turbines on screen on by `dt_s`
    /// at the speeds of `state`. What is off screen stands still: where it resumes cannot be
    /// told from where it stopped, and a 16,000-branch network mostly is off screen. Returns
    /// whether anything on screen moves (the view then asks for another frame).
    pub fn advance(&mut self, net: &Network, state: &StepRecord, scene: &Scene, dt_s: f32) -> bool {
        self.phase.resize(net.branches.len(), 0.0);
        self.rotor_rad.resize(net.devices.len(), 0.0);
        let mut moving = false;
        if scene.lod.markers {
            let largest_p_mw = largest_flow_mw(net, state);
            for branch in &scene.branches {
                let speed = branch_speed(net, state, branch.index, largest_p_mw);
                moving |= speed != 0.0;
                let phase = &mut self.phase[branch.index];
                let advanced = *phase + dt_s * speed;
                // `x - floor(x)` wraps like `rem_euclid(1.0)` without a call to `fmodf`.
                *phase = advanced - advanced.floor();
            }
        }
        for device in &scene.devices {
            let speed = rotor_speed(net, state, device.index);
            moving |= speed != 0.0;
            let angle = &mut self.rotor_rad[device.index];
            *angle = (*angle + dt_s * speed).rem_euclid(std::f32::consts::TAU);
        }
        moving
    }

    /// A branch's marker phase (0..1 of a spacing, from→to).
    pub fn phase(&self, branch: usize) -> f32 {
        self.phase.get(branch).copied().unwrap_or(0.0)
    }

    /// A wind turbine's rotor angle.
    pub fn rotor_rad(&self, device: usize) -> f32 {
        self.rotor_rad.get(device).copied().unwrap_or(0.0)
    }
}

/// Whether a branch is in service in this state (the state wins over the network file: lines
/// trip and switches open during an episode).
pub fn branch_in_service(net: &Network, state: &StepRecord, k: usize) -> bool {
    state
        .branch_in_service
        .get(k)
        .copied()
        .unwrap_or_else(|| net.branches.get(k).is_some_and(|b| b.in_service))
}

/// Active power entering a branch at its from end.
pub fn p_from_mw(state: &StepRecord, k: usize) -> f64 {
    state.branch_flows.get(k).map_or(0.0, |f| f[0])
}

/// The largest |P| on any in-service branch: the reference for branches without a rating.
pub fn largest_flow_mw(net: &Network, state: &StepRecord) -> f64 {
    (0..net.branches.len())
        .filter(|&k| branch_in_service(net, state, k))
        .map(|k| p_from_mw(state, k).abs())
        .filter(|p| p.is_finite())
        .fold(0.0, f64::max)
}

/// Signed marker speed in spacings per second: positive from→to.
fn branch_speed(net: &Network, state: &StepRecord, k: usize, largest_p_mw: f64) -> f32 {
    if !branch_in_service(net, state, k) {
        return 0.0;
    }
    let p_mw = p_from_mw(state, k);
    let reference_mw = net.branches[k]
        .rating_mva
        .filter(|r| *r > 0.0)
        .unwrap_or(largest_p_mw);
    if reference_mw <= 0.0 || !p_mw.is_finite() {
        return 0.0;
    }
    let relative = (p_mw.abs() / reference_mw) as f32;
    if relative < IDLE_FRACTION {
        return 0.0;
    }
    relative.min(MAX_RELATIVE_FLOW) * SPACINGS_PER_S_AT_RATING * p_mw.signum() as f32
}

/// Rotor speed of a wind turbine: proportional to its output.
fn rotor_speed(net: &Network, state: &StepRecord, k: usize) -> f32 {
    let Some(Device::Renewable(r)) = net.devices.get(k) else {
        return 0.0;
    };
    let p_mw = state.device_p_mw.get(k).copied().unwrap_or(0.0);
    if r.source != RenewableSource::Wind || r.capability.p_max_mw <= 0.0 || !p_mw.is_finite() {
        return 0.0;
    }
    (p_mw / r.capability.p_max_mw).clamp(0.0, 1.0) as f32 * ROTOR_RAD_PER_S_AT_FULL
}

/// How flow markers look at the current zoom.
#[derive(Debug, Clone, Copy)]
pub struct MarkerStyle {
    pub spacing_px: f32,
    pub size_px: f32,
    /// No markers this close to either end (they would sit on the bus bars).
    pub end_gap_px: f32,
    pub color: Color32,
}

/// Appends the arrowheads of one branch: spaced `spacing_px` apart, offset by `phase`, pointing
/// from→to when `p_from_mw` is positive. Only the stretch `visible_px` (distances from the from
/// end) is filled, so a long branch crossing a zoomed-in view costs no more than a short one.
pub fn markers(
    pen: &mut Pen,
    [from, to]: [Pos2; 2],
    phase: f32,
    p_from_mw: f64,
    (visible_from_px, visible_to_px): (f32, f32),
    style: &MarkerStyle,
) {
    let length = from.distance_sq(to).sqrt();
    if length <= 2.0 * style.end_gap_px || p_from_mw == 0.0 || !p_from_mw.is_finite() {
        return;
    }
    let along = (to - from) / length;
    let forward = along * p_from_mw.signum() as f32;
    let across = along.rot90();
    let (half_len, half_width) = (0.5 * style.size_px, 0.45 * style.size_px);
    let first_px = visible_from_px.max(style.end_gap_px) - style.size_px;
    let last_px = (visible_to_px + style.size_px).min(length - style.end_gap_px);
    let mut distance = ((first_px / style.spacing_px - phase).ceil() + phase) * style.spacing_px;
    while distance < last_px {
        if distance > style.end_gap_px {
            let at = from + along * distance;
            // An arrowhead with a notched back, fanned from its tip.
            let head = [
                at + forward * half_len,
                at - forward * half_len + across * half_width,
                at - forward * (0.5 * half_len),
                at - forward * half_len - across * half_width,
            ];
            pen.fill(&head, style.color);
        }
        distance += style.spacing_px;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    fn style() -> MarkerStyle {
        MarkerStyle {
            spacing_px: 30.0,
            size_px: 6.0,
            end_gap_px: 10.0,
            color: Color32::BLACK,
        }
    }

    /// The x positions of the tips of the arrowheads drawn on a horizontal branch.
    fn tips(phase: f32, p_mw: f64, visible: (f32, f32)) -> Vec<f32> {
        let mut pen = Pen::new(1.0);
        markers(
            &mut pen,
            [pos2(0.0, 0.0), pos2(200.0, 0.0)],
            phase,
            p_mw,
            visible,
            &style(),
        );
        let Some(egui::Shape::Mesh(mesh)) = pen.into_shape() else {
            return Vec::new();
        };
        // Each head is 4 points with an inner and outer vertex: the tip's inner vertex is first.
        mesh.vertices
            .chunks(8)
            .map(|head| head[0].pos.x.round())
            .collect()
    }

    #[test]
    fn markers_follow_phase_and_direction() {
        let forward = tips(0.5, 10.0, (0.0, 200.0));
        assert_eq!(forward.len(), 6, "{forward:?}");
        // Phase 0.5 of a 30-point spacing puts the first marker at 15 (tip 3 further).
        assert!((forward[0] - 18.0).abs() <= 1.0, "{forward:?}");
        let backward = tips(0.5, -10.0, (0.0, 200.0));
        assert!((backward[0] - 12.0).abs() <= 1.0, "{backward:?}");
        // Only the visible stretch is filled, at the same places.
        let part = tips(0.5, 10.0, (100.0, 140.0));
        assert!(
            part.iter().all(|x| forward.contains(x)) && !part.is_empty(),
            "{part:?}"
        );
        assert!(part.len() < 4);
        assert!(tips(0.5, 0.0, (0.0, 200.0)).is_empty());
    }
}
