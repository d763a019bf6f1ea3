"""Operations: backing up the database and restoring it (``flask ops backup|restore``)."""
