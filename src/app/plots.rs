//! Time series that follow the episode: voltages against their band, loadings against 100 %,
//! reward; the selected element's own series; the current step marked; a click seeks.

use std::collections::HashSet;

use egui_plot::{HLine, Line, Plot, PlotPoints, VLine};

use super::history::{Spread, Summary};
use super::session::Session;
use crate::model::{Device, ElementRef, natural_cmp};

/// Which chart the plots tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Chart {
    #[default]
    Voltages,
    Loadings,
    Reward,
    Selected,
}

/// The plots tab's own state: the chart shown and the series the user hid.
#[derive(Debug, Default)]
pub struct PlotsPanel {
    pub chart: Chart,
    hidden: HashSet<String>,
}

/// Width of the legend beside the chart.
const LEGEND_WIDTH: f32 = 190.0;

impl PlotsPanel {
    /// Whether the user hid this series (by its name in the legend).
    pub fn is_hidden(&self, series: &str) -> bool {
        self.hidden.contains(series)
    }

    /// Draws the tab; returns a step to seek to when the user clicks the chart.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        selected: Option<&ElementRef>,
    ) -> Option<usize> {
        let chart = &mut self.chart;
        ui.horizontal(|ui| {
            ui.selectable_value(chart, Chart::Voltages, "Voltages");
            ui.selectable_value(chart, Chart::Loadings, "Loadings");
            ui.selectable_value(chart, Chart::Reward, "Reward");
            ui.selectable_value(chart, Chart::Selected, "Selected element");
        });
        let chart = *chart;
        if chart == Chart::Selected && selected.is_none() {
            ui.label("Select a bus, branch or device in the view (or the Table) to plot its values here.");
            return None;
        }
        // Long episodes are thinned to about one point per pixel.
        let points = (ui.available_width() - LEGEND_WIDTH).max(100.0) as usize;
        let series = match chart {
            Chart::Voltages => voltage_series(session, selected, points),
            Chart::Loadings => loading_series(session, selected, points),
            Chart::Reward => reward_series(session, points),
            Chart::Selected => selected_series(session, selected, points),
        };
        let size = ui.available_size();
        let mut clicked_at = None;
        ui.horizontal_top(|ui| {
            let plot_size = egui::vec2((size.x - LEGEND_WIDTH).max(100.0), size.y);
            ui.allocate_ui(plot_size, |ui| {
                clicked_at = self.plot_ui(ui, chart, session, &series);
            });
            ui.vertical(|ui| self.legend_ui(ui, &series));
        });
        clicked_at
    }

    fn plot_ui(
        &self,
        ui: &mut egui::Ui,
        chart: Chart,
        session: &Session,
        series: &Series,
    ) -> Option<usize> {
        let band = match chart {
            Chart::Voltages => bus_band(session),
            Chart::Loadings => vec![100.0],
            _ => Vec::new(),
        };
        let cursor = session.current().step as f64;
        // The axis spans the whole episode from the start, so a lecture sees where it is.
        let last = session.episode_steps.max(session.history.len() - 1).max(1);
        let mut clicked_at = None;
        Plot::new(("plot", chart as u8))
            .allow_scroll(false)
            .x_axis_label("step")
            .include_x(0.0)
            .include_x(last as f64)
            .show(ui, |plot| {
                for (i, (name, points)) in series.iter().enumerate() {
                    if !self.hidden.contains(name) {
                        let line = Line::new(name.as_str(), PlotPoints::from(points.clone()));
                        plot.line(line.color(series_colour(i)));
                    }
                }
                for y in band {
                    plot.hline(HLine::new("limit", y).color(LIMIT_RED));
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

    /// The series' names and colours beside the chart, never over its data; a click hides or
    /// shows one.
    fn legend_ui(&mut self, ui: &mut egui::Ui, series: &Series) {
        ui.set_width(LEGEND_WIDTH - 10.0);
        egui::ScrollArea::vertical()
            .id_salt("legend")
            .show(ui, |ui| {
                for (i, (name, _)) in series.iter().enumerate() {
                    let shown = !self.hidden.contains(name);
                    let colour = if shown {
                        series_colour(i)
                    } else {
                        ui.visuals().weak_text_color()
                    };
                    let response = ui
                        .horizontal(|ui| {
                            let (swatch, _) = ui
                                .allocate_exact_size(egui::vec2(16.0, 10.0), egui::Sense::hover());
                            let y = swatch.center().y;
                            let stroke = egui::Stroke::new(2.5, colour);
                            ui.painter().hline(swatch.x_range(), y, stroke);
                            let text = egui::RichText::new(name).color(colour);
                            ui.add(egui::Label::new(text).sense(egui::Sense::click()))
                        })
                        .inner
                        .on_hover_text(if shown {
                            "Click to hide"
                        } else {
                            "Click to show"
                        });
                    if response.clicked() && !self.hidden.remove(name) {
                        self.hidden.insert(name.clone());
                    }
                }
            });
    }
}

const LIMIT_RED: egui::Color32 = egui::Color32::from_rgb(220, 80, 60);

/// Distinct colours in turn, the golden ratio apart in hue.
fn series_colour(i: usize) -> egui::Color32 {
    let hue = (i as f32 * 0.618_034).fract();
    egui::epaint::Hsva::new(hue, 0.75, 0.85, 1.0).into()
}

type Series = Vec<(String, Vec<[f64; 2]>)>;

/// Above this many elements a chart shows their spread (and the selected element) rather than
/// one line each.
const LINES_AT_MOST: usize = 40;

/// One series per column of the plot samples, about `points` points each.
fn sampled(
    session: &Session,
    points: usize,
    columns: Vec<(String, usize)>,
    scale: &[f64],
) -> Series {
    let samples = session.history.samples();
    let every = (samples.len() / points).max(1);
    let rows: Vec<(usize, &[f32])> = samples.step_by(every).collect();
    columns
        .into_iter()
        .enumerate()
        .map(|(i, (name, column))| {
            let factor = scale.get(i).copied().unwrap_or(1.0);
            let line = rows
                .iter()
                .map(|(step, row)| [*step as f64, factor * f64::from(row[column])])
                .collect();
            (name, line)
        })
        .collect()
}

/// Series read from every step's summary, about `points` points each.
fn summarised(
    session: &Session,
    points: usize,
    names: &[&str],
    value: impl Fn(&Summary, usize) -> f64,
) -> Series {
    let summaries = session.history.summaries();
    let every = (summaries.len() / points).max(1);
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let line = summaries
                .iter()
                .step_by(every)
                .map(|s| [s.step as f64, value(s, i)])
                .collect();
            (name.to_string(), line)
        })
        .collect()
}

fn spread_value(spread: Spread, i: usize) -> f64 {
    match i {
        0 => spread.min,
        1 => spread.mean,
        _ => spread.max,
    }
}

fn voltage_series(session: &Session, selected: Option<&ElementRef>, points: usize) -> Series {
    let net = session.network();
    let columns = session.history.columns();
    if net.buses.len() <= LINES_AT_MOST {
        let lines = net.buses.iter().enumerate();
        let lines = lines
            .map(|(i, b)| (b.name.clone(), columns.bus_vm(i)))
            .collect();
        return sampled(session, points, lines, &[]);
    }
    let names = ["lowest |V|", "mean |V|", "highest |V|"];
    let mut series = summarised(session, points, &names, |s, i| spread_value(s.vm_pu, i));
    if let Some(i) = selected
        .filter(|e| matches!(e, ElementRef::Bus(_)))
        .and_then(|e| net.position_of(e))
    {
        series.extend(sampled(
            session,
            points,
            vec![(net.buses[i].name.clone(), columns.bus_vm(i))],
            &[],
        ));
    }
    series
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

fn loading_series(session: &Session, selected: Option<&ElementRef>, points: usize) -> Series {
    let net = session.network();
    let columns = session.history.columns();
    let rated: Vec<(usize, f64)> = net
        .branches
        .iter()
        .enumerate()
        .filter_map(|(k, b)| b.rating_mva.map(|r| (k, r)))
        .collect();
    let line = |&(k, rating): &(usize, f64)| {
        (
            (net.branches[k].name.clone(), columns.branch_s(k)),
            100.0 / rating,
        )
    };
    // Loading is |S| over the rating; the sign of S only says which way power flows.
    let abs = |mut series: Series| {
        for (_, points) in &mut series {
            for p in points.iter_mut() {
                p[1] = p[1].abs();
            }
        }
        series
    };
    if rated.len() <= LINES_AT_MOST {
        let mut rated = rated.clone();
        rated.sort_by(|a, b| natural_cmp(&net.branches[a.0].name, &net.branches[b.0].name));
        let (lines, scale): (Vec<_>, Vec<f64>) = rated.iter().map(line).unzip();
        return abs(sampled(session, points, lines, &scale));
    }
    let names = ["lowest loading", "mean loading", "highest loading"];
    let mut series = summarised(session, points, &names, |s, i| {
        spread_value(s.loading_pct, i)
    });
    let chosen = selected
        .filter(|e| matches!(e, ElementRef::Branch(_)))
        .and_then(|e| net.position_of(e));
    if let Some(entry) = chosen.and_then(|k| rated.iter().find(|(r, _)| *r == k)) {
        let (column, scale) = line(entry);
        series.extend(abs(sampled(session, points, vec![column], &[scale])));
    }
    series
}

fn reward_series(session: &Session, points: usize) -> Series {
    let names = ["reward", "energy term", "penalty term", "cumulative"];
    summarised(session, points, &names, |s, i| match i {
        0 => s.reward,
        1 => -s.energy_term,
        2 => -s.penalty_term,
        _ => s.cumulative_reward,
    })
}

fn selected_series(session: &Session, selected: Option<&ElementRef>, points: usize) -> Series {
    let net = session.network();
    let columns = session.history.columns();
    let Some(element) = selected else {
        return Vec::new();
    };
    let Some(index) = net.position_of(element) else {
        return Vec::new();
    };
    let lines = match element {
        ElementRef::Bus(_) => vec![(
            format!("{} |V| (p.u.)", net.buses[index].name),
            columns.bus_vm(index),
        )],
        ElementRef::Branch(_) => vec![(
            format!("{} S (MVA)", net.branches[index].name),
            columns.branch_s(index),
        )],
        ElementRef::Device(_) => {
            let dev = &net.devices[index];
            let mut lines = vec![
                (format!("{} P (MW)", dev.name()), columns.device_p(index)),
                (format!("{} Q (MVAr)", dev.name()), columns.device_q(index)),
            ];
            if matches!(dev, Device::Storage(_)) {
                let storage = net.devices[..index]
                    .iter()
                    .filter(|d| matches!(d, Device::Storage(_)))
                    .count();
                lines.push((format!("{} SoC (MWh)", dev.name()), columns.soc(storage)));
            }
            lines
        }
    };
    sampled(session, points, lines, &[])
}
