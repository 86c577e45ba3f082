"""The statistics bulletin: the expo's published figures, computed from the platform and from
records of what was concluded outside it."""
