"""``bento-cf dev``: the stack's real Worker in workerd, locally, in front of a Bento you run.

No Docker and no Cloudflare account: the plan gives the Worker module and its runtime settings,
miniflare runs them on 127.0.0.1, and each container the Worker starts is a stand-in that forwards
to ``--upstream`` (``upstream-container.mjs``).
"""
