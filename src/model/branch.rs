use serde::{Deserialize, Serialize};

/// A line or transformer between two buses, in MATPOWER's π model: series impedance `r + jx`,
/// total shunt susceptance `b` split between the ends, and for transformers an off-nominal ratio
/// and phase shift on the from side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub name: String,
    pub from_bus: String,
    pub to_bus: String,
    pub r_pu: f64,
    pub x_pu: f64,
    /// Total line-charging susceptance.
    #[serde(default)]
    pub b_pu: f64,
    /// Thermal rating; `None` means unlimited.
    #[serde(default)]
    pub rating_mva: Option<f64>,
    #[serde(default = "default_true")]
    pub in_service: bool,
    /// Whether an operator (or agent) may open and close it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub switchable: bool,
    #[serde(default)]
    pub kind: BranchKind,
}

fn default_true() -> bool {
    true
}

/// Whether a branch is a plain line or a transformer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum BranchKind {
    #[default]
    Line,
    Transformer {
        /// Off-nominal turns ratio (from side) at tap position 0.
        tap_ratio: f64,
        /// Phase shift angle (from side leads).
        #[serde(default)]
        shift_deg: f64,
        #[serde(default)]
        tap_changer: Option<TapChanger>,
    },
}

/// An on-load tap changer: each step moves the ratio by `step_pct` percent of nominal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TapChanger {
    pub min_position: i32,
    pub max_position: i32,
    pub step_pct: f64,
    pub position: i32,
}

impl Branch {
    /// A line with no charging, no rating, in service.
    pub fn line(
        name: impl Into<String>,
        from_bus: impl Into<String>,
        to_bus: impl Into<String>,
        r_pu: f64,
        x_pu: f64,
    ) -> Self {
        Branch {
            name: name.into(),
            from_bus: from_bus.into(),
            to_bus: to_bus.into(),
            r_pu,
            x_pu,
            b_pu: 0.0,
            rating_mva: None,
            in_service: true,
            switchable: false,
            kind: BranchKind::Line,
        }
    }

    /// The effective off-nominal ratio, tap changer position included (1 for lines).
    pub fn tap_ratio(&self) -> f64 {
        match &self.kind {
            BranchKind::Line => 1.0,
            BranchKind::Transformer {
                tap_ratio,
                tap_changer,
                ..
            } => {
                let step = tap_changer
                    .as_ref()
                    .map_or(0.0, |t| f64::from(t.position) * t.step_pct / 100.0);
                tap_ratio + step
            }
        }
    }

    /// The phase shift in degrees (0 for lines).
    pub fn shift_deg(&self) -> f64 {
        match &self.kind {
            BranchKind::Line => 0.0,
            BranchKind::Transformer { shift_deg, .. } => *shift_deg,
        }
    }

    pub fn is_transformer(&self) -> bool {
        matches!(self.kind, BranchKind::Transformer { .. })
    }
}
