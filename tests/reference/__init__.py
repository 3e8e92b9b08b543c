"""Slow, obviously-correct reference implementations that fast code is checked against."""
