"""regencord: running and analysing clinical trials of regenerative therapies for SCI."""

__version__ = "0.1.0"
