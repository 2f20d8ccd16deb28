//! What the view derives from a network once, not every frame: bus positions as `Pos2`, branch
//! and device ends as bus indices (the model refers to buses by name), where each device sits
//! around its bus, the diagram's bounds and a natural symbol size.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use egui::{Pos2, Rect, pos2};

use super::transform;
use crate::model::{Device, ElementRef, NameHasher, NameMap, Network};

/// Symbol size as a fraction of the typical distance between neighbouring buses.
const SYMBOL_FRACTION: f32 = 0.3;
/// Symbol size (diagram units) for a network of one bus (or all at one spot).
const FALLBACK_SYMBOL_GRID: f32 = 30.0;

/// Where a device is drawn relative to its bus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeviceSlot {
    /// The bus it is attached to (`None` when the name matches no bus: it is not drawn).
    pub bus: Option<usize>,
    /// Its place among the devices of that bus (0-based), and how many there are.
    pub slot: usize,
    pub count: usize,
    /// +1 to hang below the bus bar, −1 above: the side with fewer branches leaving.
    pub side: f32,
    /// Its index in `StepRecord::soc_mwh` when it is a storage unit.
    pub storage: Option<usize>,
}

/// Identifies the network the geometry was built from. Rebuilding is cheap, so the key only
/// has to notice a different network or an edit: the counts and a hash of the names, kinds and
/// connections (the topology), and separately a hash of the bus positions, so that moving a bus
/// only moves it.
#[derive(Debug, Clone, PartialEq)]
struct NetworkKey {
    buses: usize,
    branches: usize,
    devices: usize,
    topology_hash: u64,
    position_hash: u64,
}

impl NetworkKey {
    fn of(net: &Network) -> Self {
        // A few hundred microseconds on a 10,000-bus network, every frame: far less than
        // drawing it.
        let mut topology = NameHasher::default();
        let mut positions = NameHasher::default();
        for bus in &net.buses {
            bus.name.hash(&mut topology);
            positions.write_u64(bus.position.x.to_bits());
            positions.write_u64(bus.position.y.to_bits());
        }
        for branch in &net.branches {
            branch.name.hash(&mut topology);
            branch.from_bus.hash(&mut topology);
            branch.to_bus.hash(&mut topology);
        }
        for device in &net.devices {
            device.name().hash(&mut topology);
            device.bus().hash(&mut topology);
            topology.write_u64(device_kind_code(device));
        }
        NetworkKey {
            buses: net.buses.len(),
            branches: net.branches.len(),
            devices: net.devices.len(),
            topology_hash: topology.finish(),
            position_hash: positions.finish(),
        }
    }

    fn same_topology(&self, other: &NetworkKey) -> bool {
        (self.buses, self.branches, self.devices, self.topology_hash)
            == (
                other.buses,
                other.branches,
                other.devices,
                other.topology_hash,
            )
    }
}

/// Which kind a device is, for the topology hash (storage units are numbered among themselves).
fn device_kind_code(device: &Device) -> u64 {
    match device {
        Device::Load(_) => 1,
        Device::Generator(_) => 2,
        Device::Renewable(_) => 3,
        Device::Storage(_) => 4,
        Device::ExternalGrid(_) => 5,
        Device::Shunt(_) => 6,
    }
}

/// Per-network data for drawing, hit testing and fitting.
#[derive(Debug, Clone)]
pub struct Geometry {
    key: NetworkKey,
    pub bus_grid: Vec<Pos2>,
    /// Bus indices of each branch's ends; `None` when a name matches no bus.
    pub branch_ends: Vec<Option<(usize, usize)>>,
    pub devices: Vec<DeviceSlot>,
    /// How many devices each bus carries (sets the bus bar's length).
    pub bus_device_count: Vec<usize>,
    /// Per bus, +1 when its devices hang below the bar, −1 above (labels go the other way).
    pub bus_side: Vec<f32>,
    pub bounds_grid: Rect,
    /// A symbol size in diagram units that keeps neighbouring symbols apart.
    pub symbol_grid: f32,
    /// Each element's index by name, to find what a selection names.
    names: NameIndex,
}

/// Element indices by name.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    buses: HashMap<String, usize>,
    branches: HashMap<String, usize>,
    devices: HashMap<String, usize>,
}

impl NameIndex {
    fn new(net: &Network) -> Self {
        fn index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
            names.enumerate().map(|(i, n)| (n.to_string(), i)).collect()
        }
        NameIndex {
            buses: index(net.buses.iter().map(|b| b.name.as_str())),
            branches: index(net.branches.iter().map(|b| b.name.as_str())),
            devices: index(net.devices.iter().map(|d| d.name())),
        }
    }
}

