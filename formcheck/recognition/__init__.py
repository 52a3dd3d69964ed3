"""Recognising the exercise: every exercise file's rules on one landmark stream.

``evidence`` runs them and keeps their per-frame verdicts, ``scoring`` turns a stretch of
those into scores and a verdict, ``segments`` splits a routine recording into exercises,
``online`` follows the person live.
"""

from formcheck.recognition.evidence import Evidence, EvidenceCollector, EvidenceStream, collect_evidence
from formcheck.recognition.scoring import Recognition, ScoreParams, recognise

__all__ = [
    "Evidence",
    "EvidenceCollector",
    "EvidenceStream",
    "Recognition",
    "ScoreParams",
    "collect_evidence",
    "recognise",
]
