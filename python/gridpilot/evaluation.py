"""The gym-anm paper's protocol from Python: one run of a policy for `steps` steps from a
seeded start, scored by its discounted return (γ from the scenario), exactly as `gridpilot
evaluate --episodes 1 --seed S` scores agents (same start, same figure)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from gridpilot import _core


def discounted_return(env, act: Callable[[np.ndarray], np.ndarray], steps: int = 2000,
                      seed: int = 0) -> float:
    """Runs `act` (observation to action) on `env`, a `GridEnv` (wrapped or not), from the
    start `gridpilot evaluate --seed seed` draws, for `steps` steps or until the episode ends;
    returns Σ γᵗ rₜ."""
    core = env.unwrapped
    [(start_seed, time_index)] = _core.evaluation_starts(1, seed, core.steps_per_cycle)
    obs, _ = env.reset(seed=start_seed, options={"start_time_index": time_index})
    total, weight = 0.0, 1.0
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(act(obs))
        total += weight * reward
        weight *= env.unwrapped.discount
        if terminated or truncated:
            break
    return total
