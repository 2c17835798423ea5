"""Models of the distribution module; filled by its issue."""
