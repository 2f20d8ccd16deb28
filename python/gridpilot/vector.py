"""`GridVectorEnv`: copies of one environment stepped together in Rust."""

from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from gridpilot import _core
from gridpilot.env import boxes


class GridVectorEnv(VectorEnv):
    """`num_envs` copies of a network's environment, stepped in Rust with the GIL released.

    An episode that ends is reset by the next call to `step`, whose action for that copy is
    ignored (Gymnasium's next-step autoreset); copy i of a reset with seed S uses seed S + i.
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, network: str = "anm6_easy", num_envs: int = 16, **scenario_overrides: Any):
        self._core = _core.VecEnv(str(network), num_envs, json.dumps(scenario_overrides))
        single = _core.Env(str(network), json.dumps(scenario_overrides))
        self.single_observation_space, self.single_action_space = boxes(single)
        self.num_envs = num_envs
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.action_names: list[str] = single.action_names
        self.observation_names: list[str] = single.observation_names

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        super().reset(seed=seed)
        if seed is None:
            seed = int(self.np_random.integers(2**62))
        seeds = [int(seed) + i for i in range(self.num_envs)]
        start = (options or {}).get("start_time_index")
        return self._core.reset(seeds, start), {}

    def step(self, actions):
        actions = np.ascontiguousarray(actions, dtype=np.float64).reshape(self.num_envs, -1)
        observations, rewards, terminated, truncated = self._core.step(actions)
        return observations, rewards, terminated, truncated, {}
