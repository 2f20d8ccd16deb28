//! The network view in a test harness: accessible items, clicks, panning, and the headless frame
//! builder (with an ignored timing test for large cases).

use std::path::Path;
use std::time::Instant;

use egui::{Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gridpilot::app::canvas::{Element, NetworkView, ViewResponse};
use gridpilot::model::Network;
use gridpilot::powerflow::PowerFlow;
use gridpilot::sim::Environment;
use gridpilot::sim::episode::{Episode, StepRecord};

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
    let mut env = Environment::new(net, Path::new(".")).expect("environment");
    env.reset(0, &Default::default()).expect("reset");
    let episode = Episode::start(&env, "test", 0, &Default::default());
    (episode.network, episode.steps[0].clone())
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
                let response = s.view.ui(ui, &s.net, &s.record, None);
                if response.clicked.is_some() || response.clicked_empty {
                    s.last_click = Some(response);
                }
            },
            state,
        );
    // The flows animate forever, so run a fixed number of frames rather than `run()`.
    harness.run_steps(3);
    harness
}

#[test]
fn clicking_a_bus_selects_it() {
    let mut harness = harness();
    harness.get_by_label("Bus bus3").click();
    harness.run_steps(2);
    let click = harness.state().last_click.expect("a click");
    assert_eq!(click.clicked, Some(Element::Bus(3)));
    assert!(!click.clicked_empty);

    harness.get_by_label("Storage storage").click();
    harness.run_steps(2);
    let storage = harness
        .state()
        .net
        .devices
        .iter()
        .position(|d| d.name() == "storage");
    assert_eq!(
        harness.state().last_click.and_then(|c| c.clicked),
        storage.map(Element::Device)
    );

    harness.get_by_label("Branch bus1-bus3").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().last_click.and_then(|c| c.clicked),
        Some(Element::Branch(2))
    );
}

#[test]
fn clicking_empty_space_clears() {
    let mut harness = harness();
    let corner = harness.get_by_label("Network view").rect().min + vec2(5.0, 5.0);
    harness.hover_at(corner);
    harness.drag_at(corner);
    harness.drop_at(corner);
    harness.run_steps(2);
    let click = harness.state().last_click.expect("a click");
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
    harness.run_steps(2);
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
    harness.run_steps(3);
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
    harness.run_steps(20);
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

/// A state of a MATPOWER case from one power flow (cases have no scenario).
fn solved(net: &Network) -> StepRecord {
    let mut pf = PowerFlow::new(net).expect("solvable");
    let r = pf.solve(net, &Default::default()).expect("solve");
    StepRecord {
        step: 0,
        time_index: 0,
        requested_action: Vec::new(),
        applied_action: Vec::new(),
        reward: 0.0,
        reward_terms: Default::default(),
        terminated: false,
        truncated: false,
        converged: r.converged,
        bus_vm_pu: r.buses.iter().map(|b| b.vm_pu).collect(),
        bus_va_deg: r.buses.iter().map(|b| b.va_deg).collect(),
        branch_flows: r
            .branches
            .iter()
            .map(|b| [b.p_from_mw, b.q_from_mvar, b.p_to_mw, b.q_to_mvar])
            .collect(),
        branch_s_mva: r
            .branches
            .iter()
            .map(|b| b.s_max_mva.copysign(b.p_from_mw))
            .collect(),
        branch_in_service: net.branches.iter().map(|b| b.in_service).collect(),
        device_p_mw: r.devices.iter().map(|d| d.p_mw).collect(),
        device_q_mvar: r.devices.iter().map(|d| d.q_mvar).collect(),
        soc_mwh: Vec::new(),
        violations: Vec::new(),
        events: Vec::new(),
        clipped: Vec::new(),
    }
}

/// Median time to build and tessellate one frame fitted to 1920×1080, in milliseconds.
fn frame_ms(net: &Network, record: &StepRecord) -> (f64, usize) {
    let ctx = headless_context();
    let mut view = NetworkView::default();
    let viewport = Rect::from_min_size(pos2(0.0, 0.0), vec2(1920.0, 1080.0));
    let mut times = Vec::new();
    let mut vertices = 0;
    for frame in 0..60 {
        let start = Instant::now();
        let shapes = view.frame_shapes(&ctx, net, record, viewport, f64::from(frame) / 60.0);
        let built = start.elapsed().as_secs_f64() * 1e3;
        let n = shapes.len();
        let primitives = ctx.tessellate(shapes, 1.0);
        times.push(start.elapsed().as_secs_f64() * 1e3);
        if frame == 59 {
            println!("  build {built:.3} ms, {n} shapes, total {:.3}", times[59]);
        }
        vertices = primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], vertices)
}

