"""Values shared by tests."""

from __future__ import annotations

STRONG = "Velvet-Harbor-Quartz-71"
"""A password every policy accepts, for tests that are not about the policy."""
