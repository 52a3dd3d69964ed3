"""What every stage shares: the frame type, landmark names, geometry, events, errors, safe file writes."""
