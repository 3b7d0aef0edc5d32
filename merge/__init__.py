"""Merging duplicates: two leads (`merge.leads`) or two persons (`merge.persons`) into one,
with their screens. Above `boards`, because a merged person's selection memberships move."""
