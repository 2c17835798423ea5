"""Models of the licensing module; filled by its issue."""
