"""CSV import of fans: reading a file as it streams, matching its columns, parsing each row with
the fan rules of core.fans, and the use cases that stage, merge and report an import."""
