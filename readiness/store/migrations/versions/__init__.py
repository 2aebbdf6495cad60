"""One module per schema revision, oldest first (r0001_..., r0002_...); never edit a shipped one."""
