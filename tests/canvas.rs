//! The network view in a test harness: accessible items, clicks, panning, and the headless frame
//! builder (with an ignored timing test for large cases).
#![cfg(feature = "gui")]

use std::path::Path;

use egui::{Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gridpilot::app::canvas::{NetworkView, ViewResponse};
use gridpilot::model::{ElementRef, Network};
use gridpilot::sim::Environment;
use gridpilot::sim::episode::StepRecord;

/// What the harness's ui closure works on.
struct ViewState {
    view: NetworkView,
    net: Network,
    record: StepRecord,
    /// The last frame that reported a click.
    last_click: Option<ViewResponse>,
}

/// ANM6-Easy and the state after a real environment reset.
fn anm6() -> (Network, StepRecord) {
    let net = gridpilot::io::load_network(Path::new("networks/anm6_easy.ron")).expect("bundled");
    let mut env = Environment::new(net).expect("environment");
    env.reset(0, &Default::default()).expect("reset");
    let first = gridpilot::sim::episode::record(&env, None, Vec::new(), None);
    (env.initial_network().clone(), first)
}

fn harness<'a>() -> Harness<'a, ViewState> {
    let (net, record) = anm6();
    let state = ViewState {
        view: NetworkView::default(),
        net,
        record,
        last_click: None,
    };
    let mut harness = Harness::builder()
        .with_size(vec2(900.0, 700.0))
        .build_ui_state(
            |ui, s: &mut ViewState| {
                let response = s.view.ui(ui, &s.net, &s.record, &[], None, None);
                if response.clicked.is_some() || response.clicked_empty {
                    s.last_click = Some(response);
                }
            },
            state,
        );
    // The flows animate forever, but at the display's pace: `run` still settles.
    harness.run();
    harness
}

#[test]
fn clicking_a_bus_selects_it() {
    let mut harness = harness();
    harness.get_by_label("Bus bus3").click();
    harness.run();
    let click = harness.state().last_click.clone().expect("a click");
    assert_eq!(click.clicked, Some(ElementRef::Bus("bus3".into())));
    assert!(!click.clicked_empty);

    harness.get_by_label("Storage storage").click();
    harness.run();
    assert_eq!(
        harness.state().last_click.clone().and_then(|c| c.clicked),
        Some(ElementRef::Device("storage".into()))
    );

    harness.get_by_label("Branch bus1-bus3").click();
    harness.run();
    assert_eq!(
        harness.state().last_click.clone().and_then(|c| c.clicked),
        Some(ElementRef::Branch("bus1-bus3".into()))
    );
}

#[test]
fn clicking_empty_space_clears() {
    let mut harness = harness();
    let corner = harness.get_by_label("Network view").rect().min + vec2(5.0, 5.0);
    harness.hover_at(corner);
    harness.drag_at(corner);
    harness.drop_at(corner);
    harness.run();
    let click = harness.state().last_click.clone().expect("a click");
    assert_eq!(click.clicked, None);
    assert!(click.clicked_empty);
}

#[test]
fn every_bus_branch_and_device_is_named() {
    let harness = harness();
    let net = &harness.state().net;
    for bus in &net.buses {
        harness.get_by_label(&format!("Bus {}", bus.name));
    }
    for branch in &net.branches {
        harness.get_by_label(&format!("Branch {}", branch.name));
    }
    for label in [
        "External grid grid",
        "Load load_res",
        "Solar pv",
        "Load load_ind",
        "Wind wind",
        "Load load_ev",
        "Storage storage",
    ] {
        harness.get_by_label(label);
    }
    assert_eq!(net.devices.len(), 7);
    harness.check_accessibility();
}

#[test]
fn center_on_brings_the_element_to_the_middle() {
    let mut harness = harness();
    let view_centre = harness.get_by_label("Network view").rect().center();
    harness
        .state_mut()
        .view
        .center_on(ElementRef::Bus("bus3".into()));
    harness.run();
    let bus = harness.get_by_label("Bus bus3").rect().center();
    assert!(
        bus.distance(view_centre) < 1.0,
        "{bus:?} vs {view_centre:?}"
    );
    harness.state_mut().view.fit();
    harness.run();
    let fitted = harness.get_by_label("Bus bus3").rect().center();
    assert!(fitted.distance(view_centre) > 50.0);
}

#[test]
fn colours_follow_limits_and_loading() {
    use gridpilot::app::canvas::{loading_color, voltage_color};
    let low = voltage_color(0.85, 0.9, 1.1);
    let high = voltage_color(1.15, 0.9, 1.1);
    assert!(low.b() > low.r() + 80 && low.b() > low.g() + 80, "{low:?}");
    assert!(
        high.r() > high.g() + 80 && high.r() > high.b() + 80,
        "{high:?}"
    );
    let overloaded = loading_color(Some(1.3));
    assert!(overloaded.r() > overloaded.g() + 80 && overloaded.r() > overloaded.b() + 80);
}

/// Nothing to draw, or a state that does not match the network (another network's replay):
/// the view draws what it can and never panics.
#[test]
fn empty_or_mismatched_inputs_do_not_panic() {
    let (net, record) = anm6();
    let ctx = headless_context();
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0));
    let empty_state = StepRecord {
        bus_vm_pu: Vec::new(),
        bus_va_deg: Vec::new(),
        branch_flows: Vec::new(),
        branch_s_mva: Vec::new(),
        branch_in_service: Vec::new(),
        device_p_mw: Vec::new(),
        device_q_mvar: Vec::new(),
        soc_mwh: Vec::new(),
        ..record.clone()
    };
    let mut view = NetworkView::default();
    assert!(
        !view
            .frame_shapes(&ctx, &net, &empty_state, viewport, 0.0)
            .is_empty()
    );
    let empty = Network::new("empty", 100.0);
    assert!(
        view.frame_shapes(&ctx, &empty, &record, viewport, 0.1)
            .is_empty()
    );
}

