"""Imports of structured files (CSV, XLSX, JSON, JSON lines, XML, GeoJSON, FtM) into the
entity registry: one reader per format, the mapping, the job. See docs/imports.md."""
