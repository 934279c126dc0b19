#!/bin/sh
# A stand-in for `docker` in wrangler's dry run (no Docker engine here): records each call's
# arguments, one per line, and for `build` the Dockerfile wrangler pipes in on stdin. Succeeds.
log="${DOCKER_STANDIN_LOG:-/dev/null}"
printf '%s\n' "--- call" "$@" >> "$log"
if [ "$1" = "build" ]; then
  cat > "$log.dockerfile"
fi
exit 0
