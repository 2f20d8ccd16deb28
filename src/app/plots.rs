//! Time series that follow the episode: voltages against their band, loadings against 100 %,
//! reward; the selected element's own series; the current step marked; a click seeks.

use egui_plot::{HLine, Legend, Line, Plot, PlotPoints, VLine};

use super::session::Session;
use crate::model::{Device, ElementRef};
use crate::sim::episode::StepRecord;

/// Which chart the plots tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chart {
    #[default]
    Voltages,
    Loadings,
    Reward,
    Selected,
}

/// Draws the plots tab; returns a step to seek to when the user clicks a chart.
pub fn plots_ui(
    ui: &mut egui::Ui,
    chart: &mut Chart,
    session: &Session,
    selected: Option<&ElementRef>,
) -> Option<usize> {
    ui.horizontal(|ui| {
        ui.selectable_value(chart, Chart::Voltages, "Voltages");
        ui.selectable_value(chart, Chart::Loadings, "Loadings");
        ui.selectable_value(chart, Chart::Reward, "Reward");
        ui.selectable_value(chart, Chart::Selected, "Selected element");
    });
    // Long episodes are thinned to about one point per pixel.
    let stride = (session.episode.steps.len() / ui.available_width().max(100.0) as usize).max(1);
    let series = match chart {
        Chart::Voltages => voltage_series(session, stride),
        Chart::Loadings => loading_series(session, stride),
        Chart::Reward => reward_series(session, stride),
        Chart::Selected => selected_series(session, selected, stride),
    };
    let band = match chart {
        Chart::Voltages => bus_band(session),
        Chart::Loadings => vec![100.0],
        _ => Vec::new(),
    };
    let cursor = session.current().step as f64;
    let mut clicked_at = None;
    Plot::new(("plot", *chart as u8))
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label("step")
        .show(ui, |plot| {
            for (name, points) in series {
                plot.line(Line::new(name, PlotPoints::from(points)));
            }
            for y in band {
                plot.hline(HLine::new("limit", y).color(egui::Color32::from_rgb(220, 80, 60)));
            }
            plot.vline(VLine::new("now", cursor).color(egui::Color32::GRAY));
            if plot.response().clicked() {
                clicked_at = plot
                    .pointer_coordinate()
                    .map(|p| p.x.round().max(0.0) as usize);
            }
        });
    clicked_at
}

type Series = Vec<(String, Vec<[f64; 2]>)>;

/// One series per element, read from every `stride`-th step.
fn per_element(
    session: &Session,
    stride: usize,
    names: impl Iterator<Item = String>,
    value: impl Fn(&StepRecord, usize) -> f64,
) -> Series {
    names
        .enumerate()
        .map(|(i, name)| {
            let points = session
                .episode
                .steps
                .iter()
                .step_by(stride)
                .map(|s| [s.step as f64, value(s, i)])
                .collect();
            (name, points)
        })
        .collect()
}

fn voltage_series(session: &Session, stride: usize) -> Series {
    let names = session.network().buses.iter().map(|b| b.name.clone());
    per_element(session, stride, names, |s, i| s.bus_vm_pu[i])
}

/// The distinct voltage limits of the buses (most networks have one band).
fn bus_band(session: &Session) -> Vec<f64> {
    let mut limits: Vec<f64> = session
        .network()
        .buses
        .iter()
        .flat_map(|b| [b.vmin_pu, b.vmax_pu])
        .collect();
    limits.sort_by(f64::total_cmp);
    limits.dedup();
    limits.truncate(4);
    limits
}

fn loading_series(session: &Session, stride: usize) -> Series {
    let net = session.network();
    let rated: Vec<(usize, f64)> = net
        .branches
        .iter()
        .enumerate()
        .filter_map(|(k, b)| b.rating_mva.map(|r| (k, r)))
        .collect();
    let names = rated.iter().map(|&(k, _)| net.branches[k].name.clone());
    per_element(session, stride, names, |s, i| {
        let (k, rating) = rated[i];
        100.0 * s.branch_s_mva[k].abs() / rating
    })
}

fn reward_series(session: &Session, stride: usize) -> Series {
    let mut total = 0.0;
    let cumulative: Vec<f64> = session
        .episode
        .steps
        .iter()
        .map(|s| {
            total += s.reward;
            total
        })
        .collect();
    let names = ["reward", "energy term", "penalty term", "cumulative"].map(String::from);
    per_element(session, stride, names.into_iter(), |s, i| match i {
        0 => s.reward,
        1 => -s.reward_terms.energy_term,
        2 => -s.reward_terms.penalty_term,
        _ => cumulative[s.step],
    })
}

fn selected_series(session: &Session, selected: Option<&ElementRef>, stride: usize) -> Series {
    let net = session.network();
    let Some(element) = selected else {
        return Vec::new();
    };
    let Some(index) = net.position_of(element) else {
        return Vec::new();
    };
    match element {
        ElementRef::Bus(_) => {
            let i = index;
            let name = format!("{} |V| (p.u.)", net.buses[i].name);
            per_element(session, stride, std::iter::once(name), |s, _| {
                s.bus_vm_pu[i]
            })
        }
        ElementRef::Branch(_) => {
            let k = index;
            let name = format!("{} S (MVA)", net.branches[k].name);
            per_element(session, stride, std::iter::once(name), |s, _| {
                s.branch_s_mva[k]
            })
        }
        ElementRef::Device(_) => {
            let k = index;
            let dev = &net.devices[k];
            let mut names = vec![
                format!("{} P (MW)", dev.name()),
                format!("{} Q (MVAr)", dev.name()),
            ];
            let storage = net.devices[..k]
                .iter()
                .filter(|d| matches!(d, Device::Storage(_)))
                .count();
            if matches!(dev, Device::Storage(_)) {
                names.push(format!("{} SoC (MWh)", dev.name()));
            }
            per_element(session, stride, names.into_iter(), |s, i| match i {
                0 => s.device_p_mw[k],
                1 => s.device_q_mvar[k],
                _ => s.soc_mwh[storage],
            })
        }
    }
}
