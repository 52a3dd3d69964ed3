"""Batch analysis: many videos into one output folder, with an index, resumable.

``plan`` turns the inputs into jobs (one per video, each with the key that says
whether an earlier run already did it), ``worker`` analyses one job, ``engines`` and
``ray_engine`` run the jobs (in this process, in local processes, or on a Ray cluster),
``index`` keeps ``index.csv`` and ``index.html``, and ``driver`` ties them together.
"""
