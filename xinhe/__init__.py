"""Xinhe (馨和): encrypted casework records for a family support studio."""

__version__ = "0.1.0"
