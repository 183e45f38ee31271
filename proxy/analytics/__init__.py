"""De-identified analytics: a Safe Harbor copy of every message, exports and console figures.

Modules: :mod:`.safe_harbor` (the transforms, pure), :mod:`.deidentifier` (the batch path with
its verifying second scan), :mod:`.records` (rows), :mod:`.recorder` (background writes),
:mod:`.export`, :mod:`.summary`, :mod:`.routes` (admin API), :mod:`.wiring` (the app hooks).
Kept light: importing the package imports nothing heavy.
"""
