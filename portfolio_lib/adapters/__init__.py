"""Database, file store, importers: the parts that touch the outside world."""
