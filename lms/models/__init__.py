from .profiles import CadreProfile, Gender
from .reference import AssessmentSignal, Department, PostCategory, Rank, RankLadder, SignalKind

__all__ = [
    "AssessmentSignal",
    "CadreProfile",
    "Department",
    "Gender",
    "PostCategory",
    "Rank",
    "RankLadder",
    "SignalKind",
]
