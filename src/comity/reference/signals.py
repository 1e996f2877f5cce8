"""Signals of the reference data, importable before the models are ready (apps connect at start)."""

from django.dispatch import Signal

# Sent by `money.import_rates` after rates were stored: apps that keep conversions recompute their
# provisional ones and answer how many changed.
rates_changed = Signal()
