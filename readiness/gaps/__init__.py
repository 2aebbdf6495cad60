"""Gaps: 2030 targets, group gaps, trends, peers and data gaps; imports data and index."""
