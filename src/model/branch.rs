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

/// An on-load tap changer. On the from side (MATPOWER's, and pandapower's high-voltage side)
/// each step adds `step_pct` percent of nominal to the from side's ratio. On the to side
/// (pandapower's low-voltage side) each step adds `step_pct` percent to the to side's winding:
/// an ideal transformer of ratio 1 + position·step_pct/100 at the to end, in series with the
/// branch as it is at position 0, so the ratio seen from the from side is divided by that
/// factor and the series impedance, referred to the tapped winding, grows with its square.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TapChanger {
    pub min_position: i32,
    pub max_position: i32,
    pub step_pct: f64,
    pub position: i32,
    #[serde(default, skip_serializing_if = "TapSide::is_from")]
    pub side: TapSide,
}

/// Which winding a tap changer is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TapSide {
    #[default]
    From,
    To,
}

impl TapSide {
    fn is_from(&self) -> bool {
        *self == TapSide::From
    }
}

impl TapChanger {
    /// The to-side winding's factor at `position` (1 for a from-side changer).
    fn to_side_factor(&self, position: i32) -> f64 {
        match self.side {
            TapSide::From => 1.0,
            TapSide::To => 1.0 + f64::from(position) * self.step_pct / 100.0,
        }
    }

    /// The from side's off-nominal ratio at `position`, for a transformer whose ratio at
    /// position 0 is `tap_ratio`.
    pub fn ratio_at(&self, tap_ratio: f64, position: i32) -> f64 {
        match self.side {
            TapSide::From => tap_ratio + f64::from(position) * self.step_pct / 100.0,
            TapSide::To => tap_ratio / self.to_side_factor(position),
        }
    }
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
            } => tap_changer
                .as_ref()
                .map_or(*tap_ratio, |t| t.ratio_at(*tap_ratio, t.position)),
        }
    }

    /// What the series impedance `r + jx` is multiplied by (and the charging `b` divided by)
    /// with the tap changer where it is: the square of a to-side changer's winding factor, 1
    /// otherwise.
    pub fn impedance_scale(&self) -> f64 {
        match &self.kind {
            BranchKind::Transformer {
                tap_changer: Some(t),
                ..
            } => t.to_side_factor(t.position).powi(2),
            _ => 1.0,
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
