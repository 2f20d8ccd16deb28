//! Everything the user can ask of the app, as values. Menus, panels, the network view and the
//! shortcuts push [`Command`]s; the app carries them out in one place at the end of the frame
//! ([`super::GridPilotApp::apply`]), so each action is written once whichever way it was asked.

use std::path::PathBuf;

use super::canvas::{Gesture, Tool};
use super::session::RunCommand;
use crate::edit::{Edit, Selection};
use crate::model::ElementRef;

/// Edit or Run: the switch in the top bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    Edit,
    #[default]
    Run,
}

/// The bottom panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Plots,
    Safety,
    /// Buses, branches and devices with their values.
    Table,
    /// N-1 contingency analysis of the step on screen.
    Contingencies,
    /// Train a policy, or fit one to the episode.
    Train,
    /// Agents side by side on the same episodes.
    Compare,
    Validation,
    Log,
}

impl Tab {
    /// The tabs each mode shows.
    pub fn of(mode: Mode) -> &'static [Tab] {
        match mode {
            Mode::Edit => &[Tab::Validation, Tab::Log],
            Mode::Run => &[
                Tab::Plots,
                Tab::Safety,
                Tab::Table,
                Tab::Contingencies,
                Tab::Train,
                Tab::Compare,
                Tab::Log,
            ],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Plots => "Plots",
            Tab::Safety => "Safety",
            Tab::Table => "Table",
            Tab::Contingencies => "N-1",
            Tab::Train => "Train",
            Tab::Compare => "Compare",
            Tab::Validation => "Validation",
            Tab::Log => "Log",
        }
    }
}

/// Which kind of file an agent is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentFile {
    LinearPolicy,
    Schedule,
}

/// One thing the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    // Files. Those that replace the document ask first when it has unsaved edits.
    NewNetwork,
    /// Asks for a network (`.ron`, or a `.m` case imported as a new network).
    OpenNetwork,
    /// Asks for a MATPOWER case or pandapower network to import.
    ImportCase,
    OpenEpisode,
    /// A network or episode file, by path.
    OpenFile(PathBuf),
    Save,
    SaveAs,
    SaveEpisode,
    /// Saves the recording set aside when edits started a new run.
    SavePreviousEpisode,
    /// Lays the network out anew (`selection`: only the selected buses), as one edit.
    AutoLayout {
        selection: bool,
    },
    CancelLayout,
    ExportPicture,
    /// Asks where to write a picture per step of the run, from the step on screen.
    ExportAnimation,
    StopAnimation,
    ExportCsv,
    /// The window is closing.
    Quit,
    /// Does with a path what it was chosen for.
    UsePath {
        purpose: super::path_dialog::Purpose,
        path: PathBuf,
    },
    /// Carries out a command that would discard unsaved edits: the user said so.
    Discarding(Box<Command>),
    /// Saves the document, then carries out the command if the save went through.
    SaveAndThen(Box<Command>),
    /// Opens a recovery copy left by a crash.
    Recover(PathBuf),
    /// Deletes a recovery copy the user does not want.
    DiscardRecovery(PathBuf),

    SetMode(Mode),
    SetTab(Tab),
    SetTool(Tool),

    // Editing (Edit mode).
    Edit(Edit),
    /// An edit that joins the previous one with the same key (a slider being dragged).
    EditMerging {
        edit: Edit,
        key: String,
    },
    /// Ends a run of merged edits.
    SealEdits,
    Gesture(Gesture),
    Undo,
    Redo,
    DeleteSelection,
    Copy,
    /// Pastes the clipboard, or the fragment in this text (the system clipboard's).
    Paste(Option<String>),
    SelectAll,

    Select(Selection),
    /// Selects an element and centres the view on it.
    Focus(ElementRef),
    /// Opens the find box.
    OpenFind,

    // Running.
    Run(RunCommand),

    /// Colours the buses by zone on the network view, or stops.
    SetShowZones(bool),
    /// Asks for the address of a remote policy to operate the grid.
    AskRemotePolicy,

    // Learning.
    StartTraining(crate::learn::ArsSettings),
    /// Pauses (true) or resumes (false) the training under way.
    PauseTraining(bool),
    /// Stops training, keeping its best policy.
    StopTraining,
    /// Fits a policy to the actions of the episode on screen.
    FitEpisode,
    /// The policy at hand operates the grid from the next step.
    PlayPolicy,
    SavePolicy,
    /// Runs the agents (and the policy at hand, if `policy`) on the same episodes.
    Compare {
        agents: Vec<String>,
        policy: bool,
        settings: crate::learn::evaluate::EvaluationSettings,
    },
    CancelComparison,
    /// Asks for a policy or schedule file and makes it the agent.
    PickAgentFile(AgentFile),
    /// A click on a branch with the Human agent: open or close it at the next step.
    ToggleBranch(String),
    /// N-1 analysis of the step on screen, in the background.
    RunContingencies,
    CancelContingencies,
    /// Shows the state after an outage on the view (`None`: back to the step).
    ShowContingency(Option<String>),

    SetDark(bool),
    SetPresentation(bool),
    ToggleFullscreen,
    /// Tells the user something went wrong (or right), in the log and on the window.
    Notify(String),
}
