//! What the view's colours mean and what a picture shows: the colour legend in the corner of
//! the network view, and the caption exported pictures carry (network, time, step, agent).

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Ui, vec2};

use super::canvas::style::{IDLE_GREY, loading_color, voltage_color, zone_color};
use super::session::Session;
use crate::model::Network;

/// The colour bars' size in points.
const BAR: egui::Vec2 = vec2(170.0, 10.0);
/// Loadings the loading bar spans (1.0 = 100 %): room on the right for the red of overloads.
const LOADING_SPAN: f64 = 1.25;
/// Colour samples along a bar: the ramps are piecewise linear in three pieces, so this is smooth.
const SAMPLES: usize = 48;

/// The colour legend over the bottom-left corner of `view`, with the zones' colours when
/// `zones`.
pub fn colour_legend_ui(ui: &mut Ui, view: Rect, net: &Network, zones: bool) {
    let limits = voltage_limits(net);
    let names = if zones { net.zones() } else { Vec::new() };
    let size = vec2(BAR.x + 24.0, 118.0 + 16.0 * names.len() as f32);
    let rect = Rect::from_min_size(view.left_bottom() + vec2(10.0, -size.y - 10.0), size);
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            ui.label(egui::RichText::new("Bus voltage (p.u.)").small().strong());
            voltage_bar_ui(ui, limits);
            ui.label(egui::RichText::new("Branch loading (%)").small().strong());
            loading_bar_ui(ui);
            let grey = egui::RichText::new("Grey: no voltage, or no rating").small();
            ui.label(grey.color(IDLE_GREY));
            for (k, zone) in names.iter().enumerate() {
                ui.horizontal(|ui| {
                    let (swatch, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                    ui.painter()
                        .circle_filled(swatch.center(), 5.0, zone_color(k));
                    ui.label(egui::RichText::new(format!("zone {zone}")).small());
                });
            }
        });
    });
}

/// The buses' voltage limits when all buses share them, else `None` (the bar then names the
/// limits instead of giving numbers).
fn voltage_limits(net: &Network) -> Option<(f64, f64)> {
    let first = net.buses.first().map(|b| (b.vmin_pu, b.vmax_pu))?;
    net.buses
        .iter()
        .all(|b| (b.vmin_pu, b.vmax_pu) == first)
        .then_some(first)
}

fn voltage_bar_ui(ui: &mut Ui, limits: Option<(f64, f64)>) {
    // Each bus is coloured against its own limits; with mixed limits a typical ±5 % band shows
    // the ramp and the ends are named rather than numbered.
    let (vmin_pu, vmax_pu) = limits.unwrap_or((0.95, 1.05));
    let colour = |t: f64| {
        let vm_pu = vmin_pu + t * (vmax_pu - vmin_pu);
        voltage_color(vm_pu, vmin_pu, vmax_pu)
    };
    let nominal_t = (1.0 - vmin_pu) / (vmax_pu - vmin_pu);
    let ticks: Vec<(f64, String)> = match limits {
        Some(_) => vec![
            (0.0, format!("{vmin_pu:.2}")),
            (nominal_t, "1.00".into()),
            (1.0, format!("{vmax_pu:.2}")),
        ],
        None => vec![
            (0.0, "low limit".into()),
            (nominal_t, "1.00".into()),
            (1.0, "high limit".into()),
        ],
    };
    bar_ui(ui, colour, &ticks);
}

fn loading_bar_ui(ui: &mut Ui) {
    let colour = |t: f64| loading_color(Some((t * LOADING_SPAN).max(0.01)));
    let ticks = [(0.0, "0"), (0.8, "80"), (1.0, "100")]
        .map(|(loading, text)| (loading / LOADING_SPAN, text.to_string()));
    bar_ui(ui, colour, &ticks);
}

/// A horizontal colour bar with `colour(t)` for t in 0..1, and tick labels under it.
fn bar_ui(ui: &mut Ui, colour: impl Fn(f64) -> Color32, ticks: &[(f64, String)]) {
    let font = FontId::proportional(10.0);
    let (rect, _) = ui.allocate_exact_size(vec2(BAR.x, BAR.y + 13.0), Sense::hover());
    let bar = Rect::from_min_size(rect.min, BAR);
    let painter = ui.painter();
    let mut mesh = egui::Mesh::default();
    for i in 0..=SAMPLES {
        let t = i as f64 / SAMPLES as f64;
        let x = bar.left() + t as f32 * bar.width();
        let c = colour(t);
        mesh.colored_vertex(Pos2::new(x, bar.top()), c);
        mesh.colored_vertex(Pos2::new(x, bar.bottom()), c);
        if i > 0 {
            let k = 2 * i as u32;
            mesh.add_triangle(k - 2, k - 1, k);
            mesh.add_triangle(k - 1, k, k + 1);
        }
    }
    painter.add(Shape::mesh(mesh));
    let text = ui.visuals().text_color();
    for (t, label) in ticks {
        let x = bar.left() + *t as f32 * bar.width();
        let anchor = if *t <= 0.0 {
            Align2::LEFT_TOP
        } else if *t >= 1.0 {
            Align2::RIGHT_TOP
        } else {
            Align2::CENTER_TOP
        };
        painter.vline(x, bar.y_range(), egui::Stroke::new(1.0, text));
        painter.text(
            Pos2::new(x, bar.bottom() + 1.0),
            anchor,
            label,
            font.clone(),
            text,
        );
    }
}

/// A picture's caption: the network, the time and step on screen, and who operates it.
pub fn caption(net: &Network, session: &Session) -> String {
    let state = session.current();
    format!(
        "{}  |  {}  |  step {} of {}  |  {}",
        net.name,
        session.clock_label(),
        state.step,
        session.episode_steps,
        session.agent_on_screen()
    )
}

/// The caption across the top of `view`, for the frame a picture is taken of.
pub fn caption_ui(ui: &mut Ui, view: Rect, text: &str) {
    let rect = Rect::from_min_size(view.min + vec2(10.0, 10.0), vec2(view.width() - 20.0, 0.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            ui.label(egui::RichText::new(text).strong());
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_numbers_only_when_every_bus_shares_them() {
        let mut net = Network::new("legend", 100.0);
        assert_eq!(voltage_limits(&net), None);
        for name in ["a", "b"] {
            let mut bus = crate::model::Bus::new(name, 20.0);
            (bus.vmin_pu, bus.vmax_pu) = (0.94, 1.06);
            net.buses.push(bus);
        }
        assert_eq!(voltage_limits(&net), Some((0.94, 1.06)));
        net.buses[1].vmax_pu = 1.1;
        assert_eq!(voltage_limits(&net), None);
    }
}
