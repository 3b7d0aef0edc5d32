"""Lead screens: list (lists.py), mask (mask.py), protected files (files.py), export."""
