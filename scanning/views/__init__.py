"""Scanning views, split along the seam between hearing the community (activities,
candidates) and choosing priorities (rounds and ballots, adopted priorities)."""
