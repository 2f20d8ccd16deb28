//! The desktop application: the only part of GridPilot that knows about egui.
//!
//! For now the window introduces the program; the network view, run panel, plots and safety
//! panel grow here.

/// Opens the main window and blocks until it is closed.
pub fn run() -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("GridPilot")
            .with_inner_size([960.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "GridPilot",
        options,
        Box::new(|_cc| Ok(Box::new(GridPilotApp))),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

struct GridPilotApp;

impl eframe::App for GridPilotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("GridPilot");
            ui.label("Operate electricity grids interactively.");
            ui.add_space(8.0);
            ui.label(
                "The network view, agents and replay are on their way. Meanwhile the command \
                 line solves AC power flows: run `gridpilot pf FILE` on a .ron network or a \
                 MATPOWER .m case, or `gridpilot --help` for everything it can do.",
            );
        });
    }
}
