"""Running the dashboards' queries locally: the data as the pipeline writes it, and the SQL as Grafana sends it."""
