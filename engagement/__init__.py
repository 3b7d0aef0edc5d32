"""Engagement score: points for mail opens and clicks, replies, repeated requests and meetings, decayed by a half-life and recomputed in bulk by beat."""
