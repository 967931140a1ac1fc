"""Soundweaver: audio middleware for games.

The code lives in three layers (imports point down only):
``soundweaver.middleware`` -> ``soundweaver.engines`` -> ``soundweaver.models``.
"""

__version__ = "0.1.0"
