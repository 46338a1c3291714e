"""The source kinds: one module per vendor or format (the registry is ``cxlink.sources.registry``)."""
