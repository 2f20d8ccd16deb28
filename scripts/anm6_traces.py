#!/usr/bin/env python3
"""Reference traces of gym-anm 2.0.1's ANM6-Easy for GridPilot's regression tests.

Drives the real `gym_anm.envs.anm6_env.anm6_easy.ANM6Easy` and writes JSON traces into
tests/data/anm6/ (see the README there for the format and how gym-anm's step works).
Needs a Python with gym-anm installed, outside the project, e.g.:

    python3 -m venv /tmp/gymanm && /tmp/gymanm/bin/pip install gym-anm==2.0.1
    /tmp/gymanm/bin/python scripts/anm6_traces.py [output_dir]

Nothing in gym-anm is changed.  Two things are wrapped, both behaviour-preserving:
  * `init_state` is overridden to pin the start time index t0 and the initial SoC (gym-anm
    draws both; the SoC draw has a units slip) and to start the renewables with Q = 0;
  * the Newton-Raphson solver and `Simulator.transition` are wrapped only to *record* their
    results (iteration count, final mismatch, the unclipped e_loss and penalty).
"""

import itertools
import json
import os
import sys
from importlib.metadata import version

import numpy as np

import gym_anm.simulator.solve_load_flow as slf
from gym_anm.envs.anm6_env.anm6_easy import ANM6Easy, _get_gen_time_series, _get_load_time_series

DEV_NAMES = ["grid", "load_res", "pv", "load_ind", "wind", "load_ev", "storage"]  # device ids 0..6
ACT_NAMES = ["pv.p_mw", "wind.p_mw", "pv.q_mvar", "wind.q_mvar", "storage.p_mw", "storage.q_mvar"]
DO_NOTHING = [30.0, 50.0, 0.0, 0.0, 0.0, 0.0]

# --- recording wrappers (they return exactly what the wrapped function returns) -------------
PF_LOG = {}
_nr = slf._newton_raphson_sparse


def _nr_logged(*args, **kwargs):
    v, n_iter, diff, converged = _nr(*args, **kwargs)
    PF_LOG.update(iterations=int(n_iter), mismatch_pu=float(diff))
    return v, n_iter, diff, converged


slf._newton_raphson_sparse = _nr_logged  # looked up as a module global by solve_pfe_newton_raphson


class PinnedANM6Easy(ANM6Easy):
    """ANM6Easy whose reset starts at time index t0 with the given SoC (MWh).

    Same construction as ANM6Easy.init_state, except: t0 and the SoC are given instead of
    drawn, the SoC is written in MWh (the unit the state vector expects; gym-anm writes a
    p.u. value there), and the renewables' initial Q is 0 instead of a random draw.  A step
    only depends on the previous state through state[-1] (= t) and the storage SoC, so
    this is exactly equivalent to gym-anm having drawn t0 and that SoC.
    """

    def __init__(self, t0, soc_mwh):
        super().__init__()
        self.t0, self.soc0 = t0, soc_mwh
        sim = self.simulator
        orig = sim.transition

        def transition(*a, **k):  # record the unclipped e_loss / penalty of the last call
            out = orig(*a, **k)
            self.raw_terms = (float(out[2]), float(out[3]))
            return out

        sim.transition = transition

    def init_state(self):
        n_dev, n_des, t0 = 7, 1, self.t0
        state = np.zeros(2 * n_dev + n_des + 2 + self.K)
        state[-1] = t0
        for dev_id, p_load in zip([1, 3, 5], self.P_loads):  # loads: P and Q = P * Q/P ratio
            state[dev_id] = p_load[t0]
            state[n_dev + dev_id] = p_load[t0] * self.simulator.devices[dev_id].qp_ratio
        for idx, (dev_id, p_max) in enumerate(zip([2, 4], self.P_maxs)):  # renewables: P = available
            state[2 * n_dev + n_des + idx] = p_max[t0]
            state[dev_id] = p_max[t0]
        state[2 * n_dev] = self.soc0  # storage SoC (MWh); storage P = Q = 0
        return state


def f(x):
    """Plain float (json writes repr, i.e. the exact double)."""
    return float(x)


