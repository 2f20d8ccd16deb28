#!/usr/bin/env python3
"""Builds the bundled networks that come from pandapower, from the files beside the project
(../shared/networks-pandapower, see its README):

    cargo build --release && python3 scripts/make_pandapower_networks.py

- networks/ieee13_powergrid.ron, networks/ieee34_powergrid.ron and
  networks/networked_microgrids.ron: PowerGrid's feeders with the devices its environments
  attach (ratings, storage energy limits and generator cost curves from its tables), a day in
  hourly steps as PowerGrid runs them, loads following a residential daily shape at the
  file's values (PowerGrid's CAISO data is not distributed), solar and wind following the
  built-in shapes at their ratings. Storage efficiency is PowerGrid's 0.98 throughout.
- networks/cigre_mv_der.ron: pandapower's CIGRE MV benchmark with all its distributed energy
  resources, on its own geodata, over a day in 15-minute steps.
"""
import re
import subprocess
from pathlib import Path

from make_networks import GRIDPILOT, ROOT, close_network as close

SOURCES = ROOT.parent / "shared" / "networks-pandapower"


def imported(name):
    out = Path("/tmp") / f"gridpilot-{name}.ron"
    subprocess.run([GRIDPILOT, "import", SOURCES / f"{name}.json", "-o", out], check=True,
                   capture_output=True)
    return out.read_text()


def bus_of(ron, device):
    return re.search(rf'name: "{re.escape(device)}",\s*bus: "([^"]*)"', ron).group(1)


def without_devices(ron, kinds):
    """Takes the devices of these kinds out of the device list."""
    for kind in kinds:
        ron = re.sub(rf"        {kind}\(\n.*?\n        \),\n", "", ron, flags=re.S)
    return ron


def loads(ron):
    return re.findall(r'Load\(\n\s*name: "([^"]*)",\s*bus: "[^"]*",\s*p_mw: ([-0-9.e]+)', ron)


def storage(ron, name, p_mw, e_min, e_max, capacity):
    return (f'        Storage(name: "{name}", bus: "{bus_of(ron, name)}", soc_min_mwh: {e_min},'
            f' soc_max_mwh: {e_max}, efficiency: 0.98, soc_mwh: {capacity / 2},\n'
            f'            capability: (p_min_mw: {-p_mw}, p_max_mw: {p_mw}, q_min_mvar: 0.0,'
            f' q_max_mvar: 0.0)),\n')


def generator(ron, name, p_max, q_max, cost):
    return (f'        Generator(name: "{name}", bus: "{bus_of(ron, name)}", p_mw: 0.0,'
            f' p_min_mw: 0.0, p_max_mw: {p_max}, q_min_mvar: {-q_max}, q_max_mvar: {q_max},\n'
            f'            cost: Polynomial(startup: 0.0, shutdown: 0.0, coefficients: {cost})),\n')


def renewable(ron, name, source, rating):
    return (f'        Renewable(name: "{name}", bus: "{bus_of(ron, name)}", source: {source},'
            f' p_mw: 0.0,\n            capability: (p_min_mw: 0.0, p_max_mw: {rating},'
            f' q_min_mvar: 0.0, q_max_mvar: 0.0)),\n')


def day(ron, steps_per_day, renewables, shape=lambda name: "Residential"):
    profiles = [f'            (device: "{n}", series: Daily(shape: {shape(n)}, peak_mw: {p},'
                f' noise_pct: 3.0)),' for n, p in loads(ron) if float(p) > 0]
    profiles += [f'            (device: "{n}", series: Daily(shape: {s}, peak_mw: {r},'
                 f' noise_pct: 10.0)),' for n, s, r in renewables]
    return (f"        time_step_h: {24 / steps_per_day},\n        steps_per_cycle: {steps_per_day},\n"
            f"        episode_steps: {steps_per_day},\n"
            "        profiles: [\n" + "\n".join(profiles) + "\n        ],\n")


DG_COST_1 = [100.0, 51.6, 0.4615]
DG_COST_2 = [100.0, 72.4, 0.5011]


def zoned(ron):
    """Each bus in the zone its name starts with: the distribution feeder (DSO) or a microgrid
    (MG1, MG2, MG3), as PowerGrid's multi-agent environment splits the network."""
    return re.sub(r'(\n        \(\n            name: "(MG\d|DSO) Bus [^"]*",)', r'\1\n            zone: "\2",', ron)


