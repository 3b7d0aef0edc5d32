"""Writes of the lead domain, one module per business topic (lead, lifecycle, history,
merge, processes, appointments, scoring, numbering, distribution, uploads)."""
