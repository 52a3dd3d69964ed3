"""formcheck: exercise-form feedback from video for back-pain relief exercises."""

__version__ = "0.1.0"