def snapshot(env):
    """Electrical quantities from the simulator objects (and `simulator.state`)."""
    sim = env.simulator
    st = sim.state
    devs = sim.devices
    return {
        "bus_vm_pu": [f(np.abs(b.v)) for b in sim.buses.values()],
        "bus_va_deg": [f(st["bus_v_ang"]["degree"][i]) for i in sim.buses],
        "device_p_mw": {n: f(devs[i].p * sim.baseMVA) for i, n in enumerate(DEV_NAMES)},
        "device_q_mvar": {n: f(devs[i].q * sim.baseMVA) for i, n in enumerate(DEV_NAMES)},
        "soc_mwh": f(devs[6].soc * sim.baseMVA),
        "pv_available_mw": f(devs[2].p_pot * sim.baseMVA),
        "wind_available_mw": f(devs[4].p_pot * sim.baseMVA),
        "branch_s_mva": [f(br.s_apparent_max * sim.baseMVA) for br in sim.branches.values()],
        "branch_p_from_mw": [f(br.p_from * sim.baseMVA) for br in sim.branches.values()],
        "branch_q_from_mvar": [f(br.q_from * sim.baseMVA) for br in sim.branches.values()],
        "power_flow": dict(PF_LOG),
    }


def violations(env):
    """Constraint-violation sums (p.u.) exactly as Simulator._compute_reward forms them."""
    sim = env.simulator
    v = sum(max(0.0, abs(b.v) - b.v_max) + max(0.0, b.v_min - abs(b.v)) for b in sim.buses.values())
    s = sum(max(0.0, abs(br.s_apparent_max) - br.rate) for br in sim.branches.values())
    return f(v), f(s)


# --- exact projection, only to measure how far gym-anm's QP solver (OSQP via cvxpy) is off ---
def exact_projection(G, h, point):
    """Euclidean projection of `point` onto {x : G x <= h} (a 2-D polygon), by enumeration."""
    G, h = np.asarray(G, float), np.asarray(h, float)
    feas = lambda x: np.all(G @ x <= h + 1e-12 * (1 + np.abs(h)))
    cands = [point]
    for g, hh in zip(G, h):  # foot of the perpendicular on each edge line
        cands.append(point - (g @ point - hh) / (g @ g) * g)
    for (g1, h1), (g2, h2) in itertools.combinations(zip(G, h), 2):  # vertices
        A = np.array([g1, g2])
        if abs(np.linalg.det(A)) > 1e-14:
            cands.append(np.linalg.solve(A, [h1, h2]))
    cands = [c for c in cands if feas(c)]
    return min(cands, key=lambda c: np.sum((c - point) ** 2))


def projection_error_mw(env, action, soc_before_pu):
    """Max |gym-anm projected (P, Q) - exact projection| over pv, wind, storage, in MW/MVAr."""
    d, base, dt = env.simulator.devices, env.simulator.baseMVA, env.delta_t
    err = 0.0
    for dev_id, (ip, iq) in ((2, (0, 2)), (4, (1, 3))):
        g = d[dev_id]
        G = [[-1, 0], [1, 0], [1, 0], [0, -1], [0, 1], [-g.tau_1, 1], [g.tau_2, -1]]
        h = [-g.p_min, g.p_max, g.p_pot, -g.q_min, g.q_max, g.rho_1, -g.rho_2]
        x = exact_projection(G, h, np.array([action[ip], action[iq]]) / base)
        err = max(err, np.max(np.abs(x - [g.p, g.q])) * base)
    s = d[6]
    G = [[-1, 0], [1, 0], [0, -1], [0, 1], [-s.tau_1, 1], [s.tau_2, -1], [s.tau_3, -1], [-s.tau_4, 1],
         [-1, 0], [1, 0]]
    h = [-s.p_min, s.p_max, -s.q_min, s.q_max, s.rho_1, -s.rho_2, -s.rho_3, s.rho_4,
         -(soc_before_pu - s.soc_max) / (dt * s.eff), s.eff * (soc_before_pu - s.soc_min) / dt]
    x = exact_projection(G, h, np.array([action[4], action[5]]) / base)
    return f(max(err, np.max(np.abs(x - [s.p, s.q])) * base))


