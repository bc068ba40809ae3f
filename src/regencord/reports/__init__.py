"""The trial report: figures and segmental charts rendered from outcome data."""
