"""Where rendered artifacts go, relative to the program folder.

Relative so paths in resource inputs are the same on every machine (no perma-diff from temp
or home paths); kept apart from the component so the CLI can name it without loading providers.
"""

from pathlib import Path

BUILD_ROOT = Path(".bento-cf")
