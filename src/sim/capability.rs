//! Setpoints projected onto a device's feasible P–Q region, in closed form.
//!
//! The region is a convex polygon: the capability box, its corners cut above `p_plus_mw` (and
//! below `p_minus_mw`), and the active-power range left by the weather (renewables) or by the
//! state of charge (storage). A requested setpoint outside it is replaced by the nearest point
//! of the polygon, as gym-anm does: asking for reactive power can reduce active power.

use crate::model::Capability;

/// A half-plane `a·p + b·q ≤ c`.
#[derive(Debug, Clone, Copy)]
struct HalfPlane {
    a: f64,
    b: f64,
    c: f64,
}

impl HalfPlane {
    fn excess(&self, p: f64, q: f64) -> f64 {
        self.a * p + self.b * q - self.c
    }
}

/// The feasible region of a device at one moment.
#[derive(Debug, Clone)]
pub struct FeasibleRegion {
    /// Vertices in order around the polygon (possibly one or two when degenerate).
    vertices: Vec<(f64, f64)>,
    planes: Vec<HalfPlane>,
}

/// Tolerance for "inside the region", in MW/MVAr.
const INSIDE_TOL: f64 = 1e-12;

impl FeasibleRegion {
    /// The region of `cap` with active power further limited to `[p_low_mw, p_high_mw]`.
    pub fn new(cap: &Capability, p_low_mw: f64, p_high_mw: f64) -> Self {
        let p_lo = p_low_mw.max(cap.p_min_mw);
        let p_hi = p_high_mw.min(cap.p_max_mw).max(p_lo);
        let mut planes = vec![
            HalfPlane {
                a: -1.0,
                b: 0.0,
                c: -p_lo,
            },
            HalfPlane {
                a: 1.0,
                b: 0.0,
                c: p_hi,
            },
            HalfPlane {
                a: 0.0,
                b: -1.0,
                c: -cap.q_min_mvar,
            },
            HalfPlane {
                a: 0.0,
                b: 1.0,
                c: cap.q_max_mvar,
            },
        ];
        let corners = [
            (cap.p_plus_mw, cap.p_max_mw),
            (cap.p_minus_mw, cap.p_min_mw),
        ];
        for (corner, limit) in corners {
            if let Some(corner) = corner {
                planes.extend(corner_cuts(cap, corner, limit));
            }
        }
        let vertices = clip_box(&planes, p_lo, p_hi, cap.q_min_mvar, cap.q_max_mvar);
        FeasibleRegion { vertices, planes }
    }

    /// The nearest feasible point to `(p, q)` (itself when feasible).
    pub fn project(&self, p: f64, q: f64) -> (f64, f64) {
        if self.planes.iter().all(|h| h.excess(p, q) <= INSIDE_TOL) {
            return (p, q);
        }
        let n = self.vertices.len();
        let mut best = self.vertices.first().copied().unwrap_or((p, q));
        let mut best_d2 = f64::INFINITY;
        for i in 0..n {
            let candidate =
                nearest_on_segment(self.vertices[i], self.vertices[(i + 1) % n], (p, q));
            let d2 = (candidate.0 - p).powi(2) + (candidate.1 - q).powi(2);
            if d2 < best_d2 {
                best = candidate;
                best_d2 = d2;
            }
        }
        best
    }

    /// The active-power range of the region (its leftmost and rightmost points).
    pub fn p_range_mw(&self) -> (f64, f64) {
        self.vertices
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v.0), hi.max(v.0))
            })
    }
}

/// The two sloped edges that cut the corners between `corner` and the active-power `limit`:
/// the reactive range narrows linearly from the full box at `corner` to
/// `[q_minus_mvar, q_plus_mvar]` at `limit`.
fn corner_cuts(cap: &Capability, corner: f64, limit: f64) -> Vec<HalfPlane> {
    let span = limit - corner;
    if span == 0.0 {
        return Vec::new();
    }
    let mut cuts = Vec::new();
    // q ≤ q_max + (q_plus − q_max)/span · (p − corner)
    if let Some(q_plus) = cap.q_plus_mvar {
        let slope = (q_plus - cap.q_max_mvar) / span;
        cuts.push(HalfPlane {
            a: -slope,
            b: 1.0,
            c: cap.q_max_mvar - slope * corner,
        });
    }
    // q ≥ q_min + (q_minus − q_min)/span · (p − corner)
    if let Some(q_minus) = cap.q_minus_mvar {
        let slope = (q_minus - cap.q_min_mvar) / span;
        cuts.push(HalfPlane {
            a: slope,
            b: -1.0,
            c: slope * corner - cap.q_min_mvar,
        });
    }
    cuts
}

