"""Sandbox: a local stand-in for every shipped provider's API (app), answering the way each
provider does (answers); a development tool, see :mod:`.app`."""
