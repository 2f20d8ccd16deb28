"""GridPilot from Python: Gymnasium environments for operating electricity grids, on
GridPilot's Rust core (the same simulator the app and the command line run).

    import gymnasium as gym
    import gridpilot

    env = gym.make("gridpilot/ANM6Easy-v0")          # or gridpilot.GridEnv("anm6_easy")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
"""

from gridpilot._core import bundled_networks, load_episode
from gridpilot.env import GridEnv
from gridpilot.registration import register_environments
from gridpilot.serve import serve_policy
from gridpilot.vector import GridVectorEnv
from gridpilot.zones import ZoneEnv

__all__ = [
    "GridEnv",
    "GridVectorEnv",
    "bundled_networks",
    "load_episode",
    "register_environments",
    "serve_policy",
    "ZoneEnv",
]

register_environments()
