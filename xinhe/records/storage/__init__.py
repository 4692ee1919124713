"""Where the records live: the local SQLCipher vault or the studio PostgreSQL server."""
