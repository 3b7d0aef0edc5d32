"""Views of the boards app, one module per screen (board, dashboard, selections)."""