def run(description, t0, soc_mwh, actions):
    env = PinnedANM6Easy(t0, soc_mwh)
    obs, _ = env.reset(seed=0)
    assert int(env.state[-1]) == t0 and abs(env.simulator.devices[6].soc * 100 - soc_mwh) < 1e-12
    trace = {
        "description": description,
        "start_time_index": t0,
        "initial_soc_mwh": soc_mwh,
        "reset": dict(snapshot(env), obs=[f(x) for x in obs]),
        "steps": [],
    }
    t = t0
    for a in actions:
        a = np.array(a, dtype=np.float64)
        was_terminal = env.terminated
        soc_before = env.simulator.devices[6].soc
        obs, r, terminated, _, _ = env.step(a)
        rec = {"action": {n: f(x) for n, x in zip(ACT_NAMES, a)}}
        if was_terminal:  # gym-anm returns at once: obs = 0, r = 0, nothing is simulated
            rec.update(time_index=None, reward=f(r), terminated=bool(terminated), obs=[f(x) for x in obs])
            trace["steps"].append(rec)
            continue
        t = (t + 1) % 96
        rec.update(time_index=t, reward=f(r), terminated=bool(terminated))
        e_raw, pen_raw = env.raw_terms
        v_viol, s_viol = violations(env)
        terms = {
            "e_loss_raw": e_raw,  # Δt·(Σ gen P incl. slack + Σ load P + Σ curtailment), p.u.·h
            "e_loss": f(env.e_loss),  # after sign·clip(|·|, 0, 1)
            "voltage_violation_pu": v_viol,
            "branch_violation_pu": s_viol,
            "penalty_raw": pen_raw,  # Δt·λ·(voltage + branch violations)
            "penalty": f(env.penalty),  # clipped to [0, 100]
        }
        if terminated:  # load flow did not converge: NR left garbage (possibly NaN/inf), not recorded;
            # gym-anm sets e_loss and penalty to the clipping values (1, 100)
            terms = {"e_loss": f(env.e_loss), "penalty": f(env.penalty)}
            rec.update(reward_terms=terms, obs=[f(x) for x in obs], power_flow=dict(PF_LOG))
        else:
            rec.update(snapshot(env))
            rec["reward_terms"] = terms
            rec["obs"] = [f(x) for x in obs]
            rec["projection_error_mw"] = projection_error_mw(env, a, soc_before)
        trace["steps"].append(rec)
    return finite_or_null(trace)


