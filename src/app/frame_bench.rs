//! `gridpilot bench view`: the CPU time to build and tessellate one animated frame of the
//! network view fitted to a full-HD screen, with no window.

use std::path::Path;
use std::time::Instant;

use super::canvas::NetworkView;
use super::open_session;

/// Per-frame milliseconds of `frames` consecutive animated frames (after one warm-up frame).
pub fn frame_times_ms(file: &Path, frames: usize) -> Result<Vec<f64>, String> {
    let session = open_session(Some(file))?;
    let ctx = egui::Context::default();
    // A first pass loads the fonts the labels need.
    ctx.run_ui(Default::default(), |_| {})
        .textures_delta
        .clear();
    let viewport = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1920.0, 1080.0));
    let mut view = NetworkView::default();
    let mut times = Vec::with_capacity(frames);
    for frame in 0..=frames {
        let start = Instant::now();
        let time_s = frame as f64 / 60.0;
        let shapes =
            view.frame_shapes(&ctx, session.network(), session.current(), viewport, time_s);
        let meshes = ctx.tessellate(shapes, 1.0);
        let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(meshes);
        if frame > 0 {
            times.push(elapsed_ms);
        }
    }
    Ok(times)
}
