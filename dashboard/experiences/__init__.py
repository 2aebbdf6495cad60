"""The Experiences page and the profile's experiences section: case studies and their factors."""
