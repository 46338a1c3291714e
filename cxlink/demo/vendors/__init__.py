"""Demo data written in vendors' own formats (API objects and export files), for the connector demo."""
