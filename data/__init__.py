"""Data layer: code tables, import with validation, the stored database, the demo generator."""
