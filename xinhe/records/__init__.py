"""The casework domain: vault, accounts, audit, records and their services. No Qt here."""