def finite_or_null(x):
    """NaN/inf (only possible in a terminal step's unclipped terms) become JSON null."""
    if isinstance(x, dict):
        return {k: finite_or_null(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite_or_null(v) for v in x]
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def a_(pv_p=30.0, wind_p=50.0, pv_q=0.0, wind_q=0.0, st_p=0.0, st_q=0.0):
    return [pv_p, wind_p, pv_q, wind_q, st_p, st_q]


def scripted_actions():
    """t0 = 48 (pv ramping up, midday plateau from t = 52) and SoC 50 MWh."""
    acts = []
    acts += [a_()] * 3                                                   # t 49..51: do nothing
    acts += [a_(pv_p=10.0, wind_p=20.0)] * 4                             # curtailment caps
    acts += [a_(pv_p=0.0, wind_p=0.0)] * 2                               # full curtailment
    acts += [a_(pv_q=30.0, wind_q=50.0)] * 2                             # Q corners (top), P pushed down
    acts += [a_(pv_q=-30.0, wind_q=-50.0)] * 2                           # Q corners (bottom)
    acts += [a_(pv_p=25.0, wind_p=45.0, pv_q=12.0, wind_q=-30.0)] * 2    # slanted edges
    acts += [a_(st_p=50.0, st_q=50.0), a_(st_p=-50.0, st_q=-50.0),       # storage corners
             a_(st_p=-40.0, st_q=45.0), a_(st_p=35.0, st_q=-40.0)]
    acts += [a_(st_p=-50.0)] * 7                                         # charge to 100 MWh, then limited
    acts += [a_(st_p=-50.0, st_q=20.0)] * 2                              # full: P forced to 0
    acts += [a_(st_p=50.0)] * 10                                         # discharge to 0 MWh, then limited
    acts += [a_(st_p=50.0, st_q=-20.0)] * 2                              # empty: P forced to 0
    acts += [a_(wind_p=35.0, pv_p=20.0, pv_q=30.0, wind_q=50.0, st_p=-10.0, st_q=50.0)] * 3  # over-voltage
    acts += [a_(wind_p=35.0, pv_p=20.0, pv_q=-15.0, wind_q=-25.0, st_p=-30.0, st_q=-25.0)] * 3  # under-voltage
    acts += [a_(st_p=-30.0)] * 2                                         # recharge a little
    acts += [a_(st_p=30.0, st_q=40.0)] * 2                               # discharge + export over the transformer
    acts += [a_(pv_p=15.0, wind_p=25.0, pv_q=5.0, wind_q=-5.0, st_p=-20.0, st_q=10.0)] * 5
    acts += [a_()] * 10                                                  # do nothing through the afternoon
    acts += [a_(pv_q=-15.0, wind_q=-25.0, st_q=-25.0)] * 3               # absorb Q at night
    acts += [a_(pv_q=30.0, wind_q=50.0, st_q=50.0)] * 3                  # inject all the Q the box allows
    return acts


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "anm6")
    os.makedirs(out, exist_ok=True)
    env = ANM6Easy()
    lo, hi = env.action_space.low, env.action_space.high

    traces = {}
    traces["do_nothing"] = run("do-nothing action (pv 30, wind 50, rest 0) for 96 steps", 0, 50.0,
                               [DO_NOTHING] * 96)
    rng = np.random.default_rng(20240601)
    traces["random"] = run("uniform random actions in the action box, numpy default_rng(20240601)",
                           30, 20.0, [rng.uniform(lo, hi) for _ in range(200)])
    traces["scripted"] = run("hand-made: curtailment, capability corners, storage to 100 MWh and to "
                             "0 MWh, over/under-voltage penalties", 48, 50.0, scripted_actions())
    # Peak EV demand (t0 = 33..): absorb all reactive power the box allows and charge the storage.
    # Absorbing s * (30 + 50 + 50) MVAr with pv and wind fully curtailed: gym-anm's flat-start NR
    # converges up to s ~ 0.7618 (close to the nose of the PV curve, min |V| ~ 0.51 p.u.; penalty
    # clipped at 100) and diverges beyond; s = 1 is the terminal step.
    absorb = lambda s: a_(pv_p=0.0, wind_p=0.0, pv_q=-30.0 * s, wind_q=-50.0 * s, st_p=0.0, st_q=-50.0 * s)
    traces["terminal"] = run("at the EV peak (t0 = 33): do nothing, growing reactive absorption "
                             "(s = 0.5, 0.75, 0.76 of the box; converged, the last ones near voltage "
                             "collapse), then s = 1: load flow diverges (terminal, r = -100/(1-0.995)); "
                             "then 6 more do-nothing steps (r = 0, obs = 0, nothing simulated)",
                             33, 50.0, [DO_NOTHING] * 2 + [absorb(0.5), absorb(0.75), absorb(0.76), absorb(1.0)]
                             + [DO_NOTHING] * 6)

    meta = {
        "gym_anm": version("gym-anm"), "numpy": version("numpy"), "scipy": version("scipy"),
        "cvxpy": version("cvxpy"), "osqp": version("osqp"), "gymnasium": version("gymnasium"),
        "python": sys.version.split()[0],
    }
    for name, tr in traces.items():
        tr["generated_with"] = meta
        with open(os.path.join(out, name + ".json"), "w") as fh:
            json.dump(tr, fh, indent=1, allow_nan=False)
        st = [s for s in tr["steps"] if s.get("time_index") is not None]
        print(f"{name}: {len(tr['steps'])} steps, terminal={any(s['terminated'] for s in st)}, "
              f"penalty>0 on {sum(s['reward_terms']['penalty'] > 0 for s in st)}, "
              f"max projection error {max((s.get('projection_error_mw', 0) for s in st)):.3g} MW")

    # The profiles exactly as gym-anm builds them (np.linspace values, full precision).
    loads, gens = _get_load_time_series(), _get_gen_time_series()
    prof = {"load_res_p_mw": loads[0], "load_ind_p_mw": loads[1], "load_ev_p_mw": loads[2],
            "pv_available_mw": gens[0], "wind_available_mw": gens[1]}
    with open(os.path.join(out, "profiles.json"), "w") as fh:
        json.dump({k: [f(x) for x in v] for k, v in prof.items()}, fh, indent=1)


if __name__ == "__main__":
    main()
