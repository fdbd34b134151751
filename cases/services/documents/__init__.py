"""Unstructured documents of a case: upload (one file or a zip), text extraction by a
job, and the suggestions found in the text (docs/imports.md, "Documents")."""
