"""Encoders that write contract rows in vendors' own export formats (the connector demo path)."""
