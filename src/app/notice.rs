//! A short message over the top of the network view: that a file was saved, why the network
//! cannot run. Shown where the user looks for a few seconds (without moving anything), and kept
//! in the log.

/// How long a notice stays.
const SHOWN_S: f64 = 6.0;

#[derive(Debug, Default)]
pub struct Notice {
    text: Option<String>,
    /// When it was first drawn (the context's time).
    since_s: Option<f64>,
}

impl Notice {
    pub fn show(&mut self, text: &str) {
        self.text = Some(text.to_string());
        self.since_s = None;
    }

    /// A banner across the top of `view` while the notice lasts.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: egui::Rect) {
        let Some(text) = &self.text else {
            return;
        };
        let now = ui.input(|i| i.time);
        let since = *self.since_s.get_or_insert(now);
        if now - since > SHOWN_S {
            self.text = None;
            return;
        }
        let text = text.clone();
        banner(ui, view, 8.0, egui::RichText::new(text).strong());
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(250));
    }
}

/// A message across the view, `from_top` points below its top edge.
pub fn banner(ui: &mut egui::Ui, view: egui::Rect, from_top: f32, text: egui::RichText) {
    let rect = egui::Rect::from_min_size(
        view.min + egui::vec2(12.0, from_top),
        egui::vec2((view.width() - 24.0).max(100.0), 0.0),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            ui.set_width(rect.width() - 20.0);
            ui.label(text);
        });
    });
}
