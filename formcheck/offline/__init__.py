"""The recorded-video front end: a whole file (or landmark track) analysed into a session."""
