"""Customer health: the configured score's configuration, the learned score's fit and the
validation statistics (docs/metrics.md "Customer health and closing the loop"). Pure functions;
the dbt models in dbt_project/models/{intermediate,marts}/health call them."""
