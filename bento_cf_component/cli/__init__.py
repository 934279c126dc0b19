"""The ``bento-cf`` command line."""
