"""Hostile input, load and faults: negotiation and Hawk keep working and leak nothing."""
