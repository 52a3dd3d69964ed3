"""Landmark smoothing between the pose model and the measures."""
