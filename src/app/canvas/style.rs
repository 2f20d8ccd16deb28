//! Colours and widths: what a bus voltage or a branch loading looks like.
//!
//! Pure functions of engineering values, so they are unit-tested without a window.

use egui::Color32;

/// Buses with no voltage (cut off from every source), and branches carrying nothing.
pub const IDLE_GREY: Color32 = Color32::from_rgb(140, 140, 140);
/// Open switches and tripped lines.
pub const OUT_OF_SERVICE_GREY: Color32 = Color32::from_rgb(150, 150, 150);
const LOADING_GREEN: Color32 = Color32::from_rgb(40, 170, 80);
const LOADING_ORANGE: Color32 = Color32::from_rgb(245, 150, 30);
const LOADING_RED: Color32 = Color32::from_rgb(225, 35, 35);
/// Active power a device injects (generation, storage discharging).
pub const INJECTION_FILL: Color32 = Color32::from_rgb(40, 160, 150);
/// Active power a device draws (loads, storage charging).
pub const CONSUMPTION_FILL: Color32 = Color32::from_rgb(220, 140, 40);
/// Renewable power left unused (capability above the actual output).
pub const CURTAILED_HATCH: Color32 = Color32::from_rgb(230, 170, 0);
/// Sun, blades, battery charge: the parts of a glyph that say what the device is.
pub const SOLAR_YELLOW: Color32 = Color32::from_rgb(240, 180, 0);

/// Loading (|S| / rating) from which a branch turns from green towards orange.
const LOADING_WARN: f64 = 0.8;
/// Below this fraction of its reference a branch counts as idle.
const IDLE_FRACTION: f64 = 1e-3;
/// A bus below this magnitude is de-energised (a solved bus is never near 0).
const DEAD_BUS_PU: f64 = 1e-3;
/// Bus colours from the nominal voltage (first) to a limit (last): green, then cyan and blue
/// going down, yellow and red going up.
const TOWARDS_LOW: [Color32; 3] = [
    Color32::from_rgb(40, 170, 80),
    Color32::from_rgb(30, 170, 200),
    Color32::from_rgb(40, 80, 230),
];
const TOWARDS_HIGH: [Color32; 3] = [
    Color32::from_rgb(40, 170, 80),
    Color32::from_rgb(220, 190, 30),
    Color32::from_rgb(225, 35, 35),
];

/// Zone colours, in the order the network names its zones (Okabe and Ito's palette, which
/// colour-blind eyes tell apart); past eight they repeat.
const ZONE_COLORS: [Color32; 8] = [
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(240, 228, 66),
    Color32::from_rgb(120, 120, 120),
];

/// The colour of the network's `k`-th zone.
pub fn zone_color(k: usize) -> Color32 {
    ZONE_COLORS[k % ZONE_COLORS.len()]
}

/// The colour of a bus at `vm_pu` with limits `[vmin_pu, vmax_pu]`: blue at (and below) the low
/// limit, green at 1.0 p.u., red at (and above) the high limit; grey when de-energised.
/// (Interpolated between fixed colours: this runs for every bus in every frame.)
pub fn voltage_color(vm_pu: f64, vmin_pu: f64, vmax_pu: f64) -> Color32 {
    if !vm_pu.is_finite() || vm_pu < DEAD_BUS_PU {
        return IDLE_GREY;
    }
    // How far towards a limit, 0 at 1.0 p.u. and 1 at the limit; a limit at (or beyond) 1.0
    // makes any step past 1.0 a full step.
    let towards = |limit: f64| {
        let span = (limit - 1.0).abs();
        if span < 1e-9 {
            1.0
        } else {
            ((vm_pu - 1.0).abs() / span).min(1.0) as f32
        }
    };
    if vm_pu < 1.0 {
        ramp(&TOWARDS_LOW, towards(vmin_pu))
    } else if vm_pu > 1.0 {
        ramp(&TOWARDS_HIGH, towards(vmax_pu))
    } else {
        TOWARDS_LOW[0]
    }
}

/// The colour at `t` (0..1) along three evenly spaced stops.
fn ramp(stops: &[Color32; 3], t: f32) -> Color32 {
    if t <= 0.5 {
        stops[0].lerp_to_gamma(stops[1], 2.0 * t)
    } else {
        stops[1].lerp_to_gamma(stops[2], 2.0 * t - 1.0)
    }
}

/// Whether a bus voltage is outside its limits, with the tolerance the safety checks use.
pub fn voltage_violated(vm_pu: f64, vmin_pu: f64, vmax_pu: f64) -> bool {
    vm_pu >= DEAD_BUS_PU && (vm_pu > vmax_pu + 1e-9 || vm_pu < vmin_pu - 1e-9)
}

