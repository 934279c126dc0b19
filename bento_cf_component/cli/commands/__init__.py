"""One module per ``bento-cf`` subcommand: each has ``register(subparsers)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
from typing import TypeAlias

# What ``ArgumentParser.add_subparsers()`` returns; argparse spells the class privately.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
