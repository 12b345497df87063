"""The business rules, one module per domain: sessions, users, recovery."""
