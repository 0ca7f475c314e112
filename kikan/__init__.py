"""kikan (基幹): core business system for Japanese municipalities."""

__version__ = "0.1.0"
