"""What the applications part of the accreditation domain registers when the app is ready: its notice kinds,
document kinds, console cards and evidence providers."""


def ready() -> None:
    pass
