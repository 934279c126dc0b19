"""The Bento check: does a Bento config work behind a Worker on Cloudflare Containers?

``check_bento_config`` is the one entry point; see docs/bento-check.md for the rules.
"""

from .checks import check_bento_config
from .report import BentoCheckResult, Pattern, Problem

__all__ = ["BentoCheckResult", "Pattern", "Problem", "check_bento_config"]
