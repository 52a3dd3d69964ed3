"""Routine files: which exercises to do, in order, with their targets; see README "Live coaching"."""
