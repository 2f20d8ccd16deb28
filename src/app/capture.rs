//! Pictures of the window: the File menu's "Export picture…" (the network view, with a
//! caption), "Export animation…" (a picture per step) and the command line's `--screenshot`
//! (the whole window, after playing some steps).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A screenshot asked of the renderer, delivered a frame or two later.
#[derive(Default)]
pub struct PendingCapture {
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
    target: Option<Target>,
}

/// Where a picture goes and what it shows.
struct Target {
    path: PathBuf,
    /// The part of the window (points), or all of it.
    region: Option<egui::Rect>,
    /// Whether the picture carries a caption (drawn in the frame that is taken).
    caption: bool,
    /// Whether the renderer has been asked yet.
    asked: bool,
}

impl PendingCapture {
    /// Asks for a picture of the window, to be written to `path`, cropped to `region` (points),
    /// with the view's caption if `caption`. The renderer is asked on the next frame, so that
    /// the frame taken is one drawn knowing a picture is being taken.
    pub fn request(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        region: Option<egui::Rect>,
        caption: bool,
    ) {
        self.target = Some(Target {
            path,
            region,
            caption,
            asked: false,
        });
        ctx.request_repaint();
    }

    pub fn waiting(&self) -> bool {
        self.target.is_some()
    }

    /// Whether this frame is to carry the caption of a picture.
    pub fn captioning(&self) -> bool {
        self.target.as_ref().is_some_and(|t| t.caption)
    }

    /// Asks the renderer for this frame, once a picture is wanted.
    pub fn logic(&mut self, ctx: &egui::Context) {
        let Some(target) = self.target.as_mut().filter(|t| !t.asked) else {
            return;
        };
        target.asked = true;
        let slot = Arc::clone(&self.image);
        ctx.request_screenshot(move |image| {
            if let Ok(mut s) = slot.lock() {
                *s = Some(image);
            }
        });
    }

    /// Writes the picture once it has arrived; returns a message when done.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Result<PathBuf, String>> {
        let image = self.image.lock().ok()?.take()?;
        let target = self.target.take()?;
        let image = match target.region {
            Some(r) => crop(&image, r * ctx.pixels_per_point()),
            None => (*image).clone(),
        };
        Some(write_png(&target.path, &image).map(|()| target.path))
    }
}

/// The part of `image` inside `pixels` (a window may have shrunk since the region was taken).
fn crop(image: &egui::ColorImage, pixels: egui::Rect) -> egui::ColorImage {
    let [w, h] = image.size;
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
    let (x0, x1) = (clamp(pixels.min.x, w), clamp(pixels.max.x, w));
    let (y0, y1) = (clamp(pixels.min.y, h), clamp(pixels.max.y, h));
    image.region_by_pixels([x0, y0], [x1.saturating_sub(x0), y1.saturating_sub(y0)])
}

/// Exporting a run as numbered pictures of the view, one per step, from the step on screen to
/// the last one recorded: `stem-00000.png`, `stem-00001.png`… (as video tools expect them).
pub struct Animation {
    /// The chosen path without its extension.
    stem: PathBuf,
    /// The step the next picture shows.
    pub next_step: usize,
    pub last_step: usize,
    pub written: usize,
}

impl Animation {
    pub fn new(path: &Path, first_step: usize, last_step: usize) -> Self {
        Animation {
            stem: path.with_extension(""),
            next_step: first_step,
            last_step,
            written: 0,
        }
    }

    /// Where the next picture goes.
    pub fn next_path(&self) -> PathBuf {
        let name = self.stem.file_name().unwrap_or_default().to_string_lossy();
        self.stem
            .with_file_name(format!("{name}-{:05}.png", self.written))
    }

    /// How many pictures in all.
    pub fn total(&self) -> usize {
        self.last_step + 1 + self.written - self.next_step
    }

    /// The first picture's path, to tell the user where they went.
    pub fn first_path(&self) -> PathBuf {
        let name = self.stem.file_name().unwrap_or_default().to_string_lossy();
        self.stem.with_file_name(format!("{name}-00000.png"))
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
