"""The pure domain: documents, segments, catalogues, merging. No Flask here (a test enforces it)."""
