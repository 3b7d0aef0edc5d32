"""Mein Kalender: week and month views of a user's appointments and tasks, the personal iCal feed, invitations."""