impl Geometry {
    pub fn new(net: &Network) -> Self {
        let index = net.bus_indices();
        let bus_grid: Vec<Pos2> = net
            .buses
            .iter()
            .map(|b| pos2(b.position.x as f32, b.position.y as f32))
            .collect();
        let branch_ends: Vec<Option<(usize, usize)>> = net
            .branches
            .iter()
            .map(|br| {
                Some((
                    *index.get(br.from_bus.as_str())?,
                    *index.get(br.to_bus.as_str())?,
                ))
            })
            .collect();
        let bus_side = free_sides(&bus_grid, &branch_ends);
        let (devices, bus_device_count) = device_slots(net, &index, &bus_side);
        Geometry {
            key: NetworkKey::of(net),
            bounds_grid: bounds(&bus_grid),
            symbol_grid: symbol_grid(&bus_grid),
            bus_grid,
            branch_ends,
            devices,
            bus_device_count,
            bus_side,
            names: NameIndex::new(net),
        }
    }

    /// Brings the geometry up to date with `net`: nothing when it has not changed, new bus
    /// positions (keeping the symbol size, so a dragged bus does not resize everything) when
    /// only buses moved, a rebuild otherwise. Returns whether it was rebuilt.
    pub fn update(&mut self, net: &Network) -> bool {
        let key = NetworkKey::of(net);
        if key == self.key {
            return false;
        }
        if !key.same_topology(&self.key) {
            *self = Geometry::new(net);
            return true;
        }
        for (grid, bus) in self.bus_grid.iter_mut().zip(&net.buses) {
            *grid = pos2(bus.position.x as f32, bus.position.y as f32);
        }
        self.bounds_grid = bounds(&self.bus_grid);
        self.bus_side = free_sides(&self.bus_grid, &self.branch_ends);
        for slot in &mut self.devices {
            slot.side = slot.bus.map_or(1.0, |i| self.bus_side[i]);
        }
        self.key = key;
        false
    }

    /// The transform that fits the whole network in `viewport`, with room for the longest bus
    /// bar at the side (its length depends on the zoom the fit arrives at, hence two passes).
    pub fn fit(&self, viewport: egui::Rect) -> egui::emath::TSTransform {
        let devices = self.bus_device_count.iter().copied().max().unwrap_or(0);
        let first = transform::fit(
            self.bounds_grid,
            self.symbol_grid,
            viewport,
            transform::FIT_MARGIN_PX,
        );
        let reach_px = super::scene::bar_reach_px(devices, self.symbol_grid * first.scaling);
        if reach_px + 8.0 <= transform::FIT_MARGIN_PX {
            return first;
        }
        // A wider margin shrinks the symbols, and so the bar: the margin still holds it.
        transform::fit(self.bounds_grid, self.symbol_grid, viewport, reach_px + 8.0)
    }

    /// The element a reference names, in this network.
    pub fn find(&self, element: &ElementRef) -> Option<super::Element> {
        match element {
            ElementRef::Bus(n) => self.names.buses.get(n).map(|&i| super::Element::Bus(i)),
            ElementRef::Branch(n) => self
                .names
                .branches
                .get(n)
                .map(|&k| super::Element::Branch(k)),
            ElementRef::Device(n) => self
                .names
                .devices
                .get(n)
                .map(|&k| super::Element::Device(k)),
        }
    }

    /// Where an element sits in the diagram (a device: at its bus).
    pub fn element_grid(&self, element: super::Element) -> Option<Pos2> {
        match element {
            super::Element::Bus(i) => self.bus_grid.get(i).copied(),
            super::Element::Branch(k) => {
                let (a, b) = (*self.branch_ends.get(k)?)?;
                Some(self.bus_grid[a].lerp(self.bus_grid[b], 0.5))
            }
            super::Element::Device(k) => self.bus_grid.get(self.devices.get(k)?.bus?).copied(),
        }
    }
}

/// The rectangle around the buses. An empty network has empty (infinite) bounds; the origin
/// keeps the transform finite.
fn bounds(bus_grid: &[Pos2]) -> Rect {
    if bus_grid.is_empty() {
        Rect::from_min_size(Pos2::ZERO, egui::Vec2::ZERO)
    } else {
        Rect::from_points(bus_grid)
    }
}

/// For each bus, the side of its bar (+1 below, −1 above) where fewer branches leave.
fn free_sides(bus_grid: &[Pos2], branch_ends: &[Option<(usize, usize)>]) -> Vec<f32> {
    // Branches leaving downwards minus upwards (y points down).
    let mut downwards = vec![0i64; bus_grid.len()];
    for &(a, b) in branch_ends.iter().flatten() {
        let dy = bus_grid[b].y - bus_grid[a].y;
        if dy != 0.0 {
            downwards[a] += dy.signum() as i64;
            downwards[b] -= dy.signum() as i64;
        }
    }
    downwards
        .into_iter()
        .map(|d| if d > 0 { -1.0 } else { 1.0 })
        .collect()
}

