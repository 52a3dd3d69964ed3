"""What the person sees and hears while exercising: overlay, live layers, cues, voice, window."""