/// Median time of a whole interactive frame (`NetworkView::ui` in a harness, accessibility tree
/// included, plus tessellation) at 1920×1080, fitted and after each of `zoom_steps` zooms of
/// about 3.3× about `pointer`.
fn interactive_ms(
    net: &Network,
    record: &StepRecord,
    pointer: egui::Pos2,
    zoom_steps: usize,
) -> Vec<f64> {
    let state = ViewState {
        view: NetworkView::default(),
        net: net.clone(),
        record: record.clone(),
        last_click: None,
    };
    let mut harness = Harness::builder()
        .with_size(vec2(1920.0, 1080.0))
        .build_ui_state(
            |ui, s: &mut ViewState| {
                let _ = s.view.ui(ui, &s.net, &s.record, None);
            },
            state,
        );
    harness.run_steps(3);
    let mut medians = Vec::new();
    for level in 0..=zoom_steps {
        if level > 0 {
            harness.hover_at(pointer);
            for _ in 0..2 {
                harness.event(egui::Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: vec2(0.0, 120.0),
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Unknown,
                    modifiers: egui::Modifiers::NONE,
                });
                harness.run_steps(10);
            }
            harness.run_steps(30);
        }
        let mut times: Vec<f64> = (0..20)
            .map(|_| {
                let start = Instant::now();
                harness.step();
                let shapes = harness.output().shapes.clone();
                let _ = harness.ctx.tessellate(shapes, 1.0);
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        medians.push(times[times.len() / 2]);
    }
    medians
}

/// `cargo test --release --test canvas -- --ignored --nocapture frame_timings`
#[test]
#[ignore = "timing; run in release"]
fn frame_timings() {
    let (net, record) = anm6();
    let (ms, vertices) = frame_ms(&net, &record);
    println!("anm6_easy: {ms:.3} ms per frame ({vertices} vertices)");
    for case in ["case118", "case9241pegase"] {
        let path = format!("../shared/cases/{case}.m");
        let Ok(net) = gridpilot::io::load_network(Path::new(&path)) else {
            println!("{case}: not found at {path}, skipped");
            continue;
        };
        let record = solved(&net);
        let (ms, vertices) = frame_ms(&net, &record);
        println!(
            "{case}: {ms:.3} ms per frame ({vertices} vertices, converged {})",
            record.converged
        );
        let pointer = if case == "case118" {
            pos2(960.0, 400.0)
        } else {
            pos2(900.0, 300.0)
        };
        let zoomed = interactive_ms(&net, &record, pointer, 4);
        println!("{case}: interactive frames, fitted then zooming in: {zoomed:.2?} ms");
    }
}

// ---- TEMPORARY: software rasterizer to look at frames (remove before handing over) ----
fn rasterize(
    ctx: &egui::Context,
    shapes: Vec<egui::epaint::ClippedShape>,
    w: usize,
    h: usize,
    name: &str,
) {
    let atlas = ctx.fonts(|f| f.image());
    let prims = ctx.tessellate(shapes, 1.0);
    let bg = ctx.global_style().visuals.panel_fill;
    let mut img = vec![[bg.r() as f32, bg.g() as f32, bg.b() as f32]; w * h];
    for p in &prims {
        let egui::epaint::Primitive::Mesh(m) = &p.primitive else {
            continue;
        };
        let clip = p.clip_rect;
        for t in m.indices.chunks(3) {
            let v = [
                m.vertices[t[0] as usize],
                m.vertices[t[1] as usize],
                m.vertices[t[2] as usize],
            ];
            let (a, b, c) = (v[0].pos, v[1].pos, v[2].pos);
            let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
            if area.abs() < 1e-12 {
                continue;
            }
            let minx = a.x.min(b.x).min(c.x).max(clip.min.x).max(0.0).floor() as i64;
            let maxx =
                a.x.max(b.x)
                    .max(c.x)
                    .min(clip.max.x)
                    .min(w as f32 - 1.0)
                    .ceil() as i64;
            let miny = a.y.min(b.y).min(c.y).max(clip.min.y).max(0.0).floor() as i64;
            let maxy =
                a.y.max(b.y)
                    .max(c.y)
                    .min(clip.max.y)
                    .min(h as f32 - 1.0)
                    .ceil() as i64;
            for y in miny..=maxy {
                for x in minx..=maxx {
                    if x < 0 || y < 0 || x as usize >= w || y as usize >= h {
                        continue;
                    }
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let w0 = ((b.x - px) * (c.y - py) - (b.y - py) * (c.x - px)) / area;
                    let w1 = ((c.x - px) * (a.y - py) - (c.y - py) * (a.x - px)) / area;
                    let w2 = 1.0 - w0 - w1;
                    if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                        continue;
                    }
                    let col = |i: usize| -> f32 {
                        w0 * v[0].color[i] as f32
                            + w1 * v[1].color[i] as f32
                            + w2 * v[2].color[i] as f32
                    };
                    let u = w0 * v[0].uv.x + w1 * v[1].uv.x + w2 * v[2].uv.x;
                    let vv = w0 * v[0].uv.y + w1 * v[1].uv.y + w2 * v[2].uv.y;
                    let tx = ((u * atlas.size[0] as f32) as usize).min(atlas.size[0] - 1);
                    let ty = ((vv * atlas.size[1] as f32) as usize).min(atlas.size[1] - 1);
                    let tex = atlas.pixels[ty * atlas.size[0] + tx];
                    let ta = tex.a() as f32 / 255.0;
                    let src = [col(0) * ta, col(1) * ta, col(2) * ta, col(3) * ta];
                    let d = &mut img[y as usize * w + x as usize];
                    let k = 1.0 - src[3] / 255.0;
                    for i in 0..3 {
                        d[i] = src[i] + d[i] * k;
                    }
                }
            }
        }
    }
    let mut out = format!("P6\n{w} {h}\n255\n").into_bytes();
    for p in img {
        for c in p {
            out.push(c.clamp(0.0, 255.0) as u8);
        }
    }
    let ppm = format!("/tmp/shot_{name}.ppm");
    std::fs::write(&ppm, out).unwrap();
    std::process::Command::new("convert")
        .arg(&ppm)
        .arg(format!("/tmp/shot_{name}.png"))
        .status()
        .unwrap();
}

