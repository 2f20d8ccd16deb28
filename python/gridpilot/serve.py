"""`serve_policy`: any Python policy, served over HTTP for GridPilot's `remote:` agent, so the
app (Agent → Remote policy…) or `gridpilot run --agent remote:http://HOST:PORT` can watch it.

The protocol (see the README): GET answers the components the policy reads and sets,
``{"observation": [names], "action": [names]}``; POST ``{"observation": {name: value}}``
answers ``{"action": {name: value}}``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from gridpilot.env import GridEnv


def rllib_policy(checkpoint: str) -> Callable[[np.ndarray], np.ndarray]:
    """The deterministic policy of an RLlib checkpoint (RLlib's new API stack, continuous
    actions): the mean of the action distribution its module computes. Needs ray[rllib] and
    torch."""
    import torch
    from ray.rllib.core.rl_module.rl_module import RLModule

    path = Path(checkpoint) / "learner_group" / "learner" / "rl_module" / "default_policy"
    module = RLModule.from_checkpoint(path)

    def act(obs: np.ndarray) -> np.ndarray:
        batch = {"obs": torch.as_tensor(np.asarray(obs, dtype=np.float32)[None])}
        with torch.no_grad():
            inputs = module.forward_inference(batch)["action_dist_inputs"][0].numpy()
        # A diagonal Gaussian: its means, then its log standard deviations.
        return np.clip(inputs[: len(inputs) // 2], -1.0, 1.0)

    return act


def policy_function(policy: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A function from observation to action: `policy` itself if callable, a Stable-Baselines3
    model's deterministic `predict`, or an RLlib checkpoint (a path) restored with Ray."""
    if hasattr(policy, "predict"):
        return lambda obs: policy.predict(obs, deterministic=True)[0]
    if callable(policy):
        return policy
    if isinstance(policy, (str, Path)):
        return rllib_policy(str(policy))
    raise TypeError(f"cannot serve {policy!r}: give a function, an SB3 model or an RLlib checkpoint")


def serve_policy(
    policy: Any,
    port: int = 8765,
    host: str = "127.0.0.1",
    network: str = "anm6_easy",
    observation: Optional[Sequence[str]] = None,
    action: Optional[Sequence[str]] = None,
    background: bool = False,
    normalized_actions: bool = False,
) -> ThreadingHTTPServer:
    """Serves `policy` at http://host:port for GridPilot's remote agent.

    The policy gets a NumPy array of the `observation` components (every component of
    `network`'s observation space unless named) and returns one value per `action` component
    (every action unless named; the others keep their do-nothing value in GridPilot), or values
    in [-1, 1] rescaled to the actions' bounds with `normalized_actions=True` (a policy trained
    on `GridEnv(normalize_actions=True)`). With `background=True` the server runs on a thread
    and is returned (call `shutdown()` on it); otherwise this call serves until interrupted.
    """
    names = GridEnv(network)
    observation = list(observation or names.observation_names)
    action = list(action or names.action_names)
    act = policy_function(policy)
    if normalized_actions:
        bounds = names.action_space
        index = [names.action_names.index(a) for a in action]
        low, high = bounds.low[index], bounds.high[index]
        scaled = act
        act = lambda obs: low + (np.clip(scaled(obs), -1.0, 1.0) + 1.0) * 0.5 * (high - low)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.answer(200, {"observation": observation, "action": action})

        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                obs = np.array([body["observation"][name] for name in observation])
                values = np.asarray(act(obs), dtype=float).reshape(-1)
                if len(values) != len(action):
                    raise ValueError(f"the policy gave {len(values)} values for {len(action)} actions")
                self.answer(200, {"action": dict(zip(action, map(float, values)))})
            except Exception as error:  # the client shows the reason
                self.answer(500, {"error": f"{type(error).__name__}: {error}"})

        def answer(self, status: int, content: dict) -> None:
            data = json.dumps(content).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet: one request per step
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    if background:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return server
