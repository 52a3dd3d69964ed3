"""The exercise rules: the evaluator that judges each frame (reps, holds, checks, set-up),
the session that records what happened, and the stage chain every front end runs."""
