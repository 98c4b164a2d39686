"""Spatial functions: point() and distance()."""
