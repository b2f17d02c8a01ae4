"""Labo de l'ESS seminar dashboard: prioritise challenges, then follow the actions they lead to."""

__version__ = "0.1.0"
