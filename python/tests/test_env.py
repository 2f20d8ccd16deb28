"""GridEnv as Gymnasium and the command line see it: the API checker on every bundled network,
episodes equal to `gridpilot run` value for value, recordings, overrides and bad input."""

import csv
import json

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import gridpilot
from conftest import ROOT, run_cli, run_json
from gridpilot.registration import environment_id


@pytest.mark.parametrize("network", gridpilot.bundled_networks())
def test_gymnasiums_checker_passes_for_every_bundled_network(network):
    check_env(gridpilot.GridEnv(network), skip_render_check=True)
    assert gym.make(environment_id(network)).unwrapped.network == network


def test_anm6_easy_has_gym_anms_id_and_names():
    env = gym.make("gridpilot/ANM6Easy-v0").unwrapped
    assert env.action_names == [
        "pv.p_mw", "wind.p_mw", "pv.q_mvar", "wind.q_mvar", "storage.p_mw", "storage.q_mvar",
    ]
    assert env.observation_names[:3] == ["grid.p_mw", "load_res.p_mw", "pv.p_mw"]
    assert env.discount == 0.995


def write_schedule(path, names, actions):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(names)
        for a in actions:
            writer.writerow([repr(float(x)) for x in a])


@pytest.mark.parametrize("network", ["anm6_easy", "three_bus_feeder"])
def test_an_episode_from_python_equals_gridpilot_run(tmp_path, network):
    env = gridpilot.GridEnv(network)
    rng = np.random.default_rng(7)
    obs, _ = env.reset(seed=3)
    steps = []
    actions = []
    for _ in range(30):
        action = rng.uniform(env.action_space.low, env.action_space.high)
        actions.append(action)
        obs, reward, terminated, truncated, info = env.step(action)
        steps.append((obs, reward, terminated, truncated))
        if terminated or truncated:
            break
    schedule = tmp_path / "actions.csv"
    write_schedule(schedule, env.action_names, actions)
    file = ROOT / "networks" / f"{network}.ron"
    cli = run_json("--network", str(file), "--agent", f"schedule:{schedule}", "--seed", "3",
                   "--steps", str(len(steps)))
    assert len(cli) == len(steps)
    names = env.observation_names
    for (obs, reward, terminated, truncated), row in zip(steps, cli):
        assert reward == row["reward"]
        assert (terminated, truncated) == (row["terminated"], row["truncated"])
        for bus, values in row["buses"].items():
            assert obs[names.index(f"{bus}.vm_pu")] == values["vm_pu"]
        for device, values in row["devices"].items():
            assert obs[names.index(f"{device}.p_mw")] == values["p_mw"]
            assert obs[names.index(f"{device}.q_mvar")] == values["q_mvar"]


def test_load_episode_reads_a_recording_of_the_command_line(tmp_path):
    file = tmp_path / "run.episode"
    run_cli("run", "--network", "networks/anm6_easy.ron", "--agent", "random", "--seed", "2",
            "--steps", "20", "--out", str(file))
    episode = gridpilot.load_episode(str(file))
    cli = run_json("--network", "networks/anm6_easy.ron", "--agent", "random", "--seed", "2",
                   "--steps", "20")
    assert episode["agent"] == "random" and episode["seed"] == 2
    assert list(episode["reward"][1:]) == [row["reward"] for row in cli]
    assert episode["bus_vm_pu"].shape == (21, 6)
    bus3 = episode["bus_names"].index("bus3")
    assert list(episode["bus_vm_pu"][1:, bus3]) == [row["buses"]["bus3"]["vm_pu"] for row in cli]
    # Step 0 is the state after reset: no action was asked for.
    assert np.isnan(episode["requested_action"][0]).all()
    assert episode["requested_action"].shape == (21, 6)


def test_an_episode_recorded_from_python_replays_exactly(tmp_path):
    file = tmp_path / "python.episode"
    env = gridpilot.GridEnv("anm6_easy")
    env.reset(seed=4, options={"record": str(file)})
    env.action_space.seed(1)
    for _ in range(25):
        env.step(env.action_space.sample())
    env.close()
    out = run_cli("replay", "--verify", str(file))
    assert "verified" in out.stdout
    assert len(gridpilot.load_episode(str(file))["reward"]) == 26


def test_scenario_settings_are_overridden_by_keyword():
    env = gridpilot.GridEnv("anm6_easy", episode_steps=4, reward={"penalty_weight": 10.0})
    env.reset(seed=0)
    truncated = [env.step(env.do_nothing)[3] for _ in range(4)]
    assert truncated == [False, False, False, True]
    with pytest.raises(ValueError, match="episode_stepz"):
        gridpilot.GridEnv("anm6_easy", episode_stepz=4)
    with pytest.raises(ValueError, match="discount"):
        gridpilot.GridEnv("anm6_easy", discount=1.5)


def test_normalised_actions_span_the_bounds():
    plain = gridpilot.GridEnv("anm6_easy")
    scaled = gridpilot.GridEnv("anm6_easy", normalize_actions=True)
    assert (scaled.action_space.low == -1).all() and (scaled.action_space.high == 1).all()
    plain.reset(seed=0)
    scaled.reset(seed=0)
    low = plain.action_space.low
    a = plain.step(low)
    b = scaled.step(-np.ones(len(low)))
    assert (a[0] == b[0]).all() and a[1] == b[1]


def test_bad_input_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="no bundled network is named 'nowhere'"):
        gridpilot.GridEnv("nowhere")
    env = gridpilot.GridEnv("anm6_easy")
    with pytest.raises(RuntimeError, match="reset"):
        env.step(env.do_nothing)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="the action has 2 values"):
        env.step(np.zeros(2))
    with pytest.raises(ValueError, match="start time index 200"):
        env.reset(seed=0, options={"start_time_index": 200})
    with pytest.raises(ValueError, match="no storage unit named 'tank'"):
        env.reset(seed=0, options={"initial_soc_mwh": {"tank": 3.0}})


def test_reset_with_a_seed_is_reproducible_and_without_one_moves_on():
    env = gridpilot.GridEnv("case33bw_feeder")
    first, _ = env.reset(seed=5)
    again, _ = env.reset(seed=5)
    assert (first == again).all()
    env.reset()
    info = env.step(env.do_nothing)[4]
    assert set(info) == {"step", "time_index", "reward_terms", "violations", "events", "clipped"}


def test_the_protocols_score_equals_gridpilot_evaluate():
    from gridpilot.evaluation import discounted_return

    env = gridpilot.GridEnv("anm6_easy")
    score = discounted_return(env, lambda obs: env.do_nothing, steps=300, seed=4)
    out = run_cli("evaluate", "--network", "networks/anm6_easy.ron", "--agent", "do-nothing",
                  "--steps", "300", "--seed", "4", "--json")
    report = json.loads(out.stdout)
    assert score == report["agents"][0]["discounted_return"]["mean"]
