"""The live front end: the coaching loop over a camera (or a file played as one)."""
