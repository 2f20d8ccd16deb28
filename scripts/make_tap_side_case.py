#!/usr/bin/env python3
"""Writes tests/data/pandapower/tap_sides.json, a small pandapower network with one transformer
tapped on its low-voltage side and one on its high-voltage side, and
tests/data/pandapower/tap_sides_results.json: pandapower.runpp's bus voltages with the low-side
changer at several positions, so the import can be checked at every position, not only at the
file's.

    pip install pandapower && python3 scripts/make_tap_side_case.py
"""
import json
from pathlib import Path

import pandapower as pp

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pandapower"
POSITIONS = [-9, -4, 0, 3, 9]


def network():
    net = pp.create_empty_network(sn_mva=10.0)
    hv = pp.create_bus(net, vn_kv=110.0, name="hv")
    mv = pp.create_bus(net, vn_kv=20.0, name="mv")
    far = pp.create_bus(net, vn_kv=20.0, name="far")
    lv = pp.create_bus(net, vn_kv=0.4, name="lv")
    pp.create_ext_grid(net, hv, vm_pu=1.02, name="grid")
    # GridPilot reads transformers without magnetising branch (pfe_kw, i0_percent 0).
    pp.create_transformer_from_parameters(
        net, hv, mv, sn_mva=25.0, vn_hv_kv=110.0, vn_lv_kv=20.0, vkr_percent=0.41,
        vk_percent=12.0, pfe_kw=0.0, i0_percent=0.0, shift_degree=0.0, tap_side="lv",
        tap_neutral=0, tap_min=-9, tap_max=9, tap_step_percent=1.5, tap_pos=3, tap_changer_type="Ratio",
        name="lv_tapped")
    pp.create_line_from_parameters(net, mv, far, length_km=4.0, r_ohm_per_km=0.16,
                                   x_ohm_per_km=0.12, c_nf_per_km=280.0, max_i_ka=0.4,
                                   name="feeder")
    pp.create_transformer_from_parameters(
        net, far, lv, sn_mva=0.63, vn_hv_kv=20.0, vn_lv_kv=0.4, vkr_percent=1.2,
        vk_percent=6.0, pfe_kw=0.0, i0_percent=0.0, shift_degree=0.0, tap_side="hv",
        tap_neutral=0, tap_min=-2, tap_max=2, tap_step_percent=2.5, tap_pos=-1, tap_changer_type="Ratio",
        name="hv_tapped")
    pp.create_load(net, far, p_mw=3.0, q_mvar=1.0, name="load_far")
    pp.create_load(net, lv, p_mw=0.4, q_mvar=0.1, name="load_lv")
    pp.create_sgen(net, mv, p_mw=1.5, q_mvar=0.0, name="pv_mv", type="PV")
    return net


def main():
    net = network()
    OUT.mkdir(parents=True, exist_ok=True)
    pp.to_json(net, str(OUT / "tap_sides.json"))
    results = {}
    for position in POSITIONS:
        net.trafo.loc[0, "tap_pos"] = position
        pp.runpp(net, tolerance_mva=1e-12)
        results[str(position)] = {
            "vm_pu": net.res_bus.vm_pu.tolist(),
            "va_degree": net.res_bus.va_degree.tolist(),
        }
    (OUT / "tap_sides_results.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
