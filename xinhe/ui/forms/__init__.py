"""Forms generated from the JSON templates."""
