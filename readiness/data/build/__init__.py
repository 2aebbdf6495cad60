"""The build step: read the raw public files and write the committed snapshot under data/."""
