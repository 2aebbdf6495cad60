"""Data and build: snapshot, catalogue, country master, groups; imports errors and paths only."""
