"""ArmsTrace: register, secure and trace weapons; keep them away from terrorists and armed groups."""

__version__ = "0.1.0"
