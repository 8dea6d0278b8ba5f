"""Running several dashboard servers on one machine: nginx in front (nginx.py), a local
PostgreSQL for their shared state (postgres.py), and the command that starts them (replicas.py)."""
