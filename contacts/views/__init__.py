"""Views of the contacts screens, one module per screen."""
