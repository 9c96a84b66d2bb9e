"""Coverage-guided fuzzing (atheris) of negotiation and Hawk header parsing, and its regressions."""
