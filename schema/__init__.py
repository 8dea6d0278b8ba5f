"""The case-record format (spec/case-schema.md): code tables and columns, shared by data and metrics."""
