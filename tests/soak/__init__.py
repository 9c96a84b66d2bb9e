"""Long load and fault runs, marked ``soak``: ``make soak`` runs them."""
