/// Disjoint sets of bus indices (union–find with path halving): which buses the in-service
/// branches join into one connected piece of network.
pub(crate) struct BusComponents {
    parent: Vec<usize>,
}

impl BusComponents {
    pub(crate) fn new(buses: usize) -> Self {
        BusComponents {
            parent: (0..buses).collect(),
        }
    }

    pub(crate) fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        self.parent[ra] = rb;
    }

    /// A representative bus of the component holding `bus`.
    pub(crate) fn root(&mut self, mut bus: usize) -> usize {
        while self.parent[bus] != bus {
            self.parent[bus] = self.parent[self.parent[bus]];
            bus = self.parent[bus];
        }
        bus
    }
}
