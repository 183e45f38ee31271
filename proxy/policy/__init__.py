"""Policy: the privacy officer's rules as data (model), read from YAML (parse), the officer's own
recognizers (custom), what to do with a text's findings (decide), the live policy and its reloads
(holder), published versions (versions), the patient notice the policy words (notice), the test
bench (testbench), rule edits (edit), and the ``policy`` command (cli).

Core: imports no feature package (portal, admin, analytics, webhooks).
"""

from proxy.policy.model import Action, AllowList, EntityRule, Policy, PortalSettings, as_dict
from proxy.policy.parse import default_policy_path, load_policy, parse_policy, read_policy_text

__all__ = [
    "Action",
    "AllowList",
    "EntityRule",
    "Policy",
    "PortalSettings",
    "as_dict",
    "default_policy_path",
    "load_policy",
    "parse_policy",
    "read_policy_text",
]
