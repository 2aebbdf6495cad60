"""Index engine: framework, method, treatment, normalisation, aggregation; imports data."""
