"""The bento-cf policy pack: ``pulumi preview --policy-pack policy`` runs this file.

Each policy lives in its own module under ``bento_cf_policy/``; see docs/policy.md.
"""

from bento_cf_policy import DEFAULT_ENFORCEMENT, PACK_NAME, policies
from pulumi_policy import PolicyPack

# PolicyPack starts the analyzer server the Pulumi engine talks to; it never returns.
PolicyPack(name=PACK_NAME, policies=policies(), enforcement_level=DEFAULT_ENFORCEMENT)
