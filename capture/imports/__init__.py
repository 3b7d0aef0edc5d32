"""Import of trade-fair and purchased lists (CSV, XLSX) into leads: reading and mapping
(files.py), the resumable batch run (run.py); the bulk insert is `leads.bulk`."""
