"""What users enter (cities, their KPI values and targets, who changed what), kept in a database."""
