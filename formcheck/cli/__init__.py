"""The command-line front end: ``formcheck analyze``, ``live``, ``routine``, ``history``..."""
