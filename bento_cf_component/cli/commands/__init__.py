"""One module per ``bento-cf`` subcommand: each has ``register(subparsers)`` and ``run(args) -> int``."""
