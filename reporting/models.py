"""Models of the reporting module; filled by its issue."""
