"""Investigation cases, violations and the entity registry."""
