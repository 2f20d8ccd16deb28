"""ZoneEnv: PettingZoo's API test on the networked microgrids, each microgrid's operator
seeing and setting its own part, and zone rewards that add up to the network's."""

import numpy as np
import pytest
from pettingzoo.test import parallel_api_test

import gridpilot


def test_pettingzoos_api_test_passes():
    parallel_api_test(gridpilot.ZoneEnv("networked_microgrids"), num_cycles=40)
    parallel_api_test(gridpilot.ZoneEnv("networked_microgrids", zone_reward=True), num_cycles=40)


def test_each_microgrid_operator_sees_and_sets_its_own_part():
    env = gridpilot.ZoneEnv("networked_microgrids")
    assert env.possible_agents == ["DSO", "MG1", "MG2", "MG3"]
    # The feeder's operator sets its regulators and capacitor bank; each microgrid's, its units.
    assert env.action_names["DSO"] == ["DSO Regulator1.tap", "DSO Regulator2.tap", "SCB1.step"]
    for agent in ["MG1", "MG2", "MG3"]:
        assert f"{agent} ESS1.p_mw" in env.action_names[agent]
        assert f"switch {agent} Switch 1.closed" in env.action_names[agent]
        # Nothing of the other microgrids, seen or set.
        others = [m for m in ["MG1", "MG2", "MG3"] if m != agent]
        names = env.action_names[agent] + env.observation_names[agent]
        assert not [n for n in names if any(m in n for m in others)]
    assert "time.index" in env.observation_names["MG2"]
    all_actions = sum((env.action_names[a] for a in env.possible_agents), [])
    assert len(all_actions) == len(set(all_actions))


def zone_rewards_add_up(seed, action_seed, **overrides):
    """Steps the network with its reward shared and split by zone, under the same random
    actions: the zones' rewards add up to the network's, and differ."""
    shared = gridpilot.ZoneEnv("networked_microgrids", **overrides)
    zoned = gridpilot.ZoneEnv("networked_microgrids", zone_reward=True, **overrides)
    shared.reset(seed=seed)
    zoned.reset(seed=seed)
    rng = np.random.default_rng(action_seed)
    totals = []
    for _ in range(12):
        actions = {a: rng.uniform(shared.action_space(a).low, shared.action_space(a).high)
                   for a in shared.agents}
        _, total, *_ = shared.step(actions)
        _, parts, *_ = zoned.step(actions)
        assert sum(parts.values()) == pytest.approx(total["MG1"], rel=1e-9, abs=1e-12)
        assert len(set(parts.values())) > 1
        totals.append(total["MG1"])
    return totals


def test_zone_rewards_add_up_to_the_networks():
    # Each term is clipped zone by zone: with clips out of reach the parts add up exactly.
    zone_rewards_add_up(1, 3, reward={"energy_clip": 1e9, "penalty_clip": 1e9})


def test_zone_rewards_add_up_to_the_networks_under_the_cost_reward():
    # Every cost belongs to one zone's devices, buses or branches, and none is clipped.
    costs = {"generator_cost": True, "energy_price": {"Values": [40.0, 55.0, 70.0]},
             "ramp_cost_per_mw": 2.0, "tap_change_cost": 0.5, "violation_cost": 10.0}
    totals = zone_rewards_add_up(2, 5, reward={"kind": {"Cost": costs}})
    assert all(t < 0 for t in totals)


def test_a_network_without_zones_is_refused():
    with pytest.raises(ValueError, match="no zone"):
        gridpilot.ZoneEnv("anm6_easy")
