"""Benchmarks on text the team did not write: corpora loaders and the peer systems (stock Presidio,
Philter) run side by side with phi-proxy by :mod:`bench.compare`."""
