#!/usr/bin/env python3
"""Builds the bundled scenario networks from the MATPOWER cases beside the project.

    cargo build --release && python3 scripts/make_networks.py

- networks/case33bw_feeder.ron: the Baran & Wu 33-bus feeder with two solar farms, a wind
  turbine and a battery, loads following built-in daily shapes with seeded noise.
- networks/case14_classroom.ron and networks/case30_classroom.ron: the textbook IEEE 14- and
  30-bus systems over a day, loads following daily shapes, with ratings and protection as
  below (case30's own MATPOWER ratings, lower than its flows, replaced; case14 has none) and
  upper voltage limits of 1.1 p.u. (case14's 1.06 is below its own generators' setpoints).
- networks/case118_transmission.ron (+ case118_loads.csv): IEEE 118 with loads following a
  daily curve from a CSV file, overload protection on, and thermal ratings (the case has none)
  set at 120 % of the largest flow each branch carries over a do-nothing day, at least 20 MVA,
  rounded up to 5 MVA: doing nothing is safe, while redispatch and switching can overload.
"""
import json
import re
import math
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared" / "cases"
GRIDPILOT = ROOT / "target" / "release" / "gridpilot"


def imported(case):
    out = Path("/tmp") / f"{case}.ron"
    subprocess.run([GRIDPILOT, "import", CASES / f"{case}.m", "-o", out], check=True,
                   capture_output=True)
    return out.read_text()


def close_network(ron, devices, scenario):
    """Appends devices to the device list (the last field) and adds the scenario."""
    head, tail = ron.rstrip().rsplit("    ],\n)", 1)
    assert tail == ""
    return head + devices + "    ],\n    scenario: (\n" + scenario + "    ),\n)\n"


def capability(p_min, p_max, q, p_plus=None, p_minus=None, q_corner=None, min_pf=None):
    fields = [f"p_min_mw: {p_min}", f"p_max_mw: {p_max}", f"q_min_mvar: {-q}", f"q_max_mvar: {q}"]
    if p_plus is not None:
        fields.append(f"p_plus_mw: {p_plus}")
    if p_minus is not None:
        fields.append(f"p_minus_mw: {p_minus}")
    if q_corner is not None:
        fields += [f"q_plus_mvar: {q_corner}", f"q_minus_mvar: {-q_corner}"]
    if min_pf is not None:
        fields.append(f"min_power_factor: {min_pf}")
    return "(" + ", ".join(fields) + ")"


def feeder():
    ron = imported("case33bw")
    loads = json.loads(subprocess.run([GRIDPILOT, "pf", "/tmp/case33bw.ron", "--json"],
                                      check=True, capture_output=True).stdout)["devices"]
    devices = f"""        Renewable(name: "pv_18", bus: "18", source: Solar, p_mw: 0.0,
            capability: {capability(0.0, 1.5, 0.5, p_plus=1.2, q_corner=0.3, min_pf=0.9)}),
        Renewable(name: "pv_33", bus: "33", source: Solar, p_mw: 0.0,
            capability: {capability(0.0, 1.0, 0.35, p_plus=0.8, q_corner=0.2, min_pf=0.9)}),
        Renewable(name: "wind_25", bus: "25", source: Wind, p_mw: 0.6,
            capability: {capability(0.0, 1.0, 0.4, p_plus=0.8, q_corner=0.25)}),
        Storage(name: "battery_30", bus: "30", soc_max_mwh: 2.0, efficiency: 0.95, soc_mwh: 1.0,
            capability: {capability(-1.0, 1.0, 0.5, p_plus=0.8, p_minus=-0.8, q_corner=0.3)}),
"""
    profiles = []
    for d in loads:
        if d["kind"] != "load":
            continue
        p = d["p_mw"]
        shape = "Industrial" if p >= 0.4 else "Commercial" if p >= 0.2 else "Residential"
        profiles.append(f'            (device: "{d["name"]}", series: Daily(shape: {shape}, '
                        f'peak_mw: {p}, noise_pct: 5.0)),')
    profiles += [
        '            (device: "pv_18", series: Daily(shape: Solar, peak_mw: 1.5, noise_pct: 10.0)),',
        '            (device: "pv_33", series: Daily(shape: Solar, peak_mw: 1.0, noise_pct: 10.0)),',
        '            (device: "wind_25", series: Daily(shape: Wind, peak_mw: 1.0, noise_pct: 20.0)),',
    ]
    scenario = ("        time_step_h: 0.25,\n        steps_per_cycle: 96,\n        episode_steps: 96,\n"
                "        profiles: [\n" + "\n".join(profiles) + "\n        ],\n")
    ron = ron.replace('name: "case33bw"', 'name: "case33bw_feeder"', 1)
    (ROOT / "networks" / "case33bw_feeder.ron").write_text(
        "// Baran & Wu's 33-bus, 12.66 kV feeder with solar, wind and a battery; a day in\n"
        "// 15-minute steps. Made by scripts/make_networks.py.\n" + close_network(ron, devices, scenario))


