//! One edit and its undo on a large network (case1354pegase, from `../shared`): moving a bus,
//! and deleting a bus with its branches and devices. The edit alone, with no window;
//! `gridpilot bench edit` measures it with the window's next frame.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gridpilot::edit::{Document, build};
use gridpilot::io::load_network;
use gridpilot::model::ElementRef;

fn edits(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case1354pegase.m");
    let Ok(net) = load_network(&path) else {
        eprintln!("skipping the edit bench: {} cannot be read", path.display());
        return;
    };
    let bus = net.buses[net.buses.len() / 2].name.clone();
    let mut doc = Document::from_network(net, None);
    c.bench_function("move_bus_and_undo_1354", |b| {
        b.iter(|| {
            let edit = build::move_buses(doc.network(), std::slice::from_ref(&bus), 10.0, 0.0);
            doc.apply(edit).expect("the bus exists");
            doc.undo().expect("undo applies");
        })
    });
    c.bench_function("delete_bus_and_undo_1354", |b| {
        b.iter(|| {
            let delete = [ElementRef::Bus(bus.clone())];
            let edit = build::delete(doc.network(), &delete).expect("the bus exists");
            doc.apply(edit).expect("delete applies");
            doc.undo().expect("undo applies");
        })
    });
}

criterion_group!(benches, edits);
criterion_main!(benches);
