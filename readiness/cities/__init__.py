"""Cities: the U4SSC KPIs, city master, reference targets, import template and scoring (pure)."""
