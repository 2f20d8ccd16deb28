//! Pictures of the window: the File menu's "Export picture…" (the network view) and the
//! command line's `--screenshot` (the whole window, after playing some steps).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A screenshot asked of the renderer, delivered a frame or two later.
#[derive(Default)]
pub struct PendingCapture {
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
    target: Option<(PathBuf, Option<egui::Rect>)>,
}

impl PendingCapture {
    /// Asks for a picture of the window, to be written to `path`, cropped to `region` (points).
    pub fn request(&mut self, ctx: &egui::Context, path: PathBuf, region: Option<egui::Rect>) {
        let slot = Arc::clone(&self.image);
        ctx.request_screenshot(move |image| {
            if let Ok(mut s) = slot.lock() {
                *s = Some(image);
            }
        });
        self.target = Some((path, region));
        ctx.request_repaint();
    }

    pub fn waiting(&self) -> bool {
        self.target.is_some()
    }

    /// Writes the picture once it has arrived; returns a message when done.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Result<PathBuf, String>> {
        let image = self.image.lock().ok()?.take()?;
        let (path, region) = self.target.take()?;
        let image = match region {
            Some(r) => image.region(&r, Some(ctx.pixels_per_point())),
            None => (*image).clone(),
        };
        Some(write_png(&path, &image).map(|()| path))
    }
}

/// Writes an image as PNG, atomically.
pub fn write_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w as u32, h as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let fail =
        |e: &dyn std::fmt::Display| format!("{}: cannot write the picture: {e}", path.display());
    let mut writer = encoder.write_header().map_err(|e| fail(&e))?;
    writer
        .write_image_data(image.as_raw())
        .map_err(|e| fail(&e))?;
    writer.finish().map_err(|e| fail(&e))?;
    crate::io::write_atomic(path, &bytes).map_err(|e| fail(&e))
}
