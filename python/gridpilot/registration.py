"""Gymnasium ids for the bundled networks: ``gridpilot/ANM6Easy-v0``, ``gridpilot/Case14Classroom-v0``..."""

import gymnasium

from gridpilot import _core

# Names whose usual spelling is not plain title case.
SPECIAL = {"anm6_easy": "ANM6Easy", "ieee13_powergrid": "IEEE13PowerGrid",
           "ieee34_powergrid": "IEEE34PowerGrid", "cigre_mv_der": "CigreMVDer"}


def environment_id(network: str) -> str:
    """The Gymnasium id of a bundled network."""
    name = SPECIAL.get(network) or "".join(part.capitalize() for part in network.split("_"))
    return f"gridpilot/{name}-v0"


def register_environments() -> None:
    """Registers one id per bundled network (done when `gridpilot` is imported)."""
    for network in _core.bundled_networks():
        env_id = environment_id(network)
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point="gridpilot.env:GridEnv",
                               kwargs={"network": network})
