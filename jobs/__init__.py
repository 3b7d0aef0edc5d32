"""Progress-tracked background work: the `Job` row and the one runner for its lifecycle."""
