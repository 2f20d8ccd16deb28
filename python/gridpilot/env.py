"""`GridEnv`: one GridPilot environment as a `gymnasium.Env`."""

from __future__ import annotations

import json
from typing import Any, Optional

import gymnasium
import numpy as np
from gymnasium import spaces

from gridpilot import _core


def boxes(core) -> tuple[spaces.Box, spaces.Box]:
    """The observation and action spaces of a core environment.

    Actions keep GridPilot's bounds (values outside are clipped). Observations are unbounded:
    GridPilot's observation bounds are nominal (a branch may carry more than twice its rating, a
    generator's reactive power may pass its limits), and an observation is never clipped to
    them; they are in `observation_bounds`.
    """
    act_low, act_high = core.action_bounds
    width = len(core.observation_names)
    observation = spaces.Box(-np.inf, np.inf, shape=(width,), dtype=np.float64)
    action = spaces.Box(np.array(act_low), np.array(act_high), dtype=np.float64)
    return observation, action


class GridEnv(gymnasium.Env):
    """A GridPilot network with a scenario, stepped by Gymnasium's rules.

    `network` is a network file (``.ron``, ``.m``, pandapower ``.json``) or the name of a bundled
    network (`gridpilot.bundled_networks()`). Keyword arguments override the scenario's
    settings, as in the network file (``episode_steps=96``, ``reward={"penalty_weight": 10}``).

    Observations and actions are named components (`observation_names`, `action_names`, as
    `gridpilot spaces` names them) in MW, MVAr, MWh, p.u. and tap steps. With
    ``normalize_actions=True`` the action space is [-1, 1] in every component, rescaled to the
    bounds (PowerGrid's NormalizeActionWrapper). ``info`` holds the reward terms, violations,
    events and clipped components of the step.

    ``reset(seed=S)`` resets with seed S exactly as ``gridpilot run --seed S`` does (with no seed
    one is drawn from the environment's generator); ``options`` may hold ``start_time_index``,
    ``initial_soc_mwh`` (a dict of storage unit to MWh) and ``record`` (an episode file to write
    the episode to, for the app or ``gridpilot replay``).

    ``render()`` is not available from Python: the package is built without GridPilot's
    window. Record an episode and open it in the app to watch it.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        network: str = "anm6_easy",
        seed: Optional[int] = None,
        normalize_actions: bool = False,
        **scenario_overrides: Any,
    ):
        super().__init__()
        self.network = network
        self._core = _core.Env(str(network), json.dumps(scenario_overrides))
        self.observation_space, self._box = boxes(self._core)
        self.action_names: list[str] = self._core.action_names
        self.observation_names: list[str] = self._core.observation_names
        self.discount: float = self._core.discount
        #: Time indices in the scenario's cycle (96 for a day of 15 minutes).
        self.steps_per_cycle: int = self._core.steps_per_cycle
        low, high = self._core.observation_bounds
        #: The nominal bounds of each observation component (`gridpilot spaces` lists them).
        self.observation_bounds = (np.array(low), np.array(high))
        self.normalize_actions = normalize_actions
        if normalize_actions:
            if not (np.isfinite(self._box.low).all() and np.isfinite(self._box.high).all()):
                raise ValueError("normalize_actions needs every action to have finite bounds")
            self.action_space = spaces.Box(-1.0, 1.0, shape=self._box.shape, dtype=np.float64)
        else:
            self.action_space = self._box
        self._seed = seed

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        super().reset(seed=seed if seed is not None else self._seed)
        if seed is None:
            seed = self._seed if self._seed is not None else int(self.np_random.integers(2**63))
        self._seed = None
        options = options or {}
        soc = options.get("initial_soc_mwh")
        observation, info = self._core.reset(
            int(seed),
            options.get("start_time_index"),
            list(soc.items()) if soc else None,
            options.get("record"),
        )
        return observation, info

    def step(self, action):
        action = np.asarray(action, dtype=np.float64).reshape(-1)
        if self.normalize_actions:
            low, high = self._box.low, self._box.high
            action = low + (np.clip(action, -1.0, 1.0) + 1.0) * 0.5 * (high - low)
        return self._core.step(action)

    def render(self):
        raise NotImplementedError(
            "GridPilot's Python package has no window: record the episode "
            "(reset(options={'record': 'run.episode'})) and open it in the app"
        )

    def close(self):
        self._core.close()

    @property
    def do_nothing(self) -> np.ndarray:
        """The action that leaves every setpoint where the network has it."""
        return np.array(self._core.do_nothing)
