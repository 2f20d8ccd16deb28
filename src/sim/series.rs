//! Time series resolved for an episode: fixed arrays, built-in daily shapes with seeded noise,
//! and CSV columns.

use chacha20::ChaCha12Rng;
use rand::RngExt;

use crate::model::{DailyShape, Device, Network, RewardKind, Scenario, Series};

/// A series ready to be read at any time index.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// One value per time index of the cycle (fixed arrays and CSV columns).
    Values(Vec<f64>),
    /// A daily shape scaled to a peak, with multiplicative noise drawn at every read.
    Daily {
        shape: DailyShape,
        peak_mw: f64,
        noise: f64,
    },
}

impl Resolved {
    /// Resolves a series. CSV series must have been read in first (`io::read_series`): the
    /// environment reads no files.
    pub fn new(series: &Series) -> Result<Self, String> {
        Ok(match series {
            Series::Values(values) => Resolved::Values(values.clone()),
            Series::Daily {
                shape,
                peak_mw,
                noise_pct,
            } => Resolved::Daily {
                shape: *shape,
                peak_mw: *peak_mw,
                noise: noise_pct / 100.0,
            },
            Series::Csv { file, column } => {
                return Err(format!(
                    "the CSV series (column '{column}' of '{file}') was not read in before the run"
                ));
            }
        })
    }

    /// The value at `time_index` of a cycle of `steps_per_cycle` indices.
    pub fn at(&self, time_index: usize, steps_per_cycle: usize, rng: &mut ChaCha12Rng) -> f64 {
        match self {
            Resolved::Values(values) if values.is_empty() => 0.0,
            Resolved::Values(values) => values[time_index % values.len()],
            Resolved::Daily {
                shape,
                peak_mw,
                noise,
            } => {
                let hour = 24.0 * (time_index % steps_per_cycle.max(1)) as f64
                    / steps_per_cycle.max(1) as f64;
                let factor = if *noise > 0.0 {
                    1.0 + noise * rng.random_range(-1.0..=1.0)
                } else {
                    1.0
                };
                (peak_mw * daily_shape(*shape, hour) * factor).max(0.0)
            }
        }
    }
}

/// Normalised daily shapes (peak 1.0), by hour of day, linearly interpolated between the hourly
/// points below. Typical European profiles: residential evening peak, commercial office hours,
/// industrial shifts, EV charging after work, a clear-sky solar bell, and wind stronger at night.
fn daily_shape(shape: DailyShape, hour: f64) -> f64 {
    let points: &[f64; 24] = match shape {
        DailyShape::Residential => &[
            0.45, 0.40, 0.38, 0.37, 0.38, 0.45, 0.60, 0.75, 0.70, 0.62, 0.60, 0.62, 0.65, 0.62,
            0.60, 0.62, 0.70, 0.85, 1.00, 0.98, 0.90, 0.80, 0.65, 0.52,
        ],
        DailyShape::Commercial => &[
            0.30, 0.28, 0.28, 0.28, 0.30, 0.35, 0.50, 0.75, 0.92, 0.98, 1.00, 1.00, 0.97, 0.98,
            1.00, 0.97, 0.92, 0.80, 0.60, 0.45, 0.38, 0.35, 0.32, 0.30,
        ],
        DailyShape::Industrial => &[
            0.70, 0.68, 0.68, 0.68, 0.70, 0.75, 0.90, 0.98, 1.00, 1.00, 1.00, 0.98, 0.92, 0.98,
            1.00, 1.00, 0.98, 0.92, 0.85, 0.80, 0.76, 0.74, 0.72, 0.70,
        ],
        DailyShape::EvCharging => &[
            0.35, 0.25, 0.15, 0.10, 0.08, 0.08, 0.10, 0.15, 0.20, 0.20, 0.18, 0.18, 0.20, 0.20,
            0.22, 0.25, 0.35, 0.60, 0.85, 1.00, 0.95, 0.80, 0.65, 0.50,
        ],
        DailyShape::Solar => &[
            0.0, 0.0, 0.0, 0.0, 0.0, 0.02, 0.10, 0.25, 0.45, 0.65, 0.82, 0.95, 1.00, 0.95, 0.82,
            0.65, 0.45, 0.25, 0.10, 0.02, 0.0, 0.0, 0.0, 0.0,
        ],
        DailyShape::Wind => &[
            0.80, 0.82, 0.85, 0.88, 0.90, 0.88, 0.82, 0.75, 0.65, 0.58, 0.52, 0.50, 0.48, 0.50,
            0.52, 0.55, 0.60, 0.65, 0.70, 0.74, 0.76, 0.78, 0.79, 0.80,
        ],
    };
    let h = hour.rem_euclid(24.0);
    let i = h.floor() as usize % 24;
    let frac = h - h.floor();
    points[i] * (1.0 - frac) + points[(i + 1) % 24] * frac
}

/// How a profile drives its device.
#[derive(Debug, Clone)]
pub enum Driven {
    /// A load's consumption, with reactive power at a fixed ratio.
    Load { q_per_p: f64 },
    /// A renewable's available power.
    Available,
}

#[derive(Debug, Clone)]
pub struct DeviceProfile {
    pub device: usize,
    pub driven: Driven,
    pub series: Resolved,
}

/// A profile that cannot drive its device.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    #[error("profile for '{device}': {reason}")]
    Profile { device: String, reason: String },
    #[error("reward.energy_price: {0}")]
    Price(String),
}

/// The cost reward's energy price per time index, when it has one (read in first if from a
/// CSV file).
pub fn resolve_price(scenario: &Scenario) -> Result<Option<Vec<f64>>, ProfileError> {
    let RewardKind::Cost(cost) = &scenario.reward.kind else {
        return Ok(None);
    };
    match &cost.energy_price {
        None => Ok(None),
        Some(Series::Values(prices)) if !prices.is_empty() => Ok(Some(prices.clone())),
        Some(Series::Values(_)) => Err(ProfileError::Price("it has no values".into())),
        Some(Series::Daily { .. }) => Err(ProfileError::Price(
            "a price is a list of values or a CSV column, not a daily shape".into(),
        )),
        Some(csv) => Err(ProfileError::Price(
            Resolved::new(csv).err().unwrap_or_default(),
        )),
    }
}

/// Resolves the scenario's profiles against the network's devices.
pub fn resolve_profiles(
    net: &Network,
    scenario: &Scenario,
) -> Result<Vec<DeviceProfile>, ProfileError> {
    scenario
        .profiles
        .iter()
        .map(|p| {
            let err = |reason: String| ProfileError::Profile {
                device: p.device.clone(),
                reason,
            };
            let device = net
                .devices
                .iter()
                .position(|d| d.name() == p.device)
                .ok_or_else(|| err("no device has this name".into()))?;
            let driven = match &net.devices[device] {
                Device::Load(l) => Driven::Load {
                    q_per_p: p.q_per_p.unwrap_or(if l.p_mw != 0.0 {
                        l.q_mvar / l.p_mw
                    } else {
                        0.0
                    }),
                },
                Device::Renewable(_) => Driven::Available,
                other => {
                    let kind = crate::model::with_article(other.kind_name());
                    return Err(err(format!("{kind} has no time series")));
                }
            };
            let series = Resolved::new(&p.series).map_err(err)?;
            if let Resolved::Values(v) = &series
                && (v.is_empty() || v.iter().any(|x| !x.is_finite()))
            {
                return Err(err("the series must hold finite numbers".into()));
            }
            Ok(DeviceProfile {
                device,
                driven,
                series,
            })
        })
        .collect()
}
