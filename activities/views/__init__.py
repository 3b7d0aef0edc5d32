"""Activity screens: list (lists.py) and card/create/edit/done (card.py)."""