/// Numbers the devices of each bus, to spread them along its bar.
fn device_slots(
    net: &Network,
    index: &NameMap<usize>,
    bus_side: &[f32],
) -> (Vec<DeviceSlot>, Vec<usize>) {
    let mut count = vec![0usize; bus_side.len()];
    let mut storage_seen = 0;
    let mut devices: Vec<DeviceSlot> = net
        .devices
        .iter()
        .map(|d| {
            let bus = index.get(d.bus()).copied();
            let slot = bus.map_or(0, |i| {
                count[i] += 1;
                count[i] - 1
            });
            let storage = matches!(d, Device::Storage(_)).then(|| {
                storage_seen += 1;
                storage_seen - 1
            });
            DeviceSlot {
                bus,
                slot,
                count: 0,
                side: bus.map_or(1.0, |i| bus_side[i]),
                storage,
            }
        })
        .collect();
    for d in &mut devices {
        d.count = d.bus.map_or(1, |i| count[i]);
    }
    (devices, count)
}

/// A fraction of the median distance from a bus to its nearest neighbour: small enough that
/// neighbouring symbols do not overlap, whatever units and layout the diagram uses.
fn symbol_grid(bus_grid: &[Pos2]) -> f32 {
    let mut nearest = nearest_distances(bus_grid);
    if nearest.is_empty() {
        return FALLBACK_SYMBOL_GRID;
    }
    let middle = nearest.len() / 2;
    let (_, median, _) = nearest.select_nth_unstable_by(middle, f32::total_cmp);
    *median * SYMBOL_FRACTION
}

/// For each bus with another bus close by, the distance to the nearest one (buses at the same
/// spot ignored). Buses are binned in square cells about one average spacing wide and only
/// the 3×3 cells around each bus are searched: linear in the number of buses.
fn nearest_distances(bus_grid: &[Pos2]) -> Vec<f32> {
    let bounds = Rect::from_points(bus_grid);
    let n = bus_grid.len() as f32;
    let (long, short) = (bounds.size().max_elem(), bounds.size().min_elem());
    // One average spacing; a diagram on a line has no area, so at least its length over n.
    let cell = ((long * short) / n).sqrt().max(long / n);
    if !(cell > 0.0 && cell.is_finite()) {
        return Vec::new();
    }
    let cell_of = |p: Pos2| {
        let c = (p - bounds.min) / cell;
        (c.x as i64, c.y as i64)
    };
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, &p) in bus_grid.iter().enumerate() {
        cells.entry(cell_of(p)).or_default().push(i);
    }
    bus_grid
        .iter()
        .filter_map(|&p| {
            let (cx, cy) = cell_of(p);
            (cx - 1..=cx + 1)
                .flat_map(|x| (cy - 1..=cy + 1).map(move |y| (x, y)))
                .filter_map(|key| cells.get(&key))
                .flatten()
                .map(|&j| p.distance(bus_grid[j]))
                .filter(|&d| d > 0.0)
                .min_by(f32::total_cmp)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Branch, Bus, Load};

    fn bus(name: &str, x: f64, y: f64) -> Bus {
        let mut b = Bus::new(name, 20.0);
        b.position.x = x;
        b.position.y = y;
        b
    }

    fn load(name: &str, bus: &str) -> Device {
        Device::Load(Load {
            name: name.into(),
            bus: bus.into(),
            p_mw: 1.0,
            q_mvar: 0.0,
            in_service: true,
        })
    }

    #[test]
    fn devices_share_their_bus_on_the_free_side() {
        let mut net = Network::new("t", 100.0);
        net.buses = vec![bus("a", 0.0, 0.0), bus("b", 0.0, 100.0)];
        net.branches = vec![Branch::line("ab", "a", "b", 0.01, 0.1)];
        net.devices = vec![
            load("l1", "b"),
            load("l2", "b"),
            load("l3", "a"),
            load("x", "zz"),
        ];
        let g = Geometry::new(&net);
        assert_eq!(g.branch_ends, vec![Some((0, 1))]);
        assert_eq!(g.bus_device_count, vec![1, 2]);
        assert_eq!(
            (g.devices[0].slot, g.devices[1].slot, g.devices[1].count),
            (0, 1, 2)
        );
        // Bus a's branch leaves downwards, so its device goes above; b's goes below.
        assert_eq!(g.devices[2].side, -1.0);
        assert_eq!(g.devices[0].side, 1.0);
        assert_eq!(g.devices[3].bus, None);
        assert!((g.symbol_grid - 30.0).abs() < 1e-3);
        // A layered layout: rows 60 apart, columns 100 apart; the rows set the symbol size.
        let rows: Vec<Pos2> = (0..400)
            .map(|i| pos2((i / 20) as f32 * 100.0, (i % 20) as f32 * 60.0))
            .collect();
        assert!((symbol_grid(&rows) - 60.0 * SYMBOL_FRACTION).abs() < 1e-3);
        let mut g = g;
        assert!(!g.update(&net));
        net.buses[0].position.x = 5.0;
        assert!(!g.update(&net), "a move only moves");
        assert_eq!(g.bus_grid[0].x, 5.0);
        net.branches[0].to_bus = "a".into();
        assert!(g.update(&net), "re-wiring a branch rebuilds");
        assert_eq!(
            g.find(&ElementRef::Device("l2".into())),
            Some(super::super::Element::Device(1))
        );
    }
}