def powergrid(source, file, name, comment, storages, generators, renewables, zones=False):
    ron = imported(source)
    if zones:
        ron = zoned(ron)
    devices = "".join(storage(ron, *s) for s in storages)
    devices += "".join(generator(ron, *g) for g in generators)
    devices += "".join(renewable(ron, *r) for r in renewables)
    scenario = day(ron, 24, renewables)
    ron = without_devices(ron, ["Storage", "Generator", "Renewable"])
    ron = re.sub(r'^\(\n    name: "[^"]*"', f'(\n    name: "{name}"', ron, count=1, flags=re.M)
    (ROOT / "networks" / file).write_text(comment + close(ron, devices, scenario))


def ieee13():
    powergrid(
        "ieee13", "ieee13_powergrid.ron", "ieee13_powergrid",
        "// PowerGrid's IEEE 13-bus feeder (IEEE13Env) with its storage, two diesel generators,\n"
        "// solar and wind; a day in hourly steps. Made by scripts/make_pandapower_networks.py.\n",
        [("MG1 ESS1", 0.5, 0.3, 2.7, 3.0)],
        [("MG1 DG1", 0.4, 0.3, DG_COST_1), ("MG1 DG2", 0.5, 0.375, DG_COST_2)],
        [("MG1 PV1", "Solar", 0.5), ("MG1 WT1", "Wind", 0.5)])


def ieee34():
    powergrid(
        "ieee34", "ieee34_powergrid.ron", "ieee34_powergrid",
        "// PowerGrid's IEEE 34-bus feeder (IEEE34Env) with its two storage units, two diesel\n"
        "// generators, three solar and two wind units; a day in hourly steps.\n"
        "// Made by scripts/make_pandapower_networks.py.\n",
        [("MG1 ESS1", 0.5, 0.3, 2.7, 3.0), ("MG1 ESS2", 0.4, 0.2, 1.8, 2.0)],
        [("MG1 DG1", 0.4, 0.3, DG_COST_1), ("MG1 DG2", 0.5, 0.375, DG_COST_2)],
        [("MG1 PV1", "Solar", 0.1), ("MG1 PV2", "Solar", 0.1), ("MG1 PV3", "Solar", 0.1),
         ("MG1 WT1", "Wind", 0.15), ("MG1 WT2", "Wind", 0.15)])


def microgrids():
    dgs = [("MG1 DG1", 0.66, 0.7513, DG_COST_2), ("MG2 DG1", 0.6, 0.0, DG_COST_1),
           ("MG3 DG1", 0.5, 0.0, DG_COST_1)]
    powergrid(
        "networked_microgrids", "networked_microgrids.ron", "networked_microgrids",
        "// PowerGrid's networked microgrids (MultiAgentMicrogrids): the IEEE 34-bus feeder with\n"
        "// three IEEE 13-bus microgrids, each with storage, a diesel generator, solar and wind;\n"
        "// loads at PowerGrid's 0.2 scaling; a day in hourly steps. Zones: the feeder (DSO) and\n"
        "// each microgrid (MG1-MG3), one operator each in gridpilot.ZoneEnv.\n"
        "// Made by scripts/make_pandapower_networks.py.\n",
        [(f"MG{k} ESS1", 0.5, 0.2, 2.0, 2.0) for k in (1, 2, 3)],
        dgs,
        [(f"MG{k} {u}", s, 0.1) for k in (1, 2, 3) for u, s in (("PV1", "Solar"), ("WT1", "Wind"))],
        zones=True)


def cigre():
    ron = imported("cigre_mv_der")
    renewables = re.findall(r'Renewable\(\n\s*name: "([^"]*)",.*?source: (Solar|Wind),.*?p_max_mw: ([0-9.e-]+)',
                            ron, flags=re.S)
    shape = lambda name: "Commercial" if "CI" in name else "Residential"
    scenario = day(ron, 96, [(n, s, p) for n, s, p in renewables], shape)
    ron = re.sub(r'^\(\n    name: "[^"]*"', '(\n    name: "cigre_mv_der"', ron, count=1, flags=re.M)
    (ROOT / "networks" / "cigre_mv_der.ron").write_text(
        "// pandapower's CIGRE MV benchmark with all its distributed energy resources, on its own\n"
        "// geodata; open switches S1-S3 keep its feeders radial; a day in 15-minute steps.\n"
        "// Made by scripts/make_pandapower_networks.py.\n" + close(ron, "", scenario))


if __name__ == "__main__":
    ieee13()
    ieee34()
    microgrids()
    cigre()
