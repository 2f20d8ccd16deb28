"""serve_policy and GridPilot's remote agent: a served controller runs in `gridpilot run` as it
runs in-process, and a server that is down or answers wrongly is said so."""

import socket
import subprocess

import numpy as np
import pytest

import gridpilot
from conftest import ROOT, gridpilot_bin, run_json


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def controller(obs: np.ndarray) -> np.ndarray:
    """Curtails the wind farm as the industrial load drops, and charges with what is left."""
    names = gridpilot.GridEnv("anm6_easy").observation_names
    load, wind = obs[names.index("load_ind.p_mw")], obs[names.index("wind.available_mw")]
    return np.array([30.0, min(50.0, 18.0 + load), 0.0, 0.0, -0.2 * wind, 0.0])


def test_a_served_controller_runs_as_it_does_in_process():
    port = free_port()
    server = gridpilot.serve_policy(controller, port=port, background=True)
    try:
        rows = run_json("--network", "networks/anm6_easy.ron", "--agent",
                        f"remote:http://127.0.0.1:{port}", "--seed", "3", "--steps", "30")
    finally:
        server.shutdown()
    env = gridpilot.GridEnv("anm6_easy")
    obs, _ = env.reset(seed=3)
    for row in rows:
        obs, reward, *_ = env.step(controller(obs))
        assert reward == row["reward"]


def run_remote(address: str) -> subprocess.CompletedProcess:
    return subprocess.run([gridpilot_bin(), "run", "--network", "networks/anm6_easy.ron",
                           "--agent", f"remote:{address}", "--steps", "5"],
                          cwd=ROOT, capture_output=True, text=True)


def test_a_server_that_is_down_is_said_so():
    out = run_remote(f"http://127.0.0.1:{free_port()}")
    assert out.returncode == 1
    assert "remote policy http://127.0.0.1" in out.stderr and "cannot connect" in out.stderr


def test_a_policy_that_fails_stops_the_run_with_its_reason():
    port = free_port()
    server = gridpilot.serve_policy(lambda obs: np.zeros(2), port=port, background=True)
    try:
        out = run_remote(f"http://127.0.0.1:{port}")
    finally:
        server.shutdown()
    assert out.returncode == 1
    assert "500" in out.stderr and "the policy gave 2 values for 6 actions" in out.stderr


def test_serve_policy_refuses_what_it_cannot_serve():
    with pytest.raises(TypeError, match="cannot serve"):
        gridpilot.serve_policy(42, port=free_port(), background=True)


def test_normalised_actions_are_served_in_the_networks_units():
    port = free_port()
    # −1 everywhere: every action at its lower bound.
    server = gridpilot.serve_policy(lambda obs: -np.ones(6), port=port, background=True,
                                    normalized_actions=True)
    try:
        rows = run_json("--network", "networks/anm6_easy.ron", "--agent",
                        f"remote:http://127.0.0.1:{port}", "--steps", "3")
    finally:
        server.shutdown()
    env = gridpilot.GridEnv("anm6_easy")
    env.reset(seed=0)
    for row in rows:
        assert row["reward"] == env.step(env.action_space.low)[1]
