"""The import fast path, isolated: COPY inserts (copy.py) and batch creation with the same
rules as `lead_create` (create.py). Measured in bench/results/import.md."""
