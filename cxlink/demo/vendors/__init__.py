"""The demo data set written in vendors' own formats (API objects, export files)."""
