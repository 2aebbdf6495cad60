"""Current data on request: download the sources, build and check a new snapshot, switch to it atomically, say what changed."""  # noqa: E501