def rating(s_mva):
    return max(20.0, 5.0 * math.ceil(1.2 * s_mva / 5.0))


def largest_daily_flows(network):
    """The largest |S| of every branch over a do-nothing day, by branch name."""
    out = subprocess.run([GRIDPILOT, "run", "--network", network, "--json"], check=True,
                         capture_output=True, text=True).stdout
    largest = {}
    for line in out.splitlines():
        for name, b in json.loads(line)["branches"].items():
            largest[name] = max(largest.get(name, 0.0), abs(b["s_mva"]))
    return largest


def transmission():
    ron = imported("case118")
    result = json.loads(subprocess.run([GRIDPILOT, "pf", "/tmp/case118.ron", "--json"],
                                       check=True, capture_output=True).stdout)
    loads = [d for d in result["devices"] if d["kind"] == "load"]
    rows = []
    for t in range(96):
        row = []
        for k, d in enumerate(loads):
            # Every third load peaks in the evening, the others in the afternoon.
            peak = 76 if k % 3 == 0 else 64
            factor = 0.9 + 0.2 * 0.5 * (1 - math.cos(2 * math.pi * (t - peak + 48) / 96))
            row.append(f"{d['p_mw'] * factor:.4f}")
        rows.append(",".join(row))
    csv = ",".join(d["name"] for d in loads) + "\n" + "\n".join(rows) + "\n"
    (ROOT / "networks" / "case118_loads.csv").write_text(csv)
    profiles = "\n".join(
        f'            (device: "{d["name"]}", series: Csv(file: "case118_loads.csv", column: "{d["name"]}")),'
        for d in loads)
    day = ("        time_step_h: 0.25,\n        steps_per_cycle: 96,\n        episode_steps: 96,\n"
           "        profiles: [\n" + profiles + "\n        ],\n")
    ron = ron.replace('name: "case118"', 'name: "case118_transmission"', 1)
    rated(ron, "case118_transmission.ron", day,
          "// IEEE 118-bus system with thermal ratings (120 % of the largest flow over a do-nothing\n"
          "// day, at least 20 MVA) and overload protection; loads follow case118_loads.csv over a\n"
          "// day in 15-minute steps. Made by scripts/make_networks.py.\n")


PROTECTION = ("        protection: (overload_steps: 3, hard_limit_pct: 200.0, cooldown_steps: 10,"
              " max_lost_pct: 50.0),\n")


def rated(ron, file, day, comment):
    """Writes the network with `day` as its scenario, thermal ratings for the branches that have
    none (120 % of the largest flow over a do-nothing day, at least 20 MVA, rounded up to
    5 MVA) and overload protection."""
    target = ROOT / "networks" / file
    target.write_text(close_network(ron, "", day))
    for name, s_mva in largest_daily_flows(target).items():
        start = ron.index(f'name: "{name}",')
        end = ron.index("),", start)
        at = ron.find("rating_mva: None,", start, end)
        if at >= 0:
            ron = ron[:at] + f"rating_mva: {rating(s_mva)}," + ron[at + len("rating_mva: None,"):]
    target.write_text(comment + close_network(ron, "", day + PROTECTION))


def classroom(case, title):
    """A classic textbook case over a day: loads follow the built-in daily shapes (every other
    one commercial, the rest residential) peaking at the case's own values, with ratings and
    protection as case118's."""
    ron = imported(case)
    result = json.loads(subprocess.run([GRIDPILOT, "pf", f"/tmp/{case}.ron", "--json"],
                                       check=True, capture_output=True).stdout)
    loads = [d for d in result["devices"] if d["kind"] == "load"]
    profiles = "\n".join(
        f'            (device: "{d["name"]}", series: Daily(shape: '
        f'{"Commercial" if k % 2 else "Residential"}, peak_mw: {d["p_mw"]}, noise_pct: 3.0)),'
        for k, d in enumerate(loads) if d["p_mw"] > 0)
    day = ("        time_step_h: 0.25,\n        steps_per_cycle: 96,\n        episode_steps: 96,\n"
           "        profiles: [\n" + profiles + "\n        ],\n")
    name = f"{case}_classroom"
    ron = ron.replace(f'name: "{case}"', f'name: "{name}"', 1)
    # Every branch rated by its own flows (case30's MATPOWER ratings are below them), and
    # upper voltage limits no lower than the voltages the case's generators hold.
    ron = re.sub(r"rating_mva: [0-9.]+,", "rating_mva: None,", ron)
    ron = re.sub(r"vmax_pu: [0-9.]+,", "vmax_pu: 1.1,", ron)
    rated(ron, f"{name}.ron", day,
          f"// {title} over a day in 15-minute steps: loads follow daily shapes peaking at the\n"
          "// case's values; every branch rated at 120 % of its largest flow over a do-nothing\n"
          "// day (at least 20 MVA); upper voltage limits 1.1 p.u.; overload protection on.\n"
          "// Made by scripts/make_networks.py.\n")


if __name__ == "__main__":
    feeder()
    transmission()
    classroom("case14", "IEEE 14-bus system")
    classroom("case30", "IEEE 30-bus system")
