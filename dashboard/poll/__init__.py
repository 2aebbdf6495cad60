"""The live workshop poll: participants answer on their phones, the presenter shows the tally."""
