"""Labelled synthetic SMS corpus for measuring phi-proxy: generator, value pools and fragments.

``python -m bench.corpus.generate`` rewrites ``dev.jsonl`` and ``test.jsonl`` deterministically.
"""
