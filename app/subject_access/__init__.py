"""Subject access (Data Protection Act 2018, Part 3, section 45): everything the hub holds
about one person on the scheme, or about one victim, as a print view and as JSON."""
