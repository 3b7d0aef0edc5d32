"""Scheduled jobs of sequences: run due steps, enrol new leads by rule."""