/// The polygon left of the box `[p_lo, p_hi] × [q_lo, q_hi]` after every half-plane
/// (Sutherland–Hodgman clipping).
fn clip_box(planes: &[HalfPlane], p_lo: f64, p_hi: f64, q_lo: f64, q_hi: f64) -> Vec<(f64, f64)> {
    let mut poly = vec![(p_lo, q_lo), (p_hi, q_lo), (p_hi, q_hi), (p_lo, q_hi)];
    for h in planes {
        let mut out = Vec::with_capacity(poly.len() + 1);
        for i in 0..poly.len() {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            let (ea, eb) = (h.excess(a.0, a.1), h.excess(b.0, b.1));
            if ea <= 0.0 {
                out.push(a);
            }
            if (ea < 0.0 && eb > 0.0) || (ea > 0.0 && eb < 0.0) {
                let t = ea / (ea - eb);
                out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            }
        }
        if out.is_empty() {
            // The cuts leave nothing: keep the point of the box nearest the half-plane so the
            // device still has a defined setpoint.
            let nearest = poly
                .iter()
                .copied()
                .min_by(|x, y| h.excess(x.0, x.1).total_cmp(&h.excess(y.0, y.1)));
            return nearest.into_iter().collect();
        }
        poly = out;
    }
    poly
}

fn nearest_on_segment(a: (f64, f64), b: (f64, f64), x: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a;
    }
    let t = (((x.0 - a.0) * dx + (x.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    (a.0 + t * dx, a.1 + t * dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ANM6-Easy's capability regions (MW, MVAr), from the benchmark definition.
    fn pv() -> Capability {
        Capability {
            p_min_mw: 0.0,
            p_max_mw: 30.0,
            q_min_mvar: -30.0,
            q_max_mvar: 30.0,
            p_plus_mw: Some(20.0),
            p_minus_mw: None,
            q_plus_mvar: Some(15.0),
            q_minus_mvar: Some(-15.0),
            min_power_factor: None,
        }
    }

    fn storage() -> Capability {
        Capability {
            p_min_mw: -50.0,
            p_max_mw: 50.0,
            q_min_mvar: -50.0,
            q_max_mvar: 50.0,
            p_plus_mw: Some(30.0),
            p_minus_mw: Some(-30.0),
            q_plus_mvar: Some(25.0),
            q_minus_mvar: Some(-25.0),
            min_power_factor: None,
        }
    }

    fn assert_near(got: (f64, f64), want: (f64, f64)) {
        assert!(
            (got.0 - want.0).abs() < 1e-4 && (got.1 - want.1).abs() < 1e-4,
            "got {got:?}, want {want:?}"
        );
    }

    #[test]
    fn pv_request_beyond_the_corner_is_projected_onto_the_cut() {
        let region = FeasibleRegion::new(&pv(), 0.0, 30.0);
        assert_near(region.project(30.0, 30.0), (23.0769, 25.3846));
    }

    #[test]
    fn wind_request_is_projected_onto_the_cut() {
        let wind = Capability {
            p_max_mw: 50.0,
            q_min_mvar: -50.0,
            q_max_mvar: 50.0,
            p_plus_mw: Some(35.0),
            q_plus_mvar: Some(20.0),
            q_minus_mvar: Some(-20.0),
            ..pv()
        };
        let region = FeasibleRegion::new(&wind, 0.0, 50.0);
        assert_near(region.project(50.0, 50.0), (38.0, 44.0));
    }

    #[test]
    fn storage_request_is_projected_onto_the_cut() {
        let region = FeasibleRegion::new(&storage(), -50.0, 50.0);
        assert_near(region.project(50.0, 50.0), (37.8049, 40.2439));
    }

    #[test]
    fn feasible_setpoints_are_kept() {
        let region = FeasibleRegion::new(&storage(), -50.0, 50.0);
        assert_eq!(region.project(-12.5, 7.25), (-12.5, 7.25));
    }

    #[test]
    fn an_energy_limit_narrows_the_active_power_range() {
        // Nearly full (99 of 100 MWh, 15 min steps, η = 0.9): charging limited to 4.44 MW.
        let region = FeasibleRegion::new(&storage(), (99.0 - 100.0) / (0.25 * 0.9), 50.0);
        assert_near(region.project(-30.0, 0.0), (-4.4444, 0.0));
        assert_near(region.p_range_mw(), (-4.4444, 50.0));
    }

    #[test]
    fn no_availability_leaves_only_reactive_power() {
        let region = FeasibleRegion::new(&pv(), 0.0, 0.0);
        assert_near(region.project(10.0, 40.0), (0.0, 30.0));
    }
}
