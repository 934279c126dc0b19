"""One module per deployment pattern, each choosing the parts it needs."""
