"""What is read off a pose frame: the exercise's measures, posture, camera view, motion."""
