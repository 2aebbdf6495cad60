"""Uploads: read and check user files, overlays, scenarios, safe output; imports data, index."""
