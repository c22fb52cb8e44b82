"""The working store: SQLAlchemy models, the database handle, migrations and PO sync."""
