"""The action-box processes on a lead (seed 002), above `leads`; see processes/services.py."""
