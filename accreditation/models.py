"""Models of the accreditation module; filled by its issue."""