#[test]
#[ignore]
fn zz_shots() {
    let (net, record) = anm6();
    let ctx = headless_context();
    let mut view = NetworkView::default();
    let vp = Rect::from_min_size(pos2(0.0, 0.0), vec2(1200.0, 800.0));
    let _ = view.frame_shapes(&ctx, &net, &record, vp, 0.0);
    ctx.run_ui(Default::default(), |_| {})
        .textures_delta
        .clear();
    let shapes = view.frame_shapes(&ctx, &net, &record, vp, 0.3);
    rasterize(&ctx, shapes, 1200, 800, "anm6");
    for case in ["case118", "case9241pegase"] {
        let net =
            gridpilot::io::load_network(Path::new(&format!("../shared/cases/{case}.m"))).unwrap();
        let record = solved(&net);
        let mut view = NetworkView::default();
        let _ = view.frame_shapes(&ctx, &net, &record, vp, 0.0);
        ctx.run_ui(Default::default(), |_| {})
            .textures_delta
            .clear();
        let shapes = view.frame_shapes(&ctx, &net, &record, vp, 0.3);
        rasterize(&ctx, shapes, 1200, 800, case);
        // zoomed via a harness
        let state = ViewState {
            view: NetworkView::default(),
            net: net.clone(),
            record: record.clone(),
            last_click: None,
        };
        let mut harness = Harness::builder()
            .with_size(vec2(1200.0, 800.0))
            .with_accessibility_check(false)
            .build_ui_state(
                |ui, s: &mut ViewState| {
                    let _ = s.view.ui(ui, &s.net, &s.record, Some(Element::Bus(5)));
                },
                state,
            );
        harness.run_steps(2);
        for (i, notches) in [(1, 2), (2, 2), (3, 2)] {
            let centre = if case == "case118" {
                pos2(600.0, 300.0)
            } else {
                pos2(560.0, 200.0)
            };
            harness.hover_at(centre);
            for _ in 0..notches {
                harness.event(egui::Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: vec2(0.0, 120.0),
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Unknown,
                    modifiers: egui::Modifiers::NONE,
                });
                harness.run_steps(10);
            }
            harness.run_steps(30);
            let t = Instant::now();
            harness.step();
            let step_ms = t.elapsed().as_secs_f64() * 1e3;
            let shapes = harness.output().shapes.clone();
            let t = Instant::now();
            let n = harness.ctx.tessellate(shapes.clone(), 1.0).len();
            println!(
                "{case} zoom {i}: step {step_ms:.2} ms, tessellate {:.2} ms ({n} prims, {} shapes)",
                t.elapsed().as_secs_f64() * 1e3,
                shapes.len()
            );
            rasterize(&harness.ctx, shapes, 1200, 800, &format!("{case}_zoom{i}"));
        }
    }
}