/// The colour of a branch from its loading (|S| / rating, 1.0 = 100 %): grey when idle or
/// unrated, green below 80 %, turning orange towards 100 %, red above.
pub fn loading_color(loading: Option<f64>) -> Color32 {
    match loading {
        None => IDLE_GREY,
        Some(l) if !l.is_finite() || l < IDLE_FRACTION => IDLE_GREY,
        Some(l) if l <= LOADING_WARN => LOADING_GREEN,
        Some(l) if l <= 1.0 => {
            let t = ((l - LOADING_WARN) / (1.0 - LOADING_WARN)) as f32;
            LOADING_GREEN.lerp_to_gamma(LOADING_ORANGE, t)
        }
        Some(_) => LOADING_RED,
    }
}

/// Loading of a branch carrying `s_mva` (signed or not) with an optional rating.
pub fn loading(s_mva: f64, rating_mva: Option<f64>) -> Option<f64> {
    rating_mva.filter(|r| *r > 0.0).map(|r| s_mva.abs() / r)
}

/// Line width in screen points for a branch carrying `s_mva` when the largest flow drawn is
/// `s_max_mva`: the square root keeps small flows visible next to big ones.
pub fn branch_width_px(s_mva: f64, s_max_mva: f64, thin_px: f32, thick_px: f32) -> f32 {
    if s_max_mva <= 0.0 || !s_mva.is_finite() {
        return thin_px;
    }
    let t = (s_mva.abs() / s_max_mva).clamp(0.0, 1.0).sqrt() as f32;
    thin_px + (thick_px - thin_px) * t
}

/// Theme colours and fonts the view takes from egui's style, so it follows light and dark mode
/// and the presentation mode's larger text.
#[derive(Debug, Clone)]
pub struct Palette {
    pub text: Color32,
    pub weak_text: Color32,
    /// Behind labels and inside symbols that must hide the line under them.
    pub background: Color32,
    pub selection: Color32,
    /// Flow markers: they must stand out on every loading colour.
    pub marker: Color32,
    /// Names.
    pub name_font: egui::FontId,
    /// Values.
    pub value_font: egui::FontId,
}

impl Palette {
    pub fn from_style(style: &egui::Style) -> Self {
        let visuals = &style.visuals;
        Palette {
            text: visuals.strong_text_color(),
            weak_text: visuals.text_color(),
            background: visuals.extreme_bg_color,
            selection: visuals.selection.bg_fill,
            marker: if visuals.dark_mode {
                Color32::from_gray(245)
            } else {
                Color32::from_gray(25)
            },
            name_font: egui::TextStyle::Body.resolve(style),
            value_font: egui::TextStyle::Small.resolve(style),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(c: Color32) -> (i32, i32, i32) {
        (i32::from(c.r()), i32::from(c.g()), i32::from(c.b()))
    }

    #[test]
    fn low_voltage_is_blue_high_is_red_nominal_is_green() {
        let (r, g, b) = rgb(voltage_color(0.85, 0.9, 1.1));
        assert!(b > r + 80 && b > g + 80, "below vmin: {r} {g} {b}");
        let (r, g, b) = rgb(voltage_color(1.15, 0.9, 1.1));
        assert!(r > g + 80 && r > b + 80, "above vmax: {r} {g} {b}");
        let (r, g, b) = rgb(voltage_color(1.0, 0.9, 1.1));
        assert!(g > r + 80 && g > b + 80, "nominal: {r} {g} {b}");
        assert_eq!(voltage_color(0.0, 0.9, 1.1), IDLE_GREY);
    }

    #[test]
    fn limits_at_nominal_do_not_divide_by_zero() {
        let (r, _, b) = rgb(voltage_color(1.01, 1.0, 1.0));
        assert!(r > b, "just above a 1.0 limit is red");
        assert!(voltage_violated(1.01, 1.0, 1.0));
        assert!(!voltage_violated(1.0, 1.0, 1.0));
        assert!(
            !voltage_violated(0.0, 0.9, 1.1),
            "a dead bus is not a voltage violation"
        );
    }

    #[test]
    fn overload_is_red_warning_is_orange_light_is_green() {
        assert_eq!(loading_color(Some(1.2)), LOADING_RED);
        assert_eq!(loading_color(Some(0.5)), LOADING_GREEN);
        let (r, g, _) = rgb(loading_color(Some(0.97)));
        assert!(r > g, "97 % is orange");
        assert_eq!(loading_color(None), IDLE_GREY);
        assert_eq!(loading_color(Some(0.0)), IDLE_GREY);
        assert_eq!(loading(-30.0, Some(20.0)), Some(1.5));
        assert_eq!(loading(5.0, None), None);
    }

    #[test]
    fn width_grows_with_flow() {
        let thin = branch_width_px(0.0, 100.0, 1.0, 6.0);
        let mid = branch_width_px(25.0, 100.0, 1.0, 6.0);
        let full = branch_width_px(-100.0, 100.0, 1.0, 6.0);
        assert!(thin < mid && mid < full);
        assert_eq!(full, 6.0);
        assert_eq!(branch_width_px(5.0, 0.0, 1.0, 6.0), 1.0);
    }
}
