//! The fields of Edit mode's inspector: each edits a copy of the element and says whether it
//! changed, was being dragged, or was refused by a rule of its own (a negative resistance).

/// What a value must be, checked as it is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Any,
    NonNegative,
    Positive,
}

impl Rule {
    /// Why `value` breaks the rule, if it does.
    fn check(self, field: &str, value: f64) -> Option<String> {
        match self {
            Rule::NonNegative if value < 0.0 => Some(format!("{field} must not be negative")),
            Rule::Positive if value <= 0.0 => Some(format!("{field} must be positive")),
            _ if !value.is_finite() => Some(format!("{field} must be a finite number")),
            _ => None,
        }
    }
}

/// A two-column grid of labelled fields working on copies of values.
#[derive(Debug, Default)]
pub struct Form {
    /// Some field changed this frame.
    pub changed: bool,
    /// A field is being dragged (its changes should merge into one undo step).
    pub dragging: bool,
    /// A drag ended this frame.
    pub released: bool,
    /// A value refused by its field's rule.
    pub refused: Option<String>,
}

impl Form {
    fn track(&mut self, response: &egui::Response) {
        self.changed |= response.changed();
        self.dragging |= response.dragged();
        self.released |= response.drag_stopped();
    }

    fn label(ui: &mut egui::Ui, label: &str, unit: &str) -> egui::Response {
        if unit.is_empty() {
            ui.label(label)
        } else {
            ui.label(format!("{label} ({unit})"))
        }
    }

    /// A number with its unit; a typed value is taken when Enter is pressed or the field is left.
    pub fn number(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        unit: &str,
        value: &mut f64,
        rule: Rule,
    ) {
        let name = Form::label(ui, label, unit);
        self.drag_value(ui, label, value, rule, name.id);
        ui.end_row();
    }

    fn drag_value(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        value: &mut f64,
        rule: Rule,
        name: egui::Id,
    ) {
        let mut entered = *value;
        let speed = (value.abs() * 0.01).max(1e-3);
        let response = ui
            .add(
                egui::DragValue::new(&mut entered)
                    .speed(speed)
                    .max_decimals(6)
                    .update_while_editing(false),
            )
            .labelled_by(name);
        self.dragging |= response.dragged();
        self.released |= response.drag_stopped();
        if entered == *value || !response.changed() {
            return;
        }
        match rule.check(label, entered) {
            Some(why) => self.refused = Some(format!("{label} = {entered} is not allowed: {why}")),
            None => {
                *value = entered;
                self.changed = true;
            }
        }
    }

    /// A number that may be left out (a rating, a limit): a checkbox, then the number.
    #[allow(clippy::too_many_arguments)]
    pub fn optional_number(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        unit: &str,
        value: &mut Option<f64>,
        default: f64,
        rule: Rule,
    ) {
        let mut on = value.is_some();
        let text = if unit.is_empty() {
            label.to_string()
        } else {
            format!("{label} ({unit})")
        };
        let check = ui.checkbox(&mut on, text);
        self.track(&check);
        if on != value.is_some() {
            *value = on.then_some(default);
        }
        match value {
            Some(v) => self.drag_value(ui, label, v, rule, check.id),
            None => {
                ui.weak("none");
            }
        }
        ui.end_row();
    }

    pub fn integer<T: egui::emath::Numeric>(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        value: &mut T,
    ) {
        let name = ui.label(label);
        let response = ui
            .add(
                egui::DragValue::new(value)
                    .speed(0.1)
                    .update_while_editing(false),
            )
            .labelled_by(name.id);
        ui.end_row();
        self.track(&response);
    }

    pub fn checkbox(&mut self, ui: &mut egui::Ui, label: &str, value: &mut bool) {
        ui.label("");
        let response = ui.checkbox(value, label);
        ui.end_row();
        self.track(&response);
    }

    /// Free text taken as it is typed; the typing merges into one undo step, ended when the
    /// field is left.
    pub fn text(&mut self, ui: &mut egui::Ui, label: &str, value: &mut String) {
        let name = ui.label(label);
        let response = ui.text_edit_singleline(value).labelled_by(name.id);
        ui.end_row();
        self.changed |= response.changed();
        self.dragging |= response.has_focus();
        self.released |= response.lost_focus();
    }

    /// One of a few choices, as a drop-down.
    pub fn choice<T: PartialEq + Copy>(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        value: &mut T,
        options: &[(T, &str)],
    ) {
        let name = ui.label(label);
        let current = options
            .iter()
            .find(|(o, _)| o == value)
            .map_or("", |(_, text)| *text);
        egui::ComboBox::from_id_salt(label)
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (option, text) in options {
                    if ui.selectable_label(option == value, *text).clicked() && option != value {
                        *value = *option;
                        self.changed = true;
                    }
                }
            })
            .response
            .labelled_by(name.id);
        ui.end_row();
    }
}

/// A line of text that is only taken when Enter is pressed or the field is left: names and
/// bus references, which change what other elements point at.
pub fn committed_text(ui: &mut egui::Ui, label: &str, buffer: &mut String) -> bool {
    let name = ui.label(label);
    let response = ui.text_edit_singleline(buffer).labelled_by(name.id);
    ui.end_row();
    response.lost_focus()
}
