//! Time series that follow the episode: voltages against their band, loadings against 100 %,
//! reward; the selected element's own series; the current step marked; a click seeks.

use egui_plot::{HLine, Legend, Line, Plot, PlotPoints, VLine};

use super::history::{Spread, Summary};
use super::session::Session;
use crate::model::{Device, ElementRef};

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
    let points = ui.available_width().max(100.0) as usize;
    let series = match chart {
        Chart::Voltages => voltage_series(session, selected, points),
        Chart::Loadings => loading_series(session, selected, points),
        Chart::Reward => reward_series(session, points),
        Chart::Selected => selected_series(session, selected, points),
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
