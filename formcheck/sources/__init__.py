"""Where frames come from: a recorded video, a camera, or a recorded landmark track."""