#[test]
fn dragging_empty_space_pans() {
    let mut harness = harness();
    let before = harness.get_by_label("Bus bus3").rect().center();
    let start = harness.get_by_label("Network view").rect().min + vec2(5.0, 5.0);
    let delta = vec2(80.0, 50.0);
    harness.hover_at(start);
    harness.drag_at(start);
    for step in 1..=4 {
        harness.hover_at(start + delta * (step as f32 / 4.0));
    }
    harness.drop_at(start + delta);
    harness.run();
    let after = harness.get_by_label("Bus bus3").rect().center();
    assert!(
        ((after - before) - delta).length() < 1.5,
        "moved {:?}",
        after - before
    );
    assert!(
        harness.state().last_click.is_none(),
        "a drag is not a click"
    );
}

#[test]
fn hovering_shows_the_values() {
    let mut harness = harness();
    harness.get_by_label("Bus bus3").hover();
    harness.run();
    harness.get_by_label_contains("p.u. (");
}

#[test]
fn wheel_zooms_about_the_pointer() {
    let mut harness = harness();
    let bus = harness.get_by_label("Bus bus3").rect();
    let pointer = bus.center() + vec2(30.0, 0.0);
    harness.hover_at(pointer);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, 100.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run();
    let zoomed = harness.get_by_label("Bus bus3").rect();
    // Zooming in moves the bus away from the fixed pointer.
    assert!(zoomed.center().distance(pointer) > bus.center().distance(pointer) + 5.0);
}

/// The frame builder without a window: ANM6-Easy fitted to full HD, tessellated.
#[test]
fn headless_frame_tessellates() {
    let (net, record) = anm6();
    let ctx = headless_context();
    let mut view = NetworkView::default();
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), vec2(1920.0, 1080.0));
    let first = view.frame_shapes(&ctx, &net, &record, viewport, 0.0);
    let second = view.frame_shapes(&ctx, &net, &record, viewport, 0.5);
    assert!(first.len() > 20, "{} shapes", first.len());
    assert_ne!(first, second, "flow markers move between frames");
    let primitives = ctx.tessellate(second, 1.0);
    assert!(!primitives.is_empty());
}

/// A context that has run one pass, so it has fonts.
fn headless_context() -> egui::Context {
    let ctx = egui::Context::default();
    // No renderer takes the font atlas: drop it.
    ctx.run_ui(Default::default(), |_| {})
        .textures_delta
        .clear();
    ctx
}
