"""`ZoneEnv`: one agent per zone of a network (PettingZoo's parallel API), as PowerGrid's
networked microgrids are operated: each zone's operator observes its zone and acts on its
devices; the reward is shared or each zone's own."""

from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from gridpilot import _core


class ZoneEnv(ParallelEnv):
    """A network whose buses name zones, with an agent for each zone that has something to set.

    An agent observes the components of its zone's buses, of the devices at them and of the
    branches touching them, and the time; it sets the actions of its devices and of the branches
    leaving its buses. Actions no agent sets keep their do-nothing value. Every agent gets the
    network's reward, or with ``zone_reward=True`` the reward counted over its own zone (over
    zones that cover the network these add up to the network's, each term clipped zone by
    zone). Keyword arguments override the scenario as in `GridEnv`.
    """

    metadata = {"name": "gridpilot_zones_v0", "render_modes": []}

    def __init__(self, network: str = "networked_microgrids", zone_reward: bool = False,
                 **scenario_overrides: Any):
        self.network = network
        self.zone_reward = zone_reward
        self._core = _core.Env(str(network), json.dumps(scenario_overrides))
        zones = [z for z in self._core.zones() if z[2]]
        if not zones:
            raise ValueError(f"{network}: no zone has a device to set (give buses a zone)")
        self._zone_order = [name for name, _, _ in self._core.zones()]
        self.possible_agents = [name for name, _, _ in zones]
        self.agents: list[str] = []
        self._observe = {name: np.array(obs) for name, obs, _ in zones}
        self._act = {name: np.array(act) for name, _, act in zones}
        low, high = (np.array(b) for b in self._core.action_bounds)
        self._action_spaces = {
            name: spaces.Box(low[act], high[act], dtype=np.float64) for name, act in self._act.items()
        }
        self._observation_spaces = {
            name: spaces.Box(-np.inf, np.inf, shape=(len(obs),), dtype=np.float64)
            for name, obs in self._observe.items()
        }
        names = self._core.observation_names
        self.observation_names = {a: [names[i] for i in o] for a, o in self._observe.items()}
        names = self._core.action_names
        self.action_names = {a: [names[i] for i in act] for a, act in self._act.items()}
        self._do_nothing = np.array(self._core.do_nothing)
        self._rng = np.random.default_rng()

    def observation_space(self, agent: str) -> spaces.Box:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Box:
        return self._action_spaces[agent]

    def reset(self, seed: Optional[int] = None, options: Optional[dict] = None):
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        else:
            seed = int(self._rng.integers(2**63))
        options = options or {}
        obs, _ = self._core.reset(int(seed), options.get("start_time_index"), None, None)
        self.agents = list(self.possible_agents)
        return self._split(obs), {a: {} for a in self.agents}

    def step(self, actions: dict):
        full = self._do_nothing.copy()
        for agent, action in actions.items():
            full[self._act[agent]] = np.asarray(action, dtype=np.float64).reshape(-1)
        obs, reward, terminated, truncated, info = self._core.step(full)
        if self.zone_reward:
            by_zone = dict(zip(self._zone_order, self._core.zone_rewards()))
            rewards = {a: by_zone[a] for a in self.agents}
        else:
            rewards = {a: reward for a in self.agents}
        observations = self._split(obs)
        terminations = {a: terminated for a in self.agents}
        truncations = {a: truncated for a in self.agents}
        infos = {a: {"network": info} for a in self.agents}
        if terminated or truncated:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def _split(self, obs: np.ndarray) -> dict:
        return {a: obs[self._observe[a]] for a in self.possible_agents}
