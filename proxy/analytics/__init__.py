"""De-identified analytics: a Safe Harbor copy of every message, exports and console figures.

Modules: :mod:`.safe_harbor` (the transforms, pure), :mod:`.deidentifier` (the batch path with
its verifying second scan), :mod:`.records` (rows), :mod:`.recorder` (background writes),
:mod:`.export`, :mod:`.summary`, :mod:`.routes` (admin API), :mod:`.wiring` (the app hooks).
Kept light: importing the package imports nothing heavy.
"""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Call from ``create_app`` after the store and detection contexts are registered (the
    recorder is drained before they close). The admin API routes are declared when
    :mod:`.wiring` is imported and registered with the admin route table."""
    from proxy.analytics.wiring import recorder_context  # kept light: see above

    app.cleanup_ctx.append(recorder_context)
