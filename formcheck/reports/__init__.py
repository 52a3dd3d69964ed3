"""What a finished session is written to: the JSON report and its reader, HTML, CSV, video."""
