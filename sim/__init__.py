"""A software My Number Card: the chip as a pure state machine, and ways to serve it."""
