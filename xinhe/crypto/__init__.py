"""Keys: key slots, password KDF, recovery key, workstation binding, signing identity."""
