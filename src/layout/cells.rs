//! Things in a drawing bucketed by the square cells they touch, so that what is near a place
//! is found without looking at everything: buses in the cell of their position, branches in
//! every cell of their bounding box.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub type Cell = (i64, i64);

/// Item numbers by cell, for cells `size` wide.
pub struct Cells {
    size: f64,
    items: HashMap<Cell, Vec<usize>, BuildHasherDefault<CellHasher>>,
}

impl Cells {
    pub fn new(size: f64) -> Self {
        Cells {
            size,
            items: HashMap::default(),
        }
    }

    pub fn cell(&self, p: [f64; 2]) -> Cell {
        (
            (p[0] / self.size).floor() as i64,
            (p[1] / self.size).floor() as i64,
        )
    }

    /// The cells of the box with corners `p` and `q` (any two opposite corners).
    pub fn cells_of_box(&self, p: [f64; 2], q: [f64; 2]) -> impl Iterator<Item = Cell> + use<> {
        let lo = self.cell([p[0].min(q[0]), p[1].min(q[1])]);
        let hi = self.cell([p[0].max(q[0]), p[1].max(q[1])]);
        (lo.0..=hi.0).flat_map(move |x| (lo.1..=hi.1).map(move |y| (x, y)))
    }

    /// The items in the cells of the box with corners `p` and `q`; an item in several of them
    /// comes once from each.
    pub fn near_box(&self, p: [f64; 2], q: [f64; 2]) -> impl Iterator<Item = usize> + '_ {
        self.cells_of_box(p, q)
            .filter_map(|c| self.items.get(&c))
            .flatten()
            .copied()
    }

    /// Files `item` in the cells of the box with corners `p` and `q`.
    pub fn insert_box(&mut self, item: usize, p: [f64; 2], q: [f64; 2]) {
        for c in self.cells_of_box(p, q) {
            self.items.entry(c).or_default().push(item);
        }
    }

    /// Takes `item` out of the cells of the box it was filed under.
    pub fn remove_box(&mut self, item: usize, p: [f64; 2], q: [f64; 2]) {
        for c in self.cells_of_box(p, q) {
            if let Some(list) = self.items.get_mut(&c) {
                list.retain(|&i| i != item);
            }
        }
    }
}

/// FxHash (rustc's): cells are small integer pairs, and the standard hasher, made to resist
/// hostile keys, would take most of a query's time.
#[derive(Default)]
pub struct CellHasher(u64);

impl Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, word: i64) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_filed_near_a_place_and_forgets_what_was_taken_out() {
        let mut cells = Cells::new(10.0);
        cells.insert_box(7, [-5.0, -5.0], [25.0, 3.0]);
        cells.insert_box(8, [100.0, 100.0], [100.0, 100.0]);
        let near: Vec<usize> = cells.near_box([21.0, 1.0], [21.0, 1.0]).collect();
        assert_eq!(near, vec![7]);
        assert_eq!(cells.near_box([-4.0, 0.0], [24.0, 0.0]).count(), 4);
        assert_eq!(cells.near_box([50.0, 50.0], [60.0, 60.0]).count(), 0);
        cells.remove_box(7, [-5.0, -5.0], [25.0, 3.0]);
        assert_eq!(cells.near_box([-100.0, -100.0], [200.0, 200.0]).count(), 1);
    }
}
