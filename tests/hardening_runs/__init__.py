"""Issue 16, run level: killed runs, dbt outliving its run, two runs at once, readers of the
warehouse, byte-reproducible nps_drivers."""
