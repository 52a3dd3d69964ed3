"""The web app: live coaching, upload and analyse, and the history, in the browser (``formcheck serve``)."""
