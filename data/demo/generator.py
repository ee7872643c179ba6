"""The demo generator, composed of its parts (one module each).
"""
from __future__ import annotations

from data.demo.collection import Collection
from data.demo.foreclosure import Foreclosure
from data.demo.governance import Governance
from data.demo.lifecycle import Lifecycle
from data.demo.world import World


class _Generator(World, Lifecycle, Collection, Foreclosure, Governance):
    """Builds every row of the demo database in memory, deterministically from one Random.

    Its parts, one module each: the world and the book of loans (world), each loan's life (lifecycle),
    collection (collection), foreclosed assets (foreclosure), users, reviews and decisions (governance).
    """
