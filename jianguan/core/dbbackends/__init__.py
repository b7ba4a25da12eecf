"""Database backends: thin subclasses of Django's, so that both databases enforce the same rules."""
