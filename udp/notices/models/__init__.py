from udp.notices.models.notices import Notice

__all__ = ["Notice"]
